//! The event log: every state change (a resource created, moved from one
//! state to another, or gone) with its cause, in a bounded ring that the
//! server streams to the dashboard (`/_dxlocal/events`).
//!
//! Changes are found by comparison, not reported by hand: the record maps
//! ([`crate::tracked::Tracked`]) remember what each call touched, and
//! [`EventLog::collect`] turns the differences into [`Change`]s once the
//! call is done. A LAG's state is derived from its members, so the log
//! keeps the last derived state of each LAG to compare against.

use std::collections::{HashMap, VecDeque};

use crate::label::Label;
use crate::state::State;
use crate::tracked::{Identity, Observed, Touch, Tracked};

/// How many changes the ring keeps by default.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// An account, a region, and `(kind, id, state)` of its EC2 resources.
pub type Ec2Marks = (String, String, Vec<(&'static str, String, &'static str)>);

/// Why something changed. Every change carries its own copy, which costs
/// no allocation: the labels are inline.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// A Direct Connect or EC2 call.
    Api {
        operation: &'static str,
        account: Label,
        region: Label,
    },
    /// A transition the service makes by itself, fallen due.
    Timer,
    /// An injected fault, or a timed fault's undo.
    Fault { fault: &'static str },
    /// The admin API: reset, import.
    Admin { action: &'static str },
}

/// One change to one resource. Holds nothing on the heap (short of an
/// over-long label), so the ring evicts without freeing and a reader's
/// copy, dropped on another thread, frees nothing either.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: u64,
    /// Virtual time it happened.
    pub at: f64,
    pub kind: &'static str,
    pub id: Label,
    pub account: Label,
    pub region: Option<Label>,
    /// `None`: the resource was created.
    pub from: Option<&'static str>,
    /// `None`: the resource is gone (purged, or forgotten by a reset).
    pub to: Option<&'static str>,
    pub cause: Cause,
}

pub struct EventLog {
    ring: VecDeque<Change>,
    capacity: usize,
    next_seq: u64,
    /// Last derived state of each LAG, and its owner and region (a
    /// LAG's record may be gone by the time its last change is noticed).
    lag_states: HashMap<Label, &'static str>,
    lag_owners: HashMap<Label, (Label, Option<Label>)>,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventLog {
    pub fn with_capacity(capacity: usize) -> Self {
        EventLog {
            ring: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 1,
            lag_states: HashMap::new(),
            lag_owners: HashMap::new(),
        }
    }

    /// The seq the next change will get; every change so far is below it.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Changes with `seq > after`, oldest first, at most `limit`.
    pub fn since(&self, after: u64, limit: usize) -> impl Iterator<Item = &Change> {
        // Seqs in the ring are consecutive, so the start is arithmetic.
        let first = self.ring.front().map_or(self.next_seq, |c| c.seq);
        let skip = after.saturating_add(1).saturating_sub(first) as usize;
        self.ring.iter().skip(skip).take(limit)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        at: f64,
        kind: &'static str,
        id: Label,
        account: Label,
        region: Option<Label>,
        from: Option<&'static str>,
        to: Option<&'static str>,
        cause: &Cause,
    ) {
        // Timers keep whole microseconds, so one due "now" can read a hair
        // before the call that scheduled it; the log never runs backwards.
        let at = self.ring.back().map_or(at, |last| at.max(last.at));
        if self.ring.len() == self.capacity {
            self.ring.pop_front();
        }
        self.ring.push_back(Change {
            seq: self.next_seq,
            at,
            kind,
            id,
            account,
            region,
            from,
            to,
            cause: cause.clone(),
        });
        self.next_seq += 1;
    }

    /// Turns what the last call touched into changes.
    pub fn collect(&mut self, state: &mut State, at: f64, cause: Cause) {
        if !state.touched_any() {
            return;
        }
        // Stays unallocated unless a LAG or a LAG's member was touched.
        let mut lags_to_check: Vec<Label> = Vec::new();
        let mut touched = state.connections.take_touched();
        for touch in touched.drain(..) {
            let lag = state
                .connections
                .get(touch.key.as_str())
                .and_then(|c| c.lag_id.as_deref());
            lags_to_check.extend(lag.map(Label::new));
            self.compare(&state.connections, touch, at, &cause);
        }
        state.connections.recycle(touched);
        let mut touched = state.lags.take_touched();
        lags_to_check.extend(touched.drain(..).map(|touch| touch.key));
        state.lags.recycle(touched);
        macro_rules! compare_all {
            ($($table:ident),*) => {$(
                let mut touched = state.$table.take_touched();
                for touch in touched.drain(..) {
                    self.compare(&state.$table, touch, at, &cause);
                }
                state.$table.recycle(touched);
            )*};
        }
        compare_all!(
            vifs,
            gateways,
            attachments,
            associations,
            proposals,
            groups,
            tests
        );
        lags_to_check.sort_unstable();
        lags_to_check.dedup();
        for id in lags_to_check {
            self.compare_lag(state, id, at, &cause);
        }
    }

    fn compare<T: Observed>(&mut self, table: &Tracked<T>, touch: Touch, at: f64, cause: &Cause) {
        let Touch {
            key,
            before,
            removed,
        } = touch;
        let record = table.get(key.as_str());
        let after = record.map(Observed::mark);
        if before == after {
            return;
        }
        let who = match (record, removed) {
            (Some(r), _) => Identity::of(&key, r),
            (None, Some(who)) => *who,
            // Inserted and removed within one call: nothing to show.
            (None, None) => return,
        };
        let from = before.as_ref().map(|m| m.state);
        let to = after.as_ref().map(|m| m.state);
        if from != to {
            self.push(
                at,
                who.kind,
                who.id.clone(),
                who.account.clone(),
                who.region.clone(),
                from,
                to,
                cause,
            );
        }
        // A VIF's BGP peers: created, moved, gone, and up/down.
        let old_parts = before.map(|m| m.parts).unwrap_or_default();
        let new_parts = after.map(|m| m.parts).unwrap_or_default();
        for (part, state, status) in &new_parts {
            let old = old_parts.iter().find(|(p, _, _)| p == part);
            if old.map(|o| o.1) != Some(*state) {
                self.push_part(
                    &who,
                    "bgpPeer",
                    part,
                    old.map(|o| o.1),
                    Some(state),
                    at,
                    cause,
                );
            }
            if let Some(old) = old.filter(|o| o.2 != *status) {
                self.push_part(
                    &who,
                    "bgpStatus",
                    part,
                    Some(old.2),
                    Some(status),
                    at,
                    cause,
                );
            }
        }
        for (part, state, _) in &old_parts {
            if !new_parts.iter().any(|(p, _, _)| p == part) {
                self.push_part(&who, "bgpPeer", part, Some(state), None, at, cause);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_part(
        &mut self,
        owner: &Identity,
        kind: &'static str,
        part: &Label,
        from: Option<&'static str>,
        to: Option<&'static str>,
        at: f64,
        cause: &Cause,
    ) {
        self.push(
            at,
            kind,
            part.clone(),
            owner.account.clone(),
            owner.region.clone(),
            from,
            to,
            cause,
        );
    }

    fn compare_lag(&mut self, state: &State, id: Label, at: f64, cause: &Cause) {
        let lag = state.lags.get(id.as_str());
        let after = lag.map(|lag| crate::ops::lags::state_in(state, lag).as_str());
        let before = self.lag_states.get(&id).copied();
        if before == after {
            return;
        }
        let (account, region) = match lag {
            Some(l) => (Label::new(&l.owner), Some(Label::new(&l.region))),
            None => self.lag_owners.remove(&id).unwrap_or_default(),
        };
        match after {
            Some(s) => {
                self.lag_states.insert(id.clone(), s);
                self.lag_owners
                    .insert(id.clone(), (account.clone(), region.clone()));
            }
            None => {
                self.lag_states.remove(&id);
            }
        }
        self.push(at, "lag", id, account, region, before, after, cause);
    }

    /// EC2 resources are few per account and region, so their changes are
    /// found by comparing whole scopes before and after (see
    /// `Ec2State::marks`).
    pub fn compare_ec2(&mut self, before: &[Ec2Marks], after: &[Ec2Marks], at: f64, cause: Cause) {
        /// `(kind, id)` to `(account, region, state)`, borrowed from the marks.
        fn index(sets: &[Ec2Marks]) -> HashMap<(&'static str, &str), (&str, &str, &'static str)> {
            let mut map = HashMap::new();
            for (account, region, marks) in sets {
                for (kind, id, state) in marks {
                    map.insert(
                        (*kind, id.as_str()),
                        (account.as_str(), region.as_str(), *state),
                    );
                }
            }
            map
        }
        let old = index(before);
        let new = index(after);
        let mut changes: Vec<_> = Vec::new();
        for (&(kind, id), &(account, region, state)) in &new {
            let from = old.get(&(kind, id)).map(|o| o.2);
            if from != Some(state) {
                changes.push((kind, id, account, region, from, Some(state)));
            }
        }
        for (&(kind, id), &(account, region, state)) in &old {
            if !new.contains_key(&(kind, id)) {
                changes.push((kind, id, account, region, Some(state), None));
            }
        }
        if changes.is_empty() {
            return;
        }
        // Map order is arbitrary; the log's order must not be.
        changes.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (kind, id, account, region, from, to) in changes {
            self.push(
                at,
                kind,
                Label::new(id),
                Label::new(account),
                Some(Label::new(region)),
                from,
                to,
                &cause,
            );
        }
    }

    /// Learns every LAG's current state and owner without recording it: a
    /// log that starts watching (after a replay) compares against these.
    pub fn prime_lags(&mut self, state: &State) {
        for (id, lag) in state.lags.iter() {
            let s = crate::ops::lags::state_in(state, lag).as_str();
            let id = Label::new(id);
            self.lag_states.insert(id.clone(), s);
            self.lag_owners
                .insert(id, (Label::new(&lag.owner), Some(Label::new(&lag.region))));
        }
    }

    /// Everything was forgotten (reset, import): one `gone` per kind is
    /// not needed; the dashboard reloads on this marker, which is left out
    /// while nothing is recorded (`recording` false).
    pub fn reset(&mut self, at: f64, action: &'static str, recording: bool) {
        self.lag_states.clear();
        self.lag_owners.clear();
        if !recording {
            return;
        }
        self.push(
            at,
            "emulator",
            Label::EMPTY,
            Label::EMPTY,
            None,
            None,
            None,
            &Cause::Admin { action },
        );
    }
}
