//! The preset catalogue as the picker shows it: every preset under the man page it teaches.
//!
//! The group is read from the scenario itself (the calls it makes, comments ignored), so a new
//! preset file lands in the right group without a list to keep in step. Plain Rust, tested
//! natively.

use crate::script::presets::{self, Preset};

/// The preset a page with no scenario in its link opens with.
pub const DEFAULT_PRESET: &str = "cascade-256";

/// The four man pages the presets illustrate, in menu order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManPage {
    /// OpenBSD timeout(9): `timeout_set`, `timeout_add`, the 4x256 wheel.
    OpenbsdTimeout,
    /// FreeBSD callout(9), with its legacy `timeout`/`untimeout`.
    FreebsdCallout,
    /// rtalloc(9): the route table, lookups and references.
    Rtalloc,
    /// NetBSD rt_timer(9): route expiry queues.
    RtTimer,
}

impl ManPage {
    pub const ALL: [ManPage; 4] = [
        ManPage::OpenbsdTimeout,
        ManPage::FreebsdCallout,
        ManPage::Rtalloc,
        ManPage::RtTimer,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ManPage::OpenbsdTimeout => "timeout(9) — OpenBSD",
            ManPage::FreebsdCallout => "callout(9) — FreeBSD",
            ManPage::Rtalloc => "rtalloc(9) — routes",
            ManPage::RtTimer => "rt_timer(9) — NetBSD route expiry",
        }
    }
}

/// The names called in a scenario (an identifier directly followed by `(`), comments skipped.
pub(crate) fn calls(source: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in source.lines() {
        let code = line.split('#').next().unwrap_or("");
        let code = code.split("//").next().unwrap_or("");
        let b = code.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_alphabetic() || b[i] == b'_' {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if b.get(i) == Some(&b'(') {
                    out.push(&code[start..i]);
                }
            } else {
                i += 1;
            }
        }
    }
    out
}

/// The man page a scenario teaches: the most specific facility it calls wins (an rt_timer
/// scenario also adds routes; a route scenario may also arm timeouts).
pub fn man_page(source: &str) -> ManPage {
    let called = calls(source);
    let any = |f: &dyn Fn(&str) -> bool| called.iter().any(|c| f(c));
    if any(&|c| c.starts_with("rt_timer") || c.starts_with("icmp_")) {
        ManPage::RtTimer
    } else if any(&|c| {
        c.starts_with("route_") || c.starts_with("rtalloc") || c.starts_with("RTFREE")
    }) {
        ManPage::Rtalloc
    } else if any(&|c| c.starts_with("callout_") || c == "timeout" || c == "untimeout") {
        ManPage::FreebsdCallout
    } else {
        ManPage::OpenbsdTimeout
    }
}

/// Every preset under its man page, groups in [`ManPage::ALL`] order, presets in file order.
/// Empty groups are left out.
pub fn grouped() -> Vec<(ManPage, Vec<&'static Preset>)> {
    ManPage::ALL
        .iter()
        .map(|&m| {
            let ps: Vec<&'static Preset> = presets::all()
                .iter()
                .filter(|p| man_page(p.source) == m)
                .collect();
            (m, ps)
        })
        .filter(|(_, ps)| !ps.is_empty())
        .collect()
}

/// The preset whose file is exactly this text, if any (so a link can say `p=NAME`).
pub fn preset_with_source(src: &str) -> Option<&'static Preset> {
    presets::all().iter().find(|p| p.source == src)
}
