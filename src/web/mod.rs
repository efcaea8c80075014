//! The browser side: [`App`] holds the one [`Experiment`] and its runs and draws
//! them on the page's canvases; the page's script wires DOM events to it and
//! keeps no copy of the state. Compiled for `wasm32` only: the core it calls
//! knows nothing of the DOM.

mod canvas;
mod chart_view;
mod data_view;
mod paths_layer;
mod recording;
mod relief_view;
mod surface_layer;

use crate::app::inspect::{self, ADAPTIVE};
use crate::app::lock::Lock;
use crate::experiment::edit::set_path;
use crate::experiment::experiment::{default_start, Experiment, MIN_VIEW_SIZE, START_RANGE};
use crate::objectives::data::{self, ModelKind};
use crate::objectives::objective::{Objective, View};
use crate::optim::schedule::KeyKind;
use crate::render::chart::LossAxis;
use crate::render::chart::Series;
use crate::render::figure::{self, FigureOptions};
use crate::render::frame::{round_to_pixel, Frame, Scale, Theme};
use crate::render::mathml::{to_mathml, to_wrapping_html};
use crate::render::plot::{Arrows, PathArt};
use crate::render::relief::Angle;

use crate::app::lessons;
use crate::app::quiz::Quiz;
use crate::app::scenarios;
use crate::engine::trajectory::{Record, Trajectory};
use crate::engine::{output, Runs};
use crate::experiment::link as query;
use crate::objectives::functions;
use crate::objectives::functions::custom;
use crate::objectives::surface::Surface;
use crate::optim;
use crate::render::paint::Painter;
use canvas::{CanvasPainter, Raster};
use serde::Serialize;
use serde_json::{json, Value};
use surface_layer::{SurfaceInput, SurfaceLayer};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A JSON value as a JavaScript one, through its text: for a large tree (the
/// catalogue) the browser's `JSON.parse` is many times faster than `to_js`,
/// which calls into JavaScript for every node; every `json!` object the page
/// gets goes this way. (A `Value` holds no NaN or infinity, so the two give
/// the same object.)
fn json_to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
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
    Ok(to_js(&output::Runs {
        runs: &runs,
        plane: None,
    }))
}

/// The query keys that are the page's own (`embed`, `play`, `speed`), not
/// the experiment's.
#[wasm_bindgen(js_name = pageKeys)]
pub fn page_keys() -> JsValue {
    to_js(query::PAGE_KEYS)
}

/// A question for the page: `{predict: N}` or `{question, choices,
/// answer}` (N and answer from 1), or null.
fn quiz_json(quiz: &Quiz) -> Value {
    match quiz {
        Quiz::None => Value::Null,
        Quiz::Predict(n) => json!({"predict": n}),
        Quiz::Choose {
            question,
            choices,
            answer,
        } => json!({"question": question, "choices": choices, "answer": answer}),
    }
}

/// Everything the page's controls are built from: functions and their
/// parameters, optimizers with their hyperparameters and update rules (as
/// MathML), schedules and scenarios.
#[wasm_bindgen]
pub fn catalogue() -> JsValue {
    let range = |r: crate::base::spec::Range| json!({"lo": r.lo, "lo_inclusive": r.lo_inclusive, "hi": r.hi, "hi_inclusive": r.hi_inclusive, "text": r.to_string()});
    let functions: Vec<Value> = functions::REGISTRY
        .iter()
        .map(|d| {
            json!({
                "name": d.name, "title": d.title, "about": d.about,
                "formula": to_mathml(d.formula), "formula_text": d.formula,
                "model": d.model.map(ModelKind::key),
                // A model's generated data: its keys, in the order links list them.
                "generate": d.model.map(|k| k.generate_specs().iter().map(|p| json!({"name": p.name, "default": p.default, "range": p.range.to_string(), "doc": p.doc})).collect::<Vec<_>>()),
                "params": d.params.iter().map(|p| json!({"name": p.name, "default": p.default, "range": range(p.range), "doc": p.doc})).collect::<Vec<_>>(),
            })
        })
        .chain(std::iter::once(network_entry()))
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
                        (optim::HyperKind::AutoPair(r), optim::HyperValue::AutoPair(a, b)) => ("auto_pair", Some(r), json!([a, b])),
                        (_, optim::HyperValue::Flag(b)) => ("flag", None, json!(b)),
                        (optim::HyperKind::Count { .. }, optim::HyperValue::Count(n)) => ("count", None, json!(n)),
                        (optim::HyperKind::Choice(_), optim::HyperValue::Choice(c)) => ("choice", None, json!(c)),
                        _ => ("number", None, Value::Null),
                    };
                    let mut v = json!({"name": h.name, "kind": kind, "default": default, "range": r.map(range), "doc": h.doc, "parts": h.parts});
                    match h.kind {
                        optim::HyperKind::Count { min, max, none } => {
                            v["min"] = json!(min);
                            v["max"] = json!(max);
                            v["none"] = json!(none);
                        }
                        optim::HyperKind::Choice(names) => v["choices"] = json!(names),
                        _ => {}
                    }
                    v
                })
                .collect();
            json!({
                "name": d.name, "title": d.title, "default_lr": d.default_lr, "hyper": hyper,
                // Whether a cyclic or one-cycle schedule can cycle its momentum or β₁.
                "momentum": d.has_momentum(),
                "rule": d.rule.iter().map(|l| to_mathml(l)).collect::<Vec<_>>(),
                "rule_text": d.rule,
            })
        })
        .collect();
    // A key is a number unless its "kind" says otherwise (a choice among
    // "choices", a flag, a list of step numbers, or a sequence's schedules).
    let schedules: Vec<Value> = optim::schedule::SCHEDULES
        .iter()
        .map(|d| {
            let keys: Vec<Value> = d
                .keys
                .iter()
                .map(|k| {
                    let mut key =
                        json!({"name": k.name, "default": k.default.to_json(), "doc": k.doc});
                    match k.kind {
                        KeyKind::Number => {}
                        KeyKind::Choice(choices) => {
                            key["kind"] = json!("choice");
                            key["choices"] = json!(choices);
                        }
                        KeyKind::Flag => key["kind"] = json!("flag"),
                        KeyKind::List => key["kind"] = json!("list"),
                        KeyKind::Schedules => key["kind"] = json!("schedules"),
                    }
                    if k.required {
                        key["required"] = json!(true);
                    }
                    key
                })
                .collect();
            json!({"name": d.name, "title": d.title, "about": d.about, "keys": keys})
        })
        .collect();
    let scenarios: Vec<Value> = scenarios::SCENARIOS
        .iter()
        .zip(scenarios::computed_queries())
        .map(|(s, computed)| json!({"id": s.id, "title": s.title, "lesson": s.lesson, "quiz": quiz_json(&scenarios::asks(s.id)),
            "query": query::encode(&s.experiment()).expect("scenarios fit in a link"),
            "computed": computed}))
        .collect();
    let lessons: Vec<Value> = lessons::LESSONS
        .iter()
        .map(|l| {
            let parts: Vec<Value> = l
                .parts
                .iter()
                .map(|p| {
                    json!({"title": p.title, "text": p.text, "reveal": p.reveal, "quiz": quiz_json(&p.quiz),
                        "computed": query::encode(&p.experiment().computed()).expect("lesson parts fit in a link")})
                })
                .collect();
            json!({"id": l.id, "title": l.title, "parts": parts})
        })
        .collect();
    json_to_js(&json!({
        "functions": functions,
        "optimizers": optimizers,
        "schedules": schedules,
        "scenarios": scenarios,
        "lessons": lessons,
        "typed": {"functions": crate::expr::FUNCTIONS, "max_len": crate::expr::MAX_LEN, "max_params": crate::expr::MAX_PARAMS},
    }))
}

/// The network's entry in the catalogue's functions: what its controls offer.
fn network_entry() -> Value {
    use crate::experiment::network as d;
    use crate::objectives::mlp::{datasets::Pattern, init::Init, net::Activation};
    let d_ = &crate::objectives::mlp::MLP;
    json!({
        "name": d_.name, "title": d_.title, "about": d_.about,
        "formula": to_mathml(d_.formula), "formula_text": d_.formula,
        "model": Value::Null, "generate": Value::Null, "params": [],
        "network": {
            "activations": Activation::ALL.map(Activation::key),
            "inits": Init::ALL.map(Init::key),
            "datasets": Pattern::ALL.map(Pattern::key),
            "max_hidden": crate::objectives::mlp::MAX_HIDDEN,
            "max_width": crate::objectives::mlp::MAX_WIDTH,
            "max_params": crate::objectives::mlp::MAX_PARAMS,
            "max_rows": crate::objectives::mlp::MAX_ROWS,
            "default_hidden": d::DEFAULT_HIDDEN,
            "default_rows": {"n": d::DEFAULT_ROWS.0, "noise": d::DEFAULT_ROWS.1, "seed": d::DEFAULT_ROWS.2},
        },
    })
}

/// The engine's reading of a typed formula, for the page's box as the user
/// types: `{ok: true, params, f, dfdx, dfdy, f_text, dfdx_text, dfdy_text}`
/// with f and its partial derivatives as MathML and as plain text (a
/// derivative too long to show is null), or `{ok: false, column, message}`
/// with the 1-based column at fault (null when the whole text is) and what
/// to do.
#[wasm_bindgen(js_name = checkFormula)]
pub fn check_formula(text: &str) -> JsValue {
    let expr = match crate::expr::Expr::parse(text) {
        Ok(e) => e,
        Err(e) => {
            return json_to_js(&json!({"ok": false, "column": e.column, "message": e.message}))
        }
    };
    let s = crate::expr::symbolic::Symbolic::of(&expr);
    let show = |part: &Option<crate::expr::symbolic::Formula>| {
        part.as_ref().map_or((Value::Null, Value::Null), |p| {
            (json!(p.mathml()), json!(p.plain()))
        })
    };
    let (f, f_text) = show(&s.f);
    let (dfdx, dfdx_text) = show(&s.dfdx);
    let (dfdy, dfdy_text) = show(&s.dfdy);
    json_to_js(&json!({
        "ok": true, "params": expr.params(),
        "f": f, "dfdx": dfdx, "dfdy": dfdy,
        "f_text": f_text, "dfdx_text": dfdx_text, "dfdy_text": dfdy_text,
    }))
}

/// A sweep's learning rates, and per optimizer its final losses and divergences.
type SweepLines = (
    Vec<f64>,
    std::collections::BTreeMap<usize, (Vec<f64>, Vec<bool>)>,
);
/// The sweep chart as drawn: its frame, its axis and the optimizers whose
/// lines it shows.
type SweepPicks = (crate::render::sweep_chart::SweepFrame, LossAxis, Vec<usize>);

/// The experiment a worker is mapping, parsed once: its JSON, the
/// experiment, its surface and minima.
type Mapped = (String, Experiment, Surface, Vec<[f64; 2]>);

thread_local! {
    static MAPPED: std::cell::RefCell<Option<Mapped>> = const { std::cell::RefCell::new(None) };
}

/// Rows `row0..row1` of a basin map of the experiment `json` (its text, as
/// `experimentJson` gives it): `grid` × `grid` starts over `[x0, x1] ×
/// [y0, y1]`. Returns `{runs: [{outcome, steps}]}` with those rows' cells,
/// as `optiviz basins` computes them. For the page's workers: each computes
/// a slice of the map.
#[wasm_bindgen(js_name = basinRows)]
#[allow(clippy::too_many_arguments)]
pub fn basin_rows(
    json: &str,
    grid: usize,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    row0: usize,
    row1: usize,
) -> Result<JsValue, JsValue> {
    with_mapped(json, |exp, surf, minima| {
        let view = View {
            x: [x0, x1],
            y: [y0, y1],
        };
        let grid = grid.clamp(1, crate::engine::sweep::MAX_GRID);
        let rows = row0.min(grid)..row1.min(grid);
        let runs = crate::engine::sweep::basin_rows(exp, surf, minima, grid, view, rows);
        json_to_js(&json!({"runs": runs}))
    })
}

/// `f` on the experiment `json`, parsed once for as long as it stays the same.
fn with_mapped(
    json: &str,
    f: impl FnOnce(&Experiment, &Surface, &[[f64; 2]]) -> JsValue,
) -> Result<JsValue, JsValue> {
    MAPPED.with(|m| {
        let mut m = m.borrow_mut();
        if m.as_ref().map(|c| c.0.as_str()) != Some(json) {
            let exp = Experiment::from_json(json).map_err(js_err)?;
            let surf = exp.surface();
            let minima = surf.minima().iter().map(|m| m.point).collect();
            *m = Some((json.to_string(), exp, surf, minima));
        }
        let (_, exp, surf, minima) = m.as_ref().expect("just set");
        Ok(f(exp, surf, minima))
    })
}

/// Optimizer `optimizer` of the experiment `json` at each of `lrs`, only its
/// learning rate changed: `{final_loss, best_loss, status}` as `optiviz
/// sweep` gives them. For the page's workers: each takes a few rates.
#[wasm_bindgen(js_name = sweepRuns)]
pub fn sweep_runs(json: &str, optimizer: usize, lrs: &[f64]) -> Result<JsValue, JsValue> {
    with_mapped(json, |exp, surf, _| {
        if optimizer >= exp.optimizers.len() {
            return JsValue::NULL;
        }
        to_js(&crate::engine::sweep::sweep_one(exp, surf, optimizer, lrs))
    })
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

/// What the page keeps of each run: a network's parameters at every step
/// too, for its panel.
fn page_record(exp: &Experiment) -> Record {
    Record {
        params: exp.function.mlp.is_some(),
        ..Record::default()
    }
}

/// A network's landscape over `view` (`[xmin, xmax, ymin, ymax]`), rows
/// `row0..row1` of a `width` × `height` grid, as the surface layer samples
/// it: for the page's workers. `plane` is the plane's origin and two
/// directions one after the other; the experiment gives the network, its
/// rows and its L2 term.
#[wasm_bindgen(js_name = landscapeRows)]
#[allow(clippy::too_many_arguments)]
pub fn landscape_rows(
    json: &str,
    plane: &[f64],
    view: &[f64],
    width: usize,
    height: usize,
    row0: usize,
    row1: usize,
) -> Result<Vec<f64>, JsValue> {
    let exp = Experiment::from_json(json).map_err(js_err)?;
    let model = exp
        .function
        .mlp
        .clone()
        .ok_or_else(|| js_err("landscapeRows: not a network's experiment"))?;
    let n = model.net.count;
    if plane.len() != 3 * n || view.len() != 4 || row0 > row1 || row1 > height {
        return Err(js_err(
            "landscapeRows: the plane, window or rows do not fit the network",
        ));
    }
    let plane = crate::objectives::mlp::plane::Plane {
        origin: plane[..n].to_vec(),
        directions: [plane[n..2 * n].to_vec(), plane[2 * n..].to_vec()],
        explained: f64::NAN,
    };
    let surface = crate::objectives::mlp::surface::NetSurface::new(model, plane, exp.l2, &[]);
    let view = View {
        x: [view[0], view[1]],
        y: [view[2], view[3]],
    };
    let mut out = Vec::with_capacity(width * (row1 - row0));
    crate::render::surface::sample_rows(&surface, view, width, height, row0..row1, &mut out);
    Ok(out)
}

/// The most samples a network's landscape takes (100 × 100 on a square
/// plot), fewer for a network whose samples cost more than this budget
/// (in the surfaces' cost units) allows, but never fewer than 24 × 24.
const LANDSCAPE_SAMPLES: f64 = 10_000.0;
const LANDSCAPE_BUDGET: f64 = 2e8;
const LANDSCAPE_LEAST: f64 = 576.0;

/// What the surface layer draws from.
fn surface_input<'a>(
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

/// The page's state and drawing.
#[wasm_bindgen]
pub struct App {
    exp: Experiment,
    runs: Vec<Trajectory>,
    step: usize,
    /// The experiment's surface (function or model, with its L2 term),
    /// built once per change of the experiment.
    surf: Surface,
    surface: SurfaceLayer,
    paths: HtmlCanvasElement,
    chart: HtmlCanvasElement,
    data: HtmlCanvasElement,
    scale: f64,
    dark: bool,
    /// The runs again with each optimizer's state and gradients, made when
    /// the inspector, the arrows or a chart of the state first asks after a
    /// change (a plain run records none of it).
    detail: std::cell::OnceCell<Vec<Trajectory>>,
    /// Whether the plot shows each optimizer's arrows.
    arrows: bool,
    /// Whether the plot shows the curvature ellipse at each current point.
    curvature: bool,
    /// The learning-rate sweep: its rates and, per optimizer index, each
    /// rate's final loss and whether it diverged.
    sweep: SweepLines,
    /// Where the sweep chart was last drawn, its axis and lines, for clicks.
    sweep_frame: std::cell::RefCell<Option<SweepPicks>>,
    /// The basin map shown over the surface, if any: its image (a pixel a
    /// cell) and the window it covers.
    basins: Option<(Raster, View)>,
    /// The typed function last left for another, to come back to.
    typed: Option<Value>,
    /// The plot in relief, seen from this angle; `None` for the flat map.
    relief: Option<Angle>,
    /// The relief's mesh and raster, kept between frames.
    relief_view: Option<relief_view::ReliefView>,
    /// What a teacher's link locks: edits that would change it are refused.
    lock: Lock,
    /// The last figure's still part (flat) for this experiment, with the
    /// size, chart, theme and view it was made for.
    still_plot: std::cell::RefCell<Option<(String, figure::StillPlot<String>)>>,
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
        let (surf, runs) = exp.surface_and_runs(page_record(&exp));
        App {
            step: 0,
            runs,
            surf,
            exp,
            surface: SurfaceLayer::new(surface),
            paths,
            chart,
            data,
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
            still_plot: Default::default(),
        }
    }

    /// Takes `exp` in place of the experiment unless it changes what the
    /// link locks (the error says what).
    fn replace(&mut self, exp: Experiment) -> Result<(), JsValue> {
        self.lock.check(&self.exp, &exp).map_err(js_err)?;
        self.put(exp);
        Ok(())
    }

    /// Takes `exp` in place of the experiment, the runs computed again.
    fn put(&mut self, exp: Experiment) {
        self.still_plot = Default::default();
        (self.surf, self.runs) = exp.surface_and_runs(page_record(&exp));
        self.detail = Default::default();
        self.exp = exp;
        self.step = self.step.min(self.max_step());
    }

    /// Loads an experiment from a URL query. On error nothing changes and the
    /// error, naming the URL key, is thrown.
    #[wasm_bindgen(js_name = loadQuery)]
    pub fn load_query(&mut self, q: &str) -> Result<(), JsValue> {
        let exp = query::decode(q).map_err(js_err)?;
        self.replace(exp)
    }

    /// Loads as much of a link as is valid (see `query::decode_keeping`) and
    /// returns what was wrong with it, one message a bad key; with nothing
    /// valid, the experiment stays as it was.
    #[wasm_bindgen(js_name = loadQueryKeeping)]
    pub fn load_query_keeping(&mut self, q: &str) -> Vec<String> {
        let (exp, errors) = query::decode_keeping(q);
        if let Some(exp) = exp {
            self.put(exp);
        }
        errors.iter().map(|e| e.to_string()).collect()
    }

    /// Loads an experiment given as a plain object (the CLI's JSON).
    #[wasm_bindgen(js_name = setExperiment)]
    pub fn set_experiment(&mut self, obj: JsValue) -> Result<(), JsValue> {
        let value: Value = serde_wasm_bindgen::from_value(obj)
            .map_err(|e| js_err(format!("not an experiment object: {e}")))?;
        let exp = Experiment::from_value(&value).map_err(js_err)?;
        self.replace(exp)
    }

    /// Loads a named scenario.
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(&mut self, id: &str) -> Result<(), JsValue> {
        let s = scenarios::lookup(id).ok_or_else(|| js_err(format!("no scenario \"{id}\"")))?;
        self.replace(s.experiment())?;
        self.step = 0;
        Ok(())
    }

    /// Loads part `part` (from 1) of a lesson, from its first step: the
    /// lesson's own steps are not the reader's edits, so a link's lock does
    /// not hold them back.
    #[wasm_bindgen(js_name = loadLessonPart)]
    pub fn load_lesson_part(&mut self, id: &str, part: usize) -> Result<(), JsValue> {
        let lesson = lessons::lookup(id).ok_or_else(|| {
            let ids: Vec<&str> = lessons::LESSONS.iter().map(|l| l.id).collect();
            js_err(format!(
                "lesson: no lesson \"{id}\"; there are {}",
                ids.join(", ")
            ))
        })?;
        let p = part
            .checked_sub(1)
            .and_then(|i| lesson.parts.get(i))
            .ok_or_else(|| {
                js_err(format!(
                    "part: must be a whole number from 1 to {}, got {part}",
                    lesson.parts.len()
                ))
            })?;
        self.put(p.experiment());
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
            self.lock.check(&self.exp, &exp).map_err(js_err)?;
            self.exp = exp;
            Ok(())
        } else {
            self.replace(exp)
        }
    }

    /// Switches to another function with its default parameters and view, and
    /// a start point inside that view.
    #[wasm_bindgen(js_name = setFunction)]
    pub fn set_function(&mut self, name: &str) -> Result<(), JsValue> {
        if name == crate::objectives::mlp::MLP.name {
            return self.set_network();
        }
        let def = functions::lookup(name)
            .ok_or_else(|| js_err(format!("function.name: unknown function \"{name}\"")))?;
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
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
        let view = Experiment::from_value(&alone)
            .map(|e| e.surface().view())
            .map_err(js_err)?;
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
        self.replace(Experiment::from_value(&doc).map_err(js_err)?)?;
        self.step = 0;
        Ok(())
    }

    /// Switches to a network at its defaults (a tanh 2-8-8-1 net on the
    /// circle): the optimizers stay, full-batch, without a start; a formula's
    /// gradient noise is dropped, and so is what a network cannot take.
    fn set_network(&mut self) -> Result<(), JsValue> {
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        if self.exp.function.typed.is_some() {
            self.typed = Some(doc["function"].clone());
        }
        doc["function"] = json!({"name": crate::objectives::mlp::MLP.name});
        if let Some(o) = doc.as_object_mut() {
            drop_keys(o, &["view", "start", "grad_noise"], "grad_noise");
        }
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc).map_err(js_err)?)?;
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
        self.replace(Experiment::from_value(&doc).map_err(js_err)?)
    }

    /// Removes optimizer `index`. Those after it keep the colour they had
    /// (a palette colour is written into their `color`), so no path changes
    /// colour when another goes.
    #[wasm_bindgen(js_name = removeOptimizer)]
    pub fn remove_optimizer(&mut self, index: usize) -> Result<(), JsValue> {
        if index < self.exp.optimizers.len() {
            let mut exp = self.exp.clone();
            for (j, o) in exp.optimizers.iter_mut().enumerate().skip(index + 1) {
                if o.color.is_none() {
                    o.color = Some(crate::render::frame::path_color(j, None).hex());
                }
            }
            exp.optimizers.remove(index);
            self.replace(exp)?;
        }
        Ok(())
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

    /// The query of what is computed (no view, colours or hidden paths), to
    /// tell whether the page still shows a scenario; `undefined` when a
    /// given dataset is too large for a link.
    #[wasm_bindgen(js_name = computedQuery)]
    pub fn computed_query(&self) -> Option<String> {
        query::encode(&self.exp.computed()).ok()
    }

    /// The lesson of the scenario the experiment computes, if it computes
    /// one: the page shows it above the plot from the first frame.
    #[wasm_bindgen(js_name = scenarioLesson)]
    pub fn scenario_lesson(&self) -> Option<String> {
        scenarios::computing(&self.exp).map(|s| s.lesson.to_string())
    }

    /// The experiment as JSON text, the file `optiviz run` reads.
    #[wasm_bindgen(js_name = experimentJson)]
    pub fn experiment_json(&self) -> String {
        serde_json::to_string_pretty(&self.exp).unwrap_or_default()
    }

    /// The runs with each optimizer's state and gradient at every step.
    fn runs_with_state(&self) -> &[Trajectory] {
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

    /// `{runs: [...]}` as `optiviz run --state` prints it.
    pub fn runs(&self) -> JsValue {
        to_js(&output::Runs {
            runs: self.runs_with_state(),
            plane: None,
        })
    }

    pub fn csv(&self) -> String {
        output::to_csv(&self.runs)
    }

    /// The JSON download: what `optiviz run --state` prints.
    pub fn json(&self) -> String {
        output::to_json(self.runs_with_state())
    }

    /// The colour of optimizer `i`: its own, or the palette's.
    pub fn color(&self, i: usize) -> String {
        crate::render::frame::path_color(
            i,
            self.exp.optimizers.get(i).and_then(|o| o.color.as_deref()),
        )
        .hex()
    }

    // ---------------------------------------------------------------- animation

    /// The last step any path reaches.
    #[wasm_bindgen(js_name = maxStep)]
    pub fn max_step(&self) -> usize {
        figure::last_step(&self.exp, &self.runs)
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
                let (state, mut text) = r.status_at(self.step);
                if state == "diverged" {
                    let axes = figure::axis_names(&self.exp);
                    if let Some(why) = crate::engine::stability::explain(&self.exp, &self.surf, i, r, axes) {
                        text = format!("{text}: {why}");
                    }
                }
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
        for c in [&self.surface.canvas, &self.paths] {
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

    fn view(&self) -> View {
        self.exp.view.unwrap_or_else(|| self.surf.view())
    }

    fn frame(&self) -> Frame {
        let c = &self.surface.canvas;
        Frame::for_surface(
            c.width() as f64,
            c.height() as f64,
            Scale(self.scale),
            self.view(),
        )
    }

    /// Draws the surface layer: axes, the heatmap raster (a sample per
    /// device pixel, its contour lines drawn in, put on the canvas in one
    /// call), minima and the colour scale. With `fast` (the first frame,
    /// dragging) a coarser preview stands in when the full detail would not
    /// fit in a frame (see `refineSurface`). Returns the milliseconds spent
    /// computing the raster (0 when cached).
    #[wasm_bindgen(js_name = drawSurface)]
    pub fn draw_surface(&mut self, fast: bool) -> Result<f64, JsValue> {
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        match self.relief {
            Some(angle) => {
                if self.relief_view.is_none() {
                    self.relief_view = Some(relief_view::ReliefView::new()?);
                }
                let view = self.relief_view.as_mut().expect("just made");
                let grid = self.surface.handed_grid(&input);
                let spent = view.draw_base(&self.surface.canvas, &input, grid, angle, fast)?;
                // The paths' heights and what hides them follow the raster.
                self.draw_paths()?;
                Ok(spent)
            }
            None => self.surface.draw(&input, fast),
        }
    }

    // ----------------------------------------------------------------- relief

    /// Shows the plot in relief from `yaw` and `pitch` degrees at `zoom`
    /// (yaw wrapped, pitch held in [0, 90], zoom in [0.5, 4]). Draw the
    /// surface then.
    #[wasm_bindgen(js_name = setRelief)]
    pub fn set_relief(&mut self, yaw: f64, pitch: f64, zoom: f64) {
        if yaw.is_finite() && pitch.is_finite() && zoom.is_finite() {
            self.relief = Some(Angle::new(yaw, pitch, zoom));
        }
    }

    /// Shows the plot in relief from the angle a link gives (`view3d`'s
    /// value, `YAW,PITCH[,ZOOM]`); on error nothing changes and the error,
    /// naming `view3d`, is thrown.
    #[wasm_bindgen(js_name = setReliefText)]
    pub fn set_relief_text(&mut self, text: &str) -> Result<(), JsValue> {
        self.relief = Some(Angle::parse(text, "view3d").map_err(js_err)?);
        Ok(())
    }

    /// Back to the flat map.
    #[wasm_bindgen(js_name = flatMap)]
    pub fn flat_map(&mut self) {
        self.relief = None;
        self.relief_view = None;
    }

    /// The relief's `[yaw, pitch, zoom]`, or `undefined` on the flat map.
    #[wasm_bindgen(js_name = reliefAngle)]
    pub fn relief_angle(&self) -> Option<Vec<f64>> {
        self.relief.map(|a| vec![a.yaw, a.pitch, a.zoom])
    }

    /// The relief's angle as a link writes it (`view3d`'s value), or
    /// `undefined` on the flat map.
    #[wasm_bindgen(js_name = reliefText)]
    pub fn relief_text(&self) -> Option<String> {
        self.relief.map(|a| a.text())
    }

    /// A network's landscape to compute in the page's workers, or
    /// `undefined` for any other surface: `{key, experiment, plane, view,
    /// levels}` — what [`App::set_landscape`] knows it by, the experiment's
    /// JSON, the plane (origin then the two directions), the window
    /// `[xmin, xmax, ymin, ymax]` and the grids to compute in turn, coarse
    /// to fine, each `[width, height]`, shaped as the plot.
    #[wasm_bindgen(js_name = landscapeJob)]
    pub fn landscape_job(&self) -> JsValue {
        let Some(net) = self.surf.network() else {
            return JsValue::UNDEFINED;
        };
        let frame = self.frame();
        let input = surface_input(&self.exp, &self.surf, frame, self.dark, self.scale);
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
        json_to_js(&json!({
            "key": SurfaceLayer::remote_key(&input),
            "experiment": self.experiment_json(),
            "plane": plane,
            "view": [v.x[0], v.x[1], v.y[0], v.y[1]],
            "levels": levels,
        }))
    }

    /// Whether the experiment trains a network (function `mlp`).
    #[wasm_bindgen(js_name = isNetwork)]
    pub fn is_network(&self) -> bool {
        self.exp.function.mlp.is_some()
    }

    /// The model fitted to data (`info().model`: `linear`, `logistic`,
    /// ...), or `undefined` for a function: cheap, for the first frame,
    /// which needs only this and [`App::is_network`] to lay the page out.
    #[wasm_bindgen(js_name = modelKind)]
    pub fn model_kind(&self) -> Option<String> {
        self.exp.function.def.model.map(|m| m.key().to_string())
    }

    /// What [`App::landscape_job`] would give as its `key`, cheaply, for a
    /// check at every redraw; `undefined` for any surface but a network's.
    #[wasm_bindgen(js_name = landscapeKey)]
    pub fn landscape_key(&self) -> Option<String> {
        self.surf.network()?;
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        Some(SurfaceLayer::remote_key(&input))
    }

    /// Takes a landscape the workers computed for the job known by `key`
    /// (see [`App::landscape_job`]): `width` × `height` samples, row by row
    /// from the top. True when the layer now shows it (a finer grid than it
    /// had, still for this experiment and window); draw the surface then.
    #[wasm_bindgen(js_name = setLandscape)]
    pub fn set_landscape(
        &mut self,
        key: &str,
        width: usize,
        height: usize,
        values: Vec<f64>,
    ) -> Result<bool, JsValue> {
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        self.surface.set_grid(&input, key, (width, height), values)
    }

    /// Computes the full-detail surface a piece at a time, for about
    /// `budget` milliseconds, so a page can spread the work over several
    /// tasks; true once it is ready (the next `drawSurface(false)` then only
    /// draws).
    #[wasm_bindgen(js_name = refineSurface)]
    pub fn refine_surface(&mut self, budget: f64) -> Result<bool, JsValue> {
        if self.relief.is_some() {
            // The relief draws its still view in one go.
            return Ok(true);
        }
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        self.surface.refine(&input, budget)
    }

    /// Whether the surface layer shows its full detail (nothing left for
    /// `refineSurface` to do). A relief's full resolution is drawn by
    /// `drawSurface(false)` in one go: never detailed until then.
    #[wasm_bindgen(js_name = surfaceDetailed)]
    pub fn surface_detailed(&self) -> bool {
        if self.relief.is_some() {
            return false;
        }
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        self.surface.detailed(&input)
    }

    fn shown_paths(&self) -> Vec<PathArt<'_>> {
        figure::shown_paths(&self.exp, &self.runs)
    }

    /// Draws the path layer (transparent, over the surface) at the current
    /// step, with each optimizer's arrows when they are on.
    #[wasm_bindgen(js_name = drawPaths)]
    pub fn draw_paths(&self) -> Result<(), JsValue> {
        if self.relief.is_some() {
            let paths = self.shown_paths();
            let start = figure::relief_start(&self.exp, &self.surf, &paths);
            return match &self.relief_view {
                Some(view) => {
                    view.draw_paths(&self.paths, &paths, self.step, start, Scale(self.scale))
                }
                None => canvas::clear(&self.paths),
            };
        }
        let arrows = if self.arrows {
            self.arrow_sets()
        } else {
            Vec::new()
        };
        let curvature = if self.curvature {
            self.curvature_sets()
        } else {
            Vec::new()
        };
        paths_layer::draw(
            &self.paths,
            &self.frame(),
            self.basins
                .as_ref()
                .map(|(image, view)| crate::render::plot::BasinArt { image, view: *view })
                .as_ref(),
            &self.shown_paths(),
            &curvature,
            &arrows,
            self.step,
            self.exp.start,
            Scale(self.scale),
        )
    }

    /// Shows a basin map over the surface: `outcome` per cell of a `grid` ×
    /// `grid` map over `view` (`[xmin, xmax, ymin, ymax]`), row 0 at the top —
    /// a minimum's index, −1 diverged, −2 elsewhere, or −3 for a cell not
    /// computed yet — and `steps` (the step it reached its minimum, or −1).
    #[wasm_bindgen(js_name = setBasins)]
    pub fn set_basins(&mut self, grid: usize, view: &[f64], outcome: &[i32], steps: &[i32]) {
        let Some(cells) = grid.checked_mul(grid) else {
            return;
        };
        if view.len() != 4 || outcome.len() != cells || steps.len() != cells {
            return;
        }
        let outcome: Vec<Option<i32>> = outcome.iter().map(|&o| (o >= -2).then_some(o)).collect();
        let steps: Vec<Option<u32>> = steps.iter().map(|&k| u32::try_from(k).ok()).collect();
        let rgba = crate::render::plot::basin_rgba(&outcome, &steps, self.exp.steps);
        let Ok(mut painter) = CanvasPainter::new(&self.paths) else {
            return;
        };
        let image = painter.image(grid, grid, &rgba);
        let view = View {
            x: [view[0], view[1]],
            y: [view[2], view[3]],
        };
        self.basins = Some((image, view));
    }

    /// Keeps optimizer `optimizer`'s sweep: its final loss at each of `lrs`
    /// and whether that run diverged (1) or not (0); a sweep over other
    /// rates is dropped first.
    #[wasm_bindgen(js_name = setSweep)]
    pub fn set_sweep(
        &mut self,
        optimizer: usize,
        lrs: &[f64],
        final_loss: &[f64],
        diverged: &[u8],
    ) {
        if final_loss.len() != lrs.len() || diverged.len() != lrs.len() {
            return;
        }
        if self.sweep.0 != lrs {
            self.sweep = (lrs.to_vec(), Default::default());
        }
        let line = (
            final_loss.to_vec(),
            diverged.iter().map(|&d| d != 0).collect(),
        );
        self.sweep.1.insert(optimizer, line);
    }

    /// Forgets the sweep.
    #[wasm_bindgen(js_name = clearSweep)]
    pub fn clear_sweep(&mut self) {
        self.sweep = Default::default();
    }

    /// Draws the sweep chart on `canvas` (sized by the page): each shown
    /// optimizer with a sweep, a ring at its learning rate now and a dashed
    /// line at its stability edge at the minimum nearest the start.
    #[wasm_bindgen(js_name = drawSweep)]
    pub fn draw_sweep(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        use crate::render::sweep_chart::{draw_sweep_chart, SweepLine};
        let minima = self.surf.minima();
        let dist = |p: [f64; 2]| (p[0] - self.exp.start[0]).hypot(p[1] - self.exp.start[1]);
        let nearest = minima
            .iter()
            .min_by(|a, b| dist(a.point).total_cmp(&dist(b.point)));
        let eigen = nearest.map(|m| crate::objectives::linalg::eigen(self.surf.hessian(m.point)).0);
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
                    color: crate::render::frame::path_color(i, o.color.as_deref()),
                    final_loss,
                    diverged,
                    current: o.lr,
                    edge: eigen
                        .and_then(|v| crate::engine::stability::edge(o, v))
                        .map(|e| e.lr)
                        .filter(|e| e.is_finite() && *e > 0.0),
                }
            })
            .collect();
        let mut p = CanvasPainter::new(canvas)?;
        let size = (canvas.width() as f64, canvas.height() as f64);
        let frame = draw_sweep_chart(
            &mut p,
            size,
            &self.sweep.0,
            &lines,
            LossAxis::for_minima(&minima),
            Theme::page(self.dark),
            Scale(self.scale),
        );
        *self.sweep_frame.borrow_mut() = Some((frame, LossAxis::for_minima(&minima), shown));
        Ok(())
    }

    /// The learning rate (to 3 significant digits) under a CSS pixel of the
    /// sweep chart and the optimizer whose line passes nearest it:
    /// `[optimizer, lr]`, or `undefined` outside the chart.
    #[wasm_bindgen(js_name = sweepPick)]
    pub fn sweep_pick(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        use crate::render::sweep_chart::value_at;
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
        Some(vec![i as f64, lr])
    }

    /// Takes the basin map off the plot.
    #[wasm_bindgen(js_name = clearBasins)]
    pub fn clear_basins(&mut self) {
        self.basins = None;
    }

    /// What a basin map's colours mean: `[{color, label}]`, each known
    /// minimum's colour first, then elsewhere and diverged.
    #[wasm_bindgen(js_name = basinLegend)]
    pub fn basin_legend(&self) -> JsValue {
        use crate::render::plot::{BASIN_COLORS, BASIN_DIVERGED, BASIN_ELSEWHERE};
        let short = crate::base::number::short;
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
        to_js(&list)
    }

    /// Shows or hides the curvature ellipse at each current point.
    #[wasm_bindgen(js_name = setCurvature)]
    pub fn set_curvature(&mut self, on: bool) {
        self.curvature = on;
    }

    /// Each shown optimizer's curvature at its point at the current step.
    fn curvature_sets(&self) -> Vec<crate::render::plot::Curvature> {
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
                let (values, vectors) = crate::objectives::linalg::eigen(self.surf.hessian(at));
                crate::render::plot::Curvature {
                    at,
                    color: crate::render::frame::path_color(i, o.color.as_deref()),
                    values,
                    vectors,
                }
            })
            .collect()
    }

    /// Shows or hides the arrows at each current point.
    #[wasm_bindgen(js_name = setArrows)]
    pub fn set_arrows(&mut self, on: bool) {
        self.arrows = on;
    }

    /// The shown optimizers with their index, config and detailed run.
    fn shown_detail(&self) -> Vec<(usize, &crate::experiment::OptimizerConfig, &Trajectory)> {
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
                    color: crate::render::frame::path_color(i, cfg.color.as_deref()),
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
    pub fn inspect(&self) -> JsValue {
        if self.surf.network().is_some() {
            // A network's step moves every weight: no two-number rule to show.
            return to_js(&Vec::<Value>::new());
        }
        let k = self.step;
        let list: Vec<Value> = self
            .shown_detail()
            .into_iter()
            .map(|(i, cfg, run)| {
                let base =
                    json!({"index": i, "label": run.label, "color": self.color(i), "step": k + 1});
                match inspect::step_view(cfg, run, k, self.exp.stochastic(i)) {
                    Some(view) => {
                        let mut v = base;
                        v["lines"] = json!(view
                            .lines
                            .iter()
                            .map(|l| to_wrapping_html(l))
                            .collect::<Vec<_>>());
                        v["text"] = json!(view.lines);
                        v
                    }
                    None => {
                        let mut v = base;
                        v["ended"] = json!(run.status.to_string());
                        v
                    }
                }
            })
            .collect();
        to_js(&list)
    }

    /// The charts the current runs offer beside the loss: `lr` always,
    /// `effective` when a shown optimizer scales its step per coordinate,
    /// `evals` when one re-evaluates (LBFGS), `momentum` when a schedule
    /// cycles a momentum or β₁.
    #[wasm_bindgen(js_name = chartKinds)]
    pub fn chart_kinds(&self) -> Vec<String> {
        if let Some(model) = &self.exp.function.mlp {
            // A network's: its accuracy, each layer's gradient, its rates.
            let mut kinds = vec!["loss".to_string()];
            if model.net.arch.task == crate::objectives::mlp::net::Task::Classification {
                kinds.push("accuracy".into());
            }
            kinds.extend(["layers".into(), "lr".into()]);
            let shown_runs = figure::shown_paths(&self.exp, &self.runs);
            if shown_runs.iter().any(|p| !p.run.momenta.is_empty()) {
                kinds.push("momentum".into());
            }
            return kinds;
        }
        let mut kinds = vec![
            "loss".to_string(),
            "lr".to_string(),
            "curvature".to_string(),
        ];
        let shown = || self.exp.optimizers.iter().filter(|o| o.enabled);
        if shown().any(|o| ADAPTIVE.contains(&o.def.name)) {
            kinds.push("effective".into());
        }
        if shown().any(|o| o.def.name == "lbfgs") {
            kinds.push("evals".into());
        }
        let shown_runs = figure::shown_paths(&self.exp, &self.runs);
        if shown_runs.iter().any(|p| !p.run.momenta.is_empty()) {
            kinds.push("momentum".into());
        }
        kinds
    }

    /// Draws the chart of `kind` (see [`App::chart_kinds`]) against step.
    #[wasm_bindgen(js_name = drawChart)]
    pub fn draw_chart(&self, kind: &str) -> Result<(), JsValue> {
        let (theme, scale) = (Theme::page(self.dark), Scale(self.scale));
        let color = |i: usize, cfg: &crate::experiment::OptimizerConfig| {
            crate::render::frame::path_color(i, cfg.color.as_deref())
        };
        let steps = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter().enumerate().map(|(k, &x)| (k as f64, x)).collect()
        };
        // One line per shown run that has `values`.
        let per_run = |values: fn(&Trajectory) -> &[f64]| -> Vec<Series> {
            figure::shown_paths(&self.exp, &self.runs)
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
                for p in figure::shown_paths(&self.exp, &self.runs) {
                    let layers = p.run.layer_grad_norms.first().map_or(0, Vec::len);
                    for l in 0..layers {
                        out.push(Series {
                            label: p.run.label.clone(),
                            color: p.color,
                            points: p
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
                let lmax =
                    |q: &[f64; 2]| crate::objectives::linalg::eigen(self.surf.hessian(*q)).0[1];
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
                        .map_while(|&lr| crate::engine::stability::curvature_limit(cfg, lr))
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
                return chart_view::draw(
                    &self.chart,
                    &self.shown_paths(),
                    self.max_step(),
                    self.step,
                    LossAxis::for_minima(&self.surf.minima()),
                    theme,
                    scale,
                )
            }
        };
        chart_view::draw_series(
            &self.chart,
            &series,
            self.max_step(),
            self.step,
            names,
            kind == "layers",
            theme,
            scale,
        )
    }

    /// The plot at the current step as an SVG figure `width` × `height` CSS
    /// pixels large, with its legend: the file `optiviz render` writes for
    /// the same experiment, size, step and theme.
    #[wasm_bindgen(js_name = figureSvg)]
    pub fn figure_svg(&self, width: u32, height: u32) -> Result<String, JsValue> {
        self.figure_at(width, height, self.step, false)
    }

    /// The figure at step `step`, with the loss chart under the plot when
    /// `chart`: a frame of "Record GIF", what `optiviz render --step K
    /// [--chart]` draws.
    #[wasm_bindgen(js_name = figureSvgAt)]
    pub fn figure_svg_at(
        &self,
        width: u32,
        height: u32,
        step: usize,
        chart: bool,
    ) -> Result<String, JsValue> {
        self.figure_at(width, height, step, chart)
    }

    /// The steps a GIF of the run shows, a frame each (at most
    /// `figure::MAX_FRAMES`, first and last among them).
    #[wasm_bindgen(js_name = animationSteps)]
    pub fn animation_steps(&self) -> Vec<usize> {
        figure::animation_steps(self.max_step())
    }

    /// The shown paths' colours, RGB triples, for a GIF's palette to keep exact.
    #[wasm_bindgen(js_name = pathColours)]
    pub fn path_colours(&self) -> Vec<u8> {
        figure::shown_colours(&self.exp, &self.runs).concat()
    }

    fn figure_at(
        &self,
        width: u32,
        height: u32,
        step: usize,
        chart: bool,
    ) -> Result<String, JsValue> {
        let opts = FigureOptions {
            width: figure::check_side("width", width).map_err(js_err)?,
            height: figure::check_side("height", height).map_err(js_err)?,
            step: Some(step),
            dark: self.dark,
            chart,
            data: false,
            relief: self.relief,
        };
        // In relief, the mesh on screen, so the figure is the relief as seen.
        let input = surface_input(&self.exp, &self.surf, self.frame(), self.dark, self.scale);
        let key = relief_view::mesh_key(&input, self.surface.handed_grid(&input));
        let mesh = self.relief_view.as_ref().and_then(|v| v.still_mesh(&key));
        // The surface is sampled once for every frame of a GIF.
        let still_key = format!("{width}x{height} {chart} {} {:?}", self.dark, self.view());
        let mut still = self.still_plot.borrow_mut();
        if still.as_ref().is_none_or(|(k, _)| *k != still_key) {
            *still = figure::still_plot(&self.exp, &self.surf, &opts).map(|s| (still_key, s));
        }
        Ok(figure::figure_svg_on(
            &self.exp,
            &self.surf,
            &self.runs,
            &opts,
            mesh,
            still.as_ref().map(|(_, s)| s),
        ))
    }

    /// Replaces a data model's rows with rows of `x,y` (or `x1,x2,y`) typed
    /// or pasted by the user; errors name the line. Standardizing stays as
    /// it was.
    #[wasm_bindgen(js_name = setData)]
    pub fn set_data(&mut self, csv: &str) -> Result<(), JsValue> {
        let kind = self.exp.function.def.model.ok_or_else(|| {
            js_err("data: only a model fitted to data (linear_regression, logistic_regression, least_squares_2d) takes rows")
        })?;
        let rows = data::parse_csv(csv, kind).map_err(js_err)?;
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        let f = &mut doc["function"];
        if let Some(o) = f.as_object_mut() {
            o.remove("generate");
        }
        f["data"] = rows.rows_json();
        // A batch size past the new number of rows becomes the full batch.
        Experiment::fit_batches(&mut doc);
        self.replace(Experiment::from_value(&doc).map_err(js_err)?)
    }

    /// The rows of a data model as `x,y` (or `x1,x2,y`) lines under a
    /// header, for editing: generated rows rounded to 6 significant digits
    /// (given rows as they are), features as given, before any
    /// standardizing; empty for a formula.
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
    /// curvature, link, axes}` — whether part of the window has no value
    /// (hatched), the model's kind (or null), its number of rows, a note on
    /// the minima (why none is marked, or how they were found; or null), a
    /// note on a constant Hessian's eigenvalues and condition number (or
    /// null), why the experiment cannot be linked (or null), and the names
    /// of the plot's axes (`x`, `y`, or a model's `w`, `b` or `w1`, `w2`).
    pub fn info(&self) -> JsValue {
        // Whether part of the window has no value (drawn hatched): a coarse
        // look, for a typed function (the others have a value everywhere).
        let gaps = self.exp.function.typed.is_some() && {
            let mut coarse = Vec::new();
            let view = self.frame().view;
            crate::render::surface::sample_rows(&self.surf, view, 48, 48, 0..48, &mut coarse);
            coarse.iter().any(|v| !v.is_finite())
        };
        // A network: its size, depth, task and how much of the motion its
        // plane holds.
        let network = self.exp.function.mlp.as_ref().map(|m| {
            json!({
                "params": m.net.count,
                "layers": m.net.layers.len(),
                "task": m.net.arch.task.key(),
                "explained": self.surf.network().map(|n| n.plane.explained),
                "plane": if m.plane == crate::objectives::mlp::PlaneKind::Random { "random" } else { "pca" },
            })
        });
        json_to_js(&json!({
            "network": network,
            "gaps": gaps,
            "axes": figure::axis_names(&self.exp),
            "model": self.exp.function.def.model.map(ModelKind::key),
            "rows": self.exp.function.rows(),
            "note": self.surf.minimum_note(),
            "curvature": self.surf.curvature_note(),
            "link": query::encode(&self.exp).err().map(|e| e.to_string()),
        }))
    }

    /// Draws the data panel: the rows, and each shown optimizer's model at
    /// the current step — its line (linear regression), its sigmoid and
    /// decision boundary (logistic regression), or its predictions against
    /// the actual y (two-feature least squares). Blank for formula functions.
    #[wasm_bindgen(js_name = drawData)]
    pub fn draw_data(&self) -> Result<(), JsValue> {
        if let Some(model) = &self.exp.function.mlp {
            return data_view::draw_network(
                &self.data,
                model,
                &self.shown_paths(),
                self.step,
                Theme::page(self.dark),
                Scale(self.scale),
            );
        }
        data_view::draw(
            &self.data,
            self.surf.model(),
            &self.shown_paths(),
            self.step,
            Theme::page(self.dark),
            Scale(self.scale),
        )
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

    /// The CSS pixel of the flat plot where a data point is drawn.
    #[wasm_bindgen(js_name = toCss)]
    pub fn to_css(&self, x: f64, y: f64) -> Vec<f64> {
        let (px, py) = self.frame().to_px([x, y]);
        vec![px / self.scale, py / self.scale]
    }

    /// Where optimizer `i`'s run ends: `[x, y, step]`, or `undefined` when
    /// it left the numbers behind (diverged to infinity or NaN).
    #[wasm_bindgen(js_name = endPoint)]
    pub fn end_point(&self, i: usize) -> Option<Vec<f64>> {
        let t = self.runs.get(i)?;
        let p = t.points.last()?;
        let step = t.points.len() - 1;
        (p[0].is_finite() && p[1].is_finite()).then(|| vec![p[0], p[1], step as f64])
    }

    /// Whether a CSS pixel is on the start handle.
    #[wasm_bindgen(js_name = nearStart)]
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
    #[wasm_bindgen(js_name = moveStart)]
    pub fn move_start(&mut self, x: f64, y: f64) -> Result<(), JsValue> {
        let frame = self.frame();
        let (r, v) = (frame.rect, frame.view);
        let pixel = |span: f64, px: f64| span / px * self.scale;
        let p = [
            round_to_pixel(x, pixel(v.x[1] - v.x[0], r.w)),
            round_to_pixel(y, pixel(v.y[1] - v.y[0], r.h)),
        ];
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
        let r = frame.rect;
        let v = frame.view;
        let sx = (v.x[1] - v.x[0]) / r.w * self.scale;
        let sy = (v.y[1] - v.y[0]) / r.h * self.scale;
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

    /// Sets the window the plot shows. A typed function's window is its own
    /// (`function.view`, where its minima are looked for), so it is set there
    /// and the plot shows it; any other function's is the experiment's `view`.
    #[wasm_bindgen(js_name = setWindow)]
    pub fn set_window(&mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Result<(), JsValue> {
        let window = json!({"x": [x0, x1], "y": [y0, y1]});
        if self.exp.function.typed.is_none() {
            return self.set("view", to_js(&window));
        }
        let mut doc = serde_json::to_value(&self.exp).map_err(js_err)?;
        doc["function"]["view"] = window;
        doc.as_object_mut().map(|o| o.remove("view"));
        let exp = Experiment::from_value(&doc).map_err(js_err)?;
        self.replace(exp)
    }

    /// Types a new formula into the typed function: the parameters it still
    /// uses keep their values, new ones start at 1, and its window stays.
    /// On error nothing changes and the error names `function.expr`.
    #[wasm_bindgen(js_name = setFormula)]
    pub fn set_formula(&mut self, text: &str) -> Result<(), JsValue> {
        let old = self.exp.function.typed.as_deref();
        let expr =
            crate::expr::Expr::parse(text).map_err(|e| js_err(format!("function.expr: {e}")))?;
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
        self.set("function", to_js(&f))
    }

    /// The window the plot shows, `[xmin, xmax, ymin, ymax]`.
    #[wasm_bindgen(js_name = viewWindow)]
    pub fn view_window(&self) -> Vec<f64> {
        let v = self.frame().view;
        vec![v.x[0], v.x[1], v.y[0], v.y[1]]
    }

    /// Back to the function's own view.
    #[wasm_bindgen(js_name = resetView)]
    pub fn reset_view(&mut self) -> Result<(), JsValue> {
        let mut exp = self.exp.clone();
        exp.view = None;
        self.lock.check(&self.exp, &exp).map_err(js_err)?;
        self.exp = exp;
        Ok(())
    }

    // ------------------------------------------------------------ teaching

    /// Locks what `lock=` names (see [`Lock`]); returns a message for each
    /// name that is not a part, the rest locked.
    #[wasm_bindgen(js_name = setLock)]
    pub fn set_lock(&mut self, text: &str) -> Vec<String> {
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
    #[wasm_bindgen(js_name = lockText)]
    pub fn lock_text(&self) -> String {
        self.lock.text()
    }
}
