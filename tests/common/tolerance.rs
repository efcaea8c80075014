//! How a number is held to PyTorch's: one rule for every comparison with a
//! torch reference (the native tests, the wasm tests, and the crates' own
//! tests of torch's numbers, which include this file by its path).
//!
//! A reference is a set of series (the points, the losses, one state key, a
//! network's parameters, …), each with one entry a step: a number (a loss,
//! NAdam's `mu_product`) or a list of them (a point, Adam's `exp_avg`,
//! L-BFGS's `al`). A number `w` of torch's and ours `g` agree when
//!
//! ```text
//! |g − w| <= TOLERANCE · max(|w|, floor),   floor = min(1, M)
//! ```
//!
//! where `M` is the largest magnitude in the entry `w` belongs to, at that
//! step. A number that is an entry by itself is so held to 1e-9 of its own
//! size, however small (a `mu_product` of 1e-15 to about 1e-24). A number in
//! a list is held to 1e-9 of its own size or of the list's largest number,
//! whichever is larger: what is left of a point's coordinate as it passes
//! through zero, or of a tiny L-BFGS `al` beside large ones, is the rounding
//! of the larger numbers it was computed with, shared by the whole list
//! (extra-goldstein-price-adamax-amsgradless's x near its minimum, at
//! 3e-3, carries the same 5e-11 as its y at −1). The floor is never more
//! than 1, the floor of the rule before (`max(1, |w|)`), so no number is
//! held more loosely than it was.
//!
//! One key is held to [`LOOSER`]: L-BFGS's `H_diag`, sᵀy / yᵀy, a ratio of
//! differences of nearly equal gradients and points once the steps are
//! small. In extra-lbfgs-rosenbrock-wolfe-maxeval it agrees to 1.2e-9 of
//! itself while every point of the run agrees to a unit in the last place.
//! Nothing here depends on anything but `serde_json`.
#![allow(dead_code)]

use serde_json::Value;

/// The relative error allowed against torch.
pub const TOLERANCE: f64 = 1e-9;

/// The keys held more loosely than [`TOLERANCE`], with their tolerance and
/// why (see the module's notes).
pub const LOOSER: &[(&str, f64)] = &[("state.H_diag", 1e-8)];

/// The tolerance of the series named `key` (`points`, `state.exp_avg`, …).
pub fn tolerance_of(key: &str) -> f64 {
    LOOSER
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(TOLERANCE, |(_, t)| *t)
}

/// The error of `got` against `want` relative to `max(|want|, floor)`;
/// infinite where either is NaN (or they differ at a zero value and floor).
pub fn relative_error(got: f64, want: f64, floor: f64) -> f64 {
    if got == want {
        return 0.0;
    }
    let e = (got - want).abs() / want.abs().max(floor);
    if e.is_nan() {
        f64::INFINITY
    } else {
        e
    }
}

/// The largest magnitude among the finite numbers of `v` (a number, or
/// arrays and objects of them, nested); 0 for none.
pub fn magnitude(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().filter(|x| x.is_finite()).map_or(0.0, f64::abs),
        Value::Array(a) => a.iter().map(magnitude).fold(0.0, f64::max),
        Value::Object(m) => m.values().map(magnitude).fold(0.0, f64::max),
        _ => 0.0,
    }
}

/// The floor of the numbers of one entry of a series (a step's point, its
/// state list, or a single number).
pub fn floor_of(entry: &Value) -> f64 {
    magnitude(entry).min(1.0)
}

/// [`floor_of`] an entry given as numbers.
pub fn floor_of_numbers(entry: &[f64]) -> f64 {
    entry
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |m, x| m.max(x.abs()))
        .min(1.0)
}

/// Whether `got` agrees with `want`, a number of an entry with floor
/// `floor`, under `tolerance`.
pub fn close(got: f64, want: f64, floor: f64, tolerance: f64) -> bool {
    relative_error(got, want, floor) <= tolerance
}

/// Whether every number of `got` agrees with `want`'s, one entry of a series
/// given as numbers, under [`TOLERANCE`].
pub fn close_entry(got: &[f64], want: &[f64]) -> bool {
    let floor = floor_of_numbers(want);
    got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| close(*g, *w, floor, TOLERANCE))
}

/// The worst error of the numbers of `got` against one entry `want` of a
/// series (a number, or an array of them, nested; `null` for torch's None),
/// each relative to `max(|w|, floor_of(want))`; None when the shapes differ.
pub fn entry_error(got: &Value, want: &Value) -> Option<f64> {
    error(got, want, floor_of(want))
}

/// As [`entry_error`], with the floor given.
pub fn error(got: &Value, want: &Value, floor: f64) -> Option<f64> {
    match (got, want) {
        // torch's None in a state list (L-BFGS's unused `al` entries).
        (Value::Null, Value::Null) => Some(0.0),
        (Value::Number(g), Value::Number(w)) => {
            Some(relative_error(g.as_f64()?, w.as_f64()?, floor))
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
            .iter()
            .zip(w)
            .map(|(g, w)| error(g, w, floor))
            .try_fold(0.0f64, |worst, e| Some(worst.max(e?))),
        _ => None,
    }
}
