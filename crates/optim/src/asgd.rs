//! `torch.optim.ASGD`: gradient descent with a decaying step size η and a
//! running average `ax` of the iterates, which starts averaging at step t0.

use crate::hyper::{number, Hyper, HyperSpec, OptimizerDef, Origin, WEIGHT_DECAY};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `torch.optim.ASGD`'s state over the coordinates of `V`: the step size
/// `eta`, the averaging weight `mu` and the averaged iterate `ax`.
pub struct Asgd<V> {
    lambd: f64,
    alpha: f64,
    t0: f64,
    weight_decay: f64,
    step: u64,
    /// The step size η and the averaging weight μ; η starts at the learning
    /// rate (set at the first step, as torch sets it when the state is made).
    eta: Option<f64>,
    mu: f64,
    ax: V,
}

impl<V: Params> Asgd<V> {
    fn new(h: &Hyper, zero: V) -> Asgd<V> {
        Asgd {
            lambd: h.num("lambd"),
            alpha: h.num("alpha"),
            t0: h.num("t0"),
            weight_decay: h.num("weight_decay"),
            step: 0,
            eta: None,
            mu: 1.0,
            ax: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for Asgd<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let eta = *self.eta.get_or_insert(lr);
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let ax = &mut self.ax.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            p[i] *= 1.0 - self.lambd * eta;
            p[i] += -eta * g;
            ax[i] = if self.mu != 1.0 {
                ax[i] + (p[i] - ax[i]) * self.mu
            } else {
                p[i]
            };
        }
        let t = self.step as f64;
        self.eta = Some(lr / libm::pow(1.0 + self.lambd * lr * t, self.alpha));
        self.mu = 1.0 / f64::max(1.0, t - self.t0);
    }

    fn state(&self) -> State {
        State::counted(self.step)
            .number("eta", self.eta.unwrap_or(0.0))
            .number("mu", self.mu)
            .vector("ax", &self.ax)
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "lambd",
        1e-4,
        Range::at_least(0.0),
        "decay term λ: θ shrinks by the factor 1 − λη each step, and η decays as γ / (1 + λγt)^α",
    ),
    number(
        "alpha",
        0.75,
        Range::at_least(0.0),
        "power α of the decay of η",
    ),
    number(
        "t0",
        1e6,
        Range::at_least(0.0),
        "the step from which ax averages the iterates (before it, ax follows θ)",
    ),
    WEIGHT_DECAY,
];

/// `torch.optim.ASGD`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "asgd",
    title: "ASGD",
    default_lr: 1e-2,
    hyper: HYPER,
    rule: &[
        "g ← g + λ_wd θ  (if weight_decay ≠ 0)",
        "θ ← θ(1 − λη) − ηg  (η = γ at the first step)",
        "ax ← ax + μ(θ − ax), or ax ← θ while μ = 1",
        "η ← γ / (1 + λγt)^α,  μ ← 1 / max(1, t − t0)",
    ],
    check: crate::hyper::no_cross_checks,
    build: builders!(|h, zero| Asgd::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
