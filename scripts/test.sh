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
