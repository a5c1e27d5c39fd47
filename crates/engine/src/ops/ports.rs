//! What a virtual interface sits on: a dedicated or hosted connection, or
//! a LAG. One lookup so every VIF operation applies the same rules.

use super::{connections, lags};
use crate::state::ConnKind;
use crate::{Cx, Engine};
use dxlocal_model::{ApiError, ConnectionState};

#[derive(Debug, Clone)]
pub struct Port {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub location: String,
    pub bandwidth: String,
    pub aws_device: String,
    pub aws_logical_device_id: String,
    /// A hosted connection carries exactly the VLAN its partner provisioned.
    pub hosted_vlan: Option<i32>,
}

/// The connection or LAG `id` as a home for VIFs: owned by the caller, in
/// its region, and in a state that carries traffic ([choice] `available` or
/// `down`; a LAG: not deleted, with at least one member).
pub fn vif_port(eng: &Engine, cx: &Cx, id: &str) -> Result<Port, ApiError> {
    if id.starts_with("dxlag-") {
        let lag = lags::owned(eng, cx, id)?;
        if lag.deleted {
            return Err(lags::not_found(id));
        }
        if lag.members.is_empty() {
            return Err(ApiError::client(format!(
                "Lag {id} has no connections and cannot carry virtual interfaces"
            )));
        }
        return Ok(Port {
            id: lag.id.clone(),
            owner: lag.owner.clone(),
            region: lag.region.clone(),
            location: lag.location.clone(),
            bandwidth: lag.bandwidth.clone(),
            aws_device: lag.aws_device.clone(),
            aws_logical_device_id: lag.aws_logical_device_id.clone(),
            hosted_vlan: None,
        });
    }
    let conn = connections::owned(eng, cx, id)?;
    if !conn.is_live() {
        return Err(connections::not_found(id));
    }
    if !matches!(
        conn.state,
        ConnectionState::Available | ConnectionState::Down
    ) {
        return Err(ApiError::client(format!(
            "Connection {id} is not available for virtual interfaces (current state: {})",
            conn.state
        )));
    }
    Ok(Port {
        id: conn.id.clone(),
        owner: conn.owner.clone(),
        region: conn.region.clone(),
        location: conn.location.clone(),
        bandwidth: conn.bandwidth.clone(),
        aws_device: conn.aws_device.clone(),
        aws_logical_device_id: conn.aws_logical_device_id.clone(),
        hosted_vlan: match &conn.kind {
            ConnKind::Hosted { vlan, .. } => Some(*vlan),
            _ => None,
        },
    })
}
