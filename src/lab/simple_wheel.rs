//! Scheme 4: the simple timing wheel. One slot per tick, as many slots as the longest interval
//! (MaxInterval); a timer due at tick `d` hangs in slot `d mod MaxInterval`.
//!
//! START_TIMER and STOP_TIMER are O(1) list operations; PER_TICK_BOOKKEEPING looks at one slot
//! and expires everything in it (everything there is due: no interval exceeds the wheel). The
//! price is memory: a slot for every tick of the longest interval.

use super::lists::Lists;
use super::{Scheme, SchemeKind, TimerId, Work};

const SLOT: u64 = 16;
const ENTRY: u64 = 24;

pub struct SimpleWheel {
    slots: Lists,
}

impl SimpleWheel {
    /// A wheel for intervals of 1 to `max_interval` ticks.
    pub fn new(timers: u32, max_interval: u64) -> SimpleWheel {
        SimpleWheel {
            slots: Lists::new(timers, max_interval.max(1) as usize),
        }
    }

    fn slot(&self, tick: u64) -> usize {
        (tick % self.slots.lists() as u64) as usize
    }
}

impl Scheme for SimpleWheel {
    fn kind(&self) -> SchemeKind {
        SchemeKind::SimpleWheel
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        assert!(
            due - now <= self.slots.lists() as u64,
            "interval {} is longer than the wheel's MaxInterval {}",
            due - now,
            self.slots.lists()
        );
        let re_arm = self.slots.remove(timer) as u64;
        let s = self.slot(due);
        self.slots.push_back(s, timer, due);
        Work {
            moved: re_arm + 1,
            ..Work::ZERO
        }
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        Work {
            moved: self.slots.remove(timer) as u64,
            ..Work::ZERO
        }
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work {
            buckets: 1,
            ..Work::ZERO
        };
        let s = self.slot(now);
        while let Some(t) = self.slots.first(s) {
            debug_assert_eq!(
                self.slots.due(t),
                now,
                "a simple wheel's slot holds one tick"
            );
            self.slots.remove(t);
            w.moved += 1;
            fired.push(t);
        }
        w
    }

    fn memory(&self) -> u64 {
        self.slots.lists() as u64 * SLOT + self.slots.peak() * ENTRY
    }
}
