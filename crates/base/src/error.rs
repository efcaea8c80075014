//! Errors as data: a problem with an input, located by the path of the field
//! at fault ([`ConfigError`]), every problem an input has ([`ConfigErrors`]),
//! and the list a reader fills as it goes ([`Problems`]).

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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigError {
    /// Where the problem is, e.g. `optimizers[0].lr`; empty for the document itself.
    pub field: String,
    /// What is wrong and what is allowed instead.
    pub message: String,
}

impl ConfigError {
    /// An error at `field` saying `message`.
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

/// Every problem found in one input, in the order they were found; never
/// empty. Written as one line, the problems joined by "; ".
///
/// ```
/// use optiviz_base::error::{ConfigError, Problems};
/// let mut p = Problems::default();
/// let lr: Option<f64> = p.take(Err(ConfigError::new("optimizers[0].lr", "must be >= 0, got -1")));
/// assert_eq!(lr, None);
/// p.push(ConfigError::new("steps", "is required"));
/// let errors = p.finish(()).unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert_eq!(errors.first().field, "optimizers[0].lr");
/// assert_eq!(errors.to_string(), "optimizers[0].lr: must be >= 0, got -1; steps: is required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(Vec<ConfigError>);

impl ConfigErrors {
    /// The first problem found.
    pub fn first(&self) -> &ConfigError {
        &self.0[0]
    }

    /// Each problem, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true: there is always a problem. (For clippy's `len` rule.)
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in the order found.
    pub fn into_vec(self) -> Vec<ConfigError> {
        self.0
    }

    /// Each problem's field rewritten by `f` (a JSON path into the URL key
    /// a user sees, say).
    pub fn map(self, f: impl FnMut(ConfigError) -> ConfigError) -> ConfigErrors {
        ConfigErrors(self.0.into_iter().map(f).collect())
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The problems a reader has found so far. A reader goes on past a bad field
/// (taking its default, or leaving out what needs it), so one pass names
/// every bad field of an input together.
#[derive(Debug, Default)]
pub struct Problems(Vec<ConfigError>);

impl Problems {
    /// Notes a problem.
    pub fn push(&mut self, e: ConfigError) {
        self.0.push(e);
    }

    /// Notes each of these problems.
    pub fn extend(&mut self, errors: impl IntoIterator<Item = ConfigError>) {
        self.0.extend(errors);
    }

    /// The value, or `None` with its problem noted.
    pub fn take<T>(&mut self, r: Result<T, ConfigError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// As [`Problems::take`], for a reader that may find several problems.
    pub fn take_all<T>(&mut self, r: Result<T, ConfigErrors>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e);
                None
            }
        }
    }

    /// How many problems have been noted: a reader compares the count before
    /// and after a part to know whether that part was sound.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// The fields of the problems noted so far.
    pub fn fields(&self) -> Vec<String> {
        self.0.iter().map(|e| e.field.clone()).collect()
    }

    /// `value` when nothing was wrong, else every problem.
    pub fn finish<T>(self, value: T) -> Result<T, ConfigErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors(self.0))
        }
    }
}
