//! The [`Painter`] of the page's canvases: each primitive is a few calls on a
//! 2D context, and the batched ones (a dot per step, contour segments) are
//! one canvas path and one stroke or fill each.

use crate::app::host::Host;
use crate::render::paint::{Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use crate::render::svg::FONT_FAMILY;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The 2D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into()
        .map_err(|_| JsValue::from_str("not a 2d context"))
}

/// Clears a whole canvas (a layer drawn afresh, or left empty).
pub fn clear(canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
    context(canvas)?.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    Ok(())
}

/// A new canvas element, not in the document.
pub fn offscreen(width: u32, height: u32) -> Result<HtmlCanvasElement, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let c: HtmlCanvasElement = doc
        .create_element("canvas")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("canvas"))?;
    c.set_width(width);
    c.set_height(height);
    Ok(c)
}

/// Draws on one canvas through its 2D context.
pub struct CanvasPainter {
    ctx: CanvasRenderingContext2d,
    /// The font last set, as the context has it: setting a font parses it,
    /// which a plot's every label would otherwise pay for.
    font: Option<String>,
}

impl CanvasPainter {
    pub fn new(canvas: &HtmlCanvasElement) -> Result<CanvasPainter, JsValue> {
        Ok(CanvasPainter {
            ctx: context(canvas)?,
            font: None,
        })
    }

    /// An opaque raster that [`Painter::draw_image`] puts as it is (one
    /// call, no scaling or blending) where it fills its target one to one.
    pub fn pixels(width: usize, height: usize, rgba: Vec<u8>) -> Raster {
        Raster {
            rgba,
            width: width as u32,
            height: height as u32,
            put: true,
            scaled: std::cell::OnceCell::new(),
        }
    }

    fn set_stroke(&self, s: Stroke) {
        self.ctx.set_stroke_style_str(&s.color.css());
        self.ctx.set_line_width(s.width);
        let dash = js_sys::Array::new();
        if let Some([d, g]) = s.dash {
            dash.push(&d.into());
            dash.push(&g.into());
        }
        let _ = self.ctx.set_line_dash(&dash);
    }
}

/// A raster ready for a canvas, its pixels kept in the module's memory: drawn
/// through a canvas of its own, scaled and composited; or, made by
/// [`CanvasPainter::pixels`], put as it is where it fills the target one to
/// one (one copy, into the canvas).
pub struct Raster {
    /// Row by row from the top, 4 bytes a pixel.
    rgba: Vec<u8>,
    width: u32,
    height: u32,
    /// Whether the raster is opaque and may replace the pixels it covers.
    put: bool,
    scaled: std::cell::OnceCell<Option<HtmlCanvasElement>>,
}

impl Raster {
    /// A canvas already holding the raster, drawn scaled.
    pub fn of_canvas(canvas: HtmlCanvasElement) -> Raster {
        Raster {
            rgba: Vec::new(),
            width: canvas.width(),
            height: canvas.height(),
            put: false,
            scaled: std::cell::OnceCell::from(Some(canvas)),
        }
    }

    /// An `ImageData` over the pixels where they lie, not a copy: put it at
    /// once, before anything else runs in the module.
    fn view(&self) -> Option<ImageData> {
        if self.rgba.len() != 4 * self.width as usize * self.height as usize || self.rgba.is_empty()
        {
            return None;
        }
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&self.rgba), self.width, self.height)
            .ok()
    }

    /// The raster put into a canvas of its own size, made once.
    fn canvas(&self) -> Option<&HtmlCanvasElement> {
        self.scaled
            .get_or_init(|| {
                let c = offscreen(self.width, self.height).ok()?;
                context(&c)
                    .ok()?
                    .put_image_data(&self.view()?, 0.0, 0.0)
                    .ok()?;
                Some(c)
            })
            .as_ref()
    }
}

impl Painter for CanvasPainter {
    type Image = Raster;

    fn image(&mut self, width: usize, height: usize, rgba: &[u8]) -> Raster {
        Raster {
            rgba: rgba.to_vec(),
            width: width as u32,
            height: height as u32,
            put: false,
            scaled: std::cell::OnceCell::new(),
        }
    }

    fn draw_image(&mut self, image: &Raster, to: Rect) {
        let exact = image.put
            && to.w == image.width as f64
            && to.h == image.height as f64
            && to.x.fract() == 0.0
            && to.y.fract() == 0.0;
        if exact {
            // (A failure leaves the image out; the rest of the layer still draws.)
            if let Some(data) = image.view() {
                let _ = self.ctx.put_image_data(&data, to.x, to.y);
            }
        } else if let Some(c) = image.canvas() {
            let _ = self
                .ctx
                .draw_image_with_html_canvas_element_and_dw_and_dh(c, to.x, to.y, to.w, to.h);
        }
    }

    fn fill_rect(&mut self, r: Rect, color: Color) {
        self.ctx.set_fill_style_str(&color.css());
        self.ctx.fill_rect(r.x, r.y, r.w, r.h);
    }

    fn fill_polygon(&mut self, points: &[(f64, f64)], color: Color) {
        let Some(&(x0, y0)) = points.first() else {
            return;
        };
        self.ctx.begin_path();
        self.ctx.move_to(x0, y0);
        for &(x, y) in &points[1..] {
            self.ctx.line_to(x, y);
        }
        self.ctx.close_path();
        self.ctx.set_fill_style_str(&color.css());
        self.ctx.fill();
    }

    fn polyline(&mut self, points: &[(f64, f64)], stroke: Stroke) {
        let Some(&(x0, y0)) = points.first() else {
            return;
        };
        self.set_stroke(stroke);
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("round");
        self.ctx.begin_path();
        self.ctx.move_to(x0, y0);
        for &(x, y) in &points[1..] {
            self.ctx.line_to(x, y);
        }
        self.ctx.stroke();
    }

    fn circle(
        &mut self,
        (x, y): (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    ) {
        self.ctx.begin_path();
        let _ = self.ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        if let Some(c) = fill {
            self.ctx.set_fill_style_str(&c.css());
            self.ctx.fill();
        }
        if let Some(s) = stroke {
            self.set_stroke(s);
            self.ctx.stroke();
        }
    }

    fn text(&mut self, text: &str, (x, y): (f64, f64), style: TextStyle) {
        let font = format!("{}px {FONT_FAMILY}", style.size);
        if self.font.as_ref() != Some(&font) {
            self.ctx.set_font(&font);
            self.font = Some(font);
        }
        let ctx = &self.ctx;
        ctx.set_fill_style_str(&style.color.css());
        ctx.set_text_align(match style.align {
            Align::Start => "left",
            Align::Middle => "center",
            Align::End => "right",
        });
        ctx.set_text_baseline(match style.baseline {
            Baseline::Top => "top",
            Baseline::Middle => "middle",
            Baseline::Alphabetic => "alphabetic",
        });
        if style.vertical {
            ctx.save();
            let _ = ctx.translate(x, y);
            let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
            let _ = ctx.fill_text(text, 0.0, 0.0);
            ctx.restore();
        } else {
            let _ = ctx.fill_text(text, x, y);
        }
    }

    fn clip(&mut self, r: Rect) {
        self.ctx.save();
        self.ctx.begin_path();
        self.ctx.rect(r.x, r.y, r.w, r.h);
        self.ctx.clip();
    }

    fn end_clip(&mut self) {
        self.ctx.restore();
        // The font is the one before the clip again.
        self.font = None;
    }

    fn segments(&mut self, segments: &[[(f64, f64); 2]], stroke: Stroke) {
        self.set_stroke(stroke);
        self.ctx.set_line_cap("butt");
        self.ctx.begin_path();
        for [(x0, y0), (x1, y1)] in segments {
            self.ctx.move_to(*x0, *y0);
            self.ctx.line_to(*x1, *y1);
        }
        self.ctx.stroke();
    }

    fn dots(&mut self, centres: &[(f64, f64)], radius: f64, fill: Color) {
        self.ctx.begin_path();
        for &(x, y) in centres {
            self.ctx.move_to(x + radius, y);
            let _ = self.ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        }
        self.ctx.set_fill_style_str(&fill.css());
        self.ctx.fill();
    }

    fn vertical_gradient(&mut self, r: Rect, stops: &[Color]) {
        let g = self.ctx.create_linear_gradient(0.0, r.bottom(), 0.0, r.y);
        for (i, c) in stops.iter().enumerate() {
            let _ = g.add_color_stop(i as f32 / (stops.len().max(2) - 1) as f32, &c.css());
        }
        self.ctx.set_fill_style_canvas_gradient(&g);
        self.ctx.fill_rect(r.x, r.y, r.w, r.h);
    }
}

/// The page as the model's host: its canvases, and the browser's clock.
pub struct Page {
    /// The relief's raster, put into a canvas of its own and reused from
    /// frame to frame.
    relief: HtmlCanvasElement,
}

impl Page {
    /// A host with its offscreen canvas for the relief.
    pub fn new() -> Result<Page, JsValue> {
        Ok(Page {
            relief: offscreen(1, 1)?,
        })
    }
}

impl Host for Page {
    type Painter = CanvasPainter;

    fn now(&self) -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }

    fn pixels(&self, width: usize, height: usize, rgba: Vec<u8>) -> Raster {
        CanvasPainter::pixels(width, height, rgba)
    }

    fn relief_image(&mut self, width: usize, height: usize, rgba: &[u8]) -> Raster {
        let (w, h) = (width as u32, height as u32);
        let image = &self.relief;
        if image.width() != w || image.height() != h {
            image.set_width(w);
            image.set_height(h);
        }
        // (A failure leaves the raster blank; the box and axes still draw.)
        if let Ok(data) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h) {
            if let Ok(ctx) = context(image) {
                let _ = ctx.put_image_data(&data, 0.0, 0.0);
            }
        }
        Raster::of_canvas(image.clone())
    }
}
