//! Models whose loss surface comes from data: linear regression (mean squared
//! error) and logistic regression (binary cross-entropy) over rows of (x, y),
//! whose two parameters (w, b) are the plot's axes, and two-feature least
//! squares over rows of (x1, x2, y), whose axes are the weights (w1, w2). Rows
//! are generated from a seed or given. The gradient of any subset of rows (a
//! mini-batch) is what stochastic gradient descent steps on.
//!
//! Every model is linear in its two parameters through a row's features φ:
//! z = θ·φ with φ = (x, 1) for the one-feature models and φ = (x1, x2) for
//! two-feature least squares; the loss of a row depends on z alone.

use crate::objective::{Minimum, Objective, View};
use optiviz_base::error::ConfigError;
use optiviz_base::rng::Rng;
use optiviz_base::spec::{ParamSpec, Range};
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
    /// `y ≈ w1 x1 + w2 x2` (no intercept), loss = mean of
    /// (w1 x1 + w2 x2 − y)²; the features may be standardized first.
    LeastSquares2d,
}

impl ModelKind {
    /// The short name the page uses: "linear", "logistic" or
    /// "least_squares_2d".
    pub fn key(self) -> &'static str {
        match self {
            ModelKind::Linear => "linear",
            ModelKind::Logistic => "logistic",
            ModelKind::LeastSquares2d => "least_squares_2d",
        }
    }

    /// A display name, e.g. "linear regression".
    pub fn title(self) -> &'static str {
        match self {
            ModelKind::Linear => "linear regression",
            ModelKind::Logistic => "logistic regression",
            ModelKind::LeastSquares2d => "two-feature least squares",
        }
    }

    /// How many features a row has besides y: 1 (x) or 2 (x1, x2).
    pub fn features(self) -> usize {
        match self {
            ModelKind::Linear | ModelKind::Logistic => 1,
            ModelKind::LeastSquares2d => 2,
        }
    }

    /// The names of the two parameters, the plot's axes.
    pub fn axes(self) -> [&'static str; 2] {
        match self {
            ModelKind::Linear | ModelKind::Logistic => ["w", "b"],
            ModelKind::LeastSquares2d => ["w1", "w2"],
        }
    }

    /// The keys of a generated dataset of this model, in the order links and
    /// the page list them.
    pub fn generate_specs(self) -> &'static [ParamSpec] {
        match self {
            ModelKind::Linear | ModelKind::Logistic => GENERATE_SPECS,
            ModelKind::LeastSquares2d => GENERATE_2D_SPECS,
        }
    }
}

/// How a dataset is generated: `n` points with x uniform in `x_range`, and
/// y = w x + b + noise·ε (linear) or y = 1 when w x + b + noise·ε > 0, else 0
/// (logistic), ε standard normal; all drawn from `seed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generate {
    /// How many points.
    pub n: u32,
    /// The true slope.
    pub w: f64,
    /// The true intercept.
    pub b: f64,
    /// The standard deviation of the noise added to w x + b.
    pub noise: f64,
    /// The seed the points are drawn from.
    pub seed: u32,
    /// The range `[low, high]` x is drawn from, uniformly.
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

/// How a two-feature dataset is generated: `n` rows with x1 standard
/// normal, x2 = scale·(rho·x1 + √(1 − rho²)·z) (so x2 has standard
/// deviation `scale` and correlation `rho` with x1) and
/// y = w1 x1 + w2 x2 + noise·ε; z and ε standard normal, all drawn from
/// `seed`. Without noise the least-squares weights are (w1, w2) exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generate2d {
    /// How many rows.
    pub n: u32,
    /// The correlation of x2 with x1, in [−1, 1].
    pub rho: f64,
    /// The standard deviation of x2 (x1's is 1).
    pub scale: f64,
    /// The true weight of x1.
    pub w1: f64,
    /// The true weight of x2.
    pub w2: f64,
    /// The standard deviation of the noise added to w1 x1 + w2 x2.
    pub noise: f64,
    /// The seed the rows are drawn from.
    pub seed: u32,
}

/// The keys of a generated two-feature dataset, their defaults, ranges and
/// meaning.
pub static GENERATE_2D_SPECS: &[ParamSpec] = &[
    ParamSpec {
        name: "n",
        default: 100.0,
        range: Range::closed(2.0, MAX_ROWS as f64),
        doc: "number of rows",
    },
    ParamSpec {
        name: "rho",
        default: 0.8,
        range: Range::closed(-1.0, 1.0),
        doc: "correlation of the two features (±1: x2 is a multiple of x1)",
    },
    ParamSpec {
        name: "scale",
        default: 5.0,
        range: Range::open_closed(0.0, 100.0),
        doc: "standard deviation of x2 (x1's is 1)",
    },
    ParamSpec {
        name: "w1",
        default: 1.0,
        range: Range::closed(-100.0, 100.0),
        doc: "true weight of x1",
    },
    ParamSpec {
        name: "w2",
        default: 0.5,
        range: Range::closed(-100.0, 100.0),
        doc: "true weight of x2",
    },
    ParamSpec {
        name: "noise",
        default: 0.5,
        range: Range::closed(0.0, 100.0),
        doc: "standard deviation of the noise added to w1 x1 + w2 x2",
    },
    ParamSpec {
        name: "seed",
        default: 7.0,
        range: Range::closed(0.0, u32::MAX as f64),
        doc: "seed the rows are drawn from",
    },
];

impl Default for Generate2d {
    fn default() -> Self {
        let d = |i: usize| GENERATE_2D_SPECS[i].default;
        Generate2d {
            n: d(0) as u32,
            rho: d(1),
            scale: d(2),
            w1: d(3),
            w2: d(4),
            noise: d(5),
            seed: d(6) as u32,
        }
    }
}

/// How generated rows came to be: one feature or two.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recipe {
    /// Rows of (x, y), for linear and logistic regression.
    Line(Generate),
    /// Rows of (x1, x2, y), for two-feature least squares.
    Features(Generate2d),
}

impl Recipe {
    /// The keys [`Recipe::values`] gives the values of.
    pub fn specs(&self) -> &'static [ParamSpec] {
        match self {
            Recipe::Line(_) => GENERATE_SPECS,
            Recipe::Features(_) => GENERATE_2D_SPECS,
        }
    }

    /// The range x is drawn from, for one feature.
    pub fn x_range(&self) -> Option<[f64; 2]> {
        match self {
            Recipe::Line(g) => Some(g.x_range),
            Recipe::Features(_) => None,
        }
    }

    /// The value of every key of [`ModelKind::generate_specs`], in its order.
    pub fn values(&self) -> Vec<f64> {
        match *self {
            Recipe::Line(g) => vec![g.n as f64, g.w, g.b, g.noise, g.seed as f64],
            Recipe::Features(g) => vec![
                g.n as f64,
                g.rho,
                g.scale,
                g.w1,
                g.w2,
                g.noise,
                g.seed as f64,
            ],
        }
    }
}

/// Rows of (x, y) or (x1, x2, y), and how they came to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// x, or the first feature x1.
    pub x: Vec<f64>,
    /// The second feature x2; empty for a one-feature dataset.
    pub x2: Vec<f64>,
    /// The target of each row (0 or 1 for logistic regression).
    pub y: Vec<f64>,
    /// Two features only: whether the model fits them rescaled to mean 0
    /// and variance 1 (the population variance, dividing by n).
    pub standardize: bool,
    /// Two features only: each row's (x1, x2) as the model fits them,
    /// standardized or not; empty for a one-feature dataset.
    pub fitted: Vec<[f64; 2]>,
    /// `Some` when the rows were generated (and so are described by it).
    pub generated: Option<Recipe>,
    /// A hash of every bit of the rows (and of `standardize`), to tell
    /// datasets apart cheaply.
    pub fingerprint: u64,
}

fn fingerprint(columns: &[&[f64]], standardize: bool) -> u64 {
    // FNV-1a over the bits of every value.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in columns.iter().flat_map(|c| c.iter()) {
        for byte in v.to_bits().to_le_bytes() {
            h ^= byte as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let rows = columns.first().map_or(0, |c| c.len()) as u64;
    h ^ rows ^ ((columns.len() as u64) << 32) ^ ((standardize as u64) << 48)
}

/// A column's mean and population standard deviation (dividing by n), the
/// mean first and the deviations from it squared after, in row order.
pub fn mean_and_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, libm::sqrt(var))
}

/// Whether a column is the same number in every row (to rounding), so that it
/// cannot be rescaled to variance 1.
fn is_constant(v: &[f64]) -> bool {
    let (_, std) = mean_and_std(v);
    let largest = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    std <= 1e-10 * largest
}

impl Dataset {
    /// One-feature rows as given (already validated).
    pub fn given(x: Vec<f64>, y: Vec<f64>) -> Dataset {
        let fingerprint = fingerprint(&[&x, &y], false);
        Dataset {
            x,
            x2: Vec::new(),
            y,
            standardize: false,
            fitted: Vec::new(),
            generated: None,
            fingerprint,
        }
    }

    /// Two-feature rows as given (already validated), fitted as they are.
    pub fn given_2d(x1: Vec<f64>, x2: Vec<f64>, y: Vec<f64>) -> Dataset {
        let fitted = x1.iter().zip(&x2).map(|(&a, &b)| [a, b]).collect();
        let fingerprint = fingerprint(&[&x1, &x2, &y], false);
        Dataset {
            x: x1,
            x2,
            y,
            standardize: false,
            fitted,
            generated: None,
            fingerprint,
        }
    }

    /// Draws a one-feature dataset for `kind` (linear or logistic).
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
                ModelKind::Logistic => (latent > 0.0) as u8 as f64,
                _ => latent,
            });
        }
        Dataset {
            generated: Some(Recipe::Line(g)),
            ..Dataset::given(x, y)
        }
    }

    /// Draws a two-feature dataset (see [`Generate2d`]).
    pub fn generate_2d(g: Generate2d) -> Dataset {
        let mut rng = Rng::new(g.seed as u64, 0x00da_7a2d);
        let n = g.n as usize;
        let (mut x1, mut x2, mut y) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let rest = libm::sqrt((1.0 - g.rho * g.rho).max(0.0));
        for _ in 0..n {
            let a = rng.normal();
            let z = rng.normal();
            let b = g.scale * (g.rho * a + rest * z);
            let e = rng.normal();
            x1.push(a);
            x2.push(b);
            y.push(g.w1 * a + g.w2 * b + g.noise * e);
        }
        Dataset {
            generated: Some(Recipe::Features(g)),
            ..Dataset::given_2d(x1, x2, y)
        }
    }

    /// The same rows with the two features fitted standardized (mean 0,
    /// population variance 1), or the name of a feature that is the same in
    /// every row and so cannot be.
    pub fn standardized(self) -> Result<Dataset, &'static str> {
        if self.x2.is_empty() {
            return Ok(self);
        }
        for (name, col) in [("x1", &self.x), ("x2", &self.x2)] {
            if is_constant(col) {
                return Err(name);
            }
        }
        let (m1, s1) = mean_and_std(&self.x);
        let (m2, s2) = mean_and_std(&self.x2);
        let fitted = self
            .x
            .iter()
            .zip(&self.x2)
            .map(|(a, b)| [(a - m1) / s1, (b - m2) / s2])
            .collect();
        let fingerprint = fingerprint(&[&self.x, &self.x2, &self.y], true);
        Ok(Dataset {
            standardize: true,
            fitted,
            fingerprint,
            ..self
        })
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// 1 for rows of (x, y), 2 for rows of (x1, x2, y).
    pub fn features(&self) -> usize {
        if self.x2.is_empty() {
            1
        } else {
            2
        }
    }

    /// The rows in the experiment's JSON form: `{"x": [x, …], "y": […]}`, or
    /// `{"x": [[x1, x2], …], "y": […]}` for two features.
    pub fn rows_json(&self) -> serde_json::Value {
        if self.x2.is_empty() {
            serde_json::json!({"x": self.x, "y": self.y})
        } else {
            let x: Vec<[f64; 2]> = self.x.iter().zip(&self.x2).map(|(&a, &b)| [a, b]).collect();
            serde_json::json!({"x": x, "y": self.y})
        }
    }
}

/// Reads rows typed or pasted by a user: `x,y` for linear and logistic
/// regression, `x1,x2,y` for two-feature least squares. Commas, semicolons,
/// tabs or spaces separate the numbers; blank lines and lines starting with
/// `#` are skipped, and so is a header line of names before the first row.
/// Errors name the line (`line 7: …`).
pub fn parse_csv(text: &str, kind: ModelKind) -> Result<Dataset, ConfigError> {
    let width = kind.features() + 1;
    let shape = if width == 2 { "x,y" } else { "x1,x2,y" };
    let mut cols: [Vec<f64>; 3] = Default::default();
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
        let numbers: Option<Vec<f64>> = parts
            .iter()
            .map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        let first = !seen_line;
        seen_line = true;
        match numbers {
            Some(row) if row.len() == width => {
                if row.iter().any(|v| v.abs() > MAX_VALUE) {
                    let names = if width == 2 {
                        "x and y"
                    } else {
                        "x1, x2 and y"
                    };
                    return Err(ConfigError::new(
                        field,
                        format!("{names} must lie within ±{MAX_VALUE}; rescale the data (say, to thousands)"),
                    ));
                }
                let y = row[width - 1];
                if kind == ModelKind::Logistic && y != 0.0 && y != 1.0 {
                    return Err(ConfigError::new(
                        field,
                        format!(
                            "y must be 0 or 1 for logistic regression, got {}",
                            parts[width - 1]
                        ),
                    ));
                }
                if cols[0].len() == MAX_ROWS {
                    return Err(ConfigError::new(
                        field,
                        format!("a dataset has at most {MAX_ROWS} rows"),
                    ));
                }
                for (col, v) in cols.iter_mut().zip(row) {
                    col.push(v);
                }
            }
            // A header such as "x,y" or "hours, passed" before the first row.
            _ if first
                && parts.len() == width
                && parts
                    .iter()
                    .all(|p| p.chars().any(|c| c.is_alphabetic()) && p.parse::<f64>().is_err()) => {
            }
            _ => {
                let count = if width == 2 { "two" } else { "three" };
                return Err(ConfigError::new(
                    field,
                    format!(
                        "expected {count} finite numbers {shape}, got \"{}\"",
                        shorten(line, 40)
                    ),
                ));
            }
        }
    }
    if cols[0].len() < 2 {
        return Err(ConfigError::new(
            "data",
            format!("needs at least 2 rows of {shape}, got {}", cols[0].len()),
        ));
    }
    let [a, b, c] = cols;
    Ok(if width == 2 {
        Dataset::given(a, b)
    } else {
        Dataset::given_2d(a, b, c)
    })
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The window the data panel shows, with a margin: x against y (y from 0 to
/// 1 for logistic regression), or for two features the actual y against
/// the predicted y, both over the range of y.
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
    match kind {
        ModelKind::LeastSquares2d => {
            let y = pad(range(&d.y));
            View { x: y, y }
        }
        _ => View {
            x: pad(range(&d.x)),
            y: pad(match kind {
                ModelKind::Logistic => (0.0, 1.0),
                _ => range(&d.y),
            }),
        },
    }
}

/// Where a model's loss is lowest, or why it has no lowest point.
#[derive(Debug, Clone, PartialEq)]
pub enum Fit {
    /// The loss's lowest point.
    Minimum(Minimum),
    /// The loss has no minimum; the reason, in a sentence.
    None(&'static str),
}

/// Sums the data needs for linear regression in closed form (centered, so the
/// surface can be evaluated in O(1) without cancellation).
#[derive(Debug, Clone, Copy, Default)]
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

/// The means two-feature least squares needs in closed form: the Gram
/// matrix S = XᵀX/n of the fitted features, r = Xᵀy/n and the mean of y².
/// The loss is θᵀSθ − 2θᵀr + yy; its Hessian 2S.
#[derive(Debug, Clone, Copy, Default)]
struct Gram {
    s11: f64,
    s12: f64,
    s22: f64,
    r1: f64,
    r2: f64,
    yy: f64,
}

impl Gram {
    fn of(d: &Dataset) -> Gram {
        let n = d.len() as f64;
        let mut g = Gram::default();
        for (&[a, b], &y) in d.fitted.iter().zip(&d.y) {
            g.s11 += a * a;
            g.s12 += a * b;
            g.s22 += b * b;
            g.r1 += a * y;
            g.r2 += b * y;
            g.yy += y * y;
        }
        Gram {
            s11: g.s11 / n,
            s12: g.s12 / n,
            s22: g.s22 / n,
            r1: g.r1 / n,
            r2: g.r2 / n,
            yy: g.yy / n,
        }
    }
}

/// A model over a dataset, with an optional L2 term `l2·(θ₁² + θ₂²)`
/// (`l2·(w² + b²)`, or `l2·(w1² + w2²)`).
pub struct DataModel {
    /// Which model is fitted.
    pub kind: ModelKind,
    /// The rows it is fitted to, shared with the experiment.
    pub data: Arc<Dataset>,
    /// The factor of the L2 term (0 for none).
    pub l2: f64,
    moments: Moments,
    gram: Gram,
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
    /// The model `kind` over `data`, which has `kind.features()` features.
    pub fn new(kind: ModelKind, data: Arc<Dataset>, l2: f64) -> DataModel {
        assert_eq!(
            data.features(),
            kind.features(),
            "a {} needs rows with {} feature(s)",
            kind.title(),
            kind.features()
        );
        let (moments, gram) = match kind {
            ModelKind::LeastSquares2d => (Moments::default(), Gram::of(&data)),
            _ => (Moments::of(&data), Gram::default()),
        };
        let mut m = DataModel {
            kind,
            data,
            l2,
            moments,
            gram,
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

    /// Row i's features φ, so that z = θ·φ: (x, 1), or the fitted (x1, x2).
    #[inline]
    fn phi(&self, i: usize) -> [f64; 2] {
        match self.kind {
            ModelKind::LeastSquares2d => self.data.fitted[i],
            _ => [self.data.x[i], 1.0],
        }
    }

    /// The model's output z = θ·φ for row i.
    #[inline]
    pub fn z(&self, p: [f64; 2], i: usize) -> f64 {
        let f = self.phi(i);
        p[0] * f[0] + p[1] * f[1]
    }

    fn row_loss(&self, p: [f64; 2], i: usize) -> f64 {
        let z = self.z(p, i);
        match self.kind {
            ModelKind::Logistic => softplus(z) - self.data.y[i] * z,
            _ => {
                let r = z - self.data.y[i];
                r * r
            }
        }
    }

    /// ∂(row loss)/∂z.
    fn row_slope(&self, z: f64, i: usize) -> f64 {
        match self.kind {
            ModelKind::Logistic => sigmoid(z) - self.data.y[i],
            _ => 2.0 * (z - self.data.y[i]),
        }
    }

    /// ∂²(row loss)/∂z².
    fn row_curvature(&self, z: f64) -> f64 {
        match self.kind {
            ModelKind::Logistic => sigmoid_slope(z),
            _ => 2.0,
        }
    }

    /// The mean loss over `rows`, plus the L2 term.
    pub fn batch_value(&self, p: [f64; 2], rows: impl ExactSizeIterator<Item = usize>) -> f64 {
        let n = rows.len() as f64;
        let sum: f64 = rows.map(|i| self.row_loss(p, i)).sum();
        sum / n + self.l2 * (p[0] * p[0] + p[1] * p[1])
    }

    /// The gradient of [`DataModel::batch_value`]: the mean over `rows` of
    /// the row's slope in z times φ, plus 2·l2·θ. Rows are summed in the
    /// order given.
    pub fn batch_grad(&self, p: [f64; 2], rows: impl ExactSizeIterator<Item = usize>) -> [f64; 2] {
        let n = rows.len() as f64;
        let (mut g0, mut g1) = (0.0, 0.0);
        for i in rows {
            let f = self.phi(i);
            let s = self.row_slope(p[0] * f[0] + p[1] * f[1], i);
            g0 += s * f[0];
            g1 += s * f[1];
        }
        [g0 / n + 2.0 * self.l2 * p[0], g1 / n + 2.0 * self.l2 * p[1]]
    }

    /// The Hessian of [`DataModel::batch_value`]: the mean over `rows` of
    /// the row's curvature in z times φφᵀ, plus 2·l2 on the diagonal (for
    /// least squares (2/n)ΦᵀΦ + 2·l2·I, the same at every θ).
    pub fn batch_hessian(
        &self,
        p: [f64; 2],
        rows: impl ExactSizeIterator<Item = usize>,
    ) -> [[f64; 2]; 2] {
        let n = rows.len() as f64;
        let (mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0);
        for i in rows {
            let f = self.phi(i);
            let c = self.row_curvature(p[0] * f[0] + p[1] * f[1]);
            h00 += c * f[0] * f[0];
            h01 += c * f[0] * f[1];
            h11 += c * f[1] * f[1];
        }
        let d = 2.0 * self.l2;
        [[h00 / n + d, h01 / n], [h01 / n, h11 / n + d]]
    }

    fn solve(&mut self) -> Fit {
        match self.kind {
            ModelKind::Linear => self.solve_linear(),
            ModelKind::Logistic => self.solve_logistic(),
            ModelKind::LeastSquares2d => self.solve_2d(),
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

    /// The normal equations of two-feature least squares,
    /// (XᵀX/n + l2·I) w = Xᵀy/n, by Cramer's rule; without an L2 term they
    /// have no single solution when a feature is 0 in every row or the two
    /// are collinear (their Gram determinant vanishes against its diagonal).
    fn solve_2d(&self) -> Fit {
        let g = self.gram;
        let (a, b, d) = (g.s11 + self.l2, g.s12, g.s22 + self.l2);
        let det = a * d - b * b;
        if self.l2 == 0.0 {
            if g.s11 == 0.0 {
                return Fit::None(
                    "x1 is 0 in every row, so w1 changes nothing and a whole line of (w1, w2) fits equally well",
                );
            }
            if g.s22 == 0.0 {
                return Fit::None(
                    "x2 is 0 in every row, so w2 changes nothing and a whole line of (w1, w2) fits equally well",
                );
            }
            if det <= 1e-12 * a * d {
                return Fit::None(
                    "the two features are collinear (x2 is a fixed multiple of x1), so a whole line of (w1, w2) fits equally well",
                );
            }
        }
        let point = [(g.r1 * d - b * g.r2) / det, (a * g.r2 - b * g.r1) / det];
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

    /// For drawing, in O(1): linear regression's loss from the data's
    /// moments, two-feature least squares' from its Gram matrix (about its
    /// minimum when it has one, so the floor keeps its digits).
    fn sample(&self, p: [f64; 2]) -> f64 {
        match self.kind {
            ModelKind::Linear => {
                let m = self.moments;
                let c = p[0] * m.mean_x + p[1] - m.mean_y;
                let centered = (p[0] * p[0] * m.vxx - 2.0 * p[0] * m.vxy + m.vyy).max(0.0);
                centered + c * c + self.l2 * (p[0] * p[0] + p[1] * p[1])
            }
            ModelKind::Logistic => self.value(p),
            ModelKind::LeastSquares2d => {
                let g = self.gram;
                let (a, b, d) = (g.s11 + self.l2, g.s12, g.s22 + self.l2);
                let form = |u: f64, v: f64| a * u * u + 2.0 * b * u * v + d * v * v;
                match &self.fit {
                    Fit::Minimum(m) => {
                        let (u, v) = (p[0] - m.point[0], p[1] - m.point[1]);
                        form(u, v).max(0.0) + m.value
                    }
                    Fit::None(_) => {
                        (form(p[0], p[1]) - 2.0 * (p[0] * g.r1 + p[1] * g.r2) + g.yy).max(0.0)
                    }
                }
            }
        }
    }

    fn cost(&self) -> usize {
        match self.kind {
            ModelKind::Linear | ModelKind::LeastSquares2d => 1,
            ModelKind::Logistic => self.data.len(),
        }
    }

    /// A square around the minimum (or the origin) that holds the origin.
    fn view(&self) -> View {
        let c = match &self.fit {
            Fit::Minimum(m) => m.point,
            Fit::None(_) => match self.kind {
                ModelKind::Linear => [0.0, self.moments.mean_y],
                ModelKind::LeastSquares2d => [0.0, 0.0],
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
        let d = parse_csv(
            "hours, passed\n1, 0\n\n# a note\n2;1\n3\t1\n",
            ModelKind::Logistic,
        )
        .unwrap();
        assert_eq!(d.x, [1.0, 2.0, 3.0]);
        assert_eq!(d.y, [0.0, 1.0, 1.0]);
        assert!(d.x2.is_empty());
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

    fn model_2d(data: Dataset, l2: f64) -> DataModel {
        DataModel::new(ModelKind::LeastSquares2d, Arc::new(data), l2)
    }

    #[test]
    fn two_features_fit_the_normal_equations() {
        // Without noise the generating weights fit exactly.
        let g = Generate2d {
            noise: 0.0,
            ..Generate2d::default()
        };
        let m = model_2d(Dataset::generate_2d(g), 0.0);
        let Fit::Minimum(min) = m.fit() else {
            panic!("{:?}", m.fit())
        };
        assert!((min.point[0] - g.w1).abs() < 1e-12, "{min:?}");
        assert!((min.point[1] - g.w2).abs() < 1e-12, "{min:?}");
        assert!(min.value < 1e-24, "{min:?}");
        // With noise and an L2 term the gradient vanishes there, and the
        // solution is that of (XᵀX/n + l2·I) w = Xᵀy/n written out.
        let d = Dataset::given_2d(
            vec![1.0, 2.0, -1.0, 0.5],
            vec![0.5, -1.0, 2.0, 3.0],
            vec![1.0, 0.0, 2.0, -1.0],
        );
        for l2 in [0.0, 0.25] {
            let m = model_2d(d.clone(), l2);
            let Fit::Minimum(min) = m.fit() else { panic!() };
            let g = m.grad(min.point);
            assert!(g[0].hypot(g[1]) < 1e-13, "{g:?}");
            // XᵀX/n = [[6.25, -2], [-2, 14.25]] / 4, Xᵀy/n = [-1.5, 1.5] / 4.
            let (a, b, c) = (6.25 / 4.0 + l2, -2.0 / 4.0, 14.25 / 4.0 + l2);
            let (r1, r2) = (-1.5 / 4.0, 1.5 / 4.0);
            let det = a * c - b * b;
            let want = [(r1 * c - b * r2) / det, (a * r2 - b * r1) / det];
            assert!((min.point[0] - want[0]).abs() < 1e-14, "{min:?} {want:?}");
            assert!((min.point[1] - want[1]).abs() < 1e-14, "{min:?} {want:?}");
        }
    }

    #[test]
    fn collinear_features_have_no_single_minimum_and_say_why() {
        // x2 = −3 x1 in every row, given or generated with rho = −1.
        let x1 = vec![1.0, 2.0, -0.5, 4.0];
        let x2: Vec<f64> = x1.iter().map(|x| -3.0 * x).collect();
        let m = model_2d(
            Dataset::given_2d(x1.clone(), x2, vec![1.0, 2.0, 0.0, 3.0]),
            0.0,
        );
        assert!(
            matches!(m.fit(), Fit::None(why) if why.contains("collinear")),
            "{:?}",
            m.fit()
        );
        assert!(m.minima().is_empty());
        let g = Generate2d {
            rho: -1.0,
            ..Generate2d::default()
        };
        let m = model_2d(Dataset::generate_2d(g), 0.0);
        assert!(
            matches!(m.fit(), Fit::None(why) if why.contains("collinear")),
            "{:?}",
            m.fit()
        );
        // A feature that is 0 throughout is named.
        let m = model_2d(Dataset::given_2d(x1, vec![0.0; 4], vec![1.0; 4]), 0.0);
        assert!(
            matches!(m.fit(), Fit::None(why) if why.starts_with("x2 is 0")),
            "{:?}",
            m.fit()
        );
        // An L2 term gives collinear data a minimum, where the gradient vanishes.
        let m = model_2d(Dataset::generate_2d(g), 0.1);
        let Fit::Minimum(min) = m.fit() else { panic!() };
        let g = m.grad(min.point);
        assert!(g[0].hypot(g[1]) < 1e-12, "{g:?}");
    }

    #[test]
    fn standardizing_gives_mean_0_and_population_variance_1() {
        let g = Generate2d {
            n: 257,
            scale: 40.0,
            ..Generate2d::default()
        };
        let d = Dataset::generate_2d(g).standardized().unwrap();
        assert!(d.standardize);
        let n = d.len() as f64;
        for j in 0..2 {
            let col: Vec<f64> = d.fitted.iter().map(|f| f[j]).collect();
            let mean = col.iter().sum::<f64>() / n;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            assert!(mean.abs() < 1e-15, "feature {j}: mean {mean}");
            assert!((var - 1.0).abs() < 1e-14, "feature {j}: variance {var}");
        }
        // The rows themselves stay as drawn, and the surface is a new one.
        let raw = Dataset::generate_2d(g);
        assert_eq!((&d.x, &d.x2, &d.y), (&raw.x, &raw.x2, &raw.y));
        assert_ne!(d.fingerprint, raw.fingerprint);
        // So the Hessian's diagonal is 2, its off-diagonal 2·corr(x1, x2).
        let h = model_2d(d, 0.0).hessian([0.3, -0.2]);
        assert!(
            (h[0][0] - 2.0).abs() < 1e-13 && (h[1][1] - 2.0).abs() < 1e-13,
            "{h:?}"
        );
        assert!((h[0][1] - 2.0 * g.rho).abs() < 0.15, "{h:?}");
        // A feature that never changes cannot be rescaled.
        let flat = Dataset::given_2d(vec![0.1; 3], vec![1.0, 2.0, 3.0], vec![0.0; 3]);
        assert_eq!(flat.standardized().unwrap_err(), "x1");
    }

    #[test]
    fn generated_features_have_the_stated_scale_and_correlation() {
        let g = Generate2d {
            n: 5000,
            rho: 0.6,
            scale: 7.0,
            ..Generate2d::default()
        };
        let d = Dataset::generate_2d(g);
        let (m1, s1) = mean_and_std(&d.x);
        let (m2, s2) = mean_and_std(&d.x2);
        let n = d.len() as f64;
        let cov =
            d.x.iter()
                .zip(&d.x2)
                .map(|(a, b)| (a - m1) * (b - m2))
                .sum::<f64>()
                / n;
        assert!(
            (s1 - 1.0).abs() < 0.05 && (s2 - 7.0).abs() < 0.35,
            "{s1} {s2}"
        );
        assert!((cov / (s1 * s2) - 0.6).abs() < 0.05, "{}", cov / (s1 * s2));
        assert_eq!(
            d,
            Dataset::generate_2d(g),
            "the same seed draws the same rows"
        );
    }

    #[test]
    fn the_2d_closed_form_surface_equals_the_row_sum() {
        let collinear = Generate2d {
            rho: 1.0,
            ..Generate2d::default()
        };
        for (d, l2) in [
            (Dataset::generate_2d(Generate2d::default()), 0.0),
            (
                Dataset::generate_2d(Generate2d::default())
                    .standardized()
                    .unwrap(),
                0.05,
            ),
            (Dataset::generate_2d(collinear), 0.0),
        ] {
            let m = model_2d(d, l2);
            for p in [[0.0, 0.0], [3.0, -2.0], [-1.0, 4.0], [1.0, 0.5]] {
                let (a, b) = (m.value(p), m.sample(p));
                assert!((a - b).abs() < 1e-12 * a.max(1.0), "{p:?}: {a} {b}");
            }
        }
    }

    #[test]
    fn pasted_rows_of_two_features_are_read_and_bad_lines_named() {
        let d = parse_csv(
            "x1, x2, y\n1, 2, 3\n# a note\n\n4;5;6\n7\t8\t9\n",
            ModelKind::LeastSquares2d,
        )
        .unwrap();
        assert_eq!(
            (d.x.as_slice(), d.x2.as_slice()),
            ([1.0, 4.0, 7.0].as_slice(), [2.0, 5.0, 8.0].as_slice())
        );
        assert_eq!(d.y, [3.0, 6.0, 9.0]);
        assert_eq!(d.fitted, [[1.0, 2.0], [4.0, 5.0], [7.0, 8.0]]);
        let e = parse_csv("1,2,3\n4,5\n", ModelKind::LeastSquares2d).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: expected three finite numbers x1,x2,y, got \"4,5\""
        );
        let e = parse_csv("1,2,3\n4,5,6\n7,8,1e5\n", ModelKind::LeastSquares2d).unwrap_err();
        assert_eq!(e.field, "line 3");
        assert!(e.message.starts_with("x1, x2 and y must lie within"), "{e}");
        let e = parse_csv("1,2\n3,4\n", ModelKind::LeastSquares2d).unwrap_err();
        assert_eq!(e.field, "line 1");
        let e = parse_csv("1,2,3\n", ModelKind::LeastSquares2d).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data: needs at least 2 rows of x1,x2,y, got 1"
        );
    }
}
