//! Figures and files out of the page (issue #20): a view as a standalone SVG (every element's
//! computed style inlined, so the figure keeps the current theme and needs no stylesheet) or a
//! PNG at twice its size (the SVG drawn onto a canvas), and downloads through a Blob URL.
//!
//! The SVG views are copied element by element. The HTML tables (timers, routes) are drawn as
//! SVG text rows, one `<text>` per cell in a monospace grid, not as a `<foreignObject>`: a
//! canvas that draws a foreignObject is tainted in Chromium, so the PNG could not be read.
//! The markup is built as a string, like the views' own (no `html!` code for a figure).

use std::fmt::Write;

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement,
    HtmlImageElement, Node, Url,
};

use super::state::State;
use super::svg::esc;

/// `cascade-256-t256`: the preset (or `scenario`) and the tick, for file names.
pub fn stem(s: &State) -> String {
    format!(
        "{}-t{}",
        s.preset().map_or("scenario", |p| p.name),
        s.kernel().clock.ticks
    )
}

/// Saves the figure of `panel` as `NAME.svg`, or as `NAME.png` at 2x.
pub fn save(panel: &Element, as_png: bool, name: String) {
    let Some(f) = figure(panel) else { return };
    if as_png {
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(b) = png(&f).await {
                download(&format!("{name}.png"), &b);
            }
        });
    } else if let Some(b) = blob(&f.svg, "image/svg+xml") {
        download(&format!("{name}.svg"), &b);
    }
}

/// The computed properties copied onto each element of an SVG figure.
const PROPS: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "display",
    "visibility",
    "transform",
    "paint-order",
];

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// Fonts every system has: the figure needs no web font.
const MONO: &str = "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/// A figure: the SVG text and its size in CSS pixels.
pub struct Figure {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

fn style_of(el: &Element) -> Option<web_sys::CssStyleDeclaration> {
    web_sys::window()?.get_computed_style(el).ok().flatten()
}

fn prop(el: &Element, name: &str) -> String {
    style_of(el)
        .and_then(|s| s.get_property_value(name).ok())
        .unwrap_or_default()
}

/// The page's background behind `el`: the first opaque one up its ancestors.
fn background(el: &Element) -> String {
    let mut at = Some(el.clone());
    while let Some(e) = at {
        let b = prop(&e, "background-color");
        if !b.is_empty() && b != "transparent" && !b.starts_with("rgba(0, 0, 0, 0)") {
            return b;
        }
        at = e.parent_element();
    }
    "#fff".into()
}

/// Copies `node` and what is under it into `o`, with the computed style of each element
/// inlined (and no class: nothing refers to a stylesheet).
fn copy(node: &Node, o: &mut String) {
    if let Some(el) = node.dyn_ref::<Element>() {
        let tag = el.tag_name();
        let _ = write!(o, "<{tag}");
        let names = el.get_attribute_names();
        for n in names.iter().filter_map(|n| n.as_string()) {
            if n == "class" || n == "style" || n.starts_with("data-") || n.starts_with("aria-") {
                continue;
            }
            let v = el.get_attribute(&n).unwrap_or_default();
            let _ = write!(o, " {n}=\"{}\"", esc(&v));
        }
        if let Some(st) = style_of(el) {
            o.push_str(" style=\"");
            let has_transform = el.has_attribute("transform");
            for p in PROPS {
                if *p == "transform" && has_transform {
                    continue;
                }
                let v = st.get_property_value(p).unwrap_or_default();
                if !v.is_empty() && v != "none" || *p == "display" && v == "none" || *p == "fill" {
                    let _ = write!(o, "{p}:{};", esc(&v));
                }
            }
            o.push('"');
        }
        o.push('>');
        let mut c = el.first_child();
        while let Some(n) = c {
            copy(&n, o);
            c = n.next_sibling();
        }
        let _ = write!(o, "</{tag}>");
    } else if node.node_type() == Node::TEXT_NODE {
        o.push_str(&esc(&node.text_content().unwrap_or_default()));
    }
}

fn px(v: f64) -> u32 {
    if v.is_finite() && v > 0.0 {
        (v + 0.5) as u32
    } else {
        0
    }
}

/// The figure of a view's panel: its drawing(s) if it has any (the wheel's stacked layers
/// become one), else its tables as text rows. None if the panel shows neither.
pub fn figure(panel: &Element) -> Option<Figure> {
    let bg = background(panel);
    let svgs = panel.query_selector_all("svg").ok()?;
    let first = svgs.get(0).and_then(|n| n.dyn_into::<Element>().ok());
    if let Some(first) = first {
        let vb = first.get_attribute("viewBox").unwrap_or_default();
        let r = first.get_bounding_client_rect();
        // The views write whole numbers into their viewBoxes (no float parser in the wasm).
        let nums: Vec<i32> = vb
            .split([' ', ','])
            .filter_map(|s| s.parse().ok())
            .collect();
        let (mut w, mut h) = (px(r.width()), px(r.height()));
        if (w == 0 || h == 0) && nums.len() == 4 {
            (w, h) = (nums[2].unsigned_abs(), nums[3].unsigned_abs());
        }
        let mut o = format!(
            r#"<svg xmlns="{SVG_NS}" viewBox="{}" width="{w}" height="{h}" style="font-family:{}">"#,
            esc(&vb),
            esc(&prop(&first, "font-family"))
        );
        let _ = write!(
            o,
            r#"<rect x="-10000" y="-10000" width="20000" height="20000" fill="{}"/>"#,
            esc(&bg)
        );
        for i in 0..svgs.length() {
            let Some(s) = svgs.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            // The wheel's layers share one viewBox; a drawing nested in another is copied
            // with it.
            if s.get_attribute("viewBox").unwrap_or_default() != vb
                || s.parent_element()
                    .and_then(|p| p.closest("svg").ok().flatten())
                    .is_some()
            {
                continue;
            }
            o.push_str("<g>");
            let mut c = s.first_child();
            while let Some(n) = c {
                copy(&n, &mut o);
                c = n.next_sibling();
            }
            o.push_str("</g>");
        }
        o.push_str("</svg>");
        return Some(Figure {
            svg: o,
            width: w.max(1),
            height: h.max(1),
        });
    }
    tables(panel, &bg)
}

/// The panel's tables as rows of SVG text in a monospace grid: a caption or heading above
/// each, the header row bold.
fn tables(panel: &Element, bg: &str) -> Option<Figure> {
    let list = panel.query_selector_all("table").ok()?;
    if list.length() == 0 {
        return None;
    }
    let fg = prop(panel, "color");
    let title = panel
        .query_selector("h2")
        .ok()
        .flatten()
        .and_then(|h| h.text_content())
        .unwrap_or_default();
    let (cw, lh) = (8u32, 20u32);
    let mut body = String::new();
    let mut y = lh;
    let mut width = 0u32;
    let _ = write!(
        body,
        r#"<text x="8" y="{y}" font-weight="bold" font-size="15">{}</text>"#,
        esc(title.trim())
    );
    y += lh;
    for i in 0..list.length() {
        let Some(t) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let rows: Vec<Vec<String>> = t
            .query_selector_all("tr")
            .ok()
            .map(|rs| {
                (0..rs.length())
                    .filter_map(|j| rs.get(j)?.dyn_into::<Element>().ok())
                    .map(|r| {
                        let cells = r.query_selector_all("th,td").ok();
                        cells.map_or_else(Vec::new, |cs| {
                            (0..cs.length())
                                .filter_map(|k| cs.get(k)?.text_content())
                                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                                .collect()
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut cols = vec![0u32; ncol];
        for r in &rows {
            for (c, s) in r.iter().enumerate() {
                cols[c] = cols[c].max(s.chars().count() as u32);
            }
        }
        if let Some(cap) = t
            .query_selector("caption")
            .ok()
            .flatten()
            .and_then(|c| c.text_content())
        {
            y += 4;
            let _ = write!(
                body,
                r#"<text x="8" y="{y}" font-style="italic">{}</text>"#,
                esc(cap.trim())
            );
            y += lh;
        }
        for (n, r) in rows.iter().enumerate() {
            let mut x = 8;
            let bold = if n == 0 { r#" font-weight="bold""# } else { "" };
            for (c, s) in r.iter().enumerate() {
                let _ = write!(body, r#"<text x="{x}" y="{y}"{bold}>{}</text>"#, esc(s));
                x += (cols[c] + 2) * cw;
            }
            width = width.max(x);
            y += lh;
        }
        y += lh / 2;
    }
    let w = width.max(title.chars().count() as u32 * 9 + 16);
    Some(Figure {
        svg: format!(
            r#"<svg xmlns="{SVG_NS}" viewBox="0 0 {w} {y}" width="{w}" height="{y}" font-family="{MONO}" font-size="13" fill="{}"><rect width="{w}" height="{y}" fill="{}"/>{body}</svg>"#,
            esc(&fg),
            esc(bg)
        ),
        width: w,
        height: y,
    })
}

/// A Blob of `text`.
pub fn blob(text: &str, mime: &str) -> Option<Blob> {
    let parts = Array::of1(&JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    Blob::new_with_str_sequence_and_options(&parts, &opts).ok()
}

/// Saves `blob` as `name` (a Blob URL clicked as a download link).
pub fn download(name: &str, blob: &Blob) {
    let (Some(doc), Ok(url)) = (
        web_sys::window().and_then(|w| w.document()),
        Url::create_object_url_with_blob(blob),
    ) else {
        return;
    };
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<HtmlElement>().ok())
    {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        a.click();
    }
    // The download has its own copy by the time this runs.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
}

/// Resolves once `img` has loaded (or rejects if it cannot be decoded).
fn loaded(img: &HtmlImageElement) -> Promise {
    let img = img.clone();
    Promise::new(&mut move |ok, err| {
        let on = Closure::once_into_js(move || {
            let _ = ok.call0(&JsValue::NULL);
        });
        let off = Closure::once_into_js(move || {
            let _ = err.call0(&JsValue::NULL);
        });
        img.set_onload(Some(on.unchecked_ref()));
        img.set_onerror(Some(off.unchecked_ref()));
    })
}

/// The figure as a PNG at twice its size: the SVG drawn onto a canvas.
pub async fn png(f: &Figure) -> Result<Blob, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let svg = blob(&f.svg, "image/svg+xml").ok_or("no blob")?;
    let url = Url::create_object_url_with_blob(&svg)?;
    let img = HtmlImageElement::new()?;
    let wait = loaded(&img);
    img.set_src(&url);
    let r = JsFuture::from(wait).await;
    let _ = Url::revoke_object_url(&url);
    r.map_err(|_| JsValue::from_str("the SVG figure could not be decoded"))?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
    canvas.set_width(f.width * 2);
    canvas.set_height(f.height * 2);
    let cx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    cx.draw_image_with_html_image_element_and_dw_and_dh(
        &img,
        0.0,
        0.0,
        f64::from(f.width * 2),
        f64::from(f.height * 2),
    )?;
    let done = Promise::new(&mut |ok, err| {
        let cb = Closure::once_into_js(move |b: JsValue| {
            let _ = if b.is_null() {
                err.call0(&JsValue::NULL)
            } else {
                ok.call1(&JsValue::NULL, &b)
            };
        });
        let _ = canvas.to_blob_with_type(cb.unchecked_ref(), "image/png");
    });
    Ok(JsFuture::from(done).await?.unchecked_into())
}
