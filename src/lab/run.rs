//! [`Lab`]: every scheme through one workload, one tick at a time, all together.
//!
//! Each scheme has its own [`Lane`]: the scheme, what it has done (starts, stops, fires, work
//! by routine) and when its timers fired. A step runs tick `now + 1` in every lane: the tick's
//! bookkeeping, the handlers of the timers that fired (a periodic timer re-arms itself there),
//! then the workload's calls of that tick. The schemes never see each other; they see the same
//! calls, except that a Linux timer that fires late is re-armed late.

use super::workload::{Action, Workload};
use super::{make, Scheme, SchemeKind, Sizing, TimerId, Work};

/// One timer expiring in one scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fire {
    pub scheme: SchemeKind,
    pub timer: TimerId,
    /// The tick of the start that armed it.
    pub started: u64,
    /// The tick it was due at, from the start that armed it.
    pub due: u64,
    pub fired: u64,
}

impl Fire {
    pub fn late(&self) -> u64 {
        self.fired - self.due
    }
}

/// Work of the three routines, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Costs {
    pub start: Work,
    pub stop: Work,
    pub tick: Work,
}

impl Costs {
    pub fn total(&self) -> u64 {
        self.start.total() + self.stop.total() + self.tick.total()
    }
}

/// How many lateness classes [`late_class`] has: 0, 1, 2-3, 4-7, ..., 2^21 and more.
pub const LATE_CLASSES: usize = 23;

/// The histogram class of a lateness: 0 for on time, else 1 + floor(log2(late)).
pub fn late_class(late: u64) -> usize {
    if late == 0 {
        0
    } else {
        (1 + late.ilog2() as usize).min(LATE_CLASSES - 1)
    }
}

/// The label of a lateness class, in ticks.
pub fn late_class_label(c: usize) -> String {
    match c {
        0 => "0".into(),
        1 => "1".into(),
        c => format!("{}-{}", 1u64 << (c - 1), (1u64 << c) - 1),
    }
}

/// One scheme's run.
pub struct Lane {
    pub scheme: Box<dyn Scheme>,
    pub starts: u64,
    pub stops: u64,
    pub fires: u64,
    /// Totals since the start of the run.
    pub costs: Costs,
    /// What the last step cost (its tick, the re-arms and the calls after it).
    pub last: Costs,
    /// Timers that fired in the last step, in the order the scheme found them.
    pub last_fired: Vec<TimerId>,
    pub max_late: u64,
    late_sum: u64,
    /// Fires by lateness class ([`late_class`]).
    pub late_hist: [u64; LATE_CLASSES],
    /// Every fire, if the lab keeps them.
    pub fire_log: Vec<Fire>,
    /// Total work after each tick (index 0: before the first tick), if the lab keeps it.
    pub history: Vec<u64>,
    /// Per timer: when it was started and the tick it is due at, if armed.
    due: Vec<Option<(u64, u64)>>,
    /// Per timer: how often it has fired (numbers its re-arms).
    fired_count: Vec<u64>,
}

impl Lane {
    pub fn kind(&self) -> SchemeKind {
        self.scheme.kind()
    }

    pub fn mean_late(&self) -> f64 {
        if self.fires == 0 {
            0.0
        } else {
            self.late_sum as f64 / self.fires as f64
        }
    }

    fn start(&mut self, now: u64, timer: TimerId, interval: u64) {
        let due = now + interval;
        let w = self.scheme.start(now, timer, due);
        self.due[timer as usize] = Some((now, due));
        self.starts += 1;
        self.last.start += w;
    }

    fn stop(&mut self, now: u64, timer: TimerId) {
        let w = self.scheme.stop(now, timer);
        self.due[timer as usize] = None;
        self.stops += 1;
        self.last.stop += w;
    }
}

/// What the lab keeps besides the totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keep {
    /// Every fire of every scheme (`--fires`).
    pub fires: bool,
    /// Cumulative work per tick, for the line chart.
    pub history: bool,
}

pub struct Lab {
    pub workload: Workload,
    /// The tick that ran last (0 before the first).
    pub now: u64,
    pub lanes: Vec<Lane>,
    keep: Keep,
    fired: Vec<TimerId>,
}

impl Lab {
    /// Every scheme, sized for the workload, with the calls of tick 0 made.
    pub fn new(workload: Workload, keep: Keep) -> Lab {
        Lab::with_schemes(workload, keep, &SchemeKind::ALL)
    }

    /// Only the schemes in `kinds`.
    pub fn with_schemes(workload: Workload, keep: Keep, kinds: &[SchemeKind]) -> Lab {
        let sizing = Sizing {
            timers: workload.timers,
            max_interval: workload.max_interval(),
        };
        let n = workload.timers as usize;
        let lanes = kinds
            .iter()
            .map(|&k| Lane {
                scheme: make(k, sizing),
                starts: 0,
                stops: 0,
                fires: 0,
                costs: Costs::default(),
                last: Costs::default(),
                last_fired: Vec::new(),
                max_late: 0,
                late_sum: 0,
                late_hist: [0; LATE_CLASSES],
                fire_log: Vec::new(),
                history: Vec::new(),
                due: vec![None; n],
                fired_count: vec![0; n],
            })
            .collect();
        let mut lab = Lab {
            workload,
            now: 0,
            lanes,
            keep,
            fired: Vec::new(),
        };
        for i in 0..lab.lanes.len() {
            lab.calls(i);
            let lane = &mut lab.lanes[i];
            lane.costs = lane.last;
            if keep.history {
                lane.history.push(lane.costs.total());
            }
        }
        lab
    }

    /// True once every tick of the workload has run.
    pub fn done(&self) -> bool {
        self.now >= self.workload.ticks
    }

    /// Runs the next tick in every scheme; false if the run was already over.
    pub fn step(&mut self) -> bool {
        if self.done() {
            return false;
        }
        self.now += 1;
        for i in 0..self.lanes.len() {
            self.tick_lane(i);
        }
        true
    }

    /// Runs to the end.
    pub fn run(&mut self) {
        while self.step() {}
    }

    /// The workload's calls at the current tick, in lane `i`.
    fn calls(&mut self, i: usize) {
        let now = self.now;
        let lane = &mut self.lanes[i];
        for op in self.workload.ops_at(now) {
            match op.action {
                Action::Start { interval } => lane.start(now, op.timer, interval),
                Action::Stop => lane.stop(now, op.timer),
            }
        }
    }

    fn tick_lane(&mut self, i: usize) {
        let now = self.now;
        let lane = &mut self.lanes[i];
        lane.last = Costs::default();
        self.fired.clear();
        lane.last.tick = lane.scheme.tick(now, &mut self.fired);
        let kind = lane.kind();
        for &timer in &self.fired {
            let (started, due) = lane.due[timer as usize]
                .take()
                .expect("a scheme fires only armed timers");
            let f = Fire {
                scheme: kind,
                timer,
                started,
                due,
                fired: now,
            };
            lane.fires += 1;
            lane.max_late = lane.max_late.max(f.late());
            lane.late_sum += f.late();
            lane.late_hist[late_class(f.late())] += 1;
            if self.keep.fires {
                lane.fire_log.push(f);
            }
            // The handler: a periodic timer starts itself again.
            let nth = lane.fired_count[timer as usize];
            lane.fired_count[timer as usize] += 1;
            if let Some(interval) = self.workload.rearm_interval(timer, nth) {
                lane.start(now, timer, interval);
            }
        }
        lane.last_fired.clear();
        lane.last_fired.extend_from_slice(&self.fired);
        self.calls(i);
        let lane = &mut self.lanes[i];
        lane.costs.start += lane.last.start;
        lane.costs.stop += lane.last.stop;
        lane.costs.tick += lane.last.tick;
        if self.keep.history {
            lane.history.push(lane.costs.total());
        }
    }

    pub fn lane(&self, kind: SchemeKind) -> Option<&Lane> {
        self.lanes.iter().find(|l| l.kind() == kind)
    }
}
