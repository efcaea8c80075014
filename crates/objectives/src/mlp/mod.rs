//! Small multilayer perceptrons on two inputs, trained as PyTorch trains
//! them: the network and its backpropagation ([`net`]), its initial weights
//! ([`init`]), the datasets it learns ([`datasets`]) and the plane its
//! landscape is drawn on ([`plane`]).

pub mod datasets;
pub mod init;
pub mod net;
pub mod plane;
pub mod predict;
pub mod surface;

pub mod model;

pub use model::{Model, PlaneKind, Rows, MAX_HIDDEN, MAX_PARAMS, MAX_ROWS, MAX_WIDTH, MLP};

#[cfg(test)]
mod tests;
