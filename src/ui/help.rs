//! The keyboard help panel. Shortcuts work while focus is inside the simulator, never in a
//! text field.

use yew::prelude::*;

use super::markup::muted;
use super::state::Action;

const KEYS: &[(&str, &str)] = &[
    ("space", "play / pause"),
    ("n or .", "one hardclock"),
    ("s", "step one statement"),
    (
        "m",
        "micro-step: reveal the next event of the step (then run the next step)",
    ),
    ("b", "step back"),
    ("c", "run to the next cascade"),
    ("f", "run to the next expiry (a handler runs)"),
    ("0", "reset to the start of the scenario"),
    ("?", "show or hide this help"),
    ("Esc", "close this help"),
];

/// A function, not a component (a component type costs about 400 B of the gzipped wasm): it
/// is shown only while open, and its markup never changes.
pub fn help(on_action: &Callback<Action>) -> Html {
    html! {
        <section class="hc-help" aria-label="Keyboard shortcuts" data-testid="help">
            <h2>{ "Keyboard shortcuts" }</h2>
            { muted("They work while the simulator has focus (click on it or tab into it), not while typing in a field.") }
            <dl>
                { for KEYS.iter().map(|(k, what)| html! {
                    <div><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></div>
                }) }
            </dl>
            { muted("The scenario language: docs/scenario-language.md") }
            <button type="button" onclick={on_action.reform(|_| Action::ToggleHelp)}>{ "close" }</button>
        </section>
    }
}
