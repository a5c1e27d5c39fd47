//! Engine tests without any I/O: the hosted-VIF state machine on the
//! virtual clock under each lifecycle.

use super::*;
use dxlocal_model::ec2::{Ec2Request, Ec2Response};
use dxlocal_model::*;

const PARTNER: &str = "111111111111";
const CUSTOMER: &str = "222222222222";
const T0: f64 = 1_700_000_000.0;

fn engine(lifecycle: Lifecycle) -> Engine {
    Engine::new(
        EngineConfig {
            lifecycle,
            seed: Some(42),
            ..Default::default()
        },
        T0,
    )
}

fn caller(account: &str) -> Caller {
    Caller::new(account, "us-east-1")
}

fn run(e: &mut Engine, account: &str, input: Input, wall: f64) -> Result<Output, ApiError> {
    e.execute(&caller(account), input, wall)
}

fn connection(e: &mut Engine, wall: f64) -> String {
    let out = run(
        e,
        PARTNER,
        Input::CreateConnection(CreateConnectionRequest {
            location: "EqDC2".into(),
            bandwidth: "10Gbps".into(),
            connection_name: "partner".into(),
            ..Default::default()
        }),
        wall,
    )
    .unwrap();
    let Output::CreateConnection(c) = out else {
        panic!()
    };
    assert_eq!(c.connection_state, Some(ConnectionState::Requested));
    c.connection_id.unwrap()
}

fn connection_state(e: &mut Engine, id: &str, wall: f64) -> ConnectionState {
    let out = run(
        e,
        PARTNER,
        Input::DescribeConnections(DescribeConnectionsRequest {
            connection_id: Some(id.into()),
            ..Default::default()
        }),
        wall,
    )
    .unwrap();
    let Output::DescribeConnections(c) = out else {
        panic!()
    };
    c.connections.unwrap()[0].connection_state.unwrap()
}

fn allocate(e: &mut Engine, conn: &str, vlan: i32, wall: f64) -> String {
    let out = run(
        e,
        PARTNER,
        Input::AllocatePrivateVirtualInterface(AllocatePrivateVirtualInterfaceRequest {
            connection_id: conn.into(),
            owner_account: CUSTOMER.into(),
            new_private_virtual_interface_allocation: NewPrivateVirtualInterfaceAllocation {
                virtual_interface_name: "hosted".into(),
                vlan,
                asn: Some(65000),
                ..Default::default()
            },
        }),
        wall,
    )
    .unwrap();
    let Output::AllocatePrivateVirtualInterface(v) = out else {
        panic!()
    };
    assert_eq!(
        v.virtual_interface_state,
        Some(VirtualInterfaceState::Confirming)
    );
    v.virtual_interface_id.unwrap()
}

fn vgw(e: &mut Engine, wall: f64) -> String {
    let out = e
        .execute_ec2(
            &caller(CUSTOMER),
            Ec2Request::CreateVpnGateway {
                gateway_type: "ipsec.1".into(),
                amazon_side_asn: None,
                availability_zone: None,
                tag_specifications: vec![],
            },
            wall,
        )
        .unwrap();
    let Ec2Response::CreateVpnGateway { vpn_gateway: g } = out else {
        panic!("{out:?}")
    };
    g.vpn_gateway_id
}

fn confirm(e: &mut Engine, vif: &str, vgw: &str, wall: f64) -> Result<Output, ApiError> {
    run(
        e,
        CUSTOMER,
        Input::ConfirmPrivateVirtualInterface(ConfirmPrivateVirtualInterfaceRequest {
            virtual_interface_id: vif.into(),
            virtual_gateway_id: Some(vgw.into()),
            direct_connect_gateway_id: None,
        }),
        wall,
    )
}

fn vif(e: &mut Engine, account: &str, id: &str, wall: f64) -> Option<VirtualInterface> {
    let out = run(
        e,
        account,
        Input::DescribeVirtualInterfaces(DescribeVirtualInterfacesRequest {
            virtual_interface_id: Some(id.into()),
            ..Default::default()
        }),
        wall,
    )
    .unwrap();
    let Output::DescribeVirtualInterfaces(v) = out else {
        panic!()
    };
    v.virtual_interfaces.unwrap().into_iter().next()
}

#[test]
fn instant_confirm_answers_pending_and_settles_on_the_next_read() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    assert_eq!(
        connection_state(&mut e, &conn, T0),
        ConnectionState::Available
    );
    let id = allocate(&mut e, &conn, 100, T0);
    let gw = vgw(&mut e, T0);
    let Output::ConfirmPrivateVirtualInterface(r) = confirm(&mut e, &id, &gw, T0).unwrap() else {
        panic!()
    };
    assert_eq!(
        r.virtual_interface_state,
        Some(VirtualInterfaceState::Pending)
    );
    let v = vif(&mut e, CUSTOMER, &id, T0).unwrap();
    assert_eq!(
        v.virtual_interface_state,
        Some(VirtualInterfaceState::Available)
    );
    assert_eq!(v.virtual_gateway_id.as_deref(), Some(gw.as_str()));
    assert_eq!(v.amazon_side_asn, Some(64512));
    let peer = &v.bgp_peers.unwrap()[0];
    assert_eq!(peer.bgp_peer_state, Some(BGPPeerState::Available));
}

#[test]
fn realistic_transitions_follow_wall_time() {
    let mut e = engine(Lifecycle::Realistic);
    let conn = connection(&mut e, T0);
    assert_eq!(
        connection_state(&mut e, &conn, T0 + 29.0),
        ConnectionState::Requested
    );
    assert_eq!(
        connection_state(&mut e, &conn, T0 + 31.0),
        ConnectionState::Pending
    );
    assert_eq!(
        connection_state(&mut e, &conn, T0 + 61.0),
        ConnectionState::Available
    );
    let id = allocate(&mut e, &conn, 100, T0 + 61.0);
    let gw = vgw(&mut e, T0 + 61.0);
    confirm(&mut e, &id, &gw, T0 + 61.0).unwrap();
    let state = |e: &mut Engine, t| {
        vif(e, CUSTOMER, &id, t)
            .unwrap()
            .virtual_interface_state
            .unwrap()
    };
    assert_eq!(state(&mut e, T0 + 70.0), VirtualInterfaceState::Pending);
    assert_eq!(state(&mut e, T0 + 72.0), VirtualInterfaceState::Available);
}

#[test]
fn manual_clock_moves_only_when_advanced() {
    let mut e = engine(Lifecycle::Manual);
    let conn = connection(&mut e, T0);
    // An hour of wall time passes; the manual clock does not.
    assert_eq!(
        connection_state(&mut e, &conn, T0 + 3600.0),
        ConnectionState::Requested
    );
    // One jump past both connection steps applies them in order.
    e.advance_clock(60.0, T0 + 3600.0);
    assert_eq!(
        connection_state(&mut e, &conn, T0 + 3600.0),
        ConnectionState::Available
    );
}

#[test]
fn deleted_vifs_stay_visible_for_fifteen_minutes_then_vanish() {
    let mut e = engine(Lifecycle::Manual);
    let conn = connection(&mut e, T0);
    e.advance_clock(60.0, T0);
    let id = allocate(&mut e, &conn, 7, T0);
    let out = run(
        &mut e,
        PARTNER,
        Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
            virtual_interface_id: id.clone(),
        }),
        T0,
    )
    .unwrap();
    let Output::DeleteVirtualInterface(r) = out else {
        panic!()
    };
    assert_eq!(
        r.virtual_interface_state,
        Some(VirtualInterfaceState::Deleting)
    );
    e.advance_clock(10.0, T0);
    let v = vif(&mut e, PARTNER, &id, T0).unwrap();
    assert_eq!(
        v.virtual_interface_state,
        Some(VirtualInterfaceState::Deleted)
    );
    e.advance_clock(15.0 * 60.0, T0);
    assert!(vif(&mut e, PARTNER, &id, T0).is_none());
    // The VLAN is free again.
    allocate(&mut e, &conn, 7, T0);
}

#[test]
fn the_accepter_rejects_by_deleting_and_a_failed_confirm_changes_nothing() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let id = allocate(&mut e, &conn, 5, T0);
    let before = vif(&mut e, CUSTOMER, &id, T0);
    let err = confirm(&mut e, &id, "vgw-0123456789abcdef0", T0).unwrap_err();
    assert_eq!(
        err.message,
        "The VirtualGateway vgw-0123456789abcdef0 does not exist."
    );
    assert_eq!(vif(&mut e, CUSTOMER, &id, T0), before);
    let out = run(
        &mut e,
        CUSTOMER,
        Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
            virtual_interface_id: id.clone(),
        }),
        T0,
    )
    .unwrap();
    let Output::DeleteVirtualInterface(r) = out else {
        panic!()
    };
    assert_eq!(
        r.virtual_interface_state,
        Some(VirtualInterfaceState::Rejected)
    );
}

#[test]
fn a_third_account_sees_nothing() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let id = allocate(&mut e, &conn, 9, T0);
    assert!(vif(&mut e, "333333333333", &id, T0).is_none());
    assert!(vif(&mut e, PARTNER, &id, T0).is_some());
    assert!(vif(&mut e, CUSTOMER, &id, T0).is_some());
}

#[test]
fn every_operation_is_implemented() {
    let mut e = engine(Lifecycle::Instant);
    for op in Operation::ALL {
        let answer = run(&mut e, PARTNER, Input::placeholder(*op), T0);
        assert!(
            !matches!(&answer, Err(err) if err.status == 501),
            "{} answers 501",
            op.name()
        );
    }
}

#[test]
fn a_connection_fault_takes_its_vifs_down_and_clears_itself() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let id = allocate(&mut e, &conn, 100, T0);
    let gw = vgw(&mut e, T0);
    confirm(&mut e, &id, &gw, T0).unwrap();
    assert_eq!(
        vif(&mut e, CUSTOMER, &id, T0)
            .unwrap()
            .virtual_interface_state,
        Some(VirtualInterfaceState::Available)
    );
    e.apply_fault(Fault::ConnectionDown { id: conn.clone() }, Some(60.0), T0)
        .unwrap();
    assert_eq!(connection_state(&mut e, &conn, T0), ConnectionState::Down);
    let v = vif(&mut e, CUSTOMER, &id, T0).unwrap();
    assert_eq!(v.virtual_interface_state, Some(VirtualInterfaceState::Down));
    assert_eq!(v.bgp_peers.unwrap()[0].bgp_status, Some(BGPStatus::Down));
    e.advance_clock(61.0, T0);
    assert_eq!(
        connection_state(&mut e, &conn, T0),
        ConnectionState::Available
    );
    let v = vif(&mut e, CUSTOMER, &id, T0).unwrap();
    assert_eq!(
        v.virtual_interface_state,
        Some(VirtualInterfaceState::Available)
    );
    assert_eq!(v.bgp_peers.unwrap()[0].bgp_status, Some(BGPStatus::Up));
    // Faults name real targets.
    assert!(e
        .apply_fault(
            Fault::ConnectionDown {
                id: "dxcon-fzzzzzzz".into()
            },
            None,
            T0
        )
        .is_err());
}

#[test]
fn a_peer_fault_flips_the_session_and_the_vif() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let id = allocate(&mut e, &conn, 100, T0);
    let gw = vgw(&mut e, T0);
    confirm(&mut e, &id, &gw, T0).unwrap();
    let peer = vif(&mut e, CUSTOMER, &id, T0).unwrap().bgp_peers.unwrap()[0]
        .bgp_peer_id
        .clone()
        .unwrap();
    e.apply_fault(
        Fault::PeerDown {
            vif: id.clone(),
            peer: peer.clone(),
        },
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        vif(&mut e, CUSTOMER, &id, T0)
            .unwrap()
            .virtual_interface_state,
        Some(VirtualInterfaceState::Down)
    );
    e.apply_fault(
        Fault::PeerUp {
            vif: id.clone(),
            peer,
        },
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        vif(&mut e, CUSTOMER, &id, T0)
            .unwrap()
            .virtual_interface_state,
        Some(VirtualInterfaceState::Available)
    );
}

/// `(kind, id, from, to, cause)` of a change, for comparing.
type Seen = (String, String, Option<String>, Option<String>, String);

fn changes(e: &Engine) -> Vec<Seen> {
    e.events()
        .since(0, usize::MAX)
        .map(|c| {
            let cause = match &c.cause {
                events::Cause::Api {
                    operation, account, ..
                } => format!("{operation} by {account}"),
                events::Cause::Timer => "timer".into(),
                events::Cause::Fault { fault } => format!("fault {fault}"),
                events::Cause::Admin { action } => format!("admin {action}"),
            };
            (
                c.kind.to_string(),
                c.id.to_string(),
                c.from.map(str::to_string),
                c.to.map(str::to_string),
                cause,
            )
        })
        .collect()
}

fn change(kind: &str, id: &str, from: Option<&str>, to: Option<&str>, cause: &str) -> Seen {
    (
        kind.into(),
        id.into(),
        from.map(str::to_string),
        to.map(str::to_string),
        cause.into(),
    )
}

#[test]
fn the_event_log_names_every_change_of_the_hosted_vif_flow_and_its_cause() {
    let mut e = engine(Lifecycle::Realistic);
    let conn = connection(&mut e, T0);
    connection_state(&mut e, &conn, T0 + 61.0);
    let id = allocate(&mut e, &conn, 100, T0 + 61.0);
    let gw = vgw(&mut e, T0 + 61.0);
    // A failed call changes nothing, so it records nothing.
    let before = e.events().next_seq();
    assert!(confirm(&mut e, "dxvif-fzzzzzzz", &gw, T0 + 61.0).is_err());
    assert_eq!(e.events().next_seq(), before);
    confirm(&mut e, &id, &gw, T0 + 61.0).unwrap();
    vif(&mut e, CUSTOMER, &id, T0 + 80.0);
    let all = changes(&e);
    let vif_changes: Vec<_> = all
        .iter()
        .filter(|c| c.0 == "virtualInterface")
        .cloned()
        .collect();
    assert_eq!(
        vif_changes,
        vec![
            change(
                "virtualInterface",
                &id,
                None,
                Some("confirming"),
                &format!("AllocatePrivateVirtualInterface by {PARTNER}")
            ),
            change(
                "virtualInterface",
                &id,
                Some("confirming"),
                Some("pending"),
                &format!("ConfirmPrivateVirtualInterface by {CUSTOMER}")
            ),
            change(
                "virtualInterface",
                &id,
                Some("pending"),
                Some("available"),
                "timer"
            ),
        ]
    );
    let conn_changes: Vec<_> = all.iter().filter(|c| c.1 == conn).cloned().collect();
    assert_eq!(
        conn_changes,
        vec![
            change(
                "connection",
                &conn,
                None,
                Some("requested"),
                &format!("CreateConnection by {PARTNER}")
            ),
            change(
                "connection",
                &conn,
                Some("requested"),
                Some("pending"),
                "timer"
            ),
            change(
                "connection",
                &conn,
                Some("pending"),
                Some("available"),
                "timer"
            ),
        ]
    );
    // The BGP peer the allocation made comes up with its VIF.
    assert!(all
        .iter()
        .any(|c| c.0 == "bgpPeer" && c.3.as_deref() == Some("available") && c.4 == "timer"));
    // The timer's change happened when it fell due, not when it was seen.
    let available = e
        .events()
        .since(0, usize::MAX)
        .find(|c| c.id == *id && c.to == Some("available"))
        .unwrap();
    assert!(available.at < T0 + 80.0 && available.at > T0 + 61.0);
}

#[test]
fn faults_and_their_timed_undo_are_causes_and_the_log_survives_a_reset() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let id = allocate(&mut e, &conn, 100, T0);
    let gw = vgw(&mut e, T0);
    confirm(&mut e, &id, &gw, T0).unwrap();
    vif(&mut e, CUSTOMER, &id, T0);
    let mark = e.events().next_seq() - 1;
    e.apply_fault(Fault::ConnectionDown { id: conn.clone() }, Some(60.0), T0)
        .unwrap();
    e.advance_clock(61.0, T0);
    let after: Vec<_> = changes(&e).split_off(mark as usize);
    assert!(after.contains(&change(
        "connection",
        &conn,
        Some("available"),
        Some("down"),
        "fault connection-down"
    )));
    assert!(after.contains(&change(
        "virtualInterface",
        &id,
        Some("available"),
        Some("down"),
        "fault connection-down"
    )));
    assert!(after.iter().any(|c| c.0 == "bgpStatus"
        && c.3.as_deref() == Some("down")
        && c.4 == "fault connection-down"));
    assert!(after.contains(&change(
        "connection",
        &conn,
        Some("down"),
        Some("available"),
        "fault connection-up"
    )));
    let seq = e.events().next_seq();
    e.reset(T0);
    assert_eq!(e.events().next_seq(), seq + 1);
    assert_eq!(
        changes(&e).last().unwrap(),
        &change("emulator", "", None, None, "admin reset")
    );
}

#[test]
fn the_event_ring_is_bounded_and_keeps_the_newest() {
    let mut log = events::EventLog::with_capacity(3);
    let cause = events::Cause::Timer;
    for i in 0..5 {
        log.push(
            i as f64,
            "connection",
            format!("dxcon-{i}").into(),
            PARTNER.into(),
            None,
            None,
            Some("requested"),
            &cause,
        );
    }
    let ids: Vec<_> = log.since(0, 10).map(|c| c.id.clone()).collect();
    assert_eq!(ids, ["dxcon-2", "dxcon-3", "dxcon-4"]);
    let ids: Vec<_> = log.since(3, 10).map(|c| c.seq).collect();
    assert_eq!(ids, [4, 5]);
    assert_eq!(log.since(5, 10).count(), 0);
}

#[test]
fn ec2_gateways_appear_in_the_event_log_with_their_cause() {
    let mut e = engine(Lifecycle::Realistic);
    let gw = vgw(&mut e, T0);
    let seen = changes(&e);
    assert!(
        seen.contains(&change(
            "virtualPrivateGateway",
            &gw,
            None,
            Some("available"),
            &format!("CreateVpnGateway by {CUSTOMER}")
        )),
        "{seen:?}"
    );
    let before = e.events().next_seq();
    // A failed EC2 call changes nothing.
    assert!(e
        .execute_ec2(
            &caller(CUSTOMER),
            Ec2Request::DeleteVpnGateway {
                vpn_gateway_id: "vgw-0123456789abcdef0".into()
            },
            T0
        )
        .is_err());
    assert_eq!(e.events().next_seq(), before);
}

/// A gateway collects detached attachments while VIFs come and go (they stay
/// visible for a while); confirming onto it must check only the live ones,
/// and a snapshot must bring that index back.
#[test]
fn confirms_onto_a_gateway_check_only_its_live_attachments() {
    let mut e = engine(Lifecycle::Instant);
    let conn = connection(&mut e, T0);
    let Output::CreateDirectConnectGateway(g) = run(
        &mut e,
        CUSTOMER,
        Input::CreateDirectConnectGateway(CreateDirectConnectGatewayRequest {
            direct_connect_gateway_name: "gw".into(),
            amazon_side_asn: Some(64512),
            ..Default::default()
        }),
        T0,
    )
    .unwrap() else {
        panic!()
    };
    let gw = g
        .direct_connect_gateway
        .unwrap()
        .direct_connect_gateway_id
        .unwrap();
    let onto_gateway = |e: &mut Engine, vif: &str| {
        run(
            e,
            CUSTOMER,
            Input::ConfirmPrivateVirtualInterface(ConfirmPrivateVirtualInterfaceRequest {
                virtual_interface_id: vif.into(),
                virtual_gateway_id: None,
                direct_connect_gateway_id: Some(gw.clone()),
            }),
            T0,
        )
    };
    // More VIFs than a gateway holds at once (30): each is deleted in turn.
    for vlan in 1..=40 {
        let vif = allocate(&mut e, &conn, vlan, T0);
        onto_gateway(&mut e, &vif).unwrap();
        run(
            &mut e,
            PARTNER,
            Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
                virtual_interface_id: vif,
            }),
            T0,
        )
        .unwrap();
    }
    // The next call applies the last deletion (instant lifecycle).
    let kept = allocate(&mut e, &conn, 100, T0);
    assert_eq!(e.state.live_attachments_of(&gw).count(), 0);
    assert_eq!(e.state.attachments_by_gateway[&gw].len(), 40);
    onto_gateway(&mut e, &kept).unwrap();
    let live_ids = |e: &Engine| -> Vec<String> {
        e.state
            .live_attachments_of(&gw)
            .map(|a| a.vif_id.clone())
            .collect()
    };
    assert_eq!(live_ids(&e), std::slice::from_ref(&kept));
    // The index the check walks holds the live one alone.
    assert_eq!(
        e.state.live_attachments_by_gateway[&gw],
        std::slice::from_ref(&kept)
    );
    let mut restored = Engine::from_snapshot(&e.snapshot()).unwrap();
    assert_eq!(live_ids(&restored), std::slice::from_ref(&kept));
    // An attachment's events name it `gateway/vif`, also once loaded from
    // a snapshot, which does not store that name.
    let attachment = format!("{gw}/{kept}");
    let named = |e: &Engine| {
        changes(e)
            .iter()
            .filter(|c| c.0 == "gatewayAttachment" && c.1 == attachment)
            .count()
    };
    assert!(named(&e) > 0);
    run(
        &mut restored,
        PARTNER,
        Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
            virtual_interface_id: kept,
        }),
        T0,
    )
    .unwrap();
    assert!(named(&restored) > 0);
}
