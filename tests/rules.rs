//! Typed update rules against the reference runs: every reference case
//! (PyTorch's and pytorch_optimizer's, surfaces, data models and networks)
//! whose optimizer is SGD, Adam, AdamW, RMSprop, Adagrad or Lion is run
//! again with that optimizer written out as a `rule`, and must match the
//! same reference at the same tolerance. Where a case clips by norm, the
//! clipping is written into the rule too, with `norm(g)`. And each template
//! follows its built-in twin.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::rules::check_spelled_cases;
use serde_json::{json, Map, Value};

#[test]
fn rules_that_spell_an_optimizer_match_its_reference_runs() {
    let (failures, cases, reductions) = check_spelled_cases();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{cases} runs of typed rules matched their references, {reductions} with norm()");
    // The sets hold dozens of such cases, a few of them clipped by norm.
    assert!(
        cases >= 60 && reductions >= 3,
        "{cases} cases, {reductions} with norm()"
    );
}

/// The largest difference between two paths, relative to each coordinate's
/// size (at least 1).
fn apart(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .flat_map(|(p, q)| (0..2).map(move |i| (p[i] - q[i]).abs() / p[i].abs().max(1.0)))
        .fold(0.0, f64::max)
}

fn paths(json: Value) -> Vec<Vec<[f64; 2]>> {
    use optiviz::engine::Runs;
    let exp = optiviz::Experiment::from_value(&json).unwrap_or_else(|e| panic!("{e}"));
    exp.run().into_iter().map(|t| t.points).collect()
}

#[test]
fn every_template_follows_its_built_in_twin() {
    use optiviz::optim::typed::TEMPLATES;
    // Bit for bit: every point the same, over long runs from several
    // starts (Rosenbrock's valley would grow any difference in rounding).
    let surfaces = [
        ("rosenbrock", [-1.2, 1.0], 2000),
        ("rosenbrock", [0.0, 0.0], 2000),
        ("rosenbrock", [1.5, -0.5], 2000),
        ("himmelblau", [0.5, -3.0], 500),
        ("beale", [1.0, 1.5], 500),
    ];
    let mut twins = 0;
    for t in TEMPLATES {
        let Some(twin) = t.twin else { continue };
        twins += 1;
        for (function, start, steps) in surfaces {
            let rule = t.rule();
            let named = |list: &[(String, f64)]| {
                list.iter()
                    .map(|(n, v)| (n.clone(), json!(v)))
                    .collect::<Map<String, Value>>()
            };
            let entry = json!({"name": "rule", "lr": t.lr, "hyper": named(&rule.hyper),
                "state": named(&rule.state), "update": t.update});
            let mut twin = serde_json::from_str::<Value>(twin).unwrap();
            twin["lr"] = json!(t.lr);
            let p = paths(json!({"function": {"name": function}, "start": start,
                "steps": steps, "optimizers": [entry, twin]}));
            assert_eq!(p[0].len(), p[1].len(), "{} on {function}", t.id);
            let d = apart(&p[0], &p[1]);
            assert!(
                d == 0.0,
                "{} on {function} from {start:?}: apart by {d:e}",
                t.id
            );
        }
    }
    assert_eq!(twins, 6);
}

#[test]
fn normalized_gradient_descent_steps_the_unit_gradient() {
    use optiviz::optim::typed::TEMPLATES;
    let t = TEMPLATES.iter().find(|t| t.id == "normalized").unwrap();
    let exp = json!({"function": {"name": "himmelblau"}, "start": [0.5, -3.0], "steps": 50,
        "optimizers": [{"name": "rule", "lr": 0.05, "update": t.update}]});
    let p = paths(exp.clone());
    let f = optiviz::Experiment::from_value(&exp)
        .unwrap()
        .function
        .objective();
    let mut q = [0.5, -3.0];
    for (k, point) in p[0].iter().enumerate() {
        assert_eq!(*point, q, "step {k}");
        let g = f.grad(q);
        let n = (g[0] * g[0] + g[1] * g[1]).sqrt();
        q = [q[0] - 0.05 * g[0] / n, q[1] - 0.05 * g[1] / n];
    }
}

#[test]
fn the_command_line_gives_the_state_by_name_and_refuses_bad_rules_in_one_line() {
    let exp = json!({"function": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 3,
        "optimizers": [{"name": "rule", "label": "momentum by hand", "lr": 0.001,
          "hyper": {"mu": 0.9}, "state": {"v": 0}, "update": "v = mu*v + g\ntheta = theta - lr*v"}]});
    let out = common::optiviz(&["run", "--state", "-"], &exp.to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["label"], "momentum by hand lr=0.001 mu=0.9");
    let keys: Vec<&String> = run["state"][2].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["step", "v"]);
    assert_eq!(run["state"][2]["step"], 3.0);
    for (update, state, want) in [
        (
            "v = mu*v + g\ntheta = theta - lr*vv",
            json!({"v": 0}),
            "-: optimizers[0].update: line 2, column 20: unknown name 'vv'; did you mean 'v'?",
        ),
        (
            "w = g\ntheta = theta - lr*w",
            json!({"v": 0}),
            "-: optimizers[0].update: line 1, column 1: w is not a state variable;",
        ),
        (
            "v = mu*v + g",
            json!({"v": 0}),
            "-: optimizers[0].update: never assigns theta",
        ),
        (
            "theta = theta - lr*(g",
            json!({"v": 0}),
            "-: optimizers[0].update: line 1, column 22: expected ')'",
        ),
        (
            "theta = theta - lr*g",
            json!({"2v": 0}),
            "-: optimizers[0].state.2v: a name is a letter",
        ),
    ] {
        let mut bad = exp.clone();
        bad["optimizers"][0]["update"] = json!(update);
        bad["optimizers"][0]["state"] = state;
        let out = common::optiviz(&["run", "-"], &bad.to_string());
        common::assert_one_line_error(&out, want, update);
    }
    // A label is shown in figures: no control characters, no `step` as a name.
    let mut bad = exp.clone();
    bad["optimizers"][0]["label"] = json!("a\u{1}b");
    bad["optimizers"][0]["state"] = json!({"step": 0});
    let out = common::optiviz(&["run", "-"], &bad.to_string());
    common::assert_one_line_error(
        &out,
        "-: optimizers[0].label: must be a name of 1 to 60 characters, got a text with a line break, a tab or another character that is not shown; optimizers[0].state.step: is the name of the step count",
        "label",
    );
}
