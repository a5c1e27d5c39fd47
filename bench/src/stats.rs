//! Latency samples and percentile math.

use std::collections::HashMap;
use std::time::Duration;

/// Nearest-rank percentile over ascending samples: the smallest sample that
/// at least `p` percent of samples are less than or equal to. Exact, so it
/// never reports a latency that did not happen.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let p = p.clamp(0.0, 100.0);
    let exact = (p / 100.0) * sorted.len() as f64;
    // 99.9% of 1000 comes out as 999.0000000000001; without the nudge the
    // ceiling would skip to the next sample.
    let rank = (exact * (1.0 - 1e-12)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What one worker (or, merged, one target) saw for one operation.
#[derive(Debug, Default, Clone)]
pub struct OpSamples {
    /// Latencies in nanoseconds of the requests that were answered 200.
    pub ok_nanos: Vec<u64>,
    pub errors: u64,
}

/// Everything the measured window recorded for one target.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// Keyed by operation name; kept in first-seen order for stable output.
    pub ops: Vec<(&'static str, OpSamples)>,
    pub flows: u64,
    /// "Op: status kind message" -> count, so a quota problem names itself.
    pub error_kinds: HashMap<String, u64>,
}

const MAX_ERROR_KINDS: usize = 32;

impl Recorder {
    fn op(&mut self, op: &'static str) -> &mut OpSamples {
        let i = match self.ops.iter().position(|(o, _)| *o == op) {
            Some(i) => i,
            None => {
                self.ops.push((op, OpSamples::default()));
                self.ops.len() - 1
            }
        };
        &mut self.ops[i].1
    }

    pub fn ok(&mut self, op: &'static str, latency: Duration) {
        self.op(op).ok_nanos.push(latency.as_nanos() as u64);
    }

    pub fn error(&mut self, op: &'static str, kind: String) {
        self.op(op).errors += 1;
        let key = format!("{op}: {kind}");
        if let Some(n) = self.error_kinds.get_mut(&key) {
            *n += 1;
        } else if self.error_kinds.len() < MAX_ERROR_KINDS {
            self.error_kinds.insert(key, 1);
        } else {
            *self
                .error_kinds
                .entry(format!("{op}: (other errors)"))
                .or_insert(0) += 1;
        }
    }

    pub fn merge(&mut self, other: Recorder) {
        for (op, s) in other.ops {
            let mine = self.op(op);
            mine.ok_nanos.extend_from_slice(&s.ok_nanos);
            mine.errors += s.errors;
        }
        self.flows += other.flows;
        for (k, n) in other.error_kinds {
            *self.error_kinds.entry(k).or_insert(0) += n;
        }
    }
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub requests: u64,
    pub errors: u64,
    pub req_per_sec: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Summary {
    /// The summary as the bench's `--json` output shows it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.requests,
            "errors": self.errors,
            "req_per_sec": self.req_per_sec,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
        })
    }
}

/// Latency percentiles are over successful requests only: an error is
/// often a fast rejection and would flatter the numbers.
pub fn summarize(mut ok_nanos: Vec<u64>, errors: u64, secs: f64) -> Summary {
    ok_nanos.sort_unstable();
    let ms = |n: u64| n as f64 / 1e6;
    let requests = ok_nanos.len() as u64 + errors;
    Summary {
        requests,
        errors,
        req_per_sec: if secs > 0.0 {
            requests as f64 / secs
        } else {
            0.0
        },
        p50_ms: ms(percentile(&ok_nanos, 50.0)),
        p90_ms: ms(percentile(&ok_nanos, 90.0)),
        p99_ms: ms(percentile(&ok_nanos, 99.0)),
        max_ms: ms(ok_nanos.last().copied().unwrap_or(0)),
    }
}

impl Recorder {
    /// Requests answered, successfully or not.
    pub fn requests(&self) -> u64 {
        self.ops
            .iter()
            .map(|(_, s)| s.ok_nanos.len() as u64 + s.errors)
            .sum()
    }

    pub fn total(&self, secs: f64) -> Summary {
        let all: Vec<u64> = self
            .ops
            .iter()
            .flat_map(|(_, s)| s.ok_nanos.iter().copied())
            .collect();
        let errors = self.ops.iter().map(|(_, s)| s.errors).sum();
        summarize(all, errors, secs)
    }

    /// Operations in the order given by `order` (unknown ones last), so rows
    /// read in flow order whichever worker saw an operation first.
    pub fn per_op(&self, secs: f64, order: &[&str]) -> Vec<(&'static str, Summary)> {
        let mut ops: Vec<_> = self.ops.iter().collect();
        ops.sort_by_key(|(op, _)| order.iter().position(|o| o == op).unwrap_or(order.len()));
        ops.into_iter()
            .map(|(op, s)| (*op, summarize(s.ok_nanos.clone(), s.errors, secs)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_hundred() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 90.0), 90);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&v, 0.0), 1);
    }

    #[test]
    fn nearest_rank_small_sets() {
        assert_eq!(percentile(&[], 50.0), 0);
        assert_eq!(percentile(&[7], 99.0), 7);
        // Wikipedia's nearest-rank example: 15, 20, 35, 40, 50.
        let v = [15, 20, 35, 40, 50];
        assert_eq!(percentile(&v, 5.0), 15);
        assert_eq!(percentile(&v, 30.0), 20);
        assert_eq!(percentile(&v, 40.0), 20);
        assert_eq!(percentile(&v, 50.0), 35);
        assert_eq!(percentile(&v, 100.0), 50);
    }

    #[test]
    fn p99_of_a_thousand_picks_the_990th() {
        let v: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&v, 99.0), 990);
        assert_eq!(percentile(&v, 99.9), 999);
    }

    #[test]
    fn summary_counts_errors_but_not_their_latency() {
        let s = summarize(vec![3_000_000, 1_000_000, 2_000_000], 1, 2.0);
        assert_eq!(s.requests, 4);
        assert_eq!(s.errors, 1);
        assert_eq!(s.req_per_sec, 2.0);
        assert_eq!(s.p50_ms, 2.0);
        assert_eq!(s.max_ms, 3.0);
    }

    #[test]
    fn recorder_merges_and_caps_error_kinds() {
        let mut a = Recorder::default();
        a.ok("A", Duration::from_millis(1));
        a.error("A", "400 X".into());
        let mut b = Recorder::default();
        b.ok("B", Duration::from_millis(2));
        b.error("A", "400 X".into());
        b.flows = 3;
        a.merge(b);
        assert_eq!(a.ops.len(), 2);
        assert_eq!(a.ops[0].1.errors, 2);
        assert_eq!(a.error_kinds["A: 400 X"], 2);
        assert_eq!(a.flows, 3);
        assert_eq!(a.total(1.0).requests, 4);

        let mut c = Recorder::default();
        for i in 0..(MAX_ERROR_KINDS + 5) {
            c.error("A", format!("kind {i}"));
        }
        assert_eq!(c.error_kinds.len(), MAX_ERROR_KINDS + 1);
        assert_eq!(c.error_kinds["A: (other errors)"], 5);
    }
}
