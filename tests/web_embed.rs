//! Browser tests of the embedded widget (wasm-bindgen-test): widgets mounted the way a course
//! page gets them (`<div data-hardclock>`, each in its own shadow root), stepped by buttons,
//! keys and `postMessage`, and checked to share nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use hardclock::ui::embed_mount::mount_inline;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew render (and a posted message arrive); see tests/web.rs for why 60 ms.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(60)).await;
}

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

async fn click(host: &Element, sel: &str) {
    el(host, sel).dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
}

fn key(k: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

/// Starts collecting the page's messages (the data of each); remove the listener when done.
fn listen(
    w: &web_sys::Window,
) -> (
    js_sys::Array,
    wasm_bindgen::closure::Closure<dyn Fn(web_sys::MessageEvent)>,
) {
    let seen = js_sys::Array::new();
    let on_msg = {
        let seen = seen.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
            move |e: web_sys::MessageEvent| {
                seen.push(&e.data());
            },
        )
    };
    w.add_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())
        .unwrap();
    (seen, on_msg)
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
    assert_eq!(mount_inline(&[a.clone(), b.clone()]), 2);
    settle().await;
    assert_eq!(
        text(&a, "[data-testid=ticks]"),
        "200",
        "ticks = -50, so t=250 is 200"
    );
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
    for _ in 0..3 {
        click(&b, "[data-action=step]").await;
    }
    assert_eq!(text(&b, "[data-testid=ticks]"), "2");
    assert_eq!(text(&b, "[data-testid=steps]"), "3");
    assert_eq!(text(&a, "[data-testid=ticks]"), "200");
    assert!(text(&b, "[data-testid=narration]").contains("f"));
    click(&a, "[data-action=hardclock]").await;
    assert_eq!(text(&a, "[data-testid=ticks]"), "201");
    assert_eq!(text(&b, "[data-testid=ticks]"), "2");

    // Keys go to the widget that has them, not its neighbour.
    el(&b, "[data-testid=widget]")
        .dispatch_event(&key("b"))
        .unwrap();
    settle().await;
    assert_eq!(text(&b, "[data-testid=steps]"), "2");
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
    assert_eq!(mount_inline(&[a.clone(), b.clone()]), 0);
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
    mount_inline(std::slice::from_ref(&h));
    settle().await;
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
    assert_eq!(text(&h, "[data-testid=steps]"), "1");
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
    mount_inline(&[a.clone(), b.clone()]);
    settle().await;

    // Collect the widgets' state messages, as a course page's script would.
    let (seen, on_msg) = listen(&w);

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
    settle().await;
    settle().await;
    assert_eq!(text(&a, "[data-testid=ticks]"), "206");
    assert_eq!(text(&b, "[data-testid=ticks]"), "0", "b was not addressed");

    let states: Vec<JsValue> = seen
        .iter()
        .filter(|m| {
            Reflect::get(m, &"hardclock".into())
                .ok()
                .and_then(|v| v.as_string())
                == Some("state".into())
                && Reflect::get(m, &"id".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    == Some("msg-a".into())
        })
        .collect();
    let last = states.last().expect("a state message from msg-a");
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
    settle().await;
    let err = seen
        .iter()
        .find(|m| {
            Reflect::get(m, &"hardclock".into())
                .ok()
                .and_then(|v| v.as_string())
                == Some("error".into())
        })
        .expect("an error reply");
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
    settle().await;
    let typed = seen
        .iter()
        .filter_map(|m| field(&m, "message"))
        .find(|t| t.contains("n must be a number, not string"));
    assert!(typed.is_some(), "no reply about the type of n");
    assert_eq!(text(&b, "[data-testid=ticks]"), "0");
    w.remove_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())
        .unwrap();
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
    mount_inline(std::slice::from_ref(&h));
    yew::platform::time::sleep(Duration::from_millis(500)).await;
    let play = el(&h, "[data-action=play]");
    assert_eq!(play.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(text(&h, "[data-testid=ticks]"), "0", "no tick out of view");
    h.set_attribute("style", "position:fixed;left:0;top:0;z-index:10")
        .unwrap();
    yew::platform::time::sleep(Duration::from_millis(800)).await;
    let ticks: u64 = text(&h, "[data-testid=ticks]").parse().unwrap();
    assert!(ticks > 0, "in view it plays");
    click(&h, "[data-action=play]").await;
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
    mount_inline(std::slice::from_ref(&h));
    settle().await;
    let w = el(&h, "[data-testid=widget]")
        .dyn_into::<HtmlElement>()
        .unwrap();
    // A fixed height through the CSSOM (a strict CSP blocks style attributes); the body scrolls.
    assert_eq!(w.offset_height(), 300);
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
    let play = el(&h, "[data-action=play]");
    assert_eq!(play.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(
        el(&h, "[data-action=speed]")
            .dyn_into::<web_sys::HtmlSelectElement>()
            .unwrap()
            .value(),
        "100"
    );
    // Pause, so this test leaves no timer running for the others.
    click(&h, "[data-action=play]").await;
    assert_eq!(
        el(&h, "[data-action=play]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
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
    mount_inline(&[open.clone(), closed.clone()]);
    settle().await;
    let (seen, on_msg) = listen(&w);
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
    settle().await;
    settle().await;
    assert!(text(&open, "[data-testid=title]").contains("Longest-prefix"));
    assert!(text(&closed, "[data-testid=title]").contains("Cascade"));
    let refused = seen
        .iter()
        .find(|m| {
            field(m, "hardclock").as_deref() == Some("error")
                && field(m, "id").as_deref() == Some("cmd-closed")
        })
        .expect("the refused sender hears why");
    let why = field(&refused, "message").unwrap();
    assert!(
        why.contains(&format!("\"{origin}\" is not one of them")),
        "{why}"
    );

    send("cmd-open", &[("hardclock", "play".into())]);
    settle().await;
    assert_eq!(
        el(&open, "[data-action=play]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    send("cmd-open", &[("hardclock", "pause".into())]);
    settle().await;
    assert_eq!(
        el(&open, "[data-action=play]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    w.remove_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())
        .unwrap();
}
