#![cfg(not(target_arch = "wasm32"))]
//! Predict, then step: every question the generator asks, at every moment of random scenarios,
//! is answered by what the kernel then does. The truth here is one plain run of the scenario
//! (each statement's events kept apart, then idle hardclocks), read independently of the
//! generator: the place a timeout is left in is read from the wheel after the call, a fire from
//! the first `Due`/`Fire` of that timer after the moment, a return value from the call record,
//! a lookup from its walk. Choices are distinct and hold the answer; the same seed gives the
//! same questions.

use hardclock::kernel::freebsd::UntimeoutOutcome;
use hardclock::kernel::openbsd::TimeoutEvent;
use hardclock::kernel::route::RouteEvent;
use hardclock::kernel::rttimer::RtTimerEvent;
use hardclock::kernel::{freebsd::CalloutEvent, Event, EventKind, Kernel, Value, Via};
use hardclock::quiz::{questions_at, sheet, Answer, Horizon, Kind, Question};
use hardclock::script::trace::route_dst;
use hardclock::script::Scenario;
use proptest::prelude::*;

/// Idle hardclocks after the script in the truth run: at least the sheet's look-ahead.
const IDLE: u64 = 70_000;

fn op() -> impl Strategy<Value = String> {
    let t = 0..4usize;
    let c = 0..3usize;
    prop_oneof![
        3 => (t.clone(), 0..700i64).prop_map(|(i, n)| format!("r = timeout_add(&t{i}, {n})")),
        1 => t.clone().prop_map(|i| format!("r = timeout_del(&t{i})")),
        1 => t.prop_map(|i| format!("r = timeout_pending(&t{i})")),
        2 => (c.clone(), -2..300i64).prop_map(|(i, n)| format!("callout_reset(&c{i}, {n}, g{i}, NULL)")),
        1 => c.prop_map(|i| format!("r = callout_stop(&c{i})")),
        1 => (0..2usize, 0..200i64).prop_map(|(i, n)| format!("h{i} = timeout(hello{i}, NULL, {n})")),
        1 => (0..2usize, 0..2usize).prop_map(|(i, j)| format!("untimeout(hello{i}, NULL, h{j})")),
        1 => (0..4u8, 8..=24u8).prop_map(|(a, len)| format!("route_add(10.{a}.0.0/{len}, 192.168.1.1)")),
        2 => (0..4u8, 0..4u8).prop_map(|(a, b)| format!("rt = rtalloc1(10.{a}.{b}.7, 0, 0)\nRTFREE_LOCKED(rt)")),
        1 => (0..4u8).prop_map(|a| format!("icmp_mtudisc(10.{a}.1.9, 1400)")),
        4 => (1..400u32).prop_map(|n| format!("hardclock({n})")),
    ]
}

fn scenario() -> impl Strategy<Value = String> {
    (prop_oneof![Just(10), Just(100)], -300..300i32, prop::collection::vec(op(), 1..14)).prop_map(
        |(hz, ticks, ops)| {
            let mut s = format!("hz = {hz}\nticks = {ticks}\nip_mtudisc_timeout = 3\nncallout = 8\n");
            for i in 0..4 {
                s += &format!("timeout_set(&t{i}, f{i}, NULL)\n");
            }
            for i in 0..3 {
                s += &format!("callout_init(&c{i}, 1)\n");
            }
            s += "callout_handle_init(&h0)\ncallout_handle_init(&h1)\nroute_add(0.0.0.0/0, 192.168.1.254)\n";
            for o in ops {
                s += &o;
                s.push('\n');
            }
            s
        },
    )
}

/// The truth: the machine before each statement's questions, each statement's events, and
/// the events of the idle hardclocks after the script (index `stmts.len()`).
struct Truth {
    questions: Vec<Vec<Question>>,
    events: Vec<Vec<Event>>,
    /// The machine right after each statement (for where a timeout was left).
    after: Vec<Kernel>,
}

fn truth(sc: &Scenario, seed: u64) -> Truth {
    let (mut k, mut it) = sc.boot();
    let mut t = Truth {
        questions: vec![],
        events: vec![],
        after: vec![],
    };
    for i in 0..=sc.stmts.len() {
        t.questions
            .push(questions_at(sc, &k, &it, i, Horizon::SHEET, seed));
        if i == sc.stmts.len() {
            if !k.halted() {
                let _ = it.run_ticks(&mut k, IDLE);
            }
        } else if sc.step(&mut k, &mut it, i).is_err() || k.halted() {
            t.events.push(std::mem::take(&mut k.trace.events));
            t.after.push(k.clone());
            break;
        }
        t.events.push(std::mem::take(&mut k.trace.events));
        t.after.push(k.clone());
    }
    t
}

fn call_ret(evs: &[Event], name: &str) -> Option<Value> {
    evs.iter().rev().find_map(|e| match &*e.kind {
        EventKind::Call {
            name: n,
            ret,
            handler: None,
            ..
        } if n == name => ret.clone(),
        _ => None,
    })
}

/// The tick of the first run of the timer called `subject` in `evs`: a timeout by its `Due`,
/// a callout by its function and argument (read from the machine at the moment).
fn first_fire(evs: &[&Event], subject: &str, callout: Option<(String, String)>) -> Option<i64> {
    let mut due = None;
    for e in evs {
        match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Due { name, .. }) => due = Some(name.to_string()),
            EventKind::Fire {
                via: Via::Timeout, ..
            } if callout.is_none() && due.as_deref() == Some(subject) => {
                return Some(e.tick as i64)
            }
            EventKind::Fire {
                via: Via::Callout,
                func,
                arg,
                ..
            } if callout
                .as_ref()
                .is_some_and(|(f, a)| f == func.as_str() && a == arg.as_str()) =>
            {
                return Some(e.tick as i64)
            }
            _ => {}
        }
    }
    None
}

fn check(sc: &Scenario, t: &Truth, q: &Question) -> Result<(), String> {
    let i = q.stmt;
    let step = &t.events[i];
    let from: Vec<&Event> = t.events[i..].iter().flatten().collect();
    let name = sc.stmts.get(i).map(|s| match &s.stmt {
        hardclock::kernel::Stmt::Call { name, .. } => name.clone(),
        _ => String::new(),
    });
    let int = |a: &Answer| match a {
        Answer::Int(n) => Some(*n),
        Answer::Text(_) => None,
    };
    let text = |a: &Answer| a.to_string();
    match q.kind {
        Kind::Bucket => {
            let place = t.after[i].to.get(&q.subject).map(|v| v.place.to_string());
            prop_ok(place.as_deref() == Some(text(&q.answer).as_str()), || {
                format!("{place:?}")
            })
        }
        Kind::Returns => match (&q.answer, name.as_deref()) {
            (Answer::Int(n), Some(call)) => {
                let got = call_ret(step, call);
                prop_ok(got == Some(Value::Int(*n)), || format!("{got:?}"))
            }
            (Answer::Text(s), Some("untimeout")) => {
                let stopped = step.iter().any(|e| {
                    matches!(
                        &*e.kind,
                        EventKind::Callout(CalloutEvent::Untimeout {
                            outcome: UntimeoutOutcome::Stopped { ret: 1 },
                            ..
                        })
                    )
                });
                prop_ok(stopped == s.starts_with("stops"), || {
                    format!("stopped {stopped}")
                })
            }
            (Answer::Text(s), Some(call)) => {
                let got = match call_ret(step, call) {
                    Some(Value::Route(id)) => route_dst(&t.after[i], id),
                    Some(Value::Null) => "NULL".into(),
                    other => format!("{other:?}"),
                };
                prop_ok(got == *s, || got.clone())
            }
            _ => Err("a returns question without a call".into()),
        },
        Kind::Lookup => {
            let got = step.iter().find_map(|e| match &*e.kind {
                EventKind::Route(RouteEvent::Lookup { walk, .. }) => Some(walk.clone()),
                _ => None,
            });
            let Some(walk) = got else {
                return Err("no lookup in the step".into());
            };
            let want = match walk.route {
                None => "no route (NULL)".to_string(),
                Some(id) => {
                    let how = if walk.counts().backtracks > 0 {
                        "after backtracking"
                    } else {
                        "straight down"
                    };
                    format!("{}, {how}", route_dst(&t.after[i], id))
                }
            };
            prop_ok(want == text(&q.answer), || want.clone())
        }
        Kind::FireTick => {
            // A callout is known by what it calls; read that from the machine after the step
            // (an armed one) or before it (a pending one).
            let before = if i == 0 {
                sc.boot().0
            } else {
                t.after[i - 1].clone()
            };
            let co = t.after[i]
                .co
                .callouts()
                .into_iter()
                .chain(before.co.callouts())
                .find(|c| c.name == q.subject)
                .and_then(|c| Some((c.func?, c.arg)));
            let is_timeout =
                before.to.get(&q.subject).is_some() || t.after[i].to.get(&q.subject).is_some();
            let got = first_fire(&from, &q.subject, if is_timeout { None } else { co });
            prop_ok(got == int(&q.answer), || format!("{got:?}"))
        }
        Kind::RtExpire => {
            let got = from.iter().find_map(|e| match &*e.kind {
                EventKind::RtTimer(RtTimerEvent::Expired { route, .. }) if *route == q.subject => {
                    Some(e.tick as i64)
                }
                _ => None,
            });
            prop_ok(got == int(&q.answer), || format!("{got:?}"))
        }
        Kind::FirstToFire => {
            let fires: Vec<(i32, String)> = step
                .iter()
                .filter_map(|e| match &*e.kind {
                    EventKind::Fire {
                        via: Via::Timeout | Via::Callout,
                        func,
                        arg,
                        ..
                    } => Some((e.tick, format!("{func}({arg})"))),
                    _ => None,
                })
                .collect();
            let first_shared = fires
                .iter()
                .find(|(tick, l)| fires.iter().any(|(t2, l2)| t2 == tick && l2 != l));
            let got = first_shared.map(|(_, l)| l.clone());
            prop_ok(got.as_deref() == Some(text(&q.answer).as_str()), || {
                format!("{got:?}")
            })
        }
    }
}

fn prop_ok(ok: bool, got: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("the kernel did {}", got()))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_answer_is_what_the_kernel_then_does(src in scenario(), seed in any::<u64>()) {
        let sc = Scenario::compile(&src).expect("generated scenarios compile");
        let t = truth(&sc, seed);
        for qs in &t.questions {
            for q in qs {
                if let Err(why) = check(&sc, &t, q) {
                    prop_assert!(false, "{why}\nquestion: {}\nscenario:\n{src}", q.json());
                }
                let mut seen = q.choices.clone();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), q.choices.len(), "choices repeat: {}", q.json());
                prop_assert!(q.choices.contains(&q.answer), "answer not offered: {}", q.json());
                prop_assert!(q.choices.len() >= 2, "nothing to choose: {}", q.json());
            }
        }
        // The same seed, the same questions; and the same sheet.
        let again = truth(&sc, seed);
        prop_assert_eq!(&t.questions, &again.questions);
        prop_assert_eq!(sheet(&sc, 8, seed).unwrap(), sheet(&sc, 8, seed).unwrap());
    }
}

/// Every preset gives a sheet, and every question on it is checked the same way.
#[test]
fn every_preset_gives_a_checked_sheet() {
    let mut kinds = std::collections::BTreeSet::new();
    for p in hardclock::script::presets::all() {
        let sc = Scenario::compile(p.source).unwrap();
        let t = truth(&sc, 1);
        let n: usize = t.questions.iter().map(Vec::len).sum();
        for q in t.questions.iter().flatten() {
            if let Err(why) = check(&sc, &t, q) {
                panic!("{}: {why}\n{}", p.name, q.json());
            }
            kinds.insert(q.kind);
        }
        let s = sheet(&sc, 10, 1).unwrap();
        // Each authored checkpoint is a question of its kind, asked at its statement.
        for cp in hardclock::quiz::checkpoints(&sc).unwrap() {
            assert!(
                s.iter().any(|q| q.stmt == cp.stmt && q.kind == cp.kind),
                "{}: the checkpoint on line {} asks nothing",
                p.name,
                cp.line
            );
        }
        assert!(!s.is_empty() || n == 0, "{}: no sheet", p.name);
    }
    // The presets between them ask every kind of question.
    assert_eq!(kinds.len(), 6, "{kinds:?}");
}
