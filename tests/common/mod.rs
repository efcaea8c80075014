//! Helpers shared by the integration tests, native and wasm.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod cases;
pub mod reference;
pub mod rules;
pub mod tolerance;

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

/// An experiment (tests/data/cli_run.json) and what `optiviz run` printed
/// for it (tests/data/cli_run.out.json): tests/cli_record.rs holds the
/// command line to the record, tests/web.rs the page's JavaScript entry point.
pub const CLI_RUN_EXPERIMENT: &str = include_str!("../data/cli_run.json");
pub const CLI_RUN_OUTPUT: &str = include_str!("../data/cli_run.out.json");

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
