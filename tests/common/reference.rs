//! The one check of a run against its PyTorch reference, shared by the
//! native tests (which run `optiviz run`, the command line's own path) and
//! the wasm tests (which run the same experiment in the browser): both hand
//! in what `optiviz run` prints, as JSON, and get back what differs.

use super::cases::Set;
use super::tolerance::{entry_error, floor_of, tolerance_of};
use serde_json::{json, Value};

/// The most problems reported for one case.
const MOST: usize = 4;

/// One case of the first set (tests/data/reference).
pub struct Case {
    pub id: String,
    /// The experiment the case describes, in the form `optiviz run` reads.
    pub experiment: Value,
    /// The reference up to (not including) the first point where torch's
    /// coordinates or loss were not finite.
    pub points: Vec<Value>,
    pub losses: Vec<Value>,
    /// Whether torch's trajectory became non-finite (and so was cut short here).
    pub non_finite: bool,
}

pub fn parse_case(text: &str) -> Case {
    let v: Value = serde_json::from_str(text).unwrap();
    let mut experiment = json!({
        "function": v["function"],
        "start": v["start"],
        "steps": v["steps"],
        "optimizers": [v["optimizer"]],
    });
    // The data models' sampling and the L2 term, where a case has them.
    for key in ["batch_size", "seed", "accumulate", "l2"] {
        if !v[key].is_null() {
            experiment[key] = v[key].clone();
        }
    }
    let reference = &v["reference"];
    let raw_points = reference["points"].as_array().unwrap();
    let raw_losses = reference["losses"].as_array().unwrap();
    assert_eq!(raw_points.len(), raw_losses.len());
    let (mut points, mut losses) = (Vec::new(), Vec::new());
    // null stands for a value that was not finite in torch.
    for (p, l) in raw_points.iter().zip(raw_losses) {
        if p[0].is_number() && p[1].is_number() && l.is_number() {
            points.push(p.clone());
            losses.push(l.clone());
        } else {
            break;
        }
    }
    Case {
        id: v["id"].as_str().unwrap().to_string(),
        experiment,
        non_finite: points.len() < raw_points.len(),
        points,
        losses,
    }
}

/// Entries `0..n` of the series `key` of `got` against `want`, each number
/// held to its tolerance relative to itself or its entry's floor (see
/// tolerance.rs); problems go to `problems`, as `key[k]: got vs want (error e)`.
fn compare_series(key: &str, got: &[Value], want: &[Value], n: usize, problems: &mut Vec<String>) {
    let tolerance = tolerance_of(key);
    for k in 0..n {
        match entry_error(&got[k], &want[k]) {
            Some(e) if e <= tolerance => {}
            e => problems.push(format!(
                "{key}[{k}]: {} vs {} (error {e:?} relative to max(|w|, {:.1e}), tolerance {tolerance:e})",
                got[k],
                want[k],
                floor_of(&want[k])
            )),
        }
        if problems.len() >= MOST {
            return;
        }
    }
}

/// What differs between a run of a first-set case (what `optiviz run`
/// prints for its experiment) and torch's: every point and loss, and a
/// diverged status where torch's numbers overflowed.
pub fn check_first(case: &Case, out: &Value) -> Vec<String> {
    let run = &out["runs"][0];
    let mut problems = Vec::new();
    if case.non_finite && run["status"]["state"] != "diverged" {
        problems.push(format!(
            "torch overflowed but the status is {}",
            run["status"]
        ));
    }
    for (key, want) in [("points", &case.points), ("losses", &case.losses)] {
        let got = run[key].as_array().map_or(&[][..], Vec::as_slice);
        if got.len() != want.len() {
            problems.push(format!(
                "{key}: {} entries, the reference has {}",
                got.len(),
                want.len()
            ));
            continue;
        }
        compare_series(key, got, want, want.len(), &mut problems);
    }
    problems
}

/// What differs between one run of a second-set case and its reference,
/// one line per problem (a few at most).
pub fn compare(run: &Value, reference: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    // A network's reference has its parameters where a surface's has points.
    let points = reference["points"]
        .as_array()
        .or(reference["params"].as_array())
        .unwrap();
    let until = reference["compare_until"]
        .as_u64()
        .map_or(points.len() - 1, |k| k as usize);
    // Per point (points, losses, a network's params) and per step (lrs,
    // state, func_evals, momenta, a network's layer gradient norms and
    // accuracy, recorded at the point each step starts from, and the extra
    // series each step adds).
    for (key, per_step) in [
        ("points", false),
        ("params", false),
        ("losses", false),
        ("lrs", true),
        ("state", true),
        ("func_evals", true),
        ("momenta", true),
        ("layer_grad_norms", true),
        ("accuracy", true),
        // The extra series: entry k belongs to step k + 1.
        ("eval_points", true),
        ("ascent_points", true),
        ("slow_points", true),
    ] {
        let Some(want) = reference[key].as_array() else {
            continue;
        };
        let Some(got) = run[key].as_array() else {
            problems.push(format!("{key}: missing from the run"));
            continue;
        };
        let n = if per_step { until } else { until + 1 }.min(want.len());
        if got.len() < n {
            problems.push(format!("{key}: {} entries, want at least {n}", got.len()));
            continue;
        }
        match key {
            "state" => compare_state(&got[..n], &want[..n], &mut problems),
            "func_evals" => {
                for k in 0..n {
                    if got[k] != want[k] {
                        problems.push(format!("func_evals[{k}]: {} vs {}", got[k], want[k]));
                        break;
                    }
                }
            }
            _ => compare_series(key, got, want, n, &mut problems),
        }
        if problems.len() >= MOST {
            break;
        }
    }
    problems
}

/// The optimizer's state, step by step: the same keys, and each key a
/// series of its own.
fn compare_state(got: &[Value], want: &[Value], problems: &mut Vec<String>) {
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let (g, w) = (g.as_object().unwrap(), w.as_object().unwrap());
        let mut gk: Vec<&String> = g.keys().collect();
        let mut wk: Vec<&String> = w.keys().collect();
        gk.sort();
        wk.sort();
        if gk != wk {
            problems.push(format!("state[{k}]: keys {gk:?}, want {wk:?}"));
            return;
        }
    }
    let Some(first) = want.first().and_then(Value::as_object) else {
        return;
    };
    for name in first.keys() {
        let got: Vec<Value> = got.iter().map(|s| s[name].clone()).collect();
        let want: Vec<Value> = want.iter().map(|s| s[name].clone()).collect();
        compare_series(&format!("state.{name}"), &got, &want, want.len(), problems);
        if problems.len() >= MOST {
            return;
        }
    }
}

/// Whether a second-set case trains a network.
pub fn is_network(case: &Value) -> bool {
    case["experiment"]["function"]["name"] == "mlp"
}

/// What differs between what `optiviz run` prints for a second-set case
/// (with its set's flags) and the case's reference; for a network, also
/// what every network run holds beyond its reference: its points are the
/// parameters' place on the plane, which starts at the initial weights.
pub fn check_second(case: &Value, out: &Value) -> Vec<String> {
    let mut problems = compare(&out["runs"][0], &case["reference"]);
    if is_network(case) {
        if out["runs"][0]["points"][0] != json!([0.0, 0.0]) {
            problems.push(format!(
                "the first point on the plane is {}, not the origin",
                out["runs"][0]["points"][0]
            ));
        }
        let explained = out["plane"]["explained"].as_f64();
        if !explained.is_some_and(|e| (0.0..=1.0).contains(&e)) {
            problems.push(format!("the plane explains {explained:?}"));
        }
    }
    problems
}

/// The points a second-set case asks its function's derivatives at (the
/// typed functions'), with torch autograd's value, gradient and Hessian.
pub fn derivative_points(case: &Value) -> Vec<[f64; 2]> {
    case["reference"]["derivatives"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|d| {
            [
                d["point"][0].as_f64().unwrap(),
                d["point"][1].as_f64().unwrap(),
            ]
        })
        .collect()
}

/// What differs between what `optiviz analyze --at …` prints for a case's
/// derivative points and torch autograd's numbers there.
pub fn check_derivatives(case: &Value, analysis: &Value) -> Vec<String> {
    let want = case["reference"]["derivatives"].as_array().unwrap();
    // The start comes first, then the points asked about.
    let got = &analysis["points"].as_array().unwrap()[1..];
    if got.len() != want.len() {
        return vec![format!(
            "{} points analysed, want {}",
            got.len(),
            want.len()
        )];
    }
    let mut problems = Vec::new();
    for (g, w) in got.iter().zip(want) {
        if g["point"] != w["point"] {
            problems.push(format!("analysed at {}, want {}", g["point"], w["point"]));
        }
    }
    for key in ["value", "gradient", "hessian"] {
        let g: Vec<Value> = got.iter().map(|d| d[key].clone()).collect();
        let w: Vec<Value> = want.iter().map(|d| d[key].clone()).collect();
        compare_series(key, &g, &w, w.len(), &mut problems);
    }
    problems
}

/// What `optiviz run` prints for `experiment` with `set`'s flags, computed in
/// this process as the command line computes it (for the browser, which
/// cannot run the command line).
pub fn run_here(experiment: &Value, set: &Set) -> Value {
    use optiviz::engine::output;
    use optiviz::engine::trajectory::Record;
    use optiviz::engine::Runs;
    let exp = optiviz::Experiment::from_value(experiment).unwrap_or_else(|e| panic!("{e}"));
    let record = Record {
        state: set.state,
        params: set.params,
    };
    let (runs, plane) = match &exp.function.mlp {
        Some(model) => {
            let (surface, runs) = exp.network(model, record);
            (runs, Some(surface.plane))
        }
        None => (exp.run_recording(record), None),
    };
    serde_json::from_str(&output::to_json_on(&runs, plane.as_ref())).unwrap()
}

/// What `optiviz analyze - --at …` prints for `experiment` at `at`, computed
/// in this process.
pub fn analyze_here(experiment: &Value, at: &[[f64; 2]]) -> Value {
    let exp = optiviz::Experiment::from_value(experiment).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_value(optiviz::engine::analyze::analyze(&exp, at)).unwrap()
}

/// Runs every case of `set` through `optiviz run -` with the set's flags and
/// compares it with its reference; returns the cases' problems.
#[cfg(not(target_arch = "wasm32"))]
pub fn check_set(set: &super::cases::Set) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, text) in set.cases {
        let case: Value = serde_json::from_str(text).unwrap();
        let args = [&["run", "-"][..], &set.flags()].concat();
        let out = super::optiviz(&args, &case["experiment"].to_string());
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let problems = check_second(&case, &v);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    failures
}
