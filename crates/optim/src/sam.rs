//! `SAM` (sharpness-aware minimization) from pytorch_optimizer 4.1.0: each
//! step climbs from θ along the gradient to the worst nearby point
//! θ + ε, takes the gradient there, and lets the base optimizer step θ with
//! it. Two evaluations of the objective a step, so it steps through the
//! run's closure, as torch's `SAM.step(closure)` does.

use crate::hyper::{flag, number, Hyper, HyperSpec, OptimizerDef, Origin, Wraps};
use crate::optimizer::{Closure, Optimizer, Params, Shape, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// SAM's settings and the base optimizer it drives.
pub struct Sam<V: Params> {
    rho: f64,
    adaptive: bool,
    use_gc: bool,
    perturb_eps: f64,
    /// The tensors end to end, for the gradient norms and centralization,
    /// which go tensor by tensor.
    shapes: Vec<Shape>,
    /// Where each tensor starts.
    starts: Vec<usize>,
    base: Box<dyn Optimizer<V>>,
    /// Where the last step took its second gradient.
    ascent: Option<V>,
}

impl<V: Params> Sam<V> {
    fn new(h: &Hyper, shapes: &[Shape], base: Box<dyn Optimizer<V>>) -> Sam<V> {
        Sam {
            rho: h.num("rho"),
            adaptive: h.flag("adaptive"),
            use_gc: h.flag("use_gc"),
            perturb_eps: h.num("perturb_eps"),
            shapes: shapes.to_vec(),
            starts: shapes
                .iter()
                .scan(0, |at, s| {
                    let start = *at;
                    *at += s.len();
                    Some(start)
                })
                .collect(),
            base,
            ascent: None,
        }
    }

    /// The size of the climb over the gradient's norm, as the reference
    /// computes it: each tensor's norm (of g·|θ| when adaptive) in float64,
    /// then squared, summed and rooted in float32, plus `perturb_eps`, and ρ
    /// divided by that as float32 (the reciprocal, then times ρ).
    fn scale(&self, p: &[f64], g: &[f64]) -> f64 {
        // Each tensor's squared norm.
        let square = |i: usize| {
            let range = self.starts[i]..self.starts[i] + self.shapes[i].len();
            let norm = match self.adaptive {
                true => {
                    let mut sum = 0.0;
                    for (k, (g, p)) in g[range.clone()].iter().zip(&p[range]).enumerate() {
                        let w = g * p.abs();
                        sum = if k == 0 { w * w } else { sum + w * w };
                    }
                    sum.sqrt()
                }
                false => crate::norm(&g[range]),
            };
            let n = norm as f32;
            n * n
        };
        let norm = float32_sum(self.shapes.len(), square).sqrt() + self.perturb_eps as f32;
        ((1.0_f32 / norm) * self.rho as f32) as f64
    }
}

/// The sum of a few float32 numbers in the order torch's CPU sum takes
/// them (found by experiment, exact up to nine terms): the terms past the
/// first four (or eight, from eight on) are added to the first, then the
/// rest in turn.
fn float32_sum(count: usize, x: impl Fn(usize) -> f32) -> f32 {
    if count == 0 {
        return 0.0;
    }
    let lanes = match count {
        k if k >= 8 => 8,
        k if k >= 4 => 4,
        k => k,
    };
    let mut s = x(0);
    for i in (lanes..count).chain(1..lanes) {
        s += x(i);
    }
    s
}

/// Subtracts from each row of every matrix its mean (gradient
/// centralization); vectors are left alone.
fn centralize(shapes: &[Shape], g: &mut [f64]) {
    let mut at = 0;
    for s in shapes {
        if let Shape::Matrix(rows, cols) = *s {
            for r in 0..rows {
                let row = &mut g[at + r * cols..at + (r + 1) * cols];
                let mean = row.iter().sum::<f64>() / cols as f64;
                row.iter_mut().for_each(|x| *x += -mean);
            }
        }
        at += s.len();
    }
}

impl<V: Params> Optimizer<V> for Sam<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        // Without a closure (never, in a run) the base steps on the gradient.
        self.base.step(params, grad, lr);
    }

    fn re_evaluates(&self) -> bool {
        true
    }

    fn max_evaluations(&self) -> u32 {
        2
    }

    fn run_work(&self, n: usize, steps: u32) -> f64 {
        self.base.run_work(n, steps) + 4.0 * n as f64 * steps as f64
    }

    fn state_size(&self, n: usize, steps: u32) -> f64 {
        self.base.state_size(n, steps) + n as f64
    }

    fn step_closure(
        &mut self,
        params: &mut V,
        _loss: f64,
        grad: &V,
        lr: f64,
        closure: &mut Closure<V>,
    ) -> u32 {
        // The norm is of the gradient as it came; the climb follows it
        // centralized, with use_gc.
        let scale = self.scale(params.as_ref(), grad.as_ref());
        let centralized;
        let g = match self.use_gc {
            true => {
                let mut g = grad.clone();
                centralize(&self.shapes, g.as_mut());
                centralized = g;
                &centralized
            }
            false => grad,
        };
        // The climbed point, in the buffer the last step's was kept in.
        let ascent = self.ascent.get_or_insert_with(|| params.clone());
        ascent.as_mut().copy_from_slice(params.as_ref());
        for (q, g) in ascent.as_mut().iter_mut().zip(g.as_ref()) {
            let e = if self.adaptive {
                *q * *q * *g * scale
            } else {
                *g * scale
            };
            *q += e;
        }
        let (_, second) = closure(ascent);
        // θ is restored (it never moved here) and the base steps from it.
        self.base.step(params, &second, lr);
        2
    }

    fn state(&self) -> State {
        // SAM shares its base's state (its `old_p` is gone after each step).
        self.base.state()
    }

    fn momentum(&self) -> Option<f64> {
        self.base.momentum()
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.base.set_momentum(momentum)
    }

    fn series_point(&self) -> Option<V> {
        self.ascent.clone()
    }

    fn readout(&self) -> Option<(&'static str, f64)> {
        self.base.readout()
    }
}

const HYPER: &[HyperSpec] = &[
    number(
        "rho",
        0.05,
        Range::at_least(0.0),
        "radius ρ of the neighbourhood whose worst point SAM steps from",
    ),
    flag(
        "adaptive",
        "ASAM: scale the climb coordinate by coordinate by θ²",
    ),
    flag(
        "use_gc",
        "centralize each weight matrix's gradient rows before the climb",
    ),
    number(
        "perturb_eps",
        1e-12,
        Range::at_least(0.0),
        "added to the gradient's norm before dividing by it",
    ),
];

/// The optimizers SAM cannot drive: those that need a closure themselves.
const REFUSES: &[&str] = &["lbfgs", "rule"];

fn no_checks(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

/// SAM's entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "sam",
    title: "SAM",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "s = ρ / (‖g‖ + ε)  (or ρ / (‖g ⊙ |θ|‖ + ε) if adaptive)",
        "θ̃ = θ + sg  (or θ + sθ²g if adaptive)",
        "g̃ = ∇f(θ̃)",
        "θ ← the base's step from θ with g̃",
    ],
    check: no_checks,
    build: crate::hyper::Build {
        // A point keeps its own build: SAM evaluates twice a step, and its
        // closure is called with a point as it is.
        two: |h| Box::new(Sam::new(h, &[Shape::Vector(2)], h.inner().build_two())),
        many: |h, shapes| {
            let base = h.inner().build_many(shapes);
            Box::new(Sam::new(h, shapes, base))
        },
    },
    wraps: Some(Wraps {
        key: "base",
        default: None,
        shares_lr: true,
        refuses: REFUSES,
        refusal: "it needs a closure of its own",
        doc: "steps with the gradient taken at the climbed point",
    }),
    origin: Origin::PytorchOptimizer,
    series: Some("ascent_points"),
};
