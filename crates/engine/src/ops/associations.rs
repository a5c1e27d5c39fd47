//! Direct Connect gateway associations (to VGWs and TGWs) and the
//! cross-account proposals that create them.

use super::paginate;
use crate::state::{Association, Proposal};
use crate::timers::Event;
use crate::{access, Cx, Engine};
use dxlocal_model::ec2::VpnState;
use dxlocal_model::{
    AcceptDirectConnectGatewayAssociationProposalRequest,
    AcceptDirectConnectGatewayAssociationProposalResult, ApiError, AssociatedGateway,
    CreateDirectConnectGatewayAssociationProposalRequest,
    CreateDirectConnectGatewayAssociationProposalResult,
    CreateDirectConnectGatewayAssociationRequest, CreateDirectConnectGatewayAssociationResult,
    DeleteDirectConnectGatewayAssociationProposalRequest,
    DeleteDirectConnectGatewayAssociationProposalResult,
    DeleteDirectConnectGatewayAssociationRequest, DeleteDirectConnectGatewayAssociationResult,
    DescribeDirectConnectGatewayAssociationProposalsRequest,
    DescribeDirectConnectGatewayAssociationProposalsResult,
    DescribeDirectConnectGatewayAssociationsRequest,
    DescribeDirectConnectGatewayAssociationsResult, DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociationProposal,
    DirectConnectGatewayAssociationProposalState as ProposalState,
    DirectConnectGatewayAssociationState as AssocState, DirectConnectGatewayAttachmentType,
    DirectConnectGatewayState, GatewayType, RouteFilterPrefix,
    UpdateDirectConnectGatewayAssociationRequest, UpdateDirectConnectGatewayAssociationResult,
};
use std::net::Ipv4Addr;

fn prefixes(list: &[String]) -> Vec<RouteFilterPrefix> {
    list.iter()
        .map(|c| RouteFilterPrefix {
            cidr: Some(c.clone()),
        })
        .collect()
}

fn cidrs(list: Option<Vec<RouteFilterPrefix>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.cidr)
        .collect()
}

pub fn to_api(a: &Association) -> DirectConnectGatewayAssociation {
    let vgw = a.associated_type == GatewayType::VirtualPrivateGateway;
    DirectConnectGatewayAssociation {
        direct_connect_gateway_id: Some(a.gateway_id.clone()),
        direct_connect_gateway_owner_account: Some(a.gateway_owner.clone()),
        association_state: Some(a.state),
        state_change_error: a.state_change_error.clone(),
        associated_gateway: Some(AssociatedGateway {
            id: Some(a.associated_id.clone()),
            r#type: Some(a.associated_type),
            owner_account: Some(a.associated_owner.clone()),
            region: Some(a.associated_region.clone()),
        }),
        association_id: Some(a.id.clone()),
        allowed_prefixes_to_direct_connect_gateway: Some(prefixes(&a.allowed_prefixes)),
        associated_core_network: None,
        // The legacy trio is only on VGW associations (resources.md §9).
        virtual_gateway_id: vgw.then(|| a.associated_id.clone()),
        virtual_gateway_region: vgw.then(|| a.associated_region.clone()),
        virtual_gateway_owner_account: vgw.then(|| a.associated_owner.clone()),
    }
}

pub(crate) fn proposal_to_api(p: &Proposal) -> DirectConnectGatewayAssociationProposal {
    DirectConnectGatewayAssociationProposal {
        proposal_id: Some(p.id.clone()),
        direct_connect_gateway_id: Some(p.gateway_id.clone()),
        direct_connect_gateway_owner_account: Some(p.gateway_owner.clone()),
        proposal_state: Some(p.state),
        associated_gateway: Some(AssociatedGateway {
            id: Some(p.associated_id.clone()),
            r#type: Some(p.associated_type),
            owner_account: Some(p.proposer.clone()),
            region: Some(p.associated_region.clone()),
        }),
        existing_allowed_prefixes_to_direct_connect_gateway: p
            .existing_prefixes
            .as_deref()
            .map(prefixes),
        requested_allowed_prefixes_to_direct_connect_gateway: Some(prefixes(&p.requested_prefixes)),
    }
}

/// The VGW or TGW on the far side of an association, as found in EC2.
struct Far {
    id: String,
    kind: GatewayType,
    owner: String,
    region: String,
    asn: i64,
    /// VGW: the CIDRs of its VPC (default allowed prefixes).
    vpc_cidrs: Vec<String>,
}

/// Finds the VGW/TGW `id` of `owner` in `region` - the caller's region:
/// gateways are looked up where the call is made (resources.md §0.1).
fn far_side(eng: &Engine, owner: &str, region: &str, id: &str) -> Result<Far, ApiError> {
    if id.starts_with("vgw-") {
        let gw = eng
            .ec2
            .vpn_gateway(owner, region, id)
            .filter(|g| g.state == VpnState::Available)
            .ok_or_else(|| ApiError::client(format!("The VirtualGateway {id} does not exist.")))?;
        return Ok(Far {
            id: id.to_string(),
            kind: GatewayType::VirtualPrivateGateway,
            owner: owner.to_string(),
            region: region.to_string(),
            asn: gw.amazon_side_asn,
            vpc_cidrs: eng.ec2.attached_vpc_cidrs(owner, region, id),
        });
    }
    if id.starts_with("tgw-") {
        let asn = eng
            .ec2
            .transit_gateway_asn(owner, region, id)
            .ok_or_else(|| ApiError::client(format!("The TransitGateway {id} does not exist.")))?;
        return Ok(Far {
            id: id.to_string(),
            kind: GatewayType::TransitGateway,
            owner: owner.to_string(),
            region: region.to_string(),
            asn,
            vpc_cidrs: Vec::new(),
        });
    }
    Err(ApiError::client(format!(
        "Gateway ID {id} is neither a virtual private gateway nor a transit gateway"
    )))
}

fn parse_v4(cidr: &str) -> Option<(u32, u32)> {
    let (ip, len) = cidr.split_once('/')?;
    let ip: Ipv4Addr = ip.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    if len > 32 {
        return None;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((u32::from(ip) & mask, mask))
}

fn overlaps(a: &str, b: &str) -> bool {
    match (parse_v4(a), parse_v4(b)) {
        (Some((na, ma)), Some((nb, mb))) => {
            let m = ma & mb;
            na & m == nb & m
        }
        _ => a == b,
    }
}

fn check_cidrs(list: &[String]) -> Result<(), ApiError> {
    for c in list {
        let ok = match c.split_once('/') {
            Some((ip, len)) => {
                (ip.parse::<Ipv4Addr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 32))
                    || (ip.parse::<std::net::Ipv6Addr>().is_ok()
                        && len.parse::<u8>().is_ok_and(|l| l <= 128))
            }
            None => false,
        };
        if !ok {
            return Err(ApiError::client(format!(
                "Allowed prefix {c} is not a valid CIDR"
            )));
        }
    }
    Ok(())
}

/// The rules of CreateDirectConnectGatewayAssociation (and of accepting a
/// proposal): no mixing, no overlaps, quotas. `existing` is the association
/// being re-prefixed, if any (it does not conflict with itself).
fn check_association(
    eng: &Engine,
    gateway_id: &str,
    far: &Far,
    allowed: &[String],
    existing: Option<&str>,
) -> Result<(), ApiError> {
    let gw = &eng.state.gateways[gateway_id];
    let others: Vec<&Association> = eng
        .state
        .live_associations_of(gateway_id)
        .filter(|a| Some(a.id.as_str()) != existing)
        .collect();
    let attached: Vec<_> = eng.state.live_attachments_of(gateway_id).collect();
    let q = &eng.config.quotas;
    match far.kind {
        GatewayType::VirtualPrivateGateway => {
            if far.vpc_cidrs.is_empty() {
                return Err(ApiError::client(format!(
                    "The VirtualGateway {} is not attached to a VPC",
                    far.id
                )));
            }
            if existing.is_none() {
                if let Some(a) = eng.state.live_associations_with(&far.id).next() {
                    return Err(ApiError::client(format!(
                        "The VirtualGateway {} is already associated with Direct Connect Gateway {}",
                        far.id, a.gateway_id
                    )));
                }
            }
            if others
                .iter()
                .any(|a| a.associated_type == GatewayType::TransitGateway)
                || attached
                    .iter()
                    .any(|a| a.kind == DirectConnectGatewayAttachmentType::TransitVirtualInterface)
            {
                return Err(ApiError::client(format!(
                    "Direct Connect Gateway {gateway_id} is used with transit gateways; it cannot also be associated with a virtual private gateway"
                )));
            }
            let vgws = others
                .iter()
                .filter(|a| a.associated_type == GatewayType::VirtualPrivateGateway)
                .count();
            if vgws >= q.vgws_per_gateway {
                return Err(ApiError::client(format!(
                    "Exceeded the maximum number of virtual private gateways ({}) associated with Direct Connect Gateway {gateway_id}",
                    q.vgws_per_gateway
                )));
            }
            for a in others
                .iter()
                .filter(|a| a.associated_type == GatewayType::VirtualPrivateGateway)
            {
                let theirs = eng.ec2.attached_vpc_cidrs(
                    &a.associated_owner,
                    &a.associated_region,
                    &a.associated_id,
                );
                if let Some((x, y)) = far
                    .vpc_cidrs
                    .iter()
                    .flat_map(|x| theirs.iter().map(move |y| (x, y)))
                    .find(|(x, y)| overlaps(x, y))
                {
                    return Err(ApiError::client(format!(
                        "The VPC CIDR {x} of {} overlaps {y} of {} already associated with Direct Connect Gateway {gateway_id}",
                        far.id, a.associated_id
                    )));
                }
            }
        }
        GatewayType::TransitGateway => {
            if others
                .iter()
                .any(|a| a.associated_type == GatewayType::VirtualPrivateGateway)
                || attached
                    .iter()
                    .any(|a| a.kind == DirectConnectGatewayAttachmentType::PrivateVirtualInterface)
            {
                return Err(ApiError::client(format!(
                    "Direct Connect Gateway {gateway_id} has virtual private gateway associations or private virtual interfaces; it cannot be associated with a transit gateway"
                )));
            }
            if allowed.is_empty() {
                return Err(ApiError::client(format!(
                    "addAllowedPrefixesToDirectConnectGateway is required to associate transit gateway {} with Direct Connect Gateway {gateway_id}",
                    far.id
                )));
            }
            if far.asn == gw.amazon_side_asn {
                return Err(ApiError::client(format!(
                    "The transit gateway {} uses ASN {}, the same as Direct Connect Gateway {gateway_id}; the ASNs must differ",
                    far.id, far.asn
                )));
            }
            let tgws = others
                .iter()
                .filter(|a| a.associated_type == GatewayType::TransitGateway)
                .count();
            if tgws >= q.tgws_per_gateway {
                return Err(ApiError::client(format!(
                    "Exceeded the maximum number of transit gateways ({}) associated with Direct Connect Gateway {gateway_id}",
                    q.tgws_per_gateway
                )));
            }
            if existing.is_none() {
                let dxgws = eng.state.live_associations_with(&far.id).count();
                if dxgws >= q.gateways_per_tgw {
                    return Err(ApiError::client(format!(
                        "Exceeded the maximum number of Direct Connect gateways ({}) associated with transit gateway {}",
                        q.gateways_per_tgw, far.id
                    )));
                }
            }
            for a in others
                .iter()
                .filter(|a| a.associated_type == GatewayType::TransitGateway)
            {
                if let Some((x, y)) = allowed
                    .iter()
                    .flat_map(|x| a.allowed_prefixes.iter().map(move |y| (x, y)))
                    .find(|(x, y)| overlaps(x, y))
                {
                    return Err(ApiError::client(format!(
                        "The allowed routes {x} overlap existing allowed routes {y} of transit gateway {} on Direct Connect Gateway {gateway_id}",
                        a.associated_id
                    )));
                }
            }
        }
    }
    if existing.is_none() {
        if let Some(dup) = others.iter().find(|a| a.associated_id == far.id) {
            return Err(ApiError::client(format!(
                "Direct Connect Gateway {gateway_id} is already associated with {} ({})",
                far.id, dup.id
            )));
        }
    }
    Ok(())
}

fn gateway_not_found(id: &str) -> ApiError {
    ApiError::client(format!("Direct Connect Gateway {id} does not exist"))
}

/// A DX gateway the caller owns that can take associations.
fn owned_gateway(eng: &Engine, cx: &Cx, id: &str) -> Result<(), ApiError> {
    eng.state
        .gateways
        .get(id)
        .filter(|g| {
            access::owns_global(&cx.caller, &g.owner)
                && g.state == DirectConnectGatewayState::Available
        })
        .map(|_| ())
        .ok_or_else(|| gateway_not_found(id))
}

/// Stores a new association in `associating` and schedules `associated`;
/// a TGW association also gets its EC2 attachment.
fn associate(
    eng: &mut Engine,
    cx: &Cx,
    gateway_id: &str,
    far: Far,
    allowed: Vec<String>,
) -> DirectConnectGatewayAssociation {
    let owner = eng.state.gateways[gateway_id].owner.clone();
    let id = eng.ids.uuid();
    let tgw_attachment_id = (far.kind == GatewayType::TransitGateway).then(|| {
        let rng = eng.ids.rng();
        eng.ec2.attach_direct_connect_gateway(
            &far.owner,
            &far.region,
            &far.id,
            gateway_id,
            &owner,
            cx.now,
            rng,
        )
    });
    let a = Association {
        id: id.clone(),
        gateway_id: gateway_id.to_string(),
        gateway_owner: owner,
        associated_id: far.id,
        associated_type: far.kind,
        associated_owner: far.owner,
        associated_region: far.region,
        state: AssocState::Associating,
        state_change_error: None,
        allowed_prefixes: allowed,
        tgw_attachment_id,
    };
    let out = to_api(&a);
    eng.state.insert_association(a);
    let at = cx.now + eng.delay(|d| d.association_change);
    eng.timers.schedule(
        at,
        Event::Association {
            id,
            from: AssocState::Associating,
            to: AssocState::Associated,
        },
    );
    out
}

pub fn create_direct_connect_gateway_association(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateDirectConnectGatewayAssociationRequest,
) -> Result<CreateDirectConnectGatewayAssociationResult, ApiError> {
    let gateway_id = input.direct_connect_gateway_id.as_str();
    let target = match (
        input.gateway_id.as_deref().filter(|s| !s.is_empty()),
        input
            .virtual_gateway_id
            .as_deref()
            .filter(|s| !s.is_empty()),
    ) {
        (None, None) => {
            return Err(ApiError::client(
                "Either gatewayId or virtualGatewayId must be specified",
            ))
        }
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::client(format!(
                "gatewayId {a} and virtualGatewayId {b} name different gateways; specify one"
            )))
        }
        (Some(a), _) | (None, Some(a)) => a.to_string(),
    };
    owned_gateway(eng, cx, gateway_id)?;
    let far = far_side(eng, &cx.caller.account, &cx.caller.region, &target)?;
    let mut allowed = cidrs(input.add_allowed_prefixes_to_direct_connect_gateway);
    check_cidrs(&allowed)?;
    if allowed.is_empty() && far.kind == GatewayType::VirtualPrivateGateway {
        // Default: the VPC's CIDRs (Terraform's tests expect exactly that).
        allowed = far.vpc_cidrs.clone();
    }
    check_association(eng, gateway_id, &far, &allowed, None)?;
    let out = associate(eng, cx, gateway_id, far, allowed);
    Ok(CreateDirectConnectGatewayAssociationResult {
        direct_connect_gateway_association: Some(out),
    })
}

fn sees_association(a: &Association, cx: &Cx) -> bool {
    access::association_party(&cx.caller, a)
}

fn valid_uuid(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

pub fn describe_direct_connect_gateway_associations(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeDirectConnectGatewayAssociationsRequest,
) -> Result<DescribeDirectConnectGatewayAssociationsResult, ApiError> {
    let account = &cx.caller.account;
    if let Some(id) = &input.association_id {
        if !valid_uuid(id) {
            return Err(ApiError::client(format!(
                "Association ID {id} has an invalid format."
            )));
        }
    }
    let associated = input
        .associated_gateway_id
        .as_deref()
        .or(input.virtual_gateway_id.as_deref());
    let candidates: Vec<&String> = match (&input.association_id, &input.direct_connect_gateway_id, associated) {
        (Some(id), _, _) => eng.state.associations.get_key_value(id).map(|(k, _)| k).into_iter().collect(),
        (None, Some(gw), _) => eng.state.associations_by_gateway.get(gw).into_iter().flatten().collect(),
        (None, None, Some(g)) => eng.state.associations_by_associated.get(g).into_iter().flatten().collect(),
        (None, None, None) => {
            return Err(ApiError::client(
                "Specify at least one of associationId, directConnectGatewayId, associatedGatewayId or virtualGatewayId",
            ))
        }
    };
    let items: Vec<DirectConnectGatewayAssociation> = candidates
        .into_iter()
        .filter_map(|id| eng.state.associations.get(id))
        .filter(|a| sees_association(a, cx))
        .filter(|a| {
            input
                .direct_connect_gateway_id
                .as_ref()
                .is_none_or(|g| &a.gateway_id == g)
        })
        .filter(|a| {
            input
                .associated_gateway_id
                .as_ref()
                .is_none_or(|g| &a.associated_id == g)
        })
        .filter(|a| {
            input
                .virtual_gateway_id
                .as_ref()
                .is_none_or(|g| &a.associated_id == g)
        })
        .map(to_api)
        .collect();
    let binding = format!(
        "DescribeDirectConnectGatewayAssociations|{account}|{:?}|{:?}|{:?}|{:?}",
        input.association_id,
        input.direct_connect_gateway_id,
        input.associated_gateway_id,
        input.virtual_gateway_id
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(DescribeDirectConnectGatewayAssociationsResult {
        direct_connect_gateway_associations: Some(page),
        next_token: next,
    })
}

pub fn update_direct_connect_gateway_association(
    eng: &mut Engine,
    cx: &Cx,
    input: UpdateDirectConnectGatewayAssociationRequest,
) -> Result<UpdateDirectConnectGatewayAssociationResult, ApiError> {
    let id = input.association_id.clone().unwrap_or_default();
    if !valid_uuid(&id) {
        return Err(ApiError::client(format!(
            "Association ID {id} has an invalid format."
        )));
    }
    let a = eng
        .state
        .associations
        .get(&id)
        .filter(|a| a.is_live() && access::association_gateway_owner(&cx.caller, a))
        .ok_or_else(|| {
            ApiError::client(format!(
                "Direct Connect Gateway Association {id} does not exist"
            ))
        })?;
    if a.state != AssocState::Associated {
        return Err(ApiError::client(format!(
            "Direct Connect Gateway Association {id} is in a transitioning state ({})",
            a.state
        )));
    }
    let add = cidrs(input.add_allowed_prefixes_to_direct_connect_gateway);
    let remove = cidrs(input.remove_allowed_prefixes_to_direct_connect_gateway);
    check_cidrs(&add)?;
    check_cidrs(&remove)?;
    // The added prefixes come first, as the CLI example shows.
    let mut allowed: Vec<String> = add
        .iter()
        .filter(|c| !a.allowed_prefixes.contains(c))
        .cloned()
        .collect();
    allowed.extend(
        a.allowed_prefixes
            .iter()
            .filter(|c| !remove.contains(c))
            .cloned(),
    );
    allowed.retain(|c| !remove.contains(c));
    if a.associated_type == GatewayType::TransitGateway {
        if allowed.is_empty() {
            return Err(ApiError::client(format!(
                "Direct Connect Gateway Association {id} with transit gateway {} needs at least one allowed prefix",
                a.associated_id
            )));
        }
        // The ASN was checked when the association was made.
        let far = Far {
            id: a.associated_id.clone(),
            kind: a.associated_type,
            owner: a.associated_owner.clone(),
            region: a.associated_region.clone(),
            asn: i64::MIN,
            vpc_cidrs: Vec::new(),
        };
        let gw = a.gateway_id.clone();
        check_association(eng, &gw, &far, &allowed, Some(&id))?;
    }
    let delay = eng.delay(|d| d.association_change);
    let a = eng.state.associations.get_mut(&id).expect("checked");
    a.allowed_prefixes = allowed;
    a.state = AssocState::Updating;
    let out = to_api(a);
    eng.timers.schedule(
        cx.now + delay,
        Event::Association {
            id,
            from: AssocState::Updating,
            to: AssocState::Associated,
        },
    );
    Ok(UpdateDirectConnectGatewayAssociationResult {
        direct_connect_gateway_association: Some(out),
    })
}

pub fn delete_direct_connect_gateway_association(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteDirectConnectGatewayAssociationRequest,
) -> Result<DeleteDirectConnectGatewayAssociationResult, ApiError> {
    let id = match (
        &input.association_id,
        &input.direct_connect_gateway_id,
        &input.virtual_gateway_id,
    ) {
        (Some(id), _, _) => {
            if !valid_uuid(id) {
                return Err(ApiError::client(format!(
                    "Association ID {id} has an invalid format."
                )));
            }
            id.clone()
        }
        (None, Some(gw), Some(vgw)) => eng
            .state
            .live_associations_of(gw)
            // An association the caller is no party to does not exist for it.
            .find(|a| &a.associated_id == vgw && sees_association(a, cx))
            .map(|a| a.id.clone())
            .ok_or_else(|| {
                ApiError::client(format!("Association between {gw} and {vgw} does not exist"))
            })?,
        _ => {
            return Err(ApiError::client(
                "Specify associationId, or directConnectGatewayId and virtualGatewayId",
            ))
        }
    };
    let a = eng
        .state
        .associations
        .get(&id)
        .filter(|a| a.is_live() && sees_association(a, cx))
        .ok_or_else(|| {
            ApiError::client(format!(
                "Direct Connect Gateway Association {id} does not exist"
            ))
        })?;
    if a.state == AssocState::Disassociating {
        return Ok(DeleteDirectConnectGatewayAssociationResult {
            direct_connect_gateway_association: Some(to_api(a)),
        });
    }
    let delay = eng.delay(|d| d.association_change);
    let a = eng.state.associations.get_mut(&id).expect("checked");
    a.state = AssocState::Disassociating;
    let out = to_api(a);
    if let Some(att) = a.tgw_attachment_id.clone() {
        let (owner, region) = (a.associated_owner.clone(), a.associated_region.clone());
        // The attachment blocks DeleteTransitGateway until the disassociation ends.
        eng.ec2
            .detach_direct_connect_gateway_after(&owner, &region, &att, cx.now, delay);
    }
    eng.timers.schedule(
        cx.now + delay,
        Event::Association {
            id,
            from: AssocState::Disassociating,
            to: AssocState::Disassociated,
        },
    );
    Ok(DeleteDirectConnectGatewayAssociationResult {
        direct_connect_gateway_association: Some(out),
    })
}

pub fn create_direct_connect_gateway_association_proposal(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateDirectConnectGatewayAssociationProposalRequest,
) -> Result<CreateDirectConnectGatewayAssociationProposalResult, ApiError> {
    let account = &cx.caller.account;
    let gateway_id = input.direct_connect_gateway_id.as_str();
    // The owner account must be the gateway's real owner, else the gateway
    // "does not exist" for this caller.
    let gw = eng
        .state
        .gateways
        .get(gateway_id)
        .filter(|g| {
            g.owner == input.direct_connect_gateway_owner_account
                && g.state == DirectConnectGatewayState::Available
        })
        .ok_or_else(|| gateway_not_found(gateway_id))?;
    if access::owns_global(&cx.caller, &gw.owner) {
        return Err(ApiError::client(format!(
            "Direct Connect Gateway {gateway_id} belongs to the caller; use CreateDirectConnectGatewayAssociation"
        )));
    }
    let far = far_side(eng, account, &cx.caller.region, &input.gateway_id)?;
    if far.kind == GatewayType::VirtualPrivateGateway && far.vpc_cidrs.is_empty() {
        return Err(ApiError::client(format!(
            "The VirtualGateway {} is not attached to a VPC",
            far.id
        )));
    }
    let add = cidrs(input.add_allowed_prefixes_to_direct_connect_gateway);
    let remove = cidrs(input.remove_allowed_prefixes_to_direct_connect_gateway);
    check_cidrs(&add)?;
    check_cidrs(&remove)?;
    let existing = eng
        .state
        .live_associations_of(gateway_id)
        .find(|a| a.associated_id == far.id)
        .map(|a| a.allowed_prefixes.clone());
    let p = Proposal {
        id: eng.ids.uuid(),
        gateway_id: gateway_id.to_string(),
        gateway_owner: gw.owner.clone(),
        associated_id: far.id,
        associated_type: far.kind,
        proposer: account.clone(),
        associated_region: far.region,
        state: ProposalState::Requested,
        requested_prefixes: add,
        remove_prefixes: remove,
        existing_prefixes: existing,
    };
    let out = proposal_to_api(&p);
    let expiry = cx.now + eng.config.delays.proposal_expiry;
    eng.timers.schedule(
        expiry,
        Event::Proposal {
            id: p.id.clone(),
            from: ProposalState::Requested,
            to: ProposalState::Deleted,
        },
    );
    eng.state.insert_proposal(p);
    Ok(CreateDirectConnectGatewayAssociationProposalResult {
        direct_connect_gateway_association_proposal: Some(out),
    })
}

fn proposal_not_found(id: &str) -> ApiError {
    ApiError::client(format!(
        "Direct Connect Gateway Association Proposal {id} is not found"
    ))
}

pub fn describe_direct_connect_gateway_association_proposals(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeDirectConnectGatewayAssociationProposalsRequest,
) -> Result<DescribeDirectConnectGatewayAssociationProposalsResult, ApiError> {
    let account = &cx.caller.account;
    let items: Vec<DirectConnectGatewayAssociationProposal> = eng
        .state
        .proposals_by_viewer
        .get(account)
        .into_iter()
        .flatten()
        .filter_map(|id| eng.state.proposals.get(id))
        .filter(|p| input.proposal_id.as_ref().is_none_or(|x| &p.id == x))
        .filter(|p| {
            input
                .direct_connect_gateway_id
                .as_ref()
                .is_none_or(|x| &p.gateway_id == x)
        })
        .filter(|p| {
            input
                .associated_gateway_id
                .as_ref()
                .is_none_or(|x| &p.associated_id == x)
        })
        .map(proposal_to_api)
        .collect();
    let binding = format!(
        "DescribeDirectConnectGatewayAssociationProposals|{account}|{:?}|{:?}|{:?}",
        input.proposal_id, input.direct_connect_gateway_id, input.associated_gateway_id
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(DescribeDirectConnectGatewayAssociationProposalsResult {
        direct_connect_gateway_association_proposals: Some(page),
        next_token: next,
    })
}

pub fn accept_direct_connect_gateway_association_proposal(
    eng: &mut Engine,
    cx: &Cx,
    input: AcceptDirectConnectGatewayAssociationProposalRequest,
) -> Result<AcceptDirectConnectGatewayAssociationProposalResult, ApiError> {
    let gateway_id = input.direct_connect_gateway_id.as_str();
    owned_gateway(eng, cx, gateway_id)?;
    let p = eng
        .state
        .proposals
        .get(&input.proposal_id)
        .filter(|p| p.gateway_id == gateway_id && access::owns_global(&cx.caller, &p.gateway_owner))
        .ok_or_else(|| proposal_not_found(&input.proposal_id))?
        .clone();
    match p.state {
        ProposalState::Accepted => {
            return Err(ApiError::client(format!(
                "Direct Connect Gateway Association Proposal {} has been accepted!",
                p.id
            )))
        }
        ProposalState::Deleted => return Err(proposal_not_found(&p.id)),
        ProposalState::Requested => {}
    }
    if input.associated_gateway_owner_account != p.proposer {
        return Err(ApiError::client(format!(
            "associatedGatewayOwnerAccount {} does not own the gateway of proposal {}",
            input.associated_gateway_owner_account, p.id
        )));
    }
    // The VGW/TGW is looked up in the region of this call (resources.md §0.1).
    let far = far_side(eng, &p.proposer, &cx.caller.region, &p.associated_id)?;
    let over = input
        .override_allowed_prefixes_to_direct_connect_gateway
        .map(|o| cidrs(Some(o)));
    if let Some(o) = &over {
        check_cidrs(o)?;
    }
    let existing = eng
        .state
        .live_associations_of(gateway_id)
        .find(|a| a.associated_id == far.id)
        .map(|a| a.id.clone());
    let out = match existing {
        Some(assoc_id) => {
            // A proposal for an existing association changes its prefixes.
            let current = eng.state.associations[&assoc_id].allowed_prefixes.clone();
            let allowed = over.unwrap_or_else(|| {
                let mut v = p.requested_prefixes.clone();
                v.extend(
                    current
                        .iter()
                        .filter(|c| !p.requested_prefixes.contains(c))
                        .cloned(),
                );
                v.retain(|c| !p.remove_prefixes.contains(c));
                v
            });
            check_association(eng, gateway_id, &far, &allowed, Some(&assoc_id))?;
            let delay = eng.delay(|d| d.association_change);
            let a = eng.state.associations.get_mut(&assoc_id).expect("live");
            a.allowed_prefixes = allowed;
            a.state = AssocState::Updating;
            let out = to_api(a);
            eng.timers.schedule(
                cx.now + delay,
                Event::Association {
                    id: assoc_id,
                    from: AssocState::Updating,
                    to: AssocState::Associated,
                },
            );
            out
        }
        None => {
            let mut allowed = over.unwrap_or_else(|| p.requested_prefixes.clone());
            if allowed.is_empty() && far.kind == GatewayType::VirtualPrivateGateway {
                allowed = far.vpc_cidrs.clone();
            }
            check_association(eng, gateway_id, &far, &allowed, None)?;
            associate(eng, cx, gateway_id, far, allowed)
        }
    };
    let tail = eng.config.delays.proposal_tail;
    if let Some(stored) = eng.state.proposals.get_mut(&p.id) {
        stored.state = ProposalState::Accepted;
        // The proposal's requested list reflects an override (Terraform relies on it).
        if let Some(prefixes) = out.allowed_prefixes_to_direct_connect_gateway.as_ref() {
            stored.requested_prefixes = prefixes.iter().filter_map(|x| x.cidr.clone()).collect();
        }
    }
    eng.timers
        .schedule(cx.now + tail, Event::PurgeProposal { id: p.id });
    Ok(AcceptDirectConnectGatewayAssociationProposalResult {
        direct_connect_gateway_association: Some(out),
    })
}

pub fn delete_direct_connect_gateway_association_proposal(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteDirectConnectGatewayAssociationProposalRequest,
) -> Result<DeleteDirectConnectGatewayAssociationProposalResult, ApiError> {
    let id = input.proposal_id.as_str();
    let p = eng
        .state
        .proposals
        .get(id)
        .filter(|p| access::proposal_party(&cx.caller, p))
        .ok_or_else(|| proposal_not_found(id))?;
    match p.state {
        ProposalState::Deleted => return Err(proposal_not_found(id)),
        ProposalState::Accepted => {
            return Err(ApiError::client(format!(
                "Direct Connect Gateway Association Proposal {id} has been accepted and cannot be deleted; delete the association instead"
            )))
        }
        ProposalState::Requested => {}
    }
    let tail = eng.config.delays.proposal_tail;
    let p = eng.state.proposals.get_mut(id).expect("checked");
    p.state = ProposalState::Deleted;
    let out = proposal_to_api(p);
    eng.timers
        .schedule(cx.now + tail, Event::PurgeProposal { id: id.to_string() });
    Ok(DeleteDirectConnectGatewayAssociationProposalResult {
        direct_connect_gateway_association_proposal: Some(out),
    })
}

/// Starts disassociating every live association of a VGW or TGW (its EC2
/// side went away).
pub fn disassociate_gateway(eng: &mut Engine, associated_id: &str, now: f64) {
    let ids: Vec<String> = eng
        .state
        .live_associations_with(associated_id)
        .filter(|a| a.state != AssocState::Disassociating)
        .map(|a| a.id.clone())
        .collect();
    let delay = eng.delay(|d| d.association_change);
    for id in ids {
        if let Some(a) = eng.state.associations.get_mut(&id) {
            a.state = AssocState::Disassociating;
        }
        eng.timers.schedule(
            now + delay,
            Event::Association {
                id,
                from: AssocState::Disassociating,
                to: AssocState::Disassociated,
            },
        );
    }
}
