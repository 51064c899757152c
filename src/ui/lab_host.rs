//! The app's drawers whose content is in the tools module: the scheme lab and the
//! instructor's kit. Neither is in the app's own wasm: the tools module
//! (src/bin/hardclock-tools.rs) fills a `<div data-hardclock-lab data-scenario>` with the lab
//! and a `<div data-hardclock-kit>` with the kit (src/ui/tools_mount.rs). The first time such
//! a drawer opens, this adds `hardclock-tools-fetch.js` (the tools module's loader, which
//! fetches its wasm from beside it) to the page; until the lab is mounted the drawer says it is
//! loading, and if the loader cannot be fetched, it says so.
//!
//! Why the drawer is made here with the DOM API, outside the app's own tree (the app renders
//! into its own `div`, and the drawer is that div's sibling): Yew handles events in the
//! capture phase at the root it renders into and finds its listeners through properties it
//! writes on elements. The lab's Yew is another wasm instance writing the same properties: an
//! event inside the lab, captured by the app's root, would run some app listener.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::loader::add_tools_script;

/// The tools module's loader, beside index.html in dist/.
const LOADER: &str = "hardclock-tools-fetch.js";

#[derive(Properties, PartialEq)]
pub struct LabHostProps {
    /// `lab` or `kit`: the drawer's name and its host's attribute (`data-hardclock-lab`).
    pub kind: &'static str,
    /// The drawer's name for assistive technology, and what is loading.
    pub label: &'static str,
    /// The drawer is open.
    pub open: bool,
    /// The scenario whose timeouts the lab's `scenario` workload replays.
    pub scenario: AttrValue,
    /// The drawer's close button or Escape.
    pub on_close: Callback<()>,
}

/// The drawer, made at its first opening and kept (closing it keeps the lab's run, the kit's
/// pasted table).
struct LabDrawer {
    aside: HtmlElement,
    host: Element,
    _close: Closure<dyn Fn()>,
    _keys: Closure<dyn Fn(KeyboardEvent)>,
}

/// `<aside class="hc-drawer">` with a close button and the content's host, in `body`.
fn make_drawer(kind: &str, label: &str, on_close: &Callback<()>) -> Option<LabDrawer> {
    let doc = web_sys::window()?.document()?;
    let aside: HtmlElement = doc.create_element("aside").ok()?.dyn_into().ok()?;
    aside.set_class_name("hc-drawer hc-module-drawer");
    for (k, v) in [
        ("id", format!("hc-drawer-{kind}").as_str()),
        ("aria-label", label),
        ("data-testid", "drawer"),
        ("data-drawer", kind),
    ] {
        let _ = aside.set_attribute(k, v);
    }
    let close: HtmlElement = doc.create_element("button").ok()?.dyn_into().ok()?;
    let _ = close.set_attribute("type", "button");
    let _ = close.set_attribute("aria-label", "close");
    close.set_class_name("hc-close");
    close.set_text_content(Some("✕"));
    let cb = on_close.clone();
    let on_click = Closure::<dyn Fn()>::new(move || cb.emit(()));
    close.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    let cb = on_close.clone();
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            cb.emit(());
        }
    });
    aside.set_onkeydown(Some(on_key.as_ref().unchecked_ref()));
    let host = doc.create_element("div").ok()?;
    let _ = host.set_attribute(&format!("data-hardclock-{kind}"), "");
    let _ = host.set_attribute("data-testid", &format!("{kind}-host"));
    host.set_text_content(Some(&format!("Loading the {}…", label.to_lowercase())));
    let _ = aside.append_child(&close);
    let _ = aside.append_child(&host);
    doc.body()?.append_child(&aside).ok()?;
    let failed = host.clone();
    add_tools_script(&doc, LOADER, move || {
        let _ = failed.set_attribute("data-load-error", "");
        failed.set_text_content(Some(&format!(
            "This drawer could not load: {LOADER} was not found beside this page."
        )));
    });
    Some(LabDrawer {
        aside,
        host,
        _close: on_click,
        _keys: on_key,
    })
}

#[function_component(LabHost)]
pub fn lab_host(props: &LabHostProps) -> Html {
    let drawer: Rc<RefCell<Option<LabDrawer>>> = use_mut_ref(|| None);
    {
        let drawer = drawer.clone();
        let on_close = props.on_close.clone();
        let (kind, label) = (props.kind, props.label);
        use_effect_with(
            (props.open, props.scenario.clone()),
            move |(open, scenario)| {
                let mut d = drawer.borrow_mut();
                if *open && d.is_none() {
                    *d = make_drawer(kind, label, &on_close);
                }
                if let Some(d) = d.as_ref() {
                    d.aside.set_hidden(!*open);
                    if kind == "lab" {
                        let _ = d.host.set_attribute("data-scenario", scenario);
                    }
                }
            },
        );
    }
    {
        let drawer = drawer.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(d) = drawer.borrow_mut().take() {
                    d.aside.remove();
                }
            }
        });
    }
    html! {}
}
