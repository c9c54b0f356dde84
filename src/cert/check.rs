//! The exact checker: every condition verified in ℚ, with no tolerance.
//!
//! It recomputes everything from the data set (`z_n = y_n x_n`) and the certificate, with
//! its own small loops, and shares no code with the oracle.

use super::{Certificate, Norm, Witness};
use crate::data::Dataset;
use rug::{Integer, Rational};

/// The first condition a certificate or witness violates.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// Vector lengths disagree with the data set, or an index is out of range.
    #[error("malformed certificate: {0}")]
    Shape(String),
    /// A point has margin `z_n·w < 1`.
    #[error("primal infeasible: point {point} has margin {margin} < 1", point = .point + 1)]
    PrimalInfeasible {
        /// Point index (0-based).
        point: usize,
        /// Its margin `z_n·w`, exact.
        margin: Rational,
    },
    /// A multiplier is negative.
    #[error("dual infeasible: alpha[{point}] < 0", point = .point + 1)]
    NegativeMultiplier {
        /// Point index (0-based).
        point: usize,
    },
    /// ℓ2 stationarity fails: `w ≠ Σ α_n z_n` in coordinate `coord`.
    #[error("stationarity fails: w differs from sum alpha_n z_n in coordinate {coord}", coord = .coord + 1)]
    Stationarity {
        /// Coordinate (0-based).
        coord: usize,
    },
    /// LP dual feasibility fails: the dual norm of `Σ α_n z_n` exceeds 1.
    #[error("dual infeasible: the {norm} norm of sum alpha_n z_n is {value} > 1")]
    DualNorm {
        /// Which dual norm (`l1` or `linf`).
        norm: &'static str,
        /// Its exact value.
        value: Rational,
    },
    /// `α_n > 0` on a point off the margin.
    #[error("complementary slackness fails at point {point}: alpha > 0 but margin > 1", point = .point + 1)]
    ComplementarySlackness {
        /// Point index (0-based).
        point: usize,
    },
    /// LP primal and dual objectives differ.
    #[error("duality gap: primal {primal} != dual {dual}")]
    DualityGap {
        /// `‖w‖`.
        primal: Rational,
        /// `Σ α_n`.
        dual: Rational,
    },
    /// The listed support set is not exactly the set of points with margin 1.
    #[error("support set is wrong at point {point}", point = .point + 1)]
    Support {
        /// Point index (0-based).
        point: usize,
    },
    /// The stated objective value is not `‖w‖²` (ℓ2) or `‖w‖` (LP).
    #[error("stated value {stated} differs from the recomputed {actual}")]
    Value {
        /// Value in the certificate.
        stated: Rational,
        /// Value recomputed from `w`.
        actual: Rational,
    },
    /// A Gordan witness is all zeros.
    #[error("witness is zero")]
    WitnessZero,
    /// A Gordan witness does not sum to zero in coordinate `coord`.
    #[error("witness: sum alpha_n z_n is not 0 in coordinate {coord}", coord = .coord + 1)]
    WitnessNotZeroSum {
        /// Coordinate (0-based).
        coord: usize,
    },
}

/// Row `x` with its denominators cleared: `(l, c)` with `l > 0` the least common multiple
/// of the denominators and `x_j = c_j / l` (all integers).
fn cleared(x: &[Rational]) -> (Integer, Vec<Integer>) {
    // Fast path: everything fits in i64 (the usual data), no big-integer allocation per
    // entry beyond the result.
    let small = || -> Option<(Integer, Vec<Integer>)> {
        let mut l: i64 = 1;
        for v in x {
            let dv = v.denom().to_i64()?;
            if l % dv != 0 {
                l = (l / gcd_i64(l, dv)).checked_mul(dv)?;
            }
        }
        let c = x
            .iter()
            .map(|v| {
                let f = l / v.denom().to_i64()?;
                Some(Integer::from(v.numer().to_i64()?.checked_mul(f)?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some((Integer::from(l), c))
    };
    if let Some(r) = small() {
        return r;
    }
    let mut l = Integer::from(1);
    for v in x {
        l.lcm_mut(v.denom());
    }
    let c = x
        .iter()
        .map(|v| Integer::from(&l / v.denom()) * v.numer())
        .collect();
    (l, c)
}

fn gcd_i64(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a.abs().max(1)
}

/// `(l, c·W)` for the row `x = c/l` (see [`cleared`]), without materializing `c` when its
/// entries fit in i64.
fn row_dot(x: &[Rational], big_w: &[Integer]) -> (Integer, Integer) {
    let fast = || -> Option<(Integer, Integer)> {
        let mut l: i64 = 1;
        for v in x {
            let dv = v.denom().to_i64()?;
            if l % dv != 0 {
                l = (l / gcd_i64(l, dv)).checked_mul(dv)?;
            }
        }
        let mut acc = Integer::new();
        for (v, wj) in x.iter().zip(big_w) {
            let c = v.numer().to_i64()?.checked_mul(l / v.denom().to_i64()?)?;
            if c != 0 {
                acc += wj * c;
            }
        }
        Some((Integer::from(l), acc))
    };
    if let Some(r) = fast() {
        return r;
    }
    let (l, c) = cleared(x);
    let mut acc = Integer::new();
    for (cj, wj) in c.iter().zip(big_w) {
        if *cj != 0 {
            acc += cj * wj;
        }
    }
    (l, acc)
}

/// `Σ α_n z_n` (`z_n = y_n x_n`), exactly. Accumulated over one common denominator in
/// integer arithmetic (the rational sum of big fractions would cost a gcd per term).
fn combination(data: &Dataset, alpha: &[Rational], d: usize) -> Vec<Rational> {
    let mut a_den = Integer::from(1);
    for a in alpha.iter().filter(|a| **a != 0) {
        a_den.lcm_mut(a.denom());
    }
    let rows: Vec<(usize, Integer, Vec<Integer>)> = alpha
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != 0)
        .map(|(n, _)| {
            let (l, c) = cleared(&data.points()[n]);
            (n, l, c)
        })
        .collect();
    let mut l_all = Integer::from(1);
    for (_, l, _) in &rows {
        l_all.lcm_mut(l);
    }
    // Σ α_n y_n c_nj / l_n = T_j / (A L) with T_j = Σ (α_n A) y_n (L / l_n) c_nj.
    let mut t = vec![Integer::new(); d];
    for (n, l, c) in &rows {
        let a = &alpha[*n];
        let mut f = a.numer() * Integer::from(&a_den / a.denom());
        f *= Integer::from(&l_all / l);
        if data.labels()[*n] < 0 {
            f = -f;
        }
        for (tj, cj) in t.iter_mut().zip(c) {
            if *cj != 0 {
                *tj += &f * cj;
            }
        }
    }
    let den = Integer::from(&a_den * &l_all);
    t.into_iter()
        .map(|tj| Rational::from((tj, den.clone())))
        .collect()
}

/// Checks a max-margin certificate against the data set, exactly.
///
/// Conditions, in order: shapes; `α ≥ 0`; `z_n·w ≥ 1` (primal feasibility); the support set
/// equals `{n : z_n·w = 1}`; `α_n = 0` off the margin (complementary slackness); then
/// ℓ2: `w = Σ α_n z_n` and `value = ‖w‖²`; ℓ1/ℓ∞: `‖Σ α_n z_n‖_* ≤ 1`, `value = ‖w‖` and
/// `‖w‖ = Σ α_n` (zero duality gap). Together these prove optimality (KKT for the convex
/// QP; weak duality for the LPs).
pub fn check(data: &Dataset, cert: &Certificate) -> Result<(), Violation> {
    let n = data.len();
    let d = data.dim();
    if cert.w.len() != d {
        return Err(Violation::Shape(format!(
            "w has {} coordinates, data have d = {d}",
            cert.w.len()
        )));
    }
    if cert.alpha.len() != n {
        return Err(Violation::Shape(format!(
            "alpha has {} entries, data have N = {n}",
            cert.alpha.len()
        )));
    }
    if let Some(&bad) = cert.support.iter().find(|&&i| i >= n) {
        return Err(Violation::Shape(format!(
            "support index {bad} out of range"
        )));
    }
    for (i, a) in cert.alpha.iter().enumerate() {
        if *a < 0 {
            return Err(Violation::NegativeMultiplier { point: i });
        }
    }
    // Margins over one common denominator: w = W/δ, x_n = c_n/l_n, so
    // z_n·w = y_n (c_n·W) / (l_n δ), compared with 1 in integers.
    let mut delta = Integer::from(1);
    for v in &cert.w {
        delta.lcm_mut(v.denom());
    }
    let big_w: Vec<Integer> = cert
        .w
        .iter()
        .map(|v| Integer::from(&delta / v.denom()) * v.numer())
        .collect();
    let mut on_margin = vec![false; n];
    for (i, (x, &y)) in data.points().iter().zip(data.labels()).enumerate() {
        let (l, mut acc) = row_dot(x, &big_w);
        if y < 0 {
            acc = -acc;
        }
        let one = Integer::from(&l * &delta);
        match acc.cmp(&one) {
            std::cmp::Ordering::Less => {
                return Err(Violation::PrimalInfeasible {
                    point: i,
                    margin: Rational::from((acc, one)),
                });
            }
            ord => on_margin[i] = ord == std::cmp::Ordering::Equal,
        }
    }
    let mut listed = vec![false; n];
    for &i in &cert.support {
        listed[i] = true;
    }
    if let Some(i) = (0..n).find(|&i| listed[i] != on_margin[i]) {
        return Err(Violation::Support { point: i });
    }
    if let Some(i) = (0..n).find(|&i| !on_margin[i] && cert.alpha[i] != 0) {
        return Err(Violation::ComplementarySlackness { point: i });
    }
    let s = combination(data, &cert.alpha, d);
    match cert.norm {
        Norm::L2 => {
            if let Some(j) = (0..d).find(|&j| s[j] != cert.w[j]) {
                return Err(Violation::Stationarity { coord: j });
            }
            let mut sq = Integer::new();
            for v in &big_w {
                sq += v * v;
            }
            let nn = Rational::from((sq, Integer::from(&delta * &delta)));
            if nn != cert.value {
                return Err(Violation::Value {
                    stated: cert.value.clone(),
                    actual: nn,
                });
            }
        }
        Norm::L1 | Norm::LInf => {
            let (dual_norm, name) = if cert.norm == Norm::L1 {
                // dual of ℓ1 is ℓ∞
                let mut m = Rational::new();
                for v in &s {
                    let a = Rational::from(v.abs_ref());
                    if a > m {
                        m = a;
                    }
                }
                (m, "linf")
            } else {
                let mut t = Rational::new();
                for v in &s {
                    t += Rational::from(v.abs_ref());
                }
                (t, "l1")
            };
            if dual_norm > 1 {
                return Err(Violation::DualNorm {
                    norm: name,
                    value: dual_norm,
                });
            }
            let primal = if cert.norm == Norm::L1 {
                let mut t = Rational::new();
                for v in &cert.w {
                    t += Rational::from(v.abs_ref());
                }
                t
            } else {
                let mut m = Rational::new();
                for v in &cert.w {
                    let a = Rational::from(v.abs_ref());
                    if a > m {
                        m = a;
                    }
                }
                m
            };
            if primal != cert.value {
                return Err(Violation::Value {
                    stated: cert.value.clone(),
                    actual: primal,
                });
            }
            let mut dual = Rational::new();
            for a in &cert.alpha {
                dual += a;
            }
            if primal != dual {
                return Err(Violation::DualityGap { primal, dual });
            }
        }
    }
    Ok(())
}

/// Checks a Gordan witness of non-separability: `α ≥ 0`, `α ≠ 0`, `Σ α_n z_n = 0`, exactly.
pub fn check_witness(data: &Dataset, witness: &Witness) -> Result<(), Violation> {
    let n = data.len();
    if witness.alpha.len() != n {
        return Err(Violation::Shape(format!(
            "witness has {} entries, data have N = {n}",
            witness.alpha.len()
        )));
    }
    for (i, a) in witness.alpha.iter().enumerate() {
        if *a < 0 {
            return Err(Violation::NegativeMultiplier { point: i });
        }
    }
    if witness.alpha.iter().all(|a| *a == 0) {
        return Err(Violation::WitnessZero);
    }
    let s = combination(data, &witness.alpha, data.dim());
    if let Some(j) = s.iter().position(|v| *v != 0) {
        return Err(Violation::WitnessNotZeroSum { coord: j });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    /// R2 (theory §9): z1 = (1/2, 3/2), z2 = (3/2, 1/2), z3 = z1, z4 = z2;
    /// ŵ = (1/2, 1/2), ‖ŵ‖² = 1/2, α = 1/8 each (Σα = ‖ŵ‖²).
    fn r2() -> Dataset {
        crate::data::generate::Generator::R2.generate().unwrap()
    }

    fn r2_cert() -> Certificate {
        Certificate {
            norm: Norm::L2,
            w: vec![q(1, 2), q(1, 2)],
            alpha: vec![q(1, 8); 4],
            support: vec![0, 1, 2, 3],
            value: q(1, 2),
        }
    }

    #[test]
    fn accepts_the_hand_derived_r2_certificate() {
        assert_eq!(check(&r2(), &r2_cert()), Ok(()));
        // Any split with α1+α3 = α2+α4 = 1/4 is also a KKT vector.
        let mut c = r2_cert();
        c.alpha = vec![q(1, 4), q(0, 1), q(0, 1), q(1, 4)];
        assert_eq!(check(&r2(), &c), Ok(()));
    }

    #[test]
    fn rejects_one_violation_at_a_time() {
        let data = r2();
        let mut c = r2_cert();
        c.alpha[0] = q(-1, 8);
        c.alpha[2] = q(3, 8);
        assert_eq!(
            check(&data, &c),
            Err(Violation::NegativeMultiplier { point: 0 })
        );
        let mut c = r2_cert();
        c.w = vec![q(1, 2), q(1, 3)];
        assert!(matches!(
            check(&data, &c),
            Err(Violation::PrimalInfeasible { point: 0, .. })
        ));
        let mut c = r2_cert();
        c.alpha[0] = q(1, 4);
        assert_eq!(check(&data, &c), Err(Violation::Stationarity { coord: 0 }));
        let mut c = r2_cert();
        c.support.pop();
        assert_eq!(check(&data, &c), Err(Violation::Support { point: 3 }));
        let mut c = r2_cert();
        c.value = q(1, 3);
        assert!(matches!(check(&data, &c), Err(Violation::Value { .. })));
        let mut c = r2_cert();
        c.w = vec![q(1, 1), q(1, 1)];
        c.support.clear();
        assert_eq!(
            check(&data, &c),
            Err(Violation::ComplementarySlackness { point: 0 })
        );
    }

    #[test]
    fn lp_certificates() {
        // R2 under ℓ∞: min ‖w‖∞ s.t. z·w ≥ 1 gives w = (1/2, 1/2) (value 1/2); dual α with
        // ‖Σ α z‖₁ ≤ 1 and Σα = 1/2: α1 = α2 = 1/4 gives Σαz = (1/2, 1/2), ℓ1 norm 1.
        let data = r2();
        let c = Certificate {
            norm: Norm::LInf,
            w: vec![q(1, 2), q(1, 2)],
            alpha: vec![q(1, 4), q(1, 4), q(0, 1), q(0, 1)],
            support: vec![0, 1, 2, 3],
            value: q(1, 2),
        };
        assert_eq!(check(&data, &c), Ok(()));
        let mut bad = c.clone();
        bad.alpha = vec![q(1, 2), q(1, 4), q(0, 1), q(0, 1)];
        assert!(matches!(
            check(&data, &bad),
            Err(Violation::DualNorm { .. })
        ));
        let mut bad = c.clone();
        bad.alpha = vec![q(1, 8), q(1, 8), q(0, 1), q(0, 1)];
        assert!(matches!(
            check(&data, &bad),
            Err(Violation::DualityGap { .. })
        ));
    }

    #[test]
    fn witness_checks() {
        // x1 = (1, 0) with y = +1 and x2 = (1, 0) with y = −1: z1 + z2 = 0.
        let data = Dataset::new(
            vec![vec![q(1, 1), q(0, 1)], vec![q(1, 1), q(0, 1)]],
            vec![1, -1],
        )
        .unwrap();
        let w = Witness {
            alpha: vec![q(1, 1), q(1, 1)],
        };
        assert_eq!(check_witness(&data, &w), Ok(()));
        let w = Witness {
            alpha: vec![q(0, 1), q(0, 1)],
        };
        assert_eq!(check_witness(&data, &w), Err(Violation::WitnessZero));
        let w = Witness {
            alpha: vec![q(1, 1), q(2, 1)],
        };
        assert_eq!(
            check_witness(&data, &w),
            Err(Violation::WitnessNotZeroSum { coord: 0 })
        );
    }
}
