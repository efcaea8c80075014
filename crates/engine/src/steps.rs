//! The training loop every run goes through, at any number of parameters: at
//! each step the loss, the gradient, clipping, the optimizer's step and the
//! schedule, as a torch training loop does them, with the bounds, stopping
//! rules and the outcome recorded on the way. A point on a plotted surface
//! and a network's weights run through the same code.

use crate::trajectory::{
    Divergence, Record, Status, StopRule, GRAD_TOL, GROWTH_BOUND, LOSS_BOUND, PARAM_BOUND,
};
use optiviz_experiment::experiment::{OptimizerConfig, Stop};
use optiviz_optim::clip::Clip;
use optiviz_optim::schedule::LrState;
use optiviz_optim::{norm, Optimizer, Params, State};

/// What a run steps on: its loss, and gradients drawn as its sampling says.
pub trait Problem<V: Params> {
    /// The draws of one step that evaluates more than once (L-BFGS's
    /// closure): its mini-batches or noise, fixed for the step.
    type Draw;
    /// Whether two gradients at one point may differ (mini-batches, noise).
    fn stochastic(&self) -> bool;
    /// Whether it is fitted to data, so epochs are counted.
    fn is_model(&self) -> bool;
    /// The loss at `p` over everything: what the path records.
    fn loss(&mut self, p: &V) -> f64;
    /// The gradient for the update at `p`, called right after
    /// [`Problem::loss`] at the same point.
    fn gradient(&mut self, p: &V) -> V;
    /// The next step's draws; the exact ones when nothing is sampled.
    fn fix_step(&mut self) -> Self::Draw;
    /// The loss and gradient at `q` under `draw`.
    fn eval(&mut self, draw: &Self::Draw, q: &V) -> (f64, V);
    /// Epochs completed so far (0 without data).
    fn epochs(&self) -> f64;
    /// Clips a gradient as the training loop clips it.
    fn clip(&self, clip: Clip, g: &mut V);
    /// Told of the gradient each step takes, before clipping.
    fn received(&mut self, _g: &V) {}
}

/// One optimizer's run: θ before each step and after the last, what each
/// step saw, and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Path<V> {
    /// `steps + 1` points, fewer only when a value became non-finite; always
    /// at least the start (whose loss may then be NaN).
    pub points: Vec<V>,
    /// The loss at each point, over everything (no mini-batch).
    pub losses: Vec<f64>,
    /// The norm of each gradient received, before clipping.
    pub grad_norms: Vec<f64>,
    /// The learning rate each step used.
    pub lrs: Vec<f64>,
    /// After each step, for a model fitted to data; empty otherwise.
    pub epochs: Vec<f64>,
    /// How the run ended.
    pub status: Status,
    /// With [`Record::state`]: the optimizer's state after each step and the
    /// gradient each step received.
    pub state: Vec<State>,
    /// With [`Record::state`]: the gradient each step received, before clipping.
    pub grads: Vec<V>,
    /// Evaluations per step, for an optimizer that re-evaluates (L-BFGS).
    pub func_evals: Vec<u32>,
    /// The momentum or β₁ in force during each step, when a schedule cycles it.
    pub momenta: Vec<f64>,
    /// With [`Record::state`]: what each step computed that no state keeps
    /// ([`Optimizer::inside`]); empty for an optimizer that tells nothing.
    pub inside: Vec<State>,
    /// The optimizer's extra point after each step
    /// ([`Optimizer::series_point`]); empty for one without.
    pub series: Vec<V>,
    /// The number the optimizer estimates for itself after each step, with
    /// its name ([`Optimizer::readout`]); `None` for one without.
    pub readout: Option<(&'static str, Vec<f64>)>,
}

fn finite<V: Params>(p: &V) -> bool {
    p.as_ref().iter().all(|x| x.is_finite())
}

/// Runs `opt` (built from `cfg`) on `problem` from `start` for `steps` steps,
/// ending early when a rule of `stop` holds; `record` says what to keep
/// beyond the path.
pub fn run_path<V: Params, P: Problem<V>>(
    problem: &mut P,
    mut opt: Box<dyn Optimizer<V>>,
    start: V,
    steps: u32,
    cfg: &OptimizerConfig,
    stop: &Stop,
    record: Record,
) -> Path<V> {
    let n = steps as usize;
    let stochastic = problem.stochastic();
    let is_model = problem.is_model();
    let mut points = Vec::with_capacity(n + 1);
    let mut losses = Vec::with_capacity(n + 1);
    let mut grad_norms = Vec::with_capacity(n);
    let mut lrs = Vec::with_capacity(n);
    let mut epochs = Vec::with_capacity(if is_model { n } else { 0 });
    let mut state = Vec::with_capacity(if record.state { n } else { 0 });
    let mut received = Vec::with_capacity(if record.state { n } else { 0 });
    let re_evaluates = opt.re_evaluates();
    let mut func_evals = Vec::with_capacity(if re_evaluates { n } else { 0 });
    let mut lr = LrState::new(cfg.lr, cfg.schedule.as_ref(), opt.momentum());
    let record_momenta =
        cfg.schedule.as_ref().is_some_and(|s| s.records_momentum()) && opt.momentum().is_some();
    let mut momenta = Vec::new();
    let mut series = Vec::new();
    let mut inside = Vec::new();
    let mut readout: Option<(&'static str, Vec<f64>)> = None;
    // Where the path left the bounds for good (so far), and why.
    let mut out_since: Option<(usize, Divergence)> = None;
    // Set from the first loss: past this the loss has grown GROWTH_BOUND-fold.
    let mut growth_limit = f64::INFINITY;
    let mut non_finite: Option<(usize, Divergence)> = None;
    // The first step from which every gradient so far has been below the tolerance.
    let mut settled_from: Option<usize> = None;
    let mut stopped: Option<(usize, StopRule)> = None;

    let mut p = start;
    for k in 0..=n {
        let loss = problem.loss(&p);
        // L-BFGS evaluates again within the step, under the step's draws.
        let draw = re_evaluates.then(|| problem.fix_step());
        let (step_loss, mut g) = match &draw {
            Some(d) if stochastic => problem.eval(d, &p),
            _ => (loss, problem.gradient(&p)),
        };
        if !loss.is_finite() || !finite(&g) {
            // A run always keeps its start, even where f has no value there.
            if k == 0 {
                points.push(p.clone());
                losses.push(loss);
            }
            non_finite = Some((k, Divergence::NonFiniteLoss));
            break;
        }
        points.push(p.clone());
        losses.push(loss);
        if k == 0 {
            growth_limit = loss + GROWTH_BOUND * loss.abs().max(1.0);
        }
        let out = if loss.abs() > LOSS_BOUND {
            Some(Divergence::LossBound)
        } else if p.as_ref().iter().any(|x| x.abs() > PARAM_BOUND) {
            Some(Divergence::ParamBound)
        } else if loss > growth_limit {
            Some(Divergence::LossGrowth)
        } else {
            None
        };
        match out {
            None => out_since = None,
            Some(reason) => {
                out_since.get_or_insert((k, reason));
            }
        }
        let gn = norm(g.as_ref());
        if gn <= GRAD_TOL && !stochastic {
            settled_from.get_or_insert(k);
        } else {
            settled_from = None;
        }
        let window = stop.window as usize;
        let rule = match (stop.grad_tol, stop.loss_tol, stop.max_steps) {
            (None, None, None) => None,
            (Some(tol), _, _) if gn <= tol => Some(StopRule::GradTol { tol }),
            (_, Some(tol), _) if k >= window && (loss - losses[k - window]).abs() <= tol => {
                Some(StopRule::LossTol {
                    tol,
                    window: stop.window,
                })
            }
            (_, _, Some(max_steps)) if k == max_steps as usize => {
                Some(StopRule::MaxSteps { max_steps })
            }
            _ => None,
        };
        if let Some(rule) = rule {
            stopped = Some((k, rule));
            break;
        }
        if k == n {
            break;
        }
        problem.received(&g);
        if record.state {
            received.push(g.clone());
        }
        if let Some(c) = cfg.clip {
            problem.clip(c, &mut g);
        }
        // Both clips are symmetric, so flipping after clipping equals torch's
        // flip at the start of step().
        if cfg.maximize {
            g.as_mut().iter_mut().for_each(|x| *x = -*x);
        }
        grad_norms.push(gn);
        lrs.push(lr.lr());
        if let Some(m) = lr.momentum() {
            opt.set_momentum(m);
        }
        if record_momenta {
            momenta.extend(opt.momentum());
        }
        match &draw {
            Some(draw) => {
                // The closure evaluates as the loop does: the loss, the
                // gradient from the run's sampling, clipped; to maximize,
                // torch's LBFGS works with both negated.
                let sign = if cfg.maximize { -1.0 } else { 1.0 };
                let mut closure = |q: &V| {
                    let (loss, mut g) = problem.eval(draw, q);
                    if let Some(c) = cfg.clip {
                        problem.clip(c, &mut g);
                    }
                    if cfg.maximize {
                        g.as_mut().iter_mut().for_each(|x| *x = -*x);
                    }
                    (sign * loss, g)
                };
                let loss = sign * step_loss;
                func_evals.push(opt.step_closure(&mut p, loss, &g, lr.lr(), &mut closure));
            }
            None => {
                opt.see_loss(step_loss);
                opt.step(&mut p, &g, lr.lr());
            }
        }
        if record.state {
            state.push(opt.state());
            let told = opt.inside();
            if !told.0.is_empty() {
                inside.push(told);
            }
        }
        series.extend(opt.series_point());
        if let Some((name, value)) = opt.readout() {
            readout
                .get_or_insert((name, Vec::with_capacity(n)))
                .1
                .push(value);
        }
        lr.advance(loss);
        if is_model {
            epochs.push(problem.epochs());
        }
        if !finite(&p) {
            non_finite = Some((k + 1, Divergence::NonFiniteParams));
            break;
        }
    }

    let last = points.len().saturating_sub(1);
    let status = match (out_since, non_finite) {
        (Some((step, reason)), _) | (None, Some((step, reason))) => {
            Status::Diverged { step, reason }
        }
        (None, None) => match (stopped, settled_from) {
            (Some((step, rule)), _) => Status::Stopped {
                step,
                rule,
                loss: losses[last],
            },
            (None, Some(step)) => Status::Converged {
                step,
                loss: losses[last],
            },
            (None, None) => Status::Moving {
                step: last,
                loss: losses[last],
            },
        },
    };
    Path {
        points,
        losses,
        grad_norms,
        lrs,
        epochs,
        status,
        state,
        grads: received,
        func_evals,
        momenta,
        inside,
        series,
        readout,
    }
}

/// Mini-batches of a dataset's rows as torch's `DataLoader` with
/// `shuffle=True` hands them out: a new seeded order each epoch, batches
/// taken from it in turn, the last of an epoch holding what is left.
#[derive(Debug, Clone)]
pub struct Batcher {
    /// Shuffles the rows; a formula's gradient noise is drawn from it too.
    pub rng: optiviz_base::rng::Rng,
    rows: usize,
    order: Vec<usize>,
    used: usize,
    rows_seen: u64,
    batch: Vec<usize>,
}

impl Batcher {
    /// For `rows` rows (0 for a formula), from the run's `seed`.
    pub fn new(rows: usize, seed: u32) -> Batcher {
        Batcher {
            rng: optiviz_base::rng::Rng::new(seed as u64, 0x5eed),
            rows,
            order: Vec::with_capacity(rows),
            used: rows,
            rows_seen: 0,
            batch: Vec::new(),
        }
    }

    /// The rows of the next mini-batch of `size`, sorted (so a batch of every
    /// row sums in the same order as the full gradient).
    pub fn next_batch(&mut self, size: usize) -> &[usize] {
        let n = self.rows;
        if self.used == n {
            self.order.clear();
            self.order.extend(0..n);
            self.rng.shuffle(&mut self.order);
            self.used = 0;
        }
        let end = (self.used + size).min(n);
        self.batch.clear();
        self.batch.extend_from_slice(&self.order[self.used..end]);
        self.batch.sort_unstable();
        self.used = end;
        self.rows_seen += self.batch.len() as u64;
        &self.batch
    }

    /// Counts `rows` rows used without drawing them (full batches).
    pub fn count(&mut self, rows: usize) {
        self.rows_seen += rows as u64;
    }

    /// Epochs completed so far: rows used over the dataset's size.
    pub fn epochs(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.rows_seen as f64 / self.rows as f64
        }
    }
}
