//! The network: `Linear(2, h1), [BatchNorm1d(h1)], act, …, Linear(h_last, 1)`
//! with its parameters in one flat vector in `model.parameters()` order, and
//! one training-mode pass over a batch of rows: the loss, the accuracy, and
//! the gradient by backpropagation, each in the order torch computes it.

use optiviz_optim::{norm, Shape};
use serde::Serialize;

/// The nonlinearity after each hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `nn.ReLU`: max(z, 0).
    Relu,
    /// `nn.Tanh`.
    Tanh,
    /// `nn.Sigmoid`: 1 / (1 + e⁻ᶻ).
    Sigmoid,
}

impl Activation {
    /// Every activation, in the order the page lists them.
    pub const ALL: [Activation; 3] = [Activation::Relu, Activation::Tanh, Activation::Sigmoid];

    /// The key in experiments.
    pub fn key(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
        }
    }

    /// The activation whose [`Activation::key`] is `key`.
    pub fn parse(key: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.key() == key)
    }

    pub(super) fn apply(self, z: f64) -> f64 {
        match self {
            // torch's relu keeps a NaN.
            Activation::Relu => {
                if z > 0.0 || z.is_nan() {
                    z
                } else {
                    0.0
                }
            }
            Activation::Tanh => tanh(z),
            Activation::Sigmoid => 1.0 / (1.0 + libm::exp(-z)),
        }
    }

    /// The derivative at a point whose output is `y`, as torch's backward
    /// computes it from the output alone.
    fn slope(self, y: f64) -> f64 {
        match self {
            Activation::Relu => {
                if y > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Tanh => 1.0 - y * y,
            Activation::Sigmoid => (1.0 - y) * y,
        }
    }
}

/// tanh to within about an ulp, from one exponential: libm's tanh goes
/// through expm1, which in WebAssembly costs several exponentials' time, and
/// a network's training takes one tanh per unit and row at every step. Near 0
/// (|z| < 0.625) it is z + z³·P(z²)/Q(z²), the rational form and
/// coefficients of Cephes' tanh (relative error about 2e-16); beyond, 1 −
/// 2/(e^2|z| + 1) with z's sign; past 20, ±1 (as the exact value rounds).
pub fn tanh(z: f64) -> f64 {
    const P: [f64; 3] = [
        -9.643_991_794_250_522e-1,
        -9.928_772_310_019_186e1,
        -1.614_687_684_417_084_5e3,
    ];
    const Q: [f64; 3] = [
        1.128_116_784_916_329_3e2,
        2.235_488_390_601_004_6e3,
        4.844_063_053_251_255e3,
    ];
    let a = z.abs();
    if a > 20.0 {
        return 1.0f64.copysign(z);
    }
    if a >= 0.625 {
        let s = libm::exp(2.0 * a);
        return (1.0 - 2.0 / (s + 1.0)).copysign(z);
    }
    if z == 0.0 {
        return z;
    }
    let s = z * z;
    let p = (P[0] * s + P[1]) * s + P[2];
    let q = ((s + Q[0]) * s + Q[1]) * s + Q[2];
    z + z * s * (p / q)
}

/// What the single output predicts, and the loss that says how well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// A logit for y ∈ {0, 1}; `BCEWithLogitsLoss`, the mean over rows.
    Classification,
    /// y itself; `MSELoss`, the mean over rows.
    Regression,
}

impl Task {
    /// The key in experiments: `"classification"` or `"regression"`.
    pub fn key(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }

    /// The task whose [`Task::key`] is `key`.
    pub fn parse(key: &str) -> Option<Task> {
        [Task::Classification, Task::Regression]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// A network's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Architecture {
    /// The width of each hidden layer, input side first.
    pub hidden: Vec<usize>,
    /// The nonlinearity after each hidden layer.
    pub activation: Activation,
    /// A `BatchNorm1d` after each hidden `Linear` (which then has no bias).
    pub batch_norm: bool,
    /// What the output predicts, and so the loss.
    pub task: Task,
}

/// BatchNorm1d's ε.
const BN_EPS: f64 = 1e-5;

/// Where one `Linear` layer (and its batch norm) sit in the flat parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layer {
    /// Its inputs (`in_features`).
    pub fan_in: usize,
    /// Its outputs (`out_features`).
    pub fan_out: usize,
    /// Offset of the weight, `fan_out` rows of `fan_in`.
    pub weight: usize,
    /// Offset of the bias; none before a batch norm.
    pub bias: Option<usize>,
    /// Offset of the batch norm's weight γ; its bias β follows it.
    pub norm: Option<usize>,
}

/// An architecture laid out over a flat parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The shape it lays out.
    pub arch: Architecture,
    /// Every `Linear`, the output layer last.
    pub layers: Vec<Layer>,
    /// How many parameters.
    pub count: usize,
}

/// What one pass over a batch found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eval {
    /// The task's loss, the mean over the batch's rows.
    pub loss: f64,
    /// Classification: the share of rows with `(logit > 0) == y`.
    pub accuracy: Option<f64>,
}

/// Buffers one pass reuses, so that training allocates once.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    /// The batch's inputs, unit by unit (every row's x1, then every x2).
    x: Vec<f64>,
    /// Per layer, the rows' `Linear` outputs, unit by unit (`n` a unit).
    z: Vec<Vec<f64>>,
    /// Per hidden layer, the rows' activations.
    a: Vec<Vec<f64>>,
    /// Per hidden layer with a batch norm: the batch mean and 1/σ per unit.
    mean: Vec<Vec<f64>>,
    invstd: Vec<Vec<f64>>,
    /// The gradient flowing back: with respect to a layer's output, then input.
    up: Vec<f64>,
    down: Vec<f64>,
}

impl Network {
    /// `arch` laid out in `model.parameters()` order: each `Linear`'s weight
    /// and bias, or with a batch norm its weight and then the norm's γ and β.
    pub fn new(arch: Architecture) -> Network {
        let mut layers = Vec::with_capacity(arch.hidden.len() + 1);
        let mut at = 0;
        let mut fan_in = 2;
        for (i, &width) in arch.hidden.iter().chain(&[1]).enumerate() {
            let hidden = i < arch.hidden.len();
            let norm = hidden && arch.batch_norm;
            let weight = at;
            at += width * fan_in;
            let bias = (!norm).then(|| {
                at += width;
                at - width
            });
            let norm = norm.then(|| {
                at += 2 * width;
                at - 2 * width
            });
            layers.push(Layer {
                fan_in,
                fan_out: width,
                weight,
                bias,
                norm,
            });
            fan_in = width;
        }
        Network {
            arch,
            layers,
            count: at,
        }
    }

    /// The names of the parameter tensors in order, with their offsets and
    /// sizes (`0.weight`, `0.bias`, `1.weight` for a batch norm…), numbered as
    /// torch's `nn.Sequential` numbers its modules.
    pub fn tensors(&self) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut module = 0;
        for l in &self.layers {
            out.push((format!("{module}.weight"), l.weight, l.fan_in * l.fan_out));
            if let Some(b) = l.bias {
                out.push((format!("{module}.bias"), b, l.fan_out));
            }
            module += 1;
            if let Some(n) = l.norm {
                out.push((format!("{module}.weight"), n, l.fan_out));
                out.push((format!("{module}.bias"), n + l.fan_out, l.fan_out));
                module += 1;
            }
            // The activation is a module too.
            module += 1;
        }
        out
    }

    /// The shapes of the parameter tensors in order, as torch's optimizers
    /// see them: each `Linear`'s weight a matrix (out × in), a bias and a
    /// batch norm's weight and bias vectors.
    pub fn shapes(&self) -> Vec<Shape> {
        let mut out = Vec::new();
        for l in &self.layers {
            out.push(Shape::Matrix(l.fan_out, l.fan_in));
            if l.bias.is_some() {
                out.push(Shape::Vector(l.fan_out));
            }
            if l.norm.is_some() {
                out.extend([Shape::Vector(l.fan_out); 2]);
            }
        }
        out
    }

    /// The loss (and accuracy) on the rows `rows` of `x`, `y` at `params`,
    /// in training mode (a batch norm normalizes with the batch's own
    /// statistics); with `grad`, its gradient is written there.
    pub fn pass(
        &self,
        params: &[f64],
        (x, y): (&[[f64; 2]], &[f64]),
        rows: &[usize],
        grad: Option<&mut [f64]>,
        ws: &mut Workspace,
    ) -> Eval {
        let n = rows.len();
        let depth = self.layers.len();
        ws.z.resize_with(depth, Vec::new);
        ws.a.resize_with(depth - 1, Vec::new);
        ws.mean.resize_with(depth - 1, Vec::new);
        ws.invstd.resize_with(depth - 1, Vec::new);
        let act = self.arch.activation;
        // Every buffer holds a layer unit by unit, each unit's value for
        // every row in one run of memory (unit j of row i at j·n + i): each
        // weight then scales a whole run, and every sum still runs in the
        // order torch's does (over inputs for a unit, over rows for a weight).
        ws.x.clear();
        ws.x.extend(rows.iter().map(|&r| x[r][0]));
        ws.x.extend(rows.iter().map(|&r| x[r][1]));

        // Forward.
        for (l, layer) in self.layers.iter().enumerate() {
            let (w, width, fan_in) = (layer.weight, layer.fan_out, layer.fan_in);
            let mut z = std::mem::take(&mut ws.z[l]);
            z.clear();
            z.resize(n * width, 0.0);
            let input: &[f64] = if l == 0 { &ws.x } else { &ws.a[l - 1] };
            for (j, unit) in z.chunks_exact_mut(n).enumerate() {
                let weights = &params[w + j * fan_in..w + (j + 1) * fan_in];
                for (&weight, column) in weights.iter().zip(input.chunks_exact(n)) {
                    for (s, &v) in unit.iter_mut().zip(column) {
                        *s += v * weight;
                    }
                }
                if let Some(b) = layer.bias {
                    let bias = params[b + j];
                    unit.iter_mut().for_each(|s| *s += bias);
                }
            }
            if l + 1 < depth {
                let mut a = std::mem::take(&mut ws.a[l]);
                a.clear();
                a.resize(n * width, 0.0);
                match layer.norm {
                    Some(g) => {
                        let (mean, invstd) = (&mut ws.mean[l], &mut ws.invstd[l]);
                        mean.clear();
                        invstd.clear();
                        for (j, (unit, out)) in
                            z.chunks_exact(n).zip(a.chunks_exact_mut(n)).enumerate()
                        {
                            let (m, s) = batch_stats(unit, 1, 0, n);
                            mean.push(m);
                            invstd.push(s);
                            // torch applies it as x·α + β with α = γ/σ, β = b − μα.
                            let alpha = s * params[g + j];
                            let beta = params[g + width + j] - m * alpha;
                            for (a, &z) in out.iter_mut().zip(unit) {
                                *a = act.apply(z * alpha + beta);
                            }
                        }
                    }
                    None => {
                        for (a, &z) in a.iter_mut().zip(&z) {
                            *a = act.apply(z);
                        }
                    }
                }
                ws.a[l] = a;
            }
            ws.z[l] = z;
        }

        // The loss, and its derivative with respect to each row's output.
        let out = &ws.z[depth - 1];
        let mut total = 0.0;
        let mut right = 0usize;
        ws.up.clear();
        ws.up.resize(n, 0.0);
        for i in 0..n {
            let (o, t) = (out[i], y[rows[i]]);
            match self.arch.task {
                Task::Classification => {
                    let e = libm::exp(-o.abs());
                    total += bce(o, t, e);
                    // torch's own backward of the loss: (σ(o) − t)/n, with
                    // σ(o) = 1/(1 + e^−o); for o ≥ 0, e^−o is e already.
                    let sigmoid = 1.0 / (1.0 + if o >= 0.0 { e } else { libm::exp(-o) });
                    ws.up[i] = (sigmoid - t) / n as f64;
                    right += usize::from((o > 0.0) == (t > 0.5));
                }
                Task::Regression => {
                    total += squared_error(o, t);
                    ws.up[i] = 2.0 / n as f64 * (o - t);
                }
            }
        }
        let eval = Eval {
            loss: total / n as f64,
            accuracy: (self.arch.task == Task::Classification).then(|| right as f64 / n as f64),
        };

        // Backward.
        let Some(grad) = grad else { return eval };
        grad.fill(0.0);
        for l in (0..depth).rev() {
            let layer = self.layers[l];
            let (w, width, fan_in) = (layer.weight, layer.fan_out, layer.fan_in);
            // ws.up: the loss's gradient with respect to this layer's output
            // (after its batch norm and activation for a hidden layer).
            if l + 1 < depth {
                let a = &ws.a[l];
                for (u, &a) in ws.up.iter_mut().zip(a) {
                    *u *= act.slope(a);
                }
                if let Some(g) = layer.norm {
                    let z = &ws.z[l];
                    for (j, (unit, up)) in
                        z.chunks_exact(n).zip(ws.up.chunks_exact_mut(n)).enumerate()
                    {
                        let (m, s) = (ws.mean[l][j], ws.invstd[l][j]);
                        let (mut sum, mut dotp) = (0.0, 0.0);
                        for (&z, &dy) in unit.iter().zip(up.iter()) {
                            sum += dy;
                            dotp += (z - m) * dy;
                        }
                        grad[g + j] = dotp * s;
                        grad[g + width + j] = sum;
                        let k = dotp * s * s / n as f64;
                        let grad_mean = sum / n as f64;
                        let gamma = params[g + j];
                        for (&z, u) in unit.iter().zip(up.iter_mut()) {
                            let dx = (z - m) * k;
                            *u = (*u - grad_mean - dx) * s * gamma;
                        }
                    }
                }
            }
            // Now with respect to the Linear's output z: each weight's sum
            // runs over the rows in order.
            let input: &[f64] = if l == 0 { &ws.x } else { &ws.a[l - 1] };
            for (j, up) in ws.up.chunks_exact(n).enumerate() {
                let row = &mut grad[w + j * fan_in..w + (j + 1) * fan_in];
                weight_sums(row, up, input);
            }
            if let Some(b) = layer.bias {
                // Each bias's sum over the rows is the one of a weight whose
                // input is 1: four units at a time, as there.
                bias_sums(&mut grad[b..b + width], &ws.up);
            }
            if l > 0 {
                // With respect to the layer's input: each sum over the units in order.
                ws.down.clear();
                ws.down.resize(n * fan_in, 0.0);
                for (j, up) in ws.up.chunks_exact(n).enumerate() {
                    let row = &params[w + j * fan_in..w + (j + 1) * fan_in];
                    for (&weight, down) in row.iter().zip(ws.down.chunks_exact_mut(n)) {
                        for (d, &u) in down.iter_mut().zip(up) {
                            *d += u * weight;
                        }
                    }
                }
                std::mem::swap(&mut ws.up, &mut ws.down);
            }
        }
        eval
    }

    /// The 2-norm of each `Linear`'s weight gradient in `grad`, input layer first.
    pub fn layer_grad_norms(&self, grad: &[f64]) -> Vec<f64> {
        self.layers
            .iter()
            .map(|l| {
                let w = &grad[l.weight..l.weight + l.fan_in * l.fan_out];
                norm(w)
            })
            .collect()
    }

    /// The norm of the whole gradient as torch's `clip_grad_norm_` takes it:
    /// the 2-norm of the per-tensor 2-norms.
    pub fn total_norm(&self, grad: &[f64]) -> f64 {
        self.tensors()
            .iter()
            .map(|&(_, at, len)| {
                let n = norm(&grad[at..at + len]);
                n * n
            })
            .sum::<f64>()
            .sqrt()
    }
}

/// Adds to each `sums[k]` the sum over rows of `up[i]·input[k·n + i]`, rows
/// in order: four weights at a time, so that four sums (each still in order,
/// one add after another) are under way at once instead of one.
fn weight_sums(sums: &mut [f64], up: &[f64], input: &[f64]) {
    let n = up.len();
    let mut columns = input.chunks_exact(n);
    let mut quads = sums.chunks_exact_mut(4);
    for quad in &mut quads {
        let (c0, c1, c2, c3) = (
            columns.next().expect("a column per sum"),
            columns.next().expect("a column per sum"),
            columns.next().expect("a column per sum"),
            columns.next().expect("a column per sum"),
        );
        let [mut s0, mut s1, mut s2, mut s3] = [quad[0], quad[1], quad[2], quad[3]];
        for ((((&u, &a0), &a1), &a2), &a3) in up.iter().zip(c0).zip(c1).zip(c2).zip(c3) {
            s0 += u * a0;
            s1 += u * a1;
            s2 += u * a2;
            s3 += u * a3;
        }
        quad.copy_from_slice(&[s0, s1, s2, s3]);
    }
    for (s, column) in quads.into_remainder().iter_mut().zip(columns) {
        for (&u, &v) in up.iter().zip(column) {
            *s += u * v;
        }
    }
}

/// Adds to each `sums[j]` the sum over rows of `up[j·n + i]`, rows in order,
/// four units at a time.
fn bias_sums(sums: &mut [f64], up: &[f64]) {
    let n = up.len() / sums.len().max(1);
    let mut units = up.chunks_exact(n);
    let mut quads = sums.chunks_exact_mut(4);
    for quad in &mut quads {
        let (u0, u1, u2, u3) = (
            units.next().expect("a unit per sum"),
            units.next().expect("a unit per sum"),
            units.next().expect("a unit per sum"),
            units.next().expect("a unit per sum"),
        );
        let [mut s0, mut s1, mut s2, mut s3] = [quad[0], quad[1], quad[2], quad[3]];
        for (((&a, &b), &c), &d) in u0.iter().zip(u1).zip(u2).zip(u3) {
            s0 += a;
            s1 += b;
            s2 += c;
            s3 += d;
        }
        quad.copy_from_slice(&[s0, s1, s2, s3]);
    }
    for (s, unit) in quads.into_remainder().iter_mut().zip(units) {
        for &u in unit {
            *s += u;
        }
    }
}

/// One row's `BCEWithLogitsLoss` at logit `o` for target `t`, given
/// `e` = e^−|o|: (1 − t)·o − log σ(o), with log σ(o) = min(o, 0) − log1p(e).
pub(super) fn bce(o: f64, t: f64, e: f64) -> f64 {
    (1.0 - t) * o - (o.min(0.0) - libm::log1p(e))
}

/// One row's `MSELoss` term.
pub(super) fn squared_error(o: f64, t: f64) -> f64 {
    let d = o - t;
    d * d
}

/// The batch mean of unit `j` over `n` rows of `z` (`width` a row) and
/// 1/√(biased variance + ε), as torch's training-mode batch norm takes them.
pub(super) fn batch_stats(z: &[f64], width: usize, j: usize, n: usize) -> (f64, f64) {
    let mut sum = 0.0;
    for i in 0..n {
        sum += z[i * width + j];
    }
    let mean = sum / n as f64;
    let mut var = 0.0;
    for i in 0..n {
        let d = z[i * width + j] - mean;
        var += d * d;
    }
    (mean, 1.0 / (var / n as f64 + BN_EPS).sqrt())
}
