#![cfg(not(target_arch = "wasm32"))]
//! The trace contract's facility-specific kinds (`cascade`, `route_delete`, `rtm`), routes named
//! by destination, and the `note` lines (with their event names) for everything else: whole
//! JSON traces of small scenarios, compared line by line.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::script::{run, trace, Outcome};
use scenario::text;

fn json(src: &str) -> Vec<String> {
    let r = run(src);
    assert_eq!(r.outcome, Outcome::Ok, "{src}");
    trace::json_lines(&r.kernel, &r.outcome)
}

#[test]
fn a_cascade_is_its_own_kind() {
    let got = json("timeout_set(&a, fa, NULL)\ntimeout_add(&a, 300)\nhardclock(300)\n");
    let want = [
        r#"{"kind":"note","tick":0,"facility":"timeout","event":"set","text":"timeout_set(&a): will call fa(NULL); to_flags = INITIALIZED."}"#,
        r#"{"kind":"call","line":1,"tick":0,"call":"timeout_set","ret":null}"#,
        r#"{"kind":"note","tick":0,"facility":"timeout","event":"added","text":"timeout_add(&a, 300): to_time = 300; not queued before, so ONQUEUE is set and it is appended to timeout_todo (returns 1)."}"#,
        r#"{"kind":"call","line":2,"tick":0,"call":"timeout_add","ret":1}"#,
        r#"{"kind":"tick","tick":1,"count":1}"#,
        r#"{"kind":"note","tick":1,"facility":"timeout","event":"rebucketed","text":"softclock re-buckets a from timeout_todo: 299 ticks to go, so wheel 1 bucket 0x01."}"#,
        r#"{"kind":"tick","tick":256,"count":255}"#,
        r#"{"kind":"cascade","tick":256,"wheel":1,"bucket":1,"count":1}"#,
        r#"{"kind":"note","tick":256,"facility":"timeout","event":"rebucketed","text":"softclock re-buckets a (spliced from wheel 1 bucket 0x01): 44 ticks to go, so wheel 0 bucket 0x2c."}"#,
        r#"{"kind":"tick","tick":300,"count":44}"#,
        r#"{"kind":"note","tick":300,"facility":"timeout","event":"splice","text":"hardclock splices wheel 0 bucket 0x2c (1 entry) onto timeout_todo."}"#,
        r#"{"kind":"note","tick":300,"facility":"timeout","event":"due","text":"softclock: a is due (to_time - ticks = 0): ONQUEUE cleared, TRIGGERED set, its function runs."}"#,
        r#"{"kind":"fire","tick":300,"via":"timeout","func":"fa","arg":"NULL"}"#,
    ];
    assert_eq!(got, want);
}

#[test]
fn route_deletion_and_routing_socket_messages_have_their_kinds() {
    let got = json(
        "route_add(10.1.2.3, 192.168.1.1)\nrt = rtalloc1(10.1.2.3, 0, 0)\nRT_UNLOCK(rt)\n\
         route_delete(10.1.2.3)\nRTFREE(rt)\nx = rtalloc1(10.9.9.9, 1, 0)\n",
    );
    let want = [
        r#"{"kind":"note","tick":0,"facility":"route","event":"added","text":"route add: rt#0 10.1.2.3/32 via 192.168.1.1 enters fib 0's radix tree with flags UGHS."}"#,
        r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"10.1.2.3/32","fib":0}"#,
        r#"{"kind":"call","line":1,"tick":0,"call":"route_add","ret":0}"#,
        r#"{"kind":"lookup","tick":0,"fib":0,"dst":"10.1.2.3","match":"10.1.2.3/32","bits_tested":2,"backtracks":0,"masks_tested":0,"dupedkeys":0,"caller":"rtalloc1"}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"locked","text":"rtalloc1_fib: rt#0 10.1.2.3/32 is locked (rt_mtx held by the scenario's thread)."}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"refcnt","text":"rtalloc1_fib: rt#0 10.1.2.3/32 rt_refcnt 0 -> 1."}"#,
        r#"{"kind":"call","line":2,"tick":0,"call":"rtalloc1","ret":"10.1.2.3/32","refcnt":1}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"unlocked","text":"RT_UNLOCK: rt#0 10.1.2.3/32 is unlocked."}"#,
        r#"{"kind":"call","line":3,"tick":0,"call":"RT_UNLOCK","ret":null,"refcnt":1}"#,
        r#"{"kind":"route_delete","tick":0,"dst":"10.1.2.3/32","fib":0,"refcnt":1}"#,
        r#"{"kind":"rtm","tick":0,"type":"RTM_DELETE","dst":"10.1.2.3/32","fib":0}"#,
        r#"{"kind":"call","line":4,"tick":0,"call":"route_delete","ret":0}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"locked","text":"RTFREE: rt#0 10.1.2.3/32 is locked (rt_mtx held by the scenario's thread)."}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"refcnt","text":"rtfree: rt#0 10.1.2.3/32 rt_refcnt 1 -> 0."}"#,
        r#"{"kind":"note","tick":0,"facility":"route","event":"freed","text":"rtfree: rt#0 10.1.2.3/32 has no references left and RTF_UP is clear, so its memory is released (rttrash--)."}"#,
        r#"{"kind":"call","line":5,"tick":0,"call":"RTFREE","ret":null,"refcnt":0,"freed":true}"#,
        r#"{"kind":"lookup","tick":0,"fib":0,"dst":"10.9.9.9","match":null,"bits_tested":1,"backtracks":1,"masks_tested":0,"dupedkeys":0,"caller":"rtalloc1"}"#,
        r#"{"kind":"rtm","tick":0,"type":"RTM_MISS","dst":"10.9.9.9","fib":0}"#,
        r#"{"kind":"call","line":6,"tick":0,"call":"rtalloc1","ret":null}"#,
    ];
    assert_eq!(got, want);
}

#[test]
fn a_route_in_another_fib_and_an_unreferenced_delete() {
    let got: Vec<String> = json(
        "rt_numfibs = 2\nroute_add(10.0.0.0/8, 192.168.1.1, 1)\nroute_delete(10.0.0.0/8, 1)\n",
    )
    .into_iter()
    .filter(|l| !l.starts_with(r#"{"kind":"note""#))
    .collect();
    assert_eq!(
        got,
        [
            r#"{"kind":"rtm","tick":0,"type":"RTM_ADD","dst":"10.0.0.0/8","fib":1}"#,
            r#"{"kind":"call","line":2,"tick":0,"call":"route_add","ret":0}"#,
            r#"{"kind":"route_delete","tick":0,"dst":"10.0.0.0/8","fib":1,"refcnt":0}"#,
            r#"{"kind":"rtm","tick":0,"type":"RTM_DELETE","dst":"10.0.0.0/8","fib":1}"#,
            r#"{"kind":"call","line":3,"tick":0,"call":"route_delete","ret":0}"#,
        ]
    );
}

#[test]
fn other_facility_events_are_named_notes() {
    let events: Vec<String> = json(
        "timeout_set(&a, fa, NULL)\ntimeout_add(&a, 10)\nr = timeout_add(&a, 20)\n\
         r = timeout_add(&a, 5)\ntimeout_del(&a)\ntimeout_del(&a)\n\
         callout_init(&c, 1)\ncallout_reset(&c, 1, f, NULL)\nhardclock(1)\n",
    )
    .into_iter()
    .filter_map(|l| {
        let rest = l.strip_prefix(r#"{"kind":"note","#)?;
        let at = rest.find(r#""event":""#)? + 9;
        let end = rest[at..].find('"')?;
        Some(rest[at..at + end].to_string())
    })
    .collect();
    assert_eq!(
        events,
        [
            "set",
            "added",
            "left_in_place",
            "moved_earlier",
            "deleted",
            "not_pending",
            "init",
            "reset",
            "scheduled",
            "scan",
            "return"
        ]
    );
}

#[test]
fn text_lines_name_returned_routes_and_refcounts() {
    assert_eq!(
        text("route_add(10.0.0.0/8, 192.168.1.1)\nrt = rtalloc1(10.1.2.3, 0, 0)\nRTFREE_LOCKED(rt)\n")
            .into_iter()
            .filter(|l| l.contains(" line "))
            .collect::<Vec<_>>(),
        [
            "[tick 0] line 1: route_add() returned 0.",
            "[tick 0] line 2: rtalloc1() returned rt#0 10.0.0.0/8. rt_refcnt is now 1.",
            "[tick 0] line 3: RTFREE_LOCKED() called. rt_refcnt is now 0.",
        ]
    );
}

/// Item 14: every radix lookup (`rn_match`) is a structured `lookup` record. 10.1.2.4 descends
/// through the top node (bit 0), the node splitting 10.x off the left end marker (bit 4) and
/// the node splitting 10.1.0.0 from 10.1.2.3 (bit 22): 3 bits tested. The host leaf 10.1.2.3
/// differs at bit 29 and its chain has nothing but the host (skipped, 0 dupedkeys), so
/// `rn_match` climbs 1 level to the bit-22 node, whose list holds /16 (index 16 <= 29): 1 mask
/// tested, and 10.1.0.0/16 matches. 11.0.0.1 (bit 4 set, bit 22 clear) reaches the /16 leaf,
/// differs at bit 7 within its 2 compared bytes, so the leaf itself fails as a dupedkey (index
/// 16 > 7), the /16 record on the bit-22 node fails the same test, and the climb goes on through
/// bit 4 to the top: 3 levels, `"match":null`. `icmp_mtudisc`'s own lookup is recorded too:
/// 10.1.9.9 lands on the /16 leaf and matches it at once. The text trace carries the counters.
#[test]
fn every_lookup_is_a_structured_record() {
    let src = "route_add(10.1.0.0/16, 192.168.1.1)\nroute_add(10.1.2.3, 192.168.1.2)\n\
               rt = rtalloc1(10.1.2.4, 0, 0)\nx = rtalloc1(11.0.0.1, 1, 0)\n\
               icmp_mtudisc(10.1.9.9, 1400)\n";
    let lookups: Vec<String> = json(src)
        .into_iter()
        .filter(|l| l.starts_with(r#"{"kind":"lookup""#))
        .collect();
    assert_eq!(
        lookups,
        [
            r#"{"kind":"lookup","tick":0,"fib":0,"dst":"10.1.2.4","match":"10.1.0.0/16","bits_tested":3,"backtracks":1,"masks_tested":1,"dupedkeys":0,"caller":"rtalloc1"}"#,
            r#"{"kind":"lookup","tick":0,"fib":0,"dst":"11.0.0.1","match":null,"bits_tested":3,"backtracks":3,"masks_tested":1,"dupedkeys":1,"caller":"rtalloc1"}"#,
            r#"{"kind":"lookup","tick":0,"fib":0,"dst":"10.1.9.9","match":"10.1.0.0/16","bits_tested":3,"backtracks":0,"masks_tested":0,"dupedkeys":0,"caller":"icmp_mtudisc"}"#,
        ]
    );
    let text_lookups: Vec<String> = text(src)
        .into_iter()
        .filter(|l| l.contains("[lookup:"))
        .collect();
    assert_eq!(text_lookups.len(), 3);
    assert!(
        text_lookups[0].ends_with(
            "matches rt#0 10.1.0.0/16: 3 bits tested, leaf 10.1.2.3 differs at bit 29, backtracked 1 level (1 mask tested). [lookup: bits_tested 3, backtracks 1, masks_tested 1, dupedkeys 0]"
        ),
        "{}",
        text_lookups[0]
    );
}
