//! The command line: output formats, and bad input rejected with a one-line
//! error that names the problem.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{assert_one_line_error, optiviz};
use serde_json::Value;

const ISSUE_EXAMPLE: &str = r#"{
  "function": {"name": "rosenbrock", "params": {"b": 100}},
  "start": [-1.5, 2.0],
  "steps": 300,
  "optimizers": [
    {"name": "adam", "lr": 0.02, "betas": [0.9, 0.999],
     "clip": {"max_norm": 1.0},
     "schedule": {"name": "cosine", "T_max": 100, "eta_min": 0.001}},
    {"name": "sgd", "lr": 0.001, "momentum": 0.9}
  ]
}"#;

#[test]
fn run_prints_every_run_as_json() {
    let out = optiviz(&["run", "-"], ISSUE_EXAMPLE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["name"], "adam");
    assert_eq!(runs[1]["name"], "sgd");
    for run in runs {
        assert_eq!(run["points"].as_array().unwrap().len(), 301);
        assert_eq!(run["losses"].as_array().unwrap().len(), 301);
        assert_eq!(run["grad_norms"].as_array().unwrap().len(), 300);
        assert_eq!(run["lrs"].as_array().unwrap().len(), 300);
        assert_eq!(run["points"][0], serde_json::json!([-1.5, 2.0]));
    }
    // The cosine schedule reaches eta_min at T_max; the clipped first step has norm 1.
    let lrs = runs[0]["lrs"].as_array().unwrap();
    assert_eq!(lrs[0].as_f64().unwrap(), 0.02);
    assert!((lrs[100].as_f64().unwrap() - 0.001).abs() < 1e-15);
    assert_eq!(runs[1]["status"]["state"], "moving");
}

#[test]
fn run_reads_a_file_and_writes_csv() {
    let dir = std::env::temp_dir().join(format!("optiviz-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("exp.json");
    std::fs::write(&path, ISSUE_EXAMPLE).unwrap();
    let out = optiviz(&["run", path.to_str().unwrap(), "--format", "csv"], "");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "run,name,step,x,y,loss,grad_norm,lr,epoch,status");
    assert_eq!(lines.len(), 1 + 2 * 301);
    assert!(lines[1].starts_with("0,adam,0,-1.5,2,"), "{}", lines[1]);
    // The last row of a run has no step from it, and carries the status.
    let last: Vec<&str> = lines[301].splitn(10, ',').collect();
    assert_eq!(&last[..3], ["0", "adam", "300"]);
    assert_eq!((last[6], last[7], last[8]), ("", "", ""));
    assert!(
        last[9].starts_with("\"step 300, loss ") && last[9].ends_with('"'),
        "{}",
        lines[301]
    );
    assert!(
        lines[300].ends_with(','),
        "only the last row has a status: {}",
        lines[300]
    );
    std::fs::remove_dir_all(dir).ok();
}

/// (input, the start of the one-line error)
const BAD: &[(&str, &str)] = &[
    ("{", "-: not valid JSON (line 1, column 1)"),
    ("[]", "-: must be an object {...}, got a list"),
    (r#"{"start": [0, 0], "steps": 5, "optimizers": []}"#, "-: function: is required"),
    (r#"{"function": {"name": "rosenbrok"}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.name: unknown function \"rosenbrok\"; choose one of quadratic, rosenbrock,"),
    (r#"{"function": {"name": "rosenbrock", "params": {"c": 1}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.params.c: unknown key; allowed here: a, b"),
    (r#"{"function": {"name": "quadratic", "params": {"a": -1}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.params.a: must be in (0, 1000], got -1"),
    (r#"{"function": {"name": "booth"}, "start": [0], "steps": 5, "optimizers": []}"#,
     "-: start: must be a list of two numbers"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 2.5, "optimizers": []}"#,
     "-: steps: must be a whole number in [0, 100000], got 2.5"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adam"}]}"#,
     "-: optimizers[0].lr: is required"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adam", "lr": -0.1}]}"#,
     "-: optimizers[0].lr: must be a finite number >= 0, got -0.1"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adam", "lr": 0.1, "betas": [0.9, 1.0]}]}"#,
     "-: optimizers[0].betas[1]: must be in [0, 1), got 1"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adam", "lr": 0.1, "momentum": 0.9}]}"#,
     "-: optimizers[0].momentum: unknown key; allowed here: name, lr, betas, eps, weight_decay, amsgrad, clip, schedule, color, enabled, maximize, batch_size, grad_noise, accumulate"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "batch_size": 4, "optimizers": []}"#,
     "-: batch_size: only a model fitted to data (linear_regression, logistic_regression, least_squares_2d) has rows to batch"),
    (r#"{"function": {"name": "linear_regression", "generate": {"n": 50}}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1, "batch_size": 0}]}"#,
     "-: optimizers[0].batch_size: must be a whole number in [1, 5000], got 0"),
    (r#"{"function": {"name": "linear_regression", "generate": {"n": 50}}, "start": [0, 0], "steps": 5, "batch_size": 51, "optimizers": []}"#,
     "-: batch_size: must be a whole number in [1, 50] (the dataset has 50 rows) or \"full\", got 51"),
    (r#"{"function": {"name": "linear_regression"}, "start": [0, 0], "steps": 5, "grad_noise": 0.1, "optimizers": []}"#,
     "-: grad_noise: applies to formula functions; linear_regression's gradients are noisy through batch_size instead"),
    (r#"{"function": {"name": "linear_regression", "data": {"x": [1, 2, 3], "y": [1, 2]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data.y: must hold as many values as x (3), got 2"),
    (r#"{"function": {"name": "logistic_regression", "data": {"x": [1, 2, 3], "y": [1, 0, 2]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data.y[2]: must be 0 or 1 for logistic regression, got 2"),
    (r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2], 3], "y": [1, 2]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data.x[1]: must be a row's two features [x1, x2], got a number"),
    (r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2], [3, "a"]], "y": [1, 2]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data.x[1][1]: must be a number (in [-10000, 10000]), got a string"),
    (r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2], [1, 3]], "y": [1, 2]}, "standardize": true}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.standardize: x1 is the same in every row, so it cannot be rescaled to variance 1; leave standardize off or vary x1"),
    (r#"{"function": {"name": "least_squares_2d", "standardize": 1}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.standardize: must be true or false, got a number"),
    (r#"{"function": {"name": "linear_regression", "standardize": true}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.standardize: unknown key; allowed here: name, data, generate, params"),
    (r#"{"function": {"name": "least_squares_2d", "generate": {"w": 2}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.generate.w: unknown key; allowed here: n, rho, scale, w1, w2, noise, seed"),
    (r#"{"function": {"name": "least_squares_2d", "generate": {"rho": 1.5}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.generate.rho: must be in [-1, 1], got 1.5"),
    (r#"{"function": {"name": "least_squares_2d", "generate": {"scale": 0}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.generate.scale: must be in (0, 100], got 0"),
    (r#"{"function": {"name": "booth", "data": {"x": [1, 2], "y": [1, 2]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data: unknown key; allowed here: name, params"),
    (r#"{"function": {"name": "linear_regression", "generate": {"n": 1}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.generate.n: must be a whole number in [2, 5000], got 1"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "stop": {"grad_tol": 0}, "optimizers": []}"#,
     "-: stop.grad_tol: must be a finite number > 0, got 0"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "accumulate": 0, "optimizers": []}"#,
     "-: accumulate: must be a whole number in [1, 1000], got 0"),
    (r#"{"function": {"name": "linear_regression", "data": {"x": [1, 2], "y": [1, 1e200]}}, "start": [0, 0], "steps": 5, "optimizers": []}"#,
     "-: function.data.y[1]: must be in [-10000, 10000], got 1e200"),
    (r#"{"function": {"name": "logistic_regression", "generate": {"n": 5000}}, "start": [0, 0], "steps": 100000, "optimizers": [{"name": "sgd", "lr": 0.1}]}"#,
     "-: steps: this experiment asks for 1.00e9 row evaluations"),
    // L-BFGS's two-loop recursion over a long history: its own work counts.
    (r#"{"function": {"name": "rastrigin"}, "start": [-3, 3], "steps": 24000, "optimizers": [{"name": "lbfgs", "lr": 1, "max_iter": 100, "max_eval": 1000, "history_size": 1000, "tolerance_grad": 0, "tolerance_change": 0}]}"#,
     "-: optimizers[0].history_size: L-BFGS's history makes this experiment as long as 7.69e8 row evaluations"),
    (r#"{"function": {"name": "mlp", "hidden": [64, 64, 64], "dataset": {"name": "xor", "n": 3}}, "steps": 30, "optimizers": [{"name": "lbfgs", "lr": 1, "max_iter": 100, "max_eval": 1000, "history_size": 1000, "tolerance_grad": 0, "tolerance_change": 0}]}"#,
     "-: optimizers[0].history_size: training asks for about"),
    // Its state kept at every step (the inspector, --state): 860 MB here before.
    (r#"{"function": {"name": "rosenbrock"}, "start": [-1, 1], "steps": 75000, "optimizers": [{"name": "lbfgs", "lr": 1}]}"#,
     "-: optimizers[0].history_size: the runs' state at every step"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "l2": -1, "optimizers": []}"#,
     "-: l2: must be in [0, 1000], got -1"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1, "nesterov": true}]}"#,
     "-: optimizers[0].nesterov: Nesterov momentum needs momentum > 0 and dampening = 0"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1, "clip": {"max_norm": 1, "clip_value": 1}}]}"#,
     "-: optimizers[0].clip: must hold exactly one of max_norm"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1, "schedule": {"name": "cosine"}}]}"#,
     "-: optimizers[0].schedule.T_max: is required"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1, "schedule": {"name": "warmup"}}]}"#,
     "-: optimizers[0].schedule.name: unknown schedule \"warmup\"; choose one of step, exponential, cosine, linear, inverse_time, multistep, constant, polynomial, cosine_warm_restarts, cyclic, onecycle, plateau, sequential"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "rmsprop", "lr": 0.1, "centered": "yes"}]}"#,
     "-: optimizers[0].centered: must be true or false, got a string"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adadelta", "lr": 1, "rho": 1.5}]}"#,
     "-: optimizers[0].rho: must be in [0, 1], got 1.5"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "lbfgs", "lr": 1, "line_search_fn": "wolfe"}]}"#,
     "-: optimizers[0].line_search_fn: must be null (None) or one of \"strong_wolfe\", got \"wolfe\""),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "lbfgs", "lr": 1, "max_eval": 2.5}]}"#,
     "-: optimizers[0].max_eval: must be a whole number in [1, 1000] or null (None), got 2.5"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "lbfgs", "lr": 1, "max_iter": null}]}"#,
     "-: optimizers[0].max_iter: must be a whole number in [1, 100], got null"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 100, "optimizers": [{"name": "sgd", "lr": 0.1, "schedule": {"name": "onecycle", "max_lr": 0.1, "total_steps": 100, "pct_start": 0.01}}]}"#,
     "-: optimizers[0].schedule.pct_start: 0.01 of a 100-step cycle leaves a phase of no steps, where torch's OneCycleLR divides by zero; choose another pct_start"),
    (r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adafactor", "lr": 0.1, "d": 0.5}]}"#,
     "-: optimizers[0].d: must be a finite number >= 1, got 0.5"),
];

#[test]
fn bad_experiments_print_one_line_naming_the_problem() {
    for (input, want) in BAD {
        let out = optiviz(&["run", "-"], input);
        assert_one_line_error(&out, want, &format!("for {input}"));
    }
}

#[test]
fn a_missing_file_or_bad_flag_is_reported() {
    let out = optiviz(&["run", "/nonexistent/exp.json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/exp.json"));
    let out = optiviz(&["run", "-", "--format", "xml"], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format must be json or csv"));
    let out = optiviz(&["frobnicate"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn listings_name_every_function_and_optimizer() {
    let f = String::from_utf8(optiviz(&["functions"], "").stdout).unwrap();
    for name in ["quadratic", "levi13", "goldstein_price"] {
        assert!(f.contains(name));
    }
    let o = String::from_utf8(optiviz(&["optimizers"], "").stdout).unwrap();
    for name in [
        "sgd",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adam",
        "adamw",
        "nadam",
        "adamax",
        "radam",
        "rprop",
        "asgd",
        "adafactor",
        "lbfgs",
    ] {
        assert!(
            o.lines().any(|l| l.starts_with(&format!("{name} ("))),
            "{name}"
        );
    }
}

#[test]
fn analyze_reports_the_local_shape_at_the_start_the_points_and_the_minima() {
    // Himmelblau: four minima; at (0, 0) a local maximum's neighbourhood.
    let exp =
        r#"{"function": {"name": "himmelblau"}, "start": [1, 1], "steps": 0, "optimizers": []}"#;
    let out = optiviz(
        &["analyze", "-", "--at", "0,0", "--at", "-0.270845,-0.923039"],
        exp,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    assert_eq!(points[0]["point"], serde_json::json!([1.0, 1.0]));
    // f = (x² + y − 11)² + (x + y² − 7)²: at the origin fxx = −42, fxy = 0, fyy = −26.
    assert_eq!(points[1]["value"], 170.0);
    assert_eq!(points[1]["gradient"], serde_json::json!([-14.0, -22.0]));
    assert_eq!(
        points[1]["hessian"],
        serde_json::json!([[-42.0, 0.0], [0.0, -26.0]])
    );
    assert_eq!(points[1]["eigenvalues"], serde_json::json!([-42.0, -26.0]));
    assert_eq!(
        points[1]["eigenvectors"],
        serde_json::json!([[1.0, 0.0], [0.0, 1.0]])
    );
    // The local maximum near (−0.27, −0.92): both curvatures negative.
    let ev = points[2]["eigenvalues"].as_array().unwrap();
    assert!(ev.iter().all(|e| e.as_f64().unwrap() < 0.0), "{ev:?}");
    let minima = v["minima"].as_array().unwrap();
    assert_eq!(minima.len(), 4);
    for m in minima {
        let g = m["gradient"].as_array().unwrap();
        assert!(g.iter().all(|g| g.as_f64().unwrap().abs() < 1e-9), "{m}");
        assert!(m["eigenvalues"][0].as_f64().unwrap() > 0.0, "{m}");
        assert!(m["condition"].as_f64().unwrap() >= 1.0);
        assert_eq!(m["found_numerically"], false);
    }
    // A data model, with its L2 term: the Hessian of (1/n)Σ(wx + b − y)² + l2·|θ|².
    let exp = r#"{"function": {"name": "linear_regression", "data": {"x": [0, 1, 2], "y": [1, 2, 4]}},
                  "l2": 0.5, "start": [0, 0], "steps": 0, "optimizers": []}"#;
    let v: Value = serde_json::from_slice(&optiviz(&["analyze", "-"], exp).stdout).unwrap();
    let h = &v["points"][0]["hessian"];
    let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-12;
    assert!(
        close(&h[0][0], 2.0 * 5.0 / 3.0 + 1.0) && close(&h[0][1], 2.0) && close(&h[1][1], 3.0),
        "{h}"
    );
}

#[test]
fn analyze_finds_a_typed_functions_minima_and_says_so() {
    let exp = r#"{"function": {"name": "custom", "expr": "(x^2 - 1)^2 + (y - a)^2", "params": {"a": 0.5}},
                  "start": [0, 0], "steps": 0, "optimizers": []}"#;
    let v: Value = serde_json::from_slice(&optiviz(&["analyze", "-"], exp).stdout).unwrap();
    let minima = v["minima"].as_array().unwrap();
    assert_eq!(minima.len(), 2, "{v}");
    for m in minima {
        assert_eq!(m["found_numerically"], true);
        assert!(
            (m["point"][0].as_f64().unwrap().abs() - 1.0).abs() < 1e-9,
            "{m}"
        );
        assert!((m["point"][1].as_f64().unwrap() - 0.5).abs() < 1e-9, "{m}");
        // fxx = 12x² − 4 = 8, fyy = 2 at the minima.
        assert!(
            (m["eigenvalues"][1].as_f64().unwrap() - 8.0).abs() < 1e-6,
            "{m}"
        );
    }
    // The start is a saddle: one curvature each way, no finite condition number issue.
    assert_eq!(
        v["points"][0]["eigenvalues"],
        serde_json::json!([-4.0, 2.0])
    );
}

#[test]
fn analyze_rejects_bad_points_and_bad_formulas_with_one_line() {
    let exp = r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 0, "optimizers": []}"#;
    for (args, want) in [
        (vec!["analyze", "-", "--at"], "--at needs a point: X,Y"),
        (
            vec!["analyze", "-", "--at", "1"],
            "--at must be two finite numbers X,Y, got '1'",
        ),
        (
            vec!["analyze", "-", "--at", "1,b"],
            "--at must be two numbers X,Y, got '1,b'",
        ),
        (
            vec!["analyze", "-", "--at", "1,inf"],
            "--at must be two finite numbers X,Y, got '1,inf'",
        ),
        (vec!["analyze"], "analyze needs an experiment file"),
    ] {
        assert_one_line_error(&optiviz(&args, exp), want, &format!("{args:?}"));
    }
    let deep = format!("{}x{}", "(".repeat(200), ")".repeat(200));
    let hostile = [
        (
            deep.as_str(),
            "function.expr: column 102: nested deeper than 100 levels",
        ),
        (
            "1e999*x",
            "function.expr: column 1: 1e999 is too large for a float",
        ),
        (
            "<script>alert(1)</script>",
            "function.expr: column 1: '<' is not part of a formula",
        ),
        ("", "function.expr: is empty"),
        (
            "atan2(x)",
            "function.expr: column 1: atan2 takes 2 arguments",
        ),
    ];
    for (text, want) in hostile {
        let exp = serde_json::json!({"function": {"name": "custom", "expr": text}, "start": [0, 0], "steps": 1, "optimizers": []});
        for cmd in ["run", "analyze"] {
            let context = format!("{cmd} {}", &text[..text.len().min(30)]);
            assert_one_line_error(
                &optiviz(&[cmd, "-"], &exp.to_string()),
                &format!("-: {want}"),
                &context,
            );
        }
    }
}

#[test]
fn analyze_gives_each_optimizers_stability_edge_at_each_minimum() {
    // 0.5(x² + 10y²): curvatures 1 and 10 at the origin.
    let exp = r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 10,
                  "optimizers": [{"name": "sgd", "lr": 0.21}, {"name": "sgd", "lr": 0.1, "momentum": 0.9},
                                 {"name": "sgd", "lr": 0.1, "momentum": 0.5, "nesterov": true},
                                 {"name": "sgd", "lr": 0.1, "weight_decay": 1}, {"name": "adam", "lr": 0.1}]}"#;
    let v: Value = serde_json::from_slice(&optiviz(&["analyze", "-"], exp).stdout).unwrap();
    let edges: Vec<Option<f64>> =
        serde_json::from_value(v["minima"][0]["stability_edges"].clone()).unwrap();
    let want = [
        Some(0.2),
        Some(0.38),
        Some(2.0 * 1.5 / 2.0 / 10.0),
        Some(2.0 / 11.0),
        None,
    ];
    for (got, want) in edges.iter().zip(want) {
        match (got, want) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12 * w, "{g} vs {w}"),
            (g, w) => assert_eq!(*g, w),
        }
    }
    // The start is not a minimum: no edges there.
    assert!(v["points"][0].get("stability_edges").is_none());
}

#[test]
fn sweep_prints_final_and_best_loss_and_status_per_learning_rate() {
    let exp = r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 100,
                  "optimizers": [{"name": "sgd", "lr": 0.1}]}"#;
    let out = optiviz(
        &["sweep", "-", "--from", "0.01", "--to", "1", "--count", "5"],
        exp,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lrs: Vec<f64> = serde_json::from_value(v["lrs"].clone()).unwrap();
    assert_eq!(lrs.len(), 5);
    assert_eq!((lrs[0], lrs[4]), (0.01, 1.0));
    assert!((lrs[2] - 0.1).abs() < 1e-15);
    let run = &v["runs"][0];
    assert_eq!(run["name"], "sgd");
    assert_eq!(run["label"], "sgd lr=0.1");
    // Below the edge at 0.2 it converges, above it diverges.
    let states: Vec<&str> = run["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert!(states[..3].iter().all(|s| *s != "diverged"), "{states:?}");
    assert_eq!(states[3..], ["diverged", "diverged"]);
    assert!(run["final_loss"][2].as_f64().unwrap() < 1e-6);
    assert!(run["best_loss"][4].as_f64().unwrap() <= 9.0 * 0.5 + 2.0 * 2.0 * 5.0);
    for (args, want) in [
        (
            vec!["sweep", "-", "--from", "0"],
            "--from must be a learning rate > 0, got 0",
        ),
        (
            vec!["sweep", "-", "--to", "x"],
            "--to must be a learning rate > 0, got 'x'",
        ),
        (
            vec!["sweep", "-", "--count", "0"],
            "--count must be a whole number from 1 to 1000, got '0'",
        ),
        (
            vec!["sweep", "-", "--from", "1", "--to", "0.5"],
            "--to must be a finite number >= --from (1), got 0.5",
        ),
    ] {
        assert_one_line_error(&optiviz(&args, exp), want, &format!("{args:?}"));
    }
}

/// An entry of every optimizer, the wrappers around SGD with momentum.
fn every_optimizer(lr: f64) -> Vec<Value> {
    optiviz::optim::REGISTRY
        .iter()
        .map(|d| match d.wraps {
            Some(w) if w.default.is_none() => {
                serde_json::json!({"name": d.name, "lr": lr, w.key: {"name": "sgd", "momentum": 0.9}})
            }
            // A typed rule: Adam written out.
            _ if d.name == optiviz::optim::typed::NAME => {
                let t = optiviz::optim::typed::TEMPLATES
                    .iter()
                    .find(|t| t.id == "adam")
                    .unwrap();
                let named = |list: Vec<(String, f64)>| {
                    list.into_iter()
                        .map(|(n, v)| (n, serde_json::json!(v)))
                        .collect::<serde_json::Map<_, _>>()
                };
                let rule = t.rule();
                serde_json::json!({"name": d.name, "lr": lr, "update": t.update,
                    "hyper": named(rule.hyper), "state": named(rule.state)})
            }
            _ => serde_json::json!({"name": d.name, "lr": lr}),
        })
        .collect()
}

/// The index `optiviz tune` must choose from a sweep's run, found here
/// from the sweep's own output: the lowest final loss of the runs that did
/// not diverge, the smaller rate on a tie.
fn best_of_sweep(run: &Value) -> Option<usize> {
    let losses = run["final_loss"].as_array().unwrap();
    let status = run["status"].as_array().unwrap();
    let mut best: Option<(usize, f64)> = None;
    for (j, (l, s)) in losses.iter().zip(status).enumerate() {
        let (Some(l), false) = (l.as_f64(), s["state"] == "diverged") else {
            continue;
        };
        if best.is_none_or(|(_, b)| l < b) {
            best = Some((j, l));
        }
    }
    best.map(|(j, _)| j)
}

#[test]
fn tune_sets_each_optimizer_to_its_best_rate_of_the_sweep() {
    let all = every_optimizer(0.003);
    // An experiment holds at most 16: every optimizer, in two halves.
    let (first, second) = all.split_at(all.len() / 2);
    for (function, optimizers) in [
        (r#"{"name": "rosenbrock"}, "start": [-1.5, 2]"#, first),
        (r#"{"name": "rosenbrock"}, "start": [-1.5, 2]"#, second),
        (r#"{"name": "himmelblau"}, "start": [0.5, -3]"#, first),
        (r#"{"name": "himmelblau"}, "start": [0.5, -3]"#, second),
    ] {
        let exp = format!(
            r#"{{"function": {function}, "steps": 60, "optimizers": {}}}"#,
            Value::Array(optimizers.to_vec())
        );
        let rates = ["--from", "1e-4", "--to", "3", "--count", "9"];
        let sweep = optiviz(&[&["sweep", "-"][..], &rates].concat(), &exp);
        let tune = optiviz(&[&["tune", "-"][..], &rates].concat(), &exp);
        assert!(
            tune.status.success(),
            "{}",
            String::from_utf8_lossy(&tune.stderr)
        );
        let sweep: Value = serde_json::from_slice(&sweep.stdout).unwrap();
        let tune: Value = serde_json::from_slice(&tune.stdout).unwrap();
        assert_eq!(tune["lrs"], sweep["lrs"]);
        let lrs = sweep["lrs"].as_array().unwrap();
        let runs = sweep["runs"].as_array().unwrap();
        assert_eq!(runs.len(), optimizers.len());
        for (i, run) in runs.iter().enumerate() {
            let t = &tune["tuned"][i];
            let o = &tune["experiment"]["optimizers"][i];
            assert_eq!(t["name"], run["name"]);
            match best_of_sweep(run) {
                Some(j) => {
                    assert_eq!(t["lr"], lrs[j], "{}", run["name"]);
                    assert_eq!(o["lr"], lrs[j], "{}", run["name"]);
                    assert_eq!(t["final_loss"], run["final_loss"][j]);
                    assert_eq!(t["all_diverged"], false);
                }
                None => {
                    assert_eq!(t["lr"], 0.003);
                    assert_eq!(t["all_diverged"], true);
                }
            }
            let count = |state: &str| {
                run["status"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["state"] == state)
                    .count()
            };
            assert_eq!(t["converged"], count("converged"));
            assert_eq!(t["not_diverged"], lrs.len() - count("diverged"));
        }
        // What tune prints is an experiment the rest of the tools read.
        let again = optiviz(&["run", "-"], &tune["experiment"].to_string());
        assert!(
            again.status.success(),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
    }
}

#[test]
fn tune_keeps_the_rate_of_an_optimizer_whose_every_rate_diverges() {
    // On the quadratic (curvature 10 along y) SGD diverges at every rate past 0.2.
    let exp = r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 100,
                  "optimizers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.05}]}"#;
    let out = optiviz(
        &["tune", "-", "--from", "0.5", "--to", "2", "--count", "4"],
        exp,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tuned"][0]["all_diverged"], true);
    assert_eq!(v["tuned"][0]["lr"], 0.05);
    assert_eq!(v["tuned"][0]["final_loss"], Value::Null);
    assert_eq!(v["experiment"]["optimizers"][0]["lr"], 0.05);
    assert_eq!(v["tuned"][1]["all_diverged"], false);
    assert_one_line_error(
        &optiviz(&["tune", "-", "--count", "0"], exp),
        "--count must be a whole number from 1 to 1000, got '0'",
        "tune --count 0",
    );
}

#[test]
fn basins_map_where_each_start_ends() {
    let exp = r#"{"function": {"name": "himmelblau"}, "start": [0, 0], "steps": 200,
                  "optimizers": [{"name": "adam", "lr": 0.1}]}"#;
    let out = optiviz(&["basins", "-", "--grid", "6", "--view", "-5,5,-5,5"], exp);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["grid"], 6);
    assert_eq!(
        v["view"],
        serde_json::json!({"x": [-5.0, 5.0], "y": [-5.0, 5.0]})
    );
    assert_eq!(v["minima"].as_array().unwrap().len(), 4);
    let outcome = v["runs"][0]["outcome"].as_array().unwrap();
    let steps = v["runs"][0]["steps"].as_array().unwrap();
    assert_eq!((outcome.len(), steps.len()), (36, 36));
    for (o, s) in outcome.iter().zip(steps) {
        let o = o.as_i64().unwrap();
        assert!((-2..4).contains(&o));
        assert_eq!(
            o >= 0,
            s.is_u64(),
            "a step exactly where a minimum was reached"
        );
    }
    for (args, want) in [
        (
            vec!["basins", "-", "--grid", "0"],
            "--grid must be a whole number from 1 to 1024, got '0'",
        ),
        (
            vec!["basins", "-", "--view", "1,0,0,1"],
            "--view must be four numbers XMIN,XMAX,YMIN,YMAX",
        ),
    ] {
        assert_one_line_error(&optiviz(&args, exp), want, &format!("{args:?}"));
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    // As `optiviz run … | head -c 100`: the pipe is closed after the first
    // bytes; the CLI stops without a panic and exits 0, as Unix tools do.
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let long = ISSUE_EXAMPLE.replace("\"steps\": 300", "\"steps\": 20000");
    let mut child = Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(["run", "-", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(long.as_bytes())
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The read end is dropped here: the rest of the output meets a closed pipe.
    let out = child.wait_with_output().unwrap();
    assert!(head.starts_with(b"run,name,step"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "stderr: {err}");
    assert_eq!(out.status.code(), Some(0));
}
