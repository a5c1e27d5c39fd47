//! The Query protocol family: EC2 Query and STS Query.
//!
//! Both send `application/x-www-form-urlencoded` parameters (in the body of
//! a POST or in the URL of a GET) and answer XML. [`parse_form`] turns the
//! raw bytes into a [`QueryRequest`]; [`ec2`] and [`sts`] decode the
//! parameters and render the replies.

pub mod ec2;
pub mod sts;
mod xml;

use dxlocal_model::ec2::Ec2Error;

/// At most this many bytes of form data (body plus URL query) are read; a
/// real EC2 request for these calls is a few hundred bytes.
pub const MAX_FORM_BYTES: usize = 1 << 20;

/// At most this many parameters; EC2 itself caps filters at 200 values.
pub const MAX_PARAMS: usize = 2_000;

/// A Query request before it is decoded for a particular service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryRequest {
    pub action: String,
    pub version: Option<String>,
    /// Every other parameter in arrival order (URL query first, then body).
    pub params: Vec<(String, String)>,
}

impl QueryRequest {
    /// The value of `name`; the last one wins when a client repeats it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a form body and/or URL query string into a [`QueryRequest`].
///
/// Errors come back as [`Ec2Error`] because both Query services report the
/// same `code`/`message`/`status` triple; the STS encoder takes the fields.
pub fn parse_form(body: &[u8], query_string: Option<&str>) -> Result<QueryRequest, Ec2Error> {
    let query = query_string.unwrap_or("").as_bytes();
    if body.len() + query.len() > MAX_FORM_BYTES {
        return Err(Ec2Error::new(
            "RequestEntityTooLarge",
            413,
            format!(
                "Request of {} bytes exceeds the limit of {MAX_FORM_BYTES} bytes",
                body.len() + query.len()
            ),
        ));
    }
    let mut req = QueryRequest::default();
    let mut action = None;
    let mut count = 0usize;
    for part in [query, body] {
        for pair in part.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            count += 1;
            if count > MAX_PARAMS {
                return Err(Ec2Error::invalid_parameter_value(format!(
                    "The request has more than {MAX_PARAMS} parameters"
                )));
            }
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode_component(name)?;
            let value = decode_component(value)?;
            match name.as_str() {
                "Action" => action = Some(value),
                "Version" => req.version = Some(value),
                _ => req.params.push((name, value)),
            }
        }
    }
    match action {
        Some(a) if !a.is_empty() => {
            req.action = a;
            Ok(req)
        }
        _ => Err(Ec2Error::new(
            "MissingAction",
            400,
            "The request must contain the parameter Action",
        )),
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a
/// byte. A `%` not followed by two hex digits is kept literally, as HTML
/// form decoders do; the result must be UTF-8.
fn decode_component(raw: &[u8]) -> Result<String, Ec2Error> {
    String::from_utf8(form_decode(raw)).map_err(|_| {
        Ec2Error::new(
            "MalformedQueryString",
            400,
            "The request parameters are not valid UTF-8 after percent-decoding",
        )
    })
}

/// The bytes of a form-encoded component (see [`decode_component`]).
pub fn form_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A view of flattened Query parameters under a common prefix, as the EC2
/// serializer writes them: `Filter.1.Name`, `Filter.1.Value.1`, with
/// 1-based indexes and no `.member` segment. Names are stored relative to
/// the view's prefix.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params<'a> {
    entries: Vec<(&'a str, &'a str)>,
}

impl<'a> Params<'a> {
    pub(crate) fn new(entries: &'a [(String, String)]) -> Self {
        Params {
            entries: entries
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    /// The value of the member `name` (the last occurrence wins).
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    /// Entries `name.N[.rest]` grouped by `N` (ascending), with `rest` ("" when
    /// absent). Indexes that are not positive integers are ignored, like any
    /// unknown parameter.
    fn indexed(&self, name: &str) -> std::collections::BTreeMap<u32, Vec<(&'a str, &'a str)>> {
        let mut groups: std::collections::BTreeMap<u32, Vec<(&'a str, &'a str)>> =
            Default::default();
        for &(k, v) in &self.entries {
            let Some(after) = k.strip_prefix(name).and_then(|r| r.strip_prefix('.')) else {
                continue;
            };
            let (digits, rest) = after.split_once('.').unwrap_or((after, ""));
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            match digits.parse::<u32>() {
                Ok(n) if n >= 1 => groups.entry(n).or_default().push((rest, v)),
                _ => {}
            }
        }
        groups
    }

    /// A list of strings `name.1`, `name.2`, ... in index order.
    pub(crate) fn strings(&self, name: &str) -> Vec<&'a str> {
        self.indexed(name)
            .into_values()
            .filter_map(|group| {
                group
                    .into_iter()
                    .rev()
                    .find(|(rest, _)| rest.is_empty())
                    .map(|(_, v)| v)
            })
            .collect()
    }

    /// A list of structures `name.N.<member>`, each as its own view.
    pub(crate) fn structs(&self, name: &str) -> Vec<Params<'a>> {
        self.indexed(name)
            .into_values()
            .map(|group| Params {
                entries: group
                    .into_iter()
                    .filter(|(rest, _)| !rest.is_empty())
                    .collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
