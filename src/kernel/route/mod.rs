//! FreeBSD 8.x–9.x routing: one BSD radix tree per FIB, refcounted `rtentry`s, `rtalloc(9)`.
//!
//! * [`radix`], [`radix_delete`], [`radix_match`], [`radix_view`]: the radix tree of `radix.c` (Sklower's
//!   PATRICIA variant with dupedkey chains and mask lists), with a recorded lookup walk.
//! * [`rtentry`]: `struct rtentry` and the `RTF_*` values of `route.h`.
//! * [`table`]: FIBs, `route add/delete/change` (`rtrequest1_fib`), rttrash, `netstat -rn`.
//! * [`rtalloc`]: `rtalloc1_fib` and friends, `struct route` caching, RT_LOCK/RT_ADDREF/RTFREE
//!   with their assertions as simulated panics.
//! * [`in_rmx`]: FreeBSD's expiry of learned host routes (`in_clsroute`, `in_rtqtimo`).
//! * [`events`]: what happened, and the routing-socket messages.
//!
//! [`Routes`] is plain data: its operations take a [`Cx`], which carries the time, the
//! [`Trace`] and the two things the table asks of the rest of the kernel in the middle of its
//! work ([`Neighbours`]): NetBSD's `rtfree` drops the route's rt_timers, and FreeBSD's
//! `in_clsroute` arms the `in_rtqtimo` callout. An `Err(KernelError::Panic)` is a kernel panic
//! the caller records. The scenario's calls reach the table through `kernel::calls::route`,
//! which says who the neighbours are.
//!
//! The life of a route, as `rtfree` in `route.c` tells it: an entry is freed only when its
//! reference count reaches zero *and* it is no longer in the table. `route delete` unlinks it
//! and clears RTF_UP at once; if someone still holds a reference (a `struct route` cache, a
//! pointer from `rtalloc1`) it lives on, counted in `rttrash`, until the last `RTFREE`.

pub mod events;
pub mod in_rmx;
pub mod radix;
pub mod radix_delete;
pub mod radix_match;
pub mod radix_view;
pub mod rtalloc;
pub mod rtentry;
pub mod table;

use std::collections::BTreeMap;

pub use events::{RouteEvent, RtMsg, RtmType};
pub use radix::RadixTree;
pub use radix_match::{LookupWalk, Quiet, StepSink, WalkCounts, WalkStep};
pub use rtentry::RtEntry;
pub use table::{mask_of, netstat_row, NetstatRow};

use super::value::Value;
use super::{EventKind, KernelError, Trace};
use rtentry::RT_MAXFIBS;

/// What the route table asks of the rest of the kernel in the middle of its work.
pub trait Neighbours {
    /// How many NetBSD rt_timers hang on route `rt` (a delete reports them).
    fn timers_on(&self, rt: u32) -> usize;
    /// NetBSD's `rtfree` ends with `rt_timer_remove_all(rt, 0)` when the route is really
    /// freed, at tick `now`.
    fn rtfree(&mut self, rt: u32, now: i32, trace: &mut Trace);
    /// `callout_reset(&rtq_timer, ticks, in_rtqtimo, NULL)` on FreeBSD's callwheel, at tick
    /// `now` (`callout_init` on first use).
    fn arm_rtq_timer(&mut self, ticks: i64, now: i32, trace: &mut Trace)
        -> Result<(), KernelError>;
}

/// What a route table operation works with besides the table: the clock, the trace, and the
/// [`Neighbours`].
pub struct Cx<'a> {
    /// `ticks`.
    pub now: i32,
    /// `time_uptime`.
    pub uptime: i64,
    /// Hardclocks since boot (the phase of `in_rtqtimo`).
    pub elapsed: u64,
    pub hz: i32,
    pub trace: &'a mut Trace,
    pub neighbours: &'a mut dyn Neighbours,
}

impl Cx<'_> {
    pub fn emit(&mut self, e: RouteEvent) {
        self.trace.emit(self.now, EventKind::Route(e));
    }

    fn timers_on(&self, rt: u32) -> usize {
        self.neighbours.timers_on(rt)
    }

    fn rtfree(&mut self, rt: u32) {
        self.neighbours.rtfree(rt, self.now, self.trace);
    }

    fn arm_rtq_timer(&mut self, ticks: i64) -> Result<(), KernelError> {
        self.neighbours.arm_rtq_timer(ticks, self.now, self.trace)
    }
}

/// A `struct route`: the cached lookup a protocol keeps per connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteCache {
    pub ro_dst: u32,
    pub rt: Option<u32>,
    /// `ro_flags` (RT_NORTREF = 0x2).
    pub flags: i64,
}

/// All routing state.
#[derive(Clone, Debug)]
pub struct Routes {
    /// `rt_numfibs`, 1..=RT_MAXFIBS; fixed once a route exists.
    pub numfibs: u32,
    /// One radix tree per FIB (`rt_tables`, AF_INET only).
    pub trees: Vec<RadixTree>,
    /// Every `rtentry` ever allocated, by id; freed ones stay (with `freed` set) so that a
    /// later use can be diagnosed, and ids are never reused.
    pub entries: Vec<RtEntry>,
    /// `rttrash`: entries out of the table but not yet freed.
    pub rttrash: i64,
    /// `rtstat.rts_unreach`: lookups that failed.
    pub rts_unreach: i64,
    /// Routing-socket messages sent, in order.
    pub rtm: Vec<RtMsg>,
    /// `struct route` objects by name.
    pub ros: BTreeMap<String, RouteCache>,
    /// A route has been added: `rt_numfibs` can no longer change.
    pub booted: bool,
    /// The route a `&ro` call acted on, for the trace note.
    pub touched: Option<u32>,
    /// `rtq_reallyold` (sysctl `net.inet.ip.rtexpire`), seconds: how long `in_clsroute` gives
    /// an unreferenced learned host route.
    pub rtq_reallyold: i64,
    /// `in_rtqtimo`'s callout is armed (lazily, on its boot phase).
    pub rtq_armed: bool,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            numfibs: 1,
            trees: vec![RadixTree::new()],
            entries: Vec::new(),
            rttrash: 0,
            rts_unreach: 0,
            rtm: Vec::new(),
            ros: BTreeMap::new(),
            booted: false,
            touched: None,
            rtq_reallyold: in_rmx::RTQ_REALLYOLD,
            rtq_armed: false,
        }
    }
}

impl Routes {
    pub fn tree(&self, fib: u32) -> Option<&RadixTree> {
        self.trees.get(fib as usize)
    }

    fn tree_mut(&mut self, fib: u32) -> &mut RadixTree {
        let n = (fib as usize + 1).max(self.trees.len());
        self.trees.resize_with(n, RadixTree::new);
        &mut self.trees[fib as usize]
    }

    pub fn entry(&self, id: u32) -> Option<&RtEntry> {
        self.entries.get(id as usize)
    }
}

impl Routes {
    pub fn read_var(&self, name: &str) -> Option<Value> {
        match name {
            "rt_numfibs" => Some(Value::Int(i64::from(self.numfibs))),
            "rttrash" => Some(Value::Int(self.rttrash)),
            "rts_unreach" => Some(Value::Int(self.rts_unreach)),
            "rtq_reallyold" => Some(Value::Int(self.rtq_reallyold)),
            _ => None,
        }
    }

    /// `rt_numfibs` is the boot tunable `net.fibs`, set only before the first route;
    /// `route_init` clamps it to 1..=16.
    pub fn write_var(
        &mut self,
        name: &str,
        v: &Value,
        now: i32,
        trace: &mut Trace,
    ) -> Result<bool, KernelError> {
        match name {
            "rt_numfibs" => {
                let n = match v {
                    Value::Int(n) => *n,
                    _ => {
                        return Err(KernelError::msg(format!(
                            "rt_numfibs must be an int, got {}",
                            v.type_name()
                        )))
                    }
                };
                if self.booted {
                    return Err(KernelError::msg(
                        "rt_numfibs is the boot-time tunable net.fibs: it cannot change once routes exist",
                    ));
                }
                // route_init(): `if (rt_numfibs > RT_MAXFIBS) rt_numfibs = RT_MAXFIBS; if
                // (rt_numfibs == 0) rt_numfibs = 1;`. The tunable is a u_int, so a negative
                // value is a huge one and is clamped to 16 too. A note, not an error: the
                // kernel boots.
                let got = match u32::try_from(n) {
                    Ok(0) => 1,
                    Ok(v) if v <= RT_MAXFIBS => v,
                    _ => RT_MAXFIBS,
                };
                if i64::from(got) != n {
                    let e = RouteEvent::NumfibsClamped { asked: n, got };
                    trace.emit(now, EventKind::Route(e));
                }
                self.numfibs = got;
                self.trees.resize_with(got as usize, RadixTree::new);
                Ok(true)
            }
            "rtq_reallyold" => match v {
                // sysctl net.inet.ip.rtexpire: a plain int, read when in_clsroute marks a route.
                Value::Int(n) => {
                    self.rtq_reallyold = *n;
                    Ok(true)
                }
                v => Err(KernelError::msg(format!(
                    "rtq_reallyold must be an int (seconds), got {}",
                    v.type_name()
                ))),
            },
            "rttrash" | "rts_unreach" => Err(KernelError::msg(format!(
                "{name} is a kernel counter and cannot be set"
            ))),
            _ => Ok(false),
        }
    }
}
