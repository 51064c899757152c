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
//! takes no handle (`kernel::calls::freebsd::UNTIMEOUT_44BSD`).
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
//! # Plain data
//! [`Callouts`] is a value whose methods take what they need: the time (`now`, the value of
//! `ticks`) and the [`Trace`] they record into. An `Err(KernelError::Panic)` is a kernel panic
//! the caller records (the machine halts). Nothing here runs a handler or a hardclock: the
//! softclock pass hands out the calls the softclock thread makes ([`threads::Call`]), and a
//! script thread that must sleep gets the sleep back ([`threads::Sleep`]). The scenario's calls
//! reach these methods through `kernel::calls::freebsd`, and the machine (`kernel::machine`)
//! runs hardclock, the softclock pass and the handlers.
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

use std::collections::{BTreeMap, BTreeSet};

pub use callout::Stop;
pub use callwheel::{
    CalloutId, CALLOUT_ACTIVE, CALLOUT_LOCAL_ALLOC, CALLOUT_MPSAFE, CALLOUT_PENDING,
};
pub use events::Thread;
pub use events::{CalloutEvent, StopWhy, UntimeoutOutcome};
pub use threads::{Call, Lock, Sleep, Wait, GIANT};
pub use view::{CalloutView, RunningView, TodoView};

use super::{KernelError, Name, Trace, Value};
use callwheel::Callwheel;

/// Default `ncallout` in the simulator (real kernels size it from maxusers: 1612 for 32 users).
pub const NCALLOUT_DEFAULT: u32 = 64;
/// Largest settable `ncallout`, so that snapshots of the kernel stay cheap.
pub const NCALLOUT_MAX: u32 = 16_384;
/// Most `struct callout`s a scenario may name.
pub const MAX_NAMED_CALLOUTS: usize = 1024;

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

impl Callouts {
    /// The scenario's name for callout `id` (`callout[3]` for a pooled one).
    #[inline]
    fn name_of(&self, id: CalloutId) -> Name {
        self.wheel.name(id).clone()
    }

    /// `kern_timeout_callwheel_alloc` + `_init`: sizes the wheel and fills the pool (or the
    /// 4.4BSD table). Runs once, at the first hardclock or the first callout call (at tick
    /// `now`); every tick after that pays only the check.
    #[inline]
    pub fn ensure_boot(&mut self, now: i32) {
        if !self.allocated {
            self.boot(now);
        }
    }

    #[cold]
    fn boot(&mut self, now: i32) {
        let n = self.ncallout;
        self.wheel = Callwheel::new(n);
        match self.impl_ {
            CalloutImpl::Callwheel => {
                for i in 0..n {
                    let name = Name::from(format!("callout[{i}]"));
                    let id = self.wheel.add(name, callwheel::CALLOUT_LOCAL_ALLOC);
                    self.callfree.push(id);
                }
            }
            CalloutImpl::Calltodo => self.todo = calltodo::CallTodo::new(n),
        }
        self.th.softticks = now;
        self.allocated = true;
    }

    /// A callout the kernel itself arms (FreeBSD's `in_rtqtimo`, from `netinet/in_rmx.c`):
    /// `callout_init(&c, mpsafe)` on first use, then `callout_reset(&c, ticks, func, NULL)`, as
    /// the scenario's calls would, so it shows on the callwheel like any other.
    pub fn kernel_callout_reset(
        &mut self,
        name: &str,
        mpsafe: bool,
        ticks: i64,
        func: &str,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        self.ensure_boot(now);
        if !self.names.contains_key(name) {
            self.callout_init(name, mpsafe, now, trace)?;
        }
        let id = self.named("callout_reset", name)?;
        self.callout_reset(id, ticks, Some(func), &Value::Null, now, trace);
        Ok(())
    }

    /// Reads a tunable or `softticks` (`now` is the value of `ticks`, which `softticks` is
    /// before boot).
    pub fn read_var(&self, name: &str, now: i32) -> Option<Value> {
        let n = match name {
            "ncallout" => self.ncallout as i64,
            "callout_impl" => (self.impl_ == CalloutImpl::Calltodo) as i64,
            "callwheelsize" => self.callwheelsize() as i64,
            "callwheelmask" => self.callwheelmask() as i64,
            "softticks" if self.allocated => self.th.softticks as i64,
            "softticks" => now as i64,
            _ => return None,
        };
        Some(Value::Int(n))
    }

    /// Sets a tunable; false if `name` is not one of this facility's. `booted`: the clock has
    /// ticked, which freezes the tunables like the wheel's allocation does.
    pub fn write_var(&mut self, name: &str, v: &Value, booted: bool) -> Result<bool, KernelError> {
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
        if self.allocated || booted {
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
            "ncallout" if (1..=NCALLOUT_MAX as i64).contains(&n) => self.ncallout = n as u32,
            "ncallout" => {
                return Err(KernelError::msg(format!(
                    "ncallout must be between 1 and {NCALLOUT_MAX}, got {n}"
                )))
            }
            _ => {
                self.impl_ = match n {
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
