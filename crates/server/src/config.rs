//! Server configuration and the command line that produces it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use dxlocal_auth::{Credentials, CredentialsError};
use dxlocal_engine::Lifecycle;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:4599";

/// Everything the server needs besides a listener.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub lifecycle: Lifecycle,
    /// Seed for resource IDs; `None` draws one at random.
    pub seed: Option<u64>,
    pub credentials: Credentials,
    /// One line per request on stderr.
    pub request_log: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            lifecycle: Lifecycle::default(),
            seed: None,
            credentials: Credentials::empty(),
            request_log: true,
        }
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
}

impl ServeArgs {
    pub fn to_config(&self) -> Result<ServerConfig, CredentialsError> {
        let credentials = match &self.credentials {
            Some(path) => Credentials::load(path)?,
            None => Credentials::empty(),
        };
        Ok(ServerConfig {
            lifecycle: self.lifecycle,
            seed: self.seed,
            credentials,
            request_log: true,
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
        let Cli {
            command: Command::Serve(args),
        } = Cli::parse_from(["dxlocal", "serve"]);
        assert_eq!(args.listen, DEFAULT_LISTEN);
        assert_eq!(args.lifecycle, Lifecycle::Instant);
        assert_eq!(args.seed, None);
        assert!(args.credentials.is_none());

        let Cli {
            command: Command::Serve(args),
        } = Cli::parse_from([
            "dxlocal",
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--lifecycle",
            "manual",
            "--seed",
            "42",
        ]);
        assert_eq!(args.listen, "0.0.0.0:0");
        assert_eq!(args.lifecycle, Lifecycle::Manual);
        assert_eq!(args.seed, Some(42));
        let config = args.to_config().unwrap();
        assert_eq!(config.seed, Some(42));
        assert!(config.credentials.is_empty());
    }

    #[test]
    fn rejects_unknown_lifecycle() {
        let err = Cli::try_parse_from(["dxlocal", "serve", "--lifecycle", "slow"]).unwrap_err();
        assert!(err.to_string().contains("slow"));
    }
}
