//! NetBSD rt_timer(9): one lane per queue in the order the 1 Hz scanner visits them (newest
//! first), each entry with its route, function, `rtt_time` and the uptime second whose scan
//! takes it; the uptime and the scanner's next tick are marked. A scan takes an entry only
//! when `rtt_time + rtq_timeout < time_uptime` (strictly), so its expiry second is
//! `rtt_time + rtq_timeout + 1`.

use yew::prelude::*;

use super::markup::muted;
use super::state::{Action, State};
use crate::kernel::rttimer::{queues, scanner_next_tick};

/// The selection key of a route, shared with the route table ("rt#3").
pub fn route_key(id: u32) -> String {
    format!("rt#{id}")
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
    let selected = s.selected.clone();
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
                                    let is_sel = selected.as_deref() == Some(key.as_str());
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
        </section>
    }
}
