"""Starting and stopping the dxlocal binary under test, and its admin API."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import threading
import time
from pathlib import Path

import pytest

from support import http

REPO = Path(__file__).resolve().parents[2]
LISTEN_RE = re.compile(r"^dxlocal listening on (http://127\.0\.0\.1:(\d+))$")
STARTUP_TIMEOUT = 20.0


def dxlocal_bin() -> Path:
    path = Path(os.environ.get("DXLOCAL_BIN", "target/release/dxlocal"))
    return path if path.is_absolute() else REPO / path


class Server:
    """A running `dxlocal serve` and its admin API."""

    def __init__(self, args: list[str] | None = None):
        binary = dxlocal_bin()
        if not binary.exists():
            pytest.fail(f"dxlocal binary not found at {binary}; build it or set DXLOCAL_BIN")
        self.args = list(args or [])
        self.stderr_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"dxlocal-{os.getpid()}-{id(self)}.err"
        self._stderr = open(self.stderr_path, "w+b")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--listen", "127.0.0.1:0", *self.args],
            stdout=subprocess.PIPE, stderr=self._stderr)
        self.first_line = self._read_first_line()
        m = LISTEN_RE.match(self.first_line)
        if not m:
            self.stop()
            pytest.fail(f"unexpected first stdout line {self.first_line!r}; stderr: {self.stderr_tail()}")
        self.url = m.group(1)
        self.port = int(m.group(2))
        # Anything printed later is collected (and checked by test_cli), and
        # draining keeps a chatty server from blocking on a full pipe.
        self.extra_stdout = bytearray()
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()

    def _read_first_line(self) -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                pytest.fail(f"dxlocal did not print its address within {STARTUP_TIMEOUT}s; "
                            f"stderr: {self.stderr_tail()}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1)
            if not chunk:
                self.stop()
                pytest.fail(f"dxlocal exited before printing its address (code {self.proc.poll()}); "
                            f"stdout: {buf!r}; stderr: {self.stderr_tail()}")
            buf += chunk
        return buf.decode().rstrip("\r\n")

    def _drain_stdout(self):
        while True:
            chunk = self.proc.stdout.read1(4096) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(4096)
            if not chunk:
                return
            self.extra_stdout += chunk

    def stderr_tail(self, n: int = 4000) -> str:
        self._stderr.flush()
        try:
            return self.stderr_path.read_bytes()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        try:
            self.stderr_path.unlink()
        except OSError:
            pass

    # -- admin API ---------------------------------------------------------

    def admin(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        return http(method, self.url + path, data, headers)

    def reset(self):
        resp = self.admin("POST", "/_dxlocal/reset")
        assert resp.status == 200, (resp.status, resp.body)

    def advance(self, seconds: float):
        """Move the virtual clock forward."""
        resp = self.admin("POST", "/_dxlocal/clock/advance", {"seconds": seconds})
        assert resp.status == 200, (resp.status, resp.body)
