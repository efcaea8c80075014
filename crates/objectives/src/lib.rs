//! What optimizers descend. Every surface answers the [`objective::Objective`]
//! trait: the classic test functions and typed formulas ([`functions`]), the
//! regressions fitted to data ([`data`]) and small neural networks ([`mlp`]),
//! each with exact gradients (and Hessians where they exist). A run's
//! [`surface::Surface`] is one of them with its L2 term.
//!
//! **Depends on `optiviz-base`, `optiviz-expr` (typed formulas) and
//! `optiviz-optim` (the tensor shapes a network hands its optimizers, and the
//! sums in torch's order).** Nothing here knows of experiments or runs.
#![warn(missing_docs)]

pub mod data;
pub mod functions;
pub mod linalg;
pub mod mlp;
pub mod objective;
pub mod surface;

pub use objective::{Minimum, Objective, View};
pub use surface::Surface;
