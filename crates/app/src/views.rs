//! What the page's model draws: the surface layer (flat or in relief), the
//! paths over it with their arrows, ellipses and basin map, the charts, the
//! data or network panel, the sweep; and what those views need worked out
//! (the inspector, the chart kinds, a network's landscape to compute).

use crate::app::{surface_input, App};
use crate::host::Host;
use crate::inspect::{self, ADAPTIVE};
use crate::relief_view::ReliefView;
use crate::surface_layer::SurfaceLayer;
use optiviz_base::number::short;
use optiviz_engine::stability;
use optiviz_engine::trajectory::Trajectory;
use optiviz_experiment::experiment::OptimizerConfig;
use optiviz_objectives::linalg::eigen;
use optiviz_objectives::mlp::net::Task;
use optiviz_objectives::objective::{Objective, View};
use optiviz_render::chart::{draw_loss_chart, draw_series_chart, LossAxis, Series};
use optiviz_render::data_panel::draw_data_panel;
use optiviz_render::figure;
use optiviz_render::frame::{path_color, Scale, Theme};
use optiviz_render::mathml::to_wrapping_html;
use optiviz_render::net_panel::{draw_net_panel, NetTile};
use optiviz_render::plot::{
    basin_rgba, draw_arrows, draw_basins, draw_curvature, draw_paths, Arrows, BasinArt, Curvature,
    PathArt, BASIN_COLORS, BASIN_DIVERGED, BASIN_ELSEWHERE,
};
use optiviz_render::sweep_chart::{draw_sweep_chart, value_at, SweepLine};
use serde_json::{json, Value};

/// The most samples a network's landscape takes (100 × 100 on a square
/// plot), fewer for a network whose samples cost more than this budget
/// (in the surfaces' cost units) allows, but never fewer than 24 × 24.
const LANDSCAPE_SAMPLES: f64 = 10_000.0;
const LANDSCAPE_BUDGET: f64 = 2e8;
const LANDSCAPE_LEAST: f64 = 576.0;

/// A network's landscape for the page's workers to compute.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LandscapeJob {
    /// What [`App::set_landscape`] knows it by.
    pub key: String,
    /// The experiment's JSON.
    pub experiment: String,
    /// The plane: its origin, then its two directions.
    pub plane: Vec<f64>,
    /// The window, `[xmin, xmax, ymin, ymax]`.
    pub view: [f64; 4],
    /// The grids to compute in turn, coarse to fine, each `[width, height]`.
    pub levels: Vec<[usize; 2]>,
}

fn size((w, h): (u32, u32)) -> (f64, f64) {
    (w as f64, h as f64)
}

impl<H: Host> App<H> {
    /// Draws the surface layer: axes, the heatmap raster (a sample per
    /// device pixel, its contour lines drawn in), minima and the colour
    /// scale; or the surface in relief. With `fast` (the first frame,
    /// dragging) a coarser preview stands in when the full detail would not
    /// fit in a frame (see [`App::refine_surface`]). Returns the
    /// milliseconds spent computing (0 when cached).
    pub fn draw_surface(&mut self, p: &mut H::Painter, fast: bool) -> f64 {
        let plot = size(self.sizes.plot);
        let frame = self.frame();
        let input = surface_input(&self.exp, &self.surf, frame, self.dark, self.scale);
        match self.relief {
            Some(angle) => {
                let grid = self.surface.handed_grid(&input);
                let view = self.relief_view.get_or_insert_with(ReliefView::default);
                view.draw_base(&mut self.host, p, plot, &input, grid, angle, fast)
            }
            None => self.surface.draw(&self.host, p, plot, &input, fast),
        }
    }

    /// A network's landscape to compute in the page's workers, or `None`
    /// for any other surface.
    pub fn landscape_job(&self) -> Option<LandscapeJob> {
        let net = self.surf.network()?;
        let frame = self.frame();
        let total =
            (LANDSCAPE_BUDGET / net.cost() as f64).clamp(LANDSCAPE_LEAST, LANDSCAPE_SAMPLES);
        let aspect = (frame.rect.w / frame.rect.h).clamp(0.25, 4.0);
        let levels: Vec<[usize; 2]> = [16.0, 4.0, 1.0]
            .iter()
            .map(|part| {
                let n = (total / part).max(64.0);
                let w = (n * aspect).sqrt().round().max(2.0);
                [w as usize, ((n / w).round() as usize).max(2)]
            })
            .collect();
        let plane: Vec<f64> = [
            &net.plane.origin,
            &net.plane.directions[0],
            &net.plane.directions[1],
        ]
        .into_iter()
        .flatten()
        .copied()
        .collect();
        let v = frame.view;
        Some(LandscapeJob {
            key: SurfaceLayer::<H>::remote_key(&self.surface_input()),
            experiment: self.experiment_json(),
            plane,
            view: [v.x[0], v.x[1], v.y[0], v.y[1]],
            levels,
        })
    }

    /// What [`App::landscape_job`] would give as its `key`, cheaply, for a
    /// check at every redraw; `None` for any surface but a network's.
    pub fn landscape_key(&self) -> Option<String> {
        self.surf.network()?;
        Some(SurfaceLayer::<H>::remote_key(&self.surface_input()))
    }

    /// Takes a landscape the workers computed for the job known by `key`:
    /// `width` × `height` samples, row by row from the top. True when the
    /// layer now shows it (a finer grid than it had, still for this
    /// experiment and window); draw the surface then.
    pub fn set_landscape(
        &mut self,
        key: &str,
        width: usize,
        height: usize,
        values: Vec<f64>,
    ) -> bool {
        let frame = self.frame();
        let input = surface_input(&self.exp, &self.surf, frame, self.dark, self.scale);
        self.surface
            .set_grid(&self.host, &input, key, (width, height), values)
    }

    /// Computes the full-detail surface a piece at a time, for about
    /// `budget` milliseconds, so a page can spread the work over several
    /// tasks; true once it is ready (the next `draw_surface(false)` then
    /// only draws).
    pub fn refine_surface(&mut self, budget: f64) -> bool {
        if self.relief.is_some() {
            // The relief draws its still view in one go.
            return true;
        }
        let frame = self.frame();
        let input = surface_input(&self.exp, &self.surf, frame, self.dark, self.scale);
        self.surface.refine(&self.host, &input, budget)
    }

    /// Whether the surface layer shows its full detail (nothing left for
    /// [`App::refine_surface`] to do). A relief's full resolution is drawn
    /// by `draw_surface(false)` in one go: never detailed until then.
    pub fn surface_detailed(&self) -> bool {
        self.relief.is_none() && self.surface.detailed(&self.surface_input())
    }

    pub(crate) fn shown_paths(&self) -> Vec<PathArt<'_>> {
        figure::shown_paths(&self.exp, &self.runs)
    }

    /// Draws the path layer (on a cleared, transparent canvas over the
    /// surface) at the current step: a basin map under everything, the
    /// paths, the start, the curvature ellipses and the arrows where they
    /// are on; in relief, the paths on the relief.
    pub fn draw_paths(&self, p: &mut H::Painter) {
        let s = Scale(self.scale);
        if self.relief.is_some() {
            let paths = self.shown_paths();
            let start = figure::relief_start(&self.exp, &self.surf, &paths);
            if let Some(view) = &self.relief_view {
                view.draw_paths(p, &paths, self.step, start, s);
            }
            return;
        }
        let frame = self.frame();
        if let Some((image, view)) = &self.basins {
            draw_basins(p, &frame, &BasinArt { image, view: *view });
        }
        draw_paths(p, &frame, &self.shown_paths(), self.step, self.exp.start, s);
        if self.curvature {
            draw_curvature(p, &frame, &self.curvature_sets(), s);
        }
        if self.arrows {
            draw_arrows(p, &frame, &self.arrow_sets(), s);
        }
    }

    /// Shows a basin map over the surface: `outcome` per cell of a `grid` ×
    /// `grid` map over `view` (`[xmin, xmax, ymin, ymax]`), row 0 at the top
    /// — a minimum's index, −1 diverged, −2 elsewhere, or −3 for a cell not
    /// computed yet — and `steps` (the step it reached its minimum, or −1).
    pub fn set_basins(&mut self, grid: usize, view: &[f64], outcome: &[i32], steps: &[i32]) {
        let Some(cells) = grid.checked_mul(grid) else {
            return;
        };
        if view.len() != 4 || outcome.len() != cells || steps.len() != cells {
            return;
        }
        let outcome: Vec<Option<i32>> = outcome.iter().map(|&o| (o >= -2).then_some(o)).collect();
        let steps: Vec<Option<u32>> = steps.iter().map(|&k| u32::try_from(k).ok()).collect();
        let rgba = basin_rgba(&outcome, &steps, self.exp.steps);
        let image = self.host.pixels(grid, grid, rgba);
        let view = View {
            x: [view[0], view[1]],
            y: [view[2], view[3]],
        };
        self.basins = Some((image, view));
    }

    /// Takes the basin map off the plot.
    pub fn clear_basins(&mut self) {
        self.basins = None;
    }

    /// What a basin map's colours mean: `[{color, label}]`, each known
    /// minimum's colour first, then elsewhere and diverged.
    pub fn basin_legend(&self) -> Vec<Value> {
        let mut list: Vec<Value> = self
            .surf
            .minima()
            .iter()
            .enumerate()
            .map(|(i, m)| {
                json!({"color": BASIN_COLORS[i % BASIN_COLORS.len()].hex(),
                       "label": format!("the minimum at ({}, {})", short(m.point[0]), short(m.point[1]))})
            })
            .collect();
        list.push(json!({"color": BASIN_ELSEWHERE.hex(), "label": "elsewhere (still moving, or stopped away from a minimum)"}));
        list.push(json!({"color": BASIN_DIVERGED.hex(), "label": "diverged"}));
        list
    }

    /// Keeps optimizer `optimizer`'s sweep: its final loss at each of `lrs`
    /// and whether that run diverged; a sweep over other rates is dropped
    /// first.
    pub fn set_sweep(
        &mut self,
        optimizer: usize,
        lrs: &[f64],
        final_loss: &[f64],
        diverged: &[bool],
    ) {
        if final_loss.len() != lrs.len() || diverged.len() != lrs.len() {
            return;
        }
        if self.sweep.0 != lrs {
            self.sweep = (lrs.to_vec(), Default::default());
        }
        self.sweep
            .1
            .insert(optimizer, (final_loss.to_vec(), diverged.to_vec()));
    }

    /// Forgets the sweep.
    pub fn clear_sweep(&mut self) {
        self.sweep = Default::default();
    }

    /// Draws the sweep chart (`size` in device pixels): each shown optimizer
    /// with a sweep, a ring at its learning rate now and a dashed line at
    /// its stability edge at the minimum nearest the start.
    pub fn draw_sweep(&self, p: &mut H::Painter, size: (f64, f64)) {
        let minima = self.surf.minima();
        let dist = |q: [f64; 2]| (q[0] - self.exp.start[0]).hypot(q[1] - self.exp.start[1]);
        let nearest = minima
            .iter()
            .min_by(|a, b| dist(a.point).total_cmp(&dist(b.point)));
        let values = nearest.map(|m| eigen(self.surf.hessian(m.point)).0);
        let shown: Vec<usize> = (0..self.exp.optimizers.len())
            .filter(|i| self.exp.optimizers[*i].enabled && self.sweep.1.contains_key(i))
            .collect();
        let lines: Vec<SweepLine> = shown
            .iter()
            .map(|&i| {
                let o = &self.exp.optimizers[i];
                let (final_loss, diverged) = self.sweep.1[&i].clone();
                SweepLine {
                    label: self.runs[i].label.clone(),
                    color: path_color(i, o.color.as_deref()),
                    final_loss,
                    diverged,
                    current: o.lr,
                    edge: values
                        .and_then(|v| stability::edge(o, v))
                        .map(|e| e.lr)
                        .filter(|e| e.is_finite() && *e > 0.0),
                }
            })
            .collect();
        let frame = draw_sweep_chart(
            p,
            size,
            &self.sweep.0,
            &lines,
            LossAxis::for_minima(&minima),
            Theme::page(self.dark),
            Scale(self.scale),
        );
        *self.sweep_frame.borrow_mut() = Some((frame, LossAxis::for_minima(&minima), shown));
    }

    /// The learning rate (to 3 significant digits) under a CSS pixel of the
    /// sweep chart and the optimizer whose line passes nearest it:
    /// `(optimizer, lr)`, or `None` outside the chart.
    pub fn sweep_pick(&self, css_x: f64, css_y: f64) -> Option<(usize, f64)> {
        let held = self.sweep_frame.borrow();
        let (frame, axis, shown) = held.as_ref()?;
        let (x, y) = (css_x * self.scale, css_y * self.scale);
        if y < frame.rect.y || y > frame.rect.bottom() {
            return None;
        }
        let lr: f64 = format!("{:.2e}", frame.lr_at(x)?).parse().ok()?;
        let (i, _) = shown
            .iter()
            .filter_map(|i| Some((*i, self.sweep.1.get(i)?)))
            .map(|(i, (final_loss, diverged))| {
                let gap = value_at((final_loss, diverged), &self.sweep.0, lr, *axis)
                    .map_or(f64::INFINITY, |v| (frame.y_of(v) - y).abs());
                (i, gap)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        Some((i, lr))
    }

    /// Shows or hides the curvature ellipse at each current point.
    pub fn set_curvature(&mut self, on: bool) {
        self.curvature = on;
    }

    /// Shows or hides the arrows at each current point.
    pub fn set_arrows(&mut self, on: bool) {
        self.arrows = on;
    }

    /// Each shown optimizer's curvature at its point at the current step.
    fn curvature_sets(&self) -> Vec<Curvature> {
        if self.surf.network().is_some() {
            // The plane's curvature says little of the network's.
            return Vec::new();
        }
        self.exp
            .optimizers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.enabled)
            .map(|(i, o)| {
                let run = &self.runs[i];
                let at = run.points[self.step.min(run.points.len() - 1)];
                let (values, vectors) = eigen(self.surf.hessian(at));
                Curvature {
                    at,
                    color: path_color(i, o.color.as_deref()),
                    values,
                    vectors,
                }
            })
            .collect()
    }

    /// The shown optimizers with their index, config and detailed run.
    fn shown_detail(&self) -> Vec<(usize, &OptimizerConfig, &Trajectory)> {
        let runs = self.runs_with_state();
        self.exp
            .optimizers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.enabled)
            .map(|(i, o)| (i, o, &runs[i]))
            .collect()
    }

    /// Each shown optimizer's arrows at the current step: the step it takes
    /// from its current point (none once its run has ended).
    fn arrow_sets(&self) -> Vec<Arrows> {
        if self.surf.network().is_some() {
            return Vec::new();
        }
        self.shown_detail()
            .into_iter()
            .filter_map(|(i, cfg, run)| {
                let view = inspect::step_view(cfg, run, self.step, self.exp.stochastic(i))?;
                Some(Arrows {
                    at: run.points[self.step],
                    color: path_color(i, cfg.color.as_deref()),
                    descent: view.descent,
                    memory: view.memory,
                    step: view.step,
                })
            })
            .collect()
    }

    /// The inspector at the current step, per shown optimizer:
    /// `{index, label, color, step, lines: [HTML with MathML], text: [plain], ended}`.
    /// `step` is the step explained (from the current point to the next);
    /// `ended` holds the run's status once no step follows.
    pub fn inspect(&self) -> Vec<Value> {
        if self.surf.network().is_some() {
            // A network's step moves every weight: no two-number rule to show.
            return Vec::new();
        }
        let k = self.step;
        self.shown_detail()
            .into_iter()
            .map(|(i, cfg, run)| {
                let mut v =
                    json!({"index": i, "label": run.label, "color": self.color(i), "step": k + 1});
                match inspect::step_view(cfg, run, k, self.exp.stochastic(i)) {
                    Some(view) => {
                        v["lines"] = json!(view
                            .lines
                            .iter()
                            .zip(&view.markup)
                            .map(|(l, m)| m.clone().unwrap_or_else(|| to_wrapping_html(l)))
                            .collect::<Vec<_>>());
                        v["text"] = json!(view.lines);
                    }
                    None => v["ended"] = json!(run.status.to_string()),
                }
                v
            })
            .collect()
    }

    /// The charts the current runs offer beside the loss: `lr` always,
    /// `effective` when a shown optimizer scales its step per coordinate,
    /// `evals` when one re-evaluates (LBFGS), `momentum` when a schedule
    /// cycles a momentum or β₁; for a network its accuracy and each layer's
    /// gradient.
    pub fn chart_kinds(&self) -> Vec<&'static str> {
        let cycled = figure::shown_paths(&self.exp, &self.runs)
            .iter()
            .any(|p| !p.run.momenta.is_empty());
        if let Some(model) = &self.exp.function.mlp {
            let mut kinds = vec!["loss"];
            if model.net.arch.task == Task::Classification {
                kinds.push("accuracy");
            }
            kinds.extend(["layers", "lr"]);
            if cycled {
                kinds.push("momentum");
            }
            return kinds;
        }
        let mut kinds = vec!["loss", "lr", "curvature"];
        let shown = || self.exp.optimizers.iter().filter(|o| o.enabled);
        if shown().any(|o| ADAPTIVE.contains(&o.def.name)) {
            kinds.push("effective");
        }
        if shown().any(|o| o.def.name == "lbfgs") {
            kinds.push("evals");
        }
        if cycled {
            kinds.push("momentum");
        }
        kinds
    }

    /// Draws the chart of `kind` (see [`App::chart_kinds`]) against step.
    pub fn draw_chart(&self, p: &mut H::Painter, kind: &str) {
        let (theme, scale) = (Theme::page(self.dark), Scale(self.scale));
        let chart = size(self.sizes.chart);
        let color = |i: usize, cfg: &OptimizerConfig| path_color(i, cfg.color.as_deref());
        let steps = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter().enumerate().map(|(k, &x)| (k as f64, x)).collect()
        };
        // One line per shown run that has `values`.
        let per_run = |values: fn(&Trajectory) -> &[f64]| -> Vec<Series> {
            self.shown_paths()
                .iter()
                .filter(|p| !values(p.run).is_empty())
                .map(|p| Series {
                    label: p.run.label.clone(),
                    color: p.color,
                    points: steps(values(p.run)),
                    dashed: false,
                    tag: None,
                })
                .collect()
        };
        let (series, names): (Vec<Series>, &[&str]) = match kind {
            "lr" => (per_run(|r| &r.lrs), &["learning rate", "lr"]),
            "accuracy" => (
                per_run(|r| &r.accuracy),
                &["accuracy (share right)", "accuracy"],
            ),
            "layers" => {
                // Per run, a line per Linear layer, named L1 (the input's) on.
                let mut out = Vec::new();
                for path in self.shown_paths() {
                    let layers = path.run.layer_grad_norms.first().map_or(0, Vec::len);
                    for l in 0..layers {
                        out.push(Series {
                            label: path.run.label.clone(),
                            color: path.color,
                            points: path
                                .run
                                .layer_grad_norms
                                .iter()
                                .enumerate()
                                .map(|(k, norms)| (k as f64, norms[l]))
                                .collect(),
                            dashed: false,
                            tag: Some(format!("L{}", l + 1)),
                        });
                    }
                }
                (out, &["‖∇W‖ per layer (L1: input)", "‖∇W‖"])
            }
            "momentum" => (per_run(|r| &r.momenta), &["momentum or β₁", "momentum"]),
            "effective" => {
                let mut out = Vec::new();
                for (i, cfg, run) in self.shown_detail() {
                    if !ADAPTIVE.contains(&cfg.def.name) {
                        continue;
                    }
                    let rates: Vec<[f64; 2]> = (0..run.lrs.len())
                        .map_while(|k| inspect::effective_lr(cfg, run, k))
                        .collect();
                    for (axis, dashed) in [(0, false), (1, true)] {
                        out.push(Series {
                            label: run.label.clone(),
                            color: color(i, cfg),
                            points: rates
                                .iter()
                                .enumerate()
                                .map(|(k, r)| (k as f64, r[axis]))
                                .collect(),
                            dashed,
                            tag: None,
                        });
                    }
                }
                (out, &["lr per coordinate", "lr per coord."])
            }
            "curvature" => {
                let mut out = Vec::new();
                let lmax = |q: &[f64; 2]| eigen(self.surf.hessian(*q)).0[1];
                for (i, cfg) in self.exp.optimizers.iter().enumerate() {
                    let run = &self.runs[i];
                    if !cfg.enabled {
                        continue;
                    }
                    out.push(Series {
                        label: run.label.clone(),
                        color: color(i, cfg),
                        points: steps(&run.points.iter().map(lmax).collect::<Vec<_>>()),
                        dashed: false,
                        tag: None,
                    });
                    // The most curvature each step's learning rate survives.
                    let limits: Vec<f64> = run
                        .lrs
                        .iter()
                        .map_while(|&lr| stability::curvature_limit(cfg, lr))
                        .collect();
                    if !limits.is_empty() {
                        out.push(Series {
                            label: run.label.clone(),
                            color: color(i, cfg),
                            points: steps(&limits),
                            dashed: true,
                            tag: None,
                        });
                    }
                }
                (out, &["λmax (dashed: the stability limit)", "λmax"])
            }
            "evals" => (
                self.exp
                    .optimizers
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.enabled && o.def.name == "lbfgs")
                    .map(|(i, o)| Series {
                        label: self.runs[i].label.clone(),
                        color: color(i, o),
                        points: self.runs[i]
                            .func_evals
                            .iter()
                            .enumerate()
                            .map(|(k, &e)| (k as f64, e as f64))
                            .collect(),
                        dashed: false,
                        tag: None,
                    })
                    .collect(),
                &["evaluations per step", "evaluations"],
            ),
            _ => {
                draw_loss_chart(
                    p,
                    chart,
                    &self.shown_paths(),
                    self.max_step(),
                    self.step,
                    LossAxis::for_minima(&self.surf.minima()),
                    theme,
                    scale,
                );
                return;
            }
        };
        draw_series_chart(
            p,
            chart,
            &series,
            self.max_step(),
            self.step,
            names,
            kind == "layers",
            theme,
            scale,
        );
    }

    /// Draws the data panel: the rows, and each shown optimizer's model at
    /// the current step — its line (linear regression), its sigmoid and
    /// decision boundary (logistic regression), its predictions against the
    /// actual y (two-feature least squares), or for a network a tile per
    /// shown optimizer with its output and decision boundary. False, and
    /// nothing drawn, for a formula: the page clears the panel.
    pub fn draw_data(&self, p: &mut H::Painter) -> bool {
        let (theme, scale) = (Theme::page(self.dark), Scale(self.scale));
        let panel = size(self.sizes.data);
        let paths = self.shown_paths();
        if let Some(model) = &self.exp.function.mlp {
            let tiles: Vec<NetTile> = paths
                .iter()
                .filter_map(|path| {
                    let run = path.run;
                    let k = self.step.min(run.params.len().checked_sub(1)?);
                    Some(NetTile {
                        label: &run.label,
                        color: path.color,
                        params: &run.params[k],
                        loss: run.losses[k.min(run.losses.len() - 1)],
                        accuracy: run.accuracy.get(k).copied(),
                    })
                })
                .collect();
            draw_net_panel(p, panel, model, &tiles, theme, scale);
            return true;
        }
        match self.surf.model() {
            Some(model) => {
                draw_data_panel(p, panel, model, &paths, self.step, theme, scale);
                true
            }
            None => false,
        }
    }
}
