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
    /// The clipped gradient.
    ///
    /// ```
    /// use optiviz::optim::clip::Clip;
    /// assert_eq!(Clip::Value(1.0).apply([3.0, -0.5]), [1.0, -0.5]);
    /// let [x, y] = Clip::MaxNorm(1.0).apply([3.0, 4.0]);
    /// assert!((x - 0.6).abs() < 1e-6 && (y - 0.8).abs() < 1e-6);
    /// ```
    pub fn apply(&self, g: [f64; 2]) -> [f64; 2] {
        match *self {
            Clip::MaxNorm(max_norm) => {
                let norm = (g[0] * g[0] + g[1] * g[1]).sqrt();
                // torch adds 1e-6 to the norm and never scales up.
                let coef = max_norm / (norm + 1e-6);
                let coef = if coef.is_nan() { coef } else { coef.min(1.0) };
                [g[0] * coef, g[1] * coef]
            }
            Clip::Value(v) => g.map(|x| if x.is_nan() { x } else { x.clamp(-v, v) }),
        }
    }
}
