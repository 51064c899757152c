//! Doubly linked lists of timers over one arena, as a kernel links `struct callout`s: a timer
//! is its own list node (indexed by its id), so taking it off a list is O(1) given the timer,
//! without searching. Schemes 1, 2, 4 and 5 keep their lists here; a list is a head (a slot of
//! the wheel, or the one list of schemes 1 and 2).

use super::TimerId;

const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    next: u32,
    prev: u32,
    /// The list it is on, or NIL.
    list: u32,
    /// The absolute tick it is due at (scheme 1 keeps the ticks still to go instead).
    due: u64,
}

#[derive(Clone, Copy, Debug)]
struct Head {
    first: u32,
    last: u32,
    len: u32,
}

#[derive(Clone, Debug)]
pub struct Lists {
    nodes: Vec<Node>,
    heads: Vec<Head>,
    queued: u64,
    peak: u64,
}

impl Lists {
    /// `lists` empty lists for `timers` timers.
    pub fn new(timers: u32, lists: usize) -> Lists {
        Lists {
            nodes: vec![
                Node {
                    next: NIL,
                    prev: NIL,
                    list: NIL,
                    due: 0,
                };
                timers as usize
            ],
            heads: vec![
                Head {
                    first: NIL,
                    last: NIL,
                    len: 0
                };
                lists
            ],
            queued: 0,
            peak: 0,
        }
    }

    pub fn lists(&self) -> usize {
        self.heads.len()
    }

    pub fn is_linked(&self, t: TimerId) -> bool {
        self.nodes[t as usize].list != NIL
    }

    pub fn due(&self, t: TimerId) -> u64 {
        self.nodes[t as usize].due
    }

    pub fn set_due(&mut self, t: TimerId, due: u64) {
        self.nodes[t as usize].due = due;
    }

    pub fn first(&self, list: usize) -> Option<TimerId> {
        let f = self.heads[list].first;
        (f != NIL).then_some(f)
    }

    pub fn next(&self, t: TimerId) -> Option<TimerId> {
        let n = self.nodes[t as usize].next;
        (n != NIL).then_some(n)
    }

    /// Timers on all lists together at the most so far.
    pub fn peak(&self) -> u64 {
        self.peak
    }

    /// Links `t` (on no list) into `list` in front of `before`, or at the tail for None.
    pub fn insert_before(&mut self, list: usize, before: Option<TimerId>, t: TimerId, due: u64) {
        debug_assert!(!self.is_linked(t), "timer {t} linked twice");
        let (prev, next) = match before {
            Some(b) => (self.nodes[b as usize].prev, b),
            None => (self.heads[list].last, NIL),
        };
        self.nodes[t as usize] = Node {
            next,
            prev,
            list: list as u32,
            due,
        };
        match prev {
            NIL => self.heads[list].first = t,
            p => self.nodes[p as usize].next = t,
        }
        match next {
            NIL => self.heads[list].last = t,
            n => self.nodes[n as usize].prev = t,
        }
        self.heads[list].len += 1;
        self.queued += 1;
        self.peak = self.peak.max(self.queued);
    }

    pub fn push_back(&mut self, list: usize, t: TimerId, due: u64) {
        self.insert_before(list, None, t, due);
    }

    /// Unlinks `t` from its list; false if it was on none.
    pub fn remove(&mut self, t: TimerId) -> bool {
        let Node {
            next, prev, list, ..
        } = self.nodes[t as usize];
        if list == NIL {
            return false;
        }
        let head = &mut self.heads[list as usize];
        match prev {
            NIL => head.first = next,
            p => self.nodes[p as usize].next = next,
        }
        match next {
            NIL => self.heads[list as usize].last = prev,
            n => self.nodes[n as usize].prev = prev,
        }
        self.heads[list as usize].len -= 1;
        let n = &mut self.nodes[t as usize];
        n.next = NIL;
        n.prev = NIL;
        n.list = NIL;
        self.queued -= 1;
        true
    }

    /// Inserts `t` into `list` kept sorted by due tick, after every entry due at or before it
    /// (FIFO among equal deadlines). Returns the entries compared.
    pub fn insert_sorted(&mut self, list: usize, t: TimerId, due: u64) -> u64 {
        let mut compared = 0;
        let mut at = self.first(list);
        while let Some(c) = at {
            compared += 1;
            if self.due(c) > due {
                break;
            }
            at = self.next(c);
        }
        self.insert_before(list, at, t, due);
        compared
    }

    /// The timers on `list`, head to tail.
    #[cfg(test)]
    pub fn iter(&self, list: usize) -> impl Iterator<Item = TimerId> + '_ {
        let mut at = self.first(list);
        std::iter::from_fn(move || {
            let c = at?;
            at = self.next(c);
            Some(c)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_insert_keeps_order_and_counts_compares() {
        let mut l = Lists::new(6, 1);
        assert_eq!(l.insert_sorted(0, 0, 10), 0);
        assert_eq!(l.insert_sorted(0, 1, 30), 1);
        assert_eq!(l.insert_sorted(0, 2, 20), 2);
        assert_eq!(l.insert_sorted(0, 3, 20), 3);
        assert_eq!(l.insert_sorted(0, 4, 40), 4);
        assert_eq!(l.iter(0).collect::<Vec<_>>(), vec![0, 2, 3, 1, 4]);
        assert!(l.remove(2));
        assert!(!l.remove(2));
        assert!(l.remove(4));
        assert!(l.remove(0));
        assert_eq!(l.iter(0).collect::<Vec<_>>(), vec![3, 1]);
        assert_eq!((l.heads[0].len, l.queued, l.peak()), (2, 2, 5));
    }
}
