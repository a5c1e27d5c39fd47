//! Shutdown on SIGINT or SIGTERM.

use std::future::Future;
use std::io;

/// Installs the handlers now and returns a future that completes on the
/// first SIGINT or SIGTERM. Installing before the server announces itself
/// matters: a signal that arrives between the announcement and the first
/// poll would otherwise kill the process instead of stopping it cleanly.
#[cfg(unix)]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
