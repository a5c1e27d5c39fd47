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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use aws_sigv4::http_request::{
        sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    };
    use aws_sigv4::sign::v4;

    use super::*;

    const KEY: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const ACCOUNT: &str = "111111111111";
    const HOST: &str = "127.0.0.1:4599";
    const DX: &[&str] = &["directconnect"];

    fn creds() -> Credentials {
        let mut c = Credentials::empty();
        c.insert(KEY, SECRET, ACCOUNT).unwrap();
        c.insert("222222222222", "other", "222222222222").unwrap();
        c
    }

    fn at(amz: &str) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(parse_amz_date(amz).unwrap() as u64)
    }

    /// A request as the server will see it: owned parts plus the view.
    #[derive(Clone)]
    struct Wire {
        method: &'static str,
        path: String,
        query: Option<String>,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    }

    impl Wire {
        fn header(&self, name: &str) -> Option<String> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        }

        fn set_header(&mut self, name: &str, value: &str) {
            self.headers.retain(|(n, _)| n != name);
            self.headers
                .push((name.to_string(), value.as_bytes().to_vec()));
        }

        fn check(
            &self,
            creds: &Credentials,
            services: &[&str],
            now: SystemTime,
        ) -> Result<Identity, VerifyError> {
            let authorization = self.header("authorization");
            let date = self.header("x-amz-date");
            let token = self.header("x-amz-security-token");
            let parts = AuthParts {
                authorization: authorization.as_deref(),
                x_amz_date: date.as_deref(),
                security_token: token.as_deref(),
                query: self.query.as_deref(),
            };
            let headers: Vec<(&str, &[u8])> = self
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_slice()))
                .collect();
            let request = ReceivedRequest {
                method: self.method,
                path: &self.path,
                query: self.query.as_deref(),
                headers: &headers,
                body: &self.body,
            };
            verify_request(&parts, &request, creds, services, now)
        }

        fn kind(&self, now: SystemTime) -> FailureKind {
            self.check(&creds(), DX, now).unwrap_err().kind
        }
    }

    /// Signs like aws-sdk-rust does (the crate's own HTTP signer), for
    /// `key`/`secret`, in header or query form. The arguments are the
    /// signer's inputs one to one, which reads better at the call sites
    /// than a struct would.
    #[allow(clippy::too_many_arguments)]
    fn signed(
        method: &'static str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        key: &str,
        secret: &str,
        service: &str,
        when: &str,
        presign: Option<Duration>,
    ) -> Wire {
        let identity = aws_credential_types::Credentials::new(key, secret, None, None, "t").into();
        let mut settings = SigningSettings::default();
        if let Some(expires) = presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(expires);
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name(service)
            .time(at(when))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let mut all: Vec<(&str, &str)> = vec![("host", HOST)];
        all.extend_from_slice(headers);
        let uri = format!("http://{HOST}{path_and_query}");
        let signable = SignableRequest::new(
            method,
            uri.as_str(),
            all.iter().copied(),
            SignableBody::Bytes(body),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (path_and_query.to_string(), None),
        };
        let mut wire = Wire {
            method,
            path,
            query,
            headers: all
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
            body: body.to_vec(),
        };
        let (new_headers, new_params) = instructions.into_parts();
        for h in new_headers {
            wire.set_header(h.name(), h.value());
        }
        if !new_params.is_empty() {
            let mut q = wire.query.take().unwrap_or_default();
            for (name, value) in new_params {
                if !q.is_empty() {
                    q.push('&');
                }
                let mut v = Vec::new();
                uri_encode(value.as_bytes(), &mut v);
                q.push_str(&format!("{name}={}", String::from_utf8(v).unwrap()));
            }
            wire.query = Some(q);
        }
        wire
    }

    const WHEN: &str = "20260315T101500Z";

    fn json_call(body: &[u8]) -> Wire {
        signed(
            "POST",
            "/",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", "OvertureService.DescribeConnections"),
                ("amz-sdk-request", "attempt=1;  max=3"),
            ],
            body,
            KEY,
            SECRET,
            "directconnect",
            WHEN,
            None,
        )
    }

    #[test]
    fn aws_documentation_example_verifies() {
        // The IAM ListUsers example of the SigV4 documentation, signature
        // included, checked byte for byte.
        let wire = Wire {
            method: "GET",
            path: "/".into(),
            query: Some("Action=ListUsers&Version=2010-05-08".into()),
            headers: vec![
                (
                    "content-type".into(),
                    b"application/x-www-form-urlencoded; charset=utf-8".to_vec(),
                ),
                ("host".into(), b"iam.amazonaws.com".to_vec()),
                ("x-amz-date".into(), b"20150830T123600Z".to_vec()),
                (
                    "authorization".into(),
                    b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date, \
                      Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
                        .to_vec(),
                ),
            ],
            body: Vec::new(),
        };
        let id = wire
            .check(&creds(), &["iam"], at("20150830T123600Z"))
            .unwrap();
        assert_eq!(id.account, ACCOUNT);
        assert_eq!(id.region, "us-east-1");
        let mut tampered = wire.clone();
        tampered.query = Some("Action=ListUsers&Version=2010-05-09".into());
        let err = tampered
            .check(&creds(), &["iam"], at("20150830T123600Z"))
            .unwrap_err();
        assert_eq!(err.kind, FailureKind::Mismatch);
        assert!(err.detail.starts_with(MSG_MISMATCH), "{}", err.detail);
        assert!(err.detail.contains("Version=2010-05-09"), "{}", err.detail);
    }

    #[test]
    fn sdk_signed_request_verifies() {
        let wire = json_call(br#"{"connectionId":"dxcon-abc"}"#);
        let id = wire.check(&creds(), DX, at(WHEN)).unwrap();
        assert_eq!(id.account, ACCOUNT);
        assert_eq!(id.service.as_deref(), Some("directconnect"));
        // Within the skew either way.
        let later = at(WHEN) + Duration::from_secs(14 * 60);
        assert!(wire.check(&creds(), DX, later).is_ok());
        let earlier = at(WHEN) - Duration::from_secs(14 * 60);
        assert!(wire.check(&creds(), DX, earlier).is_ok());
        // An empty body and a CBOR path.
        let cbor = signed(
            "POST",
            "/service/OvertureService/operation/DescribeLocations",
            &[("smithy-protocol", "rpc-v2-cbor")],
            b"",
            KEY,
            SECRET,
            "directconnect",
            WHEN,
            None,
        );
        assert!(cbor.check(&creds(), DX, at(WHEN)).is_ok());
    }

    #[test]
    fn tampering_is_a_mismatch() {
        let wire = json_call(br#"{"connectionId":"dxcon-abc"}"#);
        let now = at(WHEN);

        let mut body = wire.clone();
        body.body = br#"{"connectionId":"dxcon-xyz"}"#.to_vec();
        assert_eq!(body.kind(now), FailureKind::Mismatch);

        let mut target = wire.clone();
        target.set_header("x-amz-target", "OvertureService.DeleteConnection");
        assert_eq!(target.kind(now), FailureKind::Mismatch);

        let mut path = wire.clone();
        path.path = "/other".into();
        assert_eq!(path.kind(now), FailureKind::Mismatch);

        let mut method = wire.clone();
        method.method = "PUT";
        assert_eq!(method.kind(now), FailureKind::Mismatch);

        // The scope's region altered after signing.
        let mut region = wire.clone();
        let auth = region
            .header("authorization")
            .unwrap()
            .replace("/us-east-1/", "/eu-west-1/");
        region.set_header("authorization", &auth);
        assert_eq!(region.kind(now), FailureKind::Mismatch);

        // An unsigned header may change freely; a signed one may not.
        let mut extra = wire.clone();
        extra.set_header("user-agent", "anything");
        assert!(extra.check(&creds(), DX, now).is_ok());
        let mut host = wire.clone();
        host.set_header("host", "127.0.0.1:9999");
        assert_eq!(host.kind(now), FailureKind::Mismatch);

        // Inner whitespace of a signed header value is canonicalised away.
        let mut spaces = wire.clone();
        spaces.set_header("amz-sdk-request", "  attempt=1; max=3 ");
        assert!(spaces.check(&creds(), DX, now).is_ok());
    }

    #[test]
    fn wrong_secret_and_unknown_key() {
        let now = at(WHEN);
        let wrong = signed(
            "POST",
            "/",
            &[],
            b"{}",
            KEY,
            "not-the-secret",
            "directconnect",
            WHEN,
            None,
        );
        assert_eq!(wrong.kind(now), FailureKind::Mismatch);
        let unknown = signed(
            "POST",
            "/",
            &[],
            b"{}",
            "AKIAUNKNOWN",
            SECRET,
            "directconnect",
            WHEN,
            None,
        );
        assert_eq!(unknown.kind(now), FailureKind::UnknownKey);
        // Twelve digits are an account, but in strict mode only a listed key
        // is known.
        let digits = signed(
            "POST",
            "/",
            &[],
            b"{}",
            "333333333333",
            "x",
            "directconnect",
            WHEN,
            None,
        );
        assert_eq!(digits.kind(now), FailureKind::UnknownKey);
        let listed = signed(
            "POST",
            "/",
            &[],
            b"{}",
            "222222222222",
            "other",
            "directconnect",
            WHEN,
            None,
        );
        assert_eq!(
            listed.check(&creds(), DX, now).unwrap().account,
            "222222222222"
        );
        // A session token cannot belong to a configured long-term key.
        let mut token = signed(
            "POST",
            "/",
            &[],
            b"{}",
            KEY,
            SECRET,
            "directconnect",
            WHEN,
            None,
        );
        token.set_header("x-amz-security-token", "FQoGZXIvYXdzE");
        assert_eq!(token.kind(now), FailureKind::UnknownKey);
    }

    #[test]
    fn clock_skew_and_expiry() {
        let wire = json_call(b"{}");
        let late = at(WHEN) + Duration::from_secs(15 * 60 + 1);
        let err = wire.check(&creds(), DX, late).unwrap_err();
        assert_eq!(err.kind, FailureKind::Expired);
        assert_eq!(
            err.detail,
            "Signature expired: 20260315T101500Z is now earlier than 20260315T101501Z \
             (20260315T103001Z - 15 min.)"
        );
        let early = at(WHEN) - Duration::from_secs(15 * 60 + 1);
        let err = wire.check(&creds(), DX, early).unwrap_err();
        assert_eq!(err.kind, FailureKind::Expired);
        assert!(err
            .detail
            .starts_with("Signature not yet current: 20260315T101500Z is still later than"));
        // The wire error: JSON and STS keep the detail, EC2 has its own text.
        assert_eq!(err.wire(Dialect::Json).code, "InvalidSignatureException");
        assert_eq!(err.wire(Dialect::Ec2).code, "RequestExpired");
        assert_eq!(err.wire(Dialect::Sts).code, "SignatureDoesNotMatch");
        assert_eq!(err.wire(Dialect::Sts).status, 403);
    }

    #[test]
    fn scope_date_must_be_the_request_date() {
        let mut wire = json_call(b"{}");
        let auth = wire
            .header("authorization")
            .unwrap()
            .replace("/20260315/", "/20260314/");
        wire.set_header("authorization", &auth);
        let err = wire.check(&creds(), DX, at(WHEN)).unwrap_err();
        assert_eq!(err.kind, FailureKind::Mismatch);
        assert!(
            err.detail.contains("'20260314' != '20260315'"),
            "{}",
            err.detail
        );
    }

    #[test]
    fn host_and_date_must_be_signed() {
        let now = at(WHEN);
        let wire = json_call(b"{}");
        let auth = wire.header("authorization").unwrap();
        for (from, to, needle) in [("host;", "", "'Host'"), (";x-amz-date", "", "'X-Amz-Date'")] {
            let mut w = wire.clone();
            w.set_header("authorization", &auth.replacen(from, to, 1));
            let err = w.check(&creds(), DX, now).unwrap_err();
            assert_eq!(err.kind, FailureKind::Incomplete, "{from}");
            assert!(err.detail.contains(needle), "{}", err.detail);
            assert_eq!(err.wire(Dialect::Json).code, "IncompleteSignatureException");
        }
        let mut no_date = wire.clone();
        no_date.headers.retain(|(n, _)| n != "x-amz-date");
        assert_eq!(no_date.kind(now), FailureKind::Incomplete);
        let mut many = wire.clone();
        let list: Vec<String> = (0..=MAX_SIGNED_HEADERS).map(|i| format!("h{i}")).collect();
        let auth_many = auth.replace(
            "SignedHeaders=",
            &format!("SignedHeaders={};", list.join(";")),
        );
        many.set_header("authorization", &auth_many);
        assert_eq!(many.kind(now), FailureKind::Incomplete);
    }

    #[test]
    fn missing_and_malformed() {
        let mut wire = json_call(b"{}");
        wire.headers.retain(|(n, _)| n != "authorization");
        let err = wire.check(&creds(), DX, at(WHEN)).unwrap_err();
        assert_eq!(err.kind, FailureKind::MissingToken);
        let w = err.wire(Dialect::Json);
        assert_eq!(
            (w.code, w.status, w.message.as_str()),
            (
                "MissingAuthenticationTokenException",
                400,
                "Missing Authentication Token"
            )
        );
        wire.set_header("authorization", "AWS4-HMAC-SHA256 Credential=x");
        assert_eq!(wire.kind(at(WHEN)), FailureKind::Incomplete);
    }

    #[test]
    fn scope_service_must_be_the_endpoint() {
        let wire = signed("POST", "/", &[], b"{}", KEY, SECRET, "ec2", WHEN, None);
        let err = wire.check(&creds(), DX, at(WHEN)).unwrap_err();
        assert_eq!(err.kind, FailureKind::Mismatch);
        assert!(err.detail.contains("'directconnect'"), "{}", err.detail);
        assert!(wire.check(&creds(), &["ec2", "sts"], at(WHEN)).is_ok());
    }

    #[test]
    fn payload_hash_header_must_match_the_body() {
        let body = b"Action=DescribeVpnGateways&Version=2016-11-15";
        let hash = hex::encode(Sha256::digest(body));
        let form = [
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("x-amz-content-sha256", hash.as_str()),
        ];
        let wire = signed("POST", "/", &form, body, KEY, SECRET, "ec2", WHEN, None);
        assert!(wire.check(&creds(), &["ec2"], at(WHEN)).is_ok());
        let mut swapped = wire.clone();
        swapped.body = b"Action=DeleteVpnGateway&Version=2016-11-15".to_vec();
        let err = swapped.check(&creds(), &["ec2"], at(WHEN)).unwrap_err();
        assert_eq!(err.kind, FailureKind::Mismatch);
        assert!(err.detail.contains("x-amz-content-sha256"));
    }

    #[test]
    fn presigned_query() {
        let expires = Duration::from_secs(300);
        let wire = signed(
            "GET",
            "/?Action=DescribeVpnGateways&Version=2016-11-15&Filter.1.Name=state&Filter.1.Value.1=available",
            &[],
            b"",
            KEY,
            SECRET,
            "ec2",
            WHEN,
            Some(expires),
        );
        assert!(wire.header("authorization").is_none());
        assert!(wire.query.as_deref().unwrap().contains("X-Amz-Signature="));
        let ok = wire.check(&creds(), &["ec2"], at(WHEN) + Duration::from_secs(299));
        assert_eq!(ok.unwrap().account, ACCOUNT);

        let mut tampered = wire.clone();
        tampered.query = Some(
            wire.query
                .as_deref()
                .unwrap()
                .replace("Value.1=available", "Value.1=deleted"),
        );
        let err = tampered.check(&creds(), &["ec2"], at(WHEN)).unwrap_err();
        assert_eq!(err.kind, FailureKind::Mismatch);
        assert_eq!(err.wire(Dialect::Ec2).code, "AuthFailure");
        assert_eq!(err.wire(Dialect::Ec2).status, 401);

        let err = wire
            .check(&creds(), &["ec2"], at(WHEN) + Duration::from_secs(301))
            .unwrap_err();
        assert_eq!(err.kind, FailureKind::Expired);
        assert!(err
            .detail
            .starts_with("Signature expired: 20260315T102000Z"));
    }

    #[test]
    fn canonical_uri_and_query_rules() {
        let uri = |p: &str| {
            let mut out = Vec::new();
            canonical_uri(p, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(uri(""), "/");
        assert_eq!(uri("/"), "/");
        assert_eq!(uri("/a/./b/../c/"), "/a/c/");
        assert_eq!(uri("//a//b"), "/a/b");
        assert_eq!(uri("/a%2Fb c"), "/a%252Fb%20c");
        let query = |q: &str, presigned: bool| {
            let mut out = Vec::new();
            canonical_query(q, presigned, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(query("b=2&a=1&a-b=3&a=0", false), "a=0&a=1&a-b=3&b=2");
        assert_eq!(query("x=%7e%20y+z&flag", false), "flag=&x=~%20y%2Bz");
        assert_eq!(query("%zz=%4", false), "%25zz=%254");
        assert_eq!(query("X-Amz-Signature=ab&A=1", true), "A=1");
        assert_eq!(
            query("X-Amz-Signature=ab&A=1", false),
            "A=1&X-Amz-Signature=ab"
        );
        let mut out = Vec::new();
        trim_all(b"  a \t b   c  ", &mut out);
        assert_eq!(out, b"a b c");
    }

    #[test]
    fn amz_dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20000229T235959Z"), Some(951_868_799));
        for bad in [
            "20230229T000000Z",
            "20241301T000000Z",
            "20240100T000000Z",
            "20240101T240000Z",
            "20240101T006000Z",
            "2024010xT000000Z",
            "20240101 000000Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
        for s in ["20260315T101500Z", "20000229T235959Z", "21000301T000000Z"] {
            assert_eq!(format_amz_date(parse_amz_date(s).unwrap()), s);
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert_eq!(parse_amz_date(&format_amz_date(now)), Some(now));
    }

    #[test]
    fn wire_table() {
        let e = |kind| VerifyError::new(kind, "detail");
        let rows = [
            (
                FailureKind::UnknownKey,
                Dialect::Json,
                "UnrecognizedClientException",
                400,
            ),
            (FailureKind::UnknownKey, Dialect::Ec2, "AuthFailure", 401),
            (
                FailureKind::UnknownKey,
                Dialect::Sts,
                "InvalidClientTokenId",
                403,
            ),
            (
                FailureKind::MissingToken,
                Dialect::Sts,
                "MissingAuthenticationToken",
                403,
            ),
            (
                FailureKind::Incomplete,
                Dialect::Ec2,
                "IncompleteSignature",
                400,
            ),
            (
                FailureKind::Mismatch,
                Dialect::Json,
                "InvalidSignatureException",
                400,
            ),
            (
                FailureKind::Mismatch,
                Dialect::Sts,
                "SignatureDoesNotMatch",
                403,
            ),
        ];
        for (kind, dialect, code, status) in rows {
            let w = e(kind).wire(dialect);
            assert_eq!((w.code, w.status), (code, status), "{kind:?} {dialect:?}");
        }
        assert_eq!(
            e(FailureKind::UnknownKey).wire(Dialect::Json).message,
            "The security token included in the request is invalid."
        );
    }
}
