//! The wasm entry point. A course page (it has `<div data-hardclock="...">` elements, or it
//! loaded `hardclock-embed.js`) gets one widget in each such element, also in those added
//! later; a page opened with `?embed=1` or `embed.html` (an iframe) is one compact widget; any
//! other page is the whole app.

#[cfg(target_arch = "wasm32")]
fn main() {
    use hardclock::ui::embed_mount;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let hosts = embed_mount::hosts(&doc);
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if !hosts.is_empty() {
        embed_mount::mount_and_watch(&doc);
    } else if embed_mount::wants_frame(&doc, &query) {
        embed_mount::mount_frame(&doc, &query);
    } else if embed_mount::loaded_for_embedding() {
        // A course page whose widgets are not there yet.
        embed_mount::mount_and_watch(&doc);
    } else {
        embed_mount::style_page(&doc);
        yew::Renderer::<hardclock::ui::app::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "hardclock is a web app: run `bash scripts/serve.sh` (trunk serve) and open the page."
    );
    eprintln!("To run a scenario natively, use `cargo run --bin hardclock-trace -- FILE`.");
}
