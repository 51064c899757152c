//! `netstat -rn` per FIB, the entries in `rttrash` (deleted but still referenced), and the
//! routing socket messages (`route monitor`). A route chosen in the rt_timer view is
//! highlighted here.

use yew::prelude::*;

use super::markup::{head_row, muted};
use super::rttimer::{linked, route_key};
use super::state::{Action, State};
use crate::kernel::route::{netstat, rttrash_list, RouteEvent};
use crate::kernel::EventKind;

/// Routing socket messages shown (newest first).
const RTM_SHOWN: usize = 40;

/// A function, not a component, like [`super::routine::routine_view`]: no hooks, and the
/// state it shows changes with every action.
pub fn routes(state: &State, on_action: &Callback<Action>) -> Html {
    let k = state.kernel();
    let now = k.clock.time_uptime();
    let fibs: Vec<(u32, Vec<_>)> = (0..k.rt.numfibs).map(|f| (f, netstat(k, f))).collect();
    let trash = rttrash_list(k);
    let rtm = &k.rt.rtm;
    let empty = fibs.iter().all(|(_, r)| r.is_empty()) && trash.is_empty() && rtm.is_empty();
    let unlight = on_action.reform(|_: MouseEvent| Action::Light(None));
    let select = |id: u32| {
        let key = route_key(id);
        on_action.reform(move |_: MouseEvent| Action::Select(key.clone()))
    };
    let light = |id: u32| {
        let key = route_key(id);
        on_action.reform(move |_: MouseEvent| Action::Light(Some(key.clone())))
    };
    // Routes the latest step took out of the table: their row stays one step, struck out, so
    // that the eye sees the route leave (and where its reference went).
    let gone: Vec<(u32, String, u32, i32)> = state
        .revealed()
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted {
                id,
                name,
                fib,
                refcnt,
            }) => Some((*id, name.clone(), *fib, *refcnt)),
            _ => None,
        })
        .collect();
    html! {
        <section class="hc-panel hc-routes" aria-labelledby="hc-routes-h">
            <h2 id="hc-routes-h">{ "Routing tables (netstat -rn)" }</h2>
            if empty {
                { muted("No routes yet: route_add(10.0.0.0/8, 192.168.1.1) adds one.") }
            } else {
                { for fibs.into_iter().filter(|(f, r)| !r.is_empty() || gone.iter().any(|g| g.2 == *f)).map(|(fib, rows)| html! {
                    <div class="hc-scroll">
                    <table data-testid="netstat" data-fib={fib.to_string()}>
                        <caption>{ format!("Internet, FIB {fib}") }</caption>
                        { head_row(&["Destination", "Gateway", "Flags", "Refs", "Use", "Mtu", "Expire"]) }
                        <tbody>
                            { for rows.into_iter().map(|r| {
                                let is_sel = linked(state, &route_key(r.id));
                                html! {
                                <tr data-testid="route-row" data-dst={r.destination.clone()} data-route={route_key(r.id)}
                                    data-linked={(r.timers > 0).then_some("rt_timer")}
                                    class={classes!(is_sel.then_some("sel"), (r.timers > 0).then_some("linked"))} aria-selected={is_sel.to_string()}
                                    onmouseenter={light(r.id)} onmouseleave={unlight.clone()}>
                                    <th scope="row"><button type="button" class="hc-link" onclick={select(r.id)}>{ r.destination }</button></th>
                                    <td>{ r.gateway }</td><td>{ r.flags }</td>
                                    <td>{ r.refs }</td><td>{ r.use_count }</td>
                                    <td>{ if r.mtu == 0 { String::new() } else { r.mtu.to_string() } }</td>
                                    <td>{ r.expire.map_or(String::new(), |e| (e - now).to_string()) }</td>
                                </tr>
                            }}) }
                            { for gone.iter().filter(|g| g.2 == fib).map(|(id, name, _, refcnt)| html! {
                                <tr class="hc-gone" data-testid="route-gone" data-route={route_key(*id)}>
                                    <th scope="row"><del>{ name }</del></th>
                                    <td colspan="6">{ format!("deleted (RTM_DELETE); {}", if *refcnt > 0 {
                                        format!("still referenced ({refcnt}): waits in rttrash")
                                    } else { "freed".to_string() }) }</td>
                                </tr>
                            }) }
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
