//! `netstat -rn` per FIB, the entries in `rttrash` (deleted but still referenced), and the
//! routing socket messages (`route monitor`). A route chosen in the rt_timer view is
//! highlighted here.

use yew::prelude::*;

use super::markup::{head_row, muted};
use super::rttimer::route_key;
use super::state::{Action, State};
use crate::kernel::route::{netstat, rttrash_list};

/// Routing socket messages shown (newest first).
const RTM_SHOWN: usize = 40;

/// The Expire column, seconds from now as `netstat -rn` prints them: FreeBSD's `rmx_expire`
/// when `in_clsroute` has set it (the route waits for `in_rtqtimo`), else the scan second of
/// the route's first NetBSD rt_timer. The title says which. An overdue `rmx_expire` is shown
/// negative (netstat prints nothing then) so that the wait for `in_rtqtimo` can be seen.
fn expire_cell(rmx_expire: Option<i64>, rt_timer: Option<i64>, now: i64) -> Html {
    let (text, title) = match (rmx_expire, rt_timer) {
        (Some(e), _) => (
            (e - now).to_string(),
            "rmx_expire, set by in_clsroute at the last RTFREE: in_rtqtimo deletes the route at its first run after it",
        ),
        (None, Some(e)) => (
            (e - now).to_string(),
            "the rt_timer scan that takes the route's first timer",
        ),
        (None, None) => (String::new(), ""),
    };
    html! { <td title={title}>{ text }</td> }
}

/// A function, not a component, like [`super::routine::routine_view`]: no hooks, and the
/// state it shows changes with every action.
pub fn routes(state: &State, on_action: &Callback<Action>) -> Html {
    let k = state.kernel();
    let now = k.clock.time_uptime();
    let fibs: Vec<(u32, Vec<_>)> = (0..k.rt.numfibs).map(|f| (f, netstat(k, f))).collect();
    let trash = rttrash_list(k);
    let rtm = &k.rt.rtm;
    let empty = fibs.iter().all(|(_, r)| r.is_empty()) && trash.is_empty() && rtm.is_empty();
    let selected = state.selected.clone();
    let select = |id: u32| {
        let key = route_key(id);
        on_action.reform(move |_: MouseEvent| Action::Select(key.clone()))
    };
    html! {
        <section class="hc-panel hc-routes" aria-labelledby="hc-routes-h">
            <h2 id="hc-routes-h">{ "Routing tables (netstat -rn)" }</h2>
            if empty {
                { muted("No routes yet: route_add(10.0.0.0/8, 192.168.1.1) adds one.") }
            } else {
                { for fibs.into_iter().filter(|(_, r)| !r.is_empty()).map(|(fib, rows)| html! {
                    <div class="hc-scroll">
                    <table data-testid="netstat" data-fib={fib.to_string()}>
                        <caption>{ format!("Internet, FIB {fib}") }</caption>
                        { head_row(&["Destination", "Gateway", "Flags", "Refs", "Use", "Mtu", "Expire"]) }
                        <tbody>
                            { for rows.into_iter().map(|r| {
                                let is_sel = selected.as_deref() == Some(route_key(r.id).as_str());
                                html! {
                                <tr data-testid="route-row" data-dst={r.destination.clone()}
                                    class={classes!(is_sel.then_some("sel"))} aria-selected={is_sel.to_string()}>
                                    <th scope="row"><button type="button" class="hc-link" onclick={select(r.id)}>{ r.destination }</button></th>
                                    <td>{ r.gateway }</td><td>{ r.flags }</td>
                                    <td>{ r.refs }</td><td>{ r.use_count }</td>
                                    <td>{ if r.mtu == 0 { String::new() } else { r.mtu.to_string() } }</td>
                                    { expire_cell(r.rmx_expire, r.expire, now) }
                                </tr>
                            }}) }
                        </tbody>
                    </table>
                    </div>
                }) }
                <h3>{ format!("rttrash: {}", trash.len()) }</h3>
                if trash.is_empty() {
                    { muted("No deleted route is still referenced.") }
                } else {
                    <table data-testid="rttrash">
                        <caption>{ "Deleted from the tree (RTF_UP clear) but still referenced: freed by the last RTFREE" }</caption>
                        { head_row(&["route", "refcnt"]) }
                        <tbody>
                            { for trash.iter().map(|e| html! {
                                <tr data-testid="rttrash-row"><td>{ e.name() }</td><td>{ e.refcnt }</td></tr>
                            }) }
                        </tbody>
                    </table>
                }
                <h3 id="hc-rtm-h">{ "Routing socket (route monitor)" }</h3>
                if rtm.is_empty() {
                    { muted("No message yet.") }
                } else {
                    <ol class="hc-rtm" data-testid="rtm-log" aria-labelledby="hc-rtm-h" reversed=true>
                        { for rtm.iter().rev().take(RTM_SHOWN).map(|m| html! {
                            <li data-rtm={m.kind.as_str()}>
                                <span class="hc-tick">{ format!("[{}]", m.tick) }</span>{ " " }
                                <code>{ m.kind.as_str() }</code>{ format!(" {} fib {}", m.dst, m.fib) }
                            </li>
                        }) }
                    </ol>
                }
            }
        </section>
    }
}
