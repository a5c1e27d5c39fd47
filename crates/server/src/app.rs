//! State shared by every connection.

use std::time::{SystemTime, UNIX_EPOCH};

use dxlocal_auth::Credentials;
use dxlocal_engine::{Engine, EngineConfig, Lifecycle};
use parking_lot::Mutex;

use crate::config::{AuthMode, ServerConfig};

pub(crate) struct App {
    /// Locked only around an engine call: decoding happens before and
    /// encoding after, so requests contend for the engine alone.
    pub engine: Mutex<Engine>,
    pub credentials: Credentials,
    pub auth: AuthMode,
    pub lifecycle: Lifecycle,
    pub request_log: bool,
}

impl App {
    pub fn new(config: ServerConfig) -> Self {
        let engine_config = EngineConfig {
            lifecycle: config.lifecycle,
            seed: config.seed,
            ..EngineConfig::default()
        };
        App {
            engine: Mutex::new(Engine::new(engine_config, wall_now())),
            credentials: config.credentials,
            auth: config.auth,
            lifecycle: config.lifecycle,
            request_log: config.request_log,
        }
    }
}

/// Seconds since the Unix epoch: the engine's notion of wall time.
pub(crate) fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
