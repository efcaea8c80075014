//! `torch.optim.NAdam`: Adam with Nesterov momentum, following torch's
//! momentum-decay schedule μₜ = β₁(1 − ½·0.96^(t·ψ)).

use crate::adam::Moments;
use crate::hyper::{
    eps, flag, no_cross_checks, number, Hyper, HyperSpec, OptimizerDef, Origin, BETAS, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::spec::Range;

/// NAdam's momentum at step `t`: μₜ = β₁(1 − ½·0.96^(tψ)), ψ its momentum_decay.
pub fn momentum_at(b1: f64, psi: f64, t: f64) -> f64 {
    b1 * (1.0 - 0.5 * libm::pow(0.96, t * psi))
}

/// `torch.optim.NAdam`'s state over the coordinates of `V`: `mu_product` (the
/// product of the momenta so far), `exp_avg` and `exp_avg_sq`.
pub struct NAdam<V> {
    moments: Moments,
    eps: f64,
    momentum_decay: f64,
    step: i32,
    mu_product: f64,
    m: V,
    v: V,
}

impl<V: Params> NAdam<V> {
    fn new(h: &Hyper, zero: V) -> NAdam<V> {
        NAdam {
            moments: Moments::new(h, h.flag("decoupled_weight_decay")),
            eps: h.num("eps"),
            momentum_decay: h.num("momentum_decay"),
            step: 0,
            mu_product: 1.0,
            m: zero.clone(),
            v: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for NAdam<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let [b1, b2] = self.moments.betas;
        let bias_correction2 = 1.0 - crate::optimizer::power_of_step(b2, self.step as u64);
        let mu = momentum_at(b1, self.momentum_decay, t);
        let mu_next = momentum_at(b1, self.momentum_decay, t + 1.0);
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let v = &mut self.v.as_mut()[..n];
        for i in 0..n {
            let g = self
                .moments
                .update(&mut p[i], grad[i], lr, &mut m[i], &mut v[i]);
            let denom = (v[i] / bias_correction2).sqrt() + self.eps;
            p[i] -= lr * (1.0 - mu) / (1.0 - self.mu_product) * (g / denom);
            p[i] -= lr * mu_next / (1.0 - mu_product_next) * (m[i] / denom);
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.moments.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.moments.betas[0] = beta1;
    }

    fn state(&self) -> State {
        State::counted(self.step as u64)
            .number("mu_product", self.mu_product)
            .vector("exp_avg", &self.m)
            .vector("exp_avg_sq", &self.v)
    }
}

const HYPER: &[HyperSpec] = &[
    BETAS,
    eps(1e-8),
    WEIGHT_DECAY,
    number(
        "momentum_decay",
        4e-3,
        Range::at_least(0.0),
        "momentum decay ψ of the Nesterov schedule",
    ),
    flag(
        "decoupled_weight_decay",
        "apply weight decay to θ directly, as AdamW does",
    ),
];

/// `torch.optim.NAdam`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "nadam",
    title: "NAdam",
    default_lr: 2e-3,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (θ ← θ(1 − γλ) if decoupled_weight_decay)",
        "μₜ ← β₁(1 − ½·0.96^(tψ)),  Πₜ ← Πₜ₋₁ μₜ",
        "m ← β₁m + (1 − β₁)g",
        "v ← β₂v + (1 − β₂)g²",
        "d ← √(v / (1 − β₂ᵗ)) + ε",
        "θ ← θ − γ(1 − μₜ)/(1 − Πₜ) · g/d − γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/d",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| NAdam::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
