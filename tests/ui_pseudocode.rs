//! The running-routine view's pseudocode: every event it places points at a real line, and the
//! lines are the ones the kernel runs for that event.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::kernel::route::RouteEvent;
use hardclock::kernel::EventKind;
use hardclock::script::presets;
use hardclock::ui::pseudocode::{latest, locate, locate_in, Routine};
use hardclock::ui::state::{Action, Milestone, State};

fn line(r: Routine, l: usize) -> &'static str {
    r.lines()[l]
}

#[test]
fn every_placed_event_of_every_preset_points_at_an_existing_line() {
    let mut placed = 0;
    for p in presets::all() {
        let s = State::from_hash(&format!("#p={}", p.name)).reduce(Action::RunScript);
        let log = &s.machine.log;
        for i in 0..log.len() {
            if let Some((r, l)) = locate_in(log, i) {
                assert!(l < r.lines().len(), "{}: {r:?} line {l}", p.name);
                placed += 1;
            }
        }
    }
    assert!(placed > 100, "only {placed} events placed");
}

#[test]
fn a_cascade_is_placed_on_the_wheel_1_line_of_hardclock() {
    let s = State::from_hash("#p=cascade-256").reduce(Action::RunToNext(Milestone::Cascade));
    let (r, l) = s
        .machine
        .last
        .iter()
        .find_map(|e| {
            locate(e).filter(|(r, _)| *r == Routine::Hardclock && e.narrate().contains("cascades"))
        })
        .expect("the cascade is placed");
    assert_eq!(r, Routine::Hardclock);
    assert!(line(r, l).contains("wheel 1"), "{}", line(r, l));
    // Then softclock: t256 is due at the boundary and runs; the step ends re-bucketing t400.
    assert!(s
        .machine
        .last
        .iter()
        .filter_map(locate)
        .any(|(r, l)| r == Routine::Softclock && line(r, l).contains("to_func")));
    let (e, r, l) = latest(&s.machine.last).unwrap();
    assert_eq!(r, Routine::Softclock);
    assert!(line(r, l).contains("bucket for delta"), "{}", line(r, l));
    assert!(e.narrate().contains("t400"), "{}", e.narrate());
}

#[test]
fn the_pmtu_expiry_is_placed_in_rt_timer_timer() {
    let s = State::from_hash("#p=pmtu-expiry&t=750").reduce(Action::RunTicks(100));
    let placed: Vec<(Routine, usize)> = s.machine.last.iter().filter_map(locate).collect();
    let expired = placed
        .iter()
        .find(|(r, l)| *r == Routine::RtTimerTimer && line(*r, *l).contains("unlink r"));
    assert!(expired.is_some(), "{placed:?}");
    assert!(placed
        .iter()
        .any(|(r, l)| *r == Routine::RtTimerTimer && line(*r, *l).contains("rtt_func")));
}

#[test]
fn timeout_add_lines_follow_the_three_cases() {
    let src =
        "timeout_set(&t, f, NULL)\ntimeout_add(&t, 50)\ntimeout_add(&t, 10)\ntimeout_add(&t, 90)\n";
    let s = State::default().reduce(Action::LoadScenario(src.into()));
    let mut lines = Vec::new();
    let mut s = s.reduce(Action::StepStatement);
    for _ in 0..3 {
        s = s.reduce(Action::StepStatement);
        let (_, r, l) = latest(&s.machine.last).unwrap();
        assert_eq!(r, Routine::TimeoutAdd);
        lines.push(line(r, l));
    }
    assert!(lines[0].contains("append to to timeout_todo"), "{lines:?}");
    assert!(lines[1].contains("move to"), "{lines:?}");
    assert!(lines[2].contains("left where it is"), "{lines:?}");
}

/// Every (routine, line) the events of a preset's whole run are placed on.
fn placed(name: &str, ticks: u64) -> Vec<(Routine, &'static str)> {
    let s = State::from_hash(&format!("#p={name}"))
        .reduce(Action::RunScript)
        .reduce(Action::RunTicks(ticks));
    // The log keeps the newest events; these presets are short enough for all of them.
    let log = &s.machine.log;
    (0..log.len())
        .filter_map(|i| locate_in(log, i))
        .map(|(r, l)| (r, r.lines()[l]))
        .collect()
}

#[test]
fn the_callwheel_scan_skips_later_laps_and_runs_what_is_due() {
    let lines = placed("callwheel-laps", 0);
    let fb: Vec<&str> = lines
        .iter()
        .filter(|(r, _)| *r == Routine::CallwheelSoftclock)
        .map(|(_, l)| *l)
        .collect();
    assert!(
        fb.iter().any(|l| l.contains("callwheel[curticks")),
        "{fb:?}"
    );
    assert!(fb.iter().any(|l| l.contains("later lap")), "{fb:?}");
    assert!(fb.iter().any(|l| l.contains("c_func(c_arg)")), "{fb:?}");
    // The skip comes before the run: the long callout is skipped on earlier laps.
    let skip = fb.iter().position(|l| l.contains("later lap")).unwrap();
    let run = fb
        .iter()
        .rposition(|l| l.contains("c_func(c_arg)"))
        .unwrap();
    assert!(skip < run, "{fb:?}");
}

#[test]
fn a_legacy_timeout_off_calltodo_is_not_placed_on_the_callwheel() {
    // calltodo-lifo runs 4.4BSD timeout() handlers off the delta list, not the callwheel.
    let s = State::from_hash("#p=calltodo-lifo").reduce(Action::RunScript);
    let log = &s.machine.log;
    let fires: Vec<usize> = (0..log.len())
        .filter(|&i| matches!(*log[i].kind, EventKind::Fire { .. }))
        .collect();
    assert!(!fires.is_empty());
    for i in fires {
        let came_off_todo = log[..i].iter().rev().find_map(|e| match &*e.kind {
            EventKind::Callout(hardclock::kernel::freebsd::CalloutEvent::TodoDue { .. }) => {
                Some(true)
            }
            EventKind::Fire { .. } => Some(false),
            _ => None,
        });
        if came_off_todo == Some(true) {
            assert_eq!(locate_in(log, i), None, "{}", log[i].narrate());
        }
    }
}

#[test]
fn a_pooled_callout_freed_by_softclock_is_placed_but_one_untimeout_freed_is_not() {
    let src =
        "h = timeout(f, NULL, 5)\ng = timeout(f, NULL, 9)\nuntimeout(f, NULL, g)\nhardclock(6)\n";
    let s = State::default()
        .reduce(Action::LoadScenario(src.into()))
        .reduce(Action::RunScript);
    let log = &s.machine.log;
    let freed: Vec<Option<(Routine, usize)>> = (0..log.len())
        .filter(|&i| {
            matches!(
                *log[i].kind,
                EventKind::Callout(hardclock::kernel::freebsd::CalloutEvent::Freed { .. })
            )
        })
        .map(|i| locate_in(log, i))
        .collect();
    assert_eq!(freed.len(), 2, "{freed:?}");
    assert_eq!(freed[0], None, "untimeout's free is not softclock's");
    let (r, l) = freed[1].expect("softclock's free is placed");
    assert_eq!(r, Routine::CallwheelSoftclock);
    assert!(r.lines()[l].contains("callfree"), "{}", r.lines()[l]);
}

#[test]
fn rn_match_lines_follow_the_walk_down_the_compare_and_the_backtrack() {
    // 10.3.0.1 descends to 10.1.0.0/16, differs at bit 14 and finds 10/8 backtracking.
    let src = "route_add(10.0.0.0/8, 192.168.1.1)\nroute_add(10.1.0.0/16, 192.168.1.2)\nrt = rtalloc1(10.3.0.1, 0, 0)\nr2 = rtalloc1(10.1.2.3, 0, 0)\nr3 = rtalloc1(11.0.0.1, 0, 0)\n";
    let s = State::default()
        .reduce(Action::LoadScenario(src.into()))
        .reduce(Action::StepStatement)
        .reduce(Action::StepStatement);
    let mut found = Vec::new();
    let mut s = s;
    for _ in 0..3 {
        s = s.reduce(Action::StepStatement);
        let (e, r, l) = latest(&s.machine.last).expect("the lookup is placed");
        assert!(matches!(
            *e.kind,
            EventKind::Route(RouteEvent::Lookup { .. })
        ));
        assert_eq!(r, Routine::RnMatch, "{}", e.narrate());
        found.push(r.lines()[l]);
    }
    assert!(
        found[0].contains("m->rm_leaf"),
        "backtrack to the /8: {found:?}"
    );
    assert!(
        found[1].contains("they are equal"),
        "an exact hit on the /16: {found:?}"
    );
    assert!(
        found[2].contains("return NULL"),
        "no route for 11/8: {found:?}"
    );
}

/// Issue #15 item 15: the OpenBSD pseudocode says what `kern_timeout.c` (and so the kernel here)
/// does. `BUCKET(rel, abs)` picks wheel 0 for `rel <= 1 << 8` (a delta of exactly 256 included),
/// wheel 1 for `<= 1 << 16`, wheel 2 for `<= 1 << 24`; `timeout_add` panics with
/// `"timeout_add: to_ticks (%d) < 0"`. Both are read back from the text and compared with the
/// kernel, so an edit of either side that breaks the agreement fails here.
#[test]
fn the_openbsd_pseudocode_matches_bucket_and_the_timeout_add_panic() {
    use hardclock::kernel::openbsd::level_for;
    use hardclock::script::{run, Outcome};

    let text = line(Routine::Softclock, 4);
    assert!(text.contains("bucket for delta"), "{text}");
    let bounds: Vec<u32> = text
        .split("<= 1 << ")
        .skip(1)
        .map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(bounds, vec![8, 16, 24], "{text}");
    let by_text = |delta: i64| bounds.iter().position(|&b| delta <= 1i64 << b).unwrap_or(3);
    for delta in [
        1,
        255,
        256,
        257,
        65_536,
        65_537,
        1 << 24,
        (1 << 24) + 1,
        i32::MAX as i64,
    ] {
        assert_eq!(by_text(delta), level_for(delta as i32), "delta {delta}");
    }
    // A delta of exactly 256 goes to wheel 0, in the kernel's own events too: t is added at
    // tick 0 for tick 257, so softclock of tick 1 re-buckets it with 256 ticks to go.
    let r = run("timeout_set(&t, f, NULL)\ntimeout_add(&t, 257)\nhardclock(1)\n");
    assert_eq!(r.outcome, Outcome::Ok);
    let rebucketed: Vec<String> = r
        .kernel
        .trace
        .events
        .iter()
        .map(|e| e.narrate())
        .filter(|n| n.contains("re-buckets"))
        .collect();
    assert_eq!(
        rebucketed,
        vec!["softclock re-buckets t from timeout_todo: 256 ticks to go, so wheel 0 bucket 0x01."]
    );

    let panic_line = line(Routine::TimeoutAdd, 0);
    let r = run("timeout_set(&t, f, NULL)\ntimeout_add(&t, -7)\n");
    let Outcome::Panicked(msg) = r.outcome else {
        panic!("timeout_add(-7) must panic, got {:?}", r.outcome)
    };
    assert_eq!(msg, "timeout_add: to_ticks (-7) < 0");
    let format = msg.replace("(-7)", "(%d)");
    assert!(
        panic_line.contains(&format!("panic(\"{format}\", to_ticks)")),
        "{panic_line}"
    );
}
