//! [`Name`]: a shared, immutable string for the names the hot paths put into events.
//!
//! Every `timeout_add`, re-bucket and expiry records the timeout's name (and, on a fire, the
//! handler and its argument as text). As owned `String`s that was one allocation and copy per
//! name per event, the larger part of an insert's cost. A `Name` is an `Rc<str>`: the kernel
//! makes it once (at `timeout_set`) and every event after that shares it for the price of a
//! reference count. It reads like a `&str` (`Deref`, `Display`, `as_str`, comparisons with
//! strings), so the narration, the traces and the UI use it unchanged.
//!
//! `Rc`, not `Arc`: the kernel is a single-threaded value (the browser has one thread, the CLI
//! and the tests run one kernel per thread).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Rc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
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
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// Prints like the `String` it replaces (`"t1"`), so `{:?}` output is unchanged.
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
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
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
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
        assert!(Rc::ptr_eq(&n.0, &m.0), "a clone shares the text");
    }
}
