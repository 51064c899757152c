//! The machine: the clock, hardclock and softclock, and the handler calls. This is where the
//! facilities meet: each one's hardclock half runs on every tick, then each softclock pass,
//! and what a pass finds due is run here.

use super::openbsd::TimeoutEvent;
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
            let name = due.name;
            return Err(k.panic(format!(
                "softclock: more than {MAX_HANDLER_RUNS_PER_PASS} timeouts ran in one pass at tick \
                 {now} (the last one due was {name}): handlers keep re-adding timeouts with 0 \
                 ticks, which OpenBSD 5.6 runs again in the same pass, so softclock would spin \
                 forever"
            )));
        }
        let late = due.late;
        k.emit(TimeoutEvent::Due {
            name: due.name,
            late,
        });
        k.run_handler(Via::Timeout, &due.to_func, &due.to_arg, None)?;
    }
    Ok(())
}
