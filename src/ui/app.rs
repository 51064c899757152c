//! The root component: owns the reducer, the play timer, the URL hash and the keyboard
//! shortcuts (scoped to this element), and lays out the views. With an embed configuration
//! it is the compact widget of [`super::widget`] instead, which touches neither the hash nor
//! any storage (several widgets share one page).

use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;
use yew::prelude::*;

use super::callwheel::Callwheel;
use super::console::Console;
use super::controls::Controls;
use super::embed_params::EmbedConfig;
use super::help::Help;
use super::narration::Narration;
use super::presets::Presets;
use super::radix::Radix;
use super::routes::Routes;
use super::routine::RoutineView;
use super::rttimer::RtTimer;
use super::state::{Action, Milestone, State};
use super::timers::Timers;
use super::wheel::Wheel;
use super::widget::Widget;

/// The state as the views receive it: cheap to clone, equal only to itself (so a view
/// re-renders exactly when the reducer produced a new state).
#[derive(Clone)]
pub struct Shared(pub Rc<State>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = State;
    fn deref(&self) -> &State {
        &self.0
    }
}

// The widget (widget.rs) reads and makes the state only through these two, which the
// in-place `Shared` of the ui4 branch has too.
impl Shared {
    pub fn new(state: State) -> Shared {
        Shared(Rc::new(state))
    }

    /// The state, for reading during a render.
    pub fn get(&self) -> &State {
        &self.0
    }
}

/// The reducer's handle on the state.
pub struct Model(Shared);

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Model(Shared(Rc::new(self.0.reduce(action)))))
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Writes the hash without adding a history entry; a browser that refuses is ignored.
fn write_hash(h: &str) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(hist) = w.history() {
        let _ = hist.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{h}")));
    }
}

/// The shortcut for a key, if any (`in_button`: Space belongs to the focused button).
pub(super) fn shortcut(key: &str, in_button: bool) -> Option<Action> {
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

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Set: the compact widget for course notes, not the whole app.
    #[prop_or_default]
    pub embed: Option<Rc<EmbedConfig>>,
    /// The widget is its page's only content (an iframe): it posts to the parent window.
    #[prop_or_default]
    pub framed: bool,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    match &props.embed {
        Some(config) => html! { <Widget config={config.clone()} framed={props.framed} /> },
        None => html! { <FullApp /> },
    }
}

#[function_component(FullApp)]
fn full_app() -> Html {
    let model = use_reducer(|| Model(Shared(Rc::new(State::from_hash(&location_hash())))));
    let state = model.0.clone();
    let dispatch = {
        let model = model.dispatcher();
        Callback::from(move |a: Action| model.dispatch(a))
    };

    {
        let d = model.dispatcher();
        use_effect_with(
            (state.playing, state.interval_ms()),
            move |&(playing, ms)| {
                let timer = playing.then(|| Interval::new(ms, move || d.dispatch(Action::Advance)));
                move || drop(timer)
            },
        );
    }
    use_effect_with(state.to_hash(), |h| write_hash(h));
    {
        // A link to another moment on this page (or an edited address) only changes the hash.
        let d = model.dispatcher();
        use_effect_with((), move |_| {
            let cb =
                Closure::<dyn Fn()>::new(move || d.dispatch(Action::OpenLink(location_hash())));
            let w = web_sys::window();
            if let Some(w) = &w {
                let _ =
                    w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        cb.as_ref().unchecked_ref(),
                    );
                }
                drop(cb);
            }
        });
    }

    let onkeydown = {
        let dispatch = dispatch.clone();
        let help_open = state.help_open;
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let tag = e
                .target_dyn_into::<HtmlElement>()
                .map(|t| t.tag_name())
                .unwrap_or_default();
            if matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
                return;
            }
            if e.key() == "Escape" && help_open {
                dispatch.emit(Action::ToggleHelp);
                return;
            }
            if let Some(a) = shortcut(&e.key(), tag == "BUTTON") {
                e.prevent_default();
                dispatch.emit(a);
            }
        })
    };

    let k = state.kernel();
    let clock = &k.clock;
    let next = match state.next_statement() {
        Some((line, text)) => html! {
            <>{ "next statement: line " }{ line }{ ": " }<code>{ text.to_string() }</code></>
        },
        None => html! { { "the scenario has run to its end" } },
    };
    html! {
        <main class="hc-app" tabindex="0" {onkeydown} aria-label="hardclock simulator">
            <header class="hc-header">
                <h1>{ "hardclock" }</h1>
                <p class="hc-tagline">{ "BSD kernel timers and route expiry, one tick at a time" }</p>
            </header>
            if let Some(n) = &state.notice {
                <div class="hc-notice" role="status" data-testid="notice">
                    <p>{ n }</p>
                    <button type="button" onclick={dispatch.reform(|_| Action::DismissNotice)}>{ "dismiss" }</button>
                </div>
            }
            <section class="hc-clock" aria-label="Clock">
                <dl>
                    <div><dt>{ "ticks" }</dt><dd id="hc-ticks" data-testid="ticks">{ clock.ticks }</dd></div>
                    <div><dt>{ "hz" }</dt><dd>{ clock.hz }</dd></div>
                    <div><dt>{ "time_uptime" }</dt><dd>{ format!("{} s", clock.time_uptime()) }</dd></div>
                    <div><dt>{ "step" }</dt><dd data-testid="steps">{ state.steps }</dd></div>
                </dl>
                <p class="hc-next" data-testid="next">{ next }</p>
            </section>
            <Presets state={state.clone()} on_action={dispatch.clone()} />
            <Controls state={state.clone()} on_action={dispatch.clone()} />
            if state.help_open {
                <Help on_action={dispatch.clone()} />
            }
            if let Some(msg) = &k.panic {
                <section class="hc-panic" role="alert" data-testid="panic">
                    <h2>{ "panic" }</h2>
                    <p><code>{ format!("panic: {msg}") }</code></p>
                    <p>{ "The simulated machine has halted. Step back to the moment before, or reset." }</p>
                    <button type="button" onclick={dispatch.reform(|_| Action::StepBack)}>{ "step back" }</button>
                </section>
            }
            <Narration state={state.clone()} />
            <RoutineView state={state.clone()} />
            <div class="hc-views">
                <Wheel state={state.clone()} on_action={dispatch.clone()} />
                <Timers state={state.clone()} on_action={dispatch.clone()} />
                <Callwheel state={state.clone()} />
                <RtTimer state={state.clone()} on_action={dispatch.clone()} />
                <Routes state={state.clone()} on_action={dispatch.clone()} />
                <Radix state={state.clone()} />
            </div>
            <Console state={state.clone()} on_action={dispatch} />
        </main>
    }
}
