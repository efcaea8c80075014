//! The data panel of a linear or logistic regression, through any
//! [`Painter`]: the rows, and each shown optimizer's model at the current
//! step (its line, or its sigmoid and decision boundary).

use super::frame::{Frame, Scale, Theme};
use super::paint::{Color, Painter, Rect, Stroke};
use super::plot::{draw_axes, PathArt};
use crate::data::{data_view, Dataset, ModelKind};

/// The colour of the rows on `theme`, fainter when there are many.
pub fn row_color(rows: usize, theme: Theme) -> Color {
    theme.foreground.alpha(if rows > 1000 { 0.3 } else { 0.55 })
}

/// The panel's frame in a panel `width` × `height` large.
pub fn data_frame(width: f64, height: f64, s: Scale, data: &Dataset, model: ModelKind) -> Frame {
    Frame::new(width, height, s, data_view(data, model))
}

/// Draws the whole panel.
#[allow(clippy::too_many_arguments)]
pub fn draw_data_panel<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    data: &Dataset,
    model: ModelKind,
    paths: &[PathArt],
    step: usize,
    theme: Theme,
    s: Scale,
) {
    let frame = data_frame(width, height, s, data, model);
    let view = frame.view;
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let y_name = match model {
        ModelKind::Linear => "y",
        ModelKind::Logistic => "y, P(y = 1)",
    };
    draw_axes(p, &frame, theme, s, ["x", y_name], height);
    let r = frame.rect;
    p.clip(r);
    let radius = s.px(if data.len() > 1000 { 1.5 } else { 3.0 });
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
    let span = view.y[1] - view.y[0];
    for path in paths {
        let run = path.run;
        let Some(&[w, b]) = run.points.get(step.min(run.points.len().saturating_sub(1))) else {
            continue;
        };
        p.begin_group(&run.label);
        let line: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| {
                let z = w * x + b;
                let y = match model {
                    ModelKind::Linear => z,
                    ModelKind::Logistic => 1.0 / (1.0 + libm::exp(-z)),
                };
                // Far-off values stay finite for every backend.
                frame.to_px([x, y.clamp(view.y[0] - 1e3 * span, view.y[1] + 1e3 * span)])
            })
            .collect();
        p.polyline(&line, Stroke::new(theme.casing, s.px(3.5)));
        p.polyline(&line, Stroke::new(path.color, s.px(2.0)));
        if model == ModelKind::Logistic && w != 0.0 {
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
