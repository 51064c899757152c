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
//! Every callout that fires passes through [`start`], [`advance`] and [`finish`], so these keep
//! the handler's and the mutexes' names as [`Name`]s (copied without allocating) and build
//! their events only when the kernel records them.

use super::callwheel::CalloutId;
use super::events::CalloutEvent;
use super::name_of;
use crate::kernel::{HandlerEnd, Kernel, KernelError, Name, Stmt, Value, Via};

/// The mutex non-MPSAFE callouts run under.
pub const GIANT: &str = "Giant";
/// Longest `busy(n)` accepted, in hardclocks.
pub const BUSY_MAX: i64 = 10_000;
/// The simulator gives up on a script thread sleeping longer than this many hardclocks.
pub const MAX_BLOCKED_TICKS: u32 = 100_000;

/// Who is running a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thread {
    Script,
    Softclock,
}

impl Thread {
    pub fn as_str(self) -> &'static str {
        match self {
            Thread::Script => "the script thread",
            Thread::Softclock => "the softclock thread",
        }
    }
}

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

/// The thread making the current call.
pub fn current(k: &Kernel) -> Thread {
    if k.co.th.in_handler {
        Thread::Softclock
    } else {
        Thread::Script
    }
}

pub fn owner(k: &Kernel, m: &str) -> Option<Thread> {
    k.co.mutexes.get(m).map(|x| x.owner)
}

fn running_func(k: &Kernel) -> Name {
    k.co.th
        .running
        .as_ref()
        .map_or_else(|| Name::from("softclock"), |r| r.func.clone())
}

/// `mtx_lock` without sleeping: Ok(true) if `who` now holds `m`, Ok(false) if the other thread does.
pub fn try_lock(k: &mut Kernel, who: Thread, m: &str) -> Result<bool, KernelError> {
    match k.co.mutexes.get_mut(m) {
        None => {
            k.co.mutexes.insert(
                Name::from(m),
                Mutex {
                    owner: who,
                    recurse: 0,
                },
            );
            k.emit(CalloutEvent::Locked {
                thread: who,
                m: Name::from(m),
                recurse: 0,
            });
            Ok(true)
        }
        Some(x) if x.owner == who => {
            if m != GIANT {
                return Err(k.panic(format!(
                    "_mtx_lock_sleep: recursed on non-recursive mutex {m}"
                )));
            }
            x.recurse += 1;
            let recurse = x.recurse;
            k.emit(CalloutEvent::Locked {
                thread: who,
                m: Name::from(m),
                recurse,
            });
            Ok(true)
        }
        Some(_) => Ok(false),
    }
}

pub fn unlock(k: &mut Kernel, who: Thread, m: &str) -> Result<(), KernelError> {
    match k.co.mutexes.get_mut(m) {
        Some(x) if x.owner == who => {
            if x.recurse > 0 {
                x.recurse -= 1;
            } else {
                k.co.mutexes.remove(m);
            }
            k.emit(CalloutEvent::Unlocked {
                thread: who,
                m: Name::from(m),
            });
            Ok(())
        }
        _ => Err(k.panic(format!(
            "mutex {m} not owned by {} at mtx_unlock",
            who.as_str()
        ))),
    }
}

/// `mtx_lock(&m)` from the script or from a handler body.
pub fn mtx_lock(k: &mut Kernel, m: &str) -> Result<Value, KernelError> {
    let who = current(k);
    if try_lock(k, who, m)? {
        return Ok(Value::Null);
    }
    match who {
        Thread::Softclock => {
            // The handler sleeps here; the lock is taken when it is resumed.
            let func = running_func(k);
            k.emit(CalloutEvent::LockWait {
                thread: who,
                m: Name::from(m),
                func,
                before_call: false,
            });
            k.co.th.request = Some(Wait::Lock(Name::from(m)));
            k.suspend = true;
        }
        Thread::Script => {
            let func = running_func(k);
            k.emit(CalloutEvent::LockWait {
                thread: who,
                m: Name::from(m),
                func: func.clone(),
                before_call: false,
            });
            // A turnstile wait, not a sleep: Giant stays held (see the module doc).
            block_script(
                k,
                ScriptWait::Lock(m.to_string()),
                format!("mtx_lock(&{m})"),
                format!("{func}() releases {m}"),
                false,
            )?;
            if !try_lock(k, who, m)? {
                return Err(k.panic(format!("mtx_lock: {m} still held after wakeup")));
            }
        }
    }
    Ok(Value::Null)
}

pub fn mtx_unlock(k: &mut Kernel, m: &str) -> Result<Value, KernelError> {
    let who = current(k);
    unlock(k, who, m)?;
    if who == Thread::Script {
        wake_softclock(k, m, format!("mtx_unlock(&{m})"))?;
    }
    Ok(Value::Null)
}

/// `mtx_unlock` -> `turnstile_unpend`: if the softclock thread sleeps on `m` (in a handler's
/// `mtx_lock`, or before calling a non-MPSAFE handler) and `m` is now free, it runs at once
/// and finishes this tick's softclock pass before the script thread goes on, in the same tick.
/// Between a hardclock and its softclock pass (a timeout(9) or rt_timer handler released it)
/// the pass is about to run anyway, so nothing is done here.
fn wake_softclock(k: &mut Kernel, m: &str, by: String) -> Result<(), KernelError> {
    if owner(k, m).is_some() || k.co.th.in_tick || k.co.th.in_pass {
        return Ok(());
    }
    let waits = matches!(
        k.co.th.running.as_ref().map(|r| &r.wait),
        Some(Wait::Lock(w)) if w.as_str() == m
    );
    if !waits {
        return Ok(());
    }
    let func = running_func(k);
    k.emit(CalloutEvent::WakeWaiter {
        m: Name::from(m),
        func,
        by,
    });
    // Softclock's work belongs to no script line, as in a hardclock.
    let line = std::mem::replace(&mut k.line, 0);
    let r = super::softclock::softclock(k);
    k.line = line;
    r
}

/// `busy(n)` in a callout handler body.
pub fn busy(k: &mut Kernel, n: i64) -> Result<Value, KernelError> {
    if !k.co.th.in_handler {
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
    if n > 0 {
        let func = running_func(k);
        k.emit(CalloutEvent::Busy { func, n });
        k.co.th.request = Some(Wait::Busy(n as u32));
        k.suspend = true;
    }
    Ok(Value::Null)
}

/// What the sleeping script thread waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptWait {
    /// `callout_drain`: until this callout is no longer being serviced.
    Drain(CalloutId),
    /// `mtx_lock`: until the softclock thread releases the mutex.
    Lock(String),
}

/// If the softclock thread sleeps on a mutex the script holds: (handler, mutex).
fn softclock_waits_for_script(k: &Kernel) -> Option<(Name, Name)> {
    let run = k.co.th.running.as_ref()?;
    match &run.wait {
        Wait::Lock(m) if owner(k, m) == Some(Thread::Script) => Some((run.func.clone(), m.clone())),
        _ => None,
    }
}

/// Puts the script thread to sleep in `call` until `wait` is satisfied, running hardclocks
/// meanwhile. `sleep`: a sleep of `kern_synch.c` (`msleep`, `msleep_spin`, `cv_wait`), which
/// drops Giant for its duration; false for a turnstile wait on a mutex, which keeps it.
pub fn block_script(
    k: &mut Kernel,
    wait: ScriptWait,
    call: String,
    until: String,
    sleep: bool,
) -> Result<(), KernelError> {
    if k.co.th.in_tick {
        return Err(KernelError::msg(format!(
            "{call} would sleep inside a timeout(9) or rt_timer handler, which runs in softclock and cannot sleep"
        )));
    }
    k.emit(CalloutEvent::Blocked {
        call: call.clone(),
        until,
    });
    let giant = if sleep { drop_giant(k, &call)? } else { 0 };
    let mut after = 0u32;
    loop {
        let done = match &wait {
            ScriptWait::Drain(id) => k.co.th.curr_callout != Some(*id),
            ScriptWait::Lock(m) => owner(k, m) != Some(Thread::Softclock),
        };
        if done {
            k.emit(CalloutEvent::Woke {
                call: call.clone(),
                after,
            });
            return pickup_giant(k, &call, giant);
        }
        if let Some((func, lock)) = softclock_waits_for_script(k) {
            k.emit(CalloutEvent::Deadlock {
                call: call.clone(),
                lock: lock.clone(),
                func: func.clone(),
                sleep,
            });
            return Err(k.panic(format!(
                "deadlock: {call} sleeps until {func}() returns, but {func}() waits for {lock}, held by the sleeping thread"
            )));
        }
        if after >= MAX_BLOCKED_TICKS {
            return Err(KernelError::msg(format!(
                "{call} has slept for {MAX_BLOCKED_TICKS} hardclocks; the simulator gives up"
            )));
        }
        k.hardclock()?;
        after += 1;
    }
}

/// `DROP_GIANT()` at the start of a sleep: if the script thread holds Giant it lets go of it
/// completely, however deep its recursion, and counts how deep that was. A softclock thread
/// waiting for Giant wakes at once. Returns the count for [`pickup_giant`].
fn drop_giant(k: &mut Kernel, call: &str) -> Result<u32, KernelError> {
    let count = match k.co.mutexes.get(GIANT) {
        Some(x) if x.owner == Thread::Script => x.recurse + 1,
        _ => return Ok(0),
    };
    k.co.mutexes.remove(GIANT);
    k.emit(CalloutEvent::DropGiant {
        call: call.to_string(),
        count,
    });
    wake_softclock(k, GIANT, "DROP_GIANT()".to_string())?;
    Ok(count)
}

/// `PICKUP_GIANT()` when the sleep ends: Giant is taken back as deep as it was held. If a
/// handler holds it right now the thread waits for it like any `mtx_lock` (a turnstile, so
/// nothing is dropped).
fn pickup_giant(k: &mut Kernel, call: &str, count: u32) -> Result<(), KernelError> {
    if count == 0 {
        return Ok(());
    }
    if owner(k, GIANT) == Some(Thread::Softclock) {
        let func = running_func(k);
        block_script(
            k,
            ScriptWait::Lock(GIANT.to_string()),
            format!("PICKUP_GIANT() after {call}"),
            format!("{func}() releases {GIANT}"),
            false,
        )?;
    }
    k.co.mutexes.insert(
        Name::from(GIANT),
        Mutex {
            owner: Thread::Script,
            recurse: count - 1,
        },
    );
    k.emit(CalloutEvent::PickupGiant {
        call: call.to_string(),
        count,
    });
    Ok(())
}

/// The hardclock half of the thread model: a busy handler has one tick less to go.
#[inline]
pub fn count_down(k: &mut Kernel) {
    if let Some(Running {
        wait: Wait::Busy(n),
        ..
    }) = k.co.th.running.as_mut()
    {
        *n = n.saturating_sub(1);
    }
}

/// Makes the softclock thread service `func(arg)`, first taking `c_mtx` if it has one.
pub fn start(
    k: &mut Kernel,
    origin: Origin,
    func: Name,
    arg: Option<Value>,
    c_mtx: Option<&'static str>,
) {
    if let Some(m) = c_mtx {
        if owner(k, m) == Some(Thread::Script) {
            k.emit(CalloutEvent::LockWait {
                thread: Thread::Softclock,
                m: Name::from(m),
                func: func.clone(),
                before_call: true,
            });
        }
    }
    let wait = match c_mtx {
        Some(m) => Wait::Lock(Name::from(m)),
        None => Wait::Ready,
    };
    k.co.th.running = Some(Running {
        origin,
        func,
        arg,
        c_mtx,
        started: false,
        wait,
        rest: Vec::new(),
    });
}

/// Moves the handler in progress as far as it can go in this pass.
/// Ok(true) when it has returned (or there was none), Ok(false) when it still waits.
pub fn advance(k: &mut Kernel) -> Result<bool, KernelError> {
    loop {
        let Some(run) = k.co.th.running.as_ref() else {
            return Ok(true);
        };
        match &run.wait {
            Wait::Busy(n) if *n > 0 => return Ok(false),
            Wait::Lock(m) => {
                let m = m.clone();
                if !try_lock(k, Thread::Softclock, &m)? {
                    return Ok(false);
                }
                // (try_lock has taken the mutex.)
            }
            _ => {}
        }
        let run = k.co.th.running.as_mut().expect("checked above");
        run.wait = Wait::Ready;
        let started = std::mem::replace(&mut run.started, true);
        let (origin, func, has_mtx) = (run.origin, run.func.clone(), run.c_mtx.is_some());
        let outcome = if !started {
            let arg = run.arg.clone();
            let arg = arg.unwrap_or_else(|| call_arg(k, origin));
            if has_mtx && k.co.th.curr_cancelled {
                k.emit(CalloutEvent::CancelledSkip {
                    c: describe_origin(k, origin),
                    func,
                });
                finish(k)?;
                return Ok(true);
            }
            k.co.th.curr_cancelled = true;
            k.co.th.in_handler = true;
            let r = call(k, &func, &arg);
            k.co.th.in_handler = false;
            r?
        } else {
            let rest = run.rest.clone();
            // The call the body waited in returns now.
            if let Some(call) = k.waiting_call.take() {
                k.emit(call.event());
            }
            k.emit(CalloutEvent::Resume { func: func.clone() });
            k.co.th.in_handler = true;
            let r = k.resume_handler(&func, &rest);
            k.co.th.in_handler = false;
            r?
        };
        match outcome {
            HandlerEnd::Done => {
                finish(k)?;
                return Ok(true);
            }
            HandlerEnd::Suspended(rest, call) => {
                let wait = k.co.th.request.take().unwrap_or(Wait::Ready);
                if let Some(r) = k.co.th.running.as_mut() {
                    r.rest = rest;
                    r.wait = wait;
                }
                k.waiting_call = call;
            }
        }
    }
}

/// The `c_arg` of a callout called without having waited, read at the call.
fn call_arg(k: &Kernel, origin: Origin) -> Value {
    match origin {
        Origin::Wheel(id) => k.co.wheel.get(id).c_arg.clone(),
        _ => Value::Null,
    }
}

/// Calls `func(arg)` in the softclock thread: a kernel function, a scenario body (which may
/// suspend itself), or a function the scenario never defined.
fn call(k: &mut Kernel, func: &Name, arg: &Value) -> Result<HandlerEnd, KernelError> {
    k.start_handler(Via::Callout, func, arg, None)
}

fn describe_origin(k: &Kernel, origin: Origin) -> Name {
    match origin {
        Origin::Wheel(id) => name_of(k, id),
        Origin::Todo(slot) => Name::from(format!("calltodo entry {slot}")),
    }
}

/// The handler returned: softclock drops its mutex, clears `curr_callout`, wakes any drainer.
fn finish(k: &mut Kernel) -> Result<(), KernelError> {
    let Some(run) = k.co.th.running.take() else {
        return Ok(());
    };
    if let Some(m) = run.c_mtx {
        unlock(k, Thread::Softclock, m)?;
    }
    let held =
        k.co.mutexes
            .iter()
            .find(|(_, x)| x.owner == Thread::Softclock)
            .map(|(m, _)| m.clone());
    if let Some(m) = held {
        return Err(k.panic(format!(
            "softclock: {}() returned with mutex {m} held",
            run.func
        )));
    }
    let c = match run.origin {
        Origin::Wheel(id) if k.co.th.curr_callout == Some(id) => {
            k.co.th.curr_callout = None;
            Some(id)
        }
        _ => None,
    };
    k.co.th.callout_wait = false;
    k.co.th.steps = 0;
    k.emit(CalloutEvent::Return {
        func: run.func,
        c: c.map(|id| name_of(k, id)),
    });
    Ok(())
}
