//! Training a network: a 2-8-8-1 tanh MLP on 200 rows of the circle dataset,
//! 500 full-batch steps with each of four optimizers (SGD, SGD with momentum,
//! Adam, RMSprop), the plane and the projected paths included: what
//! `optiviz run` does for such an experiment.
//!
//! Then one optimizer alone on the same network, Adam against Muon (whose
//! Newton–Schulz iteration orthogonalizes each weight matrix every step, the
//! biases stepped by AdamW): what Muon's matrices cost.
//!
//!     cargo bench --bench mlp

use criterion::{criterion_group, criterion_main, Criterion};
use optiviz::engine::Runs;
use optiviz::Experiment;
use std::hint::black_box;

fn training(c: &mut Criterion) {
    let exp = Experiment::from_json(
        r#"{"function": {"name": "mlp", "hidden": [8, 8], "activation": "tanh",
                         "dataset": {"name": "circle", "n": 200}},
            "steps": 500,
            "optimizers": [{"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 0.05, "momentum": 0.9},
                           {"name": "adam", "lr": 0.01}, {"name": "rmsprop", "lr": 0.005}]}"#,
    )
    .expect("the experiment is valid");
    let mut group = c.benchmark_group("mlp_2_8_8_1_200_rows");
    group.sample_size(10);
    group.bench_function("4_optimizers_500_steps", |b| {
        b.iter(|| black_box(&exp).run())
    });
    group.finish();
}

fn muon_against_adam(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp_2_8_8_1_200_rows_500_steps");
    group.sample_size(10);
    for (name, entry) in [
        ("adam", r#"{"name": "adam", "lr": 0.01}"#),
        ("muon", r#"{"name": "muon", "lr": 0.02}"#),
    ] {
        let exp = Experiment::from_json(&format!(
            r#"{{"function": {{"name": "mlp", "hidden": [8, 8], "activation": "tanh",
                             "dataset": {{"name": "circle", "n": 200}}}},
                "steps": 500, "optimizers": [{entry}]}}"#
        ))
        .expect("the experiment is valid");
        group.bench_function(name, |b| b.iter(|| black_box(&exp).run()));
    }
    group.finish();
}

criterion_group!(benches, training, muon_against_adam);
criterion_main!(benches);
