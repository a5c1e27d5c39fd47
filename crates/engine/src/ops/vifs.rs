//! Virtual interfaces: create, allocate (hosted), confirm, describe, delete.

use super::connections;
use super::gateways::{self, GatewayLookup};
use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::label::Label;
use crate::state::{attachment_id, scope, Attachment, BgpPeer, State, Vif, VifType};
use crate::timers::Event;
use crate::{access, Cx, Engine};
use dxlocal_model::{
    AddressFamily, AllocatePrivateVirtualInterfaceRequest, ApiError, BGPPeer, BGPPeerState,
    BGPStatus, ConfirmPrivateVirtualInterfaceRequest, ConfirmPrivateVirtualInterfaceResponse,
    CreatePrivateVirtualInterfaceRequest, DeleteVirtualInterfaceRequest,
    DeleteVirtualInterfaceResponse, DescribeVirtualInterfacesRequest,
    DirectConnectGatewayAttachmentState, DirectConnectGatewayAttachmentType, Tag, VirtualInterface,
    VirtualInterfaceState, VirtualInterfaces,
};
use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The Amazon-side ASN an unconfirmed hosted VIF reports (observed).
const PLACEHOLDER_AMAZON_ASN: i64 = 7224;

pub fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Virtual interface {id} does not exist"))
}

/// A VIF the caller may see: in its region, owned by it or sitting on a
/// connection it owns. Deleted VIFs stay visible until purged.
pub(super) fn visible<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Option<&'a Vif> {
    eng.state
        .vifs
        .get(id)
        .map(|v| &**v)
        .filter(|v| access::sees_vif(&cx.caller, v))
}

pub fn to_api(v: &Vif) -> VirtualInterface {
    let first = v.peers.first();
    let asn = first.map(|p| p.asn).unwrap_or(0);
    VirtualInterface {
        owner_account: Some(v.owner.clone()),
        virtual_interface_id: Some(v.id.clone()),
        location: Some(v.location.clone()),
        connection_id: Some(v.connection_id.clone()),
        virtual_interface_type: Some(v.kind.as_str().to_string()),
        virtual_interface_name: Some(v.name.clone()),
        vlan: Some(v.vlan),
        // A 4-byte ASN does not fit `asn`, which then reads 0 (resources.md §6.3).
        asn: Some(i32::try_from(asn).unwrap_or(0)),
        asn_long: Some(asn),
        amazon_side_asn: Some(v.amazon_side_asn),
        auth_key: first.map(|p| p.auth_key.clone()),
        amazon_address: first.map(|p| p.amazon_address.clone()),
        customer_address: first.map(|p| p.customer_address.clone()),
        address_family: first.map(|p| p.family),
        virtual_interface_state: Some(v.state),
        customer_router_config: Some(router_config(v)),
        mtu: Some(v.mtu),
        jumbo_frame_capable: Some(v.jumbo_frame_capable),
        virtual_gateway_id: Some(v.virtual_gateway_id.clone()),
        direct_connect_gateway_id: Some(v.direct_connect_gateway_id.clone()),
        route_filter_prefixes: Some(
            v.route_filter_prefixes
                .iter()
                .map(|c| dxlocal_model::RouteFilterPrefix {
                    cidr: Some(c.clone()),
                })
                .collect(),
        ),
        bgp_peers: Some(v.peers.iter().map(peer_to_api).collect()),
        region: Some(v.region.clone()),
        aws_device_v2: Some(v.aws_device_v2.clone()),
        aws_logical_device_id: Some(v.aws_logical_device_id.clone()),
        tags: Some(v.tags.clone()),
        site_link_enabled: Some(v.site_link_enabled),
        prefix_pool_allocated_count_ipv4: (v.kind != VifType::Public).then_some(0),
        prefix_pool_allocated_count_ipv6: (v.kind != VifType::Public).then_some(0),
        rate_limit: v.rate_limit.clone(),
    }
}

fn peer_to_api(p: &BgpPeer) -> BGPPeer {
    BGPPeer {
        bgp_peer_id: Some(p.id.clone()),
        asn: Some(i32::try_from(p.asn).unwrap_or(0)),
        asn_long: Some(p.asn),
        auth_key: Some(p.auth_key.clone()),
        address_family: Some(p.family),
        amazon_address: Some(p.amazon_address.clone()),
        customer_address: Some(p.customer_address.clone()),
        bgp_peer_state: Some(p.state),
        bgp_status: Some(p.status),
        aws_device_v2: Some(p.aws_device_v2.clone()),
        aws_logical_device_id: Some(p.aws_logical_device_id.clone()),
    }
}

/// The generic router configuration AWS returns (resources.md §6.6): one
/// block per live address family, in the observed element order.
pub fn router_config(v: &Vif) -> String {
    let live = |f: AddressFamily| {
        v.peers.iter().find(|p| {
            p.family == f && !matches!(p.state, BGPPeerState::Deleting | BGPPeerState::Deleted)
        })
    };
    // Written into one buffer: every described VIF carries this document,
    // and formatting each part into a string of its own cost three more
    // allocations and copies.
    let mut s = String::with_capacity(640);
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<logical_connection id=\"{}\">\n  <vlan>{}</vlan>\n",
        v.id, v.vlan
    );
    if let Some(p) = live(AddressFamily::Ipv4) {
        let _ = write!(
            s,
            "  <customer_address>{}</customer_address>\n  <amazon_address>{}</amazon_address>\n  <bgp_asn>{}</bgp_asn>\n  <bgp_auth_key>{}</bgp_auth_key>\n",
            p.customer_address, p.amazon_address, p.asn, p.auth_key
        );
    }
    if let Some(p) = live(AddressFamily::Ipv6) {
        let _ = write!(
            s,
            "  <ipv6_customer_address>{}</ipv6_customer_address>\n  <ipv6_amazon_address>{}</ipv6_amazon_address>\n  <ipv6_bgp_asn>{}</ipv6_bgp_asn>\n  <ipv6_bgp_auth_key>{}</ipv6_bgp_auth_key>\n",
            p.customer_address, p.amazon_address, p.asn, p.auth_key
        );
    }
    let _ = write!(
        s,
        "  <amazon_bgp_asn>{}</amazon_bgp_asn>\n  <connection_type>{}</connection_type>\n</logical_connection>\n",
        v.amazon_side_asn,
        v.kind.as_str()
    );
    s
}

/// The members every new-VIF input shares (create and allocate forms).
pub struct VifSpec {
    pub name: String,
    pub vlan: i32,
    pub asn: Option<i32>,
    pub asn_long: Option<i64>,
    pub mtu: Option<i32>,
    pub auth_key: Option<String>,
    pub amazon_address: Option<String>,
    pub customer_address: Option<String>,
    pub address_family: Option<AddressFamily>,
    pub tags: Option<Vec<Tag>>,
    pub rate_limit: Option<String>,
}

/// A validated new VIF, not yet stored: everything is decided, nothing changed.
pub(super) struct Draft {
    pub vif: Vif,
}

/// The ASN a request asks for: `asnLong` wins over `asn` (resources.md §6.3).
pub fn resolve_asn(asn: Option<i32>, asn_long: Option<i64>) -> Result<i64, ApiError> {
    match (asn, asn_long) {
        (_, Some(l)) if (1..=4_294_967_294).contains(&l) => Ok(l),
        (_, Some(l)) => Err(ApiError::client(format!(
            "ASN {l} is out of range: asnLong must be between 1 and 4294967294"
        ))),
        // [choice] 2147483647 is accepted too (the user guide's bound).
        (Some(a), None) if (1..=2_147_483_647).contains(&a) => Ok(i64::from(a)),
        (Some(a), None) => Err(ApiError::client(format!(
            "ASN {a} is out of range: asn must be between 1 and 2147483646; use asnLong for 4-byte ASNs"
        ))),
        (None, None) => Err(ApiError::client("Either asn or asnLong must be specified")),
    }
}

pub(super) fn parse_cidr4(s: &str) -> Option<(Ipv4Addr, u8)> {
    let (ip, len) = s.split_once('/')?;
    let len: u8 = len.parse().ok()?;
    (len <= 32).then_some(())?;
    Some((ip.parse().ok()?, len))
}

/// Addresses on a connection already in use by its live VIFs' peers.
/// Borrowed from the state, which holds them: an allocation draws
/// addresses (from the engine's RNG) while looking at these.
pub(super) fn addresses_in_use<'a>(state: &'a State, connection_id: &str) -> Vec<&'a str> {
    state
        .live_vifs_on(connection_id)
        .flat_map(|v| v.peers.iter())
        .flat_map(|p| [p.amazon_address.as_str(), p.customer_address.as_str()])
        .collect()
}

/// Picks the peer addresses: as given (IPv4), or AWS-assigned - a
/// link-local /30 for IPv4, a /125 for IPv6 (resources.md §6.4).
pub(super) fn assign_addresses(
    eng: &mut Engine,
    connection_id: &str,
    kind: VifType,
    family: AddressFamily,
    amazon: Option<&str>,
    customer: Option<&str>,
) -> Result<(String, String), ApiError> {
    let amazon = amazon.filter(|s| !s.is_empty());
    let customer = customer.filter(|s| !s.is_empty());
    let in_use = addresses_in_use(&eng.state, connection_id);
    match family {
        AddressFamily::Ipv6 => {
            if amazon.is_some() || customer.is_some() {
                return Err(ApiError::client(
                    "Custom IPv6 addresses are not supported: omit amazonAddress and customerAddress for the ipv6 address family",
                ));
            }
            loop {
                let block = 0x2600_1f18_0000_0000u64 | u64::from(eng.ids.below(1 << 24));
                let low = u64::from(eng.ids.below(1 << 13)) << 3;
                let base = (u128::from(block) << 64) | u128::from(low);
                let a = format!("{}/125", Ipv6Addr::from(base + 1));
                let c = format!("{}/125", Ipv6Addr::from(base + 6));
                if !in_use.contains(&a.as_str()) && !in_use.contains(&c.as_str()) {
                    return Ok((a, c));
                }
            }
        }
        AddressFamily::Ipv4 => match (amazon, customer) {
            (Some(a), Some(c)) if kind == VifType::Public => {
                super::public::check_public_addresses(a, c)?;
                if let Some(clash) = [a, c].into_iter().find(|x| in_use.iter().any(|u| u == x)) {
                    return Err(ApiError::client(format!(
                        "Address {clash} conflicts with another virtual interface on {connection_id}"
                    )));
                }
                Ok((a.to_string(), c.to_string()))
            }
            _ if kind == VifType::Public => Err(ApiError::client(
                "Public virtual interfaces need both amazonAddress and customerAddress: AWS does not assign public IPv4 addresses",
            )),
            (Some(a), Some(c)) => {
                for (what, addr) in [("amazonAddress", a), ("customerAddress", c)] {
                    if parse_cidr4(addr).is_none() {
                        return Err(ApiError::client(format!(
                            "{what} {addr} is not a valid IPv4 address in CIDR notation"
                        )));
                    }
                }
                if a == c {
                    return Err(ApiError::client(format!(
                        "Amazon Address and Customer Address must differ (both {a})"
                    )));
                }
                if let Some(clash) = [a, c].into_iter().find(|x| in_use.iter().any(|u| u == x)) {
                    return Err(ApiError::client(format!(
                        "Address {clash} conflicts with another virtual interface on {connection_id}"
                    )));
                }
                Ok((a.to_string(), c.to_string()))
            }
            (None, None) => loop {
                let third = eng.ids.below(256) as u8;
                let fourth = (eng.ids.below(64) * 4) as u8;
                let a = format!("{}/30", Ipv4Addr::new(169, 254, third, fourth + 1));
                let c = format!("{}/30", Ipv4Addr::new(169, 254, third, fourth + 2));
                if !in_use.contains(&a.as_str()) && !in_use.contains(&c.as_str()) {
                    return Ok((a, c));
                }
            },
            _ => Err(ApiError::client(
                "Specify both amazonAddress and customerAddress, or neither to have them assigned",
            )),
        },
    }
}

/// Megabits per second of a bandwidth string (`500Mbps`, `10Gbps`, `1.6Tbps`).
pub(super) fn mbps(s: &str) -> Option<f64> {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = num.parse().ok()?;
    Some(match unit {
        "Mbps" => n,
        "Gbps" => n * 1000.0,
        "Tbps" => n * 1_000_000.0,
        _ => return None,
    })
}

/// Checks shared by every create/allocate call (operations.md §F table),
/// in order; builds the VIF without storing it.
pub(super) fn draft(
    eng: &mut Engine,
    cx: &Cx,
    connection_id: &str,
    kind: VifType,
    owner: &str,
    spec: VifSpec,
) -> Result<Draft, ApiError> {
    let conn = super::ports::vif_port(eng, cx, connection_id)?;
    let name_len = spec.name.chars().count();
    if name_len == 0 || name_len > 100 {
        return Err(ApiError::client(format!(
            "Virtual interface name must be 1 to 100 characters (got {name_len})"
        )));
    }
    if !(1..=4094).contains(&spec.vlan) {
        return Err(ApiError::client(format!(
            "VLAN {} is out of range: it must be between 1 and 4094",
            spec.vlan
        )));
    }
    if let Some(other) = eng
        .state
        .live_vifs_on(connection_id)
        .find(|v| v.vlan == spec.vlan)
    {
        return Err(ApiError::client(format!(
            "VLAN {} is already in use on {connection_id} by virtual interface {}",
            spec.vlan, other.id
        )));
    }
    if let Some(vlan) = conn.hosted_vlan {
        if spec.vlan != vlan {
            return Err(ApiError::client(format!(
                "VLAN {} does not match VLAN {vlan} of hosted connection {connection_id}",
                spec.vlan
            )));
        }
        let limit = eng.config.quotas.vifs_per_hosted_connection;
        if eng.state.live_vifs_on(connection_id).count() >= limit {
            return Err(ApiError::client(format!(
                "Exceeded the maximum number of virtual interfaces ({limit}) on hosted connection {connection_id}"
            )));
        }
    }
    let asn = resolve_asn(spec.asn, spec.asn_long)?;
    if let Some(k) = &spec.auth_key {
        let n = k.chars().count();
        if !(6..=80).contains(&n) {
            return Err(ApiError::client(format!(
                "BGP authentication key must be 6 to 80 characters (got {n})"
            )));
        }
    }
    let mtu = spec.mtu.unwrap_or(1500);
    let jumbo = match kind {
        VifType::Private => 9001,
        VifType::Transit => 8500,
        VifType::Public => 1500,
    };
    if mtu != 1500 && mtu != jumbo {
        return Err(ApiError::client(format!(
            "MTU {mtu} is not valid for a {} virtual interface: use 1500 or {jumbo}",
            kind.as_str()
        )));
    }
    let transit = kind == VifType::Transit;
    let quota = if transit {
        eng.config.quotas.transit_vifs_per_connection
    } else {
        eng.config.quotas.private_public_vifs_per_connection
    };
    let count = eng
        .state
        .live_vifs_on(connection_id)
        .filter(|v| (v.kind == VifType::Transit) == transit)
        .count();
    if count >= quota {
        let what = if transit {
            "transit virtual interfaces"
        } else {
            "virtual interfaces"
        };
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of {what} ({quota}) on connection {connection_id}"
        )));
    }
    if let Some(r) = &spec.rate_limit {
        let (Some(limit), Some(port)) = (mbps(r), mbps(&conn.bandwidth)) else {
            return Err(ApiError::client(format!(
                "Rate limit {r} is not a valid bandwidth"
            )));
        };
        if limit > port {
            return Err(ApiError::client(format!(
                "Rate limit {r} exceeds the bandwidth {} of {connection_id}",
                conn.bandwidth
            )));
        }
    }
    let tags = spec.tags.unwrap_or_default();
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    let family = spec.address_family.unwrap_or(AddressFamily::Ipv4);
    let (amazon, customer) = assign_addresses(
        eng,
        connection_id,
        kind,
        family,
        spec.amazon_address.as_deref(),
        spec.customer_address.as_deref(),
    )?;

    let auth_key = spec.auth_key.unwrap_or_else(|| eng.ids.auth_key());
    let peer = BgpPeer {
        id: eng.ids.dx("dxpeer"),
        asn,
        auth_key,
        family,
        amazon_address: amazon,
        customer_address: customer,
        state: BGPPeerState::Pending,
        status: BGPStatus::Down,
        forced_down: false,
        aws_device_v2: conn.aws_device.clone(),
        aws_logical_device_id: conn.aws_logical_device_id.clone(),
    };
    let vif = Vif {
        id: eng.ids.dx("dxvif"),
        owner: owner.to_string(),
        connection_owner: conn.owner.clone(),
        connection_id: conn.id.clone(),
        region: conn.region.clone(),
        location: conn.location.clone(),
        kind,
        name: spec.name,
        vlan: spec.vlan,
        amazon_side_asn: PLACEHOLDER_AMAZON_ASN,
        mtu,
        jumbo_frame_capable: true,
        state: VirtualInterfaceState::Confirming,
        virtual_gateway_id: String::new(),
        direct_connect_gateway_id: String::new(),
        route_filter_prefixes: Vec::new(),
        peers: vec![peer],
        tags,
        site_link_enabled: false,
        aws_device_v2: conn.aws_device.clone(),
        aws_logical_device_id: conn.aws_logical_device_id.clone(),
        rate_limit: spec.rate_limit,
        deleted_at: None,
        running_test: None,
        customer_routes: Vec::new(),
    };
    Ok(Draft { vif })
}

/// Puts a VIF on its way to `available` and, on a DX gateway, attaches it.
pub(super) fn start_provisioning(eng: &mut Engine, cx: &Cx, vif_id: &str) {
    let at = cx.now + eng.delay(|d| d.vif_pending_to_available);
    eng.timers.schedule(
        at,
        Event::Vif {
            id: vif_id.to_string(),
            from: VirtualInterfaceState::Pending,
            to: VirtualInterfaceState::Available,
        },
    );
}

pub(super) fn attach(eng: &mut Engine, vif: &Vif, gateway_id: &str) {
    eng.state.insert_attachment(Attachment {
        gateway_id: gateway_id.to_string(),
        vif_id: vif.id.clone(),
        vif_region: vif.region.clone(),
        vif_owner: vif.owner.clone(),
        state: DirectConnectGatewayAttachmentState::Attaching,
        kind: match vif.kind {
            VifType::Transit => DirectConnectGatewayAttachmentType::TransitVirtualInterface,
            _ => DirectConnectGatewayAttachmentType::PrivateVirtualInterface,
        },
        event_id: Label::from(attachment_id(gateway_id, &vif.id)),
    });
}

pub(super) fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

pub fn create_private_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: CreatePrivateVirtualInterfaceRequest,
) -> Result<VirtualInterface, ApiError> {
    let n = input.new_private_virtual_interface;
    let (vgw, dxgw) = (
        non_empty(&n.virtual_gateway_id).map(String::from),
        non_empty(&n.direct_connect_gateway_id).map(String::from),
    );
    let site_link = n.enable_site_link.unwrap_or(false);
    let spec = VifSpec {
        name: n.virtual_interface_name,
        vlan: n.vlan,
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
    let owner = cx.caller.account.clone();
    let mut d = draft(
        eng,
        cx,
        &input.connection_id,
        VifType::Private,
        &owner,
        spec,
    )?;
    let target = gateways::private_target(eng, cx, &d.vif.region, vgw.as_deref(), dxgw.as_deref())?;
    if site_link && !matches!(target, GatewayLookup::DirectConnect { .. }) {
        return Err(ApiError::client(
            "SiteLink can only be enabled on a private virtual interface attached to a Direct Connect gateway",
        ));
    }
    d.vif.site_link_enabled = site_link;
    d.vif.state = VirtualInterfaceState::Pending;
    target.apply(&mut d.vif);
    let out = to_api(&d.vif);
    if let GatewayLookup::DirectConnect { id, .. } = &target {
        attach(eng, &d.vif, id);
    }
    let id = d.vif.id.clone();
    eng.state.insert_vif(d.vif);
    start_provisioning(eng, cx, &id);
    Ok(out)
}

pub fn allocate_private_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: AllocatePrivateVirtualInterfaceRequest,
) -> Result<VirtualInterface, ApiError> {
    connections::check_allocation(eng, cx, &input.connection_id, &input.owner_account)?;
    let n = input.new_private_virtual_interface_allocation;
    let spec = VifSpec {
        name: n.virtual_interface_name,
        vlan: n.vlan,
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
    let d = draft(
        eng,
        cx,
        &input.connection_id,
        VifType::Private,
        &input.owner_account,
        spec,
    )?;
    let out = to_api(&d.vif);
    eng.state.insert_vif(d.vif);
    Ok(out)
}

/// The validation error Coral answers for a missing required member.
pub(super) fn missing_member(name: &str) -> ApiError {
    ApiError::client(format!(
        "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
    ))
}

/// Checks 1-6 of the Confirm* tables (operations.md §F): the VIF exists for
/// the caller, belongs to it, has the right type and awaits confirmation.
pub fn confirmable<'a>(
    eng: &'a Engine,
    cx: &Cx,
    id: &str,
    kind: VifType,
) -> Result<&'a Vif, ApiError> {
    if id.is_empty() {
        return Err(missing_member("virtualInterfaceId"));
    }
    if !id.starts_with("dxvif-") || id.len() <= "dxvif-".len() {
        return Err(ApiError::client(format!(
            "Virtual interface ID {id} has an invalid format."
        )));
    }
    let vif = visible(eng, cx, id).ok_or_else(|| not_found(id))?;
    if vif.owner != cx.caller.account {
        return Err(ApiError::client(format!(
            "Virtual interface {id} can only be confirmed by its owner {}",
            vif.owner
        )));
    }
    if vif.kind != kind {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is not a {} virtual interface",
            kind.as_str()
        )));
    }
    if vif.state != VirtualInterfaceState::Confirming {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is not in the confirming state (current state: {})",
            vif.state
        )));
    }
    Ok(vif)
}

pub fn confirm_private_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: ConfirmPrivateVirtualInterfaceRequest,
) -> Result<ConfirmPrivateVirtualInterfaceResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let region = confirmable(eng, cx, id, VifType::Private)?.region.clone();
    let target = gateways::private_target(
        eng,
        cx,
        &region,
        non_empty(&input.virtual_gateway_id),
        non_empty(&input.direct_connect_gateway_id),
    )?;

    let vif = eng.state.vifs.get_mut(id).expect("checked by confirmable");
    target.apply(vif);
    vif.state = VirtualInterfaceState::Pending;
    let snapshot = vif.clone();
    if let GatewayLookup::DirectConnect { id: gw, .. } = &target {
        attach(eng, &snapshot, gw);
    }
    start_provisioning(eng, cx, id);
    Ok(ConfirmPrivateVirtualInterfaceResponse {
        virtual_interface_state: Some(VirtualInterfaceState::Pending),
    })
}

pub fn describe_virtual_interfaces(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeVirtualInterfacesRequest,
) -> Result<VirtualInterfaces, ApiError> {
    let region = &cx.caller.region;
    let account = &cx.caller.account;
    let sees = |v: &&Vif| access::sees_vif(&cx.caller, v);
    let items: Vec<VirtualInterface> = match (&input.virtual_interface_id, &input.connection_id) {
        // Unknown IDs answer an empty list, not an error (operations.md §0.3).
        (Some(id), conn) => visible(eng, cx, id)
            .filter(|v| conn.as_ref().is_none_or(|c| &v.connection_id == c))
            .map(to_api)
            .into_iter()
            .collect(),
        (None, Some(conn)) => eng
            .state
            .vifs_by_connection
            .get(conn)
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.vifs.get(id).map(|v| &**v))
            .filter(sees)
            .map(to_api)
            .collect(),
        (None, None) => eng
            .state
            .vifs_by_viewer
            .get(&scope(account, region))
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.vifs.get(id).map(|v| &**v))
            .map(to_api)
            .collect(),
    };
    let binding = format!(
        "DescribeVirtualInterfaces|{account}|{region}|{}|{}",
        input.virtual_interface_id.as_deref().unwrap_or(""),
        input.connection_id.as_deref().unwrap_or("")
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(VirtualInterfaces {
        virtual_interfaces: Some(page),
        next_token: next,
    })
}

pub fn delete_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteVirtualInterfaceRequest,
) -> Result<DeleteVirtualInterfaceResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let vif = visible(eng, cx, id).ok_or_else(|| not_found(id))?;
    let state = vif.state;
    let by_owner = access::owns_vif(&cx.caller, vif);
    let reply = |s| {
        Ok(DeleteVirtualInterfaceResponse {
            virtual_interface_state: Some(s),
        })
    };
    match state {
        VirtualInterfaceState::Deleted | VirtualInterfaceState::Rejected => {
            return Err(not_found(id))
        }
        // Already on its way out: answer as the first delete did.
        VirtualInterfaceState::Deleting => return reply(state),
        _ => {}
    }
    let retention = eng.retention();
    let deleting_delay = eng.delay(|d| d.vif_deleting_to_deleted);
    let vif = eng.state.vifs.get_mut(id).expect("visible");
    if state == VirtualInterfaceState::Confirming && by_owner {
        // The accepter declines the hosted VIF.
        vif.state = VirtualInterfaceState::Rejected;
        vif.deleted_at = Some(cx.now);
        let conn = vif.connection_id.clone();
        for p in &mut vif.peers {
            p.state = BGPPeerState::Deleted;
        }
        eng.state.retire_vif(&conn, id);
        eng.timers
            .schedule(cx.now + retention, Event::PurgeVif { id: id.to_string() });
        return reply(VirtualInterfaceState::Rejected);
    }
    vif.state = VirtualInterfaceState::Deleting;
    for p in &mut vif.peers {
        p.state = BGPPeerState::Deleting;
    }
    if let Some(a) = eng.state.attachments.get_mut(id) {
        a.state = DirectConnectGatewayAttachmentState::Detaching;
    }
    eng.timers.schedule(
        cx.now + deleting_delay,
        Event::Vif {
            id: id.to_string(),
            from: VirtualInterfaceState::Deleting,
            to: VirtualInterfaceState::Deleted,
        },
    );
    reply(VirtualInterfaceState::Deleting)
}

pub fn update_virtual_interface_attributes(
    eng: &mut Engine,
    cx: &Cx,
    input: dxlocal_model::UpdateVirtualInterfaceAttributesRequest,
) -> Result<VirtualInterface, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let vif = visible(eng, cx, id).ok_or_else(|| not_found(id))?;
    if vif.owner != cx.caller.account {
        return Err(ApiError::client(format!(
            "Only the owner {} of virtual interface {id} can update its attributes",
            vif.owner
        )));
    }
    if !matches!(
        vif.state,
        VirtualInterfaceState::Available
            | VirtualInterfaceState::Down
            | VirtualInterfaceState::Pending
    ) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} cannot be updated in its current state: {}",
            vif.state
        )));
    }
    if let Some(mtu) = input.mtu {
        let jumbo = match vif.kind {
            VifType::Private => 9001,
            VifType::Transit => 8500,
            VifType::Public => 1500,
        };
        if mtu != 1500 && mtu != jumbo {
            return Err(ApiError::client(format!(
                "MTU {mtu} is not valid for a {} virtual interface: use 1500{}",
                vif.kind.as_str(),
                if jumbo == 1500 {
                    String::new()
                } else {
                    format!(" or {jumbo}")
                }
            )));
        }
        if mtu != 1500 && !vif.jumbo_frame_capable {
            return Err(ApiError::client(format!(
                "Connection {} is not jumbo frame capable",
                vif.connection_id
            )));
        }
    }
    if input.enable_site_link == Some(true) {
        let ok = vif.kind == VifType::Transit
            || (vif.kind == VifType::Private && !vif.direct_connect_gateway_id.is_empty());
        if !ok {
            return Err(ApiError::client(format!(
                "SiteLink can only be enabled on transit virtual interfaces and private virtual interfaces attached to a Direct Connect gateway ({id} is not)"
            )));
        }
    }
    if vif.kind == VifType::Public
        && (input.prefix_pool_allocated_count_ipv4.is_some()
            || input.prefix_pool_allocated_count_ipv6.is_some())
    {
        return Err(ApiError::client(
            "Prefix pool allocations do not apply to public virtual interfaces",
        ));
    }
    for count in [
        input.prefix_pool_allocated_count_ipv4,
        input.prefix_pool_allocated_count_ipv6,
    ]
    .into_iter()
    .flatten()
    {
        if count > 100 {
            return Err(ApiError::client(format!(
                "Prefix pool allocation {count} exceeds the unallocated pool (100) of {}",
                vif.connection_id
            )));
        }
    }
    if let Some(name) = &input.virtual_interface_name {
        let n = name.chars().count();
        if n == 0 || n > 100 {
            return Err(ApiError::client(format!(
                "Virtual interface name must be 1 to 100 characters (got {n})"
            )));
        }
    }
    if let Some(r) = &input.rate_limit {
        let bandwidth = eng
            .state
            .connections
            .get(&vif.connection_id)
            .map(|c| c.bandwidth.clone())
            .or_else(|| {
                eng.state
                    .lags
                    .get(&vif.connection_id)
                    .map(|l| l.bandwidth.clone())
            })
            .unwrap_or_default();
        match (mbps(r), mbps(&bandwidth)) {
            (Some(l), Some(p)) if l <= p => {}
            (Some(_), Some(_)) => {
                return Err(ApiError::client(format!(
                    "Rate limit {r} exceeds the bandwidth {bandwidth} of {}",
                    vif.connection_id
                )))
            }
            _ => {
                return Err(ApiError::client(format!(
                    "Rate limit {r} is not a valid bandwidth"
                )))
            }
        }
    }
    let delay = eng.delay(|d| d.vif_pending_to_available);
    let vif = eng.state.vifs.get_mut(id).expect("visible");
    let mut reprovision = false;
    if let Some(mtu) = input.mtu {
        // An MTU change is applied by the device: pending until done (user guide).
        reprovision = mtu != vif.mtu && vif.state != VirtualInterfaceState::Pending;
        vif.mtu = mtu;
    }
    if let Some(s) = input.enable_site_link {
        vif.site_link_enabled = s;
    }
    if let Some(name) = input.virtual_interface_name {
        vif.name = name;
    }
    if input.rate_limit.is_some() {
        vif.rate_limit = input.rate_limit;
    }
    if reprovision {
        vif.state = VirtualInterfaceState::Pending;
    }
    let out = to_api(vif);
    if reprovision {
        eng.timers.schedule(
            cx.now + delay,
            Event::Vif {
                id: id.to_string(),
                from: VirtualInterfaceState::Pending,
                to: VirtualInterfaceState::Available,
            },
        );
    }
    Ok(out)
}

pub fn associate_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: dxlocal_model::AssociateVirtualInterfaceRequest,
) -> Result<VirtualInterface, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let target_id = input.connection_id.as_str();
    let vif = visible(eng, cx, id).ok_or_else(|| not_found(id))?.clone();
    // The caller must own the VIF or its current connection, and the target.
    let target = super::ports::vif_port(eng, cx, target_id)?;
    // Hosted connections carry one VIF on the partner's VLAN: move the
    // hosted connection instead (operations.md §F).
    if target.hosted_vlan.is_some() {
        return Err(ApiError::client(format!(
            "Virtual interfaces cannot be moved onto hosted connection {target_id}"
        )));
    }
    if vif.connection_id.starts_with("dxcon-")
        && eng
            .state
            .connections
            .get(&vif.connection_id)
            .is_some_and(|c| matches!(c.kind, crate::state::ConnKind::Hosted { .. }))
    {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is on a hosted connection; move the hosted connection instead"
        )));
    }
    if !vif.is_live() || vif.state == VirtualInterfaceState::Deleting {
        return Err(not_found(id));
    }
    // [choice] an unconfirmed hosted VIF stays where it was allocated: moved,
    // it would provision without a gateway and could never be confirmed.
    if vif.state == VirtualInterfaceState::Confirming {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is awaiting confirmation by {} and cannot be moved",
            vif.owner
        )));
    }
    if vif.connection_id == target_id {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is already on {target_id}"
        )));
    }
    if target.region != vif.region {
        return Err(ApiError::client(format!(
            "Virtual interface {id} cannot move to {target_id} in another region"
        )));
    }
    if let Some(other) = eng
        .state
        .live_vifs_on(target_id)
        .find(|v| v.vlan == vif.vlan)
    {
        return Err(ApiError::client(format!(
            "VLAN {} is already in use on {target_id} by virtual interface {}",
            vif.vlan, other.id
        )));
    }
    let in_use = addresses_in_use(&eng.state, target_id);
    if let Some(p) = vif.peers.iter().find(|p| {
        p.state != BGPPeerState::Deleted
            && (in_use.contains(&p.amazon_address.as_str())
                || in_use.contains(&p.customer_address.as_str()))
    }) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} has a conflicting IP address on {target_id}: {}",
            p.customer_address
        )));
    }
    let delay = eng.delay(|d| d.vif_pending_to_available);
    let peer_delay = eng.delay(|d| d.vif_deleting_to_deleted);
    let mut moved = vif;
    // Migration replaces the BGP sessions: old peers go, new ones come with
    // the same addresses and keys (observed).
    let mut new_peers = Vec::new();
    let mut old_ids = Vec::new();
    for p in moved
        .peers
        .iter_mut()
        .filter(|p| p.state != BGPPeerState::Deleted)
    {
        if p.state != BGPPeerState::Deleting {
            let mut fresh = p.clone();
            fresh.id = eng.ids.dx("dxpeer");
            fresh.state = BGPPeerState::Pending;
            fresh.status = BGPStatus::Down;
            fresh.aws_device_v2 = target.aws_device.clone();
            fresh.aws_logical_device_id = target.aws_logical_device_id.clone();
            new_peers.push(fresh);
        }
        p.state = BGPPeerState::Deleting;
        old_ids.push(p.id.clone());
    }
    moved.peers.extend(new_peers);
    moved.connection_id = target.id.clone();
    moved.connection_owner = target.owner.clone();
    moved.location = target.location.clone();
    moved.aws_device_v2 = target.aws_device.clone();
    moved.aws_logical_device_id = target.aws_logical_device_id.clone();
    moved.state = VirtualInterfaceState::Pending;
    let out = to_api(&moved);
    eng.state.remove_vif_keep_attachment(id);
    eng.state.insert_vif(moved);
    for peer_id in old_ids {
        eng.timers.schedule(
            cx.now + peer_delay,
            Event::Peer {
                vif_id: id.to_string(),
                peer_id,
                from: BGPPeerState::Deleting,
                to: BGPPeerState::Deleted,
            },
        );
    }
    eng.timers.schedule(
        cx.now + delay,
        Event::Vif {
            id: id.to_string(),
            from: VirtualInterfaceState::Pending,
            to: VirtualInterfaceState::Available,
        },
    );
    Ok(out)
}
