//! Optimizers with `torch.optim` semantics: the same names, the same defaults,
//! the same order of operations, in float64.
//!
//! Each optimizer lives in its own file as a type implementing [`optimizer::Optimizer`]
//! plus an [`hyper::OptimizerDef`] in [`registry::REGISTRY`] that declares its hyperparameters
//! (under torch's keyword names) and shows its update rule. Gradient clipping and
//! learning-rate schedules are in [`clip`] and [`schedule`]; they wrap any
//! optimizer the way a torch training loop does.
//!
//! An optimizer works on any number of parameters held in a [`optimizer::Params`]
//! vector: `[f64; 2]` for a point on a surface, `Vec<f64>` for n. Each
//! [`hyper::OptimizerDef`] builds either ([`hyper::Build`]); the two share every line of the
//! update rule, which loops over the coordinates the same way for both.

//!
//! **Depends only on `optiviz-base` and `optiviz-expr`** (whose rule
//! language the typed `rule` runs): an optimizer knows nothing of
//! experiments, surfaces or networks; it steps a vector.
#![warn(missing_docs)]

/// The two constructors of an optimizer from one constructor expression:
/// `builders!(|h, zero| Adam::new(h, zero, false))` evaluates the expression
/// with `zero = vec![0.0; n]`, n the parameters of every tensor, and a point
/// is stepped as that build's vector of two. An optimizer that treats
/// tensors apart names their shapes too: `builders!(|h, zero, shapes| …)`,
/// where a point is one vector of two.
macro_rules! builders {
    // A point stepped by its own build over `[f64; 2]` too, for the
    // optimizers the page runs most (sweeps and basin maps of SGD and Adam):
    // a second compiled copy of the update, which loops over two
    // coordinates known at compile time.
    (point |$h:ident, $zero:ident| $body:expr) => {
        $crate::hyper::Build {
            two: |$h| {
                let $zero = [0.0_f64; 2];
                Box::new($body)
            },
            many: |$h, shapes| {
                let $zero = vec![0.0_f64; $crate::optimizer::Shape::total(shapes)];
                Box::new($body)
            },
        }
    };
    (|$h:ident, $zero:ident| $body:expr) => {
        builders!(|$h, $zero, _shapes| $body)
    };
    // A point goes through the n-parameter build as one vector of two
    // (`on_point`): one compiled copy of each update rule, which the page's
    // WebAssembly carries once.
    (|$h:ident, $zero:ident, $shapes:ident| $body:expr) => {
        $crate::hyper::Build {
            two: |$h| {
                let many: $crate::hyper::BuildMany = |$h, $shapes| {
                    let $zero = vec![0.0_f64; $crate::optimizer::Shape::total($shapes)];
                    Box::new($body)
                };
                Box::new($crate::on_point::OnPoint::new(many(
                    $h,
                    &[$crate::optimizer::Shape::Vector(2)],
                )))
            },
            many: |$h, $shapes| {
                let $zero = vec![0.0_f64; $crate::optimizer::Shape::total($shapes)];
                Box::new($body)
            },
        }
    };
}

pub mod hyper;
pub mod on_point;
pub mod optimizer;
pub mod registry;

pub mod adabelief;
pub mod adadelta;
pub mod adafactor;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod adamw;
pub mod ademamix;
pub mod adopt;
pub mod asgd;
pub mod clip;
mod decay;
pub mod lbfgs;
pub mod lion;
pub mod lookahead;
pub mod muon;
pub mod nadam;
pub mod prodigy;
pub mod radam;
pub mod rmsprop;
pub mod rprop;
pub mod rule;
pub mod sam;
pub mod schedule;
pub mod schedulefree;
pub mod schedules;
pub mod sgd;
#[cfg(test)]
mod testing;
pub mod typed;

pub use hyper::{Hyper, HyperKind, HyperSpec, HyperValue, Inner, OptimizerDef, Wraps, LR_RANGE};
pub use optimizer::{
    dot, norm, Optimizer, Params, Shape, State, StateValue, MAX_STEPS, UPDATE_WORK,
};
pub use registry::{lookup, names, REGISTRY};
