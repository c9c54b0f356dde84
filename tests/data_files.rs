//! Data files through the real `ibias` binary: columns chosen by name or number, label
//! values mapped to ±1, pandas index columns, TSV, `.npy` / `.npz`, and the `--bias` hint
//! for data that a constant feature separates.
//!
//! The reference answer is derived by hand: the points (1, 2) +1, (−1, −1) −1, (2, 1) +1
//! have signed points z = (1, 2), (1, 1), (2, 1); the point of their convex hull nearest
//! the origin is (1, 1), so the ℓ2 max-margin solution is ŵ = (1, 1)/‖(1, 1)‖² = (1/2, 1/2).
//! Every other form of the same data must give that answer. The `.npy`/`.npz` fixtures in
//! `tests/data/npy/` were written by NumPy (`make.py` there says how).

mod edge;
use edge::{assert_one_line_error, no_internal_error};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ibias");

/// The hand-derived answer of the reference points (module docs), as `ibias oracle --exact`
/// prints it.
const W_LINE: &str = "w:           (1/2, 1/2)\n";

fn ibias(args: &[&str]) -> Output {
    let o = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ibias");
    no_internal_error(o.status.code(), &o.stderr);
    o
}

fn ibias_stdin(args: &[&str], input: &str) -> Output {
    let o = edge::run_with_stdin(args, input.as_bytes().to_vec());
    no_internal_error(o.status.code(), &o.stderr);
    o
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn npy(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/npy")
        .join(name)
        .display()
        .to_string()
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().expect("temp dir"))
    }
    fn file(&self, name: &str, contents: &[u8]) -> String {
        let p: PathBuf = self.0.path().join(name);
        std::fs::write(&p, contents).expect("write fixture");
        p.display().to_string()
    }
}

/// `ibias oracle` on `file` with `flags`: exit 0 and the reference answer.
#[track_caller]
fn assert_reference_answer(file: &str, flags: &[&str]) -> Output {
    let mut args = vec!["oracle", "--exact", "--data", file];
    args.extend_from_slice(flags);
    let o = ibias(&args);
    assert_eq!(o.status.code(), Some(0), "{file} {flags:?}: {}", err(&o));
    assert!(
        out(&o).contains(W_LINE),
        "{file} {flags:?}: expected ŵ = (1/2, 1/2):\n{}",
        out(&o)
    );
    o
}

const PM: &str = "x1,x2,y\n1,2,1\n-1,-1,-1\n2,1,1\n";

#[test]
fn every_form_of_the_reference_points_gives_the_hand_derived_answer() {
    let dir = Dir::new();
    let pm = dir.file("pm.csv", PM.as_bytes());
    assert_reference_answer(&pm, &[]);

    // Labels other than ±1, mapped by --labels; the note says how.
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "zero_one.csv",
            "feature_a,feature_b,label\n1,2,1\n-1,-1,0\n2,1,1\n",
            &["--labels", "0,1"],
        ),
        (
            "strings.csv",
            "feature_a,feature_b,label\n1,2,dog\n-1,-1,cat\n2,1,dog\n",
            &["--labels", "cat,dog"],
        ),
        (
            "reversed.csv",
            "a,b,label\n1,2,-1\n-1,-1,1\n2,1,-1\n",
            &["--labels", "1,-1"],
        ),
    ];
    for (name, text, flags) in cases {
        let f = dir.file(name, text.as_bytes());
        let o = assert_reference_answer(&f, flags);
        let note = err(&o);
        assert!(
            note.starts_with("ibias: note: --labels ") && note.lines().count() == 1,
            "{name}: {note}"
        );
        assert!(
            note.contains("(1 point)") && note.contains("(2 points)"),
            "{note}"
        );
        // the echoed command reproduces the selection
        assert!(
            out(&o).contains(&format!("--labels {}", flags[1])),
            "{}",
            out(&o)
        );
    }

    // Columns chosen by name; text in columns that are not selected is fine.
    let f = dir.file(
        "named.csv",
        b"id,target,feature_b,feature_a,comment\np1,1,2,1,first\np2,-1,-1,-1,second\np3,1,1,2,third\n",
    );
    assert_reference_answer(
        &f,
        &["--label", "target", "--features", "feature_a,feature_b"],
    );
    // ... or by 1-based number (no header: the label first here)
    let f = dir.file("numbers.csv", b"1,1,2\n-1,-1,-1\n1,2,1\n");
    assert_reference_answer(&f, &["--label", "1", "--features", "2,3"]);

    // pandas' default to_csv() index column, excluded by --features
    for index in ["", "Unnamed: 0"] {
        let text = format!("{index},x1,x2,y\n0,1,2,1\n1,-1,-1,-1\n2,2,1,1\n");
        let f = dir.file("pandas.csv", text.as_bytes());
        assert_reference_answer(&f, &["--features", "x1,x2"]);
    }

    // TSV: by extension, by its first line, and on stdin
    let tsv = PM.replace(',', "\t");
    assert_reference_answer(&dir.file("pm.tsv", tsv.as_bytes()), &[]);
    assert_reference_answer(&dir.file("pm.txt", tsv.as_bytes()), &[]);
    let o = ibias_stdin(&["oracle", "--exact", "--data", "-"], &tsv);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains(W_LINE), "{}", out(&o));

    // The ±1 file and the 0/1 file give the same JSON answer.
    let zero_one = dir.file(
        "zo.csv",
        b"feature_a,feature_b,label\n1,2,1\n-1,-1,0\n2,1,1\n",
    );
    let w = |args: &[&str]| -> serde_json::Value {
        let o = ibias(args);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
        v["w"].clone()
    };
    let expected = serde_json::json!(["1/2", "1/2"]);
    assert_eq!(w(&["oracle", "--data", &pm, "--json"]), expected);
    assert_eq!(
        w(&["oracle", "--data", &zero_one, "--labels", "0,1", "--json"]),
        expected
    );
}

/// `run` and `compare` read data through the same flags as `oracle`.
#[test]
fn run_and_compare_take_the_column_flags() {
    let dir = Dir::new();
    let f = dir.file(
        "zo.csv",
        b"feature_a,feature_b,label\n1,2,1\n-1,-1,0\n2,1,1\n",
    );
    let o = ibias(&[
        "run", "--data", &f, "--labels", "0,1", "--steps", "100", "--lr", "1/16", "--json",
    ]);
    // so short a run judges little, but its true predictions never FAIL
    assert!(matches!(o.status.code(), Some(0 | 3)), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert!(
        v["command"]
            .as_str()
            .is_some_and(|c| c.contains("--labels 0,1")),
        "{}",
        v["command"]
    );
    assert_eq!(v["theory"]["prediction"]["support"], serde_json::json!([2]));
    assert!(
        err(&o).starts_with("ibias: note: --labels 0,1"),
        "{}",
        err(&o)
    );
    let o = ibias(&[
        "compare",
        "--data",
        &f,
        "--labels",
        "0,1",
        "--steps",
        "100",
        "--optimizers",
        "gd",
        "--json",
    ]);
    // 100 steps may leave gd pending (exit 3); the column flags reached the comparison
    assert!(matches!(o.status.code(), Some(0 | 1 | 3)), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert!(v["command"]
        .as_str()
        .is_some_and(|c| c.contains("--labels 0,1")));
    // the exact l2 answer of the comparison is the reference answer
    assert!(
        v.to_string().contains(r#"["1/2","1/2"]"#),
        "{}",
        v["comparison"]
    );
}

#[test]
fn bad_column_choices_are_one_line_errors() {
    let dir = Dir::new();
    let pm = dir.file("pm.csv", PM.as_bytes());
    let zo = dir.file(
        "zo.csv",
        b"feature_a,feature_b,label\n1,2,1\n-1,-1,0\n2,1,1\n",
    );
    let cats = dir.file("cats.csv", b"a,b,label\n1,2,dog\n-1,-1,cat\n2,1,dog\n");
    let k3 = dir.file("k3.csv", b"x1,x2,y\n1,2,0\n-1,-1,1\n2,1,2\n");
    let one_value = dir.file("one.csv", b"x1,x2,y\n1,2,3\n-1,-1,3\n");
    let pandas = dir.file("pd.csv", b",x1,x2,y\n0,1,2,1\n1,-1,-1,-1\n2,2,1,1\n");
    let unnamed = dir.file(
        "un.csv",
        b"Unnamed: 0,x1,x2,y\n0,1,2,1\n1,-1,-1,-1\n2,2,1,1\n",
    );
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("0/1 without --labels", vec![&zo], "--labels 0,1"),
        ("strings without --labels", vec![&cats], "--labels cat,dog"),
        (
            // with --labels the data are binary: a third value is not one of the two
            "three label values and --labels",
            vec![&k3, "--labels", "0,1"],
            "label \"2\" is neither",
        ),
        (
            "a single label value",
            vec![&one_value],
            "has only this value",
        ),
        ("pandas index", vec![&pandas], "index=False"),
        ("pandas index, named", vec![&unnamed], "pandas index column"),
        (
            "unknown --label",
            vec![&pm, "--label", "target"],
            "no column \"target\"",
        ),
        (
            "--features names a missing column",
            vec![&pm, "--features", "x1,x3"],
            "no column \"x3\"",
        ),
        (
            "--features includes the label",
            vec![&pm, "--features", "x1,y"],
            "is the label column",
        ),
        (
            "--features twice",
            vec![&pm, "--features", "x1,x1"],
            "twice",
        ),
        (
            "column number out of range",
            vec![&pm, "--label", "4"],
            "no column \"4\"",
        ),
        (
            "a label --labels does not name",
            vec![&zo, "--labels", "0,2"],
            "neither",
        ),
        (
            "one --labels value",
            vec![&zo, "--labels", "0"],
            "two values",
        ),
        (
            "equal --labels values",
            vec![&zo, "--labels", "1,1.0"],
            "the same",
        ),
    ];
    for (what, data_and_flags, needle) in &cases {
        for cmd in ["oracle", "run", "compare"] {
            let mut args = vec![cmd, "--data"];
            args.extend(data_and_flags);
            if cmd != "oracle" {
                args.extend(["--steps", "10"]);
            }
            let o = ibias(&args);
            assert_one_line_error(&o, needle);
            assert!(!err(&o).contains("note"), "{what}: {}", err(&o));
        }
    }
}

#[test]
fn npy_and_npz_give_the_hand_derived_answer() {
    assert_reference_answer(&npy("pm.npy"), &[]);
    assert_reference_answer(&npy("pm01_fortran.npy"), &["--labels", "0,1"]);
    assert_reference_answer(&npy("xy.npz"), &["--labels", "cat,dog"]);
    assert_reference_answer(&npy("single.npz"), &[]);
    // columns by number: x2 alone, z = (2, 1, 1), ŵ = 1
    let o = ibias(&[
        "oracle",
        "--data",
        &npy("pm.npy"),
        "--features",
        "2",
        "--label",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("w:           (1)\n"), "{}", out(&o));
    // A float is converted exactly: the double nearest 0.1 is 3602879701896397 / 2^55
    // (Python: fractions.Fraction(0.1)), so the one point x = 0.1, y = +1 has
    // ŵ = 1/x = 2^55 / 3602879701896397, not the 10 of the decimal 0.1 in a CSV.
    let o = ibias(&["oracle", "--exact", "--data", &npy("tenth.npy")]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("w:           (36028797018963968/3602879701896397)\n"),
        "{}",
        out(&o)
    );
    // in decimals it is 10.000000000000000555..., twelve digits that do not claim to be exact
    let o = ibias(&["oracle", "--data", &npy("tenth.npy")]);
    assert!(
        out(&o).contains("w:           (10.0000000000)\n"),
        "{}",
        out(&o)
    );
    let dir = Dir::new();
    let f = dir.file("tenth.csv", b"0.1,1\n");
    let o = ibias(&["oracle", "--data", &f]);
    assert!(out(&o).contains("w:           (10)\n"), "{}", out(&o));
}

#[test]
fn bad_arrays_are_one_line_errors() {
    let dir = Dir::new();
    let garbage_npy = dir.file("g.npy", b"x1,x2,y\n1,2,1\n");
    let garbage_npz = dir.file("g.npz", b"PK\x03\x04 not really a zip");
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            npy("nan.npy"),
            vec![],
            "row 2, column 1: NaN is not a finite number",
        ),
        (npy("tiny.npy"), vec![], "magnitude"),
        (npy("truncated.npy"), vec![], "truncated"),
        (garbage_npy, vec![], "not a valid .npy"),
        (garbage_npz, vec![], "not a readable .npz"),
        (npy("vector.npy"), vec![], "2-D matrix"),
        (npy("ab.npz"), vec![], "arrays named X"),
        (npy("pm01_fortran.npy"), vec![], "--labels 0,1"),
        (npy("xy.npz"), vec![], "--labels cat,dog"),
        (npy("pm.npy"), vec!["--label", "x"], "numbered 1 to 3"),
    ];
    for (file, flags, needle) in &cases {
        for cmd in ["oracle", "run", "compare"] {
            let mut args = vec![cmd, "--data", file.as_str()];
            args.extend(flags);
            let o = ibias(&args);
            assert_one_line_error(&o, needle);
        }
    }
}

/// Non-separable data that a constant feature separates get the hint `try --bias`; data
/// that no affine hyperplane separates (XOR) do not.
#[test]
fn non_separable_data_that_a_bias_separates_get_the_hint() {
    let dir = Dir::new();
    // x = 2, 3 (+1) and 1 (−1): z = 2, 3, −1 is not separable through the origin, but
    // w = 2, b = −3 separates with margin: 2·2−3 = 1, 2·3−3 = 3, −(2·1−3) = 1.
    let line = dir.file("line.csv", b"x1,y\n2,1\n3,1\n1,-1\n");
    let xor = dir.file("xor.csv", b"x1,x2,y\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n");
    for cmd in ["oracle", "run", "compare"] {
        let o =
            ibias(&[cmd, "--data", &line, "--steps", "10"][..if cmd == "oracle" { 3 } else { 5 }]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", err(&o));
        let e = err(&o);
        let last = e.lines().last().unwrap_or("");
        assert!(
            last.starts_with("ibias: error: data are not linearly separable")
                && last.contains("try --bias"),
            "{cmd}: {e}"
        );
        let o =
            ibias(&[cmd, "--data", &xor, "--steps", "10"][..if cmd == "oracle" { 3 } else { 5 }]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", err(&o));
        assert!(err(&o).contains("not linearly separable"), "{}", err(&o));
        assert!(!err(&o).contains("--bias"), "{cmd}: {}", err(&o));
    }
    let o = ibias(&["oracle", "--data", &line, "--bias"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

/// Three or more label values are K-class data: `oracle` and `run` read them (the classes in
/// numeric order), the subcommands that take binary data refuse them in one line.
#[test]
fn three_label_values_are_k_class_data() {
    let dir = Dir::new();
    // classes 0, 1, 2 at (1, 2), (−1, −1), (2, 1)
    let k3 = dir.file("k3.csv", b"x1,x2,y\n1,2,0\n-1,-1,1\n2,1,2\n");
    let k3npy = npy("k3.npy");
    for file in [k3.as_str(), k3npy.as_str()] {
        let o = ibias(&["oracle", "--data", file]);
        let text = out(&o);
        assert!(
            text.contains("K = 3 classes 0, 1, 2"),
            "{file}: {text}{}",
            err(&o)
        );
        assert!(matches!(o.status.code(), Some(0 | 2)), "{}", err(&o));
        // `audit` judges logged binary trajectories only
        let o = ibias(&["audit", "--data", file, "--trajectory", file]);
        assert_one_line_error(&o, "takes binary data only");
    }
}
