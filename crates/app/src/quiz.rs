//! What a scenario or a lesson's part asks before its paths are shown, and
//! the check of a rule the reader wrote against a goal: both run, and their
//! paths compared point by point.

use optiviz_base::number::significant;
use optiviz_engine::trajectory::Trajectory;

/// What a part asks before its paths are shown.
pub enum Quiz {
    /// Nothing: the paths are shown at once.
    None,
    /// "Where will optimizer N (from 1) be after the last step?": the reader
    /// clicks a guess, then the animation plays.
    Predict(usize),
    /// A multiple-choice question; `answer` counts from 1.
    Choose {
        /// What is asked.
        question: &'static str,
        /// The answers offered.
        choices: &'static [&'static str],
        /// The right one, from 1.
        answer: usize,
    },
    /// Write a rule: optimizer `yours` (from 1), a typed rule, is to step
    /// as optimizer `goal` (from 1) of the part does. "Check my rule" runs
    /// both and compares their paths ([`compare`]); the paths are shown
    /// from the start.
    Build {
        /// The reader's typed rule, from 1.
        yours: usize,
        /// What it is to follow, from 1.
        goal: usize,
    },
}

/// How close two paths must be to be the same: every coordinate within
/// this share of its size (or of 1, for a coordinate near 0).
pub const SAME_PATH: f64 = 1e-9;

/// Whether two coordinates agree within [`SAME_PATH`]: both the same
/// non-finite value (a path that diverged alike), or within 1e-9 of the
/// larger of their sizes and 1.
fn agree(a: f64, b: f64) -> bool {
    if !a.is_finite() || !b.is_finite() {
        return a == b || (a.is_nan() && b.is_nan());
    }
    (a - b).abs() <= SAME_PATH * a.abs().max(b.abs()).max(1.0)
}

/// How the reader's path compares with the goal's.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Every point agrees; the number of steps compared.
    Same(usize),
    /// The paths part at this step (the first point that disagrees, or
    /// where one path ends while the other goes on).
    Parts {
        /// The step, from 1 (the start is step 0, which both share).
        step: usize,
        /// The reader's point there, if the path reaches it.
        yours: Option<[f64; 2]>,
        /// The goal's point there, if its path reaches it.
        goal: Option<[f64; 2]>,
    },
}

/// Compares two runs point by point (never the rules' text).
pub fn compare(yours: &Trajectory, goal: &Trajectory) -> Verdict {
    let same = |p: &[f64; 2], q: &[f64; 2]| agree(p[0], q[0]) && agree(p[1], q[1]);
    let (a, b) = (&yours.points, &goal.points);
    let common = a.len().min(b.len());
    if let Some(k) = (0..common).find(|&k| !same(&a[k], &b[k])) {
        return Verdict::Parts {
            step: k,
            yours: Some(a[k]),
            goal: Some(b[k]),
        };
    }
    if a.len() != b.len() {
        return Verdict::Parts {
            step: common,
            yours: a.get(common).copied(),
            goal: b.get(common).copied(),
        };
    }
    Verdict::Same(common.saturating_sub(1))
}

/// A point as the check's message writes it.
fn point(p: [f64; 2]) -> String {
    format!("({}, {})", significant(p[0]), significant(p[1]))
}

impl Verdict {
    /// Whether the reader's rule follows the goal.
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Same(_))
    }

    /// What the page says: where the paths part and where each is then.
    pub fn message(&self) -> String {
        match self {
            Verdict::Same(steps) => format!(
                "Your rule follows the goal: all {steps} steps land on its path (every point within 1e-9)."
            ),
            Verdict::Parts { step, yours, goal } => {
                let at = match (yours, goal) {
                    (Some(y), Some(g)) => {
                        format!(": yours is at {}, the goal's at {}", point(*y), point(*g))
                    }
                    (None, Some(g)) => {
                        format!(": yours has stopped, the goal's goes on to {}", point(*g))
                    }
                    (Some(y), None) => {
                        format!(": the goal's has stopped, yours goes on to {}", point(*y))
                    }
                    (None, None) => String::new(),
                };
                format!("Your path leaves the goal's at step {step}{at}.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_engine::runs::Runs;
    use optiviz_experiment::experiment::Experiment;

    fn runs(json: &str) -> Vec<Trajectory> {
        Experiment::from_json(json).unwrap().run()
    }

    #[test]
    fn the_same_steps_written_two_ways_follow_each_other_and_a_changed_one_parts() {
        let r = runs(
            r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2], "steps": 50, "optimizers": [
                {"name": "rule", "lr": 0.001, "update": "theta = theta - lr*g"},
                {"name": "sgd", "lr": 0.001},
                {"name": "rule", "lr": 0.001, "update": "theta = theta - g*lr"},
                {"name": "rule", "lr": 0.001, "update": "theta = theta - lr*g*(1 + 1e-3*max(0, t - 12))"}]}"#,
        );
        assert_eq!(compare(&r[0], &r[1]), Verdict::Same(50));
        assert!(compare(&r[2], &r[1]).passed());
        let parted = compare(&r[3], &r[1]);
        assert!(
            matches!(parted, Verdict::Parts { step: 13, .. }),
            "{parted:?}"
        );
        assert!(
            parted
                .message()
                .starts_with("Your path leaves the goal's at step 13: yours is at ("),
            "{}",
            parted.message()
        );
        assert!(Verdict::Same(50).message().contains("all 50 steps"));
    }

    #[test]
    fn a_path_that_stops_early_parts_where_it_stops() {
        let r = runs(
            r#"{"function": {"name": "quadratic"}, "start": [3, 2], "steps": 30, "optimizers": [
                {"name": "rule", "lr": 3, "update": "theta = theta - lr*g"},
                {"name": "rule", "lr": 3, "update": "theta = theta - lr*g"},
                {"name": "sgd", "lr": 0.1}]}"#,
        );
        // Two runs that diverge alike are the same path.
        assert!(compare(&r[0], &r[1]).passed());
        let v = compare(&r[0], &r[2]);
        assert!(matches!(v, Verdict::Parts { step: 1, .. }), "{v:?}");
        assert!(agree(f64::NAN, f64::NAN) && !agree(f64::NAN, 1.0));
        assert!(agree(1e12, 1e12 + 100.0) && !agree(1e12, 1e12 + 1e4));
        assert!(agree(0.0, 5e-10) && !agree(0.0, 2e-9));
    }
}
