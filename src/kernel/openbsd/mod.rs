//! OpenBSD `timeout(9)` as in OpenBSD 5.6 (`sys/kern/kern_timeout.c` rev 1.40-1.43, 2013-2015).
//!
//! The data structure is scheme 7 of Varghese & Lauck, "Hashed and Hierarchical Timing Wheels"
//! (SOSP 1987): four wheels of 256 buckets. Wheel 0 holds timeouts due within 256 ticks, wheel 1
//! within 2^16, wheel 2 within 2^24, wheel 3 the rest (up to `INT_MAX`). The *level* comes from
//! the relative delay, the *bucket* from the absolute deadline's bits, so a bucket of wheel `w`
//! is reached exactly at the start of the 2^(8w)-tick block that holds its deadlines.
//!
//! All the work is lazy and every step is O(1):
//! * `timeout_add` never picks a bucket: it sets `to_time = ticks + n` and appends the timeout to
//!   `timeout_todo` (or, if it was already queued and the new deadline is not earlier, leaves it
//!   where it is).
//! * hardclock (`timeout_hardclock_update`) splices the wheel-0 bucket of the new `ticks` onto
//!   `timeout_todo`; when the low byte of `ticks` is 0 it also splices the current wheel-1 bucket,
//!   and so on up the wheels (the *cascade*).
//! * softclock pops `timeout_todo` from the head: not yet due (`to_time - ticks > 0`) means put
//!   into the bucket for the remaining delay, due means clear ONQUEUE, set TRIGGERED, run it.
//!   Handlers that add timeouts during the pass append to the same todo list, so in 5.6 they are
//!   examined in the same pass; a handler re-adding itself with 0 ticks would spin forever, which
//!   the simulator stops with a panic after [`MAX_HANDLER_RUNS_PER_PASS`] runs.
//!
//! Same-tick order is therefore list order: whatever was on todo before the tick (new and
//! moved-earlier timeouts, in call order), then the wheel-0 bucket in re-bucketing order, then
//! the cascaded buckets (reference §1.11).
//!
//! Files: [`wheel`] (constants, placement, `struct timeout` and its lists), [`convert`] (the
//! `_sec`, `_msec`, ... wrappers), [`events`] (what happened, in words). This file holds the API.
//!
//! Choices where the kernel is undefined or silent:
//! * Trace events: a bucket splice is reported only when the bucket is non-empty (both wheel 0,
//!   [`TimeoutEvent::Splice`], and higher wheels, [`TimeoutEvent::Cascade`]); the current position
//!   of every wheel is a pure function of `ticks` ([`wheel_position`]).
//! * `timeout_set` on a queued timeout does what 5.6 does: `to_flags` becomes INITIALIZED only and
//!   the timeout stays linked. softclock still re-buckets or runs it (it never looks at ONQUEUE),
//!   `timeout_del` returns 0 without unlinking it. A later `timeout_add` would link it a second time
//!   and corrupt the kernel's lists; the simulator stops there with a panic that says so.
//! * A `struct timeout` that was never `timeout_set` is all zeroes: `timeout_add` panics "not
//!   initialized", `timeout_del` returns 0, the flag macros return 0.
//! * `int` arguments wider than 32 bits are truncated like a C call would ([`convert::c_int`]).

pub mod convert;
pub mod events;
pub mod wheel;

pub use events::TimeoutEvent;
pub use wheel::{
    bucket_for, level_for, wheel_position, CircQ, Link, Place, Timeout, BUCKETS, TODO, WHEELBITS,
    WHEELCOUNT, WHEELMASK, WHEELSIZE,
};

use std::collections::BTreeMap;
use std::rc::Rc;

use super::api::{Args, Param, Signature};
use super::{Kernel, KernelError, Name, Value, Via, MAX_HANDLER_RUNS_PER_PASS};
use convert::c_int;
use wheel::Wheel;

/// `to_flags`: on a bucket or the todo list ("on queue").
pub const TIMEOUT_ONQUEUE: i32 = 0x02;
/// `to_flags`: `timeout_set` has been called.
pub const TIMEOUT_INITIALIZED: i32 = 0x04;
/// `to_flags`: running or has run since the last add/del.
pub const TIMEOUT_TRIGGERED: i32 = 0x08;

/// One `struct timeout` and where it lives, for the UI.
#[derive(Clone, Copy, Debug)]
pub struct TimeoutView<'a> {
    pub name: &'a str,
    pub to_func: &'a str,
    pub to_arg: &'a Value,
    /// Absolute tick at which it is due.
    pub to_time: i32,
    pub to_flags: i32,
    pub place: Place,
}

/// A `struct timeout` by number, as [`timeout_set`] hands it out: what a caller that already
/// knows which timeout it means passes to [`timeout_add_id`] and [`timeout_del_id`] instead of
/// the name (the benches, a native driver). A scenario names its timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeoutId(pub u32);

/// The wheel, `timeout_todo`, and every `struct timeout` by name.
#[derive(Clone, Debug, Default)]
pub struct Timeouts {
    wheel: Wheel,
    /// Shared between copies of the kernel (snapshots): it changes only when a new name is set.
    by_name: Rc<BTreeMap<Name, usize>>,
}

impl Timeouts {
    fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Timeout `i`'s name, for an event.
    fn name(&self, i: usize) -> Name {
        self.wheel.get(i).name.clone()
    }

    /// The number of the timeout called `name`, if `timeout_set` ever saw it.
    pub fn id(&self, name: &str) -> Option<TimeoutId> {
        self.index(name).map(|i| TimeoutId(i as u32))
    }

    /// The `struct timeout` called `name`, if `timeout_set` ever saw it.
    pub fn timeout(&self, name: &str) -> Option<&Timeout> {
        self.index(name).map(|i| self.wheel.get(i))
    }

    fn place_of(&self, i: usize) -> Place {
        self.wheel.list_of(i).map_or(Place::Nowhere, Place::of_list)
    }

    fn view(&self, i: usize) -> TimeoutView<'_> {
        let t = self.wheel.get(i);
        TimeoutView {
            name: &t.name,
            to_func: &t.to_func,
            to_arg: &t.to_arg,
            to_time: t.to_time,
            to_flags: t.to_flags,
            place: self.place_of(i),
        }
    }

    /// The timeout called `name`, if `timeout_set` ever saw it.
    pub fn get(&self, name: &str) -> Option<TimeoutView<'_>> {
        self.index(name).map(|i| self.view(i))
    }

    /// Every timeout, by name.
    pub fn iter(&self) -> impl Iterator<Item = TimeoutView<'_>> {
        self.by_name.values().map(|&i| self.view(i))
    }

    fn names(&self, list: usize) -> Vec<&str> {
        self.wheel
            .entries(list)
            .map(|i| self.wheel.get(i).name.as_str())
            .collect()
    }

    /// The timeouts in a bucket, head to tail (the order they will reach the todo list).
    pub fn bucket(&self, wheel: usize, bucket: usize) -> Vec<&str> {
        self.names(wheel * WHEELSIZE + bucket)
    }

    /// How many timeouts a bucket holds (O(1), for occupancy rings).
    pub fn bucket_len(&self, wheel: usize, bucket: usize) -> usize {
        self.wheel.len(wheel * WHEELSIZE + bucket)
    }

    /// `timeout_todo`, head to tail.
    pub fn todo(&self) -> Vec<&str> {
        self.names(TODO)
    }
}

const TO: (&str, Param) = ("struct timeout *to", Param::Obj("struct timeout"));
const PAGE: &str = "timeout(9)";

const fn add_fn(name: &'static str, param: &'static [(&'static str, Param)]) -> Signature {
    Signature {
        name,
        params: param,
        optional: 0,
        ret: "int",
        page: PAGE,
    }
}

/// The OpenBSD 5.6 `timeout(9)` API.
pub const API: &[Signature] = &[
    Signature {
        name: "timeout_set",
        params: &[
            TO,
            ("void (*fn)(void *)", Param::Func),
            ("void *arg", Param::Arg),
        ],
        optional: 0,
        ret: "void",
        page: PAGE,
    },
    add_fn("timeout_add", &[TO, ("int to_ticks", Param::Int)]),
    add_fn("timeout_add_sec", &[TO, ("int secs", Param::Int)]),
    add_fn("timeout_add_msec", &[TO, ("int msecs", Param::Int)]),
    add_fn("timeout_add_usec", &[TO, ("int usecs", Param::Int)]),
    add_fn("timeout_add_nsec", &[TO, ("int nsecs", Param::Int)]),
    add_fn(
        "timeout_add_tv",
        &[TO, ("const struct timeval *tv", Param::Struct(2))],
    ),
    add_fn(
        "timeout_add_ts",
        &[TO, ("const struct timespec *ts", Param::Struct(2))],
    ),
    add_fn(
        "timeout_add_bt",
        &[TO, ("const struct bintime *bt", Param::Struct(2))],
    ),
    add_fn("timeout_del", &[TO]),
    add_fn("timeout_pending", &[TO]),
    add_fn("timeout_initialized", &[TO]),
    add_fn("timeout_triggered", &[TO]),
];

/// `timeout_set(&to, fn, arg)`: `to_flags` = INITIALIZED only, even if the timeout is queued.
/// Returns the timeout's number (the same for every `timeout_set` of one name).
pub fn timeout_set(k: &mut Kernel, name: &str, func: &str, arg: Value) -> TimeoutId {
    let to = &mut k.to;
    let i = match to.index(name) {
        Some(i) => i,
        None => {
            let shared = Name::from(name);
            let i = to.wheel.add(shared.clone());
            Rc::make_mut(&mut to.by_name).insert(shared, i);
            i
        }
    };
    let still_linked = to.wheel.is_linked(i).then(|| to.place_of(i));
    let arg_text = arg.to_string();
    let t = to.wheel.get_mut(i);
    t.to_func = Name::from(func);
    t.to_arg = arg;
    t.to_flags = TIMEOUT_INITIALIZED;
    let name = t.name.clone();
    k.emit(TimeoutEvent::Set {
        name,
        func: func.to_string(),
        arg: arg_text,
        still_linked,
    });
    TimeoutId(i as u32)
}

/// `timeout_add(&to, n)`. `n` is the C `int to_ticks` (wider values are truncated to 32 bits).
/// Returns 1 if the timeout was newly queued, 0 if it was already queued.
pub fn timeout_add(k: &mut Kernel, name: &str, n: i64) -> Result<i64, KernelError> {
    let i = k.to.index(name);
    add(k, i, n)
}

/// [`timeout_add`] by number (no name lookup); the same checks, effects and events.
pub fn timeout_add_id(k: &mut Kernel, id: TimeoutId, n: i64) -> Result<i64, KernelError> {
    add(
        k,
        Some(id.0 as usize).filter(|&i| i < k.to.wheel.count()),
        n,
    )
}

fn add(k: &mut Kernel, i: Option<usize>, n: i64) -> Result<i64, KernelError> {
    let n = c_int(n);
    let i = match i {
        Some(i) if k.to.wheel.get(i).to_flags & TIMEOUT_INITIALIZED != 0 => i,
        _ => return Err(k.panic("timeout_add: not initialized")),
    };
    if n < 0 {
        return Err(k.panic(format!("timeout_add: to_ticks ({n}) < 0")));
    }
    let ticks = k.clock.ticks;
    let wheel = &mut k.to.wheel;
    let queued = wheel.get(i).to_flags & TIMEOUT_ONQUEUE != 0;
    if !queued && wheel.is_linked(i) {
        let (name, place) = (k.to.name(i), k.to.place_of(i));
        return Err(k.panic(format!(
            "timeout_add: {name} is still linked on {place} although timeout_set() cleared \
             ONQUEUE; linking it again would corrupt the timeout lists"
        )));
    }
    let to = wheel.get_mut(i);
    let old_time = to.to_time;
    let to_time = ticks.wrapping_add(n);
    to.to_time = to_time;
    to.to_flags &= !TIMEOUT_TRIGGERED;
    if !queued {
        to.to_flags |= TIMEOUT_ONQUEUE;
        wheel.insert_tail(TODO, i);
        k.emit(TimeoutEvent::Added {
            name: k.to.name(i),
            n,
            to_time,
        });
        return Ok(1);
    }
    if to_time.wrapping_sub(ticks) < old_time.wrapping_sub(ticks) {
        let from = wheel.remove(i);
        wheel.insert_tail(TODO, i);
        k.emit(TimeoutEvent::MovedEarlier {
            name: k.to.name(i),
            from: from.map_or(Place::Nowhere, Place::of_list),
            old_time,
            to_time,
        });
    } else {
        k.emit(TimeoutEvent::LeftInPlace {
            name: k.to.name(i),
            at: k.to.place_of(i),
            old_time,
            to_time,
        });
    }
    Ok(0)
}

/// `timeout_del(&to)`: 1 if it was queued (and is now unlinked), else 0. Clears TRIGGERED.
pub fn timeout_del(k: &mut Kernel, name: &str) -> i64 {
    let Some(i) = k.to.index(name) else {
        k.emit(TimeoutEvent::NotPending {
            name: Name::from(name),
        });
        return 0;
    };
    del(k, i)
}

/// [`timeout_del`] by number (no name lookup); the same effects and events.
pub fn timeout_del_id(k: &mut Kernel, id: TimeoutId) -> i64 {
    del(k, id.0 as usize)
}

fn del(k: &mut Kernel, i: usize) -> i64 {
    let wheel = &mut k.to.wheel;
    let queued = wheel.get(i).to_flags & TIMEOUT_ONQUEUE != 0;
    // The list it comes off, for the event (`remove` works it out anyway).
    let from = if queued { wheel.remove(i) } else { None };
    wheel.get_mut(i).to_flags &= !(TIMEOUT_ONQUEUE | TIMEOUT_TRIGGERED);
    k.emit({
        let name = k.to.name(i);
        if queued {
            TimeoutEvent::Deleted {
                name,
                from: from.map_or(Place::Nowhere, Place::of_list),
            }
        } else {
            TimeoutEvent::NotPending { name }
        }
    });
    queued as i64
}

/// Whether `flag` is set in `to_flags` (a never-set timeout has no flags).
pub fn has_flag(k: &Kernel, name: &str, flag: i32) -> bool {
    k.to.timeout(name).is_some_and(|t| t.to_flags & flag != 0)
}

/// `timeout_hardclock_update`, after `ticks++`: splice the due buckets onto `timeout_todo`.
pub fn hardclock(k: &mut Kernel) {
    let ticks = k.clock.ticks;
    for wheel in 0..WHEELCOUNT {
        let bucket = wheel_position(ticks, wheel);
        let count = k.to.wheel.splice_onto_todo(wheel * WHEELSIZE + bucket);
        if count > 0 {
            let bucket = bucket as u8;
            k.emit(if wheel == 0 {
                TimeoutEvent::Splice { bucket, count }
            } else {
                TimeoutEvent::Cascade {
                    wheel: wheel as u8,
                    bucket,
                    count,
                }
            });
        }
        // The next wheel turns only when this one has come round to bucket 0.
        if bucket != 0 {
            break;
        }
    }
}

/// softclock: drain `timeout_todo` from the head, re-bucketing what is not yet due and running
/// what is.
pub fn softclock(k: &mut Kernel) -> Result<(), KernelError> {
    let mut runs = 0usize;
    while let Some(i) = k.to.wheel.first(TODO) {
        let wheel = &mut k.to.wheel;
        let from = wheel.home_of(i).map_or(Place::Todo, Place::of_list);
        wheel.remove(i);
        let ticks = k.clock.ticks;
        let to = wheel.get_mut(i);
        let to_time = to.to_time;
        let delta = to_time.wrapping_sub(ticks);
        if delta > 0 {
            let b = bucket_for(to_time, delta);
            wheel.insert_tail(b, i);
            k.emit(TimeoutEvent::Rebucketed {
                name: k.to.name(i),
                from,
                wheel: (b / WHEELSIZE) as u8,
                bucket: (b % WHEELSIZE) as u8,
                delta,
            });
            continue;
        }
        to.to_flags = to.to_flags & !TIMEOUT_ONQUEUE | TIMEOUT_TRIGGERED;
        let (func, arg) = (to.to_func.clone(), to.to_arg.clone());
        let late = ticks.wrapping_sub(to_time);
        runs += 1;
        if runs > MAX_HANDLER_RUNS_PER_PASS {
            let name = k.to.name(i);
            return Err(k.panic(format!(
                "softclock: more than {MAX_HANDLER_RUNS_PER_PASS} timeouts ran in one pass at tick \
                 {ticks} (the last one due was {name}): handlers keep re-adding timeouts with 0 \
                 ticks, which OpenBSD 5.6 runs again in the same pass, so softclock would spin \
                 forever"
            )));
        }
        k.emit(TimeoutEvent::Due {
            name: k.to.name(i),
            late,
        });
        k.run_handler(Via::Timeout, &func, &arg, None)?;
    }
    Ok(())
}

/// Runs `name` if it is a timeout(9) function.
pub fn call(k: &mut Kernel, name: &str, args: &Args) -> Option<Result<Value, KernelError>> {
    let r = match name {
        "timeout_set" => set_call(k, args),
        "timeout_add" => add_call(k, args),
        "timeout_add_sec" | "timeout_add_msec" | "timeout_add_usec" | "timeout_add_nsec"
        | "timeout_add_tv" | "timeout_add_ts" | "timeout_add_bt" => add_converted(k, name, args),
        "timeout_del" => args.obj(0).map(|to| timeout_del(k, to)),
        "timeout_pending" => flag_call(
            k,
            args,
            "timeout_pending",
            "TIMEOUT_ONQUEUE",
            TIMEOUT_ONQUEUE,
        ),
        "timeout_initialized" => flag_call(
            k,
            args,
            "timeout_initialized",
            "TIMEOUT_INITIALIZED",
            TIMEOUT_INITIALIZED,
        ),
        "timeout_triggered" => flag_call(
            k,
            args,
            "timeout_triggered",
            "TIMEOUT_TRIGGERED",
            TIMEOUT_TRIGGERED,
        ),
        _ => return None,
    };
    Some(r.map(|v| {
        if name == "timeout_set" {
            Value::Null
        } else {
            Value::Int(v)
        }
    }))
}

fn set_call(k: &mut Kernel, args: &Args) -> Result<i64, KernelError> {
    let to = args.obj(0)?;
    let Some(func) = args.func(1)? else {
        return Err(KernelError::arg(
            1,
            "timeout_set: fn is NULL; softclock would call address 0",
        ));
    };
    let arg = args.any(2)?.clone();
    timeout_set(k, to, func, arg);
    Ok(0)
}

fn add_call(k: &mut Kernel, args: &Args) -> Result<i64, KernelError> {
    let to = args.obj(0)?;
    let n = args.int(1)?;
    timeout_add(k, to, n)
}

/// `timeout_pending(to)` and its siblings are `timeout.h` macros, `((to)->to_flags & FLAG)`: they
/// return the bit itself (TIMEOUT_ONQUEUE 2, TIMEOUT_INITIALIZED 4, TIMEOUT_TRIGGERED 8), not 1.
/// A timeout that was never `timeout_set` is all zeroes, so they return 0.
fn flag_call(
    k: &mut Kernel,
    args: &Args,
    call: &'static str,
    flag_name: &'static str,
    flag: i32,
) -> Result<i64, KernelError> {
    let name = args.obj(0)?;
    let ret = k.to.timeout(name).map_or(0, |t| t.to_flags & flag);
    k.emit(TimeoutEvent::FlagRead {
        name: Name::from(name),
        call,
        flag: flag_name,
        bit: flag,
        ret,
    });
    Ok(ret as i64)
}

/// The `timeout_add_*` wrappers: convert, say how, then `timeout_add`.
fn add_converted(k: &mut Kernel, call: &str, args: &Args) -> Result<i64, KernelError> {
    let to = args.obj(0)?;
    let (hz, tick) = (k.clock.hz, k.clock.tick);
    let (ticks, input) = match call {
        "timeout_add_tv" | "timeout_add_ts" | "timeout_add_bt" => {
            let s = args.strukt(1, 2)?;
            let ticks = match call {
                "timeout_add_tv" => convert::tv_to_ticks(hz, tick, s[0], s[1]),
                "timeout_add_ts" => convert::ts_to_ticks(hz, tick, s[0], s[1]),
                _ => convert::bt_to_ticks(hz, tick, s[0], s[1] as u64),
            };
            (ticks, format!("{{{}, {}}}", s[0], s[1]))
        }
        _ => {
            let n = c_int(args.int(1)?);
            let ticks = match call {
                "timeout_add_sec" => convert::sec_to_ticks(hz, n),
                "timeout_add_msec" => convert::msec_to_ticks(tick, n),
                "timeout_add_usec" => convert::usec_to_ticks(tick, n),
                _ => convert::nsec_to_ticks(tick, n),
            };
            (ticks, n.to_string())
        }
    };
    k.emit(TimeoutEvent::Converted {
        name: Name::from(to),
        call: call.to_string(),
        input,
        ticks,
        hz,
        tick,
    });
    timeout_add(k, to, ticks as i64)
}
