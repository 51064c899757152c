//! The app's wasm entry point (index.html). A page opened with `?embed=1` wants the compact
//! widget, which lives in the widgets module (src/bin/hardclock-widgets.rs, loaded by
//! `embed.html`): it goes there with its query and hash. Any other page is the whole app.

#[cfg(target_arch = "wasm32")]
fn main() {
    use hardclock::ui::embed_mount;
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(doc) = window.document() else {
        return;
    };
    let location = window.location();
    let query = location.search().unwrap_or_default();
    if embed_mount::wants_frame(&doc, &query) {
        let hash = location.hash().unwrap_or_default();
        // `replace`: the back button skips the redirect.
        if location
            .replace(&format!("embed.html{query}{hash}"))
            .is_ok()
        {
            return;
        }
    }
    embed_mount::style_page(&doc, "");
    // Its own element, not `body`: the scheme lab's drawer is a sibling in `body`, outside
    // the tree this Yew instance listens to (src/ui/lab_host.rs says why).
    let root = doc.create_element("div").ok();
    match (root, doc.body()) {
        (Some(root), Some(body)) if body.append_child(&root).is_ok() => {
            let _ = root.set_attribute("id", "hc-root");
            yew::Renderer::<hardclock::ui::app::FullApp>::with_root(root).render();
        }
        _ => {
            yew::Renderer::<hardclock::ui::app::FullApp>::new().render();
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "hardclock is a web app: run `bash scripts/serve.sh` (trunk serve) and open the page."
    );
    eprintln!("To run a scenario natively, use `cargo run --bin hardclock-trace -- FILE`.");
}
