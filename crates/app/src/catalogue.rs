//! Everything the page's controls are built from, as JSON: the functions,
//! optimizers and schedules with their keys, ranges and docs, the
//! scenarios and lessons, the formula language's limits and every link key.
//! And a typed formula read as the user types it.

use crate::lessons;
use crate::quiz::Quiz;
use crate::scenarios;
use optiviz_base::spec::Range;
use optiviz_experiment::link::{self, keys};
use optiviz_objectives::data::ModelKind;
use optiviz_objectives::functions;
use optiviz_optim as optim;
use optiviz_optim::schedules::{self, KeyKind};
use optiviz_render::mathml::to_mathml;
use serde_json::{json, Value};

/// A question for the page: `{predict: N}` or `{question, choices,
/// answer}` (N and answer from 1), or null.
fn quiz_json(quiz: &Quiz) -> Value {
    match quiz {
        Quiz::None => Value::Null,
        Quiz::Predict(n) => json!({"predict": n}),
        Quiz::Choose {
            question,
            choices,
            answer,
        } => json!({"question": question, "choices": choices, "answer": answer}),
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
                .map(|p| {
                    json!({"title": p.title, "text": p.text, "reveal": p.reveal, "quiz": quiz_json(&p.quiz),
                        "computed": link::encode(&p.experiment().computed()).expect("lesson parts fit in a link")})
                })
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
