//! What the page's model asks of where it runs: a clock, and images of
//! pixels. The page's bindings answer with the browser's canvases and
//! `performance.now()`; natively, [`Headless`] answers with SVG and a clock
//! of its own.

use optiviz_render::paint::Painter;
use optiviz_render::svg::SvgPainter;
use std::cell::Cell;

/// The image type of a host's painter.
pub type Image<H> = <<H as Host>::Painter as Painter>::Image;

/// Where the model draws and keeps time.
pub trait Host {
    /// What the model's layers draw through.
    type Painter: Painter;

    /// Milliseconds on a clock that only moves forward: what a layer's
    /// budget of work is measured on.
    fn now(&self) -> f64;

    /// An image of `width` × `height` pixels (RGBA, row by row from the top),
    /// kept as they are: a layer drawn at one sample a device pixel is put
    /// as it is, in one call.
    fn pixels(&self, width: usize, height: usize, rgba: Vec<u8>) -> Image<Self>;

    /// The relief's raster as an image, put where the host keeps it from
    /// frame to frame (a turning view puts one every frame).
    fn relief_image(&mut self, width: usize, height: usize, rgba: &[u8]) -> Image<Self>;
}

/// The model without a browser (tests, tools): it draws SVG, and its clock
/// moves a millisecond at every look, so that a layer's budget of work is
/// the same from run to run.
#[derive(Debug, Default)]
pub struct Headless {
    clock: Cell<f64>,
}

impl Host for Headless {
    type Painter = SvgPainter;

    fn now(&self) -> f64 {
        let t = self.clock.get() + 1.0;
        self.clock.set(t);
        t
    }

    fn pixels(&self, width: usize, height: usize, rgba: Vec<u8>) -> String {
        SvgPainter::new("t").image(width, height, &rgba)
    }

    fn relief_image(&mut self, width: usize, height: usize, rgba: &[u8]) -> String {
        SvgPainter::new("r").image(width, height, rgba)
    }
}
