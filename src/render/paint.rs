//! The one drawing interface every output implements: the page's canvases
//! (`src/web/canvas.rs`), SVG ([`super::svg`]) and, through SVG, PNG.
//!
//! Shaped like plotters' `DrawingBackend`: a backend must provide a handful of
//! primitives (rectangles, polylines, circles, text, images, a clip); the
//! batched ones (many dots, many polylines, a gradient bar) have defaults built
//! from those, which a backend overrides where it is faster. Coordinates are
//! `f64` device pixels, y down, so a figure keeps sub-pixel precision.

/// A colour with opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    /// Opacity in [0, 1].
    pub a: f64,
}

impl Color {
    pub const BLACK: Color = Color::rgb(0, 0, 0);
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
    pub color: Color,
    pub width: f64,
    /// Dash and gap lengths, for a dashed line.
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
    Start,
    Middle,
    End,
}

/// Where a text's anchor point lies along its height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Top,
    Middle,
    /// The alphabetic baseline.
    Alphabetic,
}

/// How a text is set: size in device pixels, colour, anchor, and whether it
/// is turned a quarter turn counter-clockwise (a vertical axis name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub size: f64,
    pub color: Color,
    pub align: Align,
    pub baseline: Baseline,
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
    pub const fn anchor(self, align: Align, baseline: Baseline) -> TextStyle {
        TextStyle {
            align,
            baseline,
            ..self
        }
    }
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
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
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
    fn fill_rect(&mut self, rect: Rect, color: Color);
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
    fn text(&mut self, text: &str, at: (f64, f64), style: TextStyle);
    /// Restricts what follows to `rect`, until the matching [`Painter::end_clip`].
    fn clip(&mut self, rect: Rect);
    fn end_clip(&mut self);

    /// A group of related marks (one optimizer's path, the axes), named for
    /// whoever reads the output; no effect on pixels.
    fn begin_group(&mut self, _name: &str) {}
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
