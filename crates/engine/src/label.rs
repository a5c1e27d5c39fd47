//! A short string kept inline: resource IDs, account numbers and region
//! names in the event log and the request log. Those logs are rings that
//! evict as fast as calls arrive, so a heap string per field would mean an
//! allocation per field on the hot path and a free per eviction, often on
//! another thread than the one that allocated it. Every ID, account and
//! region the service uses fits inline; a longer value (some client's
//! invented region, say) goes to the heap rather than being cut.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// Longest value kept inline, so that a label is three words: account
/// numbers, regions, and the IDs of connections, LAGs, VIFs, BGP peers
/// and EC2 gateways fit. Gateway UUIDs and attachment IDs go to the heap;
/// their changes are rarer, and a smaller event ring (a `Change` holds
/// five labels) costs less memory traffic on every call.
const INLINE: usize = 22;

#[derive(Clone)]
pub struct Label(Repr);

/// Private, so that no label is made but by [`Label::new`]: `as_str` relies
/// on inline bytes being a whole `&str`.
#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Arc<str>),
}

impl Label {
    pub const EMPTY: Label = Label(Repr::Inline {
        len: 0,
        bytes: [0; INLINE],
    });

    /// Inlined, so that the usual short label costs a few moves where it
    /// is made; the rare long one calls out.
    #[inline]
    pub fn new(s: &str) -> Label {
        if s.len() <= INLINE {
            Label(Repr::Inline {
                len: s.len() as u8,
                bytes: padded(s.as_bytes()),
            })
        } else {
            Label::on_heap(s)
        }
    }

    #[cold]
    #[inline(never)]
    fn on_heap(s: &str) -> Label {
        Label(Repr::Heap(Arc::from(s)))
    }

    /// Whether the text is kept inline (no heap allocation).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let text = &bytes[..usize::from(*len)];
                debug_assert!(std::str::from_utf8(text).is_ok());
                // SAFETY: an inline label is only made by `Label::new`, which
                // copies a whole `&str` (never cut inside a character), and
                // its fields are never changed afterwards. Checking again on
                // every read showed up in the event log's profile.
                unsafe { std::str::from_utf8_unchecked(text) }
            }
            Repr::Heap(s) => s,
        }
    }
}

/// `src` (at most [`INLINE`] bytes), zero-padded. Copied in two
/// overlapping fixed-size moves: a copy of a length only known at run time
/// is a call to `memcpy`, and labels are made on every recorded change.
#[inline]
fn padded(src: &[u8]) -> [u8; INLINE] {
    let mut bytes = [0; INLINE];
    let n = src.len();
    if n >= 16 {
        bytes[..16].copy_from_slice(&src[..16]);
        bytes[n - 16..n].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        bytes[..8].copy_from_slice(&src[..8]);
        bytes[n - 8..n].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        bytes[..4].copy_from_slice(&src[..4]);
        bytes[n - 4..n].copy_from_slice(&src[n - 4..]);
    } else {
        bytes[..n].copy_from_slice(src);
    }
    bytes
}

impl Default for Label {
    fn default() -> Self {
        Label::EMPTY
    }
}

impl Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Label::new(s)
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Label::new(&s)
    }
}

impl PartialEq for Label {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            // Inline bytes past `len` are zero, so equal texts have equal
            // arrays, which compare without a call to `memcmp`.
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => {
                a == b && x == y
            }
            _ => self.as_str() == other.as_str(),
        }
    }
}

impl Eq for Label {}

impl PartialEq<str> for Label {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        match &self.0 {
            // Padded the same way, equal texts have equal arrays.
            Repr::Inline { len, bytes } => {
                usize::from(*len) == other.len() && *bytes == padded(other.as_bytes())
            }
            Repr::Heap(s) => **s == *other,
        }
    }
}

impl PartialEq<&str> for Label {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Label {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_stay_inline_and_long_ones_are_kept_whole() {
        assert_eq!(std::mem::size_of::<Label>(), 24);
        let vgw = "vgw-0123456789abcdef0";
        let l = Label::new(vgw);
        assert!(l.is_inline());
        assert_eq!(l, vgw);
        let long = "x".repeat(INLINE + 1);
        let l = Label::new(&long);
        assert!(!l.is_inline());
        assert_eq!(l.as_str(), long);
        assert_eq!(Label::default(), "");
        let multibyte = "é".repeat(INLINE / 2);
        assert_eq!(Label::new(&multibyte), multibyte.as_str());
        // Every length, through each of `padded`'s ways of copying.
        let text: String = ('a'..='z').collect();
        for n in 0..=INLINE + 1 {
            let l = Label::new(&text[..n]);
            assert_eq!(l.as_str(), &text[..n]);
            assert_eq!(l, Label::new(&text[..n]));
            assert!(l == text[..n]);
            if n > 0 {
                assert!(l != text[1..=n]);
                assert!(l != text[..n - 1]);
                assert_ne!(l, Label::new(&text[1..=n]));
            }
        }
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        use std::collections::HashSet;
        let a = Label::new("dxcon-aaaa");
        let b = Label::from("dxcon-aaaa".to_string());
        assert_eq!(a, b);
        assert!(Label::new("a") < Label::new("b"));
        let set: HashSet<Label> = [a].into_iter().collect();
        assert!(set.contains("dxcon-aaaa"));
    }
}
