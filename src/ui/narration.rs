//! What the latest step did, one sentence per event, in an ARIA live region; the event log
//! below it.
//!
//! While playing, the narration would change twenty times a second, far faster than anyone can
//! read or a screen reader can speak: the region then holds one sentence, the newest, renewed
//! at most every [`PLAYING_EVERY_MS`], and the log waits for a pause.

use std::fmt::Write;

use yew::prelude::*;

use super::shared::Shared;
use super::state::Drawer;
use super::svg::esc;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub state: Shared,
}

/// How many log entries the log panel shows.
const LOG_SHOWN: usize = 60;
/// While playing, the live region changes at most this often.
const PLAYING_EVERY_MS: f64 = 2000.0;

/// The log's entries, newest first, as markup text (every sentence escaped).
fn log_text(shown: &[crate::kernel::Event]) -> String {
    let mut o = String::new();
    for e in shown.iter().rev() {
        let _ = write!(
            o,
            r#"<li><span class="hc-tick">[{}]</span> {}</li>"#,
            e.tick,
            esc(&e.narrate())
        );
    }
    o
}

#[function_component(Narration)]
pub fn narration(props: &NarrationProps) -> Html {
    let s = props.state.get();
    let log = s.visible_log();
    let shown = if s.playing {
        &[]
    } else {
        &log[log.len().saturating_sub(LOG_SHOWN)..]
    };
    // (when it was last renewed, what it says) while playing.
    let spoken = use_mut_ref(|| (f64::NEG_INFINITY, String::new()));
    let lines = if s.playing {
        let now = js_sys::Date::now();
        let mut sp = spoken.borrow_mut();
        if now - sp.0 >= PLAYING_EVERY_MS {
            let newest = s.narration().pop().unwrap_or_default();
            *sp = (
                now,
                format!(
                    "Playing at {} ticks/s; at tick {}: {newest}",
                    s.speed,
                    s.kernel().clock.ticks
                ),
            );
        }
        vec![sp.1.clone()]
    } else {
        spoken.borrow_mut().0 = f64::NEG_INFINITY;
        s.narration()
    };
    html! {
        <section class="hc-narration-box" aria-label="Narration">
            if let Some(c) = s.reveal {
                <p class="hc-micro" data-testid="micro">
                    { format!("micro-step: event {} of {} of this step", c.min(s.machine.last.len()), s.machine.last.len()) }
                    if s.unrevealed() > 0 { { " (m shows the next)" } } else { { " (m runs the next step)" } }
                    <span class="hc-muted">{ "; the wheels and tables already show the machine after the whole step." }</span>
                </p>
            }
            <div class={classes!("hc-narration", s.reveal.is_some().then_some("micro"))} role="status" aria-live="polite"
                data-testid="narration" data-playing={s.playing.to_string()}>
                { for lines.into_iter().map(|n| html! { <p>{ n }</p> }) }
            </div>
            // In the app the log is a drawer (CSS places it over the page while the drawer is
            // open, and hides it otherwise); in a widget it stays a disclosure under the narration.
            <details class="hc-log" open={s.drawer == Some(Drawer::Log)}>
                <summary>{ if s.playing { "Event log (shown when paused)".to_string() } else { format!("Event log (last {} events)", shown.len()) } }</summary>
                // Markup text: 60 entries of `html!` would cost the bundle more than the log.
                <ol>{ Html::from_html_unchecked(log_text(shown).into()) }</ol>
            </details>
        </section>
    }
}

/// Scrolls the narration box under `root` to its newest sentence, the last one.
pub fn pin_newest(root: &NodeRef) {
    let boxed = root
        .cast::<web_sys::Element>()
        .and_then(|r| r.query_selector(".hc-narration").ok().flatten());
    if let Some(b) = boxed {
        b.set_scroll_top(b.scroll_height());
    }
}
