//! [`Handlers`]: the scenario's `handler NAME { ... }` bodies, shared between kernel copies.
//!
//! The UI keeps snapshots of the whole kernel for step back, and copies it for every action;
//! the handler bodies change only when a scenario or a console line defines one. So the table
//! is shared (`Rc`) and copied on write: a snapshot costs a reference count, not a copy of
//! every body, and a fire reads its body in place.
//!
//! Every fire looks its function up here, so the table is a hash map: with 10,000 handlers a
//! sorted map compared the name against ~14 others, each a cache miss, and that was a fifth of
//! a long replay. The hasher is std's SipHash with its fixed default keys
//! ([`BuildHasherDefault`]), not a per-process random one, and nothing iterates the map in
//! its own order ([`Handlers::keys`] sorts), so the kernel stays deterministic.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use super::Stmt;

type Table = HashMap<String, Vec<Stmt>, BuildHasherDefault<DefaultHasher>>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handlers(Rc<Table>);

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
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        names.into_iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_in_name_order_whatever_the_insertion_order() {
        let mut h = Handlers::default();
        for name in ["f10", "a", "f2", "zz", "f1"] {
            h.insert(name.to_string(), Vec::new());
        }
        let keys: Vec<&str> = h.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "f1", "f10", "f2", "zz"]);
        assert!(h.get("f2").is_some() && h.get("f3").is_none());
        // A copy shares the table until one side writes.
        let mut copy = h.clone();
        copy.insert("new".into(), Vec::new());
        assert_eq!((h.len(), copy.len()), (5, 6));
    }
}
