//! The root component: owns the reducer and lays out the views.

use std::rc::Rc;

use yew::prelude::*;

use super::controls::Controls;
use super::state::{Action, State};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(State::reduce(&self, action))
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| state.dispatch(a))
    };
    let clock = &state.kernel.clock;
    html! {
        <main class="hc-app">
            <header class="hc-header">
                <h1>{ "hardclock" }</h1>
                <p class="hc-tagline">{ "BSD kernel timers and route expiry, one tick at a time" }</p>
            </header>
            <section class="hc-clock" aria-label="Clock">
                <dl>
                    <div><dt>{ "ticks" }</dt><dd id="hc-ticks" data-testid="ticks">{ clock.ticks }</dd></div>
                    <div><dt>{ "hz" }</dt><dd>{ clock.hz }</dd></div>
                    <div><dt>{ "tick" }</dt><dd>{ format!("{} µs", clock.tick) }</dd></div>
                    <div><dt>{ "time_uptime" }</dt><dd>{ format!("{} s", clock.time_uptime()) }</dd></div>
                </dl>
            </section>
            <Controls on_action={dispatch} />
            <p class="hc-narration" role="status" aria-live="polite" data-testid="narration">
                { state.narration() }
            </p>
        </main>
    }
}
