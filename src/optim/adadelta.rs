//! `torch.optim.Adadelta`: steps whose size is the ratio of two running RMS
//! averages, of past updates and of past gradients.

use super::{
    eps, no_cross_checks, number, HyperSpec, Optimizer, OptimizerDef, State, WEIGHT_DECAY,
};
use crate::spec::Range;

pub struct Adadelta {
    rho: f64,
    eps: f64,
    weight_decay: f64,
    step: u64,
    square_avg: [f64; 2],
    acc_delta: [f64; 2],
}

impl Optimizer for Adadelta {
    fn step(&mut self, p: &mut [f64; 2], grad: [f64; 2], lr: f64) {
        self.step += 1;
        for i in 0..2 {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            self.square_avg[i] = self.rho * self.square_avg[i] + (1.0 - self.rho) * g * g;
            let std = (self.square_avg[i] + self.eps).sqrt();
            let delta = (self.acc_delta[i] + self.eps).sqrt() / std * g;
            self.acc_delta[i] = self.rho * self.acc_delta[i] + (1.0 - self.rho) * delta * delta;
            p[i] -= lr * delta;
        }
    }

    fn state(&self) -> State {
        State::counted(self.step)
            .vector("square_avg", self.square_avg)
            .vector("acc_delta", self.acc_delta)
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
    build: |h| {
        Box::new(Adadelta {
            rho: h.num("rho"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            square_avg: [0.0; 2],
            acc_delta: [0.0; 2],
        })
    },
};
