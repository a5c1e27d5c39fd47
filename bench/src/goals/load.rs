//! Loads hosted private VIFs into a server over HTTP, as fast as the
//! server takes them, within the default quotas: 10 connections per
//! location per partner account, 50 VIFs per connection. Accounts cost
//! nothing (a 12-digit access key is an account), so any number of VIFs
//! fits by spreading them over enough partner accounts.

use crate::client::{Account, Conn, Endpoint, Protocol};
use crate::flow;
use crate::goals::work::{BANDWIDTH, CONNECTIONS_PER_LOCATION, CREATE_CONNECTION};
use serde_json::json;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The default private/public VIFs-per-connection quota.
pub const VIFS_PER_CONNECTION: usize = 50;

/// Who owns what: connection `c` belongs to partner
/// `partner_base + c / (locations x 10)`; VIF `v` sits on connection
/// `v / 50` with VLAN `1 + v % 50` and is allocated to customer
/// `customer_base + v % customers`, so every customer's VIFs are spread over
/// many connections and each customer holds `vifs / customers` of them.
#[derive(Debug, Clone)]
pub struct Layout {
    pub partner_base: u64,
    pub customer_base: u64,
    pub vifs: usize,
    pub customers: usize,
}

impl Layout {
    pub fn connections(&self) -> usize {
        self.vifs.div_ceil(VIFS_PER_CONNECTION)
    }

    pub fn partner(&self, connection: usize, locations: usize) -> (u64, usize) {
        let per_partner = locations.max(1) * CONNECTIONS_PER_LOCATION as usize;
        let partner = self.partner_base + (connection / per_partner) as u64;
        let location = (connection % per_partner) / CONNECTIONS_PER_LOCATION as usize;
        (partner, location)
    }

    pub fn customer(&self, vif: usize) -> u64 {
        self.customer_base + (vif % self.customers.max(1)) as u64
    }

    pub fn vlan(vif: usize) -> usize {
        1 + vif % VIFS_PER_CONNECTION
    }
}

#[derive(Debug, Clone)]
pub struct Loaded {
    /// (partner account, connection ID), by connection index.
    pub connections: Vec<(String, String)>,
    /// VIF IDs by VIF index.
    pub vifs: Vec<String>,
}

/// Runs `jobs` numbered jobs on `concurrency` connections, each worker
/// taking the next number; stops at the first error. Returns the job
/// results by job number.
async fn run_jobs<F, Fut>(
    ep: &Endpoint,
    jobs: usize,
    concurrency: usize,
    what: &str,
    job: F,
) -> Result<Vec<String>, String>
where
    F: Fn(Conn, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (Conn, Result<String, String>)> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let job = Arc::new(job);
    let started = Instant::now();
    let step = (jobs / 10).max(1);
    let mut handles = Vec::new();
    for _ in 0..concurrency.clamp(1, jobs.max(1)) {
        let (next, done, failed, first_error, job) = (
            next.clone(),
            done.clone(),
            failed.clone(),
            first_error.clone(),
            job.clone(),
        );
        let mut conn = Conn::new(ep.clone());
        let what = what.to_string();
        handles.push(tokio::spawn(async move {
            let mut out = Vec::new();
            while !failed.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs {
                    break;
                }
                let (c, r) = job(conn, i).await;
                conn = c;
                match r {
                    Ok(id) => out.push((i, id)),
                    Err(e) => {
                        failed.store(true, Ordering::Relaxed);
                        let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                        slot.get_or_insert(e);
                        break;
                    }
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n % step == 0 && n < jobs {
                    eprintln!(
                        "  {what}: {n}/{jobs} ({:.0}/s)",
                        n as f64 / started.elapsed().as_secs_f64()
                    );
                }
            }
            out
        }));
    }
    let mut results = vec![String::new(); jobs];
    for h in handles {
        for (i, id) in h.await.map_err(|e| format!("load worker failed: {e}"))? {
            results[i] = id;
        }
    }
    if let Some(e) = first_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(format!("loading {what}: {e}"));
    }
    Ok(results)
}

/// Creates the layout's connections, then allocates its VIFs.
pub async fn load(
    ep: &Endpoint,
    proto: Protocol,
    locations: &[String],
    layout: &Layout,
    concurrency: usize,
) -> Result<Loaded, String> {
    let locs = Arc::new(locations.to_vec());
    let lay = Arc::new(layout.clone());
    let started = Instant::now();

    let (l, la) = (locs.clone(), lay.clone());
    let conn_ids = run_jobs(
        ep,
        layout.connections(),
        concurrency,
        "connections",
        move |mut conn, c| {
            let (l, la) = (l.clone(), la.clone());
            async move {
                let (partner, loc) = la.partner(c, l.len());
                let mut acct = Account::new(&partner.to_string());
                let input = json!({"location": l[loc], "bandwidth": BANDWIDTH,
                                   "connectionName": format!("load-{c}")});
                let r = flow::must(&mut conn, proto, &mut acct, CREATE_CONNECTION, input)
                    .await
                    .and_then(|v| {
                        flow::str_field(&v, &["connectionId"])
                            .ok_or_else(|| format!("no connectionId in {v}"))
                    });
                (conn, r)
            }
        },
    )
    .await?;
    let connections: Vec<(String, String)> = conn_ids
        .into_iter()
        .enumerate()
        .map(|(c, id)| (layout.partner(c, locations.len()).0.to_string(), id))
        .collect();

    let conns = Arc::new(connections.clone());
    let la = lay.clone();
    let vifs = run_jobs(ep, layout.vifs, concurrency, "VIFs", move |mut conn, v| {
        let (conns, la) = (conns.clone(), la.clone());
        async move {
            let (partner, id) = &conns[v / VIFS_PER_CONNECTION];
            let mut acct = Account::new(partner);
            let input = json!({
                "connectionId": id,
                "ownerAccount": la.customer(v).to_string(),
                "newPrivateVirtualInterfaceAllocation": {
                    "virtualInterfaceName": format!("load-{v}"),
                    "vlan": Layout::vlan(v),
                    "asn": 65000,
                },
            });
            let r = flow::must(&mut conn, proto, &mut acct, flow::ALLOCATE, input)
                .await
                .and_then(|v| {
                    flow::str_field(&v, &["virtualInterfaceId"])
                        .ok_or_else(|| format!("no virtualInterfaceId in {v}"))
                });
            (conn, r)
        }
    })
    .await?;
    eprintln!(
        "  loaded {} connections and {} VIFs in {:.1}s",
        connections.len(),
        vifs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Loaded { connections, vifs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn layout_respects_the_default_quotas() {
        let lay = Layout {
            partner_base: 100_000_000_000,
            customer_base: 200_000_000_000,
            vifs: 10_000,
            customers: 200,
        };
        assert_eq!(lay.connections(), 200);
        let mut per_loc: HashMap<(u64, usize), usize> = HashMap::new();
        for c in 0..lay.connections() {
            *per_loc.entry(lay.partner(c, 3)).or_default() += 1;
        }
        assert!(per_loc.values().all(|&n| n <= 10));
        let mut vlans: HashSet<(usize, usize)> = HashSet::new();
        let mut per_customer: HashMap<u64, usize> = HashMap::new();
        for v in 0..lay.vifs {
            assert!(vlans.insert((v / VIFS_PER_CONNECTION, Layout::vlan(v))));
            *per_customer.entry(lay.customer(v)).or_default() += 1;
        }
        assert_eq!(per_customer.len(), 200);
        assert!(per_customer.values().all(|&n| n == 50));
    }
}
