//! The plot in relief on the page: the surface canvas holds the box, the
//! shaded mesh and the axes; the path canvas the paths on it. The mesh is
//! kept per surface and window, the raster (with its depth buffer, which the
//! paths are tested against) per angle, size and resolution, so an animation
//! step redraws only the paths, and turning the view only rasterizes again.

use super::canvas::{context, offscreen, CanvasPainter};
use super::surface_layer::SurfaceInput;
use crate::render::figure::relief_area;
use crate::render::plot::PathArt;
use crate::render::relief::{self, Angle, BaseArt, Camera, Mesh, Relief, MESH};
use crate::render::surface::Grid;
use wasm_bindgen::{Clamped, JsValue};
use web_sys::{HtmlCanvasElement, ImageData};

/// The mesh of the least detail a network's landscape takes on the page
/// before the workers' grid arrives.
const PREVIEW_MESH: usize = 24;
/// Mesh vertices per side once the view is still (while it turns, [`MESH`]).
const STILL_MESH: usize = 128;

/// What the relief view keeps between frames.
pub struct ReliefView {
    /// The meshes for turning and for a still view, by their keys.
    meshes: Vec<(String, Mesh)>,
    /// The raster's key, the raster, its camera and which mesh it shows.
    raster: Option<(String, Relief, Camera, usize)>,
    /// The raster put into a canvas of its own, reused from frame to frame.
    image: HtmlCanvasElement,
}

impl ReliefView {
    pub fn new() -> Result<ReliefView, JsValue> {
        Ok(ReliefView {
            meshes: Vec::new(),
            raster: None,
            image: offscreen(1, 1)?,
        })
    }

    /// Draws the relief's base on the surface canvas, seen from `angle`:
    /// while it turns (`fast`), a [`MESH`]-vertex mesh rasterized per CSS
    /// pixel; once still, a finer mesh at the device's resolution (twice
    /// it where that is 1). `grid` is a remote surface's computed grid, if
    /// it has one. Returns the milliseconds spent sampling and rasterizing.
    pub fn draw_base(
        &mut self,
        canvas: &HtmlCanvasElement,
        input: &SurfaceInput,
        grid: Option<&Grid>,
        angle: Angle,
        fast: bool,
    ) -> Result<f64, JsValue> {
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map_or(0.0, |p| p.now());
        let t0 = now();
        let s = input.scale;
        let size = (canvas.width() as f64, canvas.height() as f64);
        let window = input.frame.view;
        let (area, bar) = relief_area(size.0, size.1, s, window);
        let per = if fast {
            1.0 / s.0
        } else {
            (2.0 / s.0).max(1.0)
        };
        let n = match grid {
            None if input.remote => PREVIEW_MESH,
            _ if fast => MESH,
            _ => STILL_MESH,
        };
        let mesh_key = format!(
            "{}|{}|{}|{n}",
            input.id,
            serde_json::to_string(&window).unwrap_or_default(),
            grid.map_or(0, |g| g.width * g.height)
        );
        let index = match self.meshes.iter().position(|(k, _)| *k == mesh_key) {
            Some(i) => i,
            None => {
                let mesh = match grid {
                    Some(g) => Mesh::from_grid(g, n),
                    None => Mesh::sample(input.surf, window, n),
                };
                // A mesh for another surface or window is of no more use.
                let surface = |k: &str| k.rsplit_once('|').map(|(p, _)| p.to_string());
                let this = surface(&mesh_key);
                self.meshes.retain(|(k, _)| surface(k) == this);
                self.meshes.push((mesh_key.clone(), mesh));
                self.meshes.len() - 1
            }
        };
        let raster_key = format!("{mesh_key}|{}|{size:?}|{per}", angle.text());
        if self.raster.as_ref().map(|r| &r.0) != Some(&raster_key) {
            let camera = Camera::new(area, window, angle, s);
            let raster = Relief::render(&self.meshes[index].1, &camera, per);
            put(&self.image, &raster)?;
            self.raster = Some((raster_key, raster, camera, index));
        }
        let spent = now() - t0;
        let (_, raster, camera, index) = self.raster.as_ref().expect("just drawn");
        let mesh = &self.meshes[*index].1;
        let mut p = CanvasPainter::new(canvas)?;
        let art = BaseArt {
            image: &self.image,
            colours: mesh.colours,
            minima: &input.minima,
            axes: input.axes,
        };
        relief::draw_base(&mut p, size, camera, raster, &art, input.theme, s, bar);
        Ok(spent)
    }

    /// Draws the paths in relief on the path canvas (cleared first), on the
    /// raster drawn last.
    pub fn draw_paths(
        &self,
        canvas: &HtmlCanvasElement,
        paths: &[PathArt],
        step: usize,
        start: Option<([f64; 2], f64)>,
        s: crate::render::frame::Scale,
    ) -> Result<(), JsValue> {
        context(canvas)?.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        let Some((_, raster, camera, index)) = &self.raster else {
            return Ok(());
        };
        let mesh = &self.meshes[*index].1;
        let mut p = CanvasPainter::new(canvas)?;
        relief::draw_paths(&mut p, camera, raster, mesh, paths, step, start, s);
        Ok(())
    }
}

/// Puts the raster into `image`, sized to it.
fn put(image: &HtmlCanvasElement, raster: &Relief) -> Result<(), JsValue> {
    let (w, h) = (raster.width as u32, raster.height as u32);
    if image.width() != w || image.height() != h {
        image.set_width(w);
        image.set_height(h);
    }
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&raster.rgba), w, h)?;
    context(image)?.put_image_data(&data, 0.0, 0.0)
}
