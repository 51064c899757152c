//! The scenario editor (load / run) and the one-line console. Errors appear inline with line,
//! column and a caret under the place; nothing typed is ever thrown away.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::shared::Shared;
use super::state::Action;
use crate::script::ScriptError;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

/// A scenario error with its line and column (the widget shows it too).
pub(super) fn error_view(e: &ScriptError) -> Html {
    html! {
        <pre class="hc-error" role="alert" data-testid="script-error"
            data-line={e.line.to_string()} data-col={e.col.to_string()}>{ e.to_string() }</pre>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    /// The state's own text: equal props are the same pointer, found without reading it
    /// (`Rc<str>`'s own `==` reads both texts).
    text: ByPtr<str>,
    on_edit: Callback<InputEvent>,
}

/// The textarea alone, so that it renders only when the text changes: rendering it makes Yew
/// read the element's value back, which for a long scenario (800 KB) costs milliseconds.
#[function_component(Editor)]
fn editor(p: &EditorProps) -> Html {
    html! {
        <textarea id="hc-editor" spellcheck="false" rows="10" value={p.text.0.clone()} oninput={p.on_edit.clone()}
            aria-describedby="hc-editor-status" />
    }
}

/// A prop or memo key that is the same while it points at the same value.
#[derive(Clone)]
struct ByPtr<T: ?Sized>(Rc<T>);

impl<T: ?Sized> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let s = props.state.get();
    let input = use_node_ref();
    // The same callback across renders, so that the editor's props stay equal.
    let on_edit = use_callback(props.on_action.clone(), |e: InputEvent, on_action| {
        let text = e
            .target_dyn_into::<HtmlTextAreaElement>()
            .map(|t| t.value())
            .unwrap_or_default();
        on_action.emit(Action::EditText(text))
    });
    // The text is read when the button is pressed, not copied on every render (a long
    // scenario is 800 KB, and the console renders on every play advance).
    let load = {
        let (cb, state) = (props.on_action.clone(), props.state.clone());
        Callback::from(move |_: MouseEvent| {
            let text = state.get().text.to_string();
            cb.emit(Action::LoadScenario(text))
        })
    };
    let load_run = {
        let (cb, state) = (props.on_action.clone(), props.state.clone());
        Callback::from(move |_: MouseEvent| {
            let text = state.get().text.to_string();
            cb.emit(Action::LoadScenario(text));
            cb.emit(Action::RunScript);
        })
    };
    let on_console = {
        let (cb, input) = (props.on_action.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let line = i.value();
                if !line.trim().is_empty() {
                    cb.emit(Action::Console(line));
                    i.set_value("");
                }
            }
        })
    };
    // Compared only when the text or the scenario is a new one, not on every render.
    let dirty = *use_memo(
        (ByPtr(s.text.clone()), ByPtr(s.scenario.clone())),
        |(text, sc)| *text.0 != *sc.0.src,
    );
    html! {
        <section class="hc-panel hc-console" aria-labelledby="hc-console-h">
            <h2 id="hc-console-h">{ "Scenario" }</h2>
            <label for="hc-editor" class="hc-muted">{ "One statement per line or ;-separated; # starts a comment." }</label>
            <Editor text={ByPtr(s.text.clone())} {on_edit} />
            <div class="hc-row">
                <button id="hc-load" type="button" onclick={load}>{ "load" }</button>
                <button id="hc-load-run" type="button" onclick={load_run}>{ "load and run" }</button>
                <span id="hc-editor-status" class="hc-muted">
                    { if dirty { "edited: press load to use this text" } else { "loaded" } }
                </span>
            </div>
            if let Some(e) = &s.error { { error_view(e) } }
            <h3>{ "Console" }</h3>
            <ol class="hc-console-log" data-testid="console-log" aria-live="polite">
                { for s.console.iter().map(|c| html! {
                    <li>
                        <code class="hc-input">{ format!("{}> {}", c.line_no, c.input) }</code>
                        { for c.output.iter().map(|o| html! { <div class="hc-output">{ o }</div> }) }
                        if let Some(e) = &c.error { { error_view(e) } }
                        if let Some(p) = &c.panic { <div class="hc-error">{ format!("panic: {p}") }</div> }
                    </li>
                }) }
            </ol>
            <form class="hc-row" onsubmit={on_console}>
                <label for="hc-console-input">{ format!("{}>", s.console.len() + 1) }</label>
                <input id="hc-console-input" ref={input} type="text" spellcheck="false" autocomplete="off"
                    placeholder="timeout_add(&t1, 50)" />
                <button type="submit">{ "run" }</button>
            </form>
        </section>
    }
}
