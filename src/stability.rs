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
//! ASGD scales θ by 1 − λ_d·η and steps by η along the gradient, so
//! |1 − η(k + λ_d)| < 1; its η starts at the learning rate and only shrinks,
//! so the edge given is for its first steps. The other optimizers scale their
//! own steps (by running averages of the gradient, its sign, or a curvature
//! estimate): they have no such edge, and get `None`.

use crate::experiment::OptimizerConfig;
use crate::optim::HyperValue;

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
    match cfg.hyper.0.get(key) {
        Some(HyperValue::Number(x)) => *x,
        _ => 0.0,
    }
}

/// The edge along one direction of curvature `lambda` (an eigenvalue of the
/// Hessian at the minimum); `None` for an optimizer without one.
pub fn edge_along(cfg: &OptimizerConfig, lambda: f64) -> Option<f64> {
    let wd = number(cfg, "weight_decay");
    // maximize climbs: the curvature the iteration sees changes sign.
    let sign = if cfg.maximize { -1.0 } else { 1.0 };
    let k = sign * (lambda + wd);
    match cfg.def.name {
        "sgd" => {
            let mu = number(cfg, "momentum");
            let tau = number(cfg, "dampening");
            let nesterov = matches!(cfg.hyper.0.get("nesterov"), Some(HyperValue::Flag(true)));
            Some(sgd_edge(k, mu, tau, nesterov))
        }
        "asgd" => {
            let k = k + sign * number(cfg, "lambd");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Experiment;

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
        // Climbing away from a minimum is never stable there.
        let up = optimizer(r#"{"name": "sgd", "lr": 0.1, "maximize": true}"#);
        assert_eq!(edge(&up, [1.0, 10.0]).unwrap().lr, 0.0);
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
                matches!(unstable.status, crate::Status::Diverged { .. }),
                "μ {momentum}: {:?}",
                unstable.status
            );
        }
    }
}
