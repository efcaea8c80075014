//! `torch.optim.SGD`: plain gradient descent, with optional momentum
//! (heavy-ball or Nesterov), dampening and weight decay.

use crate::hyper::{flag, number, Hyper, HyperSpec, OptimizerDef, Origin, WEIGHT_DECAY};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// `torch.optim.SGD`'s state over the coordinates of `V`: the
/// `momentum_buffer`, made at the first step with momentum.
pub struct Sgd<V> {
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    weight_decay: f64,
    buf: Option<V>,
}

impl<V: Params> Sgd<V> {
    /// Fresh state for parameters like `zero` (the momentum buffer is made
    /// at the first step with momentum, as torch makes it).
    fn new(h: &Hyper, _zero: V) -> Sgd<V> {
        Sgd {
            momentum: h.num("momentum"),
            dampening: h.num("dampening"),
            nesterov: h.flag("nesterov"),
            weight_decay: h.num("weight_decay"),
            buf: None,
        }
    }
}

impl<V: Params> Optimizer<V> for Sgd<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        // Coordinate by coordinate: each one's weight decay, buffer and move
        // depend on that coordinate alone.
        let mut buf = None;
        let mut first = false;
        if self.momentum != 0.0 {
            // torch starts the buffer at the first gradient, without dampening.
            first = self.buf.is_none();
            buf = Some(self.buf.get_or_insert_with(|| grad.filled(0.0)).as_mut());
        }
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            if let Some(b) = buf.as_deref_mut() {
                b[i] = if first {
                    g
                } else {
                    self.momentum * b[i] + (1.0 - self.dampening) * g
                };
                g = if self.nesterov {
                    g + self.momentum * b[i]
                } else {
                    b[i]
                };
            }
            p[i] -= lr * g;
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.momentum)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.momentum = momentum;
    }

    fn momentum_buffer(&self) -> Option<V> {
        self.buf.clone()
    }

    fn set_momentum_buffer(&mut self, buffer: V) {
        // From here on torch averages into it instead of starting it afresh.
        self.buf = Some(buffer);
    }

    fn state(&self) -> State {
        // torch keeps `momentum_buffer: None` without momentum: nothing to show.
        match &self.buf {
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

/// `torch.optim.SGD`'s entry in [`crate::registry::REGISTRY`].
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
    build: builders!(point | h, zero | Sgd::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
