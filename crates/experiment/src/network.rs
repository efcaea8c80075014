//! `{"name": "mlp", "hidden": [8, 8], "activation": "tanh", …}`: the function
//! of an MLP experiment, checked key by key.

use crate::experiment::{Batch, Experiment};
use crate::rows::{feature_pairs, numbers};
use optiviz_base::error::{ConfigError, Problems};
use optiviz_base::json::{integer, kind_of, Obj};
use optiviz_base::spec::Range;
use optiviz_objectives::mlp::datasets::Pattern;
use optiviz_objectives::mlp::init::Init;
use optiviz_objectives::mlp::net::{Activation, Architecture, Network, Task};
use optiviz_objectives::mlp::{
    Model, PlaneKind, Rows, MAX_HIDDEN, MAX_PARAMS, MAX_ROWS, MAX_WIDTH,
};
use serde_json::Value;

/// The keys an MLP's function takes.
pub const KEYS: &[&str] = &[
    "name",
    "hidden",
    "activation",
    "batch_norm",
    "task",
    "dataset",
    "data",
    "init",
    "init_std",
    "init_seed",
    "weights",
    "plane",
];

/// The hidden layers when none are given.
pub const DEFAULT_HIDDEN: [usize; 2] = [8, 8];
/// A generated dataset's size, noise and seed when not given.
pub const DEFAULT_ROWS: (u32, f64, u32) = (200, 0.1, 7);
/// `init_std`'s range.
pub const INIT_STD_RANGE: Range = Range::open_closed(0.0, 100.0);
/// A generated dataset's noise range.
pub const NOISE_RANGE: Range = Range::closed(0.0, 10.0);

fn words<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&x| key(x)).collect()
}

/// The task when none is given: regression on the drawn plane or on rows
/// whose y are not all 0 or 1, classification otherwise.
pub fn implied_task(rows: &Rows, y: &[f64]) -> Task {
    let plane = matches!(
        rows,
        Rows::Pattern {
            pattern: Pattern::Plane,
            ..
        }
    );
    if !plane && y.iter().all(|&v| v == 0.0 || v == 1.0) {
        Task::Classification
    } else {
        Task::Regression
    }
}

/// The network, or `None` with every problem of its keys noted.
pub(crate) fn parse_mlp(o: &Obj, p: &mut Problems) -> Option<Model> {
    let before = p.count();
    p.extend(o.unknown(KEYS, &[]));
    let hidden = match o.map.get("hidden") {
        None => Some(DEFAULT_HIDDEN.to_vec()),
        Some(Value::Array(items)) if !(1..=MAX_HIDDEN).contains(&items.len()) => {
            p.push(ConfigError::new(
                o.field("hidden"),
                format!(
                    "must list 1 to {MAX_HIDDEN} hidden layers, got {}",
                    items.len()
                ),
            ));
            None
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                p.take(integer(
                    v,
                    &format!("{}[{i}]", o.field("hidden")),
                    1,
                    MAX_WIDTH as u32,
                ))
                .map(|w| w as usize)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Option<Vec<_>>>(),
        Some(other) => {
            p.push(ConfigError::new(
                o.field("hidden"),
                format!(
                    "must be a list of layer widths such as [8, 8], got {}",
                    kind_of(other)
                ),
            ));
            None
        }
    };
    let activation = p
        .take(o.choice("activation", &words(&Activation::ALL, Activation::key)))
        .flatten()
        .and_then(Activation::parse)
        .unwrap_or(Activation::Tanh);
    let batch_norm = p.take(o.flag("batch_norm")).flatten().unwrap_or(false);
    let rows = parse_rows(o, p);
    let task = p
        .take(o.choice("task", &["classification", "regression"]))
        .flatten()
        .map(|t| Task::parse(t).expect("one of the choices"));
    let init = p
        .take(o.choice("init", &words(&Init::ALL, Init::key)))
        .flatten()
        .and_then(Init::parse)
        .unwrap_or(Init::TorchDefault);
    let init_std = p
        .take(o.num("init_std", INIT_STD_RANGE))
        .flatten()
        .unwrap_or(1.0);
    let init_seed = p
        .take(o.int("init_seed", 0, u32::MAX))
        .flatten()
        .unwrap_or(0);
    let plane = match p.take(o.choice("plane", &["pca", "random"])).flatten() {
        Some("random") => PlaneKind::Random,
        _ => PlaneKind::Pca,
    };
    let weights = o
        .map
        .get("weights")
        .map(|w| p.take(numbers(w, &o.field("weights"))));
    let (Some(hidden), Some((x, y, rows))) = (hidden, rows) else {
        return None;
    };
    let task = task.unwrap_or_else(|| implied_task(&rows, &y));
    if task == Task::Classification {
        if let Rows::Pattern {
            pattern: Pattern::Plane,
            ..
        } = rows
        {
            p.push(ConfigError::new(
                o.field("task"),
                "the plane dataset is for regression: set task to \"regression\", or pick the circle, xor, gauss or spiral dataset",
            ));
        }
        for (i, v) in y.iter().enumerate().filter(|(_, &v)| v != 0.0 && v != 1.0) {
            p.push(ConfigError::new(
                format!("{}.y[{i}]", o.field("data")),
                format!(
                    "must be 0 or 1 for classification, got {v}; or set task to \"regression\""
                ),
            ));
        }
    }
    let net = Network::new(Architecture {
        hidden,
        activation,
        batch_norm,
        task,
    });
    if net.count > MAX_PARAMS {
        p.push(ConfigError::new(
            o.field("hidden"),
            format!(
                "this network has {} parameters; at most {MAX_PARAMS}: use fewer or narrower layers",
                net.count
            ),
        ));
        return None;
    }
    let weights = match weights {
        Some(Some(w)) if w.len() != net.count => {
            p.push(ConfigError::new(
                o.field("weights"),
                format!(
                    "must hold the network's {} parameters (each Linear's weight row by row, then its bias; each batch norm's weight then bias), got {}",
                    net.count,
                    w.len()
                ),
            ));
            None
        }
        Some(w) => w,
        None => None,
    };
    if p.count() != before {
        return None;
    }
    Some(Model::new(
        net,
        (x, y),
        rows,
        (init, init_std, init_seed),
        weights,
        plane,
    ))
}

/// The rows a network learns: drawn (by default) or given.
#[allow(clippy::type_complexity)]
fn parse_rows(o: &Obj, p: &mut Problems) -> Option<(Vec<[f64; 2]>, Vec<f64>, Rows)> {
    match (o.map.get("dataset"), o.map.get("data")) {
        (Some(_), Some(_)) => {
            p.push(ConfigError::new(
                o.field("data"),
                "give either dataset (how to draw the rows) or data (the rows), not both",
            ));
            None
        }
        (None, Some(d)) => {
            let d = p.take(Obj::new(d, &o.field("data")))?;
            let before = p.count();
            p.extend(d.unknown(&["x", "y"], &[]));
            let x = p.take(
                d.required("x")
                    .and_then(|x| feature_pairs(x, &d.field("x"))),
            );
            let y = p.take(d.required("y").and_then(|y| numbers(y, &d.field("y"))));
            let ((x1, x2), y) = (x?, y?);
            if !(2..=MAX_ROWS).contains(&x1.len()) {
                p.push(ConfigError::new(
                    d.field("x"),
                    format!("must hold 2 to {MAX_ROWS} rows, got {}", x1.len()),
                ));
            } else if y.len() != x1.len() {
                p.push(ConfigError::new(
                    d.field("y"),
                    format!(
                        "must hold as many values as x has rows ({}), got {}",
                        x1.len(),
                        y.len()
                    ),
                ));
            }
            let x = x1.into_iter().zip(x2).map(|(a, b)| [a, b]).collect();
            (p.count() == before).then_some((x, y, Rows::Given))
        }
        (Some(g), None) => {
            let g = p.take(Obj::new(g, &o.field("dataset")))?;
            let before = p.count();
            p.extend(g.unknown(&["name", "n", "noise", "seed"], &[]));
            let names = words(&Pattern::ALL, Pattern::key);
            let pattern = p
                .take(g.choice("name", &names))
                .flatten()
                .and_then(Pattern::parse)
                .unwrap_or(Pattern::Circle);
            let (n, noise, seed) = DEFAULT_ROWS;
            let n = p
                .take(g.int("n", 2, MAX_ROWS as u32))
                .flatten()
                .unwrap_or(n);
            let noise = p
                .take(g.num("noise", NOISE_RANGE))
                .flatten()
                .unwrap_or(noise);
            let seed = p.take(g.int("seed", 0, u32::MAX)).flatten().unwrap_or(seed);
            if p.count() != before {
                return None;
            }
            let (x, y) = pattern.draw(n as usize, noise, seed as u64);
            Some((
                x,
                y,
                Rows::Pattern {
                    pattern,
                    n,
                    noise,
                    seed,
                },
            ))
        }
        (None, None) => {
            let (n, noise, seed) = DEFAULT_ROWS;
            let (x, y) = Pattern::Circle.draw(n as usize, noise, seed as u64);
            let rows = Rows::Pattern {
                pattern: Pattern::Circle,
                n,
                noise,
                seed,
            };
            Some((x, y, rows))
        }
    }
}

/// torch's batch norm in training mode refuses a batch of one row ("Expected
/// more than 1 value per channel when training"), so with batch norm no
/// optimizer's batches may hold one row: not a mini-batch of 1, nor the last
/// batch of an epoch (the rows left over).
pub(crate) fn check_batch_norm_batches(exp: &Experiment, model: &Model) -> Result<(), ConfigError> {
    if !model.net.arch.batch_norm {
        return Ok(());
    }
    let n = model.x.len();
    for (i, o) in exp.optimizers.iter().enumerate() {
        let Batch::Size(b) = exp.sampling(i).batch else {
            continue;
        };
        let b = b as usize;
        if b >= n || (b > 1 && n % b != 1) {
            continue;
        }
        let field = match o.batch_size {
            Some(_) => format!("optimizers[{i}].batch_size"),
            None => "batch_size".to_string(),
        };
        let message = if b == 1 {
            "a batch norm in training mode normalizes each batch by its own mean and variance, so it needs at least 2 rows a batch (torch refuses 1): use a batch size of 2 or more, or turn batch_norm off".to_string()
        } else {
            format!(
                "{n} rows in batches of {b} leave a last batch of 1 row each epoch, which a batch norm in training mode cannot normalize (torch refuses it): use a batch size that leaves 0 or at least 2 rows over, such as {}",
                (2..=n)
                    .filter(|c| n % c != 1)
                    .min_by_key(|c| c.abs_diff(b))
                    .unwrap_or(n)
            )
        };
        return Err(ConfigError::new(field, message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_base::error::ConfigErrors;
    use serde_json::json;

    fn parse(v: Value) -> Result<Model, ConfigErrors> {
        let mut p = Problems::default();
        let m = parse_mlp(&Obj::new(&v, "function").unwrap(), &mut p);
        p.finish(m)
            .map(|m| m.expect("a model where nothing was wrong"))
    }

    fn error(v: Value) -> (String, String) {
        let e = parse(v).unwrap_err();
        (e.first().field.clone(), e.first().message.clone())
    }

    #[test]
    fn defaults_are_a_tanh_8_8_net_on_the_circle() {
        let m = parse(json!({"name": "mlp"})).unwrap();
        assert_eq!(m.net.arch.hidden, [8, 8]);
        assert_eq!(m.net.arch.activation, Activation::Tanh);
        assert_eq!(m.net.arch.task, Task::Classification);
        assert_eq!(m.net.count, 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1);
        assert_eq!(m.x.len(), 200);
        assert_eq!(m.init, Init::TorchDefault);
        assert_eq!(m.start.len(), m.net.count);
        assert_eq!(m.plane, PlaneKind::Pca);
        // The plane dataset makes it regression.
        let m = parse(json!({"name": "mlp", "dataset": {"name": "plane"}})).unwrap();
        assert_eq!(m.net.arch.task, Task::Regression);
    }

    #[test]
    fn the_function_json_reads_back_to_the_same_model() {
        for v in [
            json!({"name": "mlp", "hidden": [3, 5, 2], "activation": "relu", "batch_norm": true,
                   "dataset": {"name": "spiral", "n": 60, "noise": 0.05, "seed": 3},
                   "init": "normal", "init_std": 2.5, "init_seed": 9, "plane": "random"}),
            json!({"name": "mlp", "hidden": [2], "task": "regression",
                   "data": {"x": [[0, 1], [1, 0], [2, 2]], "y": [0.5, -1, 3]},
                   "weights": [1, 2, 3, 4, 5, 6, 7, 8, 9]}),
        ] {
            let m = parse(v).unwrap();
            let again = parse(m.function_json()).unwrap();
            assert_eq!(again, m);
        }
    }

    #[test]
    fn bad_networks_and_data_name_the_key() {
        let cases = [
            (
                json!({"name": "mlp", "hidden": []}),
                "function.hidden",
                "1 to 8 hidden layers",
            ),
            (
                json!({"name": "mlp", "hidden": [8, 8, 8, 8, 8, 8, 8, 8, 8]}),
                "function.hidden",
                "got 9",
            ),
            (
                json!({"name": "mlp", "hidden": [8, 65]}),
                "function.hidden[1]",
                "64",
            ),
            (
                json!({"name": "mlp", "hidden": [8, 0]}),
                "function.hidden[1]",
                "",
            ),
            (
                json!({"name": "mlp", "hidden": 8}),
                "function.hidden",
                "a list of layer widths",
            ),
            (
                json!({"name": "mlp", "hidden": [64, 64, 64, 64]}),
                "function.hidden",
                "12737 parameters; at most 10000",
            ),
            (
                json!({"name": "mlp", "activation": "gelu"}),
                "function.activation",
                "\"relu\", \"tanh\", \"sigmoid\"",
            ),
            (
                json!({"name": "mlp", "init": "orthogonal"}),
                "function.init",
                "\"xavier_uniform\"",
            ),
            (
                json!({"name": "mlp", "init_std": 0}),
                "function.init_std",
                "",
            ),
            (
                json!({"name": "mlp", "dataset": {"name": "moons"}}),
                "function.dataset.name",
                "\"spiral\"",
            ),
            (
                json!({"name": "mlp", "dataset": {"n": 5001}}),
                "function.dataset.n",
                "5000",
            ),
            (
                json!({"name": "mlp", "dataset": {"name": "plane"}, "task": "classification"}),
                "function.task",
                "regression",
            ),
            (
                json!({"name": "mlp", "dataset": {}, "data": {"x": [[0, 0], [1, 1]], "y": [0, 1]}}),
                "function.data",
                "not both",
            ),
            (
                json!({"name": "mlp", "data": {"x": [[0, 0], [1, 1]], "y": [0, 2]}, "task": "classification"}),
                "function.data.y[1]",
                "0 or 1",
            ),
            (
                json!({"name": "mlp", "data": {"x": [[0, 0], [1, 1]], "y": [0]}}),
                "function.data.y",
                "as many values",
            ),
            (
                json!({"name": "mlp", "data": {"x": [[0, 0]], "y": [0]}}),
                "function.data.x",
                "2 to 5000 rows",
            ),
            (
                json!({"name": "mlp", "hidden": [2], "weights": [1, 2, 3]}),
                "function.weights",
                "the network's 9 parameters",
            ),
            (
                json!({"name": "mlp", "plane": "best"}),
                "function.plane",
                "\"pca\", \"random\"",
            ),
            (
                json!({"name": "mlp", "layers": [8]}),
                "function.layers",
                "unknown key",
            ),
        ];
        for (v, field, words) in cases {
            let (f, message) = error(v.clone());
            assert_eq!(f, field, "{v}: {message}");
            assert!(message.contains(words), "{v}: {message}");
        }
    }

    #[test]
    fn every_bad_key_of_a_network_is_named_together() {
        let e = parse(
            json!({"name": "mlp", "hidden": [0, 65], "activation": "gelu",
            "dataset": {"name": "moons", "n": 1}, "init_std": 0, "layers": 3}),
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "function.layers",
                "function.hidden[0]",
                "function.hidden[1]",
                "function.activation",
                "function.dataset.name",
                "function.dataset.n",
                "function.init_std"
            ]
        );
    }

    #[test]
    fn a_batch_norm_never_gets_a_batch_of_one_row() {
        let run = |bn: bool, batch: Value, own: Option<Value>| {
            let mut opt = json!({"name": "sgd", "lr": 0.1});
            if let Some(b) = own {
                opt["batch_size"] = b;
            }
            Experiment::from_value(&json!({
                "function": {"name": "mlp", "hidden": [3], "batch_norm": bn, "dataset": {"n": 10}},
                "steps": 3, "batch_size": batch, "optimizers": [opt]}))
        };
        let refused = |batch: Value, own: Option<Value>, field: &str, words: &str| {
            let e = run(true, batch.clone(), own).unwrap_err();
            let e = e.first();
            assert_eq!(e.field, field, "{batch}: {}", e.message);
            assert!(e.message.contains(words), "{batch}: {}", e.message);
        };
        refused(json!(1), None, "batch_size", "at least 2 rows a batch");
        // 10 rows in threes leave one over.
        refused(json!(3), None, "batch_size", "a last batch of 1 row");
        refused(json!(3), None, "batch_size", "such as 2");
        refused(
            json!("full"),
            Some(json!(9)),
            "optimizers[0].batch_size",
            "1 row",
        );
        for b in [json!(2), json!(4), json!(5), json!(10), json!("full")] {
            assert!(run(true, b.clone(), None).is_ok(), "{b}");
        }
        assert!(run(false, json!(1), None).is_ok());
        assert!(run(false, json!(3), None).is_ok());
    }

    #[test]
    fn given_weights_are_the_start_and_the_seed_draws_the_rest() {
        let w: Vec<f64> = (0..9).map(|i| i as f64 / 10.0).collect();
        let m = parse(json!({"name": "mlp", "hidden": [2], "weights": w})).unwrap();
        assert_eq!(m.start, w);
        let a = parse(json!({"name": "mlp", "init_seed": 1})).unwrap();
        let b = parse(json!({"name": "mlp", "init_seed": 2})).unwrap();
        assert!(a.start != b.start);
        assert_eq!(
            a.start,
            parse(json!({"name": "mlp", "init_seed": 1})).unwrap().start
        );
    }
}
