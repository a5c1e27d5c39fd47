//! Start-up timing: from exec to the first successful health answer.

use crate::server::rss_kib;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Short enough not to blur a ~10 ms start-up, long enough that polling
/// does not take a core from the server starting on a 2-core machine.
const POLL_INTERVAL: Duration = Duration::from_micros(250);

/// A port that was free a moment ago: the server must be told its port
/// before it starts, since the clock stops at its first answer.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))
}

/// One `GET /_dxlocal/health`; true only for a 200.
pub fn health_ok(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut s) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_nodelay(true);
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let req = format!(
        "GET /_dxlocal/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < head.len() {
        match s.read(&mut head[got..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => got += n,
        }
    }
    head.starts_with(b"HTTP/1.1 200")
}

/// A server started for timing; killed on drop.
pub struct Timed {
    pub child: Child,
    pub port: u16,
    pub ready_after: Duration,
}

impl Timed {
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.child.id())
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dxlocal serve --listen 127.0.0.1:PORT EXTRA...` and polls health
/// until it answers 200. The clock starts just before the spawn, so it
/// includes fork and exec, the runtime, any journal replay and the bind.
pub fn start_timed(path: &Path, extra: &[OsString], timeout: Duration) -> Result<Timed, String> {
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let start = Instant::now();
    // Stdout and stderr go nowhere: a pipe nobody reads could block the
    // server, and reading one would take CPU from the start being timed.
    let mut child = Command::new(path)
        .args(["serve", "--listen", &listen])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", path.display()))?;
    loop {
        if health_ok(port) {
            return Ok(Timed {
                child,
                port,
                ready_after: start.elapsed(),
            });
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "{} serve --listen {listen} exited with {status} before answering \
                 (run it by hand to see why)",
                path.display()
            ));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} did not answer GET /_dxlocal/health within {}s",
                path.display(),
                timeout.as_secs()
            ));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// The cost of exec alone: the same binary printing its version and
/// exiting, a floor no server start-up can beat.
pub fn exec_floor(path: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let status = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("running {} --version: {e}", path.display()))?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!("{} --version exited with {status}", path.display()));
    }
    Ok(took)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort_unstable();
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_picks_the_middle() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![]), Duration::ZERO);
        assert_eq!(median(vec![ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(vec![ms(4), ms(1), ms(3), ms(2)]), ms(3));
    }

    #[test]
    fn health_fails_fast_on_a_closed_port() {
        let port = free_port().unwrap();
        assert!(!health_ok(port));
    }
}
