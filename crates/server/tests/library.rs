//! The embedding API: a server on a background thread, for Rust tests.

mod common;

use common::Conn;
use dxlocal::ServerConfig;

#[test]
fn spawn_serves_and_shuts_down() {
    let config = ServerConfig {
        request_log: false,
        seed: Some(3),
        ..ServerConfig::default()
    };
    let server = dxlocal::spawn(config, "127.0.0.1:0").unwrap();
    let addr = server.addr();
    assert_eq!(server.url(), format!("http://{addr}"));

    let mut conn = Conn::open(addr);
    let resp = conn.get("/_dxlocal/health");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["lifecycle"], "instant");

    server.shutdown().unwrap();
    assert!(conn.is_closed());
    assert!(Conn::try_open(addr).is_err());
}

#[test]
fn dropping_the_handle_stops_the_server() {
    let config = ServerConfig {
        request_log: false,
        ..ServerConfig::default()
    };
    let addr = {
        let server = dxlocal::spawn(config, "127.0.0.1:0").unwrap();
        server.addr()
    };
    assert!(Conn::try_open(addr).is_err());
}

#[tokio::test]
async fn serve_runs_inside_a_caller_runtime() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = ServerConfig {
        request_log: false,
        ..ServerConfig::default()
    };
    let task = tokio::spawn(dxlocal::serve(config, listener, async {
        let _ = stopped.await;
    }));
    let status =
        tokio::task::spawn_blocking(move || Conn::open(addr).get("/_dxlocal/health").status)
            .await
            .unwrap();
    assert_eq!(status, 200);
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
