//! The page's second WebAssembly module: figures and GIFs of an experiment,
//! fetched the first time the page is asked for one (a PNG or SVG download,
//! "Record GIF") and run in a Web Worker, so the module every visitor
//! downloads holds none of the SVG writer, the PNG and GIF encoders or the
//! colour quantizer.
//!
//! A [`Figures`] is an experiment's [`Figure`]: the same SVG `optiviz render`
//! writes for the same experiment, size, step, theme and angle. A
//! [`GifEncoder`] writes the frames the page rasterizes from those SVGs.
//! Compiled for `wasm32` only (an empty library elsewhere).

#![cfg(target_arch = "wasm32")]
#![warn(missing_docs)]

use optiviz_base::error::ConfigErrors;
use optiviz_experiment::angle::Angle;
use optiviz_experiment::experiment::Experiment;
use optiviz_render::animation::Gif;
use optiviz_render::figure::{self, Figure, FigureOptions};
use wasm_bindgen::prelude::*;

/// An error for JavaScript, its message the CLI's one line.
fn error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// An experiment's figure, drawn at any size and step.
#[wasm_bindgen]
pub struct Figures {
    figure: Figure,
    dark: bool,
    relief: Option<Angle>,
}

#[wasm_bindgen]
impl Figures {
    /// The figure of the experiment `json` (as the page's `experimentJson()`
    /// writes it): in the dark theme when `dark`, and in relief when
    /// `angle` is `[yaw, pitch, zoom]`. Its runs are computed here.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str, dark: bool, angle: Option<Vec<f64>>) -> Result<Figures, JsError> {
        console_error_panic_hook::set_once();
        let exp = Experiment::from_json(json).map_err(|e: ConfigErrors| error(e))?;
        let relief = match angle.as_deref() {
            None => None,
            Some(&[yaw, pitch, zoom]) if [yaw, pitch, zoom].iter().all(|v| v.is_finite()) => {
                Some(Angle::new(yaw, pitch, zoom))
            }
            Some(other) => {
                return Err(error(format!(
                    "angle: must be [yaw, pitch, zoom], finite numbers; got {other:?}"
                )))
            }
        };
        Ok(Figures {
            figure: Figure::new(exp),
            dark,
            relief,
        })
    }

    /// The figure `width` × `height` CSS pixels large, the paths drawn up to
    /// `step` (to the end when not given), the loss chart under the plot
    /// when `chart`: an SVG document.
    pub fn svg(
        &mut self,
        width: u32,
        height: u32,
        step: Option<usize>,
        chart: bool,
    ) -> Result<String, JsError> {
        let opts = FigureOptions {
            width: figure::check_side("width", width).map_err(error)?,
            height: figure::check_side("height", height).map_err(error)?,
            step,
            dark: self.dark,
            chart,
            data: false,
            relief: self.relief,
        };
        Ok(self.figure.svg(&opts))
    }

    /// The steps a GIF of the runs shows, a frame each.
    pub fn steps(&self) -> Vec<usize> {
        self.figure.steps(None)
    }

    /// The shown paths' colours, RGB triples: a GIF keeps them exact.
    pub fn colours(&self) -> Vec<u8> {
        self.figure.colours().concat()
    }
}

/// A GIF being written, frame by frame.
#[wasm_bindgen]
pub struct GifEncoder {
    gif: Gif,
}

#[wasm_bindgen]
impl GifEncoder {
    /// A looping GIF of `width` × `height` at `fps` frames a second; its
    /// palette learned from `key` (RGBA: the last frame, which shows every
    /// colour to come) and holding `exact` (RGB triples: the paths' colours)
    /// as they are.
    #[wasm_bindgen(constructor)]
    pub fn new(
        width: usize,
        height: usize,
        fps: u32,
        key: &[u8],
        exact: &[u8],
    ) -> Result<GifEncoder, JsError> {
        console_error_panic_hook::set_once();
        let exact: Vec<[u8; 3]> = exact.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        let gif = Gif::new(width, height, fps, key, &exact).map_err(error)?;
        Ok(GifEncoder { gif })
    }

    /// Adds a frame (RGBA, the GIF's size).
    pub fn add(&mut self, rgba: &[u8]) -> Result<(), JsError> {
        self.gif.add(rgba).map_err(error)
    }

    /// The GIF's bytes.
    pub fn finish(self) -> Result<Vec<u8>, JsError> {
        self.gif.finish().map_err(error)
    }
}
