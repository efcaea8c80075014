//! Training a network with every optimizer of an experiment, through the
//! same loop as any run ([`crate::steps`]), then the plane they are all drawn
//! on.

use crate::steps::{run_path, Batcher, Path, Problem};
use crate::trajectory::{Record, Trajectory};
use optiviz_experiment::experiment::{Batch, Experiment, Sampling};
use optiviz_objectives::mlp::net::{Task, Workspace};
use optiviz_objectives::mlp::plane::Plane;
use optiviz_objectives::mlp::{Model, PlaneKind};
use optiviz_optim::clip::Clip;

/// A network's training as a [`Problem`]: the loss over every row (with the
/// L2 term), gradients from the rows as the sampling says, and, on the way,
/// the accuracy at each point and each layer's gradient norm at each step.
pub struct NetProblem<'a> {
    model: &'a Model,
    sampling: Sampling,
    /// Whether the sampling draws mini-batches smaller than the data.
    stochastic: bool,
    l2: f64,
    batches: Batcher,
    ws: Workspace,
    all: Vec<usize>,
    /// The whole-data gradient found with the loss, for the update at the
    /// same point when nothing is sampled.
    pending: Option<Vec<f64>>,
    /// Classification: the accuracy at each point.
    pub accuracy: Vec<f64>,
    /// Each step's gradient norm per Linear layer's weight, before clipping.
    pub layer_grad_norms: Vec<Vec<f64>>,
}

/// One step's draws: every row, or the step's micro-batches.
pub enum NetDraw {
    /// Every row: the whole-data loss and gradient.
    Exact,
    /// The step's micro-batches (each a sorted list of rows).
    Batches(Vec<Vec<usize>>),
}

impl<'a> NetProblem<'a> {
    /// Training `model` with `sampling`, the L2 factor `l2` and shuffles
    /// seeded by `seed`.
    pub fn new(model: &'a Model, sampling: Sampling, l2: f64, seed: u32) -> NetProblem<'a> {
        let n = model.x.len();
        NetProblem {
            model,
            sampling,
            stochastic: sampling.stochastic(Some(n)),
            l2,
            batches: Batcher::new(n, seed),
            ws: Workspace::default(),
            all: (0..n).collect(),
            pending: None,
            accuracy: Vec::new(),
            layer_grad_norms: Vec::new(),
        }
    }

    /// The loss on `rows` at `p` with the L2 term, and the accuracy (NaN for
    /// regression); the gradient into `grad` when given.
    fn batch(&mut self, p: &[f64], rows: &[usize], grad: Option<&mut Vec<f64>>) -> (f64, f64) {
        let count = self.model.net.count;
        let grad = grad.map(|g| {
            g.resize(count, 0.0);
            &mut g[..]
        });
        let e = self.model.loss(p, rows, grad, self.l2, &mut self.ws);
        (e.loss, e.accuracy.unwrap_or(f64::NAN))
    }

    /// The mean loss and gradient over `batches` at `p`.
    fn mean_over(&mut self, p: &[f64], batches: &[Vec<usize>]) -> (f64, Vec<f64>) {
        let n = self.model.net.count;
        let (mut loss, mut sum, mut g) = (0.0, vec![0.0; n], Vec::new());
        for rows in batches {
            loss += self.batch(p, rows, Some(&mut g)).0;
            for (s, x) in sum.iter_mut().zip(&g) {
                *s += x;
            }
        }
        let k = batches.len() as f64;
        if batches.len() > 1 {
            sum.iter_mut().for_each(|s| *s /= k);
        }
        (loss / k, sum)
    }

    fn draws(&mut self) -> Vec<Vec<usize>> {
        let b = match self.sampling.batch {
            Batch::Size(b) => b as usize,
            Batch::Full => self.all.len(),
        };
        (0..self.sampling.accumulate.max(1))
            .map(|_| self.batches.next_batch(b).to_vec())
            .collect()
    }
}

impl Problem<Vec<f64>> for NetProblem<'_> {
    type Draw = NetDraw;

    fn stochastic(&self) -> bool {
        self.stochastic
    }

    fn is_model(&self) -> bool {
        true
    }

    fn loss(&mut self, p: &Vec<f64>) -> f64 {
        let all = std::mem::take(&mut self.all);
        let mut grad = (!self.stochastic()).then(Vec::new);
        let (loss, accuracy) = self.batch(p, &all, grad.as_mut());
        self.all = all;
        self.pending = grad;
        if self.model.net.arch.task == Task::Classification {
            self.accuracy.push(accuracy);
        }
        loss
    }

    fn gradient(&mut self, p: &Vec<f64>) -> Vec<f64> {
        match self.pending.take() {
            // Every micro-batch is the whole dataset: the same gradient k times.
            Some(g) => {
                let k = self.sampling.accumulate.max(1) as usize;
                self.batches.count(self.all.len() * k);
                g
            }
            None => {
                let draws = self.draws();
                self.mean_over(p, &draws).1
            }
        }
    }

    fn fix_step(&mut self) -> NetDraw {
        if self.stochastic() {
            NetDraw::Batches(self.draws())
        } else {
            NetDraw::Exact
        }
    }

    fn eval(&mut self, draw: &NetDraw, q: &Vec<f64>) -> (f64, Vec<f64>) {
        match draw {
            NetDraw::Exact => {
                let all = std::mem::take(&mut self.all);
                let mut g = Vec::new();
                let (loss, _) = self.batch(q, &all, Some(&mut g));
                self.all = all;
                (loss, g)
            }
            NetDraw::Batches(batches) => self.mean_over(q, batches),
        }
    }

    fn epochs(&self) -> f64 {
        self.batches.epochs()
    }

    fn clip(&self, clip: Clip, g: &mut Vec<f64>) {
        // clip_grad_norm_ over model.parameters(): the norm of the tensors' norms.
        let total = self.model.net.total_norm(g);
        clip.apply_in_place(g, total);
    }

    fn received(&mut self, g: &Vec<f64>) {
        self.layer_grad_norms
            .push(self.model.net.layer_grad_norms(g));
    }
}

/// One optimizer's training.
#[derive(Debug, Clone, PartialEq)]
pub struct NetRun {
    /// The run in the network's own parameters.
    pub path: Path<Vec<f64>>,
    /// Classification: the accuracy at each point; empty for regression.
    pub accuracy: Vec<f64>,
    /// Each step's per-layer weight-gradient norms, input layer first.
    pub layer_grad_norms: Vec<Vec<f64>>,
}

/// Every optimizer's training and the plane they are drawn on.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Each optimizer's training, in the experiment's order.
    pub runs: Vec<NetRun>,
    /// The plane its landscape is drawn on (the kind [`optiviz_objectives::mlp::model::Model::plane`] asks for).
    pub plane: Plane,
}

/// Trains `model` with each optimizer of `exp` (its steps, sampling, seed,
/// L2 and stopping rules), then finds the plane.
pub fn train(exp: &Experiment, model: &Model, record: Record) -> Training {
    let shapes = model.net.shapes();
    let runs: Vec<NetRun> = exp
        .optimizers
        .iter()
        .enumerate()
        .map(|(i, cfg)| {
            let mut problem = NetProblem::new(model, exp.sampling(i), exp.l2, exp.seed);
            let opt = (cfg.def.build.many)(&cfg.hyper, &shapes);
            let path = run_path(
                &mut problem,
                opt,
                model.start.clone(),
                exp.steps,
                cfg,
                &exp.stop,
                record,
            );
            NetRun {
                path,
                accuracy: problem.accuracy,
                layer_grad_norms: problem.layer_grad_norms,
            }
        })
        .collect();
    let paths: Vec<&[Vec<f64>]> = runs.iter().map(|r| r.path.points.as_slice()).collect();
    let plane = match model.plane {
        PlaneKind::Pca => Plane::principal(&model.net, &model.start, &paths),
        PlaneKind::Random => Plane::random(&model.net, &model.start, exp.seed as u64, &paths),
    };
    Training { runs, plane }
}

impl Training {
    /// The runs as trajectories: each point where it falls on the plane, the
    /// losses and the rest as trained, the parameters themselves when
    /// `record.params` asks. (The gradients `record.state` keeps beside the
    /// state are the plot's two coordinates, so a network's are left out.)
    pub fn trajectories(self, exp: &Experiment, record: Record) -> Vec<Trajectory> {
        let plane = &self.plane;
        self.runs
            .into_iter()
            .zip(&exp.optimizers)
            .map(|(r, cfg)| {
                let p = r.path;
                // A network has learned when it classifies (nearly) every
                // row right, or its loss fell a thousandfold.
                let learned = match r.accuracy.last() {
                    Some(&a) => a >= 0.99,
                    None => match (p.losses.first(), p.losses.last()) {
                        (Some(&first), Some(&last)) => last <= 1e-3 * first,
                        _ => false,
                    },
                };
                let series =
                    crate::run::named_series(cfg, p.series, |t| plane.project(t), record.params);
                let points = p.points.iter().map(|t| plane.project(t)).collect();
                let params = if record.params { p.points } else { Vec::new() };
                Trajectory {
                    name: cfg.def.name.to_string(),
                    label: cfg.label(),
                    points,
                    losses: p.losses,
                    grad_norms: p.grad_norms,
                    lrs: p.lrs,
                    epochs: p.epochs,
                    status: p.status.judged(learned),
                    state: p.state,
                    grads: Vec::new(),
                    func_evals: p.func_evals,
                    momenta: p.momenta,
                    accuracy: r.accuracy,
                    layer_grad_norms: r.layer_grad_norms,
                    inside: p.inside,
                    eval_points: None,
                    ascent_points: None,
                    slow_points: None,
                    d: Vec::new(),
                    params,
                }
                .with_extras(series, p.readout)
            })
            .collect()
    }
}
