//! Models whose loss surface comes from data: linear regression (mean squared
//! error) and logistic regression (binary cross-entropy), each over a dataset
//! of (x, y) rows that is either generated from a seed or given. The two
//! parameters (w, b) are the plot's axes; the gradient of any subset of rows
//! (a mini-batch) is what stochastic gradient descent steps on.

use crate::error::ConfigError;
use crate::objective::{Minimum, Objective, View};
use crate::rng::Rng;
use crate::spec::{ParamSpec, Range};
use std::sync::Arc;

/// The most rows a dataset may have.
pub const MAX_ROWS: usize = 5000;
/// The largest |x| or |y| a row may have: beyond it the losses leave the
/// range a plot (and the divergence bounds) can show; rescale such data.
pub const MAX_VALUE: f64 = 1e4;

/// Which model is fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// `y ≈ w x + b`, loss = mean of (w x + b − y)² (torch's `MSELoss`).
    Linear,
    /// `P(y = 1) = sigmoid(w x + b)`, loss = mean binary cross-entropy
    /// (torch's `BCEWithLogitsLoss`); y is 0 or 1.
    Logistic,
}

impl ModelKind {
    /// The short name the page uses: "linear" or "logistic".
    pub fn key(self) -> &'static str {
        match self {
            ModelKind::Linear => "linear",
            ModelKind::Logistic => "logistic",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ModelKind::Linear => "linear regression",
            ModelKind::Logistic => "logistic regression",
        }
    }
}

/// How a dataset is generated: `n` points with x uniform in `x_range`, and
/// y = w x + b + noise·ε (linear) or y = 1 when w x + b + noise·ε > 0, else 0
/// (logistic), ε standard normal; all drawn from `seed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generate {
    pub n: u32,
    pub w: f64,
    pub b: f64,
    pub noise: f64,
    pub seed: u32,
    pub x_range: [f64; 2],
}

/// The keys of a generated dataset, their defaults, ranges and meaning.
pub static GENERATE_SPECS: &[ParamSpec] = &[
    ParamSpec {
        name: "n",
        default: 100.0,
        range: Range::closed(2.0, MAX_ROWS as f64),
        doc: "number of points",
    },
    ParamSpec {
        name: "w",
        default: 2.0,
        range: Range::closed(-100.0, 100.0),
        doc: "true slope",
    },
    ParamSpec {
        name: "b",
        default: -1.0,
        range: Range::closed(-100.0, 100.0),
        doc: "true intercept",
    },
    ParamSpec {
        name: "noise",
        default: 0.5,
        range: Range::closed(0.0, 100.0),
        doc: "standard deviation of the noise added to w x + b",
    },
    ParamSpec {
        name: "seed",
        default: 7.0,
        range: Range::closed(0.0, u32::MAX as f64),
        doc: "seed the points are drawn from",
    },
];

/// The default x range of a generated dataset.
pub const DEFAULT_X_RANGE: [f64; 2] = [-2.0, 2.0];

impl Default for Generate {
    fn default() -> Self {
        let d = |i: usize| GENERATE_SPECS[i].default;
        Generate {
            n: d(0) as u32,
            w: d(1),
            b: d(2),
            noise: d(3),
            seed: d(4) as u32,
            x_range: DEFAULT_X_RANGE,
        }
    }
}

/// Rows of (x, y), and how they came to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// `Some` when the rows were generated (and so are described by it).
    pub generated: Option<Generate>,
    /// A hash of every bit of the rows, to tell datasets apart cheaply.
    pub fingerprint: u64,
}

fn fingerprint(x: &[f64], y: &[f64]) -> u64 {
    // FNV-1a over the bits of every value.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in x.iter().chain(y) {
        for byte in v.to_bits().to_le_bytes() {
            h ^= byte as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^ (x.len() as u64)
}

impl Dataset {
    /// Rows as given (already validated).
    pub fn given(x: Vec<f64>, y: Vec<f64>) -> Dataset {
        let fingerprint = fingerprint(&x, &y);
        Dataset {
            x,
            y,
            generated: None,
            fingerprint,
        }
    }

    /// Draws a dataset for `kind`.
    pub fn generate(kind: ModelKind, g: Generate) -> Dataset {
        let mut rng = Rng::new(g.seed as u64, 0x_da7a);
        let [lo, hi] = g.x_range;
        let mut x = Vec::with_capacity(g.n as usize);
        let mut y = Vec::with_capacity(g.n as usize);
        for _ in 0..g.n {
            let xi = lo + (hi - lo) * rng.uniform();
            let latent = g.w * xi + g.b + g.noise * rng.normal();
            x.push(xi);
            y.push(match kind {
                ModelKind::Linear => latent,
                ModelKind::Logistic => (latent > 0.0) as u8 as f64,
            });
        }
        let fingerprint = fingerprint(&x, &y);
        Dataset {
            x,
            y,
            generated: Some(g),
            fingerprint,
        }
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// Reads rows of `x,y` typed or pasted by a user. Commas, semicolons, tabs or
/// spaces separate the two numbers; blank lines and lines starting with `#`
/// are skipped, and so is a header line of names before the first row.
/// Errors name the line (`line 7: …`).
pub fn parse_csv(text: &str, kind: ModelKind) -> Result<(Vec<f64>, Vec<f64>), ConfigError> {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut seen_line = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let field = format!("line {}", i + 1);
        let parts: Vec<&str> = if line.contains(',') {
            line.split(',').map(str::trim).collect()
        } else if line.contains(';') {
            line.split(';').map(str::trim).collect()
        } else {
            line.split_whitespace().collect()
        };
        let numbers: Vec<Option<f64>> = parts
            .iter()
            .map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        let first = !seen_line;
        seen_line = true;
        match numbers.as_slice() {
            [Some(a), Some(b)] if a.abs() > MAX_VALUE || b.abs() > MAX_VALUE => {
                return Err(ConfigError::new(
                    field,
                    format!("x and y must lie within ±{MAX_VALUE}; rescale the data (say, to thousands)"),
                ))
            }
            [Some(a), Some(b)] => {
                if kind == ModelKind::Logistic && *b != 0.0 && *b != 1.0 {
                    return Err(ConfigError::new(
                        field,
                        format!("y must be 0 or 1 for logistic regression, got {}", parts[1]),
                    ));
                }
                if x.len() == MAX_ROWS {
                    return Err(ConfigError::new(
                        field,
                        format!("a dataset has at most {MAX_ROWS} rows"),
                    ));
                }
                x.push(*a);
                y.push(*b);
            }
            // A header such as "x,y" or "hours, passed" before the first row.
            _ if first
                && parts.len() == 2
                && parts
                    .iter()
                    .all(|p| p.chars().any(|c| c.is_alphabetic()) && p.parse::<f64>().is_err()) => {
            }
            _ => {
                return Err(ConfigError::new(
                    field,
                    format!(
                        "expected two finite numbers x,y, got \"{}\"",
                        shorten(line, 40)
                    ),
                ))
            }
        }
    }
    if x.len() < 2 {
        return Err(ConfigError::new(
            "data",
            format!("needs at least 2 rows of x,y, got {}", x.len()),
        ));
    }
    Ok((x, y))
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The window the data panel shows: the rows' range with a margin (y from 0
/// to 1 for logistic regression).
pub fn data_view(d: &Dataset, kind: ModelKind) -> View {
    let range = |v: &[f64]| {
        v.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            })
    };
    let pad = |(lo, hi): (f64, f64)| {
        let m = ((hi - lo) * 0.08).max(1e-3 * lo.abs().max(1.0));
        [lo - m, hi + m]
    };
    View {
        x: pad(range(&d.x)),
        y: pad(match kind {
            ModelKind::Linear => range(&d.y),
            ModelKind::Logistic => (0.0, 1.0),
        }),
    }
}

/// Where a model's loss is lowest, or why it has no lowest point.
#[derive(Debug, Clone, PartialEq)]
pub enum Fit {
    Minimum(Minimum),
    /// The loss has no minimum; the reason, in a sentence.
    None(&'static str),
}

/// Sums the data needs for linear regression in closed form (centered, so the
/// surface can be evaluated in O(1) without cancellation).
#[derive(Debug, Clone, Copy)]
struct Moments {
    mean_x: f64,
    mean_y: f64,
    vxx: f64,
    vxy: f64,
    vyy: f64,
}

impl Moments {
    fn of(d: &Dataset) -> Moments {
        let n = d.len() as f64;
        let mean_x = d.x.iter().sum::<f64>() / n;
        let mean_y = d.y.iter().sum::<f64>() / n;
        let (mut vxx, mut vxy, mut vyy) = (0.0, 0.0, 0.0);
        for (x, y) in d.x.iter().zip(&d.y) {
            let (dx, dy) = (x - mean_x, y - mean_y);
            vxx += dx * dx;
            vxy += dx * dy;
            vyy += dy * dy;
        }
        Moments {
            mean_x,
            mean_y,
            vxx: vxx / n,
            vxy: vxy / n,
            vyy: vyy / n,
        }
    }
}

/// A model over a dataset, with an optional L2 term `l2·(w² + b²)`.
pub struct DataModel {
    pub kind: ModelKind,
    pub data: Arc<Dataset>,
    pub l2: f64,
    moments: Moments,
    fit: Fit,
    /// For separable logistic data: +1 when the ones lie right of the zeros,
    /// −1 when left (the way w runs off); 0 otherwise.
    separation: f64,
}

/// log(1 + eᶻ) without overflow.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + libm::log1p(libm::exp(-z.abs()))
}

/// 1 / (1 + e⁻ᶻ) without overflow.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

/// σ′(z) = σ(z) σ(−z) = e^(−|z|) / (1 + e^(−|z|))², without the
/// cancellation of σ (1 − σ) once σ rounds to 1.
fn sigmoid_slope(z: f64) -> f64 {
    let e = libm::exp(-z.abs());
    let d = 1.0 + e;
    e / (d * d)
}

impl DataModel {
    pub fn new(kind: ModelKind, data: Arc<Dataset>, l2: f64) -> DataModel {
        let moments = Moments::of(&data);
        let mut m = DataModel {
            kind,
            data,
            l2,
            moments,
            fit: Fit::None(""),
            separation: 0.0,
        };
        m.fit = m.solve();
        m
    }

    /// The minimum, or why there is none.
    pub fn fit(&self) -> &Fit {
        &self.fit
    }

    fn row_loss(&self, p: [f64; 2], i: usize) -> f64 {
        let z = p[0] * self.data.x[i] + p[1];
        match self.kind {
            ModelKind::Linear => {
                let r = z - self.data.y[i];
                r * r
            }
            ModelKind::Logistic => softplus(z) - self.data.y[i] * z,
        }
    }

    /// ∂(row loss)/∂z, where z = w x + b.
    fn row_slope(&self, p: [f64; 2], i: usize) -> f64 {
        let z = p[0] * self.data.x[i] + p[1];
        match self.kind {
            ModelKind::Linear => 2.0 * (z - self.data.y[i]),
            ModelKind::Logistic => sigmoid(z) - self.data.y[i],
        }
    }

    /// ∂²(row loss)/∂z², where z = w x + b.
    fn row_curvature(&self, p: [f64; 2], i: usize) -> f64 {
        match self.kind {
            ModelKind::Linear => 2.0,
            ModelKind::Logistic => sigmoid_slope(p[0] * self.data.x[i] + p[1]),
        }
    }

    /// The mean loss over `rows`, plus the L2 term.
    pub fn batch_value(&self, p: [f64; 2], rows: impl ExactSizeIterator<Item = usize>) -> f64 {
        let n = rows.len() as f64;
        let sum: f64 = rows.map(|i| self.row_loss(p, i)).sum();
        sum / n + self.l2 * (p[0] * p[0] + p[1] * p[1])
    }

    /// The gradient of [`DataModel::batch_value`]: the mean over `rows`, plus
    /// 2·l2·θ. Rows are summed in the order given.
    pub fn batch_grad(&self, p: [f64; 2], rows: impl ExactSizeIterator<Item = usize>) -> [f64; 2] {
        let n = rows.len() as f64;
        let (mut gw, mut gb) = (0.0, 0.0);
        for i in rows {
            let s = self.row_slope(p, i);
            gw += s * self.data.x[i];
            gb += s;
        }
        [gw / n + 2.0 * self.l2 * p[0], gb / n + 2.0 * self.l2 * p[1]]
    }

    /// The Hessian of [`DataModel::batch_value`]: the mean over `rows` of
    /// the row's curvature in z times [[x², x], [x, 1]], plus 2·l2 on the
    /// diagonal.
    pub fn batch_hessian(
        &self,
        p: [f64; 2],
        rows: impl ExactSizeIterator<Item = usize>,
    ) -> [[f64; 2]; 2] {
        let n = rows.len() as f64;
        let (mut hww, mut hwb, mut hbb) = (0.0, 0.0, 0.0);
        for i in rows {
            let c = self.row_curvature(p, i);
            let x = self.data.x[i];
            hww += c * x * x;
            hwb += c * x;
            hbb += c;
        }
        let d = 2.0 * self.l2;
        [[hww / n + d, hwb / n], [hwb / n, hbb / n + d]]
    }

    fn solve(&mut self) -> Fit {
        match self.kind {
            ModelKind::Linear => self.solve_linear(),
            ModelKind::Logistic => self.solve_logistic(),
        }
    }

    /// The normal equations, (XᵀX/n + l2·I) θ = Xᵀy/n with X = [x 1], in
    /// centered form.
    fn solve_linear(&self) -> Fit {
        let m = self.moments;
        let l2 = self.l2;
        let point = if l2 == 0.0 {
            if m.vxx <= 1e-14 * (1.0 + m.mean_x * m.mean_x) {
                return Fit::None(
                    "every x is the same, so a whole line of (w, b) fits equally well",
                );
            }
            let w = m.vxy / m.vxx;
            [w, m.mean_y - w * m.mean_x]
        } else {
            // [[Sxx/n + l2, x̄], [x̄, 1 + l2]] θ = [Sxy/n, ȳ]
            let a = m.vxx + m.mean_x * m.mean_x + l2;
            let c = m.mean_x;
            let d = 1.0 + l2;
            let r0 = m.vxy + m.mean_x * m.mean_y;
            let r1 = m.mean_y;
            let det = a * d - c * c;
            [(r0 * d - c * r1) / det, (a * r1 - c * r0) / det]
        };
        Fit::Minimum(Minimum {
            point,
            value: self.value(point),
        })
    }

    /// Newton's method on the convex cross-entropy, once it is known to have
    /// a minimum: always with an L2 term, otherwise only when no threshold on
    /// x separates the classes.
    fn solve_logistic(&mut self) -> Fit {
        let d = &self.data;
        if self.l2 == 0.0 {
            let ones = d.y.iter().filter(|&&y| y == 1.0).count();
            if ones == 0 || ones == d.len() {
                return Fit::None(
                    "every y is the same class, so the loss keeps falling as b grows without bound",
                );
            }
            if self.moments.vxx == 0.0 {
                return Fit::None(
                    "every x is the same, so a whole line of (w, b) fits equally well",
                );
            }
            // The smallest and largest x of each class.
            let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
            for (&x, &y) in d.x.iter().zip(&d.y) {
                let c = y as usize;
                lo[c] = lo[c].min(x);
                hi[c] = hi[c].max(x);
            }
            let rising = hi[0] <= lo[1];
            if rising || hi[1] <= lo[0] {
                self.separation = if rising { 1.0 } else { -1.0 };
                return Fit::None(
                    "the classes are separable, so the loss keeps falling as |w| grows",
                );
            }
        }
        let n = d.len() as f64;
        let mut p = [0.0, 0.0];
        for _ in 0..200 {
            let g = self.grad(p);
            if libm::hypot(g[0], g[1]) < 1e-13 {
                break;
            }
            let (mut hww, mut hwb, mut hbb) = (0.0, 0.0, 0.0);
            for (x, _) in d.x.iter().zip(&d.y) {
                let s = sigmoid(p[0] * x + p[1]);
                let v = s * (1.0 - s);
                hww += v * x * x;
                hwb += v * x;
                hbb += v;
            }
            let (hww, hwb, hbb) = (hww / n + 2.0 * self.l2, hwb / n, hbb / n + 2.0 * self.l2);
            let det = hww * hbb - hwb * hwb;
            if det.is_nan() || det <= 0.0 {
                break;
            }
            let step = [
                (hbb * g[0] - hwb * g[1]) / det,
                (hww * g[1] - hwb * g[0]) / det,
            ];
            // Halve the step until the loss does not rise.
            let f0 = self.value(p);
            let mut t = 1.0;
            let mut next = [p[0] - step[0], p[1] - step[1]];
            while self.value(next) > f0 && t > 1e-6 {
                t *= 0.5;
                next = [p[0] - t * step[0], p[1] - t * step[1]];
            }
            if next == p {
                break;
            }
            p = next;
        }
        let g = self.grad(p);
        let settled = libm::hypot(g[0], g[1]) < 1e-8;
        if !settled {
            return Fit::None(
                "the classes are so nearly separable that the minimum lies too far out to locate",
            );
        }
        Fit::Minimum(Minimum {
            point: p,
            value: self.value(p),
        })
    }
}

impl Objective for DataModel {
    fn value(&self, p: [f64; 2]) -> f64 {
        self.batch_value(p, 0..self.data.len())
    }

    fn grad(&self, p: [f64; 2]) -> [f64; 2] {
        self.batch_grad(p, 0..self.data.len())
    }

    fn hessian(&self, p: [f64; 2]) -> [[f64; 2]; 2] {
        self.batch_hessian(p, 0..self.data.len())
    }

    /// For drawing: linear regression's loss from the data's moments in O(1).
    fn sample(&self, p: [f64; 2]) -> f64 {
        match self.kind {
            ModelKind::Linear => {
                let m = self.moments;
                let c = p[0] * m.mean_x + p[1] - m.mean_y;
                let centered = (p[0] * p[0] * m.vxx - 2.0 * p[0] * m.vxy + m.vyy).max(0.0);
                centered + c * c + self.l2 * (p[0] * p[0] + p[1] * p[1])
            }
            ModelKind::Logistic => self.value(p),
        }
    }

    fn cost(&self) -> usize {
        match self.kind {
            ModelKind::Linear => 1,
            ModelKind::Logistic => self.data.len(),
        }
    }

    /// A square around the minimum (or the origin) that holds the origin.
    fn view(&self) -> View {
        let c = match &self.fit {
            Fit::Minimum(m) => m.point,
            Fit::None(_) => match self.kind {
                ModelKind::Linear => [0.0, self.moments.mean_y],
                // Room for w to run off towards the side that separates.
                ModelKind::Logistic => [3.0 * self.separation, 0.0],
            },
        };
        let s =
            (1.3 * c[0].abs().max(c[1].abs())).max(if self.separation != 0.0 { 6.0 } else { 3.0 });
        View {
            x: [c[0] - s, c[0] + s],
            y: [c[1] - s, c[1] + s],
        }
    }

    fn minima(&self) -> Vec<Minimum> {
        match &self.fit {
            Fit::Minimum(m) => vec![*m],
            Fit::None(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(kind: ModelKind, g: Generate, l2: f64) -> DataModel {
        DataModel::new(kind, Arc::new(Dataset::generate(kind, g)), l2)
    }

    #[test]
    fn generated_data_follow_the_stated_line() {
        let g = Generate {
            n: 2000,
            noise: 0.1,
            ..Generate::default()
        };
        let m = model(ModelKind::Linear, g, 0.0);
        let Fit::Minimum(min) = m.fit() else { panic!() };
        assert!((min.point[0] - 2.0).abs() < 0.02, "{min:?}");
        assert!((min.point[1] + 1.0).abs() < 0.02, "{min:?}");
        assert!(m.data.x.iter().all(|x| (-2.0..2.0).contains(x)));
    }

    #[test]
    fn the_linear_minimum_zeroes_the_gradient_with_and_without_l2() {
        for l2 in [0.0, 0.3] {
            let m = model(ModelKind::Linear, Generate::default(), l2);
            let Fit::Minimum(min) = m.fit() else { panic!() };
            let g = m.grad(min.point);
            assert!(g[0].hypot(g[1]) < 1e-12, "{g:?}");
        }
    }

    #[test]
    fn the_closed_form_surface_equals_the_row_sum() {
        let m = model(ModelKind::Linear, Generate::default(), 0.05);
        for p in [[0.0, 0.0], [3.0, -2.0], [-1.0, 4.0]] {
            let (a, b) = (m.value(p), m.sample(p));
            assert!((a - b).abs() < 1e-12 * a.max(1.0), "{a} {b}");
        }
    }

    #[test]
    fn logistic_regression_has_a_minimum_unless_separable() {
        let noisy = model(ModelKind::Logistic, Generate::default(), 0.0);
        let Fit::Minimum(min) = noisy.fit() else {
            panic!("{:?}", noisy.fit())
        };
        let g = noisy.grad(min.point);
        assert!(g[0].hypot(g[1]) < 1e-10, "{g:?}");
        let clean = Generate {
            noise: 0.0,
            ..Generate::default()
        };
        assert!(matches!(
            model(ModelKind::Logistic, clean, 0.0).fit(),
            Fit::None(s) if s.contains("separable")
        ));
        // An L2 term gives even separable data a minimum.
        assert!(matches!(
            model(ModelKind::Logistic, clean, 0.01).fit(),
            Fit::Minimum(_)
        ));
    }

    #[test]
    fn pasted_rows_are_read_and_bad_lines_named() {
        let (x, y) = parse_csv(
            "hours, passed\n1, 0\n\n# a note\n2;1\n3\t1\n",
            ModelKind::Logistic,
        )
        .unwrap();
        assert_eq!(x, [1.0, 2.0, 3.0]);
        assert_eq!(y, [0.0, 1.0, 1.0]);
        let e = parse_csv("1,2\n3,4\n5,abc\n", ModelKind::Linear).unwrap_err();
        assert_eq!(e.field, "line 3");
        assert!(e.message.contains("\"5,abc\""), "{e}");
        let e = parse_csv("1,0\n2,0.5\n", ModelKind::Logistic).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: y must be 0 or 1 for logistic regression, got 0.5"
        );
        let e = parse_csv("x,y\n1,2\n", ModelKind::Linear).unwrap_err();
        assert_eq!(e.field, "data");
        let big: String = (0..=MAX_ROWS).map(|i| format!("{i},1\n")).collect();
        let e = parse_csv(&big, ModelKind::Linear).unwrap_err();
        assert_eq!(e.field, format!("line {}", MAX_ROWS + 1));
    }
}
