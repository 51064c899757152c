//! What `timeout(9)` does, as events the UI animates and the narration reads aloud.

use super::wheel::Place;
use crate::kernel::Name;

/// One step of the OpenBSD timeout machinery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeoutEvent {
    /// `timeout_set()`: `to_flags` is now just INITIALIZED. `still_linked` is where the timeout
    /// still sits if it was queued: the kernel keeps it linked but forgets ONQUEUE.
    Set {
        name: Name,
        func: String,
        arg: String,
        still_linked: Option<Place>,
    },
    /// A `timeout_add_*` wrapper turned a time into ticks (2014 rules).
    Converted {
        name: Name,
        call: String,
        input: String,
        ticks: i32,
        hz: i32,
        tick: i32,
    },
    /// `timeout_add()` on a timeout that was not queued: ONQUEUE set, appended to the todo list.
    Added { name: Name, n: i32, to_time: i32 },
    /// `timeout_add()` with a strictly earlier deadline: unlinked and appended to the todo list.
    MovedEarlier {
        name: Name,
        from: Place,
        old_time: i32,
        to_time: i32,
    },
    /// `timeout_add()` with an equal or later deadline: only `to_time` changes.
    LeftInPlace {
        name: Name,
        at: Place,
        old_time: i32,
        to_time: i32,
    },
    /// `timeout_del()` unlinked a queued timeout.
    Deleted { name: Name, from: Place },
    /// `timeout_del()` on a timeout that was not queued (returns 0; TRIGGERED is still cleared).
    NotPending { name: Name },
    /// hardclock moved the wheel-0 bucket of this tick onto the todo list.
    Splice { bucket: u8, count: usize },
    /// hardclock moved a higher wheel's bucket onto the todo list (a block boundary).
    Cascade { wheel: u8, bucket: u8, count: usize },
    /// softclock found the timeout not yet due and put it into a bucket.
    Rebucketed {
        name: Name,
        from: Place,
        wheel: u8,
        bucket: u8,
        delta: i32,
    },
    /// softclock found the timeout due: ONQUEUE cleared, TRIGGERED set, its function is called.
    /// `late` is `ticks - to_time` (0 when on time).
    Due { name: Name, late: i32 },
    /// `timeout_pending` / `timeout_initialized` / `timeout_triggered`: `timeout.h` macros that
    /// return `to_flags & FLAG`, the bit itself (2, 4 or 8), or 0.
    FlagRead {
        name: Name,
        call: &'static str,
        flag: &'static str,
        bit: i32,
        ret: i32,
    },
}

impl TimeoutEvent {
    /// One stable sentence in the kernel's words.
    pub fn narrate(&self) -> String {
        match self {
            TimeoutEvent::Set {
                name,
                func,
                arg,
                still_linked: None,
            } => format!(
                "timeout_set(&{name}): will call {func}({arg}); to_flags = INITIALIZED."
            ),
            TimeoutEvent::Set {
                name,
                func,
                arg,
                still_linked: Some(p),
            } => format!(
                "timeout_set(&{name}) on a queued timeout: it will call {func}({arg}) and to_flags = \
                 INITIALIZED, but it is still linked on {p}; without ONQUEUE, timeout_del() cannot \
                 remove it and it will still fire (the man page forbids this)."
            ),
            TimeoutEvent::Converted {
                name,
                call,
                input,
                ticks,
                hz,
                tick,
            } => {
                let clamp = if *ticks == i32::MAX {
                    ", clamped to INT_MAX"
                } else {
                    ""
                };
                format!(
                    "{call}(&{name}, {input}) at hz {hz} (tick {tick} us) is {ticks} ticks: \
                     divisions truncate and there is no one-tick minimum in 5.6{clamp}."
                )
            }
            TimeoutEvent::Added { name, n, to_time } => format!(
                "timeout_add(&{name}, {n}): to_time = {to_time}; not queued before, so ONQUEUE is \
                 set and it is appended to timeout_todo (returns 1)."
            ),
            TimeoutEvent::MovedEarlier {
                name,
                from,
                old_time,
                to_time,
            } => format!(
                "timeout_add(&{name}): new deadline {to_time} is earlier than {old_time}, so it \
                 leaves {from} for the tail of timeout_todo (returns 0)."
            ),
            TimeoutEvent::LeftInPlace {
                name,
                at,
                old_time,
                to_time,
            } => format!(
                "timeout_add(&{name}): new deadline {to_time} is not earlier than {old_time}, so it \
                 stays on {at} and softclock will re-bucket it when it gets there (returns 0)."
            ),
            TimeoutEvent::Deleted { name, from } => {
                format!("timeout_del(&{name}): unlinked from {from}, ONQUEUE cleared (returns 1).")
            }
            TimeoutEvent::NotPending { name } => format!(
                "timeout_del(&{name}): not queued, nothing to remove (returns 0); TRIGGERED cleared."
            ),
            TimeoutEvent::Splice { bucket, count } => format!(
                "hardclock splices wheel 0 bucket {bucket:#04x} ({count} {}) onto timeout_todo.",
                entries(*count)
            ),
            TimeoutEvent::Cascade {
                wheel,
                bucket,
                count,
            } => format!(
                "The lower wheel wrapped, so hardclock cascades wheel {wheel} bucket {bucket:#04x} \
                 ({count} {}) onto timeout_todo; softclock will sort them into lower wheels.",
                entries(*count)
            ),
            TimeoutEvent::Rebucketed {
                name,
                from,
                wheel,
                bucket,
                delta,
            } => {
                let came = match from {
                    Place::Todo => "from timeout_todo".to_string(),
                    p => format!("(spliced from {p})"),
                };
                format!(
                    "softclock re-buckets {name} {came}: {delta} ticks to go, so wheel {wheel} \
                     bucket {bucket:#04x}."
                )
            }
            TimeoutEvent::Due { name, late: 0 } => format!(
                "softclock: {name} is due (to_time - ticks = 0): ONQUEUE cleared, TRIGGERED set, \
                 its function runs."
            ),
            TimeoutEvent::Due { name, late } => format!(
                "softclock: {name} is due, {late} {} late (to_time - ticks = {}): ONQUEUE cleared, \
                 TRIGGERED set, its function runs.",
                if *late == 1 { "tick" } else { "ticks" },
                late.wrapping_neg()
            ),
            TimeoutEvent::FlagRead {
                name,
                call,
                flag,
                bit,
                ret: 0,
            } => format!(
                "{call}(&{name}) returns 0: {flag} ({bit:#04x}) is clear in to_flags."
            ),
            TimeoutEvent::FlagRead {
                name,
                call,
                flag,
                ret,
                ..
            } => format!(
                "{call}(&{name}) returns {ret}: the timeout.h macro is (to_flags & {flag}), so it \
                 gives the bit itself ({ret:#04x}), not 1; callers only test it for non-zero."
            ),
        }
    }
}

fn entries(n: usize) -> &'static str {
    if n == 1 {
        "entry"
    } else {
        "entries"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_stable() {
        let e = TimeoutEvent::Rebucketed {
            name: "t1".into(),
            from: Place::Todo,
            wheel: 0,
            bucket: 0x2a,
            delta: 42,
        };
        assert_eq!(
            e.narrate(),
            "softclock re-buckets t1 from timeout_todo: 42 ticks to go, so wheel 0 bucket 0x2a."
        );
        let c = TimeoutEvent::Cascade {
            wheel: 1,
            bucket: 3,
            count: 1,
        };
        assert!(c.narrate().contains("wheel 1 bucket 0x03 (1 entry)"));
        let d = TimeoutEvent::Due {
            name: "t".into(),
            late: 1,
        };
        assert!(d.narrate().contains("1 tick late (to_time - ticks = -1)"));
    }
}
