//! Descriptions of numeric parameters: a name, a default, the allowed range and
//! a line of documentation. Functions and optimizers both declare their
//! parameters this way, so validation, error messages and (later) the page's
//! controls all come from one table.

use crate::error::ConfigError;
use crate::number::show_number;
use std::fmt;

/// An interval of allowed values. Infinite ends are open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The lower end (−∞ for none).
    pub lo: f64,
    /// Whether `lo` itself is allowed.
    pub lo_inclusive: bool,
    /// The upper end (∞ for none).
    pub hi: f64,
    /// Whether `hi` itself is allowed.
    pub hi_inclusive: bool,
}

impl Range {
    /// `[lo, hi]`
    pub const fn closed(lo: f64, hi: f64) -> Range {
        Range {
            lo,
            lo_inclusive: true,
            hi,
            hi_inclusive: true,
        }
    }
    /// `[lo, hi)`
    pub const fn closed_open(lo: f64, hi: f64) -> Range {
        Range {
            lo,
            lo_inclusive: true,
            hi,
            hi_inclusive: false,
        }
    }
    /// `(lo, hi]`
    pub const fn open_closed(lo: f64, hi: f64) -> Range {
        Range {
            lo,
            lo_inclusive: false,
            hi,
            hi_inclusive: true,
        }
    }
    /// `x >= lo` (finite)
    pub const fn at_least(lo: f64) -> Range {
        Range::closed(lo, f64::INFINITY)
    }
    /// `x > lo` (finite)
    pub const fn above(lo: f64) -> Range {
        Range::open_closed(lo, f64::INFINITY)
    }
    /// Any finite number.
    pub const fn any() -> Range {
        Range::closed(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// Whether `x` is finite and inside the range.
    pub fn contains(&self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        let lo_ok = if self.lo_inclusive {
            x >= self.lo
        } else {
            x > self.lo
        };
        let hi_ok = if self.hi_inclusive {
            x <= self.hi
        } else {
            x < self.hi
        };
        lo_ok && hi_ok
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (false, false) => write!(f, "any finite number"),
            (true, false) => {
                let op = if self.lo_inclusive { ">=" } else { ">" };
                write!(f, "a finite number {op} {}", self.lo)
            }
            (false, true) => {
                let op = if self.hi_inclusive { "<=" } else { "<" };
                write!(f, "a number {op} {}", self.hi)
            }
            (true, true) => write!(
                f,
                "in {}{}, {}{}",
                if self.lo_inclusive { '[' } else { '(' },
                self.lo,
                self.hi,
                if self.hi_inclusive { ']' } else { ')' }
            ),
        }
    }
}

/// One numeric parameter of a function or an optimizer.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// The key in JSON, using torch's spelling for optimizers.
    pub name: &'static str,
    /// Its value when none is given.
    pub default: f64,
    /// The values allowed.
    pub range: Range,
    /// One line for a tooltip or a `--help`.
    pub doc: &'static str,
}

impl ParamSpec {
    /// Checks `value` against the range; the error names `field`.
    pub fn check(&self, field: &str, value: f64) -> Result<f64, ConfigError> {
        check_range(field, value, self.range)
    }
}

/// Checks that `value` is finite and inside `range`; the error names `field`.
pub fn check_range(field: &str, value: f64, range: Range) -> Result<f64, ConfigError> {
    if range.contains(value) {
        Ok(value)
    } else {
        Err(ConfigError::new(
            field,
            format!("must be {range}, got {}", show_number(value)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_describe_themselves() {
        assert_eq!(Range::closed_open(0.0, 1.0).to_string(), "in [0, 1)");
        assert_eq!(Range::at_least(0.0).to_string(), "a finite number >= 0");
        assert_eq!(Range::above(0.0).to_string(), "a finite number > 0");
        assert!(!Range::any().contains(f64::NAN));
        assert!(!Range::closed_open(0.0, 1.0).contains(1.0));
        assert!(Range::closed_open(0.0, 1.0).contains(0.0));
    }

    #[test]
    fn errors_name_the_field_and_the_range() {
        let err = check_range("optimizers[0].lr", -1.0, Range::at_least(0.0)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "optimizers[0].lr: must be a finite number >= 0, got -1"
        );
    }
}
