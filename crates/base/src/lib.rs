//! The vocabulary every optiviz crate shares, and nothing else: errors that
//! carry their path as data ([`error`]), numeric parameters with their ranges
//! ([`spec`]), numbers written as people read them ([`number`]), text for
//! markup ([`markup`]), JSON objects read with every problem collected
//! ([`json`]), the one seeded generator ([`rng`]), and powers of a step
//! count remembered per thread ([`powers`]).
//!
//! **Depends on no other optiviz crate.**
#![warn(missing_docs)]

pub mod error;
pub mod json;
pub mod markup;
pub mod number;
pub mod powers;
pub mod rng;
pub mod spec;

pub use error::ConfigError;
