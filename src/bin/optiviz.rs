//! The command-line tool: run an experiment and print its trajectories.

use optiviz::engine::trajectory::Record;
use optiviz::engine::{output, Runs};
use optiviz::objectives::{data, functions};
use optiviz::render::animation;
use optiviz::render::figure::{self, Figure, FigureOptions};
use optiviz::render::relief::Angle;
use optiviz::{optim, Experiment};
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "\
optiviz: optimizer trajectories on classic loss surfaces, with torch.optim semantics

USAGE:
    optiviz run EXPERIMENT.json [--format json|csv] [--state] [--params]
                                                      run an experiment ('-' reads stdin); --state adds
                                                      each optimizer's state after every step (JSON);
                                                      --params, for an MLP, its flat parameters at
                                                      every point (its points are on its plane)
    optiviz render EXPERIMENT.json -o FIGURE.svg|FIGURE.png|RUN.gif [options]
                                                      draw the page's plot as a figure ('-' reads stdin),
                                                      or the run as an animated GIF, a frame per step:
        --size WxH     the figure in pixels, default 800x600, each side 100..4000
        --step K       the paths up to step K (default: every step); a GIF's last frame
        --fps N        a GIF's frames a second, 1..50 (default 20)
        --dark         the page's dark theme
        --chart        the loss-vs-step chart under the plot
        --3d           the surface in relief (a shaded mesh), paths on it
        --angle Y,P    with --3d, seen from yaw Y and pitch P in degrees (P in
                       [0, 90]; default -35,30); Y,P,Z zooms by Z in [0.5, 4]
        --data         for a model fitted to data, the data panel under the plot
    optiviz analyze EXPERIMENT.json [--at X,Y]...     the surface's value, gradient, Hessian, its eigenvalues
                                                      and eigenvectors and condition number at the start,
                                                      at each --at point and at each known minimum (JSON)
    optiviz sweep EXPERIMENT.json [--from A] [--to B] [--count N]
                                                      each optimizer at N learning rates evenly spaced in log
                                                      from A to B (default 1e-5, 10, 61): final and best
                                                      loss and status per rate (JSON)
    optiviz tune EXPERIMENT.json [--from A] [--to B] [--count N]
                                                      a fair comparison: the experiment with each optimizer's
                                                      lr set to the rate of its own sweep (the same rates as
                                                      sweep) that ends lowest without diverging, the smaller
                                                      on a tie; per optimizer the rate, its final loss and how
                                                      many rates converged; one whose every rate diverges
                                                      keeps its rate (JSON)
    optiviz basins EXPERIMENT.json [--grid N] [--view XMIN,XMAX,YMIN,YMAX]
                                                      each optimizer from the centre of each of N x N cells
                                                      (default 64, over the experiment's view): which known
                                                      minimum it reached and when (JSON)
    optiviz functions                                 list the loss surfaces and their parameters
    optiviz optimizers                                list the optimizers and their hyperparameters
    optiviz help                                      this text

An experiment is JSON, for example:
    {\"function\": {\"name\": \"rosenbrock\", \"params\": {\"b\": 100}},
     \"start\": [-1.5, 2.0], \"steps\": 300,
     \"optimizers\": [{\"name\": \"adam\", \"lr\": 0.02}, {\"name\": \"sgd\", \"lr\": 0.001, \"momentum\": 0.9}]}
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(text) => {
            // A reader that stops early (`optiviz run … | head`) closes the
            // pipe: the rest is not wanted, and that is not a failure.
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("optiviz: writing the output: {e}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(msg) => {
            eprintln!("optiviz: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("run") => run_experiment(&args[1..]),
        Some("render") => render(&args[1..]),
        Some("analyze") => analyze(&args[1..]),
        Some("sweep") => sweep(&args[1..]),
        Some("tune") => tune(&args[1..]),
        Some("basins") => basins(&args[1..]),
        Some("functions") => Ok(list_functions()),
        Some("optimizers") => Ok(list_optimizers()),
        Some("help" | "-h" | "--help") | None => Ok(USAGE.to_string()),
        Some(other) => Err(format!("unknown command '{other}'; try 'optiviz help'")),
    }
}

fn run_experiment(args: &[String]) -> Result<String, String> {
    let mut path = None;
    let mut format = "json";
    let mut record = Record::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--state" => record.state = true,
            "--params" => record.params = true,
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some(f @ ("json" | "csv")) => f,
                    Some(f) => return Err(format!("--format must be json or csv, got '{f}'")),
                    None => return Err("--format needs a value: json or csv".into()),
                }
            }
            p if path.is_none() => path = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    let path = path.ok_or("run needs an experiment file (or '-' for stdin)")?;
    let exp = read_experiment(&path)?;
    if record.state && format == "csv" {
        return Err(
            "--state is for JSON output (the state is a map per step); drop --format csv".into(),
        );
    }
    if record.params && exp.function.mlp.is_none() {
        return Err(
            "--params is for an MLP experiment (its points are where its parameters fall on its plane)"
                .into(),
        );
    }
    let (runs, plane) = match &exp.function.mlp {
        Some(model) => {
            let (surface, runs) = exp.network(model, record);
            (runs, Some(surface.plane))
        }
        None => (exp.run_recording(record), None),
    };
    Ok(match format {
        "csv" => output::to_csv(&runs),
        _ => output::to_json_on(&runs, plane.as_ref()) + "\n",
    })
}

/// `optiviz analyze`: the local shape of the experiment's surface.
fn analyze(args: &[String]) -> Result<String, String> {
    let mut path = None;
    let mut at = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--at" => {
                let v = it.next().ok_or("--at needs a point: X,Y")?;
                let p: Vec<f64> = v
                    .split(',')
                    .map(|t| t.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--at must be two numbers X,Y, got '{v}'"))?;
                match p[..] {
                    [x, y] if x.is_finite() && y.is_finite() => at.push([x, y]),
                    _ => return Err(format!("--at must be two finite numbers X,Y, got '{v}'")),
                }
            }
            p if path.is_none() => path = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    let path = path.ok_or("analyze needs an experiment file (or '-' for stdin)")?;
    let exp = read_experiment(&path)?;
    let analysis = optiviz::engine::analyze::analyze(&exp, &at);
    Ok(serde_json::to_string(&analysis).map_err(|e| e.to_string())? + "\n")
}

/// A number option's value.
fn number_option(name: &str, value: Option<&String>, what: &str) -> Result<f64, String> {
    let v = value.ok_or_else(|| format!("{name} needs a value: {what}"))?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("{name} must be {what}, got '{v}'"))
}

/// A whole-number option's value in `lo..=hi`.
fn count_option(name: &str, value: Option<&String>, lo: usize, hi: usize) -> Result<usize, String> {
    let what = format!("a whole number from {lo} to {hi}");
    let v = value.ok_or_else(|| format!("{name} needs a value: {what}"))?;
    v.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| format!("{name} must be {what}, got '{v}'"))
}

/// `optiviz sweep` and `optiviz tune`'s arguments: the experiment's path and
/// the rates (`--from`, `--to`, `--count`).
fn sweep_args(command: &str, args: &[String]) -> Result<(String, Vec<f64>), String> {
    let (mut path, mut from, mut to, mut count) = (None, 1e-5, 10.0, 61);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from" => from = number_option(a, it.next(), "a learning rate > 0")?,
            "--to" => to = number_option(a, it.next(), "a learning rate > 0")?,
            "--count" => count = count_option(a, it.next(), 1, optiviz::engine::sweep::MAX_COUNT)?,
            p if path.is_none() => path = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    let lrs = optiviz::engine::sweep::log_spaced(from, to, count)?;
    let path = path.ok_or(format!(
        "{command} needs an experiment file (or '-' for stdin)"
    ))?;
    Ok((path, lrs))
}

/// `optiviz sweep`: every optimizer at each of a range of learning rates.
fn sweep(args: &[String]) -> Result<String, String> {
    let (path, lrs) = sweep_args("sweep", args)?;
    let exp = read_experiment(&path)?;
    let s = optiviz::engine::sweep::sweep(&exp, &lrs);
    Ok(serde_json::to_string(&s).map_err(|e| e.to_string())? + "\n")
}

/// `optiviz tune`: the experiment with each optimizer at the rate of its own
/// sweep that ends lowest without diverging.
fn tune(args: &[String]) -> Result<String, String> {
    let (path, lrs) = sweep_args("tune", args)?;
    let exp = read_experiment(&path)?;
    let t = optiviz::engine::sweep::tune(&exp, &lrs);
    Ok(serde_json::to_string(&t).map_err(|e| e.to_string())? + "\n")
}

/// `optiviz basins`: where each optimizer ends from every cell of a grid.
fn basins(args: &[String]) -> Result<String, String> {
    let (mut path, mut grid, mut view) = (None, 64, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--grid" => grid = count_option(a, it.next(), 1, optiviz::engine::sweep::MAX_GRID)?,
            "--view" => {
                let what = "four numbers XMIN,XMAX,YMIN,YMAX with XMIN < XMAX and YMIN < YMAX";
                let v = it
                    .next()
                    .ok_or_else(|| format!("--view needs a value: {what}"))?;
                let n: Vec<f64> = v
                    .split(',')
                    .map(|t| t.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--view must be {what}, got '{v}'"))?;
                match n[..] {
                    [x0, x1, y0, y1] if n.iter().all(|x| x.is_finite()) && x0 < x1 && y0 < y1 => {
                        view = Some(optiviz::objectives::objective::View {
                            x: [x0, x1],
                            y: [y0, y1],
                        })
                    }
                    _ => return Err(format!("--view must be {what}, got '{v}'")),
                }
            }
            p if path.is_none() => path = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    let path = path.ok_or("basins needs an experiment file (or '-' for stdin)")?;
    let exp = read_experiment(&path)?;
    if exp.function.mlp.is_some() {
        return Err("basins maps where runs from each start of a plane end; an MLP always starts at its initial weights (change function.init_seed or function.weights to start elsewhere)".into());
    }
    use optiviz::Objective;
    let view = view.or(exp.view).unwrap_or_else(|| exp.surface().view());
    let b = optiviz::engine::sweep::basins(&exp, grid, view);
    Ok(serde_json::to_string(&b).map_err(|e| e.to_string())? + "\n")
}

/// Reads and validates an experiment from a file, or stdin for `-`.
fn read_experiment(path: &str) -> Result<Experiment, String> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    Experiment::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

/// An animation's frames a second unless `--fps` says.
const DEFAULT_FPS: u32 = 20;

/// The run as an animated GIF: a frame per step from 0 to the figure's step
/// (at most [`figure::MAX_FRAMES`], spread evenly), each the figure
/// `render --step K` draws, rasterized a few at a time on every core.
fn animate(figure: &mut Figure, opts: &FigureOptions, fps: u32) -> Result<Vec<u8>, String> {
    use rayon::prelude::*;
    let steps = figure.steps(opts.step);
    // The surface is sampled once, every frame drawn on it.
    figure.prepare(opts);
    let figure = &*figure;
    let frame = |k: usize| {
        let o = FigureOptions {
            step: Some(k),
            ..*opts
        };
        optiviz::render::png::svg_to_rgba(&figure.draw(&o))
    };
    // The last frame shows every colour to come: the palette is learned from it.
    let (last, rest) = steps.split_last().expect("an animation has a frame");
    let (w, h, key) = frame(*last)?;
    let mut gif = animation::Gif::new(w, h, fps, &key, &figure.colours())?;
    for chunk in rest.chunks(16) {
        let frames = chunk
            .par_iter()
            .map(|&k| frame(k))
            .collect::<Result<Vec<_>, String>>()?;
        for (_, _, rgba) in frames {
            gif.add(&rgba)?;
        }
    }
    gif.add(&key)?;
    gif.finish()
}

/// `optiviz render`: the figure as SVG or PNG, or the run as a GIF. Every argument is checked
/// before anything is computed, and the file is written only once complete.
fn render(args: &[String]) -> Result<String, String> {
    let mut input = None;
    let mut output = None;
    let mut opts = FigureOptions::default();
    let (mut relief, mut angle) = (false, None);
    let mut fps = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str, what: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value: {what}"))
        };
        match a.as_str() {
            "-o" | "--output" => output = Some(value(a, "the figure's file, ending in .svg or .png")?),
            "--size" => {
                let (w, h) = figure::parse_size(&value("--size", "WIDTHxHEIGHT, e.g. 800x600")?)?;
                (opts.width, opts.height) = (w, h);
            }
            "--step" => {
                let v = value("--step", "a whole number of steps >= 0")?;
                opts.step = Some(v.parse().map_err(|_| {
                    format!("--step must be a whole number of steps >= 0, got '{v}'")
                })?);
            }
            "--dark" => opts.dark = true,
            "--chart" => opts.chart = true,
            "--data" => opts.data = true,
            "--3d" => relief = true,
            "--fps" => {
                let v = value("--fps", "frames a second, a whole number in [1, 50]")?;
                fps = Some(v.parse::<u32>().ok().filter(|f| (animation::FPS[0]..=animation::FPS[1]).contains(f)).ok_or_else(|| {
                    format!("--fps must be a whole number of frames a second in [1, 50], got '{v}'")
                })?);
            }
            "--angle" => {
                let v = value("--angle", "YAW,PITCH in degrees, e.g. -35,30")?;
                angle = Some(Angle::parse(&v, "--angle").map_err(|e| e.to_string())?);
            }
            flag if flag.starts_with("--") => {
                return Err(format!(
                    "unknown option '{flag}' for render; allowed: -o, --size, --step, --dark, --chart, --data, --3d, --angle, --fps"
                ))
            }
            p if input.is_none() => input = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    if angle.is_some() && !relief {
        return Err("--angle sets the view of the 3D figure: add --3d".to_string());
    }
    if relief {
        opts.relief = Some(angle.unwrap_or_default());
    }
    let input = input.ok_or("render needs an experiment file (or '-' for stdin)")?;
    let output = output.ok_or("render needs -o FIGURE.svg, FIGURE.png or RUN.gif")?;
    let out = Path::new(&output);
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| ["svg", "png", "gif"].contains(&e.as_str()))
        .ok_or_else(|| format!("-o must name a .svg, .png or .gif file, got '{output}'"))?;
    if fps.is_some() && ext != "gif" {
        return Err("--fps sets an animation's frame rate: write a .gif".to_string());
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(format!(
                "-o {output}: the folder {} does not exist",
                dir.display()
            ));
        }
    }
    let exp = read_experiment(&input)?;
    if opts.data && exp.function.def.model.is_none() {
        return Err(format!(
            "--data draws a data panel, which only the models fitted to data (linear_regression, logistic_regression, least_squares_2d) have; {} has none",
            exp.function.def.name
        ));
    }
    let mut figure = Figure::new(exp);
    let bytes = match ext.as_str() {
        "gif" => animate(&mut figure, &opts, fps.unwrap_or(DEFAULT_FPS))?,
        "png" => optiviz::render::png::svg_to_png(&figure.svg(&opts))?,
        _ => figure.svg(&opts).into_bytes(),
    };
    // Written beside the target and renamed, so a failure leaves no partial file.
    let tmp = out.with_extension(format!("{ext}.part"));
    std::fs::write(&tmp, &bytes).map_err(|e| format!("cannot write {output}: {e}"))?;
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {output}: {e}")
    })?;
    Ok(String::new())
}

fn list_functions() -> String {
    let mut s = String::new();
    for d in functions::REGISTRY {
        if d.name == functions::custom::CUSTOM.name {
            s += &format!(
                "{:<20} f(x, y) as you type it in \"expr\", e.g. \"{}\"\n",
                d.name,
                functions::custom::DEFAULT_EXPR
            );
            for line in [
                "\"expr\": numbers, x, y, + - * / ^ (or **), parentheses, pi, e and",
                format!("  {}", optiviz::expr::FUNCTIONS).as_str(),
                "  any other name is a parameter",
                "\"params\": {\"a\": 2, ...}: each parameter's value (default 1; at most 8)",
                "\"view\": {\"x\": [min, max], \"y\": [min, max]}: its window (default [-5, 5]²)",
            ] {
                s += &format!("{:<20}   {line}\n", "");
            }
        } else if d.model.is_none() {
            s += &format!("{:<20} f(x, y) = {}\n", d.name, d.formula);
            for p in d.params {
                s += &format!(
                    "{:<20}   {} = {} ({}): {}\n",
                    "", p.name, p.default, p.range, p.doc
                );
            }
        } else {
            let kind = d.model.expect("a data model");
            let [a, b] = kind.axes();
            s += &format!("{:<20} L({a}, {b}) = {}\n", d.name, d.formula);
            let shape = if kind.features() == 2 {
                "[[x1, x2], ...]"
            } else {
                "[...]"
            };
            s += &format!(
                "{:<20}   rows from \"data\": {{\"x\": {shape}, \"y\": [...]}} or \"generate\":\n",
                ""
            );
            for p in kind.generate_specs() {
                s += &format!(
                    "{:<20}     {} = {} ({}): {}\n",
                    "", p.name, p.default, p.range, p.doc
                );
            }
            if kind.features() == 2 {
                s += &format!(
                    "{:<20}   \"standardize\": true fits each feature rescaled to mean 0 and variance 1\n",
                    ""
                );
            } else {
                s += &format!(
                    "{:<20}     x = [{}, {}]: the range x is drawn from\n",
                    "",
                    data::DEFAULT_X_RANGE[0],
                    data::DEFAULT_X_RANGE[1]
                );
            }
        }
    }
    s
}

fn list_optimizers() -> String {
    let mut s = String::new();
    for d in optim::REGISTRY {
        s += &format!(
            "{} ({}, {}), default lr = {}\n",
            d.name,
            d.title,
            d.origin.package(),
            d.default_lr
        );
        for h in d.hyper {
            let (default, range) = match (h.default, h.kind) {
                (optim::HyperValue::Number(x), optim::HyperKind::Number(r)) => {
                    (x.to_string(), r.to_string())
                }
                (optim::HyperValue::Pair([a, b]), optim::HyperKind::Pair(r)) => {
                    (format!("[{a}, {b}]"), format!("each {r}"))
                }
                (optim::HyperValue::AutoPair(a, b), optim::HyperKind::AutoPair(r)) => (
                    format!("[{}, {b}]", a.map_or("null".to_string(), |a| a.to_string())),
                    format!("each {r}; the first may be null"),
                ),
                (optim::HyperValue::Flag(b), _) => (b.to_string(), "true or false".to_string()),
                (optim::HyperValue::Count(n), optim::HyperKind::Count { min, max, none }) => (
                    n.map_or("null".to_string(), |n| n.to_string()),
                    format!(
                        "a whole number in [{min}, {max}]{}",
                        if none { " or null" } else { "" }
                    ),
                ),
                (optim::HyperValue::Choice(c), optim::HyperKind::Choice(names)) => (
                    c.map_or("null".to_string(), |c| format!("\"{c}\"")),
                    format!("null or {}", names.join(", ")),
                ),
                (optim::HyperValue::Choice(c), optim::HyperKind::Word(names)) => (
                    format!("\"{}\"", c.unwrap_or_default()),
                    format!("one of {}", names.join(", ")),
                ),
                (optim::HyperValue::Triple(t), optim::HyperKind::Triple(r, _)) => (
                    format!("[{}, {}, {}]", t[0], t[1], t[2]),
                    format!("each {r}"),
                ),
                (optim::HyperValue::MaybeNumber(x), optim::HyperKind::MaybeNumber(r, means)) => (
                    x.map_or("null".to_string(), |x| x.to_string()),
                    format!("{r}, or null for {means}"),
                ),
                _ => unreachable!("a hyperparameter's default matches its kind"),
            };
            s += &format!("    {} = {default} ({range}): {}\n", h.name, h.doc);
        }
        if let Some(w) = d.wraps {
            let default = w.default.map_or("required".to_string(), |(name, lr)| {
                format!("{{\"name\": \"{name}\", \"lr\": {lr}}}")
            });
            s += &format!(
                "    {} = {default} (an optimizer entry; not {}): the optimizer it {}\n",
                w.key,
                w.refuses.join(", "),
                w.doc
            );
        }
        if let Some(series) = d.series {
            s += &format!("    runs also give {series}\n");
        }
        for line in d.rule {
            s += &format!("      {line}\n");
        }
    }
    s
}
