//! [`Name`]: a cheap-to-copy immutable string for the names events carry.
//!
//! Every `timeout_add`, re-bucket and expiry records the timeout's name, and a fire the
//! handler's. A `Name` is made once (at `timeout_set`, `callout_init`) and shared by every event
//! after that: a copy is a reference count, not an allocation. It reads like a `&str` (`Deref`,
//! `Display`, `as_str`, comparisons with strings), so the narration, the traces and the UI use
//! it as one.
//!
//! `Rc`, not `Arc`: the kernel is a single-threaded value (the browser has one thread, the CLI
//! and the tests run one kernel per thread).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

#[derive(Clone)]
pub struct Name(Rc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `v` as text.
    pub fn display(v: &impl fmt::Display) -> Name {
        Name::from(v.to_string())
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Hashes like the `str` (required by `Borrow<str>`).
impl Hash for Name {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::from("")
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// Prints like the `String` it replaces (`"t1"`), so `{:?}` output is unchanged.
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Rc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Rc::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::from(s.as_str())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_prints_like_a_string() {
        let n = Name::from("t1");
        let m = n.clone();
        assert_eq!(n, "t1");
        assert_eq!("t1", n);
        assert_eq!(n, String::from("t1"));
        assert_eq!(format!("{n} {n:?}"), r#"t1 "t1""#);
        assert_eq!(n.len(), 2);
        assert_eq!(m, n);
        assert!(Rc::ptr_eq(&n.0, &m.0), "a copy shares the text");
        let (a, ab, b) = (Name::from("a"), Name::from("ab"), Name::from("b"));
        assert_eq!(
            (b.cmp(&a), ab.cmp(&a), a.cmp(&ab)),
            (Ordering::Greater, Ordering::Greater, Ordering::Less)
        );
        assert_eq!(Name::default(), "");
        assert_eq!(Name::display(&42), "42");
    }
}
