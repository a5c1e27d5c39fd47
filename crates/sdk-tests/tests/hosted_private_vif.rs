//! The hosted private virtual interface flow (operations.md §F
//! ConfirmPrivateVirtualInterface, resources.md §6) driven end to end by the
//! official Rust SDK: a partner allocates a VIF on its connection to a
//! customer, who confirms it onto a Direct Connect gateway or a virtual
//! private gateway. The server runs with its default instant lifecycle, so
//! every delayed transition has happened by the next read.

mod common;

use aws_sdk_directconnect::types::{
    ConnectionState, DirectConnectGatewayAttachmentState, DirectConnectGatewayAttachmentType,
    DirectConnectGatewayState, NewPrivateVirtualInterfaceAllocation, Tag, VirtualInterface,
    VirtualInterfaceState,
};
use aws_sdk_directconnect::Client;
use common::{Server, CUSTOMER, PARTNER, REGION, THIRD_PARTY};

/// A partner connection that has reached `available`, checked along the way.
async fn available_connection(partner: &Client) -> String {
    let locations = partner
        .describe_locations()
        .send()
        .await
        .expect("DescribeLocations");
    let locations = locations.locations();
    assert!(
        !locations.is_empty(),
        "DescribeLocations returned no locations"
    );
    for location in locations {
        assert!(
            location
                .location_code()
                .is_some_and(|code| !code.is_empty()),
            "location without locationCode: {location:?}"
        );
        assert!(
            !location.available_port_speeds().is_empty(),
            "location without availablePortSpeeds: {location:?}"
        );
    }
    let first = &locations[0];
    let code = first.location_code().unwrap();
    // Port speeds use the short form (resources.md §1); "10Gbps" needs "10G".
    assert!(
        first
            .available_port_speeds()
            .iter()
            .any(|speed| speed == "10G"),
        "first location {code} does not offer 10G: {:?}",
        first.available_port_speeds()
    );

    let created = partner
        .create_connection()
        .location(code)
        .bandwidth("10Gbps")
        .connection_name("partner-uplink")
        .send()
        .await
        .expect("CreateConnection");
    assert_eq!(
        created.connection_state(),
        Some(&ConnectionState::Requested)
    );
    assert_eq!(created.owner_account(), Some(PARTNER));
    assert_eq!(created.location(), Some(code));
    assert_eq!(created.bandwidth(), Some("10Gbps"));
    assert_eq!(created.region(), Some(REGION));
    let connection_id = created
        .connection_id()
        .expect("CreateConnection without connectionId")
        .to_string();
    assert!(
        connection_id.starts_with("dxcon-"),
        "connection ID {connection_id}"
    );

    let described = partner
        .describe_connections()
        .connection_id(&connection_id)
        .send()
        .await
        .expect("DescribeConnections");
    let [connection] = described.connections() else {
        panic!("DescribeConnections({connection_id}) did not return exactly one: {described:?}");
    };
    assert_eq!(connection.connection_id(), Some(connection_id.as_str()));
    assert_eq!(
        connection.connection_state(),
        Some(&ConnectionState::Available)
    );
    connection_id
}

/// Partner allocates a private VIF on `connection_id` to the customer.
async fn allocate(partner: &Client, connection_id: &str, name: &str, vlan: i32) -> String {
    let allocation = NewPrivateVirtualInterfaceAllocation::builder()
        .virtual_interface_name(name)
        .vlan(vlan)
        .asn(65000)
        .build()
        .unwrap();
    // Private allocations return the VirtualInterface itself, not wrapped,
    // so its members sit at the top of the output.
    let vif = partner
        .allocate_private_virtual_interface()
        .connection_id(connection_id)
        .owner_account(CUSTOMER)
        .new_private_virtual_interface_allocation(allocation)
        .send()
        .await
        .expect("AllocatePrivateVirtualInterface");
    let id = vif
        .virtual_interface_id()
        .expect("allocation without virtualInterfaceId");
    assert!(id.starts_with("dxvif-"), "VIF ID {id}");
    assert_eq!(
        vif.virtual_interface_state(),
        Some(&VirtualInterfaceState::Confirming)
    );
    assert_eq!(vif.owner_account(), Some(CUSTOMER));
    assert_eq!(vif.connection_id(), Some(connection_id));
    assert_eq!(vif.virtual_interface_type(), Some("private"));
    assert_eq!(vif.virtual_interface_name(), Some(name));
    assert_eq!(vif.vlan(), vlan);
    assert_eq!(vif.asn(), 65000);
    assert_eq!(vif.asn_long(), Some(65000));
    assert_eq!(vif.region(), Some(REGION));
    // No gateway yet: both IDs are present as empty strings (resources.md §0.6).
    assert_eq!(vif.virtual_gateway_id(), Some(""));
    assert_eq!(vif.direct_connect_gateway_id(), Some(""));
    // Until a gateway is chosen the Amazon side shows the placeholder ASN
    // seen in real allocations (operations.md §F Allocate*).
    assert_eq!(vif.amazon_side_asn(), Some(7224));
    id.to_string()
}

/// The VIF as `account` sees it through DescribeVirtualInterfaces by ID.
async fn describe_vif(client: &Client, vif_id: &str) -> Option<VirtualInterface> {
    let out = client
        .describe_virtual_interfaces()
        .virtual_interface_id(vif_id)
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    match out.virtual_interfaces() {
        [] => None,
        [vif] => Some(vif.clone()),
        many => panic!(
            "DescribeVirtualInterfaces({vif_id}) returned {} entries",
            many.len()
        ),
    }
}

#[tokio::test]
async fn hosted_private_vif_confirmed_onto_a_direct_connect_gateway() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let third_party = server.client(THIRD_PARTY);

    let connection_id = available_connection(&partner).await;
    let vif_id = allocate(&partner, &connection_id, "hosted-to-customer", 101).await;

    // Both parties see the allocation; nobody else learns it exists.
    for (who, client) in [("customer", &customer), ("partner", &partner)] {
        let seen = describe_vif(client, &vif_id)
            .await
            .unwrap_or_else(|| panic!("{who} cannot see {vif_id}"));
        assert_eq!(
            seen.virtual_interface_state(),
            Some(&VirtualInterfaceState::Confirming),
            "as {who}"
        );
        assert_eq!(seen.owner_account(), Some(CUSTOMER), "as {who}");
    }
    assert!(
        describe_vif(&third_party, &vif_id).await.is_none(),
        "third party can see {vif_id}"
    );

    let gateway = customer
        .create_direct_connect_gateway()
        .direct_connect_gateway_name("customer-dxgw")
        .amazon_side_asn(64999)
        .send()
        .await
        .expect("CreateDirectConnectGateway");
    let gateway = gateway
        .direct_connect_gateway()
        .expect("CreateDirectConnectGateway without directConnectGateway");
    assert_eq!(
        gateway.direct_connect_gateway_state(),
        Some(&DirectConnectGatewayState::Available)
    );
    assert_eq!(gateway.owner_account(), Some(CUSTOMER));
    assert_eq!(gateway.amazon_side_asn(), Some(64999));
    let dxgw_id = gateway
        .direct_connect_gateway_id()
        .expect("gateway without ID")
        .to_string();

    let confirmed = customer
        .confirm_private_virtual_interface()
        .virtual_interface_id(&vif_id)
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("ConfirmPrivateVirtualInterface");
    assert_eq!(
        confirmed.virtual_interface_state(),
        Some(&VirtualInterfaceState::Pending)
    );

    let seen = describe_vif(&customer, &vif_id)
        .await
        .expect("customer lost sight of the VIF");
    assert_eq!(
        seen.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );
    assert_eq!(seen.direct_connect_gateway_id(), Some(dxgw_id.as_str()));
    assert_eq!(seen.virtual_gateway_id(), Some(""));
    assert_eq!(seen.amazon_side_asn(), Some(64999));
    assert_eq!(seen.owner_account(), Some(CUSTOMER));
    // The allocator keeps seeing the VIF on its connection after the confirm.
    let seen_by_partner = describe_vif(&partner, &vif_id)
        .await
        .expect("partner lost sight of the VIF");
    assert_eq!(
        seen_by_partner.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );

    let attachments = customer
        .describe_direct_connect_gateway_attachments()
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAttachments");
    let [attachment] = attachments.direct_connect_gateway_attachments() else {
        panic!("expected one attachment on {dxgw_id}: {attachments:?}");
    };
    assert_eq!(
        attachment.direct_connect_gateway_id(),
        Some(dxgw_id.as_str())
    );
    assert_eq!(attachment.virtual_interface_id(), Some(vif_id.as_str()));
    assert_eq!(attachment.virtual_interface_region(), Some(REGION));
    assert_eq!(attachment.virtual_interface_owner_account(), Some(CUSTOMER));
    assert_eq!(
        attachment.attachment_state(),
        Some(&DirectConnectGatewayAttachmentState::Attached)
    );
    assert_eq!(
        attachment.attachment_type(),
        Some(&DirectConnectGatewayAttachmentType::PrivateVirtualInterface)
    );

    // A hosted VIF's ARN is in the accepter's account (resources.md §0.3).
    let arn = format!("arn:aws:directconnect:{REGION}:{CUSTOMER}:dxvif/{vif_id}");
    customer
        .tag_resource()
        .resource_arn(&arn)
        .tags(Tag::builder().key("team").value("network").build().unwrap())
        .send()
        .await
        .expect("TagResource");
    let tags = customer
        .describe_tags()
        .resource_arns(&arn)
        .send()
        .await
        .expect("DescribeTags");
    let [resource] = tags.resource_tags() else {
        panic!("DescribeTags({arn}) did not return exactly one resource: {tags:?}");
    };
    assert_eq!(resource.resource_arn(), Some(arn.as_str()));
    assert!(
        resource
            .tags()
            .iter()
            .any(|t| t.key() == "team" && t.value() == Some("network")),
        "tag team=network missing: {:?}",
        resource.tags()
    );

    // The customer may turn an allocation down instead: deleting a VIF that
    // is still `confirming` as its owner rejects it.
    let second_id = &allocate(&partner, &connection_id, "declined", 102).await;
    let deleted = customer
        .delete_virtual_interface()
        .virtual_interface_id(second_id)
        .send()
        .await
        .expect("DeleteVirtualInterface");
    assert_eq!(
        deleted.virtual_interface_state(),
        Some(&VirtualInterfaceState::Rejected)
    );
    let seen = describe_vif(&customer, second_id)
        .await
        .expect("rejected VIF vanished at once");
    assert_eq!(
        seen.virtual_interface_state(),
        Some(&VirtualInterfaceState::Rejected)
    );

    // The rejection left the first VIF alone.
    let first = describe_vif(&customer, &vif_id).await.unwrap();
    assert_eq!(
        first.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );
}

#[tokio::test]
async fn hosted_private_vif_confirmed_onto_a_virtual_private_gateway() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);

    let connection_id = available_connection(&partner).await;
    let vgw_id = server.create_vpn_gateway(CUSTOMER);
    assert!(vgw_id.starts_with("vgw-"), "VGW ID {vgw_id}");

    // The deprecated DX view of EC2's gateways lists it for its owner only.
    let gateways = customer
        .describe_virtual_gateways()
        .send()
        .await
        .expect("DescribeVirtualGateways");
    assert!(
        gateways
            .virtual_gateways()
            .iter()
            .any(|g| g.virtual_gateway_id() == Some(vgw_id.as_str())
                && g.virtual_gateway_state() == Some("available")),
        "{vgw_id} not listed as available: {gateways:?}"
    );
    let partner_gateways = partner
        .describe_virtual_gateways()
        .send()
        .await
        .expect("DescribeVirtualGateways");
    assert!(
        partner_gateways
            .virtual_gateways()
            .iter()
            .all(|g| g.virtual_gateway_id() != Some(vgw_id.as_str())),
        "the partner sees the customer's {vgw_id}"
    );

    let vif_id = &allocate(&partner, &connection_id, "hosted-to-vgw", 103).await;

    let confirmed = customer
        .confirm_private_virtual_interface()
        .virtual_interface_id(vif_id)
        .virtual_gateway_id(&vgw_id)
        .send()
        .await
        .expect("ConfirmPrivateVirtualInterface");
    assert_eq!(
        confirmed.virtual_interface_state(),
        Some(&VirtualInterfaceState::Pending)
    );

    let seen = describe_vif(&customer, vif_id)
        .await
        .expect("customer lost sight of the VIF");
    assert_eq!(
        seen.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );
    assert_eq!(seen.virtual_gateway_id(), Some(vgw_id.as_str()));
    assert_eq!(seen.direct_connect_gateway_id(), Some(""));
    // CreateVpnGateway without AmazonSideAsn gives the VGW 64512, and a VIF
    // on a VGW reports the VGW's ASN (resources.md §12).
    assert_eq!(seen.amazon_side_asn(), Some(64512));
}
