//! A [`Painter`] that writes SVG: lines, circles and text as vector
//! elements, a raster as an embedded PNG, clips as `clipPath`s. The same
//! text comes out natively and in wasm (numbers are rounded to 1/100 pixel
//! and nothing depends on the platform), so the page's SVG download is the
//! file `optiviz render` writes.

use crate::paint::{Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use base64::Engine;
use optiviz_base::markup::escape;
use std::fmt::Write;

/// The font a figure asks for; a PNG figure is set in the first.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// SVG being written, one panel at a time.
pub struct SvgPainter {
    out: String,
    /// Prefixes the ids of clips and gradients, unique per panel.
    id: String,
    next_id: usize,
}

/// A number rounded to 1/100 pixel, without trailing zeros.
fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

/// `fill="…"` with its opacity when not opaque.
fn fill_attrs(c: Color) -> String {
    if c.a >= 1.0 {
        format!(r#"fill="{}""#, c.hex())
    } else {
        format!(r#"fill="{}" fill-opacity="{}""#, c.hex(), num_alpha(c.a))
    }
}

fn num_alpha(a: f64) -> String {
    format!("{}", (a * 1000.0).round() / 1000.0)
}

fn stroke_attrs(s: Stroke) -> String {
    let mut a = format!(
        r#"stroke="{}" stroke-width="{}""#,
        s.color.hex(),
        num(s.width)
    );
    if s.color.a < 1.0 {
        let _ = write!(a, r#" stroke-opacity="{}""#, num_alpha(s.color.a));
    }
    if let Some([d, g]) = s.dash {
        let _ = write!(a, r#" stroke-dasharray="{} {}""#, num(d), num(g));
    }
    a
}

/// Encodes RGBA bytes as a PNG file.
pub fn encode_png(width: usize, height: usize, rgba: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width as u32, height as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Default);
    // Writing into a Vec cannot fail, and the size matches the data.
    let mut w = enc.write_header().expect("PNG header into memory");
    w.write_image_data(rgba)
        .expect("PNG data of the declared size");
    w.finish().expect("PNG end into memory");
    out
}

impl SvgPainter {
    /// A painter whose ids start with `id` (one per panel of a figure).
    pub fn new(id: &str) -> SvgPainter {
        SvgPainter {
            out: String::new(),
            id: id.to_string(),
            next_id: 0,
        }
    }

    fn new_id(&mut self, what: &str) -> String {
        self.next_id += 1;
        format!("{}-{what}{}", self.id, self.next_id)
    }

    /// The elements written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

impl Painter for SvgPainter {
    /// A `data:` URL of the PNG.
    type Image = String;

    fn image(&mut self, width: usize, height: usize, rgba: &[u8]) -> String {
        let png = encode_png(width, height, rgba);
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        )
    }

    fn draw_image(&mut self, image: &String, to: Rect) {
        let _ = writeln!(
            self.out,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" xlink:href="{image}"/>"#,
            num(to.x),
            num(to.y),
            num(to.w),
            num(to.h)
        );
    }

    fn fill_rect(&mut self, r: Rect, color: Color) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {}/>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            fill_attrs(color)
        );
    }

    fn fill_polygon(&mut self, points: &[(f64, f64)], color: Color) {
        if points.len() < 3 {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polygon points="{}" {}/>"#,
            pts.join(" "),
            fill_attrs(color)
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], stroke: Stroke) {
        if points.len() < 2 {
            return;
        }
        let mut pts = String::with_capacity(points.len() * 14);
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                pts.push(' ');
            }
            let _ = write!(pts, "{},{}", num(*x), num(*y));
        }
        let _ = writeln!(
            self.out,
            r#"<polyline points="{pts}" fill="none" {} stroke-linejoin="round" stroke-linecap="round"/>"#,
            stroke_attrs(stroke)
        );
    }

    fn circle(&mut self, c: (f64, f64), radius: f64, fill: Option<Color>, stroke: Option<Stroke>) {
        let fill = fill.map_or_else(|| r#"fill="none""#.to_string(), fill_attrs);
        let stroke = stroke
            .map(|s| format!(" {}", stroke_attrs(s)))
            .unwrap_or_default();
        let _ = writeln!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" {fill}{stroke}/>"#,
            num(c.0),
            num(c.1),
            num(radius)
        );
    }

    fn text(&mut self, text: &str, (x, y): (f64, f64), style: TextStyle) {
        let anchor = match style.align {
            Align::Start => "start",
            Align::Middle => "middle",
            Align::End => "end",
        };
        // Offsets from the alphabetic baseline, in em, rather than
        // dominant-baseline, which not every SVG reader honours.
        let dy = match style.baseline {
            Baseline::Top => r#" dy="0.76em""#,
            Baseline::Middle => r#" dy="0.36em""#,
            Baseline::Alphabetic => "",
        };
        let turn = if style.vertical {
            format!(r#" transform="rotate(-90 {} {})""#, num(x), num(y))
        } else {
            String::new()
        };
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}"{dy} text-anchor="{anchor}" font-size="{}" {}{turn}>{}</text>"#,
            num(x),
            num(y),
            num(style.size),
            fill_attrs(style.color),
            escape(text)
        );
    }

    fn clip(&mut self, r: Rect) {
        let id = self.new_id("clip");
        let _ = writeln!(
            self.out,
            r#"<clipPath id="{id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        let _ = writeln!(self.out, r#"<g clip-path="url(#{id})">"#);
    }

    fn end_clip(&mut self) {
        self.out.push_str("</g>\n");
    }

    fn begin_group(&mut self, name: &str) {
        let _ = writeln!(self.out, "<g><title>{}</title>", escape(name));
    }

    fn end_group(&mut self) {
        self.out.push_str("</g>\n");
    }

    /// One `path` element for all of them.
    fn segments(&mut self, segments: &[[(f64, f64); 2]], stroke: Stroke) {
        if segments.is_empty() {
            return;
        }
        let mut d = String::with_capacity(segments.len() * 28);
        for [(x0, y0), (x1, y1)] in segments {
            let _ = write!(d, "M{} {}L{} {}", num(*x0), num(*y0), num(*x1), num(*y1));
        }
        let _ = writeln!(
            self.out,
            r#"<path d="{d}" fill="none" {} stroke-linecap="round"/>"#,
            stroke_attrs(stroke)
        );
    }

    /// A linear gradient with the stops.
    fn vertical_gradient(&mut self, r: Rect, stops: &[Color]) {
        let id = self.new_id("gradient");
        let _ = write!(
            self.out,
            r#"<linearGradient id="{id}" x1="0" y1="1" x2="0" y2="0">"#
        );
        for (i, c) in stops.iter().enumerate() {
            let t = i as f64 / (stops.len().max(2) - 1) as f64;
            let _ = write!(
                self.out,
                r#"<stop offset="{}" stop-color="{}"/>"#,
                num_alpha(t),
                c.hex()
            );
        }
        self.out.push_str("</linearGradient>\n");
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{id})"/>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
    }
}

/// A whole SVG document `width` × `height` pixels large around `body`.
pub fn document(width: u32, height: u32, title: &str, body: &str) -> String {
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" "#,
            r#"width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{font}">"#,
            "\n<title>{title}</title>\n{body}</svg>\n"
        ),
        w = width,
        h = height,
        font = FONT_FAMILY,
        title = escape(title),
        body = body
    )
}

/// `body` placed at (x, y) in a viewport `width` × `height` large, its own
/// coordinates starting at 0.
pub fn panel(x: f64, y: f64, width: f64, height: f64, body: &str) -> String {
    format!(
        "<svg x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" overflow=\"hidden\">\n{body}</svg>\n",
        num(x),
        num(y),
        num(width),
        num(height)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_text_is_escaped() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(123.456), "123.46");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn a_png_round_trips() {
        let rgba: Vec<u8> = (0..4 * 3 * 2).map(|i| i as u8).collect();
        let png = encode_png(3, 2, &rgba);
        let dec = png::Decoder::new(std::io::Cursor::new(png));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        r.next_frame(&mut buf).unwrap();
        assert_eq!(buf, rgba);
    }
}
