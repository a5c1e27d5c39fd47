#![no_main]

// The target body lives in targets/ec2_query.rs so that the stable-Rust corpus
// runner (cargo test) executes exactly the same code.
#[path = "../targets/ec2_query.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
