//! The scheme lab: one workload of timers through every design of Varghese & Lauck's paper, with
//! the work each design does counted step by step.
//!
//! George Varghese and Tony Lauck, "Hashed and Hierarchical Timing Wheels: Data Structures for
//! the Efficient Implementation of a Timer Facility", 11th ACM Symposium on Operating Systems
//! Principles (SOSP '87), pp. 25-38, 1987, compare seven ways to keep timers. A timer facility
//! has three routines: START_TIMER (arm a timer `interval` ticks from now), STOP_TIMER (disarm
//! it) and PER_TICK_BOOKKEEPING (run every clock tick: find what expires). The schemes trade
//! their costs against each other:
//!
//! | # | scheme | start | stop | per tick |
//! |---|---|---|---|---|
//! | 1 | unordered list, every timer decremented each tick ([`unordered`]) | O(1) | O(1) | O(n) |
//! | 2 | list ordered by deadline ([`ordered`]; 4.4BSD's delta list `calltodo` is its variant, [`delta`]) | O(n) | O(1) | O(1) |
//! | 3 | tree-based: a binary heap ([`heap`]) | O(log n) | O(log n) | O(1) |
//! | 4 | simple timing wheel, one slot per tick up to MaxInterval ([`simple_wheel`]) | O(1) | O(1) | O(1) |
//! | 5 | hashed wheel, sorted buckets ([`hashed_sorted`]) | O(n) worst, O(1) avg | O(1) | O(1) |
//! | 6 | hashed wheel, unsorted buckets: FreeBSD's callwheel ([`callwheel`]) | O(1) | O(1) | O(n) worst, O(1) avg |
//! | 7 | hierarchical wheels: OpenBSD's 4x256 wheel ([`hierarchical`]) | O(m) | O(1) | O(1) avg |
//!
//! (n timers, m levels; scheme 7's start is O(m) in the paper because it picks a level, which
//! OpenBSD defers to softclock.) Linux answered again in 4.8 (2016) with a wheel that never
//! cascades ([`linux`]): levels of 64 buckets, each 8 times coarser, and a timer stays in the
//! bucket it was put in. It pays no cascade, and no scan of later laps, by firing late: up to
//! its level's granularity.
//!
//! Every scheme here is small, deterministic and plain Rust (no web imports, no clock: the tick
//! is passed in). Schemes 6 and 7 are not re-implemented: they drive the simulated kernel's own
//! callwheel and 4x256 wheel through its `callout(9)` and `timeout(9)` calls, and count their
//! work from the events the kernel records. Each scheme counts what it touches in its own words
//! ([`Work`]): list nodes visited or compared, buckets looked at, entries moved from one list to
//! another. The counts of one tick are what the comparison view draws; [`run::Lab`] steps every
//! scheme through the same [`workload::Workload`] together.
//!
//! The exact schemes (1 to 7) fire every timer that is not stopped at exactly its due tick: they
//! differ only in the work. The Linux wheel fires each at or after its due tick.

pub mod callwheel;
pub mod cli;
pub mod delta;
pub mod hashed_sorted;
pub mod heap;
pub mod hierarchical;
pub mod lesson;
pub mod linux;
mod lists;
pub mod ordered;
pub mod report;
pub mod rng;
pub mod run;
pub mod simple_wheel;
pub mod unordered;
pub mod workload;

/// A timer of the workload: 0, 1, 2, ... up to the number of timers.
pub type TimerId = u32;

/// What one call of a scheme cost, in the scheme's own steps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// List nodes visited: compared with a deadline, decremented, or examined and skipped.
    pub visited: u64,
    /// Buckets (wheel slots) looked at.
    pub buckets: u64,
    /// Entries moved: linked into or out of a list, a bucket or a heap slot.
    pub moved: u64,
}

impl Work {
    pub const ZERO: Work = Work {
        visited: 0,
        buckets: 0,
        moved: 0,
    };

    /// Every step counted, whatever its kind: the number the charts draw.
    pub fn total(&self) -> u64 {
        self.visited + self.buckets + self.moved
    }
}

impl std::ops::AddAssign for Work {
    fn add_assign(&mut self, o: Work) {
        self.visited += o.visited;
        self.buckets += o.buckets;
        self.moved += o.moved;
    }
}

impl std::ops::Add for Work {
    type Output = Work;
    fn add(mut self, o: Work) -> Work {
        self += o;
        self
    }
}

/// The designs the lab compares, in the paper's order, then Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemeKind {
    Unordered,
    Ordered,
    Delta,
    Heap,
    SimpleWheel,
    HashedSorted,
    Callwheel,
    Hierarchical,
    Linux,
}

impl SchemeKind {
    pub const ALL: [SchemeKind; 9] = [
        SchemeKind::Unordered,
        SchemeKind::Ordered,
        SchemeKind::Delta,
        SchemeKind::Heap,
        SchemeKind::SimpleWheel,
        SchemeKind::HashedSorted,
        SchemeKind::Callwheel,
        SchemeKind::Hierarchical,
        SchemeKind::Linux,
    ];

    /// The name in the CLI's records and the charts' legends.
    pub fn name(self) -> &'static str {
        match self {
            SchemeKind::Unordered => "unordered",
            SchemeKind::Ordered => "ordered",
            SchemeKind::Delta => "delta",
            SchemeKind::Heap => "heap",
            SchemeKind::SimpleWheel => "simple-wheel",
            SchemeKind::HashedSorted => "hashed-sorted",
            SchemeKind::Callwheel => "callwheel",
            SchemeKind::Hierarchical => "hierarchical",
            SchemeKind::Linux => "linux",
        }
    }

    /// The paper's scheme number (the delta list is a variant of 2; Linux is not in the paper).
    pub fn number(self) -> Option<u8> {
        Some(match self {
            SchemeKind::Unordered => 1,
            SchemeKind::Ordered | SchemeKind::Delta => 2,
            SchemeKind::Heap => 3,
            SchemeKind::SimpleWheel => 4,
            SchemeKind::HashedSorted => 5,
            SchemeKind::Callwheel => 6,
            SchemeKind::Hierarchical => 7,
            SchemeKind::Linux => return None,
        })
    }

    /// A title for people.
    pub fn title(self) -> &'static str {
        match self {
            SchemeKind::Unordered => "1 unordered list",
            SchemeKind::Ordered => "2 ordered list",
            SchemeKind::Delta => "2' 4.4BSD delta list (calltodo)",
            SchemeKind::Heap => "3 binary heap",
            SchemeKind::SimpleWheel => "4 simple timing wheel",
            SchemeKind::HashedSorted => "5 hashed wheel, sorted buckets",
            SchemeKind::Callwheel => "6 hashed wheel, unsorted: FreeBSD callwheel",
            SchemeKind::Hierarchical => "7 hierarchical wheels: OpenBSD 4x256",
            SchemeKind::Linux => "Linux 4.8+ wheel (no cascade)",
        }
    }

    /// What one step of work is, in this scheme: the unit of the text report.
    pub fn unit(self) -> &'static str {
        match self {
            SchemeKind::Unordered => "list nodes (each tick decrements every timer)",
            SchemeKind::Ordered => "list nodes compared, links changed",
            SchemeKind::Delta => "delta-list nodes walked or decremented, links changed",
            SchemeKind::Heap => "heap comparisons and slots moved",
            SchemeKind::SimpleWheel => "slots looked at, entries linked or fired",
            SchemeKind::HashedSorted => "buckets looked at, bucket nodes compared or moved",
            SchemeKind::Callwheel => {
                "buckets looked at, callouts examined (fired or skipped), links changed"
            }
            SchemeKind::Hierarchical => {
                "wheel buckets looked at, timeouts moved (added, re-bucketed, run)"
            }
            SchemeKind::Linux => "level buckets looked at, timers linked or fired",
        }
    }

    /// The paper's (or Linux's) costs of start, stop and per-tick bookkeeping.
    pub fn complexity(self) -> [&'static str; 3] {
        match self {
            SchemeKind::Unordered => ["O(1)", "O(1)", "O(n)"],
            SchemeKind::Ordered => ["O(n)", "O(1)", "O(1)"],
            SchemeKind::Delta => ["O(n)", "O(n) (no handle: search)", "O(1)"],
            SchemeKind::Heap => ["O(log n)", "O(log n)", "O(1)"],
            SchemeKind::SimpleWheel => ["O(1)", "O(1)", "O(1)"],
            SchemeKind::HashedSorted => ["O(n) worst, O(1) avg", "O(1)", "O(1)"],
            SchemeKind::Callwheel => ["O(1)", "O(1)", "O(n) worst, O(1) avg"],
            SchemeKind::Hierarchical => ["O(m)", "O(1)", "O(1) avg (cascades)"],
            SchemeKind::Linux => ["O(1)", "O(1)", "O(1) (never cascades)"],
        }
    }

    /// True for the schemes that fire every timer exactly at its due tick.
    pub fn exact(self) -> bool {
        self != SchemeKind::Linux
    }

    pub fn from_name(s: &str) -> Option<SchemeKind> {
        SchemeKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A timer facility as the paper defines it. `now` is the tick the clock shows: calls made
/// between two ticks see the tick that just ran; [`Scheme::tick`] is called with the new tick.
pub trait Scheme {
    fn kind(&self) -> SchemeKind;

    /// START_TIMER: arm `timer` to expire at tick `due` (> `now`). A timer that is still armed is
    /// re-armed (taken off first, as `callout_reset` and `mod_timer` do); that is part of the cost.
    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work;

    /// STOP_TIMER: disarm `timer` if it is armed (a timer that is not costs nothing, except
    /// where the scheme has to search for it).
    fn stop(&mut self, now: u64, timer: TimerId) -> Work;

    /// PER_TICK_BOOKKEEPING for tick `now` (one more than the last): pushes every timer that
    /// expires in this tick onto `fired`, in the order the scheme finds them.
    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work;

    /// Bytes the scheme's structures take at their largest so far (pointers of 8 bytes): fixed
    /// slots plus the peak number of queued entries times the size of one.
    fn memory(&self) -> u64;
}

/// Stops the lab when the simulated kernel refuses a call the lab makes (it never should: the
/// lab only makes calls that are valid). The message says why, without the derived `Debug` of
/// the kernel's error, which would weigh several kilobytes in the wasm.
#[cold]
fn kernel_refused(call: &str, e: crate::kernel::KernelError) -> ! {
    panic!("the scheme lab's {call} failed: {}", e.message())
}

/// How the schemes of one run are sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizing {
    /// Timers in the workload: the tables that preallocate per timer (4.4BSD's `callout[]`).
    pub timers: u32,
    /// The longest interval any start asks for: the simple wheel's MaxInterval.
    pub max_interval: u64,
}

impl Sizing {
    /// Buckets of the hashed wheels (schemes 5 and 6): as FreeBSD sizes its callwheel, the
    /// power of two at or above the number of timers (`ncallout`), at most the simulator's
    /// `NCALLOUT_MAX`, so that a bucket holds about one timer on average.
    pub fn hash_buckets(&self) -> u32 {
        crate::kernel::freebsd::callwheel::callwheel_size(
            self.timers.clamp(1, crate::kernel::freebsd::NCALLOUT_MAX),
        )
    }
}

/// One instance of every scheme, sized for a workload.
pub fn all_schemes(s: Sizing) -> Vec<Box<dyn Scheme>> {
    SchemeKind::ALL.into_iter().map(|k| make(k, s)).collect()
}

/// One scheme, sized for a workload.
pub fn make(kind: SchemeKind, s: Sizing) -> Box<dyn Scheme> {
    match kind {
        SchemeKind::Unordered => Box::new(unordered::UnorderedList::new(s.timers)),
        SchemeKind::Ordered => Box::new(ordered::OrderedList::new(s.timers)),
        SchemeKind::Delta => Box::new(delta::DeltaList::new(s.timers)),
        SchemeKind::Heap => Box::new(heap::Heap::new(s.timers)),
        SchemeKind::SimpleWheel => {
            Box::new(simple_wheel::SimpleWheel::new(s.timers, s.max_interval))
        }
        SchemeKind::HashedSorted => {
            Box::new(hashed_sorted::HashedSorted::new(s.timers, s.hash_buckets()))
        }
        SchemeKind::Callwheel => Box::new(callwheel::Callwheel::new(s.timers)),
        SchemeKind::Hierarchical => Box::new(hierarchical::Hierarchical::new(s.timers)),
        SchemeKind::Linux => Box::new(linux::LinuxWheel::new(s.timers)),
    }
}
