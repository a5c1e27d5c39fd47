//! The request log: one line per request on stderr, in `key=value` form so
//! that it greps and parses easily.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use crate::config::LogFormat;

/// What one request did, as it appears in the log.
#[derive(Debug)]
pub struct RequestRecord<'a> {
    /// Operation, EC2/STS action, or admin path.
    pub target: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub protocol: &'a str,
    pub status: u16,
    pub latency: Duration,
    pub request_id: &'a str,
    /// Error code of a failed request.
    pub error: Option<&'a str>,
    /// Its message (JSON lines only: the text form stays one short line).
    pub message: Option<&'a str>,
    /// Why the signature was ignored, while verification is off.
    pub auth_note: Option<&'a str>,
}

impl RequestRecord<'_> {
    /// `<time> <target> account=.. region=.. protocol=.. status=.. latency_us=.. request_id=..`
    /// followed by `error=..` and `auth="..."` when they apply.
    pub fn format(&self, at: SystemTime) -> String {
        let mut line = String::with_capacity(192);
        push_timestamp(&mut line, at);
        line.push(' ');
        push_token(&mut line, self.target);
        line.push_str(" account=");
        push_token(&mut line, self.account);
        line.push_str(" region=");
        push_token(&mut line, self.region);
        let _ = write!(
            line,
            " protocol={} status={} latency_us={} request_id=",
            self.protocol,
            self.status,
            self.latency.as_micros()
        );
        push_token(&mut line, self.request_id);
        if let Some(code) = self.error {
            line.push_str(" error=");
            push_token(&mut line, code);
        }
        if let Some(note) = self.auth_note {
            line.push_str(" auth=\"");
            for c in note.chars() {
                line.push(if c == '"' || c.is_control() { '\'' } else { c });
            }
            line.push('"');
        }
        line.push('\n');
        line
    }

    /// One JSON object per line, for log shippers.
    pub fn format_json(&self, at: SystemTime) -> String {
        let mut time = String::with_capacity(24);
        push_timestamp(&mut time, at);
        let dash = |s: &str| (s != "-").then(|| s.to_string());
        let mut line = serde_json::json!({
            "time": time,
            "requestId": self.request_id,
            "operation": self.target,
            "account": dash(self.account),
            "region": dash(self.region),
            "protocol": self.protocol,
            "status": self.status,
            "latencyMs": (self.latency.as_secs_f64() * 1e6).round() / 1e3,
            "errorType": self.error,
            "errorMessage": self.message,
            "auth": self.auth_note,
        })
        .to_string();
        line.push('\n');
        line
    }

    pub fn emit(&self, format: LogFormat) {
        let at = SystemTime::now();
        let line = match format {
            LogFormat::Text => self.format(at),
            LogFormat::Json => self.format_json(at),
        };
        match writer() {
            Some(log) => log.append(&line),
            None => {
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
        }
    }
}

/// Lines waiting for the writer thread. Requests append under a short lock
/// and wake the writer only when it sleeps for want of lines: under load it
/// is awake anyway and takes everything queued in one write, so the hot
/// path costs neither a syscall nor a wake-up per request.
struct Writer {
    queue: Mutex<Queue>,
    /// The writer waits here for lines, or for a flush request.
    lines_queued: Condvar,
    /// `flush` waits here for the writer to catch up.
    lines_written: Condvar,
}

#[derive(Default)]
struct Queue {
    pending: Vec<u8>,
    /// Lines appended and written so far: `flush` waits for the count it
    /// saw to be written.
    appended: u64,
    written: u64,
    /// Lines dropped because the queue was full (stderr blocked).
    dropped: u64,
    writer_idle: bool,
}

/// Bound on queued bytes: a reader that stops reading stderr must not make
/// the server's memory grow without limit.
const MAX_QUEUED_BYTES: usize = 16 << 20;
/// After a write, the writer lets this long's lines gather before the next.
const COALESCE: Duration = Duration::from_millis(2);

impl Writer {
    fn append(&self, line: &str) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.pending.len() + line.len() > MAX_QUEUED_BYTES {
            queue.dropped += 1;
            return;
        }
        queue.pending.extend_from_slice(line.as_bytes());
        queue.appended += 1;
        if queue.writer_idle {
            queue.writer_idle = false;
            self.lines_queued.notify_one();
        }
    }

    fn run(&self) {
        let mut out = std::io::stderr();
        let mut batch = Vec::new();
        loop {
            let (upto, dropped) = {
                let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                while queue.pending.is_empty() && queue.dropped == 0 {
                    queue.writer_idle = true;
                    queue = self
                        .lines_queued
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                queue.writer_idle = false;
                std::mem::swap(&mut batch, &mut queue.pending);
                (queue.appended, std::mem::take(&mut queue.dropped))
            };
            if dropped > 0 {
                let _ = writeln!(
                    batch,
                    "dxlocal: {dropped} request log line(s) dropped: stderr is not being read"
                );
            }
            let _ = out.write_all(&batch);
            batch.clear();
            {
                let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                queue.written = upto;
            }
            self.lines_written.notify_all();
            std::thread::sleep(COALESCE);
        }
    }

    /// Waits (at most `timeout`) until every line appended so far is written.
    fn flush(&self, timeout: Duration) {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let target = queue.appended;
        let _ = self
            .lines_written
            .wait_timeout_while(queue, timeout, |q| q.written < target);
    }
}

/// The log's writer thread, started on first use; `None` if no thread can
/// be started (lines are then written directly).
fn writer() -> Option<&'static Writer> {
    static WRITER: OnceLock<Option<&'static Writer>> = OnceLock::new();
    *WRITER.get_or_init(|| {
        let writer: &'static Writer = Box::leak(Box::new(Writer {
            queue: Mutex::new(Queue::default()),
            lines_queued: Condvar::new(),
            lines_written: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("dxlocal-log".into())
            .spawn(move || writer.run())
            .ok()
            .map(|_| writer)
    })
}

/// Waits until every line logged so far is written (before exiting).
pub fn flush() {
    if let Some(writer) = writer() {
        writer.flush(Duration::from_secs(2));
    }
}

/// Writes client-influenced text as a single token: no spaces, quotes or
/// control characters, bounded length, `-` when empty.
fn push_token(line: &mut String, s: &str) {
    const MAX: usize = 96;
    if s.is_empty() {
        line.push('-');
        return;
    }
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            line.push_str("...");
            break;
        }
        line.push(if c.is_ascii_graphic() && c != '"' {
            c
        } else {
            '?'
        });
    }
}

/// RFC 3339 UTC with milliseconds, e.g. `2024-05-01T12:00:00.123Z`.
pub(crate) fn push_timestamp(line: &mut String, at: SystemTime) {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let _ = write!(
        line,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    );
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm), so the log needs no date-time dependency.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_line() {
        let record = RequestRecord {
            target: "CreateConnection",
            account: "123456789012",
            region: "us-east-1",
            protocol: "awsJson1_1",
            status: 400,
            latency: Duration::from_micros(1534),
            request_id: "8315b767-a409-11e9-9816-f1d876812434",
            error: Some("DirectConnectClientException"),
            message: Some("Connection \"dxcon-x\" is not available"),
            auth_note: Some("Authorization header requires the \"Signature\" parameter"),
        };
        let at = UNIX_EPOCH + Duration::from_millis(1_714_564_800_123);
        assert_eq!(
            record.format(at),
            "2024-05-01T12:00:00.123Z CreateConnection account=123456789012 region=us-east-1 \
             protocol=awsJson1_1 status=400 latency_us=1534 \
             request_id=8315b767-a409-11e9-9816-f1d876812434 error=DirectConnectClientException \
             auth=\"Authorization header requires the 'Signature' parameter\"\n"
        );
    }

    #[test]
    fn formats_a_json_line() {
        let record = RequestRecord {
            target: "ConfirmPrivateVirtualInterface",
            account: "123456789012",
            region: "us-east-1",
            protocol: "rpcv2Cbor",
            status: 400,
            latency: Duration::from_micros(1534),
            request_id: "r-1",
            error: Some("DirectConnectClientException"),
            message: Some("Virtual interface \"dxvif-x\"\nnot found"),
            auth_note: None,
        };
        let line = record.format_json(UNIX_EPOCH + Duration::from_millis(1_714_564_800_123));
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["time"], "2024-05-01T12:00:00.123Z");
        assert_eq!(v["requestId"], "r-1");
        assert_eq!(v["operation"], "ConfirmPrivateVirtualInterface");
        assert_eq!(v["account"], "123456789012");
        assert_eq!(v["region"], "us-east-1");
        assert_eq!(v["protocol"], "rpcv2Cbor");
        assert_eq!(v["status"], 400);
        assert_eq!(v["latencyMs"], 1.534);
        assert_eq!(v["errorType"], "DirectConnectClientException");
        assert_eq!(
            v["errorMessage"],
            "Virtual interface \"dxvif-x\"\nnot found"
        );
    }

    #[test]
    fn client_text_cannot_break_the_line() {
        let long = "A".repeat(500);
        let record = RequestRecord {
            target: "Evil Op\nnext=line",
            account: "",
            region: &long,
            protocol: "awsJson1_1",
            status: 404,
            latency: Duration::ZERO,
            request_id: "r",
            error: None,
            message: None,
            auth_note: None,
        };
        let line = record.format(UNIX_EPOCH);
        assert!(
            line.starts_with("1970-01-01T00:00:00.000Z Evil?Op?next=line account=- region=AAAA")
        );
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.len() < 300);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
