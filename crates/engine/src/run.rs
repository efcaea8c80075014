//! Running an experiment: each optimizer steps from the start point as a torch
//! training loop would (loss, backward, clip, step, schedule), and the path is
//! recorded with its losses, gradient norms, learning rates and an outcome.

use crate::steps::{run_path, Batcher, Problem};
use crate::trajectory::{Record, Series, Trajectory};
use optiviz_experiment::experiment::{Batch, OptimizerConfig, Sampling, Stop};
use optiviz_objectives::objective::Objective;
use optiviz_objectives::surface::Surface;
use optiviz_optim::clip::Clip;

/// Where the gradients of one run come from: the exact gradient, or
/// mini-batches of a model's rows in a seeded shuffled order, or the exact
/// gradient plus seeded Gaussian noise; averaged over `accumulate` draws.
pub struct Gradients<'a> {
    surface: &'a Surface,
    sampling: Sampling,
    /// The rows' shuffles (none for a formula), and the noise's generator.
    batches: Batcher,
}

impl<'a> Gradients<'a> {
    /// Gradients of `surface` drawn as `sampling` says, shuffles and noise
    /// seeded by `seed`.
    pub fn new(surface: &'a Surface, sampling: Sampling, seed: u32) -> Gradients<'a> {
        let rows = surface.model().map_or(0, |m| m.data.len());
        Gradients {
            surface,
            sampling,
            batches: Batcher::new(rows, seed),
        }
    }

    /// Whether two calls at one point may differ.
    pub fn stochastic(&self) -> bool {
        self.sampling
            .stochastic(self.surface.model().map(|m| m.data.len()))
    }

    /// The draws of one step, fixed for a step that evaluates several times
    /// (L-BFGS's closure): its micro-batches, or its noise. A training loop's
    /// closure sees the batch it was handed at every call; so does this one.
    pub fn fix_step(&mut self) -> StepDraw {
        if !self.stochastic() {
            return StepDraw::Exact;
        }
        let k = self.sampling.accumulate;
        match (self.surface.model(), self.sampling.batch) {
            (Some(_), Batch::Size(b)) => StepDraw::Batches(
                (0..k)
                    .map(|_| self.next_batch(b as usize).to_vec())
                    .collect(),
            ),
            _ => {
                // Noise σ·ξ on the gradient is the gradient of f + σ·ξ·θ: the
                // loss the closure reports carries the same term.
                let sigma = self.sampling.grad_noise;
                let rng = &mut self.batches.rng;
                let mut sum = [0.0, 0.0];
                for _ in 0..k {
                    sum[0] += sigma * rng.normal();
                    sum[1] += sigma * rng.normal();
                }
                StepDraw::Noise([sum[0] / k as f64, sum[1] / k as f64])
            }
        }
    }

    /// Epochs completed so far; 0 for a formula.
    pub fn epochs(&self) -> f64 {
        self.batches.epochs()
    }

    /// The rows of the next mini-batch of `size` ([`Batcher::next_batch`]).
    pub fn next_batch(&mut self, size: usize) -> &[usize] {
        self.batches.next_batch(size)
    }

    /// The gradient for one update at `p`.
    pub fn at(&mut self, p: [f64; 2]) -> [f64; 2] {
        let k = self.sampling.accumulate.max(1);
        // The mean of k draws (one draw is returned as it is).
        let mean = |sum: [f64; 2]| {
            if k == 1 {
                sum
            } else {
                [sum[0] / k as f64, sum[1] / k as f64]
            }
        };
        match (self.surface.model(), self.sampling.batch) {
            (Some(m), Batch::Size(b)) if (b as usize) < m.data.len() => {
                let mut sum = [0.0, 0.0];
                for _ in 0..k {
                    let rows = self.next_batch(b as usize);
                    let g = m.batch_grad(p, rows.iter().copied());
                    sum = [sum[0] + g[0], sum[1] + g[1]];
                }
                mean(sum)
            }
            (Some(m), _) => {
                // Every micro-batch is the whole dataset: the same gradient k times.
                self.batches.count(m.data.len() * k as usize);
                m.grad(p)
            }
            (None, _) => {
                let g = self.surface.grad(p);
                let sigma = self.sampling.grad_noise;
                if sigma == 0.0 {
                    return g;
                }
                let rng = &mut self.batches.rng;
                let mut sum = [0.0, 0.0];
                for _ in 0..k {
                    sum[0] += g[0] + sigma * rng.normal();
                    sum[1] += g[1] + sigma * rng.normal();
                }
                mean(sum)
            }
        }
    }
}

/// One step's draws ([`Gradients::fix_step`]).
pub enum StepDraw {
    /// Nothing sampled: the exact loss and gradient.
    Exact,
    /// The step's micro-batches (each a sorted list of rows).
    Batches(Vec<Vec<usize>>),
    /// The noise added to every gradient of the step (averaged over its
    /// accumulated draws).
    Noise([f64; 2]),
}

impl StepDraw {
    /// The loss and gradient at `q` under these draws: the mean over the
    /// micro-batches, or f and ∇f with the noise's linear term.
    pub fn eval(&self, f: &Surface, q: [f64; 2]) -> (f64, [f64; 2]) {
        match self {
            StepDraw::Exact => (f.value(q), f.grad(q)),
            StepDraw::Noise(xi) => {
                let g = f.grad(q);
                (
                    f.value(q) + xi[0] * q[0] + xi[1] * q[1],
                    [g[0] + xi[0], g[1] + xi[1]],
                )
            }
            StepDraw::Batches(batches) => {
                let m = f.model().expect("only a data model has rows to batch");
                let k = batches.len() as f64;
                let (mut loss, mut g) = (0.0, [0.0, 0.0]);
                for rows in batches {
                    loss += m.batch_value(q, rows.iter().copied());
                    let gb = m.batch_grad(q, rows.iter().copied());
                    g = [g[0] + gb[0], g[1] + gb[1]];
                }
                (loss / k, [g[0] / k, g[1] / k])
            }
        }
    }
}

/// A run on a plotted surface: its value, and gradients as `grads` draws them.
struct OnSurface<'a> {
    f: &'a Surface,
    grads: Gradients<'a>,
    stochastic: bool,
    is_model: bool,
}

impl Problem<[f64; 2]> for OnSurface<'_> {
    type Draw = StepDraw;

    fn stochastic(&self) -> bool {
        self.stochastic
    }

    fn is_model(&self) -> bool {
        self.is_model
    }

    fn loss(&mut self, p: &[f64; 2]) -> f64 {
        self.f.value(*p)
    }

    fn gradient(&mut self, p: &[f64; 2]) -> [f64; 2] {
        // A data model's gradient comes through `grads` even when it is the
        // full batch, so the epochs are counted.
        if self.stochastic || self.is_model {
            self.grads.at(*p)
        } else {
            self.f.grad(*p)
        }
    }

    fn fix_step(&mut self) -> StepDraw {
        self.grads.fix_step()
    }

    fn eval(&mut self, draw: &StepDraw, q: &[f64; 2]) -> (f64, [f64; 2]) {
        draw.eval(self.f, *q)
    }

    fn epochs(&self) -> f64 {
        self.grads.epochs()
    }

    fn clip(&self, clip: Clip, g: &mut [f64; 2]) {
        *g = clip.apply(*g);
    }
}

/// Whether a point where the gradient vanished, with loss `loss`, is a
/// minimum: beside one of the function's known minima and at its value
/// (within rounding), or, where none is known, a point whose curvature is
/// positive along both of the Hessian's axes.
fn at_minimum(f: &Surface, p: [f64; 2], loss: f64) -> bool {
    let minima = f.minima();
    if !minima.is_empty() {
        // Near one (a hundredth of the default window's diagonal, as the
        // sweep and basin maps judge), at its value.
        let v = f.view();
        let reach = 0.01 * (v.x[1] - v.x[0]).hypot(v.y[1] - v.y[0]);
        return minima.iter().any(|m| {
            (p[0] - m.point[0]).hypot(p[1] - m.point[1]) <= reach
                && loss <= m.value + 1e-6 * (1.0 + m.value.abs())
        });
    }
    let [[a, b], [_, d]] = f.hessian(p);
    a > 0.0 && a * d - b * b > 0.0
}

/// An optimizer's extra points under its series' name, each placed on the
/// plot by `place`, and with `params` kept as they are too (a network's);
/// `None` for an optimizer without.
pub(crate) fn named_series<V: AsRef<[f64]>>(
    cfg: &OptimizerConfig,
    points: Vec<V>,
    place: impl Fn(&V) -> [f64; 2],
    params: bool,
) -> Option<(&'static str, Series)> {
    let name = cfg.def.series.filter(|_| !points.is_empty())?;
    let series = Series {
        on_plot: points.iter().map(place).collect(),
        params: match params {
            true => points.iter().map(|p| p.as_ref().to_vec()).collect(),
            false => Vec::new(),
        },
    };
    Some((name, series))
}

/// Runs one optimizer from `start` for `steps` steps, drawing gradients
/// from `grads` and ending early when a rule of `stop` holds; `record` says
/// what to keep beyond the path.
pub fn trajectory(
    f: &Surface,
    grads: Gradients,
    start: [f64; 2],
    steps: u32,
    cfg: &OptimizerConfig,
    stop: &Stop,
    record: Record,
) -> Trajectory {
    let mut problem = OnSurface {
        f,
        stochastic: grads.stochastic(),
        is_model: f.model().is_some(),
        grads,
    };
    let opt = (cfg.def.build.two)(&cfg.hyper);
    let path = run_path(&mut problem, opt, start, steps, cfg, stop, record);
    let end = path.points.last().copied().unwrap_or(start);
    let loss = path.losses.last().copied().unwrap_or(f64::NAN);
    let status = path.status.judged(at_minimum(f, end, loss));
    Trajectory {
        name: cfg.def.name.to_string(),
        label: cfg.label(),
        points: path.points,
        losses: path.losses,
        grad_norms: path.grad_norms,
        lrs: path.lrs,
        epochs: path.epochs,
        status,
        state: path.state,
        grads: path.grads,
        func_evals: path.func_evals,
        momenta: path.momenta,
        accuracy: Vec::new(),
        layer_grad_norms: Vec::new(),
        params: Vec::new(),
        inside: path.inside,
        eval_points: None,
        ascent_points: None,
        slow_points: None,
        d: Vec::new(),
    }
    .with_extras(named_series(cfg, path.series, |p| *p, false), path.readout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::Runs;
    use crate::trajectory::{Divergence, Status, GRAD_TOL};
    use optiviz_base::number::short;
    use optiviz_experiment::experiment::Experiment;

    fn run(json: &str) -> Trajectory {
        Experiment::from_json(json).unwrap().run().remove(0)
    }

    #[test]
    fn overflow_stops_the_run_with_only_finite_points_kept() {
        let t = run(
            r#"{"function": {"name": "styblinski_tang"}, "start": [4.5, -4.8], "steps": 50,
                        "optimizers": [{"name": "sgd", "lr": 0.12}]}"#,
        );
        assert!(t.points.len() < 51);
        assert!(t.points.iter().flatten().all(|x| x.is_finite()));
        assert!(t.losses.iter().all(|x| x.is_finite()));
        // The loss had already grown 1000-fold two steps in: that is reported.
        assert_eq!(
            t.status,
            Status::Diverged {
                step: 2,
                reason: Divergence::LossGrowth
            }
        );
        assert_eq!(
            t.status.to_string(),
            "diverged at step 2: loss grew over 1000-fold"
        );
    }

    #[test]
    fn lbfgs_evaluates_a_step_on_that_steps_draws() {
        // Mini-batches: the epochs count the step's batches once, however many
        // times the step evaluates them.
        let t = run(
            r#"{"function": {"name": "linear_regression", "generate": {"n": 40}}, "start": [0, 0],
                "steps": 6, "batch_size": 10, "accumulate": 2,
                "optimizers": [{"name": "lbfgs", "lr": 0.5, "max_iter": 4}]}"#,
        );
        assert!(t.func_evals.iter().all(|&e| e == 4), "{:?}", t.func_evals);
        assert_eq!(t.epochs, vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
        // Noise: one draw a step, so the line search sees one objective and
        // the run is reproducible.
        let noisy = r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 10, "grad_noise": 0.5,
                        "seed": 4, "optimizers": [{"name": "lbfgs", "lr": 1, "line_search_fn": "strong_wolfe"}]}"#;
        let (a, b) = (run(noisy), run(noisy));
        assert_eq!(a.points, b.points);
        assert!(a.points.iter().flatten().all(|x| x.is_finite()));
        // The step's draw is its noise: at the noisy objective's minimum
        // (θ = −ξ/(a, b) for f = (a x² + b y²)/2) the search stops, near 0.
        let last = a.points[a.points.len() - 1];
        assert!(last[0].abs() < 1.0 && last[1].abs() < 0.2, "{last:?}");
    }

    #[test]
    fn a_path_a_schedule_brings_back_has_not_diverged() {
        // lr 0.3 > 2/10 makes y grow; ExponentialLR(0.9) soon brings it under 0.2.
        let t = run(
            r#"{"function": {"name": "quadratic"}, "start": [3.0, 2.0], "steps": 400,
                        "optimizers": [{"name": "sgd", "lr": 0.3, "schedule": {"name": "exponential", "gamma": 0.99}}]}"#,
        );
        let peak = t.losses.iter().cloned().fold(0.0, f64::max);
        assert!(
            peak > 1000.0 * t.losses[0],
            "the path left the bounds for a while: {peak}"
        );
        assert!(!matches!(t.status, Status::Diverged { .. }), "{}", t.status);
    }

    #[test]
    fn convergence_is_the_first_step_from_which_the_gradient_stays_small() {
        let t = run(
            r#"{"function": {"name": "quadratic"}, "start": [3.0, 2.0], "steps": 300,
                        "optimizers": [{"name": "sgd", "lr": 0.1}]}"#,
        );
        let Status::Converged { step, loss } = t.status else {
            panic!("{:?}", t.status)
        };
        let f = Experiment::from_json(
            r#"{"function": {"name": "quadratic"}, "start": [0, 0], "steps": 0, "optimizers": []}"#,
        )
        .unwrap()
        .function
        .objective();
        let gnorm = |p: [f64; 2]| optiviz_optim::norm(&f.grad(p));
        assert!(gnorm(t.points[step - 1]) > GRAD_TOL);
        assert!(t.points[step..].iter().all(|&p| gnorm(p) <= GRAD_TOL));
        assert_eq!(loss, *t.losses.last().unwrap());
        assert!(t
            .status
            .to_string()
            .starts_with(&format!("converged at step {step}, loss ")));
    }

    #[test]
    fn numbers_are_shortened_for_reading() {
        assert_eq!(short(2.1e-9), "2.1e-9");
        assert_eq!(short(0.015873), "0.0159");
        assert_eq!(short(1854181.37), "1.85e6");
        assert_eq!(short(-3.0), "-3");
    }

    /// An experiment of `steps` steps of `optimizer` with `schedule`, on Booth.
    fn with_schedule(
        optimizer: &str,
        steps: u32,
        schedule: serde_json::Value,
    ) -> Result<Experiment, optiviz_base::error::ConfigErrors> {
        Experiment::from_value(&serde_json::json!({
            "function": {"name": "booth"}, "start": [0, 0], "steps": steps,
            "optimizers": [{"name": optimizer, "lr": 0.1, "schedule": schedule}]}))
    }

    #[test]
    fn runs_record_momenta_only_where_a_schedule_may_cycle_them() {
        use serde_json::json;
        let momenta = |optimizer: &str, schedule: serde_json::Value| {
            with_schedule(optimizer, 4, schedule)
                .unwrap()
                .run()
                .remove(0)
                .momenta
        };
        let near = |a: Vec<f64>, b: [f64; 4]| {
            a.len() == 4 && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
        };
        let cyclic = json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2});
        assert!(near(momenta("sgd", cyclic.clone()), [0.9, 0.85, 0.8, 0.85]));
        // Adam's β₁ is what moves.
        assert!(near(momenta("adam", cyclic), [0.9, 0.85, 0.8, 0.85]));
        // Not cycled, the optimizer's own momentum is recorded.
        let still =
            json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": false});
        assert_eq!(momenta("rmsprop", still.clone()), [0.0; 4]);
        assert!(momenta("adagrad", still).is_empty());
        assert!(momenta("sgd", json!({"name": "cosine", "T_max": 3})).is_empty());
        let run = with_schedule("sgd", 4, json!({"name": "cosine", "T_max": 3}))
            .unwrap()
            .run();
        assert!(serde_json::to_value(&run[0])
            .unwrap()
            .get("momenta")
            .is_none());
    }
}
