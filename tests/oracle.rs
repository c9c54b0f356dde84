//! The exact ℓ2 oracle on hand-derived cases, the checker on hand-made wrong certificates,
//! and `ibias oracle` end to end.
//!
//! Every expected value is derived in the comment above it: ŵ from the KKT system
//! `G_S α = 1`, `ŵ = Σ α_n z_n` on the support set S (theory §0), checked against
//! `z_n·ŵ ≥ 1` for the other points.

mod edge;
use edge::no_internal_error;

use implicit_bias::cert::{self, Certificate, Norm, Violation, Witness};
use implicit_bias::data::{generate::Generator, parse_rational, Dataset};
use implicit_bias::oracle::{self, l2, MaxMargin, Outcome};
use rug::Rational;
use std::process::{Command, Output};

fn q(s: &str) -> Rational {
    parse_rational(s).unwrap()
}

fn qs(s: &str) -> Vec<Rational> {
    s.split(',').map(q).collect()
}

/// Rows "x1,...,xd" with labels.
fn data(rows: &[(&str, i8)]) -> Dataset {
    Dataset::new(
        rows.iter().map(|(x, _)| qs(x)).collect(),
        rows.iter().map(|&(_, y)| y).collect(),
    )
    .unwrap()
}

fn separable(d: &Dataset) -> MaxMargin {
    match l2::solve(d).unwrap() {
        Outcome::Separable(m) => {
            assert_eq!(cert::check(d, &m.cert), Ok(()));
            *m
        }
        Outcome::NotSeparable(w) => panic!("expected separable, got witness {:?}", w.alpha),
    }
}

fn witness(d: &Dataset) -> Witness {
    match l2::solve(d).unwrap() {
        Outcome::NotSeparable(w) => {
            assert_eq!(cert::check_witness(d, &w), Ok(()));
            w
        }
        Outcome::Separable(m) => panic!("expected a witness, got w = {:?}", m.cert.w),
    }
}

/// z1 = (1, 0) and z2 = (0, 2) (x2 = (0, −2) with y = −1). Both on the margin:
/// G = [[1, 0], [0, 4]], G α = 1 ⇒ α = (1, 1/4), ŵ = 1·(1, 0) + (1/4)(0, 2) = (1, 1/2),
/// ‖ŵ‖² = 5/4 = Σα. Independent, both α > 0: unique, not degenerate; rank 2 = d: spans.
#[test]
fn two_points_in_the_plane() {
    let d = data(&[("1,0", 1), ("0,-2", -1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,1/2"));
    assert_eq!(m.cert.alpha, qs("1,1/4"));
    assert_eq!(m.cert.support, vec![0, 1]);
    assert_eq!(m.cert.value, q("5/4"));
    assert!(m.unique);
    assert_eq!(m.degenerate, Some(false));
    assert_eq!(m.spans, Some(true));
    assert_eq!(m.theta, None);
}

/// z1 = (2, 0), z2 = (0, 2), z3 = (3, 3). On S = {1, 2}: G = 4I, α = (1/4, 1/4),
/// ŵ = (1/2, 1/2); z3·ŵ = 3 > 1, so S is right and θ = 3.
#[test]
fn a_point_off_the_margin_gives_theta() {
    let d = data(&[("2,0", 1), ("0,2", 1), ("3,3", 1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1/2,1/2"));
    assert_eq!(m.cert.alpha, qs("1/4,1/4,0"));
    assert_eq!(m.cert.support, vec![0, 1]);
    assert_eq!(m.theta, Some(q("3")));
}

/// 3-D: z1 = (1,1,0), z2 = (0,1,1), z3 = (1,0,1), z4 = (1,1,1). On S = {1,2,3}: G has 2 on
/// the diagonal and 1 off it, G α = 1 ⇒ α = (1/4, 1/4, 1/4) (2/4 + 1/4 + 1/4 = 1),
/// ŵ = (1/4)(2, 2, 2) = (1/2, 1/2, 1/2), ‖ŵ‖² = 3/4 = Σα; z4·ŵ = 3/2, so θ = 3/2.
#[test]
fn three_points_in_space() {
    let d = data(&[("1,1,0", 1), ("0,-1,-1", -1), ("1,0,1", 1), ("1,1,1", 1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1/2,1/2,1/2"));
    assert_eq!(m.cert.alpha, qs("1/4,1/4,1/4,0"));
    assert_eq!(m.cert.support, vec![0, 1, 2]);
    assert_eq!(m.cert.value, q("3/4"));
    assert_eq!(m.theta, Some(q("3/2")));
    assert!(m.unique);
    assert_eq!(m.spans, Some(true));
}

/// d = 1: z1 = 2, z2 = 4 (x2 = −4, y = −1). min w² s.t. 2w ≥ 1, 4w ≥ 1 ⇒ ŵ = 1/2,
/// α1 = 1/4 (ŵ = α1·2), z2·ŵ = 2 = θ.
#[test]
fn one_dimension() {
    let d = data(&[("2", 1), ("-4", -1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1/2"));
    assert_eq!(m.cert.alpha, qs("1/4,0"));
    assert_eq!(m.theta, Some(q("2")));
}

/// R1 (theory §9): a single point x = (1, 0): ŵ = (1, 0), α = 1, ‖ŵ‖² = 1, θ = ∞ (none);
/// rank(Z) = rank(Z_S) = 1, so the support spans the data.
#[test]
fn r1_single_point() {
    let d = Generator::R1.generate().unwrap();
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,0"));
    assert_eq!(m.cert.alpha, qs("1"));
    assert_eq!(m.cert.value, q("1"));
    assert_eq!(m.theta, None);
    assert_eq!(m.spans, Some(true));
    assert!(m.unique);
}

/// Degenerate (theory §2.11): z1 = (1, 0), z2 = (1, 1). min ‖w‖² s.t. w1 ≥ 1, w1 + w2 ≥ 1
/// ⇒ ŵ = (1, 0) (the first constraint alone forces ‖w‖ ≥ 1). z2·ŵ = 1: on the margin, but
/// ŵ = α1 z1 + α2 z2 = (α1 + α2, α2) forces α2 = 0 in every KKT vector.
#[test]
fn degenerate_margin_point() {
    let d = data(&[("1,0", 1), ("1,1", 1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,0"));
    assert_eq!(m.cert.alpha, qs("1,0"));
    assert_eq!(m.cert.support, vec![0, 1]);
    assert!(m.unique);
    assert_eq!(m.degenerate, Some(true));
    assert_eq!(m.spans, Some(true));
}

/// R2 (theory §9): z1 = z3 = (1/2, 3/2), z2 = z4 = (3/2, 1/2); ŵ = (1/2, 1/2),
/// ‖ŵ‖² = 1/2, all four on the margin, and only α1 + α3 = α2 + α4 = 1/4 is determined:
/// α is not unique; every point can carry weight, so not degenerate.
#[test]
fn r2_non_unique_alpha() {
    let d = Generator::R2.generate().unwrap();
    let m = separable(&d);
    let a = &m.cert.alpha;
    assert_eq!(m.cert.w, qs("1/2,1/2"));
    assert_eq!(m.cert.value, q("1/2"));
    assert_eq!(m.cert.support, vec![0, 1, 2, 3]);
    assert_eq!(Rational::from(&a[0] + &a[2]), q("1/4"));
    assert_eq!(Rational::from(&a[1] + &a[3]), q("1/4"));
    assert!(!m.unique);
    assert_eq!(m.degenerate, Some(false));
    assert_eq!(m.spans, Some(true));
    assert_eq!(m.theta, None);
}

/// Non-unique without duplicates: z = (1,±1,0), (1,0,±1). Each z·(1,0,0) = 1, and
/// w1 ± w2 ≥ 1 forces w1 ≥ 1, so ŵ = (1, 0, 0). α = (t, t, 1/2 − t, 1/2 − t), t ∈ [0, 1/2]:
/// not unique, every point can carry weight (t = 1/4), rank 3 = d.
#[test]
fn dependent_support_without_duplicates() {
    let d = data(&[("1,1,0", 1), ("1,-1,0", 1), ("1,0,1", 1), ("-1,0,1", -1)]);
    let m = separable(&d);
    let a = &m.cert.alpha;
    assert_eq!(m.cert.w, qs("1,0,0"));
    assert_eq!(a[0], a[1]);
    assert_eq!(a[2], a[3]);
    assert_eq!(Rational::from(&a[0] + &a[2]), q("1/2"));
    assert!(!m.unique);
    assert_eq!(m.degenerate, Some(false));
}

/// Duplicated point plus a degenerate one: z1 = z2 = (1, 0), z3 = (1, 1). ŵ = (1, 0) as in
/// `degenerate_margin_point`; α1 + α2 = 1 (not unique) and α3 = 0 always (degenerate).
#[test]
fn non_unique_and_degenerate() {
    let d = data(&[("1,0", 1), ("1,0", 1), ("1,1", 1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,0"));
    assert_eq!(Rational::from(&m.cert.alpha[0] + &m.cert.alpha[1]), q("1"));
    assert!(!m.unique);
    assert_eq!(m.degenerate, Some(true));
}

/// The support vectors need not span the data: z1 = (1, 0, 0), z2 = (2, 1, 0) (z2·ŵ = 2),
/// z3 = (3, 0, 5) (z3·ŵ = 3). ŵ = (1, 0, 0) (w1 ≥ 1 is forced by z1), S = {1}; rank Z = 3.
#[test]
fn support_does_not_span() {
    let d = data(&[("1,0,0", 1), ("2,1,0", 1), ("-3,0,-5", -1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,0,0"));
    assert_eq!(m.cert.support, vec![0]);
    assert_eq!(m.spans, Some(false));
    assert_eq!(m.theta, Some(q("2")));
}

/// Data in a plane of R³: z1 = (1,0,0), z2 = (0,1,0), z3 = (2,2,0). ŵ = (1,1,0) (G = I on
/// S = {1, 2}, α = (1, 1)), z3·ŵ = 4; rank Z = 2 = rank Z_S < d, so the support spans.
#[test]
fn support_spans_a_subspace() {
    let d = data(&[("1,0,0", 1), ("0,1,0", 1), ("-2,-2,0", -1)]);
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("1,1,0"));
    assert_eq!(m.cert.alpha, qs("1,1,0"));
    assert_eq!(m.spans, Some(true));
    assert_eq!(m.theta, Some(q("4")));
}

/// Soudry et al. Fig. 1 (`Generator::Fig1`): ŵ = (1/2, 1/2) exactly (theory §1.6), support
/// the first four points, θ = min over the 12 extra points of (z1 + z2)/2 (computed here
/// directly from the data).
#[test]
fn fig1_gives_half_half() {
    for seed in [1, 2, 3] {
        let d = Generator::Fig1 { seed }.generate().unwrap();
        let m = separable(&d);
        assert_eq!(m.cert.w, qs("1/2,1/2"));
        assert_eq!(m.cert.support, vec![0, 1, 2, 3]);
        let theta = d
            .signed_points_exact()
            .iter()
            .skip(4)
            .map(|z| Rational::from(&z[0] + &z[1]) / 2)
            .min()
            .unwrap();
        assert_eq!(m.theta, Some(theta));
        assert!(!m.unique);
    }
}

/// `--bias` (theory §1.5): x+ = (1, 3), x− = (1, 1) become z1 = (1, 3, 1), z2 = (−1, −1, −1).
/// G = [[11, −5], [−5, 3]], det 8, G α = 1 ⇒ α = (1, 2); ŵ = (1,3,1) − 2(1,1,1) = (−1, 1, −1):
/// w = (−1, 1), b = −1, the line y = x + 1. The textbook SVM (b free, unpenalized) is the
/// bisector y = 2 with w = (0, 1), b = −2: the directions differ by 45°.
#[test]
fn bias_is_regularized() {
    let d = data(&[("1,3", 1), ("1,1", -1)]).with_bias();
    let m = separable(&d);
    assert_eq!(m.cert.w, qs("-1,1,-1"));
    assert_eq!(m.cert.alpha, qs("1,2"));
    assert_eq!(m.cert.value, q("3"));
}

/// docs/oracle.md: a constant feature c instead of 1 penalizes (b/c)². With z1 = (1, 3, c),
/// z2 = −(1, 1, c): G = [[10 + c², −4 − c²], [−4 − c², 2 + c²]], det = 4 + 4c²,
/// α = ((6 + 2c²), (14 + 2c²))/(4 + 4c²), so w = (α1 − α2, 3α1 − α2) = (−2/(1 + c²), 1) and
/// the last coordinate v = c(α1 − α2) = −2c/(1 + c²) (b = cv). For c = 10: (−2/101, 1, −20/101).
#[test]
fn scaled_bias_feature_approaches_the_textbook_svm() {
    let m = separable(&data(&[("1,3,10", 1), ("1,1,10", -1)]));
    assert_eq!(m.cert.w, qs("-2/101,1,-20/101"));
}

/// z1 = (1, 1), z2 = −(2, 2): 2 z1 + z2 = 0; the dependency is unique up to scale.
#[test]
fn non_separable_pair() {
    let w = witness(&data(&[("1,1", 1), ("2,2", -1)]));
    assert_eq!(w.alpha[0], Rational::from(&w.alpha[1] * 2u32));
}

/// The library's error for non-separable data keeps the exact evidence: `Experiment::run`
/// and `Answers::from_oracle` on the pair above return `NotSeparable` with weights ∝ (2, 1)
/// (the only dependency), which the independent checker accepts; a witness for other data
/// (2 z1 + z2 ≠ 0 once z2 moves) is refused.
#[test]
fn the_not_separable_error_keeps_the_witness() {
    let d = data(&[("1,1", 1), ("2,2", -1)]);
    let from_run = implicit_bias::experiment::Experiment::new(d.clone()).run();
    let from_answers = implicit_bias::theory::limits::Answers::from_oracle(&d).map(|_| ());
    for got in [from_run.map(|_| ()), from_answers] {
        let Err(implicit_bias::Error::NotSeparable { witness, message }) = got else {
            panic!("non-separable data are an error")
        };
        assert!(!message.is_empty());
        assert_eq!(witness[0], Rational::from(&witness[1] * 2u32), "{message}");
        let w = Witness { alpha: witness };
        assert_eq!(cert::check_witness(&d, &w), Ok(()));
        let other = data(&[("1,1", 1), ("2,3", -1)]);
        assert!(cert::check_witness(&other, &w).is_err());
    }
}

/// z1 = (1, 0), z2 = (−1, 1), z3 = (0, −1): z1 + z2 + z3 = 0, unique up to scale (rank 2).
#[test]
fn non_separable_triangle() {
    let w = witness(&data(&[("1,0", 1), ("1,-1", -1), ("0,-1", 1)]));
    assert!(w.alpha[0] > 0);
    assert_eq!(w.alpha[0], w.alpha[1]);
    assert_eq!(w.alpha[1], w.alpha[2]);
}

/// A zero vector (z_n = 0 can never reach margin 1): witness e_n. Contradictory duplicates
/// (the same x with both labels) and x, −x with one label: z and −z, witness ∝ (1, 1).
#[test]
fn zero_vectors_and_contradictions() {
    let w = witness(&data(&[("1,2", 1), ("0,0", -1)]));
    assert_eq!(w.alpha, qs("0,1"));
    let w = witness(&data(&[("1,2", 1), ("1,2", -1)]));
    assert_eq!(w.alpha[0], w.alpha[1]);
    let w = witness(&data(&[("3/7,-2", 1), ("-3/7,2", 1)]));
    assert_eq!(w.alpha[0], w.alpha[1]);
    let w = witness(&data(&[("0", 1)]));
    assert_eq!(w.alpha, qs("1"));
}

/// Scale extremes: the same problem with coordinates × 10^-250 and with denominators 3^60
/// (forcing the big-integer paths); ŵ scales by the inverse factor.
#[test]
fn extreme_scales() {
    let base = data(&[("2,0", 1), ("0,2", 1), ("3,3", 1)]);
    for c in [
        q("1e-250"),
        q("1e250"),
        Rational::from((1, rug::Integer::from(rug::Integer::u_pow_u(3, 60)))),
    ] {
        let m = separable(&base.scaled(&c));
        let expect: Vec<Rational> = qs("1/2,1/2")
            .iter()
            .map(|v| Rational::from(v / &c))
            .collect();
        assert_eq!(m.cert.w, expect);
        assert_eq!(m.theta, Some(q("3")));
    }
}

/// Generic planted data: a certificate that the checker accepts, at a size where the float
/// proposal, the filter and the exact phase all do real work.
#[test]
fn planted_data() {
    let d = Generator::Planted {
        n: 300,
        d: 8,
        margin: q("1/10"),
        seed: 3,
    }
    .generate()
    .unwrap();
    let m = separable(&d);
    // Σα = ‖ŵ‖² (theory §0).
    let mut s = Rational::new();
    for a in &m.cert.alpha {
        s += a;
    }
    assert_eq!(s, m.cert.value);
    assert!(m.theta.unwrap() > 1);
    assert!(oracle::solve(&d, Norm::L2).is_ok());
}

// ---------------------------------------------------------------------------------------
// The checker rejects hand-made wrong certificates, one violated condition at a time.

/// Case `two_points_in_the_plane`: ŵ = (1, 1/2), α = (1, 1/4), S = {1, 2}, value 5/4.
fn good() -> (Dataset, Certificate) {
    (
        data(&[("1,0", 1), ("0,-2", -1)]),
        Certificate {
            norm: Norm::L2,
            w: qs("1,1/2"),
            alpha: qs("1,1/4"),
            support: vec![0, 1],
            value: q("5/4"),
        },
    )
}

#[test]
fn checker_rejects_each_violation() {
    let (d, c) = good();
    assert_eq!(cert::check(&d, &c), Ok(()));
    let bad = |f: &dyn Fn(&mut Certificate)| {
        let mut b = c.clone();
        f(&mut b);
        cert::check(&d, &b)
    };
    assert!(matches!(
        bad(&|b| b.w.push(q("0"))),
        Err(Violation::Shape(_))
    ));
    assert!(matches!(
        bad(&|b| {
            b.alpha.pop();
        }),
        Err(Violation::Shape(_))
    ));
    assert!(matches!(
        bad(&|b| b.support.push(7)),
        Err(Violation::Shape(_))
    ));
    assert_eq!(
        bad(&|b| b.alpha[1] = q("-1/4")),
        Err(Violation::NegativeMultiplier { point: 1 })
    );
    // w = (1, 1/4): z2·w = 1/2 < 1.
    assert_eq!(
        bad(&|b| b.w[1] = q("1/4")),
        Err(Violation::PrimalInfeasible {
            point: 1,
            margin: q("1/2")
        })
    );
    // w = (1, 1): z2·w = 2, so point 2 is not on the margin but listed.
    assert_eq!(
        bad(&|b| b.w[1] = q("1")),
        Err(Violation::Support { point: 1 })
    );
    // A feasible w = (1, 1) with the support corrected but α2 > 0 off the margin.
    assert_eq!(
        bad(&|b| {
            b.w[1] = q("1");
            b.support = vec![0];
        }),
        Err(Violation::ComplementarySlackness { point: 1 })
    );
    assert_eq!(
        bad(&|b| b.alpha[0] = q("2")),
        Err(Violation::Stationarity { coord: 0 })
    );
    assert!(matches!(
        bad(&|b| b.value = q("1")),
        Err(Violation::Value { .. })
    ));
}

#[test]
fn witness_checker_rejects_bad_witnesses() {
    let d = data(&[("1,1", 1), ("2,2", -1)]);
    let ok = Witness { alpha: qs("2,1") };
    assert_eq!(cert::check_witness(&d, &ok), Ok(()));
    assert!(matches!(
        cert::check_witness(&d, &Witness { alpha: qs("2") }),
        Err(Violation::Shape(_))
    ));
    assert_eq!(
        cert::check_witness(&d, &Witness { alpha: qs("-2,-1") }),
        Err(Violation::NegativeMultiplier { point: 0 })
    );
    assert_eq!(
        cert::check_witness(&d, &Witness { alpha: qs("0,0") }),
        Err(Violation::WitnessZero)
    );
    assert_eq!(
        cert::check_witness(&d, &Witness { alpha: qs("1,1") }),
        Err(Violation::WitnessNotZeroSum { coord: 0 })
    );
}

// ---------------------------------------------------------------------------------------
// `ibias oracle` end to end.

fn ibias(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ibias");
    // The binary may exit before reading its input (bad arguments): a broken pipe here is
    // expected, not a failure.
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    let o = child.wait_with_output().unwrap();
    no_internal_error(o.status.code(), &o.stderr);
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("one JSON document")
}

/// The `bias_is_regularized` case through the CLI, JSON.
#[test]
fn cli_json_with_bias() {
    let o = ibias(
        &["oracle", "--data", "-", "--bias", "--json"],
        "x1,x2,y\n1,3,1\n1,1,-1\n",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["norm"], "l2");
    assert_eq!(v["separable"], true);
    assert_eq!(v["w"], serde_json::json!(["-1", "1", "-1"]));
    assert_eq!(v["alpha"], serde_json::json!(["1", "2"]));
    assert_eq!(v["value"], "3");
    assert_eq!(v["margin_sq"], "1/3");
    // 1/√3 = 0.57735026918962576450914878050195745564760175127...
    assert!(v["margin"]
        .as_str()
        .unwrap()
        .starts_with("0.5773502691896257645091487805"));
    assert_eq!(v["support"], serde_json::json!([1, 2]));
    assert_eq!(v["unique"], true);
    assert_eq!(v["degenerate"], false);
    assert_eq!(v["spans"], true);
    assert_eq!(v["theta"], serde_json::Value::Null);
    assert_eq!(v["certificate"], "verified");
    assert_eq!(v["data"]["d"], 3);
}

/// R2 as text: the report lines a reader looks for, in decimals by default and as the exact
/// rationals with `--exact` (hand answer: ŵ = (1/2, 1/2), ‖ŵ‖² = 1/2, α = (1/4, 1/4, 0, 0)).
#[test]
fn cli_text_report() {
    let r2 = "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n";
    let o = ibias(&["oracle", "--data", "-"], r2);
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8_lossy(&o.stdout);
    for line in [
        "w:           (0.5, 0.5)\n",
        "value:       0.5  (|w|^2)",
        "margin:      1.41421356237  (1/|w|; margin^2 = 2)",
        "alpha:       1: 0.25, 2: 0.25  (",
        "support:     1, 2, 3, 4",
        "unique:      no",
        "degenerate:  no",
        "spans:       yes",
        "certificate: verified",
        "the exact rationals: ibias oracle --data - --norm l2 --exact, or --json\n",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    assert!(!t.contains("1/2"), "{t}");
    assert!(!t.contains("--wide"), "nothing was shortened:\n{t}");
    let o = ibias(&["oracle", "--data", "-", "--exact"], r2);
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8_lossy(&o.stdout);
    for line in [
        "w:           (1/2, 1/2)\n",
        "value:       1/2  (|w|^2)",
        "alpha:       1: 1/4, 2: 1/4  (",
        "support:     1, 2, 3, 4",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    assert!(!t.contains("# numbers:"), "{t}");
    // √2 = 1.41421356237309504880168872420969807856967187537694...
    assert!(
        t.contains("margin:      1.414213562373095048801688724"),
        "{t}"
    );
}

/// A long vector is shortened to its first 6 and last 2 entries unless `--wide`, and the
/// report says so. One point x = (1, ..., 10), y = +1: ŵ = x/‖x‖² = x/385, margin √385
/// (decimals by Python's `decimal` at 12 digits: 1/385 = 0.00259740259740, 7/385 =
/// 0.0181818181818, 9/385 = 0.0233766233766, √385 = 19.6214168703).
#[test]
fn cli_long_vectors_are_shortened_unless_wide() {
    let row: Vec<String> = (1..=10).map(|j| j.to_string()).collect();
    let head: Vec<String> = (1..=10).map(|j| format!("x{j}")).collect();
    let data = format!("{},y\n{},1\n", head.join(","), row.join(","));
    let o = ibias(&["oracle", "--data", "-"], &data);
    assert_eq!(o.status.code(), Some(0));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(
        t.contains(
            "w:           (0.00259740259740, 0.00519480519481, 0.00779220779221, \
             0.0103896103896, 0.0129870129870, 0.0155844155844, ..., 0.0233766233766, \
             0.0259740259740  [10 entries])\n"
        ),
        "{t}"
    );
    assert!(
        t.contains("margin:      19.6214168703  (1/|w|; margin^2 = 385)"),
        "{t}"
    );
    assert!(
        t.contains("all of them: ibias oracle --data - --norm l2 --wide\n"),
        "{t}"
    );
    assert!(!t.contains("0.0181818181818"), "{t}");
    let o = ibias(&["oracle", "--data", "-", "--wide"], &data);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains(", 0.0181818181818, "), "{t}");
    assert!(!t.contains("..."), "{t}");
    assert!(!t.contains("--wide"), "{t}");
    let o = ibias(&["oracle", "--data", "-", "--wide", "--exact"], &data);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(
        t.contains(
            "w:           (1/385, 2/385, 3/385, 4/385, 1/77, 6/385, 1/55, 8/385, 9/385, 2/77)\n"
        ),
        "{t}"
    );
}

/// Non-separable: the witness on stdout, one line on stderr, exit status 2.
#[test]
fn cli_non_separable() {
    let o = ibias(
        &["oracle", "--data", "-", "--json"],
        "x1,x2,y\n1,1,1\n2,2,-1\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["separable"], false);
    assert_eq!(v["witness"], serde_json::json!(["2", "1"]));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("not linearly separable"));
    let o = ibias(&["oracle", "--data", "-"], "x1,x2,y\n1,1,1\n2,2,-1\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("witness:     1: 2, 2: 1"));
}

#[test]
fn cli_bad_input() {
    let o = ibias(&["oracle", "--data", "-", "--norm", "l3"], "x1,y\n1,1\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("ibias: error: invalid norm"));
    let o = ibias(&["oracle", "--data", "-"], "x1,y\n1,2\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
}
