//! [`Funcs`]: every handler function a timeout or a callout was armed with, each named once.
//!
//! A `struct timeout` holds `to_func` and a `struct callout` holds `c_func`: a pointer, four or
//! eight bytes. The simulator's functions are names, and a million timers each holding its own
//! copy of the name would put a string on every hot path that reads the record. So both wheels
//! keep a number ([`FuncId`]) in their compact records and look the name up here only for an
//! event or the UI. A scenario uses a handful of functions, so the table stays in cache.
//! It is shared between copies of the kernel (snapshots) and copied only when a new name comes.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::rc::Rc;

use super::{rttimer, Name};

/// A handler function, by its number in [`Funcs`]. Non-zero, so that an `Option<FuncId>` (NULL
/// or a function) is four bytes, and 0 can mean "none" in a raw record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncId(NonZeroU32);

impl FuncId {
    /// The number as stored in a raw record (never 0).
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// One function: its name, and whether it is a built-in rt_timer action, which reads its
/// argument (a scenario handler's body does not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    pub name: Name,
    pub builtin: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Funcs {
    table: Rc<Table>,
    /// The function [`Funcs::intern`] returned last. A `callout_reset` names its function on
    /// every call, nearly always the one it named the time before, so one compare of a few
    /// bytes usually answers without searching the table.
    last: Option<FuncId>,
}

#[derive(Clone, Debug, Default)]
struct Table {
    list: Vec<Func>,
    ids: BTreeMap<Name, FuncId>,
}

impl Funcs {
    /// The number of `func`, adding it on first use.
    #[inline]
    pub fn intern(&mut self, func: &str) -> FuncId {
        match self.last {
            Some(id) if same_text(self.name(id), func) => id,
            _ => {
                let id = self.lookup(func);
                self.last = Some(id);
                id
            }
        }
    }

    fn lookup(&mut self, func: &str) -> FuncId {
        if let Some(&id) = self.table.ids.get(func) {
            return id;
        }
        let t = Rc::make_mut(&mut self.table);
        let name = Name::from(func);
        t.list.push(Func {
            builtin: rttimer::is_builtin(&name),
            name: name.clone(),
        });
        let id = FuncId(NonZeroU32::MIN.saturating_add(t.list.len() as u32 - 1));
        t.ids.insert(name, id);
        id
    }

    pub fn func(&self, id: FuncId) -> &Func {
        self.func_at(id.get())
    }

    /// The function a raw record's number (a [`FuncId::get`]) names.
    pub fn func_at(&self, number: u32) -> &Func {
        &self.table.list[number as usize - 1]
    }

    pub fn name(&self, id: FuncId) -> &Name {
        &self.func(id).name
    }

    /// How many functions the table holds.
    pub fn len(&self) -> usize {
        self.table.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.list.is_empty()
    }
}

/// `a == b` byte by byte: handler names are a few bytes long, and comparing them in a loop is
/// cheaper than the call to `memcmp` that `==` on strings makes.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funcs_are_interned_once() {
        let mut f = Funcs::default();
        let a = f.intern("arp_timer");
        let b = f.intern(rttimer::RT_TIMER_TIMER);
        assert_eq!(f.intern("arp_timer"), a);
        assert_ne!(a, b);
        // The last-used shortcut answers only for the same text: a name of the same length
        // that differs in its last byte is a different function.
        assert_eq!(f.intern("arp_timer"), a);
        let x = f.intern("arp_timex");
        assert_ne!(x, a);
        assert_eq!((f.intern("arp_timer"), f.intern("arp_timex")), (a, x));
        assert_eq!(f.len(), 3);
        let b2 = f.intern(rttimer::RT_TIMER_TIMER);
        assert_eq!(b2, b);
        assert_eq!((a.get(), b.get()), (1, 2));
        assert_eq!(
            (f.name(a).as_str(), f.name(b).as_str()),
            ("arp_timer", rttimer::RT_TIMER_TIMER)
        );
        assert_eq!((f.func(a).builtin, f.func(b).builtin), (false, true));
        // A snapshot shares the table until one side adds a name.
        let snap = f.clone();
        f.intern("new_fn");
        assert_eq!((snap.len(), f.len()), (3, 4));
        assert_eq!(std::mem::size_of::<Option<FuncId>>(), 4);
    }
}
