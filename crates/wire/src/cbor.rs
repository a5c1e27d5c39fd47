//! Smithy RPC v2 CBOR bodies: RFC 8949 bytes to [`Value`] and [`Encoder`] to
//! CBOR bytes.
//!
//! The decoder reads untrusted input: every declared length is checked
//! against the bytes actually left before anything is allocated or sliced,
//! nesting is bounded, and no input can make it panic.

use crate::ParseError;
use dxlocal_model::{Encode, Encoder, Value};

/// Deepest nesting of arrays, maps and tags accepted.
pub const MAX_DEPTH: usize = 64;

const MAJOR_UNSIGNED: u8 = 0;
const MAJOR_NEGATIVE: u8 = 1;
const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
const MAJOR_TAG: u8 = 6;
const MAJOR_SIMPLE: u8 = 7;

const INDEFINITE: u8 = 31;
const BREAK: u8 = 0xff;

/// Tag 1: epoch-based date/time, how RPC v2 CBOR carries timestamps.
pub const TAG_EPOCH_TIME: u64 = 1;

/// Decode exactly one CBOR data item; trailing bytes are an error.
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.item(0)?;
    if r.pos != bytes.len() {
        return Err(r.error("unexpected bytes after the top-level item"));
    }
    Ok(v)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// What follows an initial byte's major type.
enum Arg {
    Value(u64),
    Indefinite,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &str) -> ParseError {
        ParseError::new(format!(
            "Body is not valid CBOR: {what} at byte {}",
            self.pos
        ))
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        if n > self.remaining() {
            return Err(self.error("unexpected end of input"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, ParseError> {
        Ok(self.take(1)?[0])
    }

    fn peek(&self) -> Result<u8, ParseError> {
        self.buf
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end of input"))
    }

    fn uint(&mut self, n: usize) -> Result<u64, ParseError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn arg(&mut self, info: u8) -> Result<Arg, ParseError> {
        Ok(Arg::Value(match info {
            0..=23 => u64::from(info),
            24 => self.uint(1)?,
            25 => self.uint(2)?,
            26 => self.uint(4)?,
            27 => self.uint(8)?,
            INDEFINITE => return Ok(Arg::Indefinite),
            _ => return Err(self.error("reserved additional information")),
        }))
    }

    /// A declared length, accepted only if the input could still hold that
    /// many items of at least `min_item_size` bytes each.
    fn length(&self, declared: u64, min_item_size: usize) -> Result<usize, ParseError> {
        let max = (self.remaining() / min_item_size) as u64;
        if declared > max {
            return Err(self.error("declared length exceeds the remaining input"));
        }
        Ok(declared as usize)
    }

    fn item(&mut self, depth: usize) -> Result<Value, ParseError> {
        let start = self.pos;
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        match major {
            MAJOR_UNSIGNED => match self.arg(info)? {
                Arg::Value(n) => Ok(match i64::try_from(n) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Float(n as f64),
                }),
                Arg::Indefinite => Err(self.error("indefinite length on an integer")),
            },
            MAJOR_NEGATIVE => match self.arg(info)? {
                // -1 - n: fits in i64 exactly when n does.
                Arg::Value(n) => Ok(match i64::try_from(n) {
                    Ok(i) => Value::Int(-1 - i),
                    Err(_) => Value::Float(-1.0 - n as f64),
                }),
                Arg::Indefinite => Err(self.error("indefinite length on an integer")),
            },
            MAJOR_BYTES => Ok(Value::Bytes(self.string_bytes(MAJOR_BYTES, info)?)),
            MAJOR_TEXT => {
                let bytes = self.string_bytes(MAJOR_TEXT, info)?;
                match String::from_utf8(bytes) {
                    Ok(s) => Ok(Value::Str(s)),
                    Err(_) => {
                        self.pos = start;
                        Err(self.error("text string is not valid UTF-8"))
                    }
                }
            }
            MAJOR_ARRAY => {
                let depth = self.enter(depth)?;
                match self.arg(info)? {
                    Arg::Value(n) => {
                        let n = self.length(n, 1)?;
                        let mut items = Vec::with_capacity(n);
                        for _ in 0..n {
                            items.push(self.item(depth)?);
                        }
                        Ok(Value::List(items))
                    }
                    Arg::Indefinite => {
                        let mut items = Vec::new();
                        while !self.at_break()? {
                            items.push(self.item(depth)?);
                        }
                        Ok(Value::List(items))
                    }
                }
            }
            MAJOR_MAP => {
                let depth = self.enter(depth)?;
                match self.arg(info)? {
                    Arg::Value(n) => {
                        let n = self.length(n, 2)?;
                        let mut entries = Vec::with_capacity(n);
                        for _ in 0..n {
                            entries.push(self.entry(depth)?);
                        }
                        Ok(Value::Map(entries))
                    }
                    Arg::Indefinite => {
                        let mut entries = Vec::new();
                        while !self.at_break()? {
                            entries.push(self.entry(depth)?);
                        }
                        Ok(Value::Map(entries))
                    }
                }
            }
            MAJOR_TAG => match self.arg(info)? {
                Arg::Value(tag) => {
                    let depth = self.enter(depth)?;
                    Ok(Value::Tag(tag, Box::new(self.item(depth)?)))
                }
                Arg::Indefinite => Err(self.error("indefinite length on a tag")),
            },
            _ => self.simple(info),
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(depth + 1)
        }
    }

    /// Consumes a break byte if one is next; inside an indefinite container
    /// running out of input is an error, not an implicit end.
    fn at_break(&mut self) -> Result<bool, ParseError> {
        if self.peek()? == BREAK {
            self.pos += 1;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn entry(&mut self, depth: usize) -> Result<(String, Value), ParseError> {
        let key_at = self.pos;
        let key = match self.item(depth)? {
            Value::Str(s) => s,
            other => {
                self.pos = key_at;
                return Err(self.error(&format!("map key is a {}, not text", other.kind())));
            }
        };
        Ok((key, self.item(depth)?))
    }

    /// Payload of a byte or text string, concatenating the chunks of an
    /// indefinite-length one (each chunk must be a definite string of the
    /// same major type).
    fn string_bytes(&mut self, major: u8, info: u8) -> Result<Vec<u8>, ParseError> {
        match self.arg(info)? {
            Arg::Value(n) => {
                let n = self.length(n, 1)?;
                Ok(self.take(n)?.to_vec())
            }
            Arg::Indefinite => {
                let mut out = Vec::new();
                loop {
                    let b = self.byte()?;
                    if b == BREAK {
                        return Ok(out);
                    }
                    if b >> 5 != major || b & 0x1f == INDEFINITE {
                        self.pos -= 1;
                        return Err(self.error("bad chunk in an indefinite-length string"));
                    }
                    let n = match self.arg(b & 0x1f)? {
                        Arg::Value(n) => self.length(n, 1)?,
                        Arg::Indefinite => unreachable!("checked above"),
                    };
                    let chunk = self.take(n)?;
                    // RFC 8949 §3.2.3: each text chunk is valid UTF-8 on its
                    // own, so a code point split across chunks is malformed.
                    if major == MAJOR_TEXT && std::str::from_utf8(chunk).is_err() {
                        return Err(self.error("text string chunk is not valid UTF-8"));
                    }
                    out.extend_from_slice(chunk);
                }
            }
        }
    }

    fn simple(&mut self, info: u8) -> Result<Value, ParseError> {
        match info {
            20 => Ok(Value::Bool(false)),
            21 => Ok(Value::Bool(true)),
            // Smithy treats undefined like null: the member is absent.
            22 | 23 => Ok(Value::Null),
            24 => {
                let v = self.byte()?;
                Err(self.error(&format!("unsupported simple value {v}")))
            }
            25 => {
                let bits = self.uint(2)? as u16;
                Ok(Value::Float(half_to_f64(bits)))
            }
            26 => {
                let bits = self.uint(4)? as u32;
                Ok(Value::Float(f64::from(f32::from_bits(bits))))
            }
            27 => Ok(Value::Float(f64::from_bits(self.uint(8)?))),
            INDEFINITE => {
                self.pos -= 1;
                Err(self.error("break outside an indefinite-length item"))
            }
            28..=30 => Err(self.error("reserved additional information")),
            v => Err(self.error(&format!("unsupported simple value {v}"))),
        }
    }
}

fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mant / 1024.0) * 2f64.powi(exp - 15),
    };
    sign * magnitude
}

/// Writes CBOR with definite lengths and shortest-form heads, the form every
/// Smithy client reads.
#[derive(Debug, Default)]
pub struct CborEncoder {
    buf: Vec<u8>,
}

impl CborEncoder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// CBOR `null`; see [`crate::json::JsonEncoder::null`] for why it sits
    /// outside [`Encoder`].
    pub fn null(&mut self) {
        self.buf.push(0xf6);
    }

    /// A tag head; exactly one data item must follow.
    pub fn tag(&mut self, tag: u64) {
        self.head(MAJOR_TAG, tag);
    }

    fn head(&mut self, major: u8, n: u64) {
        let m = major << 5;
        if n < 24 {
            self.buf.push(m | n as u8);
        } else if n <= u64::from(u8::MAX) {
            self.buf.extend_from_slice(&[m | 24, n as u8]);
        } else if n <= u64::from(u16::MAX) {
            self.buf.push(m | 25);
            self.buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= u64::from(u32::MAX) {
            self.buf.push(m | 26);
            self.buf.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            self.buf.push(m | 27);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    fn float64(&mut self, v: f64) {
        self.buf.push((MAJOR_SIMPLE << 5) | 27);
        self.buf.extend_from_slice(&v.to_bits().to_be_bytes());
    }
}

impl Encoder for CborEncoder {
    fn begin_map(&mut self, len: usize) {
        self.head(MAJOR_MAP, len as u64);
    }

    fn key(&mut self, key: &str) {
        self.string(key);
    }

    fn end_map(&mut self) {}

    fn begin_list(&mut self, len: usize) {
        self.head(MAJOR_ARRAY, len as u64);
    }

    fn end_list(&mut self) {}

    fn string(&mut self, v: &str) {
        self.head(MAJOR_TEXT, v.len() as u64);
        self.buf.extend_from_slice(v.as_bytes());
    }

    fn integer(&mut self, v: i64) {
        if v >= 0 {
            self.head(MAJOR_UNSIGNED, v as u64);
        } else {
            // -1 - v, computed without overflow for i64::MIN.
            self.head(MAJOR_NEGATIVE, !(v as u64));
        }
    }

    fn boolean(&mut self, v: bool) {
        self.buf.push(if v { 0xf5 } else { 0xf4 });
    }

    fn double(&mut self, v: f64) {
        self.float64(v);
    }

    fn timestamp(&mut self, epoch_seconds: f64) {
        self.tag(TAG_EPOCH_TIME);
        // Whole seconds as an integer is what botocore writes and what the
        // smaller parsers expect; only sub-second times need a float.
        if epoch_seconds.fract() == 0.0 && epoch_seconds.abs() < 9.0e15 {
            self.integer(epoch_seconds as i64);
        } else {
            self.float64(epoch_seconds);
        }
    }

    fn blob(&mut self, v: &[u8]) {
        self.head(MAJOR_BYTES, v.len() as u64);
        self.buf.extend_from_slice(v);
    }
}

/// Serialise any model value as one CBOR data item.
pub fn encode<T: Encode + ?Sized>(v: &T) -> Vec<u8> {
    let mut e = CborEncoder {
        buf: Vec::with_capacity(crate::REPLY_CAPACITY),
    };
    v.encode(&mut e);
    e.into_bytes()
}

/// Serialise a [`Value`] tree, tags included.
pub fn encode_value(v: &Value) -> Vec<u8> {
    let mut e = CborEncoder::new();
    write_value(&mut e, v, 0);
    e.into_bytes()
}

fn write_value(e: &mut CborEncoder, v: &Value, depth: usize) {
    // Values built by the parser are already depth-bounded; this guards
    // trees assembled by hand.
    if depth > MAX_DEPTH {
        e.null();
        return;
    }
    match v {
        Value::Null => e.null(),
        Value::Bool(b) => e.boolean(*b),
        Value::Int(i) => e.integer(*i),
        Value::Float(f) => e.double(*f),
        Value::Str(s) => e.string(s),
        Value::Bytes(b) => e.blob(b),
        Value::List(items) => {
            e.begin_list(items.len());
            for item in items {
                write_value(e, item, depth + 1);
            }
            e.end_list();
        }
        Value::Map(entries) => {
            e.begin_map(entries.len());
            for (k, item) in entries {
                e.key(k);
                write_value(e, item, depth + 1);
            }
            e.end_map();
        }
        Value::Tag(tag, inner) => {
            e.tag(*tag);
            write_value(e, inner, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn spec_example_request() {
        let mut bytes = vec![0xa1, 0x72];
        bytes.extend_from_slice(b"virtualInterfaceId");
        bytes.push(0x69);
        bytes.extend_from_slice(b"dxvif-abc");
        let v = parse(&bytes).unwrap();
        assert_eq!(
            v,
            map(vec![("virtualInterfaceId", Value::Str("dxvif-abc".into()))])
        );
        assert_eq!(encode_value(&v), bytes);
    }

    #[test]
    fn rfc8949_appendix_a_integers() {
        let cases: &[(&str, i64)] = &[
            ("00", 0),
            ("01", 1),
            ("0a", 10),
            ("17", 23),
            ("1818", 24),
            ("1819", 25),
            ("1864", 100),
            ("1903e8", 1000),
            ("1a000f4240", 1000000),
            ("1b000000e8d4a51000", 1000000000000),
            ("1b7fffffffffffffff", i64::MAX),
            ("20", -1),
            ("29", -10),
            ("3863", -100),
            ("3903e7", -1000),
            ("3b7fffffffffffffff", i64::MIN),
        ];
        for (h, n) in cases {
            assert_eq!(parse(&hex(h)).unwrap(), Value::Int(*n), "{h}");
            assert_eq!(encode_value(&Value::Int(*n)), hex(h), "{n}");
        }
        // Beyond i64 both ways: kept as (lossy) floats rather than rejected.
        assert_eq!(
            parse(&hex("1bffffffffffffffff")).unwrap(),
            Value::Float(18446744073709551615.0)
        );
        assert_eq!(
            parse(&hex("3bffffffffffffffff")).unwrap(),
            Value::Float(-18446744073709551616.0)
        );
        // Non-shortest heads are legal input.
        assert_eq!(parse(&hex("1b0000000000000001")).unwrap(), Value::Int(1));
    }

    #[test]
    fn rfc8949_appendix_a_floats_and_simple() {
        let cases: &[(&str, f64)] = &[
            ("f90000", 0.0),
            ("f98000", -0.0),
            ("f93c00", 1.0),
            ("fb3ff199999999999a", 1.1),
            ("f93e00", 1.5),
            ("f97bff", 65504.0),
            ("fa47c35000", 100000.0),
            ("fa7f7fffff", 3.4028234663852886e38),
            ("fb7e37e43c8800759c", 1.0e300),
            ("f90001", 5.960464477539063e-8),
            ("f90400", 0.00006103515625),
            ("f9c400", -4.0),
            ("fbc010666666666666", -4.1),
            ("f97c00", f64::INFINITY),
            ("f9fc00", f64::NEG_INFINITY),
            ("fa7f800000", f64::INFINITY),
        ];
        for (h, f) in cases {
            assert_eq!(parse(&hex(h)).unwrap(), Value::Float(*f), "{h}");
        }
        match parse(&hex("f97e00")).unwrap() {
            Value::Float(f) => assert!(f.is_nan()),
            other => panic!("{other:?}"),
        }
        assert_eq!(parse(&hex("f4")).unwrap(), Value::Bool(false));
        assert_eq!(parse(&hex("f5")).unwrap(), Value::Bool(true));
        assert_eq!(parse(&hex("f6")).unwrap(), Value::Null);
        assert_eq!(parse(&hex("f7")).unwrap(), Value::Null);
        assert!(parse(&hex("f0")).is_err());
        assert!(parse(&hex("f818")).is_err());
        assert!(parse(&hex("f8ff")).is_err());
    }

    #[test]
    fn rfc8949_appendix_a_strings_and_containers() {
        assert_eq!(parse(&hex("40")).unwrap(), Value::Bytes(vec![]));
        assert_eq!(
            parse(&hex("4401020304")).unwrap(),
            Value::Bytes(vec![1, 2, 3, 4])
        );
        assert_eq!(parse(&hex("60")).unwrap(), Value::Str(String::new()));
        assert_eq!(parse(&hex("62225c")).unwrap(), Value::Str("\"\\".into()));
        assert_eq!(parse(&hex("63e6b0b4")).unwrap(), Value::Str("水".into()));
        assert_eq!(
            parse(&hex("64f0908591")).unwrap(),
            Value::Str("\u{10151}".into())
        );
        let nested = hex("8301820203820405");
        let v = parse(&nested).unwrap();
        assert_eq!(
            v,
            Value::List(vec![
                Value::Int(1),
                Value::List(vec![Value::Int(2), Value::Int(3)]),
                Value::List(vec![Value::Int(4), Value::Int(5)]),
            ])
        );
        assert_eq!(encode_value(&v), nested);
        let long = hex("98190102030405060708090a0b0c0d0e0f101112131415161718181819");
        let v = parse(&long).unwrap();
        assert_eq!(v, Value::List((1..=25).map(Value::Int).collect()));
        assert_eq!(encode_value(&v), long);
        let m = hex("a26161016162820203");
        let v = parse(&m).unwrap();
        assert_eq!(
            v,
            map(vec![
                ("a", Value::Int(1)),
                ("b", Value::List(vec![Value::Int(2), Value::Int(3)])),
            ])
        );
        assert_eq!(encode_value(&v), m);
    }

    #[test]
    fn indefinite_lengths() {
        assert_eq!(
            parse(&hex("5f42010243030405ff")).unwrap(),
            Value::Bytes(vec![1, 2, 3, 4, 5])
        );
        assert_eq!(
            parse(&hex("7f657374726561646d696e67ff")).unwrap(),
            Value::Str("streaming".into())
        );
        assert_eq!(parse(&hex("7fff")).unwrap(), Value::Str(String::new()));
        assert_eq!(parse(&hex("9fff")).unwrap(), Value::List(vec![]));
        let expect = Value::List(vec![
            Value::Int(1),
            Value::List(vec![Value::Int(2), Value::Int(3)]),
            Value::List(vec![Value::Int(4), Value::Int(5)]),
        ]);
        for h in [
            "9f018202039f0405ffff",
            "9f01820203820405ff",
            "83018202039f0405ff",
            "83019f0203ff820405",
        ] {
            assert_eq!(parse(&hex(h)).unwrap(), expect, "{h}");
        }
        assert_eq!(
            parse(&hex("bf61610161629f0203ffff")).unwrap(),
            map(vec![
                ("a", Value::Int(1)),
                ("b", Value::List(vec![Value::Int(2), Value::Int(3)])),
            ])
        );
        assert_eq!(
            parse(&hex("bf6346756ef563416d7421ff")).unwrap(),
            map(vec![("Fun", Value::Bool(true)), ("Amt", Value::Int(-2))])
        );
        // Indefinite-length text as a map key.
        assert_eq!(
            parse(&hex("a17f616b6179ff01")).unwrap(),
            map(vec![("ky", Value::Int(1))])
        );
    }

    #[test]
    fn tags_are_kept() {
        let v = parse(&hex("c11a514b67b0")).unwrap();
        assert_eq!(v, Value::Tag(1, Box::new(Value::Int(1363896240))));
        assert_eq!(encode_value(&v), hex("c11a514b67b0"));
        let v = parse(&hex("c1fb41d452d9ec200000")).unwrap();
        assert_eq!(v, Value::Tag(1, Box::new(Value::Float(1363896240.5))));
        let v = parse(&hex("d82076687474703a2f2f7777772e6578616d706c652e636f6d")).unwrap();
        assert_eq!(
            v,
            Value::Tag(32, Box::new(Value::Str("http://www.example.com".into())))
        );
    }

    #[test]
    fn encoder_output() {
        let mut e = CborEncoder::new();
        e.begin_map(6);
        e.key("t");
        e.timestamp(1491568964.0);
        e.key("f");
        e.timestamp(1.5);
        e.key("b");
        e.blob(&[0xde, 0xad]);
        e.key("d");
        e.double(0.5);
        e.key("n");
        e.integer(-500);
        e.key("l");
        e.begin_list(2);
        e.boolean(true);
        e.boolean(false);
        e.end_list();
        e.end_map();
        let bytes = e.into_bytes();
        assert_eq!(
            bytes,
            hex(
                "a6 6174 c11a58e78944 6166 c1fb3ff8000000000000 6162 42dead \
                 6164 fb3fe0000000000000 616e 3901f3 616c 82f5f4"
            )
        );
        assert_eq!(
            parse(&bytes).unwrap(),
            map(vec![
                ("t", Value::Tag(1, Box::new(Value::Int(1491568964)))),
                ("f", Value::Tag(1, Box::new(Value::Float(1.5)))),
                ("b", Value::Bytes(vec![0xde, 0xad])),
                ("d", Value::Float(0.5)),
                ("n", Value::Int(-500)),
                (
                    "l",
                    Value::List(vec![Value::Bool(true), Value::Bool(false)])
                ),
            ])
        );
    }

    #[test]
    fn shortest_form_boundaries() {
        for (n, len) in [
            (23i64, 1usize),
            (24, 2),
            (255, 2),
            (256, 3),
            (65535, 3),
            (65536, 5),
            (u32::MAX as i64, 5),
            (u32::MAX as i64 + 1, 9),
            (-24, 1),
            (-25, 2),
            (-256, 2),
            (-257, 3),
        ] {
            let bytes = encode_value(&Value::Int(n));
            assert_eq!(bytes.len(), len, "{n}");
            assert_eq!(parse(&bytes).unwrap(), Value::Int(n));
        }
        let s = "x".repeat(300);
        let bytes = encode_value(&Value::Str(s.clone()));
        assert_eq!(&bytes[..3], &[0x79, 0x01, 0x2c]);
        assert_eq!(parse(&bytes).unwrap(), Value::Str(s));
    }

    #[test]
    fn round_trip_mixed_tree() {
        let v = map(vec![
            ("s", Value::Str("é\0\"".into())),
            ("i", Value::Int(-9_000_000_000)),
            ("f", Value::Float(-2.25)),
            ("n", Value::Null),
            ("b", Value::Bytes((0..=255).collect())),
            (
                "l",
                Value::List(vec![map(vec![]), Value::List(vec![]), Value::Bool(true)]),
            ),
            ("t", Value::Tag(1, Box::new(Value::Int(0)))),
        ]);
        assert_eq!(parse(&encode_value(&v)).unwrap(), v);
    }

    fn rejects(bytes: &[u8], needle: &str) {
        match parse(bytes) {
            Ok(v) => panic!("accepted {bytes:02x?} as {v:?}"),
            Err(e) => assert!(
                e.message().contains(needle),
                "{bytes:02x?}: '{e}' lacks '{needle}'"
            ),
        }
    }

    #[test]
    fn adversarial_truncated() {
        rejects(&[], "end of input");
        rejects(&hex("18"), "end of input");
        rejects(&hex("1b00000000"), "end of input");
        rejects(&hex("6461"), "exceeds");
        rejects(&hex("a1616b"), "end of input");
        rejects(&hex("82 01 18"), "end of input");
        rejects(&hex("9f01"), "end of input");
        rejects(&hex("bf616b"), "end of input");
        rejects(&hex("7f6161"), "end of input");
        rejects(&hex("c1"), "end of input");
        rejects(&hex("fb3ff0"), "end of input");
        // Every prefix of a valid document fails cleanly.
        let full = encode_value(&map(vec![
            (
                "a",
                Value::List(vec![Value::Int(1000), Value::Str("xyz".into())]),
            ),
            ("b", Value::Tag(1, Box::new(Value::Float(1.5)))),
        ]));
        for end in 0..full.len() {
            assert!(parse(&full[..end]).is_err(), "prefix {end}");
        }
    }

    #[test]
    fn adversarial_huge_declared_lengths() {
        rejects(&hex("5bffffffffffffffff"), "exceeds");
        rejects(&hex("7bffffffffffffffff"), "exceeds");
        rejects(&hex("9bffffffffffffffff"), "exceeds");
        rejects(&hex("bbffffffffffffffff"), "exceeds");
        rejects(&hex("9a7fffffff00"), "exceeds");
        // Two bytes left cannot hold a three-entry map.
        rejects(&hex("a3 6161 01"), "exceeds");
        rejects(&hex("5f 5bffffffffffffffff ff"), "exceeds");
        rejects(&hex("1c"), "reserved");
        rejects(&hex("5c"), "reserved");
    }

    #[test]
    fn adversarial_deep_nesting() {
        let ok: Vec<u8> = std::iter::repeat_n(0x81, MAX_DEPTH - 1)
            .chain([0x80])
            .collect();
        assert!(parse(&ok).is_ok());
        for opener in [0x81u8, 0x9f, 0xa1, 0xc1] {
            let mut deep = Vec::new();
            for _ in 0..100_000 {
                deep.push(opener);
                if opener == 0xa1 {
                    deep.extend_from_slice(&[0x61, b'k']);
                }
            }
            deep.push(0x00);
            rejects(&deep, "nesting");
        }
    }

    #[test]
    fn adversarial_invalid_utf8() {
        rejects(&hex("62c328"), "UTF-8");
        rejects(&hex("61ff"), "UTF-8");
        rejects(&hex("63eda080"), "UTF-8");
        // A code point split across indefinite-length chunks.
        rejects(&hex("7f 61c3 61a9 ff"), "UTF-8");
        rejects(&hex("a1 62c328 01"), "UTF-8");
    }

    #[test]
    fn adversarial_break_in_wrong_place() {
        rejects(&hex("ff"), "break");
        rejects(&hex("82 01 ff"), "break");
        rejects(&hex("a1 ff 01"), "break");
        rejects(&hex("c1 ff"), "break");
        // Break where a map value should be.
        rejects(&hex("bf 616b ff"), "break");
        rejects(&hex("9f ff ff"), "after the top-level item");
    }

    #[test]
    fn adversarial_structure_errors() {
        rejects(&hex("a1 01 02"), "map key");
        rejects(&hex("a1 4161 02"), "map key");
        rejects(&hex("bf 01 02 ff"), "map key");
        rejects(&hex("1f"), "indefinite");
        rejects(&hex("3f"), "indefinite");
        rejects(&hex("df 00"), "indefinite");
        rejects(&hex("5f 61 61 ff"), "chunk");
        rejects(&hex("7f 41 61 ff"), "chunk");
        rejects(&hex("7f 7f ff ff"), "chunk");
        rejects(&hex("00 00"), "after the top-level item");
    }

    #[test]
    fn no_panic_on_any_short_input() {
        // Every one- and two-byte input, and a sample of three-byte ones.
        for a in 0..=255u8 {
            let _ = parse(&[a]);
            for b in 0..=255u8 {
                let _ = parse(&[a, b]);
                let _ = parse(&[a, b, a ^ b]);
                let _ = parse(&[a, 0xff, b]);
            }
        }
    }
}
