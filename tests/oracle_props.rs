//! Property tests of the exact ℓ2 oracle on random small data with rational coordinates.
//!
//! The independent witnesses: the exact checker (`cert::check`, `cert::check_witness`), a
//! brute-force solver (tests/theory_common: enumerate candidate support sets, solve
//! `G_T α = 1` exactly, keep the first KKT point), and exact invariances
//! (scaling the data by `c` scales `ŵ` by `1/c`; permuting points permutes the support).

use implicit_bias::cert::{self, Certificate};
use implicit_bias::data::Dataset;
use implicit_bias::oracle::{l2, MaxMargin, Outcome};
use proptest::prelude::*;
use rug::Rational;

mod theory_common;
/// The minimum-norm feasible `ŵ` by enumeration of support sets (the tests' independent
/// brute-force oracle), or `None` when no candidate is feasible (not separable).
fn brute_force(data: &Dataset) -> Option<Vec<Rational>> {
    theory_common::brute_force(data).map(|m| m.cert.w)
}

/// Data sets with N ∈ 1..=8 points in d ∈ 1..=3 dimensions, coordinates `a/b` with
/// `a ∈ −4..=4`, `b ∈ 1..=3`, labels ±1 (both separable and non-separable sets occur).
fn datasets() -> impl Strategy<Value = Dataset> {
    (1usize..=8, 1usize..=3).prop_flat_map(|(n, d)| {
        (
            prop::collection::vec(prop::collection::vec((-4i64..=4, 1i64..=3), d), n),
            prop::collection::vec(prop::bool::ANY, n),
        )
            .prop_map(|(x, y)| {
                Dataset::new(
                    x.into_iter()
                        .map(|r| r.into_iter().map(|(a, b)| Rational::from((a, b))).collect())
                        .collect(),
                    y.into_iter().map(|b| if b { 1 } else { -1 }).collect(),
                )
                .unwrap()
            })
    })
}

fn solve(data: &Dataset) -> Outcome {
    l2::solve(data).expect("the oracle never fails on well-formed data")
}

fn separable(data: &Dataset) -> Option<MaxMargin> {
    match solve(data) {
        Outcome::Separable(m) => Some(*m),
        Outcome::NotSeparable(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Every answer passes the independent checker and agrees with brute force.
    #[test]
    fn agrees_with_brute_force(data in datasets()) {
        let bf = brute_force(&data);
        match solve(&data) {
            Outcome::Separable(m) => {
                prop_assert_eq!(cert::check(&data, &m.cert), Ok(()));
                prop_assert_eq!(Some(&m.cert.w), bf.as_ref());
                // Σα = ‖ŵ‖² (theory §0).
                let mut s = Rational::new();
                for a in &m.cert.alpha { s += a; }
                prop_assert_eq!(&s, &m.cert.value);
                if let Some(t) = &m.theta { prop_assert!(*t > 1); }
            }
            Outcome::NotSeparable(w) => {
                prop_assert_eq!(cert::check_witness(&data, &w), Ok(()));
                prop_assert!(bf.is_none(), "brute force found {:?}", bf);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// Changing any single entry of `w` or `α` breaks the certificate.
    #[test]
    fn every_single_entry_perturbation_fails(data in datasets(), num in 1i64..5, den in 1i64..7, neg in prop::bool::ANY) {
        let Some(m) = separable(&data) else { return Ok(()); };
        let delta = Rational::from((if neg { -num } else { num }, den));
        let c: &Certificate = &m.cert;
        for j in 0..c.w.len() {
            let mut b = c.clone();
            b.w[j] += &delta;
            prop_assert!(cert::check(&data, &b).is_err(), "w[{}] + {} accepted", j, delta);
        }
        for n in 0..c.alpha.len() {
            let mut b = c.clone();
            b.alpha[n] += &delta;
            prop_assert!(cert::check(&data, &b).is_err(), "alpha[{}] + {} accepted", n, delta);
        }
    }

    /// Scaling every point by c scales ŵ by 1/c and keeps the support, θ and the flags.
    #[test]
    fn scaling_scales_w_inversely(data in datasets(), num in 1i64..9, den in 1i64..9) {
        let Some(m) = separable(&data) else { return Ok(()); };
        let c = Rational::from((num, den));
        let ms = separable(&data.scaled(&c)).expect("scaled data stay separable");
        let expect: Vec<Rational> = m.cert.w.iter().map(|v| Rational::from(v / &c)).collect();
        prop_assert_eq!(&ms.cert.w, &expect);
        prop_assert_eq!(&ms.cert.support, &m.cert.support);
        prop_assert_eq!(&ms.theta, &m.theta);
        prop_assert_eq!(ms.unique, m.unique);
        prop_assert_eq!(ms.degenerate, m.degenerate);
        prop_assert_eq!(ms.spans, m.spans);
    }

    /// Permuting the points keeps ŵ and permutes the support (and α, when it is unique).
    #[test]
    fn permuting_points_permutes_the_support(data in datasets(), seed in any::<u64>()) {
        let n = data.len();
        // A seeded Fisher–Yates permutation: new position k holds old point perm[k].
        let mut perm: Vec<usize> = (0..n).collect();
        let mut s = seed;
        for k in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(k, (s >> 33) as usize % (k + 1));
        }
        let pd = Dataset::new(
            perm.iter().map(|&i| data.points()[i].clone()).collect(),
            perm.iter().map(|&i| data.labels()[i]).collect(),
        ).unwrap();
        match (solve(&data), solve(&pd)) {
            (Outcome::Separable(a), Outcome::Separable(b)) => {
                prop_assert_eq!(&a.cert.w, &b.cert.w);
                let mut mapped: Vec<usize> = b.cert.support.iter().map(|&k| perm[k]).collect();
                mapped.sort_unstable();
                prop_assert_eq!(&mapped, &a.cert.support);
                prop_assert_eq!(a.unique, b.unique);
                prop_assert_eq!(a.degenerate, b.degenerate);
                prop_assert_eq!(a.spans, b.spans);
                prop_assert_eq!(&a.theta, &b.theta);
                if a.unique {
                    for (k, &i) in perm.iter().enumerate() {
                        prop_assert_eq!(&b.cert.alpha[k], &a.cert.alpha[i]);
                    }
                }
            }
            (Outcome::NotSeparable(_), Outcome::NotSeparable(_)) => {}
            _ => prop_assert!(false, "permutation changed separability"),
        }
    }
}
