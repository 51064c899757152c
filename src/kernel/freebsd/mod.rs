//! FreeBSD `timeout(9)` / `callout(9)` on the hashed callwheel, as in `kern_timeout.c` of FreeBSD
//! 5.x-6.x, with the 4.4BSD `calltodo` list it replaced for contrast.
//!
//! # The algorithm
//! Costello & Varghese, "Redesigning the BSD Callout and Timer Facilities" (WUCS-95-23, 1995),
//! adapted by Justin Gibbs: Varghese & Lauck's scheme 6 (SOSP 1987), a single hashed timing
//! wheel of `callwheelsize` unsorted buckets (the next power of two >= `ncallout`). A callout
//! keeps its *absolute* deadline `c_time` and sits in bucket `c_time & callwheelmask`; starting,
//! stopping and re-arming are O(1) list operations; hardclock only checks whether the bucket of
//! the new tick is empty; softclock walks each due bucket, runs entries whose `c_time` is that
//! tick and skips the later laps. See [`callwheel`] and [`softclock`](mod@softclock).
//!
//! The legacy `timeout()` draws from a LIFO free list (`callfree`) of `ncallout` preallocated
//! callouts and returns a handle that is only a pointer, which is why a stale handle can cancel
//! somebody else's timeout ([`legacy`]). `callout_impl = 1` (before boot) makes `timeout()` /
//! `untimeout()` use the 4.4BSD delta list instead ([`calltodo`]), whose `untimeout(ftn, arg)`
//! takes no handle ([`UNTIMEOUT_44BSD`]).
//!
//! # The concurrency model
//! The script is one thread; handlers run in the softclock thread, which moves only inside
//! `hardclock()`. A handler body may `busy(n)` (stay running for n hardclocks, holding the scan
//! up) and take mutexes (`mtx_lock(&m)`, `Giant` included; non-MPSAFE callouts run holding
//! Giant). While a handler runs, its callout is "being serviced" (`curr_callout`): `callout_stop`
//! returns 0, `callout_drain` puts the script to sleep until it returns (the simulator ticks by
//! itself), and a wait cycle between the two threads is a deadlock panic naming the lock. The
//! drain's sleep drops Giant for its duration (`DROP_GIANT`), so only ordinary mutexes can make
//! that cycle; and a mutex the script releases lets a softclock thread waiting for it go on at
//! once, in the same tick. See [`threads`].
//!
//! With `callout_impl = 1`, softclock pops the due calltodo entries before it walks the wheel,
//! so on a shared tick the legacy timeouts run before the `callout_reset` ones.
//!
//! `struct callout` itself, with the kernel's field names, is in [`callwheel`].
//!
//! Tunables, settable before boot (the first hardclock or callout call): `ncallout` (default
//! 64, 1..=16384) and `callout_impl` (0 callwheel, 1 calltodo). Read-only: `callwheelsize`,
//! `callwheelmask`, `softticks`.

pub mod callout;
pub mod calltodo;
pub mod callwheel;
pub mod events;
pub mod legacy;
pub mod softclock;
pub mod threads;
pub mod view;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub use callwheel::{
    CalloutId, CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE, CALLOUT_PENDING,
};
pub use events::{CalloutEvent, StopWhy, UntimeoutOutcome};
pub use threads::{Thread, Wait, GIANT};
pub use view::{handles, CalloutView, RunningView, TodoView};

use super::api::{Args, Param, Signature};
use super::{Kernel, KernelError, Name, Value};
use callwheel::Callwheel;

/// Default `ncallout` in the simulator (real kernels size it from maxusers: 1612 for 32 users).
pub const NCALLOUT_DEFAULT: u32 = 64;
/// Largest settable `ncallout`, so that snapshots of the kernel stay cheap.
pub const NCALLOUT_MAX: u32 = 16_384;
/// Most `struct callout`s a scenario may name.
pub const MAX_NAMED_CALLOUTS: usize = 1024;

const CALLOUT: Param = Param::Obj("struct callout");
const PAGE: &str = "timeout(9)";

pub const API: &[Signature] = &[
    Signature {
        name: "timeout",
        params: &[
            ("timeout_t *func", Param::Func),
            ("void *arg", Param::Arg),
            ("int ticks", Param::Int),
        ],
        optional: 0,
        ret: "struct callout_handle",
        page: PAGE,
        run: |k, a| legacy::timeout(k, a.func(0)?, a.any(1)?, int32(a, 2)?),
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
        page: PAGE,
        run: untimeout,
    },
    Signature {
        name: "callout_handle_init",
        params: &[(
            "struct callout_handle *handle",
            Param::Obj("struct callout_handle"),
        )],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: |k, a| legacy::callout_handle_init(k, a.obj(0)?),
    },
    Signature {
        name: "callout_init",
        params: &[("struct callout *c", CALLOUT), ("int mpsafe", Param::Int)],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: |k, a| callout::callout_init(k, a.obj(0)?, a.int(1)? != 0),
    },
    Signature {
        name: "callout_reset",
        params: &[
            ("struct callout *c", CALLOUT),
            ("int ticks", Param::Int),
            ("timeout_t *func", Param::Func),
            ("void *arg", Param::Arg),
        ],
        optional: 0,
        ret: "void",
        page: PAGE,
        run: callout_reset,
    },
    Signature {
        name: "callout_stop",
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret: "int",
        page: PAGE,
        run: |k, a| callout::stop_safe(k, named(k, a)?, false).map(Value::Int),
    },
    Signature {
        name: "callout_drain",
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret: "int",
        page: PAGE,
        run: |k, a| callout::stop_safe(k, named(k, a)?, true).map(Value::Int),
    },
    Signature {
        name: "callout_active",
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret: "int",
        page: "callout(9)",
        run: |k, a| Ok(callout::callout_active(k, named(k, a)?)),
    },
    Signature {
        name: "callout_pending",
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret: "int",
        page: "callout(9)",
        run: |k, a| Ok(callout::callout_pending(k, named(k, a)?)),
    },
    Signature {
        name: "callout_deactivate",
        params: &[("struct callout *c", CALLOUT)],
        optional: 0,
        ret: "void",
        page: "callout(9)",
        run: |k, a| {
            callout::callout_deactivate(k, named(k, a)?);
            Ok(Value::Null)
        },
    },
    Signature {
        name: "mtx_lock",
        params: &[("struct mtx *m", Param::Obj("struct mtx"))],
        optional: 0,
        ret: "void",
        page: "mutex(9)",
        run: |k, a| threads::mtx_lock(k, a.obj(0)?),
    },
    Signature {
        name: "mtx_unlock",
        params: &[("struct mtx *m", Param::Obj("struct mtx"))],
        optional: 0,
        ret: "void",
        page: "mutex(9)",
        run: |k, a| threads::mtx_unlock(k, a.obj(0)?),
    },
];

/// 4.4BSD's `untimeout(ftn, arg)` (`kern_clock.c`): with `callout_impl = 1` the legacy pair uses
/// the calltodo list, which has no handles, so `untimeout` takes two arguments, not three. Not
/// in [`API`] (one name, one entry there); the script checker and the kernel's dispatch switch
/// to it.
pub const UNTIMEOUT_44BSD: Signature = Signature {
    name: "untimeout",
    params: &[("timeout_t *ftn", Param::Func), ("void *arg", Param::Arg)],
    optional: 0,
    ret: "void",
    page: "4.4BSD timeout(9)",
    run: untimeout,
};

/// Which structure the legacy `timeout()` / `untimeout()` use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CalloutImpl {
    /// FreeBSD 3.0+: the callwheel and the `callfree` pool (`callout_impl = 0`).
    #[default]
    Callwheel,
    /// 4.4BSD: the `calltodo` delta list (`callout_impl = 1`).
    Calltodo,
}

/// All FreeBSD callout state: the wheel, the pool, the calltodo list, threads and mutexes.
#[derive(Clone, Debug)]
pub struct Callouts {
    pub ncallout: u32,
    /// How many callouts `callout_init` may create: [`MAX_NAMED_CALLOUTS`]. Only native drivers
    /// raise it (the benches, to run the callwheel with 10^6 callouts); scripts cannot.
    pub max_named: usize,
    pub impl_: CalloutImpl,
    /// Set when the wheel is allocated (boot); the tunables are frozen from then on.
    pub allocated: bool,
    pub wheel: Callwheel,
    /// `&c` names -> arena slots.
    pub names: BTreeMap<String, CalloutId>,
    /// `callfree` as a stack: the last element is its head.
    pub callfree: Vec<CalloutId>,
    pub todo: calltodo::CallTodo,
    pub th: threads::SoftclockThread,
    /// Held mutexes by name.
    pub mutexes: BTreeMap<Name, threads::Mutex>,
    /// Variables `callout_handle_init` has made NULL handles.
    pub handle_vars: BTreeSet<String>,
}

impl Default for Callouts {
    fn default() -> Self {
        Callouts {
            ncallout: NCALLOUT_DEFAULT,
            max_named: MAX_NAMED_CALLOUTS,
            impl_: CalloutImpl::Callwheel,
            allocated: false,
            wheel: Callwheel::default(),
            names: BTreeMap::new(),
            callfree: Vec::new(),
            todo: calltodo::CallTodo::default(),
            th: threads::SoftclockThread::default(),
            mutexes: BTreeMap::new(),
            handle_vars: BTreeSet::new(),
        }
    }
}

/// The scenario's name for callout `id` (`callout[3]` for a pooled one).
#[inline]
fn name_of(k: &Kernel, id: CalloutId) -> Name {
    k.co.wheel.name(id).clone()
}

/// `kern_timeout_callwheel_alloc` + `_init`: sizes the wheel and fills the pool (or the
/// 4.4BSD table). Runs once, at the first hardclock or the first callout call; every tick after
/// that pays only the check.
#[inline]
pub fn ensure_boot(k: &mut Kernel) {
    if !k.co.allocated {
        boot(k);
    }
}

#[cold]
fn boot(k: &mut Kernel) {
    let n = k.co.ncallout;
    let co = &mut k.co;
    co.wheel = Callwheel::new(n);
    match co.impl_ {
        CalloutImpl::Callwheel => {
            for i in 0..n {
                let name = Name::from(format!("callout[{i}]"));
                let id = co.wheel.add(name, callwheel::CALLOUT_LOCAL_ALLOC);
                co.callfree.push(id);
            }
        }
        CalloutImpl::Calltodo => co.todo = calltodo::CallTodo::new(n),
    }
    co.th.softticks = k.clock.ticks;
    co.allocated = true;
}

/// The hardclock half (step 2 of a tick).
#[inline]
pub fn hardclock(k: &mut Kernel) {
    softclock::hardclock(k)
}

/// The FreeBSD part of softclock (step 4 of a tick).
#[inline]
pub fn softclock(k: &mut Kernel) -> Result<(), KernelError> {
    softclock::softclock(k)
}

/// Argument `i` as a C `int`.
fn int32(args: &Args, i: usize) -> Result<i64, KernelError> {
    let n = args.int(i)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(KernelError::arg(
            i,
            format!("{}: {n} does not fit in a C int", args.name),
        ));
    }
    Ok(n)
}

/// The callout `&c` of the first argument, which must have been through `callout_init`.
fn named(k: &Kernel, args: &Args) -> Result<callwheel::CalloutId, KernelError> {
    callout::named(k, args.name, args.obj(0)?)
}

fn callout_reset(k: &mut Kernel, args: &Args) -> Result<Value, KernelError> {
    let id = named(k, args)?;
    let n = int32(args, 1)?;
    callout::callout_reset(k, id, n, args.func(2)?, args.any(3)?)?;
    Ok(Value::Null)
}

/// `untimeout`: the arity depends on a tunable, so the script checker may not have known it.
fn untimeout(k: &mut Kernel, args: &Args) -> Result<Value, KernelError> {
    let calltodo = k.co.impl_ == CalloutImpl::Calltodo;
    let want = if calltodo {
        UNTIMEOUT_44BSD.params.len()
    } else {
        3
    };
    if args.len() != want {
        return Err(KernelError::msg(untimeout_arity(calltodo, args.len())));
    }
    if calltodo {
        calltodo::untimeout(k, args.func(0)?, args.any(1)?)
    } else {
        legacy::untimeout(k, args.func(0)?, args.any(1)?, args.any(2)?)
    }
}

/// Why an `untimeout` call has the wrong number of arguments, for the kernel and the checker:
/// the callwheel's takes a handle (three arguments), 4.4BSD's calltodo one does not (two).
pub fn untimeout_arity(calltodo: bool, got: usize) -> String {
    if calltodo {
        format!(
            "untimeout expects 2 arguments (timeout_t *ftn, void *arg) with callout_impl = 1, got {got}: 4.4BSD's untimeout has no handle"
        )
    } else {
        format!(
            "untimeout expects 3 arguments (timeout_t *func, void *arg, struct callout_handle handle), got {got}; the two-argument untimeout(ftn, arg) is 4.4BSD's (set callout_impl = 1 before boot)"
        )
    }
}

/// `busy(n)` in a handler body: the handler keeps running for n hardclocks.
pub fn busy(k: &mut Kernel, n: i64) -> Result<Value, KernelError> {
    threads::busy(k, n)
}

pub fn read_var(k: &Kernel, name: &str) -> Option<Value> {
    let co = &k.co;
    let n = match name {
        "ncallout" => co.ncallout as i64,
        "callout_impl" => (co.impl_ == CalloutImpl::Calltodo) as i64,
        "callwheelsize" => co.callwheelsize() as i64,
        "callwheelmask" => co.callwheelmask() as i64,
        "softticks" if co.allocated => co.th.softticks as i64,
        "softticks" => k.clock.ticks as i64,
        _ => return None,
    };
    Some(Value::Int(n))
}

pub fn write_var(k: &mut Kernel, name: &str, v: &Value) -> Result<bool, KernelError> {
    match name {
        "ncallout" | "callout_impl" => {}
        "callwheelsize" | "callwheelmask" => {
            return Err(KernelError::msg(format!(
                "{name} is derived from ncallout (the next power of two >= ncallout); set ncallout instead"
            )))
        }
        "softticks" => {
            return Err(KernelError::msg(
                "softticks belongs to softclock and cannot be set",
            ))
        }
        _ => return Ok(false),
    }
    if k.co.allocated || k.clock.booted() {
        return Err(KernelError::msg(format!(
            "{name} can only be set before the callwheel is allocated (before the first hardclock or callout call)"
        )));
    }
    let n = match v {
        Value::Int(n) => *n,
        other => {
            return Err(KernelError::msg(format!(
                "{name} must be an int, got {}",
                other.type_name()
            )))
        }
    };
    match name {
        "ncallout" if (1..=NCALLOUT_MAX as i64).contains(&n) => k.co.ncallout = n as u32,
        "ncallout" => {
            return Err(KernelError::msg(format!(
                "ncallout must be between 1 and {NCALLOUT_MAX}, got {n}"
            )))
        }
        _ => {
            k.co.impl_ = match n {
                0 => CalloutImpl::Callwheel,
                1 => CalloutImpl::Calltodo,
                _ => {
                    return Err(KernelError::msg(format!(
                        "callout_impl must be 0 (callwheel) or 1 (4.4BSD calltodo), got {n}"
                    )))
                }
            }
        }
    }
    Ok(true)
}

/// A callout the kernel itself arms (FreeBSD's `in_rtqtimo`, from `netinet/in_rmx.c`):
/// `callout_init(&c, mpsafe)` on first use, then `callout_reset(&c, ticks, func, NULL)`, as the
/// scenario's calls would, so it shows on the callwheel like any other.
pub fn kernel_callout_reset(
    k: &mut Kernel,
    name: &str,
    mpsafe: bool,
    ticks: i64,
    func: &str,
) -> Result<(), KernelError> {
    ensure_boot(k);
    if !k.co.names.contains_key(name) {
        callout::callout_init(k, name, mpsafe)?;
    }
    let id = callout::named(k, "callout_reset", name)?;
    callout::callout_reset(k, id, ticks, Some(func), &Value::Null)
}
