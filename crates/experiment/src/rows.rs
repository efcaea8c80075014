//! A dataset's rows read from JSON: numbers, or pairs of features, each
//! within the data models' bounds.

use optiviz_base::error::ConfigError;
use optiviz_base::json::{kind_of, number};
use optiviz_base::spec::Range;
use optiviz_objectives::data::MAX_VALUE;
use serde_json::Value;

/// A list of numbers, each within the data models' bounds.
pub fn numbers(v: &Value, field: &str) -> Result<Vec<f64>, ConfigError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                number(
                    x,
                    &format!("{field}[{i}]"),
                    Range::closed(-MAX_VALUE, MAX_VALUE),
                )
            })
            .collect(),
        other => Err(ConfigError::new(
            field,
            format!("must be a list of numbers, got {}", kind_of(other)),
        )),
    }
}

/// Rows of two features: `[[x1, x2], …]`, each within ±MAX_VALUE.
pub fn feature_pairs(v: &Value, field: &str) -> Result<(Vec<f64>, Vec<f64>), ConfigError> {
    let range = Range::closed(-MAX_VALUE, MAX_VALUE);
    match v {
        Value::Array(items) => {
            let (mut x1, mut x2) = (Vec::with_capacity(items.len()), Vec::new());
            for (i, item) in items.iter().enumerate() {
                let at = format!("{field}[{i}]");
                match item {
                    Value::Array(p) if p.len() == 2 => {
                        x1.push(number(&p[0], &format!("{at}[0]"), range)?);
                        x2.push(number(&p[1], &format!("{at}[1]"), range)?);
                    }
                    other => {
                        return Err(ConfigError::new(
                            at,
                            format!(
                                "must be a row's two features [x1, x2], got {}",
                                match other {
                                    Value::Array(p) => format!("a list of {}", p.len()),
                                    _ => kind_of(other).to_string(),
                                }
                            ),
                        ))
                    }
                }
            }
            Ok((x1, x2))
        }
        other => Err(ConfigError::new(
            field,
            format!("must be a list of [x1, x2] pairs, got {}", kind_of(other)),
        )),
    }
}
