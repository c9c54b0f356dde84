//! The exact ℓ1 / ℓ∞ max-margin oracle (`oracle::lp`): hand-derived cases, witnesses,
//! uniqueness, and properties on random separable data.
//!
//! Every expected value below is derived by hand in the comment above it. Notation:
//! `z_n = y_n x_n`; ℓ1: `min ‖w‖₁ s.t. z_n·w ≥ 1`, dual `max Σα, ‖Σ α_n z_n‖∞ ≤ 1`;
//! ℓ∞: `min ‖w‖∞ s.t. z_n·w ≥ 1`, dual `max Σα, ‖Σ α_n z_n‖₁ ≤ 1`.

use implicit_bias::cert::{check, check_witness, Norm};
use implicit_bias::data::{generate::Generator, Dataset};
use implicit_bias::oracle::{lp, MaxMargin, Outcome, Witness};
use implicit_bias::Error;
use proptest::prelude::*;
use rug::Rational;

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

fn data(points: &[(&[(i64, i64)], i8)]) -> Dataset {
    let x = points
        .iter()
        .map(|(x, _)| x.iter().map(|&(p, d)| q(p, d)).collect())
        .collect();
    let y = points.iter().map(|&(_, y)| y).collect();
    Dataset::new(x, y).unwrap()
}

fn separable(d: &Dataset, norm: Norm) -> MaxMargin {
    match lp::solve(d, norm).unwrap() {
        Outcome::Separable(m) => {
            assert_eq!(check(d, &m.cert), Ok(()));
            assert_eq!(m.cert.norm, norm);
            assert_eq!(m.degenerate, None);
            assert_eq!(m.spans, None);
            *m
        }
        Outcome::NotSeparable(w) => panic!("separable data reported not separable: {w:?}"),
    }
}

fn not_separable(d: &Dataset, norm: Norm) -> Witness {
    match lp::solve(d, norm).unwrap() {
        Outcome::NotSeparable(w) => {
            assert_eq!(check_witness(d, &w), Ok(()));
            w
        }
        Outcome::Separable(m) => panic!("non-separable data reported separable: {m:?}"),
    }
}

/// Theory §9, R2: z1 = z3 = (1/2, 3/2), z2 = z4 = (3/2, 1/2).
/// ℓ1: adding the two constraints gives 2(w1 + w2) ≥ 2, so ‖w‖₁ ≥ 1, attained at
/// (1/2, 1/2); on w = (t, 1 − t) the constraints read 3/2 − t ≥ 1 and 1/2 + t ≥ 1, so t = 1/2:
/// unique. The dual needs Σαz = (1, 1) (sign of ŵ): with a = α1 + α3, b = α2 + α4,
/// (a/2 + 3b/2, 3a/2 + b/2) = (1, 1) ⇒ a = b = 1/2.
/// ℓ∞: z1·w ≤ (1/2 + 3/2)‖w‖∞, so ‖w‖∞ ≥ 1/2, attained only at (1/2, 1/2) (z1·w = 1 with
/// |w_j| ≤ 1/2 forces both coordinates to 1/2). Every point is on the margin: θ = None.
#[test]
fn r2_all_norms_agree_on_one_half_one_half() {
    let d = Generator::R2.generate().unwrap();
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.w, vec![q(1, 2), q(1, 2)]);
    assert_eq!(l1.cert.value, 1);
    assert_eq!(l1.cert.support, vec![0, 1, 2, 3]);
    let a = &l1.cert.alpha;
    assert_eq!(Rational::from(&a[0] + &a[2]), q(1, 2));
    assert_eq!(Rational::from(&a[1] + &a[3]), q(1, 2));
    assert!(l1.unique);
    assert_eq!(l1.theta, None);

    let linf = separable(&d, Norm::LInf);
    assert_eq!(linf.cert.w, vec![q(1, 2), q(1, 2)]);
    assert_eq!(linf.cert.value, q(1, 2));
    assert_eq!(linf.cert.support, vec![0, 1, 2, 3]);
    assert!(linf.unique);
    assert_eq!(linf.theta, None);
}

/// x1 = (1, 4), y1 = +1; x2 = (−2, −1), y2 = −1; so z1 = (1, 4), z2 = (2, 1).
///
/// ℓ2 (for reference; asserted by the ℓ2 oracle's tests): with z2 alone, w = z2/‖z2‖² =
/// (2/5, 1/5), and z1·w = 2/5 + 4/5 = 6/5 ≥ 1, so ŵ₂ = (2/5, 1/5), α = (0, 1/5), ‖ŵ‖² = 1/5.
///
/// ℓ1: z2 alone would give (1/2, 0), but z1·(1/2, 0) = 1/2 < 1, so both constraints bind:
/// w1 + 4 w2 = 1, 2 w1 + w2 = 1 ⇒ ŵ = (3/7, 1/7), ‖ŵ‖₁ = 4/7 (the sparse candidates
/// (1, 0) and (0, 1) cost 1). Dual: Σαz = (1, 1): α1 + 2α2 = 1, 4α1 + α2 = 1 ⇒
/// α = (1/7, 3/7) ≥ 0, Σα = 4/7 = ‖ŵ‖₁. Unique: the basis is square and α > 0.
///
/// ℓ∞: z2·w ≤ ‖z2‖₁‖w‖∞ = 3‖w‖∞ ⇒ ‖w‖∞ ≥ 1/3, attained only at (1/3, 1/3) (2w1 + w2 = 1 with
/// |w_j| ≤ 1/3 forces both to 1/3), where z1·w = 5/3 > 1. α = (0, 1/3): ‖Σαz‖₁ = ‖(2/3, 1/3)‖₁
/// = 1, Σα = 1/3. Support {2}, θ = 5/3.
///
/// Directions (3, 1), (2, 1), (1, 1): all three norms differ.
#[test]
fn l1_l2_linf_answers_differ() {
    let d = data(&[(&[(1, 1), (4, 1)], 1), (&[(-2, 1), (-1, 1)], -1)]);
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.w, vec![q(3, 7), q(1, 7)]);
    assert_eq!(l1.cert.value, q(4, 7));
    assert_eq!(l1.cert.alpha, vec![q(1, 7), q(3, 7)]);
    assert_eq!(l1.cert.support, vec![0, 1]);
    assert!(l1.unique);
    assert_eq!(l1.theta, None);

    let linf = separable(&d, Norm::LInf);
    assert_eq!(linf.cert.w, vec![q(1, 3), q(1, 3)]);
    assert_eq!(linf.cert.value, q(1, 3));
    assert_eq!(linf.cert.alpha, vec![q(0, 1), q(1, 3)]);
    assert_eq!(linf.cert.support, vec![1]);
    assert!(linf.unique);
    assert_eq!(linf.theta, Some(q(5, 3)));
}

/// z1 = (4, 1), z2 = (1, 1).
/// ℓ1: z2·w = w1 + w2 ≤ ‖w‖₁, so ‖w‖₁ ≥ 1; every w = (t, 1 − t), 0 ≤ t ≤ 1, attains it
/// (z1·w = 1 + 3t ≥ 1): the optimum is a whole segment, not unique.
/// ℓ∞: w1 + w2 ≤ 2‖w‖∞ ⇒ ‖w‖∞ ≥ 1/2, attained only at (1/2, 1/2) (z1·w = 5/2): unique.
#[test]
fn l1_optimum_on_a_segment_is_not_unique() {
    let d = data(&[(&[(4, 1), (1, 1)], 1), (&[(1, 1), (1, 1)], 1)]);
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.value, 1);
    let w = &l1.cert.w;
    assert!(w[0] >= 0 && w[1] >= 0 && Rational::from(&w[0] + &w[1]) == 1);
    assert!(!l1.unique);

    let linf = separable(&d, Norm::LInf);
    assert_eq!(linf.cert.w, vec![q(1, 2), q(1, 2)]);
    assert_eq!(linf.cert.value, q(1, 2));
    assert!(linf.unique);
    assert_eq!(linf.theta, Some(q(5, 2)));
}

/// A single point z = (1, 0).
/// ℓ1: w1 ≥ 1 and ‖w‖₁ ≥ |w1| ⇒ value 1 at (1, 0) only: unique.
/// ℓ∞: w1 ≥ 1 ⇒ ‖w‖∞ ≥ 1, attained by every (1, t) with |t| ≤ 1: not unique.
#[test]
fn linf_optimum_free_in_an_unused_coordinate_is_not_unique() {
    let d = data(&[(&[(1, 1), (0, 1)], 1)]);
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.w, vec![q(1, 1), q(0, 1)]);
    assert!(l1.unique);
    let linf = separable(&d, Norm::LInf);
    assert_eq!(linf.cert.value, 1);
    assert_eq!(linf.cert.w[0], 1);
    assert!(!linf.unique);
}

/// z1 = (1, 0), z2 = (1, 1): ℓ1 ŵ = (1, 0) (w1 ≥ 1 ⇒ ‖w‖₁ ≥ 1; any other w with w1 ≥ 1
/// has |w2| > 0 or w1 > 1). Both points are on the margin; the dual has a whole segment
/// α = (1 − t, t), so whichever vertex the solver returns, uniqueness must still be found.
#[test]
fn l1_unique_with_degenerate_dual() {
    let d = data(&[(&[(1, 1), (0, 1)], 1), (&[(1, 1), (1, 1)], 1)]);
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.w, vec![q(1, 1), q(0, 1)]);
    assert_eq!(l1.cert.support, vec![0, 1]);
    assert!(l1.unique);
}

/// d = 1: x1 = 2 (y = +1), x2 = −1/2 (y = −1), so z = (2, 1/2). Both norms are |w|:
/// w ≥ 1/2 and w/2 ≥ 1 ⇒ ŵ = 2, value 2, support {2}, θ = z1·ŵ = 4; dual α = (0, 2)
/// (|α2 · 1/2| = 1 and Σα = 2).
#[test]
fn one_dimension() {
    let d = data(&[(&[(2, 1)], 1), (&[(-1, 2)], -1)]);
    for norm in [Norm::L1, Norm::LInf] {
        let m = separable(&d, norm);
        assert_eq!(m.cert.w, vec![q(2, 1)]);
        assert_eq!(m.cert.value, 2);
        assert_eq!(m.cert.alpha, vec![q(0, 1), q(2, 1)]);
        assert_eq!(m.cert.support, vec![1]);
        assert_eq!(m.theta, Some(q(4, 1)));
        assert!(m.unique);
    }
    // z = (1, −1): z1 + z2 = 0, the only witness up to scale is (1, 1).
    let d = data(&[(&[(1, 1)], 1), (&[(1, 1)], -1)]);
    for norm in [Norm::L1, Norm::LInf] {
        assert_eq!(not_separable(&d, norm).alpha, vec![q(1, 1), q(1, 1)]);
    }
}

/// x1 = (1, 1) (y = +1), x2 = (1, 0), x3 = (0, 1) (y = −1): z1 = (1, 1), z2 = (−1, 0),
/// z3 = (0, −1), and z1 + z2 + z3 = 0. The null space of [z1 z2 z3] (rank 2, three columns)
/// is one-dimensional, so the coprime non-negative witness is exactly (1, 1, 1).
#[test]
fn non_separable_gives_the_gordan_witness() {
    let d = data(&[
        (&[(1, 1), (1, 1)], 1),
        (&[(1, 1), (0, 1)], -1),
        (&[(0, 1), (1, 1)], -1),
    ]);
    for norm in [Norm::L1, Norm::LInf] {
        assert_eq!(not_separable(&d, norm).alpha, vec![q(1, 1); 3]);
    }
}

/// R2 plus the point x5 = (0, 0): z5 = 0 can never reach margin 1. Any witness α is
/// supported on point 5 alone: (1/2, 1/2)·Σ_{n≤4} α_n z_n = Σ_{n≤4} α_n (every R2 point
/// has margin 1 under (1/2, 1/2)), which vanishes only when α1..α4 = 0. Coprime: e5.
#[test]
fn zero_vector_is_not_separable() {
    let mut x: Vec<Vec<Rational>> = Generator::R2.generate().unwrap().points().to_vec();
    let mut y = Generator::R2.generate().unwrap().labels().to_vec();
    x.push(vec![q(0, 1), q(0, 1)]);
    y.push(1);
    let d = Dataset::new(x, y).unwrap();
    let e5 = vec![q(0, 1), q(0, 1), q(0, 1), q(0, 1), q(1, 1)];
    for norm in [Norm::L1, Norm::LInf] {
        assert_eq!(not_separable(&d, norm).alpha, e5);
    }
}

/// Scaling every x_n by c scales the feasible set {w : z_n·w ≥ 1} by 1/c, hence the optimal
/// value by 1/c (and a unique ŵ by 1/c). Data of `l1_l2_linf_answers_differ`, c = 3.
#[test]
fn scaling_data_by_c_scales_the_value_by_one_over_c() {
    let d = data(&[(&[(1, 1), (4, 1)], 1), (&[(-2, 1), (-1, 1)], -1)]).scaled(&q(3, 1));
    let l1 = separable(&d, Norm::L1);
    assert_eq!(l1.cert.value, q(4, 21));
    assert_eq!(l1.cert.w, vec![q(1, 7), q(1, 21)]);
    let linf = separable(&d, Norm::LInf);
    assert_eq!(linf.cert.value, q(1, 9));
    assert_eq!(linf.cert.w, vec![q(1, 9), q(1, 9)]);
}

#[test]
fn l2_is_refused_with_a_parameter_error() {
    let d = Generator::R2.generate().unwrap();
    assert!(matches!(
        lp::solve(&d, Norm::L2),
        Err(Error::Parameter { name: "norm", .. })
    ));
}

/// Planted data (the generator keeps only points at distance ≥ 1/10 from the planted
/// hyperplane): separable in both norms, the certificate is checked exactly.
#[test]
fn planted_data_are_certified() {
    let d = Generator::Planted {
        n: 200,
        d: 6,
        margin: q(1, 10),
        seed: 3,
    }
    .generate()
    .unwrap();
    for norm in [Norm::L1, Norm::LInf] {
        let m = separable(&d, norm);
        assert!(!m.cert.support.is_empty());
    }
}

fn dual_norm(z: &[Rational], norm: Norm) -> Rational {
    // ℓ1's dual norm is ℓ∞ and vice versa.
    let abs = z.iter().map(|v| Rational::from(v.abs_ref()));
    match norm {
        Norm::L1 => abs.fold(Rational::new(), |m, v| if v > m { v } else { m }),
        _ => abs.sum(),
    }
}

fn primal_norm(w: &[Rational], norm: Norm) -> Rational {
    dual_norm(
        w,
        if norm == Norm::L1 {
            Norm::LInf
        } else {
            Norm::L1
        },
    )
}

/// Random data labelled by a planted integer direction u (points with u·x = 0 dropped).
fn planted() -> impl Strategy<Value = (Vec<i64>, Dataset)> {
    (1usize..=4).prop_flat_map(|d| {
        let u = prop::collection::vec(-3i64..=3, d)
            .prop_filter("u ≠ 0", |u| u.iter().any(|&v| v != 0));
        let pts = prop::collection::vec(prop::collection::vec((-6i64..=6, 1i64..=4), d), 1..=8);
        (u, pts).prop_filter_map("some point off the hyperplane", |(u, pts)| {
            let mut x = Vec::new();
            let mut y = Vec::new();
            for p in pts {
                let row: Vec<Rational> = p.iter().map(|&(a, b)| q(a, b)).collect();
                let s: Rational = row
                    .iter()
                    .zip(&u)
                    .map(|(a, &b)| Rational::from(a * b))
                    .sum();
                if s != 0 {
                    y.push(if s > 0 { 1 } else { -1 });
                    x.push(row);
                }
            }
            let d = Dataset::new(x, y).ok()?;
            Some((u, d))
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// For every n, 1 = min margin ≤ z_n·ŵ ≤ ‖z_n‖_* ‖ŵ‖ (Hölder), so
    /// value ≥ max_n 1/‖z_n‖_*; and u/min_n z_n·u is feasible, so value ≤ ‖u‖/min_n z_n·u.
    /// Scaling the data by c scales the value by 1/c.
    #[test]
    fn planted_data_certificates_and_bounds((u, d) in planted(), c in 1i64..=5) {
        let z = d.signed_points_exact();
        let ur: Vec<Rational> = u.iter().map(|&v| Rational::from(v)).collect();
        let min_u = z
            .iter()
            .map(|zn| zn.iter().zip(&ur).map(|(a, b)| Rational::from(a * b)).sum::<Rational>())
            .min()
            .unwrap();
        prop_assert!(min_u > 0);
        for norm in [Norm::L1, Norm::LInf] {
            let m = separable(&d, norm);
            let upper = primal_norm(&ur, norm) / &min_u;
            prop_assert!(m.cert.value <= upper, "value {} > planted bound {}", m.cert.value, upper);
            for zn in &z {
                let lower = Rational::from(dual_norm(zn, norm).recip_ref());
                prop_assert!(m.cert.value >= lower);
            }
            let scaled = separable(&d.scaled(&q(c, 2)), norm);
            prop_assert_eq!(scaled.cert.value, &m.cert.value * q(2, c));
        }
    }

    /// Random labels: separable or not, the answer is certified, and both norms agree on
    /// which (strict separability through the origin does not depend on the norm).
    #[test]
    fn random_labels_certified_either_way(
        pts in prop::collection::vec((prop::collection::vec(-3i64..=3, 2), prop::bool::ANY), 1..=7)
    ) {
        let x: Vec<Vec<Rational>> = pts.iter().map(|(p, _)| p.iter().map(|&v| q(v, 1)).collect()).collect();
        let y: Vec<i8> = pts.iter().map(|(_, b)| if *b { 1 } else { -1 }).collect();
        let d = Dataset::new(x, y).unwrap();
        let mut kinds = Vec::new();
        for norm in [Norm::L1, Norm::LInf] {
            match lp::solve(&d, norm).unwrap() {
                Outcome::Separable(m) => {
                    prop_assert_eq!(check(&d, &m.cert), Ok(()));
                    kinds.push(true);
                }
                Outcome::NotSeparable(w) => {
                    prop_assert_eq!(check_witness(&d, &w), Ok(()));
                    kinds.push(false);
                }
            }
        }
        prop_assert_eq!(kinds[0], kinds[1]);
    }
}
