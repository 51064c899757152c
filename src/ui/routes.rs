//! `netstat -rn` per FIB, the entries in `rttrash` (deleted but still referenced), and the
//! routing socket messages (`route monitor`). A route chosen in the rt_timer view is
//! highlighted here.

use std::fmt::Write;

use yew::prelude::*;

use super::markup::{head_row, muted};
use super::rttimer::{linked, route_key};
use super::state::{route_ids, Action, State, ROUTE_ROWS};
use super::svg::esc;

use crate::kernel::calls::route::netstat_row_of;
use crate::kernel::route::RouteEvent;

use crate::kernel::EventKind;
use crate::kernel::Kernel;

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

/// `rttrash` and the routing socket's messages, as markup text (they have no controls, and
/// `html!` code per element costs the bundle).
fn trash_and_rtm(k: &Kernel) -> String {
    let trash = k.rt.rttrash_list();
    let mut o = String::new();
    let _ = write!(o, "<h3>rttrash: {}</h3>", trash.len());
    if trash.is_empty() {
        o.push_str(r#"<p class="hc-muted">No deleted route is still referenced.</p>"#);
    } else {
        o.push_str(r#"<table data-testid="rttrash"><caption>Deleted from the tree (RTF_UP clear) but still referenced: freed by the last RTFREE</caption><thead><tr><th scope="col">route</th><th scope="col">refcnt</th></tr></thead><tbody>"#);
        for e in &trash {
            let _ = write!(
                o,
                r#"<tr data-testid="rttrash-row"><td>{}</td><td>{}</td></tr>"#,
                esc(&e.name()),
                e.refcnt
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str(r#"<h3 id="hc-rtm-h">Routing socket (route monitor)</h3>"#);
    let rtm = &k.rt.rtm;
    if rtm.is_empty() {
        o.push_str(r#"<p class="hc-muted">No message yet.</p>"#);
    } else {
        o.push_str(
            r#"<ol class="hc-rtm" data-testid="rtm-log" aria-labelledby="hc-rtm-h" reversed="">"#,
        );
        for m in rtm.iter().rev().take(RTM_SHOWN) {
            let _ = write!(
                o,
                r#"<li data-rtm="{0}"><span class="hc-tick">[{1}]</span> <code>{0}</code> {2} fib {3}</li>"#,
                m.kind.as_str(),
                m.tick,
                esc(&m.dst.to_string()),
                m.fib
            );
        }
        o.push_str("</ol>");
    }
    o
}

/// A function, not a component, like [`super::routine::routine_view`]: no hooks, and the
/// state it shows changes with every action.
pub fn routes(state: &State, on_action: &Callback<Action>) -> Html {
    let k = state.kernel();
    let now = k.clock.time_uptime();
    let fibs: Vec<(u32, Vec<u32>)> = (0..k.rt.numfibs).map(|f| (f, route_ids(k, f))).collect();
    let trash = k.rt.rttrash_list();
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
                ..
            }) => Some((*id, name.clone(), *fib, *refcnt)),
            _ => None,
        })
        .collect();
    // A page of each table: the rows before and after it are never built into the page (an
    // imported table has thousands), and the pager says how many there are.
    let pager = |fib: u32, first: usize, total: usize| {
        let to = |first: usize, label: &'static str, name: &'static str, disabled: bool| {
            let onclick = on_action.reform(move |_: MouseEvent| Action::RoutePage(first));
            html! { <button type="button" data-route-page={name} {onclick} {disabled}>{ label }</button> }
        };
        let last = (first + ROUTE_ROWS).min(total);
        let end = total.saturating_sub(1) / ROUTE_ROWS * ROUTE_ROWS;
        html! {
            <nav class="hc-row hc-pager" aria-label={format!("FIB {fib} route table pages")}>
                { to(0, "« first", "first", first == 0) }
                { to(first.saturating_sub(ROUTE_ROWS), "◀ previous", "prev", first == 0) }
                <span data-testid="routes-count">{ format!("routes {}–{last} of {total}", first + 1) }</span>
                { to(first + ROUTE_ROWS, "next ▶", "next", last >= total) }
                { to(end, "last »", "last", last >= total) }
            </nav>
        }
    };
    html! {
        <section class="hc-panel hc-routes" aria-labelledby="hc-routes-h">
            <h2 id="hc-routes-h">{ "Routing tables (netstat -rn)" }</h2>
            if empty {
                { muted("No routes yet: route_add(10.0.0.0/8, 192.168.1.1) adds one.") }
            } else {
                { for fibs.into_iter().filter(|(f, r)| !r.is_empty() || gone.iter().any(|g| g.2 == *f)).map(|(fib, rows)| {
                    let total = rows.len();
                    let first = if state.route_first < total {
                        state.route_first
                    } else {
                        total.saturating_sub(1) / ROUTE_ROWS * ROUTE_ROWS
                    };
                    html! {
                    <div class="hc-scroll">
                    if total > ROUTE_ROWS { { pager(fib, first, total) } }
                    <table data-testid="netstat" data-fib={fib.to_string()}>
                        <caption>{ format!("Internet, FIB {fib}") }</caption>
                        { head_row(&["Destination", "Gateway", "Flags", "Refs", "Use", "Mtu", "Expire"]) }
                        <tbody>
                            { for rows.iter().skip(first).take(ROUTE_ROWS).filter_map(|&id| k.rt.entries.get(id as usize)).map(|e| netstat_row_of(k, e)).map(|r| {
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
                                    { expire_cell(r.rmx_expire, r.expire, now) }
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
                }}) }
                { Html::from_html_unchecked(trash_and_rtm(k).into()) }
            }
        </section>
    }
}
