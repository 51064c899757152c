//! Scenario text run statement by statement on a kernel the test keeps, so that a test can be
//! written as a student writes a scenario (`rt = rtalloc1(10.1.2.3, 0, 0)`) and still see what
//! `Kernel::exec` returned: a value, a scenario error or a simulated panic.

use hardclock::kernel::freebsd::CalloutImpl;
use hardclock::kernel::{Kernel, KernelError, Value};
use hardclock::script::check::Checker;
use hardclock::script::Scenario;

/// Parses and checks `text` as a console line would be (against the kernel's `callout_impl`,
/// with the handlers it has), installs the handlers it defines, and executes its statements in
/// order; the result is the last statement's, or the first error. A text the parser or checker
/// refuses is a mistake in the test, not a result, so it panics.
pub fn exec(k: &mut Kernel, text: &str) -> Result<Value, KernelError> {
    let checker = Checker::kernel()
        .already_defined(k.handlers.keys().cloned())
        .calltodo(k.co.impl_ == CalloutImpl::Calltodo);
    let sc = Scenario::compile_with(text, 1, "end of line", &checker)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    sc.install(k);
    let mut last = Value::Null;
    for s in &sc.stmts {
        last = k.exec(&s.stmt)?;
    }
    Ok(last)
}
