//! `mdbook-hardclock`: an mdBook preprocessor that turns a fenced block
//!
//! ````markdown
//! ```hardclock preset=cascade-256 view=wheel t=250
//! ```
//! ````
//!
//! (or one whose body is a scenario) into a hardclock widget, `<div data-hardclock ...>`, and
//! adds the loader (`hardclock-embed.js`) to each page that has one.
//!
//! The protocol (mdBook's "preprocessor" chapter): `mdbook-hardclock supports RENDERER` exits 0
//! for `html` (1 otherwise); run without arguments it reads `[context, book]` as JSON on
//! standard input and writes the book, changed, as JSON on standard output. It is written on
//! plain `serde_json` values, not on the `mdbook` crate: the protocol is two JSON values, the
//! crate would bring a renderer's worth of dependencies (minutes of build on two cores) and
//! its book types change between mdBook versions, while walking the JSON for `"Chapter"`
//! objects works for the 0.4 (`sections`) and 0.5 (`items`) books alike.
//!
//! `book.toml`:
//!
//! ```toml
//! [preprocessor.hardclock]
//! # where `trunk build --release` wrote the app: hardclock-embed.js is copied from there into
//! # the book's src/hardclock/ (optional; without it, put hardclock/ into src/ yourself)
//! dist = "../../dist"
//! ```
//!
//! Fence parameters are the widget's (README, "Embedding in course notes"): `preset`, `view`,
//! `t`, `step`, `autoplay`, `speed`, `theme`, `height`, `origin`, `id`. A value the widget would
//! refuse is reported on standard error with the chapter and line (the widget also says so).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use hardclock::ui::embed_params::from_attributes;
    use hardclock::ui::svg::esc;
    use serde_json::Value;

    const KEYS: &[&str] = &[
        "preset", "view", "t", "step", "autoplay", "speed", "theme", "height", "origin", "id",
    ];

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args.first().map(String::as_str) {
            Some("supports") => {
                return if args.get(1).map(String::as_str) == Some("html") {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Some(a) => {
                eprintln!("mdbook-hardclock: unknown argument '{a}': use `supports RENDERER`, or no argument to preprocess");
                return ExitCode::from(2);
            }
            None => {}
        }
        let mut input = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut input) {
            eprintln!("mdbook-hardclock: cannot read the book: {e}");
            return ExitCode::from(1);
        }
        match run(&input) {
            Ok(out) => {
                println!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("mdbook-hardclock: {e}");
                ExitCode::from(1)
            }
        }
    }

    /// `[context, book]` in, the book out.
    pub fn run(input: &str) -> Result<String, String> {
        let v: Value = serde_json::from_str(input)
            .map_err(|e| format!("expected [context, book] as JSON on standard input: {e}"))?;
        let Value::Array(mut pair) = v else {
            return Err("expected [context, book] as JSON on standard input".into());
        };
        if pair.len() != 2 {
            return Err(format!(
                "expected [context, book], got {} values",
                pair.len()
            ));
        }
        let mut book = pair.pop().unwrap_or_default();
        let ctx = pair.pop().unwrap_or_default();
        copy_loader(&ctx)?;
        walk(&mut book);
        serde_json::to_string(&book).map_err(|e| e.to_string())
    }

    /// Copies `hardclock-embed.js` from the configured `dist` into the book's `src/hardclock/`,
    /// and `hardclock-tools.js` beside it (the widgets load it when a page has a
    /// `<div data-hardclock-lab>` or `<div data-hardclock-kit>`).
    fn copy_loader(ctx: &Value) -> Result<(), String> {
        let root = PathBuf::from(ctx["root"].as_str().unwrap_or("."));
        let cfg = &ctx["config"];
        let Some(dist) = cfg["preprocessor"]["hardclock"]["dist"].as_str() else {
            return Ok(());
        };
        let src = cfg["book"]["src"].as_str().unwrap_or("src");
        let to_dir = root.join(src).join("hardclock");
        for file in ["hardclock-embed.js", "hardclock-tools.js"] {
            let from = root.join(dist).join(file);
            std::fs::create_dir_all(&to_dir)
                .and_then(|_| std::fs::copy(&from, to_dir.join(file)))
                .map_err(|e| {
                    format!(
                        "cannot copy {} into {}: {e} (run `trunk build --release` first, or fix [preprocessor.hardclock] dist)",
                        from.display(),
                        to_dir.display()
                    )
                })?;
        }
        Ok(())
    }

    /// Every chapter anywhere in the book (sub-chapters too).
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(ch)) = m.get_mut("Chapter") {
                    let path = ch
                        .get("path")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    if let Some(Value::String(c)) = ch.get_mut("content") {
                        if let Some(new) = chapter(c, &path) {
                            *c = new;
                        }
                    }
                }
                for (_, x) in m.iter_mut() {
                    walk(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }

    /// `../` as many times as the chapter is deep: the book's root from its page.
    fn to_root(path: &str) -> String {
        "../".repeat(Path::new(path).components().count().saturating_sub(1))
    }

    /// The chapter with its hardclock blocks as widgets and the loader at its end; None if it
    /// has no block.
    pub fn chapter(md: &str, path: &str) -> Option<String> {
        let mut out = String::with_capacity(md.len() + 256);
        let mut lines = md.split_inclusive('\n').enumerate();
        let mut found = false;
        while let Some((no, line)) = lines.next() {
            let t = line.trim_start();
            let fence: String = t.chars().take_while(|&c| c == '`' || c == '~').collect();
            let info = t[fence.len()..].trim();
            let is_block = fence.len() >= 3
                && fence
                    .chars()
                    .all(|c| c == fence.chars().next().unwrap_or('`'))
                && (info == "hardclock" || info.starts_with("hardclock "));
            if !is_block {
                out.push_str(line);
                continue;
            }
            found = true;
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with(&fence)
                    && l.trim()
                        .chars()
                        .all(|c| c == fence.chars().next().unwrap_or('`'))
                {
                    break;
                }
                body.push_str(l);
            }
            out.push_str(&widget(&info["hardclock".len()..], &body, path, no + 1));
            out.push('\n');
        }
        if !found {
            return None;
        }
        out.push_str(&format!(
            "\n<script src=\"{}hardclock/hardclock-embed.js\" defer></script>\n",
            to_root(path)
        ));
        Some(out)
    }

    /// One widget `div` (raw HTML without blank lines, so that Markdown leaves it alone).
    fn widget(params: &str, body: &str, path: &str, line: usize) -> String {
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut preset = String::new();
        for w in params.split_whitespace() {
            let (k, v) = w.split_once('=').unwrap_or((w, "1"));
            let v = v.trim_matches('"').to_string();
            if !KEYS.contains(&k) {
                eprintln!(
                    "mdbook-hardclock: {path}:{line}: unknown parameter '{k}' (the widget takes {})",
                    KEYS.join(", ")
                );
                continue;
            }
            if k == "preset" {
                preset = v;
            } else if k == "id" {
                attrs.push(("id".into(), v));
            } else {
                attrs.push((format!("data-{k}"), v));
            }
        }
        let scenario = body.trim();
        let mut check = attrs.clone();
        check.push(("data-hardclock".into(), preset.clone()));
        for p in from_attributes(&check, scenario).problems {
            eprintln!("mdbook-hardclock: {path}:{line}: {p}");
        }
        let mut o = format!("<div data-hardclock=\"{}\"", esc(&preset));
        for (k, v) in &attrs {
            o.push_str(&format!(" {k}=\"{}\"", esc(v)));
        }
        o.push('>');
        if preset.is_empty() && !scenario.is_empty() {
            // Blank lines would end the HTML block: a scenario's are written as `&#10;`
            // inside the <pre> (the widget reads the element's text).
            let text: Vec<String> = scenario.lines().map(esc).collect();
            o.push_str(&format!("<pre>{}</pre>", text.join("&#10;")));
        }
        o.push_str("</div>");
        o
    }
}
