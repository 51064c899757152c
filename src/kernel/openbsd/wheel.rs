//! The wheel itself: 4 x 256 buckets plus `timeout_todo`, each a circular doubly linked list.
//!
//! `kern_timeout.c` links every `struct timeout` into a `struct circq` (a `next`/`prev` pair)
//! whose sentinel is the bucket or `timeout_todo` itself. [`Lists`] keeps the same shape over an
//! arena of indices: nodes `0..BUCKETS` are the bucket sentinels, node [`TODO`] is the sentinel of
//! `timeout_todo`, and timeout number `i` is node `SENTINELS + i`. Insert, remove and splicing a
//! whole bucket onto the todo tail (`CIRCQ_APPEND`) are O(1) pointer moves, as in the kernel.
//!
//! The kernel never needs to know which list an entry is on (`CIRCQ_REMOVE` only touches the
//! neighbours), but the simulator does: to keep per-list lengths exact and to show the student
//! where each timeout lives. Relabelling every entry of a spliced bucket would cost O(entries),
//! so each bucket carries a splice generation instead: an entry remembers the list it was
//! individually inserted into (its *home*) and the home's generation at that moment. If the home
//! bucket has been spliced since, the entry is on `timeout_todo` (the only list a bucket is ever
//! spliced onto, and it is drained before anything else can happen to the entry).
//!
//! A timeout's node is also the *hot half* of its `struct timeout`: besides the links it holds
//! `to_time`, `to_flags` and the number of its function (see [`Lists`]), as the kernel's
//! `struct timeout` keeps `to_list`, `to_time` and `to_flags` side by side. The cold half (the
//! name, `to_arg`, the text the events print) lives in `super::Timeouts` and is read only to
//! record an event or to hand a built-in action its argument.

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
/// The list index of `timeout_todo`, right after the buckets.
pub const TODO: usize = BUCKETS;
/// Number of list sentinels (buckets and todo); timeout nodes come after them.
const SENTINELS: usize = BUCKETS + 1;
/// "Not linked": the node is on no list (as a link).
const NIL: u32 = u32::MAX;
/// "Not linked", as a node's home (a list number is at most [`TODO`] = 1024).
const NO_HOME: u16 = u16::MAX;

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

/// The circular lists over one arena of nodes (see the module doc).
///
/// A timeout's node is the hot half of its `struct timeout`: its links, home and stamp, and its
/// `to_time`, `to_flags` and function number, packed into 24 bytes. With a million timeouts
/// every step of a softclock pass is a cache miss on an entry scattered over the heap, and so
/// is every `timeout_add` and `timeout_del`; with everything those steps read and write in one
/// node (one cache line, at most two), a re-bucket, a fire, an add or a del costs one miss per
/// timeout instead of one per array it touches (the node, the flags and deadline, the names: three
/// before). In the kernel the links, `to_time` and `to_flags` share one `struct timeout` for the
/// same reason. The fields only an event or a built-in action reads stay out of the node.
#[derive(Clone, Debug)]
pub struct Lists {
    /// Sentinels `0..SENTINELS`, then one node per timeout.
    nodes: Vec<Node>,
    /// Per list (indexed by sentinel): entries on it, and how often it has been spliced.
    heads: Vec<Head>,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    next: u32,
    prev: u32,
    /// For a timeout's node: its `to_time`.
    time: i32,
    /// The home's generation at the insertion into it.
    ///
    /// 32 bits are enough although a bucket's generation wraps (wheel 0's buckets are spliced
    /// every 256 ticks): [`Lists::list_of`] only asks whether the two differ, and while an entry
    /// is linked they differ by at most one. A bucket is spliced only by hardclock, and its
    /// entries then sit on `timeout_todo`, which the softclock of the same tick drains before
    /// the next hardclock can splice that bucket again (or a panic stops the machine, and
    /// nothing is spliced after that). Even a driver that splices without draining would need
    /// 2^32 splices of one bucket to make a stale stamp look fresh.
    stamp: u32,
    /// For a timeout's node: the number of its function (the caller's table, `timeout_set`).
    func: u32,
    /// For a timeout's node: the list it was last inserted into on its own, or NO_HOME.
    home: u16,
    /// For a timeout's node: its `to_flags` (the TIMEOUT_* bits all fit in a byte).
    flags: u8,
}

// The layout the doc above argues for: 24 bytes, so a node straddles at most two cache lines.
const _: () = assert!(std::mem::size_of::<Node>() == 24);

#[derive(Clone, Copy, Debug, Default)]
struct Head {
    len: usize,
    generation: u32,
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            nodes: (0..SENTINELS as u32)
                .map(|n| Node {
                    next: n,
                    prev: n,
                    ..Node::UNLINKED
                })
                .collect(),
            heads: vec![Head::default(); SENTINELS],
        }
    }
}

impl Node {
    /// A timeout that was never `timeout_set`: all zeroes, on no list.
    const UNLINKED: Node = Node {
        next: NIL,
        prev: NIL,
        time: 0,
        stamp: 0,
        func: 0,
        home: NO_HOME,
        flags: 0,
    };
}

impl Lists {
    /// Adds timeout number `i` (unlinked). Timeouts are numbered 0, 1, 2, ...
    pub fn add_timeout(&mut self) -> usize {
        let i = self.nodes.len() - SENTINELS;
        self.nodes.push(Node::UNLINKED);
        i
    }

    /// Timeout `i`'s `to_time`, as last set with [`Lists::set_time`].
    pub fn time(&self, i: usize) -> i32 {
        self.node(i).time
    }

    pub fn set_time(&mut self, i: usize, to_time: i32) {
        self.node_mut(i).time = to_time;
    }

    /// Timeout `i`'s `to_flags`.
    pub fn flags(&self, i: usize) -> i32 {
        self.node(i).flags as i32
    }

    pub fn set_flags(&mut self, i: usize, to_flags: i32) {
        debug_assert!(to_flags as u8 as i32 == to_flags, "to_flags {to_flags:#x}");
        self.node_mut(i).flags = to_flags as u8;
    }

    /// Timeout `i`'s function, as the number given to [`Lists::set_func`].
    pub fn func(&self, i: usize) -> u32 {
        self.node(i).func
    }

    pub fn set_func(&mut self, i: usize, func: u32) {
        self.node_mut(i).func = func;
    }

    fn node(&self, i: usize) -> &Node {
        &self.nodes[SENTINELS + i]
    }

    fn node_mut(&mut self, i: usize) -> &mut Node {
        &mut self.nodes[SENTINELS + i]
    }

    /// The list timeout `i` is on right now, if any.
    #[inline]
    pub fn list_of(&self, i: usize) -> Option<usize> {
        let n = self.node(i);
        let home = n.home as usize;
        if n.home == NO_HOME {
            None
        } else if home != TODO && self.heads[home].generation != n.stamp {
            Some(TODO)
        } else {
            Some(home)
        }
    }

    /// The list timeout `i` was last inserted into on its own (for a spliced entry: its bucket).
    pub fn home_of(&self, i: usize) -> Option<usize> {
        let home = self.node(i).home;
        (home != NO_HOME).then_some(home as usize)
    }

    pub fn is_linked(&self, i: usize) -> bool {
        self.node(i).home != NO_HOME
    }

    /// `CIRCQ_INSERT(elem, list)`: append timeout `i` at the tail of `list`.
    #[inline]
    pub fn insert_tail(&mut self, list: usize, i: usize) {
        debug_assert!(!self.is_linked(i), "timeout {i} inserted twice");
        let node = (SENTINELS + i) as u32;
        let last = self.nodes[list].prev;
        let generation = self.heads[list].generation;
        let n = self.node_mut(i);
        *n = Node {
            next: list as u32,
            prev: last,
            home: list as u16,
            stamp: generation,
            ..*n
        };
        self.nodes[last as usize].next = node;
        self.nodes[list].prev = node;
        self.heads[list].len += 1;
    }

    /// `CIRCQ_REMOVE(elem)`: unlink timeout `i` from whatever list it is on, and say which list
    /// that was (None: it was on none).
    #[inline]
    pub fn remove(&mut self, i: usize) -> Option<usize> {
        let list = self.list_of(i)?;
        let Node { prev, next, .. } = *self.node(i);
        self.nodes[prev as usize].next = next;
        self.nodes[next as usize].prev = prev;
        let n = self.node_mut(i);
        n.next = NIL;
        n.prev = NIL;
        n.home = NO_HOME;
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
        let (first, last) = (self.nodes[bucket].next, self.nodes[bucket].prev);
        let todo_last = self.nodes[TODO].prev;
        self.nodes[todo_last as usize].next = first;
        self.nodes[first as usize].prev = todo_last;
        self.nodes[last as usize].next = TODO as u32;
        self.nodes[TODO].prev = last;
        self.nodes[bucket].next = bucket as u32;
        self.nodes[bucket].prev = bucket as u32;
        self.heads[TODO].len += count;
        let b = &mut self.heads[bucket];
        b.len = 0;
        // Wrapping is harmless: see `Node::stamp`.
        b.generation = b.generation.wrapping_add(1);
        count
    }

    /// `CIRCQ_FIRST(list)` as a timeout number, or None if the list is empty.
    pub fn first(&self, list: usize) -> Option<usize> {
        let node = self.nodes[list].next as usize;
        (node != list).then(|| node - SENTINELS)
    }

    pub fn len(&self, list: usize) -> usize {
        self.heads[list].len
    }

    /// The timeouts on `list`, head to tail.
    pub fn iter(&self, list: usize) -> impl Iterator<Item = usize> + '_ {
        let mut node = self.nodes[list].next as usize;
        std::iter::from_fn(move || {
            if node == list {
                None
            } else {
                let i = node - SENTINELS;
                node = self.nodes[node].next as usize;
                Some(i)
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

    fn names(l: &Lists, list: usize) -> Vec<usize> {
        l.iter(list).collect()
    }

    #[test]
    fn splice_keeps_order_and_tracks_membership() {
        let mut l = Lists::default();
        for _ in 0..5 {
            l.add_timeout();
        }
        l.insert_tail(TODO, 0);
        l.insert_tail(7, 1);
        l.insert_tail(7, 2);
        l.insert_tail(300, 3);
        assert_eq!(l.splice_onto_todo(7), 2);
        assert_eq!(l.splice_onto_todo(8), 0);
        assert_eq!(names(&l, TODO), vec![0, 1, 2]);
        assert_eq!(names(&l, 7), Vec::<usize>::new());
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
        assert_eq!(names(&l, TODO), vec![0]);
        assert_eq!(l.first(TODO), Some(0));
        l.remove(0);
        assert_eq!(l.first(TODO), None);
        assert!(!l.is_linked(0));
        // Splicing onto a non-empty todo appends after what is there.
        l.insert_tail(TODO, 4);
        l.splice_onto_todo(300);
        l.splice_onto_todo(7);
        assert_eq!(names(&l, TODO), vec![4, 3, 1]);
        assert_eq!(l.len(TODO), 3);
    }

    /// The hot half of a `struct timeout` rides in its node: linking, unlinking and splicing
    /// move the node but never touch `to_time`, `to_flags` or the function.
    #[test]
    fn moving_a_node_keeps_its_timeout_fields() {
        let mut l = Lists::default();
        for i in 0..3 {
            l.add_timeout();
            l.set_time(i, -7 - i as i32);
            l.set_flags(i, 0x0e);
            l.set_func(i, 1000 + i as u32);
        }
        assert_eq!((l.time(1), l.flags(1), l.func(1)), (-8, 0x0e, 1001));
        l.insert_tail(5, 0);
        l.insert_tail(5, 1);
        l.insert_tail(TODO, 2);
        l.splice_onto_todo(5);
        l.remove(1);
        l.insert_tail(BUCKETS - 1, 1);
        l.remove(2);
        l.set_flags(2, 0x04);
        for (i, flags) in [(0, 0x0e), (1, 0x0e), (2, 0x04)] {
            assert_eq!(
                (l.time(i), l.flags(i), l.func(i)),
                (-7 - i as i32, flags, 1000 + i as u32)
            );
        }
        assert_eq!(l.list_of(1), Some(BUCKETS - 1));
        assert_eq!(l.list_of(0), Some(TODO));
        assert_eq!(l.list_of(2), None);
    }

    /// A bucket's 32-bit splice generation wraps; membership only compares for equality.
    #[test]
    fn a_wrapping_generation_still_tells_spliced_entries() {
        let mut l = Lists::default();
        l.add_timeout();
        l.heads[7].generation = u32::MAX;
        l.insert_tail(7, 0);
        assert_eq!(l.list_of(0), Some(7));
        l.splice_onto_todo(7);
        assert_eq!(l.heads[7].generation, 0);
        assert_eq!(l.list_of(0), Some(TODO));
        l.remove(0);
        l.insert_tail(7, 0);
        assert_eq!(l.list_of(0), Some(7));
        assert_eq!((l.len(7), l.len(TODO)), (1, 0));
    }
}
