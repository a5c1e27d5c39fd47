use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use dxlocal::config::{lifecycle_name, Cli, Command, ServeArgs, StateCommand};

mod state_cli;

/// mimalloc rather than the system allocator: the state is millions of
/// small strings (IDs, account numbers, regions), which it packs into
/// size classes of 8 or 16 bytes where glibc takes 32 for each, so a large
/// state needs markedly less memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    match command {
        Command::Serve(args) => serve(&args),
        Command::State(StateCommand::Export(args)) => state_cli::export(&args),
        Command::State(StateCommand::Import(args)) => state_cli::import(&args),
    }
}

fn serve(args: &ServeArgs) -> ExitCode {
    let config = match args.to_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("dxlocal: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("dxlocal: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let auth = config.auth.name();
    let keys = config.credentials.len();
    // A bad state directory is reported before the address is announced.
    let prepared = match dxlocal::prepare(config) {
        Ok(prepared) => prepared,
        Err(e) => {
            eprintln!("dxlocal: {e}");
            return ExitCode::from(2);
        }
    };
    let (seed, durable, lifecycle) = (prepared.seed(), prepared.is_durable(), prepared.lifecycle());
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let shutdown = dxlocal::shutdown_signal()
            .map_err(|e| format!("cannot install signal handlers: {e}"))?;
        eprintln!(
            "dxlocal: lifecycle={} seed={} auth={} credentials={} configured key(s) state={}",
            lifecycle_name(lifecycle),
            seed,
            auth,
            keys,
            if durable { "durable" } else { "memory" },
        );
        // Tests and benchmarks read the port from this exact line.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "dxlocal listening on http://{addr}")
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
        drop(stdout);
        prepared
            .serve(listener, shutdown)
            .await
            .map_err(|e| e.to_string())?;
        dxlocal::flush_log();
        eprintln!("dxlocal: stopped");
        Ok::<(), String>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dxlocal: {e}");
            ExitCode::FAILURE
        }
    }
}
