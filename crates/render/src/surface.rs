//! The loss surface as a raster: f sampled at every pixel of a plot, mapped to
//! colour on a linear or logarithmic scale, handed to the screen in one piece.

use crate::colormap::viridis_table;
use optiviz_objectives::objective::{Objective, View};

/// How values map to colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Evenly from the smallest to the largest value.
    Linear,
    /// By log(1 + (f − min) / s): for surfaces whose values span decades
    /// (Rosenbrock, Beale, Goldstein–Price), where a linear map would show one
    /// colour everywhere but the walls.
    Log {
        /// The knee, in f's units: nearly linear within s of the minimum,
        /// logarithmic beyond (the lowest tenth's height above it).
        s: f64,
    },
}

/// f sampled on a grid over a view: `values[row * width + col]`, row 0 at the
/// top (largest y), each sample at the centre of its cell.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The data window sampled.
    pub view: View,
    /// Samples per row.
    pub width: usize,
    /// Rows of samples.
    pub height: usize,
    /// f at each sample, row by row from the top.
    pub values: Vec<f64>,
    /// The smallest finite value.
    pub min: f64,
    /// The largest finite value.
    pub max: f64,
    /// How the values map to colour.
    pub scale: Scale,
}

impl Grid {
    /// Samples `f` on a `width` × `height` grid over `view`.
    pub fn sample(f: &dyn Objective, view: View, width: usize, height: usize) -> Grid {
        let (width, height) = (width.max(2), height.max(2));
        let mut values = Vec::with_capacity(width * height);
        sample_rows(f, view, width, height, 0..height, &mut values);
        Grid::from_values(view, width, height, values)
    }

    /// A grid from values already sampled (row 0 at the top), as
    /// [`sample_rows`] produces them.
    pub fn from_values(view: View, width: usize, height: usize, values: Vec<f64>) -> Grid {
        let ColourMap { min, max, scale } = ColourMap::of(&values);
        Grid {
            view,
            width,
            height,
            values,
            min,
            max,
            scale,
        }
    }

    /// Every `k`-th sample in both directions, as a coarser grid over the
    /// same view (for contours, which need less detail than the colours).
    pub fn subsample(&self, k: usize) -> Grid {
        let k = k.max(1);
        let (w, h) = (self.width.div_ceil(k), self.height.div_ceil(k));
        let mut values = Vec::with_capacity(w * h);
        for row in 0..h {
            for col in 0..w {
                values.push(self.values[(row * k) * self.width + col * k]);
            }
        }
        // Sample (col, row) of the coarse grid sits where (col k, row k) did;
        // widen the view so that the cell-centre convention still holds.
        let dx = (self.view.x[1] - self.view.x[0]) / self.width as f64;
        let dy = (self.view.y[1] - self.view.y[0]) / self.height as f64;
        let x0 = self.view.x[0] + 0.5 * dx - 0.5 * dx * k as f64;
        let y1 = self.view.y[1] - 0.5 * dy + 0.5 * dy * k as f64;
        let view = View {
            x: [x0, x0 + dx * k as f64 * w as f64],
            y: [y1 - dy * k as f64 * h as f64, y1],
        };
        Grid {
            view,
            width: w,
            height: h,
            values,
            ..*self
        }
    }

    /// How this grid's values map to colour.
    pub fn colours(&self) -> ColourMap {
        ColourMap {
            min: self.min,
            max: self.max,
            scale: self.scale,
        }
    }

    /// Where `v` falls on the colour scale, in [0, 1].
    pub fn level(&self, v: f64) -> f64 {
        self.colours().level(v)
    }

    /// The value at colour level `t` in [0, 1]; the inverse of [`Grid::level`].
    pub fn value_at_level(&self, t: f64) -> f64 {
        self.colours().value_at_level(t)
    }

    /// `n` contour levels evenly spaced in colour, ends excluded.
    pub fn contour_levels(&self, n: usize) -> Vec<f64> {
        (1..=n)
            .map(|k| self.value_at_level(k as f64 / (n + 1) as f64))
            .collect()
    }

    /// The raster as RGBA bytes, row by row, ready for `putImageData`.
    /// Where f is not a finite number (a typed function's log of a negative
    /// number, say) the pixel is left out of the colour scale and drawn as a
    /// grey diagonal hatch.
    pub fn rgba(&self) -> Vec<u8> {
        // The page's shader, with no lines to draw.
        let mut out = Vec::with_capacity(self.values.len() * 4);
        Shader::new(self.colours(), &[], 1.0, [0; 3], 0.0).rows(self, 0..self.height, &mut out);
        out
    }

    /// Whether some sample is not a finite number (drawn hatched).
    pub fn has_gaps(&self) -> bool {
        self.values.iter().any(|v| !v.is_finite())
    }
}

/// Colours a grid's samples and draws its contour lines into the same
/// pixels, in one pass: each line is where the value crosses a level, and a
/// pixel's distance to it is the distance in value over the slope (from the
/// neighbouring samples), so lines are anti-aliased and as thin as asked
/// whatever the zoom. Where levels crowd closer than a few line widths (a
/// steep wall) their lines fade out rather than merge.
pub struct Shader {
    /// The colours as opaque RGBA pixels.
    table: [[u8; 4]; 256],
    /// The colour bounds between −∞ and +∞: a value has colour index k
    /// where `bounds[k] <= v < bounds[k + 1]` (as `round(level × 255)`).
    bounds: [f64; 257],
    /// The levels between −∞ and +∞, likewise.
    levels: Vec<f64>,
    /// `gaps[k]`: the spacing of the levels around a value between
    /// `levels[k]` and `levels[k + 1]` (the nearest spacing beyond either
    /// end).
    gaps: Vec<f64>,
    /// Half the line width, in samples.
    half: f64,
    /// How much of the line colour covers a pixel the line fills.
    alpha: f64,
    line: [u8; 3],
}

impl Shader {
    /// Lines of `width` samples across at `levels` (increasing), in `line`
    /// colour covering `alpha` of what they cross.
    pub fn new(
        colours: ColourMap,
        levels: &[f64],
        width: f64,
        line: [u8; 3],
        alpha: f64,
    ) -> Shader {
        let mut bounds = [f64::INFINITY; 257];
        bounds[0] = f64::NEG_INFINITY;
        if colours.max > colours.min {
            for (k, b) in bounds[1..256].iter_mut().enumerate() {
                *b = colours.value_at_level((k as f64 + 0.5) / 255.0);
            }
        }
        let fenced = |inner: &[f64]| {
            let mut all = vec![f64::NEG_INFINITY];
            all.extend_from_slice(inner);
            all.push(f64::INFINITY);
            all
        };
        let n = levels.len();
        let gap = |k: usize| levels[k + 1] - levels[k];
        let gaps = (0..=n)
            .map(|k| match (k, n) {
                (_, 0 | 1) => f64::INFINITY,
                (0, _) => gap(0),
                (k, n) if k == n => gap(n - 2),
                (k, _) => gap(k - 1),
            })
            .collect();
        Shader {
            table: viridis_table().map(|[r, g, b]| [r, g, b, 255]),
            bounds,
            levels: fenced(levels),
            gaps,
            half: width / 2.0,
            alpha,
            line,
        }
    }

    /// Appends the RGBA bytes of `rows` of `grid` to `out`.
    pub fn rows(&self, grid: &Grid, rows: std::ops::Range<usize>, out: &mut Vec<u8>) {
        let (w, h) = (grid.width, grid.height);
        let v = &grid.values;
        let (bounds, levels) = (&self.bounds, &self.levels[..]);
        // A line reaches a pixel whose centre is within half its width and
        // half a pixel of it.
        let reach2 = (self.half + 0.5) * (self.half + 0.5);
        let per_width = 0.5 / self.half;
        let crowd2 = (4.0 * self.half) * (4.0 * self.half);
        let start = out.len();
        out.resize(start + rows.len() * w * 4, 255);
        let mut slopes = vec![0.0; w];
        // Indices walked from one pixel to the next: neighbours differ little.
        let (mut ci, mut li) = (0u8, 0usize);
        for (row, pixels) in rows.zip(out[start..].chunks_exact_mut(w * 4)) {
            let line = &v[row * w..(row + 1) * w];
            // The rows above and below (the same row at an edge) and the
            // spacing between them, for the slope.
            let (up, down) = (row.saturating_sub(1), (row + 1).min(h - 1));
            let (above, below) = (&v[up * w..(up + 1) * w], &v[down * w..(down + 1) * w]);
            let dy = if down - up == 2 { 0.5 } else { 1.0 };
            // The squared slope at each sample of the row, from its
            // neighbours (one side at an edge), in one pass that vectorizes.
            let slope2 = |left: f64, right: f64, dx: f64, up: f64, down: f64| {
                let (gx, gy) = ((right - left) * dx, (down - up) * dy);
                gx * gx + gy * gy
            };
            for ((((g, l), r), a), b) in slopes[1..w - 1]
                .iter_mut()
                .zip(&line[..w - 2])
                .zip(&line[2..])
                .zip(&above[1..w - 1])
                .zip(&below[1..w - 1])
            {
                *g = slope2(*l, *r, 0.5, *a, *b);
            }
            slopes[0] = slope2(line[0], line[1], 1.0, above[0], below[0]);
            slopes[w - 1] = slope2(line[w - 2], line[w - 1], 1.0, above[w - 1], below[w - 1]);
            for (col, px) in pixels.chunks_exact_mut(4).enumerate() {
                let x = line[col];
                if !x.is_finite() {
                    px[..3].copy_from_slice(&hatch(col, row));
                    continue;
                }
                // (A u8 index: the fences keep it within 0..=255.)
                while x >= bounds[usize::from(ci) + 1] {
                    ci += 1;
                }
                while x < bounds[usize::from(ci)] {
                    ci -= 1;
                }
                let colour = self.table[usize::from(ci)];
                px.copy_from_slice(&colour);
                while x >= levels[li + 1] {
                    li += 1;
                }
                while x < levels[li] {
                    li -= 1;
                }
                // The distance in value to the nearer level, and the slope
                // (a neighbour with no value leaves it NaN: no line there).
                // (Compared, not `f64::min`: in WebAssembly that is a call
                // per pixel, for its handling of NaN.)
                let (below, above) = (x - levels[li], levels[li + 1] - x);
                let dv = if below < above { below } else { above };
                let g2 = slopes[col];
                // Most pixels are far from every line, and where the
                // levels crowd (fewer than two line widths apart) no line is
                // drawn.
                let gap = self.gaps[li];
                // (A slope of NaN, beside a sample with no value, is near
                // nothing.)
                let near = dv * dv < reach2 * g2;
                if !near || gap * gap <= crowd2 * g2 {
                    continue;
                }
                let per = 1.0 / g2.sqrt();
                let d = dv * per;
                // The part of the pixel (a unit box across the line) the
                // line covers.
                let (upper, lower) = (d + 0.5, d - 0.5);
                let upper = if upper < self.half { upper } else { self.half };
                let lower = if lower > -self.half {
                    lower
                } else {
                    -self.half
                };
                let inside = (upper - lower).clamp(0.0, 1.0);
                // Where the levels crowd, the lines fade: gone at two line
                // widths apart, whole at four.
                let gap = gap * per * per_width;
                let a = self.alpha * inside * ((gap - 2.0) / 2.0).clamp(0.0, 1.0);
                // In 1/256ths, in integers.
                let a = (a * 256.0 + 0.5) as i32;
                for (c, (&base, &l)) in px[..3].iter_mut().zip(colour.iter().zip(&self.line)) {
                    let base = i32::from(base);
                    *c = (base + (((i32::from(l) - base) * a + 128) >> 8)) as u8;
                }
            }
        }
    }
}

/// The map from a surface's values to colour: its range and scale. Uses
/// `libm`, so a figure's colours are the same in every build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourMap {
    /// The value at the bottom of the scale.
    pub min: f64,
    /// The value at the top of the scale.
    pub max: f64,
    /// Linear or logarithmic.
    pub scale: Scale,
}

impl ColourMap {
    /// The map for these values: from the smallest to the largest finite
    /// one ([0, 1] when none is), on the scale they call for.
    pub fn of(values: &[f64]) -> ColourMap {
        let (min, max) = finite_range(values);
        let (min, max) = if min.is_finite() {
            (min, max)
        } else {
            (0.0, 1.0)
        };
        ColourMap {
            min,
            max,
            scale: choose_scale(values, min, max),
        }
    }

    /// Where `v` falls on the colour scale, in [0, 1].
    pub fn level(&self, v: f64) -> f64 {
        self.leveller()(v)
    }

    /// [`ColourMap::level`] with its constants worked out once, for a pass
    /// over every pixel.
    pub fn leveller(&self) -> impl Fn(f64) -> f64 {
        let (min, span) = (self.min, self.max - self.min);
        let (s, full) = match self.scale {
            Scale::Linear => (0.0, span),
            Scale::Log { s } => (s, libm::log1p(span / s)),
        };
        move |v: f64| {
            if span <= 0.0 || !v.is_finite() {
                return if v.is_finite() { 0.0 } else { 1.0 };
            }
            let t = if s > 0.0 {
                libm::log1p((v - min) / s) / full
            } else {
                (v - min) / span
            };
            t.clamp(0.0, 1.0)
        }
    }

    /// The value at colour level `t` in [0, 1]; the inverse of [`ColourMap::level`].
    pub fn value_at_level(&self, t: f64) -> f64 {
        let span = self.max - self.min;
        match self.scale {
            Scale::Linear => self.min + t * span,
            Scale::Log { s } => self.min + s * libm::expm1(t * libm::log1p(span / s)),
        }
    }
}

/// The smallest and largest finite value (∞ and −∞ when there is none).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn finite_range(values: &[f64]) -> (f64, f64) {
    // Eight running bounds at a time, each pass a plain comparison (no
    // chain of NaN-aware min and max), so the loop vectorizes.
    let (mut lo, mut hi) = ([f64::INFINITY; 8], [f64::NEG_INFINITY; 8]);
    let mut chunks = values.chunks_exact(8);
    let mut take = |lane: usize, v: f64| {
        let finite = v.abs() < f64::INFINITY;
        lo[lane] = if finite && v < lo[lane] { v } else { lo[lane] };
        hi[lane] = if finite && v > hi[lane] { v } else { hi[lane] };
    };
    for chunk in &mut chunks {
        for (lane, &v) in chunk.iter().enumerate() {
            take(lane, v);
        }
    }
    for (lane, &v) in chunks.remainder().iter().enumerate() {
        take(lane, v);
    }
    let min = lo.into_iter().fold(f64::INFINITY, f64::min);
    let max = hi.into_iter().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// [`finite_range`] in WebAssembly's 128-bit lanes, which its compiler
/// does not vectorize to by itself (it leaves eight scalar lanes).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn finite_range(values: &[f64]) -> (f64, f64) {
    use core::arch::wasm32::*;
    let (inf, neg) = (f64x2_splat(f64::INFINITY), f64x2_splat(f64::NEG_INFINITY));
    // Two pairs of running bounds; a value that is not finite counts as ∞
    // for the least and −∞ for the greatest.
    let (mut lo, mut hi) = ([inf; 2], [neg; 2]);
    let mut chunks = values.chunks_exact(4);
    for c in &mut chunks {
        for (lane, pair) in c.chunks_exact(2).enumerate() {
            let v = f64x2(pair[0], pair[1]);
            let finite = f64x2_lt(f64x2_abs(v), inf);
            lo[lane] = f64x2_pmin(lo[lane], v128_bitselect(v, inf, finite));
            hi[lane] = f64x2_pmax(hi[lane], v128_bitselect(v, neg, finite));
        }
    }
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut take = |least: f64, greatest: f64| {
        min = if least < min { least } else { min };
        max = if greatest > max { greatest } else { max };
    };
    for (l, h) in lo.into_iter().zip(hi) {
        take(f64x2_extract_lane::<0>(l), f64x2_extract_lane::<0>(h));
        take(f64x2_extract_lane::<1>(l), f64x2_extract_lane::<1>(h));
    }
    for &v in chunks.remainder() {
        if v.is_finite() {
            take(v, v);
        }
    }
    (min, max)
}

/// The hatch's two greys, neither of which the colour scale uses.
pub const HATCH: [[u8; 3]; 2] = [[0xd4, 0xd4, 0xd4], [0x8c, 0x8c, 0x8c]];

/// The colour of pixel (`col`, `row`) where f is undefined: diagonal stripes
/// three pixels wide.
fn hatch(col: usize, row: usize) -> [u8; 3] {
    HATCH[usize::from((col + row) % 6 < 2)]
}

/// Appends the samples of `rows` (each `width` cells at their centres) to
/// `values`, so a large grid can be computed a slice at a time.
pub fn sample_rows(
    f: &dyn Objective,
    view: View,
    width: usize,
    height: usize,
    rows: std::ops::Range<usize>,
    values: &mut Vec<f64>,
) {
    if width == 0 || rows.is_empty() {
        return;
    }
    let dx = (view.x[1] - view.x[0]) / width as f64;
    let dy = (view.y[1] - view.y[0]) / height as f64;
    let xs: Vec<f64> = (0..width)
        .map(|col| view.x[0] + (col as f64 + 0.5) * dx)
        .collect();
    let ys: Vec<f64> = rows
        .map(|row| view.y[1] - (row as f64 + 0.5) * dy)
        .collect();
    let at = values.len();
    values.resize(at + width * ys.len(), 0.0);
    f.sample_grid(&xs, &ys, &mut values[at..]);
}

/// How many values [`choose_scale`] reads at most.
const SCALE_SAMPLES: usize = 1 << 16;

/// Linear unless the values are heavily skewed: when the spread of the whole
/// window is more than 30 times that of its lowest tenth, the interesting part
/// (the valley floor) would be one flat colour, so use a log scale.
/// The lowest tenth is judged from at most [`SCALE_SAMPLES`] values spread
/// evenly over the grid, which a quantile needs no more of.
fn choose_scale(values: &[f64], min: f64, max: f64) -> Scale {
    let every = values.len().div_ceil(SCALE_SAMPLES).max(1);
    let mut finite: Vec<f64> = values
        .iter()
        .step_by(every)
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if finite.len() < 10 || max <= min {
        return Scale::Linear;
    }
    let k = finite.len() / 10;
    let (_, q10, _) = finite.select_nth_unstable_by(k, f64::total_cmp);
    let low = *q10 - min;
    let span = max - min;
    if low * 30.0 < span {
        Scale::Log {
            s: low.max(span * 1e-9),
        }
    } else {
        Scale::Linear
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_objectives::functions::lookup;

    fn grid(name: &str, w: usize, h: usize) -> Grid {
        let def = lookup(name).unwrap();
        let f = (def.build)(&def.defaults());
        let view = f.view();
        Grid::sample(f.as_ref(), view, w, h)
    }

    #[test]
    fn samples_sit_at_cell_centres_top_row_first() {
        let g = grid("saddle", 4, 2);
        // view [-2, 2]²: cells 1 wide, 2 high; first sample at (-1.5, 1).
        assert_eq!(g.values[0], 1.5 * 1.5 - 1.0);
        assert_eq!(g.values.len(), 8);
        assert_eq!(g.rgba().len(), 32);
    }

    #[test]
    fn skewed_surfaces_get_a_log_scale_and_bowls_a_linear_one() {
        assert!(matches!(
            grid("rosenbrock", 80, 60).scale,
            Scale::Log { .. }
        ));
        assert!(matches!(
            grid("goldstein_price", 80, 60).scale,
            Scale::Log { .. }
        ));
        assert_eq!(grid("quadratic", 80, 60).scale, Scale::Linear);
        assert_eq!(grid("saddle", 80, 60).scale, Scale::Linear);
    }

    #[test]
    fn levels_invert_and_contours_are_increasing() {
        for name in ["rosenbrock", "quadratic"] {
            let g = grid(name, 80, 60);
            for t in [0.0, 0.25, 0.5, 1.0] {
                assert!((g.level(g.value_at_level(t)) - t).abs() < 1e-9);
            }
            let levels = g.contour_levels(10);
            assert!(levels.windows(2).all(|w| w[0] < w[1]));
            assert!(levels[0] > g.min && levels[9] < g.max);
        }
    }

    #[test]
    fn a_subsampled_grid_keeps_each_sample_at_its_place() {
        let g = grid("quadratic", 81, 61);
        let c = g.subsample(2);
        assert_eq!((c.width, c.height), (41, 31));
        let centre = |g: &Grid, col: usize, row: usize| {
            let dx = (g.view.x[1] - g.view.x[0]) / g.width as f64;
            let dy = (g.view.y[1] - g.view.y[0]) / g.height as f64;
            [
                g.view.x[0] + (col as f64 + 0.5) * dx,
                g.view.y[1] - (row as f64 + 0.5) * dy,
            ]
        };
        for (col, row) in [(0, 0), (3, 7), (40, 30)] {
            let a = centre(&c, col, row);
            let b = centre(&g, col * 2, row * 2);
            assert!((a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12);
            assert_eq!(
                c.values[row * c.width + col],
                g.values[row * 2 * g.width + col * 2]
            );
        }
    }

    #[test]
    fn the_lowest_pixel_is_darkest() {
        let g = grid("quadratic", 81, 61);
        let rgba = g.rgba();
        let (i, _) = g
            .values
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .unwrap();
        assert_eq!(
            &rgba[i * 4..i * 4 + 3],
            &super::super::colormap::viridis(0.0)
        );
    }

    #[test]
    fn undefined_values_are_hatched_not_coloured() {
        use optiviz_objectives::functions::custom::Typed;
        // log of a negative x is NaN: the left half has no value.
        let f = Typed::parse("log(x) + y^2", Vec::new(), None).unwrap();
        let view = View {
            x: [-1.0, 1.0],
            y: [-1.0, 1.0],
        };
        let g = Grid::sample(&f, view, 12, 6);
        assert!(g.has_gaps());
        let rgba = g.rgba();
        let px = |col: usize, row: usize| {
            let i = 4 * (row * 12 + col);
            [rgba[i], rgba[i + 1], rgba[i + 2]]
        };
        let table = viridis_table();
        for row in 0..6 {
            for col in 0..6 {
                assert!(HATCH.contains(&px(col, row)), "({col}, {row})");
            }
            for col in 6..12 {
                assert!(table.contains(&px(col, row)), "({col}, {row})");
            }
        }
        // Both greys appear, as stripes.
        assert!(HATCH.iter().all(|c| (0..6).any(|col| px(col, 0) == *c)));
        assert!(!Grid::sample(
            &f,
            View {
                x: [0.5, 1.0],
                y: [0.0, 1.0]
            },
            4,
            4
        )
        .has_gaps());
    }
}
