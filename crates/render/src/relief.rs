//! The surface in relief: a shaded mesh of f over the window, seen from any
//! yaw and pitch, with the paths drawn on it at their losses.
//!
//! The mesh is rasterized here, into an RGBA image and a depth buffer, one
//! triangle at a time (Gouraud-interpolated height and light, the colour
//! looked up per pixel, the contour levels drawn into the same pass from the
//! height's screen-space gradient). Everything else (the box's panes and
//! axes, the paths, markers and labels) goes through the [`Painter`], each
//! piece tested against the depth buffer, so a path behind a ridge is drawn
//! faint. The same code draws the page's canvases and a figure's SVG (the
//! image embedded as PNG, like the flat view's heatmap).

use crate::colormap::viridis_table;
use crate::frame::{sig3, tick_label, ticks, Scale, Theme};
use crate::paint::{thin, Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use crate::plot::{PathArt, CONTOUR_LEVELS, SURFACE_BUDGET};
use crate::surface::{sample_rows, ColourMap, Grid};
pub use optiviz_experiment::angle::Angle;
use optiviz_objectives::objective::{Minimum, Objective, View};

/// Mesh vertices per side at most: 128 × 128 cells, the still view's and a
/// figure's. While the view turns the page draws every other vertex (64 × 64
/// cells, [`Mesh::turning`]).
pub const MESH: usize = 129;
/// The box's half-height, its half-width being 1.
const HEIGHT: f64 = 0.7;

/// f sampled at the vertices of an `n` × `n` mesh over a window (corners
/// included), row 0 at the top (largest y), with the colour map its heights
/// follow.
#[derive(Debug, Clone)]
pub struct Mesh {
    /// The data window, its corners among the vertices.
    pub view: View,
    /// Vertices per side.
    pub n: usize,
    /// f at each vertex, row by row from the top.
    pub values: Vec<f64>,
    /// The map from f to colour, which also sets each vertex's height.
    pub colours: ColourMap,
}

impl Mesh {
    /// Samples `f` at the `n` × `n` vertices over `view`; the heights follow
    /// the colour map the flat view would choose for these values.
    pub fn sample(f: &dyn Objective, view: View, n: usize) -> Mesh {
        let n = n.clamp(2, 1024);
        // Cell centres of a grid half a step wider fall on the vertices.
        let (dx, dy) = (
            (view.x[1] - view.x[0]) / (n - 1) as f64,
            (view.y[1] - view.y[0]) / (n - 1) as f64,
        );
        let wide = View {
            x: [view.x[0] - dx / 2.0, view.x[1] + dx / 2.0],
            y: [view.y[0] - dy / 2.0, view.y[1] + dy / 2.0],
        };
        let mut values = Vec::with_capacity(n * n);
        sample_rows(f, wide, n, n, 0..n, &mut values);
        let colours = ColourMap::of(&values);
        Mesh {
            view,
            n,
            values,
            colours,
        }
    }

    /// A surface's mesh over `view`: [`MESH`] vertices a side, fewer (and
    /// odd, at least 5) for a surface whose samples cost so much that the
    /// mesh would pass the flat view's budget of row evaluations.
    pub fn for_surface(f: &dyn Objective, view: View) -> Mesh {
        Mesh::sample(f, view, Mesh::size(f.cost() as f64))
    }

    /// Vertices a side for samples costing `cost` each (see [`Mesh::for_surface`]).
    pub fn size(cost: f64) -> usize {
        let n = (SURFACE_BUDGET / cost.max(1.0)).sqrt().floor() as usize;
        let n = n.clamp(5, MESH);
        n - (1 - n % 2)
    }

    /// Every other vertex (the same corners and colour map), for drawing
    /// while the view turns; the mesh itself when it is already coarse.
    pub fn turning(&self) -> Mesh {
        if self.n < 17 || (self.n - 1) % 2 != 0 {
            return self.clone();
        }
        let n = (self.n - 1) / 2 + 1;
        let mut values = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                values.push(self.values[2 * j * self.n + 2 * i]);
            }
        }
        Mesh {
            n,
            values,
            ..self.clone()
        }
    }

    /// The mesh read off a grid sampled elsewhere (a network's landscape),
    /// bilinearly between its cell centres, with the grid's colour map.
    pub fn from_grid(grid: &Grid, n: usize) -> Mesh {
        let n = n.clamp(2, 1024);
        let (w, h) = (grid.width, grid.height);
        let at = |c: usize, r: usize| grid.values[r * w + c];
        let mut values = Vec::with_capacity(n * n);
        for j in 0..n {
            // Vertex j's place in the grid's cell-centre coordinates.
            let v = (j as f64 / (n - 1) as f64 * h as f64 - 0.5).clamp(0.0, (h - 1) as f64);
            let (r0, fr) = (v.floor() as usize, v - v.floor());
            let r1 = (r0 + 1).min(h - 1);
            for i in 0..n {
                let u = (i as f64 / (n - 1) as f64 * w as f64 - 0.5).clamp(0.0, (w - 1) as f64);
                let (c0, fc) = (u.floor() as usize, u - u.floor());
                let c1 = (c0 + 1).min(w - 1);
                let top = at(c0, r0) * (1.0 - fc) + at(c1, r0) * fc;
                let bottom = at(c0, r1) * (1.0 - fc) + at(c1, r1) * fc;
                values.push(top * (1.0 - fr) + bottom * fr);
            }
        }
        Mesh {
            view: grid.view,
            n,
            values,
            colours: grid.colours(),
        }
    }

    /// The height (colour level in [0, 1]) of a loss.
    pub fn level(&self, v: f64) -> f64 {
        self.colours.level(v)
    }
}

/// The projection of the box [−1, 1]² × [−HEIGHT, HEIGHT] (the window across,
/// the colour level up) onto the plot: orthographic, turned by the yaw, tipped
/// by the pitch, centred in its area.
#[derive(Debug, Clone, Copy)]
pub struct Camera {
    /// The data window spread across the box.
    pub view: View,
    /// Where the box is seen from.
    pub angle: Angle,
    /// The area the relief is drawn in (device pixels).
    pub area: Rect,
    cos_yaw: f64,
    sin_yaw: f64,
    cos_pitch: f64,
    sin_pitch: f64,
    /// Device pixels per box unit, and the box centre's pixel.
    scale: f64,
    centre: (f64, f64),
}

impl Camera {
    /// The camera for `angle` over `area`. At zoom 1 the box fits the area
    /// less a margin for labels at every yaw (its floor's diagonal across,
    /// the diagonal tipped by the pitch and the height up), so turning it
    /// never changes its size.
    pub fn new(area: Rect, view: View, angle: Angle, s: Scale) -> Camera {
        let (yaw, pitch) = (angle.yaw.to_radians(), angle.pitch.to_radians());
        let (cos_pitch, sin_pitch) = (libm::cos(pitch), libm::sin(pitch));
        let diagonal = std::f64::consts::SQRT_2;
        let margin = s.px(30.0);
        let across = (area.w / 2.0 - margin).max(s.px(20.0)) / diagonal;
        let up =
            (area.h / 2.0 - margin).max(s.px(20.0)) / (diagonal * sin_pitch + HEIGHT * cos_pitch);
        Camera {
            view,
            angle,
            area,
            cos_yaw: libm::cos(yaw),
            sin_yaw: libm::sin(yaw),
            cos_pitch,
            sin_pitch,
            scale: across.min(up) * angle.zoom,
            centre: (area.x + area.w / 2.0, area.y + area.h / 2.0),
        }
    }

    /// A point of the window at colour level `t`, in box coordinates.
    pub fn world(&self, x: f64, y: f64, t: f64) -> [f64; 3] {
        let v = &self.view;
        [
            2.0 * (x - v.x[0]) / (v.x[1] - v.x[0]) - 1.0,
            2.0 * (y - v.y[0]) / (v.y[1] - v.y[0]) - 1.0,
            (2.0 * t - 1.0) * HEIGHT,
        ]
    }

    /// A box point's pixel and depth (larger is farther).
    pub fn project(&self, [x, y, z]: [f64; 3]) -> (f64, f64, f64) {
        let xr = x * self.cos_yaw - y * self.sin_yaw;
        let yr = x * self.sin_yaw + y * self.cos_yaw;
        let up = yr * self.sin_pitch + z * self.cos_pitch;
        let depth = yr * self.cos_pitch - z * self.sin_pitch;
        (
            self.centre.0 + self.scale * xr,
            self.centre.1 - self.scale * up,
            depth,
        )
    }

    /// A point of the window at level `t`: its pixel and depth.
    pub fn point(&self, x: f64, y: f64, t: f64) -> (f64, f64, f64) {
        self.project(self.world(x, y, t))
    }

    /// The unit vector toward the light, in box coordinates: from the upper
    /// left of the viewer, so the shading reads the same at every angle.
    fn light(&self) -> [f64; 3] {
        let right = [self.cos_yaw, -self.sin_yaw, 0.0];
        let forward = [
            self.sin_yaw * self.cos_pitch,
            self.cos_yaw * self.cos_pitch,
            -self.sin_pitch,
        ];
        let up = [
            self.sin_yaw * self.sin_pitch,
            self.cos_yaw * self.sin_pitch,
            self.cos_pitch,
        ];
        let l: [f64; 3] = [0, 1, 2].map(|k| -0.4 * right[k] + 0.6 * up[k] - 0.7 * forward[k]);
        let n = (l[0] * l[0] + l[1] * l[1] + l[2] * l[2]).sqrt();
        l.map(|c| c / n)
    }
}

/// The mesh rasterized: RGBA (transparent where there is no surface) and
/// the depth of every pixel, covering the camera's area at `per` raster
/// pixels a device pixel.
pub struct Relief {
    /// The raster's width, in raster pixels.
    pub width: usize,
    /// The raster's height, in raster pixels.
    pub height: usize,
    /// 4 bytes a pixel, row by row from the top.
    pub rgba: Vec<u8>,
    depth: Vec<f32>,
    area: Rect,
    per: f64,
}

/// A projected mesh vertex: raster position, depth, colour level and light,
/// or `None` where f is not a finite number (a hole).
type Vertex = Option<[f32; 5]>;

impl Relief {
    /// Rasterizes `mesh` as `camera` sees it, `per` raster pixels a device
    /// pixel (2 for a smoother figure, less than 1 while turning).
    pub fn render(mesh: &Mesh, camera: &Camera, per: f64) -> Relief {
        let area = camera.area;
        let (width, height) = (
            ((area.w * per).round() as usize).max(1),
            ((area.h * per).round() as usize).max(1),
        );
        let mut relief = Relief {
            width,
            height,
            rgba: vec![0; width * height * 4],
            depth: vec![f32::INFINITY; width * height],
            area,
            per,
        };
        let vertices = project_mesh(mesh, camera, area, per);
        let n = mesh.n;
        let table = viridis_table();
        // The contour lines' width in raster pixels: one device pixel.
        let line = per.max(0.75) as f32;
        // Nearest cells first, so that most of what they hide fails the
        // depth test before any work is done on it.
        let depth = |x: f64, y: f64| camera.project([x, y, 0.0]).2;
        let cols: Vec<usize> = if depth(1.0, 0.0) >= depth(-1.0, 0.0) {
            (0..n - 1).collect()
        } else {
            (0..n - 1).rev().collect()
        };
        // Row 0 is the top of the window (y = 1).
        let rows: Vec<usize> = if depth(0.0, 1.0) <= depth(0.0, -1.0) {
            (0..n - 1).collect()
        } else {
            (0..n - 1).rev().collect()
        };
        for &j in &rows {
            for &i in &cols {
                let (a, b, c, d) = (
                    vertices[j * n + i],
                    vertices[j * n + i + 1],
                    vertices[(j + 1) * n + i + 1],
                    vertices[(j + 1) * n + i],
                );
                if let (Some(a), Some(b), Some(c), Some(d)) = (a, b, c, d) {
                    relief.triangle(a, b, c, &table, line);
                    relief.triangle(a, c, d, &table, line);
                }
            }
        }
        relief
    }

    /// Fills one triangle: depth-tested, height and light interpolated, the
    /// colour looked up per pixel, the contour levels drawn where the height
    /// crosses one (their distance in pixels from the height's gradient).
    /// Row by row: each row's span of pixel centres inside all three edges,
    /// widened by a hair so that neighbours share their edge's pixels
    /// rather than both missing one.
    fn triangle(
        &mut self,
        a: [f32; 5],
        b: [f32; 5],
        c: [f32; 5],
        table: &[[u8; 3]; 256],
        line: f32,
    ) {
        let area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
        // Slivers (and a NaN) cover no pixel worth the imprecision.
        if area.is_nan() || area.abs() < 1e-3 {
            return;
        }
        let (w, h) = (self.width as f32, self.height as f32);
        let x0 = a[0].min(b[0]).min(c[0]).floor().max(0.0);
        let x1 = a[0].max(b[0]).max(c[0]).ceil().min(w - 1.0);
        let y0 = a[1].min(b[1]).min(c[1]).floor().max(0.0);
        let y1 = a[1].max(b[1]).max(c[1]).ceil().min(h - 1.0);
        if x0 > x1 || y0 > y1 {
            return;
        }
        // Each attribute as a plane over the triangle: value at (x, y) is
        // a's value + dx·(x − a₀) + dy·(y − a₁), measured from a vertex so
        // that large pixel coordinates cost no precision.
        let plane = |k: usize| {
            let dx = ((b[k] - a[k]) * (c[1] - a[1]) - (c[k] - a[k]) * (b[1] - a[1])) / area;
            let dy = ((c[k] - a[k]) * (b[0] - a[0]) - (b[k] - a[k]) * (c[0] - a[0])) / area;
            (a[k], dx, dy)
        };
        let (z0, zx, zy) = plane(2);
        let (t0, tx, ty) = plane(3);
        let (l0, lx, ly) = plane(4);
        // Contour levels sit at k / (CONTOUR_LEVELS + 1), as in the flat view.
        let levels = (CONTOUR_LEVELS + 1) as f32;
        // How far from a level (in level units) a pixel is still touched
        // by its line, and pixels per level unit.
        let slope = (tx * tx + ty * ty).sqrt() * levels;
        let reach = 0.5 * line + 0.5;
        let (near, per_unit) = if slope > 0.0 {
            (reach * slope, 1.0 / slope)
        } else {
            (0.0, 0.0)
        };
        // Where each edge crosses a row: x = p₀ + (y − p₁)·(q₀ − p₀)/(q₁ − p₁).
        // The inside is to the edge's left for a counter-clockwise triangle
        // (area > 0), to its right otherwise; an edge going down (q₁ > p₁)
        // then bounds a row's span on the right, one going up on the left.
        let sign = area.signum();
        // A level edge (q₁ = p₁) keeps the rows on its inner side: sign·(q₀ − p₀)·(y − p₁) ≥ 0.
        let edges: [(f32, f32, f32, f32); 3] = [(a, b), (b, c), (c, a)].map(|(p, q)| {
            let dy = q[1] - p[1];
            let slope = if dy != 0.0 {
                (q[0] - p[0]) / dy
            } else {
                sign * (q[0] - p[0])
            };
            (p[0], p[1], slope, sign * dy)
        });
        const HAIR: f32 = 1e-3;
        for y in y0 as usize..=y1 as usize {
            let py = y as f32 + 0.5;
            let (mut lo, mut hi) = (x0 + 0.5, x1 + 0.5);
            for &(px0, py0, slope, d) in &edges {
                if d == 0.0 {
                    if slope * (py - py0) < 0.0 {
                        lo = f32::INFINITY;
                    }
                    continue;
                }
                let x = px0 + (py - py0) * slope;
                if d > 0.0 {
                    hi = hi.min(x + HAIR);
                } else {
                    lo = lo.max(x - HAIR);
                }
            }
            if lo > hi {
                continue;
            }
            // Pixel centres x + 0.5 within [lo, hi] (lo ≥ 0.5: casts floor).
            let (from, to) = (lo - 0.5, hi - 0.5);
            let first = from as usize + usize::from((from as usize as f32) < from);
            let last = to as usize;
            if first > last {
                continue;
            }
            let (ox, oy) = (first as f32 + 0.5 - a[0], py - a[1]);
            let mut z = z0 + zx * ox + zy * oy;
            let mut t = t0 + tx * ox + ty * oy;
            let mut l = l0 + lx * ox + ly * oy;
            let row = y * self.width;
            for x in first..=last {
                let i = row + x;
                if z < self.depth[i] {
                    self.depth[i] = z;
                    // The vertices' levels and lights lie in [0, 1], and so
                    // does what is interpolated between them, up to
                    // rounding: the casts saturate, the index is capped.
                    let [r, g, bl] = table[((t * 255.0 + 0.5) as usize).min(255)];
                    let mut rgb = [r as f32 * l, g as f32 * l, bl as f32 * l];
                    // The nearest level's distance in pixels, and the line's
                    // coverage of this pixel (antialiased).
                    let u = t * levels;
                    // The nearest level (truncation is the floor: u ≥ 0).
                    let k = ((u + 0.5) as u32) as f32;
                    let off = (u - k).abs();
                    if off < near && k >= 1.0 && k < levels {
                        let cover = (reach - off * per_unit).min(1.0) * 0.35;
                        for v in &mut rgb {
                            *v += (246.0 - *v) * cover;
                        }
                    }
                    let o = 4 * i;
                    self.rgba[o..o + 4].copy_from_slice(&[
                        rgb[0] as u8,
                        rgb[1] as u8,
                        rgb[2] as u8,
                        255,
                    ]);
                }
                z += zx;
                t += tx;
                l += lx;
            }
        }
    }

    /// Whether a point at device pixel (`x`, `y`) and `depth` is in front
    /// of the surface there (or within a tolerance of it, so a path lying
    /// on the mesh shows); true off the surface.
    pub fn visible(&self, (x, y, depth): (f64, f64, f64)) -> bool {
        let (cx, cy) = (
            ((x - self.area.x) * self.per).floor() as i64,
            ((y - self.area.y) * self.per).floor() as i64,
        );
        // The farthest surface in the pixel's neighbourhood, so that a path
        // along a silhouette is not hidden by the mesh's own edge.
        let reach = (1.5 * self.per).ceil() as i64;
        let mut far = f32::NEG_INFINITY;
        for yy in cy - reach..=cy + reach {
            for xx in cx - reach..=cx + reach {
                if xx < 0 || yy < 0 || xx >= self.width as i64 || yy >= self.height as i64 {
                    far = f32::INFINITY;
                    continue;
                }
                far = far.max(self.depth[yy as usize * self.width + xx as usize]);
            }
        }
        depth as f32 <= far + 0.04
    }
}

/// Every mesh vertex projected into raster coordinates, with its colour
/// level and its light (from the height field's normal, lit on either side).
fn project_mesh(mesh: &Mesh, camera: &Camera, area: Rect, per: f64) -> Vec<Vertex> {
    let n = mesh.n;
    let level = mesh.colours.leveller();
    let heights: Vec<f64> = mesh
        .values
        .iter()
        .map(|&v| if v.is_finite() { level(v) } else { f64::NAN })
        .collect();
    let z = |i: usize, j: usize| (2.0 * heights[j * n + i] - 1.0) * HEIGHT;
    let step = 2.0 / (n - 1) as f64;
    let light = camera.light();
    // A slope from the neighbours on either side (one side at an edge or a hole).
    let slope = |here: f64, lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
        (Some(l), Some(h)) => (h - l) / (2.0 * step),
        (Some(l), None) => (here - l) / step,
        (None, Some(h)) => (h - here) / step,
        (None, None) => 0.0,
    };
    let finite = |v: f64| Some(v).filter(|v| v.is_finite());
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let t = heights[j * n + i];
            if !t.is_finite() {
                out.push(None);
                continue;
            }
            let here = z(i, j);
            let left = (i > 0).then(|| z(i - 1, j)).and_then(finite);
            let right = (i + 1 < n).then(|| z(i + 1, j)).and_then(finite);
            // Row 0 is the top of the window: y grows toward smaller j.
            let below = (j + 1 < n).then(|| z(i, j + 1)).and_then(finite);
            let above = (j > 0).then(|| z(i, j - 1)).and_then(finite);
            let (gx, gy) = (slope(here, left, right), slope(here, below, above));
            let norm = (gx * gx + gy * gy + 1.0).sqrt();
            let lambert = (-gx * light[0] - gy * light[1] + light[2]).abs() / norm;
            let x = -1.0 + i as f64 * step;
            let y = 1.0 - j as f64 * step;
            let (px, py, depth) = camera.project([x, y, here]);
            out.push(Some([
                ((px - area.x) * per) as f32,
                ((py - area.y) * per) as f32,
                depth as f32,
                t as f32,
                (0.4 + 0.6 * lambert) as f32,
            ]));
        }
    }
    out
}

/// What the relief's base layer draws besides the mesh.
pub struct BaseArt<'a, I> {
    /// The [`Relief`]'s raster, prepared by the painter.
    pub image: &'a I,
    /// The mesh's colour map, for the colour scale.
    pub colours: ColourMap,
    /// The known minima, marked on the mesh.
    pub minima: &'a [Minimum],
    /// The axis names: x, y or w, b.
    pub axes: [&'a str; 2],
}

/// The box's corners, `[x, y, z]` each ±1 (z scaled by the box height).
fn corner(cx: f64, cy: f64, cz: f64) -> [f64; 3] {
    [cx, cy, cz * HEIGHT]
}

/// The base layer: background, the three back panes of the box with grid
/// lines at the ticks, the mesh, the minima (faint where hidden), the front
/// axes with their ticks and names, and the colour scale. `area` leaves
/// the colour scale's margin on the right.
#[allow(clippy::too_many_arguments)]
pub fn draw_base<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    camera: &Camera,
    relief: &Relief,
    art: &BaseArt<P::Image>,
    theme: Theme,
    s: Scale,
    colour_scale: Option<Rect>,
) {
    let area = camera.area;
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let fg = theme.foreground;
    let view = camera.view;
    let (xs, dx) = ticks(view.x[0], view.x[1], 5);
    let (ys, dy) = ticks(view.y[0], view.y[1], 5);
    let zs: Vec<f64> = (0..=4).map(|k| k as f64 / 4.0).collect();
    let depth = |c: [f64; 3]| camera.project(c).2;
    // The back panes: the floor (or, seen from below, the lid) and the
    // wall on each axis that is farther from the viewer.
    let wall_x = if depth(corner(1.0, 0.0, 0.0)) > depth(corner(-1.0, 0.0, 0.0)) {
        1.0
    } else {
        -1.0
    };
    let wall_y = if depth(corner(0.0, 1.0, 0.0)) > depth(corner(0.0, -1.0, 0.0)) {
        1.0
    } else {
        -1.0
    };
    let floor = -1.0;
    let to_box_x = |v: f64| 2.0 * (v - view.x[0]) / (view.x[1] - view.x[0]) - 1.0;
    let to_box_y = |v: f64| 2.0 * (v - view.y[0]) / (view.y[1] - view.y[0]) - 1.0;
    let px = |c: [f64; 3]| {
        let (x, y, _) = camera.project(c);
        (x, y)
    };
    p.clip(area);
    p.begin_group("panes");
    let pane = theme.foreground.alpha(0.04);
    let grid = Stroke::new(fg.alpha(0.14), s.0.max(1.0));
    let edge = Stroke::new(fg.alpha(0.35), s.0.max(1.0));
    for quad in [
        [
            corner(-1.0, -1.0, floor),
            corner(1.0, -1.0, floor),
            corner(1.0, 1.0, floor),
            corner(-1.0, 1.0, floor),
        ],
        [
            corner(wall_x, -1.0, -1.0),
            corner(wall_x, 1.0, -1.0),
            corner(wall_x, 1.0, 1.0),
            corner(wall_x, -1.0, 1.0),
        ],
        [
            corner(-1.0, wall_y, -1.0),
            corner(1.0, wall_y, -1.0),
            corner(1.0, wall_y, 1.0),
            corner(-1.0, wall_y, 1.0),
        ],
    ] {
        let pts: Vec<(f64, f64)> = quad.iter().chain(&quad[..1]).map(|&c| px(c)).collect();
        p.fill_polygon(&pts[..4], pane);
        p.polyline(&pts, edge);
    }
    let mut lines: Vec<[(f64, f64); 2]> = Vec::new();
    for &v in &xs {
        let x = to_box_x(v);
        lines.push([px(corner(x, -1.0, floor)), px(corner(x, 1.0, floor))]);
        lines.push([px(corner(x, wall_y, -1.0)), px(corner(x, wall_y, 1.0))]);
    }
    for &v in &ys {
        let y = to_box_y(v);
        lines.push([px(corner(-1.0, y, floor)), px(corner(1.0, y, floor))]);
        lines.push([px(corner(wall_x, y, -1.0)), px(corner(wall_x, y, 1.0))]);
    }
    for &t in &zs {
        let z = 2.0 * t - 1.0;
        lines.push([px(corner(wall_x, -1.0, z)), px(corner(wall_x, 1.0, z))]);
        lines.push([px(corner(-1.0, wall_y, z)), px(corner(1.0, wall_y, z))]);
    }
    p.segments(&lines, grid);
    p.end_group();
    p.begin_group("relief");
    p.draw_image(art.image, area);
    p.end_group();
    draw_minima(p, camera, relief, art, s);

    // The front axes (clipped to the area too, for a zoomed-in view): x and y along the floor's nearer edges, z up the
    // corner farthest left on screen.
    let front_y = -wall_y;
    let front_x = -wall_x;
    let label = TextStyle::new(s.px(11.0), fg);
    let name = TextStyle::new(s.px(12.0), fg);
    let line = Stroke::new(fg.alpha(0.8), s.0.max(1.0));
    p.begin_group("axes");
    let centre = px([0.0, 0.0, -HEIGHT]);
    // Tick labels that would overlap one already set (where two axes meet)
    // are left out.
    let mut placed: Vec<Rect> = Vec::new();
    let mut axis = |p: &mut P,
                    from: [f64; 3],
                    to: [f64; 3],
                    marks: &[(f64, String)],
                    title: &str,
                    out: (f64, f64)| {
        // An axis seen end on (the heights from straight above) has no
        // room for ticks.
        let (a, b) = (px(from), px(to));
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        if length < s.px(12.0) {
            return;
        }
        p.polyline(&[a, b], line);
        // Outward on screen: away from the box's centre and across the
        // axis, unit length; straight down (or left, for an upright axis)
        // when the centre is in line with it.
        let d = ((b.0 - a.0) / length, (b.1 - a.1) / length);
        let along = out.0 * d.0 + out.1 * d.1;
        let across = (out.0 - along * d.0, out.1 - along * d.1);
        let len = across.0.hypot(across.1);
        let (ox, oy) = if len > 1e-6 * (1.0 + out.0.hypot(out.1)) {
            (across.0 / len, across.1 / len)
        } else if d.0.abs() >= d.1.abs() {
            (0.0, 1.0)
        } else {
            (-1.0, 0.0)
        };
        let anchor = |ox: f64, oy: f64| {
            let align = if ox > 0.35 {
                Align::Start
            } else if ox < -0.35 {
                Align::End
            } else {
                Align::Middle
            };
            let base = if oy > 0.35 {
                Baseline::Top
            } else if oy < -0.35 {
                Baseline::Alphabetic
            } else {
                Baseline::Middle
            };
            (align, base)
        };
        let (align, base) = anchor(ox, oy);
        let mut far = 0.0f64;
        for (u, text) in marks {
            let c = [0, 1, 2].map(|k| from[k] + (to[k] - from[k]) * u);
            let (x, y) = px(c);
            p.polyline(&[(x, y), (x + ox * s.px(5.0), y + oy * s.px(5.0))], line);
            let at = (x + ox * s.px(8.0), y + oy * s.px(8.0));
            let w = crate::text::width(text, label.size);
            let h = label.size;
            let left = match align {
                Align::Start => at.0,
                Align::Middle => at.0 - w / 2.0,
                Align::End => at.0 - w,
            };
            let top = match base {
                Baseline::Top => at.1,
                Baseline::Middle => at.1 - h / 2.0,
                Baseline::Alphabetic => at.1 - 0.8 * h,
            };
            let r = Rect::new(left, top, w, h);
            let clear = |q: &Rect| {
                r.right() < q.x || q.right() < r.x || r.bottom() < q.y || q.bottom() < r.y
            };
            if placed.iter().all(clear) {
                p.text(text, at, label.anchor(align, base));
                placed.push(r);
            }
            far = far.max(w);
        }
        let mid = px([0, 1, 2].map(|k| (from[k] + to[k]) / 2.0));
        let (at, align, base) = if from[2] != to[2] {
            // The vertical axis is named over its top, clear of its ticks.
            let top = px(to);
            let at = (top.0, top.1 - s.px(16.0));
            (at, Align::Middle, Baseline::Alphabetic)
        } else {
            let reach = s.px(14.0) + far * ox.abs() + s.px(8.0);
            let at = (
                mid.0 + ox * reach,
                mid.1 + oy * (s.px(20.0) + if oy.abs() > 0.35 { s.px(4.0) } else { 0.0 }),
            );
            (at, align, base)
        };
        // The name stays inside the area, however far out its ticks reach.
        let w = crate::text::width(title, name.size);
        let (lo, hi) = (area.x + s.px(2.0), area.right() - s.px(2.0));
        let x = match align {
            Align::Start => at.0.min(hi - w).max(lo),
            Align::Middle => at.0.clamp(lo + w / 2.0, (hi - w / 2.0).max(lo + w / 2.0)),
            Align::End => at.0.max(lo + w).min(hi),
        };
        p.text(title, (x, at.1), name.anchor(align, base));
    };
    let outward = |c: [f64; 3]| {
        let (x, y) = px(c);
        (x - centre.0, y - centre.1)
    };
    let mark = |vals: &[f64], d: usize, span: [f64; 2]| -> Vec<(f64, String)> {
        vals.iter()
            .map(|&v| ((v - span[0]) / (span[1] - span[0]), tick_label(v, d)))
            .collect()
    };
    // The vertical edge farthest left on screen carries the heights.
    let (zx, zy) = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .into_iter()
        .min_by(|a, b| {
            px(corner(a.0, a.1, 0.0))
                .0
                .total_cmp(&px(corner(b.0, b.1, 0.0)).0)
        })
        .expect("four corners");
    let heights: Vec<(f64, String)> = zs
        .iter()
        .map(|&t| (t, sig3(art.colours.value_at_level(t))))
        .collect();
    axis(
        p,
        corner(zx, zy, -1.0),
        corner(zx, zy, 1.0),
        &heights,
        "loss",
        (-1.0, 0.0),
    );
    let out_x = outward(corner(0.0, 2.0 * front_y, -1.0));
    axis(
        p,
        corner(-1.0, front_y, -1.0),
        corner(1.0, front_y, -1.0),
        &mark(&xs, dx, view.x),
        art.axes[0],
        out_x,
    );
    let out_y = outward(corner(2.0 * front_x, 0.0, -1.0));
    axis(
        p,
        corner(front_x, -1.0, -1.0),
        corner(front_x, 1.0, -1.0),
        &mark(&ys, dy, view.y),
        art.axes[1],
        out_y,
    );
    p.end_group();
    p.end_clip();
    if let Some(bar) = colour_scale {
        crate::plot::draw_colour_scale(p, bar, art.colours, theme, s);
    }
}

/// The minima on the surface: white stars, faint where the surface hides them.
fn draw_minima<P: Painter, I>(
    p: &mut P,
    camera: &Camera,
    relief: &Relief,
    art: &BaseArt<I>,
    s: Scale,
) {
    let view = camera.view;
    for m in art.minima {
        if !(view.x[0]..=view.x[1]).contains(&m.point[0])
            || !(view.y[0]..=view.y[1]).contains(&m.point[1])
        {
            continue;
        }
        let at = camera.point(m.point[0], m.point[1], art.colours.level(m.value));
        let alpha = if relief.visible(at) { 1.0 } else { 0.3 };
        crate::plot::draw_star(p, (at.0, at.1), alpha, s);
    }
}

/// A path's points on the relief: each step at its loss, pixel and depth,
/// up to `end`; `None` where the step is outside the window or has no
/// finite loss.
fn path_points(
    camera: &Camera,
    mesh: &Mesh,
    run: &optiviz_engine::trajectory::Trajectory,
    end: usize,
) -> Vec<Option<(f64, f64, f64)>> {
    let v = camera.view;
    run.points[..=end]
        .iter()
        .enumerate()
        .map(|(k, q)| {
            let loss = run.losses.get(k).copied().unwrap_or(f64::NAN);
            let inside = (v.x[0]..=v.x[1]).contains(&q[0]) && (v.y[0]..=v.y[1]).contains(&q[1]);
            (inside && loss.is_finite()).then(|| camera.point(q[0], q[1], mesh.level(loss)))
        })
        .collect()
}

/// The path layer in relief: each path up to `step` on the surface at its
/// losses (a casing under a line in its colour and a dot per step; the
/// stretches the surface hides drawn thin and faint), every path's current point ringed, and the
/// start. `start` is the start point with its loss.
#[allow(clippy::too_many_arguments)]
pub fn draw_paths<P: Painter>(
    p: &mut P,
    camera: &Camera,
    relief: &Relief,
    mesh: &Mesh,
    paths: &[PathArt],
    step: usize,
    start: Option<([f64; 2], f64)>,
    s: Scale,
) {
    p.clip(camera.area);
    let mut ends = Vec::with_capacity(paths.len());
    for path in paths {
        let run = path.run;
        let end = step.min(run.points.len().saturating_sub(1));
        let pts = path_points(camera, mesh, run, end);
        // Split into runs of pieces the surface shows or hides: a segment
        // is cut into pieces of about three pixels, each tested at its middle.
        let mut shown: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut hidden: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut state: Option<bool> = None;
        for w in pts.windows(2) {
            let (Some(a), Some(b)) = (w[0], w[1]) else {
                state = None;
                continue;
            };
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            let pieces = ((len / s.px(3.0)).ceil() as usize).clamp(1, 400);
            for k in 0..pieces {
                let (u0, u1) = (k as f64 / pieces as f64, (k + 1) as f64 / pieces as f64);
                let at = |u: f64| {
                    (
                        a.0 + (b.0 - a.0) * u,
                        a.1 + (b.1 - a.1) * u,
                        a.2 + (b.2 - a.2) * u,
                    )
                };
                let vis = relief.visible(at((u0 + u1) / 2.0));
                let (p0, p1) = (at(u0), at(u1));
                if state != Some(vis) {
                    let list = if vis { &mut shown } else { &mut hidden };
                    list.push(vec![(p0.0, p0.1)]);
                    state = Some(vis);
                }
                let list = if vis { &mut shown } else { &mut hidden };
                list.last_mut().expect("just pushed").push((p1.0, p1.1));
            }
        }
        // A dot per step the surface shows, left out where it would
        // overlap the one before.
        let radius = s.px(2.0);
        let mut dots: Vec<(f64, f64)> = Vec::new();
        for &at in pts.iter().flatten() {
            let near = dots
                .last()
                .is_some_and(|&(x, y)| (at.0 - x).abs() < radius && (at.1 - y).abs() < radius);
            if !near && relief.visible(at) {
                dots.push((at.0, at.1));
            }
        }
        p.begin_group(&run.label);
        for line in &hidden {
            p.polyline(
                &thin(line, 0.5 * s.0),
                Stroke::new(path.color.alpha(0.35), s.px(1.5)),
            );
        }
        for line in &shown {
            let line = thin(line, 0.5 * s.0);
            p.polyline(&line, Stroke::new(Color::BLACK.alpha(0.6), s.px(4.0)));
            p.polyline(&line, Stroke::new(path.color, s.px(2.0)));
        }
        p.dots(&dots, radius, path.color);
        p.end_group();
        if let Some(last) = pts.iter().rev().flatten().next() {
            ends.push((*last, path.color));
        }
    }
    p.begin_group("current");
    for &(at, color) in &ends {
        let alpha = if relief.visible(at) { 1.0 } else { 0.4 };
        let c = (at.0, at.1);
        p.circle(
            c,
            s.px(6.0),
            None,
            Some(Stroke::new(Color::BLACK.alpha(alpha), s.px(3.0))),
        );
        p.circle(
            c,
            s.px(6.0),
            None,
            Some(Stroke::new(color.alpha(alpha), s.px(2.0))),
        );
    }
    p.end_group();
    if let Some((q, loss)) = start {
        let v = camera.view;
        if loss.is_finite()
            && (v.x[0]..=v.x[1]).contains(&q[0])
            && (v.y[0]..=v.y[1]).contains(&q[1])
        {
            let at = camera.point(q[0], q[1], mesh.level(loss));
            let alpha = if relief.visible(at) { 1.0 } else { 0.4 };
            p.begin_group("start");
            p.circle(
                (at.0, at.1),
                s.px(6.0),
                Some(Color::WHITE.alpha(alpha)),
                Some(Stroke::new(Color::BLACK.alpha(alpha), s.px(2.0))),
            );
            p.end_group();
        }
    }
    p.end_clip();
}

/// Pixels on the plot.
pub type Pixels = Vec<(f64, f64)>;

/// Every shown path's points on screen and the minima's and start's, for
/// placing a legend where it hides least.
pub fn marks_on_screen(
    camera: &Camera,
    mesh: &Mesh,
    paths: &[PathArt],
    step: usize,
    marks: &[([f64; 2], f64)],
) -> (Pixels, Pixels) {
    let steps = paths
        .iter()
        .flat_map(|path| {
            let end = step.min(path.run.points.len().saturating_sub(1));
            path_points(camera, mesh, path.run, end)
        })
        .flatten()
        .map(|(x, y, _)| (x, y))
        .collect();
    let w = camera.view;
    let marks = marks
        .iter()
        .filter(|(q, v)| {
            v.is_finite() && (w.x[0]..=w.x[1]).contains(&q[0]) && (w.y[0]..=w.y[1]).contains(&q[1])
        })
        .map(|(q, v)| {
            let (x, y, _) = camera.point(q[0], q[1], mesh.level(*v));
            (x, y)
        })
        .collect();
    (steps, marks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_objectives::functions;

    fn bowl() -> (Box<dyn Objective>, View) {
        let def = functions::lookup("quadratic").expect("quadratic");
        let f = (def.build)(&def.defaults());
        let view = f.view();
        (f, view)
    }

    #[test]
    fn angles_parse_within_range_and_name_the_key() {
        let a = Angle::parse("-35,30", "view3d").unwrap();
        assert_eq!(
            a,
            Angle {
                yaw: -35.0,
                pitch: 30.0,
                zoom: 1.0
            }
        );
        assert_eq!(Angle::parse("200,90,2", "view3d").unwrap().yaw, -160.0);
        assert_eq!(
            Angle::parse("10,0,0.5", "view3d").unwrap().text(),
            "10,0,0.5"
        );
        for (bad, says) in [
            ("abc", "view3d: must be YAW,PITCH"),
            ("1,2,3,4", "view3d: must be YAW,PITCH"),
            ("1", "view3d: must be YAW,PITCH"),
            ("inf,20", "view3d: must be YAW,PITCH"),
            ("0,95", "view3d: pitch must be in [0, 90]"),
            ("0,-1", "view3d: pitch must be in [0, 90]"),
            ("0,30,9", "view3d: zoom must be in [0.5, 4]"),
            ("0,30,NaN", "view3d: zoom must be in [0.5, 4]"),
        ] {
            let e = Angle::parse(bad, "view3d").unwrap_err().to_string();
            assert!(e.starts_with(says), "{bad}: {e}");
        }
        assert!(Angle::parse("0,120", "--angle")
            .unwrap_err()
            .to_string()
            .starts_with("--angle: pitch"));
        // A pitch and a zoom both out of range are both named.
        assert_eq!(Angle::parse("999,999,999", "view3d").unwrap_err().len(), 2);
        // The text reads back as the same angle.
        let a = Angle::new(-123.456, 45.67, 1.234);
        let b = Angle::parse(&a.text(), "view3d").unwrap();
        assert!(
            (a.yaw - b.yaw).abs() < 0.06
                && (a.pitch - b.pitch).abs() < 0.06
                && (a.zoom - b.zoom).abs() < 0.006
        );
        assert_eq!(
            Angle::new(0.0, 120.0, 10.0),
            Angle {
                yaw: 0.0,
                pitch: 90.0,
                zoom: 4.0
            }
        );
    }

    #[test]
    fn straight_above_the_relief_is_the_flat_map() {
        let (_, view) = bowl();
        let area = Rect::new(0.0, 0.0, 400.0, 400.0);
        let cam = Camera::new(area, view, Angle::new(0.0, 90.0, 1.0), Scale(1.0));
        // x to the right, y up, the height toward the viewer.
        let (l, _, _) = cam.point(view.x[0], 0.0, 0.5);
        let (r, _, _) = cam.point(view.x[1], 0.0, 0.5);
        let (_, top, _) = cam.point(0.0, view.y[1], 0.5);
        let (_, bottom, _) = cam.point(0.0, view.y[0], 0.5);
        assert!(l < r && top < bottom);
        let (_, _, high) = cam.point(0.0, 0.0, 1.0);
        let (_, _, low) = cam.point(0.0, 0.0, 0.0);
        assert!(high < low, "the top is nearer than the floor");
        // A flat map: a point's place does not depend on its height, and the
        // plane maps to the screen linearly, the window drawn as a square (the
        // relief's box, whatever the window's aspect).
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9 * (1.0 + a.abs());
        for &(x, y) in &[(view.x[0], view.y[0]), (0.3, -0.7), (view.x[1], view.y[1])] {
            let (x0, y0, _) = cam.point(x, y, 0.0);
            let (x1, y1, _) = cam.point(x, y, 1.0);
            assert!(
                near(x0, x1) && near(y0, y1),
                "({x}, {y}) moved with its height"
            );
        }
        let at = |x: f64, y: f64| {
            let (sx, sy, _) = cam.point(x, y, 0.0);
            (sx, sy)
        };
        let mid = at((view.x[0] + view.x[1]) / 2.0, (view.y[0] + view.y[1]) / 2.0);
        let (a, b) = (at(view.x[0], view.y[0]), at(view.x[1], view.y[1]));
        assert!(near(mid.0, (a.0 + b.0) / 2.0) && near(mid.1, (a.1 + b.1) / 2.0));
        let (wide, tall) = (b.0 - a.0, a.1 - b.1);
        assert!(
            near(wide, tall),
            "the window is {wide} wide and {tall} tall"
        );
        // No turn: a line of constant y is level on the screen.
        assert!(near(at(view.x[0], 0.2).1, at(view.x[1], 0.2).1));
    }

    #[test]
    fn the_mesh_fills_its_area_and_the_bowl_is_deepest_at_its_minimum() {
        let (f, view) = bowl();
        let mesh = Mesh::sample(f.as_ref(), view, 33);
        // The corners are sampled exactly.
        assert_eq!(mesh.values[0], f.value([view.x[0], view.y[1]]));
        assert_eq!(mesh.values[33 * 33 - 1], f.value([view.x[1], view.y[0]]));
        let area = Rect::new(0.0, 0.0, 300.0, 240.0);
        let cam = Camera::new(area, view, Angle::new(0.0, 90.0, 1.0), Scale(1.0));
        let relief = Relief::render(&mesh, &cam, 1.0);
        assert_eq!((relief.width, relief.height), (300, 240));
        // From above, the mesh covers the box's square and nothing else.
        let painted = relief.rgba.chunks(4).filter(|p| p[3] == 255).count() as f64;
        let (l, _, _) = cam.point(view.x[0], 0.0, 0.0);
        let (r, _, _) = cam.point(view.x[1], 0.0, 0.0);
        let side = r - l;
        assert!(
            (painted / (side * side) - 1.0).abs() < 0.05,
            "{painted} pixels, side {side}"
        );
        // From above, the centre pixel is the bowl's floor: the darkest viridis.
        let (cx, cy, _) = cam.point(0.0, 0.0, 0.0);
        let i = 4 * (cy as usize * 300 + cx as usize);
        let centre = &relief.rgba[i..i + 3];
        let low = viridis_table()[0];
        assert!(
            centre
                .iter()
                .zip(low)
                .all(|(&a, b)| (a as i32 - b as i32).abs() < 40),
            "{centre:?}"
        );
    }

    #[test]
    fn holes_where_f_is_undefined_and_no_spikes() {
        let (f, view) = bowl();
        let mut mesh = Mesh::sample(f.as_ref(), view, 17);
        // A hole in the middle: no triangle touching it is drawn.
        for j in 6..11 {
            for i in 6..11 {
                mesh.values[j * 17 + i] = f64::NAN;
            }
        }
        let area = Rect::new(0.0, 0.0, 200.0, 200.0);
        let cam = Camera::new(area, view, Angle::new(0.0, 90.0, 1.0), Scale(1.0));
        let relief = Relief::render(&mesh, &cam, 1.0);
        let (cx, cy, _) = cam.point(0.0, 0.0, 0.5);
        assert_eq!(
            relief.rgba[4 * (cy as usize * 200 + cx as usize) + 3],
            0,
            "a hole"
        );
        // And a path over the hole is visible.
        assert!(relief.visible(cam.point(0.0, 0.0, 0.0)));
    }

    #[test]
    fn a_ridge_hides_what_is_behind_it() {
        // A wall across the window at y = 0, seen from the side: a point on
        // the floor behind it is hidden, one in front is not.
        let view = View {
            x: [-1.0, 1.0],
            y: [-1.0, 1.0],
        };
        let n = 41;
        let mut values = Vec::new();
        for j in 0..n {
            let y = 1.0 - 2.0 * j as f64 / (n - 1) as f64;
            for _ in 0..n {
                values.push(if y.abs() < 0.1 { 10.0 } else { 0.0 });
            }
        }
        let mesh = Mesh {
            view,
            n,
            colours: ColourMap::of(&values),
            values,
        };
        let area = Rect::new(0.0, 0.0, 400.0, 400.0);
        let cam = Camera::new(area, view, Angle::new(0.0, 10.0, 1.0), Scale(1.0));
        let relief = Relief::render(&mesh, &cam, 1.0);
        assert!(
            relief.visible(cam.point(0.0, -0.6, 0.0)),
            "in front of the wall"
        );
        assert!(!relief.visible(cam.point(0.0, 0.4, 0.0)), "behind the wall");
    }

    #[test]
    fn a_mesh_from_a_grid_reads_its_values() {
        let (f, view) = bowl();
        let grid = Grid::sample(f.as_ref(), view, 80, 60);
        let mesh = Mesh::from_grid(&grid, 21);
        let direct = Mesh::sample(f.as_ref(), view, 21);
        let span = grid.max - grid.min;
        for (a, b) in mesh.values.iter().zip(&direct.values) {
            assert!((a - b).abs() < 0.05 * span, "{a} against {b}");
        }
    }
}
