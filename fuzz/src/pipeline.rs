//! The whole pipeline users run (`ibias run`): data → exact oracle → optimizer → predictions
//! → verdicts → report, through the library's one entry point
//! [`Experiment::run`](implicit_bias::experiment::Experiment::run).
//!
//! Decoded from the bytes: planted separable data (sizes up to N = 300, d = 20 for one input
//! in 32, else N ≤ 12, d ≤ 4; coordinates of varied magnitude, exact duplicates), optionally
//! with near-duplicates `z + 2^-k v` (margins that differ by as little as 2^-40) or raw data
//! that may not be separable; `--bias`; either loss; f64, double-double or 24..256 bits; the
//! default step 1/8, the §8.1 step or a fuzzed one; plain GD (three inputs in four) or another
//! optimizer; a start, a checkpoint base, up to 64 steps (small data: up to 2000); sometimes
//! a conjecture, good or bad. Read after those (so earlier inputs keep their meaning): K-class
//! data in one input in ten (the points labelled by the largest of three or four random
//! linear scores, ties dropped, or at random for raw data: then possibly not separable), with
//! the softmax cross-entropy or the exponential loss on the lifted points; `--certify` for GD
//! in one input in ten (and for other requests, where it must be refused as bad input); a
//! schedule of K checkpoints per decade or listed steps instead of a base.
//!
//! Invariants:
//! * no panic; bad input and non-separable data are one-line errors (planted data are never
//!   reported non-separable);
//! * a status for every stop: a completed run took every step, a stopped one fewer; the exit
//!   status is 0, 1 or 3 and agrees with the judgement, the counts and the summary line; a
//!   GD run has theory checks or says why not;
//! * the text report renders with its header, and the JSON document survives a round trip
//!   through text and has exactly the fields docs/cli.md documents, with their types
//!   (`classes` for K-class data, `certify` with `--certify`);
//! * a certified run has the documented `certify` object: certified through the last step
//!   taken, or stopped with the step and the reason; at every certified checkpoint the printed
//!   iterate is within `radius + rad + half a unit of its last digit` of each enclosure's
//!   midpoint (the computed iterate is within `radius` of the exact one, the exact one within
//!   `rad` of `mid`);
//! * in one input in four the same experiment also runs at f64, double-double and 128 bits:
//!   where all three complete and judge a claim, no precision FAILs a claim another passes.

use super::data::{dot, planted, raw};
use super::input::Bytes;
use implicit_bias::data::{ClassData, Dataset};
use implicit_bias::experiment::{Experiment, Findings};
use implicit_bias::loss::Loss;
use implicit_bias::optim::OptimizerSpec;
use implicit_bias::run::{RunStatus, Schedule};
use implicit_bias::scalar::Precision;
use implicit_bias::stepsize::check_step;
use implicit_bias::theory::Conjecture;
use implicit_bias::Error;
use rug::Rational;
use serde_json::Value;
use std::collections::BTreeSet;

const OPTIMIZERS: &[&str] = &[
    "momentum",
    "nesterov",
    "sgd",
    "normalized",
    "sign",
    "coordinate",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
];

/// Conjectures, some of them wrong for the data (a wrong length, an unknown name).
const CONJECTURES: &[&str] = &[
    "C_L=4",
    "C_L=1/2",
    "kappa=1/4",
    "theta=2",
    "w_tilde=0",
    "w_tilde=0,0",
    "w_tilde=1/10,-7/3",
    "alpha=1",
    "alpha=1,1",
    "C_share=1e-3",
    "nope=1",
    "C_L=abc",
];

/// One decoded case.
pub struct Case {
    /// The request.
    pub experiment: Experiment,
    planted: bool,
    agree: bool,
}

/// Decodes the fuzzer's bytes.
pub fn decode(bytes: &[u8]) -> Case {
    let mut b = Bytes::new(bytes);
    let large = b.u8() < 8;
    let (max_n, max_d) = if large { (300, 20) } else { (12, 4) };
    let is_planted = b.u8() >= 48;
    let (mut data, u) = if is_planted {
        let p = planted(&mut b, max_n, max_d);
        (p.data, Some(p.u))
    } else {
        (raw(&mut b, max_n.min(12), max_d), None)
    };
    if b.u8() < 64 {
        data = near_duplicates(&mut b, &data, u.as_deref());
    }
    let bias = b.u8() < 48;
    if bias {
        data = data.with_bias();
    }
    let loss = if b.bool() {
        Loss::Exponential
    } else {
        Loss::Logistic
    };
    let precision = match b.below(4) {
        0 => Precision::F64,
        1 => Precision::Dd,
        2 => Precision::Bits(128),
        _ => Precision::Bits(24 + b.below(233) as u32),
    };
    let init: Vec<Rational> = if b.bool() {
        vec![Rational::new(); data.dim()]
    } else {
        (0..data.dim()).map(|_| b.small_rational(3, 4)).collect()
    };
    let mut optimizer = if b.u8() < 192 {
        OptimizerSpec::parse("gd").expect("gd is a valid optimizer name")
    } else {
        OptimizerSpec::parse(OPTIMIZERS[b.index(OPTIMIZERS.len())])
            .expect("every name in OPTIMIZERS is valid")
    };
    optimizer.lr = match b.below(3) {
        0 => None,
        1 => Some(safe_step(&data, loss, &init)),
        _ => Some(Rational::from((1 + b.below(64), 1 + b.below(64))) / 8),
    };
    let steps = if large {
        b.below(65)
    } else if b.u8() < 16 {
        b.below(2001)
    } else {
        b.below(65)
    };
    let base = if b.bool() { 10 } else { 2 + b.below(15) };
    let seed = b.below(4);
    let mut conjectures = Vec::new();
    if b.u8() < 24 {
        if let Ok(c) = Conjecture::parse(CONJECTURES[b.index(CONJECTURES.len())]) {
            conjectures.push(c);
        }
    }
    let agree = !large && b.u8() < 64;
    // read after every field above, so that inputs found before these existed decode as before
    let classes = if b.u8() >= 230 {
        classes_of(&mut b, &data, is_planted)
    } else {
        None
    };
    let certify = b.u8() >= 230;
    let schedule = match b.u8() {
        0..=215 => Schedule::Base(base.into()),
        216..=235 => Schedule::PerDecade(1 + b.below(100) as u32),
        _ => Schedule::At((0..1 + b.below(4)).map(|_| b.below(steps + 1)).collect()),
    };
    let (template, loss, init) = match classes {
        Some(c) => {
            let k = c.classes();
            let t = Experiment::for_classes(c);
            let loss = if b.bool() {
                t.loss
            } else {
                Loss::Exponential.for_classes(k)
            };
            let init = vec![Rational::new(); t.data.dim()];
            (t, loss, init)
        }
        None => (Experiment::new(data), loss, init),
    };
    let experiment = Experiment {
        data_name: "fuzz".into(),
        bias,
        loss,
        optimizer,
        steps,
        precision,
        init,
        schedule,
        seed,
        conjectures,
        progress: false,
        certify,
        ..template
    };
    Case {
        experiment,
        planted: is_planted,
        agree,
    }
}

/// K-class data on the points of `data` (its labels dropped): K = 3 or 4 random integer
/// score vectors `v_k`, each point labelled by its largest score, points with a tie dropped
/// (so the scores separate the classes: the lifted data are separable through the origin);
/// for raw data, sometimes random labels instead (then possibly not separable). `None` when
/// fewer than three classes remain.
fn classes_of(b: &mut Bytes, data: &Dataset, planted: bool) -> Option<ClassData> {
    let k = 3 + b.index(2);
    let d = data.dim();
    let scores: Vec<Vec<Rational>> = (0..k)
        .map(|_| (0..d).map(|_| Rational::from(b.range(-3, 3))).collect())
        .collect();
    let random = !planted && b.bool();
    let mut x = Vec::new();
    let mut y = Vec::new();
    for p in data.points() {
        let label = if random {
            b.index(k)
        } else {
            let s: Vec<Rational> = scores.iter().map(|v| dot(p, v)).collect();
            let best = s.iter().max()?.clone();
            let at: Vec<usize> = (0..k).filter(|&i| s[i] == best).collect();
            if at.len() != 1 {
                continue;
            }
            at[0]
        };
        x.push(p.clone());
        y.push(label);
    }
    let present: BTreeSet<usize> = y.iter().copied().collect();
    if present.len() < 3 {
        return None;
    }
    let names = (0..k).map(|i| format!("c{i}")).collect();
    ClassData::new(x, y, names).ok()
}

/// Up to three near-duplicates `z_k + 2^-e v` (e ≤ 40, v a small integer vector): margins
/// that differ from a support vector's by 2^-40 and less. For planted data (direction `u`) a
/// near-duplicate that would cross the planted hyperplane is left out.
fn near_duplicates(b: &mut Bytes, data: &Dataset, u: Option<&[Rational]>) -> Dataset {
    let mut x: Vec<Vec<Rational>> = data.points().to_vec();
    let mut y: Vec<i8> = data.labels().to_vec();
    for _ in 0..1 + b.index(3) {
        let k = b.index(x.len());
        let e = 1 + b.below(40) as u32;
        let eps = Rational::from((1, 1)) >> e;
        let p: Vec<Rational> = x[k]
            .iter()
            .map(|v| v.clone() + Rational::from(&eps * b.range(-2, 2)))
            .collect();
        if let Some(u) = u {
            if dot(&p, u) * i32::from(y[k]) <= 0 {
                continue;
            }
        }
        x.push(p);
        y.push(y[k]);
    }
    Dataset::new(x, y).expect("near-duplicates of well-formed data are well formed")
}

/// The largest power-of-two step that satisfies the sufficient descent condition of §8.1.
fn safe_step(data: &Dataset, loss: Loss, init: &[Rational]) -> Rational {
    let w0: Vec<f64> = init.iter().map(Rational::to_f64).collect();
    let mut lr = Rational::from(1);
    for _ in 0..200 {
        if check_step(data, loss, &lr, &w0).is_none() {
            break;
        }
        lr /= 2;
    }
    lr
}

/// The invariant for one input.
pub fn check_pipeline(bytes: &[u8]) {
    let case = decode(bytes);
    let e = &case.experiment;
    let out = match e.run() {
        Err(err) => {
            let m = err.to_string();
            assert!(
                !m.is_empty() && !m.contains('\n'),
                "error not one line: {m:?}"
            );
            match err {
                Error::NotSeparable { witness, .. } => {
                    assert!(!case.planted, "planted data reported not separable: {m}");
                    // the error keeps the exact evidence: a Gordan witness of these data
                    // (e.data carries the bias column already; K-class data: the lift)
                    let data = e
                        .classes
                        .as_ref()
                        .map_or_else(|| e.data.clone(), |c| c.lift());
                    let w = implicit_bias::cert::Witness { alpha: witness };
                    assert_eq!(
                        implicit_bias::cert::check_witness(&data, &w),
                        Ok(()),
                        "the error's witness"
                    );
                }
                Error::Parameter { .. } | Error::Numerical(_) => {}
                other => panic!("unexpected error kind for a valid request: {other}"),
            }
            return;
        }
        Ok(o) => o,
    };
    check_outcome(e, &out);
    if case.agree && e.conjectures.is_empty() {
        let runs: Vec<Findings> = [Precision::F64, Precision::Dd, Precision::Bits(128)]
            .into_iter()
            .map(|p| {
                let mut e = e.clone();
                e.precision = p;
                let o = e.run().expect("the same request ran at another precision");
                check_outcome(&e, &o);
                o
            })
            .collect();
        check_agreement(&runs);
    }
}

/// One outcome against its request: status, exit code, text and JSON.
fn check_outcome(e: &Experiment, out: &Findings) {
    match out.status {
        RunStatus::Completed => assert_eq!(out.steps_taken, e.steps, "completed early"),
        RunStatus::Underflow { at, .. }
        | RunStatus::NonFinite { at }
        | RunStatus::Interrupted { at } => {
            assert!(at <= e.steps && out.steps_taken <= at, "{:?}", out.status)
        }
        // the run's own scalar (f64, dd, MPFR) decides every comparison
        RunStatus::Undecided { .. } => panic!("an undecided run at a working precision"),
    }
    let code = out.exit_code();
    assert!(matches!(code, 0 | 1 | 3), "exit {code}");
    let gd = e.optimizer.kind == implicit_bias::optim::spec::Kind::Gd;
    if gd {
        assert!(
            out.theory.is_some() || out.skipped.is_some(),
            "a GD run with no theory checks and no reason"
        );
    }
    let text = out.text();
    assert!(text.starts_with("# ibias run --data "), "{text:.200}");
    assert!(text.contains("\n# status: "), "no status line");
    if let Some(t) = &out.theory {
        let want = match code {
            0 => "# all checked claims hold",
            1 => "checked claim(s) FAILED",
            _ => "# inconclusive: ",
        };
        assert!(t.text.contains(want), "exit {code} without {want:?}");
        assert_eq!(t.judgement.exit_code(), code, "judgement and exit status");
    } else if out.skipped.is_some() {
        assert_eq!(code, 3, "skipped theory checks must be inconclusive");
    }
    let doc = out.json();
    if e.certify {
        check_certify(&doc);
    }
    let again: Value =
        serde_json::from_str(&serde_json::to_string(&doc).expect("the JSON document serializes"))
            .expect("the JSON document parses back");
    assert_eq!(again, doc, "JSON round trip");
    check_schema(&doc, code);
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

fn is_decimal_or_null(v: &Value) -> bool {
    v.is_null() || v.as_str().is_some_and(|s| !s.is_empty())
}

/// The fields of docs/cli.md ("JSON output"), exactly, with their types.
fn check_schema(doc: &Value, code: u8) {
    let mut top = set(&[
        "command",
        "data",
        "optimizer",
        "optimizer_spec",
        "loss",
        "lr",
        "lr_auto",
        "precision",
        "bits",
        "steps",
        "init",
        "status",
        "status_at",
        "status_point",
        "steps_taken",
        "elapsed_s",
        "checkpoints",
        "theory",
        "inconclusive",
    ]);
    for optional in ["classes", "certify"] {
        if doc.get(optional).is_some() {
            top.insert(optional);
        }
    }
    assert_eq!(keys(doc), top, "top-level fields");
    if let Some(c) = doc.get("classes") {
        assert_eq!(
            keys(c),
            set(&["k", "names", "w_rows", "norm_sq", "support", "invariant"]),
            "classes"
        );
        let inv = &c["invariant"];
        assert_eq!(
            keys(inv),
            set(&["drift", "bound", "at", "holds", "judged"]),
            "invariant"
        );
        assert!(
            inv["drift"].is_string() && inv["bound"].is_string(),
            "{inv}"
        );
        assert!(
            inv["at"].is_u64() && inv["holds"].is_boolean() && inv["judged"].is_boolean(),
            "{inv}"
        );
    }
    assert_eq!(keys(&doc["data"]), set(&["source", "n", "d"]));
    for f in [
        "command",
        "optimizer",
        "optimizer_spec",
        "loss",
        "lr",
        "precision",
    ] {
        assert!(doc[f].is_string(), "{f}");
    }
    for f in ["bits", "steps", "steps_taken"] {
        assert!(doc[f].is_u64(), "{f}");
    }
    assert!(doc["elapsed_s"].is_number() && doc["lr_auto"].is_boolean());
    assert!(["completed", "underflow", "non_finite", "interrupted"]
        .contains(&doc["status"].as_str().unwrap_or("")));
    assert_eq!(doc["status"] == "completed", doc["status_at"].is_null());
    assert!(doc["init"]
        .as_array()
        .is_some_and(|a| a.iter().all(Value::is_string)));
    let cps = doc["checkpoints"].as_array().expect("checkpoints");
    for (i, c) in cps.iter().enumerate() {
        assert_eq!(
            keys(c),
            set(&[
                "t",
                "digits",
                "w",
                "w_exact",
                "norm",
                "norm_over_ln_t",
                "ln_loss",
                "t_loss",
                "direction",
                "min_margin"
            ])
        );
        assert!(c["t"].is_u64() && c["digits"].is_u64());
        assert!(c["w"]
            .as_array()
            .is_some_and(|w| w.iter().all(is_decimal_or_null)));
        // the exact final iterate on the last checkpoint only
        assert_eq!(
            c["w_exact"].is_array(),
            i + 1 == cps.len(),
            "w_exact at {i}"
        );
        for f in ["norm", "norm_over_ln_t", "ln_loss", "t_loss", "min_margin"] {
            assert!(is_decimal_or_null(&c[f]), "checkpoint {f}: {}", c[f]);
        }
    }
    let t = &doc["theory"];
    if t.is_null() {
        assert!(doc["inconclusive"].is_null() || doc["inconclusive"].is_string());
        return;
    }
    assert!(doc["inconclusive"].is_null());
    assert_eq!(
        keys(t),
        set(&[
            "prediction",
            "diagnostics",
            "verdicts",
            "fits",
            "counts",
            "judgement",
            "all_hold",
            "inconclusive",
            "user_predictions",
        ])
    );
    let p = &t["prediction"];
    assert_eq!(
        keys(p),
        set(&[
            "regime",
            "spans",
            "support",
            "alpha",
            "w_tilde",
            "constants"
        ])
    );
    assert!(["unique", "max_entropy", "degenerate"].contains(&p["regime"].as_str().unwrap_or("")));
    for (name, c) in p["constants"].as_object().expect("constants") {
        assert_eq!(keys(c), set(&["value", "section"]), "{name}");
        let v = &c["value"];
        assert!(
            v.as_str().is_some_and(|s| !s.is_empty())
                || v.as_object()
                    .is_some_and(|o| o.len() == 1 && o["unavailable"].is_string()),
            "constant {name}: {v}"
        );
    }
    let verdicts = t["verdicts"].as_array().expect("verdicts");
    let mut counts = [0u64; 4];
    for v in verdicts {
        assert_eq!(
            keys(v),
            set(&[
                "id",
                "status",
                "section",
                "claim",
                "t",
                "measured",
                "predicted",
                "deviation",
                "tolerance",
                "resolution",
                "scale",
                "basis",
                "witness",
                "core",
                "user",
                "limit",
                "expected",
                "certification",
            ])
        );
        // `certification`: null without --certify, else {certified, reason}: a reason exactly
        // when not certified, and n/a is never certified
        let certified = doc["certify"].is_object();
        let c = &v["certification"];
        if certified {
            assert_eq!(keys(c), set(&["certified", "reason"]), "certification: {v}");
            let yes = c["certified"].as_bool().expect("certified is a boolean");
            assert_eq!(yes, c["reason"].is_null(), "certification reason: {v}");
            assert!(!yes || v["status"] != "n/a", "n/a certified: {v}");
        } else {
            assert!(c.is_null(), "certification without --certify: {v}");
        }
        let k = ["PASS", "weak", "FAIL", "n/a"]
            .iter()
            .position(|s| v["status"] == *s)
            .unwrap_or_else(|| panic!("verdict status {}", v["status"]));
        counts[k] += 1;
        assert!(["identity", "extrapolation", "derived", "history"]
            .contains(&v["witness"].as_str().unwrap_or("")));
        assert!(v["core"].is_boolean() && v["user"].is_boolean());
        if k == 3 {
            assert!(v["measured"].is_null() || v["measured"].is_string());
        } else {
            for f in ["deviation", "tolerance", "resolution", "scale"] {
                assert!(v[f].as_str().is_some_and(|s| !s.is_empty()), "{f}: {v}");
            }
            // a scalar claim has `measured` (and `predicted`, except an order claim such as
            // `share_order`, O(t^{1−θ})); a vector claim has `limit` and `expected`
            let vector = v["limit"].is_array();
            assert!(
                vector != v["measured"].is_string(),
                "measured or limit: {v}"
            );
            assert!(is_decimal_or_null(&v["predicted"]), "predicted: {v}");
            assert!(!vector || v["expected"].is_array(), "expected: {v}");
        }
    }
    let c = &t["counts"];
    assert_eq!(keys(c), set(&["pass", "weak", "fail", "n/a"]));
    assert_eq!(
        [&c["pass"], &c["weak"], &c["fail"], &c["n/a"]].map(|x| x.as_u64().unwrap_or(u64::MAX)),
        counts,
        "counts"
    );
    let j = t["judgement"].as_str().unwrap_or("");
    assert_eq!(
        (j, t["all_hold"].as_bool()),
        match code {
            0 => ("holds", Some(true)),
            1 => ("fails", Some(false)),
            _ => ("inconclusive", Some(false)),
        },
        "judgement for exit {code}"
    );
    assert_eq!(code == 1, counts[2] > 0, "a FAIL is exit 1");
    assert_eq!(t["inconclusive"].is_string(), code == 3);
}

/// f64, double-double and 128 bits: where all three complete and judge a claim, none FAILs
/// what another passes (PASS and weak differ only in resolution).
fn check_agreement(runs: &[Findings]) {
    if runs.iter().any(|o| o.status != RunStatus::Completed) {
        return;
    }
    let Some(first) = runs[0].theory.as_ref() else {
        return;
    };
    let status = |o: &Findings, id: &str| -> Option<String> {
        o.theory.as_ref()?.json["verdicts"]
            .as_array()?
            .iter()
            .find(|v| v["id"] == id)
            .and_then(|v| v["status"].as_str().map(str::to_string))
    };
    for v in first.json["verdicts"].as_array().into_iter().flatten() {
        let id = v["id"].as_str().unwrap_or("");
        let s: Vec<Option<String>> = runs.iter().map(|o| status(o, id)).collect();
        if !s
            .iter()
            .all(|x| matches!(x.as_deref(), Some(v) if v != "n/a"))
        {
            continue;
        }
        let fails = s.iter().filter(|x| x.as_deref() == Some("FAIL")).count();
        assert!(
            fails == 0 || fails == s.len(),
            "claim {id}: f64/dd/128 verdicts {s:?}\n{}",
            runs[0].command
        );
    }
}

/// A decimal string as an exact-enough float, and half a unit of its last digit.
fn decimal(s: &str) -> (rug::Float, rug::Float) {
    use rug::ops::Pow;
    let x = rug::Float::with_val(
        512,
        rug::Float::parse(s).unwrap_or_else(|e| panic!("decimal {s:?}: {e}")),
    );
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().expect("exponent")),
        None => (s, 0),
    };
    let frac = mant.find('.').map_or(0, |i| mant.len() - i - 1) as i32;
    let half = rug::Float::with_val(512, 10u32).pow(exp - frac) / 2u32;
    (x, half)
}

/// The naive interval enclosure of another optimizer (docs/cli.md `certify.interval`): null
/// only for a resumed run; rows at increasing shown checkpoints, each `error_bound` at
/// least its `radius` (the computed point's distance from the box's far end is at least
/// half its width), all nonnegative decimal strings (`radius_over_norm` null where the
/// norm's lower end is 0), `through` the last row's `t`.
fn check_interval(iv: &Value, doc: &Value) {
    if iv.is_null() {
        return;
    }
    assert_eq!(
        keys(iv),
        set(&["bits", "through", "stopped", "checkpoints"]),
        "interval: {iv}"
    );
    assert!(iv["bits"].as_u64().is_some_and(|b| b >= 128), "{iv}");
    let rows = iv["checkpoints"].as_array().expect("interval checkpoints");
    let mut last = 0;
    for r in rows {
        assert_eq!(
            keys(r),
            set(&["t", "radius", "radius_over_norm", "error_bound"]),
            "{r}"
        );
        let t = r["t"].as_u64().expect("t");
        assert!(t > last, "interval checkpoints increase: {iv}");
        last = t;
        let steps = doc["steps_taken"].as_u64().expect("steps_taken");
        assert!(t <= steps, "{iv}");
        let num = |k: &str| {
            r[k].as_str().map_or(f64::INFINITY, |s| {
                s.parse::<f64>()
                    .unwrap_or_else(|e| panic!("{k} {s:?}: {e}"))
            })
        };
        for k in ["radius", "radius_over_norm", "error_bound"] {
            assert!(
                (k == "radius_over_norm" && r[k].is_null()) || num(k) >= 0.0,
                "{k}: {r}"
            );
        }
        assert!(num("error_bound") >= num("radius"), "{r}");
    }
    assert_eq!(iv["through"].as_u64(), Some(last), "{iv}");
    assert!(iv["stopped"].is_null() || iv["stopped"].is_string(), "{iv}");
}

/// The `certify` object of docs/cli.md, and its enclosures against the printed iterates.
fn check_certify(doc: &Value) {
    let c = &doc["certify"];
    // another optimizer than plain GD runs and says why it is not certified
    if c["status"] == "not certified" {
        assert_eq!(
            keys(c),
            set(&["status", "reason", "interval"]),
            "certify: {c}"
        );
        check_interval(&c["interval"], doc);
        assert!(
            c["reason"]
                .as_str()
                .is_some_and(|r| r.contains("not certified")),
            "{c}"
        );
        assert_ne!(doc["optimizer"], "gd", "plain GD not certified: {c}");
        return;
    }
    assert_eq!(
        keys(c),
        set(&[
            "status",
            "certified_through",
            "stopped_at",
            "reason",
            "interval_bits",
            "a_priori_steps",
            "interval_steps",
            "radius",
            "max_lipschitz",
            "expansive_steps",
            "last_expansive_step",
            "checkpoints",
        ]),
        "certify"
    );
    match c["status"].as_str() {
        Some("certified") => {
            assert_eq!(
                c["certified_through"], doc["steps_taken"],
                "certified through"
            );
            assert!(c["reason"].is_null() && c["stopped_at"].is_null());
        }
        Some("stopped") => {
            assert!(c["reason"].as_str().is_some_and(|r| !r.is_empty()), "{c}");
            assert!(c["stopped_at"].is_u64(), "{c}");
        }
        other => panic!("certify status {other:?}"),
    }
    let cps = doc["checkpoints"].as_array().expect("checkpoints");
    for e in c["checkpoints"].as_array().expect("certified checkpoints") {
        let t = &e["t"];
        let Some(cp) = cps.iter().find(|p| &p["t"] == t) else {
            panic!("certified checkpoint {t} is not a checkpoint");
        };
        let (radius, _) = decimal(e["radius"].as_str().expect("radius"));
        let w = cp["w"].as_array().expect("w");
        let enc = e["w"].as_array().expect("enclosed w");
        assert_eq!(w.len(), enc.len(), "enclosure length at t = {t}");
        for (x, b) in w.iter().zip(enc) {
            let Some(x) = x.as_str() else { continue };
            let (x, half) = decimal(x);
            let (mid, _) = decimal(b["mid"].as_str().expect("mid"));
            let (rad, _) = decimal(b["rad"].as_str().expect("rad"));
            let gap = rug::Float::with_val(512, &x - &mid).abs();
            let room = rug::Float::with_val(512, &radius + &rad) + &half;
            assert!(
                gap <= room,
                "t = {t}: printed {x} is {gap} from the enclosure {mid} ± {rad} (radius {radius})"
            );
        }
    }
}
