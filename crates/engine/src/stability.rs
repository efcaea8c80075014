//! The stability edge: the largest learning rate for which an optimizer's
//! iteration, linearized at a minimum, still converges there.
//!
//! Near a minimum θ* the gradient is H(θ − θ*) (plus weight decay's wd·θ), so
//! along each eigenvector of H (eigenvalue λ) a fixed-step method is a linear
//! map of its state, and it converges exactly when that map's spectral radius
//! is below 1. For SGD the state is (θ, b) along the direction, with curvature
//! k = λ + wd, c = (1 − τ)k:
//!
//! - heavy ball: M = [[1 − γc, −γμ], [c, μ]], trace 1 − γc + μ, determinant μ;
//!   stable (Jury's test: |det| < 1, |trace| < 1 + det) iff μ < 1 and
//!   0 < γ < 2(1 + μ)/c. Without momentum this is the familiar γ < 2/λ.
//! - Nesterov (τ = 0): M = [[1 − γk(1 + μ), −γμ²], [k, μ]], trace
//!   1 + μ − γk(1 + μ), determinant μ(1 − γk); stable iff
//!   γk < 2(1 + μ)/(1 + 2μ) and |μ(1 − γk)| < 1.
//!
//! With `maximize` the gradient is flipped before weight decay is added, so
//! the iteration sees k = −λ + wd: no rate is stable where that is negative.
//!
//! ASGD scales θ by 1 − λ_d·η and steps by η along the gradient, so
//! |1 − η(k + λ_d)| < 1; its η starts at the learning rate and only shrinks,
//! so the edge given is for its first steps. The other optimizers scale their
//! own steps (by running averages of the gradient, its sign, or a curvature
//! estimate): they have no such edge, and get `None`.

use optiviz_experiment::experiment::OptimizerConfig;
use optiviz_optim::HyperValue;

/// Where an optimizer becomes unstable at a minimum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// The largest stable learning rate (infinite where no curvature limits
    /// it, 0 where none is stable).
    pub lr: f64,
    /// Which eigen-direction of the Hessian sets it (an index into the
    /// ascending eigenvalues).
    pub along: usize,
}

fn number(cfg: &OptimizerConfig, key: &str) -> f64 {
    match cfg.hyper.values.get(key) {
        Some(HyperValue::Number(x)) => *x,
        _ => 0.0,
    }
}

/// The edge along one direction of curvature `lambda` (an eigenvalue of the
/// Hessian at the minimum); `None` for an optimizer without one.
pub fn edge_along(cfg: &OptimizerConfig, lambda: f64) -> Option<f64> {
    let wd = number(cfg, "weight_decay");
    // maximize flips the gradient's sign before the optimizer adds its weight
    // decay: the iteration sees the curvature −λ, plus wd either way.
    let sign = if cfg.maximize { -1.0 } else { 1.0 };
    let k = sign * lambda + wd;
    match cfg.def.name {
        "sgd" => {
            let mu = number(cfg, "momentum");
            let tau = number(cfg, "dampening");
            let nesterov = matches!(
                cfg.hyper.values.get("nesterov"),
                Some(HyperValue::Flag(true))
            );
            Some(sgd_edge(k, mu, tau, nesterov))
        }
        "asgd" => {
            // Its decay of θ by 1 − λ_d·η does not depend on the gradient's sign.
            let k = k + number(cfg, "lambd");
            Some(if k > 0.0 {
                2.0 / k
            } else {
                positive_or_zero(k)
            })
        }
        _ => None,
    }
}

/// No limit where the curvature is zero, no stable rate where it is negative.
fn positive_or_zero(k: f64) -> f64 {
    if k == 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

fn sgd_edge(k: f64, mu: f64, tau: f64, nesterov: bool) -> f64 {
    if k <= 0.0 {
        return positive_or_zero(k);
    }
    if !nesterov {
        let c = (1.0 - tau) * k;
        return if mu >= 1.0 {
            0.0
        } else if c == 0.0 {
            f64::INFINITY
        } else {
            2.0 * (1.0 + mu) / c
        };
    }
    // γk below 2(1 + μ)/(1 + 2μ), and |μ(1 − γk)| < 1: for μ ≥ 1 the latter
    // also bounds γk to (1 − 1/μ, 1 + 1/μ).
    let mut upper = 2.0 * (1.0 + mu) / (1.0 + 2.0 * mu);
    if mu >= 1.0 {
        upper = upper.min(1.0 + 1.0 / mu);
        if upper <= 1.0 - 1.0 / mu {
            return 0.0;
        }
    }
    upper / k
}

/// The largest curvature a step of learning rate `lr` survives: the λ at
/// which `lr` is the edge (2/lr for plain SGD); `None` for an optimizer
/// without an edge, or one climbing (`maximize`).
pub fn curvature_limit(cfg: &OptimizerConfig, lr: f64) -> Option<f64> {
    if cfg.maximize || lr.is_nan() || lr <= 0.0 {
        return None;
    }
    // Each edge is C/(λ + shift) for a constant C: C/lr − shift is the limit.
    let at = |lambda: f64| edge_along(cfg, lambda);
    let (e1, e2) = (at(1.0)?, at(2.0)?);
    if !(e1.is_finite() && e2.is_finite()) || e1 <= 0.0 || e2 <= 0.0 {
        return None;
    }
    // C/(1 + s) = e1 and C/(2 + s) = e2 give s and C.
    let shift = (2.0 * e2 - e1) / (e1 - e2);
    let c = e1 * (1.0 + shift);
    Some(c / lr - shift)
}

/// The edge at a minimum whose Hessian has the ascending `eigenvalues`: the
/// smallest over the directions, with the direction that sets it.
pub fn edge(cfg: &OptimizerConfig, eigenvalues: [f64; 2]) -> Option<Edge> {
    let a = edge_along(cfg, eigenvalues[0])?;
    let b = edge_along(cfg, eigenvalues[1])?;
    Some(if b <= a {
        Edge { lr: b, along: 1 }
    } else {
        Edge { lr: a, along: 0 }
    })
}

/// Why optimizer `i`'s run diverged, when a known minimum's edge explains
/// it: the learning rate in force then exceeds that optimizer's edge at the
/// minimum nearest the start among those where it does, e.g. `lr 0.21 >
/// edge 0.2 at the minimum (0, 0): unstable along y`. `axes` names the
/// plot's axes.
pub fn explain(
    exp: &optiviz_experiment::experiment::Experiment,
    surf: &optiviz_objectives::surface::Surface,
    i: usize,
    run: &crate::trajectory::Trajectory,
    axes: [&str; 2],
) -> Option<String> {
    use optiviz_base::number::short;
    use optiviz_objectives::objective::Objective;
    let crate::trajectory::Status::Diverged { step, .. } = run.status else {
        return None;
    };
    let cfg = &exp.optimizers[i];
    let lr = run
        .lrs
        .get(step.saturating_sub(1))
        .copied()
        .unwrap_or(cfg.lr);
    let dist = |p: [f64; 2]| (p[0] - exp.start[0]).hypot(p[1] - exp.start[1]);
    let (point, e, vectors) = surf
        .minima()
        .iter()
        .filter_map(|m| {
            let (values, vectors) = optiviz_objectives::linalg::eigen(surf.hessian(m.point));
            let e = edge(cfg, values)?;
            (lr > e.lr).then_some((m.point, e, vectors))
        })
        .min_by(|a, b| dist(a.0).total_cmp(&dist(b.0)))?;
    let v = vectors[e.along];
    let direction = if v[0].abs() >= 0.99 {
        axes[0].to_string()
    } else if v[1].abs() >= 0.99 {
        axes[1].to_string()
    } else {
        format!("({}, {})", short(v[0]), short(v[1]))
    };
    Some(format!(
        "lr {} > edge {} at the minimum ({}, {}): unstable along {direction}",
        short(lr),
        short(e.lr),
        short(point[0]),
        short(point[1])
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::Runs;
    use optiviz_experiment::experiment::Experiment;

    fn optimizer(json: &str) -> OptimizerConfig {
        let text = format!(
            r#"{{"function": {{"name": "quadratic"}}, "start": [1, 1], "steps": 1, "optimizers": [{json}]}}"#
        );
        Experiment::from_json(&text).unwrap().optimizers.remove(0)
    }

    /// The spectral radius of the linearized SGD map, from its eigenvalues
    /// (computed here directly, not by the test the edge uses).
    fn radius(lr: f64, k: f64, mu: f64, tau: f64, nesterov: bool) -> f64 {
        let (m00, m01, m10, m11) = if nesterov {
            (1.0 - lr * k * (1.0 + mu), -lr * mu * mu, k, mu)
        } else {
            let c = (1.0 - tau) * k;
            (1.0 - lr * c, -lr * mu, c, mu)
        };
        let t = m00 + m11;
        let d = m00 * m11 - m01 * m10;
        let disc = t * t - 4.0 * d;
        if disc >= 0.0 {
            let r = disc.sqrt();
            ((t + r) / 2.0).abs().max(((t - r) / 2.0).abs())
        } else {
            d.sqrt()
        }
    }

    #[test]
    fn the_edge_is_where_the_spectral_radius_reaches_one() {
        for (mu, tau, nesterov) in [
            (0.0, 0.0, false),
            (0.5, 0.0, false),
            (0.9, 0.0, false),
            (0.9, 0.3, false),
            (0.5, 0.0, true),
            (0.9, 0.0, true),
            (0.99, 0.0, true),
        ] {
            for k in [0.1, 2.0, 37.0] {
                let e = sgd_edge(k, mu, tau, nesterov);
                let below = radius(e * (1.0 - 1e-9), k, mu, tau, nesterov);
                let above = radius(e * (1.0 + 1e-9), k, mu, tau, nesterov);
                assert!(
                    below < 1.0,
                    "μ {mu} τ {tau} {nesterov} k {k}: ρ {below} below {e}"
                );
                assert!(
                    above > 1.0,
                    "μ {mu} τ {tau} {nesterov} k {k}: ρ {above} above {e}"
                );
                // And everywhere below it.
                for f in [0.01, 0.3, 0.7, 0.95] {
                    assert!(radius(e * f, k, mu, tau, nesterov) < 1.0);
                }
            }
        }
    }

    #[test]
    fn plain_gradient_descent_diverges_past_two_over_lambda() {
        let e = edge(&optimizer(r#"{"name": "sgd", "lr": 0.1}"#), [1.0, 10.0]).unwrap();
        assert_eq!(e, Edge { lr: 0.2, along: 1 });
        // Weight decay adds to the curvature; momentum moves the edge out.
        let wd = optimizer(r#"{"name": "sgd", "lr": 0.1, "weight_decay": 2}"#);
        assert_eq!(edge(&wd, [1.0, 10.0]).unwrap().lr, 2.0 / 12.0);
        let hb = optimizer(r#"{"name": "sgd", "lr": 0.1, "momentum": 0.9}"#);
        assert!((edge(&hb, [1.0, 10.0]).unwrap().lr - 0.38).abs() < 1e-15);
        let asgd = optimizer(r#"{"name": "asgd", "lr": 0.1, "lambd": 0.5}"#);
        assert_eq!(edge(&asgd, [1.0, 10.0]).unwrap().lr, 2.0 / 10.5);
        // Climbing away from a minimum is never stable there, unless weight
        // decay outweighs the curvature (−λ + wd > 0 along every direction).
        let up = optimizer(r#"{"name": "sgd", "lr": 0.1, "maximize": true}"#);
        assert_eq!(edge(&up, [1.0, 10.0]).unwrap().lr, 0.0);
        let held = optimizer(r#"{"name": "sgd", "lr": 0.1, "maximize": true, "weight_decay": 12}"#);
        assert_eq!(
            edge(&held, [1.0, 10.0]).unwrap(),
            Edge {
                lr: 2.0 / 11.0,
                along: 0
            }
        );
        assert_eq!(
            edge(&optimizer(r#"{"name": "adam", "lr": 0.1}"#), [1.0, 10.0]),
            None
        );
        assert_eq!(
            edge(&optimizer(r#"{"name": "lbfgs", "lr": 1}"#), [1.0, 10.0]),
            None
        );
    }

    #[test]
    fn a_divergence_is_explained_by_the_edge() {
        let e = Experiment::from_json(
            r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 100,
                "optimizers": [{"name": "sgd", "lr": 0.21}, {"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 5}]}"#,
        )
        .unwrap();
        let surf = e.surface();
        let runs = e.run_on(&surf, crate::trajectory::Record::default());
        let why = |i: usize| explain(&e, &surf, i, &runs[i], ["x", "y"]);
        assert_eq!(
            why(0).as_deref(),
            Some("lr 0.21 > edge 0.2 at the minimum (0, 0): unstable along y")
        );
        assert_eq!(why(1), None, "it converges");
        assert_eq!(why(2), None, "Adam has no edge");
    }

    #[test]
    fn the_curvature_limit_inverts_the_edge() {
        for json in [
            r#"{"name": "sgd", "lr": 0.1}"#,
            r#"{"name": "sgd", "lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.5}"#,
            r#"{"name": "sgd", "lr": 0.1, "momentum": 0.7, "nesterov": true}"#,
            r#"{"name": "asgd", "lr": 0.1, "lambd": 0.3, "weight_decay": 0.1}"#,
        ] {
            let cfg = optimizer(json);
            let limit = curvature_limit(&cfg, 0.05).unwrap();
            let e = edge_along(&cfg, limit).unwrap();
            assert!((e - 0.05).abs() < 1e-12, "{json}: edge {e} at λ {limit}");
        }
        assert_eq!(
            curvature_limit(&optimizer(r#"{"name": "sgd", "lr": 0.1}"#), 0.1),
            Some(20.0)
        );
        assert_eq!(
            curvature_limit(&optimizer(r#"{"name": "adam", "lr": 0.1}"#), 0.1),
            None
        );
    }

    #[test]
    fn the_edge_predicts_the_runs() {
        // On the quadratic 0.5(x² + 10y²) plain SGD converges just below 0.2
        // and diverges just above it, along y.
        let run = |lr: f64, momentum: f64| {
            let text = format!(
                r#"{{"function": {{"name": "quadratic"}}, "start": [1, 1], "steps": 4000,
                     "optimizers": [{{"name": "sgd", "lr": {lr}, "momentum": {momentum}}}]}}"#
            );
            Experiment::from_json(&text).unwrap().run().remove(0)
        };
        for momentum in [0.0, 0.5, 0.9] {
            let e = sgd_edge(10.0, momentum, 0.0, false);
            let stable = run(e * 0.99, momentum);
            let unstable = run(e * 1.01, momentum);
            assert!(
                *stable.losses.last().unwrap() < 1e-6,
                "μ {momentum}: {:?}",
                stable.status
            );
            assert!(
                matches!(unstable.status, crate::trajectory::Status::Diverged { .. }),
                "μ {momentum}: {:?}",
                unstable.status
            );
        }
    }
}
