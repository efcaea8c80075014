//! `torch.optim.RMSprop`: steps scaled by a running average of squared
//! gradients, optionally centered and with momentum.

use crate::hyper::{
    eps, flag, no_cross_checks, number, Hyper, HyperSpec, OptimizerDef, Origin, WEIGHT_DECAY,
};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `torch.optim.RMSprop`'s state over the coordinates of `V`: `square_avg`,
/// and `momentum_buffer` and `grad_avg` when momentum and `centered` ask for them.
pub struct RmsProp<V> {
    alpha: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    centered: bool,
    step: u64,
    square_avg: V,
    grad_avg: V,
    buf: V,
    /// Whether torch's state holds `momentum_buffer`: from the first step
    /// taken with momentum > 0 (a schedule may change the momentum).
    has_buf: bool,
}

impl<V: Params> RmsProp<V> {
    fn new(h: &Hyper, zero: V) -> RmsProp<V> {
        RmsProp {
            alpha: h.num("alpha"),
            eps: h.num("eps"),
            weight_decay: h.num("weight_decay"),
            momentum: h.num("momentum"),
            centered: h.flag("centered"),
            step: 0,
            square_avg: zero.clone(),
            grad_avg: zero.clone(),
            buf: zero,
            has_buf: false,
        }
    }
}

impl<V: Params> Optimizer<V> for RmsProp<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        self.has_buf |= self.momentum > 0.0;
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let square_avg = &mut self.square_avg.as_mut()[..n];
        let grad_avg = &mut self.grad_avg.as_mut()[..n];
        let buf = &mut self.buf.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            square_avg[i] = self.alpha * square_avg[i] + (1.0 - self.alpha) * g * g;
            let avg = if self.centered {
                grad_avg[i] = crate::optimizer::lerp(grad_avg[i], g, 1.0 - self.alpha);
                (square_avg[i] - grad_avg[i] * grad_avg[i]).sqrt() + self.eps
            } else {
                square_avg[i].sqrt() + self.eps
            };
            if self.momentum > 0.0 {
                buf[i] = self.momentum * buf[i] + g / avg;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * (g / avg);
            }
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.momentum)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.momentum = momentum;
    }

    fn momentum_buffer(&self) -> Option<V> {
        self.has_buf.then(|| self.buf.clone())
    }

    fn set_momentum_buffer(&mut self, buffer: V) {
        self.buf = buffer;
        self.has_buf = true;
    }

    fn state(&self) -> State {
        let mut s = State::counted(self.step).vector("square_avg", &self.square_avg);
        if self.has_buf {
            s = s.vector("momentum_buffer", &self.buf);
        }
        if self.centered {
            s = s.vector("grad_avg", &self.grad_avg);
        }
        s
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "alpha",
        0.99,
        Range::closed(0.0, 1.0),
        "smoothing constant α of the squared-gradient average",
    ),
    eps(1e-8),
    WEIGHT_DECAY,
    number("momentum", 0.0, Range::at_least(0.0), "momentum factor μ"),
    flag(
        "centered",
        "divide by the estimated variance of the gradient instead of its raw second moment",
    ),
];

/// `torch.optim.RMSprop`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "rmsprop",
    title: "RMSprop",
    default_lr: 1e-2,
    hyper: HYPER,
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "v ← αv + (1 − α)g²",
        "if centered: ḡ ← αḡ + (1 − α)g, d ← √(v − ḡ²) + ε; else d ← √v + ε",
        "if momentum μ > 0: b ← μb + g/d, θ ← θ − γb; else θ ← θ − γ g/d",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero| RmsProp::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
