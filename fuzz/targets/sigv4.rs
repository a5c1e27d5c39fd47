//! Fuzz target: the SigV4 parser and the strict-mode verifier.
//!
//! Input: newline-separated fields, missing ones empty:
//! `authorization`, `x-amz-date`, `x-amz-security-token`, `query`, `method`,
//! `path`, then `name: value` header lines up to an empty line, then the
//! body. `SigV4::parse` sees the first four; `verify_request` sees the
//! whole request, against one configured key (the AWS documentation's
//! example key) at a fixed "now" (that example's date), so valid seeds
//! verify and mutations explore every refusal. Error texts must stay short
//! and single-line (they end up in responses and the request log).
//!
//! Shared, via `#[path]`, by `fuzz/fuzz_targets/sigv4_parse.rs` and
//! `crates/auth/tests/fuzz_corpus.rs`.

use std::time::{Duration, UNIX_EPOCH};

use dxlocal_auth::{verify_request, AuthParts, Credentials, Dialect, ReceivedRequest, SigV4};

/// 2015-08-30T12:36:00Z, the date of the AWS documentation's example.
const NOW: u64 = 1_440_938_160;

pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let mut field = || lines.next().filter(|s| !s.is_empty());
    let authorization = field();
    let x_amz_date = field();
    let security_token = field();
    let query = field();
    let method = field().unwrap_or("POST");
    let path = field().unwrap_or("/");
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.as_bytes().to_vec()));
        }
    }
    let body: Vec<u8> = lines.collect::<Vec<_>>().join("\n").into_bytes();

    let parts = AuthParts {
        authorization,
        x_amz_date,
        security_token,
        query,
    };
    if let Err(e) = SigV4::parse(&parts) {
        let message = e.to_string();
        assert!(message.len() < 512, "parse error too long: {message}");
        assert!(
            !message.contains('\n'),
            "parse error spans lines: {message}"
        );
    }

    let mut creds = Credentials::empty();
    creds
        .insert(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "111111111111",
        )
        .expect("the example key is valid");
    let header_view: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let request = ReceivedRequest {
        method,
        path,
        query,
        headers: &header_view,
        body: &body,
    };
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    if let Err(e) = verify_request(&parts, &request, &creds, &["iam", "directconnect"], now) {
        // The detail may echo the canonical request (bounded) for a
        // signature mismatch; the log note is always one line.
        assert!(e.detail.len() < 16 * 1024, "detail too long");
        assert!(!e.log_note().contains('\n'));
        for dialect in [Dialect::Json, Dialect::Ec2, Dialect::Sts] {
            let wire = e.wire(dialect);
            assert!((400..500).contains(&wire.status));
        }
    }
}
