//! What every optimizer is: the [`Optimizer`] trait over a [`Params`]
//! vector, the [`State`] it reports under torch's keys, the [`Shape`]s of the
//! tensors it steps, and the sums and powers the update rules share.

use serde::Serialize;

/// The most steps one run may take.
pub const MAX_STEPS: u32 = 100_000;

/// The most multiply-adds per parameter an update of the optimizers that
/// keep per-parameter state makes (NAdam's and RAdam's are the longest).
pub const UPDATE_WORK: f64 = 16.0;

/// A vector of parameters an optimizer updates: `[f64; 2]` (a point on a
/// surface) or `Vec<f64>` (any number of them). The optimizer's state vectors
/// are of the same type, as long as the parameters.
pub trait Params:
    Clone + std::fmt::Debug + AsRef<[f64]> + AsMut<[f64]> + Send + Sync + 'static
{
    /// A vector as long as this one with every entry `x`.
    fn filled(&self, x: f64) -> Self;
}

impl Params for [f64; 2] {
    fn filled(&self, x: f64) -> Self {
        [x; 2]
    }
}

impl Params for Vec<f64> {
    fn filled(&self, x: f64) -> Self {
        vec![x; self.len()]
    }
}

/// The shape of one of the parameter tensors that lie end to end in a flat
/// vector, in `model.parameters()` order. Most optimizers treat every
/// coordinate alike; Adafactor factors a matrix's second moments into its
/// rows and columns, and scales each tensor by its own RMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A vector of this many (a bias, a batch norm's weight, a point).
    Vector(usize),
    /// A matrix of `rows` × `cols`, row-major (a Linear's weight is out × in).
    Matrix(usize, usize),
}

impl Shape {
    /// How many parameters the tensor holds.
    pub fn len(self) -> usize {
        match self {
            Shape::Vector(n) => n,
            Shape::Matrix(rows, cols) => rows * cols,
        }
    }

    /// Whether it holds none.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// How many parameters the tensors hold together.
    pub fn total(shapes: &[Shape]) -> usize {
        shapes.iter().map(|s| s.len()).sum()
    }
}

/// The state of one optimizer over the coordinates of `V`.
pub trait Optimizer<V: Params = [f64; 2]> {
    /// One `optimizer.step()`: updates `params` in place from the gradient
    /// (already clipped) with the learning rate in force for this step.
    fn step(&mut self, params: &mut V, grad: &V, lr: f64);

    /// What torch's `optimizer.state[θ]` holds after the steps so far: its
    /// keys, in the order torch adds them, and nothing it does not hold.
    fn state(&self) -> State;

    /// Whether a step evaluates the objective again (`optimizer.step(closure)`,
    /// LBFGS): then the run calls [`Optimizer::step_closure`] instead of `step`.
    fn re_evaluates(&self) -> bool {
        false
    }

    /// The most evaluations of the objective one step can make (1 for a
    /// plain `step`), for bounding a run's work.
    fn max_evaluations(&self) -> u32 {
        1
    }

    /// The most arithmetic a run of `steps` steps over `n` parameters does
    /// in the optimizer itself, its evaluations of the objective apart, in
    /// multiply-adds over its vectors: for bounding a run's work. An update
    /// of every kind here reads and writes each parameter's state a few
    /// times (at most [`UPDATE_WORK`] per parameter).
    fn run_work(&self, n: usize, steps: u32) -> f64 {
        UPDATE_WORK * n as f64 * steps as f64
    }

    /// The most numbers the optimizer's state holds over `n` parameters
    /// after `steps` steps: for bounding a run's memory.
    fn state_size(&self, n: usize, steps: u32) -> f64 {
        let _ = steps;
        4.0 * n as f64
    }

    /// One `optimizer.step(closure)`. `loss` and `grad` are the closure's
    /// first evaluation, at `params` (the one the training loop made);
    /// `closure` evaluates the loss and the (clipped) gradient anywhere else.
    /// Returns how many evaluations the step made, the first included.
    fn step_closure(
        &mut self,
        params: &mut V,
        loss: f64,
        grad: &V,
        lr: f64,
        closure: &mut Closure<V>,
    ) -> u32 {
        let _ = (loss, closure);
        self.step(params, grad, lr);
        1
    }

    /// The momentum factor (SGD, RMSprop) or β₁ (the Adam family) the next
    /// step uses: what torch's CyclicLR and OneCycleLR cycle. `None` for an
    /// optimizer with neither.
    fn momentum(&self) -> Option<f64> {
        None
    }

    /// The loss at the point the next step starts from, told just before
    /// it (a typed rule reads it as `loss`); the others ignore it.
    fn see_loss(&mut self, _loss: f64) {}

    /// Sets that momentum or β₁ between steps, as those schedulers do through
    /// the param group; does nothing for an optimizer with neither.
    fn set_momentum(&mut self, _momentum: f64) {}

    /// torch's `momentum_buffer` in this optimizer's state, where it keeps
    /// one (SGD with momentum, once it has stepped): what Lookahead's
    /// `pullback_momentum` pulls back or resets.
    fn momentum_buffer(&self) -> Option<V> {
        None
    }

    /// Puts `buffer` in the state as `momentum_buffer`, as Lookahead does
    /// between its base's steps. An optimizer that reads no such key keeps
    /// stepping as before.
    fn set_momentum_buffer(&mut self, _buffer: V) {}

    /// The point of the optimizer's extra series after the last step
    /// ([`crate::OptimizerDef::series`]): schedule-free's averaged iterate,
    /// SAM's ascent point, Lookahead's slow weights. `None` for the others.
    fn series_point(&self) -> Option<V> {
        None
    }

    /// A number the optimizer estimates for itself, shown as the run goes,
    /// with its name: Prodigy's distance estimate `d`. `None` for the others.
    fn readout(&self) -> Option<(&'static str, f64)> {
        None
    }

    /// What the last step computed that torch keeps in no state but that
    /// explains it (Muon's momentum matrix before Newton–Schulz and the
    /// orthogonalized update after it): shown by the inspector.
    fn inside(&self) -> State {
        State::default()
    }
}

/// One evaluation of the objective at a point: its loss and its gradient,
/// clipped as the training loop clips.
pub type Closure<'a, V = [f64; 2]> = dyn FnMut(&V) -> (f64, V) + 'a;

/// One value of an optimizer's state: a number (the step count, NAdam's
/// `mu_product`, …), a vector over the coordinates, or LBFGS's lists
/// (of vectors, or of numbers where torch may hold None).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StateValue {
    /// A number torch keeps as a float tensor (`step`, NAdam's `mu_product`).
    Number(f64),
    /// A count torch keeps as an integer (LBFGS's `func_evals`, `n_iter`).
    Count(u64),
    /// One value per coordinate (`exp_avg`, `square_avg`, `momentum_buffer`, …).
    Vector(Vec<f64>),
    /// A list of vectors (LBFGS's `old_dirs`, `old_stps`).
    Vectors(Vec<Vec<f64>>),
    /// A list of numbers, `None` where torch holds None (LBFGS's `al`, `ro`).
    Numbers(Vec<Option<f64>>),
}

/// An optimizer's state under torch's key names, in torch's order; written
/// as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State(pub Vec<(Key, StateValue)>);

/// A key of an optimizer's state: torch's name, or a typed rule's own.
pub type Key = std::borrow::Cow<'static, str>;

impl State {
    /// A state with `step` (a count torch keeps as a float) first.
    pub fn counted(step: u64) -> State {
        State(vec![("step".into(), StateValue::Number(step as f64))])
    }
    /// Adds a vector under `key`.
    pub fn vector(mut self, key: impl Into<Key>, v: impl AsRef<[f64]>) -> State {
        self.0
            .push((key.into(), StateValue::Vector(v.as_ref().to_vec())));
        self
    }
    /// Adds a number under `key`.
    pub fn number(mut self, key: impl Into<Key>, x: f64) -> State {
        self.0.push((key.into(), StateValue::Number(x)));
        self
    }
    /// Adds an integer count under `key`.
    pub fn count(mut self, key: impl Into<Key>, n: u64) -> State {
        self.0.push((key.into(), StateValue::Count(n)));
        self
    }
    /// Adds a list of vectors under `key`.
    pub fn vectors<T: AsRef<[f64]>>(mut self, key: impl Into<Key>, v: &[T]) -> State {
        let v = v.iter().map(|x| x.as_ref().to_vec()).collect();
        self.0.push((key.into(), StateValue::Vectors(v)));
        self
    }
    /// Adds a list of numbers (None for torch's None) under `key`.
    pub fn numbers(mut self, key: impl Into<Key>, v: Vec<Option<f64>>) -> State {
        self.0.push((key.into(), StateValue::Numbers(v)));
        self
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The Euclidean norm, as torch's `norm(2)` computes it: the root of the sum
/// of squares (summed left to right).
pub fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// The dot product Σ aᵢbᵢ, summed left to right from the first product (so
/// for two coordinates `a[0] * b[0] + a[1] * b[1]`); 0 for empty vectors.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let b = &b[..a.len()];
    match a.len() {
        0 => 0.0,
        n => {
            let mut s = a[0] * b[0];
            for i in 1..n {
                s += a[i] * b[i];
            }
            s
        }
    }
}

/// torch's `lerp_`, `m ← m + w(g − m)`: the Adam family's moment update
/// (`w = 1 − β₁`), Lookahead's pull-back, schedule-free's averaged iterate
/// (whose weight `1 − 1/β` is negative).
pub(crate) fn lerp(m: f64, g: f64, weight: f64) -> f64 {
    // torch computes lerp from the nearer end for accuracy, by |w|.
    if weight.abs() < 0.5 {
        m + weight * (g - m)
    } else {
        g - (g - m) * (1.0 - weight)
    }
}

pub use optiviz_base::powers::{power_of_step, step_root};

#[cfg(test)]
mod tests {
    use super::{dot, norm, Params};

    #[test]
    fn two_coordinate_sums_are_the_two_term_sums_bit_for_bit() {
        // Signed zeros included: a sum started from +0 would turn −0 + −0 into +0.
        let xs = [0.0, -0.0, 1.5, -2.25, 1e-300, 3e300, 0.1, f64::NAN];
        for &a in &xs {
            for &b in &xs {
                for &c in &xs {
                    for &d in &xs {
                        let want = a * c + b * d;
                        assert_eq!(dot(&[a, b], &[c, d]).to_bits(), want.to_bits());
                    }
                }
                assert_eq!(norm(&[a, b]).to_bits(), (a * a + b * b).sqrt().to_bits());
            }
        }
        assert_eq!(dot(&[], &[]), 0.0);
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
    }

    #[test]
    fn filled_keeps_the_length() {
        assert_eq!([1.0, 2.0].filled(0.5), [0.5, 0.5]);
        assert_eq!(vec![1.0; 5].filled(-1.0), vec![-1.0; 5]);
        assert!(Vec::new().filled(3.0).is_empty());
    }
}
