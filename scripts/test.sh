#!/usr/bin/env bash
# Build everything, run the Rust tests, then the Python conformance suite
# against the release binary. Extra arguments go to pytest, e.g.
#   scripts/test.sh -k confirm -x
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cargo build --release --workspace
cargo test --release --workspace

REQS="tests/python/requirements.txt"
VENV=".venv"
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
# Reinstall only when the pins change (or the venv is missing or broken).
if [[ ! -x "$VENV/bin/python" ]] || [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    echo "$want" > "$STAMP"
fi

DXLOCAL_BIN="target/release/dxlocal" "$VENV/bin/python" -m pytest tests/python -q "$@"

# `npm ci` in an npm project only when its lockfile changes (or
# node_modules is missing); the stamp lives in node_modules so `npm ci`,
# which starts by deleting that directory, also drops a stale stamp.
npm_ci_once() {
    local dir="$1" stamp="$1/node_modules/.package-lock.sha256" want
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    if [[ ! -d "$dir/node_modules" ]] || [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
        npm ci --prefix "$dir" --no-audit --no-fund
        echo "$want" > "$stamp"
    fi
}

# The JS SDK v3 suite.
JS="tests/js"
npm_ci_once "$JS"
DXLOCAL_BIN="target/release/dxlocal" npm test --prefix "$JS"

# The dashboard in a real headless Chromium: Debian's package (a test tool's
# own browser download is never used), driven by playwright-core.
if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" == 0 ]]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
    "${apt_get[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends chromium
fi
E2E="tests/e2e"
npm_ci_once "$E2E"
DXLOCAL_BIN="target/release/dxlocal" DXLOCAL_PYTHON="$VENV/bin/python" npm test --prefix "$E2E"
