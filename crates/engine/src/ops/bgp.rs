//! BGP on a virtual interface: peers, router configuration, the routes a
//! session carries, and failover tests.

use super::paginate;
use super::vifs::{self, assign_addresses, missing_member, resolve_asn, to_api, visible};
use crate::state::{scope, BgpPeer, FailoverTest, Vif, VifType};
use crate::timers::Event;
use crate::{Cx, Engine};
use dxlocal_model::encode::Timestamp;
use dxlocal_model::{
    AddressFamily, ApiError, AsPathSegment, AsPathType, BGPPeerState, BGPStatus,
    CreateBGPPeerRequest, CreateBGPPeerResponse, DeleteBGPPeerRequest, DeleteBGPPeerResponse,
    DescribeRouterConfigurationRequest, DescribeRouterConfigurationResponse, GatewayType,
    HasLogicalRedundancy, ListVirtualInterfaceRoutesRequest, ListVirtualInterfaceRoutesResponse,
    ListVirtualInterfaceTestHistoryRequest, ListVirtualInterfaceTestHistoryResponse, Route,
    RouteDirection, RouterType, StartBgpFailoverTestRequest, StartBgpFailoverTestResponse,
    StopBgpFailoverTestRequest, StopBgpFailoverTestResponse, VirtualInterfaceState,
    VirtualInterfaceTestHistory,
};

/// A VIF the caller owns (not merely sees as the connection owner).
fn owned<'a>(eng: &'a Engine, cx: &Cx, id: &str, action: &str) -> Result<&'a Vif, ApiError> {
    let vif = visible(eng, cx, id).ok_or_else(|| vifs::not_found(id))?;
    if vif.owner != cx.caller.account {
        return Err(ApiError::client(format!(
            "Only the owner {} of virtual interface {id} can {action}",
            vif.owner
        )));
    }
    Ok(vif)
}

fn live_peer(p: &BgpPeer) -> bool {
    !matches!(p.state, BGPPeerState::Deleting | BGPPeerState::Deleted)
}

pub fn create_bgp_peer(
    eng: &mut Engine,
    cx: &Cx,
    input: CreateBGPPeerRequest,
) -> Result<CreateBGPPeerResponse, ApiError> {
    let id = input
        .virtual_interface_id
        .clone()
        .ok_or_else(|| missing_member("virtualInterfaceId"))?;
    let new = input
        .new_bgp_peer
        .ok_or_else(|| missing_member("newBGPPeer"))?;
    let family = new
        .address_family
        .ok_or_else(|| missing_member("newBGPPeer.addressFamily"))?;
    let vif = owned(eng, cx, &id, "add BGP peers")?;
    if !matches!(
        vif.state,
        VirtualInterfaceState::Available
            | VirtualInterfaceState::Down
            | VirtualInterfaceState::Pending
    ) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} is not in a state that allows BGP peer changes (current state: {})",
            vif.state
        )));
    }
    // A second session per family needs a logically redundant port (resources.md §7).
    let redundant = match eng.state.lags.get(&vif.connection_id) {
        Some(lag) => {
            super::lags::to_api(eng, lag).has_logical_redundancy == Some(HasLogicalRedundancy::Yes)
        }
        None => eng
            .state
            .connections
            .get(&vif.connection_id)
            .is_some_and(|c| {
                super::connections::to_api(c).has_logical_redundancy
                    == Some(HasLogicalRedundancy::Yes)
            }),
    };
    let limit = eng.config.quotas.bgp_peers_per_family * if redundant { 2 } else { 1 };
    let same = vif
        .peers
        .iter()
        .filter(|p| p.family == family && live_peer(p))
        .count();
    if same >= limit {
        return Err(ApiError::client(format!(
            "Virtual interface {id} already has {same} {family} BGP peer(s); the limit is {limit}"
        )));
    }
    let asn = resolve_asn(new.asn, new.asn_long)?;
    if let Some(k) = &new.auth_key {
        let n = k.chars().count();
        if !(6..=80).contains(&n) {
            return Err(ApiError::client(format!(
                "BGP authentication key must be 6 to 80 characters (got {n})"
            )));
        }
    }
    let (kind, conn_id, device, logical) = (
        vif.kind,
        vif.connection_id.clone(),
        vif.aws_device_v2.clone(),
        vif.aws_logical_device_id.clone(),
    );
    let (amazon, customer) = assign_addresses(
        eng,
        &conn_id,
        kind,
        family,
        new.amazon_address.as_deref(),
        new.customer_address.as_deref(),
    )?;
    let auth_key = new.auth_key.unwrap_or_else(|| eng.ids.auth_key());
    let peer_id = eng.ids.dx("dxpeer");
    let first = if kind == VifType::Public {
        BGPPeerState::Verifying
    } else {
        BGPPeerState::Pending
    };
    let peer = BgpPeer {
        id: peer_id.clone(),
        asn,
        auth_key,
        family,
        amazon_address: amazon,
        customer_address: customer,
        state: first,
        status: BGPStatus::Down,
        forced_down: false,
        aws_device_v2: device,
        aws_logical_device_id: logical,
    };
    let delay = eng.delay(|d| d.vif_pending_to_available);
    let vif = eng.state.vifs.get_mut(&id).expect("owned");
    vif.peers.push(peer);
    let out = to_api(vif);
    eng.timers.schedule(
        cx.now + delay,
        Event::Peer {
            vif_id: id,
            peer_id,
            from: first,
            to: BGPPeerState::Available,
        },
    );
    Ok(CreateBGPPeerResponse {
        virtual_interface: Some(out),
    })
}

pub fn delete_bgp_peer(
    eng: &mut Engine,
    cx: &Cx,
    input: DeleteBGPPeerRequest,
) -> Result<DeleteBGPPeerResponse, ApiError> {
    let id = input
        .virtual_interface_id
        .clone()
        .ok_or_else(|| missing_member("virtualInterfaceId"))?;
    let vif = owned(eng, cx, &id, "delete BGP peers")?;
    // By peer ID, or (as Terraform does) by ASN and customer address.
    let asn = input.asn_long.or(input.asn.map(i64::from));
    let (target, asked) = match (&input.bgp_peer_id, asn, &input.customer_address) {
        (Some(pid), _, _) => (
            vif.peers.iter().find(|p| &p.id == pid && live_peer(p)),
            pid.clone(),
        ),
        (None, Some(asn), Some(addr)) => (
            vif.peers
                .iter()
                .find(|p| p.asn == asn && &p.customer_address == addr && live_peer(p)),
            format!("with ASN {asn} and customer address {addr}"),
        ),
        _ => {
            return Err(ApiError::client(
                "Identify the BGP peer by bgpPeerId, or by asn and customerAddress",
            ))
        }
    };
    let target = target.ok_or_else(|| {
        ApiError::client(format!(
            "BGP peer {asked} does not exist on virtual interface {id}"
        ))
    })?;
    if vif.peers.iter().filter(|p| live_peer(p)).count() <= 1 {
        return Err(ApiError::client(
            "The last BGP Peer on a Virtual Interface cannot be deleted",
        ));
    }
    let peer_id = target.id.clone();
    let delay = eng.delay(|d| d.vif_deleting_to_deleted);
    let vif = eng.state.vifs.get_mut(&id).expect("owned");
    let peer = vif
        .peers
        .iter_mut()
        .find(|p| p.id == peer_id)
        .expect("found");
    peer.state = BGPPeerState::Deleting;
    let out = to_api(vif);
    eng.timers.schedule(
        cx.now + delay,
        Event::Peer {
            vif_id: id,
            peer_id,
            from: BGPPeerState::Deleting,
            to: BGPPeerState::Deleted,
        },
    );
    Ok(DeleteBGPPeerResponse {
        virtual_interface: Some(out),
    })
}

/// Router types DescribeRouterConfiguration knows ([choice] a small table;
/// the first row is the one Terraform's tests use).
const ROUTERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "CiscoSystemsInc-2900SeriesRouters-IOS124",
        "Cisco Systems, Inc.",
        "2900 Series Routers",
        "IOS 12.4+",
        "customer-router-cisco-generic.xslt",
    ),
    (
        "JuniperNetworksInc-MMXSeriesRouters-JunOS95",
        "Juniper Networks, Inc.",
        "M/MX Series Routers",
        "JunOS 9.5+",
        "customer-router-juniper-generic.xslt",
    ),
    (
        "PaloAltoNetworks-PA3000and5000series-PANOS803",
        "Palo Alto Networks",
        "PA-3000+ and 5000+ series",
        "PAN-OS 8.0.3+",
        "customer-router-palo-alto-generic.xslt",
    ),
];

fn vendor_config(v: &Vif, vendor: &str) -> String {
    let mut s = format!(
        "! {vendor} configuration for virtual interface {} (VLAN {})\n",
        v.id, v.vlan
    );
    s.push_str(&format!(
        "interface GigabitEthernet0/1.{}\n encapsulation dot1Q {}\n",
        v.vlan, v.vlan
    ));
    for p in v.peers.iter().filter(|p| live_peer(p)) {
        let kw = if p.family == AddressFamily::Ipv6 {
            "ipv6 address"
        } else {
            "ip address"
        };
        s.push_str(&format!(" {kw} {}\n", p.customer_address));
    }
    let local_asn = v.peers.first().map_or(0, |p| p.asn);
    s.push_str(&format!("router bgp {local_asn}\n"));
    for p in v.peers.iter().filter(|p| live_peer(p)) {
        let neighbor = p.amazon_address.split('/').next().unwrap_or_default();
        s.push_str(&format!(
            " neighbor {neighbor} remote-as {}\n neighbor {neighbor} password {}\n",
            v.amazon_side_asn, p.auth_key
        ));
    }
    s
}

pub fn describe_router_configuration(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeRouterConfigurationRequest,
) -> Result<DescribeRouterConfigurationResponse, ApiError> {
    let id = &input.virtual_interface_id;
    let vif = visible(eng, cx, id).ok_or_else(|| vifs::not_found(id))?;
    // For a hosted VIF only the connection owner downloads the router
    // configuration, not the accepter (operations.md §F).
    if vif.connection_owner != cx.caller.account {
        return Err(ApiError::client(format!(
            "Router configuration for virtual interface {id} is available to the connection owner {} only",
            vif.connection_owner
        )));
    }
    let (config, router) = match input.router_type_identifier.as_deref() {
        None | Some("") => (vifs::router_config(vif), None),
        Some(rt) => {
            let row = ROUTERS
                .iter()
                .find(|r| r.0 == rt)
                .ok_or_else(|| ApiError::client(format!("Router type {rt} is not supported")))?;
            let router = RouterType {
                vendor: Some(row.1.into()),
                platform: Some(row.2.into()),
                software: Some(row.3.into()),
                xslt_template_name: Some(row.4.into()),
                xslt_template_name_for_mac_sec: Some(String::new()),
                router_type_identifier: Some(row.0.into()),
            };
            (vendor_config(vif, row.1), Some(router))
        }
    };
    Ok(DescribeRouterConfigurationResponse {
        customer_router_config: Some(config),
        router,
        virtual_interface_id: Some(vif.id.clone()),
        virtual_interface_name: Some(vif.name.clone()),
    })
}

fn family_of(cidr: &str) -> AddressFamily {
    if cidr.contains(':') {
        AddressFamily::Ipv6
    } else {
        AddressFamily::Ipv4
    }
}

/// What AWS advertises to the customer over this VIF: the gateway side's
/// prefixes (no routing plane is simulated, operations.md §F).
fn advertised(eng: &Engine, v: &Vif) -> Vec<String> {
    if !v.virtual_gateway_id.is_empty() {
        return eng
            .ec2
            .attached_vpc_cidrs(&v.owner, &v.region, &v.virtual_gateway_id);
    }
    if !v.direct_connect_gateway_id.is_empty() {
        let mut out: Vec<String> = Vec::new();
        for a in eng.state.live_associations_of(&v.direct_connect_gateway_id) {
            let wanted =
                a.associated_type == GatewayType::TransitGateway || v.kind == VifType::Private;
            if wanted {
                for c in &a.allowed_prefixes {
                    if !out.contains(c) {
                        out.push(c.clone());
                    }
                }
            }
        }
        return out;
    }
    Vec::new()
}

pub fn list_virtual_interface_routes(
    eng: &mut Engine,
    cx: &Cx,
    input: ListVirtualInterfaceRoutesRequest,
) -> Result<ListVirtualInterfaceRoutesResponse, ApiError> {
    let id = input
        .virtual_interface_id
        .clone()
        .ok_or_else(|| missing_member("virtualInterfaceId"))?;
    let vif = visible(eng, cx, &id).ok_or_else(|| vifs::not_found(&id))?;
    let filters = input.filters.unwrap_or_default();
    if let Some(c) = &filters.cidrs {
        if c.is_empty() || c.len() > 10 {
            return Err(ApiError::client("filters.cidrs takes 1 to 10 CIDRs"));
        }
    }
    let customer_asn = vif.peers.first().map_or(0, |p| p.asn);
    let installed = Some(Timestamp(cx.now.floor()));
    let route = |cidr: &String, direction: RouteDirection, asn: i64| Route {
        cidr: Some(cidr.clone()),
        route_direction: Some(direction),
        address_family: Some(family_of(cidr)),
        as_path: Some(vec![AsPathSegment {
            path_type: Some(AsPathType::Seq),
            path: Some(vec![asn]),
        }]),
        communities: Some(Vec::new()),
        aws_logical_device_id: Some(vif.aws_logical_device_id.clone()),
        route_installed_at: installed,
    };
    // Only a session that is up carries routes.
    let up = matches!(vif.state, VirtualInterfaceState::Available);
    let mut routes: Vec<Route> = Vec::new();
    if up {
        routes.extend(
            advertised(eng, vif)
                .iter()
                .map(|c| route(c, RouteDirection::Advertised, vif.amazon_side_asn)),
        );
        routes.extend(
            vif.customer_routes
                .iter()
                .map(|c| route(c, RouteDirection::Accepted, customer_asn)),
        );
    }
    routes.retain(|r| {
        filters
            .route_direction
            .is_none_or(|d| r.route_direction == Some(d))
            && filters
                .address_family
                .is_none_or(|f| r.address_family == Some(f))
            && filters
                .cidrs
                .as_ref()
                .is_none_or(|c| c.iter().any(|x| Some(x) == r.cidr.as_ref()))
            && filters.as_path.as_ref().is_none_or(|want| {
                r.as_path.as_ref().is_some_and(|segs| {
                    want.iter().all(|asn| {
                        segs.iter()
                            .any(|s| s.path.as_ref().is_some_and(|p| p.contains(asn)))
                    })
                })
            })
            && filters.communities.as_ref().is_none_or(|c| c.is_empty())
    });
    let binding = format!(
        "ListVirtualInterfaceRoutes|{}|{id}|{:?}",
        cx.caller.account, filters
    );
    let (page, next) = paginate(
        routes,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(ListVirtualInterfaceRoutesResponse {
        virtual_interface_id: Some(id),
        routes: Some(page),
        next_token: next,
    })
}

fn test_to_api(t: &FailoverTest) -> VirtualInterfaceTestHistory {
    VirtualInterfaceTestHistory {
        test_id: Some(t.id.clone()),
        virtual_interface_id: Some(t.vif_id.clone()),
        bgp_peers: Some(t.peers.clone()),
        status: Some(t.status.to_string()),
        owner_account: Some(t.owner.clone()),
        test_duration_in_minutes: Some(t.duration_minutes),
        start_time: Some(Timestamp(t.start.floor())),
        end_time: t.end.map(|e| Timestamp(e.floor())),
    }
}

pub fn start_bgp_failover_test(
    eng: &mut Engine,
    cx: &Cx,
    input: StartBgpFailoverTestRequest,
) -> Result<StartBgpFailoverTestResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let vif = owned(eng, cx, id, "run failover tests")?;
    if vif.running_test.is_some() || vif.state == VirtualInterfaceState::Testing {
        return Err(ApiError::client(format!(
            "A failover test is already running on virtual interface {id}"
        )));
    }
    if !matches!(
        vif.state,
        VirtualInterfaceState::Available | VirtualInterfaceState::Down
    ) {
        return Err(ApiError::client(format!(
            "Virtual interface {id} must be available or down to start a failover test (current state: {})",
            vif.state
        )));
    }
    let minutes = input.test_duration_in_minutes.unwrap_or(180);
    if !(1..=4320).contains(&minutes) {
        return Err(ApiError::client(format!(
            "testDurationInMinutes must be between 1 and 4320 (got {minutes})"
        )));
    }
    let live: Vec<&BgpPeer> = vif.peers.iter().filter(|p| live_peer(p)).collect();
    let peers: Vec<String> = match input.bgp_peers {
        Some(ids) if !ids.is_empty() => {
            if let Some(bad) = ids.iter().find(|p| !live.iter().any(|l| &&l.id == p)) {
                return Err(ApiError::client(format!(
                    "BGP peer {bad} does not exist on virtual interface {id}"
                )));
            }
            ids
        }
        _ => live.iter().map(|p| p.id.clone()).collect(),
    };
    let test_id = eng.ids.uuid();
    let test = FailoverTest {
        id: test_id.clone(),
        vif_id: id.to_string(),
        owner: cx.caller.account.clone(),
        region: cx.caller.region.clone(),
        peers: peers.clone(),
        status: "in-progress",
        duration_minutes: minutes,
        start: cx.now,
        end: None,
    };
    let out = test_to_api(&test);
    let vif = eng.state.vifs.get_mut(id).expect("owned");
    vif.running_test = Some((test_id.clone(), vif.state));
    vif.state = VirtualInterfaceState::Testing;
    for p in vif.peers.iter_mut().filter(|p| peers.contains(&p.id)) {
        p.status = BGPStatus::Down;
    }
    eng.state
        .tests_by_owner
        .entry(scope(&test.owner, &test.region))
        .or_default()
        .push(test_id.clone());
    eng.state.tests.insert(test_id.clone(), test);
    eng.timers.schedule(
        cx.now + f64::from(minutes) * 60.0,
        Event::FailoverTestEnds { test_id },
    );
    Ok(StartBgpFailoverTestResponse {
        virtual_interface_test: Some(out),
    })
}

/// Ends a running test: peers come back up, the VIF returns to its state.
pub fn finish_test(eng: &mut Engine, test_id: &str, at: f64, status: &'static str) {
    let Some(test) = eng.state.tests.get_mut(test_id) else {
        return;
    };
    if test.status != "in-progress" {
        return;
    }
    test.status = status;
    test.end = Some(at);
    let (vif_id, peers) = (test.vif_id.clone(), test.peers.clone());
    if let Some(vif) = eng.state.vifs.get_mut(&vif_id) {
        if let Some((running, before)) = vif.running_test.take() {
            if running == test_id && vif.state == VirtualInterfaceState::Testing {
                vif.state = before;
            }
        }
        for p in vif
            .peers
            .iter_mut()
            .filter(|p| peers.contains(&p.id) && p.state == BGPPeerState::Available)
        {
            p.status = BGPStatus::Up;
        }
    }
}

pub fn stop_bgp_failover_test(
    eng: &mut Engine,
    cx: &Cx,
    input: StopBgpFailoverTestRequest,
) -> Result<StopBgpFailoverTestResponse, ApiError> {
    let id = input.virtual_interface_id.as_str();
    let vif = owned(eng, cx, id, "stop failover tests")?;
    let test_id = vif
        .running_test
        .as_ref()
        .map(|(t, _)| t.clone())
        .ok_or_else(|| {
            ApiError::client(format!(
                "No failover test is running on virtual interface {id}"
            ))
        })?;
    finish_test(eng, &test_id, cx.now, "cancelled");
    Ok(StopBgpFailoverTestResponse {
        virtual_interface_test: Some(test_to_api(&eng.state.tests[&test_id])),
    })
}

pub fn list_virtual_interface_test_history(
    eng: &mut Engine,
    cx: &Cx,
    input: ListVirtualInterfaceTestHistoryRequest,
) -> Result<ListVirtualInterfaceTestHistoryResponse, ApiError> {
    let items: Vec<VirtualInterfaceTestHistory> = eng
        .state
        .tests_by_owner
        .get(&scope(&cx.caller.account, &cx.caller.region))
        .into_iter()
        .flatten()
        .rev()
        .filter_map(|id| eng.state.tests.get(id))
        // History is kept 365 days (resources.md §17).
        .filter(|t| cx.now - t.start <= 365.0 * 86400.0)
        .filter(|t| input.test_id.as_ref().is_none_or(|x| &t.id == x))
        .filter(|t| {
            input
                .virtual_interface_id
                .as_ref()
                .is_none_or(|x| &t.vif_id == x)
        })
        .filter(|t| input.status.as_ref().is_none_or(|x| t.status == x))
        .filter(|t| {
            input
                .bgp_peers
                .as_ref()
                .is_none_or(|want| want.iter().all(|p| t.peers.contains(p)))
        })
        .map(test_to_api)
        .collect();
    let binding = format!(
        "ListVirtualInterfaceTestHistory|{}|{}|{:?}|{:?}|{:?}",
        cx.caller.account,
        cx.caller.region,
        input.test_id,
        input.virtual_interface_id,
        input.status
    );
    let (page, next) = paginate(
        items,
        input.max_results,
        input.next_token.as_deref(),
        &binding,
    )?;
    Ok(ListVirtualInterfaceTestHistoryResponse {
        virtual_interface_test_history: Some(page),
        next_token: next,
    })
}
