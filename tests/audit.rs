//! `ibias audit` on trajectories made here by an independent plain GD loop (f64 and f32
//! arithmetic written in this file, not the crate's): a true log passes, a log made with
//! half the claimed step fails (also a sparse log, through the replay of its gaps), a
//! float32 log reports its freeze, bad logs are exit 2; heavy-ball, Nesterov, sign-descent
//! and GD logs written here are checked against the method and limit they claim (`--optimizer`).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ibias");

/// theory §9 R2: the four Fig. 1 support vectors, as signed points z_n = y_n x_n.
const R2: &str = "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n";
const Z: [[f64; 2]; 4] = [[0.5, 1.5], [1.5, 0.5], [0.5, 1.5], [1.5, 0.5]];

/// The logged steps: 0, T and every power of 2 and of 10 up to T, each with its successor.
fn logged_steps(t_max: u64) -> Vec<u64> {
    let mut v = vec![0, t_max];
    for base in [2u64, 10] {
        let mut p = 1;
        while p <= t_max {
            v.push(p);
            v.push(p + 1);
            p *= base;
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Plain GD on the summed exponential loss in f64: w ← w + η Σ_n e^{−z_n·w} z_n.
fn gd_f64(eta: f64, w0: [f64; 2], t_max: u64) -> Vec<(u64, [f64; 2])> {
    gd_f64_at(eta, w0, &logged_steps(t_max))
}

/// The same GD logged at the steps `keep` (sorted).
fn gd_f64_at(eta: f64, w0: [f64; 2], keep: &[u64]) -> Vec<(u64, [f64; 2])> {
    let mut out = Vec::new();
    let mut w = w0;
    for t in 0..=keep[keep.len() - 1] {
        if keep.binary_search(&t).is_ok() {
            out.push((t, w));
        }
        let mut g = [0.0; 2];
        for z in &Z {
            let q = (-(z[0] * w[0] + z[1] * w[1])).exp();
            g[0] += q * z[0];
            g[1] += q * z[1];
        }
        w = [w[0] + eta * g[0], w[1] + eta * g[1]];
    }
    out
}

/// The same GD with every operation in f32, logged also at every step up to `dense`; also
/// the first step whose update left the iterate unchanged.
fn gd_f32(eta: f32, w0: [f32; 2], t_max: u64, dense: u64) -> (Vec<(u64, [f32; 2])>, Option<u64>) {
    let keep = logged_steps(t_max);
    let mut out = Vec::new();
    let mut frozen = None;
    let mut w = w0;
    for t in 0..=keep[keep.len() - 1] {
        if t <= dense || keep.binary_search(&t).is_ok() {
            out.push((t, w));
        }
        let mut g = [0.0f32; 2];
        for z in &Z {
            let (a, b) = (z[0] as f32, z[1] as f32);
            let q = (-(a * w[0] + b * w[1])).exp();
            g[0] += q * a;
            g[1] += q * b;
        }
        let next = [w[0] + eta * g[0], w[1] + eta * g[1]];
        if next == w && frozen.is_none() {
            frozen = Some(t);
        }
        w = next;
    }
    (out, frozen)
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// A log as CSV, each value in Rust's shortest round-trip decimal (as Python's repr).
fn csv<T: std::fmt::Display>(rows: &[(u64, [T; 2])]) -> String {
    let mut s = String::from("t,w1,w2\n");
    for (t, w) in rows {
        s.push_str(&format!("{t},{},{}\n", w[0], w[1]));
    }
    s
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn audit(data: &Path, log: &Path, extra: &[&str]) -> Out {
    let o = Command::new(BIN)
        .arg("audit")
        .arg("--data")
        .arg(data)
        .arg("--trajectory")
        .arg(log)
        .args(extra)
        .output()
        .expect("run ibias");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn json(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout).expect("JSON document")
}

fn verdict<'a>(doc: &'a serde_json::Value, id: &str) -> &'a str {
    doc["theory"]["verdicts"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["id"] == id))
        .and_then(|x| x["status"].as_str())
        .unwrap_or("missing")
}

#[test]
fn a_true_f64_gd_log_passes() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let log = write(
        d.path(),
        "log.csv",
        &csv(&gd_f64(0.125, [1.0, -1.0], 10_000)),
    );
    let out = audit(&data, &log, &["--lr", "1/8", "--json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc = json(&out);
    assert_eq!(doc["trajectory"]["format"], "f64");
    assert_eq!(doc["method"]["status"], "PASS");
    assert_eq!(doc["method"]["departing"], 0);
    let implied = doc["method"]["median_implied_step"].as_f64().unwrap_or(0.0);
    assert!((implied - 0.125).abs() < 1e-9, "implied step {implied}");
    for id in [
        "loss_constant",
        "dual_recovery",
        "residual",
        "direction_constant",
    ] {
        assert_eq!(verdict(&doc, id), "PASS", "{id}");
    }
    // the text report ends with the audit's own line
    let text = audit(&data, &log, &["--lr", "1/8"]);
    assert!(text.stdout.trim_end().ends_with(
        "# audit: the log is consistent with the claimed GD and all checked claims hold"
    ));
}

/// The CSV `ibias run --csv` writes is a log `audit` reads (the columns t, w1, ..., wd among
/// the others, by their header) and checks: with the step of the run its method check
/// PASSes (its rows print fewer digits as t grows: each pair is judged on its own grid),
/// with half that step it FAILs.
#[test]
fn the_csv_of_a_run_audits_with_its_own_step() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let log = d.path().join("run.csv");
    let o = Command::new(BIN)
        .args(["run", "--data"])
        .arg(&data)
        .args([
            "--lr",
            "1/8",
            "--init",
            "1,-1",
            "--steps",
            "1e4",
            "--per-decade",
            "20",
        ])
        .arg("--csv")
        .arg(&log)
        .output()
        .expect("run ibias");
    assert!(o.status.code().is_some_and(|c| c != 2), "{o:?}");
    let out = audit(&data, &log, &["--lr", "1/8", "--json"]);
    assert_ne!(out.code, 2, "{}", out.stderr);
    let doc = json(&out);
    assert_eq!(doc["method"]["status"], "PASS", "{}", doc["method"]);
    assert!(doc["method"]["pairs"].as_u64().unwrap_or(0) >= 10);
    let out = audit(&data, &log, &["--lr", "1/16", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(json(&out)["method"]["status"], "FAIL");
}

#[test]
fn a_log_made_with_half_the_claimed_step_fails() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let log = write(
        d.path(),
        "half.csv",
        &csv(&gd_f64(0.0625, [1.0, -1.0], 10_000)),
    );
    let out = audit(&data, &log, &["--lr", "1/8", "--json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let doc = json(&out);
    assert_eq!(doc["method"]["status"], "FAIL");
    let implied = doc["method"]["median_implied_step"].as_f64().unwrap_or(0.0);
    assert!((implied - 0.0625).abs() < 1e-9, "implied step {implied}");
    // judged with the claimed step, t·L tends to twice the claimed C_L: never a PASS
    assert_ne!(verdict(&doc, "loss_constant"), "PASS");
    // the same log claimed with its true step passes
    let ok = audit(&data, &log, &["--lr", "1/16"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
}

/// A sparse log (t = 0, the powers of 2 from 2 on, and T: no two consecutive steps) is
/// checked by replaying each gap from its logged start with exact GD: a true log PASSes
/// through its gaps alone, a log made with half the claimed step, or with 1 % less, FAILs.
#[test]
fn a_sparse_log_is_checked_by_replaying_its_gaps() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let mut keep: Vec<u64> = (1..14).map(|k| 1u64 << k).collect();
    keep.insert(0, 0);
    keep.push(10_000);
    let case = |eta: f64, claim: &str| {
        let log = write(
            d.path(),
            "sparse.csv",
            &csv(&gd_f64_at(eta, [1.0, -1.0], &keep)),
        );
        let out = audit(&data, &log, &["--lr", claim, "--json"]);
        (out.code, json(&out)["method"].clone())
    };
    let (code, m) = case(0.125, "1/8");
    assert_eq!(code, 0, "{m}");
    assert_eq!(m["status"], "PASS");
    assert_eq!(m["pairs"], 0);
    assert_eq!(m["gaps"]["replayed"], keep.len() - 1);
    assert_eq!(m["gaps"]["departing"], 0);
    assert_eq!(m["gaps"]["resolved"], keep.len() - 1);
    for eta in [0.0625, 0.125 * 0.99] {
        let (code, m) = case(eta, "1/8");
        assert_eq!(code, 1, "{eta}: {m}");
        assert_eq!(m["status"], "FAIL", "{eta}");
        assert!(
            m["gaps"]["departing"].as_u64().unwrap_or(0) > 0,
            "{eta}: {m}"
        );
    }
}

#[test]
fn a_float32_log_reports_its_freeze() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let t_max = 1 << 22;
    let (rows, frozen) = gd_f32(0.125, [1.0, -1.0], t_max, 0);
    let frozen = frozen.expect("f32 GD freezes within 2^22 steps");
    // the first logged pair t, t+1 at or after the freeze
    let first_pair = rows
        .windows(2)
        .find(|p| p[1].0 == p[0].0 + 1 && p[0].0 >= frozen)
        .map(|p| p[0].0)
        .expect("a logged pair after the freeze");
    let log = write(d.path(), "f32.csv", &csv(&rows));
    let out = audit(&data, &log, &["--lr", "1/8", "--json"]);
    assert!(matches!(out.code, 0 | 1 | 3), "{}", out.stderr);
    let doc = json(&out);
    assert_eq!(doc["trajectory"]["format"], "f32");
    assert_eq!(doc["method"]["frozen_at"], first_pair);
    // the freeze is rounding, not another method: no logged step departs
    assert_eq!(doc["method"]["departing"], 0);
    let below = doc["method"]["below_rounding_from"]
        .as_u64()
        .expect("the update falls below the rounding");
    assert!(
        below <= first_pair,
        "below rounding from {below}, frozen at {first_pair}"
    );
    let text = audit(&data, &log, &["--lr", "1/8"]);
    assert!(text
        .stdout
        .contains(&format!("stops moving at t = {first_pair}")));
}

/// Python's `repr` of a double: the shortest decimal that reads back as `x`, a tie between
/// two such decimals (the exact value has one digit more, a final 5) rounded to the even
/// one. Rust's `{}` gives the shortest digits but breaks such ties upward, so the tie is
/// redone here from the exact expansion (`{:.1100}` prints every digit of a double).
/// Returns the text and whether it was a tie.
fn python_repr(x: f64) -> (String, bool) {
    let short = format!("{x}");
    let exact = format!("{x:.1100}");
    let exact = exact.trim_end_matches('0');
    // significant digits: the digits from the first nonzero one on
    let significant = |s: &str| {
        s.chars()
            .filter(char::is_ascii_digit)
            .skip_while(|c| *c == '0')
            .count()
    };
    let (ns, ne) = (significant(&short), significant(exact));
    if !(short.contains('.') && ne == ns + 1 && exact.ends_with('5')) {
        return (short, false);
    }
    // drop the final 5 and round the rest half to even, carrying through the digits
    let mut b: Vec<u8> = exact[..exact.len() - 1].bytes().collect();
    if b.last().is_some_and(|d| (d - b'0') % 2 == 1) {
        let mut i = b.len();
        loop {
            i -= 1;
            match b[i] {
                b'.' => continue,
                b'9' => b[i] = b'0',
                d if d.is_ascii_digit() => {
                    b[i] = d + 1;
                    break;
                }
                _ => panic!("carry past the leading digit of {exact}"),
            }
        }
    }
    let text = String::from_utf8(b).expect("ASCII digits");
    assert_eq!(
        text.parse::<f64>().ok(),
        Some(x),
        "{text} reads back as {x}"
    );
    (text, true)
}

#[test]
fn a_float32_log_printed_as_doubles_passes_as_float32() {
    // Python's repr(float(x)) of each float32 x, as NumPy logs converted with float() print;
    // 2.66175079345703125-like values are ties that repr breaks to even
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let (rows, _) = gd_f32(0.125, [1.0, -1.0], 100_000, 400);
    let mut ties = 0;
    let printed: Vec<(u64, [String; 2])> = rows
        .iter()
        .map(|(t, w)| {
            let (a, ta) = python_repr(f64::from(w[0]));
            let (b, tb) = python_repr(f64::from(w[1]));
            ties += usize::from(ta) + usize::from(tb);
            (*t, [a, b])
        })
        .collect();
    assert!(ties > 0, "the log holds no tie, so it tests nothing");
    let log = write(d.path(), "f32.csv", &csv(&printed));
    let out = audit(&data, &log, &["--lr", "1/8", "--json"]);
    assert!(matches!(out.code, 0 | 3), "{}{}", out.stdout, out.stderr);
    let doc = json(&out);
    assert_eq!(doc["trajectory"]["format"], "f32");
    assert_eq!(doc["method"]["departing"], 0);
    assert_eq!(doc["method"]["status"], "PASS");
}

#[test]
fn an_inconclusive_audit_gives_advice_an_audit_can_follow() {
    // 100 steps of true GD: too short to establish the limits, so exit 3; audit has no
    // --steps, and the step is the logged run's own
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let log = write(
        d.path(),
        "short.csv",
        &csv(&gd_f64(0.125, [1.0, -1.0], 100)),
    );
    let out = audit(&data, &log, &["--lr", "1/8"]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let last = out.stdout.lines().last().unwrap_or("");
    assert!(last.starts_with("# audit inconclusive"), "{last}");
    assert!(last.contains("log a longer run"), "{last}");
    assert!(!out.stdout.contains("--steps") && !out.stdout.contains("smaller --lr"));
}

fn one_line_error(out: &Out, needle: &str) {
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].starts_with("ibias: error: "), "{}", lines[0]);
    assert!(lines[0].contains(needle), "{}", lines[0]);
}

#[test]
fn bad_logs_are_one_line_errors() {
    let d = dir();
    let data = write(d.path(), "r2.csv", R2);
    let ragged = write(d.path(), "ragged.csv", "t,w1,w2\n0,0,0\n1,0.5\n");
    one_line_error(&audit(&data, &ragged, &[]), "ragged.csv:3");
    let back = write(d.path(), "back.csv", "t,w1,w2\n0,0,0\n2,1,1\n1,2,2\n");
    one_line_error(&audit(&data, &back, &[]), "does not increase");
    let wide = write(d.path(), "wide.csv", "0,0,0,0\n1,1,1,1\n");
    one_line_error(&audit(&data, &wide, &[]), "the data have d = 2");
    let frac = write(d.path(), "frac.csv", "0,0,0\n1/2,1,1\n");
    one_line_error(&audit(&data, &frac, &[]), "not a whole number");
    let no_start = write(d.path(), "late.csv", "5,1,1\n6,1.1,1.1\n");
    one_line_error(&audit(&data, &no_start, &[]), "--init");
    let text = write(d.path(), "text.csv", "t,w1,w2\n0,0,0\n1,abc,0\n");
    one_line_error(&audit(&data, &text, &[]), "not a number");
}

// ------------------------------------------------------------ other optimizers

/// Three points whose ℓ1, ℓ2 and ℓ∞ answers differ: (1/2, 0), (2/5, 1/5), (1/3, 1/3).
const THREE: &str = "x1,x2,y\n2,1,1\n3,6,1\n6,-2,1\n";
const Z3: [[f64; 2]; 3] = [[2.0, 1.0], [3.0, 6.0], [6.0, -2.0]];

/// `−∇L(w) = Σ_n e^{−z_n·w} z_n` over [`Z3`], in f64.
fn neg_grad3(w: [f64; 2]) -> [f64; 2] {
    let mut g = [0.0; 2];
    for z in &Z3 {
        let q = (-(z[0] * w[0] + z[1] * w[1])).exp();
        g[0] += q * z[0];
        g[1] += q * z[1];
    }
    g
}

/// Momentum in f64 from 0, logged at every step to `t_max`: `v ← βv + η(−∇L(p))`,
/// `w ← w + v`, with `p = w` (heavy ball) or `p = w + βv` (Nesterov, Sutskever's form).
fn momentum_f64(eta: f64, beta: f64, nesterov: bool, t_max: u64) -> Vec<(u64, [f64; 2])> {
    let (mut w, mut v) = ([0.0f64; 2], [0.0f64; 2]);
    let mut out = vec![(0, w)];
    for t in 1..=t_max {
        let p = if nesterov {
            [w[0] + beta * v[0], w[1] + beta * v[1]]
        } else {
            w
        };
        let g = neg_grad3(p);
        for i in 0..2 {
            v[i] = beta * v[i] + eta * g[i];
            w[i] += v[i];
        }
        out.push((t, w));
    }
    out
}

/// `w ← w + η·sign(−∇L(w))` in f64 from 0 (steepest descent in ℓ∞), or plain GD, logged at
/// 0, T/100, T/10 and T.
fn sign_or_gd_f64(eta: f64, sign: bool, t_max: u64) -> Vec<(u64, [f64; 2])> {
    let mut w = [0.0f64; 2];
    let keep = [0, t_max / 100, t_max / 10, t_max];
    let mut out = Vec::new();
    for t in 0..=t_max {
        if keep.contains(&t) {
            out.push((t, w));
        }
        let g = neg_grad3(w);
        for i in 0..2 {
            w[i] += if sign {
                eta * g[i].signum()
            } else {
                eta * g[i]
            };
        }
    }
    out
}

fn limit_verdict(doc: &serde_json::Value) -> &str {
    doc["limit"]["rows"][0]["verdict"]
        .as_str()
        .unwrap_or("missing")
}

#[test]
fn a_momentum_log_is_checked_as_momentum_and_a_wrong_method_fails() {
    let d = dir();
    let data = write(d.path(), "three.csv", THREE);
    let hb = write(
        d.path(),
        "hb.csv",
        &csv(&momentum_f64(1.0 / 256.0, 0.9, false, 100_000)),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["--lr", "1/256", "--json"];
        args.extend_from_slice(extra);
        audit(&data, &hb, &args)
    };
    // the true claim: every step resolved, none departing, the ℓ2 limit reached
    let ok = run(&["--optimizer", "momentum:beta=9/10"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let doc = json(&ok);
    assert_eq!(doc["method"]["status"], "PASS");
    assert_eq!(doc["method"]["pairs"], 100_000);
    assert_eq!(doc["method"]["resolved"], 100_000);
    assert_eq!(doc["method"]["departing"], 0);
    assert_eq!(doc["optimizer"], "momentum:lr=1/256");
    assert_eq!(limit_verdict(&doc), "holds");
    // the implied step of the gradient part is the step the log was made with
    let med = doc["method"]["median_implied_step"].as_f64().unwrap_or(0.0);
    assert!((med - 1.0 / 256.0).abs() < 1e-9, "{med}");
    // wrong claims: β, the step, the look-ahead, no momentum at all
    for (extra, what) in [
        (vec!["--optimizer", "momentum:beta=1/2"], "beta 1/2"),
        (
            vec!["--optimizer", "momentum", "--lr", "1/512"],
            "half step",
        ),
        (vec!["--optimizer", "nesterov"], "nesterov"),
        (vec![], "gd"),
    ] {
        let args: Vec<&str> = extra.to_vec();
        let mut all = vec!["--json"];
        if !args.contains(&"--lr") {
            all.extend_from_slice(&["--lr", "1/256"]);
        }
        all.extend_from_slice(&args);
        let out = audit(&data, &hb, &all);
        assert_eq!(out.code, 1, "{what}: {}{}", out.stdout, out.stderr);
        assert_eq!(json(&out)["method"]["status"], "FAIL", "{what}");
    }
}

#[test]
fn a_nesterov_log_passes_as_nesterov_and_fails_as_heavy_ball() {
    let d = dir();
    let data = write(d.path(), "three.csv", THREE);
    let log = write(
        d.path(),
        "nag.csv",
        &csv(&momentum_f64(1.0 / 256.0, 0.9, true, 20_000)),
    );
    let ok = audit(
        &data,
        &log,
        &["--lr", "1/256", "--optimizer", "nesterov", "--json"],
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let doc = json(&ok);
    assert_eq!(doc["method"]["status"], "PASS");
    assert_eq!(doc["method"]["departing"], 0);
    assert_eq!(doc["method"]["resolved"], 20_000);
    let hb = audit(
        &data,
        &log,
        &["--lr", "1/256", "--optimizer", "momentum", "--json"],
    );
    assert_eq!(hb.code, 1, "{}{}", hb.stdout, hb.stderr);
    assert_eq!(json(&hb)["method"]["status"], "FAIL");
}

#[test]
fn another_optimizers_limit_is_judged_on_the_log() {
    let d = dir();
    let data = write(d.path(), "three.csv", THREE);
    let t = 100_000;
    // sign descent's predicted limit is the ℓ∞ direction: a true sign log reaches it (its
    // method is not checked: n/a with the reason), a GD log claimed as sign descent does not
    let sign = write(
        d.path(),
        "sign.csv",
        &csv(&sign_or_gd_f64(1.0 / 1024.0, true, t)),
    );
    let out = audit(
        &data,
        &sign,
        &["--lr", "1/1024", "--optimizer", "sign", "--json"],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let doc = json(&out);
    assert_eq!(limit_verdict(&doc), "holds");
    assert_eq!(doc["method"]["status"], "n/a");
    assert!(doc["method"]["note"]
        .as_str()
        .unwrap_or("")
        .contains("sign"));
    let gd = write(
        d.path(),
        "gd.csv",
        &csv(&sign_or_gd_f64(1.0 / 256.0, false, t)),
    );
    let out = audit(
        &data,
        &gd,
        &["--lr", "1/256", "--optimizer", "sign", "--json"],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(limit_verdict(&json(&out)), "fails");
    // the same GD log claimed as GD: its ℓ2 limit is judged by the theory checks
    let out = audit(&data, &gd, &["--lr", "1/256", "--json"]);
    assert_ne!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(json(&out)["limit"].is_null());
    // Adam's claims read the preconditioner, which a log does not hold: pending, exit 3
    let out = audit(
        &data,
        &gd,
        &["--lr", "1/256", "--optimizer", "adam", "--json"],
    );
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert_eq!(limit_verdict(&json(&out)), "pending");
    // one step, given once; conjectures are GD's
    one_line_error(
        &audit(
            &data,
            &gd,
            &["--lr", "1/8", "--optimizer", "momentum:lr=1/256"],
        ),
        "differs from the --optimizer's lr=1/256",
    );
    one_line_error(
        &audit(
            &data,
            &gd,
            &["--optimizer", "sign", "--conjecture", "C_L=1"],
        ),
        "conjecture",
    );
}
