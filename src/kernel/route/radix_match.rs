//! `rn_match`: longest-prefix match in the BSD radix tree, recording every step it takes.
//!
//! 1. Descend from the top, testing one bit of the key at each internal node, to a leaf.
//! 2. Compare the key with that leaf over the bytes its mask covers (all 4 for a host route).
//!    Equal: the leaf is the answer (an end marker answers with its dupedkey: the default route
//!    for 0.0.0.0, or nothing).
//! 3. Otherwise note `b`, the first bit where they differ. A network route whose mask index is
//!    at least `b` covers the key, so walk the leaf's dupedkey chain for one (skipping a host
//!    route at its head).
//! 4. Otherwise climb back up; at each ancestor try its `radix_mask` list in order, most specific
//!    first. A normal mask matches when its index is at least `b`; a non-normal one (only the
//!    default route here) is checked by a masked search down from that ancestor.
//! 5. Past the top: no route.
//!
//! The walk is recorded for the UI, but most lookups (the ones inside ICMP handling, or any
//! lookup of an unrecorded run) only want the answer. Both run the same code, generic over a
//! [`StepSink`]: a `Vec<WalkStep>` keeps every step, [`Quiet`] drops them, and since each step
//! is built in a closure the quiet sink never calls, the compiler removes the recording there.

use super::radix::{key_bit, netmask, NodeId, RadixTree, RIGHT_END, TOP};
use crate::kernel::value::fmt_addr;

/// One thing `rn_match` did, for the UI to animate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkStep {
    /// Descent: internal `node` tested `bit` of the key and went right (1) or left (0).
    Test { node: NodeId, bit: u8, right: bool },
    /// The leaf reached: the key was compared over `bytes` bytes; `diff_bit` is the first bit
    /// that differs (32: past the address, against the right end marker), `None` for an exact
    /// match.
    Compare {
        node: NodeId,
        key: u32,
        mask: Option<u8>,
        bytes: u8,
        diff_bit: Option<u8>,
    },
    /// The exact match was an end marker, so its dupedkey (maybe nothing) is the answer.
    RootMarker { node: NodeId },
    /// A dupedkey chain entry was tried.
    Duped {
        node: NodeId,
        key: u32,
        mask: Option<u8>,
        normal: bool,
        matched: bool,
    },
    /// Backtracking: moved up to internal `node`.
    Up { node: NodeId, bit: u8 },
    /// A normal `radix_mask` on `node` was tested: matches when `mask_len >= diff_bit`.
    MaskTest {
        node: NodeId,
        mask_len: u8,
        leaf: Option<NodeId>,
        matched: bool,
    },
    /// A non-normal `radix_mask` on `node`: masked search from there reached leaf `reached`;
    /// `found` is the chain entry with that mask, `matched` whether it covers the key.
    MaskedSearch {
        node: NodeId,
        mask_len: u8,
        reached: NodeId,
        found: Option<NodeId>,
        matched: bool,
    },
}

/// Everything one lookup did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupWalk {
    pub dst: u32,
    pub fib: u32,
    pub steps: Vec<WalkStep>,
    /// The leaf returned.
    pub node: Option<NodeId>,
    /// Its `rtentry`.
    pub route: Option<u32>,
}

/// The counters of one lookup, as the trace's `lookup` record gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkCounts {
    /// Internal nodes whose bit the descent tested.
    pub bits_tested: u32,
    /// Levels climbed back up (`rn_parent` steps of the backtrack).
    pub backtracks: u32,
    /// `radix_mask` records tried on the way up (index tests and masked searches).
    pub masks_tested: u32,
    /// Dupedkey chain entries tried at the leaf.
    pub dupedkeys: u32,
}

impl LookupWalk {
    /// The walk's counters.
    pub fn counts(&self) -> WalkCounts {
        let mut c = WalkCounts::default();
        for s in &self.steps {
            match s {
                WalkStep::Test { .. } => c.bits_tested += 1,
                WalkStep::Up { .. } => c.backtracks += 1,
                WalkStep::MaskTest { .. } | WalkStep::MaskedSearch { .. } => c.masks_tested += 1,
                WalkStep::Duped { .. } => c.dupedkeys += 1,
                _ => {}
            }
        }
        c
    }

    /// A one-line account: "5 bits tested, leaf 10.1.0.0/16 differs at bit 12, 1 dupedkey
    /// tried, backtracked 2 levels (3 masks tested)".
    pub fn summary(&self) -> String {
        let WalkCounts {
            bits_tested: tests,
            backtracks: ups,
            masks_tested: masks,
            dupedkeys: dups,
        } = self.counts();
        let mut parts = Vec::new();
        parts.push(format!("{tests} bits tested"));
        for s in &self.steps {
            match s {
                WalkStep::Compare {
                    key,
                    mask,
                    diff_bit,
                    ..
                } => {
                    let leaf = match mask {
                        Some(l) => format!("{}/{l}", fmt_addr(*key)),
                        None => fmt_addr(*key),
                    };
                    parts.push(match diff_bit {
                        Some(b) => format!("leaf {leaf} differs at bit {b}"),
                        None => format!("leaf {leaf} matches"),
                    });
                }
                WalkStep::RootMarker { .. } => {
                    parts.push("that is the end marker, so its dupedkey answers".into())
                }
                _ => {}
            }
        }
        if dups > 0 {
            parts.push(format!(
                "{dups} dupedkey{} tried",
                if dups == 1 { "" } else { "s" }
            ));
        }
        if ups > 0 {
            parts.push(format!(
                "backtracked {ups} level{} ({masks} mask{} tested)",
                if ups == 1 { "" } else { "s" },
                if masks == 1 { "" } else { "s" }
            ));
        }
        parts.join(", ")
    }
}

/// `rn_satisfies_leaf`: does the leaf's key, under its mask, cover `v`?
fn satisfies_leaf(t: &RadixTree, v: u32, leaf: NodeId) -> bool {
    let n = t.node(leaf);
    (v ^ n.key) & netmask(n.mask.unwrap_or(32)) == 0
}

/// The bytes-covered mask for the exact-match compare: BSD compares up to the length of the
/// leaf's mask (a class A net compares one byte), or the whole address for a host.
fn compare_mask(bytes: u8) -> u32 {
    if bytes == 0 {
        0
    } else {
        u32::MAX << (32 - 8 * u32::from(bytes))
    }
}

impl RadixTree {
    /// `rn_search_m`: descend from `from`, going right only where both the mask and the key
    /// have a 1 bit.
    fn rn_search_m(&self, v: u32, from: NodeId, mask_len: u8) -> NodeId {
        // Going right needs the bit in both, which is the bit of `v & m`.
        let vm = v & netmask(mask_len);
        let mut x = from;
        loop {
            let h = self.hot(x);
            if h.rn_bit < 0 {
                return x;
            }
            x = h.child(vm);
        }
    }

    /// `rn_match`: the most specific route covering `v` (a leaf), recording the walk.
    pub fn rn_match(&self, v: u32, walk: &mut LookupWalk) -> Option<NodeId> {
        let r = self.rn_match_with(v, &mut walk.steps);
        walk.node = r;
        walk.route = r.and_then(|n| self.node(n).route);
        r
    }

    /// `rn_match` for a lookup nobody watches: the same leaf, no steps recorded.
    pub fn rn_match_quiet(&self, v: u32) -> Option<NodeId> {
        self.rn_match_with(v, &mut Quiet)
    }

    /// The one `rn_match`, telling `steps` what it does. Each step is built in a closure the
    /// sink may never call, so the [`Quiet`] instantiation compiles to the bare algorithm.
    pub fn rn_match_with<S: StepSink>(&self, v: u32, steps: &mut S) -> Option<NodeId> {
        // The descent reads only the 20-byte hot copies (see `radix`'s module doc).
        let mut t = TOP;
        loop {
            let h = self.hot(t);
            if h.rn_bit < 0 {
                break;
            }
            let right = key_bit(v, h.rn_bit);
            steps.step(|| WalkStep::Test {
                node: t,
                bit: h.rn_bit as u8,
                right,
            });
            t = if right { h.rn_right } else { h.rn_left } as NodeId;
        }
        let leaf = self.node(t);
        let bytes = leaf.mask.map_or(4, |l| l.div_ceil(8));
        let diff = (v ^ leaf.key) & compare_mask(bytes);
        let diff_bit = if diff != 0 {
            Some(diff.leading_zeros() as u8)
        } else if t == RIGHT_END {
            // BSD's right end marker is all ones through `sin_zero`, which a real address
            // never is: 255.255.255.255 differs from it just past the address.
            Some(32)
        } else {
            None
        };
        steps.step(|| WalkStep::Compare {
            node: t,
            key: leaf.key,
            mask: leaf.mask,
            bytes,
            diff_bit,
        });
        let Some(b) = diff_bit else {
            if leaf.is_root() {
                steps.step(|| WalkStep::RootMarker { node: t });
                return leaf.dupedkey;
            }
            return Some(t);
        };
        let rn_bit = -1 - i32::from(b);
        // A host route at the head of the chain cannot match a different key.
        let mut c = if leaf.mask.is_none() {
            leaf.dupedkey
        } else {
            Some(t)
        };
        while let Some(ci) = c {
            let n = self.node(ci);
            let matched = if n.is_normal() {
                rn_bit <= n.bit
            } else {
                satisfies_leaf(self, v, ci)
            };
            steps.step(|| WalkStep::Duped {
                node: ci,
                key: n.key,
                mask: n.mask,
                normal: n.is_normal(),
                matched,
            });
            if matched {
                return Some(ci);
            }
            c = n.dupedkey;
        }
        loop {
            // The climb revisits the descent's hot copies, which are still in cache.
            t = self.hot(t).parent();
            steps.step(|| WalkStep::Up {
                node: t,
                bit: self.hot(t).rn_bit as u8,
            });
            for mi in self.masks_of(t) {
                let m = self.mask_record(mi);
                if let Some(leaf) = m.leaf {
                    let matched = rn_bit <= m.bit;
                    steps.step(|| WalkStep::MaskTest {
                        node: t,
                        mask_len: (-1 - m.bit) as u8,
                        leaf: Some(leaf),
                        matched,
                    });
                    if matched {
                        return Some(leaf);
                    }
                } else {
                    let reached = self.rn_search_m(v, t, m.mask);
                    let mut x = Some(reached);
                    while let Some(xi) = x {
                        if self.node(xi).mask == Some(m.mask) {
                            break;
                        }
                        x = self.node(xi).dupedkey;
                    }
                    let matched = x.is_some_and(|xi| satisfies_leaf(self, v, xi));
                    steps.step(|| WalkStep::MaskedSearch {
                        node: t,
                        mask_len: m.mask,
                        reached,
                        found: x,
                        matched,
                    });
                    if matched {
                        return x;
                    }
                }
            }
            if t == TOP {
                return None;
            }
        }
    }
}

/// Where `rn_match` reports its steps: the walk's step list, or nowhere.
pub trait StepSink {
    /// One step; `make` builds it only if the sink keeps it.
    fn step(&mut self, make: impl FnOnce() -> WalkStep);
}

impl StepSink for Vec<WalkStep> {
    fn step(&mut self, make: impl FnOnce() -> WalkStep) {
        self.push(make());
    }
}

/// The sink of a lookup nobody shows.
pub struct Quiet;

impl StepSink for Quiet {
    #[inline(always)]
    fn step(&mut self, _make: impl FnOnce() -> WalkStep) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lpm(t: &RadixTree, v: u32) -> Option<u32> {
        let mut w = LookupWalk::default();
        t.rn_match(v, &mut w);
        w.route
    }

    #[test]
    fn default_route_is_found_from_both_sides() {
        let mut t = RadixTree::new();
        assert_eq!(lpm(&t, 0x0a01_0203), None);
        t.rn_addroute(0, Some(0), 7).unwrap();
        t.rn_addroute(0x0a00_0000, Some(8), 8).unwrap();
        // 0.0.0.0 hits the left end marker exactly: its dupedkey is the default.
        assert_eq!(lpm(&t, 0), Some(7));
        assert_eq!(lpm(&t, 0xc0a8_0101), Some(7));
        assert_eq!(lpm(&t, 0x0a01_0203), Some(8));
        assert_eq!(lpm(&t, 0x0b00_0001), Some(7));
    }

    #[test]
    fn quiet_match_returns_the_recorded_leaf() {
        let mut t = RadixTree::new();
        t.rn_addroute(0, Some(0), 1).unwrap();
        t.rn_addroute(0x0a00_0000, Some(8), 2).unwrap();
        t.rn_addroute(0x0a01_0000, Some(16), 3).unwrap();
        t.rn_addroute(0x0a01_0203, None, 4).unwrap();
        for v in [
            0,
            0x0a01_0203,
            0x0a01_0204,
            0x0a03_0001,
            0x0b00_0001,
            u32::MAX,
        ] {
            let mut w = LookupWalk::default();
            let loud = t.rn_match(v, &mut w);
            assert!(!w.steps.is_empty());
            assert_eq!(t.rn_match_quiet(v), loud, "{v:#x}");
        }
    }

    #[test]
    fn walk_records_the_backtrack() {
        let mut t = RadixTree::new();
        t.rn_addroute(0x0a00_0000, Some(8), 1).unwrap();
        t.rn_addroute(0x0a01_0000, Some(16), 2).unwrap();
        let mut w = LookupWalk::default();
        // The keys differ first at bit 15, so a node testing bit 15 splits them, and /8 (index
        // 8 <= 15) was promoted onto it when /16 arrived. 10.3.0.1 has bit 15 set: it descends
        // to 10.1.0.0/16, differs at bit 14 < 16, and finds /8 on the way back up.
        assert!(t.rn_match(0x0a03_0001, &mut w).is_some());
        assert_eq!(w.route, Some(1));
        assert!(w.steps.iter().any(|s| matches!(s, WalkStep::Up { .. })));
        assert!(w.steps.iter().any(|s| matches!(
            s,
            WalkStep::MaskTest {
                mask_len: 8,
                matched: true,
                ..
            }
        )));
        assert!(w.summary().contains("backtracked"), "{}", w.summary());
    }
}
