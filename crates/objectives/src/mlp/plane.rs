//! The plane a network's landscape is drawn on: through the initial weights
//! θ0, spanned either by the two leading principal directions of every
//! optimizer's displacements θt − θ0 taken together (so all of them are drawn
//! on one plane), or by two seeded random directions normalised filter-wise
//! (Li et al. 2018).

use crate::mlp::net::Network;
use nalgebra::{DMatrix, SymmetricEigen};
use optiviz_base::rng::Rng;
use optiviz_optim::dot;
use serde::Serialize;

/// The most multiply-adds building the Gram matrix may take; past it, every
/// k-th step of each path is used (always its last).
const GRAM_WORK: usize = 400_000_000;

/// A plane in parameter space, the points θ0 + a·d1 + b·d2: plane coordinates
/// (a, b) are a landscape's x and y.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plane {
    /// θ0.
    pub origin: Vec<f64>,
    /// The two directions; orthonormal for the principal plane.
    pub directions: [Vec<f64>; 2],
    /// The share of the displacements' sum of squares (about θ0) that their
    /// projections onto the plane keep: how much of the motion it holds.
    pub explained: f64,
}

/// The steps of each path a plane is fitted to: all of them unless that
/// would take too long, then every k-th with each path's last.
fn sampled<'a>(paths: &[&'a [Vec<f64>]], n: usize) -> Vec<&'a [f64]> {
    let pick = |k: usize| -> Vec<&'a [f64]> {
        paths
            .iter()
            .flat_map(|p| {
                let last = p.len().saturating_sub(1);
                (1..p.len())
                    .filter(move |&t| t % k == 0 || t == last)
                    .map(move |t| p[t].as_slice())
            })
            .collect()
    };
    let mut k = 1;
    loop {
        let rows = pick(k);
        let m = rows.len();
        if m * n * m.min(n) <= GRAM_WORK || m <= 2 {
            return rows;
        }
        k += 1;
    }
}

impl Plane {
    /// The principal plane of the paths (each the parameters at every step,
    /// starting at `origin`).
    pub fn principal(net: &Network, origin: &[f64], paths: &[&[Vec<f64>]]) -> Plane {
        let n = origin.len();
        let rows: Vec<Vec<f64>> = sampled(paths, n)
            .into_iter()
            .map(|p| p.iter().zip(origin).map(|(a, b)| a - b).collect())
            .collect();
        let m = rows.len();
        let total: f64 = rows.iter().map(|d| dot(d, d)).sum();
        if m == 0 || total == 0.0 || n < 2 {
            // Nothing moved: a random plane shows the landscape around θ0.
            let mut plane = Plane::random(net, origin, 0, paths);
            plane.explained = 0.0;
            return plane;
        }
        // The leading eigenvectors of MᵀM (n × n), or through MMᵀ (m × m)
        // when there are fewer rows than parameters.
        let mut directions: Vec<Vec<f64>> = if n <= m {
            let mut s = DMatrix::<f64>::zeros(n, n);
            for d in &rows {
                for i in 0..n {
                    if d[i] == 0.0 {
                        continue;
                    }
                    for j in i..n {
                        s[(i, j)] += d[i] * d[j];
                    }
                }
            }
            s.fill_lower_triangle_with_upper_triangle();
            leading(s, 2)
                .into_iter()
                .map(|(_, v)| v.iter().copied().collect())
                .collect()
        } else {
            let g = DMatrix::from_fn(m, m, |i, j| dot(&rows[i], &rows[j]));
            leading(g, 2)
                .into_iter()
                .map(|(_, u)| {
                    let mut v = vec![0.0; n];
                    for (row, w) in rows.iter().zip(u.iter()) {
                        for (v, r) in v.iter_mut().zip(row) {
                            *v += w * r;
                        }
                    }
                    let norm = dot(&v, &v).sqrt();
                    v.iter().map(|x| x / norm).collect()
                })
                .collect()
        };
        if directions.len() < 2 || directions.iter().any(|d| d.iter().any(|x| !x.is_finite())) {
            let mut plane = Plane::random(net, origin, 0, paths);
            plane.explained = 0.0;
            return plane;
        }
        // The first path's end on the positive side of each axis.
        let end: Vec<f64> = paths
            .iter()
            .find_map(|p| p.last())
            .map(|p| p.iter().zip(origin).map(|(a, b)| a - b).collect())
            .unwrap_or_default();
        for d in &mut directions {
            let side = dot(d, &end);
            let largest = d
                .iter()
                .copied()
                .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            if side < 0.0 || (side == 0.0 && largest < 0.0) {
                d.iter_mut().for_each(|x| *x = -*x);
            }
        }
        let [d1, d2]: [Vec<f64>; 2] = directions.try_into().expect("two directions");
        let mut plane = Plane {
            origin: origin.to_vec(),
            directions: [d1, d2],
            explained: 0.0,
        };
        plane.explained = plane.share(&rows, total);
        plane
    }

    /// Two random directions, each parameter drawn N(0, 1) with `seed`, then
    /// each row of each `Linear` weight (a filter: one unit's incoming
    /// weights) rescaled to that row's norm in θ0; biases and batch-norm
    /// parameters are left out (zero), as Li et al. do.
    pub fn random(net: &Network, origin: &[f64], seed: u64, paths: &[&[Vec<f64>]]) -> Plane {
        let draw = |stream: u64| {
            let mut rng = Rng::new(seed, 0x0091_a4e0 + stream);
            let mut d = vec![0.0; origin.len()];
            for l in &net.layers {
                for j in 0..l.fan_out {
                    let at = l.weight + j * l.fan_in;
                    let row = &mut d[at..at + l.fan_in];
                    row.iter_mut().for_each(|x| *x = rng.normal());
                    let theta = &origin[at..at + l.fan_in];
                    let scale = dot(theta, theta).sqrt() / dot(row, row).sqrt();
                    row.iter_mut().for_each(|x| *x *= scale);
                }
            }
            d
        };
        let mut plane = Plane {
            origin: origin.to_vec(),
            directions: [draw(0), draw(1)],
            explained: 0.0,
        };
        let rows: Vec<Vec<f64>> = sampled(paths, origin.len())
            .into_iter()
            .map(|p| p.iter().zip(origin).map(|(a, b)| a - b).collect())
            .collect();
        let total: f64 = rows.iter().map(|d| dot(d, d)).sum();
        plane.explained = plane.share(&rows, total);
        plane
    }

    /// Where θ falls on the plane: the (a, b) of the nearest point
    /// θ0 + a·d1 + b·d2 (least squares, the directions need not be orthogonal).
    pub fn project(&self, theta: &[f64]) -> [f64; 2] {
        let x: Vec<f64> = theta.iter().zip(&self.origin).map(|(a, b)| a - b).collect();
        self.coordinates(&x)
    }

    /// The (a, b) of the displacement `x` from θ0.
    fn coordinates(&self, x: &[f64]) -> [f64; 2] {
        let [d1, d2] = &self.directions;
        let (g11, g12, g22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
        let (r1, r2) = (dot(d1, x), dot(d2, x));
        let det = g11 * g22 - g12 * g12;
        if det.abs() <= f64::EPSILON * g11 * g22 || det == 0.0 {
            // Parallel (or empty) directions: along the first only.
            return [if g11 > 0.0 { r1 / g11 } else { 0.0 }, 0.0];
        }
        [(g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det]
    }

    /// The parameters at (a, b) on the plane.
    pub fn at(&self, [a, b]: [f64; 2], out: &mut Vec<f64>) {
        let [d1, d2] = &self.directions;
        out.clear();
        out.extend(
            self.origin
                .iter()
                .zip(d1.iter().zip(d2))
                .map(|(o, (x, y))| o + a * x + b * y),
        );
    }

    /// The share of `rows`' sum of squares `total` their projections keep.
    fn share(&self, rows: &[Vec<f64>], total: f64) -> f64 {
        if total == 0.0 {
            return 0.0;
        }
        let [d1, d2] = &self.directions;
        let (g11, g12, g22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
        let kept: f64 = rows
            .iter()
            .map(|d| {
                let [a, b] = self.coordinates(d);
                a * a * g11 + 2.0 * a * b * g12 + b * b * g22
            })
            .sum();
        (kept / total).clamp(0.0, 1.0)
    }
}

/// The `k` largest eigenvalues of the symmetric `s` with their unit
/// eigenvectors, largest first.
fn leading(s: DMatrix<f64>, k: usize) -> Vec<(f64, nalgebra::DVector<f64>)> {
    let eig = SymmetricEigen::new(s);
    let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    order
        .into_iter()
        .take(k)
        .map(|i| (eig.eigenvalues[i], eig.eigenvectors.column(i).into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlp::net::{Activation, Architecture, Task};

    fn net() -> Network {
        // 2-4-1: 17 parameters.
        Network::new(Architecture {
            hidden: vec![4],
            activation: Activation::Tanh,
            batch_norm: false,
            task: Task::Classification,
        })
    }

    /// Two paths from θ0 that stay in the plane spanned by `u` and `v`.
    fn in_plane(origin: &[f64], u: &[f64], v: &[f64], steps: usize) -> Vec<Vec<Vec<f64>>> {
        (0..2)
            .map(|k| {
                (0..=steps)
                    .map(|t| {
                        let s = t as f64 / steps as f64;
                        let (a, b) = (2.0 * s + k as f64 * s * s, (3.0 * s).sin() - k as f64 * s);
                        origin
                            .iter()
                            .zip(u.iter().zip(v))
                            .map(|(o, (x, y))| o + a * x + b * y)
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn paths_in_a_plane_are_wholly_held_by_the_principal_plane() {
        let net = net();
        let n = net.count;
        let mut rng = Rng::new(3, 0);
        let origin: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let u: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        // More rows than parameters (through MᵀM) and fewer (through MMᵀ).
        for steps in [40, 5] {
            let paths = in_plane(&origin, &u, &v, steps);
            let refs: Vec<&[Vec<f64>]> = paths.iter().map(|p| p.as_slice()).collect();
            let plane = Plane::principal(&net, &origin, &refs);
            assert!((plane.explained - 1.0).abs() < 1e-12, "{}", plane.explained);
            let [d1, d2] = &plane.directions;
            assert!((dot(d1, d1) - 1.0).abs() < 1e-12 && (dot(d2, d2) - 1.0).abs() < 1e-12);
            assert!(dot(d1, d2).abs() < 1e-12);
            // Every point is rebuilt from its coordinates on the plane.
            let mut back = Vec::new();
            for p in paths.iter().flatten() {
                plane.at(plane.project(p), &mut back);
                for (x, y) in back.iter().zip(p) {
                    assert!((x - y).abs() < 1e-9);
                }
            }
            // The first path ends on the positive side of both axes.
            let [a, b] = plane.project(paths[0].last().unwrap());
            assert!(a >= 0.0 && b >= 0.0, "{a}, {b}");
        }
    }

    #[test]
    fn the_principal_directions_are_those_of_the_largest_motion() {
        // Displacements mostly along e0, then e1, a little along e2: the plane
        // is (e0, e1) and holds all but the e2 part.
        let net = net();
        let n = net.count;
        let origin = vec![0.5; n];
        let path: Vec<Vec<f64>> = (0..=20)
            .map(|t| {
                let mut p = origin.clone();
                let s = t as f64;
                p[0] += 10.0 * s;
                p[1] += 3.0 * (s * 0.7).sin();
                p[2] += 0.1 * (s * 1.3).cos() - 0.1;
                p
            })
            .collect();
        let plane = Plane::principal(&net, &origin, &[&path]);
        let [d1, d2] = &plane.directions;
        assert!((d1[0] - 1.0).abs() < 1e-6, "{d1:?}");
        assert!(d2[1].abs() > 0.999, "{d2:?}");
        let total: f64 = path
            .iter()
            .map(|p| (0..3).map(|i| (p[i] - 0.5).powi(2)).sum::<f64>())
            .sum();
        let off: f64 = path.iter().map(|p| (p[2] - 0.5).powi(2)).sum();
        assert!(
            (plane.explained - (1.0 - off / total)).abs() < 1e-6,
            "{}",
            plane.explained
        );
        assert!(plane.explained < 1.0);
    }

    #[test]
    fn random_directions_are_normalised_filter_by_filter() {
        let net = net();
        let mut rng = Rng::new(9, 0);
        let origin: Vec<f64> = (0..net.count).map(|_| rng.normal()).collect();
        let path = vec![origin.clone(), origin.iter().map(|x| x + 0.1).collect()];
        let plane = Plane::random(&net, &origin, 4, &[&path]);
        assert_eq!(plane, Plane::random(&net, &origin, 4, &[&path]));
        assert!(plane != Plane::random(&net, &origin, 5, &[&path]));
        for d in &plane.directions {
            for l in &net.layers {
                for j in 0..l.fan_out {
                    let at = l.weight + j * l.fan_in;
                    let norm = |v: &[f64]| dot(&v[at..at + l.fan_in], &v[at..at + l.fan_in]).sqrt();
                    assert!((norm(d) - norm(&origin)).abs() < 1e-12);
                }
                let b = l.bias.unwrap();
                assert!(d[b..b + l.fan_out].iter().all(|&x| x == 0.0));
            }
        }
        assert!(plane.explained > 0.0 && plane.explained < 1.0);
    }

    #[test]
    fn no_motion_gives_a_random_plane_holding_nothing() {
        let net = net();
        let origin = vec![0.3; net.count];
        let still = vec![origin.clone(); 5];
        let plane = Plane::principal(&net, &origin, &[&still]);
        assert_eq!(plane.explained, 0.0);
        assert!(plane.directions[0].iter().any(|&x| x != 0.0));
    }
}
