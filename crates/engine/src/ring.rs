//! A fixed-capacity ring that overwrites its oldest item in place once
//! full. The event log writes one item per change and the server's request
//! log one per request; `VecDeque`'s `pop_front` + `push_back` moved every
//! item twice (out of the old slot, into the new one) where one write does.

pub struct Ring<T> {
    items: Vec<T>,
    /// Where the oldest item is once the ring is full; 0 until then.
    head: usize,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Ring {
            items: Vec::new(),
            head: 0,
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    #[inline]
    pub fn is_full(&self) -> bool {
        self.items.len() == self.capacity
    }

    /// Adds `item` as the newest; once full, in the oldest's place.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.items.len() < self.capacity {
            self.items.push(item);
        } else {
            self.items[self.head] = item;
            self.head += 1;
            if self.head == self.capacity {
                self.head = 0;
            }
        }
    }

    #[inline]
    pub fn oldest(&self) -> Option<&T> {
        self.items.get(self.head)
    }

    /// The item `pos` places after the oldest.
    #[inline]
    pub fn get(&self, pos: usize) -> Option<&T> {
        if pos >= self.items.len() {
            return None;
        }
        let i = self.head + pos;
        self.items.get(if i >= self.items.len() {
            i - self.items.len()
        } else {
            i
        })
    }

    #[inline]
    pub fn newest_mut(&mut self) -> Option<&mut T> {
        let last = match self.head {
            0 => self.items.len().checked_sub(1)?,
            head => head - 1,
        };
        self.items.get_mut(last)
    }

    /// Oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        let (newer, older) = self.items.split_at(self.head);
        older.iter().chain(newer)
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn keeps_the_newest_in_order_as_it_overwrites() {
        let mut ring = Ring::new(3);
        assert!(ring.is_empty());
        assert_eq!(ring.oldest(), None);
        assert_eq!(ring.newest_mut(), None);
        for i in 1..=7 {
            ring.push(i);
            let expected: Vec<i32> = (1.max(i - 2)..=i).collect();
            assert_eq!(ring.iter().copied().collect::<Vec<_>>(), expected);
            assert_eq!(ring.oldest(), expected.first());
            assert_eq!(ring.iter().last(), Some(&i));
            for (pos, item) in expected.iter().enumerate() {
                assert_eq!(ring.get(pos), Some(item));
            }
            assert_eq!(ring.get(expected.len()), None);
            assert_eq!(ring.newest_mut().copied(), Some(i));
            assert_eq!(ring.len(), expected.len());
            assert!(!ring.is_empty());
            assert_eq!(ring.is_full(), i >= 3);
        }
    }
}
