//! Gradient clipping, applied between `backward()` and `optimizer.step()` as
//! `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_` do.

use serde::Serialize;

/// How the gradient is clipped before each step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Clip {
    /// Rescale g to 2-norm at most `max_norm` (`clip_grad_norm_`).
    #[serde(rename = "max_norm")]
    MaxNorm(f64),
    /// Clamp each coordinate to `[-clip_value, clip_value]` (`clip_grad_value_`).
    #[serde(rename = "clip_value")]
    Value(f64),
}

impl Clip {
    /// The clipped gradient of a point on a surface.
    ///
    /// ```
    /// use optiviz_optim::clip::Clip;
    /// assert_eq!(Clip::Value(1.0).apply([3.0, -0.5]), [1.0, -0.5]);
    /// let [x, y] = Clip::MaxNorm(1.0).apply([3.0, 4.0]);
    /// assert!((x - 0.6).abs() < 1e-6 && (y - 0.8).abs() < 1e-6);
    /// ```
    pub fn apply(&self, g: [f64; 2]) -> [f64; 2] {
        let mut g = g;
        let total_norm = match self {
            Clip::MaxNorm(_) => crate::optimizer::norm(&g),
            // Not used by clip_value.
            Clip::Value(_) => f64::NAN,
        };
        self.apply_in_place(&mut g, total_norm);
        g
    }

    /// Clips `g` in place, where `total_norm` is the 2-norm torch's
    /// `clip_grad_norm_` measures: of `g` itself when it is all the
    /// parameters, or the norm of the per-tensor norms when `g` is one of
    /// several tensors (clipped each with the same `total_norm`). Clipping
    /// by value ignores `total_norm`.
    ///
    /// ```
    /// use optiviz_optim::clip::Clip;
    /// let mut g = [3.0, 4.0, 0.0];
    /// Clip::MaxNorm(1.0).apply_in_place(&mut g, 10.0);
    /// assert!((g[0] - 0.3).abs() < 1e-6 && (g[1] - 0.4).abs() < 1e-6);
    /// ```
    pub fn apply_in_place(&self, g: &mut [f64], total_norm: f64) {
        match *self {
            Clip::MaxNorm(max_norm) => {
                // torch adds 1e-6 to the norm and never scales up.
                let coef = max_norm / (total_norm + 1e-6);
                let coef = if coef.is_nan() { coef } else { coef.min(1.0) };
                for x in g {
                    *x *= coef;
                }
            }
            Clip::Value(v) => {
                for x in g {
                    if !x.is_nan() {
                        *x = x.clamp(-v, v);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clip::Clip;

    const VALUES: [f64; 8] = [0.0, -0.0, 0.3, -2.5, 1e-7, 4e5, f64::NAN, f64::INFINITY];

    #[test]
    fn the_two_coordinate_clip_is_torchs_formula_bit_for_bit() {
        for &a in &VALUES {
            for &b in &VALUES {
                for max in [1e-3, 0.5, 2.0] {
                    let norm = (a * a + b * b).sqrt();
                    let coef = max / (norm + 1e-6);
                    let coef = if coef.is_nan() { coef } else { coef.min(1.0) };
                    let want = [a * coef, b * coef];
                    let got = Clip::MaxNorm(max).apply([a, b]);
                    assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{a}, {b}");
                    let want = [a, b].map(|x| if x.is_nan() { x } else { x.clamp(-max, max) });
                    let got = Clip::Value(max).apply([a, b]);
                    assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{a}, {b}");
                }
            }
        }
    }

    #[test]
    fn several_tensors_are_scaled_alike_by_their_total_norm() {
        // Norms 5 and 12, so a total norm of 13: both are scaled by 6.5/13,
        // as the whole vector (3, 4, 0, 12) would be.
        let (mut a, mut b) = ([3.0, 4.0], [0.0, 12.0]);
        let total =
            crate::optimizer::norm(&[crate::optimizer::norm(&a), crate::optimizer::norm(&b)]);
        assert_eq!(total, 13.0);
        Clip::MaxNorm(6.5).apply_in_place(&mut a, total);
        Clip::MaxNorm(6.5).apply_in_place(&mut b, total);
        let mut whole = [3.0, 4.0, 0.0, 12.0];
        let whole_norm = crate::optimizer::norm(&whole);
        Clip::MaxNorm(6.5).apply_in_place(&mut whole, whole_norm);
        assert_eq!([a, b].concat(), whole);
        assert!(
            (a[0] - 1.5).abs() < 1e-6 && (b[1] - 6.0).abs() < 1e-6,
            "{a:?} {b:?}"
        );
        // Under the limit nothing changes; a NaN norm makes every entry NaN,
        // as torch's clip coefficient does.
        let mut small = [0.1, -0.2, 0.3];
        Clip::MaxNorm(1.0).apply_in_place(&mut small, 0.5);
        assert_eq!(small, [0.1, -0.2, 0.3]);
        Clip::MaxNorm(1.0).apply_in_place(&mut small, f64::NAN);
        assert!(small.iter().all(|x| x.is_nan()));
        // By value: each entry on its own, a NaN kept.
        let mut g = [f64::NAN, -3.0, 0.5, 7.0];
        Clip::Value(1.0).apply_in_place(&mut g, f64::NAN);
        assert!(g[0].is_nan());
        assert_eq!(&g[1..], &[-1.0, 0.5, 1.0]);
    }
}
