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
    /// CPU time the process had used by its first answer, and how long its
    /// main thread had waited for a CPU: on a busy machine the wall time
    /// alone mixes the server's work with everyone else's.
    pub cpu: Option<CpuTimes>,
}

#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    pub on_cpu_s: f64,
    pub waiting_s: f64,
}

/// Linux's USER_HZ, the unit of /proc/PID/stat times, on every architecture
/// it supports.
const USER_HZ: f64 = 100.0;

/// utime + stime (all threads) from /proc/PID/stat, and the main thread's
/// run-queue wait from /proc/PID/schedstat; `None` without procfs.
pub fn cpu_times(pid: u32) -> Option<CpuTimes> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; fields are counted after its ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    let sched = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let waiting_ns: f64 = sched.split_whitespace().nth(1)?.parse().ok()?;
    Some(CpuTimes {
        on_cpu_s: ticks / USER_HZ,
        waiting_s: waiting_ns / 1e9,
    })
}

/// CPU time all threads of `pid` have run, in nanoseconds, from
/// /proc/PID/task/*/schedstat (finer than /proc/PID/stat's 10 ms ticks,
/// which a one-second slice would see in 1% steps); `None` without procfs.
pub fn cpu_ns(pid: u32) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        // A thread may end between the listing and the read.
        if let Ok(s) = std::fs::read_to_string(task.ok()?.path().join("schedstat")) {
            total += s.split_whitespace().next()?.parse::<u64>().ok()?;
        }
    }
    Some(total)
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

/// Runs `program` with `args(port)` and polls health until it answers
/// 200. The clock starts just before the spawn, so it includes fork and
/// exec, the runtime, any journal replay and the bind.
pub fn start_timed(
    program: &Path,
    args: &dyn Fn(u16) -> Vec<OsString>,
    timeout: Duration,
) -> Result<Timed, String> {
    let port = free_port()?;
    let args = args(port);
    let shown = || {
        let mut s = program.display().to_string();
        for a in &args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    };
    let start = Instant::now();
    // Stdout and stderr go nowhere: a pipe nobody reads could block the
    // server, and reading one would take CPU from the start being timed.
    let mut child = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", shown()))?;
    loop {
        if health_ok(port) {
            let ready_after = start.elapsed();
            let cpu = cpu_times(child.id());
            return Ok(Timed {
                child,
                port,
                ready_after,
                cpu,
            });
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "{} exited with {status} before answering (run it by hand to see why)",
                shown()
            ));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} did not answer GET /_dxlocal/health within {}s",
                shown(),
                timeout.as_secs()
            ));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// `dxlocal serve --listen 127.0.0.1:PORT EXTRA...`
pub fn serve_args(extra: &[OsString]) -> impl Fn(u16) -> Vec<OsString> + '_ {
    move |port| {
        let mut v: Vec<OsString> = vec![
            "serve".into(),
            "--listen".into(),
            format!("127.0.0.1:{port}").into(),
        ];
        v.extend(extra.iter().cloned());
        v
    }
}

/// The floor in a process of its own (this binary's hidden `serve-floor`):
/// exec to first answer of a server that does nothing else.
pub fn floor_args(port: u16) -> Vec<OsString> {
    vec![
        "serve-floor".into(),
        "--listen".into(),
        format!("127.0.0.1:{port}").into(),
    ]
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
    fn reads_its_own_cpu_times() {
        if std::path::Path::new("/proc/self/stat").exists() {
            let t = cpu_times(std::process::id()).unwrap();
            assert!(t.on_cpu_s >= 0.0 && t.waiting_s >= 0.0);
            // Spinning shows up as CPU time, however busy the machine (the
            // wall-clock bound only stops a broken reading from hanging).
            let before = cpu_ns(std::process::id()).unwrap();
            let spin = std::time::Instant::now();
            let mut now = before;
            while now < before + 10_000_000 && spin.elapsed() < std::time::Duration::from_secs(10) {
                std::hint::black_box(0);
                now = cpu_ns(std::process::id()).unwrap();
            }
            assert!(now >= before + 10_000_000);
        }
    }

    #[test]
    fn health_fails_fast_on_a_closed_port() {
        let port = free_port().unwrap();
        assert!(!health_ok(port));
    }
}
