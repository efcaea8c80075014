//! Typed rules that write out the optimizers of the reference runs, shared
//! by the native tests (tests/rules.rs) and the wasm tests (tests/web.rs).

use super::cases::ALL;
use super::reference::{check_first, compare, parse_case, run_here};
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
pub fn spelled(o: &Value, clip_in_rule: bool) -> Option<Value> {
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

/// Every reference case whose optimizer [`spelled`] writes out, run again
/// as that rule (and, where it clips by norm, with the clip in the rule):
/// the problems found, and how many runs there were, and how many of them
/// used `norm(g)`.
pub fn check_spelled_cases() -> (Vec<String>, usize, usize) {
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
    (failures, cases, reductions)
}
