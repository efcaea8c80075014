//! A typed function against its built-in twin: Rosenbrock sampled over an
//! 800 × 600 grid, as the surface layer samples it.
//!
//!     cargo bench --bench typed
//!
//! `builtin` is the hand-written formula; `typed_point_by_point` is the same
//! formula parsed from text and run on its tape for each point, and
//! `typed_by_rows` runs the tape once per row of 800 points, each operation a
//! loop over the row (one scratch buffer reused throughout).
//!
//! `surface_grid_800x600` is the path the page and the figures take: the
//! surface's `Grid::sample` over the function's view, for the built-in
//! Rosenbrock and for the typed one of an experiment (`"name": "custom"`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use optiviz::expr::Expr;
use optiviz::objectives::functions;
use optiviz::render::surface::Grid;
use optiviz::Experiment;
use std::hint::black_box;

const W: usize = 800;
const H: usize = 600;

fn grid() -> impl Iterator<Item = [f64; 2]> {
    (0..H).flat_map(|r| {
        (0..W).map(move |c| {
            [
                -2.0 + 4.0 * c as f64 / W as f64,
                -1.0 + 4.0 * r as f64 / H as f64,
            ]
        })
    })
}

fn surfaces(c: &mut Criterion) {
    let mut group = c.benchmark_group("rosenbrock_800x600");
    group.throughput(Throughput::Elements((W * H) as u64));
    let def = functions::lookup("rosenbrock").expect("rosenbrock is built in");
    let builtin = (def.build)(&def.defaults());
    group.bench_function("builtin", |b| {
        b.iter(|| grid().map(|p| builtin.sample(black_box(p))).sum::<f64>())
    });
    let typed = Expr::parse("(1 - x)^2 + 100*(y - x^2)^2").expect("the formula parses");
    let mut slots = Vec::new();
    group.bench_function("typed_point_by_point", |b| {
        b.iter(|| {
            grid()
                .map(|p| typed.value_with(&mut slots, black_box(p[0]), p[1], &[]))
                .sum::<f64>()
        })
    });
    // A row at a time: the tape run once per row, each operation a loop.
    let xs: Vec<f64> = (0..W).map(|c| -2.0 + 4.0 * c as f64 / W as f64).collect();
    let mut row = vec![0.0; W];
    group.bench_function("typed_by_rows", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for r in 0..H {
                let y = -1.0 + 4.0 * r as f64 / H as f64;
                typed.value_row(&mut slots, black_box(&xs), y, &[], &mut row);
                sum += row.iter().sum::<f64>();
            }
            sum
        })
    });
    group.finish();

    let mut group = c.benchmark_group("surface_grid_800x600");
    group.throughput(Throughput::Elements((W * H) as u64));
    let view = builtin.view();
    group.bench_function("builtin", |b| {
        b.iter(|| Grid::sample(builtin.as_ref(), black_box(view), W, H))
    });
    let exp = Experiment::from_json(
        r#"{"function": {"name": "custom", "expr": "(1 - x)^2 + 100*(y - x^2)^2"},
            "start": [0, 0], "steps": 0, "optimizers": []}"#,
    )
    .expect("the experiment is valid");
    let typed = exp.function.objective();
    group.bench_function("typed", |b| {
        b.iter(|| Grid::sample(typed.as_ref(), black_box(view), W, H))
    });
    group.finish();
}

criterion_group!(benches, surfaces);
criterion_main!(benches);
