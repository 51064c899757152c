//! The root component: owns the reducer, the play timer, the URL hash and the keyboard
//! shortcuts (scoped to this element), and lays out the views. With an embed configuration
//! it is the compact widget of [`super::widget`] instead, which touches neither the hash nor
//! any storage (several widgets share one page).

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;
use yew::prelude::*;

use super::callwheel::Callwheel;
use super::console::Console;
use super::controls::controls;
use super::help::help;
use super::hooks::use_play_timer;
use super::keys::key_action;
use super::lab_host::LabHost;
use super::narration::{pin_newest, Narration};
use super::predict::{predict_panel, use_question};
use super::predict_state::Predict;
use super::presets::Presets;
use super::radix::Radix;
use super::routes::routes;
use super::routine::routine_view;
use super::rttimer::rt_timer;
use super::shared::Shared;
use super::state::{Action, Drawer, State};
use super::timeline::Timeline;
use super::timers::Timers;
use super::view::View;
use super::wheel::Wheel;

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

/// The switcher's label of a view.
fn view_label(v: View) -> &'static str {
    match v {
        View::Wheel => "wheel",
        View::Timers => "timers",
        View::Callwheel => "callwheel",
        View::RtTimer => "rt_timer",
        View::Routes => "routes",
        View::Radix => "radix tree",
        View::Pseudocode => "pseudocode",
        View::Console => "console",
        View::Compare => "scheme lab",
    }
}

/// The views the switcher offers (the pseudocode and the console have their own places).
const SWITCHED: [View; 6] = [
    View::Wheel,
    View::Callwheel,
    View::Timers,
    View::RtTimer,
    View::Routes,
    View::Radix,
];

/// Keys only the full page has: Escape closes a drawer, `p` toggles presenter mode, and in
/// presenter mode the arrow keys and a clicker's page keys step forward and back.
fn page_key(e: &KeyboardEvent, s: &State) -> Option<Action> {
    let typing = e
        .target_dyn_into::<HtmlElement>()
        .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let a = match e.key().as_str() {
        "Escape" if s.drawer.is_some() && !s.help_open => Action::ToggleDrawer(None),
        "p" => Action::TogglePresent,
        "ArrowRight" | "PageDown" if s.present => forward(s),
        "ArrowLeft" | "PageUp" if s.present => Action::StepBack,
        _ => return None,
    };
    e.prevent_default();
    Some(a)
}

/// One step forward: the next statement, or a hardclock once the script has ended.
fn forward(s: &State) -> Action {
    if s.next_statement().is_some() {
        Action::StepStatement
    } else {
        Action::Hardclock
    }
}

/// The whole app (index.html). The widgets of course pages and the scheme lab are another
/// wasm module (src/bin/hardclock-widgets.rs), which the lab's drawer loads when first opened:
/// nothing here names them, so none of their code is in this bundle.
#[function_component(FullApp)]
pub fn full_app() -> Html {
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
    // The theme is the document's (its background and scroll bars follow it too).
    use_effect_with(state.theme, |t| {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(r) = root {
            let _ = match t {
                Some(t) => r.set_attribute("data-theme", t.name()),
                None => r.remove_attribute("data-theme"),
            };
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

    // The narration beside the picture scrolls: its newest sentence stays in view. Not while
    // playing (it then holds one sentence), so that no play advance pays for the layout that
    // reading its height forces.
    let root = use_node_ref();
    {
        let root = root.clone();
        let key = (!state.playing).then_some((state.steps, state.reveal, state.machine.logged));
        use_effect_with(key, move |key| {
            if key.is_some() {
                pin_newest(&root);
            }
        });
    }

    let predict = use_state(Predict::default);
    let question = use_question(&shared, state.predict);
    let on_answer = {
        let (q, predict, dispatch, shared) = (
            question.clone(),
            predict.clone(),
            dispatch.clone(),
            shared.clone(),
        );
        Callback::from(move |given: String| {
            let Some(q) = (*q).clone() else { return };
            let mut p = (*predict).clone();
            p.answer(q, &given);
            predict.set(p);
            // The machine steps: what was predicted happens on screen.
            let step = forward(&shared.get());
            dispatch.emit(step);
        })
    };

    let onkeydown = {
        let (dispatch, shared) = (dispatch.clone(), shared.clone());
        Callback::from(move |e: KeyboardEvent| {
            let a = {
                let s = shared.get();
                page_key(&e, &s).or_else(|| key_action(&e, s.help_open))
            };
            if let Some(a) = a {
                dispatch.emit(a);
            }
        })
    };

    let k = state.kernel();
    let clock = &k.clock;
    let next = match state.next_statement() {
        Some((line, text)) => html! {
            <>{ "next: line " }{ line }{ " " }<code>{ text.to_string() }</code></>
        },
        None => html! { { "the scenario has run to its end" } },
    };
    let title = state
        .preset()
        .map_or("your own scenario", |p| p.title.as_str());
    let views = state.views();
    let names = views.iter().map(|v| v.name()).collect::<Vec<_>>().join(" ");
    // The timer table beside a wheel comes after the timeline: the wheel is the picture.
    let (main, rest): (Vec<View>, Vec<View>) = views
        .iter()
        .partition(|&&v| v != View::Timers || views.len() == 1);
    let lesson = state
        .lesson_views()
        .iter()
        .map(|&v| view_label(v))
        .collect::<Vec<_>>()
        .join(" + ");
    let panel = |v: View| -> Html {
        match v {
            View::Wheel => html! { <Wheel state={shared.clone()} on_action={dispatch.clone()} /> },
            View::Timers => {
                html! { <Timers state={shared.clone()} on_action={dispatch.clone()} /> }
            }
            View::Callwheel => html! { <Callwheel state={shared.clone()} /> },
            View::RtTimer => rt_timer(&state, &dispatch),
            View::Routes => routes(&state, &dispatch),
            View::Radix => html! { <Radix state={shared.clone()} /> },
            // The lab has its own drawer (and a widget of its own, `data-view="compare"`).
            View::Pseudocode | View::Console | View::Compare => html! {},
        }
    };
    let switch = |v: Option<View>, label: String| {
        let on = state.view == v;
        html! {
            <button type="button" class="hc-tab" aria-pressed={on.to_string()}
                data-view={v.map_or("lesson", |v| v.name())}
                onclick={dispatch.reform(move |_| Action::SetView(v))}>{ label }</button>
        }
    };
    let drawer_btn = |d: Drawer, label: &'static str| {
        let open = state.drawer == Some(d);
        html! {
            <button type="button" class="hc-tab" data-drawer-btn={d.name()} aria-expanded={open.to_string()}
                aria-controls={format!("hc-drawer-{}", d.name())}
                onclick={dispatch.reform(move |_| Action::ToggleDrawer(Some(d)))}>{ label }</button>
        }
    };
    let drawer = |d: Drawer, label: &'static str, body: Html| {
        let open = state.drawer == Some(d);
        html! {
            <aside id={format!("hc-drawer-{}", d.name())} class="hc-drawer" hidden={!open}
                aria-label={label} data-testid="drawer" data-drawer={d.name()}>
                <button type="button" class="hc-close" aria-label="close"
                    onclick={dispatch.reform(|_| Action::ToggleDrawer(None))}>{ "✕" }</button>
                { body }
            </aside>
        }
    };
    html! {
        <main ref={root} class={classes!("hc-app", state.present.then_some("hc-present"))} tabindex="0" {onkeydown}
            aria-label="hardclock simulator" data-drawer={state.drawer.map(|d| d.name())}>
            <header class="hc-top">
                <h1>{ "hardclock" }</h1>
                <strong class="hc-lesson" data-testid="lesson-title">{ title }</strong>
                <p class="hc-status" aria-label="Clock">
                    { "ticks " }<b id="hc-ticks" data-testid="ticks">{ clock.ticks }</b>
                    { " · hz " }{ clock.hz }
                    { " · uptime " }{ format!("{} s", clock.time_uptime()) }
                    { " · step " }<b data-testid="steps">{ state.steps }</b>
                    <span class="hc-next" data-testid="next">{ " · " }{ next }</span>
                </p>
                <nav class="hc-tabs" aria-label="Panels">
                    { drawer_btn(Drawer::Lesson, "lesson note") }
                    { drawer_btn(Drawer::Scenario, "scenario & console") }
                    { drawer_btn(Drawer::Log, "event log") }
                    { drawer_btn(Drawer::Lab, "scheme lab") }
                    { drawer_btn(Drawer::Kit, "kit: import, export") }
                    <button type="button" class="hc-tab" id="hc-theme" onclick={dispatch.reform(|_| Action::CycleTheme)}
                        title="Theme: light, dark, or the system's">
                        { match state.theme { Some(t) => t.name(), None => "auto" } }{ " theme" }</button>
                    <button type="button" class="hc-tab" id="hc-present" aria-pressed={state.present.to_string()}
                        aria-keyshortcuts="p" onclick={dispatch.reform(|_| Action::TogglePresent)}
                        title="Presenter mode: the picture and the narration, large; arrow keys step (p)">{ "present" }</button>
                    <button type="button" class="hc-tab" id="hc-predict" aria-pressed={state.predict.to_string()}
                        onclick={dispatch.reform(|_| Action::TogglePredict)}
                        title="Predict mode: before each step that settles something, predict it; then the machine steps">{ "predict" }</button>
                </nav>
            </header>
            if let Some(n) = &state.notice {
                <div class="hc-notice" role="status" data-testid="notice">
                    <p>{ n }</p>
                    <button type="button" onclick={dispatch.reform(|_| Action::DismissNotice)}>{ "dismiss" }</button>
                </div>
            }
            { controls(&state, &dispatch) }
            if state.predict {
                { predict_panel(question.as_ref().as_ref(), &predict, &on_answer) }
            }
            if let Some(msg) = &k.panic {
                <section class="hc-panic" role="alert" data-testid="panic">
                    <h2>{ "panic" }</h2>
                    <p><code>{ format!("panic: {msg}") }</code></p>
                    <p>{ "The simulated machine has halted. Step back to the moment before, or reset." }</p>
                    <button type="button" onclick={dispatch.reform(|_| Action::StepBack)}>{ "step back" }</button>
                </section>
            }
            <div class="hc-stage">
                <div class="hc-picture" data-testid="picture">
                    <nav class="hc-tabs hc-switch" aria-label="Views">
                        { switch(None, format!("lesson: {lesson}")) }
                        { for SWITCHED.into_iter().map(|v| switch(Some(v), view_label(v).to_string())) }
                    </nav>
                    <div class="hc-views" data-testid="views" data-views={names}>
                        { for main.into_iter().map(panel) }
                    </div>
                    <Timeline state={shared.clone()} on_action={dispatch.clone()} />
                    if !rest.is_empty() {
                        <div class="hc-views">{ for rest.into_iter().map(panel) }</div>
                    }
                </div>
                <div class="hc-side">
                    <Narration state={shared.clone()} />
                    { routine_view(&state) }
                </div>
            </div>
            { drawer(Drawer::Lesson, "Lesson", html! {
                <Presets current={state.preset().map(|p| p.name)} on_action={dispatch.clone()} />
            }) }
            { drawer(Drawer::Scenario, "Scenario and console", html! {
                <Console state={shared.clone()} on_action={dispatch.clone()} />
            }) }
            // The lab is another wasm module, in a drawer outside this tree (src/ui/lab_host.rs).
            <LabHost kind="lab" label="Scheme lab" open={state.drawer == Some(Drawer::Lab)}
                scenario={AttrValue::from(state.scenario.src.clone())}
                on_close={dispatch.reform(|_| Action::ToggleDrawer(None))} />
            <LabHost kind="kit" label="Instructor's kit" open={state.drawer == Some(Drawer::Kit)}
                scenario={AttrValue::default()}
                on_close={dispatch.reform(|_| Action::ToggleDrawer(None))} />
            if state.help_open {
                <aside class="hc-drawer">{ help(&dispatch) }</aside>
            }
        </main>
    }
}
