//! The command-line tool: run an experiment and print its trajectories.

use optiviz::{data, functions, optim, output, Experiment};
use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "\
optiviz: optimizer trajectories on classic loss surfaces, with torch.optim semantics

USAGE:
    optiviz run EXPERIMENT.json [--format json|csv]   run an experiment ('-' reads stdin)
    optiviz functions                                 list the loss surfaces and their parameters
    optiviz optimizers                                list the optimizers and their hyperparameters
    optiviz help                                      this text

An experiment is JSON, for example:
    {\"function\": {\"name\": \"rosenbrock\", \"params\": {\"b\": 100}},
     \"start\": [-1.5, 2.0], \"steps\": 300,
     \"optimizers\": [{\"name\": \"adam\", \"lr\": 0.02}, {\"name\": \"sgd\", \"lr\": 0.001, \"momentum\": 0.9}]}
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("optiviz: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("run") => run_experiment(&args[1..]),
        Some("functions") => Ok(list_functions()),
        Some("optimizers") => Ok(list_optimizers()),
        Some("help" | "-h" | "--help") | None => Ok(USAGE.to_string()),
        Some(other) => Err(format!("unknown command '{other}'; try 'optiviz help'")),
    }
}

fn run_experiment(args: &[String]) -> Result<String, String> {
    let mut path = None;
    let mut format = "json";
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some(f @ ("json" | "csv")) => f,
                    Some(f) => return Err(format!("--format must be json or csv, got '{f}'")),
                    None => return Err("--format needs a value: json or csv".into()),
                }
            }
            p if path.is_none() => path = Some(p.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'; try 'optiviz help'")),
        }
    }
    let path = path.ok_or("run needs an experiment file (or '-' for stdin)")?;
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        s
    } else {
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    let exp = Experiment::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let runs = exp.run();
    Ok(match format {
        "csv" => output::to_csv(&runs),
        _ => output::to_json(&runs) + "\n",
    })
}

fn list_functions() -> String {
    let mut s = String::new();
    for d in functions::REGISTRY {
        if d.model.is_none() {
            s += &format!("{:<20} f(x, y) = {}\n", d.name, d.formula);
            for p in d.params {
                s += &format!(
                    "{:<20}   {} = {} ({}): {}\n",
                    "", p.name, p.default, p.range, p.doc
                );
            }
        } else {
            s += &format!("{:<20} L(w, b) = {}\n", d.name, d.formula);
            s += &format!(
                "{:<20}   rows from \"data\": {{\"x\": [...], \"y\": [...]}} or \"generate\":\n",
                ""
            );
            for p in data::GENERATE_SPECS {
                s += &format!(
                    "{:<20}     {} = {} ({}): {}\n",
                    "", p.name, p.default, p.range, p.doc
                );
            }
            s += &format!(
                "{:<20}     x = [{}, {}]: the range x is drawn from\n",
                "",
                data::DEFAULT_X_RANGE[0],
                data::DEFAULT_X_RANGE[1]
            );
        }
    }
    s
}

fn list_optimizers() -> String {
    let mut s = String::new();
    for d in optim::REGISTRY {
        s += &format!("{} ({}), default lr = {}\n", d.name, d.title, d.default_lr);
        for h in d.hyper {
            let (default, range) = match (h.default, h.kind) {
                (optim::HyperValue::Number(x), optim::HyperKind::Number(r)) => {
                    (x.to_string(), r.to_string())
                }
                (optim::HyperValue::Pair([a, b]), optim::HyperKind::Pair(r)) => {
                    (format!("[{a}, {b}]"), format!("each {r}"))
                }
                (optim::HyperValue::Flag(b), _) => (b.to_string(), "true or false".to_string()),
                _ => unreachable!("a hyperparameter's default matches its kind"),
            };
            s += &format!("    {} = {default} ({range}): {}\n", h.name, h.doc);
        }
        for line in d.rule {
            s += &format!("      {line}\n");
        }
    }
    s
}
