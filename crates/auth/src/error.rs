use std::fmt;

/// Where a signature was found: the `Authorization` header or the
/// presigned query parameters. Error messages name the one the client used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Header,
    Query,
}

impl Location {
    fn describe(self) -> &'static str {
        match self {
            Location::Header => "Authorization header",
            Location::Query => "presigned query string",
        }
    }
}

/// Why a request's SigV4 parts could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The algorithm is not `AWS4-HMAC-SHA256` (e.g. SigV2, Basic, SigV4a).
    UnsupportedAlgorithm { found: String, location: Location },
    /// A required part (`Credential`, `SignedHeaders`, `Signature`,
    /// `X-Amz-Date`, ...) is absent or empty.
    Missing {
        part: &'static str,
        location: Location,
    },
    /// A part appears twice, so it is ambiguous which one was signed.
    Duplicate {
        part: &'static str,
        location: Location,
    },
    /// A part is present but does not have the expected shape.
    Malformed {
        part: &'static str,
        reason: String,
        location: Location,
    },
    /// Both an `Authorization` header and presigned query parameters.
    MultipleMechanisms,
}

impl AuthError {
    /// The error code AWS JSON services answer with for a request whose
    /// signature cannot even be parsed.
    pub fn code(&self) -> &'static str {
        "IncompleteSignatureException"
    }

    pub(crate) fn malformed(
        part: &'static str,
        location: Location,
        reason: impl Into<String>,
    ) -> Self {
        AuthError::Malformed {
            part,
            reason: reason.into(),
            location,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::UnsupportedAlgorithm { found, location } => write!(
                f,
                "{} uses unsupported algorithm '{found}'; only AWS4-HMAC-SHA256 is accepted",
                location.describe()
            ),
            AuthError::Missing { part, location } => {
                write!(f, "{} requires the '{part}' parameter", location.describe())
            }
            AuthError::Duplicate { part, location } => {
                write!(f, "{} has more than one '{part}' parameter", location.describe())
            }
            AuthError::Malformed { part, reason, location } => {
                write!(f, "{} has a malformed '{part}': {reason}", location.describe())
            }
            AuthError::MultipleMechanisms => f.write_str(
                "only one auth mechanism allowed: send either an Authorization header or presigned query parameters",
            ),
        }
    }
}

impl std::error::Error for AuthError {}

/// Shortens client-supplied text before it lands in an error message, so a
/// hostile header cannot bloat logs or responses.
pub(crate) fn excerpt(s: &str) -> String {
    const MAX: usize = 32;
    let mut out: String = s
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if s.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    out
}
