//! Browser tests of the lesson-first page (issue #16): the lesson picks its views, the timeline
//! moves the machine, the wheel's lens shows the selected timer's chip, the drawn radix tree
//! follows a lookup step by step, and an rt_timer expiry takes its linked route out of the
//! table. Every check waits for what it looks at, with a deadline ([`web_wait`]).
#![cfg(target_arch = "wasm32")]

#[path = "common/web_wait.rs"]
mod web_wait;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use web_wait::{mount_app, wait_for, wait_until};

wasm_bindgen_test_configure!(run_in_browser);

/// The element matching `sel`, if it is there yet.
fn find(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).ok().flatten()
}

fn attr_of(root: &Element, sel: &str, name: &str) -> Option<String> {
    find(root, sel).and_then(|e| e.get_attribute(name))
}

fn text_of(root: &Element, sel: &str) -> Option<String> {
    find(root, sel).and_then(|e| e.text_content())
}

/// Waits for `sel` and clicks it.
async fn click(root: &Element, sel: &str) {
    let e = wait_for(&format!("{sel} to click"), || find(root, sel)).await;
    match e.dyn_into::<HtmlElement>() {
        Ok(h) => h.click(),
        // An SVG element: a click that bubbles to the picture's one listener.
        Err(e) => {
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            let ev = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
            e.dispatch_event(&ev).unwrap();
        }
    }
}

/// Presses `key` on `sel` (a keydown that bubbles, as a keyboard would send).
async fn press(root: &Element, sel: &str, key: &str) {
    let e = wait_for(&format!("{sel} to press {key} on"), || find(root, sel)).await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    e.dispatch_event(&ev).unwrap();
}

async fn wait_ticks(root: &Element, want: &str) {
    wait_until(&format!("ticks {want}"), || {
        text_of(root, "[data-testid=ticks]").as_deref() == Some(want)
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_lesson_picks_its_views_and_the_switcher_shows_another() {
    for (preset, views) in [
        ("route-lpm", "radix routes"),
        ("pmtu-expiry", "rttimer routes"),
        ("cascade-256", "wheel timers"),
        ("callwheel-laps", "callwheel timers"),
    ] {
        let root = mount_app(&format!("#p={preset}")).await;
        wait_until(&format!("{preset} to open on {views}"), || {
            attr_of(&root, "[data-testid=views]", "data-views").as_deref() == Some(views)
        })
        .await;
        // A route lesson shows no (empty) timer wheel at all.
        if preset == "route-lpm" {
            assert!(find(&root, ".hc-wheel").is_none());
        }
    }
    let root = mount_app("#p=route-lpm").await;
    click(&root, ".hc-switch [data-view=wheel]").await;
    wait_until("the switcher to show the wheel alone", || {
        attr_of(&root, "[data-testid=views]", "data-views").as_deref() == Some("wheel")
            && find(&root, ".hc-wheel").is_some()
    })
    .await;
    click(&root, ".hc-switch [data-view=lesson]").await;
    wait_until("the lesson's views again", || {
        attr_of(&root, "[data-testid=views]", "data-views").as_deref() == Some("radix routes")
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_timeline_slider_moves_the_machine_to_the_markers_tick() {
    let root = mount_app("#p=cascade-256").await;
    let mark = "[data-testid=tl-mark][data-kind=cascade]";
    let (at, tick) = wait_for("the cascade's marker", || {
        Some((
            attr_of(&root, mark, "data-at")?,
            attr_of(&root, mark, "data-tick")?,
        ))
    })
    .await;
    assert_eq!((at.as_str(), tick.as_str()), ("306", "256"));
    assert!(text_of(&root, &format!("{mark} title"))
        .unwrap()
        .contains("cascades wheel 1 bucket 0x01"));
    let slider = "[data-testid=timeline][role=slider]";
    // The first marker after the start is the cascade: Page Down lands on its tick.
    press(&root, slider, "PageDown").await;
    wait_ticks(&root, &tick).await;
    wait_until("the slider's value to be the marker's", || {
        attr_of(&root, slider, "aria-valuenow").as_deref() == Some(at.as_str())
    })
    .await;
    // The cascade really ran: t300 is in wheel 0 bucket 0x2c.
    wait_until("the cascade's result on the wheel", || {
        attr_of(
            &root,
            r#"path[data-wheel="0"][data-bucket="44"]"#,
            "data-count",
        )
        .as_deref()
            == Some("1")
    })
    .await;
    press(&root, slider, "End").await;
    wait_ticks(&root, "400").await;
    // Back (an exact step back) one tick, then to the start of the run.
    press(&root, slider, "ArrowLeft").await;
    wait_ticks(&root, "399").await;
    press(&root, slider, "PageUp").await;
    wait_until("Page Up to land on the marker before", || {
        attr_of(&root, slider, "aria-valuenow").as_deref() == Some("350")
    })
    .await;
    press(&root, slider, "Home").await;
    wait_until("Home to go to the start", || {
        attr_of(&root, slider, "aria-valuenow").as_deref() == Some("0")
    })
    .await;
}

#[wasm_bindgen_test]
async fn selecting_a_timer_highlights_its_bucket_chip() {
    // After the cascade: t300 sits in wheel 0 bucket 0x2c, t400 in 0x90.
    let root = mount_app("#p=cascade-256&t=306").await;
    wait_ticks(&root, "256").await;
    click(&root, "[data-testid=timer-row][data-timer=t300] button").await;
    wait_until("t300's chip, selected, in the lens of its bucket", || {
        find(&root, "[data-testid=chip][data-name=t300].sel").is_some()
            && attr_of(&root, "[data-testid=lens]", "data-bucket").as_deref() == Some("44")
    })
    .await;
    assert!(text_of(&root, "[data-testid=chip][data-name=t300]")
        .unwrap()
        .contains("to_time 300"));
    // The timeline marks the selected timer's own event (t300 runs at ticks 300).
    wait_until("t300's handler run marked on the timeline", || {
        attr_of(&root, "[data-testid=tl-mark].sel", "data-tick").as_deref() == Some("300")
    })
    .await;
    // The ring marks the selected timer's bucket too.
    let sel = attr_of(&root, r#"path[data-wheel="0"][data-bucket="44"]"#, "class").unwrap();
    assert!(sel.split(' ').any(|c| c == "sel"), "{sel}");
    // Clicking another bucket zooms into it; its chip is not selected.
    let b = find(&root, r#"path[data-wheel="0"][data-bucket="144"]"#).unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    b.dispatch_event(&ev).unwrap();
    wait_until("the lens on wheel 0 bucket 0x90", || {
        attr_of(&root, "[data-testid=lens]", "data-bucket").as_deref() == Some("144")
            && find(&root, "[data-testid=chip][data-name=t400]").is_some()
    })
    .await;
    assert!(find(&root, "[data-testid=chip].sel").is_none());
}

#[wasm_bindgen_test]
async fn a_lookup_step_moves_the_highlighted_node_in_the_drawn_tree() {
    // t=0 runs every statement (none advances the clock): the last lookup is 192.0.2.1.
    let root = mount_app("#p=route-lpm&t=0").await;
    wait_for("the drawn tree", || {
        find(&root, "[data-testid=radix-drawn]")
    })
    .await;
    assert!(
        find(&root, "[data-testid=rd-at]").is_none(),
        "no step in focus yet"
    );
    let mut seen = Vec::new();
    for step in 1..=3 {
        click(&root, "#hc-walk-next").await;
        let node = wait_for(&format!("step {step} ringed in the drawn tree"), || {
            (attr_of(&root, "[data-testid=rd-at]", "data-step")? == step.to_string())
                .then(|| attr_of(&root, "[data-testid=rd-at]", "data-node"))
                .flatten()
        })
        .await;
        // The ring sits on a drawn node of the lookup's path.
        let drawn = format!("[data-testid=radix-drawn] [data-node=\"{node}\"].on-path");
        assert!(find(&root, &drawn).is_some(), "step {step}: {drawn}");
        seen.push(node);
    }
    // Down the bits to the leaf (a new node), then back up to the top (backtracking).
    assert_ne!(seen[0], seen[1]);
    assert_eq!(seen[2], seen[0], "step 3 backtracks to the node of step 1");
    assert!(text_of(&root, "[data-testid=lookup-steps] li.cur")
        .unwrap()
        .contains("backtrack"));
}

#[wasm_bindgen_test]
async fn an_rt_timer_expiry_removes_the_linked_route_row() {
    let root = mount_app("#p=pmtu-expiry&t=700").await;
    wait_ticks(&root, "700").await;
    let chip = "[data-testid=rtt-chip]";
    let key = wait_for("the rt_timer entry on the axis", || {
        attr_of(&root, chip, "data-route")
    })
    .await;
    let row = format!("[data-testid=route-row][data-route=\"{key}\"]");
    assert_eq!(
        attr_of(&root, &row, "data-linked").as_deref(),
        Some("rt_timer")
    );
    // Selecting the entry lights its route up in the table.
    click(&root, chip).await;
    wait_until("the linked route row selected", || {
        attr_of(&root, &row, "class").is_some_and(|c| c.split(' ').any(|c| c == "sel"))
    })
    .await;
    // The next marker is the expiry at tick 800 (the scanner keeps the boot phase): the scan
    // takes the entry and the route.
    press(&root, "[data-testid=timeline]", "PageDown").await;
    wait_ticks(&root, "800").await;
    wait_until("the route row gone, struck out one step", || {
        find(&root, &row).is_none()
            && find(&root, chip).is_none()
            && find(
                &root,
                &format!("[data-testid=route-gone][data-route=\"{key}\"]"),
            )
            .is_some()
    })
    .await;
    assert!(text_of(&root, "[data-testid=route-gone]")
        .unwrap()
        .contains("RTM_DELETE"));
}
