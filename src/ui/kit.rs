//! The instructor's kit drawer (issue #20): paste a routing table and load it as `route_add`
//! statements (with a preview and the lines it cannot use), export the trace of the run so far
//! (the CLI's formats, by its own serializer), save each view shown as SVG or PNG, print a
//! handout. Everything without controls is written as markup text.

use std::fmt::Write;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::app::Shared;
use super::embed_params::View;
use super::figure::{blob, download, save, stem};
use super::state::Action;
use super::svg::esc;
use crate::import::routes::import;
use crate::script::trace::Format;

#[derive(Properties, PartialEq)]
pub struct KitProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

/// The panel class of a view (`.hc-views > .hc-wheel`).
fn panel_class(v: View) -> &'static str {
    match v {
        View::Wheel => "hc-wheel",
        View::Callwheel => "hc-callwheel",
        View::Timers => "hc-timers",
        View::RtTimer => "hc-rttimer",
        View::Routes => "hc-routes",
        _ => "hc-radix",
    }
}

/// Saves the figure of view `v` as SVG, or as PNG at 2x.
fn save_figure(v: View, as_png: bool, name: String) {
    let panel = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!(".hc-views > .{}", panel_class(v)))
            .ok()
            .flatten()
    });
    if let Some(p) = panel {
        save(&p, as_png, name);
    }
}

fn button(label: String, id: String, onclick: Callback<MouseEvent>) -> Html {
    html! { <button type="button" data-kit={id} {onclick}>{ label }</button> }
}

#[function_component(Kit)]
pub fn kit(p: &KitProps) -> Html {
    let s = p.state.get();
    let on_text = p.on_action.reform(|e: InputEvent| {
        Action::ImportText(
            e.target_dyn_into::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default(),
        )
    });
    let on_fib = p.on_action.reform(|e: Event| {
        Action::ImportFib(
            e.target_dyn_into::<HtmlInputElement>()
                .and_then(|t| t.value().parse().ok())
                .unwrap_or(0),
        )
    });
    // The preview is read again only when the pasted text or the FIB changes.
    let key = (
        Rc::as_ptr(&s.import_text) as *const u8 as usize,
        s.import_fib,
    );
    let text = s.import_text.clone();
    let preview = use_memo(key, move |&(_, fib)| {
        if text.trim().is_empty() {
            return (String::new(), 0);
        }
        let mut o = String::new();
        match import(&text, fib) {
            Ok(im) => {
                let _ = write!(
                    o,
                    r#"<pre class="hc-kit-preview" data-testid="import-preview">{}</pre>"#,
                    esc(&im.statements())
                );
                if !im.unused.is_empty() {
                    o.push_str(r#"<ol class="hc-kit-unused" data-testid="import-unused">"#);
                    for u in &im.unused {
                        let _ = write!(
                            o,
                            "<li>line {}, column {}: {}<br><code>{}</code></li>",
                            u.line,
                            u.col,
                            esc(&u.why),
                            esc(&u.echo)
                        );
                    }
                    o.push_str("</ol>");
                }
                (o, im.routes.len())
            }
            Err(e) => (
                format!(
                    r#"<p class="hc-error" role="alert" data-testid="import-error">{}</p>"#,
                    esc(&e.to_string())
                ),
                0,
            ),
        }
    });
    let stem = stem(&s);
    let traces = Format::ALL.into_iter().map(|f| {
        let (state, name) = (p.state.clone(), format!("{stem}.{}", f.extension()));
        let save = Callback::from(move |_: MouseEvent| {
            let (k, outcome) = state.get().full_run();
            let mut text = f.lines(&k, &outcome).join("\n");
            text.push('\n');
            if let Some(b) = blob(&text, f.mime()) {
                download(&name, &b);
            }
        });
        button(
            format!("{} ({})", f.name(), f.extension()),
            format!("trace-{}", f.name()),
            save,
        )
    });
    let figures = s.views().into_iter().filter(|v| {
        matches!(
            v,
            View::Wheel
                | View::Callwheel
                | View::Timers
                | View::RtTimer
                | View::Routes
                | View::Radix
        )
    });
    let figures = figures.flat_map(|v| {
        [false, true].map(|as_png| {
            let name = format!("{stem}-{}", v.name());
            let ext = if as_png { "png" } else { "svg" };
            button(
                format!("{} {}", v.name(), ext.to_uppercase()),
                format!("{}-{ext}", v.name()),
                Callback::from(move |_: MouseEvent| save_figure(v, as_png, name.clone())),
            )
        })
    });
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let fib = s.import_fib;
    html! {
        <section class="hc-panel hc-kit" aria-labelledby="hc-kit-h" data-testid="kit">
            <h2 id="hc-kit-h">{ "Instructor's kit" }</h2>
            <h3>{ "Figure of the views shown" }</h3>
            <p class="hc-row">{ for figures }</p>
            <h3>{ "Trace of the run so far" }</h3>
            <p class="hc-row">{ for traces }{ button("print handout".into(), "print".into(), print) }</p>
            <h3><label for="hc-import">{ "Import a routing table" }</label></h3>
            <p class="hc-muted">{ "Paste netstat -rn (FreeBSD, NetBSD, OpenBSD, macOS), route -n or ip route." }</p>
            <textarea id="hc-import" spellcheck="false" rows="6" value={s.import_text.to_string()} oninput={on_text}
                placeholder="default            192.168.1.1        UGS         em0" />
            <p class="hc-row">
                <label>{ "into fib " }
                    <input id="hc-import-fib" type="number" min="0" max="15" value={fib.to_string()} onchange={on_fib} />
                </label>
                <button type="button" id="hc-import-add" disabled={preview.1 == 0}
                    onclick={p.on_action.reform(|_| Action::ImportLoad(false))}>{ "add to the scenario" }</button>
                <button type="button" id="hc-import-replace" disabled={preview.1 == 0}
                    onclick={p.on_action.reform(|_| Action::ImportLoad(true))}>{ "load as the scenario and run it" }</button>
            </p>
            { Html::from_html_unchecked(preview.0.clone().into()) }
        </section>
    }
}
