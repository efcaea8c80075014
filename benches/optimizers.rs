//! Optimizer steps per second on Rosenbrock, one benchmark per optimizer, and
//! on the data models with full batches, mini-batches and single rows; and
//! each typed rule's template against the built-in optimizer it spells out.
//!
//!     cargo bench --bench optimizers
//!
//! Each iteration runs 1,000 steps (loss, gradient, step, bookkeeping) through
//! the same code path as `optiviz run`; criterion reports the time per 1,000
//! steps and the throughput in steps per second. A data model's step also
//! computes the full loss at each point (for the chart), so its cost grows
//! with the rows.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optiviz::engine::Runs;
use optiviz::{optim, Experiment};
use std::hint::black_box;

const STEPS: u32 = 1000;

fn optimizers(c: &mut Criterion) {
    let mut group = c.benchmark_group("rosenbrock_1000_steps");
    group.throughput(Throughput::Elements(STEPS as u64));
    for def in optim::REGISTRY {
        // SAM and Lookahead step plain SGD, whose own cost is the least.
        // A typed rule steps as plain gradient descent.
        let base = match def.wraps {
            Some(w) if w.default.is_none() => format!(r#", "{}": {{"name": "sgd"}}"#, w.key),
            _ if def.name == "rule" => r#", "update": "theta = theta - lr*g""#.to_string(),
            _ => String::new(),
        };
        let json = format!(
            r#"{{"function": {{"name": "rosenbrock"}}, "start": [-1.5, 2.0], "steps": {STEPS},
                "optimizers": [{{"name": "{}", "lr": 0.0005{base}}}]}}"#,
            def.name
        );
        let exp = Experiment::from_json(&json).expect("benchmark experiment is valid");
        group.bench_function(def.name, |b| b.iter(|| black_box(&exp).run()));
    }
    group.finish();
}

fn data_models(c: &mut Criterion) {
    let mut group = c.benchmark_group("data_1000_rows_1000_steps");
    group.throughput(Throughput::Elements(STEPS as u64));
    for model in [
        "linear_regression",
        "logistic_regression",
        "least_squares_2d",
    ] {
        for batch in ["\"full\"", "32", "1"] {
            let json = format!(
                r#"{{"function": {{"name": "{model}", "generate": {{"n": 1000}}}}, "start": [0, 0], "steps": {STEPS},
                    "batch_size": {batch}, "seed": 1, "optimizers": [{{"name": "sgd", "lr": 0.05}}]}}"#
            );
            let exp = Experiment::from_json(&json).expect("benchmark experiment is valid");
            let name = format!("{model}/batch_{}", batch.trim_matches('"'));
            group.bench_function(name, |b| b.iter(|| black_box(&exp).run()));
        }
    }
    group.finish();
}

/// Each template typed as a rule against the built-in optimizer it spells
/// out, 1,000 steps on Rosenbrock, and Adam's on a 2-8-8-1 network's 129
/// parameters: `rules/adam/typed` against `rules/adam/built_in`.
fn rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(STEPS as u64));
    let entry = |t: &optim::typed::Template| {
        let rule = t.rule();
        let named = |list: &[(String, f64)]| {
            list.iter()
                .map(|(n, v)| format!("\"{n}\": {v:e}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            r#"{{"name": "rule", "lr": {}, "hyper": {{{}}}, "state": {{{}}}, "update": {}}}"#,
            t.lr,
            named(&rule.hyper),
            named(&rule.state),
            serde_json::to_string(t.update).expect("text")
        )
    };
    for t in optim::typed::TEMPLATES {
        let Some(twin) = t.twin else { continue };
        let twin = twin.replacen('{', &format!(r#"{{"lr": {}, "#, t.lr), 1);
        for (kind, opt) in [("typed", entry(t)), ("built_in", twin)] {
            let json = format!(
                r#"{{"function": {{"name": "rosenbrock"}}, "start": [-1.5, 2.0], "steps": {STEPS},
                    "optimizers": [{opt}]}}"#
            );
            let exp = Experiment::from_json(&json).expect("benchmark experiment is valid");
            group.bench_function(format!("{}/{kind}", t.id), |b| {
                b.iter(|| black_box(&exp).run())
            });
        }
    }
    let adam = optim::typed::TEMPLATES
        .iter()
        .find(|t| t.id == "adam")
        .expect("the Adam template");
    for (kind, opt) in [
        ("typed", entry(adam)),
        ("built_in", r#"{"name": "adam", "lr": 0.05}"#.to_string()),
    ] {
        let json = format!(
            r#"{{"function": {{"name": "mlp", "hidden": [8, 8], "dataset": {{"name": "circle", "n": 200}}}},
                "steps": 300, "optimizers": [{opt}]}}"#
        );
        let exp = Experiment::from_json(&json).expect("benchmark experiment is valid");
        group.bench_function(format!("network_adam_300_steps/{kind}"), |b| {
            b.iter(|| black_box(&exp).run())
        });
    }
    group.finish();
}

criterion_group!(benches, optimizers, data_models, rules);
criterion_main!(benches);
