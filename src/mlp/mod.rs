//! Small multilayer perceptrons on two inputs, trained as PyTorch trains
//! them: the network and its backpropagation ([`net`]), its initial weights
//! ([`init`]), the datasets it learns ([`datasets`]) and the plane its
//! landscape is drawn on ([`plane`]).

pub mod datasets;
pub mod init;
pub mod net;
pub mod plane;

/// At most this many rows of data.
pub const MAX_ROWS: usize = 5000;
/// At most this many parameters.
pub const MAX_PARAMS: usize = 10_000;
/// At most this many hidden layers, each at most [`MAX_WIDTH`] wide.
pub const MAX_HIDDEN: usize = 8;
pub const MAX_WIDTH: usize = 64;

#[cfg(test)]
mod tests;
