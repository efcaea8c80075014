//! Numbers written as people read them: as typed, and short for a status line.

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
