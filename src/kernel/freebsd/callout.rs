//! `callout_init`, `callout_reset`, `callout_stop`, `callout_drain` and the ACTIVE/PENDING macros
//! (FreeBSD 6.x `kern_timeout.c`, `_callout_stop_safe`).
//!
//! A stop of a pending callout (the common case) and a reset of one that is not being serviced
//! take the short path; the cases of a running handler are out of line.

use super::callwheel::{
    bucket_of, laps_until, CalloutId, CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE,
    CALLOUT_PENDING,
};
use super::events::{CalloutEvent, StopWhy};
use super::name_of;
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
            c.c_time = 0;
            c.c_arg = Value::Null;
        }
        None => {
            if k.co.names.len() >= k.co.max_named {
                let max = k.co.max_named;
                return Err(KernelError::arg(
                    0,
                    format!("callout_init: more than {max} callouts"),
                ));
            }
            let id = k.co.wheel.add(Name::from(name), flags);
            k.co.names.insert(name.to_string(), id);
        }
    }
    k.emit(CalloutEvent::Init {
        c: Name::from(name),
        mpsafe,
    });
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
#[inline]
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
    if k.co.th.curr_callout == Some(id) && reset_serviced(k, id) {
        return Ok(());
    }
    let moved = k.co.wheel.get(id).pending();
    if moved {
        unlink(k, id);
    }
    let n = asked.clamp(1, i32::MAX as i64) as i32;
    let c_time = k.clock.ticks.wrapping_add(n);
    let w = &mut k.co.wheel;
    let c = w.get_mut(id);
    c.c_time = c_time;
    // A reset nearly always names the function it named before: keep that name.
    if c.c_func.as_deref() != func {
        c.c_func = func.map(Name::from);
    }
    c.c_flags |= CALLOUT_ACTIVE | CALLOUT_PENDING;
    c.c_arg = arg.clone();
    w.insert_tail(id);
    let w = &k.co.wheel;
    k.trace.emit_with(k.clock.ticks, || {
        let c = w.get(id);
        CalloutEvent::Reset {
            c: c.name.clone(),
            func: c.c_func.clone().unwrap_or_else(|| Name::from("NULL")),
            arg: Name::display(arg),
            asked,
            c_time,
            bucket: bucket_of(c_time, w.mask),
            moved,
            laps: laps_until(c_time, k.clock.ticks.wrapping_add(1), w.size()),
        }
    });
    Ok(())
}

/// `callout_reset` of the callout whose handler runs (or waits for Giant): a call that has not
/// begun is cancelled; true if a drainer waits for it, so the reset is refused.
#[inline(never)]
fn reset_serviced(k: &mut Kernel, id: CalloutId) -> bool {
    if c_mtx(k, id).is_some() && !k.co.th.curr_cancelled {
        k.co.th.curr_cancelled = true;
        k.emit(CalloutEvent::InvocationCancelled {
            c: name_of(k, id),
            by: "callout_reset",
        });
    }
    if k.co.th.callout_wait {
        k.emit(CalloutEvent::ResetRefused { c: name_of(k, id) });
        return true;
    }
    false
}

/// `_callout_stop_safe(c, safe)`: `callout_stop` (safe = false) and `callout_drain` (true).
pub fn stop_safe(k: &mut Kernel, id: CalloutId, safe: bool) -> Result<i64, KernelError> {
    if !k.co.wheel.get(id).pending() {
        return stop_not_pending(k, id, safe);
    }
    // Pending: unlinked, whoever holds what.
    let serviced = k.co.th.curr_callout == Some(id);
    unlink(k, id);
    let c = k.co.wheel.get_mut(id);
    c.c_flags &= !(CALLOUT_ACTIVE | CALLOUT_PENDING);
    if c.c_flags & CALLOUT_LOCAL_ALLOC != 0 {
        let func = c.c_func.take();
        k.co.callfree.push(id);
        k.emit(CalloutEvent::Freed { slot: id, func });
    }
    let why = if serviced {
        StopWhy::UnlinkedWhileServiced
    } else {
        StopWhy::Unlinked
    };
    Ok(stopped(k, id, safe, 1, why))
}

/// [`stop_safe`] of a callout that is not pending: idle, or its handler is running (or waits
/// for its mutex). Out of line, so the common case above stays small.
#[inline(never)]
fn stop_not_pending(k: &mut Kernel, id: CalloutId, safe: bool) -> Result<i64, KernelError> {
    k.co.wheel.get_mut(id).c_flags &= !CALLOUT_ACTIVE;
    if k.co.th.curr_callout != Some(id) {
        return Ok(stopped(k, id, safe, 0, StopWhy::Idle));
    }
    let who = threads::current(k);
    if safe {
        let name = name_of(k, id);
        let func = k.co.wheel.c_func_name(id).map_or("", |f| f.as_str());
        if who == Thread::Softclock {
            let msg = format!(
                "deadlock: {func}() calls callout_drain(&{name}) on the callout it is servicing; softclock would sleep until it returns itself"
            );
            return Err(k.panic(msg));
        }
        let until = format!("{func}() returns");
        k.co.th.callout_wait = true;
        // 6.x: `msleep_spin(&callout_wait, &callout_lock, "codrain", 0)`, a sleep, so Giant is
        // dropped while it waits.
        threads::block_script(
            k,
            ScriptWait::Drain(id),
            format!("callout_drain(&{name})"),
            until,
            true,
        )?;
        return Ok(stopped(k, id, safe, 0, StopWhy::Drained));
    }
    let use_mtx = c_mtx(k, id).is_some_and(|m| threads::owner(k, m) == Some(who));
    if use_mtx && !k.co.th.curr_cancelled {
        k.co.th.curr_cancelled = true;
        k.emit(CalloutEvent::InvocationCancelled {
            c: name_of(k, id),
            by: "callout_stop",
        });
        return Ok(stopped(k, id, safe, 1, StopWhy::CancelledBeforeStart));
    }
    Ok(stopped(k, id, safe, 0, StopWhy::Serviced))
}

/// Records how a stop or drain ended; returns its value.
#[inline]
fn stopped(k: &mut Kernel, id: CalloutId, drain: bool, ret: i64, why: StopWhy) -> i64 {
    k.emit(CalloutEvent::Stop {
        c: name_of(k, id),
        drain,
        ret,
        why,
    });
    ret
}

/// `callout_active(c)` and `callout_pending(c)` are `callout.h` macros, `((c)->c_flags & FLAG)`:
/// they return the bit itself (CALLOUT_ACTIVE 2, CALLOUT_PENDING 4), not 1, or 0.
fn flag_read(
    k: &mut Kernel,
    id: CalloutId,
    call: &'static str,
    flag: &'static str,
    bit: u32,
) -> Value {
    let ret = k.co.wheel.get(id).c_flags & bit;
    k.emit(CalloutEvent::FlagRead {
        c: name_of(k, id),
        call,
        flag,
        bit,
        ret,
    });
    Value::Int(ret as i64)
}

pub fn callout_active(k: &mut Kernel, id: CalloutId) -> Value {
    flag_read(k, id, "callout_active", "CALLOUT_ACTIVE", CALLOUT_ACTIVE)
}

pub fn callout_pending(k: &mut Kernel, id: CalloutId) -> Value {
    flag_read(k, id, "callout_pending", "CALLOUT_PENDING", CALLOUT_PENDING)
}

pub fn callout_deactivate(k: &mut Kernel, id: CalloutId) {
    k.co.wheel.get_mut(id).c_flags &= !CALLOUT_ACTIVE;
    k.emit(CalloutEvent::Deactivate { c: name_of(k, id) });
}
