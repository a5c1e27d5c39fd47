//! Keeps the README's operation coverage table true: which operations the
//! engine implements (probed, not listed by hand) and which real clients
//! exercise each one (found in the test sources).
//!
//! `DXLOCAL_UPDATE_COVERAGE=1 cargo test -p dxlocal-engine --test coverage`
//! rewrites the table after a change.

use dxlocal_engine::{Caller, Engine, EngineConfig};
use dxlocal_model::{Input, Operation};
use std::path::{Path, PathBuf};

const START: &str = "<!-- coverage:start -->";
const END: &str = "<!-- coverage:end -->";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn sources(dir: &Path, ext: &str) -> String {
    let mut text = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return text;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            text.push_str(&sources(&p, ext));
        } else if p.extension().is_some_and(|x| x == ext) {
            text.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
    text
}

fn table() -> String {
    let python = sources(&repo().join("tests/python"), "py");
    let rust = sources(&repo().join("crates/sdk-tests/tests"), "rs");
    let js = sources(&repo().join("tests/js"), "mjs");
    let mut engine = Engine::new(EngineConfig::default(), 0.0);
    let caller = Caller::new("123456789012", "us-east-1");
    let mut rows =
        String::from("| operation | implemented | real clients that test it |\n|---|---|---|\n");
    let mut implemented = 0;
    for op in Operation::ALL {
        let answer = engine.execute(&caller, Input::placeholder(*op), 0.0);
        let done = !matches!(&answer, Err(e) if e.status == 501);
        implemented += usize::from(done);
        let name = snake(op.name());
        let mut clients = Vec::new();
        if python.contains(&format!(".{name}(")) {
            clients.push("boto3 (JSON), botocore (CBOR)");
        }
        if rust.contains(&format!(".{name}()")) {
            clients.push("aws-sdk-rust");
        }
        if js.contains(&format!("{}Command", op.name())) {
            clients.push("JS SDK v3 (JSON, CBOR)");
        }
        rows.push_str(&format!(
            "| {} | {} | {} |\n",
            op.name(),
            if done { "yes" } else { "501" },
            if clients.is_empty() {
                "-".to_string()
            } else {
                clients.join(", ")
            }
        ));
    }
    format!(
        "{implemented} of {} operations implemented.\n\n{rows}",
        Operation::ALL.len()
    )
}

#[test]
fn readme_coverage_table_is_current() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} / {END} markers");
    };
    let expected = format!("{START}\n{}{END}", table());
    let current = &readme[a..b + END.len()];
    if current != expected {
        if std::env::var_os("DXLOCAL_UPDATE_COVERAGE").is_some() {
            let updated = format!("{}{expected}{}", &readme[..a], &readme[b + END.len()..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README coverage table is stale; run DXLOCAL_UPDATE_COVERAGE=1 cargo test -p dxlocal-engine --test coverage\n{expected}"
            );
        }
    }
}
