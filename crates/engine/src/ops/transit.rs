//! Transit virtual interfaces: to a Direct Connect gateway that fronts
//! transit gateways. Create and Allocate wrap their output in
//! `{"virtualInterface": …}` (unlike the private and public forms).

use super::connections;
use super::gateways::transit_target;
use super::vifs::{
    attach, confirmable, draft, missing_member, start_provisioning, to_api, VifSpec,
};
use crate::state::VifType;
use crate::{Cx, Engine};
use dxlocal_model::{
    AllocateTransitVirtualInterfaceRequest, AllocateTransitVirtualInterfaceResult, ApiError,
    ConfirmTransitVirtualInterfaceRequest, ConfirmTransitVirtualInterfaceResponse,
    CreateTransitVirtualInterfaceRequest, CreateTransitVirtualInterfaceResult,
    VirtualInterfaceState,
};

/// The model marks nothing in the transit forms required; the service
/// still needs a name and a VLAN ([choice], operations.md §F).
fn required<T>(v: Option<T>, path: &str) -> Result<T, ApiError> {
    v.ok_or_else(|| missing_member(path))
}

pub fn create_transit_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateTransitVirtualInterfaceRequest,
) -> Result<CreateTransitVirtualInterfaceResult, ApiError> {
    let n = input.new_transit_virtual_interface;
    let spec = VifSpec {
        name: required(
            n.virtual_interface_name,
            "newTransitVirtualInterface.virtualInterfaceName",
        )?,
        vlan: required(n.vlan, "newTransitVirtualInterface.vlan")?,
        asn: n.asn,
        asn_long: n.asn_long,
        mtu: n.mtu,
        auth_key: n.auth_key,
        amazon_address: n.amazon_address,
        customer_address: n.customer_address,
        address_family: n.address_family,
        tags: n.tags,
        rate_limit: n.rate_limit,
    };
    let gateway = n.direct_connect_gateway_id.filter(|s| !s.is_empty());
    let owner = cx.caller.account.clone();
    let mut vif = draft(
        eng,
        cx,
        &input.connection_id,
        VifType::Transit,
        &owner,
        spec,
    )?
    .vif;
    let target = transit_target(eng, cx, gateway.as_deref())?;
    target.apply(&mut vif);
    vif.site_link_enabled = n.enable_site_link.unwrap_or(false);
    vif.state = VirtualInterfaceState::Pending;
    let out = to_api(&vif);
    attach(eng, &vif, &vif.direct_connect_gateway_id.clone());
    let id = vif.id.clone();
    eng.state.insert_vif(vif);
    start_provisioning(eng, cx, &id);
    Ok(CreateTransitVirtualInterfaceResult {
        virtual_interface: Some(out),
    })
}

pub fn allocate_transit_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: AllocateTransitVirtualInterfaceRequest,
) -> Result<AllocateTransitVirtualInterfaceResult, ApiError> {
    connections::check_allocation(eng, cx, &input.connection_id, &input.owner_account)?;
    let n = input.new_transit_virtual_interface_allocation;
    let spec = VifSpec {
        name: required(
            n.virtual_interface_name,
            "newTransitVirtualInterfaceAllocation.virtualInterfaceName",
        )?,
        vlan: required(n.vlan, "newTransitVirtualInterfaceAllocation.vlan")?,
        asn: n.asn,
        asn_long: n.asn_long,
        mtu: n.mtu,
        auth_key: n.auth_key,
        amazon_address: n.amazon_address,
        customer_address: n.customer_address,
        address_family: n.address_family,
        tags: n.tags,
        rate_limit: n.rate_limit,
    };
    let vif = draft(
        eng,
        cx,
        &input.connection_id,
        VifType::Transit,
        &input.owner_account,
        spec,
    )?
    .vif;
    let out = to_api(&vif);
    eng.state.insert_vif(vif);
    Ok(AllocateTransitVirtualInterfaceResult {
        virtual_interface: Some(out),
    })
}

pub fn confirm_transit_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: ConfirmTransitVirtualInterfaceRequest,
) -> Result<ConfirmTransitVirtualInterfaceResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    confirmable(eng, cx, id, VifType::Transit)?;
    let gateway = Some(input.direct_connect_gateway_id.as_str()).filter(|s| !s.is_empty());
    let target = transit_target(eng, cx, gateway)?;
    let vif = eng.state.vifs.get_mut(id).expect("checked by confirmable");
    target.apply(vif);
    vif.state = VirtualInterfaceState::Pending;
    let snapshot = vif.clone();
    attach(eng, &snapshot, &snapshot.direct_connect_gateway_id);
    start_provisioning(eng, cx, id);
    Ok(ConfirmTransitVirtualInterfaceResponse {
        virtual_interface_state: Some(VirtualInterfaceState::Pending),
    })
}
