//! Optimizer steps per second on Rosenbrock, one benchmark per optimizer, and
//! on the data models with full batches, mini-batches and single rows.
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
        let base = match def.wraps {
            Some(w) if w.default.is_none() => format!(r#", "{}": {{"name": "sgd"}}"#, w.key),
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

criterion_group!(benches, optimizers, data_models);
criterion_main!(benches);
