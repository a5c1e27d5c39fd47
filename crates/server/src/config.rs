//! Server configuration and the command line that produces it.

use std::fmt;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dxlocal_auth::{Credentials, CredentialsError};
use dxlocal_engine::Lifecycle;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:4599";

/// Whether SigV4 signatures are checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Signatures are parsed for the caller's account and region but not
    /// checked; any secret works. An unparseable signature is still refused.
    #[default]
    Off,
    /// Every Direct Connect, EC2 and STS request must carry a valid SigV4
    /// signature (header or presigned query) by a key of the credentials
    /// file, dated within 15 minutes of the server's clock. The admin API
    /// stays open.
    Strict,
}

impl AuthMode {
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::Off => "off",
            AuthMode::Strict => "strict",
        }
    }
}

/// How the request log is written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `<time> <operation> account=.. region=.. status=.. ...`, one line each.
    #[default]
    Text,
    /// One JSON object per line: requestId, operation, account, region,
    /// protocol, status, latencyMs, and errorType/errorMessage for failures.
    Json,
}

/// Everything the server needs besides a listener.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub lifecycle: Lifecycle,
    /// Seed for resource IDs; `None` draws one at random.
    pub seed: Option<u64>,
    pub credentials: Credentials,
    pub auth: AuthMode,
    /// One line per request on stderr.
    pub request_log: bool,
    pub log_format: LogFormat,
    /// Where acknowledged state is kept; `None` keeps it in memory only.
    pub state_dir: Option<PathBuf>,
    /// Quota overrides, `name=value,…` (see `Quotas::NAMES`).
    pub quotas: String,
    /// Fold the call history into a snapshot after this many state-changing
    /// calls (0: never; memory mode then keeps every call for export).
    pub snapshot_every: usize,
    /// Keep the event log, the request ring and the counters behind the
    /// dashboard and `/metrics`.
    pub observe: bool,
}

/// Default of `--snapshot-every`: replaying this many calls takes about a
/// second, and a snapshot of a large state is written rarely enough that
/// its cost (a pause to encode the engine) stays small per call.
pub const DEFAULT_SNAPSHOT_EVERY: usize = 50_000;

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            lifecycle: Lifecycle::default(),
            seed: None,
            credentials: Credentials::empty(),
            auth: AuthMode::Off,
            request_log: true,
            log_format: LogFormat::Text,
            state_dir: None,
            quotas: String::new(),
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            observe: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// Why the command line does not make a usable configuration.
#[derive(Debug)]
pub enum ConfigError {
    Credentials(CredentialsError),
    /// `--auth strict` without `--credentials`: no key could ever verify.
    StrictWithoutCredentials,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Credentials(e) => e.fmt(f),
            ConfigError::StrictWithoutCredentials => f.write_str(
                "--auth strict needs --credentials (or DXLOCAL_CREDENTIALS): \
                 signatures are verified against the secrets in that file",
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Credentials(e) => Some(e),
            ConfigError::StrictWithoutCredentials => None,
        }
    }
}

impl From<CredentialsError> for ConfigError {
    fn from(e: CredentialsError) -> Self {
        ConfigError::Credentials(e)
    }
}

pub fn lifecycle_name(lifecycle: Lifecycle) -> &'static str {
    match lifecycle {
        Lifecycle::Instant => "instant",
        Lifecycle::Realistic => "realistic",
        Lifecycle::Manual => "manual",
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "dxlocal",
    version,
    about = "A local emulator of the AWS Direct Connect API"
)]
#[command(arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Direct Connect API (awsJson1_1 and RPC v2 CBOR), the EC2
    /// and STS calls it depends on, and the admin API under /_dxlocal/.
    Serve(ServeArgs),
    /// Save or load a whole scenario (every account, region, resource and
    /// the clock) as one JSON document.
    #[command(subcommand)]
    State(StateCommand),
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Write the state of a running server (or of a state directory) to FILE.
    Export(StateArgs),
    /// Replace the state of a running server (or of a state directory) with
    /// FILE, atomically.
    Import(StateArgs),
}

#[derive(Debug, Args)]
pub struct StateArgs {
    /// The scenario document (`-` for standard output or input).
    pub file: PathBuf,
    /// A running server's URL.
    #[arg(
        long,
        env = "DXLOCAL_ENDPOINT",
        default_value = "http://127.0.0.1:4599",
        conflicts_with = "state_dir"
    )]
    pub endpoint: String,
    /// Work on a state directory directly instead (no server may be using it).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl ServerConfig {
    /// The configuration `dxlocal serve <args>` would run with, and the
    /// `--listen` address if one was given.
    pub fn from_serve_args(args: &[&str]) -> Result<(ServerConfig, Option<String>), String> {
        let argv = ["dxlocal", "serve"].into_iter().chain(args.iter().copied());
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        let Command::Serve(serve) = cli.command else {
            return Err("not serve arguments".into());
        };
        let config = serve.to_config().map_err(|e| e.to_string())?;
        let listen = args
            .iter()
            .any(|a| *a == "--listen" || a.starts_with("--listen="))
            .then_some(serve.listen);
        Ok((config, listen))
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (host:port); port 0 picks a free port.
    #[arg(long, env = "DXLOCAL_LISTEN", default_value = DEFAULT_LISTEN, value_name = "ADDR")]
    pub listen: String,

    /// How resource state transitions are timed: instant, realistic or manual.
    #[arg(
        long,
        env = "DXLOCAL_LIFECYCLE",
        default_value = "instant",
        value_name = "MODE"
    )]
    pub lifecycle: Lifecycle,

    /// JSON file mapping access keys to accounts:
    /// {"credentials": [{"accessKeyId": "...", "secretAccessKey": "...", "accountId": "111111111111"}]}
    #[arg(long, env = "DXLOCAL_CREDENTIALS", value_name = "FILE")]
    pub credentials: Option<PathBuf>,

    /// Seed for generated resource IDs, for reproducible runs.
    #[arg(long, env = "DXLOCAL_SEED", value_name = "N")]
    pub seed: Option<u64>,

    /// Keep state in this directory (an SQLite journal): every acknowledged
    /// change survives a crash, and a restart resumes where it stopped.
    #[arg(long, env = "DXLOCAL_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Raise or lower a service quota, e.g. `--quota private-public-vifs-per-connection=4000`
    /// (repeatable; the environment variable takes a comma-separated list).
    #[arg(
        long,
        env = "DXLOCAL_QUOTAS",
        value_delimiter = ',',
        value_name = "NAME=VALUE"
    )]
    pub quota: Vec<String>,

    /// Take a snapshot of the state after this many state-changing calls,
    /// so a restart loads it and replays only the calls after it; 0 never
    /// does (a restart replays every call).
    #[arg(
        long,
        env = "DXLOCAL_SNAPSHOT_EVERY",
        default_value_t = DEFAULT_SNAPSHOT_EVERY,
        value_name = "N"
    )]
    pub snapshot_every: usize,

    /// SigV4 verification: off (any secret works) or strict (signatures
    /// checked against --credentials). The admin API is never authenticated.
    #[arg(
        long,
        env = "DXLOCAL_AUTH",
        value_enum,
        default_value_t = AuthMode::Off,
        value_name = "MODE"
    )]
    pub auth: AuthMode,

    /// Request log format on stderr: text (key=value) or json (one object
    /// per line).
    #[arg(
        long,
        env = "DXLOCAL_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        value_name = "FORMAT"
    )]
    pub log_format: LogFormat,

    /// Record state changes and calls for the dashboard, the event stream
    /// and `/metrics` (off: those show nothing; the request log on stderr
    /// is unaffected).
    #[arg(long, env = "DXLOCAL_OBSERVE", value_enum, default_value_t = Switch::On, value_name = "ON|OFF")]
    pub observe: Switch,
}

impl ServeArgs {
    pub fn to_config(&self) -> Result<ServerConfig, ConfigError> {
        if self.auth == AuthMode::Strict && self.credentials.is_none() {
            return Err(ConfigError::StrictWithoutCredentials);
        }
        let credentials = match &self.credentials {
            Some(path) => Credentials::load(path)?,
            None => Credentials::empty(),
        };
        Ok(ServerConfig {
            lifecycle: self.lifecycle,
            seed: self.seed,
            credentials,
            auth: self.auth,
            request_log: true,
            log_format: self.log_format,
            state_dir: self.state_dir.clone(),
            quotas: self.quota.join(","),
            snapshot_every: self.snapshot_every,
            observe: self.observe == Switch::On,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_and_flags() {
        let Command::Serve(args) = Cli::parse_from(["dxlocal", "serve"]).command else {
            panic!("not serve")
        };
        assert_eq!(args.listen, DEFAULT_LISTEN);
        assert_eq!(args.lifecycle, Lifecycle::Instant);
        assert_eq!(args.seed, None);
        assert!(args.credentials.is_none());
        assert_eq!(args.auth, AuthMode::Off);

        let Command::Serve(args) = Cli::parse_from([
            "dxlocal",
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--lifecycle",
            "manual",
            "--seed",
            "42",
        ])
        .command
        else {
            panic!("not serve")
        };
        assert_eq!(args.listen, "0.0.0.0:0");
        assert_eq!(args.lifecycle, Lifecycle::Manual);
        assert_eq!(args.seed, Some(42));
        let config = args.to_config().unwrap();
        assert_eq!(config.seed, Some(42));
        assert!(config.credentials.is_empty());
    }

    #[test]
    fn auth_mode_flag() {
        let Command::Serve(args) =
            Cli::parse_from(["dxlocal", "serve", "--auth", "strict"]).command
        else {
            panic!("not serve")
        };
        assert_eq!(args.auth, AuthMode::Strict);
        // Strict without a credentials file could never accept a request.
        let err = args.to_config().unwrap_err();
        assert!(matches!(err, ConfigError::StrictWithoutCredentials));
        assert!(err.to_string().contains("--credentials"), "{err}");

        let path = std::env::temp_dir().join(format!("dxlocal-auth-{}.json", std::process::id()));
        std::fs::write(
            &path,
            r#"{"credentials":[{"accessKeyId":"AKIAX","secretAccessKey":"s","accountId":"111111111111"}]}"#,
        )
        .unwrap();
        let Command::Serve(args) = Cli::parse_from([
            "dxlocal",
            "serve",
            "--auth",
            "strict",
            "--credentials",
            path.to_str().unwrap(),
        ])
        .command
        else {
            panic!("not serve")
        };
        let config = args.to_config();
        let _ = std::fs::remove_file(&path);
        let config = config.unwrap();
        assert_eq!(config.auth, AuthMode::Strict);
        assert_eq!(config.credentials.len(), 1);

        let err = Cli::try_parse_from(["dxlocal", "serve", "--auth", "lax"]).unwrap_err();
        assert!(err.to_string().contains("lax"));
    }

    #[test]
    fn rejects_unknown_lifecycle() {
        let err = Cli::try_parse_from(["dxlocal", "serve", "--lifecycle", "slow"]).unwrap_err();
        assert!(err.to_string().contains("slow"));
    }
}
