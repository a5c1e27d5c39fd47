//! MACsec keys on dedicated connections, interconnects and LAGs.

use super::connections::{self, keys_to_api};
use crate::state::{ConnKind, MacSecKey};
use crate::{access, Cx, Engine};
use dxlocal_model::{
    ApiError, AssociateMacSecKeyRequest, AssociateMacSecKeyResponse, DisassociateMacSecKeyRequest,
    DisassociateMacSecKeyResponse,
};

/// The keys of a MACsec-capable port the caller owns (for a LAG, the LAG's
/// list; members get copies).
fn port_keys<'a>(
    eng: &'a mut Engine,
    cx: &Cx,
    id: &str,
) -> Result<&'a mut Vec<MacSecKey>, ApiError> {
    if id.starts_with("dxlag-") {
        let lag = eng
            .state
            .lags
            .get_mut(id)
            .filter(|l| access::owns(&cx.caller, &l.owner, &l.region) && !l.deleted)
            .ok_or_else(|| super::lags::not_found(id))?;
        if !lag.mac_sec_capable {
            return Err(ApiError::client(format!("Lag {id} is not MACsec capable")));
        }
        return Ok(&mut lag.macsec_keys);
    }
    let c = eng
        .state
        .connections
        .get_mut(id)
        .filter(|c| access::owns(&cx.caller, &c.owner, &c.region) && c.is_live())
        .ok_or_else(|| connections::not_found(id))?;
    if matches!(c.kind, ConnKind::Hosted { .. }) {
        return Err(ApiError::client(format!(
            "MACsec is not available on hosted connection {id}"
        )));
    }
    if !c.mac_sec_capable {
        return Err(ApiError::client(format!(
            "Connection {id} is not MACsec capable"
        )));
    }
    Ok(&mut c.macsec_keys)
}

/// A LAG's keys apply to every member (resources.md §13).
fn propagate(eng: &mut Engine, lag_id: &str) {
    let Some(lag) = eng.state.lags.get(lag_id) else {
        return;
    };
    let (keys, mode, members) = (
        lag.macsec_keys.clone(),
        lag.encryption_mode.clone(),
        lag.members.clone(),
    );
    for m in members {
        if let Some(c) = eng.state.connections.get_mut(&m) {
            c.macsec_keys = keys.clone();
            if mode.is_some() {
                c.encryption_mode = mode.clone();
            }
        }
    }
}

fn hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn associate_mac_sec_key(
    eng: &mut Engine,
    cx: &Cx,
    input: AssociateMacSecKeyRequest,
) -> Result<AssociateMacSecKeyResponse, ApiError> {
    let id = input.connection_id.clone();
    let ckn = match (&input.secret_arn, &input.ckn, &input.cak) {
        (Some(arn), None, None) => eng
            .state
            .macsec_secrets
            .get(arn)
            .filter(|(owner, _)| access::owns_global(&cx.caller, owner))
            .map(|(_, ckn)| ckn.clone())
            .ok_or_else(|| {
                ApiError::client(format!(
                    "Secret {arn} is not a Direct Connect MACsec secret of this account"
                ))
            })?,
        (None, Some(ckn), Some(cak)) => {
            if !hex64(ckn) || !hex64(cak) {
                return Err(ApiError::client(
                    "ckn and cak must each be 64 hexadecimal characters",
                ));
            }
            ckn.to_ascii_lowercase()
        }
        _ => {
            return Err(ApiError::client(
                "Specify either secretARN, or both ckn and cak",
            ))
        }
    };
    let keys = port_keys(eng, cx, &id)?;
    if keys.iter().any(|k| k.ckn == ckn) {
        return Err(ApiError::client(format!(
            "The CKN {ckn} is already associated with {id}"
        )));
    }
    let arn = match &input.secret_arn {
        Some(a) => a.clone(),
        None => {
            // AWS stores the pair in Secrets Manager and returns the new ARN.
            let suffix = eng.ids.base36(6);
            let r = &cx.caller.region;
            format!(
                "arn:{}:secretsmanager:{r}:{}:secret:directconnect!prod/{r}/directconnect/{ckn}-{suffix}",
                super::partition(r),
                cx.caller.account
            )
        }
    };
    eng.state
        .macsec_secrets
        .insert(arn.clone(), (cx.caller.account.clone(), ckn.clone()));
    let start_on = super::iso8601(cx.now);
    let keys = port_keys(eng, cx, &id)?;
    // [choice] associating completes at once (Terraform does not wait).
    keys.push(MacSecKey {
        secret_arn: arn,
        ckn,
        state: "associated",
        start_on,
    });
    let out = keys_to_api(keys);
    if id.starts_with("dxlag-") {
        propagate(eng, &id);
    }
    Ok(AssociateMacSecKeyResponse {
        connection_id: Some(id),
        mac_sec_keys: Some(out),
    })
}

pub fn disassociate_mac_sec_key(
    eng: &mut Engine,
    cx: &Cx,
    input: DisassociateMacSecKeyRequest,
) -> Result<DisassociateMacSecKeyResponse, ApiError> {
    let id = input.connection_id.clone();
    let keys = port_keys(eng, cx, &id)?;
    let pos = keys
        .iter()
        .position(|k| k.secret_arn == input.secret_arn)
        .ok_or_else(|| {
            ApiError::client(format!(
                "Secret {} is not associated with {id}",
                input.secret_arn
            ))
        })?;
    let mut removed = keys.remove(pos);
    removed.state = "disassociated";
    let now_empty = keys.is_empty();
    // Losing the last key relaxes must_encrypt to should_encrypt (resources.md §13).
    if now_empty {
        if let Some(c) = eng.state.connections.get_mut(&id) {
            if c.encryption_mode.as_deref().unwrap_or("must_encrypt") == "must_encrypt" {
                c.encryption_mode = Some("should_encrypt".into());
            }
        }
        if let Some(l) = eng.state.lags.get_mut(&id) {
            if l.encryption_mode.as_deref().unwrap_or("must_encrypt") == "must_encrypt" {
                l.encryption_mode = Some("should_encrypt".into());
            }
        }
    }
    if id.starts_with("dxlag-") {
        propagate(eng, &id);
    }
    Ok(DisassociateMacSecKeyResponse {
        connection_id: Some(id),
        mac_sec_keys: Some(keys_to_api(&[removed])),
    })
}
