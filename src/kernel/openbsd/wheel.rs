//! The wheel itself: `struct timeout`, and the 4 x 256 buckets plus `timeout_todo` that link it.
//!
//! `kern_timeout.c` keeps every `struct timeout` on a `struct circq`, a circular doubly linked
//! list whose head is the bucket (`timeout_wheel[b]`) or `timeout_todo` itself. Here the
//! timeouts live in an arena (a `Vec`, numbered in `timeout_set` order) and a link is an index:
//! [`Link::Head`] for a list head, [`Link::Timeout`] for another timeout's `to_list`. Insert,
//! remove and splicing a whole bucket onto the todo tail are the kernel's `CIRCQ_INSERT`,
//! `CIRCQ_REMOVE` and `CIRCQ_APPEND`, pointer for pointer.
//!
//! Varghese & Lauck ("Hashed and Hierarchical Timing Wheels", SOSP 1987, scheme 7) is why the
//! lists are unsorted and doubly linked: every operation is O(1), and all sorting is done lazily
//! by which bucket an entry lands in.
//!
//! The kernel never needs to know which list a timeout is on (`CIRCQ_REMOVE` only touches the
//! neighbours); the simulator does, to show the student where each timeout lives and how long
//! each list is. So a [`Timeout`] also records the list it is on, and the bucket it was last
//! inserted into (a spliced entry's bucket, which the re-bucketing event names). Splicing a
//! bucket relabels its entries; softclock touches each of them in the same tick anyway.

use crate::kernel::{Name, Value};

/// Number of wheels (levels). Wheel `w` covers relative delays up to `2^(8(w+1))` ticks.
pub const WHEELCOUNT: usize = 4;
/// Bits of the deadline that index one wheel.
pub const WHEELBITS: u32 = 8;
/// Buckets per wheel: 256.
pub const WHEELSIZE: usize = 1 << WHEELBITS;
/// Mask of one wheel's index bits: 255.
pub const WHEELMASK: u32 = (WHEELSIZE - 1) as u32;
/// All buckets of all wheels: 1024, numbered `wheel * WHEELSIZE + bucket` like `timeout_wheel[]`.
pub const BUCKETS: usize = WHEELCOUNT * WHEELSIZE;
/// The list number of `timeout_todo`, right after the buckets.
pub const TODO: usize = BUCKETS;
/// Number of lists (buckets and todo).
const LISTS: usize = BUCKETS + 1;

/// The wheel a timeout goes to when softclock re-buckets it `delta` ticks (>= 1) before its
/// deadline. The bounds are inclusive, exactly as coded in `BUCKET()`: `delta <= 1 << 8` etc.
pub fn level_for(delta: i32) -> usize {
    if delta <= 1 << WHEELBITS {
        0
    } else if delta <= 1 << (2 * WHEELBITS) {
        1
    } else if delta <= 1 << (3 * WHEELBITS) {
        2
    } else {
        3
    }
}

/// `BUCKET(delta, to_time)`: the global bucket index (0..1024). The level comes from the relative
/// delay, the slot from the absolute deadline's bits (`MASKWHEEL`).
pub fn bucket_for(to_time: i32, delta: i32) -> usize {
    let wheel = level_for(delta);
    wheel * WHEELSIZE + wheel_position(to_time, wheel)
}

/// The bucket of `wheel` that `time` indexes: bits `8*wheel .. 8*wheel+8` of `time`. With
/// `time = ticks` this is the wheel's current position, the bucket hardclock splices next.
pub fn wheel_position(time: i32, wheel: usize) -> usize {
    ((time as u32 >> (wheel as u32 * WHEELBITS)) & WHEELMASK) as usize
}

/// Where a timeout is linked, as the student sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// On no list.
    Nowhere,
    /// On `timeout_todo`, waiting for softclock.
    Todo,
    /// In a bucket of one of the wheels.
    Wheel { wheel: u8, bucket: u8 },
}

impl Place {
    /// The place of list `list` (a bucket index or [`TODO`]).
    pub fn of_list(list: usize) -> Place {
        if list == TODO {
            Place::Todo
        } else {
            Place::Wheel {
                wheel: (list / WHEELSIZE) as u8,
                bucket: (list % WHEELSIZE) as u8,
            }
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Nowhere => write!(f, "no list"),
            Place::Todo => write!(f, "timeout_todo"),
            Place::Wheel { wheel, bucket } => write!(f, "wheel {wheel} bucket {bucket:#04x}"),
        }
    }
}

/// One end of a link: what a `struct circq *` points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The head of list `l`: bucket `wheel * WHEELSIZE + bucket`, or [`TODO`].
    Head(u16),
    /// The `to_list` of timeout number `i`.
    Timeout(u32),
}

/// `struct circq`: the two links of a circular doubly linked list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircQ {
    pub next: Link,
    pub prev: Link,
}

impl CircQ {
    /// `CIRCQ_INIT(elem)`: a list of one, linked to itself.
    fn init(elem: Link) -> CircQ {
        CircQ {
            next: elem,
            prev: elem,
        }
    }
}

/// `struct timeout` (`sys/timeout.h`), with the kernel's field names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeout {
    /// `to_list`: its links on a bucket or on `timeout_todo`.
    pub to_list: CircQ,
    /// `to_func`: the function softclock calls (a pointer in the kernel, a handler name here).
    pub to_func: Name,
    /// `to_arg`: the argument `to_func` is called with.
    pub to_arg: Value,
    /// `to_time`: the absolute tick it is due at.
    pub to_time: i32,
    /// `to_flags`: `TIMEOUT_ONQUEUE`, `TIMEOUT_INITIALIZED`, `TIMEOUT_TRIGGERED`.
    pub to_flags: i32,
    /// The scenario's name for this `struct timeout` (`t1`, `rt_timer_ch`): the simulator's
    /// equivalent of its address, for the events and the UI.
    pub name: Name,
    /// Simulator only: the list it is on (a bucket or [`TODO`]), None when unlinked.
    list: Option<u16>,
    /// Simulator only: the list it was last inserted into with `CIRCQ_INSERT`; for an entry
    /// that a splice moved onto `timeout_todo`, the bucket it came from.
    home: u16,
}

/// A list head: `timeout_wheel[b]` or `timeout_todo`, and (simulator only) its length.
#[derive(Clone, Copy, Debug)]
struct Head {
    q: CircQ,
    len: usize,
}

/// `timeout_wheel[BUCKETS]`, `timeout_todo`, and the arena of every `struct timeout`.
#[derive(Clone, Debug)]
pub struct Wheel {
    /// The buckets `0..BUCKETS`, then `timeout_todo` at [`TODO`].
    heads: Vec<Head>,
    /// Every `struct timeout`, by number.
    timeouts: Vec<Timeout>,
}

impl Default for Wheel {
    fn default() -> Self {
        Wheel {
            heads: (0..LISTS)
                .map(|l| Head {
                    q: CircQ::init(Link::Head(l as u16)),
                    len: 0,
                })
                .collect(),
            timeouts: Vec::new(),
        }
    }
}

impl Wheel {
    /// Adds a new `struct timeout`, all zeroes and on no list; returns its number.
    pub fn add(&mut self, name: Name) -> usize {
        let i = self.timeouts.len();
        self.timeouts.push(Timeout {
            to_list: CircQ::init(Link::Timeout(i as u32)),
            to_func: Name::default(),
            to_arg: Value::Null,
            to_time: 0,
            to_flags: 0,
            name,
            list: None,
            home: 0,
        });
        i
    }

    /// How many timeouts exist.
    pub fn count(&self) -> usize {
        self.timeouts.len()
    }

    pub fn get(&self, i: usize) -> &Timeout {
        &self.timeouts[i]
    }

    pub fn get_mut(&mut self, i: usize) -> &mut Timeout {
        &mut self.timeouts[i]
    }

    /// The `struct circq` a link points at.
    fn circq(&mut self, at: Link) -> &mut CircQ {
        match at {
            Link::Head(l) => &mut self.heads[l as usize].q,
            Link::Timeout(i) => &mut self.timeouts[i as usize].to_list,
        }
    }

    /// The list timeout `i` is on right now, if any.
    pub fn list_of(&self, i: usize) -> Option<usize> {
        self.timeouts[i].list.map(usize::from)
    }

    /// The list timeout `i` was last inserted into on its own (for a spliced entry: its bucket).
    pub fn home_of(&self, i: usize) -> Option<usize> {
        let t = &self.timeouts[i];
        t.list.map(|_| usize::from(t.home))
    }

    pub fn is_linked(&self, i: usize) -> bool {
        self.timeouts[i].list.is_some()
    }

    /// `CIRCQ_INSERT(&to->to_list, list)`: append timeout `i` at the tail of `list`.
    pub fn insert_tail(&mut self, list: usize, i: usize) {
        debug_assert!(!self.is_linked(i), "timeout {i} inserted twice");
        let head = Link::Head(list as u16);
        let elem = Link::Timeout(i as u32);
        let last = self.heads[list].q.prev;
        self.timeouts[i].to_list = CircQ {
            next: head,
            prev: last,
        };
        self.circq(last).next = elem;
        self.heads[list].q.prev = elem;
        let t = &mut self.timeouts[i];
        t.list = Some(list as u16);
        t.home = list as u16;
        self.heads[list].len += 1;
    }

    /// `CIRCQ_REMOVE(&to->to_list)`: unlink timeout `i` from whatever list it is on, and say
    /// which list that was (None: it was on none).
    pub fn remove(&mut self, i: usize) -> Option<usize> {
        let list = self.list_of(i)?;
        let CircQ { next, prev } = self.timeouts[i].to_list;
        self.circq(prev).next = next;
        self.circq(next).prev = prev;
        let t = &mut self.timeouts[i];
        t.to_list = CircQ::init(Link::Timeout(i as u32));
        t.list = None;
        self.heads[list].len -= 1;
        Some(list)
    }

    /// `CIRCQ_APPEND(&timeout_todo, bucket)`: moves every entry of `bucket`, in order, to the
    /// tail of `timeout_todo` and empties the bucket. Returns how many entries moved.
    pub fn splice_onto_todo(&mut self, bucket: usize) -> usize {
        let count = self.heads[bucket].len;
        if count == 0 {
            return 0;
        }
        for i in self.entries(bucket).collect::<Vec<_>>() {
            self.timeouts[i].list = Some(TODO as u16);
        }
        let CircQ {
            next: first,
            prev: last,
        } = self.heads[bucket].q;
        let todo_last = self.heads[TODO].q.prev;
        self.circq(todo_last).next = first;
        self.circq(first).prev = todo_last;
        self.circq(last).next = Link::Head(TODO as u16);
        self.heads[TODO].q.prev = last;
        self.heads[bucket].q = CircQ::init(Link::Head(bucket as u16));
        self.heads[TODO].len += count;
        self.heads[bucket].len = 0;
        count
    }

    /// `CIRCQ_FIRST(list)` as a timeout number, or None if the list is empty.
    pub fn first(&self, list: usize) -> Option<usize> {
        match self.heads[list].q.next {
            Link::Timeout(i) => Some(i as usize),
            Link::Head(_) => None,
        }
    }

    pub fn len(&self, list: usize) -> usize {
        self.heads[list].len
    }

    /// The timeouts on `list`, head to tail.
    pub fn entries(&self, list: usize) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.heads[list].q.next;
        std::iter::from_fn(move || match at {
            Link::Head(_) => None,
            Link::Timeout(i) => {
                at = self.timeouts[i as usize].to_list.next;
                Some(i as usize)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_bounds_are_inclusive() {
        for (delta, level) in [
            (1, 0),
            (255, 0),
            (256, 0),
            (257, 1),
            (65_536, 1),
            (65_537, 2),
            (1 << 24, 2),
            ((1 << 24) + 1, 3),
            (i32::MAX, 3),
        ] {
            assert_eq!(level_for(delta), level, "delta {delta}");
        }
    }

    /// (ticks, delta, wheel, bucket within the wheel)
    const PLACEMENT: &[(i32, i32, usize, usize)] = &[
        (0, 1, 0, 0x01),
        (0, 256, 0, 0x00),
        (0, 257, 1, 0x01),
        (0, 65_536, 1, 0x00),
        (0, 65_537, 2, 0x01),
        (0, 1 << 24, 2, 0x00),
        (0, (1 << 24) + 1, 3, 0x01),
        (0x1fe, 2, 0, 0x00),
        (0x1ff, 299, 1, 0x03),
        (0x300, 42, 0, 0x2a),
        (0x12_3456, 1, 0, 0x57),
        (0x12_3456, 256, 0, 0x56),
        (0x12_3456, 257, 1, 0x35),
        (0x12_3456, 65_536, 1, 0x34),
        (0x12_3456, 65_537, 2, 0x13),
        (0x12_3456, 1 << 24, 2, 0x12),
        (0x12_3456, (1 << 24) + 1, 3, 0x01),
        // Near the wrap: to_time = ticks + delta wraps negative; the slot is the bit pattern.
        (i32::MAX, 1, 0, 0x00),       // to_time 0x80000000
        (i32::MAX, 256, 0, 0xff),     // 0x800000ff
        (i32::MAX, 257, 1, 0x01),     // 0x80000100
        (i32::MAX, 65_536, 1, 0xff),  // 0x8000ffff
        (i32::MAX, 65_537, 2, 0x01),  // 0x80010000
        (i32::MAX, 1 << 24, 2, 0xff), // 0x80ffffff
        (i32::MAX, (1 << 24) + 1, 3, 0x81),
        (i32::MAX - 10, 1 << 24, 2, 0xff),  // 0x80fffff5
        (-1, 1, 0, 0x00),                   // 0xffffffff -> 0
        (-1, (1 << 24) + 1, 3, 0x01),       // 0x01000000
        (i32::MIN, 256, 0, 0x00),           // 0x80000100
        (i32::MIN, 2_000_000_000, 3, 0xf7), // 0xf7359400
    ];

    #[test]
    fn bucket_from_relative_level_and_absolute_bits() {
        for &(ticks, delta, wheel, bucket) in PLACEMENT {
            let to_time = ticks.wrapping_add(delta);
            assert_eq!(
                bucket_for(to_time, delta),
                wheel * WHEELSIZE + bucket,
                "ticks {ticks:#x} delta {delta}"
            );
        }
    }

    #[test]
    fn positions_follow_ticks() {
        assert_eq!(wheel_position(0x0302_0100, 0), 0x00);
        assert_eq!(wheel_position(0x0302_0100, 1), 0x01);
        assert_eq!(wheel_position(0x0302_0100, 2), 0x02);
        assert_eq!(wheel_position(0x0302_0100, 3), 0x03);
        assert_eq!(wheel_position(-1, 3), 0xff);
    }

    fn on(w: &Wheel, list: usize) -> Vec<usize> {
        w.entries(list).collect()
    }

    fn wheel_of(n: usize) -> Wheel {
        let mut w = Wheel::default();
        for i in 0..n {
            w.add(Name::from(format!("t{i}")));
        }
        w
    }

    #[test]
    fn splice_keeps_order_and_tracks_membership() {
        let mut l = wheel_of(5);
        l.insert_tail(TODO, 0);
        l.insert_tail(7, 1);
        l.insert_tail(7, 2);
        l.insert_tail(300, 3);
        assert_eq!(l.splice_onto_todo(7), 2);
        assert_eq!(l.splice_onto_todo(8), 0);
        assert_eq!(on(&l, TODO), vec![0, 1, 2]);
        assert_eq!(on(&l, 7), Vec::<usize>::new());
        assert_eq!((l.len(TODO), l.len(7)), (3, 0));
        assert_eq!(l.list_of(1), Some(TODO));
        assert_eq!(l.home_of(1), Some(7));
        assert_eq!(l.list_of(3), Some(300));
        // Re-inserting into the spliced bucket starts a fresh membership.
        l.remove(1);
        l.insert_tail(7, 1);
        assert_eq!(l.list_of(1), Some(7));
        assert_eq!(l.list_of(2), Some(TODO));
        l.remove(2);
        assert_eq!((l.len(TODO), l.len(7)), (1, 1));
        assert_eq!(on(&l, TODO), vec![0]);
        assert_eq!(l.first(TODO), Some(0));
        l.remove(0);
        assert_eq!(l.first(TODO), None);
        assert!(!l.is_linked(0));
        // Splicing onto a non-empty todo appends after what is there.
        l.insert_tail(TODO, 4);
        l.splice_onto_todo(300);
        l.splice_onto_todo(7);
        assert_eq!(on(&l, TODO), vec![4, 3, 1]);
        assert_eq!(l.len(TODO), 3);
    }

    /// The links stay a proper circular list both ways, as `CIRCQ_REMOVE` relies on.
    #[test]
    fn links_go_round_both_ways() {
        let mut l = wheel_of(3);
        for i in 0..3 {
            l.insert_tail(5, i);
        }
        l.splice_onto_todo(5);
        l.remove(1);
        let head = Link::Head(TODO as u16);
        let (t0, t2) = (Link::Timeout(0), Link::Timeout(2));
        assert_eq!(l.heads[TODO].q, CircQ { next: t0, prev: t2 });
        assert_eq!(
            l.get(0).to_list,
            CircQ {
                next: t2,
                prev: head
            }
        );
        assert_eq!(
            l.get(2).to_list,
            CircQ {
                next: head,
                prev: t0
            }
        );
        assert_eq!(l.heads[5].q, CircQ::init(Link::Head(5)));
        // Unlinking and linking never touch the other fields of the struct.
        l.get_mut(1).to_time = -8;
        l.get_mut(1).to_flags = 0x0e;
        l.insert_tail(BUCKETS - 1, 1);
        assert_eq!((l.get(1).to_time, l.get(1).to_flags), (-8, 0x0e));
        assert_eq!(l.list_of(1), Some(BUCKETS - 1));
    }
}
