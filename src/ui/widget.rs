//! The compact widget for course notes, slides and LMS pages: one chosen view with the step
//! controls and the narration, sized to its container, without the app's page chrome.
//!
//! Each widget owns its own reducer and play timer. Unlike the app it never reads or writes
//! the URL hash and uses no storage (a sandboxed iframe has none, and several widgets share a
//! page); its keyboard shortcuts listen on its own root element only, so a reader steps the
//! widget that has focus. The host page talks to it by `postMessage` ([`super::host_link`]).
//! A playing widget holds still while it is scrolled out of view or its tab is hidden: a
//! page of notes with several autoplaying widgets would otherwise run them all, unseen.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ResizeObserver};
use yew::prelude::*;

use super::callwheel::Callwheel;
use super::console::{error_view, Console};
use super::embed::{self, WidgetAction};
use super::embed_params::{EmbedConfig, View};
use super::help::help;
use super::hooks::use_play_timer;
use super::host_link::{post_answer, use_host_link};
use super::keys::key_action;
use super::narration::pin_newest;
use super::narration::Narration;
use super::predict::{predict_panel, use_question};
use super::predict_state::Predict;
use super::radix::Radix;
use super::routes::routes;
use super::routine::routine_view;
use super::rttimer::rt_timer;
use super::shared::Shared;
use super::state::Action;
use super::timers::Timers;
use super::wheel::Wheel;
use super::widget_controls::widget_controls;
use crate::script::presets::parse_header;

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub config: Rc<EmbedConfig>,
    /// The widget is its page's only content (an iframe).
    #[prop_or_default]
    pub framed: bool,
}

/// The widget's reducer: [`embed::reduce`] over the app's [`super::state::State`].
pub struct WidgetModel(Shared);

impl Reducible for WidgetModel {
    type Action = WidgetAction;

    fn reduce(self: Rc<Self>, action: WidgetAction) -> Rc<Self> {
        match self.0.update(|st| embed::apply(st, action)) {
            Some(next) => Rc::new(WidgetModel(next)),
            None => self,
        }
    }
}

/// Keeps the narration box (it scrolls) showing its newest sentence, the last one: after each
/// step, and when the widget's width changes (the page's scroll bar appears, the window turns),
/// which rewraps the sentences.
#[hook]
fn use_newest_narration(root: &NodeRef, shared: &Shared) {
    let pin = {
        let root = root.clone();
        move || pin_newest(&root)
    };
    {
        let pin = pin.clone();
        use_effect_with(shared.clone(), move |_| pin());
    }
    let root = root.clone();
    use_effect_with((), move |_| {
        let cb = Closure::<dyn Fn()>::new(pin);
        let observer = ResizeObserver::new(cb.as_ref().unchecked_ref()).ok();
        if let (Some(o), Some(el)) = (&observer, root.cast::<Element>()) {
            o.observe(&el);
        }
        move || {
            if let Some(o) = observer {
                o.disconnect();
            }
            drop(cb);
        }
    });
}

/// Whether some of `el` is inside the window's height and the page is showing (not a
/// background tab). Read once per play advance; by then a frame has usually laid out the last
/// render, so the read forces no extra layout.
fn in_view(el: &Element) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let height = w
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let r = el.get_bounding_client_rect();
    w.document().is_some_and(|d| !d.hidden()) && r.bottom() > 0.0 && r.top() < height
}

#[function_component(Widget)]
pub fn widget(props: &WidgetProps) -> Html {
    let cfg = props.config.clone();
    let model = {
        let cfg = cfg.clone();
        use_reducer(move || WidgetModel(Shared::new(embed::initial_state(&cfg))))
    };
    let shared = model.0.clone();
    let state = shared.get();
    let dispatch = {
        let d = model.dispatcher();
        Callback::from(move |a: WidgetAction| d.dispatch(a))
    };
    let on_action = dispatch.reform(WidgetAction::Do);
    let root = use_node_ref();

    {
        let (d, root) = (model.dispatcher(), root.clone());
        let advance = Callback::from(move |_| {
            let Some(el) = root.cast::<Element>() else {
                return;
            };
            if in_view(&el) {
                d.dispatch(Action::Advance.into());
            } else {
                // How many advances it held back, on the element (not rendered state, which
                // would re-render an unseen widget): tests wait for this instead of a time.
                let held = el
                    .get_attribute("data-held")
                    .and_then(|v| v.parse::<u64>().ok());
                let _ = el.set_attribute("data-held", &(held.unwrap_or(0) + 1).to_string());
            }
        });
        use_play_timer(state.playing, state.interval_ms(), advance);
    }
    {
        // A fixed height goes through the CSSOM: a strict CSP blocks `style` attributes.
        let (root, height) = (root.clone(), cfg.height.clone());
        use_effect_with(height, move |h| {
            if let (Some(h), Some(el)) = (h, root.cast::<HtmlElement>()) {
                let _ = el.style().set_property("height", h);
            }
        });
    }
    use_newest_narration(&root, &shared);
    use_host_link(&root, &cfg, &shared, &dispatch, props.framed);

    let predict = use_state(Predict::default);
    let question = use_question(&shared, cfg.predict);
    let on_answer = {
        let (q, predict, dispatch, cfg, framed) = (
            question.clone(),
            predict.clone(),
            dispatch.clone(),
            cfg.clone(),
            props.framed,
        );
        Callback::from(move |given: String| {
            let Some(q) = (*q).clone() else { return };
            let mut p = (*predict).clone();
            let correct = p.answer(q.clone(), &given);
            predict.set(p);
            post_answer(&cfg, framed, q.kind.as_str(), correct);
            // The machine steps: what was predicted happens on screen.
            dispatch.emit(WidgetAction::Steps(1));
        })
    };

    let onkeydown = {
        let dispatch = dispatch.clone();
        let help_open = state.help_open;
        Callback::from(move |e: KeyboardEvent| {
            // The widget's step goes on with hardclocks once the script has ended.
            match key_action(&e, help_open) {
                Some(Action::StepStatement) => dispatch.emit(WidgetAction::Steps(1)),
                Some(a) => dispatch.emit(a.into()),
                None => {}
            }
        })
    };

    let view = cfg.view.unwrap_or_else(|| embed::default_view(&state));
    // A scenario written into the page may carry a preset's header (`# title: ...`).
    let title = match state.preset() {
        Some(p) => p.title.clone(),
        None => parse_header(&state.scenario.src)
            .map(|h| h.title)
            .unwrap_or_else(|_| "hardclock scenario".to_string()),
    };
    let k = state.kernel();
    let next = match state.next_statement() {
        Some((line, text)) => html! {
            <>{ "next: line " }{ line }{ " " }<code>{ text.to_string() }</code></>
        },
        None => html! { { "the scenario has run to its end" } },
    };
    let body = match view {
        View::Wheel => html! { <Wheel state={shared.clone()} on_action={on_action.clone()} /> },
        View::Timers => html! { <Timers state={shared.clone()} on_action={on_action.clone()} /> },
        View::Callwheel => html! { <Callwheel state={shared.clone()} /> },
        View::RtTimer => rt_timer(&state, &on_action),
        View::Routes => routes(&state, &on_action),
        View::Radix => html! { <Radix state={shared.clone()} /> },
        View::Pseudocode => routine_view(&state),
        View::Console => html! { <Console state={shared.clone()} on_action={on_action.clone()} /> },
        // The mount turns a `view=compare` host into the tools module's lab host
        // (`embed_mount::as_lab_host`): the lab is not in the widgets module.
        View::Compare => html! {
            <p class="hc-note">{ "The scheme lab loads as a module of its own (hardclock-tools.js)." }</p>
        },
    };
    let class = classes!(
        "hc-widget",
        props.framed.then_some("hc-framed"),
        cfg.height.is_some().then_some("hc-fixed")
    );
    html! {
        <div {class} ref={root} tabindex="0" {onkeydown} role="region"
            aria-label={format!("hardclock: {title}")} data-testid="widget"
            data-view={view.name()} data-theme={cfg.theme.name()}
            data-widget-id={cfg.id.clone()}>
            if !cfg.problems.is_empty() {
                <div class="hc-w-problems" role="alert" data-testid="embed-problems">
                    <p><strong>{ "This hardclock widget has a problem with its parameters:" }</strong></p>
                    <ul>{ for cfg.problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
                </div>
            }
            <header class="hc-w-head">
                <strong class="hc-w-title" data-testid="title">{ title }</strong>
                <span class="hc-w-clock">
                    { "ticks " }<b data-testid="ticks">{ k.clock.ticks }</b>
                    { " · step " }<b data-testid="steps">{ state.steps }</b>
                </span>
                <span class="hc-w-next hc-muted" data-testid="next">{ next }</span>
            </header>
            { widget_controls(&state, &dispatch) }
            if cfg.predict {
                { predict_panel(question.as_ref().as_ref(), &predict, &on_answer) }
            }
            <div class="hc-w-body">
                if let Some(n) = &state.notice {
                    <div class="hc-notice" role="status" data-testid="notice">
                        <p>{ n }</p>
                        <button type="button" onclick={on_action.reform(|_| Action::DismissNotice)}>{ "dismiss" }</button>
                    </div>
                }
                if let (Some(e), false) = (&state.error, view == View::Console) {
                    { error_view(e) }
                }
                if state.help_open {
                    { help(&on_action) }
                }
                if let Some(msg) = &k.panic {
                    <section class="hc-panic" role="alert" data-testid="panic">
                        <p><code>{ format!("panic: {msg}") }</code></p>
                        <p>{ "The simulated machine has halted. Step back to the moment before, or reset." }</p>
                    </section>
                }
                <Narration state={shared.clone()} />
                { body }
            </div>
        </div>
    }
}
