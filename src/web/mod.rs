//! The browser side: [`App`] holds the one [`Experiment`] and its runs and draws
//! them on the page's canvases; the page's script wires DOM events to it and
//! keeps no copy of the state. Compiled for `wasm32` only: the core it calls
//! knows nothing of the DOM.

use crate::data::{self, ModelKind};
use crate::experiment::{Experiment, Surface, MIN_VIEW_SIZE, START_RANGE};
use crate::functions::{Objective, View};
use crate::render::contour::contour;
use crate::render::mathml::to_mathml;
use crate::render::plot::{self, Frame, LossAxis, PathStyle, Scale, Theme};
use crate::render::surface::{sample_rows, Grid};
use crate::run::{short, Status, Trajectory};
use crate::{functions, optim, output, query, scenarios};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Path colours by position, chosen to stand out on viridis and on a dark chart.
pub const PALETTE: [&str; 8] = [
    "#ff4d4d", "#ffffff", "#ff9f1c", "#ff5cf0", "#2ee6ff", "#b8ff3d", "#ffd23f", "#c9a0ff",
];

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Sets up panic reporting to the console before anything else runs.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Validates and runs an experiment given as a plain JavaScript object (the
/// JSON the CLI reads) and returns `{runs: [...]}` as the CLI prints it.
/// Errors are thrown as a string naming the field at fault.
#[wasm_bindgen(js_name = runExperiment)]
pub fn run_experiment(experiment: JsValue) -> Result<JsValue, JsValue> {
    let value: Value = serde_wasm_bindgen::from_value(experiment)
        .map_err(|e| JsValue::from_str(&format!("not an experiment object: {e}")))?;
    let exp = Experiment::from_value(&value).map_err(js_err)?;
    let runs = exp.run();
    Ok(to_js(&output::Runs { runs: &runs }))
}

/// Everything the page's controls are built from: functions and their
/// parameters, optimizers with their hyperparameters and update rules (as
/// MathML), schedules, scenarios and the colour palette.
#[wasm_bindgen]
pub fn catalogue() -> JsValue {
    let range = |r: crate::spec::Range| json!({"lo": r.lo, "lo_inclusive": r.lo_inclusive, "hi": r.hi, "hi_inclusive": r.hi_inclusive, "text": r.to_string()});
    let functions: Vec<Value> = functions::REGISTRY
        .iter()
        .map(|d| {
            json!({
                "name": d.name, "title": d.title, "about": d.about,
                "formula": to_mathml(d.formula), "formula_text": d.formula,
                "model": d.model.map(ModelKind::key),
                "params": d.params.iter().map(|p| json!({"name": p.name, "default": p.default, "range": range(p.range), "doc": p.doc})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let optimizers: Vec<Value> = optim::REGISTRY
        .iter()
        .map(|d| {
            let hyper: Vec<Value> = d
                .hyper
                .iter()
                .map(|h| {
                    let (kind, r, default) = match (h.kind, h.default) {
                        (optim::HyperKind::Number(r), optim::HyperValue::Number(x)) => ("number", Some(r), json!(x)),
                        (optim::HyperKind::Pair(r), optim::HyperValue::Pair(p)) => ("pair", Some(r), json!(p)),
                        (_, optim::HyperValue::Flag(b)) => ("flag", None, json!(b)),
                        _ => ("number", None, Value::Null),
                    };
                    json!({"name": h.name, "kind": kind, "default": default, "range": r.map(range), "doc": h.doc})
                })
                .collect();
            json!({
                "name": d.name, "title": d.title, "default_lr": d.default_lr, "hyper": hyper,
                "rule": d.rule.iter().map(|l| to_mathml(l)).collect::<Vec<_>>(),
                "rule_text": d.rule,
            })
        })
        .collect();
    let scenarios: Vec<Value> = scenarios::SCENARIOS
        .iter()
        .map(|s| json!({"id": s.id, "title": s.title, "lesson": s.lesson, "query": query::encode(&s.experiment()).expect("scenarios fit in a link")}))
        .collect();
    to_js(&json!({
        "functions": functions,
        "optimizers": optimizers,
        "schedules": [
            {"name": "step", "title": "Step (StepLR)", "keys": [["step_size", 30], ["gamma", 0.1]]},
            {"name": "exponential", "title": "Exponential (ExponentialLR)", "keys": [["gamma", 0.95]]},
            {"name": "cosine", "title": "Cosine (CosineAnnealingLR)", "keys": [["T_max", 100], ["eta_min", 0.0]]},
            {"name": "linear", "title": "Linear (LinearLR)", "keys": [["start_factor", 1.0 / 3.0], ["end_factor", 1.0], ["total_iters", 5]]},
            {"name": "inverse_time", "title": "Inverse time (1 / (1 + k t))", "keys": [["k", 0.05]]},
        ],
        "scenarios": scenarios,
        "generate": data::GENERATE_SPECS.iter().map(|p| json!({"name": p.name, "default": p.default, "range": p.range.to_string(), "doc": p.doc})).collect::<Vec<_>>(),
        "palette": PALETTE,
    }))
}

fn parse_color(hex: &str) -> RGBColor {
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255);
    RGBColor(c(1), c(3), c(5))
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| js_err("no 2d context"))?
        .dyn_into()
        .map_err(|_| js_err("not a 2d context"))
}

/// Sets a value at a path like `optimizers[1].betas` in a JSON document;
/// `null` removes the key.
fn set_path(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let mut parts: Vec<(String, Option<usize>)> = Vec::new();
    for seg in path.split('.') {
        match seg.split_once('[') {
            Some((key, idx)) => {
                let i = idx
                    .trim_end_matches(']')
                    .parse()
                    .map_err(|_| format!("{path}: bad index"))?;
                parts.push((key.to_string(), Some(i)));
            }
            None => parts.push((seg.to_string(), None)),
        }
    }
    let mut cur = doc;
    let last = parts.len() - 1;
    for (n, (key, idx)) in parts.into_iter().enumerate() {
        let obj = cur
            .as_object_mut()
            .ok_or_else(|| format!("{path}: not an object"))?;
        if n == last && idx.is_none() {
            if value.is_null() {
                obj.remove(&key);
            } else {
                obj.insert(key, value);
            }
            return Ok(());
        }
        let next = obj.entry(key).or_insert_with(|| json!({}));
        cur = match idx {
            Some(i) => next
                .as_array_mut()
                .and_then(|a| a.get_mut(i))
                .ok_or_else(|| format!("{path}: no such item"))?,
            None => next,
        };
    }
    Err(format!("{path}: cannot set"))
}

/// The page's state and drawing.
#[wasm_bindgen]
pub struct App {
    exp: Experiment,
    runs: Vec<Trajectory>,
    step: usize,
    /// The experiment's surface (function or model, with its L2 term),
    /// built once per change of the experiment.
    surf: Surface,
    surface: HtmlCanvasElement,
    paths: HtmlCanvasElement,
    chart: HtmlCanvasElement,
    data: HtmlCanvasElement,
    scale: f64,
    dark: bool,
    surface_cache: Option<SurfaceCache>,
    pending: Option<PendingGrid>,
}

/// The most surface evaluations, counted in rows of data, one full-detail
/// surface may take; a model over many rows is sampled more coarsely (the
/// raster is smoothed when scaled up).
const SURFACE_BUDGET: f64 = 4e6;

/// The surface layer's computed parts for one function, view and size.
struct SurfaceCache {
    key: String,
    /// The heatmap, already put into a canvas of its own size.
    raster: HtmlCanvasElement,
    segments: Vec<crate::render::contour::Segment>,
}

/// Contour levels drawn on the surface.
const CONTOUR_LEVELS: usize = 14;

/// The grid contours are traced on: every other sample of a fine grid gives
/// smooth lines for a quarter of the work.
fn contour_grid(grid: &Grid, coarse: bool) -> Grid {
    if coarse {
        grid.clone()
    } else {
        grid.subsample(2)
    }
}

impl SurfaceCache {
    fn new(key: String, grid: &Grid, coarse: bool) -> Result<SurfaceCache, JsValue> {
        let traced = contour_grid(grid, coarse);
        let mut segments = Vec::new();
        for level in grid.contour_levels(CONTOUR_LEVELS) {
            segments.extend(contour(&traced, level));
        }
        SurfaceCache::from_parts(key, grid, segments)
    }

    /// Puts the raster into a canvas of its own; the contours are given.
    fn from_parts(
        key: String,
        grid: &Grid,
        segments: Vec<crate::render::contour::Segment>,
    ) -> Result<SurfaceCache, JsValue> {
        let rgba = grid.rgba();
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&rgba),
            grid.width as u32,
            grid.height as u32,
        )?;
        let doc = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| js_err("no document"))?;
        let raster: HtmlCanvasElement = doc
            .create_element("canvas")?
            .dyn_into()
            .map_err(|_| js_err("canvas"))?;
        raster.set_width(grid.width as u32);
        raster.set_height(grid.height as u32);
        context(&raster)?.put_image_data(&image, 0.0, 0.0)?;
        Ok(SurfaceCache {
            key,
            raster,
            segments,
        })
    }
}

/// A full-detail surface being computed a piece at a time: rows of samples,
/// then contour levels, then the raster.
struct PendingGrid {
    key: String,
    values: Vec<f64>,
    /// Once every row is sampled: the grid, the grid contours are traced on,
    /// and the levels traced so far.
    sampled: Option<(Grid, Grid, Vec<f64>)>,
    segments: Vec<crate::render::contour::Segment>,
}

#[wasm_bindgen]
impl App {
    /// Binds the four canvases (surface, paths, loss chart, data panel);
    /// starts from the first scenario.
    #[wasm_bindgen(constructor)]
    pub fn new(
        surface: HtmlCanvasElement,
        paths: HtmlCanvasElement,
        chart: HtmlCanvasElement,
        data: HtmlCanvasElement,
    ) -> App {
        let exp = scenarios::SCENARIOS[0].experiment();
        let runs = exp.run();
        App {
            step: 0,
            runs,
            surf: exp.surface(),
            exp,
            surface,
            paths,
            chart,
            data,
            scale: 1.0,
            dark: false,
            surface_cache: None,
            pending: None,
        }
    }

    fn replace(&mut self, exp: Experiment) {
        self.surf = exp.surface();
        self.runs = exp.run_on(&self.surf);
        self.exp = exp;
        self.step = self.step.min(self.max_step());
    }

    /// Loads an experiment from a URL query. On error nothing changes and the
    /// error, naming the URL key, is thrown.
    #[wasm_bindgen(js_name = loadQuery)]
    pub fn load_query(&mut self, q: &str) -> Result<(), JsValue> {
        let exp = query::decode(q).map_err(js_err)?;
        self.replace(exp);
        Ok(())
    }

    /// Loads an experiment given as a plain object (the CLI's JSON).
    #[wasm_bindgen(js_name = setExperiment)]
    pub fn set_experiment(&mut self, obj: JsValue) -> Result<(), JsValue> {
        let value: Value = serde_wasm_bindgen::from_value(obj)
            .map_err(|e| js_err(format!("not an experiment object: {e}")))?;
        let exp = Experiment::from_value(&value).map_err(js_err)?;
        self.replace(exp);
        Ok(())
    }

    /// Loads a named scenario.
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(&mut self, id: &str) -> Result<(), JsValue> {
        let s = scenarios::lookup(id).ok_or_else(|| js_err(format!("no scenario \"{id}\"")))?;
        self.replace(s.experiment());
        self.step = 0;
        Ok(())
    }

    /// Changes one field, e.g. `optimizers[1].lr` or `function.params.b`, to a
    /// JSON value (`null` removes it). The experiment is validated as a whole;
    /// on error nothing changes and the error names the field.
    pub fn set(&mut self, path: &str, value: JsValue) -> Result<(), JsValue> {
        let value: Value = serde_wasm_bindgen::from_value(value).map_err(js_err)?;
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        set_path(&mut doc, path, value).map_err(js_err)?;
        if path.starts_with("function") {
            Experiment::fit_batches(&mut doc);
        }
        let exp = Experiment::from_value(&doc).map_err(js_err)?;
        // The view, a colour and the on/off switch change the picture, not the runs.
        let display_only = path == "view" || path.ends_with(".color") || path.ends_with(".enabled");
        if display_only {
            self.exp = exp;
        } else {
            self.replace(exp);
        }
        Ok(())
    }

    /// Switches to another function with its default parameters and view, and
    /// a start point inside that view.
    #[wasm_bindgen(js_name = setFunction)]
    pub fn set_function(&mut self, name: &str) -> Result<(), JsValue> {
        let def = functions::lookup(name)
            .ok_or_else(|| js_err(format!("function.name: unknown function \"{name}\"")))?;
        let view = (def.build)(&def.defaults()).view();
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        doc["function"] = json!({"name": name});
        if let Some(o) = doc.as_object_mut() {
            o.remove("view");
            // Batches belong to data, noise to formulas: what does not fit
            // the new function is dropped rather than refused.
            let key = if def.model.is_some() {
                "grad_noise"
            } else {
                "batch_size"
            };
            o.remove(key);
            for opt in o
                .get_mut("optimizers")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                opt.as_object_mut().map(|m| m.remove(key));
            }
        }
        doc["start"] = json!([
            view.x[0] + 0.2 * (view.x[1] - view.x[0]),
            view.y[0] + 0.8 * (view.y[1] - view.y[0])
        ]);
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc).map_err(js_err)?);
        self.step = 0;
        Ok(())
    }

    /// Adds an optimizer at torch's default learning rate.
    #[wasm_bindgen(js_name = addOptimizer)]
    pub fn add_optimizer(&mut self, name: &str) -> Result<(), JsValue> {
        let def =
            optim::lookup(name).ok_or_else(|| js_err(format!("unknown optimizer \"{name}\"")))?;
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        let list = doc["optimizers"]
            .as_array_mut()
            .ok_or_else(|| js_err("no optimizer list"))?;
        list.push(json!({"name": name, "lr": def.default_lr}));
        self.replace(Experiment::from_value(&doc).map_err(js_err)?);
        Ok(())
    }

    #[wasm_bindgen(js_name = removeOptimizer)]
    pub fn remove_optimizer(&mut self, index: usize) {
        if index < self.exp.optimizers.len() {
            let mut exp = self.exp.clone();
            exp.optimizers.remove(index);
            self.replace(exp);
        }
    }

    /// The experiment as a plain object (the CLI's JSON).
    pub fn experiment(&self) -> JsValue {
        to_js(&self.exp)
    }

    /// The query string for the current experiment; throws (naming `data`)
    /// when a given dataset is too large for a link.
    pub fn query(&self) -> Result<String, JsValue> {
        query::encode(&self.exp).map_err(js_err)
    }

    /// The experiment as JSON text, the file `optiviz run` reads.
    #[wasm_bindgen(js_name = experimentJson)]
    pub fn experiment_json(&self) -> String {
        serde_json::to_string_pretty(&self.exp).unwrap_or_default()
    }

    /// `{runs: [...]}` as the CLI prints it.
    pub fn runs(&self) -> JsValue {
        to_js(&output::Runs { runs: &self.runs })
    }

    pub fn csv(&self) -> String {
        output::to_csv(&self.runs)
    }

    pub fn json(&self) -> String {
        output::to_json(&self.runs)
    }

    /// The colour of optimizer `i`: its own, or the palette's.
    pub fn color(&self, i: usize) -> String {
        self.exp
            .optimizers
            .get(i)
            .and_then(|o| o.color.clone())
            .unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_string())
    }

    // ---------------------------------------------------------------- animation

    /// The last step any path reaches.
    #[wasm_bindgen(js_name = maxStep)]
    pub fn max_step(&self) -> usize {
        self.runs
            .iter()
            .map(|r| r.points.len().saturating_sub(1))
            .max()
            .unwrap_or(0)
            .max(self.exp.steps as usize)
    }

    #[wasm_bindgen(getter)]
    pub fn step(&self) -> usize {
        self.step
    }

    #[wasm_bindgen(setter)]
    pub fn set_step(&mut self, step: usize) {
        self.step = step.min(self.max_step());
    }

    /// Per optimizer at the current step: `{label, color, enabled, state, text}`.
    /// The text is the live status line a learner reads.
    pub fn statuses(&self) -> JsValue {
        let list: Vec<Value> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let last = r.points.len().saturating_sub(1);
                let k = self.step.min(last);
                let (state, text) = match &r.status {
                    Status::Converged { step, .. } | Status::Diverged { step, .. } | Status::Stopped { step, .. }
                        if *step <= self.step =>
                    {
                        let state = match r.status {
                            Status::Converged { .. } => "converged",
                            Status::Diverged { .. } => "diverged",
                            _ => "stopped",
                        };
                        (state, r.status.to_string())
                    }
                    _ => {
                        // Epochs completed by the step that reached point k.
                        let epoch = match k.checked_sub(1).and_then(|i| r.epochs.get(i)) {
                            Some(e) => format!(" · epoch {}", short(*e)),
                            None if !r.epochs.is_empty() => " · epoch 0".to_string(),
                            None => String::new(),
                        };
                        ("moving", format!("step {k}{epoch}, loss {}", short(r.losses[k])))
                    }
                };
                json!({"label": r.label, "color": self.color(i), "enabled": self.exp.optimizers[i].enabled, "state": state, "text": text})
            })
            .collect();
        to_js(&list)
    }

    // ---------------------------------------------------------------- drawing

    /// Sizes the canvases to their CSS size times the device pixel ratio.
    /// `sizes` are the CSS sizes [plot w, plot h, chart w, chart h, data w, data h].
    pub fn resize(&mut self, sizes: &[u32], dpr: f64) {
        let [plot_w, plot_h, chart_w, chart_h, data_w, data_h] = match sizes {
            [a, b, c, d, e, f] => [*a, *b, *c, *d, *e, *f],
            _ => return,
        };
        self.scale = dpr.clamp(1.0, 4.0);
        let d = |v: u32| ((v as f64) * self.scale).round().max(1.0) as u32;
        for c in [&self.surface, &self.paths] {
            c.set_width(d(plot_w));
            c.set_height(d(plot_h));
        }
        self.chart.set_width(d(chart_w));
        self.chart.set_height(d(chart_h));
        self.data.set_width(d(data_w));
        self.data.set_height(d(data_h));
    }

    #[wasm_bindgen(js_name = setDark)]
    pub fn set_dark(&mut self, dark: bool) {
        self.dark = dark;
    }

    fn theme(&self) -> Theme {
        if self.dark {
            Theme {
                background: RGBColor(0x16, 0x16, 0x1a),
                foreground: RGBColor(0xe8, 0xe8, 0xee),
            }
        } else {
            Theme {
                background: RGBColor(0xfb, 0xfb, 0xfd),
                foreground: RGBColor(0x1b, 0x1b, 0x1f),
            }
        }
    }

    /// What identifies a computed surface, and its size in samples: one per
    /// CSS pixel of the plotting rectangle, or per 4×4 when `coarse`.
    fn surface_key(&self, coarse: bool) -> (String, usize, usize) {
        let frame = self.frame();
        let (l, t, r, b) = frame.rect;
        let per_sample = if coarse { 4.0 } else { 1.0 } * self.scale;
        let (cw, ch) = (
            (((r - l) as f64) / per_sample).round().max(2.0) as usize,
            (((b - t) as f64) / per_sample).round().max(2.0) as usize,
        );
        // A model over many rows is sampled more coarsely.
        let cost = self.surf.cost() as f64 * (cw * ch) as f64 / if coarse { 16.0 } else { 1.0 };
        let thin = (cost / SURFACE_BUDGET).sqrt().max(1.0);
        let (cw, ch) = (
            ((cw as f64 / thin).round() as usize).max(2),
            ((ch as f64 / thin).round() as usize).max(2),
        );
        let f = &self.exp.function;
        let key = format!(
            "{}|{:?}|{:x}|{}|{}|{cw}x{ch}",
            f.def.name,
            f.params,
            f.data.as_ref().map_or(0, |d| d.fingerprint),
            self.exp.l2,
            serde_json::to_string(&frame.view).unwrap_or_default()
        );
        (key, cw, ch)
    }

    fn view(&self) -> View {
        self.exp.view.unwrap_or_else(|| self.surf.view())
    }

    fn frame(&self) -> Frame {
        Frame::new(
            self.surface.width(),
            self.surface.height(),
            Scale(self.scale),
            self.view(),
        )
    }

    /// Draws the surface layer: axes, the heatmap raster (one sample per CSS
    /// pixel, or per 4×4 CSS pixels when `coarse`, for a fast first frame and
    /// while dragging; put on the canvas in one call), contours and minima.
    /// Returns the milliseconds spent computing the raster and contours (0 when
    /// cached).
    #[wasm_bindgen(js_name = drawSurface)]
    pub fn draw_surface(&mut self, coarse: bool) -> Result<f64, JsValue> {
        let frame = self.frame();
        let (l, t, r, b) = frame.rect;
        let (key, cw, ch) = self.surface_key(coarse);
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map_or(0.0, |p| p.now());
        let t0 = now();
        let mut spent = 0.0;
        if self.surface_cache.as_ref().map(|c| &c.key) != Some(&key) {
            let grid = Grid::sample(&self.surf, frame.view, cw, ch);
            self.surface_cache = Some(SurfaceCache::new(key, &grid, coarse)?);
            spent = now() - t0;
        }
        let cache = self.surface_cache.as_ref().expect("just computed");
        let backend = CanvasBackend::with_canvas_object(self.surface.clone())
            .ok_or_else(|| js_err("canvas backend"))?;
        let root = backend.into_drawing_area();
        let axes = if self.exp.function.def.model.is_some() {
            ["w", "b"]
        } else {
            ["x", "y"]
        };
        plot::draw_axes(&root, &frame, self.theme(), Scale(self.scale), axes).map_err(js_err)?;
        // The raster, one sample per CSS pixel (or 2×2), scaled into the plotting rectangle.
        let ctx = context(&self.surface)?;
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &cache.raster,
            l as f64,
            t as f64,
            (r - l) as f64,
            (b - t) as f64,
        )?;
        let segments = &cache.segments;
        let minima = self.surf.minima();
        ctx.save();
        ctx.begin_path();
        ctx.rect(l as f64, t as f64, (r - l) as f64, (b - t) as f64);
        ctx.clip();
        // All contour segments in one path and one stroke.
        ctx.begin_path();
        for s in segments {
            let (x0, y0) = frame.to_px(s[0]);
            let (x1, y1) = frame.to_px(s[1]);
            ctx.move_to(x0, y0);
            ctx.line_to(x1, y1);
        }
        ctx.set_stroke_style_str("rgba(255, 255, 255, 0.35)");
        ctx.set_line_width(self.scale.max(1.0));
        ctx.stroke();
        plot::draw_minima(&root, &frame, &minima, Scale(self.scale)).map_err(js_err)?;
        ctx.restore();
        root.present().map_err(js_err)?;
        Ok(spent)
    }

    /// Computes the full-detail surface a piece at a time (`rows` rows of
    /// samples, or two contour levels, or the raster), so a page can spread the
    /// work over several tasks; true once it is ready (the next
    /// `drawSurface(false)` then only draws).
    #[wasm_bindgen(js_name = refineSurface)]
    pub fn refine_surface(&mut self, rows: usize) -> Result<bool, JsValue> {
        let (key, cw, ch) = self.surface_key(false);
        if self.surface_cache.as_ref().map(|c| &c.key) == Some(&key) {
            return Ok(true);
        }
        if self.pending.as_ref().map(|p| &p.key) != Some(&key) {
            self.pending = Some(PendingGrid {
                key: key.clone(),
                values: Vec::with_capacity(cw * ch),
                sampled: None,
                segments: Vec::new(),
            });
        }
        let view = self.view();
        let pending = self.pending.as_mut().expect("just set");
        match &mut pending.sampled {
            None => {
                let done_rows = pending.values.len() / cw;
                let until = (done_rows + rows.max(1)).min(ch);
                sample_rows(
                    &self.surf,
                    view,
                    cw,
                    ch,
                    done_rows..until,
                    &mut pending.values,
                );
                if until == ch {
                    let grid = Grid::from_values(view, cw, ch, std::mem::take(&mut pending.values));
                    let traced = contour_grid(&grid, false);
                    let mut levels = grid.contour_levels(CONTOUR_LEVELS);
                    levels.reverse();
                    pending.sampled = Some((grid, traced, levels));
                }
                Ok(false)
            }
            Some((_, traced, levels)) if !levels.is_empty() => {
                for _ in 0..2 {
                    if let Some(level) = levels.pop() {
                        pending.segments.extend(contour(traced, level));
                    }
                }
                Ok(false)
            }
            Some(_) => {
                let pending = self.pending.take().expect("pending");
                let (grid, _, _) = pending.sampled.expect("sampled");
                self.surface_cache = Some(SurfaceCache::from_parts(key, &grid, pending.segments)?);
                Ok(true)
            }
        }
    }

    fn path_styles(&self) -> Vec<PathStyle<'_>> {
        self.runs
            .iter()
            .enumerate()
            .filter(|(i, _)| self.exp.optimizers[*i].enabled)
            .map(|(i, run)| PathStyle {
                run,
                color: parse_color(&self.color(i)),
            })
            .collect()
    }

    /// Draws the path layer (transparent, over the surface) at the current step.
    #[wasm_bindgen(js_name = drawPaths)]
    pub fn draw_paths(&self) -> Result<(), JsValue> {
        let ctx = context(&self.paths)?;
        let (w, h) = (self.paths.width() as f64, self.paths.height() as f64);
        ctx.clear_rect(0.0, 0.0, w, h);
        let frame = self.frame();
        let (l, t, r, b) = frame.rect;
        ctx.save();
        ctx.begin_path();
        ctx.rect(l as f64, t as f64, (r - l) as f64, (b - t) as f64);
        ctx.clip();
        let backend = CanvasBackend::with_canvas_object(self.paths.clone())
            .ok_or_else(|| js_err("canvas backend"))?;
        let root = backend.into_drawing_area();
        let styles = self.path_styles();
        plot::draw_paths(&root, &frame, &styles, self.step, Scale(self.scale)).map_err(js_err)?;
        // A dot per step: one path and one fill per optimizer.
        let radius = 2.0 * self.scale;
        for p in &styles {
            ctx.begin_path();
            for (x, y) in plot::step_dots(&frame, p.run, self.step, radius) {
                ctx.move_to(x + radius, y);
                ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU)?;
            }
            let RGBColor(r, g, b) = p.color;
            ctx.set_fill_style_str(&format!("rgb({r}, {g}, {b})"));
            ctx.fill();
        }
        // The start handle stays on top of every path.
        plot::draw_start(&root, &frame, self.exp.start, Scale(self.scale)).map_err(js_err)?;
        ctx.restore();
        Ok(())
    }

    /// Draws the chart of loss against step.
    #[wasm_bindgen(js_name = drawChart)]
    pub fn draw_chart(&self) -> Result<(), JsValue> {
        let backend = CanvasBackend::with_canvas_object(self.chart.clone())
            .ok_or_else(|| js_err("canvas backend"))?;
        let root = backend.into_drawing_area();
        let minima = self.surf.minima();
        let axis = match minima.iter().map(|m| m.value).reduce(f64::min) {
            Some(fstar) => LossAxis::GapLog { fstar },
            None => LossAxis::Linear,
        };
        // Dark in both page themes, so that every path colour reads on it.
        let theme = Theme {
            background: RGBColor(0x1c, 0x1c, 0x24),
            foreground: RGBColor(0xe8, 0xe8, 0xee),
        };
        plot::draw_loss_chart(
            &root,
            &self.path_styles(),
            self.max_step(),
            self.step,
            axis,
            theme,
            Scale(self.scale),
        )
        .map_err(js_err)?;
        root.present().map_err(js_err)?;
        Ok(())
    }

    /// Replaces a data model's rows with rows of `x,y` typed or pasted by
    /// the user; errors name the line.
    #[wasm_bindgen(js_name = setData)]
    pub fn set_data(&mut self, csv: &str) -> Result<(), JsValue> {
        let kind = self.exp.function.def.model.ok_or_else(|| {
            js_err("data: only linear_regression and logistic_regression take data")
        })?;
        let (x, y) = data::parse_csv(csv, kind).map_err(js_err)?;
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        let f = &mut doc["function"];
        if let Some(o) = f.as_object_mut() {
            o.remove("generate");
        }
        f["data"] = json!({"x": x, "y": y});
        // A batch size past the new number of rows becomes the full batch.
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc).map_err(js_err)?);
        Ok(())
    }

    /// The rows of a data model as `x,y` lines for editing, generated rows
    /// rounded to 6 significant digits (given rows as they are); empty for a
    /// formula.
    #[wasm_bindgen(js_name = dataCsv)]
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
        let mut out = String::from("x,y\n");
        for (x, y) in d.x.iter().zip(&d.y) {
            out += &format!("{},{}\n", show(*x), show(*y));
        }
        out
    }

    /// What the page says about the surface: `{model, rows, note, link}` —
    /// the model's kind (or null), its number of rows, why no minimum is
    /// marked (or null), and why the experiment cannot be linked (or null).
    pub fn info(&self) -> JsValue {
        to_js(&json!({
            "model": self.exp.function.def.model.map(ModelKind::key),
            "rows": self.exp.function.rows(),
            "note": self.surf.minimum_note(),
            "link": query::encode(&self.exp).err().map(|e| e.to_string()),
        }))
    }

    /// Draws the data panel: the rows, and each shown optimizer's model at
    /// the current step — its line (linear regression) or its sigmoid and
    /// decision boundary (logistic regression). Blank for formula functions.
    #[wasm_bindgen(js_name = drawData)]
    pub fn draw_data(&self) -> Result<(), JsValue> {
        let ctx = context(&self.data)?;
        let (w, h) = (self.data.width(), self.data.height());
        let (Some(model), Some(d)) = (self.exp.function.def.model, &self.exp.function.data) else {
            ctx.clear_rect(0.0, 0.0, w as f64, h as f64);
            return Ok(());
        };
        let view = data::data_view(d, model);
        let frame = Frame::new(w, h, Scale(self.scale), view);
        let theme = Theme {
            background: RGBColor(0x1c, 0x1c, 0x24),
            foreground: RGBColor(0xe8, 0xe8, 0xee),
        };
        let backend = CanvasBackend::with_canvas_object(self.data.clone())
            .ok_or_else(|| js_err("canvas backend"))?;
        let root = backend.into_drawing_area();
        let y_name = match model {
            ModelKind::Linear => "y",
            ModelKind::Logistic => "y, P(y = 1)",
        };
        plot::draw_axes(&root, &frame, theme, Scale(self.scale), ["x", y_name]).map_err(js_err)?;
        let (l, t, r, b) = frame.rect;
        ctx.save();
        ctx.begin_path();
        ctx.rect(l as f64, t as f64, (r - l) as f64, (b - t) as f64);
        ctx.clip();
        // The rows: one path, one fill; smaller and fainter when there are many.
        let radius = if d.len() > 1000 { 1.5 } else { 3.0 } * self.scale;
        ctx.begin_path();
        for (x, y) in d.x.iter().zip(&d.y) {
            let (px, py) = frame.to_px([*x, *y]);
            ctx.move_to(px + radius, py);
            ctx.arc(px, py, radius, 0.0, std::f64::consts::TAU)?;
        }
        ctx.set_fill_style_str(if d.len() > 1000 {
            "rgba(170, 180, 210, 0.45)"
        } else {
            "rgba(170, 180, 210, 0.8)"
        });
        ctx.fill();
        // Each shown optimizer's model at the current step.
        let steps = 160;
        let xs: Vec<f64> = (0..=steps)
            .map(|i| view.x[0] + (view.x[1] - view.x[0]) * i as f64 / steps as f64)
            .collect();
        ctx.set_line_width(2.0 * self.scale);
        for style in self.path_styles() {
            let run = style.run;
            let Some(&[pw, pb]) = run
                .points
                .get(self.step.min(run.points.len().saturating_sub(1)))
            else {
                continue;
            };
            let RGBColor(cr, cg, cb) = style.color;
            ctx.set_stroke_style_str(&format!("rgb({cr}, {cg}, {cb})"));
            ctx.set_line_dash(&js_sys::Array::new())?;
            ctx.begin_path();
            for (i, &x) in xs.iter().enumerate() {
                let z = pw * x + pb;
                let y = match model {
                    ModelKind::Linear => z,
                    ModelKind::Logistic => 1.0 / (1.0 + (-z).exp()),
                };
                // Keep far-off values finite for the canvas.
                let (px, py) = frame.to_px([
                    x,
                    y.clamp(
                        view.y[0] - 1e3 * (view.y[1] - view.y[0]),
                        view.y[1] + 1e3 * (view.y[1] - view.y[0]),
                    ),
                ]);
                if i == 0 {
                    ctx.move_to(px, py);
                } else {
                    ctx.line_to(px, py);
                }
            }
            ctx.stroke();
            if model == ModelKind::Logistic && pw != 0.0 {
                // The decision boundary, where P(y = 1) = 1/2.
                let x0 = -pb / pw;
                if x0 > view.x[0] && x0 < view.x[1] {
                    let dash =
                        js_sys::Array::of2(&(5.0 * self.scale).into(), &(4.0 * self.scale).into());
                    ctx.set_line_dash(&dash)?;
                    let (px, _) = frame.to_px([x0, 0.0]);
                    ctx.begin_path();
                    ctx.move_to(px, t as f64);
                    ctx.line_to(px, b as f64);
                    ctx.stroke();
                }
            }
        }
        ctx.restore();
        root.present().map_err(js_err)?;
        Ok(())
    }

    // ---------------------------------------------------------------- pointer

    /// The data point under a CSS pixel of the plot, or `undefined` outside
    /// the plotting rectangle.
    pub fn pick(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        let frame = self.frame();
        let (x, y) = (css_x * self.scale, css_y * self.scale);
        frame
            .contains_px(x, y)
            .then(|| frame.to_data(x, y).to_vec())
    }

    /// Whether a CSS pixel is on the start handle.
    #[wasm_bindgen(js_name = nearStart)]
    pub fn near_start(&self, css_x: f64, css_y: f64) -> bool {
        let (x, y) = self.frame().to_px(self.exp.start);
        ((x / self.scale - css_x).powi(2) + (y / self.scale - css_y).powi(2)).sqrt() <= 12.0
    }

    /// Moves the start point to a data point (rounded to 4 significant digits of the view).
    #[wasm_bindgen(js_name = moveStart)]
    pub fn move_start(&mut self, x: f64, y: f64) -> Result<(), JsValue> {
        let v = self.view();
        let round = |a: f64, span: f64| {
            let q = 10f64.powf((span / 1e4).log10().floor());
            (a / q).round() * q
        };
        let p = [round(x, v.x[1] - v.x[0]), round(y, v.y[1] - v.y[0])];
        self.set("start", to_js(&p))
    }

    /// Zooms by `factor` (< 1 zooms in) about a CSS pixel of the plot.
    pub fn zoom(&mut self, css_x: f64, css_y: f64, factor: f64) -> Result<(), JsValue> {
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
    pub fn pan(&mut self, dx: f64, dy: f64) -> Result<(), JsValue> {
        let frame = self.frame();
        let (l, t, r, b) = frame.rect;
        let v = frame.view;
        let sx = (v.x[1] - v.x[0]) / (r - l) as f64 * self.scale;
        let sy = (v.y[1] - v.y[0]) / (b - t) as f64 * self.scale;
        self.set_view(View {
            x: [v.x[0] - dx * sx, v.x[1] - dx * sx],
            y: [v.y[0] + dy * sy, v.y[1] + dy * sy],
        })
    }

    /// Zooming or panning past the allowed window simply stops there.
    fn set_view(&mut self, v: View) -> Result<(), JsValue> {
        let inside = |a: [f64; 2]| START_RANGE.contains(a[0]) && START_RANGE.contains(a[1]);
        if v.x[1] - v.x[0] < MIN_VIEW_SIZE * 10.0
            || v.y[1] - v.y[0] < MIN_VIEW_SIZE * 10.0
            || !inside(v.x)
            || !inside(v.y)
        {
            return Ok(());
        }
        self.set("view", to_js(&v))
    }

    /// Back to the function's own view.
    #[wasm_bindgen(js_name = resetView)]
    pub fn reset_view(&mut self) {
        self.exp.view = None;
    }
}
