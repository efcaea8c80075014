//! The link's tests: every key round-trips, every bad key is named.

use crate::experiment::{default_start, Experiment};
use crate::link::decode::{decode, DEFAULT_STEPS, FALLBACK_FUNCTION};
use crate::link::encode::encode;
use crate::link::keeping::decode_keeping;
use optiviz_objectives::objective::Objective;
use serde_json::{json, Value};

/// Encoding and decoding, key by key.
mod round_trips {
    use super::*;

    const EXAMPLE: &str = r##"{
      "function": {"name": "rosenbrock", "params": {"b": 50}},
      "start": [-1.5, 2.0], "steps": 300,
      "optimizers": [
        {"name": "adam", "lr": 0.02, "betas": [0.8, 0.999], "amsgrad": true,
         "clip": {"max_norm": 1.0},
         "schedule": {"name": "cosine", "T_max": 100, "eta_min": 0.001}, "color": "#ff8800"},
        {"name": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true, "enabled": false, "maximize": true}
      ],
      "view": {"x": [-2, 2], "y": [-1, 3]}
    }"##;

    #[test]
    fn encodes_readably_and_round_trips() {
        let exp = Experiment::from_json(EXAMPLE).unwrap();
        let q = encode(&exp).unwrap();
        assert_eq!(
            q,
            "fn=rosenbrock&fn.b=50&start=-1.5,2&steps=300&view=-2,2,-1,3\
             &o1=adam&o1.lr=0.02&o1.betas=0.8,0.999&o1.amsgrad=true&o1.clip.max_norm=1\
             &o1.sched=cosine&o1.sched.T_max=100&o1.sched.eta_min=0.001&o1.color=%23ff8800\
             &o2=sgd&o2.lr=0.001&o2.momentum=0.9&o2.nesterov=true&o2.enabled=false&o2.maximize=true"
        );
        let back = decode(&q).unwrap();
        assert_eq!(back.to_json(), exp.to_json());
    }

    /// An SGD-with-momentum experiment with `schedule`, as JSON.
    fn scheduled(schedule: Value) -> Experiment {
        Experiment::from_value(
            &json!({"function": {"name": "booth"}, "start": [0, 0], "steps": 100,
            "optimizers": [{"name": "sgd", "lr": 0.1, "momentum": 0.9, "schedule": schedule}]}),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_schedule_round_trips_through_a_link() {
        let cases = [
            (json!({"name": "step", "step_size": 30}), "o1.sched=step&o1.sched.step_size=30"),
            (json!({"name": "exponential", "gamma": 0.9}), "o1.sched=exponential&o1.sched.gamma=0.9"),
            (json!({"name": "cosine", "T_max": 50}), "o1.sched=cosine&o1.sched.T_max=50"),
            (json!({"name": "linear", "start_factor": 0.1, "total_iters": 10}),
             "o1.sched=linear&o1.sched.start_factor=0.1&o1.sched.total_iters=10"),
            (json!({"name": "inverse_time", "k": 0.5}), "o1.sched=inverse_time&o1.sched.k=0.5"),
            (json!({"name": "multistep", "milestones": [20, 50, 50], "gamma": 0.3}),
             "o1.sched=multistep&o1.sched.milestones=20,50,50&o1.sched.gamma=0.3"),
            (json!({"name": "multistep", "milestones": [20]}), "o1.sched=multistep&o1.sched.milestones=20"),
            (json!({"name": "constant", "factor": 0.5, "total_iters": 30}),
             "o1.sched=constant&o1.sched.factor=0.5&o1.sched.total_iters=30"),
            (json!({"name": "constant"}), "o1.sched=constant"),
            (json!({"name": "polynomial", "total_iters": 60, "power": 2}),
             "o1.sched=polynomial&o1.sched.total_iters=60&o1.sched.power=2"),
            (json!({"name": "cosine_warm_restarts", "T_0": 10, "T_mult": 2, "eta_min": 0.01}),
             "o1.sched=cosine_warm_restarts&o1.sched.T_0=10&o1.sched.T_mult=2&o1.sched.eta_min=0.01"),
            (json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 8, "step_size_down": 4,
                    "mode": "exp_range", "gamma": 0.99, "cycle_momentum": false}),
             "o1.sched=cyclic&o1.sched.base_lr=0.01&o1.sched.max_lr=0.1&o1.sched.step_size_up=8\
              &o1.sched.step_size_down=4&o1.sched.mode=exp_range&o1.sched.gamma=0.99&o1.sched.cycle_momentum=false"),
            (json!({"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "base_momentum": 0.7, "scale_mode": "cycle"}),
             "o1.sched=cyclic&o1.sched.base_lr=0.01&o1.sched.max_lr=0.1&o1.sched.base_momentum=0.7"),
            (json!({"name": "onecycle", "max_lr": 0.15, "total_steps": 120, "anneal_strategy": "linear",
                    "pct_start": 0.25, "three_phase": true, "div_factor": 10}),
             "o1.sched=onecycle&o1.sched.max_lr=0.15&o1.sched.total_steps=120&o1.sched.pct_start=0.25\
              &o1.sched.anneal_strategy=linear&o1.sched.div_factor=10&o1.sched.three_phase=true"),
            (json!({"name": "onecycle", "max_lr": 0.15, "epochs": 4, "steps_per_epoch": 25}),
             "o1.sched=onecycle&o1.sched.max_lr=0.15&o1.sched.epochs=4&o1.sched.steps_per_epoch=25"),
            (json!({"name": "plateau", "mode": "max", "factor": 0.5, "patience": 5, "threshold_mode": "abs",
                    "cooldown": 2, "min_lr": 0.001}),
             "o1.sched=plateau&o1.sched.mode=max&o1.sched.factor=0.5&o1.sched.patience=5\
              &o1.sched.threshold_mode=abs&o1.sched.cooldown=2&o1.sched.min_lr=0.001"),
            (json!({"name": "sequential", "milestones": [10],
                    "schedulers": [{"name": "linear", "start_factor": 0.1, "total_iters": 10}, {"name": "cosine", "T_max": 90}]}),
             "o1.sched=sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10\
              &o1.sched.1.start_factor=0.1&o1.sched.1.total_iters=10&o1.sched.2.T_max=90"),
            (json!({"name": "sequential", "milestones": [5, 40],
                    "schedulers": [{"name": "constant"}, {"name": "multistep", "milestones": [10, 20]},
                                   {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "mode": "triangular2"}]}),
             "o1.sched=sequential&o1.sched.schedulers=constant,multistep,cyclic&o1.sched.milestones=5,40\
              &o1.sched.2.milestones=10,20&o1.sched.3.base_lr=0.01&o1.sched.3.max_lr=0.1&o1.sched.3.mode=triangular2"),
            (json!({"name": "sequential", "schedulers": [{"name": "polynomial"}]}),
             "o1.sched=sequential&o1.sched.schedulers=polynomial&o1.sched.milestones="),
        ];
        for (schedule, want) in cases {
            let exp = scheduled(schedule.clone());
            let q = encode(&exp).unwrap();
            let sched = q
                .split_once("&o1.sched")
                .map(|(_, s)| format!("o1.sched{s}"))
                .unwrap();
            assert_eq!(sched, want, "{schedule}");
            let back = decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(back.to_json(), exp.to_json(), "{q}");
        }
    }

    #[test]
    fn bad_schedule_keys_in_a_link_name_the_url_key() {
        let base = "fn=booth&start=0,0&steps=20&o1=sgd&o1.lr=0.1&o1.sched=";
        let cases = [
            ("cyclic&o1.sched.base_lr=0.1&o1.sched.max_lr=1&o1.sched.mode=saw", "o1.sched.mode", "must be one of"),
            ("multistep&o1.sched.milestones=5,3", "o1.sched.milestones", "second value must be in increasing order"),
            ("multistep&o1.sched.milestones=1,2,x", "o1.sched.milestones", "must be numbers separated by commas"),
            ("sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10&o1.sched.2.T_max=0",
             "o1.sched.2.T_max", "must be a whole number in [1, 100000], got 0"),
            ("sequential&o1.sched.schedulers=linear,warm&o1.sched.milestones=10",
             "o1.sched.schedulers", "schedule 2: unknown schedule \"warm\""),
            ("sequential&o1.sched.schedulers=linear,plateau&o1.sched.milestones=10",
             "o1.sched.schedulers", "schedule 2: plateau cannot be part of a sequence"),
            ("sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10&o1.sched.2.T_max=9&o1.sched.3.T_max=5",
             "o1.sched.3.T_max", "does not name that many"),
            ("sequential&o1.sched.schedulers=constant,constant,constant&o1.sched.milestones=4,8,9,10",
             "o1.sched.milestones", "one step fewer"),
            ("sequential&o1.sched.schedulers=linear,multistep&o1.sched.milestones=10&o1.sched.2.milestones=4,3",
             "o1.sched.2.milestones", "second value must be in increasing order"),
            ("onecycle&o1.sched.max_lr=1&o1.sched.total_steps=10", "o1.sched.total_steps", "at least the 20 steps"),
        ];
        for (q, field, msg) in cases {
            let q = format!("{base}{q}");
            let e = decode(&q).expect_err(&q).first().clone();
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
        let e = decode("fn=booth&start=0,0&steps=5&o1=adagrad&o1.lr=0.1&o1.sched=cyclic&o1.sched.base_lr=0.1&o1.sched.max_lr=1")
            .unwrap_err();
        assert_eq!(e.first().field, "o1.sched.cycle_momentum", "{e}");
    }

    #[test]
    fn a_pair_may_carry_torchs_none() {
        let e =
            decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=null,0.002").unwrap();
        assert_eq!(e.optimizers[0].hyper.auto_pair("eps"), (None, 0.002));
        assert!(encode(&e).unwrap().contains("o1.eps=null,0.002"));
        let e =
            decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=1e-30,0.001").unwrap();
        assert_eq!(e.optimizers[0].hyper.auto_pair("eps"), (Some(1e-30), 0.001));
        let again = decode(&encode(&e).unwrap()).unwrap();
        assert_eq!(again.optimizers[0].hyper, e.optimizers[0].hyper);
        let err = decode("fn=booth&start=0,0&steps=5&o1=adafactor&o1.lr=0.1&o1.eps=0.1,null")
            .unwrap_err();
        assert!(err.to_string().starts_with("o1.eps"), "{err}");
    }

    #[test]
    fn typed_rules_round_trip_and_a_bad_one_names_its_line() {
        let exp = Experiment::from_json(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1, 1], "steps": 10,
                "optimizers": [{"name": "rule", "label": "by hand", "lr": 0.002,
                  "hyper": {"mu": 0.9}, "state": {"v": 0.5},
                  "update": "v = mu*v + g\ntheta = theta - lr*v"}]}"#,
        )
        .unwrap();
        let q = encode(&exp).unwrap();
        assert_eq!(
            q,
            "fn=rosenbrock&start=-1,1&steps=10&o1=rule&o1.lr=0.002&o1.label=by%20hand\
             &o1.hyper.mu=0.9&o1.state.v=0.5&o1.update=v%20%3D%20mu%2Av%20%2B%20g%0Atheta%20%3D%20theta%20-%20lr%2Av"
        );
        assert_eq!(decode(&q).unwrap().to_json(), exp.to_json());
        // `;` ends a line as a new line does; a bare + is a space.
        let typed = "fn=rosenbrock&o1=rule&o1.lr=0.1&o1.hyper.mu=0.9&o1.state.v=0\
                     &o1.update=v=mu*v%2Bg;theta=theta-lr*v";
        assert!(decode(typed).is_ok());
        let bare = typed.replace("%2B", "+");
        assert_eq!(
            decode(&bare).unwrap_err().to_string(),
            "o1.update: line 1, column 8: write v*g for a product (in a link a + stands for a space; write a plus sign as %2B)"
        );
        let bad = "fn=rosenbrock&o1=rule&o1.lr=0.1&o1.hyper.lr=2&o1.update=theta=theta-lr*w";
        assert_eq!(
            decode(bad).unwrap_err().to_string(),
            "o1.hyper.lr: is a name every rule already has (g, theta, lr, t, loss); choose another"
        );
    }

    #[test]
    fn held_optimizers_triples_and_none_round_trip() {
        let exp = Experiment::from_value(&json!({
            "function": {"name": "himmelblau"}, "start": [0.5, -3], "steps": 20,
            "optimizers": [
                {"name": "sam", "lr": 0.01, "rho": 0.1, "base": {"name": "sgd", "momentum": 0.9}},
                {"name": "lookahead", "base": {"name": "adam", "lr": 0.02, "amsgrad": true}, "k": 3,
                 "pullback_momentum": "reset"},
                {"name": "muon", "lr": 0.02, "others": {"name": "sgd", "lr": 0.1, "nesterov": true, "momentum": 0.5},
                 "ns_coefficients": [3, -4, 2], "adjust_lr_fn": "match_rms_adamw"},
                {"name": "ademamix", "lr": 0.01, "betas": [0.8, 0.99, 0.999], "t_alpha_beta3": 10},
                {"name": "prodigy", "lr": 1, "eps": null, "growth_rate": 1.02},
                {"name": "adopt", "lr": 0.01, "clip_lambda": null}]}))
        .unwrap();
        let q = encode(&exp).unwrap();
        for part in [
            "o1=sam&o1.lr=0.01&o1.rho=0.1&o1.base=sgd&o1.base.momentum=0.9",
            "o2=lookahead&o2.lr=0.02&o2.k=3&o2.pullback_momentum=reset&o2.base=adam&o2.base.amsgrad=true",
            "o3.others=sgd&o3.others.lr=0.1&o3.others.momentum=0.5&o3.others.nesterov=true",
            "o3.ns_coefficients=3,-4,2",
            "o4.betas=0.8,0.99,0.999&o4.t_alpha_beta3=10",
            "o5.growth_rate=1.02&o5.eps=null",
            "o6.clip_lambda=null",
        ] {
            assert!(q.contains(part), "{part} in {q}");
        }
        let back = decode(&q).unwrap();
        assert_eq!(back.to_json(), exp.to_json());
        // The name may follow its keys, and a bad one is named at its key.
        let late = q.replace("&o1.base=sgd", "") + "&o1.base=sgd";
        assert_eq!(decode(&late).unwrap().to_json(), exp.to_json());
        let err = decode(&q.replace("o1.base=sgd", "o1.base=lbfgs")).unwrap_err();
        assert!(
            err.first().message.contains("SAM cannot hold L-BFGS"),
            "{err}"
        );
        let err = decode(&q.replace("o1.base=sgd", "o1.base=3")).unwrap_err();
        assert_eq!(err.first().field, "o1.base.name");
    }

    #[test]
    fn lbfgs_settings_and_torch_none_round_trip() {
        let q = "fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.max_iter=5&o1.line_search_fn=strong_wolfe";
        let e = decode(q).unwrap();
        let o = &e.optimizers[0];
        assert_eq!(o.hyper.count("max_iter"), Some(5));
        assert_eq!(o.hyper.count("max_eval"), None);
        assert_eq!(o.hyper.choice("line_search_fn"), Some("strong_wolfe"));
        assert_eq!(decode(&encode(&e).unwrap()).unwrap().to_json(), e.to_json());
        let e = decode(
            "fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.max_eval=30&o1.line_search_fn=null",
        )
        .unwrap();
        assert_eq!(e.optimizers[0].hyper.count("max_eval"), Some(30));
        assert_eq!(e.optimizers[0].hyper.choice("line_search_fn"), None);
        let err = decode("fn=beale&start=1,1.5&steps=8&o1=lbfgs&o1.lr=1&o1.line_search_fn=armijo")
            .unwrap_err();
        assert_eq!(err.first().field, "o1.line_search_fn");
    }

    #[test]
    fn bad_links_name_the_url_key() {
        let cases = [
            ("fn=nope&start=0,0&steps=5", "fn", "unknown function"),
            (
                "fn=quadratic&fn.a=-1&start=0,0&steps=5",
                "fn.a",
                "must be in (0, 1000]",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=-1",
                "o1.lr",
                "must be a finite number >= 0",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=abc",
                "o1.lr",
                "must be a number",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=NaN",
                "o1.lr",
                "must be a finite number, got NaN",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.betas=0.9,1",
                "o1.betas",
                "second value must be in [0, 1)",
            ),
            (
                "fn=booth&start=0,0&steps=5&o2=adam&o2.lr=0.1",
                "o2",
                "o1 is missing",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.sched=warm",
                "o1.sched",
                "unknown schedule",
            ),
            (
                "fn=booth&start=x&steps=5",
                "start",
                "must be a list of two numbers",
            ),
            (
                "fn=booth&start=0,0&steps=5&zoom=3",
                "zoom",
                "unknown URL parameter",
            ),
            (
                "fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.color=red",
                "o1.color",
                "#rrggbb",
            ),
            (
                "fn=booth&start=0,0&steps=5&view=1,0,0,1",
                "view",
                "max − min",
            ),
        ];
        for (q, field, msg) in cases {
            let e = decode(q).expect_err(q).first().clone();
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
    }

    #[test]
    fn datasets_sampling_and_stopping_rules_round_trip() {
        let cases = [
            (
                r#"{"function": {"name": "linear_regression", "generate": {"n": 40, "w": 2, "b": -1, "noise": 0.25, "seed": 3, "x": [0, 4]}},
                    "start": [0, 0], "steps": 50, "batch_size": 8, "seed": 12, "accumulate": 2, "l2": 0.01,
                    "stop": {"grad_tol": 0.001, "loss_tol": 1e-8, "window": 5, "max_steps": 40},
                    "optimizers": [{"name": "sgd", "lr": 0.1, "batch_size": "full"}, {"name": "adam", "lr": 0.1, "accumulate": 3}]}"#,
                "fn=linear_regression&data.n=40&data.noise=0.25&data.seed=3&data.x=0,4&start=0,0&steps=50\
                 &accumulate=2&batch_size=8&l2=0.01&seed=12&stop.grad_tol=0.001&stop.loss_tol=1e-8&stop.max_steps=40&stop.window=5\
                 &o1=sgd&o1.lr=0.1&o1.batch_size=full&o2=adam&o2.lr=0.1&o2.accumulate=3",
            ),
            (
                r#"{"function": {"name": "logistic_regression", "data": {"x": [1, 2.5, -3], "y": [1, 0, 1]}},
                    "start": [0, 0], "steps": 5, "optimizers": []}"#,
                "fn=logistic_regression&data=1,1;2.5,0;-3,1&start=0,0&steps=5",
            ),
            (
                r#"{"function": {"name": "saddle"}, "start": [-1, 0], "steps": 5, "grad_noise": 0.3,
                    "optimizers": [{"name": "sgd", "lr": 0.1, "grad_noise": 0}]}"#,
                "fn=saddle&start=-1,0&steps=5&grad_noise=0.3&o1=sgd&o1.lr=0.1&o1.grad_noise=0",
            ),
        ];
        for (json, want) in cases {
            let exp = Experiment::from_json(json).unwrap();
            let q = encode(&exp).unwrap();
            assert_eq!(q, want);
            assert_eq!(decode(&q).unwrap().to_json(), exp.to_json());
        }
    }

    #[test]
    fn two_feature_datasets_and_standardizing_round_trip() {
        let cases = [
            (
                r#"{"function": {"name": "least_squares_2d", "generate": {"n": 60, "rho": 0.95, "scale": 10, "noise": 0.1, "seed": 3}},
                    "start": [0, 0], "steps": 50, "optimizers": [{"name": "sgd", "lr": 0.01}]}"#,
                "fn=least_squares_2d&data.n=60&data.rho=0.95&data.scale=10&data.noise=0.1&data.seed=3&start=0,0&steps=50&o1=sgd&o1.lr=0.01",
            ),
            (
                r#"{"function": {"name": "least_squares_2d", "generate": {"w1": -2, "w2": 0.25}, "standardize": true},
                    "start": [1, -1], "steps": 20, "batch_size": 10, "optimizers": []}"#,
                "fn=least_squares_2d&data.w1=-2&data.w2=0.25&fn.standardize=true&start=1,-1&steps=20&batch_size=10",
            ),
            (
                r#"{"function": {"name": "least_squares_2d", "data": {"x": [[1, 2.5], [-3, 0.5], [2, 2]], "y": [1, 0, -1.5]}, "standardize": true},
                    "start": [0, 0], "steps": 5, "optimizers": []}"#,
                "fn=least_squares_2d&data=1,2.5,1;-3,0.5,0;2,2,-1.5&fn.standardize=true&start=0,0&steps=5",
            ),
        ];
        for (json, want) in cases {
            let exp = Experiment::from_json(json).unwrap();
            let q = encode(&exp).unwrap();
            assert_eq!(q, want);
            let back = decode(&q).unwrap();
            assert_eq!(back.to_json(), exp.to_json());
            assert_eq!(back.function.data, exp.function.data);
        }
        // The keys may come in any order: the rows are read once fn is known.
        let e = decode("data=1,2,3;4,5,7;0,1,1&fn=least_squares_2d&start=0,0&steps=1").unwrap();
        assert_eq!(e.function.data.unwrap().x2, [2.0, 5.0, 1.0]);
        let bad = [
            (
                "fn=least_squares_2d&data=1,2,3;4,5&start=0,0&steps=1",
                "data",
                "row 2 must be three finite numbers x1,x2,y, got \"4,5\"",
            ),
            (
                "fn=least_squares_2d&data=1,2,3;4,5,2e4&start=0,0&steps=1",
                "data",
                "row 2: must be in [-10000, 10000], got 20000",
            ),
            (
                "fn=least_squares_2d&data=1,2,3;1,5,2&fn.standardize=true&start=0,0&steps=1",
                "fn.standardize",
                "x1 is the same in every row",
            ),
            (
                "fn=linear_regression&fn.standardize=true&start=0,0&steps=1",
                "fn.standardize",
                "unknown key",
            ),
            (
                "fn=least_squares_2d&data.rho=2&start=0,0&steps=1",
                "data.rho",
                "must be in [-1, 1], got 2",
            ),
            (
                "fn=least_squares_2d&data.w=2&start=0,0&steps=1",
                "data.w",
                "unknown key; allowed here: n, rho, scale, w1, w2, noise, seed",
            ),
        ];
        for (q, field, msg) in bad {
            let e = decode(q).unwrap_err().first().clone();
            assert_eq!(e.field, field, "{q}: {e}");
            assert!(e.message.contains(msg), "{q}: {e}");
        }
        // A link that loads what it can drops a standardize it cannot apply.
        let (exp, errors) = decode_keeping(
            "fn=least_squares_2d&data=1,2,3;1,5,2&fn.standardize=true&start=0,0&steps=1",
        );
        assert!(!exp.unwrap().function.data.unwrap().standardize);
        assert_eq!(errors[0].field, "fn.standardize");
    }

    #[test]
    fn a_large_given_dataset_cannot_be_linked_and_bad_rows_are_named() {
        let x: Vec<f64> = (0..400).map(|i| i as f64 * 0.123).collect();
        let json = serde_json::json!({"function": {"name": "linear_regression", "data": {"x": x, "y": x}},
            "start": [0, 0], "steps": 5, "optimizers": []});
        let e = encode(&Experiment::from_value(&json).unwrap()).unwrap_err();
        assert_eq!(e.field, "data");
        assert!(
            e.message.starts_with("400 rows are too many for a link"),
            "{e}"
        );
        let cases = [
            (
                "fn=linear_regression&data=1,2;3&start=0,0&steps=1",
                "row 2 must be two finite numbers x,y, got \"3\"",
            ),
            (
                "fn=logistic_regression&data=1,1;2,0;3,7&start=0,0&steps=1",
                "row 3: must be 0 or 1 for logistic regression, got 7",
            ),
            (
                "fn=linear_regression&data=1,1&start=0,0&steps=1",
                "must hold 2 to 5000 values, got 1",
            ),
        ];
        for (q, msg) in cases {
            let e = decode(q).unwrap_err().first().clone();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("data", msg), "{q}");
        }
        let e = decode("fn=linear_regression&data.n=0&start=0,0&steps=1")
            .unwrap_err()
            .first()
            .clone();
        assert_eq!(e.field, "data.n");
        let e = decode("fn=booth&start=0,0&steps=1&batch_size=3")
            .unwrap_err()
            .first()
            .clone();
        assert_eq!(e.field, "batch_size");
        let e = decode("fn=booth&start=0,0&steps=1&stop.grad_tol=-1")
            .unwrap_err()
            .first()
            .clone();
        assert_eq!(e.field, "stop.grad_tol");
    }

    #[test]
    fn page_keys_are_passed_over() {
        let exp =
            decode("?fn=booth&start=1,2&steps=10&embed=1&utm_source=x&fbclid=y&o1=sgd&o1.lr=0.01")
                .unwrap();
        assert_eq!(exp.start, [1.0, 2.0]);
        assert_eq!(exp.optimizers.len(), 1);
        // play, speed and what is shown are the page's too (it checks their values).
        let exp = decode("?fn=booth&start=1,2&steps=10&play=1&speed=80&chart=lr&arrows=1&inspect=1&o1=sgd&o1.lr=0.01").unwrap();
        assert_eq!(exp.optimizers.len(), 1);
        assert_eq!(
            encode(&exp).unwrap(),
            "fn=booth&start=1,2&steps=10&o1=sgd&o1.lr=0.01"
        );
    }
}

/// What a link keeps of itself when part of it is at fault.
mod keeping_tests {
    use super::*;

    fn keep(q: &str) -> (Option<Experiment>, Vec<String>) {
        let (e, errs) = decode_keeping(q);
        (e, errs.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn a_link_without_start_begins_where_its_function_would() {
        let e = decode("fn=booth&steps=5&o1=sgd&o1.lr=0.01").unwrap();
        let view = e.plain_surface().unwrap().view();
        assert_eq!(e.start, default_start(view));
        assert_eq!(decode("fn=booth&start=1,1").unwrap().steps, DEFAULT_STEPS);
    }

    #[test]
    fn every_bad_key_is_reported_and_the_rest_kept() {
        let (e, errs) = keep("fn=rosenbrock&o1=sgd&o1.lr=abc&o2=adam&o2.lr=0.05&steps=50");
        let e = e.unwrap_or_else(|| panic!("{errs:?}"));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("o1.lr: "), "{errs:?}");
        assert_eq!(e.function.def.name, "rosenbrock");
        assert_eq!(e.steps, 50);
        // SGD had no valid learning rate: it goes, and Adam moves up.
        assert_eq!(e.optimizers.len(), 1);
        assert_eq!(e.optimizers[0].def.name, "adam");

        // SAM without a base, or with one it cannot hold, goes whole.
        for q in [
            "fn=himmelblau&steps=80&o1=sam&o1.lr=0.01&o1.rho=0.1&o2=adam&o2.lr=0.05",
            "fn=himmelblau&steps=80&o1=sam&o1.lr=0.01&o1.rho=0.1&o1.base=lbfgs&o2=adam&o2.lr=0.05",
            "fn=himmelblau&steps=80&o1=sam&o1.lr=0.01&o1.rho=0.1&o1.base=3&o2=adam&o2.lr=0.05",
        ] {
            let (e, errs) = keep(q);
            let e = e.unwrap_or_else(|| panic!("{q}: {errs:?}"));
            assert!(errs[0].starts_with("o1.base"), "{errs:?}");
            assert!(
                errs.iter().any(|m| m == "o1.rho: left out with o1"),
                "{errs:?}"
            );
            assert_eq!((e.function.def.name, e.steps), ("himmelblau", 80));
            assert_eq!(e.optimizers.len(), 1);
            assert_eq!(e.optimizers[0].def.name, "adam");
        }

        // A base on an optimizer that holds none is one unknown key.
        let (e, errs) = keep("fn=booth&o1=adam&o1.lr=0.1&o1.base=sgd&o2=sgd&o2.lr=0.1");
        assert_eq!(e.unwrap().optimizers.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|m| m.starts_with("o1.base")), "{errs:?}");

        let (_, errs) = keep("fn=nope&o1.lr=abc");
        assert!(errs.iter().any(|m| m.starts_with("o1.lr: ")), "{errs:?}");
        let (e, errs) = keep("fn=nope&fn.a=3&o1=sgd&o1.lr=abc&steps=20");
        assert!(
            errs[0].starts_with("fn: unknown function \"nope\""),
            "{errs:?}"
        );
        assert!(errs.iter().any(|m| m.starts_with("o1.lr: ")), "{errs:?}");
        let e = e.unwrap();
        assert_eq!(e.function.def.name, FALLBACK_FUNCTION);
        assert_eq!(e.steps, 20);

        // A formula that does not parse: the default one, its parameters gone.
        let (e, errs) = keep("fn=custom&fn.expr=a*sin(x&fn.a=3&steps=20&o1=adam&o1.lr=0.1");
        assert_eq!(
            errs,
            [
                "fn.a: left out with fn.expr",
                "fn.expr: column 8: expected ')' to close the '(' at column 6"
            ]
        );
        let e = e.unwrap();
        assert_eq!(
            e.function.typed.unwrap().text,
            optiviz_objectives::functions::custom::DEFAULT_EXPR
        );
        assert_eq!((e.steps, e.optimizers.len()), (20, 1));
        let (e, errs) = keep("fn=custom&steps=20");
        assert_eq!(errs, ["fn.expr: is required"]);
        assert!(e.is_some());
        // A + in a link is a space: the message says how to write one.
        let (_, errs) = keep("fn=custom&fn.expr=x+y");
        assert!(errs[0].ends_with("write a plus sign as %2B)"), "{errs:?}");
        assert!(
            errs[0].starts_with("fn.expr: column 3: write x*y for a product"),
            "{errs:?}"
        );
        // Hostile text is a formula error like any other, kept out of the page.
        let (e, errs) = keep("fn=custom&fn.expr=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        assert!(
            errs[0].starts_with("fn.expr: column 1: '<' is not part of a formula"),
            "{errs:?}"
        );
        assert!(e.is_some());
        // A formula for a function that takes none is left out alone.
        let (e, errs) = keep("fn=booth&fn.expr=x&steps=20");
        assert!(errs[0].starts_with("fn.expr: unknown key"), "{errs:?}");
        assert_eq!(e.unwrap().function.def.name, "booth");

        let (e, errs) = keep("fn=booth&start=0,0&steps=5&o1=adam&o1.lr=0.1&o1.betas=0.9,1.5");
        assert_eq!(errs, ["o1.betas: second value must be in [0, 1), got 1.5"]);
        assert_eq!(e.unwrap().optimizers.len(), 1, "only the bad key goes");

        let (e, errs) = keep("fn=booth&start=0,0&steps=5");
        assert!(e.is_some() && errs.is_empty());
    }

    #[test]
    fn a_bad_view_without_a_start_is_named_and_the_rest_kept() {
        let (e, errs) = keep("fn=quadratic&view=0,0,0,0&o1=sgd&o1.lr=0.1&steps=20");
        assert!(
            !errs.is_empty() && errs.iter().all(|m| m.starts_with("view: ")),
            "{errs:?}"
        );
        let e = e.unwrap();
        assert_eq!(
            (e.function.def.name, e.steps, e.optimizers.len()),
            ("quadratic", 20, 1)
        );
        assert_eq!(e.start, default_start(e.plain_surface().unwrap().view()));
    }

    #[test]
    fn every_bad_key_of_a_mangled_link_is_named_in_one_pass() {
        let (e, errs) = keep(
            "fn=rosenbrock&steps=abc&o1=adam&o1.lr=-1&o2=sgd&o2.lr=0.1&o2.momentum=-1&o3=nope&o4=adam&o4.lr=0.2&l2=x&whatever=1",
        );
        let keys: Vec<&str> = errs.iter().map(|m| m.split(':').next().unwrap()).collect();
        for key in [
            "steps",
            "o1.lr",
            "o1",
            "o2.momentum",
            "o3",
            "l2",
            "whatever",
        ] {
            assert!(keys.contains(&key), "{key} not named: {errs:?}");
        }
        let e = e.unwrap();
        // Adam and the unknown optimizer go; SGD and the second Adam stay, renumbered.
        let names: Vec<&str> = e.optimizers.iter().map(|o| o.def.name).collect();
        assert_eq!(names, ["sgd", "adam"]);
        assert_eq!(e.optimizers[1].lr, 0.2);
    }

    #[test]
    fn a_repeated_key_keeps_its_first_value_and_is_named() {
        let (e, errs) = keep("fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.lr=0.3");
        assert_eq!(
            errs,
            ["o1.lr: is given more than once; the first (0.1) is kept"]
        );
        assert_eq!(e.unwrap().optimizers[0].lr, 0.1);
        let e = decode("fn=booth&start=0,0&steps=5&steps=6").unwrap_err();
        assert_eq!(e.first().field, "steps");
    }

    #[test]
    fn a_schedule_missing_a_key_goes_and_its_optimizer_stays() {
        let (e, errs) =
            keep("fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=cosine&o2=adam&o2.lr=0.1");
        assert_eq!(
            errs,
            [
                "o1.sched.T_max: is required",
                "o1.sched: left out, for want of a valid T_max"
            ]
        );
        let e = e.unwrap();
        assert_eq!(e.optimizers.len(), 2);
        assert!(e.optimizers[0].schedule.is_none());

        // An unknown schedule in a sequence takes the sequence with it.
        let (e, errs) = keep(
            "fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=sequential&o1.sched.schedulers=linear,warm\
             &o1.sched.milestones=2&o1.sched.1.start_factor=0.5",
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("o1.sched.schedulers: schedule 2: unknown schedule"),
            "{errs:?}"
        );
        assert!(e.unwrap().optimizers[0].schedule.is_none());

        // A bad key of one schedule in a sequence goes alone.
        let (e, errs) = keep(
            "fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&o1.sched=sequential&o1.sched.schedulers=linear,cosine\
             &o1.sched.milestones=2&o1.sched.1.start_factor=0.5&o1.sched.2.T_max=3&o1.sched.2.eta_min=-1",
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("o1.sched.2.eta_min"), "{errs:?}");
        assert_eq!(
            e.unwrap().optimizers[0].schedule.as_ref().unwrap().name(),
            "sequential"
        );
    }
}

/// A network's keys.
mod network_links {
    use super::*;

    fn round_trip(v: Value) -> String {
        let exp = Experiment::from_value(&v).unwrap_or_else(|e| panic!("{e}"));
        let q = encode(&exp).unwrap();
        let back = decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(back.to_json(), exp.to_json(), "{q}");
        q
    }

    #[test]
    fn a_network_at_its_defaults_is_a_short_link_without_a_start() {
        let q = round_trip(json!({"function": {"name": "mlp"}, "steps": 50,
            "optimizers": [{"name": "adam", "lr": 0.01}]}));
        assert_eq!(q, "fn=mlp&steps=50&o1=adam&o1.lr=0.01");
    }

    #[test]
    fn every_network_key_round_trips() {
        let q = round_trip(
            json!({"function": {"name": "mlp", "hidden": [16, 4, 4], "activation": "sigmoid",
            "batch_norm": true, "dataset": {"name": "spiral", "n": 120, "noise": 0.2, "seed": 3},
            "init": "normal", "init_std": 2.5, "init_seed": 9, "plane": "random"},
            "steps": 20, "batch_size": 30, "seed": 4, "l2": 0.001,
            "optimizers": [{"name": "sgd", "lr": 0.1, "momentum": 0.9, "clip": {"max_norm": 1}}]}),
        );
        assert!(q.starts_with("fn=mlp&fn.hidden=16,4,4&fn.activation=sigmoid&fn.batch_norm=true&fn.init=normal&fn.init_std=2.5&fn.init_seed=9&fn.plane=random&data.name=spiral&data.n=120&data.noise=0.2&data.seed=3&steps=20"), "{q}");
        // One hidden layer is one number.
        round_trip(
            json!({"function": {"name": "mlp", "hidden": [5]}, "steps": 5, "optimizers": []}),
        );
        // Regression on the plane needs no task key; regression on classes does.
        let q = round_trip(
            json!({"function": {"name": "mlp", "dataset": {"name": "plane"}}, "steps": 5, "optimizers": []}),
        );
        assert!(!q.contains("fn.task"), "{q}");
        let q = round_trip(
            json!({"function": {"name": "mlp", "task": "regression"}, "steps": 5, "optimizers": []}),
        );
        assert!(q.contains("fn.task=regression"), "{q}");
    }

    #[test]
    fn given_rows_and_weights_travel_while_they_are_small() {
        let rows = json!({"x": [[0, 1], [1, 0], [0.5, -0.5]], "y": [1, 0, 1]});
        let weights: Vec<f64> = (0..9).map(|i| i as f64 / 10.0).collect();
        let q = round_trip(
            json!({"function": {"name": "mlp", "hidden": [2], "data": rows, "weights": weights},
            "steps": 5, "optimizers": []}),
        );
        assert!(q.contains("data=0,1,1;1,0,0;0.5,-0.5,1"), "{q}");
        let many: Vec<f64> = (0..(2 * 64 + 64 + 64 * 64 + 64 + 65))
            .map(|i| i as f64 * 0.0123)
            .collect();
        let exp = Experiment::from_value(
            &json!({"function": {"name": "mlp", "hidden": [64, 64], "weights": many},
            "steps": 5, "optimizers": []}),
        )
        .unwrap();
        assert_eq!(encode(&exp).unwrap_err().field, "fn.weights");
    }

    #[test]
    fn bad_network_links_name_their_key() {
        for (q, key) in [
            ("fn=mlp&fn.hidden=0&steps=5", "fn.hidden"),
            ("fn=mlp&fn.hidden=8,100&steps=5", "fn.hidden"),
            ("fn=mlp&fn.activation=gelu&steps=5", "fn.activation"),
            ("fn=mlp&fn.init=zeros&steps=5", "fn.init"),
            ("fn=mlp&data.name=moons&steps=5", "data.name"),
            ("fn=mlp&data.n=1&steps=5", "data.n"),
            ("fn=mlp&data=1,2,3;4,5&steps=5", "data"),
            ("fn=mlp&fn.depth=3&steps=5", "fn.depth"),
            ("fn=mlp&start=1,1&steps=5", "start"),
        ] {
            let e = decode(q).expect_err(q).first().clone();
            assert_eq!(e.field, key, "{q}: {e}");
        }
    }
}
