//! The records the browser is held to (by tests/web.rs), held natively too
//! so they cannot rot.
//!
//! `optiviz run` prints, byte for byte, what it printed when the record was
//! made (tests/data/cli_run.out.json, for tests/data/cli_run.json, by
//! `cargo run --release -- run tests/data/cli_run.json`); the page's
//! JavaScript entry point must return the same, so the browser is compared
//! with the command line, not with itself. After a deliberate change to the
//! numbers, `OPTIVIZ_BLESS=1 cargo test --test records` writes it again.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{optiviz, CLI_RUN_EXPERIMENT, CLI_RUN_OUTPUT};

#[test]
fn optiviz_run_prints_the_recorded_output() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let file = format!("{dir}/tests/data/cli_run.json");
    let out = optiviz(&["run", &file], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    if std::env::var_os("OPTIVIZ_BLESS").is_some() {
        std::fs::write(format!("{dir}/tests/data/cli_run.out.json"), &printed).unwrap();
        return;
    }
    assert!(
        printed == CLI_RUN_OUTPUT,
        "optiviz run tests/data/cli_run.json no longer prints tests/data/cli_run.out.json"
    );
    // The record is of a run with every kind of ending: still moving,
    // converged, diverged; and L-BFGS's function evaluations.
    let v: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let states: Vec<&str> = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["moving", "converged", "moving", "diverged"]);
    let experiment: serde_json::Value = serde_json::from_str(CLI_RUN_EXPERIMENT).unwrap();
    assert_eq!(
        v["runs"].as_array().unwrap().len(),
        experiment["optimizers"].as_array().unwrap().len()
    );
}

