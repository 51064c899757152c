//! The app's stylesheets as compiled into the wasm (the one copy of them: src/ui/embed_mount.rs).
//! `static/style.css` (everything the app draws) and `static/widgets.css` (the widget's frame
//! and the scheme lab, which only the widgets module draws) are written to be read, with
//! comments; the wasm carries them minified at compile time (comments dropped, whitespace
//! collapsed where CSS ignores it), which is about 1 KB less gzipped. A `const fn`, so there is
//! no build script and no tool (trunk's `rel="css"` minifies too, but a file beside the page
//! is what a course page's widgets cannot count on finding).

/// A stylesheet's source, minified into a static at compile time (a static, not a const: a
/// const array this large would be copied into every use).
macro_rules! minified {
    ($name:ident, $path:literal) => {
        pub const $name: &str = {
            const SOURCE: &str = include_str!($path);
            const LEN: usize = minify(SOURCE.as_bytes(), &mut [], false);
            static BYTES: [u8; LEN] = {
                let mut out = [0u8; LEN];
                minify(SOURCE.as_bytes(), &mut out, true);
                out
            };
            match std::str::from_utf8(&BYTES) {
                Ok(s) => s,
                Err(_) => panic!("minify cut a UTF-8 sequence"),
            }
        };
    };
}

minified!(STYLE, "../../static/style.css");
minified!(WIDGETS, "../../static/widgets.css");

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r' | b'\x0c')
}

/// Whitespace before these bytes means nothing (not `:`: `.a :hover` is not `.a:hover`).
const fn tight_before(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b';' | b',' | b'>')
}

/// Whitespace after these bytes means nothing.
const fn tight_after(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b';' | b',' | b'>' | b':')
}

/// Copies `src` minified into `out` (when `write`; else only counts) and returns the length.
/// Comments go, strings are kept as they are, a run of whitespace becomes one space or
/// none where it is only layout, and `;}` becomes `}`. Only ASCII bytes are ever dropped, so
/// UTF-8 stays whole.
const fn minify(src: &[u8], out: &mut [u8], write: bool) -> usize {
    let mut n = 0;
    let mut i = 0;
    // The latest byte written (0: none yet), and whether whitespace came after it.
    let mut last = 0u8;
    let mut space = false;
    while i < src.len() {
        let b = src[i];
        if b == b'/' && i + 1 < src.len() && src[i + 1] == b'*' {
            i += 2;
            while i + 1 < src.len() && !(src[i] == b'*' && src[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            // A comment separates like whitespace.
            space = true;
            continue;
        }
        if is_space(b) {
            space = true;
            i += 1;
            continue;
        }
        if space && last != 0 && !tight_after(last) && !tight_before(b) {
            n = put(out, n, b' ', write);
        }
        space = false;
        if b == b'}' && last == b';' {
            n -= 1;
        }
        n = put(out, n, b, write);
        last = b;
        i += 1;
        if b == b'"' || b == b'\'' {
            // A string, as it is (with its escapes), through its closing quote.
            while i < src.len() && src[i] != b {
                if src[i] == b'\\' && i + 1 < src.len() {
                    n = put(out, n, src[i], write);
                    i += 1;
                }
                n = put(out, n, src[i], write);
                i += 1;
            }
            if i < src.len() {
                n = put(out, n, b, write);
                i += 1;
            }
        }
    }
    n
}

const fn put(out: &mut [u8], n: usize, b: u8, write: bool) -> usize {
    if write {
        out[n] = b;
    }
    n + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(s: &str) -> String {
        let mut out = vec![0u8; s.len()];
        let n = minify(s.as_bytes(), &mut out, true);
        assert_eq!(n, minify(s.as_bytes(), &mut [], false));
        out.truncate(n);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn layout_goes_and_meaning_stays() {
        assert_eq!(
            min("/* why */\n.a > .b,\n.c :hover {\n  color: red;\n  margin: 0 1px  2px;\n}\n"),
            ".a>.b,.c :hover{color:red;margin:0 1px 2px}"
        );
        assert_eq!(
            min(".x::before { content: \"a  /* b */ ; }\"; width: calc(1px + 2em); }"),
            ".x::before{content:\"a  /* b */ ; }\";width:calc(1px + 2em)}"
        );
        assert_eq!(
            min("@media (max-width: 40rem) and (prefers-color-scheme: dark) { .é { x: y } }"),
            "@media (max-width:40rem) and (prefers-color-scheme:dark){.é{x:y}}"
        );
    }

    /// The stylesheet shipped is the source without its comments and layout: the same
    /// characters once all whitespace is ignored, and no two words run together.
    #[test]
    fn the_shipped_style_is_the_source() {
        shipped_is_source(include_str!("../../static/style.css"), STYLE);
        shipped_is_source(include_str!("../../static/widgets.css"), WIDGETS);
    }

    fn shipped_is_source(source: &str, shipped: &str) {
        let no_comments = {
            let mut s = source.to_string();
            while let Some(a) = s.find("/*") {
                let b = s[a..].find("*/").unwrap() + a + 2;
                s.replace_range(a..b, " ");
            }
            s
        };
        let squash = |s: &str| s.split_whitespace().collect::<String>().replace(";}", "}");
        assert_eq!(squash(&no_comments), squash(shipped));
        let words = |s: &str| {
            s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .filter(|w| !w.is_empty())
                .count()
        };
        assert_eq!(words(&no_comments), words(shipped));
        assert!(
            shipped.len() < source.len() * 85 / 100,
            "{} of {}",
            shipped.len(),
            source.len()
        );
    }
}
