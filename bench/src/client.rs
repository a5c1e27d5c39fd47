//! One keep-alive HTTP/1.1 connection issuing signed Direct Connect calls.

use crate::cbor;
use crate::sigv4::{self, Credentials, Signer};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

pub const REGION: &str = "us-east-1";
pub const TARGET_PREFIX: &str = "OvertureService";
pub const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
pub const CBOR_CONTENT_TYPE: &str = "application/cbor";
pub const SMITHY_PROTOCOL: &str = "rpc-v2-cbor";
/// Generous: only a stuck server should ever hit it, and then the worker
/// must not hang the whole bench.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = concat!("dxlocal-bench/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// awsJson1_1: POST / with X-Amz-Target.
    Json,
    /// Smithy RPC v2 CBOR: POST /service/OvertureService/operation/<Op>.
    Cbor,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::Cbor => "cbor",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub addr: SocketAddr,
    /// `host:port` exactly as sent in the Host header, since it is signed.
    pub authority: String,
}

impl Endpoint {
    pub fn from_addr(addr: SocketAddr) -> Self {
        Endpoint {
            addr,
            authority: addr.to_string(),
        }
    }

    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("endpoint {url:?}: only http:// URLs are supported"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(format!("endpoint {url:?} has no host"));
        }
        let with_port = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        let addr = with_port
            .to_socket_addrs()
            .map_err(|e| format!("endpoint {url:?}: {e}"))?
            .next()
            .ok_or_else(|| format!("endpoint {url:?} resolves to nothing"))?;
        Ok(Endpoint {
            addr,
            authority: authority.to_string(),
        })
    }
}

/// One caller: its credentials plus per-service signers.
pub struct Account {
    pub access_key: String,
    dx: Signer,
    ec2: Signer,
}

impl Account {
    /// dxlocal maps a 12-digit access key ID to that account; the secret is
    /// not checked against anything, but a fixed one keeps signatures stable.
    pub fn new(access_key: &str) -> Self {
        let creds = Credentials::new(access_key, "dxlocal-bench-secret");
        Account {
            access_key: access_key.to_string(),
            dx: Signer::new(creds.clone(), REGION, "directconnect"),
            ec2: Signer::new(creds, REGION, "ec2"),
        }
    }
}

pub fn build_dx_request(
    proto: Protocol,
    authority: &str,
    account: &mut Account,
    op: &str,
    input: &Value,
) -> Request<Full<Bytes>> {
    let amz_date = sigv4::amz_date_now();
    match proto {
        Protocol::Json => {
            let body = serde_json::to_vec(input).expect("serializing a Value cannot fail");
            let target = format!("{TARGET_PREFIX}.{op}");
            let signed = [
                ("host", authority),
                ("x-amz-date", amz_date.as_str()),
                ("x-amz-target", target.as_str()),
            ];
            let auth = account.dx.authorization(
                &amz_date,
                &sigv4::Request {
                    method: "POST",
                    path: "/",
                    query: "",
                    headers: &signed,
                    body: &body,
                },
            );
            Request::post("/")
                .header("host", authority)
                .header("x-amz-date", amz_date)
                .header("x-amz-target", target)
                .header("content-type", JSON_CONTENT_TYPE)
                .header("user-agent", USER_AGENT)
                .header("authorization", auth)
                .body(Full::new(Bytes::from(body)))
                .expect("static request parts are valid")
        }
        Protocol::Cbor => {
            let body = cbor::encode(input);
            let path = format!("/service/{TARGET_PREFIX}/operation/{op}");
            let signed = [
                ("host", authority),
                ("smithy-protocol", SMITHY_PROTOCOL),
                ("x-amz-date", amz_date.as_str()),
            ];
            let auth = account.dx.authorization(
                &amz_date,
                &sigv4::Request {
                    method: "POST",
                    path: &path,
                    query: "",
                    headers: &signed,
                    body: &body,
                },
            );
            Request::post(path)
                .header("host", authority)
                .header("smithy-protocol", SMITHY_PROTOCOL)
                .header("x-amz-date", amz_date)
                .header("content-type", CBOR_CONTENT_TYPE)
                .header("accept", CBOR_CONTENT_TYPE)
                .header("user-agent", USER_AGENT)
                .header("authorization", auth)
                .body(Full::new(Bytes::from(body)))
                .expect("static request parts are valid")
        }
    }
}

pub fn build_ec2_request(
    authority: &str,
    account: &mut Account,
    form: &str,
) -> Request<Full<Bytes>> {
    let amz_date = sigv4::amz_date_now();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let signed = [
        ("content-type", content_type),
        ("host", authority),
        ("x-amz-date", amz_date.as_str()),
    ];
    let auth = account.ec2.authorization(
        &amz_date,
        &sigv4::Request {
            method: "POST",
            path: "/",
            query: "",
            headers: &signed,
            body: form.as_bytes(),
        },
    );
    Request::post("/")
        .header("host", authority)
        .header("x-amz-date", amz_date)
        .header("content-type", content_type)
        .header("user-agent", USER_AGENT)
        .header("authorization", auth)
        .body(Full::new(Bytes::from(form.to_string())))
        .expect("static request parts are valid")
}

pub struct RawReply {
    pub status: StatusCode,
    pub smithy_protocol: Option<String>,
    pub error_type: Option<String>,
    pub body: Bytes,
}

/// A failed call, already reduced to a short, groupable description.
#[derive(Debug, Clone)]
pub struct CallError(pub String);

pub struct Conn {
    endpoint: Endpoint,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    /// `n` connections to `endpoint`, all opened before any is used.
    pub async fn open_all(endpoint: &Endpoint, n: usize) -> Result<Vec<Conn>, String> {
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            let mut c = Conn::new(endpoint.clone());
            c.preconnect()
                .await
                .map_err(|e| format!("connecting to {}: {}", endpoint.authority, e.0))?;
            conns.push(c);
        }
        Ok(conns)
    }

    pub fn new(endpoint: Endpoint) -> Self {
        Conn {
            endpoint,
            sender: None,
        }
    }

    /// Opens the connection now, so that the measured window does not pay for it.
    pub async fn preconnect(&mut self) -> Result<(), CallError> {
        self.connect().await.map(|_| ())
    }

    async fn connect(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, CallError> {
        if self.sender.as_ref().is_some_and(|s| s.is_closed()) {
            self.sender = None;
        }
        if self.sender.is_none() {
            let stream = TcpStream::connect(self.endpoint.addr)
                .await
                .map_err(|e| CallError(format!("connect: {e}")))?;
            // Small request/response pairs; Nagle would add delayed-ACK stalls.
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| CallError(format!("handshake: {e}")))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.sender = Some(sender);
        }
        Ok(self.sender.as_mut().expect("set above"))
    }

    /// Sends and reads the whole response; the duration covers only the
    /// exchange on the wire, not request building or response decoding.
    pub async fn send(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> (Result<RawReply, CallError>, Duration) {
        let start = Instant::now();
        let res = match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(req)).await {
            Ok(r) => r,
            Err(_) => Err(CallError(format!(
                "timeout after {}s",
                REQUEST_TIMEOUT.as_secs()
            ))),
        };
        let elapsed = start.elapsed();
        if res.is_err() {
            // The connection state is unknown after a transport error.
            self.sender = None;
        }
        (res, elapsed)
    }

    async fn exchange(&mut self, req: Request<Full<Bytes>>) -> Result<RawReply, CallError> {
        let sender = self.connect().await?;
        sender
            .ready()
            .await
            .map_err(|e| CallError(format!("connection: {e}")))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| CallError(format!("send: {e}")))?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| CallError(format!("read body: {e}")))?
            .to_bytes();
        // A server that closes after every reply (moto's does) must get a
        // new connection for the next request rather than a write error.
        if parts
            .headers
            .get("connection")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"))
        {
            self.sender = None;
        }
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(RawReply {
            status: parts.status,
            smithy_protocol: header("smithy-protocol"),
            error_type: header("x-amzn-errortype"),
            body,
        })
    }

    /// An unsigned request to the admin API (`/_dxlocal/...`).
    pub async fn admin(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
    ) -> Result<(StatusCode, Bytes), CallError> {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.endpoint.authority.as_str())
            .header("content-type", "application/json")
            .header("user-agent", USER_AGENT)
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| CallError(format!("building {method} {path}: {e}")))?;
        let (res, _) = self.send(req).await;
        res.map(|r| (r.status, r.body))
    }

    pub async fn call(
        &mut self,
        proto: Protocol,
        account: &mut Account,
        op: &str,
        input: &Value,
    ) -> (Result<Value, CallError>, Duration) {
        let req = build_dx_request(proto, &self.endpoint.authority, account, op, input);
        let (res, elapsed) = self.send(req).await;
        (res.and_then(|r| decode_dx_reply(proto, r)), elapsed)
    }

    pub async fn call_ec2(
        &mut self,
        account: &mut Account,
        form: &str,
    ) -> (Result<String, CallError>, Duration) {
        let req = build_ec2_request(&self.endpoint.authority, account, form);
        let (res, elapsed) = self.send(req).await;
        let res = res.and_then(|r| {
            let text = String::from_utf8_lossy(&r.body).into_owned();
            if r.status == StatusCode::OK {
                Ok(text)
            } else {
                let code = xml_tag(&text, "Code").unwrap_or_default();
                let msg = xml_tag(&text, "Message").unwrap_or_default();
                Err(CallError(format!(
                    "{} {code} {}",
                    r.status.as_u16(),
                    truncate(msg, 100)
                )))
            }
        });
        (res, elapsed)
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

pub fn decode_body(proto: Protocol, body: &[u8]) -> Result<Value, String> {
    if body.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    match proto {
        Protocol::Json => serde_json::from_slice(body).map_err(|e| format!("bad json: {e}")),
        Protocol::Cbor => cbor::decode(body).map_err(|e| e.to_string()),
    }
}

pub fn decode_dx_reply(proto: Protocol, r: RawReply) -> Result<Value, CallError> {
    if proto == Protocol::Cbor && r.smithy_protocol.as_deref() != Some(SMITHY_PROTOCOL) {
        return Err(CallError(format!(
            "{} response without smithy-protocol: {SMITHY_PROTOCOL}",
            r.status.as_u16()
        )));
    }
    let parsed = decode_body(proto, &r.body);
    if r.status == StatusCode::OK {
        return parsed.map_err(|e| CallError(format!("200 {e}")));
    }
    let v = parsed.unwrap_or(Value::Null);
    let ty = v
        .get("__type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(r.error_type)
        .unwrap_or_default();
    // Error types may carry a namespace ("ns#Name") or a URI suffix ("Name:http://...").
    let ty = ty.rsplit('#').next().unwrap_or_default();
    let ty = ty.split(':').next().unwrap_or_default();
    let msg = v
        .get("message")
        .or_else(|| v.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Err(CallError(
        format!("{} {ty} {}", r.status.as_u16(), truncate(msg, 100))
            .trim_end()
            .to_string(),
    ))
}

pub fn xml_tag<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..start + len].trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn header<'a>(req: &'a Request<Full<Bytes>>, name: &str) -> &'a str {
        req.headers().get(name).unwrap().to_str().unwrap()
    }

    #[test]
    fn json_request_shape_and_signature() {
        let mut acct = Account::new("111111111111");
        let req = build_dx_request(
            Protocol::Json,
            "127.0.0.1:4566",
            &mut acct,
            "DescribeLocations",
            &json!({}),
        );
        assert_eq!(req.uri(), "/");
        assert_eq!(
            header(&req, "x-amz-target"),
            "OvertureService.DescribeLocations"
        );
        assert_eq!(header(&req, "content-type"), JSON_CONTENT_TYPE);
        let auth = header(&req, "authorization");
        let date = header(&req, "x-amz-date");
        assert!(auth.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential=111111111111/{}/us-east-1/directconnect/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-target, Signature=",
            &date[..8]
        )));
        // Recompute independently of the cached signer.
        let want = sigv4::sign(
            &Credentials::new("111111111111", "dxlocal-bench-secret"),
            &sigv4::Scope {
                amz_date: date,
                region: REGION,
                service: "directconnect",
            },
            &sigv4::Request {
                method: "POST",
                path: "/",
                query: "",
                headers: &[
                    ("Host", "127.0.0.1:4566"),
                    ("X-Amz-Date", date),
                    ("X-Amz-Target", "OvertureService.DescribeLocations"),
                ],
                body: b"{}",
            },
        );
        assert_eq!(auth, want.authorization);
    }

    #[test]
    fn cbor_request_shape() {
        let mut acct = Account::new("222222222222");
        let input = json!({"virtualInterfaceId": "dxvif-1"});
        let req = build_dx_request(
            Protocol::Cbor,
            "127.0.0.1:4566",
            &mut acct,
            "DescribeVirtualInterfaces",
            &input,
        );
        assert_eq!(
            req.uri(),
            "/service/OvertureService/operation/DescribeVirtualInterfaces"
        );
        assert_eq!(header(&req, "smithy-protocol"), "rpc-v2-cbor");
        assert_eq!(header(&req, "content-type"), "application/cbor");
        assert_eq!(header(&req, "accept"), "application/cbor");
        assert!(req.headers().get("x-amz-target").is_none());
        assert!(header(&req, "authorization").contains(
            "/directconnect/aws4_request, SignedHeaders=host;smithy-protocol;x-amz-date,"
        ));
    }

    #[test]
    fn ec2_request_is_signed_for_ec2() {
        let mut acct = Account::new("222222222222");
        let req = build_ec2_request(
            "127.0.0.1:4566",
            &mut acct,
            "Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1",
        );
        assert!(header(&req, "authorization")
            .contains("/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date,"));
    }

    fn reply(status: u16, proto_header: bool, body: &[u8]) -> RawReply {
        RawReply {
            status: StatusCode::from_u16(status).unwrap(),
            smithy_protocol: proto_header.then(|| SMITHY_PROTOCOL.to_string()),
            error_type: None,
            body: Bytes::copy_from_slice(body),
        }
    }

    #[test]
    fn decodes_json_errors_into_short_kinds() {
        let e = decode_dx_reply(
            Protocol::Json,
            reply(
                400,
                false,
                br#"{"__type":"com.amazonaws.directconnect#DirectConnectClientException","message":"VLAN in use"}"#,
            ),
        )
        .unwrap_err();
        assert_eq!(e.0, "400 DirectConnectClientException VLAN in use");
        let e = decode_dx_reply(Protocol::Json, reply(500, false, b"oops")).unwrap_err();
        assert_eq!(e.0, "500");
    }

    #[test]
    fn cbor_replies_need_the_protocol_header() {
        let body = cbor::encode(&json!({"virtualInterfaceState": "pending"}));
        let ok = decode_dx_reply(Protocol::Cbor, reply(200, true, &body)).unwrap();
        assert_eq!(ok["virtualInterfaceState"], "pending");
        assert!(decode_dx_reply(Protocol::Cbor, reply(200, false, &body)).is_err());
        let err_body = cbor::encode(&json!({"__type": "DirectConnectServerException"}));
        let e = decode_dx_reply(Protocol::Cbor, reply(500, true, &err_body)).unwrap_err();
        assert_eq!(e.0, "500 DirectConnectServerException");
    }

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("http://127.0.0.1:4566/").unwrap();
        assert_eq!(e.authority, "127.0.0.1:4566");
        assert_eq!(e.addr.port(), 4566);
        let e = Endpoint::parse("http://127.0.0.1").unwrap();
        assert_eq!(e.authority, "127.0.0.1");
        assert_eq!(e.addr.port(), 80);
        assert!(Endpoint::parse("https://127.0.0.1:1").is_err());
    }

    #[test]
    fn xml_tag_extracts_ids() {
        let xml = "<CreateVpnGatewayResponse><vpnGateway>\n<vpnGatewayId>vgw-0abc</vpnGatewayId>\
                   </vpnGateway></CreateVpnGatewayResponse>";
        assert_eq!(xml_tag(xml, "vpnGatewayId"), Some("vgw-0abc"));
        assert_eq!(xml_tag(xml, "missing"), None);
    }
}
