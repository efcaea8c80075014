//! The loss surfaces: analytic gradients and Hessians agree with finite
//! differences (and the Hessians with typed twins' exact ones), and every
//! listed minimum is a minimum.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Rng;
use optiviz::engine::Runs;
use optiviz::expr::Expr;
use optiviz::objectives::data::{DataModel, Dataset, Generate, Generate2d, ModelKind};
use optiviz::objectives::functions::{self, REGISTRY};
use optiviz::objectives::surface::Surface;
use optiviz::Objective;
use std::sync::Arc;

#[test]
fn there_are_fifteen_functions_three_models_and_a_typed_one_with_unique_names() {
    assert_eq!(REGISTRY.len(), 19);
    let mut names: Vec<_> = REGISTRY.iter().map(|d| d.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 19);
    assert_eq!(REGISTRY.last().unwrap().name, "custom");
    let models: Vec<_> = REGISTRY
        .iter()
        .filter(|d| d.model.is_some())
        .map(|d| d.name)
        .collect();
    assert_eq!(
        models,
        [
            "linear_regression",
            "logistic_regression",
            "least_squares_2d"
        ]
    );
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
fn a_sampled_grid_has_each_value_at_its_point() {
    // The surface is drawn from `sample_grid`, which a function may work out
    // a column or a row at a time: each sample must still be f at its point.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for def in REGISTRY {
        for params in settings(def, &mut rng) {
            let f = def.instantiate(&params, "function.params").unwrap();
            let view = f.view();
            let xs: Vec<f64> = (0..13).map(|_| rng.uniform(view.x[0], view.x[1])).collect();
            let ys: Vec<f64> = (0..7).map(|_| rng.uniform(view.y[0], view.y[1])).collect();
            let mut out = vec![f64::NAN; xs.len() * ys.len()];
            f.sample_grid(&xs, &ys, &mut out);
            for (j, &y) in ys.iter().enumerate() {
                for (i, &x) in xs.iter().enumerate() {
                    let (got, want) = (out[j * xs.len() + i], f.value([x, y]));
                    assert!(
                        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{} {params:?} at ({x}, {y}): sampled {got}, value {want}",
                        def.name
                    );
                }
            }
        }
    }
}

/// Checks `f.hessian(p)` against central differences of the analytic
/// gradient with steps of `h` (relative to |p| beyond 1): each column from a
/// step along its axis, so the mixed partial is checked from both sides; and
/// the matrix is symmetric bit for bit.
fn check_hessian(what: &str, f: &dyn Objective, p: [f64; 2], h: f64) {
    let hess = f.hessian(p);
    assert_eq!(
        hess[0][1].to_bits(),
        hess[1][0].to_bits(),
        "{what} at {p:?}: not symmetric {hess:?}"
    );
    let g = f.grad(p);
    for j in 0..2 {
        let step = h * p[j].abs().max(1.0);
        let (mut lo, mut hi) = (p, p);
        lo[j] -= step;
        hi[j] += step;
        let (g_lo, g_hi) = (f.grad(lo), f.grad(hi));
        for i in 0..2 {
            let fd = (g_hi[i] - g_lo[i]) / (hi[j] - lo[j]);
            // Rounding in the gradients limits what the difference can resolve.
            let scale = hess[i][j].abs().max(1.0) + g[i].abs() * 1e-16 / step;
            assert!(
                (fd - hess[i][j]).abs() <= 1e-5 * scale,
                "{what} at {p:?}: ∂{i}∂{j} analytic {} vs finite difference {fd}",
                hess[i][j]
            );
        }
    }
}

/// An 11 × 11 grid over the view, edges included, then `extra` random points.
fn points(f: &dyn Objective, extra: usize, rng: &mut Rng) -> Vec<[f64; 2]> {
    let v = f.view();
    let at = |r: [f64; 2], k: usize| r[0] + (r[1] - r[0]) * k as f64 / 10.0;
    let mut all: Vec<[f64; 2]> = (0..=10)
        .flat_map(|i| (0..=10).map(move |j| [at(v.x, i), at(v.y, j)]))
        .collect();
    for _ in 0..extra {
        all.push([rng.uniform(v.x[0], v.x[1]), rng.uniform(v.y[0], v.y[1])]);
    }
    all
}

#[test]
fn hessians_match_central_differences_of_the_gradient() {
    let mut rng = Rng(0x5EED_4E55_1A45_0001);
    for def in REGISTRY {
        for params in settings(def, &mut rng) {
            let f = def.instantiate(&params, "function.params").unwrap();
            for p in points(f.as_ref(), 60, &mut rng) {
                // Ackley's cone is not differentiable at its tip; see the next test.
                if def.name == "ackley" && p == [0.0, 0.0] {
                    continue;
                }
                check_hessian(&format!("{} {params:?}", def.name), f.as_ref(), p, 1e-5);
            }
        }
    }
}

#[test]
fn ackley_takes_the_cone_as_flat_at_its_tip_and_is_exact_beside_it() {
    let ackley = functions::lookup("ackley").unwrap();
    let f = ackley.instantiate(&[], "function").unwrap();
    // At the origin the gradient takes the cone's subgradient 0; the Hessian
    // keeps only the ripple −exp(0.5 (cos 2πx + cos 2πy)): 2π² e on the diagonal.
    let ripple = 2.0 * std::f64::consts::PI.powi(2) * std::f64::consts::E;
    let h = f.hessian([0.0, 0.0]);
    assert!((h[0][0] - ripple).abs() < 1e-12 * ripple, "{h:?}");
    assert!((h[1][1] - ripple).abs() < 1e-12 * ripple, "{h:?}");
    assert_eq!(h[0][1], 0.0, "{h:?}");
    // Close to the tip the curvature across the radius grows like 2/r and is
    // still exact: steps much smaller than r resolve it.
    for p in [[1e-6, 0.0], [3e-7, -4e-7], [0.0, 2e-5], [-1e-3, 1e-3f64]] {
        let r = (0.5 * (p[0] * p[0] + p[1] * p[1])).sqrt();
        check_hessian("ackley near the origin", f.as_ref(), p, 1e-4 * r);
        let h = f.hessian(p);
        assert!(h[0][0] + h[1][1] > 1.0 / r, "{p:?}: {h:?}");
    }
}

#[test]
fn data_model_hessians_match_central_differences_with_and_without_l2() {
    let mut rng = Rng(0x0DA7_A5E7);
    for kind in [ModelKind::Linear, ModelKind::Logistic] {
        let data = Arc::new(Dataset::generate(kind, Generate::default()));
        for l2 in [0.0, 0.3] {
            let model = DataModel::new(kind, data.clone(), l2);
            let what = format!("{} l2 = {l2}", kind.key());
            for p in points(&model, 30, &mut rng) {
                check_hessian(&what, &model, p, 1e-5);
            }
            // Through the experiment's surface too.
            let surface = Surface::Data(DataModel::new(kind, data.clone(), l2));
            for p in points(&surface, 10, &mut rng) {
                check_hessian(&what, &surface, p, 1e-5);
                assert_eq!(surface.hessian(p), model.hessian(p));
            }
        }
    }
    // Two-feature least squares: raw, standardized, and correlated near 1.
    let near_collinear = Generate2d {
        rho: 0.999,
        scale: 30.0,
        ..Generate2d::default()
    };
    for (name, data) in [
        ("raw", Dataset::generate_2d(Generate2d::default())),
        (
            "standardized",
            Dataset::generate_2d(Generate2d::default())
                .standardized()
                .unwrap(),
        ),
        ("nearly collinear", Dataset::generate_2d(near_collinear)),
    ] {
        let data = Arc::new(data);
        for l2 in [0.0, 0.3] {
            let model = DataModel::new(ModelKind::LeastSquares2d, data.clone(), l2);
            let what = format!("least_squares_2d {name} l2 = {l2}");
            for p in points(&model, 30, &mut rng) {
                check_hessian(&what, &model, p, 1e-5);
                // And the gradient against central differences of the loss.
                let g = model.grad(p);
                for j in 0..2 {
                    let step = 1e-6 * p[j].abs().max(1.0);
                    let (mut lo, mut hi) = (p, p);
                    lo[j] -= step;
                    hi[j] += step;
                    let fd = (model.value(hi) - model.value(lo)) / (hi[j] - lo[j]);
                    let scale = g[j].abs().max(1.0) + model.value(p) * 1e-16 / step;
                    assert!(
                        (fd - g[j]).abs() <= 1e-5 * scale,
                        "{what} at {p:?}: {g:?} vs {fd}"
                    );
                }
            }
            // (2/n)XᵀX + 2·l2·I, the same at every point.
            let n = data.len() as f64;
            let (mut s11, mut s12, mut s22) = (0.0, 0.0, 0.0);
            for f in &data.fitted {
                s11 += f[0] * f[0];
                s12 += f[0] * f[1];
                s22 += f[1] * f[1];
            }
            let want = [
                [2.0 * s11 / n + 2.0 * l2, 2.0 * s12 / n],
                [2.0 * s12 / n, 2.0 * s22 / n + 2.0 * l2],
            ];
            for p in points(&model, 5, &mut rng) {
                let h = model.hessian(p);
                for (g, w) in h.iter().flatten().zip(want.iter().flatten()) {
                    assert!(
                        (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                        "{what}: {h:?} {want:?}"
                    );
                }
            }
        }
    }
    // A formula's surface adds 2·l2 to the diagonal.
    let def = functions::lookup("himmelblau").unwrap();
    for l2 in [0.0, 0.3] {
        let surface = Surface::Formula {
            f: def.instantiate(&[], "function").unwrap(),
            l2,
        };
        for p in points(&surface, 10, &mut rng) {
            check_hessian(&format!("himmelblau l2 = {l2}"), &surface, p, 1e-5);
        }
    }
}

#[test]
fn the_logistic_curvature_stays_exact_where_the_sigmoid_rounds_to_one() {
    // Every row at z = 40: σ(z) rounds to 1, yet σ′(z) = e⁻⁴⁰ / (1 + e⁻⁴⁰)².
    let data = Arc::new(Dataset::given(vec![1.0, -2.0, 0.5], vec![1.0, 0.0, 1.0]));
    let model = DataModel::new(ModelKind::Logistic, data, 0.0);
    let h = model.hessian([0.0, 40.0]);
    let e = (-40.0f64).exp();
    let slope = e / ((1.0 + e) * (1.0 + e));
    let mean_x = (1.0 - 2.0 + 0.5) / 3.0;
    let mean_x2 = (1.0 + 4.0 + 0.25) / 3.0;
    for (got, want) in [
        (h[0][0], slope * mean_x2),
        (h[0][1], slope * mean_x),
        (h[1][1], slope),
    ] {
        assert!((got - want).abs() <= 1e-12 * want.abs(), "{h:?}");
    }
}

/// Built-in functions typed as expressions, with the same parameter names.
const TWINS: &[(&str, &str)] = &[
    ("rosenbrock", "(a - x)^2 + b*(y - x^2)^2"),
    ("himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"),
    (
        "beale",
        "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    ),
    ("booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2"),
    (
        "rastrigin",
        "2*A + x^2 - A*cos(2*pi*x) + y^2 - A*cos(2*pi*y)",
    ),
    (
        "six_hump_camel",
        "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
    ),
    (
        "styblinski_tang",
        "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
    ),
];

#[test]
fn hessians_equal_the_exact_ones_of_typed_twins() {
    let mut rng = Rng(0x7715_0001);
    for &(name, text) in TWINS {
        let def = functions::lookup(name).unwrap();
        let expr = Expr::parse(text).unwrap();
        let names: Vec<&str> = def.params.iter().map(|p| p.name).collect();
        assert_eq!(expr.params(), names, "{name}: parameters");
        for params in settings(def, &mut rng) {
            let f = def.instantiate(&params, "function.params").unwrap();
            for p in points(f.as_ref(), 30, &mut rng) {
                let j = expr.jet(p[0], p[1], &params);
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
                assert!(
                    close(f.value(p), j.v),
                    "{name} {params:?} at {p:?}: {} vs typed {}",
                    f.value(p),
                    j.v
                );
                let h = f.hessian(p);
                let typed = [[j.dxx, j.dxy], [j.dxy, j.dyy]];
                for (a, b) in h.iter().flatten().zip(typed.iter().flatten()) {
                    assert!(
                        close(*a, *b),
                        "{name} {params:?} at {p:?}: {h:?} vs typed {typed:?}"
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
    let link = optiviz::experiment::link::encode(&e).unwrap();
    assert!(link.starts_with("fn=custom&fn.expr="), "{link}");
    assert!(link.contains("&fn.a=2&fn.b=0.5"), "{link}");
    assert!(link.contains("&fn.view=-3,3,-2,2&"), "{link}");
    let linked = optiviz::experiment::link::decode(&link).unwrap();
    assert_eq!(linked.to_json(), e.to_json());
    assert_eq!(linked.run()[0].points, e.run()[0].points);
    // The minima are looked for in the function's own window.
    use optiviz::objectives::objective::Objective;
    let minima = e.surface().minima();
    assert_eq!(linked.surface().minima(), minima);
    assert!(!minima.is_empty() && minima.iter().all(|m| m.point[0].abs() <= 3.0));
    let err = optiviz::experiment::link::decode("fn=custom&fn.expr=x&fn.view=1,2,3").unwrap_err();
    assert_eq!(err.first().field, "fn.view");
    let err = optiviz::experiment::link::decode("fn=custom&fn.expr=x&fn.view=1,0,3,4").unwrap_err();
    assert_eq!(err.first().field, "fn.view");
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
    assert_eq!(
        json["status"]["reason"], "non_finite_loss",
        "{}",
        json["status"]
    );
}

#[test]
fn typed_function_errors_name_the_field_and_say_what_to_do() {
    let err = |function: &str| {
        let text =
            format!(r#"{{"function": {function}, "start": [0, 0], "steps": 1, "optimizers": []}}"#);
        let e = optiviz::Experiment::from_json(&text).unwrap_err();
        e.first().to_string()
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
