//! Errors for people: where the scenario went wrong, what was expected, and the line itself.
//!
//! The format follows rustc, so a student who has seen one compiler error can read these:
//!
//! ```text
//! error: line 3, column 17: expected ')' after the arguments of timeout_add, found ';'
//!   |
//! 3 | timeout_add(&t1, 300;
//!   |                     ^
//! ```

use std::fmt;

use super::ast::Span;

/// A scenario error: a syntax error, a failed check, a broken limit, or a call the kernel
/// refused. The rest of the scenario does not run; the text itself is never changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
    /// How many characters to underline (at least 1).
    pub len: u32,
    pub msg: String,
    /// The line the error is on, without its newline; of a line longer than [`MAX_QUOTE`]
    /// characters, only a window of that many around the column, with `...` where text is
    /// left out.
    pub source_line: String,
    /// Characters of the line left out at its start (then `source_line` starts with `...`).
    pub quote_from: u32,
}

/// Most characters of a line an error quotes. A hostile one-line scenario may be a megabyte
/// long; the message shows the part around the column, with `...` where text is left out.
pub const MAX_QUOTE: usize = 120;

/// Of the `n` characters of a line, the first one to quote for an error at 1-based `col`: the
/// column sits a third of the way into the window.
fn quote_start(n: usize, col: u32) -> usize {
    if n <= MAX_QUOTE {
        return 0;
    }
    let at = (col as usize).saturating_sub(1);
    at.saturating_sub(MAX_QUOTE / 3).min(n - MAX_QUOTE)
}

impl ScriptError {
    /// An error at `span` of `src`. The span carries its own line and column (a console line
    /// is numbered where it sits in the console), so only the text of the line comes from `src`.
    pub fn at(src: &str, span: Span, msg: impl Into<String>) -> ScriptError {
        let (line_start, line_end) = line_bounds(src, span.start);
        // Never `clamp`: a span may start past the trimmed end of its line (at a `\r`).
        let end = span.end.min(line_end).max(span.start);
        let len = src.get(span.start..end).map_or(0, |s| s.chars().count());
        let line = src.get(line_start..line_end).unwrap_or("");
        // Counting a megabyte line's characters is linear and once per error: cheap.
        let n = line.chars().count();
        let from = quote_start(n, span.col);
        let source_line = if n <= MAX_QUOTE {
            line.to_string()
        } else {
            let window: String = line.chars().skip(from).take(MAX_QUOTE).collect();
            let before = if from > 0 { ELLIPSIS } else { "" };
            let after = if from + MAX_QUOTE < n { ELLIPSIS } else { "" };
            format!("{before}{window}{after}")
        };
        ScriptError {
            line: span.line,
            col: span.col,
            len: len.clamp(1, MAX_QUOTE) as u32,
            msg: msg.into(),
            source_line,
            quote_from: from as u32,
        }
    }
}

/// What stands for the text of a long line that an error does not quote.
const ELLIPSIS: &str = "...";

/// Byte range of the line containing byte `pos` (without its `\n` or `\r\n`).
fn line_bounds(src: &str, pos: usize) -> (usize, usize) {
    let pos = floor_char_boundary(src, pos.min(src.len()));
    let start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
    // Only a `\r\n` pair is a line end; a lone `\r` is text like any other.
    if end > start && end < src.len() && src.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    (start, end.max(start))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "error: line {}, column {}: {}",
            self.line, self.col, self.msg
        )?;
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {}", self.source_line)?;
        // Keep tabs in the indentation so the caret lines up under the text.
        // The caret's place in what is shown: the text left out is not, the `...` before is.
        let at = match self.quote_from as usize {
            0 => (self.col as usize).saturating_sub(1),
            n => (self.col as usize + ELLIPSIS.len()).saturating_sub(1 + n),
        };
        let indent: String = self
            .source_line
            .chars()
            .take(at)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {indent}{}", "^".repeat(self.len as usize))
    }
}

impl std::error::Error for ScriptError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, col: u32, start: usize, end: usize) -> Span {
        Span {
            line,
            col,
            start,
            end,
        }
    }

    #[test]
    fn a_long_line_is_quoted_around_the_column() {
        let line = format!(
            "{}timeout_add(&t1, 300;{}",
            "x".repeat(5000),
            "y".repeat(5000)
        );
        let at = 5000 + 21;
        let e = ScriptError::at(&line, span(1, at as u32, at - 1, at), "expected ')'");
        assert_eq!(e.quote_from as usize, at - 1 - MAX_QUOTE / 3);
        assert_eq!(
            e.source_line.chars().count(),
            MAX_QUOTE + 2 * ELLIPSIS.len()
        );
        assert!(e.source_line.starts_with("...xxx") && e.source_line.ends_with("yyy..."));
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        // The caret is under the ';' of the quoted window.
        let caret = lines[3].find('^').unwrap();
        assert_eq!(lines[2].as_bytes()[caret], b';', "{shown}");
        assert!(shown.len() < 400, "{}", shown.len());
        // At the start of a long line: nothing left out before, `...` after.
        let e = ScriptError::at(&line, span(1, 2, 1, 2), "m");
        assert_eq!(e.quote_from, 0);
        assert!(!e.source_line.starts_with("...") && e.source_line.ends_with("..."));
        // A line of exactly MAX_QUOTE characters is quoted whole.
        let e = ScriptError::at(&"z".repeat(MAX_QUOTE), span(1, 3, 2, 3), "m");
        assert_eq!(e.source_line, "z".repeat(MAX_QUOTE));
    }

    #[test]
    fn display_points_at_the_column() {
        let src = "hz = 100\ntimeout_add(&t1, 300;\n";
        let e = ScriptError::at(src, span(2, 21, 29, 30), "expected ')'");
        assert_eq!(e.source_line, "timeout_add(&t1, 300;");
        assert_eq!(e.len, 1);
        assert_eq!(
            e.to_string(),
            "error: line 2, column 21: expected ')'\n  |\n2 | timeout_add(&t1, 300;\n  |                     ^"
        );
    }

    #[test]
    fn underline_stops_at_the_end_of_the_line() {
        let src = "abc def\nxyz";
        let e = ScriptError::at(src, span(1, 5, 4, 11), "m");
        assert_eq!((e.len, e.source_line.as_str()), (3, "abc def"));
    }

    #[test]
    fn tabs_and_wide_characters_keep_the_caret_aligned() {
        let src = "\té x";
        // 'x' is the 4th character: tab, é, space, x.
        let e = ScriptError::at(src, span(1, 4, 4, 5), "m");
        assert!(e.to_string().ends_with("1 | \té x\n  | \t  ^"), "{e}");
    }

    #[test]
    fn zero_width_span_at_end_of_script_gets_one_caret() {
        let src = "f(";
        let e = ScriptError::at(src, span(1, 3, 2, 2), "m");
        assert_eq!((e.len, e.col), (1, 3));
        assert!(e.to_string().ends_with("  ^"));
    }

    #[test]
    fn crlf_is_not_part_of_the_line() {
        let e = ScriptError::at("a\r\nb", span(1, 1, 0, 1), "m");
        assert_eq!(e.source_line, "a");
    }
}
