//! Polynomial test functions: smooth everywhere, gradients and Hessians exact.

use crate::functions::def::{symmetric, FunctionDef};
use crate::objective::{Minimum, Objective, View};
use optiviz_base::spec::{ParamSpec, Range};

fn min(x: f64, y: f64, value: f64) -> Minimum {
    Minimum {
        point: [x, y],
        value,
    }
}

fn square(lo: f64, hi: f64) -> View {
    View {
        x: [lo, hi],
        y: [lo, hi],
    }
}

// ---------------------------------------------------------------- quadratic

pub struct Quadratic {
    a: f64,
    b: f64,
}

impl Objective for Quadratic {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        0.5 * (self.a * x * x + self.b * y * y)
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [self.a * x, self.b * y]
    }
    fn hessian(&self, _: [f64; 2]) -> [[f64; 2]; 2] {
        symmetric(self.a, 0.0, self.b)
    }
    fn view(&self) -> View {
        View {
            x: [-4.0, 4.0],
            y: [-3.0, 3.0],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(0.0, 0.0, 0.0)]
    }
}

pub static QUADRATIC: FunctionDef = FunctionDef {
    name: "quadratic",
    title: "Quadratic bowl",
    formula: "0.5 (a x² + b y²)",
    about: "A bowl with curvatures a and b: plain GD diverges once lr > 2 / max(a, b), and b/a sets how badly it zig-zags.",
    params: &[
        ParamSpec {
            name: "a",
            default: 1.0,
            range: Range::open_closed(0.0, 1000.0),
            doc: "curvature along x",
        },
        ParamSpec {
            name: "b",
            default: 10.0,
            range: Range::open_closed(0.0, 1000.0),
            doc: "curvature along y",
        },
    ],
    build: |p| Box::new(Quadratic { a: p[0], b: p[1] }),
    model: None,
};

// ---------------------------------------------------------------- rosenbrock

pub struct Rosenbrock {
    a: f64,
    b: f64,
}

impl Objective for Rosenbrock {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let u = self.a - x;
        let v = y - x * x;
        u * u + self.b * v * v
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let v = y - x * x;
        [-2.0 * (self.a - x) - 4.0 * self.b * x * v, 2.0 * self.b * v]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let b = self.b;
        symmetric(2.0 - 4.0 * b * (y - 3.0 * x * x), -4.0 * b * x, 2.0 * b)
    }
    fn view(&self) -> View {
        // A window around the valley that keeps the minimum (a, a²) in sight.
        let a = self.a;
        View {
            x: [(a - 3.0).min(-2.0), (a + 1.0).max(2.0)],
            y: [(a * a - 2.0).min(-1.0), (a * a + 2.0).max(3.0)],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(self.a, self.a * self.a, 0.0)]
    }
}

pub static ROSENBROCK: FunctionDef = FunctionDef {
    name: "rosenbrock",
    title: "Rosenbrock",
    formula: "(a − x)² + b (y − x²)²",
    about: "A curved, narrow valley: easy to reach, slow to follow to the minimum at (a, a²).",
    params: &[
        ParamSpec {
            name: "a",
            default: 1.0,
            range: Range::closed(-3.0, 3.0),
            doc: "the minimum sits at (a, a²)",
        },
        ParamSpec {
            name: "b",
            default: 100.0,
            range: Range::open_closed(0.0, 1000.0),
            doc: "steepness of the valley walls",
        },
    ],
    build: |p| Box::new(Rosenbrock { a: p[0], b: p[1] }),
    model: None,
};

// ---------------------------------------------------------------- beale

pub struct Beale;

impl Beale {
    fn terms(x: f64, y: f64) -> [f64; 3] {
        [
            1.5 - x + x * y,
            2.25 - x + x * y * y,
            2.625 - x + x * y * y * y,
        ]
    }
}

impl Objective for Beale {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let [t1, t2, t3] = Beale::terms(x, y);
        t1 * t1 + t2 * t2 + t3 * t3
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let [t1, t2, t3] = Beale::terms(x, y);
        let y2 = y * y;
        [
            2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y2 * y - 1.0),
            2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y2,
        ]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let [t1, t2, t3] = Beale::terms(x, y);
        let y2 = y * y;
        // Each term tₖ = cₖ − x + x yᵏ has ∂x tₖ = yᵏ − 1 and ∂y tₖ = k x yᵏ⁻¹.
        let [a1, a2, a3] = [y - 1.0, y2 - 1.0, y2 * y - 1.0];
        let [b1, b2, b3] = [x, 2.0 * x * y, 3.0 * x * y2];
        symmetric(
            2.0 * (a1 * a1 + a2 * a2 + a3 * a3),
            2.0 * (a1 * b1 + a2 * b2 + a3 * b3 + t1 + 2.0 * y * t2 + 3.0 * y2 * t3),
            2.0 * (b1 * b1 + b2 * b2 + b3 * b3 + 2.0 * x * t2 + 6.0 * x * y * t3),
        )
    }
    fn view(&self) -> View {
        square(-4.5, 4.5)
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(3.0, 0.5, 0.0)]
    }
}

pub static BEALE: FunctionDef = FunctionDef {
    name: "beale",
    title: "Beale",
    formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    about: "Flat plateaus and sharp ridges: gradients range over many orders of magnitude.",
    params: &[],
    build: |_| Box::new(Beale),
    model: None,
};

// ---------------------------------------------------------------- himmelblau

pub struct Himmelblau;

impl Objective for Himmelblau {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        u * u + v * v
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        symmetric(
            4.0 * u + 8.0 * x * x + 2.0,
            4.0 * (x + y),
            2.0 + 4.0 * v + 8.0 * y * y,
        )
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![
            min(3.0, 2.0, 0.0),
            min(-2.805118086952745, 3.131312518250573, 0.0),
            min(-3.779310253377747, -3.2831859912861696, 0.0),
            min(3.5844283403304917, -1.8481265269644034, 0.0),
        ]
    }
}

pub static HIMMELBLAU: FunctionDef = FunctionDef {
    name: "himmelblau",
    title: "Himmelblau",
    formula: "(x² + y − 11)² + (x + y² − 7)²",
    about: "Four equal minima: which one an optimizer finds depends on where it starts.",
    params: &[],
    build: |_| Box::new(Himmelblau),
    model: None,
};

// ---------------------------------------------------------------- booth

pub struct Booth;

impl Objective for Booth {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let u = x + 2.0 * y - 7.0;
        let v = 2.0 * x + y - 5.0;
        u * u + v * v
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let u = x + 2.0 * y - 7.0;
        let v = 2.0 * x + y - 5.0;
        [2.0 * u + 4.0 * v, 4.0 * u + 2.0 * v]
    }
    fn hessian(&self, _: [f64; 2]) -> [[f64; 2]; 2] {
        symmetric(10.0, 8.0, 10.0)
    }
    fn view(&self) -> View {
        square(-10.0, 10.0)
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(1.0, 3.0, 0.0)]
    }
}

pub static BOOTH: FunctionDef = FunctionDef {
    name: "booth",
    title: "Booth",
    formula: "(x + 2y − 7)² + (2x + y − 5)²",
    about: "A tilted quadratic bowl: correlated coordinates, one minimum.",
    params: &[],
    build: |_| Box::new(Booth),
    model: None,
};

// ---------------------------------------------------------------- saddle

pub struct Saddle;

impl Objective for Saddle {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        x * x - y * y
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [2.0 * x, -2.0 * y]
    }
    fn hessian(&self, _: [f64; 2]) -> [[f64; 2]; 2] {
        symmetric(2.0, 0.0, -2.0)
    }
    fn view(&self) -> View {
        square(-2.0, 2.0)
    }
}

pub static SADDLE: FunctionDef = FunctionDef {
    name: "saddle",
    title: "Saddle",
    formula: "x² − y²",
    about: "A saddle point at the origin and no minimum: near y = 0 the gradient barely pushes sideways.",
    params: &[],
    build: |_| Box::new(Saddle),
    model: None,
};

// ---------------------------------------------------------------- matyas

pub struct Matyas;

impl Objective for Matyas {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        0.26 * (x * x + y * y) - 0.48 * x * y
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        [0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x]
    }
    fn hessian(&self, _: [f64; 2]) -> [[f64; 2]; 2] {
        symmetric(0.52, -0.48, 0.52)
    }
    fn view(&self) -> View {
        square(-10.0, 10.0)
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(0.0, 0.0, 0.0)]
    }
}

pub static MATYAS: FunctionDef = FunctionDef {
    name: "matyas",
    title: "Matyas",
    formula: "0.26 (x² + y²) − 0.48 xy",
    about: "A nearly flat diagonal valley: curvature 1.0 across it but only 0.04 along it.",
    params: &[],
    build: |_| Box::new(Matyas),
    model: None,
};

// ---------------------------------------------------------------- three-hump camel

pub struct ThreeHumpCamel;

impl Objective for ThreeHumpCamel {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let x2 = x * x;
        2.0 * x2 - 1.05 * x2 * x2 + x2 * x2 * x2 / 6.0 + x * y + y * y
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let x2 = x * x;
        [4.0 * x - 4.2 * x2 * x + x2 * x2 * x + y, x + 2.0 * y]
    }
    fn hessian(&self, [x, _]: [f64; 2]) -> [[f64; 2]; 2] {
        let x2 = x * x;
        symmetric(4.0 - 12.6 * x2 + 5.0 * x2 * x2, 1.0, 2.0)
    }
    fn view(&self) -> View {
        square(-2.5, 2.5)
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(0.0, 0.0, 0.0)]
    }
}

pub static THREE_HUMP_CAMEL: FunctionDef = FunctionDef {
    name: "three_hump_camel",
    title: "Three-hump camel",
    formula: "2x² − 1.05x⁴ + x⁶/6 + xy + y²",
    about: "One global minimum between two local ones.",
    params: &[],
    build: |_| Box::new(ThreeHumpCamel),
    model: None,
};

// ---------------------------------------------------------------- six-hump camel

pub struct SixHumpCamel;

impl Objective for SixHumpCamel {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let x2 = x * x;
        let y2 = y * y;
        (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let x2 = x * x;
        [
            8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y,
            x - 8.0 * y + 16.0 * y * y * y,
        ]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let x2 = x * x;
        symmetric(8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y)
    }
    fn view(&self) -> View {
        View {
            x: [-3.0, 3.0],
            y: [-2.0, 2.0],
        }
    }
    fn minima(&self) -> Vec<Minimum> {
        let v = -1.0316284534898774;
        vec![
            min(0.08984201310031807, -0.7126564030207396, v),
            min(-0.08984201310031807, 0.7126564030207396, v),
        ]
    }
}

pub static SIX_HUMP_CAMEL: FunctionDef = FunctionDef {
    name: "six_hump_camel",
    title: "Six-hump camel",
    formula: "(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
    about: "Six local minima, two of them global.",
    params: &[],
    build: |_| Box::new(SixHumpCamel),
    model: None,
};

// ---------------------------------------------------------------- goldstein-price

pub struct GoldsteinPrice;

/// The two factors A and B of Goldstein–Price with their first and second
/// partials (second ones as `[xx, xy, yy]`).
struct Factors {
    a: f64,
    da: [f64; 2],
    dda: [f64; 3],
    b: f64,
    db: [f64; 2],
    ddb: [f64; 3],
}

impl GoldsteinPrice {
    fn parts(x: f64, y: f64) -> Factors {
        // A = 1 + u² p with u = x + y + 1: every partial of u is 1, and
        // ∂p/∂x = ∂p/∂y, every second partial of p is 6.
        let u = x + y + 1.0;
        let p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y;
        let dp = -14.0 + 6.0 * x + 6.0 * y;
        let a = 1.0 + u * u * p;
        let da = 2.0 * u * p + u * u * dp;
        let dda = 2.0 * p + 4.0 * u * dp + 6.0 * u * u;
        // B = 30 + v² q with v = 2x − 3y.
        let v = 2.0 * x - 3.0 * y;
        let q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y;
        let qx = -32.0 + 24.0 * x - 36.0 * y;
        let qy = 48.0 - 36.0 * x + 54.0 * y;
        let b = 30.0 + v * v * q;
        let dbx = 4.0 * v * q + v * v * qx;
        let dby = -6.0 * v * q + v * v * qy;
        let ddb = [
            8.0 * q + 8.0 * v * qx + 24.0 * v * v,
            -12.0 * q + 4.0 * v * qy - 6.0 * v * qx - 36.0 * v * v,
            18.0 * q - 12.0 * v * qy + 54.0 * v * v,
        ];
        Factors {
            a,
            da: [da, da],
            dda: [dda; 3],
            b,
            db: [dbx, dby],
            ddb,
        }
    }
}

impl Objective for GoldsteinPrice {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let f = GoldsteinPrice::parts(x, y);
        f.a * f.b
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let Factors { a, da, b, db, .. } = GoldsteinPrice::parts(x, y);
        [da[0] * b + a * db[0], da[1] * b + a * db[1]]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let Factors {
            a,
            da,
            dda,
            b,
            db,
            ddb,
        } = GoldsteinPrice::parts(x, y);
        // (A B)″ = A″ B + A′ B′ᵀ + B′ A′ᵀ + A B″.
        symmetric(
            dda[0] * b + 2.0 * da[0] * db[0] + a * ddb[0],
            dda[1] * b + da[0] * db[1] + da[1] * db[0] + a * ddb[1],
            dda[2] * b + 2.0 * da[1] * db[1] + a * ddb[2],
        )
    }
    fn view(&self) -> View {
        square(-2.0, 2.0)
    }
    fn minima(&self) -> Vec<Minimum> {
        vec![min(0.0, -1.0, 3.0)]
    }
}

pub static GOLDSTEIN_PRICE: FunctionDef = FunctionDef {
    name: "goldstein_price",
    title: "Goldstein–Price",
    formula: "[1 + (x+y+1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] · [30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]",
    about: "Values from 3 to a million in a small square: a test of step-size robustness.",
    params: &[],
    build: |_| Box::new(GoldsteinPrice),
    model: None,
};

// ---------------------------------------------------------------- styblinski-tang

pub struct StyblinskiTang;

impl Objective for StyblinskiTang {
    fn value(&self, [x, y]: [f64; 2]) -> f64 {
        let part = |t: f64| t * t * t * t - 16.0 * t * t + 5.0 * t;
        0.5 * (part(x) + part(y))
    }
    fn grad(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let d = |t: f64| 0.5 * (4.0 * t * t * t - 32.0 * t + 5.0);
        [d(x), d(y)]
    }
    fn hessian(&self, [x, y]: [f64; 2]) -> [[f64; 2]; 2] {
        let dd = |t: f64| 6.0 * t * t - 16.0;
        symmetric(dd(x), 0.0, dd(y))
    }
    fn minima(&self) -> Vec<Minimum> {
        let t = -2.903534027771177;
        vec![min(t, t, -78.33233140754284)]
    }
}

pub static STYBLINSKI_TANG: FunctionDef = FunctionDef {
    name: "styblinski_tang",
    title: "Styblinski–Tang",
    formula: "0.5 (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
    about: "Four basins of different depths: only one holds the global minimum.",
    params: &[],
    build: |_| Box::new(StyblinskiTang),
    model: None,
};
