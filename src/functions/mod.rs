//! Loss surfaces: two-dimensional test functions with analytic gradients and
//! Hessians, a default view window and their known global minima.
//!
//! A function is a type implementing [`Objective`] plus a [`FunctionDef`] in
//! [`REGISTRY`] that names it, documents it and declares its parameters. Adding
//! one is a new `impl` in the file of its family and one line in the registry.

pub mod custom;
mod polynomial;
mod trigonometric;

use crate::data::{DataModel, Dataset, Generate, Generate2d, ModelKind};
use crate::error::ConfigError;
use crate::spec::ParamSpec;
use std::sync::Arc;

pub use crate::objective::{Minimum, Objective, View};

/// The catalogue entry of a function.
pub struct FunctionDef {
    /// The key used in experiments, e.g. `"rosenbrock"`.
    pub name: &'static str,
    /// A human title, e.g. `"Rosenbrock"`.
    pub title: &'static str,
    /// f(x, y) in plain Unicode.
    pub formula: &'static str,
    /// What the surface teaches, in a sentence.
    pub about: &'static str,
    /// Parameters in the order `build` receives them.
    pub params: &'static [ParamSpec],
    /// Builds the function from parameter values, already validated, in `params` order.
    /// (A data model built this way fits its default generated dataset.)
    pub build: fn(&[f64]) -> Box<dyn Objective>,
    /// `Some` for a model fitted to data: its axes are its two parameters,
    /// (w, b) or (w1, w2), and an experiment gives it a dataset.
    pub model: Option<ModelKind>,
}

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

/// Least squares: the surface is a quadratic bowl whose shape the data set.
pub static LINEAR_REGRESSION: FunctionDef = FunctionDef {
    name: "linear_regression",
    title: "Linear regression",
    formula: "(1/n) Σ (w xᵢ + b − yᵢ)²",
    about: "Fitting a line y = w x + b to data by mean squared error: the surface over (w, b) is a bowl, its bottom the least-squares line.",
    params: &[],
    build: |_| default_model(ModelKind::Linear),
    model: Some(ModelKind::Linear),
};

/// Cross-entropy of a one-feature classifier.
pub static LOGISTIC_REGRESSION: FunctionDef = FunctionDef {
    name: "logistic_regression",
    title: "Logistic regression",
    formula: "(1/n) Σ [log(1 + exp(w xᵢ + b)) − yᵢ (w xᵢ + b)]",
    about: "Classifying points by P(y = 1) = sigmoid(w x + b) with cross-entropy: convex, but with no minimum at all when a threshold separates the classes.",
    params: &[],
    build: |_| default_model(ModelKind::Logistic),
    model: Some(ModelKind::Logistic),
};

/// Least squares over two features without an intercept: the bowl's shape,
/// and so gradient descent's speed, follows the features' scales and correlation.
pub static LEAST_SQUARES_2D: FunctionDef = FunctionDef {
    name: "least_squares_2d",
    title: "Two-feature least squares",
    formula: "(1/n) Σ (w₁ x₁ᵢ + w₂ x₂ᵢ − yᵢ)²",
    about: "Fitting y ≈ w₁ x₁ + w₂ x₂ by mean squared error: the Hessian is (2/n) XᵀX, so a feature on a larger scale, or two correlated features, stretch the bowl into a narrow valley where gradient descent crawls; standardizing the features makes it round again.",
    params: &[],
    build: |_| default_model(ModelKind::LeastSquares2d),
    model: Some(ModelKind::LeastSquares2d),
};

fn default_model(kind: ModelKind) -> Box<dyn Objective> {
    let data = match kind {
        ModelKind::LeastSquares2d => Dataset::generate_2d(Generate2d::default()),
        _ => Dataset::generate(kind, Generate::default()),
    };
    Box::new(DataModel::new(kind, Arc::new(data), 0.0))
}

/// The Hessian `[[xx, xy], [xy, yy]]` from its three distinct entries.
fn symmetric(xx: f64, xy: f64, yy: f64) -> [[f64; 2]; 2] {
    [[xx, xy], [xy, yy]]
}

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

impl FunctionDef {
    /// Validates `values` (in `params` order) and builds the function.
    pub fn instantiate(
        &self,
        values: &[f64],
        field: &str,
    ) -> Result<Box<dyn Objective>, ConfigError> {
        for (spec, &v) in self.params.iter().zip(values) {
            spec.check(&format!("{field}.{}", spec.name), v)?;
        }
        Ok((self.build)(values))
    }

    /// The default value of every parameter, in order.
    pub fn defaults(&self) -> Vec<f64> {
        self.params.iter().map(|p| p.default).collect()
    }
}
