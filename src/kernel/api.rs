//! The kernel's call table: every function a scenario may call, with its C signature and the
//! code that runs it, in one row.
//!
//! One table serves three masters: the script checker uses it for arity and type errors
//! ("timeout_add expects 2 arguments (struct timeout *to, int to_ticks), got 1") and name
//! suggestions, the docs list it (`docs/scenario-language.md`), and [`Kernel::call`] runs a
//! call through its row's [`Signature::run`], with [`Args`] converting the values by the same
//! parameter kinds. This file holds the row's types; the rows, one table per facility, are
//! the syscall glue's (`kernel::calls`), which also lists the tables.

use super::value::{Ipv4, Value};
use super::{Bodies, Kernel, KernelError};

/// How a call runs: the kernel, the handler bodies a timer the call fires would run (only the
/// calls that run the clock use them: `hardclock(n)`, a sleep, a wake-up) and the evaluated
/// arguments in, the return value out.
pub type Run = fn(&mut Kernel, &mut dyn Bodies, &Args) -> Result<Value, KernelError>;

/// What kind of argument a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `&name` of a kernel object of this C type (e.g. "struct timeout").
    Obj(&'static str),
    /// An integer (ticks, seconds, flags as numbers, booleans).
    Int,
    /// A handler: an identifier naming a function, or NULL.
    Func,
    /// An opaque `void *arg`: any identifier, NULL, or value.
    Arg,
    /// A `struct rtentry *` (a variable bound to a route, or NULL).
    Route,
    /// A `struct rttimer_queue *`.
    Queue,
    /// A `struct callout_handle`.
    Handle,
    /// An IPv4 address.
    Addr,
    /// An IPv4 prefix `a.b.c.d/len`, or an address meaning a host route.
    Prefix,
    /// A struct literal with this many fields (`{sec, usec}`).
    Struct(usize),
    /// A flag union or an integer.
    Flags,
}

/// One callable function.
#[derive(Debug)]
pub struct Signature {
    pub name: &'static str,
    /// Parameters as C declarations ("struct timeout *to") with their kinds.
    pub params: &'static [(&'static str, Param)],
    /// How many trailing parameters may be left out (like `route_add`'s fib).
    pub optional: usize,
    /// The C return type, "void" when nothing is returned.
    pub ret: &'static str,
    /// Which man page it comes from, for the help panel.
    pub page: &'static str,
    pub run: Run,
}

impl Signature {
    /// "timeout_add(struct timeout *to, int to_ticks)".
    pub fn prototype(&self) -> String {
        let ps: Vec<&str> = self.params.iter().map(|p| p.0).collect();
        format!("{}({})", self.name, ps.join(", "))
    }

    pub fn accepts(&self, n: usize) -> bool {
        n <= self.params.len() && n + self.optional >= self.params.len()
    }
}

/// Evaluated arguments of one call, with conversions that report which argument was wrong.
pub struct Args<'a> {
    pub name: &'a str,
    pub vals: &'a [Value],
}

impl<'a> Args<'a> {
    fn bad(&self, i: usize, want: &str) -> KernelError {
        let got = self.vals.get(i).map(|v| v.type_name()).unwrap_or("nothing");
        KernelError::arg(
            i,
            format!(
                "{}: argument {} must be {want}, got {got}",
                self.name,
                i + 1
            ),
        )
    }

    pub fn len(&self) -> usize {
        self.vals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vals.is_empty()
    }

    pub fn int(&self, i: usize) -> Result<i64, KernelError> {
        match self.vals.get(i) {
            Some(Value::Int(n)) => Ok(*n),
            _ => Err(self.bad(i, "an integer")),
        }
    }

    /// An optional trailing integer with a default.
    pub fn int_or(&self, i: usize, default: i64) -> Result<i64, KernelError> {
        if i >= self.vals.len() {
            Ok(default)
        } else {
            self.int(i)
        }
    }

    /// `&name` of an object.
    pub fn obj(&self, i: usize) -> Result<&'a str, KernelError> {
        match self.vals.get(i) {
            Some(Value::Ref(s)) => Ok(s),
            _ => Err(self.bad(i, "&name of an object")),
        }
    }

    /// A handler name, or None for NULL.
    pub fn func(&self, i: usize) -> Result<Option<&'a str>, KernelError> {
        match self.vals.get(i) {
            Some(Value::Sym(s)) => Ok(Some(s)),
            Some(Value::Null) | Some(Value::Int(0)) => Ok(None),
            _ => Err(self.bad(i, "a function name or NULL")),
        }
    }

    /// Any value, as given.
    pub fn any(&self, i: usize) -> Result<&'a Value, KernelError> {
        self.vals.get(i).ok_or_else(|| self.bad(i, "a value"))
    }

    pub fn addr(&self, i: usize) -> Result<Ipv4, KernelError> {
        match self.vals.get(i) {
            Some(Value::Addr(a)) => Ok(*a),
            _ => Err(self.bad(i, "an IPv4 address")),
        }
    }

    /// A prefix; a bare address is a host route (/32).
    pub fn prefix(&self, i: usize) -> Result<(Ipv4, u8), KernelError> {
        match self.vals.get(i) {
            Some(Value::Prefix(a, l)) => Ok((*a, *l)),
            Some(Value::Addr(a)) => Ok((*a, 32)),
            _ => Err(self.bad(i, "an IPv4 prefix like 10.0.0.0/8")),
        }
    }

    pub fn strukt(&self, i: usize, n: usize) -> Result<&'a [i64], KernelError> {
        match self.vals.get(i) {
            Some(Value::Struct(v)) if v.len() == n => Ok(v),
            _ => Err(self.bad(i, &format!("a struct literal with {n} fields"))),
        }
    }

    /// A route pointer; None for NULL.
    pub fn route(&self, i: usize) -> Result<Option<u32>, KernelError> {
        match self.vals.get(i) {
            Some(Value::Route(r)) => Ok(Some(*r)),
            Some(Value::Null) => Ok(None),
            _ => Err(self.bad(i, "a route (struct rtentry *)")),
        }
    }

    pub fn queue(&self, i: usize) -> Result<u32, KernelError> {
        match self.vals.get(i) {
            Some(Value::Queue(q)) => Ok(*q),
            _ => Err(self.bad(i, "a timer queue (struct rttimer_queue *)")),
        }
    }

    /// A flag union by names, or a number.
    pub fn flags(&self, i: usize) -> Result<Vec<String>, KernelError> {
        match self.vals.get(i) {
            Some(Value::Flags(v)) => Ok(v.clone()),
            Some(Value::Sym(s)) => Ok(vec![s.clone()]),
            Some(Value::Int(0)) => Ok(vec![]),
            _ => Err(self.bad(i, "flags like RTF_HOST|RTF_DYNAMIC, or 0")),
        }
    }
}
