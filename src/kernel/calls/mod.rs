//! The syscall glue: how a scenario's call by name reaches a facility ([`TABLES`], one
//! [`Signature`] row per call: the checker, the docs and the runner read the same rows), and
//! how a kernel function a timer fires by name reaches its code ([`run_kernel_function`]).
//! These files, the machine and the interpreter are the only code that names `Kernel`; the
//! facilities are plain data. [`icmp`] is `netinet/ip_icmp.c`, which works on the route table
//! and rt_timer together.

pub mod freebsd;
pub mod icmp;
pub mod openbsd;
pub mod route;
pub mod rttimer;

use super::api::{Args, Param, Signature};
use super::machine;
use super::route::in_rmx::IN_RTQTIMO;
use super::rttimer::{RT_TIMER_CH, RT_TIMER_TIMER};
use super::{Bodies, Kernel, KernelError, Operand, Value};
use icmp::{ICMP_MTUDISC_TIMEOUT, ICMP_REDIRECT_TIMEOUT};

/// Calls that belong to the clock and the simulator itself.
pub const CORE_API: &[Signature] = &[
    Signature {
        name: "hardclock",
        params: &[("int n", Param::Int)],
        optional: 1,
        ret: "void",
        page: "hardclock(9)",
        run: |k, b, args| {
            let n = args.int_or(0, 1)?;
            if n < 0 {
                return Err(KernelError::arg(
                    0,
                    "hardclock: the number of ticks cannot be negative",
                ));
            }
            machine::run_ticks(k, b, n as u64)?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "busy",
        params: &[("int n", Param::Int)],
        optional: 0,
        ret: "void",
        page: "hardclock handler body",
        run: |k, b, args| freebsd::busy(k, b, args.int(0)?),
    },
];

/// One facility's calls, and what runs before any of them.
pub struct Table {
    pub calls: &'static [Signature],
    /// FreeBSD sizes its callwheel on first use; a route call starts with no route touched.
    pub before: fn(&mut Kernel),
}

/// Every facility's table, in a fixed order.
pub const TABLES: &[Table] = &[
    Table {
        calls: CORE_API,
        before: |_| {},
    },
    Table {
        calls: openbsd::API,
        before: |_| {},
    },
    Table {
        calls: freebsd::API,
        before: freebsd::before_call,
    },
    Table {
        calls: route::API,
        before: route::before_call,
    },
    Table {
        calls: rttimer::API,
        before: |_| {},
    },
    Table {
        calls: icmp::API,
        before: |_| {},
    },
];

/// Every signature of every facility, in a fixed order.
pub fn signatures() -> impl Iterator<Item = &'static Signature> {
    TABLES.iter().flat_map(|t| t.calls)
}

pub fn lookup(name: &str) -> Option<&'static Signature> {
    signatures().find(|s| s.name == name)
}

/// Runs the call `args.name`.
pub fn call(k: &mut Kernel, b: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    for table in TABLES {
        if let Some(sig) = table.calls.iter().find(|s| s.name == args.name) {
            (table.before)(k);
            return (sig.run)(k, b, args);
        }
    }
    Err(KernelError::msg(format!("unknown function {}", args.name)))
}

/// What a call did to a script variable, which the interpreter owns and so applies itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarWrite<'a> {
    /// `callout_handle_init(&h)`: `h` becomes a handle with a NULL callout.
    Null(&'a str),
    /// `RTFREE(rt)`: `rt = NULL`, if `rt` holds a route.
    NullRoute(&'a str),
}

/// After call `name` with operands `args` has run: the kernel's own bookkeeping, and what
/// the call does to a script variable.
pub fn after_call<'a>(k: &mut Kernel, name: &str, args: &'a [Operand]) -> Option<VarWrite<'a>> {
    let rtfree = route::after_call(k, name, args).map(VarWrite::NullRoute);
    match args.first() {
        Some(Operand::Ref(h)) if name == freebsd::CALLOUT_HANDLE_INIT => Some(VarWrite::Null(h)),
        _ => rtfree,
    }
}

/// Runs `func` if it is one of the kernel's own functions that a timer fires: the rt_timer scan
/// `rt_timer_timer` (a timeout on the OpenBSD wheel, which re-arms itself every second),
/// FreeBSD's `in_rtqtimo` (a callout), and the ICMP timer actions. False if `func` is not one
/// (a scenario handler, or nothing).
pub fn run_kernel_function(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    func: &str,
    arg: &Value,
) -> Result<bool, KernelError> {
    match func {
        RT_TIMER_TIMER => {
            machine::rt_timer_timer(k, b)?;
            if k.rtt.initialized {
                openbsd::timeout_add(k, RT_TIMER_CH, i64::from(k.clock.hz))?;
            }
        }
        IN_RTQTIMO => machine::with_routes(k, |r, cx| r.in_rtqtimo(cx))?,
        ICMP_MTUDISC_TIMEOUT | ICMP_REDIRECT_TIMEOUT => {
            let Value::Route(rt) = arg else {
                return Err(k.panic(format!("{func}: bad route to timeout (arg {arg})")));
            };
            rttimer::check_route(k, *rt, func)?;
            if func == ICMP_MTUDISC_TIMEOUT {
                icmp::icmp_mtudisc_timeout(k, *rt)?;
            } else {
                icmp::icmp_redirect_timeout(k, *rt)?;
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = signatures().map(|s| s.name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "a function is declared twice");
    }

    #[test]
    fn arity_with_optional_params() {
        let s = lookup("hardclock").unwrap();
        assert!(s.accepts(0) && s.accepts(1) && !s.accepts(2));
        assert_eq!(s.prototype(), "hardclock(int n)");
    }
}
