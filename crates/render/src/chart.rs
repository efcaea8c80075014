//! The chart of loss against step, through any [`Painter`].

use crate::frame::{log_ticks, tick_label, ticks, Scale, Theme};
use crate::paint::{thin_columns, Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use crate::plot::{draw_legend_box, LegendRow, PathArt};
use crate::text;
use optiviz_base::number::short;
use optiviz_engine::trajectory::Status;
use optiviz_objectives::objective::Minimum;

/// What the loss chart plots on its y axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossAxis {
    /// loss − f* on a log scale, f* the known global minimum value.
    GapLog {
        /// f*, the value subtracted from every loss.
        fstar: f64,
    },
    /// The loss itself, linear (for surfaces without a minimum).
    Linear,
}

impl LossAxis {
    /// A log gap axis down to the lowest of the known `minima`; a linear one
    /// when there are none.
    pub fn for_minima(minima: &[Minimum]) -> LossAxis {
        match minima.iter().map(|m| m.value).reduce(f64::min) {
            Some(fstar) => LossAxis::GapLog { fstar },
            None => LossAxis::Linear,
        }
    }
}

/// The chart's plotting rectangle in a panel `width` × `height` large.
pub fn chart_rect(width: f64, height: f64, s: Scale) -> Rect {
    let (l, t, r, b) = (s.px(60.0), s.px(8.0), s.px(12.0), s.px(32.0));
    Rect::new(l, t, (width - l - r).max(1.0), (height - t - b).max(1.0))
}

/// Loss against step for every path up to `step`, on a panel `width` ×
/// `height` large; the x axis spans `steps`.
#[allow(clippy::too_many_arguments)]
pub fn draw_loss_chart<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    paths: &[PathArt],
    steps: usize,
    step: usize,
    axis: LossAxis,
    theme: Theme,
    s: Scale,
) {
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let r = chart_rect(width, height, s);
    let value = |l: f64| match axis {
        LossAxis::GapLog { fstar } => (l - fstar).max(1e-300),
        LossAxis::Linear => l,
    };
    // The axis is bounded by the runs that did not diverge, so one that blew
    // up does not flatten the others; when every run diverged, by a thousand
    // times the largest starting value.
    // `rise`: the highest value a diverged run reached.
    let (mut lo, mut hi, mut rise) = (f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for path in paths {
        let diverged = matches!(path.run.status, Status::Diverged { .. });
        for v in path.run.losses.iter().map(|&l| value(l)) {
            if !v.is_finite() {
                continue;
            }
            lo = lo.min(v);
            if diverged {
                rise = rise.max(v);
            } else {
                hi = hi.max(v);
            }
        }
    }
    if !hi.is_finite() {
        let start = paths
            .iter()
            .filter_map(|path| path.run.losses.first().map(|&l| value(l)))
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        // Every run diverged: the highest of them all is `rise`.
        hi = rise.min(if start > 0.0 {
            start * 1e3
        } else {
            start.abs().max(1.0) * 1e3
        });
    }
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (1e-3, 1.0);
    }
    let lo = lo.min(hi);
    let log = matches!(axis, LossAxis::GapLog { .. });
    // On a log axis, room for the first three decades of a run's blow-up, so
    // the rise itself is seen before the run leaves the top.
    if log && rise > hi {
        hi = rise.min(hi * 1e3);
    }
    let (lo, hi) = if log {
        (lo.max(hi * 1e-16).max(1e-300), hi.max(lo * 10.0))
    } else {
        let pad = ((hi - lo) * 0.05).max(1e-12);
        (lo - pad, hi + pad)
    };
    let xmax = steps.max(1) as f64;
    let y_of = |v: f64| y_at(r, lo, hi, log, v);
    let x_of = |k: f64| r.x + k / xmax * r.w;

    // The fullest name of the y axis that fits beside it.
    let names: &[&str] = if log {
        &["loss − minimum (log scale)", "loss − minimum", "loss − min"]
    } else {
        &["loss"]
    };
    draw_axes(p, r, height, steps, (lo, hi, log), names, theme, s);

    p.clip(r);
    let mut curves = Vec::with_capacity(paths.len());
    for path in paths {
        let end = step.min(path.run.losses.len().saturating_sub(1));
        let pts: Vec<(f64, f64)> = path.run.losses[..=end]
            .iter()
            .enumerate()
            .map(|(k, &l)| (k, value(l)))
            .filter(|(_, v)| v.is_finite())
            .map(|(k, v)| (x_of(k as f64), y_of(v)))
            .collect();
        // Many steps to a pixel: the same pixels from four points a column.
        let pts = thin_columns(&pts, 1.0);
        p.begin_group(&path.run.label);
        p.polyline(&pts, Stroke::new(theme.casing, s.px(3.5)));
        p.polyline(&pts, Stroke::new(path.color, s.px(2.0)));
        // Where a run leaves the chart (above its top, or to infinity), a
        // caret on the top edge.
        let leaves = path.run.losses[..=end].iter().position(|&l| {
            let v = value(l);
            !v.is_finite() || v > hi * (1.0 + 1e-9)
        });
        if let Some(k) = leaves {
            let (x, y, w) = (x_of(k as f64), r.y + s.px(2.0), s.px(5.0));
            let caret = [(x - w, y + w * 1.2), (x, y), (x + w, y + w * 1.2)];
            p.polyline(&caret, Stroke::new(theme.casing, s.px(3.5)));
            p.polyline(&caret, Stroke::new(path.color, s.px(2.0)));
        }
        p.end_group();
        curves.push(pts);
    }
    p.end_clip();
    let rows = paths.iter().map(|path| (path.color, &path.run.label));
    draw_chart_legend(p, r, width, rows, &curves, theme, s);
}

/// A chart's legend, one row per (colour, label), in the corner the `curves`
/// (device-pixel points) cross least; left out on a narrow chart, or when it
/// would hide more than a third of it (the page lists the optimizers beside it).
pub(crate) fn draw_chart_legend<'a, P: Painter>(
    p: &mut P,
    r: Rect,
    width: f64,
    rows: impl Iterator<Item = (Color, &'a String)>,
    curves: &[Vec<(f64, f64)>],
    theme: Theme,
    s: Scale,
) {
    let rows: Vec<LegendRow> = rows
        .map(|(color, label)| LegendRow {
            color,
            label: label.clone(),
            status: String::new(),
        })
        .collect();
    let covered = |b: &Rect| {
        curves
            .iter()
            .flatten()
            .filter(|&&(x, y)| b.contains(x, y))
            .count()
    };
    if width / s.0 >= 480.0 && !rows.is_empty() {
        draw_legend_box(p, r, &rows, covered, 0.34, theme, s);
    }
}

/// Moves tags `(x, y, …)` apart so that two in the same column (x within
/// four line heights) are at least `gap` apart in y, keeping them within
/// `bounds`: sorted by y, each pushed below the one above it, then the stack
/// pulled back up from the bottom if it ran out.
fn spread_tags<T>(tags: &mut [(f64, f64, T, Color)], gap: f64, (top, bottom): (f64, f64)) {
    tags.sort_by(|a, b| a.1.total_cmp(&b.1));
    let near = |a: f64, b: f64| (a - b).abs() < 4.0 * gap;
    for i in 1..tags.len() {
        if let Some(above) = (0..i).rev().find(|&j| near(tags[j].0, tags[i].0)) {
            tags[i].1 = tags[i].1.max(tags[above].1 + gap);
        }
    }
    for i in (0..tags.len()).rev() {
        let below = (i + 1..tags.len()).find(|&j| near(tags[j].0, tags[i].0));
        let limit = below.map_or(bottom, |j| tags[j].1 - gap);
        tags[i].1 = tags[i].1.min(limit).max(top);
    }
}

/// Where value `v` falls on a y axis from `lo` to `hi` over `r`.
pub(crate) fn y_at(r: Rect, lo: f64, hi: f64, log: bool, v: f64) -> f64 {
    let t = if log {
        (libm::log10(v) - libm::log10(lo)) / (libm::log10(hi) - libm::log10(lo))
    } else {
        (v - lo) / (hi - lo)
    };
    r.bottom() - t.clamp(-1e3, 1e3) * r.h
}

/// A chart's axes over `r` in a panel `height` high: steps 0 to `steps`
/// across, `lo` to `hi` up (log or linear), gridlines, ticks, and the
/// fullest of `names` that fits beside the y axis.
#[allow(clippy::too_many_arguments)]
fn draw_axes<P: Painter>(
    p: &mut P,
    r: Rect,
    height: f64,
    steps: usize,
    (lo, hi, log): (f64, f64, bool),
    names: &[&str],
    theme: Theme,
    s: Scale,
) {
    let fg = theme.foreground;
    let xmax = steps.max(1) as f64;
    let y_of = |v: f64| y_at(r, lo, hi, log, v);
    let x_of = |k: f64| r.x + k / xmax * r.w;
    let grid = Stroke::new(Color::rgb(128, 128, 128).alpha(0.3), s.0.max(1.0));
    let label = TextStyle::new(s.px(11.0), fg);
    p.begin_group("axes");
    let (xs, dx) = ticks(0.0, xmax, 6);
    for k in xs {
        let x = x_of(k);
        p.polyline(&[(x, r.y), (x, r.bottom())], grid);
        p.text(
            &tick_label(k, dx),
            (x, r.bottom() + s.px(6.0)),
            label.anchor(Align::Middle, Baseline::Top),
        );
    }
    let ys: Vec<(f64, String)> = if log {
        log_ticks(lo, hi, 5)
            .into_iter()
            .map(|v| (v, short(v)))
            .collect()
    } else {
        let (ys, d) = ticks(lo, hi, 5);
        // Long numbers in the short form, so they keep clear of the axis name.
        let long = ys.iter().any(|v| v.abs() >= 1e4);
        ys.into_iter()
            .map(|v| (v, if long { short(v) } else { tick_label(v, d) }))
            .collect()
    };
    for (v, text) in ys {
        let y = y_of(v);
        p.polyline(&[(r.x, y), (r.right(), y)], grid);
        p.text(
            &text,
            (r.x - s.px(6.0), y),
            label.anchor(Align::End, Baseline::Middle),
        );
    }
    let line = Stroke::new(fg, s.0.max(1.0));
    p.polyline(
        &[(r.x, r.y), (r.x, r.bottom()), (r.right(), r.bottom())],
        line,
    );
    p.text(
        "step",
        (r.x + r.w / 2.0, height - s.px(3.0)),
        label.anchor(Align::Middle, Baseline::Alphabetic),
    );
    draw_y_name(p, r, names, label, s);
    p.end_group();
}

/// The fullest of `names` that fits beside a chart's y axis over `r`, written
/// upwards at the panel's left edge.
pub(crate) fn draw_y_name<P: Painter>(
    p: &mut P,
    r: Rect,
    names: &[&str],
    label: TextStyle,
    s: Scale,
) {
    let name = names
        .iter()
        .find(|n| text::width(n, label.size) <= r.h)
        .unwrap_or(&names[names.len() - 1]);
    p.text(
        name,
        (s.px(3.0), r.y + r.h / 2.0),
        label.anchor(Align::Middle, Baseline::Top).vertical(),
    );
}

/// One line of a [`draw_series_chart`]: values at steps, in a path's colour.
pub struct Series {
    /// The run's name in the legend.
    pub label: String,
    /// The run's path colour.
    pub color: Color,
    /// (step, value) pairs; non-finite values and, on a log axis, values ≤ 0
    /// are left out.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (the second coordinate of a per-coordinate quantity).
    pub dashed: bool,
    /// A short name written at the line's end, for one of several lines of
    /// the same run (a network's layer: `L1`, `L2`, …).
    pub tag: Option<String>,
}

/// A quantity against step for several lines (a learning rate, a
/// per-coordinate step size, evaluations per step) up to `step`, on a panel
/// `width` × `height` large with the x axis spanning `steps`. The y axis is
/// logarithmic when the values are all positive and span more than a factor
/// of 20, or whenever they are all positive with `prefer_log` (a quantity
/// read by its order of magnitude); `names` are the y axis's names, fullest
/// first.
#[allow(clippy::too_many_arguments)]
pub fn draw_series_chart<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    series: &[Series],
    steps: usize,
    step: usize,
    names: &[&str],
    prefer_log: bool,
    theme: Theme,
    s: Scale,
) {
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let r = chart_rect(width, height, s);
    let shown = |pt: &&(f64, f64)| pt.0 <= step as f64 && pt.1.is_finite();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    // With `prefer_log`, values ≤ 0 (a gradient exactly 0) are left off a
    // log axis rather than turning it linear.
    let counted = |v: f64| v.is_finite() && (!prefer_log || v > 0.0);
    for line in series {
        for &(_, v) in line.points.iter().filter(|pt| counted(pt.1)) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (0.0, 1.0);
    }
    let log = lo > 0.0 && (prefer_log || hi / lo > 20.0);
    let (lo, hi) = if log {
        (lo, hi.max(lo * 10.0))
    } else if hi - lo < 1e-12 * hi.abs().max(1.0) {
        // A constant: centred, with room above and below.
        let pad = hi.abs().max(1.0) * 0.5;
        (
            (lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY }),
            hi + pad,
        )
    } else {
        let pad = (hi - lo) * 0.05;
        (
            (lo - pad).max(if lo >= 0.0 { 0.0 } else { lo - pad }),
            hi + pad,
        )
    };
    let name: Vec<String> = names
        .iter()
        .map(|n| {
            if log {
                format!("{n} (log scale)")
            } else {
                n.to_string()
            }
        })
        .chain(names.iter().map(|n| n.to_string()))
        .collect();
    let name: Vec<&str> = name.iter().map(String::as_str).collect();
    draw_axes(p, r, height, steps, (lo, hi, log), &name, theme, s);
    let xmax = steps.max(1) as f64;
    let x_of = |k: f64| r.x + k / xmax * r.w;
    p.clip(r);
    let mut curves = Vec::with_capacity(series.len());
    for line in series {
        let pts: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter(shown)
            .filter(|pt| !log || pt.1 > 0.0)
            .map(|&(k, v)| (x_of(k), y_at(r, lo, hi, log, v)))
            .collect();
        let pts = thin_columns(&pts, 1.0);
        p.begin_group(&line.label);
        let (line_stroke, casing) = (
            Stroke::new(line.color, s.px(2.0)),
            Stroke::new(theme.casing, s.px(3.5)),
        );
        // A dashed line's casing is dashed with it, so the gaps show.
        let dash = |st: Stroke| match line.dashed {
            true => st.dashed(s.px(6.0), s.px(4.0)),
            false => st,
        };
        p.polyline(&pts, dash(casing));
        p.polyline(&pts, dash(line_stroke));
        p.end_group();
        curves.push(pts);
    }
    p.end_clip();
    // Each tagged line's name at its end, kept inside the chart; tags that
    // would overlap are spread apart up and down, in the order of their ends.
    let tag_style =
        TextStyle::new(s.px(11.0), theme.foreground).anchor(Align::Start, Baseline::Middle);
    let mut tags: Vec<(f64, f64, &str, Color)> = series
        .iter()
        .zip(&curves)
        .filter_map(|(line, pts)| {
            let (tag, &(x, y)) = (line.tag.as_deref()?, pts.last()?);
            let x = (x + s.px(4.0)).min(r.right() - s.px(22.0));
            Some((x, y.clamp(r.y, r.bottom()), tag, line.color))
        })
        .collect();
    spread_tags(&mut tags, s.px(11.0), (r.y, r.bottom()));
    for (x, y, tag, color) in tags {
        // On a box of the background, with a bar of the line's colour: read
        // whatever the colour and whatever lines pass under it.
        let (w, h) = (
            tag.chars().count() as f64 * s.px(6.6) + s.px(6.0),
            s.px(12.0),
        );
        p.fill_rect(
            Rect::new(x - s.px(1.0), y - h / 2.0, w, h),
            theme.background.alpha(0.9),
        );
        p.fill_rect(Rect::new(x - s.px(1.0), y - h / 2.0, s.px(3.0), h), color);
        p.text(tag, (x + s.px(4.0), y), tag_style);
    }
    // One row per optimizer: its second coordinate's dashed line, or its
    // other tagged lines, share it.
    let mut seen = std::collections::HashSet::new();
    let rows = series
        .iter()
        .filter(|l| !l.dashed && seen.insert(&l.label))
        .map(|l| (l.color, &l.label));
    draw_chart_legend(p, r, width, rows, &curves, theme, s);
}

#[cfg(test)]
mod tag_tests {
    use super::*;

    #[test]
    fn tags_at_one_end_are_spread_a_line_apart_within_the_chart() {
        let c = Color::rgb(0, 0, 0);
        let mut tags = vec![
            (100.0, 50.0, "L1", c),
            (100.0, 52.0, "L2", c),
            (100.0, 51.0, "L3", c),
            (300.0, 51.0, "M", c),
        ];
        spread_tags(&mut tags, 10.0, (0.0, 200.0));
        let mut ys: Vec<f64> = tags.iter().filter(|t| t.0 == 100.0).map(|t| t.1).collect();
        ys.sort_by(f64::total_cmp);
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= 10.0 - 1e-9), "{ys:?}");
        // A tag in another column stays where its line ends.
        assert_eq!(tags.iter().find(|t| t.2 == "M").unwrap().1, 51.0);
        // At the bottom, the stack moves up instead of leaving the chart.
        let mut low = vec![
            (0.0, 198.0, "a", c),
            (0.0, 199.0, "b", c),
            (0.0, 200.0, "c", c),
        ];
        spread_tags(&mut low, 10.0, (0.0, 200.0));
        assert!(low.iter().all(|t| t.1 <= 200.0));
        assert!((low[2].1 - low[0].1) >= 20.0 - 1e-9);
    }
}
