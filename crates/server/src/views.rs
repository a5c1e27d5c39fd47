//! The emulator's read-only views: the dashboard's embedded assets
//! (`/_dxlocal/ui`), the resource listing, the request log, the event log
//! (JSON, or a server-sent-event stream) and Prometheus `/metrics`.
//!
//! Views change nothing and are not API calls, so they are neither
//! journaled nor counted in the request log they serve.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use dxlocal_engine::events::{Cause, Change};
use dxlocal_engine::inventory::{Description, Filter, Resource};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::app::{wall_now, App};
use crate::observe::{RequestEntry, LATENCY_BUCKETS};

/// Embedded at build time: the dashboard works offline.
const UI_INDEX: &str = include_str!("../ui/index.html");
const UI_JS: &str = include_str!("../ui/app.js");
const UI_CSS: &str = include_str!("../ui/app.css");

/// Most changes or requests one JSON answer or stream batch carries.
const MAX_BATCH: usize = 1000;
/// An idle event stream sends a comment this often, so proxies and
/// browsers keep it open.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// A view's answer.
pub(crate) enum View {
    Full {
        status: u16,
        content_type: &'static str,
        body: Bytes,
    },
    /// A server-sent-event stream, fed by a task until the client leaves.
    Stream(mpsc::Receiver<Bytes>),
}

fn json_view(status: u16, value: &Value) -> View {
    View::Full {
        status,
        content_type: "application/json",
        body: Bytes::from(value.to_string()),
    }
}

fn bad_request(message: String) -> View {
    json_view(400, &json!({ "error": "BadRequest", "message": message }))
}

/// The view at `path`, if there is one. Anything else goes on to the API.
pub(crate) fn route(
    app: &Arc<App>,
    method: &str,
    path: &str,
    query: Option<&str>,
    accept: Option<&str>,
    last_event_id: Option<&str>,
) -> Option<View> {
    if method != "GET" && method != "HEAD" {
        return None;
    }
    let params = Params::parse(query);
    Some(match path {
        "/_dxlocal/ui" | "/_dxlocal/ui/" | "/_dxlocal/ui/index.html" => View::Full {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: Bytes::from_static(UI_INDEX.as_bytes()),
        },
        "/_dxlocal/ui/app.js" => View::Full {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            body: Bytes::from_static(UI_JS.as_bytes()),
        },
        "/_dxlocal/ui/app.css" => View::Full {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: Bytes::from_static(UI_CSS.as_bytes()),
        },
        "/_dxlocal/resources" => resources(app, &params),
        "/_dxlocal/requests" => match params.number("limit", REQUEST_LIMIT_DEFAULT) {
            Ok(limit) => requests(app, limit as usize),
            Err(e) => bad_request(e),
        },
        "/_dxlocal/events" => {
            let since = match params.number("since", 0) {
                Ok(s) => s,
                Err(e) => return Some(bad_request(e)),
            };
            if accept.is_some_and(|a| a.contains("text/event-stream")) {
                // Last-Event-ID (a reconnecting browser) wins over ?since.
                let since = last_event_id
                    .and_then(|id| id.trim().parse().ok())
                    .unwrap_or(since);
                stream(app, since)
            } else {
                events(app, since, &params)
            }
        }
        "/metrics" => metrics(app),
        _ => return None,
    })
}

const REQUEST_LIMIT_DEFAULT: u64 = 200;

struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>) -> Self {
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Params(pairs)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn number(&self, key: &str, default: u64) -> Result<u64, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("{key} must be a non-negative integer, not {v:?}")),
        }
    }
}

/// Percent-decoding for query values (`+` is a space, as forms send it).
fn decode(s: &str) -> String {
    String::from_utf8_lossy(&dxlocal_wire::query::form_decode(s.as_bytes())).into_owned()
}

fn resources(app: &App, params: &Params) -> View {
    let filter = Filter {
        account: params.get("account").map(str::to_string),
        region: params.get("region").map(str::to_string),
        kind: params.get("kind").map(str::to_string),
    };
    let (now, list) = {
        let mut engine = app.engine.lock();
        let wall = engine.monotonic_wall(wall_now());
        let list = engine.inventory(wall, &filter);
        (engine.now(wall), list)
    };
    // Settling may have moved states: streams should look.
    app.observer.wake();
    let resources: Vec<Value> = list.iter().map(resource_json).collect();
    json_view(200, &json!({ "now": now, "resources": resources }))
}

fn resource_json(r: &Resource) -> Value {
    let links: Vec<Value> = r
        .links
        .iter()
        .map(|l| json!({ "type": l.kind, "id": l.id, "account": l.account, "region": l.region }))
        .collect();
    let tags: Vec<Value> = r
        .tags
        .iter()
        .map(|t| json!({ "key": t.key, "value": t.value }))
        .collect();
    json!({
        "kind": r.kind,
        "id": r.id,
        "account": r.account,
        "region": r.region,
        "state": r.state,
        "name": r.name,
        "parent": r.parent,
        "links": links,
        "tags": tags,
        "description": description_json(&r.description),
    })
}

/// The description in the API's own JSON (awsJson1_1) form; EC2 resources
/// in the camelCase field names of their Query API.
fn description_json(d: &Description) -> Value {
    let api = |bytes: Vec<u8>| serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    use dxlocal_wire::json::encode;
    match d {
        Description::Connection(c) => api(encode(c)),
        Description::Interconnect(c) => api(encode(c)),
        Description::Lag(l) => api(encode(l)),
        Description::VirtualInterface(v) => api(encode(v)),
        Description::DirectConnectGateway(g) => api(encode(g)),
        Description::Association(a) => api(encode(a)),
        Description::Attachment(a) => api(encode(a)),
        Description::Proposal(p) => api(encode(p)),
        Description::ResiliencyGroup(g) => api(encode(g)),
        Description::Vpc(v) => json!({
            "vpcId": v.vpc_id,
            "ownerId": v.owner_id,
            "state": v.state.as_str(),
            "cidrBlock": v.cidr_block,
            "dhcpOptionsId": v.dhcp_options_id,
            "instanceTenancy": v.instance_tenancy,
            "isDefault": v.is_default,
            "tagSet": ec2_tags(&v.tags),
        }),
        Description::VpnGateway(g) => json!({
            "vpnGatewayId": g.vpn_gateway_id,
            "state": g.state.as_str(),
            "type": g.gateway_type,
            "availabilityZone": g.availability_zone,
            "amazonSideAsn": g.amazon_side_asn,
            "attachments": g.attachments.iter().map(|a| json!({
                "vpcId": a.vpc_id,
                "state": a.state.as_str(),
            })).collect::<Vec<_>>(),
            "tagSet": ec2_tags(&g.tags),
        }),
        Description::TransitGateway(t) => json!({
            "transitGatewayId": t.transit_gateway_id,
            "transitGatewayArn": t.transit_gateway_arn,
            "state": t.state.as_str(),
            "ownerId": t.owner_id,
            "description": t.description,
            "creationTime": t.creation_time,
            "options": { "amazonSideAsn": t.options.amazon_side_asn },
            "tagSet": ec2_tags(&t.tags),
        }),
    }
}

fn ec2_tags(tags: &[dxlocal_model::ec2::Tag]) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({ "key": t.key, "value": t.value }))
        .collect()
}

fn requests(app: &App, limit: usize) -> View {
    let list = app
        .observer
        .last_requests(limit.min(crate::observe::REQUEST_RING));
    let requests: Vec<Value> = list.iter().map(request_json).collect();
    json_view(200, &json!({ "requests": requests }))
}

fn request_json(r: &RequestEntry) -> Value {
    json!({
        "seq": r.seq,
        "time": rfc3339(r.time),
        "requestId": r.request_id,
        "operation": r.operation,
        "account": r.account,
        "region": r.region,
        "protocol": r.protocol,
        "status": r.status,
        "latencyMs": (r.latency.as_secs_f64() * 1e6).round() / 1e3,
        "errorType": r.error_type,
        "errorMessage": r.error_message,
    })
}

fn rfc3339(t: std::time::SystemTime) -> String {
    let mut s = String::with_capacity(24);
    crate::log::push_timestamp(&mut s, t);
    s
}

fn events(app: &App, since: u64, params: &Params) -> View {
    let resource = params.get("resource");
    let account = params.get("account");
    let changes: Vec<Change> = {
        let engine = app.engine.lock();
        engine
            .events()
            .since(since, usize::MAX)
            .filter(|c| resource.is_none_or(|r| c.id == r))
            .filter(|c| account.is_none_or(|a| c.account == a))
            .take(MAX_BATCH)
            .collect()
    };
    let events: Vec<Value> = changes.iter().map(change_json).collect();
    json_view(200, &json!({ "events": events }))
}

pub(crate) fn change_json(c: &Change) -> Value {
    let cause = match &c.cause {
        Cause::Api {
            operation,
            account,
            region,
        } => {
            json!({ "type": "api", "operation": operation, "account": &**account, "region": &**region })
        }
        Cause::Timer => json!({ "type": "timer" }),
        Cause::Fault { fault } => json!({ "type": "fault", "fault": fault }),
        Cause::Admin { action } => json!({ "type": "admin", "action": action }),
    };
    json!({
        "seq": c.seq,
        "at": c.at,
        "kind": c.kind,
        "id": c.id,
        "account": c.account,
        "region": c.region,
        "from": c.from,
        "to": c.to,
        "cause": cause,
    })
}

/// Streams changes after `since` and every request from now on, until the
/// client goes away.
fn stream(app: &Arc<App>, since: u64) -> View {
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    let app = Arc::clone(app);
    let mut subscription = app.observer.subscribe();
    tokio::spawn(async move {
        let mut change_seq = since;
        let mut request_seq = app.observer.last_request_seq();
        // The reconnect delay a browser should use, and a first byte so the
        // client knows the stream is open.
        if tx
            .send(Bytes::from_static(b"retry: 1000\n: connected\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            subscription.rx.borrow_and_update();
            let changes: Vec<Change> = {
                let engine = app.engine.lock();
                engine.events().since(change_seq, MAX_BATCH).collect()
            };
            let requests = app.observer.requests_since(request_seq, MAX_BATCH);
            let mut frame = String::new();
            for c in &changes {
                change_seq = c.seq;
                let _ = write!(
                    frame,
                    "id: {}\nevent: change\ndata: {}\n\n",
                    c.seq,
                    change_json(c)
                );
            }
            for r in &requests {
                request_seq = r.seq;
                let _ = write!(frame, "event: request\ndata: {}\n\n", request_json(r));
            }
            if !frame.is_empty() {
                if tx.send(Bytes::from(frame)).await.is_err() {
                    return;
                }
                // A full batch may have left more behind.
                if changes.len() == MAX_BATCH || requests.len() == MAX_BATCH {
                    continue;
                }
            }
            tokio::select! {
                changed = subscription.rx.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                () = tokio::time::sleep(KEEPALIVE) => {
                    if tx.send(Bytes::from_static(b": keepalive\n\n")).await.is_err() {
                        return;
                    }
                }
                () = tx.closed() => return,
            }
        }
    });
    View::Stream(rx)
}

/// Prometheus text exposition format 0.0.4.
fn metrics(app: &App) -> View {
    let (census, events) = {
        let mut engine = app.engine.lock();
        let wall = engine.monotonic_wall(wall_now());
        let census = engine.census(wall);
        (census, engine.events().next_seq() - 1)
    };
    // Counting settled what fell due: streams should look.
    app.observer.wake();
    let mut out = String::with_capacity(4096);
    out.push_str(
        "# HELP dxlocal_requests_total API calls answered, by operation, protocol and status.\n\
         # TYPE dxlocal_requests_total counter\n",
    );
    app.observer.with_seen(|seen| {
        let mut calls: Vec<_> = seen
            .calls
            .iter()
            .flat_map(|((operation, protocol), c)| {
                c.by_status
                    .iter()
                    .map(move |(status, n)| ((operation, *protocol, *status), *n))
            })
            .collect();
        calls.sort();
        for ((operation, protocol, status), n) in calls {
            let _ = writeln!(
                out,
                "dxlocal_requests_total{{operation=\"{}\",protocol=\"{}\",status=\"{}\"}} {}",
                label(operation),
                protocol,
                status,
                n
            );
        }
        out.push_str(
            "# HELP dxlocal_request_duration_seconds Time to answer an API call.\n\
             # TYPE dxlocal_request_duration_seconds histogram\n",
        );
        let mut latency: Vec<_> = seen.calls.iter().collect();
        latency.sort_by(|a, b| a.0.cmp(b.0));
        for ((operation, protocol), c) in latency {
            let h = &c.latency;
            let labels = format!("operation=\"{}\",protocol=\"{}\"", label(operation), protocol);
            let mut cumulative = 0;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative += h.counts[i];
                let _ = writeln!(
                    out,
                    "dxlocal_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += h.counts[LATENCY_BUCKETS.len()];
            let _ = writeln!(
                out,
                "dxlocal_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {cumulative}"
            );
            let _ = writeln!(out, "dxlocal_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "dxlocal_request_duration_seconds_count{{{labels}}} {cumulative}");
        }
    });
    out.push_str(
        "# HELP dxlocal_resources Resources held, by kind and state.\n\
         # TYPE dxlocal_resources gauge\n",
    );
    for ((kind, state), n) in &census {
        let _ = writeln!(
            out,
            "dxlocal_resources{{kind=\"{kind}\",state=\"{state}\"}} {n}"
        );
    }
    let _ = write!(
        out,
        "# HELP dxlocal_event_subscribers Open event streams (/_dxlocal/events).\n\
         # TYPE dxlocal_event_subscribers gauge\n\
         dxlocal_event_subscribers {}\n\
         # HELP dxlocal_state_changes_total State changes recorded in the event log.\n\
         # TYPE dxlocal_state_changes_total counter\n\
         dxlocal_state_changes_total {}\n",
        app.observer.subscribers(),
        events
    );
    View::Full {
        status: 200,
        content_type: "text/plain; version=0.0.4; charset=utf-8",
        body: Bytes::from(out),
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn label(s: &str) -> Cow<'_, str> {
    if s.contains(['\\', '"', '\n']) {
        Cow::Owned(
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n"),
        )
    } else {
        Cow::Borrowed(s)
    }
}
