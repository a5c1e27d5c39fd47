//! Public virtual interfaces: create, allocate, confirm. They reach AWS
//! public prefixes, need customer-owned public addresses, and pass through
//! `verifying` while AWS checks prefix and ASN ownership.

use super::connections;
use super::vifs::{self, confirmable, draft, to_api, VifSpec};
use crate::state::{Vif, VifType};
use crate::timers::Event;
use crate::{Cx, Engine};
use dxlocal_model::{
    AddressFamily, AllocatePublicVirtualInterfaceRequest, ApiError, BGPPeerState,
    ConfirmPublicVirtualInterfaceRequest, ConfirmPublicVirtualInterfaceResponse,
    CreatePublicVirtualInterfaceRequest, RouteFilterPrefix, VirtualInterface,
    VirtualInterfaceState,
};
use std::net::{Ipv4Addr, Ipv6Addr};

/// AWS's own Amazon-side ASN on public VIFs (observed).
const PUBLIC_AMAZON_ASN: i64 = 7224;

fn private_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || (o[0] == 100 && (64..128).contains(&o[1]))
}

/// The address checks AWS applies to public VIF peers, with the messages
/// real clients have seen (operations.md §0.2).
pub fn check_public_addresses(amazon: &str, customer: &str) -> Result<(), ApiError> {
    let parse = |what: &str, s: &str| {
        vifs::parse_cidr4(s).ok_or_else(|| {
            ApiError::client(format!(
                "{what} {s} is not a valid IPv4 address in CIDR notation"
            ))
        })
    };
    let (a, alen) = parse("amazonAddress", amazon)?;
    let (c, clen) = parse("customerAddress", customer)?;
    for (what, ip) in [("Amazon", a), ("Customer", c)] {
        if private_v4(ip) {
            return Err(ApiError::client(format!(
                "{what} Address is not allowed to contain a private IP"
            )));
        }
    }
    let mask = |len: u8| {
        if len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(len))
        }
    };
    if alen != clen || u32::from(a) & mask(alen) != u32::from(c) & mask(clen) {
        return Err(ApiError::client(
            "Amazon Address and Customer Address must be in the same CIDR",
        ));
    }
    // /31 and /32 have no network or broadcast address (RFC 3021).
    if alen <= 30 {
        for (what, ip) in [("Amazon", a), ("Customer", c)] {
            let host = u32::from(ip) & !mask(alen);
            if host == 0 {
                return Err(ApiError::client(format!(
                    "{what} Address is address 0 on its subnet."
                )));
            }
            if host == !mask(alen) {
                return Err(ApiError::client(format!(
                    "{what} Address is the broadcast address on its subnet."
                )));
            }
        }
    }
    Ok(())
}

/// Route filter prefixes: 1 to 1,000 public prefixes; IPv6 ones /64 or shorter.
fn check_prefixes(
    prefixes: &[RouteFilterPrefix],
    family: AddressFamily,
) -> Result<Vec<String>, ApiError> {
    if prefixes.is_empty() || prefixes.len() > 1000 {
        return Err(ApiError::client(format!(
            "A public virtual interface needs 1 to 1000 route filter prefixes (got {})",
            prefixes.len()
        )));
    }
    let mut out = Vec::with_capacity(prefixes.len());
    for p in prefixes {
        let cidr = p.cidr.clone().unwrap_or_default();
        let valid = match cidr.split_once('/') {
            Some((ip, len)) => match (
                ip.parse::<Ipv4Addr>(),
                ip.parse::<Ipv6Addr>(),
                len.parse::<u8>(),
            ) {
                (Ok(v4), _, Ok(l)) if l <= 32 && family == AddressFamily::Ipv4 => {
                    if private_v4(v4) {
                        return Err(ApiError::client(format!(
                            "Route filter prefix {cidr} is not a public prefix"
                        )));
                    }
                    true
                }
                (_, Ok(_), Ok(l)) if family == AddressFamily::Ipv6 => {
                    if l > 64 {
                        return Err(ApiError::client(format!(
                            "Route filter prefix {cidr} is too specific: IPv6 prefixes must be /64 or shorter"
                        )));
                    }
                    true
                }
                _ => false,
            },
            None => false,
        };
        if !valid {
            return Err(ApiError::client(format!(
                "Route filter prefix {cidr} is not a valid {} CIDR",
                family.as_str()
            )));
        }
        out.push(cidr);
    }
    Ok(out)
}

fn private_asn(asn: i64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

/// Starts AWS's verification: a private or allow-listed ASN passes after
/// the verification delay; any other stays `verifying` (AWS would hold it
/// for manual review).
fn start_verification(eng: &mut Engine, cx: &Cx, vif: &Vif) {
    let asn = vif.peers.first().map_or(0, |p| p.asn);
    if private_asn(asn) || eng.config.public_asn_allowlist.contains(&asn) {
        let at = cx.now + eng.delay(|d| d.vif_verifying_to_pending);
        eng.timers.schedule(
            at,
            Event::Vif {
                id: vif.id.clone(),
                from: VirtualInterfaceState::Verifying,
                to: VirtualInterfaceState::Pending,
            },
        );
    }
}

fn public_draft(
    eng: &mut Engine,
    cx: &Cx,
    connection_id: &str,
    owner: &str,
    spec: VifSpec,
    prefixes: Option<Vec<RouteFilterPrefix>>,
) -> Result<Vif, ApiError> {
    let family = spec.address_family.unwrap_or(AddressFamily::Ipv4);
    let prefixes = check_prefixes(&prefixes.unwrap_or_default(), family)?;
    let mut vif = draft(eng, cx, connection_id, VifType::Public, owner, spec)?.vif;
    vif.route_filter_prefixes = prefixes;
    vif.amazon_side_asn = PUBLIC_AMAZON_ASN;
    Ok(vif)
}

pub fn create_public_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: CreatePublicVirtualInterfaceRequest,
) -> Result<VirtualInterface, ApiError> {
    let n = input.new_public_virtual_interface;
    let spec = VifSpec {
        name: n.virtual_interface_name,
        vlan: n.vlan,
        asn: n.asn,
        asn_long: n.asn_long,
        mtu: None,
        auth_key: n.auth_key,
        amazon_address: n.amazon_address,
        customer_address: n.customer_address,
        address_family: n.address_family,
        tags: n.tags,
        rate_limit: n.rate_limit,
    };
    let owner = cx.caller.account.clone();
    let mut vif = public_draft(
        eng,
        cx,
        &input.connection_id,
        &owner,
        spec,
        n.route_filter_prefixes,
    )?;
    vif.state = VirtualInterfaceState::Verifying;
    for p in &mut vif.peers {
        p.state = BGPPeerState::Verifying;
    }
    let out = to_api(&vif);
    start_verification(eng, cx, &vif);
    eng.state.insert_vif(vif);
    Ok(out)
}

pub fn allocate_public_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: AllocatePublicVirtualInterfaceRequest,
) -> Result<VirtualInterface, ApiError> {
    connections::check_allocation(eng, cx, &input.connection_id, &input.owner_account)?;
    let n = input.new_public_virtual_interface_allocation;
    let spec = VifSpec {
        name: n.virtual_interface_name,
        vlan: n.vlan,
        asn: n.asn,
        asn_long: n.asn_long,
        mtu: None,
        auth_key: n.auth_key,
        amazon_address: n.amazon_address,
        customer_address: n.customer_address,
        address_family: n.address_family,
        tags: n.tags,
        rate_limit: n.rate_limit,
    };
    let vif = public_draft(
        eng,
        cx,
        &input.connection_id,
        &input.owner_account,
        spec,
        n.route_filter_prefixes,
    )?;
    let out = to_api(&vif);
    eng.state.insert_vif(vif);
    Ok(out)
}

pub fn confirm_public_virtual_interface(
    eng: &mut Engine,
    cx: &Cx,
    input: ConfirmPublicVirtualInterfaceRequest,
) -> Result<ConfirmPublicVirtualInterfaceResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    confirmable(eng, cx, id, VifType::Public)?;
    let vif = eng.state.vifs.get_mut(id).expect("checked by confirmable");
    vif.state = VirtualInterfaceState::Verifying;
    for p in &mut vif.peers {
        p.state = BGPPeerState::Verifying;
    }
    let snapshot = vif.clone();
    start_verification(eng, cx, &snapshot);
    Ok(ConfirmPublicVirtualInterfaceResponse {
        virtual_interface_state: Some(VirtualInterfaceState::Verifying),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_address_rules_use_the_observed_messages() {
        let msg = |a, c| check_public_addresses(a, c).unwrap_err().message;
        assert_eq!(
            msg("10.0.0.1/30", "10.0.0.2/30"),
            "Amazon Address is not allowed to contain a private IP"
        );
        assert_eq!(
            msg("203.0.113.1/30", "198.51.100.2/30"),
            "Amazon Address and Customer Address must be in the same CIDR"
        );
        assert_eq!(
            msg("203.0.113.0/30", "203.0.113.2/30"),
            "Amazon Address is address 0 on its subnet."
        );
        assert_eq!(
            msg("203.0.113.3/30", "203.0.113.2/30"),
            "Amazon Address is the broadcast address on its subnet."
        );
        assert!(check_public_addresses("203.0.113.1/30", "203.0.113.2/30").is_ok());
        assert!(check_public_addresses("203.0.113.0/31", "203.0.113.1/31").is_ok());
    }
}
