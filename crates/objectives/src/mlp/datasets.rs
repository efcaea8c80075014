//! The generated datasets a network learns: four two-class patterns in the
//! plane and a noisy plane for regression, each drawn from a seed.

use optiviz_base::rng::Rng;
use serde::Serialize;
use std::f64::consts::PI;

/// A dataset recipe's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Class 1 on a disc of radius 0.5, class 0 on a ring from 0.7 to 1.
    Circle,
    /// Class 1 where x1 and x2 have the same sign, each 0.1 to 1 off the axes.
    Xor,
    /// Two round Gaussian blobs (σ 0.3) at (0.5, 0.5), class 1, and (−0.5, −0.5).
    Gauss,
    /// Two interleaved spirals of 1.75 turns out to radius 1.
    Spiral,
    /// Regression: y = 0.5·x1 − 0.8·x2 on the square [−1, 1]², plus noise in y.
    Plane,
}

impl Pattern {
    /// Every pattern, in the order the page lists them.
    pub const ALL: [Pattern; 5] = [
        Pattern::Circle,
        Pattern::Xor,
        Pattern::Gauss,
        Pattern::Spiral,
        Pattern::Plane,
    ];

    /// The key in experiments, e.g. `"spiral"`.
    pub fn key(self) -> &'static str {
        match self {
            Pattern::Circle => "circle",
            Pattern::Xor => "xor",
            Pattern::Gauss => "gauss",
            Pattern::Spiral => "spiral",
            Pattern::Plane => "plane",
        }
    }

    /// The pattern whose [`Pattern::key`] is `key`.
    pub fn parse(key: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Whether its y is a class (0 or 1) rather than a number to fit.
    pub fn classes(self) -> bool {
        self != Pattern::Plane
    }

    /// `n` rows: the inputs, then y. For the classes, `noise` is the σ of a
    /// Gaussian jitter added to both inputs after the class is set; for the
    /// plane, the σ of the noise in y. Rows alternate between the classes.
    pub fn draw(self, n: usize, noise: f64, seed: u64) -> (Vec<[f64; 2]>, Vec<f64>) {
        let mut rng = Rng::new(seed, 0x0da7_a0e1);
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let class = (i % 2 == 0) as u8 as f64;
            let (p, label) = match self {
                Pattern::Circle => {
                    let (lo, hi) = if class == 1.0 { (0.0, 0.5) } else { (0.7, 1.0) };
                    let r = lo + (hi - lo) * rng.uniform();
                    let a = 2.0 * PI * rng.uniform();
                    ([r * libm::cos(a), r * libm::sin(a)], class)
                }
                Pattern::Xor => {
                    // A quadrant of the row's class, 0.1 to 1 off each axis.
                    let (a, b) = (0.1 + 0.9 * rng.uniform(), 0.1 + 0.9 * rng.uniform());
                    let s = if rng.uniform() < 0.5 { 1.0 } else { -1.0 };
                    let t = if class == 1.0 { s } else { -s };
                    ([s * a, t * b], class)
                }
                Pattern::Gauss => {
                    let c = if class == 1.0 { 0.5 } else { -0.5 };
                    ([c + 0.3 * rng.normal(), c + 0.3 * rng.normal()], class)
                }
                Pattern::Spiral => {
                    // Each class's k-th of m points, from the centre outwards.
                    let m = n.div_ceil(2).max(1) as f64;
                    let t = (i / 2) as f64 / m;
                    let a = 1.75 * 2.0 * PI * t + if class == 1.0 { 0.0 } else { PI };
                    ([t * libm::sin(a), t * libm::cos(a)], class)
                }
                Pattern::Plane => {
                    let p = [2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0];
                    (p, 0.5 * p[0] - 0.8 * p[1] + noise * rng.normal())
                }
            };
            let p = if self.classes() {
                [p[0] + noise * rng.normal(), p[1] + noise * rng.normal()]
            } else {
                p
            };
            x.push(p);
            y.push(label);
        }
        (x, y)
    }
}
