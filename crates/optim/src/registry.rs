//! Every optimizer, in the order the page lists them.

use crate::hyper::OptimizerDef;
use crate::{adabelief, ademamix, adopt, lion};
use crate::{
    adadelta, adafactor, adagrad, adam, adamax, adamw, asgd, lbfgs, nadam, radam, rmsprop, rprop,
    sgd,
};
use crate::{lookahead, muon, prodigy, rule, sam, schedulefree};

/// Every optimizer.
pub static REGISTRY: &[&OptimizerDef] = &[
    &sgd::DEF,
    &adagrad::DEF,
    &rmsprop::DEF,
    &adadelta::DEF,
    &adam::DEF,
    &adamw::DEF,
    &nadam::DEF,
    &adamax::DEF,
    &radam::DEF,
    &rprop::DEF,
    &asgd::DEF,
    &adafactor::DEF,
    &lbfgs::DEF,
    &muon::DEF,
    &schedulefree::SGD_DEF,
    &schedulefree::ADAMW_DEF,
    &prodigy::DEF,
    &lion::DEF,
    &adabelief::DEF,
    &adopt::DEF,
    &ademamix::DEF,
    &sam::DEF,
    &lookahead::DEF,
    &rule::DEF,
];

/// Looks an optimizer up by its key.
pub fn lookup(name: &str) -> Option<&'static OptimizerDef> {
    REGISTRY.iter().copied().find(|d| d.name == name)
}

/// The keys of all optimizers, for error messages.
pub fn names() -> String {
    REGISTRY
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}
