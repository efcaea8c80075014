//! The loss surfaces: analytic gradients agree with finite differences, and
//! every listed minimum is a minimum.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Rng;
use optiviz::functions::{self, REGISTRY};

#[test]
fn there_are_fifteen_functions_two_models_and_a_typed_one_with_unique_names() {
    assert_eq!(REGISTRY.len(), 18);
    let mut names: Vec<_> = REGISTRY.iter().map(|d| d.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 18);
    assert_eq!(REGISTRY.last().unwrap().name, "custom");
    let models: Vec<_> = REGISTRY
        .iter()
        .filter(|d| d.model.is_some())
        .map(|d| d.name)
        .collect();
    assert_eq!(models, ["linear_regression", "logistic_regression"]);
    for name in [
        "quadratic",
        "rosenbrock",
        "beale",
        "himmelblau",
        "booth",
        "rastrigin",
        "ackley",
        "saddle",
        "matyas",
        "three_hump_camel",
        "six_hump_camel",
        "goldstein_price",
        "styblinski_tang",
        "mccormick",
        "levi13",
    ] {
        assert!(functions::lookup(name).is_some(), "{name} missing");
    }
}

/// Parameter settings to test each function at: the defaults and, for
/// functions with parameters, a few other values inside the allowed ranges.
fn settings(def: &functions::FunctionDef, rng: &mut Rng) -> Vec<Vec<f64>> {
    let mut all = vec![def.defaults()];
    if !def.params.is_empty() {
        for _ in 0..3 {
            all.push(
                def.params
                    .iter()
                    .map(|p| {
                        let lo = p.range.lo.max(-10.0);
                        let hi = p.range.hi.min(200.0);
                        rng.uniform(lo, hi).max(lo + 1e-3)
                    })
                    .collect(),
            );
        }
    }
    all
}

#[test]
fn gradients_match_central_differences() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for def in REGISTRY {
        for params in settings(def, &mut rng) {
            let f = def.instantiate(&params, "function.params").unwrap();
            let view = f.view();
            for _ in 0..150 {
                let p = [
                    rng.uniform(view.x[0], view.x[1]),
                    rng.uniform(view.y[0], view.y[1]),
                ];
                let g = f.grad(p);
                for i in 0..2 {
                    let h = 1e-6 * p[i].abs().max(1.0);
                    let (mut lo, mut hi) = (p, p);
                    lo[i] -= h;
                    hi[i] += h;
                    let fd = (f.value(hi) - f.value(lo)) / (2.0 * h);
                    // Rounding in f(x ± h) limits what the difference can resolve.
                    let scale = g[i].abs().max(1.0) + f.value(p).abs() * 1e-16 / h;
                    assert!(
                        (fd - g[i]).abs() <= 1e-5 * scale,
                        "{} {params:?} at {p:?}: ∂{i} analytic {} vs finite difference {fd}",
                        def.name,
                        g[i]
                    );
                }
            }
        }
    }
}

#[test]
fn every_listed_minimum_has_its_value_and_zero_gradient() {
    let mut rng = Rng(7);
    for def in REGISTRY {
        for params in settings(def, &mut rng) {
            let f = def.instantiate(&params, "function.params").unwrap();
            let minima = f.minima();
            if def.name == "saddle" {
                assert!(minima.is_empty(), "the saddle has no minimum");
                continue;
            }
            assert!(!minima.is_empty(), "{} lists no minimum", def.name);
            for m in minima {
                let v = f.value(m.point);
                assert!(
                    (v - m.value).abs() <= 1e-12 * m.value.abs().max(1.0),
                    "{} {params:?}: f{:?} = {v}, listed {}",
                    def.name,
                    m.point,
                    m.value
                );
                let g = f.grad(m.point);
                assert!(
                    g[0].hypot(g[1]) <= 1e-9,
                    "{} {params:?}: gradient {g:?} at minimum {:?}",
                    def.name,
                    m.point
                );
                assert!(
                    f.view().contains(m.point),
                    "{}: minimum outside view",
                    def.name
                );
                // A minimum: nothing nearby is lower.
                for _ in 0..50 {
                    let q = [
                        m.point[0] + rng.uniform(-1e-3, 1e-3),
                        m.point[1] + rng.uniform(-1e-3, 1e-3),
                    ];
                    assert!(
                        f.value(q) >= m.value - 1e-12,
                        "{}: lower point near minimum",
                        def.name
                    );
                }
            }
        }
    }
}

#[test]
fn known_values_from_the_formulas() {
    let at = |name: &str, p: [f64; 2]| {
        let def = functions::lookup(name).unwrap();
        def.instantiate(&def.defaults(), "function")
            .unwrap()
            .value(p)
    };
    assert_eq!(at("quadratic", [1.0, 1.0]), 5.5);
    assert_eq!(at("rosenbrock", [0.0, 1.0]), 101.0);
    assert_eq!(at("booth", [0.0, 0.0]), 74.0);
    assert_eq!(at("saddle", [1.0, 2.0]), -3.0);
    assert_eq!(at("goldstein_price", [0.0, 0.0]), 600.0);
    assert!((at("rastrigin", [0.5, 0.0]) - 20.25).abs() < 1e-12);
    assert!((at("ackley", [0.0, 0.0])).abs() < 1e-12);
}

/// A typed function runs exactly as its built-in twin: the same path to
/// 1e-12 under optimizers of every kind.
#[test]
fn typed_rosenbrock_follows_the_built_in_path() {
    let run = |function: &str| {
        let text = format!(
            r#"{{"function": {function}, "start": [-1.5, 2], "steps": 400,
                "optimizers": [{{"name": "adam", "lr": 0.02}},
                               {{"name": "sgd", "lr": 0.0005, "momentum": 0.9, "nesterov": true}},
                               {{"name": "lbfgs", "lr": 0.5, "line_search_fn": "strong_wolfe"}},
                               {{"name": "rmsprop", "lr": 0.005, "centered": true}}]}}"#
        );
        optiviz::Experiment::from_json(&text).unwrap().run()
    };
    let built_in = run(r#"{"name": "rosenbrock", "params": {"a": 1.5, "b": 50}}"#);
    let typed = run(
        r#"{"name": "custom", "expr": "(a - x)^2 + b*(y - x^2)^2", "params": {"a": 1.5, "b": 50}}"#,
    );
    for (b, t) in built_in.iter().zip(&typed) {
        assert_eq!(b.points.len(), t.points.len());
        for (k, (p, q)) in b.points.iter().zip(&t.points).enumerate() {
            for i in 0..2 {
                assert!(
                    (p[i] - q[i]).abs() <= 1e-12 * p[i].abs().max(1.0),
                    "step {k}: built-in {p:?}, typed {q:?}"
                );
            }
        }
    }
}

#[test]
fn a_typed_function_reads_writes_and_links_back_the_same() {
    let text = r#"{"function": {"name": "custom", "expr": "a*x^2 + b*y^2 - sin(x*y)",
                   "params": {"a": 2, "b": 0.5}, "view": {"x": [-3, 3], "y": [-2, 2]}},
                   "start": [1, 1], "steps": 20, "optimizers": [{"name": "sgd", "lr": 0.1}]}"#;
    let e = optiviz::Experiment::from_json(text).unwrap();
    let back = optiviz::Experiment::from_json(&e.to_json()).unwrap();
    assert_eq!(back.to_json(), e.to_json());
    assert!(e.to_json().contains(r#""expr":"a*x^2 + b*y^2 - sin(x*y)""#));
    let link = optiviz::query::encode(&e).unwrap();
    assert!(link.starts_with("fn=custom&fn.expr="), "{link}");
    assert!(link.contains("&fn.a=2&fn.b=0.5"), "{link}");
    assert!(link.contains("&fn.view=-3,3,-2,2&"), "{link}");
    let linked = optiviz::query::decode(&link).unwrap();
    assert_eq!(linked.to_json(), e.to_json());
    assert_eq!(linked.run()[0].points, e.run()[0].points);
    // The minima are looked for in the function's own window.
    use optiviz::functions::Objective;
    let minima = e.surface().minima();
    assert_eq!(linked.surface().minima(), minima);
    assert!(!minima.is_empty() && minima.iter().all(|m| m.point[0].abs() <= 3.0));
    let err = optiviz::query::decode("fn=custom&fn.expr=x&fn.view=1,2,3").unwrap_err();
    assert_eq!(err.field, "fn.view");
    let err = optiviz::query::decode("fn=custom&fn.expr=x&fn.view=1,0,3,4").unwrap_err();
    assert_eq!(err.field, "fn.view");
}

#[test]
fn a_typed_function_that_leaves_its_domain_diverges_with_non_finite_loss() {
    // sqrt of a negative number once x passes 0.
    let e = optiviz::Experiment::from_json(
        r#"{"function": {"name": "custom", "expr": "sqrt(x) + y^2"}, "start": [1, 1],
            "steps": 50, "optimizers": [{"name": "sgd", "lr": 3}]}"#,
    )
    .unwrap();
    let json = serde_json::to_value(&e.run()[0]).unwrap();
    assert_eq!(json["status"]["state"], "diverged", "{}", json["status"]);
    assert_eq!(json["status"]["reason"], "non_finite_loss", "{}", json["status"]);
}

#[test]
fn typed_function_errors_name_the_field_and_say_what_to_do() {
    let err = |function: &str| {
        let text = format!(
            r#"{{"function": {function}, "start": [0, 0], "steps": 1, "optimizers": []}}"#
        );
        let e = optiviz::Experiment::from_json(&text).unwrap_err();
        format!("{}: {}", e.field, e.message)
    };
    for (function, want) in [
        (
            r#"{"name": "custom", "expr": "sin(x"}"#,
            "function.expr: column 6: expected ')' to close the '(' at column 4",
        ),
        (
            r#"{"name": "custom", "expr": "sinn(x)"}"#,
            "function.expr: column 1: unknown function 'sinn'; did you mean 'sin'?",
        ),
        (r#"{"name": "custom", "expr": "2x"}"#, "function.expr: column 2: write 2*x for a product"),
        (r#"{"name": "custom"}"#, "function.expr: is required"),
        (
            r#"{"name": "custom", "expr": "a*x", "params": {"b": 1}}"#,
            "function.params.b: is not a parameter of the expression; its parameters are a",
        ),
        (
            r#"{"name": "custom", "expr": "x^2", "params": {"a": 1}}"#,
            "function.params.a: is not a parameter of the expression; the expression has no parameters",
        ),
        (
            r#"{"name": "custom", "expr": "a*x", "params": {"a": "big"}}"#,
            "function.params.a: must be",
        ),
        (
            r#"{"name": "custom", "expr": "x", "formula": "x"}"#,
            "function.formula: unknown key; allowed here: name, expr, params, view",
        ),
    ] {
        let got = err(function);
        assert!(got.starts_with(want), "{function}: got {got:?}, want {want:?}");
    }
}
