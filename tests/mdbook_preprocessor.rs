#![cfg(not(target_arch = "wasm32"))]
//! `mdbook-hardclock` speaks mdBook's preprocessor protocol (issue #20): `supports html`, and
//! `[context, book]` on stdin to the book on stdout, hardclock blocks turned into widgets.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mdbook-hardclock"))
}

fn preprocess(input: &Value) -> (Option<i32>, String, String) {
    let mut c = bin()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn supports_html_only() {
    assert_eq!(
        bin().args(["supports", "html"]).status().unwrap().code(),
        Some(0)
    );
    assert_eq!(
        bin().args(["supports", "latex"]).status().unwrap().code(),
        Some(1)
    );
}

fn chapter(path: &str, content: &str, sub: Vec<Value>) -> Value {
    json!({"Chapter": {"name": path, "content": content, "number": [1], "sub_items": sub,
        "path": path, "source_path": path, "parent_names": []}})
}

#[test]
fn blocks_become_widgets_and_pages_get_the_loader() {
    let ctx = json!({"root": "/nonexistent", "config": {"book": {"src": "src"}}, "renderer": "html",
        "mdbook_version": "0.4.52"});
    let wheel = "# Wheel\n\nText.\n\n```hardclock preset=cascade-256 view=wheel t=250 id=w1\n```\n\nAfter.\n";
    let own = "# Own\n\n~~~hardclock view=timers\ntimeout_set(&t1, f, NULL)\n\ntimeout_add(&t1, 3) # a < b\n~~~\n";
    let plain = "# Plain\n\n```rust\nfn main() {}\n```\n";
    let book = json!({"sections": [
        chapter("wheel.md", wheel, vec![chapter("deep/own.md", own, vec![])]),
        "Separator",
        chapter("plain.md", plain, vec![]),
    ], "__non_exhaustive": null});
    let (code, out, err) = preprocess(&json!([ctx, book]));
    assert_eq!(code, Some(0), "{err}");
    let out: Value = serde_json::from_str(&out).unwrap();
    let w = out["sections"][0]["Chapter"]["content"].as_str().unwrap();
    assert!(
        w.contains("Text.\n\n<div data-hardclock=\"cascade-256\" data-view=\"wheel\" data-t=\"250\" id=\"w1\"></div>\n\nAfter."),
        "{w}"
    );
    assert!(
        w.ends_with("<script src=\"hardclock/hardclock-embed.js\" defer></script>\n"),
        "{w}"
    );
    let o = out["sections"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"]
        .as_str()
        .unwrap();
    // A scenario block: inline, escaped, its blank line kept without ending the HTML block.
    assert!(
        o.contains("<div data-hardclock=\"\" data-view=\"timers\"><pre>timeout_set(&amp;t1, f, NULL)&#10;&#10;timeout_add(&amp;t1, 3) # a &lt; b</pre></div>"),
        "{o}"
    );
    assert!(
        o.contains("<script src=\"../hardclock/hardclock-embed.js\" defer></script>"),
        "{o}"
    );
    // Other chapters and items are untouched.
    assert_eq!(out["sections"][1], json!("Separator"));
    assert_eq!(out["sections"][2]["Chapter"]["content"], json!(plain));
}

#[test]
fn bad_parameters_are_reported_with_the_chapter_and_line() {
    let ctx = json!({"root": ".", "config": {}});
    let md = "# A\n\n```hardclock preset=cascade-256 view=wheeel colour=red\n```\n";
    let (code, out, err) = preprocess(&json!([ctx, {"items": [chapter("a.md", md, vec![])]}]));
    assert_eq!(code, Some(0));
    assert!(err.contains("a.md:3: unknown parameter 'colour'"), "{err}");
    assert!(err.contains("a.md:3:") && err.contains("wheeel"), "{err}");
    assert!(out.contains("data-view=\\\"wheeel\\\""), "{out}");
    let (code, _, err) = preprocess(&json!({"not": "a pair"}));
    assert_eq!(code, Some(1));
    assert!(err.contains("expected [context, book]"), "{err}");
}
