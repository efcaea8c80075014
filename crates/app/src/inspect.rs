//! One step of one optimizer, explained: its update rule with that step's
//! numbers in place of the symbols, from a run recorded with its state
//! ([`Record::state`](optiviz_engine::trajectory::Record)). The page's inspector shows the
//! lines, its arrows take the directions, and its chart of per-coordinate
//! learning rates takes [`effective_lr`] at every step.

use optiviz_base::number::significant;
use optiviz_engine::trajectory::Trajectory;
use optiviz_experiment::experiment::OptimizerConfig;
use optiviz_optim::adafactor;
use optiviz_optim::clip::Clip;
use optiviz_optim::nadam::momentum_at;
use optiviz_optim::radam::rectification;
use optiviz_optim::{Hyper, State, StateValue};

/// Step `k` of a run: from θₖ (the path's point k) to θₖ₊₁.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView {
    /// The update rule with numbers, one formula per line, plain Unicode
    /// (the page turns each into MathML).
    pub lines: Vec<String>,
    /// Per line, its own MathML where it has one (a typed rule's lines, as
    /// the rule language shows them); `None` where the page builds it from
    /// the plain line.
    pub markup: Vec<Option<String>>,
    /// The negative of the gradient the step received (before clipping).
    pub descent: [f64; 2],
    /// The direction the optimizer's memory pushes in (−momentum, −first
    /// moment), where it keeps one.
    pub memory: Option<[f64; 2]>,
    /// The step taken, θₖ₊₁ − θₖ.
    pub step: [f64; 2],
}

/// A number as the inspector writes it: four significant figures, a true
/// minus, and powers of ten written out (3.2·10⁻⁴).
fn n(x: f64) -> String {
    let text = significant(x);
    let text = match text.split_once('e') {
        Some((m, e)) => {
            let sup = optiviz_base::markup::superscript(e);
            format!("{m}·10{sup}")
        }
        None => text,
    };
    text.replace('-', "−")
}

/// A vector over the two coordinates.
fn v(x: [f64; 2]) -> String {
    format!("({}, {})", n(x[0]), n(x[1]))
}

fn map(a: [f64; 2], f: impl Fn(f64) -> f64) -> [f64; 2] {
    [f(a[0]), f(a[1])]
}

fn zip(a: [f64; 2], b: [f64; 2], f: impl Fn(f64, f64) -> f64) -> [f64; 2] {
    [f(a[0], b[0]), f(a[1], b[1])]
}

fn get<'a>(s: Option<&'a State>, key: &str) -> Option<&'a StateValue> {
    s?.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// A vector of the state (zeros before the first step, as torch starts them).
fn vector(s: Option<&State>, key: &str) -> [f64; 2] {
    match get(s, key) {
        Some(StateValue::Vector(x)) => <[f64; 2]>::try_from(x.as_slice()).unwrap_or([0.0; 2]),
        _ => [0.0; 2],
    }
}

fn number(s: Option<&State>, key: &str) -> Option<f64> {
    match get(s, key)? {
        StateValue::Number(x) => Some(*x),
        StateValue::Count(c) => Some(*c as f64),
        _ => None,
    }
}

/// What every step shares: the gradient (clipped, flipped), the learning
/// rate, the states before and after, the points before and after.
struct Step<'a> {
    g: [f64; 2],
    lr: f64,
    h: &'a Hyper,
    before: Option<&'a State>,
    after: &'a State,
    theta: [f64; 2],
    delta: [f64; 2],
    /// The per-coordinate learning rate ([`effective_lr`]), where there is one.
    eff: [f64; 2],
    /// The momentum or β₁ this step used when a schedule cycles it.
    momentum: Option<f64>,
    /// The optimizer's extra point of this step, by its series' name.
    series: Option<(&'static str, [f64; 2])>,
    /// What the step computed that no state keeps (Muon's Newton–Schulz).
    inside: Option<&'a State>,
    lines: Vec<String>,
    markup: Vec<Option<String>>,
}

impl Step<'_> {
    fn line(&mut self, s: String) {
        self.lines.push(s);
        self.markup.push(None);
    }
    /// A line with its own MathML.
    fn line_shown(&mut self, s: String, markup: String) {
        self.lines.push(s);
        self.markup.push(Some(markup));
    }
    fn t(&self) -> f64 {
        number(Some(self.after), "step").unwrap_or(1.0)
    }
    /// torch's L2 weight decay on the gradient: `g ← g + λθ`.
    fn coupled_decay(&mut self) {
        let wd = self.h.num("weight_decay");
        if wd != 0.0 {
            let g = zip(self.g, self.theta, |g, p| g + wd * p);
            let line = format!(
                "g ← g + λθ = {} + {}·{} = {}",
                v(self.g),
                n(wd),
                v(self.theta),
                v(g)
            );
            self.line(line);
            self.g = g;
        }
    }
    /// `x ← βx + (1 − β)y`, with `x` from the state under `key`.
    fn average(&mut self, sym: &str, key: &str, beta: f64, input: &str) {
        let (x0, x1) = (vector(self.before, key), vector(Some(self.after), key));
        let line = format!(
            "{sym} ← {b}{sym} + {c}{input} = {b}·{} + {c}·{} = {}",
            v(x0),
            v(self.input_value(input)),
            v(x1),
            b = n(beta),
            c = n(1.0 - beta),
        );
        self.line(line);
    }
    fn input_value(&self, input: &str) -> [f64; 2] {
        match input {
            "g²" => map(self.g, |g| g * g),
            _ => self.g,
        }
    }
    /// The step taken, `Δθ = rule = value`, a note on the rule kept last.
    fn taken(&mut self, rule: &str) {
        let line = match rule.split_once("  (") {
            Some((rule, note)) => format!("Δθ = {rule} = {}  ({note}", v(self.delta)),
            None => format!("Δθ = {rule} = {}", v(self.delta)),
        };
        self.line(line);
    }
}

/// Explains step `k` of `run` (recorded with its state) by the optimizer
/// `cfg`; `noisy` when its gradients are mini-batches' or noisy. None past
/// the last step taken.
pub fn step_view(
    cfg: &OptimizerConfig,
    run: &Trajectory,
    k: usize,
    noisy: bool,
) -> Option<StepView> {
    let after = run.state.get(k)?;
    let raw = *run.grads.get(k)?;
    let (p0, p1) = (run.points[k], *run.points.get(k + 1)?);
    let mut s = Step {
        g: raw,
        lr: run.lrs[k],
        h: &cfg.hyper,
        before: k.checked_sub(1).and_then(|j| run.state.get(j)),
        after,
        theta: p0,
        delta: zip(p1, p0, |a, b| a - b),
        eff: effective_lr(cfg, run, k).unwrap_or([f64::NAN; 2]),
        momentum: run.momenta.get(k).copied(),
        series: run
            .series()
            .and_then(|(name, x)| Some((name, *x.on_plot.get(k)?))),
        inside: run.inside.get(k),
        lines: Vec::new(),
        markup: Vec::new(),
    };
    s.line(format!("θ = {},  γ = {}", v(p0), n(s.lr)));
    s.line(if noisy {
        format!("g = {}  (this step's mini-batch or noisy gradient)", v(raw))
    } else {
        format!("g = ∇f(θ) = {}", v(raw))
    });
    if let Some(c) = cfg.clip {
        let g = c.apply(raw);
        let norm = optiviz_optim::norm(&raw);
        let line = match c {
            Clip::MaxNorm(m) if g != raw => format!(
                "‖g‖ = {} > {},  g ← g · {}/(‖g‖ + 10⁻⁶) = {}  (clipped)",
                n(norm),
                n(m),
                n(m),
                v(g)
            ),
            Clip::MaxNorm(m) => format!("‖g‖ = {} ≤ {}  (not clipped)", n(norm), n(m)),
            Clip::Value(c) if g != raw => {
                format!("g ← clamp(g, −{c}, {c}) = {}  (clipped)", v(g), c = n(c))
            }
            Clip::Value(c) => format!("|gᵢ| ≤ {}  (not clipped)", n(c)),
        };
        s.line(line);
        s.g = g;
    }
    if cfg.maximize {
        s.g = map(s.g, |g| -g);
        let line = format!("g ← −g = {}  (maximize)", v(s.g));
        s.line(line);
    }
    let descent = map(raw, |g| -g);
    let memory = explain(cfg.def.name, &mut s, run.func_evals.get(k).copied());
    Some(StepView {
        lines: s.lines,
        markup: s.markup,
        descent,
        memory,
        step: s.delta,
    })
}

/// The optimizer's own lines; returns its memory's direction.
fn explain(name: &str, s: &mut Step, evals: Option<u32>) -> Option<[f64; 2]> {
    let h = s.h;
    match name {
        "sgd" => {
            s.coupled_decay();
            // The momentum this step used (a schedule may cycle it); a
            // buffer exists once a step had momentum.
            let mu = s.momentum.unwrap_or(h.num("momentum"));
            let tau = h.num("dampening");
            if get(Some(s.after), "momentum_buffer").is_none() {
                let line = format!("Δθ = −γg = −{}·{} = {}", n(s.lr), v(s.g), v(s.delta));
                s.line(line);
                return None;
            }
            let b = vector(Some(s.after), "momentum_buffer");
            let line = match get(s.before, "momentum_buffer") {
                None => format!("b ← g = {}  (its first value)", v(b)),
                Some(_) => format!(
                    "b ← μb + (1 − τ)g = {}·{} + {}·{} = {}",
                    n(mu),
                    v(vector(s.before, "momentum_buffer")),
                    n(1.0 - tau),
                    v(s.g),
                    v(b)
                ),
            };
            s.line(line);
            if h.flag("nesterov") {
                let d = zip(s.g, b, |g, b| g + mu * b);
                let line = format!("d ← g + μb = {}", v(d));
                s.line(line);
                s.taken(&format!("−γd = −{}·{}", n(s.lr), v(d)));
            } else {
                s.taken(&format!("−γb = −{}·{}", n(s.lr), v(b)));
            }
            Some(map(b, |x| -x))
        }
        "adagrad" => {
            let t = s.t();
            let clr = s.lr / (1.0 + (t - 1.0) * h.num("lr_decay"));
            if h.num("lr_decay") != 0.0 {
                let line = format!("γ̃ = γ / (1 + (t − 1)·lr_decay) = {}", n(clr));
                s.line(line);
            }
            s.coupled_decay();
            let sum1 = vector(Some(s.after), "sum");
            let sum0 = match s.before {
                Some(_) => vector(s.before, "sum"),
                None => [h.num("initial_accumulator_value"); 2],
            };
            let line = format!(
                "s ← s + g² = {} + {} = {}",
                v(sum0),
                v(map(s.g, |g| g * g)),
                v(sum1)
            );
            s.line(line);
            let line = format!("γ̃ / (√s + ε) = {}  (per coordinate)", v(s.eff));
            s.line(line);
            s.taken("−γ̃ g / (√s + ε)");
            None
        }
        "rmsprop" => {
            s.coupled_decay();
            let alpha = h.num("alpha");
            s.average("v", "square_avg", alpha, "g²");
            let mut avg = vector(Some(s.after), "square_avg");
            if h.flag("centered") {
                s.average("ḡ", "grad_avg", alpha, "g");
                let ga = vector(Some(s.after), "grad_avg");
                avg = zip(avg, ga, |v, m| v - m * m);
            }
            let d = map(avg, |x| x.sqrt() + h.num("eps"));
            let line = if h.flag("centered") {
                format!("d = √(v − ḡ²) + ε = {}", v(d))
            } else {
                format!("d = √v + ε = {}", v(d))
            };
            s.line(line);
            let line = format!("γ / d = {}  (per coordinate)", v(s.eff));
            s.line(line);
            if get(Some(s.after), "momentum_buffer").is_some() {
                let b = vector(Some(s.after), "momentum_buffer");
                let mu = s.momentum.unwrap_or(h.num("momentum"));
                let line = format!(
                    "b ← μb + g/d = {}·{} + g/d = {}",
                    n(mu),
                    v(vector(s.before, "momentum_buffer")),
                    v(b)
                );
                s.line(line);
                s.taken("−γb");
                Some(map(b, |x| -x))
            } else {
                s.taken("−γ g/d");
                None
            }
        }
        "adadelta" => {
            s.coupled_decay();
            let rho = h.num("rho");
            s.average("v", "square_avg", rho, "g²");
            let (u0, u1) = (
                vector(s.before, "acc_delta"),
                vector(Some(s.after), "acc_delta"),
            );
            let sq = vector(Some(s.after), "square_avg");
            let eps = h.num("eps");
            let scale = zip(u0, sq, |u, q| (u + eps).sqrt() / (q + eps).sqrt());
            let line = format!("√(u + ε) / √(v + ε) = {}  (per coordinate)", v(scale));
            s.line(line);
            let line = format!("u ← {r}u + {c}Δ² = {}", v(u1), r = n(rho), c = n(1.0 - rho));
            s.line(line);
            s.taken("−γ · √(u + ε) / √(v + ε) · g");
            None
        }
        "adam" | "adamw" | "nadam" | "radam" | "adamax" => adam_family(name, s),
        "rprop" => {
            let flips = zip(s.g, vector(s.before, "prev"), |g, p| g * p);
            let line = format!(
                "sign(g · gₚᵣₑᵥ) = ({}, {})",
                sign_word(flips[0]),
                sign_word(flips[1])
            );
            s.line(line);
            let (s0, s1) = (
                vector(s.before, "step_size"),
                vector(Some(s.after), "step_size"),
            );
            let line = if s.before.is_some() {
                format!("s = {} → {}  (step sizes)", v(s0), v(s1))
            } else {
                format!(
                    "s = {}  (the step sizes start at γ, within step_sizes)",
                    v(s1)
                )
            };
            s.line(line);
            s.taken("−sign(g) · s  (0 where the sign flipped)");
            None
        }
        "asgd" => {
            s.coupled_decay();
            let eta = number(s.before, "eta").unwrap_or(s.lr);
            let line = format!(
                "η = {},  λ = {}  (the step size in force, and lambd)",
                n(eta),
                n(h.num("lambd"))
            );
            s.line(line);
            s.taken("−ηg − ληθ");
            let line = format!(
                "η ← {},  μ ← {},  ax = {}",
                n(number(Some(s.after), "eta").unwrap_or(0.0)),
                n(number(Some(s.after), "mu").unwrap_or(0.0)),
                v(vector(Some(s.after), "ax"))
            );
            s.line(line);
            None
        }
        "adafactor" => {
            let t = s.t();
            let w = libm::pow(t, h.num("beta2_decay"));
            let line = format!(
                "v ← v + {}(g² − v) = {}  (weight t^beta2_decay)",
                n(w),
                v(vector(Some(s.after), "variance"))
            );
            s.line(line);
            let (eps1, eps2) = h.auto_pair("eps");
            let (rho, alpha) = adafactor::step_size(s.lr, t, eps2, &s.theta);
            let line = format!(
                "ρ = min(γ, 1/√t) = {},  α = max(ε₂, RMS(θ))·ρ = {}",
                n(rho),
                n(alpha)
            );
            s.line(line);
            let wd = h.num("weight_decay");
            if wd != 0.0 {
                let line = format!("θ ← θ(1 − γλ) = θ · {}", n(1.0 - s.lr * wd));
                s.line(line);
            }
            let var = vector(Some(s.after), "variance");
            let e1 = eps1.unwrap_or(f64::EPSILON);
            let u = zip(s.g, var, |g, v| g / v.max(e1 * e1).sqrt());
            let line = format!("u = g/√(max(v, ε₁²)) = {}", v(u));
            s.line(line);
            let clip = adafactor::clip_factor(&u, h.num("d"));
            s.taken(&format!(
                "−α u / max(1, RMS(u)/d) = −{}·u / {}",
                n(alpha),
                n(clip)
            ));
            None
        }
        "muon" => {
            // Decoupled weight decay first, as torch's step does.
            let wd = h.num("weight_decay");
            if wd != 0.0 {
                let line = format!(
                    "θ ← θ(1 − γλ) = {}·(1 − {}·{})  (decoupled weight decay)",
                    v(s.theta),
                    n(s.lr),
                    n(wd)
                );
                s.line(line);
            }
            state_lines(s);
            s.taken("−γ·s·X  (X: the orthogonalized update, s: the shape's scale)");
            None
        }
        "lbfgs" => {
            let after = s.after;
            if let Some(e) = evals {
                let line = format!("evaluations = {e}  (of f and ∇f in this step)");
                s.line(line);
            }
            if get(Some(after), "d").is_some() {
                let line = format!(
                    "d = −Hg = {},  t = {}  (the last inner iteration's)",
                    v(vector(Some(after), "d")),
                    n(number(Some(after), "t").unwrap_or(0.0))
                );
                s.line(line);
                let pairs = match get(Some(after), "old_dirs") {
                    Some(StateValue::Vectors(p)) => p.len(),
                    _ => 0,
                };
                let line = format!(
                    "pairs = {pairs},  H₀ = yᵀs/yᵀy = {}  (curvature pairs kept)",
                    n(number(Some(after), "H_diag").unwrap_or(1.0))
                );
                s.line(line);
            }
            s.taken("Σ t d  (the sum of this step's inner moves)");
            None
        }
        "rule" => {
            rule_lines(s);
            None
        }
        _ => {
            state_lines(s);
            s.taken("θₖ₊₁ − θₖ");
            None
        }
    }
}

/// A typed rule's step: the step number and its numbers, its lines as the
/// user wrote them (as mathematics), each state variable from its value
/// before the step (its first value, before the first) to after it, then
/// the step.
fn rule_lines(s: &mut Step) {
    let Some(rule) = s.h.rule.clone() else {
        return;
    };
    s.coupled_decay();
    // Each name as the rule's lines show it (beta1 as β₁).
    let shown =
        |name: &str| -> String { rule.program.shown(name).unwrap_or_else(|| name.to_string()) };
    let mut numbers = vec![format!("t = {}", n(s.t()))];
    numbers.extend(
        rule.hyper
            .iter()
            .map(|(name, x)| format!("{} = {}", shown(name), n(*x))),
    );
    s.line(numbers.join(",  "));
    // The rule as its card shows it, one row a line; as plain lines when a
    // line is too long to show as mathematics.
    let plain = rule.program.plain();
    match rule.program.mathml() {
        Some(m) => s.line_shown(plain.join(";  "), m),
        None => plain.into_iter().for_each(|l| s.line(l)),
    }
    for (name, first) in &rule.state {
        let before = match s.before {
            Some(_) => vector(s.before, name),
            None => [*first; 2],
        };
        let after = vector(Some(s.after), name);
        let line = format!("{}: {} → {}", shown(name), v(before), v(after));
        s.line(line);
    }
    s.taken("θₖ₊₁ − θₖ");
}

/// What an optimizer the inspector has no formulas for did: what the step
/// computed on the way (Muon's matrix before and after Newton–Schulz), each
/// key of its state before and after the step, and its extra point (SAM's
/// climb, the averaged iterate, the slow weights).
fn state_lines(s: &mut Step) {
    let shown = |x: &StateValue| match x {
        StateValue::Number(x) => n(*x),
        StateValue::Count(c) => c.to_string(),
        StateValue::Vector(x) => match <[f64; 2]>::try_from(x.as_slice()) {
            Ok(x) => v(x),
            Err(_) => format!(
                "[{}]",
                x.iter().map(|x| n(*x)).collect::<Vec<_>>().join(", ")
            ),
        },
        _ => "…".to_string(),
    };
    if let Some(inside) = s.inside {
        let text: Vec<String> = inside
            .0
            .iter()
            .map(|(key, x)| {
                let key = match key.as_ref() {
                    "update_before" => "U (into Newton–Schulz)",
                    "orthogonalized" => "X (out of it, in bfloat16)",
                    other => other,
                };
                format!("{key} = {}", shown(x))
            })
            .collect();
        if !text.is_empty() {
            s.line(text.join(",  "));
        }
    }
    let after = s.after;
    for (key, x) in &after.0 {
        let line = match get(s.before, key) {
            Some(b) if b != x => format!("{key}: {} → {}", shown(b), shown(x)),
            Some(_) => format!("{key} = {}  (unchanged)", shown(x)),
            None => format!("{key} = {}  (new)", shown(x)),
        };
        s.line(line);
    }
    let line = match s.series {
        Some(("ascent_points", a)) => Some(format!(
            "θ̃ = {}  (the climbed point: the base stepped with ∇f(θ̃))",
            v(a)
        )),
        Some(("eval_points", x)) => Some(format!(
            "x = {}  (the averaged iterate optimizer.eval() would load; θ is y, where g is taken)",
            v(x)
        )),
        Some(("slow_points", x)) => Some(format!("φ = {}  (the slow weights)", v(x))),
        Some((name, x)) => Some(format!("{name} = {}", v(x))),
        None => None,
    };
    if let Some(line) = line {
        s.line(line);
    }
}

fn sign_word(x: f64) -> &'static str {
    if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        "0"
    }
}

/// Whether the optimizer has torch's `amsgrad` and it is on.
fn amsgrad(h: &Hyper) -> bool {
    h.values.contains_key("amsgrad") && h.flag("amsgrad")
}

/// Adam, AdamW, NAdam, RAdam and Adamax: the moment averages, the bias
/// corrections and the per-coordinate step size.
fn adam_family(name: &str, s: &mut Step) -> Option<[f64; 2]> {
    let h = s.h;
    let [b1, b2] = h.pair("betas");
    // β₁ as this step used it: a cyclic or one-cycle schedule moves it.
    let b1 = s.momentum.unwrap_or(b1);
    let decoupled = name == "adamw"
        || ((name == "nadam" || name == "radam") && h.flag("decoupled_weight_decay"));
    let wd = h.num("weight_decay");
    if decoupled && wd != 0.0 {
        let line = format!("θ ← θ(1 − γλ) = θ · {}", n(1.0 - s.lr * wd));
        s.line(line);
    } else {
        s.coupled_decay();
    }
    let t = s.t();
    s.average("m", "exp_avg", b1, "g");
    let m = vector(Some(s.after), "exp_avg");
    let bc1 = 1.0 - libm::pow(b1, t);
    let bc2 = 1.0 - libm::pow(b2, t);
    let memory = Some(map(m, |x| -x));
    if name == "adamax" {
        let u = vector(Some(s.after), "exp_inf");
        let line = format!("u ← max(β₂u, |g| + ε) = {}", v(u));
        s.line(line);
        let line = format!("1 − β₁ᵗ = {}  (t = {})", n(bc1), n(t));
        s.line(line);
        let line = format!(
            "γ / u = {}  (per coordinate, applied to m/(1 − β₁ᵗ))",
            v(s.eff)
        );
        s.line(line);
        s.taken("−γ/(1 − β₁ᵗ) · m/u");
        return memory;
    }
    s.average("v", "exp_avg_sq", b2, "g²");
    let mut sq = vector(Some(s.after), "exp_avg_sq");
    if amsgrad(h) {
        sq = vector(Some(s.after), "max_exp_avg_sq");
        let line = format!("vₘₐₓ ← max(vₘₐₓ, v) = {}", v(sq));
        s.line(line);
    }
    let vhat = map(sq, |x| x / bc2);
    match name {
        "nadam" => {
            // NAdam's own momentum schedule in place of 1 − β₁ᵗ.
            let psi = h.num("momentum_decay");
            let mu = |t: f64| momentum_at(b1, psi, t);
            let (mu_t, mu_next) = (mu(t), mu(t + 1.0));
            let prod = number(Some(s.after), "mu_product").unwrap_or(1.0);
            let line = format!(
                "μₜ = β₁(1 − ½·0.96^(tψ)) = {},  μₜ₊₁ = {}",
                n(mu_t),
                n(mu_next)
            );
            s.line(line);
            let line = format!("Πₜ = Πₜ₋₁μₜ = {}  (mu_product)", n(prod));
            s.line(line);
            let line = format!(
                "1 − β₂ᵗ = {},  v̂ = v/(1 − β₂ᵗ) = {}  (t = {})",
                n(bc2),
                v(vhat),
                n(t)
            );
            s.line(line);
            let line = format!("γ / (√v̂ + ε) = {}  (per coordinate)", v(s.eff));
            s.line(line);
            let eff = s.eff;
            let part1 = zip(eff, s.g, |e, g| -e * (1.0 - mu_t) / (1.0 - prod) * g);
            let part2 = zip(eff, m, |e, m| -e * mu_next / (1.0 - prod * mu_next) * m);
            let line = format!("Δθ₁ = −γ(1 − μₜ)/(1 − Πₜ) · g/(√v̂ + ε) = {}", v(part1));
            s.line(line);
            let line = format!("Δθ₂ = −γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/(√v̂ + ε) = {}", v(part2));
            s.line(line);
            s.taken("Δθ₁ + Δθ₂");
        }
        "radam" => {
            let mhat = map(m, |x| x / bc1);
            let line = format!(
                "1 − β₁ᵗ = {},  m̂ = m/(1 − β₁ᵗ) = {}  (t = {})",
                n(bc1),
                v(mhat),
                n(t)
            );
            s.line(line);
            let (rho_inf, rho_t, rect) = rectification(b2, t);
            let line = format!("ρ∞ = 2/(1 − β₂) − 1 = {},  ρₜ = {}", n(rho_inf), n(rho_t));
            s.line(line);
            if let Some(r) = rect {
                let line = format!(
                    "r = {},  γ r √(1 − β₂ᵗ)/(√v + ε) = {}  (ρₜ > 5: rectified)",
                    n(r),
                    v(s.eff)
                );
                s.line(line);
                s.taken("−γ m̂ · r √(1 − β₂ᵗ)/(√v + ε)");
            } else {
                let line = "ρₜ ≤ 5  (no adaptive scaling yet: a momentum step)".to_string();
                s.line(line);
                s.taken(&format!("−γ m̂ = −{}·{}", n(s.lr), v(mhat)));
            }
        }
        _ => {
            let mhat = map(m, |x| x / bc1);
            let line = format!(
                "1 − β₁ᵗ = {},  1 − β₂ᵗ = {}  (t = {})",
                n(bc1),
                n(bc2),
                n(t)
            );
            s.line(line);
            let line = format!("m̂ = m/(1 − β₁ᵗ) = {}", v(mhat));
            s.line(line);
            let line = format!("v̂ = v/(1 − β₂ᵗ) = {}", v(vhat));
            s.line(line);
            let line = format!("γ / (√v̂ + ε) = {}  (per coordinate)", v(s.eff));
            s.line(line);
            s.taken(&format!("−γ m̂ / (√v̂ + ε) = −{} ⊙ {}", v(s.eff), v(mhat)));
        }
    }
    memory
}

/// The optimizers whose step scales itself per coordinate, which
/// [`effective_lr`] covers.
pub const ADAPTIVE: [&str; 8] = [
    "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "radam", "adamax",
];

/// The learning rate each coordinate effectively gets at step `k`, for the
/// optimizers whose step scales itself per coordinate (Adagrad's decay,
/// RMSprop's and the Adam family's scaling, Adadelta's ratio); None for the
/// others and past the last step.
pub fn effective_lr(cfg: &OptimizerConfig, run: &Trajectory, k: usize) -> Option<[f64; 2]> {
    let h = &cfg.hyper;
    let after = Some(run.state.get(k)?);
    let before = k.checked_sub(1).and_then(|j| run.state.get(j));
    let lr = *run.lrs.get(k)?;
    let t = number(after, "step").unwrap_or(1.0);
    let eps = || h.num("eps");
    Some(match cfg.def.name {
        "adagrad" => {
            let clr = lr / (1.0 + (t - 1.0) * h.num("lr_decay"));
            map(vector(after, "sum"), |s| clr / (s.sqrt() + eps()))
        }
        "rmsprop" => {
            let sq = vector(after, "square_avg");
            let avg = if h.flag("centered") {
                zip(sq, vector(after, "grad_avg"), |v, m| v - m * m)
            } else {
                sq
            };
            map(avg, |x| lr / (x.sqrt() + eps()))
        }
        "adadelta" => zip(
            vector(before, "acc_delta"),
            vector(after, "square_avg"),
            |u, q| lr * (u + eps()).sqrt() / (q + eps()).sqrt(),
        ),
        "adam" | "adamw" | "nadam" => {
            let b2 = h.pair("betas")[1];
            let bc2 = 1.0 - libm::pow(b2, t);
            let key = if amsgrad(h) {
                "max_exp_avg_sq"
            } else {
                "exp_avg_sq"
            };
            map(vector(after, key), |x| lr / ((x / bc2).sqrt() + eps()))
        }
        "radam" => {
            let b2 = h.pair("betas")[1];
            let bc2 = 1.0 - libm::pow(b2, t);
            if let (_, _, Some(r)) = rectification(b2, t) {
                map(vector(after, "exp_avg_sq"), |x| {
                    lr * r * bc2.sqrt() / (x.sqrt() + eps())
                })
            } else {
                [lr, lr]
            }
        }
        "adamax" => map(vector(after, "exp_inf"), |u| lr / u),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_engine::runs::Runs;
    use optiviz_experiment::experiment::Experiment;

    #[test]
    fn numbers_have_four_significant_figures_and_written_powers() {
        assert_eq!(n(-125.5503), "−125.6");
        assert_eq!(n(0.0010994), "0.001099");
        assert_eq!(n(2.0), "2");
        assert_eq!(n(0.000463), "4.63·10⁻⁴");
        assert_eq!(n(0.0), "0");
    }
    use optiviz_engine::trajectory::Record;

    fn recorded(json: &str) -> (Experiment, Trajectory) {
        let e = Experiment::from_json(json).unwrap();
        let run = e
            .run_recording(Record {
                state: true,
                ..Record::default()
            })
            .remove(0);
        (e, run)
    }

    #[test]
    fn adams_effective_step_times_its_corrected_moment_is_the_step() {
        let (e, run) = recorded(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 20,
                "optimizers": [{"name": "adam", "lr": 0.05}]}"#,
        );
        let cfg = &e.optimizers[0];
        for k in [0, 5, 19] {
            let eff = effective_lr(cfg, &run, k).unwrap();
            let m = vector(run.state.get(k), "exp_avg");
            let bc1 = 1.0 - 0.9f64.powi(k as i32 + 1);
            let view = step_view(cfg, &run, k, false).unwrap();
            for i in 0..2 {
                let predicted = -eff[i] * m[i] / bc1;
                assert!((predicted - view.step[i]).abs() <= 1e-12 * view.step[i].abs().max(1e-9));
            }
            assert!(view.lines.iter().any(|l| l.starts_with("m ← 0.9m + 0.1g")));
            assert_eq!(view.memory, Some(map(m, |x| -x)));
        }
        // The first step of Adam moves each coordinate by about lr.
        let first = step_view(cfg, &run, 0, false).unwrap().step;
        assert!((first[0].abs() - 0.05).abs() < 1e-6 && (first[1].abs() - 0.05).abs() < 1e-6);
        assert!(step_view(cfg, &run, 20, false).is_none());
    }

    #[test]
    fn adagrads_effective_rate_only_falls() {
        let (e, run) = recorded(
            r#"{"function": {"name": "booth"}, "start": [-5, 5], "steps": 30,
                "optimizers": [{"name": "adagrad", "lr": 0.5}]}"#,
        );
        let rates: Vec<[f64; 2]> = (0..30)
            .map(|k| effective_lr(&e.optimizers[0], &run, k).unwrap())
            .collect();
        assert!(rates
            .windows(2)
            .all(|w| w[1][0] <= w[0][0] && w[1][1] <= w[0][1]));
    }

    #[test]
    fn a_clipped_gradient_is_shown_before_and_after() {
        let (e, run) = recorded(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 3,
                "optimizers": [{"name": "sgd", "lr": 0.001, "momentum": 0.9, "clip": {"max_norm": 1}}]}"#,
        );
        let view = step_view(&e.optimizers[0], &run, 0, false).unwrap();
        assert!(
            view.lines.iter().any(|l| l.contains("(clipped)")),
            "{:?}",
            view.lines
        );
        assert!(view.lines.iter().any(|l| l.starts_with("b ← g = ")));
        // The step is −lr times the clipped gradient (the buffer's first value).
        let g = Clip::MaxNorm(1.0).apply(run.grads[0]);
        assert!((view.step[0] + 0.001 * g[0]).abs() < 1e-15);
        assert_eq!(effective_lr(&e.optimizers[0], &run, 0), None);
    }

    #[test]
    fn lbfgs_tells_its_evaluations() {
        let (e, run) = recorded(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2], "steps": 3,
                "optimizers": [{"name": "lbfgs", "lr": 0.5, "max_iter": 4}]}"#,
        );
        let view = step_view(&e.optimizers[0], &run, 1, false).unwrap();
        assert!(
            view.lines
                .iter()
                .any(|l| l.starts_with("evaluations = 4  (")),
            "{:?}",
            view.lines
        );
    }

    #[test]
    fn the_optimizers_beyond_torch_show_their_state_and_extra_points() {
        let lines = |optimizer: &str| {
            let (e, run) = recorded(&format!(
                r#"{{"function": {{"name": "himmelblau"}}, "start": [0.5, -3], "steps": 3,
                    "optimizers": [{optimizer}]}}"#
            ));
            step_view(&e.optimizers[0], &run, 1, false).unwrap().lines
        };
        let has = |lines: &[String], start: &str| lines.iter().any(|l| l.starts_with(start));
        let sam = lines(r#"{"name": "sam", "lr": 0.01, "base": {"name": "sgd", "momentum": 0.9}}"#);
        assert!(
            has(&sam, "θ̃ = (") && has(&sam, "momentum_buffer: ("),
            "{sam:?}"
        );
        let sf = lines(r#"{"name": "schedulefree_sgd", "lr": 0.01}"#);
        assert!(has(&sf, "z: (") && has(&sf, "x = ("), "{sf:?}");
        let look = lines(r#"{"name": "lookahead", "lr": 0.01, "k": 2, "base": "sgd"}"#);
        assert!(
            has(&look, "φ = (") && has(&look, "counter: 1 → 0"),
            "{look:?}"
        );
        let muon = lines(r#"{"name": "muon", "lr": 0.05}"#);
        assert!(
            has(&muon, "θ ← θ(1 − γλ) = (") && has(&muon, "U (into Newton–Schulz) = ("),
            "{muon:?}"
        );
        assert!(has(&muon, "Δθ = −γ·s·X"), "{muon:?}");
        let prodigy = lines(r#"{"name": "prodigy", "lr": 1}"#);
        assert!(has(&prodigy, "d: "), "{prodigy:?}");
    }

    #[test]
    fn a_typed_rule_shows_its_lines_its_numbers_and_each_state_variable_before_and_after() {
        let (e, run) = recorded(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 3,
                "optimizers": [{"name": "rule", "lr": 0.001, "hyper": {"beta1": 0.9, "mu": 0.5},
                "state": {"m": 0, "w": 2}, "weight_decay": 0.1,
                "update": "m = beta1*m + (1 - beta1)*g\nw = mu*w\ntheta = theta - lr*m"}]}"#,
        );
        let cfg = &e.optimizers[0];
        let first = step_view(cfg, &run, 0, false).unwrap().lines;
        let has = |lines: &[String], start: &str| lines.iter().any(|l| l.starts_with(start));
        assert!(has(&first, "g ← g + λθ = "), "{first:?}");
        assert!(has(&first, "t = 1,  β₁ = 0.9,  μ = 0.5"), "{first:?}");
        // The rule's lines as one, with the rule's own mathematics.
        let view = step_view(cfg, &run, 0, false).unwrap();
        let k = view
            .lines
            .iter()
            .position(|l| l.starts_with("m ← β₁"))
            .unwrap();
        assert!(view.lines[k].contains(";  w ← ") && view.lines[k].contains(";  θ ← θ − "));
        assert!(view.markup[k]
            .as_deref()
            .unwrap()
            .starts_with("<math display=\"block\"><mtable"));
        assert_eq!(view.markup.iter().filter(|m| m.is_some()).count(), 1);
        assert_eq!(view.markup.len(), view.lines.len());
        // Before the first step each variable holds its first value.
        assert!(has(&first, "m: (0, 0) → ("), "{first:?}");
        assert!(has(&first, "w: (2, 2) → (1, 1)"), "{first:?}");
        let second = step_view(cfg, &run, 1, false).unwrap();
        assert!(
            has(&second.lines, "w: (1, 1) → (0.5, 0.5)"),
            "{:?}",
            second.lines
        );
        assert!(has(&second.lines, "t = 2"));
        // The step shown is the step taken.
        assert_eq!(second.step, zip(run.points[2], run.points[1], |a, b| a - b));
        assert!(second
            .lines
            .last()
            .unwrap()
            .starts_with("Δθ = θₖ₊₁ − θₖ = ("));
    }
}
