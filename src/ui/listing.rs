//! Lists of problems found in untrusted input, bounded for the reader. A hostile link or a
//! widget's attributes can name thousands of unknown keys; a person reads the first few and a
//! count ("and 9,995 more"), and the page holds no more than that. Plain Rust, tested natively.

/// How many entries of such a list are shown.
pub const MAX_LISTED: usize = 5;

/// The first [`MAX_LISTED`] entries pushed, and how many more there were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FirstFew {
    pub items: Vec<String>,
    pub more: usize,
}

impl FirstFew {
    /// Keeps `item` if there is room, else only counts it (so it is never built into a list).
    pub fn push(&mut self, item: String) {
        if self.items.len() < MAX_LISTED {
            self.items.push(item);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// "a, b, c" or "a, b, c, d, e and 9,995 more".
    pub fn joined(&self) -> String {
        let list = self.items.join(", ");
        match self.more {
            0 => list,
            n => format!("{list} and {} more", thousands(n)),
        }
    }
}

/// Keeps the first [`MAX_LISTED`] sentences of `list` and ends it with one that counts the rest.
pub fn cap(list: &mut Vec<String>) {
    if list.len() > MAX_LISTED {
        let more = list.len() - MAX_LISTED;
        list.truncate(MAX_LISTED);
        list.push(format!("... and {} more like these.", thousands(more)));
    }
}

/// 9995 -> "9,995".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        for (n, s) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (9995, "9,995"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn a_long_list_shows_the_first_few_and_a_count() {
        let mut f = FirstFew::default();
        for i in 0..10_000 {
            f.push(format!("k{i}"));
        }
        assert_eq!(f.items.len(), MAX_LISTED);
        assert_eq!(f.joined(), "k0, k1, k2, k3, k4 and 9,995 more");
        let mut short = FirstFew::default();
        short.push("a".into());
        short.push("b".into());
        assert_eq!(short.joined(), "a, b");

        let mut v: Vec<String> = (0..8).map(|i| format!("p{i}")).collect();
        cap(&mut v);
        assert_eq!(v.len(), MAX_LISTED + 1);
        assert_eq!(v.last().unwrap(), "... and 3 more like these.");
        let mut v: Vec<String> = (0..MAX_LISTED).map(|i| format!("p{i}")).collect();
        cap(&mut v);
        assert_eq!(v.len(), MAX_LISTED);
    }
}
