//! The network against PyTorch's own training runs
//! (`tests/data/reference2/mlp/*.json`): at every recorded parameter vector,
//! the loss, the accuracy and each layer's weight-gradient norm; and, where
//! the run is plain SGD, the whole gradient (the step divided by lr).

use crate::mlp::datasets::Pattern;
use crate::mlp::init::{initial_weights, Init};
use crate::mlp::net::{Activation, Architecture, Network, Task, Workspace};
use serde_json::Value;

/// The rule every number is held to torch's by (tests/common/tolerance.rs).
#[path = "../../../../tests/common/tolerance.rs"]
mod tolerance;

/// Asserts that `got` agrees with torch's `want`, a number of a step's
/// entry whose floor is `floor` (`want`'s own size for a number alone).
fn close(got: f64, want: f64, floor: f64, what: &str) {
    assert!(
        tolerance::close(got, want, floor, tolerance::TOLERANCE),
        "{what}: {got} against torch's {want}"
    );
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

struct Case {
    net: Network,
    x: Vec<[f64; 2]>,
    y: Vec<f64>,
    reference: Value,
    experiment: Value,
}

fn case(name: &str) -> Case {
    let path = format!(
        "{}/../../tests/data/reference2/mlp/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let f = &doc["experiment"]["function"];
    let arch = Architecture {
        hidden: f["hidden"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_u64().unwrap() as usize)
            .collect(),
        activation: Activation::parse(f["activation"].as_str().unwrap()).unwrap(),
        batch_norm: f["batch_norm"].as_bool().unwrap(),
        task: Task::parse(f["task"].as_str().unwrap()).unwrap(),
    };
    let x = f["data"]["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let r = numbers(r);
            [r[0], r[1]]
        })
        .collect();
    Case {
        net: Network::new(arch),
        x,
        y: numbers(&f["data"]["y"]),
        reference: doc["reference"].clone(),
        experiment: doc["experiment"].clone(),
    }
}

const CASES: [&str; 4] = [
    "mlp-tanh-adam",
    "mlp-relu-sgd-momentum",
    "mlp-sigmoid-deep",
    "mlp-batchnorm",
];

#[test]
fn the_layout_is_torchs_parameter_order() {
    for name in CASES {
        let c = case(name);
        let weights = numbers(&c.experiment["function"]["weights"]);
        assert_eq!(c.net.count, weights.len(), "{name}");
    }
    let c = case("mlp-batchnorm");
    let names: Vec<String> = c.net.tensors().into_iter().map(|t| t.0).collect();
    // Linear, BatchNorm1d, Tanh, Linear, BatchNorm1d, Tanh, Linear.
    assert_eq!(
        names,
        [
            "0.weight", "1.weight", "1.bias", "3.weight", "4.weight", "4.bias", "6.weight",
            "6.bias"
        ]
    );
    // The shapes the optimizers see lie over the same tensors: the Linear
    // weights matrices (out × in), the rest vectors.
    use optiviz_optim::Shape;
    let shapes = c.net.shapes();
    assert_eq!(
        shapes,
        [
            Shape::Matrix(6, 2),
            Shape::Vector(6),
            Shape::Vector(6),
            Shape::Matrix(6, 6),
            Shape::Vector(6),
            Shape::Vector(6),
            Shape::Matrix(1, 6),
            Shape::Vector(1),
        ]
    );
    for name in CASES {
        let c = case(name);
        let sizes: Vec<usize> = c.net.tensors().iter().map(|t| t.2).collect();
        let lens: Vec<usize> = c.net.shapes().iter().map(|s| s.len()).collect();
        assert_eq!(sizes, lens, "{name}");
    }
}

#[test]
fn loss_accuracy_and_layer_gradient_norms_match_torch_at_every_step() {
    for name in CASES {
        let c = case(name);
        let r = &c.reference;
        let until = r["compare_until"]
            .as_u64()
            .map_or(usize::MAX, |k| k as usize);
        let rows: Vec<usize> = (0..c.x.len()).collect();
        let mut ws = Workspace::default();
        let mut grad = vec![0.0; c.net.count];
        let params = r["params"].as_array().unwrap();
        for (k, p) in params.iter().enumerate().take(until.saturating_add(1)) {
            let p = numbers(p);
            let e = c
                .net
                .pass(&p, (&c.x, &c.y), &rows, Some(&mut grad), &mut ws);
            let loss = r["losses"][k].as_f64().unwrap();
            close(e.loss, loss, loss.abs(), &format!("{name} loss {k}"));
            // Accuracy and gradient norms are recorded per step taken.
            if let Some(a) = r["accuracy"][k].as_f64() {
                assert_eq!(e.accuracy, Some(a), "{name} accuracy {k}");
            }
            if let Some(norms) = r["layer_grad_norms"].get(k) {
                let want = numbers(norms);
                let got = c.net.layer_grad_norms(&grad);
                assert_eq!(got.len(), want.len());
                let floor = tolerance::floor_of_numbers(&want);
                for (l, (g, w)) in got.iter().zip(&want).enumerate() {
                    close(
                        *g,
                        *w,
                        floor,
                        &format!("{name} layer {l} gradient norm at step {k}"),
                    );
                }
            }
            // Without a gradient, the same loss.
            let bare = c.net.pass(&p, (&c.x, &c.y), &rows, None, &mut ws);
            assert_eq!(bare, e);
        }
    }
}

#[test]
fn plain_sgd_steps_are_the_whole_gradient() {
    // mlp-sigmoid-deep is SGD without momentum: θ' = θ − lr·g.
    let c = case("mlp-sigmoid-deep");
    let lr = c.experiment["optimizers"][0]["lr"].as_f64().unwrap();
    assert_eq!(c.experiment["optimizers"][0]["name"], "sgd");
    let rows: Vec<usize> = (0..c.x.len()).collect();
    let mut ws = Workspace::default();
    let mut grad = vec![0.0; c.net.count];
    let params = c.reference["params"].as_array().unwrap();
    for k in 0..params.len() - 1 {
        let (p, next) = (numbers(&params[k]), numbers(&params[k + 1]));
        c.net
            .pass(&p, (&c.x, &c.y), &rows, Some(&mut grad), &mut ws);
        let floor = tolerance::floor_of_numbers(&next);
        for i in 0..p.len() {
            let stepped = p[i] - lr * grad[i];
            close(
                stepped,
                next[i],
                floor,
                &format!("parameter {i} after step {k}"),
            );
        }
    }
}

/// Asserts that the gradient of `net`'s loss on `rows` at `p` matches central
/// differences of the loss, parameter by parameter.
fn assert_gradient_matches_differences(
    net: &Network,
    p: &[f64],
    (x, y): (&[[f64; 2]], &[f64]),
    rows: &[usize],
) {
    let mut ws = Workspace::default();
    let mut grad = vec![0.0; net.count];
    net.pass(p, (x, y), rows, Some(&mut grad), &mut ws);
    for i in 0..p.len() {
        let h = 1e-6;
        let (mut a, mut b) = (p.to_vec(), p.to_vec());
        a[i] += h;
        b[i] -= h;
        let fd = (net.pass(&a, (x, y), rows, None, &mut ws).loss
            - net.pass(&b, (x, y), rows, None, &mut ws).loss)
            / (2.0 * h);
        assert!(
            (fd - grad[i]).abs() < 1e-7,
            "parameter {i}: {} against {fd}",
            grad[i]
        );
    }
}

#[test]
fn batch_norm_gradients_match_central_differences() {
    let c = case("mlp-batchnorm");
    let p = numbers(&c.reference["params"][10]);
    let rows: Vec<usize> = (0..c.x.len()).collect();
    assert_gradient_matches_differences(&c.net, &p, (&c.x, &c.y), &rows);
}

#[test]
fn regression_gradients_match_central_differences_on_a_subset_of_rows() {
    let arch = Architecture {
        hidden: vec![5, 3],
        activation: Activation::Tanh,
        batch_norm: false,
        task: Task::Regression,
    };
    let net = Network::new(arch);
    let (x, y) = Pattern::Plane.draw(40, 0.1, 3);
    let p = initial_weights(&net, Init::XavierNormal, 1.0, 5);
    let rows: Vec<usize> = (0..40).step_by(3).collect();
    let e = net.pass(&p, (&x, &y), &rows, None, &mut Workspace::default());
    assert_eq!(e.accuracy, None);
    assert_gradient_matches_differences(&net, &p, (&x, &y), &rows);
}

#[test]
fn initial_weights_follow_each_scheme() {
    let arch = Architecture {
        hidden: vec![64, 32],
        activation: Activation::Relu,
        batch_norm: false,
        task: Task::Classification,
    };
    let net = Network::new(arch);
    let first = net.layers[1]; // 64 in, 32 out
    let weights = |p: &[f64]| p[first.weight..first.weight + 64 * 32].to_vec();
    let std = |w: &[f64]| (w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64).sqrt();
    let max = |w: &[f64]| w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let bias = |p: &[f64]| p[first.bias.unwrap()..first.bias.unwrap() + 32].to_vec();

    let p = initial_weights(&net, Init::TorchDefault, 1.0, 1);
    assert!(max(&weights(&p)) <= 1.0 / 8.0 && max(&weights(&p)) > 0.12);
    assert!(max(&bias(&p)) <= 1.0 / 8.0 && max(&bias(&p)) > 0.0);
    let p = initial_weights(&net, Init::KaimingUniform, 1.0, 1);
    let bound = (6.0f64 / 64.0).sqrt();
    assert!(max(&weights(&p)) <= bound && max(&weights(&p)) > 0.95 * bound);
    assert_eq!(max(&bias(&p)), 0.0);
    let p = initial_weights(&net, Init::KaimingNormal, 1.0, 1);
    assert!((std(&weights(&p)) / (2.0f64 / 64.0).sqrt() - 1.0).abs() < 0.05);
    let p = initial_weights(&net, Init::XavierNormal, 1.0, 1);
    assert!((std(&weights(&p)) / (2.0f64 / 96.0).sqrt() - 1.0).abs() < 0.05);
    let p = initial_weights(&net, Init::XavierUniform, 1.0, 1);
    let bound = (6.0f64 / 96.0).sqrt();
    assert!(max(&weights(&p)) <= bound && max(&weights(&p)) > 0.95 * bound);
    let p = initial_weights(&net, Init::Normal, 3.0, 1);
    assert!((std(&weights(&p)) / 3.0 - 1.0).abs() < 0.05);
    // The seed decides; the same seed repeats.
    assert_eq!(
        initial_weights(&net, Init::Normal, 3.0, 1),
        initial_weights(&net, Init::Normal, 3.0, 1)
    );
    assert_ne!(
        initial_weights(&net, Init::Normal, 3.0, 1),
        initial_weights(&net, Init::Normal, 3.0, 2)
    );
    // A batch norm starts at γ = 1, β = 0.
    let bn = Network::new(Architecture {
        batch_norm: true,
        ..net.arch.clone()
    });
    let p = initial_weights(&bn, Init::TorchDefault, 1.0, 1);
    let g = bn.layers[0].norm.unwrap();
    assert!(p[g..g + 64].iter().all(|&v| v == 1.0));
    assert!(p[g + 64..g + 128].iter().all(|&v| v == 0.0));
}

#[test]
fn the_patterns_have_their_shapes() {
    let n = 400;
    for pattern in Pattern::ALL {
        let (x, y) = pattern.draw(n, 0.0, 7);
        assert_eq!((x.len(), y.len()), (n, n));
        assert!(
            pattern.draw(n, 0.0, 7) == (x.clone(), y.clone()),
            "a seed repeats"
        );
        let jittered = |seed| pattern.draw(n, 0.1, seed).0;
        assert!(
            jittered(7) != jittered(8),
            "{pattern:?}: another seed differs"
        );
        if pattern.classes() {
            let ones = y.iter().filter(|&&v| v == 1.0).count();
            assert_eq!(ones, n / 2, "{pattern:?}: balanced classes");
            assert!(y.iter().all(|&v| v == 0.0 || v == 1.0));
        }
        let r = |p: [f64; 2]| p[0].hypot(p[1]);
        for (p, &c) in x.iter().zip(&y) {
            match pattern {
                Pattern::Circle if c == 1.0 => assert!(r(*p) <= 0.5),
                Pattern::Circle => assert!((0.7..=1.0).contains(&r(*p))),
                Pattern::Xor => {
                    assert!(p[0].abs() >= 0.1 && p[1].abs() >= 0.1);
                    assert_eq!(c == 1.0, p[0] * p[1] > 0.0);
                }
                Pattern::Spiral => assert!(r(*p) <= 1.0),
                Pattern::Plane => assert_eq!(c, 0.5 * p[0] - 0.8 * p[1]),
                Pattern::Gauss => {}
            }
        }
    }
    // Noise moves the points, and for the plane, y.
    assert!(Pattern::Circle.draw(10, 0.1, 7).0 != Pattern::Circle.draw(10, 0.0, 7).0);
    assert!(Pattern::Plane.draw(10, 0.1, 7).1 != Pattern::Plane.draw(10, 0.0, 7).1);
}

/// The network's tanh is libm's to within an ulp or two, on both sides of
/// where it changes form (0.625), saturates (20), and at 0, ±∞ and NaN.
#[test]
fn the_networks_tanh_is_libms_to_an_ulp() {
    let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).abs();
    for i in -30_000..=30_000 {
        let z = i as f64 * 7.77e-4 + 3.1e-9;
        for z in [z, z * 1e-3, z * 1e-9] {
            let (ours, theirs) = (crate::mlp::net::tanh(z), libm::tanh(z));
            assert!(ulps(ours, theirs) <= 2, "{z}: {ours} vs {theirs}");
        }
    }
    for z in [
        0.625,
        -0.625,
        0.624_999_999_999_999_9,
        19.9,
        20.0,
        20.1,
        700.0,
        -800.0,
    ] {
        assert!(ulps(crate::mlp::net::tanh(z), libm::tanh(z)) <= 2, "{z}");
    }
    assert_eq!(crate::mlp::net::tanh(0.0).to_bits(), 0.0f64.to_bits());
    assert_eq!(crate::mlp::net::tanh(-0.0).to_bits(), (-0.0f64).to_bits());
    assert_eq!(crate::mlp::net::tanh(f64::INFINITY), 1.0);
    assert_eq!(crate::mlp::net::tanh(f64::NEG_INFINITY), -1.0);
    assert!(crate::mlp::net::tanh(f64::NAN).is_nan());
}
