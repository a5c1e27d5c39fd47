//! `--auth strict` at the HTTP level: what each protocol answers when the
//! signature is absent, malformed or by an unknown key, that the admin API
//! stays open, and the start-up check. Valid and tampered signatures are
//! covered by the auth crate's unit tests and, end to end with real SDKs,
//! by tests/python/test_strict_auth.py, crates/sdk-tests/tests/strict_auth.rs
//! and tests/js/strict_auth.test.mjs.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Response, Server};
use dxlocal_model::Value;

const CREDENTIALS: &str = r#"{"credentials": [
    {"accessKeyId": "AKIASTRICTOWNER", "secretAccessKey": "owner-secret", "accountId": "111111111111"}
]}"#;

/// A credentials file that lives as long as the test.
struct CredentialsFile(PathBuf);

impl CredentialsFile {
    fn new(tag: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("dxlocal-strict-{tag}-{}.json", std::process::id()));
        std::fs::write(&path, CREDENTIALS).unwrap();
        CredentialsFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for CredentialsFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn strict(tag: &str) -> (Server, CredentialsFile) {
    let file = CredentialsFile::new(tag);
    let server = Server::start(&["--auth", "strict", "--credentials", file.path()]);
    (server, file)
}

/// A well-formed signature that cannot verify, by `key`.
fn authorization(key: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/{service}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={}",
        "0".repeat(64)
    )
}

fn json_call(server: &Server, operation: &str, extra: &[(&str, &str)]) -> Response {
    let target = format!("OvertureService.{operation}");
    let mut headers = vec![
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target.as_str()),
    ];
    headers.extend_from_slice(extra);
    server.connect().request("POST", "/", &headers, b"{}")
}

fn json_code(resp: &Response) -> String {
    resp.json()["__type"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn body_text(resp: &Response) -> String {
    String::from_utf8_lossy(&resp.body).into_owned()
}

#[test]
fn unsigned_requests_are_refused_in_every_protocol() {
    let (server, _file) = strict("unsigned");

    let resp = json_call(&server, "DescribeConnections", &[]);
    assert_eq!(resp.status, 400);
    assert_eq!(json_code(&resp), "MissingAuthenticationTokenException");
    assert_eq!(resp.json()["message"], "Missing Authentication Token");
    // aws-sdk-rust reads the code from this header first.
    assert_eq!(
        resp.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );

    let resp = server.connect().request(
        "POST",
        "/service/OvertureService/operation/DescribeLocations",
        &[("smithy-protocol", "rpc-v2-cbor")],
        b"",
    );
    assert_eq!(resp.status, 400);
    assert_eq!(resp.header("smithy-protocol"), Some("rpc-v2-cbor"));
    let body = dxlocal_wire::cbor::parse(&resp.body).expect("CBOR error body");
    let Value::Map(entries) = body else {
        panic!("not a map: {body:?}")
    };
    let code = entries
        .iter()
        .find(|(k, _)| k == "__type")
        .map(|(_, v)| format!("{v:?}"))
        .unwrap_or_default();
    assert!(
        code.contains("MissingAuthenticationTokenException"),
        "{code}"
    );

    let form = [(
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    let resp = server.connect().request(
        "POST",
        "/",
        &form,
        b"Action=DescribeVpnGateways&Version=2016-11-15",
    );
    assert_eq!(resp.status, 403);
    let text = body_text(&resp);
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );
    assert!(text.contains("<Response><Errors>"), "EC2 envelope: {text}");

    // STS has its own envelope even without a scope to name it.
    let resp = server.connect().request(
        "POST",
        "/",
        &form,
        b"Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(resp.status, 403);
    let text = body_text(&resp);
    assert!(text.contains("<ErrorResponse"), "STS envelope: {text}");
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );

    let log = server.wait_for_log("error=MissingAuthenticationToken ");
    assert!(
        log.contains("DescribeConnections account=- "),
        "refused callers have no account in the log: {log}"
    );
}

#[test]
fn unknown_keys_and_malformed_signatures() {
    let (server, _file) = strict("unknown");

    let auth = authorization("AKIANOTLISTED", "directconnect");
    let date = [("x-amz-date", "20260101T000000Z")];
    let resp = json_call(
        &server,
        "DescribeConnections",
        &[("authorization", &auth), date[0]],
    );
    assert_eq!(resp.status, 400);
    assert_eq!(json_code(&resp), "UnrecognizedClientException");
    assert_eq!(
        resp.json()["message"],
        "The security token included in the request is invalid."
    );

    // Twelve digits name an account when verification is off; in strict
    // mode only listed keys exist.
    let auth = authorization("222222222222", "directconnect");
    let resp = json_call(
        &server,
        "DescribeConnections",
        &[("authorization", &auth), date[0]],
    );
    assert_eq!(json_code(&resp), "UnrecognizedClientException");

    let resp = json_call(
        &server,
        "DescribeConnections",
        &[(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIASTRICTOWNER",
        )],
    );
    assert_eq!(resp.status, 400);
    assert_eq!(json_code(&resp), "IncompleteSignatureException");

    // A listed key whose signature leaves out the host.
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIASTRICTOWNER/20260101/us-east-1/directconnect/aws4_request, \
         SignedHeaders=x-amz-date, Signature={}",
        "0".repeat(64)
    );
    let resp = json_call(
        &server,
        "DescribeConnections",
        &[("authorization", &auth), date[0]],
    );
    assert_eq!(json_code(&resp), "IncompleteSignatureException");
    assert!(
        resp.json()["message"].as_str().unwrap().contains("'Host'"),
        "{:?}",
        resp.json()
    );

    // Signed for EC2 but sent with a bad signature: EC2's own code.
    let auth = authorization("AKIASTRICTOWNER", "ec2");
    let resp = server.connect().request(
        "POST",
        "/",
        &[
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("authorization", &auth),
            ("x-amz-date", "20260101T000000Z"),
        ],
        b"Action=DescribeVpnGateways&Version=2016-11-15",
    );
    // A 2026-01-01 date is stale against the real clock or a bad
    // signature, depending on when this runs; both are EC2 codes.
    let text = body_text(&resp);
    assert!(
        text.contains("<Code>RequestExpired</Code>") || text.contains("<Code>AuthFailure</Code>"),
        "{text}"
    );
}

#[test]
fn admin_api_stays_open() {
    let (server, _file) = strict("admin");
    let mut conn = server.connect();
    assert_eq!(conn.get("/_dxlocal/health").status, 200);
    assert_eq!(conn.post_json("/_dxlocal/reset", "{}").status, 200);
    assert_eq!(
        conn.post_json("/_dxlocal/clock/advance", r#"{"seconds": 1}"#)
            .status,
        200
    );
}

#[test]
fn mode_from_the_environment() {
    let file = CredentialsFile::new("env");
    let server = Server::start_with_env(
        &[],
        &[
            ("DXLOCAL_AUTH", "strict"),
            ("DXLOCAL_CREDENTIALS", file.path()),
        ],
    );
    let resp = json_call(&server, "DescribeLocations", &[]);
    assert_eq!(json_code(&resp), "MissingAuthenticationTokenException");

    // The default stays off: unsigned requests are served.
    let open = Server::start(&[]);
    let resp = json_call(&open, "DescribeLocations", &[]);
    assert_eq!(resp.status, 200, "{}", body_text(&resp));
}

#[test]
fn strict_without_credentials_does_not_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_dxlocal"))
        .args(["serve", "--listen", "127.0.0.1:0", "--auth", "strict"])
        .env_remove("DXLOCAL_CREDENTIALS")
        .env_remove("DXLOCAL_AUTH")
        .output()
        .expect("run dxlocal");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--credentials"), "{stderr}");
    assert!(output.stdout.is_empty());
}
