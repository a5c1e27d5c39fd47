//! What the server saw: the last API calls (for the dashboard's request
//! log), request counters and latency histograms (for `/metrics`), and the
//! signal that wakes event-stream subscribers when something new happened.
//!
//! One short lock per request; nothing here allocates unless a call is new
//! to the counters or the request ring is being filled.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use dxlocal_engine::hashing::HashMap;
use dxlocal_engine::label::Label;
use dxlocal_engine::ring::Ring;
use parking_lot::Mutex;
use tokio::sync::watch;

/// How many calls the request log keeps.
pub(crate) const REQUEST_RING: usize = 1000;

/// Upper bounds of the latency histogram, in seconds.
pub(crate) const LATENCY_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// One API call as the request log shows it.
#[derive(Debug, Clone)]
pub(crate) struct RequestEntry {
    pub seq: u64,
    pub time: SystemTime,
    pub request_id: String,
    pub operation: Cow<'static, str>,
    pub account: Option<Label>,
    pub region: Option<Label>,
    pub protocol: &'static str,
    pub status: u16,
    pub latency: Duration,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Default)]
pub(crate) struct Histogram {
    /// Per bucket of [`LATENCY_BUCKETS`], not cumulative; one more for +Inf.
    pub counts: [u64; LATENCY_BUCKETS.len() + 1],
    pub sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let i = LATENCY_BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.counts[i] += 1;
        self.sum += seconds;
    }
}

/// The calls of one operation over one protocol.
#[derive(Default)]
pub(crate) struct Calls {
    /// `(status, count)`: an operation answers with a few statuses.
    pub by_status: Vec<(u16, u64)>,
    pub latency: Histogram,
}

impl Calls {
    fn count(&mut self, status: u16, seconds: f64) {
        match self.by_status.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => self.by_status.push((status, 1)),
        }
        self.latency.observe(seconds);
    }
}

/// Every request looks its counters up here, under the lock: one lookup,
/// with a hasher that takes an operation name in a few instructions (the
/// standard SipHash cost more than the rest of the bookkeeping together).
type CallsMap = HashMap<(Cow<'static, str>, &'static str), Calls>;

pub(crate) struct Seen {
    pub requests: Ring<RequestEntry>,
    pub next_seq: u64,
    /// By operation and protocol.
    pub calls: CallsMap,
}

pub(crate) struct Observer {
    seen: Mutex<Seen>,
    /// Bumped whenever a request or a state change may be new; event
    /// streams wait on it.
    tick: watch::Sender<u64>,
    subscribers: AtomicUsize,
}

impl Default for Observer {
    fn default() -> Self {
        Observer {
            seen: Mutex::new(Seen {
                requests: Ring::new(REQUEST_RING),
                next_seq: 1,
                calls: CallsMap::default(),
            }),
            tick: watch::channel(0).0,
            subscribers: AtomicUsize::new(0),
        }
    }
}

impl Observer {
    /// Notes a finished call.
    pub fn record(&self, mut entry: RequestEntry) {
        let seconds = entry.latency.as_secs_f64();
        {
            let mut seen = self.seen.lock();
            seen.calls
                .entry((entry.operation.clone(), entry.protocol))
                .or_default()
                .count(entry.status, seconds);
            entry.seq = seen.next_seq;
            seen.next_seq += 1;
            // In the oldest entry's place: no entry moves in or out.
            seen.requests.push(entry);
        }
        self.wake();
    }

    /// Lets event streams look for news (a request, or an engine change).
    pub fn wake(&self) {
        if self.subscribers.load(Ordering::Relaxed) > 0 {
            self.tick.send_modify(|t| *t = t.wrapping_add(1));
        }
    }

    /// Calls after `after`, oldest first, at most `limit`.
    pub fn requests_since(&self, after: u64, limit: usize) -> Vec<RequestEntry> {
        let seen = self.seen.lock();
        let first = seen.requests.oldest().map_or(seen.next_seq, |r| r.seq);
        let skip = after.saturating_add(1).saturating_sub(first) as usize;
        seen.requests
            .iter()
            .skip(skip)
            .take(limit)
            .cloned()
            .collect()
    }

    /// The newest `limit` calls, oldest first.
    pub fn last_requests(&self, limit: usize) -> Vec<RequestEntry> {
        let seen = self.seen.lock();
        let skip = seen.requests.len().saturating_sub(limit);
        seen.requests.iter().skip(skip).cloned().collect()
    }

    pub fn last_request_seq(&self) -> u64 {
        self.seen.lock().next_seq - 1
    }

    /// Runs `f` on the counters (for `/metrics`).
    pub fn with_seen<R>(&self, f: impl FnOnce(&Seen) -> R) -> R {
        f(&self.seen.lock())
    }

    pub fn subscribers(&self) -> usize {
        self.subscribers.load(Ordering::Relaxed)
    }

    /// A new event-stream subscriber; dropping the guard ends it.
    pub fn subscribe(self: &std::sync::Arc<Self>) -> Subscription {
        self.subscribers.fetch_add(1, Ordering::Relaxed);
        Subscription {
            rx: self.tick.subscribe(),
            observer: std::sync::Arc::clone(self),
        }
    }
}

pub(crate) struct Subscription {
    pub rx: watch::Receiver<u64>,
    observer: std::sync::Arc<Observer>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.observer.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}
