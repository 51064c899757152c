//! The queues, the timers and the 1 Hz scan (`net/route.c`, NetBSD 1.6-3.x).
//!
//! A timer is on two lists at once: its queue's TAILQ (`rtt_next`, appended at the tail) and
//! its route's LIST (`rtt_link`, inserted at the head). [`unlink`] takes it off both.
//! The functions here never hold a borrow of the state across an action, because an action
//! may be a scenario handler that calls back into this module.

use super::events::{RemoveWhy, RtTimerEvent};
use super::{RtTimer, RtTimerQueue, MAX_RTTIMER_QUEUES, NULL_FUNC, RT_TIMER_CH, RT_TIMER_TIMER};
use crate::kernel::api::Args;
use crate::kernel::route::{self, RtEntry};
use crate::kernel::MAX_HANDLER_RUNS_PER_PASS;
use crate::kernel::{calls, EventKind, Kernel, KernelError, Value, Via};

/// The first uptime second whose scan takes a timer stamped `rtt_time` on a queue with
/// `rtq_timeout`: the scan needs `rtt_time + rtq_timeout < time_uptime`, and uptime is whole.
pub fn expiry_second(rtt_time: i64, rtq_timeout: i64) -> i64 {
    rtt_time + rtq_timeout + 1
}

/// The scan's test for one head: strictly older than the timeout.
pub fn expired(rtt_time: i64, rtq_timeout: i64, now: i64) -> bool {
    rtt_time + rtq_timeout < now
}

fn emit(k: &mut Kernel, e: RtTimerEvent) {
    k.emit(EventKind::RtTimer(e));
}

fn route_entry(k: &Kernel, rt: u32) -> Option<&RtEntry> {
    k.rt.entry(rt)
}

/// "rt#3 10.9.8.7/32".
pub(super) fn route_name(k: &Kernel, rt: u32) -> String {
    route_entry(k, rt).map_or_else(|| format!("rt#{rt}"), RtEntry::name)
}

/// A queue pointer that must still point at a queue: unknown is a scenario mistake, destroyed
/// is a use after free.
pub(super) fn check_queue(k: &mut Kernel, q: u32, what: &str) -> Result<(), KernelError> {
    match k.rtt.queue(q).map(|q| q.destroyed) {
        None => Err(KernelError::msg(format!("{what}: no timer queue q#{q}"))),
        Some(None) => Ok(()),
        Some(Some(t)) => {
            let n = k.rtt.queue_name(q);
            Err(k.panic(format!(
                "{what}: use of freed rttimer_queue {n}: rt_timer_queue_destroy freed it at tick {t} (use after free)"
            )))
        }
    }
}

/// A route that must not have been freed.
pub fn check_route(k: &mut Kernel, rt: u32, what: &str) -> Result<(), KernelError> {
    match route_entry(k, rt).map(|e| e.freed) {
        None => Err(KernelError::msg(format!("{what}: no route rt#{rt}"))),
        Some(None) => Ok(()),
        Some(Some(t)) => {
            let n = route_name(k, rt);
            Err(k.panic(format!(
                "{what}: use of freed rtentry {n}: it was freed at tick {t} (use after free)"
            )))
        }
    }
}

/// A `struct rtentry *` argument that will be dereferenced.
pub(super) fn route_arg(k: &mut Kernel, args: &Args, i: usize) -> Result<u32, KernelError> {
    let Some(rt) = args.route(i)? else {
        return Err(k.panic(format!(
            "Fatal trap 12: page fault while in kernel mode: {} dereferenced a NULL struct rtentry *",
            args.name
        )));
    };
    check_route(k, rt, args.name).map_err(|e| match e {
        KernelError::Scenario { msg, .. } => KernelError::arg(i, msg),
        p => p,
    })?;
    Ok(rt)
}

/// Ticks from now to the scanner's next run on its boot phase. In the kernel `ip_init()` and
/// `icmp_init()` create their queues at boot, so `rt_timer_init` armed `rt_timer_ch` for `hz`
/// at tick 0 and every scan re-arms for `hz`: scans fall on hz, 2hz, 3hz ... hardclocks after
/// boot. Arming it lazily must land on the same ticks: the rest of the current second. (At a
/// whole second, the scan of this very tick has already run in the booted kernel, so the next
/// is a full `hz` away.)
pub fn scan_phase_delay(elapsed: u64, hz: i32) -> i64 {
    let hz = u64::from(hz.unsigned_abs().max(1));
    (hz - elapsed % hz) as i64
}

/// `rt_timer_queue_create(timeout)`; the first call runs `rt_timer_init`, which arms the
/// scanner on its boot phase ([`scan_phase_delay`]).
pub(super) fn queue_create(
    k: &mut Kernel,
    timeout: i64,
    kernel_name: Option<&'static str>,
) -> Result<u32, KernelError> {
    if k.rtt.queues.len() >= MAX_RTTIMER_QUEUES {
        return Err(k.panic(format!(
            "simulator limit: rt_timer_queue_create: {MAX_RTTIMER_QUEUES} queues created since \
             boot; the simulated machine stops here so that the page keeps running (every 1 Hz \
             scan walks every live queue)"
        )));
    }
    let armed_scanner = if k.rtt.initialized {
        None
    } else {
        k.rtt.initialized = true;
        let delay = scan_phase_delay(k.clock.elapsed, k.clock.hz);
        calls::openbsd::timeout_set(k, RT_TIMER_CH, RT_TIMER_TIMER, Value::Null);
        calls::openbsd::timeout_add(k, RT_TIMER_CH, delay)?;
        Some(k.clock.ticks.wrapping_add(delay as i32))
    };
    let id = k.rtt.queues.len() as u32;
    k.rtt.queues.push(RtTimerQueue {
        id,
        rtq_timeout: timeout,
        rtq_head: Vec::new(),
        kernel_name,
        destroyed: None,
    });
    k.rtt.order.insert(0, id);
    let queue = k.rtt.queue_name(id);
    emit(
        k,
        RtTimerEvent::QueueCreated {
            queue,
            timeout,
            armed_scanner,
        },
    );
    Ok(id)
}

/// `rt_timer_queue_change(q, timeout)`: overwrites `rtq_timeout`, nothing else. The caller
/// has checked that `q` is live.
pub(super) fn queue_change(k: &mut Kernel, q: u32, timeout: i64) {
    let Some(queue) = k.rtt.queues.get_mut(q as usize) else {
        return;
    };
    let from = std::mem::replace(&mut queue.rtq_timeout, timeout);
    let count = queue.rtq_count();
    let routes: Vec<u32> = queue
        .rtq_head
        .iter()
        .filter_map(|t| k.rtt.timers.get(t).map(|t| t.rt))
        .collect();
    for rt in routes {
        refresh_expire(k, rt);
    }
    let queue = k.rtt.queue_name(q);
    emit(
        k,
        RtTimerEvent::QueueChanged {
            queue,
            from,
            to: timeout,
            count,
        },
    );
}

/// `rt_timer_queue_destroy(q, destroy)`: pops every timer from the head (running its action
/// if `destroy`), then unlinks the queue from the global list.
pub(super) fn queue_destroy(k: &mut Kernel, q: u32, destroy: bool) -> Result<(), KernelError> {
    let mut removed = 0;
    while let Some(&tid) = k.rtt.live_queue(q).and_then(|q| q.rtq_head.first()) {
        let Some(t) = unlink(k, tid) else { break };
        removed += 1;
        let (route, func, queue) = (
            route_name(k, t.rt),
            t.func_name().to_string(),
            k.rtt.queue_name(q),
        );
        if destroy {
            emit(k, RtTimerEvent::DestroyRuns { route, func, queue });
            run_action(k, &t)?;
        } else {
            let why = RemoveWhy::Destroy;
            emit(
                k,
                RtTimerEvent::Removed {
                    route,
                    func,
                    queue,
                    why,
                },
            );
        }
    }
    // An action may have destroyed the queue already (a handler body can do anything).
    if k.rtt.live_queue(q).is_none() {
        return Ok(());
    }
    k.rtt.order.retain(|&x| x != q);
    k.rtt.queues[q as usize].destroyed = Some(k.clock.ticks);
    let queue = k.rtt.queue_name(q);
    emit(
        k,
        RtTimerEvent::QueueDestroyed {
            queue,
            removed,
            ran_actions: destroy,
        },
    );
    Ok(())
}

/// `rt_timer_add(rt, func, q)`: drop the route's first timer with the same function (on any
/// queue), then append a new one stamped with the current uptime. Returns 0 (the pool never
/// runs dry here, so no ENOBUFS).
pub(super) fn timer_add(
    k: &mut Kernel,
    rt: u32,
    func: Option<String>,
    q: u32,
) -> Result<i64, KernelError> {
    let same = route_entry(k, rt).and_then(|e| {
        e.timers
            .iter()
            .copied()
            .find(|t| k.rtt.timers.get(t).is_some_and(|t| t.func == func))
    });
    if let Some(old) = same.and_then(|t| unlink(k, t)) {
        let e = RtTimerEvent::Replaced {
            route: route_name(k, rt),
            func: old.func_name().to_string(),
            queue: k.rtt.queue_name(old.queue),
            old_rtt_time: old.rtt_time,
        };
        emit(k, e);
    }
    let rtt_time = k.clock.time_uptime();
    let id = k.rtt.next_timer;
    k.rtt.next_timer += 1;
    let timer = RtTimer {
        id,
        rt,
        func,
        queue: q,
        rtt_time,
    };
    let func = timer.func_name().to_string();
    k.rtt.timers.insert(id, timer);
    k.rtt.queues[q as usize].rtq_head.push(id);
    if let Some(e) = k.rt.entries.get_mut(rt as usize) {
        e.timers.insert(0, id);
    }
    refresh_expire(k, rt);
    let timeout = k.rtt.queues[q as usize].rtq_timeout;
    let e = RtTimerEvent::Added {
        route: route_name(k, rt),
        func,
        queue: k.rtt.queue_name(q),
        rtt_time,
        timeout,
        expiry_second: expiry_second(rtt_time, timeout),
    };
    emit(k, e);
    Ok(0)
}

/// `rt_timer_remove_all(rt, 0)` as `rtfree` calls it when a route is really freed (refcount
/// zero, RTF_UP clear): every timer of the route is dropped without running its action. A
/// delete alone does not call it, so a deleted route that is still referenced keeps its timers.
pub fn remove_all(k: &mut Kernel, rt: u32) {
    remove_all_why(k, rt, RemoveWhy::RouteGone);
}

pub(super) fn remove_all_why(k: &mut Kernel, rt: u32, why: RemoveWhy) {
    let ids = route_entry(k, rt)
        .map(|e| e.timers.clone())
        .unwrap_or_default();
    for tid in ids {
        if let Some(t) = unlink(k, tid) {
            let e = RtTimerEvent::Removed {
                route: route_name(k, rt),
                func: t.func_name().to_string(),
                queue: k.rtt.queue_name(t.queue),
                why,
            };
            emit(k, e);
        }
    }
}

/// Takes a timer off its queue and its route; None if it is already gone.
fn unlink(k: &mut Kernel, tid: u32) -> Option<RtTimer> {
    let t = k.rtt.timers.remove(&tid)?;
    if let Some(q) = k.rtt.queues.get_mut(t.queue as usize) {
        q.rtq_head.retain(|&x| x != tid);
    }
    if let Some(e) = k.rt.entries.get_mut(t.rt as usize) {
        e.timers.retain(|&x| x != tid);
    }
    refresh_expire(k, t.rt);
    Some(t)
}

/// `rmx_expire` for `netstat -rn`: the earliest expiry second of the route's timers, 0 for none.
fn refresh_expire(k: &mut Kernel, rt: u32) {
    let Some(e) = k.rt.entries.get(rt as usize) else {
        return;
    };
    let expire = e
        .timers
        .iter()
        .filter_map(|t| k.rtt.timers.get(t))
        .filter_map(|t| {
            let q = k.rtt.queue(t.queue)?;
            Some(expiry_second(t.rtt_time, q.rtq_timeout).max(1))
        })
        .min()
        .unwrap_or(0);
    k.rt.entries[rt as usize].expire = expire;
}

/// RTTIMER_CALLOUT: the core records the fire and runs a built-in or handler body, on the
/// timer's route even if it has been deleted since (it is not freed: it would have lost its
/// timers). A NULL function is `rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)`: a key and a NULL
/// netmask, no route pointer, so `rn_delete(key, NULL)` removes the head of that key's chain,
/// which may be another route than the timer's (a more specific one, or one added after the
/// timer's route was deleted), and nothing at all when the head is an end marker (ESRCH).
fn run_action(k: &mut Kernel, t: &RtTimer) -> Result<(), KernelError> {
    let Some((key, fib, cidr)) = route_entry(k, t.rt).map(|e| (e.dst, e.fib, e.cidr())) else {
        return Ok(());
    };
    k.run_handler(Via::RtTimer, t.func_name(), &Value::Route(t.rt), Some(cidr))?;
    if t.func.is_none() {
        delete_by_key(k, t.rt, NULL_FUNC, key, fib)?;
    }
    Ok(())
}

/// An action's `rtrequest(RTM_DELETE, rt_key(rt), ..., NULL netmask, ...)` for the timer's
/// route `rt`: the head of the key's chain goes (a kernel-internal delete, no message), and
/// when that is not `rt` itself (it was deleted before its timer ran) the event says what did.
/// Returns 0 or ESRCH.
pub(super) fn delete_by_key(
    k: &mut Kernel,
    rt: u32,
    func: &str,
    key: u32,
    fib: u32,
) -> Result<i64, KernelError> {
    let target = k.rt.tree(fib).and_then(|tree| {
        tree.rn_delete_target(key, None)
            .and_then(|n| tree.node(n).route)
    });
    let error = route::rt_delete_by_key(k, key, 32, fib)?;
    if target != Some(rt) {
        let e = RtTimerEvent::DeletedByKey {
            func: func.to_string(),
            route: route_name(k, rt),
            key: crate::kernel::value::fmt_addr(key),
            deleted: target.filter(|_| error == 0).map(|d| route_name(k, d)),
        };
        emit(k, e);
    }
    Ok(error)
}

/// The head of live queue `q` if the scan at uptime `now` takes it, with the queue's timeout.
fn expired_head(k: &Kernel, q: u32, now: i64) -> Option<(u32, i64)> {
    let queue = k.rtt.live_queue(q)?;
    let head = k.rtt.timers.get(queue.rtq_head.first()?)?;
    expired(head.rtt_time, queue.rtq_timeout, now).then_some((head.id, queue.rtq_timeout))
}

/// `rt_timer_timer`: every queue, newest first; pop heads while expired and run them; then
/// re-arm the scanner for `hz` ticks.
pub fn rt_timer_timer(k: &mut Kernel) -> Result<(), KernelError> {
    let now = k.clock.time_uptime();
    let order = k.rtt.order.clone();
    // Every queue's name and count are copied into the event only when it is recorded.
    k.emit({
        let queues = order
            .iter()
            .map(|&q| (k.rtt.queue_name(q), k.rtt.queues[q as usize].rtq_count()))
            .collect();
        EventKind::RtTimer(RtTimerEvent::ScanStarted {
            uptime: now,
            queues,
        })
    });
    let mut runs = 0usize;
    for q in order {
        while let Some((tid, timeout)) = expired_head(k, q, now) {
            let Some(t) = unlink(k, tid) else { break };
            runs += 1;
            if runs > MAX_HANDLER_RUNS_PER_PASS {
                return Err(k.panic(format!(
                    "rt_timer_timer: more than {MAX_HANDLER_RUNS_PER_PASS} timers expired in one scan: an action keeps re-adding timers that are already expired (negative rtq_timeout?)"
                )));
            }
            let e = RtTimerEvent::Expired {
                route: route_name(k, t.rt),
                func: t.func_name().to_string(),
                queue: k.rtt.queue_name(q),
                rtt_time: t.rtt_time,
                timeout,
                uptime: now,
            };
            emit(k, e);
            run_action(k, &t)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_keeps_its_boot_phase() {
        // rt_timer_init at boot armed rt_timer_ch for hz: scans on hz, 2hz, ... hardclocks.
        // (elapsed hardclocks, hz, ticks to the next scan)
        for (elapsed, hz, want) in [
            (0, 100, 100),
            (1, 100, 99),
            (250, 100, 50),
            (300, 100, 100),
            (399, 100, 1),
            (7, 1, 1),
            (12345, 1000, 655),
        ] {
            assert_eq!(scan_phase_delay(elapsed, hz), want, "{elapsed} at hz {hz}");
            assert_eq!((elapsed + want as u64) % hz as u64, 0);
        }
    }

    #[test]
    fn expiry_second_is_the_first_second_past_the_timeout() {
        // (rtt_time, timeout, first second that passes, last second that does not)
        for (rtt, t, first) in [(0, 0, 1), (0, 1, 2), (5, 600, 606), (7, 0, 8), (3, -5, -1)] {
            assert_eq!(expiry_second(rtt, t), first);
            assert!(expired(rtt, t, first), "{rtt}+{t} at {first}");
            assert!(!expired(rtt, t, first - 1), "{rtt}+{t} at {}", first - 1);
        }
    }
}
