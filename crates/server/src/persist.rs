//! Durable state and scenarios, built on the engine being deterministic:
//! given its seed, the calls that may change state and the wall times they
//! were made at, replaying them rebuilds exactly the state every client saw.
//!
//! - `History` keeps that sequence (in memory always, so any server can
//!   export a scenario; with `--state-dir` also in the SQLite journal,
//!   acknowledged only once it is on disk).
//! - Export writes the sequence as one JSON document; import replays a
//!   document into a fresh engine and swaps it in only if every call
//!   reproduces its recorded status.
//!
//! Failed calls are recorded too: a call that fails half-way may already
//! have drawn from the ID generator, and replay must draw the same numbers.

use std::path::Path;

use dxlocal_engine::{Caller, Engine, EngineConfig, Lifecycle};
use dxlocal_model::{Input, Operation};
use dxlocal_store::{Header, Journal, Record, Ticket};
use serde_json::{json, Value};

use crate::config::lifecycle_name;

/// Operations that change nothing and draw no IDs: never recorded.
pub(crate) fn is_read_only(op: Operation) -> bool {
    let name = op.name();
    let loa = matches!(
        op,
        Operation::DescribeLoa
            | Operation::DescribeConnectionLoa
            | Operation::DescribeInterconnectLoa
    );
    // Reading an LOA stamps `loaIssueTime`, so it is recorded.
    !loa && (name.starts_with("Describe") || name.starts_with("List") || name.starts_with("Get"))
}

pub(crate) fn ec2_is_read_only(action: &str) -> bool {
    action.starts_with("Describe")
}

/// The sequence of state-changing calls, and where it is kept.
pub(crate) struct History {
    pub header: Header,
    pub records: Vec<Record>,
    journal: Option<Journal>,
}

impl History {
    pub fn in_memory(header: Header) -> Self {
        History {
            header,
            records: Vec::new(),
            journal: None,
        }
    }

    /// Records a call. With a journal, the ticket resolves once it is on
    /// disk; the caller answers the client only after that.
    pub fn record(&mut self, record: Record) -> Option<Ticket> {
        if record.kind == "admin" && record.target.ends_with("/reset") {
            return self.compact_for_reset(record);
        }
        let ticket = self.journal.as_ref().map(|j| j.append(record.clone()));
        self.records.push(record);
        ticket
    }

    /// A reset forgets every resource; only the clock and the number of
    /// resets (which seeds the ID generator) survive it. So everything
    /// before it but clock moves and resets can go, which keeps the history
    /// of a long test run (one reset per test) short.
    fn compact_for_reset(&mut self, reset: Record) -> Option<Ticket> {
        // Earlier resets stay too: their count seeds the ID generator.
        self.records.retain(|r| {
            r.kind == "admin"
                && (r.target.ends_with("/clock/advance") || r.target.ends_with("/reset"))
        });
        self.records.push(reset);
        let records = self.records.clone();
        self.journal
            .as_ref()
            .map(|j| j.replace(self.header.clone(), records))
    }

    /// Replaces everything (import), durably when there is a journal.
    pub fn replace(&mut self, header: Header, records: Vec<Record>) -> Option<Ticket> {
        let ticket = self
            .journal
            .as_ref()
            .map(|j| j.replace(header.clone(), records.clone()));
        self.header = header;
        self.records = records;
        ticket
    }

    pub fn is_durable(&self) -> bool {
        self.journal.is_some()
    }
}

pub(crate) fn engine_for(header: &Header) -> Result<Engine, String> {
    let lifecycle: Lifecycle = header.lifecycle.parse()?;
    let mut config = EngineConfig {
        lifecycle,
        seed: Some(header.seed),
        ..EngineConfig::default()
    };
    for (name, value) in parse_settings(&header.settings)? {
        config.quotas.set(&name, value)?;
    }
    Ok(Engine::new(config, header.created_wall))
}

/// `name=value,name=value` (quota overrides) as recorded in a header.
pub(crate) fn parse_settings(text: &str) -> Result<Vec<(String, usize)>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("quota setting {pair:?} is not NAME=VALUE"))?;
            let value: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("quota {name} needs a whole number, got {value:?}"))?;
            Ok((name.trim().to_string(), value))
        })
        .collect()
}

pub(crate) fn new_header(
    lifecycle: Lifecycle,
    seed: Option<u64>,
    wall: f64,
    settings: &str,
) -> Header {
    Header {
        // Always a concrete seed: replay needs the same IDs.
        seed: seed.unwrap_or_else(rand_seed),
        lifecycle: lifecycle_name(lifecycle).to_string(),
        created_wall: wall,
        written_by: format!("dxlocal {}", env!("CARGO_PKG_VERSION")),
        settings: settings.to_string(),
    }
}

fn rand_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Opens `dir` (creating it on first use) and rebuilds the engine from its
/// journal. A state directory keeps its own seed and lifecycle.
pub(crate) fn open_state_dir(dir: &Path, fresh: Header) -> Result<(Engine, History), String> {
    let (journal, header, records) = Journal::open(dir, fresh).map_err(|e| e.to_string())?;
    let mut engine = engine_for(&header)?;
    replay(&mut engine, &records).map_err(|e| {
        format!(
            "cannot rebuild the state in {}: {e} (written by {})",
            dir.display(),
            header.written_by
        )
    })?;
    Ok((
        engine,
        History {
            header,
            records,
            journal: Some(journal),
        },
    ))
}

/// Applies recorded calls in order, checking each answers as it did.
pub(crate) fn replay(engine: &mut Engine, records: &[Record]) -> Result<(), String> {
    // Nobody watches a replay: its state changes are history already.
    engine.set_recording(false);
    let replayed = replay_records(engine, records);
    engine.set_recording(true);
    replayed
}

fn replay_records(engine: &mut Engine, records: &[Record]) -> Result<(), String> {
    for (n, r) in records.iter().enumerate() {
        let status = apply(engine, r).map_err(|e| format!("record {}: {e}", n + 1))?;
        if status != r.status {
            return Err(format!(
                "record {} ({} {}) answered {status} on replay, {} originally",
                n + 1,
                r.kind,
                r.target,
                r.status
            ));
        }
    }
    Ok(())
}

/// Runs one recorded call against the engine; returns the status it gets.
fn apply(engine: &mut Engine, r: &Record) -> Result<u16, String> {
    let caller = Caller::new(r.account.as_str(), r.region.as_str());
    match r.kind.as_str() {
        "dx" => {
            let op = Operation::from_name(&r.target)
                .ok_or_else(|| format!("unknown operation {}", r.target))?;
            let value = match r.protocol.as_str() {
                _ if r.body.iter().all(u8::is_ascii_whitespace) => {
                    dxlocal_model::Value::empty_map()
                }
                "cbor" => dxlocal_wire::cbor::parse(&r.body).map_err(|e| e.to_string())?,
                _ => dxlocal_wire::json::parse(&r.body).map_err(|e| e.to_string())?,
            };
            let input = Input::decode(op, &value).map_err(|e| e.message())?;
            Ok(match engine.execute(&caller, input, r.wall) {
                Ok(_) => 200,
                Err(e) => e.status,
            })
        }
        "ec2" => {
            let query = dxlocal_wire::query::parse_form(&r.body, None).map_err(|e| e.message)?;
            let request = dxlocal_wire::query::ec2::decode(&query).map_err(|e| e.message)?;
            Ok(match engine.execute_ec2(&caller, request, r.wall) {
                Ok(_) => 200,
                Err(e) => e.status,
            })
        }
        "admin" => Ok(
            match crate::admin::mutate(engine, &r.target, &r.body, r.wall) {
                Ok(_) => 200,
                Err((status, _, _)) => status,
            },
        ),
        other => Err(format!("unknown record kind {other}")),
    }
}

/// The scenario document: format, header, and every recorded call.
pub(crate) fn export(history: &History) -> Value {
    use base64_text as b64;
    json!({
        "format": "dxlocal-state",
        "version": dxlocal_store::FORMAT_VERSION,
        "seed": history.header.seed.to_string(),
        "lifecycle": history.header.lifecycle,
        "createdWall": history.header.created_wall,
        "writtenBy": history.header.written_by,
        "settings": history.header.settings,
        "calls": history.records.iter().map(|r| json!({
            "kind": r.kind,
            "target": r.target,
            "account": r.account,
            "region": r.region,
            "protocol": r.protocol,
            "body": b64::encode(&r.body),
            "wall": r.wall,
            "status": r.status,
        })).collect::<Vec<_>>(),
    })
}

/// Reads a scenario document back (nothing is applied yet).
pub(crate) fn parse_document(bytes: &[u8]) -> Result<(Header, Vec<Record>), String> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    if doc["format"] != "dxlocal-state" {
        return Err("not a dxlocal state document (\"format\" is not \"dxlocal-state\")".into());
    }
    let version = doc["version"].as_i64().ok_or("missing \"version\"")?;
    if version > dxlocal_store::FORMAT_VERSION {
        return Err(format!(
            "the document has format version {version}; this dxlocal reads up to {}",
            dxlocal_store::FORMAT_VERSION
        ));
    }
    let text = |v: &Value, k: &str| {
        v[k].as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("missing \"{k}\""))
    };
    let header = Header {
        seed: text(&doc, "seed")?
            .parse()
            .map_err(|_| "\"seed\" is not a number")?,
        lifecycle: text(&doc, "lifecycle")?,
        created_wall: doc["createdWall"]
            .as_f64()
            .ok_or("missing \"createdWall\"")?,
        written_by: text(&doc, "writtenBy")?,
        settings: doc["settings"].as_str().unwrap_or_default().to_string(),
    };
    let calls = doc["calls"].as_array().ok_or("missing \"calls\"")?;
    let mut records = Vec::with_capacity(calls.len());
    for c in calls {
        records.push(Record {
            kind: text(c, "kind")?,
            target: text(c, "target")?,
            account: text(c, "account")?,
            region: text(c, "region")?,
            protocol: text(c, "protocol")?,
            body: base64_text::decode(&text(c, "body")?).ok_or("a call body is not base64")?,
            wall: c["wall"].as_f64().ok_or("a call lacks \"wall\"")?,
            status: c["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or("a call lacks \"status\"")?,
        });
    }
    Ok((header, records))
}

/// Builds the engine a document describes, without touching the live one.
pub(crate) fn engine_from_document(header: &Header, records: &[Record]) -> Result<Engine, String> {
    let mut engine = engine_for(header)?;
    replay(&mut engine, records)?;
    Ok(engine)
}

/// Standard base64 for call bodies in the document.
mod base64_text {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Vec<u8>> {
        dxlocal_model::decode::base64_decode(text)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn round_trips() {
            for n in 0..10u8 {
                let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
                assert_eq!(super::decode(&super::encode(&data)).unwrap(), data);
            }
            assert_eq!(super::encode(b"ab"), "YWI=");
        }
    }
}

/// `dxlocal state export --state-dir`: the document of a state directory.
pub fn export_dir(dir: &Path) -> Result<Vec<u8>, String> {
    if !dir.join("dxlocal.sqlite3").exists() {
        return Err(format!("{} holds no dxlocal state", dir.display()));
    }
    let placeholder = new_header(Lifecycle::Instant, None, 0.0, "");
    let (journal, header, records) = Journal::open(dir, placeholder).map_err(|e| e.to_string())?;
    drop(journal);
    let history = History {
        header,
        records,
        journal: None,
    };
    serde_json::to_vec_pretty(&export(&history)).map_err(|e| e.to_string())
}

/// `dxlocal state import --state-dir`: replaces a state directory with a
/// document, after checking that the document replays.
pub fn import_dir(dir: &Path, document: &[u8]) -> Result<usize, String> {
    let (header, records) = parse_document(document)?;
    engine_from_document(&header, &records)?;
    let (journal, _, _) = Journal::open(dir, header.clone()).map_err(|e| e.to_string())?;
    let n = records.len();
    journal.replace(header, records).wait_blocking()?;
    Ok(n)
}
