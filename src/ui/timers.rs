//! Every OpenBSD timeout and FreeBSD callout: flags, deadline, ticks to go and where it lives.
//!
//! A page of [`TIMER_ROWS`] rows at a time, with the total and buttons to page (a real table
//! of 10,000 rows is 100,000 elements, far too many to render while playing). Only the page's
//! rows are built, and the rows are a memoised component: a page that did not change is not
//! rendered again. While playing, the page is rebuilt once per [`REFRESH_MS`](super::hooks::REFRESH_MS): a table whose
//! "ticks to go" changes twenty times a second cannot be read, and laying it out that often
//! costs most of a frame.

use std::rc::Rc;

use yew::prelude::*;

use super::hooks::use_refresh;
use super::markup::{head_row, muted};
use super::shared::Shared;
use super::state::{callout_label, Action, State, TIMER_ROWS};
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

#[derive(Clone, PartialEq)]
struct Row {
    name: String,
    api: &'static str,
    call: String,
    flags: String,
    deadline: i32,
    to_go: Option<i64>,
    place: String,
}

/// A page of rows as last built.
struct Kept {
    /// The [`use_refresh`] count it was built at.
    when: i64,
    rows: Rc<Vec<Row>>,
    /// `State::timer_first` it was built for.
    asked: usize,
    first: usize,
    total: usize,
}

#[derive(Properties, PartialEq)]
struct PageProps {
    rows: Rc<Vec<Row>>,
    selected: Option<String>,
    on_action: Callback<Action>,
}

#[function_component(Page)]
fn page(p: &PageProps) -> Html {
    html! {
        <tbody>
            { for p.rows.iter().map(|r| {
                let is_sel = p.selected.as_deref() == Some(r.name.as_str());
                let name = r.name.clone();
                let onclick = p.on_action.reform(move |_: MouseEvent| Action::Select(name.clone()));
                let deadline = if r.api == "timeout" { format!("to_time {}", r.deadline) } else { format!("c_time {}", r.deadline) };
                html! {
                    <tr data-testid="timer-row" data-timer={r.name.clone()} class={classes!(is_sel.then_some("sel"))}
                        aria-selected={is_sel.to_string()}>
                        <th scope="row"><button type="button" class="hc-link" {onclick}>{ r.name.clone() }</button></th>
                        <td>{ r.api }</td>
                        <td><code>{ r.call.clone() }</code></td>
                        <td class="hc-flags">{ r.flags.clone() }</td>
                        <td>{ deadline }</td>
                        <td>{ r.to_go.map_or("-".to_string(), |n| n.to_string()) }</td>
                        <td>{ r.place.clone() }</td>
                    </tr>
                }
            }) }
        </tbody>
    }
}

#[function_component(Timers)]
pub fn timers(props: &TimersProps) -> Html {
    let s = props.state.get();
    let k = s.kernel();
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
    // The page last built: when, its rows, the page asked for, its first row and the total
    // (counting 10,000 timers is itself work, so a kept page keeps its count too).
    let kept = use_mut_ref(|| Kept {
        when: i64::MIN,
        rows: Rc::new(Vec::new()),
        asked: usize::MAX,
        first: 0,
        total: 0,
    });
    let now = use_refresh(s.playing, 25);
    {
        let k = kept.borrow();
        if s.playing && k.asked == s.timer_first && now == k.when {
            return page_view(props, &s, k.first, k.total, k.rows.clone());
        }
    }
    let timeouts = k.to.iter().count();
    let total = timeouts + k.co.callout_ids().count();
    let first = s.timer_page_start();
    let mut rows: Vec<Row> =
        k.to.iter()
            .skip(first)
            .take(TIMER_ROWS)
            .map(|t| {
                let queued = t.to_flags & TIMEOUT_ONQUEUE != 0;
                Row {
                    name: t.name.to_string(),
                    api: "timeout",
                    call: format!("{}({})", t.to_func, t.to_arg),
                    flags: flag_names(t.to_flags as u32, &to_flags),
                    deadline: t.to_time,
                    to_go: queued.then(|| t.to_time as i64 - ticks),
                    place: t.place.to_string(),
                }
            })
            .collect();
    let size = k.co.callwheelsize();
    let callouts_from = first.saturating_sub(timeouts);
    let room = TIMER_ROWS - rows.len();
    rows.extend(k.co.callout_ids().skip(callouts_from).take(room).map(|id| {
        let c = k.co.callout_view(id);
        let pending = c.flags & CALLOUT_PENDING != 0;
        Row {
            name: callout_label(k, id),
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
    let rows = Rc::new(rows);
    *kept.borrow_mut() = Kept {
        when: now,
        rows: rows.clone(),
        asked: s.timer_first,
        first,
        total,
    };
    page_view(props, &s, first, total, rows)
}

/// The panel around a page of rows: the count, the pager and the table.
fn page_view(
    props: &TimersProps,
    s: &State,
    first: usize,
    total: usize,
    rows: Rc<Vec<Row>>,
) -> Html {
    let selected = s.selected.clone();
    let last = first + rows.len();
    let pager = |to: usize, label: &'static str, disabled: bool, id: &'static str| {
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| Action::TimerPage(to));
        html! { <button type="button" {id} {onclick} {disabled}>{ label }</button> }
    };
    html! {
        <section class="hc-panel hc-timers" aria-labelledby="hc-timers-h">
            <h2 id="hc-timers-h">{ "Timers" }</h2>
            if rows.is_empty() {
                { muted("No timeout or callout exists yet.") }
            } else {
                if total > TIMER_ROWS {
                    <nav class="hc-row hc-pager" aria-label="Timer table pages">
                        { pager(0, "« first", first == 0, "hc-timers-first") }
                        { pager(first.saturating_sub(TIMER_ROWS), "◀ previous", first == 0, "hc-timers-prev") }
                        <span data-testid="timers-count" aria-live="off">{ format!("rows {}–{} of {total}", first + 1, last) }</span>
                        { pager(first + TIMER_ROWS, "next ▶", last >= total, "hc-timers-next") }
                        { pager(total.saturating_sub(1) / TIMER_ROWS * TIMER_ROWS, "last »", last >= total, "hc-timers-last") }
                    </nav>
                } else {
                    <p class="hc-muted" data-testid="timers-count">{ format!("{total} timers") }</p>
                }
                <div class="hc-scroll" tabindex="0" aria-label="Timer table (scrolls)">
                <table data-testid="timers">
                    { head_row(&["name", "API", "calls", "flags", "deadline", "ticks to go", "where it lives now"]) }
                    <Page {rows} {selected} on_action={props.on_action.clone()} />
                </table>
                </div>
            }
        </section>
    }
}
