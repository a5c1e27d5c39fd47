//! What recording state changes (the event log behind the dashboard) costs
//! the engine itself, without HTTP around it: the hosted-VIF flow
//! (allocate, confirm onto a Direct Connect gateway, describe, delete) with
//! recording on and off, taking turns, in one process. The server-level
//! comparison is bench goal 7; this one is steady enough to show a few
//! percent.
//!
//! `cargo bench -p dxlocal-engine --bench recording`; with `ONLY=on` (or
//! `off`) it runs six rounds (or `ROUNDS`) of one side alone and prints
//! events per flow, for a profiler or an instruction count
//! (`valgrind --tool=callgrind`), which unlike time is the same every run.

use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use dxlocal_engine::{Caller, Engine, EngineConfig};
use dxlocal_model::*;

const PARTNER: &str = "111111111111";
const CUSTOMER: &str = "222222222222";
const CONNECTIONS: usize = 8;
const FLOWS_PER_ROUND: usize = 20_000;
const ROUNDS: usize = 10;

struct Bench {
    engine: Engine,
    partner: Caller,
    customer: Caller,
    connections: Vec<String>,
    gateway: String,
    wall: f64,
    flows: usize,
}

impl Bench {
    fn new(recording: bool) -> Bench {
        let wall = 1_700_000_000.0;
        let mut engine = Engine::new(
            EngineConfig {
                seed: Some(7),
                ..Default::default()
            },
            wall,
        );
        engine.set_recording(recording);
        let mut b = Bench {
            engine,
            partner: Caller::new(PARTNER, "us-east-1"),
            customer: Caller::new(CUSTOMER, "us-east-1"),
            connections: Vec::new(),
            gateway: String::new(),
            wall,
            flows: 0,
        };
        for i in 0..CONNECTIONS {
            let out = b.call(
                true,
                Input::CreateConnection(CreateConnectionRequest {
                    location: "EqDC2".into(),
                    bandwidth: "10Gbps".into(),
                    connection_name: format!("c{i}"),
                    ..Default::default()
                }),
            );
            let Output::CreateConnection(c) = out else {
                unreachable!()
            };
            b.connections.push(c.connection_id.unwrap_or_default());
        }
        let out = b.call(
            false,
            Input::CreateDirectConnectGateway(CreateDirectConnectGatewayRequest {
                direct_connect_gateway_name: "gw".into(),
                amazon_side_asn: Some(64512),
                ..Default::default()
            }),
        );
        let Output::CreateDirectConnectGateway(g) = out else {
            unreachable!()
        };
        b.gateway = g
            .direct_connect_gateway
            .and_then(|g| g.direct_connect_gateway_id)
            .unwrap_or_default();
        b
    }

    fn call(&mut self, partner: bool, input: Input) -> Output {
        self.wall += 0.000_01;
        let caller = if partner {
            &self.partner
        } else {
            &self.customer
        };
        match self.engine.execute(caller, input, self.wall) {
            Ok(out) => out,
            Err(e) => panic!("{}: {}", e.code, e.message),
        }
    }

    fn flow(&mut self) {
        let n = self.flows;
        self.flows += 1;
        let connection = self.connections[n % CONNECTIONS].clone();
        let out = self.call(
            true,
            Input::AllocatePrivateVirtualInterface(AllocatePrivateVirtualInterfaceRequest {
                connection_id: connection,
                owner_account: CUSTOMER.into(),
                new_private_virtual_interface_allocation: NewPrivateVirtualInterfaceAllocation {
                    virtual_interface_name: "hosted".into(),
                    vlan: 1 + (n / CONNECTIONS % 4000) as i32,
                    asn: Some(65000),
                    ..Default::default()
                },
            }),
        );
        let Output::AllocatePrivateVirtualInterface(vif) = out else {
            unreachable!()
        };
        let id = vif.virtual_interface_id.unwrap_or_default();
        self.call(
            false,
            Input::ConfirmPrivateVirtualInterface(ConfirmPrivateVirtualInterfaceRequest {
                virtual_interface_id: id.clone(),
                virtual_gateway_id: None,
                direct_connect_gateway_id: Some(self.gateway.clone()),
            }),
        );
        self.call(
            false,
            Input::DescribeVirtualInterfaces(DescribeVirtualInterfacesRequest {
                virtual_interface_id: Some(id.clone()),
                ..Default::default()
            }),
        );
        self.call(
            true,
            Input::DeleteVirtualInterface(DeleteVirtualInterfaceRequest {
                virtual_interface_id: id,
            }),
        );
    }

    fn round(&mut self) -> Duration {
        let started = Instant::now();
        for _ in 0..FLOWS_PER_ROUND {
            self.flow();
        }
        started.elapsed()
    }
}

fn main() {
    if let Ok(side) = std::env::var("ONLY") {
        let mut b = Bench::new(side == "on");
        let rounds = std::env::var("ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(6);
        for _ in 0..rounds {
            b.round();
        }
        let events = b.engine.events().next_seq() - 1;
        println!("events per flow: {:.2}", events as f64 / b.flows as f64);
        return;
    }
    let mut on = Bench::new(true);
    let mut off = Bench::new(false);
    // Warm up both (allocator, caches) before timing.
    on.round();
    off.round();
    let (mut t_on, mut t_off) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::new();
    for r in 0..ROUNDS {
        // A B B A: neither side always runs second.
        let (a, b) = if r % 2 == 0 {
            let a = on.round();
            (a, off.round())
        } else {
            let b = off.round();
            (on.round(), b)
        };
        t_on += a;
        t_off += b;
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let flows = (ROUNDS * FLOWS_PER_ROUND) as f64;
    let per = |t: Duration| t.as_secs_f64() / flows / 4.0 * 1e9;
    println!(
        "engine, hosted-VIF flow (4 calls), {ROUNDS} rounds of {FLOWS_PER_ROUND} flows each way"
    );
    println!("recording on   {:>7.0} ns per call", per(t_on));
    println!("recording off  {:>7.0} ns per call", per(t_off));
    println!(
        "on / off       {:>7.3} (median round {:.3}, range {:.3}-{:.3})",
        t_on.as_secs_f64() / t_off.as_secs_f64(),
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
