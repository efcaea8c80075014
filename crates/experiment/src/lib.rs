//! The experiment: what the CLI reads, what a link and the page's JavaScript
//! API carry, what a Web Worker receives and what the tests build. Plain
//! types ([`experiment`]), read from JSON with every error at its path
//! ([`parse`]), written back ([`write`]), carried in a link ([`link`]) and
//! edited by path ([`edit`]).
//!
//! **Depends on `optiviz-base`, `optiviz-expr`, `optiviz-optim` and
//! `optiviz-objectives`.** Nothing here runs an experiment.
#![warn(missing_docs)]

pub mod angle;
pub mod edit;
pub mod experiment;
pub mod link;
pub mod lock;
pub mod network;
pub mod parse;
pub mod rows;
pub mod write;

pub use experiment::{Batch, Experiment, FunctionConfig, OptimizerConfig, Sampling, Stop};
