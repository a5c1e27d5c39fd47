//! Direct Connect gateway associations, cross-account proposals and the
//! hosted public VIF, driven by the official Rust SDK (operations.md §F
//! ConfirmPublicVirtualInterface, §I; resources.md §9, §10). The VPC and the
//! VGW behind an association come from raw EC2 Query calls (see common).
//! The server runs its default instant lifecycle: a mutation answers the
//! intermediate state and the next read shows the settled one.

mod common;

use aws_sdk_directconnect::operation::accept_direct_connect_gateway_association_proposal::AcceptDirectConnectGatewayAssociationProposalError;
use aws_sdk_directconnect::types::{
    AddressFamily, DirectConnectGatewayAssociation, DirectConnectGatewayAssociationProposalState,
    DirectConnectGatewayAssociationState, GatewayType, NewPublicVirtualInterfaceAllocation,
    RouteFilterPrefix, VirtualInterfaceState,
};
use aws_sdk_directconnect::Client;
use common::{Server, CUSTOMER, PARTNER, REGION, THIRD_PARTY};

const VPC_CIDR: &str = "10.1.0.0/16";

fn prefix(cidr: &str) -> RouteFilterPrefix {
    RouteFilterPrefix::builder().cidr(cidr).build()
}

fn cidrs(list: &[RouteFilterPrefix]) -> Vec<&str> {
    list.iter().filter_map(|p| p.cidr()).collect()
}

/// A VGW of `account` attached to a fresh VPC with [`VPC_CIDR`].
fn attached_vgw(server: &Server, account: &str) -> String {
    let vpc_id = server.create_vpc(account, VPC_CIDR);
    assert!(vpc_id.starts_with("vpc-"), "VPC ID {vpc_id}");
    let vgw_id = server.create_vpn_gateway(account);
    server.attach_vpn_gateway(account, &vpc_id, &vgw_id);
    vgw_id
}

async fn create_dxgw(client: &Client, name: &str) -> String {
    let out = client
        .create_direct_connect_gateway()
        .direct_connect_gateway_name(name)
        .amazon_side_asn(64999)
        .send()
        .await
        .expect("CreateDirectConnectGateway");
    out.direct_connect_gateway()
        .and_then(|g| g.direct_connect_gateway_id())
        .expect("gateway without ID")
        .to_string()
}

/// The one association with `association_id`, as `client` sees it.
async fn describe_association(
    client: &Client,
    association_id: &str,
) -> DirectConnectGatewayAssociation {
    let out = client
        .describe_direct_connect_gateway_associations()
        .association_id(association_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAssociations");
    match out.direct_connect_gateway_associations() {
        [one] => one.clone(),
        other => panic!("expected exactly {association_id}, got {other:?}"),
    }
}

/// Everything a VGW association carries, the legacy trio included
/// (Terraform treats an association without `associatedGateway` as gone).
fn check_vgw_association(
    assoc: &DirectConnectGatewayAssociation,
    dxgw_id: &str,
    dxgw_owner: &str,
    vgw_id: &str,
    vgw_owner: &str,
) {
    assert_eq!(assoc.direct_connect_gateway_id(), Some(dxgw_id));
    assert_eq!(
        assoc.direct_connect_gateway_owner_account(),
        Some(dxgw_owner)
    );
    assert!(
        assoc.association_id().is_some_and(|id| id.len() == 36),
        "associationId: {assoc:?}"
    );
    let gateway = assoc
        .associated_gateway()
        .unwrap_or_else(|| panic!("association without associatedGateway: {assoc:?}"));
    assert_eq!(gateway.id(), Some(vgw_id));
    assert_eq!(gateway.r#type(), Some(&GatewayType::VirtualPrivateGateway));
    assert_eq!(gateway.owner_account(), Some(vgw_owner));
    assert_eq!(gateway.region(), Some(REGION));
    assert_eq!(assoc.virtual_gateway_id(), Some(vgw_id));
    assert_eq!(assoc.virtual_gateway_region(), Some(REGION));
    assert_eq!(assoc.virtual_gateway_owner_account(), Some(vgw_owner));
}

#[tokio::test]
async fn vgw_association_defaults_to_the_vpc_cidr() {
    let server = Server::start();
    let customer = server.client(CUSTOMER);
    let vgw_id = attached_vgw(&server, CUSTOMER);
    let dxgw_id = create_dxgw(&customer, "customer-dxgw").await;

    let created = customer
        .create_direct_connect_gateway_association()
        .direct_connect_gateway_id(&dxgw_id)
        .gateway_id(&vgw_id)
        .send()
        .await
        .expect("CreateDirectConnectGatewayAssociation");
    let created = created
        .direct_connect_gateway_association()
        .expect("no directConnectGatewayAssociation in the answer");
    check_vgw_association(created, &dxgw_id, CUSTOMER, &vgw_id, CUSTOMER);
    assert_eq!(
        created.association_state(),
        Some(&DirectConnectGatewayAssociationState::Associating)
    );
    // No prefixes given: the VPC's CIDR is the default.
    assert_eq!(
        cidrs(created.allowed_prefixes_to_direct_connect_gateway()),
        [VPC_CIDR]
    );
    let association_id = created.association_id().unwrap().to_string();

    let settled = describe_association(&customer, &association_id).await;
    check_vgw_association(&settled, &dxgw_id, CUSTOMER, &vgw_id, CUSTOMER);
    assert_eq!(
        settled.association_state(),
        Some(&DirectConnectGatewayAssociationState::Associated)
    );
    assert_eq!(
        cidrs(settled.allowed_prefixes_to_direct_connect_gateway()),
        [VPC_CIDR]
    );

    // By gateway too; a stranger sees nothing.
    let by_gateway = customer
        .describe_direct_connect_gateway_associations()
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAssociations by gateway");
    let ids: Vec<_> = by_gateway
        .direct_connect_gateway_associations()
        .iter()
        .filter_map(|a| a.association_id())
        .collect();
    assert_eq!(ids, [association_id.as_str()]);
    let seen_by_third = server
        .client(THIRD_PARTY)
        .describe_direct_connect_gateway_associations()
        .association_id(&association_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAssociations as a third party");
    assert!(
        seen_by_third
            .direct_connect_gateway_associations()
            .is_empty(),
        "a third party sees {association_id}"
    );

    // Adding a prefix lists it first and passes through `updating`.
    let updated = customer
        .update_direct_connect_gateway_association()
        .association_id(&association_id)
        .add_allowed_prefixes_to_direct_connect_gateway(prefix("10.0.0.0/8"))
        .send()
        .await
        .expect("UpdateDirectConnectGatewayAssociation");
    let updated = updated.direct_connect_gateway_association().unwrap();
    assert_eq!(
        updated.association_state(),
        Some(&DirectConnectGatewayAssociationState::Updating)
    );
    assert_eq!(
        cidrs(updated.allowed_prefixes_to_direct_connect_gateway()),
        ["10.0.0.0/8", VPC_CIDR]
    );
    assert_eq!(
        describe_association(&customer, &association_id)
            .await
            .association_state(),
        Some(&DirectConnectGatewayAssociationState::Associated)
    );

    let deleted = customer
        .delete_direct_connect_gateway_association()
        .association_id(&association_id)
        .send()
        .await
        .expect("DeleteDirectConnectGatewayAssociation");
    assert_eq!(
        deleted
            .direct_connect_gateway_association()
            .and_then(|a| a.association_state()),
        Some(&DirectConnectGatewayAssociationState::Disassociating)
    );
    assert_eq!(
        describe_association(&customer, &association_id)
            .await
            .association_state(),
        Some(&DirectConnectGatewayAssociationState::Disassociated)
    );
}

/// The accept error's code, HTTP status and message.
fn accept_client_error(
    result: Result<
        aws_sdk_directconnect::operation::accept_direct_connect_gateway_association_proposal::AcceptDirectConnectGatewayAssociationProposalOutput,
        aws_sdk_directconnect::error::SdkError<AcceptDirectConnectGatewayAssociationProposalError>,
    >,
) -> String {
    let err = match result {
        Ok(out) => panic!("AcceptDirectConnectGatewayAssociationProposal succeeded: {out:?}"),
        Err(err) => err,
    };
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err.into_service_error() {
        AcceptDirectConnectGatewayAssociationProposalError::DirectConnectClientException(e) => {
            assert_eq!(status, Some(400), "client errors are HTTP 400");
            e.message()
                .expect("DirectConnectClientException without message")
                .to_string()
        }
        other => panic!("expected DirectConnectClientException, got {other:?}"),
    }
}

#[tokio::test]
async fn cross_account_proposal_accepted_with_override_prefixes() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let dxgw_id = create_dxgw(&partner, "partner-dxgw").await;
    let vgw_id = attached_vgw(&server, CUSTOMER);

    // The VGW owner proposes to the gateway owner.
    let proposed = customer
        .create_direct_connect_gateway_association_proposal()
        .direct_connect_gateway_id(&dxgw_id)
        .direct_connect_gateway_owner_account(PARTNER)
        .gateway_id(&vgw_id)
        .add_allowed_prefixes_to_direct_connect_gateway(prefix(VPC_CIDR))
        .send()
        .await
        .expect("CreateDirectConnectGatewayAssociationProposal");
    let proposed = proposed
        .direct_connect_gateway_association_proposal()
        .expect("no directConnectGatewayAssociationProposal in the answer");
    assert_eq!(
        proposed.proposal_state(),
        Some(&DirectConnectGatewayAssociationProposalState::Requested)
    );
    assert_eq!(
        proposed.direct_connect_gateway_owner_account(),
        Some(PARTNER)
    );
    let gateway = proposed.associated_gateway().expect("associatedGateway");
    assert_eq!(gateway.id(), Some(vgw_id.as_str()));
    assert_eq!(gateway.owner_account(), Some(CUSTOMER));
    assert_eq!(
        cidrs(proposed.requested_allowed_prefixes_to_direct_connect_gateway()),
        [VPC_CIDR]
    );
    let proposal_id = proposed.proposal_id().expect("proposal ID").to_string();

    // Both parties list it.
    for (who, client) in [("partner", &partner), ("customer", &customer)] {
        let listed = client
            .describe_direct_connect_gateway_association_proposals()
            .proposal_id(&proposal_id)
            .send()
            .await
            .expect("DescribeDirectConnectGatewayAssociationProposals");
        let [one] = listed.direct_connect_gateway_association_proposals() else {
            panic!("{who} does not see exactly {proposal_id}: {listed:?}");
        };
        assert_eq!(
            one.proposal_state(),
            Some(&DirectConnectGatewayAssociationProposalState::Requested),
            "as {who}"
        );
    }

    let accepted = partner
        .accept_direct_connect_gateway_association_proposal()
        .direct_connect_gateway_id(&dxgw_id)
        .proposal_id(&proposal_id)
        .associated_gateway_owner_account(CUSTOMER)
        .override_allowed_prefixes_to_direct_connect_gateway(prefix("10.1.0.0/24"))
        .override_allowed_prefixes_to_direct_connect_gateway(prefix("10.1.1.0/24"))
        .send()
        .await
        .expect("AcceptDirectConnectGatewayAssociationProposal");
    let accepted = accepted
        .direct_connect_gateway_association()
        .expect("no directConnectGatewayAssociation in the answer");
    check_vgw_association(accepted, &dxgw_id, PARTNER, &vgw_id, CUSTOMER);
    assert_eq!(
        accepted.association_state(),
        Some(&DirectConnectGatewayAssociationState::Associating)
    );
    assert_eq!(
        cidrs(accepted.allowed_prefixes_to_direct_connect_gateway()),
        ["10.1.0.0/24", "10.1.1.0/24"]
    );
    let association_id = accepted.association_id().unwrap().to_string();
    // The VGW owner sees the settled association as well.
    let settled = describe_association(&customer, &association_id).await;
    assert_eq!(
        settled.association_state(),
        Some(&DirectConnectGatewayAssociationState::Associated)
    );
    assert_eq!(
        cidrs(settled.allowed_prefixes_to_direct_connect_gateway()),
        ["10.1.0.0/24", "10.1.1.0/24"]
    );

    let message = accept_client_error(
        partner
            .accept_direct_connect_gateway_association_proposal()
            .direct_connect_gateway_id(&dxgw_id)
            .proposal_id(&proposal_id)
            .associated_gateway_owner_account(CUSTOMER)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("Direct Connect Gateway Association Proposal {proposal_id} has been accepted!")
    );
    // The second accept left the association alone.
    let still = describe_association(&partner, &association_id).await;
    assert_eq!(
        still.association_state(),
        Some(&DirectConnectGatewayAssociationState::Associated)
    );
    assert_eq!(
        cidrs(still.allowed_prefixes_to_direct_connect_gateway()),
        ["10.1.0.0/24", "10.1.1.0/24"]
    );
}

#[tokio::test]
async fn accepting_from_another_region_cannot_find_the_vgw() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);
    let dxgw_id = create_dxgw(&partner, "partner-dxgw").await;
    let vgw_id = attached_vgw(&server, CUSTOMER);
    let proposal_id = customer
        .create_direct_connect_gateway_association_proposal()
        .direct_connect_gateway_id(&dxgw_id)
        .direct_connect_gateway_owner_account(PARTNER)
        .gateway_id(&vgw_id)
        .send()
        .await
        .expect("CreateDirectConnectGatewayAssociationProposal")
        .direct_connect_gateway_association_proposal()
        .and_then(|p| p.proposal_id())
        .expect("proposal ID")
        .to_string();

    let west = Client::from_conf(
        partner
            .config()
            .to_builder()
            .region(aws_sdk_directconnect::config::Region::new("us-west-2"))
            .build(),
    );
    let message = accept_client_error(
        west.accept_direct_connect_gateway_association_proposal()
            .direct_connect_gateway_id(&dxgw_id)
            .proposal_id(&proposal_id)
            .associated_gateway_owner_account(CUSTOMER)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!("The VirtualGateway {vgw_id} does not exist.")
    );
    let listed = partner
        .describe_direct_connect_gateway_associations()
        .direct_connect_gateway_id(&dxgw_id)
        .send()
        .await
        .expect("DescribeDirectConnectGatewayAssociations");
    assert!(
        listed.direct_connect_gateway_associations().is_empty(),
        "the refused accept created an association: {listed:?}"
    );
}

#[tokio::test]
async fn hosted_public_vif_is_verified_then_available() {
    let server = Server::start();
    let partner = server.client(PARTNER);
    let customer = server.client(CUSTOMER);

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
    let connection_id = partner
        .create_connection()
        .location(location)
        .bandwidth("10Gbps")
        .connection_name("partner-uplink")
        .send()
        .await
        .expect("CreateConnection")
        .connection_id()
        .expect("connection without ID")
        .to_string();

    let allocation = NewPublicVirtualInterfaceAllocation::builder()
        .virtual_interface_name("hosted-public")
        .vlan(201)
        .asn(65000)
        .address_family(AddressFamily::IPv4)
        .amazon_address("203.0.113.1/30")
        .customer_address("203.0.113.2/30")
        .route_filter_prefixes(prefix("203.0.113.0/30"))
        .build()
        .expect("NewPublicVirtualInterfaceAllocation");
    // Public allocations return the VirtualInterface itself, not wrapped.
    let vif = partner
        .allocate_public_virtual_interface()
        .connection_id(&connection_id)
        .owner_account(CUSTOMER)
        .new_public_virtual_interface_allocation(allocation)
        .send()
        .await
        .expect("AllocatePublicVirtualInterface");
    let vif_id = vif
        .virtual_interface_id()
        .expect("VIF without ID")
        .to_string();
    assert_eq!(
        vif.virtual_interface_state(),
        Some(&VirtualInterfaceState::Confirming)
    );
    assert_eq!(vif.virtual_interface_type(), Some("public"));
    assert_eq!(vif.owner_account(), Some(CUSTOMER));
    assert_eq!(vif.amazon_address(), Some("203.0.113.1/30"));
    assert_eq!(vif.customer_address(), Some("203.0.113.2/30"));
    assert_eq!(cidrs(vif.route_filter_prefixes()), ["203.0.113.0/30"]);

    let confirmed = customer
        .confirm_public_virtual_interface()
        .virtual_interface_id(&vif_id)
        .send()
        .await
        .expect("ConfirmPublicVirtualInterface");
    assert_eq!(
        confirmed.virtual_interface_state(),
        Some(&VirtualInterfaceState::Verifying)
    );

    let described = customer
        .describe_virtual_interfaces()
        .virtual_interface_id(&vif_id)
        .send()
        .await
        .expect("DescribeVirtualInterfaces");
    let [seen] = described.virtual_interfaces() else {
        panic!("DescribeVirtualInterfaces({vif_id}) did not return exactly one: {described:?}");
    };
    assert_eq!(
        seen.virtual_interface_state(),
        Some(&VirtualInterfaceState::Available)
    );
    assert_eq!(seen.virtual_interface_type(), Some("public"));
    assert_eq!(seen.owner_account(), Some(CUSTOMER));
    assert_eq!(seen.vlan(), 201);
    assert_eq!(seen.asn(), 65000);
    assert_eq!(seen.amazon_address(), Some("203.0.113.1/30"));
    assert_eq!(seen.customer_address(), Some("203.0.113.2/30"));
    assert_eq!(cidrs(seen.route_filter_prefixes()), ["203.0.113.0/30"]);
    // A public VIF lands on no gateway.
    assert_eq!(seen.virtual_gateway_id().unwrap_or(""), "");
    assert_eq!(seen.direct_connect_gateway_id().unwrap_or(""), "");
}
