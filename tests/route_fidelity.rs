#![cfg(not(target_arch = "wasm32"))]
//! Issue #15, items 8 to 12: what the kernels' own code does where the simulator used to
//! differ. Each test names the function of `route.c`, `radix.c`, `ip_icmp.c` or `route_init`
//! whose behaviour it pins, with the ticks, returns and order that code gives.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::route::{self, RouteEvent, RtmType};
use hardclock::kernel::{calls, EventKind, Kernel, NoBodies, Value, Via};
use hardclock::script::{self, trace, Outcome};
use scenario::{run_ok, run_ok_script, var};

/// (tick, type, dst) of every routing-socket message.
fn messages(k: &Kernel) -> Vec<(i32, RtmType, String)> {
    k.rt.rtm
        .iter()
        .map(|m| (m.tick, m.kind, m.dst.clone()))
        .collect()
}

/// Ticks of the 1 Hz scanner's runs.
fn scans(k: &Kernel) -> Vec<i32> {
    k.trace.events
        .iter()
        .filter(|e| {
            matches!(&*e.kind, EventKind::Fire { via: Via::Timeout, func, .. } if func == "rt_timer_timer")
        })
        .map(|e| e.tick)
        .collect()
}

/// Item 8 (`rtredirect`, `icmp_mtudisc`, `rtrequest1`, `rt_timer_queue_remove_all`): only
/// route(8) (the scenario's route_add/route_delete/route_change) gets RTM_ADD/RTM_DELETE/
/// RTM_CHANGE; `rtredirect` ends with `rt_missmsg(RTM_REDIRECT)` (its own RTM_ADD is a
/// kernel-internal rtrequest and sends nothing); the PMTU clone and every timer action send
/// nothing; a lookup miss with report sends RTM_MISS.
#[test]
fn only_route8_redirects_and_misses_reach_the_routing_socket() {
    let k = run_ok(
        "icmp_redirtimeout = 1; ip_mtudisc_timeout = 1;
         route_add(10.0.0.0/8, 192.168.1.1);
         hardclock(10);
         icmp_redirect(10.5.5.5, 192.168.1.2);
         icmp_mtudisc(10.9.8.7, 1400);
         icmp_mtudisc(11.1.1.1, 1400);
         route_change(10.0.0.0/8, 192.168.1.3);
         hardclock(300);
         icmp_redirtimeout = 0;
         route_delete(10.0.0.0/8);",
    );
    assert_eq!(
        messages(&k),
        vec![
            (0, RtmType::Add, "10.0.0.0/8".into()),
            (10, RtmType::Redirect, "10.5.5.5".into()),
            // icmp_mtudisc's rtalloc1(dst, 1) of an unreachable destination.
            (10, RtmType::Miss, "11.1.1.1".into()),
            (10, RtmType::Change, "10.0.0.0/8".into()),
            (310, RtmType::Delete, "10.0.0.0/8".into()),
        ]
    );
    // Both learned routes did go, silently, at the scan of tick 200 (0 + 1 < 2).
    let deleted: Vec<(i32, String)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted { name, report, .. }) => {
                Some((e.tick, format!("{name} {report}")))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        deleted,
        vec![
            (200, "rt#2 10.9.8.7/32 false".to_string()),
            (200, "rt#1 10.5.5.5/32 false".to_string()),
            (310, "rt#0 10.0.0.0/8 true".to_string()),
        ]
    );
    // The redirect's message carries RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC (rtredirect's flags).
    let redirect =
        k.rt.rtm
            .iter()
            .find(|m| m.kind == RtmType::Redirect)
            .unwrap();
    assert_eq!(redirect.flags, 0x2 | 0x4 | 0x10);
}

/// Item 9 (`rt_timer_init` at boot, `rt_timer_timer` re-arming for hz): scans fall on hz,
/// 2hz, ... hardclocks after boot whenever the scenario first uses rt_timer, and the wheel of
/// a timer-only lesson has no scanner at all.
#[test]
fn the_scanner_keeps_its_boot_phase() {
    // First queue at tick 250: scans at 300, 400, not 350, 450.
    let k = run_ok("hardclock(250); q = rt_timer_queue_create(1); hardclock(200);");
    assert_eq!(scans(&k), vec![300, 400]);
    // Counted from boot, not from tick 0: ticks starts at -50, the queue comes 75 hardclocks
    // after boot, the scans 100 and 200 hardclocks after boot, at ticks 50 and 150.
    let k = run_ok("ticks = -50; hardclock(75); q = rt_timer_queue_create(1); hardclock(150);");
    assert_eq!(scans(&k), vec![50, 150]);
    // A timer added at tick 250 with timeout 0 (rtt_time 2) goes at the scan of tick 300.
    let k = run_ok(
        "route_add(10.0.0.1, 192.168.1.1); hardclock(250);
         q = rt_timer_queue_create(0); r = rtalloc1(10.0.0.1, 0, 0); RT_UNLOCK(r);
         rt_timer_add(r, f, q); hardclock(100);",
    );
    let fires: Vec<i32> = k
        .trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                &*e.kind,
                EventKind::Fire {
                    via: Via::RtTimer,
                    ..
                }
            )
        })
        .map(|e| e.tick)
        .collect();
    assert_eq!(fires, vec![300]);
    // hz = 1000: first used at tick 1234, first scan at 2000.
    let k = run_ok("hz = 1000; hardclock(1234); q = rt_timer_queue_create(1); hardclock(1000);");
    assert_eq!(scans(&k), vec![2000]);
    // No rt_timer use, no scanner on the wheel.
    let k = run_ok("timeout_set(&t, f, NULL); timeout_add(&t, 300); hardclock(400);");
    assert!(scans(&k).is_empty());
    assert!(!k.rtt.initialized);
}

/// Item 10 (`rn_insert`, `rn_match` on `sockaddr_in` keys): the right end marker's key is all
/// ones through `sin_zero`, a real key has zeros there, so a host route to 255.255.255.255 is
/// split off by a node testing the first bit past the address (bit 32 here, BSD's 64): a leaf
/// of its own, not a chain entry behind the marker.
#[test]
fn the_broadcast_host_gets_its_own_leaf() {
    let mut t = route::RadixTree::new();
    let h = t.rn_addroute(u32::MAX, None, 7).unwrap();
    assert_eq!(
        t.shape(),
        "(b0 [] {0.0.0.0*} (b32 [] {255.255.255.255} {255.255.255.255*}))"
    );
    assert_eq!(t.node(h).dupedkey, None, "no chain");
    t.check_invariants().unwrap();
    // The walk: top (bit 0, right), the sin_zero node (bit 32, left: a real key's sin_zero
    // is 0), the host leaf, an exact match. 2 bits tested, no backtrack.
    let mut w = route::LookupWalk::default();
    t.rn_match(u32::MAX, &mut w);
    assert_eq!(w.route, Some(7));
    let c = w.counts();
    assert_eq!((c.bits_tested, c.backtracks, c.dupedkeys), (2, 0, 0));
    // 255.255.255.254 goes the same way and differs at bit 31: no route.
    assert_eq!(t.rn_match_quiet(0xffff_fffe), None);
    // Deleting it removes the sin_zero node; a second delete is ESRCH, not the marker.
    assert_eq!(t.rn_delete(u32::MAX, None), Some(7));
    assert_eq!(t.shape(), route::RadixTree::new().shape());
    assert_eq!(t.rn_delete(u32::MAX, None), None);

    // Through the scenario: with a default route and no host, 255.255.255.255 reaches the
    // right end marker, differs past the address and backtracks to the default route; with
    // the host route it is 2 bits and an exact match.
    let src = "route_add(0.0.0.0/0, 192.168.1.1)\na = rtalloc1(255.255.255.255, 0, 0)\n\
               RTFREE_LOCKED(a)\nroute_add(255.255.255.255, 192.168.1.2)\n\
               b = rtalloc1(255.255.255.255, 0, 0)\nRTFREE_LOCKED(b)\n\
               route_delete(255.255.255.255)\nc = route_delete(255.255.255.255)\n";
    let r = script::run(src);
    assert_eq!(r.outcome, Outcome::Ok);
    let lookups: Vec<String> = trace::json_lines(&r.kernel, &r.outcome)
        .into_iter()
        .filter(|l| l.starts_with(r#"{"kind":"lookup""#))
        .collect();
    assert_eq!(
        lookups,
        [
            r#"{"kind":"lookup","tick":0,"fib":0,"dst":"255.255.255.255","match":"0.0.0.0/0","bits_tested":1,"backtracks":1,"masks_tested":1,"dupedkeys":0,"caller":"rtalloc1"}"#,
            r#"{"kind":"lookup","tick":0,"fib":0,"dst":"255.255.255.255","match":"255.255.255.255/32","bits_tested":2,"backtracks":0,"masks_tested":0,"dupedkeys":0,"caller":"rtalloc1"}"#,
        ]
    );
    assert_eq!(var(&r.interp, "c"), Value::Int(3), "ESRCH");
}

/// Item 11 (`rtrequest1_fib` with RTF_HOST, `rn_delete(key, NULL)`): `route delete 10.1.2.0`
/// is a host request, so the netmask is NULL and rn_delete takes the head of 10.1.2.0's chain:
/// the host route if there is one, else the /23 with the same key. 10.1.3.0 is not a key in
/// the tree (the /23's key is 10.1.2.0): ESRCH.
#[test]
fn a_host_delete_takes_the_head_of_the_keys_chain() {
    let (k, it) = run_ok_script(
        "route_add(10.1.2.0/23, 192.168.1.1)
         route_add(10.1.2.0/24, 192.168.1.1)
         route_add(10.1.2.0, 192.168.1.9)
         a = route_delete(10.1.3.0)
         b = route_delete(10.1.2.0)
         c = route_delete(10.1.2.0)
         d = route_delete(10.1.2.0)
         e = route_delete(10.1.2.0)",
    );
    assert_eq!(
        [
            var(&it, "a"),
            var(&it, "b"),
            var(&it, "c"),
            var(&it, "d"),
            var(&it, "e")
        ],
        [
            Value::Int(3),
            Value::Int(0),
            Value::Int(0),
            Value::Int(0),
            Value::Int(3)
        ]
    );
    // Host first, then the more specific /24, then the /23; each answered with the deleted
    // route's own prefix.
    let deletes: Vec<String> = messages(&k)
        .into_iter()
        .filter(|m| m.1 == RtmType::Delete)
        .map(|m| m.2)
        .collect();
    assert_eq!(deletes, ["10.1.2.0/32", "10.1.2.0/24", "10.1.2.0/23"]);
    let by_key = k
        .trace
        .events
        .iter()
        .filter(|e| matches!(&*e.kind, EventKind::Route(RouteEvent::DeletedByKey { .. })))
        .count();
    assert_eq!(by_key, 2, "the /24 and the /23 went by key alone");
    assert!(calls::route::netstat(&k, 0).is_empty());
    // A prefix delete still wants the exact mask.
    let (_, it) =
        run_ok_script("route_add(10.1.2.0/23, 192.168.1.1)\nx = route_delete(10.1.2.0/24)");
    assert_eq!(var(&it, "x"), Value::Int(3));
    // The default route: 0.0.0.0's chain is headed by the left end marker (ESRCH).
    let (k, it) = run_ok_script("route_add(0.0.0.0/0, 192.168.1.1)\nx = route_delete(0.0.0.0)");
    assert_eq!(var(&it, "x"), Value::Int(3));
    assert_eq!(calls::route::netstat(&k, 0).len(), 1);
}

/// Item 12 (`route_init`, `rtalloc1_fib`): the boot tunable is clamped, not refused (a u_int,
/// so -1 is huge and becomes 16); RTF_RNH_LOCKED with no head lock held trips
/// RADIX_NODE_HEAD_LOCK_ASSERT.
#[test]
fn numfibs_is_clamped_and_rnh_locked_is_asserted() {
    for (asked, got) in [(17, 16), (1000, 16), (16, 16), (0, 1), (-1, 16), (3, 3)] {
        let (k, it) = run_ok_script(&format!("rt_numfibs = {asked}\nn = rt_numfibs"));
        assert_eq!(var(&it, "n"), Value::Int(got), "rt_numfibs = {asked}");
        assert_eq!(k.rt.trees.len(), got as usize);
        let noted = k.trace.events.iter().any(|e| {
            matches!(&*e.kind, EventKind::Route(RouteEvent::NumfibsClamped { asked: a, got: g })
                if *a == asked && i64::from(*g) == got)
        });
        assert_eq!(noted, asked != got, "a note only when clamped: {asked}");
    }
    let r = script::run(
        "route_add(10.0.0.0/8, 192.168.1.1)\nrt = rtalloc1_fib(10.1.2.3, 0, RTF_RNH_LOCKED, 0)",
    );
    match r.outcome {
        Outcome::Panicked(m) => {
            assert!(m.contains("RADIX_NODE_HEAD_LOCK_ASSERT"), "{m}");
            assert!(m.starts_with("Lock radix node head not locked"), "{m}");
        }
        o => panic!("{o:?}"),
    }
    // No reference was taken before the assertion.
    assert_eq!(r.kernel.rt.entries[0].refcnt, 0);
}

/// Item 13 (`rtfree` -> `rnh_close` = `in_clsroute`, `in_matroute`, `in_rtqtimo` /
/// `in_rtqkill`, `tvtohz`): FreeBSD's own expiry of learned routes.
#[test]
fn in_clsroute_marks_and_in_rtqtimo_deletes() {
    // hz 100: the redirect route is released at tick 250 (uptime 2): rmx_expire = 2 + 3600.
    let (k, it) = run_ok_script(
        "route_add(0.0.0.0/0, 192.168.1.1)
         route_add(10.1.0.0/16, 192.168.1.1)
         icmp_redirtimeout = 0
         icmp_redirect(10.6.6.6, 192.168.1.2)
         hardclock(250)
         a = rtalloc1(10.6.6.6, 0, 0)
         RTFREE_LOCKED(a)
         s = rtalloc1(10.1.2.3, 0, 0)
         RTFREE_LOCKED(s)
         old = rtq_reallyold",
    );
    assert_eq!(var(&it, "old"), Value::Int(3600));
    let rows = calls::route::netstat(&k, 0);
    let learned = rows.iter().find(|r| r.destination == "10.6.6.6").unwrap();
    assert_eq!(
        learned.flags, "UGHD3",
        "RTPRF_OURS is RTF_PROTO3, netstat's 3"
    );
    assert_eq!(learned.rmx_expire, Some(3602));
    // A static network route is not in_clsroute's business.
    let net = rows
        .iter()
        .find(|r| r.destination == "10.1.0.0/16")
        .unwrap();
    assert_eq!((net.flags.as_str(), net.rmx_expire), ("UGS", None));
    // in_rtqtimo ran at boot and runs every tvtohz(600 s) = 60001 ticks: armed lazily for
    // tick 60001, on that phase.
    let c = k.co.names["rtq_timer"];
    assert_eq!(k.co.wheel.get(c).c_time, 60_001);

    // Now the deletes: rtq_reallyold 5 at hz 10. Released at tick 0 (expire 5) and at tick
    // 6500 (uptime 650, expire 655). in_rtqtimo at 6001 (uptime 600) takes the first only;
    // the run at 12002 (uptime 1200) the second. No routing-socket message for either.
    let k = run_ok(
        "hz = 10
         rtq_reallyold = 5
         icmp_redirtimeout = 0
         route_add(0.0.0.0/0, 192.168.1.1)
         icmp_redirect(10.6.6.6, 192.168.1.2)
         icmp_redirect(10.7.7.7, 192.168.1.2)
         a = rtalloc1(10.6.6.6, 0, 0)
         RTFREE_LOCKED(a)
         hardclock(6500)
         b = rtalloc1(10.7.7.7, 0, 0)
         RTFREE_LOCKED(b)
         hardclock(6000)",
    );
    let deleted: Vec<(i32, String)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted {
                name,
                report: false,
                ..
            }) => Some((e.tick, name.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        deleted,
        vec![
            (6001, "rt#1 10.6.6.6/32".to_string()),
            (12_002, "rt#2 10.7.7.7/32".to_string())
        ]
    );
    let runs: Vec<i32> = k
        .trace.events
        .iter()
        .filter(|e| matches!(&*e.kind, EventKind::Fire { via: Via::Callout, func, .. } if func == "in_rtqtimo"))
        .map(|e| e.tick)
        .collect();
    assert_eq!(runs, vec![6001, 12_002]);
    assert!(messages(&k).iter().all(|m| m.1 != RtmType::Delete));

    // in_matroute: a lookup of a marked route revives it; the next release marks it again.
    let k = run_ok(
        "hz = 10
         icmp_redirtimeout = 0
         route_add(0.0.0.0/0, 192.168.1.1)
         icmp_redirect(10.6.6.6, 192.168.1.2)
         a = rtalloc1(10.6.6.6, 0, 0)
         RTFREE_LOCKED(a)
         hardclock(100)
         b = rtalloc1(10.6.6.6, 0, 0)
         RT_UNLOCK(b)",
    );
    let row = calls::route::netstat(&k, 0)
        .into_iter()
        .find(|r| r.destination == "10.6.6.6")
        .unwrap();
    assert_eq!((row.flags.as_str(), row.rmx_expire), ("UGHD", None));

    // rtq_reallyold 0: in_clsroute expunges at once, and rtfree frees it.
    let k = run_ok(
        "rtq_reallyold = 0
         icmp_redirtimeout = 0
         route_add(0.0.0.0/0, 192.168.1.1)
         icmp_redirect(10.6.6.6, 192.168.1.2)
         a = rtalloc1(10.6.6.6, 0, 0)
         RTFREE_LOCKED(a)",
    );
    assert_eq!(calls::route::netstat(&k, 0).len(), 1);
    assert_eq!(k.rt.entries[1].freed, Some(0));
    assert_eq!(k.rt.rttrash, 0);
    assert!(
        !k.co.names.contains_key("rtq_timer"),
        "nothing to expire later"
    );

    // A marked route that gained a reference without a lookup (RT_ADDREF) is still marked:
    // in_rtqkill's "rtqkill route really not free" panic.
    let mut k = run_ok(
        "hz = 10
         rtq_reallyold = 1
         icmp_redirtimeout = 0
         route_add(0.0.0.0/0, 192.168.1.1)
         icmp_redirect(10.6.6.6, 192.168.1.2)
         a = rtalloc1(10.6.6.6, 0, 0)
         RTFREE_LOCKED(a)",
    );
    for m in ["RT_LOCK", "RT_ADDREF", "RT_UNLOCK"] {
        k.call(&mut NoBodies, m, &[Value::Route(1)]).unwrap();
    }
    let e = k.run_ticks_kernel_only(6001).unwrap_err();
    assert!(
        e.message().starts_with("rtqkill route really not free"),
        "{}",
        e.message()
    );
}
