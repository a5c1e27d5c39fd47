//! Fault injection: what only an emulator can do. A port or a BGP session
//! goes down (and comes back), an association reports an error - shown in
//! Describe calls exactly as the real service shows such states.
//!
//! A fault with a duration is undone by a timer on the virtual clock.

use crate::timers::Event;
use crate::Engine;
use dxlocal_model::{BGPPeerState, BGPStatus, ConnectionState, VirtualInterfaceState};

/// A fault to inject or clear.
#[derive(Debug, Clone, PartialEq)]
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
        self.fault(&fault)?;
        if let (Some(s), Some(undo)) = (seconds, fault.undo()) {
            if !(s.is_finite() && s > 0.0) {
                return Err(format!("seconds must be a positive number (got {s})"));
            }
            self.timers.schedule(now + s, Event::Fault(undo));
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
                let lag = c.lag_id.clone();
                self.sync_vifs_with_port(id);
                if let Some(lag) = lag {
                    self.sync_vifs_with_port(&lag);
                }
                Ok(())
            }
            Fault::PeerDown { vif, peer } | Fault::PeerUp { vif, peer } => {
                let up = matches!(fault, Fault::PeerUp { .. });
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
                p.status = if up { BGPStatus::Up } else { BGPStatus::Down };
                // `down` on a VIF means its BGP is down (resources.md §6.2).
                let any_up = v.peers.iter().any(|p| p.status == BGPStatus::Up);
                match v.state {
                    VirtualInterfaceState::Available if !any_up => {
                        v.state = VirtualInterfaceState::Down
                    }
                    VirtualInterfaceState::Down if any_up => {
                        v.state = VirtualInterfaceState::Available
                    }
                    _ => {}
                }
                Ok(())
            }
            Fault::VifDown { vif } | Fault::VifUp { vif } => {
                let up = matches!(fault, Fault::VifUp { .. });
                let v = self
                    .state
                    .vifs
                    .get_mut(vif)
                    .ok_or_else(|| format!("no virtual interface {vif}"))?;
                let (from, to) = if up {
                    (
                        VirtualInterfaceState::Down,
                        VirtualInterfaceState::Available,
                    )
                } else {
                    (
                        VirtualInterfaceState::Available,
                        VirtualInterfaceState::Down,
                    )
                };
                if v.state != from {
                    return Err(format!(
                        "virtual interface {vif} is {}, not {from}",
                        v.state
                    ));
                }
                v.state = to;
                for p in v
                    .peers
                    .iter_mut()
                    .filter(|p| p.state == BGPPeerState::Available)
                {
                    p.status = if up { BGPStatus::Up } else { BGPStatus::Down };
                }
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

    /// After a port changed state: its VIFs follow it down, or come back
    /// when it is up again (a LAG is up while it has enough members).
    fn sync_vifs_with_port(&mut self, port: &str) {
        let up = match self.state.lags.get(port) {
            Some(lag) => {
                crate::ops::lags::state_of(self, lag) == dxlocal_model::LagState::Available
            }
            None => self
                .state
                .connections
                .get(port)
                .is_some_and(|c| c.state == ConnectionState::Available),
        };
        let ids: Vec<String> = self
            .state
            .live_vifs_on(port)
            .map(|v| v.id.clone())
            .collect();
        for id in ids {
            let Some(v) = self.state.vifs.get_mut(&id) else {
                continue;
            };
            match (up, v.state) {
                (false, VirtualInterfaceState::Available) => {
                    v.state = VirtualInterfaceState::Down;
                    for p in v
                        .peers
                        .iter_mut()
                        .filter(|p| p.state == BGPPeerState::Available)
                    {
                        p.status = BGPStatus::Down;
                    }
                }
                (true, VirtualInterfaceState::Down) => {
                    v.state = VirtualInterfaceState::Available;
                    for p in v
                        .peers
                        .iter_mut()
                        .filter(|p| p.state == BGPPeerState::Available)
                    {
                        p.status = BGPStatus::Up;
                    }
                }
                _ => {}
            }
        }
    }
}
