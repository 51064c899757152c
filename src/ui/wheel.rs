//! The OpenBSD 4x256 wheel as SVG: wheel 0 is the outer ring, wheel 3 the inner one. One
//! element per bucket (never per timeout), filled when occupied and labelled with its count;
//! each ring's current position (`wheel_position(ticks, w)`, the bucket hardclock splices
//! next) is outlined and pointed at by a triangle; buckets spliced this tick are dashed. The
//! todo list sits beside it, and a table gives the same facts for screen readers.

use std::f64::consts::PI;
use std::sync::OnceLock;

use yew::prelude::*;

use super::app::Shared;
use super::state::Action;
use crate::kernel::openbsd::{wheel_position, WHEELCOUNT, WHEELSIZE};

#[derive(Properties, PartialEq)]
pub struct WheelProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

/// Outer and inner radius of each ring, wheel 0 first.
const RINGS: [(f64, f64); WHEELCOUNT] = [(100.0, 80.0), (75.0, 57.0), (52.0, 37.0), (32.0, 20.0)];

fn polar(r: f64, a: f64) -> (f64, f64) {
    (r * a.cos(), r * a.sin())
}

/// Angle of the start of bucket `b` (0 at twelve o'clock, clockwise).
fn angle(b: f64) -> f64 {
    b / WHEELSIZE as f64 * 2.0 * PI - PI / 2.0
}

/// An annular sector from bucket `b` to `b + 1` between radii `ro` and `ri`.
fn sector(ro: f64, ri: f64, b: usize, n: usize) -> String {
    let a0 = b as f64 / n as f64 * 2.0 * PI - PI / 2.0;
    let a1 = (b + 1) as f64 / n as f64 * 2.0 * PI - PI / 2.0;
    let (x0, y0) = polar(ro, a0);
    let (x1, y1) = polar(ro, a1);
    let (x2, y2) = polar(ri, a1);
    let (x3, y3) = polar(ri, a0);
    format!(
        "M{x0:.2} {y0:.2}A{ro} {ro} 0 0 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{ri} {ri} 0 0 0 {x3:.2} {y3:.2}Z"
    )
}

/// The 1024 bucket outlines, computed once.
fn paths() -> &'static [String] {
    static PATHS: OnceLock<Vec<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        (0..WHEELCOUNT)
            .flat_map(|w| (0..WHEELSIZE).map(move |b| sector(RINGS[w].0, RINGS[w].1, b, WHEELSIZE)))
            .collect()
    })
}

#[function_component(Wheel)]
pub fn wheel(props: &WheelProps) -> Html {
    let s = &props.state;
    let k = s.kernel();
    let to = &k.to;
    let ticks = k.clock.ticks;
    let spliced = s.spliced();
    let selected_place = s
        .selected
        .as_deref()
        .and_then(|n| to.get(n))
        .map(|v| v.place);
    let paths = paths();
    let mut buckets = Vec::with_capacity(WHEELCOUNT * WHEELSIZE);
    let mut labels = Vec::new();
    let mut occupied = Vec::new();
    for w in 0..WHEELCOUNT {
        let pos = wheel_position(ticks, w);
        for b in 0..WHEELSIZE {
            let n = to.bucket_len(w, b);
            let hot = spliced.contains(&(w, b));
            let sel = matches!(selected_place, Some(crate::kernel::openbsd::Place::Wheel { wheel, bucket })
                if wheel as usize == w && bucket as usize == b);
            let class = classes!(
                "hc-bucket",
                (n > 0).then_some("occ"),
                (b == pos).then_some("cur"),
                hot.then_some("hot"),
                sel.then_some("sel")
            );
            buckets.push(html! {
                <path d={paths[w * WHEELSIZE + b].clone()} {class}
                    data-wheel={w.to_string()} data-bucket={b.to_string()} data-count={n.to_string()} />
            });
            if n > 0 {
                let (ro, ri) = RINGS[w];
                let (x, y) = polar((ro + ri) / 2.0, angle(b as f64 + 0.5));
                labels.push(html! {
                    <text class="hc-count" x={format!("{x:.1}")} y={format!("{y:.1}")}>{ n }</text>
                });
                occupied.push((w, b, to.bucket(w, b).join(", ")));
            }
        }
    }
    let markers = (0..WHEELCOUNT).map(|w| {
        let pos = wheel_position(ticks, w);
        let a = angle(pos as f64 + 0.5);
        let r = RINGS[w].0;
        let (tx, ty) = polar(r + 0.5, a);
        let (lx, ly) = polar(r + 4.5, a - 0.05);
        let (rx, ry) = polar(r + 4.5, a + 0.05);
        html! {
            <path class="hc-marker" d={format!("M{tx:.2} {ty:.2}L{lx:.2} {ly:.2}L{rx:.2} {ry:.2}Z")}
                data-current={format!("{w}:{pos}")} />
        }
    });
    let todo = to.todo();
    let onselect = |name: String| {
        props
            .on_action
            .reform(move |_: MouseEvent| Action::Select(name.clone()))
    };
    html! {
        <section class="hc-panel hc-wheel" aria-labelledby="hc-wheel-h">
            <h2 id="hc-wheel-h">{ "OpenBSD timeout wheel (4 × 256 buckets)" }</h2>
            <div class="hc-wheel-body">
                <svg viewBox="-108 -108 216 216" role="img" class="hc-wheel-svg"
                    aria-label={format!("Timing wheel at ticks {ticks}; occupied buckets: {}", occupied.len())}>
                    { for buckets }
                    { for markers }
                    { for labels }
                    <text class="hc-center" x="0" y="-3">{ "ticks" }</text>
                    <text class="hc-center hc-center-n" x="0" y="8">{ ticks }</text>
                </svg>
                <div class="hc-wheel-side">
                    <h3>{ "current position" }</h3>
                    <ul class="hc-positions" data-testid="positions">
                        { for (0..WHEELCOUNT).map(|w| html! {
                            <li>{ "▼ wheel " }{ w }{ ": bucket " }<code>{ format!("{:#04x}", wheel_position(ticks, w)) }</code></li>
                        }) }
                    </ul>
                    <h3 id="hc-todo-h">{ "timeout_todo" }</h3>
                    if todo.is_empty() {
                        <p class="hc-muted" data-testid="todo">{ "empty" }</p>
                    } else {
                        <ol class="hc-todo" data-testid="todo" aria-labelledby="hc-todo-h">
                            { for todo.iter().map(|n| html! {
                                <li><button type="button" class="hc-link" onclick={onselect(n.to_string())}>{ *n }</button></li>
                            }) }
                        </ol>
                    }
                    if !spliced.is_empty() {
                        <p class="hc-spliced">{ "spliced this tick: " }
                            { spliced.iter().map(|(w, b)| format!("wheel {w} bucket {b:#04x}")).collect::<Vec<_>>().join(", ") }
                        </p>
                    }
                    <p class="hc-legend"><span class="hc-swatch occ"></span>{ " occupied (count) " }
                        <span class="hc-swatch cur"></span>{ " current " }
                        <span class="hc-swatch hot"></span>{ " spliced this tick" }</p>
                </div>
            </div>
            <details class="hc-table-alt">
                <summary>{ "Wheel as a table" }</summary>
                if occupied.is_empty() {
                    <p>{ "Every bucket is empty." }</p>
                } else {
                    <table data-testid="wheel-table">
                        <thead><tr><th scope="col">{ "wheel" }</th><th scope="col">{ "bucket" }</th><th scope="col">{ "timeouts, head first" }</th></tr></thead>
                        <tbody>
                            { for occupied.into_iter().map(|(w, b, names)| html! {
                                <tr><td>{ w }</td><td>{ format!("{b:#04x}") }</td><td>{ names }</td></tr>
                            }) }
                        </tbody>
                    </table>
                }
            </details>
        </section>
    }
}
