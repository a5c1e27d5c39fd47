//! HTTP/1.1 with keep-alive on hyper: accepting connections, reading
//! bodies with a hard bound, turning replies into responses, logging, and
//! draining in-flight requests on shutdown.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use dxlocal_auth::{
    identify_lenient, verify_request, AuthParts, Identity, ReceivedRequest, VerifyError,
};
use dxlocal_engine::label::Label;
use dxlocal_wire::{Route, WireReply, MAX_BODY_BYTES};

/// Largest admin request body: a whole scenario document.
const ADMIN_MAX_BODY_BYTES: usize = 256 << 20;
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, CONTENT_LENGTH};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::app::App;
use crate::config::{AuthMode, ServerConfig};
use crate::dispatch::{self, Head, Outcome, Rejection};
use crate::log::RequestRecord;
use crate::observe::RequestEntry;
use crate::views::{self, View};

/// A response body: a whole reply, or an event stream.
type Body = Either<Full<Bytes>, EventStream>;

/// The body of a server-sent-event stream: whatever the stream's task
/// sends, until it stops (the client left) or the server shuts down.
pub(crate) struct EventStream(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|b| Ok(hyper::body::Frame::data(b))))
    }
}

/// A client that has sent headers gets this long to send the body.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// How long shutdown waits for in-flight requests before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves on `listener` until `shutdown` completes, then stops accepting,
/// lets in-flight requests finish (closing idle keep-alive connections) and
/// returns.
pub async fn serve(
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let app = Arc::new(App::new(config).map_err(io::Error::other)?);
    serve_app(app, listener, shutdown).await
}

/// Serves an already built application (see [`crate::prepare`]).
pub(crate) async fn serve_app(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let ticker = tokio::spawn(settle_while_watched(Arc::clone(&app)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let mut shutdown = pin!(shutdown);

    loop {
        let (stream, _peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        // Small request/response exchanges on a kept-alive connection stall
        // on Nagle's algorithm otherwise.
        let _ = stream.set_nodelay(true);
        let app = Arc::clone(&app);
        let service = service_fn(move |req| {
            let app = Arc::clone(&app);
            async move { Ok::<_, Infallible>(handle(&app, req).await) }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors here are the client's doing (reset, garbage, timeout);
            // hyper has already answered what could be answered.
            let _ = connection.await;
        });
    }

    drop(listener);
    ticker.abort();
    let open = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            eprintln!("dxlocal: shutdown gave up waiting for {open} connection(s)");
        }
    }
    crate::persist::snapshot_on_shutdown(&app).await;
    Ok(())
}

/// How often transitions that fell due are applied while someone watches
/// the event stream.
const WATCHED_SETTLE_INTERVAL: Duration = Duration::from_millis(250);

/// Transitions are applied lazily, when the next call comes. While an
/// event stream is open, apply them as they fall due instead, so the
/// dashboard moves on its own.
async fn settle_while_watched(app: Arc<App>) {
    loop {
        tokio::time::sleep(WATCHED_SETTLE_INTERVAL).await;
        if app.observer.subscribers() == 0 {
            continue;
        }
        let changed = {
            let mut engine = app.engine.lock();
            let before = engine.events().next_seq();
            let wall = engine.monotonic_wall(crate::app::wall_now());
            engine.settle_due(wall);
            engine.events().next_seq() != before
        };
        if changed {
            app.observer.wake();
        }
    }
}

/// Running out of file descriptors must not end the server; back off and
/// let in-flight requests release some.
async fn accept_failed(e: &io::Error) {
    match e.kind() {
        io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::Interrupted => {}
        _ => {
            eprintln!("dxlocal: accept failed: {e}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn handle(app: &Arc<App>, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let view = views::route(
        app,
        req.method().as_str(),
        req.uri().path(),
        req.uri().query(),
        req.headers().get("accept").and_then(|v| v.to_str().ok()),
        req.headers()
            .get("last-event-id")
            .and_then(|v| v.to_str().ok()),
    );
    if let Some(view) = view {
        return view_response(view);
    }
    let request_id = dxlocal_wire::new_request_id();
    let (parts, body) = req.into_parts();
    let headers = &parts.headers;
    let header = |name: &str| -> Option<String> {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let head = Head {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        target: parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
        query: parts.uri.query(),
        header: &header,
    };
    let route = dxlocal_wire::route(head.method, head.target, head.header);

    let (identity, auth_error) = match route {
        Route::Admin => (Identity::anonymous(), None),
        _ => identify(app, headers, head.query),
    };

    // Why strict mode refused the request, for the log.
    let mut strict_failure: Option<VerifyError> = None;
    // A rejected body may be partly unread, so its connection is not reused.
    let (outcome, close) = if route == Route::NotFound {
        // Nothing can use the body; hyper discards it.
        let outcome = run(route, &head, &identity, &request_id, || {
            dispatch::handle(app, route, &head, &identity, None, &[], &request_id)
        });
        (outcome, false)
    } else {
        // A scenario document (PUT /_dxlocal/state) may be far larger than
        // any API call; everything else keeps the API's bound.
        let limit = if route == Route::Admin {
            ADMIN_MAX_BODY_BYTES
        } else {
            MAX_BODY_BYTES
        };
        match read_body(body, headers, limit).await {
            Ok(bytes) => {
                let outcome = run(route, &head, &identity, &request_id, || {
                    if needs_verification(app.auth, route) {
                        // Refused before decoding, so a refused request
                        // never reaches the engine and changes nothing.
                        if let Err(failure) = verify(app, route, &parts, &bytes) {
                            let outcome = dispatch::refused(
                                route,
                                &head,
                                &identity,
                                &failure,
                                &bytes,
                                &request_id,
                            );
                            strict_failure = Some(failure);
                            return outcome;
                        }
                    }
                    dispatch::handle(
                        app,
                        route,
                        &head,
                        &identity,
                        auth_error.as_deref(),
                        &bytes,
                        &request_id,
                    )
                });
                (outcome, false)
            }
            Err(rejection) => (
                dispatch::rejected(route, &head, &identity, &rejection, &request_id),
                true,
            ),
        }
    };

    // A state-changing call is answered only once it is durable.
    let mut outcome = outcome;
    if let Some(ticket) = outcome.commit.take() {
        if let Err(e) = ticket.wait().await {
            eprintln!("dxlocal: could not persist {}: {e}", outcome.target);
            let failed = dispatch::internal_error(route, &head, &identity, &request_id);
            outcome.reply = failed.reply;
            outcome.error = failed.error;
        }
    }
    let (response, request_id) = into_response(outcome.reply, &request_id, close);
    let admin = route == Route::Admin;
    let refused = strict_failure.is_some();
    let status = response.status().as_u16();
    let latency = started.elapsed();
    if app.request_log {
        let auth_note = match &strict_failure {
            Some(failure) => Some(failure.log_note()),
            None => auth_error.as_deref(),
        };
        RequestRecord {
            target: &outcome.target,
            // A refused caller's claimed account is not an account.
            account: if admin || refused {
                "-"
            } else {
                &identity.account
            },
            region: if admin { "-" } else { &identity.region },
            protocol: outcome.protocol,
            status,
            latency,
            request_id: &request_id,
            error: outcome.error.as_deref(),
            message: outcome.message.as_deref(),
            auth_note,
        }
        .emit(app.log_format);
    }
    // Health probes (the dashboard polls one) would drown the request ring.
    let probe = admin && head.path == "/_dxlocal/health";
    if !probe && app.observe {
        let operation = if admin {
            Cow::Owned(format!(
                "admin:{}",
                outcome
                    .target
                    .strip_prefix(dxlocal_wire::ADMIN_PATH_PREFIX)
                    .unwrap_or(&outcome.target)
            ))
        } else {
            outcome.target
        };
        app.observer.record(RequestEntry {
            seq: 0,
            time: SystemTime::now(),
            request_id,
            operation,
            account: (!admin && !refused).then(|| Label::new(&identity.account)),
            region: (!admin).then(|| Label::new(&identity.region)),
            protocol: outcome.protocol,
            status,
            latency,
            error_type: outcome.error,
            error_message: outcome.message,
        });
    }
    response.map(Either::Left)
}

fn view_response(view: View) -> Response<Body> {
    match view {
        View::Full {
            status,
            content_type,
            body,
        } => {
            let mut response = Response::new(Either::Left(Full::new(body)));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            response.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static(content_type),
            );
            response.headers_mut().insert(
                hyper::header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            );
            response
        }
        View::Stream(rx) => {
            let mut response = Response::new(Either::Right(EventStream(rx)));
            let headers = response.headers_mut();
            headers.insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            );
            headers.insert(
                hyper::header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            );
            response
        }
    }
}

/// Runs the synchronous part of a request. A panic anywhere in decoding,
/// the engine or encoding becomes a 500 in the request's protocol instead
/// of a dropped connection.
fn run(
    route: Route,
    head: &Head<'_>,
    identity: &Identity,
    request_id: &str,
    f: impl FnOnce() -> Outcome,
) -> Outcome {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| dispatch::internal_error(route, head, identity, request_id))
}

/// Strict mode checks every request that reaches Direct Connect, EC2 or
/// STS; the admin API and unrouted requests are never authenticated.
fn needs_verification(mode: AuthMode, route: Route) -> bool {
    mode == AuthMode::Strict && matches!(route, Route::DirectConnect(_) | Route::Query)
}

/// Verifies the request's SigV4 signature over exactly what was received.
/// The clock is the real wall clock, not the emulator's virtual one: SDKs
/// sign with the machine's time, and advancing virtual time (to expire
/// resources) must not make every signature look stale.
fn verify(
    app: &App,
    route: Route,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<(), VerifyError> {
    let text = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
    };
    let authorization = text("authorization");
    let x_amz_date = text("x-amz-date");
    let security_token = text("x-amz-security-token");
    let auth = AuthParts {
        authorization: authorization.as_deref(),
        x_amz_date: x_amz_date.as_deref(),
        security_token: security_token.as_deref(),
        query: parts.uri.query(),
    };
    let headers: Vec<(&str, &[u8])> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    let request = ReceivedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &headers,
        body,
    };
    // The credential scope must name the endpoint's service, as on AWS.
    let services: &[&str] = match route {
        Route::Query => &["ec2", "sts"],
        _ => &["directconnect"],
    };
    verify_request(
        &auth,
        &request,
        &app.credentials,
        services,
        SystemTime::now(),
    )
    .map(|_| ())
}

/// The caller as the signature claims it. With `--auth off` nothing is
/// verified; a signature that does not even parse comes back as the error
/// the dispatcher answers with. With `--auth strict` the claim is checked
/// once the body is in (see [`verify`]).
fn identify(app: &App, headers: &HeaderMap, query: Option<&str>) -> (Identity, Option<String>) {
    // Non-UTF-8 bytes are kept (lossily) so the parser reports them rather
    // than the request silently counting as unsigned.
    let text = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
    };
    let authorization = text("authorization");
    let x_amz_date = text("x-amz-date");
    let security_token = text("x-amz-security-token");
    let parts = AuthParts {
        authorization: authorization.as_deref(),
        x_amz_date: x_amz_date.as_deref(),
        security_token: security_token.as_deref(),
        query,
    };
    let (identity, error) = identify_lenient(&parts, &app.credentials);
    (identity, error.map(|e| e.to_string()))
}

/// Reads the whole body, refusing anything over `limit`: up
/// front when `Content-Length` says so, otherwise as soon as the running
/// total passes the bound.
async fn read_body(body: Incoming, headers: &HeaderMap, limit: usize) -> Result<Bytes, Rejection> {
    let declared = match headers.get(CONTENT_LENGTH) {
        Some(v) => v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()),
        None => None,
    };
    if let Some(n) = declared {
        if n > limit as u64 {
            // Read and drop a moderately oversized body before answering, so
            // a client still writing it sees the 413 instead of a broken
            // pipe. Beyond the drain bound the connection is just closed.
            if n <= DRAIN_LIMIT_BYTES {
                let _ = tokio::time::timeout(BODY_READ_TIMEOUT, drain(body)).await;
            }
            return Err(Rejection::TooLarge {
                limit,
                declared: Some(n),
            });
        }
    }
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(BODY_READ_TIMEOUT, collect).await {
        Err(_) => Err(Rejection::TimedOut),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(Rejection::TooLarge {
            limit,
            declared: None,
        }),
        Ok(Err(e)) => Err(Rejection::Unreadable(e.to_string())),
    }
}

/// How much of an oversized body is read (and discarded) so its 413 reaches
/// the client; nothing of it is kept.
const DRAIN_LIMIT_BYTES: u64 = 16 << 20;

/// Reads and drops `body` until it ends, passes [`DRAIN_LIMIT_BYTES`], or
/// the client pauses for a second (one that waits for an answer before
/// sending, like `Expect: 100-continue`, gets it promptly).
async fn drain(mut body: Incoming) {
    use http_body_util::BodyExt;
    let mut seen: u64 = 0;
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(Duration::from_secs(1), body.frame()).await
    {
        if let Some(data) = frame.data_ref() {
            seen += data.len() as u64;
            if seen > DRAIN_LIMIT_BYTES {
                return;
            }
        }
    }
}

/// Builds the HTTP response, making sure it carries `x-amzn-RequestId`.
/// Returns the ID actually sent, which is the codec's if it set one.
fn into_response(
    reply: WireReply,
    request_id: &str,
    close: bool,
) -> (Response<Full<Bytes>>, String) {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let mut sent_id: Option<String> = None;
    for (name, value) in reply.headers {
        let Ok(value) = HeaderValue::try_from(value) else {
            eprintln!("dxlocal: dropped response header {name} with an invalid value");
            continue;
        };
        if name.eq_ignore_ascii_case(REQUEST_ID_HEADER) {
            sent_id = value.to_str().ok().map(str::to_owned);
        }
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => {
                headers.append(name, value);
            }
            Err(_) => eprintln!("dxlocal: dropped response header with invalid name {name:?}"),
        }
    }
    let request_id = match sent_id {
        Some(id) => id,
        None => {
            if let Ok(value) = HeaderValue::from_str(request_id) {
                headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            request_id.to_string()
        }
    };
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    (response, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dxlocal_wire::Protocol;

    fn head<'a>(header: &'a (dyn Fn(&str) -> Option<String> + Sync)) -> Head<'a> {
        Head {
            method: "POST",
            path: "/",
            target: "/",
            query: None,
            header,
        }
    }

    #[test]
    fn a_panic_becomes_a_500_in_the_request_protocol() {
        let no_headers = |_: &str| None;
        let head = head(&no_headers);
        let identity = Identity::anonymous();
        let cases = [
            (
                Route::DirectConnect(Protocol::AwsJson),
                "DirectConnectServerException",
            ),
            (
                Route::DirectConnect(Protocol::RpcV2Cbor),
                "DirectConnectServerException",
            ),
            (Route::Query, "InternalFailure"),
            (Route::Admin, "InternalFailure"),
        ];
        for (route, code) in cases {
            let outcome = run(route, &head, &identity, "rid-1", || panic!("engine bug"));
            assert_eq!(outcome.reply.status, 500, "{route:?}");
            assert_eq!(outcome.error.as_deref(), Some(code), "{route:?}");
            let body = String::from_utf8_lossy(&outcome.reply.body);
            assert!(body.contains(code), "{route:?}: {body}");
        }
    }

    #[test]
    fn every_response_carries_a_request_id() {
        let bare = WireReply {
            status: 404,
            headers: Vec::new(),
            body: b"{}".to_vec(),
        };
        let (response, id) = into_response(bare, "ours", false);
        assert_eq!(id, "ours");
        assert_eq!(response.headers()["x-amzn-requestid"], "ours");
        assert!(response.headers().get(CONNECTION).is_none());

        let coded = WireReply {
            status: 400,
            headers: vec![
                ("x-amzn-RequestId", "theirs".into()),
                ("x-amzn-ErrorType", "X".into()),
            ],
            body: Vec::new(),
        };
        let (response, id) = into_response(coded, "ours", true);
        assert_eq!(id, "theirs");
        assert_eq!(
            response
                .headers()
                .get_all("x-amzn-requestid")
                .iter()
                .count(),
            1
        );
        assert_eq!(response.headers()["x-amzn-errortype"], "X");
        assert_eq!(response.headers()[CONNECTION], "close");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn invalid_header_values_are_dropped_not_fatal() {
        let reply = WireReply {
            status: 200,
            headers: vec![("x-bad", "line\nbreak".into()), ("Bad Name", "v".into())],
            body: Vec::new(),
        };
        let (response, _) = into_response(reply, "id", false);
        assert!(response.headers().get("x-bad").is_none());
        assert_eq!(response.headers()["x-amzn-requestid"], "id");
    }
}
