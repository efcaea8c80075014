//! Optimizer steps per second on Rosenbrock, one benchmark per optimizer.
//!
//!     cargo bench --bench optimizers
//!
//! Each iteration runs 1,000 steps (loss, gradient, step, bookkeeping) through
//! the same code path as `optiviz run`; criterion reports the time per 1,000
//! steps and the throughput in steps per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optiviz::{optim, Experiment};
use std::hint::black_box;

const STEPS: u32 = 1000;

fn optimizers(c: &mut Criterion) {
    let mut group = c.benchmark_group("rosenbrock_1000_steps");
    group.throughput(Throughput::Elements(STEPS as u64));
    for def in optim::REGISTRY {
        let json = format!(
            r#"{{"function": {{"name": "rosenbrock"}}, "start": [-1.5, 2.0], "steps": {STEPS},
                "optimizers": [{{"name": "{}", "lr": 0.0005}}]}}"#,
            def.name
        );
        let exp = Experiment::from_json(&json).expect("benchmark experiment is valid");
        group.bench_function(def.name, |b| b.iter(|| black_box(&exp).run()));
    }
    group.finish();
}

criterion_group!(benches, optimizers);
criterion_main!(benches);
