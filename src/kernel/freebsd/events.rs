//! What the callwheel, the legacy pool, the calltodo list and the softclock thread report.
//!
//! Every variant narrates itself in one sentence, in the kernel's own words, saying what happened
//! and why; the UI animates the same events.

use crate::kernel::Name;

/// How `callout_stop` / `callout_drain` decided its return value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopWhy {
    /// It was PENDING: unlinked from its bucket (returns 1).
    Unlinked,
    /// Pending again while its handler runs (the handler re-armed it): unlinked, returns 1, and
    /// the 6.x code does not wait even in `callout_drain`.
    UnlinkedWhileServiced,
    /// Not pending and not being serviced (returns 0).
    Idle,
    /// Its handler is running right now: nothing to stop (returns 0).
    Serviced,
    /// Softclock has dequeued it and waits for its mutex, which the caller holds: the call is
    /// cancelled (`curr_cancelled = 1`) and stop returns 1.
    CancelledBeforeStart,
    /// `callout_drain` slept until the handler returned (returns 0).
    Drained,
}

/// What `untimeout()` found behind the handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UntimeoutOutcome {
    /// A NULL handle (`callout_handle_init`): nothing to do.
    NullHandle,
    /// The pooled callout now holds another function or argument: left alone.
    Mismatch {
        has_func: Option<String>,
        has_arg: String,
    },
    /// func and arg match: `callout_stop` ran and returned this.
    Stopped { ret: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalloutEvent {
    Init {
        c: Name,
        mpsafe: bool,
    },
    Reset {
        c: Name,
        func: Name,
        arg: Name,
        /// The ticks argument as given (n <= 0 becomes 1).
        asked: i64,
        c_time: i32,
        bucket: u32,
        /// It was pending and has been unlinked first.
        moved: bool,
        /// Wheel turns before it is due.
        laps: i32,
    },
    /// `callout_reset` on the callout being drained: not rescheduled.
    ResetRefused {
        c: Name,
    },
    /// `curr_cancelled = 1`: softclock will not call it after it gets the mutex.
    InvocationCancelled {
        c: Name,
        by: &'static str,
    },
    Stop {
        c: Name,
        drain: bool,
        ret: i64,
        why: StopWhy,
    },
    Deactivate {
        c: Name,
    },
    /// `callout_active` / `callout_pending`: `callout.h` macros returning `c_flags & FLAG`, the
    /// bit itself (2 or 4) or 0.
    FlagRead {
        c: Name,
        call: &'static str,
        flag: &'static str,
        bit: u32,
        ret: u32,
    },
    /// hardclock found the bucket of `ticks` non-empty and scheduled softclock.
    Scheduled {
        bucket: u32,
        count: u32,
    },
    /// softclock starts walking the bucket of `tick`.
    Scan {
        tick: i32,
        bucket: u32,
        count: u32,
    },
    /// An entry of a later lap, skipped.
    Skip {
        c: Name,
        tick: i32,
        c_time: i32,
        laps: i32,
        steps: u32,
    },
    /// MAX_SOFTCLOCK_STEPS entries examined: softclock drops `callout_lock` for a moment.
    Yield {
        steps: u32,
    },
    /// A pooled callout went back on top of `callfree` (before its handler runs, or when stopped).
    Freed {
        slot: u32,
        func: Option<Name>,
    },
    /// Softclock got the callout's mutex but the invocation had been cancelled meanwhile.
    CancelledSkip {
        c: Name,
        func: Name,
    },
    Busy {
        func: Name,
        n: i64,
    },
    Resume {
        func: Name,
    },
    /// The handler returned; `curr_callout` is cleared.
    Return {
        func: Name,
        c: Option<Name>,
    },
    /// A thread found the mutex held by the other thread.
    LockWait {
        thread: Thread,
        m: Name,
        func: Name,
        /// Softclock wants the callout's own mutex before calling `func` (else `func` itself wants it).
        before_call: bool,
    },
    Locked {
        thread: Thread,
        m: Name,
        recurse: u32,
    },
    Unlocked {
        thread: Thread,
        m: Name,
    },
    /// The script thread sleeps in `call` until `until`.
    Blocked {
        call: String,
        until: String,
    },
    Woke {
        call: String,
        after: u32,
    },
    Deadlock {
        call: String,
        lock: Name,
        func: Name,
        /// The blocked call is a sleep (a drain), which has already dropped Giant.
        sleep: bool,
    },
    /// `DROP_GIANT()`: the script thread's sleep in `call` releases Giant, held `count` deep.
    DropGiant {
        call: String,
        count: u32,
    },
    /// `PICKUP_GIANT()`: the sleep in `call` is over and Giant is taken back `count` deep.
    PickupGiant {
        call: String,
        count: u32,
    },
    /// The script's `mtx_unlock(&m)` freed the mutex the softclock thread sleeps on: softclock
    /// runs at once, in this tick, before the script's next statement.
    WakeWaiter {
        m: Name,
        func: Name,
        /// What released it: `mtx_unlock(&m)`, or `DROP_GIANT()` at the start of a sleep.
        by: String,
    },
    TableFull {
        ncallout: u32,
    },
    Timeout {
        slot: u32,
        func: String,
        arg: String,
        c_time: i32,
        bucket: u32,
        free_left: u32,
    },
    Untimeout {
        slot: Option<u32>,
        func: String,
        arg: String,
        outcome: UntimeoutOutcome,
    },
    HandleInit {
        h: String,
    },
    /// 4.4BSD `timeout()`: inserted into the delta list after walking `walked` entries.
    TodoInsert {
        slot: u32,
        func: String,
        arg: String,
        ticks: i32,
        walked: u32,
        delta: i32,
        before: Option<String>,
    },
    /// 4.4BSD `untimeout()`: linear search.
    TodoRemove {
        func: String,
        arg: String,
        walked: u32,
        found: bool,
    },
    /// 4.4BSD softclock pops a due entry (`late` ticks late).
    TodoDue {
        slot: u32,
        func: String,
        late: i32,
    },
    /// 4.4BSD `timeout()` found `callfree` empty: it panics "timeout table full".
    TodoTableFull {
        ncallout: u32,
    },
}

fn name_or_null(f: Option<&str>) -> &str {
    f.unwrap_or("NULL")
}

impl CalloutEvent {
    pub fn narrate(&self) -> String {
        use CalloutEvent::*;
        match self {
            Init { c, mpsafe: true } => format!(
                "callout_init(&{c}, 1): {c} is zeroed and marked MPSAFE, so softclock will call it without Giant."
            ),
            Init { c, mpsafe: false } => format!(
                "callout_init(&{c}, 0): {c} is zeroed; it is not MPSAFE, so softclock will take Giant around its handler."
            ),
            Reset { c, func, arg, asked, c_time, bucket, moved, laps } => {
                let clamp = if *asked <= 0 {
                    format!(" ({asked} ticks is silently turned into 1)")
                } else {
                    String::new()
                };
                let moved = if *moved {
                    "it was pending, so it is first unlinked; "
                } else {
                    ""
                };
                let laps = if *laps > 0 {
                    format!(", {laps} lap(s) of the wheel from now")
                } else {
                    String::new()
                };
                format!(
                    "callout_reset(&{c}) for {func}({arg}){clamp}: {moved}c_time = {c_time}, ACTIVE|PENDING, appended to the tail of bucket {bucket}{laps}."
                )
            }
            ResetRefused { c } => format!(
                "callout_reset(&{c}) while callout_drain(&{c}) waits for it: the callout is not rescheduled."
            ),
            InvocationCancelled { c, by } => format!(
                "{by}(&{c}): softclock has dequeued {c} but not yet got its mutex, so curr_cancelled = 1 and that call will be skipped."
            ),
            Stop { c, drain, ret, why } => {
                let f = if *drain { "callout_drain" } else { "callout_stop" };
                let because = match why {
                    StopWhy::Unlinked => "it was pending: unlinked from its bucket, ACTIVE and PENDING cleared",
                    StopWhy::UnlinkedWhileServiced => "its running handler had re-armed it, so it is pending again: unlinked, and the 6.x code returns at once without waiting for the handler that is still running",
                    StopWhy::Idle => "it was not pending (already fired or never set); ACTIVE cleared",
                    StopWhy::Serviced => "its handler is being serviced right now and goes on; only ACTIVE is cleared",
                    StopWhy::CancelledBeforeStart => "softclock dequeued it but waits for the mutex this thread holds, so the call is cancelled",
                    StopWhy::Drained => "it slept until the running handler returned",
                };
                format!("{f}(&{c}) returns {ret}: {because}.")
            }
            Deactivate { c } => format!("callout_deactivate(&{c}): ACTIVE cleared, PENDING untouched."),
            FlagRead { c, call, flag, bit, ret: 0 } => format!(
                "{call}(&{c}) returns 0: {flag} ({bit:#06x}) is clear in c_flags."
            ),
            FlagRead { c, call, flag, ret, .. } => format!(
                "{call}(&{c}) returns {ret}: the callout.h macro is (c_flags & {flag}), so it gives the bit itself ({ret:#06x}), not 1; callers only test it for non-zero."
            ),
            Scheduled { bucket, count } => format!(
                "hardclock: bucket {bucket} (ticks & callwheelmask) holds {count} callout(s), so softclock is scheduled."
            ),
            Scan { tick, bucket, count } => format!(
                "softclock walks bucket {bucket} for tick {tick}: {count} callout(s) to examine."
            ),
            Skip { c, tick, c_time, laps, steps } => format!(
                "softclock skips {c} in the bucket of tick {tick}: c_time {c_time} is {laps} lap(s) later (step {steps})."
            ),
            Yield { steps } => format!(
                "softclock has examined {steps} entries (MAX_SOFTCLOCK_STEPS): it drops callout_lock to let interrupts in, then resumes at nextsoftcheck."
            ),
            Freed { slot, func } => format!(
                "callout[{slot}] (was {}) goes back on top of the callfree list; its c_func is now NULL.",
                name_or_null(func.as_deref())
            ),
            CancelledSkip { c, func } => format!(
                "softclock got the mutex of {c}, but the call was cancelled meanwhile: {func}() is not called."
            ),
            Busy { func, n } => format!(
                "{func}() keeps the softclock thread busy for {n} hardclock(s); the rest of the scan waits."
            ),
            Resume { func } => format!("{func}() continues in the softclock thread."),
            Return { func, c: Some(c) } => format!(
                "{func}() returns; {c} is no longer being serviced (curr_callout = NULL) and any drainer is woken."
            ),
            Return { func, c: None } => format!("{func}() returns."),
            LockWait { thread: Thread::Softclock, m, func, before_call: true } => format!(
                "softclock must hold {m} before it calls {func}(), but the script thread holds it: the softclock thread sleeps."
            ),
            LockWait { thread: Thread::Softclock, m, func, .. } => format!(
                "{func}() wants {m}, but the script thread holds it: the softclock thread sleeps in mtx_lock."
            ),
            LockWait { thread: Thread::Script, m, func, .. } => format!(
                "the script thread wants {m}, but {func}() holds it in the softclock thread."
            ),
            Locked { thread, m, recurse: 0 } => format!("{} takes {m}.", thread.as_str()),
            Locked { thread, m, recurse } => format!(
                "{} takes {m} again (recursion depth {recurse}; Giant may recurse).",
                thread.as_str()
            ),
            Unlocked { thread, m } => format!("{} releases {m}.", thread.as_str()),
            Blocked { call, until } => format!(
                "{call} sleeps until {until}; the simulator keeps ticking meanwhile."
            ),
            Woke { call, after } => format!("{call} wakes up after {after} hardclock(s)."),
            Deadlock { call, lock, func, sleep: true } => format!(
                "Deadlock: {call} sleeps until {func}() finishes, but {func}() waits for {lock}, which the sleeping thread holds. The man page: callout_drain() MUST NOT be called while holding any locks on which the callout might block; in the code the sleep gives Giant up by itself (DROP_GIANT), so the locks that deadlock are ordinary mutexes like this one."
            ),
            Deadlock { call, lock, func, sleep: false } => format!(
                "Deadlock: {call} waits until {func}() releases its mutex, but {func}() waits for {lock}, which the waiting thread holds: a lock order reversal."
            ),
            DropGiant { call, count } => format!(
                "{call} is a sleep, and every sleep starts with DROP_GIANT(): the script thread releases Giant{} so the thread it waits for can take it. The man page's drain warning speaks of any lock; in the code Giant is the exception.",
                if *count > 1 { format!(" (all {count} acquisitions)") } else { String::new() }
            ),
            PickupGiant { call, count } => format!(
                "{call} is over: PICKUP_GIANT() takes Giant back{} before it returns.",
                if *count > 1 { format!(" ({count} deep, as before)") } else { String::new() }
            ),
            WakeWaiter { m, func, by } => format!(
                "The script's {by} frees {m} and wakes the softclock thread sleeping on it (turnstile_unpend): softclock goes on with {func}() at once, in this tick, before the script thread does anything else."
            ),
            TableFull { ncallout } => format!(
                "timeout(): all {ncallout} preallocated callouts are in use and callfree is empty."
            ),
            Timeout { slot, func, arg, c_time, bucket, free_left } => format!(
                "timeout({func}, {arg}) takes callout[{slot}] from the top of callfree ({free_left} left): c_time {c_time}, bucket {bucket}; the handle points at callout[{slot}]."
            ),
            Untimeout { slot: None, func, arg, .. } => format!(
                "untimeout({func}, {arg}, NULL handle): callout_handle_init made it a no-op."
            ),
            Untimeout { slot: Some(s), func, arg, outcome } => match outcome {
                UntimeoutOutcome::Mismatch { has_func, has_arg } => format!(
                    "untimeout({func}, {arg}): callout[{s}] now holds {}({has_arg}), not the same func and arg, so nothing happens.",
                    name_or_null(has_func.as_deref())
                ),
                UntimeoutOutcome::Stopped { ret: 1 } => format!(
                    "untimeout({func}, {arg}): callout[{s}] holds the same func and arg, so it is stopped. If the handle was stale and the slot recycled, this cancelled somebody else's timeout."
                ),
                _ => format!(
                    "untimeout({func}, {arg}): callout[{s}] matches but is not pending; nothing to cancel."
                ),
            },
            HandleInit { h } => format!(
                "callout_handle_init(&{h}): {h}.callout = NULL, so untimeout with it does nothing."
            ),
            TodoInsert { slot, func, arg, ticks, walked, delta, before } => {
                let pos = match before {
                    Some(b) => format!("before {b}"),
                    None => "at the end".to_string(),
                };
                format!(
                    "4.4BSD timeout({func}, {arg}, {ticks}) walks {walked} entr(ies) of calltodo (O(n)) and inserts entry {slot} {pos} with delta {delta}."
                )
            }
            TodoRemove { func, arg, walked, found: true } => format!(
                "4.4BSD untimeout({func}, {arg}) searched {walked} entr(ies) and removed the first match, giving its delta to its successor."
            ),
            TodoRemove { func, arg, walked, found: false } => format!(
                "4.4BSD untimeout({func}, {arg}) searched all {walked} entr(ies): no match."
            ),
            TodoDue { slot, func, late } => format!(
                "4.4BSD softclock pops entry {slot} ({func}) from the head of calltodo ({late} tick(s) late) and returns it to callfree before calling it."
            ),
            TodoTableFull { ncallout } => format!(
                "4.4BSD timeout(): all {ncallout} callout entries are in use and callfree is empty, so it panics \"timeout table full\"."
            ),
        }
    }
}

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
