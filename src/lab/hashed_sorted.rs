//! Scheme 5: a hashed timing wheel with sorted buckets. A timer due at tick `d` hangs in bucket
//! `d mod size`, kept sorted by deadline, so that a bucket holds timers of several laps with
//! the current lap's at its head.
//!
//! START_TIMER walks its bucket to its place: O(n) in the worst case (everything in one bucket),
//! O(1) on average when the table is about as large as the number of timers. STOP_TIMER
//! unlinks: O(1). PER_TICK_BOOKKEEPING looks at one bucket and expires its head while it is due:
//! later laps stay behind the first entry that is not, so they cost one comparison.

use super::lists::Lists;
use super::{Scheme, SchemeKind, TimerId, Work};

const SLOT: u64 = 16;
const ENTRY: u64 = 24;

pub struct HashedSorted {
    buckets: Lists,
}

impl HashedSorted {
    pub fn new(timers: u32, size: u32) -> HashedSorted {
        HashedSorted {
            buckets: Lists::new(timers, size.max(1) as usize),
        }
    }

    fn bucket(&self, tick: u64) -> usize {
        (tick % self.buckets.lists() as u64) as usize
    }
}

impl Scheme for HashedSorted {
    fn kind(&self) -> SchemeKind {
        SchemeKind::HashedSorted
    }

    fn start(&mut self, _now: u64, timer: TimerId, due: u64) -> Work {
        let re_arm = self.buckets.remove(timer) as u64;
        let b = self.bucket(due);
        let compared = self.buckets.insert_sorted(b, timer, due);
        Work {
            visited: compared,
            moved: re_arm + 1,
            ..Work::ZERO
        }
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        Work {
            moved: self.buckets.remove(timer) as u64,
            ..Work::ZERO
        }
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work {
            buckets: 1,
            ..Work::ZERO
        };
        let b = self.bucket(now);
        while let Some(t) = self.buckets.first(b) {
            w.visited += 1;
            if self.buckets.due(t) > now {
                break;
            }
            self.buckets.remove(t);
            w.moved += 1;
            fired.push(t);
        }
        w
    }

    fn memory(&self) -> u64 {
        self.buckets.lists() as u64 * SLOT + self.buckets.peak() * ENTRY
    }
}
