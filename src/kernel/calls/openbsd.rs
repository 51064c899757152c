//! The scenario's `timeout(9)` calls: the signatures the checker and the docs read, and how each
//! call reaches [`Timeouts`](crate::kernel::openbsd::Timeouts). Also the by-name and by-number
//! entry points a native driver uses (the scheme lab, the benches).

use crate::kernel::api::{Args, Param, Run, Signature};
use crate::kernel::openbsd::{
    convert, convert::c_int, TimeoutEvent, TimeoutId, TIMEOUT_INITIALIZED, TIMEOUT_ONQUEUE,
    TIMEOUT_TRIGGERED,
};
use crate::kernel::{Bodies, Kernel, KernelError, Name, Value};

const TO: (&str, Param) = ("struct timeout *to", Param::Obj("struct timeout"));
const PAGE: &str = "timeout(9)";

const fn add_fn(
    name: &'static str,
    param: &'static [(&'static str, Param)],
    run: Run,
) -> Signature {
    Signature {
        name,
        params: param,
        optional: 0,
        ret: "int",
        page: PAGE,
        run,
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
        run: set_call,
    },
    add_fn("timeout_add", &[TO, ("int to_ticks", Param::Int)], add_call),
    add_fn(
        "timeout_add_sec",
        &[TO, ("int secs", Param::Int)],
        |k, _, a| add_int(k, a, |h, _, n| convert::sec_to_ticks(h, n)),
    ),
    add_fn(
        "timeout_add_msec",
        &[TO, ("int msecs", Param::Int)],
        |k, _, a| add_int(k, a, |_, t, n| convert::msec_to_ticks(t, n)),
    ),
    add_fn(
        "timeout_add_usec",
        &[TO, ("int usecs", Param::Int)],
        |k, _, a| add_int(k, a, |_, t, n| convert::usec_to_ticks(t, n)),
    ),
    add_fn(
        "timeout_add_nsec",
        &[TO, ("int nsecs", Param::Int)],
        |k, _, a| add_int(k, a, |_, t, n| convert::nsec_to_ticks(t, n)),
    ),
    add_fn(
        "timeout_add_tv",
        &[TO, ("const struct timeval *tv", Param::Struct(2))],
        |k, _, a| add_struct(k, a, convert::tv_to_ticks),
    ),
    add_fn(
        "timeout_add_ts",
        &[TO, ("const struct timespec *ts", Param::Struct(2))],
        |k, _, a| add_struct(k, a, convert::ts_to_ticks),
    ),
    add_fn(
        "timeout_add_bt",
        &[TO, ("const struct bintime *bt", Param::Struct(2))],
        |k, _, a| {
            add_struct(k, a, |h, t, sec, frac| {
                convert::bt_to_ticks(h, t, sec, frac as u64)
            })
        },
    ),
    add_fn("timeout_del", &[TO], del_call),
    add_fn("timeout_pending", &[TO], |k, _, a| {
        flag_call(k, a, "timeout_pending", "TIMEOUT_ONQUEUE", TIMEOUT_ONQUEUE)
    }),
    add_fn("timeout_initialized", &[TO], |k, _, a| {
        flag_call(
            k,
            a,
            "timeout_initialized",
            "TIMEOUT_INITIALIZED",
            TIMEOUT_INITIALIZED,
        )
    }),
    add_fn("timeout_triggered", &[TO], |k, _, a| {
        flag_call(
            k,
            a,
            "timeout_triggered",
            "TIMEOUT_TRIGGERED",
            TIMEOUT_TRIGGERED,
        )
    }),
];

/// `timeout_set(&to, fn, arg)` on the timeout called `name`; returns its number.
pub fn timeout_set(k: &mut Kernel, name: &str, func: &str, arg: Value) -> TimeoutId {
    k.to.timeout_set(name, func, arg, k.clock.ticks, &mut k.trace)
}

/// `timeout_add(&to, n)` on the timeout called `name`.
pub fn timeout_add(k: &mut Kernel, name: &str, n: i64) -> Result<i64, KernelError> {
    let id = k.to.id(name);
    add(k, id, n)
}

/// [`timeout_add`] by number (no name lookup); the same checks, effects and events.
pub fn timeout_add_id(k: &mut Kernel, id: TimeoutId, n: i64) -> Result<i64, KernelError> {
    add(k, Some(id), n)
}

fn add(k: &mut Kernel, id: Option<TimeoutId>, n: i64) -> Result<i64, KernelError> {
    let now = k.clock.ticks;
    k.to.timeout_add(id, n, now, &mut k.trace)
        .map_err(|msg| k.panic(msg))
}

/// `timeout_del(&to)` on the timeout called `name`.
pub fn timeout_del(k: &mut Kernel, name: &str) -> i64 {
    let id = k.to.id(name);
    k.to.timeout_del(id, name, k.clock.ticks, &mut k.trace)
}

/// [`timeout_del`] by number (no name lookup); the same effects and events.
pub fn timeout_del_id(k: &mut Kernel, id: TimeoutId) -> i64 {
    k.to.timeout_del(Some(id), "", k.clock.ticks, &mut k.trace)
}

fn set_call(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let to = args.obj(0)?;
    let Some(func) = args.func(1)? else {
        return Err(KernelError::arg(
            1,
            "timeout_set: fn is NULL; softclock would call address 0",
        ));
    };
    let arg = args.any(2)?.clone();
    timeout_set(k, to, func, arg);
    Ok(Value::Null)
}

fn add_call(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let to = args.obj(0)?;
    let n = args.int(1)?;
    timeout_add(k, to, n).map(Value::Int)
}

fn del_call(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let to = args.obj(0)?;
    Ok(Value::Int(timeout_del(k, to)))
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
) -> Result<Value, KernelError> {
    let name = args.obj(0)?;
    let ret = k.to.flags(name, flag);
    k.emit(TimeoutEvent::FlagRead {
        name: Name::from(name),
        call,
        flag: flag_name,
        bit: flag,
        ret,
    });
    Ok(Value::Int(ret as i64))
}

/// `timeout_add_sec` and its `int` siblings: `to_ticks(hz, tick, n)` converts.
fn add_int(
    k: &mut Kernel,
    args: &Args,
    to_ticks: fn(i32, i32, i32) -> i32,
) -> Result<Value, KernelError> {
    let to = args.obj(0)?;
    let n = c_int(args.int(1)?);
    let ticks = to_ticks(k.clock.hz, k.clock.tick, n);
    add_converted(k, args.name, to, ticks, n.to_string())
}

/// `timeout_add_tv` and its struct siblings: `to_ticks(hz, tick, s0, s1)` converts.
fn add_struct(
    k: &mut Kernel,
    args: &Args,
    to_ticks: fn(i32, i32, i64, i64) -> i32,
) -> Result<Value, KernelError> {
    let to = args.obj(0)?;
    let s = args.strukt(1, 2)?;
    let ticks = to_ticks(k.clock.hz, k.clock.tick, s[0], s[1]);
    add_converted(k, args.name, to, ticks, format!("{{{}, {}}}", s[0], s[1]))
}

/// The `timeout_add_*` wrappers: say how `input` converted, then `timeout_add`.
fn add_converted(
    k: &mut Kernel,
    call: &str,
    to: &str,
    ticks: i32,
    input: String,
) -> Result<Value, KernelError> {
    let (hz, tick) = (k.clock.hz, k.clock.tick);
    k.emit(TimeoutEvent::Converted {
        name: Name::from(to),
        call: call.to_string(),
        input,
        ticks,
        hz,
        tick,
    });
    timeout_add(k, to, ticks as i64).map(Value::Int)
}
