//! `rn_delete`: taking a route out of the radix tree, undoing exactly what `rn_addroute` did.
//!
//! Three cases, as in `radix.c`: the route's record comes off the ancestor's mask list it was
//! lifted to; then either the route leaves a dupedkey chain (the next entry takes the head's
//! place if need be), or it was alone, and its parent internal node goes too, the sibling moving
//! up and the parent's mask list moving down to it ("demotion").

use super::radix::{netmask, MaskId, NodeId, RadixTree};

impl RadixTree {
    /// The leaf `rn_delete(key, mask)` would take out, taking nothing: with a mask, the chain
    /// entry with exactly that mask; with none (a host key, or `rtrequest(RTM_DELETE, key, NULL
    /// netmask)`), the head of the key's chain whatever its mask, as radix.c only walks the
    /// chain `if (netmask)`. None when the key is not in the tree or that leaf is an end marker
    /// (radix.c's `RNF_ROOT` check: the caller's ESRCH).
    pub fn rn_delete_target(&self, key: u32, mask: Option<u8>) -> Option<NodeId> {
        let key = key & netmask(mask.unwrap_or(32));
        let saved_tt = self.rn_search(key);
        if !self.same_key(saved_tt, key) {
            return None;
        }
        let mut tt = saved_tt;
        if mask.is_some() {
            while self.nodes[tt].mask != mask {
                tt = self.nodes[tt].dupedkey?;
            }
        }
        (!self.nodes[tt].is_root()).then_some(tt)
    }

    /// The end marker heading `key`'s chain, if `rn_delete(key, NULL)` would stop on it (a NULL
    /// netmask delete of 0.0.0.0: the default route hangs behind the left end marker).
    pub fn delete_hits_root(&self, key: u32) -> bool {
        let head = self.rn_search(key);
        self.same_key(head, key) && self.nodes[head].is_root()
    }

    /// `rn_delete`: remove the route [`RadixTree::rn_delete_target`] names, undoing what
    /// `rn_addroute` did to the tree and the mask lists. Returns its `rtentry`.
    ///
    /// With no mask this takes the head of the key's chain, which need not be a host route:
    /// `rn_delete(10.1.2.0, NULL)` removes 10.1.2.0/23 when no host route 10.1.2.0 exists.
    pub fn rn_delete(&mut self, key: u32, mask: Option<u8>) -> Option<u32> {
        let key = key & netmask(mask.unwrap_or(32));
        let tt = self.rn_delete_target(key, mask)?;
        let saved_tt = self.rn_search(key);
        if let (Some(_), Some(m)) = (self.nodes[tt].mask, self.nodes[tt].mklist) {
            if !self.unlift(tt, saved_tt, m) {
                return None;
            }
        }
        let route = self.nodes[tt].route;
        let t = self.nodes[tt].parent;
        if let Some(dk) = self.nodes[saved_tt].dupedkey {
            if tt == saved_tt {
                // The next entry of the chain takes the head's place in the tree.
                self.set_parent(dk, t);
                self.replace_child(t, tt, dk);
            } else {
                let next = self.nodes[tt].dupedkey;
                self.nodes[t].dupedkey = next;
                if let Some(n) = next {
                    self.set_parent(n, t);
                }
            }
            self.free_node(tt);
            return route;
        }
        // The leaf was alone: its parent internal node goes too, the sibling moves up.
        let x = self.sibling(t, tt);
        let p = self.nodes[t].parent;
        self.replace_child(p, t, x);
        self.set_parent(x, p);
        if let Some(tm) = self.nodes[t].mklist {
            self.demote(tm, x);
        }
        self.free_node(t);
        self.free_node(tt);
        route
    }

    /// Removes leaf `tt`'s record `m` from the ancestor it was lifted to. False when the
    /// annotation is inconsistent in a way BSD refuses to delete through.
    fn unlift(&mut self, tt: NodeId, saved_tt: NodeId, m: MaskId) -> bool {
        if self.nodes[tt].is_normal() {
            if self.masks[m].leaf != Some(tt) || self.masks[m].refs > 0 {
                self.log.push("rn_delete: inconsistent annotation".into());
                return false;
            }
        } else {
            if Some(self.masks[m].mask) != self.nodes[tt].mask {
                self.log.push("rn_delete: inconsistent annotation".into());
                return true;
            }
            self.masks[m].refs -= 1;
            if self.masks[m].refs >= 0 {
                return true; // still shared by another route
            }
        }
        let b = -1 - self.nodes[tt].bit;
        let t = self.nodes[saved_tt].parent;
        if b > self.nodes[t].bit {
            return true; // wasn't lifted at all
        }
        let x = self.lift_target(t, b);
        let mut prev: Option<MaskId> = None;
        let mut cur = self.nodes[x].mklist;
        while let Some(ci) = cur {
            if ci == m {
                let next = self.masks[ci].next;
                match prev {
                    None => self.set_mklist(x, next),
                    Some(p) => self.masks[p].next = next,
                }
                self.free_mask(ci);
                return true;
            }
            prev = cur;
            cur = self.masks[ci].next;
        }
        self.log
            .push("rn_delete: couldn't find our annotation".into());
        !self.nodes[tt].is_normal()
    }

    /// The masks of a removed internal node go down to the sibling `x` that replaces it: appended
    /// to an internal node's list, or dropped if they belong to a leaf chain (which covers
    /// itself again).
    fn demote(&mut self, tm: MaskId, x: NodeId) {
        if !self.nodes[x].is_leaf() {
            match self.nodes[x].mklist {
                None => self.set_mklist(x, Some(tm)),
                Some(mut last) => {
                    while let Some(n) = self.masks[last].next {
                        last = n;
                    }
                    self.masks[last].next = Some(tm);
                }
            }
            return;
        }
        let mut m = Some(tm);
        let mut xc = Some(x);
        while let (Some(mi), Some(xi)) = (m, xc) {
            if self.nodes[xi].mklist == Some(mi) {
                let mm = self.masks[mi].next;
                self.set_mklist(xi, None);
                self.masks[mi].refs -= 1;
                if self.masks[mi].refs < 0 {
                    self.free_mask(mi);
                }
                m = mm;
            }
            xc = self.nodes[xi].dupedkey;
        }
        if m.is_some() {
            self.log.push("rn_delete: Orphaned Mask".into());
        }
    }
}
