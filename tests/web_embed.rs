//! Browser tests of the embedded widget (wasm-bindgen-test): widgets mounted the way a course
//! page gets them (`<div data-hardclock>`, each in its own shadow root), stepped by buttons,
//! keys and `postMessage`, and checked to share nothing.
#![cfg(target_arch = "wasm32")]

use hardclock::ui::embed_mount::mount_inline;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

#[path = "common/web_wait.rs"]
mod web_wait;
use web_wait::{
    effects_done, find, wait_attr, wait_el, wait_text, wait_until, yield_now, Messages,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A `<div>` with these attributes (and text), mounted like a course page's.
fn host(attrs: &[(&str, &str)], text: &str) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc.create_element("div").unwrap();
    for (k, v) in attrs {
        el.set_attribute(k, v).unwrap();
    }
    el.set_text_content(Some(text));
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn shadow(host: &Element) -> ShadowRoot {
    host.shadow_root().expect("the widget's shadow root")
}

fn el(host: &Element, sel: &str) -> Element {
    shadow(host)
        .query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}

fn text(host: &Element, sel: &str) -> String {
    el(host, sel).text_content().unwrap()
}

/// Clicks `sel` once it is there, then lets the page take its turn (Yew renders an action in
/// a microtask). What the widget does on timers of its own the caller waits for.
async fn click(host: &Element, sel: &str) {
    wait_el(host, sel)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yield_now().await;
}

/// Mounts the hosts like a course page's loader and waits until each widget has rendered.
async fn mount(hosts: &[Element]) -> usize {
    let n = mount_inline(hosts);
    for h in hosts {
        wait_el(h, "[data-testid=widget]").await;
    }
    effects_done().await;
    n
}

/// The messages seen so far that are `kind` from widget `id`.
fn from(seen: &js_sys::Array, kind: &str, id: &str) -> Vec<JsValue> {
    seen.iter()
        .filter(|m| {
            field(m, "hardclock").as_deref() == Some(kind) && field(m, "id").as_deref() == Some(id)
        })
        .collect()
}

fn key(k: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

#[wasm_bindgen_test]
async fn two_widgets_on_one_page_step_independently() {
    let hash_before = web_sys::window().unwrap().location().hash().unwrap();
    let a = host(
        &[
            ("data-hardclock", "cascade-256"),
            ("id", "wa"),
            ("data-t", "250"),
        ],
        "",
    );
    let b = host(
        &[
            ("data-hardclock", ""),
            ("id", "wb"),
            ("data-view", "timers"),
        ],
        "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 2)\nhardclock(2)",
    );
    assert_eq!(mount(&[a.clone(), b.clone()]).await, 2);
    // ticks = -50, so t=250 is 200.
    wait_text(&a, "[data-testid=ticks]", "200").await;
    assert_eq!(
        el(&a, "[data-testid=widget]")
            .get_attribute("data-view")
            .unwrap(),
        "wheel"
    );
    assert_eq!(text(&b, "[data-testid=ticks]"), "0");
    assert!(shadow(&b)
        .query_selector("section.hc-timers")
        .unwrap()
        .is_some());

    // Three steps in b: its two statements run, then hardclock(2); a does not move.
    for n in 1..=3 {
        click(&b, "[data-action=step]").await;
        wait_text(&b, "[data-testid=steps]", &n.to_string()).await;
    }
    assert_eq!(text(&b, "[data-testid=ticks]"), "2");
    assert_eq!(text(&a, "[data-testid=ticks]"), "200");
    assert!(text(&b, "[data-testid=narration]").contains("f"));
    click(&a, "[data-action=hardclock]").await;
    wait_text(&a, "[data-testid=ticks]", "201").await;
    assert_eq!(text(&b, "[data-testid=ticks]"), "2");

    // Keys go to the widget that has them, not its neighbour.
    el(&b, "[data-testid=widget]")
        .dispatch_event(&key("b"))
        .unwrap();
    wait_text(&b, "[data-testid=steps]", "2").await;
    assert_eq!(text(&a, "[data-testid=ticks]"), "201");

    // Each widget's ids live in its own shadow tree: none reaches the page.
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc.get_element_by_id("hc-wheel-h").is_none());
    assert!(shadow(&a).get_element_by_id("hc-wheel-h").is_some());
    // A widget never touches the page's URL hash.
    assert_eq!(
        web_sys::window().unwrap().location().hash().unwrap(),
        hash_before
    );
    // Mounting again leaves mounted widgets alone.
    assert_eq!(mount(&[a.clone(), b.clone()]).await, 0);
}

#[wasm_bindgen_test]
async fn a_malformed_attribute_shows_its_message_and_the_widget_still_works() {
    let h = host(
        &[
            ("data-hardclock", "pmtu-expiry"),
            ("data-view", "rt-timers"),
            ("data-speed", "fast"),
        ],
        "",
    );
    mount(std::slice::from_ref(&h)).await;
    let p = text(&h, "[data-testid=embed-problems]");
    assert!(p.contains("data-view=\"rt-timers\" is not a view"), "{p}");
    assert!(p.contains("rttimer"), "{p}");
    assert!(p.contains("data-speed=\"fast\" is not a play speed"), "{p}");
    // The default view for an rt_timer scenario, and it steps.
    assert_eq!(
        el(&h, "[data-testid=widget]")
            .get_attribute("data-view")
            .unwrap(),
        "rttimer"
    );
    click(&h, "[data-action=step]").await;
    wait_text(&h, "[data-testid=steps]", "1").await;
}

fn message(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
async fn the_host_page_commands_a_widget_by_id_and_hears_its_state() {
    let w = web_sys::window().unwrap();
    let a = host(&[("data-hardclock", "cascade-256"), ("id", "msg-a")], "");
    let b = host(&[("data-hardclock", "cascade-256"), ("id", "msg-b")], "");
    mount(&[a.clone(), b.clone()]).await;

    // Collect the widgets' state messages, as a course page's script would.
    let messages = Messages::listen();
    let seen = messages.seen.clone();

    let origin = w.location().origin().unwrap();
    w.post_message(
        &message(&[
            ("hardclock", "goto".into()),
            ("id", "msg-a".into()),
            ("t", 256.into()),
        ]),
        &origin,
    )
    .unwrap();
    wait_text(&a, "[data-testid=ticks]", "206").await;
    assert_eq!(text(&b, "[data-testid=ticks]"), "0", "b was not addressed");

    let tick_of = |m: &JsValue| Reflect::get(m, &"tick".into()).unwrap().as_f64();
    wait_until("a state message from msg-a at tick 206", || {
        from(&seen, "state", "msg-a")
            .last()
            .is_some_and(|m| tick_of(m) == Some(206.0))
    })
    .await;
    let states = from(&seen, "state", "msg-a");
    let last = states.last().unwrap();
    assert_eq!(
        Reflect::get(last, &"tick".into()).unwrap().as_f64(),
        Some(206.0)
    );
    assert_eq!(
        Reflect::get(last, &"elapsed".into()).unwrap().as_f64(),
        Some(256.0)
    );
    assert!(
        Reflect::get(last, &"height".into())
            .unwrap()
            .as_f64()
            .unwrap()
            > 50.0
    );

    // A malformed command is answered with an error naming what is wrong.
    w.post_message(
        &message(&[("hardclock", "jump".into()), ("id", "msg-b".into())]),
        &origin,
    )
    .unwrap();
    wait_until("an error reply from msg-b", || {
        !from(&seen, "error", "msg-b").is_empty()
    })
    .await;
    let err = from(&seen, "error", "msg-b").remove(0);
    let text_of = Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(text_of.contains("\"jump\" is not a command"), "{text_of}");
    // A field of the wrong type is told, not read as its default.
    w.post_message(
        &message(&[
            ("hardclock", "step".into()),
            ("id", "msg-b".into()),
            ("n", "5".into()),
        ]),
        &origin,
    )
    .unwrap();
    wait_until("a reply about the type of n", || {
        seen.iter()
            .filter_map(|m| field(&m, "message"))
            .any(|t| t.contains("n must be a number, not string"))
    })
    .await;
    assert_eq!(text(&b, "[data-testid=ticks]"), "0");
}

#[wasm_bindgen_test]
async fn an_autoplaying_widget_holds_still_out_of_view_and_plays_in_view() {
    let h = host(
        &[
            ("data-hardclock", "cascade-256"),
            ("data-autoplay", ""),
            ("data-speed", "100"),
        ],
        "",
    );
    // Far below anything the window shows.
    h.set_attribute("style", "position:absolute;left:0;top:100000px")
        .unwrap();
    mount(std::slice::from_ref(&h)).await;
    wait_attr(&h, "[data-action=play]", "aria-pressed", "true").await;
    // Out of view its play timer fires, and each advance is held back: no tick passes.
    wait_until("three advances held back out of view", || {
        find(&h, "[data-testid=widget]")
            .and_then(|e| e.get_attribute("data-held"))
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n >= 3)
    })
    .await;
    assert_eq!(text(&h, "[data-testid=ticks]"), "0", "no tick out of view");
    h.set_attribute("style", "position:fixed;left:0;top:0;z-index:10")
        .unwrap();
    wait_until("ticks to pass in view", || {
        find(&h, "[data-testid=ticks]")
            .and_then(|e| e.text_content())
            .and_then(|t| t.parse::<u64>().ok())
            .is_some_and(|t| t > 0)
    })
    .await;
    click(&h, "[data-action=play]").await;
    wait_attr(&h, "[data-action=play]", "aria-pressed", "false").await;
    h.remove();
}

#[wasm_bindgen_test]
async fn height_theme_and_autoplay_take_effect() {
    let h = host(
        &[
            ("data-hardclock", "cascade-256"),
            ("data-height", "300"),
            ("data-theme", "dark"),
            ("data-autoplay", ""),
            ("data-speed", "100"),
        ],
        "",
    );
    mount(std::slice::from_ref(&h)).await;
    let w = el(&h, "[data-testid=widget]")
        .dyn_into::<HtmlElement>()
        .unwrap();
    // A fixed height through the CSSOM (a strict CSP blocks style attributes); the body scrolls.
    wait_until("the widget to be 300 px high", || w.offset_height() == 300).await;
    let body = el(&h, ".hc-w-body").dyn_into::<HtmlElement>().unwrap();
    assert!(
        body.scroll_height() > body.client_height(),
        "the views scroll inside"
    );
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&w)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("color-scheme").unwrap(), "dark");
    wait_attr(&h, "[data-action=play]", "aria-pressed", "true").await;
    assert_eq!(
        el(&h, "[data-action=speed]")
            .dyn_into::<web_sys::HtmlSelectElement>()
            .unwrap()
            .value(),
        "100"
    );
    // Pause, so this test leaves no timer running for the others.
    click(&h, "[data-action=play]").await;
    wait_attr(&h, "[data-action=play]", "aria-pressed", "false").await;
}

fn field(m: &JsValue, k: &str) -> Option<String> {
    Reflect::get(m, &k.into()).ok().and_then(|v| v.as_string())
}

#[wasm_bindgen_test]
async fn load_play_pause_by_message_and_the_origin_allow_list_is_enforced() {
    let w = web_sys::window().unwrap();
    let origin = w.location().origin().unwrap();
    let open = host(&[("data-hardclock", "cascade-256"), ("id", "cmd-open")], "");
    // Only another site may command this one: this page's own messages are refused.
    let closed = host(
        &[
            ("data-hardclock", "cascade-256"),
            ("id", "cmd-closed"),
            ("data-origin", "https://notes.example.edu"),
        ],
        "",
    );
    mount(&[open.clone(), closed.clone()]).await;
    let messages = Messages::listen();
    let seen = messages.seen.clone();
    let send = |id: &str, fields: &[(&str, JsValue)]| {
        let mut all = vec![("id", JsValue::from_str(id))];
        all.extend(fields.iter().cloned());
        w.post_message(&message(&all), &origin).unwrap();
    };

    send(
        "cmd-open",
        &[("hardclock", "load".into()), ("preset", "route-lpm".into())],
    );
    send(
        "cmd-closed",
        &[("hardclock", "load".into()), ("preset", "route-lpm".into())],
    );
    wait_until("the open widget to load route-lpm", || {
        find(&open, "[data-testid=title]")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains("Longest-prefix"))
    })
    .await;
    // Messages arrive in the order they were sent: once the open widget answers a ping sent
    // after the command, the closed one has had the command too, and ignored it.
    let states_before = from(&seen, "state", "cmd-open").len();
    send("cmd-open", &[("hardclock", "ping".into())]);
    wait_until("the open widget to answer the ping", || {
        from(&seen, "state", "cmd-open").len() > states_before
    })
    .await;
    assert!(text(&closed, "[data-testid=title]").contains("Cascade"));
    // A sender that is not allowed hears nothing: not even that the widget exists.
    assert!(from(&seen, "error", "cmd-closed").is_empty());

    send("cmd-open", &[("hardclock", "play".into())]);
    wait_attr(&open, "[data-action=play]", "aria-pressed", "true").await;
    send("cmd-open", &[("hardclock", "pause".into())]);
    wait_attr(&open, "[data-action=play]", "aria-pressed", "false").await;
}
