/// A decoded request body, independent of the protocol it arrived in.
///
/// JSON and CBOR codecs both produce this tree; the generated decoders turn
/// it into typed inputs. Protocol-specific encodings survive as variants:
/// CBOR byte strings stay [`Value::Bytes`] (JSON carries blobs as base64
/// [`Value::Str`]) and CBOR tags stay [`Value::Tag`] (tag 1 = epoch time).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Any integer that fits in i64 (JSON number without fraction/exponent,
    /// CBOR major types 0 and 1).
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    /// Keys in arrival order; duplicate keys keep the last value on lookup.
    Map(Vec<(String, Value)>),
    Tag(u64, Box<Value>),
}

impl Value {
    /// Short name of the variant, for "expected X, got Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Bytes(_) => "byte string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Tag(..) => "tagged value",
        }
    }

    pub fn empty_map() -> Value {
        Value::Map(Vec::new())
    }
}
