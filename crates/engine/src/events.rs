//! The event log: every state change (a resource created, moved from one
//! state to another, or gone) with its cause, in a bounded ring that the
//! server streams to the dashboard (`/_dxlocal/events`).
//!
//! Changes are found by comparison, not reported by hand: the record maps
//! ([`crate::tracked::Tracked`]) remember what each call touched, and
//! [`EventLog::collect`] turns the differences into [`Change`]s once the
//! call is done. A LAG's state is derived from its members, so the log
//! keeps the last derived state of each LAG to compare against.

use crate::hashing::HashMap;
use crate::label::Label;
use crate::ring::Ring;
use crate::state::State;
use crate::tracked::{Observed, Touch, Tracked};

/// How many changes the ring keeps by default.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// An account, a region, and `(kind, id, state)` of its EC2 resources.
pub type Ec2Marks = (String, String, Vec<(&'static str, String, &'static str)>);

/// Why something changed. Kept once per run of changes with one owner and
/// cause (an `Origin`), and with no allocation: the labels are inline.
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

/// One change to one resource, as readers get it ([`EventLog::since`]).
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

/// What a run of changes shares: whose resources changed, and why. A VIF
/// and its BGP peers, or everything one call changed in one account, are
/// one run, so the ring keeps the owner and cause once per run rather
/// than once per change.
#[derive(Debug)]
struct Origin {
    account: Label,
    region: Option<Label>,
    cause: Cause,
    /// The [`EventLog::epoch`] it was last entered in.
    epoch: u64,
}

impl Origin {
    fn new(account: &str, region: Option<&str>, cause: &Cause, epoch: u64) -> Self {
        Origin {
            account: Label::new(account),
            region: region.map(Label::new),
            cause: cause.clone(),
            epoch,
        }
    }
}

/// A change as the ring keeps it: half the size of a [`Change`], and
/// nothing in it to clone or free but the ID (inline unless over-long).
#[derive(Debug)]
struct Entry {
    at: f64,
    kind: &'static str,
    id: Label,
    from: Option<&'static str>,
    to: Option<&'static str>,
    /// Its [`Origin`]'s number.
    origin: u64,
}

pub struct EventLog {
    /// Consecutive changes, the newest `next_seq - 1`.
    ring: Ring<Entry>,
    /// The origins of the changes in `ring` (and maybe a few older ones),
    /// oldest first; the newest is where the next change goes, and may have
    /// none yet. One more than the ring holds changes is enough: every
    /// origin but the newest has a change, and those after the oldest
    /// change's are all still in the ring.
    origins: Ring<Origin>,
    /// The number the next origin gets; origins are numbered in order.
    next_origin: u64,
    /// Bumped whenever the cause may change (a collect, a push): origins
    /// entered in the current epoch have the current cause, which saves
    /// comparing causes change by change.
    epoch: u64,
    /// Whether a change refers to the newest origin yet.
    newest_origin_used: bool,
    /// When the newest change happened.
    last_at: f64,
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
            ring: Ring::new(capacity),
            origins: Ring::new(capacity.max(1) + 1),
            next_origin: 0,
            epoch: 0,
            newest_origin_used: false,
            last_at: f64::NEG_INFINITY,
            next_seq: 1,
            lag_states: HashMap::default(),
            lag_owners: HashMap::default(),
        }
    }

    /// The seq the next change will get; every change so far is below it.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Changes with `seq > after`, oldest first, at most `limit`.
    pub fn since(&self, after: u64, limit: usize) -> impl Iterator<Item = Change> + '_ {
        // Seqs in the ring are consecutive, so the start is arithmetic.
        let first = self.next_seq - self.ring.len() as u64;
        let skip = after.saturating_add(1).saturating_sub(first) as usize;
        self.ring
            .iter()
            .enumerate()
            .skip(skip)
            .take(limit)
            .map(move |(i, e)| {
                let first_origin = self.next_origin - self.origins.len() as u64;
                let origin = self
                    .origins
                    .get((e.origin - first_origin) as usize)
                    .expect("a change's origin outlives it");
                Change {
                    seq: first + i as u64,
                    at: e.at,
                    kind: e.kind,
                    id: e.id.clone(),
                    account: origin.account.clone(),
                    region: origin.region.clone(),
                    from: e.from,
                    to: e.to,
                    cause: origin.cause.clone(),
                }
            })
    }

    /// Records one change.
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
        self.epoch += 1;
        self.enter(&account, region.as_deref(), cause);
        self.record(at, kind, id, from, to);
    }

    /// Makes the changes recorded next belong to `account` and `region`,
    /// changed by `cause`: the newest origin if it is that one already.
    /// Within one epoch, `cause` must be the same every time.
    fn enter(&mut self, account: &str, region: Option<&str>, cause: &Cause) {
        let epoch = self.epoch;
        if let Some(last) = self.origins.newest_mut() {
            if last.account == account
                && last.region.as_deref() == region
                && (last.epoch == epoch || last.cause == *cause)
            {
                last.epoch = epoch;
                return;
            }
            if !self.newest_origin_used {
                // Entered but nothing changed after all: take its place,
                // so that origins never outnumber the changes they cover.
                *last = Origin::new(account, region, cause, epoch);
                return;
            }
        }
        self.origins
            .push(Origin::new(account, region, cause, epoch));
        self.next_origin += 1;
        self.newest_origin_used = false;
    }

    /// Records a change of the newest origin (see [`EventLog::enter`]).
    fn record(
        &mut self,
        at: f64,
        kind: &'static str,
        id: Label,
        from: Option<&'static str>,
        to: Option<&'static str>,
    ) {
        // Timers keep whole microseconds, so one due "now" can read a hair
        // before the call that scheduled it; the log never runs backwards.
        let at = at.max(self.last_at);
        self.last_at = at;
        self.newest_origin_used = true;
        let origin = self.next_origin - 1;
        self.ring.push(Entry {
            at,
            kind,
            id,
            from,
            to,
            origin,
        });
        self.next_seq += 1;
    }

    /// Turns what the last call touched into changes.
    pub fn collect(&mut self, state: &mut State, at: f64, cause: Cause) {
        if !state.touched_any() {
            return;
        }
        self.epoch += 1;
        // Stays unallocated unless a LAG or a LAG's member was touched.
        let mut lags_to_check: Vec<Label> = Vec::new();
        state.connections.for_each_touched(|connections, touch| {
            let lag = connections
                .get(touch.key.as_str())
                .and_then(|c| c.lag_id.as_deref());
            lags_to_check.extend(lag.map(Label::new));
            self.compare(connections, touch, at, &cause);
        });
        state
            .lags
            .for_each_touched(|_, touch| lags_to_check.push(touch.key.clone()));
        macro_rules! compare_all {
            ($($table:ident),*) => {$(
                state.$table.for_each_touched(|table, touch| {
                    self.compare(table, touch, at, &cause);
                });
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
        if !lags_to_check.is_empty() {
            lags_to_check.sort_unstable();
            lags_to_check.dedup();
            for id in lags_to_check {
                self.compare_lag(state, id, at, &cause);
            }
        }
    }

    fn compare<T: Observed>(&mut self, table: &Tracked<T>, touch: &Touch, at: f64, cause: &Cause) {
        let Touch {
            key,
            before,
            removed,
        } = touch;
        let record = table.get(key.as_str());
        match (before, record) {
            (Some(before), Some(r)) if before.matches(r) => return,
            // Inserted and removed within one call: nothing to show.
            (None, None) => return,
            _ => {}
        }
        let (kind, id) = match (record, removed) {
            (Some(r), _) => {
                self.enter(r.account(), r.region(), cause);
                (r.kind(), r.event_id(key))
            }
            (None, Some(who)) => {
                self.enter(&who.account, who.region.as_deref(), cause);
                (who.kind, who.id.clone())
            }
            // Gone, but `remove` keeps who it was, so never here.
            (None, None) => return,
        };
        let from = before.as_ref().map(|m| m.state);
        let to = record.map(Observed::state);
        if from != to {
            self.record(at, kind, id, from, to);
        }
        // A VIF's BGP peers: created, moved, gone, and up/down.
        let old_parts = before.as_ref().map_or(&[][..], |m| &m.parts[..]);
        let new_parts = record.map_or(&[][..], Observed::parts);
        for p in new_parts {
            let old = old_parts.iter().find(|(id, _, _)| *id == p.id.as_str());
            if old.map(|o| o.1) != Some(p.state) {
                let from = old.map(|o| o.1.as_str());
                let id = Label::new(&p.id);
                self.record(at, "bgpPeer", id, from, Some(p.state.as_str()));
            }
            if let Some(old) = old.filter(|o| o.2 != p.status) {
                let (from, to) = (Some(old.2.as_str()), Some(p.status.as_str()));
                self.record(at, "bgpStatus", Label::new(&p.id), from, to);
            }
        }
        for (id, state, _) in old_parts {
            if !new_parts.iter().any(|p| *id == p.id.as_str()) {
                self.record(at, "bgpPeer", id.clone(), Some(state.as_str()), None);
            }
        }
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
            let mut map = HashMap::default();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(account: &str) -> Cause {
        Cause::Api {
            operation: "CreateConnection",
            account: Label::new(account),
            region: Label::new("us-east-1"),
        }
    }

    #[test]
    fn changes_keep_their_own_owner_and_cause_as_the_ring_turns() {
        let accounts = ["111111111111", "222222222222", "333333333333"];
        // Runs of one, two and three changes per owner: with runs of one,
        // there are as many origins as changes.
        for run in 1..=3u32 {
            let owner = |i: u32| accounts[(i / run % 3) as usize];
            let mut log = EventLog::with_capacity(5);
            for i in 0..40u32 {
                log.push(
                    f64::from(i),
                    "connection",
                    Label::new(&format!("dxcon-{i}")),
                    Label::new(owner(i)),
                    Some(Label::new("us-east-1")),
                    None,
                    Some("requested"),
                    &api(owner(i)),
                );
                assert!(log.origins.len() <= log.ring.len() + 1);
            }
            let seen: Vec<Change> = log.since(0, usize::MAX).collect();
            assert_eq!(seen.len(), 5);
            for c in &seen {
                let i = (c.seq - 1) as u32;
                assert_eq!(c.id, format!("dxcon-{i}").as_str());
                assert_eq!(c.account, owner(i));
                assert_eq!(c.cause, api(owner(i)));
                assert_eq!(c.at, f64::from(i));
            }
        }
    }

    #[test]
    fn an_origin_nothing_was_recorded_for_is_taken_over() {
        let mut log = EventLog::with_capacity(10);
        log.push(
            0.0,
            "lag",
            Label::new("dxlag-1"),
            Label::new("1"),
            None,
            None,
            Some("pending"),
            &Cause::Timer,
        );
        // Entered, then nothing changed, many times over.
        for i in 0..100 {
            log.enter(&format!("{i}"), None, &Cause::Timer);
        }
        assert_eq!(log.origins.len(), 2);
        log.record(1.0, "lag", Label::new("dxlag-2"), None, Some("pending"));
        let owners: Vec<Label> = log.since(0, 10).map(|c| c.account).collect();
        assert_eq!(owners, [Label::new("1"), Label::new("99")]);
    }
}
