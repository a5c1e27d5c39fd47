/// Where generated types write themselves. One implementation per wire
/// protocol (awsJson1_1, RPC v2 CBOR); the model never sees bytes.
///
/// Calls arrive in document order: `begin_map(n)`, then `n` times
/// `key(..)` followed by exactly one value (scalar or nested container),
/// then `end_map()`. Lists likewise with `begin_list(n)` / `end_list()`.
/// `n` is exact, so CBOR can emit definite lengths.
pub trait Encoder {
    fn begin_map(&mut self, len: usize);
    fn key(&mut self, key: &str);
    fn end_map(&mut self);
    fn begin_list(&mut self, len: usize);
    fn end_list(&mut self);
    fn string(&mut self, v: &str);
    fn integer(&mut self, v: i64);
    fn boolean(&mut self, v: bool);
    fn double(&mut self, v: f64);
    /// Seconds since the Unix epoch: a JSON number, or CBOR tag 1.
    fn timestamp(&mut self, epoch_seconds: f64);
    /// Raw bytes: base64 text in JSON, a byte string in CBOR.
    fn blob(&mut self, v: &[u8]);
}

/// A value that can write itself to any [`Encoder`].
pub trait Encode {
    fn encode<E: Encoder>(&self, e: &mut E);
}

impl Encode for String {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.string(self)
    }
}

impl Encode for i32 {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.integer(i64::from(*self))
    }
}

impl Encode for i64 {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.integer(*self)
    }
}

impl Encode for bool {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.boolean(*self)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.begin_list(self.len());
        for item in self {
            item.encode(e);
        }
        e.end_list();
    }
}

/// A point in time as the API carries it: seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Timestamp(pub f64);

impl Encode for Timestamp {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.timestamp(self.0)
    }
}

/// Opaque bytes (the LOA PDF).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Blob(pub Vec<u8>);

impl Encode for Blob {
    fn encode<E: Encoder>(&self, e: &mut E) {
        e.blob(&self.0)
    }
}
