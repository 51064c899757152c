//! Waiting in browser tests: poll for the state a test checks, with a generous deadline, instead
//! of sleeping a fixed time. The suite runs on machines that are busy with something else (a
//! build beside it, a CI runner with two loaded cores), where no fixed sleep is ever long enough
//! and a long one wastes time on a quiet machine.
//!
//! Included with `#[path = "common/web_wait.rs"] mod web_wait;` from each browser test file.
#![allow(dead_code)]

use std::time::Duration;

/// How long a test waits for a state before it fails: long enough for a debug build on a
/// machine with both cores taken by other work.
pub const DEADLINE_MS: f64 = 20_000.0;

/// How often the state is looked at again (a timer turn also lets Yew render and messages arrive).
const POLL: Duration = Duration::from_millis(10);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// One turn of the event loop: lets Yew render and queued messages arrive, without waiting a
/// fixed time for anything in particular.
pub async fn yield_now() {
    yew::platform::time::sleep(Duration::from_millis(0)).await;
}

/// Waits until Yew has run every render and effect it has queued. Yew yields to the browser
/// every 16 ms of work, also between a render and its effects: on a busy machine a widget's
/// DOM can be there while the `message` listener its effect adds is not yet, and a command
/// posted then is lost. Tests that command what they just mounted wait for this first.
pub async fn effects_done() {
    yew::scheduler::flush().await;
}

/// Waits until `cond` holds, looking again every 10 ms; panics naming `what` after the deadline.
/// `cond` must not panic on a state that is not there yet (wasm32 cannot catch a panic): look
/// elements up with `query_selector(..).ok().flatten()` and return false when they are missing.
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = now_ms();
    loop {
        if cond() {
            return;
        }
        if now_ms() - start > DEADLINE_MS {
            panic!("waited {DEADLINE_MS} ms for: {what}");
        }
        yew::platform::time::sleep(POLL).await;
    }
}

/// Waits until `get` returns `Some`, and returns it; panics naming `what` after the deadline.
pub async fn wait_for<T>(what: &str, mut get: impl FnMut() -> Option<T>) -> T {
    let start = now_ms();
    loop {
        if let Some(v) = get() {
            return v;
        }
        if now_ms() - start > DEADLINE_MS {
            panic!("waited {DEADLINE_MS} ms for: {what}");
        }
        yew::platform::time::sleep(POLL).await;
    }
}

/// The first element under `root` matching `sel`, looking inside `root`'s shadow tree when it
/// has one (an embedded widget), or None (also for a selector that does not parse).
pub fn find(root: &web_sys::Element, sel: &str) -> Option<web_sys::Element> {
    match root.shadow_root() {
        Some(sr) => sr.query_selector(sel).ok().flatten(),
        None => root.query_selector(sel).ok().flatten(),
    }
}

/// The text of the first element matching `sel`, or None while there is none.
pub fn text_of(root: &web_sys::Element, sel: &str) -> Option<String> {
    find(root, sel).and_then(|e| e.text_content())
}

/// Waits until the first element matching `sel` has exactly the text `want`.
pub async fn wait_text(root: &web_sys::Element, sel: &str, want: &str) {
    let mut seen = None;
    wait_until(&format!("{sel} to read {want:?}"), || {
        seen = text_of(root, sel);
        seen.as_deref() == Some(want)
    })
    .await;
}

/// Waits until the first element matching `sel` has attribute `name` equal to `want`.
pub async fn wait_attr(root: &web_sys::Element, sel: &str, name: &str, want: &str) {
    wait_until(&format!("{sel} [{name}] to be {want:?}"), || {
        find(root, sel)
            .and_then(|e| e.get_attribute(name))
            .as_deref()
            == Some(want)
    })
    .await;
}

/// Waits until an element matches `sel`, and returns it.
pub async fn wait_el(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    wait_for(&format!("an element {sel}"), || find(root, sel)).await
}

/// Mounts the whole app into a fresh element at this URL hash (the page's link), and waits
/// until it shows its clock.
pub async fn mount_app(hash: &str) -> web_sys::Element {
    let w = web_sys::window().unwrap();
    let path = w.location().pathname().unwrap();
    w.history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{hash}")),
        )
        .unwrap();
    let doc = w.document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<hardclock::ui::app::FullApp>::with_root(root.clone()).render();
    wait_el(&root, "[data-testid=ticks]").await;
    effects_done().await;
    root
}

/// The page's messages (the data of each, in order), collected from [`Messages::listen`] until
/// dropped, as a course page's script would hear them.
pub struct Messages {
    pub seen: js_sys::Array,
    on_msg: wasm_bindgen::closure::Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Messages {
    pub fn listen() -> Messages {
        use wasm_bindgen::JsCast;
        let seen = js_sys::Array::new();
        let on_msg = {
            let seen = seen.clone();
            wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    seen.push(&e.data());
                },
            )
        };
        web_sys::window()
            .unwrap()
            .add_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())
            .unwrap();
        Messages { seen, on_msg }
    }
}

impl Drop for Messages {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback(
                "message",
                self.on_msg.as_ref().unchecked_ref(),
            );
        }
    }
}
