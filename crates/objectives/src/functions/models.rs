//! The data models' catalogue entries: surfaces that come from data.

use crate::data::{DataModel, Dataset, Generate, Generate2d, ModelKind};
use crate::functions::def::FunctionDef;
use crate::objective::Objective;
use std::sync::Arc;

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
