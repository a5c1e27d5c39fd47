//! The dxlocal server under test, run as a child process.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const READY_PREFIX: &str = "dxlocal listening on ";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const STDERR_TAIL_LINES: usize = 20;
const STDERR_TAIL_BYTES: usize = 8 * 1024;

/// Killed on drop, so an early `?` in the bench never leaves a server behind.
pub struct ServerProcess {
    child: Child,
    pub url: String,
    stderr_tail: Arc<Mutex<VecDeque<u8>>>,
}

impl ServerProcess {
    pub fn default_path() -> Result<PathBuf, String> {
        let exe = std::env::current_exe().map_err(|e| format!("locating the bench binary: {e}"))?;
        let dir = exe
            .parent()
            .ok_or_else(|| "the bench binary has no parent directory".to_string())?;
        Ok(dir.join(format!("dxlocal{}", std::env::consts::EXE_SUFFIX)))
    }

    pub fn start(path: &Path, lifecycle: &str) -> Result<Self, String> {
        Self::start_with(path, &["--lifecycle".into(), lifecycle.into()])
    }

    /// `serve --listen 127.0.0.1:0` plus `extra` (more `serve` flags).
    pub fn start_with(path: &Path, extra: &[OsString]) -> Result<Self, String> {
        check_binary(path)?;
        let mut child = Command::new(path)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", path.display()))?;

        // Both pipes are drained for the server's whole life: a full pipe
        // would block it. The server logs a line per request to stderr, so
        // that is read in large chunks and only a tail is kept.
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(mut err) = child.stderr.take() {
            let tail = stderr_tail.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                    t.extend(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL_BYTES);
                    t.drain(..excess);
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            let mut reader = BufReader::new(out);
            let mut line = String::new();
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if let Some(url) = line.trim().strip_prefix(READY_PREFIX) {
                            let _ = tx.send(url.to_string());
                            break;
                        }
                    }
                }
            }
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });

        let mut server = ServerProcess {
            child,
            url: String::new(),
            stderr_tail,
        };
        match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(url) => {
                server.url = url;
                Ok(server)
            }
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                // Let the stderr reader catch up with a server that just died.
                std::thread::sleep(Duration::from_millis(200));
                let why = match status {
                    Some(s) => format!("exited with {s}"),
                    None => format!(
                        "printed no `{READY_PREFIX}http://...` line within {}s",
                        STARTUP_TIMEOUT.as_secs()
                    ),
                };
                Err(format!(
                    "server {} {why}{}",
                    path.display(),
                    server.stderr_text()
                ))
            }
        }
    }

    pub fn stderr_text(&self) -> String {
        let t = self.stderr_tail.lock().unwrap_or_else(|p| p.into_inner());
        let (a, b) = t.as_slices();
        let text = String::from_utf8_lossy(&[a, b].concat()).into_owned();
        let mut lines: Vec<&str> = text.lines().collect();
        if t.len() == STDERR_TAIL_BYTES && !lines.is_empty() {
            // Most likely cut in the middle by the byte limit.
            lines.remove(0);
        }
        let lines = &lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..];
        if lines.is_empty() {
            String::new()
        } else {
            format!("\nserver stderr (last lines):\n  {}", lines.join("\n  "))
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size of the server process, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid())
    }

    /// SIGKILL: no shutdown hook runs, as in a crash.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn check_binary(path: &Path) -> Result<(), String> {
    if path.exists() {
        Ok(())
    } else {
        Err(format!(
            "server binary {} not found; build it first with \
             `cargo build --release -p dxlocal -p dxlocal-bench` \
             (or pass --server PATH or --endpoint URL)",
            path.display()
        ))
    }
}

/// VmRSS from /proc/PID/status, in KiB; `None` where there is no procfs.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
}

/// SIGTERM through kill(1): std cannot send signals, and a clean stop (not
/// SIGKILL) is what the durable start-up measurement needs to follow.
pub fn terminate(child: &mut Child, timeout: Duration) -> Result<ExitStatus, String> {
    if let Ok(Some(status)) = child.try_wait() {
        return Ok(status);
    }
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("running kill -TERM: {e}"))?;
    if !sent.success() {
        return Err(format!("kill -TERM {} failed", child.id()));
    }
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "process {} did not exit within {}s of SIGTERM; killed",
                child.id(),
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
