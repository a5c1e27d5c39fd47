//! `dxlocal state export|import FILE`: against a running server (through
//! the admin API) or directly on a state directory.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use dxlocal::config::StateArgs;

pub fn export(args: &StateArgs) -> ExitCode {
    let document = match &args.state_dir {
        Some(dir) => dxlocal::export_dir(dir),
        None => request(&args.endpoint, "GET", b"").and_then(|(status, body)| {
            if status == 200 {
                Ok(body)
            } else {
                Err(format!(
                    "the server answered {status}: {}",
                    String::from_utf8_lossy(&body)
                ))
            }
        }),
    };
    let written = document.and_then(|doc| {
        if args.file.as_os_str() == "-" {
            std::io::stdout().write_all(&doc).map_err(|e| e.to_string())
        } else {
            std::fs::write(&args.file, doc).map_err(|e| format!("{}: {e}", args.file.display()))
        }
    });
    finish(written.map(|()| String::new()))
}

pub fn import(args: &StateArgs) -> ExitCode {
    let document = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map(|_| buf)
            .map_err(|e| e.to_string())
    } else {
        std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))
    };
    let done = document.and_then(|doc| match &args.state_dir {
        Some(dir) => dxlocal::import_dir(dir, &doc)
            .map(|n| format!("imported {n} calls into {}", dir.display())),
        None => request(&args.endpoint, "PUT", &doc).and_then(|(status, body)| {
            let text = String::from_utf8_lossy(&body).into_owned();
            if status == 200 {
                Ok(format!("imported: {text}"))
            } else {
                Err(format!("the server answered {status}: {text}"))
            }
        }),
    });
    finish(done)
}

fn finish(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(message) => {
            if !message.is_empty() {
                eprintln!("dxlocal: {message}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dxlocal: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One HTTP/1.1 exchange with `/_dxlocal/state` (the admin API needs no
/// signature, so no SDK is involved).
fn request(endpoint: &str, method: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| format!("endpoint {endpoint} must start with http://"))?
        .trim_end_matches('/');
    let (host, prefix) = authority
        .split_once('/')
        .map_or((authority, ""), |(h, p)| (h, p));
    let mut stream =
        TcpStream::connect(host).map_err(|e| format!("cannot reach {endpoint}: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(300)));
    let path = if prefix.is_empty() {
        "/_dxlocal/state".to_string()
    } else {
        format!("/{prefix}/_dxlocal/state")
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("malformed HTTP response")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("malformed HTTP status line")?;
    let mut body = raw[split + 4..].to_vec();
    // The server answers with Content-Length; chunked bodies are decoded too.
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 || eol + 2 + size > data.len() {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}
