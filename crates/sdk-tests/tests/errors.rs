//! Errors as the official Rust SDK surfaces them: modeled exceptions must
//! deserialize into their typed variants with the message the spec words,
//! and an operation dxlocal does not implement must be recognisable by code
//! and status. Each test starts its own server (a few milliseconds): a
//! server shared through a static would never be dropped, so never killed.

mod common;

use aws_sdk_directconnect::error::ProvideErrorMetadata;
use aws_sdk_directconnect::operation::allocate_private_virtual_interface::AllocatePrivateVirtualInterfaceError;
use aws_sdk_directconnect::operation::confirm_private_virtual_interface::ConfirmPrivateVirtualInterfaceError;
use aws_sdk_directconnect::operation::delete_virtual_interface::DeleteVirtualInterfaceError;
use aws_sdk_directconnect::operation::describe_connections::DescribeConnectionsError;
use aws_sdk_directconnect::types::{NewPrivateVirtualInterfaceAllocation, VirtualInterfaceState};
use aws_sdk_directconnect::Client;
use common::{Server, CUSTOMER, PARTNER, THIRD_PARTY};

/// An `available` partner connection and a `confirming` VIF on it allocated
/// to the customer; returns the VIF ID.
async fn allocated_vif(partner: &Client) -> String {
    let locations = partner
        .describe_locations()
        .send()
        .await
        .expect("DescribeLocations");
    let location = locations
        .locations()
        .first()
        .and_then(|l| l.location_code())
        .expect("no location")
        .to_string();
    let connection = partner
        .create_connection()
        .location(location)
        .bandwidth("10Gbps")
        .connection_name("partner-uplink")
        .send()
        .await
        .expect("CreateConnection");
    let connection_id = connection.connection_id().expect("connection without ID");
    let vif = partner
        .allocate_private_virtual_interface()
        .connection_id(connection_id)
        .owner_account(CUSTOMER)
        .new_private_virtual_interface_allocation(allocation(101))
        .send()
        .await
        .expect("AllocatePrivateVirtualInterface");
    assert_eq!(
        vif.virtual_interface_state(),
        Some(&VirtualInterfaceState::Confirming)
    );
    vif.virtual_interface_id()
        .expect("VIF without ID")
        .to_string()
}

fn allocation(vlan: i32) -> NewPrivateVirtualInterfaceAllocation {
    NewPrivateVirtualInterfaceAllocation::builder()
        .virtual_interface_name("hosted")
        .vlan(vlan)
        .asn(65000)
        .build()
        .unwrap()
}

async fn customer_dxgw(customer: &Client) -> String {
    let out = customer
        .create_direct_connect_gateway()
        .direct_connect_gateway_name("customer-dxgw")
        .amazon_side_asn(64999)
        .send()
        .await
        .expect("CreateDirectConnectGateway");
    out.direct_connect_gateway()
        .and_then(|g| g.direct_connect_gateway_id())
        .expect("gateway without ID")
        .to_string()
}

/// The message of a `DirectConnectClientException` from Confirm, or a panic
/// naming what came back instead.
fn confirm_client_error(
    result: Result<
        aws_sdk_directconnect::operation::confirm_private_virtual_interface::ConfirmPrivateVirtualInterfaceOutput,
        aws_sdk_directconnect::error::SdkError<ConfirmPrivateVirtualInterfaceError>,
    >,
) -> String {
    let err = match result {
        Ok(out) => panic!("ConfirmPrivateVirtualInterface succeeded: {out:?}"),
        Err(err) => err,
    };
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err.into_service_error() {
        ConfirmPrivateVirtualInterfaceError::DirectConnectClientException(e) => {
            assert_eq!(status, Some(400), "client errors are HTTP 400");
            e.message()
                .expect("DirectConnectClientException without message")
                .to_string()
        }
        other => panic!("expected DirectConnectClientException, got {other:?}"),
    }
}

#[tokio::test]
async fn confirm_by_the_allocating_partner_is_refused() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let vif_id = allocated_vif(&partner).await;
    // The partner even names a gateway of the customer's: ownership is
    // checked before anything about the gateway (operations.md §F, check 4).
    let dxgw_id = customer_dxgw(&customer).await;

    let message = confirm_client_error(
        partner
            .confirm_private_virtual_interface()
            .virtual_interface_id(&vif_id)
            .direct_connect_gateway_id(&dxgw_id)
            .send()
            .await,
    );
    assert!(
        message.contains("can only be confirmed by its owner"),
        "message: {message}"
    );
    assert!(
        message.contains(&vif_id) && message.contains(CUSTOMER),
        "message names VIF and owner: {message}"
    );

    // The refusal changed nothing.
    let still = customer
        .describe_virtual_interfaces()
        .virtual_interface_id(&vif_id)
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    assert_eq!(
        still.virtual_interfaces()[0].virtual_interface_state(),
        Some(&VirtualInterfaceState::Confirming)
    );
}

#[tokio::test]
async fn confirm_by_an_unrelated_account_looks_like_an_unknown_vif() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let third_party = server.client(THIRD_PARTY);
    let vif_id = allocated_vif(&partner).await;
    let dxgw_id = customer_dxgw(&third_party).await;

    // Existence must not leak across accounts (resources.md §0.4).
    let message = confirm_client_error(
        third_party
            .confirm_private_virtual_interface()
            .virtual_interface_id(&vif_id)
            .direct_connect_gateway_id(&dxgw_id)
            .send()
            .await,
    );
    assert!(message.contains("does not exist"), "message: {message}");
    assert!(
        !message.contains("owner"),
        "message leaks the owner: {message}"
    );
}

#[tokio::test]
async fn confirming_twice_is_an_error_not_a_silent_success() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let vif_id = allocated_vif(&partner).await;
    let dxgw_id = customer_dxgw(&customer).await;

    let first = customer
        .confirm_private_virtual_interface()
        .virtual_interface_id(&vif_id)
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("first ConfirmPrivateVirtualInterface");
    assert_eq!(
        first.virtual_interface_state(),
        Some(&VirtualInterfaceState::Pending)
    );

    let message = confirm_client_error(
        customer
            .confirm_private_virtual_interface()
            .virtual_interface_id(&vif_id)
            .direct_connect_gateway_id(&dxgw_id)
            .send()
            .await,
    );
    assert!(
        message.contains("is not in the confirming state"),
        "message: {message}"
    );
}

#[tokio::test]
async fn confirm_without_a_gateway_is_refused() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let vif_id = allocated_vif(&partner).await;

    let message = confirm_client_error(
        customer
            .confirm_private_virtual_interface()
            .virtual_interface_id(&vif_id)
            .send()
            .await,
    );
    assert!(
        message.contains("Either virtualGatewayId or directConnectGatewayId must be specified"),
        "message: {message}"
    );
}

#[tokio::test]
async fn allocating_to_the_connection_owner_is_refused() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let locations = partner
        .describe_locations()
        .send()
        .await
        .expect("DescribeLocations");
    let location = locations.locations()[0]
        .location_code()
        .unwrap()
        .to_string();
    let connection = partner
        .create_connection()
        .location(location)
        .bandwidth("10Gbps")
        .connection_name("partner-uplink")
        .send()
        .await
        .expect("CreateConnection");

    let err = partner
        .allocate_private_virtual_interface()
        .connection_id(connection.connection_id().unwrap())
        .owner_account(PARTNER)
        .new_private_virtual_interface_allocation(allocation(101))
        .send()
        .await
        .expect_err("allocation to the connection owner succeeded");
    match err.into_service_error() {
        AllocatePrivateVirtualInterfaceError::DirectConnectClientException(e) => {
            // Observed wording, matched verbatim by users (operations.md §0.2).
            assert_eq!(
                e.message(),
                Some("Cannot allocate VirtualInterface for the connection owner.")
            );
        }
        other => panic!("expected DirectConnectClientException, got {other:?}"),
    }
}

#[tokio::test]
async fn describe_connections_of_an_unknown_id_fails() {
    let server = Server::start();
    let partner = server.client(PARTNER);

    let err = partner
        .describe_connections()
        .connection_id("dxcon-fzzzzzzz")
        .send()
        .await
        .expect_err("DescribeConnections of an unknown ID succeeded");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    match err.into_service_error() {
        DescribeConnectionsError::DirectConnectClientException(e) => {
            let message = e.message().unwrap_or_default();
            // Terraform matches this substring to treat the connection as gone.
            assert!(
                message.contains("Could not find Connection with ID"),
                "message: {message}"
            );
            assert_eq!(e.code(), Some("DirectConnectClientException"));
        }
        other => panic!("expected DirectConnectClientException, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_of_an_unknown_vif_fails() {
    let server = Server::start();
    let customer = server.client(CUSTOMER);

    let err = customer
        .delete_virtual_interface()
        .virtual_interface_id("dxvif-fzzzzzzz")
        .send()
        .await
        .expect_err("DeleteVirtualInterface of an unknown ID succeeded");
    match err.into_service_error() {
        DeleteVirtualInterfaceError::DirectConnectClientException(e) => {
            let message = e.message().unwrap_or_default();
            // Terraform's destroy treats this substring as already gone.
            assert!(message.contains("does not exist"), "message: {message}");
        }
        other => panic!("expected DirectConnectClientException, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_lag_is_reported_as_terraform_expects() {
    let server = Server::start();
    let partner = server.client(PARTNER);

    let err = partner
        .describe_lags()
        .lag_id("dxlag-fzzzzzzz")
        .send()
        .await
        .expect_err("DescribeLags of an unknown LAG succeeded");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    assert_eq!(
        err.code(),
        Some("DirectConnectClientException"),
        "code: {err:?}"
    );
    let message = err.message().unwrap_or_default().to_string();
    assert!(
        message.contains("Could not find Lag with ID dxlag-fzzzzzzz"),
        "message: {message}"
    );
}

#[tokio::test]
async fn admin_reset_forgets_every_resource() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let vif_id = allocated_vif(&partner).await;
    let dxgw_id = customer_dxgw(&customer).await;

    server.reset();

    let connections = partner
        .describe_connections()
        .send()
        .await
        .expect("DescribeConnections");
    assert!(
        connections.connections().is_empty(),
        "connections survived the reset: {connections:?}"
    );
    let vifs = customer
        .describe_virtual_interfaces()
        .virtual_interface_id(&vif_id)
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    assert!(
        vifs.virtual_interfaces().is_empty(),
        "{vif_id} survived the reset"
    );
    let gateways = customer
        .describe_direct_connect_gateways()
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("DescribeDirectConnectGateways");
    assert!(
        gateways.direct_connect_gateways().is_empty(),
        "{dxgw_id} survived the reset"
    );
}
