//! `Lookahead` from pytorch_optimizer 4.1.0: a base optimizer takes k fast
//! steps, then the weights are pulled back part of the way to where they
//! were k steps before (the slow weights), and that becomes the new start.

use crate::hyper::{number, Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin, Wraps};
use crate::optimizer::{lerp, Optimizer, Params, Shape, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// What Lookahead does with the base's momentum buffer when it pulls back.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pullback {
    /// Leaves it.
    None,
    /// Empties it (zeros).
    Reset,
    /// Pulls it back toward its own slow copy, as the weights are.
    Back,
}

/// Lookahead's slow weights and counter around the base optimizer.
pub struct Lookahead<V: Params> {
    k: u32,
    alpha: f64,
    pullback: Pullback,
    base: Box<dyn Optimizer<V>>,
    counter: u32,
    /// The weights as they were at the last pull-back (the start at first).
    slow: Option<V>,
    /// The momentum buffer's slow copy, with `pullback`.
    slow_momentum: Option<V>,
}

impl<V: Params> Lookahead<V> {
    fn new(h: &Hyper, base: Box<dyn Optimizer<V>>) -> Lookahead<V> {
        Lookahead {
            k: h.count("k").expect("k is a whole number"),
            alpha: h.num("alpha"),
            pullback: match h.choice("pullback_momentum") {
                Some("reset") => Pullback::Reset,
                Some("pullback") => Pullback::Back,
                _ => Pullback::None,
            },
            base,
            counter: 0,
            slow: None,
            slow_momentum: None,
        }
    }
}

impl<V: Params> Optimizer<V> for Lookahead<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        // The slow weights start as the weights before the first step.
        let slow = self.slow.get_or_insert_with(|| params.clone());
        if self.pullback == Pullback::Back && self.slow_momentum.is_none() {
            self.slow_momentum = Some(params.filled(0.0));
        }
        self.base.step(params, grad, lr);
        self.counter += 1;
        if self.counter < self.k {
            return;
        }
        self.counter = 0;
        let weight = 1.0 - self.alpha;
        for (p, s) in params.as_mut().iter_mut().zip(slow.as_mut()) {
            *p = lerp(*p, *s, weight);
            *s = *p;
        }
        match self.pullback {
            Pullback::None => {}
            Pullback::Reset => self.base.set_momentum_buffer(params.filled(0.0)),
            Pullback::Back => {
                let mut buffer = self
                    .base
                    .momentum_buffer()
                    .unwrap_or_else(|| params.filled(0.0));
                let slow_m = self.slow_momentum.as_mut().expect("made at the first step");
                for (b, s) in buffer.as_mut().iter_mut().zip(slow_m.as_mut()) {
                    *b = lerp(*b, *s, weight);
                    *s = *b;
                }
                self.base.set_momentum_buffer(buffer);
            }
        }
    }

    fn state(&self) -> State {
        // The base's state, then Lookahead's own.
        let mut s = self.base.state();
        if let Some(slow) = &self.slow {
            s = s.vector("slow_params", slow);
        }
        if let Some(m) = &self.slow_momentum {
            s = s.vector("slow_momentum", m);
        }
        s.number("counter", self.counter as f64)
    }

    fn run_work(&self, n: usize, steps: u32) -> f64 {
        self.base.run_work(n, steps) + 2.0 * n as f64 * steps as f64
    }

    fn state_size(&self, n: usize, steps: u32) -> f64 {
        self.base.state_size(n, steps) + 2.0 * n as f64
    }

    fn momentum(&self) -> Option<f64> {
        self.base.momentum()
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.base.set_momentum(momentum)
    }

    fn series_point(&self) -> Option<V> {
        self.slow.clone()
    }

    fn readout(&self) -> Option<(&'static str, f64)> {
        self.base.readout()
    }
}

const HYPER: &[HyperSpec] = &[
    HyperSpec {
        name: "k",
        kind: HyperKind::Count {
            min: 1,
            max: 1000,
            none: false,
        },
        default: HyperValue::Count(Some(5)),
        doc: "fast steps of the base optimizer between pull-backs",
        parts: ["", ""],
    },
    number(
        "alpha",
        0.5,
        Range::closed_open(0.0, 1.0),
        "how far the weights move from the slow weights toward the fast ones",
    ),
    HyperSpec {
        name: "pullback_momentum",
        kind: HyperKind::Word(&["none", "reset", "pullback"]),
        default: HyperValue::Choice(Some("none")),
        doc: "what a pull-back does to the base's momentum buffer: keep, zero it, or pull it back too",
        parts: ["", ""],
    },
];

fn no_checks(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

/// Lookahead's entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "lookahead",
    title: "Lookahead",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "θ ← the base's step from θ with g",
        "θ ← φ + α(θ − φ),  φ ← θ  (every k steps; φ: the slow weights)",
    ],
    check: no_checks,
    build: crate::hyper::Build {
        two: |h| {
            Box::new(crate::on_point::OnPoint::new((DEF.build.many)(
                h,
                &[Shape::Vector(2)],
            )))
        },
        many: |h, shapes| Box::new(Lookahead::new(h, h.inner().build_many(shapes))),
    },
    wraps: Some(Wraps {
        key: "base",
        default: None,
        shares_lr: true,
        refuses: &["lbfgs", "rule"],
        refusal: "it needs a closure of its own",
        doc: "takes the fast steps with",
    }),
    origin: Origin::PytorchOptimizer,
    series: Some("slow_points"),
};
