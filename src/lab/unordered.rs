//! Scheme 1: an unordered list of timers, each holding the ticks it still has to go.
//!
//! START_TIMER appends (O(1)), STOP_TIMER unlinks (O(1)); PER_TICK_BOOKKEEPING decrements every
//! timer on the list and expires those that reach 0: O(n) every tick, whether anything expires
//! or not. That is the cost the other schemes exist to avoid.

use super::lists::Lists;
use super::{Scheme, SchemeKind, TimerId, Work};

/// Bytes of one entry: two links and the count of ticks to go.
const ENTRY: u64 = 24;

pub struct UnorderedList {
    /// One list; a node's `due` field holds the ticks still to go.
    list: Lists,
}

impl UnorderedList {
    pub fn new(timers: u32) -> UnorderedList {
        UnorderedList {
            list: Lists::new(timers, 1),
        }
    }
}

impl Scheme for UnorderedList {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Unordered
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        let re_arm = self.list.remove(timer) as u64;
        self.list.push_back(0, timer, due - now);
        Work {
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

    fn tick(&mut self, _now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work::ZERO;
        let mut at = self.list.first(0);
        while let Some(t) = at {
            at = self.list.next(t);
            w.visited += 1;
            let left = self.list.due(t) - 1;
            self.list.set_due(t, left);
            if left == 0 {
                self.list.remove(t);
                w.moved += 1;
                fired.push(t);
            }
        }
        w
    }

    fn memory(&self) -> u64 {
        16 + self.list.peak() * ENTRY
    }
}
