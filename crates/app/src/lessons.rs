//! Lessons: ordered experiments with their text, walked through one part at a
//! time (`lesson=NAME&part=3` in a link). A part may ask the reader first:
//! to predict where an optimizer ends, or to pick an answer.

use crate::quiz::Quiz;
use crate::scenarios;
use optiviz_experiment::experiment::Experiment;

/// One part of a lesson: an experiment, the text shown with it and, after
/// its question is answered, what the reader should take from it.
pub struct Part {
    /// Its heading.
    pub title: &'static str,
    /// Shown with the part, before any question is answered.
    pub text: &'static str,
    /// Shown once the question is answered (or at once, with no question).
    pub reveal: &'static str,
    /// The experiment as JSON, in the form the CLI reads.
    pub json: &'static str,
    /// What it asks before its paths are shown.
    pub quiz: Quiz,
}

impl Part {
    /// The part's experiment.
    pub fn experiment(&self) -> Experiment {
        Experiment::from_json(self.json).expect("every lesson part is a valid experiment")
    }
}

/// A lesson: a short key for links, a title and its parts in order.
pub struct Lesson {
    /// Its key in a link, `lesson=ID`.
    pub id: &'static str,
    /// Its title in the picker.
    pub title: &'static str,
    /// Its parts, in order.
    pub parts: &'static [Part],
}

/// Every lesson, in the order the picker lists them.
pub static LESSONS: &[Lesson] = &[Lesson {
    id: "how-optimizers-move",
    title: "How optimizers move",
    parts: &[
        Part {
            title: "One gradient step",
            text: "Gradient descent moves by θ ← θ − lr·∇f: against the gradient, which is downhill, and as far as lr times the slope. Here the bowl is f = ½(x² + 4y²), the start (3, 2) and lr = 0.1. Work out the gradient, or judge it from the contours, and click where the first step lands.",
            reveal: "The gradient at (3, 2) is (x, 4y) = (3, 8), so the step is 0.1·(3, 8) = (0.3, 0.8) and lands at (2.7, 1.2). The bowl is four times as steep across y as along x, so the step goes further in y: downhill does not point straight at the minimum.",
            json: r#"{"function": {"name": "quadratic", "params": {"a": 1, "b": 4}}, "start": [3.0, 2.0], "steps": 1, "optimizers": [
                {"name": "sgd", "lr": 0.1}]}"#,
            quiz: Quiz::Predict(1),
        },
        Part {
            title: "The learning rate and its edge",
            text: "Now f = ½(x² + 10y²): ten times as steep across y as along x. Three runs of gradient descent start at (3, 2) and differ only in the learning rate. A larger rate takes longer steps, and a step that is too long overshoots the floor of the bowl and climbs the other side.",
            reveal: "Across y the curvature is L = 10, and each step multiplies y by 1 − lr·L. At 0.1 that is 0, so the path drops to the floor in one step and slides along it; at 0.19 it is −0.9, a swing to the other side a little smaller each time, which settles; at 0.21 it is −1.1, each swing larger than the last, and the path leaves the picture after 5 steps. Gradient descent settles only for lr < 2/L = 0.2.",
            json: scenarios::TOO_LARGE,
            quiz: Quiz::Choose {
                question: "Which of these learning rates will not settle?",
                choices: &["0.1", "0.19", "0.21"],
                answer: 3,
            },
        },
        Part {
            title: "Momentum",
            text: "A narrow valley, f = ½(x² + 25y²): 25 times as steep across as along. Gradient descent runs at lr = 0.075, just under its edge of 2/25 = 0.08. The other two use lr = 0.04 with momentum 0.7: each step is the new gradient step plus 0.7 of the previous step, like a ball that keeps rolling. Nesterov's variant looks ahead, taking the gradient about where the roll will carry it.",
            reveal: "Gradient descent, with almost twice the learning rate: it crosses the valley at every step, 40 times, while along the shallow x it gains only 7.5% of the remaining way per step and ends at x = −0.15. In momentum's running sum the swings across the valley cancel while the pushes along it add up, and both momentum runs end within 0.01 of the minimum; Nesterov's look-ahead stops the swinging after the first swing.",
            json: scenarios::ZIGZAG,
            quiz: Quiz::Choose {
                question: "After 40 steps, which is furthest from the minimum?",
                choices: &[
                    "Gradient descent, lr 0.075",
                    "Momentum, lr 0.04",
                    "Nesterov momentum, lr 0.04",
                ],
                answer: 1,
            },
        },
        Part {
            title: "Adaptive steps",
            text: "The saddle f = x² − y² curves up along x and down along y; its flat centre is no minimum. The start (−1.8, 0.001) is a hair off the ridge line y = 0. Adam and RMSprop divide each coordinate's step by the running root-mean-square of that coordinate's gradients, so even a tiny gradient gets a step of about lr. Click where plain gradient descent (lr 0.05) will be after 60 steps.",
            reveal: "The sideways pull on gradient descent is 2y, tiny at y = 0.001, so it slides almost straight into the saddle point: after 60 steps it is at about (0, 0.3), only starting to turn away. Adam and RMSprop give that tiny sideways gradient a full-sized step, so they head downhill at once: RMSprop leaves the picture after 17 steps and Adam after 36.",
            json: scenarios::SADDLE,
            quiz: Quiz::Predict(1),
        },
        Part {
            title: "Schedules",
            text: "The bowl of the second part, whose edge is lr = 0.2, with lr = 0.23, past it. One run holds the rate fixed; one multiplies it by 0.95 after every step (an exponential schedule); one multiplies it by 0.8 after every 4 steps (a step schedule).",
            reveal: "Held at 0.23, every swing across the bowl is 1.3 times the last, and the path leaves the picture after 5 steps. The exponential schedule is under the edge from its 4th step (0.23 × 0.95³ ≈ 0.197) and the step schedule from its 5th (0.184): after a few wide swings both turn back and settle. The price is that the rate keeps shrinking, so along the shallow x both are still crawling, at x ≈ 0.02, after 100 steps.",
            json: scenarios::SCHEDULE,
            quiz: Quiz::Choose {
                question: "Which of these runs settle at the minimum?",
                choices: &[
                    "None: 0.23 is past the edge",
                    "Only the two with a schedule",
                    "All three",
                ],
                answer: 2,
            },
        },
        Part {
            title: "Noise and mini-batches",
            text: "Fitting a line y = w·x + b to 100 noisy points: the loss is the mean squared error, and each point of the plane is a pair (w, b). All three runs use lr = 0.1, but each step estimates the gradient from a different number of rows: all 100 (full batch), a mini-batch of 10, or a single row, drawn in a new shuffled order each epoch.",
            reveal: "Only the full batch: its gradient is the true one, which shrinks to zero at the fit, and it stops there after 72 steps. A smaller batch's gradient is an estimate whose noise does not vanish at the fit, so at a fixed learning rate the path keeps wandering around it. With single rows the noise is largest: the road is over six times as long as the full batch's, and it ends about 0.3 from the fit.",
            json: scenarios::BATCH_SIZE,
            quiz: Quiz::Choose {
                question: "After 150 steps, which has settled at the fit and stopped moving?",
                choices: &[
                    "Full batch (all 100 rows)",
                    "Mini-batches of 10",
                    "Single rows",
                    "All three",
                ],
                answer: 1,
            },
        },
        Part {
            title: "Clipping",
            text: "A steep place: the outer wall of Rosenbrock's valley at (−1.9, −0.8), where the gradient's length is about 3,500. All three runs use lr = 0.004. Two clip the gradient before each step: one shrinks it to a length of at most 10 (clipping by norm), one cuts each coordinate to at most 2 (clipping by value).",
            reveal: "A step is lr times the slope, 0.004 × 3,500 ≈ 14, so plain gradient descent lands at (11.5, 2.7), where the slope is steeper still, and it diverges. Clipping caps the first steps at 0.004 × 10 = 0.04 in length, or 0.008 in each coordinate, so both clipped paths walk down the wall and along the valley floor, reaching x = 0.73 and 0.55 after 400 steps on their way to the minimum at (1, 1).",
            json: scenarios::CLIPPING,
            quiz: Quiz::Choose {
                question: "What does plain gradient descent, without clipping, do on its first step?",
                choices: &[
                    "A small step down the wall",
                    "A step to the valley floor",
                    "A jump far out of the picture",
                ],
                answer: 3,
            },
        },
        Part {
            title: "Which one to use",
            text: "Rosenbrock's valley from (−1.2, 1): steep walls and a curved, nearly flat floor that leads to the minimum at (1, 1). Gradient descent (lr 0.001), the same with momentum 0.9, and Adam (lr 0.2) each take 500 steps.",
            reveal: "Gradient descent drops into the valley in two steps, then crawls along the flat floor: after 500 steps it is at x = −0.51, not half way to (1, 1), while momentum and Adam both end within 0.1 of it. No optimizer wins everywhere: Adam, scaling each coordinate's step, is a sound first choice (it escaped the saddle and followed this valley); SGD with momentum also gets there once its learning rate is tuned, and a decaying schedule rescues a rate set past the edge; and whatever the optimizer, clip the gradient where it can spike, as on the valley's wall.",
            json: scenarios::VALLEY,
            quiz: Quiz::Choose {
                question: "After 500 steps, which has not reached the minimum?",
                choices: &[
                    "Gradient descent",
                    "Momentum",
                    "Adam",
                    "None: all three get there",
                ],
                answer: 1,
            },
        },
    ],
}];

/// A lesson by its key.
pub fn lookup(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use optiviz_engine::runs::Runs;
    use optiviz_engine::trajectory::Status;
    use optiviz_engine::trajectory::Trajectory;
    use optiviz_objectives::objective::Objective;
    use optiviz_objectives::objective::View;

    const LESSON: &str = "how-optimizers-move";

    /// Part `n` (from 1) of the lesson.
    fn part(n: usize) -> &'static Part {
        &lookup(LESSON).unwrap().parts[n - 1]
    }

    fn view(p: &Part) -> View {
        let e = p.experiment();
        e.view.unwrap_or_else(|| e.surface().view())
    }

    fn diverged(t: &Trajectory) -> bool {
        matches!(t.status, Status::Diverged { .. })
    }

    fn end(t: &Trajectory) -> [f64; 2] {
        *t.points.last().unwrap()
    }

    fn dist(p: [f64; 2], q: [f64; 2]) -> f64 {
        (p[0] - q[0]).hypot(p[1] - q[1])
    }

    /// The first point outside the plot's window.
    fn first_out(v: &View, t: &Trajectory) -> Option<usize> {
        t.points.iter().position(|p| !v.contains(*p))
    }

    /// The length of the path from point `from` on.
    fn length(t: &Trajectory, from: usize) -> f64 {
        t.points[from..].windows(2).map(|w| dist(w[0], w[1])).sum()
    }

    /// How often the path crosses y = 0.
    fn crossings(t: &Trajectory) -> usize {
        t.points
            .windows(2)
            .filter(|w| w[0][1] * w[1][1] < 0.0)
            .count()
    }

    /// `truths[i]`: whether choice i + 1 is true on the runs. Exactly the
    /// answer must be.
    fn check_choices(p: &Part, truths: &[bool]) {
        let Quiz::Choose {
            choices, answer, ..
        } = &p.quiz
        else {
            panic!("{}: not a choice", p.title)
        };
        assert_eq!(truths.len(), choices.len(), "{}", p.title);
        for (i, &t) in truths.iter().enumerate() {
            assert_eq!(t, i + 1 == *answer, "{}: choice {:?}", p.title, choices[i]);
        }
    }

    /// The predicted optimizer's end point, checked to be finite and inside
    /// the window, where a click can be compared with it.
    fn predicted_end(p: &Part, runs: &[Trajectory]) -> [f64; 2] {
        let Quiz::Predict(n) = p.quiz else {
            panic!("{}: not a prediction", p.title)
        };
        let t = &runs[n - 1];
        let q = end(t);
        assert_eq!(t.points.len(), p.experiment().steps as usize + 1);
        assert!(q.iter().all(|v| v.is_finite()) && !diverged(t), "{q:?}");
        assert!(view(p).contains(q), "{}: {q:?} outside the window", p.title);
        q
    }

    #[test]
    fn every_part_is_valid() {
        let mut ids = std::collections::HashSet::new();
        assert!(!LESSONS.is_empty());
        for l in LESSONS {
            assert!(ids.insert(l.id), "{} twice", l.id);
            assert!(
                !l.id.is_empty()
                    && !l.id.starts_with('-')
                    && !l.id.ends_with('-')
                    && l.id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                l.id
            );
            assert!(!l.title.trim().is_empty());
            assert!(l.parts.len() >= 8, "{}", l.id);
            assert!(std::ptr::eq(lookup(l.id).unwrap(), l));
            let mut quizzes = 0;
            for p in l.parts {
                let e = Experiment::from_json(p.json)
                    .unwrap_or_else(|err| panic!("{}: {err}", p.title));
                let n = e.optimizers.len();
                assert!((1..=4).contains(&n), "{}: {n} optimizers", p.title);
                for s in [p.title, p.text, p.reveal] {
                    assert!(!s.trim().is_empty(), "{}", p.title);
                }
                // The page links each part.
                optiviz_experiment::link::encode(&e.computed()).expect("fits in a link");
                match &p.quiz {
                    Quiz::None => {}
                    Quiz::Predict(k) => {
                        quizzes += 1;
                        assert!((1..=n).contains(k), "{}", p.title);
                        predicted_end(p, &e.run());
                    }
                    Quiz::Choose {
                        question,
                        choices,
                        answer,
                    } => {
                        quizzes += 1;
                        assert!(!question.trim().is_empty(), "{}", p.title);
                        assert!((2..=4).contains(&choices.len()), "{}", p.title);
                        assert!(choices.iter().all(|c| !c.trim().is_empty()));
                        assert!((1..=choices.len()).contains(answer), "{}", p.title);
                    }
                }
            }
            assert!(quizzes >= 5, "{}: {quizzes} quizzes", l.id);
        }
        assert!(lookup("no-such-lesson").is_none());
    }

    #[test]
    fn one_gradient_step() {
        let p = part(1);
        let r = p.experiment().run();
        let q = predicted_end(p, &r);
        // ∇f(3, 2) = (3, 8); the step 0.1·(3, 8) lands at (2.7, 1.2).
        assert!(dist(q, [2.7, 1.2]) < 1e-12, "{q:?}");
        assert!((r[0].grad_norms[0] - 73f64.sqrt()).abs() < 1e-12);
        // Not towards the minimum: that line passes x = 2.7 at y = 1.8.
        assert!((q[1] - 1.8).abs() > 0.5);
        assert!(r[0].losses[1] < r[0].losses[0]);
    }

    #[test]
    fn the_learning_rate_and_its_edge() {
        let p = part(2);
        let (v, r) = (view(p), p.experiment().run());
        let settled =
            |t: &Trajectory| !diverged(t) && first_out(&v, t).is_none() && t.losses[60] < 1e-3;
        check_choices(p, &[!settled(&r[0]), !settled(&r[1]), !settled(&r[2])]);
        // y is multiplied by 1 − 10·lr each step: 0, −0.9, −1.1.
        for (t, f) in r.iter().zip([0.0, -0.9, -1.1]) {
            assert!((t.points[1][1] - 2.0 * f).abs() < 1e-9, "{:?}", t.points[1]);
        }
        for k in 1..30 {
            let ratio = r[1].points[k + 1][1] / r[1].points[k][1];
            assert!((ratio + 0.9).abs() < 1e-6, "{ratio}");
        }
        assert!(r[0].points[1..].iter().all(|q| q[1].abs() < 1e-12));
        assert_eq!(crossings(&r[0]), 0);
        assert_eq!(crossings(&r[1]), 60);
        assert_eq!(first_out(&v, &r[2]), Some(5));
        assert!(diverged(&r[2]));
    }

    #[test]
    fn momentum() {
        let p = part(3);
        let (v, r) = (view(p), p.experiment().run());
        let d: Vec<f64> = r.iter().map(|t| dist(end(t), [0.0, 0.0])).collect();
        let furthest = |i: usize| (0..3).all(|j| j == i || d[i] > d[j]);
        check_choices(p, &[furthest(0), furthest(1), furthest(2)]);
        assert!(d[0] > 10.0 * d[1].max(d[2]), "{d:?}");
        // GD crosses at every step and creeps along x by a factor 0.925.
        assert_eq!(crossings(&r[0]), 40);
        let x = end(&r[0])[0];
        assert!((-0.16..-0.145).contains(&x), "{x}");
        assert!((x - -3.5 * 0.925f64.powi(40)).abs() < 0.01);
        assert!(d[1] < 0.01 && d[2] < 0.01, "{d:?}");
        // Momentum swings across far less; Nesterov stops after one swing.
        let swing = |t: &Trajectory| -> f64 {
            t.points.windows(2).map(|w| (w[1][1] - w[0][1]).abs()).sum()
        };
        assert!(swing(&r[0]) > 2.0 * swing(&r[1]));
        assert!(r[2].points[1][1] < -1.0);
        assert!(r[2].points[2..].iter().all(|q| q[1].abs() < 0.01));
        assert!(r.iter().all(|t| first_out(&v, t).is_none()));
    }

    #[test]
    fn adaptive_steps() {
        let p = part(4);
        let (v, r) = (view(p), p.experiment().run());
        let q = predicted_end(p, &r);
        assert!(q[0].abs() < 0.01 && (0.25..0.35).contains(&q[1]), "{q:?}");
        assert_eq!(first_out(&v, &r[0]), None);
        // y grows by 1.1 a step: still beside the saddle point at step 40.
        assert!(r[0].points[40][1].abs() < 0.05);
        assert_eq!(first_out(&v, &r[2]), Some(17));
        assert_eq!(first_out(&v, &r[1]), Some(36));
        // Downhill along y at once: a step of about lr sideways.
        assert!(r[1].points[1][1] > 0.04 && r[2].points[1][1] > 0.15);
    }

    #[test]
    fn schedules() {
        let p = part(5);
        let (v, r) = (view(p), p.experiment().run());
        let settles = |t: &Trajectory| {
            !diverged(t) && first_out(&v, t).is_none() && *t.losses.last().unwrap() < 1e-3
        };
        let s: Vec<bool> = r.iter().map(settles).collect();
        check_choices(
            p,
            &[
                s.iter().all(|&b| !b),
                !s[0] && s[1] && s[2],
                s.iter().all(|&b| b),
            ],
        );
        for k in 1..4 {
            let ratio = r[0].points[k + 1][1] / r[0].points[k][1];
            assert!((ratio + 1.3).abs() < 1e-6, "{ratio}");
        }
        assert_eq!(first_out(&v, &r[0]), Some(5));
        // Under the edge of 0.2 from the 4th and the 5th step.
        assert!(r[1].lrs[2] > 0.2 && r[1].lrs[3] < 0.2);
        assert!((r[1].lrs[3] - 0.197).abs() < 5e-4);
        assert!(r[2].lrs[3] > 0.2 && (r[2].lrs[4] - 0.184).abs() < 1e-9);
        for t in &r[1..] {
            assert!(crossings(t) >= 3);
            let x = end(t)[0];
            assert!((0.015..0.025).contains(&x), "{x}");
            assert!(*t.lrs.last().unwrap() < 0.002);
        }
    }

    #[test]
    fn noise_and_mini_batches() {
        let p = part(6);
        let e = p.experiment();
        let fit = e.surface().minima()[0].point;
        let r = e.run();
        let settled = |t: &Trajectory| {
            matches!(t.status, Status::Converged { .. })
                && dist(end(t), fit) < 1e-3
                && length(t, 100) < 1e-3
        };
        let s: Vec<bool> = r.iter().map(settled).collect();
        check_choices(p, &[s[0], s[1], s[2], s.iter().all(|&b| b)]);
        assert!(matches!(r[0].status, Status::Converged { step: 72, .. }));
        // The noisy ones are still moving over the last 50 steps.
        assert!(length(&r[1], 100) > 0.1 && length(&r[2], 100) > 0.1);
        assert!(length(&r[2], 0) > 6.0 * length(&r[0], 0));
        let d = dist(end(&r[2]), fit);
        assert!((0.25..0.35).contains(&d), "{d}");
        assert!(r.iter().all(|t| first_out(&view(p), t).is_none()));
    }

    #[test]
    fn clipping() {
        let p = part(7);
        let (v, r) = (view(p), p.experiment().run());
        let (a, b) = (r[0].points[0], r[0].points[1]);
        check_choices(
            p,
            &[
                dist(a, b) < 0.1,
                v.contains(b) && (b[1] - b[0] * b[0]).abs() < 0.5,
                !v.contains(b) && dist(a, b) > 5.0,
            ],
        );
        let g = r[0].grad_norms[0];
        assert!((3400.0..3550.0).contains(&g), "{g}");
        assert!((13.5..14.5).contains(&dist(a, b)));
        assert!(dist(b, [11.5, 2.7]) < 0.05, "{b:?}");
        assert!(r[0].grad_norms[1] > g && diverged(&r[0]));
        // Clipped: a first step of 0.04, or 0.008 in each coordinate.
        assert!((dist(r[1].points[0], r[1].points[1]) - 0.04).abs() < 1e-9);
        let s = r[2].points[1];
        assert!((s[0] - a[0] - 0.008).abs() < 1e-9 && (s[1] - a[1] - 0.008).abs() < 1e-9);
        for (t, x) in r[1..].iter().zip([0.73, 0.55]) {
            assert!(!diverged(t) && first_out(&v, t).is_none());
            assert!((end(t)[0] - x).abs() < 0.005, "{:?}", end(t));
            // On the valley floor, below (1, 1).
            assert!((end(t)[1] - x * x).abs() < 0.05);
        }
    }

    #[test]
    fn which_one_to_use() {
        let p = part(8);
        let (v, r) = (view(p), p.experiment().run());
        let short = |t: &Trajectory| dist(end(t), [1.0, 1.0]) > 0.1;
        let s: Vec<bool> = r.iter().map(short).collect();
        check_choices(p, &[s[0], s[1], s[2], s.iter().all(|&b| !b)]);
        // GD drops into the valley in two steps, then is not half way along.
        assert!(r[0].losses[..3].windows(2).all(|w| w[1] < w[0]));
        assert!(r[0].losses[0] > 20.0 && r[0].losses[2] < 5.0);
        let x = end(&r[0])[0];
        assert!((-0.52..-0.50).contains(&x) && x < (-1.2 + 1.0) / 2.0);
        assert!(r.iter().all(|t| first_out(&v, t).is_none()));
    }
}
