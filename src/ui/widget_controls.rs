//! The embedded widget's step controls: one row, the few buttons a reader of course notes
//! needs (the keyboard shortcuts of the app work too). No DOM ids: several widgets share a
//! page, so the buttons are found by `data-action`.

use web_sys::{Element, HtmlSelectElement};
use yew::prelude::*;

use super::embed::WidgetAction;
use super::figure::{save, stem};
use super::state::{Action, State, SPEEDS};

/// A function, not a component, like [`super::routine::routine_view`]: no hooks, and the
/// state it shows changes with every action.
pub fn widget_controls(s: &State, on_action: &Callback<WidgetAction>) -> Html {
    let send = |a: WidgetAction| on_action.reform(move |_: MouseEvent| a.clone());
    let on_speed = on_action.reform(|e: Event| {
        let v = e
            .target_dyn_into::<HtmlSelectElement>()
            .and_then(|s| s.value().parse::<u32>().ok())
            .unwrap_or(10);
        WidgetAction::Do(Action::SetSpeed(v))
    });
    // The widget's menu of figures: its view as SVG or as PNG at 2x (src/ui/figure.rs).
    let figure = |as_png: bool| {
        let name = format!(
            "{}-{}",
            stem(s),
            s.views().first().map_or("view", |v| v.name())
        );
        Callback::from(move |e: MouseEvent| {
            let panel = e
                .target_dyn_into::<Element>()
                .and_then(|b| b.closest("[data-testid=widget]").ok().flatten())
                .and_then(|w| w.query_selector(".hc-panel").ok().flatten());
            if let Some(p) = panel {
                save(&p, as_png, name.clone());
            }
        })
    };
    let halted = s.kernel().panic.is_some();
    let step_title = if s.next_statement().is_some() {
        "Run the next statement of the scenario (s)"
    } else {
        "The scenario has run to its end: one hardclock (s)"
    };
    html! {
        <nav class="hc-w-controls" aria-label="Step controls">
            <button type="button" data-action="step" onclick={send(WidgetAction::Steps(1))}
                disabled={halted} aria-keyshortcuts="s" title={step_title}>{ "step" }</button>
            <button type="button" class="hc-primary" data-action="hardclock"
                onclick={send(Action::Hardclock.into())} disabled={halted} aria-keyshortcuts="n"
                title="Run one hardclock interrupt: ticks++ then softclock (n)">{ "hardclock" }</button>
            <button type="button" data-action="back" onclick={send(Action::StepBack.into())}
                disabled={s.steps == 0} aria-keyshortcuts="b"
                title="Undo the latest step exactly (b)">{ "back" }</button>
            <button type="button" data-action="reset" onclick={send(Action::Reset.into())}
                aria-keyshortcuts="0" title="Back to the start of the scenario (0)">{ "reset" }</button>
            <button type="button" data-action="play" onclick={send(Action::TogglePlay.into())}
                disabled={halted} aria-pressed={s.playing.to_string()} aria-keyshortcuts="Space"
                title="Play or pause (space)">{ if s.playing { "⏸ pause" } else { "▶ play" } }</button>
            <label class="hc-field">
                <span class="hc-visually-hidden">{ "play speed" }</span>
                <select data-action="speed" onchange={on_speed} title="Play speed">
                    { for SPEEDS.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={v == s.speed}>{ format!("{v}/s") }</option>
                    }) }
                </select>
            </label>
            <button type="button" data-action="svg" onclick={figure(false)}
                title="Save this view as a standalone SVG figure">{ "SVG" }</button>
            <button type="button" data-action="png" onclick={figure(true)}
                title="Save this view as a PNG at twice its size">{ "PNG" }</button>
        </nav>
    }
}
