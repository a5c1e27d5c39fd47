//! From a routed request with its body to a reply: decode, identify the
//! caller, run the engine, encode. Synchronous and free of I/O, so the HTTP
//! layer can wrap it in one `catch_unwind`.

use std::borrow::Cow;

use dxlocal_auth::{Dialect, Identity, VerifyError};
use dxlocal_engine::Caller;
use dxlocal_model::ec2::Ec2Error;
use dxlocal_model::ApiError;
use dxlocal_wire::query::{self, QueryRequest};
use dxlocal_wire::{Protocol, Route, WireReply};

use crate::admin;
use crate::app::{wall_now, App};
use crate::persist;
use dxlocal_store::{Record, Ticket};

/// The request as the dispatcher sees it: everything but the body.
pub(crate) struct Head<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Path and query, as the wire crate's router and decoder take it.
    pub target: &'a str,
    pub query: Option<&'a str>,
    pub header: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// A reply plus what the request log says about it.
pub(crate) struct Outcome {
    pub reply: WireReply,
    /// Operation, EC2/STS action or admin path.
    pub target: Cow<'static, str>,
    pub protocol: &'static str,
    pub error: Option<String>,
    /// The failure's message, for the request log and the dashboard.
    pub message: Option<String>,
    /// Resolves when the call is durable; the reply waits for it.
    pub commit: Option<Ticket>,
}

/// Which Query service a request is for. Known before the body is read,
/// from the credential scope, so that even a 413 has the right shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryService {
    Ec2,
    Sts,
}

impl QueryService {
    pub fn from_scope(identity: &Identity) -> Self {
        match identity.service.as_deref() {
            Some("sts") => QueryService::Sts,
            _ => QueryService::Ec2,
        }
    }

    fn label(self) -> &'static str {
        match self {
            QueryService::Ec2 => "ec2Query",
            QueryService::Sts => "stsQuery",
        }
    }
}

pub(crate) fn protocol_label(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson => "awsJson1_1",
        Protocol::RpcV2Cbor => "rpcv2Cbor",
    }
}

pub(crate) fn handle(
    app: &App,
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    auth_error: Option<&str>,
    body: &[u8],
    request_id: &str,
) -> Outcome {
    // A signature that is present but unparseable is refused rather than
    // treated as unsigned: running it as the default account would put the
    // caller's resources in someone else's account without a word.
    if let Some(why) = auth_error {
        match route {
            Route::DirectConnect(protocol) => {
                let e = ApiError::new("IncompleteSignatureException", 400, why.to_string());
                return Outcome {
                    reply: dxlocal_wire::encode_error(protocol, &e, request_id),
                    target: Cow::Owned(claimed_operation(protocol, head)),
                    protocol: protocol_label(protocol),
                    error: Some(e.code.to_string()),
                    message: Some(e.message.to_string()),
                    commit: None,
                };
            }
            Route::Query => {
                let e = Ec2Error::new("IncompleteSignature", 400, why.to_string());
                return query_error(
                    QueryService::from_scope(identity),
                    Cow::Borrowed("-"),
                    &e,
                    request_id,
                );
            }
            Route::Admin | Route::NotFound => {}
        }
    }
    match route {
        Route::DirectConnect(protocol) => {
            direct_connect(app, protocol, head, identity, body, request_id)
        }
        Route::Query => query_call(app, head, identity, body, request_id),
        Route::Admin => {
            let (reply, error, commit) = admin::handle(app, head.method, head.path, body);
            let message = reply_error_message(&reply);
            Outcome {
                reply,
                target: Cow::Owned(head.path.to_string()),
                protocol: "admin",
                error: error.map(str::to_string),
                message,
                commit,
            }
        }
        Route::NotFound => not_found(head, request_id),
    }
}

fn direct_connect(
    app: &App,
    protocol: Protocol,
    head: &Head<'_>,
    identity: &Identity,
    body: &[u8],
    request_id: &str,
) -> Outcome {
    let label = protocol_label(protocol);
    let decoded = dxlocal_wire::check_method(protocol, head.method)
        .and_then(|()| dxlocal_wire::decode_request(protocol, head.target, head.header, body));
    let request = match decoded {
        Ok(request) => request,
        Err(reply) => {
            let error = reply_error_code(&reply);
            let message = reply_error_message(&reply);
            let target = Cow::Owned(claimed_operation(protocol, head));
            return Outcome {
                reply,
                target,
                protocol: label,
                error,
                message,
                commit: None,
            };
        }
    };
    let operation = request.input.operation();
    let caller = Caller::new(identity.account.as_str(), identity.region.as_str());
    let (result, commit) = {
        let mut engine = app.engine.lock();
        // Read under the lock: calls get non-decreasing times in the order
        // they run, which is the order they are journaled and replayed in.
        let wall = engine.monotonic_wall(wall_now());
        let result = engine.execute(&caller, request.input, wall);
        let commit = if persist::is_read_only(operation) {
            None
        } else {
            app.history.lock().record(
                Record {
                    kind: "dx".into(),
                    target: operation.name().into(),
                    account: caller.account.clone(),
                    region: caller.region.clone(),
                    protocol: match protocol {
                        Protocol::AwsJson => "json",
                        Protocol::RpcV2Cbor => "cbor",
                    }
                    .into(),
                    body: body.to_vec(),
                    wall,
                    status: result.as_ref().map_or_else(|e| e.status, |_| 200),
                },
                &engine,
            )
        };
        (result, commit)
    };
    let target = Cow::Borrowed(operation.name());
    match result {
        Ok(output) => Outcome {
            reply: dxlocal_wire::encode_output(protocol, &output, request_id),
            target,
            protocol: label,
            error: None,
            message: None,
            commit,
        },
        Err(e) => Outcome {
            reply: dxlocal_wire::encode_error(protocol, &e, request_id),
            target,
            protocol: label,
            error: Some(e.code.to_string()),
            message: Some(e.message.to_string()),
            commit: None,
        },
    }
}

fn query_call(
    app: &App,
    head: &Head<'_>,
    identity: &Identity,
    body: &[u8],
    request_id: &str,
) -> Outcome {
    let scope_service = QueryService::from_scope(identity);
    let request = match query::parse_form(body, head.query) {
        Ok(request) => request,
        Err(e) => return query_error(scope_service, Cow::Borrowed("-"), &e, request_id),
    };
    let service = if request.action == "GetCallerIdentity" {
        QueryService::Sts
    } else {
        scope_service
    };
    let target = Cow::Owned(request.action.clone());
    match service {
        QueryService::Sts => sts_call(&request, identity, target, request_id),
        QueryService::Ec2 => ec2_call(
            app,
            &request,
            (body, head.query),
            identity,
            target,
            request_id,
        ),
    }
}

fn sts_call(
    request: &QueryRequest,
    identity: &Identity,
    target: Cow<'static, str>,
    request_id: &str,
) -> Outcome {
    if request.action != "GetCallerIdentity" {
        let e = Ec2Error::new(
            "InvalidAction",
            400,
            format!(
                "Could not find operation {} for version 2011-06-15",
                request.action
            ),
        );
        return query_error(QueryService::Sts, target, &e, request_id);
    }
    Outcome {
        reply: query::sts::get_caller_identity(&identity.account, request_id),
        target,
        protocol: QueryService::Sts.label(),
        error: None,
        message: None,
        commit: None,
    }
}

fn ec2_call(
    app: &App,
    request: &QueryRequest,
    (body, query): (&[u8], Option<&str>),
    identity: &Identity,
    target: Cow<'static, str>,
    request_id: &str,
) -> Outcome {
    let ec2_request = match query::ec2::decode(request) {
        Ok(r) => r,
        Err(e) => return query_error(QueryService::Ec2, target, &e, request_id),
    };
    let caller = Caller::new(identity.account.as_str(), identity.region.as_str());
    let (result, commit) = {
        let mut engine = app.engine.lock();
        // Read under the lock: calls get non-decreasing times in the order
        // they run, which is the order they are journaled and replayed in.
        let wall = engine.monotonic_wall(wall_now());
        let result = engine.execute_ec2(&caller, ec2_request, wall);
        let commit = if persist::ec2_is_read_only(&request.action) {
            None
        } else {
            // The call as it arrived: form body, or query string for a GET.
            let raw = if body.is_empty() {
                query.unwrap_or("").as_bytes()
            } else {
                body
            };
            app.history.lock().record(
                Record {
                    kind: "ec2".into(),
                    target: request.action.clone(),
                    account: caller.account.clone(),
                    region: caller.region.clone(),
                    protocol: String::new(),
                    body: raw.to_vec(),
                    wall,
                    status: result.as_ref().map_or_else(|e| e.status, |_| 200),
                },
                &engine,
            )
        };
        (result, commit)
    };
    match result {
        Ok(response) => Outcome {
            reply: query::ec2::encode_response(&response, request_id),
            target,
            protocol: QueryService::Ec2.label(),
            error: None,
            message: None,
            commit,
        },
        Err(e) => query_error(QueryService::Ec2, target, &e, request_id),
    }
}

fn query_error(
    service: QueryService,
    target: Cow<'static, str>,
    e: &Ec2Error,
    request_id: &str,
) -> Outcome {
    let reply = match service {
        QueryService::Ec2 => query::ec2::encode_error(e, request_id),
        QueryService::Sts => query::sts::encode_error(&e.code, &e.message, e.status, request_id),
    };
    Outcome {
        reply,
        target,
        protocol: service.label(),
        error: Some(e.code.clone()),
        message: Some(e.message.to_string()),
        commit: None,
    }
}

/// The reply for a request strict mode refused, in the shape and with the
/// code of the service it was for (see `VerifyError::wire` for the table).
pub(crate) fn refused(
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    failure: &VerifyError,
    body: &[u8],
    request_id: &str,
) -> Outcome {
    match route {
        Route::DirectConnect(protocol) => {
            let w = failure.wire(Dialect::Json);
            let e = ApiError::new(w.code, w.status, w.message);
            Outcome {
                reply: dxlocal_wire::encode_error(protocol, &e, request_id),
                target: Cow::Owned(claimed_operation(protocol, head)),
                protocol: protocol_label(protocol),
                error: Some(e.code.to_string()),
                message: Some(e.message.to_string()),
                commit: None,
            }
        }
        _ => {
            // An unsigned GetCallerIdentity has no scope to name STS, but
            // it is still STS that answers.
            let form = query::parse_form(body, head.query).ok();
            let service = match form.as_ref().map(|f| f.action.as_str()) {
                Some("GetCallerIdentity") => QueryService::Sts,
                _ => QueryService::from_scope(identity),
            };
            let dialect = match service {
                QueryService::Sts => Dialect::Sts,
                QueryService::Ec2 => Dialect::Ec2,
            };
            let w = failure.wire(dialect);
            let target = match form {
                Some(f) => Cow::Owned(shorten(&f.action)),
                None => Cow::Borrowed("-"),
            };
            query_error(
                service,
                target,
                &Ec2Error::new(w.code, w.status, w.message),
                request_id,
            )
        }
    }
}

fn not_found(head: &Head<'_>, request_id: &str) -> Outcome {
    let e = ApiError::new(
        "UnknownOperationException",
        404,
        format!(
            "no Direct Connect, EC2, STS or admin endpoint for {} {}",
            head.method,
            shorten(head.path)
        ),
    );
    Outcome {
        reply: dxlocal_wire::encode_error(Protocol::AwsJson, &e, request_id),
        target: Cow::Owned(head.path.to_string()),
        protocol: "none",
        error: Some(e.code.to_string()),
        message: Some(e.message.to_string()),
        commit: None,
    }
}

/// The reply for a request whose body could not be accepted (too large,
/// unreadable, too slow), in the shape of the protocol it was routed to.
pub(crate) fn rejected(
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    rejection: &Rejection,
    request_id: &str,
) -> Outcome {
    let (code, status, message) = rejection.parts(route);
    reply_for(route, head, identity, code, status, &message, request_id)
}

/// The last-resort answer when handling a request panicked.
pub(crate) fn internal_error(
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    request_id: &str,
) -> Outcome {
    let message = "The server encountered an internal error; please try again";
    let code = match route {
        Route::DirectConnect(_) => "DirectConnectServerException",
        _ => "InternalFailure",
    };
    reply_for(route, head, identity, code, 500, message, request_id)
}

fn reply_for(
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    code: &'static str,
    status: u16,
    message: &str,
    request_id: &str,
) -> Outcome {
    match route {
        Route::DirectConnect(protocol) => Outcome {
            reply: dxlocal_wire::encode_error(
                protocol,
                &ApiError::new(code, status, message),
                request_id,
            ),
            target: Cow::Owned(claimed_operation(protocol, head)),
            protocol: protocol_label(protocol),
            error: Some(code.to_string()),
            message: Some(message.to_string()),
            commit: None,
        },
        Route::Query => {
            let e = Ec2Error::new(code, status, message);
            query_error(
                QueryService::from_scope(identity),
                Cow::Borrowed("-"),
                &e,
                request_id,
            )
        }
        Route::Admin | Route::NotFound => Outcome {
            reply: admin::error(status, code, message),
            target: Cow::Owned(head.path.to_string()),
            protocol: if route == Route::Admin {
                "admin"
            } else {
                "none"
            },
            error: Some(code.to_string()),
            message: Some(message.to_string()),
            commit: None,
        },
    }
}

/// Why a body was not accepted.
#[derive(Debug)]
pub(crate) enum Rejection {
    TooLarge { limit: usize, declared: Option<u64> },
    Unreadable(String),
    TimedOut,
}

impl Rejection {
    /// Codes match what the codecs use for the same failure, so a 413 looks
    /// the same whether the server or the decoder noticed the size.
    fn parts(&self, route: Route) -> (&'static str, u16, String) {
        match self {
            Rejection::TooLarge { limit, declared } => {
                let code = match route {
                    Route::DirectConnect(_) => "SerializationException",
                    _ => "RequestEntityTooLarge",
                };
                let message = match declared {
                    Some(n) => format!("Request body is {n} bytes; the limit is {limit} bytes"),
                    None => format!("Request body exceeds the limit of {limit} bytes"),
                };
                (code, 413, message)
            }
            Rejection::Unreadable(why) => (
                "SerializationException",
                400,
                format!("Could not read the request body: {why}"),
            ),
            Rejection::TimedOut => (
                "RequestTimeoutException",
                408,
                "Timed out reading the request body".into(),
            ),
        }
    }
}

/// The operation a request names, for the log when it could not be decoded.
fn claimed_operation(protocol: Protocol, head: &Head<'_>) -> String {
    let claimed = match protocol {
        Protocol::AwsJson => (head.header)("x-amz-target").map(|t| {
            t.rsplit_once('.')
                .map_or(t.as_str(), |(_, op)| op)
                .to_string()
        }),
        Protocol::RpcV2Cbor => head.path.rsplit_once('/').map(|(_, op)| op.to_string()),
    };
    match claimed {
        Some(op) if !op.is_empty() => shorten(&op),
        _ => "-".to_string(),
    }
}

/// The error code a codec put on a reply it built by itself.
fn reply_error_code(reply: &WireReply) -> Option<String> {
    if reply.status < 400 {
        return None;
    }
    let from_header = reply
        .header("x-amzn-errortype")
        .map(|value| value.split(':').next().unwrap_or(value).to_string());
    Some(from_header.unwrap_or_else(|| reply.status.to_string()))
}

/// The message of an error reply, whatever its protocol: `message` (or
/// `Message`) in a JSON or CBOR body, `<Message>` in an XML one.
fn reply_error_message(reply: &WireReply) -> Option<String> {
    if reply.status < 400 {
        return None;
    }
    let body = &reply.body;
    if body.first() == Some(&b'<') {
        let text = std::str::from_utf8(body).ok()?;
        let start = text.find("<Message>")? + "<Message>".len();
        let end = text[start..].find("</Message>")? + start;
        return Some(text[start..end].to_string());
    }
    let value = dxlocal_wire::json::parse(body)
        .or_else(|_| dxlocal_wire::cbor::parse(body))
        .ok()?;
    let dxlocal_model::Value::Map(entries) = value else {
        return None;
    };
    entries.into_iter().find_map(|(k, v)| match v {
        dxlocal_model::Value::Str(s) if k == "message" || k == "Message" => Some(s),
        _ => None,
    })
}

fn shorten(s: &str) -> String {
    s.chars().take(128).collect()
}
