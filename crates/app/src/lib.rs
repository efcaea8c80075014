//! The page's model, in plain Rust: what the page teaches with (named
//! [`scenarios`], [`lessons`] and their [`quiz`] questions), what a teacher's
//! link locks ([`lock`]), and one optimizer step explained ([`inspect`]).
//!
//! **Depends on every engine crate below it and on `optiviz-render`; knows
//! nothing of wasm-bindgen or the DOM,** so `cargo test` reaches all of it.
#![warn(missing_docs)]

pub mod inspect;
pub mod lessons;
pub mod lock;
pub mod quiz;
pub mod scenarios;
