//! Browser tests (wasm-bindgen-test): mount the real app into the page and drive it like a user.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh element and lets Yew render.
async fn mount() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<hardclock::ui::app::App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .text_content()
        .unwrap()
}

fn click(root: &web_sys::Element, sel: &str) {
    root.query_selector(sel)
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
async fn hardclock_button_advances_ticks() {
    let root = mount().await;
    assert_eq!(text(&root, "[data-testid=ticks]"), "0");
    click(&root, "#hc-hardclock");
    settle().await;
    assert_eq!(text(&root, "[data-testid=ticks]"), "1");
    assert_eq!(
        text(&root, "[data-testid=narration]").trim(),
        "hardclock(): ticks is now 1."
    );
}
