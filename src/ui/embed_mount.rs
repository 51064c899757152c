//! Puts widgets on a page: one into every `<div data-hardclock="...">` of a course page, or
//! one filling a page opened with `?embed=1` (an iframe). A `<div data-hardclock-lab>` or
//! `<div data-hardclock-kit>` makes it load the tools module (src/ui/tools_mount.rs). This is
//! the widgets module's code (src/bin/hardclock-widgets.rs); the app's own bundle takes only
//! [`style_page`] and [`wants_frame`] from here.
//!
//! An inline widget lives in an open shadow root of its `div`. That keeps the course page and
//! the widget out of each other's way: the page's styles (an mdBook theme styles every
//! `table` and `button`) do not reach the widget, the widget's do not reach the page, and the
//! views' element ids (`aria-labelledby` targets) are scoped to each widget, so two widgets
//! never put the same id in one tree. The stylesheet is the app's own `style.css`, compiled
//! in and adopted as a constructed stylesheet: no file to find relative to the page, nothing
//! for a strict CSP to block (it governs `<style>` and `style=`, not the CSSOM). Whatever the
//! `div` held (the scenario as text, say) stays in the light DOM for readers without
//! JavaScript and for printing.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, MutationObserver, MutationObserverInit, ShadowRootInit,
    ShadowRootMode,
};

use super::loader::add_tools_script;
use super::widget::{Widget, WidgetProps};
// The app's stylesheets (minified, src/ui/css.rs): the one copy of them for every page, the
// full app included (a separate `style.css` in dist/ as well would put the same 4 KB into the
// bundle twice). The app takes `STYLE`; the widgets and the lab take `WIDGETS` too.
use super::css::{STYLE, WIDGETS};
use super::embed::{shadow_css, source_text};
use super::embed_params::{from_attributes, from_query, EmbedConfig, View};

fn sheet(css: &str) -> Result<CssStyleSheet, JsValue> {
    let s = CssStyleSheet::new()?;
    s.replace_sync(css)?;
    Ok(s)
}

/// `target.adoptedStyleSheets = [...existing, sheet]` (a document or a shadow root).
fn adopt(target: &JsValue, sheet: &CssStyleSheet) -> Result<(), JsValue> {
    let key = JsValue::from_str("adoptedStyleSheets");
    let list = Array::from(&Reflect::get(target, &key)?);
    list.push(sheet);
    Reflect::set(target, &key, &list)?;
    Ok(())
}

/// Styles a whole page (the full app, or a frame with `extra`, the widgets' sheet) with the
/// app's stylesheet: adopted where constructed stylesheets exist, else a `<style>` in the
/// head (which a strict CSP blocks; the page then works unstyled).
pub fn style_page(doc: &Document, extra: &str) {
    let css = format!("{STYLE}{extra}");
    if sheet(&css).and_then(|s| adopt(doc, &s)).is_ok() {
        return;
    }
    let head = doc.query_selector("head").ok().flatten();
    if let (Ok(style), Some(head)) = (doc.create_element("style"), head) {
        style.set_text_content(Some(&css));
        let _ = head.append_child(&style);
    }
}

/// The elements a course page asks widgets for.
pub fn hosts(doc: &Document) -> Vec<Element> {
    elements(doc, "[data-hardclock]")
}

/// The page's elements that match `selector`, in document order.
fn elements(doc: &Document, selector: &str) -> Vec<Element> {
    let Ok(list) = doc.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

thread_local! {
    /// One constructed stylesheet shared by every widget of the page.
    static SHEET: Option<CssStyleSheet> = sheet(&shadow_css(&format!("{STYLE}{WIDGETS}"))).ok();
    /// Widgets mounted so far, for the default ids.
    static MOUNTED: Cell<usize> = const { Cell::new(0) };
}

/// A shadow root on `host` styled with the app's sheet, holding a fresh `div` to render into;
/// `None` if the host has one already (it is mounted) or the browser refuses.
pub fn shadow_mount(host: &Element) -> Option<Element> {
    if host.shadow_root().is_some() {
        return None;
    }
    let sheet = SHEET.with(|s| s.clone());
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .ok()?;
    let doc = host.owner_document()?;
    let root = doc.create_element("div").ok()?;
    let styled = match &sheet {
        Some(sheet) => adopt(&shadow, sheet).is_ok(),
        None => false,
    };
    if !styled {
        // A browser without constructed stylesheets (Safari before 16.4): a <style>
        // element. A strict CSP blocks it; the widget then works unstyled.
        if let Ok(style) = doc.create_element("style") {
            style.set_text_content(Some(&shadow_css(&format!("{STYLE}{WIDGETS}"))));
            let _ = shadow.append_child(&style);
        }
    }
    shadow.append_child(&root).ok()?;
    Some(root)
}

/// The elements that ask for the scheme lab (`lab`) or the instructor's kit (`kit`).
pub fn module_hosts(doc: &Document, kind: &str) -> Vec<Element> {
    elements(doc, &format!("[data-hardclock-{kind}]"))
}

/// The tools module's loader beside the widgets' own: `hardclock-embed.js` (the wasm inside)
/// asks for `hardclock-tools.js`, `hardclock-embed-fetch.js` for `hardclock-tools-fetch.js`,
/// each resolved against the script's own address (a course page may load it from any path).
fn tools_loader(doc: &Document) -> String {
    let src = doc
        .query_selector("script[src*=\"hardclock-embed\"]")
        .ok()
        .flatten()
        .and_then(|s| s.get_attribute("src"))
        .unwrap_or_else(|| "hardclock-embed-fetch.js".into());
    src.replacen("hardclock-embed", "hardclock-tools", 1)
}

/// When the page asks for a lab or a kit, adds the tools module's loader once: the lab and the
/// kit are not in the widgets module, so a page of widgets alone downloads neither.
fn load_tools_if_asked(doc: &Document) {
    let hosts: Vec<Element> = ["lab", "kit"]
        .iter()
        .flat_map(|k| module_hosts(doc, k))
        .collect();
    if hosts.is_empty() {
        return;
    }
    let src = tools_loader(doc);
    let shown = src.clone();
    add_tools_script(doc, &src, move || {
        for h in &hosts {
            let _ = h.set_attribute("data-load-error", "");
            h.set_text_content(Some(&format!(
                "The hardclock lab could not load: {shown} was not found beside the widgets' loader."
            )));
        }
    });
}

/// Turns a widget host asking for `view=compare` into a `<div data-hardclock-lab
/// data-scenario>` holding the widget's scenario.
fn as_lab_host(host: &Element, cfg: &EmbedConfig) {
    let _ = host.remove_attribute("data-hardclock");
    let _ = host.set_attribute("data-scenario", &source_text(&cfg.source));
    let _ = host.set_attribute("data-hardclock-lab", "");
}

/// Mounts a widget into each host that has none yet; returns how many were mounted. The
/// `n`-th widget of the page without an id of its own is called `hardclock-n` in messages.
pub fn mount_inline(hosts: &[Element]) -> usize {
    let mut mounted = 0;
    for host in hosts {
        if host.shadow_root().is_some() {
            continue;
        }
        let attrs = host.attributes();
        let pairs: Vec<(String, String)> = (0..attrs.length())
            .filter_map(|j| attrs.item(j))
            .map(|a| (a.name(), a.value()))
            .collect();
        let text = host.text_content().unwrap_or_default();
        let mut cfg = from_attributes(&pairs, &text);
        if cfg.view == Some(View::Compare) {
            // The lab is in the tools module, not in this one: the host becomes a lab host,
            // which the tools module fills (see `load_tools_if_asked`).
            as_lab_host(host, &cfg);
            mounted += 1;
            continue;
        }
        let Some(root) = shadow_mount(host) else {
            continue;
        };
        let n = MOUNTED.with(|m| {
            m.set(m.get() + 1);
            m.get()
        });
        if cfg.id.is_none() {
            cfg.id = Some(format!("hardclock-{n}"));
        }
        let props = WidgetProps {
            config: Rc::new(cfg),
            framed: false,
        };
        yew::Renderer::<Widget>::with_root_and_props(root, props).render();
        mounted += 1;
    }
    mounted
}

/// Mounts the page's widgets now and any added later (an LMS or a single-page course site may
/// render its content after the script ran), and loads the tools module when a lab or kit host
/// appears. The observer sees the page's own tree only, not the
/// widgets' shadow roots, so rendering never feeds it.
pub fn mount_and_watch(doc: &Document) {
    mount_inline(&hosts(doc));
    load_tools_if_asked(doc);
    let watch_doc = doc.clone();
    let cb = Closure::<dyn Fn()>::new(move || {
        let fresh: Vec<Element> = hosts(&watch_doc)
            .into_iter()
            .filter(|h| h.shadow_root().is_none())
            .collect();
        if !fresh.is_empty() {
            mount_inline(&fresh);
        }
        load_tools_if_asked(&watch_doc);
    });
    let Ok(observer) = MutationObserver::new(cb.as_ref().unchecked_ref()) else {
        return;
    };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    if let Some(root) = doc.document_element() {
        let _ = observer.observe_with_options(&root, &init);
    }
    // Both live as long as the page.
    cb.forget();
    std::mem::forget(observer);
}

/// Whether the page is one compact widget: its query says `embed=1` (also `true`, `yes`), or
/// it is `embed.html` (`<html data-hardclock-frame>`).
pub fn wants_frame(doc: &Document, query: &str) -> bool {
    let asked = query
        .trim_start_matches('?')
        .split('&')
        .any(|p| matches!(p, "embed" | "embed=1" | "embed=true" | "embed=yes"));
    let page = doc
        .document_element()
        .is_some_and(|e| e.has_attribute("data-hardclock-frame"));
    asked || page
}

/// Mounts the compact widget as the whole page (`?embed=1`), configured by the query.
pub fn mount_frame(doc: &Document, query: &str) {
    let mut cfg = from_query(query);
    if cfg.view == Some(View::Compare) {
        style_page(doc, WIDGETS);
        let host = doc.create_element("div").ok();
        if let (Some(host), Some(body)) = (host, doc.body()) {
            as_lab_host(&host, &cfg);
            // The frame's margin, as a widget's own (the CSSOM, which a strict CSP allows).
            if let Some(h) = host.dyn_ref::<web_sys::HtmlElement>() {
                let _ = h.style().set_property("padding", "0.5rem 0.75rem");
            }
            let _ = body.append_child(&host);
            load_tools_if_asked(doc);
        }
        return;
    }
    if cfg.id.is_none() {
        cfg.id = Some("hardclock".into());
    }
    style_page(doc, WIDGETS);
    if let Some(de) = doc.document_element() {
        // The page is the widget: its background takes the widget's theme too.
        let _ = de.set_attribute("data-hardclock-frame", "");
        let _ = de.set_attribute("data-theme", cfg.theme.name());
    }
    let props = WidgetProps {
        config: Rc::new(cfg),
        framed: true,
    };
    match doc.body() {
        Some(body) => {
            yew::Renderer::<Widget>::with_root_and_props(body.into(), props).render();
        }
        None => {
            yew::Renderer::<Widget>::with_props(props).render();
        }
    }
}
