//! dxlocal-bench: measures dxlocal over HTTP next to baselines taken in the
//! same run, so that the ratios hold on whatever machine runs it.
//!
//! ```text
//! cargo build --release -p dxlocal -p dxlocal-bench
//! cargo run --release -p dxlocal-bench -- --concurrency 64 --duration 10   # flow mode
//! cargo run --release -p dxlocal-bench -- goals                            # every performance goal
//! ```
//!
//! Flow mode (no subcommand) drives the hosted private VIF flow against
//! dxlocal and a do-nothing hyper server (the "floor"). `goals` measures
//! every performance goal (throughput, flatness with state, memory,
//! start-up, durable mode, moto) and prints one table; see bench/README.md.

mod cbor;
mod client;
mod floor;
mod flow;
mod flow_cmd;
mod goals;
mod server;
mod sigv4;
mod stats;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "dxlocal-bench",
    version,
    about = "Throughput and latency of dxlocal next to baselines measured in the same run",
    after_help = "Build the server first: `cargo build --release -p dxlocal -p dxlocal-bench`, then \
                  `cargo run --release -p dxlocal-bench -- --concurrency 64 --duration 10` (flow mode) \
                  or `cargo run --release -p dxlocal-bench -- goals` (every performance goal).\n\
                  Flow mode exits 1 if more than --max-error-rate of either target's requests fail.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,

    #[command(flatten)]
    flow: flow_cmd::FlowArgs,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Measure every performance goal in one run and print one table.
    Goals(goals::GoalsArgs),
    /// The floor as a process of its own, answering 200 to everything: the
    /// baseline of the start-up goal (exec to first answer of bare hyper).
    #[command(hide = true)]
    ServeFloor {
        #[arg(long)]
        listen: std::net::SocketAddr,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Cmd::Goals(args)) => goals::run(args),
        Some(Cmd::ServeFloor { listen }) => serve_floor(listen),
        None => flow_cmd::run(cli.flow),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dxlocal-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn serve_floor(listen: std::net::SocketAddr) -> Result<ExitCode, String> {
    // As many worker threads as dxlocal's runtime starts by default.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    floor::start_on(listen, client::Protocol::Json, threads)
        .map_err(|e| format!("floor on {listen}: {e}"))?;
    // The floor runs on its own threads; this one only keeps the process alive.
    loop {
        std::thread::park();
    }
}
