//! Learning-rate schedules, stepped once after every optimizer step as torch's
//! `lr_scheduler` classes are. The recurrences are torch's own (its schedulers
//! update the previous learning rate rather than evaluate a closed form), so the
//! rates agree to the last bit or two.

use serde::Serialize;
use std::f64::consts::PI;

/// A learning-rate schedule and its parameters, under torch's names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Schedule {
    /// `StepLR`: multiply by `gamma` every `step_size` steps.
    Step { step_size: u32, gamma: f64 },
    /// `ExponentialLR`: multiply by `gamma` every step.
    Exponential { gamma: f64 },
    /// `CosineAnnealingLR`: half a cosine from the base rate down to `eta_min`
    /// over `T_max` steps (and back up after, as torch does).
    Cosine {
        #[serde(rename = "T_max")]
        t_max: u32,
        eta_min: f64,
    },
    /// `LinearLR`: the factor moves linearly from `start_factor` to
    /// `end_factor` over `total_iters` steps, then stays.
    Linear {
        start_factor: f64,
        end_factor: f64,
        total_iters: u32,
    },
    /// `LambdaLR` with factor `1 / (1 + k t)`.
    InverseTime { k: f64 },
}

impl Schedule {
    /// The schedule's key in experiments, e.g. `"cosine"`.
    pub fn name(&self) -> &'static str {
        match self {
            Schedule::Step { .. } => "step",
            Schedule::Exponential { .. } => "exponential",
            Schedule::Cosine { .. } => "cosine",
            Schedule::Linear { .. } => "linear",
            Schedule::InverseTime { .. } => "inverse_time",
        }
    }
}

/// The learning rate of one optimizer as its schedule advances.
#[derive(Debug, Clone)]
pub struct LrState {
    base: f64,
    schedule: Option<Schedule>,
    /// Scheduler steps taken so far (torch's `last_epoch`).
    t: u32,
    lr: f64,
}

impl LrState {
    pub fn new(base: f64, schedule: Option<Schedule>) -> LrState {
        let lr = match schedule {
            Some(Schedule::Linear { start_factor, .. }) => base * start_factor,
            _ => base,
        };
        LrState {
            base,
            schedule,
            t: 0,
            lr,
        }
    }

    /// The learning rate the next optimizer step uses.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// `scheduler.step()`.
    pub fn advance(&mut self) {
        self.t += 1;
        let t = self.t;
        let lr = self.lr;
        self.lr = match self.schedule {
            None => lr,
            Some(Schedule::Step { step_size, gamma }) => {
                if t % step_size == 0 {
                    lr * gamma
                } else {
                    lr
                }
            }
            Some(Schedule::Exponential { gamma }) => lr * gamma,
            Some(Schedule::Cosine { t_max, eta_min }) => {
                let (t, t_max_f) = (t as i64, t_max as f64);
                if (t - 1 - t_max as i64).rem_euclid(2 * t_max as i64) == 0 {
                    lr + (self.base - eta_min) * (1.0 - libm::cos(PI / t_max_f)) / 2.0
                } else {
                    (1.0 + libm::cos(PI * t as f64 / t_max_f))
                        / (1.0 + libm::cos(PI * (t - 1) as f64 / t_max_f))
                        * (lr - eta_min)
                        + eta_min
                }
            }
            Some(Schedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            }) => {
                if t > total_iters {
                    lr
                } else {
                    let d = end_factor - start_factor;
                    lr * (1.0 + d / (total_iters as f64 * start_factor + (t - 1) as f64 * d))
                }
            }
            Some(Schedule::InverseTime { k }) => self.base * (1.0 / (1.0 + k * t as f64)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(s: Option<Schedule>, n: usize) -> Vec<f64> {
        let mut st = LrState::new(1.0, s);
        (0..n)
            .map(|_| {
                let lr = st.lr();
                st.advance();
                lr
            })
            .collect()
    }

    #[test]
    fn names_match_the_serialized_tag() {
        for s in [
            Schedule::Step {
                step_size: 1,
                gamma: 0.5,
            },
            Schedule::Exponential { gamma: 0.9 },
            Schedule::Cosine {
                t_max: 5,
                eta_min: 0.0,
            },
            Schedule::Linear {
                start_factor: 0.5,
                end_factor: 1.0,
                total_iters: 3,
            },
            Schedule::InverseTime { k: 0.1 },
        ] {
            assert_eq!(serde_json::to_value(s).unwrap()["name"], s.name());
        }
    }

    #[test]
    fn step_schedule_drops_every_step_size() {
        let r = rates(
            Some(Schedule::Step {
                step_size: 2,
                gamma: 0.5,
            }),
            5,
        );
        assert_eq!(r, vec![1.0, 1.0, 0.5, 0.5, 0.25]);
    }

    #[test]
    fn cosine_reaches_eta_min_at_t_max_and_returns() {
        let r = rates(
            Some(Schedule::Cosine {
                t_max: 10,
                eta_min: 0.1,
            }),
            21,
        );
        assert!((r[10] - 0.1).abs() < 1e-12);
        assert!((r[5] - 0.55).abs() < 1e-12);
        assert!((r[20] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn linear_ramps_then_holds() {
        let s = Schedule::Linear {
            start_factor: 0.5,
            end_factor: 1.0,
            total_iters: 4,
        };
        let r = rates(Some(s), 7);
        let want = [0.5, 0.625, 0.75, 0.875, 1.0, 1.0, 1.0];
        for (a, b) in r.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{r:?}");
        }
    }

    #[test]
    fn inverse_time_is_one_over_one_plus_kt() {
        let r = rates(Some(Schedule::InverseTime { k: 0.5 }), 3);
        assert_eq!(r, vec![1.0, 1.0 / 1.5, 0.5]);
    }
}
