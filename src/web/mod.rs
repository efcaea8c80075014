//! The page's bindings: the page's model ([`optiviz_app::app::App`]) on the
//! page's four canvases, and the calls the page's script and its workers
//! make. Values are converted here and nothing else happens: every rule
//! lives in the model, where `cargo test` reaches it. Errors reach the page
//! as data: a JavaScript `Error` whose message is the one line the CLI
//! would print and whose `errors` list each problem as `{path, message}`.
//! Compiled for `wasm32` only.

mod canvas;

use crate::app::app::{App as Model, Sizes};
use crate::app::opening::Opened;
use crate::app::{catalogue as cat, workers};
use crate::base::error::{ConfigError, ConfigErrors};
use crate::engine::output;
use crate::engine::runs::Runs;
use crate::experiment::parse::read_json;
use crate::objectives::objective::View;
use crate::Experiment;
use canvas::{clear, CanvasPainter, Page};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// JSON text as a JavaScript value, by the browser's `JSON.parse` (many
/// times faster for a large tree than a call into JavaScript per node).
/// Everything the page gets goes through JSON text, written by the crate
/// that owns the type (one serializer per type in the module): what the CLI
/// prints is what the page gets, a number that is not finite as null.
fn parse_js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn json_to_js(v: &Value) -> JsValue {
    parse_js(&v.to_string())
}

/// A value of the bindings' own (a status line, a page key) as JavaScript.
fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    json_to_js(&serde_json::to_value(v).unwrap_or(Value::Null))
}

/// Each problem as `{path, message}`.
fn problems<'a>(list: impl IntoIterator<Item = &'a ConfigError>) -> JsValue {
    let list: Vec<Value> = list
        .into_iter()
        .map(|e| serde_json::json!({"path": e.field, "message": e.message}))
        .collect();
    json_to_js(&Value::Array(list))
}

/// Problems thrown to the page: an `Error` with the CLI's one line as its
/// message and each problem in `errors`.
fn thrown(e: &ConfigErrors) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&error, &"errors".into(), &problems(e));
    error.into()
}

fn thrown_one(e: ConfigError) -> JsValue {
    thrown(&e.into())
}

/// A value the page handed over, as JSON (through `JSON.stringify`).
fn from_js(v: JsValue, what: &str) -> Result<Value, JsValue> {
    let bad = |why: String| thrown_one(ConfigError::new("", format!("not {what}: {why}")));
    let text = js_sys::JSON::stringify(&v)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| bad("it has no JSON form".into()))?;
    read_json(&text).map_err(|e| bad(e.message))
}

/// Sets up panic reporting to the console before anything else runs.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Validates and runs an experiment given as a plain JavaScript object (the
/// JSON the CLI reads) and returns `{runs: [...]}` as the CLI prints it.
/// Every problem is thrown (see the module's notes).
#[wasm_bindgen(js_name = runExperiment)]
pub fn run_experiment(experiment: JsValue) -> Result<JsValue, JsValue> {
    let value = from_js(experiment, "an experiment object")?;
    let exp = Experiment::from_value(&value).map_err(|e| thrown(&e))?;
    Ok(parse_js(&output::to_json(&exp.run())))
}

/// Everything the page's controls are built from (see `optiviz_app::catalogue`).
#[wasm_bindgen]
pub fn catalogue() -> JsValue {
    json_to_js(&cat::catalogue())
}

/// The engine's reading of a typed formula as the user types it (see
/// `optiviz_app::catalogue::check_formula`).
#[wasm_bindgen(js_name = checkFormula)]
pub fn check_formula(text: &str) -> JsValue {
    json_to_js(&cat::check_formula(text))
}

/// The engine's reading of a typed rule and the names its card declares,
/// as the user types them (see `optiviz_app::catalogue::check_rule`).
#[wasm_bindgen(js_name = checkRule)]
pub fn check_rule(update: &str, state: Vec<String>, hyper: Vec<String>) -> JsValue {
    json_to_js(&cat::check_rule(update, &state, &hyper))
}

fn view_of(x0: f64, x1: f64, y0: f64, y1: f64) -> View {
    View {
        x: [x0, x1],
        y: [y0, y1],
    }
}

/// Rows `row0..row1` of a basin map of the experiment `json`: `{runs:
/// [{outcome, steps}]}` with those rows' cells, for the page's workers.
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
    let runs = workers::basin_rows(json, grid, view_of(x0, x1, y0, y1), row0..row1)
        .map_err(|e| thrown(&e))?;
    Ok(json_to_js(&serde_json::json!({ "runs": runs })))
}

/// Optimizer `optimizer` of the experiment `json` at each of `lrs`:
/// `{final_loss, best_loss, status}` as `optiviz sweep` gives them, or null.
#[wasm_bindgen(js_name = sweepRuns)]
pub fn sweep_runs(json: &str, optimizer: usize, lrs: &[f64]) -> Result<JsValue, JsValue> {
    let run = workers::sweep_runs(json, optimizer, lrs).map_err(|e| thrown(&e))?;
    Ok(to_js(&run))
}

/// A network's landscape over `view` (`[xmin, xmax, ymin, ymax]`), rows
/// `row0..row1` of a `width` × `height` grid, for the page's workers.
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
    let [x0, x1, y0, y1] = view else {
        return Err(thrown_one(ConfigError::new("view", "must be four numbers")));
    };
    workers::landscape_rows(
        json,
        plane,
        view_of(*x0, *x1, *y0, *y1),
        (width, height),
        row0..row1,
    )
    .map_err(|e| thrown(&e))
}

/// The page: its model and the four canvases it draws on (the surface, the
/// paths over it, the chart under it, the data or network panel).
#[wasm_bindgen]
pub struct App {
    model: Model<Page>,
    surface: HtmlCanvasElement,
    paths: HtmlCanvasElement,
    chart: HtmlCanvasElement,
    data: HtmlCanvasElement,
}

type Done = Result<(), JsValue>;

fn done(r: Result<(), ConfigErrors>) -> Done {
    r.map_err(|e| thrown(&e))
}

#[wasm_bindgen]
impl App {
    /// Binds the four canvases; starts from the first scenario.
    #[wasm_bindgen(constructor)]
    pub fn new(
        surface: HtmlCanvasElement,
        paths: HtmlCanvasElement,
        chart: HtmlCanvasElement,
        data: HtmlCanvasElement,
    ) -> Result<App, JsValue> {
        Ok(App {
            model: Model::new(Page::new()?),
            surface,
            paths,
            chart,
            data,
        })
    }

    /// Opens a link's query: `{experiment, page, errors}` — whether it held
    /// an experiment, the page's own keys it gave (each valid one by its
    /// name, read by its kind in the table of keys) and every key at fault
    /// as `{key, message}` (and `path`, the same key).
    #[wasm_bindgen(js_name = openLink)]
    pub fn open_link(&mut self, query: &str) -> JsValue {
        let Opened {
            experiment,
            page,
            errors,
        } = self.model.open_link(query);
        let page = serde_json::to_value(&page).unwrap_or(Value::Null);
        let out = serde_json::json!({"experiment": experiment, "page": page});
        let out = json_to_js(&out);
        let errors: Vec<Value> = errors
            .iter()
            .map(|e| serde_json::json!({"key": e.field, "path": e.field, "message": e.message}))
            .collect();
        let _ = js_sys::Reflect::set(&out, &"errors".into(), &json_to_js(&Value::Array(errors)));
        out
    }

    /// Loads an experiment from a link's query; every bad key is thrown.
    #[wasm_bindgen(js_name = loadQuery)]
    pub fn load_query(&mut self, q: &str) -> Done {
        done(self.model.load_query(q))
    }

    /// Loads an experiment given as a plain object (the CLI's JSON); every
    /// problem is thrown, each at its path into the object.
    #[wasm_bindgen(js_name = setExperiment)]
    pub fn set_experiment(&mut self, obj: JsValue) -> Done {
        let value = from_js(obj, "an experiment object")?;
        done(self.model.set_experiment(&value))
    }

    /// Loads a named scenario.
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(&mut self, id: &str) -> Done {
        done(self.model.load_scenario(id))
    }

    /// Loads part `part` (from 1) of a lesson, from its first step.
    #[wasm_bindgen(js_name = loadLessonPart)]
    pub fn load_lesson_part(&mut self, id: &str, part: usize) -> Done {
        done(self.model.load_lesson_part(id, part))
    }

    /// Whether the experiment still computes part `part` of a lesson (a
    /// rule the reader writes is theirs to change).
    #[wasm_bindgen(js_name = showsLessonPart)]
    pub fn shows_lesson_part(&self, id: &str, part: usize) -> bool {
        self.model.shows_lesson_part(id, part)
    }

    /// "Check my rule": `{passed, message, step}` (see `App::check_lesson_part`).
    #[wasm_bindgen(js_name = checkLessonPart)]
    pub fn check_lesson_part(&self, id: &str, part: usize) -> Result<JsValue, JsValue> {
        let checked = self
            .model
            .check_lesson_part(id, part)
            .map_err(|e| thrown(&e))?;
        Ok(json_to_js(&checked))
    }

    /// Changes one field, e.g. `optimizers[1].lr`, to a JSON value (`null`
    /// removes it); the experiment is validated whole.
    pub fn set(&mut self, path: &str, value: JsValue) -> Done {
        let value = from_js(value, "a JSON value")?;
        done(self.model.set(path, value))
    }

    /// Switches to another function at its defaults.
    #[wasm_bindgen(js_name = setFunction)]
    pub fn set_function(&mut self, name: &str) -> Done {
        done(self.model.set_function(name))
    }

    /// Adds an optimizer at torch's default learning rate.
    #[wasm_bindgen(js_name = addOptimizer)]
    pub fn add_optimizer(&mut self, name: &str) -> Done {
        done(self.model.add_optimizer(name))
    }

    /// Removes optimizer `index`; the others keep their colours.
    #[wasm_bindgen(js_name = removeOptimizer)]
    pub fn remove_optimizer(&mut self, index: usize) -> Done {
        done(self.model.remove_optimizer(index))
    }

    /// The experiment as a plain object (the CLI's JSON).
    pub fn experiment(&self) -> JsValue {
        parse_js(&self.model.experiment_json())
    }

    /// The link's query for the experiment; throws (naming `data`) when a
    /// given dataset is too large for a link.
    pub fn query(&self) -> Result<String, JsValue> {
        self.model.query().map_err(thrown_one)
    }

    /// The query of what is computed, or `undefined`.
    #[wasm_bindgen(js_name = computedQuery)]
    pub fn computed_query(&self) -> Option<String> {
        self.model.computed_query()
    }

    /// The lesson of the scenario the experiment computes, if any.
    #[wasm_bindgen(js_name = scenarioLesson)]
    pub fn scenario_lesson(&self) -> Option<String> {
        self.model.scenario_lesson().map(str::to_string)
    }

    /// The experiment as JSON text, the file `optiviz run` reads, laid out
    /// two spaces an indent.
    #[wasm_bindgen(js_name = experimentJson)]
    pub fn experiment_json(&self) -> String {
        js_sys::JSON::stringify_with_replacer_and_space(
            &self.experiment(),
            &JsValue::NULL,
            &JsValue::from(2),
        )
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_else(|| self.model.experiment_json())
    }

    /// `{runs: [...]}` as `optiviz run --state` prints it.
    pub fn runs(&self) -> JsValue {
        parse_js(&self.model.json())
    }

    /// The runs as CSV.
    pub fn csv(&self) -> String {
        self.model.csv()
    }

    /// The JSON download: what `optiviz run --state` prints.
    pub fn json(&self) -> String {
        self.model.json()
    }

    /// The colour of optimizer `i`.
    pub fn color(&self, i: usize) -> String {
        self.model.color(i)
    }

    /// The last step any path reaches.
    #[wasm_bindgen(js_name = maxStep)]
    pub fn max_step(&self) -> usize {
        self.model.max_step()
    }

    /// The step shown.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> usize {
        self.model.step()
    }

    /// Shows a step (held to the last one).
    #[wasm_bindgen(setter)]
    pub fn set_step(&mut self, step: usize) {
        self.model.set_step(step);
    }

    /// Per optimizer: `{label, color, enabled, state, text}`.
    pub fn statuses(&self) -> JsValue {
        to_js(&self.model.statuses())
    }

    /// Sizes the canvases: `sizes` are the CSS sizes [plot w, plot h, chart
    /// w, chart h, data w, data h], times the device pixel ratio.
    pub fn resize(&mut self, sizes: &[u32], dpr: f64) {
        let [pw, ph, cw, ch, dw, dh] = sizes else {
            return;
        };
        let css = Sizes {
            plot: (*pw, *ph),
            chart: (*cw, *ch),
            data: (*dw, *dh),
        };
        let d = self.model.resize(css, dpr);
        for (canvas, (w, h)) in [
            (&self.surface, d.plot),
            (&self.paths, d.plot),
            (&self.chart, d.chart),
            (&self.data, d.data),
        ] {
            canvas.set_width(w);
            canvas.set_height(h);
        }
    }

    /// The page's dark theme, or its light one.
    #[wasm_bindgen(js_name = setDark)]
    pub fn set_dark(&mut self, dark: bool) {
        self.model.set_dark(dark);
    }

    /// Draws the surface layer; the milliseconds spent computing.
    #[wasm_bindgen(js_name = drawSurface)]
    pub fn draw_surface(&mut self, fast: bool) -> Result<f64, JsValue> {
        let mut p = CanvasPainter::new(&self.surface)?;
        let spent = self.model.draw_surface(&mut p, fast);
        if self.model.relief().is_some() {
            // The paths' heights and what hides them follow the raster.
            self.draw_paths()?;
        }
        Ok(spent)
    }

    /// Shows the plot in relief from `yaw` and `pitch` degrees at `zoom`.
    #[wasm_bindgen(js_name = setRelief)]
    pub fn set_relief(&mut self, yaw: f64, pitch: f64, zoom: f64) {
        self.model.set_relief(yaw, pitch, zoom);
    }

    /// Shows the plot in relief from a link's `view3d` value.
    #[wasm_bindgen(js_name = setReliefText)]
    pub fn set_relief_text(&mut self, text: &str) -> Done {
        done(self.model.set_relief_text(text))
    }

    /// Back to the flat map.
    #[wasm_bindgen(js_name = flatMap)]
    pub fn flat_map(&mut self) {
        self.model.flat_map();
    }

    /// The relief's `[yaw, pitch, zoom]`, or `undefined` on the flat map.
    #[wasm_bindgen(js_name = reliefAngle)]
    pub fn relief_angle(&self) -> Option<Vec<f64>> {
        self.model.relief().map(|a| vec![a.yaw, a.pitch, a.zoom])
    }

    /// The relief's angle as a link writes it, or `undefined`.
    #[wasm_bindgen(js_name = reliefText)]
    pub fn relief_text(&self) -> Option<String> {
        self.model.relief().map(|a| a.text())
    }

    /// A network's landscape for the workers: `{key, experiment, plane,
    /// view, levels}`, or `undefined`.
    #[wasm_bindgen(js_name = landscapeJob)]
    pub fn landscape_job(&self) -> JsValue {
        match self.model.landscape_job() {
            Some(job) => json_to_js(&serde_json::to_value(job).unwrap_or(Value::Null)),
            None => JsValue::UNDEFINED,
        }
    }

    /// Whether the experiment trains a network.
    #[wasm_bindgen(js_name = isNetwork)]
    pub fn is_network(&self) -> bool {
        self.model.is_network()
    }

    /// The model fitted to data, or `undefined` for a function.
    #[wasm_bindgen(js_name = modelKind)]
    pub fn model_kind(&self) -> Option<String> {
        self.model.model_kind().map(str::to_string)
    }

    /// What a landscape job is known by, or `undefined`.
    #[wasm_bindgen(js_name = landscapeKey)]
    pub fn landscape_key(&self) -> Option<String> {
        self.model.landscape_key()
    }

    /// Takes a landscape the workers computed; true when the layer shows it.
    #[wasm_bindgen(js_name = setLandscape)]
    pub fn set_landscape(
        &mut self,
        key: &str,
        width: usize,
        height: usize,
        values: Vec<f64>,
    ) -> bool {
        self.model.set_landscape(key, width, height, values)
    }

    /// Computes the full-detail surface for about `budget` milliseconds;
    /// true once it is ready.
    #[wasm_bindgen(js_name = refineSurface)]
    pub fn refine_surface(&mut self, budget: f64) -> bool {
        self.model.refine_surface(budget)
    }

    /// Whether the surface layer shows its full detail.
    #[wasm_bindgen(js_name = surfaceDetailed)]
    pub fn surface_detailed(&self) -> bool {
        self.model.surface_detailed()
    }

    /// Draws the path layer at the current step.
    #[wasm_bindgen(js_name = drawPaths)]
    pub fn draw_paths(&self) -> Done {
        clear(&self.paths)?;
        self.model.draw_paths(&mut CanvasPainter::new(&self.paths)?);
        Ok(())
    }

    /// Shows a basin map over the surface (see `App::set_basins`).
    #[wasm_bindgen(js_name = setBasins)]
    pub fn set_basins(&mut self, grid: usize, view: &[f64], outcome: &[i32], steps: &[i32]) {
        self.model.set_basins(grid, view, outcome, steps);
    }

    /// Keeps optimizer `optimizer`'s sweep (`diverged`: 1 or 0 per rate).
    #[wasm_bindgen(js_name = setSweep)]
    pub fn set_sweep(
        &mut self,
        optimizer: usize,
        lrs: &[f64],
        final_loss: &[f64],
        diverged: &[u8],
    ) {
        let diverged: Vec<bool> = diverged.iter().map(|&d| d != 0).collect();
        self.model.set_sweep(optimizer, lrs, final_loss, &diverged);
    }

    /// Sets each optimizer's rate to its sweep's best, as one edit; returns
    /// the message that names each new rate. Throws when the sweep is not
    /// complete or the lock refuses the edit.
    pub fn tune(&mut self, names: Vec<String>) -> Result<String, JsValue> {
        let report = self.model.tune().map_err(|e| thrown(&e))?;
        Ok(Model::<Page>::tune_message(&report, &names))
    }

    /// Takes the last tuning back.
    #[wasm_bindgen(js_name = undoTune)]
    pub fn undo_tune(&mut self) -> Done {
        done(self.model.undo_tune())
    }

    /// Forgets the sweep.
    #[wasm_bindgen(js_name = clearSweep)]
    pub fn clear_sweep(&mut self) {
        self.model.clear_sweep();
    }

    /// Draws the sweep chart on `canvas` (sized by the page).
    #[wasm_bindgen(js_name = drawSweep)]
    pub fn draw_sweep(&self, canvas: &HtmlCanvasElement) -> Done {
        let size = (canvas.width() as f64, canvas.height() as f64);
        self.model
            .draw_sweep(&mut CanvasPainter::new(canvas)?, size);
        Ok(())
    }

    /// `[optimizer, lr]` under a CSS pixel of the sweep chart, or `undefined`.
    #[wasm_bindgen(js_name = sweepPick)]
    pub fn sweep_pick(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        self.model
            .sweep_pick(css_x, css_y)
            .map(|(i, lr)| vec![i as f64, lr])
    }

    /// Takes the basin map off the plot.
    #[wasm_bindgen(js_name = clearBasins)]
    pub fn clear_basins(&mut self) {
        self.model.clear_basins();
    }

    /// What a basin map's colours mean: `[{color, label}]`.
    #[wasm_bindgen(js_name = basinLegend)]
    pub fn basin_legend(&self) -> JsValue {
        json_to_js(&Value::Array(self.model.basin_legend()))
    }

    /// Shows or hides the curvature ellipses.
    #[wasm_bindgen(js_name = setCurvature)]
    pub fn set_curvature(&mut self, on: bool) {
        self.model.set_curvature(on);
    }

    /// Shows or hides the arrows.
    #[wasm_bindgen(js_name = setArrows)]
    pub fn set_arrows(&mut self, on: bool) {
        self.model.set_arrows(on);
    }

    /// The inspector at the current step (see `App::inspect`).
    pub fn inspect(&self) -> JsValue {
        json_to_js(&Value::Array(self.model.inspect()))
    }

    /// The charts the runs offer.
    #[wasm_bindgen(js_name = chartKinds)]
    pub fn chart_kinds(&self) -> Vec<String> {
        self.model
            .chart_kinds()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Draws the chart of `kind` against step.
    #[wasm_bindgen(js_name = drawChart)]
    pub fn draw_chart(&self, kind: &str) -> Done {
        self.model
            .draw_chart(&mut CanvasPainter::new(&self.chart)?, kind);
        Ok(())
    }

    /// Replaces a data model's rows with typed or pasted rows.
    #[wasm_bindgen(js_name = setData)]
    pub fn set_data(&mut self, csv: &str) -> Done {
        done(self.model.set_data(csv))
    }

    /// A data model's rows as CSV, for editing.
    #[wasm_bindgen(js_name = dataCsv)]
    pub fn data_csv(&self) -> String {
        self.model.data_csv()
    }

    /// What the page says about the surface (see `App::info`).
    pub fn info(&self) -> JsValue {
        json_to_js(&self.model.info())
    }

    /// Draws the data or network panel, or clears it for a formula.
    #[wasm_bindgen(js_name = drawData)]
    pub fn draw_data(&self) -> Done {
        clear(&self.data)?;
        self.model.draw_data(&mut CanvasPainter::new(&self.data)?);
        Ok(())
    }

    /// The data point under a CSS pixel of the plot, or `undefined`.
    pub fn pick(&self, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        self.model.pick(css_x, css_y).map(|p| p.to_vec())
    }

    /// The CSS pixel of the plot where a data point is drawn.
    #[wasm_bindgen(js_name = toCss)]
    pub fn to_css(&self, x: f64, y: f64) -> Vec<f64> {
        self.model.to_css(x, y).to_vec()
    }

    /// Where optimizer `i`'s run ends, `[x, y, step]`, or `undefined`.
    #[wasm_bindgen(js_name = endPoint)]
    pub fn end_point(&self, i: usize) -> Option<Vec<f64>> {
        self.model.end_point(i).map(|p| p.to_vec())
    }

    /// The CSS pixels the plot's buttons must leave clear (the start handle,
    /// each run's end), as x0, y0, x1, y1, …
    #[wasm_bindgen(js_name = keepClear)]
    pub fn keep_clear(&self) -> Vec<f64> {
        self.model.keep_clear().concat()
    }

    /// Whether a CSS pixel is on the start handle.
    #[wasm_bindgen(js_name = nearStart)]
    pub fn near_start(&self, css_x: f64, css_y: f64) -> bool {
        self.model.near_start(css_x, css_y)
    }

    /// Moves the start point, rounded to what a CSS pixel tells apart.
    #[wasm_bindgen(js_name = moveStart)]
    pub fn move_start(&mut self, x: f64, y: f64) -> Done {
        done(self.model.move_start(x, y))
    }

    /// Zooms by `factor` about a CSS pixel of the plot.
    pub fn zoom(&mut self, css_x: f64, css_y: f64, factor: f64) -> Done {
        done(self.model.zoom(css_x, css_y, factor))
    }

    /// Pans the view by a drag of (dx, dy) CSS pixels.
    pub fn pan(&mut self, dx: f64, dy: f64) -> Done {
        done(self.model.pan(dx, dy))
    }

    /// Sets the window the plot shows.
    #[wasm_bindgen(js_name = setWindow)]
    pub fn set_window(&mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Done {
        done(self.model.set_window(x0, x1, y0, y1))
    }

    /// Types a new formula into the typed function.
    #[wasm_bindgen(js_name = setFormula)]
    pub fn set_formula(&mut self, text: &str) -> Done {
        done(self.model.set_formula(text))
    }

    /// The window the plot shows, `[xmin, xmax, ymin, ymax]`.
    #[wasm_bindgen(js_name = viewWindow)]
    pub fn view_window(&self) -> Vec<f64> {
        self.model.view_window().to_vec()
    }

    /// Back to the function's own view.
    #[wasm_bindgen(js_name = resetView)]
    pub fn reset_view(&mut self) -> Done {
        done(self.model.reset_view())
    }

    /// Locks what `lock=` names; `[{path, message}]` for each name that is
    /// not a part.
    #[wasm_bindgen(js_name = setLock)]
    pub fn set_lock(&mut self, text: &str) -> JsValue {
        problems(&self.model.set_lock(text))
    }

    /// The locked parts, for the page to disable their controls.
    pub fn locked(&self) -> Vec<String> {
        self.model.locked()
    }

    /// `lock=`'s value for a link.
    #[wasm_bindgen(js_name = lockText)]
    pub fn lock_text(&self) -> String {
        self.model.lock_text()
    }
}
