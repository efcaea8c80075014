//! Test functions built from sines, cosines and exponentials: many local
//! minima, the classic traps for gradient methods.

use crate::functions::def::{symmetric, FunctionDef};
use crate::objective::{Minimum, Objective, View};
use optiviz_base::spec::{ParamSpec, Range};
use std::f64::consts::{E, PI};

// ---------------------------------------------------------------- rastrigin

pub struct Rastrigin {
    a: f64,
}

impl Objective for Rastrigin {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let a = self.a;
        2.0 * a + x * x - a * libm::cos(2.0 * PI * x) + y * y - a * libm::cos(2.0 * PI * y)
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let k = 2.0 * PI * self.a;
        [
            2.0 * x + k * libm::sin(2.0 * PI * x),
            2.0 * y + k * libm::sin(2.0 * PI * y),
        ]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let k = 4.0 * PI * PI * self.a;
        symmetric(
            2.0 + k * libm::cos(2.0 * PI * x),
            0.0,
            2.0 + k * libm::cos(2.0 * PI * y),
        )
    }
    fn view(&self) -> View {
        View {
            x: [-5.12, 5.12],
            y: [-5.12, 5.12],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            point: [0.0, 0.0],
            value: 0.0,
        }]
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        // A sum of a term in x and a term in y: each cosine once a column
        // or a row.
        let a = self.a;
        let term = |t: f64| t * t - a * libm::cos(2.0 * PI * t);
        let across: Vec<f64> = xs.iter().map(|&x| term(x)).collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let down = 2.0 * a + term(y);
            for (o, c) in row.iter_mut().zip(&across) {
                *o = c + down;
            }
        }
    }
}

pub static RASTRIGIN: FunctionDef = FunctionDef {
    name: "rastrigin",
    title: "Rastrigin",
    formula: "2A + x² − A cos(2πx) + y² − A cos(2πy)",
    about: "A bowl covered in a regular grid of local minima whose depth A sets.",
    params: &[ParamSpec {
        name: "A",
        default: 10.0,
        range: Range::closed(0.0, 100.0),
        doc: "amplitude of the ripples",
    }],
    build: |p| Box::new(Rastrigin { a: p[0] }),
    model: None,
};

// ---------------------------------------------------------------- ackley

pub struct Ackley;

impl Objective for Ackley {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let r = (0.5 * (x * x + y * y)).sqrt();
        let c = 0.5 * (libm::cos(2.0 * PI * x) + libm::cos(2.0 * PI * y));
        -20.0 * libm::exp(-0.2 * r) - libm::exp(c) + E + 20.0
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        // exp(½(cos 2πx + cos 2πy)) is exp(½ cos 2πx) · exp(½ cos 2πy): one
        // factor a column, one a row; only the cone needs every point.
        let half = |t: f64| libm::exp(0.5 * libm::cos(2.0 * PI * t));
        let across: Vec<f64> = xs.iter().map(|&x| half(x)).collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let down = half(y);
            for ((o, &x), c) in row.iter_mut().zip(xs).zip(&across) {
                let r = (0.5 * (x * x + y * y)).sqrt();
                *o = -20.0 * libm::exp(-0.2 * r) - c * down + E + 20.0;
            }
        }
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let r = (0.5 * (x * x + y * y)).sqrt();
        let c = 0.5 * (libm::cos(2.0 * PI * x) + libm::cos(2.0 * PI * y));
        // The cone term is not differentiable at the origin; 0 is its subgradient there.
        let cone = if r > 0.0 {
            2.0 * libm::exp(-0.2 * r) / r
        } else {
            0.0
        };
        let ripple = PI * libm::exp(c);
        [
            cone * x + ripple * libm::sin(2.0 * PI * x),
            cone * y + ripple * libm::sin(2.0 * PI * y),
        ]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let q = x * x + y * y;
        let r = (0.5 * q).sqrt();
        let (cx, cy) = (libm::cos(2.0 * PI * x), libm::cos(2.0 * PI * y));
        let c = 0.5 * (cx + cy);
        // The cone −20 exp(−0.2 r) curves by −0.4 e^(−0.2r) along the radius
        // and by 2 e^(−0.2r) / r across it, written with the unit direction
        // (x, y) / √q so that nothing cancels near the origin. At the origin
        // itself the gradient takes the cone's subgradient 0, and its
        // curvature (unbounded across every radius) is likewise taken as 0:
        // what remains is the ripple's.
        let [cxx, cxy, cyy] = if r > 0.0 {
            let e = libm::exp(-0.2 * r);
            let (along, across) = (-0.4 * e, 2.0 * e / r);
            let (nxx, nxy, nyy) = (x * x / q, x * y / q, y * y / q);
            [
                along * nxx + across * nyy,
                (along - across) * nxy,
                along * nyy + across * nxx,
            ]
        } else {
            [0.0; 3]
        };
        // The ripple −exp(c) with ∂c/∂x = −π sin 2πx and ∂²c/∂x² = −2π² cos 2πx.
        let k = PI * PI * libm::exp(c);
        let (sx, sy) = (libm::sin(2.0 * PI * x), libm::sin(2.0 * PI * y));
        symmetric(
            cxx + k * (2.0 * cx - sx * sx),
            cxy - k * sx * sy,
            cyy + k * (2.0 * cy - sy * sy),
        )
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            point: [0.0, 0.0],
            value: 0.0,
        }]
    }
}

pub static ACKLEY: FunctionDef = FunctionDef {
    name: "ackley",
    title: "Ackley",
    formula: "−20 exp(−0.2 √(0.5 (x² + y²))) − exp(0.5 (cos 2πx + cos 2πy)) + e + 20",
    about: "A nearly flat, rippled plain around one deep, sharp hole.",
    params: &[],
    build: |_| Box::new(Ackley),
    model: None,
};

// ---------------------------------------------------------------- mccormick

pub struct McCormick;

impl Objective for McCormick {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let d = x - y;
        libm::sin(x + y) + d * d - 1.5 * x + 2.5 * y + 1.0
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        // sin(x + y) = sin x cos y + cos x sin y: the sines and cosines once
        // a column or a row.
        let across: Vec<[f64; 2]> = xs.iter().map(|&x| [libm::sin(x), libm::cos(x)]).collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let (sy, cy) = (libm::sin(y), libm::cos(y));
            for ((o, &x), [sx, cx]) in row.iter_mut().zip(xs).zip(&across) {
                let d = x - y;
                *o = sx * cy + cx * sy + d * d - 1.5 * x + 2.5 * y + 1.0;
            }
        }
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let c = libm::cos(x + y);
        let d = 2.0 * (x - y);
        [c + d - 1.5, c - d + 2.5]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let s = libm::sin(x + y);
        symmetric(2.0 - s, -2.0 - s, 2.0 - s)
    }
    fn view(&self) -> View {
        View {
            x: [-1.5, 4.0],
            y: [-3.0, 4.0],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        // x + y = −2π/3 and x − y = 1.
        vec![Minimum {
            point: [0.5 - PI / 3.0, -0.5 - PI / 3.0],
            value: -1.9132229549810362,
        }]
    }
}

pub static MCCORMICK: FunctionDef = FunctionDef {
    name: "mccormick",
    title: "McCormick",
    formula: "sin(x + y) + (x − y)² − 1.5x + 2.5y + 1",
    about: "A gently curved valley with a wavy floor.",
    params: &[],
    build: |_| Box::new(McCormick),
    model: None,
};

// ---------------------------------------------------------------- levi13

pub struct Levi13;

impl Objective for Levi13 {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let s1 = libm::sin(3.0 * PI * x);
        let s2 = libm::sin(3.0 * PI * y);
        let s3 = libm::sin(2.0 * PI * y);
        let (dx, dy) = (x - 1.0, y - 1.0);
        s1 * s1 + dx * dx * (1.0 + s2 * s2) + dy * dy * (1.0 + s3 * s3)
    }
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        // sin²(3πx) once a column; (1 + sin²(3πy)) and the last term once a row.
        let across: Vec<[f64; 2]> = xs
            .iter()
            .map(|&x| {
                let s1 = libm::sin(3.0 * PI * x);
                [s1 * s1, (x - 1.0) * (x - 1.0)]
            })
            .collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let s2 = libm::sin(3.0 * PI * y);
            let s3 = libm::sin(2.0 * PI * y);
            let dy = y - 1.0;
            let (scale, last) = (1.0 + s2 * s2, dy * dy * (1.0 + s3 * s3));
            for (o, [ripple, dx2]) in row.iter_mut().zip(&across) {
                *o = ripple + dx2 * scale + last;
            }
        }
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let s2 = libm::sin(3.0 * PI * y);
        let s3 = libm::sin(2.0 * PI * y);
        let (dx, dy) = (x - 1.0, y - 1.0);
        [
            3.0 * PI * libm::sin(6.0 * PI * x) + 2.0 * dx * (1.0 + s2 * s2),
            3.0 * PI * dx * dx * libm::sin(6.0 * PI * y)
                + 2.0 * dy * (1.0 + s3 * s3)
                + 2.0 * PI * dy * dy * libm::sin(4.0 * PI * y),
        ]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let s2 = libm::sin(3.0 * PI * y);
        let s3 = libm::sin(2.0 * PI * y);
        let (dx, dy) = (x - 1.0, y - 1.0);
        let pi2 = PI * PI;
        symmetric(
            18.0 * pi2 * libm::cos(6.0 * PI * x) + 2.0 * (1.0 + s2 * s2),
            6.0 * PI * dx * libm::sin(6.0 * PI * y),
            18.0 * pi2 * dx * dx * libm::cos(6.0 * PI * y)
                + 2.0 * (1.0 + s3 * s3)
                + 8.0 * PI * dy * libm::sin(4.0 * PI * y)
                + 8.0 * pi2 * dy * dy * libm::cos(4.0 * PI * y),
        )
    }
    fn view(&self) -> View {
        View {
            x: [-4.0, 6.0],
            y: [-4.0, 6.0],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            point: [1.0, 1.0],
            value: 0.0,
        }]
    }
}

pub static LEVI13: FunctionDef = FunctionDef {
    name: "levi13",
    title: "Lévi N.13",
    formula: "sin²(3πx) + (x − 1)² (1 + sin²(3πy)) + (y − 1)² (1 + sin²(2πy))",
    about: "A corrugated bowl: dense local minima in both directions.",
    params: &[],
    build: |_| Box::new(Levi13),
    model: None,
};
