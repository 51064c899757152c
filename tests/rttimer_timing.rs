#![cfg(not(target_arch = "wasm32"))]
//! NetBSD rt_timer(9) timing and queue semantics, driven by scenario text: the strict
//! `rtt_time + rtq_timeout < time_uptime` rule under a 1 Hz scan at any phase, queue changes,
//! destroy with and without actions, same-function replacement, route deletion, scan order.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::route::{RouteEvent, RtmType};
use hardclock::kernel::rttimer;
use hardclock::kernel::{calls, EventKind, Kernel, Value, Via};
use hardclock::script::Interp;
use hardclock::script::{self, Outcome};
use scenario::{deletes, run_ok, run_ok_script};

/// Every rt_timer action run: (tick, route, func).
fn fires(k: &Kernel) -> Vec<(i32, String, String)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::RtTimer,
                func,
                route: Some(r),
                ..
            } => Some((e.tick, r.clone(), func.to_string())),
            _ => None,
        })
        .collect()
}

/// Ticks of RTM_DELETE routing-socket messages for `dst`: only `route_delete` (route(8))
/// sends them, never the kernel's own `rtrequest()`.
fn rtm_deletes(k: &Kernel, dst: &str) -> Vec<i32> {
    k.rt.rtm
        .iter()
        .filter(|m| m.kind == RtmType::Delete && m.dst == dst)
        .map(|m| m.tick)
        .collect()
}

fn var(it: &Interp, name: &str) -> Value {
    it.vars.get(name).cloned().unwrap_or(Value::Null)
}

fn route_of(it: &Interp, name: &str) -> u32 {
    match var(it, name) {
        Value::Route(id) => id,
        v => panic!("{name} is {v:?}"),
    }
}

/// The scenario of one timing case: a host route, the scanner armed by the queue created at
/// tick `arm`, a timer added at tick `add` (>= arm), then `run` more ticks.
fn timing_src(hz: i32, arm: i32, add: i32, timeout: i64, run: i32) -> String {
    format!(
        "hz = {hz};
         route_add(10.0.0.1, 192.168.1.1);
         hardclock({arm});
         q = rt_timer_queue_create({timeout});
         hardclock({});
         rt = rtalloc1(10.0.0.1, 0, 0);
         RT_UNLOCK(rt);
         rt_timer_add(rt, expire, q);
         hardclock({run});",
        add - arm
    )
}

#[test]
fn expiry_tick_for_timeouts_and_phases() {
    // (hz, scanner armed at tick, timer added at tick, rtq_timeout, tick of the expiring scan)
    let table: &[(i32, i32, i32, i64, i32)] = &[
        // Scanner armed at tick 0: scans at 100, 200, ... with uptime 1, 2, ...
        (100, 0, 0, 0, 100),
        (100, 0, 50, 0, 100),
        (100, 0, 99, 0, 100),
        (100, 0, 100, 0, 200), // added after the scan of tick 100: uptime is already 1
        (100, 0, 0, 1, 200),
        (100, 0, 50, 1, 200),
        (100, 0, 99, 1, 200),
        (100, 0, 150, 1, 300),
        (100, 0, 50, 600, 60_100),
        // First used at tick 30: the scanner still keeps the boot phase (NetBSD's rt_timer_init
        // armed rt_timer_ch for hz at boot; route_init/ip_init order): scans at 100, 200, ...
        (100, 30, 30, 0, 100),
        (100, 30, 99, 0, 100),
        (100, 30, 100, 0, 200), // added after the scan of tick 100: uptime is already 1
        (100, 30, 129, 0, 200),
        (100, 30, 199, 0, 200), // only 0.01 s of life with timeout 0
        (100, 30, 199, 1, 300),
        (100, 30, 50, 600, 60_100),
        // First used at tick 99: the first scan is one tick later.
        (100, 99, 99, 0, 100),
        (100, 99, 150, 0, 200),
        // First used at tick 250: scans at 300, 400, ...
        (100, 250, 250, 0, 300),
        (100, 250, 250, 1, 400),
        // Other clock rates.
        (10, 0, 5, 2, 30),
        (1, 0, 0, 0, 1),
        (1, 3, 5, 2, 8),
    ];
    for &(hz, arm, add, timeout, want) in table {
        let run = want - add + 5;
        let k = run_ok(&timing_src(hz, arm, add, timeout, run));
        let got: Vec<i32> = fires(&k).iter().map(|f| f.0).collect();
        assert_eq!(
            got,
            vec![want],
            "hz {hz}, armed at {arm}, added at {add}, timeout {timeout}"
        );
        // The lifetime is strictly between T and T + 2 seconds.
        let life = want - add;
        assert!(
            i64::from(life) > timeout * i64::from(hz)
                && i64::from(life) < (timeout + 2) * i64::from(hz),
            "lifetime {life} ticks for timeout {timeout}"
        );

        // Before it fires, the views predict the same second and tick.
        let (k, it) = run_ok_script(&timing_src(hz, arm, add, timeout, 0));
        let rt = route_of(&it, "rt");
        let timers = calls::rttimer::route_timers(&k, rt);
        assert_eq!(timers.len(), 1);
        let uptime_at_add = i64::from(add / hz);
        assert_eq!(timers[0].expiry_second, uptime_at_add + timeout + 1);
        assert_eq!(
            timers[0].expiry_tick,
            Some(want),
            "predicted tick, case {hz} {arm} {add} {timeout}"
        );
        // netstat's Expire column shows the same second.
        let row = calls::route::netstat(&k, 0)
            .into_iter()
            .find(|r| r.destination == "10.0.0.1")
            .unwrap();
        assert_eq!(row.expire, Some(uptime_at_add + timeout + 1));
        assert_eq!(row.timers, 1);
    }
}

#[test]
fn scanner_is_a_timeout_rearmed_every_hz() {
    let k = run_ok("q = rt_timer_queue_create(5); hardclock(350);");
    let scans: Vec<i32> = k
        .trace.events
        .iter()
        .filter(|e| {
            matches!(&*e.kind, EventKind::Fire { via: Via::Timeout, func, .. } if func == "rt_timer_timer")
        })
        .map(|e| e.tick)
        .collect();
    assert_eq!(scans, vec![100, 200, 300]);
    assert_eq!(calls::rttimer::scanner_next_tick(&k), Some(400));
    // A second queue does not arm a second scanner.
    let k = run_ok("a = rt_timer_queue_create(5); hardclock(50); b = rt_timer_queue_create(1); hardclock(150);");
    assert_eq!(
        calls::rttimer::scanner_next_tick(&k),
        Some(300),
        "still the phase of the first queue"
    );
    let names: Vec<String> = calls::rttimer::queues(&k)
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(names, vec!["q#1", "q#0"], "newest queue at the head");
}

const TWO_ROUTES: &str = "
    route_add(10.0.0.1, 192.168.1.1);
    route_add(10.0.0.2, 192.168.1.1);
    r1 = rtalloc1(10.0.0.1, 0, 0); RT_UNLOCK(r1);
    r2 = rtalloc1(10.0.0.2, 0, 0); RT_UNLOCK(r2);
";

#[test]
fn queue_change_shortens_at_the_next_scan() {
    // Timeout 600, added at tick 50 (uptime 0); at tick 150 the timeout becomes 1:
    // the scan at tick 200 (uptime 2) finds 0 + 1 < 2.
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(600); hardclock(50); rt_timer_add(r1, f, q);
         hardclock(100); rt_timer_queue_change(q, 1); hardclock(500);"
    ));
    assert_eq!(fires(&k), vec![(200, "10.0.0.1/32".into(), "f".into())]);

    // Changed after the scan that would already qualify: taken at the very next scan.
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(600); hardclock(50); rt_timer_add(r1, f, q);
         hardclock(250); rt_timer_queue_change(q, 1); hardclock(500);"
    ));
    assert_eq!(fires(&k), vec![(400, "10.0.0.1/32".into(), "f".into())]);
}

#[test]
fn queue_change_lengthens_entries_already_queued() {
    // Timeout 1 would take it at tick 200; at tick 150 it becomes 5: uptime 6 = tick 600.
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(1); hardclock(50); rt_timer_add(r1, f, q);
         hardclock(100); rt_timer_queue_change(q, 5); hardclock(1000);"
    ));
    assert_eq!(fires(&k), vec![(600, "10.0.0.1/32".into(), "f".into())]);
    let changed = k.trace.events.iter().any(|e| {
        matches!(
            &*e.kind,
            EventKind::RtTimer(rttimer::RtTimerEvent::QueueChanged {
                from: 1,
                to: 5,
                count: 1,
                ..
            })
        )
    });
    assert!(changed);
}

#[test]
fn destroy_with_action_deletes_now() {
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(600); rt_timer_add(r1, NULL, q); rt_timer_add(r2, NULL, q);
         hardclock(30); rt_timer_queue_destroy(q, 1); hardclock(200);"
    ));
    assert_eq!(
        fires(&k),
        vec![
            (30, "10.0.0.1/32".into(), "NULL".into()),
            (30, "10.0.0.2/32".into(), "NULL".into())
        ],
        "actions run in queue order at the destroy"
    );
    assert_eq!(deletes(&k, "10.0.0.1/32"), vec![30]);
    assert_eq!(deletes(&k, "10.0.0.2/32"), vec![30]);
    // rt_timer_queue_remove_all's actions are kernel-internal rtrequest() calls: no message.
    assert!(rtm_deletes(&k, "10.0.0.1/32").is_empty());
    assert!(rtm_deletes(&k, "10.0.0.2/32").is_empty());
    assert!(calls::route::netstat(&k, 0).is_empty());
    // Both are still referenced by r1 and r2: in rttrash, not freed.
    assert_eq!(k.rt.rttrash, 2);
    assert!(calls::rttimer::queues(&k).is_empty());
}

#[test]
fn destroy_without_action_only_forgets() {
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(0); rt_timer_add(r1, NULL, q); rt_timer_add(r2, f, q);
         hardclock(30); rt_timer_queue_destroy(q, 0); hardclock(300);"
    ));
    assert!(fires(&k).is_empty());
    assert_eq!(calls::route::netstat(&k, 0).len(), 2);
    for row in calls::route::netstat(&k, 0) {
        assert_eq!(row.timers, 0);
        assert_eq!(row.expire, None);
    }
}

#[test]
fn destroyed_queue_is_a_use_after_free() {
    for use_it in [
        "n = rt_timer_count(q);",
        "rt_timer_add(r1, f, q);",
        "rt_timer_queue_change(q, 3);",
        "rt_timer_queue_destroy(q, 0);",
    ] {
        let r = script::run(&format!(
            "{TWO_ROUTES} q = rt_timer_queue_create(5); rt_timer_queue_destroy(q, 0); {use_it}"
        ));
        match r.outcome {
            Outcome::Panicked(m) => assert!(m.contains("use after free"), "{use_it}: {m}"),
            o => panic!("{use_it}: expected a panic, got {o:?}"),
        }
    }
}

#[test]
fn same_func_replaces_across_queues() {
    let (k, it) = run_ok_script(&format!(
        "{TWO_ROUTES} q1 = rt_timer_queue_create(10); q2 = rt_timer_queue_create(1);
         hardclock(50);
         rt_timer_add(r1, f, q1); rt_timer_add(r1, g, q1);
         hardclock(200);
         rt_timer_add(r1, f, q2);
         a = rt_timer_count(q1); b = rt_timer_count(q2);
         hardclock(1500);"
    ));
    assert_eq!(var(&it, "a"), Value::Int(1), "f left q1, g stayed");
    assert_eq!(var(&it, "b"), Value::Int(1));
    // f re-added at uptime 2 on the 1 s queue: uptime 4 = tick 400. g: 0 + 10 < 11 = tick 1100.
    assert_eq!(
        fires(&k),
        vec![
            (400, "10.0.0.1/32".into(), "f".into()),
            (1100, "10.0.0.1/32".into(), "g".into())
        ]
    );
    // Re-adding on the same queue moves it to the tail with a fresh rtt_time.
    let k = run_ok(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(1); rt_timer_add(r1, f, q); rt_timer_add(r2, f, q);
         hardclock(150); rt_timer_add(r1, f, q);"
    ));
    let lane = &calls::rttimer::queues(&k)[0];
    let order: Vec<&str> = lane.entries.iter().map(|t| t.dst.as_str()).collect();
    assert_eq!(order, vec!["10.0.0.2/32", "10.0.0.1/32"]);
    assert_eq!(lane.entries[1].rtt_time, 1);
}

/// Item 6 (`rtrequest1` vs `rtfree`): NetBSD's `rtrequest1(RTM_DELETE)` leaves a route's
/// timers alone; only `rtfree()` runs `rt_timer_remove_all(rt, 0)`, when the route is really
/// freed (refcount 0, RTF_UP clear). r1 is referenced, so after `route_delete` it waits in
/// rttrash with both timers, and they fire on the deleted route: f at the scan of tick 200
/// (0 + 1 < 2, q1 after the newer q2, r1 before r2 as added), g at tick 300 (0 + 2 < 3).
#[test]
fn route_delete_keeps_timers_until_rtfree() {
    let (k, it) = run_ok_script(&format!(
        "{TWO_ROUTES} q1 = rt_timer_queue_create(1); q2 = rt_timer_queue_create(2);
         rt_timer_add(r1, f, q1); rt_timer_add(r1, g, q2); rt_timer_add(r2, f, q1);
         before = rt_timer_count(q1);
         route_delete(10.0.0.1);
         a = rt_timer_count(q1); b = rt_timer_count(q2);
         hardclock(500);"
    ));
    assert_eq!(var(&it, "before"), Value::Int(2));
    assert_eq!(
        var(&it, "a"),
        Value::Int(2),
        "the delete leaves r1's f timer"
    );
    assert_eq!(var(&it, "b"), Value::Int(1), "and its g timer");
    assert_eq!(
        fires(&k),
        vec![
            (200, "10.0.0.1/32".into(), "f".into()),
            (200, "10.0.0.2/32".into(), "f".into()),
            (300, "10.0.0.1/32".into(), "g".into()),
        ]
    );
    let r1 = route_of(&it, "r1");
    assert!(
        !k.rt.entries[r1 as usize].in_table,
        "it ran on the deleted route"
    );

    // rtfree of the last reference frees it, and that drops the timers still pending: g never
    // fires. Freed at tick 100, before either scan could take them.
    let (k, it) = run_ok_script(&format!(
        "{TWO_ROUTES} q1 = rt_timer_queue_create(1); q2 = rt_timer_queue_create(2);
         rt_timer_add(r1, f, q1); rt_timer_add(r1, g, q2);
         route_delete(10.0.0.1); kept = rt_timer_count(q2);
         hardclock(100); RTFREE(r1); a = rt_timer_count(q1); b = rt_timer_count(q2);
         hardclock(400);"
    ));
    assert_eq!(var(&it, "kept"), Value::Int(1));
    assert_eq!(var(&it, "a"), Value::Int(0));
    assert_eq!(var(&it, "b"), Value::Int(0));
    assert!(fires(&k).is_empty());
    let removed: Vec<_> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::RtTimer(rttimer::RtTimerEvent::Removed { why, .. }) => Some((e.tick, *why)),
            _ => None,
        })
        .collect();
    assert_eq!(
        removed,
        vec![
            (100, rttimer::RemoveWhy::RouteGone),
            (100, rttimer::RemoveWhy::RouteGone)
        ]
    );

    // An unreferenced route is freed by the delete itself, so its timers go at once.
    let (k, it) = run_ok_script(
        "route_add(10.0.0.3, 192.168.1.1); q = rt_timer_queue_create(0);
         r3 = rtalloc1(10.0.0.3, 0, 0); RT_UNLOCK(r3); rt_timer_add(r3, f, q);
         RTFREE(r3); n = rt_timer_count(q); route_delete(10.0.0.3); m = rt_timer_count(q);
         hardclock(300);",
    );
    assert_eq!(
        var(&it, "n"),
        Value::Int(1),
        "rtfree of a route still in the table frees nothing"
    );
    assert_eq!(var(&it, "m"), Value::Int(0));
    assert!(fires(&k).is_empty());

    // rt_timer_remove_all from the scenario drops them without deleting the route.
    let (k, it) = run_ok_script(&format!(
        "{TWO_ROUTES} q = rt_timer_queue_create(0); rt_timer_add(r1, f, q); rt_timer_add(r1, NULL, q);
         rt_timer_remove_all(r1); n = rt_timer_count(q); hardclock(300);"
    ));
    assert_eq!(var(&it, "n"), Value::Int(0));
    assert!(fires(&k).is_empty());
    assert_eq!(calls::route::netstat(&k, 0).len(), 2);
}

#[test]
fn newest_queue_is_scanned_first() {
    // r1 goes on the older queue first, r2 on the newer one later in the same second:
    // the scan still takes r2 first.
    let k = run_ok(&format!(
        "{TWO_ROUTES} old = rt_timer_queue_create(0); new = rt_timer_queue_create(0);
         rt_timer_add(r1, f, old); hardclock(10); rt_timer_add(r2, f, new); hardclock(100);"
    ));
    assert_eq!(
        fires(&k),
        vec![
            (100, "10.0.0.2/32".into(), "f".into()),
            (100, "10.0.0.1/32".into(), "f".into())
        ]
    );
}

#[test]
fn null_action_deletes_the_route_and_a_handler_may_re_add() {
    // The handler re-arms the timer on the other route each time it runs.
    let k = run_ok(&format!(
        "handler again {{ rt_timer_add(r2, again, q); }}
         {TWO_ROUTES} q = rt_timer_queue_create(0); rt_timer_add(r1, NULL, q); rt_timer_add(r2, again, q);
         hardclock(350);"
    ));
    assert_eq!(deletes(&k, "10.0.0.1/32"), vec![100]);
    let again: Vec<i32> = fires(&k)
        .into_iter()
        .filter(|f| f.2 == "again")
        .map(|f| f.0)
        .collect();
    assert_eq!(again, vec![100, 200, 300]);
    let deleted = k
        .trace
        .events
        .iter()
        .filter(|e| matches!(&*e.kind, EventKind::Route(RouteEvent::Deleted { .. })))
        .count();
    assert_eq!(deleted, 1);
}

#[test]
fn argument_mistakes_and_null_route() {
    let r = script::run("q = rt_timer_queue_create(-1);");
    assert!(matches!(r.outcome, Outcome::Error(ref e) if e.msg.contains("u_int")));
    let r = script::run("q = rt_timer_queue_create(1); rt = NULL; rt_timer_add(rt, f, q);");
    assert!(matches!(r.outcome, Outcome::Panicked(ref m) if m.contains("NULL struct rtentry")));
    let r = script::run("ip_mtudisc_timeout = -5;");
    assert!(matches!(r.outcome, Outcome::Error(ref e) if e.msg.contains("negative")));
}

#[test]
fn fire_trace_names_the_route() {
    let src = "route_add(10.0.0.0/8, 192.168.1.1);
               ip_mtudisc_timeout = 1;
               icmp_mtudisc(10.9.8.7, 1400);
               hardclock(300);";
    let r = script::run(src);
    assert_eq!(r.outcome, Outcome::Ok);
    let lines = script::trace::json_lines(&r.kernel, &r.outcome);
    let want = r#"{"kind":"fire","tick":200,"via":"rt_timer","func":"icmp_mtudisc_timeout","arg":"rt#1","route":"10.9.8.7/32"}"#;
    assert!(lines.iter().any(|l| l == want), "{lines:#?}");
}
