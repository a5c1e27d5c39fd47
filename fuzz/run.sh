#!/usr/bin/env bash
# Runs every fuzz target under libFuzzer (cargo-fuzz) for a bounded time.
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]   (default 30)
#
# Toolchain: nightly when installed; otherwise the stable toolchain with
# RUSTC_BOOTSTRAP=1, which lets stable rustc accept the -Z flags cargo-fuzz
# passes. Either way without a sanitizer (`-s none`): the decoders are safe
# Rust, so AddressSanitizer would find little and costs a slower build and
# about 20x fewer executions per second. If cargo-fuzz cannot be installed,
# the stable-Rust corpus runners run instead. Exit status is non-zero if
# any target failed. See fuzz/README.md.
set -uo pipefail

SECONDS_PER_TARGET="${1:-30}"
FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ_DIR")"
TARGETS=(json_decode cbor_decode ec2_query sigv4_parse)

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || (( SECONDS_PER_TARGET < 1 )); then
    echo "usage: $0 [SECONDS_PER_TARGET]" >&2
    exit 2
fi

stable_fallback() {
    echo "fuzz: $1; running the stable corpus runners instead (saved seeds + bounded mutations)"
    cd "$ROOT" || exit 1
    cargo test --release -p dxlocal-wire --test fuzz_corpus &&
        cargo test --release -p dxlocal-auth --test fuzz_corpus
}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz from crates.io"
    if ! cargo install cargo-fuzz --locked --quiet; then
        stable_fallback "cargo-fuzz could not be installed"
        exit $?
    fi
fi

if cargo +nightly --version >/dev/null 2>&1; then
    FUZZ=(cargo +nightly fuzz)
    toolchain="nightly"
else
    FUZZ=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
    toolchain="stable with RUSTC_BOOTSTRAP=1"
fi

cd "$FUZZ_DIR" || exit 1
echo "fuzz: building the targets ($toolchain, no sanitizer)"
if ! "${FUZZ[@]}" build -O -s none; then
    stable_fallback "the libFuzzer build failed"
    exit $?
fi

passed=0
failed=0
for target in "${TARGETS[@]}"; do
    # New inputs go to corpus/ (not committed); seeds/ is only read.
    mkdir -p "corpus/$target"
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
    if "${FUZZ[@]}" run -O -s none "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/" >&2
    fi
done
echo "fuzz: $passed passed, $failed failed"
(( failed == 0 ))
