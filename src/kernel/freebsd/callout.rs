//! `callout_init`, `callout_reset`, `callout_stop`, `callout_drain` and the ACTIVE/PENDING macros
//! (FreeBSD 6.x `kern_timeout.c`, `_callout_stop_safe`).

use super::callwheel::{
    bucket_of, laps_until, CalloutId, CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE,
    CALLOUT_PENDING,
};
use super::emit;
use super::events::{CalloutEvent, StopWhy};
use super::threads::{self, ScriptWait, Thread, GIANT};
use crate::kernel::{Kernel, KernelError, Name, Value};

/// The mutex softclock takes around this callout's handler.
pub fn c_mtx(k: &Kernel, id: CalloutId) -> Option<&'static str> {
    (!k.co.wheel.get(id).mpsafe()).then_some(GIANT)
}

/// `callout_init(&c, mpsafe)`: creates the callout on first use, zeroes it otherwise.
pub fn callout_init(k: &mut Kernel, name: &str, mpsafe: bool) -> Result<Value, KernelError> {
    let flags = if mpsafe { CALLOUT_MPSAFE } else { 0 };
    match k.co.names.get(name).copied() {
        Some(id) => {
            let c = k.co.wheel.get(id);
            if c.pending() {
                let b = bucket_of(c.c_time, k.co.wheel.mask);
                return Err(KernelError::arg(
                    0,
                    format!("callout_init: {name} is pending in bucket {b}; zeroing it would corrupt the bucket's list (stop it first)"),
                ));
            }
            let c = k.co.wheel.get_mut(id);
            c.c_flags = flags;
            c.c_func = None;
            c.c_arg = Value::Null;
            c.c_time = 0;
        }
        None => {
            if k.co.names.len() >= k.co.max_named {
                let max = k.co.max_named;
                return Err(KernelError::arg(
                    0,
                    format!("callout_init: more than {max} callouts"),
                ));
            }
            let id = k.co.wheel.add(name.to_string(), flags);
            k.co.names.insert(name.to_string(), id);
        }
    }
    emit(
        k,
        CalloutEvent::Init {
            c: Name::from(name),
            mpsafe,
        },
    );
    Ok(Value::Null)
}

/// The callout named `&c`, which must have been through `callout_init`.
pub fn named(k: &Kernel, fname: &str, name: &str) -> Result<CalloutId, KernelError> {
    k.co.names.get(name).copied().ok_or_else(|| {
        KernelError::arg(
            0,
            format!(
                "{fname}: {name} was never initialised; call callout_init(&{name}, mpsafe) first"
            ),
        )
    })
}

/// Takes a pending callout off its bucket, keeping a softclock scan that stopped there valid.
pub fn unlink(k: &mut Kernel, id: CalloutId) {
    if k.co.th.nextsoftcheck == Some(id) {
        k.co.th.nextsoftcheck = k.co.wheel.next(id);
    }
    k.co.wheel.remove(id);
}

/// `callout_reset(&c, n, func, arg)`.
pub fn callout_reset(
    k: &mut Kernel,
    id: CalloutId,
    asked: i64,
    func: Option<&str>,
    arg: &Value,
) -> Result<(), KernelError> {
    let name = k.co.wheel.get(id).name.clone();
    if k.co.th.curr_callout == Some(id) {
        if c_mtx(k, id).is_some() && !k.co.th.curr_cancelled {
            k.co.th.curr_cancelled = true;
            emit(
                k,
                CalloutEvent::InvocationCancelled {
                    c: name.clone(),
                    by: "callout_reset",
                },
            );
        }
        if k.co.th.callout_wait {
            emit(k, CalloutEvent::ResetRefused { c: name });
            return Ok(());
        }
    }
    let moved = k.co.wheel.get(id).pending();
    if moved {
        unlink(k, id);
    }
    let n = asked.clamp(1, i32::MAX as i64) as i32;
    let c_time = k.clock.ticks.wrapping_add(n);
    let c = k.co.wheel.get_mut(id);
    c.c_time = c_time;
    c.c_func = func.map(str::to_string);
    c.c_arg = arg.clone();
    c.c_flags |= CALLOUT_ACTIVE | CALLOUT_PENDING;
    k.co.wheel.insert_tail(id);
    let mask = k.co.wheel.mask;
    let laps = laps_until(c_time, k.clock.ticks.wrapping_add(1), mask + 1);
    emit(
        k,
        CalloutEvent::Reset {
            c: name,
            func: Name::from(func.unwrap_or("NULL")),
            arg: Name::display(arg),
            asked,
            c_time,
            bucket: bucket_of(c_time, mask),
            moved,
            laps,
        },
    );
    Ok(())
}

/// `_callout_stop_safe(c, safe)`: `callout_stop` (safe = false) and `callout_drain` (true).
pub fn stop_safe(k: &mut Kernel, id: CalloutId, safe: bool) -> Result<i64, KernelError> {
    let who = threads::current(k);
    let name = k.co.wheel.get(id).name.clone();
    let mtx = c_mtx(k, id);
    let use_mtx = !safe && mtx.is_some_and(|m| threads::owner(k, m) == Some(who));
    let serviced = k.co.th.curr_callout == Some(id);
    let stop = |k: &mut Kernel, ret: i64, why: StopWhy| {
        emit(
            k,
            CalloutEvent::Stop {
                c: name.clone(),
                drain: safe,
                ret,
                why,
            },
        );
        Ok(ret)
    };

    if !k.co.wheel.get(id).pending() {
        k.co.wheel.get_mut(id).c_flags &= !CALLOUT_ACTIVE;
        if !serviced {
            return stop(k, 0, StopWhy::Idle);
        }
        if safe {
            let func = k.co.wheel.get(id).c_func.clone().unwrap_or_default();
            if who == Thread::Softclock {
                return Err(k.panic(format!(
                    "deadlock: {func}() calls callout_drain(&{name}) on the callout it is servicing; softclock would sleep until it returns itself"
                )));
            }
            k.co.th.callout_wait = true;
            threads::block_script(
                k,
                ScriptWait::Drain(id),
                format!("callout_drain(&{name})"),
                format!("{func}() returns"),
            )?;
            return stop(k, 0, StopWhy::Drained);
        }
        if use_mtx && !k.co.th.curr_cancelled {
            k.co.th.curr_cancelled = true;
            emit(
                k,
                CalloutEvent::InvocationCancelled {
                    c: name.clone(),
                    by: "callout_stop",
                },
            );
            return stop(k, 1, StopWhy::CancelledBeforeStart);
        }
        return stop(k, 0, StopWhy::Serviced);
    }

    unlink(k, id);
    let c = k.co.wheel.get_mut(id);
    c.c_flags &= !(CALLOUT_ACTIVE | CALLOUT_PENDING);
    if c.c_flags & CALLOUT_LOCAL_ALLOC != 0 {
        let func = c.c_func.take();
        k.co.callfree.push(id);
        emit(k, CalloutEvent::Freed { slot: id, func });
    }
    let why = if serviced {
        StopWhy::UnlinkedWhileServiced
    } else {
        StopWhy::Unlinked
    };
    stop(k, 1, why)
}

pub fn callout_active(k: &Kernel, id: CalloutId) -> Value {
    Value::Int(k.co.wheel.get(id).active() as i64)
}

pub fn callout_pending(k: &Kernel, id: CalloutId) -> Value {
    Value::Int(k.co.wheel.get(id).pending() as i64)
}

pub fn callout_deactivate(k: &mut Kernel, id: CalloutId) {
    let c = k.co.wheel.get_mut(id);
    c.c_flags &= !CALLOUT_ACTIVE;
    let c = c.name.clone();
    emit(k, CalloutEvent::Deactivate { c });
}
