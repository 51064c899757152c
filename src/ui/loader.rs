//! Adding a module's loader script to the page once: the app's lab and kit drawers and a
//! course page's widgets load the tools module (src/bin/hardclock-tools.rs) this way, when
//! something first asks for the lab or the kit.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlScriptElement};

/// The attribute that marks the tools module's loader script in the page.
pub const TOOLS_MARK: &str = "data-hardclock-tools";

/// Adds `<script src=src data-hardclock-tools>` to the head unless one is there already;
/// `failed` runs if it cannot be fetched.
pub fn add_tools_script(doc: &Document, src: &str, failed: impl Fn() + 'static) {
    let marked = format!("script[{TOOLS_MARK}]");
    if doc.query_selector(&marked).ok().flatten().is_some() {
        return;
    }
    let Some(script) = doc
        .create_element("script")
        .ok()
        .and_then(|e| e.dyn_into::<HtmlScriptElement>().ok())
    else {
        return;
    };
    script.set_src(src);
    let _ = script.set_attribute(TOOLS_MARK, "");
    let failed = Closure::<dyn Fn()>::new(failed);
    script.set_onerror(Some(failed.as_ref().unchecked_ref()));
    // The page keeps the script, so the handler lives as long as the page.
    failed.forget();
    if let Some(head) = doc.head() {
        let _ = head.append_child(&script);
    }
}
