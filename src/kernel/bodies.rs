//! [`Bodies`]: how the machine runs a handler's body without knowing the scenario language.
//!
//! A timer fires a function by name. The kernel's own functions (`rt_timer_timer`,
//! `in_rtqtimo`, ...) run in the kernel; any other name is a body the script defined, and the
//! script's interpreter (`script::Interp`) owns those, with its variables. So everything that
//! can fire a timer (a hardclock, a sleep, a wake-up, an rt_timer queue destroyed with its
//! actions, `icmp_redirtimeout = 0`) takes a `&mut dyn Bodies` and calls back up through it:
//! the kernel depends on this trait, not on the interpreter. [`NoBodies`] is a kernel on its
//! own (the benches, the lab, a test of a facility).

use super::{HandlerEnd, Kernel, KernelError, Stmt};

/// The handler bodies a machine may run.
pub trait Bodies {
    /// Runs handler `func`'s body from its first statement (the fire is already recorded);
    /// `Done` if there is no such body.
    fn start(&mut self, k: &mut Kernel, func: &str) -> Result<HandlerEnd, KernelError>;
    /// Runs the rest of `func`'s body, which stopped half-way ([`HandlerEnd::Suspended`]).
    fn resume(
        &mut self,
        k: &mut Kernel,
        func: &str,
        rest: &[Stmt],
    ) -> Result<HandlerEnd, KernelError>;
    /// A call made by the running body waits (FreeBSD `busy(n)`, a callout handler that finds
    /// its mutex taken): the body stops after the current statement and hands back the rest.
    fn suspend(&mut self);
}

/// No handler bodies: a fire runs the kernel's own functions and nothing else.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoBodies;

impl Bodies for NoBodies {
    fn start(&mut self, _: &mut Kernel, _: &str) -> Result<HandlerEnd, KernelError> {
        Ok(HandlerEnd::Done)
    }

    fn resume(&mut self, _: &mut Kernel, _: &str, _: &[Stmt]) -> Result<HandlerEnd, KernelError> {
        Ok(HandlerEnd::Done)
    }

    /// Only a handler body can wait, and there are none.
    fn suspend(&mut self) {}
}
