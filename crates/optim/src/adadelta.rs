//! `torch.optim.Adadelta`: steps whose size is the ratio of two running RMS
//! averages, of past updates and of past gradients.

use crate::hyper::{
    eps, no_cross_checks, number, Hyper, HyperSpec, OptimizerDef, Origin, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `torch.optim.Adadelta`'s state over the coordinates of `V`: the running
/// averages `square_avg` (of g²) and `acc_delta` (of squared updates).
pub struct Adadelta<V> {
    rho: f64,
    eps: f64,
    weight_decay: f64,
    step: u64,
    square_avg: V,
    acc_delta: V,
}

impl<V: Params> Adadelta<V> {
    fn new(h: &Hyper, zero: V) -> Adadelta<V> {
        Adadelta {
            rho: h.num("rho"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            square_avg: zero.clone(),
            acc_delta: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for Adadelta<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let square_avg = &mut self.square_avg.as_mut()[..n];
        let acc_delta = &mut self.acc_delta.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            square_avg[i] = self.rho * square_avg[i] + (1.0 - self.rho) * g * g;
            let std = (square_avg[i] + self.eps).sqrt();
            let delta = (acc_delta[i] + self.eps).sqrt() / std * g;
            acc_delta[i] = self.rho * acc_delta[i] + (1.0 - self.rho) * delta * delta;
            p[i] -= lr * delta;
        }
    }

    fn state(&self) -> State {
        State::counted(self.step)
            .vector("square_avg", &self.square_avg)
            .vector("acc_delta", &self.acc_delta)
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "rho",
        0.9,
        Range::closed(0.0, 1.0),
        "decay rate ρ of both running averages",
    ),
    eps(1e-6),
    WEIGHT_DECAY,
];

/// `torch.optim.Adadelta`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adadelta",
    title: "Adadelta",
    default_lr: 1.0,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "v ← ρv + (1 − ρ)g²",
        "Δ ← √(u + ε) / √(v + ε) · g",
        "u ← ρu + (1 − ρ)Δ²",
        "θ ← θ − γΔ",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| Adadelta::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
