//! Drawing: the surface raster and its contours, computed here as numbers and
//! pixels so the same code serves the browser canvas and the tests.

pub mod colormap;
pub mod contour;
pub mod mathml;
pub mod plot;
pub mod surface;
