//! Optimizers with `torch.optim` semantics: the same names, the same defaults,
//! the same order of operations, in float64.
//!
//! Each optimizer lives in its own file as a type implementing [`Optimizer`]
//! plus an [`OptimizerDef`] in [`REGISTRY`] that declares its hyperparameters
//! (under torch's keyword names) and shows its update rule. Gradient clipping and
//! learning-rate schedules are in [`clip`] and [`schedule`]; they wrap any
//! optimizer the way a torch training loop does.
//!
//! An optimizer works on any number of parameters held in a [`Params`]
//! vector: `[f64; 2]` for a point on a surface, `Vec<f64>` for n. Each
//! [`OptimizerDef`] builds either ([`Build`]); the two share every line of the
//! update rule, which loops over the coordinates the same way for both.

/// The two constructors of an optimizer from one constructor expression:
/// `builders!(|h, zero| Adam::new(h, zero, false))` evaluates the expression
/// once with `zero = [0.0; 2]` and once with `zero = vec![0.0; n]`, n the
/// parameters of every tensor. An optimizer that treats tensors apart names
/// their shapes too: `builders!(|h, zero, shapes| …)`, where a point is one
/// vector of two.
macro_rules! builders {
    (|$h:ident, $zero:ident| $body:expr) => {
        builders!(|$h, $zero, _shapes| $body)
    };
    (|$h:ident, $zero:ident, $shapes:ident| $body:expr) => {
        $crate::optim::Build {
            two: |$h| {
                let $zero = [0.0_f64; 2];
                let $shapes: &[$crate::optim::Shape] = &[$crate::optim::Shape::Vector(2)];
                Box::new($body)
            },
            many: |$h, $shapes| {
                let $zero = vec![0.0_f64; $crate::optim::Shape::total($shapes)];
                Box::new($body)
            },
        }
    };
}

pub mod adadelta;
pub mod adafactor;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod adamw;
pub mod asgd;
pub mod clip;
pub mod lbfgs;
pub mod nadam;
pub mod radam;
pub mod rmsprop;
pub mod rprop;
pub mod schedule;
pub mod sgd;

use crate::error::ConfigError;
use crate::spec::{ParamSpec, Range};
use serde::Serialize;
use std::collections::BTreeMap;

/// A vector of parameters an optimizer updates: `[f64; 2]` (a point on a
/// surface) or `Vec<f64>` (any number of them). The optimizer's state vectors
/// are of the same type, as long as the parameters.
pub trait Params:
    Clone + std::fmt::Debug + AsRef<[f64]> + AsMut<[f64]> + Send + Sync + 'static
{
    /// A vector as long as this one with every entry `x`.
    fn filled(&self, x: f64) -> Self;
}

impl Params for [f64; 2] {
    fn filled(&self, x: f64) -> Self {
        [x; 2]
    }
}

impl Params for Vec<f64> {
    fn filled(&self, x: f64) -> Self {
        vec![x; self.len()]
    }
}

/// The shape of one of the parameter tensors that lie end to end in a flat
/// vector, in `model.parameters()` order. Most optimizers treat every
/// coordinate alike; Adafactor factors a matrix's second moments into its
/// rows and columns, and scales each tensor by its own RMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A vector of this many (a bias, a batch norm's weight, a point).
    Vector(usize),
    /// A matrix of `rows` × `cols`, row-major (a Linear's weight is out × in).
    Matrix(usize, usize),
}

impl Shape {
    /// How many parameters the tensor holds.
    pub fn len(self) -> usize {
        match self {
            Shape::Vector(n) => n,
            Shape::Matrix(rows, cols) => rows * cols,
        }
    }

    /// Whether it holds none.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// How many parameters the tensors hold together.
    pub fn total(shapes: &[Shape]) -> usize {
        shapes.iter().map(|s| s.len()).sum()
    }
}

/// The state of one optimizer over the coordinates of `V`.
pub trait Optimizer<V: Params = [f64; 2]> {
    /// One `optimizer.step()`: updates `params` in place from the gradient
    /// (already clipped) with the learning rate in force for this step.
    fn step(&mut self, params: &mut V, grad: &V, lr: f64);

    /// What torch's `optimizer.state[θ]` holds after the steps so far: its
    /// keys, in the order torch adds them, and nothing it does not hold.
    fn state(&self) -> State;

    /// Whether a step evaluates the objective again (`optimizer.step(closure)`,
    /// LBFGS): then the run calls [`Optimizer::step_closure`] instead of `step`.
    fn re_evaluates(&self) -> bool {
        false
    }

    /// The most evaluations of the objective one step can make (1 for a
    /// plain `step`), for bounding a run's work.
    fn max_evaluations(&self) -> u32 {
        1
    }

    /// One `optimizer.step(closure)`. `loss` and `grad` are the closure's
    /// first evaluation, at `params` (the one the training loop made);
    /// `closure` evaluates the loss and the (clipped) gradient anywhere else.
    /// Returns how many evaluations the step made, the first included.
    fn step_closure(
        &mut self,
        params: &mut V,
        loss: f64,
        grad: &V,
        lr: f64,
        closure: &mut Closure<V>,
    ) -> u32 {
        let _ = (loss, closure);
        self.step(params, grad, lr);
        1
    }

    /// The momentum factor (SGD, RMSprop) or β₁ (the Adam family) the next
    /// step uses: what torch's CyclicLR and OneCycleLR cycle. `None` for an
    /// optimizer with neither.
    fn momentum(&self) -> Option<f64> {
        None
    }

    /// Sets that momentum or β₁ between steps, as those schedulers do through
    /// the param group; does nothing for an optimizer with neither.
    fn set_momentum(&mut self, _momentum: f64) {}
}

/// One evaluation of the objective at a point: its loss and its gradient,
/// clipped as the training loop clips.
pub type Closure<'a, V = [f64; 2]> = dyn FnMut(&V) -> (f64, V) + 'a;

/// One value of an optimizer's state: a number (the step count, NAdam's
/// `mu_product`, …), a vector over the coordinates, or LBFGS's lists
/// (of vectors, or of numbers where torch may hold None).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StateValue {
    Number(f64),
    /// A count torch keeps as an integer (LBFGS's `func_evals`, `n_iter`).
    Count(u64),
    Vector(Vec<f64>),
    Vectors(Vec<Vec<f64>>),
    Numbers(Vec<Option<f64>>),
}

/// An optimizer's state under torch's key names, in torch's order; written
/// as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State(pub Vec<(&'static str, StateValue)>);

impl State {
    /// A state with `step` (a count torch keeps as a float) first.
    pub fn counted(step: u64) -> State {
        State(vec![("step", StateValue::Number(step as f64))])
    }
    /// Adds a vector under `key`.
    pub fn vector(mut self, key: &'static str, v: impl AsRef<[f64]>) -> State {
        self.0.push((key, StateValue::Vector(v.as_ref().to_vec())));
        self
    }
    /// Adds a number under `key`.
    pub fn number(mut self, key: &'static str, x: f64) -> State {
        self.0.push((key, StateValue::Number(x)));
        self
    }
    /// Adds an integer count under `key`.
    pub fn count(mut self, key: &'static str, n: u64) -> State {
        self.0.push((key, StateValue::Count(n)));
        self
    }
    /// Adds a list of vectors under `key`.
    pub fn vectors<T: AsRef<[f64]>>(mut self, key: &'static str, v: &[T]) -> State {
        let v = v.iter().map(|x| x.as_ref().to_vec()).collect();
        self.0.push((key, StateValue::Vectors(v)));
        self
    }
    /// Adds a list of numbers (None for torch's None) under `key`.
    pub fn numbers(mut self, key: &'static str, v: Vec<Option<f64>>) -> State {
        self.0.push((key, StateValue::Numbers(v)));
        self
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The kinds of hyperparameter torch's optimizers take.
#[derive(Debug, Clone, Copy)]
pub enum HyperKind {
    /// A number in a range.
    Number(Range),
    /// A pair of numbers, each in the range (torch's `betas`).
    Pair(Range),
    /// A pair whose first entry may be null, torch's `None`: a value torch
    /// chooses itself (Adafactor's `eps`, whose first entry then is the
    /// float's machine epsilon).
    AutoPair(Range),
    /// A boolean switch (`nesterov`, `amsgrad`, `centered`).
    Flag,
    /// A whole number in `[min, max]`; with `none`, null too (torch's None:
    /// a value the optimizer derives, like LBFGS's `max_eval`).
    Count { min: u32, max: u32, none: bool },
    /// One of these names, or null for torch's None (`line_search_fn`).
    Choice(&'static [&'static str]),
}

/// A hyperparameter's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HyperValue {
    Number(f64),
    Pair([f64; 2]),
    /// The first entry `None` is torch's `None`.
    AutoPair(Option<f64>, f64),
    Flag(bool),
    Count(Option<u32>),
    Choice(Option<&'static str>),
}

/// One keyword argument of a torch optimizer.
#[derive(Debug, Clone, Copy)]
pub struct HyperSpec {
    /// torch's keyword, e.g. `"weight_decay"`.
    pub name: &'static str,
    pub kind: HyperKind,
    pub default: HyperValue,
    pub doc: &'static str,
    /// For a pair, what each entry is called on the page (e.g. β₁ and β₂).
    pub parts: [&'static str; 2],
}

/// Validated hyperparameters of one optimizer, every key present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hyper(pub BTreeMap<&'static str, HyperValue>);

impl Hyper {
    /// A number (panics on a key the optimizer does not declare: a programming error).
    pub fn num(&self, key: &str) -> f64 {
        match self.0.get(key) {
            Some(HyperValue::Number(x)) => *x,
            other => panic!("hyperparameter {key} is not a number: {other:?}"),
        }
    }
    pub fn pair(&self, key: &str) -> [f64; 2] {
        match self.0.get(key) {
            Some(HyperValue::Pair(x)) => *x,
            other => panic!("hyperparameter {key} is not a pair: {other:?}"),
        }
    }
    pub fn auto_pair(&self, key: &str) -> (Option<f64>, f64) {
        match self.0.get(key) {
            Some(HyperValue::AutoPair(a, b)) => (*a, *b),
            other => panic!(
                "hyperparameter {key} is not a pair with an automatic first entry: {other:?}"
            ),
        }
    }
    pub fn count(&self, key: &str) -> Option<u32> {
        match self.0.get(key) {
            Some(HyperValue::Count(x)) => *x,
            other => panic!("hyperparameter {key} is not a count: {other:?}"),
        }
    }
    pub fn choice(&self, key: &str) -> Option<&'static str> {
        match self.0.get(key) {
            Some(HyperValue::Choice(x)) => *x,
            other => panic!("hyperparameter {key} is not a choice: {other:?}"),
        }
    }
    pub fn flag(&self, key: &str) -> bool {
        match self.0.get(key) {
            Some(HyperValue::Flag(x)) => *x,
            other => panic!("hyperparameter {key} is not a flag: {other:?}"),
        }
    }
}

/// The catalogue entry of an optimizer.
pub struct OptimizerDef {
    /// The lower-cased torch class name, the key used in experiments.
    pub name: &'static str,
    /// A display name, e.g. `"Adam"`.
    pub title: &'static str,
    /// torch's default learning rate (torch 2.x).
    pub default_lr: f64,
    /// Every keyword argument other than `lr`, with torch's defaults.
    pub hyper: &'static [HyperSpec],
    /// The update rule, one line per operation, in the order it is applied;
    /// `g` is the (clipped) gradient, `θ` the parameters, `γ` the learning rate.
    pub rule: &'static [&'static str],
    /// Checks that involve several hyperparameters at once (torch's own
    /// constructor checks); single values are already range-checked.
    pub check: fn(&Hyper, &str) -> Result<(), ConfigError>,
    /// Fresh optimizer state, for two parameters or for n.
    pub build: Build,
}

/// A constructor of an optimizer's state for the parameters of the tensors
/// shaped so, end to end.
pub type BuildMany = fn(&Hyper, &[Shape]) -> Box<dyn Optimizer<Vec<f64>>>;

/// An optimizer's two constructors, made by `builders!` from one expression.
#[derive(Clone, Copy)]
pub struct Build {
    /// Fresh state for a point on a surface.
    pub two: fn(&Hyper) -> Box<dyn Optimizer>,
    /// Fresh state for the parameters of the tensors shaped so, end to end
    /// (`&[Shape::Vector(n)]` for n parameters in one vector).
    pub many: BuildMany,
}

/// The learning rate's allowed range, as torch checks it.
pub const LR_RANGE: Range = Range::at_least(0.0);

/// Every optimizer.
pub static REGISTRY: &[&OptimizerDef] = &[
    &sgd::DEF,
    &adagrad::DEF,
    &rmsprop::DEF,
    &adadelta::DEF,
    &adam::DEF,
    &adamw::DEF,
    &nadam::DEF,
    &adamax::DEF,
    &radam::DEF,
    &rprop::DEF,
    &asgd::DEF,
    &adafactor::DEF,
    &lbfgs::DEF,
];

/// Looks an optimizer up by its key.
pub fn lookup(name: &str) -> Option<&'static OptimizerDef> {
    REGISTRY.iter().copied().find(|d| d.name == name)
}

/// The keys of all optimizers, for error messages.
pub fn names() -> String {
    REGISTRY
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_cross_checks(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

impl OptimizerDef {
    /// Hyperparameters at torch's defaults.
    pub fn defaults(&self) -> Hyper {
        Hyper(self.hyper.iter().map(|h| (h.name, h.default)).collect())
    }

    /// The spec of one hyperparameter.
    pub fn spec(&self, key: &str) -> Option<&'static HyperSpec> {
        self.hyper.iter().find(|h| h.name == key)
    }

    /// Whether it has a momentum or β₁ that a cyclic or one-cycle schedule
    /// can cycle: torch's test, `momentum` or `betas` among its keywords.
    pub fn has_momentum(&self) -> bool {
        self.spec("momentum").is_some() || self.spec("betas").is_some()
    }
}

// Hyperparameters several optimizers share, so their ranges and docs agree.

pub(crate) const fn number(
    name: &'static str,
    default: f64,
    range: Range,
    doc: &'static str,
) -> HyperSpec {
    HyperSpec {
        name,
        kind: HyperKind::Number(range),
        default: HyperValue::Number(default),
        doc,
        parts: ["", ""],
    }
}

pub(crate) const fn flag(name: &'static str, doc: &'static str) -> HyperSpec {
    HyperSpec {
        name,
        kind: HyperKind::Flag,
        default: HyperValue::Flag(false),
        doc,
        parts: ["", ""],
    }
}

pub(crate) const WEIGHT_DECAY: HyperSpec = number(
    "weight_decay",
    0.0,
    Range::at_least(0.0),
    "L2 penalty added to the gradient: g ← g + λθ",
);

pub(crate) const fn eps(default: f64) -> HyperSpec {
    number(
        "eps",
        default,
        Range::at_least(0.0),
        "added to the denominator for numerical stability",
    )
}

pub(crate) const BETAS: HyperSpec = pair(
    "betas",
    [0.9, 0.999],
    Range::closed_open(0.0, 1.0),
    "decay rates of the first and second moment averages",
    ["β₁", "β₂"],
);

/// A pair of numbers, each in `range`, its entries called `parts` on the page.
pub(crate) const fn pair(
    name: &'static str,
    default: [f64; 2],
    range: Range,
    doc: &'static str,
    parts: [&'static str; 2],
) -> HyperSpec {
    HyperSpec {
        name,
        kind: HyperKind::Pair(range),
        default: HyperValue::Pair(default),
        doc,
        parts,
    }
}

/// `ParamSpec` view of the learning rate for a given optimizer.
pub fn lr_spec(def: &OptimizerDef) -> ParamSpec {
    ParamSpec {
        name: "lr",
        default: def.default_lr,
        range: LR_RANGE,
        doc: "learning rate",
    }
}

/// The start of an Adam-family step (Adam, AdamW, NAdam, RAdam) for one
/// coordinate: weight decay (`g + λθ`, or `θ ← θ(1 − γλ)` when decoupled),
/// then the moment averages `m ← m + (1 − β₁)(g − m)` and
/// `v ← β₂v + (1 − β₂)g²`. Returns the gradient the averages took.
pub(crate) struct Moments {
    pub betas: [f64; 2],
    pub weight_decay: f64,
    pub decoupled: bool,
}

impl Moments {
    /// From the optimizer's `betas` and `weight_decay`.
    pub(crate) fn new(h: &Hyper, decoupled: bool) -> Moments {
        Moments {
            betas: h.pair("betas"),
            weight_decay: h.num("weight_decay"),
            decoupled,
        }
    }

    pub(crate) fn update(&self, p: &mut f64, g: f64, lr: f64, m: &mut f64, v: &mut f64) -> f64 {
        let mut g = g;
        if self.weight_decay != 0.0 {
            if self.decoupled {
                *p *= 1.0 - lr * self.weight_decay;
            } else {
                g += self.weight_decay * *p;
            }
        }
        let [b1, b2] = self.betas;
        *m = lerp(*m, g, 1.0 - b1);
        *v = b2 * *v + (1.0 - b2) * g * g;
        g
    }
}

/// The Euclidean norm, as torch's `norm(2)` computes it: the root of the sum
/// of squares (summed left to right).
pub fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// The dot product Σ aᵢbᵢ, summed left to right from the first product (so
/// for two coordinates `a[0] * b[0] + a[1] * b[1]`); 0 for empty vectors.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let b = &b[..a.len()];
    match a.len() {
        0 => 0.0,
        n => {
            let mut s = a[0] * b[0];
            for i in 1..n {
                s += a[i] * b[i];
            }
            s
        }
    }
}

/// Adam-family moment update shared by Adam, AdamW, NAdam and Adamax:
/// `m ← m + (1 − β₁)(g − m)`, torch's `lerp_`.
pub(crate) fn lerp(m: f64, g: f64, weight: f64) -> f64 {
    // torch computes lerp from the nearer end for accuracy.
    if weight < 0.5 {
        m + weight * (g - m)
    } else {
        g - (g - m) * (1.0 - weight)
    }
}

thread_local! {
    /// Powers already computed by [`power_of_step`], per base (by its bits):
    /// `values[t]` is base^t.
    static POWERS: std::cell::RefCell<Vec<(u64, Vec<f64>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `base^t` for a step count `t`, as `libm::pow(base, t as f64)` gives it
/// (the same bits), remembered per thread: the bias corrections of Adam and
/// its kin need β₁ᵗ and β₂ᵗ at every step, and a sweep or a basin map runs the
/// same steps with the same β thousands of times. Only a few bases are kept.
pub fn power_of_step(base: f64, t: u64) -> f64 {
    const BASES: usize = 8;
    // Beyond the longest run there is nothing to share.
    if t > crate::experiment::MAX_STEPS as u64 {
        return libm::pow(base, t as f64);
    }
    POWERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = base.to_bits();
        let at = match cache.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                if cache.len() == BASES {
                    cache.remove(0);
                }
                cache.push((key, Vec::new()));
                cache.len() - 1
            }
        };
        let values = &mut cache[at].1;
        while values.len() <= t as usize {
            let k = values.len();
            values.push(libm::pow(base, k as f64));
        }
        values[t as usize]
    })
}

#[cfg(test)]
mod tests {
    use super::{dot, norm, Params};

    #[test]
    fn two_coordinate_sums_are_the_two_term_sums_bit_for_bit() {
        // Signed zeros included: a sum started from +0 would turn −0 + −0 into +0.
        let xs = [0.0, -0.0, 1.5, -2.25, 1e-300, 3e300, 0.1, f64::NAN];
        for &a in &xs {
            for &b in &xs {
                for &c in &xs {
                    for &d in &xs {
                        let want = a * c + b * d;
                        assert_eq!(dot(&[a, b], &[c, d]).to_bits(), want.to_bits());
                    }
                }
                assert_eq!(norm(&[a, b]).to_bits(), (a * a + b * b).sqrt().to_bits());
            }
        }
        assert_eq!(dot(&[], &[]), 0.0);
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
    }

    #[test]
    fn filled_keeps_the_length() {
        assert_eq!([1.0, 2.0].filled(0.5), [0.5, 0.5]);
        assert_eq!(vec![1.0; 5].filled(-1.0), vec![-1.0; 5]);
        assert!(Vec::new().filled(3.0).is_empty());
    }
}
