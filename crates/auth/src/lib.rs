//! Callers: SigV4 Authorization parsing, access key -> account, credential scope -> region.
