//! Engine snapshots: the whole engine (state, timers, EC2 state, the ID
//! generator's position, clock, resets, last wall time, configuration) as
//! one compact binary value, so that a restart loads the state instead of
//! replaying every call that built it.
//!
//! A snapshot is only ever read by a build with the same `LAYOUT`: the
//! encoding (bincode) follows the Rust types field by field, so any change
//! to a stored type must bump `LAYOUT`, and a snapshot of another layout is
//! refused rather than misread. Whoever keeps snapshots (the server) keeps
//! the calls needed to rebuild the state without one where that matters.

use crate::clock::Clock;
use crate::config::EngineConfig;
use crate::ec2::Ec2State;
use crate::ids::IdGen;
use crate::state::State;
use crate::timers::Timers;
use crate::Engine;
use bincode::Options;
use serde::{Deserialize, Deserializer, Serialize};

/// What a snapshot starts with.
const MAGIC: &[u8; 8] = b"dxlsnap\0";

/// Version of the encoded engine types. Bump it whenever a type stored in
/// the engine changes shape (a field added, removed, reordered or retyped,
/// an enum variant added anywhere but at the end).
pub const LAYOUT: u32 = 1;

fn options() -> impl Options {
    // Variable-length integers: lengths and small numbers take a byte or
    // two instead of eight. No limit: the input is our own file.
    bincode::DefaultOptions::new()
}

/// The engine but its two large parts (the resources and the IDs issued),
/// which are encoded as sections of their own: a large state then encodes
/// and decodes on two threads at once.
#[derive(Serialize)]
struct RestRef<'a> {
    config: &'a EngineConfig,
    clock: &'a Clock,
    timers: &'a Timers,
    ec2: &'a Ec2State,
    resets: u64,
    last_wall: f64,
}

#[derive(Deserialize)]
struct Rest {
    config: EngineConfig,
    clock: Clock,
    timers: Timers,
    ec2: Ec2State,
    resets: u64,
    last_wall: f64,
}

/// Encodes in one pass (bincode's `serialize` would first walk the value
/// once more just to size its buffer).
fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    options()
        .serialize_into(&mut out, value)
        .expect("the engine's types always encode");
    out
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    options()
        .deserialize(bytes)
        .map_err(|e| format!("the snapshot is damaged: {e}"))
}

/// Splits off a section: its length (8 bytes, little-endian), then it.
fn section(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let (len, rest) = bytes
        .split_first_chunk::<8>()
        .ok_or("the snapshot is truncated")?;
    let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| "the snapshot is damaged")?;
    if len > rest.len() {
        return Err("the snapshot is truncated".into());
    }
    Ok(rest.split_at(len))
}

impl Engine {
    /// The engine as bytes: magic, layout, then three length-prefixed
    /// sections (the rest, the IDs issued, the resources).
    pub fn snapshot(&self) -> Vec<u8> {
        let rest = RestRef {
            config: &self.config,
            clock: &self.clock,
            timers: &self.timers,
            ec2: &self.ec2,
            resets: self.resets,
            last_wall: self.last_wall,
        };
        let (rest, ids, state) = std::thread::scope(|s| {
            let state = s.spawn(|| encode(&self.state));
            let (rest, ids) = (encode(&rest), encode(&self.ids));
            (rest, ids, state.join().expect("encoding never panics"))
        });
        let mut out = Vec::with_capacity(12 + 24 + rest.len() + ids.len() + state.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&LAYOUT.to_le_bytes());
        for part in [&rest, &ids, &state] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
        out
    }

    /// Rebuilds an engine from [`Engine::snapshot`]'s bytes.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Engine, String> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a dxlocal engine snapshot")?;
        let (layout, body) = body
            .split_first_chunk::<4>()
            .ok_or("the snapshot is truncated")?;
        let layout = u32::from_le_bytes(*layout);
        if layout != LAYOUT {
            return Err(format!(
                "the snapshot has engine layout {layout}; this dxlocal reads layout {LAYOUT}"
            ));
        }
        let (rest, body) = section(body)?;
        let (ids, body) = section(body)?;
        let (state, body) = section(body)?;
        if !body.is_empty() {
            return Err("the snapshot is damaged: bytes after its end".into());
        }
        let (rest, ids, state) = std::thread::scope(|s| {
            let state = s.spawn(|| decode::<State>(state));
            let rest = decode::<Rest>(rest);
            let ids = decode::<IdGen>(ids);
            (rest, ids, state.join().expect("decoding never panics"))
        });
        let (rest, ids, mut state) = (rest?, ids?, state?);
        state.index_live_attachments();
        let mut events = crate::events::EventLog::default();
        events.prime_lags(&state);
        Ok(Engine {
            config: rest.config,
            clock: rest.clock,
            ids,
            state,
            timers: rest.timers,
            ec2: rest.ec2,
            resets: rest.resets,
            last_wall: rest.last_wall,
            // The event log is the running server's, not part of the state.
            events,
        })
    }
}

/// A large map (the VIFs) encoded in parts that encode and decode on
/// threads of their own; decoding then fills a table sized once (serde's
/// own map decoding grows it step by step, rehashing every key again).
/// Used as `#[serde(with = "crate::snapshot::split_map")]`.
pub(crate) mod split_map {
    use super::options;
    use crate::hashing::HashMap;
    use bincode::Options;
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::hash::Hash;

    /// Parts per map: enough to keep a few cores busy.
    const PARTS: usize = 4;

    /// One encoded part, written as a plain byte string.
    struct Blob(Vec<u8>);

    impl Serialize for Blob {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    pub fn serialize<S, K, V>(map: &HashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize + Sync,
        V: Serialize + Sync,
    {
        let entries: Vec<(&K, &V)> = map.iter().collect();
        let size = entries.len().div_ceil(PARTS).max(1);
        let blobs: Result<Vec<Blob>, String> = std::thread::scope(|scope| {
            let parts: Vec<_> = entries
                .chunks(size)
                .map(|part| {
                    scope.spawn(move || {
                        let mut out = Vec::new();
                        options().serialize_into(&mut out, part).map(|()| out)
                    })
                })
                .collect();
            parts
                .into_iter()
                .map(|p| {
                    p.join()
                        .expect("encoding never panics")
                        .map(Blob)
                        .map_err(|e| e.to_string())
                })
                .collect()
        });
        blobs.map_err(S::Error::custom)?.serialize(s)
    }

    pub fn deserialize<'de, D, K, V>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: DeserializeOwned + Eq + Hash + Send,
        V: DeserializeOwned + Send,
    {
        let blobs: Vec<&'de [u8]> = Vec::deserialize(d)?;
        let parts: Result<Vec<Vec<(K, V)>>, String> = std::thread::scope(|scope| {
            let parts: Vec<_> = blobs
                .iter()
                .map(|blob| scope.spawn(move || options().deserialize::<Vec<(K, V)>>(blob)))
                .collect();
            parts
                .into_iter()
                .map(|p| {
                    p.join()
                        .expect("decoding never panics")
                        .map_err(|e| e.to_string())
                })
                .collect()
        });
        let parts = parts.map_err(D::Error::custom)?;
        let mut map =
            HashMap::with_capacity_and_hasher(parts.iter().map(Vec::len).sum(), Default::default());
        for part in parts {
            map.extend(part);
        }
        Ok(map)
    }
}

/// [`split_map`] for a [`Tracked`](crate::tracked::Tracked) record map.
pub(crate) mod split_tracked {
    use crate::tracked::Tracked;
    use serde::de::DeserializeOwned;
    use serde::{Deserializer, Serialize, Serializer};

    pub fn serialize<S, V>(map: &Tracked<V>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        V: Serialize + Sync,
    {
        super::split_map::serialize(&**map, s)
    }

    pub fn deserialize<'de, D, V>(d: D) -> Result<Tracked<V>, D::Error>
    where
        D: Deserializer<'de>,
        V: DeserializeOwned + Send,
    {
        super::split_map::deserialize(d).map(Tracked::from_map)
    }
}

/// Reads a `&'static str` field (one of a few fixed status words) of a
/// snapshot record: serde cannot borrow `'static` text from the input, so
/// the word is read as owned text and exchanged for the static one.
/// Writing needs nothing special: such a field is written as any string.
pub(crate) fn static_word_field<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    String::deserialize(d).map(static_word)
}

/// The static word equal to `text`.
fn static_word(text: String) -> &'static str {
    /// Every word such a field holds.
    const KNOWN: &[&str] = &[
        "associated",
        "disassociated",
        "in-progress",
        "completed",
        "cancelled",
    ];
    match KNOWN.iter().find(|k| **k == text) {
        Some(k) => k,
        // A word added without listing it here is still read correctly,
        // at the cost of a few leaked bytes.
        None => Box::leak(text.into_boxed_str()),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Caller, Engine, EngineConfig};
    use dxlocal_model::{CreateConnectionRequest, Input};

    fn engine() -> Engine {
        Engine::new(
            EngineConfig {
                seed: Some(3),
                ..EngineConfig::default()
            },
            1_000.0,
        )
    }

    fn create(e: &mut Engine, name: &str, wall: f64) -> String {
        let input = Input::CreateConnection(CreateConnectionRequest {
            location: "EqDC2".into(),
            bandwidth: "1Gbps".into(),
            connection_name: name.into(),
            ..Default::default()
        });
        let out = e
            .execute(&Caller::new("111111111111", "us-east-1"), input, wall)
            .expect("creates");
        format!("{out:?}")
    }

    #[test]
    fn a_restored_engine_goes_on_exactly_like_the_original() {
        let mut a = engine();
        for n in 0..5 {
            create(&mut a, &format!("c{n}"), 1_000.0 + f64::from(n));
        }
        let mut b = Engine::from_snapshot(&a.snapshot()).unwrap();
        // Same next IDs, same answers, same timers.
        for n in 5..8 {
            let wall = 1_000.0 + f64::from(n);
            assert_eq!(
                create(&mut a, &format!("c{n}"), wall),
                create(&mut b, &format!("c{n}"), wall)
            );
        }
        assert_eq!(a.pending_transitions(), b.pending_transitions());
    }

    /// Records with fixed status words (`&'static str`) come back holding
    /// the same words.
    #[test]
    fn status_words_survive_a_snapshot() {
        use crate::state::{FailoverTest, MacSecKey};
        let mut a = engine();
        create(&mut a, "c", 1_000.0);
        let key = MacSecKey {
            secret_arn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:k".into(),
            ckn: "0".repeat(64),
            state: "associated",
            start_on: "now".into(),
        };
        let id = a.state.connections.keys().next().unwrap().clone();
        a.state
            .connections
            .get_mut(&id)
            .unwrap()
            .macsec_keys
            .push(key.clone());
        let test = FailoverTest {
            id: "t-1".into(),
            vif_id: "dxvif-1".into(),
            owner: "111111111111".into(),
            region: "us-east-1".into(),
            peers: vec!["dxpeer-1".into()],
            status: "in-progress",
            duration_minutes: 60,
            start: 1_000.0,
            end: None,
        };
        a.state.tests.insert(test.id.clone(), test.clone());
        let b = Engine::from_snapshot(&a.snapshot()).unwrap();
        assert_eq!(b.state.connections[&id].macsec_keys, [key]);
        assert_eq!(format!("{:?}", b.state.tests["t-1"]), format!("{test:?}"));
    }

    #[test]
    fn foreign_bytes_are_refused() {
        assert!(Engine::from_snapshot(b"hello").is_err());
        let mut bytes = engine().snapshot();
        bytes[8] ^= 0xff;
        let err = Engine::from_snapshot(&bytes).err().unwrap();
        assert!(err.contains("layout"), "{err}");
        let mut bytes = engine().snapshot();
        bytes.truncate(bytes.len() - 1);
        assert!(Engine::from_snapshot(&bytes).is_err());
    }
}
