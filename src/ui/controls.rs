//! The step controls: props in, actions out. Numbers typed in "run N" and "jump" are read when
//! the button is pressed; anything that is not a number is ignored.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::app::Shared;
use super::state::{Action, Milestone, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let s = props.state.get();
    let send = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    let run_n = use_node_ref();
    let jump_to = use_node_ref();
    let number = |r: &NodeRef| {
        r.cast::<HtmlInputElement>()
            .and_then(|i| i.value().trim().parse::<u64>().ok())
    };
    let on_run_n = {
        let (cb, r) = (props.on_action.clone(), run_n.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(n) = number(&r) {
                cb.emit(Action::RunTicks(n));
            }
        })
    };
    let on_jump = {
        let (cb, r) = (props.on_action.clone(), jump_to.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(t) = number(&r) {
                cb.emit(Action::JumpToTick(t));
            }
        })
    };
    let on_speed = props.on_action.reform(|e: Event| {
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
                    title="Run the next statement of the scenario (s)">{ "step statement" }</button>
                <button id="hc-micro" type="button" onclick={send(Action::MicroStep)}
                    disabled={halted && s.unrevealed() == 0} aria-keyshortcuts="m"
                    title="Reveal the next event of the step; then run the next statement or hardclock (m)">{ "micro-step" }</button>
                <button id="hc-run-script" type="button" onclick={send(Action::RunScript)}
                    disabled={halted || no_stmt}
                    title="Run every remaining statement">{ "run script" }</button>
                <button id="hc-hardclock" type="button" onclick={send(Action::Hardclock)}
                    disabled={halted} aria-keyshortcuts="n"
                    title="Run one hardclock interrupt: ticks++ then softclock (n)">{ "hardclock" }</button>
                <button id="hc-back" type="button" onclick={send(Action::StepBack)}
                    disabled={s.steps == 0} aria-keyshortcuts="b"
                    title="Undo the latest step exactly (b)">{ "step back" }</button>
                <button id="hc-reset" type="button" onclick={send(Action::Reset)}
                    title="Back to the scenario before its first statement (0)">{ "reset" }</button>
            </div>
            <div class="hc-row">
                <button id="hc-play" type="button" onclick={send(Action::TogglePlay)}
                    disabled={halted} aria-pressed={s.playing.to_string()} aria-keyshortcuts="Space"
                    title="Play or pause (space)">{ if s.playing { "⏸ pause" } else { "▶ play" } }</button>
                <label class="hc-field">{ "speed " }
                    <select id="hc-speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|&v| html! {
                            <option value={v.to_string()} selected={v == s.speed}>{ format!("{v} ticks/s") }</option>
                        }) }
                    </select>
                </label>
                <form class="hc-field" onsubmit={on_run_n}>
                    <label for="hc-run-n">{ "run" }</label>
                    <input id="hc-run-n" ref={run_n} type="number" min="0" value="256" inputmode="numeric" />
                    <button type="submit" disabled={halted}>{ "ticks" }</button>
                </form>
                <form class="hc-field" onsubmit={on_jump}>
                    <label for="hc-jump">{ "jump to tick" }</label>
                    <input id="hc-jump" ref={jump_to} type="number" min="0" inputmode="numeric"
                        placeholder={s.kernel().clock.elapsed.to_string()}
                        title="Hardclocks since boot" />
                    <button type="submit">{ "go" }</button>
                </form>
            </div>
            <div class="hc-row" role="group" aria-label="Run to next">
                <span class="hc-muted">{ "run to next:" }</span>
                { for [Milestone::Cascade, Milestone::Fire, Milestone::RouteChange].into_iter().map(|m| html! {
                    <button type="button" class="hc-next-btn" data-milestone={m.label()} onclick={send(Action::RunToNext(m))} disabled={halted}>
                        { m.label() }
                    </button>
                }) }
                <button id="hc-help" type="button" onclick={send(Action::ToggleHelp)}
                    aria-expanded={s.help_open.to_string()} aria-keyshortcuts="?">{ "? keys" }</button>
            </div>
        </nav>
    }
}
