//! Links and experiments, fuzzed. The valid links of the corpus
//! (tests/data/links.json) and the experiments they open are mutated one
//! key or one path at a time (a key dropped, given twice, its value
//! garbled, the key itself misspelt; a JSON field deleted, given a value of
//! another type or out of range), and random queries are made of the keys a
//! link may hold. The link decoder (`link::decode`, and `decode_keeping`,
//! which the page's model opens links with), the page's model itself
//! (`App::open_link`) and the JSON validator (`Experiment::from_value`) must
//! not panic; must name each key or path at fault, and nothing a mutation
//! did not reach; and, for a link, must keep what is valid.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::app::app::{App, Sizes};
use optiviz::app::host::Headless;
use optiviz::base::error::ConfigError;
use optiviz::experiment::link;
use optiviz::Experiment;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The cases a property runs: `n`, or as many times more as
/// `OPTIVIZ_FUZZ` says (`OPTIVIZ_FUZZ=100 cargo test --release --test fuzz`
/// for a long search).
fn cases(n: u32) -> u32 {
    let times: u32 = std::env::var("OPTIVIZ_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    n.saturating_mul(times)
}

/// A link of the corpus: its parts (key, raw value) in order, and the
/// experiment it opens, as JSON.
struct Link {
    parts: Vec<(String, String)>,
    experiment: Value,
}

fn corpus() -> &'static [Link] {
    static CORPUS: OnceLock<Vec<Link>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let doc: Value = serde_json::from_str(include_str!("data/links.json")).unwrap();
        doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Link {
                parts: split(c["link"].as_str().unwrap()),
                experiment: c["experiment"].clone(),
            })
            .collect()
    })
}

/// A query's parts, (key, raw value) in order.
fn split(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn join(parts: &[(String, String)]) -> String {
    parts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether `key` is `head` or lies under it (`o1.sched.T_max` under `o1`).
fn under(key: &str, head: &str) -> bool {
    key == head
        || key
            .strip_prefix(head)
            .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
}

/// An optimizer's key (`o2` of `o2.sched.T_max`), if `key` is one of its.
fn optimizer_of(key: &str) -> Option<&str> {
    let head = key.split('.').next().unwrap();
    let n = head.strip_prefix('o')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(head)
}

/// The keys whose meaning depends on the function: a bad function (or
/// formula) may leave them without one, and say so.
fn depends_on_the_function(field: &str) -> bool {
    let last = field.rsplit('.').next().unwrap();
    under(field, "fn")
        || under(field, "data")
        || matches!(field, "start" | "view" | "steps" | "l2" | "seed")
        || matches!(last, "batch_size" | "accumulate" | "grad_noise")
}

/// Whether a key sets how much work a run is: past the limits, the error
/// names the setting to lower, which may be another of these.
fn sets_the_work(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap();
    matches!(
        key,
        "steps" | "data" | "data.n" | "fn.hidden" | "batch_size"
    ) || (optimizer_of(key).is_some() && matches!(last, "max_iter" | "max_eval" | "history_size"))
}

/// Whether an error at `field` is owed to a fault at the link's key `key`:
/// the key itself, what holds it or what lies under it; any key of the same
/// optimizer (which goes whole without a valid name or learning rate, each
/// of its keys named); for the function's keys, a key whose meaning
/// depends on the function; for a key that sets the work, another (the
/// limit's error names the setting to lower); between the steps and any
/// optimizer's key (a schedule's cycle must last the run; an optimizer's
/// own work counts towards a network's limit, which names the steps).
fn owed_to(field: &str, key: &str) -> bool {
    under(field, key)
        || under(key, field)
        || optimizer_of(key).is_some_and(|o| optimizer_of(field) == Some(o))
        || (of_the_function(key) && depends_on_the_function(field))
        || (sets_the_work(key) && sets_the_work(field))
        || (key == "steps" && optimizer_of(field).is_some())
        || (optimizer_of(key).is_some() && field == "steps")
}

/// Whether a link's key is the function's: its name, keys or data.
fn of_the_function(key: &str) -> bool {
    under(key, "fn") || under(key, "data")
}

/// Whether `field` names something of the query: one of its keys, what
/// holds one, or a key under one (a schedule's required key, `fn.expr` of
/// `fn=custom`); a key every link needs (`fn`, and `start` where the
/// function cannot give one); or one of a question's three keys, which go
/// together, where the query has one of them.
fn named_in(field: &str, parts: &[(String, String)]) -> bool {
    const ASKS: [&str; 3] = ["question", "choices", "answer"];
    matches!(field, "fn" | "start")
        || parts
            .iter()
            .any(|(k, _)| under(k, field) || under(field, k))
        || (ASKS.contains(&field) && parts.iter().any(|(k, _)| ASKS.contains(&k.as_str())))
}

/// Checks what a link's decoders say of `parts`: the same verdict from both,
/// every error with a message and naming something of the query. Returns
/// what `decode_keeping` kept and its errors.
fn decoded(
    parts: &[(String, String)],
) -> Result<(Option<Experiment>, Vec<ConfigError>), TestCaseError> {
    let q = join(parts);
    let direct = link::decode(&q);
    let (kept, errors) = link::decode_keeping(&q);
    match &direct {
        Ok(e) => {
            prop_assert!(errors.is_empty(), "{q}: decodes, yet {errors:?}");
            let k = kept.as_ref().expect("a valid link is kept");
            prop_assert_eq!(k.to_json(), e.to_json(), "{}", q);
        }
        Err(direct) => {
            prop_assert!(
                !errors.is_empty(),
                "{q}: fails ({direct}), yet nothing is named"
            );
            // Every key decode names, decode_keeping names too.
            for e in direct.iter() {
                prop_assert!(
                    errors.iter().any(|k| k.field == e.field),
                    "{q}: decode names {e}, decode_keeping does not: {errors:?}"
                );
            }
        }
    }
    for e in &errors {
        prop_assert!(!e.message.is_empty(), "{q}: {e:?}");
        prop_assert!(
            e.field.is_empty() || named_in(&e.field, parts),
            "{q}: {e} names nothing of the link"
        );
    }
    Ok((kept, errors))
}

/// What a mutation does to one key of a link.
#[derive(Debug, Clone)]
enum Mutation {
    Drop,
    Duplicate(String),
    Garble(String),
    Rename(String),
}

/// Values a link's keys could be given: numbers in and out of range, words,
/// lists, escapes good and bad, and random text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "-1",
            "0.5",
            "3",
            "1e-3",
            "1e400",
            "-1e-300",
            "nan",
            "inf",
            "100000",
            "99999999",
            "abc",
            "true",
            "1,2",
            "1,2,3",
            "-2,2,-1,1",
            "0,0,0,0",
            "adam",
            "sgd",
            "lbfgs",
            "cosine",
            "sequential",
            "linear,cosine",
            "custom",
            "mlp",
            "x%5E2%2By",
            "a*sin(x",
            "%zz",
            "%",
            "%E2%82%AC",
            "+",
            "1;2",
            "relu",
            "xor",
        ])
        .prop_map(String::from),
        "[a-z0-9.,;%+*()^-]{0,10}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Drop),
        value().prop_map(Mutation::Duplicate),
        value().prop_map(Mutation::Garble),
        prop::sample::select(vec![
            "zz",
            "o1.zz",
            "fn.zz",
            "o9",
            "o1.sched.9.T_max",
            "stop.zz",
            "data.zz",
            "o0",
            "o1.clip.zz",
            "utm_source",
            "lesson",
            "chart",
            "o1..lr",
            ".",
            "%zz",
        ])
        .prop_map(|k| Mutation::Rename(k.to_string())),
    ]
}

/// Applies `m` to key `i` of `parts`; returns the key it reached (the new
/// one, for a rename).
fn mutate(parts: &mut Vec<(String, String)>, i: usize, m: &Mutation) -> String {
    let key = parts[i].0.clone();
    match m {
        Mutation::Drop => {
            parts.remove(i);
        }
        Mutation::Duplicate(v) => parts.push((key.clone(), v.clone())),
        Mutation::Garble(v) => parts[i].1 = v.clone(),
        Mutation::Rename(k) => {
            parts[i].0 = k.clone();
            return k.clone();
        }
    }
    key
}

/// The experiment's top-level field a link's key sets.
fn field_of(key: &str) -> &str {
    if of_the_function(key) {
        "function"
    } else if optimizer_of(key).is_some() {
        "optimizers"
    } else {
        key.split('.').next().unwrap()
    }
}

/// Checks that what `decode_keeping` kept of a link whose key `key` (once
/// `old`) alone was changed is the link's experiment in everything the
/// change did not reach: every part no error names stays as it was (and
/// with the function, the start and view it gives by default may change);
/// the optimizers no error names stay, in order.
fn kept_the_rest(original: &Value, kept: &Value, reached: &[&str]) -> Result<(), TestCaseError> {
    let touched: Vec<&str> = reached.iter().map(|k| field_of(k)).collect();
    let function = touched.contains(&"function");
    let fields: Vec<&String> = original
        .as_object()
        .unwrap()
        .keys()
        .chain(kept.as_object().unwrap().keys())
        .collect();
    for f in fields {
        let f = f.as_str();
        if f == "optimizers" || touched.contains(&f) || (function && matches!(f, "start" | "view"))
        {
            continue;
        }
        prop_assert_eq!(&kept[f], &original[f], "{} changed with {:?}", f, reached);
    }
    let numbers: Vec<usize> = reached
        .iter()
        .filter_map(|k| optimizer_of(k))
        .filter_map(|o| o[1..].parse().ok())
        .collect();
    let (orig, got) = (
        original["optimizers"].as_array().unwrap(),
        kept["optimizers"].as_array().unwrap(),
    );
    let others: Vec<&Value> = orig
        .iter()
        .enumerate()
        .filter(|(i, _)| !numbers.contains(&(i + 1)))
        .map(|(_, o)| o)
        .collect();
    let mut rest = got.iter();
    let in_order = others.iter().all(|o| rest.any(|g| g == *o));
    prop_assert!(
        in_order && got.len() <= orig.len(),
        "{reached:?}: the other optimizers changed\n got: {got:?}\nwant: {orig:?}"
    );
    Ok(())
}

/// The JSON of an experiment, as a link's corpus records it.
fn json_of(e: &Experiment) -> Value {
    serde_json::from_str(&e.to_json()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1024)))]

    /// A valid link with one key dropped, given twice, garbled or
    /// misspelt: each bad key named (and only what that key reaches), and
    /// the rest of the experiment kept.
    #[test]
    fn a_mutated_link_names_its_bad_key_and_keeps_the_rest(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        m in mutation(),
    ) {
        let link = which.get(corpus());
        let mut parts = link.parts.clone();
        prop_assume!(!parts.is_empty());
        let i = at.index(parts.len());
        let old = parts[i].0.clone();
        let key = mutate(&mut parts, i, &m);
        let q = join(&parts);
        let (kept, errors) = decoded(&parts)?;
        for e in &errors {
            prop_assert!(
                e.field.is_empty() || owed_to(&e.field, &key) || owed_to(&e.field, &old),
                "{q}: {e} is not owed to {key}"
            );
        }
        let reached: Vec<&str> = [key.as_str(), old.as_str()]
            .into_iter()
            .chain(errors.iter().map(|e| e.field.as_str()))
            .collect();
        let kept = kept.map(|e| json_of(&e));
        // One key at fault leaves something to keep.
        prop_assert!(kept.is_some(), "{q}: nothing kept: {errors:?}");
        let kept = kept.unwrap();
        match &m {
            Mutation::Duplicate(_) => {
                // The first value is kept and the second named: given
                // more than once, or not even readable.
                prop_assert_eq!(&kept, &link.experiment, "{}", q);
                prop_assert_eq!(errors.len(), 1, "{}: {:?}", q, errors);
                prop_assert_eq!(&errors[0].field, &key);
                let m = &errors[0].message;
                prop_assert!(
                    m.contains("more than once") || m.contains("escape") || m.contains("UTF-8"),
                    "{}",
                    errors[0]
                );
            }
            Mutation::Rename(new) => {
                // The new key is named, unless the page or a tracker takes it.
                let passed_over = link::keys::classify(new)
                    .is_some_and(|k| matches!(k.role, link::keys::Role::Page(_)))
                    || new.starts_with("utm_");
                prop_assert!(
                    passed_over || errors.iter().any(|e| e.field == *new || under(new, &e.field)),
                    "{q}: {new} is not named: {errors:?}"
                );
                kept_the_rest(&link.experiment, &kept, &reached)?;
            }
            _ => kept_the_rest(&link.experiment, &kept, &reached)?,
        }
    }

    /// Random queries of the keys a link may hold, and of a few it may not:
    /// no panic, the same verdict from both decoders, every error naming a
    /// key of the query.
    #[test]
    fn a_random_query_gives_errors_naming_its_keys(
        parts in prop::collection::vec((query_key(), value()), 0..12),
    ) {
        let (kept, errors) = decoded(&parts)?;
        if let Some(e) = kept {
            // What is kept is a valid experiment, and a link again.
            let again = link::decode(&link::encode(&e).unwrap()).unwrap();
            prop_assert_eq!(again.to_json(), e.to_json());
        }
        let _ = errors;
        // The page's keys alone, read against no experiment.
        let (_, page_errors) = link::decode_page(&join(&parts), None);
        for e in &page_errors {
            prop_assert!(e.field.is_empty() || named_in(&e.field, &parts), "{e}");
        }
    }
}

/// Keys for random queries: every kind of the link's table, a second
/// optimizer and schedule, the page's keys, and keys no link takes.
fn query_key() -> impl Strategy<Value = String> {
    let mut keys: Vec<String> = [
        "fn",
        "fn.a",
        "fn.b",
        "fn.A",
        "fn.expr",
        "fn.view",
        "fn.standardize",
        "fn.hidden",
        "fn.activation",
        "fn.batch_norm",
        "fn.task",
        "fn.init",
        "fn.init_std",
        "fn.init_seed",
        "fn.plane",
        "fn.dataset",
        "data",
        "data.n",
        "data.w",
        "data.noise",
        "data.seed",
        "data.rho",
        "start",
        "steps",
        "view",
        "batch_size",
        "seed",
        "grad_noise",
        "accumulate",
        "l2",
        "stop.grad_tol",
        "stop.loss_tol",
        "stop.window",
        "stop.max_steps",
        "o1",
        "o1.lr",
        "o1.betas",
        "o1.momentum",
        "o1.nesterov",
        "o1.eps",
        "o1.clip.max_norm",
        "o1.clip.clip_value",
        "o1.sched",
        "o1.sched.T_max",
        "o1.sched.gamma",
        "o1.sched.schedulers",
        "o1.sched.milestones",
        "o1.sched.1.start_factor",
        "o1.sched.2.T_max",
        "o1.color",
        "o1.enabled",
        "o1.batch_size",
        "o2",
        "o2.lr",
        "o3",
        "o3.lr",
        "o12",
        "zz",
        "o1.zz",
        "fn.zz",
        "%zz",
        "o0",
        "utm_source",
    ]
    .iter()
    .map(|k| k.to_string())
    .collect();
    keys.extend(link::keys::page_keys().map(|k| k.key.to_string()));
    prop::sample::select(keys)
}

fn app() -> App<Headless> {
    let mut app = App::new(Headless::default());
    app.resize(
        Sizes {
            plot: (200, 150),
            chart: (200, 80),
            data: (200, 100),
        },
        1.0,
    );
    app
}

/// The links of the corpus the page's model opens quickly: five of its
/// networks train for seconds each in a debug build, and are left out.
fn quick_links() -> &'static [&'static Link] {
    static QUICK: OnceLock<Vec<&'static Link>> = OnceLock::new();
    QUICK.get_or_init(|| {
        corpus()
            .iter()
            .filter(|l| {
                l.experiment["function"]["name"] != "mlp"
                    || l.experiment["steps"].as_u64() <= Some(100)
            })
            .collect()
    })
}

proptest! {
    // Each opening runs the experiment: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(cases(128)))]

    /// The page's model opens a mutated link, with page keys good and bad
    /// among its keys, as the decoder reads it: the same experiment kept,
    /// the decoder's errors and the page keys' among its own, and every
    /// error naming a key of the link.
    #[test]
    fn the_page_model_opens_a_mutated_link_as_the_decoder_reads_it(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        m in mutation(),
        page in prop::collection::vec(
            (prop::sample::select(link::keys::page_keys().map(|k| k.key).collect::<Vec<_>>()), value()),
            0..3,
        ),
    ) {
        let link = *which.get(quick_links());
        let mut parts = link.parts.clone();
        prop_assume!(!parts.is_empty());
        let i = at.index(parts.len());
        mutate(&mut parts, i, &m);
        parts.extend(page.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let q = join(&parts);
        let (kept, errors) = link::decode_keeping(&q);
        let mut app = app();
        let opened = app.open_link(&q);
        prop_assert!(opened.experiment);
        if let Some(kept) = kept {
            prop_assert_eq!(app.experiment().to_json(), kept.to_json(), "{}", q);
        }
        for e in &errors {
            prop_assert!(opened.errors.contains(e), "{q}: {e} not among {:?}", opened.errors);
        }
        for e in &opened.errors {
            prop_assert!(!e.message.is_empty());
            prop_assert!(
                e.field.is_empty() || named_in(&e.field, &parts),
                "{q}: {e} names nothing of the link"
            );
        }
    }
}

/// Every path into `v` (`optimizers[0].betas[1]`), with its JSON pointer.
fn paths(v: &Value, name: &str, pointer: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let n = if name.is_empty() {
                    k.clone()
                } else {
                    format!("{name}.{k}")
                };
                let p = format!("{pointer}/{k}");
                out.push((n.clone(), p.clone()));
                paths(c, &n, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let n = format!("{name}[{i}]");
                let p = format!("{pointer}/{i}");
                out.push((n.clone(), p.clone()));
                paths(c, &n, &p, out);
            }
        }
        _ => {}
    }
}

/// What a mutation does at one path of an experiment.
#[derive(Debug, Clone)]
enum Change {
    Delete,
    /// Another value: of another type, or a number out of range.
    Replace(Value),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Delete),
        prop::sample::select(vec![
            json!("x"),
            json!(""),
            json!(true),
            json!(null),
            json!([]),
            json!([1, 2, 3]),
            json!({}),
            json!({"zz": 1}),
            json!(-1),
            json!(0),
            json!(2.5),
            json!(1e308),
            json!(-1e308),
            json!(1e-300),
            json!(4294967296u64),
        ])
        .prop_map(Change::Replace),
    ]
}

/// The part of an experiment a path lies in: one optimizer, the function,
/// or a top-level key.
fn owner(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("optimizers[") {
        let n = rest.split(']').next().unwrap();
        return format!("optimizers[{n}]");
    }
    path.split(['.', '[']).next().unwrap().to_string()
}

/// Whether an error at `field` is owed to a change at `path`: the path, what
/// holds it or what lies under it; another key of the same optimizer or of
/// the function (keys checked together: momentum with nesterov, x with y, a
/// schedule's epochs with its total steps); or, for a change to the
/// function, a key whose meaning depends on it.
fn owed_to_path(field: &str, path: &str) -> bool {
    let depends = |f: &str| {
        matches!(
            f,
            "start" | "view" | "steps" | "batch_size" | "accumulate" | "l2" | "seed" | "grad_noise"
        ) || (f.starts_with("optimizers[")
            && matches!(
                f.rsplit('.').next(),
                Some("batch_size" | "accumulate" | "grad_noise")
            ))
    };
    under(field, path)
        || under(path, field)
        || owner(field) == owner(path)
        || (owner(path) == "function" && depends(field))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1024)))]

    /// A valid experiment with one path deleted, or given a value of another
    /// type or out of range: errors, never a panic; every error owed to
    /// that path; a value of another type (not null, which stands for a
    /// default) always refused, by its path.
    #[test]
    fn a_mutated_experiment_names_the_path_at_fault(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        c in change(),
    ) {
        let original = &which.get(corpus()).experiment;
        let mut all = Vec::new();
        paths(original, "", "", &mut all);
        let (path, pointer) = at.get(&all).clone();
        let mut v = original.clone();
        let mut other_type = false;
        match &c {
            Change::Delete => {
                let (parent, last) = pointer.rsplit_once('/').unwrap();
                match v.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.remove(last);
                    }
                    // An array's entry: replaced by nothing at all.
                    Some(Value::Array(a)) => {
                        a.remove(last.parse::<usize>().unwrap());
                    }
                    _ => unreachable!(),
                }
            }
            Change::Replace(new) => {
                let old = v.pointer_mut(&pointer).unwrap();
                // (null stands for a default, or torch's None in a pair.)
                other_type = !new.is_null() && !old.is_null() && kind(old) != kind(new);
                *old = new.clone();
            }
        }
        match Experiment::from_value(&v) {
            Ok(e) => {
                prop_assert!(!other_type, "{path} = {} accepted", v.pointer(&pointer).unwrap());
                let again = Experiment::from_json(&e.to_json()).unwrap();
                prop_assert_eq!(again.to_json(), e.to_json());
            }
            Err(errors) => {
                for e in errors.iter() {
                    prop_assert!(!e.message.is_empty());
                    prop_assert!(owed_to_path(&e.field, &path), "{c:?} at {path}: {e}");
                }
                if other_type {
                    prop_assert!(
                        errors.iter().any(|e| under(&path, &e.field) || under(&e.field, &path)),
                        "{c:?} at {path}: not named in {errors}"
                    );
                }
            }
        }
    }
}

/// Cases the fuzzing found (issue 31), each a bad key going alone, named as
/// the link writes it, and the rest kept:
///
/// - an optimizer numbered out of range (`o0`) goes, and those after keep
///   their numbers; a gap in the numbers (`o1`, `o3`) is closed, the later
///   ones read one down and named;
/// - a network's `fn.dataset` is not a key of a link, and is named so;
/// - a link past a limit whose error names a setting the link leaves at its
///   default (`steps=100000&o1=lbfgs`: "o1.history_size") keeps the rest at
///   the default number of steps.
#[test]
fn misnumbered_optimizers_a_networks_dataset_and_a_link_past_a_limit_keep_the_rest() {
    for (q, bad, kept) in [
        ("fn=booth&o0=sgd&o0.lr=0.1&o1=adam&o1.lr=0.1", "o0", 1),
        (
            "fn=booth&o1=sgd&o1.lr=0.1&o3=adam&o3.lr=0.2&o4=adam&o4.lr=0.3",
            "o3",
            2,
        ),
        ("fn=booth&o2=sgd&o2.lr=0.1&o3=adam&o3.lr=0.2", "o2", 1),
        ("fn=mlp&fn.dataset=xor&o1=sgd&o1.lr=0.1", "fn.dataset", 1),
        (
            "fn=himmelblau&start=-1.2,2.5&steps=100000&o1=lbfgs&o1.lr=1",
            "o1.history_size",
            1,
        ),
    ] {
        let parts = split(q);
        let (e, errors) = link::decode_keeping(q);
        assert!(errors.iter().any(|e| e.field == bad), "{q}: {errors:?}");
        for e in &errors {
            assert!(
                named_in(&e.field, &parts),
                "{q}: {e} is not a key of the link"
            );
        }
        let n = e.map_or(0, |e| e.optimizers.len());
        assert!(n >= kept, "{q}: kept {n} optimizers, {errors:?}");
    }
    let (_, errors) = link::decode_keeping("fn=mlp&fn.dataset=xor&data.n=40");
    assert!(
        !errors.is_empty(),
        "fn.dataset=xor is dropped without a word"
    );
}
