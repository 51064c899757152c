//! Browser test of predict mode in an embedded widget (wasm-bindgen-test): the widget asks
//! before the steps its `# ask:` checkpoints name, takes a wrong answer and a right one (a
//! choice, then a typed number), steps, marks each with the kernel's explanation, keeps the
//! score, and posts `{hardclock: "answer", id, kind, correct}` to the page.
#![cfg(target_arch = "wasm32")]

use hardclock::ui::embed_mount::mount_inline;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

#[path = "common/web_wait.rs"]
mod web_wait;
use web_wait::{
    find, mount_app, text_of, wait_attr, wait_el, wait_text, wait_until, yield_now, Messages,
};

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO: &str = "timeout_set(&t300, arp_expire, rt1)
# ask: bucket t300
timeout_add(&t300, 300)
hardclock(256)
# ask: fire_tick t300
hardclock(50)";

async fn click(host: &Element, sel: &str) {
    wait_el(host, sel)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yield_now().await;
}

fn field(m: &JsValue, k: &str) -> JsValue {
    Reflect::get(m, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The answer messages of widget `id` seen so far, as (kind, correct).
fn answers(seen: &js_sys::Array, id: &str) -> Vec<(String, bool)> {
    seen.iter()
        .filter(|m| {
            field(m, "hardclock").as_string().as_deref() == Some("answer")
                && field(m, "id").as_string().as_deref() == Some(id)
        })
        .map(|m| {
            (
                field(&m, "kind").as_string().unwrap_or_default(),
                field(&m, "correct").as_bool().unwrap_or(false),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_widget_in_predict_mode_asks_marks_scores_and_posts_answers() {
    let w = web_sys::window().unwrap();
    let doc = w.document().unwrap();
    let host = doc.create_element("div").unwrap();
    for (k, v) in [
        ("data-hardclock", ""),
        ("id", "wp"),
        ("data-mode", "predict"),
        ("data-view", "timers"),
    ] {
        host.set_attribute(k, v).unwrap();
    }
    host.set_text_content(Some(SCENARIO));
    doc.body().unwrap().append_child(&host).unwrap();

    let messages = Messages::listen();
    let seen = messages.seen.clone();

    mount_inline(std::slice::from_ref(&host));
    wait_el(&host, "[data-testid=widget]").await;
    // Before timeout_set nothing is asked; the checkpoints name the steps that are.
    wait_el(&host, "[data-testid=predict-none]").await;
    wait_text(
        &host,
        "[data-testid=predict-score]",
        "Predict · 0 / 0 right",
    )
    .await;
    click(&host, "[data-action=step]").await;

    // Before timeout_add: where does it leave t300? A wrong choice first.
    wait_attr(
        &host,
        "[data-testid=predict-question]",
        "data-kind",
        "bucket",
    )
    .await;
    let q = text_of(&host, "[data-testid=predict-question]").unwrap();
    assert!(q.contains("timeout_add(&t300, 300)"), "{q}");
    click(&host, "[data-choice='wheel 1 bucket 0x01']").await;
    wait_attr(
        &host,
        "[data-testid=predict-verdict]",
        "data-correct",
        "false",
    )
    .await;
    let v = text_of(&host, "[data-testid=predict-verdict]").unwrap();
    assert!(v.contains("the kernel says timeout_todo"), "{v}");
    assert!(
        v.contains("appended to timeout_todo"),
        "the explanation is the narration: {v}"
    );
    wait_text(
        &host,
        "[data-testid=predict-score]",
        "Predict · 0 / 1 right",
    )
    .await;
    // The machine stepped: timeout_add ran.
    wait_text(&host, "[data-testid=steps]", "2").await;
    wait_until("the wrong answer posted", || {
        answers(&seen, "wp") == [("bucket".to_string(), false)]
    })
    .await;

    // hardclock(256) has no checkpoint: step on.
    wait_el(&host, "[data-testid=predict-none]").await;
    click(&host, "[data-action=step]").await;

    // Before hardclock(50): when does t300 fire? Typed, from the keyboard's field.
    wait_attr(
        &host,
        "[data-testid=predict-question]",
        "data-kind",
        "fire_tick",
    )
    .await;
    let input: HtmlInputElement = wait_el(&host, "[data-testid=predict-input]")
        .await
        .dyn_into()
        .unwrap();
    input.set_value("300");
    click(&host, ".hc-p-typed button[type=submit]").await;
    wait_attr(
        &host,
        "[data-testid=predict-verdict]",
        "data-correct",
        "true",
    )
    .await;
    let v = text_of(&host, "[data-testid=predict-verdict]").unwrap();
    assert!(v.starts_with("✓ Right: 300."), "{v}");
    assert!(v.contains("arp_expire(rt1)"), "{v}");
    wait_text(
        &host,
        "[data-testid=predict-score]",
        "Predict · 1 / 2 right",
    )
    .await;
    wait_text(&host, "[data-testid=ticks]", "306").await;
    wait_until("the right answer posted", || {
        answers(&seen, "wp")
            == [
                ("bucket".to_string(), false),
                ("fire_tick".to_string(), true),
            ]
    })
    .await;
    assert!(find(&host, "[data-testid=predict-question]").is_none());

    host.remove();
}

/// The app's toggle: predict mode goes into the link, asks at the checkpoint, steps on an answer.
#[wasm_bindgen_test]
async fn the_app_toggle_asks_at_a_checkpoint_and_keeps_mode_in_the_link() {
    let src =
        "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 3)   # ask: fire_tick t1\nhardclock(3)\n";
    let hash = format!("#{}", hardclock::ui::hash::encode(src, None));
    let root = mount_app(&hash).await;
    assert!(
        find(&root, "[data-testid=predict]").is_none(),
        "off unless asked"
    );

    click(&root, "#hc-predict").await;
    wait_attr(&root, "#hc-predict", "aria-pressed", "true").await;
    wait_el(&root, "[data-testid=predict-none]").await;
    click(&root, "#hc-step").await;
    wait_el(&root, "[data-testid=predict-none]").await;
    click(&root, "#hc-step").await;
    wait_attr(
        &root,
        "[data-testid=predict-question]",
        "data-kind",
        "fire_tick",
    )
    .await;
    click(&root, "[data-choice='3']").await;
    wait_attr(
        &root,
        "[data-testid=predict-verdict]",
        "data-correct",
        "true",
    )
    .await;
    wait_text(
        &root,
        "[data-testid=predict-score]",
        "Predict · 1 / 1 right",
    )
    .await;
    wait_text(&root, "[data-testid=ticks]", "3").await;
    let w = web_sys::window().unwrap();
    wait_until("mode=predict in the link", || {
        w.location()
            .hash()
            .unwrap_or_default()
            .contains("mode=predict")
    })
    .await;
    root.remove();
}
