//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;

/// One PyTorch reference case.
pub struct Case {
    pub id: String,
    /// The experiment the case describes, in the form `optiviz run` reads.
    pub experiment: Value,
    /// The reference up to (not including) the first point where torch's
    /// coordinates or loss were not finite.
    pub points: Vec<[f64; 2]>,
    pub losses: Vec<f64>,
    /// Whether torch's trajectory became non-finite (and so was cut short here).
    pub non_finite: bool,
}

pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference")
}

/// The JSON files of a folder, sorted by name.
pub fn json_files(dir: PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Every reference case, sorted by file name.
pub fn reference_cases() -> Vec<Case> {
    json_files(reference_dir())
        .iter()
        .map(|f| parse_case(&std::fs::read_to_string(f).unwrap()))
        .collect()
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
        match (p[0].as_f64(), p[1].as_f64(), l.as_f64()) {
            (Some(x), Some(y), Some(l)) => {
                points.push([x, y]);
                losses.push(l);
            }
            _ => break,
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

/// The largest error of `got` against `want`, each coordinate measured as
/// |got − want| / max(1, |want|), and the step where it occurs.
pub fn worst_error(got: &[[f64; 2]], want: &[[f64; 2]]) -> (f64, usize) {
    let mut worst = (0.0, 0);
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        for i in 0..2 {
            let e = (g[i] - w[i]).abs() / w[i].abs().max(1.0);
            // NaN compares false, so count it explicitly.
            if e.is_nan() || e > worst.0 {
                worst = (if e.is_nan() { f64::INFINITY } else { e }, k);
            }
        }
    }
    worst
}

/// A small deterministic generator (xorshift64*), so tests need no seed files.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// FNV-1a over the bits of every point and loss of every run: equal hashes
/// mean the same paths bit for bit.
pub fn paths_hash(runs: &[optiviz::Trajectory]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in runs {
        for v in t.points.iter().flatten().chain(&t.losses) {
            for byte in v.to_bits().to_le_bytes() {
                h ^= byte as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    format!("{h:016x}")
}

/// Stochastic experiments and the hash of their paths as computed natively
/// (tests/data/determinism.json); the browser must compute the same bits.
pub const DETERMINISM: &str = include_str!("../data/determinism.json");

/// Runs the `optiviz` binary with `args`, `stdin` on its standard input.
/// A bad argument may be reported before stdin is read: a closed pipe is fine.
#[cfg(not(target_arch = "wasm32"))]
pub fn optiviz(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// Checks that a run of the CLI failed as a bad input must: exit status 2,
/// nothing on stdout, one line on stderr, `optiviz: ` and then `want`.
#[cfg(not(target_arch = "wasm32"))]
pub fn assert_one_line_error(out: &std::process::Output, want: &str, context: &str) {
    assert_eq!(out.status.code(), Some(2), "{context}");
    assert!(out.stdout.is_empty(), "{context}: stdout is not empty");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{context}: {err}");
    let err = err.trim_end().strip_prefix("optiviz: ").expect("prefixed");
    assert!(
        err.starts_with(want),
        "{context}\n got: {err}\nwant: {want}..."
    );
}
