//! [`Interp`]: the scenario interpreter, the script's side of a running machine: its variables,
//! its handler bodies, and a body that stops half-way (FreeBSD `busy(n)`, a callout handler
//! waiting for a mutex).
//!
//! The kernel fires handlers by name and knows nothing of the language; it runs a body through
//! [`Bodies`], which `Interp` implements. So a statement that runs the clock passes the
//! interpreter down ([`Interp::exec`] -> `Kernel::call`), and the machine calls back up
//! through it for every body a timer fires. A body that stops is a value: the rest of its
//! statements, in [`HandlerEnd::Suspended`], which FreeBSD's softclock thread keeps until the
//! machine resumes it.

use std::collections::BTreeMap;

use super::handlers::Handlers;
use crate::kernel::calls::VarWrite;
use crate::kernel::{
    calls, machine, Bodies, CallRecord, HandlerEnd, Kernel, KernelError, Name, Operand, Stmt,
    Target, Value,
};

/// Handler bodies may call handlers that call handlers ...; this bounds the nesting.
pub const MAX_HANDLER_DEPTH: usize = 32;
/// Most statements run inside handler bodies since boot (or since a driver renewed the budget,
/// see [`Interp::renew_budgets`]). The event cap does not bound this
/// work: an assignment records nothing, and one fire of a 1,000-statement body is one event.
/// A 0-tick self re-arm runs its body
/// [`MAX_HANDLER_RUNS_PER_PASS`](crate::kernel::MAX_HANDLER_RUNS_PER_PASS) times in one pass, so a
/// 300-statement body was 30 million statements (5 s in a tab) before this budget. About 7
/// million statements run per second natively and fewer in the browser, so the budget stops
/// the worst body well within a second; the presets' periodic handlers run a few hundred.
pub const MAX_HANDLER_STATEMENTS: u64 = 2_000_000;

/// The interpreter's state. Cloned with the kernel for a snapshot.
#[derive(Clone, Debug, Default)]
pub struct Interp {
    /// Script variables (`r = timeout_add(...)`), visible to handler bodies.
    pub vars: BTreeMap<String, Value>,
    /// Handler bodies (`handler NAME { ... }`), run when NAME fires.
    pub handlers: Handlers,
    /// Statements run inside handler bodies since the work budget was renewed (at boot, or
    /// see [`Interp::renew_budgets`]), against [`MAX_HANDLER_STATEMENTS`].
    pub handler_stmts: u64,
    /// Handlers currently running (nested calls), for the depth limit.
    depth: usize,
    /// The handler whose body is executing (the innermost one), named in its calls' records.
    handler: Option<Name>,
    /// Set by a call inside a handler body ([`Bodies::suspend`]) to stop the body after the
    /// current statement; the rest is handed back in [`HandlerEnd::Suspended`].
    suspend: bool,
    /// The record of the call that just suspended the body (see [`HandlerEnd::Suspended`]).
    suspended_call: Option<CallRecord>,
}

impl Interp {
    pub fn new() -> Interp {
        Interp::default()
    }

    /// Starts both work budgets afresh: the kernel's events and the statements run in
    /// handler bodies (see [`Kernel::renew_budgets`]).
    pub fn renew_budgets(&mut self, k: &mut Kernel) {
        k.renew_budgets();
        self.handler_stmts = 0;
    }

    /// One hardclock, its handler bodies run by this interpreter.
    pub fn hardclock(&mut self, k: &mut Kernel) -> Result<(), KernelError> {
        machine::hardclock(k, self)
    }

    /// `n` hardclocks, their handler bodies run by this interpreter.
    pub fn run_ticks(&mut self, k: &mut Kernel, n: u64) -> Result<(), KernelError> {
        machine::run_ticks(k, self, n)
    }

    /// Evaluates an operand: literals as they are, `&x` as a reference, identifiers as the
    /// variable's value if one is bound (a kernel variable like `ticks` included), else a symbol.
    pub fn eval(&self, k: &Kernel, op: &Operand) -> Result<Value, KernelError> {
        Ok(match op {
            Operand::Lit(v) => v.clone(),
            Operand::Ref(name) => Value::Ref(name.clone()),
            Operand::Ident(name) => match k.kernel_var(name) {
                Some(v) => v,
                None => self
                    .vars
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Value::Sym(name.clone())),
            },
            Operand::Field(obj, field) => calls::route::read_field(k, obj, field)?,
        })
    }

    /// Stores to a variable: kernel tunables go to their owner (and may be refused after boot),
    /// anything else becomes a script variable.
    pub fn assign(&mut self, k: &mut Kernel, target: &Target, v: Value) -> Result<(), KernelError> {
        match target {
            Target::Var(name) => {
                if !k.assign_var(self, name, &v)? {
                    self.vars.insert(name.clone(), v);
                }
                Ok(())
            }
            Target::Field(obj, field) => calls::route::write_field(k, obj, field, v),
        }
    }

    /// Executes one statement of the scenario (or of a handler body).
    pub fn exec(&mut self, k: &mut Kernel, stmt: &Stmt) -> Result<Value, KernelError> {
        k.check_alive()?;
        match stmt {
            Stmt::Assign { target, value, .. } => {
                let v = self.eval(k, value)?;
                self.assign(k, target, v.clone())?;
                Ok(v)
            }
            Stmt::Call {
                target,
                name,
                args,
                line,
            } => {
                let vals = args
                    .iter()
                    .map(|a| self.eval(k, a))
                    .collect::<Result<Vec<_>, _>>()?;
                let ret = k.call(self, name, &vals)?;
                match calls::after_call(k, name, args) {
                    Some(VarWrite::Null(h)) => {
                        self.vars.insert(h.to_string(), Value::Null);
                    }
                    // RTFREE(rt) also sets the variable rt to NULL.
                    Some(VarWrite::NullRoute(v)) => {
                        if let Some(slot) = self.vars.get_mut(v) {
                            if matches!(slot, Value::Route(_)) {
                                *slot = Value::Null;
                            }
                        }
                    }
                    None => {}
                }
                // Every call is recorded, a handler body's too (product.md's trace contract),
                // except hardclock, whose ticks are recorded instead.
                if name != "hardclock" {
                    let record = |k: &Kernel| {
                        let (refcnt, freed) = calls::route::route_note(k, &ret, &vals);
                        let shown = calls::lookup(name)
                            .filter(|s| s.ret != "void")
                            .map(|_| ret.clone());
                        CallRecord {
                            line: *line,
                            name: name.clone(),
                            ret: shown,
                            refcnt,
                            freed,
                            handler: self.handler.clone(),
                        }
                    };
                    if self.suspend {
                        // The body stops here and the call returns when it resumes.
                        self.suspended_call =
                            (k.trace.recording && k.panic.is_none()).then(|| record(k));
                    } else {
                        let e = record(k).event();
                        k.emit(e);
                    }
                }
                if let Some(t) = target {
                    self.assign(k, t, ret.clone())?;
                }
                Ok(ret)
            }
        }
    }
}

impl Bodies for Interp {
    fn suspend(&mut self) {
        self.suspend = true;
    }

    fn start(&mut self, k: &mut Kernel, func: &str) -> Result<HandlerEnd, KernelError> {
        // No scenario handlers at all (the benches, most scripts): nothing to look up.
        if self.handlers.is_empty() {
            return Ok(HandlerEnd::Done);
        }
        // A handle on the table, so the body is read in place while it runs.
        let handlers = self.handlers.clone();
        let Some(body) = handlers.get(func) else {
            return Ok(HandlerEnd::Done);
        };
        self.resume(k, func, body)
    }

    /// Runs (the rest of) handler `func`'s body, stopping early if a statement sets
    /// [`Bodies::suspend`]. No `Fire` event: the handler is already running.
    fn resume(
        &mut self,
        k: &mut Kernel,
        func: &str,
        body: &[Stmt],
    ) -> Result<HandlerEnd, KernelError> {
        k.check_alive()?;
        if self.depth >= MAX_HANDLER_DEPTH {
            return Err(k.panic(format!(
                "{func}: handlers nested more than {MAX_HANDLER_DEPTH} deep"
            )));
        }
        self.depth += 1;
        let outer = self.handler.replace(Name::from(func));
        let mut r = Ok(HandlerEnd::Done);
        for (i, stmt) in body.iter().enumerate() {
            self.handler_stmts += 1;
            if self.handler_stmts > MAX_HANDLER_STATEMENTS {
                let since = k.budget_origin();
                r = Err(k.panic(format!(
                    "simulator limit: {MAX_HANDLER_STATEMENTS} statements run inside handler \
                     bodies {since} (the latest in {func}); the simulated machine stops here \
                     so that the page keeps running (a handler that re-arms itself for 0 ticks \
                     runs again in the same softclock pass)"
                )));
                break;
            }
            if let Err(e) = self.exec(k, stmt) {
                r = Err(match e {
                    // The innermost body at fault names itself; a body that called it (a
                    // handler run from a handler) passes the error on as it is.
                    KernelError::Scenario { msg, arg, at: None } => {
                        let e = KernelError::Scenario {
                            msg: format!("in handler {func}: {msg}"),
                            arg,
                            at: Some(Box::new(stmt.clone())),
                        };
                        k.fault = Some(e.clone());
                        k.trace.close();
                        e
                    }
                    e => e,
                });
                break;
            }
            if std::mem::take(&mut self.suspend) {
                let call = self.suspended_call.take();
                r = Ok(HandlerEnd::Suspended(body[i + 1..].to_vec(), call));
                break;
            }
        }
        self.suspend = false;
        self.suspended_call = None;
        self.handler = outer;
        self.depth -= 1;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{EventKind, MAX_EVENTS};
    use crate::script::{Outcome, Scenario};

    /// `src` compiled and run on a fresh machine that records (or not) what it does.
    fn run_src(src: &str, recording: bool) -> (Kernel, Outcome) {
        let sc = Scenario::compile(src).expect("the test's scenario compiles");
        let (mut k, mut it) = sc.boot();
        k.trace.recording = recording;
        let (_, outcome) = sc.run_on(&mut k, &mut it);
        (k, outcome)
    }

    #[test]
    fn a_tick_with_work_starts_a_new_tick_event() {
        let (k, outcome) = run_src(
            "timeout_set(&t, f, NULL)\ntimeout_add(&t, 5)\nhardclock(10)\n",
            true,
        );
        assert_eq!(outcome, Outcome::Ok);
        let ticks: Vec<(i32, u32)> = k
            .trace
            .events
            .iter()
            .filter_map(|e| match *e.kind {
                EventKind::Tick { ticks, count } => Some((ticks, count)),
                _ => None,
            })
            .collect();
        // Tick 1 re-buckets t; ticks 2..4 are idle and share an event with tick 5, whose splice
        // and fire follow it; 6..10 are idle.
        assert_eq!(ticks, vec![(1, 1), (5, 4), (10, 5)]);
    }

    #[test]
    fn a_kernel_that_does_not_record_runs_exactly_the_same() {
        let src = "handler f { timeout_add(&a, 300) }
timeout_set(&a, f, NULL); timeout_add(&a, 5)
timeout_set(&b, g, NULL); timeout_add(&b, 70000)
timeout_set(&c, g, NULL); timeout_add(&c, 1)
callout_init(&co, 1)
callout_reset(&co, 90, g, 7)
hardclock(2000)
timeout_del(&b)
hardclock(70000)
";
        let ((on, o1), (off, o2)) = (run_src(src, true), run_src(src, false));
        assert_eq!((o1, o2), (Outcome::Ok, Outcome::Ok));
        assert!(!on.trace.events.is_empty() && off.trace.events.is_empty());
        assert_eq!(format!("{:?}", on.to), format!("{:?}", off.to));
        assert_eq!(format!("{:?}", on.co), format!("{:?}", off.co));
        assert_eq!(on.clock, off.clock);
    }

    #[test]
    fn a_flood_of_events_halts_the_machine_instead_of_the_page() {
        // A timeout that re-arms itself every tick makes several events per tick.
        let (k, outcome) = run_src(
            "handler f { timeout_add(&t, 1) }
timeout_set(&t, f, NULL)
timeout_add(&t, 1)
hardclock(1000000)
",
            true,
        );
        assert!(
            matches!(outcome, Outcome::Panicked(ref m) if m.starts_with("simulator limit")),
            "{outcome:?}"
        );
        assert!(
            k.trace.events.len() < MAX_EVENTS + 16,
            "{}",
            k.trace.events.len()
        );
        assert!(
            matches!(
                *k.trace.events.last().unwrap().kind,
                EventKind::Panic { .. }
            ),
            "the panic ends the log"
        );
        assert!(k.clock.ticks < MAX_EVENTS as i32);
    }
}
