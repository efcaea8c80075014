//! Everything the page's controls are built from, as JSON: the functions,
//! optimizers and schedules with their keys, ranges and docs, the
//! scenarios and lessons, the formula language's limits, the typed rule's
//! templates and every link key. And a typed formula, or a typed rule,
//! read as the user types it.

use crate::lessons;
use crate::quiz::Quiz;
use crate::scenarios;
use optiviz_base::spec::Range;
use optiviz_experiment::link::{self, keys};
use optiviz_expr::rule::{self, Program};
use optiviz_objectives::data::ModelKind;
use optiviz_objectives::functions;
use optiviz_optim as optim;
use optiviz_optim::schedules::{self, KeyKind};
use optiviz_optim::typed::{Rule, TEMPLATES};
use optiviz_render::mathml::to_mathml;
use serde_json::{json, Value};

/// A question for the page: `{predict: N}` or `{question, choices,
/// answer}` (N and answer from 1), `{build: {yours, goal}}` (a rule to
/// write, each an optimizer from 1), or null.
fn quiz_json(quiz: &Quiz) -> Value {
    match quiz {
        Quiz::None => Value::Null,
        Quiz::Predict(n) => json!({"predict": n}),
        Quiz::Choose {
            question,
            choices,
            answer,
        } => json!({"question": question, "choices": choices, "answer": answer}),
        Quiz::Build { yours, goal } => json!({"build": {"yours": yours, "goal": goal}}),
    }
}

/// Everything the page's controls are built from: functions and their
/// parameters, optimizers with their hyperparameters and update rules (as
/// MathML), schedules and scenarios.
pub fn catalogue() -> Value {
    let range = |r: Range| json!({"lo": r.lo, "lo_inclusive": r.lo_inclusive, "hi": r.hi, "hi_inclusive": r.hi_inclusive, "text": r.to_string()});
    let functions: Vec<Value> = functions::REGISTRY
        .iter()
        .map(|d| {
            json!({
                "name": d.name, "title": d.title, "about": d.about,
                "formula": to_mathml(d.formula), "formula_text": d.formula,
                "model": d.model.map(ModelKind::key),
                // A model's generated data: its keys, in the order links list them.
                "generate": d.model.map(|k| k.generate_specs().iter().map(|p| json!({"name": p.name, "default": p.default, "range": p.range.to_string(), "doc": p.doc})).collect::<Vec<_>>()),
                "params": d.params.iter().map(|p| json!({"name": p.name, "default": p.default, "range": range(p.range), "doc": p.doc})).collect::<Vec<_>>(),
            })
        })
        .chain(std::iter::once(network_entry()))
        .collect();
    let optimizers: Vec<Value> = optim::REGISTRY
        .iter()
        .map(|d| {
            let hyper: Vec<Value> = d
                .hyper
                .iter()
                .map(|h| {
                    let (kind, r, default) = match (h.kind, h.default) {
                        (optim::HyperKind::Number(r), optim::HyperValue::Number(x)) => ("number", Some(r), json!(x)),
                        (optim::HyperKind::Pair(r), optim::HyperValue::Pair(p)) => ("pair", Some(r), json!(p)),
                        (optim::HyperKind::AutoPair(r), optim::HyperValue::AutoPair(a, b)) => ("auto_pair", Some(r), json!([a, b])),
                        (_, optim::HyperValue::Flag(b)) => ("flag", None, json!(b)),
                        (optim::HyperKind::Count { .. }, optim::HyperValue::Count(n)) => ("count", None, json!(n)),
                        (optim::HyperKind::Choice(_), optim::HyperValue::Choice(c)) => ("choice", None, json!(c)),
                        (optim::HyperKind::Word(_), optim::HyperValue::Choice(c)) => ("word", None, json!(c)),
                        (optim::HyperKind::Triple(r, _), optim::HyperValue::Triple(t)) => ("triple", Some(r), json!(t)),
                        (optim::HyperKind::MaybeNumber(r, _), optim::HyperValue::MaybeNumber(x)) => ("maybe_number", Some(r), json!(x)),
                        _ => ("number", None, Value::Null),
                    };
                    let mut v = json!({"name": h.name, "kind": kind, "default": default, "range": r.map(range), "doc": h.doc, "parts": h.parts});
                    match h.kind {
                        optim::HyperKind::Count { min, max, none } => {
                            v["min"] = json!(min);
                            v["max"] = json!(max);
                            v["none"] = json!(none);
                        }
                        optim::HyperKind::Choice(names) | optim::HyperKind::Word(names) => {
                            v["choices"] = json!(names)
                        }
                        optim::HyperKind::Triple(_, parts) => v["parts"] = json!(parts),
                        optim::HyperKind::MaybeNumber(_, means) => v["none"] = json!(means),
                        _ => {}
                    }
                    v
                })
                .collect();
            json!({
                "name": d.name, "title": d.title, "default_lr": d.default_lr, "hyper": hyper,
                "origin": d.origin.package(),
                // What the add menu offers it as: a typed rule is written, not picked.
                "menu": if d.origin == optim::hyper::Origin::Own { "Write your own" } else { d.title },
                // Whether a cyclic or one-cycle schedule can cycle its momentum or β₁.
                "momentum": d.has_momentum(),
                "rule": d.rule.iter().map(|l| to_mathml(l)).collect::<Vec<_>>(),
                "rule_text": d.rule,
                // The optimizer it holds (SAM's and Lookahead's base, Muon's others).
                "wraps": d.wraps.map(|w| json!({
                    "key": w.key, "default": w.default.map(|(name, lr)| json!({"name": name, "lr": lr})),
                    "shares_lr": w.shares_lr, "refuses": w.refuses, "doc": w.doc,
                })),
                // The extra points its runs give, drawn as a faint second path.
                "series": d.series,
            })
        })
        .collect();
    // A key is a number unless its "kind" says otherwise (a choice among
    // "choices", a flag, a list of step numbers, or a sequence's schedules).
    let schedules: Vec<Value> = schedules::SCHEDULES
        .iter()
        .map(|d| {
            let keys: Vec<Value> = d
                .listed()
                .map(|k| {
                    let mut key = json!({"name": k.name, "default": k.default.to_json(),
                        "doc": k.doc, "allowed": k.allowed()});
                    match k.kind {
                        KeyKind::Number(r) => key["range"] = range(r),
                        KeyKind::Whole { min, max, none } => {
                            key["whole"] = json!(true);
                            key["range"] = range(Range::closed(min as f64, max as f64));
                            key["none"] = json!(none);
                        }
                        KeyKind::Choice(choices) => {
                            key["kind"] = json!("choice");
                            key["choices"] = json!(choices);
                        }
                        KeyKind::Flag => key["kind"] = json!("flag"),
                        KeyKind::List { .. } => key["kind"] = json!("list"),
                        KeyKind::Schedules => key["kind"] = json!("schedules"),
                    }
                    if k.required {
                        key["required"] = json!(true);
                    }
                    key
                })
                .collect();
            json!({"name": d.name, "title": d.title, "about": d.about, "keys": keys})
        })
        .collect();
    let scenarios: Vec<Value> = scenarios::SCENARIOS
        .iter()
        .zip(scenarios::computed_queries())
        .map(|(s, computed)| json!({"id": s.id, "title": s.title, "lesson": s.lesson, "quiz": quiz_json(&scenarios::asks(s.id)),
            "query": link::encode(&s.experiment()).expect("scenarios fit in a link"),
            "computed": computed}))
        .collect();
    let lessons: Vec<Value> = lessons::LESSONS
        .iter()
        .map(|l| {
            let parts: Vec<Value> = l
                .parts
                .iter()
                .map(|p| json!({"title": p.title, "text": p.text, "reveal": p.reveal, "quiz": quiz_json(&p.quiz)}))
                .collect();
            json!({"id": l.id, "title": l.title, "parts": parts})
        })
        .collect();
    json!({
        "functions": functions,
        "optimizers": optimizers,
        "schedules": schedules,
        "scenarios": scenarios,
        "lessons": lessons,
        "typed": {"functions": optiviz_expr::FUNCTIONS, "max_len": optiviz_expr::MAX_LEN, "max_params": optiviz_expr::MAX_PARAMS},
        "rule": rule_entry(),
        "links": link_keys(),
    })
}

/// The network's entry in the catalogue's functions: what its controls offer.
fn network_entry() -> Value {
    use optiviz_experiment::network as d;
    use optiviz_objectives::mlp::{datasets::Pattern, init::Init, net::Activation};
    let d_ = &optiviz_objectives::mlp::MLP;
    json!({
        "name": d_.name, "title": d_.title, "about": d_.about,
        "formula": to_mathml(d_.formula), "formula_text": d_.formula,
        "model": Value::Null, "generate": Value::Null, "params": [],
        "network": {
            "activations": Activation::ALL.map(Activation::key),
            "inits": Init::ALL.map(Init::key),
            "datasets": Pattern::ALL.map(Pattern::key),
            "max_hidden": optiviz_objectives::mlp::MAX_HIDDEN,
            "max_width": optiviz_objectives::mlp::MAX_WIDTH,
            "max_params": optiviz_objectives::mlp::MAX_PARAMS,
            "max_rows": optiviz_objectives::mlp::MAX_ROWS,
            "default_hidden": d::DEFAULT_HIDDEN,
            "default_rows": {"n": d::DEFAULT_ROWS.0, "noise": d::DEFAULT_ROWS.1, "seed": d::DEFAULT_ROWS.2},
        },
    })
}

/// The engine's reading of a typed formula, for the page's box as the user
/// types: `{ok: true, params, f, dfdx, dfdy, f_text, dfdx_text, dfdy_text}`
/// with f and its partial derivatives as MathML and as plain text (a
/// derivative too long to show is null), or `{ok: false, column, message}`
/// with the 1-based column at fault (null when the whole text is) and what
/// to do.
pub fn check_formula(text: &str) -> Value {
    let expr = match optiviz_expr::Expr::parse(text) {
        Ok(e) => e,
        Err(e) => return json!({"ok": false, "column": e.column, "message": e.message}),
    };
    let s = optiviz_expr::symbolic::Symbolic::of(&expr);
    let show = |part: &Option<optiviz_expr::symbolic::Formula>| {
        part.as_ref().map_or((Value::Null, Value::Null), |p| {
            (json!(p.mathml()), json!(p.plain()))
        })
    };
    let (f, f_text) = show(&s.f);
    let (dfdx, dfdx_text) = show(&s.dfdx);
    let (dfdy, dfdy_text) = show(&s.dfdy);
    json!({
        "ok": true, "params": expr.params(),
        "f": f, "dfdx": dfdx, "dfdy": dfdy,
        "f_text": f_text, "dfdx_text": dfdx_text, "dfdy_text": dfdy_text,
    })
}

/// What a typed rule's card is built from: how many names each table and
/// how long a name in the legend may hold, and the templates
/// (each with its rate, numbers, state and update, and the title of the
/// built-in optimizer it steps as, if one does).
fn rule_entry() -> Value {
    let templates: Vec<Value> = TEMPLATES
        .iter()
        .map(|t| {
            // The twin's entry opens with its name: {"name": "sgd", …}.
            let twin = t
                .twin
                .and_then(|j| optim::lookup(j.split('"').nth(3)?))
                .map(|d| d.title);
            // Built by hand: each list as values, not through a serializer of its own.
            let hyper: Vec<Value> = t
                .hyper
                .iter()
                .map(|&(n, v)| Value::Array(vec![n.into(), v.into()]))
                .collect();
            let state: Vec<Value> = t.state.iter().map(|&n| n.into()).collect();
            json!({"id": t.id, "title": t.title, "lr": t.lr, "hyper": hyper, "state": state,
                "update": t.update, "twin": twin})
        })
        .collect();
    json!({
        "templates": templates,
        "plain": Rule::plain().update,
        "max_names": rule::MAX_NAMES,
        "max_label": optiviz_experiment::parse::MAX_LABEL,
    })
}

/// Which list a name of a rule is declared in.
#[derive(Clone, Copy, PartialEq)]
enum List {
    State,
    Hyper,
}

/// The engine's reading of a typed rule as the user types it, with the
/// names its card declares: `{ok: true, mathml, text}` (the rule as
/// MathML, or null when a line is too long to show, and as plain lines),
/// or `{ok: false, line, column, message}` (line and column from 1, null
/// when the whole rule is at fault); and beside either, `state` and
/// `hyper`, per declared name its problem or null. A name with a problem
/// is left out when the rule is read, so the rule's error may name it too.
pub fn check_rule(update: &str, state: &[String], hyper: &[String]) -> Value {
    let mut taken: Vec<(String, List)> = Vec::new();
    let mut problem = |name: &str, list: List| -> Option<String> {
        let trimmed = name.trim();
        let p = if trimmed.is_empty() {
            Some("type a name, such as m or beta1".to_string())
        } else if let Some(p) = rule::name_problem(trimmed) {
            Some(format!("{trimmed} {p}"))
        } else {
            match taken.iter().find(|(n, _)| *n == trimmed) {
                Some((_, l)) if *l == list => Some(format!(
                    "{trimmed} is declared twice; give each its own name"
                )),
                Some(_) => Some(format!(
                    "{trimmed} is both a number and a state variable; a name is one or the other"
                )),
                None => None,
            }
        };
        if p.is_none() {
            taken.push((trimmed.to_string(), list));
        }
        p
    };
    // Numbers first, as the JSON reader does: a state variable that takes
    // a number's name is the one at fault.
    let hyper_problems: Vec<Option<String>> =
        hyper.iter().map(|n| problem(n, List::Hyper)).collect();
    let state_problems: Vec<Option<String>> =
        state.iter().map(|n| problem(n, List::State)).collect();
    let good = |names: &[String], problems: &[Option<String>]| -> Vec<String> {
        names
            .iter()
            .zip(problems)
            .filter(|(_, p)| p.is_none())
            .map(|(n, _)| n.trim().to_string())
            .collect()
    };
    let (state_ok, hyper_ok) = (good(state, &state_problems), good(hyper, &hyper_problems));
    fn names(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let mut out = match Program::parse(update, &names(&state_ok), &names(&hyper_ok)) {
        Ok(p) => json!({"ok": true, "mathml": p.mathml(), "text": p.plain()}),
        Err(e) => json!({"ok": false, "line": e.line, "column": e.column, "message": e.message}),
    };
    out["state"] = json!(state_problems);
    out["hyper"] = json!(hyper_problems);
    out
}

/// Every key a link may hold, for the page's script: its name, whether it
/// is the page's own (and then its kind and how the page writes it back),
/// and what it takes.
fn link_keys() -> Vec<Value> {
    keys::KEYS
        .iter()
        .map(|k| {
            let page = match k.role {
                keys::Role::Page(kind) => Some(match kind {
                    keys::PageKind::Switch => json!({"kind": "switch"}),
                    keys::PageKind::Whole { min, max } => {
                        json!({"kind": "whole", "min": min, "max": max})
                    }
                    keys::PageKind::Word(words) => json!({"kind": "word", "words": words}),
                    keys::PageKind::Words(words) => json!({"kind": "words", "words": words}),
                    keys::PageKind::Lock => json!({"kind": "lock"}),
                    keys::PageKind::Angle => json!({"kind": "angle"}),
                    keys::PageKind::Lesson => json!({"kind": "lesson"}),
                    keys::PageKind::Text => json!({"kind": "text"}),
                    keys::PageKind::Texts => json!({"kind": "texts"}),
                }),
                _ => None,
            };
            let kept = match k.kept {
                keys::Kept::No => Value::Null,
                keys::Kept::AsGiven => json!("given"),
                keys::Kept::AsShown => json!("shown"),
            };
            json!({"key": k.key, "page": page, "kept": kept, "takes": k.takes})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_typed_rule_is_read_with_its_names_each_problem_at_its_place() {
        let ok = check_rule(
            "v = mu*v + g\ntheta = theta - lr*v",
            &names(&["v"]),
            &names(&["mu"]),
        );
        assert_eq!(ok["ok"], true);
        assert!(ok["mathml"]
            .as_str()
            .unwrap()
            .starts_with("<math display=\"block\">"));
        assert_eq!(ok["text"][0], "v ← μ·v + g");
        assert_eq!(ok["state"], json!([null]));
        let bad = check_rule(
            "v = mu*v + g\ntheta = theta - lr*vv",
            &names(&["v"]),
            &names(&["mu"]),
        );
        assert_eq!(
            (&bad["ok"], &bad["line"], &bad["column"]),
            (&json!(false), &json!(2), &json!(20))
        );
        assert_eq!(bad["message"], "unknown name 'vv'; did you mean 'v'?");
        let whole = check_rule("v = g", &names(&["v"]), &[]);
        assert_eq!(
            (&whole["line"], &whole["column"]),
            (&Value::Null, &Value::Null)
        );
        // Bad names are named at their rows, and left out of the reading.
        let rows = check_rule(
            "theta = theta - lr*g",
            &names(&["m", "", "m", "mu", "lr"]),
            &names(&["mu", "2b", " eps "]),
        );
        assert_eq!(rows["ok"], true);
        let state = rows["state"].as_array().unwrap();
        assert_eq!(state[0], Value::Null);
        assert!(state[1].as_str().unwrap().starts_with("type a name"));
        assert!(state[2].as_str().unwrap().contains("declared twice"));
        assert!(state[3]
            .as_str()
            .unwrap()
            .contains("both a number and a state variable"));
        assert!(state[4]
            .as_str()
            .unwrap()
            .starts_with("lr is a name every rule already has"));
        let hyper = rows["hyper"].as_array().unwrap();
        assert!(
            hyper[1]
                .as_str()
                .unwrap()
                .starts_with("2b a name is a letter"),
            "{hyper:?}"
        );
        assert_eq!((&hyper[0], &hyper[2]), (&Value::Null, &Value::Null));
        let left_out = check_rule("theta = theta - lr*g*b", &[], &names(&["2b"]));
        assert_eq!(left_out["ok"], false);
    }

    #[test]
    fn the_catalogue_offers_a_rule_to_write_and_its_templates() {
        let c = catalogue();
        let rule = c["optimizers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "rule")
            .unwrap();
        assert_eq!(
            (&rule["origin"], &rule["menu"]),
            (&json!("your own"), &json!("Write your own"))
        );
        let t = c["rule"]["templates"].as_array().unwrap();
        assert_eq!(t.len(), TEMPLATES.len());
        let adam = t.iter().find(|t| t["id"] == "adam").unwrap();
        assert_eq!(adam["twin"], "Adam");
        assert_eq!(adam["hyper"][0], json!(["beta1", 0.9]));
        assert_eq!(
            t.iter().find(|t| t["id"] == "normalized").unwrap()["twin"],
            Value::Null
        );
        // Every template reads as it is written.
        for t in t {
            let state: Vec<String> = t["state"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().into())
                .collect();
            let hyper: Vec<String> = t["hyper"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h[0].as_str().unwrap().into())
                .collect();
            assert_eq!(
                check_rule(t["update"].as_str().unwrap(), &state, &hyper)["ok"],
                true,
                "{}",
                t["id"]
            );
        }
        assert_eq!(c["rule"]["plain"], "theta = theta - lr*g");
        let build = &c["lessons"][1];
        assert_eq!(build["id"], "build-adam");
        assert_eq!(
            build["parts"][0]["quiz"],
            json!({"build": {"yours": 1, "goal": 2}})
        );
    }
}
