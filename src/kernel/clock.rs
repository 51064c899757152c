//! The simulated clock: `hz`, `tick`, `ticks` and `time_uptime`.
//!
//! Like `sys/conf/param.c` and `kern_clock.c`: `hz` hardclock interrupts per second, `tick`
//! microseconds between them, and `ticks`, a signed 32-bit counter that wraps. Deadlines are
//! compared as signed differences (`to_time - ticks`) so that the wrap is harmless.

/// Default `hz`, as in `param.c` when the kernel config does not say otherwise.
pub const HZ_DEFAULT: i32 = 100;
/// Lowest settable `hz`.
pub const HZ_MIN: i32 = 1;
/// Highest settable `hz` (FreeBSD ships 1000; 10000 keeps `tick` >= 100 us).
pub const HZ_MAX: i32 = 10_000;

/// The clock of the simulated machine. Time is an input: only [`Clock::advance`] moves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Hardclock interrupts per second.
    pub hz: i32,
    /// Microseconds per hardclock: `1000000 / hz`.
    pub tick: i32,
    /// The tick counter, incremented first thing in every hardclock. Wraps at `i32::MAX`.
    pub ticks: i32,
    /// `ticks` at boot, so that `time_uptime` survives a start near the wrap.
    pub boot_ticks: i32,
    /// Hardclocks since boot; `hz` and the start value are frozen once this is non-zero.
    pub elapsed: u64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(HZ_DEFAULT, 0)
    }
}

impl Clock {
    pub fn new(hz: i32, start_ticks: i32) -> Clock {
        Clock {
            hz,
            tick: 1_000_000 / hz,
            ticks: start_ticks,
            boot_ticks: start_ticks,
            elapsed: 0,
        }
    }

    /// True once the first hardclock has run: boot-time tunables can no longer change.
    pub fn booted(&self) -> bool {
        self.elapsed > 0
    }

    /// Seconds since boot, truncated, like NetBSD's `time_uptime`.
    pub fn time_uptime(&self) -> i64 {
        (self.elapsed / self.hz as u64) as i64
    }

    /// The first half of `hardclock()`: `ticks++`, wrapping like the C `int` does in practice.
    pub fn advance(&mut self) -> i32 {
        self.ticks = self.ticks.wrapping_add(1);
        self.elapsed += 1;
        self.ticks
    }

    /// Changes `hz` before boot; `tick` follows.
    pub fn set_hz(&mut self, hz: i32) -> Result<(), String> {
        if self.booted() {
            return Err("hz can only be set before the first hardclock".into());
        }
        if !(HZ_MIN..=HZ_MAX).contains(&hz) {
            return Err(format!(
                "hz must be between {HZ_MIN} and {HZ_MAX}, got {hz}"
            ));
        }
        self.hz = hz;
        self.tick = 1_000_000 / hz;
        Ok(())
    }

    /// Sets the start value of `ticks` before boot (OpenBSD now boots near `INT_MAX` on purpose).
    pub fn set_ticks(&mut self, ticks: i32) -> Result<(), String> {
        if self.booted() {
            return Err("ticks can only be set before the first hardclock".into());
        }
        self.ticks = ticks;
        self.boot_ticks = ticks;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_follows_hz() {
        for (hz, tick) in [
            (100, 10_000),
            (1000, 1000),
            (1, 1_000_000),
            (10_000, 100),
            (128, 7812),
        ] {
            let mut c = Clock::default();
            c.set_hz(hz).unwrap();
            assert_eq!(c.tick, tick, "hz {hz}");
        }
    }

    #[test]
    fn ticks_wrap_and_uptime_counts_from_boot() {
        let mut c = Clock::new(100, i32::MAX - 1);
        assert_eq!(c.advance(), i32::MAX);
        assert_eq!(c.advance(), i32::MIN);
        for _ in 0..98 {
            c.advance();
        }
        assert_eq!(c.time_uptime(), 1);
        assert!(c.set_hz(1000).is_err());
        assert!(c.set_ticks(0).is_err());
    }

    #[test]
    fn hz_out_of_range_is_refused() {
        let mut c = Clock::default();
        assert!(c.set_hz(0).is_err());
        assert!(c.set_hz(10_001).is_err());
        assert_eq!(c.hz, 100);
    }
}
