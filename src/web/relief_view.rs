//! The plot in relief on the page: the surface canvas holds the box, the
//! shaded mesh and the axes; the path canvas the paths on it. The mesh is
//! kept per surface and window, the raster (with its depth buffer, which the
//! paths are tested against) per angle, size and resolution, so an animation
//! step redraws only the paths, and turning the view only rasterizes again.

use super::canvas::{clear, context, offscreen, CanvasPainter, Raster};
use super::surface_layer::{SurfaceInput, SurfaceLayer};
use crate::objectives::objective::Objective;
use crate::render::figure::relief_area;
use crate::render::plot::PathArt;
use crate::render::relief::{self, Angle, BaseArt, Camera, Mesh, Relief, MESH};
use crate::render::surface::Grid;
use wasm_bindgen::{Clamped, JsValue};
use web_sys::{HtmlCanvasElement, ImageData};

/// The most vertices a side of a network's own preview mesh, before the
/// workers' grid arrives.
const PREVIEW_MESH: usize = 25;

/// A surface's meshes over one window: the still view's and, every other
/// vertex of it with the same colour map, the one drawn while turning.
struct Meshes {
    key: String,
    still: Mesh,
    turning: Mesh,
}

/// What the relief view keeps between frames.
pub struct ReliefView {
    meshes: Option<Meshes>,
    /// The raster's key, the raster, its camera and whether it shows the
    /// turning mesh.
    raster: Option<(String, Relief, Camera, bool)>,
    /// The raster put into a canvas of its own, reused from frame to frame.
    image: HtmlCanvasElement,
}

/// What a surface's meshes are known by: the surface, the window and the
/// size of the grid they were read off (a network's, from the workers).
pub fn mesh_key(input: &SurfaceInput, grid: Option<&Grid>) -> String {
    format!(
        "{}|{}",
        SurfaceLayer::remote_key(input),
        grid.map_or(0, |g| g.width * g.height)
    )
}

impl ReliefView {
    pub fn new() -> Result<ReliefView, JsValue> {
        Ok(ReliefView {
            meshes: None,
            raster: None,
            image: offscreen(1, 1)?,
        })
    }

    /// The still view's mesh, if the view has the one known by `key`.
    pub fn still_mesh(&self, key: &str) -> Option<&Mesh> {
        self.meshes
            .as_ref()
            .filter(|m| m.key == key)
            .map(|m| &m.still)
    }

    /// Draws the relief's base on the surface canvas, seen from `angle`:
    /// while it turns (`fast`), the mesh of 64 × 64 cells rasterized per CSS
    /// pixel; once still, the mesh of 128 × 128 cells at the device's
    /// resolution (or 1.5 raster pixels a CSS pixel, if that is more). `grid`
    /// is a remote surface's computed grid, if it has one. Returns the
    /// milliseconds spent sampling and rasterizing.
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
            (1.5 / s.0).max(1.0)
        };
        let key = mesh_key(input, grid);
        if self.meshes.as_ref().map(|m| &m.key) != Some(&key) {
            // The raster drawn from the old meshes goes with them.
            self.raster = None;
            let still = match grid {
                Some(g) => Mesh::from_grid(g, MESH),
                None if input.remote => {
                    let n = Mesh::size(input.surf.cost() as f64).min(PREVIEW_MESH);
                    Mesh::sample(input.surf, window, n)
                }
                None => Mesh::for_surface(input.surf, window),
            };
            let turning = still.turning();
            self.meshes = Some(Meshes {
                key: key.clone(),
                still,
                turning,
            });
        }
        let raster_key = format!("{key}|{fast}|{}|{size:?}|{per}|{}", angle.text(), s.0);
        if self.raster.as_ref().map(|r| &r.0) != Some(&raster_key) {
            self.raster = None;
            let camera = Camera::new(area, window, angle, s);
            let raster = Relief::render(self.mesh(fast), &camera, per);
            put(&self.image, &raster)?;
            self.raster = Some((raster_key, raster, camera, fast));
        }
        let spent = now() - t0;
        let (_, raster, camera, turning) = self.raster.as_ref().expect("just drawn");
        let mesh = self.mesh(*turning);
        let mut p = CanvasPainter::new(canvas)?;
        let image = Raster::of_canvas(self.image.clone());
        let art = BaseArt {
            image: &image,
            colours: mesh.colours,
            minima: &input.minima,
            axes: input.axes,
        };
        relief::draw_base(&mut p, size, camera, raster, &art, input.theme, s, bar);
        Ok(spent)
    }

    fn mesh(&self, turning: bool) -> &Mesh {
        let m = self
            .meshes
            .as_ref()
            .expect("meshes are made before a raster");
        if turning {
            &m.turning
        } else {
            &m.still
        }
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
        clear(canvas)?;
        let Some((_, raster, camera, turning)) = &self.raster else {
            return Ok(());
        };
        let mut p = CanvasPainter::new(canvas)?;
        relief::draw_paths(
            &mut p,
            camera,
            raster,
            self.mesh(*turning),
            paths,
            step,
            start,
            s,
        );
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
