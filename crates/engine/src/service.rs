//! The one place where every Direct Connect operation is wired to its
//! handler. Operations this emulator does not implement yet answer
//! `NotImplemented` (HTTP 501) naming themselves.

use crate::ops::{
    account, associations, bgp, connections, gateways, interconnects, lags, loa, locations, macsec,
    public, resiliency, tags, transit, vifs,
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
        cx: &Cx,
        input: AllocateConnectionOnInterconnectRequest,
    ) -> Result<Connection, ApiError> {
        interconnects::allocate_connection_on_interconnect(self, cx, input)
    }

    fn allocate_hosted_connection(
        &mut self,
        cx: &Cx,
        input: AllocateHostedConnectionRequest,
    ) -> Result<Connection, ApiError> {
        interconnects::allocate_hosted_connection(self, cx, input)
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
        cx: &Cx,
        input: AssociateConnectionWithLagRequest,
    ) -> Result<Connection, ApiError> {
        lags::associate_connection_with_lag(self, cx, input)
    }

    fn associate_connections_to_resiliency_group(
        &mut self,
        cx: &Cx,
        input: AssociateConnectionsToResiliencyGroupRequest,
    ) -> Result<AssociateConnectionsToResiliencyGroupResult, ApiError> {
        resiliency::associate_connections_to_resiliency_group(self, cx, input)
    }

    fn associate_hosted_connection(
        &mut self,
        cx: &Cx,
        input: AssociateHostedConnectionRequest,
    ) -> Result<Connection, ApiError> {
        interconnects::associate_hosted_connection(self, cx, input)
    }

    fn associate_mac_sec_key(
        &mut self,
        cx: &Cx,
        input: AssociateMacSecKeyRequest,
    ) -> Result<AssociateMacSecKeyResponse, ApiError> {
        macsec::associate_mac_sec_key(self, cx, input)
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
        cx: &Cx,
        input: ConfirmConnectionRequest,
    ) -> Result<ConfirmConnectionResponse, ApiError> {
        connections::confirm_connection(self, cx, input)
    }

    fn confirm_customer_agreement(
        &mut self,
        cx: &Cx,
        input: ConfirmCustomerAgreementRequest,
    ) -> Result<ConfirmCustomerAgreementResponse, ApiError> {
        account::confirm_customer_agreement(self, cx, input)
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
        cx: &Cx,
        input: CreateInterconnectRequest,
    ) -> Result<Interconnect, ApiError> {
        interconnects::create_interconnect(self, cx, input)
    }

    fn create_lag(&mut self, cx: &Cx, input: CreateLagRequest) -> Result<Lag, ApiError> {
        lags::create_lag(self, cx, input)
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
        cx: &Cx,
        input: CreateResiliencyGroupRequest,
    ) -> Result<CreateResiliencyGroupResult, ApiError> {
        resiliency::create_resiliency_group(self, cx, input)
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
        cx: &Cx,
        input: DeleteInterconnectRequest,
    ) -> Result<DeleteInterconnectResponse, ApiError> {
        interconnects::delete_interconnect(self, cx, input)
    }

    fn delete_lag(&mut self, cx: &Cx, input: DeleteLagRequest) -> Result<Lag, ApiError> {
        lags::delete_lag(self, cx, input)
    }

    fn delete_resiliency_group(
        &mut self,
        cx: &Cx,
        input: DeleteResiliencyGroupRequest,
    ) -> Result<DeleteResiliencyGroupResult, ApiError> {
        resiliency::delete_resiliency_group(self, cx, input)
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
        cx: &Cx,
        input: DescribeConnectionLoaRequest,
    ) -> Result<DescribeConnectionLoaResponse, ApiError> {
        loa::describe_connection_loa(self, cx, input)
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
        cx: &Cx,
        input: DescribeConnectionsOnInterconnectRequest,
    ) -> Result<Connections, ApiError> {
        interconnects::describe_connections_on_interconnect(self, cx, input)
    }

    fn describe_customer_metadata(
        &mut self,
        cx: &Cx,
    ) -> Result<DescribeCustomerMetadataResponse, ApiError> {
        account::describe_customer_metadata(self, cx)
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
        cx: &Cx,
        input: DescribeHostedConnectionsRequest,
    ) -> Result<Connections, ApiError> {
        interconnects::describe_hosted_connections(self, cx, input)
    }

    fn describe_interconnect_loa(
        &mut self,
        cx: &Cx,
        input: DescribeInterconnectLoaRequest,
    ) -> Result<DescribeInterconnectLoaResponse, ApiError> {
        loa::describe_interconnect_loa(self, cx, input)
    }

    fn describe_interconnects(
        &mut self,
        cx: &Cx,
        input: DescribeInterconnectsRequest,
    ) -> Result<Interconnects, ApiError> {
        interconnects::describe_interconnects(self, cx, input)
    }

    fn describe_lags(&mut self, cx: &Cx, input: DescribeLagsRequest) -> Result<Lags, ApiError> {
        lags::describe_lags(self, cx, input)
    }

    fn describe_loa(&mut self, cx: &Cx, input: DescribeLoaRequest) -> Result<Loa, ApiError> {
        loa::describe_loa(self, cx, input)
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
        cx: &Cx,
        input: DisassociateConnectionFromLagRequest,
    ) -> Result<Connection, ApiError> {
        lags::disassociate_connection_from_lag(self, cx, input)
    }

    fn disassociate_connections_from_resiliency_group(
        &mut self,
        cx: &Cx,
        input: DisassociateConnectionsFromResiliencyGroupRequest,
    ) -> Result<DisassociateConnectionsFromResiliencyGroupResult, ApiError> {
        resiliency::disassociate_connections_from_resiliency_group(self, cx, input)
    }

    fn disassociate_mac_sec_key(
        &mut self,
        cx: &Cx,
        input: DisassociateMacSecKeyRequest,
    ) -> Result<DisassociateMacSecKeyResponse, ApiError> {
        macsec::disassociate_mac_sec_key(self, cx, input)
    }

    fn get_resiliency_group(
        &mut self,
        cx: &Cx,
        input: GetResiliencyGroupRequest,
    ) -> Result<GetResiliencyGroupResult, ApiError> {
        resiliency::get_resiliency_group(self, cx, input)
    }

    fn list_resiliency_group_associations(
        &mut self,
        cx: &Cx,
        input: ListResiliencyGroupAssociationsRequest,
    ) -> Result<ListResiliencyGroupAssociationsResult, ApiError> {
        resiliency::list_resiliency_group_associations(self, cx, input)
    }

    fn list_resiliency_groups(
        &mut self,
        cx: &Cx,
        input: ListResiliencyGroupsRequest,
    ) -> Result<ListResiliencyGroupsResult, ApiError> {
        resiliency::list_resiliency_groups(self, cx, input)
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
        cx: &Cx,
        input: UpdateConnectionRequest,
    ) -> Result<Connection, ApiError> {
        connections::update_connection(self, cx, input)
    }

    fn update_connections_billing_mode(
        &mut self,
        cx: &Cx,
        input: UpdateConnectionsBillingModeRequest,
    ) -> Result<UpdateConnectionsBillingModeResponse, ApiError> {
        connections::update_connections_billing_mode(self, cx, input)
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

    fn update_lag(&mut self, cx: &Cx, input: UpdateLagRequest) -> Result<Lag, ApiError> {
        lags::update_lag(self, cx, input)
    }

    fn update_resiliency_group(
        &mut self,
        cx: &Cx,
        input: UpdateResiliencyGroupRequest,
    ) -> Result<UpdateResiliencyGroupResult, ApiError> {
        resiliency::update_resiliency_group(self, cx, input)
    }

    fn update_virtual_interface_attributes(
        &mut self,
        cx: &Cx,
        input: UpdateVirtualInterfaceAttributesRequest,
    ) -> Result<VirtualInterface, ApiError> {
        vifs::update_virtual_interface_attributes(self, cx, input)
    }
}
