//! NetBSD rt_timer(9): one lane per queue in the order the 1 Hz scanner visits them (newest
//! first), each entry with its route, function, `rtt_time` and the uptime second whose scan
//! takes it; the uptime and the scanner's next tick are marked. A scan takes an entry only
//! when `rtt_time + rtq_timeout < time_uptime` (strictly), so its expiry second is
//! `rtt_time + rtq_timeout + 1`.

use yew::prelude::*;

use super::markup::muted;
use super::state::{Action, State};
use std::fmt::Write;

use web_sys::Element;

use super::svg::{esc, f1};
use crate::kernel::calls::rttimer::{queues, scanner_next_tick};
use crate::kernel::rttimer::QueueView;
use crate::kernel::Kernel;

/// The selection key of a route, shared with the route table ("rt#3").
pub fn route_key(id: u32) -> String {
    format!("rt#{id}")
}

/// Whether the route with this key is selected or under the pointer (its partner lights up).
pub fn linked(s: &State, key: &str) -> bool {
    s.selected.as_deref() == Some(key) || s.lit.as_deref() == Some(key)
}

/// Entries drawn per lane on the time axis (the list below has them all).
const DRAWN: usize = 12;
/// The axis: lane labels left of `X0`, seconds from `X0` to `X1`.
const X0: f64 = 110.0;
const X1: f64 = 590.0;
/// Height of one entry's row.
const ROW: usize = 28;

/// The queues on a time axis in seconds of `time_uptime`: one lane per queue, each entry a bar
/// from its `rtt_time` to the scan that takes it, the scanner's coming 1 Hz scans as ticks on
/// the axis, and now as a line. Clicking an entry selects its route (the table marks it);
/// resting the pointer on one lights its route up.
///
/// The picture is written as SVG text ([`Html::from_html_unchecked`], every name escaped) with
/// one listener on the whole: `html!` code for each of its elements would cost the bundle
/// several kilobytes.
fn axis(s: &State, k: &Kernel, lanes: &[QueueView], on_action: &Callback<Action>) -> Html {
    let hz = i64::from(k.clock.hz.max(1));
    let now = k.clock.elapsed as f64 / hz as f64;
    let last = lanes
        .iter()
        .flat_map(|q| q.entries.iter().map(|t| t.expiry_second))
        .max()
        .unwrap_or(0);
    let hi = (last.max(now as i64) + 2).max(8);
    let x = |sec: f64| f1(X0 + sec * (X1 - X0) / hi as f64);
    // Where a scan at `tick` sits: its hardclocks since boot over hz.
    let at_tick = |tick: i32| {
        (k.clock.elapsed as i64 + i64::from(tick.wrapping_sub(k.clock.ticks))) as f64 / hz as f64
    };
    let rows: Vec<usize> = lanes
        .iter()
        .map(|q| q.entries.len().clamp(1, DRAWN))
        .collect();
    let height = rows.iter().map(|r| r * ROW + 16).sum::<usize>() + 30;
    let ay = height - 22;
    let mut o = String::new();
    let mut top = 0;
    for (q, &n) in lanes.iter().zip(&rows) {
        let _ = write!(
            o,
            r#"<rect class="hc-rtt-band" x="0" y="{top}" width="600" height="{}"/><text class="hc-rtt-q" x="4" y="{}">{}</text><text class="hc-rtt-q hc-muted" x="4" y="{}">{} s</text>"#,
            n * ROW + 10,
            top + 16,
            esc(q.name.split(' ').next().unwrap_or("")),
            top + 30,
            q.rtq_timeout
        );
        for (i, t) in q.entries.iter().take(DRAWN).enumerate() {
            let key = route_key(t.route);
            let ey = top + 20 + i * ROW;
            // The entry leaves at the scan that takes it: at that scan's tick when the scanner
            // is armed, else at the start of its expiry second.
            let (x0, x1) = (
                x(t.rtt_time as f64),
                x(t.expiry_tick.map_or(t.expiry_second as f64, at_tick)),
            );
            let _ = write!(
                o,
                r#"<g class="hc-rtt-bar{}" data-testid="rtt-chip" data-route="{key}"><title>{} ({}): rtt_time {}, taken by the scan of second {}</title><line x1="{x0}" x2="{x1}" y1="{ey}" y2="{ey}"/><circle cx="{x1}" cy="{ey}" r="4"/><text x="{x0}" y="{}">{} · expires in the scan of second {}</text></g>"#,
                if linked(s, &key) { " sel" } else { "" },
                esc(&t.dst),
                esc(&t.func),
                t.rtt_time,
                t.expiry_second,
                ey - 6,
                esc(&t.dst),
                t.expiry_second
            );
        }
        top += n * ROW + 16;
    }
    let _ = write!(
        o,
        r#"<line class="hc-rtt-base" x1="{}" x2="{}" y1="{ay}" y2="{ay}"/>"#,
        f1(X0),
        f1(X1)
    );
    let every = (hi / 12).max(1);
    for sec in 0..=hi {
        let sx = x(sec as f64);
        let _ = write!(
            o,
            r#"<line class="hc-rtt-sec" x1="{sx}" x2="{sx}" y1="{ay}" y2="{}"/>"#,
            ay + 4
        );
        if sec % every == 0 {
            let _ = write!(
                o,
                r#"<text class="hc-rtt-lbl" x="{sx}" y="{}">{sec}</text>"#,
                ay + 14
            );
        }
    }
    // The scanner's next fire, in hardclocks since boot, then every hz.
    if let Some(next) = scanner_next_tick(k).map(at_tick) {
        let mut sec = next;
        while sec <= hi as f64 {
            let _ = write!(
                o,
                r#"<path class="hc-rtt-scan{}" data-testid="rtt-scan" d="M{} {ay}l-3 -6h6z"><title>rt_timer_timer scans</title></path>"#,
                if sec == next { " next" } else { "" },
                x(sec)
            );
            sec += 1.0;
        }
    }
    let _ = write!(
        o,
        r#"<line class="hc-rtt-now" x1="{0}" x2="{0}" y1="0" y2="{1}"/><text class="hc-rtt-lbl" x="{0}" y="{2}">now</text>"#,
        x(now),
        ay + 4,
        height - 1
    );
    // The entry under the pointer or clicked, by its route key.
    let key = |e: &MouseEvent| {
        e.target_dyn_into::<Element>()
            .and_then(|t| t.closest("[data-route]").ok().flatten())
            .and_then(|g| g.get_attribute("data-route"))
    };
    let onclick = on_action.reform(move |e: MouseEvent| match key(&e) {
        Some(k) => Action::Select(k),
        None => Action::Light(None),
    });
    let onmouseover = {
        let (cb, lit) = (on_action.clone(), s.lit.clone());
        Callback::from(move |e: MouseEvent| {
            let k = key(&e);
            if k != lit {
                cb.emit(Action::Light(k))
            }
        })
    };
    let onmouseleave = on_action.reform(|_| Action::Light(None));
    html! {
        <svg class="hc-rtt-axis" viewBox={format!("0 0 600 {height}")} role="img" data-testid="rtt-axis"
            aria-label={format!("rt_timer queues on a time axis, seconds 0 to {hi}; now {} s", f1(now))}
            {onclick} {onmouseover} {onmouseleave}>
            { Html::from_html_unchecked(o.into()) }
        </svg>
    }
}

/// A function, not a component, like [`super::routine::routine_view`]: no hooks, and the
/// state it shows changes with every action.
pub fn rt_timer(s: &State, on_action: &Callback<Action>) -> Html {
    let k = s.kernel();
    let lanes = queues(k);
    if lanes.is_empty() && scanner_next_tick(k).is_none() {
        return html! {
            <section class="hc-panel hc-rttimer" aria-labelledby="hc-rtt-h" data-testid="rttimer">
                <h2 id="hc-rtt-h">{ "rt_timer queues (NetBSD)" }</h2>
                { muted("No rt_timer queue yet: q = rt_timer_queue_create(600) makes one, icmp_mtudisc(10.9.8.7, 1400) uses ip_mtudisc_timeout_q.") }
            </section>
        };
    }
    let uptime = k.clock.time_uptime();
    let next = scanner_next_tick(k);
    let to_go = next.map(|t| t.wrapping_sub(k.clock.ticks));
    html! {
        <section class="hc-panel hc-rttimer" aria-labelledby="hc-rtt-h" data-testid="rttimer">
            <h2 id="hc-rtt-h">{ "rt_timer queues (NetBSD)" }</h2>
            <p class="hc-rtt-clock">
                { "time_uptime " }<strong data-testid="uptime">{ format!("{uptime} s") }</strong>
                { " · next 1 Hz scan (rt_timer_timer): " }
                <strong data-testid="next-scan">{ match (next, to_go) {
                    (Some(t), Some(n)) => format!("tick {t} (in {n} ticks)"),
                    _ => "not armed".to_string(),
                } }</strong>
            </p>
            // On a phone the axis keeps a readable size and scrolls inside the panel.
            <div class="hc-scroll">{ axis(s, k, &lanes, on_action) }</div>
            <details class="hc-table-alt">
            <summary>{ "Queues as a list" }</summary>
            <ol class="hc-lanes" aria-label="Queues in scan order">
                { for lanes.into_iter().map(|q| html! {
                    <li class="hc-lane" data-testid="rtt-lane" data-queue={q.id.to_string()} data-count={q.count.to_string()}>
                        <h3>{ &q.name }
                            <span class="hc-muted">{ format!(" rtq_timeout {} s · rtq_count {}", q.rtq_timeout, q.count) }</span>
                        </h3>
                        if q.entries.is_empty() {
                            { muted("empty") }
                        } else {
                            <ol class="hc-lane-entries">
                                { for q.entries.into_iter().map(|t| {
                                    let key = route_key(t.route);
                                    let is_sel = linked(s, &key);
                                    let left = t.expiry_second - uptime;
                                    let onclick = on_action.reform(move |_: MouseEvent| Action::Select(key.clone()));
                                    html! {
                                        <li class={classes!("hc-rtt-entry", is_sel.then_some("sel"))} data-testid="rtt-entry"
                                            data-dst={t.dst.clone()} aria-current={is_sel.then_some("true")}>
                                            <button type="button" class="hc-link" {onclick}
                                                title="Highlight this route in the route table">{ &t.dst }</button>
                                            { " " }<code>{ &t.func }</code>
                                            { format!(" · rtt_time {} · expires in the scan of second {}", t.rtt_time, t.expiry_second) }
                                            if let Some(tick) = t.expiry_tick {
                                                { format!(" (tick {tick})") }
                                            }
                                            <span class="hc-muted">{ format!(" · {} s to go", left.max(0)) }</span>
                                        </li>
                                    }
                                }) }
                            </ol>
                        }
                    </li>
                }) }
            </ol>
            </details>
        </section>
    }
}
