//! Resource identifiers, from one seedable generator so that a run with
//! `--seed` hands out the same IDs every time.

use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// `rand`'s `StdRng` (ChaCha12) by its own name: the same numbers for a
/// seed, and serializable, so a snapshot carries the generator's position.
pub type StdRng = rand_chacha::ChaCha12Rng;

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const AUTH_KEY_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";

pub struct IdGen {
    rng: StdRng,
    /// Every ID handed out, so none is ever reused in a run; kept as a
    /// stable 64-bit hash rather than the ID, which would be a second copy
    /// of every ID in the state.
    issued: HashSet<u64, Premixed>,
}

/// The set's values are hashes already: one multiply spreads them over
/// the table, where SipHash would cost a noticeable part of loading a
/// snapshot with millions of IDs.
#[derive(Clone, Copy, Default)]
struct Premixed;

impl std::hash::BuildHasher for Premixed {
    type Hasher = PremixedHasher;
    fn build_hasher(&self) -> PremixedHasher {
        PremixedHasher(0)
    }
}

struct PremixedHasher(u64);

impl std::hash::Hasher for PremixedHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How an `IdGen` is saved: the issued set as a plain list, so loading
/// can size the set once instead of growing it step by step.
#[derive(Serialize, Deserialize)]
struct IdGenRepr {
    rng: StdRng,
    issued: Vec<u64>,
}

impl Serialize for IdGen {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IdGenRepr {
            rng: self.rng.clone(),
            issued: self.issued.iter().copied().collect(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for IdGen {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = IdGenRepr::deserialize(d)?;
        let mut issued = HashSet::with_capacity_and_hasher(r.issued.len(), Premixed);
        issued.extend(r.issued);
        Ok(IdGen { rng: r.rng, issued })
    }
}

/// FNV-1a: stable across builds and platforms, since the set is saved in
/// snapshots.
fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl IdGen {
    pub fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_entropy(),
        };
        IdGen {
            rng,
            issued: HashSet::default(),
        }
    }

    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    fn unique(&mut self, mut make: impl FnMut(&mut StdRng) -> String) -> String {
        loop {
            let id = make(&mut self.rng);
            if self.issued.insert(id_hash(&id)) {
                return id;
            }
        }
    }

    /// `dxcon-fg31dyv6`: every observed suffix starts with `f`, then seven
    /// base-36 characters.
    pub fn dx(&mut self, prefix: &str) -> String {
        self.unique(|rng| {
            let mut s = String::with_capacity(prefix.len() + 9);
            s.push_str(prefix);
            s.push_str("-f");
            for _ in 0..7 {
                s.push(BASE36[rng.gen_range(0..36)] as char);
            }
            s
        })
    }

    /// Lower-case UUID v4, as Direct Connect gateways, associations and
    /// proposals use.
    pub fn uuid(&mut self) -> String {
        self.unique(|rng| {
            let mut b: [u8; 16] = rng.gen();
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        })
    }

    /// A device name at a location: `EqDC2-123h49s71dabc`.
    pub fn device(&mut self, location: &str) -> String {
        let mut s = String::with_capacity(location.len() + 14);
        s.push_str(location);
        s.push('-');
        for _ in 0..13 {
            s.push(BASE36[self.rng.gen_range(0..36)] as char);
        }
        s
    }

    /// `n` random base-36 characters (secret suffixes).
    pub fn base36(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| BASE36[self.rng.gen_range(0..36)] as char)
            .collect()
    }

    /// A resiliency group ID: `dxrg-` and 17 base-36 characters.
    pub fn resiliency_group(&mut self) -> String {
        self.unique(|rng| {
            let mut s = String::from("dxrg-");
            for _ in 0..17 {
                s.push(BASE36[rng.gen_range(0..36)] as char);
            }
            s
        })
    }

    /// A BGP MD5 key as AWS generates it: `0x` and 22 characters.
    pub fn auth_key(&mut self) -> String {
        let mut s = String::from("0x");
        for _ in 0..22 {
            s.push(AUTH_KEY_CHARS[self.rng.gen_range(0..AUTH_KEY_CHARS.len())] as char);
        }
        s
    }

    pub fn below(&mut self, n: u32) -> u32 {
        self.rng.gen_range(0..n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_real_shapes() {
        let mut g = IdGen::new(Some(7));
        let id = g.dx("dxvif");
        assert!(id.starts_with("dxvif-f") && id.len() == 14, "{id}");
        let u = g.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let k = g.auth_key();
        assert!(k.starts_with("0x") && k.len() == 24);
    }

    #[test]
    fn a_seed_reproduces_ids() {
        let a: Vec<String> = {
            let mut g = IdGen::new(Some(1));
            (0..5).map(|_| g.dx("dxcon")).collect()
        };
        let b: Vec<String> = {
            let mut g = IdGen::new(Some(1));
            (0..5).map(|_| g.dx("dxcon")).collect()
        };
        assert_eq!(a, b);
    }
}
