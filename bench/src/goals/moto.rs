//! moto's server (`pip install 'moto[server]'`), when it is installed, as
//! a comparison: the bench never installs it and runs fine without it.

use crate::goals::startup::free_port;
use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NOT_INSTALLED: &str = "moto: not installed (pip install 'moto[server]')";

/// moto is a Python program; its first import alone takes seconds.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How to run moto's server: a program and the arguments before `-H`/`-p`.
#[derive(Debug, Clone)]
pub struct MotoCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl MotoCommand {
    pub fn describe(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn python_has_moto(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import moto.server"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `--moto` if given, else `moto_server` on PATH, else `python3 -m
/// moto.server` when python3 can import it (an active virtualenv).
pub fn find(explicit: Option<&Path>) -> Option<MotoCommand> {
    if let Some(p) = explicit {
        return Some(MotoCommand {
            program: p.to_path_buf(),
            args: vec![],
        });
    }
    if let Some(p) = on_path("moto_server") {
        return Some(MotoCommand {
            program: p,
            args: vec![],
        });
    }
    let python = on_path("python3")?;
    python_has_moto(&python).then(|| MotoCommand {
        program: python,
        args: vec!["-m".into(), "moto.server".into()],
    })
}

/// A running moto server; killed on drop.
pub struct MotoServer {
    child: Child,
    pub addr: SocketAddr,
}

impl MotoServer {
    pub fn start(cmd: &MotoCommand) -> Result<Self, String> {
        let port = free_port()?;
        let mut child = Command::new(&cmd.program)
            .args(&cmd.args)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // moto logs every request here; nobody reads it.
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", cmd.describe()))?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let start = Instant::now();
        loop {
            if TcpStream::connect(addr).is_ok() {
                return Ok(MotoServer { child, addr });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("{} exited with {status}", cmd.describe()));
            }
            if start.elapsed() > STARTUP_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not listen on {addr} within {}s",
                    cmd.describe(),
                    STARTUP_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
