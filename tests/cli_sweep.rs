//! The whole command line over a grid of data sets and settings (behind `--ignored`; `make
//! long`): every subcommand exits 0, 1, 2 or 3 with its documented meaning (docs/cli.md),
//! never 101 (a raw panic) or 70 (the internal-error edge), and never runs past its time limit.
//!
//! Documented meanings checked: 2 is one `ibias: error:` line on stderr and nothing on
//! stdout (`oracle`: the Gordan witness of non-separable data); 0, 1 and 3 print a report; for `run`, the report's closing line is the one of its
//! exit status (`# all checked claims hold`, `# K checked claim(s) FAILED`, `# inconclusive:`),
//! and `--json` agrees (`judgement`).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ibias");
/// Per command; the largest case (N = 300, d = 20, 128 bits) takes a few seconds.
const LIMIT: Duration = Duration::from_secs(300);

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `ibias args`, killing it at the time limit (a failure).
fn ibias(args: &[&str]) -> Out {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ibias");
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let ro = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let re = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("timeout after {LIMIT:?}: ibias {}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = Out {
        code: status.code().unwrap_or(-1),
        stdout: ro.join().unwrap_or_default(),
        stderr: re.join().unwrap_or_default(),
    };
    let what = format!(
        "ibias {} (exit {}): {}",
        args.join(" "),
        out.code,
        out.stderr
    );
    assert!(
        matches!(out.code, 0..=3),
        "undocumented exit status: {what}"
    );
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("internal error"),
        "{what}"
    );
    for line in out.stderr.lines() {
        assert!(
            line.starts_with("ibias: warning: ")
                || line.starts_with("ibias: error: ")
                || line.contains("steps/s")
                || line.trim().is_empty(),
            "stray stderr line {line:?}: {what}"
        );
    }
    if out.code == 2 {
        // `oracle` prints the verified Gordan witness of non-separable data on stdout
        let witness = args[0] == "oracle" && out.stderr.contains("Gordan witness on stdout");
        assert!(
            out.stdout.is_empty() || witness,
            "exit 2 with output: {what}"
        );
        let errors: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("ibias: error: "))
            .collect();
        assert_eq!(errors.len(), 1, "exit 2 is one error line: {what}");
    } else {
        assert!(!out.stdout.is_empty(), "no report: {what}");
    }
    out
}

/// The closing line of a text `run` report agrees with the exit status.
fn check_run_text(args: &[&str], out: &Out) {
    if out.code == 2 {
        return;
    }
    let want = match out.code {
        0 => "# all checked claims hold",
        1 => "checked claim(s) FAILED",
        _ => "# inconclusive: ",
    };
    let gd = !args.contains(&"--optimizer");
    if gd || out.code != 0 {
        assert!(
            out.stdout.contains(want),
            "exit {} without {want:?}: ibias {}",
            out.code,
            args.join(" ")
        );
    }
}

fn check_run_json(args: &[&str], out: &Out) {
    if out.code == 2 {
        return;
    }
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON of ibias {}: {e}", args.join(" ")));
    if let Some(t) = v["theory"].as_object() {
        let want = ["holds", "fails", "", "inconclusive"][out.code as usize];
        assert_eq!(t["judgement"], want, "ibias {}", args.join(" "));
    } else {
        assert_ne!(
            out.code,
            1,
            "a FAIL needs theory checks: ibias {}",
            args.join(" ")
        );
    }
}

fn write(dir: &Path, name: &str, gen: &[&str]) -> String {
    let o = ibias(gen);
    assert_eq!(o.code, 0, "ibias {}", gen.join(" "));
    let p = dir.join(name);
    std::fs::write(&p, o.stdout).expect("write data");
    p.to_str().expect("utf-8 path").to_string()
}

#[test]
#[ignore = "the whole CLI over a grid (minutes); make long"]
fn every_subcommand_exits_with_a_documented_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sets: Vec<(String, bool)> = Vec::new();
    for (n, d, seed) in [
        (5, 2, 1),
        (20, 2, 2),
        (37, 5, 3),
        (100, 10, 1),
        (300, 20, 4),
    ] {
        let (n, d, seed) = (n.to_string(), d.to_string(), seed.to_string());
        let f = write(
            dir.path(),
            &format!("p{n}x{d}s{seed}.csv"),
            &["gen", "planted", "--n", &n, "--d", &d, "--seed", &seed],
        );
        sets.push((f, n.parse::<usize>().unwrap_or(0) >= 300));
    }
    for kind in ["r1", "r2", "post"] {
        sets.push((
            write(dir.path(), &format!("{kind}.csv"), &["gen", kind]),
            false,
        ));
    }
    sets.push((
        write(dir.path(), "fig1.csv", &["gen", "fig1", "--seed", "1"]),
        false,
    ));
    // not separable through the origin (XOR): oracle and run give the Gordan witness, exit 2
    let xor = dir.path().join("xor.csv");
    std::fs::write(&xor, "x1,x2,y\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n").expect("write");
    sets.push((xor.to_str().expect("path").to_string(), false));

    let mut count = 0;
    for (f, large) in &sets {
        for norm in ["l2", "l1", "linf"] {
            ibias(&["oracle", "--data", f, "--norm", norm]);
            ibias(&["oracle", "--data", f, "--norm", norm, "--json"]);
            count += 2;
        }
        for precision in ["f64", "dd", "128"] {
            for loss in ["exp", "logistic"] {
                for lr in ["1/8", "1/512"] {
                    let steps = if *large && precision == "128" {
                        "300"
                    } else {
                        "2000"
                    };
                    let args = [
                        "run",
                        "--data",
                        f,
                        "--loss",
                        loss,
                        "--lr",
                        lr,
                        "--steps",
                        steps,
                        "--precision",
                        precision,
                    ];
                    let out = ibias(&args);
                    check_run_text(&args, &out);
                    let mut j = args.to_vec();
                    j.push("--json");
                    let out = ibias(&j);
                    check_run_json(&j, &out);
                    count += 2;
                }
            }
            let args = [
                "run",
                "--data",
                f,
                "--optimizer",
                "adam",
                "--steps",
                "500",
                "--precision",
                precision,
            ];
            let out = ibias(&args);
            check_run_text(&args, &out);
            let args = [
                "run",
                "--data",
                f,
                "--steps",
                "500",
                "--bias",
                "--precision",
                precision,
            ];
            let out = ibias(&args);
            check_run_text(&args, &out);
            count += 2;
        }
        let steps = if *large { "200" } else { "2000" };
        ibias(&[
            "compare",
            "--data",
            f,
            "--steps",
            steps,
            "--precision",
            "f64",
        ]);
        ibias(&[
            "compare",
            "--data",
            f,
            "--steps",
            steps,
            "--precision",
            "dd",
            "--json",
        ]);
        count += 2;
    }
    eprintln!("{count} commands over {} data sets", sets.len());
}
