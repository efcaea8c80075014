//! Text widths for layout (the legend's box, fitting a status line), from the
//! advance widths of DejaVu Sans, the font a PNG figure is set in
//! (`assets/fonts/`). A table rather than the font file, so the page's wasm
//! lays a figure out exactly as the CLI does without carrying the font; a
//! native test checks the table against the font.

/// Advance widths of the printable ASCII characters, ' ' to '~', in units of
/// 1/2048 em.
pub const ASCII_ADVANCE: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048,
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235,
    1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024,
    1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300,
    1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
];

/// Advance widths of the other characters the figures use.
pub const OTHER_ADVANCE: [(char, u16); 12] = [
    ('·', 651),
    ('−', 1716),
    ('…', 2048),
    ('‖', 1024),
    ('σ', 1298),
    ('λ', 1212),
    ('β', 1307),
    ('η', 1298),
    ('≤', 1716),
    ('²', 821),
    ('×', 1716),
    ('›', 819),
];

/// Any other character is taken as wide as a digit.
const DEFAULT_ADVANCE: u16 = 1303;

/// The advance width of `c`, in units of 1/2048 em.
pub fn advance(c: char) -> u16 {
    match c {
        ' '..='~' => ASCII_ADVANCE[c as usize - 32],
        _ => OTHER_ADVANCE
            .iter()
            .find(|(o, _)| *o == c)
            .map_or(DEFAULT_ADVANCE, |(_, w)| *w),
    }
}

/// The width of `text` set at `size` pixels.
pub fn width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| advance(c) as f64).sum::<f64>() * size / 2048.0
}

/// `text`, shortened with an ellipsis to fit `max` pixels at `size`.
pub fn fit(text: &str, size: f64, max: f64) -> String {
    if width(text, size) <= max {
        return text.to_string();
    }
    let budget = max - width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = advance(c) as f64 * size / 2048.0;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.trim_end().to_string() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up_and_long_text_is_shortened() {
        assert_eq!(width("00", 2048.0), 2.0 * 1303.0);
        let s = "adam lr=0.02 · step 300, loss 1.234e-5";
        let short = fit(s, 12.0, 100.0);
        assert!(short.ends_with('…') && width(&short, 12.0) <= 100.0);
        assert_eq!(fit("ok", 12.0, 100.0), "ok");
    }
}
