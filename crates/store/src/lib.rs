//! Durability for dxlocal: an append-only journal of the calls that may
//! change state, in an SQLite database (WAL mode) inside the state
//! directory.
//!
//! Why a journal of calls rather than snapshots of resources: the engine is
//! deterministic given its seed, the calls and the times they were made, so
//! replaying the journal rebuilds exactly the state every client was told
//! about, and each write costs one small row instead of a dump of the state.
//!
//! Group commit: callers hand records to one writer thread, which writes
//! every record waiting at that moment in a single transaction and syncs
//! once, then acknowledges them all. Under concurrency the cost of a sync is
//! shared by all the requests in its batch.
//!
//! Architecture invariant: this crate knows rows and bytes, not HTTP or
//! Direct Connect rules; what a record means is the server's business.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

/// The on-disk format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// One journaled call.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `dx`, `ec2` or `admin`.
    pub kind: String,
    /// Operation, EC2 action or admin path.
    pub target: String,
    pub account: String,
    pub region: String,
    /// Wire protocol of a Direct Connect call (`json`/`cbor`); empty otherwise.
    pub protocol: String,
    /// The request body exactly as received.
    pub body: Vec<u8>,
    /// Wall time the engine was given for the call (epoch seconds).
    pub wall: f64,
    /// HTTP status the call was answered with; replay must reproduce it.
    pub status: u16,
}

/// Facts about the state directory that replay depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub seed: u64,
    pub lifecycle: String,
    /// Wall time the engine was created at (a manual clock starts there).
    pub created_wall: f64,
    pub written_by: String,
    /// Engine settings replay depends on besides the above (quotas), as
    /// `name=value` pairs joined by commas; empty for the defaults.
    pub settings: String,
}

#[derive(Debug)]
pub enum StoreError {
    /// The directory was written by a newer dxlocal.
    TooNew {
        found: i64,
        supported: i64,
    },
    /// Not a dxlocal state directory, or damaged beyond recovery.
    Damaged(String),
    Io(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::TooNew { found, supported } => write!(
                f,
                "the state directory uses format version {found}; this dxlocal reads up to {supported} (upgrade dxlocal)"
            ),
            StoreError::Damaged(why) => write!(f, "the state directory is damaged: {why}"),
            StoreError::Io(why) => write!(f, "cannot use the state directory: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(code, _)
                if matches!(
                    code.code,
                    rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
                ) =>
            {
                StoreError::Damaged(e.to_string())
            }
            other => StoreError::Io(other.to_string()),
        }
    }
}

/// What the writer thread is asked to do, in order.
enum Job {
    Append(Record, tokio::sync::oneshot::Sender<Result<(), String>>),
    /// Replace the whole journal (reset, import), atomically.
    Replace(
        Header,
        Vec<Record>,
        tokio::sync::oneshot::Sender<Result<(), String>>,
    ),
}

/// Handle to the journal; cheap to clone, safe to share.
#[derive(Clone)]
pub struct Journal {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
}

/// Resolves when the record it belongs to is on disk.
pub struct Ticket(tokio::sync::oneshot::Receiver<Result<(), String>>);

impl Ticket {
    pub async fn wait(self) -> Result<(), String> {
        self.0
            .await
            .unwrap_or_else(|_| Err("the journal writer stopped".into()))
    }

    /// For callers outside an async runtime.
    pub fn wait_blocking(self) -> Result<(), String> {
        self.0
            .blocking_recv()
            .unwrap_or_else(|_| Err("the journal writer stopped".into()))
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    protocol TEXT NOT NULL,
    body BLOB NOT NULL,
    wall REAL NOT NULL,
    status INTEGER NOT NULL
);
";

fn open_db(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    // WAL + FULL: a commit is on disk when it returns, readers never block it.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn write_header(tx: &rusqlite::Transaction<'_>, h: &Header) -> rusqlite::Result<()> {
    for (k, v) in [
        ("format_version", FORMAT_VERSION.to_string()),
        ("seed", h.seed.to_string()),
        ("lifecycle", h.lifecycle.clone()),
        ("created_wall", h.created_wall.to_string()),
        ("written_by", h.written_by.clone()),
        ("settings", h.settings.clone()),
    ] {
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }
    Ok(())
}

fn insert(tx: &rusqlite::Transaction<'_>, r: &Record) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO journal (kind, target, account, region, protocol, body, wall, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![r.kind, r.target, r.account, r.region, r.protocol, r.body, r.wall, r.status],
    )?;
    Ok(())
}

impl Journal {
    /// Opens (or creates) the journal in `dir`. Returns the header it holds
    /// (or `fresh` written as the new header) and every record, in order.
    pub fn open(dir: &Path, fresh: Header) -> Result<(Journal, Header, Vec<Record>), StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Io(format!("{}: {e}", dir.display())))?;
        let path = dir.join("dxlocal.sqlite3");
        let mut conn = open_db(&path)?;
        conn.execute_batch(SCHEMA)?;
        let header = match meta(&conn, "format_version")? {
            None => {
                let tx = conn.transaction()?;
                write_header(&tx, &fresh)?;
                tx.commit()?;
                fresh
            }
            Some(v) => {
                let found: i64 = v
                    .parse()
                    .map_err(|_| StoreError::Damaged(format!("format_version {v:?}")))?;
                if found > FORMAT_VERSION {
                    return Err(StoreError::TooNew {
                        found,
                        supported: FORMAT_VERSION,
                    });
                }
                let get = |k: &str| -> Result<String, StoreError> {
                    meta(&conn, k)?.ok_or_else(|| StoreError::Damaged(format!("missing {k}")))
                };
                Header {
                    seed: get("seed")?
                        .parse()
                        .map_err(|_| StoreError::Damaged("seed".into()))?,
                    lifecycle: get("lifecycle")?,
                    created_wall: get("created_wall")?
                        .parse()
                        .map_err(|_| StoreError::Damaged("created_wall".into()))?,
                    written_by: get("written_by")?,
                    // Absent in directories written before settings existed.
                    settings: meta(&conn, "settings")?.unwrap_or_default(),
                }
            }
        };
        let records = {
            let mut stmt = conn.prepare(
                "SELECT kind, target, account, region, protocol, body, wall, status FROM journal ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Record {
                    kind: r.get(0)?,
                    target: r.get(1)?,
                    account: r.get(2)?,
                    region: r.get(3)?,
                    protocol: r.get(4)?,
                    body: r.get(5)?,
                    wall: r.get(6)?,
                    status: r.get(7)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("dxlocal-journal".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| StoreError::Io(e.to_string()))?;
        Ok((Journal { jobs: tx, path }, header, records))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues a record; the ticket resolves once it is durable. Records are
    /// written in the order `append` was called.
    pub fn append(&self, record: Record) -> Ticket {
        let (done, wait) = tokio::sync::oneshot::channel();
        if let Err(mpsc::SendError(Job::Append(_, done))) =
            self.jobs.send(Job::Append(record, done))
        {
            let _ = done.send(Err("the journal writer stopped".into()));
        }
        Ticket(wait)
    }

    /// Replaces header and journal in one transaction (reset, import).
    pub fn replace(&self, header: Header, records: Vec<Record>) -> Ticket {
        let (done, wait) = tokio::sync::oneshot::channel();
        if let Err(mpsc::SendError(Job::Replace(_, _, done))) =
            self.jobs.send(Job::Replace(header, records, done))
        {
            let _ = done.send(Err("the journal writer stopped".into()));
        }
        Ticket(wait)
    }
}

/// Most records one transaction takes, so one huge burst cannot hold every
/// acknowledgement back for long.
const MAX_BATCH: usize = 1024;

fn writer(mut conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let result = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            for job in &batch {
                match job {
                    Job::Append(r, _) => insert(&tx, r)?,
                    Job::Replace(h, records, _) => {
                        tx.execute("DELETE FROM journal", [])?;
                        write_header(&tx, h)?;
                        for r in records {
                            insert(&tx, r)?;
                        }
                    }
                }
            }
            tx.commit()
        })();
        let outcome = result.map_err(|e| e.to_string());
        for job in batch {
            let done = match job {
                Job::Append(_, d) | Job::Replace(_, _, d) => d,
            };
            let _ = done.send(outcome.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            seed: 7,
            lifecycle: "instant".into(),
            created_wall: 1.5,
            written_by: "test".into(),
            settings: String::new(),
        }
    }

    fn record(n: u8) -> Record {
        Record {
            kind: "dx".into(),
            target: "CreateConnection".into(),
            account: "111111111111".into(),
            region: "us-east-1".into(),
            protocol: "json".into(),
            body: vec![n],
            wall: f64::from(n),
            status: 200,
        }
    }

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("dxlocal-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn records_survive_reopening_in_order() {
        let dir = tempdir("order");
        {
            let (j, h, recs) = Journal::open(&dir, header()).unwrap();
            assert_eq!(h, header());
            assert!(recs.is_empty());
            let tickets: Vec<Ticket> = (0..50).map(|n| j.append(record(n))).collect();
            for t in tickets {
                t.wait_blocking().unwrap();
            }
        }
        let other = Header {
            seed: 99,
            ..header()
        };
        let (_, h, recs) = Journal::open(&dir, other).unwrap();
        assert_eq!(h.seed, 7, "an existing directory keeps its header");
        assert_eq!(recs, (0..50).map(record).collect::<Vec<_>>());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn replace_swaps_everything_at_once() {
        let dir = tempdir("replace");
        let (j, _, _) = Journal::open(&dir, header()).unwrap();
        j.append(record(1)).wait_blocking().unwrap();
        let h2 = Header {
            seed: 8,
            ..header()
        };
        j.replace(h2.clone(), vec![record(5), record(6)])
            .wait_blocking()
            .unwrap();
        drop(j);
        let (_, h, recs) = Journal::open(&dir, header()).unwrap();
        assert_eq!(h, h2);
        assert_eq!(recs, vec![record(5), record(6)]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_newer_format_is_refused_clearly() {
        let dir = tempdir("newer");
        drop(Journal::open(&dir, header()).unwrap());
        let conn = Connection::open(dir.join("dxlocal.sqlite3")).unwrap();
        conn.execute(
            "UPDATE meta SET value = '99' WHERE key = 'format_version'",
            [],
        )
        .unwrap();
        drop(conn);
        match Journal::open(&dir, header()) {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.map(|(_, h, _)| h)),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn garbage_is_reported_as_damage() {
        let dir = tempdir("garbage");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("dxlocal.sqlite3"),
            b"this is not a database, not at all....",
        )
        .unwrap();
        assert!(matches!(
            Journal::open(&dir, header()),
            Err(StoreError::Damaged(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
