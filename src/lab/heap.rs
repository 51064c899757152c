//! Scheme 3 (tree-based): a binary min-heap of deadlines in an array, with each timer's slot
//! remembered so that STOP_TIMER can take it out of the middle.
//!
//! START_TIMER appends and sifts up, STOP_TIMER moves the last slot into the hole and sifts it
//! up or down: O(log n) comparisons each. PER_TICK_BOOKKEEPING compares the root with the clock
//! and pops while it is due: O(1) per tick plus O(log n) per timer that expires. Ties are broken
//! by timer id, so the order is deterministic.

use super::{Scheme, SchemeKind, TimerId, Work};

/// Bytes of one heap slot (deadline and timer) and of one timer's remembered slot.
const SLOT: u64 = 16;
const INDEX: u64 = 4;
const NOWHERE: u32 = u32::MAX;

pub struct Heap {
    slots: Vec<(u64, TimerId)>,
    /// Per timer, its slot in `slots`, or NOWHERE.
    at: Vec<u32>,
    peak: u64,
    timers: u32,
}

impl Heap {
    pub fn new(timers: u32) -> Heap {
        Heap {
            slots: Vec::new(),
            at: vec![NOWHERE; timers as usize],
            peak: 0,
            timers,
        }
    }

    fn put(&mut self, i: usize, e: (u64, TimerId)) {
        self.slots[i] = e;
        self.at[e.1 as usize] = i as u32;
    }

    /// Moves slot `i` up while it is earlier than its parent.
    fn sift_up(&mut self, mut i: usize, w: &mut Work) {
        let e = self.slots[i];
        while i > 0 {
            let p = (i - 1) / 2;
            w.visited += 1;
            if self.slots[p] <= e {
                break;
            }
            self.put(i, self.slots[p]);
            w.moved += 1;
            i = p;
        }
        self.put(i, e);
    }

    /// Moves slot `i` down while a child is earlier.
    fn sift_down(&mut self, mut i: usize, w: &mut Work) {
        let e = self.slots[i];
        let n = self.slots.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let mut c = l;
            if r < n {
                w.visited += 1;
                if self.slots[r] < self.slots[l] {
                    c = r;
                }
            }
            w.visited += 1;
            if e <= self.slots[c] {
                break;
            }
            self.put(i, self.slots[c]);
            w.moved += 1;
            i = c;
        }
        self.put(i, e);
    }

    /// Takes the timer in slot `i` out of the heap.
    fn remove_at(&mut self, i: usize, w: &mut Work) -> TimerId {
        let gone = self.slots[i].1;
        self.at[gone as usize] = NOWHERE;
        let last = self.slots.pop().expect("non-empty");
        w.moved += 1;
        if i < self.slots.len() {
            self.put(i, last);
            // The moved slot may belong above or below the hole.
            if i > 0 && self.slots[(i - 1) / 2] > last {
                w.visited += 1;
                self.sift_up(i, w);
            } else {
                w.visited += (i > 0) as u64;
                self.sift_down(i, w);
            }
        }
        gone
    }
}

impl Scheme for Heap {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Heap
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        let mut w = self.stop(now, timer);
        self.slots.push((due, timer));
        w.moved += 1;
        let i = self.slots.len() - 1;
        self.sift_up(i, &mut w);
        self.peak = self.peak.max(self.slots.len() as u64);
        w
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        let mut w = Work::ZERO;
        let i = self.at[timer as usize];
        if i != NOWHERE {
            self.remove_at(i as usize, &mut w);
        }
        w
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work::ZERO;
        while let Some(&(due, _)) = self.slots.first() {
            w.visited += 1;
            if due > now {
                break;
            }
            fired.push(self.remove_at(0, &mut w));
        }
        w
    }

    fn memory(&self) -> u64 {
        self.peak * SLOT + self.timers as u64 * INDEX
    }
}
