//! The plot in relief on the page: the surface canvas holds the box, the
//! shaded mesh and the axes; the path canvas the paths on it. The mesh is
//! kept per surface and window, the raster (with its depth buffer, which the
//! paths are tested against) per angle, size and resolution, so an animation
//! step redraws only the paths, and turning the view only rasterizes again.

use crate::host::{Host, Image};
use crate::surface_layer::{SurfaceInput, SurfaceLayer};
use optiviz_objectives::objective::Objective;
use optiviz_render::figure::relief_area;
use optiviz_render::frame::Scale;
use optiviz_render::plot::PathArt;
use optiviz_render::relief::{self, Angle, BaseArt, Camera, Mesh, Relief, MESH};
use optiviz_render::surface::Grid;

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
pub struct ReliefView<H: Host> {
    meshes: Option<Meshes>,
    /// The raster's key, the raster, its camera and whether it shows the
    /// turning mesh.
    raster: Option<(String, Relief, Camera, bool)>,
    /// The raster as the host keeps it, to draw.
    image: Option<Image<H>>,
}

/// What a surface's meshes are known by: the surface, the window and the
/// size of the grid they were read off (a network's, from the workers).
pub fn mesh_key<H: Host>(input: &SurfaceInput, grid: Option<&Grid>) -> String {
    format!(
        "{}|{}",
        SurfaceLayer::<H>::remote_key(input),
        grid.map_or(0, |g| g.width * g.height)
    )
}

impl<H: Host> Default for ReliefView<H> {
    fn default() -> Self {
        ReliefView {
            meshes: None,
            raster: None,
            image: None,
        }
    }
}

impl<H: Host> ReliefView<H> {
    /// Draws the relief's base on the surface canvas, seen from `angle`:
    /// while it turns (`fast`), the mesh of 64 × 64 cells rasterized per CSS
    /// pixel; once still, the mesh of 128 × 128 cells at the device's
    /// resolution (or 1.5 raster pixels a CSS pixel, if that is more). `grid`
    /// is a remote surface's computed grid, if it has one. Returns the
    /// milliseconds spent sampling and rasterizing.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_base(
        &mut self,
        host: &mut H,
        painter: &mut H::Painter,
        size: (f64, f64),
        input: &SurfaceInput,
        grid: Option<&Grid>,
        angle: Angle,
        fast: bool,
    ) -> f64 {
        let t0 = host.now();
        let s = input.scale;
        let window = input.frame.view;
        let (area, bar) = relief_area(size.0, size.1, s, window);
        let per = if fast {
            1.0 / s.0
        } else {
            (1.5 / s.0).max(1.0)
        };
        let key = mesh_key::<H>(input, grid);
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
            self.image = Some(host.relief_image(raster.width, raster.height, &raster.rgba));
            self.raster = Some((raster_key, raster, camera, fast));
        }
        let spent = host.now() - t0;
        let (_, raster, camera, turning) = self.raster.as_ref().expect("just drawn");
        let mesh = self.mesh(*turning);
        let image = self.image.as_ref().expect("put with its raster");
        let art = BaseArt {
            image,
            colours: mesh.colours,
            minima: &input.minima,
            axes: input.axes,
        };
        relief::draw_base(painter, size, camera, raster, &art, input.theme, s, bar);
        spent
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

    /// Draws the paths in relief (on a cleared layer), on the raster drawn
    /// last.
    pub fn draw_paths(
        &self,
        p: &mut H::Painter,
        paths: &[PathArt],
        step: usize,
        start: Option<([f64; 2], f64)>,
        s: Scale,
    ) {
        let Some((_, raster, camera, turning)) = &self.raster else {
            return;
        };
        relief::draw_paths(
            p,
            camera,
            raster,
            self.mesh(*turning),
            paths,
            step,
            start,
            s,
        );
    }
}
