//! The formula language of optiviz: functions typed as text, `f(x, y)`,
//! parsed and compiled to a tape ([`formula`]), evaluated with exact first
//! and second derivatives, and shown as mathematics ([`symbolic`]); and
//! update rules written in it ([`rule`]), run over an optimizer's
//! coordinates. Nothing is ever run as script.
//!
//! **Depends only on `optiviz-base`.**
#![warn(missing_docs)]

pub mod formula;
pub mod rule;
pub mod symbolic;

/// The rule the tests hold every number to torch's by (shared with the
/// workspace's tests: tests/common/tolerance.rs).
#[cfg(test)]
#[path = "../../../tests/common/tolerance.rs"]
mod tolerance;

pub use formula::{Expr, ExprError, Jet, FUNCTIONS, MAX_LEN, MAX_PARAMS};
