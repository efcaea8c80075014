//! `torch.optim.Adam`: bias-corrected running averages of the gradient and of
//! its square. AdamW ([`crate::adamw`]) is the same state with decoupled weight
//! decay.

use crate::hyper::{
    eps, flag, no_cross_checks, HyperSpec, OptimizerDef, Origin, BETAS, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};

/// `torch.optim.Adam`'s state over the coordinates of `V` (AdamW's too): the
/// averages torch calls `exp_avg` and `exp_avg_sq`, and `max_exp_avg_sq` with
/// `amsgrad`.
pub struct Adam<V> {
    /// betas and weight decay (AdamW's decoupled: θ shrinks by γλ before the
    /// step instead of λθ being added to g).
    pub(crate) moments: Moments,
    pub(crate) eps: f64,
    pub(crate) amsgrad: bool,
    pub(crate) step: i32,
    pub(crate) m: V,
    pub(crate) v: V,
    pub(crate) v_max: V,
}

impl<V: Params> Adam<V> {
    /// Fresh state for parameters like `zero`; AdamW's when `decoupled`.
    pub(crate) fn new(h: &crate::hyper::Hyper, zero: V, decoupled: bool) -> Adam<V> {
        Adam {
            moments: Moments::new(h, decoupled),
            eps: h.num("eps"),
            amsgrad: h.flag("amsgrad"),
            step: 0,
            m: zero.clone(),
            v: zero.clone(),
            v_max: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for Adam<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let [b1, b2] = self.moments.betas;
        let bias_correction1 = 1.0 - crate::optimizer::power_of_step(b1, self.step as u64);
        let bias_correction2 = 1.0 - crate::optimizer::power_of_step(b2, self.step as u64);
        let step_size = lr / bias_correction1;
        let bias_correction2_sqrt = bias_correction2.sqrt();
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let v = &mut self.v.as_mut()[..n];
        let v_max = &mut self.v_max.as_mut()[..n];
        for i in 0..n {
            self.moments
                .update(&mut p[i], grad[i], lr, &mut m[i], &mut v[i]);
            let second = if self.amsgrad {
                v_max[i] = v_max[i].max(v[i]);
                v_max[i]
            } else {
                v[i]
            };
            let denom = second.sqrt() / bias_correction2_sqrt + self.eps;
            p[i] -= step_size * (m[i] / denom);
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.moments.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.moments.betas[0] = beta1;
    }

    fn state(&self) -> State {
        let s = State::counted(self.step as u64)
            .vector("exp_avg", &self.m)
            .vector("exp_avg_sq", &self.v);
        if self.amsgrad {
            s.vector("max_exp_avg_sq", &self.v_max)
        } else {
            s
        }
    }
}

pub(crate) const HYPER: &[HyperSpec] = &[
    BETAS,
    eps(1e-8),
    WEIGHT_DECAY,
    flag(
        "amsgrad",
        "use the running maximum of the second moment (AMSGrad)",
    ),
];

/// `torch.optim.Adam`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adam",
    title: "Adam",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "m ← β₁m + (1 − β₁)g",
        "v ← β₂v + (1 − β₂)g²",
        "v̂ ← max(v̂, v) if amsgrad, else v̂ ← v",
        "θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)",
    ],
    check: no_cross_checks,
    build: builders!(point | h, zero | Adam::new(h, zero, false)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};

/// The start of an Adam-family step (Adam, AdamW, NAdam, RAdam) for one
/// coordinate: weight decay (`g + λθ`, or `θ ← θ(1 − γλ)` when decoupled),
/// then the moment averages `m ← m + (1 − β₁)(g − m)` and
/// `v ← β₂v + (1 − β₂)g²`. Returns the gradient the averages took.
pub(crate) struct Moments {
    pub betas: [f64; 2],
    pub weight_decay: f64,
    pub decoupled: bool,
}

impl Moments {
    /// From the optimizer's `betas` and `weight_decay`.
    pub(crate) fn new(h: &crate::hyper::Hyper, decoupled: bool) -> Moments {
        Moments {
            betas: h.pair("betas"),
            weight_decay: h.num("weight_decay"),
            decoupled,
        }
    }

    pub(crate) fn update(&self, p: &mut f64, g: f64, lr: f64, m: &mut f64, v: &mut f64) -> f64 {
        let mut g = g;
        if self.weight_decay != 0.0 {
            if self.decoupled {
                *p *= 1.0 - lr * self.weight_decay;
            } else {
                g += self.weight_decay * *p;
            }
        }
        let [b1, b2] = self.betas;
        *m = crate::optimizer::lerp(*m, g, 1.0 - b1);
        *v = b2 * *v + (1.0 - b2) * g * g;
        g
    }
}
