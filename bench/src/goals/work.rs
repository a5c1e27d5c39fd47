//! The closed-loop workloads of the throughput, durable and moto goals, and
//! the runner that alternates targets within one measurement.

use crate::client::{Account, CallError, Conn, Endpoint, Protocol};
use crate::flow::{self, GatewayChoice, Plan, Window, CUSTOMER};
use crate::stats::Recorder;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DESCRIBE_VIFS: &str = "DescribeVirtualInterfaces";
pub const CREATE_CONNECTION: &str = "CreateConnection";
pub const DESCRIBE_CONNECTIONS: &str = "DescribeConnections";

/// dxlocal enforces AWS's default: 10 connections per location per account.
pub const CONNECTIONS_PER_LOCATION: u64 = 10;
/// Every location offers 1G ports, so any location accepts this bandwidth.
pub const BANDWIDTH: &str = "1Gbps";

/// First account of the CreateConnection workload; a fresh account every
/// `locations x 10` creates keeps every call under the quota.
const CREATE_ACCOUNT_BASE: u64 = 400_000_000_000;
/// Accounts owning the connections the DescribeConnections workload reads.
const DESCRIBE_CONN_ACCOUNT_BASE: u64 = 450_000_000_000;

/// What every worker of one target does, request after request.
pub enum Work {
    /// DescribeVirtualInterfaces for one VIF ID, as its owner (the customer).
    DescribeVif { vifs: Vec<String> },
    /// CreateConnection, each call in a new (account, location) slot.
    CreateConnection {
        next: AtomicU64,
        locations: Vec<String>,
    },
    /// The hosted VIF flow of flow mode: allocate, confirm, describe, delete.
    Mix(Plan),
    /// DescribeConnections for one connection ID, as its owner.
    DescribeConnection { conns: Vec<(String, String)> },
}

impl Work {
    pub fn create_connection(locations: Vec<String>) -> Self {
        Work::CreateConnection {
            next: AtomicU64::new(0),
            locations,
        }
    }

    /// For the floor, which answers anything with 200: IDs of the right shape.
    pub fn synthetic_describe_vif() -> Self {
        Work::DescribeVif {
            vifs: vec!["dxvif-ffffffff".into()],
        }
    }
}

/// The account and location of the `slot`-th CreateConnection.
pub fn create_slot(slot: u64, locations: usize) -> (String, usize) {
    let per_account = locations.max(1) as u64 * CONNECTIONS_PER_LOCATION;
    let account = CREATE_ACCOUNT_BASE + slot / per_account;
    let location = (slot % per_account) / CONNECTIONS_PER_LOCATION;
    (account.to_string(), location as usize)
}

pub async fn locations(ep: &Endpoint, proto: Protocol) -> Result<Vec<String>, String> {
    let mut conn = Conn::new(ep.clone());
    let mut acct = Account::new("111111111111");
    let v = flow::must(&mut conn, proto, &mut acct, "DescribeLocations", json!({})).await?;
    let codes: Vec<String> = v
        .get("locations")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| flow::str_field(l, &["locationCode"]))
                .collect()
        })
        .unwrap_or_default();
    if codes.is_empty() {
        return Err(format!("DescribeLocations returned no locations: {v}"));
    }
    Ok(codes)
}

/// Forgets every resource, so each workload starts from an empty server.
pub async fn reset(ep: &Endpoint) -> Result<(), String> {
    let mut conn = Conn::new(ep.clone());
    match conn.admin("POST", "/_dxlocal/reset", "{}").await {
        Ok((s, _)) if s.is_success() => Ok(()),
        Ok((s, body)) => Err(format!(
            "POST /_dxlocal/reset answered {s}: {}",
            String::from_utf8_lossy(&body)
        )),
        Err(e) => Err(format!("POST /_dxlocal/reset: {}", e.0)),
    }
}

/// One confirmed hosted VIF per worker, each described once to check the
/// measured call really finds it.
pub async fn setup_describe_vif(
    ep: &Endpoint,
    proto: Protocol,
    concurrency: usize,
) -> Result<Work, String> {
    let plan = flow::setup(
        ep.clone(),
        proto,
        concurrency,
        flow::default_connections(concurrency),
        GatewayChoice::Auto,
    )
    .await?;
    let mut conn = Conn::new(ep.clone());
    let mut customer = Account::new(CUSTOMER);
    let mut vifs = Vec::with_capacity(concurrency);
    for w in 0..concurrency {
        let slot = plan.slot(w);
        let c = &plan.connections[slot.connection];
        let mut partner = Account::new(&c.partner);
        let v = flow::must(
            &mut conn,
            proto,
            &mut partner,
            flow::ALLOCATE,
            json!({
                "connectionId": c.id,
                "ownerAccount": CUSTOMER,
                "newPrivateVirtualInterfaceAllocation": {
                    "virtualInterfaceName": format!("describe-{w}"),
                    "vlan": slot.first_vlan,
                    "asn": 65000,
                },
            }),
        )
        .await?;
        let id = flow::str_field(&v, &["virtualInterfaceId"])
            .ok_or_else(|| format!("setup {}: no virtualInterfaceId in {v}", flow::ALLOCATE))?;
        flow::must(
            &mut conn,
            proto,
            &mut customer,
            flow::CONFIRM,
            json!({"virtualInterfaceId": id, plan.gateway_field: plan.gateway(w)}),
        )
        .await?;
        let d = flow::must(
            &mut conn,
            proto,
            &mut customer,
            DESCRIBE_VIFS,
            json!({"virtualInterfaceId": id}),
        )
        .await?;
        let found = d
            .get("virtualInterfaces")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if found != 1 {
            return Err(format!("setup: describing {id} found {found} VIFs: {d}"));
        }
        vifs.push(id);
    }
    Ok(Work::DescribeVif { vifs })
}

/// One connection per worker, each in its own account.
pub async fn setup_describe_connection(
    ep: &Endpoint,
    proto: Protocol,
    concurrency: usize,
    location: &str,
) -> Result<Work, String> {
    let mut conn = Conn::new(ep.clone());
    let mut conns = Vec::with_capacity(concurrency);
    for w in 0..concurrency {
        let account = (DESCRIBE_CONN_ACCOUNT_BASE + w as u64).to_string();
        let mut acct = Account::new(&account);
        let v = flow::must(
            &mut conn,
            proto,
            &mut acct,
            CREATE_CONNECTION,
            json!({"location": location, "bandwidth": BANDWIDTH,
                   "connectionName": format!("describe-{w}")}),
        )
        .await?;
        let id = flow::str_field(&v, &["connectionId"])
            .ok_or_else(|| format!("setup {CREATE_CONNECTION}: no connectionId in {v}"))?;
        let d = flow::must(
            &mut conn,
            proto,
            &mut acct,
            DESCRIBE_CONNECTIONS,
            json!({"connectionId": id}),
        )
        .await?;
        let found = d
            .get("connections")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if found != 1 {
            return Err(format!("setup: describing {id} found {found} connections"));
        }
        conns.push((account, id));
    }
    Ok(Work::DescribeConnection { conns })
}

fn record(
    rec: &mut Recorder,
    window: &Window,
    started: Instant,
    op: &'static str,
    res: Result<Value, CallError>,
    latency: Duration,
) {
    flow::note(rec, window, started, op, &res, latency);
}

async fn run_worker(
    w: usize,
    mut conn: Conn,
    proto: Protocol,
    work: &Work,
    window: Window,
) -> Recorder {
    let mut rec = Recorder::default();
    match work {
        Work::Mix(plan) => return flow::run_worker(w, conn, proto, plan, window).await,
        Work::DescribeVif { vifs } => {
            let mut customer = Account::new(CUSTOMER);
            let input = json!({"virtualInterfaceId": vifs[w % vifs.len()]});
            while Instant::now() < window.end {
                let t = Instant::now();
                let (res, lat) = conn.call(proto, &mut customer, DESCRIBE_VIFS, &input).await;
                record(&mut rec, &window, t, DESCRIBE_VIFS, res, lat);
            }
        }
        Work::DescribeConnection { conns } => {
            let (account, id) = &conns[w % conns.len()];
            let mut acct = Account::new(account);
            let input = json!({"connectionId": id});
            while Instant::now() < window.end {
                let t = Instant::now();
                let (res, lat) = conn
                    .call(proto, &mut acct, DESCRIBE_CONNECTIONS, &input)
                    .await;
                record(&mut rec, &window, t, DESCRIBE_CONNECTIONS, res, lat);
            }
        }
        Work::CreateConnection { next, locations } => {
            // Signers cache their key per account, so one per account in use.
            let mut acct: Option<Account> = None;
            while Instant::now() < window.end {
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let (account, loc) = create_slot(slot, locations.len());
                if acct.as_ref().is_none_or(|a| a.access_key != account) {
                    acct = Some(Account::new(&account));
                }
                let a = acct.as_mut().expect("set above");
                let input = json!({
                    "location": locations[loc],
                    "bandwidth": BANDWIDTH,
                    "connectionName": format!("c{slot}"),
                });
                let t = Instant::now();
                let (res, lat) = conn.call(proto, a, CREATE_CONNECTION, &input).await;
                record(&mut rec, &window, t, CREATE_CONNECTION, res, lat);
            }
        }
    }
    rec
}

/// One slice: every worker on its own preopened connection. With the
/// server's `pid`, also the CPU time it spent within the window.
async fn run_slice(
    ep: &Endpoint,
    pid: Option<u32>,
    proto: Protocol,
    work: &Arc<Work>,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<(Recorder, Option<u64>), String> {
    let conns = Conn::open_all(ep, concurrency).await?;
    let window = Window::new(warmup, duration);
    let cpu = pid.map(|pid| {
        tokio::spawn(async move {
            tokio::time::sleep_until(window.start.into()).await;
            let start = crate::goals::startup::cpu_ns(pid)?;
            tokio::time::sleep_until(window.end.into()).await;
            Some(crate::goals::startup::cpu_ns(pid)?.saturating_sub(start))
        })
    });
    let handles: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(w, conn)| {
            let work = work.clone();
            tokio::spawn(async move { run_worker(w, conn, proto, &work, window).await })
        })
        .collect();
    let mut rec = Recorder::default();
    for h in handles {
        rec.merge(h.await.map_err(|e| format!("worker failed: {e}"))?);
    }
    let cpu = match cpu {
        Some(h) => h.await.map_err(|e| format!("CPU sampler failed: {e}"))?,
        None => None,
    };
    Ok((rec, cpu))
}

impl Timing {
    /// Rounds, and the warmup and measured time of each.
    fn per_round(&self) -> (u32, Duration, Duration) {
        let rounds = self.rounds.max(1);
        (rounds, self.warmup / rounds, self.duration / rounds)
    }
}

pub struct Timing {
    pub concurrency: usize,
    pub rounds: u32,
    /// Warmup and measured time per target, summed over the rounds.
    pub warmup: Duration,
    pub duration: Duration,
}

/// What one alternating comparison measured.
pub struct Measured {
    /// One recorder per target, over `timing.duration` in total.
    pub recs: Vec<Recorder>,
    /// Requests per second of each target in each round: the spread of
    /// per-round ratios shows how steady the machine was.
    pub round_rates: Vec<Vec<f64>>,
    /// Server CPU nanoseconds of each target over all rounds, where the
    /// bench knows the server's PID.
    pub cpu_ns: Vec<Option<u64>>,
}

impl Measured {
    fn new(targets: &[Target<'_>]) -> Self {
        let n = targets.len();
        Measured {
            recs: vec![Recorder::default(); n],
            round_rates: vec![Vec::new(); n],
            cpu_ns: targets.iter().map(|t| t.2.map(|_| 0)).collect(),
        }
    }

    /// Adds target `i`'s slice of one round.
    fn add(&mut self, i: usize, (rec, cpu): (Recorder, Option<u64>), duration: Duration) {
        let total = rec.total(duration.as_secs_f64());
        self.round_rates[i].push(total.req_per_sec);
        // One sample missing (procfs gone) makes the whole sum unknown.
        self.cpu_ns[i] = self.cpu_ns[i].zip(cpu).map(|(sum, c)| sum + c);
        self.recs[i].merge(rec);
    }

    /// Lowest and highest per-round throughput ratio of target 0 over 1.
    pub fn round_ratio_range(&self) -> Option<(f64, f64)> {
        let ratios: Vec<f64> = self.round_rates[0]
            .iter()
            .zip(&self.round_rates[1])
            .filter(|(_, b)| **b > 0.0)
            .map(|(a, b)| a / b)
            .collect();
        let lo = ratios.iter().copied().reduce(f64::min)?;
        let hi = ratios.iter().copied().reduce(f64::max)?;
        Some((lo, hi))
    }

    /// Server CPU time per request of target `i` over all rounds, in
    /// microseconds.
    pub fn cpu_us_per_request(&self, i: usize) -> Option<f64> {
        let requests = self.recs[i].requests();
        let ns = self.cpu_ns[i]?;
        (requests > 0).then(|| ns as f64 / 1e3 / requests as f64)
    }
}

/// What [`interleave`] runs: where, what, and the server's PID if the
/// bench started it (to read the CPU time it spends).
pub type Target<'a> = (&'a Endpoint, Arc<Work>, Option<u32>);

/// Runs every target for `rounds` slices in turn (A B B A ...), so
/// background load on the machine lands on all of them alike.
pub async fn interleave(
    targets: &[Target<'_>],
    proto: Protocol,
    timing: &Timing,
) -> Result<Measured, String> {
    let (rounds, warmup, duration) = timing.per_round();
    let mut measured = Measured::new(targets);
    for round in 0..rounds {
        // Alternate who goes first, so neither always follows the other.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..targets.len()).collect()
        } else {
            (0..targets.len()).rev().collect()
        };
        for i in order {
            let (ep, work, pid) = &targets[i];
            let slice =
                run_slice(ep, *pid, proto, work, timing.concurrency, warmup, duration).await?;
            measured.add(i, slice, duration);
        }
    }
    Ok(measured)
}

/// Runs two targets at once, each with half the connections, for `rounds`
/// slices: whatever the machine does at a given moment (a neighbour's
/// burst, a change of clock speed) it does to both, where taking turns
/// only evens it out over many rounds. For comparing two servers of one
/// kind; against another kind, each would slow the other.
pub async fn side_by_side(
    targets: &[Target<'_>; 2],
    proto: Protocol,
    timing: &Timing,
) -> Result<Measured, String> {
    let (rounds, warmup, duration) = timing.per_round();
    let half = (timing.concurrency / 2).max(1);
    let mut measured = Measured::new(targets);
    for _ in 0..rounds {
        let [(a_ep, a_work, a_pid), (b_ep, b_work, b_pid)] = targets;
        let (a, b) = tokio::join!(
            run_slice(a_ep, *a_pid, proto, a_work, half, warmup, duration),
            run_slice(b_ep, *b_pid, proto, b_work, half, warmup, duration),
        );
        measured.add(0, a?, duration);
        measured.add(1, b?, duration);
    }
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn create_slots_stay_within_the_location_quota() {
        let mut per: HashMap<(String, usize), u64> = HashMap::new();
        for slot in 0..1000 {
            let (a, l) = create_slot(slot, 3);
            assert!(l < 3);
            assert_eq!(a.len(), 12);
            *per.entry((a, l)).or_default() += 1;
        }
        assert!(per.values().all(|&n| n <= CONNECTIONS_PER_LOCATION));
        assert_eq!(create_slot(0, 3), ("400000000000".into(), 0));
        assert_eq!(create_slot(10, 3), ("400000000000".into(), 1));
        assert_eq!(create_slot(30, 3), ("400000000001".into(), 0));
    }
}
