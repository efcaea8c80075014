//! Viridis, a perceptually uniform colour map that reads in grey and for most
//! forms of colour blindness. The nine anchors are viridis at t = 0, 1/8, …, 1;
//! between them the colour is interpolated linearly.

/// The anchors, at t = 0, 1/8, …, 1.
pub const ANCHORS: [[u8; 3]; 9] = [
    [0x44, 0x01, 0x54],
    [0x47, 0x2d, 0x7b],
    [0x3b, 0x52, 0x8b],
    [0x2c, 0x72, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x28, 0xae, 0x80],
    [0x5e, 0xc9, 0x62],
    [0xad, 0xdc, 0x30],
    [0xfd, 0xe7, 0x25],
];

/// The colour at `t` in [0, 1] (clamped; NaN maps to 0).
pub fn viridis(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (ANCHORS.len() - 1) as f64;
    let i = (x.floor() as usize).min(ANCHORS.len() - 2);
    let u = x - i as f64;
    let (a, b) = (ANCHORS[i], ANCHORS[i + 1]);
    [0, 1, 2].map(|c| (a[c] as f64 + (b[c] as f64 - a[c] as f64) * u).round() as u8)
}

/// A 256-entry lookup table of [`viridis`], for per-pixel work.
pub fn viridis_table() -> [[u8; 3]; 256] {
    let mut table = [[0; 3]; 256];
    for (i, c) in table.iter_mut().enumerate() {
        *c = viridis(i as f64 / 255.0);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_anchors_are_exact() {
        assert_eq!(viridis(0.0), [0x44, 0x01, 0x54]);
        assert_eq!(viridis(1.0), [0xfd, 0xe7, 0x25]);
        assert_eq!(viridis(0.5), [0x21, 0x91, 0x8c]);
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }

    #[test]
    fn lightness_increases_monotonically() {
        // Perceived lightness (Rec. 709 luma) never drops along the map.
        let luma = |c: [u8; 3]| 0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64;
        let table = viridis_table();
        for w in table.windows(2) {
            assert!(luma(w[1]) >= luma(w[0]) - 0.5, "{:?} -> {:?}", w[0], w[1]);
        }
    }
}
