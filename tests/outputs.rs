//! The outputs of `ibias run`, through the real binary: the iterate w(t) at every checkpoint
//! (decimals with the guaranteed digits, the last one also exactly), the CSV trajectory, the
//! checkpoint schedules, and the report of an interrupted run.

mod edge;
use edge::{ibias, no_internal_error, stderr, tmp};

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

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

/// Theory §9 R2: the four Fig. 1 support vectors (ŵ = (1/2, 1/2)).
const R2: &str = "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n";

fn checkpoint_steps(v: &Value) -> Vec<u64> {
    v["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["t"].as_u64().unwrap())
        .collect()
}

#[test]
fn checkpoint_schedules_are_the_hand_computed_steps() {
    let (_d, p) = tmp("r2.csv", R2);
    let run = |extra: &[&str]| {
        let v = run_json(
            &p,
            &[&["--lr", "1/8", "--precision", "f64"], extra].concat(),
        );
        checkpoint_steps(&v)
    };
    // ⌊1.5^k⌋ = 1, 1, 2, 3, 5, 7, then 11 > 10
    assert_eq!(
        run(&["--steps", "10", "--base", "1.5"]),
        [0, 1, 2, 3, 5, 7, 10]
    );
    assert_eq!(
        run(&["--steps", "10", "--base", "3/2"]),
        [0, 1, 2, 3, 5, 7, 10]
    );
    // ⌊10^(j/3)⌋ = 1, 2 (2.154), 4 (4.642), 10, 21, 46, 100, 215, 464, 1000
    assert_eq!(
        run(&["--steps", "1000", "--per-decade", "3"]),
        [0, 1, 2, 4, 10, 21, 46, 100, 215, 464, 1000]
    );
    assert_eq!(
        run(&["--steps", "100", "--at", "50,5,1e1"]),
        [0, 5, 10, 50, 100]
    );
    // the default: powers of 10
    assert_eq!(run(&["--steps", "100"]), [0, 1, 10, 100]);
    // the diagnostics table shows the same rows (t >= 1)
    let o = ibias(&[
        "run",
        "--data",
        p.to_str().unwrap(),
        "--lr",
        "1/8",
        "--precision",
        "f64",
        "--steps",
        "100",
        "--at",
        "5,50",
    ]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let diag = text
        .split("# diagnostics")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .expect("a diagnostics table");
    let rows: Vec<&str> = diag
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(rows, ["5", "50", "100"], "{diag}");
}

#[test]
fn bad_schedules_are_one_line_errors() {
    let (_d, p) = tmp("r2.csv", R2);
    for bad in [
        &["--base", "1"][..],
        &["--base", "0.5"],
        &["--base", "-2"],
        &["--base", "x"],
        &["--per-decade", "0"],
        &["--per-decade", "1000"],
        &["--at", "200"],
        &["--at", "5,x"],
        &["--at", "5", "--base", "2"],
        &["--at", "5", "--per-decade", "2"],
    ] {
        let mut args = vec!["run", "--data", p.to_str().unwrap(), "--steps", "100"];
        args.extend_from_slice(bad);
        let o = ibias(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{bad:?}: {err}");
        assert!(err.starts_with("ibias: error: "), "{bad:?}: {err}");
    }
}

#[test]
fn the_csv_trajectory_is_the_json_one_in_a_tidy_table() {
    let (d, p) = tmp("r2.csv", R2);
    let csv_path = d.path().join("traj.csv");
    let v = run_json(
        &p,
        &[
            "--lr",
            "1/8",
            "--precision",
            "dd",
            "--steps",
            "1000",
            "--per-decade",
            "2",
            "--init",
            "1,-1",
            "--csv",
            csv_path.to_str().unwrap(),
        ],
    );
    let mut reader = csv::Reader::from_path(&csv_path).expect("a CSV file");
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head[..8],
        [
            "t",
            "w1",
            "w2",
            "ln_loss",
            "norm",
            "dir_err",
            "min_margin",
            "norm_over_ln_t"
        ]
    );
    assert!(head.contains(&"gap".to_string()) && head.contains(&"rho_err".to_string()));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let cps = v["checkpoints"].as_array().unwrap();
    assert_eq!(rows.len(), cps.len());
    assert_eq!(checkpoint_steps(&v), [0, 1, 3, 10, 31, 100, 316, 1000]);
    let diags = v["theory"]["diagnostics"].as_array().unwrap();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let num = |s: &str| {
        s.parse::<f64>()
            .unwrap_or_else(|_| panic!("{s:?} is not a number"))
    };
    for (row, cp) in rows.iter().zip(cps) {
        // plain numbers or empty cells (a null in the JSON), nothing else
        for cell in row.iter().filter(|c| !c.is_empty()) {
            num(cell);
        }
        assert_eq!(row[0], cp["t"].to_string());
        assert_eq!(row[col("w1")], cp["w"][0]);
        assert_eq!(row[col("w2")], cp["w"][1]);
        assert_eq!(row[col("ln_loss")], cp["ln_loss"]);
        let diag = diags.iter().find(|g| g["t"] == cp["t"]).unwrap();
        assert_eq!(row[col("dir_err")], diag["dir_err"]);
        // an independent reading of the row: ‖w‖ from its own coordinates
        let (w1, w2, n) = (
            num(&row[col("w1")]),
            num(&row[col("w2")]),
            num(&row[col("norm")]),
        );
        assert!(
            ((w1 * w1 + w2 * w2).sqrt() - n).abs() <= 1e-12 * n.max(1.0),
            "{row:?}"
        );
    }
    // t = 0: no ln t, so no |w|/ln t
    assert_eq!(rows[0][col("norm_over_ln_t")], *"");
}

/// Starts `ibias run` on R2 for 10^12 steps (hours), sends `signal` after a second, and
/// returns its output.
fn interrupted_run(signal: &str, extra: &[&str]) -> Output {
    let (_d, p) = tmp("r2.csv", R2);
    let child = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args([
            "run",
            "--data",
            p.to_str().unwrap(),
            "--lr",
            "1/16",
            "--precision",
            "dd",
        ])
        .args(["--steps", "1e12"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start ibias");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let k = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(k.success());
    let o = child.wait_with_output().expect("ibias ends");
    no_internal_error(o.status.code(), &o.stderr);
    o
}

#[test]
fn sigint_prints_what_was_computed_and_exits_3() {
    let o = interrupted_run("-INT", &["--json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["status"], "interrupted");
    let at = v["status_at"].as_u64().unwrap();
    assert_eq!(v["steps_taken"].as_u64(), Some(at));
    // far from the end, well past the start: a second of double-double steps
    assert!((1000..1_000_000_000_000).contains(&at), "{at}");
    // the last row is the iterate reached, exactly
    let cps = checkpoint_steps(&v);
    assert_eq!(cps.last(), Some(&at));
    assert_eq!(cps[..4], [0, 1, 10, 100]);
    assert_eq!(last_exact(&v).len(), 2);
    // the theory checks judged the reached checkpoints, and the judgement says why it is open
    let th = &v["theory"];
    assert_eq!(th["judgement"], "inconclusive");
    assert!(th["verdicts"].as_array().is_some_and(|a| !a.is_empty()));
    let why = th["inconclusive"].as_str().unwrap();
    assert!(why.contains(&format!("interrupted at t={at}")), "{why}");
}

#[test]
fn sigterm_prints_the_table_and_the_theory_report() {
    let o = interrupted_run("-TERM", &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("# status: interrupted at t="), "{text}");
    assert!(text.contains("# verdicts:"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("# inconclusive: the run stopped early (interrupted at t="),
        "{last}"
    );
}

/// Starts `ibias args` with R2 as `--data`, sends `signal` after `wait_ms`, and returns its
/// output (the same signal handling as `run`: the report of what was computed).
fn interrupted(args: &[&str], signal: &str, wait_ms: u64) -> Output {
    let (_d, p) = tmp("r2.csv", R2);
    let child = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .args(["--data", p.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start ibias");
    std::thread::sleep(std::time::Duration::from_millis(wait_ms));
    let k = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(k.success());
    let o = child.wait_with_output().expect("ibias ends");
    no_internal_error(o.status.code(), &o.stderr);
    o
}

/// `ibias compare` for 10^12 steps per optimizer, interrupted: every row stops where it was
/// (status `interrupted`), the JSON report is printed, and the judgement is open (exit 3),
/// saying why; SIGTERM gives the same as text.
#[test]
fn sigint_during_compare_prints_the_comparison_and_exits_3() {
    let args = [
        "compare",
        "--steps",
        "1e12",
        "--optimizers",
        "gd,momentum,adam",
    ];
    let o = interrupted(&[&args[..], &["--json"]].concat(), "-INT", 1000);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["status"], "interrupted");
    let rows = v["comparison"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert_eq!(r["status"], "interrupted", "{r}");
        assert_eq!(r["verdict"], "not_reached", "{r}");
        assert!(r["steps"].as_u64().unwrap() < 1_000_000_000_000, "{r}");
    }
    // the first optimizer ran for about a second before the signal
    assert!(rows[0]["steps"].as_u64().unwrap() > 1000, "{}", rows[0]);
    let why = v["comparison"]["inconclusive"].as_str().unwrap_or_default();
    assert!(why.contains("interrupted: run it to the end"), "{v}");
    assert!(!why.contains("smaller step"), "{why}");
    let o = interrupted(&args, "-TERM", 1000);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("# status: interrupted (SIGINT or SIGTERM)"),
        "{text}"
    );
    assert!(text.contains("  interrupted  "), "{text}");
}

/// `ibias flow` to s = 10^15 at 1024 bits (more than ten minutes), interrupted after two
/// seconds: the rows end at the log-time reached (status `interrupted`) and the report is
/// printed; exit 3 naming the interruption, or 1 if a claim FAILs at the points reached (as
/// for `run`; the flow's verdicts judge the last point as the horizon, docs/cli.md).
#[test]
fn sigint_during_flow_prints_the_points_reached() {
    let args = ["flow", "--until", "1e15", "--precision", "1024"];
    let o = interrupted(&[&args[..], &["--json"]].concat(), "-INT", 2000);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["status"], "interrupted", "{v}");
    let at: f64 = v["interrupted_at_s"].as_str().unwrap().parse().unwrap();
    assert!(at > 0.0 && at < 1e15, "{at}");
    let cps = v["checkpoints"].as_array().unwrap();
    let last: f64 = cps.last().unwrap()["s"].as_str().unwrap().parse().unwrap();
    assert!((last - at).abs() <= 1e-9 * at, "{last} {at}");
    match o.status.code() {
        Some(3) => {
            let why = v["inconclusive"].as_str().unwrap();
            assert!(why.contains("interrupted at s = "), "{why}");
        }
        Some(1) => assert_eq!(v["judgement"], "fails"),
        c => panic!("exit {c:?}: {}", stderr(&o)),
    }
    let o = interrupted(&args, "-TERM", 2000);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("# status: interrupted at s = "), "{text}");
    assert!(matches!(o.status.code(), Some(1 | 3)), "{}", stderr(&o));
}

/// `ibias run` on R2 with `args` and the JSON report; the exit status is not judged here.
fn run_on(data: &Path, args: &[&str]) -> (Value, Output) {
    let mut all = vec!["run", "--data", data.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    let o = ibias(&all);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{args:?}: {}",
        stderr(&o)
    );
    (serde_json::from_slice(&o.stdout).expect("JSON"), o)
}

/// `--save-state` after T1 steps and `--resume` to T is bit-identical to one run of T steps,
/// for every optimizer with memory (momentum's velocity, Adam's moments and step counters,
/// SGD's random source and epoch) and every precision: the same final iterate (exact), the same
/// state file byte for byte, and the same document — every checkpoint row, before T1 too (the
/// state carries the samples), and for GD the same theory verdicts — but for the command echo
/// and the wall time (and `lr_auto`). The witness is the uninterrupted run, not the resumed
/// one's own output.
#[test]
fn a_resumed_run_is_bit_identical_to_one_run() {
    let (d, data) = tmp("r2.csv", R2);
    let file = |n: &str| d.path().join(n).display().to_string();
    for opt in [
        "gd",
        "momentum",
        "nesterov",
        "adam",
        "adagrad",
        "rmsprop",
        "sgd:batch=3",
        "sign",
    ] {
        for prec in ["f64", "dd", "128"] {
            let common = ["--optimizer", opt, "--precision", prec, "--per-decade", "3"];
            let (a, b, c) = (file("a.json"), file("b.json"), file("c.json"));
            run_on(
                &data,
                &[&common[..], &["--steps", "301", "--save-state", &a]].concat(),
            );
            let (resumed, _) = run_on(
                &data,
                &[
                    &common[..],
                    &["--steps", "2000", "--resume", &a, "--save-state", &b],
                ]
                .concat(),
            );
            let (whole, _) = run_on(
                &data,
                &[&common[..], &["--steps", "2000", "--save-state", &c]].concat(),
            );
            let what = format!("{opt} {prec}");
            let (sb, sc) = (std::fs::read(&b).unwrap(), std::fs::read(&c).unwrap());
            assert!(sb == sc, "{what}: the state files differ");
            let state: Value = serde_json::from_slice(&sc).unwrap();
            assert_eq!(state["t"], 2000, "{what}");
            assert_eq!(last_exact(&resumed), last_exact(&whole), "{what}");
            // the rows after t = 301 are the uninterrupted run's
            let after = |v: &Value| -> Vec<Value> {
                v["checkpoints"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["t"].as_u64().unwrap() > 301)
                    .cloned()
                    .collect()
            };
            assert!(!after(&whole).is_empty());
            assert_eq!(after(&resumed), after(&whole), "{what}");
            let bare = |v: &Value| {
                let mut v = v.clone();
                // (`lr_auto`: the resumed run takes the state's step, not a pick of its own)
                for k in ["command", "elapsed_s", "lr_auto"] {
                    v.as_object_mut().unwrap().remove(k);
                }
                v
            };
            assert_eq!(bare(&resumed), bare(&whole), "{what}: the whole document");
            if opt == "gd" {
                assert!(whole["theory"]["verdicts"]
                    .as_array()
                    .is_some_and(|v| !v.is_empty()));
            }
            // a version-1 state (no samples) resumes too, and its run sees only the rows
            // after T1: the samples are what makes the whole document the same
            let mut v1: Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
            v1["version"] = 1.into();
            v1.as_object_mut().unwrap().remove("samples");
            let old = file("v1.json");
            std::fs::write(&old, v1.to_string()).unwrap();
            let (partial, _) = run_on(
                &data,
                &[&common[..], &["--steps", "2000", "--resume", &old]].concat(),
            );
            assert_eq!(last_exact(&partial), last_exact(&whole), "{what}");
            let rows = partial["checkpoints"].as_array().unwrap();
            assert!(
                rows.iter().all(|r| r["t"].as_u64().unwrap() >= 301),
                "{what}"
            );
            assert_ne!(bare(&partial), bare(&whole), "{what}");
        }
    }
    // memory that is not the fresh optimizer's: the state after 301 steps of Adam is not the
    // state at 0 (a resume that re-initialized the moments would differ above)
    let a = file("adam.json");
    run_on(
        &data,
        &["--optimizer", "adam", "--steps", "301", "--save-state", &a],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    assert_eq!(v["format"], "ibias-state");
    assert_eq!(v["version"], 2);
    assert_ne!(v["memory"][0][0], "0");
}

/// `--lr auto` on resume takes the state's step, never a new pick; a state that does not
/// belong to the run is refused with one line (exit 2).
#[test]
fn a_state_of_another_run_is_refused() {
    let (d, data) = tmp("r2.csv", R2);
    let a = d.path().join("a.json").display().to_string();
    let (first, _) = run_on(
        &data,
        &["--steps", "100", "--lr", "1/64", "--save-state", &a],
    );
    assert_eq!(first["status"], "completed");
    // auto would pick 1/16 on R2; the resumed run keeps 1/64
    let (v, _) = run_on(&data, &["--steps", "200", "--resume", &a]);
    assert!(
        v["command"].as_str().unwrap().contains("--lr 1/64"),
        "{}",
        v["command"]
    );
    let other = d.path().join("other.csv");
    std::fs::write(&other, TWO_POINTS).unwrap();
    let refused: [(Vec<&str>, &str); 7] = [
        (
            vec!["--lr", "1/16"],
            "--optimizer gd:lr=1/64, not gd:lr=1/16",
        ),
        (vec!["--optimizer", "momentum"], "--optimizer"),
        (vec!["--precision", "dd"], "--precision 128, not dd"),
        (vec!["--loss", "logistic"], "--loss exp, not logistic"),
        (vec!["--steps", "50"], "beyond --steps 50"),
        (vec!["--init", "1,1"], "--init and --resume"),
        (vec!["--certify"], "cannot start from a saved state"),
    ];
    for (extra, needle) in refused {
        let mut args = vec![
            "run",
            "--data",
            data.to_str().unwrap(),
            "--steps",
            "200",
            "--resume",
            &a,
        ];
        args.extend_from_slice(&extra);
        let o = ibias(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(
            e.starts_with("ibias: error:") && e.contains(needle),
            "{extra:?}: {e}"
        );
    }
    let o = ibias(&["run", "--data", other.to_str().unwrap(), "--resume", &a]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("other data"), "{}", stderr(&o));
    let junk = d.path().join("junk.json");
    std::fs::write(&junk, "{\"t\": 3}").unwrap();
    let o = ibias(&[
        "run",
        "--data",
        data.to_str().unwrap(),
        "--resume",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an ibias state file"),
        "{}",
        stderr(&o)
    );
    // samples out of order, or beyond the state's t, are refused in one line
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let n = v["samples"].as_array().map_or(0, Vec::len);
    assert!(n >= 3, "the state carries its samples: {}", v["samples"]);
    v["samples"].as_array_mut().unwrap().swap(0, 1);
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let o = ibias(&[
        "run",
        "--data",
        data.to_str().unwrap(),
        "--steps",
        "200",
        "--resume",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.lines().count() == 1 && e.contains("not increasing in t"),
        "{e}"
    );
}

/// `--save-state` with SIGINT: the state the run was stopped in is written, and resuming it
/// reaches the same iterate as one run to the same t.
#[test]
fn an_interrupted_run_saves_its_state() {
    let (d, data) = tmp("r2.csv", R2);
    let a = d.path().join("a.json").display().to_string();
    let o = interrupted_run("-INT", &["--save-state", &a, "--json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let t = v["t"].as_u64().unwrap();
    assert!(t > 0, "{v}");
    let w_at_stop: Vec<Value> = v["w"].as_array().unwrap().clone();
    // one uninterrupted run to the same t, same flags as interrupted_run
    let c = d.path().join("c.json").display().to_string();
    let steps = t.to_string();
    run_on(
        &data,
        &[
            "--lr",
            "1/16",
            "--precision",
            "dd",
            "--steps",
            &steps,
            "--save-state",
            &c,
        ],
    );
    let w: Value = serde_json::from_str(&std::fs::read_to_string(&c).unwrap()).unwrap();
    assert_eq!(w["w"].as_array().unwrap(), &w_at_stop);
}

/// `ibias` with `args`; its stdout, after asserting that nothing failed (exit 0 or 3).
fn stdout_of(args: &[&str]) -> String {
    let o = ibias(args);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{args:?}: {}",
        stderr(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn lr_auto_is_the_largest_power_of_two_meeting_the_descent_condition() {
    // R2 from w = 0: R² = 5/2 and L(0) = 4, so η R² L(0) = 10 η ≤ 0.85 needs η ≤ 0.085:
    // 1/16 (0.0625) meets it, 1/8 (1.25 > 0.85) does not
    let (_d, p) = tmp("r2.csv", R2);
    let data = p.to_str().unwrap();
    let base = [
        "run",
        "--data",
        data,
        "--steps",
        "100",
        "--precision",
        "f64",
    ];
    for extra in [&[][..], &["--lr", "auto"], &["--optimizer", "gd:lr=auto"]] {
        let args = [&base[..], extra, &["--json"]].concat();
        let o = ibias(&args);
        assert!(o.stderr.is_empty(), "{extra:?}: no warning: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["lr"], "1/16", "{extra:?}");
        assert_eq!(v["lr_auto"], true);
        assert!(v["command"].as_str().unwrap().contains("--lr 1/16"));
    }
    let text = stdout_of(&base);
    assert!(text.contains("GD with step 1/16 (auto"), "{text}");
    // from w(0) = (1, 1) every margin is 2, L = 4e^{-2}: the bound 0.85/(R² L) = 0.628
    // admits 1/2 and not 1
    let v: Value = serde_json::from_str(&stdout_of(
        &[&base[..], &["--init", "1,1", "--json"]].concat(),
    ))
    .unwrap();
    assert_eq!(v["lr"], "1/2");
    // an explicit step is kept, and 1/8 from 0 gets the warning
    let o = ibias(&[&base[..], &["--lr", "1/8"]].concat());
    assert!(
        stderr(&o).contains("violates the sufficient descent condition"),
        "{}",
        stderr(&o)
    );
    // compare: the same rule for its GD family
    let c: Value = serde_json::from_str(&stdout_of(&[
        "compare",
        "--data",
        data,
        "--optimizers",
        "gd,momentum:lr=auto",
        "--lr",
        "auto",
        "--steps",
        "100",
        "--precision",
        "f64",
        "--json",
    ]))
    .unwrap();
    let doc = c.to_string();
    assert!(
        doc.contains("gd:lr=1/16") && doc.contains("momentum:lr=1/16"),
        "{doc}"
    );
}
