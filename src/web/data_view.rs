//! The data panel view: a model's rows and each shown optimizer's model at
//! the current step; blank for formula functions.

use super::canvas::{clear, CanvasPainter};
use crate::objectives::data::DataModel;
use crate::render::data_panel::draw_data_panel;
use crate::render::frame::{Scale, Theme};
use crate::render::plot::PathArt;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// Draws the panel, or clears it when there is no data model.
pub fn draw(
    canvas: &HtmlCanvasElement,
    model: Option<&DataModel>,
    paths: &[PathArt],
    step: usize,
    theme: Theme,
    scale: Scale,
) -> Result<(), JsValue> {
    let size = (canvas.width() as f64, canvas.height() as f64);
    let Some(model) = model else {
        clear(canvas)?;
        return Ok(());
    };
    let mut p = CanvasPainter::new(canvas)?;
    draw_data_panel(&mut p, size, model, paths, step, theme, scale);
    Ok(())
}

/// Draws a network's panel: a tile per shown optimizer with its network's
/// output and decision boundary at the current step.
pub fn draw_network(
    canvas: &HtmlCanvasElement,
    model: &crate::objectives::mlp::Model,
    paths: &[PathArt],
    step: usize,
    theme: Theme,
    scale: Scale,
) -> Result<(), JsValue> {
    use crate::render::net_panel::{draw_net_panel, NetTile};
    let size = (canvas.width() as f64, canvas.height() as f64);
    let tiles: Vec<NetTile> = paths
        .iter()
        .filter_map(|path| {
            let run = path.run;
            let k = step.min(run.params.len().checked_sub(1)?);
            Some(NetTile {
                label: &run.label,
                color: path.color,
                params: &run.params[k],
                loss: run.losses[k.min(run.losses.len() - 1)],
                accuracy: run.accuracy.get(k).copied(),
            })
        })
        .collect();
    let mut p = CanvasPainter::new(canvas)?;
    draw_net_panel(&mut p, size, model, &tiles, theme, scale);
    Ok(())
}
