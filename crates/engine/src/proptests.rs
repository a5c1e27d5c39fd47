//! Property test: random operation sequences from random accounts and
//! regions, with random clock moves and faults. After every step: no panic,
//! no 5xx, and the state invariants hold.
//!
//! `DXLOCAL_PROPTEST_CASES=500 cargo test -p dxlocal-engine --release
//! proptests` runs longer than the default.

use super::*;
use crate::state::ConnKind;
use dxlocal_model::ec2::{Ec2Request, Ec2Response};
use dxlocal_model::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const ACCOUNTS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// IDs seen so far, whoever owns them: the generator mixes valid and
/// foreign references on purpose.
#[derive(Default)]
struct Seen {
    connections: Vec<String>,
    vifs: Vec<String>,
    gateways: Vec<String>,
    vgws: Vec<String>,
    vpcs: Vec<String>,
    lags: Vec<String>,
    associations: Vec<String>,
    peers: Vec<(String, String)>,
    /// Operations that succeeded, to prove the generator reaches deep states.
    succeeded: std::collections::HashSet<&'static str>,
}

fn pick(rng: &mut StdRng, v: &[String]) -> String {
    if v.is_empty() || rng.gen_bool(0.05) {
        return "dxcon-fzzzzzzz".to_string();
    }
    v[rng.gen_range(0..v.len())].clone()
}

fn location(region: &str, rng: &mut StdRng) -> String {
    let sites: Vec<_> = catalog::sites_in(region).collect();
    sites[rng.gen_range(0..sites.len())].code.to_string()
}

fn step(e: &mut Engine, rng: &mut StdRng, seen: &mut Seen, wall: f64) {
    let account = ACCOUNTS[rng.gen_range(0..3)];
    let region = REGIONS[rng.gen_range(0..2)];
    let caller = Caller::new(account, region);
    let vlan = rng.gen_range(1..6);
    let input = match rng.gen_range(0..20) {
        0 | 1 => Input::CreateConnection(CreateConnectionRequest {
            location: location(region, rng),
            bandwidth: "10Gbps".into(),
            connection_name: "p".into(),
            ..Default::default()
        }),
        2 | 3 => Input::AllocatePrivateVirtualInterface(AllocatePrivateVirtualInterfaceRequest {
            connection_id: pick(rng, &seen.connections),
            owner_account: ACCOUNTS[rng.gen_range(0..3)].into(),
            new_private_virtual_interface_allocation: NewPrivateVirtualInterfaceAllocation {
                virtual_interface_name: "v".into(),
                vlan,
                asn: Some(65000),
                ..Default::default()
            },
        }),
        4 => Input::CreatePrivateVirtualInterface(CreatePrivateVirtualInterfaceRequest {
            connection_id: pick(rng, &seen.connections),
            new_private_virtual_interface: NewPrivateVirtualInterface {
                virtual_interface_name: "v".into(),
                vlan,
                asn: Some(65001),
                virtual_gateway_id: rng.gen_bool(0.5).then(|| pick(rng, &seen.vgws)),
                direct_connect_gateway_id: rng.gen_bool(0.5).then(|| pick(rng, &seen.gateways)),
                ..Default::default()
            },
        }),
        5 | 6 => {
            // Biased towards calls that can succeed: a confirming VIF, by its
            // owner, onto exactly one of the owner's gateways.
            let confirming: Vec<(String, String, String)> = e
                .state
                .vifs
                .values()
                .filter(|v| v.state == VirtualInterfaceState::Confirming)
                .map(|v| (v.id.clone(), v.owner.clone(), v.region.clone()))
                .collect();
            if confirming.is_empty() || rng.gen_bool(0.2) {
                Input::ConfirmPrivateVirtualInterface(ConfirmPrivateVirtualInterfaceRequest {
                    virtual_interface_id: pick(rng, &seen.vifs),
                    virtual_gateway_id: rng.gen_bool(0.5).then(|| pick(rng, &seen.vgws)),
                    direct_connect_gateway_id: rng.gen_bool(0.5).then(|| pick(rng, &seen.gateways)),
                })
            } else {
                let (vif, owner, vregion) = confirming[rng.gen_range(0..confirming.len())].clone();
                let vgws: Vec<String> = e
                    .ec2
                    .vpn_gateways(&owner, &vregion)
                    .map(|g| g.vpn_gateway_id.clone())
                    .collect();
                let gws: Vec<String> = e
                    .state
                    .gateways_by_owner
                    .get(&owner)
                    .cloned()
                    .unwrap_or_default();
                let use_vgw = rng.gen_bool(0.5);
                let input =
                    Input::ConfirmPrivateVirtualInterface(ConfirmPrivateVirtualInterfaceRequest {
                        virtual_interface_id: vif,
                        virtual_gateway_id: use_vgw.then(|| pick(rng, &vgws)),
                        direct_connect_gateway_id: (!use_vgw).then(|| pick(rng, &gws)),
                    });
                match e.execute(&Caller::new(owner, vregion), input, wall) {
                    Ok(out) => {
                        seen.succeeded.insert(out.operation().name());
                    }
                    Err(err) => assert!(err.status < 500, "5xx from the engine: {err:?}"),
                }
                return;
            }
        }
        7 => Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
            virtual_interface_id: pick(rng, &seen.vifs),
        }),
        8 => Input::DeleteConnection(DeleteConnectionRequest {
            connection_id: pick(rng, &seen.connections),
        }),
        9 => Input::CreateDirectConnectGateway(CreateDirectConnectGatewayRequest {
            direct_connect_gateway_name: "g".into(),
            amazon_side_asn: Some(64512 + rng.gen_range(0..3)),
            ..Default::default()
        }),
        10 => Input::DeleteDirectConnectGateway(DeleteDirectConnectGatewayRequest {
            direct_connect_gateway_id: pick(rng, &seen.gateways),
        }),
        11 => Input::CreateDirectConnectGatewayAssociation(
            CreateDirectConnectGatewayAssociationRequest {
                direct_connect_gateway_id: pick(rng, &seen.gateways),
                gateway_id: Some(pick(rng, &seen.vgws)),
                ..Default::default()
            },
        ),
        12 => Input::DeleteDirectConnectGatewayAssociation(
            DeleteDirectConnectGatewayAssociationRequest {
                association_id: Some(pick(rng, &seen.associations)),
                ..Default::default()
            },
        ),
        13 => Input::CreateLag(CreateLagRequest {
            number_of_connections: rng.gen_range(0..4),
            location: location(region, rng),
            connections_bandwidth: "10Gbps".into(),
            lag_name: "l".into(),
            connection_id: rng.gen_bool(0.3).then(|| pick(rng, &seen.connections)),
            ..Default::default()
        }),
        14 => Input::AssociateConnectionWithLag(AssociateConnectionWithLagRequest {
            connection_id: pick(rng, &seen.connections),
            lag_id: pick(rng, &seen.lags),
        }),
        15 => Input::DisassociateConnectionFromLag(DisassociateConnectionFromLagRequest {
            connection_id: pick(rng, &seen.connections),
            lag_id: pick(rng, &seen.lags),
        }),
        16 => Input::DeleteLag(DeleteLagRequest {
            lag_id: pick(rng, &seen.lags),
        }),
        17 => {
            let to_lag = rng.gen_bool(0.5);
            Input::AssociateVirtualInterface(AssociateVirtualInterfaceRequest {
                virtual_interface_id: pick(rng, &seen.vifs),
                connection_id: pick(
                    rng,
                    if to_lag {
                        &seen.lags
                    } else {
                        &seen.connections
                    },
                ),
            })
        }
        18 => {
            let (vif, peer) = if seen.peers.is_empty() {
                ("dxvif-fzzzzzzz".to_string(), "dxpeer-fzzzzzzz".to_string())
            } else {
                seen.peers[rng.gen_range(0..seen.peers.len())].clone()
            };
            if rng.gen_bool(0.5) {
                Input::CreateBGPPeer(CreateBGPPeerRequest {
                    virtual_interface_id: Some(vif),
                    new_bgp_peer: Some(NewBGPPeer {
                        asn: Some(65002),
                        address_family: Some(if rng.gen_bool(0.5) {
                            AddressFamily::Ipv6
                        } else {
                            AddressFamily::Ipv4
                        }),
                        ..Default::default()
                    }),
                })
            } else {
                Input::DeleteBGPPeer(DeleteBGPPeerRequest {
                    virtual_interface_id: Some(vif),
                    bgp_peer_id: Some(peer),
                    ..Default::default()
                })
            }
        }
        _ => {
            ec2_step(e, rng, seen, &caller, wall);
            return;
        }
    };
    match e.execute(&caller, input, wall) {
        Ok(out) => {
            seen.succeeded.insert(out.operation().name());
            remember(seen, out)
        }
        Err(err) => assert!(err.status < 500, "5xx from the engine: {err:?}"),
    }
}

fn ec2_step(e: &mut Engine, rng: &mut StdRng, seen: &mut Seen, caller: &Caller, wall: f64) {
    let req = match rng.gen_range(0..5) {
        0 => Ec2Request::CreateVpc {
            cidr_block: Some(format!("10.{}.0.0/16", rng.gen_range(0..4))),
            instance_tenancy: None,
            tag_specifications: vec![],
        },
        1 => Ec2Request::CreateVpnGateway {
            gateway_type: "ipsec.1".into(),
            amazon_side_asn: None,
            availability_zone: None,
            tag_specifications: vec![],
        },
        2 => Ec2Request::AttachVpnGateway {
            vpc_id: pick(rng, &seen.vpcs),
            vpn_gateway_id: pick(rng, &seen.vgws),
        },
        3 => Ec2Request::DetachVpnGateway {
            vpc_id: pick(rng, &seen.vpcs),
            vpn_gateway_id: pick(rng, &seen.vgws),
        },
        _ => Ec2Request::DeleteVpnGateway {
            vpn_gateway_id: pick(rng, &seen.vgws),
        },
    };
    match e.execute_ec2(caller, req, wall) {
        Ok(Ec2Response::CreateVpc { vpc }) => seen.vpcs.push(vpc.vpc_id),
        Ok(Ec2Response::CreateVpnGateway { vpn_gateway }) => {
            seen.vgws.push(vpn_gateway.vpn_gateway_id)
        }
        Ok(_) => {}
        Err(err) => assert!(err.status < 500, "5xx from EC2: {err:?}"),
    }
}

fn remember(seen: &mut Seen, out: Output) {
    let vif = |seen: &mut Seen, v: &VirtualInterface| {
        let id = v.virtual_interface_id.clone().unwrap_or_default();
        for p in v.bgp_peers.iter().flatten() {
            seen.peers
                .push((id.clone(), p.bgp_peer_id.clone().unwrap_or_default()));
        }
        seen.vifs.push(id);
    };
    match out {
        Output::CreateConnection(c) => seen.connections.extend(c.connection_id),
        Output::AllocatePrivateVirtualInterface(v) | Output::CreatePrivateVirtualInterface(v) => {
            vif(seen, &v)
        }
        Output::CreateBGPPeer(r) => {
            if let Some(v) = r.virtual_interface {
                vif(seen, &v)
            }
        }
        Output::CreateDirectConnectGateway(g) => seen.gateways.extend(
            g.direct_connect_gateway
                .and_then(|g| g.direct_connect_gateway_id),
        ),
        Output::CreateDirectConnectGatewayAssociation(a) => seen.associations.extend(
            a.direct_connect_gateway_association
                .and_then(|a| a.association_id),
        ),
        Output::CreateLag(l) => {
            seen.lags.extend(l.lag_id);
            for c in l.connections.into_iter().flatten() {
                seen.connections.extend(c.connection_id);
            }
        }
        _ => {}
    }
}

/// What must always be true of the state, whatever happened.
fn check_invariants(e: &Engine) {
    let st = &e.state;
    // No VLAN used twice among the live VIFs of one connection or LAG.
    for (port, ids) in &st.live_vifs_by_connection {
        let mut vlans: Vec<i32> = ids.iter().map(|id| st.vifs[id].vlan).collect();
        let n = vlans.len();
        vlans.sort_unstable();
        vlans.dedup();
        assert_eq!(vlans.len(), n, "VLAN reused on {port}");
    }
    for v in st.vifs.values() {
        // Every VIF's connection or LAG exists, and its live index agrees.
        let exists =
            st.connections.contains_key(&v.connection_id) || st.lags.contains_key(&v.connection_id);
        assert!(exists, "VIF {} on a missing port {}", v.id, v.connection_id);
        let indexed = st
            .live_vifs_by_connection
            .get(&v.connection_id)
            .is_some_and(|l| l.contains(&v.id));
        assert_eq!(indexed, v.is_live(), "live index disagrees for {}", v.id);
        // A live VIF always keeps at least one BGP session.
        if v.is_live() && v.state != VirtualInterfaceState::Deleting {
            assert!(
                v.peers.iter().any(|p| p.state != BGPPeerState::Deleted),
                "VIF {} lost every peer",
                v.id
            );
        }
    }
    // No orphan attachment: its VIF exists and points back at the gateway.
    for a in st.attachments.values() {
        let v = st
            .vifs
            .get(&a.vif_id)
            .unwrap_or_else(|| panic!("attachment of missing VIF {}", a.vif_id));
        assert_eq!(
            v.direct_connect_gateway_id, a.gateway_id,
            "attachment disagrees with VIF {}",
            v.id
        );
    }
    // Associations point at gateways that exist (or are being deleted).
    for a in st.associations.values().filter(|a| a.is_live()) {
        assert!(
            st.gateways.contains_key(&a.gateway_id),
            "association {} of a missing gateway",
            a.id
        );
    }
    // LAG members are live connections that name the LAG.
    for lag in st.lags.values() {
        for m in &lag.members {
            let c = &st.connections[m];
            assert_eq!(
                c.lag_id.as_deref(),
                Some(lag.id.as_str()),
                "member {m} does not name LAG {}",
                lag.id
            );
        }
    }
    for c in st.connections.values() {
        if let ConnKind::Hosted { parent_id, .. } = &c.kind {
            assert!(st
                .hosted_by_parent
                .get(parent_id)
                .is_some_and(|l| l.contains(&c.id)));
        }
    }
}

#[test]
fn random_sequences_never_break_the_state() {
    let cases: u64 = std::env::var("DXLOCAL_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let mut reached = std::collections::HashSet::new();
    for case in 0..cases {
        let mut rng = StdRng::seed_from_u64(case);
        let lifecycle = [Lifecycle::Instant, Lifecycle::Manual][rng.gen_range(0..2)];
        let mut e = Engine::new(
            EngineConfig {
                lifecycle,
                seed: Some(case),
                ..Default::default()
            },
            1.0e9,
        );
        let mut seen = Seen::default();
        let mut wall = 1.0e9;
        for _ in 0..300 {
            match rng.gen_range(0..25) {
                0 => {
                    e.advance_clock(rng.gen_range(0.0..1200.0), wall);
                }
                1 => {
                    let fault = match rng.gen_range(0..3) {
                        0 => Fault::ConnectionDown {
                            id: pick(&mut rng, &seen.connections),
                        },
                        1 => Fault::ConnectionUp {
                            id: pick(&mut rng, &seen.connections),
                        },
                        _ => Fault::VifDown {
                            vif: pick(&mut rng, &seen.vifs),
                        },
                    };
                    let seconds = rng.gen_bool(0.5).then(|| rng.gen_range(1.0..600.0));
                    let _ = e.apply_fault(fault, seconds, wall);
                }
                _ => step(&mut e, &mut rng, &mut seen, wall),
            }
            wall += rng.gen_range(0.0..5.0);
            check_invariants(&e);
        }
        reached.extend(seen.succeeded);
    }
    for op in [
        "ConfirmPrivateVirtualInterface",
        "CreatePrivateVirtualInterface",
        "CreateLag",
        "AssociateConnectionWithLag",
        "AssociateVirtualInterface",
        "DeleteVirtualInterface",
        "CreateBGPPeer",
        "DeleteDirectConnectGateway",
    ] {
        assert!(
            reached.contains(op),
            "no sequence ever got {op} to succeed: the generator is too shallow"
        );
    }
}
