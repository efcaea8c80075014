//! A network with its rows and initial weights: the [`Model`] an experiment trains.

use crate::mlp::datasets::Pattern;
use crate::mlp::init::{self, Init};
use crate::mlp::net::{self, Network};
use serde::Serialize;

/// The network's entry among the functions: what experiments call it. Its
/// surface is the landscape on its plane, which its training finds
/// ([`crate::mlp::surface::NetSurface`]), so it is built there and not from `build`.
pub static MLP: crate::functions::def::FunctionDef = crate::functions::def::FunctionDef {
    name: "mlp",
    title: "Neural network (MLP)",
    formula: "L(θ0 + a·d1 + b·d2)",
    about: "A small multilayer perceptron on two inputs, trained by every optimizer exactly as PyTorch would. The plot is its loss L over the plane through the initial weights θ0 spanned by directions d1 and d2: the two along which the optimizers moved most, unless the landscape plane below says random.",
    params: &[],
    build: |_| unreachable!("an MLP's surface is built from its training"),
    model: None,
};

/// At most this many rows of data (as for the other data models).
pub const MAX_ROWS: usize = crate::data::MAX_ROWS;
/// At most this many parameters.
pub const MAX_PARAMS: usize = 10_000;
/// At most this many hidden layers, each at most [`MAX_WIDTH`] wide.
pub const MAX_HIDDEN: usize = 8;
/// At most this many units in a hidden layer.
pub const MAX_WIDTH: usize = 64;

/// Where a network's rows came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Rows {
    /// Drawn: `{"name", "n", "noise", "seed"}`.
    Pattern {
        /// The recipe, under the key `name`.
        #[serde(rename = "name")]
        pattern: Pattern,
        /// How many rows.
        n: u32,
        /// The σ of the noise (see [`Pattern::draw`]).
        noise: f64,
        /// The seed the rows are drawn from.
        seed: u32,
    },
    /// Given row by row.
    Given,
}

/// Which plane the landscape is drawn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaneKind {
    /// The two leading principal directions of the optimizers' displacements.
    Pca,
    /// Two random directions, normalised filter-wise, from the experiment's seed.
    Random,
}

/// An MLP experiment's model: the network, its rows and its initial weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The architecture laid out over the flat parameters.
    pub net: Network,
    /// Each row's two inputs (x1, x2).
    pub x: Vec<[f64; 2]>,
    /// Each row's target: a class (0 or 1) or a number to fit.
    pub y: Vec<f64>,
    /// Where the rows came from.
    pub rows: Rows,
    /// How the initial weights are drawn.
    pub init: Init,
    /// σ of [`Init::Normal`].
    pub init_std: f64,
    /// The seed the initial weights are drawn from.
    pub init_seed: u32,
    /// Initial weights given explicitly, which override `init`.
    pub weights: Option<Vec<f64>>,
    /// θ0: the given weights or the drawn ones.
    pub start: Vec<f64>,
    /// Which plane the landscape is drawn on.
    pub plane: PlaneKind,
}

impl Model {
    /// Builds the model; `weights`, if given, must have the network's count.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        net: Network,
        (x, y): (Vec<[f64; 2]>, Vec<f64>),
        rows: Rows,
        (init, init_std, init_seed): (Init, f64, u32),
        weights: Option<Vec<f64>>,
        plane: PlaneKind,
    ) -> Model {
        let start = match &weights {
            Some(w) => w.clone(),
            None => init::initial_weights(&net, init, init_std, init_seed as u64),
        };
        Model {
            net,
            x,
            y,
            rows,
            init,
            init_std,
            init_seed,
            weights,
            start,
            plane,
        }
    }
}

impl Model {
    /// The loss on `rows` at `p` with the L2 term λ‖θ‖² (λ = `l2`), in
    /// training mode; with `grad` (as long as `p`), its gradient there.
    pub fn loss(
        &self,
        p: &[f64],
        rows: &[usize],
        grad: Option<&mut [f64]>,
        l2: f64,
        ws: &mut net::Workspace,
    ) -> net::Eval {
        let data = (self.x.as_slice(), self.y.as_slice());
        let mut e = match grad {
            Some(g) => {
                let e = self.net.pass(p, data, rows, Some(&mut *g), ws);
                if l2 > 0.0 {
                    for (g, v) in g.iter_mut().zip(p) {
                        *g += 2.0 * l2 * v;
                    }
                }
                e
            }
            None => self.net.pass(p, data, rows, None, ws),
        };
        e.loss += self.l2_term(p, l2);
        e
    }

    /// The L2 term λ‖θ‖² (0 when λ is).
    pub fn l2_term(&self, p: &[f64], l2: f64) -> f64 {
        if l2 > 0.0 {
            l2 * p.iter().map(|v| v * v).sum::<f64>()
        } else {
            0.0
        }
    }

    /// The function object an experiment reads back to this model: every
    /// key, the rows as drawn (`dataset`) or given (`data`), the weights only
    /// when they were given.
    pub fn function_json(&self) -> serde_json::Value {
        use serde_json::{json, Value};
        let arch = &self.net.arch;
        let mut f = json!({
            "name": "mlp",
            "hidden": arch.hidden,
            "activation": arch.activation.key(),
            "batch_norm": arch.batch_norm,
            "task": arch.task.key(),
        });
        let o = f.as_object_mut().expect("an object");
        match &self.rows {
            Rows::Pattern { .. } => {
                o.insert(
                    "dataset".into(),
                    serde_json::to_value(&self.rows).expect("rows"),
                );
            }
            Rows::Given => {
                let x: Vec<Value> = self.x.iter().map(|p| json!([p[0], p[1]])).collect();
                o.insert("data".into(), json!({"x": x, "y": self.y}));
            }
        }
        o.insert("init".into(), json!(self.init.key()));
        o.insert("init_std".into(), json!(self.init_std));
        o.insert("init_seed".into(), json!(self.init_seed));
        if let Some(w) = &self.weights {
            o.insert("weights".into(), json!(w));
        }
        if self.plane == PlaneKind::Random {
            o.insert("plane".into(), json!("random"));
        }
        f
    }
}
