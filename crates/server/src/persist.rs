//! Durable state and scenarios, built on the engine being deterministic:
//! given its seed, the calls that may change state and the wall times they
//! were made at, replaying them rebuilds exactly the state every client saw.
//!
//! - `History` keeps that sequence: in memory while it is short, so any
//!   server can export it as a scenario of calls; with `--state-dir` also
//!   in the SQLite journal, acknowledged only once it is on disk.
//! - A long history is folded into a snapshot of the engine (every
//!   `--snapshot-every` calls): with a state directory the snapshot is
//!   written beside the journal and replaces the calls before it, so a
//!   restart loads it and replays only the calls after; in memory nothing
//!   is kept at all, since export can snapshot the live engine.
//! - Export writes one JSON document: version 1 lists every call (while
//!   the history is whole), version 2 carries a snapshot and the calls
//!   after it. Import replays a document into a fresh engine and swaps it
//!   in only if every call reproduces its recorded status.
//!
//! Failed calls are recorded too: a call that fails half-way may already
//! have drawn from the ID generator, and replay must draw the same numbers.

use std::path::Path;

use dxlocal_engine::{Caller, Engine, EngineConfig, Lifecycle};
use dxlocal_model::{Input, Operation};
use dxlocal_store::{Header, Journal, Opened, Record, Ticket};
use serde_json::{json, Value};

use crate::config::lifecycle_name;

/// Document version of a whole history of calls.
const CALLS_DOCUMENT: i64 = 1;
/// Document version of a snapshot plus the calls after it.
const SNAPSHOT_DOCUMENT: i64 = 2;

/// A clean shutdown snapshots a durable state whose journal holds at least
/// this many calls past the latest snapshot (or `--snapshot-every`, if
/// smaller): below it replay is quick anyway, and the journal stays a
/// readable list of calls.
const SHUTDOWN_SNAPSHOT_MIN: usize = 1000;

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
    dxlocal_model::ec2::action_is_read_only(action)
}

/// The sequence of state-changing calls, and where it is kept.
pub(crate) struct History {
    pub header: Header,
    /// Every call since the engine was created, while the history is
    /// whole; `None` once it was folded into a snapshot.
    calls: Option<Vec<Record>>,
    journal: Option<Journal>,
    /// Calls recorded since the latest snapshot (or since the start).
    since_snapshot: usize,
    /// `--snapshot-every`; 0 never folds.
    snapshot_every: usize,
}

impl History {
    pub fn in_memory(header: Header, snapshot_every: usize) -> Self {
        History {
            header,
            calls: Some(Vec::new()),
            journal: None,
            since_snapshot: 0,
            snapshot_every,
        }
    }

    /// Records a call that `engine` (locked by the caller) just ran. With a
    /// journal, the ticket resolves once the call is on disk; the caller
    /// answers the client only after that.
    pub fn record(&mut self, record: Record, engine: &Engine) -> Option<Ticket> {
        if record.kind == "admin" && record.target.ends_with("/reset") {
            return self.record_reset(record, engine);
        }
        let ticket = match (&self.journal, &mut self.calls) {
            (Some(j), Some(calls)) => {
                calls.push(record.clone());
                Some(j.append(record))
            }
            (Some(j), None) => Some(j.append(record)),
            (None, Some(calls)) => {
                calls.push(record);
                None
            }
            (None, None) => None,
        };
        self.since_snapshot += 1;
        if self.snapshot_every > 0 && self.since_snapshot >= self.snapshot_every {
            self.fold(engine);
        }
        ticket
    }

    /// Folds the history into a snapshot of `engine`. In memory that just
    /// forgets the calls; with a journal the snapshot is written in the
    /// background and the journal keeps every call until it is durable.
    fn fold(&mut self, engine: &Engine) {
        if let Some(j) = &self.journal {
            if j.snapshot_in_flight() {
                // The next call tries again.
                return;
            }
            // The engine is encoded under its lock (it must not change
            // meanwhile); writing the bytes happens off it.
            drop(j.snapshot(engine.snapshot()));
        }
        self.calls = None;
        self.since_snapshot = 0;
    }

    /// A reset forgets every resource; only the clock and the number of
    /// resets (which seeds the ID generator) survive it. A whole history
    /// keeps just the clock moves and resets before it, which keeps the
    /// history of a long test run (one reset per test) short; a folded one
    /// starts again from a snapshot of the (now nearly empty) engine.
    fn record_reset(&mut self, reset: Record, engine: &Engine) -> Option<Ticket> {
        let Some(calls) = &mut self.calls else {
            self.since_snapshot = 0;
            let snapshot = engine.snapshot();
            return self
                .journal
                .as_ref()
                .map(|j| j.replace(self.header.clone(), Some(snapshot), Vec::new()));
        };
        // Earlier resets stay too: their count seeds the ID generator.
        calls.retain(|r| {
            r.kind == "admin"
                && (r.target.ends_with("/clock/advance") || r.target.ends_with("/reset"))
        });
        calls.push(reset);
        self.since_snapshot = calls.len();
        let calls = calls.clone();
        self.journal
            .as_ref()
            .map(|j| j.replace(self.header.clone(), None, calls))
    }

    /// Replaces everything with an imported document, durably when there
    /// is a journal.
    pub fn replace(&mut self, doc: Document) -> Option<Ticket> {
        let ticket = self.journal.as_ref().map(|j| {
            j.replace(
                doc.header.clone(),
                doc.snapshot.clone(),
                doc.records.clone(),
            )
        });
        self.header = doc.header;
        self.since_snapshot = doc.records.len();
        self.calls = match doc.snapshot {
            None => Some(doc.records),
            Some(_) => None,
        };
        ticket
    }

    pub fn is_durable(&self) -> bool {
        self.journal.is_some()
    }

    /// On a clean shutdown: a snapshot if the journal has grown enough
    /// since the latest one, so the next start need not replay it. `None`
    /// when there is nothing worth doing (or a snapshot is still being
    /// written: the caller waits for it first).
    pub fn shutdown_snapshot(&mut self, engine: &Engine) -> Option<Ticket> {
        let j = self.journal.as_ref()?;
        let min = SHUTDOWN_SNAPSHOT_MIN.min(self.snapshot_every);
        if self.snapshot_every == 0 || self.since_snapshot < min || j.snapshot_in_flight() {
            return None;
        }
        self.since_snapshot = 0;
        self.calls = None;
        Some(j.snapshot(engine.snapshot()))
    }

    pub fn snapshot_in_flight(&self) -> bool {
        self.journal
            .as_ref()
            .is_some_and(Journal::snapshot_in_flight)
    }
}

/// Writes a final snapshot when the server stops (see
/// [`History::shutdown_snapshot`]), after any snapshot still being written.
pub(crate) async fn snapshot_on_shutdown(app: &crate::app::App) {
    while app.history.lock().snapshot_in_flight() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let ticket = {
        let engine = app.engine.lock();
        let ticket = app.history.lock().shutdown_snapshot(&engine);
        ticket
    };
    if let Some(ticket) = ticket {
        if let Err(e) = ticket.wait().await {
            // Nothing is lost: the journal still holds every call.
            eprintln!("dxlocal: no snapshot written on shutdown: {e}");
        }
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

/// Opens `dir` (creating it on first use) and rebuilds the engine from
/// its snapshot, if any, and the journal after it. A state directory keeps
/// its own seed and lifecycle.
pub(crate) fn open_state_dir(
    dir: &Path,
    fresh: Header,
    snapshot_every: usize,
) -> Result<(Engine, History), String> {
    let Opened {
        journal,
        header,
        snapshot,
        records,
    } = Journal::open(dir, fresh).map_err(|e| e.to_string())?;
    let fail = |e: String| {
        format!(
            "cannot rebuild the state in {}: {e} (written by {})",
            dir.display(),
            header.written_by
        )
    };
    let mut engine = match &snapshot {
        Some(bytes) => Engine::from_snapshot(bytes).map_err(fail)?,
        None => engine_for(&header)?,
    };
    replay(&mut engine, &records).map_err(fail)?;
    let since_snapshot = records.len();
    // A journal already past the snapshot size is folded by the next call.
    let whole = snapshot.is_none() && (snapshot_every == 0 || since_snapshot < snapshot_every);
    Ok((
        engine,
        History {
            header,
            calls: whole.then_some(records),
            journal: Some(journal),
            since_snapshot,
            snapshot_every,
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

/// A scenario document, read or about to be written.
pub(crate) struct Document {
    pub header: Header,
    /// The engine the calls start from (version 2); `None`: a fresh engine
    /// from the header.
    pub snapshot: Option<Vec<u8>>,
    pub records: Vec<Record>,
}

/// The scenario document of the live server: every recorded call while the
/// history is whole, else a snapshot of `engine` (locked by the caller).
pub(crate) fn export(history: &History, engine: &Engine) -> Value {
    match &history.calls {
        Some(calls) => document(&history.header, None, calls),
        None => document(&history.header, Some(&engine.snapshot()), &[]),
    }
}

fn document(header: &Header, snapshot: Option<&[u8]>, calls: &[Record]) -> Value {
    use base64_text as b64;
    let mut doc = json!({
        "format": "dxlocal-state",
        "version": if snapshot.is_some() { SNAPSHOT_DOCUMENT } else { CALLS_DOCUMENT },
        "seed": header.seed.to_string(),
        "lifecycle": header.lifecycle,
        "createdWall": header.created_wall,
        "writtenBy": header.written_by,
        "settings": header.settings,
    });
    if let Some(bytes) = snapshot {
        doc["snapshot"] = Value::String(b64::encode(bytes));
    }
    doc["calls"] = calls
        .iter()
        .map(|r| {
            json!({
                "kind": r.kind,
                "target": r.target,
                "account": r.account,
                "region": r.region,
                "protocol": r.protocol,
                "body": b64::encode(&r.body),
                "wall": r.wall,
                "status": r.status,
            })
        })
        .collect();
    doc
}

/// Reads a scenario document back (nothing is applied yet).
pub(crate) fn parse_document(bytes: &[u8]) -> Result<Document, String> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    if doc["format"] != "dxlocal-state" {
        return Err("not a dxlocal state document (\"format\" is not \"dxlocal-state\")".into());
    }
    let version = doc["version"].as_i64().ok_or("missing \"version\"")?;
    if version > SNAPSHOT_DOCUMENT {
        return Err(format!(
            "the document has format version {version}; this dxlocal reads up to {SNAPSHOT_DOCUMENT}"
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
    let snapshot = if version >= SNAPSHOT_DOCUMENT {
        let encoded = text(&doc, "snapshot")?;
        Some(base64_text::decode(&encoded).ok_or("\"snapshot\" is not base64")?)
    } else {
        None
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
    Ok(Document {
        header,
        snapshot,
        records,
    })
}

/// Builds the engine a document describes, without touching the live one.
pub(crate) fn engine_from_document(doc: &Document) -> Result<Engine, String> {
    let mut engine = match &doc.snapshot {
        Some(bytes) => Engine::from_snapshot(bytes)?,
        None => engine_for(&doc.header)?,
    };
    replay(&mut engine, &doc.records)?;
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

/// `dxlocal state export --state-dir`: the document of a state directory:
/// its calls, or its snapshot and the calls after it.
pub fn export_dir(dir: &Path) -> Result<Vec<u8>, String> {
    if !dir.join("dxlocal.sqlite3").exists() {
        return Err(format!("{} holds no dxlocal state", dir.display()));
    }
    let placeholder = new_header(Lifecycle::Instant, None, 0.0, "");
    let opened = Journal::open(dir, placeholder).map_err(|e| e.to_string())?;
    let doc = document(&opened.header, opened.snapshot.as_deref(), &opened.records);
    serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())
}

/// `dxlocal state import --state-dir`: replaces a state directory with a
/// document, after checking that the document replays.
pub fn import_dir(dir: &Path, document: &[u8]) -> Result<usize, String> {
    let doc = parse_document(document)?;
    engine_from_document(&doc)?;
    let journal = Journal::open(dir, doc.header.clone())
        .map_err(|e| e.to_string())?
        .journal;
    let n = doc.records.len();
    journal
        .replace(doc.header, doc.snapshot, doc.records)
        .wait_blocking()?;
    Ok(n)
}
