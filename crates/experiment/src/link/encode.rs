//! An experiment written as a link: its keys in a fixed order, values at
//! their defaults left out.

use crate::experiment::{Batch, Experiment};
use crate::link::text::{encode_component, num, text};
use crate::network as d;
use optiviz_base::error::ConfigError;
use optiviz_objectives::data::DEFAULT_X_RANGE;
use optiviz_objectives::functions::custom::DEFAULT_PARAM;

use optiviz_objectives::mlp::datasets::Pattern;
use optiviz_objectives::mlp::init::Init;
use optiviz_objectives::mlp::net::Activation;
use optiviz_objectives::mlp::{Model, PlaneKind, Rows};
use optiviz_optim::schedule::Schedule;
use optiviz_optim::schedules;
use optiviz_optim::{Hyper, HyperValue, OptimizerDef};
use serde_json::Value;

/// The longest given dataset a link carries, in characters of `x,y;x,y;…`
/// (about 120 rows of 6-digit numbers); a larger one is shared as a file.
pub const MAX_LINK_DATA: usize = 2000;

/// The query string (without `?`) for an experiment; an error when a given
/// dataset is too large for a link.
pub fn encode(exp: &Experiment) -> Result<String, ConfigError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let def = exp.function.def;
    pairs.push(("fn".into(), def.name.into()));
    if let Some(model) = &exp.function.mlp {
        mlp_pairs(model, &mut pairs)?;
    }
    if let Some(t) = &exp.function.typed {
        pairs.push(("fn.expr".into(), t.text.clone()));
        if let Some(w) = t.window {
            pairs.push((
                "fn.view".into(),
                [w.x[0], w.x[1], w.y[0], w.y[1]].map(num).join(","),
            ));
        }
        for (name, v) in t.params() {
            if name == "expr" || name == "view" || name == "standardize" {
                return Err(ConfigError::new(
                    format!("fn.{name}"),
                    format!("a parameter named {name} cannot be written in a link (fn.{name} is the function's own); rename it"),
                ));
            }
            if v != DEFAULT_PARAM {
                pairs.push((format!("fn.{name}"), num(v)));
            }
        }
    }
    for (spec, v) in def.params.iter().zip(&exp.function.params) {
        if *v != spec.default {
            pairs.push((format!("fn.{}", spec.name), num(*v)));
        }
    }
    if let Some(data) = &exp.function.data {
        match &data.generated {
            Some(g) => {
                // The keys whose values differ from their defaults.
                for (spec, v) in g.specs().iter().zip(g.values()) {
                    if v != spec.default {
                        pairs.push((format!("data.{}", spec.name), num(v)));
                    }
                }
                if let Some(r) = g.x_range().filter(|r| *r != DEFAULT_X_RANGE) {
                    pairs.push(("data.x".into(), format!("{},{}", num(r[0]), num(r[1]))));
                }
            }
            None => {
                let rows = link_rows(data.len(), |i| match data.features() {
                    2 => format!("{},{},{}", num(data.x[i]), num(data.x2[i]), num(data.y[i])),
                    _ => format!("{},{}", num(data.x[i]), num(data.y[i])),
                })?;
                pairs.push(("data".into(), rows));
            }
        }
        if data.standardize {
            pairs.push(("fn.standardize".into(), "true".into()));
        }
    }
    // A network starts at its initial weights: it has no start.
    if exp.function.mlp.is_none() {
        pairs.push((
            "start".into(),
            format!("{},{}", num(exp.start[0]), num(exp.start[1])),
        ));
    }
    pairs.push(("steps".into(), exp.steps.to_string()));
    // The sampling, seed, L2 and stopping keys that differ from the defaults.
    for (key, v) in exp.settings() {
        match v.as_object() {
            Some(rules) => {
                for (rule, v) in rules {
                    pairs.push((format!("{key}.{rule}"), text(v)));
                }
            }
            None => pairs.push((key, text(&v))),
        }
    }
    if let Some(v) = exp.view {
        pairs.push((
            "view".into(),
            [v.x[0], v.x[1], v.y[0], v.y[1]].map(num).join(","),
        ));
    }
    for (i, o) in exp.optimizers.iter().enumerate() {
        let k = format!("o{}", i + 1);
        pairs.push((k.clone(), o.def.name.into()));
        pairs.push((format!("{k}.lr"), num(o.lr)));
        hyper_pairs(&k, o.def, &o.hyper, &mut pairs);
        if let Some(rule) = &o.hyper.rule {
            if let Some(label) = &rule.label {
                pairs.push((format!("{k}.label"), label.clone()));
            }
            for (name, v) in &rule.hyper {
                pairs.push((format!("{k}.hyper.{name}"), num(*v)));
            }
            for (name, v) in &rule.state {
                pairs.push((format!("{k}.state.{name}"), num(*v)));
            }
            pairs.push((format!("{k}.update"), rule.update.clone()));
        }
        // A clip serializes to a small JSON object of numbers.
        if let Some(clip) = &o.clip {
            let v = serde_json::to_value(clip).expect("a clip serializes");
            for (key, x) in v.as_object().into_iter().flatten() {
                pairs.push((format!("{k}.clip.{key}"), text(x)));
            }
        }
        if let Some(s) = &o.schedule {
            pairs.push((format!("{k}.sched"), s.name().to_string()));
            schedule_pairs(s, &format!("{k}.sched"), &mut pairs);
        }
        if let Some(c) = &o.color {
            pairs.push((format!("{k}.color"), c.clone()));
        }
        if !o.enabled {
            pairs.push((format!("{k}.enabled"), "false".into()));
        }
        if o.maximize {
            pairs.push((format!("{k}.maximize"), "true".into()));
        }
        if let Some(b) = o.batch_size {
            pairs.push((format!("{k}.batch_size"), batch_text(b)));
        }
        if let Some(sigma) = o.grad_noise {
            pairs.push((format!("{k}.grad_noise"), num(sigma)));
        }
        if let Some(a) = o.accumulate {
            pairs.push((format!("{k}.accumulate"), a.to_string()));
        }
    }
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect::<Vec<_>>()
        .join("&"))
}

/// The keys of schedule `s` under `prefix` (`oN.sched`), in torch's order,
/// those at torch's defaults left out; a sequence's schedules are named in
/// `prefix.schedulers`, the I-th one's keys under `prefix.I`.
fn schedule_pairs(s: &Schedule, prefix: &str, pairs: &mut Vec<(String, String)>) {
    let def = schedules::lookup(s.name()).expect("every schedule is catalogued");
    let v = serde_json::to_value(s).expect("a schedule serializes");
    for spec in def.listed() {
        let Some(x) = v.get(spec.name) else {
            continue;
        };
        if !spec.required && spec.default.is(x) {
            continue;
        }
        let value = match x {
            // The names only; each one's keys follow.
            Value::Array(items) if spec.name == "schedulers" => items
                .iter()
                .map(|s| text(&s["name"]))
                .collect::<Vec<_>>()
                .join(","),
            _ => text(x),
        };
        pairs.push((format!("{prefix}.{}", spec.name), value));
    }
    if let Schedule::Sequential { schedulers, .. } = s {
        for (i, sub) in schedulers.iter().enumerate() {
            schedule_pairs(sub, &format!("{prefix}.{}", i + 1), pairs);
        }
    }
}

/// A given dataset's `len` rows as the `data` value, `row(i)` each, joined
/// by `;`; built a row at a time, so a large dataset stops at the limit with
/// an error naming `data`.
fn link_rows(len: usize, row: impl Fn(usize) -> String) -> Result<String, ConfigError> {
    let mut rows = String::new();
    for i in 0..len {
        if !rows.is_empty() {
            rows.push(';');
        }
        rows += &row(i);
        if rows.len() > MAX_LINK_DATA {
            return Err(ConfigError::new(
                "data",
                format!(
                    "{len} rows are too many for a link (it carries up to {MAX_LINK_DATA} characters of rows, about 120 rows of two 6-digit numbers); save the experiment as a file to share it"
                ),
            ));
        }
    }
    Ok(rows)
}

/// A network's keys that differ from their defaults: `fn.hidden`,
/// `fn.activation`, …, its drawn rows as `data.K` or its given rows as
/// `data`, and given weights as `fn.weights` (an error when they are too
/// many for a link).
fn mlp_pairs(model: &Model, pairs: &mut Vec<(String, String)>) -> Result<(), ConfigError> {
    let arch = &model.net.arch;
    let mut put = |k: &str, v: String| pairs.push((format!("fn.{k}"), v));
    if arch.hidden != d::DEFAULT_HIDDEN {
        put(
            "hidden",
            arch.hidden
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if arch.activation != Activation::Tanh {
        put("activation", arch.activation.key().into());
    }
    if arch.batch_norm {
        put("batch_norm", "true".into());
    }
    // The task is written unless reading the rows would give it anyway.
    if arch.task != d::implied_task(&model.rows, &model.y) {
        put("task", arch.task.key().into());
    }
    if model.init != Init::TorchDefault {
        put("init", model.init.key().into());
    }
    if model.init_std != 1.0 {
        put("init_std", num(model.init_std));
    }
    if model.init_seed != 0 {
        put("init_seed", model.init_seed.to_string());
    }
    if model.plane == PlaneKind::Random {
        put("plane", "random".into());
    }
    if let Some(w) = &model.weights {
        let text = w.iter().map(|v| num(*v)).collect::<Vec<_>>().join(",");
        if text.len() > MAX_LINK_DATA {
            return Err(ConfigError::new(
                "fn.weights",
                format!("{} given weights are too many for a link (it carries up to {MAX_LINK_DATA} characters of them); save the experiment as a file to share it", w.len()),
            ));
        }
        put("weights", text);
    }
    match &model.rows {
        Rows::Pattern {
            pattern,
            n,
            noise,
            seed,
        } => {
            let (dn, dnoise, dseed) = d::DEFAULT_ROWS;
            if *pattern != Pattern::Circle {
                pairs.push(("data.name".into(), pattern.key().into()));
            }
            if *n != dn {
                pairs.push(("data.n".into(), n.to_string()));
            }
            if *noise != dnoise {
                pairs.push(("data.noise".into(), num(*noise)));
            }
            if *seed != dseed {
                pairs.push(("data.seed".into(), seed.to_string()));
            }
        }
        Rows::Given => {
            let (x, y) = (&model.x, &model.y);
            let rows = link_rows(x.len(), |i| {
                format!("{},{},{}", num(x[i][0]), num(x[i][1]), num(y[i]))
            })?;
            pairs.push(("data".into(), rows));
        }
    }
    Ok(())
}

pub(crate) fn batch_text(b: Batch) -> String {
    match b {
        Batch::Full => "full".into(),
        Batch::Size(n) => n.to_string(),
    }
}

/// The link's pairs of the hyperparameters of `def` that differ from torch's
/// defaults, as `{prefix}.{key}`, then the optimizer it holds as
/// `{prefix}.{key}` (its name), its own `lr` and its keys below that.
fn hyper_pairs(prefix: &str, def: &OptimizerDef, hyper: &Hyper, pairs: &mut Vec<(String, String)>) {
    for spec in def.hyper {
        let v = hyper.values[spec.name];
        if v == spec.default {
            continue;
        }
        let null = || "null".to_string();
        let text = match v {
            HyperValue::Number(x) => num(x),
            HyperValue::Pair([a, b]) => format!("{},{}", num(a), num(b)),
            HyperValue::AutoPair(a, b) => format!("{},{}", a.map_or_else(null, num), num(b)),
            HyperValue::Triple(t) => t.map(num).join(","),
            HyperValue::MaybeNumber(x) => x.map_or_else(null, num),
            HyperValue::Flag(b) => b.to_string(),
            HyperValue::Count(n) => n.map_or_else(null, |n| n.to_string()),
            HyperValue::Choice(c) => c.unwrap_or("null").to_string(),
        };
        pairs.push((format!("{prefix}.{}", spec.name), text));
    }
    if let (Some(w), Some(inner)) = (def.wraps, &hyper.inner) {
        let at = format!("{prefix}.{}", w.key);
        pairs.push((at.clone(), inner.def.name.into()));
        if let Some(lr) = inner.lr {
            pairs.push((format!("{at}.lr"), num(lr)));
        }
        hyper_pairs(&at, inner.def, &inner.hyper, pairs);
    }
}
