//! A typed function as mathematics: the formula f(x, y) and its partial
//! derivatives ∂f/∂x and ∂f/∂y, derived symbolically from the expression's
//! tape and simplified enough to read, each as plain Unicode text and as
//! MathML from one tree.
//!
//! The tape is rebuilt into a tree (a shared sub-expression is written out
//! each time it is used) and differentiated by the usual rules. Every node is
//! made by a constructor that tidies it in a bounded amount of work: numbers
//! folded (a division by a number kept as a fraction, so x/3 reads x/3; a
//! function of a number folded only when the result is a whole number, so
//! sin(1) stays sin(1)), sums and products flattened, like terms (c·u + d·u)
//! and like factors (u²·u = u³) collected by structural equality, a product's
//! number put in front and its factors in a conventional order (constants,
//! parameters, x, y, functions, parenthesised sums). There is no rewriting to
//! a fixed point and no canonical form: two equal formulas may read
//! differently, and simplification may drop a point where the formula was
//! undefined (x²/x reads x).
//!
//! Kinks are written as formulas: the slope of |u| is sign(u)·u′ (sign(0) = 0,
//! as torch's), and the slope of max(a, b) is [a ≥ b]·a′ + [a < b]·b′ with
//! Iverson brackets (min(a, b): [a ≤ b]·a′ + [a > b]·b′). At a tie the
//! numeric derivative the optimizers use follows torch instead and gives half
//! to each side (see [`crate::formula`]); the formula shows the rule away from
//! ties.
//!
//! Size is guarded: a formula of more than [`MAX_NODES`] nodes or deeper than
//! [`MAX_DEPTH`] is not shown (`None`), and differentiation gives up once it
//! has copied a bounded amount of tree, so a long expression cannot exhaust
//! memory or the stack.

use crate::formula::{signum, unary_value, Expr, Op, Reduction, F1, F2};
use std::f64::consts::{E, PI};

/// The most nodes a shown formula may have; past it the page says the
/// formula is too long to show.
pub const MAX_NODES: usize = 2000;
/// The deepest a shown formula may nest.
pub const MAX_DEPTH: usize = 400;
/// The most nodes differentiation may copy before it gives up.
const WORK: usize = 200_000;
/// 2⁵³: integers below it are exact in an f64.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// A variable to differentiate in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The first coordinate, x.
    X,
    /// The second coordinate, y.
    Y,
}

/// A formula ready to show: a tidied tree and the names of its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    node: Node,
    params: Vec<String>,
}

/// A typed function and its two partial derivatives, each `None` when it is
/// too long to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbolic {
    /// The formula f(x, y) itself.
    pub f: Option<Formula>,
    /// ∂f/∂x.
    pub dfdx: Option<Formula>,
    /// ∂f/∂y.
    pub dfdy: Option<Formula>,
}

impl Symbolic {
    /// The formula of `expr` and its partial derivatives in x and y.
    pub fn of(expr: &Expr) -> Symbolic {
        let f = tree(expr).filter(|n| depth(n) <= MAX_DEPTH);
        let part = |var| f.as_ref().and_then(|f| derive(f, var));
        Symbolic {
            dfdx: part(Var::X).and_then(|n| shown(n, expr)),
            dfdy: part(Var::Y).and_then(|n| shown(n, expr)),
            f: f.and_then(|n| shown(n, expr)),
        }
    }
}

/// The formula of `expr`, tidied; `None` when it is too long to show.
pub fn formula(expr: &Expr) -> Option<Formula> {
    tree(expr).and_then(|n| shown(n, expr))
}

/// ∂f/∂`var` of `expr`, simplified; `None` when it is too long to show.
pub fn partial(expr: &Expr, var: Var) -> Option<Formula> {
    let f = tree(expr).filter(|n| depth(n) <= MAX_DEPTH)?;
    shown(derive(&f, var)?, expr)
}

/// The formula of `expr` with its parameters shown under `names` (an
/// update rule's, θ for `theta`); `None` when it is too long to show.
pub(crate) fn named(expr: &Expr, names: &[String]) -> Option<Formula> {
    let node = tree(expr)?;
    (size(&node) <= MAX_NODES && depth(&node) <= MAX_DEPTH).then(|| Formula {
        node,
        params: names.to_vec(),
    })
}

fn shown(node: Node, expr: &Expr) -> Option<Formula> {
    (size(&node) <= MAX_NODES && depth(&node) <= MAX_DEPTH).then(|| Formula {
        node,
        params: expr.params().to_vec(),
    })
}

impl Formula {
    /// Readable Unicode text: `−2·(1 − x) − 400·x·(y − x²)`.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        plain(&self.node, &self.params, &mut out);
        out
    }

    /// A `<math display="inline">` element.
    pub fn mathml(&self) -> String {
        format!("<math display=\"inline\">{}</math>", self.mathml_row())
    }

    /// The formula as one `<mrow>`, to place inside a larger `<math>`.
    pub fn mathml_row(&self) -> String {
        let mut out = String::from("<mrow>");
        mathml(&self.node, &self.params, &mut out);
        out.push_str("</mrow>");
        out
    }

    /// The formula's value at (x, y) with the parameters' values (in
    /// [`Expr::params`] order), as written (the kinks by the formula's own
    /// rule, not torch's).
    pub fn eval(&self, x: f64, y: f64, params: &[f64]) -> f64 {
        eval(&self.node, x, y, params)
    }

    /// The number of nodes of its tree.
    pub fn nodes(&self) -> usize {
        size(&self.node)
    }
}

// ---------------------------------------------------------------------------
// Numbers

/// A number n/d with d > 0: d = 1 for a number as typed or folded; a division
/// by a number keeps its fraction (x/3, not 0.3333333333333333·x), reduced
/// when both are decimals of a few digits (1/0.3 is 10/3, 2/4 is 1/2, 6/3 is
/// 2), and is folded when the quotient is short (1/0.5 is 2).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Q {
    n: f64,
    d: f64,
}

impl Q {
    const ONE: Q = Q { n: 1.0, d: 1.0 };

    fn int(v: f64) -> Q {
        // −0 reads 0.
        Q { n: v + 0.0, d: 1.0 }
    }

    /// n/d tidied; d ≠ 0.
    fn new(n: f64, d: f64) -> Q {
        if d == 1.0 || d == 0.0 || !n.is_finite() || !d.is_finite() {
            return Q::int(n / d);
        }
        let (n, d) = if d < 0.0 { (-n, -d) } else { (n, d) };
        if let (Some((a, b)), Some((c, e))) = (decimal(n), decimal(d)) {
            if c != 0 {
                // (a/b)/(c/e) = a·e / (b·c)
                let (p, q) = (a * e, b * c);
                let g = gcd(p.abs(), q);
                let (p, q) = (p / g, q / g);
                if (p.abs() as f64) < EXACT && (q as f64) < EXACT {
                    return if q == 1 {
                        Q::int(p as f64)
                    } else {
                        Q {
                            n: p as f64,
                            d: q as f64,
                        }
                    };
                }
            }
        }
        let v = n / d;
        if digits(v) <= 6 {
            Q::int(v)
        } else {
            Q { n, d }
        }
    }

    fn value(self) -> f64 {
        self.n / self.d
    }

    fn is(self, v: f64) -> bool {
        self.d == 1.0 && self.n == v
    }

    /// A whole number.
    fn whole(self) -> bool {
        self.d == 1.0 && whole(self.n)
    }

    fn neg(self) -> Q {
        Q {
            n: 0.0 - self.n,
            d: self.d,
        }
    }

    fn abs(self) -> Q {
        Q {
            n: self.n.abs(),
            d: self.d,
        }
    }

    fn mul(self, o: Q) -> Q {
        if self.d == 1.0 && o.d == 1.0 {
            Q::int(self.n * o.n)
        } else {
            Q::new(self.n * o.n, self.d * o.d)
        }
    }

    fn add(self, o: Q) -> Q {
        if self.d == 1.0 && o.d == 1.0 {
            Q::int(self.n + o.n)
        } else {
            Q::new(self.n * o.d + o.n * self.d, self.d * o.d)
        }
    }

    fn recip(self) -> Option<Q> {
        (self.n != 0.0 && self.n.is_finite()).then(|| Q::new(self.d, self.n))
    }

    /// self^k for a whole k of at most 64 in magnitude, when the result stays
    /// below 2⁵³ (3^40 stays a power).
    fn pow(self, k: Q) -> Option<Q> {
        if !k.whole() || k.n.abs() > 64.0 {
            return None;
        }
        let base = if k.n < 0.0 { self.recip()? } else { self };
        let mut r = Q::ONE;
        for _ in 0..k.n.abs() as u32 {
            r = r.mul(base);
        }
        (r.n.is_finite() && r.n.abs() < EXACT && r.d < EXACT).then_some(r)
    }
}

fn whole(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0 && v.abs() < EXACT
}

/// `v` as a/10^k for k ≤ 9, allowing the float's rounding (0.3 is 3/10).
fn decimal(v: f64) -> Option<(i128, i128)> {
    let mut scale = 1.0;
    let mut s: i128 = 1;
    for _ in 0..=9 {
        let m = v * scale;
        let r = m.round();
        if r.abs() < EXACT && (m - r).abs() <= 4.0 * f64::EPSILON * m.abs() {
            return Some((r as i128, s));
        }
        scale *= 10.0;
        s *= 10;
    }
    None
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// `v` without the last-digit noise of folding (0.1·3 is 0.30000000000000004;
/// it reads 0.3): rounded to 12 significant digits when that moves it by at
/// most a few units in the last place.
fn denoise(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 || digits(v) <= 12 {
        return v;
    }
    match format!("{v:.11e}").parse::<f64>() {
        Ok(t) if (t - v).abs() <= 4.0 * f64::EPSILON * v.abs() => t,
        _ => v,
    }
}

/// The significant digits of `v`'s shortest round-trip form.
fn digits(v: f64) -> usize {
    let s = format!("{:e}", v.abs());
    s.split('e')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .count()
}

/// A non-negative number as text: the mantissa and, for the very large and
/// the very small, a power of ten.
fn number(v: f64) -> (String, Option<i32>) {
    let v = denoise(v.abs());
    if v.is_nan() {
        return ("NaN".into(), None);
    }
    if v.is_infinite() {
        return ("∞".into(), None);
    }
    if v == 0.0 || (1e-4..1e7).contains(&v) {
        return (format!("{v}"), None);
    }
    let s = format!("{v:e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    (m.to_string(), e.parse().ok())
}

fn sci(v: f64) -> bool {
    number(v).1.is_some()
}

// ---------------------------------------------------------------------------
// The tree

/// A comparison in an Iverson bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
            Cmp::Le => "≤",
            Cmp::Lt => "<",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
            Cmp::Le => a <= b,
            Cmp::Lt => a < b,
        }
    }
}

/// A node, always tidy: a sum has two or more terms, none a sum and at most
/// one a number; a product has a number (not 0) and factors, none a number
/// or a product, and is not a lone factor times 1.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(Q),
    Pi,
    E,
    X,
    Y,
    Param(usize),
    Sum(Vec<Node>),
    Prod(Q, Vec<Node>),
    Pow(Box<Node>, Box<Node>),
    Call1(F1, Box<Node>),
    Call2(F2, Box<Node>, Box<Node>),
    Sign(Box<Node>),
    /// [a ⋈ b]: 1 where the comparison holds, 0 elsewhere.
    Ind(Cmp, Box<Node>, Box<Node>),
    /// An update rule's reduction over its coordinates.
    Reduce(Reduction, Box<Node>),
}

fn num(v: f64) -> Node {
    Node::Num(Q::int(v))
}

fn is_num(n: &Node, v: f64) -> bool {
    matches!(n, Node::Num(q) if q.is(v))
}

fn size(n: &Node) -> usize {
    1 + match n {
        Node::Sum(ts) | Node::Prod(_, ts) => ts.iter().map(size).sum(),
        Node::Pow(a, b) | Node::Call2(_, a, b) | Node::Ind(_, a, b) => size(a) + size(b),
        Node::Call1(_, a) | Node::Sign(a) | Node::Reduce(_, a) => size(a),
        _ => 0,
    }
}

fn depth(n: &Node) -> usize {
    1 + match n {
        Node::Sum(ts) | Node::Prod(_, ts) => ts.iter().map(depth).max().unwrap_or(0),
        Node::Pow(a, b) | Node::Call2(_, a, b) | Node::Ind(_, a, b) => depth(a).max(depth(b)),
        Node::Call1(_, a) | Node::Sign(a) | Node::Reduce(_, a) => depth(a),
        _ => 0,
    }
}

fn sum(items: Vec<Node>) -> Node {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Node::Sum(ts) => flat.extend(ts),
            other => flat.push(other),
        }
    }
    // Each term as its number times the rest (None for a number alone); like
    // terms add their numbers at the first one's place.
    let mut terms: Vec<(Q, Option<Node>)> = Vec::with_capacity(flat.len());
    for t in flat {
        let (c, rest) = match t {
            Node::Num(q) => (q, None),
            Node::Prod(c, mut fs) => {
                let rest = if fs.len() == 1 {
                    fs.pop().expect("one factor")
                } else {
                    Node::Prod(Q::ONE, fs)
                };
                (c, Some(rest))
            }
            other => (Q::ONE, Some(other)),
        };
        match terms.iter_mut().find(|(_, r)| like(r, &rest)) {
            Some(t) => t.0 = t.0.add(c),
            None => terms.push((c, rest)),
        }
    }
    let mut out: Vec<Node> = terms
        .into_iter()
        .filter(|(c, _)| !c.is(0.0))
        .map(|(c, rest)| match rest {
            None => Node::Num(c),
            Some(r) => scaled(c, r),
        })
        .collect();
    match out.len() {
        0 => num(0.0),
        1 => out.pop().expect("one term"),
        _ => Node::Sum(out),
    }
}

/// Like terms: equal, or products of the same factors in another order.
fn like(a: &Option<Node>, b: &Option<Node>) -> bool {
    match (a, b) {
        (Some(Node::Prod(_, fs)), Some(Node::Prod(_, gs))) if fs.len() == gs.len() => {
            let mut used = vec![false; gs.len()];
            fs.iter().all(|f| {
                let found = (0..gs.len()).find(|&j| !used[j] && gs[j] == *f);
                found.map(|j| used[j] = true).is_some()
            })
        }
        _ => a == b,
    }
}

/// c·r for a tidy r that is not a number and not a product with a number.
fn scaled(c: Q, r: Node) -> Node {
    if c.is(1.0) {
        return r;
    }
    match r {
        Node::Prod(_, fs) => Node::Prod(c, fs),
        other => Node::Prod(c, vec![other]),
    }
}

/// Factors in the order they are read: numbers, π and e, parameters, x, y,
/// powers with a symbolic exponent, functions, sums.
fn rank(n: &Node) -> u8 {
    match n {
        Node::Num(_) => 0,
        Node::Pi | Node::E => 1,
        Node::Param(_) => 2,
        Node::X => 3,
        Node::Y => 4,
        Node::Pow(b, e) => match **e {
            Node::Num(_) => rank(b),
            _ => 5,
        },
        Node::Call1(..) | Node::Call2(..) | Node::Sign(_) | Node::Ind(..) | Node::Reduce(..) => 6,
        Node::Sum(_) | Node::Prod(..) => 7,
    }
}

fn prod(items: Vec<Node>) -> Node {
    prod_pass(items, true)
}

/// One pass of collecting a product; `again`: one more pass when collecting
/// like factors gave a product ((x·y)^½·(x·y)^½ is x·y), so its factors meet
/// the others.
fn prod_pass(items: Vec<Node>, again: bool) -> Node {
    let mut c = Q::ONE;
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Node::Num(q) => c = c.mul(q),
            Node::Prod(q, fs) => {
                c = c.mul(q);
                flat.extend(fs);
            }
            other => flat.push(other),
        }
    }
    if c.is(0.0) {
        return num(0.0);
    }
    // Like bases with numeric exponents: u^p·u^q = u^(p+q).
    let mut groups: Vec<(Node, Q)> = Vec::with_capacity(flat.len());
    for f in flat {
        let (base, e) = match f {
            Node::Pow(b, e) => match *e {
                Node::Num(q) => (*b, q),
                e => (Node::Pow(b, Box::new(e)), Q::ONE),
            },
            other => (other, Q::ONE),
        };
        match groups.iter_mut().find(|(b, _)| *b == base) {
            Some(g) => g.1 = g.1.add(e),
            None => groups.push((base, e)),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    let mut spilled = false;
    for (b, e) in groups {
        match pow(b, Node::Num(e)) {
            Node::Num(q) => c = c.mul(q),
            Node::Prod(q, fs) => {
                c = c.mul(q);
                out.extend(fs);
                spilled = true;
            }
            other => out.push(other),
        }
    }
    if spilled && again {
        out.push(Node::Num(c));
        return prod_pass(out, false);
    }
    if c.is(0.0) {
        return num(0.0);
    }
    out.sort_by_key(rank);
    match (out.len(), c.is(1.0)) {
        (0, _) => Node::Num(c),
        (1, true) => out.pop().expect("one factor"),
        _ => Node::Prod(c, out),
    }
}

fn pow(b: Node, e: Node) -> Node {
    match (b, e) {
        (b, Node::Num(k)) if k.is(1.0) => b,
        (_, Node::Num(k)) if k.is(0.0) => num(1.0),
        (Node::Num(b), _) if b.is(1.0) => num(1.0),
        (Node::Num(b), Node::Num(k)) if b.pow(k).is_some() => Node::Num(b.pow(k).expect("checked")),
        // (c·u·v)^k = c^k·u^k·v^k for a whole k.
        (Node::Prod(c, fs), Node::Num(k)) if k.whole() && c.pow(k).is_some() => {
            let mut items = vec![Node::Num(c.pow(k).expect("checked"))];
            items.extend(fs.into_iter().map(|f| pow(f, Node::Num(k))));
            prod(items)
        }
        // (u^p)^q = u^(p·q) for whole p and q.
        (Node::Pow(a, p), Node::Num(q)) if q.whole() && matches!(*p, Node::Num(p) if p.whole()) => {
            let Node::Num(p) = *p else {
                unreachable!("matched above")
            };
            pow(*a, Node::Num(p.mul(q)))
        }
        (b, e) => Node::Pow(Box::new(b), Box::new(e)),
    }
}

fn neg(a: Node) -> Node {
    prod(vec![num(-1.0), a])
}

fn sub(a: Node, b: Node) -> Node {
    sum(vec![a, neg(b)])
}

fn div(a: Node, b: Node) -> Node {
    prod(vec![a, pow(b, num(-1.0))])
}

fn call1(f: F1, a: Node) -> Node {
    match &a {
        Node::Num(q) if f == F1::Abs => return Node::Num(q.abs()),
        Node::Num(q) => {
            let v = unary_value(f, q.value());
            if whole(v) {
                return num(v);
            }
        }
        Node::E if f == F1::Log => return num(1.0),
        _ => {}
    }
    Node::Call1(f, Box::new(a))
}

fn call2(f: F2, a: Node, b: Node) -> Node {
    if let (Node::Num(p), Node::Num(q)) = (&a, &b) {
        let (u, v) = (p.value(), q.value());
        match f {
            F2::Max => return if u >= v { a } else { b },
            F2::Min => return if u <= v { a } else { b },
            _ => {
                let r = apply2(f, u, v);
                if whole(r) {
                    return num(r);
                }
            }
        }
    }
    Node::Call2(f, Box::new(a), Box::new(b))
}

fn sign(a: Node) -> Node {
    match a {
        Node::Num(q) => num(signum(q.value())),
        a => Node::Sign(Box::new(a)),
    }
}

fn ind(c: Cmp, a: Node, b: Node) -> Node {
    match (&a, &b) {
        (Node::Num(p), Node::Num(q)) => num(if c.holds(p.value(), q.value()) {
            1.0
        } else {
            0.0
        }),
        _ => Node::Ind(c, Box::new(a), Box::new(b)),
    }
}

/// sign as torch's: 0 at 0.
fn apply2(f: F2, a: f64, b: f64) -> f64 {
    match f {
        F2::Atan2 => libm::atan2(a, b),
        F2::Min => a.min(b),
        F2::Max => a.max(b),
        F2::Hypot => libm::hypot(a, b),
    }
}

fn eval(n: &Node, x: f64, y: f64, p: &[f64]) -> f64 {
    let ev = |n: &Node| eval(n, x, y, p);
    match n {
        Node::Num(q) => q.value(),
        Node::Pi => PI,
        Node::E => E,
        Node::X => x,
        Node::Y => y,
        Node::Param(i) => p.get(*i).copied().unwrap_or(f64::NAN),
        Node::Sum(ts) => ts.iter().map(ev).sum(),
        Node::Prod(c, fs) => fs.iter().fold(c.value(), |acc, f| acc * ev(f)),
        Node::Pow(b, e) => libm::pow(ev(b), ev(e)),
        Node::Call1(f, a) => unary_value(*f, ev(a)),
        Node::Call2(f, a, b) => apply2(*f, ev(a), ev(b)),
        Node::Sign(a) => signum(ev(a)),
        Node::Ind(c, a, b) => {
            if c.holds(ev(a), ev(b)) {
                1.0
            } else {
                0.0
            }
        }
        // Over one point there are no coordinates to reduce.
        Node::Reduce(..) => f64::NAN,
    }
}

/// A number of the tape: π and e by name.
fn constant(c: f64) -> Node {
    if c == PI {
        Node::Pi
    } else if c == E {
        Node::E
    } else {
        num(c)
    }
}

/// The tape as a tidy tree; `None` for an empty tape.
fn tree(expr: &Expr) -> Option<Node> {
    let tape = expr.tape();
    let mut slots: Vec<Node> = Vec::with_capacity(tape.len());
    for op in tape {
        let at = |i: usize| slots[i].clone();
        let node = match *op {
            Op::Const(c) => constant(c),
            Op::X => Node::X,
            Op::Y => Node::Y,
            Op::Param(i) => Node::Param(i),
            Op::Neg(a) => neg(at(a)),
            Op::Add(a, b) => sum(vec![at(a), at(b)]),
            Op::Sub(a, b) => sub(at(a), at(b)),
            Op::Mul(a, b) => prod(vec![at(a), at(b)]),
            Op::Div(a, b) => div(at(a), at(b)),
            Op::Powc(a, c) => pow(at(a), constant(c)),
            Op::Pow(a, b) => pow(at(a), at(b)),
            Op::Call1(f, a) => call1(f, at(a)),
            Op::Call2(f, a, b) => call2(f, at(a), at(b)),
            Op::Sign(a) => sign(at(a)),
            Op::Reduce(r, a) => Node::Reduce(r, Box::new(at(a))),
        };
        slots.push(node);
    }
    slots.pop()
}

// ---------------------------------------------------------------------------
// Differentiation

/// ∂f/∂`var`, tidied; `None` when it grew past the work bound.
fn derive(f: &Node, var: Var) -> Option<Node> {
    Deriv { var, work: WORK }.d(f)
}

struct Deriv {
    var: Var,
    /// Nodes that may still be copied.
    work: usize,
}

impl Deriv {
    fn copy(&mut self, n: &Node) -> Option<Node> {
        self.work = self.work.checked_sub(size(n))?;
        Some(n.clone())
    }

    /// a·da, without copying a when da is 0.
    fn times(&mut self, a: &Node, da: Node) -> Option<Node> {
        Some(if is_num(&da, 0.0) {
            da
        } else {
            prod(vec![self.copy(a)?, da])
        })
    }

    /// ∂n. Each kind's rule is its own function, and each builds its result
    /// in another after its recursion, so a level of nesting holds little
    /// stack.
    fn d(&mut self, n: &Node) -> Option<Node> {
        match n {
            Node::Sum(ts) => self.d_sum(ts),
            Node::Prod(c, fs) => self.d_prod(*c, fs),
            Node::Pow(b, e) => self.d_pow(n, b, e),
            Node::Call1(f, u) => self.d_call1(*f, u),
            Node::Call2(f, a, b) => self.d_call2(n, *f, a, b),
            leaf => Some(self.d_leaf(leaf)),
        }
    }

    fn d_leaf(&self, n: &Node) -> Node {
        num(match n {
            Node::X if self.var == Var::X => 1.0,
            Node::Y if self.var == Var::Y => 1.0,
            _ => 0.0,
        })
    }

    fn d_pow(&mut self, n: &Node, b: &Node, e: &Node) -> Option<Node> {
        let (db, de) = self.d_two(b, e)?;
        self.pow_rule(n, b, e, db, de)
    }

    fn d_call1(&mut self, f: F1, u: &Node) -> Option<Node> {
        let du = self.d(u)?;
        self.chain1(f, u, du)
    }

    fn d_call2(&mut self, n: &Node, f: F2, a: &Node, b: &Node) -> Option<Node> {
        let (da, db) = self.d_two(a, b)?;
        self.chain2(n, f, a, b, da, db)
    }

    fn d_two(&mut self, a: &Node, b: &Node) -> Option<(Node, Node)> {
        let da = self.d(a)?;
        Some((da, self.d(b)?))
    }

    fn d_sum(&mut self, ts: &[Node]) -> Option<Node> {
        let mut out = Vec::with_capacity(ts.len());
        for t in ts {
            out.push(self.d(t)?);
        }
        Some(sum(out))
    }

    /// (c·f₁·…·fₙ)′ = Σᵢ c·f₁·…·fᵢ′·…·fₙ, fᵢ′ in fᵢ's place so the factors
    /// keep their order.
    fn d_prod(&mut self, c: Q, fs: &[Node]) -> Option<Node> {
        let mut terms = Vec::new();
        for (i, f) in fs.iter().enumerate() {
            let df = self.d(f)?;
            if !is_num(&df, 0.0) {
                terms.push(self.product_term(c, fs, i, df)?);
            }
        }
        Some(sum(terms))
    }

    fn product_term(&mut self, c: Q, fs: &[Node], i: usize, df: Node) -> Option<Node> {
        let mut factors = Vec::with_capacity(fs.len() + 1);
        factors.push(Node::Num(c));
        let mut df = Some(df);
        for (j, g) in fs.iter().enumerate() {
            match df.take_if(|_| j == i) {
                Some(df) => factors.push(df),
                None => factors.push(self.copy(g)?),
            }
        }
        Some(prod(factors))
    }

    /// (b^e)′ for n = b^e, from b′ and e′.
    fn pow_rule(&mut self, n: &Node, b: &Node, e: &Node, db: Node, de: Node) -> Option<Node> {
        Some(match (is_num(&db, 0.0), is_num(&de, 0.0)) {
            (true, true) => num(0.0),
            // (b^e)′ = e·b^(e−1)·b′ for a constant e
            (false, true) => {
                let lowered = sum(vec![self.copy(e)?, num(-1.0)]);
                prod(vec![self.copy(e)?, pow(self.copy(b)?, lowered), db])
            }
            // (b^e)′ = b^e·ln(b)·e′ for a constant b
            (true, false) => prod(vec![self.copy(n)?, call1(F1::Log, self.copy(b)?), de]),
            // (b^e)′ = b^e·(e′·ln(b) + e·b′/b)
            (false, false) => {
                let by_e = prod(vec![de, call1(F1::Log, self.copy(b)?)]);
                let by_b = prod(vec![self.copy(e)?, db, pow(self.copy(b)?, num(-1.0))]);
                prod(vec![self.copy(n)?, sum(vec![by_e, by_b])])
            }
        })
    }

    /// f(u)′ = f′(u)·u′.
    fn chain1(&mut self, f: F1, u: &Node, du: Node) -> Option<Node> {
        if is_num(&du, 0.0) {
            return Some(du);
        }
        Some(prod(vec![self.slope1(f, u)?, du]))
    }

    /// f(a, b)′ for n = f(a, b), from a′ and b′.
    fn chain2(&mut self, n: &Node, f: F2, a: &Node, b: &Node, da: Node, db: Node) -> Option<Node> {
        if is_num(&da, 0.0) && is_num(&db, 0.0) {
            return Some(num(0.0));
        }
        Some(match f {
            // atan2(a, b)′ = (b·a′ − a·b′)/(a² + b²)
            F2::Atan2 => {
                let top = sub(self.times(b, da)?, self.times(a, db)?);
                let squares = sum(vec![
                    pow(self.copy(a)?, num(2.0)),
                    pow(self.copy(b)?, num(2.0)),
                ]);
                div(top, squares)
            }
            // hypot(a, b)′ = (a·a′ + b·b′)/hypot(a, b)
            F2::Hypot => {
                let top = sum(vec![self.times(a, da)?, self.times(b, db)?]);
                div(top, self.copy(n)?)
            }
            F2::Max | F2::Min => {
                let (first, second) = if f == F2::Max {
                    (Cmp::Ge, Cmp::Lt)
                } else {
                    (Cmp::Le, Cmp::Gt)
                };
                let mut terms = Vec::with_capacity(2);
                for (cmp, d) in [(first, da), (second, db)] {
                    if !is_num(&d, 0.0) {
                        let bracket = ind(cmp, self.copy(a)?, self.copy(b)?);
                        terms.push(prod(vec![bracket, d]));
                    }
                }
                sum(terms)
            }
        })
    }

    /// f′(u).
    fn slope1(&mut self, f: F1, u: &Node) -> Option<Node> {
        let u = self.copy(u)?;
        let square = |u| pow(u, num(2.0));
        let recip = |u| pow(u, num(-1.0));
        Some(match f {
            F1::Sin => call1(F1::Cos, u),
            F1::Cos => neg(call1(F1::Sin, u)),
            F1::Tan => sum(vec![num(1.0), square(call1(F1::Tan, u))]),
            F1::Asin => recip(call1(F1::Sqrt, sub(num(1.0), square(u)))),
            F1::Acos => neg(recip(call1(F1::Sqrt, sub(num(1.0), square(u))))),
            F1::Atan => recip(sum(vec![num(1.0), square(u)])),
            F1::Sinh => call1(F1::Cosh, u),
            F1::Cosh => call1(F1::Sinh, u),
            F1::Tanh => sub(num(1.0), square(call1(F1::Tanh, u))),
            F1::Exp | F1::Expm1 => call1(F1::Exp, u),
            F1::Log => recip(u),
            F1::Log2 => prod(vec![recip(u), recip(call1(F1::Log, num(2.0)))]),
            F1::Log10 => prod(vec![recip(u), recip(call1(F1::Log, num(10.0)))]),
            F1::Log1p => recip(sum(vec![num(1.0), u])),
            F1::Sqrt => prod(vec![Node::Num(Q::new(1.0, 2.0)), recip(call1(F1::Sqrt, u))]),
            F1::Cbrt => prod(vec![
                Node::Num(Q::new(1.0, 3.0)),
                pow(call1(F1::Cbrt, u), num(-2.0)),
            ]),
            F1::Abs => sign(u),
        })
    }
}

// ---------------------------------------------------------------------------
// Writing

/// Where a node is written, for its parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// Alone, a term of a sum, an argument, a bracket's side.
    Top,
    /// A factor of a product: a sum or a negative needs parentheses.
    Factor,
    /// The base of a power, or an exponent written inline: only what is
    /// closed goes bare.
    Closed,
}

/// Written as one piece: names, calls, brackets and plain non-negative numbers.
fn closed(n: &Node) -> bool {
    match n {
        Node::Num(q) => q.n >= 0.0 && q.d == 1.0 && !sci(q.n),
        Node::Pi | Node::E | Node::X | Node::Y | Node::Param(_) => true,
        Node::Call1(..) | Node::Call2(..) | Node::Sign(_) | Node::Ind(..) | Node::Reduce(..) => {
            true
        }
        Node::Sum(_) | Node::Prod(..) | Node::Pow(..) => false,
    }
}

fn negative(n: &Node) -> bool {
    match n {
        Node::Num(q) | Node::Prod(q, _) => q.n < 0.0,
        _ => false,
    }
}

fn parens(n: &Node, ctx: Ctx) -> bool {
    match ctx {
        Ctx::Top => false,
        Ctx::Factor => matches!(n, Node::Sum(_) | Node::Prod(..)) || negative(n),
        Ctx::Closed => !closed(n),
    }
}

/// A negative numeric exponent: the factor belongs under a fraction bar.
fn below(n: &Node) -> Option<Q> {
    match n {
        Node::Pow(_, e) => match **e {
            Node::Num(q) if q.n < 0.0 => Some(q.neg()),
            _ => None,
        },
        _ => None,
    }
}

/// A product (or a power with a negative exponent) laid out as a fraction.
struct Fraction<'a> {
    minus: bool,
    /// The numbers above and below the bar, non-negative.
    top_number: f64,
    bottom_number: f64,
    top: Vec<&'a Node>,
    /// With their exponents made positive.
    bottom: Vec<Node>,
}

fn fraction(n: &Node) -> Fraction<'_> {
    let (c, factors): (Q, &[Node]) = match n {
        Node::Prod(c, fs) => (*c, fs),
        _ => (Q::ONE, std::slice::from_ref(n)),
    };
    let mut fr = Fraction {
        minus: c.n < 0.0,
        top_number: c.n.abs(),
        bottom_number: c.d,
        top: Vec::new(),
        bottom: Vec::new(),
    };
    for f in factors {
        match (f, below(f)) {
            (Node::Pow(b, _), Some(k)) => fr.bottom.push(if k.is(1.0) {
                (**b).clone()
            } else {
                Node::Pow(b.clone(), Box::new(Node::Num(k)))
            }),
            _ => fr.top.push(f),
        }
    }
    fr
}

fn superscript(k: u32) -> String {
    optiviz_base::markup::superscript(&k.to_string())
}

/// A whole exponent from 0 to 99, written as a superscript in text.
fn small_power(e: &Node) -> Option<u32> {
    match e {
        Node::Num(q) if q.whole() && (0.0..100.0).contains(&q.n) => Some(q.n as u32),
        _ => None,
    }
}

fn plain_number(v: f64, out: &mut String) {
    let (m, e) = number(v);
    match e {
        None => out.push_str(&m),
        Some(e) => {
            if m != "1" {
                out.push_str(&m);
                out.push('×');
            }
            out.push_str("10");
            if e < 0 {
                out.push('⁻');
            }
            out.push_str(&superscript(e.unsigned_abs()));
        }
    }
}

fn plain_in(n: &Node, ctx: Ctx, p: &[String], out: &mut String) {
    if parens(n, ctx) {
        out.push('(');
        plain(n, p, out);
        out.push(')');
    } else {
        plain(n, p, out);
    }
}

fn plain(n: &Node, p: &[String], out: &mut String) {
    match n {
        Node::Num(q) => {
            if q.n < 0.0 {
                out.push('−');
            }
            plain_number(q.n.abs(), out);
            if q.d != 1.0 {
                out.push('/');
                plain_number(q.d, out);
            }
        }
        Node::Pi => out.push('π'),
        Node::E => out.push('e'),
        Node::X => out.push('x'),
        Node::Y => out.push('y'),
        Node::Param(i) => out.push_str(p.get(*i).map_or("?", String::as_str)),
        Node::Sum(ts) => {
            for (i, t) in ts.iter().enumerate() {
                if i == 0 {
                    plain(t, p, out);
                } else if negative(t) {
                    out.push_str(" − ");
                    plain_unsigned(t, p, out);
                } else {
                    out.push_str(" + ");
                    plain(t, p, out);
                }
            }
        }
        Node::Prod(..) => plain_fraction(&fraction(n), true, p, out),
        Node::Pow(..) if below(n).is_some() => plain_fraction(&fraction(n), true, p, out),
        Node::Pow(b, e) => {
            plain_in(b, Ctx::Closed, p, out);
            match small_power(e) {
                Some(k) => out.push_str(&superscript(k)),
                None => {
                    out.push('^');
                    plain_in(e, Ctx::Closed, p, out);
                }
            }
        }
        Node::Call1(F1::Sqrt, a) => {
            out.push_str("√(");
            plain(a, p, out);
            out.push(')');
        }
        Node::Call1(F1::Cbrt, a) => {
            out.push_str("∛(");
            plain(a, p, out);
            out.push(')');
        }
        Node::Call1(F1::Abs, a) => {
            out.push('|');
            plain(a, p, out);
            out.push('|');
        }
        Node::Call1(f, a) => {
            out.push_str(f.name());
            out.push('(');
            plain(a, p, out);
            out.push(')');
        }
        Node::Call2(f, a, b) => {
            out.push_str(f.name());
            out.push('(');
            plain(a, p, out);
            out.push_str(", ");
            plain(b, p, out);
            out.push(')');
        }
        Node::Sign(a) => {
            out.push_str("sign(");
            plain(a, p, out);
            out.push(')');
        }
        Node::Reduce(Reduction::Norm, a) => {
            out.push('‖');
            plain(a, p, out);
            out.push('‖');
        }
        Node::Reduce(r, a) => {
            out.push_str(r.name());
            out.push('(');
            plain(a, p, out);
            out.push(')');
        }
        Node::Ind(c, a, b) => {
            out.push('[');
            plain(a, p, out);
            out.push(' ');
            out.push_str(c.symbol());
            out.push(' ');
            plain(b, p, out);
            out.push(']');
        }
    }
}

/// A negative term of a sum without its sign (the sum writes " − ").
fn plain_unsigned(n: &Node, p: &[String], out: &mut String) {
    match n {
        Node::Num(q) => plain(&Node::Num(q.abs()), p, out),
        _ => plain_fraction(&fraction(n), false, p, out),
    }
}

fn plain_fraction(fr: &Fraction, sign: bool, p: &[String], out: &mut String) {
    if sign && fr.minus {
        out.push('−');
    }
    let mut first = true;
    if fr.top_number != 1.0 || fr.top.is_empty() {
        plain_number(fr.top_number, out);
        first = false;
    }
    for f in &fr.top {
        if !first {
            out.push('·');
        }
        first = false;
        plain_in(f, Ctx::Factor, p, out);
    }
    let count = fr.bottom.len() + usize::from(fr.bottom_number != 1.0);
    if count == 0 {
        return;
    }
    out.push('/');
    if count > 1 {
        out.push('(');
    }
    let mut first = true;
    if fr.bottom_number != 1.0 {
        plain_number(fr.bottom_number, out);
        first = false;
    }
    for f in &fr.bottom {
        if !first {
            out.push('·');
        }
        first = false;
        plain_in(f, Ctx::Factor, p, out);
    }
    if count > 1 {
        out.push(')');
    }
}

fn mathml_number(v: f64, out: &mut String) {
    let (m, e) = number(v);
    match e {
        None => {
            out.push_str("<mn>");
            out.push_str(&m);
            out.push_str("</mn>");
        }
        Some(e) => {
            out.push_str("<mrow>");
            if m != "1" {
                out.push_str(&format!("<mn>{m}</mn><mo>×</mo>"));
            }
            out.push_str("<msup><mn>10</mn><mrow>");
            if e < 0 {
                out.push_str("<mo>−</mo>");
            }
            out.push_str(&format!(
                "<mn>{}</mn></mrow></msup></mrow>",
                e.unsigned_abs()
            ));
        }
    }
}

fn mathml_in(n: &Node, ctx: Ctx, p: &[String], out: &mut String) {
    if parens(n, ctx) {
        out.push_str("<mrow><mo>(</mo>");
        mathml(n, p, out);
        out.push_str("<mo>)</mo></mrow>");
    } else {
        mathml(n, p, out);
    }
}

/// `<mi>name</mi><mo>⁡</mo>(…)`: a function applied to its arguments.
fn mathml_call(name: &str, args: &[&Node], p: &[String], out: &mut String) {
    out.push_str("<mrow><mi>");
    out.push_str(&optiviz_base::markup::escape(name));
    out.push_str("</mi><mo>&#x2061;</mo><mrow><mo>(</mo>");
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str("<mo>,</mo>");
        }
        mathml(a, p, out);
    }
    out.push_str("<mo>)</mo></mrow></mrow>");
}

/// `n` as one MathML element (so msup, mfrac and mroot get exactly their
/// two children).
fn mathml(n: &Node, p: &[String], out: &mut String) {
    match n {
        Node::Num(q) => {
            let minus = q.n < 0.0;
            if minus {
                out.push_str("<mrow><mo>−</mo>");
            }
            if q.d != 1.0 {
                out.push_str("<mfrac>");
                mathml_number(q.n.abs(), out);
                mathml_number(q.d, out);
                out.push_str("</mfrac>");
            } else {
                mathml_number(q.n.abs(), out);
            }
            if minus {
                out.push_str("</mrow>");
            }
        }
        Node::Pi => out.push_str("<mi>π</mi>"),
        Node::E => out.push_str("<mi>e</mi>"),
        Node::X => out.push_str("<mi>x</mi>"),
        Node::Y => out.push_str("<mi>y</mi>"),
        Node::Param(i) => {
            out.push_str("<mi>");
            out.push_str(&optiviz_base::markup::escape(
                p.get(*i).map_or("?", String::as_str),
            ));
            out.push_str("</mi>");
        }
        Node::Sum(ts) => {
            out.push_str("<mrow>");
            for (i, t) in ts.iter().enumerate() {
                if i == 0 {
                    mathml(t, p, out);
                } else if negative(t) {
                    out.push_str("<mo>−</mo>");
                    mathml_unsigned(t, p, out);
                } else {
                    out.push_str("<mo>+</mo>");
                    mathml(t, p, out);
                }
            }
            out.push_str("</mrow>");
        }
        Node::Prod(..) => mathml_fraction(&fraction(n), true, p, out),
        Node::Pow(..) if below(n).is_some() => mathml_fraction(&fraction(n), true, p, out),
        Node::Pow(b, e) => {
            out.push_str("<msup>");
            mathml_in(b, Ctx::Closed, p, out);
            mathml(e, p, out);
            out.push_str("</msup>");
        }
        Node::Call1(F1::Sqrt, a) => {
            out.push_str("<msqrt>");
            mathml(a, p, out);
            out.push_str("</msqrt>");
        }
        Node::Call1(F1::Cbrt, a) => {
            out.push_str("<mroot>");
            mathml(a, p, out);
            out.push_str("<mn>3</mn></mroot>");
        }
        Node::Call1(F1::Abs, a) => {
            out.push_str("<mrow><mo>|</mo>");
            mathml(a, p, out);
            out.push_str("<mo>|</mo></mrow>");
        }
        Node::Call1(f, a) => mathml_call(f.name(), &[a], p, out),
        Node::Call2(f, a, b) => mathml_call(f.name(), &[a, b], p, out),
        Node::Sign(a) => mathml_call("sign", &[a], p, out),
        Node::Reduce(Reduction::Norm, a) => {
            out.push_str("<mrow><mo>‖</mo>");
            mathml(a, p, out);
            out.push_str("<mo>‖</mo></mrow>");
        }
        Node::Reduce(r, a) => mathml_call(r.name(), &[a], p, out),
        Node::Ind(c, a, b) => {
            out.push_str("<mrow><mo>[</mo>");
            mathml(a, p, out);
            out.push_str("<mo>");
            out.push_str(&optiviz_base::markup::escape(c.symbol()));
            out.push_str("</mo>");
            mathml(b, p, out);
            out.push_str("<mo>]</mo></mrow>");
        }
    }
}

fn mathml_unsigned(n: &Node, p: &[String], out: &mut String) {
    match n {
        Node::Num(q) => mathml(&Node::Num(q.abs()), p, out),
        _ => mathml_fraction(&fraction(n), false, p, out),
    }
}

/// Written as a digit first: a number, or a power of one.
fn starts_with_digit(n: &Node) -> bool {
    match n {
        Node::Num(_) => true,
        Node::Pow(b, _) => closed(b) && starts_with_digit(b),
        _ => false,
    }
}

/// A parameter whose name is more than one letter (or a power of one): set
/// apart from its neighbours by a visible dot, so a·b and ab differ.
fn long_name(n: &Node, p: &[String]) -> bool {
    match n {
        Node::Param(i) => p.get(*i).is_some_and(|s| s.chars().count() > 1),
        Node::Pow(b, _) => long_name(b, p),
        _ => false,
    }
}

/// A product's number and factors (or one side of its fraction bar, `bar`),
/// multiplied with invisible times except where a dot keeps them apart; one
/// element. A lone factor over or under a bar needs no parentheses.
fn mathml_row(number: f64, factors: &[&Node], bar: bool, p: &[String], out: &mut String) {
    let show_number = number != 1.0 || factors.is_empty();
    let alone = factors.len() + usize::from(show_number) == 1;
    let ctx = if alone && bar { Ctx::Top } else { Ctx::Factor };
    if !alone {
        out.push_str("<mrow>");
    }
    if show_number {
        mathml_number(number, out);
    }
    for (i, f) in factors.iter().enumerate() {
        if i > 0 || show_number {
            let dot =
                starts_with_digit(f) || long_name(f, p) || (i > 0 && long_name(factors[i - 1], p));
            out.push_str(if dot {
                "<mo>·</mo>"
            } else {
                "<mo>&#x2062;</mo>"
            });
        }
        mathml_in(f, ctx, p, out);
    }
    if !alone {
        out.push_str("</mrow>");
    }
}

fn mathml_fraction(fr: &Fraction, sign: bool, p: &[String], out: &mut String) {
    let minus = sign && fr.minus;
    if minus {
        out.push_str("<mrow><mo>−</mo>");
    }
    if fr.bottom.is_empty() && fr.bottom_number == 1.0 {
        mathml_row(fr.top_number, &fr.top, false, p, out);
    } else {
        out.push_str("<mfrac>");
        mathml_row(fr.top_number, &fr.top, true, p, out);
        let bottom: Vec<&Node> = fr.bottom.iter().collect();
        mathml_row(fr.bottom_number, &bottom, true, p, out);
        out.push_str("</mfrac>");
    }
    if minus {
        out.push_str("</mrow>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_base::rng::Rng;

    fn all(text: &str) -> [String; 3] {
        let s = Symbolic::of(&Expr::parse(text).unwrap());
        [s.f, s.dfdx, s.dfdy].map(|f| f.expect("shown").plain())
    }

    #[test]
    fn typical_formulas_and_their_partials_read_as_written() {
        let cases = [
            ("x^2 + 10*y^2", ["x² + 10·y²", "2·x", "20·y"]),
            (
                "(1-x)^2 + 100*(y-x^2)^2",
                [
                    "(1 − x)² + 100·(y − x²)²",
                    "−2·(1 − x) − 400·x·(y − x²)",
                    "200·(y − x²)",
                ],
            ),
            (
                "sin(x)*cos(y)",
                ["sin(x)·cos(y)", "cos(x)·cos(y)", "−sin(x)·sin(y)"],
            ),
            (
                "exp(-(x^2+y^2))",
                [
                    "exp(−(x² + y²))",
                    "−2·x·exp(−(x² + y²))",
                    "−2·y·exp(−(x² + y²))",
                ],
            ),
            ("log(1+x^2)", ["log(1 + x²)", "2·x/(1 + x²)", "0"]),
            ("a*x^2 + b*y", ["a·x² + b·y", "2·a·x", "b"]),
            ("abs(x)", ["|x|", "sign(x)", "0"]),
            (
                "sqrt(x^2+y^2)",
                ["√(x² + y²)", "x/√(x² + y²)", "y/√(x² + y²)"],
            ),
            ("x^y", ["x^y", "y·x^(y − 1)", "x^y·log(x)"]),
            (
                "max(x, y) + min(x^2, y)",
                [
                    "max(x, y) + min(x², y)",
                    "[x ≥ y] + 2·x·[x² ≤ y]",
                    "[x < y] + [x² > y]",
                ],
            ),
            (
                "atan2(y, x) + hypot(x, y)",
                [
                    "atan2(y, x) + hypot(x, y)",
                    "−y/(y² + x²) + x/hypot(x, y)",
                    "x/(y² + x²) + y/hypot(x, y)",
                ],
            ),
            (
                "cbrt(x) + log2(x) + tan(y)",
                [
                    "∛(x) + log2(x) + tan(y)",
                    "1/(3·∛(x)²) + 1/(x·log(2))",
                    "1 + tan(y)²",
                ],
            ),
            (
                "e^x + pi*x + sin(2*pi*y)",
                ["e^x + π·x + sin(2·π·y)", "e^x + π", "2·π·cos(2·π·y)"],
            ),
            ("x^3/3 - x/y", ["x³/3 − x/y", "x² − 1/y", "x/y²"]),
            (
                "1e-5*x^2 + 2e8*y",
                ["10⁻⁵·x² + 2×10⁸·y", "2×10⁻⁵·x", "2×10⁸"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(all(text), want, "{text}");
        }
    }

    #[test]
    fn simplification_folds_and_collects() {
        let f = |t: &str| formula(&Expr::parse(t).unwrap()).unwrap().plain();
        assert_eq!(f("2*3*x"), "6·x");
        assert_eq!(f("x*x*y*x"), "x³·y");
        assert_eq!(f("(x+y)^1 + z^0"), "x + y + 1");
        assert_eq!(f("-(-x)"), "x");
        assert_eq!(f("x - (-y)"), "x + y");
        assert_eq!(f("x + (-y)"), "x − y");
        assert_eq!(f("x + -2"), "x − 2");
        assert_eq!(f("0*sin(x) + 0 + y*1"), "y");
        assert_eq!(f("2*x + 3*x - y*4 + y"), "5·x − 3·y");
        assert_eq!(f("x * y^-1"), "x/y");
        assert_eq!(f("x/3"), "x/3");
        assert_eq!(f("x/4*2"), "x/2");
        assert_eq!(f("0.1*3*x"), "0.3·x");
        assert_eq!(f("2^3 + 2^-1 + sqrt(4) + sin(1)"), "21/2 + sin(1)");
        assert_eq!(f("(x^2)^3"), "x⁶");
        assert_eq!(f("x/(x*y)"), "1/y");
        assert_eq!(f("-x^2"), "−x²");
        assert_eq!(f("(-x)^2 + (2*x*y)^-1"), "x² + 1/(2·x·y)");
        assert_eq!(f("(-x)^0.5"), "(−x)^0.5");
        assert_eq!(f("x*(x*y)^0.5*(x*y)^0.5"), "x²·y");
        assert_eq!(f("2^x*3"), "3·2^x");
        assert_eq!(f("x^(1/2) + x^0.5"), "x^(1/2) + x^0.5");
        assert_eq!(f("(x + 1)/(x - 1)"), "(x + 1)/(x − 1)");
        assert_eq!(f("ln(e) * x"), "x");
        assert_eq!(f("sin(x)*cos(y) - cos(y)*sin(x) + x^pi"), "x^π");
    }

    /// A tiny XML reader: the tags nest, the text holds no bare `<` and every
    /// `&` starts an entity.
    fn well_formed(m: &str) -> Result<(), String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = m;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                let end = entity.find(';').ok_or(format!("bare & in {text:?}"))?;
                let name = &entity[1..end];
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || (name.starts_with("#x")
                        && name.len() > 2
                        && name[2..].chars().all(|c| c.is_ascii_hexdigit()));
                if !known {
                    return Err(format!("unknown entity &{name};"));
                }
            }
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(top) if top == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else {
                let name = tag.split_whitespace().next().ok_or("empty tag")?;
                if tag.contains('<') || tag.contains('&') {
                    return Err(format!("bad tag {tag:?}"));
                }
                stack.push(name);
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() || !stack.is_empty() {
            return Err(format!("left open: {stack:?}, trailing {rest:?}"));
        }
        Ok(())
    }

    /// The children of each element of a MathML string (`msup`, `mfrac`,
    /// `mroot` need exactly two).
    fn check_arity(m: &str) -> Result<(), String> {
        // (name, children) of the open elements.
        let mut stack: Vec<(&str, usize)> = Vec::new();
        let mut rest = m;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').unwrap() + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                let (_, n) = stack.pop().unwrap();
                if ["msup", "mfrac", "mroot"].contains(&name) && n != 2 {
                    return Err(format!("<{name}> with {n} children"));
                }
            } else {
                if let Some(parent) = stack.last_mut() {
                    parent.1 += 1;
                }
                stack.push((tag.split_whitespace().next().unwrap(), 0));
            }
            rest = &rest[close + 1..];
        }
        Ok(())
    }

    #[test]
    fn mathml_is_built_from_the_tree() {
        let m = |t: &str, var| partial(&Expr::parse(t).unwrap(), var).unwrap().mathml();
        assert_eq!(
            m("(1-x)^2 + 100*(y-x^2)^2", Var::Y),
            "<math display=\"inline\"><mrow><mrow><mn>200</mn><mo>&#x2062;</mo><mrow><mo>(</mo>\
             <mrow><mi>y</mi><mo>−</mo><msup><mi>x</mi><mn>2</mn></msup></mrow><mo>)</mo></mrow>\
             </mrow></mrow></math>"
        );
        assert_eq!(
            m("log(1+x^2)", Var::X),
            "<math display=\"inline\"><mrow><mfrac><mrow><mn>2</mn><mo>&#x2062;</mo><mi>x</mi>\
             </mrow><mrow><mn>1</mn><mo>+</mo><msup><mi>x</mi><mn>2</mn></msup></mrow></mfrac>\
             </mrow></math>"
        );
        assert_eq!(
            m("sin(x)*cos(y)", Var::Y),
            "<math display=\"inline\"><mrow><mrow><mo>−</mo><mrow><mrow><mi>sin</mi>\
             <mo>&#x2061;</mo><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow><mo>&#x2062;</mo>\
             <mrow><mi>sin</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mi>y</mi><mo>)</mo></mrow></mrow>\
             </mrow></mrow></mrow></math>"
        );
        let f = |t: &str| formula(&Expr::parse(t).unwrap()).unwrap().mathml();
        assert_eq!(
            f("exp(-(x^2+y^2))"),
            "<math display=\"inline\"><mrow><mrow><mi>exp</mi><mo>&#x2061;</mo><mrow><mo>(</mo>\
             <mrow><mo>−</mo><mrow><mo>(</mo><mrow><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo>\
             <msup><mi>y</mi><mn>2</mn></msup></mrow><mo>)</mo></mrow></mrow><mo>)</mo></mrow>\
             </mrow></mrow></math>"
        );
        assert!(f("(x + 1)/(x - 1)").contains(
            "<mfrac><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mrow><mi>x</mi><mo>−</mo><mn>1</mn></mrow></mfrac>"
        ));
        assert!(f("-(x + 1)/(x - 1)")
            .contains("<mo>−</mo><mfrac><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow>"));
        assert!(f("sqrt(x) + cbrt(y)").contains("<msqrt><mi>x</mi></msqrt>"));
        assert!(f("sqrt(x) + cbrt(y)").contains("<mroot><mi>y</mi><mn>3</mn></mroot>"));
        assert!(f("abs(x - y)")
            .contains("<mo>|</mo><mrow><mi>x</mi><mo>−</mo><mi>y</mi></mrow><mo>|</mo>"));
        // A long name is set apart by a visible dot, a single letter is not.
        assert!(
            f("rate*x*y").contains("<mi>rate</mi><mo>·</mo><mi>x</mi><mo>&#x2062;</mo><mi>y</mi>")
        );
        // A number after a number gets a dot: 3·2ˣ, not 32ˣ.
        assert!(f("3*2^x").contains("<mn>3</mn><mo>·</mo><msup><mn>2</mn><mi>x</mi></msup>"));
        assert!(f("x/3").contains("<mfrac><mi>x</mi><mn>3</mn></mfrac>"));
    }

    #[test]
    fn mathml_escapes_names_and_is_well_formed() {
        // Names the lexer would refuse, to see they are escaped anyway.
        let names = ["a<b", "c&d", "q\"'>"].map(String::from).to_vec();
        let node = sum(vec![
            prod(vec![Node::Param(0), Node::X]),
            pow(Node::Param(1), Node::Param(2)),
            ind(Cmp::Lt, Node::Param(0), Node::Y),
        ]);
        let formula = Formula {
            node,
            params: names,
        };
        let m = formula.mathml();
        assert!(m.contains("<mi>a&lt;b</mi>"), "{m}");
        assert!(m.contains("<mi>c&amp;d</mi>"), "{m}");
        assert!(m.contains("<mi>q&quot;&apos;&gt;</mi>"), "{m}");
        assert!(m.contains("<mo>&lt;</mo>"), "{m}");
        well_formed(&m).unwrap();
        check_arity(&m).unwrap();

        for text in SMOOTH
            .iter()
            .chain(&KINKED)
            .chain(&["x/0 + 0/0 + 1e308*10*y", "x^-2 + 2^-0.5"])
        {
            let s = Symbolic::of(&Expr::parse(text).unwrap());
            for f in [s.f, s.dfdx, s.dfdy].into_iter().flatten() {
                let m = f.mathml();
                well_formed(&m)
                    .map_err(|e| format!("{text}: {e}: {m}"))
                    .unwrap();
                check_arity(&m)
                    .map_err(|e| format!("{text}: {e}: {m}"))
                    .unwrap();
                assert!(m.starts_with("<math display=\"inline\">"));
            }
        }
    }

    /// Formulas smooth at the test points (every function of the language).
    const SMOOTH: [&str; 12] = [
        "(1 - x)^2 + 100*(y - x^2)^2",
        "sin(x)*cos(y) + tan(x/3) + asin(y/4) + acos(x/5) + atan(x*y)",
        "sinh(x/2) + cosh(y/3) + tanh(x*y) + exp(x - y) + log(x^2 + 1) + log2(y^2 + 2)",
        "log10(x^2 + 3) + log1p(y^2) + expm1(x/4) + sqrt(x^2 + y^2 + 1) + cbrt(x + 5)",
        "x^y + atan2(y, x) + hypot(x, y) + x/y",
        "a*x^2 + b*y^2 - a*b*x*y + x^a",
        "exp(-(x^2 + y^2)) * (x - y)^3 / (1 + x^2)",
        "(x^2 + y)^(x - y) + 2^x + pi^y + e^(x*y)",
        "x^-2 + x^(1/2) + y^0.5 + (x*y)^-1.5",
        "sqrt(sqrt(x^2 + 1) + y^2) / cbrt(x^2 + y^2 + 2)",
        "-(x - y)^2 + x/(y/x) - (x*y)/(y*x) + x*x*x/y",
        "20 + e - 20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y)))",
    ];

    /// Formulas with kinks, away from them at the test points.
    const KINKED: [&str; 3] = [
        "abs(x - 0.3) + max(x, y) + min(x*y, 1)",
        "abs(x*y - 2)^3 + max(x^2, y^2) * min(x, -y)",
        "sqrt(abs(x) + 1) + max(sin(x), cos(y))",
    ];

    const POINTS: [(f64, f64); 4] = [(1.1, 0.7), (0.45, 1.9), (1.7, 0.6), (0.8, 1.3)];

    /// |got − want| ≤ 1e-9 of the larger magnitude (or of 1).
    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= 1e-9 * want.abs().max(got.abs()).max(1.0)
    }

    fn check_against_jet(text: &str, params: &[f64]) {
        let e = Expr::parse(text).unwrap();
        let s = Symbolic::of(&e);
        let (f, dx, dy) = (s.f.unwrap(), s.dfdx.unwrap(), s.dfdy.unwrap());
        for &(x, y) in &POINTS {
            let j = e.jet(x, y, params);
            assert!(
                j.v.is_finite() && j.dx.is_finite() && j.dy.is_finite(),
                "{text} at ({x}, {y})"
            );
            for (got, want, what) in [
                (f.eval(x, y, params), j.v, f.plain()),
                (dx.eval(x, y, params), j.dx, dx.plain()),
                (dy.eval(x, y, params), j.dy, dy.plain()),
            ] {
                assert!(
                    close(got, want),
                    "{text} at ({x}, {y}): {what} = {got}, jet {want}"
                );
            }
        }
    }

    #[test]
    fn derivatives_evaluate_to_the_jets_gradient() {
        for text in SMOOTH.iter().chain(&KINKED) {
            check_against_jet(text, &[1.3, 0.4]);
        }
    }

    /// A random formula smooth on the positive quadrant (bases of general
    /// powers, logarithms' and roots' arguments kept positive).
    fn random_formula(rng: &mut Rng, depth: u32) -> String {
        let pick = |rng: &mut Rng, n: u64| rng.below(n);
        if depth == 0 || pick(rng, 5) == 0 {
            return ["x", "y", "a", "0.7", "3", "pi", "x*y", "y^2"][pick(rng, 8) as usize].into();
        }
        let u = random_formula(rng, depth - 1);
        let v = random_formula(rng, depth - 1);
        match pick(rng, 22) {
            0 => format!("({u}) + ({v})"),
            1 => format!("({u}) - ({v})"),
            2 | 3 => format!("({u}) * ({v})"),
            4 => format!("({u}) / (({v})^2 + 1)"),
            5 => format!("({u})^2"),
            6 => format!("({u})^3"),
            7 => format!("(({u})^2 + 1)^(({v})/4)"),
            8 => format!("sin({u})"),
            9 => format!("cos({u})"),
            10 => format!("atan({u})"),
            11 => format!("tanh({u})"),
            12 => format!("exp(sin({u}))"),
            13 => format!("log(({u})^2 + 1)"),
            14 => format!("sqrt(({u})^2 + 2)"),
            15 => format!("hypot({u}, {v})"),
            16 => format!("atan2({u}, ({v})^2 + 1)"),
            17 => format!("-({u})"),
            18 => format!("cbrt(({u})^2 + 1)"),
            19 => format!("sinh(atan({u}))"),
            20 => format!("log1p(({u})^2)"),
            _ => format!("({u}) * ({v}) * ({u})"),
        }
    }

    #[test]
    fn random_formulas_have_the_jets_gradient() {
        let mut rng = Rng::new(7, 11);
        let mut checked = 0;
        for _ in 0..300 {
            let text = random_formula(&mut rng, 4);
            let Ok(e) = Expr::parse(&text) else {
                continue;
            };
            let s = Symbolic::of(&e);
            let (Some(f), Some(dx), Some(dy)) = (s.f, s.dfdx, s.dfdy) else {
                continue;
            };
            let params = [0.9];
            for &(x, y) in &POINTS {
                let j = e.jet(x, y, &params);
                if !(j.v.is_finite() && j.dx.is_finite() && j.dy.is_finite()) || j.v.abs() > 1e6 {
                    continue;
                }
                for (got, want, what) in [
                    (f.eval(x, y, &params), j.v, f.plain()),
                    (dx.eval(x, y, &params), j.dx, dx.plain()),
                    (dy.eval(x, y, &params), j.dy, dy.plain()),
                ] {
                    assert!(
                        close(got, want),
                        "{text} at ({x}, {y}): {what} = {got}, jet {want}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 600, "{checked}");
    }

    #[test]
    fn numbers_read_short() {
        let text = |v: f64| {
            let mut s = String::new();
            plain_number(v, &mut s);
            s
        };
        assert_eq!(text(0.1 * 3.0), "0.3");
        assert_eq!(text(100.0), "100");
        assert_eq!(text(2.5), "2.5");
        assert_eq!(text(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(text(1e-5), "10⁻⁵");
        assert_eq!(text(2.5e12), "2.5×10¹²");
        assert_eq!(text(f64::INFINITY), "∞");
        assert_eq!(Q::new(1.0, 3.0), Q { n: 1.0, d: 3.0 });
        assert_eq!(Q::new(6.0, 4.0), Q { n: 3.0, d: 2.0 });
        assert_eq!(Q::new(1.0, 0.3), Q { n: 10.0, d: 3.0 });
        assert_eq!(Q::new(1.0, 8.0), Q { n: 1.0, d: 8.0 });
        assert_eq!(Q::new(2.0, -4.0), Q { n: -1.0, d: 2.0 });
        assert_eq!(Q::new(1.0, 2.0).add(Q::new(1.0, 3.0)), Q { n: 5.0, d: 6.0 });
        assert_eq!(Q::int(0.5).mul(Q::new(1.0, 3.0)), Q { n: 1.0, d: 6.0 });
    }

    #[test]
    fn long_or_deep_formulas_are_refused_not_overflowed() {
        let deep = [
            format!("{}x{}", "sin(".repeat(99), ")".repeat(99)),
            format!("x{}", "^x".repeat(100)),
            format!("{}x{}", "(1 + ".repeat(60), ")^2".repeat(60)),
            format!("{}x", "-".repeat(100)),
            format!("{}x{}", "exp(x*".repeat(70), ")".repeat(70)),
            format!("{}x{}", "(x*y+".repeat(80), ")".repeat(80)),
            format!("{}y", "x^".repeat(100)),
            "x*".repeat(249) + "x",
            "sin(x*y)*".repeat(50) + "x",
            (1..=60).map(|k| format!("(x+{k})*")).collect::<String>() + "x",
            format!("{}x{}", "(x+y*x^".repeat(50), ")".repeat(50)),
            format!("{}x{}", "sqrt(1+".repeat(50), ")".repeat(50)),
            format!("{}y{}", "(y+".repeat(80), "*x)".repeat(80)),
        ];
        let exprs: Vec<Expr> = deep
            .iter()
            .map(|t| Expr::parse(t).unwrap_or_else(|err| panic!("{t}: {err}")))
            .collect();
        // On half a MiB of stack, in a debug build (the page's is 1 MiB).
        let run = move || {
            for e in &exprs {
                let s = Symbolic::of(e);
                for f in [&s.f, &s.dfdx, &s.dfdy].into_iter().flatten() {
                    assert!(f.nodes() <= MAX_NODES);
                    assert!(!f.plain().is_empty());
                    well_formed(&f.mathml()).unwrap();
                }
            }
        };
        std::thread::Builder::new()
            .stack_size(512 << 10)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
        // A product of 61 factors: its derivative has 61 terms of 61 factors.
        let s = Symbolic::of(&Expr::parse(&deep[9]).unwrap());
        assert!(s.f.is_some() && s.dfdx.is_none());
        // x*x*…*x is x²⁵⁰.
        let s = Symbolic::of(&Expr::parse(&deep[7]).unwrap());
        assert_eq!(s.f.unwrap().plain(), "x^250");
        assert_eq!(s.dfdx.unwrap().plain(), "250·x^249");
        assert_eq!(s.dfdy.unwrap().plain(), "0");
    }
}
