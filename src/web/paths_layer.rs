//! The path layer view: the transparent canvas over the surface, redrawn on
//! every edit and animation step.

use super::canvas::{clear, CanvasPainter, Raster};
use crate::render::frame::{Frame, Scale};
use crate::render::plot::{
    draw_arrows, draw_basins, draw_curvature, draw_paths, Arrows, BasinArt, Curvature, PathArt,
};
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// Clears the layer and draws a basin map (under everything else), the paths
/// up to `step`, the start handle, the curvature ellipses and the arrows.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    canvas: &HtmlCanvasElement,
    frame: &Frame,
    basins: Option<&BasinArt<Raster>>,
    paths: &[PathArt],
    curvature: &[Curvature],
    arrows: &[Arrows],
    step: usize,
    start: [f64; 2],
    scale: Scale,
) -> Result<(), JsValue> {
    clear(canvas)?;
    let mut p = CanvasPainter::new(canvas)?;
    if let Some(art) = basins {
        draw_basins(&mut p, frame, art);
    }
    draw_paths(&mut p, frame, paths, step, start, scale);
    draw_curvature(&mut p, frame, curvature, scale);
    draw_arrows(&mut p, frame, arrows, scale);
    Ok(())
}
