#![cfg(not(target_arch = "wasm32"))]
//! Scenarios for FreeBSD timeout(9)/callout(9): every warning of the man page (seed 002), the
//! reference's worked example, and the 4.4BSD calltodo contrast.

#[path = "common/ast.rs"]
mod ast;
#[path = "common/scenario.rs"]
mod scenario;

use ast::{assign, call, ident as id, int, null, obj as r};
use hardclock::kernel::freebsd::{CalloutEvent, StopWhy, Thread, UntimeoutOutcome};
use hardclock::kernel::{Event, EventKind, Kernel, KernelError, Stmt, Target, Value};
use hardclock::script::Interp;
use scenario::{callout_fires as fires, exec};

// ---- building statements ----------------------------------------------------------------------

fn set(var: &str, n: i64) -> Stmt {
    assign(var, int(n))
}
fn busy(n: i64) -> Stmt {
    call("busy", vec![int(n)])
}

fn run(k: &mut Kernel, it: &mut Interp, script: &[Stmt]) -> Result<Value, KernelError> {
    let mut last = Value::Null;
    for s in script {
        last = it.exec(k, s)?;
    }
    Ok(last)
}

fn ticks(k: &mut Kernel, it: &mut Interp, n: u64) {
    it.run_ticks(k, n).expect("hardclock");
}

fn callout_events(k: &Kernel) -> Vec<(i32, CalloutEvent)> {
    k.trace
        .events
        .iter()
        .filter_map(|e: &Event| match &*e.kind {
            EventKind::Callout(c) => Some((e.tick, c.clone())),
            _ => None,
        })
        .collect()
}

fn var(it: &Interp, name: &str) -> Option<Value> {
    it.vars.get(name).cloned()
}

// ---- the legacy API ---------------------------------------------------------------------------

#[test]
fn a_recycled_handle_cancels_a_newer_timeout() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "h1 = timeout(hello, NULL, 10)").unwrap();
    // hello runs; its callout goes back on top of callfree.
    ticks(&mut k, &mut it, 10);
    // untimeout with the stale handle from the first call: same slot, same func and arg.
    exec(
        &mut k,
        &mut it,
        "h2 = timeout(hello, NULL, 20); untimeout(hello, NULL, h1)",
    )
    .unwrap();
    assert_eq!(var(&it, "h1"), var(&it, "h2"), "the slot was recycled");
    assert_eq!(
        var(&it, "h1"),
        Some(Value::Handle(63)),
        "LIFO: the last pool slot first"
    );
    ticks(&mut k, &mut it, 30);
    assert_eq!(fires(&k), vec![(10, "hello".into(), "NULL".into())]);
    let cancelled = callout_events(&k).into_iter().any(|(_, e)| {
        matches!(
            e,
            CalloutEvent::Untimeout {
                outcome: UntimeoutOutcome::Stopped { ret: 1 },
                ..
            }
        )
    });
    assert!(cancelled, "untimeout stopped the newer timeout");
}

#[test]
fn a_stale_handle_with_another_arg_is_harmless() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "h1 = timeout(hello, a, 1)").unwrap();
    ticks(&mut k, &mut it, 1);
    exec(
        &mut k,
        &mut it,
        "h2 = timeout(hello, b, 5); untimeout(hello, a, h1)",
    )
    .unwrap();
    assert_eq!(var(&it, "h1"), var(&it, "h2"));
    ticks(&mut k, &mut it, 5);
    assert_eq!(
        fires(&k),
        vec![
            (1, "hello".into(), "a".into()),
            (6, "hello".into(), "b".into())
        ]
    );
}

#[test]
fn callout_handle_init_makes_untimeout_a_no_op_and_an_uninitialised_handle_is_an_error() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(
        &mut k,
        &mut it,
        "callout_handle_init(&h); h2 = timeout(f, NULL, 3); untimeout(f, NULL, h)",
    )
    .unwrap();
    assert_eq!(var(&it, "h"), Some(Value::Null));
    assert_eq!(
        k.co.handles(&it.vars),
        vec![("h".to_string(), None), ("h2".to_string(), Some(63))]
    );
    ticks(&mut k, &mut it, 3);
    assert_eq!(fires(&k).len(), 1, "the NULL handle cancelled nothing");
    let e = exec(&mut k, &mut it, "untimeout(f, NULL, never_set)").unwrap_err();
    assert!(
        matches!(e, KernelError::Scenario { arg: Some(2), ref msg, .. } if msg.contains("undefined")),
        "{e:?}"
    );
    assert!(k.panic.is_none());
}

#[test]
fn timeout_table_full_panics() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "ncallout = 2").unwrap();
    exec(&mut k, &mut it, "timeout(f, 1, 5); timeout(f, 2, 5)").unwrap();
    let e = exec(&mut k, &mut it, "timeout(f, 3, 5)").unwrap_err();
    assert_eq!(e, KernelError::Panic("timeout table full".into()));
    assert_eq!(k.panic.as_deref(), Some("timeout table full"));
    assert!(callout_events(&k)
        .iter()
        .any(|(_, e)| *e == CalloutEvent::TableFull { ncallout: 2 }));
}

#[test]
fn fired_and_stopped_pool_callouts_go_back_on_top_of_callfree() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "ncallout = 4").unwrap();
    exec(
        &mut k,
        &mut it,
        "a = timeout(f, 1, 2); b = timeout(f, 2, 9)",
    )
    .unwrap();
    assert_eq!(var(&it, "a"), Some(Value::Handle(3)));
    assert_eq!(var(&it, "b"), Some(Value::Handle(2)));
    assert_eq!(k.co.free_list(), vec![1, 0]);
    ticks(&mut k, &mut it, 2);
    assert_eq!(k.co.free_list(), vec![3, 1, 0]);
    exec(&mut k, &mut it, "untimeout(f, 2, b)").unwrap();
    assert_eq!(k.co.free_list(), vec![2, 3, 1, 0]);
    // The freed slot's c_func is NULL, so an untimeout with the old func no longer matches.
    assert_eq!(k.co.pooled(3).unwrap().func, None);
}

// ---- callout_stop / callout_drain and the softclock thread -----------------------------------

fn busy_handler(k: &mut Kernel, it: &mut Interp, mpsafe: i64, body: Vec<Stmt>) {
    it.handlers.insert("f".into(), body);
    run(
        k,
        it,
        &[
            call("callout_init", vec![r("c"), int(mpsafe)]),
            call("callout_reset", vec![r("c"), int(2), id("f"), null()]),
        ],
    )
    .unwrap();
}

#[test]
fn stop_while_being_serviced_returns_zero_and_the_handler_goes_on() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 1, vec![busy(3), set("done", 1)]);
    ticks(&mut k, &mut it, 2);
    assert_eq!(k.co.curr_callout(), Some("c"));
    let ret = exec(&mut k, &mut it, "callout_stop(&c)").unwrap();
    assert_eq!(ret, Value::Int(0));
    assert_eq!(var(&it, "done"), None, "still running");
    assert_eq!(
        exec(&mut k, &mut it, "callout_active(&c)").unwrap(),
        Value::Int(0),
        "stop clears ACTIVE"
    );
    ticks(&mut k, &mut it, 2);
    assert_eq!(var(&it, "done"), None);
    ticks(&mut k, &mut it, 1);
    assert_eq!(var(&it, "done"), Some(Value::Int(1)), "finished at tick 5");
    assert_eq!(k.co.curr_callout(), None);
    assert!(callout_events(&k).iter().any(|(t, e)| *t == 2
        && matches!(
            e,
            CalloutEvent::Stop {
                ret: 0,
                why: StopWhy::Serviced,
                ..
            }
        )));
}

#[test]
fn stop_of_a_pending_callout_returns_one_and_it_never_runs() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 1, vec![]);
    let ret = exec(&mut k, &mut it, "callout_stop(&c)").unwrap();
    assert_eq!(ret, Value::Int(1));
    let again = exec(&mut k, &mut it, "callout_stop(&c)").unwrap();
    assert_eq!(again, Value::Int(0));
    ticks(&mut k, &mut it, 10);
    assert!(fires(&k).is_empty());
}

#[test]
fn drain_waits_until_the_handler_returns() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 1, vec![busy(3), set("done", 1)]);
    ticks(&mut k, &mut it, 2);
    let ret = exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    assert_eq!(ret, Value::Int(0));
    // The script resumed only after the handler's 3 busy ticks.
    assert_eq!(k.clock.ticks, 5);
    assert_eq!(var(&it, "done"), Some(Value::Int(1)));
    let ev = callout_events(&k);
    assert!(ev
        .iter()
        .any(|(t, e)| *t == 2 && matches!(e, CalloutEvent::Blocked { .. })));
    assert!(ev
        .iter()
        .any(|(t, e)| *t == 5 && matches!(e, CalloutEvent::Woke { after: 3, .. })));
    // The call itself is recorded when it returns.
    let call_tick = k
        .trace
        .events
        .iter()
        .find(|e| matches!(&*e.kind, EventKind::Call { name, .. } if name == "callout_drain"))
        .map(|e| e.tick);
    assert_eq!(call_tick, Some(5));
}

#[test]
fn drain_refuses_the_handlers_own_re_arm() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(
        &mut k,
        &mut it,
        1,
        vec![
            busy(2),
            call("callout_reset", vec![r("c"), int(5), id("f"), null()]),
        ],
    );
    ticks(&mut k, &mut it, 2);
    exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    assert_eq!(
        exec(&mut k, &mut it, "callout_pending(&c)").unwrap(),
        Value::Int(0)
    );
    assert!(callout_events(&k)
        .iter()
        .any(|(_, e)| matches!(e, CalloutEvent::ResetRefused { .. })));
    ticks(&mut k, &mut it, 20);
    assert_eq!(fires(&k).len(), 1);
}

#[test]
fn a_handler_that_re_armed_itself_is_stopped_without_waiting() {
    // 6.x _callout_stop_safe only sleeps when the callout is not pending.
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(
        &mut k,
        &mut it,
        1,
        vec![
            call("callout_reset", vec![r("c"), int(10), id("f"), null()]),
            busy(3),
        ],
    );
    ticks(&mut k, &mut it, 2);
    let ret = exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    assert_eq!(ret, Value::Int(1));
    assert_eq!(k.clock.ticks, 2, "no sleep");
    assert_eq!(k.co.curr_callout(), Some("c"), "the handler still runs");
    ticks(&mut k, &mut it, 20);
    assert_eq!(fires(&k).len(), 1, "the re-arm was cancelled");
}

/// Issue #15 item 1. `_callout_stop_safe(c, 1)` waits in `msleep_spin(&callout_wait, ...)` (6.x;
/// `msleep` in 5.x), and every sleep of kern_synch.c runs DROP_GIANT() first and PICKUP_GIANT()
/// after. A drainer holding Giant (here twice, recursively) therefore does not deadlock with a
/// non-MPSAFE handler waiting for Giant: Giant is released, softclock wakes at once (the same
/// tick, 2), calls f, and the drain returns 0 without a hardclock, Giant held twice again.
#[test]
fn draining_while_holding_giant_drops_giant_and_the_handler_runs() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 0, vec![set("ran", 1)]);
    exec(&mut k, &mut it, "mtx_lock(&Giant); mtx_lock(&Giant)").unwrap();
    ticks(&mut k, &mut it, 2); // softclock dequeues c and sleeps on Giant
    let running = k.co.running().unwrap();
    assert!(!running.started);
    assert_eq!(
        running.wait,
        hardclock::kernel::freebsd::Wait::Lock("Giant".into())
    );
    let ret = exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    assert_eq!(
        ret,
        Value::Int(0),
        "not pending: the drain waited for the call"
    );
    assert_eq!(k.panic, None);
    assert_eq!(k.clock.ticks, 2, "no hardclock was needed");
    assert_eq!(fires(&k), vec![(2, "f".into(), "NULL".into())]);
    assert_eq!(var(&it, "ran"), Some(Value::Int(1)));
    assert_eq!(
        k.co.mutexes(),
        vec![("Giant".to_string(), Thread::Script, 1)],
        "PICKUP_GIANT takes it back as deep as it was held"
    );
    let ev = callout_events(&k);
    let at = |pred: &dyn Fn(&CalloutEvent) -> bool| ev.iter().position(|(_, e)| pred(e)).unwrap();
    let dropped = at(&|e| matches!(e, CalloutEvent::DropGiant { count: 2, .. }));
    let taken = at(
        &|e| matches!(e, CalloutEvent::Locked { thread: Thread::Softclock, m, .. } if m == "Giant"),
    );
    let woke = at(&|e| matches!(e, CalloutEvent::Woke { after: 0, .. }));
    let picked = at(&|e| matches!(e, CalloutEvent::PickupGiant { count: 2, .. }));
    assert!(dropped < taken && taken < woke && woke < picked, "{ev:?}");
    assert!(!ev
        .iter()
        .any(|(_, e)| matches!(e, CalloutEvent::Deadlock { .. })));
    // The drain warning of callout(9) is named in the narration of the drop.
    assert!(ev[dropped].1.narrate().contains("man page"));
}

/// Issue #15 item 1: a drainer that holds Giant sleeps through a busy non-MPSAFE handler (which
/// holds Giant meanwhile), and PICKUP_GIANT() waits if another Giant handler holds it when the
/// drain wakes: that wait is a turnstile wait (mtx_lock), which keeps nothing to drop.
#[test]
fn pickup_giant_waits_for_a_handler_that_took_giant_after_the_drained_one() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    it.handlers.insert("f".into(), vec![busy(1)]);
    it.handlers.insert("g".into(), vec![busy(3)]);
    exec(&mut k, &mut it, "callout_init(&c, 0); callout_init(&d, 0); callout_reset(&c, 2, f, NULL); callout_reset(&d, 3, g, NULL); mtx_lock(&Giant)")
    .unwrap();
    ticks(&mut k, &mut it, 2);
    exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    // f: called at 2, returns at 3; g: called at 3 right after, holds Giant until 6.
    assert_eq!(
        fires(&k),
        vec![
            (2, "f".into(), "NULL".into()),
            (3, "g".into(), "NULL".into())
        ]
    );
    assert_eq!(k.clock.ticks, 6);
    assert_eq!(
        k.co.mutexes(),
        vec![("Giant".to_string(), Thread::Script, 0)]
    );
    let woke: Vec<(i32, u32)> = callout_events(&k)
        .into_iter()
        .filter_map(|(t, e)| match e {
            CalloutEvent::Woke { after, .. } => Some((t, after)),
            _ => None,
        })
        .collect();
    assert_eq!(
        woke,
        vec![(3, 1), (6, 3)],
        "the drain, then PICKUP_GIANT's wait"
    );
}

#[test]
fn draining_while_holding_a_lock_the_running_handler_wants_deadlocks_on_that_lock() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(
        &mut k,
        &mut it,
        1,
        vec![
            busy(1),
            call("mtx_lock", vec![r("sc_mtx")]),
            call("mtx_unlock", vec![r("sc_mtx")]),
        ],
    );
    ticks(&mut k, &mut it, 2);
    exec(&mut k, &mut it, "mtx_lock(&sc_mtx)").unwrap();
    exec(&mut k, &mut it, "callout_drain(&c)").unwrap_err();
    let msg = k.panic.clone().unwrap();
    assert!(msg.contains("deadlock") && msg.contains("sc_mtx"), "{msg}");
    assert_eq!(k.clock.ticks, 3, "found after the handler woke and blocked");
}

#[test]
fn stop_while_holding_giant_cancels_a_dequeued_non_mpsafe_callout() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 0, vec![]);
    exec(&mut k, &mut it, "mtx_lock(&Giant)").unwrap();
    ticks(&mut k, &mut it, 2);
    let ret = exec(&mut k, &mut it, "callout_stop(&c)").unwrap();
    assert_eq!(ret, Value::Int(1), "curr_cancelled: the call is prevented");
    exec(&mut k, &mut it, "mtx_unlock(&Giant)").unwrap();
    ticks(&mut k, &mut it, 1);
    assert!(fires(&k).is_empty());
    assert_eq!(k.co.curr_callout(), None);
    assert!(callout_events(&k)
        .iter()
        .any(|(_, e)| matches!(e, CalloutEvent::CancelledSkip { .. })));
}

#[test]
fn non_mpsafe_handlers_hold_giant_and_the_script_waits_for_it() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 0, vec![busy(4)]);
    ticks(&mut k, &mut it, 2);
    assert_eq!(
        k.co.mutexes(),
        vec![("Giant".to_string(), Thread::Softclock, 0)]
    );
    exec(&mut k, &mut it, "mtx_lock(&Giant)").unwrap();
    assert_eq!(k.clock.ticks, 6);
    assert_eq!(
        k.co.mutexes(),
        vec![("Giant".to_string(), Thread::Script, 0)]
    );
}

/// Issue #15 item 2. A handler sleeping in `mtx_lock(&m)` holds up the rest of the scan; the
/// script's `mtx_unlock(&m)` (`_mtx_unlock_sleep` -> `turnstile_unpend`) wakes the softclock
/// thread, which outranks the script's thread, so the handler and the rest of the pass run at
/// once, at the same tick, before the script's next statement: d, due at tick 2, runs at tick 4
/// inside that mtx_unlock.
#[test]
fn a_handler_waiting_for_a_script_lock_holds_up_the_scan_until_the_unlock_wakes_it() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    it.handlers.insert(
        "f".into(),
        vec![
            call("mtx_lock", vec![r("m")]),
            set("f_done", 1),
            call("mtx_unlock", vec![r("m")]),
        ],
    );
    exec(&mut k, &mut it, "callout_init(&c, 1); callout_init(&d, 1); callout_reset(&c, 1, f, NULL); callout_reset(&d, 2, g, NULL); mtx_lock(&m)")
    .unwrap();
    ticks(&mut k, &mut it, 4);
    assert_eq!(fires(&k), vec![(1, "f".into(), "NULL".into())]);
    assert_eq!(var(&it, "f_done"), None);
    assert_eq!(
        k.co.softticks(),
        1,
        "softclock is stuck in the bucket of tick 1"
    );
    let before = k.trace.events.len();
    run(
        &mut k,
        &mut it,
        &[
            call("mtx_unlock", vec![r("m")]),
            Stmt::Assign {
                line: 2,
                target: Target::Var("seen".into()),
                value: id("f_done"),
            },
        ],
    )
    .unwrap();
    assert_eq!(k.clock.ticks, 4, "no hardclock");
    assert_eq!(
        var(&it, "seen"),
        Some(Value::Int(1)),
        "f finished before the next statement"
    );
    assert_eq!(fires(&k)[1], (4, "g".into(), "NULL".into()));
    assert_eq!(k.co.softticks(), 4, "the pass caught up with ticks");
    // The order inside the script's mtx_unlock.
    let said: Vec<String> = k.trace.events[before..]
        .iter()
        .map(|e| e.narrate())
        .collect();
    let pos = |needle: &str| {
        said.iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {said:#?}"))
    };
    let order = [
        pos("the script thread releases m"),
        pos("mtx_unlock(&m) frees m and wakes the softclock thread"),
        pos("the softclock thread takes m"),
        pos("mtx_lock() called by handler f"),
        pos("f() continues"),
        pos("softclock runs g(NULL)"),
        pos("mtx_unlock() called."),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?} {said:#?}");
}

/// Issue #15 item 2 with Giant: a non-MPSAFE callout dequeued while the script holds Giant
/// runs inside the script's `mtx_unlock(&Giant)`, unless Giant is still held (recursed once
/// more), in which case it waits for the last unlock.
#[test]
fn the_last_unlock_of_giant_runs_the_waiting_non_mpsafe_handler_at_once() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 0, vec![set("ran", 1)]);
    exec(&mut k, &mut it, "mtx_lock(&Giant); mtx_lock(&Giant)").unwrap();
    ticks(&mut k, &mut it, 3);
    exec(&mut k, &mut it, "mtx_unlock(&Giant)").unwrap();
    assert!(fires(&k).is_empty(), "Giant is still held once");
    exec(&mut k, &mut it, "mtx_unlock(&Giant)").unwrap();
    assert_eq!(fires(&k), vec![(3, "f".into(), "NULL".into())]);
    assert_eq!(var(&it, "ran"), Some(Value::Int(1)));
    assert_eq!(k.co.curr_callout(), None);
    assert!(k.co.mutexes().is_empty());
}

#[test]
fn busy_stalls_the_scan_and_later_callouts_run_late_in_bucket_order() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "ncallout = 8").unwrap();
    it.handlers.insert("f".into(), vec![busy(3)]);
    exec(&mut k, &mut it, "callout_init(&a, 1); callout_init(&b, 1); callout_init(&c, 1); callout_reset(&a, 1, f, 1); callout_reset(&b, 1, g, 2); callout_reset(&c, 2, g, 3)")
    .unwrap();
    ticks(&mut k, &mut it, 4);
    assert_eq!(
        fires(&k),
        vec![
            (1, "f".into(), "1".into()),
            (4, "g".into(), "2".into()),
            (4, "g".into(), "3".into())
        ]
    );
}

#[test]
fn stopping_or_moving_the_entry_a_stalled_scan_points_at_keeps_the_scan_valid() {
    for moved in [false, true] {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        it.handlers.insert("f".into(), vec![busy(2)]);
        let mut script = vec![];
        for c in ["a", "b", "c"] {
            script.push(call("callout_init", vec![r(c), int(1)]));
            script.push(call("callout_reset", vec![r(c), int(1), id("f"), id(c)]));
        }
        run(&mut k, &mut it, &script).unwrap();
        ticks(&mut k, &mut it, 1); // a runs and stays busy; nextsoftcheck = b
        assert_eq!(k.co.scan_position(), Some((1, 1, Some("b".to_string()))));
        let second = if moved {
            call("callout_reset", vec![r("b"), int(64), id("f"), id("b")])
        } else {
            call("callout_stop", vec![r("b")])
        };
        run(&mut k, &mut it, &[second]).unwrap();
        assert_eq!(k.co.scan_position(), Some((1, 1, Some("c".to_string()))));
        ticks(&mut k, &mut it, 4);
        let args: Vec<String> = fires(&k).into_iter().map(|f| f.2).collect();
        assert_eq!(args, vec!["a", "c"], "moved {moved}");
    }
}

#[test]
fn busy_outside_a_callout_handler_is_a_scenario_error() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    let e = exec(&mut k, &mut it, "busy(2)").unwrap_err();
    assert!(
        matches!(e, KernelError::Scenario { arg: Some(0), .. }),
        "{e:?}"
    );
    assert!(k.panic.is_none());
}

#[test]
fn returning_with_a_mutex_held_panics() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 1, vec![call("mtx_lock", vec![r("m")])]);
    let e = it.run_ticks(&mut k, 2).unwrap_err();
    assert!(e.message().contains("returned with mutex m held"), "{e:?}");
}

#[test]
fn a_handler_draining_its_own_callout_deadlocks() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(
        &mut k,
        &mut it,
        1,
        vec![call("callout_drain", vec![r("c")])],
    );
    let e = it.run_ticks(&mut k, 2).unwrap_err();
    assert!(e.message().contains("deadlock"), "{e:?}");
}

#[test]
fn using_a_callout_before_callout_init_is_a_scenario_error() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    let e = exec(&mut k, &mut it, "callout_reset(&x, 2, f, NULL)").unwrap_err();
    assert!(matches!(e, KernelError::Scenario { arg: Some(0), .. }));
}

// ---- the wheel --------------------------------------------------------------------------------

#[test]
fn worked_example_of_reference_2_10() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "ncallout = 2048; ticks = 5000; callout_init(&c, 1); callout_init(&d, 1); callout_reset(&c, 3000, f, a); callout_reset(&d, 3000, g, b)")
    .unwrap();
    assert_eq!(k.kernel_var("callwheelsize"), Some(Value::Int(2048)));
    let c = k.co.callout("c").unwrap();
    assert_eq!((c.c_time, c.bucket), (8000, 1856));
    assert_eq!(
        k.co.bucket(1856)
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        vec!["c", "d"]
    );
    ticks(&mut k, &mut it, 3000);
    let skips: Vec<(i32, String, i32)> = callout_events(&k)
        .into_iter()
        .filter_map(|(_, e)| match e {
            CalloutEvent::Skip { c, tick, laps, .. } => Some((tick, c.to_string(), laps)),
            _ => None,
        })
        .collect();
    assert_eq!(skips, vec![(5952, "c".into(), 1), (5952, "d".into(), 1)]);
    assert_eq!(
        fires(&k),
        vec![
            (8000, "f".into(), "a".into()),
            (8000, "g".into(), "b".into())
        ]
    );
}

#[test]
fn a_reset_moves_the_callout_to_the_tail_and_n_le_0_is_one_tick() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "callout_init(&a, 1); callout_init(&b, 1); callout_reset(&a, 0, f, 1); callout_reset(&b, -5, f, 2); callout_reset(&a, 1, f, 3)")
    .unwrap();
    ticks(&mut k, &mut it, 1);
    assert_eq!(
        fires(&k),
        vec![(1, "f".into(), "2".into()), (1, "f".into(), "3".into())]
    );
}

#[test]
fn softclock_yields_after_max_softclock_steps() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "ncallout = 1").unwrap();
    for i in 0..150 {
        let name = format!("c{i}");
        run(
            &mut k,
            &mut it,
            &[
                call("callout_init", vec![r(&name), int(1)]),
                call("callout_reset", vec![r(&name), int(1000), id("f"), null()]),
            ],
        )
        .unwrap();
    }
    ticks(&mut k, &mut it, 1);
    let ev = callout_events(&k);
    let skips = ev
        .iter()
        .filter(|(_, e)| matches!(e, CalloutEvent::Skip { .. }))
        .count();
    assert_eq!(skips, 150);
    assert_eq!(
        ev.iter()
            .filter(|(_, e)| matches!(e, CalloutEvent::Yield { steps: 100 }))
            .count(),
        1
    );
}

#[test]
fn softticks_keeps_up_through_empty_buckets_and_waits_at_full_ones() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(
        &mut k,
        &mut it,
        "ticks = 100; callout_init(&c, 1); callout_reset(&c, 3, f, NULL)",
    )
    .unwrap();
    ticks(&mut k, &mut it, 2);
    assert_eq!(k.kernel_var("softticks"), Some(Value::Int(102)));
    ticks(&mut k, &mut it, 3);
    assert_eq!(k.co.softticks(), 105);
    let scheduled: Vec<i32> = callout_events(&k)
        .into_iter()
        .filter(|(_, e)| matches!(e, CalloutEvent::Scheduled { .. }))
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        scheduled,
        vec![103],
        "hardclock schedules softclock only for a full bucket"
    );
}

#[test]
fn tunables_are_frozen_at_boot() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    assert_eq!(k.kernel_var("ncallout"), Some(Value::Int(64)));
    exec(&mut k, &mut it, "ncallout = 100").unwrap();
    assert_eq!(k.kernel_var("callwheelsize"), Some(Value::Int(128)));
    assert_eq!(k.kernel_var("callwheelmask"), Some(Value::Int(127)));
    assert!(exec(&mut k, &mut it, "callwheelsize = 64").is_err());
    assert!(exec(&mut k, &mut it, "ncallout = 0").is_err());
    ticks(&mut k, &mut it, 1);
    assert!(exec(&mut k, &mut it, "ncallout = 8").is_err());
    assert!(exec(&mut k, &mut it, "callout_impl = 1").is_err());
}

#[test]
fn the_wheel_works_across_the_wrap_of_ticks() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    run(
        &mut k,
        &mut it,
        &[
            set("ncallout", 4),
            set("ticks", i32::MAX as i64 - 2),
            call("callout_init", vec![r("c"), int(1)]),
            call("callout_reset", vec![r("c"), int(9), id("f"), null()]),
        ],
    )
    .unwrap();
    ticks(&mut k, &mut it, 9);
    assert_eq!(fires(&k), vec![(i32::MIN + 6, "f".into(), "NULL".into())]);
}

// ---- 4.4BSD calltodo --------------------------------------------------------------------------

#[test]
fn calltodo_is_lifo_among_equal_deadlines_where_the_callwheel_is_fifo() {
    let order = |imp: i64| {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        run(
            &mut k,
            &mut it,
            &[
                set("callout_impl", imp),
                call("timeout", vec![id("f"), id("a"), int(5)]),
                call("timeout", vec![id("f"), id("b"), int(5)]),
                call("timeout", vec![id("f"), id("c"), int(3)]),
            ],
        )
        .unwrap();
        ticks(&mut k, &mut it, 5);
        fires(&k)
    };
    let f = |t: i32, a: &str| (t, "f".to_string(), a.to_string());
    assert_eq!(order(1), vec![f(3, "c"), f(5, "b"), f(5, "a")]);
    assert_eq!(order(0), vec![f(3, "c"), f(5, "a"), f(5, "b")]);
}

#[test]
fn calltodo_insertion_walks_the_list_and_untimeout_searches_it() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "callout_impl = 1").unwrap();
    for (i, t) in [10, 20, 30, 40].iter().enumerate() {
        run(
            &mut k,
            &mut it,
            &[call("timeout", vec![id("f"), int(i as i64), int(*t)])],
        )
        .unwrap();
    }
    // 4.4BSD: untimeout(ftn, arg), no handle.
    exec(&mut k, &mut it, "timeout(g, NULL, 35); untimeout(f, 3)").unwrap();
    let ev = callout_events(&k);
    assert!(ev.iter().any(|(_, e)| matches!(
        e,
        CalloutEvent::TodoInsert {
            walked: 3,
            delta: 5,
            ..
        }
    )));
    assert!(ev.iter().any(|(_, e)| matches!(
        e,
        CalloutEvent::TodoRemove {
            walked: 5,
            found: true,
            ..
        }
    )));
    let deltas: Vec<i32> = k.co.todo_list().iter().map(|t| t.delta).collect();
    assert_eq!(deltas, vec![10, 10, 10, 5]);
    ticks(&mut k, &mut it, 40);
    let fired: Vec<i32> = fires(&k).iter().map(|f| f.0).collect();
    assert_eq!(fired, vec![10, 20, 30, 35]);
}

/// Issue #15 item 5: 4.4BSD-Lite2 kern_clock.c `timeout()`: `if (callfree == NULL)
/// panic("timeout table full");`, the same words as the callwheel's pool.
#[test]
fn calltodo_table_full_panics_with_the_4_4bsd_message() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "callout_impl = 1; ncallout = 1").unwrap();
    exec(&mut k, &mut it, "timeout(f, NULL, 1)").unwrap();
    let e = exec(&mut k, &mut it, "timeout(f, NULL, 1)").unwrap_err();
    assert_eq!(e, KernelError::Panic("timeout table full".into()));
    assert!(callout_events(&k).iter().any(|(_, e)| matches!(
        e,
        CalloutEvent::TodoTableFull { ncallout: 1 }
    ) && e
        .narrate()
        .contains("\"timeout table full\"")));
}

/// Issue #15 item 5: 4.4BSD's `untimeout(ftn, arg)` has two parameters; with `callout_impl = 1`
/// the kernel takes exactly two, and with the callwheel exactly three, and says which.
#[test]
fn untimeout_arity_follows_callout_impl() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "callout_impl = 1").unwrap();
    exec(&mut k, &mut it, "timeout(f, 7, 5)").unwrap();
    // The checker refuses this arity; the kernel's own refusal is what is tested here.
    let e = run(
        &mut k,
        &mut it,
        &[call("untimeout", vec![id("f"), int(7), null()])],
    )
    .unwrap_err();
    assert!(
        matches!(&e, KernelError::Scenario { msg, .. } if msg.starts_with("untimeout expects 2 arguments")),
        "{e:?}"
    );
    exec(&mut k, &mut it, "untimeout(f, 7)").unwrap();
    assert!(k.co.todo_list().is_empty(), "removed by func and arg");
    ticks(&mut k, &mut it, 10);
    assert!(fires(&k).is_empty());

    let (mut k, mut it) = (Kernel::new(), Interp::new());
    let e = run(&mut k, &mut it, &[call("untimeout", vec![id("f"), int(7)])]).unwrap_err();
    assert!(
        matches!(&e, KernelError::Scenario { msg, .. } if msg.starts_with("untimeout expects 3 arguments")),
        "{e:?}"
    );
}

/// Issue #15 item 3: callout.h `#define callout_active(c) ((c)->c_flags & CALLOUT_ACTIVE)` and
/// `callout_pending(c) ((c)->c_flags & CALLOUT_PENDING)`: the bit itself, 2 and 4, or 0.
#[test]
fn callout_active_and_pending_return_the_flag_bits() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 1, vec![]);
    let flags = |k: &mut Kernel, it: &mut Interp| {
        (
            run(k, it, &[call("callout_active", vec![r("c")])]).unwrap(),
            run(k, it, &[call("callout_pending", vec![r("c")])]).unwrap(),
        )
    };
    assert_eq!(flags(&mut k, &mut it), (Value::Int(2), Value::Int(4)));
    ticks(&mut k, &mut it, 2); // fired: PENDING cleared by softclock, ACTIVE kept
    assert_eq!(flags(&mut k, &mut it), (Value::Int(2), Value::Int(0)));
    exec(&mut k, &mut it, "callout_deactivate(&c)").unwrap();
    assert_eq!(flags(&mut k, &mut it), (Value::Int(0), Value::Int(0)));
    let said: Vec<String> = callout_events(&k)
        .iter()
        .filter(|(_, e)| matches!(e, CalloutEvent::FlagRead { .. }))
        .map(|(_, e)| e.narrate())
        .collect();
    assert_eq!(said.len(), 6);
    assert!(
        said[1].starts_with(
            "callout_pending(&c) returns 4: the callout.h macro is (c_flags & CALLOUT_PENDING)"
        ) && said[1].contains("not 1"),
        "{}",
        said[1]
    );
    assert_eq!(
        said[3],
        "callout_pending(&c) returns 0: CALLOUT_PENDING (0x0004) is clear in c_flags."
    );
}

#[test]
fn every_event_narrates_itself() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    busy_handler(&mut k, &mut it, 0, vec![busy(2)]);
    exec(&mut k, &mut it, "h = timeout(f, NULL, 2)").unwrap();
    ticks(&mut k, &mut it, 2);
    exec(&mut k, &mut it, "callout_drain(&c)").unwrap();
    for (_, e) in callout_events(&k) {
        let s = e.narrate();
        assert!(s.ends_with('.') && s.len() > 20, "{s}");
    }
}

/// Issue #15 item 5 through the script: when `callout_impl` is set from a variable the checker
/// cannot know the arity, so the kernel refuses the call and the error still names the line and
/// column of the call.
#[test]
fn a_wrong_untimeout_arity_found_at_run_time_points_at_the_call() {
    use hardclock::script::{run, Outcome};
    let r = run("n = 1\ncallout_impl = n\ntimeout(f, a, 5)\n  untimeout(f, a, h)\nhardclock(9)\n");
    match r.outcome {
        Outcome::Error(e) => {
            assert_eq!((e.line, e.col), (4, 3));
            assert!(
                e.msg.starts_with("untimeout expects 2 arguments"),
                "{}",
                e.msg
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    assert_eq!(r.kernel.clock.ticks, 0, "the rest did not run");
    let r = run("n = 1\ncallout_impl = n\ntimeout(f, a, 5)\nuntimeout(f, a)\nhardclock(9)\n");
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(fires(&r.kernel).is_empty(), "untimeout(f, a) removed it");
}
