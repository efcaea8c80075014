//! `pytorch_optimizer.Lion` (EvoLved Sign Momentum): every coordinate moves
//! by exactly γ, in the direction of the sign of a blend of its momentum and
//! its gradient; the momentum itself then decays at a slower rate.

use crate::decay::{self, WeightDecay};
use crate::hyper::{no_cross_checks, pair, Hyper, HyperSpec, OptimizerDef, Origin};
use crate::optimizer::{lerp, Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `pytorch_optimizer.Lion`'s state over the coordinates of `V`: the
/// momentum it calls `exp_avg`, and the step count it keeps in the param
/// group. The class's hidden `**kwargs` variants (`use_gc`, `adanorm`,
/// `cautious`) are not offered.
pub struct Lion<V> {
    betas: [f64; 2],
    decay: WeightDecay,
    step: u64,
    m: V,
}

impl<V: Params> Lion<V> {
    fn new(h: &Hyper, zero: V) -> Lion<V> {
        Lion {
            betas: h.pair("betas"),
            decay: WeightDecay::new(h),
            step: 0,
            m: zero,
        }
    }
}

/// torch's `sign`: ±1, and 0 for ±0 and for NaN.
pub(crate) fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

impl<V: Params> Optimizer<V> for Lion<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let [b1, b2] = self.betas;
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        for i in 0..n {
            let g = self.decay.apply(&mut p[i], grad[i], lr);
            // The step's direction blends with β₁; the momentum kept decays with β₂.
            let update = sign(lerp(m[i], g, 1.0 - b1));
            m[i] = lerp(m[i], g, 1.0 - b2);
            p[i] += -lr * update;
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.betas[0] = beta1;
    }

    fn state(&self) -> State {
        // The class counts steps in its param group, not per parameter.
        State::default()
            .vector("exp_avg", &self.m)
            .number("step", self.step as f64)
    }
}

const HYPER: &[HyperSpec] = &{
    let [weight_decay, weight_decouple, fixed_decay] = decay::keys(true);
    [
        pair(
            "betas",
            [0.9, 0.99],
            Range::closed_open(0.0, 1.0),
            "β₁ blends momentum and gradient into the step's sign, β₂ is the momentum's decay",
            ["β₁", "β₂"],
        ),
        weight_decay,
        weight_decouple,
        fixed_decay,
    ]
};

/// `pytorch_optimizer.Lion`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "lion",
    title: "Lion",
    default_lr: 1e-4,
    hyper: HYPER,
    rule: &[
        decay::RULE,
        decay::RULE_COUPLED,
        "u ← sign(β₁m + (1 − β₁)g)",
        "m ← β₂m + (1 − β₂)g",
        "θ ← θ − γu",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero, _shapes| Lion::new(h, zero)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::HyperValue;
    use crate::testing::{check_path, keys, rosenbrock};

    #[test]
    fn matches_pytorch_optimizer() {
        // pytorch_optimizer 4.1.0's Lion(lr=0.05, betas=(0.8, 0.95),
        // weight_decay=0.1, weight_decouple=False, foreach=False) in float64
        // on Rosenbrock from (−1.5, 2), p.grad set to the same formula: the
        // points after steps 1, 5 and 20.
        let opt = check_path(
            &DEF,
            &[
                ("betas", HyperValue::Pair([0.8, 0.95])),
                ("weight_decay", HyperValue::Number(0.1)),
                ("weight_decouple", HyperValue::Flag(false)),
            ],
            rosenbrock,
            [-1.5, 2.0],
            0.05,
            &[
                (1, [-1.45, 2.05]),
                (5, [-1.45, 2.05]),
                (20, [-1.4, 1.8999999999999997]),
            ],
        );
        // optimizer.state[p] holds exp_avg; the step count is the group's.
        assert_eq!(keys(&*opt), ["exp_avg", "step"]);
    }

    #[test]
    fn every_coordinate_moves_by_the_learning_rate() {
        let mut opt = (DEF.build.two)(&DEF.defaults());
        let mut p = [-1.5, 2.0];
        for _ in 0..3 {
            let before = p;
            let g = rosenbrock(p);
            opt.step(&mut p, &g, 0.05);
            for k in 0..2 {
                assert!(((p[k] - before[k]).abs() - 0.05).abs() < 1e-12);
            }
        }
        // torch's sign: 0 for zeros and NaN, so such a coordinate stays.
        assert_eq!(sign(-0.0), 0.0);
        assert_eq!(sign(f64::NAN), 0.0);
    }
}
