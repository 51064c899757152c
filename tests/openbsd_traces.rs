#![cfg(not(target_arch = "wasm32"))]
//! Golden traces of OpenBSD 5.6 timeout(9): the worked examples of kernel-reference.md §1.11 and
//! §1.12a, written as scenario lines (run through the parser and `Interp::exec`) and hardclocks,
//! and compared event by event.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::openbsd::{Place, TimeoutEvent};
use hardclock::kernel::{EventKind, Kernel, Value, Via};
use hardclock::script::Interp;
use scenario::exec;

fn boot(ticks: i32) -> (Kernel, Interp) {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, &format!("ticks = {ticks}")).unwrap();
    (k, it)
}

fn set(k: &mut Kernel, it: &mut Interp, t: &str, func: &str) {
    exec(k, it, &format!("timeout_set(&{t}, {func}, NULL)")).unwrap();
}

fn add(k: &mut Kernel, it: &mut Interp, t: &str, n: i64) -> Value {
    exec(k, it, &format!("timeout_add(&{t}, {n})")).unwrap()
}

/// Runs hardclocks until `ticks == target`.
fn run_to(k: &mut Kernel, it: &mut Interp, target: i32) {
    while k.clock.ticks != target {
        it.hardclock(k).unwrap();
    }
}

/// A compact view of the wheel's work since event `from`: (tick, what).
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Splice(u8, usize),
    Cascade(u8, u8, usize),
    Rebucket(String, Place, u8, u8),
    Due(String, i32),
    Fire(String),
}

fn steps(k: &Kernel, from: usize) -> Vec<(i32, Step)> {
    k.trace.events[from..]
        .iter()
        .filter_map(|e| {
            let s = match &*e.kind {
                EventKind::Timeout(TimeoutEvent::Splice { bucket, count }) => {
                    Step::Splice(*bucket, *count)
                }
                EventKind::Timeout(TimeoutEvent::Cascade {
                    wheel,
                    bucket,
                    count,
                }) => Step::Cascade(*wheel, *bucket, *count),
                EventKind::Timeout(TimeoutEvent::Rebucketed {
                    name,
                    from,
                    wheel,
                    bucket,
                    ..
                }) => Step::Rebucket(name.to_string(), *from, *wheel, *bucket),
                EventKind::Timeout(TimeoutEvent::Due { name, late }) => {
                    Step::Due(name.to_string(), *late)
                }
                EventKind::Fire {
                    via: Via::Timeout,
                    func,
                    ..
                } => Step::Fire(func.to_string()),
                _ => return None,
            };
            Some((e.tick, s))
        })
        .collect()
}

fn w(wheel: u8, bucket: u8) -> Place {
    Place::Wheel { wheel, bucket }
}

fn rebucket(t: &str, from: Place, wheel: u8, bucket: u8) -> Step {
    Step::Rebucket(t.into(), from, wheel, bucket)
}

fn fires(k: &Kernel) -> Vec<(i32, String)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::Timeout,
                func,
                ..
            } => Some((e.tick, func.to_string())),
            _ => None,
        })
        .collect()
}

/// §1.12a first trace: A added with 3 ticks at 0x1FE runs at 0x201, through wheel 0 bucket 0x01,
/// untouched by the cascade at 0x200.
#[test]
fn a_three_ticks_across_the_0x200_boundary() {
    let (mut k, mut it) = boot(0x1fe);
    set(&mut k, &mut it, "A", "fa");
    assert_eq!(add(&mut k, &mut it, "A", 3), Value::Int(1));
    assert_eq!(k.to.get("A").unwrap().to_time, 0x201);
    assert_eq!(k.to.todo(), vec!["A"]);
    let from = k.trace.events.len();
    run_to(&mut k, &mut it, 0x201);
    assert_eq!(
        steps(&k, from),
        vec![
            (0x1ff, rebucket("A", Place::Todo, 0, 0x01)),
            (0x201, Step::Splice(0x01, 1)),
            (0x201, Step::Due("A".into(), 0)),
            (0x201, Step::Fire("fa".into())),
        ]
    );
}

/// §1.12a second trace: B added with 300 ticks at 0x1FE goes todo -> wheel 1 bucket 3 -> wheel 0
/// bucket 0x2A -> runs at 0x32A: touched three times.
#[test]
fn b_three_hundred_ticks_cascades_once() {
    let (mut k, mut it) = boot(0x1fe);
    set(&mut k, &mut it, "B", "fb");
    add(&mut k, &mut it, "B", 300);
    assert_eq!(k.to.get("B").unwrap().to_time, 0x32a);
    let from = k.trace.events.len();
    run_to(&mut k, &mut it, 0x1ff);
    assert_eq!(k.to.get("B").unwrap().place, w(1, 3));
    assert_eq!(k.to.bucket(1, 3), vec!["B"]);
    run_to(&mut k, &mut it, 0x32a);
    let got = steps(&k, from);
    assert_eq!(
        got,
        vec![
            (0x1ff, rebucket("B", Place::Todo, 1, 3)),
            (0x300, Step::Cascade(1, 3, 1)),
            (0x300, rebucket("B", w(1, 3), 0, 0x2a)),
            (0x32a, Step::Splice(0x2a, 1)),
            (0x32a, Step::Due("B".into(), 0)),
            (0x32a, Step::Fire("fb".into())),
        ]
    );
    let touches = got
        .iter()
        .filter(|(_, s)| matches!(s, Step::Rebucket(..) | Step::Due(..)))
        .count();
    assert_eq!(touches, 3);
}

/// §1.12a third trace, 5.6 order: at 0x300 the todo list is [C, wheel-0 bucket 0x00, wheel-1
/// bucket 3], so C (added at 0x2FF with 1 tick) runs first, then the wheel-0 entries due at 0x300
/// in re-bucketing order, then the wheel-1 entries whose deadline is exactly 0x300.
#[test]
fn c_runs_first_at_the_0x300_boundary() {
    let (mut k, mut it) = boot(0x1f0);
    for t in ["W1a", "W1b", "W0a", "W0b", "C"] {
        set(&mut k, &mut it, t, &format!("f{t}"));
    }
    // Same deadline 0x300, both far enough to go to wheel 1; re-bucketed in todo order.
    add(&mut k, &mut it, "W1b", 0x110);
    add(&mut k, &mut it, "W1a", 0x110);
    run_to(&mut k, &mut it, 0x2f0);
    assert_eq!(k.to.bucket(1, 3), vec!["W1b", "W1a"]);
    add(&mut k, &mut it, "W0a", 0x10);
    run_to(&mut k, &mut it, 0x2f8);
    add(&mut k, &mut it, "W0b", 8);
    run_to(&mut k, &mut it, 0x2ff);
    assert_eq!(k.to.bucket(0, 0), vec!["W0a", "W0b"]);
    assert_eq!(add(&mut k, &mut it, "C", 1), Value::Int(1));
    assert_eq!(k.to.todo(), vec!["C"]);
    let from = k.trace.events.len();
    it.hardclock(&mut k).unwrap();
    let want = vec![
        Step::Splice(0x00, 2),
        Step::Cascade(1, 3, 2),
        Step::Due("C".into(), 0),
        Step::Fire("fC".into()),
        Step::Due("W0a".into(), 0),
        Step::Fire("fW0a".into()),
        Step::Due("W0b".into(), 0),
        Step::Fire("fW0b".into()),
        Step::Due("W1b".into(), 0),
        Step::Fire("fW1b".into()),
        Step::Due("W1a".into(), 0),
        Step::Fire("fW1a".into()),
    ];
    let got: Vec<Step> = steps(&k, from)
        .into_iter()
        .map(|(t, s)| {
            assert_eq!(t, 0x300);
            s
        })
        .collect();
    assert_eq!(got, want);
}

/// §1.11: A added with 300 ticks goes to wheel 1; B, added later with a delay that makes it due
/// the same tick, goes straight to wheel 0. When A is cascaded into the same wheel-0 bucket it is
/// appended after B, so B runs before A although A was added first.
#[test]
fn b_runs_before_a() {
    let (mut k, mut it) = boot(0);
    set(&mut k, &mut it, "A", "fa");
    set(&mut k, &mut it, "B", "fb");
    add(&mut k, &mut it, "A", 300);
    run_to(&mut k, &mut it, 100);
    add(&mut k, &mut it, "B", 200);
    let from = k.trace.events.len();
    run_to(&mut k, &mut it, 300);
    assert_eq!(
        steps(&k, from),
        vec![
            (101, rebucket("B", Place::Todo, 0, 0x2c)),
            (256, Step::Cascade(1, 1, 1)),
            (256, rebucket("A", w(1, 1), 0, 0x2c)),
            (300, Step::Splice(0x2c, 2)),
            (300, Step::Due("B".into(), 0)),
            (300, Step::Fire("fb".into())),
            (300, Step::Due("A".into(), 0)),
            (300, Step::Fire("fa".into())),
        ]
    );
}

/// 0 ticks from thread context: to_time = ticks, so it runs at the next hardclock, one tick late;
/// the man page's "treated as 1" is only approximately true.
#[test]
fn zero_ticks_run_at_the_next_hardclock() {
    let (mut k, mut it) = boot(41);
    set(&mut k, &mut it, "Z", "fz");
    set(&mut k, &mut it, "O", "fo");
    add(&mut k, &mut it, "O", 1);
    add(&mut k, &mut it, "Z", 0);
    let from = k.trace.events.len();
    it.hardclock(&mut k).unwrap();
    assert_eq!(
        steps(&k, from),
        vec![
            (42, Step::Due("O".into(), 0)),
            (42, Step::Fire("fo".into())),
            (42, Step::Due("Z".into(), 1)),
            (42, Step::Fire("fz".into())),
        ]
    );
}

/// A handler that adds another timeout with 0 ticks makes it run in the same softclock pass
/// (5.6 re-examines the todo list until it is empty).
#[test]
fn zero_ticks_from_a_handler_run_in_the_same_pass() {
    let (mut k, mut it) = boot(0);
    set(&mut k, &mut it, "first", "kick");
    set(&mut k, &mut it, "second", "fs");
    exec(&mut k, &mut it, "handler kick { timeout_add(&second, 0) }").unwrap();
    add(&mut k, &mut it, "first", 5);
    run_to(&mut k, &mut it, 5);
    assert_eq!(
        fires(&k),
        vec![(5, "kick".to_string()), (5, "fs".to_string())]
    );
}

/// Deadlines far in the future use wheels 2 and 3 and still fire on the exact tick, across the
/// wrap of `ticks` at INT_MAX. (About 17 million hardclocks: events are dropped as we go.)
#[test]
fn wheels_two_and_three_fire_on_time_across_the_wrap() {
    let start = i32::MAX - 70_000;
    let (mut k, mut it) = boot(start);
    // The event cap counts events since boot, drained or not; this driver drains its log
    // itself (17 million tick events), like the benches, so it lifts the cap.
    k.trace.max_events = usize::MAX;
    let delays: [i64; 5] = [65_538, 70_000, 1 << 24, (1 << 24) + 2, (1 << 24) + 300];
    for (j, d) in delays.iter().enumerate() {
        let t = format!("t{j}");
        set(&mut k, &mut it, &t, &format!("f{j}"));
        add(&mut k, &mut it, &t, *d);
    }
    it.hardclock(&mut k).unwrap();
    let wheels: Vec<Place> = (0..5)
        .map(|j| k.to.get(&format!("t{j}")).unwrap().place)
        .collect();
    assert!(matches!(wheels[0], Place::Wheel { wheel: 2, .. }));
    assert!(matches!(wheels[2], Place::Wheel { wheel: 2, .. }));
    assert!(matches!(wheels[3], Place::Wheel { wheel: 3, .. }));
    assert!(matches!(wheels[4], Place::Wheel { wheel: 3, .. }));
    let mut fired = Vec::new();
    let end = (1i64 << 24) + 301;
    for _ in 1..end {
        it.hardclock(&mut k).unwrap();
        if k.trace.events.len() > 4096 {
            fired.extend(collect_fires(&mut k));
        }
    }
    fired.extend(collect_fires(&mut k));
    let want: Vec<(i32, String)> = delays
        .iter()
        .enumerate()
        .map(|(j, d)| (start.wrapping_add(*d as i32), format!("f{j}")))
        .collect();
    assert_eq!(fired, want);
}

fn collect_fires(k: &mut Kernel) -> Vec<(i32, String)> {
    let f = fires(k);
    k.trace.events.clear();
    f
}
