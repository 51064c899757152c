//! Authored checkpoints: `# ask: fire_tick t300` (or `// ask: ...`) on its own line before a
//! statement, or after the statement before it on that statement's line. Predict mode stops before that statement and asks that question; the quiz sheet
//! puts it first. A comment changes nothing the kernel does, so a preset's trace stays the same.

use super::Kind;
use crate::script::ast::Span;
use crate::script::{Scenario, ScriptError};

/// One `# ask:` line, tied to the statement after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The comment's line.
    pub line: u32,
    pub kind: Kind,
    /// The timeout, callout, route or handler it is about; None: any question of that kind.
    pub subject: Option<String>,
    /// The statement it stops before (`stmts.len()`: after the last one, while the clock runs on).
    pub stmt: usize,
}

/// The `# ask:` lines of `sc`, in order. An unknown kind is an error at its column, like any
/// other mistake in a scenario.
pub fn checkpoints(sc: &Scenario) -> Result<Vec<Checkpoint>, ScriptError> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, raw) in sc.src.split_inclusive('\n').enumerate() {
        let line = i as u32 + 1;
        let start = offset;
        offset += raw.len();
        // The comment may follow a statement on its line (`hardclock(1)  # ask: bucket t`):
        // then the lines, and every trace's line numbers, stay as they were.
        let Some(at) = [raw.find('#'), raw.find("//")].into_iter().flatten().min() else {
            continue;
        };
        let comment = &raw[at..];
        let Some(rest) = comment
            .strip_prefix('#')
            .or_else(|| comment.strip_prefix("//"))
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("ask:"))
        else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let word = words.next().unwrap_or("");
        let Some(kind) = Kind::parse(word) else {
            let at = start + raw.find("ask:").unwrap_or(0) + 4;
            let at = at + rest.len() - rest.trim_start().len();
            let col = sc.src[start..at].chars().count() as u32 + 1;
            let span = Span {
                line,
                col,
                start: at,
                end: at + word.len(),
            };
            return Err(ScriptError::at(
                &sc.src,
                span,
                format!(
                    "unknown question kind '{word}' after 'ask:': expected bucket, fire_tick, first_to_fire, returns, lookup or rt_expire"
                ),
            ));
        };
        let stmt = sc
            .stmts
            .iter()
            .position(|s| s.span.line > line)
            .unwrap_or(sc.stmts.len());
        out.push(Checkpoint {
            line,
            kind,
            subject: words.next().map(str::to_string),
            stmt,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ask_comments_attach_to_the_next_statement() {
        let sc = Scenario::compile(
            "timeout_set(&t, f, NULL)\n# ask: bucket t\ntimeout_add(&t, 300) // ask: fire_tick\nhardclock(300)\n# ask: first_to_fire\n",
        )
        .unwrap();
        let cps = checkpoints(&sc).unwrap();
        let got: Vec<_> = cps
            .iter()
            .map(|c| (c.line, c.kind, c.subject.as_deref(), c.stmt))
            .collect();
        assert_eq!(
            got,
            [
                (2, Kind::Bucket, Some("t"), 1),
                (3, Kind::FireTick, None, 2),
                (5, Kind::FirstToFire, None, 3),
            ]
        );
    }

    #[test]
    fn an_unknown_kind_names_its_line_and_column() {
        let sc = Scenario::compile("hardclock(1)\n  # ask: when t\n").unwrap();
        let e = checkpoints(&sc).unwrap_err();
        assert_eq!((e.line, e.col), (2, 10));
        assert!(e.msg.contains("'when'"), "{}", e.msg);
    }
}
