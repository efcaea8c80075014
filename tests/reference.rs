//! Every PyTorch reference case, run through `optiviz run` (the same code path
//! as the command line), matches at every step.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{reference_cases, worst_error};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

const TOLERANCE: f64 = 1e-9;

fn run_cli(experiment: &Value) -> Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("optiviz runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(experiment.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "optiviz run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("optiviz prints JSON")
}

#[test]
fn every_reference_case_matches_pytorch() {
    let cases = reference_cases();
    assert!(
        cases.len() >= 60,
        "reference cases missing: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let out = run_cli(&case.experiment);
        let run = &out["runs"][0];
        let points: Vec<[f64; 2]> = run["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
            .collect();
        let losses: Vec<f64> = run["losses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        if case.non_finite {
            let status = &run["status"];
            if status["state"] != "diverged" {
                failures.push(format!(
                    "{}: torch overflowed but the status is {status}",
                    case.id
                ));
            }
        }
        if points.len() != case.points.len() {
            failures.push(format!(
                "{}: {} points, reference has {}",
                case.id,
                points.len(),
                case.points.len()
            ));
            continue;
        }
        let (err, step) = worst_error(&points, &case.points);
        if err > TOLERANCE {
            failures.push(format!(
                "{}: step {step}: got {:?}, reference {:?} (relative error {err:.2e})",
                case.id, points[step], case.points[step]
            ));
        }
        for (k, (l, r)) in losses.iter().zip(&case.losses).enumerate() {
            if (l - r).abs() > TOLERANCE * r.abs().max(1.0) {
                failures.push(format!("{}: loss at step {k}: {l} vs {r}", case.id));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_diverging_reference_case_is_reported_as_diverged() {
    let case = reference_cases()
        .into_iter()
        .find(|c| c.id == "quadratic-gd-diverge")
        .unwrap();
    let out = run_cli(&case.experiment);
    assert_eq!(out["runs"][0]["status"]["state"], "diverged");
}

#[test]
fn the_wasm_test_covers_every_reference_file() {
    let web =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/web.rs")).unwrap();
    for case in reference_cases() {
        assert!(
            web.contains(&format!("\"{}\",", case.id)),
            "tests/web.rs does not list {}",
            case.id
        );
    }
}
