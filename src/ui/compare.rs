//! The comparison view (`data-view="compare"`): every timer scheme of the lab on one workload,
//! stepped together. A line chart of each scheme's cumulative work, bars of its average cost
//! per start, stop and tick, the Linux wheel's lateness histogram, the paper's complexity table
//! beside the measured numbers, the narration of a step whose cost spikes, and the lesson.
//!
//! The view keeps its own state ([`LabState`], in the reducer style of the app's): the lab
//! runs beside the scenario, whose timeouts it can replay (the `scenario` workload).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::lab_state::{
    downsample, LabAction, LabConfig, LabState, PLAY_ADVANCE_MS, UI_MAX_TICKS, UI_MAX_TIMERS,
};
use super::svg::f1;
use crate::lab::lesson::LESSON;
use crate::lab::run::{late_class_label, Lab, Lane, LATE_CLASSES};
use crate::lab::workload::WorkloadKind;

/// The lab, changed in place by the reducer (a `Lab` holds two kernels: no copies per step).
#[derive(Clone)]
struct Model {
    cell: Rc<RefCell<LabState>>,
    version: u64,
}

impl PartialEq for Model {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &o.cell) && self.version == o.version
    }
}

impl Reducible for Model {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, a: LabAction) -> Rc<Self> {
        // Only a dispatch from inside a render could find it borrowed; none does.
        let Ok(mut st) = self.cell.try_borrow_mut() else {
            return self;
        };
        st.apply(a);
        drop(st);
        Rc::new(Model {
            cell: Rc::clone(&self.cell),
            version: self.version + 1,
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The scenario whose timeouts the `scenario` workload replays.
    #[prop_or_default]
    pub scenario: AttrValue,
}

const W: f64 = 600.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;

/// `log10(1 + v)`, through the browser's Math (no libm in the wasm).
fn log1(v: f64) -> f64 {
    js_sys::Math::log10(1.0 + v)
}

/// The y of `v` on a log scale whose top is `max`.
fn y_of(v: u64, max: u64) -> f64 {
    H - log1(v as f64) / log1(max.max(1) as f64) * (H - 10.0)
}

fn work_chart(lab: &Lab) -> Html {
    let max = lab.lanes.iter().map(|l| l.costs.total()).max().unwrap_or(1);
    let span = lab.workload.ticks.max(1) as f64;
    let x_of = |t: u64| LEFT + t as f64 / span * (W - LEFT - 30.0);
    // Gridlines at powers of ten.
    let mut grid = Vec::new();
    let mut p = 1u64;
    while p <= max {
        grid.push(p);
        p = p.saturating_mul(10);
    }
    html! {
        <svg class="hc-lab-chart" viewBox={format!("0 0 {} {}", f1(W), f1(H + 20.0))} role="img"
            aria-label="Cumulative work of each scheme over the ticks run, log scale" data-testid="lab-chart">
            { for grid.iter().map(|&g| {
                let y = f1(y_of(g, max));
                html! { <g class="hc-lab-grid">
                    <line x1={f1(LEFT).to_string()} x2={f1(W).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text x={f1(LEFT - 4.0).to_string()} y={y.to_string()} text-anchor="end">{ short(g) }</text>
                </g> }
            }) }
            <text class="hc-lab-axis" x={f1(LEFT).to_string()} y={f1(H + 16.0).to_string()}>{ "tick 0" }</text>
            <text class="hc-lab-axis" x={f1(W - 30.0).to_string()} y={f1(H + 16.0).to_string()} text-anchor="end">
                { format!("tick {}", lab.workload.ticks) }
            </text>
            { for lab.lanes.iter().enumerate().map(|(i, l)| {
                let pts = downsample(&l.history, 300);
                let d: String = pts
                    .iter()
                    .map(|&(t, v)| format!("{},{} ", f1(x_of(t)), f1(y_of(v, max))))
                    .collect();
                let (lt, lv) = pts.last().copied().unwrap_or((0, 0));
                html! {
                    <g class={format!("hc-lab-s{i}")} data-testid={format!("lab-line-{}", l.kind().name())}>
                        <title>{ format!("{}: {} steps", l.kind().title(), l.costs.total()) }</title>
                        <polyline points={d} fill="none" />
                        <text x={f1(x_of(lt) + 3.0).to_string()} y={f1(y_of(lv, max)).to_string()}>
                            { mark(l) }
                        </text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// A scheme's short mark on the charts: its number in the paper (2' for the delta list, L for
/// Linux), so that colour is never the only cue.
fn mark(l: &Lane) -> &'static str {
    use crate::lab::SchemeKind::*;
    match l.kind() {
        Unordered => "1",
        Ordered => "2",
        Delta => "2'",
        Heap => "3",
        SimpleWheel => "4",
        HashedSorted => "5",
        Callwheel => "6",
        Hierarchical => "7",
        Linux => "L",
    }
}

/// 1200 -> "1.2k", for axis labels.
fn short(v: u64) -> String {
    match v {
        0..=999 => v.to_string(),
        1000..=999_999 => format!("{}k", v / 1000),
        1_000_000..=999_999_999 => format!("{}M", v / 1_000_000),
        _ => format!("{}G", v / 1_000_000_000),
    }
}

/// Average work per call, or None without calls.
fn per(work: u64, calls: u64) -> Option<f64> {
    (calls > 0).then(|| work as f64 / calls as f64)
}

fn per_text(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |v| f1(v).to_string())
}

/// Average cost per start, stop and tick: three bars per scheme, log scale.
fn cost_bars(lab: &Lab) -> Html {
    let ticks = lab.now.max(1);
    let rows: Vec<(&Lane, [Option<f64>; 3])> = lab
        .lanes
        .iter()
        .map(|l| {
            (
                l,
                [
                    per(l.costs.start.total(), l.starts),
                    per(l.costs.stop.total(), l.stops),
                    per(l.costs.tick.total(), ticks),
                ],
            )
        })
        .collect();
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .fold(1.0, f64::max);
    let row_h = 38.0;
    let label_w = 150.0;
    let bar_w = |v: f64| {
        (js_sys::Math::log10(1.0 + v) / js_sys::Math::log10(1.0 + max)) * (W - label_w - 60.0)
    };
    html! {
        <svg class="hc-lab-bars" viewBox={format!("0 0 {} {}", f1(W), f1(row_h * rows.len() as f64 + 4.0))} role="img"
            aria-label="Average work per start, per stop and per tick, log scale" data-testid="lab-bars">
            { for rows.iter().enumerate().map(|(i, (l, v))| {
                let y0 = i as f64 * row_h;
                html! { <g class={format!("hc-lab-s{i}")}>
                    <text class="hc-lab-name" x="0" y={f1(y0 + 20.0).to_string()}>{ format!("{} {}", mark(l), l.kind().name()) }</text>
                    { for v.iter().enumerate().map(|(j, v)| {
                        let y = y0 + 2.0 + j as f64 * 11.0;
                        let w = v.map_or(0.0, bar_w);
                        html! { <>
                            <rect class={["hc-lab-bstart", "hc-lab-bstop", "hc-lab-btick"][j]} x={f1(label_w).to_string()} y={f1(y).to_string()}
                                width={f1(w).to_string()} height="8" />
                            <text class="hc-lab-val" x={f1(label_w + w + 3.0).to_string()} y={f1(y + 8.0).to_string()}>
                                { format!("{} {}", ["start", "stop", "tick"][j], per_text(*v)) }
                            </text>
                        </> }
                    }) }
                </g> }
            }) }
        </svg>
    }
}

/// The Linux wheel's fires by how late they were.
fn lateness(lab: &Lab) -> Html {
    let Some(l) = lab.lane(crate::lab::SchemeKind::Linux) else {
        return html! {};
    };
    let last = (0..LATE_CLASSES)
        .rev()
        .find(|&c| l.late_hist[c] > 0)
        .unwrap_or(0);
    let classes = last + 1;
    let max = l.late_hist.iter().copied().max().unwrap_or(0).max(1);
    let bw = ((W - 40.0) / classes.max(8) as f64).min(70.0);
    let hh = 120.0;
    if l.fires == 0 {
        return html! { <p class="hc-muted" data-testid="lab-hist">{ "No Linux timer has fired yet." }</p> };
    }
    html! {
        <svg class="hc-lab-hist" viewBox={format!("0 0 {} {}", f1(W), f1(hh + 36.0))} role="img"
            aria-label="Linux timers by how many ticks late they fired" data-testid="lab-hist">
            { for (0..classes).map(|c| {
                let n = l.late_hist[c];
                let h = n as f64 / max as f64 * hh;
                let x = 20.0 + c as f64 * bw;
                html! { <g>
                    <rect class="hc-lab-histbar" x={f1(x).to_string()} y={f1(hh - h + 14.0).to_string()}
                        width={f1(bw - 4.0).to_string()} height={f1(h).to_string()} />
                    <text class="hc-lab-val" x={f1(x).to_string()} y={f1(hh - h + 11.0).to_string()}>{ n }</text>
                    <text class="hc-lab-axis" x={f1(x).to_string()} y={f1(hh + 28.0).to_string()}>{ late_class_label(c) }</text>
                </g> }
            }) }
        </svg>
    }
}

/// The paper's costs beside the measured averages.
fn table(lab: &Lab) -> Html {
    let ticks = lab.now.max(1);
    html! {
        <table class="hc-lab-table" data-testid="lab-table">
            <thead>
                <tr>
                    <th scope="col">{ "scheme" }</th>
                    <th scope="col">{ "paper: start" }</th><th scope="col">{ "stop" }</th><th scope="col">{ "per tick" }</th>
                    <th scope="col">{ "measured: start" }</th><th scope="col">{ "stop" }</th><th scope="col">{ "per tick" }</th>
                    <th scope="col">{ "fires" }</th><th scope="col">{ "max late" }</th><th scope="col">{ "memory (B)" }</th>
                </tr>
            </thead>
            <tbody>
                { for lab.lanes.iter().enumerate().map(|(i, l)| {
                    let k = l.kind();
                    let [a, b, c] = k.complexity();
                    html! { <tr data-scheme={k.name()}>
                        <th scope="row" class={format!("hc-lab-key hc-lab-s{i}")} title={k.unit()}>{ k.title() }</th>
                        <td>{ a }</td><td>{ b }</td><td>{ c }</td>
                        <td>{ per_text(per(l.costs.start.total(), l.starts)) }</td>
                        <td>{ per_text(per(l.costs.stop.total(), l.stops)) }</td>
                        <td>{ per_text(per(l.costs.tick.total(), ticks)) }</td>
                        <td>{ l.fires }</td><td>{ l.max_late }</td><td>{ l.scheme.memory() }</td>
                    </tr> }
                }) }
            </tbody>
        </table>
    }
}

fn controls(st: &LabState, d: &UseReducerDispatcher<Model>) -> Html {
    let c: &LabConfig = &st.config;
    let act = |a: LabAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(a.clone()))
    };
    let on_workload = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            d.dispatch(LabAction::SetWorkload(
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let number = |make: fn(u64) -> LabAction| {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Ok(n) = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .trim()
                .parse::<u64>()
            {
                d.dispatch(make(n));
            }
        })
    };
    let current = c.workload.map_or("scenario", WorkloadKind::name);
    html! {
        <div class="hc-lab-controls">
            <label>{ "workload " }
                <select onchange={on_workload} data-testid="lab-workload">
                    { for WorkloadKind::ALL.iter().map(|k| html! {
                        <option value={k.name()} selected={current == k.name()} title={k.describe()}>{ k.name() }</option>
                    }) }
                    <option value="scenario" selected={current == "scenario"}>{ "the scenario's timeouts" }</option>
                </select>
            </label>
            <label>{ "timers " }
                <input type="number" min="1" max={UI_MAX_TIMERS.to_string()} value={c.timers.to_string()}
                    onchange={number(|n| LabAction::SetTimers(n.min(u32::MAX as u64) as u32))} data-testid="lab-timers" />
            </label>
            <label>{ "ticks " }
                <input type="number" min="1" max={UI_MAX_TICKS.to_string()} value={c.ticks.to_string()}
                    onchange={number(LabAction::SetTicks)} data-testid="lab-ticks" />
            </label>
            <label>{ "seed " }
                <input type="number" min="0" value={c.seed.to_string()} onchange={number(LabAction::SetSeed)} />
            </label>
            <span class="hc-lab-buttons">
                <button type="button" onclick={act(LabAction::Back)} disabled={st.lab.now == 0}>{ "◀ back" }</button>
                <button type="button" onclick={act(LabAction::Step(1))} data-testid="lab-step">{ "tick" }</button>
                <button type="button" onclick={act(LabAction::Step(10))}>{ "+10" }</button>
                <button type="button" onclick={act(LabAction::Step(256))}>{ "+256" }</button>
                if st.playing {
                    <button type="button" onclick={act(LabAction::Pause)} data-testid="lab-play">{ "pause" }</button>
                } else {
                    <button type="button" onclick={act(LabAction::Play)} data-testid="lab-play">{ "play" }</button>
                }
                <button type="button" onclick={act(LabAction::Reset)}>{ "reset" }</button>
            </span>
        </div>
    }
}

#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let model = {
        let src = props.scenario.clone();
        use_reducer(move || Model {
            cell: Rc::new(RefCell::new(LabState::new(LabConfig::default(), &src))),
            version: 0,
        })
    };
    {
        let d = model.dispatcher();
        use_effect_with(props.scenario.clone(), move |src| {
            d.dispatch(LabAction::SetScenario(src.to_string()))
        });
    }
    let playing = model.cell.borrow().playing;
    {
        let d = model.dispatcher();
        use_effect_with(playing, move |&playing| {
            let timer = playing
                .then(|| Interval::new(PLAY_ADVANCE_MS, move || d.dispatch(LabAction::Advance)));
            move || drop(timer)
        });
    }
    let st = model.cell.borrow();
    let lab = &st.lab;
    let d = model.dispatcher();
    html! {
        <section class="hc-panel hc-lab" aria-label="Scheme lab: every timer design on one workload" data-testid="lab">
            <h2>{ "Scheme lab: why a hierarchical wheel?" }</h2>
            { controls(&st, &d) }
            <p class="hc-lab-now">
                { "tick " }<b data-testid="lab-now">{ lab.now }</b>{ format!(" of {}", lab.workload.ticks) }
                { format!(" · workload {} · {} timers · {} calls", lab.workload.name, lab.workload.timers, lab.workload.ops.len()) }
            </p>
            if let Some(p) = &st.problem {
                <p class="hc-notice" role="status">{ p }</p>
            }
            <ul class="hc-lab-narration" aria-live="polite" data-testid="lab-narration">
                { for st.narration.iter().map(|s| html! { <li>{ s }</li> }) }
            </ul>
            <div class="hc-lab-grid2">
                <figure>
                    <figcaption>{ "Cumulative work (log scale)" }</figcaption>
                    { work_chart(lab) }
                </figure>
                <figure>
                    <figcaption>{ "Average cost per start, stop and tick (log scale)" }</figcaption>
                    { cost_bars(lab) }
                </figure>
                <figure>
                    <figcaption>{ "Linux wheel: fires by ticks late" }</figcaption>
                    { lateness(lab) }
                </figure>
            </div>
            { table(lab) }
            <details class="hc-lab-lesson">
                <summary>{ "Lesson: what to watch" }</summary>
                { for LESSON.iter().map(|(h, p)| html! { <><h3>{ *h }</h3><p>{ *p }</p></> }) }
                <p class="hc-muted">{ "Varghese & Lauck, \"Hashed and Hierarchical Timing Wheels\", SOSP 1987. The same numbers from the command line: hardclock-trace compare --workload tcp --timers 200 --ticks 10000 --format text" }</p>
            </details>
        </section>
    }
}
