//! Every PyTorch reference case of the first set (tests/data/reference), run
//! through `optiviz run` (the same code path as the command line), matches
//! at every step; tests/web.rs runs the same cases with the same check in
//! the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cases::REFERENCE;
use common::reference::{check_first, parse_case};
use serde_json::Value;

fn run_cli(experiment: &Value) -> Value {
    let out = common::optiviz(&["run", "-"], &experiment.to_string());
    assert!(
        out.status.success(),
        "optiviz run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("optiviz prints JSON")
}

#[test]
fn every_reference_case_matches_pytorch() {
    let mut failures = Vec::new();
    for (name, text) in REFERENCE.cases {
        let case = parse_case(text);
        assert_eq!(&case.id, name, "a case's id is its file's name");
        let problems = check_first(&case, &run_cli(&case.experiment));
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_diverging_reference_case_is_reported_as_diverged() {
    let (_, text) = REFERENCE
        .cases
        .iter()
        .find(|(id, _)| *id == "quadratic-gd-diverge")
        .unwrap();
    let case = parse_case(text);
    let out = run_cli(&case.experiment);
    assert_eq!(out["runs"][0]["status"]["state"], "diverged");
}

/// The list the native and the wasm tests run (tests/common/cases.rs) is
/// the folder's: a case file added or removed fails here (a removed one
/// fails to compile first).
#[test]
fn every_reference_file_is_listed() {
    let problems = REFERENCE.listing_problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
