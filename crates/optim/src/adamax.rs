//! `torch.optim.Adamax`: Adam with the second moment replaced by a decaying
//! running maximum of |g| (the infinity norm).

use crate::hyper::{
    eps, no_cross_checks, Hyper, HyperSpec, OptimizerDef, Origin, BETAS, WEIGHT_DECAY,
};
use crate::optimizer::{lerp, Optimizer, Params, State};

/// `torch.optim.Adamax`'s state over the coordinates of `V`: `exp_avg` and
/// `exp_inf`, the decaying maximum of |g|.
pub struct Adamax<V> {
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    step: i32,
    m: V,
    u: V,
}

impl<V: Params> Adamax<V> {
    fn new(h: &Hyper, zero: V) -> Adamax<V> {
        Adamax {
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            m: zero.clone(),
            u: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for Adamax<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let [b1, b2] = self.betas;
        let clr = lr / (1.0 - crate::optimizer::power_of_step(b1, self.step as u64));
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let u = &mut self.u.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            m[i] = lerp(m[i], g, 1.0 - b1);
            // torch takes the max over {β₂u, |g| + ε}; NaN propagates as in torch.amax.
            let a = u[i] * b2;
            let b = g.abs() + self.eps;
            u[i] = if a.is_nan() || b.is_nan() {
                f64::NAN
            } else {
                a.max(b)
            };
            p[i] -= clr * (m[i] / u[i]);
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.betas[0] = beta1;
    }

    fn state(&self) -> State {
        State::counted(self.step as u64)
            .vector("exp_avg", &self.m)
            .vector("exp_inf", &self.u)
    }
}

const HYPER: &[HyperSpec] = &[BETAS, eps(1e-8), WEIGHT_DECAY];

/// `torch.optim.Adamax`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adamax",
    title: "Adamax",
    default_lr: 2e-3,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "m ← β₁m + (1 − β₁)g",
        "u ← max(β₂u, |g| + ε)",
        "θ ← θ − γ/(1 − β₁ᵗ) · m/u",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| Adamax::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
