#![cfg(not(target_arch = "wasm32"))]
//! The scheme lab: every exact scheme fires exactly what a sorted list fires, at the same
//! ticks; the Linux wheel fires at or after due and no later than its level's granularity.

#[path = "common/lab_oracle.rs"]
mod lab_oracle;

use hardclock::lab::linux;
use hardclock::lab::run::{Keep, Lab};
use hardclock::lab::workload::{self, Action, Op, Rearm, Workload, WorkloadKind};
use hardclock::lab::SchemeKind;
use lab_oracle::{check_fires, sorted_list_fires};
use proptest::prelude::*;

fn run(w: &Workload) -> Lab {
    let mut lab = Lab::new(
        w.clone(),
        Keep {
            fires: true,
            history: false,
        },
    );
    lab.run();
    lab
}

/// Checks every scheme of a finished lab against the oracles.
fn check(w: &Workload, lab: &Lab) -> Result<(), String> {
    let expected = sorted_list_fires(w);
    for lane in &lab.lanes {
        let kind = lane.kind();
        if kind.exact() {
            let mut got: Vec<(u64, u32)> =
                lane.fire_log.iter().map(|f| (f.fired, f.timer)).collect();
            // Same tick, any order: the schemes differ only there (list order, heap order).
            got.sort();
            if got != expected {
                let first = got.iter().zip(&expected).position(|(a, b)| a != b);
                return Err(format!(
                    "{}: {} fires, the sorted list {}; first difference at {first:?}: {:?} vs {:?}",
                    kind.name(),
                    got.len(),
                    expected.len(),
                    first.and_then(|i| got.get(i)),
                    first.and_then(|i| expected.get(i))
                ));
            }
            check_fires(w, &lane.fire_log, |_| 0).map_err(|e| format!("{}: {e}", kind.name()))?;
            if lane.max_late != 0 {
                return Err(format!("{} was late", kind.name()));
            }
        } else {
            check_fires(w, &lane.fire_log, linux::max_late)
                .map_err(|e| format!("{}: {e}", kind.name()))?;
        }
        if lane.fires != lane.fire_log.len() as u64 {
            return Err(format!("{}: fires counted != fires logged", kind.name()));
        }
    }
    Ok(())
}

#[test]
fn every_workload_fires_exactly_in_every_exact_scheme() {
    for kind in WorkloadKind::ALL {
        let w = workload::generate(kind, 60, 3000, 7);
        let lab = run(&w);
        check(&w, &lab).unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
        let fires = lab.lane(SchemeKind::Ordered).unwrap().fires;
        if kind != WorkloadKind::Long {
            assert!(fires > 20, "{}: only {fires} fires", kind.name());
        }
    }
}

#[test]
fn linux_is_late_but_never_early_and_within_its_granularity() {
    let w = workload::generate(WorkloadKind::Uniform, 100, 5000, 3);
    let lab = run(&w);
    let l = lab.lane(SchemeKind::Linux).unwrap();
    assert!(l.fires > 100);
    // Every Linux timer is at least a tick late (the round-up), and the intervals of up to
    // 1000 ticks reach level 2, where a bucket is 64 ticks wide.
    assert!(l.fire_log.iter().all(|f| f.late() >= 1));
    assert!(
        l.max_late > 8 && l.max_late <= 64,
        "max late {}",
        l.max_late
    );
    check(&w, &lab).unwrap();
}

/// Linux's granularity by interval, at the level boundaries (delta = interval - 1).
#[test]
fn linux_levels_by_interval() {
    assert_eq!(linux::max_late(1), 1);
    assert_eq!(linux::max_late(63), 1);
    assert_eq!(linux::max_late(64), 8);
    assert_eq!(linux::max_late(504), 8);
    assert_eq!(linux::max_late(505), 64);
    assert_eq!(linux::max_late(4033), 512);
}

/// A hand-made workload crossing OpenBSD's 256-tick boundaries (cascades) and the callwheel's
/// laps, re-arms of pending timers earlier and later, and stops at the due tick itself.
#[test]
fn re_arms_and_stops_at_the_edges() {
    let start = |at, timer, interval| Op {
        at,
        timer,
        action: Action::Start { interval },
    };
    let stop = |at, timer| Op {
        at,
        timer,
        action: Action::Stop,
    };
    let w = Workload {
        name: "edges".into(),
        timers: 6,
        ticks: 70_000,
        ops: vec![
            start(0, 0, 300),
            start(0, 1, 65_600),
            start(0, 2, 10),
            start(0, 3, 256),
            start(5, 2, 3),   // earlier: re-armed pending
            start(6, 0, 900), // later
            stop(256, 3),     // at its due tick: it has fired already
            start(257, 4, 1),
            start(300, 5, 513),
            stop(812, 5), // one tick before due: never fires
            start(812, 4, 65_536),
        ],
        rearm: Rearm::Never,
        seed: 0,
    };
    let lab = run(&w);
    check(&w, &lab).unwrap();
    let fired: Vec<u32> = lab
        .lane(SchemeKind::Hierarchical)
        .unwrap()
        .fire_log
        .iter()
        .map(|f| f.timer)
        .collect();
    assert_eq!(fired, vec![2, 3, 4, 0, 1, 4]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn schemes_agree_across_workloads_and_seeds(
        kind in 0usize..4,
        timers in 1u32..80,
        ticks in 1u64..2500,
        seed in any::<u64>(),
    ) {
        let w = workload::generate(WorkloadKind::ALL[kind], timers, ticks, seed);
        let lab = run(&w);
        if let Err(e) = check(&w, &lab) {
            return Err(TestCaseError::fail(e));
        }
        // The same calls reach every exact scheme.
        let exact: Vec<_> = lab.lanes.iter().filter(|l| l.kind().exact()).collect();
        for l in &exact {
            prop_assert_eq!((l.starts, l.stops), (exact[0].starts, exact[0].stops));
        }
    }

    /// Random calls, not a generated workload: any start and stop at any tick.
    #[test]
    fn schemes_agree_on_arbitrary_calls(
        calls in prop::collection::vec((0u64..600, 0u32..8, prop::option::of(1u64..1200)), 0..60),
        rearm in any::<bool>(),
    ) {
        let mut ops: Vec<Op> = calls
            .into_iter()
            .map(|(at, timer, interval)| Op {
                at,
                timer,
                action: interval.map_or(Action::Stop, |interval| Action::Start { interval }),
            })
            .collect();
        ops.sort_by_key(|o| o.at);
        let w = Workload {
            name: "random".into(),
            timers: 8,
            ticks: 2000,
            ops,
            rearm: if rearm { Rearm::Uniform { lo: 1, hi: 300 } } else { Rearm::Never },
            seed: 5,
        };
        let lab = run(&w);
        if let Err(e) = check(&w, &lab) {
            return Err(TestCaseError::fail(e));
        }
    }
}
