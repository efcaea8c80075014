//! What a run gives: its [`Trajectory`] (points, losses and what was
//! recorded), how it ended ([`Status`]), what to record ([`Record`]), and the
//! bounds past which a run has diverged.

use optiviz_base::number::short;
use optiviz_optim::State;
use serde::Serialize;
use std::fmt;

/// A path whose |loss| passes this has diverged.
pub const LOSS_BOUND: f64 = 1e12;
/// A path with a coordinate past this in magnitude has diverged.
pub const PARAM_BOUND: f64 = 1e6;
/// A path whose loss rose by more than this many times max(1, |initial loss|)
/// above its initial loss has diverged.
pub const GROWTH_BOUND: f64 = 1e3;
/// A path has converged from the first step after which the gradient norm stays
/// at or below this at every point.
pub const GRAD_TOL: f64 = 1e-6;

/// The trajectory of one optimizer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    /// The optimizer's key, e.g. `"adam"`.
    pub name: String,
    /// The name plus every setting that differs from torch's defaults.
    pub label: String,
    /// θ before each step plus the final θ: `steps + 1` points, fewer only when
    /// a value became non-finite; always at least the start (whose loss may
    /// then be NaN, where f has no value).
    pub points: Vec<[f64; 2]>,
    /// f at each point.
    pub losses: Vec<f64>,
    /// The norm of the gradient each step received, before clipping (one per
    /// step taken): ‖∇f‖, or a mini-batch's or a noisy gradient's norm.
    pub grad_norms: Vec<f64>,
    /// The learning rate each step used (one per step taken).
    pub lrs: Vec<f64>,
    /// For a data model: the epochs completed after each step (rows used so
    /// far over the dataset's size). Empty for formula functions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub epochs: Vec<f64>,
    /// How the run ended.
    pub status: Status,
    /// The optimizer's state after each step taken, under torch's keys; only
    /// when asked for ([`Record::state`]), empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub state: Vec<State>,
    /// The gradient each step received, before clipping; recorded with the
    /// state ([`Record::state`]), empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grads: Vec<[f64; 2]>,
    /// For an optimizer that re-evaluates the objective within a step
    /// (LBFGS): how many evaluations each step made. Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub func_evals: Vec<u32>,
    /// The momentum (or β₁) in force during each step taken, for a cyclic or
    /// one-cycle schedule on an optimizer that has one; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub momenta: Vec<f64>,
    /// A network's accuracy at each point (classification); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accuracy: Vec<f64>,
    /// A network's weight-gradient norm per Linear layer at each step taken
    /// (input layer first, before clipping); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layer_grad_norms: Vec<Vec<f64>>,
    /// A network's flat parameters at each point, when asked for
    /// ([`Record::params`]); its `points` are where they fall on the plane.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Vec<f64>>,
    /// With the state: what each step computed that no state keeps (Muon's
    /// momentum matrix before Newton–Schulz and the update after it); empty
    /// for the optimizers that tell nothing more.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inside: Vec<State>,
    /// The optimizer's extra points, one per step taken (entry k after step
    /// k + 1), named as its catalogue entry names them
    /// ([`optiviz_optim::OptimizerDef::series`]): a schedule-free run's
    /// averaged iterate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_points: Option<Series>,
    /// SAM's climbed points,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ascent_points: Option<Series>,
    /// Lookahead's slow weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slow_points: Option<Series>,
    /// Prodigy's distance estimate after each step taken
    /// ([`optiviz_optim::Optimizer::readout`]); empty for the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub d: Vec<f64>,
}

impl Trajectory {
    /// The optimizer's extra points, with their name, if it gives any.
    pub fn series(&self) -> Option<(&'static str, &Series)> {
        [
            ("eval_points", &self.eval_points),
            ("ascent_points", &self.ascent_points),
            ("slow_points", &self.slow_points),
        ]
        .into_iter()
        .find_map(|(name, s)| Some((name, s.as_ref()?)))
    }

    /// Keeps the extra points `series` under `name` (as
    /// [`optiviz_optim::OptimizerDef::series`] names them), and what the
    /// optimizer estimated for itself.
    pub fn with_extras(
        mut self,
        series: Option<(&'static str, Series)>,
        readout: Option<(&'static str, Vec<f64>)>,
    ) -> Trajectory {
        if let Some((name, s)) = series {
            match name {
                "eval_points" => self.eval_points = Some(s),
                "ascent_points" => self.ascent_points = Some(s),
                "slow_points" => self.slow_points = Some(s),
                other => unreachable!("no series is named {other}"),
            }
        }
        if let Some(("d", values)) = readout {
            self.d = values;
        }
        self
    }
}

/// An optimizer's extra points ([`Trajectory::series`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Where each falls on the plot: the point itself on a surface, its
    /// place on the plane for a network.
    pub on_plot: Vec<[f64; 2]>,
    /// A network's flat parameters at each, when its parameters are
    /// recorded ([`Record::params`]); then they are what is written, as
    /// `params` are.
    pub params: Vec<Vec<f64>>,
}

impl Serialize for Series {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.params.is_empty() {
            true => self.on_plot.serialize(s),
            false => self.params.serialize(s),
        }
    }
}

/// What a run records beyond the path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Record {
    /// The optimizer's state after every step, and the gradient each received.
    pub state: bool,
    /// A network's flat parameters at every point.
    pub params: bool,
}

impl Trajectory {
    /// A network's accuracy at point `k`, for the status beside its loss
    /// (", 93% right"); empty for anything else.
    fn right_at(&self, k: usize) -> String {
        self.accuracy
            .get(k)
            .map_or(String::new(), |a| format!(", {:.0}% right", a * 100.0))
    }

    /// What a learner reads about this path at `step`: its state
    /// (`"moving"`, `"converged"`, `"settled"`, `"diverged"` or `"stopped"`) and a status
    /// line, the final status once the path has reached the step it ended at.
    pub fn status_at(&self, step: usize) -> (&'static str, String) {
        let (state, text) = self.status_only(step);
        // What the optimizer estimates for itself, as the step left it.
        let k = step.min(self.points.len().saturating_sub(1));
        let told = match k.checked_sub(1).and_then(|j| self.d.get(j)) {
            Some(d) => format!(" · d = {}", short(*d)),
            None => String::new(),
        };
        (state, text + &told)
    }

    fn status_only(&self, step: usize) -> (&'static str, String) {
        match &self.status {
            Status::Converged { step: s, .. }
            | Status::Settled { step: s, .. }
            | Status::Diverged { step: s, .. }
            | Status::Stopped { step: s, .. }
                if *s <= step =>
            {
                let (state, right) = match self.status {
                    Status::Converged { step, .. } => ("converged", self.right_at(step)),
                    Status::Settled { step, .. } => ("settled", self.right_at(step)),
                    Status::Diverged { .. } => ("diverged", String::new()),
                    Status::Stopped { step, .. } => ("stopped", self.right_at(step)),
                    _ => unreachable!("matched above"),
                };
                (state, format!("{}{right}", self.status))
            }
            _ => {
                let k = step.min(self.points.len().saturating_sub(1));
                // Epochs completed by the step that reached point k.
                let epoch = match k.checked_sub(1).and_then(|i| self.epochs.get(i)) {
                    Some(e) => format!(" · epoch {}", short(*e)),
                    None if !self.epochs.is_empty() => " · epoch 0".to_string(),
                    None => String::new(),
                };
                let right = self.right_at(k);
                (
                    "moving",
                    format!("step {k}{epoch}, loss {}{right}", short(self.losses[k])),
                )
            }
        }
    }
}

/// How a path ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// From `step` on, every point had gradient norm ≤ [`GRAD_TOL`], at a
    /// minimum: a known one of the function (or, where none is known, a
    /// point whose curvature is positive both ways), or for a network an
    /// accuracy or loss that says it has learned ([`Status::judged`]).
    Converged {
        /// The first point (by index) of the settled stretch.
        step: usize,
        /// The loss at the last point.
        loss: f64,
    },
    /// From `step` on, every point had gradient norm ≤ [`GRAD_TOL`], but not
    /// at a minimum: a local pit, a saddle, a network that stopped learning.
    Settled {
        /// The first point (by index) of the settled stretch.
        step: usize,
        /// The loss at the last point.
        loss: f64,
    },
    /// The path produced a non-finite value at `step`, or it was out of
    /// bounds from `step` to the end. (A path that leaves the bounds and comes
    /// back, say when a schedule shrinks a too-large step, has not diverged.)
    Diverged {
        /// The index of the point where it diverged.
        step: usize,
        /// Which bound it passed.
        reason: Divergence,
    },
    /// A stopping rule of the experiment ended the run at `step`.
    Stopped {
        /// The last point's index: how many steps were taken.
        step: usize,
        /// The rule that held.
        rule: StopRule,
        /// The loss at the last point.
        loss: f64,
    },
    /// Neither: the path was still moving after the last step.
    Moving {
        /// The last point's index.
        step: usize,
        /// The loss there.
        loss: f64,
    },
}

/// Which stopping rule ended a run, with its setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum StopRule {
    /// The gradient received had norm ≤ `tol`.
    GradTol {
        /// The gradient-norm tolerance.
        tol: f64,
    },
    /// The loss changed by ≤ `tol` over the last `window` steps.
    LossTol {
        /// The largest change that counts as none.
        tol: f64,
        /// Over how many steps the change is measured.
        window: u32,
    },
    /// `max_steps` steps were taken.
    MaxSteps {
        /// The step budget.
        max_steps: u32,
    },
}

impl fmt::Display for StopRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopRule::GradTol { tol } => write!(f, "gradient norm ≤ {}", short(*tol)),
            StopRule::LossTol { tol, window } => {
                write!(f, "loss changed ≤ {} over {window} steps", short(*tol))
            }
            StopRule::MaxSteps { max_steps } => write!(f, "max_steps = {max_steps} reached"),
        }
    }
}

/// Why a path counts as diverged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Divergence {
    /// |loss| passed [`LOSS_BOUND`].
    LossBound,
    /// The loss rose [`GROWTH_BOUND`]-fold above where it started.
    LossGrowth,
    /// A coordinate passed [`PARAM_BOUND`] in magnitude.
    ParamBound,
    /// The loss or the gradient was infinite or NaN.
    NonFiniteLoss,
    /// A step produced infinite or NaN parameters.
    NonFiniteParams,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Divergence::LossBound => "loss past 1e12",
            Divergence::LossGrowth => "loss grew over 1000-fold",
            Divergence::ParamBound => "parameters past 1e6",
            Divergence::NonFiniteLoss => "loss or gradient not finite",
            Divergence::NonFiniteParams => "parameters not finite",
        })
    }
}

impl Status {
    /// A path whose gradient vanished is said to have converged only where
    /// `at_minimum`; elsewhere it stopped moving.
    pub fn judged(self, at_minimum: bool) -> Status {
        match self {
            Status::Converged { step, loss } if !at_minimum => Status::Settled { step, loss },
            other => other,
        }
    }
}

impl fmt::Display for Status {
    /// The sentence a learner reads, e.g. "converged at step 143, loss 2.1e-9".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Converged { step, loss } => {
                write!(f, "converged at step {step}, loss {}", short(*loss))
            }
            Status::Settled { step, loss } => {
                write!(f, "stopped moving at step {step}, loss {}", short(*loss))
            }
            Status::Diverged { step, reason } => write!(f, "diverged at step {step}: {reason}"),
            Status::Stopped { step, rule, loss } => {
                write!(f, "stopped at step {step} ({rule}), loss {}", short(*loss))
            }
            Status::Moving { step, loss } => write!(f, "step {step}, loss {}", short(*loss)),
        }
    }
}
