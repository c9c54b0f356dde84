//! The hostile-input catalogue (issue 7), through the real `ibias` binary.
//!
//! Every bad input must give exit status 2, exactly one line on stderr
//! (`ibias: error: ...`, saying what is wrong), nothing on stdout (no partial output) and
//! no panic; every legitimate-but-odd input (duplicates, a zero vector, non-separable data,
//! one point, d = 1, 10⁴ columns, a huge step, zero steps) must give a clean result:
//! exit 0, a status line, no panic. Runaway input is refused with bounded memory.

mod edge;
use edge::no_internal_error;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ibias");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        no_internal_error(o.status.code(), &o.stderr);
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

fn ibias(args: &[&str]) -> Run {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ibias")
        .into()
}

/// Runs ibias with `stdin` fed from a thread ([`edge::run_with_stdin`]).
fn ibias_stdin(args: &[&str], stdin: Vec<u8>) -> Run {
    edge::run_with_stdin(args, stdin).into()
}

/// Runs ibias under an address-space limit of `kib` KiB (`ulimit -v`), so reading a
/// runaway input into memory fails instead of passing unnoticed.
#[cfg(target_os = "linux")]
fn ibias_limited(kib: u64, args: &[&str]) -> Run {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sh")
        .into()
}

/// Exit 2, one `ibias: error:` line mentioning `needle`, empty stdout, no panic.
#[track_caller]
fn assert_refused(r: &Run, needle: &str) {
    assert!(!r.stderr.contains("panicked"), "panic: {}", r.stderr);
    assert_eq!(r.code, Some(2), "exit status; stderr: {}", r.stderr);
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "expected one stderr line, got: {:?}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with("ibias: error: ") && r.stderr.ends_with('\n'),
        "{:?}",
        r.stderr
    );
    assert!(
        r.stderr.contains(needle),
        "stderr should mention {needle:?}: {}",
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "partial output on stdout: {:.300}",
        r.stdout
    );
}

/// Exit 0, a run report on stdout, only warnings on stderr, no panic.
#[track_caller]
fn assert_clean_run(r: &Run) {
    assert!(!r.stderr.contains("panicked"), "panic: {}", r.stderr);
    // a run that establishes its claims (0) or says why it cannot (3, inconclusive)
    assert!(
        r.code == Some(0) || (r.code == Some(3) && r.stdout.contains("# inconclusive: ")),
        "exit status {:?}; stderr: {}; stdout tail: {}",
        r.code,
        r.stderr,
        r.stdout.lines().last().unwrap_or("")
    );
    assert!(
        r.stderr.lines().all(|l| l.starts_with("ibias: warning: ")),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("# status: "), "{}", r.stdout);
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, contents).expect("write fixture");
        p
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// `ibias run` on a CSV text with a few fast settings; `extra` overrides/adds flags.
fn run_csv(text: &str, extra: &[&str]) -> Run {
    let dir = Dir::new();
    let f = dir.file("d.csv", text.as_bytes());
    let mut args = vec!["run", "--data", s(&f)];
    for (flag, default) in [("--steps", "50"), ("--lr", "1/64")] {
        if !extra.contains(&flag) {
            args.extend([flag, default]);
        }
    }
    args.extend_from_slice(extra);
    ibias(&args)
}

const GOOD: &str = "x1,x2,y\n1,2,1\n-1,-1,-1\n";

#[test]
fn malformed_files_are_refused_with_line_and_reason() {
    let cases: &[(&str, &str)] = &[
        ("", "no data rows"),
        ("\n\n# only a comment\n", "no data rows"),
        ("x1,x2,y\n", "header but no data rows"),
        ("x1,x2,y\n1,2,1\n1,-1\n", ":3: ragged row"),
        ("x1,x2,y\n1,2,1\n1,2,3,1\n", ":3: ragged row"),
        ("x1,x2,y\n1,abc,1\n", ":2:2: cannot read \"abc\""),
        ("x1,x2,y\n1,0x10,1\n", ":2:2:"),
        ("x1,x2,y\nnan,1,1\n", "not a finite number"),
        ("x1,x2,y\n1,inf,1\n", "not a finite number"),
        ("x1,x2,y\n1,-Infinity,-1\n", "not a finite number"),
        ("x1,x2,y\n1e999,1,1\n", "magnitude"),
        ("x1,x2,y\n1,1e-999,1\n", "magnitude"),
        ("x1,x2,y\n1,1/0,1\n", "zero denominator"),
        ("x1,x2,y\n1,2,0\n", "label \"0\" is not +1 or -1"),
        ("x1,x2,y\n1,2,2\n", "label \"2\""),
        ("x1,x2,y\n1,2,-2\n", "label \"-2\""),
        ("x1,x2,y\n1,2,yes\n", "label"),
        ("x1,x2,y\n1,2,\n", "label"),
        ("x1,x2,y\n1,2,1\nx1,x2,y\n", "second header"),
        ("y\n1,1\n", ":1:"),
        (
            "x1,y\n1\n",
            "a row needs at least one coordinate and a label",
        ),
    ];
    for (text, needle) in cases {
        let r = run_csv(text, &[]);
        assert_refused(&r, needle);
    }
}

#[test]
fn invalid_utf8_is_refused() {
    let dir = Dir::new();
    let f = dir.file("d.csv", b"x1,y\n1,1\n\xff\xfe,1\n");
    assert_refused(&ibias(&["run", "--data", s(&f)]), ":3: not valid UTF-8");
}

#[test]
fn missing_and_unreadable_data_files_are_refused() {
    let dir = Dir::new();
    let missing = dir.path().join("missing.csv");
    assert_refused(&ibias(&["run", "--data", s(&missing)]), "missing.csv");
    assert_refused(&ibias(&["run", "--data", s(dir.path())]), "directory");
}

#[test]
fn legitimate_odd_data_give_clean_runs() {
    let cases: &[(&str, &str)] = &[
        ("duplicate points", "x1,x2,y\n1,2,1\n1,2,1\n-1,-1,-1\n"),
        ("one point", "x1,x2,y\n3/4,-1/3,1\n"),
        ("d = 1", "x1,y\n2,1\n-0.5,-1\n"),
        (
            "no header, CRLF, comments",
            "# c\r\n1,2,+1\r\n-1,-1,-1.0\r\n",
        ),
        (
            "extreme magnitudes",
            "x1,x2,y\n1e300,1e-300,1\n-1e-300,-1e300,-1\n",
        ),
    ];
    for (what, text) in cases {
        for precision in ["f64", "128"] {
            let r = run_csv(text, &["--precision", precision]);
            assert!(r.code != Some(1), "{what} at {precision}: {}", r.stderr);
            assert_clean_run(&r);
        }
    }
}

/// `ibias run` certifies separability before running (the theory checks need the exact
/// oracle): non-separable data are refused with exit 2, one line naming the Gordan witness.
#[test]
fn non_separable_data_are_refused_with_a_witness() {
    let cases: &[(&str, &str)] = &[
        ("a zero vector", "x1,x2,y\n1,2,1\n0,0,1\n-1,-1,-1\n"),
        ("contradictory duplicates", "x1,x2,y\n1,2,1\n1,2,-1\n"),
        (
            "non-separable (XOR)",
            "x1,x2,y\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n",
        ),
    ];
    for (what, text) in cases {
        for precision in ["f64", "128"] {
            let r = run_csv(text, &["--precision", precision]);
            assert_eq!(r.code, Some(2), "{what} at {precision}: {}", r.stderr);
            assert_refused(&r, "not linearly separable");
            assert!(r.stderr.contains("witness"), "{what}: {}", r.stderr);
        }
    }
}

#[test]
fn ten_thousand_columns_run_and_generate() {
    let d = 10_000;
    let mut text = String::new();
    for (k, label) in [(1i64, "1"), (-2, "-1"), (3, "1")] {
        let row: Vec<String> = (0..d)
            .map(|j| ((j as i64 % 7 - 3) * k).to_string())
            .collect();
        text.push_str(&row.join(","));
        text.push(',');
        text.push_str(label);
        text.push('\n');
    }
    let r = run_csv(&text, &["--steps", "3", "--precision", "f64"]);
    assert_clean_run(&r);
    assert!(r.stdout.contains("d = 10000"), "{}", r.stdout);
    // The exact ℓ2 oracle too (ℓ1/ℓ∞ are O(d³) in this regime: docs/fuzzing.md).
    let dir = Dir::new();
    let f = dir.file("wide.csv", text.as_bytes());
    let r = ibias(&["oracle", "--data", s(&f), "--norm", "l2"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("(N = 3, d = 10000)"), "{:.300}", r.stdout);
    assert!(
        r.stdout.contains("certificate: verified"),
        "{:.300}",
        r.stdout
    );

    let g = ibias(&["gen", "planted", "--n", "3", "--d", "10000"]);
    assert_eq!(g.code, Some(0), "{}", g.stderr);
    let header = g.stdout.lines().find(|l| !l.starts_with('#')).unwrap_or("");
    assert_eq!(header.split(',').count(), d + 1);
    assert_refused(
        &ibias(&["gen", "planted", "--n", "3", "--d", "10001"]),
        "10^4",
    );
}

/// A 100 MB line (generated here) is refused after reading about 1 MiB of it: under a
/// 64 MiB address-space limit the whole file could not even be held in memory.
#[test]
fn hundred_megabyte_line_is_refused_with_bounded_memory() {
    let dir = Dir::new();
    let path = dir.path().join("huge.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        f.write_all(b"x1,y\n").expect("write");
        let chunk = "1,".repeat(1 << 16);
        for _ in 0..=(100_000_000 / chunk.len()) {
            f.write_all(chunk.as_bytes()).expect("write");
        }
        f.write_all(b"1\n").expect("write");
    }
    assert!(std::fs::metadata(&path).expect("stat").len() >= 100_000_000);
    let args = ["run", "--data", s(&path), "--steps", "1"];
    assert_refused(&ibias(&args), ":2: line longer than 1048576 bytes");
    #[cfg(target_os = "linux")]
    assert_refused(
        &ibias_limited(64 * 1024, &args),
        ":2: line longer than 1048576 bytes",
    );
    // The same through stdin: ibias stops reading after the limit.
    let mut big = b"x1,y\n".to_vec();
    big.extend(std::iter::repeat_n(b'7', 100_000_000));
    let r = ibias_stdin(&["run", "--data", "-", "--steps", "1"], big);
    assert_refused(&r, "<stdin>:2: line longer than");
}

#[test]
fn precision_out_of_range_is_refused() {
    for p in ["0", "1", "1000000000", "-5", "abc", "65537", ""] {
        assert_refused(&run_csv(GOOD, &["--precision", p]), "precision");
    }
    for p in ["2", "f64", "53", "65536"] {
        let r = run_csv(GOOD, &["--precision", p, "--steps", "2"]);
        assert_clean_run(&r);
    }
}

#[test]
fn bad_step_sizes_are_refused_and_huge_ones_run() {
    for lr in [
        "0", "-1", "-1/8", "1e7", "1e999", "abc", "nan", "inf", "1/0",
    ] {
        assert_refused(&run_csv(GOOD, &["--lr", lr]), "lr");
    }
    // 10^6 is allowed: a legitimate (if divergent-looking) run, with the §8.1 warning.
    let r = run_csv(GOOD, &["--lr", "1e6", "--steps", "20"]);
    assert_clean_run(&r);
    assert!(r.stderr.contains("§8.1"), "{}", r.stderr);
    let r = run_csv(
        GOOD,
        &["--lr", "1e6", "--steps", "20", "--precision", "f64"],
    );
    assert_clean_run(&r);
}

#[test]
fn step_counts_out_of_range_are_refused_and_zero_runs() {
    for steps in ["1e30", "-1", "1.5", "abc", "1e16", ""] {
        assert_refused(&run_csv(GOOD, &["--steps", steps]), "steps");
    }
    let r = run_csv(GOOD, &["--steps", "0"]);
    assert_clean_run(&r);
    assert!(r.stdout.contains("(0 steps"), "{}", r.stdout);
}

#[test]
fn other_bad_run_parameters_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (&["--init", "1"], "init"),
        (&["--init", "1,2,3"], "init"),
        (&["--init", "1,x"], "init"),
        (&["--init", "1,1e999"], "init"),
        (&["--base", "1"], "base"),
        (&["--loss", "hinge"], "loss"),
        (&["--optimizer", "adam9"], "optimizer"),
    ];
    for (extra, needle) in cases {
        assert_refused(&run_csv(GOOD, extra), needle);
    }
}

#[test]
fn bad_generator_requests_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (&["gen", "nope"], "unknown data set"),
        (&["gen", "planted", "--n", "0"], "n/d"),
        (&["gen", "planted", "--d", "0"], "n/d"),
        (&["gen", "planted", "--n", "2000000"], "n/d"),
        (
            &["gen", "planted", "--n", "1000000", "--d", "10000"],
            "coordinates",
        ),
        (&["gen", "planted", "--margin", "-1"], "margin"),
        (&["gen", "planted", "--margin", "abc"], "abc"),
        (&["gen", "planted", "--margin", "1e999"], "magnitude"),
        (&["gen", "planted", "--margin", "10"], "margin"),
    ];
    for (args, needle) in cases {
        assert_refused(&ibias(args), needle);
    }
}

/// stdout that cannot be written (`/dev/full`): one error line, exit 2. (ibias has no
/// output-file option; reports go to stdout.)
#[cfg(target_os = "linux")]
#[test]
fn unwritable_stdout_is_an_error() {
    let dir = Dir::new();
    let f = dir.file("d.csv", GOOD.as_bytes());
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(out) = full() else {
        return; // no /dev/full in this sandbox
    };
    let runs: Vec<Vec<&str>> = vec![
        vec!["run", "--data", s(&f), "--steps", "10", "--lr", "1/64"],
        vec![
            "run",
            "--data",
            s(&f),
            "--steps",
            "10",
            "--lr",
            "1/64",
            "--json",
        ],
        vec!["gen", "fig1"],
        vec!["gen", "planted", "--n", "2000", "--d", "50"],
    ];
    let mut out = Some(out);
    for args in runs {
        let o = out.take().map_or_else(full, Ok).expect("/dev/full");
        let r: Run = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(o))
            .output()
            .expect("run ibias")
            .into();
        assert_refused(&r, "cannot write output");
    }
}

/// A closed pipe on stdout (`ibias gen ... | head -1`) is not an error.
#[test]
fn closed_stdout_pipe_is_not_an_error() {
    let mut child = Command::new(BIN)
        .args(["gen", "planted", "--n", "100000", "--d", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let r: Run = out.into();
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// `ibias oracle` and `ibias compare` read data through the same reader: every malformed
/// file is refused the same way.
#[test]
fn oracle_and_compare_refuse_malformed_files() {
    let dir = Dir::new();
    let cases: &[(&str, &str)] = &[
        ("", "no data rows"),
        ("x1,x2,y\n", "header but no data rows"),
        ("x1,x2,y\n1,2,1\n1,-1\n", "ragged row"),
        ("x1,x2,y\n1,abc,1\n", "cannot read"),
        ("x1,x2,y\nnan,1,1\n", "not a finite number"),
        ("x1,x2,y\n1e999,1,1\n", "magnitude"),
        ("x1,x2,y\n1,2,3\n", "label"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let f = dir.file(&format!("bad{i}.csv"), text.as_bytes());
        for norm in ["l2", "l1", "linf"] {
            assert_refused(&ibias(&["oracle", "--data", s(&f), "--norm", norm]), needle);
        }
        assert_refused(
            &ibias(&["compare", "--data", s(&f), "--steps", "10"]),
            needle,
        );
    }
    let f = dir.file("ok.csv", GOOD.as_bytes());
    assert_refused(&ibias(&["oracle", "--data", s(&f), "--norm", "l3"]), "norm");
    for (extra, needle) in [
        (["--steps", "1e30"], "steps"),
        (["--precision", "1"], "precision"),
        (["--lr", "0"], "lr"),
        (["--optimizers", "gd,nope"], "nope"),
        (["--init", "1"], "init"),
    ] {
        let mut args = vec!["compare", "--data", s(&f)];
        args.extend(extra);
        assert_refused(&ibias(&args), needle);
    }
}

/// The exact oracle on the odd-but-legitimate sets: separable ones get a verified
/// certificate (exit 0); sets that are not strictly separable through the origin (a zero
/// vector, contradictory duplicates, XOR) get a verified Gordan witness on stdout and one
/// error line (exit 2).
#[test]
fn oracle_on_odd_data() {
    let separable: &[&str] = &[
        "x1,x2,y\n1,2,1\n1,2,1\n-1,-1,-1\n",
        "x1,x2,y\n3/4,-1/3,1\n",
        "x1,y\n2,1\n-0.5,-1\n",
        "x1,x2,y\n1e300,1e-300,1\n-1e-300,-1e300,-1\n",
    ];
    let not_separable: &[&str] = &[
        "x1,x2,y\n1,2,1\n0,0,1\n-1,-1,-1\n",
        "x1,x2,y\n1,2,1\n1,2,-1\n",
        "x1,x2,y\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n",
    ];
    let dir = Dir::new();
    for (i, text) in separable.iter().chain(not_separable).enumerate() {
        let f = dir.file(&format!("d{i}.csv"), text.as_bytes());
        for norm in ["l2", "l1", "linf"] {
            let r = ibias(&["oracle", "--data", s(&f), "--norm", norm]);
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            assert!(
                r.stdout.contains("certificate: verified"),
                "{text} {norm}: {}",
                r.stdout
            );
            if i < separable.len() {
                assert_eq!(r.code, Some(0), "{text} {norm}: {}", r.stderr);
                assert!(r.stdout.contains("separable:   yes"), "{}", r.stdout);
            } else {
                assert_eq!(r.code, Some(2), "{text} {norm}: {}", r.stderr);
                assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
                assert!(r.stderr.contains("not linearly separable"), "{}", r.stderr);
                assert!(r.stdout.contains("separable:   no"), "{}", r.stdout);
            }
        }
    }
}

#[test]
fn oracle_and_compare_refuse_a_hundred_megabyte_line_from_stdin() {
    let mut big = b"x1,y\n".to_vec();
    big.extend(std::iter::repeat_n(b'7', 100_000_000));
    let r = ibias_stdin(&["oracle", "--data", "-"], big.clone());
    assert_refused(&r, "<stdin>:2: line longer than");
    let r = ibias_stdin(&["compare", "--data", "-", "--steps", "10"], big);
    assert_refused(&r, "<stdin>:2: line longer than");
}

#[cfg(target_os = "linux")]
#[test]
fn oracle_and_compare_on_unwritable_stdout() {
    let dir = Dir::new();
    let f = dir.file("d.csv", GOOD.as_bytes());
    for args in [
        vec!["oracle", "--data", s(&f)],
        vec!["oracle", "--data", s(&f), "--norm", "linf", "--json"],
        vec![
            "compare",
            "--data",
            s(&f),
            "--steps",
            "20",
            "--optimizers",
            "gd,adam",
        ],
    ] {
        let Ok(out) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let r: Run = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .output()
            .expect("run ibias")
            .into();
        assert_refused(&r, "cannot write output");
    }
}

#[test]
fn bad_bench_requests_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (&["bench", "--cases", "0x2"], "cases"),
        (&["bench", "--cases", "20x0"], "cases"),
        (&["bench", "--cases", "abc"], "cases"),
        (&["bench", "--cases", ""], "cases"),
        (&["bench", "--cases", "-1x2"], "cases"),
        (&["bench", "--cases", "99999999999999999999x2"], "cases"),
        (&["bench", "--cases", "100000x1000"], "coordinates"),
        (&["bench", "--horizon", "1e30"], "steps"),
        (&["bench", "--horizon", "abc"], "steps"),
        (&["bench", "--horizon", "-1"], "steps"),
    ];
    for (args, needle) in cases {
        assert_refused(&ibias(args), needle);
    }
}

/// The edge itself: a panic that escapes the library is printed as one line naming the
/// command, with exit status 70 (docs/cli.md). `IBIAS_TEST_PANIC` makes `ibias` panic on
/// purpose; no other input of the suite may reach this (`no_internal_error`).
#[test]
fn a_panic_is_one_line_and_exit_70() {
    let o = Command::new(BIN)
        .args(["gen", "r1"])
        .env("IBIAS_TEST_PANIC", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run ibias");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(70), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("ibias: internal error: requested by IBIAS_TEST_PANIC at ")
            && err.contains("(please report, with this command: ")
            && err.trim_end().ends_with(" gen r1)"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}
