//! The URL hash: `#s=<scenario, percent-encoded>&t=<ticks since boot>`, or `#p=<preset name>&t=...`;
//! `&mode=predict` opens predict mode.
//!
//! A link is untrusted input, so decoding never panics: a hash that is too long, is not UTF-8
//! after decoding, or has a bad `t` gives a sentence for the student instead of a crash, and
//! unknown keys are reported and ignored. Plain Rust, tested natively.

use super::listing::FirstFew;
use crate::script::limits::MAX_SCRIPT_BYTES;

/// Longest hash we decode: a maximal script, every byte escaped, plus room for `t`.
pub const MAX_HASH_LEN: usize = 3 * MAX_SCRIPT_BYTES + 64;

/// Longest scenario the page writes into its address. Past this a link is not something anyone
/// shares, and writing megabytes into the address on every step costs a tenth of a second a
/// click; such a page keeps an empty hash instead (a reload shows the default preset).
pub const MAX_LINKED_SCENARIO: usize = 64 * 1024;

/// What a hash asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HashState {
    /// The scenario text (`s`).
    pub scenario: Option<String>,
    /// A preset by name (`p`); `s` wins when both are given.
    pub preset: Option<String>,
    /// Hardclocks since boot (`t`).
    pub ticks: Option<u64>,
    /// `mode=predict`: open in predict mode.
    pub predict: bool,
    /// Keys we do not know, reported to the student and otherwise ignored (the first few).
    pub unknown: FirstFew,
}

/// Parses `#s=...&t=...` (the leading `#` is optional).
pub fn parse(hash: &str) -> Result<HashState, String> {
    let h = hash.strip_prefix('#').unwrap_or(hash);
    if h.len() > MAX_HASH_LEN {
        return Err(format!(
            "The link is too long ({} characters; at most {MAX_HASH_LEN}), so the built-in example is shown instead.",
            h.len()
        ));
    }
    let mut out = HashState::default();
    for part in h.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key {
            "s" => {
                let bytes = decode(value).ok_or(
                    "The scenario in the link has a broken %-escape, so the built-in example is shown instead.",
                )?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    "The scenario in the link is not valid UTF-8 text, so the built-in example is shown instead."
                        .to_string()
                })?;
                out.scenario = Some(text);
            }
            "p" => {
                let bytes = decode(value).unwrap_or_else(|| value.as_bytes().to_vec());
                out.preset = Some(shorten(&String::from_utf8_lossy(&bytes)));
            }
            "t" => {
                let t = value.parse::<u64>().map_err(|_| {
                    format!(
                        "The tick in the link, t={}, is not a whole number of ticks.",
                        shorten(value)
                    )
                })?;
                out.ticks = Some(t);
            }
            "mode" => out.predict = value == "predict",
            other => out.unknown.push(shorten(other)),
        }
    }
    Ok(out)
}

/// `s=...&t=...` (without the `#`); `t` only when given.
pub fn encode(scenario: &str, ticks: Option<u64>) -> String {
    let mut s = String::with_capacity(scenario.len() + 16);
    s.push_str("s=");
    for b in scenario.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~(),;*!'/:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    if let Some(t) = ticks {
        s.push_str(&format!("&t={t}"));
    }
    s
}

/// `p=NAME&t=...` (without the `#`) for a preset; `t` only when given.
pub fn encode_preset(name: &str, ticks: Option<u64>) -> String {
    let mut s = format!("p={name}");
    if let Some(t) = ticks {
        s.push_str(&format!("&t={t}"));
    }
    s
}

/// Percent-decoding; `None` for a `%` not followed by two hex digits.
pub(crate) fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// At most 40 characters of something hostile, for a message.
pub(crate) fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_every_character() {
        let src = "timeout_set(&t1, f, NULL) # 100% é\nx = 1; hardclock(3)\t=&#";
        let h = encode(src, Some(42));
        assert!(!h[2..].contains(['&', '=', '#', ' ', '\n']) || h.ends_with("&t=42"));
        let p = parse(&format!("#{h}")).unwrap();
        assert_eq!(p.scenario.as_deref(), Some(src));
        assert_eq!(p.ticks, Some(42));
        assert!(p.unknown.is_empty());
    }

    #[test]
    fn hostile_hashes_give_messages() {
        let cases = [
            ("#s=%ff%fe", "not valid UTF-8"),
            ("#s=abc%4", "broken %-escape"),
            ("#s=%zz", "broken %-escape"),
            ("#t=-3", "not a whole number"),
            ("#t=99999999999999999999999", "not a whole number"),
        ];
        for (h, want) in cases {
            let e = parse(h).unwrap_err();
            assert!(e.contains(want), "{h}: {e}");
        }
        let huge = format!("#s={}", "a".repeat(MAX_HASH_LEN + 1));
        assert!(parse(&huge).unwrap_err().contains("too long"));
    }

    #[test]
    fn unknown_keys_are_reported_not_fatal() {
        let p = parse("#zz=1&s=x%3D1&&q").unwrap();
        assert_eq!(p.scenario.as_deref(), Some("x=1"));
        assert_eq!(p.unknown.items, vec!["zz".to_string(), "q".to_string()]);
        assert_eq!(parse("").unwrap(), HashState::default());
        let p = parse("#p=pmtu-expiry&t=850").unwrap();
        assert_eq!(p.preset.as_deref(), Some("pmtu-expiry"));
        assert_eq!(p.ticks, Some(850));
        assert_eq!(encode_preset("cascade-256", Some(3)), "p=cascade-256&t=3");
    }
}
