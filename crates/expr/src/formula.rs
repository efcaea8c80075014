//! Functions typed by a user, `f(x, y)` as text: parsed here (never run as
//! script), compiled once to a flat tape of operations, and evaluated with
//! exact first and second derivatives (forward mode, second order), so a
//! typed function has a true gradient and Hessian like the built-in ones.
//!
//! Where a derivative has a kink the value is torch autograd's, so a typed
//! function and its PyTorch twin agree: `abs` at 0 has slope 0, `max` and
//! `min` at a tie give half to each side, `sqrt` at 0 has an infinite slope.

use std::f64::consts::{E, LN_10, LN_2, PI};

/// The longest expression accepted, in characters.
pub const MAX_LEN: usize = 500;
/// The deepest nesting of parentheses, calls and operators accepted.
pub const MAX_DEPTH: usize = 100;
/// The most parameters an expression may use.
pub const MAX_PARAMS: usize = 8;

/// What is wrong with an expression: the column (1-based, in characters)
/// where it was found, when there is one, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// The 1-based column, in characters, where the problem is; `None` when
    /// it is about the whole expression.
    pub column: Option<usize>,
    /// What is wrong and what to do, without the column.
    pub message: String,
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

fn err<T>(column: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        column: Some(column),
        message: message.into(),
    })
}

/// Functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum F1 {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Log,
    Log2,
    Log10,
    Log1p,
    Expm1,
    Sqrt,
    Cbrt,
    Abs,
}

/// Functions of two arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum F2 {
    Atan2,
    Min,
    Max,
    Hypot,
}

/// The functions a formula may call, as a list for people.
pub const FUNCTIONS: &str = "sin cos tan asin acos atan atan2(y, x) sinh cosh tanh exp log (or ln) log2 log10 log1p expm1 sqrt cbrt abs min(a, b) max(a, b) hypot(a, b)";

const UNARY: &[(&str, F1)] = &[
    ("sin", F1::Sin),
    ("cos", F1::Cos),
    ("tan", F1::Tan),
    ("asin", F1::Asin),
    ("acos", F1::Acos),
    ("atan", F1::Atan),
    ("sinh", F1::Sinh),
    ("cosh", F1::Cosh),
    ("tanh", F1::Tanh),
    ("exp", F1::Exp),
    ("log", F1::Log),
    ("ln", F1::Log),
    ("log2", F1::Log2),
    ("log10", F1::Log10),
    ("log1p", F1::Log1p),
    ("expm1", F1::Expm1),
    ("sqrt", F1::Sqrt),
    ("cbrt", F1::Cbrt),
    ("abs", F1::Abs),
];

const BINARY: &[(&str, F2)] = &[
    ("atan2", F2::Atan2),
    ("min", F2::Min),
    ("max", F2::Max),
    ("hypot", F2::Hypot),
];

impl F1 {
    /// The name it is typed as (`log` for the natural logarithm).
    pub(crate) fn name(self) -> &'static str {
        UNARY
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

impl F2 {
    /// The name it is typed as.
    pub(crate) fn name(self) -> &'static str {
        BINARY
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Whether `name` is a function of the formula language.
pub(crate) fn is_function(name: &str) -> bool {
    UNARY.iter().any(|(n, _)| *n == name) || BINARY.iter().any(|(n, _)| *n == name)
}

/// g(a, b) alone.
pub(crate) fn binary_value(f: F2, a: f64, b: f64) -> f64 {
    binary(f, a, b).0
}

/// Every name that is not a parameter: the variables, the constants and the functions.
fn reserved(name: &str) -> bool {
    matches!(name, "x" | "y" | "pi" | "e")
        || UNARY.iter().any(|(n, _)| *n == name)
        || BINARY.iter().any(|(n, _)| *n == name)
}

/// One operation of the tape; operands are earlier slots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Const(f64),
    X,
    Y,
    Param(usize),
    Neg(usize),
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Div(usize, usize),
    /// A power with a constant exponent.
    Powc(usize, f64),
    Pow(usize, usize),
    Call1(F1, usize),
    Call2(F2, usize, usize),
    /// sign(a): −1, 0 or 1 (an update rule's; a formula has no sign).
    Sign(usize),
    /// A reduction over an update rule's coordinates (never in a formula).
    Reduce(Reduction, usize),
}

/// A reduction of an update rule over all of its coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// The Euclidean norm, √(Σ aᵢ²), summed left to right.
    Norm,
    /// Σ aᵢ, left to right.
    Sum,
    /// Σ aᵢ / n.
    Mean,
}

impl Reduction {
    /// The name it is typed as.
    pub fn name(self) -> &'static str {
        match self {
            Reduction::Norm => "norm",
            Reduction::Sum => "sum",
            Reduction::Mean => "mean",
        }
    }

    fn named(name: &str) -> Option<Reduction> {
        [Reduction::Norm, Reduction::Sum, Reduction::Mean]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// sign(u) as torch's: 1 above 0, −1 below, and 0 otherwise (at ±0, and
/// for NaN, which torch's `(0 < u) − (u < 0)` maps to 0 too).
pub(crate) fn signum(u: f64) -> f64 {
    f64::from(i8::from(u > 0.0) - i8::from(u < 0.0))
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    tape: Vec<Op>,
    /// The parameters, in the order they first appear.
    params: Vec<String>,
}

/// A value with its first and second derivatives in x and y.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Jet {
    /// The value f.
    pub v: f64,
    /// ∂f/∂x.
    pub dx: f64,
    /// ∂f/∂y.
    pub dy: f64,
    /// ∂²f/∂x².
    pub dxx: f64,
    /// ∂²f/∂x∂y.
    pub dxy: f64,
    /// ∂²f/∂y².
    pub dyy: f64,
}

impl Jet {
    fn constant(v: f64) -> Jet {
        Jet {
            v,
            ..Jet::default()
        }
    }

    /// f(u) with f′ = `d1` and f″ = `d2` at u.
    fn chain(u: Jet, v: f64, d1: f64, d2: f64) -> Jet {
        Jet {
            v,
            dx: d1 * u.dx,
            dy: d1 * u.dy,
            dxx: d2 * u.dx * u.dx + d1 * u.dxx,
            dxy: d2 * u.dx * u.dy + d1 * u.dxy,
            dyy: d2 * u.dy * u.dy + d1 * u.dyy,
        }
    }

    /// g(a, b) with first partials `ga`, `gb` and second `gaa`, `gab`, `gbb`.
    fn chain2(a: Jet, b: Jet, v: f64, [ga, gb]: [f64; 2], [gaa, gab, gbb]: [f64; 3]) -> Jet {
        // A zero partial contributes nothing, even against an infinite
        // derivative (0·inf would be NaN); nor does an operand that does not
        // move with x or y (a constant exponent: torch never differentiates
        // it, so log of a negative base never enters).
        let term = |g: f64, p: f64, q: f64| {
            if g == 0.0 || p == 0.0 || q == 0.0 {
                0.0
            } else {
                g * p * q
            }
        };
        let first = |g: f64, d: f64| if g == 0.0 || d == 0.0 { 0.0 } else { g * d };
        let second = |p: (f64, f64), q: (f64, f64)| {
            term(gaa, p.0, q.0) + term(gab, p.0, q.1) + term(gab, p.1, q.0) + term(gbb, p.1, q.1)
        };
        Jet {
            v,
            dx: first(ga, a.dx) + first(gb, b.dx),
            dy: first(ga, a.dy) + first(gb, b.dy),
            dxx: second((a.dx, b.dx), (a.dx, b.dx)) + first(ga, a.dxx) + first(gb, b.dxx),
            dxy: second((a.dx, b.dx), (a.dy, b.dy)) + first(ga, a.dxy) + first(gb, b.dxy),
            dyy: second((a.dy, b.dy), (a.dy, b.dy)) + first(ga, a.dyy) + first(gb, b.dyy),
        }
    }
}

/// u^c as torch computes a power with a constant exponent: the common
/// exponents by multiplication and roots, the rest by `pow`.
pub(crate) fn powc(u: f64, c: f64) -> f64 {
    match c {
        2.0 => u * u,
        3.0 => u * u * u,
        1.0 => u,
        0.5 => u.sqrt(),
        -1.0 => 1.0 / u,
        -2.0 => 1.0 / (u * u),
        _ => libm::pow(u, c),
    }
}

/// f(u) alone, for sampling a surface.
pub(crate) fn unary_value(f: F1, u: f64) -> f64 {
    match f {
        F1::Sin => libm::sin(u),
        F1::Cos => libm::cos(u),
        F1::Tan => libm::tan(u),
        F1::Asin => libm::asin(u),
        F1::Acos => libm::acos(u),
        F1::Atan => libm::atan(u),
        F1::Sinh => libm::sinh(u),
        F1::Cosh => libm::cosh(u),
        F1::Tanh => libm::tanh(u),
        F1::Exp => libm::exp(u),
        F1::Log => libm::log(u),
        F1::Log2 => libm::log2(u),
        F1::Log10 => libm::log10(u),
        F1::Log1p => libm::log1p(u),
        F1::Expm1 => libm::expm1(u),
        // The machine's square root (exactly rounded, libm's bits; libm's
        // own is a routine in software in WebAssembly).
        F1::Sqrt => u.sqrt(),
        F1::Cbrt => libm::cbrt(u),
        F1::Abs => u.abs(),
    }
}

/// f(u), f′(u) and f″(u) of a function of one argument.
fn unary(f: F1, u: f64) -> (f64, f64, f64) {
    match f {
        F1::Sin => (libm::sin(u), libm::cos(u), -libm::sin(u)),
        F1::Cos => (libm::cos(u), -libm::sin(u), -libm::cos(u)),
        F1::Tan => {
            let t = libm::tan(u);
            (t, 1.0 + t * t, 2.0 * t * (1.0 + t * t))
        }
        F1::Asin => {
            let r = 1.0 - u * u;
            (libm::asin(u), 1.0 / r.sqrt(), u / (r * r.sqrt()))
        }
        F1::Acos => {
            let r = 1.0 - u * u;
            (libm::acos(u), -1.0 / r.sqrt(), -u / (r * r.sqrt()))
        }
        F1::Atan => {
            let r = 1.0 + u * u;
            (libm::atan(u), 1.0 / r, -2.0 * u / (r * r))
        }
        F1::Sinh => (libm::sinh(u), libm::cosh(u), libm::sinh(u)),
        F1::Cosh => (libm::cosh(u), libm::sinh(u), libm::cosh(u)),
        F1::Tanh => {
            let t = libm::tanh(u);
            (t, 1.0 - t * t, -2.0 * t * (1.0 - t * t))
        }
        F1::Exp => {
            let e = libm::exp(u);
            (e, e, e)
        }
        F1::Log => (libm::log(u), 1.0 / u, -1.0 / (u * u)),
        F1::Log2 => (libm::log2(u), 1.0 / (u * LN_2), -1.0 / (u * u * LN_2)),
        F1::Log10 => (libm::log10(u), 1.0 / (u * LN_10), -1.0 / (u * u * LN_10)),
        F1::Log1p => {
            let r = 1.0 + u;
            (libm::log1p(u), 1.0 / r, -1.0 / (r * r))
        }
        F1::Expm1 => {
            let e = libm::exp(u);
            (libm::expm1(u), e, e)
        }
        F1::Sqrt => {
            let s = u.sqrt();
            (s, 0.5 / s, -0.25 / (s * u))
        }
        F1::Cbrt => {
            let c = libm::cbrt(u);
            (c, 1.0 / (3.0 * c * c), -2.0 / (9.0 * c * c * c * c * c))
        }
        // torch: the slope of |u| is sign(u), 0 at 0.
        F1::Abs => {
            let s = if u > 0.0 {
                1.0
            } else if u < 0.0 {
                -1.0
            } else {
                0.0
            };
            (u.abs(), s, 0.0)
        }
    }
}

/// g(a, b), its first partials and its second partials (aa, ab, bb).
fn binary(f: F2, a: f64, b: f64) -> (f64, [f64; 2], [f64; 3]) {
    match f {
        // atan2(a, b), a the y and b the x of the angle.
        F2::Atan2 => {
            let r = a * a + b * b;
            let r2 = r * r;
            (
                libm::atan2(a, b),
                [b / r, -a / r],
                [-2.0 * a * b / r2, (a * a - b * b) / r2, 2.0 * a * b / r2],
            )
        }
        // At a tie, torch gives half of the slope to each side.
        F2::Max | F2::Min => {
            let first = if a == b {
                [0.5, 0.5]
            } else if (a > b) == (f == F2::Max) {
                [1.0, 0.0]
            } else {
                [0.0, 1.0]
            };
            let v = if f == F2::Max { a.max(b) } else { a.min(b) };
            (v, first, [0.0; 3])
        }
        F2::Hypot => {
            let h = libm::hypot(a, b);
            let h3 = h * h * h;
            (h, [a / h, b / h], [b * b / h3, -a * b / h3, a * a / h3])
        }
    }
}

impl Expr {
    /// Parses and compiles `text`.
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        Expr::compile(text, None)
    }

    /// Parses and compiles one side of an update rule's line: every name is
    /// one of `names` (its index the parameter's), or a constant; `sign`
    /// and the reductions may be called.
    pub(crate) fn parse_in(text: &str, names: &[String]) -> Result<Expr, ExprError> {
        Expr::compile(text, Some(names))
    }

    fn compile(text: &str, scope: Option<&[String]>) -> Result<Expr, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() > MAX_LEN {
            return Err(ExprError {
                column: None,
                message: format!(
                    "{}is {} characters long; at most {MAX_LEN}",
                    if scope.is_some() {
                        "the formula after '=' "
                    } else {
                        ""
                    },
                    chars.len()
                ),
            });
        }
        let tokens = lex(&chars)?;
        if tokens.is_empty() {
            return Err(ExprError {
                column: None,
                message: match scope {
                    None => "is empty; type a formula in x and y, such as x^2 + 10*y^2".into(),
                    Some(_) => "has nothing after '='; write what the name becomes".into(),
                },
            });
        }
        let mut p = Parser {
            tokens,
            pos: 0,
            depth: 0,
            tape: Vec::new(),
            params: scope.map_or_else(Vec::new, <[String]>::to_vec),
            end: chars.len() + 1,
            scoped: scope.is_some(),
        };
        p.sum()?;
        if let Some(t) = p.tokens.get(p.pos) {
            return match t.kind {
                Tok::Close => err(t.column, "')' without a '(' to close"),
                _ => err(t.column, format!("unexpected {}", t.describe())),
            };
        }
        if !p.scoped && p.params.len() > MAX_PARAMS {
            return Err(ExprError {
                column: None,
                message: format!(
                    "uses {} parameters ({}); at most {MAX_PARAMS}",
                    p.params.len(),
                    p.params.join(", ")
                ),
            });
        }
        Ok(Expr {
            tape: p.tape,
            params: p.params,
        })
    }

    /// The parameters, in the order they first appear.
    pub fn params(&self) -> &[String] {
        &self.params
    }

    /// The compiled operations, each operand an earlier index; the last is f.
    pub(crate) fn tape(&self) -> &[Op] {
        &self.tape
    }

    /// Appends an operation (its operands earlier slots); returns its slot.
    pub(crate) fn push(&mut self, op: Op) -> usize {
        self.tape.push(op);
        self.tape.len() - 1
    }

    /// f at (x, y) with the parameters' values (in [`Expr::params`] order);
    /// `slots` is scratch space, reused between calls.
    #[inline]
    pub fn value_with(&self, slots: &mut Vec<f64>, x: f64, y: f64, params: &[f64]) -> f64 {
        slots.clear();
        for op in &self.tape {
            let v = match *op {
                Op::Const(c) => c,
                Op::X => x,
                Op::Y => y,
                Op::Param(i) => params[i],
                Op::Neg(a) => -slots[a],
                Op::Add(a, b) => slots[a] + slots[b],
                Op::Sub(a, b) => slots[a] - slots[b],
                Op::Mul(a, b) => slots[a] * slots[b],
                Op::Div(a, b) => slots[a] / slots[b],
                Op::Powc(a, c) => powc(slots[a], c),
                Op::Pow(a, b) => libm::pow(slots[a], slots[b]),
                Op::Call1(f, a) => unary_value(f, slots[a]),
                Op::Call2(f, a, b) => binary(f, slots[a], slots[b]).0,
                Op::Sign(a) => signum(slots[a]),
                Op::Reduce(..) => f64::NAN,
            };
            slots.push(v);
        }
        slots.last().copied().unwrap_or(f64::NAN)
    }

    /// f along a row of the plane: at (xs[i], y) into `out[i]`, one pass over
    /// the tape for the whole row, each operation a loop over the points.
    /// `scratch` is reused between calls.
    pub fn value_row(
        &self,
        scratch: &mut Vec<f64>,
        xs: &[f64],
        y: f64,
        params: &[f64],
        out: &mut [f64],
    ) {
        let n = xs.len();
        scratch.clear();
        scratch.resize(self.tape.len() * n, 0.0);
        for (i, op) in self.tape.iter().enumerate() {
            let (done, rest) = scratch.split_at_mut(i * n);
            let dst = &mut rest[..n];
            let slot = |k: usize| &done[k * n..(k + 1) * n];
            match *op {
                Op::Const(c) => dst.fill(c),
                Op::X => dst.copy_from_slice(xs),
                Op::Y => dst.fill(y),
                Op::Param(k) => dst.fill(params[k]),
                Op::Neg(a) => dst.iter_mut().zip(slot(a)).for_each(|(d, a)| *d = -a),
                Op::Add(a, b) => each2(dst, slot(a), slot(b), |a, b| a + b),
                Op::Sub(a, b) => each2(dst, slot(a), slot(b), |a, b| a - b),
                Op::Mul(a, b) => each2(dst, slot(a), slot(b), |a, b| a * b),
                Op::Div(a, b) => each2(dst, slot(a), slot(b), |a, b| a / b),
                Op::Powc(a, c) => dst
                    .iter_mut()
                    .zip(slot(a))
                    .for_each(|(d, a)| *d = powc(*a, c)),
                Op::Pow(a, b) => each2(dst, slot(a), slot(b), libm::pow),
                Op::Call1(f, a) => dst
                    .iter_mut()
                    .zip(slot(a))
                    .for_each(|(d, a)| *d = unary_value(f, *a)),
                Op::Call2(f, a, b) => each2(dst, slot(a), slot(b), |a, b| binary(f, a, b).0),
                Op::Sign(a) => dst
                    .iter_mut()
                    .zip(slot(a))
                    .for_each(|(d, a)| *d = signum(*a)),
                Op::Reduce(..) => dst.fill(f64::NAN),
            }
        }
        match self.tape.len() {
            0 => out.fill(f64::NAN),
            len => out.copy_from_slice(&scratch[(len - 1) * n..len * n]),
        }
    }

    /// f at (x, y).
    pub fn value(&self, x: f64, y: f64, params: &[f64]) -> f64 {
        self.value_with(&mut Vec::with_capacity(self.tape.len()), x, y, params)
    }

    /// f with its gradient and Hessian at (x, y).
    pub fn jet(&self, x: f64, y: f64, params: &[f64]) -> Jet {
        let mut slots: Vec<Jet> = Vec::with_capacity(self.tape.len());
        for op in &self.tape {
            let j = match *op {
                Op::Const(c) => Jet::constant(c),
                Op::X => Jet {
                    v: x,
                    dx: 1.0,
                    ..Jet::default()
                },
                Op::Y => Jet {
                    v: y,
                    dy: 1.0,
                    ..Jet::default()
                },
                Op::Param(i) => Jet::constant(params[i]),
                Op::Neg(a) => {
                    let u = slots[a];
                    Jet {
                        v: -u.v,
                        dx: -u.dx,
                        dy: -u.dy,
                        dxx: -u.dxx,
                        dxy: -u.dxy,
                        dyy: -u.dyy,
                    }
                }
                Op::Add(a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    Jet::chain2(a, b, a.v + b.v, [1.0, 1.0], [0.0; 3])
                }
                Op::Sub(a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    Jet::chain2(a, b, a.v - b.v, [1.0, -1.0], [0.0; 3])
                }
                Op::Mul(a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    Jet::chain2(a, b, a.v * b.v, [b.v, a.v], [0.0, 1.0, 0.0])
                }
                Op::Div(a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    let inv = 1.0 / b.v;
                    Jet::chain2(
                        a,
                        b,
                        a.v / b.v,
                        [inv, -a.v * inv * inv],
                        [0.0, -inv * inv, 2.0 * a.v * inv * inv * inv],
                    )
                }
                Op::Powc(a, c) => {
                    let u = slots[a];
                    // torch's slope of u^c is c·u^(c−1) (0 for c = 0).
                    let d1 = if c == 0.0 {
                        0.0
                    } else {
                        c * powc(u.v, c - 1.0)
                    };
                    let d2 = if c == 0.0 || c == 1.0 {
                        0.0
                    } else {
                        c * (c - 1.0) * powc(u.v, c - 2.0)
                    };
                    Jet::chain(u, powc(u.v, c), d1, d2)
                }
                Op::Pow(a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    let v = libm::pow(a.v, b.v);
                    let ln = libm::log(a.v);
                    // torch masks the exponent's slope where the base is 0.
                    let zero = a.v == 0.0 && b.v >= 0.0;
                    let gb = if zero { 0.0 } else { v * ln };
                    let gbb = if zero { 0.0 } else { v * ln * ln };
                    let gab = if zero {
                        0.0
                    } else {
                        libm::pow(a.v, b.v - 1.0) * (1.0 + b.v * ln)
                    };
                    Jet::chain2(
                        a,
                        b,
                        v,
                        [b.v * libm::pow(a.v, b.v - 1.0), gb],
                        [b.v * (b.v - 1.0) * libm::pow(a.v, b.v - 2.0), gab, gbb],
                    )
                }
                Op::Call1(f, a) => {
                    let u = slots[a];
                    let (v, d1, d2) = unary(f, u.v);
                    Jet::chain(u, v, d1, d2)
                }
                Op::Call2(f, a, b) => {
                    let (a, b) = (slots[a], slots[b]);
                    let (v, g, h) = binary(f, a.v, b.v);
                    Jet::chain2(a, b, v, g, h)
                }
                // torch: sign has slope 0 everywhere.
                Op::Sign(a) => Jet::constant(signum(slots[a].v)),
                Op::Reduce(..) => Jet::constant(f64::NAN),
            };
            slots.push(j);
        }
        slots.last().copied().unwrap_or_default()
    }
}

/// `dst[i] = f(a[i], b[i])`.
fn each2(dst: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    for ((d, a), b) in dst.iter_mut().zip(a).zip(b) {
        *d = f(*a, *b);
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Open,
    Close,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    column: usize,
    /// The text it was read from.
    text: String,
}

impl Token {
    fn describe(&self) -> String {
        match self.kind {
            Tok::Num(_) => format!("number {}", self.text),
            Tok::Name(_) => format!("name '{}'", self.text),
            _ => format!("'{}'", self.text),
        }
    }
}

fn lex(chars: &[char]) -> Result<Vec<Token>, ExprError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent: e or E, a sign, digits.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let value: f64 = text
                .parse()
                .or_else(|_| err(column, format!("{text} is not a number")))?;
            if !value.is_finite() {
                return err(
                    column,
                    format!("{text} is too large for a float (at most about 1.8e308)"),
                );
            }
            out.push(Token {
                kind: Tok::Num(value),
                column,
                text,
            });
            continue;
        }
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token {
                kind: Tok::Name(text.clone()),
                column,
                text,
            });
            continue;
        }
        let kind = match c {
            '+' => Tok::Plus,
            '-' | '−' => Tok::Minus,
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                Tok::Caret
            }
            '*' | '·' | '×' => Tok::Star,
            '/' => Tok::Slash,
            '^' => Tok::Caret,
            '(' => Tok::Open,
            ')' => Tok::Close,
            ',' => Tok::Comma,
            _ => {
                return err(
                    column,
                    format!(
                        "'{c}' is not part of a formula; use numbers, x, y, + - * / ^, parentheses and functions such as sin( )"
                    ),
                )
            }
        };
        let text = if kind == Tok::Caret && c == '*' {
            "**".to_string()
        } else {
            c.to_string()
        };
        out.push(Token { kind, column, text });
        i += 1;
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    tape: Vec<Op>,
    params: Vec<String>,
    /// The column just past the end, for "expected … at the end".
    end: usize,
    /// Whether the names are an update rule's, given beforehand in
    /// `params` (an unknown one is an error), rather than a formula's.
    scoped: bool,
}

/// The closest known function name to `name`, when one is near.
fn suggest(name: &str) -> Option<&'static str> {
    let names = UNARY
        .iter()
        .map(|(n, _)| *n)
        .chain(BINARY.iter().map(|(n, _)| *n));
    names
        .map(|n| (distance(name, n), n))
        .filter(|(d, n)| *d <= 1 + n.len() / 4)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn emit(&mut self, op: Op) -> usize {
        self.tape.push(op);
        self.tape.len() - 1
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end, |t| t.column)
    }

    /// One level deeper; refused past [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(
                self.column(),
                format!("nested deeper than {MAX_DEPTH} levels"),
            );
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<usize, ExprError> {
        let mut left = self.term()?;
        while let Some(kind) = self.peek().map(|t| t.kind.clone()) {
            let op = match kind {
                Tok::Plus => Op::Add as fn(usize, usize) -> Op,
                Tok::Minus => Op::Sub,
                _ => break,
            };
            self.pos += 1;
            let right = self.term()?;
            left = self.emit(op(left, right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<usize, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().map(|t| &t.kind) {
                Some(Tok::Star) => Op::Mul as fn(usize, usize) -> Op,
                Some(Tok::Slash) => Op::Div,
                // An operand right after another: a product written without '*'.
                Some(Tok::Num(_) | Tok::Name(_) | Tok::Open) => {
                    let t = self.peek().expect("peeked");
                    let prev = &self.tokens[self.pos - 1];
                    return err(
                        t.column,
                        format!("write {}*{} for a product", prev.text, t.text),
                    );
                }
                _ => break,
            };
            self.pos += 1;
            let right = self.unary()?;
            left = self.emit(op(left, right));
        }
        Ok(left)
    }

    /// A unary minus binds looser than ^: −x^2 is −(x^2).
    fn unary(&mut self) -> Result<usize, ExprError> {
        let negate = match self.peek().map(|t| &t.kind) {
            Some(Tok::Minus) => true,
            Some(Tok::Plus) => false,
            _ => return self.power(),
        };
        self.pos += 1;
        let u = self.nested(Self::unary)?;
        Ok(if negate { self.emit(Op::Neg(u)) } else { u })
    }

    /// `inner` one nesting level deeper (a parenthesis, a call's argument,
    /// a sign, an exponent); refused past [`MAX_DEPTH`].
    fn nested(
        &mut self,
        inner: fn(&mut Self) -> Result<usize, ExprError>,
    ) -> Result<usize, ExprError> {
        self.enter()?;
        let out = inner(self)?;
        self.depth -= 1;
        Ok(out)
    }

    /// Right-associative: 2^3^2 is 2^(3^2); the exponent may carry a sign.
    fn power(&mut self) -> Result<usize, ExprError> {
        let base = self.primary()?;
        if self.peek().map(|t| &t.kind) != Some(&Tok::Caret) {
            return Ok(base);
        }
        self.pos += 1;
        let exponent = self.nested(Self::unary)?;
        // A constant exponent, negative ones included (`x^-2`), is a constant
        // power, as torch takes a Python number.
        let constant = match self.tape[exponent] {
            Op::Const(c) => Some(c),
            Op::Neg(k) => match self.tape[k] {
                Op::Const(c) => Some(-c),
                _ => None,
            },
            _ => None,
        };
        Ok(match constant {
            Some(c) => self.emit(Op::Powc(base, c)),
            None => self.emit(Op::Pow(base, exponent)),
        })
    }

    fn primary(&mut self) -> Result<usize, ExprError> {
        let Some(t) = self.peek().cloned() else {
            return err(
                self.end,
                "the formula ends too soon: expected a number, x, y or a function",
            );
        };
        self.pos += 1;
        match t.kind {
            Tok::Num(v) => Ok(self.emit(Op::Const(v))),
            Tok::Open => {
                let inner = self.nested(Self::sum)?;
                self.close(t.column)?;
                Ok(inner)
            }
            Tok::Name(name) => self.name(&name, t.column),
            Tok::Close => err(
                t.column,
                "')' where a number, x, y or a function was expected",
            ),
            _ => err(
                t.column,
                format!(
                    "{} where a number, x, y or a function was expected",
                    t.describe()
                ),
            ),
        }
    }

    fn close(&mut self, open: usize) -> Result<(), ExprError> {
        match self.peek().map(|t| &t.kind) {
            Some(Tok::Close) => {
                self.pos += 1;
                Ok(())
            }
            _ => err(
                self.column(),
                format!("expected ')' to close the '(' at column {open}"),
            ),
        }
    }

    fn name(&mut self, name: &str, column: usize) -> Result<usize, ExprError> {
        let call = self.peek().map(|t| &t.kind) == Some(&Tok::Open);
        let f1 = UNARY.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
        let f2 = BINARY.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
        if !call && self.scoped {
            return match name {
                "pi" => Ok(self.emit(Op::Const(PI))),
                "e" => Ok(self.emit(Op::Const(E))),
                _ => match self.params.iter().position(|p| p == name) {
                    Some(i) => Ok(self.emit(Op::Param(i))),
                    None if f1.is_some() || f2.is_some() || Self::rule_function(name) => {
                        err(column, format!("{name} is a function; write {name}( )"))
                    }
                    None => err(column, self.unknown_name(name)),
                },
            };
        }
        if !call {
            return match name {
                "x" => Ok(self.emit(Op::X)),
                "y" => Ok(self.emit(Op::Y)),
                "pi" => Ok(self.emit(Op::Const(PI))),
                "e" => Ok(self.emit(Op::Const(E))),
                _ if f1.is_some() || f2.is_some() => {
                    err(column, format!("{name} is a function; write {name}( )"))
                }
                _ => {
                    let i = match self.params.iter().position(|p| p == name) {
                        Some(i) => i,
                        None => {
                            self.params.push(name.to_string());
                            self.params.len() - 1
                        }
                    };
                    Ok(self.emit(Op::Param(i)))
                }
            };
        }
        let open = self.peek().map_or(column, |t| t.column);
        self.pos += 1;
        let special = self.scoped && Self::rule_function(name);
        let wanted = match (f1, f2) {
            (Some(_), _) => 1,
            (_, Some(_)) => 2,
            _ if special => 1,
            _ if self.scoped && self.params.iter().any(|p| p == name) => {
                return err(column, format!("write {name}*( ) for a product"));
            }
            _ if reserved(name) => {
                return err(column, format!("write {name}*( ) for a product"));
            }
            _ => {
                return err(
                    column,
                    match suggest(name) {
                        Some(s) => format!("unknown function '{name}'; did you mean '{s}'?"),
                        None => format!(
                            "unknown function '{name}'; the functions are {}",
                            UNARY
                                .iter()
                                .map(|(n, _)| *n)
                                .chain(BINARY.iter().map(|(n, _)| *n))
                                .chain(
                                    ["sign", "norm", "sum", "mean"]
                                        .into_iter()
                                        .filter(|_| self.scoped)
                                )
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    },
                );
            }
        };
        let mut args = Vec::new();
        if self.peek().map(|t| &t.kind) != Some(&Tok::Close) {
            loop {
                args.push(self.nested(Self::sum)?);
                if self.peek().map(|t| &t.kind) == Some(&Tok::Comma) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        self.close(open)?;
        if args.len() != wanted {
            let plural = if wanted == 1 { "" } else { "s" };
            return err(
                column,
                format!("{name} takes {wanted} argument{plural}, got {}", args.len()),
            );
        }
        Ok(match (f1, f2) {
            (Some(f), _) => self.emit(Op::Call1(f, args[0])),
            (_, Some(f)) => self.emit(Op::Call2(f, args[0], args[1])),
            _ => match Reduction::named(name) {
                Some(r) => self.emit(Op::Reduce(r, args[0])),
                None => self.emit(Op::Sign(args[0])),
            },
        })
    }

    /// An update rule's own functions: `sign` and the reductions.
    fn rule_function(name: &str) -> bool {
        name == "sign" || Reduction::named(name).is_some()
    }

    /// What to say of a name an update rule does not know.
    fn unknown_name(&self, name: &str) -> String {
        let near = self
            .params
            .iter()
            .map(|n| (distance(name, n), n))
            .filter(|(d, n)| *d <= 1 + n.len() / 4)
            .min_by_key(|(d, _)| *d);
        match (near, name) {
            (_, "x" | "y") => format!(
                "unknown name '{name}'; the point's coordinates are theta, one at a time"
            ),
            (Some((_, n)), _) if name.len() > 1 => {
                format!("unknown name '{name}'; did you mean '{n}'?")
            }
            _ => format!(
                "unknown name '{name}'; the names are {}, pi and e (declare a number under \"hyper\" or a variable under \"state\")",
                self.params.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_exponent_below_zero_has_a_finite_slope_for_a_negative_base() {
        for text in ["x^-2", "x^(-2)", "x^a", "x**-3"] {
            let e = Expr::parse(text).unwrap();
            let params = vec![-2.0; e.params().len()];
            let j = e.jet(-1.5, 0.5, &params);
            assert!(j.dx.is_finite() && j.dxx.is_finite(), "{text}: {j:?}");
            assert_eq!((j.dy, j.dxy, j.dyy), (0.0, 0.0, 0.0), "{text}");
        }
        // d/dx x^-2 = -2 x^-3 at -1.5.
        let j = Expr::parse("x^-2").unwrap().jet(-1.5, 0.0, &[]);
        assert!((j.dx - (-2.0 / (-1.5f64).powi(3))).abs() < 1e-15);
        assert_eq!(j.v, 1.0 / (1.5 * 1.5));
    }

    #[test]
    fn the_list_for_people_names_every_function() {
        let words: Vec<&str> = FUNCTIONS
            .split(|c: char| !c.is_ascii_alphanumeric())
            .collect();
        let names = UNARY
            .iter()
            .map(|(n, _)| n)
            .chain(BINARY.iter().map(|(n, _)| n));
        for name in names {
            assert!(words.contains(name), "{name}");
        }
    }

    fn message(text: &str) -> String {
        Expr::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn bad_formulas_name_the_column_and_what_to_do() {
        assert_eq!(
            message("sin(x + (y"),
            "column 11: expected ')' to close the '(' at column 9"
        );
        assert_eq!(
            message("sinn(x)"),
            "column 1: unknown function 'sinn'; did you mean 'sin'?"
        );
        assert_eq!(message("2x"), "column 2: write 2*x for a product");
        assert_eq!(
            message("   "),
            "is empty; type a formula in x and y, such as x^2 + 10*y^2"
        );
        assert_eq!(
            message("1e999*x"),
            "column 1: 1e999 is too large for a float (at most about 1.8e308)"
        );
        assert_eq!(
            message("atan2(y)"),
            "column 1: atan2 takes 2 arguments, got 1"
        );
        assert_eq!(
            message("x +"),
            "column 4: the formula ends too soon: expected a number, x, y or a function"
        );
        assert_eq!(message("x)"), "column 2: ')' without a '(' to close");
        assert!(message("x $ y").starts_with("column 3: '$' is not part of a formula"));
        assert_eq!(
            message("sin + x"),
            "column 1: sin is a function; write sin( )"
        );
        assert!(message(&"x+".repeat(300)).starts_with("is 600 characters long; at most 500"));
        assert_eq!(
            message("a*x+b*y+c+d+f+g+h+k+m"),
            "uses 9 parameters (a, b, c, d, f, g, h, k, m); at most 8"
        );
    }

    #[test]
    fn any_depth_is_refused_without_overflowing_the_stack() {
        for depth in [101, 249] {
            let text = format!("{}x{}", "(".repeat(depth), ")".repeat(depth));
            assert!(
                message(&text).contains("nested deeper than 100 levels"),
                "{depth}"
            );
            let minus = format!("{}x", "-".repeat(depth));
            assert!(message(&minus).contains("nested deeper than 100 levels"));
            let calls = format!(
                "{}x{}",
                "ln(".repeat(depth.min(124)),
                ")".repeat(depth.min(124))
            );
            assert!(message(&calls).contains("nested deeper than 100 levels"));
            let powers = format!("x{}", "^x".repeat(depth));
            assert!(message(&powers).contains("nested deeper than 100 levels"));
        }
        for ok in [
            format!("{}x{}", "(".repeat(100), ")".repeat(100)),
            format!("{}x{}", "ln(".repeat(100), ")".repeat(100)),
            format!("{}x", "-".repeat(100)),
        ] {
            assert!(Expr::parse(&ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn precedence_and_associativity() {
        let v = |t: &str| Expr::parse(t).unwrap().value(2.0, 3.0, &[]);
        assert_eq!(v("-x^2"), -4.0);
        assert_eq!(v("2^3^2"), 512.0);
        assert_eq!(v("x**3"), 8.0);
        assert_eq!(v("2^-1"), 0.5);
        assert_eq!(v("x - y - 1"), -2.0);
        assert_eq!(v("x / y * 3"), 2.0);
        assert_eq!(v("ln(e) + log(e)"), 2.0);
        assert_eq!(v("max(x, y) + min(x, y) + hypot(3, 4)"), 10.0);
        assert!((v("atan2(y, x)") - (3.0f64).atan2(2.0)).abs() < 1e-15);
    }

    #[test]
    fn a_row_is_the_values_point_by_point() {
        let e = Expr::parse("(1 - x)^2 + a*(y - x^2)^2 + sin(x*y) + max(x, y)^3").unwrap();
        let xs: Vec<f64> = (0..37).map(|i| -2.0 + 0.11 * i as f64).collect();
        let mut out = vec![0.0; xs.len()];
        e.value_row(&mut Vec::new(), &xs, 0.7, &[100.0], &mut out);
        for (x, v) in xs.iter().zip(&out) {
            assert_eq!(*v, e.value(*x, 0.7, &[100.0]));
        }
    }

    #[test]
    fn parameters_are_other_names_in_order_of_first_use() {
        let e = Expr::parse("b*x^2 + a_1*y^2 + b").unwrap();
        assert_eq!(e.params(), ["b", "a_1"]);
        assert_eq!(e.value(1.0, 2.0, &[10.0, 1.0]), 24.0);
    }

    /// The gradient and Hessian against central differences of the value
    /// and of the gradient.
    #[test]
    fn derivatives_match_finite_differences() {
        let texts = [
            "(1 - x)^2 + 100*(y - x^2)^2",
            "sin(x)*cos(y) + tan(x/3) + asin(y/4) + acos(x/5) + atan(x*y)",
            "sinh(x/2) + cosh(y/3) + tanh(x*y) + exp(x - y) + log(x^2 + 1) + log2(y^2 + 2)",
            "log10(x^2 + 3) + log1p(y^2) + expm1(x/4) + sqrt(x^2 + y^2 + 1) + cbrt(x + 5)",
            "x^y + atan2(y, x) + hypot(x, y) + x/y",
            "abs(x - 0.3) + max(x, y) + min(x*y, 1)",
        ];
        let h = 1e-5;
        for text in texts {
            let e = Expr::parse(text).unwrap();
            for &(x, y) in &[(1.1, 0.7), (0.45, 1.9), (1.7, -0.6)] {
                let j = e.jet(x, y, &[]);
                assert_eq!(j.v, e.value(x, y, &[]));
                let fx = (e.value(x + h, y, &[]) - e.value(x - h, y, &[])) / (2.0 * h);
                let fy = (e.value(x, y + h, &[]) - e.value(x, y - h, &[])) / (2.0 * h);
                let gx = |x, y| e.jet(x, y, &[]).dx;
                let gy = |x, y| e.jet(x, y, &[]).dy;
                let fxx = (gx(x + h, y) - gx(x - h, y)) / (2.0 * h);
                let fxy = (gx(x, y + h) - gx(x, y - h)) / (2.0 * h);
                let fyy = (gy(x, y + h) - gy(x, y - h)) / (2.0 * h);
                for (got, want, what) in [
                    (j.dx, fx, "dx"),
                    (j.dy, fy, "dy"),
                    (j.dxx, fxx, "dxx"),
                    (j.dxy, fxy, "dxy"),
                    (j.dyy, fyy, "dyy"),
                ] {
                    assert!(
                        (got - want).abs() <= 1e-5 * want.abs().max(1.0),
                        "{text} at ({x}, {y}): {what} {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn kinks_take_torchs_values() {
        let j = |t: &str, x, y| Expr::parse(t).unwrap().jet(x, y, &[]);
        assert_eq!(j("abs(x)", 0.0, 0.0).dx, 0.0);
        let tie = j("max(x, y)", 1.0, 1.0);
        assert_eq!((tie.dx, tie.dy), (0.5, 0.5));
        let tie = j("min(x, y)", 1.0, 1.0);
        assert_eq!((tie.dx, tie.dy), (0.5, 0.5));
        assert_eq!(j("sqrt(x)", 0.0, 0.0).dx, f64::INFINITY);
        // x^2 at 0: slope 0, curvature 2.
        let sq = j("x^2", 0.0, 0.0);
        assert_eq!((sq.dx, sq.dxx), (0.0, 2.0));
    }

    /// The PyTorch runs of typed functions (tests/data/reference2/custom-*.json):
    /// value, gradient and Hessian at each point, through the tape.
    #[test]
    fn typed_functions_match_torch_autograd() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/reference2");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("custom") {
                continue;
            }
            let case: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let f = &case["experiment"]["function"];
            let e = Expr::parse(f["expr"].as_str().unwrap()).unwrap();
            let params: Vec<f64> = e
                .params()
                .iter()
                .map(|p| f["params"][p.as_str()].as_f64().unwrap_or(1.0))
                .collect();
            let number = |v: &serde_json::Value| v.as_f64().unwrap();
            for d in case["reference"]["derivatives"].as_array().unwrap() {
                let p: Vec<f64> = serde_json::from_value(d["point"].clone()).unwrap();
                let j = e.jet(p[0], p[1], &params);
                let (g, h) = (&d["gradient"], &d["hessian"]);
                // The value, the gradient and the Hessian, each an entry of
                // its own (a number of a list is held to the list's size).
                let want = [
                    (vec![j.v], vec![number(&d["value"])]),
                    (vec![j.dx, j.dy], vec![number(&g[0]), number(&g[1])]),
                    (
                        vec![j.dxx, j.dxy, j.dxy, j.dyy],
                        [&h[0][0], &h[0][1], &h[1][0], &h[1][1]]
                            .map(number)
                            .to_vec(),
                    ),
                ];
                for (got, w) in want {
                    assert!(
                        crate::tolerance::close_entry(&got, &w),
                        "{name} at {p:?}: {got:?} vs {w:?}"
                    );
                }
            }
            seen += 1;
        }
        assert!(seen >= 6, "custom cases: {seen}");
    }
}
