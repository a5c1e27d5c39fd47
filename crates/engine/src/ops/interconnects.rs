//! The partner side: interconnects, and the hosted connections a partner
//! allocates on an interconnect or LAG for its customers.

use super::connections::{
    self, check_port_quota, check_port_request, keys_to_api, new_port, provisioned,
};
use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::state::{scope, ConnKind, Connection};
use crate::{access, Cx, Engine};
use dxlocal_model::{
    AllocateConnectionOnInterconnectRequest, AllocateHostedConnectionRequest, ApiError,
    AssociateHostedConnectionRequest, BillingMode, Connection as ApiConnection, ConnectionState,
    Connections, CreateInterconnectRequest, DeleteInterconnectRequest, DeleteInterconnectResponse,
    DescribeConnectionsOnInterconnectRequest, DescribeHostedConnectionsRequest,
    DescribeInterconnectsRequest, HasLogicalRedundancy, Interconnect, InterconnectState,
    Interconnects, NniPartnerType, Tag,
};

pub fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Could not find Interconnect with ID {id}"))
}

fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Result<&'a Connection, ApiError> {
    eng.state
        .connections
        .get(id)
        .filter(|c| {
            c.kind == ConnKind::Interconnect && access::owns(&cx.caller, &c.owner, &c.region)
        })
        .ok_or_else(|| not_found(id))
}

fn interconnect_state(s: ConnectionState) -> InterconnectState {
    InterconnectState::from_name(s.as_str()).unwrap_or(InterconnectState::Unknown)
}

pub fn to_api(c: &Connection) -> Interconnect {
    let device = |s: &String| provisioned(c.state).then(|| s.clone());
    Interconnect {
        interconnect_id: Some(c.id.clone()),
        interconnect_name: Some(c.name.clone()),
        interconnect_state: Some(interconnect_state(c.state)),
        region: Some(c.region.clone()),
        location: Some(c.location.clone()),
        bandwidth: Some(c.bandwidth.clone()),
        loa_issue_time: c.loa_issue_time.map(dxlocal_model::encode::Timestamp),
        lag_id: c.lag_id.clone(),
        aws_device: device(&c.aws_device),
        jumbo_frame_capable: Some(true),
        aws_device_v2: device(&c.aws_device),
        aws_logical_device_id: device(&c.aws_logical_device_id),
        has_logical_redundancy: Some(if c.state == ConnectionState::Available {
            HasLogicalRedundancy::Yes
        } else {
            HasLogicalRedundancy::Unknown
        }),
        tags: Some(c.tags.clone()),
        provider_name: c.provider_name.clone(),
        mac_sec_capable: Some(c.mac_sec_capable),
        port_encryption_status: c.mac_sec_capable.then(|| {
            if c.macsec_keys.is_empty() {
                "Encryption Down"
            } else {
                "Encryption Up"
            }
            .to_string()
        }),
        encryption_mode: c.mac_sec_capable.then(|| {
            c.encryption_mode
                .clone()
                .unwrap_or_else(|| "must_encrypt".into())
        }),
        mac_sec_keys: c.mac_sec_capable.then(|| keys_to_api(&c.macsec_keys)),
    }
}

/// NNI partner type of an account (config; everyone else `nonPartner`).
pub fn partner_type(eng: &Engine, account: &str) -> NniPartnerType {
    eng.config
        .partners
        .iter()
        .find(|(a, _)| a == account)
        .map_or(NniPartnerType::NonPartner, |(_, t)| *t)
}

/// Partner operations are open to every account unless configured
/// otherwise; then only declared partners pass, with the observed message.
fn check_partner(eng: &Engine, cx: &Cx) -> Result<(), ApiError> {
    if eng.config.restrict_partner_operations
        && partner_type(eng, &cx.caller.account) == NniPartnerType::NonPartner
    {
        return Err(ApiError::client(format!(
            "Account {} is not an authorized Direct Connect partner in {}.",
            cx.caller.account, cx.caller.region
        )));
    }
    Ok(())
}

pub fn create_interconnect(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateInterconnectRequest,
) -> Result<Interconnect, ApiError> {
    check_partner(eng, cx)?;
    let region = cx.caller.region.clone();
    let macsec = input.request_mac_sec.unwrap_or(false);
    check_port_request(
        &region,
        &input.location,
        &input.bandwidth,
        input.provider_name.as_deref(),
        macsec,
        "PayAsYouGo",
    )?;
    let lag = match &input.lag_id {
        Some(l) => Some(super::lags::room_for_member(
            eng,
            cx,
            l,
            &input.location,
            &input.bandwidth,
        )?),
        None => None,
    };
    let tags = input.tags.unwrap_or_default();
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    check_port_quota(eng, &cx.caller.account, &region, &input.location, 1)?;
    let mut ic = new_port(
        eng,
        cx,
        ConnKind::Interconnect,
        input.interconnect_name,
        &input.location,
        &input.bandwidth,
        lag.clone(),
        input.provider_name,
        macsec,
        BillingMode::PayAsYouGo,
        tags,
    );
    if let (Some(lag_id), Some(_)) = (&input.lag_id, lag) {
        super::lags::enroll(eng, &mut ic, lag_id);
    }
    let out = to_api(&ic);
    eng.state.insert_connection(ic);
    Ok(out)
}

pub fn describe_interconnects(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeInterconnectsRequest,
) -> Result<Interconnects, ApiError> {
    let items: Vec<Interconnect> = match &input.interconnect_id {
        Some(id) => vec![to_api(owned(eng, cx, id)?)],
        None => eng
            .state
            .connections_by_owner
            .get(&scope(&cx.caller.account, &cx.caller.region))
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.connections.get(id))
            .filter(|c| c.kind == ConnKind::Interconnect)
            .map(to_api)
            .collect(),
    };
    let binding = format!(
        "DescribeInterconnects|{}|{}|{}",
        cx.caller.account,
        cx.caller.region,
        input.interconnect_id.as_deref().unwrap_or("")
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(Interconnects {
        interconnects: Some(page),
        next_token: next,
    })
}

fn live_hosted_on(eng: &Engine, parent: &str) -> Vec<String> {
    eng.state
        .hosted_by_parent
        .get(parent)
        .into_iter()
        .flatten()
        .filter(|h| eng.state.connections.get(*h).is_some_and(|c| c.is_live()))
        .cloned()
        .collect()
}

pub fn delete_interconnect(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteInterconnectRequest,
) -> Result<DeleteInterconnectResponse, ApiError> {
    let id = &input.interconnect_id;
    let ic = owned(eng, cx, id)?;
    if !ic.is_live() {
        return Err(not_found(id));
    }
    let hosted = live_hosted_on(eng, id);
    if !hosted.is_empty() {
        return Err(ApiError::client(format!(
            "Interconnect {id} still has hosted connections: {}",
            hosted.join(", ")
        )));
    }
    let lag = ic.lag_id.clone();
    let retention = eng.retention();
    let ic = eng.state.connections.get_mut(id).expect("owned");
    ic.state = ConnectionState::Deleted;
    ic.deleted_at = Some(cx.now);
    ic.lag_id = None;
    if let Some(l) = lag.and_then(|l| eng.state.lags.get_mut(&l)) {
        l.members.retain(|m| m != id);
    }
    eng.timers.schedule(
        cx.now + retention,
        crate::timers::Event::PurgeConnection { id: id.clone() },
    );
    Ok(DeleteInterconnectResponse {
        interconnect_state: Some(InterconnectState::Deleted),
    })
}

/// Bandwidths of hosted connections (resources.md §3); the last five only
/// for qualified (`v2`) partners.
const SUB_GIG: &[&str] = &[
    "50Mbps", "100Mbps", "200Mbps", "300Mbps", "400Mbps", "500Mbps",
];
const GIG: &[&str] = &["1Gbps", "2Gbps", "5Gbps", "10Gbps", "25Gbps"];

/// The interconnect or hosted-connection-capable LAG a hosted connection
/// is allocated on, owned by the caller: (id, location, bandwidth, lag id).
struct Parent {
    id: String,
    location: String,
    bandwidth: String,
    lag_id: Option<String>,
    macsec: bool,
    device: (String, String),
}

fn parent(eng: &Engine, cx: &Cx, id: &str) -> Result<Parent, ApiError> {
    if id.starts_with("dxlag-") {
        let lag = super::lags::owned(eng, cx, id)?;
        if lag.deleted {
            return Err(super::lags::not_found(id));
        }
        if !lag.allows_hosted_connections {
            return Err(ApiError::client(format!(
                "Lag {id} does not allow hosted connections"
            )));
        }
        return Ok(Parent {
            id: lag.id.clone(),
            location: lag.location.clone(),
            bandwidth: lag.bandwidth.clone(),
            lag_id: Some(lag.id.clone()),
            macsec: lag.mac_sec_capable,
            device: (lag.aws_device.clone(), lag.aws_logical_device_id.clone()),
        });
    }
    let ic = owned(eng, cx, id).map_err(|_| connections::not_found(id))?;
    if !ic.is_live() {
        return Err(connections::not_found(id));
    }
    if !matches!(ic.state, ConnectionState::Available | ConnectionState::Down) {
        return Err(ApiError::client(format!(
            "Interconnect {id} is not available for hosted connections (current state: {})",
            ic.state
        )));
    }
    Ok(Parent {
        id: ic.id.clone(),
        location: ic.location.clone(),
        bandwidth: ic.bandwidth.clone(),
        lag_id: ic.lag_id.clone(),
        macsec: ic.mac_sec_capable,
        device: (ic.aws_device.clone(), ic.aws_logical_device_id.clone()),
    })
}

fn mbps(s: &str) -> f64 {
    super::vifs::mbps(s).unwrap_or(f64::MAX)
}

struct Allocation {
    parent_id: String,
    owner_account: String,
    bandwidth: String,
    name: String,
    vlan: i32,
    tags: Vec<Tag>,
}

fn allocate(eng: &mut Engine, cx: &Cx, a: Allocation) -> Result<ApiConnection, ApiError> {
    check_partner(eng, cx)?;
    let Parent {
        id: parent_id,
        location,
        bandwidth: parent_bw,
        lag_id,
        macsec: parent_macsec,
        device,
    } = parent(eng, cx, &a.parent_id)?;
    if a.owner_account == cx.caller.account {
        return Err(ApiError::client(format!(
            "Cannot allocate Connection for the interconnect owner {}.",
            a.owner_account
        )));
    }
    if a.owner_account.len() != 12 || !a.owner_account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::client(format!(
            "ownerAccount {} is not a 12-digit AWS account ID",
            a.owner_account
        )));
    }
    let qualified = !eng.config.restrict_partner_operations
        || partner_type(eng, &cx.caller.account) == NniPartnerType::V2;
    let allowed = SUB_GIG.contains(&a.bandwidth.as_str())
        || (qualified && GIG.contains(&a.bandwidth.as_str()));
    if !allowed {
        return Err(ApiError::client(format!(
            "Bandwidth {} is not available for hosted connections",
            a.bandwidth
        )));
    }
    if mbps(&a.bandwidth) > mbps(&parent_bw) {
        return Err(ApiError::client(format!(
            "Bandwidth {} exceeds the {parent_bw} of {parent_id}",
            a.bandwidth
        )));
    }
    if !(1..=4094).contains(&a.vlan) {
        return Err(ApiError::client(format!(
            "VLAN {} is out of range: it must be between 1 and 4094",
            a.vlan
        )));
    }
    let clash = live_hosted_on(eng, &parent_id).into_iter().find(|h| {
        matches!(&eng.state.connections[h].kind, ConnKind::Hosted { vlan, .. } if *vlan == a.vlan)
    });
    if let Some(h) = clash {
        return Err(ApiError::client(format!(
            "VLAN {} is already in use on {parent_id} by hosted connection {h}",
            a.vlan
        )));
    }
    check_tags(
        &[],
        &a.tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;

    let (device, logical) = device;
    let conn = Connection {
        id: eng.ids.dx("dxcon"),
        owner: a.owner_account,
        region: cx.caller.region.clone(),
        name: a.name,
        location: location.clone(),
        bandwidth: a.bandwidth,
        state: ConnectionState::Ordering,
        lag_id,
        aws_device: device,
        aws_logical_device_id: logical,
        provider_name: None,
        mac_sec_capable: false,
        billing_mode: BillingMode::PayAsYouGo,
        tags: a.tags,
        loa_issue_time: None,
        deleted_at: None,
        kind: ConnKind::Hosted {
            parent_id,
            partner: cx.caller.account.clone(),
            // [choice] the partner's name defaults to the location code.
            partner_name: location,
            vlan: a.vlan,
            parent_macsec,
        },
        macsec_keys: Vec::new(),
        encryption_mode: None,
    };
    let out = connections::to_api(&conn);
    eng.state.insert_connection(conn);
    Ok(out)
}

pub fn allocate_hosted_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: AllocateHostedConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    allocate(
        eng,
        cx,
        Allocation {
            parent_id: input.connection_id,
            owner_account: input.owner_account,
            bandwidth: input.bandwidth,
            name: input.connection_name,
            vlan: input.vlan,
            tags: input.tags.unwrap_or_default(),
        },
    )
}

pub fn allocate_connection_on_interconnect(
    eng: &mut Engine,
    cx: &Cx,
    input: AllocateConnectionOnInterconnectRequest,
) -> Result<ApiConnection, ApiError> {
    if input.bandwidth == "25Gbps" {
        return Err(ApiError::client(
            "Bandwidth 25Gbps is not available through AllocateConnectionOnInterconnect",
        ));
    }
    allocate(
        eng,
        cx,
        Allocation {
            parent_id: input.interconnect_id,
            owner_account: input.owner_account,
            bandwidth: input.bandwidth,
            name: input.connection_name,
            vlan: input.vlan,
            tags: Vec::new(),
        },
    )
}

/// Hosted connections on an interconnect or LAG the caller owns.
fn hosted_on(eng: &Engine, cx: &Cx, id: &str) -> Result<Vec<ApiConnection>, ApiError> {
    let owns = eng.state.connections.get(id).is_some_and(|c| {
        c.kind == ConnKind::Interconnect && access::owns(&cx.caller, &c.owner, &c.region)
    }) || eng
        .state
        .lags
        .get(id)
        .is_some_and(|l| access::owns(&cx.caller, &l.owner, &l.region));
    if !owns {
        return Err(ApiError::client(format!(
            "{} DescribeHostedConnections failed for connection {id} doesn't exist.",
            cx.caller.account
        )));
    }
    Ok(eng
        .state
        .hosted_by_parent
        .get(id)
        .into_iter()
        .flatten()
        .filter_map(|h| eng.state.connections.get(h))
        .map(|c| {
            let mut api = connections::to_api(c);
            // The partner cannot see the customer's tags (resources.md §0.4).
            api.tags = None;
            api
        })
        .collect())
}

pub fn describe_hosted_connections(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeHostedConnectionsRequest,
) -> Result<Connections, ApiError> {
    let items = hosted_on(eng, cx, &input.connection_id)?;
    let binding = format!(
        "DescribeHostedConnections|{}|{}",
        cx.caller.account, input.connection_id
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(Connections {
        connections: Some(page),
        next_token: next,
    })
}

pub fn describe_connections_on_interconnect(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeConnectionsOnInterconnectRequest,
) -> Result<Connections, ApiError> {
    Ok(Connections {
        connections: Some(hosted_on(eng, cx, &input.interconnect_id)?),
        next_token: None,
    })
}

pub fn associate_hosted_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: AssociateHostedConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    let id = &input.connection_id;
    let conn = eng
        .state
        .connections
        .get(id)
        .filter(|c| c.region == cx.caller.region && c.is_live())
        .ok_or_else(|| connections::not_found(id))?;
    let (old_parent, vlan) = match &conn.kind {
        ConnKind::Hosted {
            parent_id,
            partner,
            vlan,
            ..
        } if *partner == cx.caller.account => (parent_id.clone(), *vlan),
        _ => return Err(connections::not_found(id)),
    };
    let Parent {
        id: new_parent,
        location,
        lag_id,
        macsec,
        device,
        ..
    } = parent(eng, cx, &input.parent_connection_id)?;
    if new_parent == old_parent {
        return Err(ApiError::client(format!(
            "Hosted connection {id} is already on {new_parent}"
        )));
    }
    if location != conn.location {
        return Err(ApiError::client(format!(
            "{new_parent} is at {location}; hosted connection {id} is at {}",
            conn.location
        )));
    }
    let clash = live_hosted_on(eng, &new_parent)
        .into_iter()
        .find(|h| matches!(&eng.state.connections[h].kind, ConnKind::Hosted { vlan: v, .. } if *v == vlan));
    if let Some(h) = clash {
        return Err(ApiError::client(format!(
            "VLAN {vlan} conflicts with hosted connection {h} on {new_parent}"
        )));
    }
    let c = eng.state.connections.get_mut(id).expect("checked");
    if let ConnKind::Hosted {
        parent_id,
        parent_macsec,
        ..
    } = &mut c.kind
    {
        *parent_id = new_parent.clone();
        *parent_macsec = macsec;
    }
    c.lag_id = lag_id;
    // The hosted connection rides its new parent's device.
    (c.aws_device, c.aws_logical_device_id) = device;
    let out = connections::to_api(c);
    eng.state.move_hosted(id, &old_parent, &new_parent);
    Ok(out)
}
