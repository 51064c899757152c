//! The BSD radix tree (`radix.c`, Sklower 1988–1993, as in FreeBSD 8.x–9.x), for IPv4 keys.
//!
//! The tree is a PATRICIA trie with one-way branching removed: every internal node tests one bit
//! of the key (`rn_bit`, 0 = the most significant bit of the address) and has two children; every
//! leaf holds a key and, for a network route, a netmask. All keys below an internal node agree on
//! the bits before its `rn_bit`. Keys that are equal but carry different masks (10.0.0.0/8 and
//! 10.0.0.0/16) share one leaf position and are chained through `rn_dupedkey`, most specific
//! first (a host route, which has no mask, heads the chain).
//!
//! An empty tree is three nodes flagged [`RNF_ROOT`]: the left end marker (key 0.0.0.0), the top
//! node (testing bit 0) and the right end marker (key 255.255.255.255). A default route 0/0 has
//! the key of the left end marker and so hangs in its dupedkey chain.
//!
//! Longest-prefix match needs one more idea, the `radix_mask` list: each network route is also
//! recorded on the highest ancestor whose bit index is at least the mask's index (the position
//! of its first 0 bit). `rn_match` descends to a leaf, and if that leaf's chain does not cover
//! the key it climbs back up, consulting those lists ([`super::radix_match`]).
//!
//! What we simplify, and why it does not change any tree shape or lookup result:
//! * Keys are `u32` and bit indexes count from the start of the address, where BSD counts from
//!   the start of the `sockaddr_in` (so BSD's top node tests bit 32, ours bit 0). `rn_offset` and
//!   `rn_bmask` are derived from the bit index instead of being stored.
//! * Masks are prefix lengths instead of pointers into a separate mask tree; for contiguous masks
//!   `rn_refines` and `rn_lexobetter` both reduce to "longer prefix", see [`refines`].
//! * BSD allocates a leaf and an internal node together per route and, on delete, copies nodes
//!   around so the pair can be freed together. We keep nodes in an arena with a free list, which
//!   gives the same tree; only which slot holds which node differs.
//! * A host route is a key without a mask; a /32 network is treated as a host route, as
//!   `route(8)` does.
//!
//! Keys are compared as radix.c compares them, though: a `sockaddr_in` key goes on past the
//! address into `sin_zero`, which is zero in every real key and one in the right end marker's
//! (`rn_ones`). So a host route to 255.255.255.255 differs from that marker only past the
//! address, and `rn_insert` splits it off with an internal node testing bit 32 (our first bit of
//! `sin_zero`; BSD's bit 64): the host gets a leaf of its own, left of the marker, instead of a
//! place in the marker's chain. [`key_bit`] answers 0 for every bit past the address, and
//! [`RadixTree::same_key`] never finds a real key equal to the right end marker's.
//!
//! Layout: the descent reads three fields per internal node, `rn_bit`, `rn_left` and `rn_right`,
//! and the climb back up two more, `rn_parent` and `rn_mklist`. At 10^6 routes a tree of
//! 80-byte [`RadixNode`]s (160 MB) makes every level a cache (and TLB) miss to memory. So those
//! five fields are also kept in [`RnHot`], 20 bytes a node in a separate array indexed like the
//! nodes: the upper levels of a big tree stay in L1/L2, and the climb revisits entries the
//! descent has just brought into L1. `rn_match`, `rn_search` and `rn_search_m` go through it and
//! touch a full node only at the leaf and its dupedkey chain. It is a copy, not a second tree:
//! every write of those fields goes through `alloc_node`, `set_bit`, `set_child`, `set_parent`
//! or `set_mklist`, which write both, and [`RadixTree::check_invariants`] checks that they
//! agree. (BSD's `struct radix_node` puts `rn_mklist`, `rn_parent`, `rn_bit` and the children
//! first for the same reason, but a C node is still 48+ bytes; this teaching tree keeps the
//! full record readable and pays 20 bytes a node for the copy.)
//!
//! Faithful quirk kept on purpose: BSD interns the all-zeros mask of the default route as the
//! root of the mask tree, whose `rn_bit` is -1 and which lacks `RNF_NORMAL`. So the default
//! route is the one *non-normal* route: `rn_match` reaches it through `rn_satisfies_leaf` or a
//! masked search (`rn_search_m`) rather than through the index shortcut.

/// Index of a node in the tree's arena.
pub type NodeId = usize;
/// Index of a `radix_mask` record in the tree's arena.
pub type MaskId = usize;

/// The mask is contiguous, so "index ≥ first differing bit" proves a match.
pub const RNF_NORMAL: u8 = 1;
/// One of the three nodes of an empty tree; never returned, never deleted.
pub const RNF_ROOT: u8 = 2;
/// The node is in the tree.
pub const RNF_ACTIVE: u8 = 4;

/// The left end marker (key 0.0.0.0), the top node and the right end marker (255.255.255.255),
/// in BSD's `rnh_nodes` order.
pub const LEFT_END: NodeId = 0;
pub const TOP: NodeId = 1;
pub const RIGHT_END: NodeId = 2;

/// The first bit past the address: `sin_zero`, where only the right end marker has ones.
pub const SIN_ZERO_BIT: i32 = 32;

/// Bit `b` (0 = most significant) of a real key: the address, then `sin_zero`, all zeros.
#[inline]
pub fn key_bit(key: u32, b: i32) -> bool {
    b < SIN_ZERO_BIT && (key >> (31 - b)) & 1 == 1
}

/// The netmask of a prefix length 0..=32.
pub fn netmask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// The leaf `rn_bit` and normality of a mask /len, as `rn_addmask` computes them: -1 - index,
/// where the index is the first 0 bit. The all-zeros mask is BSD's mask-tree root: -1, not
/// normal.
pub fn mask_leaf_bit(len: u8) -> (i32, bool) {
    if len == 0 {
        (-1, false)
    } else {
        (-1 - i32::from(len), true)
    }
}

/// `rn_refines(a, b) || rn_lexobetter(a, b)` for contiguous masks: /a sorts before /b when it
/// is longer. (The two functions differ only for non-contiguous masks, which we do not have.)
pub fn refines(a: u8, b: u8) -> bool {
    a > b
}

/// One `struct radix_node`: an internal node when `bit >= 0`, else a leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RadixNode {
    /// Internal: the bit tested. Leaf: -1 - mask index (-1 for hosts and end markers).
    pub bit: i32,
    pub flags: u8,
    /// The parent in the tree; for a leaf behind the head of a dupedkey chain, the previous
    /// entry of the chain (BSD links chains both ways through `rn_parent`).
    pub parent: NodeId,
    pub left: NodeId,
    pub right: NodeId,
    /// Leaf: the destination.
    pub key: u32,
    /// Leaf: the prefix length, `None` for a host route or an end marker.
    pub mask: Option<u8>,
    pub dupedkey: Option<NodeId>,
    /// Internal: head of its `radix_mask` list. Leaf: the record that lifts it, if any.
    pub mklist: Option<MaskId>,
    /// Leaf: the `rtentry` it belongs to (`RNTORT`).
    pub route: Option<u32>,
}

impl RadixNode {
    fn leaf(key: u32) -> RadixNode {
        RadixNode {
            bit: -1,
            flags: RNF_ACTIVE,
            parent: TOP,
            left: 0,
            right: 0,
            key,
            mask: None,
            dupedkey: None,
            mklist: None,
            route: None,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.bit < 0
    }

    pub fn is_root(&self) -> bool {
        self.flags & RNF_ROOT != 0
    }

    pub fn is_normal(&self) -> bool {
        self.flags & RNF_NORMAL != 0
    }
}

/// The lookup's copy of a node's `rn_bit`, children, parent and mask list (see the module doc).
/// For a leaf `rn_bit` is negative and the children are unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RnHot {
    pub rn_bit: i32,
    pub rn_left: u32,
    pub rn_right: u32,
    pub rn_parent: u32,
    /// [`RnHot::NO_MASK`] for none.
    pub rn_mklist: u32,
}

impl RnHot {
    pub const NO_MASK: u32 = u32::MAX;

    pub(super) fn of(n: &RadixNode) -> RnHot {
        // u32 ids: a tree of more than 2^32 nodes would need 300+ GB of nodes first.
        RnHot {
            rn_bit: n.bit,
            rn_left: n.left as u32,
            rn_right: n.right as u32,
            rn_parent: n.parent as u32,
            rn_mklist: n.mklist.map_or(RnHot::NO_MASK, |m| m as u32),
        }
    }

    pub fn parent(self) -> NodeId {
        self.rn_parent as NodeId
    }

    pub fn mklist(self) -> Option<MaskId> {
        (self.rn_mklist != RnHot::NO_MASK).then_some(self.rn_mklist as MaskId)
    }

    /// The child `key` branches to (`rn_bmask & key` ? `rn_right` : `rn_left`).
    #[inline]
    pub fn child(self, key: u32) -> NodeId {
        if key_bit(key, self.rn_bit) {
            self.rn_right as NodeId
        } else {
            self.rn_left as NodeId
        }
    }
}

/// One `struct radix_mask`: a network route remembered on an ancestor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RadixMask {
    /// `rm_bit`: the route leaf's `rn_bit`. Lists are sorted by it, ascending (most specific
    /// first).
    pub bit: i32,
    pub flags: u8,
    /// Normal masks: the leaf, so a match can be returned at once.
    pub leaf: Option<NodeId>,
    /// Non-normal masks: the mask itself (a prefix length), for a masked search.
    pub mask: u8,
    /// Extra routes sharing this non-normal record (BSD `rm_refs`).
    pub refs: i32,
    pub next: Option<MaskId>,
}

/// One radix tree (`struct radix_node_head`), for one FIB.
#[derive(Clone, Debug)]
pub struct RadixTree {
    pub(super) nodes: Vec<RadixNode>,
    /// `hot[i]` is `RnHot::of(&nodes[i])`, for the descent.
    hot: Vec<RnHot>,
    free_nodes: Vec<NodeId>,
    pub(super) masks: Vec<RadixMask>,
    free_masks: Vec<MaskId>,
    /// What BSD would `log(LOG_ERR, ...)`; stays empty unless the tree is inconsistent.
    pub log: Vec<String>,
}

impl Default for RadixTree {
    fn default() -> Self {
        RadixTree::new()
    }
}

impl RadixTree {
    /// `rn_inithead`: the three root nodes.
    pub fn new() -> RadixTree {
        let marker = |key| RadixNode {
            flags: RNF_ROOT | RNF_ACTIVE,
            ..RadixNode::leaf(key)
        };
        let top = RadixNode {
            bit: 0,
            left: LEFT_END,
            right: RIGHT_END,
            ..marker(0)
        };
        let nodes = vec![marker(0), top, marker(u32::MAX)];
        RadixTree {
            hot: nodes.iter().map(RnHot::of).collect(),
            nodes,
            free_nodes: Vec::new(),
            masks: Vec::new(),
            free_masks: Vec::new(),
            log: Vec::new(),
        }
    }

    pub fn node(&self, id: NodeId) -> &RadixNode {
        &self.nodes[id]
    }

    pub fn mask_record(&self, id: MaskId) -> &RadixMask {
        &self.masks[id]
    }

    /// The descent's copy of node `id`'s `rn_bit` and children.
    #[inline]
    pub fn hot(&self, id: NodeId) -> RnHot {
        self.hot[id]
    }

    fn alloc_node(&mut self, n: RadixNode) -> NodeId {
        let h = RnHot::of(&n);
        match self.free_nodes.pop() {
            Some(id) => {
                self.nodes[id] = n;
                self.hot[id] = h;
                id
            }
            None => {
                self.nodes.push(n);
                self.hot.push(h);
                self.nodes.len() - 1
            }
        }
    }

    /// Sets a node's `rn_bit`, in the node and its hot copy.
    fn set_bit(&mut self, id: NodeId, bit: i32) {
        self.nodes[id].bit = bit;
        self.hot[id].rn_bit = bit;
    }

    /// Sets a node's `rn_parent`, in the node and its hot copy.
    pub(super) fn set_parent(&mut self, id: NodeId, parent: NodeId) {
        self.nodes[id].parent = parent;
        self.hot[id].rn_parent = parent as u32;
    }

    /// Sets a node's `rn_mklist`, in the node and its hot copy.
    pub(super) fn set_mklist(&mut self, id: NodeId, m: Option<MaskId>) {
        self.nodes[id].mklist = m;
        self.hot[id].rn_mklist = m.map_or(RnHot::NO_MASK, |m| m as u32);
    }

    /// Sets internal node `parent`'s right (or left) child, in the node and its hot copy.
    pub(super) fn set_child(&mut self, parent: NodeId, right: bool, child: NodeId) {
        if right {
            self.nodes[parent].right = child;
            self.hot[parent].rn_right = child as u32;
        } else {
            self.nodes[parent].left = child;
            self.hot[parent].rn_left = child as u32;
        }
    }

    pub(super) fn free_node(&mut self, id: NodeId) {
        self.nodes[id].flags = 0;
        self.nodes[id].route = None;
        self.free_nodes.push(id);
    }

    /// `rn_new_radix_mask(tt, next)`: a record for leaf `tt`, which then points at it.
    fn new_radix_mask(&mut self, tt: NodeId, next: Option<MaskId>) -> MaskId {
        let n = &self.nodes[tt];
        let m = RadixMask {
            bit: n.bit,
            flags: n.flags,
            leaf: n.is_normal().then_some(tt),
            mask: if n.is_normal() {
                0
            } else {
                n.mask.unwrap_or(0)
            },
            refs: 0,
            next,
        };
        let id = match self.free_masks.pop() {
            Some(id) => {
                self.masks[id] = m;
                id
            }
            None => {
                self.masks.push(m);
                self.masks.len() - 1
            }
        };
        self.set_mklist(tt, Some(id));
        id
    }

    pub(super) fn free_mask(&mut self, id: MaskId) {
        self.masks[id].leaf = None;
        self.masks[id].next = None;
        self.free_masks.push(id);
    }

    /// The child of internal node `x` that `key` branches to.
    pub fn child_toward(&self, x: NodeId, key: u32) -> NodeId {
        self.hot[x].child(key)
    }

    pub(super) fn replace_child(&mut self, parent: NodeId, old: NodeId, new: NodeId) {
        let right = self.nodes[parent].left != old;
        self.set_child(parent, right, new);
    }

    pub(super) fn sibling(&self, parent: NodeId, child: NodeId) -> NodeId {
        let p = &self.nodes[parent];
        if p.right == child {
            p.left
        } else {
            p.right
        }
    }

    /// `rn_search`: descend by the key's bits to a leaf (the head of a dupedkey chain).
    pub fn rn_search(&self, key: u32) -> NodeId {
        let mut x = TOP;
        loop {
            let h = self.hot[x];
            if h.rn_bit < 0 {
                return x;
            }
            x = h.child(key);
        }
    }

    /// The highest ancestor a mask of index `b` can be lifted to, starting from `t` (the
    /// parent of a chain head): climb while the next node up still tests a bit ≥ b.
    pub(super) fn lift_target(&self, mut t: NodeId, b: i32) -> NodeId {
        loop {
            let x = t;
            t = self.hot[t].parent();
            if !(b <= self.hot[t].rn_bit && x != TOP) {
                return x;
            }
        }
    }

    /// `rn_insert`: find where `key` goes; if no leaf has this key yet, splice in a new leaf
    /// with a new internal node testing the first bit where it differs from its neighbour.
    /// Returns the leaf and whether the key was already there (then nothing is allocated).
    fn rn_insert(&mut self, key: u32) -> (NodeId, bool) {
        let t = self.rn_search(key);
        if self.same_key(t, key) {
            return (t, true);
        }
        // The first differing bit; against the right end marker (only 255.255.255.255 gets
        // there with an equal address) it is the first bit of `sin_zero`.
        let diff = key ^ self.nodes[t].key;
        let b = if diff == 0 {
            SIN_ZERO_BIT
        } else {
            diff.leading_zeros() as i32
        };
        let mut x = TOP;
        let mut p;
        loop {
            p = x;
            x = self.child_toward(x, key);
            if self.nodes[x].is_leaf() || self.nodes[x].bit >= b {
                break;
            }
        }
        let tt = self.alloc_node(RadixNode::leaf(key));
        let t = self.alloc_node(RadixNode {
            bit: b,
            parent: p,
            ..RadixNode::leaf(0)
        });
        self.set_parent(tt, t);
        self.set_child(p, key_bit(key, self.nodes[p].bit), t);
        self.set_parent(x, t);
        let right = key_bit(key, b);
        self.set_child(t, right, tt);
        self.set_child(t, !right, x);
        (tt, false)
    }

    /// `rn_addroute`: enter `key` (with `mask`, or as a host route) for `route`. Returns the new
    /// leaf, or `None` if this exact key and mask are already there (the caller's EEXIST).
    pub fn rn_addroute(&mut self, key: u32, mask: Option<u8>, route: u32) -> Option<NodeId> {
        let key = key & netmask(mask.unwrap_or(32));
        let (b_leaf_mask, normal) = mask.map_or((0, false), mask_leaf_bit);
        let b = -1 - b_leaf_mask; // the mask index
        let (mut tt, dup) = self.rn_insert(key);
        let mut saved_tt = tt;
        if dup {
            // Find the place in the chain: before the first entry this one is more specific
            // than (a host route goes first).
            let mut t = tt;
            let mut cur = Some(tt);
            while let Some(c) = cur {
                let cn = &self.nodes[c];
                // Same mask: a duplicate. BSD's left end marker counts (its key is the zero
                // sockaddr, so a host route to 0.0.0.0 is refused). The right one is never
                // here: `rn_insert` splits 255.255.255.255 off it on a `sin_zero` bit.
                if cn.mask == mask {
                    return None;
                }
                let before = match (mask, cn.mask) {
                    (None, _) => true,
                    (Some(l), Some(cl)) => b_leaf_mask < cn.bit || refines(l, cl),
                    (Some(_), None) => false,
                };
                if before {
                    break;
                }
                t = c;
                cur = cn.dupedkey;
            }
            let new = self.alloc_node(RadixNode::leaf(key));
            if cur == Some(saved_tt) {
                // New head of the chain: it takes the old head's place in the tree.
                let x = self.nodes[saved_tt].parent;
                self.nodes[new].dupedkey = Some(saved_tt);
                self.set_parent(new, x);
                self.set_parent(saved_tt, new);
                self.replace_child(x, saved_tt, new);
                saved_tt = new;
            } else {
                let next = self.nodes[t].dupedkey;
                self.nodes[new].dupedkey = next;
                self.nodes[t].dupedkey = Some(new);
                self.set_parent(new, t);
                if let Some(n) = next {
                    self.set_parent(n, new);
                }
            }
            tt = new;
        }
        self.nodes[tt].route = Some(route);
        if mask.is_some() {
            self.nodes[tt].mask = mask;
            self.set_bit(tt, b_leaf_mask);
            if normal {
                self.nodes[tt].flags |= RNF_NORMAL;
            }
        }
        let mut t = self.nodes[saved_tt].parent;
        if !dup {
            self.promote_from_sibling(t, saved_tt);
        }
        // Add the new route's mask to the highest possible ancestor's list.
        let Some(len) = mask else {
            return Some(tt);
        };
        if b > self.nodes[t].bit {
            return Some(tt); // can't lift at all: the leaf's own chain covers it
        }
        let b_leaf = self.nodes[tt].bit;
        t = self.lift_target(t, b);
        let mut prev: Option<MaskId> = None;
        let mut m = self.nodes[t].mklist;
        while let Some(mi) = m {
            let mm = &self.masks[mi];
            if mm.bit < b_leaf {
                prev = m;
                m = mm.next;
                continue;
            }
            if mm.bit > b_leaf {
                break;
            }
            let mmask = if mm.flags & RNF_NORMAL != 0 {
                if normal {
                    self.log
                        .push("Non-unique normal route, mask not entered".into());
                    return Some(tt);
                }
                mm.leaf.and_then(|l| self.nodes[l].mask).unwrap_or(0)
            } else {
                mm.mask
            };
            if mmask == len {
                self.masks[mi].refs += 1;
                self.set_mklist(tt, Some(mi));
                return Some(tt);
            }
            if refines(len, mmask) {
                break;
            }
            prev = m;
            m = mm.next;
        }
        let new = self.new_radix_mask(tt, m);
        match prev {
            None => self.set_mklist(t, Some(new)),
            Some(p) => self.masks[p].next = Some(new),
        }
        Some(tt)
    }

    /// After splicing in internal node `t` above `leaf`: masks that now belong on `t` come up
    /// from the sibling (a leaf chain's unlifted masks, or the general tail of an internal
    /// node's list).
    fn promote_from_sibling(&mut self, t: NodeId, leaf: NodeId) {
        let b_leaf = -1 - self.nodes[t].bit;
        let x = self.sibling(t, leaf);
        if self.nodes[x].is_leaf() {
            let mut tail: Option<MaskId> = None;
            let mut c = Some(x);
            while let Some(xc) = c {
                let n = &self.nodes[xc];
                let next = n.dupedkey;
                if n.mask.is_some() && n.bit >= b_leaf && n.mklist.is_none() {
                    let m = self.new_radix_mask(xc, None);
                    match tail {
                        None => self.set_mklist(t, Some(m)),
                        Some(p) => self.masks[p].next = Some(m),
                    }
                    tail = Some(m);
                }
                c = next;
            }
        } else if let Some(first) = self.nodes[x].mklist {
            let mut prev: Option<MaskId> = None;
            let mut m = Some(first);
            while let Some(mi) = m {
                if self.masks[mi].bit >= b_leaf {
                    break;
                }
                prev = m;
                m = self.masks[mi].next;
            }
            self.set_mklist(t, m);
            match prev {
                None => self.set_mklist(x, None),
                Some(p) => self.masks[p].next = None,
            }
        }
    }

    /// Does leaf `n` hold `key`, compared as radix.c does from the address through `sin_zero`?
    /// The right end marker's `sin_zero` is all ones, so no real key equals it.
    pub fn same_key(&self, n: NodeId, key: u32) -> bool {
        n != RIGHT_END && self.nodes[n].key == key
    }

    /// Bit `b` of leaf `n`'s key as radix.c sees it (the right end marker is ones past the
    /// address).
    pub fn leaf_key_bit(&self, n: NodeId, b: i32) -> bool {
        if n == RIGHT_END {
            b >= SIN_ZERO_BIT || key_bit(self.nodes[n].key, b)
        } else {
            key_bit(self.nodes[n].key, b)
        }
    }

    /// `rn_lookup`: the leaf with exactly this key and mask (`None` = host route).
    pub fn rn_lookup(&self, key: u32, mask: Option<u8>) -> Option<NodeId> {
        let head = self.rn_search(key);
        if !self.same_key(head, key) {
            return None;
        }
        let mut c = Some(head);
        while let Some(ci) = c {
            let n = &self.nodes[ci];
            if n.mask == mask && !n.is_root() {
                return Some(ci);
            }
            c = n.dupedkey;
        }
        None
    }

    /// The leaves of one chain, head first.
    pub fn chain(&self, head: NodeId) -> Vec<NodeId> {
        let mut v = Vec::new();
        let mut c = Some(head);
        while let Some(ci) = c {
            v.push(ci);
            c = self.nodes[ci].dupedkey;
        }
        v
    }

    /// The `radix_mask` records of an internal node's list, in order.
    pub fn mask_list(&self, node: NodeId) -> Vec<MaskId> {
        self.masks_of(node).collect()
    }

    /// [`RadixTree::mask_list`] without collecting it (`rn_match` walks one per backtracking step).
    pub fn masks_of(&self, node: NodeId) -> impl Iterator<Item = MaskId> + '_ {
        let mut c = self.hot[node].mklist();
        std::iter::from_fn(move || {
            let ci = c?;
            c = self.masks[ci].next;
            Some(ci)
        })
    }

    /// `rn_walktree`: every route leaf from left to right, chains in order, markers skipped.
    pub fn walk(&self) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![TOP];
        while let Some(x) = stack.pop() {
            let n = &self.nodes[x];
            if n.is_leaf() {
                out.extend(
                    self.chain(x)
                        .into_iter()
                        .filter(|&l| !self.nodes[l].is_root()),
                );
            } else {
                stack.push(n.right);
                stack.push(n.left);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_indexes_follow_rn_addmask() {
        // (len, rn_bit, normal)
        let table = [
            (0, -1, false),
            (1, -2, true),
            (8, -9, true),
            (31, -32, true),
        ];
        for (len, bit, normal) in table {
            assert_eq!(mask_leaf_bit(len), (bit, normal), "/{len}");
        }
        assert_eq!(netmask(0), 0);
        assert_eq!(netmask(8), 0xff00_0000);
        assert_eq!(netmask(32), u32::MAX);
    }

    #[test]
    fn key_bits_count_from_the_top() {
        assert!(key_bit(0x8000_0000, 0));
        assert!(!key_bit(0x8000_0000, 1));
        assert!(key_bit(1, 31));
    }

    #[test]
    fn empty_tree_is_three_root_nodes() {
        let t = RadixTree::new();
        assert_eq!(t.node(TOP).bit, 0);
        assert_eq!(t.node(TOP).left, LEFT_END);
        assert_eq!(t.node(TOP).right, RIGHT_END);
        assert!(t.node(LEFT_END).is_root() && t.node(RIGHT_END).is_root());
        assert!(t.walk().is_empty());
    }

    #[test]
    fn exact_duplicate_is_refused_and_host_heads_the_chain() {
        let mut t = RadixTree::new();
        assert!(t.rn_addroute(0x0a00_0000, Some(8), 1).is_some());
        assert!(t.rn_addroute(0x0a00_0000, Some(8), 2).is_none());
        let h = t.rn_addroute(0x0a00_0000, None, 3).unwrap();
        assert_eq!(
            t.rn_search(0x0a00_0000),
            h,
            "the host route is the chain head"
        );
        assert_eq!(t.rn_delete(0x0a00_0000, None), Some(3));
        assert_eq!(t.rn_delete(0x0a00_0000, Some(8)), Some(1));
        assert!(t.walk().is_empty());
        assert_eq!(t.rn_delete(0x0a00_0000, None), None);
    }
}
