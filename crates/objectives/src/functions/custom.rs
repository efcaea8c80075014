//! A function the user types: an [`Expr`] with its parameters' values, a
//! window to show it in, and its minima found numerically (Newton's method
//! from a grid of starts), since nobody wrote them down.

use crate::functions::def::FunctionDef;
use crate::objective::{Minimum, Objective, View};
use optiviz_expr::{Expr, Jet};
use std::sync::{Mutex, OnceLock};

/// What a new typed function starts as.
pub const DEFAULT_EXPR: &str = "x^2 + 10*y^2";

/// A parameter's value when the experiment does not give one.
pub const DEFAULT_PARAM: f64 = 1.0;

/// The window a typed function is shown in when none is given.
pub const DEFAULT_VIEW: View = View {
    x: [-5.0, 5.0],
    y: [-5.0, 5.0],
};

/// The most minima reported: a typed Rastrigin has dozens in view.
pub const MAX_MINIMA: usize = 16;

/// The catalogue entry; its expression and parameters come with each experiment.
pub static CUSTOM: FunctionDef = FunctionDef {
    name: "custom",
    title: "Your own function",
    formula: "f(x, y) as typed",
    about:
        "Type any formula in x and y: it is parsed, not run as script, and differentiated exactly.",
    params: &[],
    build: |_| Box::new(Typed::parse(DEFAULT_EXPR, Vec::new(), None).expect("the default parses")),
    model: None,
};

/// A typed function ready to evaluate.
pub struct Typed {
    /// What the user typed.
    pub text: String,
    /// The text parsed and compiled, with exact derivatives.
    pub expr: Expr,
    /// The parameters' values, in [`Expr::params`] order.
    pub values: Vec<f64>,
    /// The window given with it, if any.
    pub window: Option<View>,
    minima: OnceLock<Vec<Minimum>>,
    /// Reused by `sample_row`; a second caller at the same time takes its own.
    scratch: Mutex<Vec<f64>>,
}

impl Clone for Typed {
    fn clone(&self) -> Typed {
        Typed {
            text: self.text.clone(),
            expr: self.expr.clone(),
            values: self.values.clone(),
            window: self.window,
            minima: self.minima.clone(),
            scratch: Mutex::new(Vec::new()),
        }
    }
}

impl Typed {
    /// `expr` with `values` in its parameters' order (checked by the caller).
    pub fn new(text: &str, expr: Expr, values: Vec<f64>, window: Option<View>) -> Typed {
        Typed {
            text: text.to_string(),
            expr,
            values,
            window,
            minima: OnceLock::new(),
            scratch: Mutex::new(Vec::new()),
        }
    }

    /// Parses `text`; parameters without a value get [`DEFAULT_PARAM`].
    pub fn parse(
        text: &str,
        values: Vec<(String, f64)>,
        window: Option<View>,
    ) -> Result<Typed, optiviz_expr::ExprError> {
        let expr = Expr::parse(text)?;
        let v = expr
            .params()
            .iter()
            .map(|p| {
                values
                    .iter()
                    .find(|(n, _)| n == p)
                    .map_or(DEFAULT_PARAM, |(_, v)| *v)
            })
            .collect();
        Ok(Typed::new(text, expr, v, window))
    }

    /// The value with its gradient and Hessian.
    pub fn jet(&self, [x, y]: [f64; 2]) -> Jet {
        self.expr.jet(x, y, &self.values)
    }

    /// The parameters by name with their values.
    pub fn params(&self) -> impl Iterator<Item = (&str, f64)> {
        self.expr
            .params()
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().copied())
    }
}

impl Objective for Typed {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        self.expr.value(x, y, &self.values)
    }
    fn grad(&self, p: [f64; 2]) -> [f64; 2] {
        let j = self.jet(p);
        [j.dx, j.dy]
    }
    fn hessian(&self, p: [f64; 2]) -> [[f64; 2]; 2] {
        let j = self.jet(p);
        [[j.dxx, j.dxy], [j.dxy, j.dyy]]
    }
    fn view(&self) -> View {
        self.window.unwrap_or(DEFAULT_VIEW)
    }
    fn minima(&self) -> Vec<Minimum> {
        self.minima
            .get_or_init(|| find_minima(&|p| self.jet(p), self.view()))
            .clone()
    }
    fn minima_note(&self) -> Option<String> {
        let m = self.minima();
        let how = format!(
            "Newton's method from a {GRID} × {GRID} grid of starts in the function's window"
        );
        Some(match m.as_slice() {
            [] => format!("No minimum found ({how})."),
            [one] => format!(
                "Minimum found numerically ({how}): f = {} at ({}, {}).",
                short(one.value),
                short(one.point[0]),
                short(one.point[1])
            ),
            all => format!(
                "{} minima found numerically ({how}), all marked; the lowest is f = {} at ({}, {}).",
                all.len(),
                short(all[0].value),
                short(all[0].point[0]),
                short(all[0].point[1])
            ),
        })
    }
    fn sample_row(&self, xs: &[f64], y: f64, out: &mut [f64]) {
        match self.scratch.try_lock() {
            Ok(mut s) => self.expr.value_row(&mut s, xs, y, &self.values, out),
            Err(_) => self
                .expr
                .value_row(&mut Vec::new(), xs, y, &self.values, out),
        }
    }
    fn cost(&self) -> usize {
        // A surface is sampled a row at a time, each operation a tight loop:
        // about as fast as a built-in formula.
        1
    }
}

/// A number in at most 4 significant digits, for a sentence.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let rounded: f64 = format!("{x:.3e}").parse().unwrap_or(x);
    // Rounding noise near zero reads as zero.
    if rounded.abs() < 1e-12 {
        return "0".into();
    }
    format!("{rounded}")
}

/// The starts per side of the grid that [`find_minima`] descends from.
const GRID: usize = 12;
/// Newton iterations from each start.
const ITERATIONS: usize = 60;

/// Local minima of f in `view`, found by a damped Newton's method from a grid
/// of starts, each confirmed by f rising in every direction around it, the
/// lowest first; at most [`MAX_MINIMA`]. Points closer than a thousandth of
/// the view's diagonal count as one.
pub fn find_minima(f: &dyn Fn([f64; 2]) -> Jet, view: View) -> Vec<Minimum> {
    let (w, h) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
    let diag = w.hypot(h);
    let mut found: Vec<Minimum> = Vec::new();
    for i in 0..GRID {
        for j in 0..GRID {
            let start = [
                view.x[0] + (i as f64 + 0.5) / GRID as f64 * w,
                view.y[0] + (j as f64 + 0.5) / GRID as f64 * h,
            ];
            let Some(m) = descend(f, start, view, diag) else {
                continue;
            };
            match found
                .iter_mut()
                .find(|o| (o.point[0] - m.point[0]).hypot(o.point[1] - m.point[1]) < 1e-3 * diag)
            {
                Some(o) if m.value < o.value => *o = m,
                Some(_) => {}
                None => found.push(m),
            }
        }
    }
    found.sort_by(|a, b| a.value.total_cmp(&b.value));
    found.truncate(MAX_MINIMA);
    found
}

/// Newton's method from `p`, its Hessian shifted to positive definite where
/// it is not and each step halved until f falls; the minimum it reaches
/// inside `view`, if it reaches one.
fn descend(f: &dyn Fn([f64; 2]) -> Jet, mut p: [f64; 2], view: View, diag: f64) -> Option<Minimum> {
    let mut j = f(p);
    if !j.v.is_finite() {
        return None;
    }
    for _ in 0..ITERATIONS {
        let g = [j.dx, j.dy];
        if !(g[0].is_finite() && g[1].is_finite()) {
            return None;
        }
        let [lo, hi] = crate::linalg::eigen([[j.dxx, j.dxy], [j.dxy, j.dyy]]).0;
        if !(lo.is_finite() && hi.is_finite()) {
            return None;
        }
        // H + μI with μ lifting the smallest eigenvalue above a small share of the largest.
        let floor = 1e-6 * hi.abs().max(1.0);
        let mu = if lo < floor { floor - lo } else { 0.0 };
        let (a, b, c) = (j.dxx + mu, j.dxy, j.dyy + mu);
        let det = a * c - b * b;
        let mut d = [-(c * g[0] - b * g[1]) / det, -(a * g[1] - b * g[0]) / det];
        // Never jump further than the view is wide.
        let len = d[0].hypot(d[1]);
        if !len.is_finite() {
            return None;
        }
        if len > diag {
            d = [d[0] * diag / len, d[1] * diag / len];
        }
        let mut t = 1.0;
        let mut next = None;
        for _ in 0..30 {
            let q = [p[0] + t * d[0], p[1] + t * d[1]];
            let jq = f(q);
            if jq.v.is_finite() && jq.v <= j.v {
                next = Some((q, jq));
                break;
            }
            t *= 0.5;
        }
        let Some((q, jq)) = next else {
            break;
        };
        let moved = (q[0] - p[0]).hypot(q[1] - p[1]);
        p = q;
        j = jq;
        if moved <= 1e-14 * diag {
            break;
        }
    }
    let inside = View {
        x: [view.x[0] - 1e-9 * diag, view.x[1] + 1e-9 * diag],
        y: [view.y[0] - 1e-9 * diag, view.y[1] + 1e-9 * diag],
    };
    if !inside.contains(p) || !rises_around(f, p, j.v, 1e-3 * diag) {
        return None;
    }
    Some(Minimum {
        point: p,
        value: j.v,
    })
}

/// Whether f rises from `v` in every one of 16 directions at distance `r`
/// from `p`, each rise more than a billionth of the largest (so a valley
/// whose floor is level, where f changes along it by rounding only, is not
/// taken for a minimum).
fn rises_around(f: &dyn Fn([f64; 2]) -> Jet, p: [f64; 2], v: f64, r: f64) -> bool {
    let rises: Vec<f64> = (0..16)
        .map(|k| {
            let a = k as f64 * std::f64::consts::PI / 8.0;
            f([p[0] + r * a.cos(), p[1] + r * a.sin()]).v - v
        })
        .collect();
    let most = rises.iter().copied().fold(0.0, f64::max);
    most > 0.0 && rises.iter().all(|&d| d > 1e-9 * most)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Typed {
        Typed::parse(text, Vec::new(), None).unwrap()
    }

    #[test]
    fn finds_the_four_minima_of_himmelblau_lowest_first() {
        let f = typed("(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
        let m = f.minima();
        assert_eq!(m.len(), 4, "{m:?}");
        for known in [
            [3.0, 2.0],
            [-2.805118, 3.131312],
            [-3.779310, -3.283186],
            [3.584428, -1.848126],
        ] {
            assert!(
                m.iter().any(|m| (m.point[0] - known[0]).abs() < 1e-5
                    && (m.point[1] - known[1]).abs() < 1e-5
                    && m.value.abs() < 1e-12),
                "{known:?} not in {m:?}"
            );
        }
    }

    #[test]
    fn reports_the_lowest_first_and_not_saddles_or_maxima() {
        // Minima at x = ±1 (values −1 and +1 with the tilt), a saddle at the origin.
        let f = typed("(x^2 - 1)^2 + y^2 + x/2");
        let m = f.minima();
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].point[0] < 0.0 && m[0].value < m[1].value);
        assert!(typed("-(x^2 + y^2)").minima().is_empty());
        assert!(typed("x^2 - y^2").minima().is_empty());
    }

    #[test]
    fn a_valley_of_equal_values_is_no_minimum_but_a_flat_bottom_is() {
        assert!(typed("(x - y)^2").minima().is_empty());
        let m = typed("x^4 + y^4").minima();
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].point[0].abs() < 1e-3 && m[0].point[1].abs() < 1e-3);
    }

    #[test]
    fn searches_its_window() {
        assert!(typed("(x - 8)^2 + y^2").minima().is_empty());
        let window = View {
            x: [0.0, 10.0],
            y: [-1.0, 1.0],
        };
        let wide = Typed::parse("(x - 8)^2 + y^2", Vec::new(), Some(window)).unwrap();
        assert_eq!(wide.minima().len(), 1);
    }

    #[test]
    fn domain_errors_are_skipped_not_reported() {
        // log of a negative number is NaN: starts there find nothing, the rest find (1, 0).
        let m = typed("(x - 1)^2 + y^2 + log(x)*0").minima();
        assert_eq!(m.len(), 1, "{m:?}");
        assert!((m[0].point[0] - 1.0).abs() < 1e-9);
    }

    #[test]
    fn rows_match_points() {
        let f = typed("sin(a*x) + y^2");
        let xs: Vec<f64> = (0..7).map(|i| i as f64 - 3.0).collect();
        let mut out = vec![0.0; xs.len()];
        f.sample_row(&xs, 0.5, &mut out);
        for (x, v) in xs.iter().zip(&out) {
            assert_eq!(*v, f.value([*x, 0.5]));
        }
    }
}
