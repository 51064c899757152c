//! Scheme 7: hierarchical timing wheels, OpenBSD's 4 x 256 wheel as the simulated kernel
//! implements it ([`crate::kernel::openbsd`]). The lab calls `timeout_add` and `timeout_del` on a
//! [`Kernel`] and runs its hardclocks, and counts the work from the events the kernel records.
//!
//! Wheel 0 has a bucket per tick for the next 256 ticks, wheel 1 a bucket per 256 ticks, and so
//! on. OpenBSD 5.6 is lazy: `timeout_add` appends to `timeout_todo` and softclock puts the
//! timeout into the bucket its remaining delay calls for. Each tick hardclock splices the
//! wheel-0 bucket of the tick onto the todo list; when wheel 0 comes round to bucket 0 it also
//! splices the current wheel-1 bucket (a *cascade*), and so up the wheels. softclock then runs
//! what is due and re-buckets the rest into a lower wheel. A timer is moved once per level it
//! passes through: the cost the paper's scheme 7 pays for keeping only 4 x 256 buckets, and it
//! comes in bursts at the 256-tick boundaries.

use super::{kernel_refused, Scheme, SchemeKind, TimerId, Work};
use crate::kernel::openbsd::{wheel_position, TimeoutEvent, TimeoutId, BUCKETS, WHEELCOUNT};
use crate::kernel::{calls, EventKind, Kernel, Value};

/// Bytes of a `struct circq` (a bucket or the todo list) and of a `struct timeout`.
const LIST: u64 = 16;
const ENTRY: u64 = 40;

/// The handler every timeout calls; each timeout is named `t` and its timer number.
const FUNC: &str = "lab_expire";

pub struct Hierarchical {
    k: Kernel,
    ids: Vec<TimeoutId>,
    armed: Vec<bool>,
    queued: u64,
    peak: u64,
    /// Entries the last tick's cascades spliced down, for the narration.
    pub last_cascade: u64,
}

/// The timer a timeout called `t<N>` stands for.
fn timer_of(name: &str) -> TimerId {
    name.strip_prefix('t')
        .and_then(|n| n.parse().ok())
        .expect("the lab names its timeouts t<N>")
}

impl Hierarchical {
    pub fn new(timers: u32) -> Hierarchical {
        let mut k = Kernel::new();
        // The lab drains the log after every call; the limit is for scenarios that do not.
        k.trace.max_events = usize::MAX;
        let ids = (0..timers)
            .map(|i| {
                calls::openbsd::timeout_set(&mut k, &format!("t{i}"), FUNC, Value::Int(i as i64))
            })
            .collect();
        k.trace.events.clear();
        Hierarchical {
            k,
            ids,
            armed: vec![false; timers as usize],
            queued: 0,
            peak: 0,
            last_cascade: 0,
        }
    }

    /// The kernel, for a view that draws the wheel.
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

impl Scheme for Hierarchical {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Hierarchical
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        self.check_clock(now);
        calls::openbsd::timeout_add_id(&mut self.k, self.ids[timer as usize], (due - now) as i64)
            .unwrap_or_else(|e| kernel_refused("timeout_add", e));
        let mut w = Work::ZERO;
        for e in self.k.trace.events.drain(..) {
            match &*e.kind {
                EventKind::Timeout(TimeoutEvent::Added { .. }) => w.moved += 1,
                // Off its bucket, onto the tail of timeout_todo.
                EventKind::Timeout(TimeoutEvent::MovedEarlier { .. }) => w.moved += 2,
                // A later deadline only changes to_time: softclock will see it.
                EventKind::Timeout(TimeoutEvent::LeftInPlace { .. }) => w.visited += 1,
                _ => {}
            }
        }
        self.arm(timer, true);
        w
    }

    fn stop(&mut self, now: u64, timer: TimerId) -> Work {
        self.check_clock(now);
        let removed = calls::openbsd::timeout_del_id(&mut self.k, self.ids[timer as usize]);
        self.k.trace.events.clear();
        self.arm(timer, false);
        Work {
            moved: removed as u64,
            ..Work::ZERO
        }
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        self.k
            .hardclock_kernel_only()
            .unwrap_or_else(|e| kernel_refused("hardclock", e));
        self.check_clock(now);
        let mut w = Work::ZERO;
        // `timeout_hardclock_update` looks at wheel 0's bucket, and at the next wheel's only
        // when this one has come round to bucket 0.
        for wheel in 0..WHEELCOUNT {
            w.buckets += 1;
            if wheel_position(self.k.clock.ticks, wheel) != 0 {
                break;
            }
        }
        self.last_cascade = 0;
        for e in std::mem::take(&mut self.k.trace.events) {
            match &*e.kind {
                EventKind::Timeout(TimeoutEvent::Cascade { count, .. }) => {
                    self.last_cascade += *count as u64
                }
                EventKind::Timeout(TimeoutEvent::Rebucketed { .. }) => w.moved += 1,
                EventKind::Timeout(TimeoutEvent::Due { name, .. }) => {
                    w.moved += 1;
                    let timer = timer_of(name);
                    self.arm(timer, false);
                    fired.push(timer);
                }
                _ => {}
            }
        }
        w
    }

    fn memory(&self) -> u64 {
        (BUCKETS as u64 + 1) * LIST + self.peak * ENTRY
    }
}
