//! The third set of reference runs (`tests/data/reference3`, its networks in
//! `mlp/`): Muon from torch 2.15 and Lion, AdaBelief, ADOPT, AdEMAMix,
//! schedule-free SGD and AdamW, Prodigy, SAM and Lookahead from
//! pytorch_optimizer 4.1.0. Every point (every parameter, on a network), loss
//! and extra series (eval, ascent and slow points) through `optiviz run`
//! (`--params` for a network), the command line's own path; tests/web.rs runs
//! the same cases in the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cases::{MLP3, REFERENCE3};
use common::reference::{check_set, is_network};
use serde_json::Value;

#[test]
fn every_third_set_case_matches_its_reference_with_its_series() {
    let failures = check_set(&REFERENCE3);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn third_set_networks_match_their_reference() {
    let failures = check_set(&MLP3);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The lists are the folders' (a file added or removed fails here), the
/// networks only in mlp/, and every new optimizer and each of its keys is
/// reached by some case.
#[test]
fn every_third_set_file_is_listed_and_every_key_is_covered() {
    let mut problems = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for set in [&REFERENCE3, &MLP3] {
        problems.extend(set.listing_problems());
        for (name, text) in set.cases {
            let case: Value = serde_json::from_str(text).unwrap();
            if is_network(&case) != set.params {
                problems.push(format!("{}/{name}: a network out of place", set.dir));
            }
            for o in case["experiment"]["optimizers"].as_array().unwrap() {
                let opt = o["name"].as_str().unwrap().to_string();
                for key in o.as_object().unwrap().keys() {
                    seen.push((opt.clone(), key.clone()));
                }
            }
        }
    }
    for name in [
        "muon",
        "lion",
        "adabelief",
        "adopt",
        "ademamix",
        "schedulefree_sgd",
        "schedulefree_adamw",
        "prodigy",
        "sam",
        "lookahead",
    ] {
        let Some(def) = optiviz::optim::lookup(name) else {
            problems.push(format!("{name} is not an optimizer"));
            continue;
        };
        let keys = def
            .hyper
            .iter()
            .map(|h| h.name)
            .chain(def.wraps.map(|w| w.key));
        for key in keys {
            if !seen.iter().any(|(o, k)| o == name && k == key) {
                problems.push(format!("no case sets {name}'s {key}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
