//! `torch.optim.Muon` (torch 2.15): a momentum average of each weight
//! matrix's gradient, orthogonalized by a Newton–Schulz iteration before it
//! is taken, with decoupled weight decay and a learning rate scaled by the
//! matrix's shape.
//!
//! torch runs the Newton–Schulz iteration in bfloat16 on the CPU, so the
//! update it takes is a bfloat16 matrix: [`newton_schulz`] reproduces that
//! arithmetic bit for bit (each product, sum and rounding as torch's CPU
//! kernels make them), and the float64 parameters then move by it exactly as
//! torch moves them.
//!
//! On a surface θ is the 1 × 2 matrix `[[x, y]]` (a point of n parameters,
//! the 1 × n matrix). In a network Muon steps every weight matrix, each with
//! its own momentum buffer, iteration and learning-rate scale; every other
//! tensor (biases, batch norm's weight and bias) is stepped by the optimizer
//! given under `others` (AdamW by default) at its own constant learning rate,
//! as torch's documentation pairs the two.

use crate::hyper::{Hyper, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin, Wraps};
use crate::optimizer::{Optimizer, Params, Shape, State, UPDATE_WORK};
use half::bf16;
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// How the learning rate is scaled for a matrix of `rows` × `cols`
/// (torch's `adjust_lr_fn`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum AdjustLr {
    /// √max(1, rows/cols): Keller Jordan's original (torch's default).
    Original,
    /// 0.2·√max(rows, cols): Moonshot's, to match AdamW's update RMS.
    MatchRmsAdamw,
    /// √(rows/cols): Bernstein's, unclamped.
    SpectralUnclamped,
}

impl AdjustLr {
    fn new(name: Option<&str>) -> AdjustLr {
        match name {
            Some("match_rms_adamw") => AdjustLr::MatchRmsAdamw,
            Some("spectral_unclamped") => AdjustLr::SpectralUnclamped,
            _ => AdjustLr::Original,
        }
    }

    /// The factor on the learning rate, as torch computes it in float64.
    fn ratio(self, rows: usize, cols: usize) -> f64 {
        let (a, b) = (rows as f64, cols as f64);
        match self {
            AdjustLr::Original => f64::max(1.0, a / b).sqrt(),
            AdjustLr::MatchRmsAdamw => 0.2 * f64::max(a, b).sqrt(),
            AdjustLr::SpectralUnclamped => (a / b).sqrt(),
        }
    }
}

/// One matrix Muon steps: where it starts in the flat parameters and in
/// the matrices' own vectors (momentum buffer, inspector values), and its
/// shape as torch holds it (rows × cols, row-major).
#[derive(Debug, Clone, Copy)]
struct Matrix {
    at: usize,
    own: usize,
    rows: usize,
    cols: usize,
}

/// The optimizer that steps every tensor that is not a matrix, and where
/// those tensors lie in the flat parameters.
struct Others {
    /// (start, length) of each vector tensor, in `model.parameters()` order.
    spans: Vec<(usize, usize)>,
    /// Its own constant learning rate.
    lr: f64,
    opt: Box<dyn Optimizer<Vec<f64>>>,
    /// Its tensors' parameters and gradient gathered end to end, kept
    /// between steps only so that a step allocates nothing.
    params: Vec<f64>,
    grad: Vec<f64>,
}

/// `torch.optim.Muon`'s state over the matrices of a flat parameter vector,
/// and the optimizer beside it that steps the rest.
pub struct Muon {
    momentum: f64,
    weight_decay: f64,
    nesterov: bool,
    coefficients: [f64; 3],
    eps: f64,
    ns_steps: u32,
    adjust: AdjustLr,
    matrices: Vec<Matrix>,
    others: Option<Others>,
    stepped: bool,
    /// Every matrix's `momentum_buffer`, end to end in the matrices' order.
    buf: Vec<f64>,
    /// The last step's blend of gradient and momentum that went into the
    /// iteration, and the bfloat16 matrix that came out (as float64), over
    /// the matrices end to end: what the inspector shows.
    before: Vec<f64>,
    after: Vec<f64>,
    work: Work,
}

impl Muon {
    fn new(h: &Hyper, shapes: &[Shape]) -> Muon {
        let mut matrices = Vec::new();
        let mut spans = Vec::new();
        let mut vectors = Vec::new();
        let (mut at, mut own) = (0, 0);
        if let [Shape::Vector(n)] = shapes {
            // A point: the 1 × n matrix, as the reference holds θ.
            matrices.push(Matrix {
                at: 0,
                own: 0,
                rows: 1,
                cols: *n,
            });
            own = *n;
        } else {
            for &shape in shapes {
                match shape {
                    Shape::Matrix(rows, cols) => {
                        matrices.push(Matrix {
                            at,
                            own,
                            rows,
                            cols,
                        });
                        own += rows * cols;
                    }
                    Shape::Vector(n) => {
                        spans.push((at, n));
                        vectors.push(shape);
                    }
                }
                at += shape.len();
            }
        }
        let others = (!spans.is_empty()).then(|| {
            let inner = h.inner();
            let n = Shape::total(&vectors);
            Others {
                spans,
                lr: inner.lr.unwrap_or(inner.def.default_lr),
                opt: inner.build_many(&vectors),
                params: vec![0.0; n],
                grad: vec![0.0; n],
            }
        });
        Muon {
            momentum: h.num("momentum"),
            weight_decay: h.num("weight_decay"),
            nesterov: h.flag("nesterov"),
            coefficients: h.triple("ns_coefficients"),
            eps: h.num("eps"),
            ns_steps: h.count("ns_steps").expect("ns_steps is a whole number"),
            adjust: AdjustLr::new(h.choice("adjust_lr_fn")),
            matrices,
            others,
            stepped: false,
            buf: vec![0.0; own],
            before: vec![0.0; own],
            after: vec![0.0; own],
            work: Work::default(),
        }
    }
}

/// torch's `lerp` on float64 tensors: from the nearer end, fused
/// (`a + w(b − a)` for |w| < 0.5, else `b − (1 − w)(b − a)`, each one
/// rounding).
fn lerp_fused(a: f64, b: f64, w: f64) -> f64 {
    if w.abs() < 0.5 {
        (b - a).mul_add(w, a)
    } else {
        (b - a).mul_add(w - 1.0, b)
    }
}

impl<V: Params> Optimizer<V> for Muon {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        self.stepped = true;
        let p = params.as_mut();
        let g = grad.as_ref();
        let decay = 1.0 - lr * self.weight_decay;
        for m in &self.matrices {
            let n = m.rows * m.cols;
            let (p, g) = (&mut p[m.at..m.at + n], &g[m.at..m.at + n]);
            let own = m.own..m.own + n;
            let (buf, before) = (&mut self.buf[own.clone()], &mut self.before[own.clone()]);
            for i in 0..n {
                buf[i] = lerp_fused(buf[i], g[i], 1.0 - self.momentum);
                before[i] = if self.nesterov {
                    lerp_fused(g[i], buf[i], self.momentum)
                } else {
                    buf[i]
                };
            }
            let after = &mut self.after[own];
            self.work.run(
                before,
                (m.rows, m.cols),
                self.coefficients,
                self.ns_steps,
                self.eps,
                after,
            );
            let step = -(lr * self.adjust.ratio(m.rows, m.cols));
            for (p, u) in p.iter_mut().zip(after.iter()) {
                *p *= decay;
                // torch adds the bfloat16 update with one fused multiply-add.
                *p = step.mul_add(*u, *p);
            }
        }
        if let Some(o) = &mut self.others {
            gather(&o.spans, p, &mut o.params);
            gather(&o.spans, g, &mut o.grad);
            o.opt.step(&mut o.params, &o.grad, o.lr);
            let mut k = 0;
            for &(at, n) in &o.spans {
                p[at..at + n].copy_from_slice(&o.params[k..k + n]);
                k += n;
            }
        }
    }

    /// torch keeps `momentum_buffer` per matrix: here the matrices' buffers
    /// end to end, in their order (a point's is its one matrix). In a
    /// network the other optimizer's state follows, each key prefixed
    /// `others.` and its vectors over the non-matrix tensors end to end.
    fn state(&self) -> State {
        let mut s = State::default();
        if self.stepped {
            s = s.vector("momentum_buffer", &self.buf);
        }
        if let Some(o) = &self.others {
            for (key, value) in o.opt.state().0 {
                s.0.push((others_key(&key), value));
            }
        }
        s
    }

    /// The last step's `update_before` (the gradient blended with the
    /// momentum buffer, what enters Newton–Schulz) and `orthogonalized`
    /// (the bfloat16 matrix it gives), over the matrices end to end.
    fn inside(&self) -> State {
        if !self.stepped {
            return State::default();
        }
        State::default()
            .vector("update_before", &self.before)
            .vector("orthogonalized", &self.after)
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.momentum)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.momentum = momentum;
    }

    /// Each matrix's iteration: ns_steps steps of 2r²c + r³ multiply-adds
    /// (r ≤ c its sides), each an emulated bfloat16 one worth [`NS_WORK`]
    /// plain ones, plus a fixed cost a step; then the passes over its
    /// entries (momentum, conversions, norm, the update) and a fixed cost a
    /// matrix; and the other optimizer's own work over its tensors. The
    /// costs are measured against Adam's step ([`UPDATE_WORK`] a parameter).
    fn run_work(&self, n: usize, steps: u32) -> f64 {
        let mut per_step = 0.0;
        for m in &self.matrices {
            let r = m.rows.min(m.cols) as f64;
            let c = m.rows.max(m.cols) as f64;
            let iteration = NS_WORK * (2.0 * r * r * c + r * r * r) + ITERATION_WORK;
            per_step += self.ns_steps as f64 * iteration + ENTRY_WORK * r * c + MATRIX_WORK;
        }
        let mut work = per_step * steps as f64;
        if let Some(o) = &self.others {
            let n = o.params.len();
            work += o.opt.run_work(n, steps) + 4.0 * n as f64 * steps as f64;
        }
        work.max(UPDATE_WORK * n as f64 * steps as f64)
    }

    fn state_size(&self, n: usize, steps: u32) -> f64 {
        // The buffer, the two inspector copies and the iteration's four
        // working matrices, at most r·c each.
        let own = self.buf.len() as f64;
        let mut size = 7.0 * own;
        if let Some(o) = &self.others {
            size += o.opt.state_size(o.params.len(), steps) + 2.0 * o.params.len() as f64;
        }
        size.max(4.0 * n as f64)
    }
}

/// What one emulated bfloat16 multiply-add of the iteration costs, in the
/// plain multiply-adds of [`Optimizer::run_work`] (measured: about a
/// nanosecond natively, where Adam's step takes two a parameter).
pub const NS_WORK: f64 = 12.0;

/// The fixed cost of one Newton–Schulz step of a matrix, however small.
const ITERATION_WORK: f64 = 256.0;

/// The cost a matrix entry a step outside the iteration: the momentum and
/// Nesterov blends, the conversions to bfloat16 and back, the norm, the
/// division and the update.
const ENTRY_WORK: f64 = 8.0 * UPDATE_WORK;

/// The fixed cost of a matrix a step.
const MATRIX_WORK: f64 = 1024.0;

/// Copies the tensors at `spans` of `from` end to end into `to`.
fn gather(spans: &[(usize, usize)], from: &[f64], to: &mut [f64]) {
    let mut k = 0;
    for &(at, n) in spans {
        to[k..k + n].copy_from_slice(&from[at..at + n]);
        k += n;
    }
}

/// `others.` + `key`: the other optimizer's state key as Muon's state shows it.
fn others_key(key: &str) -> crate::optimizer::Key {
    format!("others.{key}").into()
}

// ---------------------------------------------------------------------------
// The Newton–Schulz iteration in bfloat16, as torch runs it on the CPU.
//
// torch turns the matrix into bfloat16 (from float64 through float32, both
// rounding to nearest even), transposes it when it has more rows than
// columns, divides it by its Frobenius norm (at least eps) and iterates
// X ← aX + (bA + cA²)X with A = XXᵀ. Every product of two bfloat16 numbers is
// exact in float32; the kernels sum them in float32 in an order of their
// own, combine with the coefficients in float32 and round each result matrix
// to bfloat16 once:
//
// * the norm sums the squares in memory order (the matrix as torch holds
//   it, before the transposition) in eight float32 lanes over blocks of
//   sixteen, adds the lanes in order, then the last entries one by one;
// * XXᵀ sums each dot product as `bf16_dot_with_fp32_arith` does (blocks of
//   sixteen in eight lanes, the lanes added pairwise) or, when X is the
//   transposed view of the first step, one product after another;
// * the products inside `addmm` sum with four running partial sums (or as
//   `bf16_dot_with_fp32_arith` in the first step of a transposed matrix),
//   and the result is β·C + (α·dot) with one fused multiply-add, the
//   coefficients rounded to float32.
//
// torch hands a product of more than 16 × 16 × 16 multiply-adds to oneDNN,
// that is every product of a matrix with r²c > 4096 (r ≤ c its sides: a
// 17 × 17 weight, or 10 × 41), and oneDNN's blocking and accumulation depend
// on the processor (AMX tiles on recent Xeons). For those matrices the
// iteration below still follows the kernels above, which agree with oneDNN
// to bfloat16 precision but not always to the bit. Every matrix of a network
// at most 16 wide, and every first or last layer's, stays below that size.
// ---------------------------------------------------------------------------

/// The working matrices of one iteration, kept between steps so that a
/// step allocates nothing: the bfloat16 values as float32.
#[derive(Default)]
struct Work {
    x: Vec<f32>,
    gram: Vec<f32>,
    update: Vec<f32>,
    next: Vec<f32>,
}

/// Rounds a float32 to the nearest bfloat16 (ties to even), as a float32.
#[inline]
fn bf(x: f32) -> f32 {
    bf16::from_f32(x).to_f32()
}

/// `s + a·b` in float32 rounded once, for `a` and `b` bfloat16 values, as a
/// fused multiply-add gives it: their product is exact in float64, and so
/// is its sum with `s` whenever float32 could tell the difference.
#[inline(always)]
fn fused(a: f32, b: f32, s: f32) -> f32 {
    (a as f64 * b as f64 + s as f64) as f32
}

/// `s + a·b` with the product rounded to float32 first, as torch's kernels
/// that multiply and add apart give it. The product of two bfloat16 values
/// is exact unless it overflows or falls below float32's normal numbers, so
/// this differs from [`fused`] only there (two products that overflow to
/// opposite infinities sum to NaN here, where fused sums keep the first
/// infinity).
#[inline(always)]
fn unfused(a: f32, b: f32, s: f32) -> f32 {
    s + a * b
}

/// The products `f(0)`, …, `f(n − 1)` summed one after another from zero,
/// each with a fused multiply-add.
#[inline(always)]
fn sum_in_order(n: usize, f: impl Fn(usize) -> (f32, f32)) -> f32 {
    let mut s = 0.0;
    for l in 0..n {
        let (a, b) = f(l);
        s = fused(a, b, s);
    }
    s
}

/// The products summed in four running partial sums (entry l into sum
/// l mod 4, the remainder into the first), then the sums added in order:
/// the generic `gemm` kernels' dot product. Its unrolled loop takes fused
/// multiply-adds; the remainder is multiplied and added apart.
#[inline(always)]
fn sum_in_four(n: usize, f: impl Fn(usize) -> (f32, f32)) -> f32 {
    let mut s = [0.0f32; 4];
    let mut l = 0;
    while l + 4 <= n {
        for (k, s) in s.iter_mut().enumerate() {
            let (a, b) = f(l + k);
            *s = fused(a, b, *s);
        }
        l += 4;
    }
    while l < n {
        let (a, b) = f(l);
        s[0] = unfused(a, b, s[0]);
        l += 1;
    }
    ((s[0] + s[1]) + s[2]) + s[3]
}

/// Eight float32 lanes added pairwise (lane i with i + 4, then i + 2, then
/// i + 1): an AVX2 register's horizontal sum.
#[inline(always)]
fn lanes_sum(v: [f32; 8]) -> f32 {
    let h = [v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7]];
    let q = [h[0] + h[2], h[1] + h[3]];
    q[0] + q[1]
}

/// The products summed as torch's `bf16_dot_with_fp32_arith` (AVX2) does:
/// blocks of 64 in eight registers of eight lanes (each block of sixteen
/// into its own pair, the first eight into one register and the next eight
/// into the other), the registers added pairwise and then their lanes; then
/// the blocks of sixteen left, in one register pair's way into a single
/// register, its lanes added; then the last products one by one. The
/// registers take fused multiply-adds; the last products are multiplied and
/// added apart.
#[inline(always)]
fn sum_in_lanes(n: usize, f: impl Fn(usize) -> (f32, f32)) -> f32 {
    let whole = n & !63;
    let mut total = 0.0;
    if whole > 0 {
        let mut regs = [[0.0f32; 8]; 8];
        for j in (0..whole).step_by(64) {
            // Register 2k takes the first eight of the block's k-th sixteen,
            // register 2k + 1 the next eight.
            for (r, reg) in regs.iter_mut().enumerate() {
                let base = j + 8 * r;
                for (i, lane) in reg.iter_mut().enumerate() {
                    let (a, b) = f(base + i);
                    *lane = fused(a, b, *lane);
                }
            }
        }
        for half in [4, 2, 1] {
            let (low, high) = regs.split_at_mut(half);
            for (reg, other) in low.iter_mut().zip(high.iter()) {
                for (lane, x) in reg.iter_mut().zip(other) {
                    *lane += x;
                }
            }
        }
        total = lanes_sum(regs[0]);
    }
    let sixteens = n & !15;
    let mut tail = [0.0f32; 8];
    for j in (whole..sixteens).step_by(16) {
        for (i, t) in tail.iter_mut().enumerate() {
            let (a, b) = f(j + i);
            *t = fused(a, b, *t);
        }
        for (i, t) in tail.iter_mut().enumerate() {
            let (a, b) = f(j + 8 + i);
            *t = fused(a, b, *t);
        }
    }
    total += lanes_sum(tail);
    for l in sixteens..n {
        let (a, b) = f(l);
        total = unfused(a, b, total);
    }
    total
}

/// The Frobenius norm of bfloat16 values in memory order, as torch's
/// vectorized 2-norm reduction computes it: squares summed in eight lanes
/// over blocks of sixteen (the first eight, then the next eight), the lanes
/// added in order, the remaining squares added one by one, the root taken
/// in float32 and rounded to bfloat16.
fn frobenius(x: &[f32]) -> f32 {
    let n = x.len();
    let blocks = n - n % 16;
    let mut lanes = [0.0f32; 8];
    for j in (0..blocks).step_by(16) {
        for (i, s) in lanes.iter_mut().enumerate() {
            *s = unfused(x[j + i], x[j + i], *s);
        }
        for (i, s) in lanes.iter_mut().enumerate() {
            *s = unfused(x[j + 8 + i], x[j + 8 + i], *s);
        }
    }
    let mut s = lanes[0];
    for &lane in &lanes[1..] {
        s += lane;
    }
    for &v in &x[blocks..] {
        s = unfused(v, v, s);
    }
    bf(s.sqrt())
}

/// `β·c + α·dot` as the `gemm` kernels write an entry of `addmm`: α·dot
/// rounded to float32, then one fused multiply-add (β = 0 leaves c out).
#[inline(always)]
fn combine(beta: f32, c: f32, alpha: f32, dot: f32) -> f32 {
    let scaled = alpha * dot;
    if beta == 0.0 {
        scaled
    } else {
        beta.mul_add(c, scaled)
    }
}

impl Work {
    /// torch's `_zeropower_via_newtonschulz` of `g` (a `rows` × `cols`
    /// matrix, row-major) with coefficients (a, b, c), `steps` iterations and
    /// `eps`, written into `out` (same shape) as the bfloat16 values it gives.
    fn run(
        &mut self,
        g: &[f64],
        (rows, cols): (usize, usize),
        [a, b, c]: [f64; 3],
        steps: u32,
        eps: f64,
        out: &mut [f64],
    ) {
        let n = rows * cols;
        let tall = rows > cols;
        let (r, k) = if tall { (cols, rows) } else { (rows, cols) };
        for v in [
            &mut self.x,
            &mut self.gram,
            &mut self.update,
            &mut self.next,
        ] {
            v.resize(n.max(r * r), 0.0);
        }
        // The bfloat16 matrix in torch's memory order (before transposing),
        // and its norm over that order.
        let held = &mut self.next[..n];
        for (h, &v) in held.iter_mut().zip(g) {
            *h = bf(v as f32);
        }
        let norm = frobenius(held);
        let floor = bf(eps as f32);
        // torch's clamp: a norm below eps becomes eps; NaN stays NaN.
        let scale = if norm < floor { floor } else { norm };
        // X, r × k with r ≤ k, row-major.
        let x = &mut self.x;
        for i in 0..r {
            for l in 0..k {
                let v = if tall {
                    held[l * cols + i]
                } else {
                    held[i * k + l]
                };
                x[i * k + l] = bf(v / scale);
            }
        }
        let (a, b, c) = (a as f32, b as f32, c as f32);
        for s in 0..steps {
            // In the first step of a tall matrix X is a transposed view, which
            // sends torch's products through other kernels.
            let view = tall && s == 0;
            let (x, gram, update, next) =
                (&self.x, &mut self.gram, &mut self.update, &mut self.next);
            // A = XXᵀ (symmetric: each pair's products are the same, in the
            // same order).
            for i in 0..r {
                for j in i..r {
                    let pair = |l: usize| (x[i * k + l], x[j * k + l]);
                    let dot = if view {
                        sum_in_order(k, pair)
                    } else {
                        sum_in_lanes(k, pair)
                    };
                    gram[i * r + j] = bf(dot);
                    gram[j * r + i] = gram[i * r + j];
                }
            }
            // B = bA + cA·A.
            for i in 0..r {
                for j in 0..r {
                    let dot = sum_in_four(r, |l| (gram[i * r + l], gram[l * r + j]));
                    update[i * r + j] = bf(combine(b, gram[i * r + j], c, dot));
                }
            }
            // X ← aX + B·X.
            for i in 0..r {
                for j in 0..k {
                    let term = |l: usize| (update[i * r + l], x[l * k + j]);
                    let dot = if view {
                        sum_in_lanes(r, term)
                    } else {
                        sum_in_four(r, term)
                    };
                    next[i * k + j] = bf(combine(a, x[i * k + j], 1.0, dot));
                }
            }
            std::mem::swap(&mut self.x, &mut self.next);
        }
        let x = &self.x;
        for i in 0..r {
            for l in 0..k {
                let at = if tall { l * cols + i } else { i * k + l };
                out[at] = x[i * k + l] as f64;
            }
        }
    }
}

/// torch's `_zeropower_via_newtonschulz(g, (a, b, c), steps, eps)` for the
/// `rows` × `cols` matrix `g` (row-major, float64): the bfloat16 matrix it
/// returns, as float64, in the same shape.
pub fn newton_schulz(
    g: &[f64],
    (rows, cols): (usize, usize),
    coefficients: [f64; 3],
    steps: u32,
    eps: f64,
) -> Vec<f64> {
    let mut out = vec![0.0; rows * cols];
    Work::default().run(g, (rows, cols), coefficients, steps, eps, &mut out);
    out
}

const HYPER: &[HyperSpec] = &[
    HyperSpec {
        name: "weight_decay",
        kind: HyperKind::Number(Range::at_least(0.0)),
        default: HyperValue::Number(0.1),
        doc: "decoupled weight decay: θ ← θ(1 − γλ) before each step",
        parts: ["", ""],
    },
    HyperSpec {
        name: "momentum",
        kind: HyperKind::Number(Range::at_least(0.0)),
        default: HyperValue::Number(0.95),
        doc: "momentum factor μ: the buffer keeps μ of itself and takes 1 − μ of the gradient",
        parts: ["", ""],
    },
    HyperSpec {
        name: "nesterov",
        kind: HyperKind::Flag,
        default: HyperValue::Flag(true),
        doc: "look-ahead (Nesterov) momentum: orthogonalize μ of the buffer and 1 − μ of the gradient instead of the buffer",
        parts: ["", ""],
    },
    HyperSpec {
        name: "ns_coefficients",
        kind: HyperKind::Triple(Range::any(), ["a", "b", "c"]),
        default: HyperValue::Triple([3.4445, -4.775, 2.0315]),
        doc: "coefficients (a, b, c) of the Newton–Schulz step X ← aX + (bA + cA²)X, A = XXᵀ",
        parts: ["", ""],
    },
    HyperSpec {
        name: "eps",
        kind: HyperKind::Number(Range::any()),
        default: HyperValue::Number(1e-7),
        doc: "the least norm the update is divided by before the iteration (in bfloat16)",
        parts: ["", ""],
    },
    HyperSpec {
        name: "ns_steps",
        kind: HyperKind::Count {
            min: 0,
            max: 99,
            none: false,
        },
        default: HyperValue::Count(Some(5)),
        doc: "Newton–Schulz steps (torch refuses 100 or more)",
        parts: ["", ""],
    },
    HyperSpec {
        name: "adjust_lr_fn",
        kind: HyperKind::Choice(&["original", "match_rms_adamw", "spectral_unclamped"]),
        default: HyperValue::Choice(None),
        doc: "each matrix's learning-rate scale: original (None) √max(1, rows/cols), match_rms_adamw 0.2·√max(rows, cols), spectral_unclamped √(rows/cols)",
        parts: ["", ""],
    },
];

fn no_checks(_: &Hyper, _: &str) -> Result<(), ConfigError> {
    Ok(())
}

/// `torch.optim.Muon`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "muon",
    title: "Muon",
    default_lr: 1e-3,
    hyper: HYPER,
    rule: &[
        "B ← μB + (1 − μ)g  (per weight matrix)",
        "U ← μB + (1 − μ)g  (nesterov; else U ← B)",
        "X ← U / max(‖U‖, ε)  (in bfloat16 from here)",
        "A ← XXᵀ,  X ← aX + (bA + cA²)X  (ns_steps times)",
        "θ ← θ(1 − γλ)",
        "θ ← θ − γsX  (s = √(max(1, rows/cols)) for original)",
        "biases: a step of the others optimizer",
    ],
    check: no_checks,
    build: builders!(|h, _zero, shapes| Muon::new(h, shapes)),
    wraps: Some(Wraps {
        key: "others",
        default: Some(("adamw", 0.001)),
        shares_lr: false,
        refuses: &["lbfgs", "rule", "sam", "muon"],
        refusal: "the biases take one plain step with each step's gradient (no closure to call), and they are not matrices",
        doc: "steps the other tensors (biases, batch norm) with",
    }),
    origin: Origin::Torch,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyper::Inner;

    fn bits(v: &[f64]) -> Vec<u16> {
        v.iter().map(|&x| bf16::from_f64(x).to_bits()).collect()
    }

    /// One call of torch's iteration: input, shape, coefficients, steps and
    /// the bfloat16 bits it returned.
    struct Case {
        g: Vec<f64>,
        shape: (usize, usize),
        coefficients: [f64; 3],
        steps: u32,
        want: &'static [u16],
    }

    const DEFAULT: [f64; 3] = [3.4445, -4.775, 2.0315];

    #[test]
    fn newton_schulz_matches_torch_bit_for_bit() {
        // Made with torch 2.15 on the CPU (x86-64, AVX-512 machine):
        //   torch.optim._muon._zeropower_via_newtonschulz(
        //       torch.tensor(g, dtype=torch.float64).reshape(shape), coefficients, steps, 1e-7
        //   ).contiguous().view(torch.int16)
        // (the bfloat16 bits, row-major). Each case tells one detail of torch's
        // arithmetic apart from the plausible alternatives.
        let cases = [
            // A point: the 1 × 2 matrix.
            Case {
                g: vec![0.3, -1.7],
                shape: (1, 2),
                coefficients: DEFAULT,
                steps: 5,
                want: &[0x3DF1, 0xBF2C],
            },
            // float64 → bfloat16 goes through float32: 1 + 2⁻⁸ + 2⁻⁴⁰ becomes
            // 1 (a tie, to even), not 1 + 2⁻⁷.
            Case {
                g: vec![1.0 + 1.0 / 256.0 + 2f64.powi(-40), 1.0],
                shape: (1, 2),
                coefficients: DEFAULT,
                steps: 5,
                want: &[0x3EF8, 0x3EF8],
            },
            // β·C + α·(A·B) is one fused multiply-add after α·(A·B) is rounded.
            Case {
                g: vec![
                    1.25, -4096.0, 0.5, -0.5, 0.5, 4096.0, -4096.0, -2.0, 2.0, -3.0, 0.0, 0.75,
                    -1.0, 0.0, 0.0,
                ],
                shape: (5, 3),
                coefficients: DEFAULT,
                steps: 5,
                want: &[
                    0x3989, 0xBF2E, 0x38AE, 0x38DB, 0x38AD, 0x3F2E, 0xBF2E, 0xB98F, 0x3916, 0xBA02,
                    0x3332, 0x3900, 0xB92E, 0x326E, 0xB345,
                ],
            },
            // addmm's dot products: four partial sums (five terms here).
            Case {
                g: vec![
                    1.0, 8192.0, 0.0, -0.25, 1.25, 0.75, -3.0, -0.5, 0.5, 4096.0, 1.5, -3.0, 0.0,
                    -0.125, 0.5, -1.0, -1.5, 1.0, 0.25, 1.5, -8192.0, 0.0, 2.0, 0.0, 0.0, -1.0,
                    -2.0, 0.5, -3.0, -8192.0, -1.0, 0.25, 0.0, -0.125, -1.25,
                ],
                shape: (5, 7),
                coefficients: DEFAULT,
                steps: 1,
                want: &[
                    0xB87F, 0x3F35, 0xB8B8, 0xB7B5, 0x3951, 0x38E8, 0xB9CF, 0xB8DB, 0xB311, 0x3F5B,
                    0x39A4, 0xBA24, 0x31C7, 0xB8A4, 0x389A, 0xB90A, 0xB94B, 0x391A, 0x3819, 0x3966,
                    0xBF9A, 0xB394, 0x3936, 0xB347, 0x3274, 0xB975, 0xB9F5, 0x389A, 0xB9D5, 0xBF35,
                    0xB8FF, 0x37B5, 0x38C0, 0x3813, 0xB96F,
                ],
            },
            // A tall matrix's first step runs on the transposed view, whose
            // products go through other kernels.
            Case {
                g: vec![
                    0.125, 0.0, -4096.0, 0.125, 0.0, 0.0, -1.0, 0.125, 0.5, -8192.0, 0.0, -1.5,
                    -1.5, 1.0, 0.125, -1.0, 3.0, -0.125, 0.0, -0.25, 8192.0, -4096.0, 0.0, 0.0,
                    0.5, -2.0, 0.25, 1.25, -2.0, -2.0, 0.5, -0.5, -3.0, 0.0, 0.0,
                ],
                shape: (7, 5),
                coefficients: [2.0, -1.5, 0.5],
                steps: 1,
                want: &[
                    0x375F, 0x361C, 0xBF16, 0x3796, 0xB623, 0x2E18, 0xB8F0, 0x375B, 0x3870, 0xBF70,
                    0xB7F3, 0xB964, 0xB961, 0x3922, 0x3770, 0xB873, 0x39DA, 0xB796, 0xB032, 0xB7F0,
                    0x3F5F, 0xBEDF, 0x361D, 0xB2CC, 0x385F, 0xB96E, 0xB621, 0x393C, 0xB9A2, 0xB970,
                    0x384A, 0xB884, 0xB9E1, 0xB08F, 0xB096,
                ],
            },
            // XXᵀ of rows of twenty: a block of sixteen in eight lanes, then
            // four products one by one.
            Case {
                g: vec![
                    8192.0, -8192.0, 4096.0, 0.0, -0.75, -0.5, -0.125, 0.5, -4096.0, -0.5, 0.125,
                    -0.75, 0.0, 2.0, -0.25, 0.0, 0.0, -3.0, 2.0, 0.75, -1.5, 1.0, 0.125, -2.0,
                    -3.0, 1.25, -8192.0, -8192.0, 3.0, -1.25, 0.0, -0.5, 1.25, 0.0, -1.25, 3.0,
                    0.0, 0.0, 0.0, 0.0,
                ],
                shape: (20, 2),
                coefficients: [2.0, -1.5, 0.5],
                steps: 5,
                want: &[
                    0x3F22, 0xBF35, 0x3EA2, 0xB70F, 0xB874, 0xB835, 0xB722, 0x3835, 0xBEA2, 0xB811,
                    0x3722, 0xB888, 0xB19A, 0x3935, 0xB7A2, 0x300F, 0x31E8, 0xB988, 0x3922, 0x3888,
                    0xB8F4, 0x38B5, 0x3722, 0xB935, 0xB974, 0x38E2, 0xBF22, 0xBF35, 0x3974, 0xB8E2,
                    0x309A, 0xB835, 0x38CB, 0xB133, 0xB8CB, 0x3988, 0x0000, 0x0000, 0x0000, 0x0000,
                ],
            },
        ];
        for case in &cases {
            let got = newton_schulz(&case.g, case.shape, case.coefficients, case.steps, 1e-7);
            assert_eq!(bits(&got), case.want, "{:?}", case.shape);
        }
    }

    #[test]
    fn a_zero_update_stays_zero_and_eps_keeps_it_finite() {
        let got = newton_schulz(&[0.0; 6], (2, 3), DEFAULT, 5, 1e-7);
        assert_eq!(got, vec![0.0; 6]);
    }

    fn himmelblau_gradient(p: &[f64; 2]) -> [f64; 2] {
        // As torch's autograd forms it from (x² + y − 11)² + (x + y² − 7)².
        let (x, y) = (p[0], p[1]);
        let a = x * x + y - 11.0;
        let b = x + y * y - 7.0;
        [
            (2.0 * a) * (2.0 * x) + 2.0 * b,
            2.0 * a + (2.0 * b) * (2.0 * y),
        ]
    }

    #[test]
    fn steps_a_point_as_the_one_by_two_matrix_torch_steps() {
        // The first points of tests/data/reference3/s3-muon-himmelblau.json
        // (torch.optim.Muon, lr 0.05, weight_decay 0, θ = [[−2, 2.5]]).
        let want = [
            [-2.0, 2.5],
            [-2.02197265625, 2.5263671875],
            [-2.0443359375, 2.552734375],
            [-2.0666015625000003, 2.5787109375],
            [-2.0889648437500004, 2.6044921875],
            [-2.1115234375000003, 2.6302734375],
        ];
        let mut h = DEF.defaults();
        h.values.insert("weight_decay", HyperValue::Number(0.0));
        let mut opt = (DEF.build.two)(&h);
        let mut p = want[0];
        for w in &want[1..] {
            let g = himmelblau_gradient(&p);
            opt.step(&mut p, &g, 0.05);
            assert_eq!(p, *w);
        }
        assert_eq!(opt.momentum(), Some(0.95));
        let inside = opt.inside();
        assert_eq!(inside.0[0].0, "update_before");
        assert_eq!(inside.0[1].0, "orthogonalized");
    }

    #[test]
    fn a_network_s_matrices_take_muon_and_its_vectors_the_other_optimizer() {
        // torch 2.15: W = [[0.5, −0.25], [1.5, 0.75]] under
        // Muon([W], lr=0.02, weight_decay=0.1) and b = [0.1, −0.2] under
        // SGD([b], lr=0.1), three steps with these gradients; the flat
        // parameters (W row-major, then b) after each step.
        let grads = [
            [0.3, -1.1, 0.7, 0.2, 0.5, -0.25],
            [-0.4, 0.9, 0.1, 0.6, 1.0, 2.0],
            [0.05, 0.3, -0.8, 0.45, -0.5, 0.75],
        ];
        let want = [
            [
                0.493375,
                -0.228875,
                1.483796875,
                0.7447109375,
                0.05,
                -0.17500000000000002,
            ],
            [
                0.5105913750000001,
                -0.240839125,
                1.46957928125,
                0.733768390625,
                -0.05,
                -0.375,
            ],
            [
                0.4979295672500001,
                -0.24977150924999997,
                1.4755854351875,
                0.72183210384375,
                0.0,
                -0.45,
            ],
        ];
        let sgd = crate::lookup("sgd").unwrap();
        let mut h = DEF.defaults();
        h.inner = Some(Box::new(Inner {
            def: sgd,
            lr: Some(0.1),
            hyper: sgd.defaults(),
        }));
        let shapes = [Shape::Matrix(2, 2), Shape::Vector(2)];
        let mut opt = (DEF.build.many)(&h, &shapes);
        assert!(opt.state().0.is_empty());
        let mut p = vec![0.5, -0.25, 1.5, 0.75, 0.1, -0.2];
        for (g, w) in grads.iter().zip(&want) {
            opt.step(&mut p, &g.to_vec(), 0.02);
            assert_eq!(p, w.to_vec());
        }
        // Muon's buffer over the matrix alone (torch's state[W]).
        let state = opt.state();
        assert_eq!(state.0.len(), 1);
        assert_eq!(state.0[0].0, "momentum_buffer");
        assert_eq!(
            state.0[0].1,
            crate::StateValue::Vector(vec![
                -0.0029625000000000038,
                0.008112500000000005,
                -0.0036625000000000056,
                0.06002500000000005
            ])
        );
    }

    #[test]
    fn the_other_optimizer_s_state_follows_under_its_own_keys() {
        let adamw = crate::lookup("adamw").unwrap();
        let mut h = DEF.defaults();
        h.inner = Some(Box::new(Inner {
            def: adamw,
            lr: Some(0.001),
            hyper: adamw.defaults(),
        }));
        let shapes = [
            Shape::Matrix(3, 2),
            Shape::Vector(3),
            Shape::Matrix(1, 3),
            Shape::Vector(1),
        ];
        let mut opt = (DEF.build.many)(&h, &shapes);
        let mut p = vec![0.1; 13];
        opt.step(&mut p, &vec![0.5; 13], 0.01);
        let keys: Vec<String> = opt.state().0.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                "momentum_buffer",
                "others.step",
                "others.exp_avg",
                "others.exp_avg_sq"
            ]
        );
        match &opt.state().0[0].1 {
            crate::StateValue::Vector(v) => assert_eq!(v.len(), 9),
            other => panic!("{other:?}"),
        }
        match &opt.state().0[2].1 {
            crate::StateValue::Vector(v) => assert_eq!(v.len(), 4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_learning_rate_scales_follow_torch() {
        assert_eq!(AdjustLr::Original.ratio(6, 2), 3f64.sqrt());
        assert_eq!(AdjustLr::Original.ratio(2, 6), 1.0);
        assert_eq!(AdjustLr::MatchRmsAdamw.ratio(2, 6), 0.2 * 6f64.sqrt());
        assert_eq!(
            AdjustLr::SpectralUnclamped.ratio(2, 6),
            (2.0f64 / 6.0).sqrt()
        );
    }

    #[test]
    fn run_work_bounds_the_iteration() {
        let h = DEF.defaults();
        let opt = (DEF.build.two)(&h);
        // 1 × 2: five steps of 2·1·2 + 1 multiply-adds each, emulated.
        assert!(Optimizer::<[f64; 2]>::run_work(&*opt, 2, 10) >= 10.0 * 5.0 * 5.0);
        // 8 × 64: the iteration runs on the 8 × 64 side, r = 8, c = 64.
        let opt = (DEF.build.many)(&h, &[Shape::Matrix(64, 8)]);
        let (r, c) = (8.0, 64.0);
        let per_step = 5.0 * (2.0 * r * r * c + r * r * r);
        assert!(opt.run_work(512, 3) >= 3.0 * per_step);
    }
}
