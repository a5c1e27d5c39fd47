//! The measured flow (hosted private VIF: allocate, confirm, describe,
//! delete) and the one-off setup it needs.

use crate::client::{Account, CallError, Conn, Endpoint, Protocol};
use crate::stats::Recorder;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub const ALLOCATE: &str = "AllocatePrivateVirtualInterface";
pub const CONFIRM: &str = "ConfirmPrivateVirtualInterface";
pub const DESCRIBE: &str = "DescribeVirtualInterfaces";
pub const DELETE: &str = "DeleteVirtualInterface";
pub const FLOW_ORDER: [&str; 4] = [ALLOCATE, CONFIRM, DESCRIBE, DELETE];

pub const CUSTOMER: &str = "222222222222";
const FIRST_PARTNER: u64 = 111_111_111_111;

/// dxlocal enforces these the way AWS does by default.
const CONNECTIONS_PER_LOCATION: usize = 10;
const MAX_VLAN: usize = 4094;
/// A DXGW takes at most 30 VIFs; each worker holds at most one at a time,
/// so half that leaves room for VIFs whose delete is still settling.
const WORKERS_PER_DXGW: usize = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GatewayChoice {
    /// A VGW (no VIF limit), falling back to DXGWs if EC2 is not served.
    Auto,
    /// One virtual private gateway created with EC2 CreateVpnGateway.
    Vgw,
    /// Direct Connect gateways, one per 15 workers.
    Dxgw,
}

#[derive(Debug, Clone)]
pub struct ConnSlot {
    pub id: String,
    pub partner: String,
}

/// Everything the workers need; built once per target.
#[derive(Debug, Clone)]
pub struct Plan {
    pub connections: Vec<ConnSlot>,
    pub gateways: Vec<String>,
    /// `virtualGatewayId` or `directConnectGatewayId`.
    pub gateway_field: &'static str,
    pub concurrency: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerSlot {
    pub connection: usize,
    pub first_vlan: u16,
    pub vlans: u16,
}

impl Plan {
    /// For the floor, which accepts anything: IDs of the right shape only.
    pub fn synthetic(concurrency: usize) -> Self {
        Plan {
            connections: vec![ConnSlot {
                id: "dxcon-ffffffff".into(),
                partner: FIRST_PARTNER.to_string(),
            }],
            gateways: vec!["vgw-ffffffff".into()],
            gateway_field: "virtualGatewayId",
            concurrency,
        }
    }

    /// Workers are spread round-robin over connections, and the workers on
    /// one connection split its VLAN space into disjoint ranges, so no two
    /// workers ever race for a VLAN and a worker only reuses one of its own
    /// VLANs after cycling through the whole range.
    pub fn slot(&self, worker: usize) -> WorkerSlot {
        let n = self.connections.len().max(1);
        let sharing = self.concurrency.max(1).div_ceil(n);
        let vlans = (MAX_VLAN / sharing).max(1);
        let k = worker / n;
        WorkerSlot {
            connection: worker % n,
            first_vlan: (1 + (k * vlans) % MAX_VLAN) as u16,
            vlans: vlans as u16,
        }
    }

    pub fn gateway(&self, worker: usize) -> &str {
        &self.gateways[worker % self.gateways.len()]
    }
}

/// Default connection count: few enough to be quick to create, enough that
/// at most 10 workers share one (the per-connection quota is 50 VIFs).
pub fn default_connections(concurrency: usize) -> usize {
    concurrency.max(1).div_ceil(10)
}

pub fn str_field(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(str::to_string)
}

pub async fn must(
    conn: &mut Conn,
    proto: Protocol,
    account: &mut Account,
    op: &str,
    input: Value,
) -> Result<Value, String> {
    conn.call(proto, account, op, &input)
        .await
        .0
        .map_err(|e| format!("setup {op} as {}: {}", account.access_key, e.0))
}

pub async fn setup(
    endpoint: Endpoint,
    proto: Protocol,
    concurrency: usize,
    connections: usize,
    gateway: GatewayChoice,
) -> Result<Plan, String> {
    let mut conn = Conn::new(endpoint);
    let mut partners: Vec<Account> = Vec::new();
    let mut customer = Account::new(CUSTOMER);

    let first = FIRST_PARTNER.to_string();
    let mut p0 = Account::new(&first);
    let locs = must(&mut conn, proto, &mut p0, "DescribeLocations", json!({})).await?;
    partners.push(p0);
    let codes: Vec<String> = locs
        .get("locations")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| str_field(l, &["locationCode"]))
                .collect()
        })
        .unwrap_or_default();
    if codes.is_empty() {
        return Err(format!(
            "setup DescribeLocations returned no locations: {locs}"
        ));
    }

    let mut slots = Vec::with_capacity(connections);
    for j in 0..connections {
        // Past 10 connections in every location, move on to another partner.
        let p = j / (codes.len() * CONNECTIONS_PER_LOCATION);
        while partners.len() <= p {
            partners.push(Account::new(
                &(FIRST_PARTNER + partners.len() as u64).to_string(),
            ));
        }
        let partner = &mut partners[p];
        let loc = &codes[j % codes.len()];
        let created = must(
            &mut conn,
            proto,
            partner,
            "CreateConnection",
            json!({"location": loc, "bandwidth": "10Gbps", "connectionName": format!("bench-{j}")}),
        )
        .await?;
        let id = str_field(&created, &["connectionId"])
            .ok_or_else(|| format!("setup CreateConnection returned no connectionId: {created}"))?;
        // In instant mode the first read moves the connection to `available`.
        let described = must(
            &mut conn,
            proto,
            partner,
            "DescribeConnections",
            json!({"connectionId": id}),
        )
        .await?;
        let state = described
            .get("connections")
            .and_then(|c| c.get(0))
            .and_then(|c| str_field(c, &["connectionState"]));
        if state.as_deref() != Some("available") {
            eprintln!(
                "warning: connection {id} is {} after setup, allocations may fail",
                state.as_deref().unwrap_or("in an unknown state")
            );
        }
        slots.push(ConnSlot {
            id,
            partner: partner.access_key.clone(),
        });
    }

    let (gateways, gateway_field) = match gateway {
        GatewayChoice::Vgw => (
            vec![create_vgw(&mut conn, &mut customer).await?],
            "virtualGatewayId",
        ),
        GatewayChoice::Dxgw => (
            create_dxgws(&mut conn, proto, &mut customer, concurrency).await?,
            "directConnectGatewayId",
        ),
        GatewayChoice::Auto => match create_vgw(&mut conn, &mut customer).await {
            Ok(vgw) => (vec![vgw], "virtualGatewayId"),
            Err(e) => {
                eprintln!("warning: {e}; confirming onto Direct Connect gateways instead");
                (
                    create_dxgws(&mut conn, proto, &mut customer, concurrency).await?,
                    "directConnectGatewayId",
                )
            }
        },
    };

    Ok(Plan {
        connections: slots,
        gateways,
        gateway_field,
        concurrency,
    })
}

async fn create_vgw(conn: &mut Conn, customer: &mut Account) -> Result<String, String> {
    let xml = conn
        .call_ec2(
            customer,
            "Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1",
        )
        .await
        .0
        .map_err(|e| format!("setup EC2 CreateVpnGateway: {}", e.0))?;
    crate::client::xml_tag(&xml, "vpnGatewayId")
        .map(str::to_string)
        .ok_or_else(|| format!("setup EC2 CreateVpnGateway: no vpnGatewayId in {xml:?}"))
}

async fn create_dxgws(
    conn: &mut Conn,
    proto: Protocol,
    customer: &mut Account,
    concurrency: usize,
) -> Result<Vec<String>, String> {
    let n = concurrency.max(1).div_ceil(WORKERS_PER_DXGW);
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let v = must(
            conn,
            proto,
            customer,
            "CreateDirectConnectGateway",
            json!({"directConnectGatewayName": format!("bench-{i}")}),
        )
        .await?;
        ids.push(
            str_field(&v, &["directConnectGateway", "directConnectGatewayId"])
                .ok_or_else(|| format!("setup CreateDirectConnectGateway returned no ID: {v}"))?,
        );
    }
    Ok(ids)
}

#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Instant,
    pub end: Instant,
}

impl Window {
    pub fn new(warmup: Duration, duration: Duration) -> Self {
        let start = Instant::now() + warmup;
        Window {
            start,
            end: start + duration,
        }
    }

    /// A request belongs to the window it started in.
    pub fn contains(&self, t: Instant) -> bool {
        t >= self.start && t < self.end
    }
}

pub fn note<T>(
    rec: &mut Recorder,
    window: &Window,
    started: Instant,
    op: &'static str,
    res: &Result<T, CallError>,
    latency: Duration,
) -> bool {
    if window.contains(started) {
        match res {
            Ok(_) => rec.ok(op, latency),
            Err(e) => rec.error(op, e.0.clone()),
        }
    }
    res.is_ok()
}

/// One connection running flows back to back until the window closes. A flow
/// started before the close still deletes its VIF, so quotas do not leak.
pub async fn run_worker(
    worker: usize,
    mut conn: Conn,
    proto: Protocol,
    plan: &Plan,
    window: Window,
) -> Recorder {
    let slot = plan.slot(worker);
    let c = &plan.connections[slot.connection];
    let mut partner = Account::new(&c.partner);
    let mut customer = Account::new(CUSTOMER);
    let gateway = plan.gateway(worker).to_string();
    let mut rec = Recorder::default();

    for i in 0u64.. {
        let flow_start = Instant::now();
        if flow_start >= window.end {
            break;
        }
        let vlan = slot.first_vlan as u64 + i % slot.vlans as u64;

        let t = Instant::now();
        let input = json!({
            "connectionId": c.id,
            "ownerAccount": CUSTOMER,
            "newPrivateVirtualInterfaceAllocation": {
                "virtualInterfaceName": "b",
                "vlan": vlan,
                "asn": 65000,
            },
        });
        let (res, lat) = conn.call(proto, &mut partner, ALLOCATE, &input).await;
        let res = res.and_then(|v| {
            str_field(&v, &["virtualInterfaceId"])
                .ok_or_else(|| CallError("200 without virtualInterfaceId".into()))
        });
        note(&mut rec, &window, t, ALLOCATE, &res, lat);
        let Ok(vif) = res else {
            continue;
        };

        let mut ok = true;
        let t = Instant::now();
        let input = json!({"virtualInterfaceId": vif, plan.gateway_field: gateway});
        let (res, lat) = conn.call(proto, &mut customer, CONFIRM, &input).await;
        ok &= note(&mut rec, &window, t, CONFIRM, &res, lat);

        if ok {
            let t = Instant::now();
            let input = json!({"virtualInterfaceId": vif});
            let (res, lat) = conn.call(proto, &mut customer, DESCRIBE, &input).await;
            ok &= note(&mut rec, &window, t, DESCRIBE, &res, lat);
        }

        let t = Instant::now();
        let input = json!({"virtualInterfaceId": vif});
        let (res, lat) = conn.call(proto, &mut partner, DELETE, &input).await;
        ok &= note(&mut rec, &window, t, DELETE, &res, lat);

        if ok && window.contains(flow_start) {
            rec.flows += 1;
        }
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conns: usize, concurrency: usize) -> Plan {
        Plan {
            connections: (0..conns)
                .map(|i| ConnSlot {
                    id: format!("dxcon-{i}"),
                    partner: "111111111111".into(),
                })
                .collect(),
            gateways: vec!["vgw-1".into()],
            gateway_field: "virtualGatewayId",
            concurrency,
        }
    }

    #[test]
    fn worker_vlan_ranges_are_disjoint_and_in_bounds() {
        for (conns, conc) in [(1, 1), (1, 10), (7, 64), (3, 64), (1, 50), (2, 5000)] {
            let p = plan(conns, conc);
            let mut used = std::collections::HashSet::new();
            for w in 0..conc {
                let s = p.slot(w);
                assert!(s.connection < conns);
                assert!(s.vlans >= 1);
                let last = s.first_vlan as usize + s.vlans as usize - 1;
                assert!(
                    s.first_vlan >= 1 && last <= MAX_VLAN,
                    "{conns} {conc} {s:?}"
                );
                if conc <= conns * MAX_VLAN {
                    for v in s.first_vlan..=last as u16 {
                        assert!(
                            used.insert((s.connection, v)),
                            "{conns} {conc} overlap at {v}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn single_connection_single_worker_gets_every_vlan() {
        let s = plan(1, 1).slot(0);
        assert_eq!((s.first_vlan, s.vlans), (1, 4094));
    }

    #[test]
    fn default_connections_keeps_ten_workers_per_connection() {
        assert_eq!(default_connections(1), 1);
        assert_eq!(default_connections(8), 1);
        assert_eq!(default_connections(64), 7);
    }
}
