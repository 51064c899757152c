//! The step controls: props in, actions out.

use yew::prelude::*;

use super::state::Action;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub on_action: Callback<Action>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let send = |a: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    html! {
        <nav class="hc-controls" aria-label="Step controls">
            <button id="hc-hardclock" type="button" onclick={send(Action::Hardclock)}
                title="Run one hardclock interrupt: ticks++ then softclock">{ "hardclock" }</button>
            <button type="button" onclick={send(Action::RunTicks(256))}
                title="Run 256 hardclocks, one full turn of wheel 0">{ "run 256" }</button>
            <button type="button" onclick={send(Action::Reset)}>{ "reset" }</button>
        </nav>
    }
}
