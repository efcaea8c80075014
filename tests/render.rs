//! `optiviz render`: figures as SVG and PNG, checked as files a reader would
//! open: the SVG parsed as XML, the PNG decoded, the path's pixels compared
//! with where the trajectory really is.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{assert_one_line_error, optiviz};
use optiviz::engine::Runs;
use optiviz::render::figure::Panels;
use optiviz::render::frame::{Frame, Scale};
use optiviz::render::paint::thin;
use optiviz::{Experiment, Objective};
use std::path::{Path, PathBuf};

/// A fresh folder for one test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("optiviz-render-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&d).ok();
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn render_ok(args: &[&str], stdin: &str) {
    let out = optiviz(args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An RGBA image.
struct Image {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Image {
    fn at(&self, x: f64, y: f64) -> [u8; 3] {
        let (x, y) = (x.floor() as usize, y.floor() as usize);
        let i = (y * self.width + x) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }
}

fn decode(path: &Path) -> Image {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    Image {
        width: info.width as usize,
        height: info.height as usize,
        rgba: buf,
    }
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    (0..3).all(|i| (a[i] as i32 - b[i] as i32).abs() <= tol)
}

/// The stroke colours of the `polyline`/`path` elements of an SVG, with
/// their number of points.
fn vector_paths(svg: &str) -> Vec<(String, usize)> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| matches!(n.tag_name().name(), "polyline" | "path"))
        .map(|n| {
            let points = n
                .attribute("points")
                .map_or(0, |p| p.split_whitespace().count());
            (n.attribute("stroke").unwrap_or("").to_string(), points)
        })
        .collect()
}

const TWO: &str = r##"{"function": {"name": "himmelblau"}, "start": [-1.0, -4.5], "steps": 120,
  "optimizers": [{"name": "sgd", "lr": 0.01, "color": "#ff0000"},
                 {"name": "adam", "lr": 0.1, "color": "#00ffff"},
                 {"name": "rmsprop", "lr": 0.01, "color": "#00ff00", "enabled": false}]}"##;

/// One red SGD path down a quadratic bowl, 40 steps.
const RED_SGD: &str = r##"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}},
    "start": [3.0, 2.0], "steps": 40,
    "optimizers": [{"name": "sgd", "lr": 0.02, "color": "#ff0000"}]}"##;

#[test]
fn an_svg_has_the_size_and_one_vector_path_per_shown_optimizer() {
    let d = dir("svg");
    let file = d.join("fig.svg");
    render_ok(
        &[
            "render",
            "-",
            "-o",
            file.to_str().unwrap(),
            "--size",
            "640x480",
        ],
        TWO,
    );
    let svg = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("640"));
    assert_eq!(root.attribute("height"), Some("480"));
    let paths = vector_paths(&svg);
    for (color, shown) in [("#ff0000", true), ("#00ffff", true), ("#00ff00", false)] {
        let n = paths.iter().filter(|(c, _)| c == color).count();
        assert_eq!(n, shown as usize, "{color}: {n} paths");
    }
    // The raster is one embedded PNG, under everything else.
    let images: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "image")
        .collect();
    assert_eq!(images.len(), 1);
    let href = images[0]
        .attribute(("http://www.w3.org/1999/xlink", "href"))
        .unwrap();
    assert!(href.starts_with("data:image/png;base64,"));
    // The metadata says where the data lie: the plotting rectangle and view.
    let meta: serde_json::Value = serde_json::from_str(
        doc.descendants()
            .find(|n| n.tag_name().name() == "metadata")
            .and_then(|n| n.text())
            .unwrap(),
    )
    .unwrap();
    let exp = Experiment::from_json(TWO).unwrap();
    let frame = Frame::for_surface(640.0, 480.0, Scale(1.0), exp.surface().view());
    assert_eq!(meta["plot"]["x"], frame.rect.x);
    assert_eq!(meta["plot"]["width"], frame.rect.w);
    assert_eq!(meta["view"]["y"], serde_json::json!(frame.view.y));
    assert_eq!(meta["step"], 120);
    // Axis names and the legend are text.
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    for want in ["x", "y", "sgd lr=0.01", "adam lr=0.1"] {
        assert!(texts.iter().any(|t| t == want), "no text {want:?}");
    }
    assert!(!texts.iter().any(|t| t.starts_with("rmsprop")));
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn step_k_draws_exactly_the_first_k_steps() {
    let d = dir("step");
    let exp = Experiment::from_json(TWO).unwrap();
    let frame = Frame::for_surface(800.0, 600.0, Scale(1.0), exp.surface().view());
    let sgd = &exp.run()[0];
    for k in [0usize, 1, 37, 120, 500] {
        let file = d.join(format!("k{k}.svg"));
        render_ok(
            &[
                "render",
                "-",
                "-o",
                file.to_str().unwrap(),
                "--step",
                &k.to_string(),
            ],
            TWO,
        );
        let svg = std::fs::read_to_string(&file).unwrap();
        let red: Vec<usize> = vector_paths(&svg)
            .into_iter()
            .filter(|(c, _)| c == "#ff0000")
            .map(|(_, n)| n)
            .collect();
        // The path through steps 0 to k, less the steps under half a pixel.
        let upto: Vec<(f64, f64)> = sgd.points[..=k.min(120)]
            .iter()
            .map(|&q| frame.to_px_bounded(q))
            .collect();
        let want = thin(&upto, 0.5).len();
        assert!(k < 37 || want > 10, "the path is not all thinned away");
        if want < 2 {
            // A single point is no line: only its marker is drawn.
            assert!(red.is_empty(), "step 0: {red:?}");
        } else {
            assert_eq!(red, vec![want], "--step {k}");
        }
        let status = format!("step {}, loss", k.min(120));
        assert!(svg.contains(&status), "--step {k}: legend says {status}");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_png_carries_the_path_colour_where_the_trajectory_passes_and_nowhere_else() {
    let d = dir("png");
    let json = RED_SGD;
    for (size, extra) in [((800, 600), vec![]), ((500, 700), vec!["--dark"])] {
        let file = d.join(format!("{}x{}.png", size.0, size.1));
        let s = format!("{}x{}", size.0, size.1);
        let mut args = vec!["render", "-", "-o", file.to_str().unwrap(), "--size", &s];
        args.extend(extra);
        render_ok(&args, json);
        let img = decode(&file);
        assert_eq!((img.width, img.height), size);

        let exp = Experiment::from_json(json).unwrap();
        let run = &exp.run()[0];
        let view = exp.surface().view();
        let frame = Frame::for_surface(size.0 as f64, size.1 as f64, Scale(1.0), view);
        let red = [255, 0, 0];
        for k in [3, 8, 15, 25] {
            let (x, y) = frame.to_px(run.points[k]);
            assert!(
                close(img.at(x, y), red, 40),
                "{s}: step {k} at ({x:.1}, {y:.1}) is {:?}",
                img.at(x, y)
            );
        }
        // Outside the plotting rectangle no pixel is the path's red.
        let r = frame.rect;
        let mut outside = 0;
        for y in 0..img.height {
            for x in 0..img.width {
                let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
                if !r.contains(fx, fy) && close(img.at(fx, fy), red, 60) {
                    outside += 1;
                }
            }
        }
        assert_eq!(outside, 0, "{s}: red pixels outside the plot");
        // Text is drawn: the tick labels put ink in the band under the plot.
        let bg = img.at(1.0, img.height as f64 - 2.0);
        let ink = (r.bottom() as usize + 8..r.bottom() as usize + 20)
            .flat_map(|y| (0..img.width).map(move |x| (x as f64, y as f64)))
            .filter(|&(x, y)| !close(img.at(x, y), bg, 30))
            .count();
        assert!(ink > 150, "{s}: tick labels under the plot ({ink} pixels)");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_diverging_path_is_clipped_to_the_plot() {
    let d = dir("diverge");
    let file = d.join("fig.png");
    let json = r##"{"function": {"name": "quadratic"}, "start": [3.0, 2.0], "steps": 30,
        "optimizers": [{"name": "sgd", "lr": 0.25, "color": "#ff0000"}]}"##;
    render_ok(&["render", "-", "-o", file.to_str().unwrap()], json);
    let img = decode(&file);
    let exp = Experiment::from_json(json).unwrap();
    let frame = Frame::for_surface(800.0, 600.0, Scale(1.0), exp.surface().view());
    let r = frame.rect;
    let red = (0..img.height)
        .flat_map(|y| (0..img.width).map(move |x| (x as f64 + 0.5, y as f64 + 0.5)))
        .filter(|&(x, y)| close(img.at(x, y), [255, 0, 0], 60));
    let (mut inside, mut outside) = (0, 0);
    for (x, y) in red {
        if r.contains(x, y) {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    assert!(
        inside > 50 && outside == 0,
        "inside {inside}, outside {outside}"
    );
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn chart_and_data_panels_stack_under_the_plot() {
    let d = dir("panels");
    let file = d.join("fig.png");
    let json = r##"{"function": {"name": "linear_regression", "data": {"x": [-2, -1, 0, 1, 2], "y": [-3, -1, 1, 3, 5]}},
        "start": [-1.0, 3.0], "steps": 200,
        "optimizers": [{"name": "sgd", "lr": 0.05, "color": "#ff0000"}]}"##;
    render_ok(
        &[
            "render",
            "-",
            "-o",
            file.to_str().unwrap(),
            "--chart",
            "--data",
            "--size",
            "600x900",
        ],
        json,
    );
    let img = decode(&file);
    assert_eq!((img.width, img.height), (600, 900));
    let panels = Panels::new(900.0, true, true);
    // Both panels have the page's light background, as the plot has.
    let (cy, _) = panels.chart.unwrap();
    let (dy, _) = panels.data.unwrap();
    assert_eq!(img.at(2.0, dy + 2.0), [0xfb, 0xfb, 0xfd]);
    assert_eq!(img.at(2.0, cy + 2.0), [0xfb, 0xfb, 0xfd]);
    // The fitted line y = 2x + 1 at the last step passes through (1, 3) of the data panel.
    let e = Experiment::from_json(json).unwrap();
    let data = e.function.data.clone().unwrap();
    let frame = Frame::new(
        600.0,
        panels.data.unwrap().1,
        Scale(1.0),
        optiviz::objectives::data::data_view(&data, optiviz::objectives::data::ModelKind::Linear),
    );
    let (x, y) = frame.to_px([1.5, 4.0]);
    let near_red = (-2..=2).any(|dx| {
        (-2..=2).any(|dy2| close(img.at(x + dx as f64, dy + y + dy2 as f64), [255, 0, 0], 60))
    });
    assert!(near_red, "the fitted line in the data panel");
    let svg_file = d.join("fig.svg");
    render_ok(
        &[
            "render",
            "-",
            "-o",
            svg_file.to_str().unwrap(),
            "--chart",
            "--data",
        ],
        json,
    );
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    for name in ["w", "b", "step", "loss − min"] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_two_feature_data_panel_draws_predictions_against_actual_y() {
    let d = dir("panels2d");
    let file = d.join("fig.png");
    // y = 2 x1 − x2 exactly: once fitted, every row lies on the diagonal.
    let json = r##"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 0], [0, 1], [1, 1], [2, -1], [-1, 0.5]], "y": [2, -1, 1, 5, -2.5]}},
        "start": [0, 0], "steps": 400,
        "optimizers": [{"name": "sgd", "lr": 0.1, "color": "#ff0000"}]}"##;
    render_ok(
        &[
            "render",
            "-",
            "-o",
            file.to_str().unwrap(),
            "--data",
            "--size",
            "600x900",
        ],
        json,
    );
    let img = decode(&file);
    let panels = Panels::new(900.0, true, false);
    let (dy, dh) = panels.data.unwrap();
    let e = Experiment::from_json(json).unwrap();
    let data = e.function.data.clone().unwrap();
    let view = optiviz::objectives::data::data_view(
        &data,
        optiviz::objectives::data::ModelKind::LeastSquares2d,
    );
    assert_eq!(view.x, view.y, "both axes span y");
    let frame = Frame::new(600.0, dh, Scale(1.0), view);
    for y in [5.0, -2.5] {
        let (px, py) = frame.to_px([y, y]);
        let red = (-1..=1).any(|dx| {
            (-1..=1).any(|d2| close(img.at(px + dx as f64, dy + py + d2 as f64), [255, 0, 0], 60))
        });
        assert!(red, "the row with y = {y} predicted on the diagonal");
    }
    let svg_file = d.join("fig.svg");
    render_ok(
        &["render", "-", "-o", svg_file.to_str().unwrap(), "--data"],
        json,
    );
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    for name in ["w1", "w2", "actual y", "predicted ŷ"] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn bad_arguments_print_one_line_exit_2_and_leave_no_file() {
    let d = dir("bad");
    let svg = d.join("fig.svg");
    let s = svg.to_str().unwrap();
    let pdf = d.join("fig.pdf");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["render", "-", "-o", s, "--size", "99x600"],
            TWO,
            "--size must be WIDTHxHEIGHT in pixels, each in [100, 4000]",
        ),
        (
            vec!["render", "-", "-o", s, "--size", "800"],
            TWO,
            "--size must be WIDTHxHEIGHT",
        ),
        (
            vec!["render", "-", "-o", s, "--step", "-1"],
            TWO,
            "--step must be a whole number of steps >= 0, got '-1'",
        ),
        (
            vec!["render", "-", "-o", s, "--step"],
            TWO,
            "--step needs a value",
        ),
        (
            vec!["render", "-", "-o", s, "--dpi", "3"],
            TWO,
            "unknown option '--dpi' for render",
        ),
        (
            vec!["render", "-"],
            TWO,
            "render needs -o FIGURE.svg, FIGURE.png or RUN.gif",
        ),
        (
            vec!["render", "-", "-o", pdf.to_str().unwrap()],
            TWO,
            "-o must name a .svg, .png or .gif file",
        ),
        (
            vec!["render", "-", "-o", "/nonexistent/folder/fig.svg"],
            TWO,
            "-o /nonexistent/folder/fig.svg: the folder /nonexistent/folder does not exist",
        ),
        (vec!["render", "-", "-o", s], "{", "-: not valid JSON"),
        (
            vec!["render", "-", "-o", s],
            r#"{"function": {"name": "booth"}, "start": [0, 0], "steps": 5, "optimizers": [{"name": "adam", "lr": -1}]}"#,
            "-: optimizers[0].lr: must be a finite number >= 0, got -1",
        ),
        (
            vec!["render", "-", "-o", s, "--data"],
            TWO,
            "--data draws a data panel, which only the models fitted to data (linear_regression, logistic_regression, least_squares_2d) have",
        ),
        (
            vec!["render", "/nonexistent/exp.json", "-o", s],
            "",
            "cannot read /nonexistent/exp.json",
        ),
    ];
    for (args, stdin, want) in cases {
        let out = optiviz(&args, stdin);
        assert_one_line_error(&out, want, &format!("{args:?}"));
        let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn the_same_experiment_renders_the_same_bytes() {
    let d = dir("same");
    let (a, b) = (d.join("a.svg"), d.join("b.svg"));
    render_ok(&["render", "-", "-o", a.to_str().unwrap()], TWO);
    let file = d.join("exp.json");
    std::fs::write(&file, TWO).unwrap();
    render_ok(
        &["render", file.to_str().unwrap(), "-o", b.to_str().unwrap()],
        "",
    );
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn the_text_widths_are_dejavu_sans_own() {
    let face = ttf_parser::Face::parse(optiviz::render::png::FONT, 0).unwrap();
    assert_eq!(face.units_per_em(), 2048);
    let chars = (' '..='~').chain(optiviz::render::text::OTHER_ADVANCE.iter().map(|(c, _)| *c));
    for c in chars {
        let id = face.glyph_index(c).unwrap();
        assert_eq!(
            face.glyph_hor_advance(id),
            Some(optiviz::render::text::advance(c)),
            "{c:?}"
        );
    }
}

#[test]
fn the_recorded_figures_are_what_render_writes() {
    // The page's SVG download is checked against the same files (tests/web.rs).
    let d = dir("recorded");
    for (json, args, recorded) in [
        (
            "himmelblau.json",
            &["--size", "400x300", "--step", "25"][..],
            "himmelblau-400x300-step25.svg",
        ),
        (
            "logistic.json",
            &["--size", "420x320", "--dark"][..],
            "logistic-420x320-dark.svg",
        ),
        (
            "himmelblau.json",
            &[
                "--size",
                "400x300",
                "--step",
                "25",
                "--3d",
                "--angle",
                "30,40,1.2",
            ][..],
            "himmelblau-400x300-3d.svg",
        ),
    ] {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/figures");
        let (input, out) = (data.join(json), d.join(recorded));
        let mut all = vec![
            "render",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        all.extend(args);
        render_ok(&all, "");
        let want = std::fs::read_to_string(data.join(recorded)).unwrap();
        let got = std::fs::read_to_string(&out).unwrap();
        assert!(
            got == want,
            "{recorded} changed; if the drawing changed on purpose, record it again (tests/data/figures/README.md)"
        );
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn the_page_palette_colours_each_mark_one_path_only() {
    // Without colour keys the paths take the page's palette, white among
    // them; contours and minima are drawn in a shade that no path has.
    let d = dir("palette");
    let file = d.join("fig.svg");
    let json = r#"{"function": {"name": "himmelblau"}, "start": [0.5, 0.5], "steps": 60,
        "optimizers": [{"name": "sgd", "lr": 0.01}, {"name": "adam", "lr": 0.1},
                       {"name": "rmsprop", "lr": 0.01}, {"name": "adagrad", "lr": 0.5}]}"#;
    render_ok(&["render", "-", "-o", file.to_str().unwrap()], json);
    let svg = std::fs::read_to_string(&file).unwrap();
    let paths = vector_paths(&svg);
    for color in &optiviz::render::frame::PALETTE[..4] {
        let n = paths.iter().filter(|(c, _)| c == color).count();
        assert_eq!(n, 1, "{color}: {n} vector paths");
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_3d_figure_draws_the_relief_and_each_path_on_it_at_its_losses() {
    use optiviz::render::figure::relief_area;
    use optiviz::render::relief::{Angle, Camera, Mesh};
    let d = dir("relief");
    let (svg_file, png_file) = (d.join("r.svg"), d.join("r.png"));
    // Straight above, so every step is in sight.
    for file in [&svg_file, &png_file] {
        render_ok(
            &[
                "render",
                "-",
                "-o",
                file.to_str().unwrap(),
                "--3d",
                "--angle",
                "0,90",
            ],
            TWO,
        );
    }
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // The mesh is one image; each shown optimizer's path is drawn in its colour.
    let images = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "image")
        .count();
    assert_eq!(images, 1);
    let paths = vector_paths(&svg);
    for (color, shown) in [("#ff0000", true), ("#00ffff", true), ("#00ff00", false)] {
        let n = paths.iter().filter(|(c, _)| c == color).count();
        assert_eq!(n > 0, shown, "{color}: {n} lines");
    }
    let meta = doc
        .descendants()
        .find(|n| n.tag_name().name() == "metadata")
        .and_then(|n| n.text())
        .unwrap();
    let meta: serde_json::Value = serde_json::from_str(meta).unwrap();
    assert_eq!(meta["view3d"]["pitch"], 90.0);
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text())
        .collect();
    for want in ["x", "y", "sgd lr=0.01"] {
        assert!(texts.contains(&want), "no text {want:?}");
    }
    // From straight above the heights' axis is seen end on and left out;
    // from the default angle it is named.
    assert!(!texts.contains(&"loss"));
    let side = d.join("side.svg");
    render_ok(&["render", "-", "-o", side.to_str().unwrap(), "--3d"], TWO);
    assert!(std::fs::read_to_string(&side)
        .unwrap()
        .contains(">loss</text>"));

    // In a PNG, the path's colour lies where its steps are, at their losses.
    let json = RED_SGD;
    render_ok(
        &[
            "render",
            "-",
            "-o",
            png_file.to_str().unwrap(),
            "--3d",
            "--angle",
            "0,90",
        ],
        json,
    );
    let exp = Experiment::from_json(json).unwrap();
    let surf = exp.surface();
    let view = surf.view();
    let (area, _) = relief_area(800.0, 600.0, Scale(1.0), view);
    let camera = Camera::new(area, view, Angle::new(0.0, 90.0, 1.0), Scale(1.0));
    let mesh = Mesh::for_surface(&surf, view);
    let img = decode(&png_file);
    let sgd = &exp.run()[0];
    let mut found = 0;
    for k in [3, 8, 15, 25] {
        let q = sgd.points[k];
        let (x, y, _) = camera.point(q[0], q[1], mesh.level(sgd.losses[k]));
        found += close(img.at(x, y), [255, 0, 0], 40) as usize;
    }
    assert_eq!(found, 4, "SGD's colour at its steps");
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_bad_angle_is_named_and_writes_nothing() {
    let d = dir("angle");
    let out = d.join("f.svg");
    let o = out.to_str().unwrap();
    for (args, want) in [
        (
            vec!["render", "-", "-o", o, "--3d", "--angle", "0,95"],
            "--angle: pitch must be in [0, 90]",
        ),
        (
            vec!["render", "-", "-o", o, "--3d", "--angle", "0,30,9"],
            "--angle: zoom must be in [0.5, 4]",
        ),
        (
            vec!["render", "-", "-o", o, "--3d", "--angle", "left"],
            "--angle: must be YAW,PITCH",
        ),
        (
            vec!["render", "-", "-o", o, "--angle", "0,30"],
            "--angle sets the view of the 3D figure: add --3d",
        ),
        (
            vec!["render", "-", "-o", o, "--3d", "--angle"],
            "--angle needs a value",
        ),
    ] {
        let r = optiviz(&args, TWO);
        assert_one_line_error(&r, want, &format!("{args:?}"));
        assert!(!out.exists(), "{args:?} wrote a file");
    }
    std::fs::remove_dir_all(d).ok();
}

/// A GIF's frames composed onto its screen, RGBA, with its size.
fn gif_frames(path: &Path) -> (usize, usize, Vec<Vec<u8>>) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts
        .read_info(std::io::BufReader::new(std::fs::File::open(path).unwrap()))
        .unwrap();
    let (w, h) = (d.width() as usize, d.height() as usize);
    let mut screen = vec![0u8; w * h * 4];
    let mut out = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        let (fw, fh) = (f.width as usize, f.height as usize);
        for y in 0..fh {
            for x in 0..fw {
                let s = 4 * (y * fw + x);
                // A transparent pixel keeps what the frame before showed.
                if f.buffer[s + 3] == 0 {
                    continue;
                }
                let t = 4 * ((y + f.top as usize) * w + x + f.left as usize);
                screen[t..t + 4].copy_from_slice(&f.buffer[s..s + 4]);
            }
        }
        out.push(screen.clone());
    }
    (w, h, out)
}

#[test]
fn a_gif_has_a_frame_per_step_each_the_figure_at_that_step() {
    let d = dir("gif");
    let file = d.join("run.gif");
    let json = RED_SGD;
    render_ok(
        &[
            "render",
            "-",
            "-o",
            file.to_str().unwrap(),
            "--size",
            "400x300",
            "--fps",
            "10",
        ],
        json,
    );
    let (w, h, frames) = gif_frames(&file);
    assert_eq!((w, h, frames.len()), (400, 300, 41));
    // Each frame is the figure `render --step K` draws: its path's red at
    // step K's point on frame K, and not yet at step 20's on frame 5.
    let exp = Experiment::from_json(json).unwrap();
    let run = &exp.run()[0];
    let frame = Frame::for_surface(400.0, 300.0, Scale(1.0), exp.surface().view());
    let red = |f: &[u8], (x, y): (f64, f64)| {
        (-1..=1).any(|dx: i32| {
            (-1..=1).any(|dy: i32| {
                let (px, py) = ((x as i32 + dx) as usize, (y as i32 + dy) as usize);
                let i = 4 * (py * w + px);
                close([f[i], f[i + 1], f[i + 2]], [255, 0, 0], 10)
            })
        })
    };
    for k in [3, 10, 40] {
        assert!(red(&frames[k], frame.to_px(run.points[k])), "frame {k}");
    }
    assert!(
        !red(&frames[5], frame.to_px(run.points[20])),
        "frame 5 shows step 20"
    );
    // The last frame is the PNG render writes for the last step.
    let png_file = d.join("last.png");
    render_ok(
        &[
            "render",
            "-",
            "-o",
            png_file.to_str().unwrap(),
            "--size",
            "400x300",
        ],
        json,
    );
    let last = decode(&png_file);
    let differ = last
        .rgba
        .chunks(4)
        .zip(frames[40].chunks(4))
        .filter(|(a, b)| (0..3).any(|c| (a[c] as i32 - b[c] as i32).abs() > 40))
        .count();
    assert!(
        differ < w * h / 100,
        "{differ} pixels differ from the PNG by more than the palette's error"
    );
    // Bad rates are named; --fps needs a GIF.
    for (args, want) in [
        (
            vec!["render", "-", "-o", file.to_str().unwrap(), "--fps", "0"],
            "--fps must be a whole number of frames a second in [1, 50], got '0'",
        ),
        (
            vec![
                "render",
                "-",
                "-o",
                png_file.to_str().unwrap(),
                "--fps",
                "10",
            ],
            "--fps sets an animation's frame rate: write a .gif",
        ),
    ] {
        assert_one_line_error(&optiviz(&args, json), want, &format!("{args:?}"));
    }
    std::fs::remove_dir_all(d).ok();
}
