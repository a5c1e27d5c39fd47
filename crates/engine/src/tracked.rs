//! A record map that notices which records a call changed, so the event log
//! needs no bookkeeping at the ~80 places that move a state: every mutable
//! access goes through [`Tracked::get_mut`], `insert` or `remove`, which note
//! the record's state *before* the call touched it. After the call the
//! engine compares those notes with the records as they are now
//! (`events::EventLog::collect`), and only differences become events.
//!
//! Reads go through `Deref` to the plain `HashMap`, so they cost nothing.

use crate::hashing::HashMap;
use std::ops::Deref;

use dxlocal_model::{BGPPeerState, BGPStatus};
use smallvec::SmallVec;

use crate::label::Label;
use crate::state::BgpPeer;

/// What the event log compares: a record's state, plus the states of the
/// parts that have their own (a VIF's BGP peers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub state: &'static str,
    /// `(part id, state, status)`: BGP peers of a VIF.
    pub parts: Parts,
}

/// A VIF has one or two BGP peers, the first of which a mark keeps inline:
/// a mark is taken every time a record is touched.
pub type Parts = SmallVec<[(Label, BGPPeerState, BGPStatus); 1]>;

/// A record the event log can describe.
pub trait Observed {
    /// The resource kind as the dashboard and `/_dxlocal/resources` name it.
    fn kind(&self) -> &'static str;
    /// The state word its events show.
    fn state(&self) -> &'static str;
    /// Parts with states of their own: a VIF's BGP peers.
    fn parts(&self) -> &[BgpPeer] {
        &[]
    }
    fn account(&self) -> &str;
    /// `None` for global resources (Direct Connect gateways).
    fn region(&self) -> Option<&str>;
    /// The ID events carry, when it is not the map key.
    fn event_id(&self, key: &Label) -> Label {
        key.clone()
    }
    /// What is noted when the record is touched, to compare with after
    /// the call ([`Mark::matches`]).
    fn mark(&self) -> Mark {
        let mut parts = Parts::new();
        for p in self.parts() {
            parts.push((Label::new(&p.id), p.state, p.status));
        }
        Mark {
            state: self.state(),
            parts,
        }
    }
}

impl Mark {
    /// Whether `record` is still as marked. Compared in place: the event
    /// log asks this of every touched record, and most have changed.
    pub fn matches<T: Observed>(&self, record: &T) -> bool {
        let parts = record.parts();
        self.state == record.state()
            && self.parts.len() == parts.len()
            && self
                .parts
                .iter()
                .zip(parts)
                .all(|((id, state, status), p)| {
                    *id == p.id.as_str() && *state == p.state && *status == p.status
                })
    }
}

/// Who a record was, kept when it leaves its map so its "gone" event can
/// still name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub kind: &'static str,
    pub id: Label,
    pub account: Label,
    pub region: Option<Label>,
}

impl Identity {
    pub fn of<T: Observed>(key: &str, record: &T) -> Self {
        Identity {
            kind: record.kind(),
            id: record.event_id(&Label::new(key)),
            account: Label::new(record.account()),
            region: record.region().map(Label::new),
        }
    }
}

/// A touched record: its key, its mark before the first touch in this call
/// (`None`: it did not exist) and, if it was removed, who it was.
#[derive(Debug)]
pub struct Touch {
    pub key: Label,
    pub before: Option<Mark>,
    /// Boxed: removals are rare, and every touch carries this field.
    pub removed: Option<Box<Identity>>,
}

pub struct Tracked<T> {
    map: HashMap<String, T>,
    touched: Vec<Touch>,
    /// Replaying a journal at start-up records nothing: nobody is watching,
    /// and the marks would only cost time.
    pub(crate) quiet: bool,
}

impl<T> Default for Tracked<T> {
    fn default() -> Self {
        Tracked {
            map: HashMap::default(),
            touched: Vec::new(),
            quiet: false,
        }
    }
}

impl<T> Tracked<T> {
    /// A table of records nobody has touched yet (a snapshot's).
    pub fn from_map(map: HashMap<String, T>) -> Self {
        Tracked {
            map,
            ..Tracked::default()
        }
    }
}

/// Stored as the plain map: what was touched belongs to a call, not to the
/// state.
impl<T: serde::Serialize> serde::Serialize for Tracked<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Tracked<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        HashMap::deserialize(d).map(Tracked::from_map)
    }
}

/// Big records live boxed in their map (see `State::vifs`).
impl<T: Observed> Observed for Box<T> {
    fn kind(&self) -> &'static str {
        (**self).kind()
    }
    fn state(&self) -> &'static str {
        (**self).state()
    }
    fn parts(&self) -> &[BgpPeer] {
        (**self).parts()
    }
    fn mark(&self) -> Mark {
        (**self).mark()
    }
    fn account(&self) -> &str {
        (**self).account()
    }
    fn region(&self) -> Option<&str> {
        (**self).region()
    }
    fn event_id(&self, key: &Label) -> Label {
        (**self).event_id(key)
    }
}

impl<T> Deref for Tracked<T> {
    type Target = HashMap<String, T>;
    fn deref(&self) -> &HashMap<String, T> {
        &self.map
    }
}

impl<T: Observed> Tracked<T> {
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        let record = self.map.get_mut(key)?;
        if !self.quiet {
            self.touched.push(Touch {
                key: Label::new(key),
                before: Some(record.mark()),
                removed: None,
            });
        }
        Some(record)
    }

    pub fn insert(&mut self, key: String, record: T) -> Option<T> {
        if !self.quiet {
            let before = self.map.get(&key).map(Observed::mark);
            self.touched.push(Touch {
                key: Label::new(&key),
                before,
                removed: None,
            });
        }
        self.map.insert(key, record)
    }

    pub fn remove(&mut self, key: &str) -> Option<T> {
        let record = self.map.remove(key)?;
        if !self.quiet {
            self.touched.push(Touch {
                key: Label::new(key),
                before: Some(record.mark()),
                removed: Some(Box::new(Identity::of(key, &record))),
            });
        }
        Some(record)
    }

    /// Every record, mutably; each counts as touched.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        if !self.quiet {
            let marks: Vec<Touch> = self
                .map
                .iter()
                .map(|(k, v)| Touch {
                    key: Label::new(k),
                    before: Some(v.mark()),
                    removed: None,
                })
                .collect();
            self.touched.extend(marks);
        }
        self.map.values_mut()
    }

    /// Hands each record touched since the last call to `f`, once, with
    /// its first (oldest) mark and, if it was removed at some point, its
    /// identity; `f` sees the table as it is now. Most calls touch one or
    /// two of the tables, and the others cost a length check.
    #[inline(always)]
    pub fn for_each_touched(&mut self, f: impl FnMut(&Self, &Touch)) {
        if !self.touched.is_empty() {
            self.drain_touched(f);
        }
    }

    fn drain_touched(&mut self, mut f: impl FnMut(&Self, &Touch)) {
        let mut touched = std::mem::take(&mut self.touched);
        dedup_touches(&mut touched);
        for touch in &touched {
            f(self, touch);
        }
        touched.clear();
        // Kept for the next call's touches, so they need no allocation; a
        // sweep's big buffer is let go rather than kept for calls that
        // touch a few records.
        if touched.capacity() <= 64 {
            self.touched = touched;
        }
    }

    pub fn has_touched(&self) -> bool {
        !self.touched.is_empty()
    }
}

/// Keeps each key's first touch, in order, and moves a later touch's
/// removal onto it.
fn dedup_touches(touched: &mut Vec<Touch>) {
    if touched.len() < 2 {
        return;
    }
    // A call touches a handful of records, which a scan finds faster
    // than a map costs to build; a sweep over a whole table
    // (`values_mut`) can touch thousands, and gets the map.
    let mut index: Option<HashMap<Label, usize>> = (touched.len() > 16)
        .then(|| HashMap::with_capacity_and_hasher(touched.len(), Default::default()));
    // Deduplicated in place, first touches kept in order in front of
    // `kept`.
    let mut kept = 0;
    for i in 0..touched.len() {
        let first = match &index {
            Some(index) => index.get(&touched[i].key).copied(),
            None => touched[..kept].iter().position(|t| t.key == touched[i].key),
        };
        match first {
            Some(first) => {
                if let Some(who) = touched[i].removed.take() {
                    touched[first].removed = Some(who);
                }
            }
            None => {
                if let Some(index) = &mut index {
                    index.insert(touched[i].key.clone(), kept);
                }
                touched.swap(kept, i);
                kept += 1;
            }
        }
    }
    touched.truncate(kept);
}
