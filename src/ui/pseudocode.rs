//! The project's own pseudocode of the routines the simulator runs, and which line of which
//! routine an event comes from, so the page can show the running routine with its line
//! highlighted. The lines follow `src/kernel/` (which follows the BSD sources): change one and
//! the other together. Plain Rust, tested natively.

use crate::kernel::freebsd::events::CalloutEvent;
use crate::kernel::openbsd::TimeoutEvent;
use crate::kernel::route::radix_match::{LookupWalk, WalkStep};
use crate::kernel::route::RouteEvent;
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
    /// FreeBSD `softclock()`: the callwheel scan from `softticks` up to `ticks`.
    CallwheelSoftclock,
    /// `rn_match()`: longest-prefix match in the radix tree, with backtracking.
    RnMatch,
}

impl Routine {
    pub fn name(self) -> &'static str {
        match self {
            Routine::TimeoutAdd => "timeout_add(to, to_ticks)",
            Routine::Hardclock => "hardclock()",
            Routine::Softclock => "softclock()",
            Routine::RtTimerTimer => "rt_timer_timer(arg)",
            Routine::CallwheelSoftclock => "softclock() (FreeBSD callwheel)",
            Routine::RnMatch => "rn_match(v, head)",
        }
    }

    /// The pseudocode, one line per entry.
    pub fn lines(self) -> &'static [&'static str] {
        match self {
            Routine::TimeoutAdd => &[
                "if (to_ticks < 0) panic(\"timeout_add: to_ticks (%d) < 0\", to_ticks)",
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
                "        insert to into the bucket for delta     /* wheel 0 if delta <= 1 << 8, 1 if <= 1 << 16, 2 if <= 1 << 24, else 3 */",
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
                "        RTTIMER_CALLOUT(r)   /* rtt_func(rt, r); NULL: rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0) */",
                "    }",
                "}",
                "timeout_add(&rt_timer_ch, hz)                   /* scan again in one second */",
            ],
            Routine::CallwheelSoftclock => &[
                "while (softticks != ticks) {                    /* every tick not scanned yet */",
                "    curticks = ++softticks",
                "    bucket = &callwheel[curticks & callwheelmask]",
                "    for (c = TAILQ_FIRST(bucket); c != NULL; c = nextsoftcheck) {",
                "        nextsoftcheck = TAILQ_NEXT(c, c_links.tqe)",
                "        if (c->c_time != curticks) {            /* a later lap: skip it */",
                "            if (++steps >= MAX_SOFTCLOCK_STEPS)",
                "                drop and retake callout_lock; steps = 0",
                "            continue",
                "        }",
                "        TAILQ_REMOVE(bucket, c, c_links.tqe)",
                "        if (c->c_flags & CALLOUT_LOCAL_ALLOC)   /* a timeout() callout */",
                "            c->c_func = NULL; SLIST_INSERT_HEAD(&callfree, c)",
                "        else",
                "            c->c_flags &= ~CALLOUT_PENDING; curr_callout = c",
                "        c_func(c_arg)                           /* holding Giant unless MPSAFE */",
                "        curr_callout = NULL",
                "    }",
                "}",
            ],
            Routine::RnMatch => &[
                "x = the top node of head",
                "while (x is an internal node)                   /* descend */",
                "    x = (bit x->rn_bit of v is 1) ? x->rn_right : x->rn_left",
                "compare v with x->rn_key over the bytes x's mask covers",
                "if (they are equal) return (x is an end marker) ? x->rn_dupedkey : x",
                "b = the first bit where v and x->rn_key differ",
                "for (t = x; t != NULL; t = t->rn_dupedkey)      /* a host route at the head is skipped */",
                "    if (t's mask index >= b) return t          /* its mask covers v */",
                "t = x; do {                                     /* backtrack */",
                "    t = t->rn_parent",
                "    for (m = t->rn_mklist; m != NULL; m = m->rm_mklist)",
                "        if (m is a normal mask) { if (m's index >= b) return m->rm_leaf }",
                "        else { x = rn_search_m(v, t, m->rm_mask); if (x covers v under m) return x }",
                "} while (t != top)",
                "return NULL",
            ],
        }
    }
}

/// The routine and line (0-based) an event comes from, when it has pseudocode here. Without
/// its neighbours some callout events are ambiguous (see [`locate_in`]): those give `None`.
pub fn locate(e: &Event) -> Option<(Routine, usize)> {
    locate_in(std::slice::from_ref(e), 0)
}

/// The routine and line of `events[i]`, reading its neighbours where the event alone does not
/// say: a callout handler run (and its return) belongs to the callwheel scan only when it did
/// not come off the 4.4BSD `calltodo` list, and a pooled callout going back to `callfree` is
/// softclock's only when its handler runs next (else `untimeout` freed it).
pub fn locate_in(events: &[Event], i: usize) -> Option<(Routine, usize)> {
    use Routine::*;
    let e = events.get(i)?;
    Some(match &*e.kind {
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
        EventKind::Callout(c) => match c {
            CalloutEvent::Scan { .. } => (CallwheelSoftclock, 2),
            CalloutEvent::Skip { .. } => (CallwheelSoftclock, 5),
            CalloutEvent::Yield { .. } => (CallwheelSoftclock, 7),
            CalloutEvent::Freed { .. } if handler_follows(events, i) => (CallwheelSoftclock, 12),
            CalloutEvent::Return { .. } => {
                let fire = events[..i].iter().rposition(is_callout_fire)?;
                if from_calltodo(events, fire)? {
                    return None;
                }
                (CallwheelSoftclock, 16)
            }
            _ => return None,
        },
        EventKind::Fire {
            via: Via::Callout, ..
        } => {
            if from_calltodo(events, i)? {
                return None;
            }
            (CallwheelSoftclock, 15)
        }
        EventKind::Route(RouteEvent::Lookup { walk, .. }) => (RnMatch, walk_end(walk)),
        _ => return None,
    })
}

fn is_callout_fire(e: &Event) -> bool {
    matches!(
        *e.kind,
        EventKind::Fire {
            via: Via::Callout,
            ..
        }
    )
}

/// The `rn_match` line of one step of a lookup.
pub fn walk_line(step: &WalkStep) -> usize {
    match step {
        WalkStep::Test { .. } => 2,
        WalkStep::Compare {
            diff_bit: Some(_), ..
        } => 3,
        WalkStep::Compare { diff_bit: None, .. } | WalkStep::RootMarker { .. } => 4,
        WalkStep::Duped { .. } => 7,
        WalkStep::Up { .. } => 9,
        WalkStep::MaskTest { .. } => 11,
        WalkStep::MaskedSearch { .. } => 12,
    }
}

/// The line a lookup ended on: the step that answered, or `return NULL` when none did.
fn walk_end(walk: &LookupWalk) -> usize {
    let last = walk.steps.last();
    let answered = match last {
        Some(WalkStep::Duped { matched, .. })
        | Some(WalkStep::MaskTest { matched, .. })
        | Some(WalkStep::MaskedSearch { matched, .. }) => *matched,
        Some(WalkStep::Compare { diff_bit, .. }) => diff_bit.is_none(),
        Some(WalkStep::RootMarker { .. }) => walk.node.is_some(),
        _ => false,
    };
    match last {
        Some(step) if answered => walk_line(step),
        _ => 14,
    }
}

/// Whether the callout handler run at `events[i]` came off the 4.4BSD `calltodo` list rather
/// than the callwheel: the nearest dequeue before it says (`None`: no such event in `events`).
fn from_calltodo(events: &[Event], i: usize) -> Option<bool> {
    events[..i].iter().rev().find_map(|e| match &*e.kind {
        EventKind::Callout(CalloutEvent::TodoDue { .. }) => Some(true),
        EventKind::Callout(
            CalloutEvent::Scan { .. }
            | CalloutEvent::Skip { .. }
            | CalloutEvent::Freed { .. }
            | CalloutEvent::Return { .. },
        )
        | EventKind::Fire { .. } => Some(false),
        _ => None,
    })
}

/// Whether a callout handler starts after `events[i]` before anything but lock traffic.
fn handler_follows(events: &[Event], i: usize) -> bool {
    events[i + 1..]
        .iter()
        .find(|e| {
            !matches!(
                *e.kind,
                EventKind::Callout(CalloutEvent::LockWait { .. } | CalloutEvent::Locked { .. })
            )
        })
        .is_some_and(is_callout_fire)
}

/// The newest event of `events` that has pseudocode, with its place.
pub fn latest(events: &[Event]) -> Option<(&Event, Routine, usize)> {
    (0..events.len())
        .rev()
        .find_map(|i| locate_in(events, i).map(|(r, l)| (&events[i], r, l)))
}
