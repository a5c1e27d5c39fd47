//! Flow mode (the default): the hosted private VIF confirm flow against
//! dxlocal, next to the same client against the floor, in one run.
//!
//! Each of `--concurrency` workers owns one keep-alive HTTP/1.1 connection
//! and runs flows back to back: partner AllocatePrivateVirtualInterface,
//! customer ConfirmPrivateVirtualInterface, customer
//! DescribeVirtualInterfaces, partner DeleteVirtualInterface. The delete
//! keeps every worker at most one live VIF, so runs of any length stay
//! within the connection and gateway quotas; VLANs rotate through a range
//! private to each worker as well.
//!
//! The two targets take turns (`--rounds`, default 5): with a 10 s duration
//! each runs five 2 s slices, so a burst of unrelated load on the machine
//! lands on both rather than skewing the ratio.

use crate::client::{Conn, Endpoint, Protocol};
use crate::floor;
use crate::flow::{self, GatewayChoice, Plan, Window};
use crate::server::ServerProcess;
use crate::stats::{Recorder, Summary};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The flow mode's options (the bench's top-level flags).
#[derive(clap::Args, Debug)]
pub struct FlowArgs {
    /// Connections, each issuing requests one after another.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,

    /// Seconds measured, after the warmup.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,

    /// Seconds run before measuring starts.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,

    /// Alternate the two targets this many times, splitting --warmup and
    /// --duration evenly, so that background load on the machine hits both
    /// alike instead of whichever ran second.
    #[arg(long, default_value_t = 5)]
    rounds: u32,

    /// Wire protocol for Direct Connect calls (the floor answers in kind).
    #[arg(long, value_enum, default_value_t = Protocol::Json)]
    protocol: Protocol,

    /// dxlocal binary to start [default: `dxlocal` next to this binary].
    #[arg(long, conflicts_with_all = ["endpoint", "floor_vs_floor"])]
    server: Option<PathBuf>,

    /// Use an already running server (http://HOST:PORT) instead of starting one.
    /// It must run with `--lifecycle instant`.
    #[arg(long, conflicts_with = "floor_vs_floor")]
    endpoint: Option<String>,

    /// Connections to create and spread workers over [default: concurrency / 10, rounded up].
    #[arg(long)]
    connections: Option<usize>,

    /// What customers confirm their VIFs onto.
    #[arg(long, value_enum, default_value_t = GatewayChoice::Auto)]
    gateway: GatewayChoice,

    /// Measure a second floor in place of dxlocal: checks the harness, the ratio should be ~1.
    #[arg(long)]
    floor_vs_floor: bool,

    /// Worker threads of the in-process floor server [default: CPU count].
    #[arg(long)]
    floor_threads: Option<usize>,

    /// Also print one row per operation.
    #[arg(long)]
    per_op: bool,

    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,

    /// Failed fraction of requests above which the bench exits non-zero.
    #[arg(long, default_value_t = 0.001)]
    max_error_rate: f64,
}

struct TargetReport {
    name: String,
    secs: f64,
    rec: Recorder,
}

impl TargetReport {
    fn summary(&self) -> Summary {
        self.rec.total(self.secs)
    }

    fn flows_per_sec(&self) -> f64 {
        self.rec.flows as f64 / self.secs
    }

    fn error_kinds(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self
            .rec
            .error_kinds
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    fn error_rate(&self) -> f64 {
        let s = self.summary();
        if s.requests == 0 {
            1.0
        } else {
            s.errors as f64 / s.requests as f64
        }
    }
}

pub fn run(args: FlowArgs) -> Result<ExitCode, String> {
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if !positive(args.duration)
        || !(positive(args.warmup) || args.warmup == 0.0)
        || args.rounds == 0
    {
        return Err("--duration must be > 0, --warmup >= 0 and --rounds >= 1".into());
    }
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let proto = args.protocol;
    let floor_threads = args.floor_threads.unwrap_or(cpus);
    let start_floor = || {
        floor::start(proto, floor_threads)
            .map(Endpoint::from_addr)
            .map_err(|e| format!("starting the floor server: {e}"))
    };
    let floor_ep = start_floor()?;

    // Declared before the runtime so it is killed after the workers are gone.
    let mut server: Option<ServerProcess> = None;
    let (label, endpoint) = if args.floor_vs_floor {
        ("floor2", start_floor()?)
    } else if let Some(url) = &args.endpoint {
        ("dxlocal", Endpoint::parse(url)?)
    } else {
        let path = match &args.server {
            Some(p) => p.clone(),
            None => ServerProcess::default_path()?,
        };
        let s = ServerProcess::start(&path, "instant")?;
        let ep = Endpoint::parse(&s.url)?;
        eprintln!("started {} at {}", path.display(), s.url);
        server = Some(s);
        ("dxlocal", ep)
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("building the client runtime: {e}"))?;
    let rounds = args.rounds;
    let warmup = Duration::from_secs_f64(args.warmup / rounds as f64);
    let duration = Duration::from_secs_f64(args.duration / rounds as f64);

    let result = rt.block_on(async {
        let plan = if args.floor_vs_floor {
            Plan::synthetic(args.concurrency)
        } else {
            let connections = args
                .connections
                .unwrap_or_else(|| flow::default_connections(args.concurrency))
                .max(1);
            eprintln!(
                "setup: {connections} connection(s), gateway {:?}, protocol {}",
                args.gateway,
                proto.name()
            );
            flow::setup(
                endpoint.clone(),
                proto,
                args.concurrency,
                connections,
                args.gateway,
            )
            .await?
        };
        let floor_plan = Plan::synthetic(args.concurrency);
        let (mut a, mut f) = (Recorder::default(), Recorder::default());
        for round in 1..=rounds {
            eprintln!(
                "round {round}/{rounds}: {label} then floor, {} connection(s), \
                 {:.2}s warmup + {:.2}s each",
                args.concurrency,
                warmup.as_secs_f64(),
                duration.as_secs_f64()
            );
            let r = run_target(&endpoint, proto, &plan, args.concurrency, warmup, duration).await?;
            a.merge(r);
            let r = run_target(
                &floor_ep,
                proto,
                &floor_plan,
                args.concurrency,
                warmup,
                duration,
            )
            .await?;
            f.merge(r);
        }
        Ok::<_, String>((a, f))
    });
    let result = result.map_err(|e| match server.as_ref() {
        Some(s) => format!("{e}{}", s.stderr_text()),
        None => e,
    })?;
    drop(rt);

    let secs = args.duration;
    let reports = [
        TargetReport {
            name: label.to_string(),
            secs,
            rec: result.0,
        },
        TargetReport {
            name: "floor".to_string(),
            secs,
            rec: result.1,
        },
    ];

    if let Some(s) = server.as_mut() {
        if !s.is_running() {
            eprintln!(
                "warning: the dxlocal server exited during the run{}",
                s.stderr_text()
            );
        }
    }

    if args.json {
        print_json(&args, &reports);
    } else {
        print_table(&args, &reports);
    }

    let mut failed = false;
    for r in &reports {
        if r.error_rate() > args.max_error_rate {
            eprintln!(
                "FAIL: {}: {:.3}% of requests failed (limit {:.3}%)",
                r.name,
                r.error_rate() * 100.0,
                args.max_error_rate * 100.0
            );
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn run_target(
    endpoint: &Endpoint,
    proto: Protocol,
    plan: &Plan,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<Recorder, String> {
    let conns = Conn::open_all(endpoint, concurrency).await?;
    let plan = Arc::new(plan.clone());
    let window = Window::new(warmup, duration);
    let handles: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(w, conn)| {
            let plan = plan.clone();
            tokio::spawn(async move { flow::run_worker(w, conn, proto, &plan, window).await })
        })
        .collect();
    let mut rec = Recorder::default();
    for h in handles {
        rec.merge(h.await.map_err(|e| format!("worker failed: {e}"))?);
    }
    Ok(rec)
}

fn short_op(op: &str) -> &str {
    match op {
        flow::ALLOCATE => "allocate",
        flow::CONFIRM => "confirm",
        flow::DESCRIBE => "describe",
        flow::DELETE => "delete",
        other => other,
    }
}

fn ratio(reports: &[TargetReport]) -> f64 {
    let floor = reports[1].summary().req_per_sec;
    if floor > 0.0 {
        reports[0].summary().req_per_sec / floor
    } else {
        0.0
    }
}

fn print_table(args: &FlowArgs, reports: &[TargetReport]) {
    for r in reports {
        let kinds = r.error_kinds();
        if !kinds.is_empty() {
            eprintln!("errors from {}:", r.name);
            for (k, n) in kinds.iter().take(10) {
                eprintln!("  {n:>8}  {k}");
            }
        }
    }
    let _ = std::io::stderr().flush();

    let mut out = String::new();
    out.push_str(&format!(
        "protocol {}, concurrency {}, {}s measured after {}s warmup, \
         flow = allocate+confirm+describe+delete\n",
        args.protocol.name(),
        args.concurrency,
        args.duration,
        args.warmup
    ));
    out.push_str(&format!(
        "{:<10} {:>10} {:>7} {:>10} {:>9} {:>8} {:>8} {:>8} {:>8}\n",
        "target", "requests", "errors", "req/s", "flows/s", "p50", "p90", "p99", "max"
    ));
    let row = |name: &str, s: &Summary, flows: Option<f64>| {
        format!(
            "{:<10} {:>10} {:>7} {:>10.1} {:>9} {:>8.3} {:>8.3} {:>8.3} {:>8.3}\n",
            name,
            s.requests,
            s.errors,
            s.req_per_sec,
            flows.map_or("-".to_string(), |f| format!("{f:.1}")),
            s.p50_ms,
            s.p90_ms,
            s.p99_ms,
            s.max_ms
        )
    };
    for r in reports {
        out.push_str(&row(&r.name, &r.summary(), Some(r.flows_per_sec())));
        if args.per_op {
            for (op, s) in r.rec.per_op(r.secs, &flow::FLOW_ORDER) {
                out.push_str(&row(&format!("  {}", short_op(op)), &s, None));
            }
        }
    }
    out.push_str("(latencies in ms)\n");
    out.push_str(&format!(
        "ratio {}/floor: {:.2}\n",
        reports[0].name,
        ratio(reports)
    ));
    print!("{out}");
}

fn print_json(args: &FlowArgs, reports: &[TargetReport]) {
    let targets: Vec<_> = reports
        .iter()
        .map(|r| {
            let mut v = r.summary().to_json();
            v["name"] = json!(r.name);
            v["flows"] = json!(r.rec.flows);
            v["flows_per_sec"] = json!(r.flows_per_sec());
            v["ops"] = r
                .rec
                .per_op(r.secs, &flow::FLOW_ORDER)
                .iter()
                .map(|(op, s)| (op.to_string(), s.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into();
            v["error_kinds"] = r
                .error_kinds()
                .into_iter()
                .map(|(k, n)| (k.to_string(), json!(n)))
                .collect::<serde_json::Map<_, _>>()
                .into();
            v
        })
        .collect();
    let doc = json!({
        "protocol": args.protocol.name(),
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "targets": targets,
        "ratio": ratio(reports),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("a Value always serializes")
    );
}
