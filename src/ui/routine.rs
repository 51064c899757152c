//! The running routine: the project's pseudocode of the routine the latest step ended in, with
//! the line that produced the latest event highlighted (by a marker and bold text, not colour
//! alone) and that event's sentence beside it.

use std::fmt::Write;

use yew::prelude::*;

use super::pseudocode::latest;
use super::state::State;
use super::svg::esc;

/// A function, not a component: it has no hooks, and its props (the state) change with every
/// action, so a component would re-render with its parent anyway and only add its own code.
/// The listing is written as markup text (every line escaped): it has no controls, and `html!`
/// code per element costs the bundle.
pub fn routine_view(s: &State) -> Html {
    let found = latest(s.revealed());
    // Only the listing is markup text: it changes with the routine and its line, not with
    // every tick (new markup text is parsed anew), so the sentence above it stays `html!`.
    let mut o = String::new();
    let head = match found {
        Some((e, r, _)) => html! {
            <p><code data-testid="routine-name">{ r.name() }</code>
                <span class="hc-muted">{ format!(" at tick {}: {}", e.tick, e.narrate()) }</span></p>
        },
        None => html! {},
    };
    match found {
        Some((_, r, line)) => {
            o.push_str(r#"<ol class="hc-code">"#);
            for (i, l) in r.lines().iter().enumerate() {
                let cur = i == line;
                let _ = write!(
                    o,
                    r#"<li{}><span class="hc-code-mark" aria-hidden="true">{}</span><code>{}</code></li>"#,
                    if cur {
                        r#" class="cur" aria-current="step" data-testid="routine-line""#
                    } else {
                        ""
                    },
                    if cur { "▶ " } else { "  " },
                    esc(l)
                );
            }
            o.push_str("</ol>");
        }
        None => o.push_str(r#"<p class="hc-muted">The latest step ran no routine with pseudocode here (OpenBSD timeout_add, hardclock and softclock, the FreeBSD callwheel softclock, rn_match and the rt_timer scan have it).</p>"#),
    }
    html! {
        <section class="hc-panel hc-routine" aria-labelledby="hc-routine-h" data-testid="routine">
            <h2 id="hc-routine-h">{ "Running routine" }</h2>
            { head }
            { Html::from_html_unchecked(o.into()) }
        </section>
    }
}
