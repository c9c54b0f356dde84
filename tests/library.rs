//! The library entry point for optimizer authors (`compare::check_optimizer`), driven as an
//! outside crate would: optimizers written here, not in the crate, checked against claims
//! whose truth comes from theorems (GD → ℓ2, Soudry et al. 2018; steepest descent in ℓ∞,
//! i.e. sign descent with a small step → ℓ∞, Gunasekar et al. 2018), on the three-answer
//! data, whose exact answers are derived by hand in docs/optimizers.md.

use implicit_bias::prelude::*;

/// z1 = (2, 1), z2 = (3, 6), z3 = (6, −2).
fn three_answers() -> Dataset {
    parse_csv(b"x1,x2,y\n2,1,1\n3,6,1\n6,-2,1\n", "three answers").unwrap()
}

fn opts(steps: u64) -> CheckOptions {
    CheckOptions {
        steps,
        loss: Loss::Exponential,
        init: vec![Rational::new(); 2],
        seed: 0,
    }
}

/// Plain GD written from the gradient of the summed exponential loss, by hand:
/// `−∇L(w) = Σ_n e^{−z_n·w} z_n`.
struct HandGd {
    z: Vec<[f64; 2]>,
    eta: f64,
}

impl Optimizer<f64> for HandGd {
    fn name(&self) -> String {
        "hand-gd".into()
    }
    fn step(&self, _obj: &Objective<f64>, st: &mut State<f64>) -> std::result::Result<(), Event> {
        let mut g = [0.0; 2];
        for z in &self.z {
            let e = (-(z[0] * st.w[0] + z[1] * st.w[1])).exp();
            g[0] += e * z[0];
            g[1] += e * z[1];
        }
        st.w[0] += self.eta * g[0];
        st.w[1] += self.eta * g[1];
        st.t += 1;
        Ok(())
    }
}

/// Steepest descent in the ℓ∞ norm with a fixed step: `w ← w + η·sign(−∇L(w))`.
struct HandSign {
    eta: f64,
}

impl Optimizer<f64> for HandSign {
    fn name(&self) -> String {
        "hand-sign".into()
    }
    fn step(&self, obj: &Objective<f64>, st: &mut State<f64>) -> std::result::Result<(), Event> {
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        for (w, g) in st.w.iter_mut().zip(&st.grad) {
            *w += self.eta * g.signum();
        }
        st.t += 1;
        Ok(())
    }
}

fn hand_gd() -> HandGd {
    HandGd {
        z: vec![[2.0, 1.0], [3.0, 6.0], [6.0, -2.0]],
        eta: 1.0 / 256.0,
    }
}

#[test]
fn the_exact_answers_are_the_hand_derived_ones() {
    let c = check_optimizer(
        &three_answers(),
        "hand-gd",
        &hand_gd(),
        Target::MaxMargin(Norm::L2),
        &opts(1000),
        (),
    )
    .unwrap();
    let w = |k: usize| -> Vec<Rational> { c.answers.all[k].w.clone() };
    let q = |a: i32, b: i32| Rational::from((a, b));
    assert_eq!(w(0), vec![q(1, 2), q(0, 1)], "l1");
    assert_eq!(w(1), vec![q(2, 5), q(1, 5)], "l2");
    assert_eq!(w(2), vec![q(1, 3), q(1, 3)], "linf");
}

#[test]
fn gd_of_ones_own_holds_for_l2_and_fails_for_the_other_answers() {
    let data = three_answers();
    let gd = hand_gd();
    let check = |t| check_optimizer(&data, "hand-gd", &gd, t, &opts(100_000), ()).unwrap();
    let l2 = check(Target::MaxMargin(Norm::L2));
    assert_eq!(l2.judgement, Judgement::Holds, "{}", l2.row.detail);
    assert_eq!(l2.row.verdict, LimitVerdict::Holds);
    assert_eq!(l2.row.name, "hand-gd");
    assert!(l2.row.spec.is_none());
    for wrong in [Norm::L1, Norm::LInf] {
        let c = check(Target::MaxMargin(wrong));
        assert_eq!(
            c.judgement,
            Judgement::Fails(1),
            "{wrong:?}: {}",
            c.row.detail
        );
        assert_eq!(c.judgement.exit_code(), 1);
    }
}

#[test]
fn sign_descent_of_ones_own_holds_for_linf_and_fails_for_l2() {
    let data = three_answers();
    // the norm grows linearly (η per step and coordinate): at 10^5 steps f64's exponentials
    // underflow (the run is then "not reached"), so stop at 2·10^4
    let sign = HandSign { eta: 1.0 / 512.0 };
    let check = |t| check_optimizer(&data, "hand-sign", &sign, t, &opts(20_000), ()).unwrap();
    let linf = check(Target::MaxMargin(Norm::LInf));
    assert_eq!(linf.judgement, Judgement::Holds, "{}", linf.row.detail);
    let l2 = check(Target::MaxMargin(Norm::L2));
    assert_eq!(l2.judgement, Judgement::Fails(1), "{}", l2.row.detail);
}

#[test]
fn a_short_run_is_inconclusive_and_a_bad_start_is_an_error() {
    let data = three_answers();
    let c = check_optimizer(
        &data,
        "hand-gd",
        &hand_gd(),
        Target::MaxMargin(Norm::L2),
        &opts(50),
        (),
    )
    .unwrap();
    assert!(
        matches!(c.judgement, Judgement::Inconclusive(_)),
        "{:?}",
        c.judgement
    );
    assert_eq!(c.judgement.exit_code(), 3);
    let mut bad = opts(1000);
    bad.init = vec![Rational::new(); 3];
    let e = check_optimizer(
        &data,
        "hand-gd",
        &hand_gd(),
        Target::MaxMargin(Norm::L2),
        &bad,
        (),
    );
    assert!(matches!(e, Err(Error::Parameter { .. })), "{e:?}");
}

/// Every page of docs/ is compiled by rustdoc (src/lib.rs, `docs_doctests`), so a Rust
/// example added to any of them runs as a doctest.
#[test]
fn every_docs_page_is_compiled_as_doctests() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("src/lib.rs");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for dir in ["docs", "docs/theory"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("docs directory") {
            let p = entry.expect("entry").path();
            if p.extension().is_some_and(|e| e == "md") {
                let name = p.file_name().and_then(|n| n.to_str()).expect("name");
                pages.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(pages.len() > 20, "{pages:?}");
    for page in pages {
        let include = format!("include_str!(\"../{page}\")");
        assert!(
            lib.contains(&include),
            "{page} is not in src/lib.rs docs_doctests"
        );
    }
}
