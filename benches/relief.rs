//! The relief's raster: Rosenbrock's mesh of 64 × 64 cells (the page's
//! while the view turns) rasterized for a 1024 × 768 plot at one raster pixel
//! a device pixel (a frame on a screen of device pixel ratio 1), at three
//! angles.
//!
//!     cargo bench --bench relief

use criterion::{criterion_group, criterion_main, Criterion};
use optiviz::engine::Runs;
use optiviz::render::figure::relief_area;
use optiviz::render::frame::Scale;
use optiviz::render::relief::{Angle, Camera, Mesh, Relief};
use optiviz::{Experiment, Objective};
use std::hint::black_box;

fn raster(c: &mut Criterion) {
    let exp = Experiment::from_json(
        r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2], "steps": 1,
            "optimizers": [{"name": "sgd", "lr": 0.001}]}"#,
    )
    .expect("the experiment is valid");
    let surf = exp.surface();
    let view = surf.view();
    let mesh = Mesh::for_surface(&surf, view).turning();
    assert_eq!(mesh.n, 65);
    let (area, _) = relief_area(1024.0, 768.0, Scale(1.0), view);
    let cameras: Vec<Camera> = [(-35.0, 30.0), (20.0, 60.0), (120.0, 15.0)]
        .iter()
        .map(|&(yaw, pitch)| Camera::new(area, view, Angle::new(yaw, pitch, 1.0), Scale(1.0)))
        .collect();
    let mut group = c.benchmark_group("relief_1024x768");
    group.bench_function("rosenbrock_64x64_three_angles", |b| {
        b.iter(|| {
            for camera in &cameras {
                black_box(Relief::render(black_box(&mesh), camera, 1.0));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, raster);
criterion_main!(benches);
