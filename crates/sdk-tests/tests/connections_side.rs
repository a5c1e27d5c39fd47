//! The connection side of Direct Connect driven by the official Rust SDK:
//! a partner's interconnect carrying a hosted connection that the customer
//! accepts and builds a private VIF on (operations.md §C, resources.md §3),
//! link aggregation groups growing, shrinking and going down when
//! `minimumLinks` is not met (operations.md §D, resources.md §5), and the
//! Letter of Authorization as a PDF blob (resources.md §15).

mod common;

use std::fmt::Debug;

use aws_sdk_directconnect::config::http::HttpResponse;
use aws_sdk_directconnect::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_directconnect::types::{
    Connection, ConnectionState, DirectConnectGatewayAttachmentState, InterconnectState, LagState,
    LoaContentType, NewPrivateVirtualInterface, Tag, VirtualInterfaceState,
};
use aws_sdk_directconnect::Client;
use common::{Server, CUSTOMER, PARTNER, REGION, THIRD_PARTY};

/// The message of a `DirectConnectClientException` answered with HTTP 400,
/// or a panic naming what came back instead.
fn client_error<O: Debug, E: ProvideErrorMetadata + Debug>(
    operation: &str,
    result: Result<O, SdkError<E, HttpResponse>>,
) -> String {
    let err = match result {
        Ok(out) => panic!("{operation} succeeded: {out:?}"),
        Err(err) => err,
    };
    let status = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(status, Some(400), "{operation}: {err:?}");
    assert_eq!(
        err.code(),
        Some("DirectConnectClientException"),
        "{operation}: {err:?}"
    );
    err.message()
        .unwrap_or_else(|| panic!("{operation}: error without a message: {err:?}"))
        .to_string()
}

/// The first location of the region that offers 10G ports, from
/// DescribeLocations (short form `10G` there, `10Gbps` on ports).
async fn ten_gig_location(client: &Client) -> String {
    let out = client
        .describe_locations()
        .send()
        .await
        .expect("DescribeLocations");
    out.locations()
        .iter()
        .find(|l| l.available_port_speeds().iter().any(|s| s == "10G"))
        .and_then(|l| l.location_code())
        .expect("no location offers 10G ports")
        .to_string()
}

async fn describe_connection(client: &Client, id: &str) -> Connection {
    let out = client
        .describe_connections()
        .connection_id(id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeConnections({id}): {e:?}"));
    let [connection] = out.connections() else {
        panic!("DescribeConnections({id}) did not return exactly one: {out:?}");
    };
    assert_eq!(connection.connection_id(), Some(id));
    connection.clone()
}

async fn connection_ids(client: &Client) -> Vec<String> {
    client
        .describe_connections()
        .send()
        .await
        .expect("DescribeConnections")
        .connections()
        .iter()
        .filter_map(|c| c.connection_id().map(str::to_string))
        .collect()
}

// -- flow 1: partner interconnect -> hosted connection -> customer VIF ------

#[tokio::test]
async fn hosted_connection_from_partner_interconnect_to_customer_vif() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let third_party = server.client(THIRD_PARTY);
    let location = ten_gig_location(&partner).await;

    // The partner's interconnect.
    let interconnect = partner
        .create_interconnect()
        .interconnect_name("partner-nni")
        .bandwidth("10Gbps")
        .location(&location)
        .send()
        .await
        .expect("CreateInterconnect");
    assert_eq!(
        interconnect.interconnect_state(),
        Some(&InterconnectState::Requested)
    );
    let interconnect_id = interconnect
        .interconnect_id()
        .expect("interconnect without ID")
        .to_string();
    assert!(interconnect_id.starts_with("dxcon-"), "{interconnect_id}");
    let described = partner
        .describe_interconnects()
        .interconnect_id(&interconnect_id)
        .send()
        .await
        .expect("DescribeInterconnects");
    let [ic] = described.interconnects() else {
        panic!("DescribeInterconnects({interconnect_id}): {described:?}");
    };
    assert_eq!(ic.interconnect_state(), Some(&InterconnectState::Available));

    // A hosted connection for the customer, waiting for its acceptance.
    let hosted = partner
        .allocate_hosted_connection()
        .connection_id(&interconnect_id)
        .owner_account(CUSTOMER)
        .bandwidth("500Mbps")
        .connection_name("customer-500m")
        .vlan(201)
        .send()
        .await
        .expect("AllocateHostedConnection");
    assert_eq!(hosted.connection_state(), Some(&ConnectionState::Ordering));
    assert_eq!(hosted.owner_account(), Some(CUSTOMER));
    assert_eq!(hosted.bandwidth(), Some("500Mbps"));
    assert_eq!(hosted.vlan(), 201);
    assert_eq!(hosted.location(), Some(location.as_str()));
    assert_eq!(hosted.region(), Some(REGION));
    assert!(hosted.partner_name().is_some_and(|p| !p.is_empty()));
    let hosted_id = hosted
        .connection_id()
        .expect("hosted without ID")
        .to_string();
    assert!(hosted_id.starts_with("dxcon-") && hosted_id != interconnect_id);

    // It is the customer's connection, not the partner's.
    assert_eq!(connection_ids(&customer).await, vec![hosted_id.clone()]);
    assert!(connection_ids(&partner).await.is_empty());
    assert_eq!(
        describe_connection(&customer, &hosted_id)
            .await
            .connection_state(),
        Some(&ConnectionState::Ordering)
    );

    // Only the customer accepts it.
    let message = client_error(
        "ConfirmConnection by the partner",
        partner
            .confirm_connection()
            .connection_id(&hosted_id)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("Could not find Connection with ID {hosted_id}")
    );
    let confirmed = customer
        .confirm_connection()
        .connection_id(&hosted_id)
        .send()
        .await
        .expect("ConfirmConnection");
    assert_eq!(
        confirmed.connection_state(),
        Some(&ConnectionState::Pending)
    );
    let settled = describe_connection(&customer, &hosted_id).await;
    assert_eq!(
        settled.connection_state(),
        Some(&ConnectionState::Available)
    );
    let message = client_error(
        "ConfirmConnection again",
        customer
            .confirm_connection()
            .connection_id(&hosted_id)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("Connection {hosted_id} is not in the ordering state (current state: available)")
    );

    // The customer builds a private VIF on it onto its DX gateway.
    let gateway = customer
        .create_direct_connect_gateway()
        .direct_connect_gateway_name("customer-dxgw")
        .amazon_side_asn(64999)
        .send()
        .await
        .expect("CreateDirectConnectGateway");
    let dxgw_id = gateway
        .direct_connect_gateway()
        .and_then(|g| g.direct_connect_gateway_id())
        .expect("gateway without ID")
        .to_string();
    let vif = customer
        .create_private_virtual_interface()
        .connection_id(&hosted_id)
        .new_private_virtual_interface(
            NewPrivateVirtualInterface::builder()
                .virtual_interface_name("on-hosted")
                .vlan(201)
                .asn(65000)
                .direct_connect_gateway_id(&dxgw_id)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreatePrivateVirtualInterface");
    assert_eq!(
        vif.virtual_interface_state(),
        Some(&VirtualInterfaceState::Pending)
    );
    assert_eq!(vif.connection_id(), Some(hosted_id.as_str()));
    assert_eq!(vif.owner_account(), Some(CUSTOMER));
    assert_eq!(vif.direct_connect_gateway_id(), Some(dxgw_id.as_str()));
    assert_eq!(vif.amazon_side_asn(), Some(64999));
    let vif_id = vif
        .virtual_interface_id()
        .expect("VIF without ID")
        .to_string();
    let vifs = customer
        .describe_virtual_interfaces()
        .virtual_interface_id(&vif_id)
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    let [seen] = vifs.virtual_interfaces() else {
        panic!("DescribeVirtualInterfaces({vif_id}): {vifs:?}");
    };
    assert_eq!(
        seen.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );
    let attachments = customer
        .describe_direct_connect_gateway_attachments()
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAttachments");
    let [attachment] = attachments.direct_connect_gateway_attachments() else {
        panic!("attachments of {dxgw_id}: {attachments:?}");
    };
    assert_eq!(attachment.virtual_interface_id(), Some(vif_id.as_str()));
    assert_eq!(
        attachment.attachment_state(),
        Some(&DirectConnectGatewayAttachmentState::Attached)
    );

    // The customer tags its connection; the partner sees the connection on
    // its interconnect but not those tags (resources.md §0.4).
    let arn = format!("arn:aws:directconnect:{REGION}:{CUSTOMER}:dxcon/{hosted_id}");
    customer
        .tag_resource()
        .resource_arn(&arn)
        .tags(
            Tag::builder()
                .key("cost-centre")
                .value("42")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("TagResource");
    let on_interconnect = partner
        .describe_hosted_connections()
        .connection_id(&interconnect_id)
        .send()
        .await
        .expect("DescribeHostedConnections");
    let [listed] = on_interconnect.connections() else {
        panic!("DescribeHostedConnections({interconnect_id}): {on_interconnect:?}");
    };
    assert_eq!(listed.connection_id(), Some(hosted_id.as_str()));
    assert_eq!(listed.owner_account(), Some(CUSTOMER));
    assert_eq!(listed.connection_state(), Some(&ConnectionState::Available));
    assert_eq!(listed.vlan(), 201);
    assert!(listed.tags().is_empty(), "partner sees {:?}", listed.tags());

    // A third party learns nothing of either connection or the VIF.
    let message = client_error(
        "DescribeHostedConnections by a third party",
        third_party
            .describe_hosted_connections()
            .connection_id(&interconnect_id)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("{THIRD_PARTY} DescribeHostedConnections failed for connection {interconnect_id} doesn't exist.")
    );
    let message = client_error(
        "DescribeConnections by a third party",
        third_party
            .describe_connections()
            .connection_id(&hosted_id)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("Could not find Connection with ID {hosted_id}")
    );
    assert!(connection_ids(&third_party).await.is_empty());
    let third_vifs = third_party
        .describe_virtual_interfaces()
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    assert!(
        third_vifs.virtual_interfaces().is_empty(),
        "third party sees {third_vifs:?}"
    );

    // The interconnect cannot go while it carries the hosted connection.
    let message = client_error(
        "DeleteInterconnect with a hosted connection",
        partner
            .delete_interconnect()
            .interconnect_id(&interconnect_id)
            .send()
            .await,
    );
    assert!(
        message.contains(&interconnect_id) && message.contains(&hosted_id),
        "message: {message}"
    );
}

// -- flow 2: LAGs -------------------------------------------------------------

/// Moves the virtual clock of a `--lifecycle manual` server.
fn advance(server: &Server, seconds: u32) {
    let body = format!("{{\"seconds\": {seconds}}}");
    let response = server.post(
        "/_dxlocal/clock/advance",
        &[("content-type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(response.status, 200, "advance failed: {}", response.body);
}

/// Time for a new port to go `requested` -> `pending` -> `available`
/// (resources.md §22: 30 s + 30 s).
const PROVISIONING: u32 = 60;

async fn describe_lag(client: &Client, lag_id: &str) -> aws_sdk_directconnect::types::Lag {
    let out = client
        .describe_lags()
        .lag_id(lag_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeLags({lag_id}): {e:?}"));
    let [lag] = out.lags() else {
        panic!("DescribeLags({lag_id}) did not return exactly one: {out:?}");
    };
    lag.clone()
}

fn member_ids(members: &[Connection]) -> Vec<String> {
    members
        .iter()
        .filter_map(|c| c.connection_id().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn lag_grows_shrinks_goes_down_and_is_deleted() {
    // Manual lifecycle: a port stays `requested` until the clock moves, which
    // is what lets a LAG fall short of its minimum links.
    let server = Server::start_with_args(&["--lifecycle", "manual"]);
    let client = server.client(CUSTOMER);
    let location = ten_gig_location(&client).await;

    let created = client
        .create_lag()
        .number_of_connections(2)
        .location(&location)
        .connections_bandwidth("10Gbps")
        .lag_name("core-lag")
        .send()
        .await
        .expect("CreateLag");
    let lag_id = created.lag_id().expect("LAG without ID").to_string();
    assert!(lag_id.starts_with("dxlag-"), "{lag_id}");
    assert_eq!(created.lag_state(), Some(&LagState::Pending));
    assert_eq!(created.number_of_connections(), 2);
    assert_eq!(created.minimum_links(), 0);
    assert_eq!(created.owner_account(), Some(CUSTOMER));
    assert!(created.aws_device().is_some(), "a new LAG shows its device");
    let originals = member_ids(created.connections());
    assert_eq!(originals.len(), 2);
    for (n, member) in created.connections().iter().enumerate() {
        assert_eq!(
            member.connection_name(),
            Some(format!("Requested Connection {} for Lag {lag_id}", n + 1).as_str())
        );
        assert_eq!(member.connection_state(), Some(&ConnectionState::Requested));
        assert_eq!(member.lag_id(), Some(lag_id.as_str()));
        assert_eq!(member.bandwidth(), Some("10Gbps"));
    }

    advance(&server, PROVISIONING);
    let lag = describe_lag(&client, &lag_id).await;
    assert_eq!(lag.lag_state(), Some(&LagState::Available));
    for member in lag.connections() {
        assert_eq!(member.connection_state(), Some(&ConnectionState::Available));
    }

    // An existing connection joins the LAG.
    let standalone = client
        .create_connection()
        .location(&location)
        .bandwidth("10Gbps")
        .connection_name("joiner")
        .send()
        .await
        .expect("CreateConnection");
    let joiner = standalone.connection_id().unwrap().to_string();
    advance(&server, PROVISIONING);
    let joined = client
        .associate_connection_with_lag()
        .connection_id(&joiner)
        .lag_id(&lag_id)
        .send()
        .await
        .expect("AssociateConnectionWithLag");
    assert_eq!(joined.lag_id(), Some(lag_id.as_str()));
    assert_eq!(joined.connection_state(), Some(&ConnectionState::Available));
    let lag = describe_lag(&client, &lag_id).await;
    assert_eq!(lag.number_of_connections(), 3);
    assert!(member_ids(lag.connections()).contains(&joiner));

    // All three must be up; then none may leave.
    let updated = client
        .update_lag()
        .lag_id(&lag_id)
        .minimum_links(3)
        .send()
        .await
        .expect("UpdateLag");
    assert_eq!(updated.minimum_links(), 3);
    assert_eq!(updated.lag_state(), Some(&LagState::Available));
    let message = client_error(
        "DisassociateConnectionFromLag below minimum links",
        client
            .disassociate_connection_from_lag()
            .connection_id(&originals[0])
            .lag_id(&lag_id)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!(
            "Removing connection {} would leave Lag {lag_id} below its minimum links (3)",
            originals[0]
        )
    );
    assert_eq!(
        describe_lag(&client, &lag_id).await.number_of_connections(),
        3
    );
    let message = client_error(
        "UpdateLag above the member count",
        client
            .update_lag()
            .lag_id(&lag_id)
            .minimum_links(4)
            .send()
            .await,
    );
    assert!(
        message.contains("minimumLinks") && message.contains(&lag_id),
        "message: {message}"
    );

    // With two required, one may leave; it stays a connection of its own.
    client
        .update_lag()
        .lag_id(&lag_id)
        .minimum_links(2)
        .send()
        .await
        .expect("UpdateLag");
    let left = client
        .disassociate_connection_from_lag()
        .connection_id(&originals[0])
        .lag_id(&lag_id)
        .send()
        .await
        .expect("DisassociateConnectionFromLag");
    assert_eq!(left.connection_id(), Some(originals[0].as_str()));
    assert_eq!(left.lag_id(), None);
    let lag = describe_lag(&client, &lag_id).await;
    assert_eq!(lag.number_of_connections(), 2);
    assert!(!member_ids(lag.connections()).contains(&originals[0]));
    assert_eq!(lag.lag_state(), Some(&LagState::Available));
    let alone = describe_connection(&client, &originals[0]).await;
    assert_eq!(alone.lag_id(), None);
    assert_eq!(alone.connection_state(), Some(&ConnectionState::Available));

    // A new member that is not up yet: requiring three makes the LAG down,
    // and it comes back once that member is provisioned.
    let late = client
        .create_connection()
        .location(&location)
        .bandwidth("10Gbps")
        .connection_name("late-member")
        .lag_id(&lag_id)
        .send()
        .await
        .expect("CreateConnection into the LAG");
    assert_eq!(late.connection_state(), Some(&ConnectionState::Requested));
    assert_eq!(late.lag_id(), Some(lag_id.as_str()));
    let down = client
        .update_lag()
        .lag_id(&lag_id)
        .minimum_links(3)
        .send()
        .await
        .expect("UpdateLag");
    assert_eq!(down.lag_state(), Some(&LagState::Down));
    assert_eq!(
        describe_lag(&client, &lag_id).await.lag_state(),
        Some(&LagState::Down)
    );
    advance(&server, PROVISIONING);
    assert_eq!(
        describe_lag(&client, &lag_id).await.lag_state(),
        Some(&LagState::Available)
    );
    // Deleting the LAG leaves its members as standalone connections.
    let members = member_ids(describe_lag(&client, &lag_id).await.connections());
    assert_eq!(members.len(), 3);
    let deleted = client
        .delete_lag()
        .lag_id(&lag_id)
        .send()
        .await
        .expect("DeleteLag");
    assert_eq!(deleted.lag_state(), Some(&LagState::Deleted));
    assert_eq!(deleted.number_of_connections(), 0);
    assert!(deleted.connections().is_empty());
    for member in &members {
        let c = describe_connection(&client, member).await;
        assert_eq!(c.lag_id(), None, "{member}");
        assert_eq!(c.connection_state(), Some(&ConnectionState::Available));
    }
    let message = client_error(
        "DeleteLag twice",
        client.delete_lag().lag_id(&lag_id).send().await,
    );
    assert_eq!(message, format!("Could not find Lag with ID {lag_id}"));
}

// -- LOA ------------------------------------------------------------------------

fn assert_pdf(bytes: &[u8], names: &[&str]) {
    assert!(
        bytes.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        &bytes[..bytes.len().min(16)]
    );
    let text = String::from_utf8_lossy(bytes);
    assert!(text.trim_end().ends_with("%%EOF"), "no end-of-file marker");
    for name in names {
        assert!(text.contains(name), "{name} not in the letter");
    }
}

#[tokio::test]
async fn describe_loa_returns_a_pdf_blob() {
    let server = Server::start();
    let client = server.client(CUSTOMER);
    let location = ten_gig_location(&client).await;
    let created = client
        .create_connection()
        .location(&location)
        .bandwidth("10Gbps")
        .connection_name("needs-a-cross-connect")
        .send()
        .await
        .expect("CreateConnection");
    let id = created.connection_id().unwrap().to_string();
    assert!(describe_connection(&client, &id)
        .await
        .loa_issue_time()
        .is_none());

    let loa = client
        .describe_loa()
        .connection_id(&id)
        .loa_content_type(LoaContentType::Pdf)
        .send()
        .await
        .expect("DescribeLoa");
    assert_eq!(loa.loa_content_type(), Some(&LoaContentType::Pdf));
    let content = loa.loa_content().expect("DescribeLoa without loaContent");
    assert_pdf(content.as_ref(), &[&id, &location]);
    assert!(
        describe_connection(&client, &id)
            .await
            .loa_issue_time()
            .is_some(),
        "reading the LOA sets loaIssueTime"
    );

    // The deprecated form wraps the same letter in `loa`; it is still part of
    // the API, so its deprecation warning is expected here.
    #[allow(deprecated)]
    let wrapped = client
        .describe_connection_loa()
        .connection_id(&id)
        .send()
        .await
        .expect("DescribeConnectionLoa");
    let inner = wrapped.loa().expect("DescribeConnectionLoa without loa");
    assert_eq!(inner.loa_content_type(), Some(&LoaContentType::Pdf));
    assert_pdf(
        inner.loa_content().expect("no loaContent").as_ref(),
        &[&id, &location],
    );

    // A LAG has a letter too.
    let lag = client
        .create_lag()
        .number_of_connections(1)
        .location(&location)
        .connections_bandwidth("10Gbps")
        .lag_name("lag")
        .send()
        .await
        .expect("CreateLag");
    let lag_id = lag.lag_id().unwrap();
    let lag_loa = client
        .describe_loa()
        .connection_id(lag_id)
        .send()
        .await
        .expect("DescribeLoa on a LAG");
    assert_pdf(
        lag_loa.loa_content().expect("no loaContent").as_ref(),
        &[lag_id, &location],
    );

    // Another account's connection reads as unknown.
    let message = client_error(
        "DescribeLoa by another account",
        server
            .client(THIRD_PARTY)
            .describe_loa()
            .connection_id(&id)
            .send()
            .await,
    );
    assert_eq!(message, format!("Could not find Connection with ID {id}"));
}
