//! The surface layer's heatmap at full detail: each function sampled at every
//! device pixel of an 800 × 600 plot (the plotting rectangle's 670 × 556
//! pixels at device pixel ratio 1, beside the colour scale), then coloured
//! with its 14 contour lines drawn in, as the page does it.
//!
//!     cargo bench --bench surface

use criterion::{criterion_group, criterion_main, Criterion};
use optiviz::objectives::functions::lookup;
use optiviz::render::plot::CONTOUR_LEVELS;
use optiviz::render::surface::{Grid, Shader};
use std::hint::black_box;

const SIZE: (usize, usize) = (670, 556);

fn surface(c: &mut Criterion) {
    let mut group = c.benchmark_group("surface_670x556");
    for name in ["rosenbrock", "rastrigin", "levi13", "himmelblau"] {
        let def = lookup(name).expect("a built-in function");
        let f = (def.build)(&def.defaults());
        let view = f.view();
        group.bench_function(format!("{name}_sample"), |b| {
            b.iter(|| black_box(Grid::sample(f.as_ref(), view, SIZE.0, SIZE.1)))
        });
        let grid = Grid::sample(f.as_ref(), view, SIZE.0, SIZE.1);
        let shader = Shader::new(
            grid.colours(),
            &grid.contour_levels(CONTOUR_LEVELS),
            1.0,
            [0xf6, 0xf6, 0xf6],
            0.35,
        );
        let plain = Shader::new(grid.colours(), &[], 1.0, [0xf6, 0xf6, 0xf6], 0.35);
        group.bench_function(format!("{name}_colour"), |b| {
            b.iter(|| {
                let mut rgba = Vec::new();
                plain.rows(black_box(&grid), 0..SIZE.1, &mut rgba);
                black_box(rgba)
            })
        });
        group.bench_function(format!("{name}_shade"), |b| {
            b.iter(|| {
                let mut rgba = Vec::new();
                shader.rows(black_box(&grid), 0..SIZE.1, &mut rgba);
                black_box(rgba)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, surface);
criterion_main!(benches);
