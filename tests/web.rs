//! The engine compiled to wasm32, in headless Chrome: every PyTorch reference
//! case gives the same numbers as natively, through both the Rust API and the
//! page's JavaScript entry point.
//!
//!     wasm-pack test --headless --chrome -- --no-default-features
#![cfg(target_arch = "wasm32")]

mod common;

use common::{parse_case, worst_error};
use optiviz::Experiment;
use serde::Serialize;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! reference {
    ($($id:literal,)*) => {
        /// Every file of tests/data/reference (tests/reference.rs checks the list is complete).
        const CASES: &[(&str, &str)] = &[
            $(($id, include_str!(concat!("data/reference/", $id, ".json"))),)*
        ];
    };
}

reference! {
    "beale-adam",
    "booth-gd",
    "extra-ackley-nesterov-wd",
    "extra-beale-nadam-decoupled",
    "extra-booth-sgd-dampening-linear",
    "extra-goldstein-price-adam-clipnorm",
    "extra-goldstein-price-adamax-amsgradless",
    "extra-himmelblau-adam-cosine-restart",
    "extra-himmelblau-nadam-exp-clipvalue",
    "extra-levi13-adamw-amsgrad",
    "extra-matyas-nesterov-inverse-time",
    "extra-mccormick-adadelta-wd",
    "extra-quadratic-rmsprop-wd",
    "extra-rastrigin-a5-adam",
    "extra-rastrigin-adadelta-default",
    "extra-rosenbrock-adamax-step",
    "extra-rosenbrock-adamw-clipvalue-step",
    "extra-saddle-rmsprop-momentum-linear-default",
    "extra-six-hump-camel-rmsprop-centered",
    "extra-styblinski-tang-adagrad-decay",
    "extra-styblinski-tang-gd-diverge",
    "extra-three-hump-camel-adagrad-clipnorm",
    "himmelblau-adam",
    "himmelblau-momentum",
    "matyas-nadam",
    "quadratic-adam-amsgrad",
    "quadratic-adam-cosine",
    "quadratic-adamw",
    "quadratic-gd-diverge",
    "quadratic-gd-exp-schedule",
    "quadratic-gd-inverse-time",
    "quadratic-gd-linear-schedule",
    "quadratic-gd-stable",
    "quadratic-gd-step-schedule",
    "quadratic-momentum-dampened",
    "quadratic-momentum",
    "quadratic-rmsprop-centered-momentum",
    "quadratic-sgd-weight-decay",
    "rastrigin-momentum",
    "rosenbrock-adadelta",
    "rosenbrock-adagrad",
    "rosenbrock-adam",
    "rosenbrock-gd-clipnorm",
    "rosenbrock-gd-clipvalue",
    "rosenbrock-gd",
    "rosenbrock-momentum",
    "rosenbrock-nesterov",
    "rosenbrock-rmsprop",
    "saddle-adam",
    "saddle-gd",
    "three-hump-camel-adamax",
}

const TOLERANCE: f64 = 1e-9;

#[wasm_bindgen_test]
fn reference_cases_match_pytorch_in_wasm() {
    let mut failures = Vec::new();
    for (id, text) in CASES {
        let case = parse_case(text);
        let exp = Experiment::from_value(&case.experiment).unwrap();
        let run = &exp.run()[0];
        let (err, step) = worst_error(&run.points, &case.points);
        if run.points.len() != case.points.len() || err > TOLERANCE {
            failures.push(format!(
                "{id}: {} points vs {}, worst error {err:.2e} at step {step}",
                run.points.len(),
                case.points.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn the_javascript_entry_point_returns_what_the_cli_prints() {
    let (_, text) = CASES
        .iter()
        .find(|(id, _)| *id == "rosenbrock-adam")
        .unwrap();
    let case = parse_case(text);
    let js_experiment = case
        .experiment
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap();
    let js_runs = optiviz::web::run_experiment(js_experiment).unwrap();
    let runs: serde_json::Value = serde_wasm_bindgen::from_value(js_runs).unwrap();
    let native = Experiment::from_value(&case.experiment).unwrap().run();
    let expected: serde_json::Value =
        serde_json::from_str(&optiviz::output::to_json(&native)).unwrap();
    assert!(
        same(&runs, &expected),
        "runExperiment differs from the native run"
    );
    let points = runs["runs"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), case.points.len());
}

/// Equal as JSON documents; JavaScript has one number type, so 300 and 300.0 are the same.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[wasm_bindgen_test]
fn the_javascript_entry_point_reports_bad_experiments() {
    let bad = serde_json::json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 5,
                                 "optimizers": [{"name": "adam", "lr": 0.1, "betas": [0.9, 1.5]}]});
    let js = bad
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap();
    let err = optiviz::web::run_experiment(js).unwrap_err();
    assert_eq!(
        err.as_string().unwrap(),
        "optimizers[0].betas[1]: must be in [0, 1), got 1.5"
    );
}
