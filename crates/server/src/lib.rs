//! dxlocal's server: configuration, the HTTP front end, the admin API and
//! the request log, wiring the wire, auth and engine crates together.
//!
//! Architecture invariant: no business rules live here. A request is
//! routed and decoded by `dxlocal-wire`, attributed to a caller by
//! `dxlocal-auth`, executed by `dxlocal-engine` under one lock held only
//! for the engine call, and encoded by `dxlocal-wire` again.
//!
//! Embedding (for tests): a server on a free loopback port, stopped when
//! the handle is dropped, configured with the flags `dxlocal serve` takes:
//!
//! ```no_run
//! let server = dxlocal::start(&["--lifecycle", "manual", "--seed", "7"]).unwrap();
//! println!("talk to {}", server.url());
//! drop(server); // stops it
//! ```
//!
//! or with a [`ServerConfig`] built in code: `dxlocal::spawn(config, "127.0.0.1:0")`.

mod admin;
mod app;
pub mod config;
mod dispatch;
mod http;
mod log;
mod observe;
mod persist;
mod signal;
mod views;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::thread::JoinHandle;

pub use config::ServerConfig;
pub use log::flush as flush_log;
pub use persist::{export_dir, import_dir};

/// A server whose state is loaded (a state directory replayed) but that is
/// not listening yet: lets the binary report a bad state directory before
/// it announces its address.
pub struct Prepared(std::sync::Arc<app::App>);

pub fn prepare(config: ServerConfig) -> Result<Prepared, String> {
    app::App::new(config).map(|a| Prepared(std::sync::Arc::new(a)))
}

impl Prepared {
    /// The seed IDs come from: the configured one, the one a state
    /// directory was created with, or one drawn at start (printed so a run
    /// can be reproduced with `--seed`).
    pub fn seed(&self) -> u64 {
        self.0.history.lock().header.seed
    }

    /// How transitions are timed (a state directory keeps its own).
    pub fn lifecycle(&self) -> dxlocal_engine::Lifecycle {
        self.0.engine.lock().lifecycle()
    }

    /// Whether state is kept in a state directory.
    pub fn is_durable(&self) -> bool {
        self.0.history.lock().is_durable()
    }

    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> io::Result<()> {
        http::serve_app(self.0, listener, shutdown).await
    }
}
pub use http::serve;
pub use signal::shutdown_signal;

/// A server running on its own thread and runtime, so it works the same
/// from synchronous tests and from inside another async runtime.
/// Dropping it shuts the server down too.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<ip>:<port>`, ready to use as an SDK endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, waits for in-flight requests and joins the thread.
    pub fn shutdown(mut self) -> io::Result<()> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// Starts a server on a free port of 127.0.0.1 (or on `--listen` if given),
/// configured by the same flags and environment variables as
/// `dxlocal serve`. The request log is off unless `--log-format` is given.
pub fn start(args: &[&str]) -> Result<RunningServer, String> {
    let (mut config, listen) = ServerConfig::from_serve_args(args)?;
    if !args.iter().any(|a| a.starts_with("--log-format")) {
        config.request_log = false;
    }
    let listen = listen.unwrap_or_else(|| "127.0.0.1:0".to_string());
    spawn(config, listen.as_str()).map_err(|e| format!("cannot serve on {listen}: {e}"))
}

/// Binds `listen` (port 0 picks a free port) and serves on a background
/// thread. The address is bound and the runtime started before this
/// returns, so clients may connect immediately.
pub fn spawn(config: ServerConfig, listen: impl ToSocketAddrs) -> io::Result<RunningServer> {
    let listener = std::net::TcpListener::bind(listen)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready, started) = std::sync::mpsc::channel::<io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name("dxlocal-server".into())
        .spawn(move || {
            // Built on this thread so it is also dropped here: a runtime
            // must not be dropped inside the caller's async context.
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("dxlocal-worker")
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(io::Error::new(e.kind(), e.to_string())));
                    return Err(e);
                }
            };
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready.send(Err(io::Error::new(e.kind(), e.to_string())));
                        return Err(e);
                    }
                };
                let _ = ready.send(Ok(()));
                serve(config, listener, async {
                    let _ = stopped.await;
                })
                .await
            })
        })?;
    let mut server = RunningServer {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    };
    match started.recv() {
        Ok(Ok(())) => Ok(server),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(server
            .stop_and_join()
            .err()
            .unwrap_or_else(|| io::Error::other("server thread ended before it started"))),
    }
}
