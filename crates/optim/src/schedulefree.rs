//! `pytorch_optimizer`'s `ScheduleFreeSGD` and `ScheduleFreeAdamW`: no
//! learning-rate schedule, but a running average of the iterates. Each step
//! moves a base sequence `z` by the (Adam-normalised) gradient, and the point
//! `y` where the gradient is taken (the parameters, in training mode) is kept
//! between `z` and the weighted average `x` of the `z`s. The run stays in
//! training mode throughout; the averaged iterate `x` that `optimizer.eval()`
//! would load is drawn as the `eval_points` series.

use crate::hyper::{
    eps, flag, no_cross_checks, number, pair, Hyper, HyperKind, HyperSpec, HyperValue,
    OptimizerDef, Origin,
};
use crate::optimizer::{lerp, power_of_step, Optimizer, Params, State, MAX_STEPS};
use optiviz_base::error::ConfigError;
use optiviz_base::spec::Range;

/// The larger of two numbers, NaN if either is (torch's `maximum`).
fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// The state of a schedule-free optimizer over the coordinates of `V`: `z`
/// (and for AdamW `exp_avg_sq`, and `max_exp_avg_sq` with `ams_bound`) per
/// coordinate, and the param group's step count, sum of averaging weights
/// and largest learning rate so far.
pub struct ScheduleFree<V> {
    /// AdamW's step (normalised by the second moment) rather than SGD's.
    adam: bool,
    /// SGD's `momentum` or AdamW's β₁: how far `y` lies from `z` towards `x`.
    beta1: f64,
    beta2: f64,
    weight_decay: f64,
    r: f64,
    weight_lr_power: f64,
    warmup_steps: u32,
    decoupling_c: f64,
    ams_bound: bool,
    eps: f64,
    /// The param group's `step`, `weight_sum` and `lr_max`.
    step: u64,
    weight_sum: f64,
    lr_max: f64,
    z: V,
    exp_avg_sq: V,
    max_exp_avg_sq: V,
    /// The parameters as the last step left them (the point y), for the
    /// averaged iterate; not part of torch's state.
    y: V,
}

impl<V: Params> ScheduleFree<V> {
    /// Fresh state for parameters like `zero`: SGD's, or AdamW's when `adam`.
    fn new(h: &Hyper, zero: V, adam: bool) -> ScheduleFree<V> {
        let (beta1, beta2) = if adam {
            let [b1, b2] = h.pair("betas");
            (b1, b2)
        } else {
            (h.num("momentum"), 0.0)
        };
        ScheduleFree {
            adam,
            beta1,
            beta2,
            weight_decay: h.num("weight_decay"),
            r: h.num("r"),
            weight_lr_power: h.num("weight_lr_power"),
            warmup_steps: h.count("warmup_steps").unwrap_or(0),
            decoupling_c: if adam { h.num("decoupling_c") } else { 0.0 },
            ams_bound: adam && h.flag("ams_bound"),
            eps: if adam { h.num("eps") } else { 0.0 },
            step: 0,
            weight_sum: 0.0,
            lr_max: -1.0,
            z: zero.clone(),
            exp_avg_sq: zero.clone(),
            max_exp_avg_sq: zero.clone(),
            y: zero,
        }
    }
}

impl<V: Params> Optimizer<V> for ScheduleFree<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        // z starts at the parameters the first step finds.
        if self.step == 0 {
            self.z = params.clone();
        }
        self.step += 1;
        let t = self.step;
        // A linear warm-up of the rate over the first warmup_steps steps.
        let schedule = if t < self.warmup_steps as u64 {
            t as f64 / self.warmup_steps as f64
        } else {
            1.0
        };
        let lr = lr * schedule;
        // Python's max(lr, lr_max): lr unless lr_max is larger.
        self.lr_max = if self.lr_max > lr { self.lr_max } else { lr };
        // Step t's iterate enters the average with weight t^r · lr_max^p.
        let weight = libm::pow(t as f64, self.r) * libm::pow(self.lr_max, self.weight_lr_power);
        self.weight_sum += weight;
        let mut checkpoint = if self.weight_sum != 0.0 {
            weight / self.weight_sum
        } else {
            0.0
        };
        if self.adam && self.decoupling_c > 0.0 {
            let scaled = checkpoint * (1.0 - self.beta1) * self.decoupling_c;
            checkpoint = if scaled < 1.0 { scaled } else { 1.0 };
        }
        let bias_correction2 = 1.0 - power_of_step(self.beta2, t);
        let alpha = lr * (self.beta1 * (1.0 - checkpoint) - 1.0);

        let p = params.as_mut();
        let n = p.len();
        let grad = &grad.as_ref()[..n];
        let z = &mut self.z.as_mut()[..n];
        let v = &mut self.exp_avg_sq.as_mut()[..n];
        let v_max = &mut self.max_exp_avg_sq.as_mut()[..n];
        for i in 0..n {
            let mut g = grad[i];
            if self.adam {
                let b2 = self.beta2;
                v[i] = v[i] * b2 + (1.0 - b2) * g * g;
                let mut corrected = v[i] / bias_correction2;
                if self.ams_bound {
                    v_max[i] = maximum(v_max[i], corrected);
                    corrected = v_max[i];
                }
                g /= (corrected + 1e-15).sqrt() + self.eps;
            }
            // Weight decay is added to the (normalised) gradient.
            if self.weight_decay != 0.0 {
                g += self.weight_decay * p[i];
            }
            p[i] = lerp(p[i], z[i], checkpoint);
            p[i] += alpha * g;
            z[i] -= lr * g;
        }
        self.y.as_mut().copy_from_slice(p);
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.beta1)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.beta1 = momentum;
    }

    fn series_point(&self) -> Option<V> {
        if self.step == 0 {
            return None;
        }
        // What eval() would load: x = y + (1 − 1/β)(z − y), with y the
        // parameters as the step left them.
        let w = 1.0 - 1.0 / self.beta1;
        let mut x = self.y.clone();
        for (x, &z) in x.as_mut().iter_mut().zip(self.z.as_ref()) {
            *x = lerp(*x, z, w);
        }
        Some(x)
    }

    fn state(&self) -> State {
        if self.step == 0 {
            return State::default();
        }
        let mut s = State::default().vector("z", &self.z);
        if self.adam {
            s = s.vector("exp_avg_sq", &self.exp_avg_sq);
            if self.ams_bound {
                s = s.vector("max_exp_avg_sq", &self.max_exp_avg_sq);
            }
        }
        s.number("weight_sum", self.weight_sum)
            .number("lr_max", self.lr_max)
            .count("step", self.step)
    }
}

/// `(0, 1)`: the momentum and β₁ the classes accept (1/β is taken).
const OPEN_UNIT: Range = Range {
    lo: 0.0,
    lo_inclusive: false,
    hi: 1.0,
    hi_inclusive: false,
};

/// The keys that shape the averaging, shared by both.
const R: HyperSpec = number(
    "r",
    0.0,
    Range::any(),
    "step t's iterate weighs t^r in the average (0: every step alike)",
);

const WEIGHT_LR_POWER: HyperSpec = number(
    "weight_lr_power",
    2.0,
    Range::any(),
    "and (the largest rate so far)^weight_lr_power (0: the rate does not weigh)",
);

const WARMUP_STEPS: HyperSpec = HyperSpec {
    name: "warmup_steps",
    kind: HyperKind::Count {
        min: 0,
        max: MAX_STEPS,
        none: false,
    },
    default: HyperValue::Count(Some(0)),
    doc: "the rate rises linearly, γ·t/warmup_steps, over this many first steps",
    parts: ["", ""],
};

const COUPLED_DECAY: HyperSpec = number(
    "weight_decay",
    0.0,
    Range::at_least(0.0),
    "L2 penalty added to the step's gradient: g ← g + λθ at y",
);

const SGD_HYPER: &[HyperSpec] = &[
    number(
        "momentum",
        0.9,
        OPEN_UNIT,
        "μ: where gradients are taken, between z (μ = 0) and the average x (μ = 1)",
    ),
    COUPLED_DECAY,
    R,
    WEIGHT_LR_POWER,
    WARMUP_STEPS,
    number(
        "eps",
        1e-8,
        Range::at_least(0.0),
        "kept as the class keeps it; the SGD step never reads it",
    ),
];

/// `ScheduleFreeSGD`'s entry in [`crate::registry::REGISTRY`].
pub static SGD_DEF: OptimizerDef = OptimizerDef {
    name: "schedulefree_sgd",
    title: "Schedule-free SGD",
    default_lr: 1.0,
    hyper: SGD_HYPER,
    rule: &[
        "γₜ = γ·t/warmup_steps  (while t < warmup_steps; else γ)",
        "w = tʳ·γₘₐₓ^weight_lr_power,  W ← W + w,  c = w/W",
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "θ ← θ + c(z − θ)  (θ is y, where g is taken)",
        "θ ← θ − γₜ(1 − μ(1 − c))g",
        "z ← z − γₜg",
        "x = θ + (1 − 1/μ)(z − θ)  (what eval() loads)",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero, _shapes| ScheduleFree::new(h, zero, false)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: Some("eval_points"),
};

const ADAMW_HYPER: &[HyperSpec] = &[
    pair(
        "betas",
        [0.9, 0.999],
        Range::closed_open(0.0, 1.0),
        "β₁: where gradients are taken, between z and the average x; β₂: decay of the second moment",
        ["β₁", "β₂"],
    ),
    COUPLED_DECAY,
    R,
    WEIGHT_LR_POWER,
    WARMUP_STEPS,
    number(
        "decoupling_c",
        0.0,
        Range::at_least(0.0),
        "C: the averaging weight becomes min(1, c(1 − β₁)C) (0: plain averaging)",
    ),
    flag(
        "ams_bound",
        "divide by the running maximum of the corrected second moment",
    ),
    eps(1e-8),
];

fn adamw_check(h: &Hyper, field: &str) -> Result<(), ConfigError> {
    if h.pair("betas")[0] <= 0.0 {
        return Err(ConfigError::new(
            format!("{field}.betas"),
            "β₁ must be in (0, 1): the averaged iterate divides by it",
        ));
    }
    Ok(())
}

/// `ScheduleFreeAdamW`'s entry in [`crate::registry::REGISTRY`].
pub static ADAMW_DEF: OptimizerDef = OptimizerDef {
    name: "schedulefree_adamw",
    title: "Schedule-free AdamW",
    default_lr: 2.5e-3,
    hyper: ADAMW_HYPER,
    rule: &[
        "γₜ = γ·t/warmup_steps  (while t < warmup_steps; else γ)",
        "w = tʳ·γₘₐₓ^weight_lr_power,  W ← W + w,  c = w/W",
        "c ← min(1, c(1 − β₁)C)  (if decoupling_c C > 0)",
        "v ← β₂v + (1 − β₂)g²",
        "v̂ ← v/(1 − β₂ᵗ)  (its running max with ams_bound)",
        "g ← g / (√(v̂ + 10⁻¹⁵) + ε)",
        "g ← g + λθ  (if weight_decay λ ≠ 0)",
        "θ ← θ + c(z − θ)  (θ is y, where g is taken)",
        "θ ← θ − γₜ(1 − β₁(1 − c))g",
        "z ← z − γₜg",
        "x = θ + (1 − 1/β₁)(z − θ)  (what eval() loads)",
    ],
    check: adamw_check,
    build: builders!(|h, zero, _shapes| ScheduleFree::new(h, zero, true)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: Some("eval_points"),
};

#[cfg(test)]
mod tests {
    use super::{ADAMW_DEF, SGD_DEF};
    use crate::hyper::HyperValue;
    use crate::optimizer::{Shape, StateValue};
    use crate::testing::{close, himmelblau as himmelblau_grad, rosenbrock as rosenbrock_grad};

    // The expected numbers were made with pytorch_optimizer 4.1.0 in float64
    // (foreach=False): the parameter after each step, then
    // `p.lerp(state["z"], 1 - 1/beta)`, the averaged iterate.

    #[test]
    fn sgd_matches_the_reference_with_warmup_and_decay() {
        // ScheduleFreeSGD(lr=2e-3, momentum=0.6, warmup_steps=3, r=1.0,
        // weight_decay=0.1) on the Rosenbrock function from (−1.5, 2).
        let mut h = SGD_DEF.defaults();
        h.values.insert("momentum", HyperValue::Number(0.6));
        h.values.insert("warmup_steps", HyperValue::Count(Some(3)));
        h.values.insert("r", HyperValue::Number(1.0));
        h.values.insert("weight_decay", HyperValue::Number(0.1));
        let mut opt = (SGD_DEF.build.two)(&h);
        let want: [([f64; 2], [f64; 2]); 5] = [
            ([-1.3965666666666667, 2.0332], [-1.3965666666666667, 2.0332]),
            (
                [-1.447990049727971, 2.0123385948839507],
                [-1.4455413172012423, 2.0133319951275723],
            ),
            (
                [-1.3591349407632447, 2.0395533623860147],
                [-1.369300396814774, 2.036468495649727],
            ),
            (
                [-1.4910817588578595, 1.9877359139163946],
                [-1.4562870839884066, 2.001659508697347],
            ),
            (
                [-1.3274198562246344, 2.038893201350381],
                [-1.3777095060836675, 2.0243629798272456],
            ),
        ];
        let mut p = [-1.5, 2.0];
        assert!(opt.series_point().is_none());
        for (point, eval) in want {
            let g = rosenbrock_grad(p);
            opt.step(&mut p, &g, 2e-3);
            close(&p, &point);
            close(&opt.series_point().unwrap(), &eval);
        }
        let keys: Vec<_> = opt.state().0.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(keys, ["z", "weight_sum", "lr_max", "step"]);
    }

    #[test]
    fn adamw_matches_the_reference_with_ams_bound_and_decoupling() {
        // ScheduleFreeAdamW(lr=0.05, betas=(0.8, 0.99), ams_bound=True,
        // decoupling_c=20) on Himmelblau's function from (0.5, −3).
        let mut h = ADAMW_DEF.defaults();
        h.values.insert("betas", HyperValue::Pair([0.8, 0.99]));
        h.values.insert("ams_bound", HyperValue::Flag(true));
        h.values.insert("decoupling_c", HyperValue::Number(20.0));
        let mut opt = (ADAMW_DEF.build.many)(&h, &[Shape::Vector(2)]);
        let want = [
            [0.5499999999777778, -2.9500000000086954],
            [0.6030225947790998, -2.903152608712071],
            [0.6587004799218577, -2.859093536178719],
            [0.716695939352235, -2.817515606958265],
            [0.7670999788936684, -2.784455621622245],
        ];
        let mut p = vec![0.5, -3.0];
        for point in want {
            let g = himmelblau_grad([p[0], p[1]]);
            opt.step(&mut p, &g.to_vec(), 0.05);
            close(&p, &point);
        }
        close(
            &opt.series_point().unwrap(),
            &[0.7646997865345526, -2.786029906638246],
        );
        let state = opt.state().0;
        let keys: Vec<_> = state.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(
            keys,
            [
                "z",
                "exp_avg_sq",
                "max_exp_avg_sq",
                "weight_sum",
                "lr_max",
                "step"
            ]
        );
        let want: [&[f64]; 5] = [
            &[0.7767007483301319, -2.7781584815582416],
            &[41.27975168553675, 128.20283520146333],
            &[842.2728772689911, 3306.25],
            &[0.012500000000000002],
            &[0.05],
        ];
        for ((_, got), want) in state.iter().zip(want) {
            match got {
                StateValue::Vector(v) => close(v, want),
                StateValue::Number(x) => close(&[*x], want),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(state[5].1, StateValue::Count(5));
    }

    #[test]
    fn the_averaged_iterate_lerps_from_the_far_end_as_torch_does() {
        // 1 − 1/β ≤ −0.5 for β ≤ 2/3: torch's lerp then starts from z.
        assert_eq!(super::lerp(1.0, 3.0, -1.0), 3.0 - 2.0 * 2.0);
        assert_eq!(super::lerp(1.0, 3.0, -0.25), 1.0 - 0.25 * 2.0);
    }
}
