//! The loss surface as a raster: f sampled at every pixel of a plot, mapped to
//! colour on a linear or logarithmic scale, handed to the screen in one piece.

use super::colormap::viridis_table;
use crate::objective::{Objective, View};

/// How values map to colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Evenly from the smallest to the largest value.
    Linear,
    /// By log(1 + (f − min) / s): for surfaces whose values span decades
    /// (Rosenbrock, Beale, Goldstein–Price), where a linear map would show one
    /// colour everywhere but the walls.
    Log { s: f64 },
}

/// f sampled on a grid over a view: `values[row * width + col]`, row 0 at the
/// top (largest y), each sample at the centre of its cell.
#[derive(Debug, Clone)]
pub struct Grid {
    pub view: View,
    pub width: usize,
    pub height: usize,
    pub values: Vec<f64>,
    /// Smallest and largest finite value.
    pub min: f64,
    pub max: f64,
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
        let table = viridis_table();
        let level = self.colours().leveller();
        let mut out = Vec::with_capacity(self.values.len() * 4);
        for (i, &v) in self.values.iter().enumerate() {
            let [r, g, b] = if v.is_finite() {
                table[(level(v) * 255.0).round() as usize]
            } else {
                hatch(i % self.width, i / self.width)
            };
            out.extend_from_slice(&[r, g, b, 255]);
        }
        out
    }

    /// Whether some sample is not a finite number (drawn hatched).
    pub fn has_gaps(&self) -> bool {
        self.values.iter().any(|v| !v.is_finite())
    }
}

/// The map from a surface's values to colour: its range and scale. Uses
/// `libm`, so a figure's colours are the same in every build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourMap {
    pub min: f64,
    pub max: f64,
    pub scale: Scale,
}

impl ColourMap {
    /// The map for these values: from the smallest to the largest finite
    /// one ([0, 1] when none is), on the scale they call for.
    pub fn of(values: &[f64]) -> ColourMap {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values.iter().filter(|v| v.is_finite()) {
            min = min.min(v);
            max = max.max(v);
        }
        if !min.is_finite() {
            (min, max) = (0.0, 1.0);
        }
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
    let dx = (view.x[1] - view.x[0]) / width as f64;
    let dy = (view.y[1] - view.y[0]) / height as f64;
    let xs: Vec<f64> = (0..width)
        .map(|col| view.x[0] + (col as f64 + 0.5) * dx)
        .collect();
    for row in rows {
        let y = view.y[1] - (row as f64 + 0.5) * dy;
        let at = values.len();
        values.resize(at + width, 0.0);
        f.sample_row(&xs, y, &mut values[at..]);
    }
}

/// Linear unless the values are heavily skewed: when the spread of the whole
/// window is more than 30 times that of its lowest tenth, the interesting part
/// (the valley floor) would be one flat colour, so use a log scale.
fn choose_scale(values: &[f64], min: f64, max: f64) -> Scale {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
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
    use crate::functions::lookup;

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
        use crate::functions::custom::Typed;
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
