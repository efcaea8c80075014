//! `torch.optim.RAdam`: Adam whose adaptive step is switched on only once the
//! variance of its second-moment estimate is tractable, and rectified by how
//! far it is from that point; before, a bias-corrected momentum step.

use crate::adam::Moments;
use crate::hyper::{
    eps, flag, no_cross_checks, Hyper, HyperSpec, OptimizerDef, Origin, BETAS, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};

/// At step `t`: ρ∞ and ρₜ (the length of the approximated simple moving
/// average, and its limit), and the rectification r once ρₜ > 5 (before
/// that RAdam takes plain momentum steps).
pub fn rectification(b2: f64, t: f64) -> (f64, f64, Option<f64>) {
    let rho_inf = 2.0 / (1.0 - b2) - 1.0;
    let b2_t = crate::optimizer::power_of_step(b2, t as u64);
    let rho_t = rho_inf - 2.0 * t * b2_t / (1.0 - b2_t);
    let r = (rho_t > 5.0).then(|| {
        libm::pow(
            (rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t),
            0.5,
        )
    });
    (rho_inf, rho_t, r)
}

/// `torch.optim.RAdam`'s state over the coordinates of `V`: `exp_avg` and
/// `exp_avg_sq`.
pub struct RAdam<V> {
    moments: Moments,
    eps: f64,
    step: u64,
    m: V,
    v: V,
}

impl<V: Params> RAdam<V> {
    fn new(h: &Hyper, zero: V) -> RAdam<V> {
        RAdam {
            moments: Moments::new(h, h.flag("decoupled_weight_decay")),
            eps: h.num("eps"),
            step: 0,
            m: zero.clone(),
            v: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for RAdam<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let [b1, b2] = self.moments.betas;
        let bias_correction1 = 1.0 - crate::optimizer::power_of_step(b1, self.step);
        let bias_correction2 = 1.0 - crate::optimizer::power_of_step(b2, self.step);
        let (_, _, rect) = rectification(b2, t);
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let v = &mut self.v.as_mut()[..n];
        for i in 0..n {
            self.moments
                .update(&mut p[i], grad[i], lr, &mut m[i], &mut v[i]);
            let corrected = m[i] / bias_correction1;
            if let Some(rect) = rect {
                let adaptive = libm::pow(bias_correction2, 0.5) / (v[i].sqrt() + self.eps);
                p[i] += -(corrected * lr * adaptive * rect);
            } else {
                p[i] += -(corrected * lr);
            }
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.moments.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.moments.betas[0] = beta1;
    }

    fn state(&self) -> State {
        State::counted(self.step)
            .vector("exp_avg", &self.m)
            .vector("exp_avg_sq", &self.v)
    }
}

const HYPER: &[HyperSpec] = &[
    BETAS,
    eps(1e-8),
    WEIGHT_DECAY,
    flag(
        "decoupled_weight_decay",
        "shrink θ by γλ before the step (as AdamW) instead of adding λθ to g",
    ),
];

/// `torch.optim.RAdam`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "radam",
    title: "RAdam",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ, or θ ← θ(1 − γλ) if decoupled  (if weight_decay λ ≠ 0)",
        "m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²",
        "ρ∞ ← 2/(1 − β₂) − 1,  ρₜ ← ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)",
        "if ρₜ > 5: r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)),  θ ← θ − γ m/(1 − β₁ᵗ) · r √(1 − β₂ᵗ)/(√v + ε)",
        "else: θ ← θ − γ m/(1 − β₁ᵗ)",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| RAdam::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
