//! `rule`: an optimizer whose update is typed by its user in the formula
//! language (`optiviz_expr::rule`), with named numbers (its hyperparameters)
//! and state variables, each starting from a number.

use crate::hyper::{no_cross_checks, Hyper, OptimizerDef, Origin, WEIGHT_DECAY};
use crate::optimizer::{Optimizer, Params, State};
use crate::typed::{Rule, NAME};
use optiviz_expr::rule::Work;
use std::sync::Arc;

/// A typed rule's state over the coordinates of `V`: its step count and
/// each state variable.
pub struct RuleOptimizer<V> {
    rule: Arc<Rule>,
    weight_decay: f64,
    hyper: Vec<f64>,
    state: Vec<V>,
    step: u64,
    /// The loss at the point the next step starts from.
    loss: f64,
    /// The gradient with weight decay added, when there is decay.
    decayed: V,
    work: Work,
}

impl<V: Params> RuleOptimizer<V> {
    fn new(h: &Hyper, zero: V) -> RuleOptimizer<V> {
        let rule = h.rule();
        RuleOptimizer {
            weight_decay: h.num("weight_decay"),
            hyper: rule.hyper.iter().map(|(_, v)| *v).collect(),
            state: rule.state.iter().map(|(_, v)| zero.filled(*v)).collect(),
            rule,
            step: 0,
            loss: f64::NAN,
            decayed: zero,
            work: Work::default(),
        }
    }
}

impl<V: Params> Optimizer<V> for RuleOptimizer<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.step += 1;
        let g: &[f64] = if self.weight_decay != 0.0 {
            let wd = self.weight_decay;
            let p = params.as_ref();
            for ((d, g), p) in self.decayed.as_mut().iter_mut().zip(grad.as_ref()).zip(p) {
                *d = g + wd * p;
            }
            self.decayed.as_ref()
        } else {
            grad.as_ref()
        };
        self.rule.program.step(
            &mut self.work,
            params.as_mut(),
            g,
            &mut self.state,
            lr,
            self.step as f64,
            self.loss,
            &self.hyper,
        );
    }

    fn see_loss(&mut self, loss: f64) {
        self.loss = loss;
    }

    fn state(&self) -> State {
        let mut s = State::counted(self.step);
        for ((name, _), v) in self.rule.state.iter().zip(&self.state) {
            s = s.vector(name.clone(), v);
        }
        s
    }

    fn run_work(&self, n: usize, steps: u32) -> f64 {
        (self.rule.program.work() as f64).max(crate::UPDATE_WORK) * n as f64 * steps as f64
    }

    fn state_size(&self, n: usize, _steps: u32) -> f64 {
        (self.state.len() + 2) as f64 * n as f64
    }
}

/// The typed rule's entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: NAME,
    title: "Your own rule",
    default_lr: 0.01,
    hyper: &[WEIGHT_DECAY],
    rule: &[
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "each line of the typed rule, in order, over every coordinate",
    ],
    check: no_cross_checks,
    // A point steps through its own build: a typed rule runs beside the
    // built-in optimizers in sweeps and basin maps.
    build: builders!(point | h, zero | RuleOptimizer::new(h, zero)),
    wraps: None,
    origin: Origin::Own,
    series: None,
};
