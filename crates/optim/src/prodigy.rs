//! `pytorch_optimizer`'s `Prodigy`: Adam whose step is scaled by an estimate
//! `d` of the distance from the start to the solution, which only grows. The
//! estimate comes from the gradients' correlation with how far the parameters
//! have moved (`d_numerator`) over a running sum of the scaled gradients
//! (`s`); both are taken over every tensor of the param group together.

use crate::hyper::{
    flag, no_cross_checks, number, HyperKind, HyperSpec, HyperValue, OptimizerDef, Origin, BETAS,
    WEIGHT_DECAY,
};
use crate::optimizer::{power_of_step, Optimizer, Params, Shape, State};
use optiviz_base::spec::Range;

/// `Prodigy`'s state over the coordinates of `V`: `s`, the start `p0`,
/// `exp_avg` and `exp_avg_sq` per coordinate, and the param group's
/// distance estimate and the sums behind it.
pub struct Prodigy<V> {
    betas: [f64; 2],
    /// β₃, or None for √β₂.
    beta3: Option<f64>,
    d0: f64,
    d_coef: f64,
    /// The most the estimate may grow by in a step; None for no limit.
    growth_rate: Option<f64>,
    weight_decay: f64,
    weight_decouple: bool,
    fixed_decay: bool,
    bias_correction: bool,
    safeguard_warmup: bool,
    /// ε, or None to step by atan2(m, √v) instead of m/(√v + dε).
    eps: Option<f64>,
    /// The param group's `step`, which starts at 1 (the first step's bias
    /// corrections use it) and counts up after each step.
    step: u64,
    /// Whether a step has been taken (the per-coordinate state exists).
    started: bool,
    d: f64,
    d_max: f64,
    d_numerator: f64,
    /// The group's last `d_de_nom` and `d_hat`, set by every step whose
    /// Σ|s| is not zero (a step where it is leaves θ, d and these alone).
    d_de_nom: Option<f64>,
    d_hat: Option<f64>,
    s: V,
    p0: V,
    exp_avg: V,
    exp_avg_sq: V,
    /// Where each tensor ends in the flat parameters (the inner products
    /// and Σ|s| are summed tensor by tensor).
    ends: Vec<usize>,
}

impl<V: Params> Prodigy<V> {
    fn new(h: &crate::hyper::Hyper, zero: V, shapes: &[Shape]) -> Prodigy<V> {
        let d0 = h.num("d0");
        let ends = shapes
            .iter()
            .scan(0, |at, s| {
                *at += s.len();
                Some(*at)
            })
            .collect();
        Prodigy {
            betas: h.pair("betas"),
            beta3: h.maybe_num("beta3"),
            d0,
            d_coef: h.num("d_coef"),
            growth_rate: h.maybe_num("growth_rate"),
            weight_decay: h.num("weight_decay"),
            weight_decouple: h.flag("weight_decouple"),
            fixed_decay: h.flag("fixed_decay"),
            bias_correction: h.flag("bias_correction"),
            safeguard_warmup: h.flag("safeguard_warmup"),
            eps: h.maybe_num("eps"),
            step: 1,
            started: false,
            d: d0,
            d_max: d0,
            d_numerator: 0.0,
            d_de_nom: None,
            d_hat: None,
            s: zero.clone(),
            p0: zero.clone(),
            exp_avg: zero.clone(),
            exp_avg_sq: zero,
            ends,
        }
    }
}

impl<V: Params> Optimizer<V> for Prodigy<V> {
    fn step(&mut self, params: &mut V, grad: &V, lr: f64) {
        if !self.started {
            self.p0 = params.clone();
            self.started = true;
        }
        let [beta1, beta2] = self.betas;
        let beta3 = self.beta3.unwrap_or_else(|| beta2.sqrt());
        let t = self.step;
        let bias_correction = if self.bias_correction {
            let bias_correction1 = 1.0 - power_of_step(beta1, t);
            let bias_correction2_sq = (1.0 - power_of_step(beta2, t)).sqrt();
            bias_correction1 / bias_correction2_sq
        } else {
            1.0
        };
        let (d, d0) = (self.d, self.d0);
        // The step size of this step, from the estimate in force before it.
        let d_lr = d * lr / bias_correction;
        self.d_numerator *= beta3;
        self.step += 1;

        let n = params.as_ref().len();
        let p = &mut params.as_mut()[..n];
        let grad = &grad.as_ref()[..n];
        let p0 = &self.p0.as_ref()[..n];
        let m = &mut self.exp_avg.as_mut()[..n];
        let v = &mut self.exp_avg_sq.as_mut()[..n];
        let s = &mut self.s.as_mut()[..n];
        let numerator_weight = (d / d0) * d_lr;
        let m_weight = d * (1.0 - beta1);
        let v_weight = d * d * (1.0 - beta2);
        let s_weight = (d / d0) * (if self.safeguard_warmup { d } else { d_lr });
        let mut d_de_nom = 0.0;
        let mut start = 0;
        for &end in &self.ends {
            // ⟨g, θ₀ − θ⟩ of this tensor, summed from its first coordinate.
            let mut inner = 0.0;
            for i in start..end {
                let product = grad[i] * (p0[i] - p[i]);
                inner = if i == start { product } else { inner + product };
            }
            self.d_numerator += numerator_weight * inner;
            let mut s_sum = 0.0;
            for i in start..end {
                let g = grad[i];
                m[i] = m[i] * beta1 + m_weight * g;
                v[i] = v[i] * beta2 + v_weight * g * g;
                s[i] = s[i] * beta3 + s_weight * g;
                s_sum += s[i].abs();
            }
            d_de_nom += s_sum;
            start = end;
        }
        // No estimate (and no move) while every s is zero.
        if d_de_nom == 0.0 {
            return;
        }
        let d_hat = self.d_coef * self.d_numerator / d_de_nom;
        let mut d = d;
        if d == d0 && d_hat > d {
            d = d_hat;
        }
        if d_hat > self.d_max {
            self.d_max = d_hat;
        }
        d = match self.growth_rate {
            Some(rate) if d * rate < self.d_max => d * rate,
            _ => self.d_max,
        };
        self.d = d;
        self.d_de_nom = Some(d_de_nom);
        self.d_hat = Some(d_hat);

        // Only decoupled decay acts: the coupled kind is added to the
        // gradient after the moments have taken it, so it changes nothing.
        let decay = (self.weight_decay != 0.0 && self.weight_decouple)
            .then_some(1.0 - self.weight_decay * (if self.fixed_decay { 1.0 } else { d_lr }));
        for i in 0..n {
            if let Some(decay) = decay {
                p[i] *= decay;
            }
            let root = v[i].sqrt();
            match self.eps {
                Some(eps) => p[i] += -d_lr * m[i] / (root + d * eps),
                None => p[i] += -d_lr * m[i].atan2(root),
            }
        }
    }

    fn momentum(&self) -> Option<f64> {
        Some(self.betas[0])
    }

    fn set_momentum(&mut self, beta1: f64) {
        self.betas[0] = beta1;
    }

    fn readout(&self) -> Option<(&'static str, f64)> {
        Some(("d", self.d))
    }

    fn state(&self) -> State {
        if !self.started {
            return State::default();
        }
        let mut st = State::default()
            .vector("s", &self.s)
            .vector("p0", &self.p0)
            .vector("exp_avg", &self.exp_avg)
            .vector("exp_avg_sq", &self.exp_avg_sq)
            .number("d", self.d)
            .number("d_max", self.d_max)
            .count("step", self.step)
            .number("d_numerator", self.d_numerator);
        if let (Some(de_nom), Some(hat)) = (self.d_de_nom, self.d_hat) {
            st = st.number("d_de_nom", de_nom).number("d_hat", hat);
        }
        st
    }
}

const HYPER: &[HyperSpec] = &[
    BETAS,
    HyperSpec {
        name: "beta3",
        kind: HyperKind::MaybeNumber(Range::closed(0.0, 1.0), "√β₂"),
        default: HyperValue::MaybeNumber(None),
        doc: "decay of the estimate's sums r and s (null: √β₂)",
        parts: ["", ""],
    },
    number(
        "d0",
        1e-6,
        Range::above(0.0),
        "the initial distance estimate d₀",
    ),
    number(
        "d_coef",
        1.0,
        Range::any(),
        "scales the estimate: d̂ = d_coef · r / Σ|s|",
    ),
    HyperSpec {
        name: "growth_rate",
        kind: HyperKind::MaybeNumber(Range::any(), "no limit"),
        default: HyperValue::MaybeNumber(None),
        doc: "the most d may grow by in one step, as a factor (null: no limit, torch's inf)",
        parts: ["", ""],
    },
    WEIGHT_DECAY,
    HyperSpec {
        name: "weight_decouple",
        kind: HyperKind::Flag,
        default: HyperValue::Flag(true),
        doc: "decay θ directly, θ ← θ(1 − λdγ); off, the decay is added to the gradient after it is used and does nothing",
        parts: ["", ""],
    },
    flag(
        "fixed_decay",
        "decoupled decay by λ alone, not scaled by the step size",
    ),
    flag(
        "bias_correction",
        "scale the step by √(1 − β₂ᵗ)/(1 − β₁ᵗ)",
    ),
    flag(
        "safeguard_warmup",
        "s takes the gradient scaled by d instead of by the step size dγ",
    ),
    HyperSpec {
        name: "eps",
        kind: HyperKind::MaybeNumber(Range::at_least(0.0), "atan2(m, √v) in place of m/(√v + dε)"),
        default: HyperValue::MaybeNumber(Some(1e-8)),
        doc: "added (times d) to the denominator; null steps by atan2(m, √v) instead",
        parts: ["", ""],
    },
];

/// `Prodigy`'s entry in [`crate::registry::REGISTRY`].
pub static DEF: OptimizerDef = OptimizerDef {
    name: "prodigy",
    title: "Prodigy",
    default_lr: 1.0,
    hyper: HYPER,
    rule: &[
        "η = dγ  (dγ√(1 − β₂ᵗ)/(1 − β₁ᵗ) with bias_correction)",
        "r ← β₃r + (d/d₀)η⟨g, θ₀ − θ⟩  (β₃ = √β₂ if null)",
        "m ← β₁m + d(1 − β₁)g",
        "v ← β₂v + d²(1 − β₂)g²",
        "s ← β₃s + (d/d₀)ηg  (d in place of η with safeguard_warmup)",
        "d̂ = d_coef · r / Σ|s|  (sums over every tensor)",
        "d_max ← max(d_max, d̂),  d ← min(d_max, d·growth_rate)",
        "θ ← θ(1 − λη)  (if weight_decouple; θ(1 − λ) with fixed_decay)",
        "θ ← θ − ηm / (√v + dε)  (η·atan2(m, √v) if eps is null)",
    ],
    check: no_cross_checks,
    build: builders!(|h, zero, shapes| Prodigy::new(h, zero, shapes)),
    wraps: None,
    origin: Origin::PytorchOptimizer,
    series: None,
};

#[cfg(test)]
mod tests {
    use super::DEF;
    use crate::hyper::HyperValue;
    use crate::optimizer::{Shape, StateValue};
    use crate::testing::{close, rosenbrock as rosenbrock_grad};

    // The expected numbers were made with pytorch_optimizer 4.1.0 in float64
    // (torch.set_default_dtype(torch.float64), foreach=False): the
    // parameters and param_groups[0]["d"] after each step.

    #[test]
    fn matches_the_reference_with_a_growth_limit() {
        // Prodigy(lr=1.0, d_coef=0.5, growth_rate=1.5), Rosenbrock from (−1.2, 1).
        let mut h = DEF.defaults();
        h.values.insert("d_coef", HyperValue::Number(0.5));
        h.values
            .insert("growth_rate", HyperValue::MaybeNumber(Some(1.5)));
        let mut opt = (DEF.build.two)(&h);
        let want = [
            ([-1.1999968377223444, 1.0000031622776488], 1e-06),
            ([-1.199992588133602, 1.000007411866619], 1e-06),
            (
                [-1.1999876379089867, 1.000012362092077],
                1.7629375059935085e-06,
            ),
            (
                [-1.1999781547193595, 1.0000218452776082],
                2.644406258990263e-06,
            ),
            (
                [-1.199963300912914, 1.0000366990634382],
                3.966609388485395e-06,
            ),
            (
                [-1.199940514451111, 1.0000594854613347],
                5.949914082728092e-06,
            ),
        ];
        let mut p = [-1.2, 1.0];
        assert_eq!(opt.readout(), Some(("d", 1e-6)));
        for (point, d) in want {
            let g = rosenbrock_grad(p);
            opt.step(&mut p, &g, 1.0);
            close(&p, &point);
            close(&[opt.readout().unwrap().1], &[d]);
        }
        let keys: Vec<_> = opt.state().0.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                "s",
                "p0",
                "exp_avg",
                "exp_avg_sq",
                "d",
                "d_max",
                "step",
                "d_numerator",
                "d_de_nom",
                "d_hat"
            ]
        );
        assert_eq!(opt.state().0[1].1, StateValue::Vector(vec![-1.2, 1.0]));
        // The group's step starts at 1.
        assert_eq!(opt.state().0[6].1, StateValue::Count(7));
    }

    #[test]
    fn matches_the_reference_with_atan2_and_bias_correction() {
        // Prodigy(lr=1.0, eps=None, bias_correction=True, weight_decay=0.1),
        // Rosenbrock from (−1.2, 1).
        let mut h = DEF.defaults();
        h.values.insert("eps", HyperValue::MaybeNumber(None));
        h.values.insert("bias_correction", HyperValue::Flag(true));
        h.values.insert("weight_decay", HyperValue::Number(0.1));
        let mut opt = (DEF.build.two)(&h);
        let want = [
            [-1.199999562176663, 1.0000003682532284],
            [-1.1999992186885633, 1.0000006599716504],
            [-1.1999989173961954, 1.0000009168216901],
            [-1.199998640078785, 1.0000011537099414],
        ];
        let mut p = [-1.2, 1.0];
        for point in want {
            let g = rosenbrock_grad(p);
            opt.step(&mut p, &g, 1.0);
            close(&p, &point);
        }
    }

    #[test]
    fn the_estimate_sums_over_every_tensor() {
        // Prodigy([a, b], lr=1.0, d0=1e-3), a = [0.5, −1], b = [2], with
        // a.grad = [a₀³ − 1, a₁ + b₀] and b.grad = 2b − 1.
        let mut h = DEF.defaults();
        h.values.insert("d0", HyperValue::Number(1e-3));
        let mut opt = (DEF.build.many)(&h, &[Shape::Vector(2), Shape::Vector(1)]);
        let want = [
            (
                [0.5031622765173116, -1.0031622766601687, 1.9968377226731648],
                0.001,
            ),
            (
                [0.5074115599688825, -1.0074111426790167, 1.9925883676185616],
                0.001579091903992021,
            ),
            (
                [0.5151647975601069, -1.0151677616482238, 1.9848357505912997],
                0.0048084355538584814,
            ),
            (
                [0.5376955368415984, -1.0377605523461402, 1.9623172471866406],
                0.013466476120663897,
            ),
        ];
        let mut p = vec![0.5, -1.0, 2.0];
        for (point, d) in want {
            let g = vec![p[0] * p[0] * p[0] - 1.0, p[1] + p[2], 2.0 * p[2] - 1.0];
            opt.step(&mut p, &g, 1.0);
            close(&p, &point);
            close(&[opt.readout().unwrap().1], &[d]);
        }
    }

    #[test]
    fn a_zero_gradient_leaves_the_parameters_and_the_estimate() {
        let mut opt = (DEF.build.two)(&DEF.defaults());
        let mut p = [1.0, 2.0];
        opt.step(&mut p, &[0.0, 0.0], 1.0);
        assert_eq!(p, [1.0, 2.0]);
        assert_eq!(opt.readout(), Some(("d", 1e-6)));
        // No d_de_nom or d_hat yet: the step returned before setting them.
        let keys: Vec<_> = opt.state().0.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                "s",
                "p0",
                "exp_avg",
                "exp_avg_sq",
                "d",
                "d_max",
                "step",
                "d_numerator"
            ]
        );
    }
}
