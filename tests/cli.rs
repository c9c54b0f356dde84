//! Tests that drive the real `ibias` binary: the demo, a `gen | run` round trip, JSON output
//! checked against hand-computed values, and the bad-input contract (one line on stderr,
//! exit status 2, never a panic).

mod edge;
use edge::{ibias, stderr, stdout, tmp};

use std::process::Command;

#[test]
fn gen_then_run_round_trip() {
    let g = ibias(&["gen", "planted", "--n", "20", "--d", "2", "--seed", "5"]);
    assert!(g.status.success(), "{}", stderr(&g));
    let csv = stdout(&g);
    assert_eq!(csv.lines().filter(|l| !l.starts_with('#')).count(), 21);
    let (_d, p) = tmp("p.csv", &csv);
    let o = ibias(&[
        "run",
        "--data",
        p.to_str().unwrap(),
        "--lr",
        "1/8",
        "--steps",
        "1e4",
        "--precision",
        "128",
        "--json",
    ]);
    // 10^4 steps: judged (0) or too short to establish the core claims (3), never a FAIL
    assert!(
        matches!(o.status.code(), Some(0) | Some(3)),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "completed");
    assert_eq!(v["data"]["n"], 20);
    assert_eq!(v["lr"], "1/8");
    let cps = v["checkpoints"].as_array().unwrap();
    let ts: Vec<u64> = cps.iter().map(|c| c["t"].as_u64().unwrap()).collect();
    assert_eq!(ts, vec![0, 1, 10, 100, 1000, 10000]);
    // The loss decreases along the run (theory §1.1, Lemma 1).
    let lnl: Vec<f64> = cps
        .iter()
        .map(|c| c["ln_loss"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(lnl.windows(2).all(|w| w[1] < w[0]), "{lnl:?}");
}

/// R1 (theory §9) with η = 1/2 from w(0) = (0, 3/10): one GD step gives
/// w(1) = (0 + η·e^0, 3/10) = (1/2, 3/10), so ‖w(1)‖ = √(0.25 + 0.09) = 0.5830951894845300...,
/// ln L(w(1)) = −1/2, t·L = e^{−1/2} = 0.6065306597126334...
#[test]
fn run_json_matches_hand_computed_first_step() {
    let (_d, p) = tmp("r1.csv", "x1,x2,y\n1,0,1\n");
    let o = ibias(&[
        "run",
        "--data",
        p.to_str().unwrap(),
        "--lr",
        "1/2",
        "--init",
        "0,3/10",
        "--steps",
        "1",
        "--json",
    ]);
    // one step establishes nothing: exit 3 (inconclusive), with the reason in the JSON
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &v["checkpoints"][1];
    assert_eq!(c["t"], 1);
    let f = |k: &str| c[k].as_str().unwrap().parse::<f64>().unwrap();
    assert!((f("norm") - 0.583_095_189_484_53).abs() < 1e-15);
    assert!((f("ln_loss") + 0.5).abs() < 1e-15);
    assert!((f("t_loss") - 0.606_530_659_712_633).abs() < 1e-15);
}

#[test]
fn f64_precision_runs_and_reports_status() {
    let (_d, p) = tmp("r1.csv", "x1,x2,y\n1,0,1\n");
    let o = ibias(&[
        "run",
        "--data",
        p.to_str().unwrap(),
        "--precision",
        "f64",
        "--steps",
        "1000",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("# status: completed"));
}

#[test]
fn stdin_data_is_accepted() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(["run", "--data", "-", "--steps", "10", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x1,y\n1,1\n-2,-1\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        matches!(o.status.code(), Some(0) | Some(3)),
        "{:?}",
        o.status
    );
}

/// Each bad input: exit status 2, exactly one line on stderr, naming what and where.
#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        ("empty", "", &[], "no data rows"),
        ("header-only", "x1,x2,y\n", &[], "header but no data rows"),
        ("ragged", "x1,x2,y\n1,2,1\n3,-1\n", &[], ":3:"),
        ("non-numeric", "x1,x2,y\n1,2,1\n3,abc,-1\n", &[], ":3:2:"),
        ("nan", "x1,x2,y\n1,nan,1\n", &[], ":2:2:"),
        ("inf", "x1,x2,y\n1,2,1\n-inf,2,-1\n", &[], ":3:1:"),
        ("huge", "x1,x2,y\n1,1e999,1\n", &[], ":2:2:"),
        ("label", "x1,x2,y\n1,2,0\n", &[], ":2:3:"),
        ("label2", "x1,x2,y\n1,2,2\n", &[], "label"),
        ("zero-cols", "y\n1\n", &[], "header has no feature columns"),
        ("prec0", "x1,y\n1,1\n", &["--precision", "0"], "precision"),
        ("prec1", "x1,y\n1,1\n", &["--precision", "1"], "precision"),
        (
            "prec-absurd",
            "x1,y\n1,1\n",
            &["--precision", "1000000000"],
            "precision",
        ),
        (
            "prec-junk",
            "x1,y\n1,1\n",
            &["--precision", "quad"],
            "precision",
        ),
        ("lr0", "x1,y\n1,1\n", &["--lr", "0"], "lr"),
        ("lr-neg", "x1,y\n1,1\n", &["--lr", "-1/8"], "lr"),
        ("lr-huge", "x1,y\n1,1\n", &["--lr", "1e300"], "lr"),
        ("steps-neg", "x1,y\n1,1\n", &["--steps", "-5"], "steps"),
        ("steps-huge", "x1,y\n1,1\n", &["--steps", "1e30"], "steps"),
        ("steps-frac", "x1,y\n1,1\n", &["--steps", "1.5"], "steps"),
        ("init-len", "x1,y\n1,1\n", &["--init", "1,2"], "init"),
        ("init-junk", "x1,y\n1,1\n", &["--init", "x"], "init"),
    ];
    for (name, contents, extra, needle) in cases {
        let (_d, p) = tmp(&format!("{name}.csv"), contents);
        let mut args = vec!["run", "--data", p.to_str().unwrap(), "--steps", "10"];
        args.extend_from_slice(extra);
        let o = ibias(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("ibias: error: "), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err:?} lacks {needle:?}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(stdout(&o).is_empty(), "{name}: partial output");
    }
    let o = ibias(&["run", "--data", "/nonexistent/file.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("/nonexistent/file.csv"), "{err}");
    assert_eq!(err.lines().count(), 1);
    let o = ibias(&["gen", "nosuchset"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The demo (`ibias` with no arguments): Fig. 1 data, GD at 128 bits to 10^6 steps.
/// Witnesses (theory §1.6, §2.2): ŵ = (1/2, 1/2), so the direction tends to (1, 1)/√2, the
/// normalized margin to γ* = √2, and t·L to ‖ŵ‖²/η = 256 for η = 1/512.
#[test]
fn demo_prints_the_table() {
    let o = ibias(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // the convergence table is the first table (the theory diagnostics follow it)
    let last = out
        .lines()
        .find(|l| l.trim_start().starts_with("1000000"))
        .expect("row t = 10^6");
    let cells: Vec<&str> = last.split_whitespace().collect();
    let t_loss: f64 = cells[4].parse().unwrap();
    assert!((t_loss / 256.0 - 1.0).abs() < 0.02, "t·L = {t_loss}");
    let margin: f64 = cells.last().unwrap().parse().unwrap();
    assert!(
        margin < std::f64::consts::SQRT_2 && margin > 1.40,
        "margin {margin}"
    );
}

/// Adam in double-double on the three-answer set leaves the range at t = 6375 (its margins
/// grow linearly, docs/optimizers.md): the table shows `-` for its undefined direction and
/// angles, never `NaN`, and the note says the secant's T′ = 10⁴ was not reached.
#[test]
fn compare_prints_no_nan_for_a_run_that_left_the_range() {
    let o = ibias(&[
        "compare",
        "--data",
        "tests/data/three_answers.csv",
        "--optimizers",
        "gd,adam",
        "--precision",
        "dd",
    ]);
    let out = stdout(&o);
    // adam's claim was not reached: the comparison is inconclusive (exit 3) and says so
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let last = out.lines().last().unwrap_or_default();
    assert!(last.contains("adam not reached"), "{last}");
    assert!(!out.contains("NaN"), "{out}");
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("adam "))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "non_finite", "{row}");
    assert_eq!(&cells[2..5], ["-", "-", "-"], "{row}");
    assert!(out.contains("T' = 10000 (not reached)"), "{out}");
}

/// `--precision dd` (double-double, docs/speed.md) against MPFR at 256 bits on the same run:
/// every number the dd run prints agrees with the 256-bit run to within one unit of its
/// last printed digit (the digits `report::trusted_digits` grants dd at that step, from its
/// 103 accuracy bits), and the theory verdicts are the same.
#[test]
fn dd_precision_agrees_with_256_bits_to_its_printed_digits() {
    let g = ibias(&["gen", "planted", "--n", "20", "--d", "2", "--seed", "5"]);
    assert!(g.status.success(), "{}", stderr(&g));
    let (_d, p) = tmp("p.csv", &stdout(&g));
    let run = |prec: &str| {
        let o = ibias(&[
            "run",
            "--data",
            p.to_str().unwrap(),
            "--lr",
            "1/8",
            "--steps",
            "2e4",
            "--precision",
            prec,
            "--json",
        ]);
        assert!(
            matches!(o.status.code(), Some(0) | Some(3)),
            "{prec}: {}",
            stderr(&o)
        );
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let (dd, mp) = (run("dd"), run("256"));
    assert_eq!(dd["precision"], "double-double (106 bits)");
    assert_eq!(dd["bits"], 106);
    assert_eq!(dd["status"], "completed");
    // `a` printed with `digits` significant digits agrees with the reference `b`.
    let close = |a: &serde_json::Value, b: &serde_json::Value, digits: i32, what: &str| {
        let (Some(a), Some(b)) = (a.as_str(), b.as_str()) else {
            assert_eq!(a, b, "{what}");
            return;
        };
        let x = rug::Float::with_val(256, rug::Float::parse(a).unwrap());
        let y = rug::Float::with_val(256, rug::Float::parse(b).unwrap());
        let err = (x - &y).abs().to_f64();
        let tol = 10f64.powi(1 - digits) * y.abs().to_f64();
        assert!(
            err <= tol,
            "{what}: dd {a} vs 256 bits {b} ({digits} digits)"
        );
    };
    let (cd, cm) = (
        dd["checkpoints"].as_array().unwrap(),
        mp["checkpoints"].as_array().unwrap(),
    );
    assert_eq!(cd.len(), cm.len());
    let mut checked = 0;
    for (a, b) in cd.iter().zip(cm) {
        assert_eq!(a["t"], b["t"]);
        let dg = a["digits"].as_i64().unwrap() as i32;
        assert!(dg >= 20, "dd grants {dg} digits at t = {}", a["t"]);
        for k in ["norm", "ln_loss", "t_loss", "min_margin", "norm_over_ln_t"] {
            close(&a[k], &b[k], dg, &format!("t={} {k}", a["t"]));
            checked += 1;
        }
        if let (Some(u), Some(v)) = (a["direction"].as_array(), b["direction"].as_array()) {
            for (x, y) in u.iter().zip(v) {
                close(x, y, dg, &format!("t={} direction", a["t"]));
            }
        }
    }
    assert!(checked >= 25);
    let (vd, vm) = (
        dd["theory"]["verdicts"].as_array().unwrap(),
        mp["theory"]["verdicts"].as_array().unwrap(),
    );
    assert_eq!(vd.len(), vm.len());
    for (a, b) in vd.iter().zip(vm) {
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["status"], b["status"], "verdict {}", a["id"]);
    }
}

/// R2 of theory §9 as a CSV file.
fn r2_file(dir: &tempfile::TempDir) -> String {
    let p = dir.path().join("r2.csv");
    std::fs::write(
        &p,
        "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n",
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

/// The step of the optimizer spec is the step of the analysis, the echo and the JSON:
/// `gd:lr=1/512` on R2 predicts `C_L = ‖ŵ‖²/η = (1/2)·512 = 256` (hand value), not the
/// default step's 4; `adam:lr=1/10` reports 1/10.
#[test]
fn the_spec_step_is_the_step_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let f = r2_file(&dir);
    let o = ibias(&[
        "run",
        "--data",
        &f,
        "--optimizer",
        "gd:lr=1/512",
        "--steps",
        "10",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["lr"], "1/512");
    assert!(
        v["command"].as_str().unwrap().contains("--lr 1/512"),
        "{}",
        v["command"]
    );
    assert_eq!(
        v["theory"]["prediction"]["constants"]["C_L"]["value"],
        "256"
    );
    let o = ibias(&[
        "run",
        "--data",
        &f,
        "--optimizer",
        "adam:lr=1/10",
        "--steps",
        "10",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["lr"], "1/10");
    assert!(
        v["command"].as_str().unwrap().contains("--lr 1/10"),
        "{}",
        v["command"]
    );
}

/// A run that proved nothing does not say it holds: Fig. 1 with `--lr 10` freezes after one
/// step (every weight below the precision), no core claim can be judged: exit 3, the reason
/// on the last line and in the JSON.
#[test]
fn a_run_that_proved_nothing_is_inconclusive() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fig1.csv");
    let g = ibias(&["gen", "fig1", "--seed", "1"]);
    std::fs::write(&p, &g.stdout).unwrap();
    let f = p.to_str().unwrap();
    let o = ibias(&["run", "--data", f, "--lr", "10", "--steps", "1e4"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("all checked claims hold"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("# inconclusive: core claim(s) not established"),
        "{last}"
    );
    assert!(out.contains("# verdicts: "), "{out}");
    let o = ibias(&["run", "--data", f, "--lr", "10", "--steps", "1e4", "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["theory"]["judgement"], "inconclusive");
    assert!(v["theory"]["inconclusive"]
        .as_str()
        .unwrap()
        .contains("residual"));
    assert_eq!(v["theory"]["counts"]["fail"], 0);
}

/// `--conjecture`: on R2 from (1, −1) at 10^5 double-double steps the true `w̃ = (0, 0)`
/// (theory §9: `z_nᵀw̃ = ln(η/α_n) = 0` for η = α_n = 1/8) PASSes and the run holds (exit
/// 0); `w̃ = (1/10, 0)` FAILs (exit 1), marked as the user's; a malformed one is bad input.
#[test]
fn conjectures_are_judged_and_a_wrong_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let f = r2_file(&dir);
    let base = [
        "run",
        "--data",
        &f,
        "--lr",
        "1/8",
        "--init",
        "1,-1",
        "--steps",
        "1e5",
        "--precision",
        "dd",
    ];
    let with = |c: &str| {
        let mut a = base.to_vec();
        a.extend(["--conjecture", c]);
        ibias(&a)
    };
    let o = with("w_tilde=0,0");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("(user)"));
    let o = with("w_tilde=1/10,0");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.contains("ρ(t) = w(t) − ŵ ln t → w̃"))
        .unwrap();
    assert!(row.starts_with("FAIL"), "{row}");
    assert!(
        out.contains("--conjecture w_tilde=1/10,0"),
        "the echo names it"
    );
    for bad in ["w_tilde=1", "nope=1", "kappa=-1", "C_L"] {
        let o = with(bad);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let e = stderr(&o);
        let errors: Vec<&str> = e
            .lines()
            .filter(|l| !l.starts_with("ibias: warning: "))
            .collect();
        assert_eq!(errors.len(), 1, "{bad}: {e}");
        assert!(
            errors[0].starts_with("ibias: error: invalid conjecture: "),
            "{bad}: {e}"
        );
    }
}

/// compare does not call a direction confirmed when the candidate answers cannot tell the
/// geometries apart: on Fig. 1 the ℓ1, ℓ2 and ℓ∞ answers coincide (ŵ = (1/2, 1/2) for all
/// three, theory §1.6), so GD's row is "not discriminating", never "holds" (before, the rule's
/// tolerance became 90° and GD 34° off held).
#[test]
fn compare_is_not_discriminating_when_the_answers_coincide() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fig1.csv");
    let g = ibias(&["gen", "fig1", "--seed", "1"]);
    std::fs::write(&p, &g.stdout).unwrap();
    let o = ibias(&[
        "compare",
        "--data",
        p.to_str().unwrap(),
        "--optimizers",
        "gd",
        "--steps",
        "1e3",
    ]);
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("gd "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.ends_with("not discriminating"), "{row}");
    assert!(out.contains("candidate answers coincide"), "{out}");
    // nothing was established: inconclusive (exit 3), saying why, as `run` does
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("# inconclusive: not established: gd not discriminating"),
        "{last}"
    );
}

/// Every command-line parse error is one line `ibias: error: ...` on stderr with exit 2,
/// keeping clap's content (the argument, a suggestion); `--help` and `--version` print
/// normally on stdout with exit 0.
#[test]
fn argument_errors_are_one_line() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["run", "--dat", "x.csv"], &["'--dat'", "'--data'"]),
        (&["run"], &["--data"]),
        (&["run", "--data"], &["--data", "none was supplied"]),
        (&["frob"], &["'frob'"]),
        (
            &["oracle", "--data", "x.csv", "--jsn"],
            &["'--jsn'", "'--json'"],
        ),
        (&["compare", "--data", "x.csv", "--json=3"], &["'3'"]),
        (&["gen", "planted", "--n", "abc"], &["'abc'", "--n"]),
        (&["gen"], &["<KIND>"]),
        (&["bench", "--full", "extra"], &["'extra'"]),
        (&["run", "--data", "x.csv", "--labels"], &["--labels"]),
    ];
    for (args, needles) in cases {
        let o = ibias(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
        assert!(err.starts_with("ibias: error: "), "{args:?}: {err}");
        for n in *needles {
            assert!(err.contains(n), "{args:?}: {err:?} lacks {n:?}");
        }
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["help", "oracle"],
        &["--version"],
    ] {
        let o = ibias(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty(), "{args:?}");
    }
    let help = stdout(&ibias(&["run", "--help"]));
    for flag in ["--label <COL>", "--features <COLS>", "--labels <NEG,POS>"] {
        assert!(help.contains(flag), "run --help lacks {flag}:\n{help}");
    }
    assert!(stdout(&ibias(&["--version"])).starts_with("ibias "));
}
