//! optiviz: see how optimizers move.
//!
//! This root package holds the two front ends: the page's WebAssembly
//! bindings (`web`, compiled for `wasm32` only) and the native CLI
//! (`src/bin/optiviz.rs`). Everything they call lives in the workspace's
//! crates, each depending only on those below it:
//!
//! | crate | what it holds |
//! | --- | --- |
//! | [`base`] | errors as data, ranges, numbers, the seeded generator |
//! | [`expr`] | the formula language |
//! | [`optim`] | optimizers and schedules |
//! | [`objectives`] | surfaces, data models, networks |
//! | [`experiment`] | the experiment: types, JSON, the link |
//! | [`engine`] | runs, training, analysis, sweeps, basins |
//! | [`render`] | drawing: plots, charts, relief, figures, GIFs |
//! | [`app`] | the page's model |
//!
//! They are re-exported here under those names, so a program (and this
//! package's tests) can name them as `optiviz::engine`, and so on.
//!
//! ```
//! use optiviz::engine::Runs;
//! let exp = optiviz::Experiment::from_json(r#"{
//!     "function": {"name": "quadratic"},
//!     "start": [3.0, 2.0],
//!     "steps": 300,
//!     "optimizers": [{"name": "sgd", "lr": 0.1}, {"name": "sgd", "lr": 0.25}]
//! }"#).unwrap();
//! let runs = exp.run();
//! // lr = 0.1 < 2/10 converges; lr = 0.25 > 2/10 diverges along y.
//! assert!(matches!(runs[0].status, optiviz::Status::Converged { .. }));
//! assert!(matches!(runs[1].status, optiviz::Status::Diverged { .. }));
//! ```

pub use optiviz_app as app;
pub use optiviz_base as base;
pub use optiviz_engine as engine;
pub use optiviz_experiment as experiment;
pub use optiviz_expr as expr;
pub use optiviz_objectives as objectives;
pub use optiviz_optim as optim;
pub use optiviz_render as render;

pub use optiviz_base::error::ConfigError;
pub use optiviz_engine::trajectory::{Status, Trajectory};
pub use optiviz_experiment::experiment::Experiment;
pub use optiviz_objectives::objective::Objective;

#[cfg(target_arch = "wasm32")]
pub mod web;
