//! The admin API under `/_dxlocal/`: health, reset and the virtual clock.
//! Plain JSON in and out; errors are `{"error": <code>, "message": <text>}`.

use dxlocal_wire::{WireReply, ADMIN_PATH_PREFIX};
use serde_json::{json, Value};

use crate::app::{wall_now, App};
use crate::config::lifecycle_name;

/// Longest single clock advance: a hundred years is beyond any lifecycle
/// delay and keeps virtual time far from where f64 seconds lose precision.
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

/// The reply and, for a failure, its error code (for the request log).
pub(crate) fn handle(
    app: &App,
    method: &str,
    path: &str,
    body: &[u8],
) -> (WireReply, Option<&'static str>) {
    match endpoint(app, method, path, body) {
        Ok(reply) => (reply, None),
        Err(failure) => {
            let mut reply = error(failure.status, failure.code, &failure.message);
            if let Some(allow) = failure.allow {
                reply.headers.push(("allow", allow.to_string()));
            }
            (reply, Some(failure.code))
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

fn endpoint(app: &App, method: &str, path: &str, body: &[u8]) -> Result<WireReply, Failure> {
    let endpoint = path.strip_prefix(ADMIN_PATH_PREFIX).unwrap_or("");
    let allowed = match endpoint {
        "health" => "GET",
        "reset" | "clock/advance" => "POST",
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
            let now = app.engine.lock().now(wall_now());
            Ok(ok(json!({
                "status": "ok",
                "lifecycle": lifecycle_name(app.lifecycle),
                "now": now,
            })))
        }
        "reset" => {
            let wall = wall_now();
            let now = {
                let mut engine = app.engine.lock();
                engine.reset(wall);
                engine.now(wall)
            };
            Ok(ok(json!({ "status": "ok", "now": now })))
        }
        _ => match parse_advance(body) {
            Ok(seconds) => {
                let now = app.engine.lock().advance_clock(seconds, wall_now());
                Ok(ok(json!({ "now": now })))
            }
            Err(message) => Err(Failure::new(400, "BadRequest", message)),
        },
    }
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
