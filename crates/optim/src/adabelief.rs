//! `pytorch_optimizer.AdaBelief`: Adam whose second moment is the running
//! variance of the gradient around its own mean (how far the gradient strays
//! from what the momentum "believes"), so steps grow where gradients agree;
//! optionally rectified as RAdam is, and bounded as AMSGrad is.

use crate::decay::{self, WeightDecay};
use crate::hyper::{
    eps, flag, no_cross_checks, Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin,
    BETAS,
};
use crate::optimizer::{lerp, power_of_step, Optimizer, Params, State};

/// `pytorch_optimizer.AdaBelief`'s state over the coordinates of `V`:
/// `exp_avg`, `exp_avg_var`, `max_exp_avg_var` with `ams_bound`, and the
/// step count the class keeps in its param group. (The hidden `**kwargs`
/// variants `adanorm` and `adam_debias` are not offered.)
pub struct AdaBelief<V> {
    betas: [f64; 2],
    decay: WeightDecay,
    eps: f64,
    rectify: bool,
    n_sma_threshold: f64,
    degenerated_to_sgd: bool,
    ams_bound: bool,
    step: u64,
    m: V,
    s: V,
    s_max: V,
}

impl<V: Params> AdaBelief<V> {
    fn new(h: &Hyper, zero: V) -> AdaBelief<V> {
        AdaBelief {
            betas: h.pair("betas"),
            decay: WeightDecay::new(h),
            eps: h.num("eps"),
            rectify: h.flag("rectify"),
            n_sma_threshold: h.count("n_sma_threshold").unwrap_or(5) as f64,
            degenerated_to_sgd: h.flag("degenerated_to_sgd"),
            ams_bound: h.flag("ams_bound"),
            step: 0,
            m: zero.clone(),
            s: zero.clone(),
            s_max: zero,
        }
    }
}

/// The learning rate the rectified update scales (`lr · r`, with −1 for r
/// when the moving average is still too short and the class neither falls
/// back to SGD nor steps), and ρₜ, the length of the approximated simple
/// moving average, at step `t`. Where ρₜ ≥ the threshold lies in (2, 4) the
/// root is of a negative number: pytorch_optimizer raises there, this gives NaN.
fn rectified(lr: f64, b2: f64, t: u64, threshold: f64, degenerated_to_sgd: bool) -> (f64, f64) {
    let rho_inf = 2.0 / (1.0 - b2) - 1.0;
    let b2_t = power_of_step(b2, t);
    let rho_t = rho_inf - 2.0 * t as f64 * b2_t / (1.0 - b2_t);
    let r = if rho_t >= threshold {
        ((1.0 - b2_t) * (rho_t - 4.0) / (rho_inf - 4.0) * (rho_t - 2.0) / rho_t * rho_inf
            / (rho_inf - 2.0))
            .sqrt()
    } else if degenerated_to_sgd {
        1.0
    } else {
        -1.0
    };
    (lr * r, rho_t)
}

impl<V: Params> Optimizer<V> for AdaBelief<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let t = self.step;
        let [b1, b2] = self.betas;
        let bias_correction1 = 1.0 - power_of_step(b1, t);
        let (rate, rho_t) = if self.rectify {
            rectified(lr, b2, t, self.n_sma_threshold, self.degenerated_to_sgd)
        } else {
            (lr, 0.0)
        };
        let step_size = rate / bias_correction1;
        let bias_correction2_sqrt = (1.0 - power_of_step(b2, t)).sqrt();
        // With rectification and a short moving average: a momentum step, or
        // none at all (step_size < 0) without `degenerated_to_sgd`.
        let adaptive = !self.rectify || rho_t >= self.n_sma_threshold;
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let s = &mut self.s.as_mut()[..n];
        let s_max = &mut self.s_max.as_mut()[..n];
        for i in 0..n {
            let g = self.decay.apply(&mut p[i], grad[i], lr);
            m[i] = lerp(m[i], g, 1.0 - b1);
            let residual = g - m[i];
            s[i] = b2 * s[i] + (1.0 - b2) * residual * residual + self.eps;
            let second = if self.ams_bound {
                s_max[i] = maximum(s_max[i], s[i]);
                s_max[i]
            } else {
                s[i]
            };
            let root = second.sqrt();
            // torch's addcdiv_ scales the numerator before dividing: θ + (−step_size·m)/d.
            if !self.rectify {
                let denom = root / bias_correction2_sqrt + self.eps;
                p[i] += -step_size * m[i] / denom;
            } else if adaptive {
                p[i] += -step_size * m[i] / (root + self.eps);
            } else if step_size > 0.0 {
                p[i] += -step_size * m[i];
            }
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.betas[0] = beta1;
    }

    fn state(&self) -> State {
        let s = State::default()
            .vector("exp_avg", &self.m)
            .vector("exp_avg_var", &self.s);
        let s = if self.ams_bound {
            s.vector("max_exp_avg_var", &self.s_max)
        } else {
            s
        };
        // The class counts steps in its param group, not per parameter.
        s.number("step", self.step as f64)
    }
}

/// torch's `maximum`: the larger, NaN if either is.
pub(crate) fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

const HYPER: &[HyperSpec] = &{
    let [weight_decay, weight_decouple, fixed_decay] = decay::keys(true);
    [
        HyperSpec {
            doc: "decay rates of the gradient's mean and of its variance around that mean",
            ..BETAS
        },
        weight_decay,
        weight_decouple,
        fixed_decay,
        flag(
            "rectify",
            "rectify the adaptive step as RAdam does while the variance estimate is young",
        ),
        HyperSpec {
            name: "n_sma_threshold",
            kind: HyperKind::Count {
                min: 0,
                max: 1_000_000,
                none: false,
            },
            default: HyperValue::Count(Some(5)),
            doc: "with rectify, the length ρₜ of the moving average from which the adaptive step is taken",
            parts: ["", ""],
        },
        HyperSpec {
            name: "degenerated_to_sgd",
            kind: HyperKind::Flag,
            default: HyperValue::Flag(true),
            doc: "with rectify, take momentum steps before ρₜ reaches the threshold (otherwise stand still)",
            parts: ["", ""],
        },
        flag(
            "ams_bound",
            "use the running maximum of the variance (AMSGrad's bound)",
        ),
        eps(1e-16),
    ]
};

/// `pytorch_optimizer.AdaBelief`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adabelief",
    title: "AdaBelief",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        decay::RULE,
        decay::RULE_COUPLED,
        "m ← β₁m + (1 − β₁)g",
        "s ← β₂s + (1 − β₂)(g − m)² + ε",
        "ŝ ← max(ŝ, s)  (ams_bound; else ŝ ← s)",
        "θ ← θ − γ/(1 − β₁ᵗ) · m / (√ŝ / √(1 − β₂ᵗ) + ε)  (without rectify)",
        "ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)  (with rectify)",
        "r = √((1 − β₂ᵗ)(ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))",
        "θ ← θ − γr/(1 − β₁ᵗ) · m / (√ŝ + ε)  (if ρₜ ≥ n_sma_threshold)",
        "θ ← θ − γm/(1 − β₁ᵗ)  (else, if degenerated_to_sgd)",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero, _shapes| AdaBelief::new(h, zero)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{beale, check_path, himmelblau, keys};

    // Points of pytorch_optimizer 4.1.0's AdaBelief (foreach=False, float64),
    // p.grad set to the same formulas as these tests.

    #[test]
    fn matches_pytorch_optimizer_at_its_defaults() {
        // AdaBelief(lr=0.02) on Beale from (1, 1.4).
        let opt = check_path(
            &DEF,
            &[],
            beale,
            [1.0, 1.4],
            0.02,
            &[
                (1, [0.9777777777777777, 1.3777777777777778]),
                (5, [0.8799413768500327, 1.2791523823873632]),
                (20, [0.5916635817312274, 0.9009616936971336]),
            ],
        );
        assert_eq!(keys(&*opt), ["exp_avg", "exp_avg_var", "step"]);
    }

    #[test]
    fn matches_pytorch_optimizer_rectified_and_bounded() {
        // AdaBelief(lr=0.02, rectify=True, ams_bound=True, n_sma_threshold=4,
        // degenerated_to_sgd=False, weight_decay=0.1) on Himmelblau from
        // (1, 1): ρₜ < 4 for four steps, where θ only decays.
        let opt = check_path(
            &DEF,
            &[
                ("rectify", HyperValue::Flag(true)),
                ("ams_bound", HyperValue::Flag(true)),
                ("n_sma_threshold", HyperValue::Count(Some(4))),
                ("degenerated_to_sgd", HyperValue::Flag(false)),
                ("weight_decay", HyperValue::Number(0.1)),
            ],
            himmelblau,
            [1.0, 1.0],
            0.02,
            &[
                (1, [0.998, 0.998]),
                (4, [0.992023968016, 0.992023968016]),
                (5, [0.9905045277610937, 0.9905046101839264]),
                (12, [0.9863517655547775, 0.9863576331720993]),
            ],
        );
        assert_eq!(
            keys(&*opt),
            ["exp_avg", "exp_avg_var", "max_exp_avg_var", "step"]
        );
    }

    #[test]
    fn a_threshold_in_the_negative_root_gives_nan() {
        // ρ₃ ≈ 2.99 for β₂ = 0.999: the rectification's radicand is negative,
        // where pytorch_optimizer raises "math domain error".
        let (rate, rho) = rectified(0.1, 0.999, 3, 2.0, true);
        assert!(rho > 2.0 && rho < 4.0 && rate.is_nan());
        let (rate, _) = rectified(0.1, 0.999, 3, 5.0, false);
        assert_eq!(rate, -0.1);
    }
}
