//! Dedicated connections: CreateConnection, DescribeConnections,
//! DeleteConnection.

use super::paginate;
use super::tags::{check_tags, TagErrors};
use crate::catalog;
use crate::state::{scope, Connection};
use crate::timers::Event;
use crate::{Cx, Engine};
use dxlocal_model::{
    ApiError, BillingMode, Connection as ApiConnection, ConnectionState, Connections,
    CreateConnectionRequest, DeleteConnectionRequest, DescribeConnectionsRequest,
    HasLogicalRedundancy, RateLimiterStatus,
};

/// The substring Terraform matches for a missing connection.
pub fn not_found(id: &str) -> ApiError {
    ApiError::client(format!("Could not find Connection with ID {id}"))
}

/// A connection the caller owns in its region (including the deleted tail).
pub fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str) -> Result<&'a Connection, ApiError> {
    eng.state
        .connections
        .get(id)
        .filter(|c| c.owner == cx.caller.account && c.region == cx.caller.region)
        .ok_or_else(|| not_found(id))
}

pub fn to_api(c: &Connection) -> ApiConnection {
    // Device fields appear once the port is provisioned (resources.md §2).
    let provisioned = matches!(
        c.state,
        ConnectionState::Pending | ConnectionState::Available | ConnectionState::Down
    );
    let device = |s: &String| provisioned.then(|| s.clone());
    let macsec = c.mac_sec_capable;
    ApiConnection {
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
        encryption_mode: macsec.then(|| "must_encrypt".to_string()),
        port_encryption_status: macsec.then(|| "Encryption Down".to_string()),
        mac_sec_keys: macsec.then(Vec::new),
        billing_mode: Some(c.billing_mode),
        // [choice] pool sizes and rate limiters for dedicated ports (resources.md §20).
        prefix_pool_size_ipv4: Some(100),
        prefix_pool_size_ipv6: Some(100),
        prefix_pool_unallocated_count_ipv4: Some(100),
        prefix_pool_unallocated_count_ipv6: Some(100),
        rate_limiter_status: Some(RateLimiterStatus {
            max_allowed: Some(10),
            in_use: Some(0),
            remaining: Some(10),
            total_bandwidth: Some(c.bandwidth.clone()),
        }),
        ..Default::default()
    }
}

pub fn create_connection(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateConnectionRequest,
) -> Result<ApiConnection, ApiError> {
    let region = &cx.caller.region;
    let site = catalog::site(region, &input.location).ok_or_else(|| {
        ApiError::client(format!(
            "Location {} is not valid in region {region}",
            input.location
        ))
    })?;
    let speed = catalog::port_speed(&input.bandwidth)
        .filter(|s| site.offers_speed(s))
        .ok_or_else(|| {
            ApiError::client(format!(
                "Bandwidth {} is not available at location {}",
                input.bandwidth, input.location
            ))
        })?;
    if let Some(p) = &input.provider_name {
        if !site.providers.contains(&p.as_str()) {
            return Err(ApiError::client(format!(
                "Provider {p} is not available at location {}",
                input.location
            )));
        }
    }
    let macsec = input.request_mac_sec.unwrap_or(false);
    if macsec && !site.offers_macsec(speed) {
        return Err(ApiError::client(format!(
            "MACsec is not available for {} ports at location {}",
            input.bandwidth, input.location
        )));
    }
    let billing = input
        .billing_mode
        .map(|m| m.as_str())
        .unwrap_or("PayAsYouGo");
    if !site.offers_billing(billing, speed) {
        return Err(ApiError::client(format!(
            "Billing mode {billing} is not available for {} ports at location {}",
            input.bandwidth, input.location
        )));
    }
    if let Some(lag) = &input.lag_id {
        // LAGs are not emulated yet, so every LAG ID is unknown.
        return Err(ApiError::client(format!(
            "Could not find Lag with ID {lag}"
        )));
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(
        &[],
        &tags,
        eng.config.quotas.tags_per_resource,
        TagErrors::Modeled,
    )?;
    let limit = eng.config.quotas.connections_per_location;
    let active = eng
        .state
        .connections_by_owner
        .get(&scope(&cx.caller.account, region))
        .into_iter()
        .flatten()
        .filter_map(|id| eng.state.connections.get(id))
        .filter(|c| c.location == input.location && c.is_live())
        .count();
    if active >= limit {
        return Err(ApiError::client(format!(
            "Exceeded the maximum number of connections ({limit}) at location {} in {region}",
            input.location
        )));
    }

    let id = eng.ids.dx("dxcon");
    let device = eng.ids.device(&input.location);
    let logical = eng.ids.device(&input.location);
    let conn = Connection {
        id: id.clone(),
        owner: cx.caller.account.clone(),
        region: region.clone(),
        name: input.connection_name,
        location: input.location,
        bandwidth: input.bandwidth,
        state: ConnectionState::Requested,
        lag_id: None,
        aws_device: device,
        aws_logical_device_id: logical,
        provider_name: input.provider_name,
        mac_sec_capable: macsec,
        billing_mode: BillingMode::from_name(billing).unwrap_or_default(),
        tags,
        loa_issue_time: None,
        deleted_at: None,
    };
    let out = to_api(&conn);
    eng.state.insert_connection(conn);
    let at = cx.now + eng.delay(|d| d.connection_requested_to_pending);
    eng.timers.schedule(
        at,
        Event::Connection {
            id,
            from: ConnectionState::Requested,
            to: ConnectionState::Pending,
        },
    );
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
    let conn = owned(eng, cx, id)?;
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
    let retention = eng.retention();
    let conn = eng.state.connections.get_mut(id).expect("checked above");
    conn.state = ConnectionState::Deleted;
    conn.deleted_at = Some(cx.now);
    let out = to_api(conn);
    eng.timers.schedule(
        cx.now + retention,
        Event::PurgeConnection { id: id.clone() },
    );
    Ok(out)
}

/// The checks every Allocate* call shares: the caller owns the connection,
/// and the new owner is another, well-formed account.
pub fn check_allocation(
    eng: &Engine,
    cx: &Cx,
    connection_id: &str,
    owner_account: &str,
) -> Result<(), ApiError> {
    let conn = owned(eng, cx, connection_id)?;
    if !conn.is_live() {
        return Err(not_found(connection_id));
    }
    if owner_account == conn.owner {
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
