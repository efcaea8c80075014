//! Property tests: random valid experiments never panic and end either with
//! every point finite or with a "diverged" status; random invalid ones are
//! rejected with an error, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::engine::Runs;
use optiviz::objectives::functions;
use optiviz::optim::{self, HyperKind};
use optiviz::{Experiment, Status};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A value inside `range`, biased towards the ordinary but reaching the edges.
fn in_range(range: optiviz::base::spec::Range) -> impl Strategy<Value = f64> {
    let lo = if range.lo.is_finite() { range.lo } else { -1e3 };
    let hi = if range.hi.is_finite() {
        range.hi
    } else {
        lo.max(0.0) + 10.0
    };
    (0.0..=1.0f64, 0u8..10).prop_map(move |(u, edge)| {
        let x = match edge {
            0 => lo,
            1 => hi,
            _ => lo + u * (hi - lo),
        };
        if range.contains(x) {
            x
        } else {
            // An open end: step just inside.
            let mid = lo + 0.5 * (hi - lo);
            if x <= mid {
                lo + (hi - lo) * 1e-6
            } else {
                hi - (hi - lo) * 1e-6
            }
        }
    })
}

fn function_strategy() -> impl Strategy<Value = Value> {
    (0..functions::REGISTRY.len()).prop_flat_map(|i| {
        let def = functions::REGISTRY[i];
        if def.name == "custom" {
            // A typed function: a smooth formula scaled by a parameter.
            return (smooth_formula(), -5.0..5.0f64)
                .prop_map(|(text, k)| {
                    json!({"name": "custom", "expr": format!("k*({text})"), "params": {"k": k}})
                })
                .boxed();
        }
        let params: Vec<_> = def.params.iter().map(|p| in_range(p.range)).collect();
        params
            .prop_map(move |values| {
                let mut m = Map::new();
                for (p, v) in def.params.iter().zip(values) {
                    m.insert(p.name.to_string(), json!(v));
                }
                json!({"name": def.name, "params": m})
            })
            .boxed()
    })
}

fn clip_strategy() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (1e-3..100.0f64).prop_map(|m| Some(json!({"max_norm": m}))),
        (1e-3..100.0f64).prop_map(|v| Some(json!({"clip_value": v}))),
    ]
}

fn schedule_strategy() -> impl Strategy<Value = Option<Value>> {
    const MODES: [&str; 3] = ["triangular", "triangular2", "exp_range"];
    prop_oneof![
        Just(None),
        (1u32..50, 0.01..2.0f64)
            .prop_map(|(s, g)| Some(json!({"name": "step", "step_size": s, "gamma": g}))),
        (0.5..1.1f64).prop_map(|g| Some(json!({"name": "exponential", "gamma": g}))),
        (1u32..200, 0.0..0.01f64)
            .prop_map(|(t, e)| Some(json!({"name": "cosine", "T_max": t, "eta_min": e}))),
        (0.01..=1.0f64, 0.0..=1.0f64, 1u32..100).prop_map(|(s, e, n)| Some(json!({
            "name": "linear", "start_factor": s, "end_factor": e, "total_iters": n}))),
        (0.0..5.0f64).prop_map(|k| Some(json!({"name": "inverse_time", "k": k}))),
        (proptest::collection::vec(0u32..400, 0..5), 0.01..2.0f64).prop_map(|(mut m, g)| {
            m.sort();
            Some(json!({"name": "multistep", "milestones": m, "gamma": g}))
        }),
        (0.01..=1.0f64, 1u32..100).prop_map(|(f, n)| Some(json!({
            "name": "constant", "factor": f, "total_iters": n}))),
        (1u32..100, 0.0..3.0f64).prop_map(|(n, p)| Some(json!({
            "name": "polynomial", "total_iters": n, "power": p}))),
        (1u32..40, 1u32..4, 0.0..0.01f64).prop_map(|(t, m, e)| Some(json!({
            "name": "cosine_warm_restarts", "T_0": t, "T_mult": m, "eta_min": e}))),
        // The momentum is left alone: not every optimizer has one.
        (
            0.0..0.1f64,
            0.0..1.0f64,
            1u32..50,
            proptest::option::of(1u32..50),
            0usize..3
        )
            .prop_map(|(b, m, up, down, mode)| Some(json!({
                "name": "cyclic", "base_lr": b, "max_lr": m, "step_size_up": up,
                "step_size_down": down, "mode": MODES[mode],
                "gamma": 0.99, "cycle_momentum": false}))),
        // At least the most steps an experiment here takes.
        (
            0.0..1.0f64,
            300u32..1000,
            0.0..=1.0f64,
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(m, n, pct, linear, three)| Some(json!({
                "name": "onecycle", "max_lr": m, "total_steps": n, "pct_start": pct,
                "anneal_strategy": if linear { "linear" } else { "cos" },
                "three_phase": three, "cycle_momentum": false}))),
        (any::<bool>(), 0.0..1.0f64, 0u32..20, any::<bool>(), 0u32..5).prop_map(
            |(max, f, p, abs, c)| Some(json!({
                "name": "plateau", "mode": if max { "max" } else { "min" }, "factor": f,
                "patience": p, "threshold_mode": if abs { "abs" } else { "rel" }, "cooldown": c}))
        ),
        (1u32..100, 1u32..200, 0.01..=1.0f64).prop_map(|(w, t, s)| Some(json!({
            "name": "sequential", "milestones": [w],
            "schedulers": [{"name": "linear", "start_factor": s, "total_iters": w},
                           {"name": "cosine", "T_max": t}]}))),
    ]
}

fn optimizer_strategy() -> impl Strategy<Value = Value> {
    (0..optim::REGISTRY.len()).prop_flat_map(|i| {
        let def = optim::REGISTRY[i];
        let hyper: Vec<BoxedStrategy<Value>> = def
            .hyper
            .iter()
            .map(|h| match h.kind {
                HyperKind::Number(r) => in_range(r).prop_map(|x| json!(x)).boxed(),
                HyperKind::Pair(r) => (in_range(r), in_range(r))
                    .prop_map(|(a, b)| json!([a, b]))
                    .boxed(),
                HyperKind::AutoPair(r) => (proptest::option::of(in_range(r)), in_range(r))
                    .prop_map(|(a, b)| json!([a, b]))
                    .boxed(),
                HyperKind::Flag => any::<bool>().prop_map(|b| json!(b)).boxed(),
                HyperKind::Count { min, max, none } => {
                    let n = (min..=max).prop_map(|n| json!(n));
                    if none {
                        prop_oneof![Just(Value::Null), n].boxed()
                    } else {
                        n.boxed()
                    }
                }
                HyperKind::Choice(names) => {
                    let names: Vec<Value> = names.iter().map(|n| json!(n)).collect();
                    prop_oneof![Just(Value::Null), proptest::sample::select(names)].boxed()
                }
                HyperKind::Word(names) => {
                    let names: Vec<Value> = names.iter().map(|n| json!(n)).collect();
                    proptest::sample::select(names).boxed()
                }
                HyperKind::Triple(r, _) => (in_range(r), in_range(r), in_range(r))
                    .prop_map(|(a, b, c)| json!([a, b, c]))
                    .boxed(),
                HyperKind::MaybeNumber(r, _) => proptest::option::of(in_range(r))
                    .prop_map(|x| json!(x))
                    .boxed(),
            })
            .collect();
        (
            -12.0..2.0f64,
            hyper,
            proptest::collection::vec(any::<bool>(), def.hyper.len()),
            clip_strategy(),
            schedule_strategy(),
            0..optim::typed::TEMPLATES.len(),
        )
            .prop_map(move |(log_lr, values, keep, clip, schedule, template)| {
                let mut m = Map::new();
                m.insert("name".into(), json!(def.name));
                m.insert("lr".into(), json!(10f64.powf(log_lr)));
                // A typed rule: one of the templates, a reduction among them.
                if def.name == optim::typed::NAME {
                    let t = &optim::typed::TEMPLATES[template];
                    let rule = t.rule();
                    let named = |list: Vec<(String, f64)>| {
                        list.into_iter()
                            .map(|(n, v)| (n, json!(v)))
                            .collect::<Map<_, _>>()
                    };
                    m.insert("update".into(), json!(t.update));
                    m.insert("hyper".into(), Value::Object(named(rule.hyper)));
                    m.insert("state".into(), Value::Object(named(rule.state)));
                }
                for ((h, v), keep) in def.hyper.iter().zip(values).zip(keep) {
                    if keep {
                        m.insert(h.name.into(), v);
                    }
                }
                // Nesterov is only valid with momentum > 0 and no dampening, as in torch.
                if def.name == "sgd" && m.get("nesterov") == Some(&json!(true)) {
                    m.insert("momentum".into(), json!(0.9));
                    m.insert("dampening".into(), json!(0.0));
                }
                // Rprop's etas must straddle 1 (etaminus < 1 < etaplus), as in torch.
                if let Some(Value::Array(e)) = m.get("etas") {
                    let (a, b) = (e[0].as_f64().unwrap(), e[1].as_f64().unwrap());
                    let (lo, hi) = (a.min(b), a.max(b));
                    m.insert("etas".into(), json!([lo.min(1.0) / 2.0, 1.0 + hi]));
                }
                // Schedule-free AdamW divides by β₁; AdEMAMix needs β₁, β₂ < 1
                // and, warming up, takes the logarithms of β₁ and β₃.
                if let Some(Value::Array(b)) = m.get_mut("betas") {
                    if matches!(def.name, "schedulefree_adamw" | "ademamix") {
                        for x in b.iter_mut() {
                            let v = x.as_f64().unwrap();
                            *x = json!(v.clamp(0.05, 0.95));
                        }
                    }
                }
                // A wrapper holds SGD with momentum (Muon's others: its default).
                if let Some(w) = def.wraps.filter(|w| w.default.is_none()) {
                    m.insert(w.key.into(), json!({"name": "sgd", "momentum": 0.5}));
                }
                if let Some(c) = clip {
                    m.insert("clip".into(), c);
                }
                if let Some(s) = schedule {
                    m.insert("schedule".into(), s);
                }
                Value::Object(m)
            })
    })
}

/// The sampling, seed, L2 and stopping keys, each present or not; batch sizes
/// only for the models (which get a generated dataset of `rows` rows) and
/// noise only for the formulas.
fn extras_strategy() -> impl Strategy<Value = (u32, Map<String, Value>)> {
    (
        2u32..60,
        proptest::option::of(1u32..60),
        proptest::option::of(0.0..3.0f64),
        proptest::option::of(1u32..5),
        proptest::option::of(0u32..1000),
        proptest::option::of(0.0..2.0f64),
        proptest::option::of((1e-6..1.0f64, 1u32..20, 0u32..300)),
    )
        .prop_map(|(rows, batch, noise, acc, seed, l2, stop)| {
            let mut m = Map::new();
            if let Some(b) = batch {
                m.insert("batch_size".into(), json!(b.min(rows)));
            }
            if let Some(sigma) = noise {
                m.insert("grad_noise".into(), json!(sigma));
            }
            if let Some(k) = acc {
                m.insert("accumulate".into(), json!(k));
            }
            if let Some(seed) = seed {
                m.insert("seed".into(), json!(seed));
            }
            if let Some(l2) = l2 {
                m.insert("l2".into(), json!(l2));
            }
            if let Some((tol, window, max)) = stop {
                m.insert(
                    "stop".into(),
                    json!({"loss_tol": tol, "window": window, "max_steps": max}),
                );
            }
            (rows, m)
        })
}

fn experiment_strategy() -> impl Strategy<Value = Value> {
    (
        function_strategy(),
        (-20.0..20.0f64, -20.0..20.0f64),
        0u32..300,
        proptest::collection::vec(optimizer_strategy(), 0..4),
        extras_strategy(),
    )
        .prop_map(|(f, (x, y), steps, opts, (rows, extras))| {
            let mut f = f;
            let is_model = functions::lookup(f["name"].as_str().unwrap())
                .unwrap()
                .model
                .is_some();
            if is_model {
                f["generate"] = json!({"n": rows});
            }
            let mut e = json!({"function": f, "start": [x, y], "steps": steps, "optimizers": opts});
            for (k, v) in extras {
                let fits = match k.as_str() {
                    "batch_size" => is_model,
                    "grad_noise" => !is_model,
                    _ => true,
                };
                if fits {
                    e[k] = v;
                }
            }
            // Within the work limit (L-BFGS may evaluate hundreds of times a
            // step): fewer steps until it fits.
            while let Err(err) = Experiment::from_value(&e) {
                let steps = e["steps"].as_u64().unwrap_or(0);
                if err.first().field != "steps" || steps == 0 {
                    break;
                }
                e["steps"] = json!(steps / 2);
            }
            e
        })
}

/// Any JSON value, for the places a user may put the wrong thing.
fn junk() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(|x| json!(x)),
        prop_oneof![Just(-1.0), Just(0.0), Just(1.0), Just(1e308), Just(-1e-300)]
            .prop_map(|x| json!(x)),
        "[a-z_]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a randomly chosen place in `v` (chosen by `pick`) with `with`.
fn corrupt(v: &mut Value, mut pick: usize, with: Value) {
    fn walk(v: &mut Value, pick: &mut usize, with: &mut Option<Value>) {
        if with.is_none() {
            return;
        }
        if *pick == 0 {
            *v = with.take().unwrap();
            return;
        }
        *pick -= 1;
        match v {
            Value::Object(m) => m.values_mut().for_each(|c| walk(c, pick, with)),
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, pick, with)),
            _ => {}
        }
    }
    let mut with = Some(with);
    walk(v, &mut pick, &mut with);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn valid_experiments_run_and_stay_finite_unless_diverged(v in experiment_strategy()) {
        let exp = Experiment::from_value(&v).map_err(|e| TestCaseError::fail(format!("{e} in {v}")))?;
        for run in exp.run() {
            let diverged = matches!(run.status, Status::Diverged { .. });
            prop_assert!(!run.points.is_empty() || diverged);
            prop_assert_eq!(run.points.len(), run.losses.len());
            let stopped = matches!(run.status, Status::Stopped { .. });
            prop_assert!(run.points.len() == exp.steps as usize + 1 || diverged || stopped,
                "stopped early without diverging or a rule: {:?}", run.status);
            prop_assert_eq!(run.grad_norms.len(), run.lrs.len());
            let all_finite = run.points.iter().all(|p| p[0].is_finite() && p[1].is_finite())
                && run.losses.iter().all(|l| l.is_finite());
            prop_assert!(all_finite || diverged);
            // The experiment survives a round trip through its JSON form.
            let again = Experiment::from_json(&exp.to_json()).unwrap();
            prop_assert_eq!(again.to_json(), exp.to_json());
        }
        // And through a link.
        let q = optiviz::experiment::link::encode(&exp).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = optiviz::experiment::link::decode(&q).map_err(|e| TestCaseError::fail(format!("{e} in {q}")))?;
        prop_assert_eq!(back.to_json(), exp.to_json());
    }

    #[test]
    fn corrupted_experiments_give_errors_not_panics(v in experiment_strategy(), pick in 0usize..60, bad in junk()) {
        let mut v = v;
        corrupt(&mut v, pick, bad);
        match Experiment::from_value(&v) {
            Ok(exp) => { exp.run(); }
            Err(e) => prop_assert!(e.iter().all(|e| !e.message.is_empty())),
        }
    }

    /// Text that is not JSON is one error at the document, with where the
    /// JSON broke; JSON that is not an object, one error saying so; an
    /// object of other keys, an error at each key and each required one
    /// missing (a random one is never a whole experiment).
    #[test]
    fn arbitrary_text_gives_errors_not_panics(
        text in prop_oneof![".{0,200}", junk().prop_map(|v| v.to_string())],
    ) {
        let errors = match Experiment::from_json(&text) {
            Ok(exp) => return Err(TestCaseError::fail(format!("{text:?} is an experiment: {}", exp.to_json()))),
            Err(e) => e.into_vec(),
        };
        prop_assert!(!errors.is_empty());
        prop_assert!(errors.iter().all(|e| !e.message.is_empty()), "{errors:?}");
        match serde_json::from_str::<Value>(&text) {
            Err(_) => {
                prop_assert_eq!(errors.len(), 1, "{:?}", errors);
                prop_assert_eq!(&errors[0].field, "");
                prop_assert!(errors[0].message.starts_with("not valid JSON (line "), "{}", errors[0]);
            }
            Ok(Value::Object(m)) => {
                const TOP: [&str; 11] = ["function", "start", "steps", "optimizers", "view", "batch_size",
                                         "seed", "grad_noise", "accumulate", "l2", "stop"];
                for e in &errors {
                    let key = e.field.split(['.', '[']).next().unwrap();
                    prop_assert!(m.contains_key(key) || TOP.contains(&key), "{} in {}", e, text);
                }
                // Each key that is not an experiment's is named.
                for k in m.keys().filter(|k| !TOP.contains(&k.as_str())) {
                    prop_assert!(errors.iter().any(|e| e.field == *k), "{} not named in {:?}", k, errors);
                }
                // Each required key that is missing is named.
                for k in ["function", "optimizers"] {
                    if !m.contains_key(k) {
                        prop_assert!(errors.iter().any(|e| e.field == k), "{} not named in {:?}", k, errors);
                    }
                }
            }
            Ok(_) => {
                prop_assert_eq!(errors.len(), 1, "{:?}", errors);
                prop_assert_eq!(&errors[0].field, "");
                prop_assert!(errors[0].message.starts_with("must be an object"), "{}", errors[0]);
            }
        }
    }

    #[test]
    fn out_of_range_learning_rates_name_the_field(lr in prop_oneof![-1e9..-1e-12f64, Just(-0.0001)], i in 0..optim::REGISTRY.len()) {
        let v = json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 10,
                       "optimizers": [{"name": optim::REGISTRY[i].name, "lr": lr}]});
        let err = Experiment::from_value(&v).expect_err("negative lr is rejected");
        let err = err.first();
        prop_assert_eq!(&err.field, "optimizers[0].lr");
        prop_assert!(err.message.contains(">= 0"), "{}", err.message);
    }
}

/// Text built from the formula language's pieces (and a few that are not),
/// so most of it is nearly a formula.
fn formula_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("x"),
        Just("y"),
        Just("a"),
        Just("pi"),
        Just("e"),
        Just("2"),
        Just("0.5"),
        Just("1e3"),
        Just("+"),
        Just("-"),
        Just("*"),
        Just("/"),
        Just("^"),
        Just("**"),
        Just("("),
        Just(")"),
        Just(","),
        Just("sin("),
        Just("log("),
        Just("sqrt("),
        Just("abs("),
        Just("max("),
        Just("atan2("),
        Just("hypot("),
        Just("exp("),
        Just(" "),
        Just("$"),
        Just("1e999"),
        Just("<b>"),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn typed_formulas_never_panic(text in formula_text(), x in -3.0..3.0f64, y in -3.0..3.0f64) {
        match optiviz::expr::Expr::parse(&text) {
            Ok(e) => {
                let params = vec![1.5; e.params().len()];
                let j = e.jet(x, y, &params);
                // The jet's value is the value, bit for bit (NaN included).
                let v = e.value(x, y, &params);
                prop_assert!(j.v == v || (j.v.is_nan() && v.is_nan()));
            }
            Err(err) => prop_assert!(!err.message.is_empty()),
        }
    }
}

/// Smooth formulas: sums and products of smooth pieces of x and y.
fn smooth_formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        Just("0.7".to_string()),
        Just("sin(x)".to_string()),
        Just("cos(y)".to_string()),
        Just("exp(x/3)".to_string()),
        Just("log(y^2 + 1)".to_string()),
        Just("sqrt(x^2 + 2)".to_string()),
        Just("tanh(x*y)".to_string()),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        (
            inner.clone(),
            inner,
            prop_oneof![Just("+"), Just("-"), Just("*")],
        )
            .prop_map(|(a, b, op)| format!("({a}) {op} ({b})"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn smooth_typed_formulas_have_the_gradient_of_their_values(text in smooth_formula(), x in -1.5..1.5f64, y in -1.5..1.5f64) {
        let e = optiviz::expr::Expr::parse(&text).unwrap();
        let j = e.jet(x, y, &[]);
        let h = 1e-6;
        let fx = (e.value(x + h, y, &[]) - e.value(x - h, y, &[])) / (2.0 * h);
        let fy = (e.value(x, y + h, &[]) - e.value(x, y - h, &[])) / (2.0 * h);
        let scale = j.v.abs().max(1.0);
        prop_assert!((j.dx - fx).abs() <= 1e-5 * scale.max(fx.abs()), "{text}: dx {} vs {fx}", j.dx);
        prop_assert!((j.dy - fy).abs() <= 1e-5 * scale.max(fy.abs()), "{text}: dy {} vs {fy}", j.dy);
    }
}
