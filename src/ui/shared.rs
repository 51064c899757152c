//! [`Shared`]: the state as the views receive it. Its own module so that every component can
//! take it without naming the root component that owns the reducer.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use super::state::State;

/// The state as the views receive it: one cell that the reducer changes in place (copying a
/// kernel of 10,000 timers on every play advance would take most of a frame), and a version
/// that grows with every action, so a view's props are equal only within one version. Views
/// read it with [`Shared::get`] while they render; the reducer only writes between renders.
#[derive(Clone)]
pub struct Shared {
    cell: Rc<RefCell<State>>,
    version: u64,
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell) && self.version == other.version
    }
}

impl Shared {
    pub fn new(state: State) -> Shared {
        Shared {
            cell: Rc::new(RefCell::new(state)),
            version: 0,
        }
    }

    /// The state, for reading during a render.
    pub fn get(&self) -> Ref<'_, State> {
        self.cell.borrow()
    }

    /// Changes the state in place and returns its next version (what a reducer hands Yew).
    /// `None` when the state is borrowed: only a dispatch from inside a render could find it
    /// so, none does, and dropping that action beats a panic.
    pub fn update(&self, change: impl FnOnce(&mut State)) -> Option<Shared> {
        let mut st = self.cell.try_borrow_mut().ok()?;
        change(&mut st);
        drop(st);
        Some(Shared {
            cell: Rc::clone(&self.cell),
            version: self.version + 1,
        })
    }
}
