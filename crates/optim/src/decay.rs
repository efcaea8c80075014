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
