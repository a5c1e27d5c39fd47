//! State shared by every connection.

use std::time::{SystemTime, UNIX_EPOCH};

use dxlocal_auth::Credentials;
use dxlocal_engine::Engine;
use parking_lot::Mutex;

use crate::config::{AuthMode, ServerConfig};
use crate::persist::{self, History};

pub(crate) struct App {
    /// Locked only around an engine call: decoding happens before and
    /// encoding after, so requests contend for the engine alone.
    pub engine: Mutex<Engine>,
    /// The state-changing calls, in the order the engine ran them. Locked
    /// only while the engine lock is held, so the two orders agree.
    pub history: Mutex<History>,
    pub credentials: Credentials,
    pub auth: AuthMode,
    pub request_log: bool,
    pub log_format: crate::config::LogFormat,
    /// Whether calls are recorded in the observer (`--observe`).
    pub observe: bool,
    /// The request log ring, counters, and event-stream wake-ups.
    pub observer: std::sync::Arc<crate::observe::Observer>,
}

impl App {
    /// Builds the engine: fresh, or rebuilt from the state directory.
    pub fn new(config: ServerConfig) -> Result<Self, String> {
        let wall = wall_now();
        let fresh = persist::new_header(config.lifecycle, config.seed, wall, &config.quotas);
        let (mut engine, history) = match &config.state_dir {
            Some(dir) => persist::open_state_dir(dir, fresh, config.snapshot_every)?,
            None => (
                persist::engine_for(&fresh)?,
                History::in_memory(fresh, config.snapshot_every),
            ),
        };
        engine.set_recording(config.observe);
        Ok(App {
            engine: Mutex::new(engine),
            history: Mutex::new(history),
            credentials: config.credentials,
            auth: config.auth,
            request_log: config.request_log,
            log_format: config.log_format,
            observe: config.observe,
            observer: Default::default(),
        })
    }
}

/// Seconds since the Unix epoch: the engine's notion of wall time.
pub(crate) fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
