//! Runs a scenario against a [`Kernel`] and its [`Interp`]: the whole text is parsed and checked first, then the
//! statements execute one by one until the end, a scenario error, or a simulated panic.
//!
//! Handlers are C functions: they exist before the first statement runs, wherever they are
//! written ([`Scenario::install`]), so a timer armed on line 2 may name a handler defined on
//! line 20. The UI drives [`Scenario::step`] itself to replay up to any statement; the console
//! uses [`run_console_line`] against the kernel and interpreter it already has.

use super::ast::{Span, StmtKind};
use super::check::{ticks_message, Checker, HARDCLOCK};
use super::error::ScriptError;
use super::interp::Interp;
use super::limits::{MAX_TICKS_PER_RUN, MAX_TICKS_PER_STATEMENT, MAX_VARIABLES};
use super::lower;
use super::parser::parse_at;
use crate::kernel::freebsd::CalloutImpl;
use crate::kernel::{calls, Kernel, KernelError, Stmt, Target, Value};

/// One statement ready to run, with the places a kernel error can point to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptStmt {
    pub stmt: Stmt,
    /// The whole statement.
    pub span: Span,
    /// The call name, for calls.
    pub name_span: Option<Span>,
    /// Each argument of a call, so `KernelError::Scenario { arg: Some(i) }` finds its column.
    pub arg_spans: Vec<Span>,
}

/// `handler NAME { ... }`, lowered, with the places a kernel error in its body points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerDef {
    pub name: String,
    pub line: u32,
    pub body: Vec<ScriptStmt>,
}

impl ScriptStmt {
    /// Lowers a parsed statement, keeping its spans; None for a handler definition.
    fn lower(s: &super::ast::Stmt) -> Option<ScriptStmt> {
        let stmt = lower::stmt(s)?;
        let (name_span, arg_spans) = match &s.kind {
            StmtKind::Call { name, args, .. } => {
                (Some(name.span), args.iter().map(|a| a.span).collect())
            }
            StmtKind::Assign { value, .. } => (None, vec![value.span]),
            StmtKind::Handler { .. } => (None, vec![]),
        };
        Some(ScriptStmt {
            stmt,
            span: s.span,
            name_span,
            arg_spans,
        })
    }
}

/// A parsed and checked script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The text as typed; errors quote their line from it.
    pub src: String,
    pub handlers: Vec<HandlerDef>,
    /// The statements outside handlers, in order.
    pub stmts: Vec<ScriptStmt>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every statement ran.
    Ok,
    /// The simulated machine panicked: a result worth seeing, not a mistake in the script.
    Panicked(String),
    /// The script is wrong at this place; the statements after it did not run.
    Error(ScriptError),
}

impl Outcome {
    /// The exit status of `hardclock-trace`: 0 ran to the end, 1 simulated panic, 2 error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Panicked(_) => 1,
            Outcome::Error(_) => 2,
        }
    }
}

/// Why [`Scenario::step`] stopped the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    Panicked(String),
    Error(ScriptError),
}

impl From<Stop> for Outcome {
    fn from(s: Stop) -> Outcome {
        match s {
            Stop::Panicked(m) => Outcome::Panicked(m),
            Stop::Error(e) => Outcome::Error(e),
        }
    }
}

/// What one statement gave back, for the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StmtResult {
    pub line: u32,
    /// Where the value went (`r` in `r = timeout_add(...)`, `hz` in `hz = 100`).
    pub target: Option<String>,
    /// The value of an assignment or a non-void call; None for a void call.
    pub value: Option<Value>,
}

impl StmtResult {
    /// "r = 1", "1", or nothing for a void call.
    pub fn console_text(&self) -> Option<String> {
        match (&self.target, &self.value) {
            (Some(t), Some(v)) => Some(format!("{t} = {v}")),
            (None, Some(v)) => Some(v.to_string()),
            (_, None) => None,
        }
    }
}

/// Everything a whole run produced.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// The machine after the run; its `events` are the trace.
    pub kernel: Kernel,
    /// The script's variables and handlers after the run.
    pub interp: Interp,
    /// One result per statement that completed.
    pub results: Vec<StmtResult>,
    pub outcome: Outcome,
}

/// What one console line produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleOutcome {
    pub results: Vec<StmtResult>,
    pub outcome: Outcome,
}

impl Scenario {
    /// Parses and checks `src` against the kernel's call table.
    pub fn compile(src: &str) -> Result<Scenario, ScriptError> {
        Scenario::compile_with(src, 1, "end of script", &Checker::kernel())
    }

    /// Parses text whose first line is `first_line`, checking it with `checker`.
    pub fn compile_with(
        src: &str,
        first_line: u32,
        eof_name: &str,
        checker: &Checker,
    ) -> Result<Scenario, ScriptError> {
        let prog = parse_at(src, first_line, eof_name)?;
        checker.check(&prog, src)?;
        let mut handlers = Vec::new();
        let mut stmts = Vec::new();
        for s in &prog.stmts {
            match &s.kind {
                StmtKind::Handler { name, body } => handlers.push(HandlerDef {
                    name: name.text.clone(),
                    line: s.span.line,
                    body: body.iter().filter_map(ScriptStmt::lower).collect(),
                }),
                _ => stmts.extend(ScriptStmt::lower(s)),
            }
        }
        Ok(Scenario {
            src: src.to_string(),
            handlers,
            stmts,
        })
    }

    /// Gives the interpreter every handler body of the script.
    pub fn install(&self, it: &mut Interp) {
        for h in &self.handlers {
            let body = h.body.iter().map(|s| s.stmt.clone()).collect();
            it.handlers.insert(h.name.clone(), body);
        }
    }

    /// A fresh kernel, and an interpreter with the handlers installed, ready for statement 0.
    pub fn boot(&self) -> (Kernel, Interp) {
        let mut it = Interp::new();
        self.install(&mut it);
        (Kernel::new(), it)
    }

    /// Runs statement `i`.
    pub fn step(&self, k: &mut Kernel, it: &mut Interp, i: usize) -> Result<StmtResult, Stop> {
        match self.stmts.get(i) {
            Some(s) => self.exec(k, it, s),
            None => Err(Stop::Error(ScriptError::at(
                &self.src,
                Span::default(),
                format!("there is no statement {i}"),
            ))),
        }
    }

    /// Runs every statement on `k`, stopping at the first error or panic.
    pub fn run_on(&self, k: &mut Kernel, it: &mut Interp) -> (Vec<StmtResult>, Outcome) {
        let mut results = Vec::new();
        for s in &self.stmts {
            match self.exec(k, it, s) {
                Ok(r) => results.push(r),
                Err(stop) => return (results, stop.into()),
            }
        }
        (results, Outcome::Ok)
    }

    /// Where a kernel error belongs: a scenario mistake made in one of this script's handler
    /// bodies points at that statement; any other at `s`, the statement being executed (none:
    /// a hardclock of the app's own, which points at the handler's name if it can).
    pub fn stop(&self, e: KernelError, s: Option<&ScriptStmt>) -> Stop {
        let KernelError::Scenario { msg, arg, at } = e else {
            return Stop::Panicked(e.message().to_string());
        };
        // The first statement equal to the one at fault: two identical statements on one
        // line would both point at the first, and their message would be the same.
        let in_body = at.as_deref().and_then(|at| {
            self.handlers
                .iter()
                .flat_map(|h| &h.body)
                .find(|b| b.stmt == *at)
        });
        let span = match in_body.or(s) {
            Some(s) => {
                let span = match (&s.stmt, arg) {
                    (Stmt::Call { .. }, Some(i)) => s.arg_spans.get(i).copied().or(s.name_span),
                    (Stmt::Call { .. }, None) => s.name_span,
                    (Stmt::Assign { .. }, _) => None,
                };
                span.unwrap_or(s.span)
            }
            None => Span::default(),
        };
        Stop::Error(ScriptError::at(&self.src, span, msg))
    }

    /// Runs one checked statement of this script.
    fn exec(&self, k: &mut Kernel, it: &mut Interp, s: &ScriptStmt) -> Result<StmtResult, Stop> {
        check_budget(k, it, s, &self.src)?;
        let r = it.exec(k, &s.stmt).map_err(|e| self.stop(e, Some(s)))?;
        Ok(result(s, r))
    }
}

/// What statement `s` gave back.
fn result(s: &ScriptStmt, r: Value) -> StmtResult {
    let (target, value) = match &s.stmt {
        Stmt::Assign { target, .. } => (Some(target_name(target)), Some(r)),
        Stmt::Call { target, name, .. } => {
            let void = calls::lookup(name).is_none_or(|sig| sig.ret == "void");
            (target.as_ref().map(target_name), (!void).then_some(r))
        }
    };
    StmtResult {
        line: s.stmt.line(),
        target,
        value,
    }
}

fn target_name(t: &Target) -> String {
    match t {
        Target::Var(v) => v.clone(),
        Target::Field(o, f) => format!("{o}.{f}"),
    }
}

/// Limits that depend on values only known at run time: a `hardclock(n)` whose `n` is a
/// variable, the tick budget of the whole run, and the number of script variables.
fn check_budget(k: &Kernel, it: &Interp, s: &ScriptStmt, src: &str) -> Result<(), Stop> {
    let err = |span: Span, msg: String| Stop::Error(ScriptError::at(src, span, msg));
    let (target, call) = match &s.stmt {
        Stmt::Call {
            target, name, args, ..
        } => (target.as_ref(), Some((name, args))),
        Stmt::Assign { target, .. } => (Some(target), None),
    };
    if let Some((name, args)) = call {
        if name == HARDCLOCK {
            let n = match args.first() {
                None => Some(1),
                Some(op) => match it.eval(k, op) {
                    Ok(Value::Int(n)) => Some(n),
                    _ => None, // the kernel reports a wrong type itself
                },
            };
            let span = s
                .arg_spans
                .first()
                .copied()
                .or(s.name_span)
                .unwrap_or(s.span);
            if let Some(n) = n.filter(|n| *n > 0) {
                if n > MAX_TICKS_PER_STATEMENT {
                    return Err(err(span, ticks_message(n)));
                }
                let total = k.clock.elapsed.saturating_add(n as u64);
                if total > MAX_TICKS_PER_RUN {
                    return Err(err(
                        span,
                        format!(
                            "hardclock({n}) would bring this run to {total} ticks: a run may have at most {MAX_TICKS_PER_RUN}"
                        ),
                    ));
                }
            }
        }
    }
    if let Some(Target::Var(v)) = target {
        let new = !it.vars.contains_key(v) && k.kernel_var(v).is_none();
        if new && it.vars.len() >= MAX_VARIABLES {
            return Err(err(
                s.span,
                format!("too many variables: a kernel may hold at most {MAX_VARIABLES}"),
            ));
        }
    }
    Ok(())
}

/// Parses, checks and runs a whole script on a fresh kernel.
pub fn run(src: &str) -> RunOutcome {
    match Scenario::compile(src) {
        Err(e) => RunOutcome {
            kernel: Kernel::new(),
            interp: Interp::new(),
            results: Vec::new(),
            outcome: Outcome::Error(e),
        },
        Ok(sc) => {
            let (mut kernel, mut interp) = sc.boot();
            let (results, outcome) = sc.run_on(&mut kernel, &mut interp);
            RunOutcome {
                kernel,
                interp,
                results,
                outcome,
            }
        }
    }
}

/// Runs one console line (possibly several `;`-separated statements, or a whole handler) on
/// an existing kernel and interpreter. `line_no` is where the line sits in the console, for error messages.
/// A handler defined here is available at once; one defined before may not be redefined.
pub fn run_console_line(
    k: &mut Kernel,
    it: &mut Interp,
    line: &str,
    line_no: u32,
) -> ConsoleOutcome {
    let checker = Checker::kernel()
        .already_defined(it.handlers.keys().cloned())
        .calltodo(k.co.impl_ == CalloutImpl::Calltodo);
    match Scenario::compile_with(line, line_no, "end of line", &checker) {
        Err(e) => ConsoleOutcome {
            results: Vec::new(),
            outcome: Outcome::Error(e),
        },
        Ok(sc) => {
            sc.install(it);
            let (results, outcome) = sc.run_on(k, it);
            ConsoleOutcome { results, outcome }
        }
    }
}

/// How many hardclocks a `hardclock(n)` statement will run, if that is known beforehand.
pub fn hardclock_count(k: &Kernel, it: &Interp, stmt: &Stmt) -> Option<u64> {
    match stmt {
        Stmt::Call { name, args, .. } if name == "hardclock" => match args.first() {
            None => Some(1),
            Some(op) => match it.eval(k, op) {
                Ok(Value::Int(n)) => Some(n.max(0) as u64),
                _ => None,
            },
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Operand;

    fn error_of(o: &Outcome) -> (u32, u32, &str) {
        match o {
            Outcome::Error(e) => (e.line, e.col, e.msg.as_str()),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn core_statements_run_in_order() {
        let r = run("hz = 1000; ticks = 250\nn = 2\nhardclock(3); hardclock(n); hardclock()");
        assert_eq!(r.outcome, Outcome::Ok);
        assert_eq!((r.kernel.clock.hz, r.kernel.clock.tick), (1000, 1000));
        assert_eq!(r.kernel.clock.ticks, 256);
        assert_eq!(r.interp.vars.get("n"), Some(&Value::Int(2)));
        let shown: Vec<Option<String>> = r.results.iter().map(|s| s.console_text()).collect();
        assert_eq!(
            shown,
            vec![
                Some("hz = 1000".into()),
                Some("ticks = 250".into()),
                Some("n = 2".into()),
                None,
                None,
                None
            ]
        );
        let lines: Vec<u32> = r.results.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![1, 1, 2, 3, 3, 3]);
    }

    #[test]
    fn kernel_refusals_point_at_the_statement_or_argument() {
        let r = run("hardclock(1)\n  hz = 50\nhardclock(1)");
        assert_eq!(
            error_of(&r.outcome),
            (2, 3, "hz can only be set before the first hardclock")
        );
        assert_eq!(
            r.kernel.clock.ticks, 1,
            "the rest of the scenario must not run"
        );
        assert_eq!(r.results.len(), 1);

        let r = run("hardclock(2)\nhardclock( -1)");
        assert_eq!(
            error_of(&r.outcome),
            (2, 12, "hardclock: the number of ticks cannot be negative")
        );

        let r = run("p = &t\nhardclock(p)");
        assert_eq!(
            error_of(&r.outcome),
            (
                2,
                11,
                "hardclock: argument 1 must be an integer, got &object"
            )
        );

        let r = run("tick = 5");
        assert_eq!(
            error_of(&r.outcome),
            (1, 1, "tick is derived from the clock and cannot be set")
        );
        let Outcome::Error(e) = r.outcome else {
            unreachable!()
        };
        assert_eq!(e.len, 8, "the whole assignment is underlined");
    }

    #[test]
    fn check_errors_stop_everything_before_it_runs() {
        let r = run("hardclock(5)\nhardclok(1)");
        assert_eq!(
            error_of(&r.outcome),
            (2, 1, "unknown function hardclok; did you mean hardclock?")
        );
        assert_eq!(r.kernel.clock.ticks, 0);
        assert!(r.results.is_empty());
    }

    #[test]
    fn tick_budgets_hold_for_variables_and_whole_runs() {
        let r = run(&format!(
            "n = {}\nhardclock(n)",
            MAX_TICKS_PER_STATEMENT + 1
        ));
        assert_eq!(
            error_of(&r.outcome),
            (2, 11, ticks_message(MAX_TICKS_PER_STATEMENT + 1).as_str())
        );
        assert_eq!(r.kernel.clock.ticks, 0);

        let (mut k, mut it) = (Kernel::new(), Interp::new());
        k.clock.elapsed = MAX_TICKS_PER_RUN - 2;
        let c = run_console_line(&mut k, &mut it, "hardclock(3)", 4);
        let (line, col, msg) = error_of(&c.outcome);
        assert_eq!((line, col), (4, 11));
        assert_eq!(
            msg,
            format!("hardclock(3) would bring this run to {} ticks: a run may have at most {MAX_TICKS_PER_RUN}", MAX_TICKS_PER_RUN + 1)
        );
        assert_eq!(
            run_console_line(&mut k, &mut it, "hardclock(2)", 5).outcome,
            Outcome::Ok
        );
        assert_eq!(k.clock.elapsed, MAX_TICKS_PER_RUN);
        assert!(matches!(
            run_console_line(&mut k, &mut it, "hardclock()", 6).outcome,
            Outcome::Error(_)
        ));
    }

    #[test]
    fn handlers_are_installed_before_the_first_statement() {
        let sc = Scenario::compile("x = 1\nhandler f {\n  y = x\n  busy(2)\n}\n").unwrap();
        assert_eq!(sc.stmts.len(), 1);
        let it = sc.boot().1;
        assert_eq!(
            it.handlers.get("f"),
            Some(&vec![
                Stmt::Assign {
                    line: 3,
                    target: Target::Var("y".into()),
                    value: Operand::Ident("x".into()),
                },
                Stmt::Call {
                    line: 4,
                    target: None,
                    name: "busy".into(),
                    args: vec![Operand::Lit(Value::Int(2))],
                },
            ])
        );
    }

    #[test]
    fn stepping_one_statement_at_a_time_matches_a_whole_run() {
        let src = "ticks = 10\nhardclock(2)\nhardclock(3)";
        let sc = Scenario::compile(src).unwrap();
        let (mut k, mut it) = sc.boot();
        let mut ticks = vec![];
        for i in 0..sc.stmts.len() {
            sc.step(&mut k, &mut it, i).unwrap();
            ticks.push(k.clock.ticks);
        }
        assert_eq!(ticks, vec![10, 12, 15]);
        assert_eq!(k.trace.events, run(src).kernel.trace.events);
        assert!(matches!(sc.step(&mut k, &mut it, 3), Err(Stop::Error(_))));
        assert_eq!(sc.src, src);
    }

    #[test]
    fn console_lines_run_on_the_existing_kernel() {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        let c = run_console_line(&mut k, &mut it, "hz = 1000; x = 7", 1);
        assert_eq!(c.outcome, Outcome::Ok);
        assert_eq!(c.results.len(), 2);
        assert_eq!(
            run_console_line(&mut k, &mut it, "hardclock(x)", 2).outcome,
            Outcome::Ok
        );
        assert_eq!(k.clock.ticks, 7);

        assert_eq!(
            run_console_line(&mut k, &mut it, "handler f { x = 1 }", 3).outcome,
            Outcome::Ok
        );
        assert!(it.handlers.contains_key("f"));
        let c = run_console_line(&mut k, &mut it, "handler f { }", 4);
        assert_eq!(error_of(&c.outcome), (4, 9, "handler f is already defined"));

        let c = run_console_line(&mut k, &mut it, "hardclock(1", 9);
        assert_eq!(
            error_of(&c.outcome),
            (
                9,
                12,
                "expected ')' after the arguments of hardclock, found end of line"
            )
        );
        assert_eq!(k.clock.ticks, 7);
    }

    /// Issue #15 item 5: a console line is checked against the kernel it runs on, so after an
    /// earlier line set `callout_impl = 1`, 4.4BSD's `untimeout(ftn, arg)` is accepted.
    #[test]
    fn console_lines_check_untimeout_against_the_kernels_callout_impl() {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        assert_eq!(
            run_console_line(&mut k, &mut it, "callout_impl = 1", 1).outcome,
            Outcome::Ok
        );
        assert_eq!(
            run_console_line(&mut k, &mut it, "timeout(f, a, 5)", 2).outcome,
            Outcome::Ok
        );
        assert_eq!(
            run_console_line(&mut k, &mut it, "untimeout(f, a)", 3).outcome,
            Outcome::Ok
        );
        assert!(k.co.todo_list().is_empty());
        let c = run_console_line(&mut k, &mut it, "untimeout(f, a, h)", 4);
        let (line, col, msg) = error_of(&c.outcome);
        assert_eq!((line, col), (4, 1));
        assert!(msg.starts_with("untimeout expects 2 arguments"), "{msg}");
    }

    #[test]
    fn a_panicked_machine_reports_the_panic_not_an_error() {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        let _ = k.panic("timeout_add: not initialized");
        let c = run_console_line(&mut k, &mut it, "hardclock(1)", 1);
        assert_eq!(
            c.outcome,
            Outcome::Panicked("timeout_add: not initialized".into())
        );
        assert_eq!(k.clock.ticks, 0);
    }

    #[test]
    fn the_variable_limit_counts_what_the_kernel_holds() {
        let (mut k, mut it) = (Kernel::new(), Interp::new());
        for i in 0..MAX_VARIABLES {
            it.vars.insert(format!("v{i}"), Value::Int(0));
        }
        assert_eq!(
            run_console_line(&mut k, &mut it, "v0 = 2; hz = 200", 1).outcome,
            Outcome::Ok
        );
        let c = run_console_line(&mut k, &mut it, "  extra = 1", 2);
        assert_eq!(
            error_of(&c.outcome),
            (
                2,
                3,
                format!("too many variables: a kernel may hold at most {MAX_VARIABLES}").as_str()
            )
        );
    }
}
