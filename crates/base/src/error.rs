//! The one error type of the core: a problem with an experiment, located by
//! the path of the field at fault.

use std::fmt;

/// A field of an experiment that is missing, malformed or out of range.
///
/// `field` is a path into the experiment as written in JSON, such as
/// `optimizers[1].betas[0]`, so a user can find the value to change;
/// `message` says what is allowed.
///
/// ```
/// use optiviz_base::error::ConfigError;
/// let err = ConfigError::new("optimizers[1].lr", "must be a finite number >= 0, got -1");
/// assert_eq!(err.field, "optimizers[1].lr");
/// assert_eq!(err.to_string(), "optimizers[1].lr: must be a finite number >= 0, got -1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the problem is, e.g. `optimizers[0].lr`; empty for the document itself.
    pub field: String,
    /// What is wrong and what is allowed instead.
    pub message: String,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}
