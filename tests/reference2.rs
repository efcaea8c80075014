//! The second set of PyTorch reference runs (`tests/data/reference2`, and
//! its networks in `mlp/` and `mlp-extra/`): every point, loss, learning
//! rate and state key at every step, through `optiviz run --state`
//! (`--params` for a network), the command line's own path. The cases are
//! the lists of tests/common/cases.rs, which tests/web.rs runs with the same
//! check in the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cases::{MLP, MLP_EXTRA, REFERENCE2};
use common::reference::check_set;
use common::reference::{check_derivatives, derivative_points, is_network};
use serde_json::Value;

#[test]
fn every_second_set_case_matches_pytorch_with_its_state() {
    let failures = check_set(&REFERENCE2);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mlp_training_matches_pytorch_parameters_losses_gradient_norms_and_accuracy() {
    let failures = check_set(&MLP);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `make_reference_mlp.py`'s runs: every optimizer, the three activations,
/// one to four hidden layers, batch norm on full and mini-batches,
/// regression, clipping, L2, schedules and the initialization schemes; and
/// Adafactor's state, its weight matrices' row and column factors.
#[test]
fn more_mlp_training_runs_match_pytorch() {
    let failures = check_set(&MLP_EXTRA);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The lists the native and the wasm tests run (tests/common/cases.rs) are
/// the folders': a case file added or removed fails here (a removed one
/// fails to compile first). Networks are in their own folders, and only
/// there.
#[test]
fn every_second_set_file_is_listed() {
    let mut problems = Vec::new();
    for set in [&REFERENCE2, &MLP, &MLP_EXTRA] {
        problems.extend(set.listing_problems());
        for (name, text) in set.cases {
            let case: Value = serde_json::from_str(text).unwrap();
            if is_network(&case) != set.params {
                problems.push(format!("{}/{name}: a network out of place", set.dir));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn without_state_a_run_records_none() {
    let (_, text) = REFERENCE2.cases[0];
    let case: Value = serde_json::from_str(text).unwrap();
    let out = common::optiviz(&["run", "-"], &case["experiment"].to_string());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["runs"][0].get("state").is_none());
}

/// The typed functions' value, gradient and Hessian at torch's points,
/// through `optiviz analyze --at`, against torch autograd's (every typed
/// case has them, and the two-feature least-squares cases).
#[test]
fn analyze_gives_torch_autograds_derivatives() {
    let mut failures = Vec::new();
    for (name, text) in REFERENCE2.cases {
        let case: Value = serde_json::from_str(text).unwrap();
        let at = derivative_points(&case);
        let typed = case["experiment"]["function"]["name"] == "custom";
        assert!(
            !typed || !at.is_empty(),
            "{name}: a typed case without derivatives"
        );
        if at.is_empty() {
            continue;
        }
        let mut args = vec!["analyze".to_string(), "-".to_string()];
        for [x, y] in &at {
            args.push("--at".into());
            args.push(format!("{x},{y}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::optiviz(&args, &case["experiment"].to_string());
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let problems = check_derivatives(&case, &v);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rule every reference number is held by (tests/common/tolerance.rs):
/// a number alone to 1e-9 of itself, however small; a number in a list to
/// 1e-9 of itself or of the list's largest, at most 1.
#[test]
fn small_numbers_are_held_to_their_own_size() {
    use common::tolerance::{entry_error, TOLERANCE};
    use serde_json::json;
    let ok = |g: Value, w: Value| entry_error(&g, &w).unwrap() <= TOLERANCE;
    // NAdam's mu_product of 1e-15: 1e-22 off is 1e-7 of it.
    assert!(!ok(json!(1.0000001e-15), json!(1e-15)));
    assert!(ok(json!(1.0000000001e-15), json!(1e-15)));
    // A coordinate through zero beside one of size 1: the other's rounding.
    assert!(ok(json!([3e-3 + 5e-11, -1.0]), json!([3e-3, -1.0])));
    assert!(!ok(json!([3e-3 + 5e-9, -1.0]), json!([3e-3, -1.0])));
    // A list of small numbers is held to their size, not to 1.
    assert!(!ok(json!([2e-10, 1e-6]), json!([1e-10, 1e-6])));
    // Large lists keep the old floor of 1.
    assert!(!ok(json!([1e4, 0.5 + 2e-9]), json!([1e4, 0.5])));
    // torch's None where ours is None; a shape that differs is an error.
    assert!(ok(json!([null, 1.0]), json!([null, 1.0])));
    assert!(entry_error(&json!([1.0]), &json!([1.0, 2.0])).is_none());
}
