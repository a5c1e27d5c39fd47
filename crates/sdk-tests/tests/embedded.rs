//! dxlocal inside a Rust test process: `dxlocal::start` serves on a free
//! port with the flags `dxlocal serve` takes and stops when dropped. Two
//! servers in one process are independent: their own state, clock and
//! options.

use std::net::TcpStream;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_directconnect::config::retry::RetryConfig;
use aws_sdk_directconnect::config::{BehaviorVersion, Region};
use aws_sdk_directconnect::types::ConnectionState;
use aws_sdk_directconnect::Client;

const PARTNER: &str = "111111111111";

fn client(url: &str) -> Client {
    let config = aws_sdk_directconnect::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(PARTNER, "secret", None, None, "test"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

async fn create_connection(client: &Client, name: &str) -> (String, ConnectionState) {
    let out = client
        .create_connection()
        .location("EqDC2")
        .bandwidth("1Gbps")
        .connection_name(name)
        .send()
        .await
        .expect("CreateConnection");
    (
        out.connection_id().unwrap().to_string(),
        out.connection_state().unwrap().clone(),
    )
}

async fn connection_ids(client: &Client) -> Vec<String> {
    let out = client.describe_connections().send().await.unwrap();
    out.connections()
        .iter()
        .map(|c| c.connection_id().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn two_embedded_servers_in_one_process_are_independent() {
    // The same seed, different lifecycles: each server keeps its own.
    let instant = dxlocal::start(&["--seed", "7"]).expect("first server");
    let manual = dxlocal::start(&["--seed", "7", "--lifecycle", "manual"]).expect("second server");
    assert_ne!(instant.url(), manual.url());
    assert!(instant.url().starts_with("http://127.0.0.1:"));

    let a = client(&instant.url());
    let b = client(&manual.url());
    let (on_a, _) = create_connection(&a, "on-a").await;
    assert_eq!(connection_ids(&a).await, vec![on_a.clone()]);
    assert!(
        connection_ids(&b).await.is_empty(),
        "state leaked between servers"
    );

    // Same seed, same first call: same ID, as a reproducible run needs.
    let (on_b, state) = create_connection(&b, "on-b").await;
    assert_eq!(on_b, on_a);
    assert_eq!(state, ConnectionState::Requested);

    // Instant settles on the next call; manual stays until advanced.
    let state_of = |client: Client, id: String| async move {
        client
            .describe_connections()
            .connection_id(id)
            .send()
            .await
            .unwrap()
            .connections()[0]
            .connection_state()
            .unwrap()
            .clone()
    };
    assert_eq!(
        state_of(a.clone(), on_a.clone()).await,
        ConnectionState::Available
    );
    assert_eq!(
        state_of(b.clone(), on_b.clone()).await,
        ConnectionState::Requested
    );

    // Dropping a handle stops that server only.
    let addr = manual.addr();
    drop(manual);
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "{addr} still accepts connections after the server was dropped"
    );
    assert_eq!(connection_ids(&a).await, vec![on_a]);
    instant.shutdown().unwrap();
}

#[test]
fn bad_flags_are_refused_with_the_cli_message() {
    let err = dxlocal::start(&["--lifecycle", "sometimes"]).err().unwrap();
    assert!(err.contains("sometimes"), "{err}");
    let err = dxlocal::start(&["--auth", "strict"]).err().unwrap();
    assert!(err.contains("credentials"), "{err}");
}
