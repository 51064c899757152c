//! The lab's lesson (what to watch in each chart) and the narration of a step whose cost
//! spikes: one sentence per scheme that did much more than usual, saying why in its own terms
//! (a cascade, a long list walk, a bucket with many laps).

use super::run::{Costs, Lab, Lane};
use super::SchemeKind;

/// The lesson, paragraph by paragraph, in the style of a preset's note.
pub const LESSON: &[(&str, &str)] = &[
    (
        "The question",
        "Why does BSD keep its timers in a wheel, and why did OpenBSD and FreeBSD pick different \
         ones? Varghese and Lauck (SOSP 1987) answered with seven schemes; here the same timers \
         run through all of them, and through Linux's 2016 wheel, and every step of work is counted.",
    ),
    (
        "Cumulative work",
        "Each line is one scheme's work since the start. Scheme 1 (unordered list) climbs \
         fastest and steadily: it decrements every timer on every tick, so its slope is the \
         number of timers. The ordered lists climb with every start: a start walks the list. \
         The wheels hug the bottom: a few steps per tick whatever the number of timers.",
    ),
    (
        "Cost per start, stop and tick",
        "The bars are averages. Start is O(n) for the ordered lists (watch the delta list's stop \
         too: 4.4BSD's untimeout has no handle and searches), O(log n) for the heap, and one or \
         two list operations for every wheel. Tick is where the wheels pay: FreeBSD's callwheel \
         skips the callouts of later laps in each bucket it walks, OpenBSD's wheel re-buckets \
         timeouts when a higher wheel cascades at each 256-tick boundary.",
    ),
    (
        "Linux's lateness",
        "Linux never cascades and never skips: a timer stays in the bucket it was put in, \
         rounded up to its level's granularity (1 tick, then 8, 64, 512 ...). The histogram \
         shows what that costs instead: how late each timer fired. The exact schemes are never \
         late; their histogram would be one bar at 0.",
    ),
    (
        "Try",
        "The tcp workload (most timers stopped before they expire: the reason Linux traded \
         precision for cheap starts and stops), long (OpenBSD cascades, FreeBSD laps), bursty \
         (many timers expire in one tick), and more timers: scheme 1's slope grows with them, \
         the wheels' does not.",
    ),
];

/// Step costs below this never count as a spike: a handful of steps is noise.
const SPIKE_FLOOR: u64 = 8;
/// A step spikes when it costs this many times the scheme's average step.
const SPIKE_RATIO: u64 = 3;

/// Why scheme `kind`'s step cost what it did, in its own terms.
pub fn explain(kind: SchemeKind, tick: u64, c: &Costs, fired: usize) -> String {
    let t = &c.tick;
    let name = kind.title();
    match kind {
        SchemeKind::Unordered => format!(
            "tick {tick}: {name} decremented every timer on its list ({} of them): its cost per tick is the number of timers.",
            t.visited
        ),
        SchemeKind::Ordered | SchemeKind::HashedSorted if c.start.visited > t.visited => format!(
            "tick {tick}: {name}: the starts walked {} list nodes to find their places in deadline order.",
            c.start.visited
        ),
        SchemeKind::Delta if c.stop.visited > c.start.visited => format!(
            "tick {tick}: {name}: untimeout() searched {} entries: 4.4BSD's untimeout(ftn, arg) has no handle, so stopping a timer walks the list.",
            c.stop.visited
        ),
        SchemeKind::Delta => format!(
            "tick {tick}: {name}: the starts walked {} entries, subtracting each delta to find where their deadlines fall.",
            c.start.visited
        ),
        SchemeKind::Heap => format!(
            "tick {tick}: {name}: {} comparisons sifting deadlines up and down the heap (log n each).",
            c.start.visited + c.stop.visited + t.visited
        ),
        SchemeKind::Callwheel => {
            let skipped = t.visited.saturating_sub(t.moved);
            format!(
                "tick {tick}: {name}: softclock walked a bucket of {} callouts: {fired} due now, {skipped} of later laps looked at and skipped (a bucket with many laps).",
                t.visited
            )
        }
        SchemeKind::Hierarchical if t.buckets > 1 => {
            let moved = t.moved.saturating_sub(fired as u64);
            format!(
                "tick {tick}: {name}: wheel 0 came round to bucket 0, so hardclock cascaded {} higher wheel{} onto timeout_todo and softclock re-bucketed {moved} timeouts into lower wheels (a cascade).",
                t.buckets - 1,
                if t.buckets > 2 { "s" } else { "" }
            )
        }
        SchemeKind::Hierarchical => format!(
            "tick {tick}: {name}: softclock ran {fired} timeouts and re-bucketed {} (every timeout_add goes to timeout_todo first).",
            t.moved.saturating_sub(fired as u64)
        ),
        SchemeKind::Linux => format!(
            "tick {tick}: {name}: looked at {} level bucket{} and fired {fired} timers where they were put: nothing moved, some fired late.",
            t.buckets,
            if t.buckets == 1 { "" } else { "s" }
        ),
        _ => format!(
            "tick {tick}: {name}: {} steps ({fired} expired).",
            c.total()
        ),
    }
}

/// True if the lane's last step cost much more than its average step.
fn spiked(lane: &Lane, steps: u64) -> bool {
    let cost = lane.last.total();
    let mean = lane.costs.total() / steps.max(1);
    cost >= SPIKE_FLOOR && cost >= SPIKE_RATIO * mean.max(1)
}

/// A sentence for each scheme (but scheme 1) whose last step cost much more than its average.
pub fn spikes(lab: &Lab) -> Vec<String> {
    let steps = lab.now + 1;
    lab.lanes
        .iter()
        .filter(|l| l.kind() != SchemeKind::Unordered && spiked(l, steps))
        .map(|l| explain(l.kind(), lab.now, &l.last, l.last_fired.len()))
        .collect()
}

/// The narration of the lab's last step: a sentence for each scheme whose cost spiked (the
/// unordered list, whose cost is the same every tick, only when nothing else did).
pub fn narrate(lab: &Lab) -> Vec<String> {
    if lab.now == 0 {
        return vec![format!(
            "Ready: {} timers, workload {}. Step to run tick 1 in every scheme at once.",
            lab.workload.timers, lab.workload.name
        )];
    }
    let mut out = spikes(lab);
    if out.is_empty() {
        if let Some(l) = lab.lane(SchemeKind::Unordered) {
            out.push(explain(l.kind(), lab.now, &l.last, l.last_fired.len()));
        }
        out.push(format!(
            "tick {}: no other scheme's cost spiked this tick.",
            lab.now
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::run::Keep;
    use crate::lab::workload::{Action, Op, Rearm, Workload};

    #[test]
    fn a_cascade_is_narrated_at_the_256_boundary() {
        let ops = (0..20)
            .map(|t| Op {
                at: 0,
                timer: t,
                action: Action::Start {
                    interval: 300 + t as u64,
                },
            })
            .collect();
        let w = Workload {
            name: "cascade".into(),
            timers: 20,
            ticks: 400,
            ops,
            rearm: Rearm::Never,
            seed: 0,
        };
        let mut lab = Lab::new(w, Keep::default());
        assert!(narrate(&lab)[0].starts_with("Ready: 20 timers"));
        for _ in 0..256 {
            lab.step();
        }
        let said = narrate(&lab).join(" ");
        assert!(
            said.contains("tick 256: 7 hierarchical wheels: OpenBSD 4x256: wheel 0 came round to bucket 0, so hardclock cascaded 1 higher wheel onto timeout_todo and softclock re-bucketed 20 timeouts"),
            "{said}"
        );
        lab.step();
        let said = narrate(&lab).join(" ");
        assert!(said.contains("no other scheme's cost spiked"), "{said}");
    }
}
