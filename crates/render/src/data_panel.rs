//! The data panel of a model fitted to data, through any [`Painter`]. For
//! linear and logistic regression: the rows of (x, y) and each shown
//! optimizer's model at the current step (its line, or its sigmoid and
//! decision boundary). For two-feature least squares, whose rows do not fit
//! on one plane with their fit: each row's actual y against its prediction
//! ŷ = w1 x1 + w2 x2, at the exact least-squares fit (grey) and at each
//! shown optimizer's current weights, with the diagonal ŷ = y where a
//! perfect fit puts every row.

use crate::frame::{Frame, Scale, Theme};
use crate::paint::{Color, Painter, Rect, Stroke};
use crate::plot::{draw_axes, PathArt};
use optiviz_objectives::data::{data_view, DataModel, Dataset, Fit, ModelKind};

/// The colour of the rows on `theme`, fainter when there are many.
pub fn row_color(rows: usize, theme: Theme) -> Color {
    theme.foreground.alpha(if rows > 1000 { 0.3 } else { 0.55 })
}

/// The panel's frame in a panel `width` × `height` large.
pub fn data_frame(width: f64, height: f64, s: Scale, data: &Dataset, model: ModelKind) -> Frame {
    Frame::new(width, height, s, data_view(data, model))
}

/// The weights a path has reached at `step` (its last point if it stopped
/// earlier).
fn weights_at(path: &PathArt, step: usize) -> Option<[f64; 2]> {
    let points = &path.run.points;
    points
        .get(step.min(points.len().saturating_sub(1)))
        .copied()
}

/// Draws the whole panel.
pub fn draw_data_panel<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    model: &DataModel,
    paths: &[PathArt],
    step: usize,
    theme: Theme,
    s: Scale,
) {
    let (data, kind) = (&*model.data, model.kind);
    let frame = data_frame(width, height, s, data, kind);
    let view = frame.view;
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let names = match kind {
        ModelKind::Linear => ["x", "y"],
        ModelKind::Logistic => ["x", "y, P(y = 1)"],
        ModelKind::LeastSquares2d => ["actual y", "predicted ŷ"],
    };
    draw_axes(p, &frame, theme, s, names, height);
    let r = frame.rect;
    let span = view.y[1] - view.y[0];
    // Far-off values stay finite for every backend.
    let clamp = |y: f64| {
        if y.is_nan() {
            view.y[1] + 1e3 * span
        } else {
            y.clamp(view.y[0] - 1e3 * span, view.y[1] + 1e3 * span)
        }
    };
    p.clip(r);
    let radius = s.px(if data.len() > 1000 { 1.5 } else { 3.0 });
    if kind == ModelKind::LeastSquares2d {
        let predictions = |w: [f64; 2]| -> Vec<(f64, f64)> {
            (0..data.len())
                .map(|i| frame.to_px([data.y[i], clamp(model.z(w, i))]))
                .collect()
        };
        let (lo, hi) = (view.x[0].max(view.y[0]), view.x[1].min(view.y[1]));
        p.begin_group("diagonal");
        p.polyline(
            &[frame.to_px([lo, lo]), frame.to_px([hi, hi])],
            Stroke::new(theme.foreground.alpha(0.6), s.px(1.0)).dashed(s.px(5.0), s.px(4.0)),
        );
        p.end_group();
        if let Fit::Minimum(m) = model.fit() {
            p.begin_group("rows");
            p.dots(&predictions(m.point), radius, row_color(data.len(), theme));
            p.end_group();
        }
        for path in paths {
            let Some(w) = weights_at(path, step) else {
                continue;
            };
            p.begin_group(&path.run.label);
            p.dots(&predictions(w), radius, path.color.alpha(0.8));
            p.end_group();
        }
        p.end_clip();
        return;
    }
    let rows: Vec<(f64, f64)> = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(x, y)| frame.to_px([*x, *y]))
        .collect();
    p.begin_group("rows");
    p.dots(&rows, radius, row_color(data.len(), theme));
    p.end_group();
    let samples = 160;
    let xs: Vec<f64> = (0..=samples)
        .map(|i| view.x[0] + (view.x[1] - view.x[0]) * i as f64 / samples as f64)
        .collect();
    for path in paths {
        let Some([w, b]) = weights_at(path, step) else {
            continue;
        };
        p.begin_group(&path.run.label);
        let line: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| {
                let z = w * x + b;
                let y = match kind {
                    ModelKind::Logistic => 1.0 / (1.0 + libm::exp(-z)),
                    _ => z,
                };
                frame.to_px([x, clamp(y)])
            })
            .collect();
        p.polyline(&line, Stroke::new(theme.casing, s.px(3.5)));
        p.polyline(&line, Stroke::new(path.color, s.px(2.0)));
        if kind == ModelKind::Logistic && w != 0.0 {
            // The decision boundary, where P(y = 1) = 1/2.
            let x0 = -b / w;
            if x0 > view.x[0] && x0 < view.x[1] {
                let (px, _) = frame.to_px([x0, 0.0]);
                p.polyline(
                    &[(px, r.y), (px, r.bottom())],
                    Stroke::new(path.color, s.px(2.0)).dashed(s.px(5.0), s.px(4.0)),
                );
            }
        }
        p.end_group();
    }
    p.end_clip();
}
