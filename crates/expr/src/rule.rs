//! Update rules typed by a user: assignments in the formula language, run
//! at every step of an optimizer over all of its coordinates.
//!
//! ```text
//! v = mu*v + g
//! theta = theta - lr*v
//! ```
//!
//! Each line (a `;` also ends one; `#` starts a comment) is `name = formula`,
//! where the name is `theta` or a state variable. A line is computed for
//! every coordinate before the next line runs. The names a formula may use:
//! per coordinate `g` (the gradient), `theta` and each state variable; per
//! step `lr`, `t` (the step number, from 1), `loss` and each named number of
//! the rule (its hyperparameters); the constants `pi` and `e`; every function
//! of the formula language, `sign`, and the reductions over the coordinates
//! `norm` (Euclidean), `sum` and `mean`.
//!
//! A line compiles to the formula language's tape. Its operations that read
//! only per-step names are computed once per step, the others once per
//! coordinate, each operation over all the coordinates at once; a reduction
//! reads its argument's every coordinate. Nothing is ever run as script.

use crate::formula::{signum, Expr, ExprError, Op, Reduction, MAX_PARAMS};
use crate::symbolic;
use optiviz_base::powers::power_of_step;

/// The most statements a rule may hold.
pub const MAX_LINES: usize = 20;
/// The longest rule accepted, in characters, all its lines together.
pub const MAX_RULE_LEN: usize = 2000;
/// The most state variables, and the most named numbers, a rule may declare.
pub const MAX_NAMES: usize = MAX_PARAMS;
/// The longest name of a state variable or a named number.
pub const MAX_NAME_LEN: usize = 24;

/// The names that hold one value per coordinate, before the state's.
const COORDINATE: [&str; 2] = ["g", "theta"];
/// The names that hold one value per step, before the named numbers.
const STEP: [&str; 3] = ["lr", "t", "loss"];
/// The rule's own functions, beside the formula language's.
const RULE_FUNCTIONS: [&str; 4] = ["sign", "norm", "sum", "mean"];

/// What is wrong with a rule: the line (1-based, as typed) and column
/// (1-based, in characters of that line) where it was found, when there is
/// one, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    /// The 1-based line; `None` when it is about the whole rule.
    pub line: Option<usize>,
    /// The 1-based column within the line.
    pub column: Option<usize>,
    /// What is wrong and what to do, without the place.
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

/// Why `name` cannot be a state variable or a named number of a rule;
/// `None` when it can.
pub fn name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("is empty; a name is a letter followed by letters, digits or _".into());
    };
    if !first.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(
            "a name is a letter followed by letters, digits or _ (such as v, m2 or beta_1)".into(),
        );
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!("is longer than {MAX_NAME_LEN} characters"));
    }
    let given = COORDINATE.contains(&name) || STEP.contains(&name);
    if given {
        return Some(format!(
            "is a name every rule already has ({}); choose another",
            COORDINATE
                .iter()
                .chain(&STEP)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // The state's step count is kept under `step`, as torch keeps it.
    if name == "step" {
        return Some(
            "is the name of the step count in the optimizer's state; choose another".into(),
        );
    }
    let taken = matches!(name, "pi" | "e" | "x" | "y")
        || RULE_FUNCTIONS.contains(&name)
        || crate::formula::is_function(name);
    taken.then(|| "is a constant or a function of the formula language; choose another".into())
}

/// One assignment of a rule.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    /// The 1-based line it was typed on.
    number: usize,
    /// The name assigned: 1 for `theta`, 2 + k for state variable k.
    target: usize,
    /// The right side.
    expr: Expr,
    /// Per operation of the tape, whether its value is the same for every
    /// coordinate (computed once per step).
    uniform: Vec<bool>,
    /// Per operation, whether it reads only numbers and named numbers: the
    /// same at every step (a base of β^t, whose powers are remembered).
    fixed: Vec<bool>,
}

/// A compiled update rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Every name, in the order the tapes index them: `g`, `theta`, the
    /// state variables, `lr`, `t`, `loss`, the named numbers.
    names: Vec<String>,
    /// How many state variables there are.
    state: usize,
    lines: Vec<Line>,
    /// Every line as one pass per coordinate, for a rule without reductions.
    fused: Option<Fused>,
}

impl Ins {
    /// The register it writes and those it reads.
    fn registers(&self) -> (usize, [Option<usize>; 2]) {
        match *self {
            Ins::Const(d, _) | Ins::Step(d, _) => (d, [None, None]),
            Ins::Neg(d, a)
            | Ins::Powc(d, a, _)
            | Ins::PowStep(d, a)
            | Ins::Call1(d, _, a)
            | Ins::Sign(d, a)
            | Ins::Sqrt(d, a)
            | Ins::Square(d, a) => (d, [Some(a), None]),
            Ins::Add(d, a, b)
            | Ins::Sub(d, a, b)
            | Ins::Mul(d, a, b)
            | Ins::Div(d, a, b)
            | Ins::Pow(d, a, b)
            | Ins::Call2(d, _, a, b) => (d, [Some(a), Some(b)]),
        }
    }
}

/// One instruction over registers: `r[d] = f(r[a], r[b])`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ins {
    Const(usize, f64),
    /// A per-step name: `lr`, `t`, `loss` or a named number, by its index
    /// past the per-coordinate names.
    Step(usize, usize),
    Neg(usize, usize),
    Add(usize, usize, usize),
    Sub(usize, usize, usize),
    Mul(usize, usize, usize),
    Div(usize, usize, usize),
    Powc(usize, usize, f64),
    Pow(usize, usize, usize),
    /// base^t for the step t, remembered per step.
    PowStep(usize, usize),
    Call1(usize, crate::formula::F1, usize),
    Call2(usize, crate::formula::F2, usize, usize),
    Sign(usize, usize),
    Sqrt(usize, usize),
    /// u², as u·u (torch's and the formula language's square).
    Square(usize, usize),
}

/// A rule without reductions compiled to run every line for a few
/// coordinates (one per lane of its registers) before the next few: a
/// coordinate's values after a line depend only on its own values before
/// it and on per-step numbers, so this gives the same bits as running each
/// line over every coordinate, with far less work per operation.
#[derive(Debug, Clone, PartialEq)]
struct Fused {
    /// Computed once, from the numbers and the named numbers alone (1 − β₁).
    fixed: Vec<Ins>,
    /// Computed once per step (from lr, t or loss).
    uniform: Vec<Ins>,
    /// Computed for each coordinate.
    coordinate: Vec<Ins>,
    /// How many registers there are; the first ones hold the
    /// per-coordinate names as loaded.
    registers: usize,
    /// The per-coordinate names read before they are assigned, each loaded
    /// into the register of its index.
    loads: Vec<usize>,
    /// Each per-coordinate name assigned, and the register holding its new value.
    stores: Vec<(usize, usize)>,
}

impl Fused {
    fn compile(lines: &[Line], coordinates: usize) -> Option<Fused> {
        let mut uniform = Vec::new();
        let mut coordinate = Vec::new();
        // Name i is in register holds[i]; registers past them are the slots.
        let mut holds: Vec<usize> = (0..coordinates).collect();
        let mut next = coordinates;
        // Each number and per-step name is loaded once, in the register given here.
        let mut leaves: Vec<(Op, usize)> = Vec::new();
        // Whether a name is read before the rule assigns it (else it is not loaded).
        let mut read = vec![false; coordinates];
        for line in lines {
            let tape = line.expr.tape();
            let mut reg = vec![0; tape.len()];
            for (k, op) in tape.iter().enumerate() {
                let d = next;
                let r = |a: usize| reg[a];
                if let Some(&(_, at)) = leaves.iter().find(|(leaf, _)| leaf == op) {
                    reg[k] = at;
                    continue;
                }
                let ins = match *op {
                    Op::Reduce(..) | Op::X | Op::Y => return None,
                    Op::Param(i) if i < coordinates => {
                        read[i] |= holds[i] == i;
                        reg[k] = holds[i];
                        continue;
                    }
                    Op::Call1(crate::formula::F1::Sqrt, a) => Ins::Sqrt(d, r(a)),
                    Op::Powc(a, 2.0) => Ins::Square(d, r(a)),
                    Op::Param(i) => Ins::Step(d, i - coordinates),
                    Op::Const(c) => Ins::Const(d, c),
                    Op::Neg(a) => Ins::Neg(d, r(a)),
                    Op::Add(a, b) => Ins::Add(d, r(a), r(b)),
                    Op::Sub(a, b) => Ins::Sub(d, r(a), r(b)),
                    Op::Mul(a, b) => Ins::Mul(d, r(a), r(b)),
                    Op::Div(a, b) => Ins::Div(d, r(a), r(b)),
                    Op::Powc(a, c) => Ins::Powc(d, r(a), c),
                    Op::Pow(a, b) if line.fixed[a] && tape[b] == Op::Param(coordinates + 1) => {
                        Ins::PowStep(d, r(a))
                    }
                    Op::Pow(a, b) => Ins::Pow(d, r(a), r(b)),
                    Op::Call1(f, a) => Ins::Call1(d, f, r(a)),
                    Op::Call2(f, a, b) => Ins::Call2(d, f, r(a), r(b)),
                    Op::Sign(a) => Ins::Sign(d, r(a)),
                };
                reg[k] = d;
                next += 1;
                if matches!(op, Op::Param(_) | Op::Const(_)) {
                    leaves.push((*op, d));
                }
                match line.uniform[k] {
                    true => uniform.push(ins),
                    false => coordinate.push(ins),
                }
            }
            holds[line.target] = reg[tape.len() - 1];
        }
        let stores = (0..coordinates)
            .filter(|&i| holds[i] != i)
            .map(|i| (i, holds[i]))
            .collect();
        let loads = (0..coordinates).filter(|&i| read[i]).collect();
        // Only what a store needs, as the runs go: an exponent's t read by
        // the power itself, an unused number, fall away.
        let mut live = vec![false; next];
        for &(_, from) in &stores {
            live[from] = true;
        }
        let mut keep = |list: &mut Vec<Ins>| {
            let mut kept: Vec<Ins> = Vec::with_capacity(list.len());
            for ins in list.drain(..).rev() {
                let (d, operands) = ins.registers();
                if live[d] {
                    operands.into_iter().flatten().for_each(|a| live[a] = true);
                    kept.push(ins);
                }
            }
            kept.reverse();
            *list = kept;
        };
        keep(&mut coordinate);
        keep(&mut uniform);
        // What reads neither lr, t nor loss, directly or through an earlier
        // result, is the same at every step.
        let mut moves = vec![false; next];
        let (fixed, uniform): (Vec<Ins>, Vec<Ins>) = uniform.into_iter().partition(|ins| {
            let (d, operands) = ins.registers();
            let own = match *ins {
                Ins::Step(_, k) => k < STEP.len(),
                Ins::PowStep(..) => true,
                _ => false,
            };
            moves[d] = own || operands.into_iter().flatten().any(|a| moves[a]);
            !moves[d]
        });
        Some(Fused {
            fixed,
            uniform,
            coordinate,
            registers: next,
            loads,
            stores,
        })
    }

    /// Runs the per-step instructions once: each result in every lane.
    fn run_uniform(ins: &[Ins], r: &mut [Lanes], step: &[f64], t: u64) {
        for i in ins {
            let x = |a: usize| r[a][0];
            let (d, v) = match *i {
                Ins::Const(d, c) => (d, c),
                Ins::Step(d, k) => (d, step[k]),
                Ins::Neg(d, a) => (d, -x(a)),
                Ins::Add(d, a, b) => (d, x(a) + x(b)),
                Ins::Sub(d, a, b) => (d, x(a) - x(b)),
                Ins::Mul(d, a, b) => (d, x(a) * x(b)),
                Ins::Div(d, a, b) => (d, x(a) / x(b)),
                Ins::Powc(d, a, c) => (d, crate::formula::powc(x(a), c)),
                Ins::Pow(d, a, b) => (d, libm::pow(x(a), x(b))),
                Ins::PowStep(d, a) => (d, power_of_step(x(a), t)),
                Ins::Call1(d, f, a) => (d, crate::formula::unary_value(f, x(a))),
                Ins::Call2(d, f, a, b) => (d, crate::formula::binary_value(f, x(a), x(b))),
                Ins::Sign(d, a) => (d, signum(x(a))),
                Ins::Sqrt(d, a) => (d, x(a).sqrt()),
                Ins::Square(d, a) => (d, x(a) * x(a)),
            };
            r[d] = [v; LANES];
        }
    }

    /// Runs the per-coordinate instructions on up to [`LANES`] coordinates
    /// at once, one in each lane (`lanes` of them hold one).
    fn run_lanes(ins: &[Ins], r: &mut [Lanes], lanes: usize) {
        // Written out lane by lane, and always inlined: the page's module is
        // optimized for size, which would otherwise leave a call per lane.
        #[inline(always)]
        fn each(r: &mut [Lanes], d: usize, a: usize, f: impl Fn(f64) -> f64) {
            let [a0, a1] = r[a];
            r[d] = [f(a0), f(a1)];
        }
        #[inline(always)]
        fn both(r: &mut [Lanes], d: usize, a: usize, b: usize, f: impl Fn(f64, f64) -> f64) {
            let ([a0, a1], [b0, b1]) = (r[a], r[b]);
            r[d] = [f(a0, b0), f(a1, b1)];
        }
        fn used(
            r: &mut [Lanes],
            d: usize,
            a: usize,
            b: usize,
            lanes: usize,
            f: impl Fn(f64, f64) -> f64,
        ) {
            let (a, b) = (r[a], r[b]);
            for ((out, a), b) in r[d][..lanes].iter_mut().zip(&a).zip(&b) {
                *out = f(*a, *b);
            }
        }
        for i in ins {
            match *i {
                Ins::Const(d, c) => r[d] = [c; LANES],
                Ins::Step(..) | Ins::PowStep(..) => {
                    unreachable!("a per-step instruction is never per coordinate")
                }
                Ins::Neg(d, a) => each(r, d, a, |a| -a),
                Ins::Add(d, a, b) => both(r, d, a, b, |a, b| a + b),
                Ins::Sub(d, a, b) => both(r, d, a, b, |a, b| a - b),
                Ins::Mul(d, a, b) => both(r, d, a, b, |a, b| a * b),
                Ins::Div(d, a, b) => both(r, d, a, b, |a, b| a / b),
                // The machine's square root: exactly rounded, so the bits of
                // libm's, which in WebAssembly is a routine in software.
                Ins::Sqrt(d, a) => each(r, d, a, f64::sqrt),
                Ins::Square(d, a) => each(r, d, a, |a| a * a),
                Ins::Sign(d, a) => each(r, d, a, signum),
                // The costly calls only in the lanes in use.
                Ins::Powc(d, a, c) => used(r, d, a, a, lanes, |a, _| crate::formula::powc(a, c)),
                Ins::Pow(d, a, b) => used(r, d, a, b, lanes, libm::pow),
                Ins::Call1(d, f, a) => {
                    used(r, d, a, a, lanes, |a, _| crate::formula::unary_value(f, a))
                }
                Ins::Call2(d, f, a, b) => used(r, d, a, b, lanes, |a, b| {
                    crate::formula::binary_value(f, a, b)
                }),
            }
        }
    }
}

/// How many coordinates a fused rule steps at once.
const LANES: usize = 2;
/// One register of a fused rule: a value per coordinate stepped at once.
type Lanes = [f64; LANES];

/// Scratch space for [`Program::step`], reused between steps.
#[derive(Debug, Clone, Default)]
pub struct Work {
    values: Vec<f64>,
    /// Where the fused rule whose fixed part the registers hold lives (0
    /// for none yet).
    fixed_for: usize,
    /// A fused rule's registers.
    lanes: Vec<Lanes>,
    /// The per-step numbers: lr, t, loss, the named numbers.
    step: Vec<f64>,
}

/// The statements of `text`: each with its line number, the column its
/// text starts at, and its text (a comment cut off).
fn statements(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let mut column = 1;
        for part in line.split(';') {
            if !part.trim().is_empty() {
                out.push((i + 1, column, part));
            }
            column += part.chars().count() + 1;
        }
    }
    out
}

impl Program {
    /// Compiles `update` with these state variables and named numbers (each
    /// already accepted by [`name_problem`]). Every problem is found before
    /// anything runs; the first is returned.
    pub fn parse(update: &str, state: &[&str], hyper: &[&str]) -> Result<Program, RuleError> {
        let whole = |message: String| RuleError {
            line: None,
            column: None,
            message,
        };
        let length = update.chars().count();
        if length > MAX_RULE_LEN {
            return Err(whole(format!(
                "is {length} characters long; at most {MAX_RULE_LEN}"
            )));
        }
        if state.len() > MAX_NAMES || hyper.len() > MAX_NAMES {
            return Err(whole(format!(
                "declares {} state variables and {} numbers; at most {MAX_NAMES} of each",
                state.len(),
                hyper.len()
            )));
        }
        let names: Vec<String> = COORDINATE
            .iter()
            .chain(state)
            .chain(&STEP)
            .chain(hyper)
            .map(|s| s.to_string())
            .collect();
        let found = statements(update);
        if found.is_empty() {
            return Err(whole(
                "is empty; write one assignment per line, such as theta = theta - lr*g".into(),
            ));
        }
        if found.len() > MAX_LINES {
            return Err(whole(format!(
                "has {} statements; at most {MAX_LINES}",
                found.len()
            )));
        }
        let coordinates = COORDINATE.len() + state.len();
        let mut lines = Vec::with_capacity(found.len());
        for (number, start, text) in found {
            let at = |column: Option<usize>, message: String| RuleError {
                line: Some(number),
                column,
                message,
            };
            let offset = |chars: usize| start + chars;
            let Some((left, right)) = text.split_once('=') else {
                let lead = text.chars().take_while(|c| c.is_whitespace()).count();
                return Err(at(
                    Some(offset(lead)),
                    "is not an assignment; write name = formula, such as theta = theta - lr*g"
                        .into(),
                ));
            };
            let left_chars = left.chars().count();
            let target = Self::target(left, state, hyper).map_err(|m| {
                let lead = left.chars().take_while(|c| c.is_whitespace()).count();
                at(Some(offset(lead.min(left_chars))), m)
            })?;
            if let Some(i) = right.chars().position(|c| c == '=') {
                return Err(at(
                    Some(offset(left_chars + 1 + i)),
                    "a second '='; one assignment per line (or end it with ';')".into(),
                ));
            }
            let expr = Expr::parse_in(right, &names).map_err(|e: ExprError| {
                let shift = |c: usize| offset(left_chars + c);
                at(e.column.map(shift), columns_shifted(&e.message, shift))
            })?;
            let mut expr = expr;
            // A line that only names another (`v = g`) copies it through a
            // slot of its own: ×1 keeps every bit, −0 and NaN too.
            if let Some(&Op::Param(i)) = expr.tape().last() {
                if i < coordinates {
                    let one = expr.push(Op::Const(1.0));
                    expr.push(Op::Mul(one - 1, one));
                }
            }
            let uniform = uniform_ops(&expr, coordinates);
            let fixed = fixed_ops(&expr, coordinates + STEP.len());
            lines.push(Line {
                number,
                target,
                expr,
                uniform,
                fixed,
            });
        }
        if !lines.iter().any(|l| l.target == 1) {
            return Err(whole(
                "never assigns theta, so nothing would move; add a line such as theta = theta - lr*g"
                    .into(),
            ));
        }
        Ok(Program {
            names,
            state: state.len(),
            fused: Fused::compile(&lines, coordinates),
            lines,
        })
    }

    /// The name assigned by a line whose left side is `left`.
    fn target(left: &str, state: &[&str], hyper: &[&str]) -> Result<usize, String> {
        let name = left.trim();
        let assignable = || {
            let mut names = vec!["theta"];
            names.extend(state);
            names.join(", ")
        };
        if name.is_empty() {
            return Err(format!(
                "nothing before '='; write the name assigned ({})",
                assignable()
            ));
        }
        if name == "theta" {
            return Ok(1);
        }
        if let Some(k) = state.iter().position(|s| *s == name) {
            return Ok(2 + k);
        }
        Err(match name {
            "g" => format!(
                "g is the gradient the step received and cannot be assigned; assign {}",
                assignable()
            ),
            _ if STEP.contains(&name) => format!(
                "{name} is set at each step, not by the rule; assign {}",
                assignable()
            ),
            _ if hyper.contains(&name) => format!(
                "{name} is a number of the rule, set on its card, not by the rule; to change it as the rule runs, make it a state variable instead (and not a number), or assign {}",
                assignable()
            ),
            _ if name_problem(name).is_none() => format!(
                "{name} is not a state variable; declare it under \"state\" with its first value (\"{name}\": 0), or assign {}",
                assignable()
            ),
            _ => format!(
                "the left of '=' is the name assigned: {}",
                assignable()
            ),
        })
    }

    /// The state variables' names, in order.
    pub fn state_names(&self) -> &[String] {
        &self.names[COORDINATE.len()..COORDINATE.len() + self.state]
    }

    /// Whether a formula of the rule reads `loss`.
    pub fn uses_loss(&self) -> bool {
        let loss = COORDINATE.len() + self.state + 2;
        self.lines
            .iter()
            .any(|l| l.expr.tape().contains(&Op::Param(loss)))
    }

    /// How many operations a step runs per coordinate, for bounding a run's work.
    pub fn work(&self) -> usize {
        self.lines.iter().map(|l| l.expr.tape().len()).sum()
    }

    /// The rule as mathematics: one `<math display="block">` holding a
    /// table of `name ← formula`, one row per line, names shown as θ, γ
    /// (the rate), β₁; `None` when a line is too long to show.
    pub fn mathml(&self) -> Option<String> {
        let shown = display_names(&self.names);
        let mut out =
            String::from("<math display=\"block\"><mtable columnalign=\"right center left\">");
        for line in &self.lines {
            let rhs = symbolic::named(&line.expr, &shown)?;
            out.push_str(&format!(
                "<mtr><mtd><mi>{}</mi></mtd><mtd><mo>←</mo></mtd><mtd>{}</mtd></mtr>",
                optiviz_base::markup::escape(&shown[line.target]),
                rhs.mathml_row()
            ));
        }
        out.push_str("</mtable></math>");
        Some(out)
    }

    /// How `name` (one of the rule's) is shown in its mathematics: `beta1`
    /// as β₁; `None` for a name the rule does not have.
    pub fn shown(&self, name: &str) -> Option<String> {
        let at = self.names.iter().position(|n| n == name)?;
        display_names(&self.names).into_iter().nth(at)
    }

    /// The rule as plain text, one `name ← formula` per line, as
    /// [`Program::mathml`] shows it.
    pub fn plain(&self) -> Vec<String> {
        let shown = display_names(&self.names);
        self.lines
            .iter()
            .map(|line| {
                let rhs = symbolic::named(&line.expr, &shown)
                    .map_or_else(|| "…".to_string(), |f| f.plain());
                format!("{} ← {rhs}", shown[line.target])
            })
            .collect()
    }

    /// One step: every line in order over all coordinates. `state[k]` is
    /// state variable k, as long as `theta`; `hyper` the named numbers in
    /// their declared order.
    #[allow(clippy::too_many_arguments)]
    pub fn step<S: AsRef<[f64]> + AsMut<[f64]>>(
        &self,
        work: &mut Work,
        theta: &mut [f64],
        g: &[f64],
        state: &mut [S],
        lr: f64,
        t: f64,
        loss: f64,
        hyper: &[f64],
    ) {
        let n = theta.len();
        let stride = n.max(1);
        let coordinates = COORDINATE.len() + self.state;
        if let Some(f) = &self.fused {
            let numbers = &mut work.step;
            let r = &mut work.lanes;
            if r.len() < f.registers {
                r.resize(f.registers, [0.0; LANES]);
            }
            // The numbers the rule was last run with, and their results, are
            // kept while they hold.
            let at = f as *const Fused as usize;
            let fresh = work.fixed_for != at
                || numbers.len() != STEP.len() + hyper.len()
                || numbers[STEP.len()..] != *hyper;
            numbers.clear();
            numbers.extend([lr, t, loss]);
            numbers.extend_from_slice(hyper);
            if fresh {
                Fused::run_uniform(&f.fixed, r, numbers, t as u64);
                work.fixed_for = at;
            }
            Fused::run_uniform(&f.uniform, r, numbers, t as u64);
            for at in (0..n).step_by(LANES) {
                let lanes = LANES.min(n - at);
                for &name in &f.loads {
                    let from: &[f64] = match name {
                        0 => g,
                        1 => theta,
                        k => state[k - COORDINATE.len()].as_ref(),
                    };
                    r[name][..lanes].copy_from_slice(&from[at..at + lanes]);
                }
                Fused::run_lanes(&f.coordinate, r, lanes);
                for &(name, from) in &f.stores {
                    let to: &mut [f64] = match name {
                        1 => theta,
                        k => state[k - COORDINATE.len()].as_mut(),
                    };
                    to[at..at + lanes].copy_from_slice(&r[from][..lanes]);
                }
            }
            return;
        }
        let step = coordinates + 1;
        for line in &self.lines {
            let tape = line.expr.tape();
            let values = &mut work.values;
            // Every slot is written before it is read: no need to clear.
            if values.len() < tape.len() * stride {
                values.resize(tape.len() * stride, 0.0);
            }
            {
                let (theta, state): (&[f64], &[S]) = (theta, state);
                // A per-coordinate name is read where it lives, not copied.
                let vector = |i: usize| -> &[f64] {
                    match i {
                        0 => g,
                        1 => theta,
                        _ => state[i - COORDINATE.len()].as_ref(),
                    }
                };
                for (k, op) in tape.iter().enumerate() {
                    let (done, rest) = values.split_at_mut(k * stride);
                    let len = if line.uniform[k] { 1 } else { n };
                    let dst = &mut rest[..len];
                    // An operand's values, and 0 or 1: how far to move per coordinate.
                    let arg = |a: usize| -> (&[f64], usize) {
                        match (tape[a], line.uniform[a]) {
                            (Op::Param(i), _) if i < coordinates => (vector(i), 1),
                            (_, true) => (&done[a * stride..a * stride + 1], 0),
                            (_, false) => (&done[a * stride..a * stride + n], 1),
                        }
                    };
                    match *op {
                        // Read in place by the operations that use it.
                        Op::Param(i) if i < coordinates => {}
                        Op::Const(c) => dst[0] = c,
                        Op::Param(i) => {
                            dst[0] = match i - coordinates {
                                0 => lr,
                                1 => t,
                                2 => loss,
                                h => hyper[h - STEP.len()],
                            }
                        }
                        Op::X | Op::Y => dst.fill(f64::NAN),
                        Op::Neg(a) => map1(dst, arg(a), |a| -a),
                        Op::Add(a, b) => map2(dst, arg(a), arg(b), |a, b| a + b),
                        Op::Sub(a, b) => map2(dst, arg(a), arg(b), |a, b| a - b),
                        Op::Mul(a, b) => map2(dst, arg(a), arg(b), |a, b| a * b),
                        Op::Div(a, b) => map2(dst, arg(a), arg(b), |a, b| a / b),
                        Op::Powc(a, c) => map1(dst, arg(a), |a| crate::formula::powc(a, c)),
                        // β^t, a bias correction: remembered per step, the
                        // same bits as libm's pow.
                        Op::Pow(a, b) if line.fixed[a] && tape[b] == Op::Param(step) => {
                            dst[0] = power_of_step(arg(a).0[0], t as u64)
                        }
                        Op::Pow(a, b) => map2(dst, arg(a), arg(b), libm::pow),
                        Op::Call1(f, a) => map1(dst, arg(a), |a| crate::formula::unary_value(f, a)),
                        Op::Call2(f, a, b) => map2(dst, arg(a), arg(b), |a, b| {
                            crate::formula::binary_value(f, a, b)
                        }),
                        Op::Sign(a) => map1(dst, arg(a), signum),
                        Op::Reduce(r, a) => dst[0] = reduce(r, arg(a), n),
                    }
                }
            }
            let last = tape.len() - 1;
            let target: &mut [f64] = match line.target {
                1 => theta,
                k => state[k - COORDINATE.len()].as_mut(),
            };
            match line.uniform[last] {
                true => target.fill(values[last * stride]),
                false => target.copy_from_slice(&values[last * stride..last * stride + n]),
            }
        }
    }
}

/// `message` with the column it names (`… at column 3`) moved by `shift`
/// from the formula's own columns to the line's.
fn columns_shifted(message: &str, shift: impl Fn(usize) -> usize) -> String {
    const AT: &str = "at column ";
    let Some(i) = message.find(AT) else {
        return message.to_string();
    };
    let rest = &message[i + AT.len()..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    match rest[..digits].parse::<usize>() {
        Ok(c) => format!("{}{AT}{}{}", &message[..i], shift(c), &rest[digits..]),
        Err(_) => message.to_string(),
    }
}

/// `dst[i] = f(a[i])`, an operand the same for every coordinate read once.
#[inline]
fn map1(dst: &mut [f64], (a, sa): (&[f64], usize), f: impl Fn(f64) -> f64) {
    for (i, d) in dst.iter_mut().enumerate() {
        *d = f(a[i * sa]);
    }
}

/// `dst[i] = f(a[i], b[i])`.
#[inline]
fn map2(
    dst: &mut [f64],
    (a, sa): (&[f64], usize),
    (b, sb): (&[f64], usize),
    f: impl Fn(f64, f64) -> f64,
) {
    for (i, d) in dst.iter_mut().enumerate() {
        *d = f(a[i * sa], b[i * sb]);
    }
}

/// A reduction over the `n` coordinates of an operand, summed left to right
/// from the first term, as torch's CPU sum of a small vector and
/// [`optiviz-optim`'s `norm`] do; an empty vector sums to 0.
fn reduce(r: Reduction, (a, sa): (&[f64], usize), n: usize) -> f64 {
    let term = |i: usize| match r {
        Reduction::Norm => a[i * sa] * a[i * sa],
        Reduction::Sum | Reduction::Mean => a[i * sa],
    };
    let total = match n {
        0 => 0.0,
        _ => (1..n).fold(term(0), |s, i| s + term(i)),
    };
    match r {
        Reduction::Norm => total.sqrt(),
        Reduction::Sum => total,
        Reduction::Mean => total / n as f64,
    }
}

/// Per operation of `expr`'s tape, whether it reads only numbers and the
/// names from the `first` on (the named numbers): the same at every step.
fn fixed_ops(expr: &Expr, first: usize) -> Vec<bool> {
    spread(expr, |op| match *op {
        Op::Const(_) => Some(true),
        Op::Param(i) => Some(i >= first),
        Op::Reduce(..) | Op::X | Op::Y => Some(false),
        _ => None,
    })
}

/// Per operation of `expr`'s tape, whether it reads no per-coordinate name
/// (the first `coordinates` names) but through a reduction.
fn uniform_ops(expr: &Expr, coordinates: usize) -> Vec<bool> {
    spread(expr, |op| match *op {
        Op::Const(_) | Op::Reduce(..) => Some(true),
        Op::Param(i) => Some(i >= coordinates),
        Op::X | Op::Y => Some(false),
        _ => None,
    })
}

/// A property of each operation of `expr`'s tape: what `leaf` says of a
/// number, a name or a reduction, and of any other operation whether all
/// its operands have it.
fn spread(expr: &Expr, leaf: impl Fn(&Op) -> Option<bool>) -> Vec<bool> {
    let mut has: Vec<bool> = Vec::with_capacity(expr.tape().len());
    for op in expr.tape() {
        let h = leaf(op).unwrap_or_else(|| match *op {
            Op::Neg(a) | Op::Powc(a, _) | Op::Call1(_, a) | Op::Sign(a) => has[a],
            Op::Add(a, b)
            | Op::Sub(a, b)
            | Op::Mul(a, b)
            | Op::Div(a, b)
            | Op::Pow(a, b)
            | Op::Call2(_, a, b) => has[a] && has[b],
            Op::Const(_) | Op::Param(_) | Op::Reduce(..) | Op::X | Op::Y => {
                unreachable!("every leaf is classified by `leaf`")
            }
        });
        has.push(h);
    }
    has
}

/// How names are shown as mathematics: `theta` as θ, `lr` as γ (the rate,
/// as the built-in optimizers' rules write it), a Greek letter's name as
/// the letter (`beta1` as β₁, `eps` as ε), trailing digits as a subscript.
/// A name whose letter another name already shows is kept as typed.
fn display_names(names: &[String]) -> Vec<String> {
    const GREEK: [(&str, &str); 20] = [
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("eps", "ε"),
        ("zeta", "ζ"),
        ("eta", "η"),
        ("theta", "θ"),
        ("kappa", "κ"),
        ("lambda", "λ"),
        ("lam", "λ"),
        ("mu", "μ"),
        ("nu", "ν"),
        ("rho", "ρ"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("phi", "φ"),
        ("psi", "ψ"),
        ("omega", "ω"),
    ];
    let subscript = |d: char| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d);
    let mut shown: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let stem = stem.strip_suffix('_').unwrap_or(stem);
        let digits: String = name[stem.len()..]
            .trim_start_matches('_')
            .chars()
            .map(subscript)
            .collect();
        let letter = match name.as_str() {
            "lr" => Some("γ"),
            _ => GREEK.iter().find(|(w, _)| *w == stem).map(|(_, l)| *l),
        };
        let candidate = letter.map(|l| format!("{l}{digits}"));
        let label = match candidate {
            Some(c) if !shown.contains(&c) && !names.contains(&c) => c,
            _ => name.clone(),
        };
        shown.push(label);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(update: &str, state: &[&str], hyper: &[&str]) -> Program {
        Program::parse(update, state, hyper).unwrap()
    }

    fn error(update: &str, state: &[&str], hyper: &[&str]) -> String {
        Program::parse(update, state, hyper)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn momentum_steps_as_written() {
        let p = program("v = mu*v + g\ntheta = theta - lr*v", &["v"], &["mu"]);
        let mut theta = vec![1.0, -2.0, 3.0];
        let mut state = vec![vec![0.0; 3]];
        let mut work = Work::default();
        let mut want_v = [0.0; 3];
        let mut want = theta.clone();
        for t in 1..=5 {
            let g: Vec<f64> = theta.iter().map(|x| 2.0 * x).collect();
            p.step(
                &mut work,
                &mut theta,
                &g,
                &mut state,
                0.1,
                t as f64,
                0.0,
                &[0.9],
            );
            for i in 0..3 {
                want_v[i] = 0.9 * want_v[i] + 2.0 * want[i];
                want[i] -= 0.1 * want_v[i];
            }
            assert_eq!(theta, want);
            assert_eq!(state[0], want_v);
        }
    }

    #[test]
    fn reductions_read_every_coordinate_and_step_names_are_shared() {
        let p = program(
            "s = sum(g); m = mean(g) + t; theta = theta - lr*g/norm(g) + 0*s*loss",
            &["s", "m"],
            &[],
        );
        let mut theta = vec![0.0, 0.0];
        let mut state = vec![vec![0.0; 2], vec![0.0; 2]];
        p.step(
            &mut Work::default(),
            &mut theta,
            &[3.0, 4.0],
            &mut state,
            0.5,
            2.0,
            1.0,
            &[],
        );
        assert_eq!(state[0], [7.0, 7.0]);
        assert_eq!(state[1], [5.5, 5.5]);
        assert_eq!(theta, [-0.5 * 0.6, -0.5 * 0.8]);
        assert!(p.uses_loss());
    }

    #[test]
    fn sign_is_torchs() {
        let p = program("theta = sign(theta)", &[], &[]);
        let mut theta = vec![-0.0, 0.0, f64::NAN, -3.0, 2.0];
        let g = theta.clone();
        p.step::<Vec<f64>>(
            &mut Work::default(),
            &mut theta,
            &g,
            &mut [],
            0.0,
            1.0,
            0.0,
            &[],
        );
        assert_eq!(theta.map_bits(), [0.0, 0.0, 0.0, -1.0, 1.0].map_bits());
    }

    trait Bits {
        fn map_bits(&self) -> Vec<u64>;
    }
    impl<T: AsRef<[f64]>> Bits for T {
        fn map_bits(&self) -> Vec<u64> {
            self.as_ref().iter().map(|x| x.to_bits()).collect()
        }
    }

    #[test]
    fn bad_rules_name_the_line_the_column_and_what_to_do() {
        let v = &["v"][..];
        assert_eq!(
            error("v = mu*v + g\ntheta = theta - lr*vv", v, &["mu"]),
            "line 2, column 20: unknown name 'vv'; did you mean 'v'?"
        );
        assert_eq!(
            error("w = g\ntheta = theta - lr*g", v, &[]),
            "line 1, column 1: w is not a state variable; declare it under \"state\" with its first value (\"w\": 0), or assign theta, v"
        );
        assert_eq!(
            error("v = g", v, &[]),
            "never assigns theta, so nothing would move; add a line such as theta = theta - lr*g"
        );
        assert_eq!(
            error("theta = theta - lr*(g", &[], &[]),
            "line 1, column 22: expected ')' to close the '(' at column 20"
        );
        assert_eq!(
            error("  g = 0; theta = theta", &[], &[]),
            "line 1, column 3: g is the gradient the step received and cannot be assigned; assign theta"
        );
        assert_eq!(
            error("theta = theta; lr = 2", &[], &[]),
            "line 1, column 16: lr is set at each step, not by the rule; assign theta"
        );
        assert_eq!(
            error("theta = theta - 2lr", &[], &[]),
            "line 1, column 18: write 2*lr for a product"
        );
        assert_eq!(
            error("theta - lr*g", &[], &[]),
            "line 1, column 1: is not an assignment; write name = formula, such as theta = theta - lr*g"
        );
        assert_eq!(
            error("theta = theta = g", &[], &[]),
            "line 1, column 15: a second '='; one assignment per line (or end it with ';')"
        );
        assert_eq!(
            error("theta = x", &[], &[]),
            "line 1, column 9: unknown name 'x'; the point's coordinates are theta, one at a time"
        );
        assert_eq!(
            error("theta = norm", &[], &[]),
            "line 1, column 9: norm is a function; write norm( )"
        );
        assert_eq!(
            error("# nothing\n\n", &[], &[]),
            "is empty; write one assignment per line, such as theta = theta - lr*g"
        );
        // The formula language's limits, per line and in all.
        let long = format!("theta = theta{}", " + g".repeat(130));
        assert_eq!(
            error(&long, &[], &[]),
            "line 1: the formula after '=' is 526 characters long; at most 500"
        );
        let deep = format!("theta = {}g{}", "(".repeat(150), ")".repeat(150));
        let deep = error(&deep, &[], &[]);
        assert_eq!(deep, "line 1, column 110: nested deeper than 100 levels");
        let many = "theta = theta\n".repeat(21);
        assert_eq!(error(&many, &[], &[]), "has 21 statements; at most 20");
        let huge = format!("theta = theta # {}", "x".repeat(2000));
        assert_eq!(
            error(&huge, &[], &[]),
            "is 2016 characters long; at most 2000"
        );
        let nine: Vec<String> = (0..9).map(|i| format!("h{i}")).collect();
        let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
        assert_eq!(
            error("theta = theta", &[], &nine),
            "declares 0 state variables and 9 numbers; at most 8 of each"
        );
    }

    #[test]
    fn names_are_checked_before_a_rule_is_compiled() {
        assert_eq!(name_problem("mu"), None);
        assert!(name_problem("").unwrap().starts_with("is empty"));
        assert!(name_problem("step").unwrap().contains("step count"));
        assert_eq!(
            error("theta = theta - lr*g; mu = 1", &[], &["mu"]),
            "line 1, column 23: mu is a number of the rule, set on its card, not by the rule; to change it as the rule runs, make it a state variable instead (and not a number), or assign theta"
        );
        assert_eq!(name_problem("beta_1"), None);
        assert!(name_problem("1x")
            .unwrap()
            .starts_with("a name is a letter"));
        assert!(name_problem("lr")
            .unwrap()
            .starts_with("is a name every rule"));
        assert!(name_problem("sqrt").unwrap().contains("function"));
        assert!(name_problem("norm").unwrap().contains("function"));
        assert!(name_problem("pi").unwrap().contains("constant"));
        assert!(name_problem(&"a".repeat(30)).unwrap().contains("longer"));
    }

    #[test]
    fn the_rule_reads_as_mathematics() {
        let p = program(
            "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m/(sqrt(v) + eps)",
            &["m", "v"],
            &["beta1", "eps"],
        );
        let plain = p.plain();
        assert_eq!(plain[0].split(" ← ").next(), Some("m"));
        assert!(plain[1].starts_with("θ ← θ − "), "{}", plain[1]);
        assert!(
            plain[1].contains('γ') && plain[1].contains('ε'),
            "{}",
            plain[1]
        );
        assert!(plain[0].contains("β₁"), "{}", plain[0]);
        assert_eq!(p.shown("beta1").as_deref(), Some("β₁"));
        assert_eq!(p.shown("theta").as_deref(), Some("θ"));
        assert_eq!(p.shown("m").as_deref(), Some("m"));
        assert_eq!(p.shown("nothing"), None);
        let m = p.mathml().unwrap();
        assert!(m.starts_with("<math display=\"block\"><mtable"));
        assert_eq!(m.matches("<mtr>").count(), 2);
        assert!(m.contains("<mi>θ</mi>") && m.contains("<msqrt>"));
    }

    #[test]
    fn one_pass_per_coordinate_gives_the_bits_of_one_pass_per_line() {
        let rules = [
            ("m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g^2\nmhat = m/(1 - beta1^t)\nvhat = v/(1 - beta2^t)\ntheta = theta - lr*mhat/(sqrt(vhat) + eps)", &["m", "v", "mhat", "vhat"][..]),
            ("theta = theta - lr*sign(beta1*m + (1 - beta1)*g)\nm = beta2*m + (1 - beta2)*g", &["m"][..]),
            ("m = lr*t; vhat = g; theta = theta - m*vhat + atan2(theta, eps) - max(g, beta1)*loss; v = theta; mhat = v^beta2", &["m", "v", "mhat", "vhat"][..]),
        ];
        for (update, state) in rules {
            let fused = program(update, state, &["beta1", "beta2", "eps"]);
            assert!(fused.fused.is_some());
            let mut lines = fused.clone();
            lines.fused = None;
            let run = |p: &Program| {
                let mut theta = vec![1.5, -0.5, 0.25];
                let mut s = vec![vec![0.1; 3]; state.len()];
                let mut work = Work::default();
                for t in 1..=20 {
                    let g: Vec<f64> = theta.iter().map(|x| x * x - 0.3).collect();
                    p.step(
                        &mut work,
                        &mut theta,
                        &g,
                        &mut s,
                        0.01,
                        t as f64,
                        0.7,
                        &[0.9, 0.99, 1e-8],
                    );
                }
                (
                    theta.map_bits(),
                    s.iter().map(|v| v.map_bits()).collect::<Vec<_>>(),
                )
            };
            assert_eq!(run(&fused), run(&lines), "{update}");
        }
        assert!(program("theta = theta - g/norm(g)", &[], &[])
            .fused
            .is_none());
    }

    #[test]
    fn a_power_of_t_whose_base_moves_is_computed_each_step() {
        // Only a base of numbers alone is remembered per step: (1 − 0.5/t)^t
        // would otherwise recompute every power up to t at each step.
        let p = program(
            "v = (1 - 0.5/t)^t + beta^t; theta = theta - lr*v",
            &["v"],
            &["beta"],
        );
        let f = p.fused.as_ref().unwrap();
        let all: Vec<&Ins> = f.fixed.iter().chain(&f.uniform).collect();
        assert_eq!(all.iter().filter(|i| matches!(i, Ins::Pow(..))).count(), 1);
        assert_eq!(
            all.iter().filter(|i| matches!(i, Ins::PowStep(..))).count(),
            1
        );
        let mut theta = vec![0.0];
        let mut state = vec![vec![0.0]];
        let mut work = Work::default();
        for t in 1..=4 {
            p.step(
                &mut work,
                &mut theta,
                &[0.0],
                &mut state,
                1.0,
                t as f64,
                0.0,
                &[0.9],
            );
            let t = t as f64;
            assert_eq!(state[0][0], libm::pow(1.0 - 0.5 / t, t) + libm::pow(0.9, t));
        }
    }

    #[test]
    fn a_line_that_only_names_another_copies_it() {
        let p = program("v = g; w = v; theta = theta - lr*w", &["v", "w"], &[]);
        let mut theta = vec![1.0, 2.0];
        let mut state = vec![vec![0.0; 2], vec![0.0; 2]];
        p.step(
            &mut Work::default(),
            &mut theta,
            &[-0.0, 3.0],
            &mut state,
            0.5,
            1.0,
            0.0,
            &[],
        );
        assert_eq!(state[0].map_bits(), [-0.0, 3.0].map_bits());
        assert_eq!(state[1].map_bits(), [-0.0, 3.0].map_bits());
        assert_eq!(theta, [1.0, 0.5]);
    }

    #[test]
    fn a_per_step_part_is_computed_once_and_broadcast() {
        let p = program("v = lr*t; theta = theta - v", &["v"], &[]);
        let mut theta = vec![1.0; 4];
        let mut state = vec![vec![0.0; 4]];
        p.step(
            &mut Work::default(),
            &mut theta,
            &[0.0; 4],
            &mut state,
            0.25,
            2.0,
            0.0,
            &[],
        );
        assert_eq!(state[0], [0.5; 4]);
        assert_eq!(theta, [0.5; 4]);
    }
}
