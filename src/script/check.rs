//! Static checks run on the whole text before anything executes.
//!
//! Every call name must be in the kernel's call table ([`kernel::calls::signatures`]), with an
//! arity the [`Signature`] accepts; literal arguments must fit the parameter's [`Param`] kind.
//! An identifier argument may be a variable bound at run time, so only literals and `&name` are
//! judged here; the kernel checks the rest when the call runs. Handler bodies are checked where
//! they are defined, so a typo in a handler is found before the timer that runs it fires.
//!
//! The table is injected ([`Checker::with_table`]) so that the messages can be tested against
//! signatures of facilities that do not exist yet.
//!
//! [`kernel::calls::signatures`]: crate::kernel::calls::signatures

use std::collections::{BTreeMap, BTreeSet};

use super::ast::{Arg, ArgKind, Name, Program, Stmt, StmtKind, Target};
use super::error::ScriptError;
use super::limits::{MAX_OBJECTS, MAX_TICKS_PER_STATEMENT, MAX_VARIABLES};
pub use super::suggest::{edit_distance, suggest};
use crate::kernel::api::{Param, Signature};
use crate::kernel::calls::freebsd::UNTIMEOUT_44BSD;
use crate::kernel::calls::signatures;
use crate::kernel::freebsd::untimeout_arity;
use crate::kernel::Value;

/// The call that advances the clock; the only one with a tick budget.
pub const HARDCLOCK: &str = "hardclock";

/// Checks programs against a call table.
pub struct Checker<'t> {
    table: Vec<&'t Signature>,
    /// Handlers that already exist (defined by earlier console lines).
    defined: BTreeSet<String>,
    /// `callout_impl` of the kernel the text will run on: Some(true) for 4.4BSD calltodo, whose
    /// `untimeout` takes two arguments; None when it cannot be known before the text runs.
    calltodo: Option<bool>,
}

impl Checker<'static> {
    /// A checker for the kernel's own call table.
    pub fn kernel() -> Checker<'static> {
        Checker::with_table(signatures().collect())
    }
}

impl<'t> Checker<'t> {
    pub fn with_table(table: Vec<&'t Signature>) -> Checker<'t> {
        Checker {
            table,
            defined: BTreeSet::new(),
            calltodo: Some(false),
        }
    }

    /// The kernel the text runs on already has `callout_impl = 1` (a console line after one
    /// that set it).
    pub fn calltodo(mut self, on: bool) -> Checker<'t> {
        self.calltodo = Some(on);
        self
    }

    /// Names of handlers defined before this text (a console line may not define them again).
    pub fn already_defined(mut self, names: impl IntoIterator<Item = String>) -> Checker<'t> {
        self.defined.extend(names);
        self
    }

    fn lookup(&self, name: &str) -> Option<&'t Signature> {
        self.table.iter().copied().find(|s| s.name == name)
    }

    /// Checks every statement in text order; the first problem is the error.
    pub fn check(&self, prog: &Program, src: &str) -> Result<(), ScriptError> {
        let mut st = State {
            src,
            handlers: BTreeMap::new(),
            objects: BTreeSet::new(),
            vars: BTreeSet::new(),
            calltodo: self.calltodo,
        };
        // `callout_impl` can only change before boot, and handlers only run after it, so a
        // handler body sees the value the top-level statements leave.
        let mut after_boot = self.calltodo;
        for s in &prog.stmts {
            callout_impl_set(s, &mut after_boot);
        }
        // Handler names first: a call may name a handler defined further down.
        for s in &prog.stmts {
            if let StmtKind::Handler { name, .. } = &s.kind {
                st.handlers
                    .entry(name.text.clone())
                    .or_insert(name.span.line);
            }
        }
        let mut seen = BTreeSet::new();
        for s in &prog.stmts {
            match &s.kind {
                StmtKind::Handler { name, body } => {
                    self.handler_name(&st, &mut seen, name)?;
                    let top = std::mem::replace(&mut st.calltodo, after_boot);
                    for b in body {
                        self.simple(&mut st, b, Some(&name.text))?;
                    }
                    st.calltodo = top;
                }
                _ => {
                    self.simple(&mut st, s, None)?;
                    callout_impl_set(s, &mut st.calltodo);
                }
            }
        }
        Ok(())
    }

    fn handler_name(
        &self,
        st: &State,
        seen: &mut BTreeSet<String>,
        name: &Name,
    ) -> Result<(), ScriptError> {
        if self.lookup(&name.text).is_some() {
            return Err(st.err(
                name.span,
                format!(
                    "{} is a kernel function; a handler needs a name of its own",
                    name.text
                ),
            ));
        }
        if self.defined.contains(&name.text) {
            return Err(st.err(
                name.span,
                format!("handler {} is already defined", name.text),
            ));
        }
        if !seen.insert(name.text.clone()) {
            let first = st.handlers.get(&name.text).copied().unwrap_or(0);
            return Err(st.err(
                name.span,
                format!("handler {} is already defined at line {first}", name.text),
            ));
        }
        Ok(())
    }

    fn simple(
        &self,
        st: &mut State,
        s: &Stmt,
        in_handler: Option<&str>,
    ) -> Result<(), ScriptError> {
        match &s.kind {
            StmtKind::Call { target, name, args } => {
                self.call(st, name, args, in_handler)?;
                for a in args {
                    st.count_object(a)?;
                }
                if let Some(t) = target {
                    st.count_var(t)?;
                }
            }
            StmtKind::Assign { target, value } => {
                st.count_object(value)?;
                st.count_var(target)?;
            }
            // The parser refuses nested handlers; nothing to check if one got here.
            StmtKind::Handler { .. } => {}
        }
        Ok(())
    }

    fn call(
        &self,
        st: &State,
        name: &Name,
        args: &[Arg],
        in_handler: Option<&str>,
    ) -> Result<(), ScriptError> {
        let Some(sig) = self.lookup(&name.text) else {
            return Err(st.err(name.span, self.unknown(st, &name.text)));
        };
        if sig.name == HARDCLOCK && in_handler.is_some() {
            return Err(st.err(
                name.span,
                "hardclock() cannot be called from a handler: handlers run inside softclock, \
                 between two hardclocks",
            ));
        }
        let sig = match (sig.name, st.calltodo) {
            // 4.4BSD's untimeout(ftn, arg) under callout_impl = 1; either form if unknown.
            ("untimeout", Some(true)) => &UNTIMEOUT_44BSD,
            ("untimeout", None) if args.len() == UNTIMEOUT_44BSD.params.len() => &UNTIMEOUT_44BSD,
            _ => sig,
        };
        if !sig.accepts(args.len()) {
            let msg = match (sig.name, st.calltodo) {
                ("untimeout", Some(calltodo)) => untimeout_arity(calltodo, args.len()),
                _ => arity_message(sig, args.len()),
            };
            return Err(st.err(name.span, msg));
        }
        for (i, (a, (decl, kind))) in args.iter().zip(sig.params).enumerate() {
            if let Err(want) = fits(*kind, &a.kind) {
                let got = src_text(st.src, a);
                return Err(st.err(
                    a.span,
                    format!(
                        "{}: argument {} ({decl}) must be {want}, got {got}",
                        sig.name,
                        i + 1
                    ),
                ));
            }
        }
        if sig.name == HARDCLOCK {
            if let Some(
                a @ Arg {
                    kind: ArgKind::Int(n),
                    ..
                },
            ) = args.first()
            {
                if *n > MAX_TICKS_PER_STATEMENT {
                    return Err(st.err(a.span, ticks_message(*n)));
                }
            }
        }
        Ok(())
    }

    /// "unknown function timout_add; did you mean timeout_add?"
    fn unknown(&self, st: &State, name: &str) -> String {
        if st.handlers.contains_key(name) || self.defined.contains(name) {
            return format!(
                "{name} is a handler, not a kernel function: it runs when a timer that names it fires"
            );
        }
        match suggest(name, self.table.iter().map(|s| s.name)) {
            Some(s) => format!("unknown function {name}; did you mean {s}?"),
            None => format!("unknown function {name}"),
        }
    }
}

/// What one check pass has seen so far.
struct State<'s> {
    src: &'s str,
    /// Handler names in this text, with the line of their first definition.
    handlers: BTreeMap<String, u32>,
    objects: BTreeSet<String>,
    vars: BTreeSet<String>,
    /// `callout_impl` at this point of the text (see [`Checker::calltodo`]).
    calltodo: Option<bool>,
}

/// Follows a top-level `callout_impl = N`: a literal 0 or 1 is known, anything else is not.
fn callout_impl_set(s: &Stmt, calltodo: &mut Option<bool>) {
    if let StmtKind::Assign {
        target: Target::Var(v),
        value,
    } = &s.kind
    {
        if v.text == "callout_impl" {
            *calltodo = match super::lower::operand(&value.kind) {
                crate::kernel::Operand::Lit(Value::Int(n @ (0 | 1))) => Some(n == 1),
                _ => None,
            };
        }
    }
}

impl State<'_> {
    fn err(&self, span: super::ast::Span, msg: impl Into<String>) -> ScriptError {
        ScriptError::at(self.src, span, msg)
    }

    fn count_object(&mut self, a: &Arg) -> Result<(), ScriptError> {
        if let ArgKind::Ref(n) = &a.kind {
            if self.objects.insert(n.clone()) && self.objects.len() > MAX_OBJECTS {
                return Err(self.err(
                    a.span,
                    format!("too many objects: a script may name at most {MAX_OBJECTS} (&name)"),
                ));
            }
        }
        Ok(())
    }

    fn count_var(&mut self, t: &Target) -> Result<(), ScriptError> {
        if let Target::Var(n) = t {
            if self.vars.insert(n.text.clone()) && self.vars.len() > MAX_VARIABLES {
                return Err(self.err(
                    n.span,
                    format!("too many variables: a script may have at most {MAX_VARIABLES}"),
                ));
            }
        }
        Ok(())
    }
}

fn src_text<'s>(src: &'s str, a: &Arg) -> &'s str {
    src.get(a.span.start..a.span.end).unwrap_or("?")
}

/// The message for a `hardclock(n)` over the per-statement budget.
pub fn ticks_message(n: i64) -> String {
    format!("hardclock({n}) is too many ticks for one statement: at most {MAX_TICKS_PER_STATEMENT}")
}

/// "timeout_add expects 2 arguments (struct timeout *to, int to_ticks), got 1".
pub fn arity_message(sig: &Signature, got: usize) -> String {
    let max = sig.params.len();
    let min = max.saturating_sub(sig.optional);
    let count = match (min, max) {
        (0, 0) => "no arguments".to_string(),
        (1, 1) => "1 argument".to_string(),
        (a, b) if a == b => format!("{a} arguments"),
        (a, b) if b == a + 1 => format!("{a} or {b} arguments"),
        (a, b) => format!("{a} to {b} arguments"),
    };
    let decls: Vec<&str> = sig.params.iter().map(|p| p.0).collect();
    format!(
        "{} expects {count} ({}), got {got}",
        sig.name,
        decls.join(", ")
    )
}

/// Whether a written argument can be of this parameter kind; `Err` says what is wanted.
/// Identifiers and field reads are values only known at run time, so they always pass.
pub fn fits(param: Param, arg: &ArgKind) -> Result<(), String> {
    use ArgKind as A;
    let ok = match (param, arg) {
        (_, A::Ident(_) | A::Field(..)) | (Param::Arg, _) => true,
        (Param::Obj(_), A::Ref(_)) => true,
        (Param::Int, A::Int(_)) => true,
        (Param::Func, A::Null | A::Int(0)) => true,
        (Param::Route, A::Null) => true,
        (Param::Handle, A::Ref(_)) => true,
        (Param::Addr, A::Addr(_)) => true,
        (Param::Prefix, A::Prefix(..) | A::Addr(_)) => true,
        (Param::Struct(n), A::Struct(v)) => v.len() == n,
        (Param::Flags, A::Flags(_) | A::Int(_)) => true,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(match param {
        Param::Obj(ty) => format!("&name of a {ty}, like &t1"),
        Param::Int => "an integer".into(),
        Param::Func => "a function name or NULL".into(),
        Param::Arg => "a value".into(),
        Param::Route => "a route (struct rtentry *) variable or NULL".into(),
        Param::Queue => "a timer queue (struct rttimer_queue *) variable".into(),
        Param::Handle => "a callout handle variable".into(),
        Param::Addr => "an IPv4 address like 10.1.2.3".into(),
        Param::Prefix => "an IPv4 prefix like 10.0.0.0/8, or an address".into(),
        Param::Struct(n) => {
            let example: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            format!(
                "a struct literal with {n} field{} like {{{}}}",
                if n == 1 { "" } else { "s" },
                example.join(", ")
            )
        }
        Param::Flags => "flags like RTF_HOST|RTF_DYNAMIC, or a number".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::calls::CORE_API;
    use crate::script::parser::parse;

    /// Signatures shaped like the facilities' (which are not in this build yet).
    const FAKE: &[Signature] = &[
        Signature {
            name: "timeout_set",
            params: &[
                ("struct timeout *to", Param::Obj("struct timeout")),
                ("void (*fn)(void *)", Param::Func),
                ("void *arg", Param::Arg),
            ],
            optional: 0,
            ret: "void",
            page: "timeout(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "timeout_add",
            params: &[
                ("struct timeout *to", Param::Obj("struct timeout")),
                ("int to_ticks", Param::Int),
            ],
            optional: 0,
            ret: "int",
            page: "timeout(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "timeout_add_tv",
            params: &[
                ("struct timeout *to", Param::Obj("struct timeout")),
                ("const struct timeval *tv", Param::Struct(2)),
            ],
            optional: 0,
            ret: "int",
            page: "timeout(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "route_add",
            params: &[
                ("prefix", Param::Prefix),
                ("gateway", Param::Addr),
                ("int fib", Param::Int),
            ],
            optional: 1,
            ret: "int",
            page: "route(8)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "rt_timer_add",
            params: &[
                ("struct rtentry *rt", Param::Route),
                (
                    "void (*fn)(struct rtentry *, struct rttimer *)",
                    Param::Func,
                ),
                ("struct rttimer_queue *q", Param::Queue),
            ],
            optional: 0,
            ret: "int",
            page: "rt_timer(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "rtalloc1_fib",
            params: &[
                ("struct sockaddr *dst", Param::Addr),
                ("int report", Param::Int),
                ("u_long ignflags", Param::Flags),
                ("u_int fibnum", Param::Int),
            ],
            optional: 0,
            ret: "struct rtentry *",
            page: "rtalloc(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "untimeout",
            params: &[
                ("timeout_t *func", Param::Func),
                ("void *arg", Param::Arg),
                ("struct callout_handle handle", Param::Handle),
            ],
            optional: 0,
            ret: "void",
            page: "timeout(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "rt_timer_count",
            params: &[],
            optional: 0,
            ret: "int",
            page: "rt_timer(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
        Signature {
            name: "callout_reset_sbt",
            params: &[
                ("struct callout *c", Param::Obj("struct callout")),
                ("sbintime_t sbt", Param::Int),
                ("sbintime_t pr", Param::Int),
                ("void (*fn)(void *)", Param::Func),
                ("void *arg", Param::Arg),
            ],
            optional: 3,
            ret: "int",
            page: "callout(9)",
            run: |_, _, _| Ok(crate::kernel::Value::Null),
        },
    ];

    fn fake() -> Checker<'static> {
        Checker::with_table(FAKE.iter().chain(CORE_API).collect())
    }

    fn check_err(c: &Checker, src: &str) -> (u32, u32, String) {
        let p = parse(src).unwrap();
        let e = c.check(&p, src).unwrap_err();
        (e.line, e.col, e.msg)
    }

    fn check_ok(c: &Checker, src: &str) {
        let p = parse(src).unwrap();
        if let Err(e) = c.check(&p, src) {
            panic!("{src}: {e}");
        }
    }

    #[test]
    fn unknown_functions_get_a_suggestion_from_the_real_table() {
        let c = Checker::kernel();
        assert_eq!(
            check_err(&c, "hz = 100\nhardclok(3)"),
            (
                2,
                1,
                "unknown function hardclok; did you mean hardclock?".into()
            )
        );
        assert_eq!(
            check_err(&c, "frobnicate(1)"),
            (1, 1, "unknown function frobnicate".into())
        );
        assert_eq!(
            check_err(&fake(), "x = timout_add(&t, 1)"),
            (
                1,
                5,
                "unknown function timout_add; did you mean timeout_add?".into()
            )
        );
    }

    /// Issue #15 item 5: 4.4BSD `kern_clock.c` has `untimeout(ftn, arg)`, two arguments, and
    /// `callout_impl = 1` selects it; the callwheel's takes a handle too. The checker follows
    /// the top-level assignments in text order (a handler body sees the last one) and points at
    /// the call with the line and column of a wrong arity in either mode.
    #[test]
    fn untimeout_takes_two_arguments_under_callout_impl_1_and_three_otherwise() {
        let c = Checker::kernel();
        check_ok(
            &c,
            "callout_impl = 1
timeout(f, a, 5)
untimeout(f, a)",
        );
        check_ok(
            &c,
            "handler g {
  untimeout(f, a)
}
callout_impl = 1
timeout(g, a, 5)",
        );
        check_ok(
            &c,
            "h = timeout(f, a, 5)
untimeout(f, a, h)",
        );
        let three = "untimeout expects 3 arguments (timeout_t *func, void *arg, struct callout_handle handle), got 2; the two-argument untimeout(ftn, arg) is 4.4BSD's (set callout_impl = 1 before boot)";
        assert_eq!(
            check_err(
                &c,
                "hardclock(1)
  untimeout(f, a)"
            ),
            (2, 3, three.into())
        );
        // Set after the call: the call ran on the callwheel.
        assert_eq!(
            check_err(
                &c,
                "untimeout(f, a)
callout_impl = 1"
            ),
            (1, 1, three.into())
        );
        let two = "untimeout expects 2 arguments (timeout_t *ftn, void *arg) with callout_impl = 1, got 3: 4.4BSD's untimeout has no handle";
        assert_eq!(
            check_err(
                &c,
                "callout_impl = 1
x = 1; untimeout(f, a, h)"
            ),
            (2, 8, two.into())
        );
        assert_eq!(
            check_err(
                &c,
                "callout_impl = 1
handler g {
  untimeout(f)
}"
            ),
            (3, 3, two.replace("got 3", "got 1"))
        );
        // A console line on a kernel that already has callout_impl = 1.
        check_ok(&Checker::kernel().calltodo(true), "untimeout(f, a)");
        // Not a literal: either form passes here and the kernel judges it when it runs.
        check_ok(
            &c,
            "callout_impl = n
untimeout(f, a)
untimeout(f, a, h)",
        );
    }

    #[test]
    fn arity_messages_quote_the_prototype() {
        let c = fake();
        let cases: &[(&str, &str)] = &[
            ("timeout_add(&t1)", "timeout_add expects 2 arguments (struct timeout *to, int to_ticks), got 1"),
            ("timeout_add(&t1, 1, 2)", "timeout_add expects 2 arguments (struct timeout *to, int to_ticks), got 3"),
            ("route_add(10.0.0.0/8)", "route_add expects 2 or 3 arguments (prefix, gateway, int fib), got 1"),
            ("rt_timer_count(1)", "rt_timer_count expects no arguments (), got 1"),
            ("busy()", "busy expects 1 argument (int n), got 0"),
            ("hardclock(1, 2)", "hardclock expects 0 or 1 arguments (int n), got 2"),
            ("callout_reset_sbt(&c)", "callout_reset_sbt expects 2 to 5 arguments (struct callout *c, sbintime_t sbt, sbintime_t pr, void (*fn)(void *), void *arg), got 1"),
        ];
        for (src, msg) in cases {
            assert_eq!(check_err(&c, src), (1, 1, msg.to_string()), "{src}");
        }
        check_ok(&c, "route_add(10.0.0.0/8, 1.2.3.4); route_add(10.0.0.0/8, 1.2.3.4, 1); hardclock(); hardclock(5)");
        check_ok(
            &c,
            "callout_reset_sbt(&c, 1); callout_reset_sbt(&c, 1, 2, f, NULL)",
        );
    }

    #[test]
    fn literal_arguments_must_fit_the_parameter() {
        let c = fake();
        let cases: &[(&str, u32, &str)] = &[
            ("timeout_add(&t1, &t)", 18, "timeout_add: argument 2 (int to_ticks) must be an integer, got &t"),
            ("timeout_add(&t1, NULL)", 18, "timeout_add: argument 2 (int to_ticks) must be an integer, got NULL"),
            ("timeout_add(5, 5)", 13, "timeout_add: argument 1 (struct timeout *to) must be &name of a struct timeout, like &t1, got 5"),
            ("timeout_add(NULL, 5)", 13, "timeout_add: argument 1 (struct timeout *to) must be &name of a struct timeout, like &t1, got NULL"),
            ("timeout_set(&t, &f, NULL)", 17, "timeout_set: argument 2 (void (*fn)(void *)) must be a function name or NULL, got &f"),
            ("timeout_set(&t, 7, NULL)", 17, "timeout_set: argument 2 (void (*fn)(void *)) must be a function name or NULL, got 7"),
            ("timeout_add_tv(&t, {1})", 20, "timeout_add_tv: argument 2 (const struct timeval *tv) must be a struct literal with 2 fields like {1, 2}, got {1}"),
            ("timeout_add_tv(&t, 5)", 20, "timeout_add_tv: argument 2 (const struct timeval *tv) must be a struct literal with 2 fields like {1, 2}, got 5"),
            ("route_add(10, 1.2.3.4)", 11, "route_add: argument 1 (prefix) must be an IPv4 prefix like 10.0.0.0/8, or an address, got 10"),
            ("route_add(10.0.0.0/8, 1.2.3.0/24)", 23, "route_add: argument 2 (gateway) must be an IPv4 address like 10.1.2.3, got 1.2.3.0/24"),
            ("rt_timer_add(5, NULL, q)", 14, "rt_timer_add: argument 1 (struct rtentry *rt) must be a route (struct rtentry *) variable or NULL, got 5"),
            ("rt_timer_add(rt, NULL, NULL)", 24, "rt_timer_add: argument 3 (struct rttimer_queue *q) must be a timer queue (struct rttimer_queue *) variable, got NULL"),
            ("rtalloc1_fib(10.1.2.3, 1, &x, 0)", 27, "rtalloc1_fib: argument 3 (u_long ignflags) must be flags like RTF_HOST|RTF_DYNAMIC, or a number, got &x"),
            ("untimeout(f, NULL, 5)", 20, "untimeout: argument 3 (struct callout_handle handle) must be a callout handle variable, got 5"),
            ("hardclock(&t)", 11, "hardclock: argument 1 (int n) must be an integer, got &t"),
        ];
        for (src, col, msg) in cases {
            assert_eq!(check_err(&c, src), (1, *col, msg.to_string()), "{src}");
        }
        // Identifiers and fields may be variables: they pass until run time.
        check_ok(&c, "timeout_add(t, n); timeout_add_tv(&t, tv); route_add(p, g); rt_timer_add(ro.ro_rt, f, q)");
        check_ok(
            &c,
            "timeout_set(&t, f, {1, 2}); timeout_set(&t, NULL, 10.0.0.0/8); timeout_set(&t, 0, &x)",
        );
        check_ok(&c, "route_add(10.1.2.3, 1.2.3.4); rtalloc1_fib(10.1.2.3, 1, RTF_HOST|RTF_DYNAMIC, 0); rtalloc1_fib(1.2.3.4, 0, 0, 0)");
        check_ok(
            &c,
            "rt_timer_add(NULL, NULL, q); untimeout(f, NULL, h); untimeout(f, NULL, &h)",
        );
    }

    #[test]
    fn handler_bodies_are_checked_where_they_are_defined() {
        let c = fake();
        let src = "handler f {\n  timeout_add(&t)\n}\nhardclock(1)";
        assert_eq!(
            check_err(&c, src),
            (
                2,
                3,
                "timeout_add expects 2 arguments (struct timeout *to, int to_ticks), got 1".into()
            )
        );
        assert_eq!(
            check_err(&c, "handler f { timeout_ad(&t, 1) }"),
            (
                1,
                13,
                "unknown function timeout_ad; did you mean timeout_add?".into()
            )
        );
        assert_eq!(
            check_err(&c, "handler f { hardclock(1) }"),
            (1, 13, "hardclock() cannot be called from a handler: handlers run inside softclock, between two hardclocks".into())
        );
        check_ok(&c, "handler f { timeout_add(&t, 1); x = 5; busy(2) }");
    }

    #[test]
    fn handler_names_are_defined_once_and_are_not_kernel_functions() {
        let c = fake();
        assert_eq!(
            check_err(&c, "handler f { }\n\nhandler f { busy(1) }"),
            (3, 9, "handler f is already defined at line 1".into())
        );
        assert_eq!(
            check_err(&c, "handler timeout_add { }"),
            (
                1,
                9,
                "timeout_add is a kernel function; a handler needs a name of its own".into()
            )
        );
        let console = fake().already_defined(["f".to_string()]);
        assert_eq!(
            check_err(&console, "handler f { }"),
            (1, 9, "handler f is already defined".into())
        );
        assert_eq!(
            check_err(&c, "f()\nhandler f { }"),
            (
                1,
                1,
                "f is a handler, not a kernel function: it runs when a timer that names it fires"
                    .into()
            )
        );
    }

    #[test]
    fn limits_on_ticks_objects_and_variables() {
        let c = fake();
        check_ok(&c, &format!("hardclock({MAX_TICKS_PER_STATEMENT})"));
        assert_eq!(
            check_err(&c, &format!("hardclock({})", MAX_TICKS_PER_STATEMENT + 1)),
            (1, 11, ticks_message(MAX_TICKS_PER_STATEMENT + 1))
        );

        let objs: String = (0..MAX_OBJECTS)
            .map(|i| format!("timeout_add(&t{i}, 1)\n"))
            .collect();
        check_ok(&c, &format!("{objs}timeout_add(&t0, 2)"));
        assert_eq!(
            check_err(&c, &format!("{objs}x = &extra")),
            (
                MAX_OBJECTS as u32 + 1,
                5,
                format!("too many objects: a script may name at most {MAX_OBJECTS} (&name)")
            )
        );

        let vars: String = (0..MAX_VARIABLES).map(|i| format!("v{i} = 1\n")).collect();
        check_ok(&c, &format!("{vars}v0 = 2"));
        assert_eq!(
            check_err(&c, &format!("{vars}r = timeout_add(&t, 1)")),
            (
                MAX_VARIABLES as u32 + 1,
                1,
                format!("too many variables: a script may have at most {MAX_VARIABLES}")
            )
        );
    }
}
