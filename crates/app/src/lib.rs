//! The page's model, in plain Rust: [`app::App`] holds the one experiment,
//! its runs, the step shown and what the plot shows, and makes every edit
//! the page makes ([`app`]); it draws each view through a
//! [`host::Host`]'s painter ([`views`], [`surface_layer`],
//! [`relief_view`]), opens links ([`opening`]) and serves the page's workers
//! ([`workers`]). What the page teaches with: named [`scenarios`],
//! [`lessons`] and their [`quiz`] questions, and one optimizer step
//! explained ([`inspect`]). What the controls are built from:
//! [`catalogue`].
//!
//! **Depends on every crate below it; knows nothing of wasm-bindgen or the
//! DOM,** so `cargo test` reaches all of it. The page's bindings are a host
//! (a canvas painter and the browser's clock) and a thin layer of calls.
#![warn(missing_docs)]

pub mod app;
pub mod catalogue;
pub mod host;
pub mod inspect;
pub mod lessons;
pub mod opening;
pub mod quiz;
pub mod relief_view;
pub mod scenarios;
pub mod surface_layer;
pub mod tune;
pub mod views;
pub mod workers;
