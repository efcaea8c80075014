//! The loss surfaces: analytic gradients agree with finite differences, and
//! every listed minimum is a minimum.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Rng;
use optiviz::functions::{self, REGISTRY};

#[test]
fn there_are_fifteen_functions_and_two_models_with_unique_names() {
    assert_eq!(REGISTRY.len(), 17);
    let mut names: Vec<_> = REGISTRY.iter().map(|d| d.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 17);
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
