//! Scenario text run statement by statement on a kernel the test keeps, so that a test can be
//! written as a student writes a scenario (`rt = rtalloc1(10.1.2.3, 0, 0)`) and still see what
//! `Interp::exec` returned: a value, a scenario error or a simulated panic; and whole scenarios
//! with what tests read of their traces.
// Each test crate includes this file and uses a part of it.
#![allow(dead_code)]

use hardclock::kernel::freebsd::CalloutImpl;
use hardclock::kernel::route::RouteEvent;
use hardclock::kernel::{EventKind, Kernel, KernelError, Value, Via};
use hardclock::script::check::Checker;
use hardclock::script::{self, trace, Interp, Outcome, Scenario};

/// Parses and checks `text` as a console line would be (against the kernel's `callout_impl`,
/// with the handlers it has), installs the handlers it defines, and executes its statements in
/// order; the result is the last statement's, or the first error. A text the parser or checker
/// refuses is a mistake in the test, not a result, so it panics.
pub fn exec(k: &mut Kernel, it: &mut Interp, text: &str) -> Result<Value, KernelError> {
    let checker = Checker::kernel()
        .already_defined(it.handlers.keys().cloned())
        .calltodo(k.co.impl_ == CalloutImpl::Calltodo);
    let sc = Scenario::compile_with(text, 1, "end of line", &checker)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    sc.install(it);
    let mut last = Value::Null;
    for s in &sc.stmts {
        last = it.exec(k, &s.stmt)?;
    }
    Ok(last)
}

/// Runs a scenario that must finish without error or panic.
pub fn run_ok(src: &str) -> Kernel {
    let r = script::run(src);
    assert_eq!(r.outcome, Outcome::Ok, "scenario:\n{src}");
    r.kernel
}

/// [`run_ok`], with the script's variables.
pub fn run_ok_script(src: &str) -> (Kernel, Interp) {
    let r = script::run(src);
    assert_eq!(r.outcome, Outcome::Ok, "scenario:\n{src}");
    (r.kernel, r.interp)
}

/// The readable trace of a whole scenario, however it ended.
pub fn text(src: &str) -> Vec<String> {
    let r = script::run(src);
    trace::text_lines(&r.kernel, &r.outcome)
}

/// A script variable, NULL if it was never bound.
pub fn var(it: &Interp, name: &str) -> Value {
    it.vars.get(name).cloned().unwrap_or(Value::Null)
}

/// Ticks at which the route `dst` left the table, whoever deleted it (the trace's
/// `route_delete` records).
pub fn deletes(k: &Kernel, dst: &str) -> Vec<i32> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Deleted { id, .. })
                if k.rt.entries[*id as usize].cidr() == dst =>
            {
                Some(e.tick)
            }
            _ => None,
        })
        .collect()
}

/// (tick, func, arg) of every callout handler run.
pub fn callout_fires(k: &Kernel) -> Vec<(i32, String, String)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::Callout,
                func,
                arg,
                ..
            } => Some((e.tick, func.to_string(), arg.to_string())),
            _ => None,
        })
        .collect()
}
