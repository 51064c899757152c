//! What a lesson shows first, and the timeline of its whole run. Plain Rust, tested natively.
//!
//! * [`lesson_views`]: the views of the facilities a scenario calls (a route lesson opens on
//!   the radix tree and the route table, a callout lesson on the callwheel), read from the
//!   calls it makes like the preset catalogue's man page ([`super::catalog::man_page`]).
//! * [`Timeline::of`]: the scenario run once to its end, off screen, for the markers of the
//!   timeline under the picture (cascades, fires, rt_timer expiries, route changes, panics),
//!   each at the number of hardclocks since boot that [`super::state::Action::JumpToTick`]
//!   takes, so a marker is one exact jump away.

use super::catalog::calls;
use super::view::View;
use crate::kernel::openbsd::TimeoutEvent;
use crate::kernel::route::RouteEvent;
use crate::kernel::{Event, EventKind, Kernel, Via};
use crate::script::{hardclock_count, Scenario};

/// The views a scenario's lesson opens on, the main picture first.
pub fn lesson_views(src: &str) -> Vec<View> {
    let called = calls(src);
    let any = |f: &dyn Fn(&str) -> bool| called.iter().any(|c| f(c));
    let mut v = Vec::new();
    if any(&|c| c.starts_with("rt_timer") || c.starts_with("icmp_")) {
        // rt_timer against the routes: the lanes and the table they empty, side by side.
        v.extend([View::RtTimer, View::Routes]);
    } else if any(&|c| c.starts_with("route_") || c.starts_with("rt") || c.contains("RTFREE")) {
        v.extend([View::Radix, View::Routes]);
    }
    let openbsd = any(&|c| c.starts_with("timeout_"));
    let freebsd = any(&|c| c.starts_with("callout_") || c == "timeout" || c == "untimeout");
    if openbsd {
        v.push(View::Wheel);
    }
    if freebsd {
        v.push(View::Callwheel);
    }
    if openbsd || freebsd {
        v.push(View::Timers);
    }
    if v.is_empty() {
        v.extend([View::Wheel, View::Timers]);
    }
    v
}

/// What a timeline marker stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    Cascade,
    /// A timeout or callout handler ran.
    Fire,
    /// An rt_timer action ran (the scan expired an entry).
    Expiry,
    /// A route added, deleted, changed or freed.
    Route,
    Panic,
}

impl MarkKind {
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Cascade => "cascade",
            MarkKind::Fire => "fire",
            MarkKind::Expiry => "expiry",
            MarkKind::Route => "route",
            MarkKind::Panic => "panic",
        }
    }

    fn of(e: &Event) -> Option<MarkKind> {
        Some(match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Cascade { .. }) => MarkKind::Cascade,
            EventKind::Fire {
                via: Via::RtTimer, ..
            } => MarkKind::Expiry,
            // The 1 Hz rt_timer scanner fires every second: the rt_timer view draws its scans.
            EventKind::Fire { func, .. } if func.as_ref() == "rt_timer_timer" => return None,
            EventKind::Fire { .. } => MarkKind::Fire,
            EventKind::Route(
                RouteEvent::Added { .. }
                | RouteEvent::Deleted { .. }
                | RouteEvent::Changed { .. }
                | RouteEvent::Freed { .. },
            ) => MarkKind::Route,
            EventKind::Panic { .. } => MarkKind::Panic,
            _ => return None,
        })
    }
}

/// One marker: at `at` hardclocks since boot (`tick` is `ticks` then), what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at: u64,
    pub tick: i32,
    pub kind: MarkKind,
    pub what: String,
}

/// A preview runs at most this many statements and hardclocks (a long scenario gets no
/// markers rather than a second copy of its load time), and keeps this many markers.
pub const PREVIEW_STMTS: usize = 2_000;
pub const PREVIEW_TICKS: u64 = 300_000;
pub const PREVIEW_MARKS: usize = 1_000;

/// The markers of a scenario's whole run, and where it ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub marks: Vec<Mark>,
    /// Hardclocks since boot when the scenario has run to its end.
    pub end: u64,
    /// The preview stopped early (too long, or too many markers).
    pub cut: bool,
}

impl Timeline {
    /// Runs `sc` on a fresh kernel to its end (or a simulated panic) and keeps its markers.
    pub fn of(sc: &Scenario) -> Timeline {
        let mut t = Timeline::default();
        if sc.stmts.len() > PREVIEW_STMTS {
            t.cut = true;
            return t;
        }
        let (mut k, mut it) = sc.boot();
        for i in 0..sc.stmts.len() {
            if k.panic.is_some() || t.cut {
                break;
            }
            // A hardclock(n) that would pass the preview's budget is not run at all (a link
            // with hardclock(1000000) must not make the page run it twice before it shows).
            let n = hardclock_count(&k, &it, &sc.stmts[i].stmt).unwrap_or(0);
            if k.clock.elapsed + n > PREVIEW_TICKS {
                t.cut = true;
                break;
            }
            let _ = sc.step(&mut k, &mut it, i);
            t.take(&mut k);
            if k.clock.elapsed > PREVIEW_TICKS {
                t.cut = true;
            }
        }
        t.end = k.clock.elapsed;
        t
    }

    /// Moves the kernel's new events into markers. An event's hardclock count is the clock's
    /// now, less how far its `ticks` lies behind (a statement may run many ticks).
    fn take(&mut self, k: &mut Kernel) {
        let (now, ticks) = (k.clock.elapsed, k.clock.ticks);
        // The timeout softclock found due: the handler run that follows is its (a selected
        // timer's markers are found by its name).
        let mut due = None;
        for e in std::mem::take(&mut k.trace.events) {
            if let EventKind::Timeout(TimeoutEvent::Due { name, .. }) = &*e.kind {
                due = Some(name.to_string());
            }
            let Some(kind) = MarkKind::of(&e) else {
                continue;
            };
            let what = match (kind, due.take()) {
                (MarkKind::Fire, Some(name)) => format!("{name}: {}", e.narrate()),
                _ => e.narrate(),
            };
            if self.marks.len() == PREVIEW_MARKS {
                self.cut = true;
                return;
            }
            let behind = u64::from(ticks.wrapping_sub(e.tick) as u32);
            self.marks.push(Mark {
                at: now.saturating_sub(behind),
                tick: e.tick,
                kind,
                what,
            });
        }
    }

    /// The first marker after `at` hardclocks, or the last one before it.
    pub fn next_after(&self, at: u64) -> Option<&Mark> {
        self.marks.iter().find(|m| m.at > at)
    }

    pub fn last_before(&self, at: u64) -> Option<&Mark> {
        self.marks.iter().rev().find(|m| m.at < at)
    }
}

/// Whether `text` names `name` as a whole word (`t3` is not in `t30`).
pub fn mentions(text: &str, name: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    !name.is_empty()
        && text.match_indices(name).any(|(i, _)| {
            !word(text[..i].chars().next_back()) && !word(text[i + name.len()..].chars().next())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::presets;

    fn preset(name: &str) -> Scenario {
        Scenario::compile(presets::find(name).unwrap().source).unwrap()
    }

    #[test]
    fn a_marker_mentions_a_timer_by_its_whole_name() {
        let s = "softclock runs later(NULL) for t300, then t3";
        assert!(mentions(s, "t300") && mentions(s, "t3"));
        assert!(!mentions("t300 fired", "t30") && !mentions(s, ""));
    }

    #[test]
    fn each_lesson_opens_on_its_facilities() {
        let src = |n: &str| presets::find(n).unwrap().source;
        assert_eq!(
            lesson_views(src("cascade-256")),
            [View::Wheel, View::Timers]
        );
        assert_eq!(lesson_views(src("route-lpm")), [View::Radix, View::Routes]);
        assert_eq!(
            lesson_views(src("pmtu-expiry")),
            [View::RtTimer, View::Routes]
        );
        assert_eq!(
            lesson_views(src("callwheel-laps")),
            [View::Callwheel, View::Timers]
        );
        assert_eq!(lesson_views("hardclock(3)"), [View::Wheel, View::Timers]);
    }

    #[test]
    fn the_cascade_marker_is_at_the_tick_it_happens() {
        let t = Timeline::of(&preset("cascade-256"));
        let c: Vec<_> = t
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::Cascade)
            .collect();
        // ticks starts at -50: ticks 256 is 306 hardclocks after boot.
        assert_eq!((c[0].at, c[0].tick), (306, 256));
        let fire = t.marks.iter().find(|m| m.at == 350).unwrap();
        assert!(mentions(&fire.what, "t300"), "{}", fire.what);
        assert_eq!(t.end, 450);
        assert!(!t.cut);
    }

    #[test]
    fn pmtu_expiry_marks_the_expiry_and_the_route_leaving() {
        let t = Timeline::of(&preset("pmtu-expiry"));
        let e = t.marks.iter().find(|m| m.kind == MarkKind::Expiry).unwrap();
        // The scanner keeps the boot phase: the scan of uptime 8 runs at tick 800.
        assert_eq!(e.at, 800);
        assert!(t
            .marks
            .iter()
            .any(|m| m.kind == MarkKind::Route && m.at == 800));
        assert!(!t.marks.iter().any(|m| m.what.contains("rt_timer_timer")));
        // A run too long to preview stops before the statement that would pass the budget.
        let long = Scenario::compile(
            "timeout_set(&t, f, NULL)\ntimeout_add(&t, 5)\nhardclock(10)\nhardclock(1000000)",
        )
        .unwrap();
        let cut = Timeline::of(&long);
        assert!(cut.cut);
        assert_eq!((cut.end, cut.marks.len()), (10, 1));
        assert_eq!(t.next_after(0).map(|m| m.kind), Some(MarkKind::Route));
    }
}
