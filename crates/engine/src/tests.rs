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
