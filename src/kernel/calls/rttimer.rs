//! The scenario's NetBSD `rt_timer(9)` calls: the signatures the checker and the docs read,
//! and how each call reaches [`crate::kernel::rttimer::RtTimers`]. rt_timer works on routes:
//! the route a timer hangs on must not have been freed ([`check_route`]), and a timer's action
//! runs on it (`machine::run_action`, also for a destroying `rt_timer_queue_destroy`). The
//! first queue arms the scanner `rt_timer_ch` on the OpenBSD wheel ([`queue_create`]). Also
//! the views the UI reads, which need the scanner's next fire.

use crate::kernel::api::{Args, Param, Signature};
use crate::kernel::calls::openbsd;
use crate::kernel::machine;
use crate::kernel::openbsd::TIMEOUT_ONQUEUE;
use crate::kernel::route::RtEntry;
use crate::kernel::rttimer::queue::scan_phase_delay;
use crate::kernel::rttimer::{
    QueueView, RemoveWhy, RtTimerQueue, ScanClock, TimerView, RT_TIMER_CH, RT_TIMER_TIMER,
};
use crate::kernel::{Bodies, Kernel, KernelError, Value};

const QUEUE: (&str, Param) = ("struct rttimer_queue *q", Param::Queue);
const RT: (&str, Param) = ("struct rtentry *rt", Param::Route);

pub const API: &[Signature] = &[
    Signature {
        name: "rt_timer_queue_create",
        params: &[("u_int timeout", Param::Int)],
        optional: 0,
        ret: "struct rttimer_queue *",
        page: "rt_timer(9)",
        run: rt_timer_queue_create,
    },
    Signature {
        name: "rt_timer_queue_change",
        params: &[QUEUE, ("long timeout", Param::Int)],
        optional: 0,
        ret: "void",
        page: "rt_timer(9)",
        run: rt_timer_queue_change,
    },
    Signature {
        name: "rt_timer_queue_destroy",
        params: &[QUEUE, ("int destroy", Param::Int)],
        optional: 0,
        ret: "void",
        page: "rt_timer(9)",
        run: rt_timer_queue_destroy,
    },
    Signature {
        name: "rt_timer_count",
        params: &[QUEUE],
        optional: 0,
        ret: "unsigned long",
        page: "net/route.c",
        run: rt_timer_count,
    },
    Signature {
        name: "rt_timer_add",
        params: &[
            RT,
            (
                "void (*fn)(struct rtentry *, struct rttimer *)",
                Param::Func,
            ),
            QUEUE,
        ],
        optional: 0,
        ret: "int",
        page: "rt_timer(9)",
        run: rt_timer_add,
    },
    Signature {
        name: "rt_timer_remove_all",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rt_timer(9)",
        run: rt_timer_remove_all,
    },
];

fn rt_timer_queue_create(
    k: &mut Kernel,
    _: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let t = args.int(0)?;
    if !(0..=i64::from(u32::MAX)).contains(&t) {
        return Err(KernelError::arg(
            0,
            format!(
                "rt_timer_queue_create: timeout is a u_int (0..{}), got {t}",
                u32::MAX
            ),
        ));
    }
    queue_create(k, t, None).map(Value::Queue)
}

fn rt_timer_queue_change(
    k: &mut Kernel,
    _: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let q = queue_arg(k, args, 0)?;
    queue_change(k, q, args.int(1)?);
    Ok(Value::Null)
}

fn rt_timer_queue_destroy(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let q = queue_arg(k, args, 0)?;
    queue_destroy(k, b, q, args.int(1)? != 0)?;
    Ok(Value::Null)
}

fn rt_timer_count(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let q = queue_arg(k, args, 0)?;
    let n = k.rtt.live_queue(q).map_or(0, RtTimerQueue::rtq_count);
    Ok(Value::Int(n as i64))
}

fn rt_timer_add(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let rt = route_arg(k, args, 0)?;
    let func = args.func(1)?.map(str::to_string);
    let q = queue_arg(k, args, 2)?;
    Ok(Value::Int(timer_add(k, rt, func, q)))
}

fn rt_timer_remove_all(
    k: &mut Kernel,
    _: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let rt = route_arg(k, args, 0)?;
    let now = k.clock.ticks;
    k.rtt
        .remove_all(rt, RemoveWhy::RemoveAll, now, &mut k.trace);
    Ok(Value::Null)
}

/// A queue argument that must still exist: a destroyed one is a use after free.
fn queue_arg(k: &mut Kernel, args: &Args, i: usize) -> Result<u32, KernelError> {
    let q = args.queue(i)?;
    check_queue(k, q, args.name).map_err(|e| match e {
        KernelError::Scenario { msg, .. } => KernelError::arg(i, msg),
        p => p,
    })?;
    Ok(q)
}

/// A queue pointer that must still point at a queue (a destroyed one is a use after free).
pub fn check_queue(k: &mut Kernel, q: u32, what: &str) -> Result<(), KernelError> {
    k.rtt.check_queue(q, what).map_err(|e| k.fail(e))
}

/// A route that must not have been freed.
pub fn check_route(k: &mut Kernel, rt: u32, what: &str) -> Result<(), KernelError> {
    match k.rt.entry(rt).map(|e| e.freed) {
        None => Err(KernelError::msg(format!("{what}: no route rt#{rt}"))),
        Some(None) => Ok(()),
        Some(Some(t)) => {
            let n = k.rt.name(rt);
            Err(k.panic(format!(
                "{what}: use of freed rtentry {n}: it was freed at tick {t} (use after free)"
            )))
        }
    }
}

/// A `struct rtentry *` argument that will be dereferenced.
fn route_arg(k: &mut Kernel, args: &Args, i: usize) -> Result<u32, KernelError> {
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

/// `rt_timer_queue_create(timeout)`; the first call runs `rt_timer_init`, which arms the
/// scanner `rt_timer_ch` on the OpenBSD wheel, on its boot phase ([`scan_phase_delay`]).
pub fn queue_create(
    k: &mut Kernel,
    timeout: i64,
    kernel_name: Option<&'static str>,
) -> Result<u32, KernelError> {
    k.rtt.may_create_queue().map_err(|e| k.fail(e))?;
    let armed_scanner = if k.rtt.rt_timer_init() {
        let delay = scan_phase_delay(k.clock.elapsed, k.clock.hz);
        openbsd::timeout_set(k, RT_TIMER_CH, RT_TIMER_TIMER, Value::Null);
        openbsd::timeout_add(k, RT_TIMER_CH, delay)?;
        Some(k.clock.ticks.wrapping_add(delay as i32))
    } else {
        None
    };
    let now = k.clock.ticks;
    let trace = &mut k.trace;
    Ok(k.rtt
        .queue_create(timeout, kernel_name, armed_scanner, now, trace))
}

/// `rt_timer_queue_change(q, timeout)` of a live queue.
pub fn queue_change(k: &mut Kernel, q: u32, timeout: i64) {
    let now = k.clock.ticks;
    k.rtt.queue_change(q, timeout, now, &mut k.trace);
}

/// `rt_timer_queue_destroy(q, destroy)`: pops every timer from the head (running its action
/// if `destroy`), then unlinks the queue from the global list.
pub fn queue_destroy(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    q: u32,
    destroy: bool,
) -> Result<(), KernelError> {
    let mut removed = 0;
    loop {
        let now = k.clock.ticks;
        let Some(t) = k.rtt.destroy_next(q, destroy, now, &mut k.trace) else {
            break;
        };
        removed += 1;
        if destroy {
            machine::run_action(k, b, &t)?;
        }
    }
    let now = k.clock.ticks;
    k.rtt
        .queue_destroyed(q, removed, destroy, now, &mut k.trace);
    Ok(())
}

/// `rt_timer_add(rt, func, q)` on a live route and queue, stamped with the current uptime.
pub fn timer_add(k: &mut Kernel, rt: u32, func: Option<String>, q: u32) -> i64 {
    let cidr = k.rt.entry(rt).map(RtEntry::cidr).unwrap_or_default();
    let (uptime, now) = (k.clock.time_uptime(), k.clock.ticks);
    k.rtt
        .timer_add(rt, cidr, func, q, uptime, now, &mut k.trace)
}

/// The clock as the rt_timer scanner sees it: its next fire on the OpenBSD wheel, if armed.
pub fn scan_clock(k: &Kernel) -> ScanClock {
    ScanClock {
        next_scan: scanner_next_tick(k),
        hz: k.clock.hz,
        elapsed: k.clock.elapsed,
        ticks: k.clock.ticks,
    }
}

/// The tick the scanner `rt_timer_ch` fires next, if it is armed.
pub fn scanner_next_tick(k: &Kernel) -> Option<i32> {
    if k.to.flags(RT_TIMER_CH, TIMEOUT_ONQUEUE) == 0 {
        return None;
    }
    k.to.get(RT_TIMER_CH).map(|v| v.to_time)
}

/// The live rt_timer queues in scan order (newest first), with when each timer goes.
pub fn queues(k: &Kernel) -> Vec<QueueView> {
    k.rtt.queues(&scan_clock(k))
}

/// A route's rt_timers, most recently added first, with when each goes.
pub fn route_timers(k: &Kernel, rt: u32) -> Vec<TimerView> {
    k.rtt.route_timers(rt, &scan_clock(k))
}
