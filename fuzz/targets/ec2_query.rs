//! Fuzz target: the EC2/STS Query decoder.
//!
//! Input: `<URL query string>\n<form body>` (no newline: all body). The
//! pair goes through `query::parse_form` and, when that succeeds, the EC2
//! parameter decoder; an error must be a 4xx that the EC2 and STS error
//! encoders can render.
//!
//! Shared, via `#[path]`, by `fuzz/fuzz_targets/ec2_query.rs` and
//! `crates/wire/tests/fuzz_corpus.rs`.

use dxlocal_wire::query;

pub fn run(data: &[u8]) {
    let (query_string, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    let error = match query::parse_form(body, query_string) {
        Ok(request) => match query::ec2::decode(&request) {
            Ok(_) => return,
            Err(e) => e,
        },
        Err(e) => e,
    };
    assert!(
        (400..500).contains(&error.status),
        "query decode failure must be a client error, got {} {}",
        error.status,
        error.code
    );
    let ec2 = query::ec2::encode_error(&error, "fuzz-request-id");
    assert_eq!(ec2.status, error.status);
    let sts =
        query::sts::encode_error(&error.code, &error.message, error.status, "fuzz-request-id");
    assert_eq!(sts.status, error.status);
}
