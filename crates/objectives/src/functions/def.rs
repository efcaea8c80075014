//! What the catalogue knows of a function: its [`FunctionDef`].

use crate::data::ModelKind;
use crate::objective::Objective;
use optiviz_base::error::ConfigError;
use optiviz_base::spec::ParamSpec;

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

/// The Hessian `[[xx, xy], [xy, yy]]` from its three distinct entries.
pub(crate) fn symmetric(xx: f64, xy: f64, yy: f64) -> [[f64; 2]; 2] {
    [[xx, xy], [xy, yy]]
}
