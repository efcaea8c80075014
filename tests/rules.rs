//! Typed update rules against the reference runs: every reference case
//! (PyTorch's and pytorch_optimizer's, surfaces, data models and networks)
//! whose optimizer is SGD, Adam, AdamW, RMSprop, Adagrad or Lion is run
//! again with that optimizer written out as a `rule`, and must match the
//! same reference at the same tolerance. Where a case clips by norm, the
//! clipping is written into the rule too, with `norm(g)`. And each template
//! follows its built-in twin.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cases::ALL;
use common::reference::{check_first, compare, parse_case, run_here};
use serde_json::{json, Map, Value};

/// `o`'s key `k` as a number, or `default`.
fn num(o: &Value, k: &str, default: f64) -> f64 {
    o[k].as_f64().unwrap_or(default)
}

fn pair(o: &Value, k: &str, default: [f64; 2]) -> [f64; 2] {
    match o[k].as_array() {
        Some(p) => [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()],
        None => default,
    }
}

fn flag(o: &Value, k: &str) -> bool {
    o[k].as_bool().unwrap_or(false)
}

/// torch's `lerp_(end, w)` written in the rule language, from the nearer end as torch computes it.
fn lerp(start: &str, end: &str, w: &str, weight: f64) -> String {
    if weight.abs() < 0.5 {
        format!("{start} + {w}*({end} - {start})")
    } else {
        format!("{end} - ({end} - {start})*(1 - {w})")
    }
}

/// The optimizer entry `o` written out as a typed rule, when it is one of
/// those the rules spell; `clip_in_rule` moves a clip by norm into the rule.
fn spelled(o: &Value, clip_in_rule: bool) -> Option<Value> {
    let name = o["name"].as_str()?;
    // A cycled momentum is a key a rule does not have.
    let cycles = matches!(o["schedule"]["name"].as_str(), Some("onecycle" | "cyclic"))
        && o["schedule"]["cycle_momentum"] != json!(false);
    if cycles {
        return None;
    }
    let mut hyper = Map::new();
    let mut state = Map::new();
    let mut lines: Vec<String> = Vec::new();
    let mut rule = Map::new();
    // The keys every optimizer takes stay as they are.
    for k in [
        "lr",
        "clip",
        "schedule",
        "maximize",
        "batch_size",
        "grad_noise",
        "accumulate",
        "color",
    ] {
        if !o[k].is_null() {
            rule.insert(k.into(), o[k].clone());
        }
    }
    let wd = num(o, "weight_decay", if name == "adamw" { 0.01 } else { 0.0 });
    let coupled = |rule: &mut Map<String, Value>| {
        if wd != 0.0 {
            rule.insert("weight_decay".into(), json!(wd));
        }
    };
    // g, clipped by norm in the rule: the clip comes before any decay.
    let mut g = "g";
    if clip_in_rule {
        let c = o["clip"]["max_norm"].as_f64()?;
        if wd != 0.0 && name != "adamw" {
            return None;
        }
        rule.remove("clip");
        hyper.insert("c".into(), json!(c));
        state.insert("gc".into(), json!(0.0));
        lines.push("gc = g*min(1, c/(norm(g) + 1e-6))".into());
        g = "gc";
    }
    match name {
        "sgd" => {
            coupled(&mut rule);
            let mu = num(o, "momentum", 0.0);
            if mu == 0.0 {
                lines.push(format!("theta = theta - lr*{g}"));
            } else {
                hyper.insert("mu".into(), json!(mu));
                hyper.insert("damp".into(), json!(num(o, "dampening", 0.0)));
                state.insert("v".into(), json!(0.0));
                // The first step's buffer is the gradient itself, undamped.
                lines.push(format!("v = mu*v + (1 - damp*min(1, t - 1))*{g}"));
                lines.push(match flag(o, "nesterov") {
                    true => format!("theta = theta - lr*({g} + mu*v)"),
                    false => "theta = theta - lr*v".into(),
                });
            }
        }
        "adam" | "adamw" => {
            let [b1, b2] = pair(o, "betas", [0.9, 0.999]);
            hyper.insert("beta1".into(), json!(b1));
            hyper.insert("beta2".into(), json!(b2));
            hyper.insert("eps".into(), json!(num(o, "eps", 1e-8)));
            if name == "adamw" {
                hyper.insert("wd".into(), json!(wd));
                lines.insert(0, "theta = theta*(1 - lr*wd)".into());
            } else {
                coupled(&mut rule);
            }
            state.insert("m".into(), json!(0.0));
            state.insert("v".into(), json!(0.0));
            lines.push(format!("m = {}", lerp("m", g, "(1 - beta1)", 1.0 - b1)));
            lines.push(format!("v = beta2*v + (1 - beta2)*{g}*{g}"));
            let mut second = "v";
            if flag(o, "amsgrad") {
                state.insert("vmax".into(), json!(0.0));
                lines.push("vmax = max(vmax, v)".into());
                second = "vmax";
            }
            lines.push(format!(
                "theta = theta - lr/(1 - beta1^t)*m/(sqrt({second})/sqrt(1 - beta2^t) + eps)"
            ));
        }
        "rmsprop" => {
            coupled(&mut rule);
            let alpha = num(o, "alpha", 0.99);
            hyper.insert("alpha".into(), json!(alpha));
            hyper.insert("eps".into(), json!(num(o, "eps", 1e-8)));
            state.insert("v".into(), json!(0.0));
            lines.push(format!("v = alpha*v + (1 - alpha)*{g}*{g}"));
            let mut root = "sqrt(v) + eps".to_string();
            if flag(o, "centered") {
                state.insert("a".into(), json!(0.0));
                lines.push(format!("a = {}", lerp("a", g, "(1 - alpha)", 1.0 - alpha)));
                root = "sqrt(v - a*a) + eps".into();
            }
            let mu = num(o, "momentum", 0.0);
            if mu > 0.0 {
                hyper.insert("mu".into(), json!(mu));
                state.insert("b".into(), json!(0.0));
                lines.push(format!("b = mu*b + {g}/({root})"));
                lines.push("theta = theta - lr*b".into());
            } else {
                lines.push(format!("theta = theta - lr*{g}/({root})"));
            }
        }
        "adagrad" => {
            coupled(&mut rule);
            hyper.insert("decay".into(), json!(num(o, "lr_decay", 0.0)));
            hyper.insert("eps".into(), json!(num(o, "eps", 1e-10)));
            state.insert("s".into(), json!(num(o, "initial_accumulator_value", 0.0)));
            lines.push(format!("s = s + {g}*{g}"));
            lines.push(format!(
                "theta = theta - lr/(1 + (t - 1)*decay)*({g}/(sqrt(s) + eps))"
            ));
        }
        "lion" => {
            let [b1, b2] = pair(o, "betas", [0.9, 0.99]);
            hyper.insert("beta1".into(), json!(b1));
            hyper.insert("beta2".into(), json!(b2));
            let decay = num(o, "weight_decay", 0.0);
            let decouple = o["weight_decouple"].as_bool().unwrap_or(true);
            if decay != 0.0 {
                if decouple {
                    hyper.insert("wd".into(), json!(decay));
                    lines.push(match flag(o, "fixed_decay") {
                        true => "theta = theta*(1 - wd)".into(),
                        false => "theta = theta*(1 - wd*lr)".into(),
                    });
                } else {
                    if clip_in_rule {
                        return None;
                    }
                    rule.insert("weight_decay".into(), json!(decay));
                }
            }
            state.insert("m".into(), json!(0.0));
            lines.push(format!(
                "theta = theta - lr*sign({})",
                lerp("m", g, "(1 - beta1)", 1.0 - b1)
            ));
            lines.push(format!("m = {}", lerp("m", g, "(1 - beta2)", 1.0 - b2)));
        }
        _ => return None,
    }
    rule.insert("name".into(), json!("rule"));
    rule.insert("hyper".into(), Value::Object(hyper));
    rule.insert("state".into(), Value::Object(state));
    rule.insert("update".into(), json!(lines.join("\n")));
    Some(Value::Object(rule))
}

#[test]
fn rules_that_spell_an_optimizer_match_its_reference_runs() {
    let mut failures = Vec::new();
    let (mut cases, mut reductions) = (0, 0);
    for set in ALL {
        for (name, text) in set.cases {
            let raw: Value = serde_json::from_str(text).unwrap();
            let first = raw.get("experiment").is_none();
            let (experiment, reference) = match first {
                true => (parse_case(text).experiment, Value::Null),
                false => (raw["experiment"].clone(), raw["reference"].clone()),
            };
            let optimizers = experiment["optimizers"].as_array().unwrap();
            if optimizers.len() != 1 {
                continue;
            }
            for clip_in_rule in [false, true] {
                let Some(rule) = spelled(&optimizers[0], clip_in_rule) else {
                    continue;
                };
                let mut e = experiment.clone();
                e["optimizers"] = json!([rule]);
                let out = run_here(&e, set);
                let problems = match first {
                    true => check_first(&parse_case(text), &out),
                    false => {
                        // The rule's state is under its own names, and it
                        // has no momentum in a param group to record.
                        let mut want = reference.clone();
                        let want_map = want.as_object_mut().unwrap();
                        want_map.remove("state");
                        want_map.remove("momenta");
                        compare(&out["runs"][0], &want)
                    }
                };
                cases += 1;
                reductions += usize::from(clip_in_rule);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{}/{name} as {}:\n  {}",
                        set.dir,
                        e["optimizers"][0]["update"],
                        problems.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{cases} runs of typed rules matched their references, {reductions} with norm()");
    // The sets hold dozens of such cases, a few of them clipped by norm.
    assert!(
        cases >= 60 && reductions >= 3,
        "{cases} cases, {reductions} with norm()"
    );
}

/// The largest difference between two paths, relative to each coordinate's
/// size (at least 1).
fn apart(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .flat_map(|(p, q)| (0..2).map(move |i| (p[i] - q[i]).abs() / p[i].abs().max(1.0)))
        .fold(0.0, f64::max)
}

fn paths(json: Value) -> Vec<Vec<[f64; 2]>> {
    use optiviz::engine::Runs;
    let exp = optiviz::Experiment::from_value(&json).unwrap_or_else(|e| panic!("{e}"));
    exp.run().into_iter().map(|t| t.points).collect()
}

#[test]
fn every_template_follows_its_built_in_twin() {
    use optiviz::optim::rule::TEMPLATES;
    // Adam on Rosenbrock within 1e-12; the others on three surfaces.
    let surfaces = [
        ("rosenbrock", [-1.2, 1.0], 300),
        ("himmelblau", [0.5, -3.0], 200),
        ("beale", [1.0, 1.5], 200),
    ];
    for t in TEMPLATES {
        for (function, start, steps) in surfaces {
            let rule = t.rule();
            let entry = json!({"name": "rule", "lr": t.lr,
                "hyper": rule.hyper.iter().map(|(n, v)| (n.clone(), json!(v))).collect::<Map<String, Value>>(),
                "state": rule.state.iter().map(|(n, v)| (n.clone(), json!(v))).collect::<Map<String, Value>>(),
                "update": t.update});
            let mut twin = match t.twin {
                Some(twin) => serde_json::from_str::<Value>(twin).unwrap(),
                None => continue,
            };
            twin["lr"] = json!(t.lr);
            let p = paths(json!({"function": {"name": function}, "start": start,
                "steps": steps, "optimizers": [entry, twin]}));
            let d = apart(&p[0], &p[1]);
            assert!(d <= 1e-12, "{} on {function}: apart by {d:e}", t.id);
        }
    }
}

#[test]
fn normalized_gradient_descent_steps_the_unit_gradient() {
    use optiviz::optim::rule::TEMPLATES;
    let t = TEMPLATES.iter().find(|t| t.id == "normalized").unwrap();
    let exp = json!({"function": {"name": "himmelblau"}, "start": [0.5, -3.0], "steps": 50,
        "optimizers": [{"name": "rule", "lr": 0.05, "update": t.update}]});
    let p = paths(exp.clone());
    let f = optiviz::Experiment::from_value(&exp)
        .unwrap()
        .function
        .objective();
    let mut q = [0.5, -3.0];
    for (k, point) in p[0].iter().enumerate() {
        assert_eq!(*point, q, "step {k}");
        let g = f.grad(q);
        let n = (g[0] * g[0] + g[1] * g[1]).sqrt();
        q = [q[0] - 0.05 * g[0] / n, q[1] - 0.05 * g[1] / n];
    }
}

#[test]
fn the_command_line_gives_the_state_by_name_and_refuses_bad_rules_in_one_line() {
    let exp = json!({"function": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 3,
        "optimizers": [{"name": "rule", "label": "momentum by hand", "lr": 0.001,
          "hyper": {"mu": 0.9}, "state": {"v": 0}, "update": "v = mu*v + g\ntheta = theta - lr*v"}]});
    let out = common::optiviz(&["run", "--state", "-"], &exp.to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["label"], "momentum by hand lr=0.001 mu=0.9");
    let keys: Vec<&String> = run["state"][2].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["step", "v"]);
    assert_eq!(run["state"][2]["step"], 3.0);
    for (update, state, want) in [
        (
            "v = mu*v + g\ntheta = theta - lr*vv",
            json!({"v": 0}),
            "-: optimizers[0].update: line 2, column 20: unknown name 'vv'; did you mean 'v'?",
        ),
        (
            "w = g\ntheta = theta - lr*w",
            json!({"v": 0}),
            "-: optimizers[0].update: line 1, column 1: w is not a state variable;",
        ),
        (
            "v = mu*v + g",
            json!({"v": 0}),
            "-: optimizers[0].update: never assigns theta",
        ),
        (
            "theta = theta - lr*(g",
            json!({"v": 0}),
            "-: optimizers[0].update: line 1, column 22: expected ')'",
        ),
        (
            "theta = theta - lr*g",
            json!({"2v": 0}),
            "-: optimizers[0].state.2v: a name is a letter",
        ),
    ] {
        let mut bad = exp.clone();
        bad["optimizers"][0]["update"] = json!(update);
        bad["optimizers"][0]["state"] = state;
        let out = common::optiviz(&["run", "-"], &bad.to_string());
        common::assert_one_line_error(&out, want, update);
    }
}
