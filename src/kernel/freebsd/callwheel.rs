//! The callwheel: `callwheelsize` buckets of `struct callout`, hashed by absolute deadline.
//!
//! Varghese & Lauck scheme 6 as Costello & Varghese adapted it for BSD: one ring of buckets, each an
//! unsorted TAILQ; a callout due at tick `c_time` lives in bucket `c_time & callwheelmask` and
//! keeps its absolute deadline, so a callout more than one lap away is simply skipped by the
//! scans of earlier laps. Insertion and removal are O(1) (tail insert, doubly linked unlink); the
//! cost moves to softclock, which walks every entry of each bucket it visits.
//!
//! Callouts live in an arena (`callouts`) and link to each other by index, like the kernel's
//! `c_links.tqe` pointers. The first `ncallout` slots are the preallocated pool of the legacy
//! `timeout()` API, so a `struct callout_handle` is just a slot number.
//!
//! # Why a callout is split in four
//! With a million callouts every callout that `callout_reset`, `_callout_stop_safe` or a
//! softclock scan touches is a cache miss, so `struct callout` is kept as four arrays by callout
//! number, each read only by what needs it:
//! * `c_links` (8 bytes: the TAILQ's next and prev). Unlinking writes the two neighbours' links
//!   and linking the old tail's, scattered over all callouts: in a compact array of links those
//!   writes land in 8 MB at a million callouts, not in 20 MB of whole records, so more of them
//!   hit the cache (a `callout_stop` at 10^6 got about a third faster for it, a scan no slower).
//! * the 12-byte [`Callout`]: `c_time`, `c_flags` and `c_func`, the last as a [`FuncId`] into an
//!   interned table of handler names ([`Funcs`]) instead of a string. A scan reads it and the
//!   links of each entry it examines.
//! * `c_arg`, as a 16-byte [`Arg`] (the `void *` is one word, and so is nearly every argument:
//!   an int, NULL, a handle, a route); written by every reset, read when the callout is called
//!   and only if something reads it (the `Fire` event or a built-in action). The rare argument
//!   that is not one word is kept whole in a map beside it.
//! * the scenario's name for the callout, which only the event log, the UI and panic messages
//!   read.
//!
//! A reset at a million callouts thus writes its own links, record and 16 bytes of `c_arg`, all
//! in callout order, plus the old tail's `c_links` in its bucket (`TAILQ_INSERT_TAIL`). With
//! the name next to `c_arg` (one 56-byte cold record, as before) every reset also streamed the
//! name's cache lines through the cache. The kernel keeps all of it in one struct; the fields
//! keep its names.

pub use crate::kernel::funcs::{FuncId, Funcs};
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

/// The end of a TAILQ (a NULL `tqe_next` / `tqe_prev`).
const NIL: CalloutId = CalloutId::MAX;

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

/// The links of a callout on no list.
const UNLINKED: Links = Links {
    next: NIL,
    prev: NIL,
};

/// `c_links.tqe`: the neighbours in the bucket's TAILQ ([`NIL`] at either end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Links {
    next: CalloutId,
    prev: CalloutId,
}

/// The part of one `struct callout` that the wheel's hot paths read besides its links (see the
/// module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Callout {
    /// Absolute tick it is due at (meaningful while PENDING).
    pub c_time: i32,
    pub c_flags: u32,
    /// The handler; NULL once a pooled callout is freed.
    pub c_func: Option<FuncId>,
}

impl Callout {
    fn new(flags: u32) -> Callout {
        Callout {
            c_time: 0,
            c_flags: flags,
            c_func: None,
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

fn link(id: CalloutId) -> Option<CalloutId> {
    (id != NIL).then_some(id)
}

/// `c_arg` as the wheel keeps it. In the kernel it is a `void *`, one word, and so is nearly
/// every argument a scenario passes (an int, NULL, a handle, a route, a queue, an address):
/// those are stored by value in 16 bytes, so a reset writes 16 bytes and copies them without a
/// call (a `Value` is 32 bytes with a destructor to run). The others (a bare name, `&obj`, a
/// struct, flags) are [`Arg::Spilled`] and kept whole in `Callwheel::spilled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    Null,
    Int(i64),
    Handle(u32),
    Route(u32),
    Queue(u32),
    Addr(u32),
    Prefix(u32, u8),
    Spilled,
}

impl Arg {
    #[inline]
    fn of(v: &Value) -> Arg {
        match *v {
            Value::Null => Arg::Null,
            Value::Int(n) => Arg::Int(n),
            Value::Handle(h) => Arg::Handle(h),
            Value::Route(r) => Arg::Route(r),
            Value::Queue(q) => Arg::Queue(q),
            Value::Addr(a) => Arg::Addr(a),
            Value::Prefix(a, len) => Arg::Prefix(a, len),
            Value::Sym(_) | Value::Ref(_) | Value::Struct(_) | Value::Flags(_) => Arg::Spilled,
        }
    }

    /// The value of a one-word argument (never called for [`Arg::Spilled`]).
    fn value(self) -> Value {
        match self {
            Arg::Null | Arg::Spilled => Value::Null,
            Arg::Int(n) => Value::Int(n),
            Arg::Handle(h) => Value::Handle(h),
            Arg::Route(r) => Value::Route(r),
            Arg::Queue(q) => Value::Queue(q),
            Arg::Addr(a) => Value::Addr(a),
            Arg::Prefix(a, len) => Value::Prefix(a, len),
        }
    }
}

/// Head and tail of one bucket's TAILQ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bucket {
    head: CalloutId,
    tail: CalloutId,
    len: u32,
}

impl Default for Bucket {
    fn default() -> Bucket {
        Bucket {
            head: NIL,
            tail: NIL,
            len: 0,
        }
    }
}

/// The ring of buckets and the arena of callouts it links.
#[derive(Clone, Debug, Default)]
pub struct Callwheel {
    /// `c_time`, `c_flags` and `c_func` of every callout, by [`CalloutId`].
    callouts: Vec<Callout>,
    /// `c_links`, by the same index.
    links: Vec<Links>,
    /// `c_arg`, by the same index: written by every reset, read only when needed.
    args: Vec<Arg>,
    /// The `c_arg`s that are not one word ([`Arg::Spilled`]), sorted by callout. A sorted
    /// `Vec`, not a map: there are few, a scenario arms its callouts mostly in order (so an
    /// insert is a push), and a map type of its own was 1 KB of the gzipped wasm.
    spilled: Vec<(CalloutId, Value)>,
    /// The scenario's name for each callout (`c`, or `callout[3]` for a pooled one), by the same
    /// index: read only by the events, the UI and panic messages.
    names: Vec<Name>,
    /// The handler names `c_func` refers to.
    pub funcs: Funcs,
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
        self.callouts.push(Callout::new(flags));
        self.links.push(UNLINKED);
        self.args.push(Arg::Null);
        self.names.push(name);
        (self.callouts.len() - 1) as CalloutId
    }

    pub fn get(&self, id: CalloutId) -> &Callout {
        &self.callouts[id as usize]
    }

    pub fn get_mut(&mut self, id: CalloutId) -> &mut Callout {
        &mut self.callouts[id as usize]
    }

    /// Every callout's record (`c_time`, `c_flags`, `c_func`), by slot.
    pub fn iter(&self) -> impl Iterator<Item = &Callout> {
        self.callouts.iter()
    }

    /// The scenario's name for the callout.
    pub fn name(&self, id: CalloutId) -> &Name {
        &self.names[id as usize]
    }

    pub fn c_arg(&self, id: CalloutId) -> Value {
        match self.args[id as usize] {
            Arg::Spilled => match self.spilled_at(id) {
                Ok(i) => self.spilled[i].1.clone(),
                Err(_) => Value::Null,
            },
            a => a.value(),
        }
    }

    #[inline]
    pub fn set_c_arg(&mut self, id: CalloutId, arg: &Value) {
        let new = Arg::of(arg);
        let old = std::mem::replace(&mut self.args[id as usize], new);
        if new == Arg::Spilled || old == Arg::Spilled {
            self.spill(id, arg, new);
        }
    }

    /// Where the callout's spilled argument is (`Ok`) or would go (`Err`) in `spilled`.
    fn spilled_at(&self, id: CalloutId) -> Result<usize, usize> {
        self.spilled.binary_search_by_key(&id, |&(c, _)| c)
    }

    /// The rare half of [`Callwheel::set_c_arg`]: keep a spilled argument, or forget one.
    #[cold]
    fn spill(&mut self, id: CalloutId, arg: &Value, new: Arg) {
        match (new == Arg::Spilled, self.spilled_at(id)) {
            (true, Ok(i)) => self.spilled[i].1 = arg.clone(),
            (true, Err(i)) => self.spilled.insert(i, (id, arg.clone())),
            (false, Ok(i)) => {
                self.spilled.remove(i);
            }
            (false, Err(_)) => {}
        }
    }

    /// The name of the callout's handler; None for NULL.
    pub fn c_func_name(&self, id: CalloutId) -> Option<&Name> {
        self.get(id).c_func.map(|f| self.funcs.name(f))
    }

    /// `TAILQ_INSERT_TAIL` into the bucket of its `c_time`.
    #[inline]
    pub fn insert_tail(&mut self, id: CalloutId) {
        let c_time = self.callouts[id as usize].c_time;
        let bucket = &mut self.buckets[bucket_of(c_time, self.mask) as usize];
        let old_tail = std::mem::replace(&mut bucket.tail, id);
        bucket.len += 1;
        self.links[id as usize] = Links {
            next: NIL,
            prev: old_tail,
        };
        match old_tail {
            NIL => bucket.head = id,
            t => self.links[t as usize].next = id,
        }
    }

    /// `TAILQ_REMOVE` from the bucket of its `c_time`. The caller knows it is linked (PENDING).
    #[inline]
    pub fn remove(&mut self, id: CalloutId) {
        let c_time = self.callouts[id as usize].c_time;
        let bucket = &mut self.buckets[bucket_of(c_time, self.mask) as usize];
        let Links { next, prev } = std::mem::replace(&mut self.links[id as usize], UNLINKED);
        bucket.len -= 1;
        match prev {
            NIL => bucket.head = next,
            p => self.links[p as usize].next = next,
        }
        match next {
            NIL => bucket.tail = prev,
            n => self.links[n as usize].prev = prev,
        }
    }

    pub fn head(&self, bucket: u32) -> Option<CalloutId> {
        link(self.buckets[bucket as usize].head)
    }

    /// `TAILQ_NEXT`.
    pub fn next(&self, id: CalloutId) -> Option<CalloutId> {
        link(self.links[id as usize].next)
    }

    pub fn bucket_len(&self, bucket: u32) -> u32 {
        self.buckets[bucket as usize].len
    }

    /// The callouts of one bucket, head first.
    pub fn bucket_entries(&self, bucket: u32) -> Vec<CalloutId> {
        let mut out = Vec::new();
        let mut cur = self.head(bucket);
        while let Some(id) = cur {
            out.push(id);
            cur = self.next(id);
        }
        out
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

    #[test]
    fn the_hot_half_of_a_callout_is_small() {
        // Five callouts to a cache line, eight callouts' links: what a million-callout scan
        // reads per entry.
        assert_eq!(std::mem::size_of::<Callout>(), 12);
        assert_eq!(std::mem::size_of::<Links>(), 8);
        // What a reset writes for `c_arg`, next to the record.
        assert_eq!(std::mem::size_of::<Arg>(), 16);
    }

    #[test]
    fn c_arg_reads_back_what_a_reset_wrote() {
        let mut w = Callwheel::new(4);
        let id = w.add(Name::from("c"), 0);
        assert_eq!(w.c_arg(id), Value::Null);
        for v in [
            Value::Int(-3),
            Value::Sym("rt1".into()),
            Value::Handle(2),
            Value::Ref("c".into()),
            Value::Prefix(0x0a00_0000, 8),
            Value::Struct(vec![1, 2]),
            Value::Flags(vec!["RTF_HOST".into()]),
            Value::Route(7),
            Value::Null,
        ] {
            w.set_c_arg(id, &v);
            assert_eq!(w.c_arg(id), v);
        }
        // A one-word argument leaves nothing behind in the spill table.
        assert!(w.spilled.is_empty());
    }
}
