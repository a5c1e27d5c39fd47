//! Gateways a VIF lands on: virtual private gateways (read from the EC2
//! side) and Direct Connect gateways (global, owned by one account).

use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::state::{DxGateway, Vif, VifType};
use crate::timers::Event;
use crate::{access, Cx, Engine};
use dxlocal_model::ec2::VpnState;
use dxlocal_model::{
    ApiError, CreateDirectConnectGatewayRequest, CreateDirectConnectGatewayResult,
    DeleteDirectConnectGatewayRequest, DeleteDirectConnectGatewayResult,
    DescribeDirectConnectGatewayAttachmentsRequest, DescribeDirectConnectGatewayAttachmentsResult,
    DescribeDirectConnectGatewaysRequest, DescribeDirectConnectGatewaysResult,
    DirectConnectGateway, DirectConnectGatewayAttachment, DirectConnectGatewayAttachmentType,
    DirectConnectGatewayState, GatewayType, VirtualGateway, VirtualGateways,
};

/// Where a private VIF will land, once every check has passed.
pub enum GatewayLookup {
    Virtual { id: String, asn: i64 },
    DirectConnect { id: String, asn: i64 },
}

impl GatewayLookup {
    /// Points the VIF at the gateway: its ID, and the gateway's ASN as the
    /// VIF's Amazon-side ASN.
    pub fn apply(&self, vif: &mut Vif) {
        match self {
            GatewayLookup::Virtual { id, asn } => {
                vif.virtual_gateway_id = id.clone();
                vif.direct_connect_gateway_id = String::new();
                vif.amazon_side_asn = *asn;
            }
            GatewayLookup::DirectConnect { id, asn } => {
                vif.direct_connect_gateway_id = id.clone();
                vif.virtual_gateway_id = String::new();
                vif.amazon_side_asn = *asn;
            }
        }
    }
}

fn gateway_not_found(id: &str) -> ApiError {
    ApiError::client(format!("Direct Connect Gateway {id} does not exist"))
}

/// Checks 7-13 of the ConfirmPrivateVirtualInterface table (also used by
/// CreatePrivateVirtualInterface): exactly one gateway, owned by the caller,
/// usable by a private VIF in `vif_region`.
pub fn private_target(
    eng: &Engine,
    cx: &Cx,
    vif_region: &str,
    vgw: Option<&str>,
    dxgw: Option<&str>,
) -> Result<GatewayLookup, ApiError> {
    let account = &cx.caller.account;
    match (vgw, dxgw) {
        (None, None) => Err(ApiError::client(
            "Either virtualGatewayId or directConnectGatewayId must be specified",
        )),
        (Some(_), Some(_)) => Err(ApiError::client(
            "Only one of virtualGatewayId and directConnectGatewayId can be specified",
        )),
        (Some(vgw), None) => {
            // A VGW is regional: it must be the caller's, in the VIF's region.
            let gw = eng
                .ec2
                .vpn_gateway(account, vif_region, vgw)
                .ok_or_else(|| {
                    ApiError::client(format!("The VirtualGateway {vgw} does not exist."))
                })?;
            if gw.state != VpnState::Available {
                return Err(ApiError::client(format!(
                    "The VirtualGateway {vgw} is not available"
                )));
            }
            Ok(GatewayLookup::Virtual {
                id: vgw.to_string(),
                asn: gw.amazon_side_asn,
            })
        }
        (None, Some(id)) => landing(eng, cx, id, VifType::Private),
    }
}

pub fn describe_virtual_gateways(eng: &mut Engine, cx: &Cx) -> Result<VirtualGateways, ApiError> {
    let gateways = eng
        .ec2
        .vpn_gateways(&cx.caller.account, &cx.caller.region)
        .map(|g| VirtualGateway {
            virtual_gateway_id: Some(g.vpn_gateway_id.clone()),
            virtual_gateway_state: Some(g.state.as_str().to_string()),
        })
        .collect();
    Ok(VirtualGateways {
        virtual_gateways: Some(gateways),
    })
}

pub(crate) fn attachment_to_api(a: &crate::state::Attachment) -> DirectConnectGatewayAttachment {
    DirectConnectGatewayAttachment {
        direct_connect_gateway_id: Some(a.gateway_id.clone()),
        virtual_interface_id: Some(a.vif_id.clone()),
        virtual_interface_region: Some(a.vif_region.clone()),
        virtual_interface_owner_account: Some(a.vif_owner.clone()),
        attachment_state: Some(a.state),
        attachment_type: Some(a.kind),
        state_change_error: None,
    }
}

pub(crate) fn to_api(g: &DxGateway) -> DirectConnectGateway {
    DirectConnectGateway {
        direct_connect_gateway_id: Some(g.id.clone()),
        direct_connect_gateway_name: Some(g.name.clone()),
        amazon_side_asn: Some(g.amazon_side_asn),
        owner_account: Some(g.owner.clone()),
        direct_connect_gateway_state: Some(g.state),
        state_change_error: g.state_change_error.clone(),
        total_prefix_pool_allocations: Some(0),
        tags: Some(g.tags.clone()),
    }
}

/// Private ASN ranges a DX gateway may use (resources.md §8).
fn valid_gateway_asn(asn: i64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

pub fn create_direct_connect_gateway(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateDirectConnectGatewayRequest,
) -> Result<CreateDirectConnectGatewayResult, ApiError> {
    let account = &cx.caller.account;
    let name_len = input.direct_connect_gateway_name.chars().count();
    if name_len == 0 || name_len > 100 {
        return Err(ApiError::client(format!(
            "Direct Connect gateway name must be 1 to 100 characters (got {name_len})"
        )));
    }
    let asn = input.amazon_side_asn.unwrap_or(64512);
    if !valid_gateway_asn(asn) {
        return Err(ApiError::client(format!(
            "Amazon side ASN {asn} is not valid: use 64512-65534 or 4200000000-4294967294"
        )));
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::ClientOnly,
    )?;
    let limit = eng.config.quotas.gateways_per_account;
    let count = eng.state.gateways_by_owner.get(account).map_or(0, Vec::len);
    if count >= limit {
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of Direct Connect gateways ({limit}) for account {account}"
        )));
    }
    let gw = DxGateway {
        id: eng.ids.uuid(),
        owner: account.clone(),
        name: input.direct_connect_gateway_name,
        amazon_side_asn: asn,
        // [choice] available at once, as the CLI example shows.
        state: DirectConnectGatewayState::Available,
        state_change_error: None,
        tags,
    };
    let out = to_api(&gw);
    eng.state.insert_gateway(gw);
    Ok(CreateDirectConnectGatewayResult {
        direct_connect_gateway: Some(out),
    })
}

pub fn describe_direct_connect_gateways(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeDirectConnectGatewaysRequest,
) -> Result<DescribeDirectConnectGatewaysResult, ApiError> {
    let account = &cx.caller.account;
    let owned = |g: &&DxGateway| access::owns_global(&cx.caller, &g.owner);
    let items: Vec<DirectConnectGateway> = match &input.direct_connect_gateway_id {
        Some(id) => eng
            .state
            .gateways
            .get(id)
            .filter(owned)
            .map(to_api)
            .into_iter()
            .collect(),
        None => eng
            .state
            .gateways_by_owner
            .get(account)
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.gateways.get(id))
            .map(to_api)
            .collect(),
    };
    let binding = format!(
        "DescribeDirectConnectGateways|{account}|{}",
        input.direct_connect_gateway_id.as_deref().unwrap_or("")
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(DescribeDirectConnectGatewaysResult {
        direct_connect_gateways: Some(page),
        next_token: next,
    })
}

pub fn delete_direct_connect_gateway(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteDirectConnectGatewayRequest,
) -> Result<DeleteDirectConnectGatewayResult, ApiError> {
    let id = input.direct_connect_gateway_id.as_str();
    let gw = eng
        .state
        .gateways
        .get(id)
        .filter(|g| {
            access::owns_global(&cx.caller, &g.owner)
                && g.state == DirectConnectGatewayState::Available
        })
        .ok_or_else(|| gateway_not_found(id))?;
    let attached: Vec<&str> = eng
        .state
        .live_attachments_of(id)
        .map(|a| a.vif_id.as_str())
        .collect();
    if !attached.is_empty() {
        return Err(ApiError::client(format!(
            "Direct Connect Gateway {id} has virtual interfaces attached: {}. Delete them first.",
            attached.join(", ")
        )));
    }
    let _ = gw;
    // With associations left AWS accepts the delete, shows `deleting`, and
    // some minutes later puts the gateway back (observed, resources.md §8).
    let reverts = eng.state.live_associations_of(id).next().is_some();
    if reverts && eng.config.gateway_delete_with_associations_fails {
        return Err(ApiError::client(format!(
            "Direct Connect Gateway {id} has associations; delete them first"
        )));
    }
    let delay = if reverts {
        eng.config.delays.gateway_delete_revert
    } else {
        eng.delay(|d| d.gateway_deleting_to_deleted)
    };
    let gw = eng.state.gateways.get_mut(id).expect("checked above");
    gw.state = DirectConnectGatewayState::Deleting;
    gw.state_change_error = None;
    let out = to_api(gw);
    let to = if reverts {
        DirectConnectGatewayState::Available
    } else {
        DirectConnectGatewayState::Deleted
    };
    eng.timers.schedule(
        cx.now + delay,
        Event::Gateway {
            id: id.to_string(),
            from: DirectConnectGatewayState::Deleting,
            to,
        },
    );
    Ok(DeleteDirectConnectGatewayResult {
        direct_connect_gateway: Some(out),
    })
}

pub fn describe_direct_connect_gateway_attachments(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeDirectConnectGatewayAttachmentsRequest,
) -> Result<DescribeDirectConnectGatewayAttachmentsResult, ApiError> {
    let account = &cx.caller.account;
    let gateway = input
        .direct_connect_gateway_id
        .as_deref()
        .filter(|s| !s.is_empty());
    let vif = input
        .virtual_interface_id
        .as_deref()
        .filter(|s| !s.is_empty());
    // [choice] both the gateway owner and the VIF owner see an attachment.
    let sees = |gw_id: &str, vif_owner: &str| {
        access::owns_global(&cx.caller, vif_owner)
            || eng
                .state
                .gateways
                .get(gw_id)
                .is_some_and(|g| access::owns_global(&cx.caller, &g.owner))
    };
    let attachments: Vec<&crate::state::Attachment> = match (gateway, vif) {
        (None, None) => {
            return Err(ApiError::client(
                "Specify directConnectGatewayId, virtualInterfaceId, or both",
            ))
        }
        (Some(gw), v) => eng
            .state
            .attachments_by_gateway
            .get(gw)
            .into_iter()
            .flatten()
            .filter_map(|vid| eng.state.attachments.get(vid))
            .filter(|a| v.is_none_or(|v| a.vif_id == v))
            .collect(),
        (None, Some(v)) => eng.state.attachments.get(v).into_iter().collect(),
    };
    let items: Vec<DirectConnectGatewayAttachment> = attachments
        .into_iter()
        .filter(|a| sees(&a.gateway_id, &a.vif_owner))
        .map(attachment_to_api)
        .collect();
    let binding = format!(
        "DescribeDirectConnectGatewayAttachments|{account}|{}|{}",
        gateway.unwrap_or(""),
        vif.unwrap_or("")
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(DescribeDirectConnectGatewayAttachmentsResult {
        direct_connect_gateway_attachments: Some(page),
        next_token: next,
    })
}

/// Where a transit VIF will land: a caller-owned, available DX gateway
/// with no private side (no VGW associations, no private VIFs).
pub fn transit_target(
    eng: &Engine,
    cx: &Cx,
    dxgw: Option<&str>,
) -> Result<GatewayLookup, ApiError> {
    let id = dxgw.ok_or_else(|| {
        ApiError::client("A transit virtual interface needs a directConnectGatewayId")
    })?;
    landing(eng, cx, id, VifType::Transit)
}

/// A caller-owned, available DX gateway that can take one more VIF of
/// `kind`: it never mixes private and transit sides (resources.md §8) and
/// holds at most the configured number of VIFs.
fn landing(eng: &Engine, cx: &Cx, id: &str, kind: VifType) -> Result<GatewayLookup, ApiError> {
    let gw = eng
        .state
        .gateways
        .get(id)
        .filter(|g| {
            access::owns_global(&cx.caller, &g.owner)
                && g.state == DirectConnectGatewayState::Available
        })
        .ok_or_else(|| gateway_not_found(id))?;
    let attached: Vec<_> = eng.state.live_attachments_of(id).collect();
    let (other_vif, other_gateway, refusal) = match kind {
        VifType::Transit => (
            DirectConnectGatewayAttachmentType::PrivateVirtualInterface,
            GatewayType::VirtualPrivateGateway,
            "is associated with a virtual private gateway or has private virtual interfaces; transit virtual interfaces cannot be attached",
        ),
        _ => (
            DirectConnectGatewayAttachmentType::TransitVirtualInterface,
            GatewayType::TransitGateway,
            "is associated with a transit gateway; private virtual interfaces cannot be attached",
        ),
    };
    if attached.iter().any(|a| a.kind == other_vif)
        || eng.state.has_live_association(id, other_gateway)
    {
        return Err(ApiError::client(format!(
            "Direct Connect Gateway {id} {refusal}"
        )));
    }
    let limit = eng.config.quotas.vifs_per_gateway;
    if attached.len() >= limit {
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of virtual interfaces ({limit}) attached to Direct Connect Gateway {id}"
        )));
    }
    Ok(GatewayLookup::DirectConnect {
        id: id.to_string(),
        asn: gw.amazon_side_asn,
    })
}

pub fn update_direct_connect_gateway(
    eng: &mut Engine,
    cx: &Cx,
    input: dxlocal_model::UpdateDirectConnectGatewayRequest,
) -> Result<dxlocal_model::UpdateDirectConnectGatewayResponse, ApiError> {
    let id = input.direct_connect_gateway_id.as_str();
    let name = input.new_direct_connect_gateway_name;
    let n = name.chars().count();
    if n == 0 || n > 100 {
        return Err(ApiError::client(format!(
            "Direct Connect gateway name must be 1 to 100 characters (got {n})"
        )));
    }
    let gw = eng
        .state
        .gateways
        .get_mut(id)
        .filter(|g| {
            access::owns_global(&cx.caller, &g.owner)
                && g.state == DirectConnectGatewayState::Available
        })
        .ok_or_else(|| gateway_not_found(id))?;
    gw.name = name;
    Ok(dxlocal_model::UpdateDirectConnectGatewayResponse {
        direct_connect_gateway: Some(to_api(gw)),
    })
}
