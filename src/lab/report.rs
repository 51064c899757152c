//! The lab's numbers as records: one per scheme, and one per fire, in JSON lines, CSV or text
//! (what `hardclock-trace compare` prints).

use super::run::{Fire, Lab, Lane};
use super::SchemeKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Text,
}

/// `{"scheme":..,"starts":..,"stops":..,"fires":..,"work":{"start":..,"stop":..,"tick":..},
/// "max_late":..,"mean_late":..,"memory":..}`
pub fn json_record(l: &Lane) -> String {
    format!(
        "{{\"scheme\":\"{}\",\"starts\":{},\"stops\":{},\"fires\":{},\"work\":{{\"start\":{},\"stop\":{},\"tick\":{}}},\"max_late\":{},\"mean_late\":{:.3},\"memory\":{}}}",
        l.kind().name(),
        l.starts,
        l.stops,
        l.fires,
        l.costs.start.total(),
        l.costs.stop.total(),
        l.costs.tick.total(),
        l.max_late,
        l.mean_late(),
        l.scheme.memory()
    )
}

pub fn json_fire(f: &Fire) -> String {
    format!(
        "{{\"scheme\":\"{}\",\"timer\":{},\"due\":{},\"fired\":{}}}",
        f.scheme.name(),
        f.timer,
        f.due,
        f.fired
    )
}

pub const CSV_HEADER: &str =
    "scheme,starts,stops,fires,work_start,work_stop,work_tick,max_late,mean_late,memory";
pub const CSV_FIRES_HEADER: &str = "scheme,timer,due,fired";

fn csv_record(l: &Lane) -> String {
    format!(
        "{},{},{},{},{},{},{},{},{:.3},{}",
        l.kind().name(),
        l.starts,
        l.stops,
        l.fires,
        l.costs.start.total(),
        l.costs.stop.total(),
        l.costs.tick.total(),
        l.max_late,
        l.mean_late(),
        l.scheme.memory()
    )
}

/// Work per call, to one decimal.
fn per(work: u64, calls: u64) -> String {
    if calls == 0 {
        "-".into()
    } else {
        format!("{:.1}", work as f64 / calls as f64)
    }
}

fn text_lines(lab: &Lab) -> Vec<String> {
    let w = &lab.workload;
    let mut out = vec![
        format!(
            "workload {}: {} timers, {} ticks, seed {} ({} calls, ticks run: {})",
            w.name,
            w.timers,
            w.ticks,
            w.seed,
            w.ops.len(),
            lab.now
        ),
        String::new(),
        format!(
            "{:<14} {:>8} {:>8} {:>8} {:>12} {:>10} {:>12} {:>9} {:>8} {:>8} {:>8} {:>9} {:>11}",
            "scheme",
            "starts",
            "stops",
            "fires",
            "work:start",
            "stop",
            "tick",
            "per start",
            "per stop",
            "per tick",
            "max late",
            "mean late",
            "memory (B)"
        ),
    ];
    for l in &lab.lanes {
        out.push(format!(
            "{:<14} {:>8} {:>8} {:>8} {:>12} {:>10} {:>12} {:>9} {:>8} {:>8} {:>8} {:>9.3} {:>11}",
            l.kind().name(),
            l.starts,
            l.stops,
            l.fires,
            l.costs.start.total(),
            l.costs.stop.total(),
            l.costs.tick.total(),
            per(l.costs.start.total(), l.starts),
            per(l.costs.stop.total(), l.stops),
            per(l.costs.tick.total(), lab.now),
            l.max_late,
            l.mean_late(),
            l.scheme.memory()
        ));
    }
    out.push(String::new());
    out.push("Units of work (each scheme counts in its own steps):".into());
    for l in &lab.lanes {
        let k: SchemeKind = l.kind();
        out.push(format!("  {:<14} {}: {}", k.name(), k.title(), k.unit()));
    }
    out
}

/// The summary, one record per scheme (with a header for CSV, a table for text).
pub fn summary(lab: &Lab, format: Format) -> Vec<String> {
    match format {
        Format::Json => lab.lanes.iter().map(json_record).collect(),
        Format::Csv => std::iter::once(CSV_HEADER.to_string())
            .chain(lab.lanes.iter().map(csv_record))
            .collect(),
        Format::Text => text_lines(lab),
    }
}

/// Every fire the lab kept, scheme by scheme.
pub fn fires(lab: &Lab, format: Format) -> Vec<String> {
    let all = lab.lanes.iter().flat_map(|l| l.fire_log.iter());
    match format {
        Format::Json => all.map(json_fire).collect(),
        Format::Csv => std::iter::once(CSV_FIRES_HEADER.to_string())
            .chain(all.map(|f| format!("{},{},{},{}", f.scheme.name(), f.timer, f.due, f.fired)))
            .collect(),
        Format::Text => all
            .map(|f| {
                format!(
                    "{}: timer {} due {} fired {}{}",
                    f.scheme.name(),
                    f.timer,
                    f.due,
                    f.fired,
                    match f.late() {
                        0 => String::new(),
                        n => format!(" ({n} late)"),
                    }
                )
            })
            .collect(),
    }
}
