//! A figure: the page's plot (with a legend, and optionally the loss chart
//! and the data panel under it) as one SVG document, drawn by the same code
//! as the page's canvases. `optiviz render` writes it (or a PNG of it), and
//! the page's SVG download is the same text for the same experiment and size.

use crate::chart::{draw_loss_chart, LossAxis};
use crate::data_panel::draw_data_panel;
use crate::frame::shows_colour_scale;
use crate::frame::{path_color, Frame, Scale, Theme};
use crate::paint::Painter;
use crate::paint::Rect;
use crate::plot::{
    contour_segments, draw_legend, draw_legend_clear_of, draw_paths, draw_surface_layer,
    raster_size, LegendRow, PathArt, SurfaceArt,
};
use crate::relief::{self, Angle, BaseArt, Camera, Mesh, Relief};
use crate::surface::Grid;
use crate::svg::{document, panel, SvgPainter};
use optiviz_engine::runs::Runs;
use optiviz_engine::trajectory::{Record, Trajectory};
use optiviz_experiment::experiment::Experiment;
use optiviz_objectives::objective::{Objective, View};
use optiviz_objectives::surface::Surface;

/// The smallest and largest side of a figure, in pixels.
pub const SIZE_RANGE: [u32; 2] = [100, 4000];

/// What a figure shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureOptions {
    /// The whole figure's width, in pixels.
    pub width: u32,
    /// The whole figure's height, in pixels.
    pub height: u32,
    /// Paths drawn up to this step; `None` for every step.
    pub step: Option<usize>,
    /// The page's dark theme.
    pub dark: bool,
    /// The loss chart under the plot.
    pub chart: bool,
    /// For a data model, the data panel under the plot.
    pub data: bool,
    /// The surface in relief, seen from this angle, instead of the flat map.
    pub relief: Option<Angle>,
}

impl Default for FigureOptions {
    fn default() -> Self {
        FigureOptions {
            width: 800,
            height: 600,
            step: None,
            dark: false,
            chart: false,
            data: false,
            relief: None,
        }
    }
}

/// Checks a figure side, naming `what` in the error.
pub fn check_side(what: &str, v: u32) -> Result<u32, String> {
    if (SIZE_RANGE[0]..=SIZE_RANGE[1]).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{what} must be a whole number of pixels in [{}, {}], got {v}",
            SIZE_RANGE[0], SIZE_RANGE[1]
        ))
    }
}

/// Parses `WxH`, each side in [`SIZE_RANGE`].
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "--size must be WIDTHxHEIGHT in pixels, each in [{}, {}], e.g. 800x600; got '{text}'",
            SIZE_RANGE[0], SIZE_RANGE[1]
        )
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
    let (w, h) = (side(w)?, side(h)?);
    if check_side("", w).is_err() || check_side("", h).is_err() {
        return Err(bad());
    }
    Ok((w, h))
}

/// The panels of a figure: the plot, then the data panel and the chart,
/// stacked, as `(y, height)` in pixels.
pub struct Panels {
    /// The surface plot, at the top.
    pub plot: (f64, f64),
    /// The data panel, when asked for.
    pub data: Option<(f64, f64)>,
    /// The loss chart, when asked for, at the bottom.
    pub chart: Option<(f64, f64)>,
}

impl Panels {
    /// A figure `height` pixels high split 3 : 1.2 : 1 among the plot and the
    /// panels asked for, in whole pixels.
    pub fn new(height: f64, data: bool, chart: bool) -> Panels {
        // Weights: the plot 3, the data panel 1.2, the chart 1.
        let weights = [
            3.0,
            if data { 1.2 } else { 0.0 },
            if chart { 1.0 } else { 0.0 },
        ];
        let total: f64 = weights.iter().sum();
        let mut y = 0.0;
        let mut take = |w: f64| {
            let h = (height * w / total).round();
            let at = (y, h);
            y += h;
            at
        };
        let plot = take(weights[0]);
        let data = data.then(|| take(weights[1]));
        let chart = chart.then(|| take(weights[2]));
        Panels { plot, data, chart }
    }
}

/// The paths a plot shows: the enabled optimizers', in their colours.
pub fn shown_paths<'a>(exp: &Experiment, runs: &'a [Trajectory]) -> Vec<PathArt<'a>> {
    runs.iter()
        .enumerate()
        .filter(|(i, _)| exp.optimizers.get(*i).is_some_and(|o| o.enabled))
        .map(|(i, run)| PathArt {
            run,
            color: path_color(i, exp.optimizers[i].color.as_deref()),
        })
        .collect()
}

/// The shown paths' colours, RGB: what an animation's palette keeps exact.
pub fn shown_colours(exp: &Experiment, runs: &[Trajectory]) -> Vec<[u8; 3]> {
    shown_paths(exp, runs)
        .iter()
        .map(|p| [p.color.r, p.color.g, p.color.b])
        .collect()
}

/// The names of a plot's axes: a data model's parameters (w, b or w1, w2),
/// x, y otherwise.
pub fn axis_names(exp: &Experiment) -> [&'static str; 2] {
    if exp.function.mlp.is_some() {
        // The coordinates along the landscape plane's two directions.
        return ["a", "b"];
    }
    exp.function
        .def
        .model
        .map_or(["x", "y"], |kind| kind.axes())
}

/// The last step any path reaches, or the experiment's steps.
pub fn last_step(exp: &Experiment, runs: &[Trajectory]) -> usize {
    runs.iter()
        .map(|r| r.points.len().saturating_sub(1))
        .max()
        .unwrap_or(0)
        .max(exp.steps as usize)
}

/// The surface plot of `exp` on any painter, `width` × `height` large: the
/// surface layer (sampled once per CSS pixel), the paths up to `step` and the
/// legend. Returns the plot's frame.
#[allow(clippy::too_many_arguments)]
pub fn draw_plot<P: Painter>(
    p: &mut P,
    size: (f64, f64),
    exp: &Experiment,
    surf: &Surface,
    runs: &[Trajectory],
    step: usize,
    dark: bool,
    s: Scale,
) -> Frame {
    let still = StillPlot::new(p, size, exp, surf, s);
    draw_plot_on(p, &still, exp, runs, step, dark, s)
}

/// What a flat plot shows at every step: the surface sampled into the
/// painter's image, its contours and colours, the minima. An animation
/// makes it once and draws each frame on it.
pub struct StillPlot<I> {
    size: (f64, f64),
    frame: Frame,
    image: I,
    contours: Vec<crate::contour::Segment>,
    colours: crate::surface::ColourMap,
    minima: Vec<optiviz_objectives::objective::Minimum>,
}

impl<I> StillPlot<I> {
    /// The still part of `exp`'s `width` × `height` plot.
    pub fn new<P: Painter<Image = I>>(
        p: &mut P,
        (width, height): (f64, f64),
        exp: &Experiment,
        surf: &Surface,
        s: Scale,
    ) -> StillPlot<I> {
        let view = exp.view.unwrap_or_else(|| surf.view());
        let frame = Frame::for_surface(width, height, s, view);
        let (cw, ch) = raster_size(frame.rect, s.0, surf.cost() as f64);
        let grid = Grid::sample(surf, view, cw, ch);
        StillPlot {
            size: (width, height),
            frame,
            image: p.image(grid.width, grid.height, &grid.rgba()),
            contours: contour_segments(&grid, false),
            colours: grid.colours(),
            minima: surf.minima(),
        }
    }
}

/// [`draw_plot`] on a still part made before: the surface layer, the paths
/// up to `step` and the legend.
pub fn draw_plot_on<P: Painter>(
    p: &mut P,
    still: &StillPlot<P::Image>,
    exp: &Experiment,
    runs: &[Trajectory],
    step: usize,
    dark: bool,
    s: Scale,
) -> Frame {
    let frame = still.frame;
    let theme = Theme::page(dark);
    let art = SurfaceArt {
        image: &still.image,
        contours: &still.contours,
        colours: still.colours,
        minima: &still.minima,
        axes: axis_names(exp),
    };
    draw_surface_layer(p, still.size, &frame, &art, theme, s);
    let paths = shown_paths(exp, runs);
    draw_paths(p, &frame, &paths, step, exp.start, s);
    let rows = legend_rows(&paths, step);
    let marks: Vec<[f64; 2]> = still
        .minima
        .iter()
        .map(|m| m.point)
        .chain([exp.start])
        .collect();
    draw_legend(p, &frame, &rows, &paths, step, &marks, theme, s);
    frame
}

/// A legend row per shown path: its colour, label and status at `step`.
fn legend_rows(paths: &[PathArt], step: usize) -> Vec<LegendRow> {
    paths
        .iter()
        .map(|path| LegendRow {
            color: path.color,
            label: path.run.label.clone(),
            status: path.run.status_at(step).1,
        })
        .collect()
}

/// Where the relief is drawn in a `width` × `height` plot: all of it but
/// the colour scale's margin, and the rectangle the colour scale stands
/// beside (when the plot is wide enough for one).
pub fn relief_area(width: f64, height: f64, s: Scale, view: View) -> (Rect, Option<Rect>) {
    let frame = Frame::for_surface(width, height, s, view);
    if shows_colour_scale(width, s) {
        (
            Rect::new(0.0, 0.0, frame.rect.right(), height),
            Some(frame.rect),
        )
    } else {
        (Rect::new(0.0, 0.0, width, height), None)
    }
}

/// The start and its loss, where the relief draws it: the first shown
/// path's first step (a network's θ0 at its loss), else f at the start.
pub fn relief_start(
    exp: &Experiment,
    surf: &Surface,
    paths: &[PathArt],
) -> Option<([f64; 2], f64)> {
    match paths.first() {
        Some(p) => Some((p.run.points[0], p.run.losses.first().copied()?)),
        None if surf.network().is_none() => Some((exp.start, surf.value(exp.start))),
        None => None,
    }
}

/// The plot in relief on any painter, `width` × `height` large, seen from
/// `angle`: the mesh (`mesh`, or the surface's own, [`Mesh::for_surface`];
/// rasterized at twice the resolution, for smooth edges), the box and its
/// axes, the paths up to `step`, and the legend.
#[allow(clippy::too_many_arguments)]
pub fn draw_relief_plot<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    exp: &Experiment,
    surf: &Surface,
    runs: &[Trajectory],
    step: usize,
    dark: bool,
    s: Scale,
    angle: Angle,
    mesh: Option<&Mesh>,
) -> Camera {
    let view = exp.view.unwrap_or_else(|| surf.view());
    let (area, bar) = relief_area(width, height, s, view);
    let camera = Camera::new(area, view, angle, s);
    let own;
    let mesh = match mesh {
        Some(m) => m,
        None => {
            own = Mesh::for_surface(surf, view);
            &own
        }
    };
    let raster = Relief::render(mesh, &camera, 2.0);
    let image = p.image(raster.width, raster.height, &raster.rgba);
    let minima = surf.minima();
    let theme = Theme::page(dark);
    let art = BaseArt {
        image: &image,
        colours: mesh.colours,
        minima: &minima,
        axes: axis_names(exp),
    };
    relief::draw_base(p, (width, height), &camera, &raster, &art, theme, s, bar);
    let paths = shown_paths(exp, runs);
    let start = relief_start(exp, surf, &paths);
    relief::draw_paths(p, &camera, &raster, mesh, &paths, step, start, s);
    let rows = legend_rows(&paths, step);
    let marks: Vec<([f64; 2], f64)> = minima
        .iter()
        .map(|m| (m.point, m.value))
        .chain(start)
        .collect();
    let (steps, marks) = relief::marks_on_screen(&camera, mesh, &paths, step, &marks);
    draw_legend_clear_of(p, area, &rows, &steps, &marks, theme, s);
    camera
}

/// The most frames an animation of a run takes.
pub const MAX_FRAMES: usize = 1000;

/// The steps an animation of steps 0 to `last` shows, a frame each: every
/// step, or for a longer run [`MAX_FRAMES`] steps evenly spread, the first
/// and the last always among them.
pub fn animation_steps(last: usize) -> Vec<usize> {
    if last < MAX_FRAMES {
        return (0..=last).collect();
    }
    let n = MAX_FRAMES - 1;
    let mut steps: Vec<usize> = (0..=n)
        .map(|i| ((i as f64) * last as f64 / n as f64).round() as usize)
        .collect();
    steps.dedup();
    steps
}

/// A figure to draw at any step: an experiment with its surface and runs,
/// computed once, and the still part of its flat plot kept for the size
/// last drawn, so an animation's frames are each drawn on it. `optiviz
/// render` draws its GIFs with one, and the page its downloads.
pub struct Figure {
    exp: Experiment,
    surface: Surface,
    runs: Vec<Trajectory>,
    /// The still plot, and the width, height, chart and data panel it is for.
    still: Option<(StillKey, StillPlot<String>)>,
    /// The relief's mesh, made the first time the figure is in relief.
    mesh: Option<Mesh>,
}

impl Figure {
    /// `exp`'s figure, its surface and runs computed here.
    pub fn new(exp: Experiment) -> Figure {
        let (surface, runs) = exp.surface_and_runs(Record::default());
        Figure::with(exp, surface, runs)
    }

    /// The figure of `exp`, whose surface and runs the caller has.
    pub fn with(exp: Experiment, surface: Surface, runs: Vec<Trajectory>) -> Figure {
        Figure {
            exp,
            surface,
            runs,
            still: None,
            mesh: None,
        }
    }

    /// The experiment drawn.
    pub fn experiment(&self) -> &Experiment {
        &self.exp
    }

    /// The last step of the longest run.
    pub fn last_step(&self) -> usize {
        last_step(&self.exp, &self.runs)
    }

    /// The shown paths' colours: a GIF keeps them exact.
    pub fn colours(&self) -> Vec<[u8; 3]> {
        shown_colours(&self.exp, &self.runs)
    }

    /// The steps an animation up to `last` (or the last step) shows.
    pub fn steps(&self, last: Option<usize>) -> Vec<usize> {
        animation_steps(last.unwrap_or(usize::MAX).min(self.last_step()))
    }

    /// The figure as `opts` asks, as an SVG document.
    pub fn svg(&mut self, opts: &FigureOptions) -> String {
        self.prepare(opts);
        self.draw(opts)
    }

    /// Samples the surface for `opts`: the mesh of the relief (once), or
    /// the still part of a flat plot of `opts`'s size (unless the one kept
    /// is for it already).
    pub fn prepare(&mut self, opts: &FigureOptions) {
        let key = still_key(opts);
        if opts.relief.is_some() {
            if self.mesh.is_none() {
                let view = self.exp.view.unwrap_or_else(|| self.surface.view());
                self.mesh = Some(Mesh::for_surface(&self.surface, view));
            }
        } else if self.still.as_ref().is_none_or(|(k, _)| *k != key) {
            self.still = still_plot(&self.exp, &self.surface, opts).map(|s| (key, s));
        }
    }

    /// [`Figure::svg`] without keeping anything: on what
    /// [`Figure::prepare`] made for `opts` (so frames can be drawn side by
    /// side), or sampling the surface afresh.
    pub fn draw(&self, opts: &FigureOptions) -> String {
        let key = still_key(opts);
        let still = self
            .still
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, s)| s);
        draw_figure(
            &self.exp,
            &self.surface,
            &self.runs,
            opts,
            self.mesh.as_ref(),
            still,
        )
    }
}

/// What a still plot depends on besides the experiment: the figure's width
/// and height, and whether the chart and the data panel are under it.
type StillKey = (u32, u32, bool, bool);

/// The [`StillKey`] of `opts`.
fn still_key(opts: &FigureOptions) -> StillKey {
    (opts.width, opts.height, opts.chart, opts.data)
}

/// The still part of a flat figure's plot (`None` in relief), for
/// [`Figure::draw`] to draw every frame of an animation on.
fn still_plot(exp: &Experiment, surf: &Surface, opts: &FigureOptions) -> Option<StillPlot<String>> {
    let panels = Panels::new(
        opts.height as f64,
        opts.data && surf.model().is_some(),
        opts.chart,
    );
    opts.relief.is_none().then(|| {
        StillPlot::new(
            &mut SvgPainter::new("plot"),
            (opts.width as f64, panels.plot.1),
            exp,
            surf,
            Scale(1.0),
        )
    })
}

/// The figure as an SVG document: a relief drawn from `mesh` when given (else
/// the surface's own), a flat plot on `still` when given (made by
/// [`still_plot`] for the same experiment and options).
fn draw_figure(
    exp: &Experiment,
    surf: &Surface,
    runs: &[Trajectory],
    opts: &FigureOptions,
    mesh: Option<&Mesh>,
    still: Option<&StillPlot<String>>,
) -> String {
    let step = opts.step.unwrap_or(usize::MAX).min(last_step(exp, runs));
    let (w, h) = (opts.width as f64, opts.height as f64);
    let model = surf.model();
    let panels = Panels::new(h, opts.data && model.is_some(), opts.chart);
    let s = Scale(1.0);
    let mut body = String::new();

    let mut p = SvgPainter::new("plot");
    let (rect, view) = match opts.relief {
        Some(angle) => {
            let camera = draw_relief_plot(
                &mut p,
                (w, panels.plot.1),
                exp,
                surf,
                runs,
                step,
                opts.dark,
                s,
                angle,
                mesh,
            );
            (camera.area, camera.view)
        }
        None => {
            let made;
            let still = match still {
                Some(still) => still,
                None => {
                    made = StillPlot::new(&mut p, (w, panels.plot.1), exp, surf, s);
                    &made
                }
            };
            let frame = draw_plot_on(&mut p, still, exp, runs, step, opts.dark, s);
            (frame.rect, frame.view)
        }
    };
    body += &panel(0.0, panels.plot.0, w, panels.plot.1, &p.finish());

    let paths = shown_paths(exp, runs);
    if let (Some((y, ph)), Some(model)) = (panels.data, model) {
        let mut p = SvgPainter::new("data");
        draw_data_panel(
            &mut p,
            (w, ph),
            model,
            &paths,
            step,
            Theme::page(opts.dark),
            s,
        );
        body += &panel(0.0, y, w, ph, &p.finish());
    }
    if let Some((y, ph)) = panels.chart {
        let mut p = SvgPainter::new("chart");
        draw_loss_chart(
            &mut p,
            (w, ph),
            &paths,
            last_step(exp, runs),
            step,
            LossAxis::for_minima(&surf.minima()),
            Theme::page(opts.dark),
            s,
        );
        body += &panel(0.0, y, w, ph, &p.finish());
    }
    let title = format!(
        "optiviz: {} from ({}, {}), step {step}",
        exp.function.title(),
        exp.start[0],
        exp.start[1]
    );
    // Where the data lie in the figure, for whoever annotates or checks it.
    let r = rect;
    let mut meta = serde_json::json!({
        "plot": {"x": r.x, "y": r.y + panels.plot.0, "width": r.w, "height": r.h},
        "view": view,
        "step": step,
    });
    if let Some(angle) = opts.relief {
        meta["view3d"] = serde_json::json!(angle);
    }
    let body = format!("<metadata id=\"optiviz\">{meta}</metadata>\n{body}");
    document(opts.width, opts.height, &title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_within_range() {
        assert_eq!(parse_size("800x600"), Ok((800, 600)));
        assert_eq!(parse_size("100X4000"), Ok((100, 4000)));
        for bad in ["99x600", "800x4001", "800", "axb", "800x", "-5x600"] {
            let e = parse_size(bad).unwrap_err();
            assert!(e.starts_with("--size must be"), "{bad}: {e}");
        }
    }

    #[test]
    fn an_animation_takes_every_step_or_a_thousand_spread_evenly() {
        assert_eq!(animation_steps(0), vec![0]);
        assert_eq!(animation_steps(3), vec![0, 1, 2, 3]);
        assert_eq!(animation_steps(999).len(), 1000);
        let long = animation_steps(100_000);
        assert_eq!(long.len(), MAX_FRAMES);
        assert_eq!((long[0], *long.last().unwrap()), (0, 100_000));
        assert!(long.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn panels_stack_and_fill_the_height() {
        let p = Panels::new(600.0, true, true);
        let (d, c) = (p.data.unwrap(), p.chart.unwrap());
        assert_eq!(p.plot.0, 0.0);
        assert_eq!(d.0, p.plot.1);
        assert_eq!(c.0, d.0 + d.1);
        assert!((c.0 + c.1 - 600.0).abs() <= 1.0);
        assert_eq!(Panels::new(600.0, false, false).plot, (0.0, 600.0));
    }
}
