//! Fault injection: what only an emulator can do. A port or a BGP session
//! goes down (and comes back), an association reports an error - shown in
//! Describe calls exactly as the real service shows such states.
//!
//! A fault with a duration is undone by a timer on the virtual clock, unless
//! a later fault on the same target took over (each injection bumps the
//! target's generation). BGP sessions held down by a fault stay down when
//! their port flaps back up.

use crate::events::Cause;
use crate::state::ConnKind;
use crate::timers::Event;
use crate::Engine;
use dxlocal_model::{BGPPeerState, BGPStatus, ConnectionState, LagState, VirtualInterfaceState};
use serde::{Deserialize, Serialize};

/// A fault to inject or clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fault {
    /// A connection (or LAG member, or interconnect) loses its link.
    ConnectionDown {
        id: String,
    },
    ConnectionUp {
        id: String,
    },
    /// One BGP session of a VIF goes down.
    PeerDown {
        vif: String,
        peer: String,
    },
    PeerUp {
        vif: String,
        peer: String,
    },
    /// Every BGP session of a VIF goes down: the VIF shows `down`.
    VifDown {
        vif: String,
    },
    VifUp {
        vif: String,
    },
    /// A gateway association reports a failure in `stateChangeError`.
    AssociationError {
        id: String,
        message: String,
    },
    AssociationClear {
        id: String,
    },
}

impl Fault {
    /// The fault that undoes this one, if it is an injection.
    /// The name the admin API gives this fault.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::ConnectionDown { .. } => "connection-down",
            Fault::ConnectionUp { .. } => "connection-up",
            Fault::PeerDown { .. } => "bgp-peer-down",
            Fault::PeerUp { .. } => "bgp-peer-up",
            Fault::VifDown { .. } => "vif-bgp-down",
            Fault::VifUp { .. } => "vif-bgp-up",
            Fault::AssociationError { .. } => "association-error",
            Fault::AssociationClear { .. } => "association-clear",
        }
    }

    pub fn undo(&self) -> Option<Fault> {
        Some(match self {
            Fault::ConnectionDown { id } => Fault::ConnectionUp { id: id.clone() },
            Fault::PeerDown { vif, peer } => Fault::PeerUp {
                vif: vif.clone(),
                peer: peer.clone(),
            },
            Fault::VifDown { vif } => Fault::VifUp { vif: vif.clone() },
            Fault::AssociationError { id, .. } => Fault::AssociationClear { id: id.clone() },
            _ => return None,
        })
    }

    /// What the fault acts on; faults on one target supersede each other.
    pub fn target(&self) -> String {
        match self {
            Fault::ConnectionDown { id } | Fault::ConnectionUp { id } => format!("port {id}"),
            Fault::PeerDown { vif, peer } | Fault::PeerUp { vif, peer } => {
                format!("peer {vif} {peer}")
            }
            Fault::VifDown { vif } | Fault::VifUp { vif } => format!("vif {vif}"),
            Fault::AssociationError { id, .. } | Fault::AssociationClear { id } => {
                format!("association {id}")
            }
        }
    }
}

impl Engine {
    /// Injects (or clears) a fault; with `seconds`, it clears itself after
    /// that long on the virtual clock. Targets are found in any account.
    pub fn apply_fault(
        &mut self,
        fault: Fault,
        seconds: Option<f64>,
        wall_now: f64,
    ) -> Result<(), String> {
        let now = self.clock.now(wall_now);
        self.settle(now);
        if let Some(s) = seconds {
            if !(s.is_finite() && s > 0.0) {
                return Err(format!("seconds must be a positive number (got {s})"));
            }
        }
        let applied = self.fault(&fault);
        self.events.collect(
            &mut self.state,
            now,
            Cause::Fault {
                fault: fault.name(),
            },
        );
        applied?;
        let generation = {
            let g = self
                .state
                .fault_generations
                .entry(fault.target())
                .or_insert(0);
            *g += 1;
            *g
        };
        if let (Some(s), Some(undo)) = (seconds, fault.undo()) {
            self.timers
                .schedule(now + s, Event::Fault { undo, generation });
        }
        Ok(())
    }

    pub(crate) fn fault(&mut self, fault: &Fault) -> Result<(), String> {
        match fault {
            Fault::ConnectionDown { id } | Fault::ConnectionUp { id } => {
                let down = matches!(fault, Fault::ConnectionDown { .. });
                let c = self
                    .state
                    .connections
                    .get_mut(id)
                    .ok_or_else(|| format!("no connection {id}"))?;
                let (from, to) = if down {
                    (ConnectionState::Available, ConnectionState::Down)
                } else {
                    (ConnectionState::Down, ConnectionState::Available)
                };
                if c.state != from {
                    return Err(format!("connection {id} is {}, not {from}", c.state));
                }
                c.state = to;
                let lag = c
                    .lag_id
                    .clone()
                    .filter(|_| !matches!(c.kind, ConnKind::Hosted { .. }));
                self.port_changed(id);
                if let Some(lag) = lag {
                    self.port_changed(&lag);
                }
                Ok(())
            }
            Fault::PeerDown { vif, peer } | Fault::PeerUp { vif, peer } => {
                let up = matches!(fault, Fault::PeerUp { .. });
                let port_up = self.vif_port_up(vif);
                let v = self
                    .state
                    .vifs
                    .get_mut(vif)
                    .ok_or_else(|| format!("no virtual interface {vif}"))?;
                let p = v
                    .peers
                    .iter_mut()
                    .find(|p| &p.id == peer && p.state == BGPPeerState::Available)
                    .ok_or_else(|| format!("no available BGP peer {peer} on {vif}"))?;
                force_peer(p, up, port_up);
                settle_vif(v);
                Ok(())
            }
            Fault::VifDown { vif } | Fault::VifUp { vif } => {
                let up = matches!(fault, Fault::VifUp { .. });
                let port_up = self.vif_port_up(vif);
                let v = self
                    .state
                    .vifs
                    .get_mut(vif)
                    .ok_or_else(|| format!("no virtual interface {vif}"))?;
                let from = if up {
                    VirtualInterfaceState::Down
                } else {
                    VirtualInterfaceState::Available
                };
                if v.state != from {
                    return Err(format!(
                        "virtual interface {vif} is {}, not {from}",
                        v.state
                    ));
                }
                for p in v
                    .peers
                    .iter_mut()
                    .filter(|p| p.state == BGPPeerState::Available)
                {
                    force_peer(p, up, port_up);
                }
                settle_vif(v);
                Ok(())
            }
            Fault::AssociationError { id, message } => {
                let a = self
                    .state
                    .associations
                    .get_mut(id)
                    .ok_or_else(|| format!("no association {id}"))?;
                a.state_change_error = Some(message.clone());
                Ok(())
            }
            Fault::AssociationClear { id } => {
                let a = self
                    .state
                    .associations
                    .get_mut(id)
                    .ok_or_else(|| format!("no association {id}"))?;
                a.state_change_error = None;
                Ok(())
            }
        }
    }

    /// Whether the connection or LAG a VIF sits on carries traffic.
    fn vif_port_up(&self, vif: &str) -> bool {
        self.state
            .vifs
            .get(vif)
            .is_none_or(|v| self.port_up(&v.connection_id))
    }

    pub(crate) fn port_up(&self, port: &str) -> bool {
        match self.state.lags.get(port) {
            Some(lag) => crate::ops::lags::state_of(self, lag) != LagState::Down,
            None => self
                .state
                .connections
                .get(port)
                .is_none_or(|c| c.state != ConnectionState::Down),
        }
    }

    /// After a port changed state: its VIFs follow it down or come back,
    /// and so do the hosted connections it carries (with their VIFs).
    pub(crate) fn port_changed(&mut self, port: &str) {
        let up = self.port_up(port);
        let ids: Vec<String> = self
            .state
            .live_vifs_on(port)
            .map(|v| v.id.clone())
            .collect();
        for id in ids {
            if let Some(v) = self.state.vifs.get_mut(&id) {
                for p in v
                    .peers
                    .iter_mut()
                    .filter(|p| p.state == BGPPeerState::Available)
                {
                    p.status = if up && !p.forced_down {
                        BGPStatus::Up
                    } else {
                        BGPStatus::Down
                    };
                }
                settle_vif(v);
            }
        }
        let hosted: Vec<String> = self
            .state
            .hosted_by_parent
            .get(port)
            .cloned()
            .unwrap_or_default();
        for h in hosted {
            let Some(c) = self.state.connections.get_mut(&h) else {
                continue;
            };
            match (up, c.state) {
                (false, ConnectionState::Available) => c.state = ConnectionState::Down,
                (true, ConnectionState::Down) => c.state = ConnectionState::Available,
                _ => continue,
            }
            self.port_changed(&h);
        }
    }
}

/// A provisioned VIF is `available` while any BGP session is up, `down`
/// otherwise (`down` means BGP down, resources.md §6.2).
fn settle_vif(v: &mut crate::state::Vif) {
    let any_up = v.peers.iter().any(|p| p.status == BGPStatus::Up);
    match v.state {
        VirtualInterfaceState::Available if !any_up => v.state = VirtualInterfaceState::Down,
        VirtualInterfaceState::Down if any_up => v.state = VirtualInterfaceState::Available,
        _ => {}
    }
}

/// A fault holds a BGP session down, or releases it: it is up again only
/// if its port is.
fn force_peer(p: &mut crate::state::BgpPeer, up: bool, port_up: bool) {
    p.forced_down = !up;
    p.status = if up && port_up {
        BGPStatus::Up
    } else {
        BGPStatus::Down
    };
}
