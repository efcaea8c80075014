//! Named experiments, each showing one lesson, for a teacher to pick or link.
//! The first is what the page shows when it opens.

use crate::experiment::Experiment;

/// A complete experiment with a title and the lesson it shows.
pub struct Scenario {
    /// A short key, usable in a link.
    pub id: &'static str,
    pub title: &'static str,
    pub lesson: &'static str,
    /// The experiment as JSON, in the form the CLI reads.
    pub json: &'static str,
}

impl Scenario {
    pub fn experiment(&self) -> Experiment {
        Experiment::from_json(self.json).expect("every scenario is a valid experiment")
    }
}

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "valley",
        title: "Rosenbrock's valley",
        lesson: "Plain gradient descent reaches the curved valley fast, then crawls along its floor; momentum and Adam travel it far quicker.",
        json: r#"{"function": {"name": "rosenbrock"}, "start": [-1.5, 2.0], "steps": 500, "optimizers": [
            {"name": "sgd", "lr": 0.0015},
            {"name": "sgd", "lr": 0.0015, "momentum": 0.9},
            {"name": "adam", "lr": 0.08}]}"#,
    },
    Scenario {
        id: "too-large",
        title: "A learning rate past 2/L diverges",
        lesson: "On this bowl the steepest curvature is L = 10, so gradient descent converges only for lr < 2/L = 0.2: at 0.19 it zig-zags but settles, at 0.21 every step overshoots further.",
        json: r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}}, "start": [3.0, 2.0], "steps": 60, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "sgd", "lr": 0.19},
            {"name": "sgd", "lr": 0.21}]}"#,
    },
    Scenario {
        id: "zigzag",
        title: "An ill-conditioned valley: momentum helps",
        lesson: "With curvatures 1 and 25, a learning rate safe for the steep direction is tiny for the shallow one: gradient descent zig-zags across the valley while momentum builds up speed along it.",
        json: r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 25}}, "start": [-3.5, 2.0], "steps": 150, "optimizers": [
            {"name": "sgd", "lr": 0.075},
            {"name": "sgd", "lr": 0.02, "momentum": 0.8},
            {"name": "sgd", "lr": 0.02, "momentum": 0.8, "nesterov": true}]}"#,
    },
    Scenario {
        id: "saddle",
        title: "A saddle point: GD stalls, adaptive methods escape",
        lesson: "Starting almost on the ridge line y = 0, the gradient's sideways part is tiny, so gradient descent lingers near the saddle; Adam and RMSprop rescale each coordinate and leave at once.",
        json: r#"{"function": {"name": "saddle"}, "start": [-1.8, 0.001], "steps": 80, "optimizers": [
            {"name": "sgd", "lr": 0.05},
            {"name": "adam", "lr": 0.05},
            {"name": "rmsprop", "lr": 0.02}]}"#,
    },
    Scenario {
        id: "local-minima",
        title: "Local minima trap gradient descent",
        lesson: "Rastrigin's ripples hold a local minimum in every cell: gradient descent and momentum stop in the nearest one; Adam's large normalised steps hop several ridges, yet nothing here reaches the global minimum at the origin.",
        json: r#"{"function": {"name": "rastrigin"}, "start": [-3.2, 2.6], "steps": 300, "optimizers": [
            {"name": "sgd", "lr": 0.002},
            {"name": "sgd", "lr": 0.003, "momentum": 0.97},
            {"name": "adam", "lr": 0.8, "betas": [0.95, 0.999]}]}"#,
    },
    Scenario {
        id: "clipping",
        title: "Exploding gradients tamed by clipping",
        lesson: "From the valley's steep wall the first gradient is huge and plain gradient descent is thrown out of the picture; clipping the gradient's norm (or each coordinate) keeps the same learning rate usable.",
        json: r#"{"function": {"name": "rosenbrock"}, "start": [-1.9, -0.8], "steps": 400, "optimizers": [
            {"name": "sgd", "lr": 0.004},
            {"name": "sgd", "lr": 0.004, "clip": {"max_norm": 10}},
            {"name": "sgd", "lr": 0.004, "clip": {"clip_value": 2}}]}"#,
    },
    Scenario {
        id: "schedule",
        title: "A schedule rescues a too-large step",
        lesson: "lr = 0.23 is past 2/L = 0.2 and diverges when held constant; decaying it, exponentially or in steps, brings it under the limit before the damage is done.",
        json: r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 10}}, "start": [3.0, 2.0], "steps": 100, "optimizers": [
            {"name": "sgd", "lr": 0.23},
            {"name": "sgd", "lr": 0.23, "schedule": {"name": "exponential", "gamma": 0.95}},
            {"name": "sgd", "lr": 0.23, "schedule": {"name": "step", "step_size": 10, "gamma": 0.5}}]}"#,
    },
    Scenario {
        id: "batch-size",
        title: "Batch, mini-batch and stochastic gradient descent",
        lesson: "Fitting a line to 100 points: the full-batch gradient walks straight to the least-squares fit; mini-batches of 10 take a wobbly road there; single-example SGD (batch 1) zig-zags and, at a fixed learning rate, keeps jittering around the fit instead of settling.",
        json: r#"{"function": {"name": "linear_regression", "generate": {"n": 100, "w": 2, "b": -1, "noise": 0.5, "seed": 7}},
            "start": [-0.5, 1.5], "steps": 150, "seed": 1, "optimizers": [
            {"name": "sgd", "lr": 0.1},
            {"name": "sgd", "lr": 0.1, "batch_size": 10},
            {"name": "sgd", "lr": 0.1, "batch_size": 1}]}"#,
    },
    Scenario {
        id: "noise-escape",
        title: "Gradient noise escapes a saddle point",
        lesson: "Started exactly on the ridge, gradient descent slides into the saddle point and stays: the gradient there is zero though it is no minimum. Noise in the gradient knocks the path off the ridge and it escapes downhill; averaging 16 noisy gradients per step (accumulate) shrinks the noise four-fold, so the escape comes later.",
        json: r#"{"function": {"name": "saddle"}, "start": [-1.8, 0.0], "steps": 120, "seed": 2, "optimizers": [
            {"name": "sgd", "lr": 0.05},
            {"name": "sgd", "lr": 0.05, "grad_noise": 0.1},
            {"name": "sgd", "lr": 0.05, "grad_noise": 0.1, "accumulate": 16}]}"#,
    },
    Scenario {
        id: "separable",
        title: "Separable classes: logistic regression has no minimum",
        lesson: "Without label noise a threshold on x splits the two classes, so the cross-entropy only approaches 0 as the boundary sharpens: no minimum is marked, and every optimizer keeps heading out to larger w.",
        json: r#"{"function": {"name": "logistic_regression", "generate": {"n": 40, "w": 3, "b": 0.5, "noise": 0, "seed": 4}},
            "start": [-1.0, 1.0], "steps": 300, "optimizers": [
            {"name": "sgd", "lr": 0.5},
            {"name": "adam", "lr": 0.1}]}"#,
    },
];

/// Looks a scenario up by its id.
pub fn lookup(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::Objective;
    use crate::run::Status;

    fn runs(id: &str) -> Vec<crate::Trajectory> {
        lookup(id).unwrap().experiment().run()
    }

    #[test]
    fn every_scenario_is_valid() {
        for s in SCENARIOS {
            assert!(s.experiment().optimizers.len() >= 2, "{}", s.id);
        }
    }

    #[test]
    fn each_scenario_shows_its_lesson() {
        let diverged = |t: &crate::Trajectory| matches!(t.status, Status::Diverged { .. });
        let r = runs("too-large");
        assert!(!diverged(&r[0]) && !diverged(&r[1]) && diverged(&r[2]));
        let r = runs("clipping");
        assert!(diverged(&r[0]) && !diverged(&r[1]) && !diverged(&r[2]));
        let r = runs("schedule");
        assert!(diverged(&r[0]) && !diverged(&r[1]) && !diverged(&r[2]));
        let r = runs("valley");
        assert!(r[1].losses.last() < r[0].losses.last());
        let r = runs("saddle");
        // After 30 steps GD has barely left the ridge; Adam is far away.
        assert!(r[0].points[30][1].abs() < 0.05 && r[1].points[30][1].abs() > 1.0);
        let r = runs("local-minima");
        assert!(r[2].losses.last().unwrap() < &(r[0].losses.last().unwrap() - 5.0));
        let r = runs("zigzag");
        assert!(r[1].losses[60] < r[0].losses[60]);

        // The smaller the batch, the longer and more crooked the road.
        let r = runs("batch-size");
        let length = |t: &crate::Trajectory| -> f64 {
            t.points
                .windows(2)
                .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                .sum()
        };
        assert!(length(&r[0]) < length(&r[1]) && length(&r[1]) < length(&r[2]));
        let min = lookup("batch-size")
            .unwrap()
            .experiment()
            .surface()
            .minima()[0];
        let gap = |t: &crate::Trajectory| t.losses.last().unwrap() - min.value;
        assert!(gap(&r[0]) < 1e-6 && gap(&r[2]) > 10.0 * gap(&r[0]));

        // Batch GD sits at the saddle; both noisy paths leave, the averaged one later.
        let r = runs("noise-escape");
        let left = |t: &crate::Trajectory| t.points.iter().position(|p| p[1].abs() > 0.5);
        assert_eq!(left(&r[0]), None);
        assert!(r[0].points.last().unwrap()[0].abs() < 1e-4);
        let (noisy, averaged) = (left(&r[1]).unwrap(), left(&r[2]).unwrap());
        assert!(noisy < averaged, "{noisy} {averaged}");

        // No minimum, and w keeps growing to the end.
        let e = lookup("separable").unwrap().experiment();
        assert!(e.surface().minima().is_empty());
        assert!(e.surface().minimum_note().unwrap().contains("separable"));
        for t in e.run() {
            let n = t.points.len();
            assert!(t.points[n - 1][0] > t.points[n - 50][0] && t.points[n - 1][0] > 3.0);
            assert!(t.losses[n - 1] < t.losses[n - 50]);
        }
    }
}
