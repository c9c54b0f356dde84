//! The outputs of `ibias run`, through the real binary: the iterate w(t) at every checkpoint
//! (decimals with the guaranteed digits, the last one also exactly), the CSV trajectory, the
//! checkpoint schedules, and the report of an interrupted run.

mod edge;
use edge::no_internal_error;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ibias(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .output()
        .expect("run ibias");
    no_internal_error(o.status.code(), &o.stderr);
    o
}

fn tmp(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    (dir, p)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `ibias run --json` on `data` with `args`; the document.
fn run_json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["run", "--data", data.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let o = ibias(&all);
    assert!(matches!(o.status.code(), Some(0 | 1 | 3)), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

/// The exact final iterate of a run document.
fn last_exact(v: &Value) -> Vec<String> {
    let cps = v["checkpoints"].as_array().expect("checkpoints");
    strings(&cps.last().expect("a checkpoint")["w_exact"])
}

/// Two points z1 = (1/4, 1/2), z2 = (15/64, 1/4) with y = +1. One GD step on the exponential
/// loss from w = 0 moves by η Σ_n e^{-0} z_n = η (31/64, 3/4): with η = 1/8, by hand,
/// w(1) = (31/512, 3/32) = (0.060546875, 0.09375), a binary fraction every precision holds.
const TWO_POINTS: &str = "x1,x2,y\n1/4,1/2,1\n15/64,1/4,1\n";

#[test]
fn the_final_iterate_is_printed_exactly_and_every_checkpoint_has_w() {
    let (_d, p) = tmp("two.csv", TWO_POINTS);
    for precision in ["f64", "dd", "128"] {
        let v = run_json(
            &p,
            &["--lr", "1/8", "--steps", "1", "--precision", precision],
        );
        let cps = v["checkpoints"].as_array().unwrap();
        assert_eq!(cps.len(), 2, "t = 0 and t = 1");
        let last = &cps[1];
        assert_eq!(last["t"], 1);
        assert_eq!(strings(&last["w_exact"]), ["31/512", "3/32"], "{precision}");
        // the decimals carry the guaranteed digits of the same values
        let w: Vec<f64> = strings(&last["w"])
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(w, [0.060546875, 0.09375], "{precision}");
        assert_eq!(strings(&cps[0]["w"]), ["0", "0"]);
        assert!(cps[0]["w_exact"].is_null(), "only the last checkpoint");
    }
}

#[test]
fn the_exact_final_iterate_resumes_without_loss() {
    // 10 steps at once against 5 steps, then 5 more from the printed w(5): GD has no memory
    // besides w, so the second run is the same f64 computation and must end on the same bits
    let (_d, p) = tmp("two.csv", TWO_POINTS);
    for precision in ["f64", "dd"] {
        let common = ["--lr", "1/8", "--precision", precision];
        let whole = run_json(&p, &[&common[..], &["--steps", "10"]].concat());
        let half = run_json(&p, &[&common[..], &["--steps", "5"]].concat());
        let w5 = last_exact(&half);
        let init = w5.join(",");
        let rest = run_json(
            &p,
            &[&common[..], &["--steps", "5", "--init", &init]].concat(),
        );
        assert_eq!(last_exact(&rest), last_exact(&whole), "{precision}");
        // and the 10-step iterate is not the 5-step one (the comparison can fail)
        assert_ne!(last_exact(&whole), w5);
    }
}
