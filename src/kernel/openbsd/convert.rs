//! The `timeout_add_*` conversions to ticks, as OpenBSD 5.6 (`kern_timeout.c` rev 1.40-1.43,
//! "Era A" in the reference) computes them.
//!
//! * `_sec`, `_msec`, `_tv`, `_ts`, `_bt` compute in `long long`, truncate toward zero, clamp
//!   results above `INT_MAX` to `INT_MAX`, and pass the rest through the C `(int)` cast. A negative
//!   result is not clamped, so `timeout_add` panics on it (`_msec(-10)`); `_msec(-1)` truncates to 0.
//! * `_usec` and `_nsec` divide in plain `int` and cannot overflow (the quotient of an `int` by a
//!   positive `tick` fits), so there is nothing to clamp.
//! * There is no "at least one tick" rule yet (it arrived in 2017): `_msec(5)` at hz 100 is 0.
//!
//! The simulator computes in `i128`, so a product that would overflow `long long` (undefined in C,
//! only reachable with absurd `tv_sec`) clamps as the code intends. A result below `INT_MIN` is
//! truncated to 32 bits like the `(int)` cast on every OpenBSD platform, which may turn it positive.
//! `time_t` and `long` fields are 64-bit, as on amd64. Integer parameters declared `int` are first
//! truncated to 32 bits by [`c_int`], as the C call would convert them.

/// The C conversion of an argument to an `int` parameter: keep the low 32 bits.
pub fn c_int(n: i64) -> i32 {
    n as i32
}

/// The end of every Era A wrapper: `if (to_ticks > INT_MAX) to_ticks = INT_MAX; (int)to_ticks`.
fn clamp_to_int(to_ticks: i128) -> i32 {
    if to_ticks > i32::MAX as i128 {
        i32::MAX
    } else {
        to_ticks as i32
    }
}

/// `timeout_add_sec`: `hz * secs`.
pub fn sec_to_ticks(hz: i32, secs: i32) -> i32 {
    clamp_to_int(hz as i128 * secs as i128)
}

/// `timeout_add_msec`: `msecs * 1000 / tick`.
pub fn msec_to_ticks(tick: i32, msecs: i32) -> i32 {
    clamp_to_int(msecs as i128 * 1000 / tick as i128)
}

/// `timeout_add_usec`: `usecs / tick`, in `int`.
pub fn usec_to_ticks(tick: i32, usecs: i32) -> i32 {
    usecs / tick
}

/// `timeout_add_nsec`: `nsecs / (tick * 1000)`, in `int` (`tick * 1000` <= 10^9 fits).
pub fn nsec_to_ticks(tick: i32, nsecs: i32) -> i32 {
    nsecs / (tick * 1000)
}

/// `timeout_add_tv`: `hz * tv_sec + tv_usec / tick`.
pub fn tv_to_ticks(hz: i32, tick: i32, sec: i64, usec: i64) -> i32 {
    clamp_to_int(hz as i128 * sec as i128 + usec as i128 / tick as i128)
}

/// `timeout_add_ts`: `hz * tv_sec + tv_nsec / (tick * 1000)`.
pub fn ts_to_ticks(hz: i32, tick: i32, sec: i64, nsec: i64) -> i32 {
    clamp_to_int(hz as i128 * sec as i128 + nsec as i128 / (tick as i128 * 1000))
}

/// `timeout_add_bt`: `hz * sec + usec / tick`, where the microseconds come from the top 32 bits of
/// the binary fraction: `(1000000 * (uint32_t)(frac >> 32)) >> 32`.
pub fn bt_to_ticks(hz: i32, tick: i32, sec: i64, frac: u64) -> i32 {
    let usec = (1_000_000u64 * (frac >> 32)) >> 32;
    clamp_to_int(hz as i128 * sec as i128 + usec as i128 / tick as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: i32 = i32::MAX;

    #[test]
    fn sec() {
        // (hz, secs, ticks)
        for (hz, secs, want) in [
            (100, 0, 0),
            (100, 1, 100),
            (100, 3, 300),
            (1000, 3, 3000),
            (100, -1, -100),
            (100, 21_474_836, 2_147_483_600),
            (100, 21_474_837, MAX),            // 2147483700 clamps
            (1000, 2_147_484, MAX),            // 2147484000 clamps
            (100, i32::MAX, MAX),              // far above INT_MAX
            (100, -21_474_837, 2_147_483_596), // -2147483700 truncated by (int): positive!
            (1000, -2_147_483, -2_147_483_000),
        ] {
            assert_eq!(sec_to_ticks(hz, secs), want, "hz {hz} secs {secs}");
        }
    }

    #[test]
    fn msec() {
        // (hz, tick, msecs, ticks)
        for (tick, msecs, want) in [
            (10_000, 5, 0),
            (10_000, 9, 0),
            (10_000, 10, 1),
            (10_000, 15, 1),
            (10_000, 25, 2),
            (10_000, 1000, 100),
            (10_000, -1, 0),   // truncates toward zero: no panic
            (10_000, -10, -1), // timeout_add will panic
            (10_000, i32::MAX, 214_748_364),
            (1000, 5, 5),
            (1000, 0, 0),
            (1000, -1, -1),
            (1000, i32::MAX, MAX), // 2147483647000 / 1000 fits exactly
            (100, i32::MAX, MAX),  // hz 10000: 21474836470 clamps
            (100, 300_000_000, MAX),
        ] {
            assert_eq!(
                msec_to_ticks(tick, msecs),
                want,
                "tick {tick} msecs {msecs}"
            );
        }
    }

    #[test]
    fn usec_and_nsec() {
        for (tick, usecs, want) in [
            (10_000, 9_999, 0),
            (10_000, 10_000, 1),
            (10_000, 25_000, 2),
            (10_000, -9_999, 0),
            (10_000, -10_000, -1),
            (10_000, i32::MAX, 214_748),
            (1000, 999, 0),
            (1000, 1000, 1),
            (1000, i32::MIN, -2_147_483),
        ] {
            assert_eq!(
                usec_to_ticks(tick, usecs),
                want,
                "tick {tick} usecs {usecs}"
            );
        }
        for (tick, nsecs, want) in [
            (10_000, 9_999_999, 0),
            (10_000, 10_000_000, 1),
            (10_000, i32::MAX, 214),
            (10_000, -20_000_000, -2),
            (1000, 999_999, 0),
            (1000, 1_000_000, 1),
            (1000, 25_000_000, 25),
            (1_000_000, i32::MAX, 2), // hz 1: tick * 1000 = 10^9
        ] {
            assert_eq!(
                nsec_to_ticks(tick, nsecs),
                want,
                "tick {tick} nsecs {nsecs}"
            );
        }
    }

    #[test]
    fn timeval_timespec() {
        // (hz, tick, sec, sub, tv ticks, ts ticks)
        for (hz, tick, sec, sub, tv, ts) in [
            (100, 10_000, 1, 500_000, 150, 100), // ts: 500000 ns is 0 ticks
            (100, 10_000, 1, 500_000_000, 50_100, 150),
            (100, 10_000, 0, 9_999, 0, 0),
            (1000, 1000, 2, 1_500, 2001, 2000),
            (1000, 1000, 0, 999_999_999, 999_999, 999),
            (100, 10_000, -1, 0, -100, -100),
            (100, 10_000, 0, -10_000, -1, 0),
            (
                100,
                10_000,
                21_474_836,
                470_000,
                2_147_483_647,
                2_147_483_600,
            ),
            (100, 10_000, 21_474_836, 480_000, MAX, 2_147_483_600),
            (100, 10_000, i64::MAX, 0, MAX, MAX), // exact arithmetic: no long long overflow
            (1000, 1000, 3_000_000, 0, MAX, MAX),
        ] {
            assert_eq!(
                tv_to_ticks(hz, tick, sec, sub),
                tv,
                "tv hz {hz} {{{sec}, {sub}}}"
            );
            assert_eq!(
                ts_to_ticks(hz, tick, sec, sub),
                ts,
                "ts hz {hz} {{{sec}, {sub}}}"
            );
        }
    }

    #[test]
    fn bintime() {
        let half = 1u64 << 63;
        let quarter = 1u64 << 62;
        for (hz, tick, sec, frac, want) in [
            (100, 10_000, 0, half, 50),     // 500000 us
            (100, 10_000, 1, quarter, 125), // 1.25 s
            (1000, 1000, 0, half, 500),
            (100, 10_000, 0, u64::MAX, 99),   // 999999 us
            (100, 10_000, 0, 0xffff_ffff, 0), // low 32 bits are ignored
            (100, 10_000, 2, 0, 200),
            (100, 10_000, 30_000_000, 0, MAX),
            (100, 10_000, -1, half, -50),
        ] {
            assert_eq!(
                bt_to_ticks(hz, tick, sec, frac),
                want,
                "bt hz {hz} {sec} {frac:#x}"
            );
        }
    }

    #[test]
    fn int_parameters_truncate_like_c() {
        assert_eq!(c_int(5), 5);
        assert_eq!(c_int(-5), -5);
        assert_eq!(c_int(1 << 32), 0);
        assert_eq!(c_int((1 << 32) + 7), 7);
        assert_eq!(c_int(0x8000_0000), i32::MIN);
    }
}
