//! The event stream: everything the simulated kernel does, in the order it does it.
//!
//! The UI animates these, the narration reads them aloud, and `hardclock-trace` prints them.
//! Each facility has its own event enum next to its code; this file ties them together.

use super::name::Name;
use super::value::Value;
use super::{freebsd, openbsd, route, rttimer};
use std::rc::Rc;

/// Which API scheduled a handler that runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// OpenBSD `timeout(9)` on the hierarchical wheel.
    Timeout,
    /// FreeBSD `callout(9)` / legacy `timeout()` on the callwheel.
    Callout,
    /// A NetBSD `rt_timer` action run by the 1 Hz scan.
    RtTimer,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Timeout => "timeout",
            Via::Callout => "callout",
            Via::RtTimer => "rt_timer",
        }
    }
}

/// One thing that happened, stamped with the value of `ticks` at the time.
///
/// What happened is shared, never copied: an event, once recorded, does not change, and the
/// page keeps the same events in every snapshot of its narration window. Copying them field by
/// field (a derived `Clone` over every facility's events) was 2 KB of the gzipped wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub tick: i32,
    pub kind: Rc<EventKind>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `hardclock()` incremented `ticks`. Within one `run_ticks`, `count` hardclocks share one
    /// event: the first `count - 1` had nothing else to report, `ticks` is the value after the
    /// last, and the events that follow belong to that last tick.
    Tick {
        ticks: i32,
        count: u32,
    },
    /// A scenario statement called the API, recorded when the call returns: from the script,
    /// or from a handler body (`handler` names it, `line` is the line inside the body).
    Call {
        line: u32,
        name: String,
        ret: Option<Value>,
        /// For calls on a route: its `rt_refcnt` after the call, and whether it was freed.
        refcnt: Option<i32>,
        freed: bool,
        /// The handler whose body made the call; None for the script's own statements.
        handler: Option<Name>,
    },
    /// A handler ran.
    Fire {
        via: Via,
        func: Name,
        arg: Name,
        /// For rt_timer actions: the route's destination.
        route: Option<String>,
    },
    Timeout(openbsd::TimeoutEvent),
    Callout(freebsd::CalloutEvent),
    Route(route::RouteEvent),
    RtTimer(rttimer::RtTimerEvent),
    /// The simulated machine halted.
    Panic {
        msg: String,
    },
}

impl From<openbsd::TimeoutEvent> for EventKind {
    fn from(e: openbsd::TimeoutEvent) -> EventKind {
        EventKind::Timeout(e)
    }
}

impl From<freebsd::CalloutEvent> for EventKind {
    fn from(e: freebsd::CalloutEvent) -> EventKind {
        EventKind::Callout(e)
    }
}

/// The narration of `count` hardclocks that brought `ticks` to `ticks`.
pub fn tick_sentence(ticks: i32, count: u64) -> String {
    if count == 1 {
        format!("hardclock(): ticks is now {ticks}.")
    } else {
        format!("hardclock() ran {count} times: ticks is now {ticks}.")
    }
}

impl Event {
    /// One sentence saying what happened and why, for the narration and text traces.
    pub fn narrate(&self) -> String {
        match &*self.kind {
            EventKind::Tick { ticks, count } => tick_sentence(*ticks, *count as u64),
            EventKind::Call {
                name,
                ret,
                handler: None,
                ..
            } => match ret {
                Some(v) => format!("{name}() returned {v}."),
                None => format!("{name}() called."),
            },
            EventKind::Call {
                name,
                ret,
                handler: Some(h),
                ..
            } => match ret {
                Some(v) => format!("{name}() returned {v}, called by handler {h}."),
                None => format!("{name}() called by handler {h}."),
            },
            EventKind::Fire {
                via,
                func,
                arg,
                route,
            } => match route {
                Some(r) => format!("The {} for route {r} expired: {func}() runs.", via.as_str()),
                None => format!(
                    "softclock runs {func}({arg}), scheduled with {}.",
                    via.as_str()
                ),
            },
            EventKind::Timeout(e) => e.narrate(),
            EventKind::Callout(e) => e.narrate(),
            EventKind::Route(e) => e.narrate(),
            EventKind::RtTimer(e) => e.narrate(),
            EventKind::Panic { msg } => format!("panic: {msg}. The simulated machine has halted."),
        }
    }
}
