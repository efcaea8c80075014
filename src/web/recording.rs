//! The page's "Record GIF": the encoder a Web Worker drives, frame by frame,
//! while the page draws the frames (`App::figureSvgAt`).

use crate::render::animation::Gif;
use wasm_bindgen::prelude::*;

/// A GIF being written in a worker: [`Gif`] for JavaScript.
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
    ) -> Result<GifEncoder, JsValue> {
        let exact: Vec<[u8; 3]> = exact.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        let gif = Gif::new(width, height, fps, key, &exact).map_err(|e| JsValue::from_str(&e))?;
        Ok(GifEncoder { gif })
    }

    /// Adds a frame (RGBA, the GIF's size).
    pub fn add(&mut self, rgba: &[u8]) -> Result<(), JsValue> {
        self.gif.add(rgba).map_err(|e| JsValue::from_str(&e))
    }

    /// The GIF's bytes.
    pub fn finish(self) -> Result<Vec<u8>, JsValue> {
        self.gif.finish().map_err(|e| JsValue::from_str(&e))
    }
}
