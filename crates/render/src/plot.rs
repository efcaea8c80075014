//! The surface plot, drawn through any [`Painter`]: its layer of axes,
//! heatmap, contours, minima and colour scale; its layer of optimizer paths
//! and the start handle; and the legend a figure adds.

use crate::contour::{contour, Segment};
use crate::frame::{shows_colour_scale, sig3, tick_label, ticks, Frame, Scale, Theme};
use crate::paint::{thin, Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use crate::surface::{ColourMap, Grid};
use crate::{colormap, text};
use optiviz_engine::trajectory::{Status, Trajectory};
use optiviz_objectives::objective::{Minimum, View};

/// Contour levels drawn on a surface.
pub const CONTOUR_LEVELS: usize = 14;

/// The contour lines of a sampled surface, in data coordinates. A
/// full-detail grid is traced at every other sample, which gives smooth lines
/// for a quarter of the work.
pub fn contour_segments(grid: &Grid, coarse: bool) -> Vec<Segment> {
    let traced = contour_grid(grid, coarse);
    grid.contour_levels(CONTOUR_LEVELS)
        .into_iter()
        .flat_map(|level| contour(&traced, level))
        .collect()
}

/// The grid contours are traced on (see [`contour_segments`]).
pub fn contour_grid(grid: &Grid, coarse: bool) -> Grid {
    if coarse {
        grid.clone()
    } else {
        grid.subsample(2)
    }
}

/// The most surface evaluations, counted in rows of data, one full-detail
/// surface may take; a model over many rows is sampled more coarsely (the
/// raster is smoothed when scaled up).
pub const SURFACE_BUDGET: f64 = 4e6;

/// The size in samples of the raster for a plotting rectangle: one sample
/// per `per_sample` device pixels, thinned so that a surface whose samples
/// each cost `cost` stays within [`SURFACE_BUDGET`].
pub fn raster_size(rect: Rect, per_sample: f64, cost: f64) -> (usize, usize) {
    let (cw, ch) = (
        (rect.w / per_sample).round().max(2.0),
        (rect.h / per_sample).round().max(2.0),
    );
    let thin = (cost * cw * ch / SURFACE_BUDGET).sqrt().max(1.0);
    (
        ((cw / thin).round() as usize).max(2),
        ((ch / thin).round() as usize).max(2),
    )
}

/// What the surface layer shows, computed once per function, view and size.
pub struct SurfaceArt<'a, I> {
    /// The heatmap, prepared by the painter.
    pub image: &'a I,
    /// The contour lines, as segments in data coordinates.
    pub contours: &'a [Segment],
    /// The heatmap's value-to-colour map, for the colour scale.
    pub colours: ColourMap,
    /// The known minima, marked on the map.
    pub minima: &'a [Minimum],
    /// The axis names: x, y or w, b.
    pub axes: [&'a str; 2],
}

/// The whole surface layer of a `width` × `height` plot: background, axes,
/// the heatmap in the plotting rectangle, contours, minima and (when the plot
/// is wide enough) the colour scale.
pub fn draw_surface_layer<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    frame: &Frame,
    art: &SurfaceArt<P::Image>,
    theme: Theme,
    s: Scale,
) {
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    draw_axes(p, frame, theme, s, art.axes, height);
    p.draw_image(art.image, frame.rect);
    p.clip(frame.rect);
    let segs: Vec<[(f64, f64); 2]> = art
        .contours
        .iter()
        .map(|[a, b]| [frame.to_px(*a), frame.to_px(*b)])
        .collect();
    p.begin_group("contours");
    p.segments(
        &segs,
        Stroke::new(Color::MARK_WHITE.alpha(0.35), s.0.max(1.0)),
    );
    p.end_group();
    draw_minima(p, frame, art.minima, s);
    p.end_clip();
    if shows_colour_scale(width, s) {
        draw_colour_scale(p, frame.rect, art.colours, theme, s);
    }
}

/// Axis lines on the left and bottom of the plotting rectangle, ticks with
/// their values, and the axis names.
pub fn draw_axes<P: Painter>(
    p: &mut P,
    frame: &Frame,
    theme: Theme,
    s: Scale,
    names: [&str; 2],
    height: f64,
) {
    let r = frame.rect;
    let fg = theme.foreground;
    let line = Stroke::new(fg, s.0.max(1.0));
    let label = TextStyle::new(s.px(12.0), fg);
    p.begin_group("axes");
    p.polyline(
        &[(r.x, r.y), (r.x, r.bottom()), (r.right(), r.bottom())],
        line,
    );
    let (xs, dx) = ticks(
        frame.view.x[0],
        frame.view.x[1],
        ((r.w / s.px(70.0)) as usize).clamp(2, 8),
    );
    for v in xs {
        let (x, _) = frame.to_px([v, frame.view.y[0]]);
        p.polyline(&[(x, r.bottom()), (x, r.bottom() + s.px(5.0))], line);
        p.text(
            &tick_label(v, dx),
            (x, r.bottom() + s.px(7.0)),
            label.anchor(Align::Middle, Baseline::Top),
        );
    }
    let (ys, dy) = ticks(
        frame.view.y[0],
        frame.view.y[1],
        ((r.h / s.px(40.0)) as usize).clamp(2, 7),
    );
    for v in ys {
        let (_, y) = frame.to_px([frame.view.x[0], v]);
        p.polyline(&[(r.x - s.px(5.0), y), (r.x, y)], line);
        p.text(
            &tick_label(v, dy),
            (r.x - s.px(7.0), y),
            label.anchor(Align::End, Baseline::Middle),
        );
    }
    p.text(
        names[0],
        (r.x + r.w / 2.0, height - s.px(3.0)),
        label.anchor(Align::Middle, Baseline::Alphabetic),
    );
    p.text(
        names[1],
        (s.px(3.0), r.y + r.h / 2.0),
        label.anchor(Align::Middle, Baseline::Top).vertical(),
    );
    p.end_group();
}

/// The known minima, as white stars with a dark outline.
pub fn draw_minima<P: Painter>(p: &mut P, frame: &Frame, minima: &[Minimum], s: Scale) {
    for m in minima {
        let at = frame.to_px(m.point);
        if frame.contains_px(at.0, at.1) {
            draw_star(p, at, 1.0, s);
        }
    }
}

/// A minimum's mark at `at`: three crossing white strokes over a slightly
/// larger dark copy, at opacity `alpha`.
pub fn draw_star<P: Painter>(p: &mut P, (x, y): (f64, f64), alpha: f64, s: Scale) {
    let size = s.px(7.0);
    p.begin_group("minimum");
    for (color, width, grow) in [(Color::BLACK, 4.0, 1.0), (Color::MARK_WHITE, 2.0, 0.0)] {
        let l = size + grow * s.px(1.0);
        for (dx, dy) in [
            (l, 0.0),
            (l / 2.0, l * 7.0 / 8.0),
            (l / 2.0, -l * 7.0 / 8.0),
        ] {
            p.polyline(
                &[(x - dx, y - dy), (x + dx, y + dy)],
                Stroke::new(color.alpha(alpha), s.px(width)),
            );
        }
    }
    p.end_group();
}

/// The colour scale beside the plotting rectangle `r`: the map from bottom
/// (lowest) to top, with the values at five evenly spaced colours.
pub fn draw_colour_scale<P: Painter>(
    p: &mut P,
    r: Rect,
    colours: ColourMap,
    theme: Theme,
    s: Scale,
) {
    let bar = Rect::new(r.right() + s.px(10.0), r.y, s.px(10.0), r.h);
    p.begin_group("colour scale");
    let stops: Vec<Color> = colormap::ANCHORS
        .iter()
        .map(|&[r, g, b]| Color::rgb(r, g, b))
        .collect();
    p.vertical_gradient(bar, &stops);
    let edge = Stroke::new(theme.foreground.alpha(0.5), s.0.max(1.0));
    p.polyline(
        &[
            (bar.x, bar.y),
            (bar.right(), bar.y),
            (bar.right(), bar.bottom()),
            (bar.x, bar.bottom()),
            (bar.x, bar.y),
        ],
        edge,
    );
    let values: Vec<String> = (0..=4)
        .map(|k| sig3(colours.value_at_level(k as f64 / 4.0)))
        .collect();
    // Labels too wide for the margin are set smaller rather than cut.
    let room =
        r.right() + s.px(crate::frame::COLOUR_SCALE_MARGIN - 2.0) - (bar.right() + s.px(5.0));
    let widest = values
        .iter()
        .map(|v| text::width(v, s.px(11.0)))
        .fold(0.0, f64::max);
    let size = s.px(11.0) * (room / widest).min(1.0);
    let label = TextStyle::new(size, theme.foreground).anchor(Align::Start, Baseline::Middle);
    for (k, value) in values.iter().enumerate() {
        let y = bar.bottom() - k as f64 / 4.0 * bar.h;
        p.polyline(&[(bar.right(), y), (bar.right() + s.px(3.0), y)], edge);
        p.text(value, (bar.right() + s.px(5.0), y), label);
    }
    p.end_group();
}

/// One optimizer's path to draw: its trajectory, colour and name.
pub struct PathArt<'a> {
    /// The run whose points are drawn.
    pub run: &'a Trajectory,
    /// The optimizer's path colour.
    pub color: Color,
}

/// Device-pixel centres of the per-step dots of a path up to `step`, skipping
/// dots closer than `min_gap` pixels to the previous one (they would overlap).
pub fn step_dots(frame: &Frame, run: &Trajectory, step: usize, min_gap: f64) -> Vec<(f64, f64)> {
    let end = step.min(run.points.len().saturating_sub(1));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(end + 1);
    for &q in &run.points[..=end] {
        let (x, y) = frame.to_px(q);
        if !frame.contains_px(x, y) {
            continue;
        }
        if let Some(&(px, py)) = out.last() {
            if (x - px).abs() < min_gap && (y - py).abs() < min_gap {
                continue;
            }
        }
        out.push((x, y));
    }
    out
}

/// The last step of `run` the path layer draws at `step`: `step` itself,
/// except for a run that diverged, which is drawn until it leaves the view
/// for good (its last step inside the view, and the segment out of it), so
/// that its flight past the edges does not cover the picture.
pub fn drawn_end(frame: &Frame, run: &Trajectory, step: usize) -> usize {
    let end = step.min(run.points.len().saturating_sub(1));
    if !matches!(run.status, Status::Diverged { .. }) {
        return end;
    }
    let inside = |q: &[f64; 2]| {
        let v = &frame.view;
        (v.x[0]..=v.x[1]).contains(&q[0]) && (v.y[0]..=v.y[1]).contains(&q[1])
    };
    match run.points[..=end].iter().rposition(inside) {
        Some(last) => (last + 1).min(end),
        None => 0,
    }
}

/// The path layer: each path up to `step` (a dark casing under a line in its
/// colour, a dot per step), longest on screen first, then every path's
/// current point ringed, then the start handle, all clipped to the plotting
/// rectangle.
pub fn draw_paths<P: Painter>(
    p: &mut P,
    frame: &Frame,
    paths: &[PathArt],
    step: usize,
    start: [f64; 2],
    s: Scale,
) {
    p.clip(frame.rect);
    // The longest paths first, so that a short one (a run that stalled, or
    // left the view early) is never buried under a long one. Each path's
    // length inside the plotting rectangle is measured once.
    let r = frame.rect;
    let inside = |(x, y): (f64, f64)| (x.clamp(r.x, r.right()), y.clamp(r.y, r.bottom()));
    let on_screen = |pts: &[(f64, f64)]| -> f64 {
        pts.windows(2)
            .map(|w| {
                let (a, b) = (inside(w[0]), inside(w[1]));
                (b.0 - a.0).hypot(b.1 - a.1)
            })
            .sum()
    };
    let mut lines: Vec<_> = paths
        .iter()
        .map(|path| {
            let end = drawn_end(frame, path.run, step);
            let pts: Vec<(f64, f64)> = path.run.points[..=end]
                .iter()
                .map(|&q| frame.to_px_bounded(q))
                .collect();
            (on_screen(&pts), path, end, thin(&pts, 0.5 * s.0))
        })
        .collect();
    lines.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut ends = Vec::with_capacity(paths.len());
    for (_, path, end, pts) in lines {
        let run = path.run;
        p.begin_group(&run.label);
        // A dark casing under the line keeps it visible on every colour of the map.
        p.polyline(&pts, Stroke::new(Color::BLACK.alpha(0.6), s.px(4.0)));
        p.polyline(&pts, Stroke::new(path.color, s.px(2.0)));
        let radius = s.px(2.0);
        p.dots(&step_dots(frame, run, end, radius), radius, path.color);
        // Over the path, so that it shows where the two run together.
        draw_series(p, frame, run, end, path.color, s);
        p.end_group();
        if let Some(&last) = pts.last() {
            ends.push((last, path.color));
        }
    }
    // Every path's current point is ringed over all the lines, so a path
    // that stopped under another still shows where it is.
    p.begin_group("current");
    for &(last, color) in &ends {
        p.circle(
            last,
            s.px(6.0),
            None,
            Some(Stroke::new(Color::BLACK, s.px(3.0))),
        );
        p.circle(last, s.px(6.0), None, Some(Stroke::new(color, s.px(2.0))));
    }
    p.end_group();
    // The start handle stays on top of every path.
    p.begin_group("start");
    p.circle(
        frame.to_px_bounded(start),
        s.px(7.0),
        Some(Color::WHITE),
        Some(Stroke::new(Color::BLACK, s.px(2.0))),
    );
    p.end_group();
    p.end_clip();
}

/// An optimizer's extra points up to `end` steps, thin in its colour over
/// its path: SAM's ascent points as a tick from each point the step started
/// from to where it took its second gradient; a schedule-free run's averaged
/// iterate and Lookahead's slow weights as a second, dashed path from the
/// start.
fn draw_series<P: Painter>(
    p: &mut P,
    frame: &Frame,
    run: &Trajectory,
    end: usize,
    color: Color,
    s: Scale,
) {
    if let Some((name, series)) = run.series() {
        let series = &series.on_plot;
        let n = end.min(series.len());
        if n == 0 {
            return;
        }
        let faint = Stroke::new(color, s.px(1.5));
        if name == "ascent_points" {
            let ticks: Vec<[(f64, f64); 2]> = (0..n)
                .map(|k| {
                    [
                        frame.to_px_bounded(run.points[k]),
                        frame.to_px_bounded(series[k]),
                    ]
                })
                .collect();
            p.segments(&ticks, faint);
        } else {
            let pts: Vec<(f64, f64)> = std::iter::once(run.points[0])
                .chain(series[..n].iter().copied())
                .map(|q| frame.to_px_bounded(q))
                .collect();
            p.polyline(
                &thin(&pts, 0.5 * s.0),
                Stroke::new(Color::BLACK.alpha(0.35), s.px(3.0)),
            );
            p.polyline(&thin(&pts, 0.5 * s.0), faint.dashed(s.px(5.0), s.px(3.0)));
        }
    }
}

/// One row of a legend: a path's colour, its label and its status line
/// (empty for none).
pub struct LegendRow {
    /// The path's colour, for the row's swatch.
    pub color: Color,
    /// The optimizer's label.
    pub label: String,
    /// How its run stands, e.g. "converged at step 143"; empty for none.
    pub status: String,
}

/// The legend of a figure: a box in the corner of the plotting rectangle that
/// covers the fewest marks (a minimum or the start weighs as much as a hundred
/// steps of a path), a row per shown optimizer.
#[allow(clippy::too_many_arguments)]
pub fn draw_legend<P: Painter>(
    p: &mut P,
    frame: &Frame,
    rows: &[LegendRow],
    paths: &[PathArt],
    step: usize,
    marks: &[[f64; 2]],
    theme: Theme,
    s: Scale,
) {
    let steps: Vec<(f64, f64)> = paths
        .iter()
        .flat_map(|path| {
            let end = step.min(path.run.points.len().saturating_sub(1));
            path.run.points[..=end].iter().map(|&q| frame.to_px(q))
        })
        .collect();
    let marks: Vec<(f64, f64)> = marks.iter().map(|&q| frame.to_px(q)).collect();
    draw_legend_clear_of(p, frame.rect, rows, &steps, &marks, theme, s);
}

/// A legend box in the corner of `area` that covers the fewest of the
/// pixels given: a mark (a minimum, the start) weighs as much as a hundred
/// steps of a path.
pub fn draw_legend_clear_of<P: Painter>(
    p: &mut P,
    area: Rect,
    rows: &[LegendRow],
    steps: &[(f64, f64)],
    marks: &[(f64, f64)],
    theme: Theme,
    s: Scale,
) {
    let under =
        |b: &Rect, pts: &[(f64, f64)]| pts.iter().filter(|&&(x, y)| b.contains(x, y)).count();
    let covered = |b: &Rect| under(b, steps) + 100 * under(b, marks);
    draw_legend_box(p, area, rows, covered, 1.0, theme, s);
}

/// A legend box in the corner of `area` for which `covered` (how much of
/// the picture a box would hide) is least, the first on a tie, in the order
/// top right, top left, bottom right, bottom left; left out when it would
/// take more than `max_share` of the area.
pub fn draw_legend_box<P: Painter>(
    p: &mut P,
    area: Rect,
    rows: &[LegendRow],
    covered: impl Fn(&Rect) -> usize,
    max_share: f64,
    theme: Theme,
    s: Scale,
) {
    if rows.is_empty() {
        return;
    }
    let size = s.px(11.0);
    let (pad, line, swatch) = (s.px(6.0), s.px(16.0), s.px(14.0));
    let r = area;
    let max_text = (r.w - 2.0 * pad - swatch - s.px(20.0)).max(s.px(40.0));
    let lines: Vec<(String, String)> = rows
        .iter()
        .map(|row| {
            let label = text::fit(&row.label, size, max_text * 0.6);
            let rest = max_text - text::width(&label, size) - s.px(8.0);
            (label, text::fit(&row.status, size, rest.max(s.px(20.0))))
        })
        .collect();
    let text_w = lines
        .iter()
        .map(|(l, st)| {
            text::width(l, size)
                + if st.is_empty() {
                    0.0
                } else {
                    s.px(8.0) + text::width(st, size)
                }
        })
        .fold(0.0, f64::max);
    let (w, h) = (
        (pad * 2.0 + swatch + s.px(6.0) + text_w).min(r.w),
        (pad * 2.0 + line * rows.len() as f64).min(r.h),
    );
    if w * h > max_share * r.w * r.h {
        return;
    }
    let margin = s.px(6.0);
    let corners = [
        Rect::new(r.right() - w - margin, r.y + margin, w, h),
        Rect::new(r.x + margin, r.y + margin, w, h),
        Rect::new(r.right() - w - margin, r.bottom() - h - margin, w, h),
        Rect::new(r.x + margin, r.bottom() - h - margin, w, h),
    ];
    let mut best = corners[0];
    let mut fewest = usize::MAX;
    for c in corners {
        let n = covered(&c);
        if n < fewest {
            (best, fewest) = (c, n);
        }
    }
    p.begin_group("legend");
    p.fill_rect(best, theme.background.alpha(0.85));
    let style = TextStyle::new(size, theme.foreground).anchor(Align::Start, Baseline::Middle);
    let muted = TextStyle {
        color: theme.foreground.alpha(0.75),
        ..style
    };
    for (i, (row, (label, status))) in rows.iter().zip(&lines).enumerate() {
        let y = best.y + pad + line * (i as f64 + 0.5);
        let x = best.x + pad;
        p.fill_rect(
            Rect::new(x - s.px(0.5), y - s.px(2.0), swatch + s.px(1.0), s.px(4.0)),
            theme.casing,
        );
        p.fill_rect(Rect::new(x, y - s.px(1.5), swatch, s.px(3.0)), row.color);
        let tx = x + swatch + s.px(6.0);
        p.text(label, (tx, y), style);
        if !status.is_empty() {
            p.text(
                status,
                (tx + text::width(label, size) + s.px(8.0), y),
                muted,
            );
        }
    }
    p.end_group();
}

/// The arrows at one optimizer's current point: the negative gradient, its
/// memory's direction (momentum, first moment) where it keeps one, and the
/// step it takes next, in data units.
pub struct Arrows {
    /// The current point, where the arrows start.
    pub at: [f64; 2],
    /// The optimizer's path colour.
    pub color: Color,
    /// The negative gradient the step received (only its direction is drawn).
    pub descent: [f64; 2],
    /// The direction the optimizer's memory pushes in, where it keeps one
    /// (only its direction is drawn).
    pub memory: Option<[f64; 2]>,
    /// The step taken next, θₖ₊₁ − θₖ.
    pub step: [f64; 2],
}

/// How each arrow's shaft is drawn, for the plot and its key: the negative
/// gradient thin and solid, the memory dashed, the step thick and solid (with
/// a closed head).
pub fn arrow_stroke(kind: usize, color: Color, s: Scale) -> Stroke {
    match kind {
        0 => Stroke::new(color, s.px(1.5)),
        1 => Stroke::new(color, s.px(2.0)).dashed(s.px(6.0), s.px(4.0)),
        _ => Stroke::new(color, s.px(3.5)),
    }
}

/// Draws each optimizer's arrows. The gradient and the memory live in other
/// units than the plane, so they are drawn 44 CSS pixels long, pointing
/// their way; the step is drawn at its true length on screen, kept between
/// 14 and 90 CSS pixels so that it can be seen.
pub fn draw_arrows<P: Painter>(p: &mut P, frame: &Frame, sets: &[Arrows], s: Scale) {
    let r = frame.rect;
    let (sx, sy) = (
        r.w / (frame.view.x[1] - frame.view.x[0]),
        r.h / (frame.view.y[1] - frame.view.y[0]),
    );
    p.clip(r);
    p.begin_group("arrows");
    for set in sets {
        let from = frame.to_px(set.at);
        if !r.contains(from.0, from.1) {
            continue;
        }
        let vectors = [Some(set.descent), set.memory, Some(set.step)];
        for (kind, v) in vectors.iter().enumerate() {
            let Some(v) = v else { continue };
            let (dx, dy) = (v[0] * sx, -v[1] * sy);
            let len = dx.hypot(dy);
            if !(len.is_finite() && len > 0.0) {
                continue;
            }
            let want = if kind == 2 {
                len.clamp(s.px(14.0), s.px(90.0))
            } else {
                s.px(44.0)
            };
            let (ux, uy) = (dx / len, dy / len);
            let tip = (from.0 + ux * want, from.1 + uy * want);
            let head = s.px(7.0);
            let wing = |sign: f64| {
                (
                    tip.0 - head * (ux * 0.87 - sign * uy * 0.5),
                    tip.1 - head * (uy * 0.87 + sign * ux * 0.5),
                )
            };
            let shaft = [from, tip];
            // The step's head is closed, the others' open.
            let barbs = if kind == 2 {
                vec![wing(1.0), tip, wing(-1.0), wing(1.0)]
            } else {
                vec![wing(1.0), tip, wing(-1.0)]
            };
            let casing = Stroke::new(
                Color::BLACK.alpha(0.7),
                s.px(if kind == 2 { 5.5 } else { 3.5 }),
            );
            p.polyline(&shaft, casing);
            p.polyline(&barbs, casing);
            let stroke = arrow_stroke(kind, set.color, s);
            p.polyline(&shaft, stroke);
            p.polyline(&barbs, Stroke::new(set.color, stroke.width.min(s.px(2.0))));
        }
    }
    p.end_group();
    p.end_clip();
}

/// The curvature at one optimizer's current point: the Hessian's eigenvalues
/// (ascending) and unit eigenvectors there.
pub struct Curvature {
    /// The current point, where the ellipse is centred.
    pub at: [f64; 2],
    /// The optimizer's path colour.
    pub color: Color,
    /// The Hessian's eigenvalues, ascending.
    pub values: [f64; 2],
    /// Unit eigenvectors, in the order of `values`.
    pub vectors: [[f64; 2]; 2],
}

/// The longer half-axis of a curvature ellipse, in CSS pixels.
const ELLIPSE_AXIS: f64 = 46.0;

/// Draws at each current point the level curve of the surface's quadratic
/// model there, ½ dᵀHd = c: an ellipse whose half-axes lie along the
/// Hessian's eigenvectors, 1/√|λ| long (narrow where the surface curves
/// steeply), the longer one 46 CSS pixels. An axis along which the surface
/// curves down (a saddle, a maximum) is dashed, and then no ellipse is drawn.
pub fn draw_curvature<P: Painter>(p: &mut P, frame: &Frame, sets: &[Curvature], s: Scale) {
    let r = frame.rect;
    let (sx, sy) = (
        r.w / (frame.view.x[1] - frame.view.x[0]),
        r.h / (frame.view.y[1] - frame.view.y[0]),
    );
    // A data-space vector on screen.
    let screen = |v: [f64; 2]| (v[0] * sx, -v[1] * sy);
    p.clip(r);
    p.begin_group("curvature");
    for set in sets {
        let from = frame.to_px(set.at);
        if !r.contains(from.0, from.1) || !set.values.iter().all(|v| v.is_finite()) {
            continue;
        }
        // Half-axes for c = 1, in data units (infinite along a flat direction).
        let half = set.values.map(|l| (2.0 / l.abs()).sqrt());
        let on_screen = [0, 1].map(|i| {
            let (dx, dy) = screen(set.vectors[i]);
            half[i] * dx.hypot(dy)
        });
        let longest = on_screen
            .iter()
            .copied()
            .filter(|l| l.is_finite())
            .fold(0.0, f64::max);
        if longest <= 0.0 {
            continue;
        }
        let k = s.px(ELLIPSE_AXIS) / longest;
        // Each half-axis on screen, at least 2 CSS pixels, at most the longest.
        let axis = |i: usize| {
            let (dx, dy) = screen(set.vectors[i]);
            let n = dx.hypot(dy);
            let len = (on_screen[i] * k).clamp(s.px(2.0), s.px(ELLIPSE_AXIS));
            (dx / n * len, dy / n * len)
        };
        let (a, b) = (axis(0), axis(1));
        let casing = Stroke::new(Color::BLACK.alpha(0.6), s.px(3.5));
        let convex = set.values[0] > 0.0;
        if convex {
            let ring: Vec<(f64, f64)> = (0..=64)
                .map(|j| {
                    let t = j as f64 / 64.0 * std::f64::consts::TAU;
                    let (c, sn) = (t.cos(), t.sin());
                    (from.0 + a.0 * c + b.0 * sn, from.1 + a.1 * c + b.1 * sn)
                })
                .collect();
            p.polyline(&ring, casing);
            p.polyline(&ring, Stroke::new(set.color, s.px(1.8)));
        }
        for (i, (dx, dy)) in [a, b].into_iter().enumerate() {
            let line = [(from.0 - dx, from.1 - dy), (from.0 + dx, from.1 + dy)];
            let stroke = if set.values[i] < 0.0 {
                Stroke::new(set.color, s.px(1.8)).dashed(s.px(5.0), s.px(3.0))
            } else {
                Stroke::new(set.color, s.px(1.2))
            };
            p.polyline(
                &line,
                Stroke::new(Color::BLACK.alpha(0.6), stroke.width + s.px(2.0)),
            );
            p.polyline(&line, stroke);
        }
    }
    p.end_group();
    p.end_clip();
}

/// A basin map drawn over the surface: the image of its `n` × `n` cells (one
/// pixel each, from [`basin_rgba`]) and the window `view` they cover.
pub struct BasinArt<'a, I> {
    /// The cells' image, prepared by the painter.
    pub image: &'a I,
    /// The data window the cells cover.
    pub view: View,
}

/// The colour of each minimum's basin, in order (then again from the first):
/// hues apart from each other and from the surface's viridis.
pub const BASIN_COLORS: [Color; 8] = [
    Color::rgb(0xe4, 0x1a, 0x1c),
    Color::rgb(0x37, 0x7e, 0xb8),
    Color::rgb(0xff, 0x7f, 0x00),
    Color::rgb(0xf7, 0x81, 0xbf),
    Color::rgb(0x98, 0x4e, 0xa3),
    Color::rgb(0xa6, 0x56, 0x28),
    Color::rgb(0x17, 0xbe, 0xcf),
    Color::rgb(0xff, 0xff, 0x33),
];
/// A start whose run ended neither at a known minimum nor diverged.
pub const BASIN_ELSEWHERE: Color = Color::rgb(0x9e, 0x9e, 0x9e);
/// A start whose run diverged.
pub const BASIN_DIVERGED: Color = Color::rgb(0x10, 0x10, 0x10);

/// The RGBA of a basin map: each minimum's hue, paler the more steps the run
/// took to get there (out of `max_steps`); grey for elsewhere, near-black for
/// diverged; transparent where `outcome` is `None` (not computed yet).
pub fn basin_rgba(outcome: &[Option<i32>], steps: &[Option<u32>], max_steps: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(outcome.len() * 4);
    for (o, k) in outcome.iter().zip(steps) {
        let (c, alpha) = match *o {
            None => (Color::BLACK, 0),
            Some(-1) => (BASIN_DIVERGED, 200),
            Some(m) if m < 0 => (BASIN_ELSEWHERE, 170),
            Some(m) => {
                let base = BASIN_COLORS[m as usize % BASIN_COLORS.len()];
                // Reached at once: the full hue; at the last step: 60% white.
                let t = k
                    .map_or(1.0, |k| k as f64 / max_steps.max(1) as f64)
                    .clamp(0.0, 1.0);
                let mix = |v: u8| (v as f64 + (255.0 - v as f64) * 0.6 * t).round() as u8;
                (Color::rgb(mix(base.r), mix(base.g), mix(base.b)), 170)
            }
        };
        out.extend_from_slice(&[c.r, c.g, c.b, alpha]);
    }
    out
}

/// Draws a basin map over the surface, where its cells lie in the plot.
pub fn draw_basins<P: Painter>(p: &mut P, frame: &Frame, art: &BasinArt<P::Image>) {
    let (x0, y0) = frame.to_px([art.view.x[0], art.view.y[1]]);
    let (x1, y1) = frame.to_px([art.view.x[1], art.view.y[0]]);
    if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
        return;
    }
    p.clip(frame.rect);
    p.begin_group("basins");
    p.draw_image(art.image, Rect::new(x0, y0, x1 - x0, y1 - y0));
    p.end_group();
    p.end_clip();
}
