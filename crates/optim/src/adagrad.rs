//! `torch.optim.Adagrad`: per-coordinate steps scaled by the root of the sum of
//! all squared gradients so far.

use crate::hyper::{
    eps, no_cross_checks, number, Hyper, HyperSpec, OptimizerDef, Origin, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `torch.optim.Adagrad`'s state over the coordinates of `V`: the step count
/// and `sum`, the sum of squared gradients so far.
pub struct Adagrad<V> {
    lr_decay: f64,
    weight_decay: f64,
    eps: f64,
    step: u64,
    sum: V,
}

impl<V: Params> Adagrad<V> {
    fn new(h: &Hyper, zero: V) -> Adagrad<V> {
        Adagrad {
            lr_decay: h.num("lr_decay"),
            weight_decay: h.num("weight_decay"),
            eps: h.num("eps"),
            step: 0,
            sum: zero.filled(h.num("initial_accumulator_value")),
        }
    }
}

impl<V: Params> Optimizer<V> for Adagrad<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let clr = lr / (1.0 + (self.step - 1) as f64 * self.lr_decay);
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let sum = &mut self.sum.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            sum[i] += g * g;
            let std = sum[i].sqrt() + self.eps;
            p[i] -= clr * (g / std);
        }
    }

    fn state(&self) -> State {
        State::counted(self.step).vector("sum", &self.sum)
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "lr_decay",
        0.0,
        Range::at_least(0.0),
        "learning-rate decay: step t uses γ / (1 + (t − 1)·lr_decay)",
    ),
    WEIGHT_DECAY,
    number(
        "initial_accumulator_value",
        0.0,
        Range::at_least(0.0),
        "starting value of the sum of squared gradients",
    ),
    eps(1e-10),
];

/// `torch.optim.Adagrad`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adagrad",
    title: "Adagrad",
    default_lr: 1e-2,
    hyper: HYPER,
    rule: &[
        "γ̃ ← γ / (1 + (t − 1)·lr_decay)",
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "s ← s + g²  (s starts at initial_accumulator_value)",
        "θ ← θ − γ̃ g / (√s + ε)",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| Adagrad::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
