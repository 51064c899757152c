//! Scheme 2 as 4.4BSD built it: `calltodo`, a delta list, reused from the simulated kernel
//! ([`crate::kernel::freebsd::calltodo::CallTodo`], FreeBSD's `callout_impl = 1`).
//!
//! Each entry keeps its delay relative to the entry before it, so hardclock decrements only the
//! head; `timeout()` walks the list subtracting deltas until it finds its place: O(n). The
//! 4.4BSD `untimeout(ftn, arg)` has no handle, so stopping a timer *searches* the list for it:
//! O(n) too, and a timer that is not on the list costs a walk of the whole list. The table of
//! entries is preallocated (`ncallout` of them), one per timer here.

use super::{Scheme, SchemeKind, TimerId, Work};
use crate::kernel::freebsd::calltodo::CallTodo;
use crate::kernel::Value;

/// Bytes of one 4.4BSD `struct callout`: `c_next`, `c_arg`, `c_func` and `c_time`.
const ENTRY: u64 = 32;

/// The handler of every entry. The lab tells its timers apart by their argument and never
/// calls them, so the function is NULL: `untimeout` then compares one pointer and the argument
/// per entry, as the C code does, instead of a handler's name.
const FUNC: Option<&str> = None;

pub struct DeltaList {
    todo: CallTodo,
    timers: u32,
    /// Which timers are on the list (the lab's bookkeeping, not the kernel's: a re-arm first
    /// untimeouts, as a 4.4BSD caller would).
    armed: Vec<bool>,
    pending: u64,
}

impl DeltaList {
    pub fn new(timers: u32) -> DeltaList {
        DeltaList {
            todo: CallTodo::new(timers),
            timers,
            armed: vec![false; timers as usize],
            pending: 0,
        }
    }

    /// `untimeout(lab_expire, timer)`: the entries walked.
    fn untimeout(&mut self, timer: TimerId) -> Work {
        let (walked, found) = self.todo.remove(FUNC, &Value::Int(timer as i64));
        if found {
            self.armed[timer as usize] = false;
            self.pending -= 1;
        }
        Work {
            visited: walked as u64,
            moved: found as u64,
            ..Work::ZERO
        }
    }
}

impl Scheme for DeltaList {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Delta
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        let mut w = if self.armed[timer as usize] {
            self.untimeout(timer)
        } else {
            Work::ZERO
        };
        let delay =
            i32::try_from(due - now).unwrap_or_else(|_| unreachable!("a delay fits in a C int"));
        let ins = self
            .todo
            .insert(FUNC.map(String::from), Value::Int(timer as i64), delay)
            .expect("one callout per timer");
        self.armed[timer as usize] = true;
        self.pending += 1;
        // The walk passed `walked` entries and compared one more where it stopped (if any).
        w.visited += ins.walked as u64 + ins.before.is_some() as u64;
        w.moved += 1;
        w
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        self.untimeout(timer)
    }

    fn tick(&mut self, _now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work::ZERO;
        if self.pending == 0 {
            return w;
        }
        // hardclock decrements the head (the list never holds an entry already due here: the
        // previous tick's softclock took them all).
        self.todo.tick();
        w.visited += 1;
        // softclock: pop the head while it is due, look at one more that is not.
        while self.pending > 0 {
            w.visited += 1;
            let Some((slot, _late)) = self.todo.pop_due() else {
                break;
            };
            let Value::Int(timer) = self.todo.entries[slot as usize].arg else {
                unreachable!("the lab's entries carry their timer");
            };
            self.armed[timer as usize] = false;
            self.pending -= 1;
            w.moved += 1;
            fired.push(timer as TimerId);
        }
        w
    }

    fn memory(&self) -> u64 {
        8 + self.timers as u64 * ENTRY
    }
}
