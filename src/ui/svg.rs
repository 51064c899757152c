//! Geometry for the SVG wheels (wheel.rs, callwheel.rs), kept small in the wasm: angles go
//! through the browser's `Math.sin`/`Math.cos` (libm's argument reduction alone is ~6 KB of
//! wasm), and coordinates are printed as fixed-point integers by [`Fx`] (core's `f64`
//! formatting is ~11 KB plus tables). Coordinates are at most a few hundred units, so
//! hundredths are exact enough for any screen.

use std::fmt;

/// The point at radius `r` and angle `a` (radians, clockwise from three o'clock in SVG's
/// downward y).
pub fn polar(r: f64, a: f64) -> (f64, f64) {
    (r * js_sys::Math::cos(a), r * js_sys::Math::sin(a))
}

/// `v` with `places` (1 or 2) decimals, like `{:.1}`/`{:.2}` but without float formatting.
#[derive(Clone, Copy)]
pub struct Fx(pub f64, pub u32);

impl fmt::Display for Fx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10i64.pow(self.1);
        // `as` saturates (and maps NaN to 0): no input makes this panic.
        let n = (self.0 * scale as f64).round() as i64;
        let sign = if n < 0 { "-" } else { "" };
        let n = n.unsigned_abs();
        let scale = scale as u64;
        write!(
            f,
            "{sign}{}.{:0w$}",
            n / scale,
            n % scale,
            w = self.1 as usize
        )
    }
}

/// Two decimals.
pub fn f2(v: f64) -> Fx {
    Fx(v, 2)
}

/// One decimal.
pub fn f1(v: f64) -> Fx {
    Fx(v, 1)
}
