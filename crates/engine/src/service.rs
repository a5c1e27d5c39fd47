//! The one place where every Direct Connect operation is wired to its
//! handler. Operations this emulator does not implement yet answer
//! `NotImplemented` (HTTP 501) naming themselves.

use crate::ops::{
    associations, bgp, connections, gateways, locations, public, tags, transit, vifs,
};
use crate::{Cx, Engine};
use dxlocal_model::*;

impl DirectConnect for Engine {
    type Context = Cx;

    fn accept_direct_connect_gateway_association_proposal(
        &mut self,
        cx: &Cx,
        input: AcceptDirectConnectGatewayAssociationProposalRequest,
    ) -> Result<AcceptDirectConnectGatewayAssociationProposalResult, ApiError> {
        associations::accept_direct_connect_gateway_association_proposal(self, cx, input)
    }

    fn allocate_connection_on_interconnect(
        &mut self,
        _cx: &Cx,
        _input: AllocateConnectionOnInterconnectRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented(
            "AllocateConnectionOnInterconnect",
        ))
    }

    fn allocate_hosted_connection(
        &mut self,
        _cx: &Cx,
        _input: AllocateHostedConnectionRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented("AllocateHostedConnection"))
    }

    fn allocate_private_virtual_interface(
        &mut self,
        cx: &Cx,
        input: AllocatePrivateVirtualInterfaceRequest,
    ) -> Result<VirtualInterface, ApiError> {
        vifs::allocate_private_virtual_interface(self, cx, input)
    }

    fn allocate_public_virtual_interface(
        &mut self,
        cx: &Cx,
        input: AllocatePublicVirtualInterfaceRequest,
    ) -> Result<VirtualInterface, ApiError> {
        public::allocate_public_virtual_interface(self, cx, input)
    }

    fn allocate_transit_virtual_interface(
        &mut self,
        cx: &Cx,
        input: AllocateTransitVirtualInterfaceRequest,
    ) -> Result<AllocateTransitVirtualInterfaceResult, ApiError> {
        transit::allocate_transit_virtual_interface(self, cx, input)
    }

    fn associate_connection_with_lag(
        &mut self,
        _cx: &Cx,
        _input: AssociateConnectionWithLagRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented("AssociateConnectionWithLag"))
    }

    fn associate_connections_to_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: AssociateConnectionsToResiliencyGroupRequest,
    ) -> Result<AssociateConnectionsToResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented(
            "AssociateConnectionsToResiliencyGroup",
        ))
    }

    fn associate_hosted_connection(
        &mut self,
        _cx: &Cx,
        _input: AssociateHostedConnectionRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented("AssociateHostedConnection"))
    }

    fn associate_mac_sec_key(
        &mut self,
        _cx: &Cx,
        _input: AssociateMacSecKeyRequest,
    ) -> Result<AssociateMacSecKeyResponse, ApiError> {
        Err(ApiError::not_implemented("AssociateMacSecKey"))
    }

    fn associate_virtual_interface(
        &mut self,
        cx: &Cx,
        input: AssociateVirtualInterfaceRequest,
    ) -> Result<VirtualInterface, ApiError> {
        vifs::associate_virtual_interface(self, cx, input)
    }

    fn confirm_connection(
        &mut self,
        _cx: &Cx,
        _input: ConfirmConnectionRequest,
    ) -> Result<ConfirmConnectionResponse, ApiError> {
        Err(ApiError::not_implemented("ConfirmConnection"))
    }

    fn confirm_customer_agreement(
        &mut self,
        _cx: &Cx,
        _input: ConfirmCustomerAgreementRequest,
    ) -> Result<ConfirmCustomerAgreementResponse, ApiError> {
        Err(ApiError::not_implemented("ConfirmCustomerAgreement"))
    }

    fn confirm_private_virtual_interface(
        &mut self,
        cx: &Cx,
        input: ConfirmPrivateVirtualInterfaceRequest,
    ) -> Result<ConfirmPrivateVirtualInterfaceResponse, ApiError> {
        vifs::confirm_private_virtual_interface(self, cx, input)
    }

    fn confirm_public_virtual_interface(
        &mut self,
        cx: &Cx,
        input: ConfirmPublicVirtualInterfaceRequest,
    ) -> Result<ConfirmPublicVirtualInterfaceResponse, ApiError> {
        public::confirm_public_virtual_interface(self, cx, input)
    }

    fn confirm_transit_virtual_interface(
        &mut self,
        cx: &Cx,
        input: ConfirmTransitVirtualInterfaceRequest,
    ) -> Result<ConfirmTransitVirtualInterfaceResponse, ApiError> {
        transit::confirm_transit_virtual_interface(self, cx, input)
    }

    fn create_bgp_peer(
        &mut self,
        cx: &Cx,
        input: CreateBGPPeerRequest,
    ) -> Result<CreateBGPPeerResponse, ApiError> {
        bgp::create_bgp_peer(self, cx, input)
    }

    fn create_connection(
        &mut self,
        cx: &Cx,
        input: CreateConnectionRequest,
    ) -> Result<Connection, ApiError> {
        connections::create_connection(self, cx, input)
    }

    fn create_direct_connect_gateway(
        &mut self,
        cx: &Cx,
        input: CreateDirectConnectGatewayRequest,
    ) -> Result<CreateDirectConnectGatewayResult, ApiError> {
        gateways::create_direct_connect_gateway(self, cx, input)
    }

    fn create_direct_connect_gateway_association(
        &mut self,
        cx: &Cx,
        input: CreateDirectConnectGatewayAssociationRequest,
    ) -> Result<CreateDirectConnectGatewayAssociationResult, ApiError> {
        associations::create_direct_connect_gateway_association(self, cx, input)
    }

    fn create_direct_connect_gateway_association_proposal(
        &mut self,
        cx: &Cx,
        input: CreateDirectConnectGatewayAssociationProposalRequest,
    ) -> Result<CreateDirectConnectGatewayAssociationProposalResult, ApiError> {
        associations::create_direct_connect_gateway_association_proposal(self, cx, input)
    }

    fn create_interconnect(
        &mut self,
        _cx: &Cx,
        _input: CreateInterconnectRequest,
    ) -> Result<Interconnect, ApiError> {
        Err(ApiError::not_implemented("CreateInterconnect"))
    }

    fn create_lag(&mut self, _cx: &Cx, _input: CreateLagRequest) -> Result<Lag, ApiError> {
        Err(ApiError::not_implemented("CreateLag"))
    }

    fn create_private_virtual_interface(
        &mut self,
        cx: &Cx,
        input: CreatePrivateVirtualInterfaceRequest,
    ) -> Result<VirtualInterface, ApiError> {
        vifs::create_private_virtual_interface(self, cx, input)
    }

    fn create_public_virtual_interface(
        &mut self,
        cx: &Cx,
        input: CreatePublicVirtualInterfaceRequest,
    ) -> Result<VirtualInterface, ApiError> {
        public::create_public_virtual_interface(self, cx, input)
    }

    fn create_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: CreateResiliencyGroupRequest,
    ) -> Result<CreateResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented("CreateResiliencyGroup"))
    }

    fn create_transit_virtual_interface(
        &mut self,
        cx: &Cx,
        input: CreateTransitVirtualInterfaceRequest,
    ) -> Result<CreateTransitVirtualInterfaceResult, ApiError> {
        transit::create_transit_virtual_interface(self, cx, input)
    }

    fn delete_bgp_peer(
        &mut self,
        cx: &Cx,
        input: DeleteBGPPeerRequest,
    ) -> Result<DeleteBGPPeerResponse, ApiError> {
        bgp::delete_bgp_peer(self, cx, input)
    }

    fn delete_connection(
        &mut self,
        cx: &Cx,
        input: DeleteConnectionRequest,
    ) -> Result<Connection, ApiError> {
        connections::delete_connection(self, cx, input)
    }

    fn delete_direct_connect_gateway(
        &mut self,
        cx: &Cx,
        input: DeleteDirectConnectGatewayRequest,
    ) -> Result<DeleteDirectConnectGatewayResult, ApiError> {
        gateways::delete_direct_connect_gateway(self, cx, input)
    }

    fn delete_direct_connect_gateway_association(
        &mut self,
        cx: &Cx,
        input: DeleteDirectConnectGatewayAssociationRequest,
    ) -> Result<DeleteDirectConnectGatewayAssociationResult, ApiError> {
        associations::delete_direct_connect_gateway_association(self, cx, input)
    }

    fn delete_direct_connect_gateway_association_proposal(
        &mut self,
        cx: &Cx,
        input: DeleteDirectConnectGatewayAssociationProposalRequest,
    ) -> Result<DeleteDirectConnectGatewayAssociationProposalResult, ApiError> {
        associations::delete_direct_connect_gateway_association_proposal(self, cx, input)
    }

    fn delete_interconnect(
        &mut self,
        _cx: &Cx,
        _input: DeleteInterconnectRequest,
    ) -> Result<DeleteInterconnectResponse, ApiError> {
        Err(ApiError::not_implemented("DeleteInterconnect"))
    }

    fn delete_lag(&mut self, _cx: &Cx, _input: DeleteLagRequest) -> Result<Lag, ApiError> {
        Err(ApiError::not_implemented("DeleteLag"))
    }

    fn delete_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: DeleteResiliencyGroupRequest,
    ) -> Result<DeleteResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented("DeleteResiliencyGroup"))
    }

    fn delete_virtual_interface(
        &mut self,
        cx: &Cx,
        input: DeleteVirtualInterfaceRequest,
    ) -> Result<DeleteVirtualInterfaceResponse, ApiError> {
        vifs::delete_virtual_interface(self, cx, input)
    }

    fn describe_connection_loa(
        &mut self,
        _cx: &Cx,
        _input: DescribeConnectionLoaRequest,
    ) -> Result<DescribeConnectionLoaResponse, ApiError> {
        Err(ApiError::not_implemented("DescribeConnectionLoa"))
    }

    fn describe_connections(
        &mut self,
        cx: &Cx,
        input: DescribeConnectionsRequest,
    ) -> Result<Connections, ApiError> {
        connections::describe_connections(self, cx, input)
    }

    fn describe_connections_on_interconnect(
        &mut self,
        _cx: &Cx,
        _input: DescribeConnectionsOnInterconnectRequest,
    ) -> Result<Connections, ApiError> {
        Err(ApiError::not_implemented(
            "DescribeConnectionsOnInterconnect",
        ))
    }

    fn describe_customer_metadata(
        &mut self,
        _cx: &Cx,
    ) -> Result<DescribeCustomerMetadataResponse, ApiError> {
        Err(ApiError::not_implemented("DescribeCustomerMetadata"))
    }

    fn describe_direct_connect_gateway_association_proposals(
        &mut self,
        cx: &Cx,
        input: DescribeDirectConnectGatewayAssociationProposalsRequest,
    ) -> Result<DescribeDirectConnectGatewayAssociationProposalsResult, ApiError> {
        associations::describe_direct_connect_gateway_association_proposals(self, cx, input)
    }

    fn describe_direct_connect_gateway_associations(
        &mut self,
        cx: &Cx,
        input: DescribeDirectConnectGatewayAssociationsRequest,
    ) -> Result<DescribeDirectConnectGatewayAssociationsResult, ApiError> {
        associations::describe_direct_connect_gateway_associations(self, cx, input)
    }

    fn describe_direct_connect_gateway_attachments(
        &mut self,
        cx: &Cx,
        input: DescribeDirectConnectGatewayAttachmentsRequest,
    ) -> Result<DescribeDirectConnectGatewayAttachmentsResult, ApiError> {
        gateways::describe_direct_connect_gateway_attachments(self, cx, input)
    }

    fn describe_direct_connect_gateways(
        &mut self,
        cx: &Cx,
        input: DescribeDirectConnectGatewaysRequest,
    ) -> Result<DescribeDirectConnectGatewaysResult, ApiError> {
        gateways::describe_direct_connect_gateways(self, cx, input)
    }

    fn describe_hosted_connections(
        &mut self,
        _cx: &Cx,
        _input: DescribeHostedConnectionsRequest,
    ) -> Result<Connections, ApiError> {
        Err(ApiError::not_implemented("DescribeHostedConnections"))
    }

    fn describe_interconnect_loa(
        &mut self,
        _cx: &Cx,
        _input: DescribeInterconnectLoaRequest,
    ) -> Result<DescribeInterconnectLoaResponse, ApiError> {
        Err(ApiError::not_implemented("DescribeInterconnectLoa"))
    }

    fn describe_interconnects(
        &mut self,
        _cx: &Cx,
        _input: DescribeInterconnectsRequest,
    ) -> Result<Interconnects, ApiError> {
        Err(ApiError::not_implemented("DescribeInterconnects"))
    }

    fn describe_lags(&mut self, _cx: &Cx, _input: DescribeLagsRequest) -> Result<Lags, ApiError> {
        Err(ApiError::not_implemented("DescribeLags"))
    }

    fn describe_loa(&mut self, _cx: &Cx, _input: DescribeLoaRequest) -> Result<Loa, ApiError> {
        Err(ApiError::not_implemented("DescribeLoa"))
    }

    fn describe_locations(&mut self, cx: &Cx) -> Result<Locations, ApiError> {
        locations::describe_locations(self, cx)
    }

    fn describe_router_configuration(
        &mut self,
        cx: &Cx,
        input: DescribeRouterConfigurationRequest,
    ) -> Result<DescribeRouterConfigurationResponse, ApiError> {
        bgp::describe_router_configuration(self, cx, input)
    }

    fn describe_tags(
        &mut self,
        cx: &Cx,
        input: DescribeTagsRequest,
    ) -> Result<DescribeTagsResponse, ApiError> {
        tags::describe_tags(self, cx, input)
    }

    fn describe_virtual_gateways(&mut self, cx: &Cx) -> Result<VirtualGateways, ApiError> {
        gateways::describe_virtual_gateways(self, cx)
    }

    fn describe_virtual_interfaces(
        &mut self,
        cx: &Cx,
        input: DescribeVirtualInterfacesRequest,
    ) -> Result<VirtualInterfaces, ApiError> {
        vifs::describe_virtual_interfaces(self, cx, input)
    }

    fn disassociate_connection_from_lag(
        &mut self,
        _cx: &Cx,
        _input: DisassociateConnectionFromLagRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented("DisassociateConnectionFromLag"))
    }

    fn disassociate_connections_from_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: DisassociateConnectionsFromResiliencyGroupRequest,
    ) -> Result<DisassociateConnectionsFromResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented(
            "DisassociateConnectionsFromResiliencyGroup",
        ))
    }

    fn disassociate_mac_sec_key(
        &mut self,
        _cx: &Cx,
        _input: DisassociateMacSecKeyRequest,
    ) -> Result<DisassociateMacSecKeyResponse, ApiError> {
        Err(ApiError::not_implemented("DisassociateMacSecKey"))
    }

    fn get_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: GetResiliencyGroupRequest,
    ) -> Result<GetResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented("GetResiliencyGroup"))
    }

    fn list_resiliency_group_associations(
        &mut self,
        _cx: &Cx,
        _input: ListResiliencyGroupAssociationsRequest,
    ) -> Result<ListResiliencyGroupAssociationsResult, ApiError> {
        Err(ApiError::not_implemented("ListResiliencyGroupAssociations"))
    }

    fn list_resiliency_groups(
        &mut self,
        _cx: &Cx,
        _input: ListResiliencyGroupsRequest,
    ) -> Result<ListResiliencyGroupsResult, ApiError> {
        Err(ApiError::not_implemented("ListResiliencyGroups"))
    }

    fn list_virtual_interface_routes(
        &mut self,
        cx: &Cx,
        input: ListVirtualInterfaceRoutesRequest,
    ) -> Result<ListVirtualInterfaceRoutesResponse, ApiError> {
        bgp::list_virtual_interface_routes(self, cx, input)
    }

    fn list_virtual_interface_test_history(
        &mut self,
        cx: &Cx,
        input: ListVirtualInterfaceTestHistoryRequest,
    ) -> Result<ListVirtualInterfaceTestHistoryResponse, ApiError> {
        bgp::list_virtual_interface_test_history(self, cx, input)
    }

    fn start_bgp_failover_test(
        &mut self,
        cx: &Cx,
        input: StartBgpFailoverTestRequest,
    ) -> Result<StartBgpFailoverTestResponse, ApiError> {
        bgp::start_bgp_failover_test(self, cx, input)
    }

    fn stop_bgp_failover_test(
        &mut self,
        cx: &Cx,
        input: StopBgpFailoverTestRequest,
    ) -> Result<StopBgpFailoverTestResponse, ApiError> {
        bgp::stop_bgp_failover_test(self, cx, input)
    }

    fn tag_resource(
        &mut self,
        cx: &Cx,
        input: TagResourceRequest,
    ) -> Result<TagResourceResponse, ApiError> {
        tags::tag_resource(self, cx, input)
    }

    fn untag_resource(
        &mut self,
        cx: &Cx,
        input: UntagResourceRequest,
    ) -> Result<UntagResourceResponse, ApiError> {
        tags::untag_resource(self, cx, input)
    }

    fn update_connection(
        &mut self,
        _cx: &Cx,
        _input: UpdateConnectionRequest,
    ) -> Result<Connection, ApiError> {
        Err(ApiError::not_implemented("UpdateConnection"))
    }

    fn update_connections_billing_mode(
        &mut self,
        _cx: &Cx,
        _input: UpdateConnectionsBillingModeRequest,
    ) -> Result<UpdateConnectionsBillingModeResponse, ApiError> {
        Err(ApiError::not_implemented("UpdateConnectionsBillingMode"))
    }

    fn update_direct_connect_gateway(
        &mut self,
        cx: &Cx,
        input: UpdateDirectConnectGatewayRequest,
    ) -> Result<UpdateDirectConnectGatewayResponse, ApiError> {
        gateways::update_direct_connect_gateway(self, cx, input)
    }

    fn update_direct_connect_gateway_association(
        &mut self,
        cx: &Cx,
        input: UpdateDirectConnectGatewayAssociationRequest,
    ) -> Result<UpdateDirectConnectGatewayAssociationResult, ApiError> {
        associations::update_direct_connect_gateway_association(self, cx, input)
    }

    fn update_lag(&mut self, _cx: &Cx, _input: UpdateLagRequest) -> Result<Lag, ApiError> {
        Err(ApiError::not_implemented("UpdateLag"))
    }

    fn update_resiliency_group(
        &mut self,
        _cx: &Cx,
        _input: UpdateResiliencyGroupRequest,
    ) -> Result<UpdateResiliencyGroupResult, ApiError> {
        Err(ApiError::not_implemented("UpdateResiliencyGroup"))
    }

    fn update_virtual_interface_attributes(
        &mut self,
        cx: &Cx,
        input: UpdateVirtualInterfaceAttributesRequest,
    ) -> Result<VirtualInterface, ApiError> {
        vifs::update_virtual_interface_attributes(self, cx, input)
    }
}
