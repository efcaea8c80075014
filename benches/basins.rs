//! A basin map: Adam from every cell of a 64 × 64 grid over Himmelblau, 500
//! steps a run, natively on one thread and on two (rayon's pool sized each
//! way), so the speed-up from a second core can be read off.
//!
//!     cargo bench --bench basins

use criterion::{criterion_group, criterion_main, Criterion};
use optiviz::engine::sweep::basins;
use optiviz::objectives::objective::View;
use optiviz::Experiment;
use std::hint::black_box;

fn maps(c: &mut Criterion) {
    let exp = Experiment::from_json(
        r#"{"function": {"name": "himmelblau"}, "start": [0, 0], "steps": 500,
            "optimizers": [{"name": "adam", "lr": 0.1}]}"#,
    )
    .expect("the experiment is valid");
    let view = View {
        x: [-5.0, 5.0],
        y: [-5.0, 5.0],
    };
    let mut group = c.benchmark_group("basins_himmelblau_adam_64x64_500_steps");
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        group.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| pool.install(|| basins(black_box(&exp), 64, view)))
        });
    }
    group.finish();
}

criterion_group!(benches, maps);
criterion_main!(benches);
