//! The scenario's FreeBSD `timeout(9)`, `callout(9)` and `mutex(9)` calls: the signatures the
//! checker and the docs read, and how each call reaches
//! [`crate::kernel::freebsd::Callouts`]. A call that makes the caller wait says so
//! with a value: a handler body's `busy(n)` or contested `mtx_lock` stops the body
//! ([`Bodies::suspend`]), a script's `callout_drain` or `mtx_lock` sleeps (the machine runs
//! hardclocks meanwhile, [`machine::sleep`]). Also the entry points a native driver uses by
//! number (the callwheel lab, the benches).

use crate::kernel::api::{Args, Param, Run, Signature};
use crate::kernel::freebsd::callwheel::CalloutId;
use crate::kernel::freebsd::{untimeout_arity, CalloutImpl, Callouts, Lock, Stop, Thread};
use crate::kernel::{machine, Bodies, Kernel, KernelError, Trace, Value};

const CALLOUT: Param = Param::Obj("struct callout");
const PAGE: &str = "timeout(9)";

/// Named by the interpreter, which gives the handle variable its NULL value.
pub const CALLOUT_HANDLE_INIT: &str = "callout_handle_init";

pub const API: &[Signature] = &[
    Signature {
        name: "timeout",
        params: &[
            ("timeout_t *func", Param::Func),
            ("void *arg", Param::Arg),
            ("int ticks", Param::Int),
        ],
        optional: 0,
        ret: "struct callout_handle",
        page: PAGE,
        run: |k, _, a| {
            let (func, arg, n) = (a.func(0)?, a.any(1)?, int32(a, 2)?);
            co(k, |c, now, t| c.timeout(func, arg, n, now, t))
        },
    },
    Signature {
        name: "untimeout",
        params: &[
            ("timeout_t *func", Param::Func),
            ("void *arg", Param::Arg),
            ("struct callout_handle handle", Param::Handle),
        ],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: untimeout,
    },
    Signature {
        name: CALLOUT_HANDLE_INIT,
        params: &[(
            "struct callout_handle *handle",
            Param::Obj("struct callout_handle"),
        )],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: |k, _, a| callout_handle_init(k, a.obj(0)?),
    },
    Signature {
        name: "callout_init",
        params: &[("struct callout *c", CALLOUT), ("int mpsafe", Param::Int)],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: |k, _, a| {
            let (name, mpsafe) = (a.obj(0)?, a.int(1)? != 0);
            co(k, |c, now, t| c.callout_init(name, mpsafe, now, t)).map(|_| Value::Null)
        },
    },
    Signature {
        name: "callout_reset",
        params: &[
            ("struct callout *c", CALLOUT),
            ("int ticks", Param::Int),
            ("timeout_t *func", Param::Func),
            ("void *arg", Param::Arg),
        ],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: |k, _, a| {
            let id = named(k, a)?;
            let n = int32(a, 1)?;
            callout_reset(k, id, n, a.func(2)?, a.any(3)?);
            Ok(Value::Null)
        },
    },
    on_callout("callout_stop", "int", PAGE, |k, b, a| {
        stop_safe(k, b, named(k, a)?, false).map(Value::Int)
    }),
    on_callout("callout_drain", "int", PAGE, |k, b, a| {
        stop_safe(k, b, named(k, a)?, true).map(Value::Int)
    }),
    on_callout("callout_active", "int", "callout(9)", |k, _, a| {
        let id = named(k, a)?;
        co(k, |c, now, t| Ok(c.callout_active(id, now, t)))
    }),
    on_callout("callout_pending", "int", "callout(9)", |k, _, a| {
        let id = named(k, a)?;
        co(k, |c, now, t| Ok(c.callout_pending(id, now, t)))
    }),
    on_callout("callout_deactivate", "void", "callout(9)", |k, _, a| {
        let id = named(k, a)?;
        co(k, |c, now, t| {
            c.callout_deactivate(id, now, t);
            Ok(Value::Null)
        })
    }),
    Signature {
        name: "mtx_lock",
        params: &[("struct mtx *m", Param::Obj("struct mtx"))],
        optional: 0,
        ret: "void",
        page: "mutex(9)",
        run: |k, b, a| mtx_lock(k, b, a.obj(0)?),
    },
    Signature {
        name: "mtx_unlock",
        params: &[("struct mtx *m", Param::Obj("struct mtx"))],
        optional: 0,
        ret: "void",
        page: "mutex(9)",
        run: |k, b, a| mtx_unlock(k, b, a.obj(0)?),
    },
];

/// A call whose one argument is a `struct callout *c`.
const fn on_callout(
    name: &'static str,
    ret: &'static str,
    page: &'static str,
    run: Run,
) -> Signature {
    Signature {
        name,
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret,
        page,
        run,
    }
}

/// 4.4BSD's `untimeout(ftn, arg)` (`kern_clock.c`): with `callout_impl = 1` the legacy pair uses
/// the calltodo list, which has no handles, so `untimeout` takes two arguments, not three. Not
/// in [`API`] (one name, one entry there); the script checker and the kernel's dispatch switch
/// to it.
pub const UNTIMEOUT_44BSD: Signature = Signature {
    name: "untimeout",
    params: &[("timeout_t *ftn", Param::Func), ("void *arg", Param::Arg)],
    optional: 0,
    ret: "void",
    page: "4.4BSD timeout(9)",
    run: untimeout,
};

/// Runs `f` on the callouts at the current tick; a panic it reports halts the machine.
fn co<T>(
    k: &mut Kernel,
    f: impl FnOnce(&mut Callouts, i32, &mut Trace) -> Result<T, KernelError>,
) -> Result<T, KernelError> {
    let now = k.clock.ticks;
    f(&mut k.co, now, &mut k.trace).map_err(|e| k.fail(e))
}

/// Before any FreeBSD call: the first one allocates the callwheel.
pub fn before_call(k: &mut Kernel) {
    k.co.ensure_boot(k.clock.ticks);
}

/// Argument `i` as a C `int`.
fn int32(args: &Args, i: usize) -> Result<i64, KernelError> {
    let n = args.int(i)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(KernelError::arg(
            i,
            format!("{}: {n} does not fit in a C int", args.name),
        ));
    }
    Ok(n)
}

/// The callout `&c` of the first argument, which must have been through `callout_init`.
fn named(k: &Kernel, args: &Args) -> Result<CalloutId, KernelError> {
    k.co.named(args.name, args.obj(0)?)
}

/// `callout_reset(&c, n, func, arg)` of the callout numbered `id`.
pub fn callout_reset(k: &mut Kernel, id: CalloutId, n: i64, func: Option<&str>, arg: &Value) {
    let now = k.clock.ticks;
    k.co.callout_reset(id, n, func, arg, now, &mut k.trace);
}

/// `callout_stop(&c)` of the callout numbered `id`.
pub fn callout_stop(k: &mut Kernel, b: &mut dyn Bodies, id: CalloutId) -> Result<i64, KernelError> {
    stop_safe(k, b, id, false)
}

/// `_callout_stop_safe`: a drain of the callout being serviced sleeps until its handler
/// returns.
fn stop_safe(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    id: CalloutId,
    safe: bool,
) -> Result<i64, KernelError> {
    match co(k, |c, now, t| c.stop_safe(id, safe, now, t))? {
        Stop::Returned(ret) => Ok(ret),
        Stop::Sleep(s) => {
            machine::sleep(k, b, &s)?;
            co(k, |c, now, t| Ok(c.drained(id, now, t)))
        }
    }
}

/// `untimeout`: the arity depends on a tunable, so the script checker may not have known it.
fn untimeout(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let calltodo = k.co.impl_ == CalloutImpl::Calltodo;
    let want = if calltodo {
        UNTIMEOUT_44BSD.params.len()
    } else {
        3
    };
    if args.len() != want {
        return Err(KernelError::msg(untimeout_arity(calltodo, args.len())));
    }
    let (func, arg) = (args.func(0)?, args.any(1)?);
    if calltodo {
        co(k, |c, now, t| Ok(c.calltodo_untimeout(func, arg, now, t)))
    } else {
        let h = args.any(2)?;
        co(k, |c, now, t| c.untimeout(func, arg, h, now, t))
    }
}

/// `callout_handle_init(&h)`: the script variable `h` becomes a handle with a NULL callout
/// (the interpreter sets it, see [`super::VarWrite`]).
fn callout_handle_init(k: &mut Kernel, h: &str) -> Result<Value, KernelError> {
    if k.kernel_var(h).is_some() {
        return Err(KernelError::arg(
            0,
            format!("callout_handle_init: {h} is a kernel variable, not a handle"),
        ));
    }
    co(k, |c, now, t| {
        c.callout_handle_init(h, now, t);
        Ok(Value::Null)
    })
}

/// `busy(n)` in a handler body: the handler keeps running for n hardclocks.
pub fn busy(k: &mut Kernel, b: &mut dyn Bodies, n: i64) -> Result<Value, KernelError> {
    if co(k, |c, now, t| c.busy(n, now, t))? {
        b.suspend();
    }
    Ok(Value::Null)
}

/// `mtx_lock(&m)` from the script or from a handler body.
fn mtx_lock(k: &mut Kernel, b: &mut dyn Bodies, m: &str) -> Result<Value, KernelError> {
    match co(k, |c, now, t| c.mtx_lock(m, now, t))? {
        Lock::Taken => {}
        Lock::Suspend => b.suspend(),
        Lock::Sleep(s) => {
            machine::sleep(k, b, &s)?;
            co(k, |c, now, t| c.lock_after_sleep(m, now, t))?;
        }
    }
    Ok(Value::Null)
}

/// `mtx_unlock(&m)`: a mutex the script releases may wake the softclock thread.
fn mtx_unlock(k: &mut Kernel, b: &mut dyn Bodies, m: &str) -> Result<Value, KernelError> {
    if co(k, |c, now, t| c.mtx_unlock(m, now, t))? == Thread::Script {
        machine::wake_softclock(k, b, m, format!("mtx_unlock(&{m})"))?;
    }
    Ok(Value::Null)
}
