//! `torch.optim.Adamax`: Adam with the second moment replaced by a decaying
//! running maximum of |g| (the infinity norm).

use super::{
    eps, lerp, no_cross_checks, HyperSpec, Optimizer, OptimizerDef, State, BETAS, WEIGHT_DECAY,
};

pub struct Adamax {
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    step: i32,
    m: [f64; 2],
    u: [f64; 2],
}

impl Optimizer for Adamax {
    fn step(&mut self, p: &mut [f64; 2], grad: [f64; 2], lr: f64) {
        self.step += 1;
        let [b1, b2] = self.betas;
        let clr = lr / (1.0 - super::power_of_step(b1, self.step as u64));
        for i in 0..2 {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            self.m[i] = lerp(self.m[i], g, 1.0 - b1);
            // torch takes the max over {β₂u, |g| + ε}; NaN propagates as in torch.amax.
            let a = self.u[i] * b2;
            let b = g.abs() + self.eps;
            self.u[i] = if a.is_nan() || b.is_nan() {
                f64::NAN
            } else {
                a.max(b)
            };
            p[i] -= clr * (self.m[i] / self.u[i]);
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
            .vector("exp_avg", self.m)
            .vector("exp_inf", self.u)
    }
}

const HYPER: &[HyperSpec] = &[BETAS, eps(1e-8), WEIGHT_DECAY];

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
    build: |h| {
        Box::new(Adamax {
            betas: h.pair("betas"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            m: [0.0; 2],
            u: [0.0; 2],
        })
    },
};
