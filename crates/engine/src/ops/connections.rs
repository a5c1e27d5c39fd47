//! Connections: dedicated ones (CreateConnection), hosted ones (allocated
//! by a partner, confirmed by the customer), and what applies to both.

use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::catalog;
use crate::state::{scope, ConnKind, Connection, MacSecKey};
use crate::timers::Event;
use crate::{access, Cx, Engine};
use dxlocal_model::{
    ApiError, BillingMode, ConfirmConnectionRequest, ConfirmConnectionResponse,
    Connection as ApiConnection, ConnectionState, Connections, CreateConnectionRequest,
    DeleteConnectionRequest, DescribeConnectionsRequest, HasLogicalRedundancy,
    MacSecKey as ApiMacSecKey, RateLimiterStatus, UpdateConnectionRequest,
    UpdateConnectionsBillingModeRequest, UpdateConnectionsBillingModeResponse,
};

/// The substring Terraform matches for a missing connection.
pub fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Could not find Connection with ID {id}"))
}

/// A connection (dedicated or hosted, not an interconnect) the caller owns
/// in its region, including the deleted tail.
pub fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Result<&'a Connection, ApiError> {
    eng.state
        .connections
        .get(id)
        .filter(|c| {
            access::owns(&cx.caller, &c.owner, &c.region) && c.kind != ConnKind::Interconnect
        })
        .ok_or_else(|| not_found(id))
}

pub fn keys_to_api(keys: &[MacSecKey]) -> Vec<ApiMacSecKey> {
    keys.iter()
        .map(|k| ApiMacSecKey {
            secret_arn: Some(k.secret_arn.clone()),
            ckn: Some(k.ckn.clone()),
            state: Some(k.state.to_string()),
            start_on: Some(k.start_on.clone()),
        })
        .collect()
}

/// Whether the port is provisioned, which is when device fields show
/// (resources.md §2).
pub fn provisioned(state: ConnectionState) -> bool {
    matches!(
        state,
        ConnectionState::Pending | ConnectionState::Available | ConnectionState::Down
    )
}

pub fn to_api(c: &Connection) -> ApiConnection {
    let device = |s: &String| provisioned(c.state).then(|| s.clone());
    let macsec = c.mac_sec_capable;
    let mut out = ApiConnection {
        owner_account: Some(c.owner.clone()),
        connection_id: Some(c.id.clone()),
        connection_name: Some(c.name.clone()),
        connection_state: Some(c.state),
        region: Some(c.region.clone()),
        location: Some(c.location.clone()),
        bandwidth: Some(c.bandwidth.clone()),
        loa_issue_time: c.loa_issue_time.map(dxlocal_model::encode::Timestamp),
        lag_id: c.lag_id.clone(),
        aws_device: device(&c.aws_device),
        aws_device_v2: device(&c.aws_device),
        aws_logical_device_id: device(&c.aws_logical_device_id),
        jumbo_frame_capable: Some(true),
        has_logical_redundancy: Some(if c.state == ConnectionState::Available {
            HasLogicalRedundancy::Yes
        } else {
            HasLogicalRedundancy::Unknown
        }),
        tags: Some(c.tags.clone()),
        provider_name: c.provider_name.clone(),
        mac_sec_capable: Some(macsec),
        // [choice] MACsec ports start out requiring encryption with no key.
        encryption_mode: macsec.then(|| {
            c.encryption_mode
                .clone()
                .unwrap_or_else(|| "must_encrypt".into())
        }),
        port_encryption_status: macsec.then(|| {
            if c.macsec_keys.is_empty() {
                "Encryption Down"
            } else {
                "Encryption Up"
            }
            .to_string()
        }),
        mac_sec_keys: macsec.then(|| keys_to_api(&c.macsec_keys)),
        billing_mode: Some(c.billing_mode),
        ..Default::default()
    };
    match &c.kind {
        ConnKind::Hosted {
            partner_name,
            vlan,
            parent_macsec,
            ..
        } => {
            out.vlan = Some(*vlan);
            out.partner_name = Some(partner_name.clone());
            out.partner_interconnect_mac_sec_capable = Some(*parent_macsec);
            // Prefix pools and rate limiters are for dedicated ports only.
            out.billing_mode = None;
        }
        _ => {
            // [choice] pool sizes and rate limiters (resources.md §20).
            out.prefix_pool_size_ipv4 = Some(100);
            out.prefix_pool_size_ipv6 = Some(100);
            out.prefix_pool_unallocated_count_ipv4 = Some(100);
            out.prefix_pool_unallocated_count_ipv6 = Some(100);
            out.rate_limiter_status = Some(RateLimiterStatus {
                max_allowed: Some(10),
                in_use: Some(0),
                remaining: Some(10),
                total_bandwidth: Some(c.bandwidth.clone()),
            });
        }
    }
    out
}

/// Location, port speed, provider, MACsec and billing checks shared by
/// CreateConnection, CreateInterconnect and CreateLag.
pub fn check_port_request(
    region: &str,
    location: &str,
    bandwidth: &str,
    provider: Option<&str>,
    macsec: bool,
    billing: &str,
) -> Result<(), ApiError> {
    let site = catalog::site(region, location).ok_or_else(|| {
        ApiError::client(format!(
            "Location {location} is not valid in region {region}"
        ))
    })?;
    let speed = catalog::port_speed(bandwidth)
        .filter(|s| site.offers_speed(s))
        .ok_or_else(|| {
            ApiError::client(format!(
                "Bandwidth {bandwidth} is not available at location {location}"
            ))
        })?;
    if let Some(p) = provider {
        if !site.providers.contains(&p) {
            return Err(ApiError::client(format!(
                "Provider {p} is not available at location {location}"
            )));
        }
    }
    if macsec && !site.offers_macsec(speed) {
        return Err(ApiError::client(format!(
            "MACsec is not available for {bandwidth} ports at location {location}"
        )));
    }
    if !site.offers_billing(billing, speed) {
        return Err(ApiError::client(format!(
            "Billing mode {billing} is not available for {bandwidth} ports at location {location}"
        )));
    }
    Ok(())
}

/// Active ports (connections and interconnects) an account has at a location.
pub fn active_at(eng: &Engine, account: &str, region: &str, location: &str) -> usize {
    eng.state
        .connections_by_owner
        .get(&scope(account, region))
        .into_iter()
        .flatten()
        .filter_map(|id| eng.state.connections.get(id))
        .filter(|c| {
            c.location == location && c.is_live() && !matches!(c.kind, ConnKind::Hosted { .. })
        })
        .count()
}

pub fn check_port_quota(
    eng: &Engine,
    account: &str,
    region: &str,
    location: &str,
    adding: usize,
) -> Result<(), ApiError> {
    let limit = eng.config.quotas.connections_per_location;
    if active_at(eng, account, region, location) + adding > limit {
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of connections ({limit}) at location {location} in {region}"
        )));
    }
    Ok(())
}

/// A new port record in `requested`, with its provisioning scheduled.
#[allow(clippy::too_many_arguments)]
pub fn new_port(
    eng: &mut Engine,
    cx: &Cx,
    kind: ConnKind,
    name: String,
    location: &str,
    bandwidth: &str,
    device: Option<(String, String)>,
    provider: Option<String>,
    macsec: bool,
    billing: BillingMode,
    tags: Vec<dxlocal_model::Tag>,
) -> Connection {
    let id = eng.ids.dx("dxcon");
    let (aws_device, aws_logical_device_id) =
        device.unwrap_or_else(|| (eng.ids.device(location), eng.ids.device(location)));
    let at = cx.now + eng.delay(|d| d.connection_requested_to_pending);
    eng.timers.schedule(
        at,
        Event::Connection {
            id: id.clone(),
            from: ConnectionState::Requested,
            to: ConnectionState::Pending,
        },
    );
    Connection {
        id,
        owner: cx.caller.account.clone(),
        region: cx.caller.region.clone(),
        name,
        location: location.to_string(),
        bandwidth: bandwidth.to_string(),
        state: ConnectionState::Requested,
        lag_id: None,
        aws_device,
        aws_logical_device_id,
        provider_name: provider,
        mac_sec_capable: macsec,
        billing_mode: billing,
        tags,
        loa_issue_time: None,
        deleted_at: None,
        kind,
        macsec_keys: Vec::new(),
        encryption_mode: None,
    }
}

pub fn create_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    let region = cx.caller.region.clone();
    let macsec = input.request_mac_sec.unwrap_or(false);
    let billing = input
        .billing_mode
        .map(|m| m.as_str())
        .unwrap_or("PayAsYouGo");
    check_port_request(
        &region,
        &input.location,
        &input.bandwidth,
        input.provider_name.as_deref(),
        macsec,
        billing,
    )?;
    let lag = match &input.lag_id {
        Some(lag_id) => Some(super::lags::room_for_member(
            eng,
            cx,
            lag_id,
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

    let mut conn = new_port(
        eng,
        cx,
        ConnKind::Dedicated,
        input.connection_name,
        &input.location,
        &input.bandwidth,
        lag.clone(),
        input.provider_name,
        macsec,
        BillingMode::from_name(billing).unwrap_or_default(),
        tags,
    );
    if let (Some(lag_id), Some(_)) = (&input.lag_id, lag) {
        super::lags::enroll(eng, &mut conn, lag_id);
    }
    let out = to_api(&conn);
    eng.state.insert_connection(conn);
    Ok(out)
}

pub fn describe_connections(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeConnectionsRequest,
) -> Result<Connections, ApiError> {
    let items: Vec<ApiConnection> = match &input.connection_id {
        Some(id) => vec![to_api(owned(eng, cx, id)?)],
        None => eng
            .state
            .connections_by_owner
            .get(&scope(&cx.caller.account, &cx.caller.region))
            .into_iter()
            .flatten()
            .filter_map(|id| eng.state.connections.get(id))
            // Interconnects have their own Describe (operations.md §B).
            .filter(|c| c.kind != ConnKind::Interconnect)
            .map(to_api)
            .collect(),
    };
    let binding = format!(
        "DescribeConnections|{}|{}|{}",
        cx.caller.account,
        cx.caller.region,
        input.connection_id.as_deref().unwrap_or("")
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

pub fn delete_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    let id = &input.connection_id;
    // The owner deletes; a partner may also delete hosted connections it
    // allocated (resources.md §0.4).
    let conn = eng
        .state
        .connections
        .get(id)
        .filter(|c| {
            c.kind != ConnKind::Interconnect
                && (access::owns(&cx.caller, &c.owner, &c.region)
                    || access::is_hosting_partner(&cx.caller, c))
        })
        .ok_or_else(|| not_found(id))?;
    if !conn.is_live() {
        return Err(not_found(id));
    }
    let attached: Vec<&str> = eng.state.live_vifs_on(id).map(|v| v.id.as_str()).collect();
    if !attached.is_empty() {
        return Err(ApiError::client(format!(
            "Connection {id} still has virtual interfaces: {}. Delete them first.",
            attached.join(", ")
        )));
    }
    // Hosted connections name their parent LAG but are not members of it.
    if let (Some(lag_id), false) = (&conn.lag_id, matches!(conn.kind, ConnKind::Hosted { .. })) {
        super::lags::check_can_lose_member(eng, lag_id, id)?;
    }
    let rejected = conn.state == ConnectionState::Ordering
        && access::owns(&cx.caller, &conn.owner, &conn.region);
    let lag_id = conn.lag_id.clone();
    let retention = eng.retention();
    let conn = eng.state.connections.get_mut(id).expect("checked above");
    // A customer declining a hosted connection it never confirmed rejects it.
    conn.state = if rejected {
        ConnectionState::Rejected
    } else {
        ConnectionState::Deleted
    };
    conn.deleted_at = Some(cx.now);
    conn.lag_id = None;
    conn.macsec_keys.clear();
    let mut out = to_api(conn);
    out.lag_id = lag_id.clone();
    if let Some(lag_id) = lag_id {
        if let Some(lag) = eng.state.lags.get_mut(&lag_id) {
            lag.members.retain(|m| m != id);
        }
    }
    eng.timers.schedule(
        cx.now + retention,
        Event::PurgeConnection { id: id.clone() },
    );
    // A deleted connection leaves any resiliency group at once.
    for g in eng.state.groups.values_mut() {
        g.members.retain(|m| &m.1 != id);
    }
    Ok(out)
}

pub fn update_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: UpdateConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    let id = &input.connection_id;
    let conn = owned(eng, cx, id)?;
    if !conn.is_live() {
        return Err(not_found(id));
    }
    if let Some(name) = &input.connection_name {
        let n = name.chars().count();
        if n == 0 || n > 100 {
            return Err(ApiError::client(format!(
                "Connection name must be 1 to 100 characters (got {n})"
            )));
        }
    }
    if let Some(mode) = &input.encryption_mode {
        check_encryption_mode(mode)?;
        if !conn.mac_sec_capable || matches!(conn.kind, ConnKind::Hosted { .. }) {
            return Err(ApiError::client(format!(
                "Connection {id} is not MACsec capable; encryptionMode applies to MACsec-capable dedicated connections only"
            )));
        }
    }
    let conn = eng.state.connections.get_mut(id).expect("owned");
    if let Some(name) = input.connection_name {
        conn.name = name;
    }
    if let Some(mode) = input.encryption_mode {
        conn.encryption_mode = Some(mode);
    }
    Ok(to_api(conn))
}

pub fn check_encryption_mode(mode: &str) -> Result<(), ApiError> {
    match mode {
        "no_encrypt" | "should_encrypt" | "must_encrypt" => Ok(()),
        other => Err(ApiError::client(format!(
            "encryptionMode {other} is not valid: use no_encrypt, should_encrypt or must_encrypt"
        ))),
    }
}

pub fn confirm_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: ConfirmConnectionRequest,
) -> Result<ConfirmConnectionResponse, ApiError> {
    let id = &input.connection_id;
    let conn = owned(eng, cx, id)?;
    if !conn.is_live() {
        return Err(not_found(id));
    }
    if conn.state != ConnectionState::Ordering {
        return Err(ApiError::client(format!(
            "Connection {id} is not in the ordering state (current state: {})",
            conn.state
        )));
    }
    let delay = eng.delay(|d| d.hosted_connection_pending_to_available);
    let conn = eng.state.connections.get_mut(id).expect("owned");
    conn.state = ConnectionState::Pending;
    eng.timers.schedule(
        cx.now + delay,
        Event::Connection {
            id: id.clone(),
            from: ConnectionState::Pending,
            to: ConnectionState::Available,
        },
    );
    Ok(ConfirmConnectionResponse {
        connection_state: Some(ConnectionState::Pending),
    })
}

pub fn update_connections_billing_mode(
    eng: &mut Engine,
    cx: &Cx,
    input: UpdateConnectionsBillingModeRequest,
) -> Result<UpdateConnectionsBillingModeResponse, ApiError> {
    let mode = input.billing_mode.as_str();
    // All or nothing: every connection is checked before any changes.
    for id in &input.connection_ids {
        let c = owned(eng, cx, id)?;
        if !c.is_live() || c.kind != ConnKind::Dedicated {
            return Err(ApiError::client(format!(
                "Connection {id} is not a dedicated connection whose billing mode can change"
            )));
        }
        let site = catalog::site(&c.region, &c.location);
        let speed = catalog::port_speed(&c.bandwidth);
        if !site
            .zip(speed)
            .is_some_and(|(s, sp)| s.offers_billing(mode, sp))
        {
            return Err(ApiError::client(format!(
                "Billing mode {mode} is not available for {} ports at location {} (connection {id})",
                c.bandwidth, c.location
            )));
        }
    }
    let new_mode = BillingMode::from_name(mode).unwrap_or_default();
    let mut out = Vec::with_capacity(input.connection_ids.len());
    for id in &input.connection_ids {
        let c = eng.state.connections.get_mut(id).expect("checked");
        c.billing_mode = new_mode;
        out.push(to_api(c));
    }
    Ok(UpdateConnectionsBillingModeResponse {
        billing_mode: Some(new_mode),
        connections: Some(out),
    })
}

/// The checks every Allocate*VirtualInterface call shares: the caller owns
/// the connection or LAG, and the new owner is another, well-formed account.
pub fn check_allocation(
    eng: &Engine,
    cx: &Cx,
    connection_id: &str,
    owner_account: &str,
) -> Result<(), ApiError> {
    let port = super::ports::vif_port(eng, cx, connection_id)?;
    if owner_account == port.owner {
        return Err(ApiError::client(
            "Cannot allocate VirtualInterface for the connection owner.",
        ));
    }
    if owner_account.len() != 12 || !owner_account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::client(format!(
            "ownerAccount {owner_account} is not a 12-digit AWS account ID"
        )));
    }
    Ok(())
}
