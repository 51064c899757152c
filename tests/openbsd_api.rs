#![cfg(not(target_arch = "wasm32"))]
//! OpenBSD 5.6 timeout(9) through the scenario entry point: return values, flags while a handler
//! runs, re-adding earlier and later, conversions at hz 100 and 1000, panics, and misuse.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::openbsd::{self, Place, TimeoutEvent, TIMEOUT_INITIALIZED};
use hardclock::kernel::{calls, EventKind, Kernel, KernelError, Value, Via};
use hardclock::script::Interp;
use scenario::exec as call;

fn assign(k: &mut Kernel, it: &mut Interp, var: &str, n: i64) {
    call(k, it, &format!("{var} = {n}")).unwrap();
}

fn set(k: &mut Kernel, it: &mut Interp, t: &str, func: &str) {
    call(k, it, &format!("timeout_set(&{t}, {func}, arg1)")).unwrap();
}

fn int_call(k: &mut Kernel, it: &mut Interp, text: &str) -> i64 {
    match call(k, it, text).unwrap() {
        Value::Int(n) => n,
        v => panic!("{text} returned {v:?}"),
    }
}

fn flag(k: &mut Kernel, it: &mut Interp, name: &str, t: &str) -> i64 {
    int_call(k, it, &format!("{name}(&{t})"))
}

fn to_time(k: &Kernel, t: &str) -> i32 {
    k.to.get(t).unwrap().to_time
}

fn fires(k: &Kernel) -> Vec<(i32, String)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::Timeout,
                func,
                arg,
                ..
            } => Some((e.tick, format!("{func}({arg})"))),
            _ => None,
        })
        .collect()
}

/// The last timeout(9) event (the `Call` event of the statement comes after it).
fn last_timeout_event(k: &Kernel) -> &TimeoutEvent {
    k.trace
        .events
        .iter()
        .rev()
        .find_map(|e| match &*e.kind {
            EventKind::Timeout(t) => Some(t),
            _ => None,
        })
        .unwrap()
}

fn panic_msg(r: Result<Value, KernelError>) -> String {
    match r {
        Err(KernelError::Panic(m)) => m,
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn flags_while_the_handler_runs_and_after() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "probe");
    call(&mut k, &mut it, "handler probe { p = timeout_pending(&t); tr = timeout_triggered(&t); i = timeout_initialized(&t) }").unwrap();
    // timeout.h: the macros return (to_flags & FLAG), the bit itself: TIMEOUT_ONQUEUE 2,
    // TIMEOUT_INITIALIZED 4, TIMEOUT_TRIGGERED 8.
    assert_eq!(flag(&mut k, &mut it, "timeout_initialized", "t"), 4);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 0);
    assert_eq!(int_call(&mut k, &mut it, "timeout_add(&t, 2)"), 1);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 2);
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 0);
    it.run_ticks(&mut k, 2).unwrap();
    assert_eq!(fires(&k), vec![(2, "probe(arg1)".to_string())]);
    assert_eq!(it.vars.get("p"), Some(&Value::Int(0)));
    assert_eq!(it.vars.get("tr"), Some(&Value::Int(8)));
    assert_eq!(it.vars.get("i"), Some(&Value::Int(4)));
    // TRIGGERED stays until the next add or del.
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 8);
    assert_eq!(int_call(&mut k, &mut it, "timeout_del(&t)"), 0);
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 0);
    it.run_ticks(&mut k, 1).unwrap();
    assert_eq!(int_call(&mut k, &mut it, "timeout_add(&t, 5)"), 1);
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 0);
    assert_eq!(int_call(&mut k, &mut it, "timeout_del(&t)"), 1);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 0);
    assert_eq!(k.to.get("t").unwrap().place, Place::Nowhere);
    it.run_ticks(&mut k, 10).unwrap();
    assert_eq!(fires(&k).len(), 1, "a deleted timeout does not fire");
}

#[test]
fn a_handler_re_adding_itself_is_periodic_and_gets_1() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "tick", "again");
    call(
        &mut k,
        &mut it,
        "handler again { r = timeout_add(&tick, 3) }",
    )
    .unwrap();
    call(&mut k, &mut it, "timeout_add(&tick, 3)").unwrap();
    it.run_ticks(&mut k, 10).unwrap();
    let ticks: Vec<i32> = fires(&k).into_iter().map(|(t, _)| t).collect();
    assert_eq!(ticks, vec![3, 6, 9]);
    assert_eq!(it.vars.get("r"), Some(&Value::Int(1)));
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "tick"), 2);
}

#[test]
fn re_add_earlier_moves_to_todo_later_stays_put() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    call(&mut k, &mut it, "timeout_add(&t, 1000)").unwrap();
    it.run_ticks(&mut k, 1).unwrap();
    assert_eq!(
        k.to.get("t").unwrap().place,
        Place::Wheel {
            wheel: 1,
            bucket: 3
        }
    );
    // Later: stays in wheel 1 bucket 3 with the new deadline.
    assert_eq!(int_call(&mut k, &mut it, "timeout_add(&t, 2000)"), 0);
    assert_eq!(k.to.bucket(1, 3), vec!["t"]);
    assert_eq!(to_time(&k, "t"), 2001);
    assert!(matches!(
        last_timeout_event(&k),
        TimeoutEvent::LeftInPlace {
            old_time: 1000,
            to_time: 2001,
            ..
        }
    ));
    // Equal is not earlier either.
    assert_eq!(int_call(&mut k, &mut it, "timeout_add(&t, 2000)"), 0);
    assert_eq!(k.to.bucket(1, 3), vec!["t"]);
    // Earlier: unlinked from the bucket, appended to todo.
    assert_eq!(int_call(&mut k, &mut it, "timeout_add(&t, 10)"), 0);
    assert_eq!(k.to.todo(), vec!["t"]);
    assert_eq!(k.to.bucket_len(1, 3), 0);
    assert!(matches!(
        last_timeout_event(&k),
        TimeoutEvent::MovedEarlier {
            from: Place::Wheel {
                wheel: 1,
                bucket: 3
            },
            ..
        }
    ));
    it.run_ticks(&mut k, 20).unwrap();
    assert_eq!(fires(&k), vec![(11, "f(arg1)".to_string())]);
}

#[test]
fn a_later_re_add_is_re_bucketed_lazily_and_fires_at_the_new_time() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    call(&mut k, &mut it, "timeout_add(&t, 10)").unwrap();
    it.run_ticks(&mut k, 5).unwrap();
    call(&mut k, &mut it, "timeout_add(&t, 100)").unwrap(); // due at 105
    let from = k.trace.events.len();
    it.run_ticks(&mut k, 200).unwrap();
    let rebuckets: Vec<(i32, i32)> = k.trace.events[from..]
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Rebucketed { from, delta, .. }) => {
                assert_eq!(
                    *from,
                    Place::Wheel {
                        wheel: 0,
                        bucket: 10
                    }
                );
                Some((e.tick, *delta))
            }
            _ => None,
        })
        .collect();
    assert_eq!(rebuckets, vec![(10, 95)]);
    assert_eq!(fires(&k), vec![(105, "f(arg1)".to_string())]);
}

#[test]
fn re_add_on_todo_keeps_call_order_unless_earlier() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    for t in ["a", "b", "c"] {
        set(&mut k, &mut it, t, &format!("f{t}"));
        call(&mut k, &mut it, &format!("timeout_add(&{t}, 5)")).unwrap();
    }
    call(&mut k, &mut it, "timeout_add(&a, 7)").unwrap(); // later: stays first
    call(&mut k, &mut it, "timeout_add(&b, 4)").unwrap(); // earlier: to the tail
    assert_eq!(k.to.todo(), vec!["a", "c", "b"]);
}

#[test]
fn conversions_through_the_api_at_hz_100() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    let cases: Vec<(&str, &str, i32)> = vec![
        ("timeout_add_msec", "5", 0),
        ("timeout_add_msec", "15", 1),
        ("timeout_add_msec", "25", 2),
        ("timeout_add_msec", "-1", 0),
        ("timeout_add_usec", "9999", 0),
        ("timeout_add_usec", "20000", 2),
        ("timeout_add_nsec", "30000000", 3),
        ("timeout_add_sec", "2", 200),
        ("timeout_add_sec", "30000000", i32::MAX),
        ("timeout_add_tv", "{1, 500000}", 150),
        ("timeout_add_ts", "{1, 500000000}", 150),
        ("timeout_add_bt", "{1, -9223372036854775808}", 150), // frac 2^63
        ("timeout_add", "4294967303", 7),                     // the C int parameter keeps 32 bits
    ];
    for (name, arg, ticks) in cases {
        call(&mut k, &mut it, "timeout_del(&t)").unwrap();
        assert_eq!(
            int_call(&mut k, &mut it, &format!("{name}(&t, {arg})")),
            1,
            "{name}"
        );
        assert_eq!(to_time(&k, "t"), ticks, "{name}({arg:?})");
    }
}

#[test]
fn conversions_through_the_api_at_hz_1000() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    assign(&mut k, &mut it, "hz", 1000);
    set(&mut k, &mut it, "t", "f");
    for (name, arg, ticks) in [
        ("timeout_add_msec", "5", 5),
        ("timeout_add_usec", "999", 0),
        ("timeout_add_nsec", "2500000", 2),
        ("timeout_add_sec", "3", 3000),
        ("timeout_add_tv", "{0, 1500}", 1),
    ] {
        call(&mut k, &mut it, "timeout_del(&t)").unwrap();
        call(&mut k, &mut it, &format!("{name}(&t, {arg})")).unwrap();
        assert_eq!(to_time(&k, "t"), ticks, "{name}");
    }
    let msg = k
        .trace
        .events
        .iter()
        .find_map(|e| match &*e.kind {
            EventKind::Timeout(c @ TimeoutEvent::Converted { .. }) => Some(c.narrate()),
            _ => None,
        })
        .unwrap();
    assert!(
        msg.contains("timeout_add_msec(&t, 5) at hz 1000 (tick 1000 us) is 5 ticks"),
        "{msg}"
    );
}

#[test]
fn msec_minus_ten_panics_with_the_kernel_message() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    let r = call(&mut k, &mut it, "timeout_add_msec(&t, -10)");
    assert_eq!(panic_msg(r), "timeout_add: to_ticks (-1) < 0");
    assert!(k.panic.is_some());
    assert!(
        it.hardclock(&mut k).is_err(),
        "a panicked machine does not tick"
    );
}

#[test]
fn negative_ticks_panic() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    let r = call(&mut k, &mut it, "timeout_add(&t, -5)");
    assert_eq!(panic_msg(r), "timeout_add: to_ticks (-5) < 0");
}

#[test]
fn never_set_is_not_initialized() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    assert_eq!(flag(&mut k, &mut it, "timeout_initialized", "ghost"), 0);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "ghost"), 0);
    assert_eq!(int_call(&mut k, &mut it, "timeout_del(&ghost)"), 0);
    // Initialization is checked before the sign, as in the DIAGNOSTIC block.
    let r = call(&mut k, &mut it, "timeout_add(&ghost, -1)");
    assert_eq!(panic_msg(r), "timeout_add: not initialized");
}

#[test]
fn self_re_adding_with_zero_ticks_spins_and_is_stopped() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "spin", "spinner");
    call(&mut k, &mut it, "handler spinner { timeout_add(&spin, 0) }").unwrap();
    call(&mut k, &mut it, "timeout_add(&spin, 1)").unwrap();
    let r = it.hardclock(&mut k);
    let Err(KernelError::Panic(msg)) = r else {
        panic!("expected a panic, got {r:?}");
    };
    assert!(
        msg.contains("more than 50000 timeouts ran in one pass"),
        "{msg}"
    );
    assert!(msg.contains("spin"), "{msg}");
    assert_eq!(k.clock.ticks, 1, "the spin happens within one tick");
}

/// timeout_set on a queued timeout: flags become INITIALIZED only, the timeout stays linked,
/// timeout_del cannot remove it, it still fires (with the new function), and adding it again
/// is stopped because it would link it twice.
#[test]
fn timeout_set_on_a_queued_timeout() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "old");
    call(&mut k, &mut it, "timeout_add(&t, 300)").unwrap();
    it.run_ticks(&mut k, 1).unwrap();
    set(&mut k, &mut it, "t", "new");
    let v = k.to.get("t").unwrap();
    assert_eq!(v.to_flags, TIMEOUT_INITIALIZED);
    assert_eq!(
        v.place,
        Place::Wheel {
            wheel: 1,
            bucket: 1
        }
    );
    assert!(matches!(
        last_timeout_event(&k),
        TimeoutEvent::Set {
            still_linked: Some(Place::Wheel {
                wheel: 1,
                bucket: 1
            }),
            ..
        }
    ));
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 0);
    assert_eq!(int_call(&mut k, &mut it, "timeout_del(&t)"), 0);
    assert_eq!(k.to.bucket(1, 1), vec!["t"]);
    let (mut k2, mut it2) = (k.clone(), it.clone());
    it.run_ticks(&mut k, 300).unwrap();
    assert_eq!(fires(&k), vec![(300, "new(arg1)".to_string())]);
    let r = call(&mut k2, &mut it2, "timeout_add(&t, 5)");
    let msg = panic_msg(r);
    assert!(msg.contains("still linked on wheel 1 bucket 0x01"), "{msg}");
}

#[test]
fn deleting_from_a_handler_an_entry_spliced_but_not_yet_run() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "a", "killer");
    set(&mut k, &mut it, "b", "victim");
    call(&mut k, &mut it, "handler killer { r = timeout_del(&b) }").unwrap();
    call(&mut k, &mut it, "timeout_add(&a, 3)").unwrap();
    call(&mut k, &mut it, "timeout_add(&b, 3)").unwrap();
    it.run_ticks(&mut k, 5).unwrap();
    assert_eq!(fires(&k), vec![(3, "killer(arg1)".to_string())]);
    assert_eq!(it.vars.get("r"), Some(&Value::Int(1)));
    assert!(k.trace.events.iter().any(|e| matches!(
        &*e.kind,
        EventKind::Timeout(TimeoutEvent::Deleted {
            from: Place::Todo,
            ..
        })
    )));
}

#[test]
fn ui_accessors() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    for (t, n) in [("x", 3), ("y", 3), ("z", 700)] {
        set(&mut k, &mut it, t, "f");
        call(&mut k, &mut it, &format!("timeout_add(&{t}, {n})")).unwrap();
    }
    assert_eq!(k.to.todo(), vec!["x", "y", "z"]);
    it.run_ticks(&mut k, 1).unwrap();
    assert_eq!(k.to.bucket(0, 3), vec!["x", "y"]);
    assert_eq!(k.to.bucket_len(0, 3), 2);
    assert_eq!(k.to.bucket(1, 2), vec!["z"]);
    let all: Vec<(String, Place)> = k.to.iter().map(|v| (v.name.to_string(), v.place)).collect();
    assert_eq!(
        all,
        vec![
            (
                "x".to_string(),
                Place::Wheel {
                    wheel: 0,
                    bucket: 3
                }
            ),
            (
                "y".to_string(),
                Place::Wheel {
                    wheel: 0,
                    bucket: 3
                }
            ),
            (
                "z".to_string(),
                Place::Wheel {
                    wheel: 1,
                    bucket: 2
                }
            ),
        ]
    );
    assert_eq!(openbsd::wheel_position(k.clock.ticks, 0), 1);
}

#[test]
fn rust_entry_points_for_other_facilities() {
    let mut k = Kernel::new();
    calls::openbsd::timeout_set(&mut k, "rt_timer_ch", "rt_timer_timer", Value::Null);
    assert_eq!(
        calls::openbsd::timeout_add(&mut k, "rt_timer_ch", 100),
        Ok(1)
    );
    assert_eq!(
        calls::openbsd::timeout_add(&mut k, "rt_timer_ch", 100),
        Ok(0)
    );
    assert_eq!(calls::openbsd::timeout_del(&mut k, "rt_timer_ch"), 1);
    assert_eq!(calls::openbsd::timeout_del(&mut k, "rt_timer_ch"), 0);
    assert!(calls::openbsd::timeout_add(&mut k, "nope", 1).is_err());
}

#[test]
fn every_api_row_is_dispatched() {
    for sig in calls::openbsd::API {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        // No arguments at all: the facility must claim the name and complain about argument 1.
        let r = k.call(&mut it, sig.name, &[]);
        match r {
            Err(KernelError::Scenario { arg: Some(0), .. }) => {}
            other => panic!("{}: {other:?}", sig.name),
        }
    }
}

#[test]
fn null_function_is_refused() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    let r = call(&mut k, &mut it, "timeout_set(&t, NULL, NULL)");
    assert!(
        matches!(r, Err(KernelError::Scenario { arg: Some(1), .. })),
        "{r:?}"
    );
}

/// Issue #15 item 3: OpenBSD `timeout.h` defines `timeout_pending(to)` as
/// `((to)->to_flags & TIMEOUT_ONQUEUE)`, and likewise `timeout_initialized` (TIMEOUT_INITIALIZED)
/// and `timeout_triggered` (TIMEOUT_TRIGGERED): they return 2, 4 and 8, not 1. The narration
/// says so, so a student comparing with `== 1` learns why that test is wrong.
#[test]
fn flag_macros_return_the_masked_bit_and_say_so() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    set(&mut k, &mut it, "t", "f");
    int_call(&mut k, &mut it, "timeout_add(&t, 1)");
    assert_eq!(flag(&mut k, &mut it, "timeout_initialized", "t"), 0x04);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 0x02);
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 0);
    it.run_ticks(&mut k, 1).unwrap();
    assert_eq!(flag(&mut k, &mut it, "timeout_triggered", "t"), 0x08);
    assert_eq!(flag(&mut k, &mut it, "timeout_pending", "t"), 0);
    let said: Vec<String> = k
        .trace
        .events
        .iter()
        .filter(|e| matches!(&*e.kind, EventKind::Timeout(TimeoutEvent::FlagRead { .. })))
        .map(|e| e.narrate())
        .collect();
    assert_eq!(
        said,
        vec![
            "timeout_initialized(&t) returns 4: the timeout.h macro is (to_flags & TIMEOUT_INITIALIZED), so it gives the bit itself (0x04), not 1; callers only test it for non-zero.",
            "timeout_pending(&t) returns 2: the timeout.h macro is (to_flags & TIMEOUT_ONQUEUE), so it gives the bit itself (0x02), not 1; callers only test it for non-zero.",
            "timeout_triggered(&t) returns 0: TIMEOUT_TRIGGERED (0x08) is clear in to_flags.",
            "timeout_triggered(&t) returns 8: the timeout.h macro is (to_flags & TIMEOUT_TRIGGERED), so it gives the bit itself (0x08), not 1; callers only test it for non-zero.",
            "timeout_pending(&t) returns 0: TIMEOUT_ONQUEUE (0x02) is clear in to_flags.",
        ]
    );
}
