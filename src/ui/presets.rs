//! The preset picker: every preset under its man page, with the chosen one's title and
//! teaching note. Choosing one loads it into the editor and the machine.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::app::Shared;
use super::catalog::{grouped, man_page};
use super::state::Action;

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

#[function_component(Presets)]
pub fn presets(props: &PresetsProps) -> Html {
    let state = props.state.get();
    let current = state.preset();
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
                { for grouped().into_iter().map(|(page, ps)| html! {
                    <optgroup label={page.label()}>
                        { for ps.into_iter().map(|p| html! {
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
                    <p class="hc-muted">{ "Your own scenario (not an unchanged preset)." }</p>
                }
            </div>
        </section>
    }
}
