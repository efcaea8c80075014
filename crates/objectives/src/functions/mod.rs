//! Loss surfaces: two-dimensional test functions with analytic gradients and
//! Hessians, a default view window and their known global minima.
//!
//! A function is a type implementing [`crate::objective::Objective`] plus a
//! [`FunctionDef`] in [`REGISTRY`] that names it, documents it and declares
//! its parameters. Adding one is a new `impl` in the file of its family
//! (`polynomial.rs`, `trigonometric.rs`) and one line in `registry.rs`.

pub mod custom;
pub mod def;
pub mod models;
mod polynomial;
pub mod registry;
mod trigonometric;

pub use def::FunctionDef;
pub use registry::{lookup, names, REGISTRY};
