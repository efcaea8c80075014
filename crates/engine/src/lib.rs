//! Runs an experiment: the training loop every optimizer steps through
//! ([`steps`]), a point's run on a surface ([`run`]) and a network's training
//! ([`train`]), both behind [`runs::Runs`]; the local shape of a surface
//! ([`analyze`]), the stability edge of the fixed-step optimizers
//! ([`stability`]), learning-rate sweeps and basin maps ([`sweep`]), and the
//! runs written as JSON or CSV ([`output`]).
//!
//! **Depends on `optiviz-base`, `optiviz-optim`, `optiviz-objectives` and
//! `optiviz-experiment`.** Nothing here draws.
#![warn(missing_docs)]

pub mod analyze;
pub mod output;
pub mod run;
pub mod runs;
pub mod stability;
pub mod steps;
pub mod sweep;
pub mod train;
pub mod trajectory;

pub use runs::Runs;
pub use trajectory::{Record, Status, Trajectory};
