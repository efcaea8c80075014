//! Every PyTorch reference case, compiled in: WebAssembly reads no files,
//! so the wasm tests (tests/web.rs) and the native ones (tests/reference.rs,
//! tests/reference2.rs) read the same cases from these lists. A listed file
//! that is gone fails to compile; a file that is not listed fails
//! `every_reference_file_is_listed` (tests/reference.rs) or
//! `every_second_set_file_is_listed` (tests/reference2.rs).

/// One folder of reference cases: its files by name (without `.json`), each
/// with its text, and what a run of it records (`optiviz run`'s `--state`
/// and `--params`).
pub struct Set {
    /// The folder, under tests/data.
    pub dir: &'static str,
    pub state: bool,
    pub params: bool,
    pub cases: &'static [(&'static str, &'static str)],
}

impl Set {
    /// The flags `optiviz run` takes to record what the references hold.
    pub fn flags(&self) -> Vec<&'static str> {
        let mut flags = Vec::new();
        if self.state {
            flags.push("--state");
        }
        if self.params {
            flags.push("--params");
        }
        flags
    }

    /// The names of the JSON files the folder holds, sorted, natively.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn files(&self) -> Vec<String> {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(self.dir);
        super::json_files(dir)
            .iter()
            .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    /// What differs between the folder and the list: files not listed, and
    /// listed cases without a file; empty when they agree.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn listing_problems(&self) -> Vec<String> {
        let files = self.files();
        let listed: Vec<&str> = self.cases.iter().map(|(id, _)| *id).collect();
        let mut problems = Vec::new();
        for f in &files {
            if !listed.contains(&f.as_str()) {
                problems.push(format!(
                    "tests/data/{}/{f}.json is not listed in tests/common/cases.rs",
                    self.dir
                ));
            }
        }
        for id in &listed {
            if !files.iter().any(|f| f == id) {
                problems.push(format!(
                    "tests/common/cases.rs lists {id}, which tests/data/{} does not hold",
                    self.dir
                ));
            }
        }
        problems
    }
}

macro_rules! set {
    ($(#[$doc:meta])* $name:ident, $dir:literal, state: $state:literal, params: $params:literal, [$($id:literal,)*]) => {
        $(#[$doc])*
        pub const $name: Set = Set {
            dir: $dir,
            state: $state,
            params: $params,
            cases: &[$(($id, include_str!(concat!("../data/", $dir, "/", $id, ".json"))),)*],
        };
    };
}

set! {
    /// The first set (make_reference.py): points and losses.
    REFERENCE,
    "reference",
    state: false,
    params: false,
    [
        "beale-adam",
        "booth-gd",
        "extra-ackley-nesterov-wd",
        "extra-beale-nadam-decoupled",
        "extra-booth-sgd-dampening-linear",
        "extra-goldstein-price-adam-clipnorm",
        "extra-goldstein-price-adamax-amsgradless",
        "extra-himmelblau-adam-cosine-restart",
        "extra-himmelblau-adamw-foreach-off",
        "extra-himmelblau-nadam-exp-clipvalue",
        "extra-levi13-adamw-amsgrad",
        "extra-linear-regression-gd",
        "extra-linear-regression-minibatch-momentum",
        "extra-linear-regression-sgd-accumulate-l2",
        "extra-logistic-regression-adam-minibatch",
        "extra-logistic-regression-gd-l2",
        "extra-matyas-nesterov-inverse-time",
        "extra-matyas-rmsprop-maximize-clipvalue",
        "extra-mccormick-adadelta-wd",
        "extra-quadratic-rmsprop-wd",
        "extra-rastrigin-a5-adam",
        "extra-rastrigin-adadelta-default",
        "extra-rosenbrock-adamax-step",
        "extra-rosenbrock-adamw-clipvalue-step",
        "extra-rosenbrock-l2-rmsprop",
        "extra-saddle-adam-maximize",
        "extra-saddle-rmsprop-momentum-linear-default",
        "extra-six-hump-camel-rmsprop-centered",
        "extra-styblinski-tang-adagrad-decay",
        "extra-styblinski-tang-gd-diverge",
        "extra-three-hump-camel-adagrad-clipnorm",
        "himmelblau-adam",
        "himmelblau-momentum",
        "matyas-nadam",
        "quadratic-adam-amsgrad",
        "quadratic-adam-cosine",
        "quadratic-adamw",
        "quadratic-gd-diverge",
        "quadratic-gd-exp-schedule",
        "quadratic-gd-inverse-time",
        "quadratic-gd-linear-schedule",
        "quadratic-gd-stable",
        "quadratic-gd-step-schedule",
        "quadratic-momentum",
        "quadratic-momentum-dampened",
        "quadratic-rmsprop-centered-momentum",
        "quadratic-sgd-weight-decay",
        "rastrigin-momentum",
        "rosenbrock-adadelta",
        "rosenbrock-adagrad",
        "rosenbrock-adam",
        "rosenbrock-gd",
        "rosenbrock-gd-clipnorm",
        "rosenbrock-gd-clipvalue",
        "rosenbrock-momentum",
        "rosenbrock-nesterov",
        "rosenbrock-rmsprop",
        "saddle-adam",
        "saddle-gd",
        "three-hump-camel-adamax",
    ]
}

set! {
    /// The second set (make_reference2.py): points, losses, learning rates,
/// momenta, L-BFGS's function evaluations, the optimizer's state at every
/// step, and the typed functions' derivatives.
    REFERENCE2,
    "reference2",
    state: true,
    params: false,
    [
        "adafactor",
        "adafactor-wd",
        "asgd",
        "asgd-t0",
        "custom-abs-max",
        "custom-bowl",
        "custom-exp-log",
        "custom-params",
        "custom-rosenbrock",
        "custom-trig",
        "extra-adafactor-beale-wd",
        "extra-asgd-matyas-averaging",
        "extra-cyclic-exp-range-adam",
        "extra-cyclic-triangular2-sgd-nesterov",
        "extra-lbfgs-booth-tolerances",
        "extra-lbfgs-himmelblau-wolfe-history",
        "extra-lbfgs-linear-minibatch",
        "extra-lbfgs-logistic-minibatch-accumulate-wolfe",
        "extra-lbfgs-rosenbrock-wolfe-maxeval",
        "extra-lbfgs-six-hump-maximize",
        "extra-lbfgs-six-hump-maximize-wolfe",
        "extra-lbfgs-three-hump-clip-step",
        "extra-multistep-repeat-polynomial-seq",
        "extra-onecycle-nadam-no-momentum-cycle",
        "extra-onecycle-three-phase-rmsprop",
        "extra-plateau-abs-cooldown-minlr",
        "extra-plateau-max-maximize",
        "extra-radam-himmelblau-decoupled",
        "extra-rprop-rastrigin-etas",
        "extra-seq-warmup-onecycle-adamax",
        "extra-typed-atan2-hypot",
        "extra-typed-gaussian-well-params",
        "extra-typed-hyperbolic-inverse-trig",
        "extra-typed-log1p-expm1-cosh",
        "extra-typed-logs-cbrt-param",
        "extra-typed-min-max",
        "extra-typed-negative-exponent",
        "extra-typed-unary-minus-constants",
        "extra-typed-variable-exponent",
        "extra-warm-restarts-adamw-tmult1",
        "lbfgs",
        "lbfgs-history",
        "lbfgs-wolfe",
        "ls2d-correlated",
        "ls2d-standardized",
        "radam",
        "radam-decoupled",
        "rprop",
        "rprop-etas",
        "sched-constant",
        "sched-cyclic",
        "sched-cyclic-momentum",
        "sched-multistep",
        "sched-onecycle-adam",
        "sched-onecycle-sgd-linear",
        "sched-plateau",
        "sched-polynomial",
        "sched-sequential-warmup-cosine",
        "sched-warm-restarts",
        "state-adadelta",
        "state-adagrad",
        "state-adam-amsgrad",
        "state-adamax",
        "state-nadam",
        "state-rmsprop-centered",
        "state-sgd-momentum",
    ]
}

set! {
    /// Networks (make_reference2.py): parameters, losses, layer gradient norms
/// and accuracy.
    MLP,
    "reference2/mlp",
    state: false,
    params: true,
    [
        "mlp-batchnorm",
        "mlp-relu-sgd-momentum",
        "mlp-sigmoid-deep",
        "mlp-tanh-adam",
    ]
}

set! {
    /// More networks (make_reference_mlp.py), with learning rates and state.
    MLP_EXTRA,
    "reference2/mlp-extra",
    state: true,
    params: true,
    [
        "mlp-extra-adadelta-xavier-normal",
        "mlp-extra-adafactor-bn-minibatch",
        "mlp-extra-adafactor-tanh",
        "mlp-extra-adafactor-wd-relu",
        "mlp-extra-adafactor-width-1-regression",
        "mlp-extra-adagrad-regression-kaiming-uniform",
        "mlp-extra-adam-amsgrad-sigmoid-l2",
        "mlp-extra-adam-bn-minibatch-accumulate",
        "mlp-extra-adam-cyclic-betas",
        "mlp-extra-adam-plateau-l2",
        "mlp-extra-adamax-sigmoid-xavier-uniform",
        "mlp-extra-adamw-cosine-regression",
        "mlp-extra-asgd-sigmoid-minibatch",
        "mlp-extra-lbfgs-relu",
        "mlp-extra-lbfgs-tanh",
        "mlp-extra-lbfgs-wolfe-bn",
        "mlp-extra-lbfgs-wolfe-minibatch-clip",
        "mlp-extra-lbfgs-wolfe-regression",
        "mlp-extra-nadam-clip-value-deep-tanh",
        "mlp-extra-nadam-decoupled-relu",
        "mlp-extra-radam-decoupled-width-1-regression",
        "mlp-extra-rmsprop-centered-momentum-bn-relu",
        "mlp-extra-rprop-tanh",
        "mlp-extra-sgd-bn-sigmoid-kaiming-normal",
        "mlp-extra-sgd-clip-norm-normal-init",
        "mlp-extra-sgd-dampening-relu-step",
        "mlp-extra-sgd-minibatch-onecycle-relu",
        "mlp-extra-sgd-nesterov-wd-tanh",
        "mlp-extra-sgd-torch-default-init-seed",
        "mlp-extra-sgd-warmup-exponential-relu",
    ]
}

set! {
    /// The third set: Muon and the optimizers of pytorch_optimizer, shared
    /// (`s3-*`) and made by make_reference3.py (`extra-*`), with their extra
    /// series (eval, ascent and slow points).
    REFERENCE3,
    "reference3",
    state: false,
    params: false,
    [
        "extra-adabelief-booth-ams-bound-coupled-clip",
        "extra-adabelief-himmelblau-rectify-threshold-no-sgd",
        "extra-adabelief-six-hump-rectify",
        "extra-adabelief-three-hump-clip-value-maximize",
        "extra-ademamix-beale-coupled-long-warmup",
        "extra-ademamix-booth-decoupled-fixed-eps",
        "extra-ademamix-rosenbrock-betas-alpha-warmup",
        "extra-ademamix-styblinski-maximize",
        "extra-adopt-beale-decoupled-fixed",
        "extra-adopt-booth-decoupled",
        "extra-adopt-himmelblau-betas-eps-coupled",
        "extra-adopt-logistic-minibatch",
        "extra-adopt-rosenbrock-no-clip-lambda",
        "extra-adopt-styblinski-maximize",
        "extra-lion-beale-coupled-wd",
        "extra-lion-himmelblau-betas-wd",
        "extra-lion-linear-regression-wd",
        "extra-lion-matyas-fixed-decay-cosine",
        "extra-lion-styblinski-maximize",
        "extra-lookahead-adam-rosenbrock",
        "extra-lookahead-rmsprop-himmelblau-pullback",
        "extra-lookahead-sgd-booth-reset",
        "extra-lookahead-sgd-six-hump-pullback",
        "extra-muon-beale-clip-ns-steps",
        "extra-muon-booth-ns-spectral",
        "extra-muon-rosenbrock-momentum-wd-rms",
        "extra-muon-six-hump-eps-original",
        "extra-prodigy-beale-coupled-safeguard-atan2",
        "extra-prodigy-booth-betas-dcoef-fixed-decay",
        "extra-prodigy-himmelblau-beta3-d0-growth-bias",
        "extra-prodigy-styblinski-maximize",
        "extra-sam-adam-himmelblau-rho",
        "extra-sam-adamw-booth-gc-perturb-eps",
        "extra-sam-rmsprop-six-hump",
        "extra-sam-sgd-beale-adaptive-nesterov",
        "extra-sf-adamw-beale-wd-ams-bound-eps",
        "extra-sf-adamw-rosenbrock-warmup-r-power",
        "extra-sf-adamw-six-hump-decoupling",
        "extra-sf-adamw-styblinski-maximize-step",
        "extra-sf-sgd-booth-wd-power-eps",
        "extra-sf-sgd-himmelblau-momentum-warmup-r",
        "extra-sf-sgd-matyas-cosine",
        "extra-sf-sgd-styblinski-maximize",
        "s3-adabelief-beale",
        "s3-ademamix-himmelblau",
        "s3-adopt-rosenbrock",
        "s3-lion-rosenbrock",
        "s3-lookahead-sgd-himmelblau",
        "s3-muon-himmelblau",
        "s3-prodigy-rosenbrock",
        "s3-sam-sgd-rosenbrock",
        "s3-sf-adamw-himmelblau",
        "s3-sf-sgd-rosenbrock",
    ]
}

set! {
    /// The third set's networks: Muon beside the optimizer of the other
    /// parameters, and the others on a network.
    MLP3,
    "reference3/mlp",
    state: false,
    params: true,
    [
        "extra-mlp-adabelief-rectify-bn-tanh",
        "extra-mlp-ademamix-warmup-tanh",
        "extra-mlp-adopt-clip-regression-relu",
        "extra-mlp-lion-relu-two-layers",
        "extra-mlp-lookahead-adam-reset-regression",
        "extra-mlp-lookahead-sgd-pullback-relu",
        "extra-mlp-muon-default-others-regression",
        "extra-mlp-muon-others-adam-ns-relu",
        "extra-mlp-muon-others-adamw-bn-tanh",
        "extra-mlp-muon-others-sgd-relu-two-layers",
        "extra-mlp-prodigy-tanh-two-layers",
        "extra-mlp-sam-adam-bn-tanh",
        "extra-mlp-sam-sgd-gc-adaptive-relu",
        "extra-mlp-sf-adamw-cosine-regression",
        "extra-mlp-sf-sgd-warmup-relu-two-layers",
        "s3-mlp-muon",
    ]
}

/// Every set.
pub const ALL: [&Set; 6] = [
    &REFERENCE,
    &REFERENCE2,
    &MLP,
    &MLP_EXTRA,
    &REFERENCE3,
    &MLP3,
];
