//! Shared by the benches: deterministic inputs, the workload sizes, and the periodic-timer
//! scenario that both the replay (wheels.rs) and the step-back (stepback.rs) benches run.
#![allow(dead_code)] // each bench uses part of this

use hardclock::kernel::{calls, Kernel, Operand, Stmt, Value};
use hardclock::script::Interp;

/// The sizes a bench runs at: `base`, then `big` unless `HC_BENCH_SMALL` is set (a quicker run
/// for trying things out; the published table is the full run).
pub fn sizes(base: &[usize], big: usize) -> Vec<usize> {
    let mut v = base.to_vec();
    if std::env::var_os("HC_BENCH_SMALL").is_none() {
        v.push(big);
    }
    v
}

/// xorshift64*: deterministic tables and delays without a rand dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The replay scenario: this many ticks ...
pub const REPLAY_TICKS: u64 = 1_000_000;
/// ... with this many timeouts pending all the time: each is periodic, re-armed by its handler.
pub const REPLAY_TIMERS: usize = 10_000;

/// Each timer's period, uniform in [1000, 100000) ticks.
pub fn periods() -> Vec<u32> {
    let mut r = Rng(7);
    (0..REPLAY_TIMERS)
        .map(|_| 1000 + r.below(99_000) as u32)
        .collect()
}

/// `k` with timeouts `t0..` armed with `periods`, each with a handler `fI` (in `it`) whose body is
/// `timeout_add(&tI, period)`: what a scenario would say, were a script allowed that many
/// objects (scripts stop at `MAX_OBJECTS`, so the benches set the kernel up directly). The
/// log is left empty.
pub fn periodic_kernel((mut k, mut it): (Kernel, Interp), periods: &[u32]) -> (Kernel, Interp) {
    for (i, &p) in periods.iter().enumerate() {
        let (to, func) = (format!("t{i}"), format!("f{i}"));
        let id = calls::openbsd::timeout_set(&mut k, &to, &func, Value::Null);
        calls::openbsd::timeout_add_id(&mut k, id, p as i64).expect("timeout_add");
        let body = Stmt::Call {
            line: 1,
            target: None,
            name: "timeout_add".into(),
            args: vec![Operand::Ref(to), Operand::Lit(Value::Int(p as i64))],
        };
        it.handlers.insert(func, vec![body]);
    }
    k.trace.events.clear();
    // A million recorded ticks are over 400,000 events since boot, where the page's machine
    // stops (`Trace::max_events`, counted since boot whether drained or not): the replay and
    // step-back benches measure the wheel and the reducer past it.
    k.trace.max_events = usize::MAX;
    (k, it)
}
