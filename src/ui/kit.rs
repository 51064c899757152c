//! The instructor's kit (issue #20): paste a routing table and load it as `route_add`
//! statements (with a preview and the lines it cannot use), export the trace of the run so far
//! (the CLI's formats, by its own serializer), save each view shown as SVG or PNG, print a
//! handout. Everything without controls is written as markup text.
//!
//! The kit lives in the widgets module (src/bin/hardclock-widgets.rs), not in the app's own
//! bundle: the app's "kit" drawer loads it on first opening (src/ui/lab_host.rs), and it mounts
//! into `<div data-hardclock-kit>` (src/ui/embed_mount.rs). It talks to the app through what
//! the page already has: the moment is the page's link (`location.hash`, which the app keeps
//! up to date while paused), the pictures are the app's panels in the document, and a loaded
//! table goes back to the app as a new link (the app follows `hashchange`).

use std::fmt::Write;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::figure::{blob, download, save, stem};
use super::state::State;
use super::svg::esc;
use super::view::View;
use crate::import::routes::import;
use crate::kernel::route::rtentry::RT_MAXFIBS;
use crate::script::trace::Format;

/// The views a figure can be made of, with the panel class each one has in the app
/// (`.hc-views > .hc-wheel`).
const FIGURES: [(View, &str); 6] = [
    (View::Wheel, "hc-wheel"),
    (View::Callwheel, "hc-callwheel"),
    (View::Timers, "hc-timers"),
    (View::RtTimer, "hc-rttimer"),
    (View::Routes, "hc-routes"),
    (View::Radix, "hc-radix"),
];

/// The app's state at this moment, from the page's link.
fn page_state() -> State {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    State::from_hash(&hash)
}

/// Saves the figure of the panel with class `class`, or says why it cannot.
fn save_figure(v: View, class: &str, as_png: bool) -> Option<String> {
    let panel = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!(".hc-views > .{class}"))
            .ok()
            .flatten()
    });
    match panel {
        Some(p) => {
            save(&p, as_png, format!("{}-{}", stem(&page_state()), v.name()));
            None
        }
        None => Some(format!(
            "The {} is not on the page: choose it in the view switcher first.",
            v.name()
        )),
    }
}

fn button(label: String, id: String, onclick: Callback<MouseEvent>) -> Html {
    html! { <button type="button" data-kit={id} {onclick}>{ label }</button> }
}

/// The import's preview: the statements and the lines it cannot use, as markup, and how many
/// routes it found.
fn preview(text: &str, fib: u32) -> (String, usize) {
    if text.trim().is_empty() {
        return (String::new(), 0);
    }
    let mut o = String::new();
    match import(text, fib) {
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
}

/// Loads the pasted table into the page's scenario (after it, or instead of it) and hands the
/// page the result as its new link; a table that loads nothing says why.
fn load(text: &str, fib: u32, replace: bool) -> Option<String> {
    let mut s = page_state();
    s.import_routes(text, fib, replace);
    if let Some(n) = s.notice.take() {
        return Some(n);
    }
    let hash = format!("#{}", s.to_hash());
    if let Some(w) = web_sys::window() {
        // A new hash: the app's `hashchange` listener opens the link.
        let _ = w.location().set_hash(&hash);
    }
    None
}

#[function_component(Kit)]
pub fn kit() -> Html {
    let text = use_state(String::new);
    let fib = use_state(|| 0u32);
    let said = use_state(|| None::<String>);
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(t.value());
            }
        })
    };
    let on_fib = {
        let fib = fib.clone();
        Callback::from(move |e: Event| {
            if let Some(n) = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|t| t.value().parse::<u32>().ok())
            {
                fib.set(n.min(RT_MAXFIBS - 1));
            }
        })
    };
    // The preview is read again only when the pasted text or the FIB changes.
    let shown = use_memo(((*text).clone(), *fib), |(t, f)| preview(t, *f));
    let traces = Format::ALL.into_iter().map(|f| {
        let save = Callback::from(move |_: MouseEvent| {
            let s = page_state();
            let (k, outcome) = s.full_run();
            let mut out = f.lines(&k, &outcome).join("\n");
            out.push('\n');
            if let Some(b) = blob(&out, f.mime()) {
                download(&format!("{}.{}", stem(&s), f.extension()), &b);
            }
        });
        button(
            format!("{} ({})", f.name(), f.extension()),
            format!("trace-{}", f.name()),
            save,
        )
    });
    let figures = FIGURES.into_iter().flat_map(|(v, class)| {
        let said = said.clone();
        [false, true].map(move |as_png| {
            let ext = if as_png { "png" } else { "svg" };
            let said = said.clone();
            button(
                format!("{} {}", v.name(), ext.to_uppercase()),
                format!("{}-{ext}", v.name()),
                Callback::from(move |_: MouseEvent| said.set(save_figure(v, class, as_png))),
            )
        })
    });
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let on_load = |replace: bool| {
        let (text, fib, said) = (text.clone(), fib.clone(), said.clone());
        Callback::from(move |_: MouseEvent| said.set(load(&text, *fib, replace)))
    };
    html! {
        <section class="hc-panel hc-kit" aria-labelledby="hc-kit-h" data-testid="kit">
            <h2 id="hc-kit-h">{ "Instructor's kit" }</h2>
            if let Some(m) = &*said {
                <p class="hc-notice" role="status" data-testid="kit-notice">{ m }</p>
            }
            <h3>{ "Figures of the views shown" }</h3>
            <p class="hc-row">{ for figures }</p>
            <h3>{ "Trace of the run so far" }</h3>
            <p class="hc-row">{ for traces }{ button("print handout".into(), "print".into(), print) }</p>
            <h3><label for="hc-import">{ "Import a routing table" }</label></h3>
            <p class="hc-muted">{ "Paste netstat -rn (FreeBSD, NetBSD, OpenBSD, macOS), route -n or ip route." }</p>
            <textarea id="hc-import" spellcheck="false" rows="6" value={(*text).clone()} oninput={on_text}
                placeholder="default            192.168.1.1        UGS         em0" />
            <p class="hc-row">
                <label>{ "into fib " }
                    <input id="hc-import-fib" type="number" min="0" max="15" value={fib.to_string()} onchange={on_fib} />
                </label>
                <button type="button" id="hc-import-add" disabled={shown.1 == 0}
                    onclick={on_load(false)}>{ "add to the scenario" }</button>
                <button type="button" id="hc-import-replace" disabled={shown.1 == 0}
                    onclick={on_load(true)}>{ "load as the scenario and run it" }</button>
            </p>
            { Html::from_html_unchecked(shown.0.clone().into()) }
        </section>
    }
}
