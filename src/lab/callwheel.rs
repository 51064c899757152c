//! Scheme 6: the hashed wheel with unsorted buckets, FreeBSD's callwheel, as the simulated
//! kernel implements it ([`crate::kernel::freebsd`]). The lab does not re-implement it: it
//! calls `callout_reset` and `callout_stop` on a [`Kernel`] and runs its hardclocks, and counts
//! the work from the events the kernel records.
//!
//! A callout keeps its absolute deadline and hangs, unsorted, in bucket `c_time &
//! callwheelmask`. Reset and stop are O(1) list operations; hardclock looks at the bucket of the
//! new tick, and softclock walks every entry in it: the ones due now run, the ones of later laps
//! are *skipped*, and that skipping is the scheme's cost. With the table about as large as the
//! number of callouts a walk is short on average; a timer many laps away is looked at once per
//! lap, and a bucket that collects many of them costs a long walk.

use super::{kernel_refused, Scheme, SchemeKind, TimerId, Work};
use crate::kernel::calls::freebsd::{callout_reset, callout_stop};
use crate::kernel::freebsd::callwheel::CalloutId;
use crate::kernel::freebsd::{CalloutEvent, StopWhy, NCALLOUT_MAX};
use crate::kernel::{EventKind, Kernel, NoBodies, Value, Via};

/// Bytes of a TAILQ head (a bucket) and of a FreeBSD 6 `struct callout`.
const BUCKET: u64 = 16;
const ENTRY: u64 = 48;

/// The handler every callout calls: the lab tells them apart by their argument.
const FUNC: &str = "lab_expire";

pub struct Callwheel {
    k: Kernel,
    ids: Vec<CalloutId>,
    armed: Vec<bool>,
    queued: u64,
    peak: u64,
}

impl Callwheel {
    /// A kernel whose callwheel is sized for `timers` callouts (`ncallout`, at most the
    /// simulator's 16384), with one MPSAFE callout per timer.
    pub fn new(timers: u32) -> Callwheel {
        let mut k = Kernel::new();
        // The lab drains the log after every call; the limit is for scenarios that do not.
        k.trace.max_events = usize::MAX;
        let ncallout = timers.clamp(1, NCALLOUT_MAX);
        k.assign_var(&mut NoBodies, "ncallout", &Value::Int(ncallout as i64))
            .unwrap_or_else(|e| kernel_refused("ncallout is settable before boot", e));
        // The cap on named callouts is for scenarios typed by hand.
        k.co.max_named = usize::MAX;
        let ids = (0..timers)
            .map(|i| {
                let name = format!("c{i}");
                k.call(
                    &mut NoBodies,
                    "callout_init",
                    &[Value::Ref(name.clone()), Value::Int(1)],
                )
                .unwrap_or_else(|e| kernel_refused("callout_init", e));
                k.co.named("callout_reset", &name)
                    .unwrap_or_else(|e| kernel_refused("just initialised", e))
            })
            .collect();
        k.trace.events.clear();
        Callwheel {
            k,
            ids,
            armed: vec![false; timers as usize],
            queued: 0,
            peak: 0,
        }
    }

    /// The kernel, for a view that draws the callwheel.
    pub fn kernel(&self) -> &Kernel {
        &self.k
    }

    fn arm(&mut self, timer: TimerId, on: bool) {
        let was = std::mem::replace(&mut self.armed[timer as usize], on);
        match (was, on) {
            (false, true) => {
                self.queued += 1;
                self.peak = self.peak.max(self.queued);
            }
            (true, false) => self.queued -= 1,
            _ => {}
        }
    }

    fn check_clock(&self, now: u64) {
        assert_eq!(
            self.k.clock.ticks as u64, now,
            "the lab and the kernel share one clock"
        );
    }
}

impl Scheme for Callwheel {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Callwheel
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        self.check_clock(now);
        let id = self.ids[timer as usize];
        callout_reset(
            &mut self.k,
            id,
            (due - now) as i64,
            Some(FUNC),
            &Value::Int(timer as i64),
        );
        let mut w = Work::ZERO;
        for e in self.k.trace.events.drain(..) {
            if let EventKind::Callout(CalloutEvent::Reset { moved, .. }) = &*e.kind {
                // TAILQ_REMOVE from the old bucket if it was pending, TAILQ_INSERT_TAIL.
                w.moved += 1 + *moved as u64;
            }
        }
        self.arm(timer, true);
        w
    }

    fn stop(&mut self, now: u64, timer: TimerId) -> Work {
        self.check_clock(now);
        let id = self.ids[timer as usize];
        callout_stop(&mut self.k, &mut NoBodies, id)
            .unwrap_or_else(|e| kernel_refused("callout_stop", e));
        let mut w = Work::ZERO;
        for e in self.k.trace.events.drain(..) {
            if let EventKind::Callout(CalloutEvent::Stop {
                why: StopWhy::Unlinked,
                ..
            }) = &*e.kind
            {
                w.moved += 1;
            }
        }
        self.arm(timer, false);
        w
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        self.k
            .hardclock_kernel_only()
            .unwrap_or_else(|e| kernel_refused("hardclock", e));
        self.check_clock(now);
        // hardclock looks at the bucket of the new tick; softclock walks it if it is not empty.
        let mut w = Work {
            buckets: 1,
            ..Work::ZERO
        };
        for e in std::mem::take(&mut self.k.trace.events) {
            match &*e.kind {
                EventKind::Callout(CalloutEvent::Skip { .. }) => w.visited += 1,
                EventKind::Fire {
                    via: Via::Callout,
                    arg,
                    ..
                } => {
                    // Examined, found due, taken off the bucket.
                    w.visited += 1;
                    w.moved += 1;
                    let timer: TimerId = arg
                        .parse()
                        .unwrap_or_else(|_| unreachable!("the lab's callouts carry their timer"));
                    self.arm(timer, false);
                    fired.push(timer);
                }
                _ => {}
            }
        }
        w
    }

    fn memory(&self) -> u64 {
        self.k.co.callwheelsize() as u64 * BUCKET + self.peak * ENTRY
    }
}
