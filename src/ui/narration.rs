//! What the latest step did, one sentence per event, in an ARIA live region; the event log
//! below it.

use yew::prelude::*;

use super::app::Shared;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub state: Shared,
}

/// How many log entries the log panel shows.
const LOG_SHOWN: usize = 60;

#[function_component(Narration)]
pub fn narration(props: &NarrationProps) -> Html {
    let s = &props.state;
    let log = s.visible_log();
    let shown = &log[log.len().saturating_sub(LOG_SHOWN)..];
    html! {
        <section class="hc-narration-box" aria-label="Narration">
            if let Some(c) = s.reveal {
                <p class="hc-micro" data-testid="micro">
                    { format!("micro-step: event {} of {} of this step", c.min(s.machine.last.len()), s.machine.last.len()) }
                    if s.unrevealed() > 0 { { " (m shows the next)" } } else { { " (m runs the next step)" } }
                    <span class="hc-muted">{ "; the wheels and tables already show the machine after the whole step." }</span>
                </p>
            }
            <div class={classes!("hc-narration", s.reveal.is_some().then_some("micro"))} role="status" aria-live="polite" data-testid="narration">
                { for s.narration().into_iter().map(|n| html! { <p>{ n }</p> }) }
            </div>
            <details class="hc-log">
                <summary>{ format!("Event log (last {} events)", shown.len()) }</summary>
                <ol>
                    { for shown.iter().rev().map(|e| html! {
                        <li><span class="hc-tick">{ format!("[{}]", e.tick) }</span>{ " " }{ e.narrate() }</li>
                    }) }
                </ol>
            </details>
        </section>
    }
}
