//! `torch.optim.LBFGS`: a quasi-Newton method. Each `step(closure)` runs up
//! to `max_iter` inner iterations; each builds a search direction from the
//! last `history_size` pairs of steps and gradient changes (the two-loop
//! recursion), then moves along it by the learning rate, or by the step a
//! strong-Wolfe line search finds. It calls the closure (one evaluation of
//! the loss and gradient) as often as it needs, which the run reports per step.

use crate::hyper::{Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin};
#[cfg(test)]
use crate::optimizer::StateValue;
use crate::optimizer::{dot, Closure, Optimizer, Params, State};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// The sufficient-decrease and curvature constants of torch's line search
/// and its bracket tolerance (fixed there, not options). Its number of steps
/// is what the step's `max_eval` leaves.
const C1: f64 = 1e-4;
const C2: f64 = 0.9;
const LS_TOLERANCE_CHANGE: f64 = 1e-9;

/// `torch.optim.LBFGS`'s state over the coordinates of `V`: torch's counters,
/// the last direction and step, and the history of curvature pairs.
pub struct Lbfgs<V> {
    max_iter: u32,
    max_eval: u32,
    tolerance_grad: f64,
    tolerance_change: f64,
    history_size: usize,
    strong_wolfe: bool,
    /// Closure calls and inner iterations over all steps (torch's counters).
    func_evals: u64,
    n_iter: u64,
    /// What carries from one step to the next; None before the first iteration.
    memory: Option<Memory<V>>,
    /// The two-loop recursion's coefficients, made at the first iteration
    /// that uses the history (torch's `al`, history_size entries).
    al: Option<Vec<Option<f64>>>,
}

/// torch's state between iterations: the last direction and step length,
/// the curvature pairs (y, s) with ρ = 1 / yᵀs, the initial Hessian scale,
/// and the gradient and loss at the last iterate.
struct Memory<V> {
    d: V,
    t: f64,
    old_dirs: Vec<V>,
    old_stps: Vec<V>,
    ro: Vec<f64>,
    h_diag: f64,
    prev_flat_grad: V,
    prev_loss: f64,
}

/// The largest |vᵢ|, taken left to right with `f64::max`.
fn abs_max(v: impl IntoIterator<Item = f64>) -> f64 {
    let mut v = v.into_iter();
    let first = v.next().map_or(0.0, f64::abs);
    v.fold(first, |m, x| m.max(x.abs()))
}

/// Σ |vᵢ|, summed left to right from the first.
fn abs_sum(v: &[f64]) -> f64 {
    let mut v = v.iter();
    let first = v.next().map_or(0.0, |x| x.abs());
    v.fold(first, |s, x| s + x.abs())
}

/// x ← x + t d.
fn add_scaled(x: &mut [f64], t: f64, d: &[f64]) {
    let d = &d[..x.len()];
    for i in 0..x.len() {
        x[i] += t * d[i];
    }
}

impl<V: Params> Lbfgs<V> {
    fn new(h: &Hyper, _zero: V) -> Lbfgs<V> {
        let max_iter = h.count("max_iter").expect("max_iter is never None");
        Lbfgs {
            max_iter,
            max_eval: h.count("max_eval").unwrap_or(max_iter * 5 / 4),
            tolerance_grad: h.num("tolerance_grad"),
            tolerance_change: h.num("tolerance_change"),
            history_size: h.count("history_size").expect("history_size is never None") as usize,
            strong_wolfe: h.choice("line_search_fn").is_some(),
            func_evals: 0,
            n_iter: 0,
            memory: None,
            al: None,
        }
    }

    /// The most inner iterations `steps` steps make: max_iter each, and no
    /// more than the evaluations max_eval allows (each iteration but a
    /// step's last evaluates at least once).
    fn iterations(&self, steps: u32) -> f64 {
        steps as f64 * self.max_iter.min(self.max_eval + 1) as f64
    }

    /// Σ over `iterations` inner iterations of the pairs the history holds
    /// at each: one more each iteration, until history_size.
    fn pairs_held(&self, iterations: f64) -> f64 {
        let h = self.history_size as f64;
        if iterations <= h {
            iterations * (iterations - 1.0) / 2.0
        } else {
            h * (h - 1.0) / 2.0 + (iterations - h) * h
        }
    }

    /// The two-loop recursion: `m.d` ← −H∇f from the stored pairs.
    fn direction(&mut self, g: &[f64], m: &mut Memory<V>) {
        let al = self.al.get_or_insert_with(|| vec![None; self.history_size]);
        // q, then r, in place of the direction.
        let q = m.d.as_mut();
        let n = q.len();
        let g = &g[..n];
        for j in 0..n {
            q[j] = -g[j];
        }
        for i in (0..m.old_dirs.len()).rev() {
            let a = dot(m.old_stps[i].as_ref(), q) * m.ro[i];
            al[i] = Some(a);
            let y = &m.old_dirs[i].as_ref()[..n];
            for j in 0..n {
                q[j] -= a * y[j];
            }
        }
        let r = q;
        for x in r.iter_mut() {
            *x *= m.h_diag;
        }
        for (((y, s), ro), a) in m.old_dirs.iter().zip(&m.old_stps).zip(&m.ro).zip(al.iter()) {
            let be = dot(y.as_ref(), r) * ro;
            let a = a.expect("set by the first loop") - be;
            let s = &s.as_ref()[..n];
            for j in 0..n {
                r[j] += a * s[j];
            }
        }
    }
}

impl<V: Params> Optimizer<V> for Lbfgs<V> {
    fn step(&mut self, _: &mut V, _: &V, _: f64) {
        unreachable!("LBFGS re-evaluates the objective: the run calls step_closure")
    }

    fn re_evaluates(&self) -> bool {
        true
    }

    /// max_eval, and the one more its line search may finish with.
    fn max_evaluations(&self) -> u32 {
        self.max_eval + 1
    }

    /// The two-loop recursion grows with the history: each inner iteration
    /// makes a dot product and a scaled add over the parameters for every
    /// pair it holds, in each of the two loops (counted with one more per
    /// pair for the loops' own bookkeeping, which is what costs at two
    /// parameters), and a dozen vector operations of its own.
    fn run_work(&self, n: usize, steps: u32) -> f64 {
        let iterations = self.iterations(steps);
        let pairs = self.pairs_held(iterations);
        4.0 * (n as f64 + 1.0) * pairs + 12.0 * n as f64 * iterations
    }

    /// The history's pairs (two vectors each, as many as the iterations so
    /// far up to history_size) with their ρ, the two-loop coefficients (one
    /// per pair it may hold), and the direction, step and gradients.
    fn state_size(&self, n: usize, steps: u32) -> f64 {
        let held = (self.history_size as f64).min(self.iterations(steps));
        (2.0 * held + 4.0) * n as f64 + held + self.history_size as f64
    }

    fn step_closure(
        &mut self,
        p: &mut V,
        loss: f64,
        grad: &V,
        lr: f64,
        closure: &mut Closure<V>,
    ) -> u32 {
        let mut loss = loss;
        let mut g = grad.clone();
        let mut current_evals = 1;
        self.func_evals += 1;
        if abs_max(g.as_ref().iter().copied()) <= self.tolerance_grad {
            return current_evals;
        }
        let mut n_iter = 0;
        while n_iter < self.max_iter {
            n_iter += 1;
            self.n_iter += 1;
            let mut m = match self.memory.take() {
                None => {
                    let mut d = g.clone();
                    for x in d.as_mut() {
                        *x = -*x;
                    }
                    Memory {
                        d,
                        t: 0.0,
                        old_dirs: Vec::new(),
                        old_stps: Vec::new(),
                        ro: Vec::new(),
                        h_diag: 1.0,
                        prev_flat_grad: g.clone(),
                        prev_loss: loss,
                    }
                }
                Some(mut m) => {
                    // y = g − g_prev, s = t d.
                    let mut y = g.clone();
                    for (y, prev) in y.as_mut().iter_mut().zip(m.prev_flat_grad.as_ref()) {
                        *y -= prev;
                    }
                    let mut s = m.d.clone();
                    for s in s.as_mut() {
                        *s *= m.t;
                    }
                    let ys = dot(y.as_ref(), s.as_ref());
                    if ys > 1e-10 {
                        if m.old_dirs.len() == self.history_size {
                            m.old_dirs.remove(0);
                            m.old_stps.remove(0);
                            m.ro.remove(0);
                        }
                        let yy = dot(y.as_ref(), y.as_ref());
                        m.old_dirs.push(y);
                        m.old_stps.push(s);
                        m.ro.push(1.0 / ys);
                        m.h_diag = ys / yy;
                    }
                    self.direction(g.as_ref(), &mut m);
                    m
                }
            };
            m.prev_flat_grad.as_mut().copy_from_slice(g.as_ref());
            m.prev_loss = loss;
            m.t = if self.n_iter == 1 {
                f64::min(1.0, 1.0 / abs_sum(g.as_ref())) * lr
            } else {
                lr
            };
            let gtd = dot(g.as_ref(), m.d.as_ref());
            if gtd > -self.tolerance_change {
                self.memory = Some(m);
                break;
            }
            let ls_evals;
            let opt_cond;
            if self.strong_wolfe {
                // The search may use what is left of the step's evaluations.
                let max_ls = self.max_eval.saturating_sub(current_evals);
                let (f_new, g_new, t, evals) =
                    strong_wolfe(closure, p, m.t, &m.d, (loss, &g, gtd), max_ls);
                m.t = t;
                loss = f_new;
                g = g_new;
                add_scaled(p.as_mut(), t, m.d.as_ref());
                opt_cond = abs_max(g.as_ref().iter().copied()) <= self.tolerance_grad;
                ls_evals = evals;
            } else {
                add_scaled(p.as_mut(), m.t, m.d.as_ref());
                if n_iter != self.max_iter {
                    (loss, g) = closure(p);
                    opt_cond = abs_max(g.as_ref().iter().copied()) <= self.tolerance_grad;
                    ls_evals = 1;
                } else {
                    opt_cond = false;
                    ls_evals = 0;
                }
            }
            current_evals += ls_evals;
            self.func_evals += ls_evals as u64;
            let t = m.t;
            let stop = n_iter == self.max_iter
                || current_evals >= self.max_eval
                || opt_cond
                || abs_max(m.d.as_ref().iter().map(|d| d * t)) <= self.tolerance_change
                || (loss - m.prev_loss).abs() < self.tolerance_change;
            self.memory = Some(m);
            if stop {
                break;
            }
        }
        current_evals
    }

    fn state(&self) -> State {
        let mut s = State::default()
            .count("func_evals", self.func_evals)
            .count("n_iter", self.n_iter);
        if let Some(al) = &self.al {
            s = s.numbers("al", al.clone());
        }
        if let Some(m) = &self.memory {
            s = s
                .vector("d", &m.d)
                .number("t", m.t)
                .vectors("old_dirs", &m.old_dirs)
                .vectors("old_stps", &m.old_stps)
                .numbers("ro", m.ro.iter().map(|&r| Some(r)).collect())
                .number("H_diag", m.h_diag)
                .vector("prev_flat_grad", &m.prev_flat_grad)
                .number("prev_loss", m.prev_loss);
        }
        s
    }
}

/// The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1
/// and g2, kept within `bounds` (by default the interval between x1 and x2);
/// the middle of the bounds when the cubic has no minimum.
fn cubic_interpolate(
    (x1, f1, g1): (f64, f64, f64),
    (x2, f2, g2): (f64, f64, f64),
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (lo, hi) = bounds.unwrap_or(if x1 <= x2 { (x1, x2) } else { (x2, x1) });
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        min_pos.max(lo).min(hi)
    } else {
        (lo + hi) / 2.0
    }
}

/// One point of the line search: the step length, the loss there, its
/// gradient and the gradient's slope along the direction.
#[derive(Clone)]
struct Probe<V> {
    t: f64,
    f: f64,
    g: V,
    gtd: f64,
}

impl<V> Probe<V> {
    fn cubic(&self) -> (f64, f64, f64) {
        (self.t, self.f, self.gtd)
    }
}

/// torch's `_strong_wolfe`: from x along d, starting at step t, finds a step
/// meeting the strong Wolfe conditions (sufficient decrease, and a slope
/// reduced in magnitude) by bracketing and then zooming with cubic
/// interpolation, within `max_ls` search steps (after the first probe).
/// Returns the loss and gradient at the chosen step, the step and the number
/// of evaluations.
fn strong_wolfe<V: Params>(
    closure: &mut Closure<V>,
    x: &V,
    t: f64,
    d: &V,
    (f, g, gtd): (f64, &V, f64),
    max_ls: u32,
) -> (f64, V, f64, u32) {
    let d_norm = abs_max(d.as_ref().iter().copied());
    // Where the closure is evaluated: x + t d.
    let mut point = x.clone();
    let mut eval = |closure: &mut Closure<V>, t: f64| {
        let q = point.as_mut();
        q.copy_from_slice(x.as_ref());
        add_scaled(q, t, d.as_ref());
        let (f, g) = closure(&point);
        let gtd = dot(g.as_ref(), d.as_ref());
        Probe { t, f, g, gtd }
    };
    let mut new = eval(closure, t);
    let mut evals = 1;
    let mut prev = Probe {
        t: 0.0,
        f,
        g: g.clone(),
        gtd,
    };
    let mut done = false;
    let mut ls_iter = 0;
    // The bracket: two probes, or one when the first phase found a point
    // meeting both conditions.
    let mut bracket: Vec<Probe<V>> = loop {
        if ls_iter == max_ls {
            // torch keeps the first slope unset here; the zoom does not run.
            let first = Probe {
                t: 0.0,
                f,
                g: g.clone(),
                gtd,
            };
            break vec![first, new];
        }
        if new.f > f + C1 * new.t * gtd || (ls_iter > 1 && new.f >= prev.f) {
            break vec![prev, new];
        }
        if new.gtd.abs() <= -C2 * gtd {
            done = true;
            break vec![new];
        }
        if new.gtd >= 0.0 {
            break vec![prev, new];
        }
        let min_step = new.t + 0.01 * (new.t - prev.t);
        let max_step = new.t * 10.0;
        let t = cubic_interpolate(prev.cubic(), new.cubic(), Some((min_step, max_step)));
        prev = std::mem::replace(&mut new, eval(closure, t));
        evals += 1;
        ls_iter += 1;
    };

    let mut insuf_progress = false;
    // The lower end first. (A lone probe is both ends; a NaN loss makes
    // torch's comparison false, as here.)
    let order = |b: &[Probe<V>]| match b {
        [_] => (0, 0),
        _ if b[0].f <= b[1].f => (0, 1),
        _ => (1, 0),
    };
    let (mut low, mut high) = order(&bracket);
    while !done && ls_iter < max_ls {
        if (bracket[1].t - bracket[0].t).abs() * d_norm < LS_TOLERANCE_CHANGE {
            break;
        }
        let mut t = cubic_interpolate(bracket[0].cubic(), bracket[1].cubic(), None);
        let (b_max, b_min) = (
            bracket[0].t.max(bracket[1].t),
            bracket[0].t.min(bracket[1].t),
        );
        let eps = 0.1 * (b_max - b_min);
        if f64::min(b_max - t, t - b_min) < eps {
            if insuf_progress || t >= b_max || t <= b_min {
                t = if (t - b_max).abs() < (t - b_min).abs() {
                    b_max - eps
                } else {
                    b_min + eps
                };
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        let probe = eval(closure, t);
        evals += 1;
        ls_iter += 1;
        if probe.f > f + C1 * t * gtd || probe.f >= bracket[low].f {
            bracket[high] = probe;
            (low, high) = order(&bracket);
        } else {
            if probe.gtd.abs() <= -C2 * gtd {
                done = true;
            } else if probe.gtd * (bracket[high].t - bracket[low].t) >= 0.0 {
                bracket[high] = bracket[low].clone();
            }
            bracket[low] = probe;
        }
    }
    let best = bracket.swap_remove(low);
    (best.f, best.g, best.t, evals)
}

const HYPER: &[HyperSpec] = &[
    HyperSpec {
        name: "max_iter",
        kind: HyperKind::Count {
            min: 1,
            max: 100,
            none: false,
        },
        default: HyperValue::Count(Some(20)),
        doc: "inner iterations per step at most",
        parts: ["", ""],
    },
    HyperSpec {
        name: "max_eval",
        kind: HyperKind::Count {
            min: 1,
            max: 1000,
            none: true,
        },
        default: HyperValue::Count(None),
        doc: "evaluations of the loss per step at most (None: max_iter × 5 / 4, rounded down)",
        parts: ["", ""],
    },
    crate::hyper::number(
        "tolerance_grad",
        1e-7,
        Range::at_least(0.0),
        "the step ends once every gradient coordinate is this small",
    ),
    crate::hyper::number(
        "tolerance_change",
        1e-9,
        Range::at_least(0.0),
        "the step ends once the loss or θ changes by less than this",
    ),
    HyperSpec {
        name: "history_size",
        kind: HyperKind::Count {
            min: 1,
            max: 1000,
            none: false,
        },
        default: HyperValue::Count(Some(100)),
        doc: "how many past (step, gradient change) pairs shape the direction",
        parts: ["", ""],
    },
    HyperSpec {
        name: "line_search_fn",
        kind: HyperKind::Choice(&["strong_wolfe"]),
        default: HyperValue::Choice(None),
        doc: "None: move by lr along the direction; strong_wolfe: search for a step with enough decrease and a flatter slope",
        parts: ["", ""],
    },
];

fn check(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

/// `torch.optim.LBFGS`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "lbfgs",
    title: "L-BFGS",
    default_lr: 1.0,
    hyper: HYPER,
    rule: &[
        "y ← g − g_prev,  s ← t d_prev;  keep (y, s) when yᵀs > 1e-10",
        "d ← −H g  (two-loop recursion over the kept pairs, H₀ = yᵀs / yᵀy)",
        "t ← γ, or min(1, 1 / ‖g‖₁) γ at the first iteration",
        "θ ← θ + t d  (t from the strong-Wolfe search when line_search_fn is set)",
        "repeat up to max_iter times, evaluating f and g after each move but the last",
    ],
    check,
    build: builders!(|h, zero| Lbfgs::new(h, zero)),
    wraps: None,
    origin: Origin::Torch,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// f = x² + 10y², its gradient, counting evaluations.
    fn bowl(p: &[f64; 2]) -> (f64, [f64; 2]) {
        (p[0] * p[0] + 10.0 * p[1] * p[1], [2.0 * p[0], 20.0 * p[1]])
    }

    fn build(settings: &[(&'static str, HyperValue)]) -> Box<dyn Optimizer> {
        let mut h = DEF.defaults();
        for (k, v) in settings {
            h.values.insert(k, *v);
        }
        (DEF.build.two)(&h)
    }

    fn step(opt: &mut dyn Optimizer, p: &mut [f64; 2], lr: f64) -> u32 {
        let (loss, g) = bowl(p);
        opt.step_closure(p, loss, &g, lr, &mut bowl)
    }

    #[test]
    fn with_the_line_search_a_quadratic_is_solved_in_one_step() {
        let mut opt = build(&[("line_search_fn", HyperValue::Choice(Some("strong_wolfe")))]);
        let mut p = [3.0, 1.0];
        let evals = step(opt.as_mut(), &mut p, 1.0);
        assert!(p[0].abs() < 1e-6 && p[1].abs() < 1e-6, "{p:?}");
        // Within the default budget, max_eval = 20 × 5 / 4 = 25.
        assert!(evals > 2 && evals <= 25, "{evals}");
    }

    #[test]
    fn without_it_each_inner_iteration_evaluates_once_more() {
        let mut opt = build(&[("max_iter", HyperValue::Count(Some(3)))]);
        let mut p = [3.0, 1.0];
        assert_eq!(step(opt.as_mut(), &mut p, 0.01), 3);
        // The first move is lr × min(1, 1/‖g‖₁) along −g.
        let mut once = build(&[("max_iter", HyperValue::Count(Some(1)))]);
        let mut q = [3.0, 1.0];
        assert_eq!(step(once.as_mut(), &mut q, 0.5), 1);
        let t = 0.5 / 26.0;
        assert_eq!(q, [3.0 - t * 6.0, 1.0 - t * 20.0]);
    }

    #[test]
    fn max_eval_caps_the_evaluations() {
        let mut opt = build(&[
            ("max_iter", HyperValue::Count(Some(50))),
            ("max_eval", HyperValue::Count(Some(4))),
        ]);
        let mut p = [3.0, 1.0];
        assert_eq!(step(opt.as_mut(), &mut p, 0.01), 4);
    }

    #[test]
    fn at_a_minimum_a_step_evaluates_once_and_stays() {
        let mut opt = build(&[]);
        let mut p = [0.0, 0.0];
        assert_eq!(step(opt.as_mut(), &mut p, 1.0), 1);
        assert_eq!(p, [0.0, 0.0]);
        let s = opt.state();
        let keys: Vec<_> = s.0.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["func_evals", "n_iter"]);
    }

    #[test]
    fn the_history_keeps_at_most_history_size_pairs() {
        let mut opt = build(&[
            ("history_size", HyperValue::Count(Some(2))),
            ("max_iter", HyperValue::Count(Some(6))),
        ]);
        let mut p = [3.0, 1.0];
        step(opt.as_mut(), &mut p, 0.05);
        let s = opt.state();
        let dirs =
            s.0.iter()
                .find(|(k, _)| *k == "old_dirs")
                .map(|(_, v)| v.clone());
        match dirs {
            Some(StateValue::Vectors(v)) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_work_bound_holds_what_a_run_does() {
        // Rastrigin's bumps keep the inner iterations going, at the settings
        // that allow the most work: the iterations torch counts and the
        // pairs the history holds stay within what run_work assumes.
        let mut bumpy = |p: &[f64; 2]| {
            let tau = std::f64::consts::TAU;
            let f = 20.0
                + p.iter()
                    .map(|x| x * x - 10.0 * (tau * x).cos())
                    .sum::<f64>();
            (f, p.map(|x| 2.0 * x + 10.0 * tau * (tau * x).sin()))
        };
        for search in [None, Some("strong_wolfe")] {
            let mut h = DEF.defaults();
            for (k, v) in [
                ("max_iter", HyperValue::Count(Some(100))),
                ("max_eval", HyperValue::Count(Some(1000))),
                ("history_size", HyperValue::Count(Some(30))),
                ("tolerance_grad", HyperValue::Number(0.0)),
                ("tolerance_change", HyperValue::Number(0.0)),
                ("line_search_fn", HyperValue::Choice(search)),
            ] {
                h.values.insert(k, v);
            }
            let mut opt = Lbfgs::new(&h, [0.0; 2]);
            let mut p = [-3.1, 2.9];
            let mut held = 0.0;
            for steps in 1..=20u32 {
                let (loss, g) = bumpy(&p);
                opt.step_closure(&mut p, loss, &g, 0.01, &mut bumpy);
                let n_iter = opt.n_iter as f64;
                assert!(
                    n_iter <= opt.iterations(steps),
                    "{search:?}: {n_iter} iterations"
                );
                let pairs = opt.memory.as_ref().map_or(0, |m| m.old_dirs.len());
                assert!(pairs as f64 <= n_iter.min(30.0));
                held = n_iter;
            }
            // The history filled: the bound was reached, not just respected.
            assert!(held > 30.0, "{search:?}: {held}");
            assert!(opt.run_work(2, 20) >= 4.0 * 3.0 * opt.pairs_held(held));
        }
    }

    #[test]
    fn the_cubic_step_is_the_minimum_of_a_cubic_through_two_points() {
        // f(t) = (t − 1)² on [0, 3]: slopes −2 at 0 and 4 at 3; minimum at 1.
        let t = cubic_interpolate((0.0, 1.0, -2.0), (3.0, 4.0, 4.0), None);
        assert!((t - 1.0).abs() < 1e-12, "{t}");
        // Slopes 1 at both ends and a rise of 2/3: the cubic has no turning
        // point, so the step is the middle of the bounds.
        let flat = cubic_interpolate((0.0, 0.0, 1.0), (1.0, 2.0 / 3.0, 1.0), Some((0.0, 4.0)));
        assert_eq!(flat, 2.0);
    }
}
