//! A typed update rule as data: its text compiled (`optiviz_expr::rule`),
//! its named numbers and state variables, and the templates that write out
//! the classic optimizers. The optimizer that runs one is `crate::rule`.

use optiviz_expr::rule::{Program, RuleError};
use std::sync::Arc;

/// The key of a typed rule in experiments (`{"name": "rule", …}`).
pub const NAME: &str = "rule";

/// A typed update rule with everything it declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The name its path is shown under; `None` shows `rule`.
    pub label: Option<String>,
    /// The rule as typed.
    pub update: String,
    /// Its named numbers and their values, in order of their names (as a
    /// JSON object holds them).
    pub hyper: Vec<(String, f64)>,
    /// Its state variables and their first values, in order of their names.
    pub state: Vec<(String, f64)>,
    /// `update` compiled.
    pub program: Arc<Program>,
}

impl Rule {
    /// Compiles `update` over these names (each accepted by
    /// `optiviz_expr::rule::name_problem`).
    pub fn new(
        label: Option<String>,
        update: &str,
        hyper: Vec<(String, f64)>,
        state: Vec<(String, f64)>,
    ) -> Result<Rule, RuleError> {
        fn names(list: &[(String, f64)]) -> Vec<&str> {
            list.iter().map(|(n, _)| n.as_str()).collect()
        }
        let program = Program::parse(update, &names(&state), &names(&hyper))?;
        Ok(Rule {
            label,
            update: update.to_string(),
            hyper,
            state,
            program: Arc::new(program),
        })
    }

    /// Plain gradient descent, `theta = theta - lr*g`: where a new rule starts.
    pub fn plain() -> Rule {
        Rule::new(None, "theta = theta - lr*g", Vec::new(), Vec::new())
            .expect("gradient descent compiles")
    }

    /// What a legend calls it: its label, or `rule`.
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(NAME)
    }
}

/// A rule to start from: a classic optimizer written out, with the built-in
/// optimizer it spells out (its twin), which it follows bit for bit: each
/// line rounds as the twin's update does (`m + (1 − β)(g − m)` for torch's
/// `lerp`, `lr*(g/d)` for its `addcdiv`).
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Its key (`momentum`, `adam`, …).
    pub id: &'static str,
    /// Its name in the template menu.
    pub title: &'static str,
    /// A learning rate it runs well at on the usual surfaces.
    pub lr: f64,
    /// Its named numbers, at the twin's defaults.
    pub hyper: &'static [(&'static str, f64)],
    /// Its state variables, each from 0.
    pub state: &'static [&'static str],
    /// The update.
    pub update: &'static str,
    /// The built-in twin's entry without its `lr`, as JSON; `None` for a
    /// rule no built-in optimizer spells (normalized gradient descent).
    pub twin: Option<&'static str>,
}

impl Template {
    /// The template as a rule.
    pub fn rule(&self) -> Rule {
        let hyper = self
            .hyper
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect();
        let state = self.state.iter().map(|n| (n.to_string(), 0.0)).collect();
        Rule::new(Some(self.title.to_string()), self.update, hyper, state)
            .expect("every template compiles")
    }
}

/// The templates, in the order the menu lists them.
pub static TEMPLATES: &[Template] = &[
    Template {
        id: "momentum",
        title: "Momentum",
        lr: 0.001,
        hyper: &[("mu", 0.9)],
        state: &["v"],
        update: "v = mu*v + g\ntheta = theta - lr*v",
        twin: Some(r#"{"name": "sgd", "momentum": 0.9}"#),
    },
    Template {
        id: "nesterov",
        title: "Nesterov momentum",
        lr: 0.001,
        hyper: &[("mu", 0.9)],
        state: &["v"],
        update: "v = mu*v + g\ntheta = theta - lr*(g + mu*v)",
        twin: Some(r#"{"name": "sgd", "momentum": 0.9, "nesterov": true}"#),
    },
    Template {
        id: "adagrad",
        title: "Adagrad",
        lr: 0.5,
        hyper: &[("eps", 1e-10)],
        state: &["s"],
        update: "s = s + g^2\ntheta = theta - lr*(g/(sqrt(s) + eps))",
        twin: Some(r#"{"name": "adagrad"}"#),
    },
    Template {
        id: "rmsprop",
        title: "RMSprop",
        lr: 0.01,
        hyper: &[("alpha", 0.99), ("eps", 1e-8)],
        state: &["v"],
        update: "v = alpha*v + (1 - alpha)*g*g\ntheta = theta - lr*(g/(sqrt(v) + eps))",
        twin: Some(r#"{"name": "rmsprop"}"#),
    },
    Template {
        id: "adam",
        title: "Adam",
        lr: 0.05,
        hyper: &[("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)],
        state: &["m", "v", "s", "d"],
        // m moves (1 − β₁) of the way to g: β₁m + (1 − β₁)g, written as
        // torch computes it; s is the rate with m's bias correction, d the
        // root of v with its own, plus ε.
        update: "m = m + (1 - beta1)*(g - m)\nv = beta2*v + (1 - beta2)*g*g\ns = lr/(1 - beta1^t)\nd = sqrt(v)/sqrt(1 - beta2^t) + eps\ntheta = theta - s*(m/d)",
        twin: Some(r#"{"name": "adam"}"#),
    },
    Template {
        id: "lion",
        title: "Lion",
        lr: 0.01,
        hyper: &[("beta1", 0.9), ("beta2", 0.99)],
        state: &["m"],
        update: "theta = theta - lr*sign(m + (1 - beta1)*(g - m))\nm = m + (1 - beta2)*(g - m)",
        twin: Some(r#"{"name": "lion"}"#),
    },
    Template {
        id: "normalized",
        title: "Normalized gradient descent",
        lr: 0.05,
        hyper: &[],
        state: &[],
        update: "theta = theta - lr*g/norm(g)",
        twin: None,
    },
];
