//! Work budgets: every way of making the machine work stops with a clear message, whatever the
//! driver. Each test runs the hostile scenario that broke a budget and asserts the message and a
//! bound on the work done, counted (statements, events, queues, ticks), never timed.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::kernel::rttimer::MAX_RTTIMER_QUEUES;
use hardclock::kernel::MAX_EVENTS;
use hardclock::script::interp::MAX_HANDLER_STATEMENTS;
use hardclock::script::{run, Outcome};
use hardclock::ui::state::{Action, State, MAX_ACTION_STATEMENTS};

/// A timeout that re-arms itself for 0 ticks with a body of `n` statements: OpenBSD's softclock
/// runs it again in the same pass, so only the budgets stop it.
fn zero_tick_rearm(n: usize) -> String {
    let body = vec!["x = 1"; n - 1].join("; ");
    format!(
        "timeout_set(&t, f, NULL)\nhandler f {{ timeout_add(&t, 0); {body} }}\ntimeout_add(&t, 1)\nhardclock(2)\n"
    )
}

fn panic_of(o: &Outcome) -> &str {
    match o {
        Outcome::Panicked(m) => m,
        other => panic!("expected a simulated panic, got {other:?}"),
    }
}

#[test]
fn a_zero_tick_self_rearm_with_a_long_body_stops_at_the_handler_statement_budget() {
    for n in [300, 1000, 32_000] {
        let r = run(&zero_tick_rearm(n));
        let m = panic_of(&r.outcome);
        assert!(
            m.starts_with(&format!(
                "simulator limit: {MAX_HANDLER_STATEMENTS} statements run inside handler bodies"
            )),
            "{m}"
        );
        assert!(m.contains("(the latest in f)"), "{m}");
        // The work done is the budget, not a statement more.
        assert_eq!(r.interp.handler_stmts, MAX_HANDLER_STATEMENTS + 1);
        assert_eq!(
            r.kernel.clock.ticks, 1,
            "it all happened in the first softclock pass"
        );
    }
}

#[test]
fn a_queue_created_per_tick_stops_at_the_queue_cap_and_scans_stay_small() {
    let src = "timeout_set(&t, f, NULL)\nhandler f { q = rt_timer_queue_create(1); timeout_add(&t, 1) }\ntimeout_add(&t, 1)\nhardclock(1000000)\n";
    let r = run(src);
    let m = panic_of(&r.outcome);
    assert!(
        m.starts_with(&format!(
            "simulator limit: rt_timer_queue_create: {MAX_RTTIMER_QUEUES} queues created since boot"
        )),
        "{m}"
    );
    assert_eq!(r.kernel.rtt.queues.len(), MAX_RTTIMER_QUEUES);
    assert_eq!(r.kernel.clock.ticks as usize, MAX_RTTIMER_QUEUES + 1);
}

/// A scenario's budget of events is counted from boot, so a driver that drains the log (the
/// app, after every step) stops at the same event as one that keeps it (the CLI).
#[test]
fn the_app_stops_a_flood_of_events_at_the_same_tick_as_the_cli() {
    let src = "timeout_set(&t, f, NULL)\nhandler f { timeout_add(&t, 1) }\ntimeout_add(&t, 1)\nhardclock(1000000)\n";
    let cli = run(src);
    let m = panic_of(&cli.outcome);
    assert!(
        m.starts_with(&format!(
            "simulator limit: {MAX_EVENTS} events recorded since boot"
        )),
        "{m}"
    );
    // The cap is checked between steps: a step that crosses it finishes first.
    let logged = cli.kernel.trace.events.len();
    assert!(
        (MAX_EVENTS + 1..MAX_EVENTS + 16).contains(&logged),
        "{logged}"
    );
    assert_eq!(cli.kernel.trace.emitted, logged as u64);
    let stop_tick = cli.kernel.clock.ticks;
    assert!(stop_tick < 100_000, "{stop_tick}");

    // The same scenario run in the app.
    let mut s = State::default();
    s.apply(Action::LoadScenario(src.into()));
    s.apply(Action::RunScript);
    let k = s.kernel();
    assert_eq!(k.panic.as_deref(), Some(m));
    assert_eq!(k.clock.ticks, stop_tick);
    assert_eq!(k.trace.emitted, logged as u64);
}

/// The app's hardclock buttons (the play loop's and the jump's path) run one hardclock at a
/// time and drain the log as they go: each hardclock has a budget of its own, so a long run goes
/// on past the events a scenario may record; the trace export, which keeps every event, stops
/// where the CLI would and says so.
#[test]
fn the_app_runs_hardclocks_past_the_event_budget_and_the_export_says_where_it_stops() {
    let src = "timeout_set(&t, f, NULL)\nhandler f { timeout_add(&t, 1) }\ntimeout_add(&t, 1)\n";
    let mut s = State::default();
    s.apply(Action::LoadScenario(src.into()));
    s.apply(Action::RunScript);
    let ticks = (MAX_EVENTS / 2) as u64;
    s.apply(Action::RunTicks(ticks));
    let k = s.kernel();
    assert_eq!(k.panic, None);
    assert_eq!(k.clock.ticks as u64, ticks);
    assert!(
        k.trace.emitted > 2 * MAX_EVENTS as u64,
        "{}",
        k.trace.emitted
    );
    assert!(k.trace.events.len() < 2048, "{}", k.trace.events.len());

    let (full, outcome) = s.full_run();
    let m = panic_of(&outcome);
    assert!(
        m.starts_with(&format!(
            "simulator limit: this trace holds the first {} events of the run",
            full.trace.events.len()
        )),
        "{m}"
    );
    assert!(
        (MAX_EVENTS..MAX_EVENTS + 16).contains(&full.trace.events.len()),
        "{}",
        full.trace.events.len()
    );
    assert!(
        m.ends_with(&format!("the page ran on to ticks {ticks}")),
        "{m}"
    );
}

#[test]
fn ticks_past_an_int_say_so() {
    let r = run("ticks = 2147483648\n");
    match r.outcome {
        Outcome::Error(e) => {
            assert_eq!((e.line, e.col), (1, 1));
            assert_eq!(
                e.msg,
                "ticks = 2147483648 does not fit in an int (-2147483648 to 2147483647)"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The page renews the kernel's budgets before each of its hardclocks, so what bounds a jump of
/// a million busy ticks is the action's own budget of handler statements: the action stops
/// between two hardclocks with a notice (no panic), and the next one goes on.
#[test]
fn a_run_of_busy_hardclocks_stops_at_the_action_budget_and_goes_on_when_asked() {
    let body = vec!["x = 1"; 999].join("; ");
    let src = format!(
        "timeout_set(&t, f, NULL)\nhandler f {{ timeout_add(&t, 1); {body} }}\ntimeout_add(&t, 1)\n"
    );
    let mut s = State::default();
    s.apply(Action::LoadScenario(src));
    s.apply(Action::RunScript);
    s.apply(Action::JumpToTick(1_000_000));
    let per_action = MAX_ACTION_STATEMENTS / 1000;
    assert_eq!(s.kernel().panic, None);
    assert_eq!(s.kernel().clock.elapsed, per_action);
    let notice = s.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with(&format!("Stopped after {per_action} hardclocks")),
        "{notice}"
    );
    s.apply(Action::RunTicks(5));
    assert_eq!(s.kernel().clock.elapsed, per_action + 5);
    assert_eq!(s.kernel().panic, None);
}
