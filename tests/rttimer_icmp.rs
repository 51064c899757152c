#![cfg(not(target_arch = "wasm32"))]
//! The users of rt_timer: path-MTU discovery (`icmp_mtudisc`) and ICMP redirects, against the
//! route table: learned host routes, their MTU and flags in `netstat -rn`, expiry through the
//! queue, references that keep a deleted route in rttrash, and the redirtimeout sysctl.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::route::{NetstatRow, RouteEvent, RtmType};
use hardclock::kernel::rttimer::{PmtuIgnored, RtTimerEvent};
use hardclock::kernel::{calls, EventKind, Kernel, Value};
use hardclock::script::{self, Interp, Outcome, Scenario};
use scenario::{deletes, run_ok};

fn row(k: &Kernel, dst: &str) -> Option<NetstatRow> {
    calls::route::netstat(k, 0)
        .into_iter()
        .find(|r| r.destination == dst)
}

/// The routing-socket messages sent, as (type, dst).
fn messages(k: &Kernel) -> Vec<(RtmType, String)> {
    k.rt.rtm.iter().map(|m| (m.kind, m.dst.clone())).collect()
}

fn rt_events(k: &Kernel) -> Vec<&RtTimerEvent> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::RtTimer(r) => Some(r),
            _ => None,
        })
        .collect()
}

const PMTU: &str = "
    route_add(10.0.0.0/8, 192.168.1.1);
    hardclock(50);
    icmp_mtudisc(10.9.8.7, 1400);
    rt = rtalloc1(10.9.8.7, 1, 0);
    RT_UNLOCK(rt);
";

#[test]
fn pmtu_route_is_learned_referenced_expired_and_freed() {
    // Runs the PMTU scenario step by step, looking at the machine between statements.
    let src = format!(
        "{PMTU}
         hardclock(60049);
         hardclock(1);
         hardclock(500);
         RTFREE(rt);"
    );
    let sc = Scenario::compile(&src).unwrap();
    let (mut k, mut it) = sc.boot();
    let step = |k: &mut Kernel, it: &mut Interp, i: usize| {
        sc.step(k, it, i).unwrap();
    };
    for i in 0..5 {
        step(&mut k, &mut it, i);
    }
    // The learned route: a host route via the network route's gateway, dynamic, MTU 1400.
    let r = row(&k, "10.9.8.7").expect("PMTU host route in netstat");
    assert_eq!(r.flags, "UGHD");
    assert_eq!(r.gateway, "192.168.1.1");
    assert_eq!(r.mtu, 1400);
    assert_eq!(r.refs, 1);
    // Added in uptime second 0 to a 600 s queue: the scan of second 601 takes it. The queue
    // was created at tick 50, but the scanner keeps its boot phase (rt_timer_timer): scans run
    // at 100, 200, ...: uptime 601 at tick 60100.
    assert_eq!(r.expire, Some(601));
    let lanes = calls::rttimer::queues(&k);
    assert_eq!(lanes.len(), 1);
    assert_eq!(lanes[0].name, "q#0 (ip_mtudisc_timeout_q)");
    assert_eq!(lanes[0].rtq_timeout, 600);
    assert_eq!(lanes[0].entries[0].func, "icmp_mtudisc_timeout");
    assert_eq!(lanes[0].entries[0].expiry_tick, Some(60_100));
    assert_eq!(
        k.kernel_var("ip_mtudisc_timeout_q"),
        Some(Value::Queue(lanes[0].id))
    );

    step(&mut k, &mut it, 5); // hardclock(60049): tick 60099, one tick short
    assert!(row(&k, "10.9.8.7").is_some());
    assert!(deletes(&k, "10.9.8.7/32").is_empty());

    step(&mut k, &mut it, 6); // tick 60100: expired and deleted, but rt still holds it
    assert_eq!(deletes(&k, "10.9.8.7/32"), vec![60_100]);
    // The clone and the expiry are kernel-internal rtrequest() calls: only route(8)'s RTM_ADD.
    assert_eq!(messages(&k), vec![(RtmType::Add, "10.0.0.0/8".to_string())]);
    assert!(row(&k, "10.9.8.7").is_none());
    assert_eq!(k.rt.rttrash, 1);
    let id = match it.vars["rt"] {
        Value::Route(id) => id,
        ref v => panic!("{v:?}"),
    };
    assert!(k.rt.entry(id).unwrap().freed.is_none());
    // The network route is untouched.
    assert_eq!(row(&k, "10.0.0.0/8").unwrap().flags, "UGS");

    step(&mut k, &mut it, 7);
    assert_eq!(k.rt.rttrash, 1, "nobody freed it yet");
    step(&mut k, &mut it, 8); // RTFREE: the last reference
    assert_eq!(k.rt.rttrash, 0);
    assert!(k.rt.entry(id).unwrap().freed.is_some());
}

#[test]
fn pmtu_timeout_sysctl_changes_the_queue() {
    // Shortened to 2 s at tick 60: 0 + 2 < 3 at the scan of tick 300 (boot phase).
    let k = run_ok(&format!(
        "{PMTU} hardclock(10); ip_mtudisc_timeout = 2; hardclock(400);"
    ));
    assert_eq!(deletes(&k, "10.9.8.7/32"), vec![300]);
    assert_eq!(k.kernel_var("ip_mtudisc_timeout"), Some(Value::Int(2)));
    // Set before the first message: the queue is created with it.
    let k = run_ok(
        "ip_mtudisc_timeout = 0; route_add(10.0.0.0/8, 192.168.1.1); icmp_mtudisc(10.9.8.7, 1400); hardclock(150);",
    );
    assert_eq!(deletes(&k, "10.9.8.7/32"), vec![100]);
}

#[test]
fn pmtu_guesses_plateaus_and_applies_locks() {
    let k = run_ok(
        "route_add(10.0.0.0/8, 192.168.1.1);
         icmp_mtudisc(10.9.8.7, 0);",
    );
    assert_eq!(row(&k, "10.9.8.7").unwrap().mtu, 1492, "below 1500");
    let k = run_ok(
        "route_add(10.0.0.0/8, 192.168.1.1);
         icmp_mtudisc(10.9.8.7, 0); icmp_mtudisc(10.9.8.7, 0); icmp_mtudisc(10.9.8.7, 0);",
    );
    assert_eq!(
        row(&k, "10.9.8.7").unwrap().mtu,
        508,
        "1500 -> 1492 -> 1006 -> 508"
    );
    assert_eq!(
        calls::route::netstat(&k, 0).len(),
        2,
        "one host route, re-used"
    );
    assert_eq!(
        calls::rttimer::queues(&k)[0].count,
        1,
        "one timer, refreshed"
    );

    // A larger MTU does not raise it.
    let k = run_ok(
        "route_add(10.0.0.0/8, 192.168.1.1); icmp_mtudisc(10.9.8.7, 1200); icmp_mtudisc(10.9.8.7, 1400);",
    );
    assert_eq!(row(&k, "10.9.8.7").unwrap().mtu, 1200);
    assert!(rt_events(&k).iter().any(|e| matches!(
        e,
        RtTimerEvent::PmtuIgnored {
            why: PmtuIgnored::NotSmaller { current: 1200 },
            ..
        }
    )));

    // Below 296: RTV_MTU gets locked, the MTU stays, and later messages are ignored.
    let k = run_ok(
        "route_add(10.0.0.0/8, 192.168.1.1); icmp_mtudisc(10.9.8.7, 100); icmp_mtudisc(10.9.8.7, 1000);",
    );
    assert_eq!(row(&k, "10.9.8.7").unwrap().mtu, 1500);
    let whys: Vec<&PmtuIgnored> = rt_events(&k)
        .into_iter()
        .filter_map(|e| match e {
            RtTimerEvent::PmtuIgnored { why, .. } => Some(why),
            _ => None,
        })
        .collect();
    assert_eq!(
        whys,
        vec![
            &PmtuIgnored::OutOfRange { lo: 296, hi: 1500 },
            &PmtuIgnored::Locked
        ]
    );
}

#[test]
fn pmtu_without_a_route_is_a_miss() {
    let k = run_ok("icmp_mtudisc(10.9.8.7, 1400);");
    assert!(calls::route::netstat(&k, 0).is_empty());
    assert!(k
        .rt
        .rtm
        .iter()
        .any(|m| m.kind == RtmType::Miss && m.dst == "10.9.8.7"));
    assert!(
        calls::rttimer::queues(&k).is_empty(),
        "no queue, no scanner"
    );
    assert_eq!(calls::rttimer::scanner_next_tick(&k), None);
}

#[test]
fn pmtu_on_a_static_host_route_only_resets_the_mtu() {
    let k = run_ok(
        "route_add(10.2.2.2, 192.168.1.1);
         ip_mtudisc_timeout = 1;
         icmp_mtudisc(10.2.2.2, 1300);
         hardclock(150);",
    );
    assert_eq!(row(&k, "10.2.2.2").unwrap().mtu, 1300, "not expired yet");
    let k = run_ok(
        "route_add(10.2.2.2, 192.168.1.1);
         ip_mtudisc_timeout = 1;
         icmp_mtudisc(10.2.2.2, 1300);
         hardclock(250);",
    );
    let r = row(&k, "10.2.2.2").expect("a static route is not deleted");
    assert_eq!(r.flags, "UGHS");
    assert_eq!(r.mtu, 0);
    assert!(deletes(&k, "10.2.2.2/32").is_empty());
}

const REDIRECT: &str = "
    route_add(10.0.0.0/8, 192.168.1.1);
    route_add(10.7.7.7, 192.168.1.1);
    icmp_redirtimeout = 3;
    hardclock(40);
    icmp_redirect(10.5.5.5, 192.168.1.2);
    icmp_redirect(10.6.6.6, 192.168.1.3);
    icmp_redirect(10.7.7.7, 192.168.1.4);
";

#[test]
fn redirect_route_is_learned_and_expires() {
    let k = run_ok(REDIRECT);
    let r = row(&k, "10.5.5.5").unwrap();
    assert_eq!(
        (r.flags.as_str(), r.gateway.as_str()),
        ("UGHD", "192.168.1.2")
    );
    // The static host route is changed in place and marked modified.
    let r = row(&k, "10.7.7.7").unwrap();
    assert_eq!(
        (r.flags.as_str(), r.gateway.as_str()),
        ("UGHMS", "192.168.1.4")
    );
    let lanes = calls::rttimer::queues(&k);
    assert_eq!(lanes[0].name, "q#0 (icmp_redirect_timeout_q)");
    assert_eq!(lanes[0].count, 3);

    // The sysctl created the queue at tick 0: scans at 100, 200, ...; 0 + 3 < 4 at tick 400.
    let k = run_ok(&format!("{REDIRECT} hardclock(359);"));
    assert!(deletes(&k, "10.5.5.5/32").is_empty());
    let k = run_ok(&format!("{REDIRECT} hardclock(360);"));
    assert_eq!(deletes(&k, "10.5.5.5/32"), vec![400]);
    assert_eq!(deletes(&k, "10.6.6.6/32"), vec![400]);
    // icmp_redirect_timeout deletes only RTF_DYNAMIC|RTF_HOST routes.
    assert!(deletes(&k, "10.7.7.7/32").is_empty());
    assert!(row(&k, "10.7.7.7").is_some());
    assert_eq!(calls::rttimer::queues(&k)[0].count, 0);
}

#[test]
fn redirtimeout_zero_destroys_the_queue_and_its_routes() {
    let k = run_ok(&format!(
        "{REDIRECT} hardclock(10); icmp_redirtimeout = 0; icmp_redirect(10.8.8.8, 192.168.1.5); hardclock(1000);"
    ));
    // Both learned routes went at once, at tick 50, without waiting for a scan.
    assert_eq!(deletes(&k, "10.5.5.5/32"), vec![50]);
    assert_eq!(deletes(&k, "10.6.6.6/32"), vec![50]);
    assert!(
        row(&k, "10.7.7.7").is_some(),
        "static: the action leaves it"
    );
    assert!(calls::rttimer::queues(&k).is_empty());
    assert_eq!(k.kernel_var("icmp_redirect_timeout_q"), Some(Value::Null));
    // With redirtimeout 0 a new redirect route never expires.
    assert!(row(&k, "10.8.8.8").is_some());
    assert_eq!(row(&k, "10.8.8.8").unwrap().timers, 0);

    // Back to non-zero: a new queue.
    let k = run_ok(&format!(
        "{REDIRECT} icmp_redirtimeout = 0; icmp_redirtimeout = 1; icmp_redirect(10.8.8.8, 192.168.1.5); hardclock(300);"
    ));
    let created = rt_events(&k)
        .iter()
        .filter(|e| matches!(e, RtTimerEvent::QueueCreated { .. }))
        .count();
    assert_eq!(created, 2);
    // Re-created at tick 40 with 1 s: 0 + 1 < 2 at the scan of tick 200 (scanner from tick 0).
    assert_eq!(deletes(&k, "10.8.8.8/32"), vec![200]);
}

#[test]
fn destroyed_kernel_queue_is_a_use_after_free() {
    let r = script::run(
        "route_add(10.0.0.0/8, 192.168.1.1); icmp_mtudisc(10.9.8.7, 1400);
         rt_timer_queue_destroy(ip_mtudisc_timeout_q, 0);
         icmp_mtudisc(10.9.8.8, 1400);",
    );
    assert!(matches!(r.outcome, Outcome::Panicked(ref m) if m.contains("use after free")));
}

/// Items 6 and 7 through `icmp_mtudisc_timeout` (NetBSD `ip_icmp.c`): its
/// `rtrequest(RTM_DELETE, rt_key(rt), rt->rt_gateway, rt_mask(rt), rt->rt_flags)` names a key
/// (a host route's mask is NULL), not a route. The learned route rt#1 is deleted by the
/// administrator at tick 50 while `rt` holds it, so its timer keeps running (only rtfree drops
/// timers); a new message at tick 150 learns rt#2 for the same host. At the scan of tick 300
/// (0 + 2 < 3) the stale timer runs on the deleted rt#1 and deletes rt#2, the head of
/// 10.9.8.7's chain; rt#2, unreferenced, is freed at once and its own timer (due at tick 400)
/// goes with it.
#[test]
fn a_stale_pmtu_timer_deletes_the_relearned_route() {
    let k = run_ok(
        "ip_mtudisc_timeout = 2;
         route_add(10.0.0.0/8, 192.168.1.1);
         icmp_mtudisc(10.9.8.7, 1400);
         rt = rtalloc1(10.9.8.7, 0, 0); RT_UNLOCK(rt);
         hardclock(50);
         route_delete(10.9.8.7);
         hardclock(100);
         icmp_mtudisc(10.9.8.7, 1300);
         hardclock(300);",
    );
    let deleted: Vec<(i32, u32)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted { id, .. }) => Some((e.tick, *id)),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec![(50, 1), (300, 2)]);
    let fired: Vec<(i32, String)> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                func,
                arg,
                route: Some(_),
                ..
            } => Some((e.tick, format!("{func} {arg}"))),
            _ => None,
        })
        .collect();
    assert_eq!(fired, vec![(300, "icmp_mtudisc_timeout rt#1".to_string())]);
    assert!(rt_events(&k).iter().any(|e| matches!(
        e,
        RtTimerEvent::DeletedByKey { deleted: Some(d), .. } if d == "rt#2 10.9.8.7/32"
    )));
    assert_eq!(k.rt.entries[2].freed, Some(300));
    assert!(row(&k, "10.9.8.7").is_none());
}
