//! The root component: owns the reducer, the play timer, the URL hash and the keyboard
//! shortcuts (scoped to this element), and lays out the views. With an embed configuration
//! it is the compact widget of [`super::widget`] instead, which touches neither the hash nor
//! any storage (several widgets share one page).

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;
use yew::prelude::*;

use super::callwheel::Callwheel;
use super::compare::Compare;
use super::console::Console;
use super::controls::controls;
use super::embed_params::EmbedConfig;
use super::help::help;
use super::narration::Narration;
use super::presets::Presets;
use super::radix::Radix;
use super::routes::routes;
use super::routine::routine_view;
use super::rttimer::rt_timer;
use super::state::{Action, Milestone, State};
use super::timers::Timers;
use super::wheel::Wheel;
use super::widget::Widget;

/// The state as the views receive it: one cell that the reducer changes in place (copying a
/// kernel of 10,000 timers on every play advance would take most of a frame), and a version
/// that grows with every action, so a view's props are equal only within one version. Views
/// read it with [`Shared::get`] while they render; the reducer only writes between renders.
#[derive(Clone)]
pub struct Shared {
    cell: Rc<RefCell<State>>,
    version: u64,
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell) && self.version == other.version
    }
}

impl Shared {
    pub fn new(state: State) -> Shared {
        Shared {
            cell: Rc::new(RefCell::new(state)),
            version: 0,
        }
    }

    /// The state, for reading during a render.
    pub fn get(&self) -> Ref<'_, State> {
        self.cell.borrow()
    }

    /// Changes the state in place and returns its next version (what a reducer hands Yew).
    /// `None` when the state is borrowed: only a dispatch from inside a render could find it
    /// so, none does, and dropping that action beats a panic.
    pub(super) fn update(&self, change: impl FnOnce(&mut State)) -> Option<Shared> {
        let mut st = self.cell.try_borrow_mut().ok()?;
        change(&mut st);
        drop(st);
        Some(Shared {
            cell: Rc::clone(&self.cell),
            version: self.version + 1,
        })
    }
}

/// The reducer's handle on the state.
pub struct Model(Shared);

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.0.update(|st| st.apply(action)) {
            Some(next) => Rc::new(Model(next)),
            None => self,
        }
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Writes the hash (an empty one removes it) without adding a history entry; a browser that
/// refuses is ignored.
fn write_hash(h: &str) {
    let Some(w) = web_sys::window() else { return };
    let url = if h.is_empty() {
        let l = w.location();
        format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    } else {
        format!("#{h}")
    };
    if let Ok(hist) = w.history() {
        let _ = hist.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// What a key pressed inside the app (or a widget) asks for: Escape closes the help, other
/// keys are [`shortcut`]s (whose default the page then does not run). Keys typed into a field,
/// and chords with Ctrl, Meta or Alt, belong to the browser.
pub(super) fn key_action(e: &KeyboardEvent, help_open: bool) -> Option<Action> {
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

/// While `playing`, calls `advance` every `ms` milliseconds; the timer only dispatches.
#[hook]
pub(super) fn use_play_timer(playing: bool, ms: u32, advance: Callback<()>) {
    use_effect_with((playing, ms), move |&(playing, ms)| {
        let timer = playing.then(|| Interval::new(ms, move || advance.emit(())));
        move || drop(timer)
    });
}

/// While playing, a table (unreadable when it changes twenty times a second, and costly to lay
/// out) is rebuilt once per period of this many milliseconds.
pub(super) const REFRESH_MS: u32 = 250;

/// While `playing`, a count that grows once per [`REFRESH_MS`], first `offset_ms` after play
/// starts (paused, it stands still and views build on every render). A view rebuilds its table
/// when the count changes, in a render of its own that the count's timer asks for, between
/// two play advances: a frame that showed an advance and laid out a table of 50 rows too was
/// the slowest twentieth of all frames. Offsets of 25, 75 and 125 ms put the three tables
/// into three different gaps of the 50 ms play timer.
#[hook]
pub(super) fn use_refresh(playing: bool, offset_ms: u32) -> i64 {
    let count = use_mut_ref(|| 0i64);
    let redraw = use_force_update();
    {
        let count = count.clone();
        use_effect_with(playing, move |&playing| {
            let every: Rc<RefCell<Option<Interval>>> = Rc::default();
            let first = playing.then(|| {
                let every = every.clone();
                Timeout::new(offset_ms, move || {
                    let tick = move || {
                        *count.borrow_mut() += 1;
                        redraw.force_update();
                    };
                    tick();
                    *every.borrow_mut() = Some(Interval::new(REFRESH_MS, tick));
                })
            });
            move || {
                drop(first);
                every.borrow_mut().take();
            }
        });
    }
    let n = *count.borrow();
    n
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
    let model = use_reducer(|| Model(Shared::new(State::from_hash(&location_hash()))));
    let shared = model.0.clone();
    let state = shared.get();
    // One callback for the page's life (the dispatcher never changes), so that memoised views
    // see equal props.
    let dispatcher = model.dispatcher();
    let dispatch = use_callback((), move |a: Action, _| dispatcher.dispatch(a));

    {
        let d = model.dispatcher();
        let advance = Callback::from(move |_| d.dispatch(Action::Advance));
        use_play_timer(state.playing, state.interval_ms(), advance);
    }
    // While playing the hash would change (and a long scenario be encoded) on every advance:
    // it is written when play stops.
    use_effect_with((!state.playing).then(|| state.link()), |h| {
        if let Some(h) = h {
            write_hash(h)
        }
    });
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
            if let Some(a) = key_action(&e, help_open) {
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
            <Presets current={state.preset().map(|p| p.name)} on_action={dispatch.clone()} />
            { controls(&state, &dispatch) }
            if state.help_open {
                { help(&dispatch) }
            }
            if let Some(msg) = &k.panic {
                <section class="hc-panic" role="alert" data-testid="panic">
                    <h2>{ "panic" }</h2>
                    <p><code>{ format!("panic: {msg}") }</code></p>
                    <p>{ "The simulated machine has halted. Step back to the moment before, or reset." }</p>
                    <button type="button" onclick={dispatch.reform(|_| Action::StepBack)}>{ "step back" }</button>
                </section>
            }
            <Narration state={shared.clone()} />
            { routine_view(&state) }
            <div class="hc-views">
                <Wheel state={shared.clone()} on_action={dispatch.clone()} />
                <Timers state={shared.clone()} on_action={dispatch.clone()} />
                <Callwheel state={shared.clone()} />
                { rt_timer(&state, &dispatch) }
                { routes(&state, &dispatch) }
                <Radix state={shared.clone()} />
            </div>
            <Compare scenario={AttrValue::from(state.scenario.src.clone())} />
            <Console state={shared.clone()} on_action={dispatch} />
        </main>
    }
}
