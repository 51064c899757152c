//! FreeBSD 8.x–9.x routing: one BSD radix tree per FIB, refcounted `rtentry`s, `rtalloc(9)`.
//!
//! * [`radix`], [`radix_delete`], [`radix_match`], [`radix_view`]: the radix tree of `radix.c` (Sklower's
//!   PATRICIA variant with dupedkey chains and mask lists), with a recorded lookup walk.
//! * [`rtentry`]: `struct rtentry` and the `RTF_*` values of `route.h`.
//! * [`table`]: FIBs, `route add/delete/change` (`rtrequest1_fib`), rttrash, `netstat -rn`.
//! * [`rtalloc`]: `rtalloc1_fib` and friends, `struct route` caching, RT_LOCK/RT_ADDREF/RTFREE
//!   with their assertions as simulated panics.
//! * [`calls`]: the scenario API table and its dispatch.
//! * [`events`]: what happened, and the routing-socket messages.
//!
//! The life of a route, as `rtfree` in `route.c` tells it: an entry is freed only when its
//! reference count reaches zero *and* it is no longer in the table. `route delete` unlinks it
//! and clears RTF_UP at once; if someone still holds a reference (a `struct route` cache, a
//! pointer from `rtalloc1`) it lives on, counted in `rttrash`, until the last `RTFREE`.

pub mod calls;
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

use calls::route_value;
pub use calls::{before_call, API};
pub use events::{RouteEvent, RtMsg, RtmType};
pub use radix::RadixTree;
pub use radix_match::{LookupWalk, Quiet, StepSink, WalkCounts, WalkStep};
pub use rtentry::RtEntry;
pub use table::{
    lookup, lookup_quiet, lookup_traced, netstat, netstat_row, rt_add_host_dynamic,
    rt_delete_by_key, rt_lookup_exact, rtm, rttrash_list, NetstatRow,
};

use super::value::{Operand, Value};
use super::{Kernel, KernelError};
use rtentry::RT_MAXFIBS;

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
    touched: Option<u32>,
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

/// After any call: `RTFREE(rt)` and `RTFREE_LOCKED(rt)` end with `rt = NULL`, so the variable
/// (or `ro.ro_rt`) named by the first operand is cleared.
pub fn after_call(k: &mut Kernel, name: &str, args: &[Operand]) {
    if !API.iter().any(|s| s.name == name) {
        k.rt.touched = None;
    }
    if name != "RTFREE" && name != "RTFREE_LOCKED" {
        return;
    }
    match args.first() {
        Some(Operand::Ident(v)) => {
            if let Some(slot) = k.vars.get_mut(v) {
                if matches!(slot, Value::Route(_)) {
                    *slot = Value::Null;
                }
            }
        }
        Some(Operand::Field(ro, f)) if f == "ro_rt" => {
            if let Some(c) = k.rt.ros.get_mut(ro) {
                c.rt = None;
            }
        }
        _ => {}
    }
}

/// Reads `ro.ro_rt`, `ro.ro_dst`, `ro.ro_flags`.
pub fn read_field(k: &Kernel, obj: &str, field: &str) -> Result<Value, KernelError> {
    let Some(c) = k.rt.ros.get(obj) else {
        return Err(KernelError::msg(format!(
            "{obj}.{field}: {obj} is not a struct route (set {obj}.ro_dst first)"
        )));
    };
    match field {
        "ro_rt" => Ok(route_value(c.rt)),
        "ro_dst" => Ok(Value::Addr(c.ro_dst)),
        "ro_flags" => Ok(Value::Int(c.flags)),
        _ => Err(KernelError::msg(format!(
            "{obj}.{field}: struct route has ro_rt, ro_dst and ro_flags"
        ))),
    }
}

/// Writes `ro.ro_dst = a.b.c.d` (creating the `struct route`, zeroed), `ro.ro_rt = NULL`
/// (forgetting a reference, as careless C would), `ro.ro_flags = n`.
pub fn write_field(k: &mut Kernel, obj: &str, field: &str, v: Value) -> Result<(), KernelError> {
    match (field, v) {
        ("ro_dst", Value::Addr(a)) => {
            k.rt.ros.entry(obj.to_string()).or_default().ro_dst = a;
            Ok(())
        }
        ("ro_rt", v @ (Value::Null | Value::Route(_))) => {
            let c = k.rt.ros.entry(obj.to_string()).or_default();
            c.rt = match v {
                Value::Route(id) => Some(id),
                _ => None,
            };
            Ok(())
        }
        ("ro_flags", Value::Int(n)) => {
            k.rt.ros.entry(obj.to_string()).or_default().flags = n;
            Ok(())
        }
        (f @ ("ro_dst" | "ro_rt" | "ro_flags"), v) => Err(KernelError::msg(format!(
            "{obj}.{f} cannot hold {} ({})",
            v.type_name(),
            match f {
                "ro_dst" => "an IPv4 address like 10.1.2.3",
                "ro_rt" => "NULL or a route",
                _ => "an integer",
            }
        ))),
        (f, _) => Err(KernelError::msg(format!(
            "{obj}.{f}: struct route has ro_rt, ro_dst and ro_flags"
        ))),
    }
}

pub fn read_var(k: &Kernel, name: &str) -> Option<Value> {
    match name {
        "rt_numfibs" => Some(Value::Int(i64::from(k.rt.numfibs))),
        "rttrash" => Some(Value::Int(k.rt.rttrash)),
        "rts_unreach" => Some(Value::Int(k.rt.rts_unreach)),
        "rtq_reallyold" => Some(Value::Int(k.rt.rtq_reallyold)),
        _ => None,
    }
}

/// `rt_numfibs` is the boot tunable `net.fibs`, set only before the first route; `route_init`
/// clamps it to 1..=16.
pub fn write_var(k: &mut Kernel, name: &str, v: &Value) -> Result<bool, KernelError> {
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
            if k.rt.booted {
                return Err(KernelError::msg(
                    "rt_numfibs is the boot-time tunable net.fibs: it cannot change once routes exist",
                ));
            }
            // route_init(): `if (rt_numfibs > RT_MAXFIBS) rt_numfibs = RT_MAXFIBS; if
            // (rt_numfibs == 0) rt_numfibs = 1;`. The tunable is a u_int, so a negative value
            // is a huge one and is clamped to 16 too. A note, not an error: the kernel boots.
            let got = match u32::try_from(n) {
                Ok(0) => 1,
                Ok(v) if v <= RT_MAXFIBS => v,
                _ => RT_MAXFIBS,
            };
            if i64::from(got) != n {
                table::emit(k, RouteEvent::NumfibsClamped { asked: n, got });
            }
            k.rt.numfibs = got;
            k.rt.trees.resize_with(got as usize, RadixTree::new);
            Ok(true)
        }
        "rtq_reallyold" => match v {
            // sysctl net.inet.ip.rtexpire: a plain int, read when in_clsroute marks a route.
            Value::Int(n) => {
                k.rt.rtq_reallyold = *n;
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

/// For the trace: the refcount after the call of the route it returned, took, or (for a
/// `&ro` call) acted on, and whether that route has been freed.
pub fn route_note(k: &Kernel, ret: &Value, args: &[Value]) -> (Option<i32>, bool) {
    let id = match (ret, args.first()) {
        (Value::Route(id), _) | (_, Some(Value::Route(id))) => Some(*id),
        (_, Some(Value::Ref(_))) => k.rt.touched,
        _ => None,
    };
    match id.and_then(|id| k.rt.entry(id)) {
        Some(e) => (Some(e.refcnt), e.freed.is_some()),
        None => (None, false),
    }
}
