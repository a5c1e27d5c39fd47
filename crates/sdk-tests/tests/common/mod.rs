//! Shared harness: start a real `dxlocal` binary, build SDK clients for the
//! test accounts, and send the few raw HTTP requests the SDK cannot (admin
//! reset, EC2 Query calls).

// Each test file compiles its own copy of this module and uses a subset.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_directconnect::config::retry::RetryConfig;
use aws_sdk_directconnect::config::timeout::TimeoutConfig;
use aws_sdk_directconnect::config::{BehaviorVersion, Region};
use aws_sdk_directconnect::Client;

/// The access key ID of exactly 12 digits is the account ID on dxlocal.
pub const PARTNER: &str = "111111111111";
pub const CUSTOMER: &str = "222222222222";
pub const THIRD_PARTY: &str = "333333333333";
pub const REGION: &str = "us-east-1";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the server binary is: `DXLOCAL_BIN`, else `<target>/release/dxlocal`.
/// The test executable lives in `<target>/<profile>/deps/`, so the target
/// directory is three levels up; the release binary is used whatever profile
/// built the tests because that is what the project's test script builds.
pub fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("DXLOCAL_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "DXLOCAL_BIN={} is not a file",
            path.display()
        );
        return path;
    }
    let exe = std::env::current_exe().expect("cannot locate the test executable");
    let target = exe
        .parent()
        .and_then(|deps| deps.parent())
        .and_then(|profile| profile.parent())
        .expect("the test executable is not inside <target>/<profile>/deps/");
    let path = target
        .join("release")
        .join(format!("dxlocal{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "dxlocal server binary not found at {}: run `cargo build --release` first \
         (or set DXLOCAL_BIN to the binary)",
        path.display()
    );
    path
}

/// A running `dxlocal serve` process, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub url: String,
    /// The server's stderr (request log), printed only if the test fails so
    /// a failing assertion comes with the requests that led to it.
    log: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    pub fn start() -> Server {
        let binary = server_binary();
        let mut child = Command::new(&binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--seed", "1"])
            // The harness decides the flags; an environment left over from a
            // manual run must not change the lifecycle or the accounts.
            .env_remove("DXLOCAL_LISTEN")
            .env_remove("DXLOCAL_LIFECYCLE")
            .env_remove("DXLOCAL_CREDENTIALS")
            .env_remove("DXLOCAL_SEED")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));

        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });

        // Read the one announcement line on a thread so a server that never
        // prints it fails the test instead of hanging it.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let result = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(result);
            // Keep draining so the server never blocks on a full pipe.
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let line = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => fail_start(&mut child, &log, &format!("cannot read its stdout: {e}")),
            Err(_) => fail_start(&mut child, &log, "it printed no listening line in time"),
        };
        let url = match line.trim_end().strip_prefix("dxlocal listening on ") {
            Some(url) => url.to_string(),
            None => fail_start(
                &mut child,
                &log,
                &format!("unexpected first stdout line {line:?}"),
            ),
        };
        let addr: SocketAddr = url
            .strip_prefix("http://")
            .and_then(|hostport| hostport.parse().ok())
            .unwrap_or_else(|| {
                fail_start(
                    &mut child,
                    &log,
                    &format!("cannot parse address from {url:?}"),
                )
            });
        Server {
            child,
            addr,
            url,
            log,
        }
    }

    /// An SDK client that signs as `account` (access key ID = account ID).
    pub fn client(&self, account: &str) -> Client {
        let config = aws_sdk_directconnect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(account, "secret", None, None, "test"))
            // Plain http on loopback: the SDK's hyper-1 client without TLS.
            // `build_http` is hidden from the docs but public and is what the
            // TLS builders wrap; it keeps rustls/aws-lc out of the build.
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            // One SDK call = exactly one request: a retried create would hide
            // a server answering 5xx, and would create a resource twice.
            .retry_config(RetryConfig::disabled())
            // A hung server must fail the test, not stall the suite.
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(IO_TIMEOUT)
                    .build(),
            )
            .build();
        Client::from_conf(config)
    }

    /// `POST /_dxlocal/reset`: forget every resource, for tests sharing a server.
    pub fn reset(&self) {
        let response = self.post(
            "/_dxlocal/reset",
            &[("content-type", "application/json")],
            b"{}",
        );
        assert_eq!(response.status, 200, "reset failed: {}", response.body);
    }

    /// One raw HTTP/1.1 POST with `Connection: close`, read to the end.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> RawResponse {
        let mut stream = TcpStream::connect(self.addr).expect("cannot connect to dxlocal");
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .expect("cannot read the response");
        RawResponse::parse(&raw)
    }

    /// EC2 Query `CreateVpnGateway` as `account`, returning the `vgw-` ID.
    /// There is no EC2 SDK dependency here on purpose (aws-sdk-ec2 is huge to
    /// compile); dxlocal takes the account and region from the credential
    /// scope without verifying the signature, so a fixed one is enough. It
    /// must still be well formed (64 hex digits), as every real signer's is.
    pub fn create_vpn_gateway(&self, account: &str) -> String {
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={account}/20260101/{REGION}/ec2/aws4_request, \
             SignedHeaders=host, Signature={}",
            "0".repeat(64)
        );
        let response = self.post(
            "/",
            &[
                (
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("authorization", &authorization),
            ],
            b"Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1",
        );
        assert_eq!(
            response.status, 200,
            "CreateVpnGateway failed: {}",
            response.body
        );
        xml_element(&response.body, "vpnGatewayId")
            .unwrap_or_else(|| {
                panic!(
                    "no <vpnGatewayId> in CreateVpnGateway response: {}",
                    response.body
                )
            })
            .to_string()
    }
}

fn fail_start(child: &mut Child, log: &Mutex<Vec<u8>>, why: &str) -> ! {
    let _ = child.kill();
    let _ = child.wait();
    // Give the stderr thread a moment to collect the last words.
    std::thread::sleep(Duration::from_millis(100));
    let log = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    panic!("dxlocal did not start: {why}\n--- dxlocal stderr ---\n{log}");
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned();
            eprintln!("--- dxlocal stderr ({}) ---\n{log}", self.url);
        }
    }
}

pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    fn parse(raw: &[u8]) -> RawResponse {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        let payload = &raw[split + 4..];
        let chunked = headers.iter().any(|(name, value)| {
            name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked")
        });
        let body = if chunked {
            dechunk(payload)
        } else {
            payload.to_vec()
        };
        RawResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size {size_text:?}"));
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// Text of the first `<name>…</name>` element; enough for the flat EC2 answers.
pub fn xml_element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    Some(&xml[start..start + len])
}

/// More EC2 Query calls, signed the same way as
/// [`Server::create_vpn_gateway`], for tests that need a VPC behind a VGW.
impl Server {
    /// One EC2 Query `POST /` as `account` in [`REGION`]; `form` is the
    /// urlencoded body without `Version`. Panics unless the answer is 200.
    pub fn ec2_action(&self, account: &str, form: &str) -> RawResponse {
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={account}/20260101/{REGION}/ec2/aws4_request, \
             SignedHeaders=host, Signature={}",
            "0".repeat(64)
        );
        let body = format!("{form}&Version=2016-11-15");
        let response = self.post(
            "/",
            &[
                (
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("authorization", &authorization),
            ],
            body.as_bytes(),
        );
        assert_eq!(response.status, 200, "EC2 {form} failed: {}", response.body);
        response
    }

    /// EC2 `CreateVpc` as `account`, returning the `vpc-` ID.
    pub fn create_vpc(&self, account: &str, cidr: &str) -> String {
        let cidr = cidr.replace('/', "%2F");
        let response = self.ec2_action(account, &format!("Action=CreateVpc&CidrBlock={cidr}"));
        xml_element(&response.body, "vpcId")
            .unwrap_or_else(|| panic!("no <vpcId> in CreateVpc response: {}", response.body))
            .to_string()
    }

    /// EC2 `AttachVpnGateway` as `account`; answers `attaching`.
    pub fn attach_vpn_gateway(&self, account: &str, vpc_id: &str, vgw_id: &str) {
        let response = self.ec2_action(
            account,
            &format!("Action=AttachVpnGateway&VpcId={vpc_id}&VpnGatewayId={vgw_id}"),
        );
        assert_eq!(
            xml_element(&response.body, "state"),
            Some("attaching"),
            "AttachVpnGateway: {}",
            response.body
        );
    }
}

// -- Servers with extra flags and clients with explicit keys (strict auth) --

impl Server {
    /// Like [`Server::start`] with more `serve` flags appended (e.g.
    /// `--auth strict --credentials <file>`).
    pub fn start_with_args(extra: &[&str]) -> Server {
        let binary = server_binary();
        let mut child = Command::new(&binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--seed", "1"])
            .args(extra)
            .env_remove("DXLOCAL_LISTEN")
            .env_remove("DXLOCAL_LIFECYCLE")
            .env_remove("DXLOCAL_CREDENTIALS")
            .env_remove("DXLOCAL_SEED")
            .env_remove("DXLOCAL_AUTH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let result = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(result);
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let line = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => fail_start(&mut child, &log, &format!("cannot read its stdout: {e}")),
            Err(_) => fail_start(&mut child, &log, "it printed no listening line in time"),
        };
        let Some(url) = line.trim_end().strip_prefix("dxlocal listening on ") else {
            fail_start(
                &mut child,
                &log,
                &format!("unexpected first stdout line {line:?}"),
            )
        };
        let url = url.to_string();
        let Some(addr) = url
            .strip_prefix("http://")
            .and_then(|hostport| hostport.parse().ok())
        else {
            fail_start(
                &mut child,
                &log,
                &format!("cannot parse address from {url:?}"),
            )
        };
        Server {
            child,
            addr,
            url,
            log,
        }
    }

    /// An SDK client signing with exactly this access key and secret (the
    /// plain [`Server::client`] uses a fixed secret, which strict mode
    /// would refuse).
    pub fn client_with_key(&self, access_key: &str, secret: &str) -> Client {
        let config = aws_sdk_directconnect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(access_key, secret, None, None, "test"))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(IO_TIMEOUT)
                    .build(),
            )
            .build();
        Client::from_conf(config)
    }
}
