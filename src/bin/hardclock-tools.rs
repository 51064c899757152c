//! The tools module's wasm entry point: hardclock-tools.js and hardclock-tools-fetch.js carry
//! it (scripts/embed-bundle.mjs). It mounts the scheme lab into every `<div data-hardclock-lab>`
//! and the instructor's kit into every `<div data-hardclock-kit>` (also those added later).
//! The app's drawers and a course page's widgets load it when one of those first appears, so
//! neither the app's first download nor a page of widgets carries the lab or the kit (the
//! budgets in scripts/bundle-size.mjs).

#[cfg(target_arch = "wasm32")]
fn main() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    hardclock::ui::tools_mount::mount_and_watch(&doc);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hardclock-tools is the wasm module of hardclock's scheme lab and instructor's kit:");
    eprintln!(
        "`trunk build` puts it into hardclock-tools.js (README, \"Embedding in course notes\")."
    );
}
