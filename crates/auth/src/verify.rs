//! SigV4 verification of a request exactly as it arrived (strict mode).
//!
//! The signing math — the HMAC key chain and the final HMAC — comes from
//! the `aws-sigv4` crate (`sign::v4::generate_signing_key` and
//! `calculate_signature`). Its request signer cannot be reused to verify:
//! it decides by itself which headers to sign, adds `x-amz-date` and
//! `x-amz-security-token`, and rewrites presigned query parameters, so it
//! cannot reproduce the canonical request of an arbitrary client (the JS SDK
//! signs `amz-sdk-invocation-id`, botocore does not). A verifier has to
//! rebuild the canonical request from the bytes received and the client's
//! own `SignedHeaders` list, which is what this module does; everything
//! after the canonical request is the crate's.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::credentials::{Credentials, Identity};
use crate::error::{excerpt, Location};
use crate::sigv4::{AuthParts, SigV4, ALGORITHM};

/// How far a request's `X-Amz-Date` may be from the server's clock, either
/// way (AWS: "more than 15 minutes after the date stamp on the request ...
/// or more than 15 minutes in the future").
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// More signed headers than any SDK sends (they sign about ten); the bound
/// keeps a hostile list from making the canonical request expensive.
pub const MAX_SIGNED_HEADERS: usize = 64;

/// A canonical request longer than this is not echoed back in the
/// signature-mismatch message (AWS echoes it to help debugging).
const MAX_ECHOED_CANONICAL: usize = 4096;

/// A request as received, with nothing normalised away.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    pub method: &'a str,
    /// The path as sent on the request line (still percent-encoded), without
    /// the query.
    pub path: &'a str,
    /// The query string as sent, without the `?`.
    pub query: Option<&'a str>,
    /// Every header in arrival order, names lower-case (as HTTP libraries
    /// hand them over), values as raw bytes. Repeated names appear once per
    /// occurrence.
    pub headers: &'a [(&'a str, &'a [u8])],
    pub body: &'a [u8],
}

/// Why a request was refused. The kind fixes the error code each service
/// answers with (see [`VerifyError::wire`]); `detail` is the text a JSON
/// service puts in `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    pub kind: FailureKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No `Authorization` header and no presigned query parameters.
    MissingToken,
    /// The signature is present but incomplete or malformed, or does not
    /// sign `host` / `x-amz-date`.
    Incomplete,
    /// The access key is not configured (or a session token was sent, which
    /// no configured key has).
    UnknownKey,
    /// The signature does not match.
    Mismatch,
    /// `X-Amz-Date` is too far from the server clock, or a presigned request
    /// has expired.
    Expired,
}

/// Which service family answers, since each names the same failure
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Direct Connect, in awsJson1_1 or RPC v2 CBOR (Coral JSON codes).
    Json,
    /// EC2 Query.
    Ec2,
    /// STS Query.
    Sts,
}

/// An error as one service family puts it on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFailure {
    pub code: &'static str,
    pub status: u16,
    pub message: String,
}

const MSG_MISSING: &str = "Missing Authentication Token";
const MSG_BAD_TOKEN: &str = "The security token included in the request is invalid.";
const MSG_MISMATCH: &str = "The request signature we calculated does not match the signature \
     you provided. Check your AWS Secret Access Key and signing method. Consult the service \
     documentation for details.";
const MSG_EC2_AUTH: &str = "AWS was not able to validate the provided access credentials";

impl VerifyError {
    fn new(kind: FailureKind, detail: impl Into<String>) -> Self {
        VerifyError {
            kind,
            detail: detail.into(),
        }
    }

    /// Code, status and message for `dialect`.
    ///
    /// | failure | Direct Connect (JSON/CBOR) | EC2 Query | STS Query |
    /// |---|---|---|---|
    /// | no signature | `MissingAuthenticationTokenException` 400 | `MissingAuthenticationToken` 403 | `MissingAuthenticationToken` 403 |
    /// | incomplete | `IncompleteSignatureException` 400 | `IncompleteSignature` 400 | `IncompleteSignature` 400 |
    /// | unknown key | `UnrecognizedClientException` 400 | `AuthFailure` 401 | `InvalidClientTokenId` 403 |
    /// | bad signature | `InvalidSignatureException` 400 | `AuthFailure` 401 | `SignatureDoesNotMatch` 403 |
    /// | clock skew / expired | `InvalidSignatureException` 400 | `RequestExpired` 400 | `SignatureDoesNotMatch` 403 |
    pub fn wire(&self, dialect: Dialect) -> WireFailure {
        use Dialect::*;
        use FailureKind::*;
        let (code, status, message): (&'static str, u16, &str) = match (dialect, self.kind) {
            (Json, MissingToken) => ("MissingAuthenticationTokenException", 400, MSG_MISSING),
            (Json, Incomplete) => ("IncompleteSignatureException", 400, &self.detail),
            (Json, UnknownKey) => ("UnrecognizedClientException", 400, MSG_BAD_TOKEN),
            (Json, Mismatch | Expired) => ("InvalidSignatureException", 400, &self.detail),
            (Ec2 | Sts, MissingToken) => ("MissingAuthenticationToken", 403, MSG_MISSING),
            (Ec2 | Sts, Incomplete) => ("IncompleteSignature", 400, &self.detail),
            // EC2 answers one code for any credential it cannot validate.
            (Ec2, UnknownKey | Mismatch) => ("AuthFailure", 401, MSG_EC2_AUTH),
            (Ec2, Expired) => ("RequestExpired", 400, "Request has expired."),
            (Sts, UnknownKey) => ("InvalidClientTokenId", 403, MSG_BAD_TOKEN),
            (Sts, Mismatch | Expired) => ("SignatureDoesNotMatch", 403, &self.detail),
        };
        WireFailure {
            code,
            status,
            message: message.to_string(),
        }
    }

    /// One line for the request log: the detail up to its first line break.
    pub fn log_note(&self) -> &str {
        self.detail.lines().next().unwrap_or("")
    }
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.log_note())
    }
}

impl std::error::Error for VerifyError {}

/// Strict mode: the caller's identity only if the request carries a valid
/// SigV4 signature by a configured key, made within [`MAX_CLOCK_SKEW`] of
/// `now` for a service in `services` (the credential scope's service must
/// be the endpoint's: `directconnect`, or `ec2`/`sts` for Query calls).
///
/// `now` is the real wall clock, never the emulator's virtual clock: SDKs
/// sign with the machine's clock, and advancing virtual time to expire
/// resources must not make every client's signature "expired".
pub fn verify_request(
    parts: &AuthParts<'_>,
    request: &ReceivedRequest<'_>,
    creds: &Credentials,
    services: &[&str],
    now: SystemTime,
) -> Result<Identity, VerifyError> {
    let sig = match SigV4::parse(parts) {
        Ok(Some(sig)) => sig,
        Ok(None) => return Err(VerifyError::new(FailureKind::MissingToken, MSG_MISSING)),
        Err(e) => return Err(VerifyError::new(FailureKind::Incomplete, e.to_string())),
    };
    verify(&sig, request, creds, services, now)?;
    Ok(creds.identity(Some(&sig)))
}

/// Checks an already parsed signature; see [`verify_request`].
pub fn verify(
    sig: &SigV4<'_>,
    request: &ReceivedRequest<'_>,
    creds: &Credentials,
    services: &[&str],
    now: SystemTime,
) -> Result<(), VerifyError> {
    let incomplete = |msg: String| VerifyError::new(FailureKind::Incomplete, msg);
    let signed: Vec<&str> = sig.signed_headers().collect();
    if signed.len() > MAX_SIGNED_HEADERS {
        return Err(incomplete(format!(
            "{} headers are signed; at most {MAX_SIGNED_HEADERS} are accepted",
            signed.len()
        )));
    }
    let form = match sig.location() {
        Location::Header => "Authorization",
        Location::Query => "X-Amz-SignedHeaders",
    };
    if !signed.contains(&"host") {
        return Err(incomplete(format!(
            "'Host' must be a 'SignedHeader' in the AWS {form}."
        )));
    }
    // In presigned form the date is a query parameter and so signed anyway.
    if sig.location() == Location::Header && !signed.contains(&"x-amz-date") {
        return Err(incomplete(format!(
            "'X-Amz-Date' must be a 'SignedHeader' in the AWS {form}."
        )));
    }
    let Some(amz_date) = sig.amz_date() else {
        return Err(incomplete(
            "Authorization header requires existence of the 'X-Amz-Date' header.".into(),
        ));
    };

    let service = sig.service();
    if !services.contains(&service) {
        let expected = services.first().copied().unwrap_or("");
        return Err(VerifyError::new(
            FailureKind::Mismatch,
            format!(
                "Credential should be scoped to correct service: '{expected}'. (got '{}')",
                excerpt(service)
            ),
        ));
    }

    let Some(secret) = creds.secret(sig.access_key()) else {
        return Err(VerifyError::new(FailureKind::UnknownKey, MSG_BAD_TOKEN));
    };
    // The credentials file holds long-term keys only, so no session token
    // can be valid; AWS answers a token it does not know the same way.
    if sig.security_token().is_some() {
        return Err(VerifyError::new(FailureKind::UnknownKey, MSG_BAD_TOKEN));
    }

    let Some(signed_at) = parse_amz_date(amz_date) else {
        return Err(incomplete(format!(
            "X-Amz-Date '{}' is not a valid date",
            excerpt(amz_date)
        )));
    };
    let scope_date = sig.credential().date();
    if scope_date != &amz_date[..8] {
        return Err(VerifyError::new(
            FailureKind::Mismatch,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
                 from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
                &amz_date[..8]
            ),
        ));
    }
    check_time(signed_at, sig.expires(), now)?;

    let actual_hash = hex::encode(Sha256::digest(request.body));
    let payload_hash = match header_values(request.headers, "x-amz-content-sha256").next() {
        // The spec lets a client name the payload hash; a hash that is not
        // the body's would let the body be swapped under a valid signature.
        Some(claimed) => {
            let claimed = trim_bytes(claimed);
            if claimed != actual_hash.as_bytes() {
                return Err(VerifyError::new(
                    FailureKind::Mismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                ));
            }
            actual_hash
        }
        None => actual_hash,
    };

    let canonical = canonical_request(sig, request, &signed, &payload_hash);
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        sig.credential().scope(),
        hex::encode(Sha256::digest(&canonical))
    );
    // The key is derived for the scope's date, exactly as the client wrote
    // it (checked above to be the request date's).
    let key_time = UNIX_EPOCH + Duration::from_secs(days_since_epoch_start(signed_at));
    let key = aws_sigv4::sign::v4::generate_signing_key(secret, key_time, sig.region(), service);
    let expected = aws_sigv4::sign::v4::calculate_signature(key, string_to_sign.as_bytes());
    if bool::from(expected.as_bytes().ct_eq(sig.signature().as_bytes())) {
        return Ok(());
    }
    let mut detail = MSG_MISMATCH.to_string();
    if canonical.len() <= MAX_ECHOED_CANONICAL {
        // AWS's own message goes on like this; it is the one clue a client
        // author has, so it is kept (only the client's own bytes appear).
        let _ = write!(
            detail,
            "\n\nThe Canonical String for this request should have been\n'{}'\n\n\
             The String-to-Sign should have been\n'{string_to_sign}'\n",
            String::from_utf8_lossy(&canonical)
        );
    }
    Err(VerifyError::new(FailureKind::Mismatch, detail))
}

/// `signed_at` (seconds since the epoch) must be within the skew of `now`;
/// a presigned request must also not be past `X-Amz-Expires`.
fn check_time(signed_at: i64, expires: Option<u32>, now: SystemTime) -> Result<(), VerifyError> {
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(_) => 0,
    };
    let skew = MAX_CLOCK_SKEW.as_secs() as i64;
    if signed_at > now + skew {
        return Err(VerifyError::new(
            FailureKind::Expired,
            format!(
                "Signature not yet current: {} is still later than {} ({} + 15 min.)",
                format_amz_date(signed_at),
                format_amz_date(now + skew),
                format_amz_date(now)
            ),
        ));
    }
    match expires {
        Some(expires) => {
            let until = signed_at + i64::from(expires);
            if now > until {
                return Err(VerifyError::new(
                    FailureKind::Expired,
                    format!(
                        "Signature expired: {} is now earlier than {}",
                        format_amz_date(until),
                        format_amz_date(now)
                    ),
                ));
            }
        }
        None => {
            if signed_at < now - skew {
                return Err(VerifyError::new(
                    FailureKind::Expired,
                    format!(
                        "Signature expired: {} is now earlier than {} ({} - 15 min.)",
                        format_amz_date(signed_at),
                        format_amz_date(now - skew),
                        format_amz_date(now)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD`, from the received bytes.
fn canonical_request(
    sig: &SigV4<'_>,
    request: &ReceivedRequest<'_>,
    signed: &[&str],
    payload_hash: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(request.method.as_bytes());
    out.push(b'\n');
    canonical_uri(request.path, &mut out);
    out.push(b'\n');
    canonical_query(
        request.query.unwrap_or(""),
        sig.location() == Location::Query,
        &mut out,
    );
    out.push(b'\n');
    for name in signed {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        for (i, value) in header_values(request.headers, name).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            trim_all(value, &mut out);
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(sig.signed_headers_str().as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    out
}

fn header_values<'h>(
    headers: &'h [(&'h str, &'h [u8])],
    name: &'h str,
) -> impl Iterator<Item = &'h [u8]> + 'h {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// SigV4 `Trimall`: no leading or trailing whitespace, inner runs of
/// whitespace collapsed to one space (botocore: `' '.join(v.split())`).
fn trim_all(value: &[u8], out: &mut Vec<u8>) {
    let mut pending_space = false;
    let mut started = false;
    for &b in value {
        if b == b' ' || b == b'\t' {
            pending_space = started;
        } else {
            if pending_space {
                out.push(b' ');
                pending_space = false;
            }
            out.push(b);
            started = true;
        }
    }
}

fn trim_bytes(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &v[start..end]
}

/// Non-S3 services: dot segments and empty segments removed, then every
/// byte outside the unreserved set percent-encoded, `/` kept. The path
/// arrives already encoded once, so an escape like `%2F` becomes `%252F`:
/// the "encoded twice" rule every SDK follows.
fn canonical_uri(path: &str, out: &mut Vec<u8>) {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    out.push(b'/');
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        uri_encode(segment.as_bytes(), out);
    }
    if path.len() > 1 && path.ends_with('/') && !segments.is_empty() {
        out.push(b'/');
    }
}

/// Parameters sorted by encoded name, then encoded value, each decoded and
/// re-encoded (RFC 3986 unreserved characters only); in presigned form
/// `X-Amz-Signature` is left out.
fn canonical_query(query: &str, presigned: bool, out: &mut Vec<u8>) {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if presigned && name == "X-Amz-Signature" {
            continue;
        }
        let mut n = Vec::with_capacity(name.len());
        uri_encode(&percent_decode(name.as_bytes()), &mut n);
        let mut v = Vec::with_capacity(value.len());
        uri_encode(&percent_decode(value.as_bytes()), &mut v);
        pairs.push((n, v));
    }
    pairs.sort_unstable();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        out.extend_from_slice(value);
    }
}

/// `%XX` decoding; a `%` without two hex digits stays literal, and `+`
/// stays `+` (SDKs encode a space as `%20`, never as `+`).
fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let (Some(hi), Some(lo)) = (hex_value(raw[i + 1]), hex_value(raw[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn uri_encode(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `yyyymmddThhmmssZ` (shape already checked by the parser) to seconds
/// since the epoch; `None` for an impossible calendar date or time.
pub(crate) fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn format_amz_date(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Midnight of the day `t` falls on, as seconds since the epoch (dates
/// before 1970 clamp to the epoch; no client signs those).
fn days_since_epoch_start(t: i64) -> u64 {
    u64::try_from(t.div_euclid(86_400) * 86_400).unwrap_or(0)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}
