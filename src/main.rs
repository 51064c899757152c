//! The wasm entry point: mounts the hardclock app.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<hardclock::ui::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "hardclock is a web app: run `bash scripts/serve.sh` (trunk serve) and open the page."
    );
    eprintln!("To run a scenario natively, use `cargo run --bin hardclock-trace -- FILE`.");
}
