//! Lessons: ordered experiments with their text, walked through one part at a
//! time (`lesson=NAME&part=3` in a link). A part may ask the reader first:
//! to predict where an optimizer ends, or to pick an answer; or it may ask
//! them to write a rule, checked by running it beside the part's goal.

use crate::quiz::{compare, Quiz, Verdict};
use crate::scenarios;
use optiviz_base::number::significant;
use optiviz_engine::runs::Runs;
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
pub static LESSONS: &[Lesson] = &[
    Lesson {
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
}, Lesson {
    id: "build-adam",
    title: "Build Adam yourself",
    parts: &[
        Part {
            title: "Gradient descent, typed",
            text: "Your rule, the first path, is gradient descent typed out in its card (Your rule, under the settings): theta = theta - lr*g, run over every coordinate at every step. The valley f = ½(0.1x² + 10y²) is 100 times as steep across as along, and lr = 0.18 is near its edge of 2/10 = 0.2. The goal, the second path, is torch's SGD at the same rate. Press Check my rule: both are run and their paths compared point by point. Then change your rule (lr*g to 0.9*lr*g, say) and check again.",
            reveal: "Typed gradient descent takes torch's SGD steps exactly: θ ← θ − γg is all SGD does without momentum. Across the valley each step multiplies y by 1 − 0.18·10 = −0.8, the zigzag; along it each step takes only 1.8% off x, so after 100 steps x is still −0.65. The next parts build Adam from here, a piece at a time.",
            json: r#"{"function": {"name": "quadratic", "params": {"a": 0.1, "b": 10}}, "start": [-4, 2], "steps": 100,
                "view": {"x": [-4.5, 3], "y": [-2.5, 2.5]}, "optimizers": [
                {"name": "rule", "label": "your rule", "lr": 0.18, "update": "theta = theta - lr*g"},
                {"name": "sgd", "lr": 0.18}]}"#,
            quiz: Quiz::Build { yours: 1, goal: 2 },
        },
        Part {
            title: "Momentum: the average m",
            text: "Adam's first piece is m, a running average of the gradients: m = beta1*m + (1 - beta1)*g, with beta1 = 0.9, stepped along in place of g. Your card already declares the state m (from 0) and the number beta1. Write a line that updates m before theta's, make theta step along m, and Check my rule against the goal, the rule with m.",
            reveal: "Averaging cancels the zigzag: across the valley the gradients alternate in sign and their average is small, while along it they all point the same way, so the path swings slowly instead of at every step. But m is an average, not a sum: along the valley it is no larger than g, and x still ends near −0.55.",
            json: r#"{"function": {"name": "quadratic", "params": {"a": 0.1, "b": 10}}, "start": [-4, 2], "steps": 100,
                "view": {"x": [-4.5, 3], "y": [-2.5, 2.5]}, "optimizers": [
                {"name": "rule", "label": "your rule", "lr": 0.18, "hyper": {"beta1": 0.9}, "state": {"m": 0},
                 "update": "theta = theta - lr*g"},
                {"name": "rule", "label": "goal: with m", "lr": 0.18, "hyper": {"beta1": 0.9}, "state": {"m": 0},
                 "update": "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m"}]}"#,
            quiz: Quiz::Build { yours: 1, goal: 2 },
        },
        Part {
            title: "Scaling: the squared average v",
            text: "The second piece is v, a running average of the squared gradients: v = beta2*v + (1 - beta2)*g^2, with beta2 = 0.999. Dividing the step by sqrt(v), plus a tiny eps = 1e-8 against dividing by 0, gives every coordinate a step of about lr, however steep or flat it is there. Your card declares v, beta2 and eps. Keep v, step by lr*m/(sqrt(v) + eps), and Check my rule.",
            reveal: "Along the flat x the gradient is 100 times smaller than across, but m/√v does not care: the path heads for the minimum at once and is there after 100 steps, where m alone had x = −0.55. It swings out in wide loops first, though: v starts at 0, and after one step it is 0.001g², so √v is far too small and the first steps several times too long.",
            json: r#"{"function": {"name": "quadratic", "params": {"a": 0.1, "b": 10}}, "start": [-4, 2], "steps": 100,
                "view": {"x": [-4.5, 3], "y": [-2.5, 2.5]}, "optimizers": [
                {"name": "rule", "label": "your rule", "lr": 0.18, "hyper": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
                 "state": {"m": 0, "v": 0}, "update": "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m"},
                {"name": "rule", "label": "goal: with m and v", "lr": 0.18, "hyper": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
                 "state": {"m": 0, "v": 0},
                 "update": "m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g^2\ntheta = theta - lr*m/(sqrt(v) + eps)"}]}"#,
            quiz: Quiz::Build { yours: 1, goal: 2 },
        },
        Part {
            title: "The bias corrections: Adam",
            text: "m and v start at 0, so after t steps they fall short of a true average by the factors 1 - beta1^t and 1 - beta2^t (t is the step number, from 1). Adam divides them out, mhat = m/(1 - beta1^t) and vhat = v/(1 - beta2^t), and steps by lr*mhat/(sqrt(vhat) + eps). The goal is torch's Adam at the same rate. Add the corrections (declare mhat and vhat as state if you want them as names), and Check my rule.",
            reveal: "Your rule is Adam: its path lies on torch.optim.Adam's, step for step. The corrections make the first steps about lr long, so the path goes almost straight for the minimum, without the last part's loops. It runs on any surface: pick another function and both paths move together, or write a variation of your own (Write your own, in the optimizer menu, has templates to start from).",
            json: r#"{"function": {"name": "quadratic", "params": {"a": 0.1, "b": 10}}, "start": [-4, 2], "steps": 100,
                "view": {"x": [-4.5, 3], "y": [-2.5, 2.5]}, "optimizers": [
                {"name": "rule", "label": "your rule", "lr": 0.18, "hyper": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
                 "state": {"m": 0, "v": 0},
                 "update": "m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g^2\ntheta = theta - lr*m/(sqrt(v) + eps)"},
                {"name": "adam", "lr": 0.18}]}"#,
            quiz: Quiz::Build { yours: 1, goal: 2 },
        },
    ],
}];

/// A lesson by its key.
pub fn lookup(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Whether `exp` still computes `part`. In a part where the reader writes
/// a rule, their rule is theirs to change: only the rest counts.
pub fn shows(part: &Part, exp: &Experiment) -> bool {
    let mut want = part.experiment();
    if let Quiz::Build { yours, .. } = part.quiz {
        if let (Some(w), Some(o)) = (
            want.optimizers.get_mut(yours - 1),
            exp.optimizers.get(yours - 1),
        ) {
            *w = o.clone();
        }
    }
    want.computed().to_json() == exp.computed().to_json()
}

/// What "Check my rule" found: whether the reader's rule follows the goal,
/// what the page says, and the step where the paths part.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The verdict of the two runs compared.
    pub verdict: Verdict,
    /// The verdict as the page says it, with a hint where one helps.
    pub message: String,
}

/// Checks the reader's rule in `exp` (the part as the reader has it)
/// against the part's goal by running both on the experiment as it is and
/// comparing their paths point by point, never the rules' text. The goal
/// is the part's own, whatever was done to its copy on the page.
pub fn check(part: &Part, exp: &Experiment) -> Result<Checked, String> {
    let Quiz::Build { yours, goal } = part.quiz else {
        return Err(format!("\"{}\" asks for no rule to check", part.title));
    };
    // With an optimizer removed, another would stand in the reader's place.
    let had = part.experiment().optimizers.len();
    if exp.optimizers.len() < had {
        return Err(format!(
            "the part had {had} optimizers and now has {}; go back to the part to start again",
            exp.optimizers.len()
        ));
    }
    let mine = exp
        .optimizers
        .get(yours - 1)
        .filter(|o| o.hyper.rule.is_some())
        .ok_or_else(|| {
            format!("optimizer {yours} is no longer your typed rule; go back to the part to start again")
        })?;
    let target = part.experiment().optimizers.swap_remove(goal - 1);
    let mut pair = exp.clone();
    pair.optimizers = vec![mine.clone(), target];
    let runs = pair.run();
    let verdict = compare(&runs[0], &runs[1]);
    let mut message = verdict.message();
    let (a, b) = (&pair.optimizers[0], &pair.optimizers[1]);
    if !verdict.passed() && a.lr != b.lr {
        message += &format!(
            " Your rule runs at lr {}, the goal at {}.",
            significant(a.lr),
            significant(b.lr)
        );
    }
    Ok(Checked { verdict, message })
}

#[cfg(test)]
mod tests {
    use super::*;
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
            assert!(std::ptr::eq(lookup(l.id).unwrap(), l));
            // A lesson asks questions, or has the reader write rules
            // throughout.
            let builds = l
                .parts
                .iter()
                .filter(|p| matches!(p.quiz, Quiz::Build { .. }))
                .count();
            assert!(builds == 0 || builds == l.parts.len(), "{}", l.id);
            assert!(l.parts.len() >= if builds > 0 { 3 } else { 8 }, "{}", l.id);
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
                    Quiz::Build { yours, goal } => {
                        assert!(yours != goal && (1..=n).contains(yours) && (1..=n).contains(goal));
                        assert!(e.optimizers[yours - 1].hyper.rule.is_some(), "{}", p.title);
                        // As the part opens, the page shows it.
                        assert!(shows(p, &e), "{}", p.title);
                    }
                }
            }
            assert!(builds > 0 || quizzes >= 5, "{}: {quizzes} quizzes", l.id);
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

    // ------------------------------------------------- Build Adam yourself

    /// Part `n` (from 1) of "Build Adam yourself".
    fn build_part(n: usize) -> &'static Part {
        &lookup("build-adam").unwrap().parts[n - 1]
    }

    /// The part with the reader's rule replaced by `update` over these names.
    fn written(p: &Part, update: &str, hyper: &[(&str, f64)], state: &[&str]) -> Experiment {
        let mut doc = p.experiment().to_value();
        let o = &mut doc["optimizers"][0];
        o["update"] = update.into();
        o["hyper"] = hyper
            .iter()
            .map(|(n, v)| (n.to_string(), serde_json::json!(v)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        o["state"] = state
            .iter()
            .map(|n| (n.to_string(), serde_json::json!(0)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        Experiment::from_value(&doc).unwrap()
    }

    const ADAM_NUMBERS: &[(&str, f64)] = &[("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)];
    const MOMENT: &str = "m = beta1*m + (1 - beta1)*g";
    const SQUARES: &str = "v = beta2*v + (1 - beta2)*g^2";

    /// The step where the reader's rule leaves the goal, or None when it follows it.
    fn parts_at(p: &Part, e: &Experiment) -> Option<usize> {
        let c = check(p, e).unwrap();
        assert_eq!(
            c.verdict.passed(),
            c.message.starts_with("Your rule follows"),
            "{}",
            c.message
        );
        match c.verdict {
            Verdict::Same(steps) => {
                assert_eq!(steps, 100);
                None
            }
            Verdict::Parts { step, .. } => Some(step),
        }
    }

    #[test]
    fn gradient_descent_typed_is_sgd() {
        let p = build_part(1);
        let e = p.experiment();
        assert_eq!(parts_at(p, &e), None, "the part opens passing");
        for missing in [
            "theta = theta - g",
            "theta = theta - 0.9*lr*g",
            "theta = theta + lr*g",
        ] {
            assert_eq!(
                parts_at(p, &written(p, missing, &[], &[])),
                Some(1),
                "{missing}"
            );
        }
        // A rate of its own is named in the verdict.
        let mut slow = e.clone();
        slow.optimizers[0].lr = 0.1;
        let c = check(p, &slow).unwrap();
        assert!(
            c.message
                .ends_with("Your rule runs at lr 0.1, the goal at 0.18."),
            "{}",
            c.message
        );
        // The reveal: y × −0.8 a step, x × 0.982, −0.65 at the end.
        let r = e.run();
        for k in 1..20 {
            let ratio = r[0].points[k + 1][1] / r[0].points[k][1];
            assert!((ratio + 0.8).abs() < 1e-9, "{ratio}");
        }
        let x = end(&r[0])[0];
        assert!(
            (x + 0.65).abs() < 0.005 && (x + 4.0 * 0.982f64.powi(100)).abs() < 1e-9,
            "{x}"
        );
    }

    #[test]
    fn momentum_the_average_m() {
        let p = build_part(2);
        let e = p.experiment();
        assert_eq!(parts_at(p, &e), Some(1), "the part opens without m");
        let goal = format!("{MOMENT}\ntheta = theta - lr*m");
        assert_eq!(
            parts_at(p, &written(p, &goal, &[("beta1", 0.9)], &["m"])),
            None
        );
        // The same rule written otherwise: the paths, not the text, are compared.
        let other = "m = g + beta1*(m - g); theta = theta - m*lr";
        assert_eq!(
            parts_at(p, &written(p, other, &[("beta1", 0.9)], &["m"])),
            None
        );
        // A sum, not an average: torch's momentum buffer.
        let sum = "m = beta1*m + g\ntheta = theta - lr*m";
        assert_eq!(
            parts_at(p, &written(p, sum, &[("beta1", 0.9)], &["m"])),
            Some(1)
        );
        // Stepping along the old m: it parts at once.
        let late = format!("theta = theta - lr*m\n{MOMENT}");
        assert_eq!(
            parts_at(p, &written(p, &late, &[("beta1", 0.9)], &["m"])),
            Some(1)
        );
        // The reveal: the swing is slower than gradient descent's zigzag, x ends near −0.55.
        let r = e.run();
        let x = end(&r[1])[0];
        assert!((x + 0.55).abs() < 0.01, "{x}");
        assert!(
            crossings(&r[1]) * 3 < crossings(&r[0]),
            "{} {}",
            crossings(&r[1]),
            crossings(&r[0])
        );
    }

    #[test]
    fn scaling_the_squared_average_v() {
        let p = build_part(3);
        let e = p.experiment();
        assert_eq!(parts_at(p, &e), Some(1), "the part opens without v");
        let goal = format!("{MOMENT}\n{SQUARES}\ntheta = theta - lr*m/(sqrt(v) + eps)");
        assert_eq!(
            parts_at(p, &written(p, &goal, ADAM_NUMBERS, &["m", "v"])),
            None
        );
        let unscaled = format!("{MOMENT}\nv = beta2*v + g^2\ntheta = theta - lr*m/(sqrt(v) + eps)");
        assert_eq!(
            parts_at(p, &written(p, &unscaled, ADAM_NUMBERS, &["m", "v"])),
            Some(1)
        );
        let plain_g = format!("{MOMENT}\n{SQUARES}\ntheta = theta - lr*g/(sqrt(v) + eps)");
        assert_eq!(
            parts_at(p, &written(p, &plain_g, ADAM_NUMBERS, &["m", "v"])),
            Some(1)
        );
        // The reveal: near the minimum after 100 steps, far past it first,
        // with a first step of about 3.16 lr in each coordinate.
        let r = e.run();
        assert!(dist(end(&r[1]), [0.0, 0.0]) < 0.01, "{:?}", end(&r[1]));
        assert!(r[1].points.iter().any(|q| q[0] > 1.5));
        let first = [0, 1].map(|i| (r[1].points[1][i] - r[1].points[0][i]).abs() / 0.18);
        assert!(
            first
                .iter()
                .all(|f| (f - 0.1 / 0.001f64.sqrt()).abs() < 1e-3),
            "{first:?}"
        );
    }

    #[test]
    fn the_bias_corrections_make_adam() {
        let p = build_part(4);
        let e = p.experiment();
        assert_eq!(
            parts_at(p, &e),
            Some(1),
            "the part opens without the corrections"
        );
        let written_out = format!(
            "{MOMENT}\n{SQUARES}\ntheta = theta - lr*(m/(1 - beta1^t))/(sqrt(v/(1 - beta2^t)) + eps)"
        );
        assert_eq!(
            parts_at(p, &written(p, &written_out, ADAM_NUMBERS, &["m", "v"])),
            None
        );
        // The Adam template, with s and d as state.
        let adam = optiviz_optim::typed::TEMPLATES
            .iter()
            .find(|t| t.id == "adam")
            .unwrap();
        assert_eq!(
            parts_at(p, &written(p, adam.update, adam.hyper, adam.state)),
            None
        );
        // One correction missing, or t counted from 0: parted at once.
        for missing in [
            "theta = theta - lr*(m/(1 - beta1^t))/(sqrt(v) + eps)",
            "theta = theta - lr*m/(sqrt(v/(1 - beta2^t)) + eps)",
            "theta = theta - lr*(m/(1 - beta1^(t+1)))/(sqrt(v/(1 - beta2^(t+1))) + eps)",
        ] {
            let rule = format!("{MOMENT}\n{SQUARES}\n{missing}");
            assert_eq!(
                parts_at(p, &written(p, &rule, ADAM_NUMBERS, &["m", "v"])),
                Some(1),
                "{missing}"
            );
        }
        // The reveal: Adam's first step is lr in each coordinate, and it
        // keeps well short of the last part's loops.
        let r = e.run();
        let first = [0, 1].map(|i| (r[1].points[1][i] - r[1].points[0][i]).abs());
        assert!(first.iter().all(|f| (f - 0.18).abs() < 1e-6), "{first:?}");
        assert!(
            r[1].points.iter().all(|q| q[0] < 0.6),
            "no loop past the minimum"
        );
        assert!(dist(end(&r[1]), [0.0, 0.0]) < 0.05);
    }

    #[test]
    fn the_goal_is_the_parts_own_and_only_a_rule_is_checked() {
        let p = build_part(2);
        let mut e = p.experiment();
        // The goal's copy on the page changed: the check keeps the part's.
        let goal = format!("{MOMENT}\ntheta = theta - lr*m");
        let mut mine = written(p, &goal, &[("beta1", 0.9)], &["m"]);
        mine.optimizers[1].lr = 0.05;
        assert_eq!(parts_at(p, &mine), None);
        assert!(!shows(p, &mine), "a changed goal is a changed part");
        // The reader's rule is theirs: the part is still shown.
        assert!(shows(p, &written(p, &goal, &[("beta1", 0.5)], &["m"])));
        e.optimizers.swap(0, 1);
        e.optimizers[0] = build_part(1).experiment().optimizers.remove(1);
        assert!(check(p, &e)
            .unwrap_err()
            .contains("no longer your typed rule"));
        assert!(check(part(1), &p.experiment())
            .unwrap_err()
            .contains("asks for no rule"));
    }
}
