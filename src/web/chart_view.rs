//! The loss chart view: loss against step for every shown path.

use super::canvas::CanvasPainter;
use crate::render::chart::{draw_loss_chart, draw_series_chart, LossAxis, Series};
use crate::render::frame::{Scale, Theme};
use crate::render::plot::PathArt;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// Draws the chart; the x axis spans `steps`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    paths: &[PathArt],
    steps: usize,
    step: usize,
    axis: LossAxis,
    theme: Theme,
    scale: Scale,
) -> Result<(), JsValue> {
    let mut p = CanvasPainter::new(canvas)?;
    let size = (canvas.width() as f64, canvas.height() as f64);
    draw_loss_chart(&mut p, size, paths, steps, step, axis, theme, scale);
    Ok(())
}

/// Draws a chart of other quantities against step (see [`draw_series_chart`]).
#[allow(clippy::too_many_arguments)]
pub fn draw_series(
    canvas: &HtmlCanvasElement,
    series: &[Series],
    steps: usize,
    step: usize,
    names: &[&str],
    prefer_log: bool,
    theme: Theme,
    scale: Scale,
) -> Result<(), JsValue> {
    let mut p = CanvasPainter::new(canvas)?;
    let size = (canvas.width() as f64, canvas.height() as f64);
    draw_series_chart(
        &mut p, size, series, steps, step, names, prefer_log, theme, scale,
    );
    Ok(())
}
