//! Links keep their meaning: every link of the corpus (tests/data/links.json,
//! written by the page's link code as it stood on 2026-12-07) opens the same
//! experiment, and its runs give the same points and losses bit for bit.
//! The corpus is kept as it is; a change that breaks a link fails here.

mod common;

use common::paths_hash;
use optiviz::engine::Runs;
use optiviz::experiment::link;
use serde_json::Value;

#[test]
fn every_link_of_the_corpus_opens_the_same_experiment_and_runs() {
    let doc: Value =
        serde_json::from_str(include_str!("data/links.json")).expect("the corpus is JSON");
    let cases = doc["cases"].as_array().expect("a list of cases");
    assert!(cases.len() > 200, "the corpus lost links: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let text = case["link"].as_str().unwrap();
        let exp = match link::decode(text) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{text}: no longer opens: {e}"));
                continue;
            }
        };
        let got: Value = serde_json::from_str(&exp.to_json()).unwrap();
        if got != case["experiment"] {
            failures.push(format!(
                "{text}: opens another experiment\n got: {got}\nwant: {}",
                case["experiment"]
            ));
            continue;
        }
        let (_, runs) = exp.surface_and_runs(Default::default());
        let hash = paths_hash(&runs);
        if hash != case["hash"].as_str().unwrap() {
            failures.push(format!("{text}: its runs changed ({hash})"));
        }
        // What the page writes for it is read back the same.
        let again = link::decode(&link::encode(&exp).unwrap()).unwrap();
        assert_eq!(again.to_json(), exp.to_json(), "{text}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
