//! The plots, written once against plotters' `DrawingBackend`: the frame and
//! axes of the surface plot with its contours and minima, the optimizer paths
//! (on their own layer), and the chart of loss against step.

use crate::functions::{Minimum, View};
use crate::run::Trajectory;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Colours that follow the page's light or dark theme.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub background: RGBColor,
    pub foreground: RGBColor,
}

/// Pixel sizes that scale with the device pixel ratio.
#[derive(Debug, Clone, Copy)]
pub struct Scale(pub f64);

impl Scale {
    pub fn px(&self, css: f64) -> i32 {
        (css * self.0).round() as i32
    }
    pub fn font(&self, css: f64) -> u32 {
        (css * self.0).round() as u32
    }
}

/// The plotting rectangle inside a canvas of `width` × `height` device pixels:
/// `(left, top, right, bottom)`, the same for every layer of the surface plot.
pub fn plot_rect(width: u32, height: u32, scale: Scale) -> (i32, i32, i32, i32) {
    let (l, t, r, b) = (
        scale.px(52.0),
        scale.px(10.0),
        scale.px(12.0),
        scale.px(34.0),
    );
    (
        l,
        t,
        (width as i32 - r).max(l + 1),
        (height as i32 - b).max(t + 1),
    )
}

/// Maps between data coordinates and device pixels of the plotting rectangle.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub rect: (i32, i32, i32, i32),
    pub view: View,
}

impl Frame {
    pub fn new(width: u32, height: u32, scale: Scale, view: View) -> Frame {
        Frame {
            rect: plot_rect(width, height, scale),
            view,
        }
    }
    /// Device pixel of a data point (may lie outside the rectangle).
    pub fn to_px(&self, p: [f64; 2]) -> (f64, f64) {
        let (l, t, r, b) = self.rect;
        let fx = (p[0] - self.view.x[0]) / (self.view.x[1] - self.view.x[0]);
        let fy = (p[1] - self.view.y[0]) / (self.view.y[1] - self.view.y[0]);
        (
            l as f64 + fx * (r - l) as f64,
            b as f64 - fy * (b - t) as f64,
        )
    }
    /// Data point at a device pixel.
    pub fn to_data(&self, x: f64, y: f64) -> [f64; 2] {
        let (l, t, r, b) = self.rect;
        let fx = (x - l as f64) / (r - l) as f64;
        let fy = (b as f64 - y) / (b - t) as f64;
        [
            self.view.x[0] + fx * (self.view.x[1] - self.view.x[0]),
            self.view.y[0] + fy * (self.view.y[1] - self.view.y[0]),
        ]
    }
    pub fn contains_px(&self, x: f64, y: f64) -> bool {
        let (l, t, r, b) = self.rect;
        x >= l as f64 && x <= r as f64 && y >= t as f64 && y <= b as f64
    }
    fn px_i(&self, p: [f64; 2]) -> (i32, i32) {
        let (x, y) = self.to_px(p);
        // Far-away points (a diverging path) saturate instead of overflowing.
        (
            x.clamp(-1e6, 1e6).round() as i32,
            y.clamp(-1e6, 1e6).round() as i32,
        )
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Background, axes with ticks and labels, and nothing inside the plotting
/// rectangle (the raster goes there next).
pub fn draw_axes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    theme: Theme,
    scale: Scale,
    axes: [&str; 2],
) -> DrawResult<DB> {
    root.fill(&theme.background)?;
    let (w, h) = root.dim_in_pixel();
    let (l, t, r, b) = frame.rect;
    let mut chart = ChartBuilder::on(root)
        .margin_top(t as u32)
        .margin_right(w.saturating_sub(r as u32))
        .x_label_area_size(h.saturating_sub(b as u32))
        .y_label_area_size(l as u32)
        .build_cartesian_2d(
            frame.view.x[0]..frame.view.x[1],
            frame.view.y[0]..frame.view.y[1],
        )?;
    let font = ("sans-serif", scale.font(12.0))
        .into_font()
        .color(&theme.foreground);
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(theme.foreground)
        .label_style(font)
        .x_labels(8)
        .y_labels(7)
        .x_desc(axes[0])
        .y_desc(axes[1])
        .axis_desc_style(
            ("sans-serif", scale.font(12.0))
                .into_font()
                .color(&theme.foreground),
        )
        .draw()?;
    Ok(())
}

/// The known minima, as white stars with a dark outline.
pub fn draw_minima<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    minima: &[Minimum],
    scale: Scale,
) -> DrawResult<DB> {
    let size = scale.px(7.0);
    for m in minima {
        let (x, y) = frame.px_i(m.point);
        if !frame.contains_px(x as f64, y as f64) {
            continue;
        }
        // Three crossing strokes over a slightly larger dark copy.
        for (style, grow) in [
            (BLACK.stroke_width(scale.px(4.0) as u32), 1),
            (WHITE.stroke_width(scale.px(2.0) as u32), 0),
        ] {
            let s = size + grow * scale.px(1.0);
            for (dx, dy) in [(s, 0), (s / 2, s * 7 / 8), (s / 2, -s * 7 / 8)] {
                root.draw(&PathElement::new(
                    vec![(x - dx, y - dy), (x + dx, y + dy)],
                    style,
                ))?;
            }
        }
    }
    Ok(())
}

/// One path to draw: its trajectory, its colour.
pub struct PathStyle<'a> {
    pub run: &'a Trajectory,
    pub color: RGBColor,
}

/// The optimizer paths up to `step` (a cased polyline, the current point
/// ringed) and the start handle. The dot at each step is drawn by the caller in
/// one batch per path (see [`step_dots`]): hundreds of separate circle calls
/// would dominate the frame.
pub fn draw_paths<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    paths: &[PathStyle],
    step: usize,
    scale: Scale,
) -> DrawResult<DB> {
    for p in paths {
        let end = step.min(p.run.points.len().saturating_sub(1));
        let pts: Vec<(i32, i32)> = p.run.points[..=end]
            .iter()
            .map(|&q| frame.px_i(q))
            .collect();
        // A dark casing under the line keeps it visible on every colour of the map.
        root.draw(&PathElement::new(
            pts.clone(),
            RGBAColor(0, 0, 0, 0.6).stroke_width(scale.px(4.0) as u32),
        ))?;
        root.draw(&PathElement::new(
            pts.clone(),
            p.color.stroke_width(scale.px(2.0) as u32),
        ))?;
        if let Some(&last) = pts.last() {
            root.draw(&Circle::new(
                last,
                scale.px(6.0) as u32,
                BLACK.stroke_width(scale.px(3.0) as u32),
            ))?;
            root.draw(&Circle::new(
                last,
                scale.px(6.0) as u32,
                p.color.stroke_width(scale.px(2.0) as u32),
            ))?;
        }
    }
    Ok(())
}

/// The start handle: a white disc with a dark ring, to grab and drag.
pub fn draw_start<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    start: [f64; 2],
    scale: Scale,
) -> DrawResult<DB> {
    let s = frame.px_i(start);
    root.draw(&Circle::new(s, scale.px(7.0) as u32, WHITE.filled()))?;
    root.draw(&Circle::new(
        s,
        scale.px(7.0) as u32,
        BLACK.stroke_width(scale.px(2.0) as u32),
    ))?;
    Ok(())
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

/// What the loss chart plots on its y axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossAxis {
    /// loss − f* on a log scale, f* the known global minimum value.
    GapLog { fstar: f64 },
    /// The loss itself, linear (for surfaces without a minimum).
    Linear,
}

/// Loss against step for every path, up to `step`.
pub fn draw_loss_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    paths: &[PathStyle],
    steps: usize,
    step: usize,
    axis: LossAxis,
    theme: Theme,
    scale: Scale,
) -> DrawResult<DB> {
    root.fill(&theme.background)?;
    let font = || {
        ("sans-serif", scale.font(11.0))
            .into_font()
            .color(&theme.foreground)
    };
    let value = |l: f64| match axis {
        LossAxis::GapLog { fstar } => (l - fstar).max(1e-300),
        LossAxis::Linear => l,
    };
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in paths {
        for &l in &p.run.losses {
            let v = value(l);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (1e-3, 1.0);
    }
    let x_range = 0f64..(steps.max(1) as f64);
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(scale.px(8.0))
        .x_label_area_size(scale.px(26.0))
        .y_label_area_size(scale.px(52.0));
    let desc = match axis {
        LossAxis::GapLog { .. } => "loss − min",
        LossAxis::Linear => "loss",
    };
    macro_rules! series {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .light_line_style(RGBAColor(128, 128, 128, 0.15))
                .bold_line_style(RGBAColor(128, 128, 128, 0.3))
                .axis_style(theme.foreground)
                .label_style(font())
                .axis_desc_style(font())
                .x_desc("step")
                .y_desc(desc)
                .x_labels(6)
                .y_labels(5)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| crate::run::short(*y))
                .draw()?;
            for p in paths {
                let end = step.min(p.run.losses.len().saturating_sub(1));
                let pts = p.run.losses[..=end]
                    .iter()
                    .enumerate()
                    .map(|(k, &l)| (k as f64, value(l)))
                    .filter(|(_, v)| v.is_finite());
                chart.draw_series(LineSeries::new(
                    pts,
                    p.color.stroke_width(scale.px(2.0) as u32),
                ))?;
            }
        }};
    }
    match axis {
        LossAxis::GapLog { .. } => {
            let (lo, hi) = (lo.max(hi * 1e-16).max(1e-300), hi.max(lo * 10.0));
            series!(builder.build_cartesian_2d(x_range, (lo..hi).log_scale())?)
        }
        LossAxis::Linear => {
            let pad = ((hi - lo) * 0.05).max(1e-12);
            series!(builder.build_cartesian_2d(x_range, (lo - pad)..(hi + pad))?)
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_maps_both_ways() {
        let f = Frame::new(
            800,
            600,
            Scale(1.0),
            View {
                x: [-2.0, 2.0],
                y: [-1.0, 3.0],
            },
        );
        let (l, t, r, b) = f.rect;
        assert_eq!(f.to_px([-2.0, -1.0]), (l as f64, b as f64));
        assert_eq!(f.to_px([2.0, 3.0]), (r as f64, t as f64));
        let p = f.to_data(300.0, 200.0);
        let (x, y) = f.to_px(p);
        assert!((x - 300.0).abs() < 1e-9 && (y - 200.0).abs() < 1e-9);
    }
}
