//! Browser tests of the instructor's kit (issue #20): every view's figure is a standalone SVG
//! (it parses as XML, has the view's shapes, refers to no stylesheet) and its PNG decodes; a
//! pasted routing table previews and loads. Chromium and Firefox (scripts/test.sh runs both).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{DomParser, HtmlElement, HtmlImageElement, HtmlTextAreaElement, SupportedType, Url};

use hardclock::ui::figure::{figure, png, Figure};

#[path = "common/web_wait.rs"]
mod web_wait;
use web_wait::{find, mount_app, wait_for, wait_until, yield_now};

wasm_bindgen_test_configure!(run_in_browser);

/// The figure of the panel `sel`, checked: XML, an `<svg>` root, at least `min` of `shape`,
/// no stylesheet and no class.
fn check(f: &Figure, shape: &str, min: u32) -> web_sys::Document {
    let doc = DomParser::new()
        .unwrap()
        .parse_from_string(&f.svg, SupportedType::ImageSvgXml)
        .unwrap();
    assert_eq!(
        doc.get_elements_by_tag_name("parsererror").length(),
        0,
        "not XML: {}",
        &f.svg[..f.svg.len().min(400)]
    );
    let root = doc.document_element().unwrap();
    assert_eq!(root.tag_name(), "svg");
    assert_eq!(
        root.get_attribute("xmlns").as_deref(),
        Some("http://www.w3.org/2000/svg")
    );
    let n = doc.get_elements_by_tag_name(shape).length();
    assert!(n >= min, "{n} <{shape}> in the figure, want {min} or more");
    for no in [
        "stylesheet",
        "<link",
        "@import",
        "style.css",
        "class=",
        "<style",
    ] {
        assert!(!f.svg.contains(no), "the figure has {no}");
    }
    assert!(f.width > 0 && f.height > 0);
    doc
}

/// The PNG of `f` decodes, at twice its size.
async fn check_png(f: &Figure) {
    let b = png(f).await.expect("a PNG");
    assert_eq!(b.type_(), "image/png");
    let url = Url::create_object_url_with_blob(&b).unwrap();
    let img = HtmlImageElement::new().unwrap();
    img.set_src(&url);
    JsFuture::from(img.decode()).await.expect("the PNG decodes");
    assert_eq!(img.natural_width(), f.width * 2);
    assert_eq!(img.natural_height(), f.height * 2);
    Url::revoke_object_url(&url).unwrap();
}

async fn panel(root: &web_sys::Element, class: &str) -> web_sys::Element {
    wait_for(class, || find(root, &format!(".hc-views > .{class}"))).await
}

#[wasm_bindgen_test]
async fn the_wheel_and_the_timer_table_as_figures() {
    let root = mount_app("#p=cascade-256&t=256").await;
    let wheel = panel(&root, "hc-wheel").await;
    let f = figure(&wheel).expect("a wheel figure");
    // 4 rings of 256 buckets.
    check(&f, "path", 1024);
    check_png(&f).await;
    let timers = panel(&root, "hc-timers").await;
    let f = figure(&timers).expect("a table figure");
    let doc = check(&f, "text", 4);
    let all = doc.document_element().unwrap().text_content().unwrap();
    assert!(all.contains("t300"), "{all}");
    check_png(&f).await;
}

#[wasm_bindgen_test]
async fn the_radix_tree_and_the_route_table_as_figures() {
    let root = mount_app("#p=route-lpm&t=0").await;
    let radix = panel(&root, "hc-radix").await;
    let f = figure(&radix).expect("a radix figure");
    check(&f, "circle", 2);
    check_png(&f).await;
    let routes = panel(&root, "hc-routes").await;
    let f = figure(&routes).expect("a route table figure");
    let doc = check(&f, "text", 4);
    let all = doc.document_element().unwrap().text_content().unwrap();
    assert!(
        all.contains("Destination") && all.contains("10.1.0.0/16"),
        "{all}"
    );
    check_png(&f).await;
}

/// The kit as the app's drawer gets it: a `<div data-hardclock-kit>` that the tools module
/// fills; a pasted table previews, and loading it hands the app a new link.
#[wasm_bindgen_test]
async fn a_pasted_table_previews_and_loads() {
    let root = mount_app("#p=cascade-256&t=0").await;
    let doc = web_sys::window().unwrap().document().unwrap();
    let host = doc.create_element("div").unwrap();
    host.set_attribute("data-hardclock-kit", "").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    hardclock::ui::tools_mount::sync_labs(&doc);
    let ta: HtmlTextAreaElement = wait_for("the import box", || find(&host, "#hc-import"))
        .await
        .dyn_into()
        .unwrap();
    ta.set_value(
        "Destination Gateway Flags Netif\ndefault 10.0.0.1 UGS em0\nfe80::/64 link#1 U em0\n",
    );
    ta.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yield_now().await;
    wait_until("the preview", || {
        find(&host, "[data-testid=import-preview]")
            .and_then(|p| p.text_content())
            .is_some_and(|t| t.contains("route_add(0.0.0.0/0, 10.0.0.1);"))
    })
    .await;
    let unused = find(&host, "[data-testid=import-unused]").unwrap();
    assert!(unused.text_content().unwrap().contains("line 3, column 1"));
    find(&host, "#hc-import-replace")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    // The app opens the link the kit gave it: the routes, loaded and built.
    wait_until("the routes loaded", || {
        find(&root, "[data-testid=lesson-title]")
            .and_then(|t| t.text_content())
            .is_some_and(|t| t == "your own scenario")
    })
    .await;
    wait_for("the default route in the table", || {
        find(&root, "[data-testid=route-row][data-dst=\"default\"]")
            .or_else(|| find(&root, "[data-testid=route-row][data-dst=\"0.0.0.0/0\"]"))
    })
    .await;
    // A view that is not on the page says so instead of saving nothing.
    find(&host, "[data-kit=callwheel-svg]")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    wait_until("the kit's notice", || {
        find(&host, "[data-testid=kit-notice]")
            .and_then(|t| t.text_content())
            .is_some_and(|t| t.contains("not on the page"))
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn a_widget_has_the_figure_menu_and_its_view_is_a_figure() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host = doc.create_element("div").unwrap();
    host.set_attribute("data-hardclock", "cascade-256").unwrap();
    host.set_attribute("data-view", "wheel").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    hardclock::ui::embed_mount::mount_inline(std::slice::from_ref(&host));
    wait_for("the widget's SVG button", || {
        find(&host, "[data-action=svg]")
    })
    .await;
    assert!(find(&host, "[data-action=png]").is_some());
    let panel = wait_for("the widget's view", || find(&host, ".hc-panel")).await;
    let f = figure(&panel).expect("a wheel figure");
    check(&f, "path", 1024);
    check_png(&f).await;
}
