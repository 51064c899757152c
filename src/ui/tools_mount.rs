//! Puts the tools on a page: the scheme lab into every `<div data-hardclock-lab
//! data-scenario="...">` and the instructor's kit into every `<div data-hardclock-kit>`. This is
//! the tools module's code (src/bin/hardclock-tools.rs), loaded only when something asks for
//! one of them: the app's lab and kit drawers (src/ui/lab_host.rs), or a course page's
//! widgets when the page has such a `div` (src/ui/embed_mount.rs). Each lives in a shadow root
//! styled like a widget.

use std::cell::RefCell;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, MutationObserver, MutationObserverInit};
use yew::{AppHandle, AttrValue};

use super::compare::{Compare, CompareProps};
use super::embed_mount::{module_hosts, shadow_mount};
use super::kit::Kit;

thread_local! {
    /// The labs mounted, with their host and the scenario they were given.
    static LABS: RefCell<Vec<(Element, String, AppHandle<Compare>)>> = const { RefCell::new(Vec::new()) };
}

/// Mounts the lab into each lab host that has none yet, gives a mounted lab its host's new
/// `data-scenario`, and ends the labs whose host has left the page; mounts the kit into each
/// kit host that has none yet.
pub fn sync_labs(doc: &Document) {
    LABS.with(|labs| {
        let mut labs = labs.borrow_mut();
        let mut kept = Vec::with_capacity(labs.len());
        for (host, seen, mut handle) in labs.drain(..) {
            if !host.is_connected() {
                handle.destroy();
                continue;
            }
            let now = host.get_attribute("data-scenario").unwrap_or_default();
            if now != seen {
                handle.update(CompareProps {
                    scenario: AttrValue::from(now.clone()),
                });
            }
            kept.push((host, now, handle));
        }
        *labs = kept;
        for host in module_hosts(doc, "lab") {
            let Some(root) = shadow_mount(&host) else {
                continue;
            };
            let scenario = host.get_attribute("data-scenario").unwrap_or_default();
            let props = CompareProps {
                scenario: AttrValue::from(scenario.clone()),
            };
            let handle = yew::Renderer::<Compare>::with_root_and_props(root, props).render();
            labs.push((host, scenario, handle));
        }
    });
    // The kit reads the page's moment from its link when asked: nothing to follow.
    for host in module_hosts(doc, "kit") {
        if let Some(root) = shadow_mount(&host) {
            yew::Renderer::<Kit>::with_root(root).render();
        }
    }
}

/// Mounts the page's labs and kits now and any added later (the app opens a drawer), and
/// follows a lab host's `data-scenario`. The observer sees the page's own tree only, not the
/// shadow roots, so rendering never feeds it.
pub fn mount_and_watch(doc: &Document) {
    sync_labs(doc);
    let watch_doc = doc.clone();
    let cb = Closure::<dyn Fn()>::new(move || sync_labs(&watch_doc));
    let Ok(observer) = MutationObserver::new(cb.as_ref().unchecked_ref()) else {
        return;
    };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_attribute_filter(&Array::of1(&JsValue::from_str("data-scenario")));
    if let Some(root) = doc.document_element() {
        let _ = observer.observe_with_options(&root, &init);
    }
    // Both live as long as the page.
    cb.forget();
    std::mem::forget(observer);
}
