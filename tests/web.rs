//! In headless Chrome: every PyTorch reference case of every set (the lists
//! of tests/common/cases.rs) matches torch under the native tests' own check
//! (tests/common/reference.rs), points, losses, learning rates, state and
//! networks included; the page's JavaScript entry point returns what the
//! command line printed; the paths of one experiment per function family
//! and optimizer have the native bits; drawing on real canvases puts the
//! expected colours at the expected pixels; URL queries round-trip.
//!
//!     wasm-pack test --headless --chrome -- --no-default-features
#![cfg(target_arch = "wasm32")]

mod common;

use common::cases::{Set, MLP, MLP3, MLP_EXTRA, REFERENCE, REFERENCE2, REFERENCE3};
use common::reference::{
    analyze_here, check_derivatives, check_first, check_second, derivative_points, parse_case,
    run_here,
};
use common::{paths_hash, Rng, CLI_RUN_EXPERIMENT, CLI_RUN_OUTPUT, DETERMINISM};
use optiviz::engine::Runs;
use optiviz::experiment::link as query;
use optiviz::objectives::data::{data_view, ModelKind};
use optiviz::objectives::objective::View;
use optiviz::render::colormap::viridis;
use optiviz::render::frame::{Frame, Scale};
use optiviz::render::surface::Grid;
use optiviz::web::App;
use optiviz::Experiment;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Every case of the first set (tests/data/reference: points and losses),
/// through the page's JavaScript entry point, held as natively
/// (tests/reference.rs) by the same check.
#[wasm_bindgen_test]
fn reference_cases_match_pytorch_in_wasm() {
    let mut failures = Vec::new();
    for (id, text) in REFERENCE.cases {
        let case = parse_case(text);
        let out = from_js(optiviz::web::run_experiment(js(&case.experiment)).unwrap());
        let problems = check_first(&case, &out);
        if !problems.is_empty() {
            failures.push(format!("{id}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every case of `set`, run in the browser as `optiviz run` runs it with the
/// set's flags, against its reference by the native tests' own check.
fn second_set_in_wasm(set: &Set) {
    let mut failures = Vec::new();
    for (name, text) in set.cases {
        let case: serde_json::Value = serde_json::from_str(text).unwrap();
        let problems = check_second(&case, &run_here(&case["experiment"], set));
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The second set (tests/data/reference2): points, losses, learning rates,
/// momenta, function evaluations and the optimizer's state at every step.
#[wasm_bindgen_test]
fn second_set_cases_match_pytorch_with_their_state_in_wasm() {
    second_set_in_wasm(&REFERENCE2);
}

/// The networks: parameters, losses, layer gradient norms and accuracy (and
/// learning rates and state, for mlp-extra), and the plane's origin.
#[wasm_bindgen_test]
fn network_cases_match_pytorch_in_wasm() {
    second_set_in_wasm(&MLP);
    second_set_in_wasm(&MLP_EXTRA);
}

/// The third set: Muon and the optimizers of pytorch_optimizer, their extra
/// series included, on surfaces and networks.
#[wasm_bindgen_test]
fn third_set_cases_match_their_reference_in_wasm() {
    second_set_in_wasm(&REFERENCE3);
    second_set_in_wasm(&MLP3);
}

/// Typed rules that write out the reference cases' optimizers (tests/rules.rs),
/// run in the browser against the same references.
#[wasm_bindgen_test]
fn typed_rules_match_the_references_in_wasm() {
    let (failures, cases, reductions) = common::rules::check_spelled_cases();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        cases >= 60 && reductions >= 3,
        "{cases} cases, {reductions} with norm()"
    );
}

/// The typed functions' (and two-feature least squares') value, gradient
/// and Hessian at torch's points, as `optiviz analyze --at` gives them.
#[wasm_bindgen_test]
fn derivatives_match_torch_autograd_in_wasm() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for (name, text) in REFERENCE2.cases {
        let case: serde_json::Value = serde_json::from_str(text).unwrap();
        let at = derivative_points(&case);
        if at.is_empty() {
            continue;
        }
        seen += 1;
        let problems = check_derivatives(&case, &analyze_here(&case["experiment"], &at));
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(seen > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the page's JavaScript entry point returns for an experiment is what
/// `optiviz run` printed for it (tests/data/cli_run.out.json, which
/// tests/cli_record.rs holds the command line to).
#[wasm_bindgen_test]
fn the_javascript_entry_point_returns_what_the_cli_prints() {
    let experiment: serde_json::Value = serde_json::from_str(CLI_RUN_EXPERIMENT).unwrap();
    let runs = from_js(optiviz::web::run_experiment(js(&experiment)).unwrap());
    let printed: serde_json::Value = serde_json::from_str(CLI_RUN_OUTPUT).unwrap();
    assert!(
        same(&runs, &printed),
        "runExperiment differs from what optiviz run printed"
    );
}

/// A JSON value as JavaScript, as the page would hand it over.
fn js(v: &serde_json::Value) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}

/// A JavaScript value as JSON.
fn from_js(v: wasm_bindgen::JsValue) -> serde_json::Value {
    serde_json::from_str(&js_sys::JSON::stringify(&v).unwrap().as_string().unwrap()).unwrap()
}

/// Equal as JSON documents; JavaScript has one number type, so 300 and 300.0 are the same.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[wasm_bindgen_test]
fn the_javascript_entry_point_reports_bad_experiments() {
    let bad = serde_json::json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 5,
                                 "optimizers": [{"name": "adam", "lr": 0.1, "betas": [0.9, 1.5]}]});
    let js = js(&bad);
    let err = optiviz::web::run_experiment(js).unwrap_err();
    // An Error whose message is the CLI's line and whose errors list each problem.
    let message = js_sys::Error::from(err.clone()).message();
    assert_eq!(
        String::from(message),
        "optimizers[0].betas[1]: must be in [0, 1), got 1.5"
    );
    let errors = from_js(js_sys::Reflect::get(&err, &"errors".into()).unwrap());
    assert_eq!(
        errors,
        serde_json::json!([{"path": "optimizers[0].betas[1]", "message": "must be in [0, 1), got 1.5"}])
    );
}

fn canvas() -> HtmlCanvasElement {
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn pixel(c: &HtmlCanvasElement, x: f64, y: f64) -> [u8; 4] {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let d = ctx
        .get_image_data(x.floor(), y.floor(), 1.0, 1.0)
        .unwrap()
        .data();
    [d[0], d[1], d[2], d[3]]
}

/// Loads an experiment into the page's `App` as the page's script would: a
/// plain JavaScript object.
fn load(app: &mut App, json: &str) {
    let exp: serde_json::Value = serde_json::from_str(json).unwrap();
    app.set_experiment(js(&exp)).unwrap();
}

const PLOT_EXPERIMENT: &str = r##"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}},
    "start": [3.0, 2.0], "steps": 40,
    "optimizers": [{"name": "sgd", "lr": 0.02, "color": "#ff0000"}]}"##;

#[wasm_bindgen_test]
fn drawing_puts_paths_and_heatmap_at_the_right_pixels() {
    let (surface, paths, chart) = (canvas(), canvas(), canvas());
    let mut app = App::new(surface.clone(), paths.clone(), chart.clone(), canvas()).unwrap();
    load(&mut app, PLOT_EXPERIMENT);
    app.resize(&[400, 300, 400, 150, 400, 200], 1.0);
    app.set_step(40);
    app.draw_surface(false).unwrap();
    app.draw_paths().unwrap();
    app.draw_chart("loss").unwrap();

    let view = View {
        x: [-4.0, 4.0],
        y: [-3.0, 3.0],
    };
    let frame = Frame::for_surface(400.0, 300.0, Scale(1.0), view);
    let run = &Experiment::from_json(PLOT_EXPERIMENT).unwrap().run()[0];

    // Where the trajectory passes, the path layer is the path's red.
    for k in [3, 8, 15] {
        let (x, y) = frame.to_px(run.points[k]);
        let [r, g, b, a] = pixel(&paths, x, y);
        assert!(
            r > 200 && g < 80 && b < 80 && a > 200,
            "step {k} at ({x}, {y}): {:?}",
            [r, g, b, a]
        );
    }
    // Far from it the path layer is transparent and the heatmap shows through.
    let (l, t, r, b) = (
        frame.rect.x,
        frame.rect.y,
        frame.rect.right(),
        frame.rect.bottom(),
    );
    let f = Experiment::from_json(PLOT_EXPERIMENT)
        .unwrap()
        .function
        .objective();
    let grid = Grid::sample(f.as_ref(), view, (r - l) as usize, (b - t) as usize);
    let rgba = grid.rgba();
    let mut rng = Rng(11);
    let (mut checked, mut matched) = (0, 0);
    while checked < 60 {
        let col = (rng.uniform(0.0, 1.0) * grid.width as f64) as usize;
        let row = (rng.uniform(0.0, 1.0) * grid.height as f64) as usize;
        let (x, y) = (l + col as f64 + 0.5, t + row as f64 + 0.5);
        let data = frame.to_data(x, y);
        // Stay clear of the path (its line, casing and dots) and the start handle.
        if run
            .points
            .iter()
            .any(|p| (frame.to_px(*p).0 - x).hypot(frame.to_px(*p).1 - y) < 14.0)
            || data[1].abs() < 0.3
        {
            continue;
        }
        checked += 1;
        assert_eq!(
            pixel(&paths, x, y)[3],
            0,
            "path layer is clear at ({x}, {y})"
        );
        let got = pixel(&surface, x, y);
        let want = &rgba[(row * grid.width + col) * 4..][..3];
        // A contour line may cross the pixel; most pixels are the raster's own colour.
        if (0..3).all(|c| (got[c] as i32 - want[c] as i32).abs() <= 3) {
            matched += 1;
        }
    }
    assert!(
        matched >= 45,
        "only {matched} of 60 heatmap pixels match the raster"
    );
    // The minimum (0, 0) is marked with a white star on the darkest colour.
    let (x, y) = frame.to_px([0.0, 0.0]);
    let star = pixel(&surface, x, y);
    assert!(
        star[..3].iter().all(|&c| c >= 200),
        "{star:?} at the minimum"
    );
    let beside = pixel(&surface, x, y + 12.0);
    let dark = viridis(0.0);
    assert!(
        (0..3).all(|c| (beside[c] as i32 - dark[c] as i32).abs() <= 40),
        "{beside:?} next to the minimum"
    );
    // The loss chart is drawn, on the page's (light) background.
    assert_eq!(pixel(&chart, 2.0, 2.0)[..3], [0xfb, 0xfb, 0xfd]);
}

#[wasm_bindgen_test]
fn at_device_pixel_ratio_2_the_surface_has_a_sample_per_device_pixel_and_keeps_it() {
    let surface = canvas();
    let mut app = App::new(surface.clone(), canvas(), canvas(), canvas()).unwrap();
    load(&mut app, PLOT_EXPERIMENT);
    app.resize(&[400, 300, 400, 150, 400, 200], 2.0);
    app.draw_surface(false).unwrap();
    let view = View {
        x: [-4.0, 4.0],
        y: [-3.0, 3.0],
    };
    let rect = Frame::for_surface(800.0, 600.0, Scale(2.0), view).rect;
    let (w, h) = (rect.w as usize, rect.h as usize);
    let ctx: CanvasRenderingContext2d = surface
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let read = || {
        ctx.get_image_data(rect.x, rect.y, rect.w, rect.h)
            .unwrap()
            .data()
            .to_vec()
    };
    let got = read();
    // The colours of f sampled at every device pixel's centre.
    let f = Experiment::from_json(PLOT_EXPERIMENT)
        .unwrap()
        .function
        .objective();
    let plain = Grid::sample(f.as_ref(), view, w, h).rgba();
    let (mut same, mut lighter) = (0, 0);
    for (g, p) in got.chunks_exact(4).zip(plain.chunks_exact(4)) {
        if g[..3] == p[..3] {
            same += 1;
        } else if (0..3).all(|c| g[c] >= p[c]) {
            // A contour line, drawn into the raster, lightens what it crosses.
            lighter += 1;
        }
    }
    let n = w * h;
    assert!(
        same + lighter >= n * 995 / 1000,
        "{same} exact and {lighter} lightened of {n} pixels"
    );
    assert!(
        lighter > n / 100 && lighter < n / 5,
        "{lighter} of {n} pixels on contour lines"
    );
    // Other work meanwhile (another surface, at another size) leaves the
    // cached raster as it was.
    let mut other = App::new(canvas(), canvas(), canvas(), canvas()).unwrap();
    other.resize(&[640, 480, 400, 150, 400, 200], 1.0);
    other.draw_surface(false).unwrap();
    app.draw_surface(false).unwrap();
    assert!(read() == got, "the cached raster was redrawn differently");
}

#[wasm_bindgen_test]
fn url_queries_round_trip_any_valid_experiment() {
    let mut rng = Rng(2024);
    let functions = [
        "quadratic",
        "rosenbrock",
        "rastrigin",
        "himmelblau",
        "saddle",
    ];
    let optimizers = [
        "sgd", "adam", "adamw", "nadam", "rmsprop", "adagrad", "adadelta", "adamax",
    ];
    for _ in 0..200 {
        let f = functions[(rng.uniform(0.0, 5.0)) as usize];
        let mut opts = Vec::new();
        for _ in 0..(rng.uniform(0.0, 4.0) as usize) {
            let name = optimizers[rng.uniform(0.0, 8.0) as usize];
            let mut o = serde_json::json!({"name": name, "lr": 10f64.powf(rng.uniform(-6.0, 1.0))});
            if name == "sgd" && rng.uniform(0.0, 1.0) < 0.5 {
                o["momentum"] = serde_json::json!(rng.uniform(0.0, 0.99));
            }
            if name.starts_with("adam") && rng.uniform(0.0, 1.0) < 0.5 {
                o["betas"] = serde_json::json!([rng.uniform(0.0, 0.99), rng.uniform(0.9, 0.9999)]);
            }
            if rng.uniform(0.0, 1.0) < 0.3 {
                o["clip"] = serde_json::json!({"max_norm": rng.uniform(0.1, 10.0)});
            }
            if rng.uniform(0.0, 1.0) < 0.3 {
                o["schedule"] = serde_json::json!({"name": "cosine", "T_max": 1 + (rng.uniform(0.0, 500.0) as u32), "eta_min": rng.uniform(0.0, 0.001)});
            }
            if rng.uniform(0.0, 1.0) < 0.2 {
                o["enabled"] = serde_json::json!(false);
            }
            opts.push(o);
        }
        let mut v = serde_json::json!({"function": {"name": f}, "start": [rng.uniform(-5.0, 5.0), rng.uniform(-5.0, 5.0)],
                                       "steps": rng.uniform(0.0, 1000.0) as u32, "optimizers": opts});
        if rng.uniform(0.0, 1.0) < 0.3 {
            let x0 = rng.uniform(-5.0, 0.0);
            v["view"] =
                serde_json::json!({"x": [x0, x0 + rng.uniform(0.1, 10.0)], "y": [-1.0, 2.0]});
        }
        let exp = Experiment::from_value(&v).unwrap();
        let q = query::encode(&exp).unwrap();
        let back = query::decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(back.to_json(), exp.to_json(), "{q}");
    }
}

#[wasm_bindgen_test]
fn a_bad_query_names_the_url_key() {
    let e =
        query::decode("fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.betas=0.9,1.5").unwrap_err();
    assert_eq!(
        e.to_string(),
        "o1.betas: second value must be in [0, 1), got 1.5"
    );
    let e = query::decode("fn=quadratic&fn.b=0&start=0,0&steps=5").unwrap_err();
    assert_eq!(e.to_string(), "fn.b: must be in (0, 1000], got 0");
    let mut app = App::new(canvas(), canvas(), canvas(), canvas()).unwrap();
    let before = app.query().unwrap();
    let err = app
        .load_query("fn=rastrigin&steps=-3&start=0,0")
        .unwrap_err();
    assert_eq!(
        String::from(js_sys::Error::from(err.clone()).message()),
        "steps: must be a whole number in [0, 100000], got -3"
    );
    assert_eq!(
        from_js(js_sys::Reflect::get(&err, &"errors".into()).unwrap()),
        serde_json::json!([{"path": "steps", "message": "must be a whole number in [0, 100000], got -3"}])
    );
    assert_eq!(
        app.query().unwrap(),
        before,
        "the last valid experiment is kept"
    );
}

#[wasm_bindgen_test]
fn stochastic_paths_have_the_same_bits_in_the_browser_as_natively() {
    let doc: serde_json::Value = serde_json::from_str(DETERMINISM).unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let e = Experiment::from_value(&case["experiment"]).unwrap();
        assert_eq!(
            case["hash"],
            paths_hash(&e.run()).as_str(),
            "{}",
            e.to_json()
        );
    }
}

const DATA_EXPERIMENT: &str = r##"{"function": {"name": "linear_regression",
        "data": {"x": [-2, -1, 0, 1, 2], "y": [-3, -1, 1, 3, 5]}},
    "start": [-1.0, 3.0], "steps": 200,
    "optimizers": [{"name": "sgd", "lr": 0.05, "color": "#ff0000"}]}"##;

/// Whether a red line passes within a pixel of (x, y).
fn red_near(c: &HtmlCanvasElement, x: f64, y: f64) -> bool {
    (-1..=1).any(|dx| {
        (-1..=1).any(|dy| {
            let [r, g, b, _] = pixel(c, x + dx as f64, y + dy as f64);
            r > 180 && g < 90 && b < 90
        })
    })
}

#[wasm_bindgen_test]
fn the_data_panel_draws_the_points_and_the_moving_line() {
    let data = canvas();
    let mut app = App::new(canvas(), canvas(), canvas(), data.clone()).unwrap();
    load(&mut app, DATA_EXPERIMENT);
    app.resize(&[400, 300, 400, 150, 400, 240], 1.0);
    let e = Experiment::from_json(DATA_EXPERIMENT).unwrap();
    let d = e.function.data.clone().unwrap();
    let frame = Frame::new(400.0, 240.0, Scale(1.0), data_view(&d, ModelKind::Linear));
    let run = &e.run()[0];

    app.set_step(0);
    app.draw_data().unwrap();
    // Every point is drawn, in the light theme's foreground at 55 % over its
    // background (none lies on the first line).
    let want = [(0x1b, 0xfb), (0x1b, 0xfb), (0x1f, 0xfd)]
        .map(|(c, bg)| 0.55 * c as f64 + 0.45 * bg as f64);
    for (x, y) in d.x.iter().zip(&d.y) {
        let (px, py) = frame.to_px([*x, *y]);
        let got = pixel(&data, px, py);
        assert!(
            (0..3).all(|i| (got[i] as f64 - want[i]).abs() <= 6.0),
            "point ({x}, {y}): {got:?}, want {want:?}"
        );
    }
    // The line of the start, y = −x + 3, runs through (−1.5, 4.5) and (1.5, 1.5).
    let on_start_line = [[-1.5, 4.5], [1.5, 1.5]].map(|p| frame.to_px(p));
    for (x, y) in on_start_line {
        assert!(red_near(&data, x, y), "start line at ({x}, {y})");
    }
    // Between the points, away from the line: the panel's (light) background.
    let (x, y) = frame.to_px([1.5, -2.5]);
    assert_eq!(pixel(&data, x, y)[..3], [0xfb, 0xfb, 0xfd]);

    // At the last step the line has moved to the fit y ≈ 2x + 1.
    app.set_step(200);
    app.draw_data().unwrap();
    let [w, b] = *run.points.last().unwrap();
    assert!((w - 2.0).abs() < 1e-3 && (b - 1.0).abs() < 1e-3);
    for x in [-1.5, 0.5, 1.5] {
        let (px, py) = frame.to_px([x, w * x + b]);
        assert!(red_near(&data, px, py), "fitted line at x = {x}");
    }
    for (x, y) in on_start_line {
        assert!(
            !red_near(&data, x, y),
            "the start line is gone at ({x}, {y})"
        );
    }
}

/// The page's SVG download (from its second module, `optiviz_figures`) for a
/// recorded experiment, size, step, theme and angle: byte for byte the file
/// `optiviz render` wrote (tests/data/figures).
#[wasm_bindgen_test]
fn the_svg_download_is_what_optiviz_render_writes() {
    /// An experiment, the figure's size, step and theme, and the file
    /// `optiviz render` wrote for them.
    struct Recorded {
        json: &'static str,
        size: [u32; 2],
        step: Option<usize>,
        dark: bool,
        /// In relief, from this yaw, pitch and zoom.
        relief: Option<[f64; 3]>,
        svg: &'static str,
    }
    let cases = [
        Recorded {
            json: include_str!("data/figures/himmelblau.json"),
            size: [400, 300],
            step: Some(25),
            dark: false,
            relief: None,
            svg: include_str!("data/figures/himmelblau-400x300-step25.svg"),
        },
        Recorded {
            json: include_str!("data/figures/himmelblau.json"),
            size: [400, 300],
            step: Some(25),
            dark: false,
            relief: Some([30.0, 40.0, 1.2]),
            svg: include_str!("data/figures/himmelblau-400x300-3d.svg"),
        },
        Recorded {
            json: include_str!("data/figures/logistic.json"),
            size: [420, 320],
            step: None,
            dark: true,
            relief: None,
            svg: include_str!("data/figures/logistic-420x320-dark.svg"),
        },
    ];
    for Recorded {
        json,
        size: [w, h],
        step,
        dark,
        relief,
        svg: recorded,
    } in cases
    {
        let mut figures =
            optiviz_figures::Figures::new(json, dark, relief.map(|r| r.to_vec())).unwrap();
        let svg = figures.svg(w, h, step, false).unwrap();
        assert!(
            svg == recorded,
            "the page's SVG differs from optiviz render's ({} vs {} bytes)",
            svg.len(),
            recorded.len()
        );
    }
}

/// The colour scale's range in WebAssembly's own lanes: the least and
/// greatest finite values wherever they sit among values that are not
/// finite, for every length left over after the lanes.
#[wasm_bindgen_test]
fn the_colour_scale_spans_the_finite_values_in_wasm() {
    use optiviz::render::surface::ColourMap;
    // Nothing finite (none at all, one, or a whole lane group and a
    // remainder): the scale's fallback.
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    for values in [&[][..], &[nan][..], &[nan, inf, -inf, nan, nan][..]] {
        let map = ColourMap::of(values);
        assert_eq!((map.min, map.max), (0.0, 1.0), "{values:?}");
    }
    let mut rng = Rng(7);
    for len in 1..40 {
        let mut values: Vec<f64> = (0..len).map(|_| rng.uniform(-50.0, 50.0)).collect();
        for (k, v) in values.iter_mut().enumerate() {
            match k % 5 {
                1 => *v = f64::NAN,
                3 if k % 2 == 0 => *v = f64::INFINITY,
                3 => *v = f64::NEG_INFINITY,
                _ => {}
            }
        }
        // (The first value is always finite.)
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let min = finite.clone().fold(f64::INFINITY, f64::min);
        let max = finite.fold(f64::NEG_INFINITY, f64::max);
        let map = ColourMap::of(&values);
        assert_eq!((map.min, map.max), (min, max), "{values:?}");
    }
}
