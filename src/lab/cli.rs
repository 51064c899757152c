//! `hardclock-trace compare`: the lab from the command line, for handouts and plots.
//!
//! ```text
//! hardclock-trace compare --workload NAME --timers N --ticks T [--seed S]
//!                         [--format json|csv|text] [--fires]
//! hardclock-trace compare --scenario FILE --ticks T [...]
//! ```
//!
//! The input is bounded so that a whole comparison finishes within about a second and a few
//! hundred megabytes: the costly schemes are the point of the lab (scheme 1 decrements every
//! timer every tick, the ordered lists walk on every start), so their work grows as timers x
//! ticks, which [`MAX_TIMER_TICKS`] caps, and with starts x timers, which only running shows:
//! a run stops with an error once all schemes together have done [`MAX_WORK`] steps.

use super::report::{self, Format};
use super::run::{Keep, Lab};
use super::workload::{self, Workload, WorkloadKind};

/// Most timers in one comparison.
pub const MAX_TIMERS: u32 = 5_000;
/// Most ticks in one comparison.
pub const MAX_TICKS: u64 = 200_000;
/// Most timers x ticks: about scheme 1's work (it decrements every timer every tick).
pub const MAX_TIMER_TICKS: u64 = 10_000_000;
/// Most steps of work all schemes together may do: the ordered lists' walks grow with the
/// number of starts times the timers queued, which no bound on timers and ticks alone keeps
/// small (a TCP workload re-arms every timer every few ticks). A step is a few nanoseconds.
pub const MAX_WORK: u64 = 80_000_000;
/// Most fires `--fires` prints (about 40 bytes each in JSON).
pub const MAX_FIRES_PRINTED: u64 = 2_000_000;

pub const USAGE: &str = "usage: hardclock-trace compare --workload NAME --timers N --ticks T [--seed S] [--format json|csv|text] [--fires]\n\
    \x20      hardclock-trace compare --scenario FILE --ticks T [--format ...] [--fires]\n\
    Runs one workload of timers through every scheme of Varghese & Lauck (1987) and Linux's\n\
    wheel, and prints one record per scheme: starts, stops, fires, work of start/stop/tick\n\
    (totals, in each scheme's own unit), lateness and memory.\n\
    NAME: uniform, bursty, long or tcp (generated from the seed, default 1); --scenario takes\n\
    the timeouts of a .hc scenario instead. --fires adds every fire: scheme, timer, due, fired.\n\
    Limits: timers <= 5000, ticks <= 200000, timers x ticks <= 10000000, and at most\n\
    80000000 steps of work by all schemes together (about a second).";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub workload: Option<WorkloadKind>,
    pub scenario: Option<String>,
    pub timers: Option<u32>,
    pub ticks: u64,
    pub seed: u64,
    pub format: Format,
    pub fires: bool,
}

fn number(flag: &str, v: Option<&String>) -> Result<u64, String> {
    let v = v.ok_or(format!("{flag} needs a value"))?;
    v.parse::<u64>()
        .map_err(|_| format!("{flag} must be a whole number, got '{v}'"))
}

/// Parses the arguments after `compare`; Err("") asks for the usage.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        workload: None,
        scenario: None,
        timers: None,
        ticks: 0,
        seed: 1,
        format: Format::Json,
        fires: false,
    };
    let mut ticks = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        // --flag=value works as well as --flag value.
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "-h" | "--help" => return Err(String::new()),
            "--fires" => o.fires = true,
            "--workload" => {
                let v = value().ok_or("--workload needs a value: uniform, bursty, long or tcp")?;
                o.workload = Some(WorkloadKind::from_name(&v).ok_or(format!(
                    "unknown workload '{v}': use uniform, bursty, long or tcp (or --scenario FILE)"
                ))?);
            }
            "--scenario" => o.scenario = Some(value().ok_or("--scenario needs a file (or -)")?),
            "--timers" => {
                let n = number("--timers", value().as_ref())?;
                if n == 0 || n > MAX_TIMERS as u64 {
                    return Err(format!(
                        "--timers {n} is out of range: 1 to {MAX_TIMERS} (the limit that keeps a comparison within about a second)"
                    ));
                }
                o.timers = Some(n as u32);
            }
            "--ticks" => {
                let n = number("--ticks", value().as_ref())?;
                if n == 0 || n > MAX_TICKS {
                    return Err(format!("--ticks {n} is out of range: 1 to {MAX_TICKS}"));
                }
                ticks = Some(n);
            }
            "--seed" => o.seed = number("--seed", value().as_ref())?,
            "--format" => {
                o.format = match value().as_deref() {
                    Some("json") => Format::Json,
                    Some("csv") => Format::Csv,
                    Some("text") => Format::Text,
                    Some(v) => return Err(format!("unknown format '{v}': use json, csv or text")),
                    None => return Err("--format needs a value: json, csv or text".into()),
                }
            }
            f => return Err(format!("unknown option '{f}'")),
        }
    }
    o.ticks = ticks.ok_or("--ticks T is required")?;
    match (&o.workload, &o.scenario, o.timers) {
        (Some(_), Some(_), _) => return Err("give --workload or --scenario, not both".into()),
        (None, None, _) => return Err("--workload NAME (or --scenario FILE) is required".into()),
        (Some(_), None, None) => return Err("--timers N is required with --workload".into()),
        (None, Some(_), Some(_)) => {
            return Err("--timers comes from the scenario; leave it out with --scenario".into())
        }
        _ => {}
    }
    if let Some(n) = o.timers {
        check_product(n, o.ticks)?;
    }
    Ok(o)
}

fn check_product(timers: u32, ticks: u64) -> Result<(), String> {
    if timers as u64 * ticks > MAX_TIMER_TICKS {
        return Err(format!(
            "--timers {timers} x --ticks {ticks} = {} is over the limit of {MAX_TIMER_TICKS} timer-ticks (scheme 1 decrements every timer every tick); use fewer timers or ticks",
            timers as u64 * ticks
        ));
    }
    Ok(())
}

/// The workload the options ask for; a scenario's source is passed in (the caller reads it).
pub fn workload(o: &Options, scenario_src: Option<&str>) -> Result<Workload, String> {
    if let Some(kind) = o.workload {
        return Ok(workload::generate(
            kind,
            o.timers.expect("checked by parse"),
            o.ticks,
            o.seed,
        ));
    }
    let src = scenario_src.ok_or("no scenario source")?;
    let r = crate::script::run(src);
    if let crate::script::Outcome::Error(e) = &r.outcome {
        return Err(format!("the scenario has an error: {e}"));
    }
    let boot = r.kernel.clock.boot_ticks;
    let w = workload::from_events(&r.kernel.trace.events, boot, o.ticks);
    if w.timers == 0 {
        return Err("the scenario starts no timeout or callout".into());
    }
    if w.timers > MAX_TIMERS {
        return Err(format!(
            "the scenario has {} timers, over the limit of {MAX_TIMERS}",
            w.timers
        ));
    }
    check_product(w.timers, o.ticks)?;
    Ok(w)
}

/// Runs the comparison and returns the lines to print.
pub fn compare(o: &Options, w: Workload) -> Result<Vec<String>, String> {
    compare_within(o, w, MAX_WORK)
}

/// [`compare`] with a budget of `max_work` steps instead of [`MAX_WORK`].
pub fn compare_within(o: &Options, w: Workload, max_work: u64) -> Result<Vec<String>, String> {
    let mut lab = Lab::new(
        w,
        Keep {
            fires: o.fires,
            history: false,
        },
    );
    while lab.step() {
        let work: u64 = lab.lanes.iter().map(|l| l.costs.total()).sum();
        if work > max_work {
            let (worst, most) = lab
                .lanes
                .iter()
                .map(|l| (l.kind().name(), l.costs.total()))
                .max_by_key(|&(_, w)| w)
                .expect("lanes");
            return Err(format!(
                "the comparison stopped at tick {}: all schemes together did more than {max_work} steps of work, the limit that keeps it within about a second ({worst} alone did {most}); use fewer timers or ticks",
                lab.now
            ));
        }
    }
    let mut out = report::summary(&lab, o.format);
    if o.fires {
        let n: u64 = lab.lanes.iter().map(|l| l.fires).sum();
        if n > MAX_FIRES_PRINTED {
            return Err(format!(
                "--fires would print {n} fires, over the limit of {MAX_FIRES_PRINTED}; use fewer timers or ticks"
            ));
        }
        if o.format != Format::Json {
            out.push(String::new());
        }
        out.extend(report::fires(&lab, o.format));
    }
    Ok(out)
}
