//! Proptest mirrors of the fuzz targets in `fuzz/`: the very same invariant functions
//! (compiled in from `fuzz/src/` through `#[path]`), driven by proptest instead of
//! libFuzzer, so `cargo test` and CI check every invariant on stable Rust without
//! cargo-fuzz. See docs/fuzzing.md.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod invariants;

use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// CSV-shaped text: mostly the characters a data file is made of, so that many cases get
/// past the first line.
fn csvish() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "-?[0-9]{1,3}",
        "-?[0-9]{0,2}\\.[0-9]{0,3}",
        "-?[0-9]{1,2}/-?[0-9]{1,2}",
        "[0-9]e-?[0-9]{1,3}",
        "[-+0-9./eExyna ]{0,6}",
    ];
    let row = (
        proptest::collection::vec(field, 1..5),
        "(1|-1|\\+1|1\\.0|0|2|y)",
    )
        .prop_map(|(fs, label)| {
            let mut s = fs.join(",");
            s.push(',');
            s.push_str(&label);
            s
        });
    (
        "(x1,x2,y\n|x1,y\n|# c\n|)",
        proptest::collection::vec(row, 0..6),
        "(\n|\r\n|)",
    )
        .prop_map(|(head, rows, end)| format!("{head}{}{end}", rows.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn parse_csv_round_trips_or_errors(text in csvish()) {
        invariants::check_parse_csv(text.as_bytes());
    }

    #[test]
    fn parse_csv_arbitrary_bytes(b in bytes(200)) {
        invariants::check_parse_csv(&b);
    }

    #[test]
    fn check_certificate_agrees_with_naive(b in bytes(256)) {
        invariants::check_certificate(&b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn gd_step_invariants(b in bytes(256)) {
        invariants::check_gd_step(&b);
    }

    #[test]
    fn optimizers_run_clean(b in bytes(256)) {
        invariants::check_optimizers(&b);
    }

    #[test]
    fn oracle_l2_certificates_verify(b in bytes(256)) {
        invariants::check_oracle(&b, false);
    }

    #[test]
    fn oracle_lp_certificates_verify(b in bytes(256)) {
        invariants::check_oracle(&b, true);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pipeline_runs_end_to_end(b in bytes(512)) {
        invariants::check_pipeline(&b);
    }
}

fn run_target(target: &str, b: &[u8]) {
    match target {
        "parse_csv" => invariants::check_parse_csv(b),
        "check_certificate" => invariants::check_certificate(b),
        "gd_step" => invariants::check_gd_step(b),
        "optimizers" => invariants::check_optimizers(b),
        "oracle_l2" => invariants::check_oracle(b, false),
        "oracle_lp" => invariants::check_oracle(b, true),
        "pipeline" => invariants::check_pipeline(b),
        other => panic!("unknown fuzz target {other:?}"),
    }
}

/// Every committed seed (`fuzz/corpus/<target>/*`, including inputs that once exposed a
/// bug in a target's own invariant) passes its invariant.
#[test]
fn committed_corpora_pass() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut count = 0;
    for dir in std::fs::read_dir(&root).expect("fuzz/corpus") {
        let dir = dir.expect("entry").path();
        let target = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        for file in std::fs::read_dir(&dir).expect("corpus dir") {
            let path = file.expect("entry").path();
            let b = std::fs::read(&path).expect("seed");
            let r = std::panic::catch_unwind(|| run_target(&target, &b));
            assert!(r.is_ok(), "seed {} fails its invariant", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no seeds under {}", root.display());
}

/// Replays one fuzzer input through its invariant without libFuzzer:
/// `FUZZ_TARGET=gd_step FUZZ_CASE=fuzz/artifacts/gd_step/crash-... cargo test --test
/// fuzz_mirrors replay -- --ignored --nocapture` (docs/fuzzing.md).
#[test]
#[ignore = "needs FUZZ_TARGET and FUZZ_CASE"]
fn replay() {
    // `make long` runs every ignored test: without an input there is nothing to replay
    let (Ok(target), Ok(path)) = (std::env::var("FUZZ_TARGET"), std::env::var("FUZZ_CASE")) else {
        eprintln!("replay skipped: set FUZZ_TARGET and FUZZ_CASE to replay one fuzzer input");
        return;
    };
    let b = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match target.as_str() {
        "gd_step" => eprintln!("{:?}", invariants::gd::Case::from_bytes(&b)),
        "oracle_l2" | "oracle_lp" => {
            let (norm, data, planted) = invariants::oracle::decode(&b, target == "oracle_lp");
            eprintln!("{norm:?} {data:?} planted {planted:?}");
            eprint!("{}", implicit_bias::data::to_csv(&data));
        }
        "pipeline" => {
            let e = invariants::pipeline::decode(&b).experiment;
            eprintln!("{}", e.command());
            // with --bias the experiment holds the data with its constant column appended;
            // the file the command reads is the data without it
            let shown = if e.bias {
                let x = e.data.points().iter().map(|p| p[..p.len() - 1].to_vec());
                implicit_bias::data::Dataset::new(x.collect(), e.data.labels().to_vec())
                    .expect("dropping the bias column keeps the data well formed")
            } else {
                e.data.clone()
            };
            eprint!("{}", implicit_bias::data::to_csv(&shown));
        }
        _ => {}
    }
    run_target(&target, &b);
}
