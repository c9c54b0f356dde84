//! Exact ℓ2 max-margin oracle: `min ‖w‖² s.t. z_n·w ≥ 1`, or a Gordan witness.
//!
//! # Method: propose in floating point, prove in ℚ
//!
//! Let `p*` be the point of `conv{z_n}` nearest to the origin. If `p* ≠ 0` the data are
//! strictly separable and `ŵ = p*/‖p*‖²`; if `p* = 0` its convex weights are a Gordan
//! witness (`λ ≥ 0`, `Σ λ_n z_n = 0`). Both follow from the optimality condition of the
//! nearest point, `z_n·p* ≥ ‖p*‖²` for every `n`, which for `p* ≠ 0` reads `z_n·ŵ ≥ 1`.
//!
//! 1. **Proposal**: Wolfe's minimum-norm-point algorithm in `f64` (with partial pricing and
//!    O(k²) Cholesky updates) returns a *corral* `C`, an affinely independent set of points.
//! 2. **Exact solve**: the nearest point of the affine hull of `C` solves
//!    `(G + 11ᵀ) ν = 1`, `μ = ν/Σν`, `p = Σ μ_i z_i` (`G` the Gram matrix of `C`). With the
//!    rows' denominators cleared (`z_i = r_i/den_i`) this is the *integer* system
//!    `(R Rᵀ + b bᵀ) β = b`, `b = (den_i)`, `μ_i = den_i β_i / bᵀβ`, solved by Dixon's p-adic
//!    lifting (fraction-free Bareiss elimination as the fallback).
//! 3. **Exact optimality**: `μ ≥ 0` and `z_n·p ≥ ‖p‖²` for all `n`. The N inner products are
//!    screened by a floating-point filter with a proven error bound (a point whose computed
//!    margin exceeds 1 by more than the bound is certainly off the margin); every other
//!    point is decided in integer arithmetic.
//! 4. **Repair**: if a condition fails, Wolfe's algorithm continues in exact arithmetic from
//!    there (minor cycles drop points with negative weight, major cycles add a violated
//!    point). In exact arithmetic it terminates after finitely many steps (Wolfe 1976).
//!
//! The certificate is then handed to the independent checker [`crate::cert::check`]; a
//! failure there is reported as [`Error::Numerical`], never as an answer.
//!
//! The structure (`unique`, `degenerate`, `spans`, `θ`) is then decided exactly;
//! docs/oracle.md gives the details and the error bound of the filter.
//!
//! Reference: P. Wolfe, "Finding the nearest point in a polytope", Math. Programming 11
//! (1976) 128–149.

use super::exact::{rational_exp, IntRows};
use super::float::{self, retain_mask, CorralProposal};
use super::{face, MaxMargin, Outcome};
use crate::cert::{self, Certificate, Norm, Witness};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::linalg::{self, ModEchelon};
use rug::{Integer, Rational};
use std::cmp::Ordering;

/// Solves `min ‖w‖² s.t. z_n·w ≥ 1` exactly, or returns a Gordan witness.
pub fn solve(data: &Dataset) -> Result<Outcome> {
    let rows = IntRows::new(data);
    let n = rows.len();
    if let Some(k) = (0..n).find(|&k| rows.is_zero_row(k)) {
        // z_k = 0: no w has z_k·w ≥ 1; the witness is e_k.
        let mut alpha = vec![Rational::new(); n];
        alpha[k] = Rational::from(1);
        return witness(data, alpha);
    }
    let proposal = float::min_norm_point(rows.zf(), n, rows.dim());
    match wolfe_exact(&rows, proposal)? {
        Found::Witness(alpha) => witness(data, alpha),
        Found::Optimal(aff, margins) => separable(data, &rows, &aff, margins),
    }
}

fn witness(data: &Dataset, alpha: Vec<Rational>) -> Result<Outcome> {
    let w = Witness { alpha };
    cert::check_witness(data, &w)
        .map_err(|v| Error::Numerical(format!("l2 oracle produced a bad witness: {v}")))?;
    Ok(Outcome::NotSeparable(w))
}

/// The nearest point of the affine hull of a corral, exactly: `p = P/s`.
#[derive(Clone, Debug)]
struct Affine {
    corral: Vec<usize>,
    /// Numerators of `β` over a common positive denominator.
    beta: Vec<Integer>,
    /// `s = Σ den_i β_i > 0`.
    s: Integer,
    /// `P = Σ β_i r_i`.
    p: Vec<Integer>,
    /// `‖P‖²`.
    pp: Integer,
}

impl Affine {
    /// The affine weights `μ_i = den_i β_i / s` (summing to 1).
    fn mu(&self, rows: &IntRows) -> Vec<Rational> {
        self.corral
            .iter()
            .zip(&self.beta)
            .map(|(&c, b)| Rational::from((Integer::from(rows.den(c) * b), self.s.clone())))
            .collect()
    }
}

/// Solves for the nearest point of `aff{z_i : i ∈ corral}`; `None` if the points are
/// affinely dependent.
fn affine(rows: &IntRows, corral: &[usize]) -> Option<Affine> {
    let k = corral.len();
    if k == 0 {
        return None;
    }
    let mut m = vec![vec![Integer::new(); k]; k];
    for a in 0..k {
        for b in a..k {
            let mut v = rows.gram(corral[a], corral[b]);
            v += rows.den(corral[a]) * rows.den(corral[b]);
            m[b][a] = v.clone();
            m[a][b] = v;
        }
    }
    let rhs: Vec<Integer> = corral.iter().map(|&c| rows.den(c).clone()).collect();
    let (beta, _delta) = linalg::solve_integer(m, rhs)?;
    let mut s = Integer::new();
    for (&c, b) in corral.iter().zip(&beta) {
        s += rows.den(c) * b;
    }
    if s <= 0 {
        return None;
    }
    let d = rows.dim();
    let mut p = vec![Integer::new(); d];
    for (&c, b) in corral.iter().zip(&beta) {
        if *b == 0 {
            continue;
        }
        for (j, pj) in p.iter_mut().enumerate() {
            *pj += rows.entry(c, j) * b;
        }
    }
    let mut pp = Integer::new();
    for v in &p {
        pp += v * v;
    }
    Some(Affine {
        corral: corral.to_vec(),
        beta,
        s,
        p,
        pp,
    })
}

/// Exact margins of the candidate `ŵ = s P / ‖P‖²`.
#[derive(Clone, Debug)]
struct Margins {
    w: Vec<Rational>,
    /// A point with `z_n·ŵ < 1`, if any (the most violated by the float estimate).
    violator: Option<usize>,
    /// `{n : z_n·ŵ = 1}`, increasing.
    support: Vec<usize>,
    /// `min_{n ∉ S} z_n·ŵ` (only computed when there is no violator).
    theta: Option<Rational>,
}

/// Classifies every point against `ŵ = sP/‖P‖²` (requires `P ≠ 0`).
fn margins(rows: &IntRows, a: &Affine) -> Margins {
    let (n, d) = (rows.len(), rows.dim());
    let w: Vec<Rational> =
        a.p.iter()
            .map(|pj| Rational::from((Integer::from(pj * &a.s), a.pp.clone())))
            .collect();
    // Float filter with a proven error bound (see `filter_bound`).
    let mut use_filter = rows.filter_ok();
    let mut wf = vec![0.0f64; d];
    for (f, q) in wf.iter_mut().zip(&w) {
        if let Some((m, e)) = rational_exp(q) {
            let e = e + rows.shift();
            if !(-400..=400).contains(&e) {
                use_filter = false;
            }
            *f = linalg::ldexp(m, e);
        }
    }
    let factor = (d as f64 + 20.0) * 2f64.powi(-52) * (1.0 + 2f64.powi(-40));
    // (estimate, error bound) per point; None when the filter is off.
    let est: Vec<Option<(f64, f64)>> = (0..n)
        .map(|i| {
            if !use_filter {
                return None;
            }
            let z = rows.zf_row(i);
            let m = float::dot(z, &wf);
            let mut abs = 0.0;
            for (x, y) in z.iter().zip(&wf) {
                abs += (x * y).abs();
            }
            let err = factor * abs + (d as f64) * 2f64.powi(-900);
            if m.is_finite() && err.is_finite() {
                Some((m, err))
            } else {
                None
            }
        })
        .collect();
    // Exact comparison of z_n·ŵ with 1: t_n s vs den_n ‖P‖².
    let exact_cmp = |i: usize| -> (Integer, Ordering) {
        let t = rows.dot(i, &a.p);
        let lhs = Integer::from(&t * &a.s);
        let rhs = Integer::from(rows.den(i) * &a.pp);
        (t, lhs.cmp(&rhs))
    };
    let mut support = Vec::new();
    let mut violator: Option<(usize, f64)> = None;
    let mut exact_above: Vec<(usize, Integer)> = Vec::new();
    for (i, e) in est.iter().enumerate() {
        if let Some((m, err)) = *e {
            if m - err > 1.0 {
                continue;
            }
        }
        let (t, ord) = exact_cmp(i);
        match ord {
            Ordering::Less => {
                let key = est[i].map_or(f64::NEG_INFINITY, |(m, _)| m);
                if violator.map_or(true, |(_, k)| key < k) {
                    violator = Some((i, key));
                }
            }
            Ordering::Equal => support.push(i),
            Ordering::Greater => exact_above.push((i, t)),
        }
    }
    let mut out = Margins {
        w,
        violator: violator.map(|(i, _)| i),
        support,
        theta: None,
    };
    if out.violator.is_some() {
        return out;
    }
    // θ: an upper bound from the estimates, then exact values for every point whose lower
    // bound does not exceed it.
    let on_margin = {
        let mut v = vec![false; n];
        for &i in &out.support {
            v[i] = true;
        }
        v
    };
    let margin_of = |i: usize, t: &Integer| -> Rational {
        Rational::from((Integer::from(t * &a.s), Integer::from(rows.den(i) * &a.pp)))
    };
    let mut best: Option<Rational> = None;
    let mut consider = |q: Rational| {
        if best.as_ref().map_or(true, |b| q < *b) {
            best = Some(q);
        }
    };
    if use_filter {
        let ub = (0..n)
            .filter(|&i| !on_margin[i])
            .filter_map(|i| est[i].map(|(m, e)| m + e))
            .fold(f64::INFINITY, f64::min);
        let exact_done: std::collections::HashMap<usize, &Integer> =
            exact_above.iter().map(|(i, t)| (*i, t)).collect();
        for i in (0..n).filter(|&i| !on_margin[i]) {
            let Some((m, e)) = est[i] else { continue };
            if m - e > ub {
                continue;
            }
            match exact_done.get(&i) {
                Some(t) => consider(margin_of(i, t)),
                None => {
                    let t = rows.dot(i, &a.p);
                    consider(margin_of(i, &t));
                }
            }
        }
    } else {
        for (i, t) in &exact_above {
            consider(margin_of(*i, t));
        }
    }
    out.theta = best;
    out
}

enum Found {
    Witness(Vec<Rational>),
    Optimal(Affine, Margins),
}

/// Wolfe's algorithm in exact arithmetic, started from the floating-point proposal.
fn wolfe_exact(rows: &IntRows, proposal: CorralProposal) -> Result<Found> {
    let n = rows.len();
    let mut corral: Vec<usize> = Vec::new();
    let mut lambda: Vec<Rational> = Vec::new();
    for (&c, &l) in proposal.corral.iter().zip(&proposal.lambda) {
        if c < n && !corral.contains(&c) {
            corral.push(c);
            lambda.push(Rational::from_f64(l.max(0.0)).unwrap_or_default());
        }
    }
    if corral.is_empty() {
        corral.push(0);
        lambda.push(Rational::from(1));
    }
    // The first exact solve is reused by the first minor cycle.
    let mut pending = affine(rows, &corral);
    if pending.is_none() {
        corral = affinely_independent_subset(rows, &corral);
        lambda = vec![Rational::from(1); corral.len()];
    }
    normalize(&mut lambda, corral.len());
    let budget = 10 * (n + rows.dim()) + 100;
    for _ in 0..budget {
        // Minor cycles: move to the nearest point of the corral's affine hull, dropping
        // points whose weight would turn negative.
        let aff = loop {
            let Some(mut aff) = pending.take().or_else(|| affine(rows, &corral)) else {
                return Err(Error::Numerical(
                    "l2 oracle: exact corral became affinely dependent".into(),
                ));
            };
            let mu = aff.mu(rows);
            if mu.iter().all(|m| *m >= 0) {
                let keep: Vec<bool> = mu.iter().map(|m| *m > 0).collect();
                retain_mask(&mut aff.corral, &keep);
                retain_mask(&mut aff.beta, &keep);
                corral.clone_from(&aff.corral);
                lambda = mu.into_iter().filter(|m| *m > 0).collect();
                break aff;
            }
            let mut theta: Option<Rational> = None;
            for (l, m) in lambda.iter().zip(&mu) {
                if *m < 0 {
                    let t = l / Rational::from(l - m);
                    if theta.as_ref().map_or(true, |th| t < *th) {
                        theta = Some(t);
                    }
                }
            }
            let theta = theta.unwrap_or_default();
            let one_minus = Rational::from(1 - &theta);
            for (l, m) in lambda.iter_mut().zip(&mu) {
                *l = Rational::from(&*l * &one_minus) + Rational::from(&theta * m);
            }
            let keep: Vec<bool> = lambda.iter().map(|l| *l > 0).collect();
            retain_mask(&mut corral, &keep);
            retain_mask(&mut lambda, &keep);
            if corral.is_empty() {
                return Err(Error::Numerical("l2 oracle: empty corral".into()));
            }
        };
        if aff.p.iter().all(|v| *v == 0) {
            // The origin is in the hull: the weights are a Gordan witness.
            let mut alpha = vec![Rational::new(); n];
            for (&c, b) in aff.corral.iter().zip(&aff.beta) {
                alpha[c] = Rational::from(Integer::from(rows.den(c) * b));
            }
            return Ok(Found::Witness(alpha));
        }
        let m = margins(rows, &aff);
        match m.violator {
            None => return Ok(Found::Optimal(aff, m)),
            Some(j) => {
                corral.push(j);
                lambda.push(Rational::new());
            }
        }
    }
    Err(Error::Numerical(
        "l2 oracle: exact Wolfe iteration budget exhausted".into(),
    ))
}

fn normalize(lambda: &mut Vec<Rational>, k: usize) {
    let mut total = Rational::new();
    for l in lambda.iter() {
        total += l;
    }
    if lambda.len() != k || total <= 0 {
        *lambda = vec![Rational::from((1, k.max(1) as u64)); k];
    } else {
        for l in lambda.iter_mut() {
            *l /= &total;
        }
    }
}

/// A maximal affinely independent subset (greedy, in order), via the rank of the lifted
/// rows `(1, z_i)`.
fn affinely_independent_subset(rows: &IntRows, corral: &[usize]) -> Vec<usize> {
    let lifted: Vec<Vec<Rational>> = corral
        .iter()
        .map(|&c| {
            let mut r = vec![Rational::from(1)];
            r.extend(rows.row_rational(c));
            r
        })
        .collect();
    let mut chosen: Vec<usize> = linalg::independent_rows(&lifted)
        .into_iter()
        .map(|k| corral[k])
        .collect();
    if chosen.is_empty() {
        chosen.push(corral.first().copied().unwrap_or(0));
    }
    chosen
}

fn separable(data: &Dataset, rows: &IntRows, aff: &Affine, m: Margins) -> Result<Outcome> {
    let n = rows.len();
    // ŵ = s P/‖P‖², α_i = μ_i/‖p‖² = den_i β_i s / ‖P‖², ‖ŵ‖² = s²/‖P‖².
    let mut alpha = vec![Rational::new(); n];
    for (&c, b) in aff.corral.iter().zip(&aff.beta) {
        let num = Integer::from(rows.den(c) * b) * &aff.s;
        alpha[c] = Rational::from((num, aff.pp.clone()));
    }
    let value = Rational::from((Integer::from(&aff.s * &aff.s), aff.pp.clone()));
    let cert = Certificate {
        norm: Norm::L2,
        w: m.w,
        alpha,
        support: m.support,
        value,
    };
    cert::check(data, &cert)
        .map_err(|v| Error::Numerical(format!("l2 oracle certificate rejected: {v}")))?;
    let (unique, degenerate, spans) = structure(rows, &cert, &aff.corral)?;
    Ok(Outcome::Separable(Box::new(MaxMargin {
        cert,
        unique,
        degenerate: Some(degenerate),
        spans: Some(spans),
        theta: m.theta,
    })))
}

/// `(unique, degenerate, spans)` for a verified certificate whose multipliers are positive
/// exactly on the linearly independent set `corral ⊆ S`.
fn structure(rows: &IntRows, cert: &Certificate, corral: &[usize]) -> Result<(bool, bool, bool)> {
    let support = &cert.support;
    let d = rows.dim();
    let mut ech = ModEchelon::default();
    for &i in support {
        ech.insert(rows.row_mod_p(i));
    }
    // rank(Z_S): the corral is linearly independent (it does not contain the origin in its
    // affine hull), so S = corral means rank |S|; otherwise a full mod-p rank proves
    // independence; otherwise compute it over ℚ.
    let independent = support.len() == corral.len() || ech.rank() == support.len();
    let rank_s = if independent {
        support.len()
    } else {
        linalg::rank(support.iter().map(|&i| rows.row_rational(i)).collect())
    };
    let (unique, degenerate) = if independent {
        // P is a single point: α is unique and F = supp(α).
        (true, support.len() != corral.len())
    } else {
        let pts: Vec<Vec<Rational>> = support.iter().map(|&i| rows.row_rational(i)).collect();
        let a: Vec<Rational> = support.iter().map(|&i| cert.alpha[i].clone()).collect();
        let in_f = face::positive_support(&pts, &a)?;
        let f_pts: Vec<Vec<Rational>> = pts
            .iter()
            .zip(&in_f)
            .filter(|(_, &f)| f)
            .map(|(p, _)| p.clone())
            .collect();
        let f_count = f_pts.len();
        let rank_f = linalg::rank(f_pts);
        (rank_f == f_count, in_f.iter().any(|&f| !f))
    };
    let spans = rank_s == d || spans_all(rows, support, rank_s, &mut ech);
    Ok((unique, degenerate, spans))
}

/// Whether every point lies in `span{z_i : i ∈ S}` (`rank_s` its exact rank).
fn spans_all(rows: &IntRows, support: &[usize], rank_s: usize, ech: &mut ModEchelon) -> bool {
    let n = rows.len();
    let mut in_s = vec![false; n];
    for &i in support {
        in_s[i] = true;
    }
    if ech.rank() == rank_s {
        // A rank increase modulo p is a rank increase over ℚ.
        for i in (0..n).filter(|&i| !in_s[i]) {
            if ech.insert(rows.row_mod_p(i)) {
                return false;
            }
        }
    }
    // Decide exactly: reduce each z_n against the reduced row echelon form of Z_S, in
    // O(rank·d) memory (a null-space basis would take O(d²): 4 GB at d = 10^4).
    let (r, pivots) = linalg::rref(support.iter().map(|&i| rows.row_rational(i)).collect());
    (0..n).all(|i| in_s[i] || linalg::in_row_space(&r, &pivots, &rows.row_rational(i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(rows: &[(&[i64], i8)]) -> Dataset {
        Dataset::new(
            rows.iter()
                .map(|(x, _)| x.iter().map(|&v| Rational::from(v)).collect())
                .collect(),
            rows.iter().map(|&(_, y)| y).collect(),
        )
        .unwrap()
    }

    /// The exact phase must repair *any* proposal: every subset of the points as the
    /// starting corral (affinely dependent ones included), with arbitrary weights, reaches
    /// the answer derived by hand.
    #[test]
    fn exact_phase_repairs_every_proposal() {
        // (data, expected ŵ or None for non-separable)
        let cases: Vec<(Dataset, Option<Vec<Rational>>)> = vec![
            // z = (2,0), (0,2), (3,3), (1,5): ŵ = (1/2, 1/2) (G = 4I on the first two;
            // z3·ŵ = 3, z4·ŵ = 3).
            (
                data(&[(&[2, 0], 1), (&[0, 2], 1), (&[3, 3], 1), (&[-1, -5], -1)]),
                Some(vec![Rational::from((1, 2)), Rational::from((1, 2))]),
            ),
            // Degenerate: (1,0), (1,1), (1,0) duplicate, (2,−1): ŵ = (1, 0).
            (
                data(&[(&[1, 0], 1), (&[1, 1], 1), (&[1, 0], 1), (&[2, -1], 1)]),
                Some(vec![Rational::from(1), Rational::new()]),
            ),
            // (1,0), (−1,1), (0,−1), (1,1): the first three sum to zero.
            (
                data(&[(&[1, 0], 1), (&[-1, 1], 1), (&[0, -1], 1), (&[1, 1], 1)]),
                None,
            ),
        ];
        for (d, expect) in cases {
            let rows = IntRows::new(&d);
            for mask in 0u32..(1 << d.len()) {
                let corral: Vec<usize> = (0..d.len()).filter(|&i| mask >> i & 1 == 1).collect();
                let lambda: Vec<f64> = (0..corral.len()).map(|i| (i + 1) as f64).collect();
                let got = wolfe_exact(&rows, CorralProposal { corral, lambda }).unwrap();
                match (got, &expect) {
                    (Found::Optimal(_, m), Some(w)) => assert_eq!(&m.w, w, "mask {mask}"),
                    (Found::Witness(a), None) => {
                        cert::check_witness(&d, &Witness { alpha: a }).unwrap()
                    }
                    _ => panic!("mask {mask}: wrong kind of answer"),
                }
            }
        }
    }
}
