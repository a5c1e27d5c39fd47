//! awsJson1_1 bodies: JSON text to [`Value`] and [`Encoder`] to JSON text.

use crate::ParseError;
use dxlocal_model::{Encode, Encoder, Value};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Write as _;

/// Deepest nesting of arrays/objects accepted. The deepest shape in the model
/// is a handful of levels; the bound keeps hostile input from costing stack.
pub const MAX_DEPTH: usize = 64;

/// Parse one JSON document. Integers that fit in i64 become [`Value::Int`],
/// every other number [`Value::Float`]; anything after the document other
/// than whitespace is an error.
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed { depth: 0 }
        .deserialize(&mut de)
        .map_err(|e| ParseError::new(format!("Body is not valid JSON: {e}")))?;
    de.end()
        .map_err(|e| ParseError::new(format!("Body is not valid JSON: {e}")))?;
    Ok(value)
}

/// Carries the current depth down the tree so the limit is ours, not
/// serde_json's (whose own limit is higher and reports a less useful error).
struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor { depth: self.depth })
    }
}

struct ValueVisitor {
    depth: usize,
}

impl ValueVisitor {
    fn enter<E: de::Error>(&self) -> Result<usize, E> {
        if self.depth >= MAX_DEPTH {
            Err(E::custom(format_args!(
                "nesting deeper than {MAX_DEPTH} levels"
            )))
        } else {
            Ok(self.depth + 1)
        }
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed { depth })? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed { depth })?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Writes JSON text directly into a byte buffer.
///
/// Map lengths are ignored (JSON needs no counts); only the nesting is
/// tracked, to know where commas go.
#[derive(Debug, Default)]
pub struct JsonEncoder {
    buf: Vec<u8>,
    /// One entry per open container: true until its first element is written.
    first: Vec<bool>,
    /// A key was just written, so the next value needs no comma.
    after_key: bool,
}

impl JsonEncoder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// JSON `null`; not part of [`Encoder`] because the model omits absent
    /// members instead, but needed to render arbitrary [`Value`]s.
    pub fn null(&mut self) {
        self.before_value();
        self.buf.extend_from_slice(b"null");
    }

    fn before_value(&mut self) {
        if self.after_key {
            self.after_key = false;
        } else if let Some(first) = self.first.last_mut() {
            if !*first {
                self.buf.push(b',');
            }
            *first = false;
        }
    }

    fn write_str(&mut self, s: &str) {
        self.buf.push(b'"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0x00..=0x1f => b"",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[start..i]);
            if escape.is_empty() {
                let _ = write!(self.buf, "\\u{b:04x}");
            } else {
                self.buf.extend_from_slice(escape);
            }
            start = i + 1;
        }
        self.buf.extend_from_slice(&bytes[start..]);
        self.buf.push(b'"');
    }

    fn write_number(&mut self, v: f64) {
        if !v.is_finite() {
            // JSON has no NaN/Infinity; null reads as "absent" in every SDK,
            // which beats a body no client can parse.
            self.buf.extend_from_slice(b"null");
        } else if v.fract() == 0.0 && v.abs() < 9.0e15 {
            let _ = write!(self.buf, "{}", v as i64);
        } else {
            // Debug keeps full precision and uses exponents for extreme
            // magnitudes (`1e300`), both valid JSON number syntax.
            let _ = write!(self.buf, "{v:?}");
        }
    }
}

impl Encoder for JsonEncoder {
    fn begin_map(&mut self, _len: usize) {
        self.before_value();
        self.buf.push(b'{');
        self.first.push(true);
    }

    fn key(&mut self, key: &str) {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.buf.push(b',');
            }
            *first = false;
        }
        self.write_str(key);
        self.buf.push(b':');
        self.after_key = true;
    }

    fn end_map(&mut self) {
        self.first.pop();
        self.buf.push(b'}');
    }

    fn begin_list(&mut self, _len: usize) {
        self.before_value();
        self.buf.push(b'[');
        self.first.push(true);
    }

    fn end_list(&mut self) {
        self.first.pop();
        self.buf.push(b']');
    }

    fn string(&mut self, v: &str) {
        self.before_value();
        self.write_str(v);
    }

    fn integer(&mut self, v: i64) {
        self.before_value();
        let _ = write!(self.buf, "{v}");
    }

    fn boolean(&mut self, v: bool) {
        self.before_value();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    fn double(&mut self, v: f64) {
        self.before_value();
        self.write_number(v);
    }

    fn timestamp(&mut self, epoch_seconds: f64) {
        self.before_value();
        self.write_number(epoch_seconds);
    }

    fn blob(&mut self, v: &[u8]) {
        self.before_value();
        self.buf.push(b'"');
        base64_encode_into(v, &mut self.buf);
        self.buf.push(b'"');
    }
}

/// Serialise any model value as a JSON document.
pub fn encode<T: Encode + ?Sized>(v: &T) -> Vec<u8> {
    let mut e = JsonEncoder {
        buf: Vec::with_capacity(crate::REPLY_CAPACITY),
        first: Vec::with_capacity(8),
        after_key: false,
    };
    v.encode(&mut e);
    e.into_bytes()
}

/// Serialise a [`Value`] tree. Byte strings become base64 text and tags are
/// dropped (their content is written), mirroring how JSON carries blobs and
/// timestamps.
pub fn encode_value(v: &Value) -> Vec<u8> {
    let mut e = JsonEncoder::new();
    write_value(&mut e, v, 0);
    e.into_bytes()
}

fn write_value(e: &mut JsonEncoder, v: &Value, depth: usize) {
    // Values built by the parsers are already depth-bounded; this guards
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
        Value::Tag(_, inner) => write_value(e, inner, depth + 1),
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard alphabet, padded: what the SDKs decode blobs with.
pub fn base64_encode_into(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len().div_ceil(3) * 4);
    let mut chunks = data.chunks_exact(3);
    for c in &mut chunks {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        out.extend_from_slice(&[
            BASE64[(n >> 18) as usize & 63],
            BASE64[(n >> 12) as usize & 63],
            BASE64[(n >> 6) as usize & 63],
            BASE64[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[
                BASE64[(n >> 18) as usize & 63],
                BASE64[(n >> 12) as usize & 63],
                b'=',
                b'=',
            ]);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.extend_from_slice(&[
                BASE64[(n >> 18) as usize & 63],
                BASE64[(n >> 12) as usize & 63],
                BASE64[(n >> 6) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dxlocal_model::decode::base64_decode;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn text(v: &Value) -> String {
        String::from_utf8(encode_value(v)).unwrap()
    }

    #[test]
    fn structure_through_encoder_is_compact_json() {
        struct S;
        impl Encode for S {
            fn encode<E: Encoder>(&self, e: &mut E) {
                e.begin_map(3);
                e.key("a");
                e.string("x");
                e.key("b");
                vec![1i64, 2].encode(e);
                e.key("c");
                e.boolean(true);
                e.end_map();
            }
        }
        assert_eq!(
            String::from_utf8(encode(&S)).unwrap(),
            r#"{"a":"x","b":[1,2],"c":true}"#
        );
    }

    #[test]
    fn nested_containers_get_commas_right() {
        let v = map(vec![
            ("e", Value::Map(vec![])),
            ("l", Value::List(vec![])),
            (
                "n",
                Value::List(vec![
                    map(vec![("x", Value::Int(1)), ("y", Value::List(vec![]))]),
                    map(vec![]),
                    Value::List(vec![Value::Null, Value::Bool(false)]),
                ]),
            ),
            ("z", Value::Int(-3)),
        ]);
        let s = text(&v);
        assert_eq!(
            s,
            r#"{"e":{},"l":[],"n":[{"x":1,"y":[]},{},[null,false]],"z":-3}"#
        );
        assert_eq!(parse(s.as_bytes()).unwrap(), v);
    }

    #[test]
    fn empty_structure() {
        struct Empty;
        impl Encode for Empty {
            fn encode<E: Encoder>(&self, e: &mut E) {
                e.begin_map(0);
                e.end_map();
            }
        }
        assert_eq!(encode(&Empty), b"{}");
    }

    #[test]
    fn string_escaping() {
        let s = "q\"b\\n\nr\rt\tb\u{8}f\u{c}nul\u{0}us\u{1f}é\u{2028}😀";
        let out = text(&Value::Str(s.to_owned()));
        assert_eq!(
            out,
            "\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\fnul\\u0000us\\u001fé\u{2028}😀\""
        );
        assert_eq!(parse(out.as_bytes()).unwrap(), Value::Str(s.to_owned()));
        // Keys go through the same escaping.
        let v = map(vec![("k\"ey", Value::Int(1))]);
        assert_eq!(text(&v), r#"{"k\"ey":1}"#);
    }

    #[test]
    fn timestamps_and_doubles() {
        let mut e = JsonEncoder::new();
        e.begin_list(7);
        e.timestamp(1491568964.0);
        e.timestamp(1491568964.25);
        e.double(f64::NAN);
        e.double(f64::INFINITY);
        e.double(1e300);
        e.double(-0.5);
        e.double(1e-7);
        e.end_list();
        let out = String::from_utf8(e.into_bytes()).unwrap();
        assert_eq!(out, "[1491568964,1491568964.25,null,null,1e300,-0.5,1e-7]");
        let back = parse(out.as_bytes()).unwrap();
        assert_eq!(
            back,
            Value::List(vec![
                Value::Int(1491568964),
                Value::Float(1491568964.25),
                Value::Null,
                Value::Null,
                Value::Float(1e300),
                Value::Float(-0.5),
                Value::Float(1e-7),
            ])
        );
    }

    #[test]
    fn blobs_are_padded_base64() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"fooba", "Zm9vYmE="),
            (b"foobar", "Zm9vYmFy"),
            (&[0xff, 0xfe, 0xfd], "//79"),
        ];
        for (raw, b64) in cases {
            let out = text(&Value::Bytes(raw.to_vec()));
            assert_eq!(out, format!("\"{b64}\""));
            assert_eq!(base64_decode(b64).unwrap(), *raw);
        }
        let all: Vec<u8> = (0..=255).collect();
        let mut out = Vec::new();
        base64_encode_into(&all, &mut out);
        assert_eq!(
            base64_decode(std::str::from_utf8(&out).unwrap()).unwrap(),
            all
        );
    }

    #[test]
    fn numbers_parse_into_int_or_float() {
        let v = parse(
            br#"[0, -1, 9223372036854775807, -9223372036854775808, 9223372036854775808,
                 18446744073709551616, 1.0, 1e3, 2.5, -7E-1]"#,
        )
        .unwrap();
        assert_eq!(
            v,
            Value::List(vec![
                Value::Int(0),
                Value::Int(-1),
                Value::Int(i64::MAX),
                Value::Int(i64::MIN),
                Value::Float(9223372036854775808.0),
                Value::Float(18446744073709551616.0),
                Value::Float(1.0),
                Value::Float(1000.0),
                Value::Float(2.5),
                Value::Float(-0.7),
            ])
        );
    }

    #[test]
    fn round_trip_request_like_body() {
        let src = br#" {"virtualInterfaceId":"dxvif-abc","vlan":101,"tags":[{"key":"k","value":"v"}],"flag":false,"none":null} "#;
        let v = parse(src).unwrap();
        assert_eq!(
            v,
            map(vec![
                ("virtualInterfaceId", Value::Str("dxvif-abc".into())),
                ("vlan", Value::Int(101)),
                (
                    "tags",
                    Value::List(vec![map(vec![
                        ("key", Value::Str("k".into())),
                        ("value", Value::Str("v".into())),
                    ])])
                ),
                ("flag", Value::Bool(false)),
                ("none", Value::Null),
            ])
        );
        assert_eq!(parse(&encode_value(&v)).unwrap(), v);
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let v = parse(br#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v, map(vec![("a", Value::Int(1)), ("a", Value::Int(2))]));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\":}",
            b"{} {}",
            b"{}x",
            b"[1,]",
            b"{'a':1}",
            b"\"\\ud800\"",
            b"\"\xff\"",
            b"NaN",
            b"01",
        ] {
            assert!(
                parse(bad).is_err(),
                "accepted {:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse(deep.as_bytes()).unwrap_err();
        assert!(err.message().contains("nesting"), "{err}");
        // Far beyond any limit, unterminated: must fail cleanly, not overflow.
        let huge = "[{\"a\":".repeat(100_000);
        assert!(parse(huge.as_bytes()).is_err());
    }
}
