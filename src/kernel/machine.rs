//! The machine: the clock, hardclock and softclock, and the handler calls. This is where the
//! facilities meet: each one's hardclock half runs on every tick, then each softclock pass,
//! and what a pass finds due is run here.

use super::openbsd::TimeoutEvent;
use super::route::in_rmx::{self, IN_RTQTIMO};
use super::rttimer::icmp::{self, ICMP_MTUDISC_TIMEOUT, ICMP_REDIRECT_TIMEOUT};
use super::rttimer::{queue, RT_TIMER_CH, RT_TIMER_TIMER};
use super::{calls, Value};
use super::{freebsd, merge_tick, EventKind, Kernel, KernelError, Via, MAX_HANDLER_RUNS_PER_PASS};

impl Kernel {
    /// Runs `n` hardclocks, stopping early on a panic.
    ///
    /// Consecutive ticks of this run on which nothing happened share one [`EventKind::Tick`]
    /// (its `count` grows), so that a million idle ticks cost one event, not a million.
    pub fn run_ticks(&mut self, n: u64) -> Result<(), KernelError> {
        let floor = self.trace.events.len();
        for _ in 0..n {
            self.tick(Some(floor))?;
        }
        Ok(())
    }

    /// One hardclock interrupt: `ticks++`, each wheel's hardclock half, then one softclock pass.
    pub fn hardclock(&mut self) -> Result<(), KernelError> {
        self.tick(None)
    }

    /// `hardclock()`; with `merge_from`, an idle tick extends the previous tick event if that
    /// event is the last one and was recorded at or after index `merge_from`.
    fn tick(&mut self, merge_from: Option<usize>) -> Result<(), KernelError> {
        self.check_alive()?;
        let saved_line = std::mem::replace(&mut self.line, 0);
        let ticks = self.clock.advance();
        let n = self.trace.events.len();
        let merged = match self.trace.events.last_mut() {
            Some(e) if merge_from.is_some_and(|m| n > m) => merge_tick(e, ticks),
            _ => false,
        };
        if !merged {
            self.emit(EventKind::Tick { ticks, count: 1 });
        }
        self.to.hardclock(ticks, &mut self.trace);
        freebsd::hardclock(self);
        let r = timeout_softclock(self).and_then(|_| freebsd::softclock(self));
        self.line = saved_line;
        r
    }
}

/// OpenBSD's softclock: drain `timeout_todo`, running every due timeout's function.
fn timeout_softclock(k: &mut Kernel) -> Result<(), KernelError> {
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
        k.run_handler(Via::Timeout, &due.to_func, &due.to_arg, None)?;
    }
    Ok(())
}

/// Runs `func` if it is one of the kernel's own functions that a timer fires: the rt_timer scan
/// `rt_timer_timer` (a timeout on the OpenBSD wheel, which re-arms itself every second),
/// FreeBSD's `in_rtqtimo` (a callout), and the ICMP timer actions. False if `func` is not one
/// (a scenario handler, or nothing).
pub fn run_kernel_function(k: &mut Kernel, func: &str, arg: &Value) -> Result<bool, KernelError> {
    match func {
        RT_TIMER_TIMER => {
            queue::rt_timer_timer(k)?;
            if k.rtt.initialized {
                calls::openbsd::timeout_add(k, RT_TIMER_CH, i64::from(k.clock.hz))?;
            }
        }
        IN_RTQTIMO => in_rmx::in_rtqtimo(k)?,
        ICMP_MTUDISC_TIMEOUT | ICMP_REDIRECT_TIMEOUT => {
            let Value::Route(rt) = arg else {
                return Err(k.panic(format!("{func}: bad route to timeout (arg {arg})")));
            };
            queue::check_route(k, *rt, func)?;
            if func == ICMP_MTUDISC_TIMEOUT {
                icmp::icmp_mtudisc_timeout(k, *rt)?;
            } else {
                icmp::icmp_redirect_timeout(k, *rt)?;
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}
