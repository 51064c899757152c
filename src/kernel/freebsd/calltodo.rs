//! The 4.4BSD callout list the callwheel replaced: `calltodo`, a delta list (Varghese & Lauck
//! scheme 2), selectable with `callout_impl = 1` before boot for the legacy `timeout()`.
//!
//! Each entry's `c_time` is its delay *relative to the entry before it*, so hardclock only has to
//! decrement the head (O(1) per tick), but `timeout()` must walk the list to find its place and
//! `untimeout()` must search it: O(n), the cost Costello & Varghese set out to remove. Among equal
//! deadlines the newest entry goes first (LIFO), because the walk stops at the first entry whose
//! delta is not smaller than what remains.

use super::events::CalloutEvent;
use super::threads::Origin;
use super::{CalloutImpl, Callouts};
use crate::kernel::{KernelError, Name, Trace, Value};

/// One `struct callout` of the 4.4BSD table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TodoEntry {
    pub func: Option<String>,
    pub arg: Value,
    /// Ticks after the previous entry fires (<= 0: due, that many ticks late).
    pub c_time: i32,
    next: Option<u32>,
}

/// Where `timeout()` put a new entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inserted {
    pub slot: u32,
    /// Entries walked past.
    pub walked: u32,
    pub delta: i32,
    /// The entry it was inserted in front of.
    pub before: Option<u32>,
}

/// The fixed table of `ncallout` entries, the `callfree` list and the `calltodo` list.
#[derive(Clone, Debug, Default)]
pub struct CallTodo {
    pub entries: Vec<TodoEntry>,
    /// `callfree` as a stack: the last element is its head.
    free: Vec<u32>,
    head: Option<u32>,
}

impl CallTodo {
    /// The table as `main()` links it: entry 0 at the head of `callfree`.
    pub fn new(ncallout: u32) -> CallTodo {
        let entry = TodoEntry {
            func: None,
            arg: Value::Null,
            c_time: 0,
            next: None,
        };
        CallTodo {
            entries: vec![entry; ncallout as usize],
            free: (0..ncallout).rev().collect(),
            head: None,
        }
    }

    /// `timeout(func, arg, t)`; None when the table is full.
    pub fn insert(&mut self, func: Option<String>, arg: Value, t: i32) -> Option<Inserted> {
        let slot = self.free.pop()?;
        let mut t = t.max(1);
        let mut prev: Option<u32> = None;
        let mut cur = self.head;
        let mut walked = 0;
        while let Some(c) = cur {
            let d = self.entries[c as usize].c_time;
            if d >= t {
                break;
            }
            if d > 0 {
                t -= d; // already-due entries are passed without counting
            }
            walked += 1;
            prev = Some(c);
            cur = self.entries[c as usize].next;
        }
        self.entries[slot as usize] = TodoEntry {
            func,
            arg,
            c_time: t,
            next: cur,
        };
        match prev {
            Some(p) => self.entries[p as usize].next = Some(slot),
            None => self.head = Some(slot),
        }
        if let Some(n) = cur {
            self.entries[n as usize].c_time -= t;
        }
        Some(Inserted {
            slot,
            walked,
            delta: t,
            before: cur,
        })
    }

    /// `untimeout(func, arg)`: removes the first match. Returns (entries examined, found).
    pub fn remove(&mut self, func: Option<&str>, arg: &Value) -> (u32, bool) {
        let mut prev: Option<u32> = None;
        let mut cur = self.head;
        let mut walked = 0;
        while let Some(c) = cur {
            walked += 1;
            let e = &self.entries[c as usize];
            let next = e.next;
            if e.func.as_deref() == func && &e.arg == arg {
                if let Some(n) = next {
                    if e.c_time > 0 {
                        let d = e.c_time;
                        self.entries[n as usize].c_time += d;
                    }
                }
                match prev {
                    Some(p) => self.entries[p as usize].next = next,
                    None => self.head = next,
                }
                self.entries[c as usize].next = None;
                self.free.push(c);
                return (walked, true);
            }
            prev = Some(c);
            cur = next;
        }
        (walked, false)
    }

    /// hardclock: decrement from the head, stopping at the first entry still in the future or
    /// reaching exactly 0; entries already due get later still.
    pub fn tick(&mut self) {
        let mut cur = self.head;
        while let Some(c) = cur {
            let e = &mut self.entries[c as usize];
            e.c_time -= 1;
            if e.c_time >= 0 {
                break;
            }
            cur = e.next;
        }
    }

    /// softclock: unlinks the head if it is due and returns it to `callfree`; (slot, lateness).
    pub fn pop_due(&mut self) -> Option<(u32, i32)> {
        let c = self.head?;
        let e = &mut self.entries[c as usize];
        if e.c_time > 0 {
            return None;
        }
        self.head = e.next.take();
        self.free.push(c);
        Some((c, -e.c_time))
    }

    /// The calltodo list, head first.
    pub fn list(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.head;
        while let Some(c) = cur {
            out.push(c);
            cur = self.entries[c as usize].next;
        }
        out
    }

    /// `callfree`, head first.
    pub fn free_list(&self) -> Vec<u32> {
        self.free.iter().rev().copied().collect()
    }
}

impl Callouts {
    #[inline]
    fn uses_todo(&self) -> bool {
        self.impl_ == CalloutImpl::Calltodo
    }

    /// 4.4BSD `timeout(func, arg, t)`. Returns nothing: there are no handles.
    pub fn calltodo_timeout(
        &mut self,
        func: Option<&str>,
        arg: &Value,
        t: i32,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Value, KernelError> {
        let Some(ins) = self.todo.insert(func.map(str::to_string), arg.clone(), t) else {
            // 4.4BSD-Lite2 kern_clock.c: `if (callfree == NULL) panic("timeout table full");`
            let ncallout = self.ncallout;
            trace.emit(now, CalloutEvent::TodoTableFull { ncallout });
            return Err(KernelError::Panic("timeout table full".into()));
        };
        let before = ins.before.map(|b| {
            let e = &self.todo.entries[b as usize];
            format!("{}({})", e.func.as_deref().unwrap_or("NULL"), e.arg)
        });
        trace.emit(
            now,
            CalloutEvent::TodoInsert {
                slot: ins.slot,
                func: func.unwrap_or("NULL").to_string(),
                arg: arg.to_string(),
                ticks: t,
                walked: ins.walked,
                delta: ins.delta,
                before,
            },
        );
        Ok(Value::Null)
    }

    /// 4.4BSD `untimeout(ftn, arg)`: two arguments, no handle (the syscall glue enforces the
    /// arity).
    pub fn calltodo_untimeout(
        &mut self,
        func: Option<&str>,
        arg: &Value,
        now: i32,
        trace: &mut Trace,
    ) -> Value {
        let (walked, found) = self.todo.remove(func, arg);
        trace.emit(
            now,
            CalloutEvent::TodoRemove {
                func: func.unwrap_or("NULL").to_string(),
                arg: arg.to_string(),
                walked,
                found,
            },
        );
        Value::Null
    }

    #[inline]
    pub(super) fn calltodo_hardclock(&mut self) {
        if self.uses_todo() {
            self.todo.tick();
        }
    }

    /// Pops one due entry and hands it to the softclock thread; false if none is due.
    #[inline]
    pub(super) fn calltodo_softclock_one(
        &mut self,
        now: i32,
        trace: &mut Trace,
    ) -> Result<bool, KernelError> {
        if !self.uses_todo() {
            return Ok(false);
        }
        let Some((slot, late)) = self.todo.pop_due() else {
            return Ok(false);
        };
        let e = &self.todo.entries[slot as usize];
        let (func, arg) = (e.func.as_deref().map(Name::from), e.arg.clone());
        trace.emit(
            now,
            CalloutEvent::TodoDue {
                slot,
                func: func.as_deref().unwrap_or("NULL").to_string(),
                late,
            },
        );
        let Some(func) = func else {
            return Err(KernelError::Panic(format!(
                "Fatal trap 12: page fault while in kernel mode: softclock called the NULL function of calltodo entry {slot}"
            )));
        };
        self.start(Origin::Todo(slot), func, Some(arg), None, now, trace);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Value {
        Value::Sym(s.into())
    }

    fn deltas(t: &CallTodo) -> Vec<(String, i32)> {
        t.list()
            .iter()
            .map(|&c| {
                let e = &t.entries[c as usize];
                (e.arg.to_string(), e.c_time)
            })
            .collect()
    }

    #[test]
    fn insertion_keeps_deltas_and_is_lifo_among_equals() {
        let mut t = CallTodo::new(8);
        t.insert(Some("f".into()), sym("a"), 5).unwrap();
        t.insert(Some("f".into()), sym("b"), 2).unwrap();
        let ins = t.insert(Some("f".into()), sym("c"), 5).unwrap();
        // c walks past b (delta 2) and stops in front of a (delta 3 == remaining 3).
        assert_eq!(ins.walked, 1);
        assert_eq!(
            deltas(&t),
            vec![("b".into(), 2), ("c".into(), 3), ("a".into(), 0)]
        );
        let ins = t.insert(Some("f".into()), sym("d"), 9).unwrap();
        assert_eq!(ins.walked, 3);
        assert_eq!(ins.delta, 4);
    }

    #[test]
    fn untimeout_gives_the_delta_to_the_successor() {
        let mut t = CallTodo::new(4);
        t.insert(Some("f".into()), sym("a"), 3).unwrap();
        t.insert(Some("f".into()), sym("b"), 7).unwrap();
        assert_eq!(t.remove(Some("f"), &sym("a")), (1, true));
        assert_eq!(deltas(&t), vec![("b".into(), 7)]);
        assert_eq!(t.remove(Some("f"), &sym("zz")), (1, false));
    }

    #[test]
    fn hardclock_decrements_the_head_and_passes_overdue_entries() {
        let mut t = CallTodo::new(4);
        t.insert(Some("f".into()), sym("a"), 1).unwrap();
        t.insert(Some("f".into()), sym("b"), 3).unwrap();
        t.tick();
        assert_eq!(deltas(&t), vec![("a".into(), 0), ("b".into(), 2)]);
        t.tick(); // a overdue: -1, then b is decremented too
        assert_eq!(deltas(&t), vec![("a".into(), -1), ("b".into(), 1)]);
        assert_eq!(t.pop_due().map(|(_, late)| late), Some(1));
        assert_eq!(t.pop_due(), None);
    }

    #[test]
    fn table_overflows_and_free_list_is_lifo() {
        let mut t = CallTodo::new(2);
        assert_eq!(t.free_list(), vec![0, 1]);
        assert_eq!(t.insert(None, Value::Null, 1).unwrap().slot, 0);
        assert_eq!(t.insert(None, Value::Null, 1).unwrap().slot, 1);
        assert!(t.insert(None, Value::Null, 1).is_none());
        t.tick();
        assert_eq!(t.pop_due().map(|p| p.0), Some(1)); // LIFO: 1 went in front of 0
        assert_eq!(t.free_list(), vec![1]);
    }
}
