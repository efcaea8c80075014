//! An animation as a GIF, frame by frame: one palette for every frame (the
//! colours of a frame that shows everything, with the exact colours given,
//! such as the paths', kept as they are), and each frame after the first
//! stored as the rectangle that changed with its unchanged pixels left
//! transparent, so a path growing a step at a time costs little more than
//! its new pixels. Pure Rust, for the CLI and the page.

use color_quant::NeuQuant;
use gif::{DisposalMethod, Encoder, Frame, Repeat};

/// Frames a second, as a GIF can hold them: its delays are hundredths of a
/// second, and browsers slow anything under two to a tenth of a second.
pub const FPS: [u32; 2] = [1, 50];

/// A GIF being written.
pub struct Gif {
    encoder: Encoder<Vec<u8>>,
    width: usize,
    height: usize,
    delay: u16,
    palette: Palette,
    previous: Option<Vec<u8>>,
}

/// The palette index that stands for "as in the frame before".
const UNCHANGED: u8 = 255;

/// The shared palette: exact colours, then colours learned from a frame,
/// then [`UNCHANGED`].
struct Palette {
    learned: NeuQuant,
    exact: Vec<[u8; 3]>,
    /// The learned colours come after the exact ones.
    offset: usize,
}

impl Palette {
    fn new(key: &[u8], exact: &[[u8; 3]]) -> Palette {
        let mut exact: Vec<[u8; 3]> = exact.to_vec();
        exact.dedup();
        exact.truncate(64);
        let learned = NeuQuant::new(10, 255 - exact.len(), key);
        Palette {
            learned,
            offset: exact.len(),
            exact,
        }
    }

    fn rgb(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.exact.iter().flatten().copied().collect();
        out.extend(self.learned.color_map_rgb());
        out.resize(256 * 3, 0);
        out
    }

    fn index(&self, px: &[u8]) -> u8 {
        let rgb = [px[0], px[1], px[2]];
        match self.exact.iter().position(|&c| c == rgb) {
            Some(i) => i as u8,
            None => (self.offset + self.learned.index_of(&[px[0], px[1], px[2], 255])) as u8,
        }
    }
}

impl Gif {
    /// A GIF of `width` × `height` pixels at `fps` frames a second, looping;
    /// its palette learned from `key` (RGBA, a frame that shows every
    /// colour to come, such as the last) and holding `exact` as they are.
    pub fn new(
        width: usize,
        height: usize,
        fps: u32,
        key: &[u8],
        exact: &[[u8; 3]],
    ) -> Result<Gif, String> {
        if !(FPS[0]..=FPS[1]).contains(&fps) {
            return Err(format!(
                "the frame rate must be a whole number of frames a second in [{}, {}], got {fps}",
                FPS[0], FPS[1]
            ));
        }
        let (w, h) = (
            u16::try_from(width).map_err(|_| "the GIF is too wide")?,
            u16::try_from(height).map_err(|_| "the GIF is too tall")?,
        );
        if key.len() != width * height * 4 {
            return Err("the palette's frame is not the GIF's size".to_string());
        }
        let palette = Palette::new(key, exact);
        let mut encoder =
            Encoder::new(Vec::new(), w, h, &palette.rgb()).map_err(|e| e.to_string())?;
        encoder
            .set_repeat(Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        Ok(Gif {
            encoder,
            width,
            height,
            delay: ((100.0 / fps as f64).round() as u16).max(2),
            palette,
            previous: None,
        })
    }

    /// Adds a frame (RGBA, the GIF's size): the whole of the first, then
    /// the smallest rectangle holding every pixel that changed (one pixel
    /// when none did, to keep the frame's time).
    pub fn add(&mut self, rgba: &[u8]) -> Result<(), String> {
        let (w, h) = (self.width, self.height);
        if rgba.len() != w * h * 4 {
            return Err("a frame is not the GIF's size".to_string());
        }
        let (x0, y0, x1, y1) = match &self.previous {
            None => (0, 0, w - 1, h - 1),
            Some(prev) => changed(prev, rgba, w, h).unwrap_or((0, 0, 0, 0)),
        };
        let (fw, fh) = (x1 - x0 + 1, y1 - y0 + 1);
        let mut pixels = Vec::with_capacity(fw * fh);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let i = 4 * (y * w + x);
                let px = &rgba[i..i + 4];
                let same = self.previous.as_ref().is_some_and(|p| p[i..i + 4] == *px);
                pixels.push(if same {
                    UNCHANGED
                } else {
                    self.palette.index(px)
                });
            }
        }
        let frame = Frame {
            delay: self.delay,
            dispose: DisposalMethod::Keep,
            left: x0 as u16,
            top: y0 as u16,
            width: fw as u16,
            height: fh as u16,
            buffer: pixels.into(),
            transparent: self.previous.is_some().then_some(UNCHANGED),
            ..Frame::default()
        };
        self.encoder
            .write_frame(&frame)
            .map_err(|e| e.to_string())?;
        self.previous = Some(rgba.to_vec());
        Ok(())
    }

    /// The GIF's bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        self.encoder.into_inner().map_err(|e| e.to_string())
    }
}

/// The smallest rectangle (first and last column, first and last row)
/// holding every pixel where `a` and `b` differ, or `None`.
fn changed(a: &[u8], b: &[u8], w: usize, h: usize) -> Option<(usize, usize, usize, usize)> {
    let row = |y: usize| a[4 * y * w..4 * (y + 1) * w] != b[4 * y * w..4 * (y + 1) * w];
    let y0 = (0..h).find(|&y| row(y))?;
    let y1 = (y0..h).rev().find(|&y| row(y)).unwrap_or(y0);
    let col = |x: usize| {
        (y0..=y1).any(|y| {
            a[4 * (y * w + x)..4 * (y * w + x) + 4] != b[4 * (y * w + x)..4 * (y * w + x) + 4]
        })
    };
    let x0 = (0..w).find(|&x| col(x)).unwrap_or(0);
    let x1 = (x0..w).rev().find(|&x| col(x)).unwrap_or(x0);
    Some((x0, y0, x1, y1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a GIF into its frames composed onto the screen, RGBA.
    fn frames(bytes: &[u8]) -> (usize, usize, Vec<Vec<u8>>) {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut d = opts.read_info(bytes).unwrap();
        let (w, h) = (d.width() as usize, d.height() as usize);
        let mut screen = vec![0u8; w * h * 4];
        let mut out = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            for y in 0..f.height as usize {
                for x in 0..f.width as usize {
                    let s = 4 * (y * f.width as usize + x);
                    let t = 4 * ((y + f.top as usize) * w + x + f.left as usize);
                    screen[t..t + 4].copy_from_slice(&f.buffer[s..s + 4]);
                }
            }
            out.push(screen.clone());
        }
        (w, h, out)
    }

    #[test]
    fn frames_come_back_with_exact_colours_kept_and_only_changes_stored() {
        let (w, h) = (40, 30);
        // A grey gradient, and a red line growing a pixel a frame.
        let base: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let v = (i % w * 6) as u8;
                [v, v, 255 - v, 255]
            })
            .collect();
        let frame = |k: usize| {
            let mut f = base.clone();
            for x in 0..k {
                let i = 4 * (15 * w + x);
                f[i..i + 4].copy_from_slice(&[255, 0, 0, 255]);
            }
            f
        };
        let mut gif = Gif::new(w, h, 20, &frame(10), &[[255, 0, 0]]).unwrap();
        for k in 0..=10 {
            gif.add(&frame(k)).unwrap();
        }
        gif.add(&frame(10)).unwrap();
        let bytes = gif.finish().unwrap();
        let (dw, dh, got) = frames(&bytes);
        assert_eq!((dw, dh, got.len()), (w, h, 12));
        // The line's red is exact at every step; the rest is near.
        for (k, f) in got.iter().enumerate() {
            let k = k.min(10);
            for x in 0..w {
                let i = 4 * (15 * w + x);
                assert_eq!(f[i..i + 3] == [255, 0, 0], x < k, "frame {k}, x {x}");
            }
            let i = 4 * (3 * w + 20);
            assert!((f[i] as i32 - base[i] as i32).abs() < 16);
        }
        // Only the change is stored: far smaller than twelve whole frames.
        assert!(bytes.len() < 3 * w * h, "{} bytes", bytes.len());
        let bad = |fps| {
            Gif::new(w, h, fps, &frame(0), &[])
                .err()
                .unwrap_or_default()
        };
        assert!(bad(0).contains("[1, 50], got 0"), "{}", bad(0));
        assert!(bad(51).contains("got 51"));
    }
}
