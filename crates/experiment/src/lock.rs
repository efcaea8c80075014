//! What a teacher's link locks: `lock=function,start,o1.lr` fixes those parts
//! of the experiment, so a reader can play the animation and look around but
//! not change them.
//!
//! | part | what it fixes |
//! | --- | --- |
//! | `function` | the function or model, its parameters, formula and rows |
//! | `start`, `steps` | the start point, the number of steps |
//! | `view` | the window the plot shows (zoom and pan) |
//! | `sampling` | the gradients card: batch size or noise, accumulation, seed, L2, the stopping rules |
//! | `optimizers` | which optimizers there are, in what order (adding, removing) |
//! | `oN` | every setting of optimizer N (from 1), its colour and whether it shows |
//! | `oN.K` | one of them, under its experiment key (`lr`, `momentum`, `betas`, `clip`, `schedule`, …; a typed rule's `update`, `label`, `hyper`, `state`, or one of its numbers, `hyper.mu`) |
//! | `all` | everything but the view |
//!
//! The lock compares an experiment before and after an edit
//! ([`Lock::check`]), so every way of editing (a control, a drag on the
//! plot, a key, `setExperiment`) is held to it by one rule.

use crate::experiment::{Experiment, OPTIMIZER_KEYS};
use crate::parse::RULE_KEYS;
use optiviz_base::error::{ConfigError, ConfigErrors, Problems};
use optiviz_optim::REGISTRY;
use serde_json::Value;
use std::collections::BTreeSet;

/// The parts of an experiment a link can lock, besides `oN` and `oN.K`.
pub const PARTS: &[&str] = &[
    "function",
    "start",
    "steps",
    "view",
    "sampling",
    "optimizers",
    "all",
];

/// The top-level experiment keys that are not the sampling card's.
const NOT_SAMPLING: &[&str] = &["function", "start", "steps", "optimizers", "view"];

/// One locked thing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// `function`, `start`, … (one of [`PARTS`] but `all`).
    Named(&'static str),
    /// `oN`: optimizer N's every setting (N from 1).
    Optimizer(usize),
    /// `oN.K`: one key of optimizer N.
    Setting(usize, String),
}

impl Part {
    /// Where the part is in the experiment's JSON: `start`,
    /// `optimizers[0]`, `optimizers[1].lr` (`sampling` for the sampling card).
    fn path(&self) -> String {
        match self {
            Part::Named(n) => n.to_string(),
            Part::Optimizer(n) => format!("optimizers[{}]", n - 1),
            Part::Setting(n, k) => format!("optimizers[{}].{k}", n - 1),
        }
    }

    fn name(&self) -> String {
        match self {
            Part::Named(n) => n.to_string(),
            Part::Optimizer(n) => format!("o{n}"),
            Part::Setting(n, k) => format!("o{n}.{k}"),
        }
    }
}

/// The parts a link locks; empty locks nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    parts: BTreeSet<Part>,
    /// `all` was given (kept for the link, which says `all` again).
    all: bool,
}

fn is_setting(key: &str) -> bool {
    // A typed rule's named number or state variable, one at a time.
    let one_name = key
        .split_once('.')
        .is_some_and(|(at, name)| matches!(at, "hyper" | "state") && !name.is_empty());
    one_name
        || OPTIMIZER_KEYS.contains(&key)
        || RULE_KEYS.contains(&key)
        || REGISTRY
            .iter()
            .any(|d| d.hyper.iter().any(|h| h.name == key) || d.wraps.is_some_and(|w| w.key == key))
}

/// `oN` or `oN.K`: N from 1.
fn optimizer_part(text: &str) -> Option<Result<Part, String>> {
    let rest = text.strip_prefix('o')?;
    let (n, key) = match rest.split_once('.') {
        Some((n, k)) => (n, Some(k)),
        None => (rest, None),
    };
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = match n.parse::<usize>() {
        Ok(n) if n >= 1 => n,
        _ => return Some(Err(format!("'{text}': optimizers are numbered from 1"))),
    };
    Some(match key {
        None => Ok(Part::Optimizer(n)),
        Some(k) if is_setting(k) => Ok(Part::Setting(n, k.to_string())),
        Some("sched") => Ok(Part::Setting(n, "schedule".into())),
        Some(k) => Err(format!(
            "'{text}': '{k}' is not an optimizer setting (lr, momentum, betas, clip, schedule, …)"
        )),
    })
}

impl Lock {
    /// Reads `lock=`'s value: the parts it names, and a message for each
    /// name that is not one (naming it and what is allowed). What is valid
    /// is kept.
    pub fn parse(text: &str) -> (Lock, Vec<ConfigError>) {
        let mut lock = Lock::default();
        let mut errors = Vec::new();
        for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if name == "all" {
                lock.all = true;
                for p in PARTS.iter().filter(|p| !matches!(**p, "all" | "view")) {
                    lock.parts.insert(Part::Named(p));
                }
            } else if let Some(p) = PARTS.iter().find(|p| **p == name) {
                lock.parts.insert(Part::Named(p));
            } else if let Some(part) = optimizer_part(name) {
                match part {
                    Ok(p) => {
                        lock.parts.insert(p);
                    }
                    Err(e) => errors.push(ConfigError::new("lock", e)),
                }
            } else {
                errors.push(ConfigError::new(
                    "lock",
                    format!(
                        "'{name}' is not a part that can be locked; allowed: {}, oN (optimizer N's settings) or oN.K (one of them, as o1.lr)",
                        PARTS.join(", ")
                    ),
                ));
            }
        }
        (lock, errors)
    }

    /// Drops `oN` and `oN.K` for an N past the experiment's `count`
    /// optimizers, with a message for each.
    pub fn keep_optimizers(&mut self, count: usize) -> Vec<ConfigError> {
        let past = |p: &Part| match p {
            Part::Optimizer(n) | Part::Setting(n, _) => *n > count,
            Part::Named(_) => false,
        };
        let errors = self
            .parts
            .iter()
            .filter(|p| past(p))
            .map(|p| {
                ConfigError::new(
                    "lock",
                    format!(
                        "'{}': there {} {count} optimizer{}",
                        p.name(),
                        if count == 1 { "is" } else { "are" },
                        if count == 1 { "" } else { "s" }
                    ),
                )
            })
            .collect();
        self.parts.retain(|p| !past(p));
        errors
    }

    /// Whether nothing is locked.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether `all` was given: every setting of the experiment is locked,
    /// only playback and the view are left.
    pub fn all(&self) -> bool {
        self.all
    }

    /// Whether a named part (`start`, `view`, …) is locked.
    pub fn has(&self, part: &str) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Named(n) if *n == part))
    }

    /// The value for a link: `all` (with `view` if locked too) or the parts
    /// one by one, as [`Lock::parse`] reads them.
    pub fn text(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        if self.all {
            names.push("all".into());
        }
        for p in &self.parts {
            let implied = self.all && matches!(p, Part::Named(n) if *n != "view");
            if !implied {
                names.push(p.name());
            }
        }
        names.join(",")
    }

    /// The parts locked, as names (`function`, `o1`, `o2.lr`), for the page
    /// to disable their controls.
    pub fn names(&self) -> Vec<String> {
        self.parts.iter().map(Part::name).collect()
    }

    /// Whether `after` keeps every locked part of `before`: else an error
    /// for each locked part that would have changed, at its path in the
    /// experiment (`start`, `optimizers[0].lr`).
    pub fn check(&self, before: &Experiment, after: &Experiment) -> Result<(), ConfigErrors> {
        if self.parts.is_empty() {
            return Ok(());
        }
        let (a, b) = (doc(before), doc(after));
        let mut changed: Vec<&Part> = self
            .parts
            .iter()
            .filter(|p| part_of(&a, p) != part_of(&b, p))
            .collect();
        let every: Vec<Part>;
        if self.all {
            // Every optimizer's every setting, named as oN.
            let count = |d: &Value| d["optimizers"].as_array().map_or(0, Vec::len);
            every = (1..=count(&a).max(count(&b)))
                .map(Part::Optimizer)
                .collect();
            for part in &every {
                if part_of(&a, part) != part_of(&b, part) && !changed.contains(&part) {
                    changed.push(part);
                }
            }
        }
        let mut p = Problems::default();
        for part in changed {
            p.push(ConfigError::new(part.path(), "is locked by this link"));
        }
        p.finish(())
    }
}

fn doc(exp: &Experiment) -> Value {
    exp.to_value()
}

/// What a part is in an experiment's JSON, to compare before and after.
fn part_of(doc: &Value, part: &Part) -> Value {
    let optimizer = |n: usize| doc["optimizers"].get(n - 1).cloned().unwrap_or(Value::Null);
    match part {
        Part::Named("function") => {
            // A typed function's window is the view's business.
            let mut f = doc["function"].clone();
            if let Some(o) = f.as_object_mut() {
                o.remove("view");
            }
            f
        }
        Part::Named("view") => {
            Value::Array(vec![doc["view"].clone(), doc["function"]["view"].clone()])
        }
        Part::Named("sampling") => match doc.as_object() {
            Some(o) => Value::Object(
                o.iter()
                    .filter(|(k, _)| !NOT_SAMPLING.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            None => Value::Null,
        },
        Part::Named("optimizers") => Value::Array(
            doc["optimizers"]
                .as_array()
                .map(|l| l.iter().map(|o| o["name"].clone()).collect())
                .unwrap_or_default(),
        ),
        Part::Named(key) => doc[*key].clone(),
        Part::Optimizer(n) => optimizer(*n),
        Part::Setting(n, key) => key.split('.').fold(optimizer(*n), |v, k| {
            v.get(k).cloned().unwrap_or(Value::Null)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(json: &str) -> Experiment {
        Experiment::from_json(json).unwrap()
    }

    const BASE: &str = r#"{"function": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 50,
        "optimizers": [{"name": "sgd", "lr": 0.001}, {"name": "adam", "lr": 0.1}]}"#;

    fn edited(f: impl FnOnce(&mut Value)) -> Experiment {
        let mut d = doc(&exp(BASE));
        f(&mut d);
        Experiment::from_value(&d).unwrap()
    }

    #[test]
    fn unknown_names_are_named_with_what_is_allowed_and_the_rest_kept() {
        let (lock, errors) = Lock::parse("start, toolbar,o2.lr,o1.speed,o0");
        assert_eq!(lock.names(), ["start", "o2.lr"]);
        assert_eq!(errors.len(), 3);
        let errors: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(errors.iter().all(|e| e.starts_with("lock: ")), "{errors:?}");
        assert!(
            errors[0].starts_with(
                "lock: 'toolbar' is not a part that can be locked; allowed: function, start"
            ),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].contains("'speed' is not an optimizer setting"),
            "{}",
            errors[1]
        );
        assert!(errors[2].contains("numbered from 1"), "{}", errors[2]);
        let (mut lock, _) = Lock::parse("o1,o3.lr,o2,steps");
        assert_eq!(
            lock.keep_optimizers(2),
            [ConfigError::new("lock", "'o3.lr': there are 2 optimizers")]
        );
        assert_eq!(lock.names(), ["steps", "o1", "o2"]);
    }

    #[test]
    fn all_locks_everything_but_the_view_and_reads_back_as_all() {
        let (lock, errors) = Lock::parse("all");
        assert!(errors.is_empty());
        assert!(lock.all() && lock.has("function") && lock.has("sampling") && !lock.has("view"));
        assert_eq!(lock.text(), "all");
        assert_eq!(Lock::parse("view,all").0.text(), "all,view");
        assert_eq!(Lock::parse("o1.sched,start").0.text(), "start,o1.schedule");
        let base = exp(BASE);
        assert!(lock
            .check(
                &base,
                &edited(|d| d["view"] = serde_json::json!({"x": [-1, 1], "y": [-1, 1]}))
            )
            .is_ok());
        let err = lock
            .check(&base, &edited(|d| d["steps"] = 10.into()))
            .unwrap_err();
        assert_eq!(err.to_string(), "steps: is locked by this link");
        let err = lock
            .check(&base, &edited(|d| d["optimizers"][1]["lr"] = 0.5.into()))
            .unwrap_err();
        assert_eq!(err.to_string(), "optimizers[1]: is locked by this link");
    }

    #[test]
    fn each_part_refuses_its_own_change_and_lets_others_through() {
        let base = exp(BASE);
        let cases: Vec<(&str, Experiment)> = vec![
            (
                "function",
                edited(|d| d["function"]["params"]["b"] = 50.into()),
            ),
            (
                "start",
                edited(|d| d["start"] = serde_json::json!([0.5, 0.5])),
            ),
            ("steps", edited(|d| d["steps"] = 80.into())),
            (
                "view",
                edited(|d| d["view"] = serde_json::json!({"x": [-1, 1], "y": [-1, 1]})),
            ),
            ("sampling", edited(|d| d["grad_noise"] = 0.5.into())),
            (
                "optimizers",
                edited(|d| {
                    d["optimizers"]
                        .as_array_mut()
                        .unwrap()
                        .pop()
                        .map(|_| ())
                        .unwrap()
                }),
            ),
            (
                "o2",
                edited(|d| d["optimizers"][1]["color"] = "#123456".into()),
            ),
            ("o1.lr", edited(|d| d["optimizers"][0]["lr"] = 0.002.into())),
            (
                "o1.momentum",
                edited(|d| d["optimizers"][0]["momentum"] = 0.9.into()),
            ),
        ];
        // Each lock refuses its own change and lets the others through;
        // removing the second optimizer changes o2 as well.
        for (part, _) in &cases {
            let lock = Lock::parse(part).0;
            let refused: Vec<&str> = cases
                .iter()
                .filter(|(_, changed)| lock.check(&base, changed).is_err())
                .map(|(name, _)| *name)
                .collect();
            let expected: &[&str] = match *part {
                "o2" => &["optimizers", "o2"],
                p => &[p][..],
            };
            assert_eq!(refused, expected, "lock={part}");
        }
        let err = Lock::parse("o1.lr")
            .0
            .check(&base, &cases[7].1)
            .unwrap_err();
        assert_eq!(err.to_string(), "optimizers[0].lr: is locked by this link");
    }

    #[test]
    fn a_typed_rule_locks_whole_or_one_number_at_a_time() {
        let rule = r#"{"function": {"name": "rosenbrock"}, "start": [-1, 1], "steps": 10,
            "optimizers": [{"name": "rule", "lr": 0.01, "hyper": {"mu": 0.9, "nu": 0.5},
              "state": {"v": 0}, "update": "v = mu*v + g\ntheta = theta - lr*v*nu"}]}"#;
        let base = exp(rule);
        let change = |f: &dyn Fn(&mut Value)| {
            let mut d = base.to_value();
            f(&mut d);
            Experiment::from_value(&d).unwrap()
        };
        let mu = change(&|d| d["optimizers"][0]["hyper"]["mu"] = 0.5.into());
        let nu = change(&|d| d["optimizers"][0]["hyper"]["nu"] = 0.25.into());
        let update = change(&|d| {
            d["optimizers"][0]["update"] = "v = mu*v + g; theta = theta - lr*nu*v".into()
        });
        for (lock, refused) in [
            ("o1.hyper.mu", [true, false, false]),
            ("o1.hyper", [true, true, false]),
            ("o1.update", [false, false, true]),
            ("o1", [true, true, true]),
        ] {
            let (lock, errors) = Lock::parse(lock);
            assert!(errors.is_empty());
            let got = [&mu, &nu, &update].map(|e| lock.check(&base, e).is_err());
            assert_eq!(got, refused, "{}", lock.text());
        }
    }

    #[test]
    fn a_typed_functions_window_is_the_view_not_the_function() {
        let typed = r#"{"function": {"name": "custom", "expr": "x^2 + y^2", "view": {"x": [-2, 2], "y": [-2, 2]}},
            "start": [1, 1], "steps": 5, "optimizers": [{"name": "sgd", "lr": 0.1}]}"#;
        let before = exp(typed);
        let mut d = doc(&before);
        d["function"]["view"] = serde_json::json!({"x": [-3, 3], "y": [-3, 3]});
        let after = Experiment::from_value(&d).unwrap();
        assert!(Lock::parse("function").0.check(&before, &after).is_ok());
        assert!(Lock::parse("view").0.check(&before, &after).is_err());
    }
}
