//! What the page's model asks of where it runs: a clock, and images of
//! pixels. The page's bindings answer with the browser's canvases and
//! `performance.now()`; a native test answers with SVG and its own clock.

use optiviz_render::paint::Painter;

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
