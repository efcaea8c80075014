//! The weight decay of the `pytorch_optimizer` classes (Lion, AdaBelief,
//! ADOPT, AdEMAMix): one rule with two switches, `weight_decouple` (shrink θ
//! itself, as AdamW does, instead of adding λθ to the gradient) and
//! `fixed_decay` (shrink it by λ rather than by γλ).

use crate::hyper::{flag, Hyper, HyperKind, HyperSpec, HyperValue, WEIGHT_DECAY};

/// The weight decay one of those optimizers applies before its update.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WeightDecay {
    weight_decay: f64,
    decouple: bool,
    fixed: bool,
}

impl WeightDecay {
    /// From the optimizer's `weight_decay`, `weight_decouple` and `fixed_decay`.
    pub(crate) fn new(h: &Hyper) -> WeightDecay {
        WeightDecay {
            weight_decay: h.num("weight_decay"),
            decouple: h.flag("weight_decouple"),
            fixed: h.flag("fixed_decay"),
        }
    }

    /// Decays one coordinate at learning rate `lr` and returns the gradient
    /// the update goes on with: θ ← θ(1 − γλ), or θ(1 − λ) with
    /// `fixed_decay`, when decoupled; otherwise g + λθ. Nothing at λ = 0.
    pub(crate) fn apply(&self, p: &mut f64, g: f64, lr: f64) -> f64 {
        let wd = self.weight_decay;
        if wd == 0.0 {
            return g;
        }
        if self.decouple {
            let scale = if self.fixed { 1.0 } else { lr };
            *p *= 1.0 - wd * scale;
            g
        } else {
            g + wd * *p
        }
    }
}

/// The three keys, in the order the classes take them; `decouple` is the
/// class's default for `weight_decouple` (Lion and AdaBelief decouple,
/// ADOPT and AdEMAMix do not).
pub(crate) const fn keys(decouple: bool) -> [HyperSpec; 3] {
    [
        WEIGHT_DECAY_ANY,
        HyperSpec {
            name: "weight_decouple",
            kind: HyperKind::Flag,
            default: HyperValue::Flag(decouple),
            doc: "shrink θ itself before the step (as AdamW) instead of adding λθ to g",
            parts: ["", ""],
        },
        flag(
            "fixed_decay",
            "with weight_decouple, shrink θ by λ instead of γλ, whatever the learning rate",
        ),
    ]
}

/// `weight_decay` as these classes read it: λθ added to g, or θ shrunk when
/// decoupled.
const WEIGHT_DECAY_ANY: HyperSpec = HyperSpec {
    doc: "weight decay λ: g ← g + λθ, or θ shrunk by γλ (λ with fixed_decay) when weight_decouple",
    ..WEIGHT_DECAY
};

/// The rule's line for it.
pub(crate) const RULE: &str = "θ ← θ(1 − γλ)  (weight_decouple; θ(1 − λ) with fixed_decay)";
/// The second line of the decay's rule: without `weight_decouple`.
pub(crate) const RULE_COUPLED: &str = "g ← g + λθ  (without weight_decouple)";

/// For the tests of the optimizers that share this decay: the gradients of
/// three surfaces, and the points of a run with some keys changed.
#[cfg(test)]
pub(crate) mod testing {
    use crate::hyper::{HyperValue, OptimizerDef};

    /// ∇ of (1 − x)² + 100(y − x²)².
    pub fn rosenbrock([x, y]: [f64; 2]) -> [f64; 2] {
        let v = y - x * x;
        [-2.0 * (1.0 - x) - 4.0 * 100.0 * x * v, 2.0 * 100.0 * v]
    }

    /// ∇ of (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
    pub fn beale([x, y]: [f64; 2]) -> [f64; 2] {
        let t1 = 1.5 - x + x * y;
        let t2 = 2.25 - x + x * y * y;
        let t3 = 2.625 - x + x * y * y * y;
        let y2 = y * y;
        [
            2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y2 * y - 1.0),
            2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y2,
        ]
    }

    /// ∇ of (x² + y − 11)² + (x + y² − 7)².
    pub fn himmelblau([x, y]: [f64; 2]) -> [f64; 2] {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
    }

    /// Runs `def` with `settings` from `start` at `lr` and checks the points
    /// after the steps in `want` (step number, point) within 1e-12 relative:
    /// the reference's lerp_ and add_ round once (a fused multiply-add),
    /// these twice, so the last bits may differ.
    pub fn check_path(
        def: &OptimizerDef,
        settings: &[(&'static str, HyperValue)],
        grad: fn([f64; 2]) -> [f64; 2],
        start: [f64; 2],
        lr: f64,
        want: &[(usize, [f64; 2])],
    ) -> Box<dyn crate::Optimizer> {
        let mut h = def.defaults();
        for &(k, v) in settings {
            assert!(def.spec(k).is_some(), "{k}");
            h.values.insert(k, v);
        }
        (def.check)(&h, "optimizers[0]").unwrap();
        let mut opt = (def.build.two)(&h);
        let mut p = start;
        let last = want.iter().map(|w| w.0).max().unwrap_or(0);
        for step in 1..=last {
            let g = grad(p);
            opt.step(&mut p, &g, lr);
            for (_, w) in want.iter().filter(|w| w.0 == step) {
                for k in 0..2 {
                    let err = (p[k] - w[k]).abs() / w[k].abs().max(1.0);
                    assert!(err <= 1e-12, "step {step}: {p:?}, want {w:?}");
                }
            }
        }
        opt
    }

    /// The keys of a state, in order.
    pub fn keys(opt: &dyn crate::Optimizer) -> Vec<&'static str> {
        opt.state().0.iter().map(|(k, _)| *k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decay(wd: f64, decouple: bool, fixed: bool) -> WeightDecay {
        WeightDecay {
            weight_decay: wd,
            decouple,
            fixed,
        }
    }

    #[test]
    fn the_three_ways_of_decaying() {
        let (mut p, g, lr) = (2.0, 0.5, 0.1);
        assert_eq!(
            decay(0.25, false, false).apply(&mut p, g, lr),
            0.5 + 0.25 * 2.0
        );
        assert_eq!(p, 2.0);
        assert_eq!(decay(0.25, true, false).apply(&mut p, g, lr), 0.5);
        assert_eq!(p, 2.0 * (1.0 - 0.025));
        let mut q = 2.0;
        assert_eq!(decay(0.25, true, true).apply(&mut q, g, lr), 0.5);
        assert_eq!(q, 1.5);
        let mut r = 2.0;
        assert_eq!(decay(0.0, true, true).apply(&mut r, g, lr), 0.5);
        assert_eq!(r, 2.0);
    }
}
