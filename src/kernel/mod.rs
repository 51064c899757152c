//! The simulated kernel: one clock driving four BSD facilities side by side.
//!
//! * [`openbsd`]: OpenBSD `timeout(9)` on the 4x256 hierarchical wheel (Varghese & Lauck scheme 7).
//! * [`freebsd`]: FreeBSD `timeout(9)`/`callout(9)` on the hashed callwheel (scheme 6).
//! * [`rttimer`]: NetBSD `rt_timer(9)` queues, scanned by a 1 Hz timeout on the OpenBSD wheel.
//! * [`route`]: the BSD radix-tree route table with refcounted `rtentry`s and FIBs (`rtalloc(9)`).
//!
//! The kernel is a value. [`Kernel::clone`] is a snapshot; time moves only when
//! [`machine::hardclock`] is called; nothing here reads a wall clock or touches the web. Every
//! change goes through [`Kernel::call`] (a scenario's call by name), [`Kernel::assign_var`] (a
//! tunable) or [`machine::hardclock`] (one tick) and is recorded in [`Kernel::trace`]. A kernel
//! panic is a value: [`Kernel::panic`] is set, a [`EventKind::Panic`] is recorded, and the
//! machine refuses to do anything further.
//!
//! The kernel holds no script state. The scenario interpreter (`script::Interp`: variables,
//! handler bodies, a body that stopped half-way) is above it, and the kernel reaches a handler
//! body only through [`Bodies`], which every call that can fire a timer takes.
//!
//! Three layers, each calling the ones below it (the machine calls back up only through
//! [`Bodies`], to run a handler body):
//! * [`Kernel`] in this file (the machine's state, its checks and budgets) and [`calls`], the
//!   syscall glue: a call by name (a scenario's, or a kernel function a timer fires) reaches
//!   its facility there.
//! * [`machine`]: the clock, the softclock loops, the handler calls, FreeBSD's sleeping script
//!   thread; the one place where facilities meet (rt_timer arming its scanner on the OpenBSD
//!   wheel, the route table freeing a route's rt_timers).
//! * The facilities, plain data: methods that take the time and the [`Trace`] and return what
//!   is due or what they need done. They import nothing from each other; a panic they find is
//!   an `Err(KernelError::Panic)` that [`Kernel::fail`] records.

pub mod api;
pub mod bodies;
pub mod calls;
pub mod clock;
pub mod event;
pub mod freebsd;
pub mod machine;
pub mod name;
pub mod openbsd;
pub mod route;
pub mod rttimer;
pub mod trace;
pub mod value;

use std::rc::Rc;

pub use bodies::{Bodies, NoBodies};
pub use clock::Clock;
pub use event::{Event, EventKind, Via};
pub use name::Name;
pub use trace::{Trace, MAX_EVENTS};
pub use value::{Operand, Stmt, Target, Value};

/// Softclock runs at most this many handlers in one pass. OpenBSD 5.6 would spin forever on a
/// handler that re-adds itself with 0 ticks; the simulator stops it with a panic instead of
/// freezing the tab. Each such run records four events (due, fire, the add and its call record),
/// so the limit stays well below [`MAX_EVENTS`] / 4 and the panic that explains the spin comes
/// before the event log's own limit.
pub const MAX_HANDLER_RUNS_PER_PASS: usize = 50_000;

/// Why a call did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KernelError {
    /// The simulated kernel panicked (or a KASSERT failed): the machine is halted.
    Panic(String),
    /// The scenario asked for something meaningless (wrong type, unknown object). `arg` is the
    /// 0-based argument at fault, so the script can point at its column. `at` is the statement
    /// of a handler body at fault, when the mistake was made inside one (the script finds its
    /// line and column); None for the statement being executed.
    Scenario {
        msg: String,
        arg: Option<usize>,
        at: Option<Box<Stmt>>,
    },
}

impl KernelError {
    pub fn msg(msg: impl Into<String>) -> KernelError {
        KernelError::Scenario {
            msg: msg.into(),
            arg: None,
            at: None,
        }
    }

    pub fn arg(i: usize, msg: impl Into<String>) -> KernelError {
        KernelError::Scenario {
            msg: msg.into(),
            arg: Some(i),
            at: None,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            KernelError::Panic(m) => m,
            KernelError::Scenario { msg, .. } => msg,
        }
    }
}

/// The whole simulated machine.
#[derive(Clone, Debug, Default)]
pub struct Kernel {
    pub clock: Clock,
    /// Everything that happened, in order.
    pub trace: Trace,
    /// The tick at which a driver last renewed the work budgets; None: they count from boot.
    pub budget_since: Option<i32>,
    /// Set once the machine has panicked; nothing runs after that.
    pub panic: Option<String>,
    /// Set once a handler body made a scenario mistake (a wrong type, an unknown object): the
    /// script is wrong, not the kernel, so it is an error with a line and column, not a panic;
    /// but the machine stopped half-way through a softclock pass, so nothing runs after it
    /// either.
    pub fault: Option<KernelError>,
    /// OpenBSD `timeout(9)` state.
    pub to: openbsd::Timeouts,
    /// FreeBSD callwheel state.
    pub co: freebsd::Callouts,
    /// Route tables, one per FIB.
    pub rt: route::Routes,
    /// NetBSD rt_timer queues.
    pub rtt: rttimer::RtTimers,
    /// The record of the call the softclock thread's suspended handler waits in, written when
    /// it resumes. Only the trace needs it, so it lives outside the facilities' state (an
    /// unrecorded kernel has none).
    pub waiting_call: Option<CallRecord>,
}

/// Counts one more idle hardclock, which brought `ticks` to `ticks`, in the tick event `e`;
/// false if `e` is not a tick event.
fn merge_tick(e: &mut Event, ticks: i32) -> bool {
    let EventKind::Tick { count, .. } = *e.kind else {
        return false;
    };
    e.tick = ticks;
    match Rc::get_mut(&mut e.kind) {
        Some(EventKind::Tick { ticks: t, count: c }) => {
            *t = ticks;
            *c = count + 1;
        }
        // Shared with a copy of the machine, which keeps the event as it was.
        _ => {
            e.kind = Rc::new(EventKind::Tick {
                ticks,
                count: count + 1,
            })
        }
    }
    true
}

/// How a handler body ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandlerEnd {
    /// It ran to the end (or was a kernel function, or had no body).
    Done,
    /// A statement asked it to wait; these are the statements still to run, and the record of
    /// the call that waits, written when the body resumes (the call returns then).
    Suspended(Vec<Stmt>, Option<CallRecord>),
}

/// What an [`EventKind::Call`] says, kept while the call has not returned yet: `busy(n)` or an
/// `mtx_lock` that sleeps stop the handler body, and the call returns when the body resumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub line: u32,
    pub name: String,
    pub ret: Option<Value>,
    pub refcnt: Option<i32>,
    pub freed: bool,
    pub handler: Option<Name>,
}

impl CallRecord {
    pub fn event(self) -> EventKind {
        EventKind::Call {
            line: self.line,
            name: self.name,
            ret: self.ret,
            refcnt: self.refcnt,
            freed: self.freed,
            handler: self.handler,
        }
    }
}

impl Kernel {
    pub fn new() -> Kernel {
        Kernel::default()
    }

    /// Records an event stamped with the current `ticks`.
    pub fn emit(&mut self, kind: impl Into<EventKind>) {
        self.trace.emit(self.clock.ticks, kind);
    }

    /// Halts the machine with a panic message and returns the error to propagate.
    pub fn panic(&mut self, msg: impl Into<String>) -> KernelError {
        let msg = msg.into();
        if self.panic.is_none() {
            self.trace.panic(self.clock.ticks, &msg);
            self.panic = Some(msg.clone());
        }
        KernelError::Panic(msg)
    }

    /// Starts the work budgets ([`MAX_EVENTS`], and the interpreter's statements) afresh. The
    /// budgets stop input that would freeze the page or fill its memory: a scenario counts from
    /// boot (the CLI and the app's run of the same scenario stop at the same event). A driver
    /// that takes the events as they come and runs one hardclock at a time, at the user's
    /// request (the app's hardclock, play and jump), renews them before each hardclock: one
    /// hardclock's work is bounded by [`MAX_HANDLER_RUNS_PER_PASS`], and a long run is then
    /// bounded by the ticks one run may have and the driver's own budget per action, not by
    /// the events of the ticks before.
    ///
    /// This renews the machine's budget (the events); the interpreter, which counts the
    /// statements, renews both (`script::Interp::renew_budgets`).
    pub fn renew_budgets(&mut self) {
        self.trace.budget_from = self.trace.emitted;
        self.budget_since = Some(self.clock.ticks);
    }

    /// "since boot", or since the tick the budgets were renewed at.
    pub fn budget_origin(&self) -> String {
        match self.budget_since {
            None => "since boot".into(),
            Some(t) => format!("since ticks was {t}"),
        }
    }

    /// Records the panic a facility reported (an `Err(KernelError::Panic)` of a facility's
    /// method, which has no machine to halt), halting the machine; a scenario error passes as
    /// it is. A panic already recorded is not recorded again.
    pub fn fail(&mut self, e: KernelError) -> KernelError {
        match e {
            KernelError::Panic(msg) => self.panic(msg),
            e => e,
        }
    }

    /// Refuses to go on after a panic; also halts, between two steps, a machine that has
    /// recorded its budget of events (see [`MAX_EVENTS`] and [`Kernel::renew_budgets`]).
    pub fn check_alive(&mut self) -> Result<(), KernelError> {
        if self.panic.is_none() && self.trace.is_full() {
            let max = self.trace.max_events;
            let since = self.budget_origin();
            return Err(self.panic(format!(
                "simulator limit: {max} events recorded {since}; the simulated machine stops \
                 here so that the page keeps running (run fewer ticks per statement, or fewer \
                 timers)"
            )));
        }
        if let Some(e) = &self.fault {
            return Err(e.clone());
        }
        match &self.panic {
            Some(m) => Err(KernelError::Panic(m.clone())),
            None => Ok(()),
        }
    }

    /// The machine has stopped: a simulated panic, or a scenario mistake in a handler body.
    pub fn halted(&self) -> bool {
        self.panic.is_some() || self.fault.is_some()
    }

    /// Reads a kernel variable (`hz`, `ticks`, `tick`, `time_uptime`, facility tunables).
    pub fn kernel_var(&self, name: &str) -> Option<Value> {
        let n = match name {
            "hz" => self.clock.hz as i64,
            "tick" => self.clock.tick as i64,
            "ticks" => self.clock.ticks as i64,
            "time_uptime" => self.clock.time_uptime(),
            _ => {
                return self
                    .co
                    .read_var(name, self.clock.ticks)
                    .or_else(|| self.rt.read_var(name))
                    .or_else(|| self.rtt.read_var(name))
            }
        };
        Some(Value::Int(n))
    }

    /// Stores to a kernel variable (`hz`, `ticks`, a facility's tunable), which may be refused
    /// after boot. False if `name` is not the kernel's: it is then the script's own variable.
    /// `icmp_redirtimeout = 0` destroys a queue, running its actions through `bodies`.
    pub fn assign_var(
        &mut self,
        bodies: &mut dyn Bodies,
        name: &str,
        v: &Value,
    ) -> Result<bool, KernelError> {
        let as_i32 = |v: &Value| -> Result<i32, KernelError> {
            match v {
                Value::Int(n) if *n >= i32::MIN as i64 && *n <= i32::MAX as i64 => Ok(*n as i32),
                // `int ticks` and `int hz` are C ints: say so rather than "must
                // be an int, got int" for a number past their range.
                Value::Int(n) => Err(KernelError::msg(format!(
                    "{name} = {n} does not fit in an int ({} to {})",
                    i32::MIN,
                    i32::MAX
                ))),
                _ => Err(KernelError::msg(format!(
                    "{name} must be an int, got {}",
                    v.type_name()
                ))),
            }
        };
        match name {
            "hz" => self.clock.set_hz(as_i32(v)?).map_err(KernelError::msg)?,
            "ticks" => self.clock.set_ticks(as_i32(v)?).map_err(KernelError::msg)?,
            "tick" | "time_uptime" => {
                return Err(KernelError::msg(format!(
                    "{name} is derived from the clock and cannot be set"
                )))
            }
            _ => {
                return Ok(self.co.write_var(name, v, self.clock.booted())?
                    || calls::route::write_var(self, name, v)?
                    || calls::icmp::write_var(self, bodies, name, v)?)
            }
        }
        Ok(true)
    }

    /// Calls an API function by name with evaluated arguments; a timer it fires runs its
    /// body through `bodies`.
    pub fn call(
        &mut self,
        bodies: &mut dyn Bodies,
        name: &str,
        vals: &[Value],
    ) -> Result<Value, KernelError> {
        self.check_alive()?;
        calls::call(self, bodies, &api::Args { name, vals })
    }

    /// Runs a handler in softclock context: records the fire, then runs a kernel function or
    /// the script's body for `func` (through `bodies`). A handler with no body just returns.
    pub fn run_handler(
        &mut self,
        bodies: &mut dyn Bodies,
        via: Via,
        func: &str,
        arg: &Value,
        route: Option<String>,
    ) -> Result<(), KernelError> {
        self.start_handler(bodies, via, func, arg, route)
            .map(|_| ())
    }

    /// Like [`Kernel::run_handler`], but the body may stop half-way (see [`Bodies::suspend`]);
    /// the caller keeps the rest and later passes it to [`Bodies::resume`]. The order of the
    /// checks is the same recording or not: a fire on a halted or full machine stops with the
    /// same panic.
    pub fn start_handler(
        &mut self,
        bodies: &mut dyn Bodies,
        via: Via,
        func: &str,
        arg: &Value,
        route: Option<String>,
    ) -> Result<HandlerEnd, KernelError> {
        self.check_alive()?;
        self.trace.emit_with(self.clock.ticks, || EventKind::Fire {
            via,
            func: Name::from(func),
            arg: Name::display(arg),
            route,
        });
        if calls::run_kernel_function(self, bodies, func, arg)? {
            return Ok(HandlerEnd::Done);
        }
        bodies.start(self, func)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_a_tick_never_changes_a_copy_that_shares_the_event() {
        let tick = |ticks, count| Event {
            tick: ticks,
            kind: Rc::new(EventKind::Tick { ticks, count }),
        };
        let mut own = tick(5, 1);
        assert!(merge_tick(&mut own, 6));
        assert_eq!(own, tick(6, 2));
        let kept = own.clone();
        assert!(merge_tick(&mut own, 7));
        assert_eq!((own, kept), (tick(7, 3), tick(6, 2)));
        let mut call = Event {
            tick: 7,
            kind: Rc::new(EventKind::Panic { msg: "x".into() }),
        };
        assert!(!merge_tick(&mut call, 8));
        assert_eq!(call.tick, 7);
    }

    #[test]
    fn idle_ticks_of_one_run_share_an_event_but_single_hardclocks_do_not() {
        let mut k = Kernel::new();
        k.hardclock_kernel_only().unwrap();
        k.hardclock_kernel_only().unwrap();
        k.run_ticks_kernel_only(1000).unwrap();
        let ticks: Vec<(i32, u32)> = k
            .trace
            .events
            .iter()
            .map(|e| match *e.kind {
                EventKind::Tick { ticks, count } => (ticks, count),
                _ => panic!("only ticks expected"),
            })
            .collect();
        assert_eq!(ticks, vec![(1, 1), (2, 1), (1002, 1000)]);
        assert_eq!(k.trace.events[2].tick, 1002);
        assert_eq!(
            k.trace.events[2].narrate(),
            "hardclock() ran 1000 times: ticks is now 1002."
        );
    }
}
