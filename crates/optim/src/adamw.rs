//! `torch.optim.AdamW`: Adam with decoupled weight decay, which shrinks the
//! parameters directly instead of adding λθ to the gradient.

use super::adam::Adam;
use crate::hyper::{eps, flag, no_cross_checks, number, HyperSpec, OptimizerDef, Origin, BETAS};
use optiviz_base::spec::Range;

const HYPER: &[HyperSpec] = &[
    BETAS,
    eps(1e-8),
    number(
        "weight_decay",
        1e-2,
        Range::at_least(0.0),
        "decoupled weight decay: θ ← θ(1 − γλ) before each step",
    ),
    flag(
        "amsgrad",
        "use the running maximum of the second moment (AMSGrad)",
    ),
];

/// `torch.optim.AdamW`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "adamw",
    title: "AdamW",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "θ ← θ(1 − γλ)",
        "m ← β₁m + (1 − β₁)g",
        "v ← β₂v + (1 − β₂)g²",
        "v̂ ← max(v̂, v) if amsgrad, else v̂ ← v",
        "θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)",
    ],
    check: no_cross_checks,
    build: builders!(point | h, zero | Adam::new(h, zero, true)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};
