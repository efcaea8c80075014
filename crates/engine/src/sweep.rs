//! Learning-rate sweeps and basin maps: an experiment run many times, each
//! run independent of the others, so natively they share every core
//! (rayon); in the browser a caller splits the work itself.

use crate::runs::Runs;
use crate::trajectory::{Record, Status, Trajectory};
use optiviz_experiment::experiment::Experiment;
use optiviz_objectives::objective::{Objective, View};
use serde::Serialize;

/// The most learning rates one sweep may try.
pub const MAX_COUNT: usize = 1000;
/// The most cells a side of a basin map may have.
pub const MAX_GRID: usize = 1024;

/// `f` over `items`, in order: in parallel natively, in turn in wasm.
fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        items.iter().map(f).collect()
    }
}

/// `count` learning rates evenly spaced in log from `from` to `to`, both
/// included; an error names the option at fault.
pub fn log_spaced(from: f64, to: f64, count: usize) -> Result<Vec<f64>, String> {
    if !(from.is_finite() && from > 0.0) {
        return Err(format!("--from must be a learning rate > 0, got {from}"));
    }
    if !(to.is_finite() && to >= from) {
        return Err(format!(
            "--to must be a finite number >= --from ({from}), got {to}"
        ));
    }
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(format!(
            "--count must be from 1 to {MAX_COUNT}, got {count}"
        ));
    }
    if count == 1 {
        return Ok(vec![from]);
    }
    // Powers of ten, so that a decade falls on its round number (0.01, not 0.00999…).
    let (a, b) = (libm::log10(from), libm::log10(to));
    Ok((0..count)
        .map(|j| match j {
            0 => from,
            j if j == count - 1 => to,
            j => libm::pow(10.0, a + (b - a) * j as f64 / (count - 1) as f64),
        })
        .collect())
}

/// One optimizer across the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepRun {
    /// The optimizer's key, e.g. `"adam"`.
    pub name: String,
    /// The name plus every setting that differs from torch's defaults.
    pub label: String,
    /// The loss at the last point of each run.
    pub final_loss: Vec<f64>,
    /// The lowest loss each run reached.
    pub best_loss: Vec<f64>,
    /// How each run ended.
    pub status: Vec<Status>,
}

/// What `optiviz sweep` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// The learning rates tried, ascending; each run's vectors follow them.
    pub lrs: Vec<f64>,
    /// Each optimizer of the experiment, in order.
    pub runs: Vec<SweepRun>,
}

/// Every optimizer of `exp` at each of `lrs`, only its learning rate changed.
pub fn sweep(exp: &Experiment, lrs: &[f64]) -> Sweep {
    let surf = exp.surface();
    let jobs: Vec<(usize, f64)> = (0..exp.optimizers.len())
        .flat_map(|i| lrs.iter().map(move |&lr| (i, lr)))
        .collect();
    let done: Vec<Trajectory> = map(&jobs, |&(i, lr)| {
        let mut cfg = exp.optimizers[i].clone();
        cfg.lr = lr;
        exp.run_one(&surf, i, &cfg, exp.start, Record::default())
    });
    let runs = exp
        .optimizers
        .iter()
        .enumerate()
        .map(|(i, o)| summary(o, &done[i * lrs.len()..(i + 1) * lrs.len()]))
        .collect();
    Sweep {
        lrs: lrs.to_vec(),
        runs,
    }
}

/// Optimizer `i` of `exp` alone at each of `lrs`, on its surface `surf`, in
/// turn (the page's workers each take a few learning rates).
pub fn sweep_one(
    exp: &Experiment,
    surf: &optiviz_objectives::surface::Surface,
    i: usize,
    lrs: &[f64],
) -> SweepRun {
    let o = &exp.optimizers[i];
    let runs: Vec<Trajectory> = lrs
        .iter()
        .map(|&lr| {
            let mut cfg = o.clone();
            cfg.lr = lr;
            exp.run_one(surf, i, &cfg, exp.start, Record::default())
        })
        .collect();
    summary(o, &runs)
}

/// The rate a fair comparison gives one optimizer: of the sweep's runs
/// that did not diverge, the one with the lowest final loss, the smaller
/// rate on a tie (the rates ascend). `None` when every run diverged.
pub fn best_rate(run: &SweepRun) -> Option<usize> {
    best_index(&run.final_loss, |j| {
        matches!(run.status[j], Status::Diverged { .. })
    })
}

/// [`best_rate`] over a sweep's final losses and whether each run diverged
/// (the page keeps no more of a sweep than that).
pub fn best_index(final_loss: &[f64], diverged: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (j, &loss) in final_loss.iter().enumerate() {
        if diverged(j) || !loss.is_finite() {
            continue;
        }
        if best.is_none_or(|b| loss < final_loss[b]) {
            best = Some(j);
        }
    }
    best
}

/// One optimizer's tuned rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tuned {
    /// The optimizer's key, e.g. `"adam"`.
    pub name: String,
    /// Its label before tuning.
    pub label: String,
    /// The rate it had.
    pub was: f64,
    /// The rate it has now: the sweep's best, or the rate it had when every
    /// rate diverged.
    pub lr: f64,
    /// The final loss of the sweep's run at `lr`; null when every rate diverged.
    pub final_loss: Option<f64>,
    /// How many of the sweep's rates did not diverge.
    pub not_diverged: usize,
    /// How many of the sweep's rates converged (to a minimum, or a network
    /// that learned).
    pub converged: usize,
    /// Whether every rate diverged, so the rate was kept.
    pub all_diverged: bool,
}

impl Tuned {
    /// The tuned rate of the optimizer whose sweep over `lrs` is `run`, and
    /// which had the rate `was`.
    pub fn from_sweep(run: &SweepRun, lrs: &[f64], was: f64) -> Tuned {
        let best = best_rate(run);
        let count = |f: fn(&Status) -> bool| run.status.iter().filter(|s| f(s)).count();
        Tuned {
            name: run.name.clone(),
            label: run.label.clone(),
            was,
            lr: best.map_or(was, |j| lrs[j]),
            final_loss: best.map(|j| run.final_loss[j]),
            not_diverged: count(|s| !matches!(s, Status::Diverged { .. })),
            converged: count(|s| matches!(s, Status::Converged { .. })),
            all_diverged: best.is_none(),
        }
    }
}

/// What `optiviz tune` prints: the experiment with each optimizer at its
/// own best rate of the sweep, and what each sweep found.
#[derive(Debug, Clone, Serialize)]
pub struct Tune {
    /// The experiment, each optimizer's `lr` tuned.
    pub experiment: Experiment,
    /// The rates tried, ascending (the sweep's).
    pub lrs: Vec<f64>,
    /// Each optimizer, in order.
    pub tuned: Vec<Tuned>,
}

/// Each optimizer of `exp` at the rate of its sweep over `lrs` that ends
/// lowest without diverging ([`best_rate`]).
pub fn tune(exp: &Experiment, lrs: &[f64]) -> Tune {
    let s = sweep(exp, lrs);
    let tuned: Vec<Tuned> = s
        .runs
        .iter()
        .zip(&exp.optimizers)
        .map(|(run, o)| Tuned::from_sweep(run, lrs, o.lr))
        .collect();
    let mut experiment = exp.clone();
    for (o, t) in experiment.optimizers.iter_mut().zip(&tuned) {
        o.lr = t.lr;
    }
    Tune {
        experiment,
        lrs: s.lrs,
        tuned,
    }
}

/// The sweep's line for optimizer `o` from its runs at each learning rate.
fn summary(o: &optiviz_experiment::experiment::OptimizerConfig, runs: &[Trajectory]) -> SweepRun {
    SweepRun {
        name: o.def.name.to_string(),
        label: o.label(),
        final_loss: runs
            .iter()
            .map(|t| t.losses.last().copied().unwrap_or(f64::NAN))
            .collect(),
        best_loss: runs
            .iter()
            .map(|t| t.losses.iter().copied().fold(f64::INFINITY, f64::min))
            .collect(),
        status: runs.iter().map(|t| t.status.clone()).collect(),
    }
}

/// Where a run from one cell of a basin map ended.
pub const DIVERGED: i32 = -1;
/// Neither at a known minimum nor diverged.
pub const ELSEWHERE: i32 = -2;

/// One optimizer's basin map.
#[derive(Debug, Clone, Serialize)]
pub struct BasinRun {
    /// The optimizer's key, e.g. `"adam"`.
    pub name: String,
    /// The name plus every setting that differs from torch's defaults.
    pub label: String,
    /// Per cell, row-major from the top row: the index of the minimum the
    /// run ended at, [`DIVERGED`] or [`ELSEWHERE`].
    pub outcome: Vec<i32>,
    /// Per cell: the first step at which the path was within reach of that
    /// minimum (null unless it ended at one).
    pub steps: Vec<Option<usize>>,
}

/// What `optiviz basins` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Basins {
    /// Cells per side: the map is `grid` × `grid`.
    pub grid: usize,
    /// The window the grid covers.
    pub view: View,
    /// The surface's known minima, which [`BasinRun::outcome`] indexes.
    pub minima: Vec<[f64; 2]>,
    /// Each optimizer of the experiment, in order.
    pub runs: Vec<BasinRun>,
}

/// The centre of cell (`row`, `col`) of an `n` × `n` grid over `view`, row 0
/// at the top (the largest y).
pub fn cell_centre(view: View, n: usize, row: usize, col: usize) -> [f64; 2] {
    let w = (view.x[1] - view.x[0]) / n as f64;
    let h = (view.y[1] - view.y[0]) / n as f64;
    [
        view.x[0] + (col as f64 + 0.5) * w,
        view.y[1] - (row as f64 + 0.5) * h,
    ]
}

/// Where `t` ended among `minima`, reached when within `reach`: the
/// outcome and the first step within reach of it.
pub fn outcome(t: &Trajectory, minima: &[[f64; 2]], reach: f64) -> (i32, Option<usize>) {
    let dist = |p: [f64; 2], m: [f64; 2]| (p[0] - m[0]).hypot(p[1] - m[1]);
    let last = *t.points.last().expect("a run has its start");
    let nearest = minima
        .iter()
        .enumerate()
        .map(|(i, &m)| (i, dist(last, m)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((i, d)) if d <= reach => {
            let first = t.points.iter().position(|&p| dist(p, minima[i]) <= reach);
            (i as i32, first)
        }
        _ if matches!(t.status, Status::Diverged { .. }) => (DIVERGED, None),
        _ => (ELSEWHERE, None),
    }
}

/// Every optimizer of `exp` from the centre of each of `n` × `n` cells of
/// `view`: where it ended and how soon. A run ends at a minimum when its last
/// point is within 1% of the view's diagonal of it.
pub fn basins(exp: &Experiment, n: usize, view: View) -> Basins {
    let surf = exp.surface();
    let minima: Vec<[f64; 2]> = surf.minima().iter().map(|m| m.point).collect();
    let runs = basin_rows(exp, &surf, &minima, n, view, 0..n);
    Basins {
        grid: n,
        view,
        minima,
        runs,
    }
}

/// [`basins`] for the rows `rows` of the grid only (each optimizer's
/// `outcome` and `steps` hold those rows' cells), on the experiment's surface
/// `surf` with its `minima`, so that a map can be computed a slice at a time
/// (the page splits one over its workers).
pub fn basin_rows(
    exp: &Experiment,
    surf: &optiviz_objectives::surface::Surface,
    minima: &[[f64; 2]],
    n: usize,
    view: View,
    rows: std::ops::Range<usize>,
) -> Vec<BasinRun> {
    let reach = 0.01 * (view.x[1] - view.x[0]).hypot(view.y[1] - view.y[0]);
    let cells_per_run = rows.len() * n;
    let cells: Vec<(usize, [f64; 2])> = (0..exp.optimizers.len())
        .flat_map(|i| {
            rows.clone()
                .flat_map(move |r| (0..n).map(move |c| (i, cell_centre(view, n, r, c))))
        })
        .collect();
    let done = map(&cells, |&(i, start)| {
        let t = exp.run_one(surf, i, &exp.optimizers[i], start, Record::default());
        outcome(&t, minima, reach)
    });
    exp.optimizers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mine = &done[i * cells_per_run..(i + 1) * cells_per_run];
            BasinRun {
                name: o.def.name.to_string(),
                label: o.label(),
                outcome: mine.iter().map(|r| r.0).collect(),
                steps: mine.iter().map(|r| r.1).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(text: &str) -> Experiment {
        Experiment::from_json(text).unwrap()
    }

    #[test]
    fn learning_rates_are_log_spaced_with_both_ends() {
        let lrs = log_spaced(1e-5, 10.0, 61).unwrap();
        assert_eq!((lrs.len(), lrs[0], lrs[60]), (61, 1e-5, 10.0));
        // Ten per decade: 1e-4 is the tenth step, and the decades are round.
        assert_eq!((lrs[10], lrs[30], lrs[50]), (1e-4, 0.01, 1.0));
        assert_eq!(log_spaced(0.1, 0.1, 1).unwrap(), [0.1]);
        assert!(log_spaced(0.0, 1.0, 5).unwrap_err().starts_with("--from"));
        assert!(log_spaced(1.0, 0.5, 5).unwrap_err().starts_with("--to"));
        assert!(log_spaced(1e-3, 1.0, 0).unwrap_err().starts_with("--count"));
    }

    #[test]
    fn a_sweep_equals_direct_runs() {
        let e = exp(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2], "steps": 200,
                "optimizers": [{"name": "adam", "lr": 0.02}, {"name": "sgd", "lr": 0.001, "momentum": 0.9}]}"#,
        );
        let lrs = log_spaced(1e-4, 1.0, 9).unwrap();
        let s = sweep(&e, &lrs);
        assert_eq!(s.runs.len(), 2);
        for (i, run) in s.runs.iter().enumerate() {
            for (j, &lr) in lrs.iter().enumerate() {
                let mut direct = e.clone();
                direct.optimizers = vec![e.optimizers[i].clone()];
                direct.optimizers[0].lr = lr;
                let t = &direct.run()[0];
                assert_eq!(run.final_loss[j], *t.losses.last().unwrap());
                assert_eq!(
                    run.best_loss[j],
                    t.losses.iter().copied().fold(f64::INFINITY, f64::min)
                );
                assert_eq!(run.status[j], t.status);
            }
        }
        assert_eq!(s.runs[1].label, "sgd lr=0.001 momentum=0.9");
    }

    #[test]
    fn basins_match_direct_runs_and_find_all_four_of_himmelblau() {
        let e = exp(
            r#"{"function": {"name": "himmelblau"}, "start": [0, 0], "steps": 300,
                "optimizers": [{"name": "sgd", "lr": 0.01}, {"name": "sgd", "lr": 0.08}]}"#,
        );
        let view = View {
            x: [-5.0, 5.0],
            y: [-5.0, 5.0],
        };
        let b = basins(&e, 8, view);
        assert_eq!((b.grid, b.minima.len(), b.runs.len()), (8, 4, 2));
        let small = &b.runs[0];
        for m in 0..4 {
            assert!(
                small.outcome.contains(&m),
                "minimum {m} is reached from somewhere"
            );
        }
        // A step too large for the valleys diverges from some starts.
        assert!(b.runs[1].outcome.contains(&DIVERGED));
        // Each cell as a direct run from its centre.
        let reach = 0.01 * 200f64.sqrt();
        for (row, col) in [(0, 0), (3, 5), (7, 7), (5, 2)] {
            let mut direct = e.clone();
            direct.optimizers.truncate(1);
            direct.start = cell_centre(view, 8, row, col);
            let t = &direct.run()[0];
            let c = row * 8 + col;
            assert_eq!(
                (small.outcome[c], small.steps[c]),
                outcome(t, &b.minima, reach)
            );
            if small.outcome[c] >= 0 {
                let m = b.minima[small.outcome[c] as usize];
                let last = t.points.last().unwrap();
                assert!((last[0] - m[0]).hypot(last[1] - m[1]) <= reach);
            }
        }
        // The first row is the top of the view.
        assert_eq!(cell_centre(view, 8, 0, 0), [-4.375, 4.375]);
        // Rows computed apart are the same as the whole map.
        let surf = e.surface();
        let part = basin_rows(&e, &surf, &b.minima, 8, view, 3..5);
        assert_eq!(part[0].outcome, small.outcome[24..40]);
        assert_eq!(part[1].steps, b.runs[1].steps[24..40]);
    }

    #[test]
    fn starts_where_f_has_no_value_count_as_diverged() {
        // log of a negative x: the left half of the view has no value.
        let e = exp(
            r#"{"function": {"name": "custom", "expr": "log(x) + (x - 2)^2 + y^2"}, "start": [1, 0], "steps": 100,
                "optimizers": [{"name": "sgd", "lr": 0.05}]}"#,
        );
        let view = View {
            x: [-3.0, 3.0],
            y: [-1.0, 1.0],
        };
        let b = basins(&e, 6, view);
        for row in 0..6 {
            for col in 0..3 {
                assert_eq!(b.runs[0].outcome[row * 6 + col], DIVERGED, "({row}, {col})");
            }
        }
        // A run from there keeps its start, with no value.
        let mut there = e.clone();
        there.start = [-1.0, 0.0];
        let t = &there.run()[0];
        assert_eq!(t.points, [[-1.0, 0.0]]);
        assert!(t.losses[0].is_nan());
        let s = sweep(&there, &[0.01, 0.1]);
        assert!(s.runs[0]
            .status
            .iter()
            .all(|st| matches!(st, Status::Diverged { .. })));
    }
}
