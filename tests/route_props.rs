#![cfg(not(target_arch = "wasm32"))]
//! The radix tree against a brute-force longest-prefix match, with random inserts (the same
//! key under several masks, host routes, the default route) and random deletes; after every
//! operation the tree must keep its invariants, and a tree that saw deletes must look exactly
//! like one built from the surviving routes alone.

use hardclock::kernel::route::radix::RadixTree;
use hardclock::kernel::route::LookupWalk;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The oracle: a plain map from (key, prefix length) to route id. Length 32 is a host route.
#[derive(Default)]
struct Oracle {
    routes: BTreeMap<(u32, u8), u32>,
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        !0u32 << (32 - len as u32)
    }
}

impl Oracle {
    /// The route `rn_delete(key, NULL)` removes: the most specific with exactly this key (a
    /// host route first), and none for key 0, whose chain the left end marker heads.
    fn chain_head(&self, key: u32) -> Option<(u32, u8)> {
        if key == 0 {
            return None;
        }
        self.routes
            .keys()
            .filter(|(k, _)| *k == key)
            .max_by_key(|(_, l)| *l)
            .copied()
    }

    /// Most specific route covering `v`, by scanning every route.
    fn best(&self, v: u32) -> Option<u32> {
        self.routes
            .iter()
            .filter(|((key, len), _)| v & mask(*len) == *key)
            .max_by_key(|((_, len), _)| *len)
            .map(|(_, id)| *id)
    }
}

fn tree_mask(len: u8) -> Option<u8> {
    if len == 32 {
        None
    } else {
        Some(len)
    }
}

fn matched(t: &RadixTree, v: u32) -> Option<u32> {
    let mut w = LookupWalk::default();
    t.rn_match(v, &mut w);
    w.route
}

/// The quiet `rn_match` must return the very leaf the recorded walk ends on, and that leaf's
/// route must be the brute-force answer.
fn quiet_agrees(t: &RadixTree, oracle: &Oracle, v: u32) -> Result<(), TestCaseError> {
    let mut w = LookupWalk::default();
    let loud = t.rn_match(v, &mut w);
    let quiet = t.rn_match_quiet(v);
    prop_assert_eq!(quiet, loud, "quiet leaf for {:#x}\n{}", v, t.shape());
    prop_assert_eq!(
        quiet.and_then(|n| t.node(n).route),
        oracle.best(v),
        "quiet lookup {:#x}",
        v
    );
    Ok(())
}

#[derive(Clone, Debug)]
enum Op {
    Add(u32, u8),
    /// Delete the n-th (mod count) live route, or, if there is none, a random prefix.
    Del(usize, u32, u8),
    /// `rn_delete(key, NULL)` of the n-th live route's key (or a random one): a NULL netmask
    /// takes the head of the key's dupedkey chain, whatever its mask (`rtrequest1_fib` with
    /// RTF_HOST, and NetBSD's NULL rt_timer action).
    DelKey(usize, u32),
}

/// Addresses from a small space (so keys collide and share bits) or anywhere.
fn addr() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => (0u32..4, 0u32..4, 0u32..4, 0u32..4)
            .prop_map(|(a, b, c, d)| (a << 30) | (b << 20) | (c << 9) | d),
        1 => any::<u32>(),
        1 => (0u32..3).prop_map(|x| x.wrapping_sub(1)), // 0xffffffff, 0, 1
    ]
}

fn len() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => 0u8..=32,
        1 => Just(0u8),
        2 => Just(32u8),
        2 => prop::sample::select(vec![1u8, 2, 8, 12, 16, 22, 24, 31]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (addr(), len()).prop_map(|(a, l)| Op::Add(a, l)),
        1 => (any::<usize>(), addr(), len()).prop_map(|(i, a, l)| Op::Del(i, a, l)),
        1 => (any::<usize>(), addr()).prop_map(|(i, a)| Op::DelKey(i, a)),
    ]
}

/// Lookup addresses: near the inserted keys (low bits varied) or anywhere.
fn probes(keys: &[u32], seeds: &[(usize, u32, u8)]) -> Vec<u32> {
    let mut out = Vec::new();
    for &(i, noise, shift) in seeds {
        if keys.is_empty() || i % 4 == 0 {
            out.push(noise);
        } else {
            let k = keys[i % keys.len()];
            out.push(k ^ (noise >> (shift % 33).min(31)));
            out.push(k);
        }
    }
    out
}

/// Applies the ops to a tree and the oracle, checking each step. Returns the tree.
fn run(
    ops: &[Op],
    oracle: &mut Oracle,
    every_op_invariants: bool,
) -> Result<RadixTree, TestCaseError> {
    let mut t = RadixTree::new();
    let mut next_id = 0u32;
    for op in ops {
        match *op {
            Op::Add(a, l) => {
                let key = a & mask(l);
                if key == 0 && l == 32 {
                    continue; // BSD refuses a host route to 0.0.0.0; tested elsewhere
                }
                let got = t.rn_addroute(key, tree_mask(l), next_id);
                let fresh = !oracle.routes.contains_key(&(key, l));
                prop_assert_eq!(got.is_some(), fresh, "add {:#x}/{}", key, l);
                if fresh {
                    oracle.routes.insert((key, l), next_id);
                    next_id += 1;
                }
            }
            Op::Del(i, a, l) => {
                let (key, l) = if oracle.routes.is_empty() {
                    (a & mask(l), l)
                } else {
                    *oracle.routes.keys().nth(i % oracle.routes.len()).unwrap()
                };
                let want = if l == 32 {
                    // A host key with no mask deletes the chain head.
                    oracle
                        .chain_head(key)
                        .and_then(|h| oracle.routes.remove(&h))
                } else {
                    oracle.routes.remove(&(key, l))
                };
                let got = t.rn_delete(key, tree_mask(l));
                prop_assert_eq!(got, want, "delete {:#x}/{}", key, l);
            }
            Op::DelKey(i, a) => {
                let key = if oracle.routes.is_empty() || i % 3 == 0 {
                    a
                } else {
                    oracle.routes.keys().nth(i % oracle.routes.len()).unwrap().0
                };
                let want = oracle
                    .chain_head(key)
                    .and_then(|h| oracle.routes.remove(&h));
                let got = t.rn_delete(key, None);
                prop_assert_eq!(got, want, "delete key {:#x} with a NULL netmask", key);
            }
        }
        if every_op_invariants {
            if let Err(e) = t.check_invariants() {
                return Err(TestCaseError::fail(format!(
                    "after {op:?}: {e}\n{}",
                    t.shape()
                )));
            }
        }
    }
    Ok(t)
}

/// The same routes inserted fresh, in key order.
fn rebuilt(oracle: &Oracle) -> RadixTree {
    let mut t = RadixTree::new();
    for (&(key, l), &id) in &oracle.routes {
        t.rn_addroute(key, tree_mask(l), id).expect("fresh insert");
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn small_tables_match_brute_force(
        ops in prop::collection::vec(op(), 0..60),
        seeds in prop::collection::vec((any::<usize>(), addr(), 0u8..40), 0..40),
    ) {
        let mut oracle = Oracle::default();
        let t = run(&ops, &mut oracle, true)?;
        let keys: Vec<u32> = oracle.routes.keys().map(|k| k.0).collect();
        for v in probes(&keys, &seeds) {
            prop_assert_eq!(matched(&t, v), oracle.best(v), "lookup {:#x}\n{}", v, t.shape());
            quiet_agrees(&t, &oracle, v)?;
        }
        // Deletes leave no trace: the tree is the one the survivors alone would build.
        prop_assert_eq!(t.shape(), rebuilt(&oracle).shape());
        // And the walk lists the same routes as the oracle, in tree order.
        prop_assert_eq!(t.walk().len(), oracle.routes.len());
    }

    #[test]
    fn insert_then_delete_restores_the_shape(
        base in prop::collection::vec((addr(), len()), 0..40),
        extra in prop::collection::vec((addr(), len()), 1..20),
    ) {
        let mut oracle = Oracle::default();
        let base_ops: Vec<Op> = base.iter().map(|&(a, l)| Op::Add(a, l)).collect();
        let mut t = run(&base_ops, &mut oracle, false)?;
        let before = t.shape();
        let mut added = Vec::new();
        for (i, &(a, l)) in extra.iter().enumerate() {
            let key = a & mask(l);
            if key == 0 && l == 32 {
                continue;
            }
            if t.rn_addroute(key, tree_mask(l), 10_000 + i as u32).is_some() {
                added.push((key, l));
            }
        }
        // Delete the extras in the reverse order... or any order: the shape is canonical.
        added.reverse();
        let third = added.len() / 3;
        added.rotate_left(third);
        for (key, l) in added {
            prop_assert!(t.rn_delete(key, tree_mask(l)).is_some());
            t.check_invariants().map_err(TestCaseError::fail)?;
        }
        prop_assert_eq!(t.shape(), before);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Thousands of prefixes per table.
    #[test]
    fn large_tables_match_brute_force(
        ops in prop::collection::vec(
            prop_oneof![
                6 => (any::<u32>(), len()).prop_map(|(a, l)| Op::Add(a, l)),
                3 => (addr(), len()).prop_map(|(a, l)| Op::Add(a, l)),
                1 => (any::<usize>(), addr(), len()).prop_map(|(i, a, l)| Op::Del(i, a, l)),
            ],
            2000..3000,
        ),
        seeds in prop::collection::vec((any::<usize>(), any::<u32>(), 0u8..40), 1500),
    ) {
        let mut oracle = Oracle::default();
        let t = run(&ops, &mut oracle, false)?;
        t.check_invariants().map_err(TestCaseError::fail)?;
        prop_assert!(oracle.routes.len() > 1000);
        let keys: Vec<u32> = oracle.routes.keys().map(|k| k.0).collect();
        for v in probes(&keys, &seeds) {
            prop_assert_eq!(matched(&t, v), oracle.best(v), "lookup {:#x}", v);
            quiet_agrees(&t, &oracle, v)?;
        }
        prop_assert_eq!(t.shape(), rebuilt(&oracle).shape());
    }
}
