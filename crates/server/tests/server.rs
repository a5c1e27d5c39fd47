//! Black-box tests of the `dxlocal` binary: start-up line, admin API,
//! protocol-shaped rejections, request log and signal handling.

mod common;

use std::io::{Read, Write};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{Conn, Server};

const MAX_BODY: usize = dxlocal_wire::MAX_BODY_BYTES;

fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[test]
fn health_reports_lifecycle_and_virtual_time() {
    let server = Server::start(&[]);
    let mut conn = server.connect();
    let before = wall_now();
    let resp = conn.get("/_dxlocal/health");
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    resp.request_id();
    let body = resp.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["lifecycle"], "instant");
    let now = body["now"].as_f64().expect("now is a number");
    assert!((now - before).abs() < 5.0, "now={now} wall={before}");

    // Same connection again: keep-alive works.
    assert_eq!(conn.get("/_dxlocal/health").status, 200);
}

#[test]
fn lifecycle_from_environment_and_manual_clock() {
    let server = Server::start_with_env(
        &[],
        &[("DXLOCAL_LIFECYCLE", "manual"), ("DXLOCAL_SEED", "7")],
    );
    let mut conn = server.connect();
    let health = conn.get("/_dxlocal/health").json();
    assert_eq!(health["lifecycle"], "manual");
    let t0 = health["now"].as_f64().unwrap();

    let resp = conn.post_json("/_dxlocal/clock/advance", r#"{"seconds": 3600}"#);
    assert_eq!(resp.status, 200);
    resp.request_id();
    let t1 = resp.json()["now"].as_f64().unwrap();
    // Manual time is frozen, so the advance is exact.
    assert_eq!(t1, t0 + 3600.0);

    let resp = conn.post_json("/_dxlocal/clock/advance", r#"{"seconds": 0.5}"#);
    assert_eq!(resp.json()["now"].as_f64().unwrap(), t1 + 0.5);
    assert_eq!(
        conn.get("/_dxlocal/health").json()["now"].as_f64().unwrap(),
        t1 + 0.5
    );
}

#[test]
fn clock_advance_rejects_bad_bodies() {
    let server = Server::start(&["--lifecycle", "manual"]);
    let mut conn = server.connect();
    let t0 = conn.get("/_dxlocal/health").json()["now"].as_f64().unwrap();
    for body in [
        "",
        "nope",
        "[]",
        "{}",
        r#"{"seconds": "10"}"#,
        r#"{"seconds": -1}"#,
        r#"{"seconds": 1e300}"#,
    ] {
        let resp = conn.post_json("/_dxlocal/clock/advance", body);
        assert_eq!(resp.status, 400, "body {body:?}");
        resp.request_id();
        let json = resp.json();
        assert_eq!(json["error"], "BadRequest");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Nothing moved.
    assert_eq!(
        conn.get("/_dxlocal/health").json()["now"].as_f64().unwrap(),
        t0
    );

    let resp = conn.get("/_dxlocal/clock/advance");
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("allow"), Some("POST"));
}

#[test]
fn reset_answers_ok() {
    let server = Server::start(&["--seed", "1"]);
    let mut conn = server.connect();
    let resp = conn.post_json("/_dxlocal/reset", "");
    assert_eq!(resp.status, 200);
    resp.request_id();
    assert_eq!(resp.json()["status"], "ok");
    assert_eq!(conn.get("/_dxlocal/reset").status, 405);
}

#[test]
fn unknown_paths_are_404() {
    let server = Server::start(&[]);
    let mut conn = server.connect();

    let resp = conn.get("/_dxlocal/nope");
    assert_eq!(resp.status, 404);
    resp.request_id();
    assert_eq!(resp.json()["error"], "NotFound");

    let resp = conn.get("/favicon.ico");
    assert_eq!(resp.status, 404);
    resp.request_id();
    assert_eq!(resp.json()["__type"], "UnknownOperationException");

    // The connection survives 404s.
    assert_eq!(conn.get("/_dxlocal/health").status, 200);
}

#[test]
fn direct_connect_protocol_errors_have_request_ids() {
    let server = Server::start(&[]);
    let mut conn = server.connect();
    let resp = conn.request(
        "POST",
        "/",
        &[
            ("x-amz-target", "OvertureService.NoSuchOperation"),
            ("content-type", "application/x-amz-json-1.1"),
        ],
        b"{}",
    );
    assert_eq!(resp.status, 400);
    resp.request_id();
    assert_eq!(resp.json()["__type"], "UnknownOperationException");
    assert_eq!(
        resp.header("x-amzn-errortype"),
        Some("UnknownOperationException")
    );

    let resp = conn.request(
        "GET",
        "/",
        &[("x-amz-target", "OvertureService.DescribeLocations")],
        b"",
    );
    assert_eq!(resp.status, 405);
    resp.request_id();
}

#[test]
fn oversized_body_with_content_length_is_413_in_the_protocol_shape() {
    let server = Server::start(&[]);

    // awsJson1_1: refused from the header alone, before any body is sent.
    let mut conn = server.connect();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\nx-amz-target: OvertureService.DescribeLocations\r\n\
         content-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    conn.stream().write_all(head.as_bytes()).unwrap();
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 413);
    resp.request_id();
    assert_eq!(resp.json()["__type"], "SerializationException");
    assert_eq!(
        resp.header("x-amzn-errortype"),
        Some("SerializationException")
    );
    assert_eq!(resp.header("connection"), Some("close"));

    // RPC v2 CBOR: the error is a CBOR body with the smithy-protocol header.
    let mut conn = server.connect();
    let head = format!(
        "POST /service/OvertureService/operation/DescribeLocations HTTP/1.1\r\nhost: localhost\r\n\
         smithy-protocol: rpc-v2-cbor\r\ncontent-type: application/cbor\r\ncontent-length: {}\r\n\r\n",
        MAX_BODY * 4
    );
    conn.stream().write_all(head.as_bytes()).unwrap();
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 413);
    resp.request_id();
    assert_eq!(resp.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(resp.header("content-type"), Some("application/cbor"));

    // Query (EC2): XML error.
    let mut conn = server.connect();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: {}\r\n\r\n",
        MAX_BODY + 10
    );
    conn.stream().write_all(head.as_bytes()).unwrap();
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 413);
    let id = resp.request_id().to_string();
    let body = String::from_utf8(resp.body).unwrap();
    assert!(
        body.contains("<Code>RequestEntityTooLarge</Code>"),
        "{body}"
    );
    assert!(body.contains(&id), "{body}");

    // Admin: JSON error. Its bound is larger (a scenario document may be
    // hundreds of megabytes): 256 MiB.
    let mut conn = server.connect();
    let head = format!(
        "POST /_dxlocal/clock/advance HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n\r\n",
        (256 << 20) + 1
    );
    conn.stream().write_all(head.as_bytes()).unwrap();
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 413);
    assert_eq!(resp.json()["error"], "RequestEntityTooLarge");
}

#[test]
fn oversized_chunked_body_is_cut_off_at_the_bound() {
    let server = Server::start(&[]);
    let mut conn = server.connect();
    let head =
        "POST / HTTP/1.1\r\nhost: localhost\r\nx-amz-target: OvertureService.DescribeLocations\r\n\
                content-type: application/x-amz-json-1.1\r\ntransfer-encoding: chunked\r\n\r\n";
    let mut writer = conn.stream().try_clone().unwrap();
    // Write from another thread: the server stops reading at the bound,
    // and the response must still arrive.
    let sender = thread::spawn(move || {
        let chunk = vec![b' '; 64 * 1024];
        let _ = writer.write_all(head.as_bytes());
        for _ in 0..(MAX_BODY / chunk.len() + 2) {
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk.clone(),
                b"\r\n".to_vec(),
            ]
            .concat();
            if writer.write_all(&framed).is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n");
    });
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 413);
    resp.request_id();
    assert_eq!(resp.json()["__type"], "SerializationException");
    sender.join().unwrap();
}

#[test]
fn request_log_lines_on_stderr() {
    let server = Server::start(&[]);
    let mut conn = server.connect();
    let resp = conn.get("/_dxlocal/health");
    let id = resp.request_id().to_string();
    let log = server.wait_for_log(&id);
    let line = log
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("no log line for {id}: {log}"));
    assert!(
        line.contains(" /_dxlocal/health account=- region=- protocol=admin status=200 latency_us="),
        "{line}"
    );
    assert!(line.ends_with(&format!("request_id={id}")), "{line}");

    let sig = "0".repeat(64);
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=210987654321/20240101/eu-west-1/directconnect/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={sig}"
    );
    let resp = conn.request(
        "POST",
        "/",
        &[
            ("x-amz-target", "OvertureService.NoSuchOperation"),
            ("authorization", &auth),
        ],
        b"{}",
    );
    let id = resp.request_id().to_string();
    let log = server.wait_for_log(&id);
    let line = log.lines().find(|l| l.contains(&id)).unwrap();
    assert!(
        line.contains(" NoSuchOperation account=210987654321 region=eu-west-1 protocol=awsJson1_1 status=400 "),
        "{line}"
    );
    assert!(line.contains("error=UnknownOperationException"), "{line}");

    // A malformed signature is tolerated and noted.
    let resp = conn.request(
        "POST",
        "/",
        &[
            ("x-amz-target", "OvertureService.NoSuchOperation"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=x"),
        ],
        b"{}",
    );
    let id = resp.request_id().to_string();
    let log = server.wait_for_log(&id);
    let line = log.lines().find(|l| l.contains(&id)).unwrap();
    assert!(
        line.contains("account=123456789012 region=us-east-1"),
        "{line}"
    );
    assert!(line.contains(" auth=\""), "{line}");

    // stdout carried only the listening line; everything else went to stderr.
    assert!(log.contains("dxlocal: lifecycle=instant"));
}

#[test]
fn sigterm_finishes_and_exits_zero() {
    let mut server = Server::start(&[]);
    // An idle keep-alive connection must not hold the shutdown up.
    let mut idle = server.connect();
    assert_eq!(idle.get("/_dxlocal/health").status, 200);
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("exited after SIGTERM");
    assert_eq!(status.code(), Some(0), "stderr: {}", server.stderr());
    assert!(idle.is_closed());
    assert!(
        Conn::try_open(server.addr).is_err(),
        "still accepting after shutdown"
    );
}

#[test]
fn sigint_exits_zero() {
    let mut server = Server::start(&[]);
    server.signal("INT");
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("exited after SIGINT");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn in_flight_request_completes_during_shutdown() {
    let mut server = Server::start(&["--lifecycle", "manual"]);
    let mut conn = server.connect();
    // Send the head and half the body, signal, then finish the body.
    let body = br#"{"seconds": 10}"#;
    let head = format!(
        "POST /_dxlocal/clock/advance HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    conn.stream().write_all(head.as_bytes()).unwrap();
    conn.stream().write_all(&body[..5]).unwrap();
    thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    thread::sleep(Duration::from_millis(200));
    conn.stream().write_all(&body[5..]).unwrap();
    let resp = conn.read_response().unwrap();
    assert_eq!(resp.status, 200);
    assert!(resp.json()["now"].is_number());
    let status = server.wait_exit(Duration::from_secs(10)).expect("exited");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_credentials_file_fails_fast() {
    let dir = std::env::temp_dir().join(format!("dxlocal-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad-credentials.json");
    std::fs::write(&path, r#"{"credentials": [{"accessKeyId": "A"}]}"#).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dxlocal"))
        .args(["serve", "--listen", "127.0.0.1:0", "--credentials"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("credentials file"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn credentials_file_maps_keys_to_accounts() {
    let dir = std::env::temp_dir().join(format!("dxlocal-test-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("credentials.json");
    std::fs::write(
        &path,
        r#"{"credentials": [{"accessKeyId": "AKIAOWNER", "secretAccessKey": "s", "accountId": "111122223333"}]}"#,
    )
    .unwrap();
    let server = Server::start_with_env(&[], &[("DXLOCAL_CREDENTIALS", path.to_str().unwrap())]);
    let mut conn = server.connect();
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/20240101/ap-southeast-2/directconnect/aws4_request, \
         SignedHeaders=host, Signature={}",
        "a".repeat(64)
    );
    let resp = conn.request(
        "POST",
        "/",
        &[
            ("x-amz-target", "OvertureService.Bogus"),
            ("authorization", &auth),
        ],
        b"",
    );
    let id = resp.request_id().to_string();
    let log = server.wait_for_log(&id);
    let line = log.lines().find(|l| l.contains(&id)).unwrap();
    assert!(
        line.contains("account=111122223333 region=ap-southeast-2"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn raw_garbage_does_not_hurt_the_server() {
    let server = Server::start(&[]);
    let mut conn = server.connect();
    conn.stream()
        .write_all(b"\x00\x01\x02 not http at all\r\n\r\n")
        .unwrap();
    let mut sink = Vec::new();
    let _ = conn.stream().read_to_end(&mut sink);
    assert_eq!(server.connect().get("/_dxlocal/health").status, 200);
}
