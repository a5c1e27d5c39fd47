//! Just enough CBOR (RFC 8949) for RPC v2 CBOR request and response bodies.
//!
//! Requests are built as `serde_json::Value` and encoded here, and responses
//! are decoded back into `serde_json::Value`, so the flow code is the same for
//! both protocols. Decoding accepts everything a server may legally send
//! (indefinite lengths, tags, half floats); tags are dropped, byte strings
//! become hex strings, which is all the bench needs to pull out IDs.

use serde_json::{Map, Number, Value};

const MAJOR_UINT: u8 = 0;
const MAJOR_NINT: u8 = 1;
const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
const MAJOR_TAG: u8 = 6;
const MAJOR_SIMPLE: u8 = 7;

const BREAK: u8 = 0xff;
const MAX_DEPTH: usize = 64;

pub fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, v);
    out
}

fn write_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u8::MAX as u64 {
        out.push(m | 24);
        out.push(n as u8);
    } else if n <= u16::MAX as u64 {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u32::MAX as u64 {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn write_text(out: &mut Vec<u8>, s: &str) {
    write_head(out, MAJOR_TEXT, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                write_head(out, MAJOR_UINT, u);
            } else if let Some(i) = n.as_i64() {
                // Negative ints carry -1 - n so that -1 encodes as 0x20.
                write_head(out, MAJOR_NINT, (-1 - i) as u64);
            } else {
                out.push(0xfb);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_be_bytes());
            }
        }
        Value::String(s) => write_text(out, s),
        Value::Array(a) => {
            write_head(out, MAJOR_ARRAY, a.len() as u64);
            for x in a {
                write_value(out, x);
            }
        }
        Value::Object(m) => {
            write_head(out, MAJOR_MAP, m.len() as u64);
            for (k, x) in m {
                write_text(out, k);
                write_value(out, x);
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cbor: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

fn err<T>(msg: impl Into<String>) -> Result<T, DecodeError> {
    Err(DecodeError(msg.into()))
}

pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.value(0)?;
    if r.pos != bytes.len() {
        return err(format!("{} trailing bytes", bytes.len() - r.pos));
    }
    Ok(v)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Item {
    Value(Value),
    Break,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| DecodeError("unexpected end".into()))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.buf.len() - self.pos < n {
            return err("unexpected end");
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The argument of a head; `None` means indefinite length (info 31).
    fn arg(&mut self, info: u8) -> Result<Option<u64>, DecodeError> {
        Ok(Some(match info {
            0..=23 => info as u64,
            24 => self.byte()? as u64,
            25 => u16::from_be_bytes(self.take(2)?.try_into().unwrap()) as u64,
            26 => u32::from_be_bytes(self.take(4)?.try_into().unwrap()) as u64,
            27 => u64::from_be_bytes(self.take(8)?.try_into().unwrap()),
            31 => return Ok(None),
            _ => return err(format!("reserved additional info {info}")),
        }))
    }

    fn len(&self, n: u64) -> Result<usize, DecodeError> {
        // Every element takes at least one byte, so a larger count is a lie.
        if n > (self.buf.len() - self.pos) as u64 {
            return err("length exceeds input");
        }
        Ok(n as usize)
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        match self.item(depth)? {
            Item::Value(v) => Ok(v),
            Item::Break => err("unexpected break"),
        }
    }

    fn item(&mut self, depth: usize) -> Result<Item, DecodeError> {
        if depth > MAX_DEPTH {
            return err("nesting too deep");
        }
        let b = self.byte()?;
        if b == BREAK {
            return Ok(Item::Break);
        }
        let (major, info) = (b >> 5, b & 0x1f);
        let v = match major {
            MAJOR_UINT => match self.arg(info)? {
                Some(n) => Value::Number(n.into()),
                None => return err("indefinite uint"),
            },
            MAJOR_NINT => match self.arg(info)? {
                Some(n) if n <= i64::MAX as u64 => Value::Number((-1 - n as i64).into()),
                Some(n) => Value::Number(
                    Number::from_f64(-1.0 - n as f64).ok_or_else(|| DecodeError("nint".into()))?,
                ),
                None => return err("indefinite nint"),
            },
            MAJOR_BYTES => Value::String(hex::encode(self.string_bytes(MAJOR_BYTES, info)?)),
            MAJOR_TEXT => {
                let raw = self.string_bytes(MAJOR_TEXT, info)?;
                Value::String(
                    String::from_utf8(raw).map_err(|_| DecodeError("invalid utf-8".into()))?,
                )
            }
            MAJOR_ARRAY => {
                let mut a = Vec::new();
                match self.arg(info)? {
                    Some(n) => {
                        let n = self.len(n)?;
                        a.reserve(n);
                        for _ in 0..n {
                            a.push(self.value(depth + 1)?);
                        }
                    }
                    None => {
                        while let Item::Value(v) = self.item(depth + 1)? {
                            a.push(v);
                        }
                    }
                }
                Value::Array(a)
            }
            MAJOR_MAP => {
                let mut m = Map::new();
                match self.arg(info)? {
                    Some(n) => {
                        let n = self.len(n)?;
                        for _ in 0..n {
                            let k = self.key(depth + 1)?;
                            let v = self.value(depth + 1)?;
                            m.insert(k, v);
                        }
                    }
                    None => loop {
                        match self.item(depth + 1)? {
                            Item::Break => break,
                            Item::Value(k) => {
                                let k = key_string(k)?;
                                let v = self.value(depth + 1)?;
                                m.insert(k, v);
                            }
                        }
                    },
                }
                Value::Object(m)
            }
            MAJOR_TAG => {
                if self.arg(info)?.is_none() {
                    return err("indefinite tag");
                }
                self.value(depth + 1)?
            }
            MAJOR_SIMPLE => self.simple(info)?,
            _ => unreachable!("a major type has three bits"),
        };
        Ok(Item::Value(v))
    }

    fn key(&mut self, depth: usize) -> Result<String, DecodeError> {
        let k = self.value(depth)?;
        key_string(k)
    }

    fn string_bytes(&mut self, major: u8, info: u8) -> Result<Vec<u8>, DecodeError> {
        match self.arg(info)? {
            Some(n) => {
                let n = self.len(n)?;
                Ok(self.take(n)?.to_vec())
            }
            None => {
                let mut out = Vec::new();
                loop {
                    let b = self.byte()?;
                    if b == BREAK {
                        return Ok(out);
                    }
                    if b >> 5 != major {
                        return err("indefinite string chunk of another type");
                    }
                    match self.arg(b & 0x1f)? {
                        Some(n) => {
                            let n = self.len(n)?;
                            out.extend_from_slice(self.take(n)?);
                        }
                        None => return err("nested indefinite string"),
                    }
                }
            }
        }
    }

    fn simple(&mut self, info: u8) -> Result<Value, DecodeError> {
        let f = match info {
            20 => return Ok(Value::Bool(false)),
            21 => return Ok(Value::Bool(true)),
            22 | 23 => return Ok(Value::Null),
            24 => {
                self.byte()?;
                return Ok(Value::Null);
            }
            25 => half_to_f64(u16::from_be_bytes(self.take(2)?.try_into().unwrap())),
            26 => f32::from_be_bytes(self.take(4)?.try_into().unwrap()) as f64,
            27 => f64::from_be_bytes(self.take(8)?.try_into().unwrap()),
            0..=19 => return Ok(Value::Null),
            _ => return err(format!("reserved simple value {info}")),
        };
        // JSON has no NaN or infinities; those never carry an ID the bench needs.
        Ok(Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null))
    }
}

fn key_string(k: Value) -> Result<String, DecodeError> {
    match k {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => err("unsupported map key"),
    }
}

fn half_to_f64(h: u16) -> f64 {
    let exp = ((h >> 10) & 0x1f) as i32;
    let mant = (h & 0x3ff) as f64;
    let mag = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mant + 1024.0) * 2f64.powi(exp - 25),
    };
    if h & 0x8000 != 0 {
        -mag
    } else {
        mag
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hx(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn encodes_rfc8949_appendix_a_scalars() {
        assert_eq!(encode(&json!(0)), hx("00"));
        assert_eq!(encode(&json!(23)), hx("17"));
        assert_eq!(encode(&json!(24)), hx("1818"));
        assert_eq!(encode(&json!(1000)), hx("1903e8"));
        assert_eq!(encode(&json!(1000000)), hx("1a000f4240"));
        assert_eq!(encode(&json!(1000000000000u64)), hx("1b000000e8d4a51000"));
        assert_eq!(encode(&json!(-1)), hx("20"));
        assert_eq!(encode(&json!(-1000)), hx("3903e7"));
        assert_eq!(encode(&json!(1.1)), hx("fb3ff199999999999a"));
        assert_eq!(encode(&json!("")), hx("60"));
        assert_eq!(encode(&json!("IETF")), hx("6449455446"));
        assert_eq!(encode(&json!(true)), hx("f5"));
        assert_eq!(encode(&json!(null)), hx("f6"));
        assert_eq!(encode(&json!([1, [2, 3]])), hx("8201820203"));
    }

    #[test]
    fn encodes_request_map() {
        // serde_json keeps keys sorted, so the byte layout is deterministic.
        let v = json!({"virtualInterfaceId": "dxvif-abc", "vlan": 300});
        let mut want = vec![0xa2, 0x72];
        want.extend_from_slice(b"virtualInterfaceId");
        want.push(0x69);
        want.extend_from_slice(b"dxvif-abc");
        want.push(0x64);
        want.extend_from_slice(b"vlan");
        want.extend_from_slice(&[0x19, 0x01, 0x2c]);
        assert_eq!(encode(&v), want);
    }

    #[test]
    fn round_trips_nested_request() {
        let v = json!({
            "connectionId": "dxcon-ffabc123",
            "ownerAccount": "222222222222",
            "newPrivateVirtualInterfaceAllocation": {
                "virtualInterfaceName": "b",
                "vlan": 4094,
                "asn": 65000,
                "mtu": -5,
                "flag": false,
                "list": ["a", {"b": null}],
            }
        });
        assert_eq!(decode(&encode(&v)).unwrap(), v);
    }

    #[test]
    fn decodes_rfc8949_appendix_a_forms() {
        assert_eq!(decode(&hx("f93c00")).unwrap(), json!(1.0));
        assert_eq!(decode(&hx("f9c400")).unwrap(), json!(-4.0));
        assert_eq!(decode(&hx("f90001")).unwrap(), json!(5.960464477539063e-8));
        assert_eq!(decode(&hx("fa47c35000")).unwrap(), json!(100000.0));
        assert_eq!(
            decode(&hx("3bffffffffffffffff")).unwrap(),
            json!(-18446744073709551616.0)
        );
        // Tag 1 (epoch time) is dropped; the number stays.
        assert_eq!(decode(&hx("c11a514b67b0")).unwrap(), json!(1363896240));
        assert_eq!(decode(&hx("4401020304")).unwrap(), json!("01020304"));
        assert_eq!(
            decode(&hx("7f657374726561646d696e67ff")).unwrap(),
            json!("streaming")
        );
        assert_eq!(
            decode(&hx("9f018202039f0405ffff")).unwrap(),
            json!([1, [2, 3], [4, 5]])
        );
        assert_eq!(
            decode(&hx("bf61610161629f0203ffff")).unwrap(),
            json!({"a": 1, "b": [2, 3]})
        );
        assert_eq!(decode(&hx("a201020304")).unwrap(), json!({"1": 2, "3": 4}));
    }

    #[test]
    fn rejects_malformed_input() {
        assert!(decode(&hx("")).is_err());
        assert!(decode(&hx("62")).is_err());
        assert!(decode(&hx("a1")).is_err());
        assert!(decode(&hx("ff")).is_err());
        assert!(decode(&hx("0000")).is_err());
        assert!(decode(&hx("9bffffffffffffffff")).is_err());
        assert!(decode(&hx("7f01ff")).is_err());
        assert!(decode(&[0x81; 200]).is_err());
    }
}
