//! Two threads and their mutexes: the concurrency the callout(9) man page warns about.
//!
//! The script is one thread; callout handlers run in the softclock thread. The softclock thread
//! only moves inside `hardclock()` (one pass per tick), so everything is deterministic:
//!
//! * `busy(n)` in a handler body suspends it: the rest of the body, and the rest of the
//!   softclock scan behind it, resume in the pass of the n-th hardclock from now.
//! * A handler (or softclock itself, taking Giant for a non-MPSAFE callout) that finds a mutex
//!   held by the script thread sleeps; it retries in every later pass.
//! * The script thread blocks in `callout_drain` on the callout being serviced, or in `mtx_lock`
//!   on a mutex the softclock thread holds. While it sleeps the simulator runs hardclocks by
//!   itself; if the softclock thread is itself waiting for a mutex the sleeping script holds,
//!   neither can move: a deadlock, reported as a simulated panic naming the lock.
//! * Giant is not such a mutex for a drain. The drain waits in `msleep_spin` (`msleep` in 5.x),
//!   and every sleep of `kern_synch.c` / `kern_condvar.c` runs `DROP_GIANT()` before it sleeps
//!   and `PICKUP_GIANT()` after, so a drainer holding Giant lets a non-MPSAFE handler run. (A
//!   thread blocked in `mtx_lock` on a contested mutex waits on a turnstile, which keeps Giant.)
//! * A mutex the script releases wakes the softclock thread waiting for it at once
//!   (`turnstile_unpend`; softclock's ithread outranks the script's thread): the rest of the
//!   tick's softclock pass runs inside that `mtx_unlock`, before the script's next statement.
//!
//! This file holds the threads' state and every decision about it; it runs nothing. A handler
//! the softclock thread is servicing is a continuation ([`Running`]): [`Callouts::softclock_next`]
//! hands out the call to make ([`Call`]), and the machine runs the body and reports back
//! ([`Callouts::handler_returned`], [`Callouts::handler_suspended`]). A script thread that must
//! sleep gets a [`Sleep`] back; the syscall glue (`kernel::calls::freebsd`) runs the hardclocks
//! while it sleeps, asking [`Callouts::sleep_over`] and [`Callouts::check_deadlock`] each time.
//!
//! Every callout that fires passes through `Callouts::start`, [`Callouts::softclock_next`]
//! and [`Callouts::handler_returned`], so these keep the handler's and the mutexes' names as
//! [`Name`]s (copied without allocating) and build their events only when the trace records.

use super::callwheel::CalloutId;
use super::events::{CalloutEvent, Thread};
use super::Callouts;
use crate::kernel::{KernelError, Name, Stmt, Trace, Value};

/// The mutex non-MPSAFE callouts run under.
pub const GIANT: &str = "Giant";
/// Longest `busy(n)` accepted, in hardclocks.
pub const BUSY_MAX: i64 = 10_000;
/// The simulator gives up on a script thread sleeping longer than this many hardclocks.
pub const MAX_BLOCKED_TICKS: u32 = 100_000;

/// A held `struct mtx` (free mutexes are not stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutex {
    pub owner: Thread,
    /// Extra acquisitions by the owner (only Giant may recurse).
    pub recurse: u32,
}

/// What the handler in progress waits for before it can go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    Ready,
    /// Hardclocks still to wait (`busy(n)`).
    Busy(u32),
    /// A mutex the script thread holds.
    Lock(Name),
}

/// Where the handler in progress came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A callout dequeued from the callwheel (named or pooled).
    Wheel(CalloutId),
    /// An entry of the 4.4BSD calltodo list.
    Todo(u32),
}

/// The handler the softclock thread is servicing, kept as a continuation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    pub origin: Origin,
    pub func: Name,
    /// The argument, taken when the entry was dequeued: a calltodo entry is free by then, and a
    /// non-MPSAFE callout may wait for Giant while the script resets it. None for an MPSAFE
    /// callout, called before anything can change its `c_arg`: that is read at the call
    /// (see `call_arg`).
    pub arg: Option<Value>,
    /// The mutex softclock holds around the call (Giant for non-MPSAFE callouts).
    pub c_mtx: Option<&'static str>,
    /// False while softclock still waits for `c_mtx`.
    pub started: bool,
    pub wait: Wait,
    /// The statements of the body still to run.
    pub rest: Vec<Stmt>,
}

/// The softclock thread: its place in the wheel and the handler it is running.
#[derive(Clone, Debug, Default)]
pub struct SoftclockThread {
    /// The last tick whose bucket softclock has finished (or hardclock found empty).
    pub softticks: i32,
    /// The tick whose bucket is being walked (cached, as hardclock may move `softticks`).
    pub curticks: i32,
    pub walking: bool,
    /// The next entry to examine in the bucket being walked.
    pub nextsoftcheck: Option<CalloutId>,
    /// Entries examined since the last yield or the last call.
    pub steps: u32,
    /// The callout being serviced (never a pooled one: those are free before they run).
    pub curr_callout: Option<CalloutId>,
    /// 1 = the call of `curr_callout` can no longer be stopped (or was stopped before it began).
    pub curr_cancelled: bool,
    /// A drainer sleeps until `curr_callout` returns.
    pub callout_wait: bool,
    pub running: Option<Running>,
    /// Inside a softclock pass.
    pub in_pass: bool,
    /// Between this facility's hardclock half and its softclock pass, where the other
    /// facilities' handlers run (OpenBSD timeouts, rt_timer actions): nobody may sleep there.
    pub in_tick: bool,
    /// A handler body is executing (so calls come from the softclock thread).
    pub in_handler: bool,
    /// What the body asked for when it suspended itself.
    pub request: Option<Wait>,
}

/// The call the softclock thread makes next, for the machine to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// Call `func(arg)`: a kernel function or a scenario handler body.
    Start { func: Name, arg: Value },
    /// Go on with the body of `func`, which suspended itself: `rest` is what is left of it.
    Resume { func: Name, rest: Vec<Stmt> },
}

/// What the script thread sleeps for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptWait {
    /// `callout_drain`: until this callout is no longer being serviced.
    Drain(CalloutId),
    /// `mtx_lock`: until the softclock thread releases the mutex.
    Lock(String),
}

/// A sleep of the script thread, for the syscall glue to carry out: it runs hardclocks until
/// [`Callouts::sleep_over`] says `wait` is satisfied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sleep {
    pub wait: ScriptWait,
    /// The call that sleeps, as the trace names it (`callout_drain(&c)`).
    pub call: String,
    /// What ends the sleep, in words.
    pub until: String,
    /// A sleep of `kern_synch.c` (`msleep`, `msleep_spin`, `cv_wait`), which drops Giant for its
    /// duration; false for a turnstile wait on a mutex, which keeps it.
    pub sleep: bool,
}

/// How `mtx_lock` went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lock {
    /// The caller holds the mutex now.
    Taken,
    /// The handler body calling it stops here; the lock is taken when it is resumed.
    Suspend,
    /// The script thread sleeps until the softclock thread releases the mutex, then takes it
    /// ([`Callouts::lock_after_sleep`]).
    Sleep(Sleep),
}

impl Callouts {
    /// The thread making the current call.
    pub fn current(&self) -> Thread {
        if self.th.in_handler {
            Thread::Softclock
        } else {
            Thread::Script
        }
    }

    pub fn owner(&self, m: &str) -> Option<Thread> {
        self.mutexes.get(m).map(|x| x.owner)
    }

    pub fn running_func(&self) -> Name {
        self.th
            .running
            .as_ref()
            .map_or_else(|| Name::from("softclock"), |r| r.func.clone())
    }

    /// `mtx_lock` without sleeping: Ok(true) if `who` now holds `m`, Ok(false) if the other
    /// thread does.
    pub fn try_lock(
        &mut self,
        who: Thread,
        m: &str,
        now: i32,
        trace: &mut Trace,
    ) -> Result<bool, KernelError> {
        match self.mutexes.get_mut(m) {
            None => {
                self.mutexes.insert(
                    Name::from(m),
                    Mutex {
                        owner: who,
                        recurse: 0,
                    },
                );
                trace.emit(
                    now,
                    CalloutEvent::Locked {
                        thread: who,
                        m: Name::from(m),
                        recurse: 0,
                    },
                );
                Ok(true)
            }
            Some(x) if x.owner == who => {
                if m != GIANT {
                    return Err(KernelError::Panic(format!(
                        "_mtx_lock_sleep: recursed on non-recursive mutex {m}"
                    )));
                }
                x.recurse += 1;
                let recurse = x.recurse;
                trace.emit(
                    now,
                    CalloutEvent::Locked {
                        thread: who,
                        m: Name::from(m),
                        recurse,
                    },
                );
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    pub fn unlock(
        &mut self,
        who: Thread,
        m: &str,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        match self.mutexes.get_mut(m) {
            Some(x) if x.owner == who => {
                if x.recurse > 0 {
                    x.recurse -= 1;
                } else {
                    self.mutexes.remove(m);
                }
                trace.emit(
                    now,
                    CalloutEvent::Unlocked {
                        thread: who,
                        m: Name::from(m),
                    },
                );
                Ok(())
            }
            _ => Err(KernelError::Panic(format!(
                "mutex {m} not owned by {} at mtx_unlock",
                who.as_str()
            ))),
        }
    }

    /// `mtx_lock(&m)` from the script or from a handler body.
    pub fn mtx_lock(&mut self, m: &str, now: i32, trace: &mut Trace) -> Result<Lock, KernelError> {
        let who = self.current();
        if self.try_lock(who, m, now, trace)? {
            return Ok(Lock::Taken);
        }
        let func = self.running_func();
        trace.emit(
            now,
            CalloutEvent::LockWait {
                thread: who,
                m: Name::from(m),
                func: func.clone(),
                before_call: false,
            },
        );
        Ok(match who {
            Thread::Softclock => {
                self.th.request = Some(Wait::Lock(Name::from(m)));
                Lock::Suspend
            }
            // A turnstile wait, not a sleep: Giant stays held (see the module doc).
            Thread::Script => Lock::Sleep(Sleep {
                wait: ScriptWait::Lock(m.to_string()),
                call: format!("mtx_lock(&{m})"),
                until: format!("{func}() releases {m}"),
                sleep: false,
            }),
        })
    }

    /// The end of the script's [`Lock::Sleep`]: the softclock thread has let go of `m`.
    pub fn lock_after_sleep(
        &mut self,
        m: &str,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        if !self.try_lock(Thread::Script, m, now, trace)? {
            return Err(KernelError::Panic(format!(
                "mtx_lock: {m} still held after wakeup"
            )));
        }
        Ok(())
    }

    /// `mtx_unlock(&m)` from the script or from a handler body. Returns the thread that called.
    pub fn mtx_unlock(
        &mut self,
        m: &str,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Thread, KernelError> {
        let who = self.current();
        self.unlock(who, m, now, trace)?;
        Ok(who)
    }

    /// `mtx_unlock` -> `turnstile_unpend`: true if the softclock thread sleeps on `m` (in a
    /// handler's `mtx_lock`, or before calling a non-MPSAFE handler) and `m` is now free; it
    /// then runs at once and finishes this tick's softclock pass before the script thread goes
    /// on, in the same tick (the machine runs it). Between a hardclock and its softclock pass (a
    /// timeout(9) or rt_timer handler released it) the pass is about to run anyway: false.
    pub fn wake_waiter(&self, m: &str, by: String, now: i32, trace: &mut Trace) -> bool {
        if self.owner(m).is_some() || self.th.in_tick || self.th.in_pass {
            return false;
        }
        let waits = matches!(
            self.th.running.as_ref().map(|r| &r.wait),
            Some(Wait::Lock(w)) if w.as_str() == m
        );
        if waits {
            trace.emit(
                now,
                CalloutEvent::WakeWaiter {
                    m: Name::from(m),
                    func: self.running_func(),
                    by,
                },
            );
        }
        waits
    }

    /// `busy(n)` in a callout handler body: true if the body stops here.
    pub fn busy(&mut self, n: i64, now: i32, trace: &mut Trace) -> Result<bool, KernelError> {
        if !self.th.in_handler {
            return Err(KernelError::arg(
                0,
                "busy(n) only works inside a callout handler body: it keeps the softclock thread running that handler for n hardclocks",
            ));
        }
        if !(0..=BUSY_MAX).contains(&n) {
            return Err(KernelError::arg(
                0,
                format!("busy: n must be between 0 and {BUSY_MAX} hardclocks, got {n}"),
            ));
        }
        if n == 0 {
            return Ok(false);
        }
        let func = self.running_func();
        trace.emit(now, CalloutEvent::Busy { func, n });
        self.th.request = Some(Wait::Busy(n as u32));
        Ok(true)
    }

    /// If the softclock thread sleeps on a mutex the script holds: (handler, mutex).
    fn softclock_waits_for_script(&self) -> Option<(Name, Name)> {
        let run = self.th.running.as_ref()?;
        match &run.wait {
            Wait::Lock(m) if self.owner(m) == Some(Thread::Script) => {
                Some((run.func.clone(), m.clone()))
            }
            _ => None,
        }
    }

    /// The start of the script thread's sleep `s`: refused where nothing may sleep, else
    /// recorded.
    pub fn begin_sleep(&self, s: &Sleep, now: i32, trace: &mut Trace) -> Result<(), KernelError> {
        if self.th.in_tick {
            return Err(KernelError::msg(format!(
                "{} would sleep inside a timeout(9) or rt_timer handler, which runs in softclock and cannot sleep",
                s.call
            )));
        }
        trace.emit(
            now,
            CalloutEvent::Blocked {
                call: s.call.clone(),
                until: s.until.clone(),
            },
        );
        Ok(())
    }

    /// Whether the sleep `s` is over (recorded, with the hardclocks it took), to be checked
    /// before every hardclock the sleeping script thread lets run.
    pub fn sleep_over(&self, s: &Sleep, after: u32, now: i32, trace: &mut Trace) -> bool {
        let done = match &s.wait {
            ScriptWait::Drain(id) => self.th.curr_callout != Some(*id),
            ScriptWait::Lock(m) => self.owner(m) != Some(Thread::Softclock),
        };
        if done {
            trace.emit(
                now,
                CalloutEvent::Woke {
                    call: s.call.clone(),
                    after,
                },
            );
        }
        done
    }

    /// A sleep that is not over yet: a panic if neither thread can move any more (the softclock
    /// thread waits for a mutex the sleeping script holds), an error after
    /// [`MAX_BLOCKED_TICKS`] hardclocks.
    pub fn check_deadlock(
        &self,
        s: &Sleep,
        after: u32,
        now: i32,
        trace: &mut Trace,
    ) -> Result<(), KernelError> {
        let call = &s.call;
        if let Some((func, lock)) = self.softclock_waits_for_script() {
            trace.emit(
                now,
                CalloutEvent::Deadlock {
                    call: call.clone(),
                    lock: lock.clone(),
                    func: func.clone(),
                    sleep: s.sleep,
                },
            );
            return Err(KernelError::Panic(format!(
                "deadlock: {call} sleeps until {func}() returns, but {func}() waits for {lock}, held by the sleeping thread"
            )));
        }
        if after >= MAX_BLOCKED_TICKS {
            return Err(KernelError::msg(format!(
                "{call} has slept for {MAX_BLOCKED_TICKS} hardclocks; the simulator gives up"
            )));
        }
        Ok(())
    }

    /// `DROP_GIANT()` at the start of a sleep: if the script thread holds Giant it lets go of it
    /// completely, however deep its recursion. Returns how deep that was, for
    /// [`Callouts::pickup_giant`] (0: it did not hold Giant).
    pub fn drop_giant(&mut self, call: &str, now: i32, trace: &mut Trace) -> u32 {
        let count = match self.mutexes.get(GIANT) {
            Some(x) if x.owner == Thread::Script => x.recurse + 1,
            _ => return 0,
        };
        self.mutexes.remove(GIANT);
        trace.emit(
            now,
            CalloutEvent::DropGiant {
                call: call.to_string(),
                count,
            },
        );
        count
    }

    /// If the script thread must wait for Giant before `PICKUP_GIANT()` after `call` (a
    /// handler holds it right now), the wait: a turnstile, like any `mtx_lock`, so nothing is
    /// dropped.
    pub fn giant_wait(&self, call: &str) -> Option<Sleep> {
        (self.owner(GIANT) == Some(Thread::Softclock)).then(|| Sleep {
            wait: ScriptWait::Lock(GIANT.to_string()),
            call: format!("PICKUP_GIANT() after {call}"),
            until: format!("{}() releases {GIANT}", self.running_func()),
            sleep: false,
        })
    }

    /// `PICKUP_GIANT()` when the sleep ends: Giant is taken back as deep as it was held.
    pub fn pickup_giant(&mut self, call: &str, count: u32, now: i32, trace: &mut Trace) {
        self.mutexes.insert(
            Name::from(GIANT),
            Mutex {
                owner: Thread::Script,
                recurse: count - 1,
            },
        );
        trace.emit(
            now,
            CalloutEvent::PickupGiant {
                call: call.to_string(),
                count,
            },
        );
    }

    /// The hardclock half of the thread model: a busy handler has one tick less to go.
    #[inline]
    pub(super) fn count_down(&mut self) {
        if let Some(Running {
            wait: Wait::Busy(n),
            ..
        }) = self.th.running.as_mut()
        {
            *n = n.saturating_sub(1);
        }
    }

    /// Makes the softclock thread service `func(arg)`, first taking `c_mtx` if it has one.
    pub(super) fn start(
        &mut self,
        origin: Origin,
        func: Name,
        arg: Option<Value>,
        c_mtx: Option<&'static str>,
        now: i32,
        trace: &mut Trace,
    ) {
        if let Some(m) = c_mtx {
            if self.owner(m) == Some(Thread::Script) {
                trace.emit(
                    now,
                    CalloutEvent::LockWait {
                        thread: Thread::Softclock,
                        m: Name::from(m),
                        func: func.clone(),
                        before_call: true,
                    },
                );
            }
        }
        let wait = match c_mtx {
            Some(m) => Wait::Lock(Name::from(m)),
            None => Wait::Ready,
        };
        self.th.running = Some(Running {
            origin,
            func,
            arg,
            c_mtx,
            started: false,
            wait,
            rest: Vec::new(),
        });
    }

    /// Moves the handler in progress as far as it can go without running any of it: the call
    /// to make, or None when it still waits (or there is none, or it was cancelled before it
    /// began and has returned).
    pub(super) fn advance(
        &mut self,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Option<Call>, KernelError> {
        let Some(run) = self.th.running.as_ref() else {
            return Ok(None);
        };
        match &run.wait {
            Wait::Busy(n) if *n > 0 => return Ok(None),
            Wait::Lock(m) => {
                let m = m.clone();
                if !self.try_lock(Thread::Softclock, &m, now, trace)? {
                    return Ok(None);
                }
                // (try_lock has taken the mutex.)
            }
            _ => {}
        }
        let Some(run) = self.th.running.as_mut() else {
            return Ok(None);
        };
        run.wait = Wait::Ready;
        let func = run.func.clone();
        if std::mem::replace(&mut run.started, true) {
            return Ok(Some(Call::Resume {
                func,
                rest: run.rest.clone(),
            }));
        }
        let (origin, has_mtx, arg) = (run.origin, run.c_mtx.is_some(), run.arg.clone());
        let arg = arg.unwrap_or_else(|| self.call_arg(origin));
        if has_mtx && self.th.curr_cancelled {
            trace.emit(
                now,
                CalloutEvent::CancelledSkip {
                    c: self.describe_origin(origin),
                    func,
                },
            );
            self.handler_returned(now, trace)?;
            return Ok(None);
        }
        self.th.curr_cancelled = true;
        Ok(Some(Call::Start { func, arg }))
    }

    /// The `c_arg` of a callout called without having waited, read at the call.
    fn call_arg(&self, origin: Origin) -> Value {
        match origin {
            Origin::Wheel(id) => self.wheel.get(id).c_arg.clone(),
            _ => Value::Null,
        }
    }

    fn describe_origin(&self, origin: Origin) -> Name {
        match origin {
            Origin::Wheel(id) => self.name_of(id),
            Origin::Todo(slot) => Name::from(format!("calltodo entry {slot}")),
        }
    }

    /// The body of the handler in progress stopped half-way (`busy(n)`, a mutex wait): `rest`
    /// is what is left of it, resumed when what it asked for is there.
    pub fn handler_suspended(&mut self, rest: Vec<Stmt>) {
        let wait = self.th.request.take().unwrap_or(Wait::Ready);
        if let Some(r) = self.th.running.as_mut() {
            r.rest = rest;
            r.wait = wait;
        }
    }

    /// The handler returned: softclock drops its mutex, clears `curr_callout`, wakes any
    /// drainer.
    pub fn handler_returned(&mut self, now: i32, trace: &mut Trace) -> Result<(), KernelError> {
        let Some(run) = self.th.running.take() else {
            return Ok(());
        };
        if let Some(m) = run.c_mtx {
            self.unlock(Thread::Softclock, m, now, trace)?;
        }
        let held = self
            .mutexes
            .iter()
            .find(|(_, x)| x.owner == Thread::Softclock)
            .map(|(m, _)| m.clone());
        if let Some(m) = held {
            return Err(KernelError::Panic(format!(
                "softclock: {}() returned with mutex {m} held",
                run.func
            )));
        }
        let c = match run.origin {
            Origin::Wheel(id) if self.th.curr_callout == Some(id) => {
                self.th.curr_callout = None;
                Some(id)
            }
            _ => None,
        };
        self.th.callout_wait = false;
        self.th.steps = 0;
        trace.emit(
            now,
            CalloutEvent::Return {
                func: run.func,
                c: c.map(|id| self.name_of(id)),
            },
        );
        Ok(())
    }
}
