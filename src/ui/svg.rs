//! Geometry for the SVG wheels (wheel.rs, callwheel.rs), kept small in the wasm: angles go
//! through the browser's `Math.sin`/`Math.cos` (libm's argument reduction alone is ~6 KB of
//! wasm), and coordinates are printed as fixed-point integers by [`Fx`] (core's `f64`
//! formatting is ~11 KB plus tables). Coordinates are at most a few hundred units, so
//! hundredths are exact enough for any screen.

use std::fmt;

/// The point at radius `r` and angle `a` (radians, clockwise from three o'clock in SVG's
/// downward y).
#[cfg(target_arch = "wasm32")]
pub fn polar(r: f64, a: f64) -> (f64, f64) {
    (r * js_sys::Math::cos(a), r * js_sys::Math::sin(a))
}

/// The outline of an annular sector between radii `ro` and `ri` from angle `a0` to `a1`
/// (less than half a turn): one bucket of a wheel.
#[cfg(target_arch = "wasm32")]
pub fn annulus(ro: u32, ri: u32, a0: f64, a1: f64) -> String {
    let (x0, y0) = polar(f64::from(ro), a0);
    let (x1, y1) = polar(f64::from(ro), a1);
    let (x2, y2) = polar(f64::from(ri), a1);
    let (x3, y3) = polar(f64::from(ri), a0);
    format!(
        "M{} {}A{ro} {ro} 0 0 1 {} {}L{} {}A{ri} {ri} 0 0 0 {} {}Z",
        f2(x0),
        f2(y0),
        f2(x1),
        f2(y1),
        f2(x2),
        f2(y2),
        f2(x3),
        f2(y3)
    )
}

/// Text for markup written as a string ([`yew::Html::from_html_unchecked`]): `&`, `<`, `>`
/// and `"` escaped, so a name can never become markup.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The same digits as `{:.1}`/`{:.2}` for the coordinates the wheels draw (ties and
    /// negative zero aside, which no picture can show).
    #[test]
    fn fixed_point_matches_float_formatting() {
        for i in -200_000..200_000 {
            let v = f64::from(i) * 0.000_731;
            for (places, std) in [(1, format!("{v:.1}")), (2, format!("{v:.2}"))] {
                let ours = Fx(v, places).to_string();
                let tie = (v * 10f64.powi(places as i32)).fract().abs() - 0.5;
                if tie.abs() < 1e-6
                    || std
                        .trim_start_matches('-')
                        .chars()
                        .all(|c| c == '0' || c == '.')
                {
                    continue;
                }
                assert_eq!(ours, std, "{v} to {places} places");
            }
        }
        assert_eq!(f2(-0.004).to_string(), "0.00");
        assert_eq!(f1(1234.56).to_string(), "1234.6");
        assert_eq!(f2(f64::NAN).to_string(), "0.00");
    }
}
