//! Workloads: what the timers of a run do, the same for every scheme.
//!
//! A workload is a list of calls at given ticks ([`Op`]: start a timer for an interval, or stop
//! it) plus a re-arming rule ([`Rearm`]): a periodic timer's handler starts it again when it
//! fires, with the next interval of its own deterministic sequence. Generated workloads come
//! from a seed through [`SplitMix64`]; the same seed gives the same workload everywhere.
//!
//! Time: calls listed at tick `t` are made after tick `t` has run (between `t` and `t + 1`), so
//! a timer started at `t` with interval `d` is due at tick `t + d`. A run executes ticks
//! `1..=ticks`; calls at tick 0 come before the first.

use super::rng::{mix, SplitMix64};
use super::TimerId;
use crate::kernel::freebsd::{CalloutEvent, UntimeoutOutcome};
use crate::kernel::openbsd::TimeoutEvent;
use crate::kernel::{Event, EventKind};

/// The longest interval a generated workload asks for: 2^20 ticks (17 minutes at hz 1000), so
/// that the simple wheel (one slot per tick) stays a few megabytes.
pub const MAX_INTERVAL: u64 = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start (or re-arm) the timer to expire `interval` ticks later (>= 1).
    Start {
        interval: u64,
    },
    Stop,
}

/// One call of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    pub at: u64,
    pub timer: TimerId,
    pub action: Action,
}

/// What a timer's handler does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rearm {
    /// Nothing: a one-shot timeout.
    Never,
    /// Starts it again with an interval uniform in `lo..=hi`.
    Uniform { lo: u64, hi: u64 },
    /// Starts it again with `step * k`, k uniform in `1..=steps`: timers that fire together
    /// stay on a few shared deadlines.
    Quantized { step: u64, steps: u64 },
    /// Starts it again with an interval spread evenly over the powers of two `2^lo..2^hi`.
    LogUniform { lo: u32, hi: u32 },
}

impl Rearm {
    fn draw(self, r: &mut SplitMix64) -> Option<u64> {
        match self {
            Rearm::Never => None,
            Rearm::Uniform { lo, hi } => Some(r.range(lo, hi)),
            Rearm::Quantized { step, steps } => Some(step * r.range(1, steps)),
            Rearm::LogUniform { lo, hi } => {
                let b = r.range(lo as u64, hi as u64 - 1) as u32;
                Some(r.range(1 << b, (1 << (b + 1)) - 1))
            }
        }
    }

    fn max(self) -> u64 {
        match self {
            Rearm::Never => 0,
            Rearm::Uniform { hi, .. } => hi,
            Rearm::Quantized { step, steps } => step * steps,
            Rearm::LogUniform { hi, .. } => (1 << hi) - 1,
        }
    }
}

/// The workloads the lab offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    /// Periodic timers with intervals uniform in 1..=1000, re-armed when they fire.
    Uniform,
    /// Timers started in bursts on a few shared deadlines (multiples of 64 ticks): many expire
    /// in the same tick.
    Bursty,
    /// Long timeouts (keepalives): intervals from 256 ticks to 2^20, most never expire in the run.
    Long,
    /// TCP retransmit timers: armed on every send, re-armed by ACKs while data is outstanding,
    /// stopped when everything is acknowledged; one segment in 20 is lost and the timer expires.
    Tcp,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 4] = [
        WorkloadKind::Uniform,
        WorkloadKind::Bursty,
        WorkloadKind::Long,
        WorkloadKind::Tcp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Uniform => "uniform",
            WorkloadKind::Bursty => "bursty",
            WorkloadKind::Long => "long",
            WorkloadKind::Tcp => "tcp",
        }
    }

    pub fn from_name(s: &str) -> Option<WorkloadKind> {
        WorkloadKind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn describe(self) -> &'static str {
        match self {
            WorkloadKind::Uniform => {
                "periodic timers, intervals uniform in 1..1000 ticks, re-armed when they fire"
            }
            WorkloadKind::Bursty => {
                "timers on a few shared deadlines (multiples of 64 ticks): many expire in one tick"
            }
            WorkloadKind::Long => {
                "long timeouts (256 to 2^20 ticks): most are still pending at the end"
            }
            WorkloadKind::Tcp => {
                "TCP retransmit timers: re-armed on every ACK, stopped when all is acked; 1 in 20 expires"
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub name: String,
    pub timers: u32,
    /// Ticks the run lasts.
    pub ticks: u64,
    /// The calls, by tick (stable: calls of one tick in the order made).
    pub ops: Vec<Op>,
    pub rearm: Rearm,
    pub seed: u64,
}

impl Workload {
    /// The interval timer `timer` is re-armed with when it fires for the `nth` time (0, 1, ...):
    /// the same for every scheme, whenever the fire comes.
    pub fn rearm_interval(&self, timer: TimerId, nth: u64) -> Option<u64> {
        let key = mix(self.seed ^ mix(((timer as u64) << 32) ^ nth ^ 0x5EED));
        self.rearm.draw(&mut SplitMix64::new(key))
    }

    /// The longest interval any start can ask for (the simple wheel's MaxInterval).
    pub fn max_interval(&self) -> u64 {
        self.ops
            .iter()
            .filter_map(|op| match op.action {
                Action::Start { interval } => Some(interval),
                Action::Stop => None,
            })
            .chain([self.rearm.max(), 1])
            .max()
            .unwrap_or(1)
    }

    /// The calls at tick `at` (ops is sorted by tick).
    pub fn ops_at(&self, at: u64) -> &[Op] {
        let lo = self.ops.partition_point(|o| o.at < at);
        let hi = self.ops.partition_point(|o| o.at <= at);
        &self.ops[lo..hi]
    }

    /// Drops the calls past the run and orders the rest by tick, stably: a counting sort
    /// (O(calls + ticks)), which also keeps a general sort routine for `Op`s out of the wasm.
    fn finish(mut self) -> Workload {
        let ticks = self.ticks;
        self.ops.retain(|o| o.at < ticks);
        let mut first = vec![0usize; ticks as usize + 1];
        for o in &self.ops {
            first[o.at as usize + 1] += 1;
        }
        for t in 1..first.len() {
            first[t] += first[t - 1];
        }
        let mut sorted = self.ops.clone();
        for o in &self.ops {
            sorted[first[o.at as usize]] = *o;
            first[o.at as usize] += 1;
        }
        self.ops = sorted;
        self
    }
}

/// A workload of `timers` timers over `ticks` ticks, from `seed`.
pub fn generate(kind: WorkloadKind, timers: u32, ticks: u64, seed: u64) -> Workload {
    let mut r = SplitMix64::new(seed ^ mix(kind as u64 + 1));
    let mut ops = Vec::new();
    let start = |at, timer, interval| Op {
        at,
        timer,
        action: Action::Start { interval },
    };
    let rearm = match kind {
        WorkloadKind::Uniform => Rearm::Uniform { lo: 1, hi: 1000 },
        WorkloadKind::Bursty => Rearm::Quantized {
            step: 64,
            steps: 16,
        },
        WorkloadKind::Long => Rearm::LogUniform { lo: 8, hi: 20 },
        WorkloadKind::Tcp => Rearm::Never,
    };
    match kind {
        WorkloadKind::Uniform | WorkloadKind::Long => {
            for t in 0..timers {
                let at = r.below(64);
                let interval = rearm.draw(&mut r).expect("periodic");
                ops.push(start(at, t, interval));
            }
        }
        WorkloadKind::Bursty => {
            // Four bursts in the first 256 ticks; each timer joins one.
            let bursts: Vec<u64> = (0..4).map(|_| r.below(256)).collect();
            for t in 0..timers {
                let at = bursts[r.below(4) as usize];
                let interval = rearm.draw(&mut r).expect("periodic");
                ops.push(start(at, t, interval));
            }
        }
        WorkloadKind::Tcp => {
            for c in 0..timers {
                let mut t = r.below(100);
                while t < ticks {
                    // TCPTV_MIN-like RTO of 200..300 ticks, much longer than the RTT.
                    let rto = r.range(200, 299);
                    let rtt = r.range(2, 61);
                    ops.push(start(t, c, rto));
                    if r.chance(1, 20) {
                        // Lost: the retransmit timer expires; the connection backs off.
                        t += 2 * rto;
                        continue;
                    }
                    // Each ACK re-arms while data is outstanding, stops the timer when not.
                    loop {
                        t += rtt;
                        if t >= ticks {
                            break;
                        }
                        if r.chance(1, 2) {
                            ops.push(start(t, c, rto));
                        } else {
                            ops.push(Op {
                                at: t,
                                timer: c,
                                action: Action::Stop,
                            });
                            break;
                        }
                    }
                    t += r.range(1, 50);
                }
            }
        }
    }
    Workload {
        name: kind.name().to_string(),
        timers,
        ticks,
        ops,
        rearm,
        seed,
    }
    .finish()
}

/// The timeouts of a scenario run: every `timeout_add` and `callout_reset` becomes a start and
/// every `timeout_del` / `callout_stop` that unlinked one a stop, at the tick it was made
/// (counted from `boot_ticks`, the `ticks` the scenario started at), over `ticks` ticks. Each
/// named timeout or callout is one timer. A delay of 0 starts it for 1 tick (as `callout_reset`
/// does; OpenBSD 5.6 would run it in the same tick). Handler re-arms are in the events too, so
/// they are replayed as calls, not as a re-arming rule. Delays past [`MAX_INTERVAL`] are cut to
/// it (see there).
pub fn from_events(events: &[Event], boot_ticks: i32, ticks: u64) -> Workload {
    let mut names: Vec<String> = Vec::new();
    let mut id = |name: &str| -> TimerId {
        match names.iter().position(|n| n == name) {
            Some(i) => i as TimerId,
            None => {
                names.push(name.to_string());
                (names.len() - 1) as TimerId
            }
        }
    };
    let mut ops = Vec::new();
    for e in events {
        let at = e.tick.wrapping_sub(boot_ticks) as u32 as u64;
        // Capped at MAX_INTERVAL, the simple wheel's size: a run lasts fewer ticks than that
        // (the CLI's and the view's limits), so a timer started for longer could not fire
        // within it either way.
        let delay = |to_time: i32| (to_time.wrapping_sub(e.tick).max(1) as u64).min(MAX_INTERVAL);
        let (timer, action) = match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Added { name, to_time, .. })
            | EventKind::Timeout(TimeoutEvent::MovedEarlier { name, to_time, .. })
            | EventKind::Timeout(TimeoutEvent::LeftInPlace { name, to_time, .. }) => (
                id(&format!("timeout {name}")),
                Action::Start {
                    interval: delay(*to_time),
                },
            ),
            EventKind::Timeout(TimeoutEvent::Deleted { name, .. }) => {
                (id(&format!("timeout {name}")), Action::Stop)
            }
            EventKind::Callout(CalloutEvent::Reset { c, c_time, .. }) => (
                id(&format!("callout {c}")),
                Action::Start {
                    interval: delay(*c_time),
                },
            ),
            EventKind::Callout(CalloutEvent::Stop { c, ret: 1, .. }) => {
                (id(&format!("callout {c}")), Action::Stop)
            }
            // The legacy timeout(): a pooled callout, one timer per slot.
            EventKind::Callout(CalloutEvent::Timeout { slot, c_time, .. }) => (
                id(&format!("timeout() slot {slot}")),
                Action::Start {
                    interval: delay(*c_time),
                },
            ),
            EventKind::Callout(CalloutEvent::Untimeout {
                slot: Some(slot),
                outcome: UntimeoutOutcome::Stopped { ret: 1 },
                ..
            }) => (id(&format!("timeout() slot {slot}")), Action::Stop),
            _ => continue,
        };
        ops.push(Op { at, timer, action });
    }
    Workload {
        name: "scenario".to_string(),
        timers: names.len() as u32,
        ticks,
        ops,
        rearm: Rearm::Never,
        seed: 0,
    }
    .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_workload() {
        for k in WorkloadKind::ALL {
            let a = generate(k, 50, 2000, 9);
            assert_eq!(a, generate(k, 50, 2000, 9));
            assert_ne!(a.ops, generate(k, 50, 2000, 10).ops, "{}", k.name());
            assert!(a.ops.windows(2).all(|w| w[0].at <= w[1].at));
            assert!(a.max_interval() <= MAX_INTERVAL);
        }
    }

    #[test]
    fn a_scenario_s_long_timeouts_are_capped_to_the_longest_interval() {
        let r = crate::script::run(
            "timeout_set(&t, f, NULL)\ntimeout_add(&t, 2000000000)\ncallout_init(&c, 1)\ncallout_reset(&c, 7, g, NULL)\nhardclock(1)",
        );
        let w = from_events(&r.kernel.trace.events, r.kernel.clock.boot_ticks, 100);
        assert_eq!(w.timers, 2);
        assert_eq!(w.max_interval(), MAX_INTERVAL);
        assert_eq!(
            w.ops[1],
            Op {
                at: 0,
                timer: 1,
                action: Action::Start { interval: 7 }
            }
        );
    }

    #[test]
    fn tcp_stops_most_timers() {
        let w = generate(WorkloadKind::Tcp, 100, 5000, 1);
        let stops = w.ops.iter().filter(|o| o.action == Action::Stop).count();
        let starts = w.ops.len() - stops;
        assert!(stops * 3 > starts, "{stops} stops of {starts} starts");
    }
}
