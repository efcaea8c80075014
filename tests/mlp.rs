//! MLP experiments through the command line: a run with its plane, the
//! figure, a learning-rate sweep, and the errors that name what is wrong.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::optiviz;
use serde_json::{json, Value};

fn experiment() -> Value {
    json!({
        "function": {"name": "mlp", "hidden": [6, 4], "activation": "relu",
                     "dataset": {"name": "xor", "n": 80, "noise": 0.05, "seed": 2},
                     "init_seed": 3},
        "steps": 100,
        "batch_size": 16,
        "seed": 5,
        "optimizers": [{"name": "adam", "lr": 0.05}, {"name": "sgd", "lr": 0.1, "momentum": 0.9},
                       {"name": "lbfgs", "lr": 0.5, "max_iter": 3}]
    })
}

fn run(exp: &Value, args: &[&str]) -> Value {
    let mut all = vec!["run", "-"];
    all.extend(args);
    let out = optiviz(&all, &exp.to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn adafactor_trains_a_network_with_each_weight_matrix_factored() {
    // A 2-6-4-1 network: weights 6 × 2, 4 × 6 and 1 × 4, biases 6, 4 and 1.
    let mut exp = experiment();
    exp["optimizers"] = json!([{"name": "adafactor", "lr": 0.05}]);
    let v = run(&exp, &["--state"]);
    let r = &v["runs"][0];
    let losses = r["losses"].as_array().unwrap();
    assert_eq!(losses.len(), 101);
    assert!(losses[100].as_f64().unwrap() < losses[0].as_f64().unwrap());
    let state = r["state"][99].as_object().unwrap();
    let mut keys: Vec<&String> = state.keys().collect();
    keys.sort();
    assert_eq!(keys, ["col_var", "row_var", "step", "variance"]);
    assert_eq!(state["step"], json!(100.0));
    let len = |k: &str| state[k].as_array().unwrap().len();
    // Each matrix keeps a value per row and per column, each bias per entry.
    assert_eq!(len("row_var"), 6 + 4 + 1);
    assert_eq!(len("col_var"), 2 + 6 + 4);
    assert_eq!(len("variance"), 6 + 4 + 1);
}

#[test]
fn a_run_gives_every_optimizer_on_one_plane_with_its_accuracy_and_layer_norms() {
    let v = run(&experiment(), &["--params"]);
    let plane = &v["plane"];
    let n = 2 * 6 + 6 + 6 * 4 + 4 + 4 + 1;
    assert_eq!(plane["origin"].as_array().unwrap().len(), n);
    assert_eq!(plane["directions"].as_array().unwrap().len(), 2);
    let explained = plane["explained"].as_f64().unwrap();
    assert!(explained > 0.3 && explained <= 1.0, "{explained}");
    for r in v["runs"].as_array().unwrap() {
        let points = r["points"].as_array().unwrap();
        let params = r["params"].as_array().unwrap();
        assert_eq!(points.len(), params.len());
        assert_eq!(points[0], json!([0.0, 0.0]));
        assert_eq!(params[0], plane["origin"]);
        assert_eq!(r["accuracy"].as_array().unwrap().len(), points.len());
        let norms = r["layer_grad_norms"].as_array().unwrap();
        assert_eq!(norms.len(), r["grad_norms"].as_array().unwrap().len());
        assert!(norms.iter().all(|l| l.as_array().unwrap().len() == 3));
        // Mini-batches of 16 from 80 rows: a fifth of an epoch a step.
        let epochs = r["epochs"].as_array().unwrap();
        if r["name"] != "lbfgs" {
            assert!(
                (epochs[4].as_f64().unwrap() - 1.0).abs() < 1e-12,
                "{}",
                epochs[4]
            );
        }
    }
    // Adam learns xor: its accuracy rises.
    let adam = &v["runs"][0]["accuracy"];
    let (first, last) = (adam[0].as_f64().unwrap(), adam[100].as_f64().unwrap());
    assert!(last >= first + 0.3, "{first} → {last}");
    // Without --params, no parameters; the same points.
    let plain = run(&experiment(), &[]);
    assert!(plain["runs"][0].get("params").is_none());
    assert_eq!(plain["runs"][0]["points"], v["runs"][0]["points"]);
}

#[test]
fn clipping_by_norm_holds_every_step_to_the_norm_over_all_parameters() {
    let mut exp = experiment();
    exp["optimizers"] = json!([{"name": "sgd", "lr": 1.0, "clip": {"max_norm": 0.01}}]);
    exp["batch_size"] = json!("full");
    let v = run(&exp, &["--params"]);
    let params = v["runs"][0]["params"].as_array().unwrap();
    for w in params.windows(2) {
        let step: f64 = w[0]
            .as_array()
            .unwrap()
            .iter()
            .zip(w[1].as_array().unwrap())
            .map(|(a, b)| (a.as_f64().unwrap() - b.as_f64().unwrap()).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(step <= 0.01 + 1e-12, "{step}");
    }
}

#[test]
fn the_figure_and_a_sweep_work_and_basins_say_why_not() {
    let exp = experiment().to_string();
    let dir = std::env::temp_dir().join(format!("optiviz-mlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("mlp.svg");
    let out = optiviz(&["render", "-", "-o", svg.to_str().unwrap()], &exp);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("adam lr=0.05"));
    std::fs::remove_dir_all(&dir).ok();

    let out = optiviz(
        &["sweep", "-", "--from", "0.001", "--to", "1", "--count", "4"],
        &exp,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"].as_array().unwrap().len(), 3);
    // The sweep's run at the experiment's own lr is the experiment's run.
    let direct = run(&experiment(), &[]);
    let mut at = experiment();
    at["optimizers"] = json!([{"name": "adam", "lr": 0.001}]);
    let one = run(&at, &[]);
    assert_eq!(
        v["runs"][0]["final_loss"][0],
        *one["runs"][0]["losses"].as_array().unwrap().last().unwrap()
    );
    assert!(direct["runs"][0]["losses"].as_array().unwrap().len() == 101);

    let out = optiviz(&["basins", "-"], &exp);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("initial weights"));
}

#[test]
fn mistakes_are_named() {
    let mut with_start = experiment();
    with_start["start"] = json!([0, 0]);
    let out = optiviz(&["run", "-"], &with_start.to_string());
    assert!(!out.status.success());
    common::assert_one_line_error(&out, "-: start: ", "start");

    let mut noisy = experiment();
    noisy["grad_noise"] = json!(0.1);
    let out = optiviz(&["run", "-"], &noisy.to_string());
    common::assert_one_line_error(&out, "-: grad_noise: ", "grad_noise");

    let mut big = experiment();
    big["batch_size"] = json!(81);
    let out = optiviz(&["run", "-"], &big.to_string());
    common::assert_one_line_error(&out, "-: batch_size: ", "batch_size");

    let mut long = experiment();
    long["function"]["hidden"] = json!([64, 64, 64]);
    long["steps"] = json!(100000);
    let out = optiviz(&["run", "-"], &long.to_string());
    common::assert_one_line_error(&out, "-: steps: ", "steps");

    let formula = json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 3,
                         "optimizers": [{"name": "sgd", "lr": 0.1}]});
    let out = optiviz(&["run", "-", "--params"], &formula.to_string());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--params is for an MLP"));
}
