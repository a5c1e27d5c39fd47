//! Helpers the generated decoders call: type checks (fatal, answered as
//! `SerializationException`) and model-constraint checks (collected, answered
//! as one `DirectConnectClientException` listing every violation, the way
//! Coral services word it).

use crate::encode::{Blob, Timestamp};
use crate::value::Value;
use std::fmt;

/// Why a request body could not become a typed input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not decodable at all: wrong JSON/CBOR type for a member.
    Serialization(String),
    /// Decodable, but the model's constraints are violated.
    Validation(Vec<String>),
}

impl DecodeError {
    pub fn message(&self) -> String {
        match self {
            DecodeError::Serialization(m) => m.clone(),
            DecodeError::Validation(v) => {
                let n = v.len();
                let noun = if n == 1 { "error" } else { "errors" };
                format!("{n} validation {noun} detected: {}", v.join("; "))
            }
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Where in the input a value sits; rendered only when something is wrong,
/// so the happy path allocates nothing for it.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    Root,
    Member(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Member(Path::Root, name) => f.write_str(name),
            Path::Member(parent, name) => write!(f, "{parent}.{name}"),
            // Coral's list notation: `tags.1.member.key` (1-based).
            Path::Index(parent, i) => write!(f, "{parent}.{}.member", i + 1),
        }
    }
}

/// A typed shape that can be built from a [`Value`].
pub trait Decode: Sized {
    fn decode(v: &Value, d: &mut Decoder, path: &Path<'_>) -> Result<Self, DecodeError>;
}

/// Collects constraint violations while a request is decoded.
#[derive(Default)]
pub struct Decoder {
    pub violations: Vec<String>,
}

fn type_error(path: &Path<'_>, expected: &str, got: &Value) -> DecodeError {
    let at = path.to_string();
    if at.is_empty() {
        DecodeError::Serialization(format!(
            "Expected {expected} for the request body, got {}",
            got.kind()
        ))
    } else {
        DecodeError::Serialization(format!(
            "Expected {expected} for '{at}', got {}",
            got.kind()
        ))
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Finish decoding: any violation turns the result into an error.
    pub fn finish<T>(self, value: T) -> Result<T, DecodeError> {
        if self.violations.is_empty() {
            Ok(value)
        } else {
            Err(DecodeError::Validation(self.violations))
        }
    }

    pub fn violation(&mut self, value: impl fmt::Display, path: &Path<'_>, constraint: &str) {
        self.violations.push(format!(
            "Value {value} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    pub fn missing(&mut self, path: &Path<'_>) {
        self.violation("null", path, "Member must not be null");
    }

    pub fn map<'v>(
        &mut self,
        v: &'v Value,
        path: &Path<'_>,
    ) -> Result<&'v [(String, Value)], DecodeError> {
        match v {
            Value::Map(m) => Ok(m),
            other => Err(type_error(path, "a structure", other)),
        }
    }

    pub fn list<'v>(&mut self, v: &'v Value, path: &Path<'_>) -> Result<&'v [Value], DecodeError> {
        match v {
            Value::List(l) => Ok(l),
            other => Err(type_error(path, "a list", other)),
        }
    }

    pub fn string(&mut self, v: &Value, path: &Path<'_>) -> Result<String, DecodeError> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            other => Err(type_error(path, "a string", other)),
        }
    }

    fn whole_number(
        &mut self,
        v: &Value,
        path: &Path<'_>,
        expected: &str,
    ) -> Result<i64, DecodeError> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
            other => Err(type_error(path, expected, other)),
        }
    }

    /// An `integer` member. A value beyond 32 bits is a constraint
    /// violation (a 4-byte ASN sent in `asn` is a client error the caller
    /// can fix), not an undecodable body.
    pub fn integer(&mut self, v: &Value, path: &Path<'_>) -> Result<i32, DecodeError> {
        let i = self.whole_number(v, path, "an integer")?;
        match i32::try_from(i) {
            Ok(x) => Ok(x),
            Err(_) => {
                let bound = if i < 0 {
                    format!(
                        "Member must have value greater than or equal to {}",
                        i32::MIN
                    )
                } else {
                    format!("Member must have value less than or equal to {}", i32::MAX)
                };
                self.violation(i, path, &bound);
                Ok(0)
            }
        }
    }

    pub fn long(&mut self, v: &Value, path: &Path<'_>) -> Result<i64, DecodeError> {
        self.whole_number(v, path, "an integer")
    }

    pub fn boolean(&mut self, v: &Value, path: &Path<'_>) -> Result<bool, DecodeError> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(type_error(path, "a boolean", other)),
        }
    }

    pub fn timestamp(&mut self, v: &Value, path: &Path<'_>) -> Result<Timestamp, DecodeError> {
        match v {
            Value::Int(i) => Ok(Timestamp(*i as f64)),
            Value::Float(f) => Ok(Timestamp(*f)),
            Value::Tag(1, inner) => match inner.as_ref() {
                Value::Int(i) => Ok(Timestamp(*i as f64)),
                Value::Float(f) => Ok(Timestamp(*f)),
                other => Err(type_error(path, "epoch seconds", other)),
            },
            other => Err(type_error(path, "a timestamp", other)),
        }
    }

    pub fn blob(&mut self, v: &Value, path: &Path<'_>) -> Result<Blob, DecodeError> {
        match v {
            Value::Bytes(b) => Ok(Blob(b.clone())),
            Value::Str(s) => base64_decode(s).map(Blob).ok_or_else(|| {
                DecodeError::Serialization(format!("Value at '{path}' is not valid base64"))
            }),
            other => Err(type_error(path, "a blob", other)),
        }
    }

    pub fn check_length(
        &mut self,
        len: usize,
        shown: &dyn fmt::Display,
        path: &Path<'_>,
        min: Option<usize>,
        max: Option<usize>,
    ) {
        if let Some(min) = min {
            if len < min {
                self.violation(
                    shown,
                    path,
                    &format!("Member must have length greater than or equal to {min}"),
                );
            }
        }
        if let Some(max) = max {
            if len > max {
                self.violation(
                    shown,
                    path,
                    &format!("Member must have length less than or equal to {max}"),
                );
            }
        }
    }

    pub fn check_range(&mut self, v: i64, path: &Path<'_>, min: Option<i64>, max: Option<i64>) {
        if let Some(min) = min {
            if v < min {
                self.violation(
                    v,
                    path,
                    &format!("Member must have value greater than or equal to {min}"),
                );
            }
        }
        if let Some(max) = max {
            if v > max {
                self.violation(
                    v,
                    path,
                    &format!("Member must have value less than or equal to {max}"),
                );
            }
        }
    }

    pub fn check_pattern(&mut self, s: &str, path: &Path<'_>, re: &regex::Regex, source: &str) {
        if !re.is_match(s) {
            self.violation(
                format_args!("'{s}'"),
                path,
                &format!("Member must satisfy regular expression pattern: {source}"),
            );
        }
    }
}

/// Quoted form of a string value for violation messages.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0)
    }
}

/// Standard base64 (padded or not); `None` on any invalid character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in bytes {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}
