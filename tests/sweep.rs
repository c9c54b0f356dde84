//! `ibias sweep` (docs/cli.md, "ibias sweep"): a grid of ordinary `ibias run` experiments.
//!
//! * The same grid on two threads and on one prints the same bytes (table and JSON).
//! * `--emit parallel` and `--emit slurm` write job lines that, run here one by one through
//!   `sh` (the array script once per task id), write job files whose `--merge` prints the same
//!   bytes as the local sweep.
//! * Each point is the run its row's command reproduces: `ibias run --json` of that command
//!   gives the same exit status, verdict counts and normalized margin, and the angle to the
//!   hand-derived `ŵ = (2/5, 1/5)` of THREE (tests/data/three_answers.csv), computed here from
//!   the run's own final direction, is the row's.
//! * Points come in the documented order (the optimizer fastest), random starts are the
//!   documented draws, bad input is one `ibias: error:` line with exit 2, and SIGINT gives
//!   the partial table with exit 3.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ibias");

fn three() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/three_answers.csv").to_string()
}

fn ibias(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ibias")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small grid: two planted sets and THREE, two steps, the origin and two random starts,
/// gd and adam, 2000 steps in double-double: 3 x 2 x 3 x 2 = 36 points.
fn grid(three: &str) -> Vec<String> {
    [
        "sweep",
        "--data",
        three,
        "--planted",
        "20:2:1,12:3:5",
        "--lr",
        "1/16,auto",
        "--init",
        "origin",
        "--starts",
        "2",
        "--start-seed",
        "3",
        "--optimizers",
        "gd,adam",
        "--steps",
        "2000",
        "--precision",
        "dd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn with<'a>(base: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn two_threads_print_the_bytes_of_one() {
    let three = three();
    let g = grid(&three);
    let one = ibias(&with(&g, &["--jobs", "1", "--json"]));
    let two = ibias(&with(&g, &["--jobs", "2", "--json"]));
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(two.status.code(), Some(0), "{}", stderr(&two));
    assert_eq!(one.stdout, two.stdout);
    let v = json(&one);
    assert_eq!(v["grid"]["points"], 3 * 2 * 3 * 2);
    assert_eq!(v["points"].as_array().unwrap().len(), 36);
    // the table too
    let t1 = ibias(&with(&g, &["--jobs", "1"]));
    let t2 = ibias(&with(&g, &["--jobs", "2"]));
    assert_eq!(t1.stdout, t2.stdout);
    assert!(stdout(&t1).contains("# status: completed (36 of 36 points)"));
}

#[test]
fn points_come_in_grid_order_with_the_optimizer_fastest() {
    let three = three();
    let g = grid(&three);
    let v = json(&ibias(&with(&g, &["--json"])));
    let data = ["three", "planted:20:2:1", "planted:12:3:5"];
    let lrs = ["1/16", "auto"];
    let starts = ["origin", "random:3:0", "random:3:1"];
    let opts = ["gd", "adam"];
    let mut i = 0;
    for d in data {
        for l in lrs {
            for s in starts {
                for o in opts {
                    let p = &v["points"][i];
                    assert_eq!(p["index"], i);
                    assert!(p["data"].as_str().unwrap().contains(d), "{p}");
                    assert_eq!(p["lr"], l);
                    assert_eq!(p["start"], s);
                    assert_eq!(p["optimizer"], o);
                    i += 1;
                }
            }
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014), written out here from its definition: the random
/// starts' documented source.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in -100..=100 by rejection, as documented.
fn draw(state: &mut u64) -> i64 {
    let span = 201u64;
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let v = splitmix(state);
        if v < zone {
            return -100 + (v % span) as i64;
        }
    }
}

fn hundredths(j: i64) -> String {
    // the exact value j/100 in lowest terms, as the JSON writes rationals
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 {
            a.abs()
        } else {
            gcd(b, a % b)
        }
    }
    let g = gcd(j, 100).max(1);
    let (p, q) = (j / g, 100 / g);
    if q == 1 {
        p.to_string()
    } else {
        format!("{p}/{q}")
    }
}

#[test]
fn random_starts_are_the_documented_draws() {
    let three = three();
    let g = grid(&three);
    let v = json(&ibias(&with(&g, &["--json"])));
    // THREE has d = 2, planted:12:3:5 d = 3: start k is the k-th block of d draws of seed 3
    for (point, d, k) in [(2usize, 2usize, 0usize), (4, 2, 1), (26, 3, 0), (28, 3, 1)] {
        let mut s = 3u64;
        let all: Vec<i64> = (0..(k + 1) * d).map(|_| draw(&mut s)).collect();
        let want: Vec<String> = all[k * d..].iter().map(|&j| hundredths(j)).collect();
        let got: Vec<String> = v["points"][point]["init"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "point {point}");
    }
}

/// Runs every line of a GNU parallel command file, or the Slurm array script once per task
/// id, through `sh`.
fn run_jobs(dir: &Path, slurm: bool, n: usize) {
    if slurm {
        let script = dir.join("sweep.sbatch");
        for i in 0..n {
            let st = Command::new("sh")
                .arg(&script)
                .env("SLURM_ARRAY_TASK_ID", i.to_string())
                .stderr(Stdio::null())
                .status()
                .expect("sh");
            assert!(st.success(), "array task {i}");
        }
    } else {
        let lines = std::fs::read_to_string(dir.join("jobs.txt")).unwrap();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), n);
        for (i, line) in lines.iter().enumerate() {
            assert!(line.contains(&format!("--only {i} --json > ")), "{line}");
            let st = Command::new("sh")
                .args(["-c", line])
                .stderr(Stdio::null())
                .status()
                .expect("sh");
            assert!(st.success(), "{line}");
        }
    }
}

#[test]
fn emitted_jobs_merge_into_the_local_sweep() {
    let three = three();
    let g = grid(&three);
    let local_json = ibias(&with(&g, &["--json"]));
    let local_text = ibias(&with(&g, &[]));
    assert_eq!(local_json.status.code(), Some(0));
    let tmp = tempfile::tempdir().unwrap();
    for (kind, slurm) in [("parallel", false), ("slurm", true)] {
        let dir: PathBuf = tmp.path().join(kind);
        let dir_s = dir.to_str().unwrap().to_string();
        let o = ibias(&with(&g, &["--emit", kind, &dir_s]));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        if slurm {
            let script = std::fs::read_to_string(dir.join("sweep.sbatch")).unwrap();
            assert!(script.contains("#SBATCH --array=0-35\n"), "{script}");
            assert!(script.contains("--only \"$SLURM_ARRAY_TASK_ID\" --json > "));
        }
        run_jobs(&dir, slurm, 36);
        // the directory, and the files named one by one (shuffled)
        let merged = ibias(&["sweep", "--merge", &dir_s, "--json"]);
        assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
        assert_eq!(merged.stdout, local_json.stdout, "{kind}");
        let mut files: Vec<String> = (0..36)
            .map(|i| {
                dir.join(format!("job-{i}.json"))
                    .to_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        files.reverse();
        let mut args = vec!["sweep", "--merge"];
        args.extend(files.iter().map(String::as_str));
        let merged_text = ibias(&args);
        assert_eq!(merged_text.stdout, local_text.stdout, "{kind}");
    }
    // a missing job file: named, exit 2
    let dir = tmp.path().join("parallel");
    std::fs::remove_file(dir.join("job-7.json")).unwrap();
    let o = ibias(&["sweep", "--merge", dir.to_str().unwrap()]);
    assert_one_error(&o, "point");
    assert!(stderr(&o).contains(": 7 "), "{}", stderr(&o));
    // a job of another grid
    let other = ibias(&[
        "sweep",
        "--planted",
        "20:2:1",
        "--steps",
        "100",
        "--only",
        "0",
        "--json",
    ]);
    std::fs::write(dir.join("job-7.json"), &other.stdout).unwrap();
    let o = ibias(&["sweep", "--merge", dir.to_str().unwrap()]);
    assert_one_error(&o, "another sweep");
    // a point given twice
    let p3 = dir.join("job-3.json");
    let o = ibias(&[
        "sweep",
        "--merge",
        p3.to_str().unwrap(),
        p3.to_str().unwrap(),
    ]);
    assert_one_error(&o, "twice");
}

fn assert_one_error(o: &Output, needle: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(o.stdout.is_empty(), "{}", stdout(o));
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 1, "{e}");
    assert!(lines[0].starts_with("ibias: error: "), "{e}");
    assert!(lines[0].contains(needle), "{e}");
}

/// The angle in degrees between two vectors, by the law of cosines (a formula of its own,
/// not the program's).
fn angle(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    (dot / na / nb).clamp(-1.0, 1.0).acos().to_degrees()
}

fn f(v: &Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn each_point_is_the_run_its_command_reproduces() {
    let three = three();
    let o = ibias(&[
        "sweep",
        "--data",
        &three,
        "--lr",
        "1/64,auto",
        "--init",
        "origin",
        "--init",
        "1/2,-1/2",
        "--optimizers",
        "gd,sign,adagrad:eps=0",
        "--steps",
        "1e4",
        "--precision",
        "f64",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    // the oracle's w_hat is the hand derivation's (2/5, 1/5)
    assert_eq!(
        v["grid"]["data"][0]["w_hat"],
        serde_json::json!(["2/5", "1/5"])
    );
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 12);
    let mut gd_seen = 0;
    for p in points {
        let cmd = p["command"].as_str().unwrap();
        assert!(cmd.starts_with("ibias run "), "{cmd}");
        let run = Command::new("sh")
            .args(["-c", &format!("{BIN} {} --json", &cmd["ibias ".len()..])])
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(
            run.status.code(),
            Some(p["exit"].as_u64().unwrap() as i32),
            "{cmd}"
        );
        assert_eq!(r["status"], p["status"]);
        assert_eq!(r["lr"], p["lr_used"]);
        let last = r["checkpoints"].as_array().unwrap().last().unwrap().clone();
        // w(T) exactly (its binary value as p/q), the angle by acos in the test
        let w: Vec<f64> = last["w_exact"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let (p, q) = v
                    .as_str()
                    .unwrap()
                    .split_once('/')
                    .unwrap_or((v.as_str().unwrap(), "1"));
                p.parse::<f64>().unwrap() / q.parse::<f64>().unwrap()
            })
            .collect();
        let a = angle(&w, &[0.4, 0.2]);
        let got = f(&p["angle_deg"]);
        // 4 significant digits (half a unit of the 4th: 5e-4 relative), and acos loses
        // digits near 0 (1e-6 deg)
        assert!((a - got).abs() <= 5e-4 * a + 1e-6, "{cmd}: {a} vs {got}");
        let m = f(&last["min_margin"]);
        assert!((m - f(&p["margin"])).abs() <= 1e-5 * m.abs(), "{cmd}");
        if p["optimizer"] == "gd" {
            gd_seen += 1;
            assert_eq!(p["counts"], r["theory"]["counts"], "{cmd}");
            assert_eq!(p["judgement"], r["theory"]["judgement"], "{cmd}");
        } else {
            assert!(p["counts"].is_null());
        }
    }
    assert_eq!(gd_seen, 4);
}

#[test]
fn bad_grids_are_one_error_line_and_nothing_runs() {
    let three = three();
    for (args, needle) in [
        (vec!["sweep", "--data", &three, "--init", "1,2,3"], "init"),
        (
            vec!["sweep", "--data", &three, "--optimizers", "gd:lr=1/8"],
            "--lr",
        ),
        (vec!["sweep", "--data", &three, "--lr", "1/8,-1"], "lr"),
        (vec!["sweep", "--data", &three, "--only", "1"], "only"),
        (vec!["sweep", "--data", &three, "--jobs", "0"], "jobs"),
        (vec!["sweep", "--data", &three, "--starts", "0"], "starts"),
        (vec!["sweep", "--planted", "20:2"], "N:D:SEED"),
        (vec!["sweep"], "no data"),
        (vec!["sweep", "--data", "-"], "stdin"),
        (
            vec!["sweep", "--data", &three, "--emit", "pbs", "/tmp/x"],
            "slurm",
        ),
        (vec!["sweep", "--merge", &three], "not the JSON"),
    ] {
        let o = ibias(&args);
        assert_one_error(&o, needle);
    }
    // non-separable data: the Gordan witness
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("xor.csv");
    std::fs::write(&p, "x1,x2,y\n1,0,1\n-1,0,1\n").unwrap();
    let o = ibias(&["sweep", "--data", p.to_str().unwrap()]);
    assert_one_error(&o, "not linearly separable");
}

#[test]
fn sigint_prints_the_points_that_ran_and_exits_3() {
    let three = three();
    let child = Command::new(BIN)
        .args([
            "sweep",
            "--data",
            &three,
            "--lr",
            "1/64",
            "--optimizers",
            "gd,momentum,adam",
            "--steps",
            "1e12",
            "--precision",
            "dd",
            "--jobs",
            "1",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ibias");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let k = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(k.success());
    let o = child.wait_with_output().expect("ibias ends");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["status"], "interrupted");
    let p = v["points"].as_array().unwrap();
    assert_eq!(p.len(), 3);
    // one thread: the first point was running, the others never began
    assert_eq!(p[0]["status"], "interrupted");
    assert!(p[0]["steps_taken"].as_u64().unwrap() > 1000);
    assert_eq!(p[0]["exit"], 3);
    for q in &p[1..] {
        assert_eq!(q["status"], "not_run");
        assert_eq!(q["steps_taken"], 0);
    }
}

/// K-class data in a sweep (docs/theory/multiclass.md): each point runs as `ibias run` runs
/// them — the softmax by default, `--loss exp` the lifted exponential loss — and its row is
/// that run's (the exit status and verdict counts of `ibias run --json` of the row's command).
/// The grid's answer is the hand-solved K-class SVM `vec(Ŵ) = (2/3, −1/3, −1/3, 2/3, −1/3,
/// −1/3)` of tests/data/three_classes.csv; sign descent's row is 19.47° from it, the angle
/// between the ℓ2 and the ℓ∞ answers derived by hand in tests/multiclass.rs
/// (`cos = 8/√72`), while GD's is closer.
#[test]
fn k_class_data_run_in_a_sweep_as_ibias_run_runs_them() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/three_classes.csv");
    for loss in [None, Some("exp")] {
        let mut args = vec![
            "sweep",
            "--data",
            data,
            "--optimizers",
            "gd,sign",
            "--lr",
            "1/128",
            "--steps",
            "1e4",
            "--precision",
            "dd",
            "--json",
        ];
        if let Some(l) = loss {
            args.extend(["--loss", l]);
        }
        let o = ibias(&args);
        // every point ran to its report (each point's status is in its row)
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v = json(&o);
        let info = &v["grid"]["data"][0];
        assert_eq!(info["classes"], 3, "{info}");
        assert_eq!(
            info["w_hat"],
            serde_json::json!(["2/3", "-1/3", "-1/3", "2/3", "-1/3", "-1/3"])
        );
        let points = v["points"].as_array().unwrap();
        let angle = |p: &Value| -> f64 { p["angle_deg"].as_str().unwrap().parse().unwrap() };
        let ell_inf = (8.0 / 72f64.sqrt()).acos().to_degrees();
        assert!((angle(&points[1]) - ell_inf).abs() < 0.01, "{}", points[1]);
        assert!(angle(&points[0]) < ell_inf / 2.0, "{}", points[0]);
        for p in points {
            let cmd = p["command"].as_str().unwrap();
            assert_eq!(cmd.contains("--loss exp"), loss.is_some(), "{cmd}");
            let words: Vec<&str> = cmd.split_whitespace().skip(1).collect();
            let mut run_args = words.clone();
            run_args.push("--json");
            let r = ibias(&run_args);
            assert_eq!(
                r.status.code(),
                Some(p["exit"].as_u64().unwrap() as i32),
                "{cmd}"
            );
            let rv = json(&r);
            assert_eq!(
                rv["loss"].as_str().unwrap(),
                if loss.is_some() { "exp" } else { "softmax" },
                "{cmd}"
            );
            if p["optimizer"] == "gd" {
                let c = &rv["theory"]["counts"];
                for (k, n) in [
                    ("pass", "pass"),
                    ("weak", "weak"),
                    ("fail", "fail"),
                    ("n/a", "n/a"),
                ] {
                    assert_eq!(p["counts"][k], c[n], "{cmd}");
                }
            }
        }
    }
}
