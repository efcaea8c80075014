//! The records the browser is held to (by tests/web.rs), held natively too
//! so they cannot rot.
//!
//! `optiviz run` prints, byte for byte, what it printed when the record was
//! made (tests/data/cli_run.out.json, for tests/data/cli_run.json, by
//! `cargo run --release -- run tests/data/cli_run.json`); the page's
//! JavaScript entry point must return the same, so the browser is compared
//! with the command line, not with itself. After a deliberate change to the
//! numbers, `OPTIVIZ_BLESS=1 cargo test --test records` writes it again.
//!
//! The bit-for-bit paths of tests/data/determinism.json (whose hashes
//! tests/stochastic.rs checks natively) take in every function family and
//! every optimizer.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{optiviz, CLI_RUN_EXPERIMENT, CLI_RUN_OUTPUT, DETERMINISM};
use serde_json::Value;

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

#[test]
fn the_bit_for_bit_paths_take_in_every_function_family_and_optimizer() {
    let doc: Value = serde_json::from_str(DETERMINISM).unwrap();
    let (mut families, mut optimizers) = (Vec::new(), Vec::new());
    for case in doc["cases"].as_array().unwrap() {
        let e = &case["experiment"];
        let family = match e["function"]["name"].as_str().unwrap() {
            "custom" => "typed formula",
            "mlp" => "network",
            name if optiviz::objectives::functions::lookup(name)
                .is_some_and(|d| d.model.is_some()) =>
            {
                name
            }
            _ => "formula",
        };
        families.push(family);
        for o in e["optimizers"].as_array().unwrap() {
            optimizers.push(o["name"].as_str().unwrap());
        }
    }
    for family in ["formula", "typed formula", "network"] {
        assert!(
            families.contains(&family),
            "no {family} in determinism.json"
        );
    }
    // Each data model of the functions' registry.
    for def in optiviz::objectives::functions::REGISTRY {
        if def.model.is_some() {
            assert!(
                families.contains(&def.name),
                "no {} in determinism.json",
                def.name
            );
        }
    }
    for def in optiviz::optim::REGISTRY {
        assert!(
            optimizers.contains(&def.name),
            "no {} in determinism.json",
            def.name
        );
    }
}
