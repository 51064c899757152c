//! The callwheel: `callwheelsize` buckets of `struct callout`, hashed by absolute deadline.
//!
//! Varghese & Lauck scheme 6 as Costello & Varghese adapted it for BSD: one ring of buckets, each an
//! unsorted TAILQ; a callout due at tick `c_time` lives in bucket `c_time & callwheelmask` and
//! keeps its absolute deadline, so a callout more than one lap away is simply skipped by the
//! scans of earlier laps. Insertion and removal are O(1) (tail insert, doubly linked unlink); the
//! cost moves to softclock, which walks every entry of each bucket it visits (Varghese & Lauck,
//! "Hashed and Hierarchical Timing Wheels", SOSP 1987: constant-time start and stop for the many
//! timers that never fire, as network protocols' retransmit timers rarely do).
//!
//! Callouts live in an arena (`callouts`) and link to each other by index, like the kernel's
//! `c_links.tqe` pointers. The first `ncallout` slots are the preallocated pool of the legacy
//! `timeout()` API, so a `struct callout_handle` is just a slot number.

use crate::kernel::Name;
use crate::kernel::Value;

/// The callout came from the `callfree` pool (`timeout()`); it goes back there when it fires or stops.
pub const CALLOUT_LOCAL_ALLOC: u32 = 0x0001;
/// Reset and not stopped, drained or deactivated since (softclock leaves it set when it fires).
pub const CALLOUT_ACTIVE: u32 = 0x0002;
/// On the wheel, waiting for its tick.
pub const CALLOUT_PENDING: u32 = 0x0004;
/// `callout_init(c, 1)`: softclock calls it without taking Giant.
pub const CALLOUT_MPSAFE: u32 = 0x0008;

/// Index of a callout in the arena.
pub type CalloutId = u32;

/// Smallest power of two >= `ncallout`, counting up from 1 as `kern_timeout_callwheel_alloc` does.
pub fn callwheel_size(ncallout: u32) -> u32 {
    let mut size = 1u32;
    while size < ncallout {
        size <<= 1;
    }
    size
}

/// The bucket of a deadline: its low bits. `c_time` is a C `int`; the mask takes the two's
/// complement bits, so the wrap of `ticks` needs no special case.
pub fn bucket_of(c_time: i32, mask: u32) -> u32 {
    (c_time as u32) & mask
}

/// How many whole turns of the wheel lie between the tick being scanned and a callout's deadline
/// (0 = due on this visit). Signed difference, so it is right across the wrap of `ticks`.
pub fn laps_until(c_time: i32, curticks: i32, size: u32) -> i32 {
    c_time.wrapping_sub(curticks) / size as i32
}

/// `TAILQ_ENTRY(callout)`: the neighbours in the bucket's TAILQ, None at either end. The kernel's
/// `tqe_prev` points at the previous entry's `tqe_next`; an index of the previous callout says
/// the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TailqEntry {
    pub tqe_next: Option<CalloutId>,
    pub tqe_prev: Option<CalloutId>,
}

/// `struct callout` (FreeBSD 6 `sys/callout.h`), with the kernel's field names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callout {
    /// `c_links.tqe`: its place in its bucket's TAILQ (`c_links.sle` links the `callfree` pool,
    /// kept as a stack of slot numbers in `Callouts::callfree`).
    pub c_links: TailqEntry,
    /// `c_time`: the absolute tick it is due at (meaningful while PENDING).
    pub c_time: i32,
    /// `c_arg`: the argument `c_func` is called with.
    pub c_arg: Value,
    /// `c_func`: the handler (a pointer in the kernel, a name here); NULL once a pooled
    /// callout is freed.
    pub c_func: Option<Name>,
    /// `c_flags`: `CALLOUT_LOCAL_ALLOC`, `CALLOUT_ACTIVE`, `CALLOUT_PENDING`, `CALLOUT_MPSAFE`.
    pub c_flags: u32,
    /// The scenario's name for this callout (`c`, or `callout[3]` for a pooled one): the
    /// simulator's equivalent of its address, for the events, the UI and panic messages.
    pub name: Name,
}

impl Callout {
    fn new(name: Name, flags: u32) -> Callout {
        Callout {
            c_links: TailqEntry::default(),
            c_time: 0,
            c_arg: Value::Null,
            c_func: None,
            c_flags: flags,
            name,
        }
    }

    pub fn pending(&self) -> bool {
        self.c_flags & CALLOUT_PENDING != 0
    }

    pub fn active(&self) -> bool {
        self.c_flags & CALLOUT_ACTIVE != 0
    }

    pub fn local_alloc(&self) -> bool {
        self.c_flags & CALLOUT_LOCAL_ALLOC != 0
    }

    pub fn mpsafe(&self) -> bool {
        self.c_flags & CALLOUT_MPSAFE != 0
    }
}

/// `struct callout_tailq`, one bucket: its first and last callout, and (simulator only) how
/// many it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bucket {
    tqh_first: Option<CalloutId>,
    tqh_last: Option<CalloutId>,
    len: u32,
}

/// `callwheel[callwheelsize]` and the arena of callouts it links.
#[derive(Clone, Debug, Default)]
pub struct Callwheel {
    /// Every `struct callout`, by [`CalloutId`].
    callouts: Vec<Callout>,
    buckets: Vec<Bucket>,
    /// `callwheelsize - 1`.
    pub mask: u32,
}

impl Callwheel {
    /// An empty wheel for `ncallout` callouts; the pool slots are created by [`Callwheel::add`].
    pub fn new(ncallout: u32) -> Callwheel {
        let size = callwheel_size(ncallout);
        Callwheel {
            buckets: vec![Bucket::default(); size as usize],
            mask: size - 1,
            ..Callwheel::default()
        }
    }

    pub fn size(&self) -> u32 {
        self.mask + 1
    }

    /// Adds a new, unlinked callout to the arena.
    pub fn add(&mut self, name: Name, flags: u32) -> CalloutId {
        self.callouts.push(Callout::new(name, flags));
        (self.callouts.len() - 1) as CalloutId
    }

    pub fn get(&self, id: CalloutId) -> &Callout {
        &self.callouts[id as usize]
    }

    pub fn get_mut(&mut self, id: CalloutId) -> &mut Callout {
        &mut self.callouts[id as usize]
    }

    /// Every callout, by slot.
    pub fn iter(&self) -> impl Iterator<Item = &Callout> {
        self.callouts.iter()
    }

    /// The scenario's name for the callout.
    pub fn name(&self, id: CalloutId) -> &Name {
        &self.get(id).name
    }

    /// The name of the callout's handler; None for NULL.
    pub fn c_func_name(&self, id: CalloutId) -> Option<&Name> {
        self.get(id).c_func.as_ref()
    }

    /// `TAILQ_INSERT_TAIL(&callwheel[c_time & callwheelmask], c, c_links.tqe)`.
    pub fn insert_tail(&mut self, id: CalloutId) {
        let c_time = self.get(id).c_time;
        let bucket = &mut self.buckets[bucket_of(c_time, self.mask) as usize];
        let old_tail = bucket.tqh_last.replace(id);
        bucket.len += 1;
        match old_tail {
            None => bucket.tqh_first = Some(id),
            Some(t) => self.callouts[t as usize].c_links.tqe_next = Some(id),
        }
        self.get_mut(id).c_links = TailqEntry {
            tqe_next: None,
            tqe_prev: old_tail,
        };
    }

    /// `TAILQ_REMOVE` from the bucket of its `c_time`. The caller knows it is linked (PENDING).
    pub fn remove(&mut self, id: CalloutId) {
        let c_time = self.get(id).c_time;
        let bucket = &mut self.buckets[bucket_of(c_time, self.mask) as usize];
        let TailqEntry { tqe_next, tqe_prev } =
            std::mem::take(&mut self.callouts[id as usize].c_links);
        bucket.len -= 1;
        match tqe_prev {
            None => bucket.tqh_first = tqe_next,
            Some(p) => self.callouts[p as usize].c_links.tqe_next = tqe_next,
        }
        match tqe_next {
            None => bucket.tqh_last = tqe_prev,
            Some(n) => self.callouts[n as usize].c_links.tqe_prev = tqe_prev,
        }
    }

    /// `TAILQ_FIRST(&callwheel[bucket])`.
    pub fn head(&self, bucket: u32) -> Option<CalloutId> {
        self.buckets[bucket as usize].tqh_first
    }

    /// `TAILQ_NEXT(c, c_links.tqe)`.
    pub fn next(&self, id: CalloutId) -> Option<CalloutId> {
        self.get(id).c_links.tqe_next
    }

    pub fn bucket_len(&self, bucket: u32) -> u32 {
        self.buckets[bucket as usize].len
    }

    /// The callouts of one bucket, head first.
    pub fn bucket_entries(&self, bucket: u32) -> Vec<CalloutId> {
        std::iter::successors(self.head(bucket), |&id| self.next(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_the_next_power_of_two() {
        for (ncallout, size) in [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 4),
            (64, 64),
            (65, 128),
            (1612, 2048),
        ] {
            assert_eq!(callwheel_size(ncallout), size, "ncallout {ncallout}");
        }
    }

    #[test]
    fn bucket_and_laps_follow_the_low_bits() {
        // Reference 2.10: callwheelsize 2048, c_time 8000 -> bucket 1856, visited at 5952 and 8000.
        assert_eq!(bucket_of(8000, 2047), 1856);
        assert_eq!(laps_until(8000, 5952, 2048), 1);
        assert_eq!(laps_until(8000, 8000, 2048), 0);
        // Across the wrap of ticks: INT_MAX + 2 wraps to INT_MIN + 1.
        let c_time = i32::MAX.wrapping_add(2);
        assert_eq!(bucket_of(c_time, 63), 1);
        assert_eq!(laps_until(c_time, i32::MAX - 62, 64), 1);
    }

    #[test]
    fn tailq_keeps_insertion_order_and_unlinks_anywhere() {
        let mut w = Callwheel::new(4);
        let ids: Vec<CalloutId> = (0..4)
            .map(|i| w.add(Name::from(format!("c{i}")), 0))
            .collect();
        for &id in &ids {
            w.get_mut(id).c_time = 6; // bucket 2
            w.insert_tail(id);
        }
        assert_eq!(w.bucket_entries(2), ids);
        w.remove(ids[1]);
        w.remove(ids[3]);
        assert_eq!(w.bucket_entries(2), vec![ids[0], ids[2]]);
        w.remove(ids[0]);
        w.insert_tail(ids[0]);
        assert_eq!(w.bucket_entries(2), vec![ids[2], ids[0]]);
        assert_eq!(w.bucket_len(2), 2);
        w.remove(ids[2]);
        w.remove(ids[0]);
        assert_eq!(w.head(2), None);
        assert_eq!(w.bucket_len(2), 0);
    }
}
