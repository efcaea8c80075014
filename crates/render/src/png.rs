//! A figure as a PNG: its SVG rasterized by resvg, with text set in the
//! DejaVu Sans that ships in `assets/fonts/` (no system font is assumed).
//! Native builds only; the page makes its PNG from its own canvases.

use std::sync::{Arc, OnceLock};

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE`).
pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: OnceLock<resvg::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        // Every generic family the figure may ask for is this one font.
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
        resvg::usvg::Options {
            font_family: "DejaVu Sans".to_string(),
            fontdb: Arc::new(db),
            ..Default::default()
        }
    })
}

fn rasterize(svg: &str) -> Result<resvg::tiny_skia::Pixmap, String> {
    let tree = resvg::usvg::Tree::from_str(svg, options())
        .map_err(|e| format!("cannot read the figure's SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or("the figure has no area")?;
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Rasterizes an SVG document at its own size and encodes it as PNG.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, String> {
    rasterize(svg)?
        .encode_png()
        .map_err(|e| format!("cannot encode the PNG: {e}"))
}

/// Rasterizes an SVG document at its own size: width, height and RGBA (a
/// figure's background is opaque, so premultiplied is the same).
pub fn svg_to_rgba(svg: &str) -> Result<(usize, usize, Vec<u8>), String> {
    let pixmap = rasterize(svg)?;
    Ok((
        pixmap.width() as usize,
        pixmap.height() as usize,
        pixmap.take(),
    ))
}
