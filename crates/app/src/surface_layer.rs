//! The surface layer view: the bottom canvas (axes, heatmap, contours,
//! minima, colour scale).
//!
//! The full-detail heatmap has a sample for every device pixel and its
//! contour lines drawn into the same pixels ([`Shader`]), so it is put on the
//! canvas as it is, in one call. A preview with fewer samples stands in while
//! dragging only when the full detail would not fit in a frame; the full
//! detail is then computed a piece at a time. A surface whose samples cost
//! more (a model over many rows, a network computed by the page's workers)
//! is sampled more coarsely, scaled up, and its contours traced as lines.
//! Everything computed is cached per function, view and size.

use crate::host::{Host, Image};
use optiviz_objectives::objective::{Minimum, Objective, View};
use optiviz_objectives::surface::Surface;
use optiviz_render::contour::Segment;
use optiviz_render::frame::{Frame, Scale, Theme};
use optiviz_render::paint::Color;
use optiviz_render::plot::{
    contour_segments, draw_surface_layer, raster_size, SurfaceArt, CONTOUR_LEVELS,
};
use optiviz_render::surface::{sample_rows, ColourMap, Grid, Shader};

/// The milliseconds a surface may take to compute and still be drawn at
/// once while dragging, leaving the rest of a 60 Hz frame to the paths and
/// the browser.
pub const FRAME_BUDGET_MS: f64 = 10.0;

/// How opaque the contour lines are over the colours.
const LINE_ALPHA: f64 = 0.35;

/// The layer's computed parts for one function, view and size.
struct Cache<I> {
    key: String,
    raster: I,
    /// Contour lines drawn over the raster; none where they are in it.
    segments: Vec<Segment>,
    colours: ColourMap,
    /// How many samples the raster holds.
    samples: usize,
    /// The grid itself when it came from elsewhere (a remote surface's
    /// computed grid), not from the layer's own preview: the relief's mesh
    /// is read off it.
    handed: Option<Grid>,
    /// Whether this is the full detail, not a preview.
    full: bool,
}

impl<I> Cache<I> {
    /// A raster made from `grid`: its pixels and the contour lines to draw
    /// over them (none where they are in the pixels).
    fn computed(
        key: String,
        grid: &Grid,
        raster: I,
        segments: Vec<Segment>,
        full: bool,
    ) -> Cache<I> {
        Cache {
            key,
            raster,
            segments,
            colours: grid.colours(),
            samples: grid.width * grid.height,
            handed: None,
            full,
        }
    }
}

/// A raster to compute: its key, its size in samples and how its contours
/// are drawn.
struct Plan {
    key: String,
    size: (usize, usize),
    full: bool,
    /// The contour lines' width in samples when they are drawn into the
    /// raster; `None` when they are traced as lines over it.
    lines: Option<f64>,
}

impl Plan {
    fn samples(&self) -> usize {
        self.size.0 * self.size.1
    }
}

/// A full-detail surface being computed a piece at a time: rows of samples,
/// then rows of pixels.
struct Pending {
    key: String,
    values: Vec<f64>,
    /// Once every row is sampled: the grid, its shader and the pixels so far.
    shading: Option<(Grid, Shader, Vec<u8>)>,
    /// Milliseconds spent so far.
    spent: f64,
}

/// What the layer needs from the page's state to draw.
pub struct SurfaceInput<'a> {
    /// The surface drawn.
    pub surf: &'a Surface,
    /// Identifies the surface: function, parameters, data and L2 term.
    pub id: String,
    /// The plot's frame: its pixels and its window.
    pub frame: Frame,
    /// The minima marked.
    pub minima: Vec<Minimum>,
    /// The axes' names.
    pub axes: [&'a str; 2],
    /// The page's theme.
    pub theme: Theme,
    /// Device pixels per CSS pixel.
    pub scale: Scale,
    /// Whether the full-detail surface is computed elsewhere (a network's
    /// landscape, by the page's workers) and handed over with
    /// [`SurfaceLayer::set_grid`]; the layer itself computes only a preview.
    pub remote: bool,
}

impl SurfaceInput<'_> {
    /// The kind of surface a sample's cost is measured for: the function or
    /// model, whatever its parameters.
    fn kind(&self) -> &str {
        self.id.split('|').next().unwrap_or_default()
    }
}

/// The surface layer's caches.
pub struct SurfaceLayer<H: Host> {
    cache: Option<Cache<Image<H>>>,
    pending: Option<Pending>,
    /// Milliseconds per sample, as last measured, for a kind of surface.
    rate: Option<(String, f64)>,
}

impl<H: Host> Default for SurfaceLayer<H> {
    fn default() -> Self {
        SurfaceLayer {
            cache: None,
            pending: None,
            rate: None,
        }
    }
}

impl<H: Host> SurfaceLayer<H> {
    /// The full-detail raster (`every` = 1) or a preview with a sample per
    /// `every` × `every` of its samples.
    fn plan(input: &SurfaceInput, every: usize) -> Plan {
        let rect = input.frame.rect;
        let (cw, ch) = raster_size(rect, 1.0, input.surf.cost() as f64);
        let size = ((cw / every).max(2), (ch / every).max(2));
        // (A preview's key says what it is: its size alone might be the full
        // detail's on another screen.)
        let key = format!(
            "{}|{}|{}x{}/{every}",
            input.id,
            serde_json::to_string(&input.frame.view).unwrap_or_default(),
            size.0,
            size.1
        );
        // A sample a device pixel: the lines go into the pixels. A preview's
        // go in too, as wide as they will be once scaled up. A thinned
        // full-detail raster is scaled up: its lines are traced.
        let exact = (cw as f64, ch as f64) == (rect.w, rect.h);
        let lines = (exact || every > 1).then(|| input.scale.0.max(1.0) * size.0 as f64 / rect.w);
        Plan {
            key,
            size,
            full: every == 1,
            lines,
        }
    }

    /// The milliseconds per sample last measured for this kind of surface.
    fn rate(&self, input: &SurfaceInput) -> Option<f64> {
        self.rate
            .as_ref()
            .and_then(|(kind, r)| (kind == input.kind()).then_some(*r))
    }

    fn measured(&mut self, input: &SurfaceInput, spent: f64, samples: usize) {
        // Too few samples to time with the browser's coarse clock.
        if samples >= 4096 && spent > 0.0 {
            self.rate = Some((input.kind().to_string(), spent / samples as f64));
        }
    }

    /// Samples, colours and traces `plan` in one go; the milliseconds spent.
    fn compute(&mut self, host: &H, input: &SurfaceInput, plan: Plan) -> f64 {
        let t0 = host.now();
        if plan.full {
            // What was being refined a piece at a time is done.
            self.pending = None;
        }
        let (cw, ch) = plan.size;
        let grid = Grid::sample(input.surf, input.frame.view, cw, ch);
        self.cache = Some(match plan.lines {
            Some(width) => {
                let mut rgba = Vec::new();
                shader(&grid, width).rows(&grid, 0..ch, &mut rgba);
                Cache::computed(
                    plan.key,
                    &grid,
                    host.pixels(grid.width, grid.height, rgba),
                    Vec::new(),
                    plan.full,
                )
            }
            None => {
                let segments = contour_segments(&grid, false);
                Cache::computed(
                    plan.key,
                    &grid,
                    host.pixels(grid.width, grid.height, grid.rgba()),
                    segments,
                    plan.full,
                )
            }
        });
        let spent = host.now() - t0;
        self.measured(input, spent, cw * ch);
        spent
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
        host: &H,
        input: &SurfaceInput,
        key: &str,
        (width, height): (usize, usize),
        values: Vec<f64>,
    ) -> bool {
        if Self::remote_key(input) != key
            || values.len() != width * height
            || width < 2
            || height < 2
            || self
                .cache
                .as_ref()
                .is_some_and(|c| c.key == key && c.handed.is_some() && c.samples >= values.len())
        {
            return false;
        }
        let grid = Grid::from_values(input.frame.view, width, height, values);
        // Traced on every sample: a computed grid has none to spare.
        let segments = contour_segments(&grid, true);
        let mut cache = Cache::computed(
            key.to_string(),
            &grid,
            host.pixels(grid.width, grid.height, grid.rgba()),
            segments,
            true,
        );
        cache.handed = Some(grid);
        self.cache = Some(cache);
        true
    }

    /// The grid computed elsewhere for this surface and window, if the
    /// layer has one.
    pub fn handed_grid(&self, input: &SurfaceInput) -> Option<&Grid> {
        let c = self.cache.as_ref()?;
        (c.key == Self::remote_key(input)).then_some(c.handed.as_ref()?)
    }

    /// A remote surface's own preview: one sample per 4×4 CSS pixels at
    /// most, within the budget (a quarter of it while dragging); whatever
    /// grid arrives later has the same key and replaces it.
    fn draw_remote_preview(&mut self, host: &H, input: &SurfaceInput, fast: bool) -> f64 {
        let key = Self::remote_key(input);
        if self.cache.as_ref().map(|c| &c.key) == Some(&key) {
            return 0.0;
        }
        let t0 = host.now();
        let cost = input.surf.cost() as f64 * if fast { 4.0 } else { 1.0 };
        let (cw, ch) = raster_size(input.frame.rect, 4.0 * input.scale.0, cost);
        let grid = Grid::sample(input.surf, input.frame.view, cw, ch);
        let segments = contour_segments(&grid, true);
        self.cache = Some(Cache::computed(
            key,
            &grid,
            host.pixels(grid.width, grid.height, grid.rgba()),
            segments,
            false,
        ));
        host.now() - t0
    }

    /// Draws the layer, computing the surface first unless cached; the
    /// milliseconds spent computing, 0 when cached.
    ///
    /// With `fast` (dragging, the first frame) the full detail is computed
    /// only when it fits in [`FRAME_BUDGET_MS`]; otherwise the finest
    /// preview that fits stands in. A surface not yet timed is timed on a
    /// preview first, and the full detail follows in the same call when the
    /// preview's time says it fits.
    pub fn draw(
        &mut self,
        host: &H,
        painter: &mut H::Painter,
        size: (f64, f64),
        input: &SurfaceInput,
        fast: bool,
    ) -> f64 {
        let mut spent = 0.0;
        if input.remote {
            spent = self.draw_remote_preview(host, input, fast);
        } else {
            let full = Self::plan(input, 1);
            if self.cache.as_ref().map(|c| &c.key) != Some(&full.key) {
                let fits = |per_sample: f64, spent: f64| {
                    spent + per_sample * full.samples() as f64 <= FRAME_BUDGET_MS
                };
                if !fast || self.rate(input).is_some_and(|r| fits(r, 0.0)) {
                    spent = self.compute(host, input, full);
                } else {
                    // The finest preview that fits; untimed, one sample per
                    // 4 × 4 CSS pixels.
                    let every = match self.rate(input) {
                        Some(r) => [2, 4, 8, 16]
                            .into_iter()
                            .find(|k| r * (full.samples() / (k * k)) as f64 <= FRAME_BUDGET_MS)
                            .unwrap_or(32),
                        None => ((4.0 * input.scale.0).round() as usize).max(2),
                    };
                    let preview = Self::plan(input, every);
                    let samples = preview.samples();
                    if self.cache.as_ref().map(|c| &c.key) != Some(&preview.key) {
                        spent = self.compute(host, input, preview);
                        // The full detail's time as this preview predicts it
                        // (one too quick for the browser's clock counts as a
                        // tick of it, 0.1 ms).
                        let per = self.rate(input).unwrap_or(spent.max(0.1) / samples as f64);
                        if fits(per, spent) {
                            spent += self.compute(host, input, full);
                        }
                    }
                }
            }
        }
        let cache = self.cache.as_ref().expect("just computed");
        let art = SurfaceArt {
            image: &cache.raster,
            contours: &cache.segments,
            colours: cache.colours,
            minima: &input.minima,
            axes: input.axes,
        };
        draw_surface_layer(painter, size, &input.frame, &art, input.theme, input.scale);
        spent
    }

    /// Whether the layer holds the full detail for this surface, view and
    /// size (a remote surface's comes from elsewhere: nothing to refine).
    pub fn detailed(&self, input: &SurfaceInput) -> bool {
        input.remote
            || self
                .cache
                .as_ref()
                .is_some_and(|c| c.full && c.key == Self::plan(input, 1).key)
    }

    /// Computes the full-detail surface a piece at a time, for about
    /// `budget` milliseconds (rows of samples, then rows of pixels); true
    /// once it is ready (the next `draw` then only draws).
    pub fn refine(&mut self, host: &H, input: &SurfaceInput, budget: f64) -> bool {
        if self.detailed(input) {
            return true;
        }
        let plan = Self::plan(input, 1);
        let Some(width) = plan.lines else {
            // A thinned raster is small: computed in one go.
            self.compute(host, input, plan);
            return true;
        };
        if self.pending.as_ref().map(|p| &p.key) != Some(&plan.key) {
            self.pending = Some(Pending {
                key: plan.key.clone(),
                values: Vec::with_capacity(plan.samples()),
                shading: None,
                spent: 0.0,
            });
        }
        let t0 = host.now();
        let view: View = input.frame.view;
        let (cw, ch) = plan.size;
        let pending = self.pending.as_mut().expect("just set");
        while host.now() - t0 < budget {
            match &mut pending.shading {
                None => {
                    let done = pending.values.len() / cw;
                    let until = (done + 16).min(ch);
                    sample_rows(input.surf, view, cw, ch, done..until, &mut pending.values);
                    if until == ch {
                        let grid =
                            Grid::from_values(view, cw, ch, std::mem::take(&mut pending.values));
                        let shader = shader(&grid, width);
                        pending.shading = Some((grid, shader, Vec::with_capacity(cw * ch * 4)));
                    }
                }
                Some((grid, shader, rgba)) if rgba.len() < cw * ch * 4 => {
                    let done = rgba.len() / (cw * 4);
                    shader.rows(grid, done..(done + 32).min(ch), rgba);
                }
                Some(_) => {
                    let pending = self.pending.take().expect("pending");
                    let (grid, _, rgba) = pending.shading.expect("shaded");
                    self.cache = Some(Cache::computed(
                        plan.key,
                        &grid,
                        host.pixels(grid.width, grid.height, rgba),
                        Vec::new(),
                        true,
                    ));
                    let spent = pending.spent + host.now() - t0;
                    self.measured(input, spent, cw * ch);
                    return true;
                }
            }
        }
        pending.spent += host.now() - t0;
        false
    }
}

/// The shader of a grid: its colours and [`CONTOUR_LEVELS`] lines `width`
/// samples wide.
fn shader(grid: &Grid, width: f64) -> Shader {
    let Color { r, g, b, .. } = Color::MARK_WHITE;
    Shader::new(
        grid.colours(),
        &grid.contour_levels(CONTOUR_LEVELS),
        width,
        [r, g, b],
        LINE_ALPHA,
    )
}
