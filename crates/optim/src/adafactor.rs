//! `torch.optim.Adafactor`: a running average of the squared gradient whose
//! decay 1 − β₂ₜ = t^beta2_decay shrinks with the step, a relative step size
//! (the tensor's RMS times min(lr, 1/√t)), and the update clipped to RMS ≤ d,
//! each tensor on its own. A vector (a point on a surface, a bias) keeps the
//! average per coordinate; a matrix (a network's weight) keeps only its rows'
//! and columns' mean squared gradients, and estimates each entry's as
//! row × column / (the rows' mean), as torch's `_single_tensor_adafactor`
//! does for a tensor of two dimensions.

use crate::hyper::{number, Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin};
use crate::optimizer::{norm, Optimizer, Params, Shape, State};
use optiviz_base::spec::Range;

/// `torch.optim.Adafactor`'s state over the coordinates of `V`: `variance` per
/// vector tensor, and `row_var` and `col_var` per matrix.
pub struct Adafactor<V> {
    beta2_decay: f64,
    /// torch's eps: (ε₁, or None for the float's machine epsilon; ε₂).
    eps: (Option<f64>, f64),
    d: f64,
    weight_decay: f64,
    step: u64,
    /// The squared-gradient average of each vector tensor, in its place (a
    /// matrix's coordinates are left at zero).
    variance: V,
    /// The step's update g/√v̂, kept between steps only so that a step
    /// allocates nothing; not part of the state.
    update: V,
    /// The tensors in order, each with its place; empty when the parameters
    /// are one vector (a point), which steps as a whole.
    tensors: Vec<Tensor>,
    /// Every matrix's row factor (its rows' mean squared gradients,
    /// averaged), matrix after matrix, and its column factor.
    row_var: Vec<f64>,
    col_var: Vec<f64>,
}

/// One tensor: its shape, where it starts in the flat parameters and, for a
/// matrix, where its factors start.
#[derive(Debug, Clone, Copy)]
struct Tensor {
    shape: Shape,
    at: usize,
    rows_at: usize,
    cols_at: usize,
}

impl<V: Params> Adafactor<V> {
    fn new(h: &Hyper, zero: V, shapes: &[Shape]) -> Adafactor<V> {
        let mut tensors = Vec::new();
        let (mut at, mut rows_at, mut cols_at) = (0, 0, 0);
        if !matches!(shapes, [Shape::Vector(_)]) {
            for &shape in shapes {
                tensors.push(Tensor {
                    shape,
                    at,
                    rows_at,
                    cols_at,
                });
                at += shape.len();
                if let Shape::Matrix(rows, cols) = shape {
                    rows_at += rows;
                    cols_at += cols;
                }
            }
        }
        debug_assert_eq!(Shape::total(shapes), zero.as_ref().len());
        Adafactor {
            beta2_decay: h.num("beta2_decay"),
            eps: h.auto_pair("eps"),
            d: h.num("d"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            variance: zero.clone(),
            update: zero,
            tensors,
            row_var: vec![0.0; rows_at],
            col_var: vec![0.0; cols_at],
        }
    }
}

/// √(number of coordinates): the RMS of a vector is its norm over this.
fn sqrt_numel(v: &[f64]) -> f64 {
    libm::pow(v.len() as f64, 0.5)
}

/// The relative step ρ = min(γ, 1/√t) and the step size
/// α = max(ε₂, RMS(θ))·ρ at step `t`, from θ before the step.
pub fn step_size(lr: f64, t: f64, eps2: f64, p: &[f64]) -> (f64, f64) {
    let rho_t = f64::min(lr, 1.0 / libm::pow(t, 0.5));
    (rho_t, f64::max(eps2, norm(p) / sqrt_numel(p)) * rho_t)
}

/// What the update is divided by: max(1, RMS(u)/d).
pub fn clip_factor(update: &[f64], d: f64) -> f64 {
    f64::max(1.0, norm(update) / (sqrt_numel(update) * d))
}

/// What one step of one tensor needs besides its own numbers.
#[derive(Clone, Copy)]
struct Step {
    lr: f64,
    t: f64,
    /// The average's weight on the new squared gradient, t^beta2_decay.
    weight: f64,
    eps1: f64,
    eps2: f64,
    d: f64,
    weight_decay: f64,
}

impl Step {
    /// Steps the tensor `p`: the step size from its RMS, weight decay, then
    /// `estimate` writes the update g/√v̂ into `update`, which is clipped and
    /// taken.
    #[inline(always)]
    fn take(&self, p: &mut [f64], update: &mut [f64], estimate: impl FnOnce(&mut [f64])) {
        let (_, alpha) = step_size(self.lr, self.t, self.eps2, p);
        if self.weight_decay != 0.0 {
            for x in p.iter_mut() {
                *x *= 1.0 - self.lr * self.weight_decay;
            }
        }
        estimate(update);
        let denom = clip_factor(update, self.d);
        for (x, u) in p.iter_mut().zip(update.iter()) {
            *x += -alpha / denom * u;
        }
    }

    /// A vector's update: each coordinate's own average.
    #[inline(always)]
    fn vector(&self, grad: &[f64], variance: &mut [f64], update: &mut [f64]) {
        let n = update.len();
        let (grad, variance) = (&grad[..n], &mut variance[..n]);
        for i in 0..n {
            variance[i] = crate::optimizer::lerp(variance[i], grad[i] * grad[i], self.weight);
            // ε₁ is squared, as the root is taken after.
            update[i] = 1.0 / variance[i].max(self.eps1 * self.eps1).sqrt() * grad[i];
        }
    }

    /// A matrix's update, `rows` × `cols` row-major: the rows' and the
    /// columns' mean squared gradients (each as torch takes it, the square of
    /// the norm over the count) averaged into `row_var` and `col_var`, and
    /// v̂ᵢⱼ = rᵢcⱼ / max(mean(r), ε₁).
    fn matrix(
        &self,
        (rows, cols): (usize, usize),
        grad: &[f64],
        row_var: &mut [f64],
        col_var: &mut [f64],
        update: &mut [f64],
    ) {
        for (i, r) in row_var.iter_mut().enumerate() {
            let n = norm(&grad[i * cols..(i + 1) * cols]);
            *r = crate::optimizer::lerp(*r, n * n / cols as f64, self.weight);
        }
        for (j, c) in col_var.iter_mut().enumerate() {
            let mut sum = 0.0;
            for i in 0..rows {
                let g = grad[i * cols + j];
                sum += g * g;
            }
            let n = sum.sqrt();
            *c = crate::optimizer::lerp(*c, n * n / rows as f64, self.weight);
        }
        let mean = row_var.iter().sum::<f64>() / rows as f64;
        let scale = mean.max(self.eps1);
        for (i, r) in row_var.iter().enumerate() {
            let (grad, update) = (&grad[i * cols..], &mut update[i * cols..(i + 1) * cols]);
            for (j, (u, c)) in update.iter_mut().zip(col_var.iter()).enumerate() {
                let v = r * c / scale;
                *u = 1.0 / v.max(self.eps1 * self.eps1).sqrt() * grad[j];
            }
        }
    }
}

/// Steps each tensor of `p` on its own. Kept out of line: a point's step,
/// one vector, never comes here.
#[inline(never)]
fn step_tensors(
    step: &Step,
    tensors: &[Tensor],
    (p, grad): (&mut [f64], &[f64]),
    variance: &mut [f64],
    update: &mut [f64],
    (row_var, col_var): (&mut [f64], &mut [f64]),
) {
    for t in tensors {
        let span = t.at..t.at + t.shape.len();
        let (p, grad, update) = (
            &mut p[span.clone()],
            &grad[span.clone()],
            &mut update[span.clone()],
        );
        match t.shape {
            Shape::Vector(_) => {
                let variance = &mut variance[span];
                step.take(p, update, |u| step.vector(grad, variance, u));
            }
            Shape::Matrix(rows, cols) => {
                let row_var = &mut row_var[t.rows_at..t.rows_at + rows];
                let col_var = &mut col_var[t.cols_at..t.cols_at + cols];
                step.take(p, update, |u| {
                    step.matrix((rows, cols), grad, row_var, col_var, u)
                });
            }
        }
    }
}

impl<V: Params> Optimizer<V> for Adafactor<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let step = Step {
            lr,
            t: self.step as f64,
            weight: libm::pow(self.step as f64, self.beta2_decay),
            eps1: self.eps.0.unwrap_or(f64::EPSILON),
            eps2: self.eps.1,
            d: self.d,
            weight_decay: self.weight_decay,
        };
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let variance = &mut self.variance.as_mut()[..n];
        let update = &mut self.update.as_mut()[..n];
        if self.tensors.is_empty() {
            step.take(p, update, |u| step.vector(grad, variance, u));
        } else {
            let factors = (&mut self.row_var[..], &mut self.col_var[..]);
            step_tensors(&step, &self.tensors, (p, grad), variance, update, factors);
        }
    }

    /// torch keeps `step` and, per tensor, `row_var` and `col_var` (a
    /// matrix) or `variance` (a vector); over several tensors each key holds
    /// its tensors' values end to end, in their order.
    fn state(&self) -> State {
        let state = State::counted(self.step);
        if self.tensors.is_empty() {
            return state.vector("variance", &self.variance);
        }
        let mut variance = Vec::new();
        for t in &self.tensors {
            if let Shape::Vector(n) = t.shape {
                variance.extend_from_slice(&self.variance.as_ref()[t.at..t.at + n]);
            }
        }
        let mut state = state;
        if !self.row_var.is_empty() {
            state = state
                .vector("row_var", &self.row_var)
                .vector("col_var", &self.col_var);
        }
        if !variance.is_empty() {
            state = state.vector("variance", variance);
        }
        state
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "beta2_decay",
        -0.8,
        Range::closed(f64::NEG_INFINITY, 0.0),
        "the squared-gradient average's weight on the new gradient is t^beta2_decay at step t (≤ 0)",
    ),
    HyperSpec {
        name: "eps",
        kind: HyperKind::AutoPair(Range::at_least(0.0)),
        default: HyperValue::AutoPair(None, 1e-3),
        doc: "(ε₁, ε₂): ε₁ keeps the squared-gradient average off zero (null: the float's machine epsilon); ε₂ is the smallest parameter RMS the step size is scaled by",
        parts: ["ε₁", "ε₂"],
    },
    number(
        "d",
        1.0,
        Range::at_least(1.0),
        "clipping threshold: the update is scaled down when its RMS is above d",
    ),
    number(
        "weight_decay",
        0.0,
        Range::at_least(0.0),
        "decoupled weight decay: θ ← θ(1 − γλ) before the step",
    ),
];

/// `torch.optim.Adafactor`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adafactor",
    title: "Adafactor",
    default_lr: 1e-2,
    hyper: HYPER,
    rule: &[
        "ρ ← min(γ, 1/√t),  α ← max(ε₂, RMS(θ)) · ρ",
        "θ ← θ(1 − γλ)  (if weight_decay λ ≠ 0)",
        "v ← v + t^beta2_decay (g² − v)",
        "u ← g / √(max(v, ε₁²)),  θ ← θ − α u / max(1, RMS(u)/d)",
    ],
    check: crate::hyper::no_cross_checks,
    build: builders!(|h, zero, shapes| Adafactor::new(h, zero, shapes)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
