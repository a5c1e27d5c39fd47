//! The Direct Connect engine: every operation is a function of
//! `(caller, input, now)` on plain in-memory state.
//!
//! Architecture invariants: no I/O, no wall clock (time is passed in), no
//! knowledge of HTTP or wire formats. IDs come from a seedable generator.
//! Every operation validates completely before it changes anything, so a
//! failed call leaves the state as it was.

mod access;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod ec2;
pub mod events;
pub mod faults;
pub mod hashing;
mod ids;
pub mod inventory;
pub mod label;
mod ops;
pub mod ring;
mod service;
pub mod snapshot;
mod state;
mod timers;
mod tracked;

pub use clock::{Clock, Lifecycle};
pub use config::{Delays, EngineConfig, Quotas};
pub use faults::Fault;

use dxlocal_model::ec2::{Ec2Error, Ec2Request, Ec2Response};
use dxlocal_model::{ApiError, Input, Output};
use events::{Cause, EventLog};
use ids::IdGen;
use label::Label;
use state::State;
use timers::{Event, Timers};

/// Who is calling: the account from the access key, the region from the
/// SigV4 credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub region: String,
}

impl Caller {
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        Caller {
            account: account.into(),
            region: region.into(),
        }
    }
}

/// What every operation handler receives besides its input.
pub struct Cx {
    pub caller: Caller,
    /// Virtual time of this call, seconds since the Unix epoch.
    pub now: f64,
}

pub struct Engine {
    config: EngineConfig,
    clock: Clock,
    ids: IdGen,
    state: State,
    timers: Timers,
    ec2: ec2::Ec2State,
    /// How many resets happened: part of what seeds the ID generator.
    resets: u64,
    /// The latest wall time any call was given (see `monotonic_wall`).
    last_wall: f64,
    /// What changed and why; survives resets (the dashboard's history).
    events: EventLog,
}

impl Engine {
    pub fn new(config: EngineConfig, wall_now: f64) -> Self {
        Engine {
            clock: Clock::new(config.lifecycle, wall_now),
            ids: IdGen::new(config.seed),
            state: State::default(),
            timers: Timers::default(),
            ec2: ec2::Ec2State::default(),
            resets: 0,
            last_wall: wall_now,
            events: EventLog::default(),
            config,
        }
    }

    /// The state changes so far (a bounded ring).
    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// Hands the event log over (to the engine replacing this one).
    pub fn take_events(&mut self) -> EventLog {
        std::mem::take(&mut self.events)
    }

    /// Takes over another engine's event log (an import replaces the engine
    /// but not the history the dashboard shows), marking the switch.
    pub fn adopt_events(&mut self, mut log: EventLog, wall_now: f64, action: &'static str) {
        log.reset(self.clock.now(wall_now), action, !self.state.is_quiet());
        self.events = log;
    }

    /// Stops (or resumes) recording state changes: a journal replaying at
    /// start-up has nobody watching.
    pub fn set_recording(&mut self, on: bool) {
        if on && self.state.is_quiet() {
            self.events.prime_lags(&self.state);
        }
        self.state.set_quiet(!on);
    }

    pub fn lifecycle(&self) -> Lifecycle {
        self.clock.lifecycle()
    }

    /// `wall_now`, or the latest wall time already used if the system
    /// clock stepped back: time given to the engine never decreases, so the
    /// timers a call sees are the ones any later call sees too.
    pub fn monotonic_wall(&mut self, wall_now: f64) -> f64 {
        self.last_wall = self.last_wall.max(wall_now);
        self.last_wall
    }

    /// Virtual time now.
    pub fn now(&self, wall_now: f64) -> f64 {
        self.clock.now(wall_now)
    }

    /// Forgets every resource. The clock (with any advance) and the
    /// configuration stay. IDs do not repeat across resets: the generator
    /// is re-seeded from the seed and the number of resets, so a stale ID
    /// from before a reset never names a new resource, and a seeded run
    /// stays reproducible.
    pub fn reset(&mut self, wall_now: f64) {
        let clock = self.clock.clone();
        let last_wall = self.last_wall;
        let resets = self.resets + 1;
        let base = self.config.clone();
        let mut events = std::mem::take(&mut self.events);
        let recording = !self.state.is_quiet();
        let mut derived = base.clone();
        derived.seed = base
            .seed
            .map(|s| s ^ resets.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        *self = Engine::new(derived, wall_now);
        // Keep the configured seed: the next reset derives from it again.
        self.config = base;
        self.clock = clock;
        self.resets = resets;
        self.last_wall = last_wall.max(wall_now);
        events.reset(self.clock.now(wall_now), "reset", recording);
        self.events = events;
        self.set_recording(recording);
    }

    /// Applies every transition due by now, outside any call: lets a
    /// watcher (the dashboard's event stream) see a `realistic` VIF become
    /// `available` without anyone calling. Replaying a journal without
    /// these settles gives the same state: each transition takes effect at
    /// its own due time, whenever it is applied.
    pub fn settle_due(&mut self, wall_now: f64) {
        let now = self.clock.now(wall_now);
        self.settle(now);
    }

    /// Moves virtual time forward and applies everything that fell due.
    pub fn advance_clock(&mut self, seconds: f64, wall_now: f64) -> f64 {
        self.clock.advance(seconds.max(0.0));
        let now = self.clock.now(wall_now);
        self.settle(now);
        now
    }

    /// Runs one Direct Connect operation.
    pub fn execute(
        &mut self,
        caller: &Caller,
        input: Input,
        wall_now: f64,
    ) -> Result<Output, ApiError> {
        let now = self.clock.now(wall_now);
        self.settle(now);
        let operation = input.operation().name();
        let cx = Cx {
            caller: caller.clone(),
            now,
        };
        let out = dxlocal_model::dispatch(self, &cx, input);
        self.collect_api(now, operation, caller);
        out
    }

    fn collect_api(&mut self, now: f64, operation: &'static str, caller: &Caller) {
        if self.state.touched_any() {
            let cause = Cause::Api {
                operation,
                account: Label::new(&caller.account),
                region: Label::new(&caller.region),
            };
            self.events.collect(&mut self.state, now, cause);
        }
    }

    /// Runs one EC2 call (VPCs and virtual private gateways).
    pub fn execute_ec2(
        &mut self,
        caller: &Caller,
        req: Ec2Request,
        wall_now: f64,
    ) -> Result<Ec2Response, Ec2Error> {
        let now = self.clock.now(wall_now);
        self.settle(now);
        let delays = self.ec2_delays();
        let action = req.action();
        let detached = match &req {
            Ec2Request::DetachVpnGateway { vpn_gateway_id, .. } => Some(vpn_gateway_id.clone()),
            _ => None,
        };
        // A read changes nothing: no scope to compare.
        let scope =
            (!req.is_read_only()).then(|| [(caller.account.clone(), caller.region.clone())]);
        let scope = scope.as_ref().map_or(&[][..], |s| &s[..]);
        let before = self.ec2_marks(scope);
        let out = self.ec2.execute(
            &caller.account,
            &caller.region,
            req,
            now,
            self.ids.rng(),
            &delays,
        );
        let after = self.ec2_marks(scope);
        let cause = Cause::Api {
            operation: action,
            account: Label::new(&caller.account),
            region: Label::new(&caller.region),
        };
        self.events.compare_ec2(&before, &after, now, cause);
        let out = out?;
        if let Some(vgw) = detached {
            // Detaching the VGW from its VPC disassociates it from its DX
            // gateway (resources.md §9).
            ops::associations::disassociate_gateway(self, &vgw, now);
            self.collect_api(now, action, caller);
        }
        Ok(out)
    }

    fn ec2_marks(&self, scopes: &[(String, String)]) -> Vec<events::Ec2Marks> {
        if self.state.is_quiet() {
            return Vec::new();
        }
        scopes
            .iter()
            .map(|(a, r)| (a.clone(), r.clone(), self.ec2.marks(a, r)))
            .collect()
    }

    fn ec2_delays(&self) -> ec2::Ec2Delays {
        let d = &self.config.delays;
        ec2::Ec2Delays {
            vpc_available: self.clock.delay(d.vpc_available),
            vgw_attach: self.clock.delay(d.vgw_attach),
            vgw_detach: self.clock.delay(d.vgw_attach), // detaching takes as long as attaching
            vgw_delete: self.clock.delay(d.vgw_delete),
        }
    }

    /// A transition delay under the current lifecycle (zero when instant).
    fn delay(&self, pick: impl Fn(&Delays) -> f64) -> f64 {
        self.clock.delay(pick(&self.config.delays))
    }

    /// How long deleted things stay visible. Not a transition delay, so it
    /// holds in instant mode too: tests can see the `deleted` tail.
    fn retention(&self) -> f64 {
        self.config.delays.deleted_visible
    }

    /// Applies, in time order, every transition due at `now`. Follow-up
    /// transitions are timed from when their predecessor happened, so one
    /// big clock jump plays out the same as many small ones.
    fn settle(&mut self, now: f64) {
        // Most calls find nothing due: no scope is compared then.
        let nothing_due = self.ec2.next_due().is_none_or(|t| t > now);
        if self.state.is_quiet() || nothing_due {
            self.ec2.settle(now);
        } else {
            let scopes = self.ec2.due_scopes(now);
            let before = self.ec2_marks(&scopes);
            self.ec2.settle(now);
            let after = self.ec2_marks(&scopes);
            // Stamped with the settle's time: EC2 transitions are not
            // told apart within one settle.
            self.events.compare_ec2(&before, &after, now, Cause::Timer);
        }
        while let Some((at, event)) = self.timers.pop_due(now) {
            let cause = match &event {
                Event::Fault { undo, .. } => Cause::Fault { fault: undo.name() },
                _ => Cause::Timer,
            };
            self.apply(at, event);
            self.events.collect(&mut self.state, at, cause);
        }
    }

    fn apply(&mut self, at: f64, event: Event) {
        use dxlocal_model::{
            BGPPeerState, BGPStatus, ConnectionState as C,
            DirectConnectGatewayAttachmentState as A, DirectConnectGatewayState as G,
            VirtualInterfaceState as V,
        };
        match event {
            Event::Connection { id, from, to } => {
                let Some(c) = self.state.connections.get_mut(&id) else {
                    return;
                };
                if c.state != from {
                    return;
                }
                c.state = to;
                if to == C::Pending {
                    let next = at + self.delay(|d| d.connection_pending_to_available);
                    self.timers.schedule(
                        next,
                        Event::Connection {
                            id,
                            from: C::Pending,
                            to: C::Available,
                        },
                    );
                }
            }
            Event::Vif { id, from, to } => {
                let Some(v) = self.state.vifs.get_mut(&id) else {
                    return;
                };
                if v.state != from {
                    return;
                }
                v.state = to;
                match to {
                    // Verification passed (public VIFs): provisioning starts.
                    V::Pending => {
                        for p in &mut v.peers {
                            if p.state == BGPPeerState::Verifying {
                                p.state = BGPPeerState::Pending;
                            }
                        }
                        let next = at + self.delay(|d| d.vif_pending_to_available);
                        self.timers.schedule(
                            next,
                            Event::Vif {
                                id,
                                from: V::Pending,
                                to: V::Available,
                            },
                        );
                    }
                    V::Available => {
                        for p in &mut v.peers {
                            if matches!(p.state, BGPPeerState::Pending | BGPPeerState::Verifying) {
                                p.state = BGPPeerState::Available;
                                // [choice] a provisioned session is up; faults take it down.
                                p.status = BGPStatus::Up;
                            }
                        }
                        if let Some(a) = self.state.attachments.get_mut(&id) {
                            if a.state == A::Attaching {
                                a.state = A::Attached;
                            }
                        }
                    }
                    V::Deleted => {
                        for p in &mut v.peers {
                            p.state = BGPPeerState::Deleted;
                            p.status = BGPStatus::Down;
                        }
                        v.deleted_at = Some(at);
                        let conn = v.connection_id.clone();
                        self.state.retire_vif(&conn, &id);
                        self.state.detach(&id);
                        let purge = at + self.retention();
                        self.timers.schedule(purge, Event::PurgeVif { id });
                    }
                    _ => {}
                }
            }
            Event::Gateway { id, from, to } => {
                let Some(g) = self.state.gateways.get_mut(&id) else {
                    return;
                };
                if g.state != from {
                    return;
                }
                g.state = to;
                if to == G::Available {
                    // The observed revert of a delete that left associations.
                    g.state_change_error = Some(
                        "Direct Connect Gateway could not be deleted because it still has associations".into(),
                    );
                }
                if to == G::Deleted {
                    // Deleted gateways are not returned at all (operations.md §H).
                    self.state.remove_gateway(&id);
                }
            }
            Event::Association { id, from, to } => {
                let Some(a) = self.state.associations.get_mut(&id) else {
                    return;
                };
                if a.state != from {
                    return;
                }
                a.state = to;
                if to == dxlocal_model::DirectConnectGatewayAssociationState::Disassociated {
                    let purge = at + self.retention();
                    self.timers.schedule(purge, Event::PurgeAssociation { id });
                }
            }
            Event::Proposal { id, from, to } => {
                let Some(p) = self.state.proposals.get_mut(&id) else {
                    return;
                };
                if p.state != from {
                    return;
                }
                p.state = to;
                let purge = at + self.config.delays.proposal_tail;
                self.timers.schedule(purge, Event::PurgeProposal { id });
            }
            Event::PurgeAssociation { id } => {
                if self
                    .state
                    .associations
                    .get(&id)
                    .is_some_and(|a| !a.is_live())
                {
                    self.state.remove_association(&id);
                }
            }
            Event::PurgeProposal { id } => self.state.remove_proposal(&id),
            Event::Peer {
                vif_id,
                peer_id,
                from,
                to,
            } => {
                let Some(v) = self.state.vifs.get_mut(&vif_id) else {
                    return;
                };
                let Some(p) = v.peers.iter_mut().find(|p| p.id == peer_id) else {
                    return;
                };
                if p.state != from {
                    return;
                }
                p.state = to;
                if to == BGPPeerState::Available {
                    p.status = BGPStatus::Up;
                }
                if to == BGPPeerState::Deleted {
                    p.status = BGPStatus::Down;
                    let purge = at + self.retention();
                    self.timers
                        .schedule(purge, Event::PurgePeer { vif_id, peer_id });
                }
            }
            Event::PurgePeer { vif_id, peer_id } => {
                if let Some(v) = self.state.vifs.get_mut(&vif_id) {
                    v.peers
                        .retain(|p| !(p.id == peer_id && p.state == BGPPeerState::Deleted));
                }
            }
            Event::Fault {
                undo: fault,
                generation,
            } => {
                // A later fault on the same target owns it now.
                if self.state.fault_generations.get(&fault.target()) != Some(&generation) {
                    return;
                }
                // The state may have moved on since; a clear that no longer
                // applies is simply dropped.
                let _ = self.fault(&fault);
            }
            Event::FailoverTestEnds { test_id } => {
                ops::bgp::finish_test(self, &test_id, at, "completed")
            }
            Event::ResiliencyGroup { id, from, to } => {
                if let Some(g) = self.state.groups.get_mut(&id) {
                    if g.state == from {
                        g.state = to;
                    }
                }
            }
            Event::GroupMember {
                group,
                connection,
                from,
                to,
            } => {
                use dxlocal_model::ResiliencyGroupAssociationState as RA;
                if let Some(g) = self.state.groups.get_mut(&group) {
                    if let Some(m) = g
                        .members
                        .iter_mut()
                        .find(|m| m.1 == connection && m.2 == from)
                    {
                        m.2 = to;
                    }
                    // A finished disassociation leaves the group.
                    g.members.retain(|m| m.2 != RA::Disassociated);
                }
            }
            Event::PurgeVif { id } => {
                if self.state.vifs.get(&id).is_some_and(|v| !v.is_live()) {
                    self.state.remove_vif(&id);
                }
            }
            Event::PurgeConnection { id } => {
                if self
                    .state
                    .connections
                    .get(&id)
                    .is_some_and(|c| !c.is_live())
                {
                    self.state.remove_connection(&id);
                }
            }
        }
    }

    /// Pending timed transitions (for tests and the admin API).
    pub fn pending_transitions(&self) -> usize {
        self.timers.len()
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
