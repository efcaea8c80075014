//! Named experiments, each showing one lesson, for a teacher to pick or link.
//! The first is what the page shows when it opens.

use crate::quiz::Quiz;
use optiviz_experiment::experiment::Experiment;

/// A complete experiment with a title and the lesson it shows.
pub struct Scenario {
    /// A short key, usable in a link.
    pub id: &'static str,
    /// Its title in the picker.
    pub title: &'static str,
    /// The lesson it shows, over the plot.
    pub lesson: &'static str,
    /// The experiment as JSON, in the form the CLI reads.
    pub json: &'static str,
}

impl Scenario {
    /// The scenario's experiment.
    pub fn experiment(&self) -> Experiment {
        Experiment::from_json(self.json).expect("every scenario is a valid experiment")
    }
}

/// The experiment of the "too-large" scenario (a lesson shows it too).
pub const TOO_LARGE: &str = r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}}, "start": [3.0, 2.0], "steps": 60, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "sgd", "lr": 0.19},
            {"name": "sgd", "lr": 0.21}]}"#;

/// The experiment of the "zigzag" scenario (a lesson shows it too).
pub const ZIGZAG: &str = r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 25}}, "start": [-3.5, 1.5], "steps": 40, "optimizers": [
            {"name": "sgd", "lr": 0.075},
            {"name": "sgd", "lr": 0.04, "momentum": 0.7},
            {"name": "sgd", "lr": 0.04, "momentum": 0.7, "nesterov": true}]}"#;

/// The experiment of the "schedule-free" scenario.
pub const SCHEDULE_FREE: &str = r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}}, "start": [3.0, 2.0], "steps": 150, "grad_noise": 2, "seed": 3, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "schedulefree_sgd", "lr": 0.1}]}"#;

/// The experiment of the "sam" scenario: a narrow well beside a wide bowl.
pub const SAM: &str = r#"{"function": {"name": "custom", "expr": "-exp(-8*((x-1.2)^2 + y^2)) - 0.8*exp(-((x+1)^2 + y^2)/2)", "view": {"x": [-3, 3], "y": [-2, 2]}},
            "start": [0.7, 0.3], "steps": 300, "optimizers": [
            {"name": "sgd", "lr": 0.1, "momentum": 0.9},
            {"name": "sam", "rho": 0.3, "base": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}]}"#;

/// The experiment of the "lookahead" scenario.
pub const LOOKAHEAD: &str = r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 25}}, "start": [-3.5, 1.5], "steps": 60, "optimizers": [
            {"name": "sgd", "lr": 0.088},
            {"name": "lookahead", "k": 5, "alpha": 0.5, "base": {"name": "sgd", "lr": 0.088}}]}"#;

/// The experiment of the "fair-comparison" scenario: each optimizer at the
/// rate `optiviz tune` gives it.
pub const FAIR: &str = r#"{"function": {"name": "himmelblau"}, "start": [0.5, -3.0], "steps": 200, "optimizers": [
            {"name": "adam", "lr": 0.3981071705534969},
            {"name": "lion", "lr": 0.05011872336272725},
            {"name": "muon", "lr": 0.07943282347242814},
            {"name": "schedulefree_adamw", "lr": 2.5118864315095824}]}"#;

/// The experiment of the "saddle" scenario (a lesson shows it too).
pub const SADDLE: &str = r#"{"function": {"name": "saddle"}, "start": [-1.8, 0.001], "steps": 60, "optimizers": [
            {"name": "sgd", "lr": 0.05},
            {"name": "adam", "lr": 0.05},
            {"name": "rmsprop", "lr": 0.02}]}"#;

/// The experiment of the "schedule" scenario (a lesson shows it too).
pub const SCHEDULE: &str = r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}}, "start": [3.0, 1.0], "steps": 100, "optimizers": [
            {"name": "sgd", "lr": 0.23},
            {"name": "sgd", "lr": 0.23, "schedule": {"name": "exponential", "gamma": 0.95}},
            {"name": "sgd", "lr": 0.23, "schedule": {"name": "step", "step_size": 4, "gamma": 0.8}}]}"#;

/// The experiment of the "batch-size" scenario (a lesson shows it too).
pub const BATCH_SIZE: &str = r#"{"function": {"name": "linear_regression", "generate": {"n": 100, "w": 2, "b": -1, "noise": 0.5, "seed": 7}},
            "start": [-0.5, 1.5], "steps": 150, "seed": 1, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "sgd", "lr": 0.1, "batch_size": 10},
            {"name": "sgd", "lr": 0.1, "batch_size": 1}]}"#;

/// The experiment of the "clipping" scenario (a lesson shows it too).
pub const CLIPPING: &str = r#"{"function": {"name": "rosenbrock"}, "start": [-1.9, -0.8], "steps": 400, "optimizers": [
            {"name": "sgd", "lr": 0.004},
            {"name": "sgd", "lr": 0.004, "clip": {"max_norm": 10}},
            {"name": "sgd", "lr": 0.004, "clip": {"clip_value": 2}}]}"#;

/// The experiment of the "valley" scenario (a lesson shows it too).
pub const VALLEY: &str = r#"{"function": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.001},
            {"name": "sgd", "lr": 0.001, "momentum": 0.9},
            {"name": "adam", "lr": 0.2}]}"#;

/// Every scenario, in the order the picker lists them; the first is the
/// page's opening screen.
pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "valley",
        title: "Rosenbrock's valley",
        lesson: "Gradient descent drops into the curved valley in two steps, then crawls along its flat floor: after 500 steps it is not half way to the minimum at (1, 1). Momentum gathers speed along the floor, and Adam scales each coordinate's step: both arrive.",
        json: VALLEY,
    },
    Scenario {
        id: "too-large",
        title: "A learning rate past 2/L diverges",
        lesson: "On this bowl the steepest curvature is L = 10, so gradient descent converges only for lr < 2/L = 0.2. At 0.1 it drops to the floor of the bowl in one step, then slides along it; at 0.19 it zig-zags across the bowl but settles; at 0.21 every step overshoots a little further, until the path leaves the picture.",
        json: TOO_LARGE,
    },
    Scenario {
        id: "zigzag",
        title: "Momentum in a narrow valley",
        lesson: "With curvatures 1 and 25, a learning rate safe for the steep direction is tiny for the shallow one: in 40 steps gradient descent zig-zags across the valley dozens of times and is still short of the minimum. Momentum averages the swings away and builds up speed along the valley; Nesterov's look-ahead damps them almost at once.",
        json: ZIGZAG,
    },
    Scenario {
        id: "saddle",
        title: "Saddle: GD stalls, Adam escapes",
        lesson: "Starting almost on the line y = 0, the gradient's sideways part is tiny, so gradient descent walks into the saddle point at the centre and after 60 steps has only begun to turn away. Adam and RMSprop rescale each coordinate, so the tiny sideways gradient gets a full-sized step: they leave downhill at once.",
        json: SADDLE,
    },
    Scenario {
        id: "local-minima",
        title: "Trapped in local minima",
        lesson: "Rastrigin's ripples hold a local minimum in every cell. Gradient descent stops in the nearest one within 15 steps. Momentum carries its speed over three ridges into a lower cell, and Adam's large normalised steps hop two ridges the other way; none of them reaches the global minimum at the origin (the star).",
        json: r#"{"function": {"name": "rastrigin"}, "start": [-3.2, 2.6], "steps": 300, "view": {"x": [-4.5, 1.5], "y": [-2.0, 4.5]}, "optimizers": [
            {"name": "sgd", "lr": 0.002},
            {"name": "sgd", "lr": 0.006, "momentum": 0.93},
            {"name": "adam", "lr": 0.8, "betas": [0.95, 0.999]}]}"#,
    },
    Scenario {
        id: "clipping",
        title: "Clipping tames a huge gradient",
        lesson: "From the valley's steep wall the first gradient is huge and plain gradient descent is thrown out of the picture in one step. Clipping the gradient's norm to 10, or each coordinate to 2, keeps the same learning rate usable: both paths walk down the wall and along the valley.",
        json: CLIPPING,
    },
    Scenario {
        id: "schedule",
        title: "A schedule rescues a large step",
        lesson: "lr = 0.23 is past 2/L = 0.2: held constant, each step overshoots further and the path leaves the picture. Decaying it by 5% a step (exponential) or by 20% every 4 steps (step) brings it under the edge after a few wide swings, and both paths settle at the minimum.",
        json: SCHEDULE,
    },
    Scenario {
        id: "batch-size",
        title: "Batch, mini-batch and SGD",
        lesson: "Fitting a line to 100 points: the full-batch gradient walks straight to the least-squares fit; mini-batches of 10 take a wobbly road there; single-example SGD (batch 1) zig-zags and, at a fixed learning rate, keeps jittering around the fit instead of settling.",
        json: BATCH_SIZE,
    },
    Scenario {
        id: "noise-escape",
        title: "Noise escapes a saddle",
        lesson: "Started exactly on the ridge, gradient descent slides into the saddle point and stays: the gradient there is zero though it is no minimum. Noise in the gradient knocks the path off the ridge, and after about 35 steps it escapes downhill; averaging 16 noisy gradients per step (accumulate) shrinks the noise four-fold, so that path escapes only around step 70.",
        json: r#"{"function": {"name": "saddle"}, "start": [-1.8, 0.0], "steps": 80, "seed": 6, "optimizers": [
            {"name": "sgd", "lr": 0.05},
            {"name": "sgd", "lr": 0.05, "grad_noise": 0.1},
            {"name": "sgd", "lr": 0.05, "grad_noise": 0.1, "accumulate": 16}]}"#,
    },
    Scenario {
        id: "separable",
        title: "Separable data: no minimum",
        lesson: "Without label noise a threshold on x splits the two classes, so the logistic loss only approaches 0 as the boundary sharpens: there is no lowest point to mark, and every optimizer keeps heading out to larger w.",
        json: r#"{"function": {"name": "logistic_regression", "generate": {"n": 40, "w": 3, "b": 0.5, "noise": 0, "seed": 4}},
            "start": [-1.0, 1.0], "steps": 300, "optimizers": [
            {"name": "sgd", "lr": 0.5},
            {"name": "adam", "lr": 0.1}]}"#,
    },
    Scenario {
        id: "scaling",
        title: "Unscaled features: GD crawls",
        lesson: "Fitting y ≈ w1 x1 + w2 x2 where x2 is on ten times x1's scale and correlated with it (ρ = 0.6): the loss's Hessian (2/n) XᵀX has eigenvalues 1.3 and 176, a condition number of about 136 (shown under the plot). Gradient descent is stable only for lr < 2/176 ≈ 0.0114: at 0.012 it zig-zags out of the picture, and at 0.011 it crosses the narrow valley in a few steps, then crawls along its floor, still 0.6 short of the fit in w1 after 100 steps. Tick “Standardize x1 and x2” under Gradients, or pick the next scenario, to fit the same rows rescaled.",
        json: r#"{"function": {"name": "least_squares_2d", "generate": {"rho": 0.6, "scale": 10}},
            "start": [-1.5, 2.0], "steps": 100, "optimizers": [
            {"name": "sgd", "lr": 0.011},
            {"name": "sgd", "lr": 0.012}]}"#,
    },
    Scenario {
        id: "standardized",
        title: "Standardized: GD walks straight",
        lesson: "The same rows with each feature rescaled to mean 0 and variance 1: the Hessian's eigenvalues become 1.0 and 3.0 (a condition number of 3, which is the features' correlation alone), so lr = 0.3 is safe and gradient descent walks straight to the fit in a few steps. The second path keeps the largest rate the raw features allowed, 0.011: it heads the right way but is still arriving after 100 steps. The weights are not the raw fit's: each now multiplies a rescaled feature, so w2 is about the raw w2 times x2's standard deviation.",
        json: r#"{"function": {"name": "least_squares_2d", "generate": {"rho": 0.6, "scale": 10}, "standardize": true},
            "start": [-1.5, 2.0], "steps": 100, "optimizers": [
            {"name": "sgd", "lr": 0.3},
            {"name": "sgd", "lr": 0.011}]}"#,
    },
    Scenario {
        id: "schedule-free",
        title: "Schedule-free: the average",
        lesson: "Every gradient here is noisy (σ = 2), and at a fixed learning rate plain gradient descent never settles: it rattles around the minimum, its loss over the last 50 steps near 0.3. Schedule-free SGD takes its gradients at the path drawn, and keeps the running average of its iterates, the faint dashed path: that is what it hands to evaluation (optimizer.eval()). Without any schedule the average sits on the minimum, its loss over the last 50 steps under a hundredth of gradient descent's.",
        json: SCHEDULE_FREE,
    },
    Scenario {
        id: "sam",
        title: "SAM: flat over sharp",
        lesson: "Two minima: a deep, narrow well at (1.2, 0) and a shallower, wide bowl at (−1, 0). SGD with momentum drops into the narrow well, the nearer one. SAM takes each step's gradient at the worst point within ρ = 0.3 of where it stands (the ticks): inside the narrow well that point is up its wall, so the well cannot hold it, and it settles in the wide bowl, the minimum whose loss changes little when the weights move a little.",
        json: SAM,
    },
    Scenario {
        id: "lookahead",
        title: "Lookahead: past 2/L, and back",
        lesson: "Past lr = 2/L = 0.08 gradient descent on this valley diverges: at 0.088 each step overshoots the steep direction 1.2 times further. Lookahead runs the same SGD for k = 5 fast steps, then pulls the weights half-way back toward where they were five steps before (its slow weights, the faint path). Five overshoots point the other way from the start, so the pull-back lands near the valley floor: instead of diverging, the run heads down the valley, its loss under 0.1 after 60 steps.",
        json: LOOKAHEAD,
    },
    Scenario {
        id: "fair-comparison",
        title: "Fair comparison, tuned",
        lesson: "Adam, Lion, Muon and schedule-free AdamW, each at its own best learning rate: the rate of its own sweep (61 rates from 1e-5 to 10) that ends lowest without diverging, which \"Tune each learning rate\" under the chart finds. At their best, Adam and schedule-free AdamW reach the minimum, a loss under 1e-8. Lion and Muon stop near a loss of 0.01: Lion moves every coordinate by ±lr, and Muon's orthogonalized step of the 1 × 2 matrix [[x, y]] has about the same length whatever the gradient's, so both rattle around the minimum at a distance their rate sets, until a schedule shrinks it.",
        json: FAIR,
    },
    Scenario {
        id: "vanishing",
        title: "Net: vanishing gradients",
        lesson: "Six Linear layers with a sigmoid after each hidden one. A sigmoid passes back at most a quarter of the gradient it gets, so each layer towards the input learns from a smaller signal: at step 0 the first layer's weight gradient is 6e-7 against 1e-2 at the last (pick Gradient norm per layer under Chart; L1 is the input layer). Gradient descent hardly moves: after 500 steps its loss is still ln 2 = 0.693, and it is guessing. Adam divides each weight's step by that weight's own gradient size, so even the tiny gradients take full steps: it classifies every row right. Compare the scenario with ReLU, and the one with batch norm.",
        json: r#"{"function": {"name": "mlp", "hidden": [8, 8, 8, 8, 8], "activation": "sigmoid"}, "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.5},
            {"name": "adam", "lr": 0.01}]}"#,
    },
    Scenario {
        id: "deep-relu",
        title: "Net: the same depth, ReLU",
        lesson: "The deep net of the vanishing-gradients scenario with ReLU instead of sigmoid, and Kaiming (He) initial weights, the draw made for ReLU: a ReLU passes the gradient back whole where it is active, so at step 0 every layer's weight gradient is between 0.1 and 0.33 (Gradient norm per layer under Chart). Plain gradient descent now learns too, and classifies every row right within 150 steps; Adam within 100.",
        json: r#"{"function": {"name": "mlp", "hidden": [8, 8, 8, 8, 8], "activation": "relu", "init": "kaiming_normal"}, "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.2},
            {"name": "adam", "lr": 0.01}]}"#,
    },
    Scenario {
        id: "batch-norm",
        title: "Net: batch norm rescues it",
        lesson: "The deep sigmoid net of the vanishing-gradients scenario with a batch norm after each hidden Linear: each layer's inputs to its sigmoid are rescaled to mean 0 and variance 1 over the batch, where the sigmoid is steepest, so the gradient reaches the first layer nearly whole (0.06 against 0.08 at the last at step 0). Plain gradient descent, which was stuck at ln 2 without it, classifies every row right, with or without momentum.",
        json: r#"{"function": {"name": "mlp", "hidden": [8, 8, 8, 8, 8], "activation": "sigmoid", "batch_norm": true}, "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.5},
            {"name": "sgd", "lr": 0.1, "momentum": 0.9}]}"#,
    },
    Scenario {
        id: "spiral",
        title: "Net: Adam vs SGD, spiral",
        lesson: "Two interleaved spirals need a boundary that winds, and a tanh net of 16 and 16 units can draw one. Gradient descent and momentum spend their 500 steps on a plateau at a loss of about 0.66, with a boundary that cuts the plane once (about 64% right). Adam's per-weight steps leave the plateau after about a hundred steps: by the end its boundary follows both arms, over 96% right. Watch the panel under the plot.",
        json: r#"{"function": {"name": "mlp", "hidden": [16, 16], "activation": "tanh", "dataset": {"name": "spiral"}}, "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.5},
            {"name": "sgd", "lr": 0.1, "momentum": 0.9},
            {"name": "adam", "lr": 0.02}]}"#,
    },
    Scenario {
        id: "exploding",
        title: "Net: large init, clipping",
        lesson: "A ReLU net of four layers of 16 whose weights start from N(0, 2²), far larger than PyTorch's default: the logits run into the thousands, the loss is 817 and the layers' weight gradients are 120 to 450 (Gradient norm per layer under Chart). One unclipped step of lr 0.1 throws the weights so far that every ReLU goes dark for every row: the gradient is 0 from then on and the net is stuck at ln 2 = 0.693, guessing. Clipping the gradient's total norm to 1 caps those first steps at a length of 0.1, and the same learning rate trains the net to 100% right.",
        json: r#"{"function": {"name": "mlp", "hidden": [16, 16, 16, 16], "activation": "relu", "init": "normal", "init_std": 2}, "steps": 300, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "sgd", "lr": 0.1, "clip": {"max_norm": 1}}]}"#,
    },
];

/// Looks a scenario up by its id.
pub fn lookup(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}

/// Each scenario's link to what it computes (the view, colours and hidden
/// paths aside), in the order of [`SCENARIOS`]: worked out once, for the
/// page's catalogue and for [`computing`].
pub fn computed_queries() -> &'static [String] {
    static QUERIES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    QUERIES.get_or_init(|| {
        SCENARIOS
            .iter()
            .map(|s| {
                optiviz_experiment::link::encode(&s.experiment().computed())
                    .expect("scenarios fit in a link")
            })
            .collect()
    })
}

/// The scenario whose runs `exp` computes (the view, colours and hidden
/// paths aside), as the page's scenario picker names it.
pub fn computing(exp: &Experiment) -> Option<&'static Scenario> {
    let computed = optiviz_experiment::link::encode(&exp.computed()).ok()?;
    let at = computed_queries().iter().position(|q| *q == computed)?;
    Some(&SCENARIOS[at])
}

/// What a scenario asks before its paths when it is picked (the reader
/// can skip it); most ask nothing. Their lessons give the answers, which
/// the tests below check.
pub fn asks(id: &str) -> Quiz {
    match id {
        "local-minima" => Quiz::Predict(1),
        "noise-escape" => Quiz::Choose {
            question: "Started exactly on the ridge of a saddle, which path leaves it first?",
            choices: &[
                "Plain gradient descent",
                "With noise in each gradient",
                "With noise, averaged over 16 gradients a step",
            ],
            answer: 2,
        },
        _ => Quiz::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_engine::runs::Runs;
    use optiviz_engine::trajectory::Status;
    use optiviz_objectives::objective::Objective;

    fn runs(id: &str) -> Vec<optiviz_engine::trajectory::Trajectory> {
        lookup(id).unwrap().experiment().run()
    }

    /// A network scenario's runs: final loss, final accuracy and the layer
    /// gradient norms at step 0.
    fn network(id: &str) -> Vec<(f64, f64, Vec<f64>)> {
        let (_, runs) = lookup(id)
            .unwrap()
            .experiment()
            .surface_and_runs(optiviz_engine::trajectory::Record::default());
        runs.iter()
            .map(|r| {
                (
                    *r.losses.last().unwrap(),
                    *r.accuracy.last().unwrap(),
                    r.layer_grad_norms[0].clone(),
                )
            })
            .collect()
    }

    #[test]
    fn an_experiment_is_named_by_the_scenario_it_computes() {
        for s in SCENARIOS {
            let mut e = s.experiment();
            // The view and a path's colour change only the picture.
            e.view = Some(optiviz_objectives::objective::View {
                x: [-9.0, 9.0],
                y: [-7.0, 7.0],
            });
            e.optimizers[0].color = Some("#123456".into());
            assert_eq!(computing(&e).map(|c| c.id), Some(s.id));
            // Another step count is another experiment.
            e.steps += 1;
            assert!(computing(&e).is_none_or(|c| c.id != s.id), "{}", s.id);
        }
    }

    #[test]
    fn the_page_opens_with_the_first_scenarios_lesson() {
        // index.html carries it so that it paints before the engine arrives.
        let page = include_str!("../../../www/index.html");
        let shown = format!(
            r#"<p id="lesson" class="lesson">{}</p>"#,
            SCENARIOS[0].lesson
        );
        assert!(page.contains(&shown), "www/index.html must show: {shown}");
    }

    #[test]
    fn each_network_scenario_shows_its_lesson() {
        let ln2 = std::f64::consts::LN_2;
        let v = network("vanishing");
        let g = &v[0].2;
        assert!(g[0] < 1e-6 && g[5] > 1e-2, "{g:?}");
        assert!((v[0].0 - ln2).abs() < 1e-3 && v[0].1 < 0.6);
        assert_eq!(v[1].1, 1.0);
        let r = network("deep-relu");
        assert!(
            r[0].2.iter().all(|&n| (0.09..0.34).contains(&n)),
            "{:?}",
            r[0].2
        );
        assert!(r.iter().all(|run| run.1 == 1.0));
        let b = network("batch-norm");
        assert!(b[0].2[0] > 0.05 && b[0].2[5] < 0.09, "{:?}", b[0].2);
        assert!(b.iter().all(|run| run.1 == 1.0));
        let s = network("spiral");
        assert!(s[0].1 < 0.7 && s[1].1 < 0.7 && s[2].1 > 0.95, "{s:?}");
        let e = network("exploding");
        assert!(
            e[0].2.iter().all(|&n| (100.0..500.0).contains(&n)),
            "{:?}",
            e[0].2
        );
        assert!((e[0].0 - ln2).abs() < 1e-6 && e[0].1 == 0.5);
        // The shares of rows right the lessons give are the runs' own, as
        // the legend shows them.
        let said = |id: &str, share: f64| {
            let text = lookup(id).unwrap().lesson;
            let percent = format!("{:.0}% right", share * 100.0);
            assert!(
                text.contains(&percent),
                "{id}: the run is {percent}: {text}"
            );
        };
        said("exploding", e[1].1);
        // The dead net (stuck at ln 2) stopped moving; it did not converge.
        let dead = runs("exploding");
        assert!(
            matches!(dead[0].status, Status::Settled { .. }),
            "{:?}",
            dead[0].status
        );
        said("spiral", s[0].1);
        said("spiral", s[2].1);
    }

    #[test]
    fn every_scenario_is_valid() {
        for s in SCENARIOS {
            assert!(s.experiment().optimizers.len() >= 2, "{}", s.id);
        }
    }

    #[test]
    fn each_scenario_shows_its_lesson() {
        let diverged = |t: &optiviz_engine::trajectory::Trajectory| {
            matches!(t.status, Status::Diverged { .. })
        };
        let view = |id: &str| {
            let e = lookup(id).unwrap().experiment();
            e.view.unwrap_or_else(|| e.surface().view())
        };
        let inside = |id: &str, t: &optiviz_engine::trajectory::Trajectory| {
            let v = view(id);
            t.points
                .iter()
                .all(|p| (v.x[0]..=v.x[1]).contains(&p[0]) && (v.y[0]..=v.y[1]).contains(&p[1]))
        };
        let near = |t: &optiviz_engine::trajectory::Trajectory, q: [f64; 2], d: f64| {
            let p = t.points.last().unwrap();
            (p[0] - q[0]).hypot(p[1] - q[1]) < d
        };
        // Zig-zags: how often the path crosses y = 0.
        let crossings = |t: &optiviz_engine::trajectory::Trajectory| {
            t.points
                .windows(2)
                .filter(|w| w[0][1] * w[1][1] < 0.0)
                .count()
        };

        // GD drops into the valley without a spike and is not half way along
        // the floor at the end; momentum and Adam arrive near (1, 1).
        let r = runs("valley");
        assert!(r[0].losses[..6].windows(2).all(|w| w[1] <= w[0]));
        assert!(r[0].losses[2] < 5.0 && r[0].points.last().unwrap()[0] < -0.1);
        assert!(near(&r[1], [1.0, 1.0], 0.1) && near(&r[2], [1.0, 1.0], 0.1));

        // The two stable rates stay in the picture; the third leaves it.
        let r = runs("too-large");
        assert!(!diverged(&r[0]) && !diverged(&r[1]) && diverged(&r[2]));
        assert!(inside("too-large", &r[0]) && inside("too-large", &r[1]));
        assert!(crossings(&r[1]) > 20 && crossings(&r[0]) == 0);

        let r = runs("clipping");
        assert!(diverged(&r[0]) && !diverged(&r[1]) && !diverged(&r[2]));
        assert!(inside("clipping", &r[1]) && inside("clipping", &r[2]));

        // The rescued runs never leave the picture.
        let r = runs("schedule");
        assert!(diverged(&r[0]) && !diverged(&r[1]) && !diverged(&r[2]));
        for t in &r[1..] {
            assert!(inside("schedule", t) && *t.losses.last().unwrap() < 1e-3);
        }

        // After 30 steps GD has barely left the ridge; Adam is far away. At
        // the end GD is still beside the saddle, the adaptive ones gone.
        let r = runs("saddle");
        assert!(r[0].points[30][1].abs() < 0.05 && r[1].points[30][1].abs() > 1.0);
        assert!(near(&r[0], [0.0, 0.0], 0.5));
        assert!(r[1..].iter().all(|t| t.points.last().unwrap()[1] > 2.0));

        // Three paths, three different local minima, none the global one.
        let r = runs("local-minima");
        // A local pit: it stopped moving there, which is not converging.
        assert!(matches!(r[0].status, Status::Settled { step, .. } if step <= 20));
        let cell = |t: &optiviz_engine::trajectory::Trajectory| {
            t.points.last().unwrap().map(|v| v.round() as i64)
        };
        assert!(
            cell(&r[0]) != cell(&r[1]) && cell(&r[1]) != cell(&r[2]) && cell(&r[0]) != cell(&r[2])
        );
        assert!(r[1..].iter().all(|t| t.losses.last() < r[0].losses.last()));
        assert!(r.iter().all(|t| *t.losses.last().unwrap() > 1.0));
        assert!(r.iter().all(|t| inside("local-minima", t)));
        // It asks where gradient descent ends: inside the picture, so a
        // click can be compared with it.
        assert!(matches!(asks("local-minima"), Quiz::Predict(1)));

        // GD zig-zags far more, and is far behind, after 40 steps.
        let r = runs("zigzag");
        let swing = |t: &optiviz_engine::trajectory::Trajectory| -> f64 {
            t.points.windows(2).map(|w| (w[1][1] - w[0][1]).abs()).sum()
        };
        assert!(crossings(&r[0]) >= 30);
        assert!(swing(&r[0]) > 2.0 * swing(&r[1]) && swing(&r[1]) > swing(&r[2]));
        assert!(r[0].losses[40] > 100.0 * r[1].losses[40].max(r[2].losses[40]));

        // The smaller the batch, the longer and more crooked the road.
        let r = runs("batch-size");
        let length = |t: &optiviz_engine::trajectory::Trajectory| -> f64 {
            t.points
                .windows(2)
                .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                .sum()
        };
        assert!(length(&r[0]) < length(&r[1]) && length(&r[1]) < length(&r[2]));
        let min = lookup("batch-size")
            .unwrap()
            .experiment()
            .surface()
            .minima()[0];
        let gap = |t: &optiviz_engine::trajectory::Trajectory| t.losses.last().unwrap() - min.value;
        assert!(gap(&r[0]) < 1e-6 && gap(&r[2]) > 10.0 * gap(&r[0]));

        // Batch GD sits at the saddle; both noisy paths leave, the averaged one later.
        let r = runs("noise-escape");
        let left = |t: &optiviz_engine::trajectory::Trajectory| {
            t.points.iter().position(|p| p[1].abs() > 0.5)
        };
        assert_eq!(left(&r[0]), None);
        // Its question's answer: the noisy path (the second) leaves first.
        assert!(matches!(
            asks("noise-escape"),
            Quiz::Choose { answer: 2, .. }
        ));
        assert!(r[0].points.last().unwrap()[0].abs() < 1e-3);
        let (noisy, averaged) = (left(&r[1]).unwrap(), left(&r[2]).unwrap());
        assert!(noisy + 20 < averaged, "{noisy} {averaged}");
        // At the end the noisy path has left the picture; the averaged one is
        // leaving, on the other side, still in view.
        let (a, b) = (r[1].points.last().unwrap(), r[2].points.last().unwrap());
        assert!(a[1].abs() > 2.0 && b[1].abs() < 2.0 && a[1] * b[1] < 0.0);

        // Raw features: the safe rate crosses the valley at once, then
        // crawls along it; a little more diverges. The note gives κ.
        let e = lookup("scaling").unwrap().experiment();
        let surf = e.surface();
        let min = surf.minima()[0].point;
        let note = surf.curvature_note().unwrap();
        assert!(note.contains("κ = λmax/λmin = 136"), "{note}");
        let r = e.run();
        assert!(!diverged(&r[0]) && diverged(&r[1]));
        assert!(r[0].points[20..]
            .iter()
            .all(|p| (p[1] - min[1]).abs() < 0.6));
        assert!(near(&r[0], min, 1.0) && !near(&r[0], min, 0.5));
        assert!(inside("scaling", &r[0]));
        // Standardized: straight to the fit, at a rate 27 times larger.
        let e = lookup("standardized").unwrap().experiment();
        let surf = e.surface();
        let min = surf.minima()[0].point;
        let note = surf.curvature_note().unwrap();
        assert!(note.contains("κ = λmax/λmin = 2.97"), "{note}");
        let r = e.run();
        let length = |t: &optiviz_engine::trajectory::Trajectory| -> f64 {
            t.points
                .windows(2)
                .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                .sum()
        };
        let straight = |t: &optiviz_engine::trajectory::Trajectory| {
            let (a, b) = (t.points[0], t.points.last().unwrap());
            (b[0] - a[0]).hypot(b[1] - a[1])
        };
        let p5 = r[0].points[5];
        assert!((p5[0] - min[0]).hypot(p5[1] - min[1]) < 0.02, "{p5:?}");
        assert!(length(&r[0]) < 1.02 * straight(&r[0]));
        assert!(length(&r[1]) < 1.02 * straight(&r[1]) && !near(&r[1], min, 0.1));
        assert!(r.iter().all(|t| inside("standardized", t)));

        // Plain SGD rattles; schedule-free's average sits on the minimum.
        let r = runs("schedule-free");
        let f = |p: &[f64; 2]| 0.5 * (p[0] * p[0] + 10.0 * p[1] * p[1]);
        let last50 = |xs: Vec<f64>| xs[xs.len() - 50..].iter().sum::<f64>() / 50.0;
        let sgd = last50(r[0].losses.clone());
        let average = last50(
            r[1].eval_points
                .as_ref()
                .unwrap()
                .on_plot
                .iter()
                .map(f)
                .collect(),
        );
        assert!((0.2..0.4).contains(&sgd), "{sgd}");
        assert!(average < sgd / 100.0, "{average} against {sgd}");

        // SGD in the narrow well, SAM in the wide bowl.
        let r = runs("sam");
        assert!(near(&r[0], [1.19, 0.0], 0.05));
        assert!(near(&r[1], [-1.0, 0.0], 0.05));
        assert_eq!(r[1].ascent_points.as_ref().unwrap().on_plot.len(), 300);

        // Past 2/L SGD diverges; Lookahead (k = 5) converges.
        let r = runs("lookahead");
        assert!(diverged(&r[0]));
        assert!(!diverged(&r[1]) && *r[1].losses.last().unwrap() < 0.1);
        assert_eq!(r[1].slow_points.as_ref().unwrap().on_plot.len(), 60);

        // Each at the rate tuning gives it; two reach the minimum, two rattle.
        let e = lookup("fair-comparison").unwrap().experiment();
        let lrs = optiviz_engine::sweep::log_spaced(1e-5, 10.0, 61).unwrap();
        let tuned = optiviz_engine::sweep::tune(&e, &lrs);
        for (o, t) in e.optimizers.iter().zip(&tuned.tuned) {
            assert_eq!(o.lr, t.lr, "{} is at its tuned rate", o.def.name);
        }
        let r = e.run();
        let last = |i: usize| *r[i].losses.last().unwrap();
        assert!(last(0) < 1e-8 && last(3) < 1e-8, "{} {}", last(0), last(3));
        assert!((1e-3..0.02).contains(&last(1)) && (1e-3..0.02).contains(&last(2)));

        // No minimum, and w keeps growing to the end.
        let e = lookup("separable").unwrap().experiment();
        assert!(e.surface().minima().is_empty());
        assert!(e.surface().minimum_note().unwrap().contains("separable"));
        for t in e.run() {
            let n = t.points.len();
            assert!(t.points[n - 1][0] > t.points[n - 50][0] && t.points[n - 1][0] > 3.0);
            assert!(t.losses[n - 1] < t.losses[n - 50]);
        }
    }
}
