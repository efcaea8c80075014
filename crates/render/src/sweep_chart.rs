//! The learning-rate sweep's chart: each optimizer's final loss against its
//! learning rate, both on log scales, with a ring at the learning rate it has
//! now and a dashed line at its stability edge; through any [`Painter`].

use crate::chart::{chart_rect, draw_chart_legend, draw_y_name, y_at, LossAxis};
use crate::frame::{log_ticks, Scale, Theme};
use crate::paint::{Align, Baseline, Color, Painter, Rect, Stroke, TextStyle};
use optiviz_base::number::short;

/// One optimizer's line of the sweep.
pub struct SweepLine {
    /// The optimizer's label, for the legend.
    pub label: String,
    /// The optimizer's path colour.
    pub color: Color,
    /// The final loss at each of the chart's learning rates.
    pub final_loss: Vec<f64>,
    /// Whether the run at that learning rate diverged.
    pub diverged: Vec<bool>,
    /// The learning rate the optimizer has now.
    pub current: f64,
    /// Its stability edge at the minimum nearest the start, if it has one.
    pub edge: Option<f64>,
}

/// Where the chart was drawn, to read a click back as a learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepFrame {
    /// The plotting rectangle, in device pixels.
    pub rect: Rect,
    /// The learning rates at its left and right edges (a log axis).
    pub lrs: (f64, f64),
    /// The plotted values at its bottom and top, and whether that axis is
    /// logarithmic.
    pub values: (f64, f64, bool),
}

impl SweepFrame {
    /// The learning rate under device-pixel x, if inside the chart.
    pub fn lr_at(&self, x: f64) -> Option<f64> {
        let t = (x - self.rect.x) / self.rect.w;
        (0.0..=1.0).contains(&t).then(|| {
            let (a, b) = (libm::log10(self.lrs.0), libm::log10(self.lrs.1));
            libm::pow(10.0, a + t * (b - a))
        })
    }

    /// Device-pixel x of learning rate `lr`.
    pub fn x_of(&self, lr: f64) -> f64 {
        let (a, b) = (libm::log10(self.lrs.0), libm::log10(self.lrs.1));
        self.rect.x + (libm::log10(lr) - a) / (b - a) * self.rect.w
    }

    /// Device-pixel y of a plotted value.
    pub fn y_of(&self, v: f64) -> f64 {
        let (lo, hi, log) = self.values;
        y_at(self.rect, lo, hi, log, v)
    }
}

/// The plotted value of a loss on `axis`.
pub fn plotted(axis: LossAxis, loss: f64) -> f64 {
    match axis {
        LossAxis::GapLog { fstar } => (loss - fstar).max(1e-300),
        LossAxis::Linear => loss,
    }
}

/// The y value of a line (its `final_loss` and `diverged` at each of `lrs`)
/// at learning rate `lr`, interpolated in log lr, on `axis`.
pub fn value_at(
    (final_loss, diverged): (&[f64], &[bool]),
    lrs: &[f64],
    lr: f64,
    axis: LossAxis,
) -> Option<f64> {
    let j = lrs.iter().position(|&l| l >= lr)?;
    let v = |k: usize| (!diverged[k]).then(|| plotted(axis, final_loss[k]));
    if j == 0 || lrs[j] == lr {
        return v(j);
    }
    let (a, b) = (v(j - 1)?, v(j)?);
    let t = (libm::log10(lr) - libm::log10(lrs[j - 1]))
        / (libm::log10(lrs[j]) - libm::log10(lrs[j - 1]));
    Some(if matches!(axis, LossAxis::GapLog { .. }) {
        libm::pow(10.0, libm::log10(a) + t * (libm::log10(b) - libm::log10(a)))
    } else {
        a + t * (b - a)
    })
}

/// Draws the sweep on a panel `width` × `height` large; returns where.
pub fn draw_sweep_chart<P: Painter>(
    p: &mut P,
    (width, height): (f64, f64),
    lrs: &[f64],
    lines: &[SweepLine],
    axis: LossAxis,
    theme: Theme,
    s: Scale,
) -> SweepFrame {
    p.fill_rect(Rect::new(0.0, 0.0, width, height), theme.background);
    let r = chart_rect(width, height, s);
    let log = matches!(axis, LossAxis::GapLog { .. });
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for line in lines {
        for (k, &l) in line.final_loss.iter().enumerate() {
            let v = plotted(axis, l);
            if !line.diverged[k] && v.is_finite() && (!log || v > 0.0) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = if log { (1e-3, 1.0) } else { (0.0, 1.0) };
    }
    let (lo, hi) = if log {
        (lo.max(hi * 1e-16).max(1e-300), hi.max(lo * 10.0))
    } else {
        let pad = ((hi - lo) * 0.05).max(1e-12);
        (lo - pad, hi + pad)
    };
    let first = lrs.first().copied().unwrap_or(1e-5);
    let last = lrs
        .last()
        .copied()
        .filter(|&l| l > first)
        .unwrap_or(first * 10.0);
    let frame = SweepFrame {
        rect: r,
        lrs: (first, last),
        values: (lo, hi, log),
    };
    let fg = theme.foreground;
    let grid = Stroke::new(Color::rgb(128, 128, 128).alpha(0.3), s.0.max(1.0));
    let label = TextStyle::new(s.px(11.0), fg);
    p.begin_group("axes");
    for v in log_ticks(first, last, 6) {
        let x = frame.x_of(v);
        p.polyline(&[(x, r.y), (x, r.bottom())], grid);
        p.text(
            &short(v),
            (x, r.bottom() + s.px(6.0)),
            label.anchor(Align::Middle, Baseline::Top),
        );
    }
    let ys: Vec<f64> = if log {
        log_ticks(lo, hi, 5)
    } else {
        super::frame::ticks(lo, hi, 5).0
    };
    for v in ys {
        let y = frame.y_of(v);
        p.polyline(&[(r.x, y), (r.right(), y)], grid);
        p.text(
            &short(v),
            (r.x - s.px(6.0), y),
            label.anchor(Align::End, Baseline::Middle),
        );
    }
    p.polyline(
        &[(r.x, r.y), (r.x, r.bottom()), (r.right(), r.bottom())],
        Stroke::new(fg, s.0.max(1.0)),
    );
    p.text(
        "learning rate (log scale)",
        (r.x + r.w / 2.0, height - s.px(3.0)),
        label.anchor(Align::Middle, Baseline::Alphabetic),
    );
    let names: &[&str] = if log {
        &[
            "final loss − minimum (log scale)",
            "final loss − min",
            "final loss",
        ]
    } else {
        &["final loss"]
    };
    draw_y_name(p, r, names, label, s);
    p.end_group();

    p.clip(r);
    let mut curves = Vec::with_capacity(lines.len());
    let mut rings = Vec::with_capacity(lines.len());
    // The rows the "edge" labels took: two edges close together stack.
    let mut labels: Vec<(f64, f64)> = Vec::new();
    for line in lines {
        p.begin_group(&line.label);
        // The line breaks where a run diverged; those are marked at the top.
        let mut piece: Vec<(f64, f64)> = Vec::new();
        let mut all = Vec::new();
        let casing = Stroke::new(theme.casing, s.px(3.5));
        let stroke = Stroke::new(line.color, s.px(2.0));
        for (k, &lr) in lrs.iter().enumerate() {
            let v = plotted(axis, line.final_loss[k]);
            if line.diverged[k] || !v.is_finite() {
                if !piece.is_empty() {
                    p.polyline(&piece, casing);
                    p.polyline(&piece, stroke);
                    all.append(&mut piece);
                }
                let (x, y, w) = (frame.x_of(lr), r.y + s.px(5.0), s.px(3.0));
                for d in [
                    [(x - w, y - w), (x + w, y + w)],
                    [(x - w, y + w), (x + w, y - w)],
                ] {
                    p.polyline(&d, Stroke::new(line.color, s.px(1.5)));
                }
                continue;
            }
            piece.push((frame.x_of(lr), frame.y_of(v)));
        }
        if !piece.is_empty() {
            p.polyline(&piece, casing);
            p.polyline(&piece, stroke);
            all.append(&mut piece);
        }
        if let Some(e) = line.edge.filter(|e| *e >= first && *e <= last) {
            let x = frame.x_of(e);
            let dashed = Stroke::new(line.color, s.px(1.5)).dashed(s.px(5.0), s.px(4.0));
            p.polyline(&[(x, r.y), (x, r.bottom())], dashed);
            // A label about 30 px wide: the first row free of the others.
            let mut y = r.y + s.px(12.0);
            while labels
                .iter()
                .any(|&(lx, ly)| (lx - x).abs() < s.px(32.0) && (ly - y).abs() < s.px(6.0))
            {
                y += s.px(12.0);
            }
            labels.push((x, y));
            p.text(
                "edge",
                (x + s.px(3.0), y),
                TextStyle::new(s.px(10.0), line.color).anchor(Align::Start, Baseline::Middle),
            );
        }
        if (first..=last).contains(&line.current) {
            // On the line, kept inside the chart when the loss there is below
            // its floor; among the crosses at the top where the run diverged.
            let y = value_at((&line.final_loss, &line.diverged), lrs, line.current, axis)
                .map_or(r.y + s.px(5.0), |v| frame.y_of(v).clamp(r.y, r.bottom()));
            rings.push(((frame.x_of(line.current), y), line.color));
        }
        p.end_group();
        curves.push(all);
    }
    p.end_clip();
    // The rings over the clip: one at the floor (where tuning's best rate
    // often is) shows whole.
    p.begin_group("now");
    for (c, color) in rings {
        p.circle(
            c,
            s.px(5.5),
            None,
            Some(Stroke::new(theme.casing, s.px(3.5))),
        );
        p.circle(c, s.px(5.5), None, Some(Stroke::new(color, s.px(2.0))));
    }
    p.end_group();
    draw_chart_legend(
        p,
        r,
        width,
        lines.iter().map(|l| (l.color, &l.label)),
        &curves,
        theme,
        s,
    );
    frame
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::SvgPainter;

    /// The rings' centres in an SVG drawing, to 0.01 px (each ring is a
    /// casing and a coloured circle at the same place).
    fn rings(svg: &str) -> Vec<(f64, f64)> {
        let attr = |el: &str, name: &str| -> f64 {
            let at = el.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            el[at..at + el[at..].find('"').unwrap()].parse().unwrap()
        };
        let mut out: Vec<(f64, f64)> = svg
            .lines()
            .filter(|l| l.starts_with("<circle"))
            .map(|l| (attr(l, "cx"), attr(l, "cy")))
            .collect();
        out.dedup();
        out
    }

    #[test]
    fn the_ring_stays_inside_the_chart_below_its_floor_and_sits_with_the_crosses_where_diverged() {
        let lrs = [1e-3, 1e-2, 1e-1, 1.0];
        let line = |final_loss: Vec<f64>, diverged: Vec<bool>, current: f64| SweepLine {
            label: "sgd".into(),
            color: Color::rgb(0, 0, 255),
            final_loss,
            diverged,
            current,
            edge: None,
        };
        let lines = [
            // Converged far below the chart's floor (16 decades under its top).
            line(vec![100.0, 1.0, 1e-30, 1e-30], vec![false; 4], 0.1),
            // Diverged at its learning rate.
            line(
                vec![50.0, 5.0, 0.0, 0.0],
                vec![false, false, true, true],
                0.5,
            ),
            // Outside the swept range: no ring.
            line(vec![10.0; 4], vec![false; 4], 20.0),
        ];
        let mut p = SvgPainter::new("t");
        let frame = draw_sweep_chart(
            &mut p,
            (600.0, 300.0),
            &lrs,
            &lines,
            LossAxis::GapLog { fstar: 0.0 },
            Theme::LIGHT,
            Scale(1.0),
        );
        let r = frame.rect;
        let found = rings(&p.finish());
        assert_eq!(found.len(), 2, "{found:?}");
        let (x, y) = found[0];
        assert!((x - frame.x_of(0.1)).abs() < 0.01, "{found:?}");
        assert_eq!(y, r.bottom(), "held at the floor");
        let (x, y) = found[1];
        assert!((x - frame.x_of(0.5)).abs() < 0.01, "{found:?}");
        assert_eq!(y, r.y + 5.0, "with the crosses at the top");
    }
}
