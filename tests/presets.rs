#![cfg(not(target_arch = "wasm32"))]
//! Every preset scenario: it parses, runs to its intended end, has a header, and shows the
//! behaviour its note promises, checked on the kernel's events; then the same through the
//! `hardclock-trace` binary, whose JSON fire lines must match.

use std::process::Command;

use hardclock::kernel::freebsd::{CalloutEvent, UntimeoutOutcome};
use hardclock::kernel::openbsd::{Place, TimeoutEvent};
use hardclock::kernel::route::{NetstatRow, RouteEvent, WalkStep};
use hardclock::kernel::rttimer::{RemoveWhy, RtTimerEvent};
use hardclock::kernel::{calls, EventKind, Kernel, Value};
use hardclock::script::presets::{self, Preset};
use hardclock::script::{run, trace, Interp, Outcome, RunOutcome, Scenario};

/// The presets that end in a simulated panic, with the start of the panic message.
const PANICS: &[(&str, &str)] = &[
    (
        "drain-deadlock",
        "deadlock: callout_drain(&c) sleeps until f() returns, but f() waits for sc_mtx, held by the sleeping thread",
    ),
    ("table-full", "timeout table full"),
    ("double-rtfree", "mtx_lock() of destroyed mutex"),
];

/// (tick, via, func, arg, route) of one handler run; `route` is set for rt_timer actions only.
type Fire = (
    i32,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// Every handler run, in order: what each preset must show.
fn expected_fires(name: &str) -> Vec<Fire> {
    match rt_timer_fires(name) {
        Some(f) => f,
        None => wheel_fires(name)
            .into_iter()
            .map(|(t, v, f, a)| (t, v, f, a, None))
            .collect(),
    }
}

/// (tick, via, func, arg) of every handler run of the timeout, callout and route presets.
fn wheel_fires(name: &str) -> Vec<(i32, &'static str, &'static str, &'static str)> {
    const T: &str = "timeout";
    const C: &str = "callout";
    const N: &str = "NULL";
    match name {
        "cascade-256" => vec![
            (256, T, "at_boundary", N),
            (300, T, "later", N),
            (400, T, "much_later", N),
        ],
        "cascade-65536" => vec![(70000, T, "far_away", N)],
        "readd-earlier" => vec![(150, T, "handler_t", N)],
        "readd-later" => vec![(350, T, "handler_t", N)],
        "timeout-add-zero" => vec![
            (5, T, "one_tick", N),
            (5, T, "zero_ticks", N),
            (8, T, "kick", N),
            (8, T, "from_handler", N),
        ],
        "b-before-a" => vec![(300, T, "fb", N), (300, T, "fa", N)],
        "same-tick-order" => ["fC", "fW0a", "fW0b", "fW1b", "fW1a"]
            .into_iter()
            .map(|f| (0x300, T, f, N))
            .collect(),
        "ticks-wrap" => vec![(i32::MAX.wrapping_add(53), T, "wrapped", N)],
        "msec-truncation" => vec![
            (1, T, "five_ms", N),
            (1, T, "fifteen_ms", N),
            (2, T, "twenty_five_ms", N),
        ],
        "flags-lifecycle" => vec![(2, T, "look", N)],
        "callwheel-laps" => vec![(22, C, "short_fn", N), (150, C, "long_fn", N)],
        "callout-fifo" => vec![(10, C, "fb", N), (10, C, "fc", N), (10, C, "fa", N)],
        "untimeout-recycled" => vec![(10, C, "hello", N)],
        "stop-busy" | "drain-wait" | "drain-giant" | "drain-deadlock" => vec![(2, C, "f", N)],
        "calltodo-lifo" => vec![
            (3, C, "f", "early"),
            (5, C, "f", "b"),
            (5, C, "f", "a"),
            (5, C, "g", "c1"),
            (5, C, "g", "c2"),
        ],
        "table-full" | "route-lpm" | "route-refcnt" | "rtm-miss" | "fibs" | "route-cache"
        | "double-rtfree" => vec![],
        other => panic!("preset {other} has no expected fires in this test: add them"),
    }
}

/// The rt_timer presets: the scanner runs `rt_timer_timer` (a timeout) every second from tick
/// `first` to `last`; each action (tick, func, arg, route) runs after the scanner of its tick,
/// in the order given.
fn with_scans(
    first: i32,
    last: i32,
    actions: &[(i32, &'static str, &'static str, &'static str)],
) -> Vec<Fire> {
    let mut all: Vec<(Fire, u8)> = (first..=last)
        .step_by(100)
        .map(|t| ((t, "timeout", "rt_timer_timer", "NULL", None), 0))
        .collect();
    all.extend(
        actions
            .iter()
            .map(|&(t, f, a, r)| ((t, "rt_timer", f, a, Some(r)), 1)),
    );
    all.sort_by_key(|(f, scanner_first)| (f.0, *scanner_first));
    all.into_iter().map(|(f, _)| f).collect()
}

/// Every handler run of the NetBSD rt_timer(9) presets (None for the others).
fn rt_timer_fires(name: &str) -> Option<Vec<Fire>> {
    const H1: &str = "10.0.0.1/32";
    const H2: &str = "10.0.0.2/32";
    const H3: &str = "10.0.0.3/32";
    const H4: &str = "10.0.0.4/32";
    const REDIR: &str = "icmp_redirect_timeout";
    Some(match name {
        "pmtu-expiry" => with_scans(
            300,
            900,
            &[(800, "icmp_mtudisc_timeout", "rt#1", "10.9.8.7/32")],
        ),
        "queue-change" => with_scans(
            100,
            500,
            &[
                (300, "shortened", "rt#0", H1),
                (500, "lengthened", "rt#1", H2),
            ],
        ),
        "queue-destroy" => with_scans(
            100,
            500,
            &[(250, "NULL", "rt#0", H1), (250, "NULL", "rt#1", H2)],
        ),
        "redirect-expiry" => with_scans(
            100,
            700,
            &[
                (400, REDIR, "rt#1", "10.5.5.5/32"),
                (440, REDIR, "rt#2", "10.6.6.6/32"),
                (440, REDIR, "rt#3", "10.7.7.7/32"),
            ],
        ),
        "rt-timer-replace" => with_scans(
            100,
            900,
            &[(400, "probe", "rt#0", H1), (800, "NULL", "rt#0", H1)],
        ),
        "stale-null-timer" => with_scans(
            100,
            300,
            &[
                (300, "NULL", "rt#1", "10.1.2.0/24"),
                (300, "NULL", "rt#0", "0.0.0.0/0"),
            ],
        ),
        "rtq-expiry" => {
            // hz = 10: rt_timer scans every 10 ticks once the PMTU queue exists (boot phase),
            // FreeBSD's in_rtqtimo on the callwheel at 600 hz + 1 = 6001.
            let mut f: Vec<Fire> = (5910..=6050)
                .step_by(10)
                .map(|t| (t, "timeout", "rt_timer_timer", "NULL", None))
                .collect();
            f.insert(
                6,
                (
                    5960,
                    "rt_timer",
                    "icmp_mtudisc_timeout",
                    "rt#3",
                    Some("10.5.5.5/32"),
                ),
            );
            f.insert(11, (6001, "callout", "in_rtqtimo", "NULL", None));
            f
        }
        "scan-phase" => with_scans(
            100,
            300,
            &[
                (200, "after0", "rt#0", H1),
                (200, "before0", "rt#1", H2),
                (300, "after1", "rt#2", H3),
                (300, "before1", "rt#3", H4),
            ],
        ),
        _ => return None,
    })
}

fn run_preset(name: &str) -> (RunOutcome, &'static Preset) {
    let p = presets::find(name).unwrap_or_else(|| panic!("no preset {name}"));
    (run(p.source), p)
}

type OwnedFire = (i32, String, String, String, Option<String>);

fn fires(k: &Kernel) -> Vec<OwnedFire> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via,
                func,
                arg,
                route,
            } => Some((
                e.tick,
                via.as_str().to_string(),
                func.to_string(),
                arg.to_string(),
                route.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn owned(f: &[Fire]) -> Vec<OwnedFire> {
    f.iter()
        .map(|(t, v, f, a, r)| {
            (
                *t,
                v.to_string(),
                f.to_string(),
                a.to_string(),
                r.map(str::to_string),
            )
        })
        .collect()
}

fn var(it: &Interp, name: &str) -> Value {
    it.vars
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("no variable {name}"))
}

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn timeout_events(k: &Kernel) -> Vec<(i32, &TimeoutEvent)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Timeout(t) => Some((e.tick, t)),
            _ => None,
        })
        .collect()
}

fn callout_events(k: &Kernel) -> Vec<(i32, &CalloutEvent)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Callout(c) => Some((e.tick, c)),
            _ => None,
        })
        .collect()
}

fn route_events(k: &Kernel) -> Vec<&RouteEvent> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// (tick, wheel, bucket, count) of every cascade.
fn cascades(k: &Kernel) -> Vec<(i32, u8, u8, usize)> {
    timeout_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            TimeoutEvent::Cascade {
                wheel,
                bucket,
                count,
            } => Some((t, *wheel, *bucket, *count)),
            _ => None,
        })
        .collect()
}

/// The JSON trace lines of one kind.
fn json_of_kind(r: &RunOutcome, kind: &str) -> Vec<String> {
    let tag = format!(r#"{{"kind":"{kind}","#);
    trace::json_lines(&r.kernel, &r.outcome)
        .into_iter()
        .filter(|l| l.starts_with(&tag))
        .collect()
}

/// The `call` lines of the JSON trace for one function.
fn call_lines(r: &RunOutcome, call: &str) -> Vec<String> {
    let tag = format!(r#""call":"{call}","#);
    json_of_kind(r, "call")
        .into_iter()
        .filter(|l| l.contains(&tag))
        .collect()
}

fn fire_json(f: &Fire) -> String {
    let route =
        f.4.map(|r| format!(r#","route":"{r}""#))
            .unwrap_or_default();
    format!(
        r#"{{"kind":"fire","tick":{},"via":"{}","func":"{}","arg":"{}"{route}}}"#,
        f.0, f.1, f.2, f.3
    )
}

// ---- every preset -----------------------------------------------------------------------------

#[test]
fn there_is_a_preset_for_every_required_behaviour() {
    let names: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
    for want in [
        "cascade-256",
        "cascade-65536",
        "readd-earlier",
        "readd-later",
        "timeout-add-zero",
        "same-tick-order",
        "b-before-a",
        "ticks-wrap",
        "msec-truncation",
        "flags-lifecycle",
        "callwheel-laps",
        "callout-fifo",
        "untimeout-recycled",
        "stop-busy",
        "drain-wait",
        "drain-deadlock",
        "drain-giant",
        "table-full",
        "calltodo-lifo",
        "route-lpm",
        "route-refcnt",
        "rtm-miss",
        "fibs",
        "route-cache",
        "double-rtfree",
        "pmtu-expiry",
        "queue-change",
        "queue-destroy",
        "redirect-expiry",
        "rt-timer-replace",
        "stale-null-timer",
        "rtq-expiry",
        "scan-phase",
    ] {
        assert!(names.contains(&want), "missing preset {want}");
    }
}

#[test]
fn every_preset_has_a_header_and_runs_to_its_intended_end() {
    for p in presets::all() {
        assert!(
            !p.title.is_empty() && !p.title.starts_with("(bad header"),
            "{}: {}",
            p.name,
            p.title
        );
        assert!(
            p.note.len() > 150,
            "{}: the note should teach something: {:?}",
            p.name,
            p.note
        );
        let header = presets::parse_header(p.source).unwrap();
        assert_eq!(
            (header.title, header.note),
            (p.title.clone(), p.note.clone())
        );
        let r = run(p.source);
        match PANICS.iter().find(|(n, _)| *n == p.name) {
            Some((_, msg)) => match &r.outcome {
                Outcome::Panicked(m) => assert!(m.starts_with(msg), "{}: {m}", p.name),
                other => panic!("{} should panic, ended {other:?}", p.name),
            },
            None => assert_eq!(r.outcome, Outcome::Ok, "{}", p.name),
        }
        assert_eq!(
            fires(&r.kernel),
            owned(&expected_fires(p.name)),
            "{}: handler runs",
            p.name
        );
    }
}

#[test]
fn the_readme_lists_every_preset() {
    let readme = include_str!("../presets/README.md");
    for p in presets::all() {
        assert!(
            readme.contains(&format!("`{}`", p.name)),
            "presets/README.md does not list {}",
            p.name
        );
    }
}

// ---- OpenBSD timeout(9) -----------------------------------------------------------------------

#[test]
fn cascade_256_moves_three_timeouts_from_wheel_1_bucket_1() {
    let (r, _) = run_preset("cascade-256");
    let k = &r.kernel;
    assert_eq!(cascades(k), vec![(256, 1, 1, 3)]);
    assert_eq!(
        json_of_kind(&r, "cascade"),
        vec![r#"{"kind":"cascade","tick":256,"wheel":1,"bucket":1,"count":3}"#]
    );
    // All three were parked in wheel 1 bucket 1 first, then t300 and t400 re-bucketed in wheel 0.
    let rebucketed: Vec<(i32, &str, u8, u8)> = timeout_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            TimeoutEvent::Rebucketed {
                name,
                wheel,
                bucket,
                ..
            } => Some((t, name.as_str(), *wheel, *bucket)),
            _ => None,
        })
        .collect();
    assert_eq!(
        rebucketed,
        vec![
            (-49, "t256", 1, 1),
            (-49, "t300", 1, 1),
            (-49, "t400", 1, 1),
            (256, "t300", 0, 0x2c),
            (256, "t400", 0, 0x90),
        ]
    );
}

#[test]
fn cascade_65536_goes_through_wheels_2_1_and_0() {
    let (r, _) = run_preset("cascade-65536");
    assert_eq!(
        cascades(&r.kernel),
        vec![(65536, 2, 1, 1), (69888, 1, 0x11, 1)]
    );
    assert_eq!(
        json_of_kind(&r, "cascade"),
        vec![
            r#"{"kind":"cascade","tick":65536,"wheel":2,"bucket":1,"count":1}"#,
            r#"{"kind":"cascade","tick":69888,"wheel":1,"bucket":17,"count":1}"#,
        ]
    );
}

#[test]
fn readd_earlier_moves_to_todo_and_readd_later_stays_in_place() {
    let (r, _) = run_preset("readd-earlier");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!((var(it, "r1"), var(it, "r2")), (int(1), int(0)));
    assert!(timeout_events(k).iter().any(|(t, e)| *t == 100
        && matches!(
            e,
            TimeoutEvent::MovedEarlier {
                from: Place::Wheel {
                    wheel: 1,
                    bucket: 1
                },
                old_time: 500,
                to_time: 150,
                ..
            }
        )));

    let (r, _) = run_preset("readd-later");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!((var(it, "r1"), var(it, "r2")), (int(1), int(0)));
    let ev = timeout_events(k);
    assert!(ev.iter().any(|(t, e)| *t == 50
        && matches!(
            e,
            TimeoutEvent::LeftInPlace {
                at: Place::Wheel {
                    wheel: 0,
                    bucket: 0x64
                },
                old_time: 100,
                to_time: 350,
                ..
            }
        )));
    // Lazily: at its old deadline it is re-bucketed, not run.
    assert!(ev.iter().any(|(t, e)| *t == 100
        && matches!(
            e,
            TimeoutEvent::Rebucketed {
                from: Place::Wheel {
                    wheel: 0,
                    bucket: 0x64
                },
                wheel: 0,
                bucket: 0x5e,
                delta: 250,
                ..
            }
        )));
}

#[test]
fn timeout_add_zero_is_one_tick_late_from_the_script_and_same_pass_from_a_handler() {
    let (r, _) = run_preset("timeout-add-zero");
    let dues: Vec<(i32, &str, i32)> = timeout_events(&r.kernel)
        .into_iter()
        .filter_map(|(t, e)| match e {
            TimeoutEvent::Due { name, late } => Some((t, name.as_str(), *late)),
            _ => None,
        })
        .collect();
    assert_eq!(
        dues,
        vec![(5, "z1", 0), (5, "z0", 1), (8, "k", 0), (8, "z2", 0)]
    );
}

#[test]
fn b_before_a_and_same_tick_order_follow_the_lists() {
    let (r, _) = run_preset("b-before-a");
    assert_eq!(cascades(&r.kernel), vec![(256, 1, 1, 1)]);
    let (r, _) = run_preset("same-tick-order");
    assert_eq!(cascades(&r.kernel), vec![(0x300, 1, 3, 2)]);
    let splices: Vec<(i32, u8, usize)> = timeout_events(&r.kernel)
        .into_iter()
        .filter_map(|(t, e)| match e {
            TimeoutEvent::Splice { bucket, count } => Some((t, *bucket, *count)),
            _ => None,
        })
        .collect();
    assert_eq!(splices, vec![(0x300, 0, 2)]);
}

#[test]
fn ticks_wrap_fires_exactly_one_hundred_ticks_later() {
    let (r, _) = run_preset("ticks-wrap");
    assert_eq!(r.kernel.clock.ticks, -2_147_483_596);
    assert!(timeout_events(&r.kernel).iter().any(|(_, e)| matches!(
        e,
        TimeoutEvent::Added {
            to_time: -2_147_483_596,
            ..
        }
    )));
}

#[test]
fn msec_truncation_converts_5_15_25_ms_to_0_1_2_ticks() {
    let (r, _) = run_preset("msec-truncation");
    let converted: Vec<(&str, i32)> = timeout_events(&r.kernel)
        .into_iter()
        .filter_map(|(_, e)| match e {
            TimeoutEvent::Converted { name, ticks, .. } => Some((name.as_str(), *ticks)),
            _ => None,
        })
        .collect();
    assert_eq!(converted, vec![("m5", 0), ("m15", 1), ("m25", 2)]);
}

#[test]
fn flags_lifecycle_shows_triggered_inside_the_handler() {
    // The timeout.h macros return the masked bit: ONQUEUE 2, INITIALIZED 4, TRIGGERED 8.
    let (r, _) = run_preset("flags-lifecycle");
    let it = &r.interp;
    for (v, want) in [
        ("i0", 0),
        ("i1", 4),
        ("p0", 0),
        ("p1", 2),
        ("tr1", 0),
        ("in_pending", 0),
        ("in_triggered", 8),
        ("p2", 0),
        ("tr2", 8),
        ("d", 0),
        ("tr3", 0),
    ] {
        assert_eq!(var(it, v), int(want), "{v}");
    }
}

// ---- FreeBSD callout(9) / timeout(9) ------------------------------------------------------------

#[test]
fn callwheel_laps_skips_the_long_callout_once_per_lap() {
    let (r, _) = run_preset("callwheel-laps");
    let skips: Vec<(i32, &str, i32)> = callout_events(&r.kernel)
        .into_iter()
        .filter_map(|(t, e)| match e {
            CalloutEvent::Skip { c, laps, .. } => Some((t, c.as_str(), *laps)),
            _ => None,
        })
        .collect();
    assert_eq!(skips, vec![(22, "long", 2), (86, "long", 1)]);
    assert_eq!(r.kernel.kernel_var("callwheelsize"), Some(int(64)));
}

#[test]
fn callout_fifo_moves_a_reset_callout_to_the_tail() {
    let (r, _) = run_preset("callout-fifo");
    assert!(callout_events(&r.kernel).iter().any(|(t, e)| *t == 3
        && matches!(e, CalloutEvent::Reset { c, moved: true, c_time: 10, .. } if c == "a")));
}

#[test]
fn untimeout_recycled_cancels_the_second_timeout() {
    let (r, _) = run_preset("untimeout-recycled");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!(var(it, "h1"), Value::Handle(63));
    assert_eq!(var(it, "h2"), Value::Handle(63), "the slot was recycled");
    assert!(callout_events(k).iter().any(|(t, e)| *t == 10
        && matches!(
            e,
            CalloutEvent::Untimeout {
                outcome: UntimeoutOutcome::Stopped { ret: 1 },
                ..
            }
        )));
}

#[test]
fn stop_busy_returns_zero_and_the_handler_finishes_later() {
    let (r, _) = run_preset("stop-busy");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!(var(it, "r"), int(0));
    assert_eq!(var(it, "done"), int(1));
    assert_eq!(
        call_lines(&r, "callout_stop"),
        vec![r#"{"kind":"call","line":14,"tick":2,"call":"callout_stop","ret":0}"#]
    );
    assert!(callout_events(k)
        .iter()
        .any(|(t, e)| *t == 5 && matches!(e, CalloutEvent::Return { func, .. } if func == "f")));
}

#[test]
fn drain_wait_sleeps_three_ticks() {
    let (r, _) = run_preset("drain-wait");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!((var(it, "r"), var(it, "done")), (int(0), int(1)));
    assert_eq!(k.clock.ticks, 5);
    let ev = callout_events(k);
    assert!(ev
        .iter()
        .any(|(t, e)| *t == 2 && matches!(e, CalloutEvent::Blocked { .. })));
    assert!(ev
        .iter()
        .any(|(t, e)| *t == 5 && matches!(e, CalloutEvent::Woke { after: 3, .. })));
    assert_eq!(
        call_lines(&r, "callout_drain"),
        vec![r#"{"kind":"call","line":14,"tick":5,"call":"callout_drain","ret":0}"#]
    );
}

#[test]
fn drain_deadlock_and_table_full_end_in_their_panics() {
    // _callout_stop_safe sleeps until f returns; f sleeps in mtx_lock(&sc_mtx), which the
    // drainer holds. The sleep dropped no sc_mtx (only Giant is dropped), so the cycle is real.
    let (r, _) = run_preset("drain-deadlock");
    assert!(callout_events(&r.kernel).iter().any(|(t, e)| *t == 2
        && matches!(e, CalloutEvent::Deadlock { lock, sleep: true, .. } if lock == "sc_mtx")));
    assert!(!callout_events(&r.kernel)
        .iter()
        .any(|(_, e)| matches!(e, CalloutEvent::DropGiant { .. })));
    let last = trace::json_lines(&r.kernel, &r.outcome).pop().unwrap();
    assert_eq!(
        last,
        r#"{"kind":"panic","tick":2,"msg":"deadlock: callout_drain(&c) sleeps until f() returns, but f() waits for sc_mtx, held by the sleeping thread"}"#
    );

    let (r, _) = run_preset("table-full");
    let it = &r.interp;
    assert_eq!(var(it, "h1"), Value::Handle(3));
    assert_eq!(var(it, "h4"), Value::Handle(0));
    assert!(!it.vars.contains_key("h5"), "the fifth call never returned");
    assert_eq!(r.outcome, Outcome::Panicked("timeout table full".into()));
}

/// Issue #15 item 1: `_callout_stop_safe` drains with `msleep_spin`, and `msleep_spin` (like
/// `msleep` and `cv_wait`, kern_synch.c / kern_condvar.c of 5.x-6.x) runs DROP_GIANT() before it
/// sleeps and PICKUP_GIANT() after. So a drainer holding Giant does not deadlock with a
/// non-MPSAFE handler: at tick 2 softclock waits for Giant, the drain drops it, f runs at once
/// (tick 2, the same pass), stays busy until tick 4, and the drain returns 0 at tick 4 with
/// Giant held again by the script.
#[test]
fn drain_giant_drops_giant_for_the_sleep_and_takes_it_back() {
    let (r, _) = run_preset("drain-giant");
    assert_eq!(r.outcome, Outcome::Ok);
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!((var(it, "r"), var(it, "done")), (int(0), int(1)));
    assert_eq!(k.clock.ticks, 4);
    assert!(
        k.co.mutexes.is_empty(),
        "the script's mtx_unlock(&Giant) was legal"
    );
    let order: Vec<(i32, String)> = callout_events(k)
        .into_iter()
        .filter_map(|(t, e)| {
            let what = match e {
                CalloutEvent::LockWait {
                    m,
                    before_call: true,
                    ..
                } => format!("wait {m}"),
                CalloutEvent::Blocked { call, .. } => format!("sleep {call}"),
                CalloutEvent::DropGiant { count, .. } => format!("drop {count}"),
                CalloutEvent::WakeWaiter { m, by, .. } => format!("wake {m} by {by}"),
                CalloutEvent::Locked { thread, m, .. } => format!("{} takes {m}", thread.as_str()),
                CalloutEvent::Unlocked { thread, m } => format!("{} releases {m}", thread.as_str()),
                CalloutEvent::Woke { after, .. } => format!("woke after {after}"),
                CalloutEvent::PickupGiant { count, .. } => format!("pickup {count}"),
                CalloutEvent::Stop { ret, .. } => format!("drain returns {ret}"),
                _ => return None,
            };
            Some((t, what))
        })
        .collect();
    let want: Vec<(i32, &str)> = vec![
        (0, "the script thread takes Giant"),
        (2, "wait Giant"),
        (2, "sleep callout_drain(&c)"),
        (2, "drop 1"),
        (2, "wake Giant by DROP_GIANT()"),
        (2, "the softclock thread takes Giant"),
        (4, "the softclock thread releases Giant"),
        (4, "woke after 2"),
        (4, "pickup 1"),
        (4, "drain returns 0"),
        (4, "the script thread releases Giant"),
    ];
    let want: Vec<(i32, String)> = want.into_iter().map(|(t, s)| (t, s.to_string())).collect();
    assert_eq!(order, want);
    // f was called at tick 2, right after the wake, before the drain woke.
    assert_eq!(
        call_lines(&r, "callout_drain"),
        vec![r#"{"kind":"call","line":17,"tick":4,"call":"callout_drain","ret":0}"#]
    );
    assert!(!callout_events(k)
        .iter()
        .any(|(_, e)| matches!(e, CalloutEvent::Deadlock { .. })));
}

#[test]
fn calltodo_inserts_in_front_of_equal_deadlines() {
    let (r, _) = run_preset("calltodo-lifo");
    let inserted: Vec<(&str, Option<&str>)> = callout_events(&r.kernel)
        .into_iter()
        .filter_map(|(_, e)| match e {
            CalloutEvent::TodoInsert { arg, before, .. } => Some((arg.as_str(), before.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        inserted,
        vec![("a", None), ("b", Some("f(a)")), ("early", Some("f(b)"))]
    );
}

// ---- FreeBSD rtalloc(9) -------------------------------------------------------------------------

/// The `ret` of every call to `name`, by destination (null for NULL).
fn rets(r: &RunOutcome, name: &str) -> Vec<String> {
    call_lines(r, name)
        .iter()
        .map(|l| {
            let at = l.find(r#""ret":"#).expect("a ret field") + 6;
            let rest = &l[at..];
            let end = rest.find([',', '}']).unwrap();
            rest[..end].trim_matches('"').to_string()
        })
        .collect()
}

fn lookups(k: &Kernel) -> Vec<(u32, Option<u32>, bool)> {
    route_events(k)
        .into_iter()
        .filter_map(|e| match e {
            RouteEvent::Lookup { walk, .. } => Some((
                walk.dst,
                walk.route,
                walk.steps.iter().any(|s| matches!(s, WalkStep::Up { .. })),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn route_lpm_backtracks_to_the_16_and_to_the_default() {
    let (r, _) = run_preset("route-lpm");
    assert_eq!(
        rets(&r, "rtalloc1"),
        vec!["10.1.2.3/32", "10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0"]
    );
    let ip = |a: u32, b: u32, c: u32, d: u32| (a << 24) | (b << 16) | (c << 8) | d;
    assert_eq!(
        lookups(&r.kernel),
        vec![
            (ip(10, 1, 2, 3), Some(3), false),
            (ip(10, 1, 2, 4), Some(2), true),
            (ip(10, 200, 0, 1), Some(1), false),
            (ip(192, 0, 2, 1), Some(0), true),
        ]
    );
    assert!(call_lines(&r, "rtalloc1")
        .iter()
        .all(|l| l.ends_with(r#","refcnt":1}"#)));
    assert!(r.kernel.rt.entries.iter().all(|e| e.refcnt == 0));
}

#[test]
fn route_refcnt_keeps_the_deleted_route_in_rttrash_until_rtfree() {
    let (r, _) = run_preset("route-refcnt");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![r#"{"kind":"route_delete","tick":0,"dst":"10.0.0.0/8","fib":0,"refcnt":1}"#]
    );
    assert_eq!((var(it, "trash"), var(it, "trash_after")), (int(1), int(0)));
    assert_eq!(var(it, "gone"), Value::Null, "deleted: lookups miss it");
    assert_eq!(var(it, "rt"), Value::Null, "RTFREE clears the pointer");
    assert_eq!(
        call_lines(&r, "RTFREE"),
        vec![
            r#"{"kind":"call","line":14,"tick":0,"call":"RTFREE","ret":null,"refcnt":0,"freed":true}"#
        ]
    );
    assert!(k.rt.entry(0).unwrap().freed.is_some());
}

#[test]
fn rtm_miss_is_sent_only_when_reporting() {
    let (r, _) = run_preset("rtm-miss");
    let it = &r.interp;
    assert_eq!(
        json_of_kind(&r, "rtm"),
        vec![
            r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"10.0.0.0/8","fib":0}"#,
            r#"{"kind":"rtm","tick":0,"type":"RTM_MISS","dst":"11.0.0.1","fib":0}"#,
            r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"0.0.0.0/0","fib":0}"#,
        ]
    );
    assert_eq!(
        (var(it, "quiet"), var(it, "loud")),
        (Value::Null, Value::Null)
    );
    assert_eq!(var(it, "unreach"), int(2));
    assert_eq!(
        rets(&r, "rtalloc1"),
        vec!["10.0.0.0/8", "null", "null", "0.0.0.0/0"]
    );
}

#[test]
fn fibs_give_different_answers_for_the_same_destination() {
    let (r, _) = run_preset("fibs");
    assert_eq!(
        rets(&r, "rtalloc1_fib"),
        vec!["10.0.0.0/8", "10.0.0.0/8", "null", "0.0.0.0/0"]
    );
    let found: Vec<(u32, u32)> = lookups(&r.kernel)
        .into_iter()
        .filter_map(|(_, rt, _)| rt)
        .map(|id| {
            let e = r.kernel.rt.entry(id).unwrap();
            (e.fib, e.gateway)
        })
        .collect();
    let gw = |a: u32, b: u32, c: u32, d: u32| (a << 24) | (b << 16) | (c << 8) | d;
    assert_eq!(
        found,
        vec![
            (0, gw(192, 168, 1, 1)),
            (1, gw(172, 16, 0, 1)),
            (1, gw(172, 16, 0, 254))
        ]
    );
}

#[test]
fn route_cache_is_replaced_after_the_cached_route_is_deleted() {
    let (r, _) = run_preset("route-cache");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!(var(it, "first"), Value::Route(0));
    assert_eq!(var(it, "second"), Value::Route(1));
    let ev = route_events(k);
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, RouteEvent::CacheKept { .. }))
            .count(),
        1
    );
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, RouteEvent::CacheStale { .. }))
            .count(),
        1
    );
    assert!(k.rt.entry(0).unwrap().freed.is_some());
    let e1 = k.rt.entry(1).unwrap();
    assert_eq!((e1.refcnt, e1.in_table, e1.freed), (0, true, None));
    assert_eq!(k.rt.rttrash, 0);
}

#[test]
fn double_rtfree_is_a_use_after_free() {
    let (r, _) = run_preset("double-rtfree");
    match &r.outcome {
        Outcome::Panicked(m) => assert!(m.contains("use after free"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        call_lines(&r, "RTFREE"),
        vec![
            r#"{"kind":"call","line":12,"tick":0,"call":"RTFREE","ret":null,"refcnt":0,"freed":true}"#
        ],
        "only the first RTFREE returned"
    );
}

// ---- NetBSD rt_timer(9) -------------------------------------------------------------------------

fn rt_timer_events(k: &Kernel) -> Vec<(i32, &RtTimerEvent)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::RtTimer(r) => Some((e.tick, r)),
            _ => None,
        })
        .collect()
}

/// (tick, route, rtt_time, timeout, uptime) of every timer the scan expired.
fn expirations(k: &Kernel) -> Vec<(i32, &str, i64, i64, i64)> {
    rt_timer_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            RtTimerEvent::Expired {
                route,
                rtt_time,
                timeout,
                uptime,
                ..
            } => Some((t, route.as_str(), *rtt_time, *timeout, *uptime)),
            _ => None,
        })
        .collect()
}

/// (tick, route, func, queue, rtt_time, expiry_second) of every rt_timer_add.
fn additions(k: &Kernel) -> Vec<(i32, &str, &str, &str, i64, i64)> {
    rt_timer_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            RtTimerEvent::Added {
                route,
                func,
                queue,
                rtt_time,
                expiry_second,
                ..
            } => Some((
                t,
                route.as_str(),
                func.as_str(),
                queue.as_str(),
                *rtt_time,
                *expiry_second,
            )),
            _ => None,
        })
        .collect()
}

fn netstat_row(k: &Kernel, dst: &str) -> Option<NetstatRow> {
    calls::route::netstat(k, 0)
        .into_iter()
        .find(|r| r.destination == dst)
}

/// The kernel of preset `name` just after its statement whose text is `stmt`.
fn kernel_after(name: &str, stmt: &str) -> Kernel {
    let p = presets::find(name).unwrap();
    let sc = Scenario::compile(p.source).unwrap();
    let at = sc
        .stmts
        .iter()
        .position(|s| &p.source[s.span.start..s.span.end] == stmt)
        .unwrap_or_else(|| panic!("{name} has no statement {stmt:?}"));
    let (mut k, mut it) = sc.boot();
    for i in 0..=at {
        sc.step(&mut k, &mut it, i).unwrap();
    }
    k
}

#[test]
fn pmtu_expiry_learns_keeps_at_exactly_t_deletes_at_the_strict_second_and_frees() {
    // Just after the ICMP message and the lookup: a UGHD host route with MTU 1400, referenced.
    let k = kernel_after("pmtu-expiry", "RT_UNLOCK(rt)");
    let row = netstat_row(&k, "10.9.8.7").expect("the learned host route");
    assert_eq!(
        (
            row.flags.as_str(),
            row.gateway.as_str(),
            row.mtu,
            row.refs,
            row.expire,
            row.timers
        ),
        ("UGHD", "192.168.1.1", 1400, 1, Some(8), 1)
    );
    let lanes = calls::rttimer::queues(&k);
    assert_eq!(lanes.len(), 1);
    assert_eq!(
        (lanes[0].name.as_str(), lanes[0].rtq_timeout),
        ("q#0 (ip_mtudisc_timeout_q)", 5)
    );
    // The scanner keeps its boot phase (rt_timer_init ran at boot): scans at 300, 400, ...
    assert_eq!(lanes[0].entries[0].expiry_tick, Some(800));

    let (r, _) = run_preset("pmtu-expiry");
    let k = &r.kernel;
    let it = &r.interp;
    assert!(rt_timer_events(k).iter().any(|(t, e)| *t == 250
        && matches!(
            e,
            RtTimerEvent::PmtuLearned {
                mtu: 1400,
                cloned: true,
                plateau_from: None,
                ..
            }
        )));
    assert_eq!(
        additions(k),
        vec![(
            250,
            "rt#1 10.9.8.7/32",
            "icmp_mtudisc_timeout",
            "q#0 (ip_mtudisc_timeout_q)",
            2,
            8
        )]
    );
    // At tick 700 (uptime 7) 2 + 5 < 7 is false: only the scan of tick 800 takes it.
    assert_eq!(expirations(k), vec![(800, "rt#1 10.9.8.7/32", 2, 5, 8)]);
    assert_eq!(
        (var(it, "left"), var(it, "gone")),
        (int(1), int(0)),
        "still queued at tick 750, gone at 850"
    );
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![r#"{"kind":"route_delete","tick":800,"dst":"10.9.8.7/32","fib":0,"refcnt":1}"#]
    );
    // The clone and the expiry's delete are kernel-internal rtrequest() calls: no messages.
    assert_eq!(
        json_of_kind(&r, "rtm"),
        vec![r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"0.0.0.0/0","fib":0}"#,]
    );
    // After expiry the lookup falls back to the default route; the deleted one waits in rttrash.
    assert_eq!(rets(&r, "rtalloc1"), vec!["10.9.8.7/32", "0.0.0.0/0"]);
    assert_eq!((var(it, "trash"), var(it, "trash_after")), (int(1), int(0)));
    assert_eq!(
        call_lines(&r, "RTFREE"),
        vec![
            r#"{"kind":"call","line":36,"tick":950,"call":"RTFREE","ret":null,"refcnt":0,"freed":true}"#
        ]
    );
    assert_eq!(k.rt.entry(1).unwrap().freed, Some(950));
    assert_eq!(k.rt.rttrash, 0);
}

#[test]
fn queue_change_applies_the_new_timeout_at_the_next_scans() {
    let (r, _) = run_preset("queue-change");
    let k = &r.kernel;
    // Predicted at the add with the old timeouts: second 601 and second 2.
    let predicted: Vec<(&str, i64)> = additions(k).iter().map(|a| (a.2, a.5)).collect();
    assert_eq!(predicted, vec![("shortened", 601), ("lengthened", 2)]);
    let changes: Vec<(i32, &str, i64, i64, usize)> = rt_timer_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            RtTimerEvent::QueueChanged {
                queue,
                from,
                to,
                count,
            } => Some((t, queue.as_str(), *from, *to, *count)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        vec![(150, "q#0", 600, 2, 1), (150, "q#1", 1, 4, 1)]
    );
    // Judged by the new values: 0 + 2 < 3 and 0 + 4 < 5; nothing at tick 200 (the old 0 + 1 < 2).
    assert_eq!(
        expirations(k),
        vec![
            (300, "rt#0 10.0.0.1/32", 0, 2, 3),
            (500, "rt#1 10.0.0.2/32", 0, 4, 5)
        ]
    );
}

#[test]
fn queue_destroy_runs_the_actions_only_with_destroy_1() {
    let (r, _) = run_preset("queue-destroy");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!((var(it, "na"), var(it, "nb")), (int(2), int(2)));
    let destroyed: Vec<(i32, &str, usize, bool)> = rt_timer_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            RtTimerEvent::QueueDestroyed {
                queue,
                removed,
                ran_actions,
            } => Some((t, queue.as_str(), *removed, *ran_actions)),
            _ => None,
        })
        .collect();
    assert_eq!(
        destroyed,
        vec![(250, "q#0", 2, true), (250, "q#1", 2, false)]
    );
    let dropped: Vec<&str> = rt_timer_events(k)
        .into_iter()
        .filter_map(|(_, e)| match e {
            RtTimerEvent::Removed {
                route,
                why: RemoveWhy::Destroy,
                ..
            } => Some(route.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(dropped, vec!["rt#2 10.0.0.3/32", "rt#3 10.0.0.4/32"]);
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![
            r#"{"kind":"route_delete","tick":250,"dst":"10.0.0.1/32","fib":0,"refcnt":1}"#,
            r#"{"kind":"route_delete","tick":250,"dst":"10.0.0.2/32","fib":0,"refcnt":1}"#,
        ]
    );
    assert!(expirations(k).is_empty(), "no scan ever expires anything");
    assert_eq!((var(it, "trash"), var(it, "trash_after")), (int(2), int(0)));
    // destroy = 0 left its routes in the table, with no timers.
    let rows: Vec<(String, usize)> = calls::route::netstat(k, 0)
        .into_iter()
        .map(|r| (r.destination, r.timers))
        .collect();
    assert_eq!(
        rows,
        vec![("10.0.0.3".to_string(), 0), ("10.0.0.4".to_string(), 0)]
    );
    assert!(calls::rttimer::queues(k).is_empty());
    assert_eq!(
        calls::rttimer::scanner_next_tick(k),
        Some(600),
        "the scanner runs on"
    );
}

#[test]
fn redirect_expiry_then_redirtimeout_zero_deletes_the_rest_at_once() {
    let k = kernel_after("redirect-expiry", "icmp_redirect(10.5.5.5, 192.168.1.2)");
    let row = netstat_row(&k, "10.5.5.5").unwrap();
    assert_eq!(
        (row.flags.as_str(), row.gateway.as_str(), row.expire),
        ("UGHD", "192.168.1.2", Some(4))
    );

    let (r, _) = run_preset("redirect-expiry");
    let k = &r.kernel;
    let it = &r.interp;
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![
            r#"{"kind":"route_delete","tick":400,"dst":"10.5.5.5/32","fib":0,"refcnt":0}"#,
            r#"{"kind":"route_delete","tick":440,"dst":"10.6.6.6/32","fib":0,"refcnt":0}"#,
            r#"{"kind":"route_delete","tick":440,"dst":"10.7.7.7/32","fib":0,"refcnt":0}"#,
        ]
    );
    assert_eq!(
        expirations(k),
        vec![(400, "rt#1 10.5.5.5/32", 0, 3, 4)],
        "only the first went by expiry"
    );
    assert!(rt_timer_events(k).iter().any(|(t, e)| *t == 440
        && matches!(
            e,
            RtTimerEvent::QueueDestroyed {
                removed: 2,
                ran_actions: true,
                ..
            }
        )));
    assert_eq!((var(it, "n"), var(it, "q")), (int(2), Value::Null));
    assert_eq!(k.kernel_var("icmp_redirtimeout"), Some(int(0)));
    // The redirect learned after that has no timer: it stays.
    let row = netstat_row(k, "10.8.8.8").unwrap();
    assert_eq!(
        (
            row.flags.as_str(),
            row.gateway.as_str(),
            row.timers,
            row.expire
        ),
        ("UGHD", "192.168.1.4", 0, None)
    );
    assert_eq!(
        calls::route::netstat(k, 0).len(),
        2,
        "the default and 10.8.8.8"
    );
}

#[test]
fn rt_timer_replace_moves_same_function_timers_across_queues() {
    let (r, _) = run_preset("rt-timer-replace");
    let k = &r.kernel;
    let it = &r.interp;
    for (v, want) in [("ns", 2), ("ns2", 1), ("nf2", 1), ("ns3", 0), ("nf3", 1)] {
        assert_eq!(var(it, v), int(want), "{v}");
    }
    let replaced: Vec<(i32, &str, &str, i64)> = rt_timer_events(k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            RtTimerEvent::Replaced {
                func,
                queue,
                old_rtt_time,
                ..
            } => Some((t, func.as_str(), queue.as_str(), *old_rtt_time)),
            _ => None,
        })
        .collect();
    assert_eq!(
        replaced,
        vec![(150, "probe", "q#0", 0), (500, "NULL", "q#0", 0)]
    );
    let added: Vec<(i32, &str, &str, i64, i64)> = additions(k)
        .into_iter()
        .map(|(t, _, f, q, rtt, exp)| (t, f, q, rtt, exp))
        .collect();
    assert_eq!(
        added,
        vec![
            (0, "probe", "q#0", 0, 11),
            (0, "NULL", "q#0", 0, 11),
            (150, "probe", "q#1", 1, 4),
            (500, "NULL", "q#1", 5, 8),
        ]
    );
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![r#"{"kind":"route_delete","tick":800,"dst":"10.0.0.1/32","fib":0,"refcnt":1}"#]
    );
    assert_eq!((var(it, "trash"), var(it, "trash_after")), (int(1), int(0)));
    assert!(k.rt.entry(0).unwrap().freed.is_some());
}

/// Item 7 (`rt_timer_timer`'s NULL action, `rtrequest1`, `rn_delete`): the NULL action is
/// `rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)`, so it deletes by key: the head of the key's
/// chain. The stale timer of the deleted (but referenced) 10.1.2.0/24 rt#1 deletes the re-added
/// rt#2 at the scan of tick 300 (0 + 2 < 3), with no routing-socket message; the default
/// route's NULL timer hits the left end marker (ESRCH) and deletes nothing.
#[test]
fn stale_null_timer_deletes_the_newer_route_by_key() {
    let (r, _) = run_preset("stale-null-timer");
    assert_eq!(r.outcome, Outcome::Ok);
    let k = &r.kernel;
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![
            r#"{"kind":"route_delete","tick":50,"dst":"10.1.2.0/24","fib":0,"refcnt":1}"#,
            r#"{"kind":"route_delete","tick":300,"dst":"10.1.2.0/24","fib":0,"refcnt":0}"#,
        ]
    );
    // The second delete is rt#2's (the new route), while rt#1 is still in rttrash.
    let deleted: Vec<(i32, u32)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted { id, .. }) => Some((e.tick, *id)),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec![(50, 1), (300, 2)]);
    // Only route(8)'s add/delete talk to the routing socket; the timer's delete does not.
    assert_eq!(
        json_of_kind(&r, "rtm"),
        vec![
            r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"0.0.0.0/0","fib":0}"#,
            r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"10.1.2.0/24","fib":0}"#,
            r#"{"kind":"rtm","tick":50,"type":"RTM_DELETE","dst":"10.1.2.0/24","fib":0}"#,
            r#"{"kind":"rtm","tick":50,"type":"RTM_ADD","dst":"10.1.2.0/24","fib":0}"#,
        ]
    );
    let null_deletes: Vec<(i32, Option<String>)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::RtTimer(RtTimerEvent::DeletedByKey { deleted, .. }) => {
                Some((e.tick, deleted.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        null_deletes,
        vec![(300, Some("rt#2 10.1.2.0/24".to_string())), (300, None)]
    );
    // Before the scan the new /24 answers; after it the default route does.
    assert_eq!(
        rets(&r, "rtalloc1"),
        vec!["10.1.2.0/24", "0.0.0.0/0", "10.1.2.0/24", "0.0.0.0/0"]
    );
    assert!(k.rt.entry(0).unwrap().in_table, "the default route stays");
    assert_eq!(k.rt.entry(1).unwrap().freed, Some(300), "the last RTFREE");
    assert_eq!(k.rt.rttrash, 0);
}

/// Item 13 (`in_clsroute`, `in_matroute`, `in_rtqtimo` beside `rt_timer_timer`): what the
/// rtq-expiry note promises, in the route table's Expire column and the delete ticks.
#[test]
fn rtq_expiry_marks_revives_and_deletes_late() {
    // Both redirect routes released at tick 0 (uptime 0): RTPRF_OURS ("3"), rmx_expire 30.
    let k = kernel_after("rtq-expiry", "RTFREE_LOCKED(c)");
    for dst in ["10.6.6.6", "10.7.7.7"] {
        let row = netstat_row(&k, dst).unwrap();
        assert_eq!(
            (row.flags.as_str(), row.rmx_expire, row.timers),
            ("UGHD3", Some(30), 0)
        );
    }
    // The lookup at tick 5900 revives 10.7.7.7; 10.6.6.6 is overdue but still there.
    let k = kernel_after("rtq-expiry", "RT_UNLOCK(d)");
    let row = netstat_row(&k, "10.7.7.7").unwrap();
    assert_eq!((row.flags.as_str(), row.rmx_expire), ("UGHD", None));
    assert_eq!(netstat_row(&k, "10.6.6.6").unwrap().rmx_expire, Some(30));

    let (r, _) = run_preset("rtq-expiry");
    let k = &r.kernel;
    // rt_timer takes the NetBSD route at its second (590 + 5 < 596), in_rtqtimo the FreeBSD
    // one only at its run of tick 6001 (uptime 600), 570 s after its rmx_expire.
    assert_eq!(
        json_of_kind(&r, "route_delete"),
        vec![
            r#"{"kind":"route_delete","tick":5960,"dst":"10.5.5.5/32","fib":0,"refcnt":0}"#,
            r#"{"kind":"route_delete","tick":6001,"dst":"10.6.6.6/32","fib":0,"refcnt":0}"#,
        ]
    );
    // d let go at tick 6050 (uptime 605): marked again, rmx_expire 635.
    let row = netstat_row(k, "10.7.7.7").unwrap();
    assert_eq!((row.flags.as_str(), row.rmx_expire), ("UGHD3", Some(635)));
    // Only route(8)'s add and the two redirects reach the routing socket.
    assert_eq!(
        json_of_kind(&r, "rtm")
            .iter()
            .map(|l| l
                .split(r#""type":""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap())
            .collect::<Vec<_>>(),
        vec!["RTM_ADD", "RTM_REDIRECT", "RTM_REDIRECT"]
    );
}

#[test]
fn scan_phase_lifetimes_are_strictly_between_t_and_t_plus_2_seconds() {
    let (r, _) = run_preset("scan-phase");
    let k = &r.kernel;
    let hz = i64::from(k.clock.hz);
    assert_eq!(hz, 100);
    // (func, timeout, tick added, tick run)
    let mut lives: Vec<(String, i64, i32, i32)> = Vec::new();
    for (added, route, func, queue, rtt_time, _) in additions(k) {
        assert_eq!(rtt_time, 1, "{func}: all four are added in uptime second 1");
        let timeout = if queue == "q#0" { 0 } else { 1 };
        let ran = fires(k)
            .into_iter()
            .find(|f| f.2 == func && route.ends_with(f.4.as_deref().unwrap_or("-")))
            .unwrap_or_else(|| panic!("{func} never ran"))
            .0;
        lives.push((func.to_string(), timeout, added, ran));
    }
    let want: Vec<(String, i64, i32, i32)> = [
        ("after0", 0, 101, 200),
        ("after1", 1, 101, 300),
        ("before0", 0, 199, 200),
        ("before1", 1, 199, 300),
    ]
    .into_iter()
    .map(|(f, t, a, r)| (f.to_string(), t, a, r))
    .collect();
    assert_eq!(lives, want);
    for (func, timeout, added, ran) in lives {
        let life = i64::from(ran - added);
        assert!(
            timeout * hz < life && life < (timeout + 2) * hz,
            "{func}: {life} ticks with timeout {timeout}"
        );
    }
}

// ---- through the binary -------------------------------------------------------------------------

#[test]
fn every_preset_through_hardclock_trace() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    for p in presets::all() {
        let path = dir.join(format!("{}.hc", p.name));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            p.source,
            "{}: the embedded copy is the file",
            p.name
        );
        let out = Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
            .arg(&path)
            .args(["--format", "json"])
            .output()
            .expect("run hardclock-trace");
        let panics = PANICS.iter().any(|(n, _)| *n == p.name);
        assert_eq!(
            out.status.code(),
            Some(if panics { 1 } else { 0 }),
            "{}: {}",
            p.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let fire_lines: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with(r#"{"kind":"fire","#))
            .collect();
        let want: Vec<String> = expected_fires(p.name).iter().map(fire_json).collect();
        assert_eq!(fire_lines, want, "{}: fire lines", p.name);
        let last = stdout.lines().last().unwrap_or("");
        assert_eq!(
            last.starts_with(r#"{"kind":"panic","#),
            panics,
            "{}: last line {last}",
            p.name
        );
        // The library renders the same trace.
        let r = run(p.source);
        assert_eq!(
            stdout.lines().collect::<Vec<_>>(),
            trace::json_lines(&r.kernel, &r.outcome),
            "{}",
            p.name
        );
    }
}

#[test]
fn text_traces_read_as_handouts() {
    let (r, _) = run_preset("route-refcnt");
    let text = trace::text_lines(&r.kernel, &r.outcome);
    assert!(text.contains(
        &"[tick 0] line 9: rtalloc1() returned rt#0 10.0.0.0/8. rt_refcnt is now 1.".to_string()
    ));
    assert!(text.contains(&"[tick 0] line 14: RTFREE() called. The route is freed.".to_string()));
    let (r, _) = run_preset("cascade-256");
    let text = trace::text_lines(&r.kernel, &r.outcome);
    assert!(text
        .iter()
        .any(|l| l.starts_with("[tick 256] The lower wheel wrapped")
            && l.contains("wheel 1 bucket 0x01 (3 entries)")));
}
