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
//! `F` is found with small exact linear programs `max α_j over P` solved by the simplex
//! method in `rug::Rational` with Bland's rule (finite, no cycling). The initial tableau
//! needs no phase 1: the reduced row echelon form of the `d × |S|` matrix with columns
//! `z_n` (the known KKT vector's support first) *is* a simplex tableau, and the known KKT
//! vector is a basic feasible solution of it.

use super::exact::rref;
use crate::error::{Error, Result};
use rug::Rational;

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
    let mut lp = Tableau {
        t: tab,
        rhs,
        basis: pivots,
    };
    let mut known = vec![false; m];
    let mut in_f = vec![false; m];
    let mark = |lp: &Tableau, known: &mut Vec<bool>, in_f: &mut Vec<bool>| {
        for (i, &b) in lp.basis.iter().enumerate() {
            if lp.rhs[i] > 0 {
                known[b] = true;
                in_f[b] = true;
            }
        }
    };
    mark(&lp, &mut known, &mut in_f);
    for j in 0..m {
        if known[j] {
            continue;
        }
        let v = lp.maximize(j)?;
        known[j] = true;
        if v > 0 {
            mark(&lp, &mut known, &mut in_f);
        }
    }
    let mut out = vec![false; m];
    for (col, &k) in order.iter().enumerate() {
        out[k] = in_f[col];
    }
    Ok(out)
}

/// A simplex tableau in canonical form: `basis[i]` is the column that is the `i`-th unit
/// vector, `rhs` the values of the basic variables (non-negative).
struct Tableau {
    t: Vec<Vec<Rational>>,
    rhs: Vec<Rational>,
    basis: Vec<usize>,
}

impl Tableau {
    /// Maximizes variable `j` over the polytope, by the simplex method with Bland's rule.
    fn maximize(&mut self, j: usize) -> Result<Rational> {
        let cols = self.t.first().map_or(0, Vec::len);
        let budget = 10_000 + 100 * cols * cols;
        for _ in 0..budget {
            let obj_row = self.basis.iter().position(|&b| b == j);
            // Reduced cost of column k for the objective e_j: [k = j] − (row of j)_k.
            let entering = (0..cols).find(|&k| {
                if self.basis.contains(&k) {
                    return false;
                }
                let c = if k == j { 1 } else { 0 };
                let rc = match obj_row {
                    Some(i) => Rational::from(c) - &self.t[i][k],
                    None => Rational::from(c),
                };
                rc > 0
            });
            let Some(k) = entering else {
                return Ok(match obj_row {
                    Some(i) => self.rhs[i].clone(),
                    None => Rational::new(),
                });
            };
            let mut leave: Option<(usize, Rational)> = None;
            for i in 0..self.t.len() {
                if self.t[i][k] > 0 {
                    let ratio = Rational::from(&self.rhs[i] / &self.t[i][k]);
                    let better = match &leave {
                        None => true,
                        Some((li, lr)) => {
                            ratio < *lr || (ratio == *lr && self.basis[i] < self.basis[*li])
                        }
                    };
                    if better {
                        leave = Some((i, ratio));
                    }
                }
            }
            let Some((i, _)) = leave else {
                return Err(Error::Numerical(
                    "face: unbounded LP over a bounded polytope".into(),
                ));
            };
            self.pivot(i, k);
        }
        Err(Error::Numerical("face: simplex iteration budget".into()))
    }

    fn pivot(&mut self, i: usize, k: usize) {
        let inv = Rational::from(self.t[i][k].recip_ref());
        for v in self.t[i].iter_mut() {
            *v *= &inv;
        }
        self.rhs[i] *= &inv;
        let prow = std::mem::take(&mut self.t[i]);
        let prhs = self.rhs[i].clone();
        for (r, row) in self.t.iter_mut().enumerate() {
            if r == i || row[k] == 0 {
                continue;
            }
            let f = row[k].clone();
            for (v, pv) in row.iter_mut().zip(&prow) {
                if *pv != 0 {
                    *v -= Rational::from(&f * pv);
                }
            }
            self.rhs[r] -= Rational::from(&f * &prhs);
        }
        self.t[i] = prow;
        self.basis[i] = k;
    }
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
