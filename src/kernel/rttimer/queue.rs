//! The queues, the timers and the 1 Hz scan (`net/route.c`, NetBSD 1.6-3.x).
//!
//! A timer is on two lists at once: its queue's TAILQ (`rtt_next`, appended at the tail) and
//! its route's LIST (`rtt_link`, inserted at the head). `unlink` takes it off both.
//! Nothing here runs an action: an action may be a scenario handler that calls back into this
//! facility, so the scan and a destroying `rt_timer_queue_destroy` hand each timer out, already
//! unlinked, and the caller runs it before asking for the next.

use super::events::{RemoveWhy, RtTimerEvent};
use super::{emit, RtTimer, RtTimerQueue, RtTimers, MAX_RTTIMER_QUEUES};
use crate::kernel::{KernelError, Trace, MAX_HANDLER_RUNS_PER_PASS};

/// The first uptime second whose scan takes a timer stamped `rtt_time` on a queue with
/// `rtq_timeout`: the scan needs `rtt_time + rtq_timeout < time_uptime`, and uptime is whole.
pub fn expiry_second(rtt_time: i64, rtq_timeout: i64) -> i64 {
    rtt_time + rtq_timeout + 1
}

/// The scan's test for one head: strictly older than the timeout.
pub fn expired(rtt_time: i64, rtq_timeout: i64, now: i64) -> bool {
    rtt_time + rtq_timeout < now
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

/// One run of `rt_timer_timer` in progress: the queues it visits, newest first, at uptime
/// second `uptime`.
#[derive(Clone, Debug)]
pub struct Scan {
    uptime: i64,
    order: Vec<u32>,
    /// The queue being drained, as an index into `order`.
    at: usize,
    /// Actions run so far, against [`MAX_HANDLER_RUNS_PER_PASS`].
    runs: usize,
}

impl RtTimers {
    /// A queue pointer that must still point at a queue: unknown is a scenario mistake,
    /// destroyed is a use after free (a panic).
    pub fn check_queue(&self, q: u32, what: &str) -> Result<(), KernelError> {
        match self.queue(q).map(|q| q.destroyed) {
            None => Err(KernelError::msg(format!("{what}: no timer queue q#{q}"))),
            Some(None) => Ok(()),
            Some(Some(t)) => {
                let n = self.queue_name(q);
                Err(KernelError::Panic(format!(
                    "{what}: use of freed rttimer_queue {n}: rt_timer_queue_destroy freed it at tick {t} (use after free)"
                )))
            }
        }
    }

    /// The simulator's cap on queues, checked before `rt_timer_queue_create` does anything.
    pub fn may_create_queue(&self) -> Result<(), KernelError> {
        if self.queues.len() >= MAX_RTTIMER_QUEUES {
            return Err(KernelError::Panic(format!(
                "simulator limit: rt_timer_queue_create: {MAX_RTTIMER_QUEUES} queues created since \
                 boot; the simulated machine stops here so that the page keeps running (every 1 Hz \
                 scan walks every live queue)"
            )));
        }
        Ok(())
    }

    /// `rt_timer_init`, which the first `rt_timer_queue_create` runs: true the first time, when
    /// the caller must arm the scanner `rt_timer_ch` on its boot phase ([`scan_phase_delay`]).
    pub fn rt_timer_init(&mut self) -> bool {
        !std::mem::replace(&mut self.initialized, true)
    }

    /// `rt_timer_queue_create(timeout)`, after [`RtTimers::may_create_queue`] and
    /// [`RtTimers::rt_timer_init`]; `armed_scanner` is the tick the scanner was armed for, if
    /// this call armed it. The new queue goes at the head of the global list.
    pub fn queue_create(
        &mut self,
        timeout: i64,
        kernel_name: Option<&'static str>,
        armed_scanner: Option<i32>,
        now: i32,
        trace: &mut Trace,
    ) -> u32 {
        let id = self.queues.len() as u32;
        self.queues.push(RtTimerQueue {
            id,
            rtq_timeout: timeout,
            rtq_head: Vec::new(),
            kernel_name,
            destroyed: None,
        });
        self.order.insert(0, id);
        let queue = self.queue_name(id);
        let e = RtTimerEvent::QueueCreated {
            queue,
            timeout,
            armed_scanner,
        };
        emit(trace, now, e);
        id
    }

    /// `rt_timer_queue_change(q, timeout)`: overwrites `rtq_timeout`, nothing else. The caller
    /// has checked that `q` is live.
    pub fn queue_change(&mut self, q: u32, timeout: i64, now: i32, trace: &mut Trace) {
        let Some(queue) = self.queues.get_mut(q as usize) else {
            return;
        };
        let from = std::mem::replace(&mut queue.rtq_timeout, timeout);
        let count = queue.rtq_count();
        let queue = self.queue_name(q);
        let e = RtTimerEvent::QueueChanged {
            queue,
            from,
            to: timeout,
            count,
        };
        emit(trace, now, e);
    }

    /// One step of `rt_timer_queue_destroy(q, destroy)`: pops the head timer of `q` and
    /// records it; with `destroy` the caller runs its action. None when the queue is empty (or
    /// gone: an action can do anything); then [`RtTimers::queue_destroyed`] ends the call.
    pub fn destroy_next(
        &mut self,
        q: u32,
        destroy: bool,
        now: i32,
        trace: &mut Trace,
    ) -> Option<RtTimer> {
        let &tid = self.live_queue(q)?.rtq_head.first()?;
        let t = self.unlink(tid)?;
        let (route, func, queue) = (
            t.route_name(),
            t.func_name().to_string(),
            self.queue_name(q),
        );
        let e = if destroy {
            RtTimerEvent::DestroyRuns { route, func, queue }
        } else {
            let why = RemoveWhy::Destroy;
            RtTimerEvent::Removed {
                route,
                func,
                queue,
                why,
            }
        };
        emit(trace, now, e);
        Some(t)
    }

    /// The end of `rt_timer_queue_destroy`: the queue leaves the global list and its memory is
    /// freed (kept here, marked, so that a later use is diagnosed). `removed` timers were
    /// popped, their actions run if `ran_actions`.
    pub fn queue_destroyed(
        &mut self,
        q: u32,
        removed: usize,
        ran_actions: bool,
        now: i32,
        trace: &mut Trace,
    ) {
        // An action may have destroyed the queue already (a handler body can do anything).
        if self.live_queue(q).is_none() {
            return;
        }
        self.order.retain(|&x| x != q);
        self.queues[q as usize].destroyed = Some(now);
        let queue = self.queue_name(q);
        let e = RtTimerEvent::QueueDestroyed {
            queue,
            removed,
            ran_actions,
        };
        emit(trace, now, e);
    }

    /// `rt_timer_add(rt, func, q)` at uptime second `uptime`: drop the route's first timer with
    /// the same function (on any queue), then append a new one stamped with that second.
    /// `rt_cidr` names the route (its `rt_key` and `rt_mask`). Returns 0 (the pool never runs
    /// dry here, so no ENOBUFS).
    #[allow(clippy::too_many_arguments)]
    pub fn timer_add(
        &mut self,
        rt: u32,
        rt_cidr: String,
        func: Option<String>,
        q: u32,
        uptime: i64,
        now: i32,
        trace: &mut Trace,
    ) -> i64 {
        let same = self.rt_timer.get(&rt).and_then(|list| {
            list.iter()
                .copied()
                .find(|t| self.timers.get(t).is_some_and(|t| t.func == func))
        });
        if let Some(old) = same.and_then(|t| self.unlink(t)) {
            let e = RtTimerEvent::Replaced {
                route: old.route_name(),
                func: old.func_name().to_string(),
                queue: self.queue_name(old.queue),
                old_rtt_time: old.rtt_time,
            };
            emit(trace, now, e);
        }
        let id = self.next_timer;
        self.next_timer += 1;
        let timer = RtTimer {
            id,
            rt,
            rt_cidr,
            func,
            queue: q,
            rtt_time: uptime,
        };
        let (route, func) = (timer.route_name(), timer.func_name().to_string());
        self.timers.insert(id, timer);
        self.queues[q as usize].rtq_head.push(id);
        self.rt_timer.entry(rt).or_default().insert(0, id);
        let timeout = self.queues[q as usize].rtq_timeout;
        let e = RtTimerEvent::Added {
            route,
            func,
            queue: self.queue_name(q),
            rtt_time: uptime,
            timeout,
            expiry_second: expiry_second(uptime, timeout),
        };
        emit(trace, now, e);
        0
    }

    /// `rt_timer_remove_all(rt)`: every timer of the route is dropped without running its
    /// action. `why` says who asked: the scenario, or `rtfree` when the route is really freed
    /// (refcount zero, RTF_UP clear; A's `rtfree` calls `rt_timer_remove_all(rt, 0)`). A delete
    /// alone does not call it, so a deleted route that is still referenced keeps its timers.
    pub fn remove_all(&mut self, rt: u32, why: RemoveWhy, now: i32, trace: &mut Trace) {
        let ids = self.rt_timer.get(&rt).cloned().unwrap_or_default();
        for tid in ids {
            if let Some(t) = self.unlink(tid) {
                let e = RtTimerEvent::Removed {
                    route: t.route_name(),
                    func: t.func_name().to_string(),
                    queue: self.queue_name(t.queue),
                    why,
                };
                emit(trace, now, e);
            }
        }
    }

    /// Takes a timer off its queue and its route; None if it is already gone.
    fn unlink(&mut self, tid: u32) -> Option<RtTimer> {
        let t = self.timers.remove(&tid)?;
        if let Some(q) = self.queues.get_mut(t.queue as usize) {
            q.rtq_head.retain(|&x| x != tid);
        }
        if let Some(list) = self.rt_timer.get_mut(&t.rt) {
            list.retain(|&x| x != tid);
            if list.is_empty() {
                self.rt_timer.remove(&t.rt);
            }
        }
        Some(t)
    }

    /// How many timers hang on route `rt`.
    pub fn count_on(&self, rt: u32) -> usize {
        self.rt_timer.get(&rt).map_or(0, Vec::len)
    }

    /// The route's timers, in its own list's order (most recently added first).
    pub fn on_route(&self, rt: u32) -> impl Iterator<Item = &RtTimer> {
        self.rt_timer
            .get(&rt)
            .into_iter()
            .flatten()
            .filter_map(|t| self.timers.get(t))
    }

    /// The Expire column of `netstat -rn` for route `rt`: the earliest expiry second of its
    /// timers, 0 for none.
    pub fn expire_of(&self, rt: u32) -> i64 {
        self.on_route(rt)
            .filter_map(|t| {
                let q = self.queue(t.queue)?;
                Some(expiry_second(t.rtt_time, q.rtq_timeout).max(1))
            })
            .min()
            .unwrap_or(0)
    }

    /// The head of live queue `q` if the scan at uptime `now` takes it, with the queue's
    /// timeout.
    fn expired_head(&self, q: u32, now: i64) -> Option<(u32, i64)> {
        let queue = self.live_queue(q)?;
        let head = self.timers.get(queue.rtq_head.first()?)?;
        expired(head.rtt_time, queue.rtq_timeout, now).then_some((head.id, queue.rtq_timeout))
    }

    /// `rt_timer_timer` at uptime second `uptime` begins: every queue, newest first, is
    /// visited by [`RtTimers::scan_next`].
    pub fn scan_start(&self, uptime: i64, now: i32, trace: &mut Trace) -> Scan {
        let order = self.order.clone();
        // Every queue's name and count are copied into the event only when it is recorded.
        trace.emit_with(now, || {
            let queues = order
                .iter()
                .map(|&q| (self.queue_name(q), self.queues[q as usize].rtq_count()))
                .collect();
            crate::kernel::EventKind::RtTimer(RtTimerEvent::ScanStarted { uptime, queues })
        });
        Scan {
            uptime,
            order,
            at: 0,
            runs: 0,
        }
    }

    /// The next timer the scan takes (expired, popped and recorded): the caller runs its
    /// action, then asks again; None when every queue has been visited.
    pub fn scan_next(
        &mut self,
        scan: &mut Scan,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Option<RtTimer>, KernelError> {
        while let Some(&q) = scan.order.get(scan.at) {
            let Some((tid, timeout)) = self.expired_head(q, scan.uptime) else {
                scan.at += 1;
                continue;
            };
            let Some(t) = self.unlink(tid) else {
                scan.at += 1;
                continue;
            };
            scan.runs += 1;
            if scan.runs > MAX_HANDLER_RUNS_PER_PASS {
                return Err(KernelError::Panic(format!(
                    "rt_timer_timer: more than {MAX_HANDLER_RUNS_PER_PASS} timers expired in one scan: an action keeps re-adding timers that are already expired (negative rtq_timeout?)"
                )));
            }
            let e = RtTimerEvent::Expired {
                route: t.route_name(),
                func: t.func_name().to_string(),
                queue: self.queue_name(q),
                rtt_time: t.rtt_time,
                timeout,
                uptime: scan.uptime,
            };
            emit(trace, now, e);
            return Ok(Some(t));
        }
        Ok(None)
    }
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
