//! Every function, in the order a picker lists them.

use crate::functions::def::FunctionDef;
use crate::functions::models::{LEAST_SQUARES_2D, LINEAR_REGRESSION, LOGISTIC_REGRESSION};
use crate::functions::{custom, polynomial, trigonometric};

/// Every function, in the order a picker lists them.
pub static REGISTRY: &[&FunctionDef] = &[
    &polynomial::QUADRATIC,
    &polynomial::ROSENBROCK,
    &polynomial::BEALE,
    &polynomial::HIMMELBLAU,
    &polynomial::BOOTH,
    &trigonometric::RASTRIGIN,
    &trigonometric::ACKLEY,
    &polynomial::SADDLE,
    &polynomial::MATYAS,
    &polynomial::THREE_HUMP_CAMEL,
    &polynomial::SIX_HUMP_CAMEL,
    &polynomial::GOLDSTEIN_PRICE,
    &polynomial::STYBLINSKI_TANG,
    &trigonometric::MCCORMICK,
    &trigonometric::LEVI13,
    &LINEAR_REGRESSION,
    &LOGISTIC_REGRESSION,
    &LEAST_SQUARES_2D,
    &custom::CUSTOM,
];

/// Looks a function up by its key.
pub fn lookup(name: &str) -> Option<&'static FunctionDef> {
    REGISTRY.iter().copied().find(|d| d.name == name)
}

/// The keys of all functions, for error messages.
pub fn names() -> String {
    REGISTRY
        .iter()
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}
