//! The second set of PyTorch reference runs (`tests/data/reference2`): every
//! point, loss, learning rate and state key at every step, through
//! `optiviz run --state`, the command line's own path.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use serde_json::Value;
use std::path::PathBuf;

const TOLERANCE: f64 = 1e-9;

fn cases() -> Vec<(String, Value)> {
    cases_in("tests/data/reference2")
}

fn cases_in(folder: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
    common::json_files(dir)
        .iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Every number in `want` (a number, or an array of them, nested) against `got`,
/// as |got − want| / max(1, |want|); None when the shapes differ.
fn error(got: &Value, want: &Value) -> Option<f64> {
    match (got, want) {
        // torch's None in a state list (L-BFGS's unused `al` entries).
        (Value::Null, Value::Null) => Some(0.0),
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64()?, w.as_f64()?);
            Some((g - w).abs() / w.abs().max(1.0))
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
            .iter()
            .zip(w)
            .map(|(g, w)| error(g, w))
            .try_fold(0.0f64, |worst, e| Some(worst.max(e?))),
        _ => None,
    }
}

/// What differs between one run and its reference, one line per problem.
fn compare(run: &Value, reference: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    // A network's reference has its parameters where a surface's has points.
    let points = reference["points"]
        .as_array()
        .or(reference["params"].as_array())
        .unwrap();
    let until = reference["compare_until"]
        .as_u64()
        .map_or(points.len() - 1, |k| k as usize);
    // Per point (points, losses, a network's params) and per step (lrs,
    // state, func_evals, momenta, a network's layer gradient norms and
    // accuracy, recorded at the point each step starts from).
    for (key, per_step) in [
        ("points", false),
        ("params", false),
        ("losses", false),
        ("lrs", true),
        ("state", true),
        ("func_evals", true),
        ("momenta", true),
        ("layer_grad_norms", true),
        ("accuracy", true),
    ] {
        let Some(want) = reference[key].as_array() else {
            continue;
        };
        let Some(got) = run[key].as_array() else {
            problems.push(format!("{key}: missing from the run"));
            continue;
        };
        let n = if per_step { until } else { until + 1 }.min(want.len());
        if got.len() < n {
            problems.push(format!("{key}: {} entries, want at least {n}", got.len()));
            continue;
        }
        for k in 0..n {
            if key == "state" {
                let (g, w) = (got[k].as_object().unwrap(), want[k].as_object().unwrap());
                let mut gk: Vec<&String> = g.keys().collect();
                let mut wk: Vec<&String> = w.keys().collect();
                gk.sort();
                wk.sort();
                if gk != wk {
                    problems.push(format!("state[{k}]: keys {gk:?}, want {wk:?}"));
                    break;
                }
                for (name, wv) in w {
                    match error(&g[name], wv) {
                        Some(e) if e <= TOLERANCE => {}
                        e => {
                            problems.push(format!(
                                "state[{k}].{name}: {} vs {wv} (error {e:?})",
                                g[name]
                            ));
                        }
                    }
                }
            } else if key == "func_evals" {
                if got[k] != want[k] {
                    problems.push(format!("func_evals[{k}]: {} vs {}", got[k], want[k]));
                }
            } else {
                match error(&got[k], &want[k]) {
                    Some(e) if e <= TOLERANCE => {}
                    e => problems.push(format!(
                        "{key}[{k}]: {} vs {} (error {e:?})",
                        got[k], want[k]
                    )),
                }
            }
            if problems.len() > 3 {
                return problems;
            }
        }
    }
    problems
}

/// Runs every case in `folder` through `optiviz run -` with `flags` and
/// compares it with its reference; `also` checks the whole output further.
/// Returns the cases' problems.
fn check_folder(
    folder: &str,
    flags: &[&str],
    least: usize,
    also: impl Fn(&str, &Value),
) -> Vec<String> {
    let cases = cases_in(folder);
    assert!(
        cases.len() >= least,
        "reference cases missing: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (name, case) in &cases {
        let args = [&["run", "-"], flags].concat();
        let out = common::optiviz(&args, &case["experiment"].to_string());
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let problems = compare(&v["runs"][0], &case["reference"]);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
        also(name, &v);
    }
    failures
}

#[test]
fn every_second_set_case_matches_pytorch_with_its_state() {
    let failures = check_folder("tests/data/reference2", &["--state"], 7, |_, _| {});
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What every network run holds beyond its reference: its points are the
/// parameters' place on the plane, which starts at the initial weights.
fn check_plane(name: &str, v: &Value) {
    assert_eq!(
        v["runs"][0]["points"][0],
        serde_json::json!([0.0, 0.0]),
        "{name}"
    );
    let explained = v["plane"]["explained"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&explained), "{name}: {explained}");
}

#[test]
fn mlp_training_matches_pytorch_parameters_losses_gradient_norms_and_accuracy() {
    let failures = check_folder("tests/data/reference2/mlp", &["--params"], 4, check_plane);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `make_reference_mlp.py`'s runs: every optimizer, the three activations,
/// one to four hidden layers, batch norm on full and mini-batches,
/// regression, clipping, L2, schedules and the initialization schemes; and
/// Adafactor's state, its weight matrices' row and column factors.
#[test]
fn more_mlp_training_runs_match_pytorch() {
    let failures = check_folder(
        "tests/data/reference2/mlp-extra",
        &["--params", "--state"],
        30,
        check_plane,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn without_state_a_run_records_none() {
    let (_, case) = &cases()[0];
    let out = common::optiviz(&["run", "-"], &case["experiment"].to_string());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["runs"][0].get("state").is_none());
}

/// The typed functions' value, gradient and Hessian at torch's points,
/// through `optiviz analyze --at`, against torch autograd's.
#[test]
fn analyze_gives_torch_autograds_derivatives() {
    let mut seen = 0;
    for (name, case) in cases() {
        let Some(want) = case["reference"]["derivatives"].as_array() else {
            continue;
        };
        let mut args = vec!["analyze".to_string(), "-".to_string()];
        for d in want {
            args.push("--at".into());
            args.push(format!("{},{}", d["point"][0], d["point"][1]));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::optiviz(&args, &case["experiment"].to_string());
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // The start comes first, then the points asked about.
        let got = &v["points"].as_array().unwrap()[1..];
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g["point"], w["point"], "{name}");
            for key in ["value", "gradient", "hessian"] {
                let e = error(&g[key], &w[key]);
                assert!(
                    e.is_some_and(|e| e <= TOLERANCE),
                    "{name} at {}: {key} {} vs {} (error {e:?})",
                    w["point"],
                    g[key],
                    w[key]
                );
            }
        }
        seen += 1;
    }
    assert!(seen >= 15, "typed-function cases: {seen}");
}
