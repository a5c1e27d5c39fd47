//! The admin API under `/_dxlocal/`: health, reset and the virtual clock.
//! Plain JSON in and out; errors are `{"error": <code>, "message": <text>}`.

use dxlocal_wire::{WireReply, ADMIN_PATH_PREFIX};
use serde_json::{json, Value};

use dxlocal_engine::{Engine, Fault};
use dxlocal_store::{Record, Ticket};

use crate::app::{wall_now, App};
use crate::config::lifecycle_name;
use crate::persist;

/// Longest single clock advance: a hundred years is beyond any lifecycle
/// delay and keeps virtual time far from where f64 seconds lose precision.
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

/// The reply, for a failure its error code (for the request log), and for
/// a state change the ticket that resolves once it is durable.
pub(crate) fn handle(
    app: &App,
    method: &str,
    path: &str,
    body: &[u8],
) -> (WireReply, Option<&'static str>, Option<Ticket>) {
    match endpoint(app, method, path, body) {
        Ok((reply, commit)) => (reply, None, commit),
        Err(failure) => {
            let mut reply = error(failure.status, failure.code, &failure.message);
            if let Some(allow) = failure.allow {
                reply.headers.push(("allow", allow.to_string()));
            }
            (reply, Some(failure.code), None)
        }
    }
}

struct Failure {
    status: u16,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
}

impl Failure {
    fn new(status: u16, code: &'static str, message: String) -> Self {
        Failure {
            status,
            code,
            message,
            allow: None,
        }
    }
}

fn endpoint(
    app: &App,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<(WireReply, Option<Ticket>), Failure> {
    let endpoint = path.strip_prefix(ADMIN_PATH_PREFIX).unwrap_or("");
    let allowed = match endpoint {
        "health" => "GET",
        "state" => match method {
            "PUT" => "PUT",
            _ => "GET",
        },
        "reset" | "clock/advance" | "faults" => "POST",
        _ => {
            let message = format!("no admin endpoint at {}", shorten(path));
            return Err(Failure::new(404, "NotFound", message));
        }
    };
    if method != allowed && !(allowed == "GET" && method == "HEAD") {
        let message = format!(
            "{} accepts {allowed}, not {}",
            shorten(path),
            shorten(method)
        );
        return Err(Failure {
            allow: Some(allowed),
            ..Failure::new(405, "MethodNotAllowed", message)
        });
    }
    match endpoint {
        "health" => {
            let (now, lifecycle) = {
                let engine = app.engine.lock();
                (engine.now(wall_now()), engine.lifecycle())
            };
            Ok((
                ok(json!({
                    "status": "ok",
                    "lifecycle": lifecycle_name(lifecycle),
                    "now": now,
                    "durable": app.history.lock().is_durable(),
                    "observe": app.observe,
                })),
                None,
            ))
        }
        "state" if method == "PUT" => import(app, body),
        "state" => {
            let engine = app.engine.lock();
            let doc = persist::export(&app.history.lock(), &engine);
            Ok((reply(200, &doc), None))
        }
        _ => {
            let mut engine = app.engine.lock();
            // Read under the lock: calls get non-decreasing times in the order
            // they run, which is the order they are journaled and replayed in.
            let wall = engine.monotonic_wall(wall_now());
            match mutate(&mut engine, path, body, wall) {
                Ok(answer) => {
                    let commit = app.history.lock().record(
                        Record {
                            kind: "admin".into(),
                            target: path.to_string(),
                            account: String::new(),
                            region: String::new(),
                            protocol: String::new(),
                            body: body.to_vec(),
                            wall,
                            status: 200,
                        },
                        &engine,
                    );
                    Ok((ok(answer), commit))
                }
                Err((status, code, message)) => Err(Failure::new(status, code, message)),
            }
        }
    }
}

/// `PUT /_dxlocal/state`: replays the document into a new engine first, so
/// the live state changes only if the whole document applies.
fn import(app: &App, body: &[u8]) -> Result<(WireReply, Option<Ticket>), Failure> {
    let bad = |m: String| Failure::new(400, "BadRequest", m);
    let doc = persist::parse_document(body).map_err(bad)?;
    let engine = persist::engine_from_document(&doc)
        .map_err(|e| Failure::new(422, "StateNotApplicable", e))?;
    let calls = doc.records.len();
    let mut live = app.engine.lock();
    // The dashboard's history goes on across an import.
    let events = live.take_events();
    *live = engine;
    live.set_recording(app.observe);
    live.adopt_events(events, wall_now(), "import");
    let commit = app.history.lock().replace(doc);
    let now = live.now(wall_now());
    Ok((
        ok(json!({ "status": "ok", "calls": calls, "now": now })),
        commit,
    ))
}

/// The admin calls that change state (reset, clock, faults), on an engine
/// the caller has locked. Shared with journal replay, so a replayed call
/// does exactly what the live one did.
pub(crate) fn mutate(
    engine: &mut Engine,
    path: &str,
    body: &[u8],
    wall: f64,
) -> Result<Value, (u16, &'static str, String)> {
    match path.strip_prefix(ADMIN_PATH_PREFIX).unwrap_or("") {
        "reset" => {
            engine.reset(wall);
            Ok(json!({ "status": "ok", "now": engine.now(wall) }))
        }
        "clock/advance" => {
            let seconds = parse_advance(body).map_err(|m| (400, "BadRequest", m))?;
            Ok(json!({ "now": engine.advance_clock(seconds, wall) }))
        }
        "faults" => {
            let (fault, seconds) = parse_fault(body).map_err(|m| (400, "BadRequest", m))?;
            engine
                .apply_fault(fault, seconds, wall)
                .map_err(|m| (409, "FaultNotApplicable", m))?;
            Ok(json!({ "status": "ok", "now": engine.now(wall) }))
        }
        other => Err((
            404,
            "NotFound",
            format!("no admin endpoint at {}", shorten(other)),
        )),
    }
}

/// `{"fault": "connection-down", "connectionId": "dxcon-…", "seconds": 60}`;
/// see the README for every kind.
fn parse_fault(body: &[u8]) -> Result<(Fault, Option<f64>), String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("body must be a JSON object: {e}"))?;
    let field = |k: &str| -> Result<String, String> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("missing \"{k}\""))
    };
    let kind = field("fault")?;
    let fault = match kind.as_str() {
        "connection-down" => Fault::ConnectionDown { id: field("connectionId")? },
        "connection-up" => Fault::ConnectionUp { id: field("connectionId")? },
        "bgp-peer-down" => Fault::PeerDown { vif: field("virtualInterfaceId")?, peer: field("bgpPeerId")? },
        "bgp-peer-up" => Fault::PeerUp { vif: field("virtualInterfaceId")?, peer: field("bgpPeerId")? },
        "vif-bgp-down" => Fault::VifDown { vif: field("virtualInterfaceId")? },
        "vif-bgp-up" => Fault::VifUp { vif: field("virtualInterfaceId")? },
        "association-error" => Fault::AssociationError {
            id: field("associationId")?,
            message: field("message").unwrap_or_else(|_| "The association failed".to_string()),
        },
        "association-clear" => Fault::AssociationClear { id: field("associationId")? },
        other => {
            return Err(format!(
                "unknown fault {other:?}: use connection-down|connection-up|bgp-peer-down|bgp-peer-up|vif-bgp-down|vif-bgp-up|association-error|association-clear"
            ))
        }
    };
    let seconds = match v.get("seconds") {
        None | Some(Value::Null) => None,
        Some(s) => Some(
            s.as_f64()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= MAX_ADVANCE_SECONDS)
                .ok_or_else(|| "\"seconds\" must be a positive number".to_string())?,
        ),
    };
    Ok((fault, seconds))
}

/// `{"seconds": N}` with N a finite number, 0 <= N <= 100 years.
fn parse_advance(body: &[u8]) -> Result<f64, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("body must be JSON like {{\"seconds\": 60}}: {e}"))?;
    let seconds = value
        .as_object()
        .ok_or_else(|| "body must be a JSON object like {\"seconds\": 60}".to_string())?
        .get("seconds")
        .ok_or_else(|| "missing \"seconds\"".to_string())?
        .as_f64()
        .ok_or_else(|| "\"seconds\" must be a number".to_string())?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err("\"seconds\" must be zero or positive".into());
    }
    if seconds > MAX_ADVANCE_SECONDS {
        return Err(format!(
            "\"seconds\" must be at most {MAX_ADVANCE_SECONDS} (100 years)"
        ));
    }
    Ok(seconds)
}

fn ok(body: Value) -> WireReply {
    reply(200, &body)
}

pub(crate) fn error(status: u16, code: &str, message: &str) -> WireReply {
    reply(status, &json!({ "error": code, "message": message }))
}

fn reply(status: u16, body: &Value) -> WireReply {
    WireReply {
        status,
        headers: vec![("content-type", "application/json".to_string())],
        body: body.to_string().into_bytes(),
    }
}

fn shorten(s: &str) -> String {
    s.chars().take(128).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_body_validation() {
        assert_eq!(parse_advance(br#"{"seconds": 60}"#), Ok(60.0));
        assert_eq!(
            parse_advance(br#"{"seconds": 0.5, "other": true}"#),
            Ok(0.5)
        );
        assert_eq!(parse_advance(br#"{"seconds": 0}"#), Ok(0.0));
        for bad in [
            &b""[..],
            b"not json",
            b"[]",
            b"60",
            br#"{}"#,
            br#"{"seconds": "60"}"#,
            br#"{"seconds": -1}"#,
            br#"{"seconds": 1e300}"#,
            br#"{"seconds": null}"#,
        ] {
            assert!(
                parse_advance(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
