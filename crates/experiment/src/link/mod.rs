//! An experiment as a URL query, so that a link reproduces a picture exactly.
//!
//! The keys are short and readable, and values that equal the default are left
//! out:
//!
//! ```text
//! ?fn=rosenbrock&start=-1.5,2&steps=300&o1=adam&o1.lr=0.02&o1.clip.max_norm=1
//!  &o1.sched=cosine&o1.sched.T_max=100&o2=sgd&o2.lr=0.001&o2.momentum=0.9
//! ```
//!
//! | key | experiment field |
//! | --- | --- |
//! | `fn`, `fn.P` | `function.name`, `function.params.P` |
//! | `fn.expr`, `fn.view` | a typed function's `function.expr` and its own window `function.view` (`fn=custom`; its parameters are `fn.P` too) |
//! | `start`, `steps` | `start` (`x,y`), `steps` |
//! | `view` | `view` as `xmin,xmax,ymin,ymax` |
//! | `oN`, `oN.K` | optimizer N (from 1): its `name`, and key K (`lr`, `betas`, …, `color`, `enabled`) |
//! | `oN.clip.max_norm`, `oN.clip.clip_value` | its `clip` |
//! | `oN.sched`, `oN.sched.K` | its `schedule`: the name and key K (keys at torch's defaults left out) |
//! | `oN.sched.schedulers`, `oN.sched.I.K` | a `sequential` schedule's schedules: their names in order (`linear,cosine`), and key K of the I-th (from 1) |
//! | `data.K` (`n`, `w`, `b`, `noise`, `seed`, `x`; for `least_squares_2d` `n`, `rho`, `scale`, `w1`, `w2`, `noise`, `seed`) | `function.generate.K` |
//! | `data` as `x,y;x,y;…` (`x1,x2,y;…` for `least_squares_2d`) | `function.data` (a given dataset, when small) |
//! | `fn.standardize` (`true`) | `least_squares_2d`'s `function.standardize` |
//! | `batch_size`, `seed`, `grad_noise`, `accumulate`, `l2` | the same keys |
//! | `stop.K` | `stop.K` (`grad_tol`, `loss_tol`, `window`, `max_steps`) |
//!
//! A list is written with commas (`o1.sched.milestones=30,80`; one entry is
//! just the number), a choice as its word (`o1.sched.mode=triangular2`), a flag
//! as `true` or `false`. A warm-up then a cosine:
//!
//! ```text
//! o1.sched=sequential&o1.sched.schedulers=linear,cosine&o1.sched.milestones=10
//!  &o1.sched.1.start_factor=0.1&o1.sched.1.total_iters=10&o1.sched.2.T_max=90
//! ```
//!
//! Decoding builds the experiment's JSON and validates it with
//! `Experiment::from_value`, so a bad link gets the same checks as a bad
//! file, every bad key named at once, each by its URL key
//! (`o2.lr: must be a finite number >= 0, got -1`). Every key a link may
//! hold, the experiment's and the page's own, is declared once in
//! [`keys::KEYS`]; the page's keys are read by their kinds there
//! ([`page::decode_page`]). Tracking keys links pick up on the way
//! (`utm_*`, `fbclid`, …) are passed over.

pub mod decode;
pub mod encode;
pub mod keeping;
pub mod keys;
pub mod page;
pub mod text;

#[cfg(test)]
mod tests;

pub use decode::{decode, DEFAULT_STEPS, FALLBACK_FUNCTION};
pub use encode::{encode, MAX_LINK_DATA};
pub use keeping::decode_keeping;
pub use page::{decode_page, unknown_keys, Page, PageValue};
