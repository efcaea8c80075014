//! A network's panel, through any [`Painter`]: for each shown optimizer, a
//! tile over the input plane with the network's output at the current step
//! as a heatmap (P(y = 1) for classification, the prediction for
//! regression), its decision boundary (classification: where the logit is
//! 0) in the optimizer's colour, and the rows as dots coloured by their y.

use crate::colormap::viridis_table;
use crate::contour::contour;
use crate::frame::{Frame, Scale, Theme};
use crate::paint::{Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use crate::surface::Grid;
use optiviz_objectives::mlp::net::Task;
use optiviz_objectives::mlp::Model;
use optiviz_objectives::objective::View;

/// One tile: an optimizer's network at the current step.
pub struct NetTile<'a> {
    /// The optimizer's label, written over the tile.
    pub label: &'a str,
    /// The optimizer's path colour, for its decision boundary.
    pub color: Color,
    /// The flat parameters at the current step.
    pub params: &'a [f64],
    /// The loss and, for classification, the accuracy there.
    pub loss: f64,
    /// The share of rows classified right; `None` for regression.
    pub accuracy: Option<f64>,
}

/// The samples across (and down) a tile's heatmap.
const SAMPLES: usize = 56;

/// Class 0 and class 1, with white between them for P(y = 1) = 1/2.
const CLASS_0: Color = Color::rgb(0x2c, 0x7b, 0xb6);
const CLASS_1: Color = Color::rgb(0xe6, 0x6b, 0x1e);
const MIDDLE: Color = Color::rgb(0xf7, 0xf7, 0xf7);

/// The rows' window: their extent with a tenth to spare on each side.
pub fn input_view(x: &[[f64; 2]]) -> View {
    let mut v = View {
        x: [f64::INFINITY, f64::NEG_INFINITY],
        y: [f64::INFINITY, f64::NEG_INFINITY],
    };
    for p in x {
        v.x = [v.x[0].min(p[0]), v.x[1].max(p[0])];
        v.y = [v.y[0].min(p[1]), v.y[1].max(p[1])];
    }
    let pad = |[lo, hi]: [f64; 2]| {
        let m = ((hi - lo) * 0.1).max(0.1);
        [lo - m, hi + m]
    };
    View {
        x: pad(v.x),
        y: pad(v.y),
    }
}

fn mix(a: Color, b: Color, t: f64) -> [u8; 3] {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    [m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)]
}

/// The colour of a probability: class 0's, white at 1/2, class 1's.
fn probability_colour(p: f64) -> [u8; 3] {
    if p < 0.5 {
        mix(CLASS_0, MIDDLE, p * 2.0)
    } else {
        mix(MIDDLE, CLASS_1, (p - 0.5) * 2.0)
    }
}

/// The tiles' rectangles: as many columns as make the tiles largest, each
/// tile a title line `head` high over a square.
fn layout(width: f64, height: f64, n: usize, head: f64, s: Scale) -> Vec<Rect> {
    let gap = s.px(10.0);
    let side = |columns: usize| {
        let rows = n.div_ceil(columns);
        let w = (width - gap * (columns as f64 + 1.0)) / columns as f64;
        let h = (height - gap * (rows as f64 + 1.0)) / rows as f64 - head;
        w.min(h)
    };
    let columns = (1..=n.max(1))
        .max_by(|&a, &b| side(a).total_cmp(&side(b)))
        .unwrap_or(1);
    let rows = n.div_ceil(columns).max(1);
    let (w, h) = (
        (width - gap * (columns as f64 + 1.0)) / columns as f64,
        (height - gap * (rows as f64 + 1.0)) / rows as f64,
    );
    (0..n)
        .map(|i| {
            let (c, r) = (i % columns, i / columns);
            Rect::new(gap + c as f64 * (w + gap), gap + r as f64 * (h + gap), w, h)
        })
        .collect()
}

/// The longest of a tile's titles that fits `room` device pixels at
/// `size`: the optimizer's label with its loss and accuracy, or the label's
/// first words (its name first) and "…", or the name with less; a tile
/// always says whose it is.
fn title(tile: &NetTile, room: f64, size: f64) -> String {
    let right = tile
        .accuracy
        .map_or(String::new(), |a| format!(", {:.0}% right", a * 100.0));
    let loss = format!("loss {}{right}", optiviz_base::number::short(tile.loss));
    // About 0.56 of the size per character in the page's sans-serif (its
    // digits and lower case; a title has few capitals).
    let fits = |t: &str| t.chars().count() as f64 * size * 0.56 <= room;
    let words: Vec<&str> = tile.label.split_whitespace().collect();
    let name = words.first().copied().unwrap_or_default();
    let labelled = (1..=words.len()).rev().map(|k| {
        let more = if k < words.len() { " …" } else { "" };
        format!("{}{more}: {loss}", words[..k].join(" "))
    });
    let shorter = [
        (!right.is_empty()).then(|| format!("{name}: {}", right.trim_start_matches(", "))),
        Some(name.to_string()),
    ];
    labelled
        .chain(shorter.into_iter().flatten())
        .find(|t| fits(t))
        .unwrap_or_else(|| name.to_string())
}

/// Draws the panel: one tile per entry of `tiles`.
pub fn draw_net_panel<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    model: &Model,
    tiles: &[NetTile],
    theme: Theme,
    s: Scale,
) {
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let view = input_view(&model.x);
    let classify = model.net.arch.task == Task::Classification;
    // The regression colours span the rows' y.
    let (lo, hi) = model
        .y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = (hi - lo).max(1e-12);
    let table = viridis_table();
    let value_colour = |v: f64| -> [u8; 3] {
        if !v.is_finite() {
            return [128, 128, 128];
        }
        if classify {
            probability_colour(1.0 / (1.0 + libm::exp(-v)))
        } else {
            table[(((v - lo) / span).clamp(0.0, 1.0) * 255.0).round() as usize]
        }
    };
    // Where the grid samples the inputs (cell centres, row 0 at the top).
    let grid_points: Vec<[f64; 2]> = (0..SAMPLES)
        .flat_map(|row| {
            (0..SAMPLES).map(move |col| {
                let fx = (col as f64 + 0.5) / SAMPLES as f64;
                let fy = (row as f64 + 0.5) / SAMPLES as f64;
                [
                    view.x[0] + fx * (view.x[1] - view.x[0]),
                    view.y[1] - fy * (view.y[1] - view.y[0]),
                ]
            })
        })
        .collect();
    let style = TextStyle::new(s.px(12.0), theme.foreground).anchor(Align::Start, Baseline::Top);
    let head = s.px(18.0);
    for (tile, area) in tiles
        .iter()
        .zip(layout(width, height, tiles.len(), head, s))
    {
        // The title line, then a square plot as large as fits.
        let side = area.w.min(area.h - head).max(s.px(10.0));
        let rect = Rect::new(area.x + (area.w - side) / 2.0, area.y + head, side, side);
        let frame = Frame { rect, view };
        p.begin_group(tile.label);
        p.fill_rect(
            Rect::new(rect.x, area.y + s.px(3.0), s.px(10.0), s.px(10.0)),
            tile.color,
        );
        let text = title(tile, area.right() - rect.x - s.px(14.0), style.size);
        p.text(&text, (rect.x + s.px(14.0), area.y + s.px(2.0)), style);
        let outputs = model.net.outputs(tile.params, &model.x, &grid_points);
        let rgba: Vec<u8> = outputs
            .iter()
            .flat_map(|&v| {
                let [r, g, b] = value_colour(v);
                [r, g, b, 255]
            })
            .collect();
        let image = p.image(SAMPLES, SAMPLES, &rgba);
        p.draw_image(&image, rect);
        p.clip(rect);
        if classify {
            let grid = Grid::from_values(view, SAMPLES, SAMPLES, outputs);
            let segments: Vec<[(f64, f64); 2]> = contour(&grid, 0.0)
                .iter()
                .map(|[a, b]| [frame.to_px(*a), frame.to_px(*b)])
                .collect();
            p.segments(&segments, Stroke::new(theme.casing, s.px(4.0)));
            p.segments(&segments, Stroke::new(tile.color, s.px(2.5)));
        }
        // The rows: filled with their class's (or value's) colour, ringed.
        let radius = s.px(if model.x.len() > 1000 { 1.6 } else { 2.6 });
        for (pt, &y) in model.x.iter().zip(&model.y) {
            let [r, g, b] = if classify {
                if y > 0.5 {
                    [CLASS_1.r, CLASS_1.g, CLASS_1.b]
                } else {
                    [CLASS_0.r, CLASS_0.g, CLASS_0.b]
                }
            } else {
                value_colour(y)
            };
            let (cx, cy) = frame.to_px(*pt);
            p.circle(
                (cx, cy),
                radius + s.px(0.8),
                Some(Color::rgb(0x1b, 0x1b, 0x1f)),
                None,
            );
            p.circle((cx, cy), radius, Some(Color::rgb(r, g, b)), None);
        }
        p.end_clip();
        p.polyline(
            &[
                (rect.x, rect.y),
                (rect.right(), rect.y),
                (rect.right(), rect.bottom()),
                (rect.x, rect.bottom()),
                (rect.x, rect.y),
            ],
            Stroke::new(theme.foreground.alpha(0.5), s.0.max(1.0)),
        );
        p.end_group();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_fit_the_panel_in_one_or_two_columns() {
        let s = Scale(1.0);
        let one = layout(400.0, 300.0, 1, 18.0, s);
        assert_eq!(one.len(), 1);
        let four = layout(600.0, 600.0, 4, 18.0, s);
        assert!(four[1].x > four[0].x && four[2].y > four[0].y);
        for r in layout(300.0, 900.0, 3, 18.0, s) {
            assert!(r.x >= 0.0 && r.right() <= 300.0 && r.bottom() <= 900.0);
        }
        // A wide, low panel puts three tiles in a row.
        let row = layout(900.0, 300.0, 3, 18.0, s);
        assert!(row[2].x > row[1].x && row[1].x > row[0].x && row[2].y == row[0].y);
        assert_eq!(probability_colour(0.5), [0xf7, 0xf7, 0xf7]);
        assert_eq!(probability_colour(0.0), [CLASS_0.r, CLASS_0.g, CLASS_0.b]);
    }
}
