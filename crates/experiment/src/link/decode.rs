//! A link read back into an experiment, every bad key named at once.

use crate::experiment::{default_start, Experiment, MAX_OPTIMIZERS};
use crate::link::keys::{classify, experiment_keys, Role};
use crate::link::text::{data_rows, decode_component, is_foreign_key, ordinal, value, view_value};
use optiviz_base::error::{ConfigError, ConfigErrors, Problems};
use optiviz_objectives::functions;
use optiviz_objectives::mlp::MLP;
use optiviz_objectives::objective::Objective;
use optiviz_optim::schedules::{self, KeyKind, MAX_SEQUENCE};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A link's parts: each key (decoded) with its raw and decoded value, the
/// first of each key only; problems with the text itself go to `p`.
pub(crate) fn pairs(query: &str, p: &mut Problems) -> Vec<(String, String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let Some(key) = p.take(decode_component(raw_key, raw_key)) else {
            continue;
        };
        let Some(text) = p.take(decode_component(raw_value, &key)) else {
            continue;
        };
        let count = seen.entry(key.clone()).or_default();
        *count += 1;
        if *count == 2 {
            let first = &out.iter().find(|(k, _, _)| *k == key).expect("seen").2;
            p.push(ConfigError::new(
                key.clone(),
                format!("is given more than once; the first ({first}) is kept"),
            ));
        }
        if *count == 1 {
            out.push((key, raw_value.to_string(), text));
        }
    }
    out
}

/// Reads an experiment from a query string (with or without the leading
/// `?`): the experiment, or every key at fault, each named as the link
/// writes it (`o2.lr: must be a finite number >= 0, got -1`). The page's own
/// keys and the tracking keys links pick up on the way are passed over.
pub fn decode(query: &str) -> Result<Experiment, ConfigErrors> {
    let mut p = Problems::default();
    let pairs = pairs(query, &mut p);
    let (doc, plus_in) = document(&pairs, &mut p);
    let from = Experiment::from_value(&doc);
    // A key already named here is not named again for what its absence did;
    // nor is a start that could not be worked out from a function at fault.
    let mut named: Vec<String> = p.fields();
    if doc.get("start").is_none() {
        named.push("start".into());
    }
    let exp = match from {
        Ok(exp) => Some(exp),
        Err(errors) => {
            for mut e in errors.map(to_query_field) {
                if plus_in.contains(&e.field) {
                    e.message += " (in a link a + stands for a space; write a plus sign as %2B)";
                }
                if !named.contains(&e.field) {
                    p.push(e);
                }
            }
            None
        }
    };
    match exp {
        Some(exp) => p.finish(exp),
        None => Err(p
            .finish(())
            .err()
            .unwrap_or_else(|| ConfigError::new("", "the link holds no experiment").into())),
    }
}

/// The entry of the optimizer held under `key` in the optimizer entry `o`
/// (`base`, `others`), made an object if it was only a name so far.
fn inner_of<'a>(o: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = o.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        // A name, or whatever was given as one (which the reader then names).
        *entry = json!({ "name": entry.take() });
    }
    entry.as_object_mut().expect("made an object above")
}

/// The experiment's JSON from a link's keys, and the keys of the typed
/// formula and rules written with a `+` (which a link reads as a space).
fn document(pairs: &[(String, String, String)], p: &mut Problems) -> (Value, Vec<String>) {
    let mut function = Map::new();
    let mut params = Map::new();
    // The formula and the rules written with a `+`, which a link reads as a space.
    let mut plus_in: Vec<String> = Vec::new();
    let mut generate = Map::new();
    let mut data_text = None;
    let mut top = Map::new();
    // Optimizers by number; each a JSON object under construction.
    let mut opts: BTreeMap<usize, Map<String, Value>> = Default::default();
    // The keys of a sequence's schedules, by optimizer and position (from 1).
    let mut parts: BTreeMap<(usize, usize), Map<String, Value>> = Default::default();
    for (key, raw_value, text) in pairs {
        if is_foreign_key(key) {
            continue;
        }
        let Some(spec) = classify(key) else {
            p.push(ConfigError::new(
                key.clone(),
                format!("unknown URL parameter; allowed: {}", experiment_keys()),
            ));
            continue;
        };
        let rest = key.split_once('.').map(|(_, r)| r);
        let put = |m: &mut Map<String, Value>, k: &str, p: &mut Problems| {
            if let Some(v) = p.take(value(text, key)) {
                m.insert(k.to_string(), v);
            }
        };
        match spec.role {
            Role::Page(_) => {}
            Role::Function => {
                function.insert("name".into(), Value::String(text.clone()));
            }
            Role::Formula => {
                // A `+` typed into a link arrives as a space: say so if it fails.
                if raw_value.contains('+') {
                    plus_in.push(key.clone());
                }
                function.insert("expr".into(), Value::String(text.clone()));
            }
            Role::FormulaView => {
                if let Some(v) = p.take(view_value(text, key)) {
                    function.insert("view".into(), v);
                }
            }
            Role::Standardize => put(&mut function, "standardize", p),
            Role::FunctionKey => put(&mut params, rest.unwrap_or_default(), p),
            Role::Setting => put(&mut top, key, p),
            Role::Stop => {
                let stop = top
                    .entry("stop")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = stop {
                    put(m, rest.unwrap_or_default(), p);
                }
            }
            // Read once the function, and so the number of features, is known.
            Role::Rows => data_text = Some(text.clone()),
            Role::Generate => put(&mut generate, rest.unwrap_or_default(), p),
            Role::View => {
                if let Some(v) = p.take(view_value(text, key)) {
                    top.insert("view".into(), v);
                }
            }
            Role::Optimizer
            | Role::OptimizerKey
            | Role::RuleText
            | Role::RuleNumber
            | Role::InnerKey
            | Role::Clip
            | Role::Schedule
            | Role::ScheduleKey
            | Role::Sequence
            | Role::SequenceKey => {
                let head = key.split('.').next().unwrap_or_default();
                let Some(n) = optimizer_number(head).filter(|n| (1..=MAX_OPTIMIZERS).contains(n))
                else {
                    p.push(ConfigError::new(
                        head,
                        format!("optimizers are numbered o1 to o{MAX_OPTIMIZERS}"),
                    ));
                    continue;
                };
                let o = opts.entry(n).or_default();
                let rest = rest.unwrap_or_default();
                match spec.role {
                    Role::Optimizer => {
                        o.insert("name".into(), Value::String(text.clone()));
                    }
                    Role::Schedule => {
                        schedule_of(o).insert("name".into(), Value::String(text.clone()));
                    }
                    // Text as it is: a rule is never read as a number or a list.
                    Role::RuleText => {
                        if rest == "update" && raw_value.contains('+') {
                            plus_in.push(key.clone());
                        }
                        o.insert(rest.to_string(), Value::String(text.clone()));
                    }
                    Role::RuleNumber => {
                        let (at, k) = rest.split_once('.').expect("hyper.K or state.K");
                        put(inner_of(o, at), k, p);
                    }
                    // Names, not numbers: split once the keys are all read.
                    Role::Sequence => {
                        schedule_of(o).insert("schedulers".into(), Value::String(text.clone()));
                    }
                    Role::ScheduleKey => put(schedule_of(o), &rest["sched.".len()..], p),
                    Role::SequenceKey => {
                        let (i, k) = rest["sched.".len()..].split_once('.').expect("I.K");
                        match i.parse().ok().filter(|i| (1..=MAX_SEQUENCE).contains(i)) {
                            Some(i) => put(parts.entry((n, i)).or_default(), k, p),
                            None => p.push(ConfigError::new(
                                key.clone(),
                                format!("a sequence's schedules are numbered {head}.sched.1 to {head}.sched.{MAX_SEQUENCE}"),
                            )),
                        }
                    }
                    Role::Clip => {
                        let clip = o.entry("clip").or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(c) = clip {
                            put(c, &rest["clip.".len()..], p);
                        }
                    }
                    _ if rest == "color" => {
                        o.insert("color".into(), Value::String(text.clone()));
                    }
                    // `oN.base=sgd` with `oN.base.momentum=…`: one entry.
                    Role::InnerKey => {
                        let (at, k) = rest.split_once('.').expect("W.K");
                        put(inner_of(o, at), k, p);
                    }
                    _ if o.get(rest).is_some_and(Value::is_object) => {
                        inner_of(o, rest).insert("name".into(), Value::String(text.clone()));
                    }
                    _ => put(o, rest, p),
                }
            }
        }
    }
    let network = function.get("name").and_then(Value::as_str) == Some(MLP.name);
    if network {
        // A network's keys are its function's own, its drawn rows `dataset`.
        for (k, v) in params {
            if k == "dataset" || k == "data" {
                // Not keys of a link: a network's rows are data= or data.K.
                p.push(ConfigError::new(
                    format!("fn.{k}"),
                    "is not a key of a link; a network's rows are given as data=x1,x2,y;… or drawn by data.name=…, data.n=…",
                ));
                continue;
            }
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
            if let Some(rows) = p.take(data_rows(&text, 2)) {
                function.insert("data".into(), rows);
            }
        }
    } else {
        if !params.is_empty() {
            function.insert("params".into(), Value::Object(params));
        }
        if let Some(text) = data_text {
            let features = function
                .get("name")
                .and_then(Value::as_str)
                .and_then(functions::lookup)
                .and_then(|d| d.model)
                .map_or(1, |kind| kind.features());
            if let Some(rows) = p.take(data_rows(&text, features)) {
                function.insert("data".into(), rows);
            }
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
    for ((n, i), keys) in parts {
        for k in keys.keys() {
            p.push(ConfigError::new(
                format!("o{n}.sched.{i}.{k}"),
                format!("is a key of schedule {i} of a sequence, but o{n}.sched.schedulers does not name that many"),
            ));
        }
    }
    // Optimizers must be numbered from 1 without gaps, so links stay unambiguous.
    let mut list = Vec::new();
    for (i, (n, o)) in opts.into_iter().enumerate() {
        if n != i + 1 {
            p.push(ConfigError::new(
                format!("o{n}"),
                format!(
                    "optimizers must be numbered o1, o2, … without gaps; o{} is missing",
                    i + 1
                ),
            ));
            break;
        }
        list.push(Value::Object(o));
    }
    doc.insert("optimizers".into(), Value::Array(list));
    if !doc.contains_key("steps") {
        doc.insert("steps".into(), json!(DEFAULT_STEPS));
    }
    if !doc.contains_key("start") && !network {
        if let Some(start) = start_of(&doc) {
            doc.insert("start".into(), json!(start));
        }
    }
    (Value::Object(doc), plus_in)
}

/// Where a link without a start begins: where picking its function would,
/// in its view (or, when the view is at fault, in the function's own).
/// Only the function and the view decide it, whatever else is wrong.
fn start_of(doc: &Map<String, Value>) -> Option<[f64; 2]> {
    let probe = |keys: &[&str]| {
        let mut probe = Map::new();
        for key in keys {
            if let Some(v) = doc.get(*key) {
                probe.insert(key.to_string(), v.clone());
            }
        }
        probe.insert("start".into(), json!([0.0, 0.0]));
        probe.insert("steps".into(), json!(0));
        probe.insert("optimizers".into(), json!([]));
        let e = Experiment::from_value(&Value::Object(probe)).ok()?;
        let view = e.view.or_else(|| e.plain_surface().map(|s| s.view()))?;
        Some(default_start(view))
    };
    probe(&["function", "view"]).or_else(|| probe(&["function"]))
}

/// The steps of a link that gives none.
pub const DEFAULT_STEPS: u32 = 100;

/// The function a link shows when its own is unknown or missing.
pub const FALLBACK_FUNCTION: &str = "rosenbrock";

/// The digits of an optimizer's key `oN`, if `head` is one.
pub(crate) fn optimizer_digits(head: &str) -> Option<&str> {
    head.strip_prefix('o')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `N` of an optimizer's key `oN`.
pub(crate) fn optimizer_number(head: &str) -> Option<usize> {
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
        .and_then(schedules::lookup)
    else {
        return;
    };
    for key in def
        .keys
        .iter()
        .filter(|k| matches!(k.kind, KeyKind::List { .. }))
    {
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

/// Renames an experiment field path to the URL key a user sees, e.g.
/// `optimizers[1].schedule.name` to `o2.sched`, `start[0]` to `start`.
pub(crate) fn to_query_field(mut e: ConfigError) -> ConfigError {
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
