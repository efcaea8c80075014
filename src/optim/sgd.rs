//! `torch.optim.SGD`: plain gradient descent, with optional momentum
//! (heavy-ball or Nesterov), dampening and weight decay.

use super::{flag, number, Hyper, HyperSpec, Optimizer, OptimizerDef, State, WEIGHT_DECAY};
use crate::error::ConfigError;
use crate::spec::Range;

pub struct Sgd {
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    weight_decay: f64,
    buf: Option<[f64; 2]>,
}

impl Optimizer for Sgd {
    fn step(&mut self, p: &mut [f64; 2], grad: [f64; 2], lr: f64) {
        let mut g = grad;
        if self.weight_decay != 0.0 {
            for i in 0..2 {
                g[i] += self.weight_decay * p[i];
            }
        }
        if self.momentum != 0.0 {
            // torch starts the buffer at the first gradient, without dampening.
            let buf = match self.buf {
                None => g,
                Some(b) => [0, 1].map(|i| self.momentum * b[i] + (1.0 - self.dampening) * g[i]),
            };
            self.buf = Some(buf);
            g = if self.nesterov {
                [0, 1].map(|i| g[i] + self.momentum * buf[i])
            } else {
                buf
            };
        }
        for i in 0..2 {
            p[i] -= lr * g[i];
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.momentum)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.momentum = momentum;
    }

    fn state(&self) -> State {
        // torch keeps `momentum_buffer: None` without momentum: nothing to show.
        match self.buf {
            Some(b) => State::default().vector("momentum_buffer", b),
            None => State::default(),
        }
    }
}

fn check(h: &Hyper, field: &str) -> Result<(), ConfigError> {
    if h.flag("nesterov") && (h.num("momentum") <= 0.0 || h.num("dampening") != 0.0) {
        return Err(ConfigError::new(
            format!("{field}.nesterov"),
            "Nesterov momentum needs momentum > 0 and dampening = 0",
        ));
    }
    Ok(())
}

const HYPER: &[HyperSpec] = &[
    number(
        "momentum",
        0.0,
        Range::at_least(0.0),
        "momentum factor μ: how much of the previous step is kept",
    ),
    number(
        "dampening",
        0.0,
        Range::closed(0.0, 1.0),
        "dampening τ: the new gradient enters the momentum buffer scaled by 1 − τ",
    ),
    WEIGHT_DECAY,
    flag("nesterov", "look-ahead (Nesterov) momentum"),
];

pub static DEF: OptimizerDef = OptimizerDef {
    name: "sgd",
    title: "SGD",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "b ← μb + (1 − τ)g  (if momentum μ ≠ 0; b = g at the first step)",
        "g ← g + μb if nesterov, else g ← b",
        "θ ← θ − γg",
    ],
    check,
    build: |h| {
        Box::new(Sgd {
            momentum: h.num("momentum"),
            dampening: h.num("dampening"),
            nesterov: h.flag("nesterov"),
            weight_decay: h.num("weight_decay"),
            buf: None,
        })
    },
};
