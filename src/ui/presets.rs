//! The preset picker: every preset under its man page, with the chosen one's title and
//! teaching note. Choosing one loads it into the editor and the machine.
//!
//! Its props are the chosen preset's name, not the state: the picker (every preset's title)
//! renders when the choice changes, not on every play advance.

use std::sync::OnceLock;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::catalog::{grouped, man_page, ManPage};
use super::markup::muted;
use super::state::Action;
use crate::script::presets::{self, Preset};

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    /// The preset loaded, when the scenario is one unchanged.
    pub current: Option<&'static str>,
    pub on_action: Callback<Action>,
}

/// The catalogue's groups, sorted once (grouping reads every preset's source).
fn groups() -> &'static [(ManPage, Vec<&'static Preset>)] {
    static G: OnceLock<Vec<(ManPage, Vec<&'static Preset>)>> = OnceLock::new();
    G.get_or_init(grouped)
}

#[function_component(Presets)]
pub fn presets(props: &PresetsProps) -> Html {
    let current = props.current.and_then(presets::find);
    let onchange = props.on_action.reform(|e: Event| {
        let name = e
            .target_dyn_into::<HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default();
        Action::LoadPreset(name)
    });
    let selected = current.map(|p| p.name).unwrap_or("");
    html! {
        <section class="hc-panel hc-presets" aria-labelledby="hc-presets-h" data-testid="presets">
            <h2 id="hc-presets-h">{ "Presets" }</h2>
            <label class="hc-field" for="hc-preset">{ "scenario " }</label>
            <select id="hc-preset" {onchange} aria-describedby="hc-preset-note">
                if current.is_none() {
                    <option value="" selected=true disabled=true>{ "(your own scenario)" }</option>
                }
                { for groups().iter().map(|(page, ps)| html! {
                    <optgroup label={page.label()}>
                        { for ps.iter().map(|p| html! {
                            <option value={p.name} selected={p.name == selected}>
                                { format!("{} — {}", p.name, p.title) }
                            </option>
                        }) }
                    </optgroup>
                }) }
            </select>
            <div id="hc-preset-note" data-testid="preset-note">
                if let Some(p) = current {
                    <details class="hc-note-box" open=true>
                        <summary>
                            <strong data-testid="preset-title">{ &p.title }</strong>
                            <span class="hc-muted">{ format!(" · {}", man_page(p.source).label()) }</span>
                        </summary>
                        // Long notes scroll inside the box; tabindex lets the keyboard scroll it.
                        <p class="hc-note" tabindex="0">{ &p.note }</p>
                    </details>
                } else {
                    { muted("Your own scenario (not an unchanged preset).") }
                }
            </div>
        </section>
    }
}
