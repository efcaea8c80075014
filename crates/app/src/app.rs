//! [`App`]: the page's one experiment, its runs, the step shown and what
//! the plot shows; every edit the page makes. An edit is validated whole,
//! against what a teacher's link locks, and one that is refused changes
//! nothing and says why, each problem at its path.

use crate::host::{Host, Image};
use crate::lessons;
use crate::relief_view::ReliefView;
use crate::scenarios;
use crate::surface_layer::{SurfaceInput, SurfaceLayer};
use optiviz_base::error::{ConfigError, ConfigErrors};
use optiviz_base::number::round_to_pixel;
use optiviz_engine::output;
use optiviz_engine::runs::Runs;
use optiviz_engine::stability;
use optiviz_engine::trajectory::{Record, Trajectory};
use optiviz_experiment::angle::Angle;
use optiviz_experiment::edit::set_path;
use optiviz_experiment::experiment::{default_start, Experiment, MIN_VIEW_SIZE, START_RANGE};
use optiviz_experiment::link;
use optiviz_experiment::lock::Lock;
use optiviz_objectives::functions::{self, custom};
use optiviz_objectives::mlp::MLP;
use optiviz_objectives::objective::{Objective, View};
use optiviz_objectives::surface::Surface;
use optiviz_optim as optim;
use optiviz_render::chart::LossAxis;
use optiviz_render::figure;
use optiviz_render::frame::{path_color, Frame, Scale, Theme};
use optiviz_render::sweep_chart::SweepFrame;
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::{OnceCell, RefCell};

/// A sweep's learning rates, and per optimizer its final losses and divergences.
pub(crate) type SweepLines = (
    Vec<f64>,
    std::collections::BTreeMap<usize, (Vec<f64>, Vec<bool>)>,
);

/// The sweep chart as drawn: its frame, its axis and the optimizers whose
/// lines it shows.
pub(crate) type SweepPicks = (SweepFrame, LossAxis, Vec<usize>);

/// The sizes of the page's canvases in device pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sizes {
    /// The plot (the surface and the paths over it).
    pub plot: (u32, u32),
    /// The chart under the plot.
    pub chart: (u32, u32),
    /// The data or network panel.
    pub data: (u32, u32),
}

/// One optimizer's line in the legend at the current step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusLine {
    /// Its label.
    pub label: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// Whether the plot shows it.
    pub enabled: bool,
    /// `moving`, `converged`, `settled`, `stopped` or `diverged`.
    pub state: &'static str,
    /// The line a learner reads.
    pub text: String,
}

/// The page's state: what it computes and what it shows.
pub struct App<H: Host> {
    pub(crate) host: H,
    pub(crate) exp: Experiment,
    pub(crate) runs: Vec<Trajectory>,
    pub(crate) step: usize,
    /// The experiment's surface (function or model, with its L2 term),
    /// built once per change of the experiment.
    pub(crate) surf: Surface,
    pub(crate) surface: SurfaceLayer<H>,
    pub(crate) sizes: Sizes,
    pub(crate) scale: f64,
    pub(crate) dark: bool,
    /// The runs again with each optimizer's state and gradients, made when
    /// the inspector, the arrows or a chart of the state first asks after a
    /// change (a plain run records none of it).
    pub(crate) detail: OnceCell<Vec<Trajectory>>,
    /// Whether the plot shows each optimizer's arrows.
    pub(crate) arrows: bool,
    /// Whether the plot shows the curvature ellipse at each current point.
    pub(crate) curvature: bool,
    /// The learning-rate sweep: its rates and, per optimizer index, each
    /// rate's final loss and whether it diverged.
    pub(crate) sweep: SweepLines,
    /// Where the sweep chart was last drawn, its axis and lines, for clicks.
    pub(crate) sweep_frame: RefCell<Option<SweepPicks>>,
    /// The basin map shown over the surface, if any: its image (a pixel a
    /// cell) and the window it covers.
    pub(crate) basins: Option<(Image<H>, View)>,
    /// The typed function last left for another, to come back to.
    typed: Option<Value>,
    /// The plot in relief, seen from this angle; `None` for the flat map.
    pub(crate) relief: Option<Angle>,
    /// The relief's mesh and raster, kept between frames.
    pub(crate) relief_view: Option<ReliefView<H>>,
    /// What a teacher's link locks: edits that would change it are refused.
    pub(crate) lock: Lock,
    /// The experiment as it was before the last tuning, for its Undo.
    pub(crate) before_tune: Option<Experiment>,
}

/// What the page keeps of each run: a network's parameters at every step
/// too, for its panel.
fn page_record(exp: &Experiment) -> Record {
    Record {
        params: exp.function.mlp.is_some(),
        ..Record::default()
    }
}

/// An error about the whole edit, not one field.
pub(crate) fn refused(field: &str, message: impl Into<String>) -> ConfigErrors {
    ConfigError::new(field, message).into()
}

/// Removes the top-level keys `top` from an experiment's JSON, and `each`
/// from every optimizer (what a new function cannot take).
fn drop_keys(doc: &mut serde_json::Map<String, Value>, top: &[&str], each: &str) {
    for key in top {
        doc.remove(*key);
    }
    for opt in doc
        .get_mut("optimizers")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        opt.as_object_mut().map(|m| m.remove(each));
    }
}

/// What the surface layer draws from: the experiment's surface in `frame`.
pub(crate) fn surface_input<'a>(
    exp: &'a Experiment,
    surf: &'a Surface,
    frame: Frame,
    dark: bool,
    scale: f64,
) -> SurfaceInput<'a> {
    let f = &exp.function;
    SurfaceInput {
        surf,
        id: match surf.network() {
            Some(n) => n.id.clone(),
            None => format!(
                "{}|{:?}|{:x}|{}|{:?}",
                f.def.name,
                f.params,
                f.data.as_ref().map_or(0, |d| d.fingerprint),
                exp.l2,
                f.typed.as_ref().map(|t| (&t.text, &t.values)),
            ),
        },
        remote: surf.network().is_some(),
        frame,
        minima: surf.minima(),
        axes: figure::axis_names(exp),
        theme: Theme::page(dark),
        scale: Scale(scale),
    }
}

impl<H: Host> App<H> {
    /// The page as it opens: the first scenario, on `host`.
    pub fn new(host: H) -> App<H> {
        let exp = scenarios::SCENARIOS[0].experiment();
        let (surf, runs) = exp.surface_and_runs(page_record(&exp));
        App {
            host,
            step: 0,
            runs,
            surf,
            exp,
            surface: SurfaceLayer::default(),
            sizes: Sizes::default(),
            scale: 1.0,
            dark: false,
            detail: Default::default(),
            arrows: false,
            curvature: false,
            sweep: Default::default(),
            sweep_frame: Default::default(),
            basins: None,
            typed: None,
            relief: None,
            relief_view: None,
            lock: Lock::default(),
            before_tune: None,
        }
    }

    /// The experiment.
    pub fn experiment(&self) -> &Experiment {
        &self.exp
    }

    /// Each optimizer's run.
    pub fn runs(&self) -> &[Trajectory] {
        &self.runs
    }

    /// The surface the runs are drawn on.
    pub fn surface(&self) -> &Surface {
        &self.surf
    }

    /// Takes `exp` in place of the experiment unless it changes what the
    /// link locks (each locked part that would change is named).
    pub(crate) fn replace(&mut self, exp: Experiment) -> Result<(), ConfigErrors> {
        self.lock.check(&self.exp, &exp)?;
        self.put(exp);
        Ok(())
    }

    /// Takes `exp` in place of the experiment, the runs computed again.
    fn put(&mut self, exp: Experiment) {
        (self.surf, self.runs) = exp.surface_and_runs(page_record(&exp));
        self.detail = Default::default();
        self.exp = exp;
        self.step = self.step.min(self.max_step());
    }

    /// The experiment as JSON.
    fn doc(&self) -> Value {
        self.exp.to_value()
    }

    /// Loads an experiment from a link's query. On error nothing changes and
    /// every bad key is named.
    pub fn load_query(&mut self, q: &str) -> Result<(), ConfigErrors> {
        let exp = link::decode(q)?;
        self.replace(exp)
    }

    /// Loads as much of a link as is valid and returns what was wrong with
    /// it, one error a bad key; with nothing valid, the experiment stays.
    pub fn load_query_keeping(&mut self, q: &str) -> Vec<ConfigError> {
        let (exp, errors) = link::decode_keeping(q);
        if let Some(exp) = exp {
            self.put(exp);
        }
        errors
    }

    /// Loads an experiment given as JSON (the CLI's): every problem at its
    /// path into it.
    pub fn set_experiment(&mut self, value: &Value) -> Result<(), ConfigErrors> {
        let exp = Experiment::from_value(value)?;
        self.replace(exp)
    }

    /// Loads a named scenario, from its first step.
    pub fn load_scenario(&mut self, id: &str) -> Result<(), ConfigErrors> {
        let s = scenarios::lookup(id)
            .ok_or_else(|| refused("scenario", format!("no scenario \"{id}\"")))?;
        self.replace(s.experiment())?;
        self.step = 0;
        Ok(())
    }

    /// Loads part `part` (from 1) of a lesson, from its first step: the
    /// lesson's own steps are not the reader's edits, so a link's lock does
    /// not hold them back.
    pub fn load_lesson_part(&mut self, id: &str, part: usize) -> Result<(), ConfigErrors> {
        let p = Self::lesson_part(id, part)?;
        self.put(p.experiment());
        self.step = 0;
        Ok(())
    }

    /// The part (from 1) of a lesson, or the error naming what is wrong.
    fn lesson_part(id: &str, part: usize) -> Result<&'static lessons::Part, ConfigErrors> {
        let lesson = lessons::lookup(id).ok_or_else(|| {
            let ids: Vec<&str> = lessons::LESSONS.iter().map(|l| l.id).collect();
            refused(
                "lesson",
                format!("no lesson \"{id}\"; there are {}", ids.join(", ")),
            )
        })?;
        part.checked_sub(1)
            .and_then(|i| lesson.parts.get(i))
            .ok_or_else(|| {
                refused(
                    "part",
                    format!(
                        "must be a whole number from 1 to {}, got {part}",
                        lesson.parts.len()
                    ),
                )
            })
    }

    /// Whether the experiment still computes part `part` (from 1) of a
    /// lesson: in a part that has the reader write a rule, the rule is
    /// theirs to change. False for a part there is not.
    pub fn shows_lesson_part(&self, id: &str, part: usize) -> bool {
        Self::lesson_part(id, part).is_ok_and(|p| lessons::shows(p, &self.exp))
    }

    /// "Check my rule" in part `part` (from 1) of a lesson: the reader's
    /// rule and the part's goal run on the experiment as it is, their paths
    /// compared (see [`lessons::check`]). `{passed, message, step}`, `step`
    /// where the paths part (null when they do not).
    pub fn check_lesson_part(&self, id: &str, part: usize) -> Result<Value, ConfigErrors> {
        let p = Self::lesson_part(id, part)?;
        let c = lessons::check(p, &self.exp).map_err(|m| refused("lesson", m))?;
        let step = match c.verdict {
            crate::quiz::Verdict::Parts { step, .. } => Some(step),
            crate::quiz::Verdict::Same(_) => None,
        };
        Ok(json!({"passed": c.verdict.passed(), "message": c.message, "step": step}))
    }

    /// Changes one field, e.g. `optimizers[1].lr` or `function.params.b`, to
    /// a JSON value (`null` removes it). The experiment is validated as a
    /// whole; on error nothing changes and each problem is named at its path.
    pub fn set(&mut self, path: &str, value: Value) -> Result<(), ConfigErrors> {
        let mut doc = self.doc();
        set_path(&mut doc, path, value).map_err(|m| refused(path, m))?;
        if path.starts_with("function") {
            Experiment::fit_batches(&mut doc);
        }
        let exp = Experiment::from_value(&doc)?;
        // The view, a colour and the on/off switch change the picture, not the runs.
        let display_only = path == "view" || path.ends_with(".color") || path.ends_with(".enabled");
        if display_only {
            self.lock.check(&self.exp, &exp)?;
            self.exp = exp;
            Ok(())
        } else {
            self.replace(exp)
        }
    }

    /// Switches to another function with its default parameters and view,
    /// and a start point inside that view.
    pub fn set_function(&mut self, name: &str) -> Result<(), ConfigErrors> {
        if name == MLP.name {
            return self.set_network();
        }
        let def = functions::lookup(name)
            .ok_or_else(|| refused("function.name", format!("unknown function \"{name}\"")))?;
        let mut doc = self.doc();
        if self.exp.function.typed.is_some() {
            // Kept for coming back: what the user typed is not lost.
            self.typed = Some(doc["function"].clone());
        }
        doc["function"] = if def.name == custom::CUSTOM.name {
            self.typed
                .clone()
                .unwrap_or_else(|| json!({"name": name, "expr": custom::DEFAULT_EXPR}))
        } else {
            json!({"name": name})
        };
        // The new function's own view, whatever else the experiment holds.
        let alone =
            json!({"function": doc["function"], "start": [0, 0], "steps": 0, "optimizers": []});
        let view = Experiment::from_value(&alone)?
            .plain_surface()
            .map(|s| s.view())
            .ok_or_else(|| refused("function", "has no window of its own"))?;
        if let Some(o) = doc.as_object_mut() {
            // Batches belong to data, noise to formulas: what does not fit
            // the new function is dropped rather than refused.
            let key = if def.model.is_some() {
                "grad_noise"
            } else {
                "batch_size"
            };
            drop_keys(o, &["view", key], key);
        }
        doc["start"] = json!(default_start(view));
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc)?)?;
        self.step = 0;
        Ok(())
    }

    /// Switches to a network at its defaults (a tanh 2-8-8-1 net on the
    /// circle): the optimizers stay, full-batch, without a start; a formula's
    /// gradient noise is dropped, and so is what a network cannot take.
    fn set_network(&mut self) -> Result<(), ConfigErrors> {
        let mut doc = self.doc();
        if self.exp.function.typed.is_some() {
            self.typed = Some(doc["function"].clone());
        }
        doc["function"] = json!({"name": MLP.name});
        if let Some(o) = doc.as_object_mut() {
            drop_keys(o, &["view", "start", "grad_noise"], "grad_noise");
        }
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc)?)?;
        self.step = 0;
        Ok(())
    }

    /// Adds an optimizer at torch's default learning rate.
    pub fn add_optimizer(&mut self, name: &str) -> Result<(), ConfigErrors> {
        let def = optim::lookup(name).ok_or_else(|| {
            refused(
                "optimizers",
                format!(
                    "unknown optimizer \"{name}\"; choose one of {}",
                    optim::names()
                ),
            )
        })?;
        let mut entry = json!({"name": name, "lr": def.default_lr});
        // A typed rule starts as gradient descent, for its user to rewrite.
        if def.name == optim::typed::NAME {
            entry["update"] = json!(optim::typed::Rule::plain().update);
        }
        // One that wraps a base starts around SGD with momentum, at its rate.
        if let Some(w) = def.wraps.filter(|w| w.default.is_none()) {
            entry[w.key] = json!({"name": "sgd", "momentum": 0.9});
            entry["lr"] = json!(0.01);
        }
        let mut doc = self.doc();
        if let Some(list) = doc["optimizers"].as_array_mut() {
            list.push(entry);
        }
        self.replace(Experiment::from_value(&doc)?)
    }

    /// Removes optimizer `index`. Those after it keep the colour they had
    /// (a palette colour is written into their `color`), so no path changes
    /// colour when another goes.
    pub fn remove_optimizer(&mut self, index: usize) -> Result<(), ConfigErrors> {
        if index < self.exp.optimizers.len() {
            let mut exp = self.exp.clone();
            for (j, o) in exp.optimizers.iter_mut().enumerate().skip(index + 1) {
                if o.color.is_none() {
                    o.color = Some(path_color(j, None).hex());
                }
            }
            exp.optimizers.remove(index);
            self.replace(exp)?;
        }
        Ok(())
    }

    /// The query string for the current experiment; an error (naming
    /// `data`) when a given dataset is too large for a link.
    pub fn query(&self) -> Result<String, ConfigError> {
        link::encode(&self.exp)
    }

    /// The query of what is computed (no view, colours or hidden paths), to
    /// tell whether the page still shows a scenario; `None` when a given
    /// dataset is too large for a link.
    pub fn computed_query(&self) -> Option<String> {
        link::encode(&self.exp.computed()).ok()
    }

    /// The lesson of the scenario the experiment computes, if it computes
    /// one: the page shows it above the plot from the first frame.
    pub fn scenario_lesson(&self) -> Option<&'static str> {
        scenarios::computing(&self.exp).map(|s| s.lesson)
    }

    /// The experiment as JSON text, the file `optiviz run` reads.
    pub fn experiment_json(&self) -> String {
        self.exp.to_json()
    }

    /// The runs with each optimizer's state and gradient at every step.
    pub fn runs_with_state(&self) -> &[Trajectory] {
        self.detail.get_or_init(|| {
            self.exp.run_on(
                &self.surf,
                Record {
                    state: true,
                    ..Record::default()
                },
            )
        })
    }

    /// The runs as CSV, as `optiviz run --format csv` prints them.
    pub fn csv(&self) -> String {
        output::to_csv(&self.runs)
    }

    /// The JSON download: what `optiviz run --state` prints.
    pub fn json(&self) -> String {
        output::to_json(self.runs_with_state())
    }

    /// The colour of optimizer `i`: its own, or the palette's.
    pub fn color(&self, i: usize) -> String {
        path_color(
            i,
            self.exp.optimizers.get(i).and_then(|o| o.color.as_deref()),
        )
        .hex()
    }

    // ---------------------------------------------------------------- animation

    /// The last step any path reaches.
    pub fn max_step(&self) -> usize {
        figure::last_step(&self.exp, &self.runs)
    }

    /// The step shown.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Shows step `step` (held to the last one).
    pub fn set_step(&mut self, step: usize) {
        self.step = step.min(self.max_step());
    }

    /// Per optimizer at the current step, its line in the legend: a run
    /// that diverged says why where the stability edge knows.
    pub fn statuses(&self) -> Vec<StatusLine> {
        self.runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (state, mut text) = r.status_at(self.step);
                if state == "diverged" {
                    let axes = figure::axis_names(&self.exp);
                    if let Some(why) = stability::explain(&self.exp, &self.surf, i, r, axes) {
                        text = format!("{text}: {why}");
                    }
                }
                StatusLine {
                    label: r.label.clone(),
                    color: self.color(i),
                    enabled: self.exp.optimizers[i].enabled,
                    state,
                    text,
                }
            })
            .collect()
    }

    // ---------------------------------------------------------------- drawing

    /// Sizes the canvases to their CSS sizes times the device pixel ratio
    /// (held in [1, 4]); the sizes in device pixels.
    pub fn resize(&mut self, css: Sizes, dpr: f64) -> Sizes {
        self.scale = dpr.clamp(1.0, 4.0);
        let d = |v: u32| ((v as f64) * self.scale).round().max(1.0) as u32;
        let two = |(w, h): (u32, u32)| (d(w), d(h));
        self.sizes = Sizes {
            plot: two(css.plot),
            chart: two(css.chart),
            data: two(css.data),
        };
        self.sizes
    }

    /// The page's dark theme, or its light one.
    pub fn set_dark(&mut self, dark: bool) {
        self.dark = dark;
    }

    /// The window the plot shows.
    pub fn view(&self) -> View {
        self.exp.view.unwrap_or_else(|| self.surf.view())
    }

    /// The plot's frame: its pixels and its window.
    pub fn frame(&self) -> Frame {
        let (w, h) = self.sizes.plot;
        Frame::for_surface(w as f64, h as f64, Scale(self.scale), self.view())
    }

    /// What the surface layer draws from.
    pub(crate) fn surface_input(&self) -> SurfaceInput<'_> {
        surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale)
    }

    // ----------------------------------------------------------------- relief

    /// Shows the plot in relief from `yaw` and `pitch` degrees at `zoom`
    /// (yaw wrapped, pitch held in [0, 90], zoom in [0.5, 4]).
    pub fn set_relief(&mut self, yaw: f64, pitch: f64, zoom: f64) {
        if yaw.is_finite() && pitch.is_finite() && zoom.is_finite() {
            self.relief = Some(Angle::new(yaw, pitch, zoom));
        }
    }

    /// Shows the plot in relief from the angle a link gives (`view3d`'s
    /// value, `YAW,PITCH[,ZOOM]`); on error nothing changes.
    pub fn set_relief_text(&mut self, text: &str) -> Result<(), ConfigErrors> {
        self.relief = Some(Angle::parse(text, "view3d")?);
        Ok(())
    }

    /// Back to the flat map.
    pub fn flat_map(&mut self) {
        self.relief = None;
        self.relief_view = None;
    }

    /// The relief's angle, or `None` on the flat map.
    pub fn relief(&self) -> Option<Angle> {
        self.relief
    }

    /// Whether the experiment trains a network (function `mlp`).
    pub fn is_network(&self) -> bool {
        self.exp.function.mlp.is_some()
    }

    /// The model fitted to data (`linear`, `logistic`, ...), or `None` for a
    /// function: cheap, for the first frame.
    pub fn model_kind(&self) -> Option<&'static str> {
        self.exp.function.def.model.map(|m| m.key())
    }

    // ---------------------------------------------------------------- pointer

    /// The data point under a CSS pixel of the plot, or `None` outside the
    /// plotting rectangle.
    pub fn pick(&self, css_x: f64, css_y: f64) -> Option<[f64; 2]> {
        let frame = self.frame();
        let (x, y) = (css_x * self.scale, css_y * self.scale);
        frame.contains_px(x, y).then(|| frame.to_data(x, y))
    }

    /// The CSS pixel of the flat plot where a data point is drawn.
    pub fn to_css(&self, x: f64, y: f64) -> [f64; 2] {
        let (px, py) = self.frame().to_px([x, y]);
        [px / self.scale, py / self.scale]
    }

    /// Where optimizer `i`'s run ends: `[x, y, step]`, or `None` when it
    /// left the numbers behind (diverged to infinity or NaN).
    pub fn end_point(&self, i: usize) -> Option<[f64; 3]> {
        let t = self.runs.get(i)?;
        let p = t.points.last()?;
        let step = t.points.len() - 1;
        (p[0].is_finite() && p[1].is_finite()).then_some([p[0], p[1], step as f64])
    }

    /// The CSS pixels the plot's buttons must leave clear on the flat map:
    /// the start handle (where it can be dragged) and each run's end.
    pub fn keep_clear(&self) -> Vec<[f64; 2]> {
        if self.relief.is_some() {
            return Vec::new();
        }
        let handle = self.exp.function.mlp.is_none().then_some(self.exp.start);
        let ends = (0..self.runs.len()).filter_map(|i| self.end_point(i).map(|p| [p[0], p[1]]));
        handle
            .into_iter()
            .chain(ends)
            .map(|p| self.to_css(p[0], p[1]))
            .collect()
    }

    /// Whether a CSS pixel is on the start handle.
    pub fn near_start(&self, css_x: f64, css_y: f64) -> bool {
        if self.exp.function.mlp.is_some() || self.relief.is_some() {
            // θ0, the network's start, is not moved by hand; in relief a
            // drag turns the view.
            return false;
        }
        let (x, y) = self.frame().to_px(self.exp.start);
        ((x / self.scale - css_x).powi(2) + (y / self.scale - css_y).powi(2)).sqrt() <= 12.0
    }

    /// Moves the start point to a data point, rounded to what a CSS pixel
    /// of the plot can tell apart.
    pub fn move_start(&mut self, x: f64, y: f64) -> Result<(), ConfigErrors> {
        let frame = self.frame();
        let (r, v) = (frame.rect, frame.view);
        let pixel = |span: f64, px: f64| span / px * self.scale;
        let p = [
            round_to_pixel(x, pixel(v.x[1] - v.x[0], r.w)),
            round_to_pixel(y, pixel(v.y[1] - v.y[0], r.h)),
        ];
        self.set("start", json!(p))
    }

    /// Zooms by `factor` (< 1 zooms in) about a CSS pixel of the plot.
    pub fn zoom(&mut self, css_x: f64, css_y: f64, factor: f64) -> Result<(), ConfigErrors> {
        let frame = self.frame();
        let c = frame.to_data(css_x * self.scale, css_y * self.scale);
        let v = frame.view;
        let f = factor.clamp(0.05, 20.0);
        let nv = View {
            x: [c[0] - (c[0] - v.x[0]) * f, c[0] + (v.x[1] - c[0]) * f],
            y: [c[1] - (c[1] - v.y[0]) * f, c[1] + (v.y[1] - c[1]) * f],
        };
        self.set_view(nv)
    }

    /// Pans the view by a drag of (dx, dy) CSS pixels.
    pub fn pan(&mut self, dx: f64, dy: f64) -> Result<(), ConfigErrors> {
        let frame = self.frame();
        let r = frame.rect;
        let v = frame.view;
        let sx = (v.x[1] - v.x[0]) / r.w * self.scale;
        let sy = (v.y[1] - v.y[0]) / r.h * self.scale;
        self.set_view(View {
            x: [v.x[0] - dx * sx, v.x[1] - dx * sx],
            y: [v.y[0] + dy * sy, v.y[1] + dy * sy],
        })
    }

    /// Zooming or panning past the allowed window simply stops there. The
    /// window's edges are rounded to a hundredth of a CSS pixel of the plot
    /// (no binary noise in the link, and no slow zoom or pan lost).
    fn set_view(&mut self, v: View) -> Result<(), ConfigErrors> {
        let r = self.frame().rect;
        let round = |a: [f64; 2], px: f64| {
            let pixel = (a[1] - a[0]) / px * self.scale / 100.0;
            a.map(|e| round_to_pixel(e, pixel))
        };
        let v = View {
            x: round(v.x, r.w),
            y: round(v.y, r.h),
        };
        let inside = |a: [f64; 2]| START_RANGE.contains(a[0]) && START_RANGE.contains(a[1]);
        if v.x[1] - v.x[0] < MIN_VIEW_SIZE * 10.0
            || v.y[1] - v.y[0] < MIN_VIEW_SIZE * 10.0
            || !inside(v.x)
            || !inside(v.y)
        {
            return Ok(());
        }
        self.set("view", json!(v))
    }

    /// Sets the window the plot shows. A typed function's window is its own
    /// (`function.view`, where its minima are looked for), so it is set there
    /// and the plot shows it; any other function's is the experiment's `view`.
    pub fn set_window(&mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Result<(), ConfigErrors> {
        let window = json!({"x": [x0, x1], "y": [y0, y1]});
        if self.exp.function.typed.is_none() {
            return self.set("view", window);
        }
        let mut doc = self.doc();
        doc["function"]["view"] = window;
        doc.as_object_mut().map(|o| o.remove("view"));
        let exp = Experiment::from_value(&doc)?;
        self.replace(exp)
    }

    /// Types a new formula into the typed function: the parameters it still
    /// uses keep their values, new ones start at 1, and its window stays.
    /// On error nothing changes and the error names `function.expr`.
    pub fn set_formula(&mut self, text: &str) -> Result<(), ConfigErrors> {
        let old = self.exp.function.typed.as_deref();
        let expr =
            optiviz_expr::Expr::parse(text).map_err(|e| refused("function.expr", e.to_string()))?;
        let params: serde_json::Map<String, Value> = expr
            .params()
            .iter()
            .filter_map(|p| {
                let v = old?.params().find(|(n, _)| *n == p.as_str())?.1;
                Some((p.clone(), json!(v)))
            })
            .collect();
        let mut f = json!({"name": custom::CUSTOM.name, "expr": text, "params": params});
        if let Some(w) = old.and_then(|t| t.window) {
            f["view"] = json!(w);
        }
        self.set("function", f)
    }

    /// The window the plot shows, `[xmin, xmax, ymin, ymax]`.
    pub fn view_window(&self) -> [f64; 4] {
        let v = self.frame().view;
        [v.x[0], v.x[1], v.y[0], v.y[1]]
    }

    /// Back to the function's own view.
    pub fn reset_view(&mut self) -> Result<(), ConfigErrors> {
        let mut exp = self.exp.clone();
        exp.view = None;
        self.lock.check(&self.exp, &exp)?;
        self.exp = exp;
        Ok(())
    }

    // ------------------------------------------------------------ teaching

    /// Locks what `lock=` names; an error for each name that is not a part,
    /// the rest locked.
    pub fn set_lock(&mut self, text: &str) -> Vec<ConfigError> {
        let (mut lock, mut errors) = Lock::parse(text);
        errors.extend(lock.keep_optimizers(self.exp.optimizers.len()));
        self.lock = lock;
        errors
    }

    /// The locked parts (`function`, `o1`, `o2.lr`, …), for the page to
    /// disable their controls; `all` when everything but the view is.
    pub fn locked(&self) -> Vec<String> {
        let mut names = self.lock.names();
        if self.lock.all() {
            names.push("all".into());
        }
        names
    }

    /// `lock=`'s value for a link; empty when nothing is locked.
    pub fn lock_text(&self) -> String {
        self.lock.text()
    }

    // ------------------------------------------------------------ data

    /// Replaces a data model's rows with rows of `x,y` (or `x1,x2,y`) typed
    /// or pasted by the user; errors name the line. Standardizing stays as
    /// it was.
    pub fn set_data(&mut self, csv: &str) -> Result<(), ConfigErrors> {
        let kind = self.exp.function.def.model.ok_or_else(|| {
            refused("data", "only a model fitted to data (linear_regression, logistic_regression, least_squares_2d) takes rows")
        })?;
        let rows = optiviz_objectives::data::parse_csv(csv, kind).map_err(ConfigErrors::from)?;
        let mut doc = self.doc();
        let f = &mut doc["function"];
        if let Some(o) = f.as_object_mut() {
            o.remove("generate");
        }
        f["data"] = rows.rows_json();
        // A batch size past the new number of rows becomes the full batch.
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc)?)
    }

    /// The rows of a data model as `x,y` (or `x1,x2,y`) lines under a
    /// header, for editing: generated rows rounded to 6 significant digits
    /// (given rows as they are), features as given, before any
    /// standardizing; empty for a formula.
    pub fn data_csv(&self) -> String {
        let Some(d) = &self.exp.function.data else {
            return String::new();
        };
        let show = |v: f64| {
            if d.generated.is_some() {
                format!("{:.5e}", v).parse::<f64>().unwrap_or(v).to_string()
            } else {
                v.to_string()
            }
        };
        let two = d.features() == 2;
        let mut out = String::from(if two { "x1,x2,y\n" } else { "x,y\n" });
        for i in 0..d.len() {
            if two {
                out += &format!("{},{},{}\n", show(d.x[i]), show(d.x2[i]), show(d.y[i]));
            } else {
                out += &format!("{},{}\n", show(d.x[i]), show(d.y[i]));
            }
        }
        out
    }

    /// What the page says about the surface: `{gaps, model, rows, note,
    /// curvature, link, axes, network}` — whether part of the window has no
    /// value (hatched), the model's kind (or null), its number of rows, a
    /// note on the minima (why none is marked, or how they were found; or
    /// null), a note on a constant Hessian's eigenvalues and condition
    /// number (or null), why the experiment cannot be linked (or null), the
    /// names of the plot's axes, and a network's size and plane.
    pub fn info(&self) -> Value {
        // Whether part of the window has no value (drawn hatched): a coarse
        // look, for a typed function (the others have a value everywhere).
        let gaps = self.exp.function.typed.is_some() && {
            let mut coarse = Vec::new();
            let view = self.frame().view;
            optiviz_render::surface::sample_rows(&self.surf, view, 48, 48, 0..48, &mut coarse);
            coarse.iter().any(|v| !v.is_finite())
        };
        let network = self.exp.function.mlp.as_ref().map(|m| {
            json!({
                "params": m.net.count,
                "layers": m.net.layers.len(),
                "task": m.net.arch.task.key(),
                "explained": self.surf.network().map(|n| n.plane.explained),
                "plane": if m.plane == optiviz_objectives::mlp::PlaneKind::Random { "random" } else { "pca" },
            })
        });
        json!({
            "network": network,
            "gaps": gaps,
            "start_instead": self.start_instead(),
            "axes": figure::axis_names(&self.exp),
            "model": self.model_kind(),
            "rows": self.exp.function.rows(),
            "note": self.surf.minimum_note(),
            "curvature": self.surf.curvature_note(),
            "link": link::encode(&self.exp).err().map(|e| e.to_string()),
        })
    }

    /// Where the start could be when f has no value at it (a typed
    /// function's log or square root beside the start): the nearest point of
    /// the plot, on a 64 × 64 grid, where f and its gradient are finite
    /// around it too, rounded as a click is. `None` when the start is fine or no point is.
    pub fn start_instead(&self) -> Option<[f64; 2]> {
        if self.exp.function.mlp.is_some() {
            return None;
        }
        let fine = |p: [f64; 2]| {
            self.surf.value(p).is_finite() && self.surf.grad(p).iter().all(|g| g.is_finite())
        };
        let start = self.exp.start;
        if fine(start) {
            return None;
        }
        let v = self.frame().view;
        const N: usize = 64;
        // Well inside: every cell within REACH cells (a tenth of the plot)
        // has a value too, so that the first steps stay where f is defined.
        const REACH: usize = 6;
        let at = |k: usize, [a, b]: [f64; 2]| a + (b - a) * (k as f64 + 0.5) / N as f64;
        let ok: Vec<bool> = (0..N * N)
            .map(|c| fine([at(c % N, v.x), at(c / N, v.y)]))
            .collect();
        let inside = |i: usize, j: usize| {
            let span = |k: usize| k.saturating_sub(REACH)..=(k + REACH).min(N - 1);
            span(j).all(|b| span(i).all(|a| ok[b * N + a]))
        };
        let d2 = |p: [f64; 2]| (p[0] - start[0]).powi(2) + (p[1] - start[1]).powi(2);
        let best = (0..N)
            .flat_map(|i| (0..N).map(move |j| (i, j)))
            .filter(|&(i, j)| inside(i, j))
            .map(|(i, j)| [at(i, v.x), at(j, v.y)])
            .min_by(|&p, &q| d2(p).total_cmp(&d2(q)))?;
        Some([
            round_to_pixel(best[0], (v.x[1] - v.x[0]) / 1000.0),
            round_to_pixel(best[1], (v.y[1] - v.y[0]) / 1000.0),
        ])
    }

    /// The host, for a layer that draws.
    pub fn host(&self) -> &H {
        &self.host
    }
}
