//! Durability for dxlocal: an append-only journal of the calls that may
//! change state, in an SQLite database (WAL mode) inside the state
//! directory, plus now and then a snapshot file standing for the journal
//! up to some record.
//!
//! Why a journal of calls: the engine is deterministic given its seed, the
//! calls and the times they were made, so replaying the journal rebuilds
//! exactly the state every client was told about, and each write costs one
//! small row instead of a dump of the state. Why snapshots too: replay is
//! linear in the history, so a large state would take long to start. A
//! snapshot (opaque bytes from the server, see `snapshot.rs`) is written
//! beside the journal in the background; once it is durable, one
//! transaction names it and deletes the records it stands for. Start-up
//! reads the named snapshot and the records after it.
//!
//! Records carry a sequence number (`seq`) that only grows while the
//! directory is in use, so "the snapshot for record N" is unambiguous. A
//! reset or import replaces the whole journal; a snapshot taken before it
//! is then stale and refused (each replacement starts a new epoch).
//!
//! Group commit: callers hand records to one writer thread, which writes
//! every record waiting at that moment in a single transaction and syncs
//! once, then acknowledges them all. Under concurrency the cost of a sync is
//! shared by all the requests in its batch.
//!
//! Architecture invariant: this crate knows rows and bytes, not HTTP or
//! Direct Connect rules; what a record means is the server's business.

mod snapshot;

use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;

/// The newest on-disk format this build reads. 1: the journal alone; 2: a
/// snapshot file and the journal after it. A directory is marked 2 only
/// while a snapshot stands for part of its history, so one without stays
/// readable by builds that know only format 1.
pub const FORMAT_VERSION: i64 = 2;
const JOURNAL_ONLY: i64 = 1;

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

type Done = tokio::sync::oneshot::Sender<Result<(), String>>;

/// What the writer thread is asked to do, in order.
enum Job {
    Append(i64, Record, Done),
    /// Replace the whole journal (reset, import), atomically, optionally
    /// starting from a snapshot (its seq and bytes) instead of the header.
    Replace {
        header: Header,
        snapshot: Option<(i64, Vec<u8>)>,
        records: Vec<(i64, Record)>,
        done: Done,
    },
    /// The snapshot file for `seq`, written in `epoch`, is durable: make it
    /// the base and drop the records it stands for.
    Adopt {
        seq: i64,
        epoch: u64,
        done: Done,
    },
}

/// Handle to the journal; cheap to clone, safe to share.
#[derive(Clone)]
pub struct Journal {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
    dir: PathBuf,
    /// The seq the next record gets.
    next_seq: Arc<AtomicI64>,
    /// Replacements asked for so far: a snapshot taken in an older epoch
    /// describes a history that is gone.
    epoch: Arc<AtomicU64>,
    snapshotting: Arc<AtomicBool>,
}

/// What [`Journal::open`] found.
pub struct Opened {
    pub journal: Journal,
    pub header: Header,
    /// The snapshot the records follow, if any.
    pub snapshot: Option<Vec<u8>>,
    /// Every record after the snapshot (or all of them), in order.
    pub records: Vec<Record>,
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

/// Names the snapshot the journal follows (or none), and the format that
/// takes to read.
fn set_base(tx: &rusqlite::Transaction<'_>, snapshot: Option<i64>) -> rusqlite::Result<()> {
    let format = if snapshot.is_some() {
        FORMAT_VERSION
    } else {
        JOURNAL_ONLY
    };
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('format_version', ?1)",
        [format.to_string()],
    )?;
    match snapshot {
        Some(seq) => tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot_seq', ?1)",
            [seq.to_string()],
        )?,
        None => tx.execute("DELETE FROM meta WHERE key = 'snapshot_seq'", [])?,
    };
    Ok(())
}

fn insert(tx: &rusqlite::Transaction<'_>, seq: i64, r: &Record) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO journal (seq, kind, target, account, region, protocol, body, wall, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, r.kind, r.target, r.account, r.region, r.protocol, r.body, r.wall, r.status],
    )?;
    Ok(())
}

impl Journal {
    /// Opens (or creates) the journal in `dir`. Returns the header it holds
    /// (or `fresh` written as the new header), the snapshot it starts from
    /// if any, and every record after it, in order.
    pub fn open(dir: &Path, fresh: Header) -> Result<Opened, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Io(format!("{}: {e}", dir.display())))?;
        let path = dir.join("dxlocal.sqlite3");
        let mut conn = open_db(&path)?;
        conn.execute_batch(SCHEMA)?;
        let header = match meta(&conn, "format_version")? {
            None => {
                let tx = conn.transaction()?;
                write_header(&tx, &fresh)?;
                set_base(&tx, None)?;
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
        let base: Option<i64> = meta(&conn, "snapshot_seq")?
            .map(|v| {
                v.parse()
                    .map_err(|_| StoreError::Damaged(format!("snapshot_seq {v:?}")))
            })
            .transpose()?;
        let snapshot = base
            .map(|seq| {
                snapshot::read(dir, seq).map_err(|e| {
                    StoreError::Damaged(format!("{}: {e}", snapshot::path(dir, seq).display()))
                })
            })
            .transpose()?;
        // Leftovers of snapshots that were never adopted or were replaced.
        snapshot::remove_others(dir, base);
        let after = base.unwrap_or(0);
        let (records, last) = {
            let mut stmt = conn.prepare(
                "SELECT seq, kind, target, account, region, protocol, body, wall, status
                 FROM journal WHERE seq > ?1 ORDER BY seq",
            )?;
            let mut last = after;
            let rows = stmt.query_map([after], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Record {
                        kind: r.get(1)?,
                        target: r.get(2)?,
                        account: r.get(3)?,
                        region: r.get(4)?,
                        protocol: r.get(5)?,
                        body: r.get(6)?,
                        wall: r.get(7)?,
                        status: r.get(8)?,
                    },
                ))
            })?;
            let mut records = Vec::new();
            for row in rows {
                let (seq, record) = row?;
                last = seq;
                records.push(record);
            }
            (records, last)
        };
        let snapshotting = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let writer_state = Writer {
            conn,
            dir: dir.to_path_buf(),
            epoch: 0,
            base,
            snapshotting: snapshotting.clone(),
        };
        thread::Builder::new()
            .name("dxlocal-journal".into())
            .spawn(move || writer_state.run(rx))
            .map_err(|e| StoreError::Io(e.to_string()))?;
        let journal = Journal {
            jobs: tx,
            path,
            dir: dir.to_path_buf(),
            next_seq: Arc::new(AtomicI64::new(last + 1)),
            epoch: Arc::new(AtomicU64::new(0)),
            snapshotting,
        };
        Ok(Opened {
            journal,
            header,
            snapshot,
            records,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The seq of the latest record handed to [`Journal::append`].
    pub fn last_seq(&self) -> i64 {
        self.next_seq.load(Ordering::SeqCst) - 1
    }

    /// Queues a record; the ticket resolves once it is durable. Records are
    /// written in the order `append` was called.
    pub fn append(&self, record: Record) -> Ticket {
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        self.send(|done| Job::Append(seq, record, done))
    }

    /// Replaces header and journal in one transaction (reset, import),
    /// starting from `snapshot` when given. Any snapshot taken before this
    /// call will not be adopted.
    pub fn replace(
        &self,
        header: Header,
        snapshot: Option<Vec<u8>>,
        records: Vec<Record>,
    ) -> Ticket {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        let snapshot = snapshot.map(|bytes| (self.next_seq.fetch_add(1, Ordering::SeqCst), bytes));
        let records = records
            .into_iter()
            .map(|r| (self.next_seq.fetch_add(1, Ordering::SeqCst), r))
            .collect();
        self.send(|done| Job::Replace {
            header,
            snapshot,
            records,
            done,
        })
    }

    /// Whether a snapshot is being written right now.
    pub fn snapshot_in_flight(&self) -> bool {
        self.snapshotting.load(Ordering::SeqCst)
    }

    /// Writes `bytes`, the state after every record appended so far, as a
    /// snapshot on a thread of its own, then adopts it (the records it
    /// stands for are deleted). The ticket resolves once it is adopted, or
    /// with an error if it could not be written or a reset or import came
    /// first. Until then every record stays in the journal, so a crash at
    /// any point loses nothing.
    pub fn snapshot(&self, bytes: Vec<u8>) -> Ticket {
        let seq = self.last_seq();
        let epoch = self.epoch.load(Ordering::SeqCst);
        let (done, wait) = tokio::sync::oneshot::channel();
        self.snapshotting.store(true, Ordering::SeqCst);
        let (dir, jobs, flag) = (
            self.dir.clone(),
            self.jobs.clone(),
            self.snapshotting.clone(),
        );
        let spawned = thread::Builder::new()
            .name("dxlocal-snapshot".into())
            .spawn(move || match snapshot::write(&dir, seq, &bytes) {
                Ok(()) => {
                    drop(bytes);
                    if let Err(mpsc::SendError(Job::Adopt { done, .. })) =
                        jobs.send(Job::Adopt { seq, epoch, done })
                    {
                        flag.store(false, Ordering::SeqCst);
                        let _ = done.send(Err("the journal writer stopped".into()));
                    }
                }
                Err(e) => {
                    flag.store(false, Ordering::SeqCst);
                    let _ = done.send(Err(format!("writing the snapshot: {e}")));
                }
            });
        if let Err(e) = spawned {
            self.snapshotting.store(false, Ordering::SeqCst);
            let (done, wait) = tokio::sync::oneshot::channel();
            let _ = done.send(Err(format!("starting the snapshot writer: {e}")));
            return Ticket(wait);
        }
        Ticket(wait)
    }

    fn send(&self, job: impl FnOnce(Done) -> Job) -> Ticket {
        let (done, wait) = tokio::sync::oneshot::channel();
        if let Err(mpsc::SendError(job)) = self.jobs.send(job(done)) {
            let done = match job {
                Job::Append(_, _, d)
                | Job::Replace { done: d, .. }
                | Job::Adopt { done: d, .. } => d,
            };
            let _ = done.send(Err("the journal writer stopped".into()));
        }
        Ticket(wait)
    }
}

/// Most records one transaction takes, so one huge burst cannot hold every
/// acknowledgement back for long.
const MAX_BATCH: usize = 1024;

/// The writer thread's side: the connection and what it knows of the base.
struct Writer {
    conn: Connection,
    dir: PathBuf,
    /// Replacements processed so far (see [`Journal::epoch`]).
    epoch: u64,
    /// The seq of the adopted snapshot, if any.
    base: Option<i64>,
    snapshotting: Arc<AtomicBool>,
}

impl Writer {
    fn run(mut self, jobs: mpsc::Receiver<Job>) {
        while let Ok(first) = jobs.recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let (mut epoch, mut base) = (self.epoch, self.base);
            let mut outcomes: Vec<Result<(), String>> = Vec::with_capacity(batch.len());
            let dir = self.dir.clone();
            let result = (|| -> rusqlite::Result<()> {
                let tx = self.conn.transaction()?;
                for job in &batch {
                    match job {
                        Job::Append(seq, r, _) => {
                            insert(&tx, *seq, r)?;
                            outcomes.push(Ok(()));
                        }
                        Job::Replace {
                            header,
                            snapshot: snap,
                            records,
                            ..
                        } => {
                            epoch += 1;
                            let mut snap_seq = None;
                            if let Some((seq, bytes)) = snap {
                                // Durable before the database names it.
                                snapshot::write(&dir, *seq, bytes).map_err(|e| {
                                    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
                                })?;
                                snap_seq = Some(*seq);
                            }
                            tx.execute("DELETE FROM journal", [])?;
                            write_header(&tx, header)?;
                            set_base(&tx, snap_seq)?;
                            for (seq, r) in records {
                                insert(&tx, *seq, r)?;
                            }
                            base = snap_seq;
                            outcomes.push(Ok(()));
                        }
                        Job::Adopt { seq, epoch: of, .. } => {
                            let stale = *of != epoch || base.is_some_and(|b| b >= *seq);
                            if stale || !snapshot::path(&dir, *seq).exists() {
                                outcomes.push(Err(
                                    "the snapshot was overtaken by a reset or import".into(),
                                ));
                                continue;
                            }
                            tx.execute("DELETE FROM journal WHERE seq <= ?1", [*seq])?;
                            set_base(&tx, Some(*seq))?;
                            base = Some(*seq);
                            outcomes.push(Ok(()));
                        }
                    }
                }
                tx.commit()
            })();
            let adopting = batch.iter().any(|j| matches!(j, Job::Adopt { .. }));
            let touched_files = batch.iter().any(|j| !matches!(j, Job::Append(..)));
            let failed = result.is_err();
            if !failed {
                self.epoch = epoch;
                self.base = base;
            }
            if touched_files {
                // The snapshot no longer named (or never adopted) goes.
                snapshot::remove_others(&self.dir, self.base);
            }
            if adopting {
                self.snapshotting.store(false, Ordering::SeqCst);
            }
            let error = result.err().map(|e| e.to_string());
            for (i, job) in batch.into_iter().enumerate() {
                let done = match job {
                    Job::Append(_, _, d)
                    | Job::Replace { done: d, .. }
                    | Job::Adopt { done: d, .. } => d,
                };
                let outcome = match &error {
                    Some(e) => Err(e.clone()),
                    None => outcomes.get(i).cloned().unwrap_or(Ok(())),
                };
                let _ = done.send(outcome);
            }
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
            let Opened {
                journal: j,
                header: h,
                records: recs,
                ..
            } = Journal::open(&dir, header()).unwrap();
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
        let o = Journal::open(&dir, other).unwrap();
        assert_eq!(o.header.seed, 7, "an existing directory keeps its header");
        assert_eq!(o.records, (0..50).map(record).collect::<Vec<_>>());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn replace_swaps_everything_at_once() {
        let dir = tempdir("replace");
        let j = Journal::open(&dir, header()).unwrap().journal;
        j.append(record(1)).wait_blocking().unwrap();
        let h2 = Header {
            seed: 8,
            ..header()
        };
        j.replace(h2.clone(), None, vec![record(5), record(6)])
            .wait_blocking()
            .unwrap();
        drop(j);
        let o = Journal::open(&dir, header()).unwrap();
        assert_eq!(o.header, h2);
        assert_eq!(o.records, vec![record(5), record(6)]);
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
            other => panic!("expected TooNew, got {:?}", other.map(|o| o.header)),
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

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("snapshot-"))
            .collect();
        v.sort();
        v
    }

    fn format_of(dir: &Path) -> String {
        let conn = Connection::open(dir.join("dxlocal.sqlite3")).unwrap();
        meta(&conn, "format_version").unwrap().unwrap()
    }

    #[test]
    fn a_snapshot_replaces_the_records_it_stands_for() {
        let dir = tempdir("snapshot");
        {
            let j = Journal::open(&dir, header()).unwrap().journal;
            for n in 0..3 {
                j.append(record(n)).wait_blocking().unwrap();
            }
            assert_eq!(format_of(&dir), "1");
            j.snapshot(b"state after 3".to_vec())
                .wait_blocking()
                .unwrap();
            assert!(!j.snapshot_in_flight());
            assert_eq!(format_of(&dir), "2");
            for n in 3..5 {
                j.append(record(n)).wait_blocking().unwrap();
            }
            // A second snapshot supersedes the first, whose file goes.
            j.snapshot(b"state after 4".to_vec())
                .wait_blocking()
                .unwrap();
            j.append(record(5)).wait_blocking().unwrap();
            assert_eq!(names(&dir), ["snapshot-5.bin"]);
        }
        let o = Journal::open(&dir, header()).unwrap();
        assert_eq!(o.snapshot.as_deref(), Some(&b"state after 4"[..]));
        assert_eq!(o.records, vec![record(5)]);
        // Numbering goes on after the snapshot and the records.
        o.journal.append(record(6)).wait_blocking().unwrap();
        assert_eq!(o.journal.last_seq(), 7);
        drop(o);
        let o = Journal::open(&dir, header()).unwrap();
        assert_eq!(o.records, vec![record(5), record(6)]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_snapshot_overtaken_by_a_replace_is_not_adopted() {
        let dir = tempdir("overtaken");
        let j = Journal::open(&dir, header()).unwrap().journal;
        j.append(record(1)).wait_blocking().unwrap();
        // The replace is queued before the snapshot can be adopted.
        let snap = j.snapshot(b"old history".to_vec());
        j.replace(header(), None, vec![record(9)])
            .wait_blocking()
            .unwrap();
        assert!(snap.wait_blocking().is_err());
        drop(j);
        let o = Journal::open(&dir, header()).unwrap();
        assert!(o.snapshot.is_none());
        assert_eq!(o.records, vec![record(9)]);
        assert!(names(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_replace_may_start_from_a_snapshot() {
        let dir = tempdir("replace-snapshot");
        let j = Journal::open(&dir, header()).unwrap().journal;
        j.append(record(1)).wait_blocking().unwrap();
        j.replace(header(), Some(b"imported".to_vec()), vec![record(2)])
            .wait_blocking()
            .unwrap();
        drop(j);
        let o = Journal::open(&dir, header()).unwrap();
        assert_eq!(o.snapshot.as_deref(), Some(&b"imported"[..]));
        assert_eq!(o.records, vec![record(2)]);
        // A reset afterwards goes back to a plain journal.
        o.journal
            .replace(header(), None, vec![record(3)])
            .wait_blocking()
            .unwrap();
        drop(o);
        let o = Journal::open(&dir, header()).unwrap();
        assert!(o.snapshot.is_none());
        assert_eq!(o.records, vec![record(3)]);
        assert_eq!(format_of(&dir), "1");
        assert!(names(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_left_by_a_crash_are_ignored() {
        let dir = tempdir("crashed");
        {
            let j = Journal::open(&dir, header()).unwrap().journal;
            j.append(record(1)).wait_blocking().unwrap();
        }
        // A crash while writing a snapshot, or before adopting it.
        std::fs::write(dir.join("snapshot-1.tmp"), b"half").unwrap();
        std::fs::write(dir.join("snapshot-1.bin"), b"never adopted").unwrap();
        let o = Journal::open(&dir, header()).unwrap();
        assert!(o.snapshot.is_none());
        assert_eq!(o.records, vec![record(1)]);
        assert!(names(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_snapshot_file_is_damage() {
        let dir = tempdir("missing");
        {
            let j = Journal::open(&dir, header()).unwrap().journal;
            j.append(record(1)).wait_blocking().unwrap();
            j.snapshot(b"s".to_vec()).wait_blocking().unwrap();
        }
        std::fs::remove_file(dir.join("snapshot-1.bin")).unwrap();
        assert!(matches!(
            Journal::open(&dir, header()),
            Err(StoreError::Damaged(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
