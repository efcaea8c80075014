//! The surface layer view: the bottom canvas (axes, heatmap, contours,
//! minima, colour scale). Its computed parts are cached per function, view
//! and size, and the full-detail surface can be computed a piece at a time.

use super::canvas::CanvasPainter;
use crate::experiment::Surface;
use crate::objective::{Minimum, Objective, View};
use crate::render::contour::{contour, Segment};
use crate::render::frame::{Frame, Scale, Theme};
use crate::render::paint::Painter;
use crate::render::plot::{
    contour_grid, draw_surface_layer, raster_size, SurfaceArt, CONTOUR_LEVELS,
};
use crate::render::surface::{sample_rows, ColourMap, Grid};
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// The layer's computed parts for one function, view and size.
struct Cache {
    key: String,
    /// The heatmap, already put into a canvas of its own size.
    raster: HtmlCanvasElement,
    segments: Vec<Segment>,
    colours: ColourMap,
    /// How many samples the raster holds.
    samples: usize,
    /// The grid itself when it came from elsewhere (a remote surface's
    /// computed grid), not from the layer's own preview: the relief's mesh
    /// is read off it.
    handed: Option<Grid>,
}

/// A full-detail surface being computed a piece at a time: rows of samples,
/// then contour levels, then the raster.
struct Pending {
    key: String,
    values: Vec<f64>,
    /// Once every row is sampled: the grid, the grid contours are traced on,
    /// and the levels still to trace.
    sampled: Option<(Grid, Grid, Vec<f64>)>,
    segments: Vec<Segment>,
}

/// What the layer needs from the page's state to draw.
pub struct SurfaceInput<'a> {
    pub surf: &'a Surface,
    /// Identifies the surface: function, parameters, data and L2 term.
    pub id: String,
    pub frame: Frame,
    pub minima: Vec<Minimum>,
    pub axes: [&'a str; 2],
    pub theme: Theme,
    pub scale: Scale,
    /// Whether the full-detail surface is computed elsewhere (a network's
    /// landscape, by the page's workers) and handed over with
    /// [`SurfaceLayer::set_grid`]; the layer itself computes only a preview.
    pub remote: bool,
}

/// The surface canvas and its caches.
pub struct SurfaceLayer {
    pub canvas: HtmlCanvasElement,
    cache: Option<Cache>,
    pending: Option<Pending>,
}

impl SurfaceLayer {
    pub fn new(canvas: HtmlCanvasElement) -> SurfaceLayer {
        SurfaceLayer {
            canvas,
            cache: None,
            pending: None,
        }
    }

    /// The key of a surface, and its size in samples: one per CSS pixel of
    /// the plotting rectangle, or per 4×4 when `coarse`.
    fn key(input: &SurfaceInput, coarse: bool) -> (String, usize, usize) {
        if input.remote {
            // The preview: one sample per 4×4 CSS pixels at most, within the
            // budget (a quarter of it while dragging); whatever grid arrives
            // later has the same key and replaces it.
            let cost = input.surf.cost() as f64 * if coarse { 4.0 } else { 1.0 };
            let (cw, ch) = raster_size(input.frame.rect, 4.0 * input.scale.0, cost);
            return (Self::remote_key(input), cw, ch);
        }
        let per_sample = if coarse { 4.0 } else { 1.0 } * input.scale.0;
        // A coarse first frame may spend as much as a full-detail one.
        let cost = input.surf.cost() as f64 / if coarse { 16.0 } else { 1.0 };
        let (cw, ch) = raster_size(input.frame.rect, per_sample, cost);
        let key = format!(
            "{}|{}|{cw}x{ch}",
            input.id,
            serde_json::to_string(&input.frame.view).unwrap_or_default()
        );
        (key, cw, ch)
    }

    /// What a surface computed elsewhere is known by: the surface and the
    /// window, whatever its size in samples.
    pub fn remote_key(input: &SurfaceInput) -> String {
        format!(
            "{}|{}",
            input.id,
            serde_json::to_string(&input.frame.view).unwrap_or_default()
        )
    }

    /// Takes a surface computed elsewhere: `values` are `width` × `height`
    /// samples of the surface known by `key` (see [`Self::remote_key`]), row
    /// by row from the top, as [`sample_rows`] takes them. False when the key
    /// is no longer the layer's, or it already has as many samples from
    /// elsewhere (its own preview always gives way).
    pub fn set_grid(
        &mut self,
        input: &SurfaceInput,
        key: &str,
        (width, height): (usize, usize),
        values: Vec<f64>,
    ) -> Result<bool, JsValue> {
        if Self::remote_key(input) != key
            || values.len() != width * height
            || width < 2
            || height < 2
            || self
                .cache
                .as_ref()
                .is_some_and(|c| c.key == key && c.handed.is_some() && c.samples >= values.len())
        {
            return Ok(false);
        }
        let grid = Grid::from_values(input.frame.view, width, height, values);
        let mut painter = CanvasPainter::new(&self.canvas)?;
        self.cache = Some(Cache {
            key: key.to_string(),
            raster: painter.image(grid.width, grid.height, &grid.rgba()),
            // Traced on every sample: a computed grid has none to spare.
            segments: crate::render::plot::contour_segments(&grid, true),
            colours: grid.colours(),
            samples: width * height,
            handed: Some(grid),
        });
        Ok(true)
    }

    /// The grid computed elsewhere for this surface and window, if the
    /// layer has one.
    pub fn handed_grid(&self, input: &SurfaceInput) -> Option<&Grid> {
        let c = self.cache.as_ref()?;
        (c.key == Self::remote_key(input)).then_some(c.handed.as_ref()?)
    }

    /// Draws the layer (computing the surface first unless cached); the
    /// milliseconds spent computing, 0 when cached.
    pub fn draw(&mut self, input: &SurfaceInput, coarse: bool) -> Result<f64, JsValue> {
        let (key, cw, ch) = Self::key(input, coarse);
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map_or(0.0, |p| p.now());
        let t0 = now();
        let mut spent = 0.0;
        let mut painter = CanvasPainter::new(&self.canvas)?;
        if self.cache.as_ref().map(|c| &c.key) != Some(&key) {
            let grid = Grid::sample(input.surf, input.frame.view, cw, ch);
            let segments = crate::render::plot::contour_segments(&grid, coarse || input.remote);
            self.cache = Some(Cache {
                key,
                raster: painter.image(grid.width, grid.height, &grid.rgba()),
                segments,
                colours: grid.colours(),
                samples: cw * ch,
                handed: None,
            });
            spent = now() - t0;
        }
        let cache = self.cache.as_ref().expect("just computed");
        let art = SurfaceArt {
            image: &cache.raster,
            contours: &cache.segments,
            colours: cache.colours,
            minima: &input.minima,
            axes: input.axes,
        };
        let size = (self.canvas.width() as f64, self.canvas.height() as f64);
        draw_surface_layer(
            &mut painter,
            size,
            &input.frame,
            &art,
            input.theme,
            input.scale,
        );
        Ok(spent)
    }

    /// Computes the full-detail surface a piece at a time (`rows` rows of
    /// samples, or two contour levels, or the raster); true once it is ready
    /// (the next full-detail `draw` then only draws).
    pub fn refine(&mut self, input: &SurfaceInput, rows: usize) -> Result<bool, JsValue> {
        if input.remote {
            // Nothing more to do here: the full detail comes from elsewhere.
            return Ok(true);
        }
        let (key, cw, ch) = Self::key(input, false);
        if self.cache.as_ref().map(|c| &c.key) == Some(&key) {
            return Ok(true);
        }
        if self.pending.as_ref().map(|p| &p.key) != Some(&key) {
            self.pending = Some(Pending {
                key: key.clone(),
                values: Vec::with_capacity(cw * ch),
                sampled: None,
                segments: Vec::new(),
            });
        }
        let view: View = input.frame.view;
        let pending = self.pending.as_mut().expect("just set");
        match &mut pending.sampled {
            None => {
                let done_rows = pending.values.len() / cw;
                let until = (done_rows + rows.max(1)).min(ch);
                sample_rows(
                    input.surf,
                    view,
                    cw,
                    ch,
                    done_rows..until,
                    &mut pending.values,
                );
                if until == ch {
                    let grid = Grid::from_values(view, cw, ch, std::mem::take(&mut pending.values));
                    let traced = contour_grid(&grid, false);
                    let mut levels = grid.contour_levels(CONTOUR_LEVELS);
                    levels.reverse();
                    pending.sampled = Some((grid, traced, levels));
                }
                Ok(false)
            }
            Some((_, traced, levels)) if !levels.is_empty() => {
                for _ in 0..2 {
                    if let Some(level) = levels.pop() {
                        pending.segments.extend(contour(traced, level));
                    }
                }
                Ok(false)
            }
            Some(_) => {
                let pending = self.pending.take().expect("pending");
                let (grid, _, _) = pending.sampled.expect("sampled");
                let mut painter = CanvasPainter::new(&self.canvas)?;
                self.cache = Some(Cache {
                    key,
                    raster: painter.image(grid.width, grid.height, &grid.rgba()),
                    segments: pending.segments,
                    colours: grid.colours(),
                    samples: grid.width * grid.height,
                    handed: None,
                });
                Ok(true)
            }
        }
    }
}
