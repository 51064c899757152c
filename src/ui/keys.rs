//! The keyboard shortcuts of the app and of a widget (each scoped to its own element).

use web_sys::HtmlElement;
use yew::prelude::*;

use super::state::{Action, Milestone};

/// What a key pressed inside the app (or a widget) asks for: Escape closes the help, other
/// keys are [`shortcut`]s (whose default the page then does not run). Keys typed into a field,
/// and chords with Ctrl, Meta or Alt, belong to the browser.
pub fn key_action(e: &KeyboardEvent, help_open: bool) -> Option<Action> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let tag = e
        .target_dyn_into::<HtmlElement>()
        .map(|t| t.tag_name())
        .unwrap_or_default();
    if matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
        return None;
    }
    if e.key() == "Escape" && help_open {
        return Some(Action::ToggleHelp);
    }
    let a = shortcut(&e.key(), tag == "BUTTON")?;
    e.prevent_default();
    Some(a)
}

/// The shortcut for a key, if any (`in_button`: Space belongs to the focused button).
fn shortcut(key: &str, in_button: bool) -> Option<Action> {
    Some(match key {
        " " if !in_button => Action::TogglePlay,
        "n" | "." => Action::Hardclock,
        "s" => Action::StepStatement,
        "m" => Action::MicroStep,
        "b" => Action::StepBack,
        "c" => Action::RunToNext(Milestone::Cascade),
        "f" => Action::RunToNext(Milestone::Fire),
        "0" => Action::Reset,
        "?" => Action::ToggleHelp,
        _ => return None,
    })
}
