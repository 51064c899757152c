//! Puts widgets on a page: one into every `<div data-hardclock="...">` of a course page, or
//! one filling a page opened with `?embed=1` (an iframe).
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

use std::rc::Rc;

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Document, Element, ShadowRootInit, ShadowRootMode};

use super::app::{App, AppProps};
use super::embed::shadow_css;
use super::embed_params::{from_attributes, from_query};

/// The app's stylesheet, as trunk also serves it to the full app.
const STYLE: &str = include_str!("../../static/style.css");

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

/// The elements a course page asks widgets for.
pub fn hosts(doc: &Document) -> Vec<Element> {
    let Ok(list) = doc.query_selector_all("[data-hardclock]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
        .collect()
}

/// Mounts a widget into each host that has none yet; returns how many were mounted. The
/// `n`-th widget without an id of its own is called `hardclock-n` in messages.
pub fn mount_inline(hosts: &[Element]) -> usize {
    let css = shadow_css(STYLE);
    let Ok(sheet) = sheet(&css) else { return 0 };
    let mut mounted = 0;
    for (i, host) in hosts.iter().enumerate() {
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
        if cfg.id.is_none() {
            cfg.id = Some(format!("hardclock-{}", i + 1));
        }
        let Ok(shadow) = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)) else {
            continue;
        };
        let Some(doc) = host.owner_document() else {
            continue;
        };
        let Ok(root) = doc.create_element("div") else {
            continue;
        };
        if adopt(&shadow, &sheet).is_err() || shadow.append_child(&root).is_err() {
            continue;
        }
        let props = AppProps {
            embed: Some(Rc::new(cfg)),
            framed: false,
        };
        yew::Renderer::<App>::with_root_and_props(root, props).render();
        mounted += 1;
    }
    mounted
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
    if cfg.id.is_none() {
        cfg.id = Some("hardclock".into());
    }
    if let Ok(s) = sheet(STYLE) {
        let _ = adopt(doc, &s);
    }
    if let Some(de) = doc.document_element() {
        // The page is the widget: its background takes the widget's theme too.
        let _ = de.set_attribute("data-hardclock-frame", "");
        let _ = de.set_attribute("data-theme", cfg.theme.name());
    }
    let props = AppProps {
        embed: Some(Rc::new(cfg)),
        framed: true,
    };
    match doc.body() {
        Some(body) => {
            yew::Renderer::<App>::with_root_and_props(body.into(), props).render();
        }
        None => {
            yew::Renderer::<App>::with_props(props).render();
        }
    }
}
