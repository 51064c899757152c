//! The running routine: the project's pseudocode of the routine the latest step ended in, with
//! the line that produced the latest event highlighted (by a marker and bold text, not colour
//! alone) and that event's sentence beside it.

use yew::prelude::*;

use super::markup::muted;
use super::pseudocode::latest;
use super::state::State;

/// A function, not a component: it has no hooks, and its props (the state) change with every
/// action, so a component would re-render with its parent anyway and only add its own code.
pub fn routine_view(s: &State) -> Html {
    let found = latest(s.revealed());
    html! {
        <section class="hc-panel hc-routine" aria-labelledby="hc-routine-h" data-testid="routine">
            <h2 id="hc-routine-h">{ "Running routine" }</h2>
            if let Some((e, r, line)) = found {
                <p><code data-testid="routine-name">{ r.name() }</code>
                    <span class="hc-muted">{ format!(" at tick {}: {}", e.tick, e.narrate()) }</span></p>
                <ol class="hc-code">
                    { for r.lines().iter().enumerate().map(|(i, l)| {
                        let cur = i == line;
                        html! {
                            <li class={classes!(cur.then_some("cur"))} aria-current={cur.then_some("step")}
                                data-testid={cur.then_some("routine-line")}>
                                <span class="hc-code-mark" aria-hidden="true">{ if cur { "▶ " } else { "  " } }</span>
                                <code>{ *l }</code>
                            </li>
                        }
                    }) }
                </ol>
            } else {
                { muted("The latest step ran no routine with pseudocode here (OpenBSD timeout_add, hardclock and softclock, the FreeBSD callwheel softclock, rn_match and the rt_timer scan have it).") }
            }
        </section>
    }
}
