//! The wasm entry point. A course page with `<div data-hardclock="...">` elements gets one
//! widget in each; a page opened with `?embed=1` (an iframe) is one compact widget; any other
//! page is the whole app.

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
        embed_mount::mount_inline(&hosts);
    } else if embed_mount::wants_frame(&doc, &query) {
        embed_mount::mount_frame(&doc, &query);
    } else {
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
