//! Every schedule declared once: [`SCHEDULES`] holds each schedule's keys
//! under torch's names, with their kinds, ranges, defaults and docs. Reading
//! a schedule from JSON ([`parse`]), writing it back (its `Serialize`), the
//! page's schedule menu and the links all read this one table; only
//! [`build`] and [`values_of`] name the fields of [`Schedule`]'s variants.

use crate::optimizer::MAX_STEPS;
use crate::schedule::{
    Anneal, Cyclic, CyclicMode, OneCycle, Plateau, PlateauMode, Schedule, ThresholdMode,
};
use optiviz_base::error::{ConfigError, ConfigErrors, Problems};
use optiviz_base::json::{integer, kind_of, number, Obj};
use optiviz_base::spec::Range;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

/// The most schedules one sequence may hold.
pub const MAX_SEQUENCE: usize = 16;

/// The learning rate's range, as torch checks it (for a schedule's own rates).
const LR: Range = Range::at_least(0.0);

/// What kind of value a schedule key takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyKind {
    /// A number in the range.
    Number(Range),
    /// A whole number in `[min, max]`; with `none`, null too (torch's None,
    /// a value the scheduler derives).
    Whole {
        /// The smallest allowed.
        min: u32,
        /// The largest allowed.
        max: u32,
        /// Whether null (torch's None) is allowed.
        none: bool,
    },
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Flag,
    /// A list of step numbers, each at least `min` (and at most the most
    /// steps a run may take).
    List {
        /// The smallest step allowed.
        min: u32,
    },
    /// A list of schedules (SequentialLR's).
    Schedules,
}

/// A key's default: torch's, or for a required key the value the page offers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyDefault {
    /// For a number or a whole number.
    Number(f64),
    /// For a [`KeyKind::Choice`]: one of its words.
    Text(&'static str),
    /// For a [`KeyKind::Flag`].
    Flag(bool),
    /// For a [`KeyKind::List`].
    List(&'static [u32]),
    /// torch's `None`: not given.
    Null,
}

impl KeyDefault {
    /// As JSON.
    pub fn to_json(self) -> Value {
        match self {
            KeyDefault::Number(x) => json!(x),
            KeyDefault::Text(s) => json!(s),
            KeyDefault::Flag(b) => json!(b),
            KeyDefault::List(l) => json!(l),
            KeyDefault::Null => Value::Null,
        }
    }

    /// Whether `v` is this default.
    pub fn is(self, v: &Value) -> bool {
        match self {
            KeyDefault::Number(x) => v.as_f64() == Some(x),
            KeyDefault::Null => v.is_null(),
            d => d.to_json() == *v,
        }
    }
}

/// One keyword argument of a torch scheduler.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleKey {
    /// torch's keyword, e.g. `"T_max"`.
    pub name: &'static str,
    /// What kind of value it takes, and its range.
    pub kind: KeyKind,
    /// torch's default, or what the page offers for a required key.
    pub default: KeyDefault,
    /// torch has no default for it; `default` is what the page suggests.
    pub required: bool,
    /// Accepted and checked as torch accepts it, but changing nothing here:
    /// neither shown on the page nor written back (CyclicLR's `scale_mode`,
    /// which torch replaces by its mode's own without a custom `scale_fn`).
    pub inert: bool,
    /// What it does, in a short line for the page and the CLI.
    pub doc: &'static str,
}

impl ScheduleKey {
    /// What the key allows, as an error message says it.
    pub fn allowed(&self) -> String {
        match self.kind {
            KeyKind::Number(r) => r.to_string(),
            KeyKind::Whole { min, max, none } => format!(
                "a whole number in [{min}, {max}]{}",
                if none { " or null (None)" } else { "" }
            ),
            KeyKind::Choice(words) => format!("one of {}", quoted(words)),
            KeyKind::Flag => "true or false".into(),
            KeyKind::List { min } => {
                format!("a list of step numbers, each in [{min}, {MAX_STEPS}]")
            }
            KeyKind::Schedules => format!("a list of 1 to {MAX_SEQUENCE} schedules"),
        }
    }
}

/// The catalogue entry of a schedule.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleDef {
    /// The key used in experiments.
    pub name: &'static str,
    /// A display name with torch's class, e.g. `"Step (StepLR)"`.
    pub title: &'static str,
    /// What it does to the rate, in a sentence for the page.
    pub about: &'static str,
    /// Its keyword arguments, in the order the page lists them.
    pub keys: &'static [ScheduleKey],
}

impl ScheduleDef {
    /// The spec of one key.
    pub fn key(&self, name: &str) -> Option<&'static ScheduleKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The keys the page shows and a schedule writes back.
    pub fn listed(&self) -> impl Iterator<Item = &'static ScheduleKey> {
        self.keys.iter().filter(|k| !k.inert)
    }
}

const fn key(
    name: &'static str,
    kind: KeyKind,
    default: KeyDefault,
    doc: &'static str,
) -> ScheduleKey {
    ScheduleKey {
        name,
        kind,
        default,
        required: false,
        inert: false,
        doc,
    }
}

/// A number in `range`, `default` when not given.
const fn num(name: &'static str, range: Range, default: f64, doc: &'static str) -> ScheduleKey {
    key(
        name,
        KeyKind::Number(range),
        KeyDefault::Number(default),
        doc,
    )
}

/// A step count in `[min, MAX_STEPS]`.
const fn steps(name: &'static str, min: u32, default: f64, doc: &'static str) -> ScheduleKey {
    key(
        name,
        KeyKind::Whole {
            min,
            max: MAX_STEPS,
            none: false,
        },
        KeyDefault::Number(default),
        doc,
    )
}

/// A key torch has no default for; `offer` is what the page starts with.
const fn required(k: ScheduleKey) -> ScheduleKey {
    ScheduleKey {
        required: true,
        ..k
    }
}

const fn choice(
    name: &'static str,
    choices: &'static [&'static str],
    doc: &'static str,
) -> ScheduleKey {
    key(
        name,
        KeyKind::Choice(choices),
        KeyDefault::Text(choices[0]),
        doc,
    )
}

const fn flag(name: &'static str, default: bool, doc: &'static str) -> ScheduleKey {
    key(name, KeyKind::Flag, KeyDefault::Flag(default), doc)
}

/// A whole number in `[1, max]` that may be left out (torch's None).
const fn unset(name: &'static str, max: u32, doc: &'static str) -> ScheduleKey {
    key(
        name,
        KeyKind::Whole {
            min: 1,
            max,
            none: true,
        },
        KeyDefault::Null,
        doc,
    )
}

const fn milestones(min: u32, offer: &'static [u32], doc: &'static str) -> ScheduleKey {
    required(key(
        "milestones",
        KeyKind::List { min },
        KeyDefault::List(offer),
        doc,
    ))
}

const POSITIVE: Range = Range::above(0.0);
const AT_LEAST_0: Range = Range::at_least(0.0);
const MOMENTUM: Range = Range::closed_open(0.0, 1.0);

const CYCLE_MOMENTUM: &str = "also cycle the optimizer's momentum (SGD, RMSprop) or β₁ (Adam and kin) the opposite way to lr; an optimizer with neither needs this false";

/// Every schedule, in the order the page lists them.
pub static SCHEDULES: &[ScheduleDef] = &[
    ScheduleDef {
        name: "step",
        title: "Step (StepLR)",
        about: "lr is multiplied by gamma every step_size steps",
        keys: &[
            required(steps("step_size", 1, 30.0, "steps between two decays (a whole number >= 1)")),
            num("gamma", POSITIVE, 0.1, "the factor lr is multiplied by at each decay (> 0)"),
        ],
    },
    ScheduleDef {
        name: "exponential",
        title: "Exponential (ExponentialLR)",
        about: "lr is multiplied by gamma after every step",
        keys: &[required(num(
            "gamma",
            POSITIVE,
            0.95,
            "the factor lr is multiplied by after every step (> 0)",
        ))],
    },
    ScheduleDef {
        name: "cosine",
        title: "Cosine (CosineAnnealingLR)",
        about: "lr falls from its value to eta_min along half a cosine over T_max steps, then rises again",
        keys: &[
            required(steps("T_max", 1, 100.0, "steps from the full lr down to eta_min (half a cosine period)")),
            num("eta_min", AT_LEAST_0, 0.0, "the lowest learning rate, reached at step T_max"),
        ],
    },
    ScheduleDef {
        name: "linear",
        title: "Linear (LinearLR)",
        about: "lr is scaled by a factor that moves in a straight line from start_factor to end_factor",
        keys: &[
            num("start_factor", Range::open_closed(0.0, 1.0), 1.0 / 3.0, "lr is multiplied by this at step 0 (in (0, 1])"),
            num("end_factor", Range::closed(0.0, 1.0), 1.0, "lr is multiplied by this from step total_iters on (in [0, 1])"),
            steps("total_iters", 1, 5.0, "steps over which the factor moves from start_factor to end_factor"),
        ],
    },
    ScheduleDef {
        name: "inverse_time",
        title: "Inverse time (1 / (1 + k t))",
        about: "step t uses lr / (1 + k t)",
        keys: &[required(num(
            "k",
            AT_LEAST_0,
            0.05,
            "how fast lr shrinks: step t uses lr / (1 + k t) (>= 0)",
        ))],
    },
    ScheduleDef {
        name: "multistep",
        title: "Multi-step (MultiStepLR)",
        about: "lr is multiplied by gamma at each milestone step (by gamma² at a milestone listed twice)",
        keys: &[
            milestones(0, &[30, 80], "the steps at which lr drops, in increasing order (a repeat drops it again)"),
            num("gamma", POSITIVE, 0.1, "the factor lr is multiplied by at each milestone (> 0)"),
        ],
    },
    ScheduleDef {
        name: "constant",
        title: "Constant (ConstantLR)",
        about: "lr is multiplied by factor for the first total_iters steps, then goes back to its value",
        keys: &[
            // torch accepts 0, then divides by it at total_iters.
            num("factor", Range::open_closed(0.0, 1.0), 1.0 / 3.0, "lr is multiplied by this until step total_iters (in (0, 1])"),
            steps("total_iters", 1, 5.0, "the step at which lr goes back to its value (a whole number >= 1)"),
        ],
    },
    ScheduleDef {
        name: "polynomial",
        title: "Polynomial (PolynomialLR)",
        about: "lr decays as (1 − t / total_iters)^power, reaching 0 at step total_iters",
        keys: &[
            steps("total_iters", 1, 5.0, "the step at which lr reaches 0 (a whole number >= 1)"),
            num("power", AT_LEAST_0, 1.0, "the power of the decay: 1 is a straight line (>= 0)"),
        ],
    },
    ScheduleDef {
        name: "cosine_warm_restarts",
        title: "Cosine with warm restarts (CosineAnnealingWarmRestarts)",
        about: "lr falls along half a cosine to eta_min over T_0 steps, then jumps back to its value; each period is T_mult times the one before",
        keys: &[
            required(steps("T_0", 1, 10.0, "steps until the first restart (a whole number >= 1)")),
            steps("T_mult", 1, 1.0, "each period is this many times the one before (a whole number >= 1)"),
            num("eta_min", AT_LEAST_0, 0.0, "the lowest learning rate, reached at the end of each period"),
        ],
    },
    ScheduleDef {
        name: "cyclic",
        title: "Cyclic (CyclicLR)",
        about: "lr goes back and forth between base_lr and max_lr, replacing the optimizer's lr; with cycle_momentum, the momentum (or β₁) goes the opposite way between max_momentum and base_momentum. torch's scale_mode is accepted but, as in torch without a custom scale_fn, the mode decides it (per cycle for triangular and triangular2, per step for exp_range)",
        keys: &[
            required(num("base_lr", LR, 0.001, "the lowest learning rate, where each cycle starts (it replaces the optimizer's lr)")),
            required(num("max_lr", LR, 0.1, "the highest learning rate, at the top of the first cycle")),
            steps("step_size_up", 1, 2000.0, "steps from base_lr up to the top (a whole number >= 1)"),
            unset("step_size_down", MAX_STEPS, "steps from the top back down; empty means step_size_up"),
            choice("mode", &["triangular", "triangular2", "exp_range"], "triangular: every cycle full height; triangular2: each cycle half as high as the last; exp_range: height gamma^t at step t"),
            num("gamma", POSITIVE, 1.0, "exp_range's factor per step (> 0)"),
            ScheduleKey {
                inert: true,
                ..choice("scale_mode", &["cycle", "iterations"], "accepted as torch accepts it; without a custom scale_fn torch uses the mode's own")
            },
            flag("cycle_momentum", true, CYCLE_MOMENTUM),
            num("base_momentum", MOMENTUM, 0.8, "the momentum at the top of a cycle (in [0, 1))"),
            num("max_momentum", MOMENTUM, 0.9, "the momentum at the start of a cycle (in [0, 1))"),
        ],
    },
    ScheduleDef {
        name: "onecycle",
        title: "One cycle (OneCycleLR)",
        about: "lr rises from max_lr / div_factor to max_lr over the first pct_start of the cycle, then falls far below where it started; it replaces the optimizer's lr, and with cycle_momentum the momentum (or β₁) goes the opposite way. The cycle (total_steps, or epochs × steps_per_epoch) must be at least the run's steps: torch stops with an error past it",
        keys: &[
            required(num("max_lr", LR, 0.1, "the highest learning rate, at the top of the cycle")),
            unset("total_steps", u32::MAX, "the cycle's length in steps (at least the run's steps); empty to use epochs × steps_per_epoch"),
            unset("epochs", u32::MAX, "with steps_per_epoch, the cycle's length when total_steps is empty"),
            unset("steps_per_epoch", u32::MAX, "with epochs, the cycle's length when total_steps is empty"),
            num("pct_start", Range::closed(0.0, 1.0), 0.3, "the share of the cycle spent rising (in [0, 1])"),
            choice("anneal_strategy", &["cos", "linear"], "how lr moves between its values: along half a cosine, or in a straight line"),
            flag("cycle_momentum", true, CYCLE_MOMENTUM),
            num("base_momentum", MOMENTUM, 0.85, "the momentum at the top of the cycle (in [0, 1))"),
            num("max_momentum", MOMENTUM, 0.95, "the momentum at the start and the end (in [0, 1))"),
            num("div_factor", POSITIVE, 25.0, "the cycle starts at max_lr / div_factor (> 0)"),
            num("final_div_factor", POSITIVE, 1e4, "it ends at the start's lr / final_div_factor (> 0)"),
            flag("three_phase", false, "rise, fall back to the start's lr, then fall further (instead of one long fall)"),
        ],
    },
    ScheduleDef {
        name: "plateau",
        title: "Reduce on plateau (ReduceLROnPlateau)",
        about: "lr is multiplied by factor once the loss (at the start of each step) has not improved for more than patience steps",
        keys: &[
            choice("mode", &["min", "max"], "min: a lower loss is better; max: a higher one is"),
            num("factor", Range::closed_open(0.0, 1.0), 0.1, "the factor lr is multiplied by at each reduction (in [0, 1))"),
            steps("patience", 0, 10.0, "steps without improvement tolerated before a reduction (a whole number)"),
            num("threshold", AT_LEAST_0, 1e-4, "how much better a loss must be to count as an improvement (>= 0)"),
            choice("threshold_mode", &["rel", "abs"], "rel: better than best·(1 ∓ threshold); abs: better than best ∓ threshold"),
            steps("cooldown", 0, 0.0, "steps after a reduction during which no step counts as bad (a whole number)"),
            num("min_lr", AT_LEAST_0, 0.0, "lr is never reduced below this (>= 0)"),
            num("eps", AT_LEAST_0, 1e-8, "a reduction smaller than this is skipped (>= 0)"),
        ],
    },
    ScheduleDef {
        name: "sequential",
        title: "Sequential (SequentialLR)",
        about: "runs schedules one after another, each taking over at a milestone step (say, a linear warm-up then a cosine); each schedule below has its own keys, and milestones lists the steps at which the next one takes over",
        keys: &[
            required(key(
                "schedulers",
                KeyKind::Schedules,
                KeyDefault::Null,
                "the schedules in order, each an object with its name and keys (not plateau or sequential)",
            )),
            milestones(1, &[10], "the steps at which the next schedule takes over, increasing, one fewer than the schedules"),
        ],
    },
];

/// Looks a schedule up by its key.
pub fn lookup(name: &str) -> Option<&'static ScheduleDef> {
    SCHEDULES.iter().find(|d| d.name == name)
}

/// The keys of all schedules, for error messages.
pub fn names() -> String {
    SCHEDULES
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------ values

/// One key's value, checked against its spec.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    /// A number.
    Number(f64),
    /// A whole number, or torch's None.
    Whole(Option<u32>),
    /// One of a choice's words.
    Text(&'static str),
    /// A switch.
    Flag(bool),
    /// Step numbers.
    List(Vec<u32>),
    /// A sequence's schedules.
    Schedules(Vec<Schedule>),
}

impl KeyValue {
    /// The default of `key` as a value (a required key has none).
    fn default_of(key: &ScheduleKey) -> Option<KeyValue> {
        Some(match (key.kind, key.default) {
            (KeyKind::Whole { .. }, KeyDefault::Number(x)) => KeyValue::Whole(Some(x as u32)),
            (KeyKind::Whole { .. }, KeyDefault::Null) => KeyValue::Whole(None),
            (_, KeyDefault::Number(x)) => KeyValue::Number(x),
            (_, KeyDefault::Text(t)) => KeyValue::Text(t),
            (_, KeyDefault::Flag(b)) => KeyValue::Flag(b),
            (_, KeyDefault::List(l)) => KeyValue::List(l.to_vec()),
            (_, KeyDefault::Null) => return None,
        })
    }

    /// As JSON (`None` for torch's None, which is left out).
    fn to_json(&self) -> Option<Value> {
        Some(match self {
            KeyValue::Number(x) => json!(x),
            KeyValue::Whole(n) => json!((*n)?),
            KeyValue::Text(t) => json!(t),
            KeyValue::Flag(b) => json!(b),
            KeyValue::List(l) => json!(l),
            KeyValue::Schedules(s) => serde_json::to_value(s).expect("schedules serialize"),
        })
    }
}

/// A schedule's keys with their values, every listed key present.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(Vec<(&'static str, KeyValue)>);

impl Values {
    fn get(&self, key: &str) -> &KeyValue {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("schedule key {key} is not in the table"))
    }
    fn num(&self, key: &str) -> f64 {
        match self.get(key) {
            KeyValue::Number(x) => *x,
            other => panic!("schedule key {key} is not a number: {other:?}"),
        }
    }
    fn whole(&self, key: &str) -> Option<u32> {
        match self.get(key) {
            KeyValue::Whole(n) => *n,
            other => panic!("schedule key {key} is not a whole number: {other:?}"),
        }
    }
    fn count(&self, key: &str) -> u32 {
        self.whole(key)
            .unwrap_or_else(|| panic!("schedule key {key} has no value"))
    }
    fn text(&self, key: &str) -> &'static str {
        match self.get(key) {
            KeyValue::Text(t) => t,
            other => panic!("schedule key {key} is not a word: {other:?}"),
        }
    }
    fn flag(&self, key: &str) -> bool {
        match self.get(key) {
            KeyValue::Flag(b) => *b,
            other => panic!("schedule key {key} is not a flag: {other:?}"),
        }
    }
    fn list(&self, key: &str) -> Vec<u32> {
        match self.get(key) {
            KeyValue::List(l) => l.clone(),
            other => panic!("schedule key {key} is not a list: {other:?}"),
        }
    }
    fn insert(&mut self, key: &'static str, v: KeyValue) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = v,
            None => self.0.push((key, v)),
        }
    }
}

/// The schedule named `name` from its checked values.
pub fn build(name: &str, v: &Values) -> Schedule {
    match name {
        "step" => Schedule::Step {
            step_size: v.count("step_size"),
            gamma: v.num("gamma"),
        },
        "exponential" => Schedule::Exponential {
            gamma: v.num("gamma"),
        },
        "cosine" => Schedule::Cosine {
            t_max: v.count("T_max"),
            eta_min: v.num("eta_min"),
        },
        "linear" => Schedule::Linear {
            start_factor: v.num("start_factor"),
            end_factor: v.num("end_factor"),
            total_iters: v.count("total_iters"),
        },
        "inverse_time" => Schedule::InverseTime { k: v.num("k") },
        "multistep" => Schedule::MultiStep {
            milestones: v.list("milestones"),
            gamma: v.num("gamma"),
        },
        "constant" => Schedule::Constant {
            factor: v.num("factor"),
            total_iters: v.count("total_iters"),
        },
        "polynomial" => Schedule::Polynomial {
            total_iters: v.count("total_iters"),
            power: v.num("power"),
        },
        "cosine_warm_restarts" => Schedule::CosineWarmRestarts {
            t_0: v.count("T_0"),
            t_mult: v.count("T_mult"),
            eta_min: v.num("eta_min"),
        },
        "cyclic" => Schedule::Cyclic(Cyclic {
            base_lr: v.num("base_lr"),
            max_lr: v.num("max_lr"),
            step_size_up: v.count("step_size_up"),
            step_size_down: v.whole("step_size_down"),
            mode: match v.text("mode") {
                "triangular2" => CyclicMode::Triangular2,
                "exp_range" => CyclicMode::ExpRange,
                _ => CyclicMode::Triangular,
            },
            gamma: v.num("gamma"),
            cycle_momentum: v.flag("cycle_momentum"),
            base_momentum: v.num("base_momentum"),
            max_momentum: v.num("max_momentum"),
        }),
        "onecycle" => Schedule::OneCycle(OneCycle {
            max_lr: v.num("max_lr"),
            total_steps: v.whole("total_steps"),
            epochs: v.whole("epochs"),
            steps_per_epoch: v.whole("steps_per_epoch"),
            pct_start: v.num("pct_start"),
            anneal_strategy: match v.text("anneal_strategy") {
                "linear" => Anneal::Linear,
                _ => Anneal::Cos,
            },
            cycle_momentum: v.flag("cycle_momentum"),
            base_momentum: v.num("base_momentum"),
            max_momentum: v.num("max_momentum"),
            div_factor: v.num("div_factor"),
            final_div_factor: v.num("final_div_factor"),
            three_phase: v.flag("three_phase"),
        }),
        "plateau" => Schedule::Plateau(Plateau {
            mode: match v.text("mode") {
                "max" => PlateauMode::Max,
                _ => PlateauMode::Min,
            },
            factor: v.num("factor"),
            patience: v.count("patience"),
            threshold: v.num("threshold"),
            threshold_mode: match v.text("threshold_mode") {
                "abs" => ThresholdMode::Abs,
                _ => ThresholdMode::Rel,
            },
            cooldown: v.count("cooldown"),
            min_lr: v.num("min_lr"),
            eps: v.num("eps"),
        }),
        "sequential" => Schedule::Sequential {
            schedulers: match v.get("schedulers") {
                KeyValue::Schedules(s) => s.clone(),
                other => panic!("schedulers is not a list of schedules: {other:?}"),
            },
            milestones: v.list("milestones"),
        },
        other => panic!("no schedule {other} in the table"),
    }
}

/// A schedule's values, as [`build`] takes them: its inverse.
pub fn values_of(s: &Schedule) -> Values {
    use KeyValue::*;
    let pairs: Vec<(&'static str, KeyValue)> = match s {
        Schedule::Step { step_size, gamma } => {
            vec![
                ("step_size", Whole(Some(*step_size))),
                ("gamma", Number(*gamma)),
            ]
        }
        Schedule::Exponential { gamma } => vec![("gamma", Number(*gamma))],
        Schedule::Cosine { t_max, eta_min } => {
            vec![
                ("T_max", Whole(Some(*t_max))),
                ("eta_min", Number(*eta_min)),
            ]
        }
        Schedule::Linear {
            start_factor,
            end_factor,
            total_iters,
        } => vec![
            ("start_factor", Number(*start_factor)),
            ("end_factor", Number(*end_factor)),
            ("total_iters", Whole(Some(*total_iters))),
        ],
        Schedule::InverseTime { k } => vec![("k", Number(*k))],
        Schedule::MultiStep { milestones, gamma } => vec![
            ("milestones", List(milestones.clone())),
            ("gamma", Number(*gamma)),
        ],
        Schedule::Constant {
            factor,
            total_iters,
        } => vec![
            ("factor", Number(*factor)),
            ("total_iters", Whole(Some(*total_iters))),
        ],
        Schedule::Polynomial { total_iters, power } => vec![
            ("total_iters", Whole(Some(*total_iters))),
            ("power", Number(*power)),
        ],
        Schedule::CosineWarmRestarts {
            t_0,
            t_mult,
            eta_min,
        } => vec![
            ("T_0", Whole(Some(*t_0))),
            ("T_mult", Whole(Some(*t_mult))),
            ("eta_min", Number(*eta_min)),
        ],
        Schedule::Cyclic(c) => vec![
            ("base_lr", Number(c.base_lr)),
            ("max_lr", Number(c.max_lr)),
            ("step_size_up", Whole(Some(c.step_size_up))),
            ("step_size_down", Whole(c.step_size_down)),
            (
                "mode",
                Text(match c.mode {
                    CyclicMode::Triangular => "triangular",
                    CyclicMode::Triangular2 => "triangular2",
                    CyclicMode::ExpRange => "exp_range",
                }),
            ),
            ("gamma", Number(c.gamma)),
            ("cycle_momentum", Flag(c.cycle_momentum)),
            ("base_momentum", Number(c.base_momentum)),
            ("max_momentum", Number(c.max_momentum)),
        ],
        Schedule::OneCycle(o) => vec![
            ("max_lr", Number(o.max_lr)),
            ("total_steps", Whole(o.total_steps)),
            ("epochs", Whole(o.epochs)),
            ("steps_per_epoch", Whole(o.steps_per_epoch)),
            ("pct_start", Number(o.pct_start)),
            (
                "anneal_strategy",
                Text(match o.anneal_strategy {
                    Anneal::Cos => "cos",
                    Anneal::Linear => "linear",
                }),
            ),
            ("cycle_momentum", Flag(o.cycle_momentum)),
            ("base_momentum", Number(o.base_momentum)),
            ("max_momentum", Number(o.max_momentum)),
            ("div_factor", Number(o.div_factor)),
            ("final_div_factor", Number(o.final_div_factor)),
            ("three_phase", Flag(o.three_phase)),
        ],
        Schedule::Plateau(p) => vec![
            (
                "mode",
                Text(match p.mode {
                    PlateauMode::Min => "min",
                    PlateauMode::Max => "max",
                }),
            ),
            ("factor", Number(p.factor)),
            ("patience", Whole(Some(p.patience))),
            ("threshold", Number(p.threshold)),
            (
                "threshold_mode",
                Text(match p.threshold_mode {
                    ThresholdMode::Rel => "rel",
                    ThresholdMode::Abs => "abs",
                }),
            ),
            ("cooldown", Whole(Some(p.cooldown))),
            ("min_lr", Number(p.min_lr)),
            ("eps", Number(p.eps)),
        ],
        Schedule::Sequential {
            schedulers,
            milestones,
        } => vec![
            ("schedulers", Schedules(schedulers.clone())),
            ("milestones", List(milestones.clone())),
        ],
    };
    Values(pairs)
}

/// A schedule as JSON: its name, then each listed key of the table in order
/// (torch's None left out).
impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let def = lookup(self.name()).expect("every schedule is in the table");
        let values = values_of(self);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.name())?;
        for key in def.listed() {
            if let Some(v) = values.get(key.name).to_json() {
                m.serialize_entry(key.name, &v)?;
            }
        }
        m.end()
    }
}

// ------------------------------------------------------------------ reading

/// Reads a schedule from JSON (null is none), every problem at its path
/// under `path`.
pub fn parse(v: &Value, path: &str) -> Result<Option<Schedule>, ConfigErrors> {
    let mut p = Problems::default();
    let s = read(v, path, &mut p);
    p.finish(s.flatten())
}

fn read(v: &Value, path: &str, p: &mut Problems) -> Option<Option<Schedule>> {
    if v.is_null() {
        return Some(None);
    }
    let o = p.take(Obj::new(v, path))?;
    let name = p.take(o.str("name"))?;
    let Some(def) = lookup(name) else {
        p.push(ConfigError::new(
            o.field("name"),
            format!("unknown schedule \"{name}\"; choose one of {}", names()),
        ));
        return None;
    };
    let before = p.count();
    let mut allowed = vec!["name"];
    allowed.extend(def.keys.iter().map(|k| k.name));
    p.extend(o.unknown(&allowed, &[]));
    let mut values = Values::default();
    for key in def.keys {
        let field = o.field(key.name);
        let value = match o.map.get(key.name) {
            // A sequence's milestones are needed only between two schedules.
            None if key.required && !(def.name == "sequential" && key.name == "milestones") => {
                p.push(ConfigError::new(field, "is required"));
                continue;
            }
            None => KeyValue::default_of(key),
            Some(raw) => read_key(key, raw, &field, p),
        };
        if let Some(value) = value {
            values.insert(key.name, value);
        }
    }
    if p.count() != before {
        return None;
    }
    check(def, &o, &mut values, p);
    (p.count() == before).then(|| Some(build(def.name, &values)))
}

/// One key's value from JSON, checked against its kind.
fn read_key(key: &ScheduleKey, raw: &Value, field: &str, p: &mut Problems) -> Option<KeyValue> {
    match key.kind {
        KeyKind::Number(range) => p.take(number(raw, field, range)).map(KeyValue::Number),
        KeyKind::Whole { none: true, .. } if raw.is_null() => Some(KeyValue::Whole(None)),
        KeyKind::Whole { min, max, .. } => p
            .take(integer(raw, field, min, max))
            .map(|n| KeyValue::Whole(Some(n))),
        KeyKind::Choice(words) => match raw {
            Value::String(s) => match words.iter().find(|w| **w == s) {
                Some(w) => Some(KeyValue::Text(w)),
                None => {
                    p.push(ConfigError::new(
                        field,
                        format!("must be one of {}, got \"{s}\"", quoted(words)),
                    ));
                    None
                }
            },
            other => {
                p.push(ConfigError::new(
                    field,
                    format!("must be one of {}, got {}", quoted(words), kind_of(other)),
                ));
                None
            }
        },
        KeyKind::Flag => match raw {
            Value::Bool(b) => Some(KeyValue::Flag(*b)),
            other => {
                p.push(ConfigError::new(
                    field,
                    format!("must be true or false, got {}", kind_of(other)),
                ));
                None
            }
        },
        KeyKind::List { min } => match raw {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, x)| p.take(integer(x, &format!("{field}[{i}]"), min, MAX_STEPS)))
                .collect::<Vec<_>>()
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(KeyValue::List),
            other => {
                p.push(ConfigError::new(
                    field,
                    format!("must be a list of step numbers, got {}", kind_of(other)),
                ));
                None
            }
        },
        KeyKind::Schedules => read_sequence(raw, field, p).map(KeyValue::Schedules),
    }
}

/// A sequence's schedules: 1 to [`MAX_SEQUENCE`], none a plateau or a sequence.
fn read_sequence(raw: &Value, field: &str, p: &mut Problems) -> Option<Vec<Schedule>> {
    let items = match raw {
        Value::Array(items) if (1..=MAX_SEQUENCE).contains(&items.len()) => items,
        other => {
            p.push(ConfigError::new(
                field,
                format!(
                    "must be a list of 1 to {MAX_SEQUENCE} schedules, got {}",
                    match other {
                        Value::Array(items) => format!("a list of {}", items.len()),
                        _ => kind_of(other).to_string(),
                    }
                ),
            ));
            return None;
        }
    };
    let mut schedulers = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let inner = match item.get("name").and_then(Value::as_str) {
            Some("sequential") => Some("a sequential schedule cannot hold another; list its schedules here instead"),
            Some("plateau") => Some("plateau cannot be part of a sequence: ReduceLROnPlateau steps on the loss, which torch's SequentialLR does not pass on (it refuses it too)"),
            _ => None,
        };
        if let Some(why) = inner {
            p.push(ConfigError::new(format!("{at}.name"), why));
            continue;
        }
        match read(item, &at, p) {
            Some(Some(s)) => schedulers.push(s),
            Some(None) => p.push(ConfigError::new(at, "must be a schedule, got null")),
            None => {}
        }
    }
    (schedulers.len() == items.len()).then_some(schedulers)
}

/// What a schedule's keys must satisfy together, as torch checks it.
fn check(def: &ScheduleDef, o: &Obj, values: &mut Values, p: &mut Problems) {
    match def.name {
        "multistep" => {
            let m = values.list("milestones");
            if let Some(i) = (1..m.len()).find(|&i| m[i] < m[i - 1]) {
                p.push(ConfigError::new(
                    format!("{}[{i}]", o.field("milestones")),
                    format!(
                        "must be in increasing order (a repeat drops lr again), got {} after {}",
                        m[i],
                        m[i - 1]
                    ),
                ));
            }
        }
        "onecycle"
            if values.whole("total_steps").is_none()
                && (values.whole("epochs").is_none()
                    || values.whole("steps_per_epoch").is_none()) =>
        {
            p.push(ConfigError::new(
                o.field("total_steps"),
                "is required, unless epochs and steps_per_epoch are both given (the cycle is then epochs × steps_per_epoch steps)",
            ));
        }
        "sequential" => {
            let count = match values.get("schedulers") {
                KeyValue::Schedules(s) => s.len(),
                _ => 0,
            };
            if !o.map.contains_key("milestones") {
                if count == 1 {
                    values.insert("milestones", KeyValue::List(Vec::new()));
                } else {
                    p.push(ConfigError::new(o.field("milestones"), "is required"));
                    return;
                }
            }
            let m = values.list("milestones");
            if m.len() != count - 1 {
                p.push(ConfigError::new(
                    o.field("milestones"),
                    format!(
                        "must hold one step fewer than the schedules ({} for {count}), got {}",
                        count - 1,
                        m.len()
                    ),
                ));
            } else if let Some(i) = (1..m.len()).find(|&i| m[i] <= m[i - 1]) {
                p.push(ConfigError::new(
                    format!("{}[{i}]", o.field("milestones")),
                    format!(
                        "must be in increasing order, got {} after {}",
                        m[i],
                        m[i - 1]
                    ),
                ));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schedule_reads_back_what_it_writes_at_its_offered_values() {
        for def in SCHEDULES {
            let mut v = serde_json::Map::new();
            v.insert("name".into(), json!(def.name));
            for k in def.keys.iter().filter(|k| k.required) {
                v.insert(k.name.into(), k.default.to_json());
            }
            if def.name == "sequential" {
                v.insert("schedulers".into(), json!([{"name": "step", "step_size": 3}, {"name": "exponential", "gamma": 0.9}]));
            }
            if def.name == "onecycle" {
                v.insert("total_steps".into(), json!(50));
            }
            let given: Vec<String> = v.keys().cloned().collect();
            let s = parse(&Value::Object(v), "s").unwrap().unwrap();
            assert_eq!(s.name(), def.name);
            let written = serde_json::to_value(&s).unwrap();
            // Every listed key is written (torch's None left out), nothing else.
            for key in def.listed() {
                let unset = matches!(key.kind, KeyKind::Whole { none: true, .. })
                    && key.default == KeyDefault::Null;
                assert!(
                    unset || written.get(key.name).is_some(),
                    "{}: {}",
                    def.name,
                    key.name
                );
            }
            for key in written.as_object().unwrap().keys().filter(|k| *k != "name") {
                assert!(def.listed().any(|k| k.name == key), "{}: {key}", def.name);
            }
            assert_eq!(parse(&written, "s").unwrap().unwrap(), s, "{}", def.name);
            // Values the table left at their defaults are the defaults.
            let values = values_of(&s);
            for key in def
                .keys
                .iter()
                .filter(|k| !k.inert && !given.iter().any(|g| g == k.name))
            {
                if let Some(d) = KeyValue::default_of(key) {
                    assert_eq!(values.get(key.name), &d, "{}: {}", def.name, key.name);
                }
            }
        }
    }

    #[test]
    fn every_bad_key_of_a_schedule_is_named_with_what_is_allowed() {
        let e = parse(
            &json!({"name": "cyclic", "base_lr": -1, "max_lr": "x", "mode": "zigzag",
                    "step_size_up": 0.5, "cycle_momentum": 1, "warmup": 3}),
            "optimizers[0].schedule",
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "optimizers[0].schedule.warmup",
                "optimizers[0].schedule.base_lr",
                "optimizers[0].schedule.max_lr",
                "optimizers[0].schedule.step_size_up",
                "optimizers[0].schedule.mode",
                "optimizers[0].schedule.cycle_momentum",
            ]
        );
        assert!(e.iter().all(|e| !e.message.is_empty()));
        let missing = parse(&json!({"name": "step"}), "s").unwrap_err();
        assert_eq!(missing.first().to_string(), "s.step_size: is required");
    }
}
