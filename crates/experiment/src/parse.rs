//! The experiment read from JSON and validated, once. A reader goes on past a
//! bad field, so every problem of a document is named together, each at its
//! path (`optimizers[1].betas[0]: must be in [0, 1), got 1.2`).

use crate::experiment::{
    Batch, Experiment, FunctionConfig, OptimizerConfig, Sampling, Stop, DEFAULT_WINDOW, L2_RANGE,
    MAX_ACCUMULATE, MAX_NETWORK_POINTS, MAX_NETWORK_WORK, MAX_OPTIMIZERS, MAX_STATE_VALUES,
    MAX_STEPS, MAX_WORK, MIN_VIEW_SIZE, NETWORK_MADDS_PER_VECTOR_MADD, NOISE_RANGE, OPTIMIZER_KEYS,
    START_RANGE, VECTOR_MADDS_PER_ROW,
};
use crate::network::{check_batch_norm_batches, parse_mlp};
use crate::rows::{feature_pairs, numbers};
use optiviz_base::error::{ConfigError, ConfigErrors, Problems};
use optiviz_base::json::{integer, join, kind_of, number, pair, pair_of, triple, Obj};
use optiviz_base::number::show_number;
use optiviz_base::spec::Range;
use optiviz_expr::rule;
use optiviz_expr::Expr;
use optiviz_objectives::data::{
    Dataset, Generate, Generate2d, ModelKind, GENERATE_2D_SPECS, GENERATE_SPECS, MAX_ROWS,
};
use optiviz_objectives::functions::custom::{self, Typed};
use optiviz_objectives::functions::{self, FunctionDef};
use optiviz_objectives::mlp::{Model, MLP};
use optiviz_objectives::objective::View;
use optiviz_optim::clip::Clip;
use optiviz_optim::schedule::Schedule;
use optiviz_optim::schedules;
use optiviz_optim::typed::{self, Rule};
use optiviz_optim::{
    self as optim, Hyper, HyperKind, HyperValue, Inner, OptimizerDef, Shape, Wraps,
};
use serde_json::Value;
use std::sync::Arc;

/// The experiment's own keys.
pub const EXPERIMENT_KEYS: &[&str] = &[
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
];

impl Experiment {
    /// Parses and validates an experiment from JSON text.
    pub fn from_json(text: &str) -> Result<Experiment, ConfigErrors> {
        Experiment::from_value(&read_json(text)?)
    }

    /// Parses and validates an experiment from a JSON value: the experiment,
    /// or every problem it has.
    pub fn from_value(v: &Value) -> Result<Experiment, ConfigErrors> {
        let o = Obj::new(v, "")?;
        let mut p = Problems::default();
        p.extend(o.unknown(EXPERIMENT_KEYS, &[]));
        let function = p
            .take(o.required("function"))
            .and_then(|f| parse_function(f, "function", &mut p));
        // Whether the function is a network, even one with a problem: a
        // network has no start to ask for.
        let network =
            o.map.get("function").and_then(|f| f.get("name")) == Some(&Value::from(MLP.name));
        // A network starts at its initial weights: (0, 0) on its plane.
        let start = match (network, o.map.get("start")) {
            (true, Some(_)) => {
                p.push(ConfigError::new(
                    "start",
                    "an MLP has no start: it starts at its initial weights (function.init, function.init_seed or function.weights); leave start out",
                ));
                None
            }
            (true, None) => Some([0.0, 0.0]),
            (false, _) => p.take(
                o.required("start")
                    .and_then(|s| pair(s, "start", START_RANGE)),
            ),
        };
        let steps = p.take(
            o.required("steps")
                .and_then(|s| integer(s, "steps", 0, MAX_STEPS)),
        );
        let optimizers = parse_optimizers(&o, steps, &mut p);
        let view = o
            .map
            .get("view")
            .and_then(|v| parse_view(v, "view", &mut p));
        let batch = o
            .map
            .get("batch_size")
            .and_then(|v| p.take(parse_batch(v, "batch_size")));
        let grad_noise = p.take(o.num("grad_noise", NOISE_RANGE)).flatten();
        let accumulate = p
            .take(o.int("accumulate", 1, MAX_ACCUMULATE))
            .flatten()
            .unwrap_or(1);
        let seed = p.take(o.int("seed", 0, u32::MAX)).flatten().unwrap_or(0);
        let l2 = p.take(o.num("l2", L2_RANGE)).flatten().unwrap_or(0.0);
        let stop = o
            .map
            .get("stop")
            .map_or(Some(Stop::default()), |v| parse_stop(v, &mut p));
        if let Some(f) = &function {
            p.take(check_sampling(f, batch, grad_noise, ""));
            for (i, opt) in optimizers.iter().enumerate() {
                if let Some(opt) = opt {
                    let path = format!("optimizers[{i}]");
                    p.take(check_sampling(f, opt.batch_size, opt.grad_noise, &path));
                }
            }
        }
        let optimizers = optimizers.into_iter().collect::<Option<Vec<_>>>();
        let (Some(function), Some(start), Some(steps), Some(stop), Some(optimizers)) =
            (function, start, steps, stop, optimizers)
        else {
            // Every part that is missing has said why.
            return Err(p
                .finish(())
                .err()
                .unwrap_or_else(|| ConfigError::new("", "the experiment is incomplete").into()));
        };
        let exp = Experiment {
            function,
            start,
            steps,
            optimizers,
            view,
            sampling: Sampling {
                batch: batch.unwrap_or(Batch::Full),
                grad_noise: grad_noise.unwrap_or(0.0),
                accumulate,
            },
            seed,
            l2,
            stop,
        };
        // What the whole experiment asks for, once every part is sound.
        let exp = p.finish(exp)?;
        let work = exp.work();
        match &exp.function.mlp {
            Some(model) => {
                check_network_work(&exp, model, work)?;
                check_batch_norm_batches(&exp, model)?;
                // A network's rows too (a formula's are in check_work).
                if work > MAX_WORK {
                    return Err(ConfigError::new(
                        "steps",
                        format!(
                            "this experiment asks for {work:.2e} row evaluations (steps × (rows for the loss + accumulate × batch size), over every optimizer); at most {MAX_WORK:e}: use fewer steps, rows, optimizers or a smaller accumulate"
                        ),
                    )
                    .into());
                }
            }
            None => check_work(&exp, work)?,
        }
        Ok(exp)
    }

    /// Drops batch sizes (the experiment's and each optimizer's) larger than
    /// the rows of the function in `doc`, so changing a dataset keeps the rest
    /// of an experiment; for the page's edits.
    pub fn fit_batches(doc: &mut Value) {
        let mut p = Problems::default();
        let Some(f) = parse_function(&doc["function"], "function", &mut p) else {
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
}

/// The optimizers, each `None` where it is unsound (its problems noted).
fn parse_optimizers(o: &Obj, steps: Option<u32>, p: &mut Problems) -> Vec<Option<OptimizerConfig>> {
    let list = match p.take(o.required("optimizers")) {
        Some(Value::Array(items)) => items,
        Some(other) => {
            p.push(ConfigError::new(
                "optimizers",
                format!("must be a list of optimizers, got {}", kind_of(other)),
            ));
            return vec![None];
        }
        None => return vec![None],
    };
    if list.len() > MAX_OPTIMIZERS {
        p.push(ConfigError::new(
            "optimizers",
            format!(
                "at most {MAX_OPTIMIZERS} optimizers can be compared, got {}",
                list.len()
            ),
        ));
        return vec![None];
    }
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("optimizers[{i}]");
            let opt = parse_optimizer(item, &path, p)?;
            if let (Some(s), Some(steps)) = (&opt.schedule, steps) {
                p.take(check_cycle_length(s, steps, &format!("{path}.schedule")))?;
            }
            Some(opt)
        })
        .collect()
}

/// `f` of a part, and whether it added no problem to `p`.
fn sound<T>(p: &mut Problems, f: impl FnOnce(&mut Problems) -> T) -> (T, bool) {
    let before = p.count();
    let v = f(p);
    let ok = p.count() == before;
    (v, ok)
}

pub(crate) fn parse_function(v: &Value, path: &str, p: &mut Problems) -> Option<FunctionConfig> {
    let o = p.take(Obj::new(v, path))?;
    let name = p.take(o.str("name"))?;
    if name == MLP.name {
        let model = parse_mlp(&o, p)?;
        return Some(FunctionConfig {
            def: &MLP,
            params: Vec::new(),
            data: None,
            typed: None,
            mlp: Some(Arc::new(model)),
        });
    }
    let Some(def) = functions::lookup(name) else {
        p.push(ConfigError::new(
            o.field("name"),
            format!(
                "unknown function \"{name}\"; choose one of {}, {}",
                functions::names(),
                MLP.name
            ),
        ));
        return None;
    };
    if def.name == custom::CUSTOM.name {
        return parse_typed(&o, p);
    }
    if let Some(kind) = def.model {
        return parse_model(&o, def, kind, p);
    }
    p.extend(o.unknown(&["name", "params"], &[]));
    let (params, ok) = sound(p, |p| parse_params(&o, def, p));
    ok.then_some(FunctionConfig {
        def,
        params,
        data: None,
        typed: None,
        mlp: None,
    })
}

/// A formula's parameters, each checked, defaults filled in.
fn parse_params(o: &Obj, def: &FunctionDef, p: &mut Problems) -> Vec<f64> {
    let mut params = def.defaults();
    let Some(pv) = o.map.get("params") else {
        return params;
    };
    let Some(po) = p.take(Obj::new(pv, &o.field("params"))) else {
        return params;
    };
    if def.params.is_empty() {
        for key in po.map.keys() {
            p.push(ConfigError::new(
                po.field(key),
                format!("{} has no parameters", def.name),
            ));
        }
        return params;
    }
    let allowed: Vec<&str> = def.params.iter().map(|s| s.name).collect();
    p.extend(po.unknown(&allowed, &[]));
    for (slot, spec) in params.iter_mut().zip(def.params) {
        if let Some(x) = p.take(po.num(spec.name, spec.range)).flatten() {
            *slot = x;
        }
    }
    params
}

/// A model fitted to data: its rows given or generated, standardized or not.
fn parse_model(
    o: &Obj,
    def: &'static FunctionDef,
    kind: ModelKind,
    p: &mut Problems,
) -> Option<FunctionConfig> {
    let two = kind.features() == 2;
    let keys: &[&str] = if two {
        &["name", "data", "generate", "standardize", "params"]
    } else {
        &["name", "data", "generate", "params"]
    };
    let before = p.count();
    p.extend(o.unknown(keys, &[]));
    if let Some(pv) = o.map.get("params") {
        if let Some(po) = p.take(Obj::new(pv, &o.field("params"))) {
            for key in po.map.keys() {
                p.push(ConfigError::new(
                    po.field(key),
                    format!(
                        "{} has no parameters; its surface comes from data or generate",
                        def.name
                    ),
                ));
            }
        }
    }
    let data = match (o.map.get("data"), o.map.get("generate")) {
        (Some(_), Some(_)) => {
            p.push(ConfigError::new(
                o.field("generate"),
                "give either data (the rows) or generate (how to draw them), not both",
            ));
            None
        }
        (Some(d), None) => parse_data(d, &o.field("data"), kind, p),
        (None, Some(g)) if two => {
            parse_generate_2d(g, &o.field("generate"), p).map(Dataset::generate_2d)
        }
        (None, Some(g)) => {
            parse_generate(g, &o.field("generate"), p).map(|g| Dataset::generate(kind, g))
        }
        (None, None) if two => Some(Dataset::generate_2d(Generate2d::default())),
        (None, None) => Some(Dataset::generate(kind, Generate::default())),
    };
    let standardize = p.take(o.flag("standardize")).flatten() == Some(true);
    let data = match data {
        Some(d) if standardize => p.take(d.standardized().map_err(|feature| {
            ConfigError::new(
                o.field("standardize"),
                format!("{feature} is the same in every row, so it cannot be rescaled to variance 1; leave standardize off or vary {feature}"),
            )
        })),
        d => d,
    };
    let data = data.filter(|_| p.count() == before)?;
    Some(FunctionConfig {
        def,
        params: Vec::new(),
        data: Some(Arc::new(data)),
        typed: None,
        mlp: None,
    })
}

/// `{"name": "custom", "expr": "a*x^2 + y^2", "params": {"a": 2}, "view": {…}}`.
fn parse_typed(o: &Obj, p: &mut Problems) -> Option<FunctionConfig> {
    let before = p.count();
    p.extend(o.unknown(&["name", "expr", "params", "view"], &[]));
    let window = o
        .map
        .get("view")
        .and_then(|v| parse_view(v, &o.field("view"), p));
    let text = p.take(o.str("expr"))?;
    let expr =
        p.take(Expr::parse(text).map_err(|e| ConfigError::new(o.field("expr"), e.to_string())))?;
    let mut values = vec![custom::DEFAULT_PARAM; expr.params().len()];
    if let Some(pv) = o.map.get("params") {
        if let Some(po) = p.take(Obj::new(pv, &o.field("params"))) {
            for key in po.map.keys() {
                if !expr.params().contains(key) {
                    let have = match expr.params() {
                        [] => "the expression has no parameters".to_string(),
                        names => format!("its parameters are {}", names.join(", ")),
                    };
                    p.push(ConfigError::new(
                        po.field(key),
                        format!("is not a parameter of the expression; {have}"),
                    ));
                }
            }
            for (slot, name) in values.iter_mut().zip(expr.params()) {
                if let Some(x) = p.take(po.num(name, Range::any())).flatten() {
                    *slot = x;
                }
            }
        }
    }
    (p.count() == before).then(|| FunctionConfig {
        def: &custom::CUSTOM,
        params: Vec::new(),
        data: None,
        typed: Some(Arc::new(Typed::new(text, expr, values, window))),
        mlp: None,
    })
}

fn parse_data(v: &Value, path: &str, kind: ModelKind, p: &mut Problems) -> Option<Dataset> {
    let o = p.take(Obj::new(v, path))?;
    let before = p.count();
    p.extend(o.unknown(&["x", "y"], &[]));
    let x = p.take(o.required("x").and_then(|x| {
        if kind.features() == 2 {
            feature_pairs(x, &o.field("x"))
        } else {
            numbers(x, &o.field("x")).map(|x| (x, Vec::new()))
        }
    }));
    let y = p.take(o.required("y").and_then(|y| numbers(y, &o.field("y"))));
    let (Some((x, x2)), Some(y)) = (x, y) else {
        return None;
    };
    if !(2..=MAX_ROWS).contains(&x.len()) {
        p.push(ConfigError::new(
            o.field("x"),
            format!("must hold 2 to {MAX_ROWS} values, got {}", x.len()),
        ));
    } else if y.len() != x.len() {
        p.push(ConfigError::new(
            o.field("y"),
            format!(
                "must hold as many values as x ({}), got {}",
                x.len(),
                y.len()
            ),
        ));
    }
    if kind == ModelKind::Logistic {
        for (i, v) in y.iter().enumerate().filter(|(_, &v)| v != 0.0 && v != 1.0) {
            p.push(ConfigError::new(
                format!("{}[{i}]", o.field("y")),
                format!("must be 0 or 1 for logistic regression, got {v}"),
            ));
        }
    }
    (p.count() == before).then(|| {
        if kind.features() == 2 {
            Dataset::given_2d(x, x2, y)
        } else {
            Dataset::given(x, y)
        }
    })
}

/// `{"n", "rho", "scale", "w1", "w2", "noise", "seed"}`, each optional.
fn parse_generate_2d(v: &Value, path: &str, p: &mut Problems) -> Option<Generate2d> {
    let o = p.take(Obj::new(v, path))?;
    let before = p.count();
    let allowed: Vec<&str> = GENERATE_2D_SPECS.iter().map(|s| s.name).collect();
    p.extend(o.unknown(&allowed, &[]));
    let mut g = Generate2d::default();
    let range = |name: &str| {
        GENERATE_2D_SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("a spec")
            .range
    };
    if let Some(n) = p.take(o.int("n", 2, MAX_ROWS as u32)).flatten() {
        g.n = n;
    }
    for (key, slot) in [
        ("rho", &mut g.rho),
        ("scale", &mut g.scale),
        ("w1", &mut g.w1),
        ("w2", &mut g.w2),
        ("noise", &mut g.noise),
    ] {
        if let Some(x) = p.take(o.num(key, range(key))).flatten() {
            *slot = x;
        }
    }
    if let Some(seed) = p.take(o.int("seed", 0, u32::MAX)).flatten() {
        g.seed = seed;
    }
    (p.count() == before).then_some(g)
}

fn parse_generate(v: &Value, path: &str, p: &mut Problems) -> Option<Generate> {
    let o = p.take(Obj::new(v, path))?;
    let before = p.count();
    let mut allowed: Vec<&str> = GENERATE_SPECS.iter().map(|s| s.name).collect();
    allowed.push("x");
    p.extend(o.unknown(&allowed, &[]));
    let mut g = Generate::default();
    let spec = |name: &str| {
        GENERATE_SPECS
            .iter()
            .find(|s| s.name == name)
            .expect("a spec")
    };
    if let Some(n) = p.take(o.int("n", 2, MAX_ROWS as u32)).flatten() {
        g.n = n;
    }
    for (key, slot) in [("w", &mut g.w), ("b", &mut g.b), ("noise", &mut g.noise)] {
        if let Some(x) = p.take(o.num(key, spec(key).range)).flatten() {
            *slot = x;
        }
    }
    if let Some(seed) = p.take(o.int("seed", 0, u32::MAX)).flatten() {
        g.seed = seed;
    }
    if let Some(x) = o.map.get("x") {
        let field = o.field("x");
        if let Some(r) = p.take(pair(x, &field, Range::closed(-1e6, 1e6))) {
            if r[1] <= r[0] {
                p.push(ConfigError::new(
                    field,
                    format!(
                        "must be [min, max] with min < max, got [{}, {}]",
                        r[0], r[1]
                    ),
                ));
            } else {
                g.x_range = r;
            }
        }
    }
    (p.count() == before).then_some(g)
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

fn parse_stop(v: &Value, p: &mut Problems) -> Option<Stop> {
    if v.is_null() {
        return Some(Stop::default());
    }
    let o = p.take(Obj::new(v, "stop"))?;
    let before = p.count();
    p.extend(o.unknown(&["grad_tol", "loss_tol", "window", "max_steps"], &[]));
    let stop = Stop {
        grad_tol: p.take(o.num("grad_tol", Range::above(0.0))).flatten(),
        loss_tol: p.take(o.num("loss_tol", Range::at_least(0.0))).flatten(),
        window: p
            .take(o.int("window", 1, MAX_STEPS))
            .flatten()
            .unwrap_or(DEFAULT_WINDOW),
        max_steps: p.take(o.int("max_steps", 0, MAX_STEPS)).flatten(),
    };
    (p.count() == before).then_some(stop)
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

fn parse_clip(v: &Value, path: &str, p: &mut Problems) -> Option<Option<Clip>> {
    if v.is_null() {
        return Some(None);
    }
    let o = p.take(Obj::new(v, path))?;
    let before = p.count();
    p.extend(o.unknown(&["max_norm", "clip_value"], &[]));
    let positive = Range::above(0.0);
    let max_norm = p.take(o.num("max_norm", positive));
    let clip_value = p.take(o.num("clip_value", positive));
    let clip = match (max_norm, clip_value) {
        (Some(Some(m)), Some(None)) => Some(Clip::MaxNorm(m)),
        (Some(None), Some(Some(c))) => Some(Clip::Value(c)),
        (Some(_), Some(_)) => {
            p.push(ConfigError::new(
                path,
                "must hold exactly one of max_norm (clip by norm) or clip_value (clip each coordinate)",
            ));
            None
        }
        _ => None,
    };
    (p.count() == before).then_some(clip)
}

/// torch keyword arguments that choose how a step is computed (vectorised,
/// fused, graph-capturable, differentiable) but not what it computes; accepted
/// as true/false/null and otherwise ignored.
const IMPLEMENTATION_KEYS: [&str; 4] = ["foreach", "fused", "capturable", "differentiable"];

/// One hyperparameter's value, checked against its spec.
fn hyper_value(spec_kind: HyperKind, raw: &Value, field: &str) -> Result<HyperValue, ConfigError> {
    Ok(match spec_kind {
        HyperKind::Number(range) => HyperValue::Number(number(raw, field, range)?),
        HyperKind::Pair(range) => HyperValue::Pair(pair(raw, field, range)?),
        HyperKind::AutoPair(range) => {
            let (first, second) = pair_of(raw, field, range, true)?;
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
            let n = integer(raw, field, min, max).map_err(|e| match none {
                true => ConfigError::new(
                    e.field,
                    e.message.replacen("], got", "] or null (None), got", 1),
                ),
                false => e,
            })?;
            HyperValue::Count(Some(n))
        }
        HyperKind::Choice(names) => choice(names, true, raw, field)?,
        HyperKind::Word(names) => choice(names, false, raw, field)?,
        HyperKind::Triple(range, _) => HyperValue::Triple(triple(raw, field, range)?),
        HyperKind::MaybeNumber(_, _) if raw.is_null() => HyperValue::MaybeNumber(None),
        HyperKind::MaybeNumber(range, means) => {
            let x = number(raw, field, range).map_err(|e| {
                ConfigError::new(
                    e.field,
                    e.message
                        .replacen(", got", &format!(", or null for {means}, got"), 1),
                )
            })?;
            HyperValue::MaybeNumber(Some(x))
        }
    })
}

/// One of `names`, or with `none` null (torch's None).
fn choice(
    names: &'static [&'static str],
    none: bool,
    raw: &Value,
    field: &str,
) -> Result<HyperValue, ConfigError> {
    match raw {
        Value::Null if none => Ok(HyperValue::Choice(None)),
        Value::String(c) if names.contains(&c.as_str()) => {
            Ok(HyperValue::Choice(names.iter().copied().find(|n| n == c)))
        }
        other => {
            let shown = match other {
                Value::String(c) => format!("\"{c}\""),
                _ => kind_of(other).to_string(),
            };
            let allowed = match none {
                true => format!("null (None) or one of {}", quoted(names)),
                false => format!("one of {}", quoted(names)),
            };
            Err(ConfigError::new(
                field,
                format!("must be {allowed}, got {shown}"),
            ))
        }
    }
}

/// Names written in quotes, one after another: `"a", "b"`.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every hyperparameter of `def` from the entry `o` (torch's defaults where
/// a key is absent), with the optimizer it holds under its [`Wraps::key`];
/// `None` once a problem is recorded.
fn parse_hyper(o: &Obj, def: &'static OptimizerDef, path: &str, p: &mut Problems) -> Option<Hyper> {
    let (mut hyper, ok) = sound(p, |p| {
        let mut hyper = def.defaults();
        for spec in def.hyper {
            if let Some(raw) = o.map.get(spec.name) {
                if let Some(value) = p.take(hyper_value(spec.kind, raw, &o.field(spec.name))) {
                    hyper.values.insert(spec.name, value);
                }
            }
        }
        hyper
    });
    if ok {
        p.take((def.check)(&hyper, path))?;
    }
    if let Some(w) = def.wraps {
        hyper.inner = Some(Box::new(parse_inner(
            o.map.get(w.key),
            &o.field(w.key),
            def,
            w,
            p,
        )?));
    }
    ok.then_some(hyper)
}

/// The optimizer `def` holds under `w.key`: an entry `{"name", "lr", its
/// keys}` or just its name, which may not be one `w` refuses.
fn parse_inner(
    v: Option<&Value>,
    path: &str,
    def: &OptimizerDef,
    w: Wraps,
    p: &mut Problems,
) -> Option<Inner> {
    let named = |name: &str| -> Result<&'static OptimizerDef, ConfigError> {
        let choices = || {
            optim::REGISTRY
                .iter()
                .filter(|d| d.wraps.is_none() && !w.refuses.contains(&d.name))
                .map(|d| d.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match optim::lookup(name) {
            Some(d) if d.wraps.is_some() || w.refuses.contains(&d.name) => Err(ConfigError::new(
                path,
                format!(
                    "{} cannot hold {}: {}; choose one of {}",
                    def.title,
                    d.title,
                    if d.wraps.is_some() {
                        "an optimizer that holds another cannot be held"
                    } else {
                        w.refusal
                    },
                    choices()
                ),
            )),
            Some(d) => Ok(d),
            None => Err(ConfigError::new(
                path,
                format!("unknown optimizer \"{name}\"; choose one of {}", choices()),
            )),
        }
    };
    let needs = || {
        ConfigError::new(
            path,
            format!(
                "{} needs the optimizer it {}, e.g. {{\"name\": \"sgd\", \"lr\": 0.01}}",
                def.title, w.doc
            ),
        )
    };
    match v {
        None | Some(Value::Null) => match w.default {
            Some((name, lr)) => {
                let def = optim::lookup(name).expect("a default inner optimizer is registered");
                let lr = (!w.shares_lr).then_some(lr);
                Some(Inner {
                    def,
                    lr,
                    hyper: def.defaults(),
                })
            }
            None => {
                p.push(needs());
                None
            }
        },
        Some(Value::String(name)) => {
            let d = p.take(named(name))?;
            let lr = (!w.shares_lr).then_some(d.default_lr);
            Some(Inner {
                def: d,
                lr,
                hyper: d.defaults(),
            })
        }
        Some(v) => {
            let o = p.take(Obj::new(v, path))?;
            let name = p.take(o.str("name"))?;
            let d =
                p.take(named(name).map_err(|e| ConfigError::new(o.field("name"), e.message)))?;
            let mut allowed = vec!["name", "lr"];
            allowed.extend(d.hyper.iter().map(|h| h.name));
            let before = p.count();
            p.extend(o.unknown(&allowed, &IMPLEMENTATION_KEYS));
            let lr = match o.map.get("lr") {
                None => Some(d.default_lr),
                Some(v) => p.take(number(v, &o.field("lr"), optim::LR_RANGE)),
            };
            let hyper = parse_hyper(&o, d, path, p);
            let lr = (!w.shares_lr).then_some(lr?);
            (p.count() == before).then_some(Inner {
                def: d,
                lr,
                hyper: hyper?,
            })
        }
    }
}

/// A typed rule's own keys, in the order a reader looks for them.
pub(crate) const RULE_KEYS: [&str; 4] = ["label", "hyper", "state", "update"];

/// The longest label a typed rule may carry.
pub const MAX_LABEL: usize = 60;

/// A typed rule's label, named numbers, state and update, each problem
/// at its path (`optimizers[0].hyper.mu`, `optimizers[0].update`).
fn parse_rule(o: &Obj, p: &mut Problems) -> Option<Rule> {
    let before = p.count();
    let label = match o.map.get("label") {
        None | Some(Value::Null) => None,
        Some(Value::String(s))
            if !s.trim().is_empty()
                && s.chars().count() <= MAX_LABEL
                && !s
                    .chars()
                    .any(|c| c.is_control() || ('\u{fffe}'..='\u{ffff}').contains(&c)) =>
        {
            Some(s.trim().to_string())
        }
        Some(other) => {
            p.push(ConfigError::new(
                o.field("label"),
                format!(
                    "must be a name of 1 to {MAX_LABEL} characters, got {}",
                    match other {
                        Value::String(s) if s.trim().is_empty() => "an empty text".to_string(),
                        Value::String(s) if s.chars().count() <= MAX_LABEL => {
                            "a text with a line break, a tab or another character that is not shown"
                                .to_string()
                        }
                        Value::String(s) => format!("{} characters", s.chars().count()),
                        _ => kind_of(other).to_string(),
                    }
                ),
            ));
            None
        }
    };
    let names = |key: &str, what: &str, p: &mut Problems| -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let Some(v) = o.map.get(key).filter(|v| !v.is_null()) else {
            return out;
        };
        let Some(m) = p.take(Obj::new(v, &o.field(key))) else {
            return out;
        };
        for (name, value) in m.map {
            let field = m.field(name);
            if let Some(problem) = rule::name_problem(name) {
                p.push(ConfigError::new(field, problem));
                continue;
            }
            if let Some(x) = p.take(number(value, &field, Range::any())) {
                out.push((name.clone(), x));
            }
        }
        if out.len() > rule::MAX_NAMES {
            p.push(ConfigError::new(
                o.field(key),
                format!("declares {} {what}; at most {}", out.len(), rule::MAX_NAMES),
            ));
        }
        out
    };
    let hyper = names("hyper", "numbers", p);
    let state = names("state", "state variables", p);
    for (name, _) in &state {
        if hyper.iter().any(|(h, _)| h == name) {
            p.push(ConfigError::new(
                join(&o.field("state"), name),
                "is also a number under hyper; a name is either a number of the rule or a state variable",
            ));
        }
    }
    let update = match o.map.get("update") {
        Some(Value::String(s)) => Some(s.as_str()),
        None | Some(Value::Null) => {
            p.push(ConfigError::new(
                o.field("update"),
                "is missing; write the update, one assignment per line, such as \"v = mu*v + g\\ntheta = theta - lr*v\"",
            ));
            None
        }
        Some(other) => {
            p.push(ConfigError::new(
                o.field("update"),
                format!("must be the rule as text, got {}", kind_of(other)),
            ));
            None
        }
    };
    if p.count() != before {
        return None;
    }
    p.take(
        Rule::new(label, update?, hyper, state)
            .map_err(|e| ConfigError::new(o.field("update"), e.to_string())),
    )
}

fn parse_optimizer(v: &Value, path: &str, p: &mut Problems) -> Option<OptimizerConfig> {
    let o = p.take(Obj::new(v, path))?;
    let name = p.take(o.str("name"))?;
    let Some(def) = optim::lookup(name) else {
        p.push(ConfigError::new(
            o.field("name"),
            format!(
                "unknown optimizer \"{name}\"; choose one of {}",
                optim::names()
            ),
        ));
        return None;
    };
    let before = p.count();
    // As a reader would look for them: the learning rate, its own
    // hyperparameters, then the rest.
    let mut allowed = vec!["name", OPTIMIZER_KEYS[0]];
    allowed.extend(def.hyper.iter().map(|h| h.name));
    allowed.extend(def.wraps.map(|w| w.key));
    if def.name == typed::NAME {
        allowed.extend(RULE_KEYS);
    }
    allowed.extend(&OPTIMIZER_KEYS[1..]);
    p.extend(o.unknown(&allowed, &IMPLEMENTATION_KEYS));
    let lr = p.take(own_lr(&o, def));
    let mut hyper = parse_hyper(&o, def, path, p);
    if def.name == typed::NAME {
        let typed = parse_rule(&o, p);
        hyper = hyper.zip(typed).map(|(mut h, r)| {
            h.rule = Some(Arc::new(r));
            h
        });
    }
    let clip = o
        .map
        .get("clip")
        .map_or(Some(None), |c| parse_clip(c, &o.field("clip"), p));
    let schedule = match o.map.get("schedule") {
        Some(s) => p.take_all(schedules::parse(s, &o.field("schedule"))),
        None => Some(None),
    };
    if let Some(Some(s)) = &schedule {
        p.take(check_cycled_momentum(
            s,
            def,
            hyper.as_ref(),
            &o.field("schedule"),
        ));
    }
    let color = match o.map.get("color") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if is_hex_color(c) => Some(c.to_ascii_lowercase()),
        Some(other) => {
            p.push(ConfigError::new(
                o.field("color"),
                format!(
                    "must be a colour written #rrggbb, got {}",
                    match other {
                        Value::String(s) => format!("\"{s}\""),
                        _ => kind_of(other).to_string(),
                    }
                ),
            ));
            None
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
    let enabled = p.take(flag("enabled", true)).unwrap_or(true);
    let maximize = p.take(flag("maximize", false)).unwrap_or(false);
    for key in IMPLEMENTATION_KEYS {
        p.take(flag(key, false));
    }
    // null means "not set": the experiment's batch size applies.
    let batch_size = o
        .map
        .get("batch_size")
        .filter(|v| !v.is_null())
        .and_then(|v| p.take(parse_batch(v, &o.field("batch_size"))));
    let grad_noise = p.take(o.num("grad_noise", NOISE_RANGE)).flatten();
    let accumulate = p.take(o.int("accumulate", 1, MAX_ACCUMULATE)).flatten();
    if p.count() != before {
        return None;
    }
    Some(OptimizerConfig {
        def,
        lr: lr?,
        hyper: hyper?,
        clip: clip?,
        schedule: schedule?,
        color,
        enabled,
        maximize,
        batch_size,
        grad_noise,
        accumulate,
    })
}

/// The learning rate of the entry `o`. An optimizer that steps its base at
/// the run's rate (SAM, Lookahead) takes it as `lr` or as its base's `lr`,
/// not as two different numbers.
fn own_lr(o: &Obj, def: &OptimizerDef) -> Result<f64, ConfigError> {
    let Some(w) = def.wraps.filter(|w| w.shares_lr) else {
        return o
            .required("lr")
            .and_then(|v| number(v, &o.field("lr"), optim::LR_RANGE));
    };
    let top = o
        .map
        .get("lr")
        .map(|v| number(v, &o.field("lr"), optim::LR_RANGE))
        .transpose()?;
    let base_lr = o
        .map
        .get(w.key)
        .and_then(|b| b.get("lr"))
        .and_then(Value::as_f64);
    match (top, base_lr) {
        (Some(a), Some(b)) if a != b => Err(ConfigError::new(
            o.field("lr"),
            format!(
                "is {} but {}.lr is {}: {} steps its base at one rate; give it once",
                show_number(a),
                w.key,
                show_number(b),
                def.title
            ),
        )),
        (Some(lr), _) | (None, Some(lr)) => Ok(lr),
        // Neither: the base's own default (a bad base is named where it is read).
        (None, None) => {
            let name = o.map.get(w.key).and_then(|b| b.get("name").or(Some(b)));
            Ok(name
                .and_then(Value::as_str)
                .and_then(optim::lookup)
                .map_or(def.default_lr, |d| d.default_lr))
        }
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A window `{"x": [min, max], "y": [min, max]}`; `None` (and its problems
/// noted) when it is unsound, or when it is null (the function's own).
pub(crate) fn parse_view(v: &Value, path: &str, p: &mut Problems) -> Option<View> {
    if v.is_null() {
        return None;
    }
    let o = p.take(Obj::new(v, path))?;
    let before = p.count();
    p.extend(o.unknown(&["x", "y"], &[]));
    let mut axes = [[0.0; 2]; 2];
    for (axis, key) in axes.iter_mut().zip(["x", "y"]) {
        let field = o.field(key);
        let Some(a) = p.take(o.required(key).and_then(|v| pair(v, &field, START_RANGE))) else {
            continue;
        };
        if a[1] - a[0] < MIN_VIEW_SIZE {
            p.push(ConfigError::new(
                field,
                format!(
                    "must be [min, max] with max − min >= {MIN_VIEW_SIZE}, got [{}, {}]",
                    a[0], a[1]
                ),
            ));
        }
        *axis = a;
    }
    (p.count() == before).then_some(View {
        x: axes[0],
        y: axes[1],
    })
}

/// Refuses a schedule that cycles the momentum of an optimizer without one,
/// as torch's CyclicLR and OneCycleLR do (they look for `momentum` or
/// `betas` among the optimizer's keywords).
fn check_cycled_momentum(
    s: &Schedule,
    def: &OptimizerDef,
    hyper: Option<&Hyper>,
    path: &str,
) -> Result<(), ConfigError> {
    let (cycles, lowest) = match s {
        Schedule::Cyclic(c) => (c.cycle_momentum, c.base_momentum.min(c.max_momentum)),
        Schedule::OneCycle(o) => (o.cycle_momentum, o.base_momentum.min(o.max_momentum)),
        Schedule::Sequential { schedulers, .. } => {
            for (i, s) in schedulers.iter().enumerate() {
                check_cycled_momentum(s, def, hyper, &format!("{path}.schedulers[{i}]"))?;
            }
            (false, f64::INFINITY)
        }
        _ => (false, f64::INFINITY),
    };
    // The schedule-free optimizers' averaged iterate divides by β₁ (or the
    // momentum): a cycle may not take it to 0.
    let divides = |d: &OptimizerDef| d.name.starts_with("schedulefree");
    let inner_divides = hyper
        .and_then(|h| h.inner.as_ref())
        .is_some_and(|i| divides(i.def));
    if cycles && lowest <= 0.0 && (divides(def) || inner_divides) {
        return Err(ConfigError::new(
            format!("{path}.base_momentum"),
            "must be > 0 here, as max_momentum must: the averaged iterate of a schedule-free optimizer divides by its momentum",
        ));
    }
    // SAM and Lookahead pass the momentum on to their base.
    let inner = hyper.and_then(|h| h.inner.as_ref());
    if cycles && !def.has_momentum() && !inner.is_some_and(|i| i.def.has_momentum()) {
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

/// `work`: the experiment's row evaluations ([`Experiment::work`]).
/// A formula's or a data model's work: its row evaluations, and the
/// optimizers' own arithmetic at two parameters (L-BFGS's history) in row
/// evaluations' time.
fn check_work(exp: &Experiment, rows: f64) -> Result<(), ConfigError> {
    let own: Vec<f64> = exp
        .optimizer_work(&[Shape::Vector(2)])
        .iter()
        .map(|w| w / VECTOR_MADDS_PER_ROW)
        .collect();
    let work = rows + own.iter().sum::<f64>();
    if work <= MAX_WORK {
        return check_state(exp);
    }
    match heaviest_history(exp, &own, work) {
        Some(key) => Err(ConfigError::new(
            key,
            format!(
                "L-BFGS's history makes this experiment as long as {work:.2e} row evaluations (steps × max_iter × history_size, with the evaluations); at most {MAX_WORK:e}: use a smaller history_size or max_iter, or fewer steps"
            ),
        )),
        None => Err(ConfigError::new(
            "steps",
            format!(
                "this experiment asks for {work:.2e} row evaluations (steps × (rows for the loss + accumulate × batch size), over every optimizer, with the optimizers' own work); at most {MAX_WORK:e}: use fewer steps, rows, optimizers or a smaller accumulate"
            ),
        )),
    }
}

/// The state a formula's or a data model's runs keep at every step when it
/// is recorded (the inspector, the arrows, the JSON download, `--state`).
fn check_state(exp: &Experiment) -> Result<(), ConfigError> {
    let states: Vec<f64> = exp
        .optimizer_states(&[Shape::Vector(2)])
        .iter()
        .map(|s| s * (exp.steps as f64 + 1.0))
        .collect();
    let kept = states.iter().sum::<f64>();
    if kept > MAX_STATE_VALUES {
        let key = heaviest_history(exp, &states, kept).unwrap_or_else(|| "steps".into());
        return Err(ConfigError::new(
            key,
            format!(
                "the runs' state at every step (which the inspector, the arrows and the JSON download keep) would hold {kept:.2e} numbers, at most {MAX_STATE_VALUES:e}: use fewer steps or optimizers, or a smaller history_size for L-BFGS"
            ),
        ));
    }
    Ok(())
}

/// The history_size of the optimizer whose own work is most of `total`,
/// when one is: the setting to lower.
fn heaviest_history(exp: &Experiment, own: &[f64], total: f64) -> Option<String> {
    let (i, w) = own.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    let o = &exp.optimizers[i];
    (*w > total / 2.0 && o.def.hyper.iter().any(|h| h.name == "history_size"))
        .then(|| format!("optimizers[{i}].history_size"))
}

fn check_network_work(exp: &Experiment, model: &Model, work: f64) -> Result<(), ConfigError> {
    let count = model.net.count as f64;
    // An optimizer with extra points (schedule-free, SAM, Lookahead) keeps
    // the parameters at each of them too, twice while they are placed.
    let series = exp
        .optimizers
        .iter()
        .filter(|o| o.def.series.is_some())
        .count() as f64;
    let kept = (exp.steps as f64 + 1.0) * count * (exp.optimizers.len() as f64 + 2.0 * series)
        + exp
            .optimizer_states(&model.net.shapes())
            .iter()
            .sum::<f64>();
    if kept > MAX_NETWORK_POINTS {
        return Err(ConfigError::new(
            "steps",
            format!(
                "every run keeps its {} parameters at each of its {} points, and its optimizer's state (L-BFGS's history): {kept:.2e} values in all, at most {MAX_NETWORK_POINTS:e}; use fewer steps, optimizers, a smaller history_size or a smaller network",
                model.net.count,
                exp.steps + 1
            ),
        ));
    }
    let own: Vec<f64> = exp
        .optimizer_work(&model.net.shapes())
        .iter()
        .map(|w| w * NETWORK_MADDS_PER_VECTOR_MADD)
        .collect();
    let work = work * 3.0 * count + own.iter().sum::<f64>();
    if work > MAX_NETWORK_WORK {
        let message = format!(
            "training asks for about {work:.2e} multiply-adds (rows evaluated × 3 per parameter, and the optimizers' own work over the parameters); at most {MAX_NETWORK_WORK:e}"
        );
        return Err(match heaviest_history(exp, &own, work) {
            Some(key) => ConfigError::new(
                key,
                format!("{message}: L-BFGS's history takes most of it; use a smaller history_size or max_iter, fewer steps or a smaller network"),
            ),
            None => ConfigError::new(
                "steps",
                format!("{message}: use fewer steps, rows, optimizers, or a smaller network or batch"),
            ),
        });
    }
    Ok(())
}

/// JSON text as a value, or where and why it is not JSON: the one reader of
/// JSON text (the page's bindings read what the page hands over with it).
pub fn read_json(text: &str) -> Result<Value, ConfigError> {
    serde_json::from_str(text).map_err(|e| {
        ConfigError::new(
            "",
            format!(
                "not valid JSON (line {}, column {}): {}",
                e.line(),
                e.column(),
                json_reason(&e)
            ),
        )
    })
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
    ) -> Result<Experiment, ConfigErrors> {
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
            assert_eq!(e.len(), 1, "{schedule}: {e}");
            let e = e.first();
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
    #[test]
    fn etas_must_straddle_one() {
        let json = |etas: &str| {
            format!(
                r#"{{"function": {{"name": "booth"}}, "start": [0, 0], "steps": 5,
                    "optimizers": [{{"name": "rprop", "lr": 0.1, "etas": {etas}}}]}}"#
            )
        };
        let err = Experiment::from_json(&json("[1.2, 0.5]"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "optimizers[0].etas: must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus"
            ),
            "{err}"
        );
        let err = Experiment::from_json(&json("[0, 1.2]"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("optimizers[0].etas"), "{err}");
        assert!(Experiment::from_json(&json("[0.4, 1.3]")).is_ok());
    }

    #[test]
    fn held_optimizers_and_the_new_kinds_of_keys_are_checked() {
        let problems = |optimizer: serde_json::Value| -> Vec<String> {
            let doc = serde_json::json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 5,
                                         "optimizers": [optimizer]});
            match Experiment::from_value(&doc) {
                Ok(_) => Vec::new(),
                Err(e) => e
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect(),
            }
        };
        let one = |optimizer| problems(optimizer).join("; ");
        assert!(one(serde_json::json!({"name": "sam", "lr": 0.1}))
            .starts_with("optimizers[0].base: SAM needs the optimizer it steps with"));
        assert!(one(serde_json::json!({"name": "lookahead", "base": {"name": "lbfgs"}}))
            .starts_with("optimizers[0].base.name: Lookahead cannot hold L-BFGS: it needs a closure of its own; choose one of sgd,"));
        assert!(one(serde_json::json!({"name": "sam", "base": "sam"}))
            .contains("SAM cannot hold SAM: an optimizer that holds another cannot be held"));
        assert_eq!(
            one(serde_json::json!({"name": "sam", "lr": 0.1, "base": {"name": "sgd", "lr": 0.2}})),
            "optimizers[0].lr: is 0.1 but base.lr is 0.2: SAM steps its base at one rate; give it once"
        );
        // The rate may be given either way, or be the base's default.
        for sam in [
            serde_json::json!({"name": "sam", "lr": 0.1, "base": "sgd"}),
            serde_json::json!({"name": "sam", "base": {"name": "sgd", "lr": 0.1}}),
        ] {
            let doc = serde_json::json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [sam]});
            assert_eq!(Experiment::from_value(&doc).unwrap().optimizers[0].lr, 0.1);
        }
        assert_eq!(
            one(serde_json::json!({"name": "muon", "lr": 0.1, "others": {"name": "adam", "lr": -1, "betas": [0.9]}})),
            "optimizers[0].others.lr: must be a finite number >= 0, got -1; optimizers[0].others.betas: must be a list of two numbers, each in [0, 1), got a list of 1"
        );
        assert_eq!(
            one(serde_json::json!({"name": "ademamix", "lr": 0.1, "betas": [0.9, 0.99]})),
            "optimizers[0].betas: must be a list of three numbers, each in [0, 1], got a list of 2"
        );
        assert!(
            one(serde_json::json!({"name": "prodigy", "lr": 1, "beta3": "x"}))
                .starts_with("optimizers[0].beta3: must be a number (in [0, 1]), or null for")
        );
        assert_eq!(
            one(serde_json::json!({"name": "lookahead", "base": "sgd", "pullback_momentum": null})),
            "optimizers[0].pullback_momentum: must be one of \"none\", \"reset\", \"pullback\", got null"
        );
        assert!(
            one(serde_json::json!({"name": "adam", "lr": 0.1, "base": "sgd"}))
                .starts_with("optimizers[0].base: unknown key")
        );
        // A cycle may not take a schedule-free optimizer's momentum to 0.
        assert!(one(serde_json::json!({"name": "schedulefree_sgd", "lr": 0.01,
            "schedule": {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "base_momentum": 0, "max_momentum": 0.5}}))
        .starts_with("optimizers[0].schedule.base_momentum: must be > 0 here"));
    }

    #[test]
    fn every_bad_field_of_a_document_is_named_together() {
        let e = Experiment::from_value(&serde_json::json!({
        "function": {"name": "rosenbrock", "params": {"a": "x", "z": 1}},
        "start": [1e9, 0], "steps": -1, "colour": "red",
        "view": {"x": [0, 0], "y": [1]},
        "optimizers": [
            {"name": "adam", "lr": -1, "betas": [0.9, 2], "amsgrad": 3},
            {"name": "nope", "lr": 0.1},
            {"name": "sgd", "lr": 0.1, "schedule": {"name": "step"}, "clip": {"max_norm": 0}}
        ]}))
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "colour",
                "function.params.z",
                "function.params.a",
                "start[0]",
                "steps",
                "optimizers[0].lr",
                "optimizers[0].betas[1]",
                "optimizers[0].amsgrad",
                "optimizers[1].name",
                "optimizers[2].clip.max_norm",
                "optimizers[2].schedule.step_size",
                "view.x",
                "view.y",
            ],
            "{e}"
        );
        // The CLI's one line names them all, the first first.
        assert!(
            e.to_string()
                .starts_with("colour: unknown key; allowed here: function, start"),
            "{e}"
        );
    }

    #[test]
    fn a_valid_document_has_no_problem_and_json_errors_say_where() {
        let e = Experiment::from_json("{\"function\": }").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e.first()
                .message
                .starts_with("not valid JSON (line 1, column 14)"),
            "{e}"
        );
        let e = Experiment::from_json("[1, 2]").unwrap_err();
        assert_eq!(e.first().message, "must be an object {...}, got a list");
    }
}
