//! Contour lines by marching squares over a sampled [`Grid`].

use crate::surface::Grid;

/// A contour segment from one point to another, in data coordinates.
pub type Segment = [[f64; 2]; 2];

/// The segments where the surface crosses `level`.
///
/// Each grid cell (four neighbouring samples) is classified by which corners
/// lie above the level; the crossing points on its edges are placed by linear
/// interpolation. The two saddle cases are split by the cell's mean value.
pub fn contour(grid: &Grid, level: f64) -> Vec<Segment> {
    let (w, h) = (grid.width, grid.height);
    let v = |col: usize, row: usize| grid.values[row * w + col];
    let dx = (grid.view.x[1] - grid.view.x[0]) / w as f64;
    let dy = (grid.view.y[1] - grid.view.y[0]) / h as f64;
    // Sample (col, row) sits at the centre of its cell.
    let at = |col: f64, row: f64| {
        [
            grid.view.x[0] + (col + 0.5) * dx,
            grid.view.y[1] - (row + 0.5) * dy,
        ]
    };
    // Where along an edge from value a to value b the level is crossed.
    let frac = |a: f64, b: f64| {
        let t = (level - a) / (b - a);
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    let mut out = Vec::new();
    for row in 0..h - 1 {
        for col in 0..w - 1 {
            // Corners: top-left, top-right, bottom-right, bottom-left.
            let (tl, tr, br, bl) = (
                v(col, row),
                v(col + 1, row),
                v(col + 1, row + 1),
                v(col, row + 1),
            );
            if !(tl.is_finite() && tr.is_finite() && br.is_finite() && bl.is_finite()) {
                continue;
            }
            let case = ((tl > level) as u8) << 3
                | ((tr > level) as u8) << 2
                | ((br > level) as u8) << 1
                | (bl > level) as u8;
            if case == 0 || case == 15 {
                continue;
            }
            let (c, r) = (col as f64, row as f64);
            let top = || at(c + frac(tl, tr), r);
            let right = || at(c + 1.0, r + frac(tr, br));
            let bottom = || at(c + frac(bl, br), r + 1.0);
            let left = || at(c, r + frac(tl, bl));
            let centre_above = (tl + tr + br + bl) / 4.0 > level;
            match case {
                1 | 14 => out.push([left(), bottom()]),
                2 | 13 => out.push([bottom(), right()]),
                3 | 12 => out.push([left(), right()]),
                4 | 11 => out.push([top(), right()]),
                6 | 9 => out.push([top(), bottom()]),
                7 | 8 => out.push([left(), top()]),
                5 => {
                    // tr and bl above.
                    if centre_above {
                        out.push([left(), top()]);
                        out.push([bottom(), right()]);
                    } else {
                        out.push([top(), right()]);
                        out.push([left(), bottom()]);
                    }
                }
                10 => {
                    // tl and br above.
                    if centre_above {
                        out.push([top(), right()]);
                        out.push([left(), bottom()]);
                    } else {
                        out.push([left(), top()]);
                        out.push([bottom(), right()]);
                    }
                }
                _ => unreachable!("cases 0 and 15 have no crossing"),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_objectives::functions::lookup;

    #[test]
    fn a_circle_contour_lies_on_the_circle() {
        // quadratic with a = b = 2: f = x² + y², so f = 4 is the circle of radius 2.
        let def = lookup("quadratic").unwrap();
        let f = (def.build)(&[2.0, 2.0]);
        let view = optiviz_objectives::objective::View {
            x: [-3.0, 3.0],
            y: [-3.0, 3.0],
        };
        let grid = Grid::sample(f.as_ref(), view, 121, 121);
        let segs = contour(&grid, 4.0);
        assert!(segs.len() > 100);
        for s in &segs {
            for p in s {
                let r = p[0].hypot(p[1]);
                assert!((r - 2.0).abs() < 0.01, "point {p:?} at radius {r}");
            }
        }
        // The contour is closed: every endpoint is shared by two segments.
        let key = |p: [f64; 2]| ((p[0] * 1e9).round() as i64, (p[1] * 1e9).round() as i64);
        let mut count = std::collections::HashMap::new();
        for s in &segs {
            for p in s {
                *count.entry(key(*p)).or_insert(0) += 1;
            }
        }
        assert!(count.values().all(|&n| n == 2));
    }

    #[test]
    fn no_segments_outside_the_value_range() {
        let def = lookup("booth").unwrap();
        let f = (def.build)(&[]);
        let grid = Grid::sample(f.as_ref(), f.view(), 50, 50);
        assert!(contour(&grid, grid.min - 1.0).is_empty());
        assert!(contour(&grid, grid.max + 1.0).is_empty());
    }
}
