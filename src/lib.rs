//! optiviz: see how optimizers move.
//!
//! The core of the tool: classic two-dimensional loss surfaces
//! ([`functions`]), optimizers with `torch.optim` semantics ([`optim`]), and the
//! [`Experiment`] that ties them together and [runs](Experiment::run) into
//! [`Trajectory`]s. The core has no dependency on the browser; the page's
//! bindings live in `web`, compiled only for `wasm32`.
//!
//! ```
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

pub mod analyze;
pub mod data;
pub mod edit;
pub mod error;
pub mod experiment;
pub mod expr;
pub mod functions;
pub mod inspect;
pub mod lessons;
pub mod lock;
pub mod mlp;
pub mod objective;
pub mod optim;
pub mod output;
pub mod query;
pub mod render;
pub mod rng;
pub mod run;
pub mod scenarios;
pub mod spec;
pub mod stability;
pub mod steps;
pub mod sweep;
pub mod symbolic;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::ConfigError;
pub use experiment::Experiment;
pub use objective::Objective;
pub use run::{Status, Trajectory};
