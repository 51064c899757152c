//! Read-only views of the FreeBSD callout state for the UI: the wheel's buckets in list order,
//! `callfree`, handles, flags, the handler in progress, held mutexes and the calltodo list.

use std::collections::BTreeMap;

use super::callwheel::{self, CalloutId};
use super::events::Thread;
use super::threads::{Origin, Wait};
use super::Callouts;
use crate::kernel::Value;

/// One callout as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalloutView {
    pub id: CalloutId,
    pub name: String,
    pub c_time: i32,
    pub bucket: u32,
    pub func: Option<String>,
    pub arg: String,
    pub flags: u32,
    /// Its handler is running (`curr_callout`).
    pub serviced: bool,
}

/// The handler the softclock thread is in the middle of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningView {
    pub func: String,
    /// The callout, or "calltodo entry N".
    pub callout: String,
    /// Still waiting for its mutex before the call.
    pub started: bool,
    pub wait: Wait,
}

/// One entry of the 4.4BSD calltodo list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TodoView {
    pub slot: u32,
    pub func: Option<String>,
    pub arg: String,
    /// Delay after the previous entry.
    pub delta: i32,
}

impl Callouts {
    pub fn callwheelsize(&self) -> u32 {
        callwheel::callwheel_size(self.ncallout)
    }

    pub fn callwheelmask(&self) -> u32 {
        self.callwheelsize() - 1
    }

    pub fn softticks(&self) -> i32 {
        self.th.softticks
    }

    /// Slots of the `timeout()` pool (0 when calltodo is selected or before boot).
    pub fn callfree_capacity(&self) -> usize {
        self.wheel.iter().take_while(|c| c.local_alloc()).count()
    }

    /// The callout in slot `id`, as the UI shows it.
    pub fn callout_view(&self, id: CalloutId) -> CalloutView {
        self.view(id)
    }

    fn view(&self, id: CalloutId) -> CalloutView {
        let w = &self.wheel;
        let c = w.get(id);
        CalloutView {
            id,
            name: w.name(id).to_string(),
            c_time: c.c_time,
            bucket: callwheel::bucket_of(c.c_time, w.mask),
            func: w.c_func_name(id).map(|f| f.to_string()),
            arg: w.get(id).c_arg.to_string(),
            flags: c.c_flags,
            serviced: self.th.curr_callout == Some(id),
        }
    }

    /// One bucket's callouts in list order.
    pub fn bucket(&self, b: u32) -> Vec<CalloutView> {
        if !self.allocated || b > self.wheel.mask {
            return Vec::new();
        }
        self.wheel
            .bucket_entries(b)
            .into_iter()
            .map(|id| self.view(id))
            .collect()
    }

    /// Every non-empty bucket with its callouts.
    pub fn occupied_buckets(&self) -> Vec<(u32, Vec<CalloutView>)> {
        if !self.allocated {
            return Vec::new();
        }
        (0..self.wheel.size())
            .filter(|&b| self.wheel.bucket_len(b) > 0)
            .map(|b| (b, self.bucket(b)))
            .collect()
    }

    /// `callfree`, head (the next one `timeout()` takes) first.
    pub fn free_list(&self) -> Vec<CalloutId> {
        self.callfree.iter().rev().copied().collect()
    }

    /// A named callout.
    pub fn callout(&self, name: &str) -> Option<CalloutView> {
        self.names.get(name).map(|&id| self.view(id))
    }

    /// Named callouts (by name), then pooled ones in use.
    pub fn callouts(&self) -> Vec<CalloutView> {
        self.callout_ids().map(|id| self.view(id)).collect()
    }

    /// The slots of [`Callouts::callouts`], in the same order, without building the views (a
    /// page of a 10,000-row table needs only its own rows).
    pub fn callout_ids(&self) -> impl Iterator<Item = CalloutId> + '_ {
        let named = self.names.values().copied();
        let pooled = (0..self.callfree_capacity() as CalloutId)
            .filter(|&id| self.wheel.get(id).c_func.is_some() || self.wheel.get(id).pending());
        named.chain(pooled)
    }

    /// How many callouts a bucket holds (O(1)).
    pub fn bucket_len(&self, b: u32) -> u32 {
        if !self.allocated || b > self.wheel.mask {
            0
        } else {
            self.wheel.bucket_len(b)
        }
    }

    /// A pooled callout (what a handle points at).
    pub fn pooled(&self, slot: CalloutId) -> Option<CalloutView> {
        ((slot as usize) < self.callfree_capacity()).then(|| self.view(slot))
    }

    pub fn curr_callout(&self) -> Option<&str> {
        self.th.curr_callout.map(|id| self.wheel.name(id).as_str())
    }

    pub fn running(&self) -> Option<RunningView> {
        let r = self.th.running.as_ref()?;
        Some(RunningView {
            func: r.func.to_string(),
            callout: match r.origin {
                Origin::Wheel(id) => self.wheel.name(id).to_string(),
                Origin::Todo(slot) => format!("calltodo entry {slot}"),
            },
            started: r.started,
            wait: r.wait.clone(),
        })
    }

    /// Where a scan stopped: (tick being walked, its bucket, next entry to examine).
    pub fn scan_position(&self) -> Option<(i32, u32, Option<String>)> {
        self.th.walking.then(|| {
            let t = self.th.curticks;
            let next = self
                .th
                .nextsoftcheck
                .map(|id| self.wheel.name(id).to_string());
            (t, callwheel::bucket_of(t, self.wheel.mask), next)
        })
    }

    /// Held mutexes: (name, owner, recursion).
    pub fn mutexes(&self) -> Vec<(String, Thread, u32)> {
        self.mutexes
            .iter()
            .map(|(m, x)| (m.to_string(), x.owner, x.recurse))
            .collect()
    }

    /// The 4.4BSD calltodo list, head first.
    pub fn todo_list(&self) -> Vec<TodoView> {
        self.todo
            .list()
            .into_iter()
            .map(|slot| {
                let e = &self.todo.entries[slot as usize];
                TodoView {
                    slot,
                    func: e.func.clone(),
                    arg: e.arg.to_string(),
                    delta: e.c_time,
                }
            })
            .collect()
    }
}

impl Callouts {
    /// Script variables holding a `struct callout_handle`, among `vars`: (variable, pool slot,
    /// or None for a NULL handle made by `callout_handle_init`).
    pub fn handles(&self, vars: &BTreeMap<String, Value>) -> Vec<(String, Option<CalloutId>)> {
        vars.iter()
            .filter_map(|(name, v)| match v {
                Value::Handle(slot) => Some((name.clone(), Some(*slot))),
                Value::Null if self.handle_vars.contains(name) => Some((name.clone(), None)),
                _ => None,
            })
            .collect()
    }
}
