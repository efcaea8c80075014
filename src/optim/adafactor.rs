//! `torch.optim.Adafactor` on a vector parameter: a running average of the
//! squared gradient whose decay 1 − β₂ₜ = t^beta2_decay shrinks with the step,
//! a relative step size (the parameter's RMS times min(lr, 1/√t)), and the
//! update clipped to RMS ≤ d. The parameters are one vector: the average is
//! not factored into row and column sums as it would be for a matrix, and
//! the RMS of θ and of the update are over all its coordinates.

use super::{
    norm, number, Hyper, HyperKind, HyperSpec, HyperValue, Optimizer, OptimizerDef, Params, State,
};
use crate::spec::Range;

pub struct Adafactor<V> {
    beta2_decay: f64,
    /// torch's eps: (ε₁, or None for the float's machine epsilon; ε₂).
    eps: (Option<f64>, f64),
    d: f64,
    weight_decay: f64,
    step: u64,
    variance: V,
    /// The step's update g/√v, kept between steps only so that a step
    /// allocates nothing; not part of the state.
    update: V,
}

impl<V: Params> Adafactor<V> {
    fn new(h: &Hyper, zero: V) -> Adafactor<V> {
        Adafactor {
            beta2_decay: h.num("beta2_decay"),
            eps: h.auto_pair("eps"),
            d: h.num("d"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            variance: zero.clone(),
            update: zero,
        }
    }
}

/// √(number of coordinates): the RMS of a vector is its norm over this.
fn sqrt_numel(v: &[f64]) -> f64 {
    libm::pow(v.len() as f64, 0.5)
}

/// The relative step ρ = min(γ, 1/√t) and the step size
/// α = max(ε₂, RMS(θ))·ρ at step `t`, from θ before the step.
pub(crate) fn step_size(lr: f64, t: f64, eps2: f64, p: &[f64]) -> (f64, f64) {
    let rho_t = f64::min(lr, 1.0 / libm::pow(t, 0.5));
    (rho_t, f64::max(eps2, norm(p) / sqrt_numel(p)) * rho_t)
}

/// What the update is divided by: max(1, RMS(u)/d).
pub(crate) fn clip_factor(update: &[f64], d: f64) -> f64 {
    f64::max(1.0, norm(update) / (sqrt_numel(update) * d))
}

impl<V: Params> Optimizer<V> for Adafactor<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let eps1 = self.eps.0.unwrap_or(f64::EPSILON);
        let eps2 = self.eps.1;
        let one_minus_beta2_t = libm::pow(t, self.beta2_decay);
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let variance = &mut self.variance.as_mut()[..n];
        let update = &mut self.update.as_mut()[..n];
        let (_, alpha) = step_size(lr, t, eps2, p);
        if self.weight_decay != 0.0 {
            for x in p.iter_mut() {
                *x *= 1.0 - lr * self.weight_decay;
            }
        }
        for i in 0..n {
            variance[i] = super::lerp(variance[i], grad[i] * grad[i], one_minus_beta2_t);
            // ε₁ is squared, as the root is taken after.
            update[i] = 1.0 / variance[i].max(eps1 * eps1).sqrt() * grad[i];
        }
        let denom = clip_factor(update, self.d);
        for i in 0..n {
            p[i] += -alpha / denom * update[i];
        }
    }

    fn state(&self) -> State {
        State::counted(self.step).vector("variance", &self.variance)
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
    check: super::no_cross_checks,
    build: builders!(|h, zero| Adafactor::new(h, zero)),
};
