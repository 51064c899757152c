//! The comparison view's state (plain Rust, tested natively): a [`Lab`] over a workload the
//! reader picks, stepped in the reducer style of [`super::state`] ([`LabState::apply`] takes a
//! [`LabAction`]). Stepping runs the next tick in every scheme at once; stepping back replays
//! the run from tick 0 (the schemes are deterministic and small here).
//!
//! The browser runs the lab in the page's own thread, so the view's limits are tighter than the
//! CLI's: [`UI_MAX_TIMERS`] timers and [`UI_MAX_TICKS`] ticks.

use crate::lab::lesson;
use crate::lab::run::{Keep, Lab};
use crate::lab::workload::{self, Workload, WorkloadKind};

/// Most timers the view runs (scheme 1 decrements each on every tick).
pub const UI_MAX_TIMERS: u32 = 1000;
/// Most ticks a run lasts in the view.
pub const UI_MAX_TICKS: u64 = 20_000;
/// Ticks one advance of play runs, at most (ticks per second / advances per second).
pub const PLAY_ADVANCE_MS: u32 = 100;

/// Sentences the narration keeps from one step of several ticks.
pub const NARRATED_SPIKES: usize = 4;

/// What the reader chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabConfig {
    /// A generated workload, or None for the current scenario's timeouts.
    pub workload: Option<WorkloadKind>,
    pub timers: u32,
    pub ticks: u64,
    pub seed: u64,
    /// Ticks per second while playing.
    pub speed: u32,
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            workload: Some(WorkloadKind::Uniform),
            timers: 100,
            ticks: 2000,
            seed: 1,
            speed: 100,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabAction {
    /// Runs `n` more ticks in every scheme.
    Step(u64),
    /// One play advance (speed x the advance period).
    Advance,
    /// Back one tick (replays from the start).
    Back,
    Reset,
    Play,
    Pause,
    /// `uniform`, `bursty`, `long`, `tcp` or `scenario`.
    SetWorkload(String),
    SetTimers(u32),
    SetTicks(u64),
    SetSeed(u64),
    SetSpeed(u32),
    /// The app's scenario changed (see [`LabState::set_scenario`]).
    SetScenario(String),
}

pub struct LabState {
    pub config: LabConfig,
    /// The scenario whose timeouts the `scenario` workload replays.
    scenario: String,
    pub lab: Lab,
    pub playing: bool,
    /// Sentences about the last step (see [`lesson::narrate`]).
    pub narration: Vec<String>,
    /// Why the chosen workload could not be used (the view falls back to `uniform`).
    pub problem: Option<String>,
}

impl LabState {
    pub fn new(config: LabConfig, scenario: &str) -> LabState {
        let (lab, problem) = build(&config, scenario);
        let narration = lesson::narrate(&lab);
        LabState {
            config,
            scenario: scenario.to_string(),
            lab,
            playing: false,
            narration,
            problem,
        }
    }

    /// A new scenario: takes effect now if the view replays the scenario, else at the next
    /// change of workload.
    pub fn set_scenario(&mut self, src: &str) {
        if self.scenario != src {
            self.scenario = src.to_string();
            if self.config.workload.is_none() {
                self.rebuild();
            }
        }
    }

    fn rebuild(&mut self) {
        let (lab, problem) = build(&self.config, &self.scenario);
        self.lab = lab;
        self.problem = problem;
        self.playing = false;
        self.narration = lesson::narrate(&self.lab);
    }

    /// Runs `n` ticks. The narration keeps the spikes of all of them (the latest
    /// [`NARRATED_SPIKES`]), so that playing several ticks per frame does not hide a cascade.
    fn step(&mut self, n: u64) {
        let mut spikes = Vec::new();
        for _ in 0..n {
            if !self.lab.step() {
                self.playing = false;
                break;
            }
            spikes.extend(lesson::spikes(&self.lab));
        }
        self.narration = if spikes.is_empty() {
            lesson::narrate(&self.lab)
        } else {
            spikes.split_off(spikes.len().saturating_sub(NARRATED_SPIKES))
        };
    }

    pub fn apply(&mut self, a: LabAction) {
        match a {
            LabAction::Step(n) => {
                self.playing = false;
                self.step(n);
            }
            LabAction::Advance => {
                if self.playing {
                    let n = (self.config.speed as u64 * PLAY_ADVANCE_MS as u64 / 1000).max(1);
                    self.step(n);
                }
            }
            LabAction::Back => {
                let to = self.lab.now.saturating_sub(1);
                self.rebuild();
                self.step(to);
            }
            LabAction::Reset => self.rebuild(),
            LabAction::Play => self.playing = !self.lab.done(),
            LabAction::Pause => self.playing = false,
            LabAction::SetWorkload(name) => {
                self.config.workload = WorkloadKind::from_name(&name);
                self.rebuild();
            }
            LabAction::SetTimers(n) => {
                self.config.timers = n.clamp(1, UI_MAX_TIMERS);
                self.rebuild();
            }
            LabAction::SetTicks(n) => {
                self.config.ticks = n.clamp(1, UI_MAX_TICKS);
                self.rebuild();
            }
            LabAction::SetSeed(s) => {
                self.config.seed = s;
                self.rebuild();
            }
            LabAction::SetSpeed(s) => self.config.speed = s.clamp(1, 10_000),
            LabAction::SetScenario(src) => self.set_scenario(&src),
        }
    }
}

/// The lab for a configuration: the scenario's timeouts when asked and there are any, else a
/// generated workload.
fn build(c: &LabConfig, scenario: &str) -> (Lab, Option<String>) {
    let keep = Keep {
        fires: false,
        history: true,
    };
    let generated = |kind| workload::generate(kind, c.timers, c.ticks, c.seed);
    let (w, problem): (Workload, _) = match c.workload {
        Some(kind) => (generated(kind), None),
        None => {
            let r = crate::script::run(scenario);
            let boot = r.kernel.clock.boot_ticks;
            let w = workload::from_events(&r.kernel.trace.events, boot, c.ticks);
            if w.timers == 0 {
                (
                    generated(WorkloadKind::Uniform),
                    Some("The current scenario starts no timeout or callout: showing the uniform workload instead.".to_string()),
                )
            } else if w.timers > UI_MAX_TIMERS {
                (
                    generated(WorkloadKind::Uniform),
                    Some(format!("The current scenario has more than {UI_MAX_TIMERS} timers: showing the uniform workload instead.")),
                )
            } else {
                (w, None)
            }
        }
    };
    (Lab::new(w, keep), problem)
}

/// At most `points` points of a cumulative series (tick, work), evenly spaced over the ticks
/// run so far, always with the last one: enough for a line chart.
pub fn downsample(history: &[u64], points: usize) -> Vec<(u64, u64)> {
    let n = history.len();
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(points.max(1)).max(1);
    let mut out: Vec<(u64, u64)> = (0..n)
        .step_by(step)
        .map(|i| (i as u64, history[i]))
        .collect();
    if out.last().map(|p| p.0) != Some(n as u64 - 1) {
        out.push((n as u64 - 1, history[n - 1]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::SchemeKind;

    #[test]
    fn steps_move_every_scheme_together_and_back_replays() {
        let mut s = LabState::new(LabConfig::default(), "");
        s.apply(LabAction::Step(50));
        assert_eq!(s.lab.now, 50);
        assert!(s.lab.lanes.iter().all(|l| l.history.len() == 51));
        let at_49: Vec<u64> = s.lab.lanes.iter().map(|l| l.history[49]).collect();
        s.apply(LabAction::Back);
        assert_eq!(s.lab.now, 49);
        let now: Vec<u64> = s.lab.lanes.iter().map(|l| l.costs.total()).collect();
        assert_eq!(now, at_49);
    }

    #[test]
    fn play_advances_by_speed_and_stops_at_the_end() {
        let mut s = LabState::new(LabConfig::default(), "");
        s.apply(LabAction::Advance);
        assert_eq!(s.lab.now, 0, "paused");
        s.apply(LabAction::Play);
        s.apply(LabAction::Advance);
        assert_eq!(s.lab.now, 10, "100 ticks/s, 100 ms per advance");
        s.apply(LabAction::SetTicks(15));
        s.apply(LabAction::Play);
        s.apply(LabAction::Advance);
        s.apply(LabAction::Advance);
        assert_eq!((s.lab.now, s.playing), (15, false));
    }

    #[test]
    fn the_scenario_workload_and_its_fallback() {
        let src = "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 30)\nhardclock(40)\n";
        let mut s = LabState::new(LabConfig::default(), src);
        s.apply(LabAction::SetWorkload("scenario".into()));
        assert_eq!(
            (s.lab.workload.name.as_str(), s.lab.workload.timers),
            ("scenario", 1)
        );
        s.apply(LabAction::Step(30));
        assert_eq!(s.lab.lane(SchemeKind::Hierarchical).unwrap().fires, 1);
        s.set_scenario("hardclock(3)\n");
        assert_eq!(s.lab.workload.name, "uniform");
        assert!(s.problem.as_deref().unwrap().contains("starts no timeout"));
        s.apply(LabAction::SetTimers(1_000_000));
        assert_eq!(s.config.timers, UI_MAX_TIMERS);
    }

    #[test]
    fn a_cascade_inside_a_multi_tick_step_is_still_narrated() {
        let mut s = LabState::new(LabConfig::default(), "");
        s.apply(LabAction::SetWorkload("long".into()));
        // Tick 256 is in the middle of this step: wheel 1 cascades there.
        s.apply(LabAction::Step(250));
        s.apply(LabAction::Step(10));
        assert!(
            s.narration
                .iter()
                .any(|n| n.starts_with("tick 256:") && n.contains("(a cascade)")),
            "{:?}",
            s.narration
        );
        assert!(s.narration.len() <= NARRATED_SPIKES);
    }

    #[test]
    fn downsampling_keeps_the_ends() {
        let h: Vec<u64> = (0..1001).collect();
        let d = downsample(&h, 100);
        assert!(d.len() <= 102);
        assert_eq!((d[0], *d.last().unwrap()), ((0, 0), (1000, 1000)));
        assert_eq!(downsample(&[7], 100), vec![(0, 7)]);
    }
}
