#![cfg(not(target_arch = "wasm32"))]
//! rtalloc(9) scenarios, written as scenario lines and run through `Interp::exec`: references
//! that outlive a delete, the lock and refcount assertions, `struct route` caching, RTM_MISS
//! and FIBs.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::route::{RouteEvent, RtmType};
use hardclock::kernel::{calls, machine, EventKind, Kernel, KernelError, Value};
use hardclock::script::Interp;
use scenario::{exec, var};

const GW: u32 = 0xc0a8_0101; // 192.168.1.1

fn route_id(it: &Interp, v: &str) -> u32 {
    match var(it, v) {
        Value::Route(id) => id,
        other => panic!("{v} is {other:?}, not a route"),
    }
}

fn kvar(k: &Kernel, name: &str) -> i64 {
    k.kernel_var(name).and_then(|v| v.as_int()).unwrap()
}

/// The (refcnt, freed) the trace recorded for the last call.
fn last_note(k: &Kernel) -> (Option<i32>, bool) {
    k.trace
        .events
        .iter()
        .rev()
        .find_map(|e| match &*e.kind {
            EventKind::Call { refcnt, freed, .. } => Some((*refcnt, *freed)),
            _ => None,
        })
        .unwrap()
}

fn panic_msg(r: Result<Value, KernelError>) -> String {
    match r {
        Err(KernelError::Panic(m)) => m,
        other => panic!("expected a simulated panic, got {other:?}"),
    }
}

fn with_ten_eight() -> (Kernel, Interp) {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    assert_eq!(
        exec(&mut k, &mut it, "route_add(10.0.0.0/8, 192.168.1.1)").unwrap(),
        Value::Int(0)
    );
    (k, it)
}

#[test]
fn deleted_route_waits_in_rttrash_for_the_last_rtfree() {
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "rt = rtalloc1(10.1.2.3, 1, 0)").unwrap();
    let rt = route_id(&it, "rt");
    assert_eq!(last_note(&k), (Some(1), false));
    let e = k.rt.entry(rt).unwrap();
    assert!(e.locked, "rtalloc1 returns the entry locked");
    assert_eq!(e.use_count, 1);
    exec(&mut k, &mut it, "RT_UNLOCK(rt)").unwrap();
    assert_eq!(
        exec(&mut k, &mut it, "route_delete(10.0.0.0/8)").unwrap(),
        Value::Int(0)
    );
    let e = k.rt.entry(rt).unwrap();
    assert!(
        !e.in_table && e.freed.is_none() && e.flags & 1 == 0,
        "out of the table, RTF_UP clear, alive"
    );
    assert_eq!(kvar(&k, "rttrash"), 1);
    assert_eq!(k.rt.rttrash_list().len(), 1);
    assert!(calls::route::netstat(&k, 0).is_empty());
    // The table no longer finds it.
    assert_eq!(k.rt.lookup(0x0a01_0203, 0).0, None);
    exec(&mut k, &mut it, "RTFREE(rt)").unwrap();
    assert_eq!(last_note(&k), (Some(0), true));
    assert!(k.rt.entry(rt).unwrap().freed.is_some());
    assert_eq!(kvar(&k, "rttrash"), 0);
    assert_eq!(
        var(&it, "rt"),
        Value::Null,
        "RTFREE sets the variable to NULL"
    );
    let kinds: Vec<&RouteEvent> = k
        .trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(matches!(kinds.last(), Some(RouteEvent::Freed { .. })));
    assert!(kinds
        .iter()
        .any(|e| matches!(e, RouteEvent::Deleted { refcnt: 1, .. })));
}

#[test]
fn unreferenced_route_is_freed_by_the_delete_itself() {
    let (mut k, mut it) = with_ten_eight();
    assert_eq!(
        exec(&mut k, &mut it, "route_delete(10.0.0.0/8)").unwrap(),
        Value::Int(0)
    );
    assert!(k.rt.entry(0).unwrap().freed.is_some());
    assert_eq!(kvar(&k, "rttrash"), 0);
    assert_eq!(
        exec(&mut k, &mut it, "route_delete(10.0.0.0/8)").unwrap(),
        Value::Int(3),
        "ESRCH"
    );
    let types: Vec<RtmType> = k.rt.rtm.iter().map(|m| m.kind).collect();
    assert_eq!(types, vec![RtmType::Add, RtmType::Delete]);
}

#[test]
fn rtfree_of_a_live_route_does_not_free() {
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "rt = rtalloc1(10.1.2.3, 0, 0)").unwrap();
    exec(&mut k, &mut it, "rtfree(rt)").unwrap();
    let e = k.rt.entry(0).unwrap();
    assert_eq!(
        (e.refcnt, e.locked, e.freed, e.in_table),
        (0, false, None, true)
    );
    assert_eq!(last_note(&k), (Some(0), false));
    assert_eq!(
        var(&it, "rt"),
        Value::Route(0),
        "rtfree does not touch the variable"
    );
    // A second rtfree now trips RT_REMREF's assertion... after RT_LOCK_ASSERT: not locked.
    let m = panic_msg(exec(&mut k, &mut it, "rtfree(rt)"));
    assert!(m.starts_with("mutex rtentry not owned at"), "{m}");
}

#[test]
fn double_rtfree_panics() {
    // Through the same variable: the first RTFREE_LOCKED set it to NULL.
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "rt = rtalloc1(10.1.2.3, 0, 0)").unwrap();
    exec(&mut k, &mut it, "RTFREE_LOCKED(rt)").unwrap();
    assert_eq!(var(&it, "rt"), Value::Null);
    let m = panic_msg(exec(&mut k, &mut it, "RTFREE_LOCKED(rt)"));
    assert!(m.starts_with("Fatal trap 12: page fault"), "{m}");
    assert!(k.panic.is_some());

    // Through a copy of the pointer, after the entry really was freed: use after free.
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "rt = rtalloc1(10.1.2.3, 0, 0)").unwrap();
    it.vars.insert("rt2".into(), var(&it, "rt"));
    exec(&mut k, &mut it, "RT_UNLOCK(rt)").unwrap();
    exec(&mut k, &mut it, "route_delete(10.0.0.0/8)").unwrap();
    exec(&mut k, &mut it, "RTFREE(rt)").unwrap();
    let m = panic_msg(exec(&mut k, &mut it, "RTFREE(rt2)"));
    assert!(m.starts_with("mtx_lock() of destroyed mutex"), "{m}");
    assert!(m.contains("use after free"), "{m}");
}

#[test]
fn refcount_macros_assert_the_lock() {
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "rt = rtalloc1(10.1.2.3, 0, 0)").unwrap();
    // Locked by rtalloc1: ADDREF is fine, and RT_LOCK again is recursion.
    exec(&mut k, &mut it, "RT_ADDREF(rt)").unwrap();
    assert_eq!(k.rt.entry(0).unwrap().refcnt, 2);
    let mut k2 = k.clone();
    let m = panic_msg(exec(&mut k2, &mut it.clone(), "RT_LOCK(rt)"));
    assert!(
        m.starts_with("_mtx_lock_sleep: recursed on non-recursive mutex rtentry"),
        "{m}"
    );
    // route delete from this thread must take the lock it holds: recursion too.
    let mut k3 = k.clone();
    let m = panic_msg(exec(&mut k3, &mut it.clone(), "route_delete(10.0.0.0/8)"));
    assert!(m.contains("recursed on non-recursive mutex rtentry"), "{m}");
    // Unlocked: RT_ADDREF and RT_REMREF assert ownership.
    exec(&mut k, &mut it, "RT_UNLOCK(rt)").unwrap();
    let mut k4 = k.clone();
    let m = panic_msg(exec(&mut k4, &mut it.clone(), "RT_ADDREF(rt)"));
    assert_eq!(m, "mutex rtentry not owned at net/route.h (RT_ADDREF)");
    let m = panic_msg(exec(&mut k.clone(), &mut it.clone(), "RT_UNLOCK(rt)"));
    assert_eq!(m, "mutex rtentry not owned at net/route.h (RT_UNLOCK)");
    // RT_REMREF down to 0, then once more: "bogus refcnt 0".
    exec(&mut k, &mut it, "RT_LOCK(rt)").unwrap();
    exec(&mut k, &mut it, "RT_REMREF(rt)").unwrap();
    exec(&mut k, &mut it, "RT_REMREF(rt)").unwrap();
    let m = panic_msg(exec(&mut k, &mut it, "RT_REMREF(rt)"));
    assert_eq!(m, "bogus refcnt 0");
    // After a panic the machine refuses everything.
    assert!(exec(&mut k, &mut it, "rtalloc1(0.0.0.1, 0, 0)").is_err());
}

#[test]
fn struct_route_cache_is_kept_while_up_and_replaced_when_deleted() {
    let (mut k, mut it) = with_ten_eight();
    exec(&mut k, &mut it, "ro.ro_dst = 10.1.2.3").unwrap();
    exec(&mut k, &mut it, "rtalloc(&ro)").unwrap();
    assert_eq!(last_note(&k), (Some(1), false));
    let first = calls::route::read_field(&k, "ro", "ro_rt").unwrap();
    assert_eq!(first, Value::Route(0));
    assert!(
        !k.rt.entry(0).unwrap().locked,
        "rtalloc returns the route unlocked"
    );
    // Again: RTF_UP still set, so no lookup and no new reference.
    let unreach = kvar(&k, "rts_unreach");
    exec(&mut k, &mut it, "rtalloc_fib(&ro, 0)").unwrap();
    assert_eq!(k.rt.entry(0).unwrap().refcnt, 1);
    assert_eq!(k.rt.entry(0).unwrap().use_count, 1, "no second lookup");
    assert_eq!(kvar(&k, "rts_unreach"), unreach);
    // Delete it and add a more specific route: the cache still points at the old entry,
    // which waits in rttrash.
    exec(&mut k, &mut it, "route_delete(10.0.0.0/8)").unwrap();
    exec(&mut k, &mut it, "route_add(10.1.0.0/16, 192.168.1.2)").unwrap();
    assert_eq!(kvar(&k, "rttrash"), 1);
    // Next use notices RTF_UP is clear: RTFREE (which frees it) and a new lookup.
    exec(&mut k, &mut it, "rtalloc_ign(&ro, 0)").unwrap();
    assert!(k.rt.entry(0).unwrap().freed.is_some());
    assert_eq!(kvar(&k, "rttrash"), 0);
    assert_eq!(
        calls::route::read_field(&k, "ro", "ro_rt").unwrap(),
        Value::Route(1)
    );
    assert_eq!(k.rt.entry(1).unwrap().refcnt, 1);
    assert!(k
        .trace
        .events
        .iter()
        .any(|e| matches!(*e.kind, EventKind::Route(RouteEvent::CacheStale { .. }))));
    // RO_RTFREE drops the reference and NULLs ro_rt; the route stays in the table.
    exec(&mut k, &mut it, "RO_RTFREE(&ro)").unwrap();
    assert_eq!(last_note(&k), (Some(0), false));
    assert_eq!(
        calls::route::read_field(&k, "ro", "ro_rt").unwrap(),
        Value::Null
    );
    assert!(k.rt.entry(1).unwrap().in_table);
    // With RT_NORTREF the cache holds no reference, and RO_RTFREE only forgets the pointer.
    exec(&mut k, &mut it, "rtalloc(&ro)").unwrap();
    exec(&mut k, &mut it, "ro.ro_flags = 2").unwrap();
    exec(&mut k, &mut it, "RO_RTFREE(&ro)").unwrap();
    assert_eq!(
        k.rt.entry(1).unwrap().refcnt,
        1,
        "the reference is left alone"
    );
    assert_eq!(
        calls::route::read_field(&k, "ro", "ro_flags").unwrap(),
        Value::Int(0)
    );
}

#[test]
fn rtm_miss_only_when_asked_to_report() {
    let (mut k, mut it) = with_ten_eight();
    assert_eq!(
        exec(&mut k, &mut it, "r = rtalloc1(11.0.0.1, 0, 0)").unwrap(),
        Value::Null
    );
    assert_eq!(kvar(&k, "rts_unreach"), 1);
    assert!(!k.rt.rtm.iter().any(|m| m.kind == RtmType::Miss));
    exec(&mut k, &mut it, "rtalloc1(11.0.0.1, 1, 0)").unwrap();
    assert_eq!(kvar(&k, "rts_unreach"), 2);
    let miss: Vec<_> =
        k.rt.rtm
            .iter()
            .filter(|m| m.kind == RtmType::Miss)
            .collect();
    assert_eq!(miss.len(), 1);
    assert_eq!(miss[0].dst, "11.0.0.1");
    // rtalloc(&ro) always reports.
    exec(&mut k, &mut it, "ro.ro_dst = 12.0.0.1").unwrap();
    exec(&mut k, &mut it, "rtalloc(&ro)").unwrap();
    assert_eq!(
        k.rt.rtm.iter().filter(|m| m.kind == RtmType::Miss).count(),
        2
    );
    // A default route ends the misses; flags are accepted by name.
    exec(&mut k, &mut it, "route_add(0.0.0.0/0, 192.168.1.1)").unwrap();
    let r = exec(&mut k, &mut it, "d = rtalloc1(11.0.0.1, 1, RTF_GATEWAY)").unwrap();
    assert_eq!(r, Value::Route(1));
    assert_eq!(kvar(&k, "rts_unreach"), 3);
}

#[test]
fn fibs_are_separate_tables() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "rt_numfibs = 2").unwrap();
    exec(&mut k, &mut it, "route_add(10.0.0.0/8, 192.168.1.1, 1)").unwrap();
    assert_eq!(kvar(&k, "rt_numfibs"), 2);
    assert!(
        exec(&mut k, &mut it, "rt_numfibs = 4").is_err(),
        "fixed once routes exist"
    );
    assert_eq!(
        exec(&mut k, &mut it, "rtalloc1_fib(10.1.2.3, 0, 0, 0)").unwrap(),
        Value::Null
    );
    assert_eq!(
        exec(&mut k, &mut it, "rtalloc1(10.1.2.3, 0, 0)").unwrap(),
        Value::Null
    );
    let r = exec(&mut k, &mut it, "rt = rtalloc1_fib(10.1.2.3, 0, 0, 1)").unwrap();
    assert_eq!(r, Value::Route(0));
    assert_eq!(k.rt.entry(0).unwrap().fib, 1);
    // The same prefix may exist in both FIBs.
    assert_eq!(
        exec(&mut k, &mut it, "route_add(10.0.0.0/8, 192.168.1.1)").unwrap(),
        Value::Int(0)
    );
    assert_eq!(
        exec(&mut k, &mut it, "route_add(10.0.0.0/8, 192.168.1.1)").unwrap(),
        Value::Int(17)
    );
    assert_eq!(calls::route::netstat(&k, 0).len(), 1);
    assert_eq!(calls::route::netstat(&k, 1)[0].refs, 1);
    // A FIB that does not exist: a script mistake for route add, a KASSERT for rtalloc1_fib.
    assert!(matches!(
        exec(&mut k, &mut it, "route_add(10.0.0.0/8, 192.168.1.1, 2)"),
        Err(KernelError::Scenario { arg: Some(2), .. })
    ));
    let m = panic_msg(exec(&mut k, &mut it, "rtalloc1_fib(0.0.0.1, 0, 0, 2)"));
    assert!(m.starts_with("rtalloc1_fib: bad fibnum"), "{m}");
}

#[test]
fn netstat_rows_and_dynamic_routes() {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    exec(&mut k, &mut it, "route_add(0.0.0.0/0, 192.168.1.1)").unwrap();
    exec(&mut k, &mut it, "route_add(10.1.2.3, 192.168.1.1)").unwrap();
    let id = machine::with_routes(&mut k, |r, cx| {
        r.rt_add_host_dynamic(0x0a09_0807, GW, 0, 1400, cx)
    })
    .unwrap();
    assert!(machine::with_routes(&mut k, |r, cx| r.rt_add_host_dynamic(
        0x0a09_0807,
        GW,
        0,
        1400,
        cx
    ))
    .is_err());
    let rows = calls::route::netstat(&k, 0);
    let cols: Vec<(&str, &str, u32)> = rows
        .iter()
        .map(|r| (r.destination.as_str(), r.flags.as_str(), r.mtu))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("default", "UGS", 1500),
            ("10.1.2.3", "UGHS", 1500),
            ("10.9.8.7", "UGHD", 1400)
        ]
    );
    assert_eq!(k.rt.rt_lookup_exact(0x0a09_0807, 32, 0), Some(id));
    assert_eq!(
        machine::with_routes(&mut k, |r, cx| r.rt_delete_by_key(0x0a09_0807, 32, 0, cx)).unwrap(),
        0
    );
    assert_eq!(
        machine::with_routes(&mut k, |r, cx| r.rt_delete_by_key(0x0a09_0807, 32, 0, cx)).unwrap(),
        3
    );
    // route change keeps the entry and announces RTM_CHANGE.
    assert_eq!(
        exec(&mut k, &mut it, "route_change(10.1.2.3, 192.168.1.10)").unwrap(),
        Value::Int(0)
    );
    assert_eq!(calls::route::netstat(&k, 0)[1].gateway, "192.168.1.10");
    assert_eq!(k.rt.rtm.last().unwrap().kind, RtmType::Change);
    // Every event narrates itself in one sentence.
    for e in &k.trace.events {
        let s = e.narrate();
        assert!(!s.is_empty() && s.ends_with('.'), "{s}");
    }
}
