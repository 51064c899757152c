//! The UI reducer, natively: no action sequence may panic, step back is exact, and a link
//! brings back the moment it was taken at.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::ui::state::{Action, Milestone, State, DEFAULT_SCENARIO};
use proptest::prelude::*;

const SCENARIOS: &[&str] = &[
    DEFAULT_SCENARIO,
    "callout_init(&c, 1)\ncallout_reset(&c, 5, f, NULL)\nhardclock(10)\nhandler f { callout_reset(&c, 3, f, NULL) }",
    "route_add(10.0.0.0/8, 192.168.1.1)\nrt = rtalloc1_fib(10.1.2.3, 1, 0, 0)\nhardclock(3)\nroute_delete(10.0.0.0/8)\nRTFREE_LOCKED(rt)",
    "timeout_add(&x, 5)\nhardclock(2)",
    "h = timeout(f, NULL, 4)\nuntimeout(f, NULL, h)\nh = timeout(g, NULL, 2)\nhardclock(3)",
    "hardclock(1\n",
    "ticks = 2147483500\ntimeout_set(&t, f, NULL)\ntimeout_add(&t, 300)\nhardclock(400)",
    "",
];

const LINES: &[&str] = &[
    "timeout_set(&z, f, NULL); timeout_add(&z, 7)",
    "hardclock(3)",
    "x = 4; hardclock(x)",
    "callout_init(&d, 1); callout_reset(&d, 2, g, NULL)",
    "timeout_add(&nope, 1)",
    "hardclok()",
    "handler q { busy(1) }",
    "",
];

fn action() -> impl Strategy<Value = Action> {
    // Weighted so that the 100000-tick searches of "run to next" stay rare (they are slow in
    // a debug build) while everything else is exercised often.
    prop_oneof![
        4 => (0..SCENARIOS.len()).prop_map(|i| Action::LoadScenario(SCENARIOS[i].to_string())),
        2 => ".{0,30}".prop_map(Action::LoadScenario),
        1 => ".{0,10}".prop_map(Action::EditText),
        6 => Just(Action::StepStatement),
        4 => Just(Action::MicroStep),
        2 => Just(Action::RunScript),
        6 => Just(Action::Hardclock),
        3 => (0u64..300).prop_map(Action::RunTicks),
        6 => Just(Action::StepBack),
        2 => (0u64..600).prop_map(Action::JumpToTick),
        1 => Just(Action::Reset),
        1 => prop_oneof![
            Just(Milestone::Cascade),
            Just(Milestone::Fire),
            Just(Milestone::RouteChange)
        ]
        .prop_map(Action::RunToNext),
        1 => Just(Action::Play),
        1 => Just(Action::TogglePlay),
        1 => any::<u32>().prop_map(Action::SetSpeed),
        3 => Just(Action::Advance),
        3 => (0..LINES.len()).prop_map(|i| Action::Console(LINES[i].to_string())),
        1 => ".{0,20}".prop_map(Action::Console),
        1 => "[a-z0-9]{0,4}".prop_map(Action::Select),
        1 => any::<usize>().prop_map(Action::TimerPage),
        1 => Just(Action::ToggleHelp),
    ]
}

/// Everything of the machine that step back must restore.
fn fingerprint(s: &State) -> String {
    format!("{:?} next={}", s.kernel(), s.machine.next_stmt)
}

/// Actions that, when they change anything, add exactly one step.
fn one_step(a: &Action) -> bool {
    matches!(
        a,
        Action::StepStatement | Action::Hardclock | Action::Console(_)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_action_sequence_panics_and_step_back_is_exact(
        actions in proptest::collection::vec(action(), 0..14)
    ) {
        let mut s = State::default();
        for a in actions {
            let before = s.clone();
            s = s.reduce(a.clone());
            prop_assert!(s.speed == 1 || s.speed == 10 || s.speed == 100 || s.speed == 1000);
            prop_assert!(s.machine.last.len() <= hardclock::ui::state::LAST_CAP);
            // What the views derive from the state: the table's page stays inside the table,
            // and every cascade move starts on wheel 1 or higher. (It usually lands lower, but
            // a timeout re-added later in place may land on the same wheel again.)
            let first = s.timer_page_start();
            prop_assert!(first == 0 || first < s.timer_count());
            prop_assert_eq!(first % hardclock::ui::state::TIMER_ROWS, 0);
            for m in s.cascade_moves() {
                prop_assert!(m.from.0 >= 1 && m.to.0 < 4, "{:?}", m);
            }
            if one_step(&a) && s.steps == before.steps + 1 {
                let back = s.reduce(Action::StepBack);
                prop_assert_eq!(back.steps, before.steps);
                prop_assert_eq!(fingerprint(&back), fingerprint(&before), "after {:?}", a);
            }
            if matches!(a, Action::Hardclock) && before.kernel().panic.is_none() {
                prop_assert_eq!(s.kernel().clock.elapsed, before.kernel().clock.elapsed + 1);
            }
            if a == Action::Reset {
                prop_assert_eq!(s.steps, 0);
                prop_assert_eq!(s.kernel().clock.elapsed, 0);
            }
            if s.steps == 0 && s.tape.is_empty() {
                prop_assert_eq!(s.machine.next_stmt, 0);
            }
        }
    }

    #[test]
    fn hostile_hashes_never_panic(h in ".{0,200}", raw in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = State::from_hash(&h);
        let esc: String = raw.iter().map(|b| format!("%{b:02x}")).collect();
        let _ = State::from_hash(&format!("#s={esc}&t=5&x=1"));
    }

    #[test]
    fn a_link_brings_back_the_moment(script in 0..SCENARIOS.len(), n in 0u64..400) {
        let s = State::default()
            .reduce(Action::LoadScenario(SCENARIOS[script].to_string()))
            .reduce(Action::RunScript)
            .reduce(Action::RunTicks(n));
        let again = State::from_hash(&format!("#{}", s.to_hash()));
        prop_assert_eq!(&again.scenario.src, &s.scenario.src);
        if s.error.is_none() && s.kernel().panic.is_none() {
            prop_assert_eq!(fingerprint(&again), fingerprint(&s));
        }
    }
}

#[test]
fn step_back_across_many_snapshots_matches_a_fresh_run() {
    let mut s = State::default().reduce(Action::RunScript);
    // Many small runs: snapshots are taken and thinned out as the run grows.
    for _ in 0..300 {
        s = s.reduce(Action::RunTicks(97));
    }
    let want = State::default()
        .reduce(Action::RunScript)
        .reduce(Action::RunTicks(300 * 97 - 1));
    let back = s.reduce(Action::StepBack);
    assert_eq!(fingerprint(&back), fingerprint(&want));
    let jumped = s.reduce(Action::JumpToTick(306 + 1000));
    let want = State::default()
        .reduce(Action::RunScript)
        .reduce(Action::RunTicks(1000));
    assert_eq!(fingerprint(&jumped), fingerprint(&want));
}

#[test]
fn a_big_kernel_is_copied_less_often_and_step_back_stays_exact() {
    // 600 timeouts, each re-armed by one handler per group of 10: snapshots are spaced by the
    // kernel's size (600 steps here), and a statement error rewinds from the tape.
    let mut src = String::new();
    for g in 0..60 {
        let ts: Vec<String> = (0..10).map(|j| format!("&t{}", g * 10 + j)).collect();
        let adds: Vec<String> = ts
            .iter()
            .map(|t| format!("timeout_add({t}, 300)"))
            .collect();
        src.push_str(&format!("handler g{g} {{ {} }}\n", adds.join("; ")));
        for (j, t) in ts.iter().enumerate() {
            let f = if j == 9 { format!("g{g}") } else { "f".into() };
            src.push_str(&format!(
                "timeout_set({t}, {f}, NULL); timeout_add({t}, {})\n",
                g + 1
            ));
        }
    }
    let start = State::default()
        .reduce(Action::LoadScenario(src.clone()))
        .reduce(Action::RunScript);
    assert!(start.error.is_none(), "{:?}", start.error);
    let mut s = start.clone();
    for _ in 0..40 {
        s = s.reduce(Action::RunTicks(50));
    }
    let want = start.reduce(Action::RunTicks(40 * 50 - 1));
    assert_eq!(fingerprint(&s.reduce(Action::StepBack)), fingerprint(&want));
    // A statement that fails at run time leaves the machine as the statement found it (it is
    // rewound from the tape, not from a copy taken before every statement).
    let good = format!("{src}x = 2000000\n");
    let bad = State::default().reduce(Action::LoadScenario(format!("{good}hardclock(x)\n")));
    let ran = bad.reduce(Action::RunScript);
    assert!(ran.error.is_some());
    let want = State::default()
        .reduce(Action::LoadScenario(good))
        .reduce(Action::RunScript);
    assert_eq!(fingerprint(&ran), fingerprint(&want));
}

#[test]
fn one_long_run_has_snapshots_inside_it_and_going_back_into_it_is_exact() {
    // One action of many ticks: step back and backward jumps land inside it (where snapshots are
    // taken mid-run) and must match a machine that went straight there.
    let s = State::default()
        .reduce(Action::RunScript)
        .reduce(Action::RunTicks(40_000));
    let fresh = |ticks: u64| {
        State::default()
            .reduce(Action::RunScript)
            .reduce(Action::RunTicks(ticks))
    };
    let back = s.reduce(Action::StepBack);
    assert_eq!(fingerprint(&back), fingerprint(&fresh(40_000 - 1)));
    assert_eq!(back.tape, fresh(40_000 - 1).tape);
    assert_eq!(
        back.machine.last,
        fresh(40_000 - 1).machine.last,
        "step back: last"
    );
    for t in [
        306 + 39_999,
        306 + 20_480,
        306 + 12_345,
        306 + 256,
        306 + 1,
        306,
    ] {
        let jumped = s.reduce(Action::JumpToTick(t));
        // A fresh page jumping there runs the same statements and ticks, and narrates them the
        // way a backward jump (which starts over) does.
        let want = State::default().reduce(Action::JumpToTick(t));
        assert_eq!(fingerprint(&jumped), fingerprint(&want), "jump to {t}");
        assert_eq!(
            fingerprint(&want),
            fingerprint(&fresh(t - 306)),
            "jump to {t}"
        );
        assert_eq!(jumped.tape, want.tape, "jump to {t}");
        assert_eq!(jumped.machine.log, want.machine.log, "jump to {t}");
        assert_eq!(
            jumped.machine.last, want.machine.last,
            "jump to {t}: narration"
        );
        // And on from there, as if nothing had been undone.
        let on = jumped.reduce(Action::RunTicks(300));
        assert_eq!(
            fingerprint(&on),
            fingerprint(&want.reduce(Action::RunTicks(300)))
        );
    }
    // Back before the ticks: the statements run again.
    let early = s.reduce(Action::JumpToTick(100));
    let want = State::default().reduce(Action::JumpToTick(100));
    assert_eq!(fingerprint(&early), fingerprint(&want));
}

#[test]
fn backward_jumps_into_a_busy_run_match_a_fresh_jump() {
    // A timeout that re-arms itself every 3 ticks: the run has plenty to narrate, so a backward
    // jump rewinds on the tape instead of starting over, and must not be told apart from one.
    let sc = "timeout_set(&t, f, NULL)\ntimeout_add(&t, 1)\nhandler f { timeout_add(&t, 3) }";
    let load = || State::default().reduce(Action::LoadScenario(sc.to_string()));
    let s = load()
        .reduce(Action::RunScript)
        .reduce(Action::RunTicks(30_000));
    for t in [29_999, 20_480, 12_345, 257, 256, 100, 2, 0] {
        let jumped = s.reduce(Action::JumpToTick(t));
        let want = load().reduce(Action::JumpToTick(t));
        assert_eq!(fingerprint(&jumped), fingerprint(&want), "jump to {t}");
        assert_eq!(jumped.tape, want.tape, "jump to {t}");
        assert_eq!(jumped.machine.log, want.machine.log, "jump to {t}");
        assert_eq!(jumped.machine.last, want.machine.last, "jump to {t}");
        assert_eq!(
            jumped.machine.last_seq, want.machine.last_seq,
            "jump to {t}"
        );
        assert_eq!(jumped.machine.logged, want.machine.logged, "jump to {t}");
        let on =
            |st: &State| fingerprint(&st.reduce(Action::RunTicks(50)).reduce(Action::StepBack));
        assert_eq!(on(&jumped), on(&want), "on from {t}");
    }
}

#[test]
fn step_back_onto_a_snapshot_taken_inside_a_run_is_drained_like_the_run() {
    // Found by the property test: the second run ends on step 256, where a snapshot is taken
    // before the run's last events are drained; stepping back from the next statement lands
    // on that snapshot with nothing to replay.
    let mut s = State::default();
    let mut before = s.clone();
    for a in [
        Action::StepStatement,
        Action::Hardclock,
        Action::StepStatement,
        Action::RunTicks(215),
        Action::RunTicks(38),
        Action::StepStatement,
    ] {
        before = s.clone();
        s = s.reduce(a);
    }
    assert_eq!(s.steps, 257);
    let back = s.reduce(Action::StepBack);
    assert!(back.kernel().trace.events.is_empty());
    assert_eq!(fingerprint(&back), fingerprint(&before));
    assert_eq!(back.machine.last, before.machine.last);
    assert_eq!(back.machine.logged, before.machine.logged);
}

#[test]
fn the_default_scenario_steps_one_statement_at_a_time() {
    let s = State::default();
    assert_eq!(
        s.next_statement(),
        Some((2, "timeout_set(&t1, arp_expire, rt1)"))
    );
    let mut s = s;
    for _ in 0..6 {
        s = s.reduce(Action::StepStatement);
    }
    assert_eq!(s.kernel().to.todo(), vec!["t1", "t2", "t3"]);
    assert_eq!(s.kernel().clock.ticks, 0);
    let s = s.reduce(Action::StepStatement); // hardclock(256)
    assert_eq!(s.kernel().clock.ticks, 256);
    assert_eq!(s.kernel().to.bucket_len(0, 44), 1);
    assert_eq!(s.spliced(), vec![(1, 1)]);
    let back = s.reduce(Action::StepBack);
    assert_eq!(back.kernel().clock.ticks, 0);
    assert_eq!(back.kernel().to.todo(), vec!["t1", "t2", "t3"]);
}

#[test]
fn errors_keep_the_text_and_point_at_the_line() {
    let s = State::default().reduce(Action::Hardclock);
    let bad = "timeout_set(&a, f, NULL)\ntimeout_add(&a, 300;\n";
    let s2 = s.reduce(Action::LoadScenario(bad.into()));
    let e = s2.error.as_ref().expect("an error");
    assert_eq!((e.line, e.col), (2, 20));
    assert_eq!(&*s2.text, bad);
    // The machine that was running is untouched.
    assert_eq!(s2.kernel().clock.ticks, 1);
}

#[test]
fn console_lines_are_kept_and_step_back_undoes_them() {
    let s = State::default().reduce(Action::Console("x = 4; hardclock(x)".into()));
    assert_eq!(s.kernel().clock.ticks, 4);
    assert_eq!(s.console[0].output, vec!["x = 4".to_string()]);
    let s = s.reduce(Action::Console("hardclok(1)".into()));
    let e = s.console[1].error.as_ref().expect("an error");
    assert_eq!((e.line, e.col), (2, 1));
    assert_eq!(s.steps, 1, "a line that did nothing is not a step");
    let s = s.reduce(Action::StepBack);
    assert_eq!(s.kernel().clock.ticks, 0);
    assert_eq!(s.console.len(), 2, "the typed text is never lost");
}

#[test]
fn a_panic_stops_play_and_step_back_recovers() {
    let s = State::default()
        .reduce(Action::LoadScenario(
            "hardclock(2)\ntimeout_add(&x, 5)".into(),
        ))
        .reduce(Action::RunScript)
        .reduce(Action::Play);
    assert!(s.kernel().panic.is_some());
    assert!(!s.playing);
    let s = s.reduce(Action::Hardclock);
    assert_eq!(s.kernel().clock.ticks, 2, "a halted machine does not tick");
    let s = s.reduce(Action::StepBack);
    assert!(s.kernel().panic.is_none());
    assert_eq!(s.kernel().clock.ticks, 2);
}

#[test]
fn run_to_next_reports_when_nothing_happens() {
    let s = State::default()
        .reduce(Action::LoadScenario(String::new()))
        .reduce(Action::RunToNext(Milestone::Fire));
    assert_eq!(s.kernel().clock.elapsed, 100_000);
    assert!(s.notice.as_deref().unwrap_or("").contains("No expiry"));
    // Statements are steps: the search stops after the statement in which it happened.
    let s = State::default().reduce(Action::RunToNext(Milestone::Fire));
    assert_eq!(
        s.kernel().clock.ticks,
        256,
        "t1 fired inside hardclock(256)"
    );
    // Past the script, it stops at the very tick.
    let s = State::default()
        .reduce(Action::LoadScenario(
            "timeout_set(&t, f, NULL)\ntimeout_add(&t, 700)".into(),
        ))
        .reduce(Action::RunToNext(Milestone::Fire));
    assert_eq!(s.kernel().clock.ticks, 700);
    assert!(
        s.narration().iter().any(|n| n.contains("runs f(")),
        "{:?}",
        s.narration()
    );
}

#[test]
fn narration_tells_a_run_of_plain_ticks_once() {
    let s = State::default().reduce(Action::RunTicks(5));
    assert_eq!(
        s.narration(),
        vec!["hardclock(): ticks is now 5.".to_string()]
    );
    let s = State::default()
        .reduce(Action::RunScript)
        .reduce(Action::StepBack)
        .reduce(Action::StepBack);
    // Back at the start of hardclock(256): stepping it tells the cascade tick and what followed.
    let s = s.reduce(Action::StepStatement);
    let n = s.narration();
    assert!(
        n.iter()
            .any(|l| l == "softclock runs tcp_rexmt(tp), scheduled with timeout."),
        "{n:?}"
    );
    assert!(!n.iter().any(|l| l.ends_with("ticks is now 255.")), "{n:?}");
    // The plain ticks before the cascade tick are told as one run.
    assert!(
        n.iter()
            .any(|l| l == "hardclock() ran 156 times: ticks is now 256."),
        "{n:?}"
    );
    assert!(n.last().unwrap().contains("wheel 0 bucket 0x2c"), "{n:?}");
}

/// Micro-steps `s` until the step it is in has shown every event; returns the sentences
/// revealed one by one (the first of the step included) and the state at the end.
fn micro_through(mut s: State) -> (Vec<String>, State) {
    let mut told = vec![s.narration().last().cloned().unwrap_or_default()];
    while s.unrevealed() > 0 {
        let before = s.revealed().len();
        s = s.reduce(Action::MicroStep);
        assert_eq!(s.revealed().len(), before + 1, "one event per micro-step");
        told.push(s.narration().last().cloned().unwrap_or_default());
    }
    (told, s)
}

#[test]
fn micro_steps_reveal_a_statement_event_by_event_then_run_the_next() {
    let start = State::default().reduce(Action::LoadScenario(DEFAULT_SCENARIO.into()));
    // Up to hardclock(256), whose step tells the cascade and the expiries.
    let mut s = start.clone();
    for _ in 0..6 {
        s = s.reduce(Action::StepStatement);
    }
    let whole = s.reduce(Action::StepStatement);
    let want: Vec<String> = whole.machine.last.iter().map(|e| e.narrate()).collect();
    assert!(want.len() > 3, "{want:?}");

    let first = s.reduce(Action::MicroStep);
    // The machine ran the whole statement at once...
    assert_eq!(fingerprint(&first), fingerprint(&whole));
    assert_eq!(first.steps, whole.steps);
    // ...but only its first event is told, logged and highlighted.
    assert_eq!(first.revealed().len(), 1);
    assert_eq!(first.narration(), vec![want[0].clone()]);
    assert_eq!(first.unrevealed(), want.len() - 1);
    assert!(
        first.spliced().is_empty(),
        "the cascade is not revealed yet"
    );
    let log_first = first.visible_log();
    assert_eq!(log_first.last().map(|e| e.narrate()), Some(want[0].clone()));
    assert!(log_first.len() < whole.machine.log.len());

    let (told, end) = micro_through(first);
    assert_eq!(told, want, "every event once, in order");
    assert_eq!(end.narration(), whole.narration());
    assert_eq!(end.visible_log(), &whole.machine.log[..]);
    assert_eq!(end.spliced(), whole.spliced());
    assert_eq!(fingerprint(&end), fingerprint(&whole));

    // Every event shown: the next micro-step runs the next statement, hardclock(50).
    let next = end.reduce(Action::MicroStep);
    assert_eq!(next.steps, whole.steps + 1);
    assert_eq!(next.kernel().clock.ticks, 306);
    assert_eq!(next.revealed().len(), 1);
    let last_full = whole.reduce(Action::StepStatement);
    assert_eq!(fingerprint(&next), fingerprint(&last_full));
    // Past the script it runs one hardclock.
    let (_, done) = micro_through(next);
    let tick = done.reduce(Action::MicroStep);
    assert_eq!(tick.kernel().clock.ticks, 307);
    assert_eq!(
        tick.narration(),
        vec!["hardclock(): ticks is now 307.".to_string()]
    );
}

#[test]
fn step_back_during_a_micro_step_undoes_the_whole_step_exactly() {
    let mut s = State::default().reduce(Action::LoadScenario(DEFAULT_SCENARIO.into()));
    for _ in 0..6 {
        s = s.reduce(Action::StepStatement);
    }
    let before = s.clone();
    let mid = s
        .reduce(Action::MicroStep)
        .reduce(Action::MicroStep)
        .reduce(Action::MicroStep);
    assert!(mid.unrevealed() > 0);
    let back = mid.reduce(Action::StepBack);
    assert_eq!(back.steps, before.steps);
    assert_eq!(fingerprint(&back), fingerprint(&before));
    assert_eq!(back.reveal, None);
    assert_eq!(back.narration(), before.narration());
    assert_eq!(back.visible_log(), before.visible_log());
    // Any other step ends the micro-step and shows everything it did.
    let other = mid.reduce(Action::Hardclock);
    assert_eq!(other.reveal, None);
    assert_eq!(
        other.narration(),
        vec!["hardclock(): ticks is now 257.".to_string()]
    );
    // Quiet actions keep the cursor.
    let sel = mid.reduce(Action::ToggleHelp);
    assert_eq!(sel.revealed().len(), mid.revealed().len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// Micro-stepping reaches the same machine as stepping whole statements and hardclocks,
    /// tells exactly the events a whole step tells, and step back from any cursor is exact.
    #[test]
    fn micro_steps_match_whole_steps(script in 0..SCENARIOS.len(), units in 1usize..8, back_at in 0usize..8) {
        let load = Action::LoadScenario(SCENARIOS[script].to_string());
        let mut whole = State::default().reduce(load.clone());
        let mut micro = whole.clone();
        for u in 0..units {
            if whole.error.is_some() || whole.kernel().panic.is_some() {
                break;
            }
            let before = micro.clone();
            let a = if whole.next_statement().is_some() { Action::StepStatement } else { Action::Hardclock };
            let next = whole.reduce(a);
            let m = micro.reduce(Action::MicroStep);
            if next.steps == whole.steps {
                // The statement failed: neither advanced.
                prop_assert_eq!(m.steps, micro.steps);
                break;
            }
            whole = next;
            let (told, end) = micro_through(m);
            prop_assert_eq!(fingerprint(&end), fingerprint(&whole));
            if !whole.machine.last.is_empty() {
                let want: Vec<String> = whole.machine.last.iter().map(|e| e.narrate()).collect();
                prop_assert_eq!(told, want);
                prop_assert_eq!(end.visible_log(), &whole.machine.log[..]);
            }
            if u == back_at {
                let back = end.reduce(Action::StepBack);
                prop_assert_eq!(fingerprint(&back), fingerprint(&before));
            }
            micro = end;
        }
    }
}

/// A mistake inside a handler body found while the app runs the clock (the hardclock button,
/// play) is an error at its line and column, as a statement's is, and the machine goes back to
/// the moment before the hardclock that ran it.
#[test]
fn a_handler_mistake_met_by_the_app_clock_is_an_error_at_its_line() {
    let mut s = State::default();
    s.apply(Action::LoadScenario(
        "timeout_set(&t, f, NULL)\nhandler f {\n  x = 7\n  callout_reset(&c, x, g, NULL)\n}\ntimeout_add(&t, 3)\n".into(),
    ));
    s.apply(Action::RunScript);
    assert!(s.error.is_none());
    s.apply(Action::RunTicks(10));
    let e = s.error.clone().expect("the handler's mistake");
    assert_eq!((e.line, e.col), (4, 17));
    assert!(
        e.msg.starts_with("in handler f: callout_reset:"),
        "{}",
        e.msg
    );
    let k = s.kernel();
    assert_eq!(k.clock.ticks, 2, "back to the moment before tick 3");
    assert!(!k.halted(), "the machine is as it was before the mistake");
    assert!(k.panic.is_none());
    // Step back still works from here, and the next try meets the same mistake.
    s.apply(Action::StepBack);
    assert_eq!(s.kernel().clock.ticks, 1);
    s.apply(Action::Hardclock);
    s.apply(Action::Hardclock);
    assert_eq!(s.kernel().clock.ticks, 2);
    assert_eq!(s.error.as_ref().map(|e| e.line), Some(4));
}

/// A link with thousands of unknown keys names the first few and counts the rest.
#[test]
fn a_link_with_thousands_of_unknown_keys_names_a_few() {
    let hash: String = (0..10_000).map(|i| format!("k{i}=1&")).collect();
    let s = State::default().reduce(Action::OpenLink(format!("#p=cascade-256&{hash}")));
    let n = s.notice.clone().expect("a notice");
    assert!(
        n.contains("(k0, k1, k2, k3, k4 and 9,995 more)"),
        "{}",
        &n[..n.len().min(300)]
    );
    assert!(n.len() < 400, "{} bytes", n.len());
}

#[test]
fn predict_mode_travels_in_the_link() {
    let s = State::from_hash("#p=cascade-256&mode=predict");
    assert!(s.predict && s.notice.is_none(), "{:?}", s.notice);
    assert!(s.to_hash().ends_with("&mode=predict"), "{}", s.to_hash());
    let off = s.reduce(Action::TogglePredict);
    assert!(!off.predict && !off.to_hash().contains("mode="));
}
