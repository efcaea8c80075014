//! What the optimizers' unit tests share: the gradients of the surfaces
//! their reference runs were made on, a path checked against reference
//! points, a state's keys, and a closeness check.

use crate::hyper::{HyperValue, OptimizerDef};

/// ∇ of (1 − x)² + 100(y − x²)².
pub fn rosenbrock([x, y]: [f64; 2]) -> [f64; 2] {
    let v = y - x * x;
    [-2.0 * (1.0 - x) - 4.0 * 100.0 * x * v, 2.0 * 100.0 * v]
}

/// ∇ of (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
pub fn beale([x, y]: [f64; 2]) -> [f64; 2] {
    let t1 = 1.5 - x + x * y;
    let t2 = 2.25 - x + x * y * y;
    let t3 = 2.625 - x + x * y * y * y;
    let y2 = y * y;
    [
        2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y2 * y - 1.0),
        2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y2,
    ]
}

/// ∇ of (x² + y − 11)² + (x + y² − 7)².
pub fn himmelblau([x, y]: [f64; 2]) -> [f64; 2] {
    let u = x * x + y - 11.0;
    let v = x + y * y - 7.0;
    [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
}

/// Runs `def` with `settings` from `start` at `lr` and checks the points
/// after the steps in `want` (step number, point) within 1e-12 relative:
/// the reference's lerp_ and add_ round once (a fused multiply-add),
/// these twice, so the last bits may differ.
pub fn check_path(
    def: &OptimizerDef,
    settings: &[(&'static str, HyperValue)],
    grad: fn([f64; 2]) -> [f64; 2],
    start: [f64; 2],
    lr: f64,
    want: &[(usize, [f64; 2])],
) -> Box<dyn crate::Optimizer> {
    let mut h = def.defaults();
    for &(k, v) in settings {
        assert!(def.spec(k).is_some(), "{k}");
        h.values.insert(k, v);
    }
    (def.check)(&h, "optimizers[0]").unwrap();
    let mut opt = (def.build.two)(&h);
    let mut p = start;
    let last = want.iter().map(|w| w.0).max().unwrap_or(0);
    for step in 1..=last {
        let g = grad(p);
        opt.step(&mut p, &g, lr);
        for (_, w) in want.iter().filter(|w| w.0 == step) {
            for k in 0..2 {
                let err = (p[k] - w[k]).abs() / w[k].abs().max(1.0);
                assert!(err <= 1e-12, "step {step}: {p:?}, want {w:?}");
            }
        }
    }
    opt
}

/// The keys of a state, in order.
pub fn keys(opt: &dyn crate::Optimizer) -> Vec<String> {
    opt.state().0.iter().map(|(k, _)| k.to_string()).collect()
}

/// Checks `got` against `want` within 1e-12 relative (of at least 1).
pub fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}
