//! "Did you mean ...?": the one edit distance of the crate, for the script checker's unknown
//! function names and the widget's unknown parameters and presets alike.

/// The closest name, if it is close enough to be a typo: at most one edit per three letters,
/// ignoring case (so `HardClock` finds `hardclock`). The first of equally close names wins.
pub fn suggest<'n>(name: &str, names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in names {
        let d = edit_distance(&lower, &cand.to_ascii_lowercase());
        if d * 3 <= name.chars().count().max(3) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, n)| n)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_table() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "", 3),
            ("", "ab", 2),
            ("timout_add", "timeout_add", 1),
            ("hardclok", "hardclock", 1),
            ("kitten", "sitting", 3),
            ("flaw", "lawn", 2),
            ("ab", "ba", 2),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} {b}");
            assert_eq!(edit_distance(b, a), d, "{b} {a}");
        }
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let names = [
            "timeout_add",
            "timeout_add_tv",
            "timeout_del",
            "hardclock",
            "busy",
        ];
        let s = |n: &str| suggest(n, names.iter().copied());
        assert_eq!(s("timout_add"), Some("timeout_add"));
        assert_eq!(s("timeout_ad"), Some("timeout_add"));
        assert_eq!(s("timeout_dle"), Some("timeout_del"));
        assert_eq!(s("HARDCLOCK"), Some("hardclock"));
        assert_eq!(s("bsy"), Some("busy"));
        assert_eq!(s("xyz"), None);
        assert_eq!(s("callout_reset"), None);
    }
}
