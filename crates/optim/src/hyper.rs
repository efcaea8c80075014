//! How an optimizer is described: its [`OptimizerDef`] (torch's name, default
//! learning rate, hyperparameters, update rule, checks and constructors) and
//! the [`HyperSpec`] of each keyword argument.

use crate::optimizer::{Optimizer, Shape};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::{ParamSpec, Range};
use std::collections::BTreeMap;

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
    Count {
        /// The least value allowed.
        min: u32,
        /// The greatest value allowed.
        max: u32,
        /// Whether null (torch's `None`) is allowed too.
        none: bool,
    },
    /// One of these names, or null for torch's None (`line_search_fn`).
    Choice(&'static [&'static str]),
    /// One of these names, never null (Lookahead's `pullback_momentum`).
    Word(&'static [&'static str]),
    /// Three numbers, each in the range (AdEMAMix's `betas`, Muon's
    /// `ns_coefficients`), each entry called as `parts` on the page.
    Triple(Range, [&'static str; 3]),
    /// A number in the range, or null for torch's None: a value the
    /// optimizer derives or a bound it does not apply, which the text says.
    MaybeNumber(Range, &'static str),
}

/// A hyperparameter's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HyperValue {
    /// The value of a [`HyperKind::Number`].
    Number(f64),
    /// The value of a [`HyperKind::Pair`], e.g. `betas`.
    Pair([f64; 2]),
    /// The value of a [`HyperKind::AutoPair`]; the first entry `None` is torch's `None`.
    AutoPair(Option<f64>, f64),
    /// The value of a [`HyperKind::Flag`].
    Flag(bool),
    /// The value of a [`HyperKind::Count`]; `None` is torch's `None`.
    Count(Option<u32>),
    /// The value of a [`HyperKind::Choice`] or a [`HyperKind::Word`];
    /// `None` is torch's `None`.
    Choice(Option<&'static str>),
    /// The value of a [`HyperKind::Triple`].
    Triple([f64; 3]),
    /// The value of a [`HyperKind::MaybeNumber`]; `None` is torch's `None`.
    MaybeNumber(Option<f64>),
}

/// One keyword argument of a torch optimizer.
#[derive(Debug, Clone, Copy)]
pub struct HyperSpec {
    /// torch's keyword, e.g. `"weight_decay"`.
    pub name: &'static str,
    /// What values it takes, and in what range.
    pub kind: HyperKind,
    /// torch's default value.
    pub default: HyperValue,
    /// What it does, in a short line for the page and the CLI.
    pub doc: &'static str,
    /// For a pair, what each entry is called on the page (e.g. β₁ and β₂).
    pub parts: [&'static str; 2],
}

/// Validated hyperparameters of one optimizer, every key present, and the
/// optimizer it wraps or steps beside, for those that take one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hyper {
    /// Each keyword's value.
    pub values: BTreeMap<&'static str, HyperValue>,
    /// The optimizer given under [`Wraps::key`] (SAM's and Lookahead's
    /// `base`, Muon's `others`); `None` for an optimizer that takes none.
    pub inner: Option<Box<Inner>>,
    /// A typed rule's update, names and values; `None` for every other optimizer.
    pub rule: Option<std::sync::Arc<crate::typed::Rule>>,
}

/// An optimizer inside another: SAM's or Lookahead's `base`, Muon's
/// `others`.
#[derive(Clone)]
pub struct Inner {
    /// Its catalogue entry.
    pub def: &'static OptimizerDef,
    /// Its own learning rate (Muon's `others`); `None` inside a wrapper
    /// whose [`Wraps::shares_lr`] holds, which steps its base at the run's
    /// rate (the entry's `lr`, moved by its schedule).
    pub lr: Option<f64>,
    /// Its hyperparameters.
    pub hyper: Hyper,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("name", &self.def.name)
            .field("lr", &self.lr)
            .field("hyper", &self.hyper)
            .finish()
    }
}

impl PartialEq for Inner {
    fn eq(&self, other: &Inner) -> bool {
        self.def.name == other.def.name && self.lr == other.lr && self.hyper == other.hyper
    }
}

impl Inner {
    /// Fresh state of the inner optimizer for a point on a surface.
    pub fn build_two(&self) -> Box<dyn Optimizer> {
        (self.def.build.two)(&self.hyper)
    }
    /// Fresh state of the inner optimizer for tensors shaped so.
    pub fn build_many(&self, shapes: &[Shape]) -> Box<dyn Optimizer<Vec<f64>>> {
        (self.def.build.many)(&self.hyper, shapes)
    }
}

/// The package whose class an optimizer steps as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `torch.optim` (PyTorch 2.15).
    Torch,
    /// The PyPI package `pytorch_optimizer` 4.1.0.
    PytorchOptimizer,
    /// Typed by its user (`rule`).
    Own,
}

impl Origin {
    /// The package as the page and the CLI name it.
    pub fn package(self) -> &'static str {
        match self {
            Origin::Torch => "torch.optim",
            Origin::PytorchOptimizer => "pytorch_optimizer 4.1.0",
            Origin::Own => "your own",
        }
    }
}

/// What an optimizer that holds another says of it.
#[derive(Debug, Clone, Copy)]
pub struct Wraps {
    /// The key it is given under (`base`, `others`).
    pub key: &'static str,
    /// The optimizer used when none is given, with its learning rate;
    /// `None` when one must be given.
    pub default: Option<(&'static str, f64)>,
    /// Whether the inner optimizer steps at the run's learning rate (SAM
    /// and Lookahead share their base's param groups, so a schedule moves
    /// it); otherwise it keeps its own `lr`.
    pub shares_lr: bool,
    /// The optimizers it cannot hold, and why (one line).
    pub refuses: &'static [&'static str],
    /// Why those are refused.
    pub refusal: &'static str,
    /// What the inner optimizer does, for the page and the CLI.
    pub doc: &'static str,
}

impl Hyper {
    /// A number (panics on a key the optimizer does not declare: a programming error).
    pub fn num(&self, key: &str) -> f64 {
        match self.values.get(key) {
            Some(HyperValue::Number(x)) => *x,
            other => panic!("hyperparameter {key} is not a number: {other:?}"),
        }
    }
    /// A pair, e.g. `betas` (panics as [`Hyper::num`] does).
    pub fn pair(&self, key: &str) -> [f64; 2] {
        match self.values.get(key) {
            Some(HyperValue::Pair(x)) => *x,
            other => panic!("hyperparameter {key} is not a pair: {other:?}"),
        }
    }
    /// A pair whose first entry may be torch's `None` (panics as [`Hyper::num`] does).
    pub fn auto_pair(&self, key: &str) -> (Option<f64>, f64) {
        match self.values.get(key) {
            Some(HyperValue::AutoPair(a, b)) => (*a, *b),
            other => panic!(
                "hyperparameter {key} is not a pair with an automatic first entry: {other:?}"
            ),
        }
    }
    /// A whole number, `None` for torch's `None` (panics as [`Hyper::num`] does).
    pub fn count(&self, key: &str) -> Option<u32> {
        match self.values.get(key) {
            Some(HyperValue::Count(x)) => *x,
            other => panic!("hyperparameter {key} is not a count: {other:?}"),
        }
    }
    /// One of the declared names, `None` for torch's `None` (panics as [`Hyper::num`] does).
    pub fn choice(&self, key: &str) -> Option<&'static str> {
        match self.values.get(key) {
            Some(HyperValue::Choice(x)) => *x,
            other => panic!("hyperparameter {key} is not a choice: {other:?}"),
        }
    }
    /// Three numbers (panics as [`Hyper::num`] does).
    pub fn triple(&self, key: &str) -> [f64; 3] {
        match self.values.get(key) {
            Some(HyperValue::Triple(x)) => *x,
            other => panic!("hyperparameter {key} is not a triple: {other:?}"),
        }
    }
    /// A number or torch's `None` (panics as [`Hyper::num`] does).
    pub fn maybe_num(&self, key: &str) -> Option<f64> {
        match self.values.get(key) {
            Some(HyperValue::MaybeNumber(x)) => *x,
            other => panic!("hyperparameter {key} is not a number or None: {other:?}"),
        }
    }
    /// The optimizer this one holds (panics for one that holds none: a
    /// programming error, as the parser always fills it in).
    pub fn inner(&self) -> &Inner {
        self.inner
            .as_deref()
            .expect("an optimizer that wraps another is built with it")
    }
    /// A typed rule (panics for another optimizer, as the parser always
    /// fills it in for `rule`).
    pub fn rule(&self) -> std::sync::Arc<crate::typed::Rule> {
        self.rule
            .clone()
            .expect("a typed rule is built with its update")
    }
    /// A boolean switch (panics as [`Hyper::num`] does).
    pub fn flag(&self, key: &str) -> bool {
        match self.values.get(key) {
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
    /// The optimizer it holds, for one that wraps or steps beside another.
    pub wraps: Option<Wraps>,
    /// Where its semantics come from: torch.optim, or pytorch_optimizer.
    pub origin: Origin,
    /// The name of the extra point series its runs give, one entry per
    /// step ([`Optimizer::series_point`]): schedule-free's `eval_points`,
    /// SAM's `ascent_points`, Lookahead's `slow_points`.
    pub series: Option<&'static str>,
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

pub(crate) fn no_cross_checks(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

impl OptimizerDef {
    /// Hyperparameters at torch's defaults.
    pub fn defaults(&self) -> Hyper {
        Hyper {
            values: self.hyper.iter().map(|h| (h.name, h.default)).collect(),
            inner: None,
            // A typed rule starts as plain gradient descent.
            rule: (self.name == crate::typed::NAME)
                .then(|| std::sync::Arc::new(crate::typed::Rule::plain())),
        }
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
