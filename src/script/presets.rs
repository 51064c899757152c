//! The preset scenarios: one `.hc` file per behaviour the man pages describe, kept in `presets/`
//! at the top of the repository and compiled into the binary, so the web app and
//! `hardclock-trace` need no files at run time.
//!
//! A preset is an ordinary scenario whose first lines are a header of `#` comments:
//!
//! ```text
//! # title: Cascade at a 256-tick boundary (wheel 1)
//! # note: What to watch and why, in one teaching paragraph. It may go on
//! # over several comment lines; they are joined with single spaces.
//! ticks = -50
//! ...
//! ```
//!
//! * The first line is `# title: TEXT` (one line).
//! * The second is `# note: TEXT`; every following line that starts with `# ` continues the note,
//!   up to the first line that is not a comment, or a bare `#` (after which comments are just
//!   comments again).
//! * The rest is the scenario. The header is a comment, so the file runs as it is anywhere a
//!   scenario runs (`hardclock-trace presets/NAME.hc`, the console, a URL hash).
//!
//! Names are the file names without `.hc`: short kebab-case (`cascade-256`, `drain-deadlock`).

use std::sync::OnceLock;

/// One preset scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The file name without `.hc`, as URLs and `<div data-hardclock="...">` name it.
    pub name: &'static str,
    /// One line for menus.
    pub title: String,
    /// The teaching paragraph: what to watch and why.
    pub note: String,
    /// The whole file, header included.
    pub source: &'static str,
}

/// The header of a scenario: its title and note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub title: String,
    pub note: String,
}

/// Reads the `# title:` / `# note:` header of a scenario; an error says what is missing.
pub fn parse_header(src: &str) -> Result<Header, String> {
    let mut lines = src.lines().map(|l| l.trim_end());
    let title = lines
        .next()
        .and_then(|l| l.strip_prefix("# title:"))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("the first line must be '# title: ...'")?;
    let mut note = lines
        .next()
        .and_then(|l| l.strip_prefix("# note:"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or("the second line must be '# note: ...'")?;
    for l in lines {
        match l.strip_prefix("# ") {
            Some(more) if !more.trim().is_empty() => {
                note.push(' ');
                note.push_str(more.trim());
            }
            _ => break,
        }
    }
    Ok(Header {
        title: title.to_string(),
        note,
    })
}

/// Every preset file, in the order menus show them: OpenBSD timeout(9), FreeBSD callout(9) and
/// timeout(9), then rtalloc(9), then NetBSD rt_timer(9).
const FILES: &[(&str, &str)] = &[
    ("cascade-256", include_str!("../../presets/cascade-256.hc")),
    (
        "cascade-65536",
        include_str!("../../presets/cascade-65536.hc"),
    ),
    (
        "readd-earlier",
        include_str!("../../presets/readd-earlier.hc"),
    ),
    ("readd-later", include_str!("../../presets/readd-later.hc")),
    (
        "timeout-add-zero",
        include_str!("../../presets/timeout-add-zero.hc"),
    ),
    ("b-before-a", include_str!("../../presets/b-before-a.hc")),
    (
        "same-tick-order",
        include_str!("../../presets/same-tick-order.hc"),
    ),
    ("ticks-wrap", include_str!("../../presets/ticks-wrap.hc")),
    (
        "msec-truncation",
        include_str!("../../presets/msec-truncation.hc"),
    ),
    (
        "flags-lifecycle",
        include_str!("../../presets/flags-lifecycle.hc"),
    ),
    (
        "callwheel-laps",
        include_str!("../../presets/callwheel-laps.hc"),
    ),
    (
        "callout-fifo",
        include_str!("../../presets/callout-fifo.hc"),
    ),
    (
        "untimeout-recycled",
        include_str!("../../presets/untimeout-recycled.hc"),
    ),
    ("stop-busy", include_str!("../../presets/stop-busy.hc")),
    ("drain-wait", include_str!("../../presets/drain-wait.hc")),
    (
        "drain-deadlock",
        include_str!("../../presets/drain-deadlock.hc"),
    ),
    ("drain-giant", include_str!("../../presets/drain-giant.hc")),
    ("table-full", include_str!("../../presets/table-full.hc")),
    (
        "calltodo-lifo",
        include_str!("../../presets/calltodo-lifo.hc"),
    ),
    ("route-lpm", include_str!("../../presets/route-lpm.hc")),
    (
        "route-refcnt",
        include_str!("../../presets/route-refcnt.hc"),
    ),
    ("rtm-miss", include_str!("../../presets/rtm-miss.hc")),
    ("fibs", include_str!("../../presets/fibs.hc")),
    ("route-cache", include_str!("../../presets/route-cache.hc")),
    (
        "double-rtfree",
        include_str!("../../presets/double-rtfree.hc"),
    ),
    ("pmtu-expiry", include_str!("../../presets/pmtu-expiry.hc")),
    (
        "queue-change",
        include_str!("../../presets/queue-change.hc"),
    ),
    (
        "queue-destroy",
        include_str!("../../presets/queue-destroy.hc"),
    ),
    (
        "redirect-expiry",
        include_str!("../../presets/redirect-expiry.hc"),
    ),
    (
        "rt-timer-replace",
        include_str!("../../presets/rt-timer-replace.hc"),
    ),
    (
        "stale-null-timer",
        include_str!("../../presets/stale-null-timer.hc"),
    ),
    ("scan-phase", include_str!("../../presets/scan-phase.hc")),
    ("rtq-expiry", include_str!("../../presets/rtq-expiry.hc")),
];

/// Every preset, parsed once. A file with a broken header still appears, with the problem as
/// its title, so that the tests (which check every header) name it rather than it vanishing.
pub fn all() -> &'static [Preset] {
    static ALL: OnceLock<Vec<Preset>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|&(name, source)| {
                let h = parse_header(source).unwrap_or_else(|e| Header {
                    title: format!("(bad header: {e})"),
                    note: String::new(),
                });
                Preset {
                    name,
                    title: h.title,
                    note: h.note,
                    source,
                }
            })
            .collect()
    })
}

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_join_note_lines_and_stop_at_the_scenario() {
        let src = "# title:  A title \n# note: First line\n# second line.\n#\n# a comment\nhardclock(1)\n";
        assert_eq!(
            parse_header(src),
            Ok(Header {
                title: "A title".into(),
                note: "First line second line.".into()
            })
        );
        let src = "# title: T\n# note: only\nhardclock(1)\n# not the note\n";
        assert_eq!(parse_header(src).unwrap().note, "only");
    }

    #[test]
    fn a_missing_header_is_named() {
        assert_eq!(
            parse_header("hardclock(1)"),
            Err("the first line must be '# title: ...'".into())
        );
        assert_eq!(
            parse_header("# title: T\nhardclock(1)"),
            Err("the second line must be '# note: ...'".into())
        );
        assert_eq!(
            parse_header("# title:\n# note: n"),
            Err("the first line must be '# title: ...'".into())
        );
        assert!(parse_header("# title: T\n# note:   \n").is_err());
    }

    #[test]
    fn names_are_unique_kebab_case_and_found() {
        let mut names: Vec<&str> = all().iter().map(|p| p.name).collect();
        assert!(names.iter().all(|n| !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all().len());
        assert_eq!(find("cascade-256").map(|p| p.name), Some("cascade-256"));
        assert_eq!(find("no-such-preset"), None);
    }
}
