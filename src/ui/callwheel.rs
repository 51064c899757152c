//! The FreeBSD callwheel: `callwheelsize` buckets in a ring, one wedge per occupied bucket
//! (so a large wheel stays cheap to draw), the scan cursor at `softticks`, the entries with
//! their `c_time` (those of a later lap are marked: softclock skips them), and `callfree`.

use std::f64::consts::PI;

use yew::prelude::*;

use super::app::Shared;
use crate::kernel::freebsd::view::handles;

#[derive(Properties, PartialEq)]
pub struct CallwheelProps {
    pub state: Shared,
}

fn polar(r: f64, a: f64) -> (f64, f64) {
    (r * a.cos(), r * a.sin())
}

fn wedge(b: u32, size: u32) -> String {
    let step = 2.0 * PI / size as f64;
    // Very large wheels would give invisible slivers: never draw a wedge under ~1 degree.
    let width = step.max(0.018);
    let a0 = b as f64 * step - PI / 2.0;
    let a1 = a0 + width;
    let (ro, ri) = (96.0, 66.0);
    let (x0, y0) = polar(ro, a0);
    let (x1, y1) = polar(ro, a1);
    let (x2, y2) = polar(ri, a1);
    let (x3, y3) = polar(ri, a0);
    format!("M{x0:.2} {y0:.2}A{ro} {ro} 0 0 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{ri} {ri} 0 0 0 {x3:.2} {y3:.2}Z")
}

#[function_component(Callwheel)]
pub fn callwheel(props: &CallwheelProps) -> Html {
    let k = props.state.kernel();
    let co = &k.co;
    let occupied = co.occupied_buckets();
    let free = co.free_list();
    let hs = handles(k);
    if !co.allocated && occupied.is_empty() {
        return html! {
            <section class="hc-panel hc-callwheel" aria-labelledby="hc-cw-h">
                <h2 id="hc-cw-h">{ "FreeBSD callwheel" }</h2>
                <p class="hc-muted">{ "Not allocated yet: the first callout_init, callout_reset or timeout() call sizes it from ncallout." }</p>
            </section>
        };
    }
    let size = co.callwheelsize().max(1);
    let ticks = k.clock.ticks;
    // The timer chosen in the table, named as the table names it.
    let selected = props.state.selected.clone().unwrap_or_default();
    let is_sel = |name: &str, id| {
        !selected.is_empty() && (selected == name || selected == format!("callout #{id}"))
    };
    let cursor = (co.softticks() as u32) & (size - 1);
    let a = (cursor as f64 + 0.5) * 2.0 * PI / size as f64 - PI / 2.0;
    let (cx0, cy0) = polar(60.0, a);
    let (cx1, cy1) = polar(102.0, a);
    html! {
        <section class="hc-panel hc-callwheel" aria-labelledby="hc-cw-h">
            <h2 id="hc-cw-h">{ format!("FreeBSD callwheel ({size} buckets)") }</h2>
            <div class="hc-wheel-body">
                <svg viewBox="-108 -108 216 216" role="img" class="hc-cw-svg"
                    aria-label={format!("Callwheel of {size} buckets; {} occupied; softticks {}", occupied.len(), co.softticks())}>
                    <circle class="hc-cw-ring" r="81" cx="0" cy="0" />
                    { for occupied.iter().map(|(b, cs)| html! {
                        <path class={classes!("hc-bucket", "occ", cs.iter().any(|c| is_sel(&c.name, c.id)).then_some("sel"))} d={wedge(*b, size)} data-cw-bucket={b.to_string()} data-count={cs.len().to_string()}>
                            <title>{ format!("bucket {b}: {}", cs.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ")) }</title>
                        </path>
                    }) }
                    <line class="hc-cursor" x1={format!("{cx0:.2}")} y1={format!("{cy0:.2}")} x2={format!("{cx1:.2}")} y2={format!("{cy1:.2}")} />
                    <text class="hc-center" x="0" y="-3">{ "softticks" }</text>
                    <text class="hc-center hc-center-n" x="0" y="8">{ co.softticks() }</text>
                </svg>
                <div class="hc-wheel-side">
                    <p>{ "scan cursor: bucket " }<code data-testid="softticks">{ cursor }</code>{ format!(" (softticks {} & {})", co.softticks(), size - 1) }</p>
                    if occupied.is_empty() {
                        <p class="hc-muted">{ "Every bucket is empty." }</p>
                    } else {
                        <table>
                            <thead><tr><th scope="col">{ "bucket" }</th><th scope="col">{ "callouts (c_time)" }</th></tr></thead>
                            <tbody>
                                { for occupied.iter().map(|(b, cs)| html! {
                                    <tr><td>{ b }</td><td>
                                        { for cs.iter().map(|c| {
                                            let lap = (c.c_time as i64 - ticks as i64) >= size as i64;
                                            let sel = is_sel(&c.name, c.id);
                                            html! { <span class={classes!("hc-entry", lap.then_some("lap"), sel.then_some("sel"))}
                                                aria-current={sel.then_some("true")}>
                                                { format!("{} ({})", if c.name.is_empty() { format!("#{}", c.id) } else { c.name.clone() }, c.c_time) }
                                                if lap { <em>{ " later lap: skipped" }</em> }
                                            </span> }
                                        }) }
                                    </td></tr>
                                }) }
                            </tbody>
                        </table>
                    }
                    <p>{ format!("callfree: {} free", free.len()) }
                        if !free.is_empty() {
                            { " (head first: " }<code>{ free.iter().take(12).map(|i| i.to_string()).collect::<Vec<_>>().join(", ") }{ if free.len() > 12 { ", …" } else { "" } }</code>{ ")" }
                        }
                    </p>
                    if !hs.is_empty() {
                        <p>{ "handles: " }
                            { hs.iter().map(|(n, slot)| match slot { Some(s) => format!("{n} → callout #{s}"), None => format!("{n} → NULL") }).collect::<Vec<_>>().join(", ") }
                        </p>
                    }
                </div>
            </div>
        </section>
    }
}
