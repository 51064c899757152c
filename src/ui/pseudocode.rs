//! The project's own pseudocode of the routines the simulator runs, and which line of which
//! routine an event comes from, so the page can show the running routine with its line
//! highlighted. The lines follow `src/kernel/` (which follows the BSD sources): change one and
//! the other together. Plain Rust, tested natively.

use crate::kernel::openbsd::TimeoutEvent;
use crate::kernel::rttimer::RtTimerEvent;
use crate::kernel::{Event, EventKind, Via};

/// A routine with pseudocode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routine {
    /// OpenBSD `timeout_add(9)`.
    TimeoutAdd,
    /// OpenBSD `hardclock()` with `timeout_hardclock_update()`.
    Hardclock,
    /// OpenBSD `softclock()`.
    Softclock,
    /// NetBSD `rt_timer_timer()`, the 1 Hz scan of the rt_timer queues.
    RtTimerTimer,
}

impl Routine {
    pub fn name(self) -> &'static str {
        match self {
            Routine::TimeoutAdd => "timeout_add(to, to_ticks)",
            Routine::Hardclock => "hardclock()",
            Routine::Softclock => "softclock()",
            Routine::RtTimerTimer => "rt_timer_timer(arg)",
        }
    }

    /// The pseudocode, one line per entry.
    pub fn lines(self) -> &'static [&'static str] {
        match self {
            Routine::TimeoutAdd => &[
                "if (to_ticks < 0) panic(\"timeout_add: to_ticks < 0\")",
                "old_time = to->to_time",
                "to->to_time = ticks + to_ticks",
                "to->to_flags &= ~TIMEOUT_TRIGGERED",
                "if (to->to_flags & TIMEOUT_ONQUEUE) {",
                "    if (to->to_time - ticks < old_time - ticks)   /* earlier */",
                "        move to from its bucket to the tail of timeout_todo",
                "    /* else: left where it is; softclock sorts it when its bucket comes */",
                "} else {",
                "    to->to_flags |= TIMEOUT_ONQUEUE",
                "    append to to timeout_todo",
                "}",
            ],
            Routine::Hardclock => &[
                "ticks++",
                "splice wheel 0 bucket (ticks & 255) onto timeout_todo",
                "if (wheel 0 came round to bucket 0) {           /* a 256-tick boundary */",
                "    cascade: splice wheel 1 bucket ((ticks >> 8) & 255)",
                "    if (wheel 1 came round to bucket 0) {",
                "        cascade: splice wheel 2 bucket ((ticks >> 16) & 255)",
                "        if (wheel 2 came round to bucket 0)",
                "            cascade: splice wheel 3 bucket ((ticks >> 24) & 255)",
                "    }",
                "}",
                "if (timeout_todo is not empty) schedule softclock",
            ],
            Routine::Softclock => &[
                "while ((to = first of timeout_todo) != NULL) {",
                "    remove to from timeout_todo",
                "    delta = to->to_time - ticks",
                "    if (delta > 0) {",
                "        insert to into the bucket for delta     /* highest wheel with delta >= 256^w */",
                "        continue",
                "    }",
                "    to->to_flags &= ~TIMEOUT_ONQUEUE; to->to_flags |= TIMEOUT_TRIGGERED",
                "    to->to_func(to->to_arg)",
                "}",
            ],
            Routine::RtTimerTimer => &[
                "for (rtq in rttimer_queue_head) {               /* newest queue first */",
                "    while ((r = first of rtq->rtq_head) != NULL &&",
                "           r->rtt_time + rtq->rtq_timeout < time_uptime) {",
                "        unlink r from its route and from rtq; rtq->rtq_count--",
                "        (*r->rtt_func)(r->rtt_rt, r)",
                "    }",
                "}",
                "timeout_add(&rt_timer_ch, hz)                   /* scan again in one second */",
            ],
        }
    }
}

/// The routine and line (0-based) an event comes from, when it has pseudocode here.
pub fn locate(e: &Event) -> Option<(Routine, usize)> {
    use Routine::*;
    Some(match &e.kind {
        EventKind::Tick { .. } => (Hardclock, 0),
        EventKind::Timeout(t) => match t {
            TimeoutEvent::Added { .. } => (TimeoutAdd, 10),
            TimeoutEvent::MovedEarlier { .. } => (TimeoutAdd, 6),
            TimeoutEvent::LeftInPlace { .. } => (TimeoutAdd, 7),
            TimeoutEvent::Splice { .. } => (Hardclock, 1),
            TimeoutEvent::Cascade { wheel: 1, .. } => (Hardclock, 3),
            TimeoutEvent::Cascade { wheel: 2, .. } => (Hardclock, 5),
            TimeoutEvent::Cascade { .. } => (Hardclock, 7),
            TimeoutEvent::Rebucketed { .. } => (Softclock, 4),
            TimeoutEvent::Due { .. } => (Softclock, 7),
            _ => return None,
        },
        EventKind::Fire {
            via: Via::Timeout, ..
        } => (Softclock, 8),
        EventKind::RtTimer(r) => match r {
            RtTimerEvent::ScanStarted { .. } => (RtTimerTimer, 0),
            RtTimerEvent::Expired { .. } => (RtTimerTimer, 3),
            _ => return None,
        },
        EventKind::Fire {
            via: Via::RtTimer, ..
        } => (RtTimerTimer, 4),
        _ => return None,
    })
}

/// The newest event of `events` that has pseudocode, with its place.
pub fn latest(events: &[Event]) -> Option<(&Event, Routine, usize)> {
    events
        .iter()
        .rev()
        .find_map(|e| locate(e).map(|(r, l)| (e, r, l)))
}
