//! The optimizers on n parameters: every registered optimizer built for n = 2
//! steps exactly as its two-parameter build, bit for bit, state included; the
//! coordinate-wise ones on four separable parameters step as two independent
//! pairs; Adafactor's RMS and L-BFGS's sums run over every coordinate, and
//! Adafactor over several tensors steps each on its own, a matrix with its
//! second moments factored.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::optim::{
    self, Hyper, HyperValue, Optimizer, OptimizerDef, Params, Shape, State, StateValue, REGISTRY,
};

const STEPS: usize = 50;

/// Rosenbrock's function (a = 1, b = 100) at (x, y): its value and gradient.
fn rosenbrock(x: f64, y: f64) -> (f64, f64, f64) {
    let f = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
    let gx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
    let gy = 200.0 * (y - x * x);
    (f, gx, gy)
}

fn rosenbrock_2(p: &[f64; 2]) -> (f64, [f64; 2]) {
    let (f, gx, gy) = rosenbrock(p[0], p[1]);
    (f, [gx, gy])
}

/// One hyperparameter setting of one optimizer: its changes from torch's
/// defaults, the learning rate, and whether a schedule moves its momentum
/// (or β₁) between steps, as CyclicLR does.
struct Case {
    settings: Vec<(&'static str, HyperValue)>,
    lr: f64,
    cycle_momentum: bool,
}

fn case(lr: f64, settings: &[(&'static str, HyperValue)]) -> Case {
    Case {
        settings: settings.to_vec(),
        lr,
        cycle_momentum: false,
    }
}

fn num(x: f64) -> HyperValue {
    HyperValue::Number(x)
}

fn flag(b: bool) -> HyperValue {
    HyperValue::Flag(b)
}

fn pair(a: f64, b: f64) -> HyperValue {
    HyperValue::Pair([a, b])
}

fn count(n: u32) -> HyperValue {
    HyperValue::Count(Some(n))
}

/// The settings each optimizer is tried with: its defaults first, then the
/// switches and terms that change its update.
fn cases(name: &str) -> Vec<Case> {
    let cycled = |mut c: Case| {
        c.cycle_momentum = true;
        c
    };
    match name {
        "sgd" => vec![
            case(5e-4, &[]),
            case(5e-4, &[("momentum", num(0.9))]),
            case(5e-4, &[("momentum", num(0.9)), ("nesterov", flag(true))]),
            case(
                5e-4,
                &[
                    ("momentum", num(0.5)),
                    ("dampening", num(0.3)),
                    ("weight_decay", num(0.01)),
                ],
            ),
            // The buffer is made at the first step with momentum.
            cycled(case(5e-4, &[])),
        ],
        "adagrad" => vec![
            case(0.1, &[]),
            case(
                0.1,
                &[
                    ("lr_decay", num(0.01)),
                    ("weight_decay", num(0.1)),
                    ("initial_accumulator_value", num(0.5)),
                ],
            ),
        ],
        "rmsprop" => vec![
            case(1e-2, &[]),
            case(1e-2, &[("centered", flag(true))]),
            case(
                1e-3,
                &[
                    ("momentum", num(0.9)),
                    ("centered", flag(true)),
                    ("weight_decay", num(0.01)),
                ],
            ),
            cycled(case(1e-3, &[])),
        ],
        "adadelta" => vec![
            case(1.0, &[]),
            case(1.0, &[("rho", num(0.5)), ("weight_decay", num(0.1))]),
        ],
        "adam" => vec![
            case(1e-2, &[]),
            case(1e-2, &[("amsgrad", flag(true)), ("weight_decay", num(0.1))]),
            cycled(case(1e-2, &[])),
        ],
        "adamw" => vec![case(1e-2, &[]), case(1e-2, &[("amsgrad", flag(true))])],
        "nadam" => vec![
            case(1e-2, &[]),
            case(1e-2, &[("weight_decay", num(0.1))]),
            case(
                1e-2,
                &[
                    ("weight_decay", num(0.1)),
                    ("decoupled_weight_decay", flag(true)),
                ],
            ),
            cycled(case(1e-2, &[])),
        ],
        "adamax" => vec![case(1e-2, &[]), case(1e-2, &[("weight_decay", num(0.1))])],
        "radam" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("weight_decay", num(0.1)),
                    ("decoupled_weight_decay", flag(true)),
                ],
            ),
        ],
        "rprop" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("etas", HyperValue::Pair([0.3, 1.5])),
                    ("step_sizes", HyperValue::Pair([1e-3, 0.1])),
                ],
            ),
        ],
        "asgd" => vec![
            case(5e-4, &[]),
            // Averaging from step 10, a faster decay of η, weight decay.
            case(
                5e-4,
                &[
                    ("t0", num(10.0)),
                    ("lambd", num(1e-2)),
                    ("weight_decay", num(0.01)),
                ],
            ),
        ],
        "adafactor" => vec![
            case(1e-2, &[]),
            case(
                1e-1,
                &[
                    ("eps", HyperValue::AutoPair(Some(1e-20), 1e-3)),
                    ("weight_decay", num(0.1)),
                    ("d", num(2.0)),
                    ("beta2_decay", num(-0.5)),
                ],
            ),
        ],
        "lbfgs" => vec![
            case(0.1, &[]),
            case(
                1.0,
                &[("line_search_fn", HyperValue::Choice(Some("strong_wolfe")))],
            ),
            case(
                1.0,
                &[
                    ("line_search_fn", HyperValue::Choice(Some("strong_wolfe"))),
                    ("history_size", HyperValue::Count(Some(3))),
                    ("max_iter", HyperValue::Count(Some(5))),
                ],
            ),
            case(
                0.1,
                &[
                    ("history_size", HyperValue::Count(Some(2))),
                    ("max_eval", HyperValue::Count(Some(7))),
                ],
            ),
        ],
        "lion" => vec![
            case(1e-3, &[]),
            case(
                1e-3,
                &[
                    ("betas", pair(0.8, 0.95)),
                    ("weight_decay", num(0.1)),
                    ("weight_decouple", flag(false)),
                ],
            ),
            case(
                1e-3,
                &[("weight_decay", num(0.1)), ("fixed_decay", flag(true))],
            ),
            cycled(case(1e-3, &[])),
        ],
        "adabelief" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("rectify", flag(true)),
                    ("degenerated_to_sgd", flag(false)),
                    ("n_sma_threshold", count(4)),
                ],
            ),
            case(
                1e-2,
                &[("ams_bound", flag(true)), ("weight_decay", num(0.01))],
            ),
        ],
        "adopt" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[("weight_decay", num(0.01)), ("weight_decouple", flag(true))],
            ),
        ],
        "ademamix" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("t_alpha_beta3", HyperValue::MaybeNumber(Some(20.0))),
                    ("alpha", num(2.0)),
                    ("betas", HyperValue::Triple([0.8, 0.99, 0.999])),
                ],
            ),
        ],
        "schedulefree_sgd" => vec![
            case(1e-3, &[]),
            case(
                1e-3,
                &[
                    ("warmup_steps", count(5)),
                    ("r", num(1.0)),
                    ("weight_lr_power", num(1.0)),
                    ("weight_decay", num(0.01)),
                ],
            ),
        ],
        "schedulefree_adamw" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("ams_bound", flag(true)),
                    ("weight_decay", num(0.01)),
                    ("warmup_steps", count(3)),
                    ("decoupling_c", num(2.0)),
                ],
            ),
        ],
        "prodigy" => vec![
            case(1.0, &[]),
            case(
                1.0,
                &[
                    ("d_coef", num(2.0)),
                    ("growth_rate", HyperValue::MaybeNumber(Some(1.5))),
                    ("bias_correction", flag(true)),
                ],
            ),
            case(1.0, &[("safeguard_warmup", flag(true)), ("d0", num(1e-3))]),
            case(1.0, &[("eps", HyperValue::MaybeNumber(None))]),
        ],
        // The wrappers hold SGD with momentum 0.9 (hyper() gives it).
        "sam" => vec![
            case(1e-4, &[]),
            case(1e-4, &[("adaptive", flag(true)), ("rho", num(0.01))]),
            cycled(case(1e-4, &[])),
        ],
        "lookahead" => vec![
            case(5e-4, &[]),
            case(
                5e-4,
                &[
                    ("k", count(3)),
                    ("alpha", num(0.6)),
                    ("pullback_momentum", HyperValue::Choice(Some("pullback"))),
                ],
            ),
            case(
                5e-4,
                &[("pullback_momentum", HyperValue::Choice(Some("reset")))],
            ),
        ],
        "muon" => vec![
            case(1e-2, &[]),
            case(
                1e-2,
                &[
                    ("nesterov", flag(false)),
                    ("weight_decay", num(0.0)),
                    ("adjust_lr_fn", HyperValue::Choice(Some("match_rms_adamw"))),
                ],
            ),
            case(1e-2, &[("ns_steps", count(2))]),
        ],
        // Adam's template (hyper() gives it), which steps each coordinate alone.
        "rule" => vec![case(5e-2, &[]), case(5e-2, &[("weight_decay", num(0.1))])],
        other => panic!("no cases for the optimizer {other}: add some"),
    }
}

/// The hyperparameters of a case, checked as an experiment checks them.
fn hyper(def: &OptimizerDef, c: &Case) -> Hyper {
    let mut h = def.defaults();
    for (k, v) in &c.settings {
        assert!(def.spec(k).is_some(), "{}: no hyperparameter {k}", def.name);
        h.values.insert(k, *v);
    }
    (def.check)(&h, def.name).unwrap_or_else(|e| panic!("{e}"));
    if def.name == "rule" {
        let adam = optim::typed::TEMPLATES
            .iter()
            .find(|t| t.id == "adam")
            .unwrap();
        h.rule = Some(std::sync::Arc::new(adam.rule()));
    }
    // A wrapper's base is SGD with momentum; Muon's others its default.
    if let Some(w) = def.wraps {
        let (name, lr) = w.default.unwrap_or(("sgd", 0.0));
        let inner = optim::lookup(name).unwrap();
        let mut hyper = inner.defaults();
        if name == "sgd" {
            hyper.values.insert("momentum", num(0.9));
        }
        h.inner = Some(Box::new(optim::Inner {
            def: inner,
            lr: (!w.shares_lr).then_some(lr),
            hyper,
        }));
    }
    h
}

/// A run's record after each step: the parameters, the state and the
/// evaluations the step made.
struct Record {
    params: Vec<f64>,
    state: State,
    evals: u32,
}

/// `steps` steps from `start`, with the objective `f` (value and gradient).
fn run<V: Params>(
    opt: &mut dyn Optimizer<V>,
    start: V,
    f: &dyn Fn(&V) -> (f64, V),
    lr: f64,
    cycle_momentum: bool,
    steps: usize,
) -> Vec<Record> {
    let mut p = start;
    let mut out = Vec::new();
    for k in 0..steps {
        if cycle_momentum && opt.momentum().is_some() {
            opt.set_momentum([0.0, 0.8, 0.9][k % 3]);
        }
        let (loss, g) = f(&p);
        let evals = if opt.re_evaluates() {
            opt.step_closure(&mut p, loss, &g, lr, &mut |q: &V| f(q))
        } else {
            opt.step(&mut p, &g, lr);
            1
        };
        out.push(Record {
            params: p.as_ref().to_vec(),
            state: opt.state(),
            evals,
        });
    }
    out
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// A state as bits: each key with its kind and every number's bits.
fn state_bits(s: &State) -> Vec<(String, &'static str, Vec<u64>)> {
    s.0.iter()
        .map(|(k, v)| (k.to_string(), v))
        .map(|(k, v)| match v {
            StateValue::Number(x) => (k, "number", vec![x.to_bits()]),
            StateValue::Count(c) => (k, "count", vec![*c]),
            StateValue::Vector(v) => (k, "vector", bits(v)),
            StateValue::Vectors(vs) => (
                k,
                "vectors",
                vs.iter()
                    .flat_map(|v| std::iter::once(v.len() as u64).chain(bits(v)))
                    .collect(),
            ),
            StateValue::Numbers(xs) => (
                k,
                "numbers",
                xs.iter()
                    .flat_map(|x| match x {
                        Some(x) => [1, x.to_bits()],
                        None => [0, 0],
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// That the run went somewhere: finite, and away from its start.
fn assert_moved(what: &str, start: &[f64], run: &[Record]) {
    let last = &run.last().expect("a run has steps").params;
    assert!(last.iter().all(|x| x.is_finite()), "{what}: {last:?}");
    assert!(
        last.iter().zip(start).any(|(a, b)| (a - b).abs() > 1e-3),
        "{what}: barely moved from {start:?} to {last:?}"
    );
}

#[test]
fn every_optimizer_built_for_n_parameters_steps_as_its_two_parameter_build_when_n_is_2() {
    let rosenbrock_n = |p: &Vec<f64>| {
        let (f, gx, gy) = rosenbrock(p[0], p[1]);
        (f, vec![gx, gy])
    };
    let start = [-1.5, 2.0];
    let mut runs = 0;
    for def in REGISTRY {
        for (i, c) in cases(def.name).iter().enumerate() {
            let what = format!("{} case {i}", def.name);
            let h = hyper(def, c);
            let mut two = (def.build.two)(&h);
            // Muon steps a point as the 1 × 2 matrix it is on a surface.
            let shape = match def.name {
                "muon" => Shape::Matrix(1, 2),
                _ => Shape::Vector(2),
            };
            let mut many = (def.build.many)(&h, &[shape]);
            let a = run(
                two.as_mut(),
                start,
                &rosenbrock_2,
                c.lr,
                c.cycle_momentum,
                STEPS,
            );
            let b = run(
                many.as_mut(),
                start.to_vec(),
                &rosenbrock_n,
                c.lr,
                c.cycle_momentum,
                STEPS,
            );
            assert_moved(&what, &start, &a);
            for (k, (a, b)) in a.iter().zip(&b).enumerate() {
                assert_eq!(bits(&a.params), bits(&b.params), "{what}, step {k}");
                assert_eq!(
                    state_bits(&a.state),
                    state_bits(&b.state),
                    "{what}, step {k}"
                );
                assert_eq!(a.evals, b.evals, "{what}, step {k}");
            }
            runs += 1;
        }
    }
    assert!(runs >= 2 * REGISTRY.len(), "{runs}");
}

/// Those whose update of a coordinate reads no other coordinate.
fn coordinate_wise(def: &OptimizerDef) -> bool {
    // Adafactor scales by the RMS of θ and of the update; L-BFGS's direction
    // and steps, Prodigy's distance estimate and SAM's climb come from sums
    // over all coordinates; Muon orthogonalizes a matrix of them.
    !matches!(def.name, "adafactor" | "lbfgs" | "prodigy" | "sam" | "muon")
}

#[test]
fn coordinate_wise_optimizers_on_four_separable_parameters_step_as_two_pairs() {
    // f(a₀, b₀, a₁, b₁) = rosenbrock(a₀, a₁) + rosenbrock(b₀, b₁): the pairs
    // interleaved, so that a mixed-up index shows.
    let sum = |p: &Vec<f64>| {
        let (fa, ga0, ga1) = rosenbrock(p[0], p[2]);
        let (fb, gb0, gb1) = rosenbrock(p[1], p[3]);
        (fa + fb, vec![ga0, gb0, ga1, gb1])
    };
    let (a0, b0) = ([-1.5, 2.0], [0.5, -0.7]);
    let start = vec![a0[0], b0[0], a0[1], b0[1]];
    let mut runs = 0;
    for def in REGISTRY.iter().filter(|d| coordinate_wise(d)) {
        for (i, c) in cases(def.name).iter().enumerate() {
            let what = format!("{} case {i}", def.name);
            let h = hyper(def, c);
            let pair = |start: [f64; 2]| {
                let mut opt = (def.build.two)(&h);
                run(
                    opt.as_mut(),
                    start,
                    &rosenbrock_2,
                    c.lr,
                    c.cycle_momentum,
                    STEPS,
                )
            };
            let (a, b) = (pair(a0), pair(b0));
            assert_moved(&what, &a0, &a);
            assert_moved(&what, &b0, &b);
            let mut opt = (def.build.many)(&h, &[Shape::Vector(4)]);
            let four = run(
                opt.as_mut(),
                start.clone(),
                &sum,
                c.lr,
                c.cycle_momentum,
                STEPS,
            );
            for (k, ((a, b), four)) in a.iter().zip(&b).zip(&four).enumerate() {
                let at = format!("{what}, step {k}");
                let p = &four.params;
                assert_eq!(bits(&a.params), bits(&[p[0], p[2]]), "{at}");
                assert_eq!(bits(&b.params), bits(&[p[1], p[3]]), "{at}");
                let (sa, sb, s4) = (&a.state.0, &b.state.0, &four.state.0);
                assert_eq!(s4.len(), sa.len(), "{at}");
                assert_eq!(s4.len(), sb.len(), "{at}");
                for ((ka, va), ((kb, vb), (k4, v4))) in sa.iter().zip(sb.iter().zip(s4)) {
                    assert!(ka == k4 && kb == k4, "{at}: {ka}, {kb}, {k4}");
                    match (va, vb, v4) {
                        (StateValue::Vector(va), StateValue::Vector(vb), StateValue::Vector(v)) => {
                            assert_eq!(bits(va), bits(&[v[0], v[2]]), "{at}: {k4}");
                            assert_eq!(bits(vb), bits(&[v[1], v[3]]), "{at}: {k4}");
                        }
                        (StateValue::Number(xa), StateValue::Number(xb), StateValue::Number(x)) => {
                            assert_eq!(xa.to_bits(), x.to_bits(), "{at}: {k4}");
                            assert_eq!(xb.to_bits(), x.to_bits(), "{at}: {k4}");
                        }
                        (StateValue::Count(a), StateValue::Count(b), StateValue::Count(c)) => {
                            assert!(a == c && b == c, "{at}: {k4}");
                        }
                        other => panic!("{at}: {k4}: {other:?}"),
                    }
                }
            }
            runs += 1;
        }
    }
    assert!(runs >= 2 * (REGISTRY.len() - 2), "{runs}");
}

#[test]
fn adafactor_takes_the_rms_over_every_coordinate() {
    // Rosenbrock twice over, from the same point twice: mathematically the
    // two-parameter run twice over (RMS over four equal-in-pairs coordinates
    // is the RMS over two), up to the rounding of the longer sums.
    let twice = |p: &Vec<f64>| {
        let (fa, ga0, ga1) = rosenbrock(p[0], p[1]);
        let (fb, gb0, gb1) = rosenbrock(p[2], p[3]);
        (fa + fb, vec![ga0, ga1, gb0, gb1])
    };
    let start = [-1.5, 2.0];
    for (i, c) in cases("adafactor").iter().enumerate() {
        let h = hyper(&optim::adafactor::DEF, c);
        let mut two = (optim::adafactor::DEF.build.two)(&h);
        let a = run(two.as_mut(), start, &rosenbrock_2, c.lr, false, STEPS);
        assert_moved("adafactor", &start, &a);
        let mut four = (optim::adafactor::DEF.build.many)(&h, &[Shape::Vector(4)]);
        let b = run(
            four.as_mut(),
            [start, start].concat(),
            &twice,
            c.lr,
            false,
            STEPS,
        );
        for (k, (a, b)) in a.iter().zip(&b).enumerate() {
            let p = &b.params;
            // The copies take the same operations on the same numbers.
            assert_eq!(bits(&p[..2]), bits(&p[2..]), "case {i}, step {k}");
            for j in 0..2 {
                let (x, y) = (a.params[j], p[j]);
                assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                    "case {i}, step {k}: {:?} against {p:?}",
                    a.params
                );
            }
        }
    }
}

#[test]
fn adafactor_steps_each_tensor_on_its_own() {
    // Two Rosenbrocks side by side, as two vectors of two: each takes its
    // own RMS, clip and step size, so each steps as its own two-parameter
    // run, bit for bit.
    let side = |p: &Vec<f64>| {
        let (fa, ga0, ga1) = rosenbrock(p[0], p[1]);
        let (fb, gb0, gb1) = rosenbrock(p[2], p[3]);
        (fa + fb, vec![ga0, ga1, gb0, gb1])
    };
    let (a0, b0) = ([-1.5, 2.0], [0.5, -0.7]);
    for (i, c) in cases("adafactor").iter().enumerate() {
        let def = &optim::adafactor::DEF;
        let h = hyper(def, c);
        let pair = |start: [f64; 2]| {
            let mut opt = (def.build.two)(&h);
            run(opt.as_mut(), start, &rosenbrock_2, c.lr, false, STEPS)
        };
        let (a, b) = (pair(a0), pair(b0));
        let shapes = [Shape::Vector(2), Shape::Vector(2)];
        let mut opt = (def.build.many)(&h, &shapes);
        let both = run(opt.as_mut(), [a0, b0].concat(), &side, c.lr, false, STEPS);
        for (k, ((a, b), both)) in a.iter().zip(&b).zip(&both).enumerate() {
            let at = format!("case {i}, step {k}");
            assert_eq!(
                bits(&both.params),
                bits(&[a.params.clone(), b.params.clone()].concat()),
                "{at}"
            );
            let variance = |s: &State| match &s.0[..] {
                [(step, _), (variance, StateValue::Vector(v))]
                    if step == "step" && variance == "variance" =>
                {
                    v.clone()
                }
                other => panic!("{at}: {other:?}"),
            };
            let (va, vb) = (variance(&a.state), variance(&b.state));
            assert_eq!(
                bits(&variance(&both.state)),
                bits(&[va, vb].concat()),
                "{at}"
            );
        }
    }
}

#[test]
fn adafactor_factors_a_matrix_exactly_when_its_squared_gradient_is_an_outer_product() {
    // At the first step each average is the mean itself (its weight is
    // 1^beta2_decay = 1). Where g²ᵢⱼ = aᵢbⱼ, the row means rᵢ = aᵢ·mean(b)
    // and column means cⱼ = bⱼ·mean(a) give rᵢcⱼ/mean(r) = aᵢbⱼ: the 2 × 3
    // matrix steps as the same six numbers in one vector, up to rounding.
    let def = &optim::adafactor::DEF;
    let h = hyper(def, &case(0.1, &[]));
    let p0 = vec![0.3, -1.2, 0.8, 2.0, -0.5, 1.1];
    let (s, t) = ([0.5, -2.0], [1.5, -0.25, 3.0]);
    let outer: Vec<f64> = s
        .iter()
        .flat_map(|a| t.iter().map(move |b| a * b))
        .collect();
    let step = |shapes: &[Shape], g: &Vec<f64>| {
        let mut opt = (def.build.many)(&h, shapes);
        let mut p = p0.clone();
        opt.step(&mut p, g, 0.1);
        (p, opt.state())
    };
    let (matrix, state) = step(&[Shape::Matrix(2, 3)], &outer);
    let (vector, _) = step(&[Shape::Vector(6)], &outer);
    for (m, v) in matrix.iter().zip(&vector) {
        assert!(
            (m - v).abs() <= 1e-14 * v.abs().max(1.0),
            "{matrix:?} against {vector:?}"
        );
    }
    assert!(matrix.iter().zip(&p0).all(|(a, b)| a != b));
    // The state holds the row and column means of g², not g² itself.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let sq = |v: &[f64]| v.iter().map(|x| x * x).collect::<Vec<f64>>();
    let (s2, t2) = (sq(&s), sq(&t));
    let rows: Vec<f64> = s2.iter().map(|a| a * mean(&t2)).collect();
    let cols: Vec<f64> = t2.iter().map(|b| b * mean(&s2)).collect();
    let [(k0, _), (k1, StateValue::Vector(r)), (k2, StateValue::Vector(c))] = &state.0[..] else {
        panic!("{state:?}");
    };
    assert_eq!([k0, k1, k2], ["step", "row_var", "col_var"]);
    for (got, want) in r.iter().zip(&rows).chain(c.iter().zip(&cols)) {
        assert!((got - want).abs() <= 1e-14 * want, "{state:?}");
    }
    // Any other gradient is only estimated: the matrix no longer steps as
    // the vector.
    let mut other = outer.clone();
    other[4] = 2.0;
    let (matrix, _) = step(&[Shape::Matrix(2, 3)], &other);
    let (vector, _) = step(&[Shape::Vector(6)], &other);
    assert!(matrix
        .iter()
        .zip(&vector)
        .any(|(m, v)| (m - v).abs() > 1e-6));
}

#[test]
fn lbfgs_with_two_idle_coordinates_steps_as_on_two() {
    // Rosenbrock in coordinates 0 and 2; 1 and 3 start at 0 with a zero
    // gradient. Every sum L-BFGS takes gains only zero terms, so the active
    // coordinates follow the two-parameter run bit for bit.
    let spread = |p: &Vec<f64>| {
        let (f, gx, gy) = rosenbrock(p[0], p[2]);
        (f, vec![gx, 0.0, gy, 0.0])
    };
    let start = [-1.5, 2.0];
    let active = |v: &[f64]| {
        assert!(v[1] == 0.0 && v[3] == 0.0, "{v:?}");
        bits(&[v[0], v[2]])
    };
    for (i, c) in cases("lbfgs").iter().enumerate() {
        let at = |k| format!("case {i}, step {k}");
        let h = hyper(&optim::lbfgs::DEF, c);
        let mut two = (optim::lbfgs::DEF.build.two)(&h);
        let a = run(two.as_mut(), start, &rosenbrock_2, c.lr, false, 30);
        assert_moved("lbfgs", &start, &a);
        let mut four = (optim::lbfgs::DEF.build.many)(&h, &[Shape::Vector(4)]);
        let b = run(
            four.as_mut(),
            vec![start[0], 0.0, start[1], 0.0],
            &spread,
            c.lr,
            false,
            30,
        );
        for (k, (a, b)) in a.iter().zip(&b).enumerate() {
            assert_eq!(bits(&a.params), active(&b.params), "{}", at(k));
            assert_eq!(a.evals, b.evals, "{}", at(k));
            assert_eq!(a.state.0.len(), b.state.0.len(), "{}", at(k));
            for ((ka, va), (kb, vb)) in a.state.0.iter().zip(&b.state.0) {
                assert_eq!(ka, kb, "{}", at(k));
                match (va, vb) {
                    (StateValue::Vector(va), StateValue::Vector(vb)) => {
                        assert_eq!(bits(va), active(vb), "{}: {ka}", at(k));
                    }
                    (StateValue::Vectors(va), StateValue::Vectors(vb)) => {
                        assert_eq!(va.len(), vb.len(), "{}: {ka}", at(k));
                        for (va, vb) in va.iter().zip(vb) {
                            assert_eq!(bits(va), active(vb), "{}: {ka}", at(k));
                        }
                    }
                    _ => assert_eq!(
                        state_bits(&State(vec![(ka.clone(), va.clone())])),
                        state_bits(&State(vec![(kb.clone(), vb.clone())])),
                        "{}",
                        at(k)
                    ),
                }
            }
        }
    }
}

#[test]
fn lbfgs_with_the_line_search_solves_a_coupled_quadratic_in_four_dimensions() {
    // f = ½ xᵀAx − bᵀx, A symmetric positive definite with every pair of
    // coordinates coupled; its minimum is x* = (1, −2, 3, −4).
    let a = [
        [10.0, 2.0, -1.0, 0.5],
        [2.0, 8.0, 1.5, -1.0],
        [-1.0, 1.5, 6.0, 2.0],
        [0.5, -1.0, 2.0, 4.0],
    ];
    let x_star = [1.0, -2.0, 3.0, -4.0];
    let b: Vec<f64> = (0..4)
        .map(|i| (0..4).map(|j| a[i][j] * x_star[j]).sum())
        .collect();
    let quadratic = |x: &Vec<f64>| {
        let ax: Vec<f64> = (0..4)
            .map(|i| (0..4).map(|j| a[i][j] * x[j]).sum())
            .collect();
        let f = (0..4).map(|i| 0.5 * x[i] * ax[i] - b[i] * x[i]).sum();
        (f, (0..4).map(|i| ax[i] - b[i]).collect())
    };
    let h = hyper(
        &optim::lbfgs::DEF,
        &case(
            1.0,
            &[("line_search_fn", HyperValue::Choice(Some("strong_wolfe")))],
        ),
    );
    let mut opt = (optim::lbfgs::DEF.build.many)(&h, &[Shape::Vector(4)]);
    let mut x = vec![0.0; 4];
    let (loss, g) = quadratic(&x);
    let evals = opt.step_closure(&mut x, loss, &g, 1.0, &mut |q: &Vec<f64>| quadratic(q));
    for i in 0..4 {
        assert!((x[i] - x_star[i]).abs() < 1e-6, "{x:?} after {evals}");
    }
    assert!(evals > 4 && evals <= 25, "{evals}");
}
