//! Numbers written as people read them: as typed, short for a status line,
//! and rounded to what a picture can tell apart.

/// Formats a number the way a user typed it, with names for the non-finite ones.
pub fn show_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
        // 1e200, not two hundred digits.
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A number with about three significant digits, in the style of "2.1e-9".
pub fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if (1e-3..1e5).contains(&a) {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        let s = format!("{x:.2e}");
        // 2.10e-9 -> 2.1e-9
        match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
            None => s,
        }
    }
}

/// `x` to four significant figures, trailing zeros dropped (0.003981, 0.3981,
/// 2.512), written with an exponent outside [10⁻³, 10⁵): for a number a
/// label shows whose full digits would not help a reader (a sweep's
/// learning rate, 0.3981071705534969).
pub fn significant(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || !x.is_finite() || !(1e-3..1e5).contains(&a) {
        return short(x);
    }
    let decimals = (3 - libm::floor(libm::log10(a)) as i32).max(0) as usize;
    let t = format!("{x:.decimals$}");
    match t.contains('.') {
        true => t.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => t,
    }
}

/// `v` rounded to what a pixel `pixel` data units wide can tell apart: to the
/// decimals of `pixel`'s magnitude, written without binary noise (a click at
/// x = −0.3611 gives −0.3611, not −0.36110000000000003).
pub fn round_to_pixel(v: f64, pixel: f64) -> f64 {
    if !(pixel.is_finite() && pixel > 0.0 && v.is_finite()) {
        return v;
    }
    let exp = libm::floor(libm::log10(pixel));
    if exp >= 0.0 {
        let q = libm::pow(10.0, exp);
        return (v / q).round() * q;
    }
    let decimals = (-exp) as usize;
    format!("{v:.decimals$}").parse().unwrap_or(v)
}

#[cfg(test)]
mod tests {

    #[test]
    fn significant_keeps_four_figures() {
        assert_eq!(super::significant(0.3981071705534969), "0.3981");
        assert_eq!(super::significant(0.003981071705534973), "0.003981");
        assert_eq!(super::significant(2.5118864315095824), "2.512");
        assert_eq!(super::significant(0.1), "0.1");
        assert_eq!(super::significant(1e-5), "1e-5");
    }

    use super::*;

    #[test]
    fn rounded_to_a_pixel() {
        assert_eq!(round_to_pixel(-0.361_100_000_000_000_03, 0.005), -0.361);
        assert_eq!(round_to_pixel(-0.36110000000000003, 0.0005), -0.3611);
        assert_eq!(round_to_pixel(1234.567, 20.0), 1230.0);
        assert_eq!(round_to_pixel(0.1 + 0.2, 0.01).to_string(), "0.3");
    }
}
