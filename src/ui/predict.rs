//! Predict, then step: the question before the step, the choices (or a number to type), and
//! the latest answer marked with the kernel's explanation. Everything is a button or a form
//! field, so it works from the keyboard alone (Tab to a choice, Enter).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::predict_state::Predict;
use super::shared::Shared;
use super::state::State;
use crate::quiz::{ask_at, checkpoints, Answer, Question};

/// The question before the next step: statement `next_stmt`, or one hardclock after the end
/// (the kernel is the moment, console lines and lone hardclocks included).
fn ask(st: &State) -> Option<Rc<Question>> {
    let sc = &st.scenario;
    let cps = checkpoints(sc).unwrap_or_default();
    ask_at(
        sc,
        st.kernel(),
        &st.machine.interp,
        st.machine.next_stmt,
        &cps,
    )
    .map(Rc::new)
}

/// The question of the moment while predict mode is `on`, worked out once per moment (not
/// while playing: a question per frame would be asked of nobody).
#[hook]
pub fn use_question(shared: &Shared, on: bool) -> Rc<Option<Rc<Question>>> {
    let key = {
        let st = shared.get();
        (
            on && !st.playing,
            st.steps,
            st.kernel().clock.elapsed,
            st.machine.next_stmt,
            Rc::as_ptr(&st.scenario) as usize,
        )
    };
    let shared = shared.clone();
    use_memo(key, move |k| k.0.then(|| ask(&shared.get())).flatten())
}

/// A function, not a component, like [`super::widget_controls::widget_controls`]: the panel
/// changes with every step. `on_answer` gets the chosen or typed answer.
pub fn predict_panel(q: Option<&Rc<Question>>, p: &Predict, on_answer: &Callback<String>) -> Html {
    let verdict = p.verdict().map(|v| {
        let ok = p.last.as_ref().is_some_and(|m| m.correct);
        html! {
            <p class={classes!("hc-p-verdict", if ok { "hc-ok" } else { "hc-bad" })}
                data-testid="predict-verdict" data-correct={ok.to_string()}>
                <b>{ if ok { "✓ " } else { "✗ " } }</b>{ v }
            </p>
        }
    });
    let ask = match q {
        None => {
            html! { <p class="hc-muted" data-testid="predict-none">{ "Nothing to predict before this step: step on." }</p> }
        }
        Some(q) => {
            let choices = q.choices.iter().map(|c| {
                let text = c.to_string();
                let pick = on_answer.reform({
                    let t = text.clone();
                    move |_: MouseEvent| t.clone()
                });
                html! { <button type="button" data-choice={text.clone()} onclick={pick}>{ text }</button> }
            });
            let typed = matches!(q.answer, Answer::Int(_)).then(|| {
                let onsubmit = on_answer.reform(|e: SubmitEvent| {
                    e.prevent_default();
                    e.target_dyn_into::<web_sys::Element>()
                        .and_then(|f| f.query_selector("input").ok().flatten())
                        .and_then(|i| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(i).ok())
                        .map(|i| i.value())
                        .unwrap_or_default()
                });
                html! {
                    <form class="hc-p-typed" {onsubmit}>
                        <label>{ "or type it " }<input type="number" data-testid="predict-input" /></label>
                        <button type="submit">{ "check" }</button>
                    </form>
                }
            });
            html! {
                <>
                    <p data-testid="predict-question" data-kind={q.kind.as_str()}>{ q.question.clone() }</p>
                    <div class="hc-p-choices" role="group" aria-label="Your prediction">{ for choices }</div>
                    { typed.unwrap_or_default() }
                </>
            }
        }
    };
    html! {
        <section class="hc-predict" data-testid="predict" aria-label="Predict, then step">
            <p class="hc-p-score" data-testid="predict-score" aria-live="polite">
                <b>{ "Predict" }</b>{ " · " }{ p.score() }
            </p>
            <div aria-live="polite">{ verdict.unwrap_or_default() }</div>
            { ask }
        </section>
    }
}
