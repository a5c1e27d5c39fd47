//! The floor: a hyper server that does no work, so the same client against
//! it shows what the client, the loopback and HTTP/1.1 cost by themselves.

use crate::cbor;
use crate::client::{Protocol, CBOR_CONTENT_TYPE, JSON_CONTENT_TYPE, SMITHY_PROTOCOL};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Carries a VIF ID so the client's flow code runs unchanged; the floor
/// answers every operation with this same body.
pub fn fixed_body(proto: Protocol) -> Bytes {
    let v = json!({
        "virtualInterfaceId": "dxvif-ffffffff",
        "virtualInterfaceState": "pending",
    });
    match proto {
        Protocol::Json => Bytes::from(serde_json::to_vec(&v).expect("static value")),
        Protocol::Cbor => Bytes::from(cbor::encode(&v)),
    }
}

async fn handle(
    req: Request<Incoming>,
    proto: Protocol,
    body: Bytes,
) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the request like a real server would before answering.
    let _ = req.into_body().collect().await;
    let mut resp = Response::builder().status(200);
    resp = match proto {
        Protocol::Json => resp.header("content-type", JSON_CONTENT_TYPE),
        Protocol::Cbor => resp
            .header("content-type", CBOR_CONTENT_TYPE)
            .header("smithy-protocol", SMITHY_PROTOCOL),
    };
    Ok(resp
        .body(Full::new(body))
        .expect("static response parts are valid"))
}

/// Starts the floor on its own runtime and threads, like a separate server
/// process would have, and returns its address. It lives until the bench exits.
pub fn start(proto: Protocol, threads: usize) -> std::io::Result<SocketAddr> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0)), proto, threads)
}

/// As [`start`], on a given address.
pub fn start_on(addr: SocketAddr, proto: Protocol, threads: usize) -> std::io::Result<SocketAddr> {
    // Bound with std so this works whether or not the caller is inside a runtime.
    let std_listener = std::net::TcpListener::bind(addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name("floor")
        .enable_all()
        .build()?;
    let body = fixed_body(proto);
    std::thread::Builder::new()
        .name("floor-accept".into())
        .spawn(move || {
            rt.block_on(async move {
                let listener = match TcpListener::from_std(std_listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("floor: {e}");
                        return;
                    }
                };
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let body = body.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| handle(req, proto, body.clone()));
                        let _ = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    });
                }
            })
        })?;
    Ok(addr)
}
