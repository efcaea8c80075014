//! What every loss surface answers: the [`Objective`] trait, the [`View`]
//! window a plot shows and the known [`Minimum`]s. The formula functions
//! ([`crate::functions`]) and the data models ([`crate::data`]) both implement
//! it; neither depends on the other through it.

/// A differentiable function of two variables.
///
/// `value`, `grad` and `hessian` are required; the view and the minima have
/// defaults that a function overrides when it knows better.
pub trait Objective: Send + Sync {
    /// f(x, y).
    fn value(&self, p: [f64; 2]) -> f64;
    /// (∂f/∂x, ∂f/∂y), written out by hand.
    fn grad(&self, p: [f64; 2]) -> [f64; 2];
    /// The matrix of second partials `[[fxx, fxy], [fxy, fyy]]`, written out
    /// by hand like the gradient (no differences of it); the mixed partial is
    /// one value, so the matrix is symmetric exactly.
    fn hessian(&self, p: [f64; 2]) -> [[f64; 2]; 2];
    /// The window a plot shows by default.
    fn view(&self) -> View {
        View {
            x: [-5.0, 5.0],
            y: [-5.0, 5.0],
        }
    }
    /// The known global minima; empty where there is none (the saddle).
    fn minima(&self) -> Vec<Minimum> {
        Vec::new()
    }
    /// How the minima were found, where a reader should know (a typed
    /// function's are found numerically); `None` for minima known exactly.
    fn minima_note(&self) -> Option<String> {
        None
    }
    /// f(x, y) for drawing the surface: a function may use a faster formula
    /// here whose rounding differs from `value`.
    fn sample(&self, p: [f64; 2]) -> f64 {
        self.value(p)
    }
    /// [`Objective::sample`] along a row of the plane: at `(xs[i], y)` into
    /// `out[i]`. A function that evaluates a row faster than point by point
    /// (a typed one, an operation at a time) overrides it.
    fn sample_row(&self, xs: &[f64], y: f64, out: &mut [f64]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.sample([x, y]);
        }
    }
    /// [`Objective::sample`] over a grid: at `(xs[i], ys[j])` into
    /// `out[j * xs.len() + i]` (`xs` not empty). A function whose terms depend on x or on y
    /// alone (Rastrigin's ripples, say) overrides it to work each out once a
    /// column or a row instead of once a point.
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            self.sample_row(xs, y, row);
        }
    }
    /// The work of one `sample`, in units of one formula evaluation (a model
    /// over n rows costs n), so a plot can choose how densely to sample.
    fn cost(&self) -> usize {
        1
    }
}

/// A rectangle of the plane: `x = [min, max]`, `y = [min, max]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct View {
    /// The x range `[min, max]`, in the surface's units.
    pub x: [f64; 2],
    /// The y range `[min, max]`, in the surface's units.
    pub y: [f64; 2],
}

impl View {
    /// Whether `p` lies inside the window (edges included).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.x[0] && p[0] <= self.x[1] && p[1] >= self.y[0] && p[1] <= self.y[1]
    }
}

/// A global minimum: where it is and the value there.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Minimum {
    /// Where it is, (x, y).
    pub point: [f64; 2],
    /// The function's value there.
    pub value: f64,
}
