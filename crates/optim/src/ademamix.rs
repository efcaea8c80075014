//! `pytorch_optimizer.AdEMAMix`: Adam whose step mixes two momenta, the
//! usual fast one (β₁) and a slow one (β₃, remembering thousands of steps)
//! weighted by α; α and β₃ can be warmed up over `t_alpha_beta3` steps.

use crate::decay::{self, WeightDecay};
use crate::hyper::{eps, number, Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin};
use crate::optimizer::{lerp, power_of_step, Optimizer, Params, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// `pytorch_optimizer.AdEMAMix`'s state over the coordinates of `V`:
/// `exp_avg`, `exp_avg_sq`, `exp_avg_slow`, and the step count the class
/// keeps in its param group. (The hidden `**kwargs` variants `cautious` and
/// `stable_adamw` are not offered.)
pub struct AdEMAMix<V> {
    betas: [f64; 3],
    decay: WeightDecay,
    alpha: f64,
    t_alpha_beta3: Option<f64>,
    eps: f64,
    step: u64,
    m: V,
    v: V,
    slow: V,
}

impl<V: Params> AdEMAMix<V> {
    fn new(h: &Hyper, zero: V) -> AdEMAMix<V> {
        AdEMAMix {
            betas: h.triple("betas"),
            decay: WeightDecay::new(h),
            alpha: h.num("alpha"),
            t_alpha_beta3: h.maybe_num("t_alpha_beta3"),
            eps: h.num("eps"),
            step: 0,
            m: zero.clone(),
            v: zero.clone(),
            slow: zero,
        }
    }
}

/// Python's `min(a, b)`: `a` unless `b` is smaller (so a NaN `a` stays).
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// α and β₃ at step `t`: α rises linearly to its value over the warm-up,
/// and β₃ from β₁ to its value so that the slow momentum's half-life grows
/// linearly; both are their values without a warm-up.
pub fn schedule(alpha: f64, b1: f64, b3: f64, warmup: Option<f64>, t: u64) -> (f64, f64) {
    let Some(warm) = warmup else {
        return (alpha, b3);
    };
    let t = t as f64;
    let alpha_t = py_min(t * alpha / warm, alpha);
    let (log_b1, log_b3) = (libm::log(b1), libm::log(b3));
    let f = t / warm;
    let b3_t = py_min(
        libm::exp(log_b1 * log_b3 / ((1.0 - f) * log_b3 + f * log_b1)),
        b3,
    );
    (alpha_t, b3_t)
}

impl<V: Params> Optimizer<V> for AdEMAMix<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let t = self.step;
        let [b1, b2, b3] = self.betas;
        let bias_correction1 = 1.0 - power_of_step(b1, t);
        let bias_correction2_sqrt = (1.0 - power_of_step(b2, t)).sqrt();
        let (alpha_t, b3_t) = schedule(self.alpha, b1, b3, self.t_alpha_beta3, t);
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let m = &mut self.m.as_mut()[..n];
        let v = &mut self.v.as_mut()[..n];
        let slow = &mut self.slow.as_mut()[..n];
        for i in 0..n {
            let g = self.decay.apply(&mut p[i], grad[i], lr);
            m[i] = lerp(m[i], g, 1.0 - b1);
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            slow[i] = lerp(slow[i], g, 1.0 - b3_t);
            let denom = v[i].sqrt() / bias_correction2_sqrt + self.eps;
            let update = m[i] / bias_correction1 + alpha_t * slow[i];
            // torch's addcdiv_ scales the numerator before dividing: θ + (−γ·u)/d.
            p[i] += -lr * update / denom;
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
            .vector("exp_avg_slow", &self.slow)
            .number("step", self.step as f64)
    }
}

/// The class checks β₁, β₂ ∈ [0, 1) and β₃ ∈ [0, 1] (the triple's range is
/// the wider one); the warm-up takes the logarithms of β₁ and β₃, which
/// Python refuses at 0.
fn check(h: &Hyper, field: &str) -> Result<(), ConfigError> {
    let [b1, b2, b3] = h.triple("betas");
    if !(b1 < 1.0 && b2 < 1.0) {
        return Err(ConfigError::new(
            format!("{field}.betas"),
            format!("β₁ and β₂ must be in [0, 1) (β₃ in [0, 1]), got ({b1}, {b2}, {b3})"),
        ));
    }
    if h.maybe_num("t_alpha_beta3").is_some() && !(b1 > 0.0 && b3 > 0.0) {
        return Err(ConfigError::new(
            format!("{field}.betas"),
            format!(
                "β₁ and β₃ must be > 0 when t_alpha_beta3 is set (its warm-up takes their logarithms), got ({b1}, {b2}, {b3})"
            ),
        ));
    }
    Ok(())
}

const HYPER: &[HyperSpec] = &{
    let [weight_decay, weight_decouple, fixed_decay] = decay::keys(false);
    [
        HyperSpec {
            name: "betas",
            kind: HyperKind::Triple(Range::closed(0.0, 1.0), ["β₁", "β₂", "β₃"]),
            default: HyperValue::Triple([0.9, 0.999, 0.9999]),
            doc: "decay rates of the fast momentum, the second moment and the slow momentum",
            parts: ["", ""],
        },
        weight_decay,
        weight_decouple,
        fixed_decay,
        number(
            "alpha",
            5.0,
            Range::at_least(0.0),
            "weight α of the slow momentum in the step, beside the fast one",
        ),
        HyperSpec {
            name: "t_alpha_beta3",
            // The class accepts 0, then divides by it at the first step.
            kind: HyperKind::MaybeNumber(Range::above(0.0), "no warm-up of alpha and β₃"),
            default: HyperValue::MaybeNumber(None),
            doc:
                "steps over which α rises from 0 and β₃ from β₁ to their values (null: no warm-up)",
            parts: ["", ""],
        },
        eps(1e-8),
    ]
};

/// `pytorch_optimizer.AdEMAMix`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "ademamix",
    title: "AdEMAMix",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        decay::RULE,
        decay::RULE_COUPLED,
        "αₜ = min(tα/T, α)  (T = t_alpha_beta3; else αₜ = α)",
        "β₃ₜ = min(exp(ln β₁ ln β₃ / ((1 − t/T) ln β₃ + (t/T) ln β₁)), β₃)",
        "m ← β₁m + (1 − β₁)g",
        "v ← β₂v + (1 − β₂)g²",
        "s ← β₃ₜs + (1 − β₃ₜ)g",
        "θ ← θ − γ(m/(1 − β₁ᵗ) + αₜs) / (√v / √(1 − β₂ᵗ) + ε)",
    ],
    check,
    build: builders!(|h, zero, _shapes| AdEMAMix::new(h, zero)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_path, himmelblau, keys};

    fn with(settings: &[(&'static str, HyperValue)]) -> Hyper {
        let mut h = DEF.defaults();
        for &(k, v) in settings {
            h.values.insert(k, v);
        }
        h
    }

    #[test]
    fn matches_pytorch_optimizer_with_a_warm_up() {
        // pytorch_optimizer 4.1.0's AdEMAMix(lr=0.02, betas=(0.9, 0.99,
        // 0.999), alpha=2.0, t_alpha_beta3=10.0, foreach=False) in float64 on
        // Himmelblau from (0, 0), p.grad set to the same formula.
        let opt = check_path(
            &DEF,
            &[
                ("betas", HyperValue::Triple([0.9, 0.99, 0.999])),
                ("alpha", HyperValue::Number(2.0)),
                ("t_alpha_beta3", HyperValue::MaybeNumber(Some(10.0))),
            ],
            himmelblau,
            [0.0, 0.0],
            0.02,
            &[
                (1, [0.02003669963766294, 0.020036699642867275]),
                (5, [0.10136995214070121, 0.10124080612726837]),
                (20, [0.4297724383584544, 0.4248405763209988]),
            ],
        );
        assert_eq!(
            keys(&*opt),
            ["exp_avg", "exp_avg_sq", "exp_avg_slow", "step"]
        );
        // The class's schedule_alpha(10, 3, 2) and schedule_beta3(10, t, 0.9,
        // 0.999) at t = 3 and 30.
        let (alpha, b3) = schedule(2.0, 0.9, 0.999, Some(10.0), 3);
        assert_eq!(alpha, 0.6);
        assert!((b3 - 0.9967426084295136).abs() < 1e-15);
        assert_eq!(schedule(2.0, 0.9, 0.999, Some(10.0), 30), (2.0, 0.999));
        assert_eq!(schedule(2.0, 0.9, 0.999, None, 3), (2.0, 0.999));
    }

    #[test]
    fn betas_are_checked_as_the_class_does() {
        let check = |b: [f64; 3], warm: Option<f64>| {
            let h = with(&[
                ("betas", HyperValue::Triple(b)),
                ("t_alpha_beta3", HyperValue::MaybeNumber(warm)),
            ]);
            (DEF.check)(&h, "optimizers[0]")
        };
        assert!(check([0.9, 0.999, 1.0], None).is_ok());
        assert!(check([0.0, 0.999, 0.0], None).is_ok());
        let err = check([1.0, 0.999, 0.9999], None).unwrap_err().to_string();
        assert!(
            err.starts_with("optimizers[0].betas: β₁ and β₂ must be in [0, 1)"),
            "{err}"
        );
        assert!(check([0.9, 1.0, 0.9999], None).is_err());
        assert!(check([0.9, 0.999, 0.0], Some(5.0)).is_err());
        assert!(check([0.0, 0.999, 0.9], Some(5.0)).is_err());
        assert!(check([0.9, 0.999, 1.0], Some(5.0)).is_ok());
    }
}
