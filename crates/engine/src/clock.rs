use serde::{Deserialize, Serialize};

/// How the emulator's transitions are timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lifecycle {
    /// Every delay is zero: a mutation's response still shows the
    /// intermediate state, the next read shows the settled one.
    #[default]
    Instant,
    /// The delays of the default timer table, on a clock that follows wall time.
    Realistic,
    /// The realistic delays, on a clock that moves only when advanced.
    Manual,
}

impl std::str::FromStr for Lifecycle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "instant" => Ok(Lifecycle::Instant),
            "realistic" => Ok(Lifecycle::Realistic),
            "manual" => Ok(Lifecycle::Manual),
            other => Err(format!(
                "unknown lifecycle '{other}' (expected instant, realistic or manual)"
            )),
        }
    }
}

/// The virtual clock: wall time (passed in by the caller) shifted by what
/// the admin API advanced, or frozen in manual mode.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Clock {
    lifecycle: Lifecycle,
    /// Seconds added by `advance`.
    offset: f64,
    /// Manual mode: the wall time at which the clock was frozen.
    frozen_at: f64,
}

impl Clock {
    pub fn new(lifecycle: Lifecycle, wall_now: f64) -> Self {
        Clock {
            lifecycle,
            offset: 0.0,
            frozen_at: wall_now,
        }
    }

    pub fn lifecycle(&self) -> Lifecycle {
        self.lifecycle
    }

    pub fn now(&self, wall_now: f64) -> f64 {
        match self.lifecycle {
            Lifecycle::Manual => self.frozen_at + self.offset,
            _ => wall_now + self.offset,
        }
    }

    pub fn advance(&mut self, seconds: f64) {
        self.offset += seconds;
    }

    /// The delay a transition takes under this lifecycle.
    pub fn delay(&self, realistic_seconds: f64) -> f64 {
        match self.lifecycle {
            Lifecycle::Instant => 0.0,
            Lifecycle::Realistic | Lifecycle::Manual => realistic_seconds,
        }
    }
}
