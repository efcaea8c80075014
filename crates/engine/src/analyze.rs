//! The local shape of a surface at given points: value, gradient, Hessian,
//! its eigenvalues and eigenvectors and its condition number, from the same
//! exact derivatives the runs use (analytic for the built-in functions and
//! the data models, forward mode for a typed function). `optiviz analyze`
//! prints it for the start, any further points and every known minimum, and
//! at each minimum every optimizer's stability edge.

use crate::runs::Runs;
use optiviz_experiment::experiment::Experiment;
use optiviz_objectives::linalg::eigen;
use optiviz_objectives::objective::Objective;
use serde::Serialize;

/// The surface's shape at one point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Local {
    /// Where, (x, y).
    pub point: [f64; 2],
    /// f there.
    pub value: f64,
    /// ∇f = (∂f/∂x, ∂f/∂y).
    pub gradient: [f64; 2],
    /// The Hessian, row by row: `[[f_xx, f_xy], [f_yx, f_yy]]`.
    pub hessian: [[f64; 2]; 2],
    /// The Hessian's eigenvalues (the curvatures), ascending.
    pub eigenvalues: [f64; 2],
    /// Unit eigenvectors, in the order of `eigenvalues`.
    pub eigenvectors: [[f64; 2]; 2],
    /// |λ|max / |λ|min: how much faster f curves along one eigen-direction
    /// than the other; `null` (infinite) where some curvature is zero.
    pub condition: Option<f64>,
    /// For a minimum: whether it was found numerically (a typed function's)
    /// rather than known exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_numerically: Option<bool>,
    /// For a minimum: per optimizer of the experiment, the largest learning
    /// rate at which its iteration, linearized here, is stable
    /// ([`crate::stability`]); null for an optimizer that scales its own
    /// steps, and where no curvature limits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability_edges: Option<Vec<Option<f64>>>,
}

/// What `optiviz analyze` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The start, then each point asked about.
    pub points: Vec<Local>,
    /// Each known (or found) minimum, lowest first where found.
    pub minima: Vec<Local>,
}

/// The shape of `f` at `p`.
pub fn local(f: &dyn Objective, p: [f64; 2]) -> Local {
    let hessian = f.hessian(p);
    let (eigenvalues, eigenvectors) = eigen(hessian);
    let (lo, hi) = (
        eigenvalues[0].abs().min(eigenvalues[1].abs()),
        eigenvalues[0].abs().max(eigenvalues[1].abs()),
    );
    let condition = (lo > 0.0 && hi.is_finite()).then(|| hi / lo);
    Local {
        point: p,
        value: f.value(p),
        gradient: f.grad(p),
        hessian,
        eigenvalues,
        eigenvectors,
        condition,
        found_numerically: None,
        stability_edges: None,
    }
}

/// The analysis of `exp`'s surface (with its L2 term) at its start, at each
/// of `at`, and at each of its known minima.
pub fn analyze(exp: &Experiment, at: &[[f64; 2]]) -> Analysis {
    let surf = exp.surface();
    let typed = exp.function.typed.is_some();
    let points = std::iter::once(exp.start)
        .chain(at.iter().copied())
        .map(|p| local(&surf, p))
        .collect();
    let minima = surf
        .minima()
        .into_iter()
        .map(|m| {
            let l = local(&surf, m.point);
            let edges = exp
                .optimizers
                .iter()
                .map(|o| {
                    crate::stability::edge(o, l.eigenvalues)
                        .map(|e| e.lr)
                        .filter(|lr| lr.is_finite())
                })
                .collect();
            Local {
                found_numerically: Some(typed),
                stability_edges: Some(edges),
                ..l
            }
        })
        .collect();
    Analysis { points, minima }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(h: [[f64; 2]; 2]) {
        let (values, vectors) = eigen(h);
        assert!(values[0] <= values[1]);
        for (l, v) in values.iter().zip(vectors) {
            // H v = λ v, |v| = 1.
            let hv = [
                h[0][0] * v[0] + h[0][1] * v[1],
                h[1][0] * v[0] + h[1][1] * v[1],
            ];
            let scale = values[0].abs().max(values[1].abs()).max(1.0);
            assert!((hv[0] - l * v[0]).abs() <= 1e-12 * scale, "{h:?}");
            assert!((hv[1] - l * v[1]).abs() <= 1e-12 * scale, "{h:?}");
            assert!((v[0].hypot(v[1]) - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn eigenpairs_satisfy_h_v_equals_lambda_v() {
        for h in [
            [[2.0, 0.0], [0.0, 20.0]],
            [[20.0, 0.0], [0.0, 2.0]],
            [[2.0, 1.0], [1.0, 2.0]],
            [[802.0, -400.0], [-400.0, 200.0]],
            [[1.0, 1e-9], [1e-9, 1.0]],
            [[0.0, 3.0], [3.0, 0.0]],
            [[-4.0, 2.5], [2.5, 7.0]],
            [[5.0, 5.0], [5.0, 5.0]],
        ] {
            check(h);
        }
        let (v, _) = eigen([[2.0, 1.0], [1.0, 2.0]]);
        assert_eq!(v, [1.0, 3.0]);
    }

    #[test]
    fn rosenbrock_at_its_minimum() {
        let exp = Experiment::from_json(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2], "steps": 0, "optimizers": []}"#,
        )
        .unwrap();
        let a = analyze(&exp, &[[0.0, 0.0]]);
        assert_eq!(a.points.len(), 2);
        assert_eq!(a.points[1].hessian, [[2.0, 0.0], [0.0, 200.0]]);
        assert_eq!(a.points[1].condition, Some(100.0));
        let m = &a.minima[0];
        assert_eq!(m.point, [1.0, 1.0]);
        assert_eq!(m.gradient, [0.0, 0.0]);
        assert_eq!(m.hessian, [[802.0, -400.0], [-400.0, 200.0]]);
        assert_eq!(m.found_numerically, Some(false));
        assert!(m.eigenvalues[0] > 0.0 && m.condition.unwrap() > 2000.0);
    }
}
