//! Stochastic gradients: mini-batches, accumulation, gradient noise, data
//! models, stopping rules and determinism.

use optiviz::engine::run::Gradients;
use optiviz::engine::trajectory::StopRule;
use optiviz::engine::Runs;
use optiviz::experiment::{Batch, Sampling};
use optiviz::{Experiment, Objective, Status};

fn exp(json: &str) -> Experiment {
    Experiment::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

/// Linear regression over `n` generated rows with one plain SGD, plus the
/// top-level keys in `extra` (", \"key\": value, ...").
fn linear(n: u32, extra: &str) -> Experiment {
    linear_with(n, r#"[{"name": "sgd", "lr": 0.05}]"#, extra)
}

/// As [`linear`], with the given list of optimizers.
fn linear_with(n: u32, optimizers: &str, extra: &str) -> Experiment {
    exp(&format!(
        r#"{{"function": {{"name": "linear_regression", "generate": {{"n": {n}, "w": 1.5, "b": 0.5, "noise": 0.8, "seed": 3}}}},
            "start": [-2, 3], "steps": 200, "optimizers": {optimizers}{extra}}}"#
    ))
}

fn close(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
    (0..2).all(|i| (a[i] - b[i]).abs() <= tol * b[i].abs().max(1.0))
}

#[test]
fn minibatch_gradients_over_one_epoch_average_to_the_full_gradient() {
    for (n, b) in [(120, 8), (120, 1), (100, 7), (100, 100)] {
        let e = linear(n, "");
        let f = e.surface();
        let model = f.model().unwrap();
        let p = [0.3, -0.7];
        let full = model.grad(p);
        let sampling = Sampling {
            batch: Batch::Size(b),
            ..Sampling::default()
        };
        let mut g = Gradients::new(&f, sampling, 11);
        // Weighted by batch size, so a smaller last batch counts for less
        // (when b divides n every weight is the same: the plain mean).
        let (mut sum, mut rows) = ([0.0, 0.0], 0usize);
        let mut seen = vec![false; n as usize];
        while rows < n as usize {
            let batch = g.next_batch(b as usize).to_vec();
            for &i in &batch {
                assert!(!seen[i], "row {i} twice in one epoch");
                seen[i] = true;
            }
            let gb = model.batch_grad(p, batch.iter().copied());
            sum[0] += gb[0] * batch.len() as f64;
            sum[1] += gb[1] * batch.len() as f64;
            rows += batch.len();
        }
        assert_eq!(rows, n as usize);
        let mean = [sum[0] / n as f64, sum[1] / n as f64];
        assert!(
            close(mean, full, 1e-12),
            "n={n} b={b}: {mean:?} vs {full:?}"
        );
        assert_eq!(g.epochs(), 1.0);
    }
}

#[test]
fn a_batch_of_every_row_reproduces_batch_gradient_descent_bit_for_bit() {
    let full = linear(90, "").run().remove(0);
    let batched = linear(90, r#", "batch_size": 90, "seed": 5"#)
        .run()
        .remove(0);
    assert_eq!(full.points, batched.points);
    assert_eq!(full.losses, batched.losses);
    assert_eq!(full.epochs, batched.epochs);
    assert_eq!(full.epochs[9], 10.0);
}

#[test]
fn accumulating_k_micro_batches_equals_one_batch_of_k_times_the_size() {
    // 120 rows, micro-batches of 5, 4 at a time: each update covers the same
    // 20 rows of the same shuffled order as one batch of 20.
    let micro = linear(120, r#", "batch_size": 5, "accumulate": 4, "seed": 9"#)
        .run()
        .remove(0);
    let whole = linear(120, r#", "batch_size": 20, "seed": 9"#)
        .run()
        .remove(0);
    assert_eq!(micro.points.len(), whole.points.len());
    for (a, b) in micro.points.iter().zip(&whole.points) {
        assert!(close(*a, *b, 1e-12), "{a:?} vs {b:?}");
    }
    assert_eq!(micro.epochs, whole.epochs);
    // And the path is stochastic: it differs from batch GD.
    let gd = linear(120, "").run().remove(0);
    assert!(!close(micro.points[50], gd.points[50], 1e-6));
}

#[test]
fn gradient_descent_on_linear_regression_reaches_the_normal_equations_solution() {
    let e = exp(
        r#"{"function": {"name": "linear_regression", "data": {"x": [0, 1, 2, 3, 4, 5], "y": [1.1, 2.9, 5.2, 6.8, 9.1, 11.0]}},
            "start": [0, 0], "steps": 3000, "optimizers": [{"name": "sgd", "lr": 0.05}]}"#,
    );
    // The normal equations solved by hand: w = Sxy/Sxx (centered), b = ȳ − w x̄.
    let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [1.1, 2.9, 5.2, 6.8, 9.1, 11.0];
    let (mx, my) = (x.iter().sum::<f64>() / 6.0, y.iter().sum::<f64>() / 6.0);
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let w = sxy / sxx;
    let want = [w, my - w * mx];
    let run = e.run().remove(0);
    let last = *run.points.last().unwrap();
    assert!(close(last, want, 1e-9), "{last:?} vs {want:?}");
    assert!(
        matches!(run.status, Status::Converged { .. }),
        "{}",
        run.status
    );
    // The marked minimum is the same point.
    let minimum = e.surface().minima()[0].point;
    assert!(close(minimum, want, 1e-12), "{minimum:?}");
}

#[test]
fn an_l2_term_moves_the_least_squares_minimum_to_the_ridge_solution() {
    let e = linear(80, r#", "l2": 0.5"#);
    let f = e.surface();
    let min = f.minima()[0].point;
    let g = f.grad(min);
    assert!(g[0].hypot(g[1]) < 1e-12);
    let plain = linear(80, "").surface().minima()[0].point;
    // Shrunk towards the origin.
    assert!(min[0].hypot(min[1]) < plain[0].hypot(plain[1]));
}

#[test]
fn gradient_noise_has_mean_zero_and_the_stated_variance() {
    // With a fixed seed the draws are fixed, so this cannot flake; the
    // tolerances are still five standard errors wide.
    let n = 200_000;
    for (sigma, k) in [(0.5, 1u32), (2.0, 4)] {
        let e = exp(&format!(
            r#"{{"function": {{"name": "quadratic"}}, "start": [1, 1], "steps": 1,
                "grad_noise": {sigma}, "accumulate": {k}, "optimizers": []}}"#
        ));
        let f = e.surface();
        let p = [1.0, -2.0];
        let exact = f.grad(p);
        let mut g = Gradients::new(&f, e.sampling, 21);
        let (mut sum, mut sq, mut cross) = ([0.0; 2], [0.0; 2], 0.0);
        for _ in 0..n {
            let d = g.at(p);
            let e = [d[0] - exact[0], d[1] - exact[1]];
            for i in 0..2 {
                sum[i] += e[i];
                sq[i] += e[i] * e[i];
            }
            cross += e[0] * e[1];
        }
        let var = sigma * sigma / k as f64;
        let nf = n as f64;
        for i in 0..2 {
            let mean = sum[i] / nf;
            let v = sq[i] / nf - mean * mean;
            assert!(mean.abs() < 5.0 * (var / nf).sqrt(), "mean {mean}");
            // sd of the sample variance of a normal: var·√(2/n).
            assert!(
                (v - var).abs() < 5.0 * var * (2.0 / nf).sqrt(),
                "var {v} vs {var}"
            );
        }
        assert!(
            (cross / nf).abs() < 5.0 * var / nf.sqrt(),
            "coordinates correlated"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_path_and_another_seed_another() {
    let sgd = |seed: u32| linear(100, &format!(r#", "batch_size": 1, "seed": {seed}"#)).run();
    assert_eq!(sgd(4), sgd(4));
    assert_ne!(sgd(4)[0].points, sgd(5)[0].points);
    let noisy = |seed: u32| {
        exp(&format!(
            r#"{{"function": {{"name": "rosenbrock"}}, "start": [-1, 1], "steps": 100, "grad_noise": 1,
                "seed": {seed}, "optimizers": [{{"name": "adam", "lr": 0.05}}]}}"#
        ))
        .run()
    };
    assert_eq!(noisy(1), noisy(1));
    assert_ne!(noisy(1)[0].points, noisy(2)[0].points);
    // A generated dataset depends on its own seed, not the experiment's.
    let a = exp(
        r#"{"function": {"name": "logistic_regression", "generate": {"seed": 1}}, "start": [0, 0], "steps": 0, "optimizers": []}"#,
    );
    let b = exp(
        r#"{"function": {"name": "logistic_regression", "generate": {"seed": 2}}, "start": [0, 0], "steps": 0, "optimizers": []}"#,
    );
    assert_ne!(a.function.data.unwrap().x, b.function.data.unwrap().x);
}

#[test]
fn optimizers_share_the_experiments_seed_and_may_override_its_sampling() {
    let e = linear_with(
        100,
        r#"[{"name": "sgd", "lr": 0.05}, {"name": "sgd", "lr": 0.05},
            {"name": "sgd", "lr": 0.05, "batch_size": "full"}]"#,
        r#", "batch_size": 10, "seed": 3"#,
    );
    let runs = e.run();
    assert_eq!(runs[0].points, runs[1].points);
    assert_eq!(runs[2].points, linear(100, "").run()[0].points);
    assert!(runs[2].label.ends_with("batch=full"), "{}", runs[2].label);
}

#[test]
fn stopping_rules_end_the_run_and_say_which_fired() {
    let run = |stop: &str| {
        exp(&format!(
            r#"{{"function": {{"name": "quadratic"}}, "start": [3, 2], "steps": 500, "stop": {stop},
                "optimizers": [{{"name": "sgd", "lr": 0.05}}]}}"#
        ))
        .run()
        .remove(0)
    };
    let t = run(r#"{"grad_tol": 0.01}"#);
    let Status::Stopped { step, rule, .. } = t.status else {
        panic!("{:?}", t.status)
    };
    assert_eq!(rule, StopRule::GradTol { tol: 0.01 });
    assert_eq!(t.points.len(), step + 1);
    let f = exp(
        r#"{"function": {"name": "quadratic"}, "start": [0, 0], "steps": 0, "optimizers": []}"#,
    )
    .surface();
    let gn = |p: [f64; 2]| f.grad(p)[0].hypot(f.grad(p)[1]);
    assert!(gn(t.points[step]) <= 0.01 && gn(t.points[step - 1]) > 0.01);
    assert!(t.status.to_string().starts_with(&format!(
        "stopped at step {step} (gradient norm ≤ 0.01), loss"
    )));

    let t = run(r#"{"loss_tol": 1e-6, "window": 5}"#);
    let Status::Stopped { step, rule, .. } = t.status else {
        panic!("{:?}", t.status)
    };
    assert_eq!(
        rule,
        StopRule::LossTol {
            tol: 1e-6,
            window: 5
        }
    );
    assert!((t.losses[step - 5] - t.losses[step]).abs() <= 1e-6);
    assert!((t.losses[step - 6] - t.losses[step - 1]).abs() > 1e-6);

    let t = run(r#"{"max_steps": 40, "grad_tol": 1e-12}"#);
    assert_eq!(t.points.len(), 41);
    assert_eq!(
        t.status.to_string(),
        format!(
            "stopped at step 40 (max_steps = 40 reached), loss {}",
            optiviz::base::number::short(t.losses[40])
        )
    );
}

#[test]
fn mini_batch_paths_wander_where_batch_paths_settle() {
    let full = linear(200, "").run().remove(0);
    let sgd = linear(200, r#", "batch_size": 1, "seed": 1"#)
        .run()
        .remove(0);
    // Batch GD's loss never rises on this bowl at this rate; SGD's does.
    assert!(full.losses.windows(2).all(|w| w[1] <= w[0] + 1e-12));
    assert!(sgd.losses.windows(2).any(|w| w[1] > w[0] + 1e-3));
    assert!(
        matches!(sgd.status, Status::Moving { .. }),
        "{}",
        sgd.status
    );
    assert_eq!(sgd.epochs[199], 1.0);
}

#[test]
fn an_optimizer_s_null_batch_size_means_the_experiment_s() {
    let e = linear_with(
        100,
        r#"[{"name": "sgd", "lr": 0.05, "batch_size": null}]"#,
        r#", "batch_size": 10"#,
    );
    assert_eq!(e.sampling(0).batch, Batch::Size(10));
}

#[test]
fn degenerate_data_are_flagged_not_marked() {
    for name in ["linear_regression", "logistic_regression"] {
        let e = exp(&format!(
            r#"{{"function": {{"name": "{name}", "data": {{"x": [2, 2, 2], "y": [0, 1, 1]}}}}, "start": [0, 0], "steps": 10,
                "optimizers": [{{"name": "sgd", "lr": 0.1}}]}}"#
        ));
        let f = e.surface();
        assert!(f.minima().is_empty(), "{name}");
        assert!(
            f.minimum_note().unwrap().contains("every x is the same"),
            "{name}"
        );
        assert!(e.run()[0].points.iter().flatten().all(|v| v.is_finite()));
    }
}

#[test]
fn changing_the_rows_drops_batch_sizes_that_no_longer_fit() {
    let e = linear_with(
        100,
        r#"[{"name": "sgd", "lr": 0.05, "batch_size": 80}, {"name": "sgd", "lr": 0.05, "batch_size": 5}]"#,
        r#", "batch_size": 60"#,
    );
    let mut doc = serde_json::to_value(&e).unwrap();
    doc["function"]["generate"]["n"] = 50.into();
    assert!(Experiment::from_value(&doc).is_err());
    Experiment::fit_batches(&mut doc);
    let e = Experiment::from_value(&doc).unwrap();
    assert_eq!(e.sampling(0).batch, Batch::Full);
    assert_eq!(e.sampling(1).batch, Batch::Size(5));
}

#[test]
fn experiments_with_data_round_trip_through_json() {
    for json in [
        r#"{"function": {"name": "linear_regression", "data": {"x": [1, 2, 3.5], "y": [0.5, -1, 2]}}, "start": [0, 0], "steps": 3,
            "batch_size": 2, "seed": 4, "accumulate": 2, "l2": 0.1, "stop": {"loss_tol": 1e-9, "window": 4},
            "optimizers": [{"name": "sgd", "lr": 0.1, "batch_size": "full"}]}"#,
        r#"{"function": {"name": "logistic_regression", "generate": {"n": 30, "w": -1, "b": 2, "noise": 0, "seed": 8, "x": [0, 4]}},
            "start": [0, 0], "steps": 3, "optimizers": [{"name": "adam", "lr": 0.1, "accumulate": 3}]}"#,
        r#"{"function": {"name": "rastrigin"}, "start": [0, 0], "steps": 3, "grad_noise": 0.2, "stop": {"grad_tol": 0.001, "max_steps": 2},
            "optimizers": [{"name": "sgd", "lr": 0.1, "grad_noise": 0}]}"#,
    ] {
        let e = exp(json);
        let back = exp(&e.to_json());
        assert_eq!(back.to_json(), e.to_json());
        assert_eq!(back.run(), e.run());
    }
}

mod common;

#[test]
fn stochastic_paths_match_their_recorded_bits() {
    let mut doc: serde_json::Value = serde_json::from_str(common::DETERMINISM).unwrap();
    let bless = std::env::var_os("OPTIVIZ_BLESS").is_some();
    for case in doc["cases"].as_array_mut().unwrap() {
        let e = Experiment::from_value(&case["experiment"]).unwrap();
        let got = common::paths_hash(&e.run());
        if bless {
            case["hash"] = got.into();
        } else {
            assert_eq!(case["hash"], got.as_str(), "{}", e.to_json());
        }
    }
    if bless {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/determinism.json");
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
}

/// Two-feature least squares over `n` generated rows (standardized or not)
/// with the given optimizers and top-level keys.
fn two_features(n: u32, standardize: bool, optimizers: &str, extra: &str) -> Experiment {
    exp(&format!(
        r#"{{"function": {{"name": "least_squares_2d", "generate": {{"n": {n}, "rho": 0.7, "scale": 4, "noise": 0.6, "seed": 5}}, "standardize": {standardize}}},
            "start": [-1, 2], "steps": 150, "optimizers": {optimizers}{extra}}}"#
    ))
}

#[test]
fn two_feature_batches_accumulation_l2_and_stopping_work_as_for_one_feature() {
    let sgd = r#"[{"name": "sgd", "lr": 0.02}]"#;
    for standardize in [false, true] {
        // Mini-batches over one epoch average to the full gradient.
        let e = two_features(96, standardize, sgd, "");
        let f = e.surface();
        let model = f.model().unwrap();
        let p = [0.4, -0.3];
        let sampling = Sampling {
            batch: Batch::Size(12),
            ..Sampling::default()
        };
        let mut g = Gradients::new(&f, sampling, 2);
        let mut sum = [0.0, 0.0];
        for _ in 0..8 {
            let batch = g.next_batch(12).to_vec();
            let gb = model.batch_grad(p, batch.iter().copied());
            sum = [sum[0] + gb[0] / 8.0, sum[1] + gb[1] / 8.0];
        }
        assert!(close(sum, model.grad(p), 1e-12), "{sum:?}");

        // A batch of every row is batch GD bit for bit; micro-batches
        // accumulated are one larger batch.
        let full = e.run().remove(0);
        let every = two_features(96, standardize, sgd, r#", "batch_size": 96, "seed": 3"#)
            .run()
            .remove(0);
        assert_eq!(full.points, every.points);
        let micro = two_features(
            96,
            standardize,
            sgd,
            r#", "batch_size": 4, "accumulate": 3, "seed": 7"#,
        )
        .run()
        .remove(0);
        let whole = two_features(96, standardize, sgd, r#", "batch_size": 12, "seed": 7"#)
            .run()
            .remove(0);
        for (a, b) in micro.points.iter().zip(&whole.points) {
            assert!(close(*a, *b, 1e-12), "{a:?} vs {b:?}");
        }
        assert!(!close(micro.points[50], full.points[50], 1e-6));
        assert_eq!(whole.epochs[7], 1.0);

        // An optimizer's own batch size overrides the experiment's; the L2
        // term moves the minimum to where the ridge gradient vanishes; a
        // stopping rule ends the run.
        let lr = if standardize { 0.3 } else { 0.05 };
        let e = two_features(
            96,
            standardize,
            &format!(
                r#"[{{"name": "sgd", "lr": {lr}, "batch_size": "full"}}, {{"name": "adam", "lr": 0.05}}]"#
            ),
            r#", "batch_size": 8, "seed": 1, "l2": 0.2, "stop": {"grad_tol": 1e-3}"#,
        );
        assert_eq!(e.sampling(0).batch, Batch::Full);
        assert_eq!(e.sampling(1).batch, Batch::Size(8));
        let f = e.surface();
        let min = f.minima()[0].point;
        let g = f.grad(min);
        assert!(g[0].hypot(g[1]) < 1e-12, "{g:?}");
        let runs = e.run();
        assert!(
            matches!(
                runs[0].status,
                Status::Stopped {
                    rule: StopRule::GradTol { .. },
                    ..
                }
            ),
            "{}",
            runs[0].status
        );
        assert!(
            runs[1].losses.windows(2).any(|w| w[1] > w[0]),
            "mini-batch Adam wanders"
        );
    }
    // Gradient noise is for formulas only.
    let e = Experiment::from_json(
        r#"{"function": {"name": "least_squares_2d"}, "start": [0, 0], "steps": 5, "grad_noise": 0.1, "optimizers": []}"#,
    )
    .unwrap_err();
    assert_eq!(e.first().field, "grad_noise");
}

#[test]
fn gradient_descent_on_two_features_reaches_the_normal_equations_solution() {
    let e = exp(
        r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 0.5], [2, -1], [-1, 2], [0.5, 3]], "y": [1, 0, 2, -1]}},
            "start": [0, 0], "steps": 4000, "optimizers": [{"name": "sgd", "lr": 0.05}]}"#,
    );
    // Σx1² = 6.25, Σx1x2 = −2, Σx2² = 14.25, Σx1y = −1.5, Σx2y = 1.5 (n cancels).
    let det = 6.25 * 14.25 - 4.0;
    let want = [
        (-1.5 * 14.25 + 2.0 * 1.5) / det,
        (6.25 * 1.5 - 2.0 * 1.5) / det,
    ];
    let run = e.run().remove(0);
    assert!(
        close(*run.points.last().unwrap(), want, 1e-9),
        "{:?}",
        run.points.last()
    );
    assert!(close(e.surface().minima()[0].point, want, 1e-12));
}

#[test]
fn two_feature_experiments_round_trip_through_json() {
    for json in [
        r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2], [3, -1], [0.5, 0.25]], "y": [0.5, -1, 2]}, "standardize": true},
            "start": [0, 0], "steps": 3, "batch_size": 2, "seed": 4, "optimizers": [{"name": "sgd", "lr": 0.1}]}"#,
        r#"{"function": {"name": "least_squares_2d", "generate": {"n": 30, "rho": -0.5, "scale": 3, "w1": 2, "w2": -1, "noise": 0, "seed": 8}},
            "start": [0, 0], "steps": 3, "optimizers": [{"name": "adam", "lr": 0.1, "accumulate": 3}]}"#,
    ] {
        let e = exp(json);
        let back = exp(&e.to_json());
        assert_eq!(back.to_json(), e.to_json());
        assert_eq!(back.function.data, e.function.data);
        assert_eq!(back.run(), e.run());
    }
    let e = exp(
        r#"{"function": {"name": "least_squares_2d", "standardize": false}, "start": [0, 0], "steps": 1, "optimizers": []}"#,
    );
    assert!(!e.to_json().contains("standardize"));
}
