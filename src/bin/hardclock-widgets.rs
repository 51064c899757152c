//! The widgets module's wasm entry point: hardclock-embed.js and hardclock-embed-fetch.js carry
//! it (scripts/embed-bundle.mjs). A course page gets one widget in each `<div data-hardclock>`
//! (also in those added later); `embed.html` (an iframe) is one compact widget. A lab or kit
//! host on the page makes it load the tools module (src/bin/hardclock-tools.rs). Kept apart
//! from the app's own module so that the app's first download holds no widget (the bundle
//! budgets in scripts/bundle-size.mjs).

#[cfg(target_arch = "wasm32")]
fn main() {
    use hardclock::ui::embed_mount;
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(doc) = window.document() else {
        return;
    };
    let query = window.location().search().unwrap_or_default();
    if embed_mount::hosts(&doc).is_empty() && embed_mount::wants_frame(&doc, &query) {
        embed_mount::mount_frame(&doc, &query);
    } else {
        embed_mount::mount_and_watch(&doc);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hardclock-widgets is the wasm module of hardclock's embedded widgets:");
    eprintln!(
        "`trunk build` puts it into hardclock-embed.js (README, \"Embedding in course notes\")."
    );
}
