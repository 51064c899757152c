//! Browser tests (wasm-bindgen-test): mount the real app into the page and drive it like a user.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlTextAreaElement};

#[path = "common/web_wait.rs"]
mod web_wait;
use web_wait::{
    find, mount_app, text_of, wait_attr, wait_el, wait_for, wait_text, wait_until, yield_now,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh element showing the built-in example (not the default preset,
/// so these tests do not depend on a preset's text) and lets Yew render.
async fn mount() -> web_sys::Element {
    let h = hardclock::ui::hash::encode(hardclock::ui::state::DEFAULT_SCENARIO, None);
    mount_app(&format!("#{h}")).await
}

fn el(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    el(root, sel).text_content().unwrap()
}

fn attr(root: &web_sys::Element, sel: &str, name: &str) -> String {
    el(root, sel)
        .get_attribute(name)
        .unwrap_or_else(|| panic!("{sel} has no {name}"))
}

/// Clicks `sel` once it is there, then lets the page take its turn: Yew renders an action in
/// a microtask, so the render is done when this returns. What the page does on timers of its
/// own (play, refreshes) the caller waits for.
async fn click(root: &web_sys::Element, sel: &str) {
    wait_el(root, sel)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yield_now().await;
}

async fn load(root: &web_sys::Element, src: &str) {
    let ta = el(root, "#hc-editor")
        .dyn_into::<HtmlTextAreaElement>()
        .unwrap();
    ta.set_value(src);
    let ev = web_sys::InputEvent::new("input").unwrap();
    ta.dispatch_event(&ev).unwrap();
    yield_now().await;
    click(root, "#hc-load").await;
    // The machine starts over with the text: no step taken, no error shown.
    wait_text(root, "[data-testid=steps]", "0").await;
}

#[wasm_bindgen_test]
async fn hardclock_button_advances_ticks() {
    let root = mount().await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
    click(&root, "#hc-hardclock").await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    wait_until("the narration of the tick", || {
        text_of(&root, "[data-testid=narration]")
            .is_some_and(|t| t.trim() == "hardclock(): ticks is now 1.")
    })
    .await;
}

const SCENARIO: &str = "timeout_set(&t1, f, NULL)\ntimeout_set(&t2, g, NULL)\ntimeout_add(&t1, 10)\ntimeout_add(&t2, 300)\nhardclock(1)\n";

#[wasm_bindgen_test]
async fn stepping_a_scenario_shows_the_wheel_todo_and_table_and_step_back_restores_it() {
    let root = mount().await;
    load(&root, SCENARIO).await;
    wait_text(&root, "[data-testid=steps]", "0").await;
    for _ in 0..4 {
        click(&root, "#hc-step").await;
    }
    // Both timeouts wait on timeout_todo, no bucket is occupied yet.
    wait_text(&root, "[data-testid=todo]", "t1t2").await;
    assert_eq!(
        root.query_selector_all(".hc-bucket.occ").unwrap().length(),
        0
    );
    let row = "[data-testid=timer-row][data-timer=t2]";
    wait_until(
        &format!("{} contains {}", row, "INITIALIZED|ONQUEUE"),
        || text_of(&root, row).is_some_and(|t| t.contains("INITIALIZED|ONQUEUE")),
    )
    .await;
    wait_until(&format!("{} contains {}", row, "timeout_todo"), || {
        text_of(&root, row).is_some_and(|t| t.contains("timeout_todo"))
    })
    .await;
    wait_until(
        "'[data-testid=narration]' contains 'timeout_add(&t2, 300)'",
        || {
            text_of(&root, "[data-testid=narration]")
                .is_some_and(|t| t.contains("timeout_add(&t2, 300)"))
        },
    )
    .await;

    // hardclock(1): softclock sorts them into wheel 0 bucket 0x0a and wheel 1 bucket 0x01.
    click(&root, "#hc-step").await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    let b = |w: u32, n: u32| format!("path[data-wheel=\"{w}\"][data-bucket=\"{n}\"]");
    wait_attr(&root, &b(0, 10), "data-count", "1").await;
    wait_attr(&root, &b(1, 1), "data-count", "1").await;
    wait_attr(&root, &b(1, 2), "data-count", "0").await;
    wait_until("wheel 0 bucket 1 to be the current one", || {
        find(&root, &b(0, 1))
            .and_then(|e| e.get_attribute("class"))
            .is_some_and(|c| c.split(' ').any(|c| c == "cur"))
    })
    .await;
    wait_text(&root, "[data-testid=todo]", "empty").await;
    wait_until(
        &format!("{} contains {}", row, "wheel 1 bucket 0x01"),
        || text_of(&root, row).is_some_and(|t| t.contains("wheel 1 bucket 0x01")),
    )
    .await;
    wait_until(&format!("{} contains {}", row, "299"), || {
        text_of(&root, row).is_some_and(|t| t.contains("299"))
    })
    .await;
    wait_until("'[data-testid=wheel-table]' contains 't2'", || {
        text_of(&root, "[data-testid=wheel-table]").is_some_and(|t| t.contains("t2"))
    })
    .await;
    wait_until(
        "'[data-testid=narration]' contains 'wheel 1 bucket 0x01'",
        || {
            text_of(&root, "[data-testid=narration]")
                .is_some_and(|t| t.contains("wheel 1 bucket 0x01"))
        },
    )
    .await;

    click(&root, "#hc-back").await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
    wait_text(&root, "[data-testid=todo]", "t1t2").await;
    wait_attr(&root, &b(1, 1), "data-count", "0").await;
    wait_until(&format!("{} contains {}", row, "timeout_todo"), || {
        text_of(&root, row).is_some_and(|t| t.contains("timeout_todo"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_bad_scenario_shows_the_error_at_its_line_and_keeps_the_text() {
    let root = mount().await;
    let bad = "timeout_set(&t1, f, NULL)\n\ntimeout_add(&t1, 300;\n";
    load(&root, bad).await;
    let sel = "[data-testid=script-error]";
    wait_attr(&root, sel, "data-line", "3").await;
    wait_attr(&root, sel, "data-col", "21").await;
    let shown = text(&root, sel);
    assert!(shown.contains("line 3, column 21"), "{shown}");
    assert!(shown.contains("3 | timeout_add(&t1, 300;"), "{shown}");
    let ta = el(&root, "#hc-editor")
        .dyn_into::<HtmlTextAreaElement>()
        .unwrap();
    assert_eq!(ta.value(), bad, "the typed text is kept");
}

#[wasm_bindgen_test]
async fn a_link_restores_the_moment_and_a_hostile_one_is_harmless() {
    let root = mount_app("#s=timeout_set(%26t,f,NULL)%0Atimeout_add(%26t,300)&t=256").await;
    wait_text(&root, "[data-testid=ticks]", "256").await;
    wait_until(
        "'[data-testid=narration]' contains 'cascades wheel 1 bucket 0x01'",
        || {
            text_of(&root, "[data-testid=narration]")
                .is_some_and(|t| t.contains("cascades wheel 1 bucket 0x01"))
        },
    )
    .await;
    let root = mount_app("#s=%ff%fe&t=x&zz=1").await;
    wait_until("'[data-testid=notice]' contains 'not valid UTF-8'", || {
        text_of(&root, "[data-testid=notice]").is_some_and(|t| t.contains("not valid UTF-8"))
    })
    .await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
}

#[wasm_bindgen_test]
async fn keyboard_shortcuts_work_inside_the_widget_only() {
    let root = mount().await;
    let app = el(&root, ".hc-app");
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
    };
    app.dispatch_event(&key("n")).unwrap();
    yield_now().await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    app.dispatch_event(&key("?")).unwrap();
    yield_now().await;
    wait_until("'[data-testid=help]' contains 'step back'", || {
        text_of(&root, "[data-testid=help]").is_some_and(|t| t.contains("step back"))
    })
    .await;
    // Typing in the console is not a shortcut.
    el(&root, "#hc-console-input")
        .dispatch_event(&key("n"))
        .unwrap();
    yield_now().await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    app.dispatch_event(&key("b")).unwrap();
    yield_now().await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
}

#[wasm_bindgen_test]
async fn the_preset_picker_groups_by_man_page_and_loads_the_choice() {
    let root = mount_app("#p=pmtu-expiry").await;
    let select = el(&root, "#hc-preset")
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    assert_eq!(select.value(), "pmtu-expiry");
    let groups: Vec<String> = (0..4)
        .map(|i| {
            root.query_selector_all("#hc-preset optgroup")
                .unwrap()
                .item(i)
                .unwrap()
                .dyn_into::<web_sys::Element>()
                .unwrap()
                .get_attribute("label")
                .unwrap()
        })
        .collect();
    assert!(groups[0].starts_with("timeout(9)"), "{groups:?}");
    assert!(groups[3].starts_with("rt_timer(9)"), "{groups:?}");
    wait_until("'[data-testid=preset-title]' contains 'PMTU'", || {
        text_of(&root, "[data-testid=preset-title]").is_some_and(|t| t.contains("PMTU"))
    })
    .await;
    wait_until(
        "'[data-testid=preset-note]' contains 'ip_mtudisc_timeout'",
        || {
            text_of(&root, "[data-testid=preset-note]")
                .is_some_and(|t| t.contains("ip_mtudisc_timeout"))
        },
    )
    .await;

    select.set_value("cascade-256");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yield_now().await;
    wait_until("'[data-testid=preset-title]' contains 'Cascade'", || {
        text_of(&root, "[data-testid=preset-title]").is_some_and(|t| t.contains("Cascade"))
    })
    .await;
    let ta = el(&root, "#hc-editor")
        .dyn_into::<HtmlTextAreaElement>()
        .unwrap();
    assert!(ta.value().contains("timeout_set(&t256, at_boundary, NULL)"));
    click(&root, "#hc-step").await;
    // The machine runs the preset: its first statement sets ticks 50 before the wrap.
    wait_text(&root, "[data-testid=steps]", "1").await;
    wait_text(&root, "[data-testid=ticks]", "-50").await;

    let root = mount_app("#p=no-such-preset").await;
    wait_until("'[data-testid=notice]' contains 'no-such-preset'", || {
        text_of(&root, "[data-testid=notice]").is_some_and(|t| t.contains("no-such-preset"))
    })
    .await;
}

/// A table of 600 routes (an import's size): the route table shows a page of it with a pager,
/// and the radix tree's text is written only once "Tree as text" is opened, and then the first
/// nodes and the lookup's path (issue #22: a step renders what is on screen, not the table).
#[wasm_bindgen_test]
async fn a_big_table_is_shown_a_page_at_a_time() {
    let mut src: String = (0..600)
        .map(|i| format!("route_add(10.{}.{}.0/24, 192.168.1.1)\n", i / 256, i % 256))
        .collect();
    src.push_str("rt = rtalloc1(10.1.20.7, 0, 0)\n");
    let root = mount().await;
    load(&root, &src).await;
    click(&root, "#hc-run-script").await;
    wait_until("the first page of routes", || {
        text_of(&root, "[data-testid=routes-count]").as_deref() == Some("routes 1–50 of 600")
    })
    .await;
    let rows = || {
        root.query_selector_all("[data-testid=route-row]")
            .unwrap()
            .length()
    };
    assert_eq!(rows(), 50);
    assert_eq!(
        attr(&root, "[data-testid=route-row]", "data-dst"),
        "10.0.0.0/24"
    );
    click(&root, "[data-route-page=next]").await;
    wait_until("the second page", || {
        text_of(&root, "[data-testid=routes-count]").as_deref() == Some("routes 51–100 of 600")
    })
    .await;
    assert_eq!(
        attr(&root, "[data-testid=route-row]", "data-dst"),
        "10.0.50.0/24"
    );
    click(&root, "[data-route-page=last]").await;
    wait_until("the last page", || {
        text_of(&root, "[data-testid=routes-count]").as_deref() == Some("routes 551–600 of 600")
    })
    .await;
    // The tree's text waits for its reader: none while closed, the path marked once open.
    wait_el(&root, "[data-testid=lookup-steps]").await;
    assert!(find(&root, "[data-testid=rn-leaf]").is_none());
    let details = el(&root, ".hc-radix details");
    details.set_attribute("open", "").unwrap();
    wait_el(&root, ".hc-radix .hc-path-mark").await;
    let listed = root
        .query_selector_all("[data-testid=rn-leaf]")
        .unwrap()
        .length();
    assert!(listed > 0 && listed < 600, "{listed} leaves listed");
    assert!(text_of(&root, ".hc-radix details")
        .is_some_and(|t| t.contains("The first 1000 nodes and the lookup's path")));
}

#[wasm_bindgen_test]
async fn rt_timer_lanes_show_the_entry_then_its_expiry_deletes_the_route() {
    // Tick 700: the PMTU timer is on ip_mtudisc_timeout_q, the scan of second 8 will take it
    // (the scanner keeps the boot phase: it runs every hz hardclocks from boot).
    let root = mount_app("#p=pmtu-expiry&t=700").await;
    let lane = "[data-testid=rtt-lane]";
    wait_attr(&root, lane, "data-count", "1").await;
    wait_until(
        &format!("{} contains {}", lane, "ip_mtudisc_timeout_q"),
        || text_of(&root, lane).is_some_and(|t| t.contains("ip_mtudisc_timeout_q")),
    )
    .await;
    wait_attr(&root, "[data-testid=rtt-entry]", "data-dst", "10.9.8.7/32").await;
    wait_until("'[data-testid=rtt-entry]' contains 'second 8'", || {
        text_of(&root, "[data-testid=rtt-entry]").is_some_and(|t| t.contains("second 8"))
    })
    .await;
    wait_until("'[data-testid=next-scan]' contains 'tick 800'", || {
        text_of(&root, "[data-testid=next-scan]").is_some_and(|t| t.contains("tick 800"))
    })
    .await;
    // Choosing the entry highlights its route in the table.
    click(&root, "[data-testid=rtt-entry] button").await;
    let row = wait_el(&root, "[data-testid=route-row].sel").await;
    assert!(row
        .get_attribute("data-dst")
        .unwrap()
        .starts_with("10.9.8.7"));

    // Tick 800: the scan took it, icmp_mtudisc_timeout deleted the route (a kernel-internal
    // rtrequest: no routing socket message), which waits in rttrash for its last reference.
    let root = mount_app("#p=pmtu-expiry&t=800").await;
    wait_attr(&root, lane, "data-count", "0").await;
    wait_until("'[data-testid=rttrash-row]' contains '10.9.8.7'", || {
        text_of(&root, "[data-testid=rttrash-row]").is_some_and(|t| t.contains("10.9.8.7"))
    })
    .await;
    assert!(find(&root, "[data-testid=rtm-log] [data-rtm=RTM_DELETE]").is_none());
}

#[wasm_bindgen_test]
async fn the_radix_tree_marks_the_latest_lookup_path() {
    let src = "route_add(10.0.0.0/8, 192.168.1.1)\nroute_add(10.1.0.0/16, 192.168.1.2)\nrt = rtalloc1(10.2.3.4, 0, 0)\n";
    let root = mount().await;
    load(&root, src).await;
    click(&root, "#hc-run-script").await;
    wait_until("two leaves in the tree", || {
        root.query_selector_all("[data-testid=rn-leaf]")
            .unwrap()
            .length()
            >= 2
    })
    .await;
    wait_until("'[data-testid=lookup-summary]' contains '10.2.3.4'", || {
        text_of(&root, "[data-testid=lookup-summary]").is_some_and(|t| t.contains("10.2.3.4"))
    })
    .await;
    wait_until("'[data-testid=lookup-steps]' contains 'test bit'", || {
        text_of(&root, "[data-testid=lookup-steps]").is_some_and(|t| t.contains("test bit"))
    })
    .await;
    wait_el(&root, ".on-path").await;
    wait_until("no [data-testid=walk-at]", || {
        find(&root, "[data-testid=walk-at]").is_none()
    })
    .await;
    // Going through the walk: step 1 tests bit 0 at the top; step 2 is one level down.
    click(&root, "#hc-walk-next").await;
    wait_until("the walk at step 1", || {
        text_of(&root, "[data-testid=walk-at]").is_some_and(|t| t.trim() == "● step 1")
    })
    .await;
    assert_eq!(
        el(&root, "[data-testid=walk-at]")
            .closest("li")
            .unwrap()
            .unwrap()
            .get_attribute("data-bit")
            .as_deref(),
        Some("0")
    );
    click(&root, "#hc-walk-next").await;
    wait_until("the walk at step 2", || {
        text_of(&root, "[data-testid=walk-at]").is_some_and(|t| t.trim() == "● step 2")
    })
    .await;
    wait_until(
        "'[data-testid=lookup-steps] li.cur' contains 'test bit'",
        || {
            text_of(&root, "[data-testid=lookup-steps] li.cur")
                .is_some_and(|t| t.contains("test bit"))
        },
    )
    .await;
    click(&root, "#hc-walk-prev").await;
    click(&root, "#hc-walk-prev").await;
    wait_until("no [data-testid=walk-at]", || {
        find(&root, "[data-testid=walk-at]").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn choosing_a_callout_in_the_table_marks_it_on_the_callwheel() {
    let root = mount().await;
    load(
        &root,
        "callout_init(&c1, 1)\ncallout_init(&c2, 1)\ncallout_reset(&c1, 5, f, NULL)\ncallout_reset(&c2, 9, g, NULL)\n",
    )
    .await;
    click(&root, "#hc-run-script").await;
    wait_until("no .hc-entry.sel", || {
        find(&root, ".hc-entry.sel").is_none()
    })
    .await;
    click(&root, "[data-testid=timer-row][data-timer=c2] button").await;
    wait_until("'.hc-entry.sel' starts_with 'c2'", || {
        text_of(&root, ".hc-entry.sel").is_some_and(|t| t.starts_with("c2"))
    })
    .await;
    wait_attr(&root, ".hc-callwheel path.sel", "data-cw-bucket", "9").await;
    // Choosing it again clears the mark.
    click(&root, "[data-testid=timer-row][data-timer=c2] button").await;
    wait_until("no .hc-entry.sel", || {
        find(&root, ".hc-entry.sel").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn micro_step_reveals_one_event_at_a_time_then_runs_the_next_statement() {
    let root = mount().await;
    load(&root, SCENARIO).await;
    for _ in 0..4 {
        click(&root, "#hc-step").await;
    }
    // hardclock(1) runs at once, but the narration shows only its first event: the tick.
    click(&root, "#hc-micro").await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    wait_text(&root, "[data-testid=steps]", "5").await;
    let told = |root: &web_sys::Element| {
        root.query_selector_all("[data-testid=narration] p")
            .unwrap()
            .length()
    };
    wait_until("one sentence told", || told(&root) == 1).await;
    wait_until("'[data-testid=micro]' contains 'event 1 of'", || {
        text_of(&root, "[data-testid=micro]").is_some_and(|t| t.contains("event 1 of"))
    })
    .await;
    wait_until(
        "'[data-testid=narration]' not contains 'wheel 1 bucket 0x01'",
        || {
            text_of(&root, "[data-testid=narration]")
                .is_some_and(|t| !t.contains("wheel 1 bucket 0x01"))
        },
    )
    .await;
    let app = el(&root, ".hc-app");
    let mut shown = 1;
    while !text(&root, "[data-testid=narration]").contains("wheel 1 bucket 0x01") {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("m");
        init.set_bubbles(true);
        let m =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        app.dispatch_event(&m).unwrap();
        yield_now().await;
        shown += 1;
        wait_until("one more sentence per micro-step", || told(&root) >= shown).await;
        assert_eq!(told(&root), shown, "one more sentence per micro-step");
        assert_eq!(text(&root, "[data-testid=steps]"), "5", "no new step");
        assert!(shown < 20, "the re-bucketing of t2 is never told");
    }
    // Step back undoes the whole statement.
    click(&root, "#hc-back").await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
    wait_text(&root, "[data-testid=todo]", "t1t2").await;
    wait_until("no [data-testid=micro]", || {
        find(&root, "[data-testid=micro]").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_cascade_draws_each_moved_timeout_from_its_higher_bucket_through_todo_to_a_lower_one() {
    let root = mount_app("#p=cascade-256").await;
    wait_until("no [data-testid=cascade]", || {
        find(&root, "[data-testid=cascade]").is_none()
    })
    .await;
    click(&root, "[data-milestone=cascade]").await;
    wait_text(&root, "[data-testid=ticks]", "256").await;
    // Wheel 1 bucket 1 held three timeouts: t256 was due and ran, t300 and t400 moved down.
    // The wheel's layers are drawn in a render of their own after the step's.
    let layer = wait_el(&root, "[data-testid=cascade]").await;
    assert_eq!(layer.get_attribute("data-moves").as_deref(), Some("2"));
    let moves = root.query_selector_all(".hc-move").unwrap();
    assert_eq!(moves.length(), 2);
    wait_attr(&root, ".hc-move[data-name=t300]", "data-from", "1:1").await;
    wait_attr(&root, ".hc-move[data-name=t300]", "data-to", "0:44").await;
    wait_attr(&root, ".hc-move[data-name=t400]", "data-to", "0:144").await;
    // Each move has its arrow (which stays under reduced motion) and its moving dot.
    assert!(attr(&root, ".hc-move[data-name=t300] .hc-move-arrow", "d").starts_with('M'));
    // Its path and delay reach it through the CSSOM (a strict CSP blocks style attributes),
    // from an effect after the render.
    let dot_sel = ".hc-move[data-name=t300] circle.hc-mover";
    let dot = wait_for("the moving dot's style", || {
        find(&root, dot_sel)
            .and_then(|d| d.get_attribute("style"))
            .filter(|s| s.contains("--x0:"))
    })
    .await;
    assert!(
        dot.contains("--x0:") && dot.contains("--yt:") && dot.contains("animation-delay"),
        "{dot}"
    );
    // The arrow passes through timeout_todo, drawn in the middle of the wheel.
    wait_text(&root, "[data-testid=cascade] .hc-todo-label", "todo").await;
    let said = text(&root, "[data-testid=cascade-text]");
    assert!(
        said.contains("t300 wheel 1 bucket 0x01 → wheel 0 bucket 0x2c"),
        "{said}"
    );
    // The next tick has no cascade: the layer goes away.
    click(&root, "#hc-hardclock").await;
    wait_until("no [data-testid=cascade]", || {
        find(&root, "[data-testid=cascade]").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_timer_table_shows_a_page_with_the_count_and_pages_on() {
    let root = mount().await;
    let mut src = String::new();
    for i in 0..120 {
        src.push_str(&format!(
            "timeout_set(&t{i:03}, f, NULL); timeout_add(&t{i:03}, {})\n",
            i + 1
        ));
    }
    load(&root, &src).await;
    click(&root, "#hc-run-script").await;
    // The table is built in a render of its own after the step's.
    wait_text(&root, "[data-testid=timers-count]", "rows 1–50 of 120").await;
    let rows = root.query_selector_all("[data-testid=timer-row]").unwrap();
    assert_eq!(rows.length(), 50);
    click(&root, "#hc-timers-next").await;
    wait_text(&root, "[data-testid=timers-count]", "rows 51–100 of 120").await;
    assert!(root
        .query_selector("[data-testid=timer-row][data-timer=t050]")
        .unwrap()
        .is_some());
    click(&root, "#hc-timers-last").await;
    wait_text(&root, "[data-testid=timers-count]", "rows 101–120 of 120").await;
    // Choosing a timeout on the wheel's todo list (it shows the first 40) opens its page.
    click(&root, "[data-testid=todo] li:last-child button").await;
    wait_text(&root, "[data-testid=timers-count]", "rows 1–50 of 120").await;
    wait_attr(
        &root,
        "[data-testid=timer-row][data-timer=t039]",
        "aria-selected",
        "true",
    )
    .await;
}

#[wasm_bindgen_test]
async fn while_playing_the_live_region_holds_one_sentence_and_the_log_waits() {
    let root = mount().await;
    click(&root, "#hc-hardclock").await;
    wait_until("the narration of the tick", || {
        text_of(&root, "[data-testid=narration]")
            .is_some_and(|t| t.trim() == "hardclock(): ticks is now 1.")
    })
    .await;
    click(&root, "#hc-play").await;
    wait_attr(&root, "[data-testid=narration]", "data-playing", "true").await;
    let n = el(&root, "[data-testid=narration]");
    assert_eq!(n.query_selector_all("p").unwrap().length(), 1);
    assert!(text(&root, "[data-testid=narration]").starts_with("Playing at 10 ticks/s; at tick"));
    wait_until("'.hc-log summary' contains 'shown when paused'", || {
        text_of(&root, ".hc-log summary").is_some_and(|t| t.contains("shown when paused"))
    })
    .await;
    click(&root, "#hc-play").await;
    wait_attr(&root, "[data-testid=narration]", "data-playing", "false").await;
    wait_until("'.hc-log summary' starts_with 'Event log (last'", || {
        text_of(&root, ".hc-log summary").is_some_and(|t| t.starts_with("Event log (last"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn while_playing_the_timer_table_follows_the_clock_on_its_own_refresh_timer() {
    let root = mount_app("#p=cascade-256").await;
    let row = "[data-testid=timer-row][data-timer=t256] td:nth-of-type(5)";
    // `ticks = -50`, three timeout_set and three timeout_add, then one tick.
    for _ in 0..7 {
        click(&root, "#hc-step").await;
    }
    click(&root, "#hc-hardclock").await;
    let to_go =
        |root: &web_sys::Element| text_of(root, row).and_then(|t| t.trim().parse::<i64>().ok());
    let now = |root: &web_sys::Element| {
        text_of(root, "[data-testid=ticks]").and_then(|t| t.parse::<i64>().ok())
    };
    // The table, built in a render of its own, shows the machine as it is.
    let shows_now =
        |root: &web_sys::Element| now(root).is_some_and(|t| to_go(root) == Some(256 - t));
    wait_until("the table to show the ticks to go", || shows_now(&root)).await;
    let before = to_go(&root).unwrap();
    // 10 ticks/s: an advance every 100 ms; the table is rebuilt by its own timer (every
    // 250 ms, between advances), never frozen for the whole play.
    click(&root, "#hc-play").await;
    wait_until("the table's ticks to go to fall while playing", || {
        text_of(&root, row)
            .and_then(|t| t.trim().parse::<i64>().ok())
            .is_some_and(|playing| playing < before)
    })
    .await;
    click(&root, "#hc-play").await;
    // Paused, the table shows the machine as it is.
    wait_until("the paused table to show the ticks to go", || {
        shows_now(&root)
    })
    .await;
}

#[wasm_bindgen_test]
async fn playing_fast_the_cascade_keeps_its_arrows_but_nothing_moves() {
    let root = mount_app("#p=cascade-256").await;
    click(&root, "[data-milestone=cascade]").await;
    // Paused: each moved timeout has its arrow and its travelling dot.
    wait_until("two travelling dots", || {
        root.query_selector_all(".hc-mover").unwrap().length() == 2
    })
    .await;
    assert!(!attr(&root, ".hc-wheel-svg", "class").contains("hc-still"));
    let speed = el(&root, "#hc-speed")
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    speed.set_value("1000");
    speed
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yield_now().await;
    // Press play and look before the first advance (50 ms): the same cascade, at 1,000
    // ticks/s, keeps its arrows, but no dot travels and no spliced bucket pulses.
    el(&root, "#hc-play")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yield_now().await;
    // No dot travels and nothing pulses, whenever this looks.
    assert_eq!(root.query_selector_all(".hc-mover").unwrap().length(), 0);
    assert!(attr(&root, ".hc-wheel-svg", "class").contains("hc-still"));
    // The arrows are the cascade's until the first advance moves the clock on; on a busy
    // machine that advance may come first, and there is no cascade left to look at.
    if text(&root, "[data-testid=ticks]") == "256" {
        assert_eq!(root.query_selector_all(".hc-move").unwrap().length(), 2);
    }
    click(&root, "#hc-play").await;
    wait_until("the paused wheel to move again", || {
        find(&root, ".hc-wheel-svg")
            .and_then(|e| e.get_attribute("class"))
            .is_some_and(|c| !c.contains("hc-still"))
    })
    .await;
}

/// A short hostile link: a timeout that re-arms itself for 0 ticks with a long body. The page
/// stops it with a message naming the limit, and still answers (step back, the next tick).
#[wasm_bindgen_test]
async fn a_hostile_link_stops_with_its_message_and_the_page_still_answers() {
    let body = vec!["x = 1"; 299].join("; ");
    let src = format!(
        "timeout_set(&t, f, NULL)\nhandler f {{ timeout_add(&t, 0); {body} }}\ntimeout_add(&t, 1)\nhardclock(2)\n"
    );
    let h = hardclock::ui::hash::encode(&src, None);
    let root = mount_app(&format!("#{h}")).await;
    click(&root, "#hc-run-script").await;
    wait_until("the panic naming the limit", || {
        text_of(&root, "[data-testid=panic]").is_some_and(|t| {
            t.contains("simulator limit: 2000000 statements run inside handler bodies")
        })
    })
    .await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
    // The page still answers: step back to before the statement, which leaves the panic.
    click(&root, "#hc-back").await;
    wait_until("the panic to go", || {
        find(&root, "[data-testid=panic]").is_none()
    })
    .await;
    wait_text(&root, "[data-testid=ticks]", "0").await;
    click(&root, "#hc-hardclock").await;
    wait_text(&root, "[data-testid=ticks]", "1").await;
}
