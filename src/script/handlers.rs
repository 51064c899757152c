//! [`Handlers`]: the scenario's `handler NAME { ... }` bodies, shared between kernel copies.
//!
//! The UI keeps snapshots of the whole kernel for step back, and copies it for every action;
//! the handler bodies change only when a scenario or a console line defines one. So the table
//! is shared (`Rc`) and copied on write: a snapshot costs a reference count, not a copy of
//! every body, and a fire reads its body in place.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::kernel::Stmt;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handlers(Rc<BTreeMap<String, Vec<Stmt>>>);

impl Handlers {
    /// Defines (or redefines) handler `name`; returns the body it replaces.
    pub fn insert(&mut self, name: String, body: Vec<Stmt>) -> Option<Vec<Stmt>> {
        Rc::make_mut(&mut self.0).insert(name, body)
    }

    pub fn get(&self, name: &str) -> Option<&Vec<Stmt>> {
        self.0.get(name)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Handler names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
