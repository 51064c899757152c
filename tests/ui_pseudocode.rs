//! The running-routine view's pseudocode: every event it places points at a real line, and the
//! lines are the ones the kernel runs for that event.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::script::presets;
use hardclock::ui::pseudocode::{latest, locate, Routine};
use hardclock::ui::state::{Action, Milestone, State};

fn line(r: Routine, l: usize) -> &'static str {
    r.lines()[l]
}

#[test]
fn every_placed_event_of_every_preset_points_at_an_existing_line() {
    let mut placed = 0;
    for p in presets::all() {
        let s = State::from_hash(&format!("#p={}", p.name)).reduce(Action::RunScript);
        for e in &s.machine.log {
            if let Some((r, l)) = locate(e) {
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
