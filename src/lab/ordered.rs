//! Scheme 2: one list ordered by absolute deadline.
//!
//! START_TIMER walks from the head to the first timer due later and links the new one in
//! front of it: O(n) comparisons (FIFO among equal deadlines). STOP_TIMER unlinks: O(1).
//! PER_TICK_BOOKKEEPING only looks at the head: expire it while it is due, stop at the first
//! that is not; O(1) per tick plus one step per timer that expires.

use super::lists::Lists;
use super::{Scheme, SchemeKind, TimerId, Work};

/// Bytes of one entry: two links and the deadline.
const ENTRY: u64 = 24;

pub struct OrderedList {
    list: Lists,
}

impl OrderedList {
    pub fn new(timers: u32) -> OrderedList {
        OrderedList {
            list: Lists::new(timers, 1),
        }
    }
}

impl Scheme for OrderedList {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Ordered
    }

    fn start(&mut self, _now: u64, timer: TimerId, due: u64) -> Work {
        let re_arm = self.list.remove(timer) as u64;
        let compared = self.list.insert_sorted(0, timer, due);
        Work {
            visited: compared,
            moved: re_arm + 1,
            ..Work::ZERO
        }
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        Work {
            moved: self.list.remove(timer) as u64,
            ..Work::ZERO
        }
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work::ZERO;
        while let Some(t) = self.list.first(0) {
            w.visited += 1;
            if self.list.due(t) > now {
                break;
            }
            self.list.remove(t);
            w.moved += 1;
            fired.push(t);
        }
        w
    }

    fn memory(&self) -> u64 {
        16 + self.list.peak() * ENTRY
    }
}
