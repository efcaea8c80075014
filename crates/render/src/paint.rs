//! The one drawing interface every output implements: the page's canvases
//! (`src/web/canvas.rs`), SVG ([`crate::svg`]) and, through SVG, PNG.
//!
//! Shaped like plotters' `DrawingBackend`: a backend must provide a handful of
//! primitives (rectangles, polylines, circles, text, images, a clip); the
//! batched ones (many dots, many polylines, a gradient bar) have defaults built
//! from those, which a backend overrides where it is faster. Coordinates are
//! `f64` device pixels, y down, so a figure keeps sub-pixel precision.

/// A colour with opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    /// Red, 0 to 255.
    pub r: u8,
    /// Green, 0 to 255.
    pub g: u8,
    /// Blue, 0 to 255.
    pub b: u8,
    /// Opacity in [0, 1].
    pub a: f64,
}

impl Color {
    /// Opaque black.
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    /// Opaque white.
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    /// White for the marks that are not paths (contours, minima): a shade off
    /// the palette's pure white, so that in a figure the only lines stroked
    /// in a path's colour are that path's.
    pub const MARK_WHITE: Color = Color::rgb(0xf6, 0xf6, 0xf6);

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 1.0 }
    }

    /// The same colour at opacity `a`.
    pub const fn alpha(self, a: f64) -> Color {
        Color { a, ..self }
    }

    /// Parses `#rrggbb` (the form an experiment's `color` key takes).
    pub fn from_hex(hex: &str) -> Option<Color> {
        let h = hex.strip_prefix('#')?;
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Color::rgb(c(0)?, c(2)?, c(4)?))
    }

    /// `#rrggbb`, lower case.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// A CSS colour: `#rrggbb` when opaque, `rgba(...)` otherwise.
    pub fn css(&self) -> String {
        if self.a >= 1.0 {
            self.hex()
        } else {
            format!("rgba({}, {}, {}, {})", self.r, self.g, self.b, self.a)
        }
    }
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// The line's colour.
    pub color: Color,
    /// The line's width, in device pixels.
    pub width: f64,
    /// Dash and gap lengths in device pixels, for a dashed line.
    pub dash: Option<[f64; 2]>,
}

impl Stroke {
    /// A solid line.
    pub const fn new(color: Color, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    /// The same line, dashed.
    pub const fn dashed(self, dash: f64, gap: f64) -> Stroke {
        Stroke {
            dash: Some([dash, gap]),
            ..self
        }
    }
}

/// Where a text's anchor point lies along its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The anchor is the text's left end.
    Start,
    /// The anchor is the text's centre.
    Middle,
    /// The anchor is the text's right end.
    End,
}

/// Where a text's anchor point lies along its height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The anchor is the text's top.
    Top,
    /// The anchor is halfway up the text.
    Middle,
    /// The alphabetic baseline.
    Alphabetic,
}

/// How a text is set: size in device pixels, colour, anchor, and whether it
/// is turned a quarter turn counter-clockwise (a vertical axis name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// The font size, in device pixels.
    pub size: f64,
    /// The text's colour.
    pub color: Color,
    /// Where the anchor lies along the width.
    pub align: Align,
    /// Where the anchor lies along the height.
    pub baseline: Baseline,
    /// Turned a quarter turn counter-clockwise, reading upwards.
    pub vertical: bool,
}

impl TextStyle {
    /// Left-aligned on the alphabetic baseline.
    pub const fn new(size: f64, color: Color) -> TextStyle {
        TextStyle {
            size,
            color,
            align: Align::Start,
            baseline: Baseline::Alphabetic,
            vertical: false,
        }
    }
    /// The same style anchored at `align` and `baseline`.
    pub const fn anchor(self, align: Align, baseline: Baseline) -> TextStyle {
        TextStyle {
            align,
            baseline,
            ..self
        }
    }
    /// The same style turned a quarter turn counter-clockwise.
    pub const fn vertical(self) -> TextStyle {
        TextStyle {
            vertical: true,
            ..self
        }
    }
}

/// A rectangle in device pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// The left edge.
    pub x: f64,
    /// The top edge.
    pub y: f64,
    /// The width.
    pub w: f64,
    /// The height.
    pub h: f64,
}

impl Rect {
    /// The rectangle with left `x`, top `y`, width `w` and height `h`.
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }
    /// The right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether the point (`x`, `y`) lies inside (edges included).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }
}

/// A drawing target. Required: the primitives; provided: batched forms
/// built from them.
pub trait Painter {
    /// An RGBA raster prepared for drawing (a canvas element, encoded PNG).
    type Image;

    /// Prepares `rgba` (row by row from the top, 4 bytes a pixel) as an image.
    fn image(&mut self, width: usize, height: usize, rgba: &[u8]) -> Self::Image;
    /// Draws an image scaled into `to`.
    fn draw_image(&mut self, image: &Self::Image, to: Rect);
    /// A rectangle, filled.
    fn fill_rect(&mut self, rect: Rect, color: Color);
    /// A closed polygon, filled.
    fn fill_polygon(&mut self, points: &[(f64, f64)], color: Color);
    /// An open polyline (closed when its last point repeats the first).
    fn polyline(&mut self, points: &[(f64, f64)], stroke: Stroke);
    /// A circle, filled and/or outlined.
    fn circle(
        &mut self,
        centre: (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    );
    /// One line of text anchored at `at` as `style` says.
    fn text(&mut self, text: &str, at: (f64, f64), style: TextStyle);
    /// Restricts what follows to `rect`, until the matching [`Painter::end_clip`].
    fn clip(&mut self, rect: Rect);
    /// Ends the innermost [`Painter::clip`].
    fn end_clip(&mut self);

    /// A group of related marks (one optimizer's path, the axes), named for
    /// whoever reads the output; no effect on pixels.
    fn begin_group(&mut self, _name: &str) {}
    /// Ends the innermost [`Painter::begin_group`].
    fn end_group(&mut self) {}

    /// Many line segments in one style (contour lines).
    fn segments(&mut self, segments: &[[(f64, f64); 2]], stroke: Stroke) {
        for s in segments {
            self.polyline(s, stroke);
        }
    }
    /// Many filled dots of one radius and colour (a dot per step).
    fn dots(&mut self, centres: &[(f64, f64)], radius: f64, fill: Color) {
        for &c in centres {
            self.circle(c, radius, Some(fill), None);
        }
    }
    /// A rectangle filled with colours from `stops` (bottom to top, evenly
    /// spaced, interpolated linearly between them): a colour scale.
    fn vertical_gradient(&mut self, rect: Rect, stops: &[Color]) {
        let n = 64;
        for i in 0..n {
            let t = (i as f64 + 0.5) / n as f64;
            let x = t * (stops.len() - 1) as f64;
            let k = (x.floor() as usize).min(stops.len().saturating_sub(2));
            let u = x - k as f64;
            let (a, b) = (stops[k], stops[(k + 1).min(stops.len() - 1)]);
            let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * u).round() as u8;
            let h = rect.h / n as f64;
            self.fill_rect(
                Rect::new(rect.x, rect.bottom() - (i + 1) as f64 * h, rect.w, h + 0.5),
                Color::rgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)),
            );
        }
    }
}

/// A polyline without the points within `tol` device pixels of the point
/// kept before them (the first and last are always kept). The line through
/// the rest stays within `tol` of every point left out, and a path that has
/// settled costs a handful of points instead of one per step, which a
/// rasterizer would otherwise stroke one over another.
pub fn thin(points: &[(f64, f64)], tol: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len().min(4096));
    for (i, &(x, y)) in points.iter().enumerate() {
        let last = i + 1 == points.len();
        if let Some(&(px, py)) = out.last() {
            if !last && (x - px).hypot(y - py) < tol {
                continue;
            }
        }
        out.push((x, y));
    }
    out
}

/// A chart line's points (x never decreasing) reduced to at most four per
/// `width`-pixel column: the first, lowest, highest and last of the column,
/// in their order. Drawn, it covers the same pixels as every point would.
pub fn thin_columns(points: &[(f64, f64)], width: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len().min(4096));
    let mut i = 0;
    while i < points.len() {
        let column = (points[i].0 / width).floor();
        let mut j = i + 1;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && (points[j].0 / width).floor() == column {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut prev = usize::MAX;
        for k in keep {
            if k != prev {
                out.push(points[k]);
                prev = k;
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_ends_and_stays_within_tolerance() {
        // Away, then settled at (10, 0) for a thousand steps.
        let mut pts: Vec<(f64, f64)> = (0..=10).map(|i| (i as f64, 0.0)).collect();
        pts.extend((0..1000).map(|k| (10.0 + 0.1 * (k as f64).sin(), 0.1 * (k as f64).cos())));
        let thin = thin(&pts, 0.5);
        assert_eq!(thin[0], pts[0]);
        assert_eq!(thin.last(), pts.last());
        assert!(thin.len() < 20, "{} points", thin.len());
        for &(x, y) in &pts {
            let near = thin
                .iter()
                .any(|&(a, b)| (x - a).hypot(y - b) < 0.5 + 1e-12);
            assert!(near, "({x}, {y}) is left out by more than the tolerance");
        }
        assert_eq!(super::thin(&[], 0.5), vec![]);
        assert_eq!(super::thin(&[(1.0, 1.0)], 0.5), vec![(1.0, 1.0)]);
    }

    #[test]
    fn columns_keep_first_lowest_highest_and_last_in_order() {
        // 100 points in one column, then one in the next.
        let mut pts: Vec<(f64, f64)> = (0..100)
            .map(|k| (k as f64 * 0.001, [5.0, 9.0, 1.0, 3.0][k % 4]))
            .collect();
        pts.push((1.5, 4.0));
        assert_eq!(
            thin_columns(&pts, 1.0),
            vec![
                (0.0, 5.0),
                (0.001, 9.0),
                (0.002, 1.0),
                (0.099, 3.0),
                (1.5, 4.0)
            ]
        );
    }
}
