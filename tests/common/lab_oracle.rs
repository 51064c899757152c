//! Independent checks for the scheme lab: a sorted-list timer facility that follows the
//! workload's rules (calls after a tick, handlers re-arm periodic timers), and a replay that
//! checks a scheme's fires against the workload's starts and stops.
#![allow(dead_code)]

use std::collections::BTreeSet;

use hardclock::lab::run::Fire;
use hardclock::lab::workload::{Action, Workload};

/// (due, timer) of every fire a perfect facility makes, in due order.
pub fn sorted_list_fires(w: &Workload) -> Vec<(u64, u32)> {
    // The pending timers, sorted by (due, timer): the simplest correct timer facility.
    let mut pending: BTreeSet<(u64, u32)> = BTreeSet::new();
    let mut due_of: Vec<Option<u64>> = vec![None; w.timers as usize];
    let mut nth = vec![0u64; w.timers as usize];
    let mut fires = Vec::new();
    let start = |pending: &mut BTreeSet<(u64, u32)>, due_of: &mut Vec<Option<u64>>, t: u32, due| {
        if let Some(d) = due_of[t as usize].replace(due) {
            pending.remove(&(d, t));
        }
        pending.insert((due, t));
    };
    for now in 0..=w.ticks {
        if now > 0 {
            while let Some(&(due, t)) = pending.first() {
                if due > now {
                    break;
                }
                assert_eq!(due, now, "the oracle never falls behind");
                pending.pop_first();
                due_of[t as usize] = None;
                fires.push((due, t));
                let k = nth[t as usize];
                nth[t as usize] += 1;
                if let Some(i) = w.rearm_interval(t, k) {
                    start(&mut pending, &mut due_of, t, now + i);
                }
            }
        }
        for op in w.ops.iter().filter(|o| o.at == now) {
            match op.action {
                Action::Start { interval } => {
                    start(&mut pending, &mut due_of, op.timer, now + interval)
                }
                Action::Stop => {
                    if let Some(d) = due_of[op.timer as usize].take() {
                        pending.remove(&(d, op.timer));
                    }
                }
            }
        }
    }
    fires
}

/// Replays the workload against one scheme's fires (re-arms from the fires themselves), and
/// checks that every fire is in `[due, due + slack(interval)]`, that an armed timer is neither
/// lost nor fired twice, and that a timer is only taken back (stopped or re-armed) before its
/// window is over. `slack` is 0 for an exact scheme.
pub fn check_fires(w: &Workload, fires: &[Fire], slack: impl Fn(u64) -> u64) -> Result<(), String> {
    // Per timer: (started, due) of the arm in force.
    let mut arm: Vec<Option<(u64, u64)>> = vec![None; w.timers as usize];
    let mut nth = vec![0u64; w.timers as usize];
    let mut next = 0;
    for pair in fires.windows(2) {
        if pair[0].fired > pair[1].fired {
            return Err(format!(
                "fires out of tick order: {:?} before {:?}",
                pair[0], pair[1]
            ));
        }
    }
    let take_back = |arm: &mut Vec<Option<(u64, u64)>>, t: u32, now: u64| -> Result<(), String> {
        if let Some((s, d)) = arm[t as usize].take() {
            let end = d + slack(d - s);
            if now >= end {
                return Err(format!(
                    "timer {t} (started {s}, due {d}) should have fired by tick {end}, but was still armed at {now}"
                ));
            }
        }
        Ok(())
    };
    for now in 0..=w.ticks {
        while next < fires.len() && fires[next].fired == now {
            let f = fires[next];
            next += 1;
            let Some((s, d)) = arm[f.timer as usize].take() else {
                return Err(format!(
                    "timer {} fired at {now} but was not armed",
                    f.timer
                ));
            };
            if (f.started, f.due) != (s, d) {
                return Err(format!(
                    "{f:?} is not the arm in force (started {s}, due {d})"
                ));
            }
            if now < d || now > d + slack(d - s) {
                return Err(format!(
                    "timer {} due {d} (interval {}) fired at {now}: outside [{d}, {}]",
                    f.timer,
                    d - s,
                    d + slack(d - s)
                ));
            }
            let k = nth[f.timer as usize];
            nth[f.timer as usize] += 1;
            if let Some(i) = w.rearm_interval(f.timer, k) {
                arm[f.timer as usize] = Some((now, now + i));
            }
        }
        for op in w.ops_at(now) {
            take_back(&mut arm, op.timer, now)?;
            if let Action::Start { interval } = op.action {
                arm[op.timer as usize] = Some((now, now + interval));
            }
        }
    }
    if next < fires.len() {
        return Err(format!("fires after the last tick: {:?}", fires[next]));
    }
    for (t, a) in arm.iter().enumerate() {
        if let Some((s, d)) = a {
            if d + slack(d - s) <= w.ticks {
                return Err(format!(
                    "timer {t} (started {s}, due {d}) never fired although the run lasted {} ticks",
                    w.ticks
                ));
            }
        }
    }
    Ok(())
}
