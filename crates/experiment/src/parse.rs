//! The experiment read from JSON and validated, once, with errors that name
//! the field at fault.

use crate::experiment::{
    default_start, Batch, Experiment, FunctionConfig, OptimizerConfig, Sampling, Stop,
    DEFAULT_WINDOW, L2_RANGE, MAX_ACCUMULATE, MAX_NETWORK_POINTS, MAX_NETWORK_WORK, MAX_OPTIMIZERS,
    MAX_SEQUENCE, MAX_STEPS, MAX_WORK, MIN_VIEW_SIZE, NOISE_RANGE, OPTIMIZER_KEYS, START_RANGE,
};
use crate::network::{check_batch_norm_batches, parse_mlp};
use crate::rows::{feature_pairs, numbers};
use optiviz_base::error::ConfigError;
use optiviz_base::json::{integer, join, kind_of, number, pair, pair_of, Obj};
use optiviz_base::spec::Range;
use optiviz_expr::Expr;
use optiviz_objectives::data::{
    Dataset, Generate, Generate2d, ModelKind, GENERATE_2D_SPECS, GENERATE_SPECS, MAX_ROWS,
};
use optiviz_objectives::functions::custom::{self, Typed};
use optiviz_objectives::functions::{self, FunctionDef};
use optiviz_objectives::mlp::MLP;
use optiviz_objectives::objective::View;
use optiviz_optim::clip::Clip;
use optiviz_optim::schedule::{
    self, Anneal, Cyclic, CyclicMode, OneCycle, Plateau, PlateauMode, Schedule, ThresholdMode,
};
use optiviz_optim::{self as optim, HyperKind, HyperValue, OptimizerDef};
use serde_json::{Map, Value};
use std::sync::Arc;

fn parse_function(v: &Value, path: &str) -> Result<FunctionConfig, ConfigError> {
    let o = Obj::new(v, path)?;
    let name = o.str("name")?;
    if name == optiviz_objectives::mlp::MLP.name {
        return Ok(FunctionConfig {
            def: &optiviz_objectives::mlp::MLP,
            params: Vec::new(),
            data: None,
            typed: None,
            mlp: Some(Arc::new(parse_mlp(&o)?)),
        });
    }
    let def = functions::lookup(name).ok_or_else(|| {
        ConfigError::new(
            o.field("name"),
            format!(
                "unknown function \"{name}\"; choose one of {}, {}",
                functions::names(),
                optiviz_objectives::mlp::MLP.name
            ),
        )
    })?;
    if def.name == custom::CUSTOM.name {
        return parse_typed(&o);
    }
    if let Some(kind) = def.model {
        let two = kind.features() == 2;
        if two {
            o.only(&["name", "data", "generate", "standardize", "params"])?;
        } else {
            o.only(&["name", "data", "generate", "params"])?;
        }
        if let Some(p) = o.map.get("params") {
            let p = Obj::new(p, &o.field("params"))?;
            if let Some(key) = p.map.keys().next() {
                return Err(ConfigError::new(
                    p.field(key),
                    format!("{name} has no parameters; its surface comes from data or generate"),
                ));
            }
        }
        let data = match (o.map.get("data"), o.map.get("generate")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    o.field("generate"),
                    "give either data (the rows) or generate (how to draw them), not both",
                ))
            }
            (Some(d), None) => parse_data(d, &o.field("data"), kind)?,
            (None, Some(g)) if two => {
                Dataset::generate_2d(parse_generate_2d(g, &o.field("generate"))?)
            }
            (None, Some(g)) => Dataset::generate(kind, parse_generate(g, &o.field("generate"))?),
            (None, None) if two => Dataset::generate_2d(Generate2d::default()),
            (None, None) => Dataset::generate(kind, Generate::default()),
        };
        let data = match o.flag("standardize")? {
            Some(true) => data.standardized().map_err(|feature| {
                ConfigError::new(
                    o.field("standardize"),
                    format!("{feature} is the same in every row, so it cannot be rescaled to variance 1; leave standardize off or vary {feature}"),
                )
            })?,
            _ => data,
        };
        return Ok(FunctionConfig {
            def,
            params: Vec::new(),
            data: Some(Arc::new(data)),
            typed: None,
            mlp: None,
        });
    }
    o.only(&["name", "params"])?;
    let mut params = def.defaults();
    if let Some(pv) = o.map.get("params") {
        let p = Obj::new(pv, &o.field("params"))?;
        let allowed: Vec<&str> = def.params.iter().map(|s| s.name).collect();
        if allowed.is_empty() && !p.map.is_empty() {
            let key = p.map.keys().next().map(String::as_str).unwrap_or_default();
            return Err(ConfigError::new(
                p.field(key),
                format!("{name} has no parameters"),
            ));
        }
        p.only(&allowed)?;
        for (slot, spec) in params.iter_mut().zip(def.params) {
            if let Some(x) = p.num(spec.name, spec.range)? {
                *slot = x;
            }
        }
    }
    Ok(FunctionConfig {
        def,
        params,
        data: None,
        typed: None,
        mlp: None,
    })
}

/// `{"name": "custom", "expr": "a*x^2 + y^2", "params": {"a": 2}, "view": {…}}`.
fn parse_typed(o: &Obj) -> Result<FunctionConfig, ConfigError> {
    o.only(&["name", "expr", "params", "view"])?;
    let text = o.str("expr")?;
    let expr = Expr::parse(text).map_err(|e| ConfigError::new(o.field("expr"), e.to_string()))?;
    let mut values = vec![custom::DEFAULT_PARAM; expr.params().len()];
    if let Some(pv) = o.map.get("params") {
        let p = Obj::new(pv, &o.field("params"))?;
        for key in p.map.keys() {
            if !expr.params().contains(key) {
                let have = match expr.params() {
                    [] => "the expression has no parameters".to_string(),
                    names => format!("its parameters are {}", names.join(", ")),
                };
                return Err(ConfigError::new(
                    p.field(key),
                    format!("is not a parameter of the expression; {have}"),
                ));
            }
        }
        for (slot, name) in values.iter_mut().zip(expr.params()) {
            if let Some(x) = p.num(name, Range::any())? {
                *slot = x;
            }
        }
    }
    let window = match o.map.get("view") {
        Some(v) => parse_view(v, &o.field("view"))?,
        None => None,
    };
    Ok(FunctionConfig {
        def: &custom::CUSTOM,
        params: Vec::new(),
        data: None,
        typed: Some(Arc::new(Typed::new(text, expr, values, window))),
        mlp: None,
    })
}

fn parse_data(v: &Value, path: &str, kind: ModelKind) -> Result<Dataset, ConfigError> {
    let o = Obj::new(v, path)?;
    o.only(&["x", "y"])?;
    let (x, x2) = if kind.features() == 2 {
        feature_pairs(o.required("x")?, &o.field("x"))?
    } else {
        (numbers(o.required("x")?, &o.field("x"))?, Vec::new())
    };
    let y = numbers(o.required("y")?, &o.field("y"))?;
    if !(2..=MAX_ROWS).contains(&x.len()) {
        return Err(ConfigError::new(
            o.field("x"),
            format!("must hold 2 to {MAX_ROWS} values, got {}", x.len()),
        ));
    }
    if y.len() != x.len() {
        return Err(ConfigError::new(
            o.field("y"),
            format!(
                "must hold as many values as x ({}), got {}",
                x.len(),
                y.len()
            ),
        ));
    }
    if kind == ModelKind::Logistic {
        if let Some((i, v)) = y.iter().enumerate().find(|(_, &v)| v != 0.0 && v != 1.0) {
            return Err(ConfigError::new(
                format!("{}[{i}]", o.field("y")),
                format!("must be 0 or 1 for logistic regression, got {v}"),
            ));
        }
    }
    Ok(if kind.features() == 2 {
        Dataset::given_2d(x, x2, y)
    } else {
        Dataset::given(x, y)
    })
}

/// `{"n", "rho", "scale", "w1", "w2", "noise", "seed"}`, each optional.
fn parse_generate_2d(v: &Value, path: &str) -> Result<Generate2d, ConfigError> {
    let o = Obj::new(v, path)?;
    let allowed: Vec<&str> = GENERATE_2D_SPECS.iter().map(|s| s.name).collect();
    o.only(&allowed)?;
    let mut g = Generate2d::default();
    let range = |name: &str| {
        GENERATE_2D_SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("a spec")
            .range
    };
    if let Some(n) = o.int("n", 2, MAX_ROWS as u32)? {
        g.n = n;
    }
    for (key, slot) in [
        ("rho", &mut g.rho),
        ("scale", &mut g.scale),
        ("w1", &mut g.w1),
        ("w2", &mut g.w2),
        ("noise", &mut g.noise),
    ] {
        if let Some(x) = o.num(key, range(key))? {
            *slot = x;
        }
    }
    if let Some(seed) = o.int("seed", 0, u32::MAX)? {
        g.seed = seed;
    }
    Ok(g)
}

fn parse_generate(v: &Value, path: &str) -> Result<Generate, ConfigError> {
    let o = Obj::new(v, path)?;
    let mut allowed: Vec<&str> = GENERATE_SPECS.iter().map(|s| s.name).collect();
    allowed.push("x");
    o.only(&allowed)?;
    let mut g = Generate::default();
    let spec = |name: &str| {
        GENERATE_SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("a spec")
    };
    if let Some(n) = o.int("n", 2, MAX_ROWS as u32)? {
        g.n = n;
    }
    for (key, slot) in [("w", &mut g.w), ("b", &mut g.b), ("noise", &mut g.noise)] {
        if let Some(x) = o.num(key, spec(key).range)? {
            *slot = x;
        }
    }
    if let Some(seed) = o.int("seed", 0, u32::MAX)? {
        g.seed = seed;
    }
    if let Some(x) = o.map.get("x") {
        let field = o.field("x");
        let r = pair(x, &field, Range::closed(-1e6, 1e6))?;
        if r[1] <= r[0] {
            return Err(ConfigError::new(
                field,
                format!(
                    "must be [min, max] with min < max, got [{}, {}]",
                    r[0], r[1]
                ),
            ));
        }
        g.x_range = r;
    }
    Ok(g)
}

/// A batch size: a whole number (checked against the rows later) or "full".
fn parse_batch(v: &Value, field: &str) -> Result<Batch, ConfigError> {
    match v {
        Value::String(s) if s == "full" => Ok(Batch::Full),
        Value::Null => Ok(Batch::Full),
        Value::Number(_) => Ok(Batch::Size(integer(v, field, 1, MAX_ROWS as u32)?)),
        other => Err(ConfigError::new(
            field,
            format!(
                "must be a whole number of rows or \"full\", got {}",
                kind_of(other)
            ),
        )),
    }
}

fn parse_stop(v: &Value) -> Result<Stop, ConfigError> {
    if v.is_null() {
        return Ok(Stop::default());
    }
    let o = Obj::new(v, "stop")?;
    o.only(&["grad_tol", "loss_tol", "window", "max_steps"])?;
    Ok(Stop {
        grad_tol: o.num("grad_tol", Range::above(0.0))?,
        loss_tol: o.num("loss_tol", Range::at_least(0.0))?,
        window: o.int("window", 1, MAX_STEPS)?.unwrap_or(DEFAULT_WINDOW),
        max_steps: o.int("max_steps", 0, MAX_STEPS)?,
    })
}

/// Checks a sampling setting against the function: batches need data, noise
/// needs a formula, a batch fits in the dataset.
fn check_sampling(
    function: &FunctionConfig,
    batch: Option<Batch>,
    grad_noise: Option<f64>,
    path: &str,
) -> Result<(), ConfigError> {
    let models = functions::REGISTRY
        .iter()
        .filter(|d| d.model.is_some())
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ");
    match (function.rows(), batch) {
        (None, Some(Batch::Size(_))) => {
            return Err(ConfigError::new(
                join(path, "batch_size"),
                format!(
                    "only a model fitted to data ({models}) has rows to batch; {} has an exact gradient (for noisy gradients use grad_noise)",
                    function.def.name
                ),
            ))
        }
        (Some(n), Some(Batch::Size(b))) if b as usize > n => {
            return Err(ConfigError::new(
                join(path, "batch_size"),
                format!(
                    "must be a whole number in [1, {n}] (the dataset has {n} rows) or \"full\", got {b}"
                ),
            ))
        }
        _ => {}
    }
    if function.rows().is_some() && grad_noise.is_some_and(|s| s > 0.0) {
        return Err(ConfigError::new(
            join(path, "grad_noise"),
            format!(
                "applies to formula functions; {}'s gradients are noisy through batch_size instead",
                function.def.name
            ),
        ));
    }
    Ok(())
}

fn parse_clip(v: &Value, path: &str) -> Result<Option<Clip>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, path)?;
    o.only(&["max_norm", "clip_value"])?;
    let positive = Range::above(0.0);
    match (o.num("max_norm", positive)?, o.num("clip_value", positive)?) {
        (Some(m), None) => Ok(Some(Clip::MaxNorm(m))),
        (None, Some(c)) => Ok(Some(Clip::Value(c))),
        _ => Err(ConfigError::new(
            path,
            "must hold exactly one of max_norm (clip by norm) or clip_value (clip each coordinate)",
        )),
    }
}

/// torch keyword arguments that choose how a step is computed (vectorised,
/// fused, graph-capturable, differentiable) but not what it computes; accepted
/// as true/false/null and otherwise ignored.
const IMPLEMENTATION_KEYS: [&str; 4] = ["foreach", "fused", "capturable", "differentiable"];

fn parse_schedule(v: &Value, path: &str) -> Result<Option<Schedule>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, path)?;
    let name = o.str("name")?;
    let positive = Range::above(0.0);
    let momentum = Range::closed_open(0.0, 1.0);
    let req =
        |x: Option<f64>, key: &str| x.ok_or_else(|| ConfigError::new(o.field(key), "is required"));
    let req_int =
        |x: Option<u32>, key: &str| x.ok_or_else(|| ConfigError::new(o.field(key), "is required"));
    let s = match name {
        "step" => {
            o.only(&["name", "step_size", "gamma"])?;
            Schedule::Step {
                step_size: req_int(o.int("step_size", 1, MAX_STEPS)?, "step_size")?,
                gamma: o.num("gamma", positive)?.unwrap_or(0.1),
            }
        }
        "exponential" => {
            o.only(&["name", "gamma"])?;
            Schedule::Exponential {
                gamma: req(o.num("gamma", positive)?, "gamma")?,
            }
        }
        "cosine" => {
            o.only(&["name", "T_max", "eta_min"])?;
            Schedule::Cosine {
                t_max: req_int(o.int("T_max", 1, MAX_STEPS)?, "T_max")?,
                eta_min: o.num("eta_min", Range::at_least(0.0))?.unwrap_or(0.0),
            }
        }
        "linear" => {
            o.only(&["name", "start_factor", "end_factor", "total_iters"])?;
            Schedule::Linear {
                start_factor: o
                    .num("start_factor", Range::open_closed(0.0, 1.0))?
                    .unwrap_or(1.0 / 3.0),
                end_factor: o.num("end_factor", Range::closed(0.0, 1.0))?.unwrap_or(1.0),
                total_iters: o.int("total_iters", 1, MAX_STEPS)?.unwrap_or(5),
            }
        }
        "inverse_time" => {
            o.only(&["name", "k"])?;
            Schedule::InverseTime {
                k: req(o.num("k", Range::at_least(0.0))?, "k")?,
            }
        }
        "multistep" => {
            o.only(&["name", "milestones", "gamma"])?;
            let milestones = req_list(&o, "milestones", 0)?;
            if let Some(i) = (1..milestones.len()).find(|&i| milestones[i] < milestones[i - 1]) {
                return Err(ConfigError::new(
                    format!("{}[{i}]", o.field("milestones")),
                    format!(
                        "must be in increasing order (a repeat drops lr again), got {} after {}",
                        milestones[i],
                        milestones[i - 1]
                    ),
                ));
            }
            Schedule::MultiStep {
                milestones,
                gamma: o.num("gamma", positive)?.unwrap_or(0.1),
            }
        }
        "constant" => {
            o.only(&["name", "factor", "total_iters"])?;
            Schedule::Constant {
                // torch accepts 0, then divides by it at total_iters.
                factor: o
                    .num("factor", Range::open_closed(0.0, 1.0))?
                    .unwrap_or(1.0 / 3.0),
                total_iters: o.int("total_iters", 1, MAX_STEPS)?.unwrap_or(5),
            }
        }
        "polynomial" => {
            o.only(&["name", "total_iters", "power"])?;
            Schedule::Polynomial {
                total_iters: o.int("total_iters", 1, MAX_STEPS)?.unwrap_or(5),
                power: o.num("power", Range::at_least(0.0))?.unwrap_or(1.0),
            }
        }
        "cosine_warm_restarts" => {
            o.only(&["name", "T_0", "T_mult", "eta_min"])?;
            Schedule::CosineWarmRestarts {
                t_0: req_int(o.int("T_0", 1, MAX_STEPS)?, "T_0")?,
                t_mult: o.int("T_mult", 1, MAX_STEPS)?.unwrap_or(1),
                eta_min: o.num("eta_min", Range::at_least(0.0))?.unwrap_or(0.0),
            }
        }
        "cyclic" => {
            o.only(&[
                "name",
                "base_lr",
                "max_lr",
                "step_size_up",
                "step_size_down",
                "mode",
                "gamma",
                "scale_mode",
                "cycle_momentum",
                "base_momentum",
                "max_momentum",
            ])?;
            // Without a custom scale_fn (which JSON cannot carry) torch
            // replaces scale_mode by the mode's own; it is checked, then unused.
            o.choice("scale_mode", &["cycle", "iterations"])?;
            Schedule::Cyclic(Cyclic {
                base_lr: req(o.num("base_lr", optim::LR_RANGE)?, "base_lr")?,
                max_lr: req(o.num("max_lr", optim::LR_RANGE)?, "max_lr")?,
                step_size_up: o.int("step_size_up", 1, MAX_STEPS)?.unwrap_or(2000),
                step_size_down: o.int_or_null("step_size_down", 1, MAX_STEPS)?,
                mode: match o.choice("mode", &["triangular", "triangular2", "exp_range"])? {
                    Some("triangular2") => CyclicMode::Triangular2,
                    Some("exp_range") => CyclicMode::ExpRange,
                    _ => CyclicMode::Triangular,
                },
                gamma: o.num("gamma", positive)?.unwrap_or(1.0),
                cycle_momentum: o.flag("cycle_momentum")?.unwrap_or(true),
                base_momentum: o.num("base_momentum", momentum)?.unwrap_or(0.8),
                max_momentum: o.num("max_momentum", momentum)?.unwrap_or(0.9),
            })
        }
        "onecycle" => {
            o.only(&[
                "name",
                "max_lr",
                "total_steps",
                "epochs",
                "steps_per_epoch",
                "pct_start",
                "anneal_strategy",
                "cycle_momentum",
                "base_momentum",
                "max_momentum",
                "div_factor",
                "final_div_factor",
                "three_phase",
            ])?;
            let total_steps = o.int_or_null("total_steps", 1, u32::MAX)?;
            let epochs = o.int_or_null("epochs", 1, u32::MAX)?;
            let steps_per_epoch = o.int_or_null("steps_per_epoch", 1, u32::MAX)?;
            if total_steps.is_none() && (epochs.is_none() || steps_per_epoch.is_none()) {
                return Err(ConfigError::new(
                    o.field("total_steps"),
                    "is required, unless epochs and steps_per_epoch are both given (the cycle is then epochs × steps_per_epoch steps)",
                ));
            }
            Schedule::OneCycle(OneCycle {
                max_lr: req(o.num("max_lr", optim::LR_RANGE)?, "max_lr")?,
                total_steps,
                epochs,
                steps_per_epoch,
                pct_start: o.num("pct_start", Range::closed(0.0, 1.0))?.unwrap_or(0.3),
                anneal_strategy: match o.choice("anneal_strategy", &["cos", "linear"])? {
                    Some("linear") => Anneal::Linear,
                    _ => Anneal::Cos,
                },
                cycle_momentum: o.flag("cycle_momentum")?.unwrap_or(true),
                base_momentum: o.num("base_momentum", momentum)?.unwrap_or(0.85),
                max_momentum: o.num("max_momentum", momentum)?.unwrap_or(0.95),
                div_factor: o.num("div_factor", positive)?.unwrap_or(25.0),
                final_div_factor: o.num("final_div_factor", positive)?.unwrap_or(1e4),
                three_phase: o.flag("three_phase")?.unwrap_or(false),
            })
        }
        "plateau" => {
            o.only(&[
                "name",
                "mode",
                "factor",
                "patience",
                "threshold",
                "threshold_mode",
                "cooldown",
                "min_lr",
                "eps",
            ])?;
            Schedule::Plateau(Plateau {
                mode: match o.choice("mode", &["min", "max"])? {
                    Some("max") => PlateauMode::Max,
                    _ => PlateauMode::Min,
                },
                factor: o
                    .num("factor", Range::closed_open(0.0, 1.0))?
                    .unwrap_or(0.1),
                patience: o.int("patience", 0, MAX_STEPS)?.unwrap_or(10),
                threshold: o.num("threshold", Range::at_least(0.0))?.unwrap_or(1e-4),
                threshold_mode: match o.choice("threshold_mode", &["rel", "abs"])? {
                    Some("abs") => ThresholdMode::Abs,
                    _ => ThresholdMode::Rel,
                },
                cooldown: o.int("cooldown", 0, MAX_STEPS)?.unwrap_or(0),
                min_lr: o.num("min_lr", Range::at_least(0.0))?.unwrap_or(0.0),
                eps: o.num("eps", Range::at_least(0.0))?.unwrap_or(1e-8),
            })
        }
        "sequential" => {
            o.only(&["name", "schedulers", "milestones"])?;
            let field = o.field("schedulers");
            let items = match o.required("schedulers")? {
                Value::Array(items) if (1..=MAX_SEQUENCE).contains(&items.len()) => items,
                other => {
                    return Err(ConfigError::new(
                        field,
                        format!(
                            "must be a list of 1 to {MAX_SEQUENCE} schedules, got {}",
                            match other {
                                Value::Array(items) => format!("a list of {}", items.len()),
                                _ => kind_of(other).to_string(),
                            }
                        ),
                    ))
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
                    return Err(ConfigError::new(format!("{at}.name"), why));
                }
                match parse_schedule(item, &at)? {
                    Some(s) => schedulers.push(s),
                    None => return Err(ConfigError::new(at, "must be a schedule, got null")),
                }
            }
            let milestones = if schedulers.len() == 1 {
                o.list("milestones", 1, MAX_STEPS)?.unwrap_or_default()
            } else {
                req_list(&o, "milestones", 1)?
            };
            if milestones.len() != schedulers.len() - 1 {
                return Err(ConfigError::new(
                    o.field("milestones"),
                    format!(
                        "must hold one step fewer than the schedules ({} for {}), got {}",
                        schedulers.len() - 1,
                        schedulers.len(),
                        milestones.len()
                    ),
                ));
            }
            if let Some(i) = (1..milestones.len()).find(|&i| milestones[i] <= milestones[i - 1]) {
                return Err(ConfigError::new(
                    format!("{}[{i}]", o.field("milestones")),
                    format!(
                        "must be in increasing order, got {} after {}",
                        milestones[i],
                        milestones[i - 1]
                    ),
                ));
            }
            Schedule::Sequential {
                schedulers,
                milestones,
            }
        }
        other => {
            return Err(ConfigError::new(
                o.field("name"),
                format!(
                    "unknown schedule \"{other}\"; choose one of {}",
                    schedule::names()
                ),
            ))
        }
    };
    Ok(Some(s))
}

/// A required list of step numbers, each at least `lo`.
fn req_list(o: &Obj, key: &str, lo: u32) -> Result<Vec<u32>, ConfigError> {
    o.list(key, lo, MAX_STEPS)?
        .ok_or_else(|| ConfigError::new(o.field(key), "is required"))
}

/// Refuses a schedule that cycles the momentum of an optimizer without one,
/// as torch's CyclicLR and OneCycleLR do (they look for `momentum` or
/// `betas` among the optimizer's keywords).
fn check_cycled_momentum(s: &Schedule, def: &OptimizerDef, path: &str) -> Result<(), ConfigError> {
    let cycles = match s {
        Schedule::Cyclic(c) => c.cycle_momentum,
        Schedule::OneCycle(o) => o.cycle_momentum,
        Schedule::Sequential { schedulers, .. } => {
            for (i, s) in schedulers.iter().enumerate() {
                check_cycled_momentum(s, def, &format!("{path}.schedulers[{i}]"))?;
            }
            false
        }
        _ => false,
    };
    if cycles && !def.has_momentum() {
        return Err(ConfigError::new(
            format!("{path}.cycle_momentum"),
            format!(
                "{} has neither momentum nor betas for the schedule to cycle (torch refuses this too); set cycle_momentum to false",
                def.title
            ),
        ));
    }
    Ok(())
}

/// Refuses a one-cycle schedule shorter than the steps it is stepped
/// through: torch's OneCycleLR raises an error once stepped past its
/// total_steps. `reach` is how many times the schedule is stepped.
fn check_cycle_length(s: &Schedule, reach: u32, path: &str) -> Result<(), ConfigError> {
    match s {
        Schedule::OneCycle(o) if o.total() < reach as u64 => {
            let (key, length) = match o.total_steps {
                Some(t) => ("total_steps", t.to_string()),
                None => (
                    "epochs",
                    format!("epochs × steps_per_epoch = {}", o.total()),
                ),
            };
            Err(ConfigError::new(
                format!("{path}.{key}"),
                format!(
                    "the cycle ({length}) must be at least the {reach} steps it runs for: torch's OneCycleLR stops with an error when stepped past its total_steps; lengthen the cycle or run fewer steps"
                ),
            ))
        }
        Schedule::OneCycle(o) if o.empty_phase_within(reach) => Err(ConfigError::new(
            format!("{path}.pct_start"),
            format!(
                "{} of a {}-step cycle leaves a phase of no steps, where torch's OneCycleLR divides by zero; choose another pct_start",
                o.pct_start,
                o.total()
            ),
        )),
        Schedule::Sequential {
            schedulers,
            milestones,
        } => {
            // Schedule i runs from milestone i − 1 (step 0 for the first)
            // until the step before milestone i, counting its own steps from 0.
            for (i, s) in schedulers.iter().enumerate() {
                let from = if i == 0 { 0 } else { milestones[i - 1] };
                if reach < from {
                    break;
                }
                let until = milestones.get(i).map_or(reach, |&m| (m - 1).min(reach));
                check_cycle_length(s, until - from, &format!("{path}.schedulers[{i}]"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn parse_optimizer(v: &Value, path: &str) -> Result<OptimizerConfig, ConfigError> {
    let o = Obj::new(v, path)?;
    let name = o.str("name")?;
    let def = optim::lookup(name).ok_or_else(|| {
        ConfigError::new(
            o.field("name"),
            format!(
                "unknown optimizer \"{name}\"; choose one of {}",
                optim::names()
            ),
        )
    })?;
    // As a reader would look for them: the learning rate, its own
    // hyperparameters, then the rest.
    let mut allowed = vec!["name", OPTIMIZER_KEYS[0]];
    allowed.extend(def.hyper.iter().map(|h| h.name));
    allowed.extend(&OPTIMIZER_KEYS[1..]);
    o.only_or(&allowed, &IMPLEMENTATION_KEYS)?;
    let lr = number(o.required("lr")?, &o.field("lr"), optim::LR_RANGE)?;
    let mut hyper = def.defaults();
    for spec in def.hyper {
        let Some(raw) = o.map.get(spec.name) else {
            continue;
        };
        let field = o.field(spec.name);
        let value = match spec.kind {
            HyperKind::Number(range) => HyperValue::Number(number(raw, &field, range)?),
            HyperKind::Pair(range) => HyperValue::Pair(pair(raw, &field, range)?),
            HyperKind::AutoPair(range) => {
                let (first, second) = pair_of(raw, &field, range, true)?;
                HyperValue::AutoPair(first, second)
            }
            HyperKind::Flag => match raw {
                Value::Bool(b) => HyperValue::Flag(*b),
                other => {
                    return Err(ConfigError::new(
                        field,
                        format!("must be true or false, got {}", kind_of(other)),
                    ))
                }
            },
            HyperKind::Count { none: true, .. } if raw.is_null() => HyperValue::Count(None),
            HyperKind::Count { min, max, none } => {
                let n = integer(raw, &field, min, max).map_err(|e| match none {
                    true => ConfigError::new(
                        e.field,
                        e.message.replacen("], got", "] or null (None), got", 1),
                    ),
                    false => e,
                })?;
                HyperValue::Count(Some(n))
            }
            HyperKind::Choice(names) => match raw {
                Value::Null => HyperValue::Choice(None),
                Value::String(c) if names.contains(&c.as_str()) => {
                    HyperValue::Choice(names.iter().copied().find(|n| n == c))
                }
                other => {
                    let shown = match other {
                        Value::String(c) => format!("\"{c}\""),
                        _ => kind_of(other).to_string(),
                    };
                    return Err(ConfigError::new(
                        field,
                        format!(
                            "must be null (None) or one of {}, got {shown}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            },
        };
        hyper.0.insert(spec.name, value);
    }
    (def.check)(&hyper, path)?;
    let clip = match o.map.get("clip") {
        Some(c) => parse_clip(c, &o.field("clip"))?,
        None => None,
    };
    let schedule = match o.map.get("schedule") {
        Some(s) => parse_schedule(s, &o.field("schedule"))?,
        None => None,
    };
    if let Some(s) = &schedule {
        check_cycled_momentum(s, def, &o.field("schedule"))?;
    }
    let color = match o.map.get("color") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if is_hex_color(c) => Some(c.to_ascii_lowercase()),
        Some(other) => {
            return Err(ConfigError::new(
                o.field("color"),
                format!(
                    "must be a colour written #rrggbb, got {}",
                    match other {
                        Value::String(s) => format!("\"{s}\""),
                        _ => kind_of(other).to_string(),
                    }
                ),
            ))
        }
    };
    let flag = |key: &str, default: bool| match o.map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(ConfigError::new(
            o.field(key),
            format!("must be true or false, got {}", kind_of(other)),
        )),
    };
    let enabled = flag("enabled", true)?;
    let maximize = flag("maximize", false)?;
    for key in IMPLEMENTATION_KEYS {
        flag(key, false)?;
    }
    // null means "not set": the experiment's batch size applies.
    let batch_size = o
        .map
        .get("batch_size")
        .filter(|v| !v.is_null())
        .map(|v| parse_batch(v, &o.field("batch_size")))
        .transpose()?;
    Ok(OptimizerConfig {
        def,
        lr,
        hyper,
        clip,
        schedule,
        color,
        enabled,
        maximize,
        batch_size,
        grad_noise: o.num("grad_noise", NOISE_RANGE)?,
        accumulate: o.int("accumulate", 1, MAX_ACCUMULATE)?,
    })
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn parse_view(v: &Value, path: &str) -> Result<Option<View>, ConfigError> {
    if v.is_null() {
        return Ok(None);
    }
    let o = Obj::new(v, path)?;
    o.only(&["x", "y"])?;
    let mut axes = [[0.0; 2]; 2];
    for (axis, key) in axes.iter_mut().zip(["x", "y"]) {
        let field = o.field(key);
        *axis = pair(o.required(key)?, &field, START_RANGE)?;
        if axis[1] - axis[0] < MIN_VIEW_SIZE {
            return Err(ConfigError::new(
                field,
                format!(
                    "must be [min, max] with max − min >= {MIN_VIEW_SIZE}, got [{}, {}]",
                    axis[0], axis[1]
                ),
            ));
        }
    }
    Ok(Some(View {
        x: axes[0],
        y: axes[1],
    }))
}

impl Experiment {
    /// Drops batch sizes (the experiment's and each optimizer's) larger than
    /// the rows of the function in `doc`, so changing a dataset keeps the rest
    /// of an experiment; for the page's edits.
    pub fn fit_batches(doc: &mut Value) {
        let Ok(f) = parse_function(&doc["function"], "function") else {
            return;
        };
        let Some(n) = f.rows() else {
            return;
        };
        let too_big = |v: &Value| v.as_u64().is_some_and(|b| b > n as u64);
        if too_big(&doc["batch_size"]) {
            doc.as_object_mut().map(|o| o.remove("batch_size"));
        }
        for opt in doc["optimizers"].as_array_mut().into_iter().flatten() {
            if too_big(&opt["batch_size"]) {
                opt.as_object_mut().map(|o| o.remove("batch_size"));
            }
        }
    }

    /// Parses and validates an experiment from JSON text.
    pub fn from_json(text: &str) -> Result<Experiment, ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ConfigError::new(
                "",
                format!(
                    "not valid JSON (line {}, column {}): {}",
                    e.line(),
                    e.column(),
                    json_reason(&e)
                ),
            )
        })?;
        Experiment::from_value(&value)
    }

    /// Parses and validates an experiment from a JSON value.
    pub fn from_value(v: &Value) -> Result<Experiment, ConfigError> {
        let o = Obj::new(v, "")?;
        o.only(&[
            "function",
            "start",
            "steps",
            "optimizers",
            "view",
            "batch_size",
            "seed",
            "grad_noise",
            "accumulate",
            "l2",
            "stop",
        ])?;
        let function = parse_function(o.required("function")?, "function")?;
        // A network starts at its initial weights: (0, 0) on its plane.
        let start = match (&function.mlp, o.map.get("start")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "start",
                    "an MLP has no start: it starts at its initial weights (function.init, function.init_seed or function.weights); leave start out",
                ))
            }
            (Some(_), None) => [0.0, 0.0],
            (None, _) => pair(o.required("start")?, "start", START_RANGE)?,
        };
        let steps = integer(o.required("steps")?, "steps", 0, MAX_STEPS)?;
        let list = match o.required("optimizers")? {
            Value::Array(items) => items,
            other => {
                return Err(ConfigError::new(
                    "optimizers",
                    format!("must be a list of optimizers, got {}", kind_of(other)),
                ))
            }
        };
        if list.len() > MAX_OPTIMIZERS {
            return Err(ConfigError::new(
                "optimizers",
                format!(
                    "at most {MAX_OPTIMIZERS} optimizers can be compared, got {}",
                    list.len()
                ),
            ));
        }
        let optimizers = list
            .iter()
            .enumerate()
            .map(|(i, item)| parse_optimizer(item, &format!("optimizers[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, opt) in optimizers.iter().enumerate() {
            if let Some(s) = &opt.schedule {
                check_cycle_length(s, steps, &format!("optimizers[{i}].schedule"))?;
            }
        }
        let view = match o.map.get("view") {
            Some(v) => parse_view(v, "view")?,
            None => None,
        };
        let batch = o
            .map
            .get("batch_size")
            .map(|v| parse_batch(v, "batch_size"))
            .transpose()?;
        let grad_noise = o.num("grad_noise", NOISE_RANGE)?;
        check_sampling(&function, batch, grad_noise, "")?;
        for (i, opt) in optimizers.iter().enumerate() {
            check_sampling(
                &function,
                opt.batch_size,
                opt.grad_noise,
                &format!("optimizers[{i}]"),
            )?;
        }
        let sampling = Sampling {
            batch: batch.unwrap_or(Batch::Full),
            grad_noise: grad_noise.unwrap_or(0.0),
            accumulate: o.int("accumulate", 1, MAX_ACCUMULATE)?.unwrap_or(1),
        };
        let stop = match o.map.get("stop") {
            Some(v) => parse_stop(v)?,
            None => Stop::default(),
        };
        let exp = Experiment {
            function,
            start,
            steps,
            optimizers,
            view,
            sampling,
            seed: o.int("seed", 0, u32::MAX)?.unwrap_or(0),
            l2: o.num("l2", L2_RANGE)?.unwrap_or(0.0),
            stop,
        };
        let work = exp.work();
        if let Some(model) = &exp.function.mlp {
            check_network_work(&exp, model, work)?;
            check_batch_norm_batches(&exp, model)?;
        }
        if work > MAX_WORK {
            return Err(ConfigError::new(
                "steps",
                format!(
                    "this experiment asks for {work:.2e} row evaluations (steps × (rows for the loss + accumulate × batch size), over every optimizer); at most {MAX_WORK:e}: use fewer steps, rows, optimizers or a smaller accumulate"
                ),
            ));
        }
        Ok(exp)
    }
}

/// `work`: the experiment's row evaluations ([`Experiment::work`]).
fn check_network_work(
    exp: &Experiment,
    model: &optiviz_objectives::mlp::Model,
    work: f64,
) -> Result<(), ConfigError> {
    let count = model.net.count as f64;
    let kept = (exp.steps as f64 + 1.0) * count * exp.optimizers.len() as f64;
    if kept > MAX_NETWORK_POINTS {
        return Err(ConfigError::new(
            "steps",
            format!(
                "every run keeps its {} parameters at each of its {} points: {kept:.2e} values in all, at most {MAX_NETWORK_POINTS:e}; use fewer steps, optimizers or a smaller network",
                model.net.count,
                exp.steps + 1
            ),
        ));
    }
    let work = work * 3.0 * count;
    if work > MAX_NETWORK_WORK {
        return Err(ConfigError::new(
            "steps",
            format!(
                "training asks for about {work:.2e} multiply-adds (rows evaluated × 3 per parameter); at most {MAX_NETWORK_WORK:e}: use fewer steps, rows, optimizers, or a smaller network or batch"
            ),
        ));
    }
    Ok(())
}

fn json_reason(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is already given.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SGD-with-momentum (or `optimizer`) experiment of `steps` steps with `schedule`.
    fn with_schedule(
        optimizer: &str,
        steps: u32,
        schedule: Value,
    ) -> Result<Experiment, ConfigError> {
        Experiment::from_value(&serde_json::json!({
            "function": {"name": "booth"}, "start": [0, 0], "steps": steps,
            "optimizers": [{"name": optimizer, "lr": 0.1, "schedule": schedule}]}))
    }

    #[test]
    fn bad_schedules_name_the_key_at_fault() {
        use serde_json::json;
        let cases = [
            (
                "sgd",
                10,
                json!({"name": "cyclic", "base_lr": 0.1, "max_lr": 1, "mode": "sawtooth"}),
                "optimizers[0].schedule.mode",
                "must be one of \"triangular\", \"triangular2\", \"exp_range\", got \"sawtooth\"",
            ),
            (
                "sgd",
                10,
                json!({"name": "plateau", "threshold_mode": 1}),
                "optimizers[0].schedule.threshold_mode",
                "must be one of \"rel\", \"abs\", got a number",
            ),
            (
                "sgd",
                10,
                json!({"name": "plateau", "factor": 1}),
                "optimizers[0].schedule.factor",
                "must be in [0, 1)",
            ),
            (
                "adagrad",
                10,
                json!({"name": "cyclic", "base_lr": 0.1, "max_lr": 1}),
                "optimizers[0].schedule.cycle_momentum",
                "Adagrad has neither momentum nor betas",
            ),
            (
                "adafactor",
                10,
                json!({"name": "onecycle", "max_lr": 1, "total_steps": 10}),
                "optimizers[0].schedule.cycle_momentum",
                "set cycle_momentum to false",
            ),
            (
                "rprop",
                10,
                json!({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "constant"}, {"name": "onecycle", "max_lr": 1, "total_steps": 10}]}),
                "optimizers[0].schedule.schedulers[1].cycle_momentum",
                "Rprop has neither",
            ),
            (
                "sgd",
                10,
                json!({"name": "multistep", "milestones": [5, 3]}),
                "optimizers[0].schedule.milestones[1]",
                "must be in increasing order",
            ),
            (
                "sgd",
                10,
                json!({"name": "multistep", "milestones": 5}),
                "optimizers[0].schedule.milestones",
                "must be a list of step numbers",
            ),
            (
                "sgd",
                10,
                json!({"name": "sequential", "milestones": [5, 5], "schedulers": [
                {"name": "constant"}, {"name": "constant"}, {"name": "constant"}]}),
                "optimizers[0].schedule.milestones[1]",
                "must be in increasing order, got 5 after 5",
            ),
            (
                "sgd",
                10,
                json!({"name": "sequential", "milestones": [5, 8], "schedulers": [
                {"name": "constant"}, {"name": "constant"}]}),
                "optimizers[0].schedule.milestones",
                "one step fewer than the schedules (1 for 2), got 2",
            ),
            (
                "sgd",
                10,
                json!({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "constant"}, {"name": "plateau"}]}),
                "optimizers[0].schedule.schedulers[1].name",
                "plateau cannot be part of a sequence",
            ),
            (
                "sgd",
                10,
                json!({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "sequential", "schedulers": [{"name": "constant"}]}, {"name": "constant"}]}),
                "optimizers[0].schedule.schedulers[0].name",
                "cannot hold another",
            ),
            (
                "sgd",
                10,
                json!({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "constant"}, {"name": "cosine"}]}),
                "optimizers[0].schedule.schedulers[1].T_max",
                "is required",
            ),
            (
                "sgd",
                100,
                json!({"name": "onecycle", "max_lr": 1, "total_steps": 99}),
                "optimizers[0].schedule.total_steps",
                "the cycle (99) must be at least the 100 steps it runs for",
            ),
            (
                "sgd",
                100,
                json!({"name": "onecycle", "max_lr": 1, "epochs": 3, "steps_per_epoch": 30}),
                "optimizers[0].schedule.epochs",
                "epochs × steps_per_epoch = 90",
            ),
            (
                "sgd",
                100,
                json!({"name": "onecycle", "max_lr": 1, "epochs": 3}),
                "optimizers[0].schedule.total_steps",
                "is required, unless epochs and steps_per_epoch",
            ),
            // The second schedule runs from step 40 to 100: 60 of its own steps.
            (
                "sgd",
                100,
                json!({"name": "sequential", "milestones": [40], "schedulers": [
                {"name": "constant"}, {"name": "onecycle", "max_lr": 1, "total_steps": 59}]}),
                "optimizers[0].schedule.schedulers[1].total_steps",
                "at least the 60 steps",
            ),
            (
                "sgd",
                10,
                json!({"name": "cosine_warm_restarts", "T_0": 0}),
                "optimizers[0].schedule.T_0",
                "must be a whole number in [1, 100000], got 0",
            ),
            (
                "sgd",
                10,
                json!({"name": "constant", "factor": 0}),
                "optimizers[0].schedule.factor",
                "must be in (0, 1]",
            ),
        ];
        for (optimizer, steps, schedule, field, msg) in cases {
            let e =
                with_schedule(optimizer, steps, schedule.clone()).expect_err(&schedule.to_string());
            assert_eq!(e.field, field, "{schedule}: {e}");
            assert!(e.message.contains(msg), "{schedule}: {e}");
        }
        // A cycle exactly as long as the run is enough, as in torch, and
        // cycling is fine on any optimizer with momentum or betas.
        for optimizer in [
            "sgd", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax",
        ] {
            with_schedule(
                optimizer,
                100,
                json!({"name": "onecycle", "max_lr": 1, "total_steps": 100}),
            )
            .unwrap();
        }
        with_schedule(
            "sgd",
            100,
            json!({"name": "sequential", "milestones": [40], "schedulers": [
            {"name": "constant"}, {"name": "onecycle", "max_lr": 1, "total_steps": 60}]}),
        )
        .unwrap();
        with_schedule(
            "adagrad",
            10,
            json!({"name": "cyclic", "base_lr": 0.1, "max_lr": 1, "cycle_momentum": false}),
        )
        .unwrap();
    }

    #[test]
    fn schedule_defaults_are_the_catalogues() {
        use optiviz_optim::schedule::{KeyKind, SCHEDULES};
        for def in SCHEDULES {
            let mut v = Map::new();
            v.insert("name".into(), def.name.into());
            for k in def.keys.iter().filter(|k| k.required) {
                let offer = match k.kind {
                    KeyKind::Schedules => {
                        serde_json::json!([{"name": "constant"}, {"name": "constant"}])
                    }
                    _ => k.default.to_json(),
                };
                v.insert(k.name.into(), offer);
            }
            if def.name == "onecycle" {
                v.insert("total_steps".into(), 10.into());
            }
            let s = parse_schedule(&Value::Object(v), "s").unwrap().unwrap();
            let got = serde_json::to_value(&s).unwrap();
            for k in def
                .keys
                .iter()
                .filter(|k| !k.required && k.name != "total_steps")
            {
                let value = got.get(k.name).cloned().unwrap_or(Value::Null);
                assert!(
                    k.default.is(&value),
                    "{}.{}: parsed {value}, catalogued {:?}",
                    def.name,
                    k.name,
                    k.default
                );
            }
        }
    }

    #[test]
    fn the_view_colours_and_hidden_paths_are_not_computed() {
        let a = Experiment::from_json(
            r##"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5,
            "view": {"x": [-1, 1], "y": [-1, 1]},
            "optimizers": [{"name": "sgd", "lr": 0.1, "color": "#123456", "enabled": false}]}"##,
        )
        .unwrap();
        let b = Experiment::from_json(
            r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5,
            "optimizers": [{"name": "sgd", "lr": 0.1}]}"#,
        )
        .unwrap();
        assert_ne!(a.to_json(), b.to_json());
        assert_eq!(a.computed().to_json(), b.to_json());
    }
}
