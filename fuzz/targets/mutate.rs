//! A small, deterministic input mutator and driver, so that the fuzz
//! targets also run on stable Rust (under `cargo test`) without
//! libFuzzer: every saved seed is replayed, then a bounded number of
//! mutated inputs (bit flips, byte edits, splices, dictionary tokens) are
//! fed to the target. It is much weaker than coverage-guided fuzzing, but
//! it runs everywhere and catches regressions on the saved corpus.
//!
//! Environment: `DXLOCAL_FUZZ_ITERATIONS` (default 20000 per target) and
//! `DXLOCAL_FUZZ_SEED` (default fixed, so CI runs are reproducible).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// SplitMix64: tiny, deterministic and good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One to eight random edits of `input`, never longer than `max_len`.
pub fn mutate(
    rng: &mut Rng,
    input: &[u8],
    others: &[Vec<u8>],
    dict: &[&[u8]],
    max_len: usize,
) -> Vec<u8> {
    const INTERESTING: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0xff, 0x1f, 0x20, 0x9f, 0xbf, 0xf9];
    let mut out = input.to_vec();
    for _ in 0..=rng.below(8) {
        let len = out.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                out.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                out.drain(start..end);
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(32)).min(len);
                let chunk = out[start..end].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, chunk);
            }
            5 if !dict.is_empty() => {
                let token = dict[rng.below(dict.len())];
                let at = rng.below(len + 1);
                out.splice(at..at, token.iter().copied());
            }
            6 if len > 0 => {
                let i = rng.below(len);
                out[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            7 if !others.is_empty() => {
                // Splice: a prefix of this input and a suffix of another.
                let other = &others[rng.below(others.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            _ => {
                let keep = rng.below(len + 1);
                out.truncate(keep);
            }
        }
        out.truncate(max_len);
    }
    out
}

/// Every file directly in `dir`, sorted by name (empty if it is missing).
pub fn load_corpus(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter_map(|p| std::fs::read(&p).ok().map(|data| (p, data)))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Replays the corpus in `dir`, then feeds mutated inputs to `target`.
/// A panic fails the test naming the input (escaped) and where it was
/// saved, so it can be added to the corpus as a regression.
pub fn drive(name: &str, dir: &Path, dict: &[&[u8]], target: fn(&[u8])) {
    let corpus = load_corpus(dir);
    assert!(
        !corpus.is_empty(),
        "no saved corpus for {name} in {}",
        dir.display()
    );
    for (path, data) in &corpus {
        check(
            name,
            data,
            target,
            &format!("corpus file {}", path.display()),
        );
    }
    let inputs: Vec<Vec<u8>> = corpus.into_iter().map(|(_, d)| d).collect();
    let iterations = env_u64("DXLOCAL_FUZZ_ITERATIONS", 20_000);
    let seed = env_u64("DXLOCAL_FUZZ_SEED", 0x6478_6c6f_6361_6c00);
    let mut rng = Rng::new(
        seed ^ name
            .bytes()
            .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)),
    );
    let max_len = inputs.iter().map(Vec::len).max().unwrap_or(0) * 2 + 64;
    for i in 0..iterations {
        let base = &inputs[rng.below(inputs.len())];
        let input = mutate(&mut rng, base, &inputs, dict, max_len);
        check(
            name,
            &input,
            target,
            &format!("mutation {i} (DXLOCAL_FUZZ_SEED={seed})"),
        );
    }
}

fn check(name: &str, input: &[u8], target: fn(&[u8]), origin: &str) {
    if catch_unwind(AssertUnwindSafe(|| target(input))).is_ok() {
        return;
    }
    let dir = std::env::temp_dir().join("dxlocal-fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let saved = dir.join(format!("{name}-{:016x}", fnv(input)));
    let _ = std::fs::write(&saved, input);
    let shown: String = input
        .iter()
        .take(512)
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect();
    panic!(
        "fuzz target {name} panicked on {origin}; input saved to {} \
         (copy it into fuzz/seeds/{name}/ as a regression once fixed): b\"{shown}\"",
        saved.display()
    );
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
