//! [`Surface`]: what an experiment's optimizers descend, a function or a
//! data model with its L2 term, or a network's landscape on its plane.

use crate::data::{self, DataModel};
use crate::linalg::eigen;
use crate::mlp::surface::NetSurface;
use crate::objective::{Minimum, Objective, View};
use optiviz_base::number::show_number;

/// The surface an experiment runs on: the function or model with its L2 term.
pub enum Surface {
    /// A test function or a typed formula, plus `l2·(x² + y²)`.
    Formula {
        /// The function.
        f: Box<dyn Objective>,
        /// The factor of the L2 term (0 for none).
        l2: f64,
    },
    /// A model fitted to data; its L2 term is its own.
    Data(DataModel),
    /// A network's landscape on its plane (with the L2 term).
    Network(Box<NetSurface>),
}

impl Surface {
    /// The data model, if it is one.
    pub fn model(&self) -> Option<&DataModel> {
        match self {
            Surface::Data(m) => Some(m),
            _ => None,
        }
    }

    /// The network's landscape, if it is one.
    pub fn network(&self) -> Option<&NetSurface> {
        match self {
            Surface::Network(n) => Some(n),
            _ => None,
        }
    }

    /// Why no minimum is marked, when none is: a data model without one, or a
    /// formula whose known minima the L2 term has moved.
    pub fn minimum_note(&self) -> Option<String> {
        match self {
            Surface::Data(m) => match m.fit() {
                data::Fit::None(why) => Some(format!("No minimum marked: {why}.")),
                data::Fit::Minimum(_) => None,
            },
            Surface::Formula { f, l2 } if *l2 > 0.0 && !f.minima().is_empty() => Some(
                "The L2 term moves the function's known minima, so none are marked.".to_string(),
            ),
            Surface::Formula { f, .. } => f.minima_note(),
            Surface::Network(n) => n.minima_note(),
        }
    }

    /// For a model whose Hessian is the same everywhere (two-feature least
    /// squares: (2/n)XᵀX plus 2·l2 on the diagonal), a sentence on its
    /// eigenvalues, its condition number and the largest learning rate at
    /// which gradient descent is stable; `None` otherwise.
    pub fn curvature_note(&self) -> Option<String> {
        let m = self
            .model()
            .filter(|m| m.kind == data::ModelKind::LeastSquares2d)?;
        let ([lo, hi], _) = eigen(m.hessian([0.0, 0.0]));
        let show = |x: f64| -> String {
            let rounded: f64 = format!("{x:.2e}").parse().unwrap_or(x);
            show_number(rounded)
        };
        if hi <= 0.0 {
            return Some(
                "The loss's Hessian is 0: every feature is 0, so no weight changes the fit.".into(),
            );
        }
        let lo = lo.max(0.0);
        let condition = if lo > 1e-12 * hi {
            format!("condition number κ = λmax/λmin = {}", show(hi / lo))
        } else {
            "λmin = 0: the condition number is infinite".to_string()
        };
        Some(format!(
            "The loss's Hessian has eigenvalues {} and {}, {condition}; gradient descent is stable only for lr < 2/λmax = {}.",
            show(lo),
            show(hi),
            show(2.0 / hi)
        ))
    }
}

impl Objective for Surface {
    fn value(&self, p: [f64; 2]) -> f64 {
        match self {
            Surface::Formula { f, l2 } if *l2 == 0.0 => f.value(p),
            Surface::Formula { f, l2 } => f.value(p) + l2 * (p[0] * p[0] + p[1] * p[1]),
            Surface::Data(m) => m.value(p),
            Surface::Network(n) => n.value(p),
        }
    }
    fn grad(&self, p: [f64; 2]) -> [f64; 2] {
        match self {
            Surface::Formula { f, l2 } if *l2 == 0.0 => f.grad(p),
            Surface::Formula { f, l2 } => {
                let g = f.grad(p);
                [g[0] + 2.0 * l2 * p[0], g[1] + 2.0 * l2 * p[1]]
            }
            Surface::Data(m) => m.grad(p),
            Surface::Network(n) => n.grad(p),
        }
    }
    fn hessian(&self, p: [f64; 2]) -> [[f64; 2]; 2] {
        match self {
            Surface::Formula { f, l2 } if *l2 == 0.0 => f.hessian(p),
            Surface::Formula { f, l2 } => {
                let [[hxx, hxy], [_, hyy]] = f.hessian(p);
                [[hxx + 2.0 * l2, hxy], [hxy, hyy + 2.0 * l2]]
            }
            Surface::Data(m) => m.hessian(p),
            Surface::Network(n) => n.hessian(p),
        }
    }
    fn view(&self) -> View {
        match self {
            Surface::Formula { f, .. } => f.view(),
            Surface::Data(m) => m.view(),
            Surface::Network(n) => n.view(),
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        match self {
            Surface::Formula { f, l2 } if *l2 == 0.0 => f.minima(),
            Surface::Formula { .. } => Vec::new(),
            Surface::Data(m) => m.minima(),
            Surface::Network(n) => n.minima(),
        }
    }
    fn sample(&self, p: [f64; 2]) -> f64 {
        match self {
            Surface::Formula { f, l2 } => f.sample(p) + l2 * (p[0] * p[0] + p[1] * p[1]),
            Surface::Data(m) => m.sample(p),
            Surface::Network(n) => n.sample(p),
        }
    }
    fn sample_row(&self, xs: &[f64], y: f64, out: &mut [f64]) {
        match self {
            Surface::Formula { f, l2 } => {
                f.sample_row(xs, y, out);
                if *l2 != 0.0 {
                    for (o, x) in out.iter_mut().zip(xs) {
                        *o += l2 * (x * x + y * y);
                    }
                }
            }
            Surface::Data(m) => m.sample_row(xs, y, out),
            Surface::Network(n) => n.sample_row(xs, y, out),
        }
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        match self {
            Surface::Formula { f, l2 } => {
                f.sample_grid(xs, ys, out);
                if *l2 != 0.0 {
                    for (row, y) in out.chunks_exact_mut(xs.len()).zip(ys) {
                        for (o, x) in row.iter_mut().zip(xs) {
                            *o += l2 * (x * x + y * y);
                        }
                    }
                }
            }
            Surface::Data(m) => m.sample_grid(xs, ys, out),
            Surface::Network(n) => n.sample_grid(xs, ys, out),
        }
    }
    fn cost(&self) -> usize {
        match self {
            Surface::Formula { f, .. } => f.cost(),
            Surface::Data(m) => m.cost(),
            Surface::Network(n) => n.cost(),
        }
    }
}
