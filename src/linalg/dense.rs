//! Working-precision (generic [`Scalar`]) dense helpers: vector sums, the total order on
//! scalars, Gram–Schmidt from exact rows, projection, Cholesky, Jacobi eigenvalues, `atan`
//! and angles. Sizes are at most the dimension `d` or the number of support vectors.

#![allow(clippy::needless_range_loop)] // index loops read like the matrix formulas

use super::rational::qdot;
use crate::scalar::{dot, lt, norm, Scalar};
use rug::Rational;
use std::cmp::Ordering;

/// `a − b`.
pub fn sub<S: Scalar>(a: &[S], b: &[S]) -> Vec<S> {
    a.iter().zip(b).map(|(x, y)| x.clone().sub(y)).collect()
}

/// `a + c·b`.
pub fn axpy<S: Scalar>(a: &[S], c: &S, b: &[S]) -> Vec<S> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let mut v = x.clone();
            v.mul_add_assign(c, y);
            v
        })
        .collect()
}

/// A total order on scalars: the numeric order, with every NaN after every number and NaNs
/// equal to each other (so a sort never sees an inconsistent comparison, and a NaN — a value
/// out of the scalar's range — ends up last, where a caller can see it).
pub(crate) fn total_cmp<S: Scalar>(a: &S, b: &S) -> Ordering {
    match (a.partial_cmp_s(b), a.partial_cmp_s(a), b.partial_cmp_s(b)) {
        (Some(o), _, _) => o,
        (None, None, None) => Ordering::Equal,
        (None, None, _) => Ordering::Greater,
        (None, _, _) => Ordering::Less,
    }
}

/// `min_{n∈S} z_nᵀr` over the support set (0 for an empty set).
pub(crate) fn min_on<S: Scalar>(z: &[Vec<S>], set: &[usize], r: &[S], ctx: S::Ctx) -> S {
    set.iter()
        .map(|&i| dot(&z[i], r, ctx))
        .reduce(|a, b| if lt(&b, &a) { b } else { a })
        .unwrap_or_else(|| S::zero(ctx))
}

/// `max(a, b)` (NaN-propagating towards `a`).
pub fn max<S: Scalar>(a: S, b: &S) -> S {
    if lt(&a, b) {
        b.clone()
    } else {
        a
    }
}

/// An orthonormal basis of the span of exact `rows` (linearly independent): Gram–Schmidt in
/// ℚ (no normalization, so every vector stays rational), then each orthogonal vector rounded
/// once and normalized at working precision. Its error is a few ulps whatever the conditioning
/// of `rows`; Gram–Schmidt on the rounded rows loses `cond(rows)·u` (near-duplicate data
/// points: 10⁻¹² at f64, which turned an exact invariant into a FAIL, tests/regressions.rs).
pub(crate) fn orthonormal_exact<S: Scalar>(rows: &[Vec<Rational>], ctx: S::Ctx) -> Vec<Vec<S>> {
    let mut q: Vec<(Vec<Rational>, Rational)> = Vec::new(); // v_k and v_k·v_k
    for r in rows {
        let mut v = r.clone();
        for (b, bb) in &q {
            let c = qdot(&v, b) / bb;
            for (x, y) in v.iter_mut().zip(b) {
                *x -= Rational::from(&c * y);
            }
        }
        let vv = qdot(&v, &v);
        if vv != 0 {
            q.push((v, vv));
        }
    }
    q.into_iter()
        .map(|(v, _)| {
            let vs: Vec<S> = v.iter().map(|x| S::from_rational(x, ctx)).collect();
            let n = norm(&vs, ctx);
            vs.into_iter().map(|x| x.div(&n)).collect()
        })
        .collect()
}

/// Coordinates of the orthogonal projection of `v` onto an orthonormal basis, expanded back:
/// `Σ_k q_k (q_kᵀ v)`.
pub fn project<S: Scalar>(q: &[Vec<S>], v: &[S], ctx: S::Ctx) -> Vec<S> {
    let mut out = vec![S::zero(ctx); v.len()];
    for b in q {
        let c = dot(b, v, ctx);
        out = axpy(&out, &c, b);
    }
    out
}

/// Solves `a x = b` for a symmetric positive definite `a` (Cholesky). `None` if `a` is not
/// numerically positive definite.
pub(crate) fn cholesky_solve<S: Scalar>(a: &[Vec<S>], b: &[S], ctx: S::Ctx) -> Option<Vec<S>> {
    let l = cholesky_factor(a, ctx)?;
    let mut y = b.to_vec();
    cholesky_apply(&l, &mut y).then_some(y)
}

/// The Cholesky factor `l` (lower triangular, `a = l lᵀ`) of a symmetric positive definite
/// `a`; `None` if `a` is not numerically positive definite.
pub fn cholesky_factor<S: Scalar>(a: &[Vec<S>], ctx: S::Ctx) -> Option<Vec<Vec<S>>> {
    let n = a.len();
    let mut l = vec![vec![S::zero(ctx); n]; n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i][j].clone();
            for k in 0..j {
                let mut p = l[i][k].clone();
                p.mul_assign(&l[j][k]);
                s.sub_assign(&p);
            }
            if i == j {
                if !lt(&S::zero(ctx), &s) || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s.div(&l[j][j]);
            }
        }
    }
    Some(l)
}

/// `y ← (l lᵀ)⁻¹ y` with a factor of [`cholesky_factor`]; `false` if the result is not finite.
pub(crate) fn cholesky_apply<S: Scalar>(l: &[Vec<S>], y: &mut [S]) -> bool {
    let n = y.len();
    // forward: l z = y
    for i in 0..n {
        for k in 0..i {
            let mut p = l[i][k].clone();
            p.mul_assign(&y[k]);
            y[i].sub_assign(&p);
        }
        y[i].div_assign(&l[i][i]);
    }
    // backward: lᵀ x = z
    for i in (0..n).rev() {
        for k in i + 1..n {
            let mut p = l[k][i].clone();
            p.mul_assign(&y[k]);
            y[i].sub_assign(&p);
        }
        y[i].div_assign(&l[i][i]);
    }
    y.iter().all(Scalar::is_finite)
}

/// Eigenvalues of a symmetric matrix (cyclic Jacobi rotations), ascending.
pub(crate) fn symmetric_eigenvalues<S: Scalar>(a: &[Vec<S>], ctx: S::Ctx) -> Vec<S> {
    let n = a.len();
    let mut a: Vec<Vec<S>> = a.to_vec();
    let one = S::from_f64(1.0, ctx);
    let tiny = {
        // 2^-bits, built by halving (exact)
        let mut e = one.clone();
        for _ in 0..S::bits(ctx) {
            e.mul_f64(0.5);
        }
        e
    };
    for _sweep in 0..100 {
        let mut off = S::zero(ctx);
        let mut total = S::zero(ctx);
        for (i, row) in a.iter().enumerate() {
            for (j, x) in row.iter().enumerate() {
                total.mul_add_assign(x, x);
                if i != j {
                    off.mul_add_assign(x, x);
                }
            }
        }
        let mut lim = total.clone();
        lim.mul_assign(&tiny);
        lim.mul_assign(&tiny);
        if !lt(&lim, &off) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].is_zero() {
                    continue;
                }
                // An off-diagonal entry below 2^-bits of its diagonal pair is set to zero
                // (it moves the eigenvalues by at most a_pq²/gap, below the rounding). Rotating
                // it instead forms θ ≈ 1/a_pq and t ≈ a_pq, products that leave the exponent
                // range of a type such as double-double (which makes them NaN by design).
                let mut scale = a[p][p].clone().abs();
                scale.add_assign(&a[q][q].clone().abs());
                scale.mul_assign(&tiny);
                if !lt(&scale, &a[p][q].clone().abs()) {
                    a[p][q] = S::zero(ctx);
                    a[q][p] = S::zero(ctx);
                    continue;
                }
                // θ = (a_qq − a_pp) / (2 a_pq);  t = sgn θ / (|θ| + √(θ²+1))
                let mut theta = a[q][q].clone().sub(&a[p][p]);
                let mut two_apq = a[p][q].clone();
                two_apq.mul_f64(2.0);
                theta.div_assign(&two_apq);
                let neg = lt(&theta, &S::zero(ctx));
                let mut at = theta.clone().abs();
                let mut r = theta.clone().mul(&theta);
                r.add_assign(&one);
                r.sqrt_mut();
                at.add_assign(&r);
                let mut t = one.clone().div(&at);
                if neg {
                    t.neg_mut();
                }
                let mut c = t.clone().mul(&t);
                c.add_assign(&one);
                c.sqrt_mut();
                c.recip_mut();
                let s = t.clone().mul(&c);
                // A ← Jᵀ A J on rows/cols p, q
                for k in 0..n {
                    let akp = a[k][p].clone();
                    let akq = a[k][q].clone();
                    a[k][p] = c.clone().mul(&akp).sub(&s.clone().mul(&akq));
                    a[k][q] = s.clone().mul(&akp).add(&c.clone().mul(&akq));
                }
                for k in 0..n {
                    let apk = a[p][k].clone();
                    let aqk = a[q][k].clone();
                    a[p][k] = c.clone().mul(&apk).sub(&s.clone().mul(&aqk));
                    a[q][k] = s.clone().mul(&apk).add(&c.clone().mul(&aqk));
                }
            }
        }
    }
    let mut ev: Vec<S> = (0..n).map(|i| a[i][i].clone()).collect();
    ev.sort_by(total_cmp);
    ev
}

/// `atan(x)` at working precision, built from `sqrt` and a Taylor series: the argument is
/// halved in angle with `x ← x/(1 + √(1+x²))` until `|x| < 2⁻¹⁰`, then
/// `atan x = x − x³/3 + x⁵/5 − …` to the working precision, doubled back.
pub fn atan<S: Scalar>(x: &S) -> S {
    let ctx = x.ctx();
    let zero = S::zero(ctx);
    let one = S::from_f64(1.0, ctx);
    if x.is_zero() || !x.is_finite() {
        return x.clone();
    }
    let neg = lt(x, &zero);
    let mut y = x.clone().abs();
    if lt(&one, &y) {
        // atan y = π/2 − atan(1/y)
        let mut r = y.clone();
        r.recip_mut();
        let mut v = half_pi::<S>(ctx).sub(&atan(&r));
        if neg {
            v.neg_mut();
        }
        return v;
    }
    let thresh = S::from_f64(1.0 / 1024.0, ctx);
    let mut halvings = 0u32;
    while lt(&thresh, &y) {
        let mut s = y.clone().mul(&y);
        s.add_assign(&one);
        s.sqrt_mut();
        s.add_assign(&one);
        y.div_assign(&s);
        halvings += 1;
    }
    let y2 = y.clone().mul(&y);
    let mut power = y.clone();
    let mut sum = y.clone();
    let mut k = 1.0f64;
    let mut eps = sum.clone().abs();
    for _ in 0..S::bits(ctx) + 2 {
        eps.mul_f64(0.5);
    }
    for _ in 0..10_000 {
        power.mul_assign(&y2);
        power.neg_mut();
        k += 2.0;
        let mut term = power.clone();
        term.div_assign(&S::from_f64(k, ctx));
        sum.add_assign(&term);
        if !lt(&eps, &term.abs()) {
            break;
        }
    }
    for _ in 0..halvings {
        sum.mul_f64(2.0);
    }
    if neg {
        sum.neg_mut();
    }
    sum
}

/// `π/2 = 2 atan(1)` (via the halving reduction, so no recursion through `atan`'s `> 1`
/// branch).
pub(crate) fn half_pi<S: Scalar>(ctx: S::Ctx) -> S {
    // atan(1) = 2 atan(1/(1+√2))
    let one = S::from_f64(1.0, ctx);
    let mut r = S::from_f64(2.0, ctx).sqrt();
    r.add_assign(&one);
    r.recip_mut();
    let mut v = atan(&r);
    v.mul_f64(4.0);
    v
}

/// The angle in `[0, π]` between two non-zero vectors, `atan2(‖P_b⊥ a‖, a·b̂)`: accurate
/// also for tiny angles (no `acos` of a number near 1).
pub fn angle<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> Option<S> {
    let bb = dot(b, b, ctx);
    if bb.is_zero() || norm(a, ctx).is_zero() {
        return None;
    }
    let ab = dot(a, b, ctx);
    let mut c = ab.clone().div(&bb);
    c.neg_mut();
    let perp = norm(&axpy(a, &c, b), ctx);
    let along = ab.div(&bb.sqrt());
    Some(atan2_nonneg(&perp, &along, ctx))
}

/// `atan2(y, x)` for `y ≥ 0`, in `[0, π]`.
pub(crate) fn atan2_nonneg<S: Scalar>(y: &S, x: &S, ctx: S::Ctx) -> S {
    let zero = S::zero(ctx);
    if x.is_zero() {
        return if y.is_zero() { zero } else { half_pi(ctx) };
    }
    let a = atan(&y.clone().div(&x.clone().abs()));
    if lt(x, &zero) {
        let mut pi = half_pi::<S>(ctx);
        pi.mul_f64(2.0);
        pi.sub(&a)
    } else {
        a
    }
}

/// `‖a/‖a‖ − b/‖b‖‖`, the distance between the two directions.
pub(crate) fn direction_error<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> Option<S> {
    direction_diff(a, b, ctx).map(|d| norm(&d, ctx))
}

/// `a/‖a‖ − b/‖b‖` (`None` if either is zero).
pub(crate) fn direction_diff<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> Option<Vec<S>> {
    let na = norm(a, ctx);
    let nb = norm(b, ctx);
    if na.is_zero() || nb.is_zero() {
        return None;
    }
    Some(
        a.iter()
            .zip(b)
            .map(|(x, y)| x.clone().div(&na).sub(&y.clone().div(&nb)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Float;

    #[test]
    fn atan_matches_mpfr_and_f64() {
        for &x in &[1e-12f64, 0.3, 1.0, 2.5, 1e8, -0.7] {
            let f = Float::with_val(200, x);
            let mine = atan(&f);
            let exact = Float::with_val(200, f.atan_ref());
            let err = Float::with_val(200, &mine - &exact).abs();
            let tol = Float::with_val(200, exact.clone().abs()) >> 190u32;
            assert!(err <= tol, "x={x}: {mine} vs {exact}");
            assert!((atan(&x) - x.atan()).abs() <= 4.0 * f64::EPSILON * x.atan().abs());
        }
    }

    #[test]
    fn jacobi_eigenvalues_of_the_r2_matrix() {
        // theory §9 R2: M = [[5/8,3/8],[3/8,5/8]] has eigenvalues 1/4 and 1.
        let m = vec![vec![0.625f64, 0.375], vec![0.375, 0.625]];
        let ev = symmetric_eigenvalues(&m, ());
        assert!((ev[0] - 0.25).abs() < 1e-15 && (ev[1] - 1.0).abs() < 1e-15);
    }
}

#[cfg(test)]
mod total_order_tests {
    use super::*;

    #[test]
    fn nan_sorts_last_and_the_order_is_total() {
        let mut v = [2.0, f64::NAN, -1.0, f64::NAN, 0.5];
        v.sort_by(total_cmp);
        assert_eq!(&v[..3], &[-1.0, 0.5, 2.0]);
        assert!(v[3].is_nan() && v[4].is_nan());
        assert_eq!(total_cmp(&f64::NAN, &1.0), Ordering::Greater);
        assert_eq!(total_cmp(&1.0, &f64::NAN), Ordering::Less);
        assert_eq!(total_cmp(&f64::NAN, &f64::NAN), Ordering::Equal);
    }
}
