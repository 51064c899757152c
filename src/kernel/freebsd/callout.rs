//! `callout_init`, `callout_reset`, `callout_stop`, `callout_drain` and the ACTIVE/PENDING macros
//! (FreeBSD 6.x `kern_timeout.c`, `_callout_stop_safe`).
//!
//! A stop of a pending callout (the common case) and a reset of one that is not being serviced
//! take the short path; the cases of a running handler are out of line. A drain of the callout
//! being serviced puts the script thread to sleep: [`Callouts::stop_safe`] returns that sleep
//! ([`Stop::Sleep`]) for the syscall glue to carry out, which then records how it ended
//! ([`Callouts::drained`]).

use super::callwheel::{
    bucket_of, laps_until, CalloutId, CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE,
    CALLOUT_PENDING,
};
use super::events::Thread;
use super::events::{CalloutEvent, StopWhy};
use super::threads::{ScriptWait, Sleep, GIANT};
use super::Callouts;
use crate::kernel::{KernelError, Name, Trace, Value};

/// How `_callout_stop_safe` ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It returned this value.
    Returned(i64),
    /// `callout_drain` of the callout being serviced: the script thread sleeps until its
    /// handler returns, then the drain returns 0.
    Sleep(Sleep),
}

impl Callouts {
    /// The mutex softclock takes around this callout's handler.
    pub fn c_mtx(&self, id: CalloutId) -> Option<&'static str> {
        (!self.wheel.get(id).mpsafe()).then_some(GIANT)
    }

    /// `callout_init(&c, mpsafe)`: creates the callout on first use, zeroes it otherwise.
    pub fn callout_init(
        &mut self,
        name: &str,
        mpsafe: bool,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        let flags = if mpsafe { CALLOUT_MPSAFE } else { 0 };
        match self.names.get(name).copied() {
            Some(id) => {
                let c = self.wheel.get(id);
                if c.pending() {
                    let b = bucket_of(c.c_time, self.wheel.mask);
                    return Err(KernelError::arg(
                        0,
                        format!("callout_init: {name} is pending in bucket {b}; zeroing it would corrupt the bucket's list (stop it first)"),
                    ));
                }
                let c = self.wheel.get_mut(id);
                c.c_flags = flags;
                c.c_func = None;
                c.c_time = 0;
                c.c_arg = Value::Null;
            }
            None => {
                if self.names.len() >= self.max_named {
                    let max = self.max_named;
                    return Err(KernelError::arg(
                        0,
                        format!("callout_init: more than {max} callouts"),
                    ));
                }
                let id = self.wheel.add(Name::from(name), flags);
                self.names.insert(name.to_string(), id);
            }
        }
        trace.emit(
            now,
            CalloutEvent::Init {
                c: Name::from(name),
                mpsafe,
            },
        );
        Ok(())
    }

    /// The callout named `&c`, which must have been through `callout_init`.
    pub fn named(&self, fname: &str, name: &str) -> Result<CalloutId, KernelError> {
        self.names.get(name).copied().ok_or_else(|| {
            KernelError::arg(
                0,
                format!(
                    "{fname}: {name} was never initialised; call callout_init(&{name}, mpsafe) first"
                ),
            )
        })
    }

    /// Takes a pending callout off its bucket, keeping a softclock scan that stopped there
    /// valid.
    #[inline]
    fn unlink(&mut self, id: CalloutId) {
        if self.th.nextsoftcheck == Some(id) {
            self.th.nextsoftcheck = self.wheel.next(id);
        }
        self.wheel.remove(id);
    }

    /// `callout_reset(&c, n, func, arg)`.
    pub fn callout_reset(
        &mut self,
        id: CalloutId,
        asked: i64,
        func: Option<&str>,
        arg: &Value,
        now: i32,
        trace: &mut Trace,
    ) {
        if self.th.curr_callout == Some(id) && self.reset_serviced(id, now, trace) {
            return;
        }
        let moved = self.wheel.get(id).pending();
        if moved {
            self.unlink(id);
        }
        let n = asked.clamp(1, i32::MAX as i64) as i32;
        let c_time = now.wrapping_add(n);
        let w = &mut self.wheel;
        let c = w.get_mut(id);
        c.c_time = c_time;
        // A reset nearly always names the function it named before: keep that name.
        if c.c_func.as_deref() != func {
            c.c_func = func.map(Name::from);
        }
        c.c_flags |= CALLOUT_ACTIVE | CALLOUT_PENDING;
        c.c_arg = arg.clone();
        w.insert_tail(id);
        let w = &self.wheel;
        trace.emit_with(now, || {
            let c = w.get(id);
            CalloutEvent::Reset {
                c: c.name.clone(),
                func: c.c_func.clone().unwrap_or_else(|| Name::from("NULL")),
                arg: Name::display(arg),
                asked,
                c_time,
                bucket: bucket_of(c_time, w.mask),
                moved,
                laps: laps_until(c_time, now.wrapping_add(1), w.size()),
            }
        });
    }

    /// `callout_reset` of the callout whose handler runs (or waits for Giant): a call that has
    /// not begun is cancelled; true if a drainer waits for it, so the reset is refused.
    #[inline(never)]
    fn reset_serviced(&mut self, id: CalloutId, now: i32, trace: &mut Trace) -> bool {
        if self.c_mtx(id).is_some() && !self.th.curr_cancelled {
            self.th.curr_cancelled = true;
            trace.emit(
                now,
                CalloutEvent::InvocationCancelled {
                    c: self.name_of(id),
                    by: "callout_reset",
                },
            );
        }
        if self.th.callout_wait {
            trace.emit(
                now,
                CalloutEvent::ResetRefused {
                    c: self.name_of(id),
                },
            );
            return true;
        }
        false
    }

    /// `_callout_stop_safe(c, safe)`: `callout_stop` (safe = false) and `callout_drain` (true).
    pub fn stop_safe(
        &mut self,
        id: CalloutId,
        safe: bool,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Stop, KernelError> {
        if !self.wheel.get(id).pending() {
            return self.stop_not_pending(id, safe, now, trace);
        }
        // Pending: unlinked, whoever holds what.
        let serviced = self.th.curr_callout == Some(id);
        self.unlink(id);
        let c = self.wheel.get_mut(id);
        c.c_flags &= !(CALLOUT_ACTIVE | CALLOUT_PENDING);
        if c.c_flags & CALLOUT_LOCAL_ALLOC != 0 {
            let func = c.c_func.take();
            self.callfree.push(id);
            trace.emit(now, CalloutEvent::Freed { slot: id, func });
        }
        let why = if serviced {
            StopWhy::UnlinkedWhileServiced
        } else {
            StopWhy::Unlinked
        };
        Ok(Stop::Returned(self.stopped(id, safe, 1, why, now, trace)))
    }

    /// `callout_stop(c)`: [`Callouts::stop_safe`] without the drain, which never sleeps.
    pub fn callout_stop(
        &mut self,
        id: CalloutId,
        now: i32,
        trace: &mut Trace,
    ) -> Result<i64, KernelError> {
        Ok(match self.stop_safe(id, false, now, trace)? {
            Stop::Returned(ret) => ret,
            Stop::Sleep(_) => 0,
        })
    }

    /// [`Callouts::stop_safe`] of a callout that is not pending: idle, or its handler is
    /// running (or waits for its mutex). Out of line, so the common case above stays small.
    #[inline(never)]
    fn stop_not_pending(
        &mut self,
        id: CalloutId,
        safe: bool,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Stop, KernelError> {
        self.wheel.get_mut(id).c_flags &= !CALLOUT_ACTIVE;
        if self.th.curr_callout != Some(id) {
            return Ok(Stop::Returned(self.stopped(
                id,
                safe,
                0,
                StopWhy::Idle,
                now,
                trace,
            )));
        }
        let who = self.current();
        if safe {
            let name = self.name_of(id);
            let func = self.wheel.c_func_name(id).map_or("", |f| f.as_str());
            if who == Thread::Softclock {
                return Err(KernelError::Panic(format!(
                    "deadlock: {func}() calls callout_drain(&{name}) on the callout it is servicing; softclock would sleep until it returns itself"
                )));
            }
            let until = format!("{func}() returns");
            self.th.callout_wait = true;
            // 6.x: `msleep_spin(&callout_wait, &callout_lock, "codrain", 0)`, a sleep, so Giant
            // is dropped while it waits.
            return Ok(Stop::Sleep(Sleep {
                wait: ScriptWait::Drain(id),
                call: format!("callout_drain(&{name})"),
                until,
                sleep: true,
            }));
        }
        let use_mtx = self.c_mtx(id).is_some_and(|m| self.owner(m) == Some(who));
        if use_mtx && !self.th.curr_cancelled {
            self.th.curr_cancelled = true;
            trace.emit(
                now,
                CalloutEvent::InvocationCancelled {
                    c: self.name_of(id),
                    by: "callout_stop",
                },
            );
            return Ok(Stop::Returned(self.stopped(
                id,
                safe,
                1,
                StopWhy::CancelledBeforeStart,
                now,
                trace,
            )));
        }
        Ok(Stop::Returned(self.stopped(
            id,
            safe,
            0,
            StopWhy::Serviced,
            now,
            trace,
        )))
    }

    /// The end of a [`Stop::Sleep`]: the drain returns 0.
    pub fn drained(&mut self, id: CalloutId, now: i32, trace: &mut Trace) -> i64 {
        self.stopped(id, true, 0, StopWhy::Drained, now, trace)
    }

    /// Records how a stop or drain ended; returns its value.
    #[inline]
    fn stopped(
        &mut self,
        id: CalloutId,
        drain: bool,
        ret: i64,
        why: StopWhy,
        now: i32,
        trace: &mut Trace,
    ) -> i64 {
        trace.emit(
            now,
            CalloutEvent::Stop {
                c: self.name_of(id),
                drain,
                ret,
                why,
            },
        );
        ret
    }

    /// `callout_active(c)` and `callout_pending(c)` are `callout.h` macros,
    /// `((c)->c_flags & FLAG)`: they return the bit itself (CALLOUT_ACTIVE 2, CALLOUT_PENDING 4),
    /// not 1, or 0.
    fn flag_read(
        &self,
        id: CalloutId,
        call: &'static str,
        flag: &'static str,
        bit: u32,
        now: i32,
        trace: &mut Trace,
    ) -> Value {
        let ret = self.wheel.get(id).c_flags & bit;
        trace.emit(
            now,
            CalloutEvent::FlagRead {
                c: self.name_of(id),
                call,
                flag,
                bit,
                ret,
            },
        );
        Value::Int(ret as i64)
    }

    pub fn callout_active(&self, id: CalloutId, now: i32, trace: &mut Trace) -> Value {
        let flag = "CALLOUT_ACTIVE";
        self.flag_read(id, "callout_active", flag, CALLOUT_ACTIVE, now, trace)
    }

    pub fn callout_pending(&self, id: CalloutId, now: i32, trace: &mut Trace) -> Value {
        let flag = "CALLOUT_PENDING";
        self.flag_read(id, "callout_pending", flag, CALLOUT_PENDING, now, trace)
    }

    pub fn callout_deactivate(&mut self, id: CalloutId, now: i32, trace: &mut Trace) {
        self.wheel.get_mut(id).c_flags &= !CALLOUT_ACTIVE;
        trace.emit(
            now,
            CalloutEvent::Deactivate {
                c: self.name_of(id),
            },
        );
    }
}
