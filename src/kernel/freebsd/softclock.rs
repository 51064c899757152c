//! hardclock's half of the callwheel and the softclock scan (`kern_clock.c` and `softclock()` of
//! FreeBSD 5.x-6.x `kern_timeout.c`).
//!
//! hardclock does O(1) work: it only looks whether the bucket of the new `ticks` is empty. If it
//! is, and softclock is not behind, `softticks` catches up by itself; otherwise softclock is
//! scheduled. softclock then visits the bucket of every tick from `softticks + 1` to `ticks`
//! and walks each one in list order: entries whose `c_time` is that tick run, entries of later
//! laps are skipped (a "step"). A handler that stays busy stops the scan where it is
//! (`nextsoftcheck`); the scan resumes in the pass of the hardclock that finishes the handler.

use super::callwheel::{bucket_of, laps_until, CalloutId, CALLOUT_LOCAL_ALLOC, CALLOUT_PENDING};
use super::events::CalloutEvent;
use super::threads::{self, Origin, GIANT};
use super::{calltodo, ensure_boot, name_of};
use crate::kernel::{Kernel, KernelError};

/// Entries softclock examines before it briefly drops `callout_lock` (`MAX_SOFTCLOCK_STEPS`).
pub const MAX_SOFTCLOCK_STEPS: u32 = 100;

/// The callwheel half of `hardclock()`, after `ticks++`.
pub fn hardclock(k: &mut Kernel) {
    ensure_boot(k);
    let ticks = k.clock.ticks;
    if k.clock.elapsed == 1 {
        // Boot: nothing before this tick has to be scanned.
        k.co.th.softticks = ticks.wrapping_sub(1);
    }
    k.co.th.in_tick = true;
    threads::count_down(k);
    calltodo::hardclock(k);
    let bucket = bucket_of(ticks, k.co.wheel.mask);
    let count = k.co.wheel.bucket_len(bucket);
    if count > 0 {
        k.emit(CalloutEvent::Scheduled { bucket, count });
    } else if k.co.th.softticks.wrapping_add(1) == ticks {
        k.co.th.softticks = ticks;
    }
}

/// The FreeBSD part of the softclock pass that follows every hardclock.
pub fn softclock(k: &mut Kernel) -> Result<(), KernelError> {
    if k.co.th.in_pass {
        return Err(KernelError::msg(
            "hardclock() cannot be called from a callout handler: handlers run inside softclock",
        ));
    }
    ensure_boot(k);
    k.co.th.in_tick = false;
    k.co.th.in_pass = true;
    let r = pass(k);
    k.co.th.in_pass = false;
    r
}

fn pass(k: &mut Kernel) -> Result<(), KernelError> {
    if k.co.th.running.is_none() {
        k.co.th.steps = 0;
    }
    loop {
        if k.co.th.running.is_some() {
            if !threads::advance(k)? {
                return Ok(());
            }
            continue;
        }
        if calltodo::softclock_one(k)? {
            continue;
        }
        if k.co.th.walking {
            match k.co.th.nextsoftcheck {
                Some(id) => examine(k, id)?,
                None => k.co.th.walking = false,
            }
            continue;
        }
        if k.co.th.softticks == k.clock.ticks {
            return Ok(());
        }
        let curticks = k.co.th.softticks.wrapping_add(1);
        let bucket = bucket_of(curticks, k.co.wheel.mask);
        let th = &mut k.co.th;
        th.softticks = curticks;
        th.curticks = curticks;
        th.walking = true;
        th.nextsoftcheck = k.co.wheel.head(bucket);
        let count = k.co.wheel.bucket_len(bucket);
        if count > 0 {
            k.emit(CalloutEvent::Scan {
                tick: curticks,
                bucket,
                count,
            });
        }
    }
}

/// One entry of the bucket being walked: skip it (a later lap) or run it.
fn examine(k: &mut Kernel, id: CalloutId) -> Result<(), KernelError> {
    let curticks = k.co.th.curticks;
    let c_time = k.co.wheel.get(id).c_time;
    if c_time == curticks {
        return fire(k, id);
    }
    k.co.th.nextsoftcheck = k.co.wheel.next(id);
    k.co.th.steps += 1;
    let steps = k.co.th.steps;
    k.emit(CalloutEvent::Skip {
        c: name_of(k, id),
        tick: curticks,
        c_time,
        laps: laps_until(c_time, curticks, k.co.wheel.size()),
        steps,
    });
    if steps >= MAX_SOFTCLOCK_STEPS {
        k.emit(CalloutEvent::Yield { steps });
        k.co.th.steps = 0;
    }
    Ok(())
}

/// Dequeues a due callout and hands it to the softclock thread. A pooled callout goes back to
/// `callfree` first, so it can never be "being serviced"; any other stays ACTIVE and becomes
/// `curr_callout`.
fn fire(k: &mut Kernel, id: CalloutId) -> Result<(), KernelError> {
    k.co.th.nextsoftcheck = k.co.wheel.next(id);
    k.co.wheel.remove(id);
    let c = k.co.wheel.get_mut(id);
    let func = c.c_func.clone();
    let c_mtx = (!c.mpsafe()).then_some(GIANT);
    if c.local_alloc() {
        c.c_func = None;
        c.c_flags = CALLOUT_LOCAL_ALLOC;
        k.co.callfree.push(id);
        k.co.th.curr_callout = None;
        k.emit(CalloutEvent::Freed {
            slot: id,
            func: func.clone(),
        });
    } else {
        c.c_flags &= !CALLOUT_PENDING;
        k.co.th.curr_callout = Some(id);
    }
    k.co.th.curr_cancelled = false;
    k.co.th.steps = 0;
    let Some(func) = func else {
        let name = name_of(k, id);
        return Err(k.panic(format!(
            "Fatal trap 12: page fault while in kernel mode: softclock called the NULL c_func of {name}"
        )));
    };
    // An MPSAFE callout is called right away, before anything can reset it, so its `c_arg` is
    // read then; one that may wait for Giant takes it along now.
    let arg = c_mtx.map(|_| k.co.wheel.get(id).c_arg.clone());
    threads::start(k, Origin::Wheel(id), func, arg, c_mtx);
    Ok(())
}
