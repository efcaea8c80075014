//! The [`Experiment`]: one function, one start point, a number of steps and a
//! list of optimizers. It is what the CLI reads, what the page's URL and
//! JavaScript API carry and what the tests build; it is parsed and validated
//! here, once, with errors that name the field at fault.

use optiviz_base::number::{round_to_pixel, show_number, significant};
use optiviz_base::spec::Range;
use optiviz_objectives::data::{DataModel, Dataset};
use optiviz_objectives::functions::custom::Typed;
use optiviz_objectives::functions::FunctionDef;

use optiviz_objectives::objective::{Objective, View};
use optiviz_objectives::surface::Surface;
use optiviz_optim::clip::Clip;
use optiviz_optim::schedule::Schedule;
use optiviz_optim::{Hyper, HyperValue, OptimizerDef, Shape};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The most steps one experiment may ask for.
pub use optiviz_optim::MAX_STEPS;
/// The most optimizers one experiment may compare.
pub const MAX_OPTIMIZERS: usize = 16;
/// How far from the origin a start point may be.
pub const START_RANGE: Range = Range::closed(-1e6, 1e6);
/// The most work one experiment may ask for, in row evaluations (a formula's
/// gradient or noise draw counts as one): about a second or two in a browser.
pub const MAX_WORK: f64 = 5e7;
/// The most numbers the runs of a formula or data model may keep as their
/// optimizers' state, a copy at every step (the inspector, the arrows, the
/// JSON download, `--state`): about 160 MB.
pub const MAX_STATE_VALUES: f64 = 2e7;
/// How many of an optimizer's multiply-adds over its vectors (at two
/// parameters, its loops' bookkeeping counted) take about as long as a row
/// evaluation: L-BFGS's two-loop recursion takes about 0.9 ns for each, a
/// row evaluation at the limit about 37 ns (natively; in a browser the two
/// take about as long as each other, docs/benchmarks.md).
pub const VECTOR_MADDS_PER_ROW: f64 = 40.0;
/// How many of a network's multiply-adds (in its layers' matrix products)
/// take about as long as one of an optimizer's over the network's weights:
/// about 0.21 ns against 0.7 ns in a browser (docs/benchmarks.md).
pub const NETWORK_MADDS_PER_VECTOR_MADD: f64 = 3.5;

/// The most micro-batches one update may accumulate.
pub const MAX_ACCUMULATE: u32 = 1000;
/// The allowed L2 coefficients.
pub const L2_RANGE: Range = Range::closed(0.0, 1000.0);
/// The allowed standard deviations of gradient noise.
pub const NOISE_RANGE: Range = Range::closed(0.0, 1e6);

/// A complete, validated experiment.
///
/// ```
/// use optiviz_experiment::Experiment;
/// let exp = Experiment::from_json(r#"{
///     "function": {"name": "rosenbrock", "params": {"b": 100}},
///     "start": [-1.5, 2.0],
///     "steps": 300,
///     "optimizers": [{"name": "adam", "lr": 0.02}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}]
/// }"#).unwrap();
/// assert_eq!(exp.optimizers.len(), 2);
/// assert_eq!(exp.optimizers[1].hyper.num("momentum"), 0.9);
/// // A bad field is named by its path.
/// let err = Experiment::from_json(r#"{"function": {"name": "nope"}}"#).unwrap_err();
/// assert_eq!(err.first().field, "function.name");
/// ```
#[derive(Clone)]
pub struct Experiment {
    /// The surface the optimizers descend.
    pub function: FunctionConfig,
    /// Where every path starts ((0, 0), the initial weights, for a network).
    pub start: [f64; 2],
    /// How many steps each optimizer takes at most.
    pub steps: u32,
    /// The optimizers compared, in order.
    pub optimizers: Vec<OptimizerConfig>,
    /// The window a plot shows; `None` means the function's default view.
    /// It does not change the runs.
    pub view: Option<View>,
    /// How each gradient is computed, unless an optimizer says otherwise.
    pub sampling: Sampling,
    /// Seeds the shuffles of the rows and the gradient noise. Every optimizer
    /// starts from it, so two with the same sampling see the same batches.
    pub seed: u32,
    /// `l2·(x² + y²)` added to the surface (and so to every gradient).
    pub l2: f64,
    /// When a run stops before its last step.
    pub stop: Stop,
}

/// A function and its parameter values (every parameter present).
#[derive(Clone)]
pub struct FunctionConfig {
    /// The function's catalogue entry.
    pub def: &'static FunctionDef,
    /// Parameter values in the order of `def.params`.
    pub params: Vec<f64>,
    /// The rows a data model is fitted to; `None` for a formula.
    pub data: Option<Arc<Dataset>>,
    /// A typed function (`"name": "custom"`): its expression, parameters and
    /// window. Its parameters are not in `params`, which stays empty.
    pub typed: Option<Arc<Typed>>,
    /// A neural network (`"name": "mlp"`): its architecture, rows and
    /// initial weights.
    pub mlp: Option<Arc<optiviz_objectives::mlp::Model>>,
}

/// How many rows each gradient averages over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// Every row, in order: batch gradient descent.
    Full,
    /// A mini-batch of this many rows, taken in a new shuffled order each
    /// epoch (the last batch of an epoch holds what is left, as torch's
    /// `DataLoader` does by default). 1 is stochastic gradient descent.
    Size(u32),
}

/// Where an optimizer's gradients come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// Data models only.
    pub batch: Batch,
    /// Formula functions only: the standard deviation of Gaussian noise added
    /// to each coordinate of each gradient.
    pub grad_noise: f64,
    /// Micro-batches (or noisy gradients) averaged into each update.
    pub accumulate: u32,
}

impl Sampling {
    /// Whether gradients drawn this way may differ at one point: mini-batches
    /// smaller than a model's `rows`, or noise on a formula's gradient.
    pub fn stochastic(&self, rows: Option<usize>) -> bool {
        match (rows, self.batch) {
            (Some(n), Batch::Size(b)) => (b as usize) < n,
            (Some(_), Batch::Full) => false,
            (None, _) => self.grad_noise > 0.0,
        }
    }
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            batch: Batch::Full,
            grad_noise: 0.0,
            accumulate: 1,
        }
    }
}

/// Stopping rules; a run ends at the first that holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// Stop once the gradient the optimizer receives has norm ≤ this.
    pub grad_tol: Option<f64>,
    /// Stop once the loss changed by ≤ this over the last `window` steps.
    pub loss_tol: Option<f64>,
    /// The window of `loss_tol`, in steps.
    pub window: u32,
    /// Stop after this many steps.
    pub max_steps: Option<u32>,
}

/// The loss-change window when none is given.
pub const DEFAULT_WINDOW: u32 = 10;

impl Default for Stop {
    fn default() -> Self {
        Stop {
            grad_tol: None,
            loss_tol: None,
            window: DEFAULT_WINDOW,
            max_steps: None,
        }
    }
}

/// An optimizer's keys besides `name` and its own hyperparameters: the
/// learning rate, clipping, schedule, colour, showing, `maximize` and its own
/// sampling.
pub const OPTIMIZER_KEYS: &[&str] = &[
    // First: an error's list of allowed keys names it before the hyperparameters.
    "lr",
    "clip",
    "schedule",
    "color",
    "enabled",
    "maximize",
    "batch_size",
    "grad_noise",
    "accumulate",
];

/// One optimizer of an experiment with all of its settings.
#[derive(Clone)]
pub struct OptimizerConfig {
    /// The optimizer's catalogue entry.
    pub def: &'static OptimizerDef,
    /// The learning rate (a schedule may move it step by step).
    pub lr: f64,
    /// Every hyperparameter of `def`, defaults filled in.
    pub hyper: Hyper,
    /// Gradient clipping before each step, if any.
    pub clip: Option<Clip>,
    /// The learning-rate schedule, if any.
    pub schedule: Option<Schedule>,
    /// The colour its path is drawn in, `#rrggbb`; `None` picks one by position.
    pub color: Option<String>,
    /// Whether a plot shows it. Every optimizer runs either way.
    pub enabled: bool,
    /// torch's `maximize`: climb the surface (the gradient's sign is flipped
    /// before the update, as every torch optimizer does first).
    pub maximize: bool,
    /// This optimizer's own batch size, noise and accumulation, where they
    /// differ from the experiment's.
    pub batch_size: Option<Batch>,
    /// Its own gradient noise, where it differs from the experiment's.
    pub grad_noise: Option<f64>,
    /// Its own accumulation, where it differs from the experiment's.
    pub accumulate: Option<u32>,
}

impl FunctionConfig {
    /// The function itself (without an experiment's L2 term).
    pub fn objective(&self) -> Box<dyn Objective> {
        if let Some(t) = &self.typed {
            return Box::new(Typed::clone(t));
        }
        match self.model(0.0) {
            Some(m) => Box::new(m),
            None => (self.def.build)(&self.params),
        }
    }

    /// A data model over its rows with the L2 term `l2`; `None` for a formula.
    pub fn model(&self, l2: f64) -> Option<DataModel> {
        match (self.def.model, &self.data) {
            (Some(kind), Some(data)) => Some(DataModel::new(kind, data.clone(), l2)),
            _ => None,
        }
    }

    /// What a figure calls the function: its title, or a typed one's formula.
    pub fn title(&self) -> String {
        match &self.typed {
            Some(t) => format!("f(x, y) = {}", t.text),
            None => self.def.title.to_string(),
        }
    }

    /// The number of rows of a data model's dataset.
    pub fn rows(&self) -> Option<usize> {
        match &self.mlp {
            Some(m) => Some(m.x.len()),
            None => self.data.as_ref().map(|d| d.len()),
        }
    }
}

/// The hyperparameters of `def` that differ from torch's defaults, each as
/// ` key=value`, then the optimizer it holds as ` base=sgd(lr=0.01 momentum=0.9)`.
fn changed_hyper(def: &OptimizerDef, hyper: &Hyper) -> String {
    let mut s = String::new();
    for spec in def.hyper {
        let v = hyper.values[spec.name];
        if v == spec.default {
            continue;
        }
        let none = || "None".to_string();
        s += &match v {
            HyperValue::Number(x) => format!(" {}={}", spec.name, show_number(x)),
            HyperValue::Pair([a, b]) => {
                format!(" {}=({}, {})", spec.name, show_number(a), show_number(b))
            }
            HyperValue::AutoPair(a, b) => {
                let a = a.map_or_else(none, show_number);
                format!(" {}=({a}, {})", spec.name, show_number(b))
            }
            HyperValue::Triple(t) => format!(" {}=({})", spec.name, t.map(show_number).join(", ")),
            HyperValue::MaybeNumber(x) => {
                format!(" {}={}", spec.name, x.map_or_else(none, show_number))
            }
            HyperValue::Flag(true) => format!(" {}", spec.name),
            HyperValue::Flag(false) => format!(" {}=false", spec.name),
            HyperValue::Count(n) => {
                format!(" {}={}", spec.name, n.map_or_else(none, |n| n.to_string()))
            }
            HyperValue::Choice(c) => format!(" {}={}", spec.name, c.unwrap_or("None")),
        };
    }
    // The optimizer it holds, unless it is the one it holds by default.
    let by_default = |w: optiviz_optim::Wraps, inner: &optiviz_optim::Inner| {
        w.default.is_some_and(|(name, lr)| {
            inner.def.name == name && inner.lr == Some(lr) && inner.hyper == inner.def.defaults()
        })
    };
    if let (Some(w), Some(inner)) = (def.wraps, &hyper.inner) {
        if by_default(w, inner) {
            return s;
        }
        let lr = inner.lr.map(|lr| format!("lr={}", show_number(lr)));
        let rest = changed_hyper(inner.def, &inner.hyper);
        let inside = [lr.unwrap_or_default(), rest.trim().to_string()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        s += &match inside.is_empty() {
            true => format!(" {}={}", w.key, inner.def.name),
            false => format!(" {}={}({inside})", w.key, inner.def.name),
        };
    }
    s
}

impl OptimizerConfig {
    /// A short label that tells apart two entries of the same optimizer,
    /// e.g. `"sgd lr=0.1 momentum=0.9"`: the name, the learning rate and every
    /// hyperparameter that differs from torch's default.
    pub fn label(&self) -> String {
        // A rate a sweep gave (0.3981071705534969) to four figures.
        let lr = match show_number(self.lr) {
            full if full.len() > 8 => significant(self.lr),
            full => full,
        };
        let mut s = match &self.hyper.rule {
            Some(rule) => format!("{} lr={lr}", rule.title()),
            None => format!("{} lr={lr}", self.def.name),
        };
        s += &changed_hyper(self.def, &self.hyper);
        for (name, value) in self.hyper.rule.iter().flat_map(|r| &r.hyper) {
            s += &format!(" {name}={}", show_number(*value));
        }
        if self.maximize {
            s += " maximize";
        }
        match self.clip {
            Some(Clip::MaxNorm(m)) => s += &format!(" clip max_norm={}", show_number(m)),
            Some(Clip::Value(v)) => s += &format!(" clip value={}", show_number(v)),
            None => {}
        }
        if let Some(sch) = &self.schedule {
            s += &format!(" {} schedule", sch.name());
        }
        match self.batch_size {
            Some(Batch::Size(b)) => s += &format!(" batch={b}"),
            Some(Batch::Full) => s += " batch=full",
            None => {}
        }
        if let Some(sigma) = self.grad_noise {
            s += &format!(" noise={}", show_number(sigma));
        }
        if let Some(k) = self.accumulate {
            s += &format!(" accumulate={k}");
        }
        s
    }
}

impl Experiment {
    /// The experiment without what only changes its picture (the view, the
    /// paths' colours, which paths are shown): two experiments with the same
    /// `computed()` give the same runs.
    pub fn computed(&self) -> Experiment {
        let mut e = self.clone();
        e.view = None;
        for o in &mut e.optimizers {
            o.color = None;
            o.enabled = true;
        }
        e
    }

    /// The surface of a function or a data model, which needs no training;
    /// `None` for a network, whose surface is the landscape on the plane its
    /// training finds (see `optiviz-engine`).
    pub fn plain_surface(&self) -> Option<Surface> {
        if self.function.mlp.is_some() {
            return None;
        }
        Some(match self.function.model(self.l2) {
            Some(m) => Surface::Data(m),
            None => Surface::Formula {
                f: self.function.objective(),
                l2: self.l2,
            },
        })
    }

    /// The sampling, seed, L2 and stopping keys that differ from their
    /// defaults, as JSON (keys in alphabetical order): what the experiment's
    /// JSON and its URL carry of them.
    pub fn settings(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let d = Sampling::default();
        if self.sampling.batch != d.batch {
            m.insert("batch_size".into(), batch_json(self.sampling.batch));
        }
        if self.sampling.grad_noise != d.grad_noise {
            m.insert("grad_noise".into(), self.sampling.grad_noise.into());
        }
        if self.sampling.accumulate != d.accumulate {
            m.insert("accumulate".into(), self.sampling.accumulate.into());
        }
        if self.seed != 0 {
            m.insert("seed".into(), self.seed.into());
        }
        if self.l2 != 0.0 {
            m.insert("l2".into(), self.l2.into());
        }
        if self.stop != Stop::default() {
            let mut stop = Map::new();
            if let Some(t) = self.stop.grad_tol {
                stop.insert("grad_tol".into(), t.into());
            }
            if let Some(t) = self.stop.loss_tol {
                stop.insert("loss_tol".into(), t.into());
            }
            if self.stop.window != DEFAULT_WINDOW {
                stop.insert("window".into(), self.stop.window.into());
            }
            if let Some(k) = self.stop.max_steps {
                stop.insert("max_steps".into(), k.into());
            }
            m.insert("stop".into(), Value::Object(stop));
        }
        m
    }

    /// The row evaluations a run of every optimizer takes at most: per step,
    /// a data model evaluates the loss over every row and the gradient over
    /// `accumulate` batches; a formula counts one per gradient or noise draw.
    pub fn work(&self) -> f64 {
        let rows = self.function.rows();
        (0..self.optimizers.len())
            .map(|i| {
                let s = self.sampling(i);
                let per_step = match (rows, s.batch) {
                    (Some(n), Batch::Size(b)) => {
                        n as f64 + s.accumulate as f64 * b.min(n as u32) as f64
                    }
                    (Some(n), Batch::Full) => 2.0 * n as f64,
                    (None, _) => 1.0 + s.accumulate as f64,
                };
                // A step that evaluates again (L-BFGS) does so over the step's rows.
                let o = &self.optimizers[i];
                let evals = (o.def.build.two)(&o.hyper).max_evaluations() as f64;
                per_step * evals * self.steps as f64
            })
            .sum()
    }

    /// What each optimizer's own arithmetic over a run takes over tensors
    /// shaped so (a point is one vector of two), in multiply-adds over its
    /// vectors (L-BFGS's two-loop recursion over its history, Muon's
    /// Newton–Schulz on each matrix; a few per parameter for the rest).
    pub fn optimizer_work(&self, shapes: &[Shape]) -> Vec<f64> {
        let n = Shape::total(shapes);
        self.optimizers
            .iter()
            .map(|o| (o.def.build.many)(&o.hyper, shapes).run_work(n, self.steps))
            .collect()
    }

    /// The most numbers each optimizer's state holds over tensors shaped so.
    pub fn optimizer_states(&self, shapes: &[Shape]) -> Vec<f64> {
        let n = Shape::total(shapes);
        self.optimizers
            .iter()
            .map(|o| (o.def.build.many)(&o.hyper, shapes).state_size(n, self.steps))
            .collect()
    }

    /// Whether optimizer `i`'s gradients are drawn (mini-batches smaller than
    /// the data, or noise), so two calls at one point may differ.
    pub fn stochastic(&self, i: usize) -> bool {
        self.sampling(i).stochastic(self.function.rows())
    }

    /// How optimizer `i` gets its gradients: its own settings, else the
    /// experiment's.
    pub fn sampling(&self, i: usize) -> Sampling {
        let o = &self.optimizers[i];
        Sampling {
            batch: o.batch_size.unwrap_or(self.sampling.batch),
            grad_noise: o.grad_noise.unwrap_or(self.sampling.grad_noise),
            accumulate: o.accumulate.unwrap_or(self.sampling.accumulate),
        }
    }
}

/// The most multiply-adds an MLP experiment's training may take (each row a
/// step evaluates costs about three per parameter, forward and backward):
/// about two seconds in a browser (`BENCH=limits` in docs/benchmarks.md).
pub const MAX_NETWORK_WORK: f64 = 1e10;
/// The most parameter values an MLP experiment keeps (each run keeps its
/// parameters at every step for its plane).
pub const MAX_NETWORK_POINTS: f64 = 5e7;

/// The smallest width or height a view may have.
pub const MIN_VIEW_SIZE: f64 = 1e-6;

/// Where a path starts when none is given: up and to the left in `view`, away
/// from the middle where most minima lie, rounded to a ten-thousandth of
/// the view (finer than a plot's pixel): 1.8, not 1.8000000000000007.
pub fn default_start(view: View) -> [f64; 2] {
    let at = |[a, b]: [f64; 2], f: f64| round_to_pixel(a + f * (b - a), (b - a) / 10_000.0);
    [at(view.x, 0.2), at(view.y, 0.8)]
}

pub(crate) fn batch_json(b: Batch) -> Value {
    match b {
        Batch::Full => Value::String("full".into()),
        Batch::Size(n) => n.into(),
    }
}
