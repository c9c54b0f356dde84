//! Which margin points can carry weight: the set `F` of support points `n` for which *some*
//! KKT vector has `α_n > 0` (exact).
//!
//! The KKT vectors supported on the margin set `S` form the polytope
//! `P = {α ∈ ℝ^S : α ≥ 0, Σ α_n z_n = ŵ}` (bounded: `Σ α_n = ‖ŵ‖²` on it). Its relative
//! interior points all have support exactly `F`; so
//!
//! * the data are **degenerate** (theory §2.1, §2.11) iff `F ≠ S`;
//! * `P` is a single point (α **unique**) iff `dim P = |F| − rank(Z_F) = 0`.
//!
//! `F` is found with small exact linear programs `max α_j over P` solved by the oracle's
//! exact simplex method ([`super::simplex`]) with Bland's rule (finite, no cycling), each
//! one started from the optimal basis of the one before. The initial tableau needs no
//! phase 1: the reduced row echelon form of the `d × |S|` matrix with columns `z_n` (the
//! known KKT vector's support first) *is* a simplex tableau, and the known KKT vector is a
//! basic feasible solution of it.

use super::simplex::{self, End, Factor, Lp, Start};
use crate::error::{Error, Result};
use crate::linalg::rref;
use rug::{Integer, Rational};

/// `S`'s signed points (`points[k]` is `z_{S_k}`) and one KKT vector `alpha` on them (same
/// order). Returns, for each `k`, whether `S_k ∈ F`.
pub(crate) fn positive_support(points: &[Vec<Rational>], alpha: &[Rational]) -> Result<Vec<bool>> {
    let m = points.len();
    if alpha.len() != m {
        return Err(Error::Numerical("face: length mismatch".into()));
    }
    if m == 0 {
        return Ok(Vec::new());
    }
    // Column order: the known support first, so it enters the basis.
    let mut order: Vec<usize> = (0..m).filter(|&k| alpha[k] > 0).collect();
    order.extend((0..m).filter(|&k| alpha[k] == 0));
    if order.len() != m {
        return Err(Error::Numerical("face: negative multiplier".into()));
    }
    let d = points[0].len();
    let matrix: Vec<Vec<Rational>> = (0..d)
        .map(|j| order.iter().map(|&k| points[k][j].clone()).collect())
        .collect();
    let (tab, pivots) = rref(matrix);
    let r = pivots.len();
    // Right-hand side: the coordinates of ŵ = Σ α z in the basis of pivot columns. The
    // known support occupies the first columns and is linearly independent only if it is
    // a prefix of the pivots; otherwise fall back to computing the coordinates.
    let alpha_ord: Vec<Rational> = order.iter().map(|&k| alpha[k].clone()).collect();
    let mut rhs = vec![Rational::new(); r];
    for (i, row) in tab.iter().enumerate() {
        let mut s = Rational::new();
        for (t, a) in row.iter().zip(&alpha_ord) {
            if *a != 0 {
                s += Rational::from(t * a);
            }
        }
        rhs[i] = s;
    }
    if rhs.iter().any(|v| *v < 0) {
        // Only happens if the known support is linearly dependent, which the callers rule
        // out; refuse rather than guess.
        return Err(Error::Numerical(
            "face: the known KKT vector is not a basic solution".into(),
        ));
    }
    if r == 0 {
        // No constraint row (every point zero): nothing can be maximized, nothing is in F.
        return Ok(vec![false; m]);
    }
    // The tableau as an integer LP: each row times the least common multiple of its
    // denominators (the same polytope; the pivot columns stay unit columns, up to scale).
    let mut lp = Lp {
        m: r,
        cols: vec![Vec::new(); m],
        obj: vec![Integer::new(); m],
        upper: vec![None; m],
        rhs: Vec::with_capacity(r),
    };
    for (i, (row, b)) in tab.iter().zip(&rhs).enumerate() {
        let mut scale = Integer::from(b.denom());
        for v in row {
            scale.lcm_mut(v.denom());
        }
        for (col, v) in lp.cols.iter_mut().zip(row) {
            if *v != 0 {
                col.push((i, scaled(v, &scale)));
            }
        }
        lp.rhs.push(scaled(b, &scale));
    }
    let mut start = Start {
        factor: Factor::crash(&lp, &pivots)?,
        at_upper: vec![false; m],
    };
    let mut known = vec![false; m];
    let mut in_f = vec![false; m];
    for (&b, v) in pivots.iter().zip(&rhs) {
        if *v > 0 {
            known[b] = true;
            in_f[b] = true;
        }
    }
    // Bland's rule over the columns in tableau order (finite, no cycling); the budget only
    // guards against a defect turning into a hang.
    let budget = 10_000 + 100 * m * m;
    for j in 0..m {
        if known[j] {
            continue;
        }
        lp.obj[j] = Integer::from(1);
        let end = simplex::solve_warm(&lp, &mut start, &[], budget)?;
        lp.obj[j] = Integer::new();
        let x = match end {
            Some(End::Optimal(v)) => v.x,
            Some(End::Unbounded(_)) => {
                return Err(Error::Numerical(
                    "face: unbounded LP over a bounded polytope".into(),
                ))
            }
            None => return Err(Error::Numerical("face: simplex iteration budget".into())),
        };
        known[j] = true;
        if x[j] > 0 {
            for (k, v) in x.iter().enumerate() {
                if *v > 0 {
                    known[k] = true;
                    in_f[k] = true;
                }
            }
        }
    }
    let mut out = vec![false; m];
    for (col, &k) in order.iter().enumerate() {
        out[k] = in_f[col];
    }
    Ok(out)
}

/// `v · scale` for a `scale` that `v`'s denominator divides.
fn scaled(v: &Rational, scale: &Integer) -> Integer {
    let mut q = Integer::from(scale / v.denom());
    q *= v.numer();
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    #[test]
    fn duplicate_support_vectors_all_carry_weight() {
        // R2 (theory §9): z1 = z3 = (1/2, 3/2), z2 = z4 = (3/2, 1/2); α = (1/4, 1/4, 0, 0)
        // is a KKT vector, and (0, 0, 1/4, 1/4) another: F = all four.
        let z1 = vec![q(1, 2), q(3, 2)];
        let z2 = vec![q(3, 2), q(1, 2)];
        let pts = vec![z1.clone(), z2.clone(), z1, z2];
        let a = vec![q(1, 4), q(1, 4), q(0, 1), q(0, 1)];
        assert_eq!(positive_support(&pts, &a).unwrap(), vec![true; 4]);
    }

    #[test]
    fn a_zero_weight_margin_point() {
        // ŵ = (1, 0); z1 = (1, 0) with α1 = 1, z2 = (1, 1) and z3 = (1, −1) on the margin.
        // α1 z1 + α2 z2 + α3 z3 = ŵ forces α2 = α3 (second coordinate) and
        // α1 + 2α2 = 1: F = all three (α = (0, 1/2, 1/2) works).
        let pts = vec![
            vec![q(1, 1), q(0, 1)],
            vec![q(1, 1), q(1, 1)],
            vec![q(1, 1), q(-1, 1)],
        ];
        let a = vec![q(1, 1), q(0, 1), q(0, 1)];
        assert_eq!(positive_support(&pts, &a).unwrap(), vec![true; 3]);
        // Without z3, z2 can never carry weight (it would need α3 = α2 > 0).
        let a = vec![q(1, 1), q(0, 1)];
        assert_eq!(positive_support(&pts[..2], &a).unwrap(), vec![true, false]);
    }
}
