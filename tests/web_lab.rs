//! Browser test of the scheme lab's comparison view as an embedded widget
//! (`data-view="compare"`): it draws every scheme, steps them together, plays, and replays the
//! widget's own scenario.
#![cfg(target_arch = "wasm32")]

use hardclock::lab::SchemeKind;
use hardclock::ui::embed_mount::mount_inline;
use hardclock::ui::tools_mount::sync_labs;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

#[path = "common/web_wait.rs"]
mod web_wait;
use web_wait::{find, text_of, wait_el, wait_text, wait_until, yield_now};

wasm_bindgen_test_configure!(run_in_browser);

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

async fn click(host: &Element, sel: &str) {
    wait_el(host, sel)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yield_now().await;
}

fn count(host: &Element, sel: &str) -> u32 {
    host.shadow_root()
        .and_then(|r| r.query_selector_all(sel).ok())
        .map_or(0, |l| l.length())
}

fn now(host: &Element) -> Option<u64> {
    text_of(host, "[data-testid=lab-now]").and_then(|t| t.parse().ok())
}

#[wasm_bindgen_test]
async fn the_compare_widget_steps_every_scheme_together() {
    let h = host(
        &[("data-hardclock", "cascade-256"), ("data-view", "compare")],
        "",
    );
    // The widgets module hands a `view=compare` host to the tools module as a lab host.
    assert_eq!(mount_inline(std::slice::from_ref(&h)), 1);
    assert!(h.has_attribute("data-hardclock-lab") && !h.has_attribute("data-hardclock"));
    sync_labs(&web_sys::window().unwrap().document().unwrap());
    wait_el(&h, "[data-testid=lab-chart]").await;
    wait_until("a line per scheme", || {
        SchemeKind::ALL
            .iter()
            .all(|k| find(&h, &format!("[data-testid=lab-line-{}]", k.name())).is_some())
    })
    .await;
    assert_eq!(
        count(&h, "[data-testid=lab-table] tbody tr"),
        SchemeKind::ALL.len() as u32
    );
    wait_text(&h, "[data-testid=lab-now]", "0").await;

    click(&h, "[data-testid=lab-step]").await;
    wait_text(&h, "[data-testid=lab-now]", "1").await;
    // Scheme 1 decremented every one of the 100 timers armed at tick 0 or not yet started.
    wait_until("the narration of tick 1", || {
        text_of(&h, "[data-testid=lab-narration]").is_some_and(|t| t.contains("tick 1:"))
    })
    .await;

    click(&h, "[data-testid=lab-play]").await;
    wait_until("play to run ticks", || now(&h).is_some_and(|n| n > 20)).await;
    click(&h, "[data-testid=lab-play]").await;
    let paused_at = now(&h).unwrap();
    yield_now().await;
    assert_eq!(now(&h), Some(paused_at), "paused");
    assert!(text_of(&h, "[data-testid=lab-play]")
        .unwrap()
        .contains("play"));
}

/// Picks the lab's `scenario` workload, as a student does in its select.
async fn choose_scenario_workload(h: &Element) {
    let select = wait_el(h, "[data-testid=lab-workload]")
        .await
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    select.set_value("scenario");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_scenario_workload_replays_the_widget_s_timeouts() {
    let h = host(
        &[("data-hardclock", ""), ("data-view", "compare")],
        "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 3)\ncallout_init(&c, 1)\ncallout_reset(&c, 5, g, NULL)\nhardclock(10)",
    );
    // The widgets module hands a `view=compare` host to the tools module as a lab host.
    assert_eq!(mount_inline(std::slice::from_ref(&h)), 1);
    assert!(h.has_attribute("data-hardclock-lab") && !h.has_attribute("data-hardclock"));
    sync_labs(&web_sys::window().unwrap().document().unwrap());
    choose_scenario_workload(&h).await;
    wait_until("the scenario's two timers", || {
        text_of(&h, ".hc-lab-now").is_some_and(|t| t.contains("workload scenario · 2 timers"))
    })
    .await;
    for _ in 0..5 {
        click(&h, "[data-testid=lab-step]").await;
    }
    wait_text(&h, "[data-testid=lab-now]", "5").await;
    // Both fired in the exact schemes: the hierarchical row counts 2 fires.
    let row = find(&h, "[data-scheme=hierarchical]").unwrap();
    let cells = row.query_selector_all("td").unwrap();
    let fires = cells.item(6).unwrap().text_content().unwrap();
    assert_eq!(fires, "2");
}

/// The app's lab drawer: a `<div data-hardclock-lab data-scenario>` that the tools module
/// fills with the bare lab, follows when its scenario changes, and ends when it leaves the page.
#[wasm_bindgen_test]
async fn a_lab_host_gets_the_lab_and_follows_its_scenario() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let h = host(
        &[
            ("data-hardclock-lab", ""),
            (
                "data-scenario",
                "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 3)",
            ),
        ],
        "Loading the scheme lab…",
    );
    sync_labs(&doc);
    wait_el(&h, "[data-testid=lab-chart]").await;
    // The bare lab: no widget frame around it.
    assert!(find(&h, "[data-testid=widget]").is_none());
    choose_scenario_workload(&h).await;
    wait_until("the scenario's one timer", || {
        text_of(&h, ".hc-lab-now").is_some_and(|t| t.contains("workload scenario · 1 timers"))
    })
    .await;
    // The app loads another scenario: the lab's scenario workload replays the new one.
    h.set_attribute(
        "data-scenario",
        "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 3)\ncallout_init(&c, 1)\ncallout_reset(&c, 5, g, NULL)",
    )
    .unwrap();
    sync_labs(&doc);
    wait_until("the new scenario's two timers", || {
        text_of(&h, ".hc-lab-now").is_some_and(|t| t.contains("workload scenario · 2 timers"))
    })
    .await;
    // Mounting again does not mount twice.
    sync_labs(&doc);
    assert_eq!(count(&h, "[data-testid=lab-chart]"), 1);
    h.remove();
    sync_labs(&doc);
}
