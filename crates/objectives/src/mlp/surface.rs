//! A network's landscape: its loss over every row at θ0 + a·d1 + b·d2, a
//! function of the plane's two coordinates like any plotted surface.

use crate::mlp::model::Model;
use crate::mlp::net::Workspace;
use crate::mlp::plane::Plane;
use crate::objective::{Objective, View};
use optiviz_optim::dot;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// Buffers for the passes a landscape makes, one set per thread.
    static BUFFERS: RefCell<(Workspace, Vec<f64>, Vec<f64>)> = RefCell::default();
}

/// The full-data loss (with the experiment's L2 term) on a plane.
pub struct NetSurface {
    /// The network and the rows whose loss it is.
    pub model: Arc<Model>,
    /// The plane the loss is evaluated on.
    pub plane: Plane,
    /// The factor of the L2 term added to the loss (0 for none).
    pub l2: f64,
    /// The window that holds every run's projected path.
    pub window: View,
    /// What tells this landscape from another: a hash of the network, its
    /// rows, its L2 term and its plane (which every run helps choose).
    pub id: String,
    rows: Vec<usize>,
}

impl NetSurface {
    /// The landscape of `model` on `plane`, shown over a window around the
    /// projected `points` of every run.
    pub fn new(model: Arc<Model>, plane: Plane, l2: f64, points: &[[f64; 2]]) -> NetSurface {
        let rows = (0..model.x.len()).collect();
        let id = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            format!("{:?}", model.net.arch).hash(&mut h);
            bits(&model.x.concat()).hash(&mut h);
            bits(&model.y).hash(&mut h);
            l2.to_bits().hash(&mut h);
            bits(&plane.origin).hash(&mut h);
            bits(&plane.directions[0]).hash(&mut h);
            bits(&plane.directions[1]).hash(&mut h);
            format!("net {:016x}", h.finish())
        };
        NetSurface {
            id,
            model,
            plane,
            l2,
            window: window_around(points),
            rows,
        }
    }

    /// The loss at (a, b), and with `grad` its gradient with respect to a and b.
    fn at(&self, ab: [f64; 2], grad: bool) -> (f64, [f64; 2]) {
        BUFFERS.with(|b| {
            let (ws, theta, g) = &mut *b.borrow_mut();
            self.plane.at(ab, theta);
            if !grad {
                // The value alone: one forward pass, no backward buffers.
                let m = &self.model;
                return (
                    m.net.loss_at(theta, (&m.x, &m.y)) + m.l2_term(theta, self.l2),
                    [0.0; 2],
                );
            }
            g.resize(self.model.net.count, 0.0);
            let loss = self
                .model
                .loss(theta, &self.rows, Some(&mut g[..]), self.l2, ws)
                .loss;
            let [d1, d2] = &self.plane.directions;
            (loss, [dot(d1, g), dot(d2, g)])
        })
    }
}

/// A window holding every point with a quarter of its span to spare on each
/// side (at least ±1 around the start when nothing moved).
fn window_around(points: &[[f64; 2]]) -> View {
    let (mut x, mut y) = ([0.0f64, 0.0f64], [0.0f64, 0.0f64]);
    for p in points
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        x = [x[0].min(p[0]), x[1].max(p[0])];
        y = [y[0].min(p[1]), y[1].max(p[1])];
    }
    let pad = |[lo, hi]: [f64; 2]| {
        let span = (hi - lo).max(1e-9);
        let m = (0.25 * span).max(if hi - lo < 1e-9 { 1.0 } else { 0.0 });
        [lo - m, hi + m]
    };
    View {
        x: pad(x),
        y: pad(y),
    }
}

impl Objective for NetSurface {
    fn value(&self, p: [f64; 2]) -> f64 {
        self.at(p, false).0
    }

    fn grad(&self, p: [f64; 2]) -> [f64; 2] {
        self.at(p, true).1
    }

    /// From central differences of the exact gradient: the one surface whose
    /// second derivatives are not written out (they would take a second-order
    /// pass through the network).
    fn hessian(&self, p: [f64; 2]) -> [[f64; 2]; 2] {
        let h = |x: f64| 1e-5 * x.abs().max(1.0);
        let column = |i: usize| {
            let (mut up, mut down) = (p, p);
            up[i] += h(p[i]);
            down[i] -= h(p[i]);
            let (gu, gd) = (self.grad(up), self.grad(down));
            let w = up[i] - down[i];
            [(gu[0] - gd[0]) / w, (gu[1] - gd[1]) / w]
        };
        let (cx, cy) = (column(0), column(1));
        let mixed = 0.5 * (cx[1] + cy[0]);
        [[cx[0], mixed], [mixed, cy[1]]]
    }

    fn view(&self) -> View {
        self.window
    }

    fn cost(&self) -> usize {
        self.model.x.len() * self.model.net.count / 2 + 1
    }
}
