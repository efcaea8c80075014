//! Drawing, for every output: the page's canvases, SVG and PNG figures.
//!
//! Each view draws through the [`paint::Painter`] trait, so one piece of code
//! lays out and draws a view on the page and in a file:
//!
//! - [`frame`]: the pixel scale, themes, path colours, the plotting rectangle,
//!   data ↔ pixel maps and axis ticks.
//! - [`plot`]: the surface plot (axes, heatmap, contours, minima, colour
//!   scale; the paths and the start; a figure's legend).
//! - [`relief`]: the surface in 3D (a rasterized, shaded mesh with a depth
//!   buffer; the box, axes, paths and markers drawn over it, each tested
//!   against the depth).
//! - [`chart`]: loss against step. [`data_panel`]: a regression's rows and
//!   each optimizer's model.
//! - [`animation`]: a run's frames as one GIF (a shared palette, each frame
//!   the rectangle that changed).
//! - [`figure`]: those panels as one SVG document ([`svg`]), and as PNG
//!   (`png`, native builds only).
//! - The numbers behind the pictures: [`surface`] (the sampled raster and its
//!   colour map), [`contour`] (marching squares), [`colormap`] (viridis),
//!   [`text`] (text widths for layout), [`mathml`] (formulas for the page).
//!
//! **Depends on the crates below it, never on the page: nothing here
//! touches the DOM.** The page's canvases implement the same `Painter`.
#![warn(missing_docs)]

pub mod animation;
pub mod chart;
pub mod colormap;
pub mod contour;
pub mod data_panel;
pub mod figure;
pub mod frame;
pub mod mathml;
pub mod net_panel;
pub mod paint;
pub mod plot;
#[cfg(not(target_arch = "wasm32"))]
pub mod png;
pub mod relief;
pub mod surface;
pub mod svg;
pub mod sweep_chart;
pub mod text;
