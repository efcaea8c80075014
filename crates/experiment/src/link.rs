//! An experiment as a URL query, so that a link reproduces a picture exactly.
//!
//! The keys are short and readable, and values that equal the default are left
//! out:
//!
//! ```text
//! ?fn=rosenbrock&start=-1.5,2&steps=300&o1=adam&o1.lr=0.02&o1.clip.max_norm=1
//!  &o1.sched=cosine&o1.sched.T_max=100&o2=sgd&o2.lr=0.001&o2.momentum=0.9
//! ```
//!
//! | key | experiment field |
//! | --- | --- |
//! | `fn`, `fn.P` | `function.name`, `function.params.P` |
//! | `fn.expr`, `fn.view` | a typed function's `function.expr` and its own window `function.view` (`fn=custom`; its parameters are `fn.P` too) |
//! | `start`, `steps` | `start` (`x,y`), `steps` |
//! | `view` | `view` as `xmin,xmax,ymin,ymax` |
//! | `oN`, `oN.K` | optimizer N (from 1): its `name`, and key K (`lr`, `betas`, …, `color`, `enabled`) |
//! | `oN.clip.max_norm`, `oN.clip.clip_value` | its `clip` |
//! | `oN.sched`, `oN.sched.K` | its `schedule`: the name and key K (keys at torch's defaults left out) |
//! | `oN.sched.schedulers`, `oN.sched.I.K` | a `sequential` schedule's schedules: their names in order (`linear,cosine`), and key K of the I-th (from 1) |
//! | `data.K` (`n`, `w`, `b`, `noise`, `seed`, `x`; for `least_squares_2d` `n`, `rho`, `scale`, `w1`, `w2`, `noise`, `seed`) | `function.generate.K` |
//! | `data` as `x,y;x,y;…` (`x1,x2,y;…` for `least_squares_2d`) | `function.data` (a given dataset, when small) |
//! | `fn.standardize` (`true`) | `least_squares_2d`'s `function.standardize` |
//! | `batch_size`, `seed`, `grad_noise`, `accumulate`, `l2` | the same keys |
//! | `stop.K` | `stop.K` (`grad_tol`, `loss_tol`, `window`, `max_steps`) |
//!
//! A list is written with commas (`o1.sched.milestones=30,80`; one entry is
//! just the number), a choice as its word (`o1.sched.mode=triangular2`), a flag
//! as `true` or `false`. A warm-up then a cosine:
//!
//! ```text
//! o1.sched=sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10
//!  &o1.sched.1.start_factor=0.1&o1.sched.1.total_iters=10&o1.sched.2.T_max=90
//! ```
//!
//! Decoding builds the experiment's JSON and validates it with
//! [`Experiment::from_value`], so a bad link gets the same checks as a bad file;
//! errors name the URL key (`o2.lr: must be a finite number >= 0, got -1`).
//! Keys in [`PAGE_KEYS`] belong to the page (`embed`, `lesson`, `play`, `speed`, and `chart`,
//! `arrows`, `curvature`, `inspect` for what it shows under and on the plot, `view3d` for the plot in relief, `hide` and `lock` for the parts a teacher's link hides or locks, `lesson`
//! with `part` for a lesson, `predict`, `question`, `choices` and `answer` for what is asked before the paths) and are passed over, as are
//! the tracking keys links pick up on the way (`utm_*`, `fbclid`, …).

use crate::experiment::Batch;
use crate::experiment::MAX_SEQUENCE;
use crate::experiment::{default_start, Experiment};
use optiviz_base::error::ConfigError;
use optiviz_objectives::data::DEFAULT_X_RANGE;
use optiviz_objectives::objective::Objective;
use optiviz_optim::schedule::{self, KeyKind, Schedule};
use optiviz_optim::HyperValue;
use serde_json::{json, Map, Value};

/// Query keys that are the page's own, not the experiment's: `embed=1` (the
/// compact view for an iframe), `lesson=1` (the embed shows a scenario's
/// lesson text), `play=1` (start playing once loaded) and `speed=N` (the
/// animation's steps per second, 1 to 200).
pub const PAGE_KEYS: &[&str] = &[
    "embed",
    "lesson",
    "play",
    "speed",
    "chart",
    "arrows",
    "inspect",
    "curvature",
    "view3d",
    "hide",
    "lock",
    "part",
    "predict",
    "question",
    "choices",
    "answer",
];

/// Keys that links pick up on the way (from newsletters, social sites, ad
/// trackers) and that mean nothing here; they are passed over.
fn is_foreign_key(key: &str) -> bool {
    key.starts_with("utm_") || matches!(key, "fbclid" | "gclid" | "msclkid" | "ref")
}

/// The longest given dataset a link carries, in characters of `x,y;x,y;…`
/// (about 120 rows of 6-digit numbers); a larger one is shared as a file.
pub const MAX_LINK_DATA: usize = 2000;

/// Percent-encodes everything but unreserved characters and the separators
/// that stay readable in a query value (`,`, `:` and `;`).
fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b','
            | b':'
            | b';' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode_component(s: &str, key: &str) -> Result<String, ConfigError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ConfigError::new(key, "has a broken %-escape"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ConfigError::new(key, "is not valid UTF-8"))
}

fn num(x: f64) -> String {
    format!("{x}")
}

/// A JSON value as a query value: a string as it is, a number in its
/// shortest form, a list with commas.
fn text(x: &Value) -> String {
    match x {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        _ => x.as_f64().map(num).unwrap_or_else(|| x.to_string()),
    }
}

/// The keys of schedule `s` under `prefix` (`oN.sched`), in torch's order,
/// those at torch's defaults left out; a sequence's schedules are named in
/// `prefix.schedulers`, the I-th one's keys under `prefix.I`.
fn schedule_pairs(s: &Schedule, prefix: &str, pairs: &mut Vec<(String, String)>) {
    let def = schedule::lookup(s.name()).expect("every schedule is catalogued");
    let v = serde_json::to_value(s).expect("a schedule serializes");
    for spec in def.keys {
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
fn mlp_pairs(
    model: &optiviz_objectives::mlp::Model,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), ConfigError> {
    use crate::network as d;
    use optiviz_objectives::mlp::{PlaneKind, Rows};
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
    if arch.activation != optiviz_objectives::mlp::net::Activation::Tanh {
        put("activation", arch.activation.key().into());
    }
    if arch.batch_norm {
        put("batch_norm", "true".into());
    }
    // The task is written unless reading the rows would give it anyway.
    if arch.task != d::implied_task(&model.rows, &model.y) {
        put("task", arch.task.key().into());
    }
    if model.init != optiviz_objectives::mlp::init::Init::TorchDefault {
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
            if *pattern != optiviz_objectives::mlp::datasets::Pattern::Circle {
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
            if v != optiviz_objectives::functions::custom::DEFAULT_PARAM {
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
        for spec in o.def.hyper {
            let v = o.hyper.0[spec.name];
            if v == spec.default {
                continue;
            }
            let text = match v {
                HyperValue::Number(x) => num(x),
                HyperValue::Pair([a, b]) => format!("{},{}", num(a), num(b)),
                HyperValue::AutoPair(a, b) => {
                    format!("{},{}", a.map_or("null".into(), num), num(b))
                }
                HyperValue::Flag(b) => b.to_string(),
                HyperValue::Count(n) => n.map_or("null".into(), |n| n.to_string()),
                HyperValue::Choice(c) => c.unwrap_or("null").to_string(),
            };
            pairs.push((format!("{k}.{}", spec.name), text));
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

fn batch_text(b: Batch) -> String {
    match b {
        Batch::Full => "full".into(),
        Batch::Size(n) => n.to_string(),
    }
}

/// Reads `x,y;x,y;…` into `{"x": [...], "y": [...]}`, or for two features
/// `x1,x2,y;…` into `{"x": [[x1, x2], ...], "y": [...]}`.
fn data_rows(text: &str, features: usize) -> Result<Value, ConfigError> {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (i, row) in text.split(';').filter(|r| !r.trim().is_empty()).enumerate() {
        let numbers: Vec<Option<f64>> = row
            .split(',')
            .map(|t| t.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect();
        match (features, numbers.as_slice()) {
            (1, [Some(x), Some(y)]) => {
                xs.push(json!(x));
                ys.push(*y);
            }
            (2, [Some(x1), Some(x2), Some(y)]) => {
                xs.push(json!([x1, x2]));
                ys.push(*y);
            }
            _ => {
                let shape = if features == 2 {
                    "three finite numbers x1,x2,y"
                } else {
                    "two finite numbers x,y"
                };
                return Err(ConfigError::new(
                    "data",
                    format!("row {} must be {shape}, got \"{row}\"", i + 1),
                ));
            }
        }
    }
    Ok(json!({"x": xs, "y": ys}))
}

/// A query value as JSON: a number, `true`/`false`, a list of numbers
/// (`a,b`), or else a string. Non-finite numbers are refused here, since JSON
/// cannot carry them.
fn value(text: &str, key: &str) -> Result<Value, ConfigError> {
    let number = |t: &str| -> Result<Option<Value>, ConfigError> {
        match t.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(json!(x))),
            Ok(x) => Err(ConfigError::new(
                key,
                format!(
                    "must be a finite number, got {}",
                    optiviz_base::number::show_number(x)
                ),
            )),
            Err(_) => Ok(None),
        }
    };
    if let Some(v) = number(text)? {
        return Ok(v);
    }
    if text == "true" || text == "false" {
        return Ok(json!(text == "true"));
    }
    // torch's None, where a setting allows it (LBFGS's max_eval, line_search_fn).
    if text == "null" {
        return Ok(Value::Null);
    }
    if text.contains(',') {
        let items = text
            .split(',')
            .map(|t| {
                // torch's None, where a pair allows it (Adafactor's eps).
                if t == "null" {
                    return Ok(Value::Null);
                }
                number(t)?.ok_or_else(|| {
                    ConfigError::new(
                        key,
                        format!("must be numbers separated by commas, got \"{text}\""),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Value::Array(items));
    }
    Ok(Value::String(text.to_string()))
}

/// Reads an experiment from a query string (with or without the leading `?`).
pub fn decode(query: &str) -> Result<Experiment, ConfigError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut function = Map::new();
    let mut params = Map::new();
    let mut plus_in_expr = false;
    let mut generate = Map::new();
    let mut data_text = None;
    let mut top = Map::new();
    // Optimizers by number; each a JSON object under construction.
    let mut opts: std::collections::BTreeMap<usize, Map<String, Value>> = Default::default();
    // The keys of a sequence's schedules, by optimizer and position (from 1).
    let mut parts: std::collections::BTreeMap<(usize, usize), Map<String, Value>> =
        Default::default();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let key = decode_component(raw_key, raw_key)?;
        let text = decode_component(raw_value, &key)?;
        if PAGE_KEYS.contains(&key.as_str()) || is_foreign_key(&key) {
            continue;
        }
        let (head, rest) = match key.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (key.as_str(), None),
        };
        match (head, rest) {
            ("fn", None) => {
                function.insert("name".into(), Value::String(text));
            }
            ("fn", Some("expr")) => {
                // A `+` typed into a link arrives as a space: say so if it fails.
                plus_in_expr = raw_value.contains('+');
                function.insert("expr".into(), Value::String(text));
            }
            ("fn", Some("view")) => {
                function.insert("view".into(), view_value(&text, &key)?);
            }
            ("fn", Some("standardize")) => {
                function.insert("standardize".into(), value(&text, &key)?);
            }
            ("fn", Some(p)) => {
                params.insert(p.to_string(), value(&text, &key)?);
            }
            ("start" | "steps" | "batch_size" | "seed" | "grad_noise" | "accumulate" | "l2", None) => {
                top.insert(head.to_string(), value(&text, &key)?);
            }
            ("stop", Some(rule)) => {
                let stop = top.entry("stop").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = stop {
                    m.insert(rule.to_string(), value(&text, &key)?);
                }
            }
            // Read once the function, and so the number of features, is known.
            ("data", None) => data_text = Some(text),
            ("data", Some(field)) => {
                generate.insert(field.to_string(), value(&text, &key)?);
            }
            ("view", None) => {
                top.insert("view".into(), view_value(&text, &key)?);
            }
            (h, rest) if optimizer_digits(h).is_some() => {
                let n: usize = h[1..]
                    .parse()
                    .ok()
                    .filter(|n| (1..=crate::experiment::MAX_OPTIMIZERS).contains(n))
                    .ok_or_else(|| {
                        ConfigError::new(
                            h,
                            format!("optimizers are numbered o1 to o{}", crate::experiment::MAX_OPTIMIZERS),
                        )
                    })?;
                let o = opts.entry(n).or_default();
                match rest {
                    None => {
                        o.insert("name".into(), Value::String(text));
                    }
                    Some("sched") => {
                        schedule_of(o).insert("name".into(), Value::String(text));
                    }
                    Some(r) if r.starts_with("sched.") => {
                        let sub = &r["sched.".len()..];
                        match sub.split_once('.') {
                            Some((i, k)) if !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) => {
                                let i = i.parse().ok().filter(|i| (1..=MAX_SEQUENCE).contains(i)).ok_or_else(|| {
                                    ConfigError::new(&key, format!("a sequence's schedules are numbered {h}.sched.1 to {h}.sched.{MAX_SEQUENCE}"))
                                })?;
                                parts.entry((n, i)).or_default().insert(k.to_string(), value(&text, &key)?);
                            }
                            // Names, not numbers: split once the keys are all read.
                            _ if sub == "schedulers" => {
                                schedule_of(o).insert(sub.to_string(), Value::String(text));
                            }
                            _ => {
                                schedule_of(o).insert(sub.to_string(), value(&text, &key)?);
                            }
                        }
                    }
                    Some(r) if r.starts_with("clip.") => {
                        let clip = o
                            .entry("clip")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(c) = clip {
                            c.insert(r["clip.".len()..].to_string(), value(&text, &key)?);
                        }
                    }
                    Some("color") => {
                        o.insert("color".into(), Value::String(text));
                    }
                    Some(r) => {
                        o.insert(r.to_string(), value(&text, &key)?);
                    }
                }
            }
            _ => {
                return Err(ConfigError::new(
                    key,
                    "unknown URL parameter; allowed: fn, fn.expr, fn.view, fn.<param>, data, data.<key>, start, steps, view, batch_size, seed, grad_noise, accumulate, l2, stop.<rule>, oN, oN.<setting>",
                ))
            }
        }
    }
    let network =
        function.get("name").and_then(Value::as_str) == Some(optiviz_objectives::mlp::MLP.name);
    if network {
        // A network's keys are its function's own, its drawn rows `dataset`.
        for (k, v) in params {
            let v = match (k.as_str(), v) {
                ("hidden", Value::Number(n)) => json!([n]),
                (_, v) => v,
            };
            function.insert(k, v);
        }
        if !generate.is_empty() {
            function.insert("dataset".into(), Value::Object(generate));
        }
        if let Some(text) = data_text {
            function.insert("data".into(), data_rows(&text, 2)?);
        }
    } else {
        if !params.is_empty() {
            function.insert("params".into(), Value::Object(params));
        }
        if let Some(text) = data_text {
            let features = function
                .get("name")
                .and_then(Value::as_str)
                .and_then(optiviz_objectives::functions::lookup)
                .and_then(|d| d.model)
                .map_or(1, |kind| kind.features());
            function.insert("data".into(), data_rows(&text, features)?);
        }
        if !generate.is_empty() {
            function.insert("generate".into(), Value::Object(generate));
        }
    }
    let mut doc = top;
    if !function.is_empty() {
        doc.insert("function".into(), Value::Object(function));
    }
    for (n, o) in opts.iter_mut() {
        if let Some(Value::Object(s)) = o.get_mut("schedule") {
            assemble_schedule(*n, s, &mut parts);
        }
    }
    if let Some(((n, i), keys)) = parts.into_iter().next() {
        let k = keys.keys().next().map_or("", String::as_str);
        return Err(ConfigError::new(
            format!("o{n}.sched.{i}.{k}"),
            format!("is a key of schedule {i} of a sequence, but o{n}.sched.schedulers does not name that many"),
        ));
    }
    // Optimizers must be numbered from 1 without gaps, so links stay unambiguous.
    let mut list = Vec::new();
    for (i, (n, o)) in opts.into_iter().enumerate() {
        if n != i + 1 {
            return Err(ConfigError::new(
                format!("o{n}"),
                format!(
                    "optimizers must be numbered o1, o2, … without gaps; o{} is missing",
                    i + 1
                ),
            ));
        }
        list.push(Value::Object(o));
    }
    doc.insert("optimizers".into(), Value::Array(list));
    if !doc.contains_key("steps") {
        doc.insert("steps".into(), json!(DEFAULT_STEPS));
    }
    if !doc.contains_key("start") && !network {
        // A link without a start begins where picking its function would.
        // Only the function and view decide it, whatever else is wrong.
        let mut probe = Map::new();
        for key in ["function", "view"] {
            if let Some(v) = doc.get(key) {
                probe.insert(key.into(), v.clone());
            }
        }
        probe.insert("start".into(), json!([0.0, 0.0]));
        probe.insert("steps".into(), json!(0));
        probe.insert("optimizers".into(), json!([]));
        if let Ok(e) = Experiment::from_value(&Value::Object(probe)) {
            let view = e.view.or_else(|| e.plain_surface().map(|s| s.view()));
            if let Some(view) = view {
                doc.insert("start".into(), json!(default_start(view)));
            }
        }
    }
    Experiment::from_value(&Value::Object(doc))
        .map_err(to_query_field)
        .map_err(|mut e| {
            if plus_in_expr && e.field == "fn.expr" {
                e.message += " (in a link a + stands for a space; write a plus sign as %2B)";
            }
            e
        })
}

/// A window written `xmin,xmax,ymin,ymax`, as JSON.
fn view_value(text: &str, key: &str) -> Result<Value, ConfigError> {
    match value(text, key)?.as_array().map(|a| a.as_slice()) {
        Some([a, b, c, d]) => Ok(json!({"x": [a, b], "y": [c, d]})),
        _ => Err(ConfigError::new(
            key,
            "must be four numbers xmin,xmax,ymin,ymax",
        )),
    }
}

/// The steps of a link that gives none.
pub const DEFAULT_STEPS: u32 = 100;

/// The function a link shows when its own is unknown or missing.
pub const FALLBACK_FUNCTION: &str = "rosenbrock";

/// Decodes as much of a link as is valid: every key at fault is reported and
/// left out (an optimizer without a valid name goes whole, and those after it
/// move up; an unknown function becomes [`FALLBACK_FUNCTION`] with its
/// parameters dropped), and the rest is kept. `None` only when nothing could
/// be kept.
pub fn decode_keeping(query: &str) -> (Option<Experiment>, Vec<ConfigError>) {
    let query = query.strip_prefix('?').unwrap_or(query);
    // Each part as (decoded key, raw value).
    let mut parts: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                decode_component(k, k).unwrap_or_else(|_| k.to_string()),
                v.to_string(),
            )
        })
        .collect();
    let mut errors = Vec::new();
    let join = |parts: &[(String, String)]| {
        parts
            .iter()
            .map(|(k, v)| format!("{}={v}", encode_component(k)))
            .collect::<Vec<_>>()
            .join("&")
    };
    for _ in 0..=parts.len() + 2 {
        let e = match decode(&join(&parts)) {
            Ok(exp) => return (Some(exp), errors),
            Err(e) => e,
        };
        let field = e.field.clone();
        let under = |k: &str, head: &str| k == head || k.starts_with(&format!("{head}."));
        let before = parts.clone();
        let head = field.split('.').next().unwrap_or("").to_string();
        let typed = parts.iter().any(|(k, v)| k == "fn" && v == "custom");
        if field == "fn.expr" && typed {
            // A formula that does not parse: the default one instead, without
            // the parameters that belonged to it.
            let default = encode_component(optiviz_objectives::functions::custom::DEFAULT_EXPR);
            if before.iter().any(|(k, v)| k == "fn.expr" && *v == default) {
                errors.push(e);
                return (None, errors);
            }
            for (k, _) in parts
                .iter()
                .filter(|(k, _)| under(k, "fn") && k != "fn" && k != "fn.expr")
            {
                errors.push(ConfigError::new(k.clone(), "left out with fn.expr"));
            }
            parts.retain(|(k, _)| !under(k, "fn") || k == "fn");
            let at = parts
                .iter()
                .position(|(k, _)| k == "fn")
                .map_or(0, |i| i + 1);
            parts.insert(at, ("fn.expr".into(), default));
            errors.push(e);
            continue;
        } else if head == "fn" && !field.contains('.') {
            // The function itself: the fallback, without the parameters it does not have.
            parts.retain(|(k, _)| !under(k, "fn"));
            parts.insert(0, ("fn".into(), FALLBACK_FUNCTION.into()));
        } else if let Some(n) = optimizer_number(&head) {
            if field == head || field == format!("{head}.lr") {
                // Without a valid name or learning rate the whole optimizer
                // goes, each of its other keys named, and those after it move
                // up one.
                errors.push(e);
                if field != head {
                    errors.push(ConfigError::new(
                        head.clone(),
                        "left out, for want of a valid lr",
                    ));
                }
                for (k, _) in parts.iter().filter(|(k, _)| under(k, &head)) {
                    if k != &field && k != &head {
                        errors.push(ConfigError::new(k.clone(), format!("left out with {head}")));
                    }
                }
                parts.retain(|(k, _)| !under(k, &head));
                for (k, _) in parts.iter_mut() {
                    let h = k.split('.').next().unwrap_or("").to_string();
                    if let Some(m) = optimizer_number(&h).filter(|&m| m > n) {
                        *k = format!("o{}{}", m - 1, &k[h.len()..]);
                    }
                }
                continue;
            }
            let schedule = format!("{head}.sched");
            if field == schedule || field == format!("{schedule}.schedulers") {
                // Without a valid name the schedule goes whole.
                parts.retain(|(k, _)| !under(k, &schedule));
            } else {
                parts.retain(|(k, _)| k != &field);
            }
            // A key that is missing rather than wrong (a schedule's required
            // key): what holds it goes, the schedule at most.
            let mut holder = field.clone();
            while parts == before {
                match holder.rsplit_once('.') {
                    Some((up, _)) if up != head => {
                        holder = up.to_string();
                        parts.retain(|(k, _)| !under(k, &holder));
                    }
                    _ => break,
                }
            }
            if holder != field && parts != before {
                let key = field.rsplit('.').next().unwrap_or("").to_string();
                errors.push(e);
                errors.push(ConfigError::new(
                    holder,
                    format!("left out, for want of a valid {key}"),
                ));
                continue;
            }
        } else {
            parts.retain(|(k, _)| !under(k, &field));
        }
        errors.push(e);
        if parts == before {
            return (None, errors);
        }
    }
    (None, errors)
}

/// The digits of an optimizer's key `oN`, if `head` is one.
fn optimizer_digits(head: &str) -> Option<&str> {
    head.strip_prefix('o')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `N` of an optimizer's key `oN`.
fn optimizer_number(head: &str) -> Option<usize> {
    optimizer_digits(head).and_then(|d| d.parse().ok())
}

/// Turns a schedule read from a link into its JSON form: a sequence's names
/// become its schedules with their keys (taken from `parts`), and a list
/// written as one number (or nothing) becomes a list.
fn assemble_schedule(
    n: usize,
    s: &mut Map<String, Value>,
    parts: &mut std::collections::BTreeMap<(usize, usize), Map<String, Value>>,
) {
    if let Some(Value::String(names)) = s.get("schedulers") {
        let list = names
            .split(',')
            .enumerate()
            .map(|(i, name)| {
                let mut sub = parts.remove(&(n, i + 1)).unwrap_or_default();
                sub.insert("name".into(), Value::String(name.to_string()));
                lists_as_lists(&mut sub);
                Value::Object(sub)
            })
            .collect();
        s.insert("schedulers".into(), Value::Array(list));
    }
    lists_as_lists(s);
}

fn lists_as_lists(s: &mut Map<String, Value>) {
    let Some(def) = s
        .get("name")
        .and_then(Value::as_str)
        .and_then(schedule::lookup)
    else {
        return;
    };
    for key in def.keys.iter().filter(|k| k.kind == KeyKind::List) {
        if let Some(v) = s.get_mut(key.name) {
            match v {
                Value::Number(_) => *v = Value::Array(vec![v.clone()]),
                Value::String(t) if t.is_empty() => *v = Value::Array(vec![]),
                _ => {}
            }
        }
    }
}

fn schedule_of(o: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let s = o
        .entry("schedule")
        .or_insert_with(|| Value::Object(Map::new()));
    match s {
        Value::Object(m) => m,
        _ => unreachable!("the schedule entry is only ever an object"),
    }
}

/// "first", "second", … "21st".
fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        _ => {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
    }
}

/// Renames an experiment field path to the URL key a user sees, e.g.
/// `optimizers[1].schedule.name` to `o2.sched`, `start[0]` to `start`.
fn to_query_field(mut e: ConfigError) -> ConfigError {
    // A given dataset is one URL value: say which row is wrong.
    if let Some(rest) = e.field.strip_prefix("function.data.") {
        if let Some(i) = rest
            .split_once('[')
            .and_then(|(_, i)| i.split(']').next()?.parse::<usize>().ok())
        {
            e.message = format!("row {}: {}", i + 1, e.message);
        }
        e.field = "data".to_string();
        return e;
    }
    // A pair or a list is one URL value: say which entry is wrong.
    if let Some((stem, i)) = e.field.strip_suffix(']').and_then(|f| f.rsplit_once('[')) {
        if let Ok(i) = i.parse::<usize>() {
            e.message = format!("{} value {}", ordinal(i + 1), e.message);
            e.field = stem.to_string();
        }
    }
    let f = e.field.as_str();
    e.field = if f == "function" || f == "function.name" {
        "fn".to_string()
    } else if f == "function.expr" {
        "fn.expr".to_string()
    } else if f == "function.standardize" {
        "fn.standardize".to_string()
    } else if f.starts_with("function.view") {
        "fn.view".to_string()
    } else if let Some(p) = f.strip_prefix("function.params.") {
        format!("fn.{p}")
    } else if let Some(g) = f
        .strip_prefix("function.generate.")
        .or_else(|| f.strip_prefix("function.dataset."))
    {
        format!("data.{g}")
    } else if f == "function.generate" || f == "function.dataset" || f.starts_with("function.data")
    {
        "data".to_string()
    } else if let Some(k) = f.strip_prefix("function.") {
        // A network's own keys (hidden, activation, init, …).
        format!("fn.{k}")
    } else if f.starts_with("view") {
        "view".to_string()
    } else if let Some((i, tail)) = f
        .strip_prefix("optimizers[")
        .and_then(|r| r.split_once(']'))
    {
        let n = i.parse::<usize>().map_or(0, |i| i + 1);
        let tail = match tail {
            ".name" => "",
            ".schedule" | ".schedule.name" => ".sched",
            t => t,
        };
        let mut tail = tail.replacen(".schedule.", ".sched.", 1);
        // A sequence's I-th schedule is `sched.I`; its name is in `sched.schedulers`.
        if let Some((up, rest)) = tail.split_once(".schedulers[") {
            if let Some((i, key)) = rest.split_once(']') {
                let i = i.parse::<usize>().map_or(0, |i| i + 1);
                tail = if key == ".name" {
                    e.message = format!("schedule {i}: {}", e.message);
                    format!("{up}.schedulers")
                } else {
                    format!("{up}.{i}{key}")
                };
            }
        }
        format!("o{n}{tail}")
    } else {
        f.to_string()
    };
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r##"{
      "function": {"name": "rosenbrock", "params": {"b": 50}},
      "start": [-1.5, 2.0], "steps": 300,
      "optimizers": [
        {"name": "adam", "lr": 0.02, "betas": [0.8, 0.999], "amsgrad": true,
         "clip": {"max_norm": 1.0},
         "schedule": {"name": "cosine", "T_max": 100, "eta_min": 0.001}, "color": "#ff8800"},
        {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true, "enabled": false, "maximize": true}
      ],
      "view": {"x": [-2, 2], "y": [-1, 3]}
    }"##;

    #[test]
    fn encodes_readably_and_round_trips() {
        let exp = Experiment::from_json(EXAMPLE).unwrap();
        let q = encode(&exp).unwrap();
        assert_eq!(
            q,
            "fn=rosenbrock&fn.b=50&start=-1.5,2&steps=300&view=-2,2,-1,3\
             &o1=adam&o1.lr=0.02&o1.betas=0.8,0.999&o1.amsgrad=true&o1.clip.max_norm=1\
             &o1.sched=cosine&o1.sched.T_max=100&o1.sched.eta_min=0.001&o1.color=%23ff8800\
             &o2=sgd&o2.lr=0.001&o2.momentum=0.9&o2.nesterov=true&o2.enabled=false&o2.maximize=true"
        );
        let back = decode(&q).unwrap();
        assert_eq!(back.to_json(), exp.to_json());
    }

    /// An SGD-with-momentum experiment with `schedule`, as JSON.
    fn scheduled(schedule: Value) -> Experiment {
        Experiment::from_value(
            &json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 100,
            "optimizers": [{"name": "sgd", "lr": 0.1, "momentum": 0.9, "schedule": schedule}]}),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_schedule_round_trips_through_a_link() {
        let cases = [
            (json!({"name": "step", "step_size": 30}), "o1.sched=step&o1.sched.step_size=30"),
            (json!({"name": "exponential", "gamma": 0.9}), "o1.sched=exponential&o1.sched.gamma=0.9"),
            (json!({"name": "cosine", "T_max": 50}), "o1.sched=cosine&o1.sched.T_max=50"),
            (json!({"name": "linear", "start_factor": 0.1, "total_iters": 10}),
             "o1.sched=linear&o1.sched.start_factor=0.1&o1.sched.total_iters=10"),
            (json!({"name": "inverse_time", "k": 0.5}), "o1.sched=inverse_time&o1.sched.k=0.5"),
            (json!({"name": "multistep", "milestones": [20, 50, 50], "gamma": 0.3}),
             "o1.sched=multistep&o1.sched.milestones=20,50,50&o1.sched.gamma=0.3"),
            (json!({"name": "multistep", "milestones": [20]}), "o1.sched=multistep&o1.sched.milestones=20"),
            (json!({"name": "constant", "factor": 0.5, "total_iters": 30}),
             "o1.sched=constant&o1.sched.factor=0.5&o1.sched.total_iters=30"),
            (json!({"name": "constant"}), "o1.sched=constant"),
            (json!({"name": "polynomial", "total_iters": 60, "power": 2}),
             "o1.sched=polynomial&o1.sched.total_iters=60&o1.sched.power=2"),
            (json!({"name": "cosine_warm_restarts", "T_0": 10, "T_mult": 2, "eta_min": 0.01}),
             "o1.sched=cosine_warm_restarts&o1.sched.T_0=10&o1.sched.T_mult=2&o1.sched.eta_min=0.01"),
            (json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 8, "step_size_down": 4,
                    "mode": "exp_range", "gamma": 0.99, "cycle_momentum": false}),
             "o1.sched=cyclic&o1.sched.base_lr=0.01&o1.sched.max_lr=0.1&o1.sched.step_size_up=8\
              &o1.sched.step_size_down=4&o1.sched.mode=exp_range&o1.sched.gamma=0.99&o1.sched.cycle_momentum=false"),
            (json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "base_momentum": 0.7, "scale_mode": "cycle"}),
             "o1.sched=cyclic&o1.sched.base_lr=0.01&o1.sched.max_lr=0.1&o1.sched.base_momentum=0.7"),
            (json!({"name": "onecycle", "max_lr": 0.15, "total_steps": 120, "anneal_strategy": "linear",
                    "pct_start": 0.25, "three_phase": true, "div_factor": 10}),
             "o1.sched=onecycle&o1.sched.max_lr=0.15&o1.sched.total_steps=120&o1.sched.pct_start=0.25\
              &o1.sched.anneal_strategy=linear&o1.sched.div_factor=10&o1.sched.three_phase=true"),
            (json!({"name": "onecycle", "max_lr": 0.15, "epochs": 4, "steps_per_epoch": 25}),
             "o1.sched=onecycle&o1.sched.max_lr=0.15&o1.sched.epochs=4&o1.sched.steps_per_epoch=25"),
            (json!({"name": "plateau", "mode": "max", "factor": 0.5, "patience": 5, "threshold_mode": "abs",
                    "cooldown": 2, "min_lr": 0.001}),
             "o1.sched=plateau&o1.sched.mode=max&o1.sched.factor=0.5&o1.sched.patience=5\
              &o1.sched.threshold_mode=abs&o1.sched.cooldown=2&o1.sched.min_lr=0.001"),
            (json!({"name": "sequential", "milestones": [10],
                    "schedulers": [{"name": "linear", "start_factor": 0.1, "total_iters": 10}, {"name": "cosine", "T_max": 90}]}),
             "o1.sched=sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10\
              &o1.sched.1.start_factor=0.1&o1.sched.1.total_iters=10&o1.sched.2.T_max=90"),
            (json!({"name": "sequential", "milestones": [5, 40],
                    "schedulers": [{"name": "constant"}, {"name": "multistep", "milestones": [10, 20]},
                                   {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "mode": "triangular2"}]}),
             "o1.sched=sequential&o1.sched.schedulers=constant,multistep,cyclic&o1.sched.milestones=5,40\
              &o1.sched.2.milestones=10,20&o1.sched.3.base_lr=0.01&o1.sched.3.max_lr=0.1&o1.sched.3.mode=triangular2"),
            (json!({"name": "sequential", "schedulers": [{"name": "polynomial"}]}),
             "o1.sched=sequential&o1.sched.schedulers=polynomial&o1.sched.milestones="),
        ];
        for (schedule, want) in cases {
            let exp = scheduled(schedule.clone());
            let q = encode(&exp).unwrap();
            let sched = q
                .split_once("&o1.sched")
                .map(|(_, s)| format!("o1.sched{s}"))
                .unwrap();
            assert_eq!(sched, want, "{schedule}");
            let back = decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(back.to_json(), exp.to_json(), "{q}");
        }
    }

    #[test]
    fn bad_schedule_keys_in_a_link_name_the_url_key() {
        let base = "fn=booth&start=0,0&steps=20&o1=sgd&o1.lr=0.1&o1.sched=";
        let cases = [
            ("cyclic&o1.sched.base_lr=0.1&o1.sched.max_lr=1&o1.sched.mode=saw", "o1.sched.mode", "must be one of"),
            ("multistep&o1.sched.milestones=5,3", "o1.sched.milestones", "second value must be in increasing order"),
            ("multistep&o1.sched.milestones=1,2,x", "o1.sched.milestones", "must be numbers separated by commas"),
            ("sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10&o1.sched.2.T_max=0",
             "o1.sched.2.T_max", "must be a whole number in [1, 100000], got 0"),
            ("sequential&o1.sched.schedulers=linear,warm&o1.sched.milestones=10",
             "o1.sched.schedulers", "schedule 2: unknown schedule \"warm\""),
            ("sequential&o1.sched.schedulers=linear,plateau&o1.sched.milestones=10",
             "o1.sched.schedulers", "schedule 2: plateau cannot be part of a sequence"),
            ("sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10&o1.sched.2.T_max=9&o1.sched.3.T_max=5",
             "o1.sched.3.T_max", "does not name that many"),
            ("sequential&o1.sched.schedulers=constant,constant,constant&o1.sched.milestones=4,8,9,10",
             "o1.sched.milestones", "one step fewer"),
            ("sequential&o1.sched.schedulers=linear,multistep&o1.sched.milestones=10&o1.sched.2.milestones=4,3",
             "o1.sched.2.milestones", "second value must be in increasing order"),
            ("onecycle&o1.sched.max_lr=1&o1.sched.total_steps=10", "o1.sched.total_steps", "at least the 20 steps"),
        ];
        for (q, field, msg) in cases {
            let q = format!("{base}{q}");
            let e = decode(&q).expect_err(&q);
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
        let e = decode("fn=booth&start=0,0&steps=5&o1=adagrad&o1.lr=0.1&o1.sched=cyclic&o1.sched.base_lr=0.1&o1.sched.max_lr=1")
            .unwrap_err();
        assert_eq!(e.field, "o1.sched.cycle_momentum", "{e}");
    }

    #[test]
    fn a_pair_may_carry_torchs_none() {
        let e =
            decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=null,0.002").unwrap();
        assert_eq!(e.optimizers[0].hyper.auto_pair("eps"), (None, 0.002));
        assert!(encode(&e).unwrap().contains("o1.eps=null,0.002"));
        let e =
            decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=1e-30,0.001").unwrap();
        assert_eq!(e.optimizers[0].hyper.auto_pair("eps"), (Some(1e-30), 0.001));
        let again = decode(&encode(&e).unwrap()).unwrap();
        assert_eq!(again.optimizers[0].hyper, e.optimizers[0].hyper);
        let err = decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=0.1,null")
            .unwrap_err();
        assert!(err.to_string().starts_with("o1.eps"), "{err}");
    }

    #[test]
    fn lbfgs_settings_and_torch_none_round_trip() {
        let q = "fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.max_iter=5&o1.line_search_fn=strong_wolfe";
        let e = decode(q).unwrap();
        let o = &e.optimizers[0];
        assert_eq!(o.hyper.count("max_iter"), Some(5));
        assert_eq!(o.hyper.count("max_eval"), None);
        assert_eq!(o.hyper.choice("line_search_fn"), Some("strong_wolfe"));
        assert_eq!(decode(&encode(&e).unwrap()).unwrap().to_json(), e.to_json());
        let e = decode(
            "fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.max_eval=30&o1.line_search_fn=null",
        )
        .unwrap();
        assert_eq!(e.optimizers[0].hyper.count("max_eval"), Some(30));
        assert_eq!(e.optimizers[0].hyper.choice("line_search_fn"), None);
        let err = decode("fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.line_search_fn=armijo")
            .unwrap_err();
        assert_eq!(err.field, "o1.line_search_fn");
    }

    #[test]
    fn bad_links_name_the_url_key() {
        let cases = [
            ("fn=nope&start=0,0&steps=5", "fn", "unknown function"),
            (
                "fn=quadratic&fn.a=-1&start=0,0&steps=5",
                "fn.a",
                "must be in (0, 1000]",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=-1",
                "o1.lr",
                "must be a finite number >= 0",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=abc",
                "o1.lr",
                "must be a number",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=NaN",
                "o1.lr",
                "must be a finite number, got NaN",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.betas=0.9,1",
                "o1.betas",
                "second value must be in [0, 1)",
            ),
            (
                "fn=booth&start=0,0&steps=5&o2=adam&o2.lr=0.1",
                "o2",
                "o1 is missing",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.sched=warm",
                "o1.sched",
                "unknown schedule",
            ),
            (
                "fn=booth&start=x&steps=5",
                "start",
                "must be a list of two numbers",
            ),
            (
                "fn=booth&start=0,0&steps=5&zoom=3",
                "zoom",
                "unknown URL parameter",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.color=red",
                "o1.color",
                "#rrggbb",
            ),
            (
                "fn=booth&start=0,0&steps=5&view=1,0,0,1",
                "view",
                "max − min",
            ),
        ];
        for (q, field, msg) in cases {
            let e = decode(q).expect_err(q);
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
    }

    #[test]
    fn datasets_sampling_and_stopping_rules_round_trip() {
        let cases = [
            (
                r#"{"function": {"name": "linear_regression", "generate": {"n": 40, "w": 2, "b": -1, "noise": 0.25, "seed": 3, "x": [0, 4]}},
                    "start": [0, 0], "steps": 50, "batch_size": 8, "seed": 12, "accumulate": 2, "l2": 0.01,
                    "stop": {"grad_tol": 0.001, "loss_tol": 1e-8, "window": 5, "max_steps": 40},
                    "optimizers": [{"name": "sgd", "lr": 0.1, "batch_size": "full"}, {"name": "adam", "lr": 0.1, "accumulate": 3}]}"#,
                "fn=linear_regression&data.n=40&data.noise=0.25&data.seed=3&data.x=0,4&start=0,0&steps=50\
                 &accumulate=2&batch_size=8&l2=0.01&seed=12&stop.grad_tol=0.001&stop.loss_tol=0.00000001&stop.max_steps=40&stop.window=5\
                 &o1=sgd&o1.lr=0.1&o1.batch_size=full&o2=adam&o2.lr=0.1&o2.accumulate=3",
            ),
            (
                r#"{"function": {"name": "logistic_regression", "data": {"x": [1, 2.5, -3], "y": [1, 0, 1]}},
                    "start": [0, 0], "steps": 5, "optimizers": []}"#,
                "fn=logistic_regression&data=1,1;2.5,0;-3,1&start=0,0&steps=5",
            ),
            (
                r#"{"function": {"name": "saddle"}, "start": [-1, 0], "steps": 5, "grad_noise": 0.3,
                    "optimizers": [{"name": "sgd", "lr": 0.1, "grad_noise": 0}]}"#,
                "fn=saddle&start=-1,0&steps=5&grad_noise=0.3&o1=sgd&o1.lr=0.1&o1.grad_noise=0",
            ),
        ];
        for (json, want) in cases {
            let exp = Experiment::from_json(json).unwrap();
            let q = encode(&exp).unwrap();
            assert_eq!(q, want);
            assert_eq!(decode(&q).unwrap().to_json(), exp.to_json());
        }
    }

    #[test]
    fn two_feature_datasets_and_standardizing_round_trip() {
        let cases = [
            (
                r#"{"function": {"name": "least_squares_2d", "generate": {"n": 60, "rho": 0.95, "scale": 10, "noise": 0.1, "seed": 3}},
                    "start": [0, 0], "steps": 50, "optimizers": [{"name": "sgd", "lr": 0.01}]}"#,
                "fn=least_squares_2d&data.n=60&data.rho=0.95&data.scale=10&data.noise=0.1&data.seed=3&start=0,0&steps=50&o1=sgd&o1.lr=0.01",
            ),
            (
                r#"{"function": {"name": "least_squares_2d", "generate": {"w1": -2, "w2": 0.25}, "standardize": true},
                    "start": [1, -1], "steps": 20, "batch_size": 10, "optimizers": []}"#,
                "fn=least_squares_2d&data.w1=-2&data.w2=0.25&fn.standardize=true&start=1,-1&steps=20&batch_size=10",
            ),
            (
                r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2.5], [-3, 0.5], [2, 2]], "y": [1, 0, -1.5]}, "standardize": true},
                    "start": [0, 0], "steps": 5, "optimizers": []}"#,
                "fn=least_squares_2d&data=1,2.5,1;-3,0.5,0;2,2,-1.5&fn.standardize=true&start=0,0&steps=5",
            ),
        ];
        for (json, want) in cases {
            let exp = Experiment::from_json(json).unwrap();
            let q = encode(&exp).unwrap();
            assert_eq!(q, want);
            let back = decode(&q).unwrap();
            assert_eq!(back.to_json(), exp.to_json());
            assert_eq!(back.function.data, exp.function.data);
        }
        // The keys may come in any order: the rows are read once fn is known.
        let e = decode("data=1,2,3;4,5,7;0,1,1&fn=least_squares_2d&start=0,0&steps=1").unwrap();
        assert_eq!(e.function.data.unwrap().x2, [2.0, 5.0, 1.0]);
        let bad = [
            (
                "fn=least_squares_2d&data=1,2,3;4,5&start=0,0&steps=1",
                "data",
                "row 2 must be three finite numbers x1,x2,y, got \"4,5\"",
            ),
            (
                "fn=least_squares_2d&data=1,2,3;4,5,2e4&start=0,0&steps=1",
                "data",
                "row 2: must be in [-10000, 10000], got 20000",
            ),
            (
                "fn=least_squares_2d&data=1,2,3;1,5,2&fn.standardize=true&start=0,0&steps=1",
                "fn.standardize",
                "x1 is the same in every row",
            ),
            (
                "fn=linear_regression&fn.standardize=true&start=0,0&steps=1",
                "fn.standardize",
                "unknown key",
            ),
            (
                "fn=least_squares_2d&data.rho=2&start=0,0&steps=1",
                "data.rho",
                "must be in [-1, 1], got 2",
            ),
            (
                "fn=least_squares_2d&data.w=2&start=0,0&steps=1",
                "data.w",
                "unknown key; allowed here: n, rho, scale, w1, w2, noise, seed",
            ),
        ];
        for (q, field, msg) in bad {
            let e = decode(q).unwrap_err();
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
        // A link that loads what it can drops a standardize it cannot apply.
        let (exp, errors) = decode_keeping(
            "fn=least_squares_2d&data=1,2,3;1,5,2&fn.standardize=true&start=0,0&steps=1",
        );
        assert!(!exp.unwrap().function.data.unwrap().standardize);
        assert_eq!(errors[0].field, "fn.standardize");
    }

    #[test]
    fn a_large_given_dataset_cannot_be_linked_and_bad_rows_are_named() {
        let x: Vec<f64> = (0..400).map(|i| i as f64 * 0.123).collect();
        let json = serde_json::json!({"function": {"name": "linear_regression", "data": {"x": x, "y": x}},
            "start": [0, 0], "steps": 5, "optimizers": []});
        let e = encode(&Experiment::from_value(&json).unwrap()).unwrap_err();
        assert_eq!(e.field, "data");
        assert!(
            e.message.starts_with("400 rows are too many for a link"),
            "{e}"
        );
        let cases = [
            (
                "fn=linear_regression&data=1,2;3&start=0,0&steps=1",
                "row 2 must be two finite numbers x,y, got \"3\"",
            ),
            (
                "fn=logistic_regression&data=1,1;2,0;3,7&start=0,0&steps=1",
                "row 3: must be 0 or 1 for logistic regression, got 7",
            ),
            (
                "fn=linear_regression&data=1,1&start=0,0&steps=1",
                "must hold 2 to 5000 values, got 1",
            ),
        ];
        for (q, msg) in cases {
            let e = decode(q).unwrap_err();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("data", msg), "{q}");
        }
        let e = decode("fn=linear_regression&data.n=0&start=0,0&steps=1").unwrap_err();
        assert_eq!(e.field, "data.n");
        let e = decode("fn=booth&start=0,0&steps=1&batch_size=3").unwrap_err();
        assert_eq!(e.field, "batch_size");
        let e = decode("fn=booth&start=0,0&steps=1&stop.grad_tol=-1").unwrap_err();
        assert_eq!(e.field, "stop.grad_tol");
    }

    #[test]
    fn page_keys_are_passed_over() {
        let exp =
            decode("?fn=booth&start=1,2&steps=10&embed=1&utm_source=x&fbclid=y&o1=sgd&o1.lr=0.01")
                .unwrap();
        assert_eq!(exp.start, [1.0, 2.0]);
        assert_eq!(exp.optimizers.len(), 1);
        // play, speed and what is shown are the page's too (it checks their values).
        let exp = decode("?fn=booth&start=1,2&steps=10&play=1&speed=80&chart=lr&arrows=1&inspect=1&o1=sgd&o1.lr=0.01").unwrap();
        assert_eq!(exp.optimizers.len(), 1);
        assert_eq!(
            encode(&exp).unwrap(),
            "fn=booth&start=1,2&steps=10&o1=sgd&o1.lr=0.01"
        );
    }
}

#[cfg(test)]
mod keeping_tests {
    use super::*;

    fn keep(q: &str) -> (Option<Experiment>, Vec<String>) {
        let (e, errs) = decode_keeping(q);
        (e, errs.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn a_link_without_start_begins_where_its_function_would() {
        let e = decode("fn=booth&steps=5&o1=sgd&o1.lr=0.01").unwrap();
        let view = e.plain_surface().unwrap().view();
        assert_eq!(e.start, default_start(view));
        assert_eq!(decode("fn=booth&start=1,1").unwrap().steps, DEFAULT_STEPS);
    }

    #[test]
    fn every_bad_key_is_reported_and_the_rest_kept() {
        let (e, errs) = keep("fn=rosenbrock&o1=sgd&o1.lr=abc&o2=adam&o2.lr=0.05&steps=50");
        let e = e.unwrap_or_else(|| panic!("{errs:?}"));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("o1.lr: "), "{errs:?}");
        assert_eq!(e.function.def.name, "rosenbrock");
        assert_eq!(e.steps, 50);
        // SGD had no valid learning rate: it goes, and Adam moves up.
        assert_eq!(e.optimizers.len(), 1);
        assert_eq!(e.optimizers[0].def.name, "adam");

        let (_, errs) = keep("fn=nope&o1.lr=abc");
        assert!(errs.iter().any(|m| m.starts_with("o1.lr: ")), "{errs:?}");
        let (e, errs) = keep("fn=nope&fn.a=3&o1=sgd&o1.lr=abc&steps=20");
        assert!(
            errs[0].starts_with("fn: unknown function \"nope\""),
            "{errs:?}"
        );
        assert!(errs.iter().any(|m| m.starts_with("o1.lr: ")), "{errs:?}");
        let e = e.unwrap();
        assert_eq!(e.function.def.name, FALLBACK_FUNCTION);
        assert_eq!(e.steps, 20);

        // A formula that does not parse: the default one, its parameters gone.
        let (e, errs) = keep("fn=custom&fn.expr=a*sin(x&fn.a=3&steps=20&o1=adam&o1.lr=0.1");
        assert_eq!(
            errs,
            [
                "fn.a: left out with fn.expr",
                "fn.expr: column 8: expected ')' to close the '(' at column 6"
            ]
        );
        let e = e.unwrap();
        assert_eq!(
            e.function.typed.unwrap().text,
            optiviz_objectives::functions::custom::DEFAULT_EXPR
        );
        assert_eq!((e.steps, e.optimizers.len()), (20, 1));
        let (e, errs) = keep("fn=custom&steps=20");
        assert_eq!(errs, ["fn.expr: is required"]);
        assert!(e.is_some());
        // A + in a link is a space: the message says how to write one.
        let (_, errs) = keep("fn=custom&fn.expr=x+y");
        assert!(errs[0].ends_with("write a plus sign as %2B)"), "{errs:?}");
        assert!(
            errs[0].starts_with("fn.expr: column 3: write x*y for a product"),
            "{errs:?}"
        );
        // Hostile text is a formula error like any other, kept out of the page.
        let (e, errs) = keep("fn=custom&fn.expr=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        assert!(
            errs[0].starts_with("fn.expr: column 1: '<' is not part of a formula"),
            "{errs:?}"
        );
        assert!(e.is_some());
        // A formula for a function that takes none is left out alone.
        let (e, errs) = keep("fn=booth&fn.expr=x&steps=20");
        assert!(errs[0].starts_with("fn.expr: unknown key"), "{errs:?}");
        assert_eq!(e.unwrap().function.def.name, "booth");

        let (e, errs) = keep("fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.betas=0.9,1.5");
        assert_eq!(errs, ["o1.betas: second value must be in [0, 1), got 1.5"]);
        assert_eq!(e.unwrap().optimizers.len(), 1, "only the bad key goes");

        let (e, errs) = keep("fn=booth&start=0,0&steps=5");
        assert!(e.is_some() && errs.is_empty());
    }

    #[test]
    fn a_schedule_missing_a_key_goes_and_its_optimizer_stays() {
        let (e, errs) =
            keep("fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=cosine&o2=adam&o2.lr=0.1");
        assert_eq!(
            errs,
            [
                "o1.sched.T_max: is required",
                "o1.sched: left out, for want of a valid T_max"
            ]
        );
        let e = e.unwrap();
        assert_eq!(e.optimizers.len(), 2);
        assert!(e.optimizers[0].schedule.is_none());

        // An unknown schedule in a sequence takes the sequence with it.
        let (e, errs) = keep(
            "fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=sequential&o1.sched.schedulers=linear,warm\
             &o1.sched.milestones=2&o1.sched.1.start_factor=0.5",
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("o1.sched.schedulers: schedule 2: unknown schedule"),
            "{errs:?}"
        );
        assert!(e.unwrap().optimizers[0].schedule.is_none());

        // A bad key of one schedule in a sequence goes alone.
        let (e, errs) = keep(
            "fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=sequential&o1.sched.schedulers=linear,cosine\
             &o1.sched.milestones=2&o1.sched.1.start_factor=0.5&o1.sched.2.T_max=3&o1.sched.2.eta_min=-1",
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("o1.sched.2.eta_min"), "{errs:?}");
        assert_eq!(
            e.unwrap().optimizers[0].schedule.as_ref().unwrap().name(),
            "sequential"
        );
    }
}

#[cfg(test)]
mod network_links {
    use super::*;

    fn round_trip(v: Value) -> String {
        let exp = Experiment::from_value(&v).unwrap_or_else(|e| panic!("{e}"));
        let q = encode(&exp).unwrap();
        let back = decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(back.to_json(), exp.to_json(), "{q}");
        q
    }

    #[test]
    fn a_network_at_its_defaults_is_a_short_link_without_a_start() {
        let q = round_trip(json!({"function": {"name": "mlp"}, "steps": 50,
            "optimizers": [{"name": "adam", "lr": 0.01}]}));
        assert_eq!(q, "fn=mlp&steps=50&o1=adam&o1.lr=0.01");
    }

    #[test]
    fn every_network_key_round_trips() {
        let q = round_trip(
            json!({"function": {"name": "mlp", "hidden": [16, 4, 4], "activation": "sigmoid",
            "batch_norm": true, "dataset": {"name": "spiral", "n": 120, "noise": 0.2, "seed": 3},
            "init": "normal", "init_std": 2.5, "init_seed": 9, "plane": "random"},
            "steps": 20, "batch_size": 30, "seed": 4, "l2": 0.001,
            "optimizers": [{"name": "sgd", "lr": 0.1, "momentum": 0.9, "clip": {"max_norm": 1}}]}),
        );
        assert!(q.starts_with("fn=mlp&fn.hidden=16,4,4&fn.activation=sigmoid&fn.batch_norm=true&fn.init=normal&fn.init_std=2.5&fn.init_seed=9&fn.plane=random&data.name=spiral&data.n=120&data.noise=0.2&data.seed=3&steps=20"), "{q}");
        // One hidden layer is one number.
        round_trip(
            json!({"function": {"name": "mlp", "hidden": [5]}, "steps": 5, "optimizers": []}),
        );
        // Regression on the plane needs no task key; regression on classes does.
        let q = round_trip(
            json!({"function": {"name": "mlp", "dataset": {"name": "plane"}}, "steps": 5, "optimizers": []}),
        );
        assert!(!q.contains("fn.task"), "{q}");
        let q = round_trip(
            json!({"function": {"name": "mlp", "task": "regression"}, "steps": 5, "optimizers": []}),
        );
        assert!(q.contains("fn.task=regression"), "{q}");
    }

    #[test]
    fn given_rows_and_weights_travel_while_they_are_small() {
        let rows = json!({"x": [[0, 1], [1, 0], [0.5, -0.5]], "y": [1, 0, 1]});
        let weights: Vec<f64> = (0..9).map(|i| i as f64 / 10.0).collect();
        let q = round_trip(
            json!({"function": {"name": "mlp", "hidden": [2], "data": rows, "weights": weights},
            "steps": 5, "optimizers": []}),
        );
        assert!(q.contains("data=0,1,1;1,0,0;0.5,-0.5,1"), "{q}");
        let many: Vec<f64> = (0..(2 * 64 + 64 + 64 * 64 + 64 + 65))
            .map(|i| i as f64 * 0.0123)
            .collect();
        let exp = Experiment::from_value(
            &json!({"function": {"name": "mlp", "hidden": [64, 64], "weights": many},
            "steps": 5, "optimizers": []}),
        )
        .unwrap();
        assert_eq!(encode(&exp).unwrap_err().field, "fn.weights");
    }

    #[test]
    fn bad_network_links_name_their_key() {
        for (q, key) in [
            ("fn=mlp&fn.hidden=0&steps=5", "fn.hidden"),
            ("fn=mlp&fn.hidden=8,100&steps=5", "fn.hidden"),
            ("fn=mlp&fn.activation=gelu&steps=5", "fn.activation"),
            ("fn=mlp&fn.init=zeros&steps=5", "fn.init"),
            ("fn=mlp&data.name=moons&steps=5", "data.name"),
            ("fn=mlp&data.n=1&steps=5", "data.n"),
            ("fn=mlp&data=1,2,3;4,5&steps=5", "data"),
            ("fn=mlp&fn.depth=3&steps=5", "fn.depth"),
            ("fn=mlp&start=1,1&steps=5", "start"),
        ] {
            let e = decode(q).expect_err(q);
            assert_eq!(e.field, key, "{q}: {e}");
        }
    }
}
