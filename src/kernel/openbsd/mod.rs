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
//!   the machine stops with a panic after `MAX_HANDLER_RUNS_PER_PASS` runs.
//!
//! Same-tick order is therefore list order: whatever was on todo before the tick (new and
//! moved-earlier timeouts, in call order), then the wheel-0 bucket in re-bucketing order, then
//! the cascaded buckets (reference §1.11).
//!
//! Files: [`wheel`] (constants, placement, `struct timeout` and its lists), [`convert`] (the
//! `_sec`, `_msec`, ... wrappers), [`events`] (what happened, in words). This file holds the
//! operations, as methods of [`Timeouts`] that take the time (`now`, the value of `ticks`) and
//! the [`Trace`] they record into; an `Err` is the message of a kernel panic. The scenario's
//! calls reach them through `kernel::calls::openbsd`, and the machine (`kernel::machine`) runs
//! hardclock and the softclock loop.
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

use super::{Name, Trace, Value};
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

/// A `struct timeout` by number, as [`Timeouts::timeout_set`] hands it out: what a caller that
/// already knows which timeout it means passes instead of the name (the benches, a native
/// driver). A scenario names its timeouts.
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

    /// The name of the timeout numbered `id`.
    pub fn name_of(&self, id: TimeoutId) -> Name {
        self.name(id.0 as usize)
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

/// A timeout softclock found due and dequeued: ONQUEUE is cleared and TRIGGERED set; the
/// caller records [`TimeoutEvent::Due`] and calls `to_func(to_arg)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub id: TimeoutId,
    pub to_func: Name,
    pub to_arg: Value,
    /// `ticks - to_time` (0 when on time).
    pub late: i32,
}

impl Timeouts {
    /// `timeout_set(&to, fn, arg)`: `to_flags` = INITIALIZED only, even if the timeout is
    /// queued. Returns the timeout's number (the same for every `timeout_set` of one name).
    pub fn timeout_set(
        &mut self,
        name: &str,
        func: &str,
        arg: Value,
        now: i32,
        trace: &mut Trace,
    ) -> TimeoutId {
        let i = match self.index(name) {
            Some(i) => i,
            None => {
                let shared = Name::from(name);
                let i = self.wheel.add(shared.clone());
                Rc::make_mut(&mut self.by_name).insert(shared, i);
                i
            }
        };
        let still_linked = self.wheel.is_linked(i).then(|| self.place_of(i));
        let arg_text = arg.to_string();
        let t = self.wheel.get_mut(i);
        t.to_func = Name::from(func);
        t.to_arg = arg;
        t.to_flags = TIMEOUT_INITIALIZED;
        trace.emit(
            now,
            TimeoutEvent::Set {
                name: t.name.clone(),
                func: func.to_string(),
                arg: arg_text,
                still_linked,
            },
        );
        TimeoutId(i as u32)
    }

    /// `timeout_add(&to, n)` of the timeout `id` (None: one `timeout_set` never saw). `n` is
    /// the C `int to_ticks` (wider values are truncated to 32 bits). Returns 1 if the timeout
    /// was newly queued, 0 if it was already queued.
    pub fn timeout_add(
        &mut self,
        id: Option<TimeoutId>,
        n: i64,
        now: i32,
        trace: &mut Trace,
    ) -> Result<i64, String> {
        let n = c_int(n);
        let i = match id.map(|id| id.0 as usize) {
            Some(i)
                if i < self.wheel.count()
                    && self.wheel.get(i).to_flags & TIMEOUT_INITIALIZED != 0 =>
            {
                i
            }
            _ => return Err("timeout_add: not initialized".into()),
        };
        if n < 0 {
            return Err(format!("timeout_add: to_ticks ({n}) < 0"));
        }
        let queued = self.wheel.get(i).to_flags & TIMEOUT_ONQUEUE != 0;
        if !queued && self.wheel.is_linked(i) {
            let (name, place) = (self.name(i), self.place_of(i));
            return Err(format!(
                "timeout_add: {name} is still linked on {place} although timeout_set() cleared \
                 ONQUEUE; linking it again would corrupt the timeout lists"
            ));
        }
        let to = self.wheel.get_mut(i);
        let old_time = to.to_time;
        let to_time = now.wrapping_add(n);
        to.to_time = to_time;
        to.to_flags &= !TIMEOUT_TRIGGERED;
        if !queued {
            to.to_flags |= TIMEOUT_ONQUEUE;
            self.wheel.insert_tail(TODO, i);
            trace.emit_with(now, || TimeoutEvent::Added {
                name: self.name(i),
                n,
                to_time,
            });
            return Ok(1);
        }
        if to_time.wrapping_sub(now) < old_time.wrapping_sub(now) {
            let from = self.wheel.remove(i);
            self.wheel.insert_tail(TODO, i);
            let from = from.map_or(Place::Nowhere, Place::of_list);
            trace.emit_with(now, || TimeoutEvent::MovedEarlier {
                name: self.name(i),
                from,
                old_time,
                to_time,
            });
        } else {
            trace.emit_with(now, || TimeoutEvent::LeftInPlace {
                name: self.name(i),
                at: self.place_of(i),
                old_time,
                to_time,
            });
        }
        Ok(0)
    }

    /// `timeout_del(&to)`: 1 if it was queued (and is now unlinked), else 0. Clears TRIGGERED.
    /// `name` is for a timeout `timeout_set` never saw (`id` None), which is not queued.
    pub fn timeout_del(
        &mut self,
        id: Option<TimeoutId>,
        name: &str,
        now: i32,
        trace: &mut Trace,
    ) -> i64 {
        let Some(i) = id.map(|id| id.0 as usize) else {
            let name = Name::from(name);
            trace.emit(now, TimeoutEvent::NotPending { name });
            return 0;
        };
        let queued = self.wheel.get(i).to_flags & TIMEOUT_ONQUEUE != 0;
        let from = if queued { self.wheel.remove(i) } else { None };
        let to = self.wheel.get_mut(i);
        to.to_flags &= !(TIMEOUT_ONQUEUE | TIMEOUT_TRIGGERED);
        trace.emit_with(now, || {
            let name = self.name(i);
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

    /// `to_flags & flag` of the timeout called `name` (a never-set timeout has no flags).
    pub fn flags(&self, name: &str, flag: i32) -> i32 {
        self.timeout(name).map_or(0, |t| t.to_flags & flag)
    }

    /// `timeout_hardclock_update`, after `ticks++` made `ticks` = `now`: splice the due buckets
    /// onto `timeout_todo`.
    pub fn hardclock(&mut self, now: i32, trace: &mut Trace) {
        for wheel in 0..WHEELCOUNT {
            let bucket = wheel_position(now, wheel);
            let count = self.wheel.splice_onto_todo(wheel * WHEELSIZE + bucket);
            if count > 0 {
                let bucket = bucket as u8;
                trace.emit(
                    now,
                    if wheel == 0 {
                        TimeoutEvent::Splice { bucket, count }
                    } else {
                        TimeoutEvent::Cascade {
                            wheel: wheel as u8,
                            bucket,
                            count,
                        }
                    },
                );
            }
            // The next wheel turns only when this one has come round to bucket 0.
            if bucket != 0 {
                break;
            }
        }
    }

    /// One step of softclock: pops `timeout_todo` from the head, re-bucketing what is not yet
    /// due, until it finds a due timeout (returned, dequeued, to be run) or the list is empty.
    pub fn softclock_next(&mut self, now: i32, trace: &mut Trace) -> Option<Due> {
        while let Some(i) = self.wheel.first(TODO) {
            let from = self.wheel.home_of(i).map_or(Place::Todo, Place::of_list);
            self.wheel.remove(i);
            let to = self.wheel.get_mut(i);
            let to_time = to.to_time;
            let delta = to_time.wrapping_sub(now);
            if delta > 0 {
                let b = bucket_for(to_time, delta);
                self.wheel.insert_tail(b, i);
                trace.emit_with(now, || TimeoutEvent::Rebucketed {
                    name: self.name(i),
                    from,
                    wheel: (b / WHEELSIZE) as u8,
                    bucket: (b % WHEELSIZE) as u8,
                    delta,
                });
                continue;
            }
            to.to_flags = to.to_flags & !TIMEOUT_ONQUEUE | TIMEOUT_TRIGGERED;
            return Some(Due {
                id: TimeoutId(i as u32),
                to_func: to.to_func.clone(),
                to_arg: to.to_arg.clone(),
                late: now.wrapping_sub(to_time),
            });
        }
        None
    }
}
