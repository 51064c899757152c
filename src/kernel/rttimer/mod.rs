//! NetBSD `rt_timer(9)`: per-route callouts kept on FIFO queues of equal timeout, as in
//! `sys/net/route.c` of NetBSD 1.6-3.x (reference §3, versions A and B).
//!
//! The man page's idea (Kevin Lahey, NASA Ames, 1998): one queue per timeout period. Every
//! timer on a queue has the same `rtq_timeout`, and timers are appended with a non-decreasing
//! `rtt_time`, so a queue is sorted by expiry for free and the scanner only ever looks at
//! heads. Adding, removing and expiring are all O(1); the price is a 1-second granularity.
//!
//! * `rt_timer_queue_create` puts the new queue at the HEAD of the global list; the very first
//!   call arms the scanner `rt_timer_ch`, a timeout on the OpenBSD wheel that calls
//!   `rt_timer_timer` every `hz` ticks.
//! * `rt_timer_add(rt, fn, q)` first drops the route's timer with the same `fn` (on any queue),
//!   then appends a timer stamped `rtt_time = time_uptime`.
//! * The scan visits queues newest first and pops heads while `rtt_time + rtq_timeout <
//!   time_uptime` (strict), running the action: `fn(rt, rtt)`, or for `fn == NULL`
//!   `rtrequest(RTM_DELETE)` of the route's key. A timer added in uptime second S therefore
//!   goes at the first scan of second S + T + 1 ([`queue::expiry_second`]): a real lifetime
//!   strictly between T and T + 2 seconds.
//!
//! Files: [`queue`] (the queues, the timers and the scan), [`view`] (read-only views for the
//! UI), [`events`]. The two users of rt_timer, path-MTU discovery and ICMP redirects, are
//! `netinet/ip_icmp.c` code that works on the route table too: `kernel::calls::icmp`.
//!
//! [`RtTimers`] is plain data: its methods take the time (`now`, the value of `ticks`, and the
//! uptime second where it matters) and the [`Trace`] they record into, and know nothing of
//! routes but their numbers and names. What the facility asks of the rest of the kernel is a
//! value: [`RtTimers::rt_timer_init`] says when the scanner must be armed on the OpenBSD wheel,
//! the scan ([`RtTimers::scan_next`]) and a destroying `rt_timer_queue_destroy`
//! ([`RtTimers::destroy_next`]) hand out the timers whose actions are to run. The syscall glue
//! (`kernel::calls::rttimer`) and the machine (`kernel::machine`) carry those out: arming
//! `rt_timer_ch`, calling the action, deleting the route.
//!
//! Choices where the kernel is undefined or silent:
//! * A destroyed queue stays in the arena, marked; any later use (add, change, count, destroy)
//!   is a use after free in C and a simulated panic here. Destroying `ip_mtudisc_timeout_q`
//!   from a scenario and then receiving an ICMP message panics the same way.
//! * The kernel's queues are created on first use (the first `icmp_mtudisc` or `icmp_redirect`,
//!   or a sysctl write that must change them) rather than at boot, so that scenarios which
//!   never touch them do not get a scanner on the wheel. The scanner is then armed on the phase
//!   the kernel's boot-time `rt_timer_init` gave it: scans on hz, 2hz, ... hardclocks from boot
//!   ([`queue::scan_phase_delay`]).
//! * A `NULL` action is shown in traces as `func "NULL"`; the core records the fire, then this
//!   module deletes the route.
//! * `rt_timer_queue_create` takes a `u_int`: a negative timeout is a scenario error.
//!   `rt_timer_queue_change` takes a `long` and accepts anything ("Any value, including 0, is
//!   valid"); a negative timeout expires every entry at the next scan.
//! * A route keeps its timers when it is deleted (`rtrequest1(RTM_DELETE)` does not touch them)
//!   and while it waits in rttrash; their actions then run on the deleted route. They are
//!   dropped when it is finally freed (A's `rtfree` calls `rt_timer_remove_all(rt, 0)`), so no
//!   timer ever points at freed memory. rt_timer(9) says `rt_timer_remove_all` is "used when a
//!   route is deleted": the code means freed.
//! * A NULL action deletes by key alone (`rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)`), so it
//!   removes the head of the key's dupedkey chain, whichever route that is, and nothing when
//!   the head is an end marker (a NULL timer on the default route).
//! * Kernel-internal `rtrequest()` calls (the PMTU clone, timer actions, queue destroy) send no
//!   routing-socket message; `rtredirect` sends RTM_REDIRECT.

pub mod events;
pub mod queue;
pub mod view;

use std::collections::{BTreeMap, BTreeSet};

pub use events::{PmtuIgnored, RemoveWhy, RtTimerEvent};
pub use queue::{expiry_second, Scan};
pub use view::{QueueView, ScanClock, TimerView};

use super::{Trace, Value};

/// The scanner's `struct timeout` on the OpenBSD wheel.
pub const RT_TIMER_CH: &str = "rt_timer_ch";
/// The scanner's handler, as traces show it.
pub const RT_TIMER_TIMER: &str = "rt_timer_timer";
/// How traces name the action of a timer added with `fn == NULL`.
pub const NULL_FUNC: &str = "NULL";
/// `IPMTUDISCTIMEOUT`: 10 minutes, "as per RFC 1191".
pub const IPMTUDISCTIMEOUT: i64 = 600;
/// Default of `net.inet.icmp.redirtimeout`.
pub const ICMP_REDIRTIMEOUT: i64 = 600;
/// Most rt_timer queues one boot may create (destroyed ones count: their records stay, so a
/// step back can show them). NetBSD creates two (PMTU discovery and redirects) and a protocol
/// or two more; the cap is the simulator's, not the kernel's: every scan walks every live
/// queue, so a scenario that created a queue per tick made each scan, and its event, grow
/// without end (13 s and 1.5 GB for a 127-byte scenario before the cap).
pub const MAX_RTTIMER_QUEUES: usize = 1024;

/// One `struct rttimer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtTimer {
    pub id: u32,
    /// `rtt_rt`.
    pub rt: u32,
    /// The route's destination, `rt_key` with `rt_mask` ("10.9.8.7/32"), which never changes:
    /// how traces and the UI name the route.
    pub rt_cidr: String,
    /// `rtt_func`; None for NULL (delete the route).
    pub func: Option<String>,
    /// `rtt_queue`.
    pub queue: u32,
    /// `rtt_time`: `time_uptime` when it was added.
    pub rtt_time: i64,
}

impl RtTimer {
    /// The function as traces print it.
    pub fn func_name(&self) -> &str {
        self.func.as_deref().unwrap_or(NULL_FUNC)
    }

    /// "rt#3 10.9.8.7/32", the route as narration names it.
    pub fn route_name(&self) -> String {
        format!("rt#{} {}", self.rt, self.rt_cidr)
    }
}

/// One `struct rttimer_queue`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtTimerQueue {
    pub id: u32,
    /// `rtq_timeout`, seconds.
    pub rtq_timeout: i64,
    /// `rtq_head`: timer ids, head first. Its length is `rtq_count`.
    pub rtq_head: Vec<u32>,
    /// The kernel variable that points at it, for the kernel's own queues.
    pub kernel_name: Option<&'static str>,
    /// The tick `rt_timer_queue_destroy` ran at; the memory is gone after that.
    pub destroyed: Option<i32>,
}

impl RtTimerQueue {
    /// `rt_timer_count(q)`.
    pub fn rtq_count(&self) -> usize {
        self.rtq_head.len()
    }
}

/// All rt_timer state.
#[derive(Clone, Debug)]
pub struct RtTimers {
    /// Every queue ever created, by id (destroyed ones kept, marked).
    pub queues: Vec<RtTimerQueue>,
    /// `rttimer_queue_head`: live queue ids, head (newest) first: the scan order.
    pub order: Vec<u32>,
    /// Live timers by id; ids are never reused.
    pub timers: BTreeMap<u32, RtTimer>,
    /// Each route's `rt_timer` LIST (NetBSD keeps its head in `struct rtentry`): timer ids,
    /// most recently added first, by route number. A route with no timers has no entry.
    pub rt_timer: BTreeMap<u32, Vec<u32>>,
    next_timer: u32,
    /// `rt_timer_init` has run: the scanner is armed.
    pub initialized: bool,
    /// `ip_mtudisc_timeout` (net.inet.ip.mtudisctimeout), seconds.
    pub ip_mtudisc_timeout: i64,
    pub ip_mtudisc_timeout_q: Option<u32>,
    /// `icmp_redirtimeout` (net.inet.icmp.redirtimeout), seconds; 0 = redirects never expire.
    pub icmp_redirtimeout: i64,
    pub icmp_redirect_timeout_q: Option<u32>,
    /// Routes whose RTV_MTU metric is locked (`rmx_locks & RTV_MTU`).
    pub mtu_locked: BTreeSet<u32>,
}

impl Default for RtTimers {
    fn default() -> Self {
        RtTimers {
            queues: Vec::new(),
            order: Vec::new(),
            timers: BTreeMap::new(),
            rt_timer: BTreeMap::new(),
            next_timer: 0,
            initialized: false,
            ip_mtudisc_timeout: IPMTUDISCTIMEOUT,
            ip_mtudisc_timeout_q: None,
            icmp_redirtimeout: ICMP_REDIRTIMEOUT,
            icmp_redirect_timeout_q: None,
            mtu_locked: BTreeSet::new(),
        }
    }
}

impl RtTimers {
    pub fn queue(&self, q: u32) -> Option<&RtTimerQueue> {
        self.queues.get(q as usize)
    }

    /// A queue that exists and has not been destroyed.
    pub fn live_queue(&self, q: u32) -> Option<&RtTimerQueue> {
        self.queue(q).filter(|q| q.destroyed.is_none())
    }

    /// "q#0", or "q#0 (ip_mtudisc_timeout_q)" for the kernel's own queues.
    pub fn queue_name(&self, q: u32) -> String {
        match self.queue(q).and_then(|q| q.kernel_name) {
            Some(n) => format!("q#{q} ({n})"),
            None => format!("q#{q}"),
        }
    }
}

impl RtTimers {
    /// `ip_mtudisc_timeout`, `icmp_redirtimeout`, and the two queue pointers (read-only).
    pub fn read_var(&self, name: &str) -> Option<Value> {
        let q = |q: Option<u32>| q.map_or(Value::Null, Value::Queue);
        match name {
            "ip_mtudisc_timeout" => Some(Value::Int(self.ip_mtudisc_timeout)),
            "icmp_redirtimeout" => Some(Value::Int(self.icmp_redirtimeout)),
            "ip_mtudisc_timeout_q" => Some(q(self.ip_mtudisc_timeout_q)),
            "icmp_redirect_timeout_q" => Some(q(self.icmp_redirect_timeout_q)),
            _ => None,
        }
    }
}

/// Records an rt_timer event.
fn emit(trace: &mut Trace, now: i32, e: RtTimerEvent) {
    trace.emit(now, super::EventKind::RtTimer(e));
}
