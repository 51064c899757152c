//! `netstat -rn` per FIB, and the entries in `rttrash` (deleted but still referenced).

use yew::prelude::*;

use super::app::Shared;
use crate::kernel::route::{netstat, rttrash_list};

#[derive(Properties, PartialEq)]
pub struct RoutesProps {
    pub state: Shared,
}

#[function_component(Routes)]
pub fn routes(props: &RoutesProps) -> Html {
    let k = props.state.kernel();
    let now = k.clock.time_uptime();
    let fibs: Vec<(u32, Vec<_>)> = (0..k.rt.numfibs).map(|f| (f, netstat(k, f))).collect();
    let trash = rttrash_list(k);
    let empty = fibs.iter().all(|(_, r)| r.is_empty()) && trash.is_empty();
    html! {
        <section class="hc-panel hc-routes" aria-labelledby="hc-routes-h">
            <h2 id="hc-routes-h">{ "Routing tables (netstat -rn)" }</h2>
            if empty {
                <p class="hc-muted">{ "No routes yet: route_add(10.0.0.0/8, 192.168.1.1) adds one." }</p>
            } else {
                { for fibs.into_iter().filter(|(_, r)| !r.is_empty()).map(|(fib, rows)| html! {
                    <div class="hc-scroll">
                    <table data-testid="netstat" data-fib={fib.to_string()}>
                        <caption>{ format!("Internet, FIB {fib}") }</caption>
                        <thead><tr>
                            <th scope="col">{ "Destination" }</th><th scope="col">{ "Gateway" }</th><th scope="col">{ "Flags" }</th>
                            <th scope="col">{ "Refs" }</th><th scope="col">{ "Use" }</th><th scope="col">{ "Mtu" }</th><th scope="col">{ "Expire" }</th>
                        </tr></thead>
                        <tbody>
                            { for rows.into_iter().map(|r| html! {
                                <tr>
                                    <td>{ r.destination }</td><td>{ r.gateway }</td><td>{ r.flags }</td>
                                    <td>{ r.refs }</td><td>{ r.use_count }</td>
                                    <td>{ if r.mtu == 0 { String::new() } else { r.mtu.to_string() } }</td>
                                    <td>{ r.expire.map_or(String::new(), |e| (e - now).to_string()) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    </div>
                }) }
                <p>{ format!("rttrash: {}", trash.len()) }
                    if !trash.is_empty() {
                        { " — deleted but still referenced: " }
                        { trash.iter().map(|e| format!("{} (refcnt {})", e.name(), e.refcnt)).collect::<Vec<_>>().join(", ") }
                    }
                </p>
            }
        </section>
    }
}
