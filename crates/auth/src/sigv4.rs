//! SigV4 parsing: the `Authorization` header form and the presigned query
//! form, reduced to the parts a verifier needs. Nothing here checks a
//! signature; it only establishes that the parts exist and are well formed.

use std::borrow::Cow;

use crate::error::{excerpt, AuthError, Location};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Longest validity a presigned request may ask for (seven days).
pub const MAX_PRESIGN_EXPIRES: u32 = 604_800;

/// The raw request pieces a signature can live in. Header values are
/// passed as received; the query string without the leading `?`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthParts<'a> {
    pub authorization: Option<&'a str>,
    pub x_amz_date: Option<&'a str>,
    pub security_token: Option<&'a str>,
    pub query: Option<&'a str>,
}

/// `<AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request`, kept as one
/// string with the split points so that header-form parsing does not copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential<'a> {
    text: Cow<'a, str>,
    /// End offsets of access key, date, region and service within `text`.
    ends: [usize; 4],
}

impl<'a> Credential<'a> {
    fn parse(text: Cow<'a, str>, location: Location) -> Result<Self, AuthError> {
        let bad = |reason: String| AuthError::malformed("Credential", location, reason);
        let mut ends = [0usize; 4];
        let mut start = 0usize;
        let mut parts = 0usize;
        for (i, b) in text.bytes().enumerate() {
            if b == b'/' {
                if parts == 4 {
                    return Err(bad(format!(
                        "expected <access key>/<date>/<region>/<service>/aws4_request, got '{}'",
                        excerpt(&text)
                    )));
                }
                ends[parts] = i;
                parts += 1;
                start = i + 1;
            }
        }
        if parts != 4 {
            return Err(bad(format!(
                "expected <access key>/<date>/<region>/<service>/aws4_request, got '{}'",
                excerpt(&text)
            )));
        }
        let terminator = &text[start..];
        if terminator != "aws4_request" {
            return Err(bad(format!(
                "the scope must end in 'aws4_request', not '{}'",
                excerpt(terminator)
            )));
        }
        let cred = Credential { text, ends };
        let key = cred.access_key();
        if key.is_empty() {
            return Err(bad("the access key ID is empty".into()));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad(
                "the access key ID has characters outside printable ASCII".into(),
            ));
        }
        let date = cred.date();
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(format!(
                "the scope date must be yyyymmdd, not '{}'",
                excerpt(date)
            )));
        }
        for (what, value) in [("region", cred.region()), ("service", cred.service())] {
            if value.is_empty() {
                return Err(bad(format!("the scope {what} is empty")));
            }
            if !value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(bad(format!(
                    "the scope {what} '{}' may only contain a-z, 0-9 and '-'",
                    excerpt(value)
                )));
            }
        }
        Ok(cred)
    }

    pub fn access_key(&self) -> &str {
        &self.text[..self.ends[0]]
    }

    /// The scope date, `yyyymmdd`.
    pub fn date(&self) -> &str {
        &self.text[self.ends[0] + 1..self.ends[1]]
    }

    pub fn region(&self) -> &str {
        &self.text[self.ends[1] + 1..self.ends[2]]
    }

    pub fn service(&self) -> &str {
        &self.text[self.ends[2] + 1..self.ends[3]]
    }

    /// `<date>/<region>/<service>/aws4_request`, as it appears in the
    /// string to sign.
    pub fn scope(&self) -> &str {
        &self.text[self.ends[0] + 1..]
    }

    /// The credential exactly as sent (after URL-decoding in query form).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn into_owned(self) -> Credential<'static> {
        Credential {
            text: Cow::Owned(self.text.into_owned()),
            ends: self.ends,
        }
    }
}

/// A parsed, not yet verified, SigV4 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigV4<'a> {
    location: Location,
    credential: Credential<'a>,
    signed_headers: Cow<'a, str>,
    signature: Cow<'a, str>,
    amz_date: Option<Cow<'a, str>>,
    security_token: Option<Cow<'a, str>>,
    expires: Option<u32>,
}

impl<'a> SigV4<'a> {
    /// Finds and parses the request's signature. `Ok(None)` means the request
    /// is unsigned: no `Authorization` header and no presigned parameters.
    pub fn parse(parts: &AuthParts<'a>) -> Result<Option<Self>, AuthError> {
        let presigned = match parts.query {
            Some(q) => parse_presigned(q)?,
            None => None,
        };
        match (parts.authorization, presigned) {
            (Some(_), Some(_)) => Err(AuthError::MultipleMechanisms),
            (Some(header), None) => {
                parse_header(header, parts.x_amz_date, parts.security_token).map(Some)
            }
            (None, Some(sig)) => Ok(Some(sig)),
            (None, None) => Ok(None),
        }
    }

    pub fn location(&self) -> Location {
        self.location
    }

    pub fn credential(&self) -> &Credential<'a> {
        &self.credential
    }

    pub fn access_key(&self) -> &str {
        self.credential.access_key()
    }

    pub fn region(&self) -> &str {
        self.credential.region()
    }

    pub fn service(&self) -> &str {
        self.credential.service()
    }

    /// The signed header list as sent, e.g. `content-type;host;x-amz-date`.
    pub fn signed_headers_str(&self) -> &str {
        &self.signed_headers
    }

    /// Signed header names in the order the client listed them.
    pub fn signed_headers(&self) -> impl Iterator<Item = &str> {
        self.signed_headers.split(';')
    }

    /// The signature as lower-case hex (64 characters).
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `X-Amz-Date` (`yyyymmddThhmmssZ`), from the header or the query.
    /// `None` only in header form when the client relied on `Date` instead.
    pub fn amz_date(&self) -> Option<&str> {
        self.amz_date.as_deref()
    }

    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// `X-Amz-Expires` in seconds; present only in presigned form.
    pub fn expires(&self) -> Option<u32> {
        self.expires
    }

    pub fn into_owned(self) -> SigV4<'static> {
        SigV4 {
            location: self.location,
            credential: self.credential.into_owned(),
            signed_headers: Cow::Owned(self.signed_headers.into_owned()),
            signature: Cow::Owned(self.signature.into_owned()),
            amz_date: self.amz_date.map(|d| Cow::Owned(d.into_owned())),
            security_token: self.security_token.map(|t| Cow::Owned(t.into_owned())),
            expires: self.expires,
        }
    }
}

fn parse_header<'a>(
    header: &'a str,
    x_amz_date: Option<&'a str>,
    security_token: Option<&'a str>,
) -> Result<SigV4<'a>, AuthError> {
    const L: Location = Location::Header;
    let header = header.trim();
    let (algorithm, rest) = match header.find(|c: char| c.is_ascii_whitespace()) {
        Some(i) => (&header[..i], header[i..].trim_start()),
        None => (header, ""),
    };
    if algorithm != ALGORITHM {
        if algorithm.is_empty() {
            return Err(AuthError::Missing {
                part: "Algorithm",
                location: L,
            });
        }
        return Err(AuthError::UnsupportedAlgorithm {
            found: excerpt(algorithm),
            location: L,
        });
    }

    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for component in rest.split(',') {
        let component = component.trim();
        if component.is_empty() {
            continue;
        }
        let Some((key, value)) = component.split_once('=') else {
            return Err(AuthError::malformed(
                "Authorization",
                L,
                format!(
                    "component '{}' is not of the form Key=Value",
                    excerpt(component)
                ),
            ));
        };
        let (slot, part) = match key.trim() {
            "Credential" => (&mut credential, "Credential"),
            "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
            "Signature" => (&mut signature, "Signature"),
            // Unknown components are tolerated: they cannot change what is
            // signed, and rejecting them buys nothing.
            _ => continue,
        };
        if slot.is_some() {
            return Err(AuthError::Duplicate { part, location: L });
        }
        *slot = Some(value.trim());
    }

    let credential = require(credential, "Credential", L)?;
    let signed_headers = require(signed_headers, "SignedHeaders", L)?;
    let signature = require(signature, "Signature", L)?;
    let amz_date = match x_amz_date.map(str::trim) {
        Some(d) => Some(check_amz_date(d, L)?),
        None => None,
    };
    Ok(SigV4 {
        location: L,
        credential: Credential::parse(Cow::Borrowed(credential), L)?,
        signed_headers: Cow::Borrowed(check_signed_headers(signed_headers, L)?),
        signature: Cow::Borrowed(check_signature(signature, L)?),
        amz_date: amz_date.map(Cow::Borrowed),
        security_token: security_token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Cow::Borrowed),
        expires: None,
    })
}

/// `Ok(None)` when the query carries none of the presigning parameters.
fn parse_presigned(query: &str) -> Result<Option<SigV4<'_>>, AuthError> {
    const L: Location = Location::Query;
    let mut algorithm = None;
    let mut credential = None;
    let mut date = None;
    let mut expires = None;
    let mut signed_headers = None;
    let mut signature = None;
    let mut token = None;
    for pair in query.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        // Parameter names are compared before decoding: every SDK sends
        // them literally, and decoding every foreign parameter name would
        // cost an allocation per pair for nothing.
        let (slot, part) = match raw_key {
            "X-Amz-Algorithm" => (&mut algorithm, "X-Amz-Algorithm"),
            "X-Amz-Credential" => (&mut credential, "X-Amz-Credential"),
            "X-Amz-Date" => (&mut date, "X-Amz-Date"),
            "X-Amz-Expires" => (&mut expires, "X-Amz-Expires"),
            "X-Amz-SignedHeaders" => (&mut signed_headers, "X-Amz-SignedHeaders"),
            "X-Amz-Signature" => (&mut signature, "X-Amz-Signature"),
            "X-Amz-Security-Token" => (&mut token, "X-Amz-Security-Token"),
            _ => continue,
        };
        if slot.is_some() {
            return Err(AuthError::Duplicate { part, location: L });
        }
        *slot = Some(percent_decode(raw_value, part)?);
    }

    // X-Amz-Date and X-Amz-Security-Token alone do not make a request
    // presigned; some clients send them as plain parameters.
    if algorithm.is_none()
        && credential.is_none()
        && signature.is_none()
        && signed_headers.is_none()
    {
        return Ok(None);
    }
    let algorithm = require_cow(algorithm, "X-Amz-Algorithm")?;
    if algorithm != ALGORITHM {
        return Err(AuthError::UnsupportedAlgorithm {
            found: excerpt(&algorithm),
            location: L,
        });
    }
    let credential = Credential::parse(require_cow(credential, "X-Amz-Credential")?, L)?;
    let date = require_cow(date, "X-Amz-Date")?;
    check_amz_date(&date, L)?;
    let expires_text = require_cow(expires, "X-Amz-Expires")?;
    let expires = parse_expires(&expires_text)?;
    let signed_headers = require_cow(signed_headers, "X-Amz-SignedHeaders")?;
    check_signed_headers(&signed_headers, L)?;
    let signature = require_cow(signature, "X-Amz-Signature")?;
    check_signature(&signature, L)?;
    Ok(Some(SigV4 {
        location: L,
        credential,
        signed_headers,
        signature,
        amz_date: Some(date),
        security_token: token.filter(|t| !t.is_empty()),
        expires: Some(expires),
    }))
}

fn require<'a>(
    v: Option<&'a str>,
    part: &'static str,
    location: Location,
) -> Result<&'a str, AuthError> {
    match v {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(AuthError::Missing { part, location }),
    }
}

fn require_cow<'a>(v: Option<Cow<'a, str>>, part: &'static str) -> Result<Cow<'a, str>, AuthError> {
    match v {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(AuthError::Missing {
            part,
            location: Location::Query,
        }),
    }
}

fn check_signed_headers(list: &str, location: Location) -> Result<&str, AuthError> {
    for name in list.split(';') {
        if name.is_empty() {
            return Err(AuthError::malformed(
                "SignedHeaders",
                location,
                format!("empty header name in '{}'", excerpt(list)),
            ));
        }
        if !name.bytes().all(is_lower_token_byte) {
            return Err(AuthError::malformed(
                "SignedHeaders",
                location,
                format!("'{}' is not a lower-case header name", excerpt(name)),
            ));
        }
    }
    Ok(list)
}

/// HTTP token characters (RFC 9110 `tchar`) without upper-case letters,
/// since SigV4 signs lower-cased names.
fn is_lower_token_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_signature(sig: &str, location: Location) -> Result<&str, AuthError> {
    if sig.len() != 64
        || !sig
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(AuthError::malformed(
            "Signature",
            location,
            format!("expected 64 lower-case hex digits, got '{}'", excerpt(sig)),
        ));
    }
    Ok(sig)
}

/// `yyyymmddThhmmssZ`; the calendar itself is left to the verifier, which
/// has to turn it into an instant anyway.
fn check_amz_date(date: &str, location: Location) -> Result<&str, AuthError> {
    let b = date.as_bytes();
    let ok = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !ok {
        return Err(AuthError::malformed(
            "X-Amz-Date",
            location,
            format!("expected yyyymmddThhmmssZ, got '{}'", excerpt(date)),
        ));
    }
    Ok(date)
}

fn parse_expires(text: &str) -> Result<u32, AuthError> {
    let bad = |reason: String| AuthError::malformed("X-Amz-Expires", Location::Query, reason);
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "expected a number of seconds, got '{}'",
            excerpt(text)
        )));
    }
    let n: u64 = text
        .parse()
        .map_err(|_| bad(format!("'{}' is not a number", excerpt(text))))?;
    if n > u64::from(MAX_PRESIGN_EXPIRES) {
        return Err(bad(format!(
            "{n} exceeds the maximum of {MAX_PRESIGN_EXPIRES} seconds"
        )));
    }
    Ok(n as u32)
}

/// Decodes `%XX` escapes and `+` (form encoding's space). Borrows when
/// there is nothing to decode, which is the common case for every
/// parameter except the slash-laden credential.
fn percent_decode<'a>(raw: &'a str, part: &'static str) -> Result<Cow<'a, str>, AuthError> {
    if !raw.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(raw));
    }
    let bad = || {
        AuthError::malformed(
            part,
            Location::Query,
            format!("invalid URL encoding in '{}'", excerpt(raw)),
        )
    };
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes
                    .get(i + 1)
                    .and_then(|b| hex_value(*b))
                    .ok_or_else(bad)?;
                let lo = bytes
                    .get(i + 2)
                    .and_then(|b| hex_value(*b))
                    .ok_or_else(bad)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|_| bad())
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    fn header(auth: &str) -> Result<Option<SigV4<'_>>, AuthError> {
        SigV4::parse(&AuthParts {
            authorization: Some(auth),
            ..Default::default()
        })
    }

    fn query(q: &str) -> Result<Option<SigV4<'_>>, AuthError> {
        SigV4::parse(&AuthParts {
            query: Some(q),
            ..Default::default()
        })
    }

    #[test]
    fn parses_header_form_with_all_parts() {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/directconnect/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={SIG}"
        );
        let parts = AuthParts {
            authorization: Some(&auth),
            x_amz_date: Some("20150830T123600Z"),
            security_token: Some("FQoGZXIvYXdzE"),
            query: None,
        };
        let sig = SigV4::parse(&parts).unwrap().unwrap();
        assert_eq!(sig.location(), Location::Header);
        assert_eq!(sig.access_key(), "AKIDEXAMPLE");
        assert_eq!(sig.credential().date(), "20150830");
        assert_eq!(sig.region(), "us-west-2");
        assert_eq!(sig.service(), "directconnect");
        assert_eq!(
            sig.credential().scope(),
            "20150830/us-west-2/directconnect/aws4_request"
        );
        assert_eq!(
            sig.signed_headers().collect::<Vec<_>>(),
            ["content-type", "host", "x-amz-date", "x-amz-target"]
        );
        assert_eq!(sig.signature(), SIG);
        assert_eq!(sig.amz_date(), Some("20150830T123600Z"));
        assert_eq!(sig.security_token(), Some("FQoGZXIvYXdzE"));
        assert_eq!(sig.expires(), None);
        // Header form borrows everything.
        assert!(matches!(sig.credential.text, Cow::Borrowed(_)));
    }

    #[test]
    fn tolerates_missing_spaces_and_unknown_components() {
        let auth = format!(
            "AWS4-HMAC-SHA256   Credential=AK/20240101/eu-west-1/ec2/aws4_request,SignedHeaders=host,Foo=bar,Signature={SIG},"
        );
        let sig = header(&auth).unwrap().unwrap();
        assert_eq!(sig.region(), "eu-west-1");
        assert_eq!(sig.service(), "ec2");
        assert_eq!(sig.signed_headers_str(), "host");
    }

    #[test]
    fn unsigned_request_is_none() {
        assert_eq!(SigV4::parse(&AuthParts::default()).unwrap(), None);
        assert_eq!(
            query("Action=DescribeVpnGateways&Version=2016-11-15").unwrap(),
            None
        );
        assert_eq!(query("X-Amz-Date=20150830T123600Z").unwrap(), None);
    }

    #[test]
    fn names_the_missing_part() {
        let cases = [
            (format!("AWS4-HMAC-SHA256 SignedHeaders=host, Signature={SIG}"), "Credential"),
            (
                format!("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, Signature={SIG}"),
                "SignedHeaders",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, SignedHeaders=host".into(),
                "Signature",
            ),
            ("AWS4-HMAC-SHA256".into(), "Credential"),
            ("".into(), "Algorithm"),
        ];
        for (auth, part) in cases {
            let err = header(&auth).unwrap_err();
            assert_eq!(
                err,
                AuthError::Missing {
                    part,
                    location: Location::Header
                },
                "{auth}"
            );
            assert!(err.to_string().contains(part));
            assert_eq!(err.code(), "IncompleteSignatureException");
        }
    }

    #[test]
    fn rejects_other_algorithms() {
        let err = header("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=").unwrap_err();
        assert!(matches!(err, AuthError::UnsupportedAlgorithm { ref found, .. } if found == "AWS"));
        assert!(matches!(
            header("Basic dXNlcjpwYXNz"),
            Err(AuthError::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn rejects_malformed_parts() {
        let scope_cases = [
            "AK/20240101/us-east-1/sts",
            "AK/20240101/us-east-1/sts/aws4_request/extra",
            "/20240101/us-east-1/sts/aws4_request",
            "AK/2024011/us-east-1/sts/aws4_request",
            "AK/20240101//sts/aws4_request",
            "AK/20240101/US-EAST-1/sts/aws4_request",
            "AK/20240101/us-east-1/sts/aws5_request",
        ];
        for cred in scope_cases {
            let auth =
                format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=host, Signature={SIG}");
            assert!(
                matches!(
                    header(&auth),
                    Err(AuthError::Malformed {
                        part: "Credential",
                        ..
                    })
                ),
                "{cred}"
            );
        }
        let base = "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request";
        for (rest, part) in [
            (
                format!("SignedHeaders=host;;x-amz-date, Signature={SIG}"),
                "SignedHeaders",
            ),
            (
                format!("SignedHeaders=Host, Signature={SIG}"),
                "SignedHeaders",
            ),
            ("SignedHeaders=host, Signature=abc".to_string(), "Signature"),
            (
                format!("SignedHeaders=host, Signature={}", SIG.to_uppercase()),
                "Signature",
            ),
        ] {
            let auth = format!("{base}, {rest}");
            assert!(
                matches!(header(&auth), Err(AuthError::Malformed { part: p, .. }) if p == part),
                "{rest}"
            );
        }
        let auth = format!("{base}, SignedHeaders=host, Signature={SIG}");
        let bad_date = AuthParts {
            authorization: Some(&auth),
            x_amz_date: Some("2024-01-01T00:00:00Z"),
            ..Default::default()
        };
        assert!(matches!(
            SigV4::parse(&bad_date),
            Err(AuthError::Malformed {
                part: "X-Amz-Date",
                ..
            })
        ));
        let dup = format!("{base}, SignedHeaders=host, Signature={SIG}, Signature={SIG}");
        assert!(matches!(
            header(&dup),
            Err(AuthError::Duplicate {
                part: "Signature",
                ..
            })
        ));
        let no_eq = format!("{base}, SignedHeaders, Signature={SIG}");
        assert!(matches!(
            header(&no_eq),
            Err(AuthError::Malformed {
                part: "Authorization",
                ..
            })
        ));
    }

    #[test]
    fn parses_presigned_query() {
        let q = format!(
            "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request\
             &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-amz-date\
             &X-Amz-Security-Token=tok%2Ben&X-Amz-Signature={SIG}"
        );
        let sig = query(&q).unwrap().unwrap();
        assert_eq!(sig.location(), Location::Query);
        assert_eq!(sig.access_key(), "AKIDEXAMPLE");
        assert_eq!(sig.region(), "us-east-1");
        assert_eq!(sig.service(), "sts");
        assert_eq!(
            sig.signed_headers().collect::<Vec<_>>(),
            ["host", "x-amz-date"]
        );
        assert_eq!(sig.amz_date(), Some("20150830T123600Z"));
        assert_eq!(sig.expires(), Some(60));
        assert_eq!(sig.security_token(), Some("tok+en"));
        assert_eq!(sig.signature(), SIG);
        let owned: SigV4<'static> = sig.clone().into_owned();
        assert_eq!(owned, sig);
    }

    #[test]
    fn presigned_errors() {
        let full = |skip: &str, extra: &str| {
            let params = [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                (
                    "X-Amz-Credential",
                    "AK%2F20150830%2Fus-east-1%2Fec2%2Faws4_request",
                ),
                ("X-Amz-Date", "20150830T123600Z"),
                ("X-Amz-Expires", "300"),
                ("X-Amz-SignedHeaders", "host"),
                ("X-Amz-Signature", SIG),
            ];
            let mut q: Vec<String> = params
                .iter()
                .filter(|(k, _)| *k != skip)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if !extra.is_empty() {
                q.push(extra.to_string());
            }
            q.join("&")
        };
        assert!(query(&full("", "")).unwrap().is_some());
        for part in [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
        ] {
            assert_eq!(
                query(&full(part, "")).unwrap_err(),
                AuthError::Missing {
                    part,
                    location: Location::Query
                }
            );
        }
        assert!(matches!(
            query(&full("X-Amz-Expires", "X-Amz-Expires=604801")),
            Err(AuthError::Malformed {
                part: "X-Amz-Expires",
                ..
            })
        ));
        assert!(matches!(
            query(&full("X-Amz-Expires", "X-Amz-Expires=-1")),
            Err(AuthError::Malformed {
                part: "X-Amz-Expires",
                ..
            })
        ));
        assert!(matches!(
            query(&full("X-Amz-Credential", "X-Amz-Credential=AK%2G")),
            Err(AuthError::Malformed {
                part: "X-Amz-Credential",
                ..
            })
        ));
        assert!(matches!(
            query(&full("X-Amz-Credential", "X-Amz-Credential=%FF%FE")),
            Err(AuthError::Malformed {
                part: "X-Amz-Credential",
                ..
            })
        ));
        assert!(matches!(
            query(&full("", "X-Amz-Date=20150830T123600Z")),
            Err(AuthError::Duplicate {
                part: "X-Amz-Date",
                ..
            })
        ));
        assert!(matches!(
            query(&full(
                "X-Amz-Algorithm",
                "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"
            )),
            Err(AuthError::UnsupportedAlgorithm { .. })
        ));
        let auth = format!("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature={SIG}");
        let q = full("", "");
        let both = AuthParts {
            authorization: Some(&auth),
            query: Some(&q),
            ..Default::default()
        };
        assert_eq!(
            SigV4::parse(&both).unwrap_err(),
            AuthError::MultipleMechanisms
        );
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "AWS4-HMAC-SHA256 Credential=\u{0}/\u{0}/\u{0}/\u{0}/\u{0}",
            "AWS4-HMAC-SHA256 Credential=é/20240101/ü/sts/aws4_request, SignedHeaders=é, Signature=é",
            "AWS4-HMAC-SHA256 ,,,,,===,=,",
            "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=;, Signature=",
            "\u{feff}AWS4-HMAC-SHA256",
            "X-Amz-Algorithm=%&X-Amz-Credential=%%%&X-Amz-Signature=%e2%82",
        ];
        for s in samples {
            let _ = header(s);
            let _ = query(s);
        }
        // Every prefix of a valid header and query, cut at any byte that is
        // a char boundary.
        let auth = format!("AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature={SIG}");
        for i in 0..=auth.len() {
            let _ = header(&auth[..i]);
        }
        let q = format!("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=5&X-Amz-SignedHeaders=host&X-Amz-Signature={SIG}");
        for i in 0..=q.len() {
            let _ = query(&q[..i]);
        }
    }

    #[test]
    fn error_messages_are_bounded_and_printable() {
        let long = format!(
            "AWS4-HMAC-SHA256 Credential={}\n/x, SignedHeaders=host, Signature={SIG}",
            "A".repeat(10_000)
        );
        let msg = header(&long).unwrap_err().to_string();
        assert!(msg.len() < 300, "{msg}");
        assert!(!msg.contains('\n'));
    }
}
