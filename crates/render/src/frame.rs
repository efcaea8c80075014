//! Where things go: the device-pixel scale, the themes, the path colours,
//! the plotting rectangle and the map between data and pixels, and the tick
//! values of an axis. Shared by every view and every output.

use crate::paint::{Color, Rect};
use optiviz_objectives::objective::View;

/// Pixel sizes that scale with the device pixel ratio (1 in a figure file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale(pub f64);

impl Scale {
    /// `css` CSS pixels in device pixels.
    pub fn px(&self, css: f64) -> f64 {
        css * self.0
    }
}

/// Background and foreground of a panel, and the casing drawn under a path
/// line so that every path colour reads on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// The panel's fill.
    pub background: Color,
    /// Text, axes and ticks.
    pub foreground: Color,
    /// The wider line drawn under each path line.
    pub casing: Color,
}

impl Theme {
    /// The page's light theme.
    pub const LIGHT: Theme = Theme {
        background: Color::rgb(0xfb, 0xfb, 0xfd),
        foreground: Color::rgb(0x1b, 0x1b, 0x1f),
        casing: Color::rgb(0x1b, 0x1b, 0x1f).alpha(0.55),
    };
    /// The page's dark theme.
    pub const DARK: Theme = Theme {
        background: Color::rgb(0x16, 0x16, 0x1a),
        foreground: Color::rgb(0xe8, 0xe8, 0xee),
        casing: Color::BLACK.alpha(0.6),
    };

    /// The page's theme: every panel (plot, chart, data) follows it.
    pub fn page(dark: bool) -> Theme {
        if dark {
            Theme::DARK
        } else {
            Theme::LIGHT
        }
    }
}

/// Path colours by position: bright hues that stand out on viridis and,
/// with the theme's casing under them, on a light or dark panel. None is
/// white or near it (the start handle and the minima are white).
pub const PALETTE: [&str; 8] = [
    "#ff4d4d", "#2ee6ff", "#ff9f1c", "#ff5cf0", "#b8ff3d", "#ffd23f", "#c9a0ff", "#5aa9ff",
];

/// The colour of the optimizer at `index`: its own `color`, or the
/// palette's; the second eight take the palette's hues a third of the way
/// to white, so that no two optimizers of an experiment share a colour.
pub fn path_color(index: usize, own: Option<&str>) -> Color {
    if let Some(c) = own.and_then(Color::from_hex) {
        return c;
    }
    let base = Color::from_hex(PALETTE[index % PALETTE.len()]).unwrap_or(Color::WHITE);
    if index < PALETTE.len() {
        return base;
    }
    let lighter = |c: u8| (c as f64 + (255.0 - c as f64) / 3.0).round() as u8;
    Color::rgb(lighter(base.r), lighter(base.g), lighter(base.b))
}

/// The right margin of a surface plot with a colour scale, in CSS pixels:
/// the bar and its labels.
pub const COLOUR_SCALE_MARGIN: f64 = 78.0;

/// Below this plot width (CSS pixels) the colour scale is left out: the map
/// itself needs the room.
pub const COLOUR_SCALE_MIN_WIDTH: f64 = 360.0;

/// The plotting rectangle of a surface plot `width` × `height` device pixels
/// large, with room for the axes and, when `colour_scale`, the colour scale
/// on the right. The same for every layer.
pub fn plot_rect(width: f64, height: f64, scale: Scale, colour_scale: bool) -> Rect {
    // In whole device pixels, so that a raster with a sample per device
    // pixel fills it exactly.
    let px = |css: f64| scale.px(css).round();
    let (l, t, b) = (px(52.0), px(10.0), px(34.0));
    let r = px(if colour_scale {
        COLOUR_SCALE_MARGIN
    } else {
        12.0
    });
    let whole = |v: f64| v.round().max(1.0);
    Rect::new(l, t, whole(width - l - r), whole(height - t - b))
}

/// Whether a plot `width` device pixels wide shows the colour scale.
pub fn shows_colour_scale(width: f64, scale: Scale) -> bool {
    width / scale.0 >= COLOUR_SCALE_MIN_WIDTH
}

/// Maps between data coordinates and device pixels of a plotting rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The plotting rectangle, in device pixels.
    pub rect: Rect,
    /// The data window it shows, in the surface's units.
    pub view: View,
}

impl Frame {
    /// The frame of a plot `width` × `height` device pixels large, with
    /// room for its axes.
    pub fn new(width: f64, height: f64, scale: Scale, view: View) -> Frame {
        Frame {
            rect: plot_rect(width, height, scale, false),
            view,
        }
    }

    /// The surface plot's frame: [`Frame::new`], with room on the right for
    /// the colour scale when the plot is wide enough for one.
    pub fn for_surface(width: f64, height: f64, scale: Scale, view: View) -> Frame {
        Frame {
            rect: plot_rect(width, height, scale, shows_colour_scale(width, scale)),
            view,
        }
    }

    /// Device pixel of a data point (may lie outside the rectangle).
    pub fn to_px(&self, p: [f64; 2]) -> (f64, f64) {
        let r = self.rect;
        let fx = (p[0] - self.view.x[0]) / (self.view.x[1] - self.view.x[0]);
        let fy = (p[1] - self.view.y[0]) / (self.view.y[1] - self.view.y[0]);
        (r.x + fx * r.w, r.bottom() - fy * r.h)
    }

    /// [`Frame::to_px`], with far-away points (a diverging path) pulled in to
    /// a million pixels so that every backend can draw them.
    pub fn to_px_bounded(&self, p: [f64; 2]) -> (f64, f64) {
        let (x, y) = self.to_px(p);
        let c = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(-1e6, 1e6) };
        (c(x), c(y))
    }

    /// Data point at a device pixel.
    pub fn to_data(&self, x: f64, y: f64) -> [f64; 2] {
        let r = self.rect;
        let fx = (x - r.x) / r.w;
        let fy = (r.bottom() - y) / r.h;
        [
            self.view.x[0] + fx * (self.view.x[1] - self.view.x[0]),
            self.view.y[0] + fy * (self.view.y[1] - self.view.y[0]),
        ]
    }

    /// Whether a device pixel lies inside the plotting rectangle.
    pub fn contains_px(&self, x: f64, y: f64) -> bool {
        self.rect.contains(x, y)
    }
}

/// "Nice" tick values (1, 2 or 5 times a power of ten apart) inside
/// [lo, hi], at most about `max` of them, and the decimals their labels need.
/// Computed with `libm`, so a figure's ticks are the same in every build.
pub fn ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, usize) {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) || max == 0 {
        return (Vec::new(), 0);
    }
    let raw = span / max as f64;
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| span / s <= max as f64)
        .unwrap_or(10.0 * mag);
    let first = libm::ceil(lo / step - 1e-9);
    let last = libm::floor(hi / step + 1e-9);
    let values = (first as i64..=last as i64)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect();
    let decimals = (-libm::floor(libm::log10(step))).max(0.0) as usize;
    (values, decimals)
}

/// Tick values for a log axis over [lo, hi] (both > 0): powers of ten, every
/// k-th when there are many, with 2 and 5 times them when there are few.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let (a, b) = (
        libm::ceil(libm::log10(lo) - 1e-9) as i32,
        libm::floor(libm::log10(hi) + 1e-9) as i32,
    );
    let decades = (b - a + 1).max(0) as usize;
    if decades >= 2 {
        let every = decades.div_ceil(max.max(1)).max(1);
        return (a..=b)
            .filter(|e| (e - a) as usize % every == 0)
            .map(|e| libm::pow(10.0, e as f64))
            .collect();
    }
    let mut out = Vec::new();
    for e in (a - 1)..=(b + 1) {
        for m in [1.0, 2.0, 5.0] {
            let v = m * libm::pow(10.0, e as f64);
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                out.push(v);
            }
        }
    }
    out
}

/// A tick label with `decimals` digits after the point.
pub fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    // "-0" and "-0.0" read as zero.
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s.replace('-', "−")
    }
}

/// `v` to three significant digits, with an exponent outside [0.001, 1e5):
/// a colour scale's label.
pub fn sig3(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let s = if (1e-3..1e5).contains(&a) {
        let decimals = (2 - libm::floor(libm::log10(a)) as i32).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    };
    s.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_optimizer_of_an_experiment_has_its_own_colour() {
        use optiviz_experiment::experiment::MAX_OPTIMIZERS;
        let colours: Vec<Color> = (0..MAX_OPTIMIZERS).map(|i| path_color(i, None)).collect();
        for (i, a) in colours.iter().enumerate() {
            // Never white or near it (the start handle and minima are white).
            let light = [a.r, a.g, a.b].iter().map(|&c| c as u32).min().unwrap();
            assert!(light < 0xd0, "colour {i} {} is near white", a.hex());
            for (j, b) in colours.iter().enumerate().skip(i + 1) {
                let d = [(a.r, b.r), (a.g, b.g), (a.b, b.b)]
                    .iter()
                    .map(|&(x, y)| (x as i32 - y as i32).abs())
                    .sum::<i32>();
                assert!(
                    d > 40,
                    "colours {i} and {j} ({} {}) look alike",
                    a.hex(),
                    b.hex()
                );
            }
        }
        assert_eq!(path_color(3, Some("#123456")).hex(), "#123456");
    }

    #[test]
    fn frame_maps_both_ways() {
        let f = Frame::new(
            800.0,
            600.0,
            Scale(1.0),
            View {
                x: [-2.0, 2.0],
                y: [-1.0, 3.0],
            },
        );
        let r = f.rect;
        assert_eq!(f.to_px([-2.0, -1.0]), (r.x, r.bottom()));
        assert_eq!(f.to_px([2.0, 3.0]), (r.right(), r.y));
        let p = f.to_data(300.0, 200.0);
        let (x, y) = f.to_px(p);
        assert!((x - 300.0).abs() < 1e-9 && (y - 200.0).abs() < 1e-9);
    }

    #[test]
    fn ticks_are_round_and_inside() {
        let (t, d) = ticks(-5.0, 5.0, 8);
        assert_eq!(t, vec![-4.0, -2.0, 0.0, 2.0, 4.0]);
        assert_eq!(d, 0);
        let (t, d) = ticks(0.1, 0.35, 6);
        assert_eq!(t.len(), 6);
        assert_eq!(d, 2);
        assert_eq!(tick_label(t[0], d), "0.10");
        assert_eq!(tick_label(-0.0, 1), "0.0");
        assert_eq!(tick_label(-2.0, 0), "−2");
        assert_eq!(log_ticks(1e-6, 1e3, 5), vec![1e-6, 1e-4, 1e-2, 1.0, 1e2]);
        assert_eq!(log_ticks(0.3, 4.0, 5), vec![0.5, 1.0, 2.0]);
        assert_eq!(sig3(2492.29), "2492");
        assert_eq!(sig3(580.329), "580");
        assert_eq!(sig3(24.8759), "24.9");
        assert_eq!(sig3(0.000219), "2.19e−4");
        assert_eq!(sig3(-1.5), "−1.50");
    }
}
