//! `torch.optim.Rprop`: each coordinate moves by its own step size in the
//! direction of the gradient's sign; the step size grows while the sign holds
//! and shrinks when it flips (and then that coordinate waits a step).

use crate::hyper::{pair, Hyper, HyperSpec, OptimizerDef, Origin};
use crate::optimizer::{Optimizer, Params, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// `torch.optim.Rprop`'s state over the coordinates of `V`: the previous
/// gradient `prev` and each coordinate's `step_size`.
pub struct Rprop<V> {
    etas: [f64; 2],
    step_sizes: [f64; 2],
    step: u64,
    prev: V,
    /// Each coordinate's step size; set to the learning rate at the first step.
    step_size: Option<V>,
}

impl<V: Params> Rprop<V> {
    fn new(h: &Hyper, zero: V) -> Rprop<V> {
        Rprop {
            etas: h.pair("etas"),
            step_sizes: h.pair("step_sizes"),
            step: 0,
            prev: zero,
            step_size: None,
        }
    }
}

/// torch's `sign`: −1, 0 or 1 (NaN stays NaN).
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

impl<V: Params> Optimizer<V> for Rprop<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let [etaminus, etaplus] = self.etas;
        let [lo, hi] = self.step_sizes;
        // torch fills the step sizes with the learning rate once, at the
        // first step; a schedule changes nothing after that.
        let step_size = self.step_size.get_or_insert_with(|| grad.filled(lr));
        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let step_size = &mut step_size.as_mut()[..n];
        let prev = &mut self.prev.as_mut()[..n];
        for i in 0..n {
            let s = sign(grad[i] * prev[i]);
            let factor = if s > 0.0 {
                etaplus
            } else if s < 0.0 {
                etaminus
            } else {
                1.0
            };
            // clamp_(min, max): the max wins when min > max, as in torch.
            step_size[i] = (step_size[i] * factor).max(lo).min(hi);
            // Where the sign flipped the gradient counts as zero: no move now,
            // and no flip to see next time.
            let g = if factor == etaminus { 0.0 } else { grad[i] };
            p[i] += -(sign(g) * step_size[i]);
            prev[i] = g;
        }
    }

    fn state(&self) -> State {
        let s = State::counted(self.step).vector("prev", &self.prev);
        match &self.step_size {
            Some(step_size) => s.vector("step_size", step_size),
            None => s.vector("step_size", self.prev.filled(0.0)),
        }
    }
}

fn check(h: &Hyper, field: &str) -> Result<(), ConfigError> {
    let [etaminus, etaplus] = h.pair("etas");
    if !(etaminus < 1.0 && 1.0 < etaplus) {
        return Err(ConfigError::new(
            format!("{field}.etas"),
            format!("must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus, got ({etaminus}, {etaplus})"),
        ));
    }
    Ok(())
}

const HYPER: &[HyperSpec] = &[
    pair(
        "etas",
        [0.5, 1.2],
        Range::above(0.0),
        "(etaminus, etaplus): a step size is multiplied by etaplus while its gradient keeps its sign, by etaminus when the sign flips",
        ["η₋", "η₊"],
    ),
    pair(
        "step_sizes",
        [1e-6, 50.0],
        Range::at_least(0.0),
        "(min, max): the smallest and largest step size allowed",
        ["min", "max"],
    ),
];

/// `torch.optim.Rprop`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "rprop",
    title: "Rprop",
    default_lr: 1e-2,
    hyper: HYPER,
    rule: &[
        "s ← γ at the first step",
        "s ← clamp(s · (η₊ if g·g′ > 0, η₋ if g·g′ < 0, else 1), min, max)",
        "g ← 0 where g·g′ < 0",
        "θ ← θ − sign(g) · s,  g′ ← g",
    ],
    check,
    build: builders!(|h, zero| Rprop::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::DEF;
    use crate::hyper::HyperValue;

    #[test]
    fn etas_must_straddle_one() {
        let check = |etas: [f64; 2]| {
            let mut h = DEF.defaults();
            h.values.insert("etas", HyperValue::Pair(etas));
            (DEF.check)(&h, "optimizers[0]")
        };
        let err = check([1.2, 0.5]).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "optimizers[0].etas: must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus"
            ),
            "{err}"
        );
        assert!(check([0.4, 1.3]).is_ok());
    }
}
