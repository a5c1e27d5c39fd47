//! `cargo run -p dxlocal-codegen` rewrites crates/model/src/generated.rs from
//! the vendored model; `-- --check` only reports whether it is up to date.

fn main() {
    let check = std::env::args().any(|a| a == "--check");
    let expected = dxlocal_codegen::expected_output();
    let path = dxlocal_codegen::output_path();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if check {
        if current != expected {
            eprintln!(
                "{} is out of date: run `cargo run -p dxlocal-codegen`",
                path.display()
            );
            std::process::exit(1);
        }
        println!("{} is up to date", path.display());
    } else if current != expected {
        std::fs::write(&path, expected).expect("write generated.rs");
        println!("wrote {}", path.display());
    } else {
        println!("{} already up to date", path.display());
    }
}
