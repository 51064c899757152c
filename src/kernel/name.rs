//! [`Name`]: a cheap-to-copy immutable string for the names the hot paths put into events.
//!
//! Every `timeout_add`, re-bucket and expiry records the timeout's name (and, on a fire, the
//! handler and its argument as text). As owned `String`s that was one allocation and copy per
//! name per event, the larger part of an insert's cost. A `Name` is made once (at
//! `timeout_set`) and copied into every event after that without allocating: names of up to
//! [`INLINE`] bytes (`t1`, `arp_expire`, `rt#3`: nearly all of them) are stored inline and copied
//! as 24 plain bytes, which also spares the cache miss of a reference count in a million-timer
//! run; longer ones share an `Rc<str>`. It reads like a `&str` (`Deref`, `Display`, `as_str`,
//! comparisons with strings), so the narration, the traces and the UI use it unchanged.
//!
//! `Rc`, not `Arc`: the kernel is a single-threaded value (the browser has one thread, the CLI
//! and the tests run one kernel per thread).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

/// Longest name stored inline.
pub const INLINE: usize = 22;

pub struct Name(Repr);

enum Repr {
    /// The first `len` bytes of the array are the name.
    Inline(u8, [u8; INLINE]),
    Shared(Rc<str>),
}

/// An inline name is copied as its 24 bytes at once. The derived `Clone` copied the length
/// byte and the 22-byte array separately, through unaligned pieces on the stack, on every event
/// a hot path records.
impl Clone for Name {
    #[inline]
    fn clone(&self) -> Name {
        match &self.0 {
            Repr::Shared(s) => Name(Repr::Shared(Rc::clone(s))),
            // SAFETY: an inline name owns nothing (no pointer, no count), so a bitwise copy is
            // a second, independent value and dropping both is fine.
            Repr::Inline(..) => unsafe { std::ptr::read(self) },
        }
    }
}

impl Name {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(len, buf) => {
                // SAFETY: `buf[..len]` is a copy of a whole `&str` (see `From<&str>`), so it is
                // valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(&buf[..*len as usize]) }
            }
            Repr::Shared(s) => s,
        }
    }
}

impl Name {
    /// `v` as text, made without allocating when it fits inline.
    pub fn display(v: &impl fmt::Display) -> Name {
        let mut w = InlineWriter {
            len: 0,
            buf: [0; INLINE],
        };
        if fmt::write(&mut w, format_args!("{v}")).is_ok() {
            Name(Repr::Inline(w.len as u8, w.buf))
        } else {
            Name::from(v.to_string())
        }
    }
}

/// Collects formatted text inline; fails (so the caller falls back to a `String`) when it
/// does not fit.
struct InlineWriter {
    len: usize,
    buf: [u8; INLINE],
}

impl fmt::Write for InlineWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > INLINE {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
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
        if s.len() <= INLINE {
            let mut buf = [0; INLINE];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            Name(Repr::Inline(s.len() as u8, buf))
        } else {
            Name(Repr::Shared(Rc::from(s)))
        }
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::from(s.as_str())
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
        assert!(matches!(n.0, Repr::Inline(2, _)));
        let long = "a_handler_name_longer_than_inline";
        let l = Name::from(long);
        let l2 = l.clone();
        assert_eq!(l2, long);
        assert!(matches!((&l.0, &l2.0), (Repr::Shared(a), Repr::Shared(b)) if Rc::ptr_eq(a, b)));
        let exact = "x".repeat(INLINE);
        assert_eq!(Name::from(exact.as_str()), exact);
        let (a, ab, b) = (Name::from("a"), Name::from("ab"), Name::from("b"));
        assert_eq!(
            (b.cmp(&a), ab.cmp(&a), a.cmp(&ab)),
            (Ordering::Greater, Ordering::Greater, Ordering::Less)
        );
        assert_eq!(Name::default(), "");
        assert_eq!(Name::display(&42), "42");
        assert!(matches!(Name::display(&42).0, Repr::Inline(2, _)));
        let wide = "w".repeat(INLINE + 1);
        assert_eq!(Name::display(&wide), wide);
    }
}
