//! Linux's timer wheel since 4.8 (Thomas Gleixner, "timers: Switch to a non-cascading wheel",
//! 2016; `kernel/time/timer.c`): `LVL_DEPTH` levels of 64 buckets, each level 8 times coarser
//! than the one below (`LVL_CLK_SHIFT` = 3), 9 levels as for HZ > 100.
//!
//! A timer goes to the level its delay calls for and stays there: nothing ever cascades. Its
//! bucket is its expiry rounded *up* to the level's granularity (`calc_index`: `(expires >>
//! shift) + 1`), so that it can never fire early, and it fires when the wheel's clock reaches
//! that bucket: late by 1 to `LVL_GRAN(level)` ticks (the `+ 1` at level 0 too: a real jiffy is
//! partly over when the timer is armed). Level 0 (delays under 63 ticks) is exact to a tick,
//! level 1 to 8 ticks, level 2 to 64, level 3 to 512 ... Most timers in a kernel are timeouts
//! that are cancelled long before they expire (network retransmits), which is why Linux traded
//! precision for never touching a timer twice.
//!
//! PER_TICK_BOOKKEEPING (`collect_expired_timers`) looks at the level-0 bucket of the clock,
//! and at the next level's bucket whenever the level below has come round to a multiple of 8.
//! The real kernel skips empty buckets with a bitmap and forwards the clock over idle ticks;
//! the lab ticks every jiffy and counts the buckets it looks at.

use super::lists::Lists;
use super::{Scheme, SchemeKind, TimerId, Work};

/// Bits of the clock per level step: each level is 8 times coarser.
pub const LVL_CLK_SHIFT: u32 = 3;
/// Buckets per level.
pub const LVL_SIZE: u64 = 64;
/// Levels (HZ > 100).
pub const LVL_DEPTH: u32 = 9;

/// How far the clock shifts for level `l`.
fn lvl_shift(l: u32) -> u32 {
    l * LVL_CLK_SHIFT
}

/// `LVL_GRAN(l)`: ticks per bucket of level `l`, the most a timer there can be late.
pub fn lvl_gran(l: u32) -> u64 {
    1 << lvl_shift(l)
}

/// `LVL_START(l)`: the smallest delta that goes to level `l` (l >= 1).
fn lvl_start(l: u32) -> u64 {
    (LVL_SIZE - 1) << ((l - 1) * LVL_CLK_SHIFT)
}

/// Deltas at or past this are cut to [`wheel_timeout_max`] (about 12 days at HZ 1000).
fn wheel_timeout_cutoff() -> u64 {
    lvl_start(LVL_DEPTH)
}

fn wheel_timeout_max() -> u64 {
    wheel_timeout_cutoff() - lvl_gran(LVL_DEPTH - 1)
}

/// The level a timer `delta = expires - clk` ticks away goes to.
pub fn level_for(delta: u64) -> u32 {
    (0..LVL_DEPTH - 1)
        .find(|&l| delta < lvl_start(l + 1))
        .unwrap_or(LVL_DEPTH - 1)
}

/// The level of a timer started `interval` ticks before its due tick: between two ticks the
/// wheel's clock already points at the next tick, so the delta is one less.
pub fn level_for_interval(interval: u64) -> u32 {
    level_for(interval.saturating_sub(1))
}

/// The most a timer started with `interval` may be late (its level's granularity).
pub fn max_late(interval: u64) -> u64 {
    lvl_gran(level_for_interval(interval))
}

/// `calc_wheel_index(expires, clk)`: the bucket (level * 64 + index) and the tick it is
/// reached, the bucket's expiry.
pub fn wheel_index(expires: u64, clk: u64) -> (usize, u64) {
    let delta = expires - clk;
    let (lvl, expires) = match level_for(delta) {
        l if l == LVL_DEPTH - 1 && delta >= wheel_timeout_cutoff() => {
            (l, clk + wheel_timeout_max())
        }
        l => (l, expires),
    };
    let e = (expires >> lvl_shift(lvl)) + 1;
    let idx = lvl as u64 * LVL_SIZE + (e & (LVL_SIZE - 1));
    (idx as usize, e << lvl_shift(lvl))
}

const BUCKET: u64 = 8;
const ENTRY: u64 = 40;

pub struct LinuxWheel {
    buckets: Lists,
}

impl LinuxWheel {
    pub fn new(timers: u32) -> LinuxWheel {
        LinuxWheel {
            buckets: Lists::new(timers, (LVL_SIZE * LVL_DEPTH as u64) as usize),
        }
    }
}

impl Scheme for LinuxWheel {
    fn kind(&self) -> SchemeKind {
        SchemeKind::Linux
    }

    fn start(&mut self, now: u64, timer: TimerId, due: u64) -> Work {
        let re_arm = self.buckets.remove(timer) as u64;
        // `base->clk` is the next tick to run.
        let (idx, _) = wheel_index(due, now + 1);
        self.buckets.push_back(idx, timer, due);
        Work {
            moved: re_arm + 1,
            ..Work::ZERO
        }
    }

    fn stop(&mut self, _now: u64, timer: TimerId) -> Work {
        Work {
            moved: self.buckets.remove(timer) as u64,
            ..Work::ZERO
        }
    }

    fn tick(&mut self, now: u64, fired: &mut Vec<TimerId>) -> Work {
        let mut w = Work::ZERO;
        let mut clk = now;
        for lvl in 0..LVL_DEPTH {
            let b = (lvl as u64 * LVL_SIZE + (clk & (LVL_SIZE - 1))) as usize;
            w.buckets += 1;
            // Everything in the bucket expires: it was put there for this very tick.
            while let Some(t) = self.buckets.first(b) {
                self.buckets.remove(t);
                w.moved += 1;
                fired.push(t);
            }
            if clk & ((1 << LVL_CLK_SHIFT) - 1) != 0 {
                break;
            }
            clk >>= LVL_CLK_SHIFT;
        }
        w
    }

    fn memory(&self) -> u64 {
        self.buckets.lists() as u64 * BUCKET + self.buckets.peak() * ENTRY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_start_where_linux_says() {
        assert_eq!(lvl_start(1), 63);
        assert_eq!(lvl_start(2), 504);
        assert_eq!(lvl_start(3), 4032);
        assert_eq!((level_for(62), level_for(63)), (0, 1));
        assert_eq!((level_for(503), level_for(504)), (1, 2));
        assert_eq!(level_for(u64::MAX / 2), LVL_DEPTH - 1);
    }

    #[test]
    fn buckets_round_up_never_down() {
        // Level 0: one tick after the expiry.
        assert_eq!(wheel_index(10, 5), (11, 11));
        // Level 1 (delta 100): expiry 105 rounds up to 112, bucket 64 + 14.
        assert_eq!(wheel_index(105, 5), (64 + 14, 112));
        // A multiple of the granularity still goes one bucket later.
        assert_eq!(wheel_index(104, 4), (64 + 14, 112));
    }
}
