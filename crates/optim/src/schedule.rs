//! Learning-rate schedules, stepped once after every optimizer step as torch's
//! `lr_scheduler` classes are.
//!
//! [`LrState`] replays what torch does with an optimizer's param group: each
//! scheduler reads and writes the group's `lr` (and `initial_lr`, and for
//! CyclicLR and OneCycleLR the momentum or β₁), updating the previous rate the
//! way torch's `get_lr` does rather than evaluating a closed form, so the rates
//! agree to the last bit or two. Constructing a scheduler takes torch's
//! "initial step", and SequentialLR's dance at construction (reset the rate,
//! undo the steps, redo the first scheduler's) and at each milestone (the next
//! scheduler restarts from its closed form where it has one) is replayed too,
//! side effects included.
//!
//! [`crate::schedules`] is the table of each schedule's keys, ranges and
//! defaults, which reads and writes a schedule.

use std::f64::consts::PI;

/// A learning-rate schedule and its parameters, under torch's names.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// `StepLR`: multiply by `gamma` every `step_size` steps.
    Step {
        /// Steps between two decays (≥ 1).
        step_size: u32,
        /// The factor of each decay.
        gamma: f64,
    },
    /// `ExponentialLR`: multiply by `gamma` every step.
    Exponential {
        /// The factor of each step.
        gamma: f64,
    },
    /// `CosineAnnealingLR`: half a cosine from the base rate down to `eta_min`
    /// over `T_max` steps (and back up after, as torch does).
    Cosine {
        /// torch's `T_max`: steps from the base rate down to `eta_min`.
        t_max: u32,
        /// The lowest rate, reached at step `T_max`.
        eta_min: f64,
    },
    /// `LinearLR`: the factor moves linearly from `start_factor` to
    /// `end_factor` over `total_iters` steps, then stays.
    Linear {
        /// The factor at step 0.
        start_factor: f64,
        /// The factor from step `total_iters` on.
        end_factor: f64,
        /// Steps over which the factor moves.
        total_iters: u32,
    },
    /// `LambdaLR` with factor `1 / (1 + k t)`.
    InverseTime {
        /// How fast the rate shrinks (≥ 0).
        k: f64,
    },
    /// `MultiStepLR`: multiply by `gamma` at each milestone step; a milestone
    /// listed `n` times multiplies by `gamma^n` (torch counts them).
    MultiStep {
        /// The steps at which the rate drops, increasing (repeats allowed).
        milestones: Vec<u32>,
        /// The factor of each drop.
        gamma: f64,
    },
    /// `ConstantLR`: multiply by `factor` for the first `total_iters` steps.
    Constant {
        /// The factor until step `total_iters`.
        factor: f64,
        /// The step at which the rate goes back to the base rate.
        total_iters: u32,
    },
    /// `PolynomialLR`: decay as `(1 − t/total_iters)^power`, then stay.
    Polynomial {
        /// The step at which the rate reaches 0.
        total_iters: u32,
        /// The power of the decay (1 is a straight line).
        power: f64,
    },
    /// `CosineAnnealingWarmRestarts`: a cosine from the base rate to
    /// `eta_min` over `T_0` steps, restarted each period, each period `T_mult`
    /// times the last.
    CosineWarmRestarts {
        /// torch's `T_0`: steps until the first restart.
        t_0: u32,
        /// torch's `T_mult`: each period's length over the one before.
        t_mult: u32,
        /// The lowest rate, reached at the end of each period.
        eta_min: f64,
    },
    /// `CyclicLR`.
    Cyclic(Cyclic),
    /// `OneCycleLR`.
    OneCycle(OneCycle),
    /// `ReduceLROnPlateau`, fed the loss at the start of each step.
    Plateau(Plateau),
    /// `SequentialLR`: `schedulers[i + 1]` takes over at step `milestones[i]`.
    Sequential {
        /// The schedules in order (neither plateau nor sequential).
        schedulers: Vec<Schedule>,
        /// The steps at which the next schedule takes over, increasing, one
        /// fewer than the schedules.
        milestones: Vec<u32>,
    },
}

/// `CyclicLR`'s settings. It sets the learning rate itself (from `base_lr`),
/// whatever the optimizer's was.
#[derive(Debug, Clone, PartialEq)]
pub struct Cyclic {
    /// The lowest rate, where each cycle starts.
    pub base_lr: f64,
    /// The highest rate, at the top of the first cycle.
    pub max_lr: f64,
    /// Steps from `base_lr` up to the top.
    pub step_size_up: u32,
    /// Steps from the top back down; `None` (torch's default) is `step_size_up`.
    pub step_size_down: Option<u32>,
    /// How each cycle's height is scaled.
    pub mode: CyclicMode,
    /// The factor per step of [`CyclicMode::ExpRange`].
    pub gamma: f64,
    /// Whether the momentum (or β₁) cycles too, the opposite way to the rate.
    pub cycle_momentum: bool,
    /// The momentum at the top of a cycle.
    pub base_momentum: f64,
    /// The momentum at the start of a cycle.
    pub max_momentum: f64,
}

/// How a cycle's height is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CyclicMode {
    /// Every cycle full height.
    Triangular,
    /// Each cycle half as high as the one before.
    Triangular2,
    /// Height `gamma^t` at step `t`.
    ExpRange,
}

/// `OneCycleLR`'s settings. The cycle's length is `total_steps`, or else
/// `epochs × steps_per_epoch`; it sets the learning rate itself (starting at
/// `max_lr / div_factor`).
#[derive(Debug, Clone, PartialEq)]
pub struct OneCycle {
    /// The highest rate, at the top of the cycle.
    pub max_lr: f64,
    /// The cycle's length in steps; `None` to use `epochs × steps_per_epoch`.
    pub total_steps: Option<u32>,
    /// With `steps_per_epoch`, the cycle's length when `total_steps` is `None`.
    pub epochs: Option<u32>,
    /// With `epochs`, the cycle's length when `total_steps` is `None`.
    pub steps_per_epoch: Option<u32>,
    /// The share of the cycle spent rising, in [0, 1].
    pub pct_start: f64,
    /// How the rate moves between its values.
    pub anneal_strategy: Anneal,
    /// Whether the momentum (or β₁) cycles too, the opposite way to the rate.
    pub cycle_momentum: bool,
    /// The momentum at the top of the cycle.
    pub base_momentum: f64,
    /// The momentum at the start and the end.
    pub max_momentum: f64,
    /// The cycle starts at `max_lr / div_factor`.
    pub div_factor: f64,
    /// It ends at the start's rate over `final_div_factor`.
    pub final_div_factor: f64,
    /// Rise, fall back to the start's rate, then fall further (instead of one
    /// long fall).
    pub three_phase: bool,
}

impl OneCycle {
    /// The cycle's length in steps, as torch settles it: `total_steps` if
    /// given, else `epochs × steps_per_epoch` (the parser requires one).
    pub fn total(&self) -> u64 {
        match (self.total_steps, self.epochs, self.steps_per_epoch) {
            (Some(t), _, _) => t as u64,
            (None, Some(e), Some(s)) => e as u64 * s as u64,
            _ => 0,
        }
    }

    /// The step each phase ends at, as torch lays them out: two phases, or
    /// three with `three_phase` (the count is the second value).
    fn phase_ends(&self) -> ([f64; 3], usize) {
        let (total, pct) = (self.total() as f64, self.pct_start);
        if self.three_phase {
            ([pct * total - 1.0, 2.0 * pct * total - 2.0, total - 1.0], 3)
        } else {
            ([pct * total - 1.0, total - 1.0, f64::NAN], 2)
        }
    }

    /// The phase `step` falls in, as torch finds it (the first whose end is
    /// not before it, else the last): its index, start step and end step.
    fn phase_at(&self, step: f64) -> (usize, f64, f64) {
        let (ends, n) = self.phase_ends();
        let ends = &ends[..n];
        let i = ends.iter().position(|&end| step <= end).unwrap_or(n - 1);
        (i, if i == 0 { 0.0 } else { ends[i - 1] }, ends[i])
    }

    /// Whether one of the steps 0 to `reach` falls in a phase of no length,
    /// where torch's OneCycleLR divides by zero.
    pub fn empty_phase_within(&self, reach: u32) -> bool {
        (0..=reach).any(|k| {
            let (_, start, end) = self.phase_at(k as f64);
            end - start == 0.0
        })
    }
}

/// How OneCycleLR moves between two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anneal {
    /// Half a cosine.
    Cos,
    /// A straight line.
    Linear,
}

/// `ReduceLROnPlateau`'s settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Plateau {
    /// Whether a lower or a higher loss is better.
    pub mode: PlateauMode,
    /// The factor of each reduction, in [0, 1).
    pub factor: f64,
    /// Steps without improvement tolerated before a reduction.
    pub patience: u32,
    /// How much better a loss must be to count as an improvement.
    pub threshold: f64,
    /// Whether `threshold` is relative or absolute.
    pub threshold_mode: ThresholdMode,
    /// Steps after a reduction during which no step counts as bad.
    pub cooldown: u32,
    /// The rate is never reduced below this.
    pub min_lr: f64,
    /// A reduction smaller than this is skipped.
    pub eps: f64,
}

/// Whether a lower or a higher metric is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlateauMode {
    /// A lower loss is better (torch's `"min"`).
    Min,
    /// A higher loss is better (torch's `"max"`).
    Max,
}

/// Whether `threshold` is relative to the best value so far or absolute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdMode {
    /// Better than `best · (1 ∓ threshold)` (torch's `"rel"`).
    Rel,
    /// Better than `best ∓ threshold` (torch's `"abs"`).
    Abs,
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
            Schedule::MultiStep { .. } => "multistep",
            Schedule::Constant { .. } => "constant",
            Schedule::Polynomial { .. } => "polynomial",
            Schedule::CosineWarmRestarts { .. } => "cosine_warm_restarts",
            Schedule::Cyclic(_) => "cyclic",
            Schedule::OneCycle(_) => "onecycle",
            Schedule::Plateau(_) => "plateau",
            Schedule::Sequential { .. } => "sequential",
        }
    }

    /// Whether a run records the momentum each step used: a cyclic or
    /// one-cycle schedule (inside a sequence too), which may cycle it.
    pub fn records_momentum(&self) -> bool {
        match self {
            Schedule::Cyclic(_) | Schedule::OneCycle(_) => true,
            Schedule::Sequential { schedulers, .. } => {
                schedulers.iter().any(Schedule::records_momentum)
            }
            _ => false,
        }
    }

    /// Whether the schedule sets the optimizer's momentum (or β₁): a cyclic
    /// or one-cycle schedule with `cycle_momentum`.
    pub fn cycles_momentum(&self) -> bool {
        match self {
            Schedule::Cyclic(c) => c.cycle_momentum,
            Schedule::OneCycle(o) => o.cycle_momentum,
            Schedule::Sequential { schedulers, .. } => {
                schedulers.iter().any(Schedule::cycles_momentum)
            }
            _ => false,
        }
    }
}

// ------------------------------------------------------------------ running

/// What torch's schedulers read and write in the optimizer's param group.
#[derive(Debug, Clone)]
struct Group {
    lr: f64,
    /// Set by the first scheduler built on the group (OneCycleLR overwrites it).
    initial_lr: Option<f64>,
    /// `momentum` (SGD, RMSprop) or `betas[0]` (the Adam family); `None` when
    /// the optimizer has neither.
    momentum: Option<f64>,
    // The entries OneCycleLR adds and reads (CyclicLR writes the momenta too).
    max_lr: f64,
    min_lr: f64,
    max_momentum: f64,
    base_momentum: f64,
}

/// An entry of the group a OneCycleLR phase starts or ends at.
#[derive(Debug, Clone, Copy)]
enum Key {
    InitialLr,
    MaxLr,
    MinLr,
    MaxMomentum,
    BaseMomentum,
}

impl Group {
    fn get(&self, key: Key) -> f64 {
        match key {
            Key::InitialLr => self.initial_lr.unwrap_or(self.lr),
            Key::MaxLr => self.max_lr,
            Key::MinLr => self.min_lr,
            Key::MaxMomentum => self.max_momentum,
            Key::BaseMomentum => self.base_momentum,
        }
    }

    fn set_momentum(&mut self, m: f64) {
        if let Some(slot) = self.momentum.as_mut() {
            *slot = m;
        }
    }
}

/// One torch scheduler object (anything but ReduceLROnPlateau and
/// SequentialLR) working on a [`Group`].
#[derive(Debug, Clone)]
struct Scheduler {
    schedule: Schedule,
    /// torch's `base_lrs[0]`.
    base: f64,
    /// torch's `last_epoch`: the scheduler steps taken.
    last_epoch: i64,
    /// CosineAnnealingWarmRestarts: steps since the restart, and the period.
    t_cur: i64,
    t_i: i64,
}

impl Scheduler {
    /// Constructs the scheduler on `g` as torch does: its own changes to the
    /// group first (CyclicLR's and OneCycleLR's rate and momentum), then the
    /// base rate from `initial_lr`, then the initial step.
    fn new(schedule: &Schedule, g: &mut Group) -> Scheduler {
        match schedule {
            Schedule::Cyclic(c) => {
                g.lr = c.base_lr;
                if c.cycle_momentum {
                    g.set_momentum(c.max_momentum);
                    g.max_momentum = c.max_momentum;
                    g.base_momentum = c.base_momentum;
                }
            }
            Schedule::OneCycle(o) => {
                let initial = o.max_lr / o.div_factor;
                g.initial_lr = Some(initial);
                g.max_lr = o.max_lr;
                g.min_lr = initial / o.final_div_factor;
                if o.cycle_momentum {
                    g.set_momentum(o.max_momentum);
                    g.max_momentum = o.max_momentum;
                    g.base_momentum = o.base_momentum;
                }
            }
            _ => {}
        }
        let base = *g.initial_lr.get_or_insert(g.lr);
        let t_0 = match schedule {
            Schedule::CosineWarmRestarts { t_0, .. } => *t_0 as i64,
            _ => 0,
        };
        let mut s = Scheduler {
            schedule: schedule.clone(),
            base,
            last_epoch: -1,
            t_cur: -1,
            t_i: t_0,
        };
        s.step(g, true);
        // CyclicLR's initial step ran with initial_lr as its base; its own
        // base_lr takes over only after.
        if let Schedule::Cyclic(c) = schedule {
            s.base = c.base_lr;
        }
        s
    }

    /// `scheduler.step()`; `initial` is torch's `_is_initial` (the step a
    /// constructor takes).
    fn step(&mut self, g: &mut Group, initial: bool) {
        if let Schedule::CosineWarmRestarts { t_0, t_mult, .. } = self.schedule {
            // Its own step(): the period and the position in it.
            if self.last_epoch < 0 {
                self.t_i = t_0 as i64;
                self.t_cur = 0;
                self.last_epoch = 0;
            } else {
                self.last_epoch += 1;
                self.t_cur += 1;
                if self.t_cur >= self.t_i {
                    self.t_cur %= self.t_i;
                    self.t_i *= t_mult as i64;
                }
            }
        } else {
            self.last_epoch += 1;
        }
        g.lr = self.get_lr(g, initial);
    }

    /// What SequentialLR does to the scheduler taking over at a milestone
    /// (torch's `_update_lr(0)`): the step count goes to 0 and the rate comes
    /// from the closed form where the scheduler has one, else from `get_lr`.
    fn restart(&mut self, g: &mut Group) {
        self.last_epoch = 0;
        g.lr = match self.closed_form() {
            Some(lr) => lr,
            None => self.get_lr(g, false),
        };
    }

    /// torch's `_get_closed_form_lr`, for the schedulers that have one.
    fn closed_form(&self) -> Option<f64> {
        let (base, t) = (self.base, self.last_epoch);
        Some(match &self.schedule {
            Schedule::Step { step_size, gamma } => {
                base * libm::pow(*gamma, t.div_euclid(*step_size as i64) as f64)
            }
            Schedule::MultiStep { milestones, gamma } => {
                let passed = milestones.iter().filter(|&&m| m as i64 <= t).count();
                base * libm::pow(*gamma, passed as f64)
            }
            Schedule::Constant {
                factor,
                total_iters,
            } => {
                let reached = if t >= *total_iters as i64 { 1.0 } else { 0.0 };
                base * (factor + reached * (1.0 - factor))
            }
            Schedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            } => {
                let n = *total_iters as f64;
                base * (start_factor
                    + (end_factor - start_factor) * (t.min(*total_iters as i64) as f64) / n)
            }
            Schedule::Exponential { gamma } => base * libm::pow(*gamma, t as f64),
            Schedule::Polynomial { total_iters, power } => {
                let n = *total_iters as i64;
                base * libm::pow(1.0 - n.min(t) as f64 / n as f64, *power)
            }
            Schedule::Cosine { t_max, eta_min } => {
                eta_min + (base - eta_min) * (1.0 + libm::cos(PI * t as f64 / *t_max as f64)) / 2.0
            }
            _ => return None,
        })
    }

    /// torch's `get_lr`: the next rate from the group's current one. CyclicLR
    /// and OneCycleLR also set the group's momentum here, as torch's do.
    fn get_lr(&self, g: &mut Group, initial: bool) -> f64 {
        let (t, lr, base) = (self.last_epoch, g.lr, self.base);
        match &self.schedule {
            Schedule::Step { step_size, gamma } => {
                if t == 0 || t % *step_size as i64 != 0 {
                    lr
                } else {
                    lr * gamma
                }
            }
            Schedule::Exponential { gamma } => {
                if initial {
                    lr
                } else {
                    lr * gamma
                }
            }
            Schedule::Cosine { t_max, eta_min } => {
                let t_max = *t_max as i64;
                let n = t_max as f64;
                if initial {
                    lr
                } else if (t - 1 - t_max).rem_euclid(2 * t_max) == 0 {
                    lr + (base - eta_min) * (1.0 - libm::cos(PI / n)) / 2.0
                } else {
                    (1.0 + libm::cos(PI * t as f64 / n))
                        / (1.0 + libm::cos(PI * (t - 1) as f64 / n))
                        * (lr - eta_min)
                        + eta_min
                }
            }
            Schedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            } => {
                if t == 0 {
                    lr * start_factor
                } else if initial || t > *total_iters as i64 {
                    lr
                } else {
                    let d = end_factor - start_factor;
                    lr * (1.0 + d / (*total_iters as f64 * start_factor + (t - 1) as f64 * d))
                }
            }
            Schedule::InverseTime { k } => base * (1.0 / (1.0 + k * t as f64)),
            Schedule::MultiStep { milestones, gamma } => {
                let count = milestones.iter().filter(|&&m| m as i64 == t).count();
                if count == 0 {
                    lr
                } else {
                    lr * libm::pow(*gamma, count as f64)
                }
            }
            Schedule::Constant {
                factor,
                total_iters,
            } => {
                if t == 0 {
                    lr * factor
                } else if t != *total_iters as i64 {
                    lr
                } else {
                    lr * (1.0 / factor)
                }
            }
            Schedule::Polynomial { total_iters, power } => {
                let n = *total_iters as f64;
                if initial || t > *total_iters as i64 {
                    lr
                } else {
                    let decay = (1.0 - t as f64 / n) / (1.0 - (t - 1) as f64 / n);
                    lr * libm::pow(decay, *power)
                }
            }
            Schedule::CosineWarmRestarts { eta_min, .. } => {
                let phase = PI * self.t_cur as f64 / self.t_i as f64;
                eta_min + (base - eta_min) * (1.0 + libm::cos(phase)) / 2.0
            }
            Schedule::Cyclic(c) => cyclic_lr(c, t, base, g),
            Schedule::OneCycle(o) => one_cycle_lr(o, t, g),
            Schedule::Plateau(_) | Schedule::Sequential { .. } => {
                unreachable!("driven by LrState, not as a single scheduler")
            }
        }
    }
}

/// CyclicLR's rate (and momentum, into `g`) at step `t`.
fn cyclic_lr(c: &Cyclic, t: i64, base: f64, g: &mut Group) -> f64 {
    let up = c.step_size_up as f64;
    let down = c.step_size_down.map_or(up, |d| d as f64);
    let total = up + down;
    let ratio = up / total;
    let cycle = (1.0 + t as f64 / total).floor();
    let x = 1.0 + t as f64 / total - cycle;
    let scale_factor = if x <= ratio {
        x / ratio
    } else {
        (x - 1.0) / (ratio - 1.0)
    };
    // torch evaluates triangular modes per cycle and exp_range per step.
    let scale = match c.mode {
        CyclicMode::Triangular => 1.0,
        CyclicMode::Triangular2 => 1.0 / libm::pow(2.0, cycle - 1.0),
        CyclicMode::ExpRange => libm::pow(c.gamma, t as f64),
    };
    if c.cycle_momentum {
        let height = (c.max_momentum - c.base_momentum) * scale_factor;
        g.set_momentum(c.max_momentum - height * scale);
    }
    let height = (c.max_lr - base) * scale_factor;
    base + height * scale
}

/// OneCycleLR's rate (and momentum, into `g`) at step `t`, from the group's
/// `initial_lr`, `max_lr`, `min_lr` and momenta.
fn one_cycle_lr(o: &OneCycle, t: i64, g: &mut Group) -> f64 {
    // Per phase: (start rate, end rate, start momentum, end momentum).
    let phases: &[(Key, Key, Key, Key)] = if o.three_phase {
        &[
            (
                Key::InitialLr,
                Key::MaxLr,
                Key::MaxMomentum,
                Key::BaseMomentum,
            ),
            (
                Key::MaxLr,
                Key::InitialLr,
                Key::BaseMomentum,
                Key::MaxMomentum,
            ),
            (
                Key::InitialLr,
                Key::MinLr,
                Key::MaxMomentum,
                Key::MaxMomentum,
            ),
        ]
    } else {
        &[
            (
                Key::InitialLr,
                Key::MaxLr,
                Key::MaxMomentum,
                Key::BaseMomentum,
            ),
            (Key::MaxLr, Key::MinLr, Key::BaseMomentum, Key::MaxMomentum),
        ]
    };
    let anneal = |start: f64, end: f64, pct: f64| match o.anneal_strategy {
        Anneal::Cos => end + (start - end) / 2.0 * (libm::cos(PI * pct) + 1.0),
        Anneal::Linear => (end - start) * pct + start,
    };
    let step = t as f64;
    let (i, start_step, end_step) = o.phase_at(step);
    let (lr0, lr1, m0, m1) = phases[i];
    let pct = (step - start_step) / (end_step - start_step);
    let lr = anneal(g.get(lr0), g.get(lr1), pct);
    if o.cycle_momentum {
        let m = anneal(g.get(m0), g.get(m1), pct);
        g.set_momentum(m);
    }
    lr
}

/// ReduceLROnPlateau's running state.
#[derive(Debug, Clone)]
struct PlateauState {
    p: Plateau,
    best: f64,
    bad_steps: u32,
    cooldown_left: u32,
}

impl PlateauState {
    fn new(p: &Plateau) -> PlateauState {
        let worst = match p.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        };
        PlateauState {
            p: p.clone(),
            best: worst,
            bad_steps: 0,
            cooldown_left: 0,
        }
    }

    fn improves(&self, x: f64) -> bool {
        let (best, th) = (self.best, self.p.threshold);
        match (self.p.mode, self.p.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => x < best * (1.0 - th),
            (PlateauMode::Min, ThresholdMode::Abs) => x < best - th,
            (PlateauMode::Max, ThresholdMode::Rel) => x > best * (th + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => x > best + th,
        }
    }

    fn step(&mut self, metric: f64, lr: &mut f64) {
        if self.improves(metric) {
            self.best = metric;
            self.bad_steps = 0;
        } else {
            self.bad_steps += 1;
        }
        if self.cooldown_left > 0 {
            self.cooldown_left -= 1;
            // Bad steps during a cooldown do not count.
            self.bad_steps = 0;
        }
        if self.bad_steps > self.p.patience {
            let old = *lr;
            let reduced = old * self.p.factor;
            let new = if self.p.min_lr > reduced {
                self.p.min_lr
            } else {
                reduced
            };
            if old - new > self.p.eps {
                *lr = new;
            }
            self.cooldown_left = self.p.cooldown;
            self.bad_steps = 0;
        }
    }
}

#[derive(Debug, Clone)]
enum Driver {
    Constant,
    One(Scheduler),
    Sequence {
        parts: Vec<Scheduler>,
        milestones: Vec<u32>,
        last_epoch: i64,
    },
    Plateau(PlateauState),
}

/// The learning rate (and, for a schedule that cycles it, the momentum or β₁)
/// of one optimizer as its schedule advances.
#[derive(Debug, Clone)]
pub struct LrState {
    group: Group,
    driver: Driver,
    cycles: bool,
}

impl LrState {
    /// The schedule built on an optimizer with learning rate `lr` and
    /// momentum (or β₁) `momentum`, `None` if it has neither, as torch builds
    /// it: the constructor's initial step is taken here.
    pub fn new(lr: f64, schedule: Option<&Schedule>, momentum: Option<f64>) -> LrState {
        let mut group = Group {
            lr,
            initial_lr: None,
            momentum,
            max_lr: 0.0,
            min_lr: 0.0,
            max_momentum: 0.0,
            base_momentum: 0.0,
        };
        let driver = match schedule {
            None => Driver::Constant,
            Some(Schedule::Plateau(p)) => Driver::Plateau(PlateauState::new(p)),
            Some(Schedule::Sequential {
                schedulers,
                milestones,
            }) => {
                // Every scheduler is built (and steps) in turn; then the rate
                // goes back to initial_lr, their steps are undone and only the
                // first one's initial step is taken again.
                let mut parts: Vec<Scheduler> = schedulers
                    .iter()
                    .map(|s| Scheduler::new(s, &mut group))
                    .collect();
                group.lr = group.initial_lr.unwrap_or(lr);
                for p in &mut parts {
                    p.last_epoch -= 1;
                }
                if let Some(first) = parts.first_mut() {
                    first.step(&mut group, true);
                }
                Driver::Sequence {
                    parts,
                    milestones: milestones.clone(),
                    last_epoch: 0,
                }
            }
            Some(s) => Driver::One(Scheduler::new(s, &mut group)),
        };
        LrState {
            group,
            driver,
            cycles: schedule.is_some_and(Schedule::cycles_momentum),
        }
    }

    /// The learning rate the next optimizer step uses.
    pub fn lr(&self) -> f64 {
        self.group.lr
    }

    /// The momentum (or β₁) the schedule has put in force for the next step;
    /// `None` when the schedule leaves it alone.
    pub fn momentum(&self) -> Option<f64> {
        if self.cycles {
            self.group.momentum
        } else {
            None
        }
    }

    /// `scheduler.step()` after an optimizer step; `loss` is the loss at the
    /// start of that step, the metric ReduceLROnPlateau is given.
    pub fn advance(&mut self, loss: f64) {
        let g = &mut self.group;
        match &mut self.driver {
            Driver::Constant => {}
            Driver::One(s) => s.step(g, false),
            Driver::Sequence {
                parts,
                milestones,
                last_epoch,
            } => {
                *last_epoch += 1;
                let idx = milestones
                    .iter()
                    .filter(|&&m| m as i64 <= *last_epoch)
                    .count();
                if idx > 0 && milestones[idx - 1] as i64 == *last_epoch {
                    parts[idx].restart(g);
                } else {
                    parts[idx].step(g, false);
                }
            }
            Driver::Plateau(p) => p.step(loss, &mut g.lr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates_with(s: Option<Schedule>, n: usize, losses: impl Fn(usize) -> f64) -> Vec<f64> {
        let mut st = LrState::new(1.0, s.as_ref(), None);
        (0..n)
            .map(|k| {
                let lr = st.lr();
                st.advance(losses(k));
                lr
            })
            .collect()
    }

    fn rates(s: Option<Schedule>, n: usize) -> Vec<f64> {
        rates_with(s, n, |_| 0.0)
    }

    /// The rates and momenta of the first `n` steps, from lr 1 and momentum 0.5.
    fn cycle(s: Schedule, n: usize) -> (Vec<f64>, Vec<f64>) {
        let mut st = LrState::new(1.0, Some(&s), Some(0.5));
        (0..n)
            .map(|_| {
                let out = (st.lr(), st.momentum().unwrap_or(f64::NAN));
                st.advance(0.0);
                out
            })
            .unzip()
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    fn cyclic(mode: CyclicMode) -> Cyclic {
        Cyclic {
            base_lr: 0.1,
            max_lr: 0.5,
            step_size_up: 2,
            step_size_down: None,
            mode,
            gamma: 1.0,
            cycle_momentum: true,
            base_momentum: 0.8,
            max_momentum: 0.9,
        }
    }

    fn one_cycle() -> OneCycle {
        OneCycle {
            max_lr: 1.0,
            total_steps: Some(10),
            epochs: None,
            steps_per_epoch: None,
            pct_start: 0.3,
            anneal_strategy: Anneal::Linear,
            cycle_momentum: true,
            base_momentum: 0.85,
            max_momentum: 0.95,
            div_factor: 25.0,
            final_div_factor: 1e4,
            three_phase: false,
        }
    }

    fn plateau() -> Plateau {
        Plateau {
            mode: PlateauMode::Min,
            factor: 0.5,
            patience: 2,
            threshold: 0.0,
            threshold_mode: ThresholdMode::Abs,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }

    #[test]
    fn names_match_the_serialized_tag_and_the_catalogue() {
        let all = [
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
            Schedule::MultiStep {
                milestones: vec![2],
                gamma: 0.1,
            },
            Schedule::Constant {
                factor: 0.5,
                total_iters: 2,
            },
            Schedule::Polynomial {
                total_iters: 3,
                power: 1.0,
            },
            Schedule::CosineWarmRestarts {
                t_0: 3,
                t_mult: 1,
                eta_min: 0.0,
            },
            Schedule::Cyclic(cyclic(CyclicMode::Triangular)),
            Schedule::OneCycle(one_cycle()),
            Schedule::Plateau(plateau()),
            Schedule::Sequential {
                schedulers: vec![Schedule::Exponential { gamma: 0.9 }],
                milestones: vec![],
            },
        ];
        assert_eq!(all.len(), crate::schedules::SCHEDULES.len());
        for s in all {
            let v = serde_json::to_value(&s).unwrap();
            assert_eq!(v["name"], s.name());
            let def = crate::schedules::lookup(s.name()).unwrap();
            for key in v.as_object().unwrap().keys().filter(|k| *k != "name") {
                assert!(def.key(key).is_some(), "{}: {key} not catalogued", s.name());
            }
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
        assert!(
            close(&r, &[0.5, 0.625, 0.75, 0.875, 1.0, 1.0, 1.0]),
            "{r:?}"
        );
    }

    #[test]
    fn inverse_time_is_one_over_one_plus_kt() {
        let r = rates(Some(Schedule::InverseTime { k: 0.5 }), 3);
        assert_eq!(r, vec![1.0, 1.0 / 1.5, 0.5]);
    }

    #[test]
    fn multistep_drops_at_each_milestone_and_twice_at_a_repeated_one() {
        let r = rates(
            Some(Schedule::MultiStep {
                milestones: vec![2, 4, 4],
                gamma: 0.5,
            }),
            6,
        );
        assert_eq!(r, vec![1.0, 1.0, 0.5, 0.5, 0.125, 0.125]);
    }

    #[test]
    fn constant_scales_until_total_iters() {
        let r = rates(
            Some(Schedule::Constant {
                factor: 0.25,
                total_iters: 3,
            }),
            5,
        );
        assert_eq!(r, vec![0.25, 0.25, 0.25, 1.0, 1.0]);
    }

    #[test]
    fn polynomial_follows_the_power_law_to_zero() {
        let r = rates(
            Some(Schedule::Polynomial {
                total_iters: 4,
                power: 2.0,
            }),
            6,
        );
        let want: Vec<f64> = (0..6)
            .map(|t| (1.0 - (t.min(4) as f64) / 4.0).powi(2))
            .collect();
        assert!(close(&r, &want), "{r:?}");
    }

    #[test]
    fn warm_restarts_return_to_the_base_at_each_period_end() {
        // T_0 = 3, T_mult = 2: restarts at steps 3, 3 + 6 = 9, 9 + 12 = 21.
        let r = rates(
            Some(Schedule::CosineWarmRestarts {
                t_0: 3,
                t_mult: 2,
                eta_min: 0.1,
            }),
            22,
        );
        for k in [0, 3, 9, 21] {
            assert!((r[k] - 1.0).abs() < 1e-12, "step {k}: {r:?}");
        }
        // Half-way through the second period (3 of 6) the cosine is at its middle.
        assert!((r[6] - 0.55).abs() < 1e-12, "{r:?}");
        assert!(r[8] < r[7] && r[7] < r[6] && r[9] > r[8]);
    }

    #[test]
    fn cyclic_triangular_goes_up_and_down_with_momentum_opposite() {
        let (lr, m) = cycle(Schedule::Cyclic(cyclic(CyclicMode::Triangular)), 9);
        assert!(
            close(&lr, &[0.1, 0.3, 0.5, 0.3, 0.1, 0.3, 0.5, 0.3, 0.1]),
            "{lr:?}"
        );
        assert!(
            close(&m, &[0.9, 0.85, 0.8, 0.85, 0.9, 0.85, 0.8, 0.85, 0.9]),
            "{m:?}"
        );
    }

    #[test]
    fn cyclic_triangular2_halves_each_cycle_and_exp_range_decays() {
        let (lr, _) = cycle(Schedule::Cyclic(cyclic(CyclicMode::Triangular2)), 13);
        let peaks = [lr[2], lr[6], lr[10]];
        assert!(close(&peaks, &[0.5, 0.3, 0.2]), "{lr:?}");
        let mut c = cyclic(CyclicMode::ExpRange);
        c.gamma = 0.5;
        let (lr, _) = cycle(Schedule::Cyclic(c), 3);
        // Step 2 is the top, at height 0.4 · 0.5².
        assert!((lr[2] - (0.1 + 0.4 * 0.25)).abs() < 1e-12, "{lr:?}");
    }

    #[test]
    fn one_cycle_peaks_at_max_lr_at_pct_start_then_falls_below_the_start() {
        let (lr, m) = cycle(Schedule::OneCycle(one_cycle()), 11);
        // Phase one ends at step 0.3 · 10 − 1 = 2.
        assert!((lr[0] - 0.04).abs() < 1e-12 && (m[0] - 0.95).abs() < 1e-12);
        assert!((lr[2] - 1.0).abs() < 1e-12 && (m[2] - 0.85).abs() < 1e-12);
        assert!((lr[9] - 0.04 / 1e4).abs() < 1e-12 && (m[9] - 0.95).abs() < 1e-12);
        assert!(lr[1] > lr[0] && lr[3] < lr[2]);
        let mut three = one_cycle();
        three.three_phase = true;
        let (lr, _) = cycle(Schedule::OneCycle(three), 10);
        // Back at the start's lr at step 2·0.3·10 − 2 = 4, then down to min_lr.
        assert!(
            (lr[4] - 0.04).abs() < 1e-12 && (lr[9] - 4e-6).abs() < 1e-12,
            "{lr:?}"
        );
    }

    #[test]
    fn plateau_reduces_after_patience_bad_steps_respecting_cooldown_and_min_lr() {
        // The loss improves at step 0 only: steps 1, 2, 3 are bad, and the
        // third bad one (more than patience 2) reduces lr after step 3.
        let r = rates_with(Some(Schedule::Plateau(plateau())), 8, |_| 1.0);
        assert_eq!(r, vec![1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
        let mut p = plateau();
        p.cooldown = 2;
        p.min_lr = 0.3;
        let r = rates_with(Some(Schedule::Plateau(p)), 12, |_| 1.0);
        // After a reduction, 2 cooldown steps do not count: 5 steps to the next.
        assert_eq!(
            r,
            vec![1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3]
        );
        // A steadily falling loss never reduces it.
        let r = rates_with(Some(Schedule::Plateau(plateau())), 20, |k| -(k as f64));
        assert!(r.iter().all(|&x| x == 1.0));
    }

    #[test]
    fn sequential_hands_over_at_the_milestone_from_the_base_rate() {
        let s = Schedule::Sequential {
            schedulers: vec![
                Schedule::Linear {
                    start_factor: 0.5,
                    end_factor: 1.0,
                    total_iters: 2,
                },
                Schedule::Exponential { gamma: 0.5 },
            ],
            milestones: vec![3],
        };
        let r = rates(Some(s), 6);
        assert!(close(&r, &[0.5, 0.75, 1.0, 1.0, 0.5, 0.25]), "{r:?}");
    }

    #[test]
    fn a_cyclic_schedule_sets_the_rate_and_momentum_whatever_the_optimizers() {
        let mut st = LrState::new(
            7.0,
            Some(&Schedule::Cyclic(cyclic(CyclicMode::Triangular))),
            Some(0.0),
        );
        assert_eq!((st.lr(), st.momentum()), (0.1, Some(0.9)));
        st.advance(0.0);
        let mut c = cyclic(CyclicMode::Triangular);
        c.cycle_momentum = false;
        let st = LrState::new(7.0, Some(&Schedule::Cyclic(c)), Some(0.0));
        assert_eq!((st.lr(), st.momentum()), (0.1, None));
    }
}
