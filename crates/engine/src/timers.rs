//! Transitions the real service makes on its own, stored as "becomes X at
//! time T" and applied in time order whenever the engine is next called
//! (see `Engine::settle`). No background thread is needed for correctness,
//! and moving the virtual clock moves everything due.

use dxlocal_model::{
    BGPPeerState, ConnectionState, DirectConnectGatewayAssociationProposalState,
    DirectConnectGatewayAssociationState, DirectConnectGatewayState, VirtualInterfaceState,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Something that happens by itself. Each carries the state it expects to
/// find, so an event overtaken by an API call (the VIF was deleted while
/// still `pending`) is dropped instead of undoing that call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Connection {
        id: String,
        from: ConnectionState,
        to: ConnectionState,
    },
    Vif {
        id: String,
        from: VirtualInterfaceState,
        to: VirtualInterfaceState,
    },
    Gateway {
        id: String,
        from: DirectConnectGatewayState,
        to: DirectConnectGatewayState,
    },
    Association {
        id: String,
        from: DirectConnectGatewayAssociationState,
        to: DirectConnectGatewayAssociationState,
    },
    /// An unanswered proposal expiring.
    Proposal {
        id: String,
        from: DirectConnectGatewayAssociationProposalState,
        to: DirectConnectGatewayAssociationProposalState,
    },
    /// The end of a deleted resource's visible tail.
    PurgeVif {
        id: String,
    },
    PurgeConnection {
        id: String,
    },
    /// A BGP peer finishing a change on its own.
    Peer {
        vif_id: String,
        peer_id: String,
        from: BGPPeerState,
        to: BGPPeerState,
    },
    /// A deleted BGP peer leaving `bgpPeers` at the end of its tail.
    PurgePeer {
        vif_id: String,
        peer_id: String,
    },
    /// An injected fault clearing itself.
    Fault {
        undo: crate::faults::Fault,
        generation: u64,
    },
    /// A failover test reaching the end of its duration.
    FailoverTestEnds {
        test_id: String,
    },
    ResiliencyGroup {
        id: String,
        from: dxlocal_model::ResiliencyGroupState,
        to: dxlocal_model::ResiliencyGroupState,
    },
    /// A connection's association with a resiliency group settling.
    GroupMember {
        group: String,
        connection: String,
        from: dxlocal_model::ResiliencyGroupAssociationState,
        to: dxlocal_model::ResiliencyGroupAssociationState,
    },
    PurgeAssociation {
        id: String,
    },
    PurgeProposal {
        id: String,
    },
}

/// Due events in time order; ties keep insertion order.
#[derive(Default, Serialize, Deserialize)]
pub struct Timers {
    queue: BTreeMap<(i64, u64), Event>,
    seq: u64,
}

/// Microseconds, so the queue key is totally ordered.
fn key_time(at: f64) -> i64 {
    (at * 1_000_000.0).round() as i64
}

impl Timers {
    pub fn schedule(&mut self, at: f64, event: Event) {
        self.seq += 1;
        self.queue.insert((key_time(at), self.seq), event);
    }

    /// The earliest event due at or before `now`, with its due time.
    pub fn pop_due(&mut self, now: f64) -> Option<(f64, Event)> {
        let (&(t, seq), _) = self.queue.iter().next()?;
        if t > key_time(now) {
            return None;
        }
        let event = self.queue.remove(&(t, seq))?;
        Some((t as f64 / 1_000_000.0, event))
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }
}
