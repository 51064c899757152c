//! The scenario's `timeout(9)` calls: the signatures the checker and the docs read, and how each
//! call reaches [`Timeouts`](crate::kernel::openbsd::Timeouts). Also the by-name and by-number
//! entry points a native driver uses (the scheme lab, the benches).

use crate::kernel::api::{Args, Param, Signature};
use crate::kernel::openbsd::{
    convert, convert::c_int, TimeoutEvent, TimeoutId, TIMEOUT_INITIALIZED, TIMEOUT_ONQUEUE,
    TIMEOUT_TRIGGERED,
};
use crate::kernel::{Kernel, KernelError, Name, Value};

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
    let ret = k.to.flags(name, flag);
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
