//! `--auth strict` with the official Rust SDK: a configured key and its
//! secret work; the right key with the wrong secret, or a key the server
//! does not know, fail with the codes the SDK surfaces through
//! `ProvideErrorMetadata`, and change nothing.

mod common;

use std::path::PathBuf;

use aws_sdk_directconnect::error::ProvideErrorMetadata;
use common::Server;

const KEY: &str = "AKIASDKSTRICT";
const SECRET: &str = "sdk/strict+Secret";
const ACCOUNT: &str = "111111111111";

/// The credentials file, removed when the test ends.
struct CredentialsFile(PathBuf);

impl CredentialsFile {
    fn new() -> Self {
        let path =
            std::env::temp_dir().join(format!("dxlocal-sdk-strict-{}.json", std::process::id()));
        let text = format!(
            r#"{{"credentials": [{{"accessKeyId": "{KEY}", "secretAccessKey": "{SECRET}", "accountId": "{ACCOUNT}"}}]}}"#
        );
        std::fs::write(&path, text).expect("write the credentials file");
        CredentialsFile(path)
    }
}

impl Drop for CredentialsFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn configured_key_works_and_wrong_secrets_do_not() {
    let file = CredentialsFile::new();
    let server = Server::start_with_args(&[
        "--auth",
        "strict",
        "--credentials",
        file.0.to_str().unwrap(),
    ]);
    let dx = server.client_with_key(KEY, SECRET);

    let locations = dx
        .describe_locations()
        .send()
        .await
        .expect("DescribeLocations with the configured key");
    let location = locations.locations()[0]
        .location_code()
        .expect("location code")
        .to_string();
    let created = dx
        .create_connection()
        .location(&location)
        .bandwidth("1Gbps")
        .connection_name("signed")
        .send()
        .await
        .expect("CreateConnection with the configured key");
    assert_eq!(created.owner_account(), Some(ACCOUNT));

    // The right key with the wrong secret.
    let wrong = server.client_with_key(KEY, "not-the-secret");
    let err = wrong
        .create_connection()
        .location(&location)
        .bandwidth("1Gbps")
        .connection_name("forged")
        .send()
        .await
        .expect_err("a wrong secret must be refused");
    assert_eq!(err.code(), Some("InvalidSignatureException"), "{err:?}");
    assert!(
        err.message().unwrap_or_default().starts_with(
            "The request signature we calculated does not match the signature you provided."
        ),
        "{err:?}"
    );

    // A key the credentials file does not list.
    let stranger = server.client_with_key("AKIANOTLISTED", SECRET);
    let err = stranger
        .describe_connections()
        .send()
        .await
        .expect_err("an unknown key must be refused");
    assert_eq!(err.code(), Some("UnrecognizedClientException"), "{err:?}");

    // Neither refusal reached the engine.
    let listed = dx
        .describe_connections()
        .send()
        .await
        .expect("DescribeConnections");
    let names: Vec<_> = listed
        .connections()
        .iter()
        .filter_map(|c| c.connection_name())
        .collect();
    assert_eq!(names, ["signed"]);
}
