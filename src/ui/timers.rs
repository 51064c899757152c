//! Every OpenBSD timeout and FreeBSD callout: flags, deadline, ticks to go and where it lives.

use yew::prelude::*;

use super::app::Shared;
use super::state::Action;
use crate::kernel::freebsd::callwheel::{
    CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE, CALLOUT_PENDING,
};
use crate::kernel::openbsd::{TIMEOUT_INITIALIZED, TIMEOUT_ONQUEUE, TIMEOUT_TRIGGERED};

#[derive(Properties, PartialEq)]
pub struct TimersProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

fn flag_names(flags: u32, table: &[(u32, &str)]) -> String {
    let set: Vec<&str> = table
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    if set.is_empty() {
        "0".into()
    } else {
        set.join("|")
    }
}

struct Row {
    name: String,
    api: &'static str,
    call: String,
    flags: String,
    deadline: i32,
    to_go: Option<i64>,
    place: String,
}

#[function_component(Timers)]
pub fn timers(props: &TimersProps) -> Html {
    let k = props.state.kernel();
    let ticks = k.clock.ticks as i64;
    let to_flags = [
        (TIMEOUT_INITIALIZED as u32, "INITIALIZED"),
        (TIMEOUT_ONQUEUE as u32, "ONQUEUE"),
        (TIMEOUT_TRIGGERED as u32, "TRIGGERED"),
    ];
    let c_flags = [
        (CALLOUT_ACTIVE, "ACTIVE"),
        (CALLOUT_PENDING, "PENDING"),
        (CALLOUT_LOCAL_ALLOC, "LOCAL_ALLOC"),
        (CALLOUT_MPSAFE, "MPSAFE"),
    ];
    let mut rows: Vec<Row> =
        k.to.iter()
            .map(|v| {
                let t = v.timeout;
                let queued = t.to_flags & TIMEOUT_ONQUEUE != 0;
                Row {
                    name: t.name.clone(),
                    api: "timeout",
                    call: format!("{}({})", t.to_func, t.to_arg),
                    flags: flag_names(t.to_flags as u32, &to_flags),
                    deadline: t.to_time,
                    to_go: queued.then(|| t.to_time as i64 - ticks),
                    place: v.place.to_string(),
                }
            })
            .collect();
    let size = k.co.callwheelsize();
    rows.extend(k.co.callouts().into_iter().map(|c| {
        let pending = c.flags & CALLOUT_PENDING != 0;
        let name = if c.name.is_empty() {
            format!("callout #{}", c.id)
        } else {
            c.name.clone()
        };
        Row {
            name,
            api: "callout",
            call: format!("{}({})", c.func.as_deref().unwrap_or("-"), c.arg),
            flags: flag_names(c.flags, &c_flags),
            deadline: c.c_time,
            to_go: pending.then(|| c.c_time as i64 - ticks),
            place: if c.serviced {
                "running (curr_callout)".into()
            } else if pending {
                format!("callwheel bucket {} of {size}", c.bucket)
            } else {
                "not on the callwheel".into()
            },
        }
    }));
    let selected = props.state.selected.clone();
    html! {
        <section class="hc-panel hc-timers" aria-labelledby="hc-timers-h">
            <h2 id="hc-timers-h">{ "Timers" }</h2>
            if rows.is_empty() {
                <p class="hc-muted">{ "No timeout or callout exists yet." }</p>
            } else {
                <div class="hc-scroll">
                <table data-testid="timers">
                    <thead><tr>
                        <th scope="col">{ "name" }</th><th scope="col">{ "API" }</th><th scope="col">{ "calls" }</th>
                        <th scope="col">{ "flags" }</th><th scope="col">{ "deadline" }</th>
                        <th scope="col">{ "ticks to go" }</th><th scope="col">{ "where it lives now" }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.into_iter().map(|r| {
                            let is_sel = selected.as_deref() == Some(r.name.as_str());
                            let name = r.name.clone();
                            let onclick = props.on_action.reform(move |_: MouseEvent| Action::Select(name.clone()));
                            let deadline = if r.api == "timeout" { format!("to_time {}", r.deadline) } else { format!("c_time {}", r.deadline) };
                            html! {
                                <tr data-testid="timer-row" data-timer={r.name.clone()} class={classes!(is_sel.then_some("sel"))}
                                    aria-selected={is_sel.to_string()}>
                                    <th scope="row"><button type="button" class="hc-link" {onclick}>{ r.name }</button></th>
                                    <td>{ r.api }</td>
                                    <td><code>{ r.call }</code></td>
                                    <td class="hc-flags">{ r.flags }</td>
                                    <td>{ deadline }</td>
                                    <td>{ r.to_go.map_or("-".to_string(), |n| n.to_string()) }</td>
                                    <td>{ r.place }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                </div>
            }
        </section>
    }
}
