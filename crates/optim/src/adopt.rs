//! `pytorch_optimizer.ADOPT`: Adam with the order changed so that the
//! gradient is normalized by the second moment of the steps *before* it
//! (never by itself), then clipped, then averaged into the momentum, which is
//! the step. The first step only records g²; θ does not move.

use crate::decay::{self, WeightDecay};
use crate::hyper::{
    eps, no_cross_checks, pair, Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin,
};
use crate::optimizer::{lerp, Optimizer, Params, State};
use optiviz_base::spec::Range;

/// `pytorch_optimizer.ADOPT`'s state over the coordinates of `V`: `exp_avg`,
/// `exp_avg_sq`, and the step count the class keeps in its param group.
///
/// The class's `clip_lambda` (a function of the step) is its default, t^¼,
/// written `"step**0.25"`, or null for no clipping; its hidden `**kwargs`
/// variants (`cautious`, `stable_adamw`) are not offered.
pub struct Adopt<V> {
    betas: [f64; 2],
    decay: WeightDecay,
    eps: f64,
    /// Whether the normalized gradient is clipped to ±t^¼ (`clip_lambda`).
    clip: bool,
    step: u64,
    m: V,
    v: V,
}

impl<V: Params> Adopt<V> {
    fn new(h: &Hyper, zero: V) -> Adopt<V> {
        Adopt {
            betas: h.pair("betas"),
            decay: WeightDecay::new(h),
            eps: h.num("eps"),
            clip: h.choice("clip_lambda").is_some(),
            step: 0,
            m: zero.clone(),
            v: zero,
        }
    }
}

/// torch's `clamp(x, lo, hi)`: NaN stays NaN.
fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

impl<V: Params> Optimizer<V> for Adopt<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let [b1, b2] = self.betas;
        let first = self.step == 1;
        // The default clip_lambda: t^¼ (none without it).
        let clip = match self.clip {
            true => crate::optimizer::step_root(self.step, 0.25),
            false => f64::INFINITY,
        };
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let v = &mut self.v.as_mut()[..n];
        for i in 0..n {
            let g = self.decay.apply(&mut p[i], grad[i], lr);
            if first {
                v[i] += g * g;
                continue;
            }
            let root = v[i].sqrt();
            let denom = if root < self.eps { self.eps } else { root };
            let normed = clamp(g / denom, -clip, clip);
            m[i] = lerp(m[i], normed, 1.0 - b1);
            p[i] += -lr * m[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
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
            .vector("exp_avg_sq", &self.v)
            .number("step", self.step as f64)
    }
}

const HYPER: &[HyperSpec] = &{
    let [weight_decay, weight_decouple, fixed_decay] = decay::keys(false);
    [
        pair(
            "betas",
            [0.9, 0.9999],
            Range::closed_open(0.0, 1.0),
            "decay rates of the momentum of normalized gradients and of the second moment",
            ["β₁", "β₂"],
        ),
        weight_decay,
        weight_decouple,
        fixed_decay,
        HyperSpec {
            name: "clip_lambda",
            kind: HyperKind::Choice(&["step**0.25"]),
            default: HyperValue::Choice(Some("step**0.25")),
            doc: "the bound the normalized gradient is clipped to at step t: t^¼, or None for no clipping",
            parts: ["", ""],
        },
        eps(1e-6),
    ]
};

/// `pytorch_optimizer.ADOPT`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adopt",
    title: "ADOPT",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        decay::RULE,
        decay::RULE_COUPLED,
        "v ← g²  (at t = 1, θ stays)",
        "n ← clamp(g / max(√v, ε), −t^¼, t^¼)  (none if clip_lambda is None)",
        "m ← β₁m + (1 − β₁)n",
        "θ ← θ − γm",
        "v ← β₂v + (1 − β₂)g²",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero, _shapes| Adopt::new(h, zero)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::HyperValue;
    use crate::testing::{check_path, himmelblau, keys, rosenbrock};

    // Points of pytorch_optimizer 4.1.0's ADOPT (foreach=False, float64),
    // p.grad set to the same formulas as these tests.

    #[test]
    fn matches_pytorch_optimizer_at_its_defaults() {
        // ADOPT(lr=0.02) on Rosenbrock from (−1.2, 1): the first step only
        // records g², the second moves each coordinate by γ(1 − β₁) · 1.
        let opt = check_path(
            &DEF,
            &[],
            rosenbrock,
            [-1.2, 1.0],
            0.02,
            &[
                (1, [-1.2, 1.0]),
                (2, [-1.198, 1.002]),
                (10, [-1.1380568718213442, 1.0624127685347442]),
                (30, [-1.0320120124139647, 1.1664035577157927]),
            ],
        );
        assert_eq!(keys(&*opt), ["exp_avg", "exp_avg_sq", "step"]);
    }

    #[test]
    fn matches_pytorch_optimizer_with_decoupled_decay() {
        // ADOPT(lr=0.02, betas=(0.5, 0.99), weight_decay=0.2,
        // weight_decouple=True) on Himmelblau from (1, 1): θ decays at the
        // first step too.
        check_path(
            &DEF,
            &[
                ("betas", HyperValue::Pair([0.5, 0.99])),
                ("weight_decay", HyperValue::Number(0.2)),
                ("weight_decouple", HyperValue::Flag(true)),
            ],
            himmelblau,
            [1.0, 1.0],
            0.02,
            &[
                (1, [0.996, 0.996]),
                (2, [1.0020002852730434, 1.002013819014737]),
                (10, [1.1206755031514453, 1.1185588105898105]),
            ],
        );
    }

    #[test]
    fn clamping_keeps_nan() {
        assert!(clamp(f64::NAN, -1.0, 1.0).is_nan());
        assert_eq!(clamp(3.0, -1.0, 1.0), 1.0);
        assert_eq!(clamp(-3.0, -1.0, 1.0), -1.0);
    }
}
