//! Reading the radix tree: a drawable view for the UI, a canonical text form for tests, and the
//! invariants `rn_addroute`/`rn_delete` must keep.

use super::radix::{MaskId, NodeId, RadixTree, RNF_NORMAL, TOP};
use crate::kernel::value::fmt_addr;

/// One `radix_mask` as drawn on its node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskView {
    /// The prefix length of the route it stands for.
    pub mask_len: u8,
    pub normal: bool,
    /// Normal masks: the route leaf.
    pub leaf: Option<NodeId>,
    pub refs: i32,
}

/// One entry of a dupedkey chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafView {
    pub id: NodeId,
    pub key: u32,
    pub mask: Option<u8>,
    /// `rn_bit`: -1 - mask index.
    pub bit: i32,
    pub root: bool,
    pub normal: bool,
    pub route: Option<u32>,
}

/// A node reachable from the top, for drawing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeView {
    Internal {
        id: NodeId,
        bit: u8,
        left: NodeId,
        right: NodeId,
        masks: Vec<MaskView>,
    },
    /// A leaf position: the chain, head first (`id` is the head).
    Leaf { id: NodeId, chain: Vec<LeafView> },
}

impl RadixTree {
    fn mask_view(&self, m: MaskId) -> MaskView {
        let r = self.mask_record(m);
        MaskView {
            mask_len: (-1 - r.bit).max(0) as u8,
            normal: r.flags & RNF_NORMAL != 0,
            leaf: r.leaf,
            refs: r.refs,
        }
    }

    /// Every node from the top, preorder (left before right).
    pub fn view(&self) -> Vec<NodeView> {
        let mut out = Vec::new();
        let mut stack = vec![TOP];
        while let Some(x) = stack.pop() {
            let n = self.node(x);
            if n.is_leaf() {
                let chain = self
                    .chain(x)
                    .into_iter()
                    .map(|l| {
                        let ln = self.node(l);
                        LeafView {
                            id: l,
                            key: ln.key,
                            mask: ln.mask,
                            bit: ln.bit,
                            root: ln.is_root(),
                            normal: ln.is_normal(),
                            route: ln.route,
                        }
                    })
                    .collect();
                out.push(NodeView::Leaf { id: x, chain });
            } else {
                out.push(NodeView::Internal {
                    id: x,
                    bit: n.bit as u8,
                    left: n.left,
                    right: n.right,
                    masks: self
                        .mask_list(x)
                        .into_iter()
                        .map(|m| self.mask_view(m))
                        .collect(),
                });
                stack.push(n.right);
                stack.push(n.left);
            }
        }
        out
    }

    /// The tree as text, independent of arena slots: `(b4 [/8] L R)` for an internal node
    /// testing bit 4 with /8's mask on its list, `{10.0.0.0/16 10.0.0.0/8}` for a chain,
    /// `*` marking end markers and `~` a non-normal entry.
    pub fn shape(&self) -> String {
        let mut s = String::new();
        self.shape_into(TOP, &mut s);
        s
    }

    fn leaf_text(&self, l: NodeId) -> String {
        let n = self.node(l);
        let mut t = match n.mask {
            Some(m) => format!("{}/{m}", fmt_addr(n.key)),
            None => fmt_addr(n.key),
        };
        if n.is_root() {
            t.push('*');
        }
        if n.mask.is_some() && !n.is_normal() {
            t.push('~');
        }
        t
    }

    fn shape_into(&self, x: NodeId, s: &mut String) {
        let n = self.node(x);
        if n.is_leaf() {
            let parts: Vec<String> = self.chain(x).iter().map(|&l| self.leaf_text(l)).collect();
            s.push('{');
            s.push_str(&parts.join(" "));
            s.push('}');
            return;
        }
        let masks: Vec<String> = self
            .mask_list(x)
            .iter()
            .map(|&m| {
                let r = self.mask_record(m);
                match r.leaf {
                    Some(l) => self.leaf_text(l),
                    None => format!("/{}~x{}", r.mask, r.refs + 1),
                }
            })
            .collect();
        s.push_str(&format!("(b{} [{}] ", n.bit, masks.join(" ")));
        self.shape_into(n.left, s);
        s.push(' ');
        self.shape_into(n.right, s);
        s.push(')');
    }

    /// Checks the structure `rn_addroute`/`rn_delete` maintain; the first violation found.
    ///
    /// * Parent links agree with child and chain links.
    /// * Bit indexes strictly increase downwards, and every key below a node's left (right)
    ///   child has that node's bit clear (set); the markers sit at the extremes.
    /// * Chains share one key, hold no duplicate mask, and are sorted: host first, then longer
    ///   prefixes first; every masked key is already masked.
    /// * Each network route whose mask index is at most its chain's parent bit has exactly one
    ///   `radix_mask`, on the highest ancestor testing a bit ≥ that index, and no other route
    ///   has one; each list is sorted by `rm_bit`.
    /// * Every reachable node's [`super::radix::RnHot`] copy agrees with it.
    /// * BSD would have logged nothing.
    pub fn check_invariants(&self) -> Result<(), String> {
        if let Some(l) = self.log.first() {
            return Err(format!("radix.c would log: {l}"));
        }
        // Path of (node, went_right) from the top, for the key constraints.
        let mut stack: Vec<(NodeId, Vec<(NodeId, bool)>)> = vec![(TOP, Vec::new())];
        let mut seen_masks: Vec<MaskId> = Vec::new();
        let mut leaves = 0usize;
        while let Some((x, path)) = stack.pop() {
            let n = self.node(x);
            if self.hot(x) != super::radix::RnHot::of(n) {
                return Err(format!("node {x}'s hot copy {:?} disagrees", self.hot(x)));
            }
            if let Some(&(p, _)) = path.last() {
                if n.parent != p {
                    return Err(format!("node {x} has parent {} not {p}", n.parent));
                }
                if !n.is_leaf() && n.bit <= self.node(p).bit {
                    return Err(format!(
                        "node {x} tests bit {} under bit {}",
                        n.bit,
                        self.node(p).bit
                    ));
                }
            }
            if !n.is_leaf() {
                let mut last_bit = i32::MIN;
                for m in self.mask_list(x) {
                    let r = self.mask_record(m);
                    if r.bit < last_bit {
                        return Err(format!("mask list of node {x} is not sorted"));
                    }
                    last_bit = r.bit;
                    seen_masks.push(m);
                }
                for (child, right) in [(n.left, false), (n.right, true)] {
                    let mut p2 = path.clone();
                    p2.push((x, right));
                    stack.push((child, p2));
                }
                continue;
            }
            let chain = self.chain(x);
            for (i, &l) in chain.iter().enumerate() {
                leaves += 1;
                let ln = self.node(l);
                if self.hot(l) != super::radix::RnHot::of(ln) {
                    return Err(format!("leaf {l}'s hot copy {:?} disagrees", self.hot(l)));
                }
                if i > 0 && ln.parent != chain[i - 1] {
                    return Err(format!(
                        "chain entry {l} has parent {} not {}",
                        ln.parent,
                        chain[i - 1]
                    ));
                }
                if ln.key != n.key {
                    return Err(format!(
                        "chain of {} holds key {}",
                        fmt_addr(n.key),
                        fmt_addr(ln.key)
                    ));
                }
                if let Some(m) = ln.mask {
                    if ln.key & super::radix::netmask(m) != ln.key {
                        return Err(format!("key {} not masked by /{m}", fmt_addr(ln.key)));
                    }
                }
                for &(a, right) in &path {
                    if self.leaf_key_bit(l, self.node(a).bit) != right {
                        return Err(format!(
                            "key {} on the wrong side of node {a} (bit {})",
                            fmt_addr(ln.key),
                            self.node(a).bit
                        ));
                    }
                }
                if i + 1 < chain.len() {
                    let next = self.node(chain[i + 1]);
                    let rank = |m: Option<u8>, root: bool| match (m, root) {
                        (None, false) => 100, // host routes first
                        (None, true) => 99,   // then the marker (nothing else has no mask)
                        (Some(l), _) => i32::from(l),
                    };
                    if rank(ln.mask, ln.is_root()) <= rank(next.mask, next.is_root()) {
                        return Err(format!("chain of {} is not sorted", fmt_addr(n.key)));
                    }
                }
                // Where should this route's mask hang?
                let head_parent = self.node(x).parent;
                let want = match ln.mask {
                    Some(len) if i32::from(len) <= self.node(head_parent).bit => {
                        let mut t = head_parent;
                        let mut holder;
                        loop {
                            holder = t;
                            t = self.node(t).parent;
                            if !(i32::from(len) <= self.node(t).bit && holder != TOP) {
                                break;
                            }
                        }
                        Some(holder)
                    }
                    _ => None,
                };
                match (want, ln.mklist) {
                    (None, None) => {}
                    (Some(h), Some(m)) => {
                        if !self.mask_list(h).contains(&m) {
                            return Err(format!(
                                "mask of {} is not on node {h}",
                                self.leaf_text(l)
                            ));
                        }
                        let r = self.mask_record(m);
                        if ln.is_normal() && r.leaf != Some(l) {
                            return Err(format!(
                                "mask record of {} points elsewhere",
                                self.leaf_text(l)
                            ));
                        }
                    }
                    (w, m) => {
                        return Err(format!(
                            "{}: mask expected on {w:?}, found record {m:?}",
                            self.leaf_text(l)
                        ))
                    }
                }
            }
        }
        // Every record on a list belongs to a live leaf.
        for m in &seen_masks {
            let r = self.mask_record(*m);
            if let Some(l) = r.leaf {
                if self.node(l).mklist != Some(*m) || self.node(l).flags == 0 {
                    return Err(format!("stale mask record {m}"));
                }
            }
        }
        let mut sorted = seen_masks.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != seen_masks.len() {
            return Err("a mask record is on two lists".into());
        }
        if leaves < 2 {
            return Err("an end marker is missing".into());
        }
        Ok(())
    }
}
