//! `dxlocal-bench goals`: every performance goal, measured in one run, each
//! next to a baseline measured in the same run, printed as one table.
//!
//! 1. throughput at `--concurrency` connections vs the bare hyper floor
//!    (JSON and CBOR; DescribeVirtualInterfaces by ID, CreateConnection, the
//!    hosted VIF mix), with p99;
//! 2. read and confirm latency with `--vifs` VIFs in state vs with 1,000;
//! 3. RSS per VIF and idle RSS;
//! 4. start-up, empty and from a state directory holding `--vifs` VIFs;
//! 5. the hosted VIF mix with `--state-dir` vs in memory;
//! 6. CreateConnection and DescribeConnections vs moto, if installed.

mod load;
mod moto;
mod report;
mod startup;
mod work;

use crate::client::{Account, Conn, Endpoint, Protocol};
use crate::floor;
use crate::flow::{self, GatewayChoice, Plan};
use crate::server::{self, ServerProcess};
use crate::stats::{percentile, Recorder, Summary};
use load::{Layout, Loaded};
use report::{fmt_kib, fmt_ms, fmt_rate, ratio, Row};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use work::{Timing, Work};

/// The comparison state of goal 2, loaded identically into both servers.
const BASE_VIFS: usize = 1000;
/// 1,000 VIFs over 20 customers: every measured account sees 50 VIFs
/// whatever else the server holds, so only the state size differs.
const BASE_CUSTOMERS: usize = 20;

#[derive(clap::Args, Debug)]
pub struct GoalsArgs {
    /// Connections for the throughput, durable and moto measurements.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,

    /// Seconds measured per workload and target, split over --rounds.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,

    /// Seconds of warmup per workload and target, split over --rounds.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,

    /// Alternate the targets of each comparison this many times, so that
    /// background load on the machine lands on both alike.
    #[arg(long, default_value_t = 5)]
    rounds: u32,

    /// VIFs in state for the flatness, memory and durable start-up goals
    /// (more than 1,000). Loaded over HTTP within the default quotas.
    #[arg(long, default_value_t = 100_000)]
    vifs: usize,

    /// Sequential requests per operation, state and round in goal 2.
    #[arg(long, default_value_t = 300)]
    flat_samples: usize,

    /// Empty start-ups to time (goal 4a); the median is reported.
    #[arg(long, default_value_t = 20)]
    startup_runs: usize,

    /// Restarts from the loaded state directory to time (goal 4b).
    #[arg(long, default_value_t = 3)]
    restart_runs: usize,

    /// dxlocal binary [default: `dxlocal` next to this binary].
    #[arg(long)]
    server: Option<PathBuf>,

    /// Extra argument for every dxlocal server the bench starts
    /// (repeatable), e.g. `--server-arg=--quota --server-arg=NAME=VALUE`.
    #[arg(long, allow_hyphen_values = true, value_name = "ARG")]
    server_arg: Vec<OsString>,

    /// Command that runs moto's server [default: `moto_server` on PATH, else
    /// `python3 -m moto.server` if python3 can import it].
    #[arg(long, value_name = "PATH")]
    moto: Option<PathBuf>,

    /// Only these goals, e.g. `--only 1,4` [default: all].
    #[arg(long, value_delimiter = ',', value_name = "N")]
    only: Vec<u8>,

    /// Worker threads of the in-process floor servers [default: CPU count].
    #[arg(long)]
    floor_threads: Option<usize>,

    /// Failed fraction of requests above which a measurement fails.
    #[arg(long, default_value_t = 0.001)]
    max_error_rate: f64,

    /// Where the durable goals keep their state directories [default: the
    /// system temp dir]. Must be on the disk being evaluated, not a tmpfs.
    #[arg(long, value_name = "DIR")]
    state_parent: Option<PathBuf>,

    /// Exit 1 when any goal fails (by default the exit status only says
    /// whether everything could be measured).
    #[arg(long)]
    strict: bool,

    /// Print one JSON document instead of the table.
    #[arg(long)]
    json: bool,
}

impl GoalsArgs {
    fn wants(&self, goal: u8) -> bool {
        self.only.is_empty() || self.only.contains(&goal)
    }

    fn timing(&self) -> Timing {
        Timing {
            concurrency: self.concurrency,
            rounds: self.rounds,
            warmup: Duration::from_secs_f64(self.warmup),
            duration: Duration::from_secs_f64(self.duration),
        }
    }

    /// `serve` flags for an in-memory server (`--listen` is the caller's).
    fn serve_args(&self, state_dir: Option<&Path>) -> Vec<OsString> {
        let mut v: Vec<OsString> = vec!["--lifecycle".into(), "instant".into()];
        if let Some(d) = state_dir {
            v.push("--state-dir".into());
            v.push(d.into());
        }
        v.extend(self.server_arg.iter().cloned());
        v
    }
}

/// A scratch state directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(parent: Option<&Path>, name: &str) -> Result<Self, String> {
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let p = parent.join(format!("dxlocal-bench-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).map_err(|e| format!("creating {}: {e}", p.display()))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Everything the goals share.
struct Ctx {
    args: GoalsArgs,
    path: PathBuf,
    rt: tokio::runtime::Runtime,
    rows: Vec<Row>,
    notes: Vec<String>,
    /// Median empty start-up (goal 4a), the baseline of goal 4b.
    empty_start: Option<Duration>,
}

impl Ctx {
    /// Whether every summary stayed within `--max-error-rate`.
    fn clean(&self, summaries: &[&Summary]) -> bool {
        summaries
            .iter()
            .all(|s| error_rate(s) <= self.args.max_error_rate)
    }
}

pub fn run(args: GoalsArgs) -> Result<ExitCode, String> {
    if args.concurrency == 0 || args.rounds == 0 {
        return Err("--concurrency and --rounds must be at least 1".into());
    }
    let duration_ok = args.duration.is_finite() && args.duration > 0.0;
    let warmup_ok = args.warmup.is_finite() && args.warmup >= 0.0;
    if !(duration_ok && warmup_ok) {
        return Err("--duration must be > 0 and --warmup >= 0".into());
    }
    if args.vifs <= BASE_VIFS && (args.wants(2) || args.wants(3) || args.wants(4)) {
        return Err(format!(
            "--vifs must be more than {BASE_VIFS}, the state it is compared with"
        ));
    }
    let path = match &args.server {
        Some(p) => p.clone(),
        None => ServerProcess::default_path()?,
    };
    server::check_binary(&path)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("building the client runtime: {e}"))?;
    let mut cx = Ctx {
        args,
        path,
        rt,
        rows: Vec::new(),
        notes: Vec::new(),
        empty_start: None,
    };
    let started = Instant::now();

    // Cheapest and most sensitive to a busy machine first.
    if cx.args.wants(4) {
        goal_startup_empty(&mut cx)?;
    }
    if cx.args.wants(1) || cx.args.wants(6) {
        goal_throughput_and_moto(&mut cx)?;
    }
    if cx.args.wants(5) {
        goal_durable(&mut cx)?;
    }
    if cx.args.wants(7) {
        goal_recording(&mut cx)?;
    }
    if cx.args.wants(2) || cx.args.wants(3) {
        goal_state(&mut cx)?;
    }
    if cx.args.wants(4) {
        goal_startup_state(&mut cx)?;
    }
    cx.rows.sort_by(|a, b| a.goal.cmp(&b.goal));
    littles_law_note(&mut cx);

    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = cpu_model().unwrap_or_else(|| "unknown CPU".into());
    let a = &cx.args;
    let header = vec![
        format!(
            "dxlocal-bench goals: {cpus} CPU(s), {model}; {} VIFs in state; {} connections",
            a.vifs, a.concurrency
        ),
        format!(
            "each comparison alternates its targets over {} rounds (A B B A ...), \
             {}s measured + {}s warmup per target; goal 7 runs its two side by side, \
             {} times as long; took {:.0}s",
            a.rounds,
            a.duration,
            a.warmup,
            RECORDING_ROUNDS,
            started.elapsed().as_secs_f64()
        ),
    ];
    if a.json {
        let doc = json!({
            "machine": {"cpus": cpus, "cpu_model": model},
            "config": {
                "vifs": a.vifs,
                "concurrency": a.concurrency,
                "duration_s": a.duration,
                "warmup_s": a.warmup,
                "rounds": a.rounds,
                "flat_samples": a.flat_samples,
                "startup_runs": a.startup_runs,
                "restart_runs": a.restart_runs,
                "server": cx.path.display().to_string(),
                "server_args": a.server_arg.iter().map(|s| s.to_string_lossy()).collect::<Vec<_>>(),
            },
            "elapsed_s": started.elapsed().as_secs_f64(),
            "rows": cx.rows.iter().map(Row::to_json).collect::<Vec<_>>(),
            "notes": cx.notes,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("a Value always serializes")
        );
    } else {
        print!("{}", report::table(&header, &cx.rows, &cx.notes));
    }
    let failed = cx.rows.iter().any(|r| r.pass == Some(false));
    Ok(if failed && a.strict {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// When even the floor misses the p99 limit, the limit is out of reach for
/// any server at this concurrency on this machine: with C requests always
/// in flight, mean latency is C / throughput (Little's law).
fn littles_law_note(cx: &mut Ctx) {
    let floor_p99s: Vec<f64> = cx
        .rows
        .iter()
        .filter(|r| r.goal.starts_with('1') && r.what.ends_with("p99"))
        .filter_map(|r| r.detail["floor"]["p99_ms"].as_f64())
        .collect();
    if floor_p99s.iter().any(|&p| p > 2.0) {
        let best = cx
            .rows
            .iter()
            .filter_map(|r| r.detail["floor"]["req_per_sec"].as_f64())
            .fold(0.0, f64::max);
        cx.notes.push(format!(
            "note: the floor itself misses p99 <= 2 ms here: {} requests always in flight \
             at the floor's best {} mean {} each (Little's law), before any tail",
            cx.args.concurrency,
            fmt_rate(best),
            fmt_ms(cx.args.concurrency as f64 / best * 1e3)
        ));
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
}

fn start_server(cx: &Ctx, state_dir: Option<&Path>) -> Result<(ServerProcess, Endpoint), String> {
    let s = ServerProcess::start_with(&cx.path, &cx.args.serve_args(state_dir))?;
    let ep = Endpoint::parse(&s.url)?;
    Ok((s, ep))
}

/// Error kinds go to stderr, so a quota or protocol problem names itself.
fn report_errors(label: &str, rec: &Recorder) {
    let mut kinds: Vec<_> = rec.error_kinds.iter().collect();
    if kinds.is_empty() {
        return;
    }
    kinds.sort_by(|a, b| b.1.cmp(a.1));
    eprintln!("errors from {label}:");
    for (k, n) in kinds.iter().take(10) {
        eprintln!("  {n:>8}  {k}");
    }
}

fn error_rate(s: &Summary) -> f64 {
    if s.requests == 0 {
        1.0
    } else {
        s.errors as f64 / s.requests as f64
    }
}

fn with_errors(text: String, s: &Summary) -> String {
    if s.errors > 0 {
        format!("{text} ({} errors)", s.errors)
    } else {
        text
    }
}

/// Two rows (throughput against the floor, p99) for one workload.
fn throughput_rows(cx: &mut Ctx, goal: &str, proto: Protocol, name: &str, m: &work::Measured) {
    let (dx, fl) = (&m.recs[0], &m.recs[1]);
    let secs = cx.args.duration;
    let (d, f) = (dx.total(secs), fl.total(secs));
    report_errors(&format!("dxlocal ({} {name})", proto.name()), dx);
    report_errors(&format!("floor ({} {name})", proto.name()), fl);
    let clean = error_rate(&d) <= cx.args.max_error_rate;
    let r = ratio(d.req_per_sec, f.req_per_sec);
    let detail = json!({"protocol": proto.name(), "dxlocal": d.to_json(), "floor": f.to_json()});
    cx.rows.push(Row {
        goal: goal.into(),
        what: format!("{} {name}: throughput", proto.name()),
        value: with_errors(fmt_rate(d.req_per_sec), &d),
        baseline: format!("floor {}", fmt_rate(f.req_per_sec)),
        ratio: r,
        rounds: m.round_ratio_range(),
        limit: ">= 0.60".into(),
        pass: Some(clean && r.is_some_and(|r| r >= 0.60)),
        detail: detail.clone(),
    });
    cx.rows.push(Row {
        goal: goal.into(),
        what: format!("{} {name}: p99", proto.name()),
        value: fmt_ms(d.p99_ms),
        baseline: format!("floor {}", fmt_ms(f.p99_ms)),
        ratio: ratio(d.p99_ms, f.p99_ms),
        rounds: None,
        limit: "<= 2 ms".into(),
        pass: Some(clean && d.requests > d.errors && d.p99_ms <= 2.0),
        detail,
    });
}

/// Goals 1 and 6: one in-memory server, reset before every workload.
fn goal_throughput_and_moto(cx: &mut Ctx) -> Result<(), String> {
    let (server, ep) = start_server(cx, None)?;
    eprintln!("goal 1: dxlocal at {}", server.url);
    let conc = cx.args.concurrency;
    let timing = cx.args.timing();
    let floor_threads = cx
        .args
        .floor_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let locs = cx.rt.block_on(work::locations(&ep, Protocol::Json))?;

    if cx.args.wants(1) {
        for proto in [Protocol::Json, Protocol::Cbor] {
            let floor_ep = floor::start(proto, floor_threads)
                .map(Endpoint::from_addr)
                .map_err(|e| format!("starting the floor server: {e}"))?;
            let workloads: [(&str, &str); 3] = [
                ("1a", "DescribeVirtualInterfaces by ID"),
                ("1b", "CreateConnection"),
                ("1c", "hosted-VIF mix"),
            ];
            for (goal, name) in workloads {
                eprintln!("goal {goal}: {} {name}", proto.name());
                let measured = cx.rt.block_on(async {
                    work::reset(&ep).await?;
                    let (dx, fl) = match goal {
                        "1a" => (
                            work::setup_describe_vif(&ep, proto, conc).await?,
                            Work::synthetic_describe_vif(),
                        ),
                        "1b" => (
                            Work::create_connection(locs.clone()),
                            Work::create_connection(locs.clone()),
                        ),
                        _ => (
                            Work::Mix(
                                flow::setup(
                                    ep.clone(),
                                    proto,
                                    conc,
                                    flow::default_connections(conc),
                                    GatewayChoice::Auto,
                                )
                                .await?,
                            ),
                            Work::Mix(Plan::synthetic(conc)),
                        ),
                    };
                    work::interleave(
                        &[(&ep, Arc::new(dx), None), (&floor_ep, Arc::new(fl), None)],
                        proto,
                        &timing,
                    )
                    .await
                })?;
                throughput_rows(cx, goal, proto, name, &measured);
            }
        }
    }

    if cx.args.wants(6) {
        goal_moto(cx, &ep, &locs)?;
    }
    drop(server);
    Ok(())
}

fn goal_moto(cx: &mut Ctx, ep: &Endpoint, locs: &[String]) -> Result<(), String> {
    let Some(cmd) = moto::find(cx.args.moto.as_deref()) else {
        eprintln!("goal 6: {}", moto::NOT_INSTALLED);
        cx.notes.push(moto::NOT_INSTALLED.into());
        cx.rows.push(Row {
            goal: "6".into(),
            what: "CreateConnection, DescribeConnections vs moto".into(),
            value: "-".into(),
            baseline: "moto not installed".into(),
            ratio: None,
            rounds: None,
            limit: "-".into(),
            pass: None,
            detail: json!({"moto": "not installed"}),
        });
        return Ok(());
    };
    eprintln!("goal 6: starting {}", cmd.describe());
    let mut moto_server = moto::MotoServer::start(&cmd)?;
    let moto_ep = Endpoint::from_addr(moto_server.addr);
    let conc = cx.args.concurrency;
    let timing = cx.args.timing();
    let proto = Protocol::Json;
    for (goal, name) in [
        ("6a", "CreateConnection"),
        ("6b", "DescribeConnections by ID"),
    ] {
        eprintln!("goal {goal}: {name}, dxlocal and moto");
        let measured = cx.rt.block_on(async {
            work::reset(ep).await?;
            let (dx, mo) = if goal == "6a" {
                (
                    Work::create_connection(locs.to_vec()),
                    Work::create_connection(locs.to_vec()),
                )
            } else {
                (
                    work::setup_describe_connection(ep, proto, conc, &locs[0]).await?,
                    work::setup_describe_connection(&moto_ep, proto, conc, &locs[0]).await?,
                )
            };
            work::interleave(
                &[(ep, Arc::new(dx), None), (&moto_ep, Arc::new(mo), None)],
                proto,
                &timing,
            )
            .await
        })?;
        let (recs, secs) = (&measured.recs, cx.args.duration);
        let (d, m) = (recs[0].total(secs), recs[1].total(secs));
        report_errors(&format!("dxlocal ({name})"), &recs[0]);
        report_errors(&format!("moto ({name})"), &recs[1]);
        cx.rows.push(Row {
            goal: goal.into(),
            what: format!("json {name} vs moto: throughput"),
            value: with_errors(fmt_rate(d.req_per_sec), &d),
            baseline: with_errors(format!("moto {}", fmt_rate(m.req_per_sec)), &m),
            ratio: ratio(d.req_per_sec, m.req_per_sec),
            rounds: measured.round_ratio_range(),
            limit: "-".into(),
            pass: None,
            detail: json!({"moto_command": cmd.describe(), "dxlocal": d.to_json(), "moto": m.to_json()}),
        });
    }
    if !moto_server.is_running() {
        cx.notes
            .push("warning: moto exited during the run; its numbers are suspect".into());
    }
    Ok(())
}

/// Goal 5: the hosted VIF mix on a durable server and an in-memory one.
fn goal_durable(cx: &mut Ctx) -> Result<(), String> {
    let dir = TempDir::new(cx.args.state_parent.as_deref(), "durable-mix")?;
    eprintln!(
        "goal 5: durable (state in {}) against in-memory",
        dir.0.display()
    );
    let timing = cx.args.timing();
    mix_goal(
        cx,
        &timing,
        MixGoal {
            goal: "5",
            what: "json hosted-VIF mix, --state-dir vs memory: throughput",
            a: (&cx.args.serve_args(Some(&dir.0)), "durable"),
            b: (&cx.args.serve_args(None), "memory"),
            b_label: "in memory",
            at_least: 0.50,
            // Two servers writing to one disk at once would wait on each
            // other's fsyncs.
            side_by_side: false,
        },
    )
}

/// How many times the usual rounds goal 7 takes.
const RECORDING_ROUNDS: u32 = 6;

/// Goal 7: what the event log and the request log (dashboard, `/metrics`)
/// cost on the hot path: the mix with them against `--observe off`.
fn goal_recording(cx: &mut Ctx) -> Result<(), String> {
    let on = cx.args.serve_args(None);
    let mut off = on.clone();
    off.extend(["--observe".into(), "off".into()]);
    // A few percent is the question, and consecutive seconds on a shared
    // machine differ by more than that: the servers run side by side, for
    // six times the usual rounds and time, so that the noise averages out.
    let usual = cx.args.timing();
    let timing = Timing {
        rounds: usual.rounds * RECORDING_ROUNDS,
        warmup: usual.warmup * RECORDING_ROUNDS,
        duration: usual.duration * RECORDING_ROUNDS,
        ..usual
    };
    eprintln!(
        "goal 7: recording events and requests against --observe off, {} rounds",
        timing.rounds
    );
    mix_goal(
        cx,
        &timing,
        MixGoal {
            goal: "7",
            what: "json hosted-VIF mix, recording vs --observe off: throughput",
            a: (&on, "recording"),
            b: (&off, "not_recording"),
            b_label: "not recording",
            at_least: 0.95,
            side_by_side: true,
        },
    )
}

/// A goal that runs the json hosted-VIF mix against two servers, started
/// with `a.0` and `b.0` (`.1` names each in the JSON detail).
struct MixGoal<'a> {
    goal: &'a str,
    what: &'a str,
    a: (&'a [OsString], &'a str),
    b: (&'a [OsString], &'a str),
    /// How the table's baseline column names b.
    b_label: &'a str,
    /// a's throughput at least this times b's.
    at_least: f64,
    /// Run a and b at the same time ([`work::side_by_side`]) rather than
    /// taking turns.
    side_by_side: bool,
}

/// Measures a [`MixGoal`] and adds its row. The servers' CPU time per
/// request goes into the JSON detail, not the verdict: a closed loop lets
/// the faster server batch more requests per wake-up and system call, so
/// its CPU per request drops as its throughput rises, and a small cost
/// shows up there magnified.
fn mix_goal(cx: &mut Ctx, timing: &Timing, g: MixGoal<'_>) -> Result<(), String> {
    let a_server = ServerProcess::start_with(&cx.path, g.a.0)?;
    let b_server = ServerProcess::start_with(&cx.path, g.b.0)?;
    let (a_ep, b_ep) = (
        Endpoint::parse(&a_server.url)?,
        Endpoint::parse(&b_server.url)?,
    );
    let conc = cx.args.concurrency;
    let proto = Protocol::Json;
    let measured = cx.rt.block_on(async {
        let setup = |ep: Endpoint| {
            flow::setup(
                ep,
                proto,
                conc,
                flow::default_connections(conc),
                GatewayChoice::Auto,
            )
        };
        let a_plan = setup(a_ep.clone()).await?;
        let b_plan = setup(b_ep.clone()).await?;
        let targets = [
            (&a_ep, Arc::new(Work::Mix(a_plan)), Some(a_server.pid())),
            (&b_ep, Arc::new(Work::Mix(b_plan)), Some(b_server.pid())),
        ];
        if g.side_by_side {
            work::side_by_side(&targets, proto, timing).await
        } else {
            work::interleave(&targets, proto, timing).await
        }
    })?;
    let (recs, secs) = (&measured.recs, timing.duration.as_secs_f64());
    report_errors(g.a.1, &recs[0]);
    report_errors(g.b.1, &recs[1]);
    let (a, b) = (recs[0].total(secs), recs[1].total(secs));
    let clean = cx.clean(&[&a, &b]);
    let (a_cpu, b_cpu) = (
        measured.cpu_us_per_request(0),
        measured.cpu_us_per_request(1),
    );
    let r = ratio(a.req_per_sec, b.req_per_sec);
    cx.rows.push(Row {
        goal: g.goal.into(),
        what: g.what.into(),
        value: with_errors(fmt_rate(a.req_per_sec), &a),
        baseline: with_errors(format!("{} {}", g.b_label, fmt_rate(b.req_per_sec)), &b),
        ratio: r,
        rounds: measured.round_ratio_range(),
        limit: format!(">= {:.2}", g.at_least),
        pass: Some(clean && r.is_some_and(|r| r >= g.at_least)),
        detail: json!({
            g.a.1: a.to_json(),
            g.b.1: b.to_json(),
            "server_cpu_us_per_request": {g.a.1: a_cpu, g.b.1: b_cpu},
        }),
    });
    Ok(())
}

/// Goal 4a: exec to first health answer, empty, next to the same for the
/// floor in a process of its own.
fn goal_startup_empty(cx: &mut Ctx) -> Result<(), String> {
    let runs = cx.args.startup_runs.max(1);
    eprintln!("goal 4a: {runs} empty start-ups, each next to one of the floor");
    let extra = cx.args.serve_args(None);
    let serve = startup::serve_args(&extra);
    let me = std::env::current_exe().map_err(|e| format!("locating the bench binary: {e}"))?;
    let timeout = Duration::from_secs(30);
    let (mut starts, mut floors, mut rss, mut waits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        floors.push(startup::start_timed(&me, &startup::floor_args, timeout)?.ready_after);
        let t = startup::start_timed(&cx.path, &serve, timeout)?;
        starts.push(t.ready_after);
        rss.extend(t.rss_kib());
        waits.extend(t.cpu.map(|c| c.waiting_s * 1e3));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let med = startup::median(starts.clone());
    let floor = startup::median(floors.clone());
    let max = starts.iter().max().copied().unwrap_or_default();
    cx.empty_start = Some(med);
    cx.rows.push(Row {
        goal: "4a".into(),
        what: "start-up to first health answer, empty".into(),
        value: format!(
            "{} (median of {runs}, max {})",
            fmt_ms(ms(med)),
            fmt_ms(ms(max))
        ),
        baseline: format!("floor process {}", fmt_ms(ms(floor))),
        ratio: ratio(ms(med), ms(floor)),
        rounds: None,
        limit: "<= 20 ms".into(),
        pass: Some(med <= Duration::from_millis(20)),
        detail: json!({
            "startup_ms": starts.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
            "floor_startup_ms": floors.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
            "rss_after_first_answer_kib": rss,
            "main_thread_waiting_for_cpu_ms": waits,
        }),
    });
    Ok(())
}

/// One timed restart from a state directory, checked to hold what was
/// loaded, then stopped with SIGTERM (which lets it write a snapshot).
fn timed_restart(
    cx: &Ctx,
    serve: &dyn Fn(u16) -> Vec<OsString>,
    layout: &Layout,
    check: bool,
) -> Result<startup::Timed, String> {
    let n = layout.vifs;
    let mut t = startup::start_timed(&cx.path, serve, Duration::from_secs(600))?;
    if check {
        let ep = Endpoint::parse(&format!("http://127.0.0.1:{}", t.port))?;
        let seen = cx
            .rt
            .block_on(count_vifs(&ep, &layout.customer(0).to_string()))?;
        let want = n.div_ceil(layout.customers);
        if seen < n / layout.customers || seen > want {
            return Err(format!(
                "after the restart customer {} sees {seen} VIFs, loaded {want}",
                layout.customer(0)
            ));
        }
    }
    let status = server::terminate(&mut t.child, Duration::from_secs(120))?;
    if !status.success() {
        return Err(format!(
            "the restarted server exited with {status} on SIGTERM"
        ));
    }
    Ok(t)
}

/// Goal 4b/4c: restart from a state directory holding `--vifs` VIFs,
/// loaded over HTTP by a durable server. The loading server is killed
/// (SIGKILL), so the first restart (4c) loads the latest periodic snapshot
/// and replays the journal after it; that server is stopped with SIGTERM,
/// which snapshots the rest, and the restarts after that are 4b.
fn goal_startup_state(cx: &mut Ctx) -> Result<(), String> {
    let n = cx.args.vifs;
    let dir = TempDir::new(cx.args.state_parent.as_deref(), "durable-state")?;
    let extra = cx.args.serve_args(Some(&dir.0));
    let serve = startup::serve_args(&extra);
    let (mut server, ep) = start_server(cx, Some(&dir.0))?;
    eprintln!(
        "goal 4b: loading {n} VIFs into durable dxlocal at {}",
        server.url
    );
    let layout = Layout {
        partner_base: 610_000_000_000,
        customer_base: 620_000_000_000,
        vifs: n,
        customers: (n / load::VIFS_PER_CONNECTION).max(1),
    };
    let conc = cx.args.concurrency;
    let t = Instant::now();
    cx.rt.block_on(async {
        let locs = work::locations(&ep, Protocol::Json).await?;
        load::load(&ep, Protocol::Json, &locs, &layout, conc).await
    })?;
    let load_secs = t.elapsed().as_secs_f64();
    server.kill();
    drop(server);
    let crashed_dir = dir_files(&dir.0);

    eprintln!("goal 4c: restart after kill -9");
    let crash = timed_restart(cx, &serve, &layout, true)?;
    let stopped_dir = dir_files(&dir.0);

    let runs = cx.args.restart_runs.max(1);
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    let mut cpu = Vec::new();
    for i in 0..runs {
        eprintln!("goal 4b: restart {}/{runs}", i + 1);
        let t = timed_restart(cx, &serve, &layout, i == 0)?;
        starts.push(t.ready_after);
        rss.extend(t.rss_kib());
        cpu.extend(t.cpu);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let med = startup::median(starts.clone());
    let med_cpu = startup::median(
        cpu.iter()
            .map(|c| Duration::from_secs_f64(c.on_cpu_s))
            .collect(),
    );
    let on_cpu = |c: Option<startup::CpuTimes>| {
        c.map_or(String::new(), |c| {
            format!(" ({} on CPU)", fmt_ms(c.on_cpu_s * 1e3))
        })
    };
    cx.rows.push(Row {
        goal: "4b".into(),
        what: format!("start-up from --state-dir with {n} VIFs, after SIGTERM"),
        value: if cpu.is_empty() {
            format!("{} (median of {runs})", fmt_ms(ms(med)))
        } else {
            format!(
                "{} (median of {runs}; {} on CPU)",
                fmt_ms(ms(med)),
                fmt_ms(ms(med_cpu))
            )
        },
        baseline: cx
            .empty_start
            .map_or("-".into(), |e| format!("empty {}", fmt_ms(ms(e)))),
        ratio: cx.empty_start.and_then(|e| ratio(ms(med), ms(e))),
        rounds: None,
        limit: "<= 3 s".into(),
        pass: Some(med <= Duration::from_secs(3)),
        detail: json!({
            "vifs": n,
            "connections": layout.connections(),
            "restart_ms": starts.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
            "restart_cpu_s": cpu.iter().map(|c| c.on_cpu_s).collect::<Vec<_>>(),
            "restart_main_thread_waiting_for_cpu_s": cpu.iter().map(|c| c.waiting_s).collect::<Vec<_>>(),
            "rss_after_restart_kib": rss,
            "durable_load_s": load_secs,
            "durable_load_vifs_per_s": n as f64 / load_secs,
            "state_dir_files": stopped_dir,
        }),
    });
    cx.rows.push(Row {
        goal: "4c".into(),
        what: format!("start-up from --state-dir with {n} VIFs, after kill -9"),
        value: format!("{}{}", fmt_ms(ms(crash.ready_after)), on_cpu(crash.cpu)),
        baseline: cx
            .empty_start
            .map_or("-".into(), |e| format!("empty {}", fmt_ms(ms(e)))),
        ratio: cx
            .empty_start
            .and_then(|e| ratio(ms(crash.ready_after), ms(e))),
        rounds: None,
        limit: "<= 3 s".into(),
        pass: Some(crash.ready_after <= Duration::from_secs(3)),
        detail: json!({
            "vifs": n,
            "restart_ms": ms(crash.ready_after),
            "restart_cpu_s": crash.cpu.map(|c| c.on_cpu_s),
            "rss_after_restart_kib": crash.rss_kib(),
            "state_dir_files": crashed_dir,
        }),
    });
    Ok(())
}

/// Name and size of each file in `p`: which snapshot, how much journal.
fn dir_files(p: &Path) -> Value {
    let mut files: Vec<(String, u64)> = std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.metadata().ok()?)))
                .filter(|(_, m)| m.is_file())
                .map(|(n, m)| (n, m.len()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|(name, bytes)| json!({"name": name, "bytes": bytes}))
        .collect()
}

async fn count_vifs(ep: &Endpoint, account: &str) -> Result<usize, String> {
    let mut conn = Conn::new(ep.clone());
    let mut acct = Account::new(account);
    let v = flow::must(
        &mut conn,
        Protocol::Json,
        &mut acct,
        work::DESCRIBE_VIFS,
        json!({}),
    )
    .await?;
    Ok(v.get("virtualInterfaces")
        .and_then(Value::as_array)
        .map_or(0, Vec::len))
}

/// What goal 2 asks of one server: the same accounts and shapes in both.
struct Probe {
    ep: Endpoint,
    /// A base connection's owner and ID (50 VIFs on it).
    partner: String,
    connection: String,
    /// A base VIF and its owner.
    vif: String,
    owner: String,
    /// Base VIFs still to confirm: (VIF, owner, the owner's VGW).
    confirms: Vec<(String, String, String)>,
}

async fn probe(
    ep: &Endpoint,
    base: &Layout,
    loaded: &Loaded,
    confirms: usize,
) -> Result<Probe, String> {
    let mut conn = Conn::new(ep.clone());
    let mut vgws = Vec::with_capacity(base.customers);
    for c in 0..base.customers {
        let mut acct = Account::new(&(base.customer_base + c as u64).to_string());
        let xml = conn
            .call_ec2(
                &mut acct,
                "Action=CreateVpnGateway&Version=2016-11-15&Type=ipsec.1",
            )
            .await
            .0
            .map_err(|e| format!("EC2 CreateVpnGateway: {}", e.0))?;
        vgws.push(
            crate::client::xml_tag(&xml, "vpnGatewayId")
                .ok_or_else(|| format!("EC2 CreateVpnGateway: no vpnGatewayId in {xml:?}"))?
                .to_string(),
        );
    }
    let confirms = (1..loaded.vifs.len())
        .take(confirms)
        .map(|v| {
            let owner = (v % base.customers.max(1)) as u64;
            (
                loaded.vifs[v].clone(),
                (base.customer_base + owner).to_string(),
                vgws[owner as usize].clone(),
            )
        })
        .collect();
    Ok(Probe {
        ep: ep.clone(),
        partner: loaded.connections[0].0.clone(),
        connection: loaded.connections[0].1.clone(),
        vif: loaded.vifs[0].clone(),
        owner: base.customer(0).to_string(),
        confirms,
    })
}

const FLAT_OPS: [(&str, &str); 4] = [
    ("2a", "DescribeVirtualInterfaces for one connection"),
    ("2b", "DescribeVirtualInterfaces for one VIF ID"),
    ("2c", "DescribeVirtualInterfaces unfiltered, one account"),
    ("2d", "ConfirmPrivateVirtualInterface"),
];

/// `count` sequential calls of one goal-2 operation on one keep-alive
/// connection: service time, with no queueing behind other requests.
/// Describe answers are checked for the number of VIFs they must hold.
async fn flat_batch(
    conn: &mut Conn,
    p: &mut Probe,
    op: usize,
    count: usize,
    out: &mut Vec<u64>,
) -> Result<(), String> {
    let proto = Protocol::Json;
    for _ in 0..count {
        let (mut acct, name, input, want) = match op {
            0 => (
                Account::new(&p.partner),
                work::DESCRIBE_VIFS,
                json!({"connectionId": p.connection}),
                Some(load::VIFS_PER_CONNECTION),
            ),
            1 => (
                Account::new(&p.owner),
                work::DESCRIBE_VIFS,
                json!({"virtualInterfaceId": p.vif}),
                Some(1),
            ),
            2 => (
                Account::new(&p.owner),
                work::DESCRIBE_VIFS,
                json!({}),
                Some(BASE_VIFS / BASE_CUSTOMERS),
            ),
            _ => {
                let Some((vif, owner, vgw)) = p.confirms.pop() else {
                    return Ok(());
                };
                (
                    Account::new(&owner),
                    flow::CONFIRM,
                    json!({"virtualInterfaceId": vif, "virtualGatewayId": vgw}),
                    None,
                )
            }
        };
        let (res, lat) = conn.call(proto, &mut acct, name, &input).await;
        let v = res.map_err(|e| format!("{name} on {}: {}", p.ep.authority, e.0))?;
        if let Some(want) = want {
            let got = v
                .get("virtualInterfaces")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if got != want {
                return Err(format!("{name} {input} found {got} VIFs, expected {want}"));
            }
        }
        out.push(lat.as_nanos() as u64);
    }
    Ok(())
}

/// Goals 2 and 3: a server with 1,000 VIFs and one with `--vifs`, the
/// same 1,000 in both; the larger one's RSS before and after loading.
fn goal_state(cx: &mut Ctx) -> Result<(), String> {
    let n = cx.args.vifs;
    let conc = cx.args.concurrency;
    let (large, lep) = start_server(cx, None)?;
    let (small, sep) = start_server(cx, None)?;
    let base = Layout {
        partner_base: 510_000_000_000,
        customer_base: 520_000_000_000,
        vifs: BASE_VIFS,
        customers: BASE_CUSTOMERS,
    };
    let filler = Layout {
        partner_base: 530_000_000_000,
        customer_base: 540_000_000_000,
        vifs: n - BASE_VIFS,
        customers: ((n - BASE_VIFS) / load::VIFS_PER_CONNECTION).max(1),
    };
    // Idle means started and past its first request, as a client finds it.
    cx.rt.block_on(async {
        let mut c = Conn::new(lep.clone());
        match c.admin("GET", "/_dxlocal/health", "").await {
            Ok((s, _)) if s.is_success() => Ok(()),
            Ok((s, _)) => Err(format!("GET /_dxlocal/health answered {s}")),
            Err(e) => Err(format!("GET /_dxlocal/health: {}", e.0)),
        }
    })?;
    let rss_idle = large.rss_kib();
    eprintln!(
        "goals 2, 3: {n} VIFs into dxlocal at {}, {BASE_VIFS} into dxlocal at {}",
        large.url, small.url
    );
    let (sload, lload, rss_base, rss_full) = cx.rt.block_on(async {
        let locs = work::locations(&lep, Protocol::Json).await?;
        let sload = load::load(&sep, Protocol::Json, &locs, &base, conc).await?;
        let lload = load::load(&lep, Protocol::Json, &locs, &base, conc).await?;
        let rss_base = large.rss_kib();
        load::load(&lep, Protocol::Json, &locs, &filler, conc).await?;
        let rss_full = large.rss_kib();
        Ok::<_, String>((sload, lload, rss_base, rss_full))
    })?;

    if cx.args.wants(3) {
        memory_rows(cx, n, rss_idle, rss_base, rss_full);
    }
    if cx.args.wants(2) {
        flat_rows(cx, n, &base, (&sep, &sload), (&lep, &lload))?;
    }
    drop((large, small));
    Ok(())
}

fn memory_rows(cx: &mut Ctx, n: usize, idle: Option<u64>, base: Option<u64>, full: Option<u64>) {
    let (Some(idle), Some(base), Some(full)) = (idle, base, full) else {
        cx.notes
            .push("goal 3: no /proc/PID/status on this system; RSS not measured".into());
        return;
    };
    let per_vif = full.saturating_sub(idle) as f64 * 1024.0 / n as f64;
    let marginal = full.saturating_sub(base) as f64 * 1024.0 / (n - BASE_VIFS) as f64;
    let fmt_b = |b: f64| {
        if b >= 1024.0 {
            format!("{:.2} KiB", b / 1024.0)
        } else {
            format!("{b:.0} B")
        }
    };
    cx.rows.push(Row {
        goal: "3a".into(),
        what: format!("RSS per VIF, (loaded - empty) / {n}"),
        value: format!("{} / VIF", fmt_b(per_vif)),
        baseline: format!(
            "empty {}, loaded {}",
            fmt_kib(idle as f64),
            fmt_kib(full as f64)
        ),
        ratio: None,
        rounds: None,
        limit: "<= 1.5 KiB".into(),
        pass: Some(per_vif <= 1536.0),
        detail: json!({
            "vifs": n,
            "rss_empty_kib": idle,
            "rss_with_1000_vifs_kib": base,
            "rss_loaded_kib": full,
            "bytes_per_vif": per_vif,
            "marginal_bytes_per_vif_past_1000": marginal,
        }),
    });
    cx.rows.push(Row {
        goal: "3b".into(),
        what: "idle RSS, empty server after one request".into(),
        value: fmt_kib(idle as f64),
        baseline: "-".into(),
        ratio: None,
        rounds: None,
        limit: "<= 15 MiB".into(),
        pass: Some(idle as f64 <= 15.0 * 1024.0),
        detail: json!({"rss_kib": idle}),
    });
}

fn flat_rows(
    cx: &mut Ctx,
    n: usize,
    base: &Layout,
    small: (&Endpoint, &Loaded),
    large: (&Endpoint, &Loaded),
) -> Result<(), String> {
    let rounds = cx.args.rounds.max(1) as usize;
    let samples = cx.args.flat_samples.max(1);
    // Every confirm uses up a VIF; the 1,000 base VIFs bound them.
    let confirms_per_round = samples.min((BASE_VIFS - 1) / rounds);
    let total_confirms = confirms_per_round * rounds;
    eprintln!("goal 2: {rounds} rounds of {samples} calls per operation and state");
    // [op][state][round] latencies in ns; state 0 is the 1,000-VIF server.
    let mut lat: Vec<[Vec<Vec<u64>>; 2]> =
        vec![[vec![Vec::new(); rounds], vec![Vec::new(); rounds]]; FLAT_OPS.len()];
    cx.rt.block_on(async {
        let mut probes = [
            probe(small.0, base, small.1, total_confirms).await?,
            probe(large.0, base, large.1, total_confirms).await?,
        ];
        let mut conns = [Conn::new(small.0.clone()), Conn::new(large.0.clone())];
        // Warm both connections and code paths; not recorded.
        for s in 0..2 {
            let mut sink = Vec::new();
            for op in 0..3 {
                flat_batch(&mut conns[s], &mut probes[s], op, 20, &mut sink).await?;
            }
        }
        for round in 0..rounds {
            for (op, per_state) in lat.iter_mut().enumerate() {
                let count = if op == 3 { confirms_per_round } else { samples };
                let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
                for s in order {
                    let out = &mut per_state[s][round];
                    flat_batch(&mut conns[s], &mut probes[s], op, count, out).await?;
                }
            }
        }
        Ok::<_, String>(())
    })?;
    for (i, (goal, name)) in FLAT_OPS.iter().enumerate() {
        let ms = |v: &[u64], p: f64| percentile(v, p) as f64 / 1e6;
        let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len().max(1) as f64 / 1e6;
        for per_round in lat[i].iter_mut().flatten() {
            per_round.sort_unstable();
        }
        let round_ratios: Vec<f64> = lat[i][1]
            .iter()
            .zip(&lat[i][0])
            .filter_map(|(l, s)| ratio(ms(l, 50.0), ms(s, 50.0)))
            .collect();
        let range = round_ratios
            .iter()
            .copied()
            .reduce(f64::min)
            .zip(round_ratios.iter().copied().reduce(f64::max));
        let [s, l] = lat[i].clone().map(|rs| {
            let mut all: Vec<u64> = rs.into_iter().flatten().collect();
            all.sort_unstable();
            all
        });
        let (s, l) = (&s[..], &l[..]);
        let r = ratio(ms(l, 50.0), ms(s, 50.0));
        cx.rows.push(Row {
            goal: goal.to_string(),
            what: format!("{name}: p50, 1 connection"),
            value: format!("{} at {n} VIFs", fmt_ms(ms(l, 50.0))),
            baseline: format!("{} at {BASE_VIFS} VIFs", fmt_ms(ms(s, 50.0))),
            ratio: r,
            rounds: range,
            limit: "<= 2x".into(),
            pass: Some(!l.is_empty() && r.is_some_and(|r| r <= 2.0)),
            detail: json!({
                "vifs": n,
                "samples": l.len(),
                "large": {"p50_ms": ms(l, 50.0), "p90_ms": ms(l, 90.0), "p99_ms": ms(l, 99.0), "mean_ms": mean(l)},
                "base": {"p50_ms": ms(s, 50.0), "p90_ms": ms(s, 90.0), "p99_ms": ms(s, 99.0), "mean_ms": mean(s)},
            }),
        });
    }
    Ok(())
}
