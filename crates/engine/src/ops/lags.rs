//! Link aggregation groups: CreateLag, DescribeLags, UpdateLag, DeleteLag,
//! AssociateConnectionWithLag, DisassociateConnectionFromLag.

use super::connections::{
    self, check_encryption_mode, check_port_quota, check_port_request, keys_to_api, new_port,
};
use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::state::{scope, ConnKind, Lag};
use crate::{access, Cx, Engine};
use dxlocal_model::{
    ApiError, AssociateConnectionWithLagRequest, BillingMode, Connection as ApiConnection,
    ConnectionState, CreateLagRequest, DeleteLagRequest, DescribeLagsRequest,
    DisassociateConnectionFromLagRequest, HasLogicalRedundancy, Lag as ApiLag, LagState, Lags,
    RateLimiterStatus, UpdateLagRequest,
};

/// The substring Terraform matches for a missing LAG.
pub fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Could not find Lag with ID {id}"))
}

pub fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Result<&'a Lag, ApiError> {
    eng.state
        .lags
        .get(id)
        .filter(|l| access::owns(&cx.caller, &l.owner, &l.region))
        .ok_or_else(|| not_found(id))
}

/// Members a LAG of this port speed may have (resources.md §5).
fn max_members(bandwidth: &str) -> usize {
    match bandwidth {
        "100Gbps" | "400Gbps" => 2,
        _ => 4,
    }
}

/// [choice] `pending` until a member is provisioned; then `available` when
/// at least `minimumLinks` (and at least one) members are, else `down`.
pub fn state_of(eng: &Engine, lag: &Lag) -> LagState {
    state_in(&eng.state, lag)
}

pub fn state_in(state: &crate::state::State, lag: &Lag) -> LagState {
    if lag.deleted {
        return LagState::Deleted;
    }
    let states: Vec<ConnectionState> = lag
        .members
        .iter()
        .filter_map(|m| state.connections.get(m))
        .map(|c| c.state)
        .collect();
    if !states.is_empty() && states.iter().all(|s| *s == ConnectionState::Requested) {
        return LagState::Pending;
    }
    let up = states
        .iter()
        .filter(|s| **s == ConnectionState::Available)
        .count();
    if up >= (lag.minimum_links.max(1) as usize) {
        LagState::Available
    } else {
        LagState::Down
    }
}

fn member_to_api(eng: &Engine, id: &str) -> Option<ApiConnection> {
    let c = eng.state.connections.get(id)?;
    let mut out = connections::to_api(c);
    // Members inside a Lag never show device fields; the Lag does (observed).
    out.aws_device = None;
    out.aws_device_v2 = None;
    out.aws_logical_device_id = None;
    Some(out)
}

pub fn to_api(eng: &Engine, lag: &Lag) -> ApiLag {
    let state = state_of(eng, lag);
    let members: Vec<ApiConnection> = lag
        .members
        .iter()
        .filter_map(|m| member_to_api(eng, m))
        .collect();
    let macsec = lag.mac_sec_capable;
    ApiLag {
        connections_bandwidth: Some(lag.bandwidth.clone()),
        number_of_connections: Some(members.len() as i32),
        lag_id: Some(lag.id.clone()),
        owner_account: Some(lag.owner.clone()),
        lag_name: Some(lag.name.clone()),
        lag_state: Some(state),
        location: Some(lag.location.clone()),
        region: Some(lag.region.clone()),
        minimum_links: Some(lag.minimum_links),
        aws_device: Some(lag.aws_device.clone()),
        aws_device_v2: Some(lag.aws_device.clone()),
        aws_logical_device_id: Some(lag.aws_logical_device_id.clone()),
        connections: Some(members),
        allows_hosted_connections: Some(lag.allows_hosted_connections),
        jumbo_frame_capable: Some(true),
        has_logical_redundancy: Some(if state == LagState::Available {
            HasLogicalRedundancy::Yes
        } else {
            HasLogicalRedundancy::Unknown
        }),
        tags: Some(lag.tags.clone()),
        provider_name: lag.provider_name.clone(),
        mac_sec_capable: Some(macsec),
        encryption_mode: macsec.then(|| {
            lag.encryption_mode
                .clone()
                .unwrap_or_else(|| "must_encrypt".into())
        }),
        mac_sec_keys: macsec.then(|| keys_to_api(&lag.macsec_keys)),
        prefix_pool_size_ipv4: Some(100),
        prefix_pool_size_ipv6: Some(100),
        prefix_pool_unallocated_count_ipv4: Some(100),
        prefix_pool_unallocated_count_ipv6: Some(100),
        rate_limiter_status: Some(RateLimiterStatus {
            max_allowed: Some(10),
            in_use: Some(0),
            remaining: Some(10),
            total_bandwidth: Some(lag.bandwidth.clone()),
        }),
        billing_mode: Some(lag.billing_mode),
    }
}

/// Whether a connection can join `lag_id`: same location and speed, room
/// left. Returns the LAG's device, which the member then uses.
pub fn room_for_member(
    eng: &Engine,
    cx: &Cx,
    lag_id: &str,
    location: &str,
    bandwidth: &str,
) -> Result<(String, String), ApiError> {
    let lag = owned(eng, cx, lag_id)?;
    if lag.deleted {
        return Err(not_found(lag_id));
    }
    if lag.location != location || lag.bandwidth != bandwidth {
        return Err(ApiError::client(format!(
            "Lag {lag_id} holds {} connections at {}; a {bandwidth} connection at {location} cannot join it",
            lag.bandwidth, lag.location
        )));
    }
    let max = max_members(&lag.bandwidth);
    if lag.members.len() >= max {
        return Err(ApiError::client(format!(
            "Lag {lag_id} already has the maximum of {max} connections; no available ports on the device"
        )));
    }
    Ok((lag.aws_device.clone(), lag.aws_logical_device_id.clone()))
}

/// Makes a new port (checked by `room_for_member`) a member of `lag_id`:
/// it carries the LAG's MACsec keys and mode (resources.md §13), and an
/// interconnect makes the LAG one that takes hosted connections.
pub fn enroll(eng: &mut Engine, port: &mut crate::state::Connection, lag_id: &str) {
    let lag = eng
        .state
        .lags
        .get_mut(lag_id)
        .expect("checked by room_for_member");
    lag.members.push(port.id.clone());
    port.lag_id = Some(lag_id.to_string());
    port.macsec_keys = lag.macsec_keys.clone();
    if lag.encryption_mode.is_some() {
        port.encryption_mode = lag.encryption_mode.clone();
    }
    if port.kind == ConnKind::Interconnect {
        lag.allows_hosted_connections = true;
    }
}

/// Refuses taking `conn_id` out of the LAG if that leaves fewer available
/// members than its minimum links (unless it is the last member).
pub fn check_can_lose_member(eng: &Engine, lag_id: &str, conn_id: &str) -> Result<(), ApiError> {
    let Some(lag) = eng.state.lags.get(lag_id) else {
        return Ok(());
    };
    if lag.members.len() <= 1 || lag.minimum_links == 0 {
        return Ok(());
    }
    let remaining_up = lag
        .members
        .iter()
        .filter(|m| *m != conn_id)
        .filter_map(|m| eng.state.connections.get(m))
        .filter(|c| c.state == ConnectionState::Available)
        .count();
    if (remaining_up as i32) < lag.minimum_links {
        return Err(ApiError::client(format!(
            "Removing connection {conn_id} would leave Lag {lag_id} below its minimum links ({})",
            lag.minimum_links
        )));
    }
    Ok(())
}

/// Moves what sits on a connection that joins a LAG: its VIFs (and, for an
/// interconnect, its hosted connections) now hang off the LAG.
fn adopt(eng: &mut Engine, conn_id: &str, lag_id: &str) {
    let vif_ids: Vec<String> = eng
        .state
        .live_vifs_on(conn_id)
        .map(|v| v.id.clone())
        .collect();
    for vid in vif_ids {
        if let Some(mut v) = eng.state.vifs.get(&vid).cloned() {
            eng.state.remove_vif_keep_attachment(&vid);
            v.connection_id = lag_id.to_string();
            eng.state.insert_vif(*v);
        }
    }
    let hosted: Vec<String> = eng
        .state
        .hosted_by_parent
        .get(conn_id)
        .cloned()
        .unwrap_or_default();
    for hid in hosted {
        if let Some(h) = eng.state.connections.get_mut(&hid) {
            if let ConnKind::Hosted { parent_id, .. } = &mut h.kind {
                *parent_id = lag_id.to_string();
            }
            h.lag_id = Some(lag_id.to_string());
        }
        eng.state.move_hosted(&hid, conn_id, lag_id);
    }
}

pub fn create_lag(eng: &mut Engine, cx: &Cx, input: CreateLagRequest) -> Result<ApiLag, ApiError> {
    let region = cx.caller.region.clone();
    let account = cx.caller.account.clone();
    let macsec = input.request_mac_sec.unwrap_or(false);
    let billing = input
        .billing_mode
        .map(|m| m.as_str())
        .unwrap_or("PayAsYouGo");
    check_port_request(
        &region,
        &input.location,
        &input.connections_bandwidth,
        input.provider_name.as_deref(),
        macsec,
        billing,
    )?;
    let max = max_members(&input.connections_bandwidth) as i32;
    if !(1..=max).contains(&input.number_of_connections) {
        return Err(ApiError::client(format!(
            "numberOfConnections must be between 1 and {max} for {} connections (got {})",
            input.connections_bandwidth, input.number_of_connections
        )));
    }
    let existing = match &input.connection_id {
        Some(cid) => {
            let c = eng
                .state
                .connections
                .get(cid)
                .filter(|c| {
                    access::owns(&cx.caller, &c.owner, &c.region)
                        && c.region == region
                        && c.is_live()
                })
                .filter(|c| matches!(c.kind, ConnKind::Dedicated | ConnKind::Interconnect))
                .ok_or_else(|| connections::not_found(cid))?;
            if c.location != input.location || c.bandwidth != input.connections_bandwidth {
                return Err(ApiError::client(format!(
                    "Connection {cid} ({} at {}) does not match the LAG's {} at {}",
                    c.bandwidth, c.location, input.connections_bandwidth, input.location
                )));
            }
            if let Some(l) = &c.lag_id {
                return Err(ApiError::client(format!(
                    "Connection {cid} already belongs to Lag {l}"
                )));
            }
            Some(c.clone())
        }
        None => None,
    };
    let new_members = (input.number_of_connections - i32::from(existing.is_some())).max(0) as usize;
    let tags = input.tags.unwrap_or_default();
    let child_tags = input.child_connection_tags.unwrap_or_default();
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    check_tags(
        &[],
        &child_tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    let lag_limit = eng.config.quotas.lags_per_region;
    let lags_here = eng
        .state
        .lags_by_owner
        .get(&scope(&account, &region))
        .into_iter()
        .flatten()
        .filter(|id| eng.state.lags.get(*id).is_some_and(|l| !l.deleted))
        .count();
    if lags_here >= lag_limit {
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of LAGs ({lag_limit}) in {region}"
        )));
    }
    check_port_quota(eng, &account, &region, &input.location, new_members)?;

    let lag_id = eng.ids.dx("dxlag");
    let (device, logical) = match &existing {
        Some(c) => (c.aws_device.clone(), c.aws_logical_device_id.clone()),
        None => (
            eng.ids.device(&input.location),
            eng.ids.device(&input.location),
        ),
    };
    let partner = eng.config.partners.iter().any(|(a, _)| *a == account);
    let from_interconnect = existing
        .as_ref()
        .is_some_and(|c| c.kind == ConnKind::Interconnect);
    let mut members = Vec::new();
    if let Some(c) = &existing {
        members.push(c.id.clone());
    }
    let billing_mode = BillingMode::from_name(billing).unwrap_or_default();
    for n in 0..new_members {
        let mut conn = new_port(
            eng,
            cx,
            ConnKind::Dedicated,
            format!("Requested Connection {} for Lag {lag_id}", n + 1),
            &input.location,
            &input.connections_bandwidth,
            Some((device.clone(), logical.clone())),
            input.provider_name.clone(),
            macsec,
            billing_mode,
            child_tags.clone(),
        );
        conn.lag_id = Some(lag_id.clone());
        members.push(conn.id.clone());
        eng.state.insert_connection(conn);
    }
    let lag = Lag {
        id: lag_id.clone(),
        owner: account,
        region,
        name: input.lag_name,
        location: input.location,
        bandwidth: input.connections_bandwidth,
        minimum_links: 0,
        aws_device: device,
        aws_logical_device_id: logical,
        allows_hosted_connections: partner || from_interconnect,
        members,
        tags,
        provider_name: input.provider_name,
        mac_sec_capable: macsec,
        encryption_mode: None,
        macsec_keys: Vec::new(),
        billing_mode,
        deleted: false,
    };
    eng.state.insert_lag(lag);
    if let Some(c) = existing {
        if let Some(stored) = eng.state.connections.get_mut(&c.id) {
            stored.lag_id = Some(lag_id.clone());
            // The connection's MACsec keys give way to the LAG's (none yet).
            stored.macsec_keys.clear();
        }
        adopt(eng, &c.id, &lag_id);
    }
    let lag = &eng.state.lags[&lag_id];
    let mut out = to_api(eng, lag);
    // The response shows the LAG as just requested (observed `pending`).
    out.lag_state = Some(LagState::Pending);
    Ok(out)
}

pub fn describe_lags(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeLagsRequest,
) -> Result<Lags, ApiError> {
    let items: Vec<ApiLag> = match &input.lag_id {
        Some(id) => vec![to_api(eng, owned(eng, cx, id)?)],
        None => eng
            .state
            .lags_by_owner
            .get(&scope(&cx.caller.account, &cx.caller.region))
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.lags.get(id))
            .map(|l| to_api(eng, l))
            .collect(),
    };
    let binding = format!(
        "DescribeLags|{}|{}|{}",
        cx.caller.account,
        cx.caller.region,
        input.lag_id.as_deref().unwrap_or("")
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(Lags {
        lags: Some(page),
        next_token: next,
    })
}

pub fn update_lag(eng: &mut Engine, cx: &Cx, input: UpdateLagRequest) -> Result<ApiLag, ApiError> {
    let id = &input.lag_id;
    let lag = owned(eng, cx, id)?;
    if lag.deleted {
        return Err(not_found(id));
    }
    if let Some(name) = &input.lag_name {
        let n = name.chars().count();
        if n == 0 || n > 100 {
            return Err(ApiError::client(format!(
                "LAG name must be 1 to 100 characters (got {n})"
            )));
        }
    }
    if let Some(m) = input.minimum_links {
        let count = lag.members.len() as i32;
        if !(0..=count).contains(&m) {
            return Err(ApiError::client(format!(
                "minimumLinks must be between 0 and the number of connections in Lag {id} ({count}); got {m}"
            )));
        }
    }
    if let Some(mode) = &input.encryption_mode {
        check_encryption_mode(mode)?;
        if !lag.mac_sec_capable {
            return Err(ApiError::client(format!(
                "Lag {id} is not MACsec capable; encryptionMode does not apply"
            )));
        }
    }
    let members = lag.members.clone();
    let lag = eng.state.lags.get_mut(id).expect("owned");
    if let Some(name) = input.lag_name {
        lag.name = name;
    }
    if let Some(m) = input.minimum_links {
        lag.minimum_links = m;
    }
    if let Some(mode) = &input.encryption_mode {
        lag.encryption_mode = Some(mode.clone());
        // The mode applies to every member (operations.md §D).
        for m in &members {
            if let Some(c) = eng.state.connections.get_mut(m) {
                c.encryption_mode = Some(mode.clone());
            }
        }
    }
    // Raising or lowering minimumLinks can take the LAG (and its VIFs) down or up.
    eng.port_changed(id);
    Ok(to_api(eng, &eng.state.lags[id]))
}

pub fn delete_lag(eng: &mut Engine, cx: &Cx, input: DeleteLagRequest) -> Result<ApiLag, ApiError> {
    let id = &input.lag_id;
    let lag = owned(eng, cx, id)?;
    if lag.deleted {
        return Err(not_found(id));
    }
    let vifs: Vec<&str> = eng.state.live_vifs_on(id).map(|v| v.id.as_str()).collect();
    if !vifs.is_empty() {
        return Err(ApiError::client(format!(
            "Lag {id} still has virtual interfaces: {}. Delete them first.",
            vifs.join(", ")
        )));
    }
    let hosted = eng
        .state
        .hosted_by_parent
        .get(id)
        .into_iter()
        .flatten()
        .filter(|h| eng.state.connections.get(*h).is_some_and(|c| c.is_live()))
        .count();
    if hosted > 0 {
        return Err(ApiError::client(format!(
            "Lag {id} still has {hosted} hosted connection(s)"
        )));
    }
    let members = lag.members.clone();
    // Members are not deleted; they become standalone connections.
    for m in &members {
        if let Some(c) = eng.state.connections.get_mut(m) {
            c.lag_id = None;
        }
    }
    let lag = eng.state.lags.get_mut(id).expect("owned");
    lag.deleted = true;
    lag.members.clear();
    Ok(to_api(eng, &eng.state.lags[id]))
}

fn member_not_found(id: &str) -> ApiError {
    ApiError::client(format!("Connection does not exist: {id}"))
}

fn lag_missing(id: &str) -> ApiError {
    ApiError::client(format!("Lag does not exist: {id}"))
}

pub fn associate_connection_with_lag(
    eng: &mut Engine,
    cx: &Cx,
    input: AssociateConnectionWithLagRequest,
) -> Result<ApiConnection, ApiError> {
    let (cid, lid) = (&input.connection_id, &input.lag_id);
    let conn = eng
        .state
        .connections
        .get(cid)
        .filter(|c| access::owns(&cx.caller, &c.owner, &c.region) && c.is_live())
        .filter(|c| matches!(c.kind, ConnKind::Dedicated | ConnKind::Interconnect))
        .ok_or_else(|| connections::not_found(cid))?
        .clone();
    if conn.lag_id.as_deref() == Some(lid.as_str()) {
        return Err(ApiError::client(format!(
            "Connection {cid} is already in Lag {lid}"
        )));
    }
    let (device, logical) = room_for_member(eng, cx, lid, &conn.location, &conn.bandwidth)?;
    if let Some(old) = &conn.lag_id {
        check_can_lose_member(eng, old, cid)?;
    }
    // VIFs directly on the connection will move onto the LAG: their VLANs
    // must be free there (a VLAN is unique per connection or LAG).
    if conn.lag_id.is_none() {
        for v in eng.state.live_vifs_on(cid) {
            if let Some(other) = eng.state.live_vifs_on(lid).find(|o| o.vlan == v.vlan) {
                return Err(ApiError::client(format!(
                    "VLAN {} of virtual interface {} on {cid} is already used by virtual interface {} on Lag {lid}",
                    v.vlan, v.id, other.id
                )));
            }
        }
    }
    if let Some(old) = &conn.lag_id {
        if let Some(l) = eng.state.lags.get_mut(old) {
            l.members.retain(|m| m != cid);
        }
    }
    let lag_keys = eng.state.lags[lid].macsec_keys.clone();
    let lag = eng.state.lags.get_mut(lid).expect("checked");
    lag.members.push(cid.clone());
    // An interconnect brings its hosted connections: the LAG now takes them.
    if conn.kind == ConnKind::Interconnect {
        lag.allows_hosted_connections = true;
    }
    let c = eng.state.connections.get_mut(cid).expect("checked");
    c.lag_id = Some(lid.clone());
    c.aws_device = device;
    c.aws_logical_device_id = logical;
    // The LAG's MACsec keys replace the connection's (operations.md §D).
    c.macsec_keys = lag_keys;
    // VIFs of a previous LAG stay there; those directly on the connection follow it.
    if conn.lag_id.is_none() {
        adopt(eng, cid, lid);
    }
    Ok(connections::to_api(&eng.state.connections[cid]))
}

pub fn disassociate_connection_from_lag(
    eng: &mut Engine,
    cx: &Cx,
    input: DisassociateConnectionFromLagRequest,
) -> Result<ApiConnection, ApiError> {
    let (cid, lid) = (&input.connection_id, &input.lag_id);
    let lag = eng
        .state
        .lags
        .get(lid)
        .filter(|l| access::owns(&cx.caller, &l.owner, &l.region) && !l.deleted)
        .ok_or_else(|| lag_missing(lid))?;
    let conn = eng
        .state
        .connections
        .get(cid)
        .filter(|c| access::owns(&cx.caller, &c.owner, &c.region) && c.is_live())
        .ok_or_else(|| member_not_found(cid))?;
    if !lag.members.contains(cid) {
        return Err(ApiError::client(format!(
            "Connection {cid} is not a member of Lag {lid}"
        )));
    }
    if conn.state == ConnectionState::Pending {
        return Err(ApiError::client(format!(
            "Connection {cid} is in a transitioning state (pending)"
        )));
    }
    check_can_lose_member(eng, lid, cid)?;
    eng.state
        .lags
        .get_mut(lid)
        .expect("checked")
        .members
        .retain(|m| m != cid);
    let c = eng.state.connections.get_mut(cid).expect("checked");
    c.lag_id = None;
    // A partner's connection leaving a LAG becomes an interconnect (operations.md §D).
    let lag_allows_hosted = eng.state.lags[lid].allows_hosted_connections;
    let is_partner = eng
        .config
        .partners
        .iter()
        .any(|(a, _)| *a == cx.caller.account);
    let c = eng.state.connections.get_mut(cid).expect("checked");
    if lag_allows_hosted && is_partner && c.kind == ConnKind::Dedicated {
        c.kind = ConnKind::Interconnect;
    }
    Ok(connections::to_api(c))
}
