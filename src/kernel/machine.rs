//! The machine: the clock, hardclock and softclock, and the handler calls. This is where the
//! facilities meet: each one's hardclock half runs on every tick, then each softclock pass,
//! and what a pass finds due is run here. FreeBSD's softclock thread is a continuation the
//! facility keeps ([`Call`]): the machine makes each call it hands out and reports
//! how the body ended. A script thread that sleeps in a FreeBSD call ([`sleep`]) lets the
//! machine run hardclocks until it can go on. The rt_timer scan hands out what expired and the
//! machine runs the actions ([`rt_timer_timer`], [`run_action`]); the route table's neighbours
//! (the rt_timers on a route, FreeBSD's `in_rtqtimo` callout) are named here
//! ([`with_routes`]).
//!
//! The syscall glue (`kernel::calls`) calls down into the machine (a sleep, a wake-up, a route
//! operation); the machine calls no glue.
//!
//! A handler body belongs to the script, not the kernel: every entry point here that can fire
//! a timer takes the [`Bodies`] that run them (`script::Interp`, or [`NoBodies`] for a kernel
//! on its own), as a `&mut dyn` so that a fire costs no allocation.

use super::freebsd::{Call, CalloutEvent, Callouts, Sleep, GIANT};
use super::openbsd::TimeoutEvent;
use super::route::in_rmx::{IN_RTQTIMO, RTQ_TIMER};
use super::route::{Cx, Neighbours, Routes};
use super::rttimer::{RemoveWhy, RtTimer, RtTimerEvent, RtTimers, NULL_FUNC};
use super::value::fmt_addr;
use super::{
    merge_tick, Bodies, EventKind, HandlerEnd, Kernel, KernelError, NoBodies, Trace, Value, Via,
    MAX_HANDLER_RUNS_PER_PASS,
};

impl Kernel {
    /// One hardclock with no handler bodies: a kernel on its own (the benches, the lab, a test
    /// of a facility). A script's machine runs [`hardclock`] with its interpreter; the name says
    /// so at each call, since a fire here runs only the kernel's own functions.
    pub fn hardclock_kernel_only(&mut self) -> Result<(), KernelError> {
        hardclock(self, &mut NoBodies)
    }

    /// [`run_ticks`] with no handler bodies, like [`Kernel::hardclock_kernel_only`].
    pub fn run_ticks_kernel_only(&mut self, n: u64) -> Result<(), KernelError> {
        run_ticks(self, &mut NoBodies, n)
    }
}

/// Runs `n` hardclocks, stopping early on a panic.
///
/// Consecutive ticks of this run on which nothing happened share one [`EventKind::Tick`]
/// (its `count` grows), so that a million idle ticks cost one event, not a million.
pub fn run_ticks(k: &mut Kernel, b: &mut dyn Bodies, n: u64) -> Result<(), KernelError> {
    let floor = k.trace.events.len();
    for _ in 0..n {
        tick(k, b, Some(floor))?;
    }
    Ok(())
}

/// One hardclock interrupt: `ticks++`, each wheel's hardclock half, then one softclock pass.
pub fn hardclock(k: &mut Kernel, b: &mut dyn Bodies) -> Result<(), KernelError> {
    tick(k, b, None)
}

/// `hardclock()`; with `merge_from`, an idle tick extends the previous tick event if that
/// event is the last one and was recorded at or after index `merge_from`.
fn tick(k: &mut Kernel, b: &mut dyn Bodies, merge_from: Option<usize>) -> Result<(), KernelError> {
    k.check_alive()?;
    let ticks = k.clock.advance();
    let n = k.trace.events.len();
    let merged = match k.trace.events.last_mut() {
        Some(e) if merge_from.is_some_and(|m| n > m) => merge_tick(e, ticks),
        _ => false,
    };
    if !merged {
        k.emit(EventKind::Tick { ticks, count: 1 });
    }
    k.to.hardclock(ticks, &mut k.trace);
    let boot = k.clock.elapsed == 1;
    k.co.hardclock(ticks, boot, &mut k.trace);
    timeout_softclock(k, b).and_then(|_| callout_softclock(k, b))
}

/// OpenBSD's softclock: drain `timeout_todo`, running every due timeout's function.
fn timeout_softclock(k: &mut Kernel, b: &mut dyn Bodies) -> Result<(), KernelError> {
    let mut runs = 0usize;
    let now = k.clock.ticks;
    while let Some(due) = k.to.softclock_next(now, &mut k.trace) {
        runs += 1;
        if runs > MAX_HANDLER_RUNS_PER_PASS {
            let name = k.to.name_of(due.id);
            return Err(k.panic(format!(
                "softclock: more than {MAX_HANDLER_RUNS_PER_PASS} timeouts ran in one pass at tick \
                 {now} (the last one due was {name}): handlers keep re-adding timeouts with 0 \
                 ticks, which OpenBSD 5.6 runs again in the same pass, so softclock would spin \
                 forever"
            )));
        }
        let to = &k.to;
        k.trace.emit_with(now, || TimeoutEvent::Due {
            name: to.name_of(due.id),
            late: due.late,
        });
        k.run_handler(b, Via::Timeout, &due.to_func, &due.to_arg, None)?;
    }
    Ok(())
}

/// FreeBSD's softclock pass: the calltodo list and the due buckets, with the softclock thread
/// servicing what they hand it, until the pass is over or the thread waits (`busy(n)`, a
/// mutex).
fn callout_softclock(k: &mut Kernel, b: &mut dyn Bodies) -> Result<(), KernelError> {
    k.co.begin_pass(k.clock.ticks)?;
    let r = callout_pass(k, b);
    k.co.end_pass();
    r
}

fn callout_pass(k: &mut Kernel, b: &mut dyn Bodies) -> Result<(), KernelError> {
    loop {
        let now = k.clock.ticks;
        let next = k.co.softclock_next(now, &mut k.trace);
        let Some(call) = next.map_err(|e| k.fail(e))? else {
            return Ok(());
        };
        let end = match call {
            Call::Start { func, arg } => {
                k.co.th.in_handler = true;
                let r = k.start_handler(b, Via::Callout, &func, &arg, None);
                k.co.th.in_handler = false;
                r?
            }
            Call::Resume { func, rest } => {
                // The call the body waited in returns now.
                if let Some(call) = k.waiting_call.take() {
                    k.emit(call.event());
                }
                k.emit(CalloutEvent::Resume { func: func.clone() });
                k.co.th.in_handler = true;
                let r = k.check_alive().and_then(|_| b.resume(k, &func, &rest));
                k.co.th.in_handler = false;
                r?
            }
        };
        match end {
            HandlerEnd::Done => {
                let now = k.clock.ticks;
                let r = k.co.handler_returned(now, &mut k.trace);
                r.map_err(|e| k.fail(e))?;
            }
            HandlerEnd::Suspended(rest, call) => {
                k.co.handler_suspended(rest);
                k.waiting_call = call;
            }
        }
    }
}

/// `mtx_unlock` -> `turnstile_unpend`: if the softclock thread waits for `m`, which the script
/// thread just let go of (`by`), it runs at once and finishes this tick's softclock pass before
/// the script thread goes on, in the same tick.
pub fn wake_softclock(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    m: &str,
    by: String,
) -> Result<(), KernelError> {
    let now = k.clock.ticks;
    if !k.co.wake_waiter(m, by, now, &mut k.trace) {
        return Ok(());
    }
    callout_softclock(k, b)
}

/// The script thread sleeps as `s` says (in `callout_drain`, `mtx_lock`), running hardclocks
/// until the softclock thread lets it go on. A sleep proper drops Giant for its duration
/// (`DROP_GIANT()` / `PICKUP_GIANT()`), which may itself wake the softclock thread.
pub fn sleep(k: &mut Kernel, b: &mut dyn Bodies, s: &Sleep) -> Result<(), KernelError> {
    k.co.begin_sleep(s, k.clock.ticks, &mut k.trace)?;
    let giant = if s.sleep {
        let now = k.clock.ticks;
        let count = k.co.drop_giant(&s.call, now, &mut k.trace);
        if count > 0 {
            wake_softclock(k, b, GIANT, "DROP_GIANT()".to_string())?;
        }
        count
    } else {
        0
    };
    let mut after = 0u32;
    loop {
        let now = k.clock.ticks;
        if k.co.sleep_over(s, after, now, &mut k.trace) {
            break;
        }
        let r = k.co.check_deadlock(s, after, now, &mut k.trace);
        r.map_err(|e| k.fail(e))?;
        hardclock(k, b)?;
        after += 1;
    }
    if giant > 0 {
        if let Some(wait) = k.co.giant_wait(&s.call) {
            sleep(k, b, &wait)?;
        }
        let now = k.clock.ticks;
        k.co.pickup_giant(&s.call, giant, now, &mut k.trace);
    }
    Ok(())
}

/// `rt_timer_timer`, the rt_timer scan: every queue, newest first; pop heads while expired
/// and run their actions. (The caller re-arms the scanner for `hz` ticks.)
pub fn rt_timer_timer(k: &mut Kernel, b: &mut dyn Bodies) -> Result<(), KernelError> {
    let (uptime, now) = (k.clock.time_uptime(), k.clock.ticks);
    let mut scan = k.rtt.scan_start(uptime, now, &mut k.trace);
    loop {
        let now = k.clock.ticks;
        let next = k.rtt.scan_next(&mut scan, now, &mut k.trace);
        let Some(t) = next.map_err(|e| k.fail(e))? else {
            return Ok(());
        };
        run_action(k, b, &t)?;
    }
}

/// RTTIMER_CALLOUT: records the fire and runs a built-in or handler body, on the timer's route
/// even if it has been deleted since (it is not freed: it would have lost its timers). A NULL
/// function is `rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)`: a key and a NULL netmask, no
/// route pointer, so `rn_delete(key, NULL)` removes the head of that key's chain, which may be
/// another route than the timer's (a more specific one, or one added after the timer's route
/// was deleted), and nothing at all when the head is an end marker (ESRCH).
pub fn run_action(k: &mut Kernel, b: &mut dyn Bodies, t: &RtTimer) -> Result<(), KernelError> {
    let Some((key, fib, cidr)) = k.rt.entry(t.rt).map(|e| (e.dst, e.fib, e.cidr())) else {
        return Ok(());
    };
    k.run_handler(
        b,
        Via::RtTimer,
        t.func_name(),
        &Value::Route(t.rt),
        Some(cidr),
    )?;
    if t.func.is_none() {
        delete_by_key(k, t.rt, NULL_FUNC, key, fib)?;
    }
    Ok(())
}

/// An action's `rtrequest(RTM_DELETE, rt_key(rt), ..., NULL netmask, ...)` for the timer's
/// route `rt`: the head of the key's chain goes (a kernel-internal delete, no message), and
/// when that is not `rt` itself (it was deleted before its timer ran) the event says what did.
/// Returns 0 or ESRCH.
pub fn delete_by_key(
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
    let error = with_routes(k, |r, cx| r.rt_delete_by_key(key, 32, fib, cx))?;
    if target != Some(rt) {
        let e = RtTimerEvent::DeletedByKey {
            func: func.to_string(),
            route: k.rt.name(rt),
            key: fmt_addr(key),
            deleted: target.filter(|_| error == 0).map(|d| k.rt.name(d)),
        };
        k.emit(EventKind::RtTimer(e));
    }
    Ok(error)
}

/// The route table's [`Neighbours`] in this kernel: its rt_timers and its callwheel.
struct KernelNeighbours<'a> {
    rtt: &'a mut RtTimers,
    co: &'a mut Callouts,
}

impl Neighbours for KernelNeighbours<'_> {
    fn timers_on(&self, rt: u32) -> usize {
        self.rtt.count_on(rt)
    }

    fn rtfree(&mut self, rt: u32, now: i32, trace: &mut Trace) {
        self.rtt.remove_all(rt, RemoveWhy::RouteGone, now, trace);
    }

    fn arm_rtq_timer(
        &mut self,
        ticks: i64,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        self.co
            .kernel_callout_reset(RTQ_TIMER, true, ticks, IN_RTQTIMO, now, trace)
    }
}

/// Runs `f` on the route table at the current time; a panic it reports halts the machine.
pub fn with_routes<T>(
    k: &mut Kernel,
    f: impl FnOnce(&mut Routes, &mut Cx) -> Result<T, KernelError>,
) -> Result<T, KernelError> {
    let r = {
        let mut neighbours = KernelNeighbours {
            rtt: &mut k.rtt,
            co: &mut k.co,
        };
        let mut cx = Cx {
            now: k.clock.ticks,
            uptime: k.clock.time_uptime(),
            elapsed: k.clock.elapsed,
            hz: k.clock.hz,
            trace: &mut k.trace,
            neighbours: &mut neighbours,
        };
        f(&mut k.rt, &mut cx)
    };
    r.map_err(|e| k.fail(e))
}
