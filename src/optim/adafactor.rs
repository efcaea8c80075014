//! `torch.optim.Adafactor` on a vector parameter: a running average of the
//! squared gradient whose decay 1 − β₂ₜ = t^beta2_decay shrinks with the step,
//! a relative step size (the parameter's RMS times min(lr, 1/√t)), and the
//! update clipped to RMS ≤ d. (A matrix parameter would factor the average
//! into row and column sums; a point on a surface is a vector.)

use super::{norm, number, HyperKind, HyperSpec, HyperValue, Optimizer, OptimizerDef, State};
use crate::spec::Range;

pub struct Adafactor {
    beta2_decay: f64,
    /// torch's eps: (ε₁, or None for the float's machine epsilon; ε₂).
    eps: (Option<f64>, f64),
    d: f64,
    weight_decay: f64,
    step: u64,
    variance: [f64; 2],
}

/// √(number of coordinates): the RMS of a vector is its norm over this.
fn sqrt_numel() -> f64 {
    libm::pow(2.0, 0.5)
}

/// The relative step ρ = min(γ, 1/√t) and the step size
/// α = max(ε₂, RMS(θ))·ρ at step `t`, from θ before the step.
pub(crate) fn step_size(lr: f64, t: f64, eps2: f64, p: [f64; 2]) -> (f64, f64) {
    let rho_t = f64::min(lr, 1.0 / libm::pow(t, 0.5));
    (rho_t, f64::max(eps2, norm(&p) / sqrt_numel()) * rho_t)
}

/// What the update is divided by: max(1, RMS(u)/d).
pub(crate) fn clip_factor(update: [f64; 2], d: f64) -> f64 {
    f64::max(1.0, norm(&update) / (sqrt_numel() * d))
}

impl Optimizer for Adafactor {
    fn step(&mut self, p: &mut [f64; 2], grad: [f64; 2], lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let eps1 = self.eps.0.unwrap_or(f64::EPSILON);
        let eps2 = self.eps.1;
        let one_minus_beta2_t = libm::pow(t, self.beta2_decay);
        let (_, alpha) = step_size(lr, t, eps2, *p);
        if self.weight_decay != 0.0 {
            for x in p.iter_mut() {
                *x *= 1.0 - lr * self.weight_decay;
            }
        }
        let mut update = [0.0; 2];
        for i in 0..2 {
            self.variance[i] = super::lerp(self.variance[i], grad[i] * grad[i], one_minus_beta2_t);
            // ε₁ is squared, as the root is taken after.
            update[i] = 1.0 / self.variance[i].max(eps1 * eps1).sqrt() * grad[i];
        }
        let denom = clip_factor(update, self.d);
        for i in 0..2 {
            p[i] += -alpha / denom * update[i];
        }
    }

    fn state(&self) -> State {
        State::counted(self.step).vector("variance", self.variance)
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
    build: |h| {
        Box::new(Adafactor {
            beta2_decay: h.num("beta2_decay"),
            eps: h.auto_pair("eps"),
            d: h.num("d"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            variance: [0.0; 2],
        })
    },
};
