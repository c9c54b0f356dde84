//! The JSON rows of `ibias run --json` against their documented contract: the keys the binary
//! writes for an object are exactly the field names docs/cli.md gives for it (the backticked
//! names of its paragraph), so an undocumented, a renamed or a missing field fails here.

mod edge;
use edge::{ibias, stderr, tmp};

use serde_json::Value;
use std::collections::BTreeSet;

/// docs/cli.md, its whitespace runs (line breaks) as single spaces.
fn cli_md() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md"))
        .expect("docs/cli.md");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of `doc` from the first `start` to the first `end` after it (both required).
fn between<'a>(doc: &'a str, start: &str, end: &str) -> &'a str {
    let a = doc
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in docs/cli.md"))
        + start.len();
    let b = doc[a..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} after {start:?} in docs/cli.md"));
    &doc[a..a + b]
}

/// The backticked names of `text` that can be JSON keys (lower case, digits, `_`, `/`):
/// `ln_loss`, `n/a`; not `w(t)`, `C_L`, `--init` or formulas.
fn names(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            !s.is_empty()
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '/')
        })
        .map(str::to_string)
        .collect()
}

/// The documented fields of a paragraph: its names less those it names as values.
fn documented(text: &str, values: &[&str]) -> BTreeSet<String> {
    let all = names(text);
    for v in values {
        assert!(
            all.contains(*v),
            "{v:?} is no longer in the paragraph: {text}"
        );
    }
    all.into_iter()
        .filter(|n| !values.contains(&n.as_str()))
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

#[track_caller]
fn same(what: &str, written: BTreeSet<String>, doc: BTreeSet<String>) {
    let undocumented: Vec<_> = written.difference(&doc).collect();
    let missing: Vec<_> = doc.difference(&written).collect();
    assert!(
        undocumented.is_empty() && missing.is_empty(),
        "{what}: written but not documented: {undocumented:?}; documented but not written: {missing:?}"
    );
}

/// `ibias run --json --certify` of GD on Fig. 1's data (theory checks and enclosures).
fn certified_run() -> Value {
    let data = ibias(&["gen", "fig1"]);
    let (_d, p) = tmp("fig1.csv", &String::from_utf8_lossy(&data.stdout));
    let o = ibias(&[
        "run",
        "--data",
        p.to_str().expect("a UTF-8 path"),
        "--steps",
        "300",
        "--certify",
        "--json",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1 | 3)), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

#[test]
fn run_rows_have_exactly_the_documented_fields() {
    let doc = cli_md();
    let v = certified_run();

    // the document: the first column of the table of "JSON output (`--json`)"
    let table = between(
        &doc,
        "### JSON output (`--json`) | field |",
        "The `theory` object:",
    );
    // rows are `| a | b | c |` one after the other: "| |" between them; a field is named in
    // the first cell
    let fields: BTreeSet<String> = table
        .split("| |")
        .skip(1)
        .flat_map(|row| names(row.split('|').next().unwrap_or("")))
        .collect();
    let written = keys(&v);
    assert!(written.contains("certify") && !written.contains("classes"));
    let mut binary = fields.clone();
    binary.remove("classes"); // K-class data only
    same("the run document", written, binary);

    // the checkpoint row, and w_exact on the last one only
    let row = documented(
        between(&doc, "Checkpoint objects:", "The `certify` object"),
        &["q"],
    );
    let cps = v["checkpoints"].as_array().expect("checkpoints");
    assert!(cps.len() > 2);
    for c in cps {
        same("a checkpoint row", keys(c), row.clone());
    }
    assert!(cps[0]["w_exact"].is_null() && cps[cps.len() - 1]["w_exact"].is_array());

    // the theory object's verdict rows, their certification, the fits, the counts
    let theory = between(&doc, "The `theory` object:", "Checkpoint objects:");
    let verdict = documented(
        between(theory, "`verdicts` (", "; `certification`"),
        &[
            "weak",
            "n/a",
            "identity",
            "extrapolation",
            "derived",
            "history",
        ],
    )
    .into_iter()
    .chain(["certification".to_string()])
    .collect::<BTreeSet<_>>();
    let certification: BTreeSet<String> = between(theory, "`certification`: null", "—")
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let verdicts = v["theory"]["verdicts"].as_array().expect("verdicts");
    assert!(!verdicts.is_empty());
    for r in verdicts {
        same("a verdict row", keys(r), verdict.clone());
        same(
            "a verdict's certification",
            keys(&r["certification"]),
            certification.clone(),
        );
    }
    let fits = documented(between(theory, "`fits` (", ")"), &[]);
    for f in v["theory"]["fits"].as_array().expect("fits") {
        same("a fit row", keys(f), fits.clone());
    }
    same(
        "the counts",
        keys(&v["theory"]["counts"]),
        documented(between(theory, "`counts` (", ")"), &[]),
    );

    // the certify object, its checkpoint rows and their {mid, rad} enclosures
    let certify = documented(
        between(
            &doc,
            "The `certify` object (`--certify`):",
            ": one object per shown checkpoint certified",
        ),
        &["certified", "stopped"],
    );
    same("the certify object", keys(&v["certify"]), certify);
    let enclosure: BTreeSet<String> = ["mid", "rad"].map(String::from).into();
    let cp = documented(
        between(
            &doc,
            "one object per shown checkpoint certified,",
            "The CSV (`--csv`)",
        ),
        &["rad", "x"], // the enclosure's radius; the exact iterate of the formulas
    );
    let cert_cps = v["certify"]["checkpoints"].as_array().expect("checkpoints");
    assert!(cert_cps.len() > 2);
    for c in cert_cps {
        same("a certify checkpoint row", keys(c), cp.clone());
        same("an enclosure", keys(&c["norm"]), enclosure.clone());
    }
    assert!(
        doc.contains(r#"each `{"mid": "...", "rad": "..."}`"#),
        "the enclosure's fields in docs/cli.md"
    );

    // the diagnostics rows: the diagnostics of the same names as the certify rows'
    for r in v["theory"]["diagnostics"].as_array().expect("diagnostics") {
        let extra: Vec<String> = keys(r).difference(&cp).cloned().collect();
        assert!(extra.is_empty(), "diagnostics not documented: {extra:?}");
    }
}

/// docs/optimizers.md, its whitespace runs as single spaces.
fn optimizers_md() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/optimizers.md"))
        .expect("docs/optimizers.md");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn compare_rows_and_answers_have_exactly_the_documented_fields() {
    let doc = optimizers_md();
    let o = ibias(&[
        "compare",
        "--data",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/three_answers.csv"),
        "--optimizers",
        "gd,adam:eps=0",
        "--steps",
        "1000",
        "--precision",
        "f64",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let c = &v["comparison"];

    // the answers: "`answers` (per norm: ...)"
    let answer = documented(between(&doc, "`answers` (per norm:", ") and `rows`"), &[]);
    let answers = c["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 3);
    for a in answers {
        same("a compare answer", keys(a), answer.clone());
    }

    // the rows: "`rows` (per optimizer: ...)", less the names given as values (the norms'
    // keys of `angle_deg` and `margin`, the claims, the verdicts)
    let row = documented(
        between(&doc, "`rows` (per optimizer:", "), and the judgement"),
        &[
            "l1",
            "l2",
            "linf",
            "limit_direction",
            "limit_margin",
            "limit_box",
            "holds",
            "fails",
            "pending",
            "not_reached",
            "not_discriminating",
            "no_claim",
        ],
    );
    let rows = c["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    for r in rows {
        same("a compare row", keys(r), row.clone());
        for per_norm in ["angle_deg", "margin"] {
            same(
                "a per-norm object",
                keys(&r[per_norm]),
                ["l1", "l2", "linf"].map(String::from).into(),
            );
        }
    }
}
