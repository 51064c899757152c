//! hardclock's half of the callwheel and the softclock scan (`kern_clock.c` and `softclock()` of
//! FreeBSD 5.x-6.x `kern_timeout.c`).
//!
//! hardclock does O(1) work: it only looks whether the bucket of the new `ticks` is empty. If it
//! is, and softclock is not behind, `softticks` catches up by itself; otherwise softclock is
//! scheduled. softclock then visits the bucket of every tick from `softticks + 1` to `ticks`
//! and walks each one in list order: entries whose `c_time` is that tick run, entries of later
//! laps are skipped (a "step"). A handler that stays busy stops the scan where it is
//! (`nextsoftcheck`); the scan resumes in the pass of the hardclock that finishes the handler.
//!
//! The scan runs no handler itself: [`Callouts::softclock_next`] walks until the softclock
//! thread has a call to make and hands it out; the machine (`kernel::machine`) makes it and
//! asks for the next one, until the pass is over.

use super::callwheel::{bucket_of, laps_until, CalloutId, CALLOUT_LOCAL_ALLOC, CALLOUT_PENDING};
use super::events::CalloutEvent;
use super::threads::{Call, Origin, GIANT};
use super::Callouts;
use crate::kernel::{KernelError, Trace};

/// Entries softclock examines before it briefly drops `callout_lock` (`MAX_SOFTCLOCK_STEPS`).
pub const MAX_SOFTCLOCK_STEPS: u32 = 100;

impl Callouts {
    /// The callwheel half of `hardclock()`, after `ticks++` made `ticks` = `now`; `boot` on the
    /// first hardclock since boot (nothing before it has to be scanned).
    pub fn hardclock(&mut self, now: i32, boot: bool, trace: &mut Trace) {
        self.ensure_boot(now);
        if boot {
            self.th.softticks = now.wrapping_sub(1);
        }
        self.th.in_tick = true;
        self.count_down();
        self.calltodo_hardclock();
        let bucket = bucket_of(now, self.wheel.mask);
        let count = self.wheel.bucket_len(bucket);
        if count > 0 {
            trace.emit(now, CalloutEvent::Scheduled { bucket, count });
        } else if self.th.softticks.wrapping_add(1) == now {
            self.th.softticks = now;
        }
    }

    /// The start of the FreeBSD part of the softclock pass that follows every hardclock; the
    /// machine then calls [`Callouts::softclock_next`] until it returns None, then
    /// [`Callouts::end_pass`].
    pub fn begin_pass(&mut self, now: i32) -> Result<(), KernelError> {
        if self.th.in_pass {
            return Err(KernelError::msg(
                "hardclock() cannot be called from a callout handler: handlers run inside softclock",
            ));
        }
        self.ensure_boot(now);
        self.th.in_tick = false;
        self.th.in_pass = true;
        if self.th.running.is_none() {
            self.th.steps = 0;
        }
        Ok(())
    }

    pub fn end_pass(&mut self) {
        self.th.in_pass = false;
    }

    /// One step of the softclock pass: walks the calltodo list and the due buckets until the
    /// softclock thread has a call to make (returned), or the pass is over or waits for its
    /// handler (None).
    pub fn softclock_next(
        &mut self,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Option<Call>, KernelError> {
        loop {
            if self.th.running.is_some() {
                match self.advance(now, trace)? {
                    Some(call) => return Ok(Some(call)),
                    // It still waits: so does the scan behind it.
                    None if self.th.running.is_some() => return Ok(None),
                    None => continue,
                }
            }
            if self.calltodo_softclock_one(now, trace)? {
                continue;
            }
            if self.th.walking {
                match self.th.nextsoftcheck {
                    Some(id) => self.examine(id, now, trace)?,
                    None => self.th.walking = false,
                }
                continue;
            }
            if self.th.softticks == now {
                return Ok(None);
            }
            let curticks = self.th.softticks.wrapping_add(1);
            let bucket = bucket_of(curticks, self.wheel.mask);
            let th = &mut self.th;
            th.softticks = curticks;
            th.curticks = curticks;
            th.walking = true;
            th.nextsoftcheck = self.wheel.head(bucket);
            let count = self.wheel.bucket_len(bucket);
            if count > 0 {
                trace.emit(
                    now,
                    CalloutEvent::Scan {
                        tick: curticks,
                        bucket,
                        count,
                    },
                );
            }
        }
    }

    /// One entry of the bucket being walked: skip it (a later lap) or run it.
    fn examine(&mut self, id: CalloutId, now: i32, trace: &mut Trace) -> Result<(), KernelError> {
        let curticks = self.th.curticks;
        let c_time = self.wheel.get(id).c_time;
        if c_time == curticks {
            return self.fire(id, now, trace);
        }
        self.th.nextsoftcheck = self.wheel.next(id);
        self.th.steps += 1;
        let steps = self.th.steps;
        trace.emit(
            now,
            CalloutEvent::Skip {
                c: self.name_of(id),
                tick: curticks,
                c_time,
                laps: laps_until(c_time, curticks, self.wheel.size()),
                steps,
            },
        );
        if steps >= MAX_SOFTCLOCK_STEPS {
            trace.emit(now, CalloutEvent::Yield { steps });
            self.th.steps = 0;
        }
        Ok(())
    }

    /// Dequeues a due callout and hands it to the softclock thread. A pooled callout goes back
    /// to `callfree` first, so it can never be "being serviced"; any other stays ACTIVE and
    /// becomes `curr_callout`.
    fn fire(&mut self, id: CalloutId, now: i32, trace: &mut Trace) -> Result<(), KernelError> {
        self.th.nextsoftcheck = self.wheel.next(id);
        self.wheel.remove(id);
        let c = self.wheel.get_mut(id);
        let func = c.c_func.clone();
        let c_mtx = (!c.mpsafe()).then_some(GIANT);
        if c.local_alloc() {
            c.c_func = None;
            c.c_flags = CALLOUT_LOCAL_ALLOC;
            self.callfree.push(id);
            self.th.curr_callout = None;
            trace.emit(
                now,
                CalloutEvent::Freed {
                    slot: id,
                    func: func.clone(),
                },
            );
        } else {
            c.c_flags &= !CALLOUT_PENDING;
            self.th.curr_callout = Some(id);
        }
        self.th.curr_cancelled = false;
        self.th.steps = 0;
        let Some(func) = func else {
            let name = self.name_of(id);
            return Err(KernelError::Panic(format!(
                "Fatal trap 12: page fault while in kernel mode: softclock called the NULL c_func of {name}"
            )));
        };
        // An MPSAFE callout is called right away, before anything can reset it, so its `c_arg`
        // is read then; one that may wait for Giant takes it along now.
        let arg = c_mtx.map(|_| self.wheel.get(id).c_arg.clone());
        self.start(Origin::Wheel(id), func, arg, c_mtx, now, trace);
        Ok(())
    }
}
