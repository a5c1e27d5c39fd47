//! Which protocol a request speaks, turning a Direct Connect request into a
//! typed input, and rendering outputs and errors in the caller's protocol.
//!
//! Protocol-level failures are answered here, in the error shape of the
//! request's own protocol, and always with a 4xx status: SDKs retry 5xx, and
//! none of these failures would go away on a retry.
//!
//! | failure | status | `__type` |
//! |---|---|---|
//! | method other than POST ([`check_method`]) | 405 (+ `Allow: POST`) | `UnknownOperationException` |
//! | body over [`MAX_BODY_BYTES`] | 413 | `SerializationException` |
//! | JSON: `X-Amz-Target` missing, malformed or naming an unknown operation | 400 | `UnknownOperationException` |
//! | CBOR: unknown operation in the path | 404 | `UnknownOperationException` |
//! | non-empty body with the wrong `Content-Type` | 415 | `UnsupportedMediaTypeException` |
//! | body not JSON/CBOR, or its top level not a map | 400 | `SerializationException` |
//! | member of the wrong type | 400 | `SerializationException` |
//! | model constraint violated | 400 | `DirectConnectClientException` |

use crate::{cbor, json};
use dxlocal_model::{ApiError, DecodeError, Encode, Input, Operation, Output, Value};

/// Largest request body accepted; larger ones are answered with 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// `Content-Type` of awsJson1_1 requests and responses.
pub const JSON_CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// `Content-Type` of RPC v2 CBOR requests and responses.
pub const CBOR_CONTENT_TYPE: &str = "application/cbor";
/// Paths under this prefix belong to the emulator's own admin API.
pub const ADMIN_PATH_PREFIX: &str = "/_dxlocal/";

const TARGET_PREFIX: &str = "OvertureService.";
const CBOR_OPERATION_PATH: &str = "/service/OvertureService/operation/";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The two protocols Direct Connect speaks on the same endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    AwsJson,
    RpcV2Cbor,
}

impl Protocol {
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson => JSON_CONTENT_TYPE,
            Protocol::RpcV2Cbor => CBOR_CONTENT_TYPE,
        }
    }
}

/// A reply ready to go on the wire: status, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireReply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl WireReply {
    /// First header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parsed Direct Connect request.
#[derive(Debug, Clone, PartialEq)]
pub struct DxRequest {
    pub protocol: Protocol,
    pub input: Input,
}

/// What kind of request this is, from method, path and headers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    DirectConnect(Protocol),
    /// EC2 or STS Query protocol (form-encoded `Action=`).
    Query,
    /// The emulator's own API under [`ADMIN_PATH_PREFIX`].
    Admin,
    NotFound,
}

/// Classify a request. `path` is the request target: the path, optionally
/// followed by `?query` (pass the query along so `GET /?Action=…` Query
/// requests are recognised). `header` looks a header up case-insensitively.
///
/// Order: admin paths; any `X-Amz-Target` (awsJson1_1, even when the target
/// is bogus, so the caller gets a JSON `UnknownOperationException`); a path
/// ending in `/service/OvertureService/operation/<Op>` (RPC v2 CBOR, matched
/// on the suffix because clients prepend a custom endpoint's path); a query
/// string with an `Action` parameter, or a POST with a form body (Query).
///
/// The method is not checked for Direct Connect routes; see [`check_method`].
pub fn route(method: &str, path: &str, header: &dyn Fn(&str) -> Option<String>) -> Route {
    let (path, query) = split_target(path);
    if path.starts_with(ADMIN_PATH_PREFIX) || path == ADMIN_PATH_PREFIX.trim_end_matches('/') {
        return Route::Admin;
    }
    // A JSON 1.1 body without a target still speaks awsJson1_1: it gets
    // that protocol's UnknownOperationException, not a 404.
    let json_body = header("content-type").is_some_and(|ct| media_type_is(&ct, JSON_CONTENT_TYPE));
    if header("x-amz-target").is_some() || (json_body && path == "/") {
        return Route::DirectConnect(Protocol::AwsJson);
    }
    if cbor_operation(path).is_some() {
        return Route::DirectConnect(Protocol::RpcV2Cbor);
    }
    let action_in_query = query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("Action"))
    });
    let form_post = method.eq_ignore_ascii_case("POST")
        && header("content-type").is_some_and(|ct| media_type_is(&ct, FORM_CONTENT_TYPE));
    if action_in_query || form_post {
        return Route::Query;
    }
    Route::NotFound
}

/// Every Direct Connect operation is a POST. `route` deliberately ignores
/// the method (it only decides the protocol); the server calls this for
/// [`Route::DirectConnect`] to answer anything else with 405 in the
/// request's protocol.
pub fn check_method(protocol: Protocol, method: &str) -> Result<(), WireReply> {
    if method.eq_ignore_ascii_case("POST") {
        return Ok(());
    }
    let mut reply = encode_error(
        protocol,
        &ApiError::new(
            "UnknownOperationException",
            405,
            format!(
                "Method {} is not allowed; Direct Connect operations use POST",
                clip(method)
            ),
        ),
        &new_request_id(),
    );
    reply.headers.push(("Allow", "POST".to_owned()));
    Err(reply)
}

/// Decode a Direct Connect request (route() said DirectConnect(protocol)).
///
/// `path` is the same request target given to [`route`]. An `Err` is a
/// complete protocol-level error reply with a fresh request ID.
pub fn decode_request(
    protocol: Protocol,
    path: &str,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<DxRequest, WireReply> {
    let fail = |status: u16, code: &'static str, message: String| {
        encode_error(
            protocol,
            &ApiError::new(code, status, message),
            &new_request_id(),
        )
    };

    if body.len() > MAX_BODY_BYTES {
        return Err(fail(
            413,
            "SerializationException",
            format!(
                "Request body is {} bytes; the limit is {MAX_BODY_BYTES} bytes",
                body.len()
            ),
        ));
    }

    let operation = match protocol {
        Protocol::AwsJson => json_operation(header("x-amz-target").as_deref()),
        Protocol::RpcV2Cbor => {
            let (path, _) = split_target(path);
            match cbor_operation(path) {
                Some(name) => Operation::from_name(name)
                    .ok_or_else(|| (404, format!("Unknown operation {}", clip(name)))),
                None => Err((404, "Not a Direct Connect operation path".to_owned())),
            }
        }
    }
    .map_err(|(status, message)| fail(status, "UnknownOperationException", message))?;

    // Operations without input arrive with no body at all (botocore over
    // CBOR), and then the Content-Type is legitimately absent.
    let empty = match protocol {
        Protocol::AwsJson => body.iter().all(u8::is_ascii_whitespace),
        Protocol::RpcV2Cbor => body.is_empty(),
    };
    let value = if empty {
        Value::empty_map()
    } else {
        let content_type = header("content-type");
        let expected = protocol.content_type();
        if !content_type
            .as_deref()
            .is_some_and(|ct| media_type_is(ct, expected))
        {
            let got = match &content_type {
                Some(ct) => format!("'{}'", clip(ct)),
                None => "none".to_owned(),
            };
            return Err(fail(
                415,
                "UnsupportedMediaTypeException",
                format!("Unsupported Content-Type {got}; expected {expected}"),
            ));
        }
        let parsed = match protocol {
            Protocol::AwsJson => json::parse(body),
            Protocol::RpcV2Cbor => cbor::parse(body),
        };
        match parsed {
            Ok(v @ Value::Map(_)) => v,
            Ok(other) => {
                return Err(fail(
                    400,
                    "SerializationException",
                    format!(
                        "Request body must be a {}, got {}",
                        match protocol {
                            Protocol::AwsJson => "JSON object",
                            Protocol::RpcV2Cbor => "CBOR map",
                        },
                        other.kind()
                    ),
                ))
            }
            Err(e) => return Err(fail(400, "SerializationException", e.message().to_owned())),
        }
    };

    match Input::decode(operation, &value) {
        Ok(input) => Ok(DxRequest { protocol, input }),
        Err(e @ DecodeError::Validation(_)) => {
            Err(fail(400, "DirectConnectClientException", e.message()))
        }
        Err(e @ DecodeError::Serialization(_)) => {
            Err(fail(400, "SerializationException", e.message()))
        }
    }
}

/// A successful response: HTTP 200 with the output in the request's protocol.
pub fn encode_output(protocol: Protocol, output: &Output, request_id: &str) -> WireReply {
    encode_reply(protocol, output, request_id)
}

/// An error response. The status is the error's own (400 for business
/// errors, 501 for unimplemented operations, ...).
///
/// JSON carries the short name in `__type` and `x-amzn-ErrorType` (Rust SDKs
/// read the header first, botocore only the body, so both must agree). CBOR
/// carries the full shape ID in `__type`, which every SDK strips to the short
/// name; the header is sent there too for tools that look at it.
pub fn encode_error(protocol: Protocol, error: &ApiError, request_id: &str) -> WireReply {
    let type_name = match protocol {
        Protocol::AwsJson => error.code.to_owned(),
        Protocol::RpcV2Cbor => error.shape_id(),
    };
    let body = ErrorBody {
        type_name: &type_name,
        message: &error.message,
    };
    let mut reply = encode_reply(protocol, &body, request_id);
    reply.status = error.status;
    reply
        .headers
        .push(("x-amzn-ErrorType", error.code.to_owned()));
    reply
}

/// A fresh request ID (UUID v4), the format real responses carry.
pub fn new_request_id() -> String {
    // A per-thread generator seeded once from the OS: a request ID must be
    // unique, not secret, and one getrandom call per request showed up in
    // profiles.
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u128> = Cell::new(u128::from_le_bytes(*uuid::Uuid::new_v4().as_bytes()) | 1);
    }
    let bits = STATE.with(|s| {
        // A Weyl sequence: distinct for 2^128 steps, then mixed so IDs look
        // random (splitmix-style finaliser on each half).
        let x = s
            .get()
            .wrapping_add(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
        s.set(x);
        let mix = |mut z: u64| {
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        (u128::from(mix((x >> 64) as u64)) << 64) | u128::from(mix(x as u64) ^ (x >> 64) as u64)
    });
    uuid::Builder::from_random_bytes(bits.to_le_bytes())
        .into_uuid()
        .to_string()
}

struct ErrorBody<'a> {
    type_name: &'a str,
    message: &'a str,
}

impl Encode for ErrorBody<'_> {
    fn encode<E: dxlocal_model::Encoder>(&self, e: &mut E) {
        e.begin_map(2);
        e.key("__type");
        e.string(self.type_name);
        e.key("message");
        e.string(self.message);
        e.end_map();
    }
}

fn encode_reply<T: Encode + ?Sized>(protocol: Protocol, value: &T, request_id: &str) -> WireReply {
    let mut headers = Vec::with_capacity(4);
    let body = match protocol {
        Protocol::AwsJson => {
            let body = json::encode(value);
            if body.is_empty() {
                b"{}".to_vec()
            } else {
                body
            }
        }
        Protocol::RpcV2Cbor => {
            // The JS SDK rejects CBOR responses without this header, errors
            // included.
            headers.push(("smithy-protocol", "rpc-v2-cbor".to_owned()));
            let body = cbor::encode(value);
            if body.is_empty() {
                vec![0xa0]
            } else {
                body
            }
        }
    };
    headers.push(("Content-Type", protocol.content_type().to_owned()));
    headers.push(("x-amzn-RequestId", request_id.to_owned()));
    WireReply {
        status: 200,
        headers,
        body,
    }
}

/// The operation named by an awsJson1_1 `X-Amz-Target`, or the 400 reply's
/// status and message.
fn json_operation(target: Option<&str>) -> Result<Operation, (u16, String)> {
    let target = target.ok_or_else(|| (400, "Missing X-Amz-Target header".to_owned()))?;
    let name = target.strip_prefix(TARGET_PREFIX).ok_or_else(|| {
        (
            400,
            format!(
                "X-Amz-Target '{}' is not of the form OvertureService.<Operation>",
                clip(target)
            ),
        )
    })?;
    Operation::from_name(name).ok_or_else(|| (400, format!("Unknown operation {}", clip(target))))
}

/// The operation name at the end of an RPC v2 CBOR path (possibly empty),
/// or `None` if the path is not one.
fn cbor_operation(path: &str) -> Option<&str> {
    let at = path.rfind(CBOR_OPERATION_PATH)?;
    let name = &path[at + CBOR_OPERATION_PATH.len()..];
    (!name.contains('/')).then_some(name)
}

fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    }
}

/// Whether a `Content-Type` value names `expected`, ignoring parameters such
/// as `; charset=utf-8` and letter case.
fn media_type_is(content_type: &str, expected: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case(expected)
}

/// Client-supplied text echoed in a message, cut short so a hostile header
/// cannot blow up the reply.
fn clip(s: &str) -> &str {
    const MAX: usize = 128;
    if s.len() <= MAX {
        return s;
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    type Headers = Vec<(&'static str, &'static str)>;

    fn lookup(headers: &Headers) -> impl Fn(&str) -> Option<String> + '_ {
        move |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        }
    }

    fn route_of(method: &str, path: &str, headers: Headers) -> Route {
        route(method, path, &lookup(&headers))
    }

    fn json_headers(target: &'static str) -> Headers {
        vec![
            ("X-Amz-Target", target),
            ("Content-Type", "application/x-amz-json-1.1"),
        ]
    }

    fn cbor_headers() -> Headers {
        vec![
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Type", "application/cbor"),
        ]
    }

    const CBOR_PATH: &str = "/service/OvertureService/operation/ConfirmPrivateVirtualInterface";

    fn decode(
        protocol: Protocol,
        path: &str,
        headers: Headers,
        body: &[u8],
    ) -> Result<DxRequest, WireReply> {
        decode_request(protocol, path, &lookup(&headers), body)
    }

    fn decode_err(protocol: Protocol, path: &str, headers: Headers, body: &[u8]) -> WireReply {
        match decode(protocol, path, headers, body) {
            Ok(r) => panic!("decoded {}", r.input.operation().name()),
            Err(reply) => reply,
        }
    }

    /// Checks the error envelope of either protocol and returns the message.
    fn expect_error(reply: &WireReply, protocol: Protocol, status: u16, code: &str) -> String {
        assert_eq!(reply.status, status, "{reply:?}");
        assert_eq!(reply.header("x-amzn-errortype"), Some(code));
        assert!(reply
            .header("x-amzn-requestid")
            .is_some_and(|id| id.len() == 36));
        assert_eq!(reply.header("content-type"), Some(protocol.content_type()));
        let (body, type_name) = match protocol {
            Protocol::AwsJson => {
                assert_eq!(reply.header("smithy-protocol"), None);
                (json::parse(&reply.body).unwrap(), code.to_owned())
            }
            Protocol::RpcV2Cbor => {
                assert_eq!(reply.header("smithy-protocol"), Some("rpc-v2-cbor"));
                (
                    cbor::parse(&reply.body).unwrap(),
                    format!("com.amazonaws.directconnect#{code}"),
                )
            }
        };
        let Value::Map(entries) = body else {
            panic!("error body is not a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0], ("__type".to_owned(), Value::Str(type_name)));
        assert_eq!(entries[1].0, "message");
        match &entries[1].1 {
            Value::Str(m) => m.clone(),
            other => panic!("message is {other:?}"),
        }
    }

    #[test]
    fn routing_table() {
        use Protocol::*;
        let cases: Vec<(&str, &str, Headers, Route)> = vec![
            (
                "POST",
                "/",
                json_headers("OvertureService.DescribeLocations"),
                Route::DirectConnect(AwsJson),
            ),
            // A bogus target still routes to JSON, to be refused in JSON.
            (
                "POST",
                "/",
                vec![("x-amz-target", "Nonsense")],
                Route::DirectConnect(AwsJson),
            ),
            (
                "GET",
                "/",
                vec![("X-AMZ-TARGET", "OvertureService.DescribeLocations")],
                Route::DirectConnect(AwsJson),
            ),
            (
                "POST",
                CBOR_PATH,
                cbor_headers(),
                Route::DirectConnect(RpcV2Cbor),
            ),
            ("POST", CBOR_PATH, vec![], Route::DirectConnect(RpcV2Cbor)),
            (
                "POST",
                "/prefix/service/OvertureService/operation/DescribeLocations",
                vec![],
                Route::DirectConnect(RpcV2Cbor),
            ),
            (
                "POST",
                "/service/OvertureService/operation/NoSuchOp",
                vec![],
                Route::DirectConnect(RpcV2Cbor),
            ),
            (
                "POST",
                "/service/OvertureService/operation/DescribeLocations/extra",
                vec![],
                Route::NotFound,
            ),
            (
                "POST",
                "/service/OtherService/operation/DescribeLocations",
                vec![],
                Route::NotFound,
            ),
            ("GET", "/_dxlocal/health", vec![], Route::Admin),
            ("POST", "/_dxlocal/reset?x=1", vec![], Route::Admin),
            ("GET", "/_dxlocal", vec![], Route::Admin),
            (
                "POST",
                "/_dxlocal/state",
                json_headers("OvertureService.DescribeLocations"),
                Route::Admin,
            ),
            ("GET", "/_dxlocalx", vec![], Route::NotFound),
            (
                "POST",
                "/",
                vec![(
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                )],
                Route::Query,
            ),
            (
                "POST",
                "/",
                vec![("content-type", "Application/X-WWW-Form-Urlencoded")],
                Route::Query,
            ),
            (
                "GET",
                "/",
                vec![("Content-Type", "application/x-www-form-urlencoded")],
                Route::NotFound,
            ),
            (
                "GET",
                "/?Action=DescribeVpnGateways&Version=2016-11-15",
                vec![],
                Route::Query,
            ),
            ("GET", "/?Version=1&Action=X", vec![], Route::Query),
            ("GET", "/?NoAction=X", vec![], Route::NotFound),
            ("POST", "/", vec![], Route::NotFound),
            (
                "POST",
                "/",
                vec![("Content-Type", "application/x-amz-json-1.1")],
                // JSON without a target: awsJson1_1's own 400, not a 404.
                Route::DirectConnect(Protocol::AwsJson),
            ),
            ("GET", "/favicon.ico", vec![], Route::NotFound),
        ];
        for (method, path, headers, expected) in cases {
            let desc = format!("{method} {path} {headers:?}");
            assert_eq!(route_of(method, path, headers), expected, "{desc}");
        }
    }

    #[test]
    fn method_check() {
        assert!(check_method(Protocol::AwsJson, "POST").is_ok());
        assert!(check_method(Protocol::RpcV2Cbor, "post").is_ok());
        for protocol in [Protocol::AwsJson, Protocol::RpcV2Cbor] {
            let reply = check_method(protocol, "GET").unwrap_err();
            let msg = expect_error(&reply, protocol, 405, "UnknownOperationException");
            assert!(msg.contains("GET"), "{msg}");
            assert_eq!(reply.header("allow"), Some("POST"));
        }
    }

    #[test]
    fn json_request_decodes() {
        let req = decode(
            Protocol::AwsJson,
            "/",
            json_headers("OvertureService.ConfirmPrivateVirtualInterface"),
            br#"{"virtualInterfaceId":"dxvif-abc","unknownMember":[1,2]}"#,
        )
        .unwrap_or_else(|r| panic!("{r:?}"));
        assert_eq!(req.protocol, Protocol::AwsJson);
        assert_eq!(
            req.input.operation(),
            Operation::ConfirmPrivateVirtualInterface
        );
    }

    #[test]
    fn json_content_type_parameters_and_case_are_accepted() {
        let req = decode(
            Protocol::AwsJson,
            "/",
            vec![
                ("X-Amz-Target", "OvertureService.DescribeLocations"),
                ("Content-Type", "Application/X-Amz-Json-1.1; charset=utf-8"),
            ],
            b"{}",
        )
        .unwrap_or_else(|r| panic!("{r:?}"));
        assert_eq!(req.input.operation(), Operation::DescribeLocations);
    }

    #[test]
    fn empty_bodies_are_empty_maps() {
        // No Content-Type at all, as botocore sends input-less CBOR calls.
        let req = decode(
            Protocol::RpcV2Cbor,
            "/service/OvertureService/operation/DescribeLocations",
            vec![("smithy-protocol", "rpc-v2-cbor")],
            b"",
        )
        .unwrap_or_else(|r| panic!("{r:?}"));
        assert_eq!(req.protocol, Protocol::RpcV2Cbor);
        assert_eq!(req.input.operation(), Operation::DescribeLocations);

        for body in [&b""[..], b"  \r\n"] {
            let req = decode(
                Protocol::AwsJson,
                "/",
                vec![("X-Amz-Target", "OvertureService.DescribeLocations")],
                body,
            )
            .unwrap_or_else(|r| panic!("{r:?}"));
            assert_eq!(req.input.operation(), Operation::DescribeLocations);
        }

        // An empty body still goes through model validation.
        let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, vec![], b"");
        expect_error(
            &reply,
            Protocol::RpcV2Cbor,
            400,
            "DirectConnectClientException",
        );
    }

    #[test]
    fn cbor_request_decodes_definite_and_indefinite() {
        let mut definite = vec![0xa1, 0x72];
        definite.extend_from_slice(b"virtualInterfaceId");
        definite.push(0x69);
        definite.extend_from_slice(b"dxvif-abc");
        let mut indefinite = vec![0xbf, 0x72];
        indefinite.extend_from_slice(b"virtualInterfaceId");
        indefinite.extend_from_slice(&[0x7f, 0x65]);
        indefinite.extend_from_slice(b"dxvif");
        indefinite.push(0x64);
        indefinite.extend_from_slice(b"-abc");
        indefinite.extend_from_slice(&[0xff, 0xff]);
        for body in [definite, indefinite] {
            let req = decode(
                Protocol::RpcV2Cbor,
                &format!("/some/prefix{CBOR_PATH}"),
                vec![("Content-Type", "application/cbor")],
                &body,
            )
            .unwrap_or_else(|r| panic!("{r:?}"));
            assert_eq!(
                req.input.operation(),
                Operation::ConfirmPrivateVirtualInterface
            );
        }
        // The JS SDK's empty map for input-less operations.
        let req = decode(
            Protocol::RpcV2Cbor,
            "/service/OvertureService/operation/DescribeLocations",
            cbor_headers(),
            &[0xa0],
        )
        .unwrap_or_else(|r| panic!("{r:?}"));
        assert_eq!(req.input.operation(), Operation::DescribeLocations);
    }

    #[test]
    fn unknown_or_malformed_target() {
        let cases: Vec<(Headers, &str)> = vec![
            (vec![], "Missing"),
            (
                json_headers("OvertureService.NoSuchOperation"),
                "NoSuchOperation",
            ),
            (json_headers("OvertureService."), "Unknown operation"),
            (json_headers("DescribeLocations"), "not of the form"),
            (
                json_headers("overtureservice.DescribeLocations"),
                "not of the form",
            ),
            (
                json_headers("AmazonEC2.DescribeLocations"),
                "not of the form",
            ),
            (
                json_headers("OvertureService.describeLocations"),
                "Unknown operation",
            ),
        ];
        for (headers, needle) in cases {
            let reply = decode_err(Protocol::AwsJson, "/", headers, b"{}");
            let msg = expect_error(&reply, Protocol::AwsJson, 400, "UnknownOperationException");
            assert!(msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn unknown_cbor_operation_is_404() {
        for path in [
            "/service/OvertureService/operation/NoSuchOperation",
            "/service/OvertureService/operation/",
            "/service/OvertureService/operation/describeLocations",
            "/not/a/cbor/path",
        ] {
            let reply = decode_err(Protocol::RpcV2Cbor, path, cbor_headers(), &[0xa0]);
            expect_error(
                &reply,
                Protocol::RpcV2Cbor,
                404,
                "UnknownOperationException",
            );
        }
    }

    #[test]
    fn wrong_content_type_is_415() {
        let json_cases: Vec<Headers> = vec![
            vec![
                ("X-Amz-Target", "OvertureService.DescribeLocations"),
                ("Content-Type", "application/json"),
            ],
            vec![
                ("X-Amz-Target", "OvertureService.DescribeLocations"),
                ("Content-Type", "application/x-amz-json-1.0"),
            ],
            vec![("X-Amz-Target", "OvertureService.DescribeLocations")],
        ];
        for headers in json_cases {
            let reply = decode_err(Protocol::AwsJson, "/", headers, b"{}");
            let msg = expect_error(
                &reply,
                Protocol::AwsJson,
                415,
                "UnsupportedMediaTypeException",
            );
            assert!(msg.contains(JSON_CONTENT_TYPE), "{msg}");
        }
        let cbor_cases: Vec<Headers> = vec![
            vec![("Content-Type", "application/json")],
            vec![("Content-Type", "application/cbor-seq")],
            vec![],
        ];
        for headers in cbor_cases {
            let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, headers, &[0xa0]);
            let msg = expect_error(
                &reply,
                Protocol::RpcV2Cbor,
                415,
                "UnsupportedMediaTypeException",
            );
            assert!(msg.contains(CBOR_CONTENT_TYPE), "{msg}");
        }
    }

    #[test]
    fn malformed_bodies_are_serialization_errors() {
        let target = "OvertureService.ConfirmPrivateVirtualInterface";
        for (body, needle) in [
            (&b"{"[..], "not valid JSON"),
            (b"{} trailing", "not valid JSON"),
            (b"\xff", "not valid JSON"),
            (b"[]", "JSON object, got list"),
            (b"\"s\"", "JSON object, got string"),
            (b"null", "JSON object, got null"),
        ] {
            let reply = decode_err(Protocol::AwsJson, "/", json_headers(target), body);
            let msg = expect_error(&reply, Protocol::AwsJson, 400, "SerializationException");
            assert!(msg.contains(needle), "{msg}");
        }
        for (body, needle) in [
            (&[0xa1u8][..], "not valid CBOR"),
            (&[0xa0, 0x00], "not valid CBOR"),
            (&[0xff], "not valid CBOR"),
            (&[0x80], "CBOR map, got list"),
            (&[0x01], "CBOR map, got integer"),
        ] {
            let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, cbor_headers(), body);
            let msg = expect_error(&reply, Protocol::RpcV2Cbor, 400, "SerializationException");
            assert!(msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn oversized_body_is_413() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        let reply = decode_err(
            Protocol::AwsJson,
            "/",
            json_headers("OvertureService.DescribeLocations"),
            &big,
        );
        let msg = expect_error(&reply, Protocol::AwsJson, 413, "SerializationException");
        assert!(msg.contains("1048576"), "{msg}");
        let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, cbor_headers(), &big);
        expect_error(&reply, Protocol::RpcV2Cbor, 413, "SerializationException");
    }

    #[test]
    fn model_errors_map_to_client_and_serialization_exceptions() {
        let target = "OvertureService.ConfirmPrivateVirtualInterface";
        // Missing required member: a constraint violation.
        let reply = decode_err(Protocol::AwsJson, "/", json_headers(target), b"{}");
        let msg = expect_error(
            &reply,
            Protocol::AwsJson,
            400,
            "DirectConnectClientException",
        );
        assert!(msg.contains("virtualInterfaceId"), "{msg}");
        assert!(msg.contains("validation error"), "{msg}");
        // Wrong member type: not decodable.
        let reply = decode_err(
            Protocol::AwsJson,
            "/",
            json_headers(target),
            br#"{"virtualInterfaceId":5}"#,
        );
        let msg = expect_error(&reply, Protocol::AwsJson, 400, "SerializationException");
        assert!(msg.contains("virtualInterfaceId"), "{msg}");

        let mut body = vec![0xa1, 0x72];
        body.extend_from_slice(b"virtualInterfaceId");
        body.push(0xf5);
        let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, cbor_headers(), &body);
        expect_error(&reply, Protocol::RpcV2Cbor, 400, "SerializationException");
        let reply = decode_err(Protocol::RpcV2Cbor, CBOR_PATH, cbor_headers(), &[0xa0]);
        expect_error(
            &reply,
            Protocol::RpcV2Cbor,
            400,
            "DirectConnectClientException",
        );
    }

    #[test]
    fn error_bodies_exactly() {
        let err = ApiError::client("Connection dxcon-x \"quoted\" does not exist");
        let reply = encode_error(Protocol::AwsJson, &err, "req-1");
        assert_eq!(reply.status, 400);
        assert_eq!(
            String::from_utf8(reply.body.clone()).unwrap(),
            r#"{"__type":"DirectConnectClientException","message":"Connection dxcon-x \"quoted\" does not exist"}"#
        );
        assert_eq!(
            reply.headers,
            vec![
                ("Content-Type", "application/x-amz-json-1.1".to_owned()),
                ("x-amzn-RequestId", "req-1".to_owned()),
                (
                    "x-amzn-ErrorType",
                    "DirectConnectClientException".to_owned()
                ),
            ]
        );

        let reply = encode_error(Protocol::RpcV2Cbor, &err, "req-2");
        assert_eq!(reply.status, 400);
        let mut expected = vec![0xa2, 0x66];
        expected.extend_from_slice(b"__type");
        let type_name = b"com.amazonaws.directconnect#DirectConnectClientException";
        expected.extend_from_slice(&[0x78, type_name.len() as u8]);
        expected.extend_from_slice(type_name);
        expected.push(0x67);
        expected.extend_from_slice(b"message");
        expected.extend_from_slice(&[0x78, err.message.len() as u8]);
        expected.extend_from_slice(err.message.as_bytes());
        assert_eq!(reply.body, expected);
        assert_eq!(
            reply.headers,
            vec![
                ("smithy-protocol", "rpc-v2-cbor".to_owned()),
                ("Content-Type", "application/cbor".to_owned()),
                ("x-amzn-RequestId", "req-2".to_owned()),
                (
                    "x-amzn-ErrorType",
                    "DirectConnectClientException".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn error_statuses_are_kept() {
        let id = new_request_id();
        for protocol in [Protocol::AwsJson, Protocol::RpcV2Cbor] {
            let reply = encode_error(
                protocol,
                &ApiError::not_implemented("StartBgpFailoverTest"),
                &id,
            );
            let msg = expect_error(&reply, protocol, 501, "NotImplemented");
            assert!(msg.contains("StartBgpFailoverTest"));
            let reply = encode_error(protocol, &ApiError::server("boom"), &id);
            expect_error(&reply, protocol, 500, "DirectConnectServerException");
            let reply = encode_error(protocol, &ApiError::limit_exceeded("x"), &id);
            expect_error(&reply, protocol, 400, "LimitExceededException");
        }
    }

    struct Sample;

    impl Encode for Sample {
        fn encode<E: dxlocal_model::Encoder>(&self, e: &mut E) {
            e.begin_map(3);
            e.key("virtualInterfaceState");
            e.string("pending");
            e.key("loaIssueTime");
            e.timestamp(1491568964.0);
            e.key("loaContent");
            e.blob(b"%PDF");
            e.end_map();
        }
    }

    struct Nothing;

    impl Encode for Nothing {
        fn encode<E: dxlocal_model::Encoder>(&self, _: &mut E) {}
    }

    #[test]
    fn success_replies() {
        let reply = encode_reply(Protocol::AwsJson, &Sample, "id-1");
        assert_eq!(reply.status, 200);
        assert_eq!(
            String::from_utf8(reply.body).unwrap(),
            r#"{"virtualInterfaceState":"pending","loaIssueTime":1491568964,"loaContent":"JVBERg=="}"#
        );
        assert_eq!(
            reply.headers,
            vec![
                ("Content-Type", "application/x-amz-json-1.1".to_owned()),
                ("x-amzn-RequestId", "id-1".to_owned()),
            ]
        );

        let reply = encode_reply(Protocol::RpcV2Cbor, &Sample, "id-2");
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.headers,
            vec![
                ("smithy-protocol", "rpc-v2-cbor".to_owned()),
                ("Content-Type", "application/cbor".to_owned()),
                ("x-amzn-RequestId", "id-2".to_owned()),
            ]
        );
        let Value::Map(entries) = cbor::parse(&reply.body).unwrap() else {
            panic!()
        };
        assert_eq!(
            entries,
            vec![
                (
                    "virtualInterfaceState".to_owned(),
                    Value::Str("pending".into())
                ),
                (
                    "loaIssueTime".to_owned(),
                    Value::Tag(1, Box::new(Value::Int(1491568964)))
                ),
                ("loaContent".to_owned(), Value::Bytes(b"%PDF".to_vec())),
            ]
        );

        // Output that writes nothing still yields a well-formed empty map.
        assert_eq!(encode_reply(Protocol::AwsJson, &Nothing, "i").body, b"{}");
        assert_eq!(
            encode_reply(Protocol::RpcV2Cbor, &Nothing, "i").body,
            [0xa0]
        );
    }

    #[test]
    fn request_ids_are_uuid_v4() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn every_operation_routes_both_ways() {
        for op in Operation::ALL {
            let name = op.name();
            assert_eq!(Operation::from_name(name), Some(*op));
            let target = format!("{TARGET_PREFIX}{name}");
            assert_eq!(json_operation(Some(&target)), Ok(*op));
            let path = format!("{CBOR_OPERATION_PATH}{name}");
            assert_eq!(cbor_operation(&path), Some(name));
            assert_eq!(
                route("POST", &path, &|_: &str| None),
                Route::DirectConnect(Protocol::RpcV2Cbor)
            );
        }
    }

    #[test]
    fn long_client_text_is_clipped_in_messages() {
        let long: &'static str =
            Box::leak(format!("OvertureService.{}", "é".repeat(500)).into_boxed_str());
        let reply = decode_err(Protocol::AwsJson, "/", json_headers(long), b"{}");
        let msg = expect_error(&reply, Protocol::AwsJson, 400, "UnknownOperationException");
        assert!(msg.len() < 200, "{}", msg.len());
    }
}
