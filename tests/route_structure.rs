#![cfg(not(target_arch = "wasm32"))]
//! The radix tree after a known insertion sequence, worked out by hand from `rn_insert` and
//! `rn_addroute`, and the walks `rn_match` takes through it.
//!
//! Shape notation (`RadixTree::shape`): `(bN [masks] LEFT RIGHT)` is an internal node testing
//! bit N with its radix_mask list; `{...}` is a dupedkey chain, head first; `*` an end marker;
//! `~` the (non-normal) default route, whose mask record reads `/0~x1`.

use hardclock::kernel::route::radix::RadixTree;
use hardclock::kernel::route::radix_view::NodeView;
use hardclock::kernel::route::{LookupWalk, WalkStep};

const A10_8: u32 = 0x0a00_0000;
const A10_1: u32 = 0x0a01_0000;
const A10_128: u32 = 0x0a80_0000;
const H10_1_2_3: u32 = 0x0a01_0203;

/// Builds the sequence step by step, checking the shape after each step.
fn build() -> RadixTree {
    let mut t = RadixTree::new();
    // 1. 10.0.0.0/8: search ends at the left marker (bit 0 of 10 is 0); 10 = 00001010 first
    //    differs from 0 at bit 4, so a node testing bit 4 goes under top.left, 10/8 on its
    //    right (bit 4 set). Index 8 > 4: the mask is not lifted.
    t.rn_addroute(A10_8, Some(8), 1).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [] (b4 [] {0.0.0.0*} {10.0.0.0/8}) {255.255.255.255*})"
    );
    // 2. 10.1.0.0/16: search reaches 10/8 (bit 4 set); 0x0a01 vs 0x0a00 differ first at bit
    //    15, so node b15 replaces 10/8 under b4, with 10/8 left and 10.1/16 right. The sibling
    //    10/8 (index 8 <= 15, not yet lifted) is promoted onto b15's list. /16: 16 > 15, not
    //    lifted.
    t.rn_addroute(A10_1, Some(16), 2).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [] (b4 [] {0.0.0.0*} (b15 [10.0.0.0/8] {10.0.0.0/8} {10.1.0.0/16})) {255.255.255.255*})"
    );
    // 3. 10.0.0.0/16: same key as 10/8. rn_bit -17 < -9, so it goes before 10/8, as the new
    //    head of the chain (taking its place under b15). Index 16 > 15: not lifted.
    t.rn_addroute(A10_8, Some(16), 3).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [] (b4 [] {0.0.0.0*} (b15 [10.0.0.0/8] {10.0.0.0/16 10.0.0.0/8} {10.1.0.0/16})) {255.255.255.255*})"
    );
    // 4. default 0/0: key 0 is the left marker's, so it chains behind the marker (a marker
    //    has no mask and is never passed over by a masked entry). Its mask is BSD's mask-tree
    //    root: rn_bit -1, not normal, index 0 <= every bit, so it is lifted all the way to top.
    t.rn_addroute(0, Some(0), 4).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [/0~x1] (b4 [] {0.0.0.0* 0.0.0.0/0~} (b15 [10.0.0.0/8] {10.0.0.0/16 10.0.0.0/8} {10.1.0.0/16})) {255.255.255.255*})"
    );
    // 5. host 10.1.2.3: search b0 L, b4 R, b15 R reaches 10.1/16; 0x0203 differs from 0 first
    //    at bit 22 (0x200), so b22 goes between b15 and 10.1/16, the host on its right. The
    //    sibling 10.1/16 (index 16 <= 22) is promoted onto b22. A host has no mask to lift.
    t.rn_addroute(H10_1_2_3, None, 5).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [/0~x1] (b4 [] {0.0.0.0* 0.0.0.0/0~} (b15 [10.0.0.0/8] {10.0.0.0/16 10.0.0.0/8} (b22 [10.1.0.0/16] {10.1.0.0/16} {10.1.2.3}))) {255.255.255.255*})"
    );
    // 6. 10.128.0.0/9: search b0 L, b4 R, b15 (bit 15 of 0x80 is 0) L reaches 10.0.0.0/16;
    //    they differ first at bit 8, so b8 is spliced between b4 and b15 (15 >= 8), 10.128/9
    //    on its right. From b15's list, masks with rm_bit >= -1-8 = -9 move up: 10/8 (rm_bit
    //    -9) now hangs on b8. /9: 9 > 8, not lifted.
    t.rn_addroute(A10_128, Some(9), 6).unwrap();
    assert_eq!(t.shape(), SHAPE6);
    t.check_invariants().unwrap();
    t
}

const SHAPE6: &str = "(b0 [/0~x1] (b4 [] {0.0.0.0* 0.0.0.0/0~} (b8 [10.0.0.0/8] (b15 [] {10.0.0.0/16 10.0.0.0/8} (b22 [10.1.0.0/16] {10.1.0.0/16} {10.1.2.3})) {10.128.0.0/9})) {255.255.255.255*})";

fn walk(t: &RadixTree, v: u32) -> LookupWalk {
    let mut w = LookupWalk {
        dst: v,
        ..LookupWalk::default()
    };
    t.rn_match(v, &mut w);
    w
}

/// The descent as (bit, went right) pairs.
fn descent(w: &LookupWalk) -> Vec<(u8, bool)> {
    w.steps
        .iter()
        .filter_map(|s| match s {
            WalkStep::Test { bit, right, .. } => Some((*bit, *right)),
            _ => None,
        })
        .collect()
}

fn ups(w: &LookupWalk) -> Vec<u8> {
    w.steps
        .iter()
        .filter_map(|s| match s {
            WalkStep::Up { bit, .. } => Some(*bit),
            _ => None,
        })
        .collect()
}

#[test]
fn insertion_sequence_builds_the_expected_tree() {
    let t = build();
    // rn_bit of the leaves: -1 - mask index; the default is -1 and not normal.
    let chains: Vec<_> = t
        .view()
        .into_iter()
        .filter_map(|n| match n {
            NodeView::Leaf { chain, .. } => Some(chain),
            _ => None,
        })
        .collect();
    let left = &chains[0];
    assert!(left[0].root && left[1].mask == Some(0) && left[1].bit == -1 && !left[1].normal);
    let ten = &chains[1];
    assert_eq!(
        ten.iter()
            .map(|l| (l.mask, l.bit, l.route))
            .collect::<Vec<_>>(),
        vec![(Some(16), -17, Some(3)), (Some(8), -9, Some(1))]
    );
    assert!(ten.iter().all(|l| l.normal));
}

#[test]
fn host_miss_backtracks_to_the_covering_net() {
    let t = build();
    // 10.1.2.4: b0 L, b4 R, b8 L (bit 8 of 0x01 is 0), b15 R, b22 R to host 10.1.2.3; they
    // differ at bit 29. The host heads its chain alone, so climb: b22 holds 10.1/16 and
    // -1-29 = -30 <= -17.
    let w = walk(&t, 0x0a01_0204);
    assert_eq!(
        descent(&w),
        vec![(0, false), (4, true), (8, false), (15, true), (22, true)]
    );
    assert!(w.steps.contains(&WalkStep::Compare {
        node: t.rn_search(H10_1_2_3),
        key: H10_1_2_3,
        mask: None,
        bytes: 4,
        diff_bit: Some(29)
    }));
    assert_eq!(ups(&w), vec![22]);
    assert_eq!(w.route, Some(2));
}

#[test]
fn dupedkey_chain_answers_without_backtracking() {
    let t = build();
    // 10.2.0.1 reaches the chain {10.0.0.0/16 10.0.0.0/8}; comparing 2 bytes (the /16 mask's
    // length) 0x0a02 vs 0x0a00 differs at bit 14: /16 needs 16, /8 needs only 8.
    let w = walk(&t, 0x0a02_0001);
    assert_eq!(ups(&w), Vec::<u8>::new());
    let tried: Vec<(Option<u8>, bool)> = w
        .steps
        .iter()
        .filter_map(|s| match s {
            WalkStep::Duped { mask, matched, .. } => Some((*mask, *matched)),
            _ => None,
        })
        .collect();
    assert_eq!(tried, vec![(Some(16), false), (Some(8), true)]);
    assert_eq!(w.route, Some(1));
    // 10.200.0.0 reaches 10.128/9 and differs at bit 9: the /9 itself covers it.
    assert_eq!(walk(&t, 0x0ac8_0000).route, Some(6));
    // 10.0.5.5 compares equal over the /16's two bytes: exact hit on the chain head.
    assert_eq!(walk(&t, 0x0a00_0505).route, Some(3));
}

#[test]
fn outside_ten_climbs_to_the_default_by_masked_search() {
    let t = build();
    // 11.0.0.1 reaches {10.0.0.0/16 10.0.0.0/8} and differs at bit 7, which neither covers.
    // Climb: b15 (empty list), b8 (10/8: -8 <= -9 fails), b4, top: the default's non-normal
    // record makes rn_search_m(mask 0) go left to the left marker's chain, where the entry
    // with mask /0 covers everything.
    let w = walk(&t, 0x0b00_0001);
    assert_eq!(ups(&w), vec![15, 8, 4, 0]);
    assert!(w.steps.iter().any(|s| matches!(
        s,
        WalkStep::MaskTest {
            mask_len: 8,
            matched: false,
            ..
        }
    )));
    assert!(w.steps.iter().any(|s| matches!(
        s,
        WalkStep::MaskedSearch {
            mask_len: 0,
            matched: true,
            ..
        }
    )));
    assert_eq!(w.route, Some(4));
    // 0.0.0.0 matches the left marker exactly: the marker answers with its dupedkey.
    let w = walk(&t, 0);
    assert!(w
        .steps
        .iter()
        .any(|s| matches!(s, WalkStep::RootMarker { .. })));
    assert_eq!(w.route, Some(4));
    // 255.255.255.255 ends at the right marker and climbs to the default too.
    assert_eq!(walk(&t, u32::MAX).route, Some(4));
}

#[test]
fn deletes_unwind_the_sequence() {
    let mut t = build();
    // Removing 10.128/9 takes b8 with it; its list (10/8) is appended back to b15's.
    assert_eq!(t.rn_delete(A10_128, Some(9)), Some(6));
    assert_eq!(
        t.shape(),
        "(b0 [/0~x1] (b4 [] {0.0.0.0* 0.0.0.0/0~} (b15 [10.0.0.0/8] {10.0.0.0/16 10.0.0.0/8} (b22 [10.1.0.0/16] {10.1.0.0/16} {10.1.2.3}))) {255.255.255.255*})"
    );
    // Removing the chain head 10.0.0.0/16: 10/8 takes its place; no internal node goes.
    assert_eq!(t.rn_delete(A10_8, Some(16)), Some(3));
    // Removing the host: b22 goes, and its list entry for 10.1/16 (now a leaf directly
    // under b15, index 16 > 15) is dropped.
    assert_eq!(t.rn_delete(H10_1_2_3, None), Some(5));
    assert_eq!(
        t.shape(),
        "(b0 [/0~x1] (b4 [] {0.0.0.0* 0.0.0.0/0~} (b15 [10.0.0.0/8] {10.0.0.0/8} {10.1.0.0/16})) {255.255.255.255*})"
    );
    assert_eq!(t.rn_delete(0, Some(0)), Some(4));
    assert_eq!(t.rn_delete(A10_1, Some(16)), Some(2));
    assert_eq!(t.rn_delete(A10_8, Some(8)), Some(1));
    assert_eq!(t.shape(), RadixTree::new().shape());
    t.check_invariants().unwrap();
}

#[test]
fn bsd_refusals() {
    let mut t = build();
    // An exact duplicate key+mask: EEXIST.
    assert!(t.rn_addroute(A10_8, Some(8), 99).is_none());
    // A host route to 0.0.0.0 collides with the left end marker's key (BSD: EEXIST).
    assert!(t.rn_addroute(0, None, 99).is_none());
    // Nothing to delete: a mask not present, and the markers themselves.
    assert_eq!(t.rn_delete(A10_8, Some(12)), None);
    assert_eq!(t.rn_delete(0, None), None);
    assert_eq!(t.rn_delete(u32::MAX, None), None);
    assert_eq!(t.shape(), SHAPE6);
    // 255.255.255.255 as a host route chains in front of the right marker.
    t.rn_addroute(u32::MAX, None, 7).unwrap();
    assert_eq!(walk(&t, u32::MAX).route, Some(7));
    assert_eq!(walk(&t, u32::MAX - 1).route, Some(4));
    t.check_invariants().unwrap();
}
