//! The step controls: props in, actions out. Numbers typed in "run N" and "jump" are read when
//! the button is pressed; anything that is not a number is ignored.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::state::{Action, Milestone, State, SPEEDS};

/// A function, not a component, like [`super::routine::routine_view`]: the state it shows
/// changes with every action, and a component type costs about 400 B of the gzipped wasm. The
/// numbers typed into "run N" and "jump" are read from the submitted form, so it needs no
/// hooks (no node refs).
pub fn controls(s: &State, on_action: &Callback<Action>) -> Html {
    let send = |a: Action| on_action.reform(move |_: MouseEvent| a.clone());
    // The number in the submitted form's one input, if it is one.
    let number = |e: &SubmitEvent| {
        e.target_dyn_into::<Element>()
            .and_then(|f| f.query_selector("input").ok().flatten())
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
            .and_then(|i| i.value().trim().parse::<u64>().ok())
    };
    let on_submit = |action: fn(u64) -> Action| {
        let cb = on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(n) = number(&e) {
                cb.emit(action(n));
            }
        })
    };
    let on_speed = on_action.reform(|e: Event| {
        let v = e
            .target_dyn_into::<HtmlSelectElement>()
            .and_then(|s| s.value().parse::<u32>().ok())
            .unwrap_or(10);
        Action::SetSpeed(v)
    });
    let halted = s.kernel().panic.is_some();
    let no_stmt = s.next_statement().is_none();
    html! {
        <nav class="hc-controls" aria-label="Step controls">
            <div class="hc-row">
                <button id="hc-step" type="button" onclick={send(Action::StepStatement)}
                    disabled={halted || no_stmt} aria-keyshortcuts="s"
                    title="Run the next statement of the scenario (s)">{ "step" }</button>
                <button id="hc-micro" type="button" onclick={send(Action::MicroStep)}
                    disabled={halted && s.unrevealed() == 0} aria-keyshortcuts="m"
                    title="Reveal the next event of the step; then run the next statement or hardclock (m)">{ "micro-step" }</button>
                <button id="hc-hardclock" type="button" onclick={send(Action::Hardclock)}
                    disabled={halted} aria-keyshortcuts="n"
                    title="Run one hardclock interrupt: ticks++ then softclock (n)">{ "hardclock" }</button>
                <button id="hc-back" type="button" onclick={send(Action::StepBack)}
                    disabled={s.steps == 0} aria-keyshortcuts="b"
                    title="Undo the latest step exactly (b)">{ "◀ back" }</button>
                <button id="hc-play" type="button" onclick={send(Action::TogglePlay)}
                    disabled={halted} aria-pressed={s.playing.to_string()} aria-keyshortcuts="Space"
                    title="Play or pause (space)">{ if s.playing { "⏸ pause" } else { "▶ play" } }</button>
                <select id="hc-speed" onchange={on_speed} aria-label="play speed">
                    { for SPEEDS.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={v == s.speed}>{ format!("{v} ticks/s") }</option>
                    }) }
                </select>
            </div>
            <div class="hc-row" role="group" aria-label="Run to next">
                <span class="hc-muted">{ "next:" }</span>
                { for [Milestone::Cascade, Milestone::Fire, Milestone::RouteChange].into_iter().map(|m| html! {
                    <button type="button" class="hc-next-btn" data-milestone={m.label()} onclick={send(Action::RunToNext(m))} disabled={halted}>
                        { m.label() }
                    </button>
                }) }
            </div>
            // The rarer controls fold away: the timeline also jumps.
            <details class="hc-more">
                <summary>{ "more" }</summary>
                <div class="hc-more-body">
                    <button id="hc-run-script" type="button" onclick={send(Action::RunScript)}
                        disabled={halted || no_stmt}
                        title="Run every remaining statement">{ "run script" }</button>
                    <button id="hc-reset" type="button" onclick={send(Action::Reset)}
                        title="Back to the scenario before its first statement (0)">{ "reset" }</button>
                    <form class="hc-field" onsubmit={on_submit(Action::RunTicks)}>
                        <label for="hc-run-n">{ "run" }</label>
                        <input id="hc-run-n" type="number" min="0" value="256" inputmode="numeric" />
                        <button type="submit" disabled={halted}>{ "ticks" }</button>
                    </form>
                    <form class="hc-field" onsubmit={on_submit(Action::JumpToTick)}>
                        <label for="hc-jump">{ "jump to tick" }</label>
                        <input id="hc-jump" type="number" min="0" inputmode="numeric"
                            placeholder={s.kernel().clock.elapsed.to_string()}
                            title="Hardclocks since boot" />
                        <button type="submit">{ "go" }</button>
                    </form>
                    <button id="hc-help" type="button" onclick={send(Action::ToggleHelp)}
                        aria-expanded={s.help_open.to_string()} aria-keyshortcuts="?">{ "? keys" }</button>
                </div>
            </details>
        </nav>
    }
}
