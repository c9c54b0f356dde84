//! Exact ℓ1 / ℓ∞ max-margin oracle via linear programming.
//!
//! With `z_n = y_n x_n`, the primal problems and their LP duals are
//!
//! | norm | primal | dual |
//! |---|---|---|
//! | ℓ1 | `min ‖w‖₁ s.t. z_n·w ≥ 1` | `max Σα s.t. α ≥ 0, ‖Σ α_n z_n‖∞ ≤ 1` |
//! | ℓ∞ | `min ‖w‖∞ s.t. z_n·w ≥ 1` | `max Σα s.t. α ≥ 0, ‖Σ α_n z_n‖₁ ≤ 1` |
//!
//! and the margin is `γ = 1/value`. The method (details in `docs/oracle-lp.md`):
//!
//! 1. **Propose** in floating point: the primal LP through `good_lp` (microlp).
//! 2. **Certify** in exact arithmetic: the *dual* LP, written in equality form with `d`
//!    (ℓ1) or `d + 1` (ℓ∞) rows and integer data, is solved by an exact simplex method
//!    (`oracle/simplex.rs`) started from the basis the float solution suggests (or from the
//!    trivial basis when that one is not exactly feasible). The optimal basis gives `α` (its
//!    values) and `w` (its multipliers) in ℚ; an unbounded ray instead gives a Gordan witness
//!    (`α ≥ 0`, `α ≠ 0`, `Σ α_n z_n = 0`), since the dual is unbounded exactly when no `w`
//!    has all margins ≥ 1. When the float primal is infeasible, the exact dual is first
//!    solved on the points a float auxiliary LP puts in a witness (a ray there is a ray of
//!    the whole problem). Correctness never depends on the float solution: it only picks
//!    the start.
//! 3. **Check** with the independent [`crate::cert::check`] / [`crate::cert::check_witness`].
//! 4. **Uniqueness** of `ŵ`, decided exactly from the certificate (a cone test; see the docs).

mod proposal;

use super::exact::IntRows;
use super::simplex::{self, End, Factor, Lp, Start};
use super::{MaxMargin, Norm, Outcome};
use crate::cert::{Certificate, Witness};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::linalg;
use crate::scalar;
use proposal::LpProposal;
use rug::{Integer, Rational};

/// One signed point as `z_n = v_n / c_n` with `v_n` integer and `c_n > 0`.
#[derive(Clone, Debug)]
struct IntPoint {
    v: Vec<Integer>,
    c: Integer,
}

/// The rows of [`IntRows`] (whose denominators it cleared) as owned integer vectors.
fn rows_of(ints: &IntRows) -> Vec<IntPoint> {
    (0..ints.len())
        .map(|n| IntPoint {
            v: (0..ints.dim()).map(|j| ints.entry(n, j)).collect(),
            c: ints.den(n).clone(),
        })
        .collect()
}

/// Solves `min ‖w‖ s.t. z_n·w ≥ 1` for `norm` ∈ {ℓ1, ℓ∞} exactly, or returns a witness.
///
/// Every returned certificate has passed [`crate::cert::check`] and every witness
/// [`crate::cert::check_witness`].
///
/// ```
/// use implicit_bias::{data::generate::Generator, oracle::{lp, Norm, Outcome}};
/// use rug::Rational;
/// // Theory §9, R2: the ℓ1, ℓ2 and ℓ∞ solutions all equal (1/2, 1/2).
/// let data = Generator::R2.generate()?;
/// let Outcome::Separable(mm) = lp::solve(&data, Norm::L1)? else { unreachable!() };
/// assert_eq!(mm.cert.w, vec![Rational::from((1, 2)), Rational::from((1, 2))]);
/// assert_eq!(mm.cert.value, 1); // ‖ŵ‖₁ = 1, margin γ = 1
/// # Ok::<(), implicit_bias::Error>(())
/// ```
pub fn solve(data: &Dataset, norm: Norm) -> Result<Outcome> {
    if norm == Norm::L2 {
        return Err(Error::param(
            "norm",
            "the LP oracle solves l1 and linf; l2 is a quadratic program (oracle::l2)",
        ));
    }
    let ints = IntRows::new(data);
    // A zero vector z_n = 0 can never reach margin 1: the witness is e_n.
    if let Some(n) = (0..ints.len()).find(|&n| ints.is_zero_row(n)) {
        let mut alpha = vec![Rational::new(); ints.len()];
        alpha[n] = Rational::from(1);
        return witness(data, alpha);
    }
    // The float rows are z_n scaled by one power of two: the proposal (tight points, sign
    // pattern) does not depend on the scale, and the scale keeps them in range.
    let zf: Vec<Vec<f64>> = (0..ints.len()).map(|n| ints.zf_row(n).to_vec()).collect();
    let proposal = proposal::propose(&zf, norm);
    solve_from(data, norm, &ints, &zf, &proposal)
}

/// The exact part of [`solve`], given the float proposal (any proposal, even a wrong one,
/// gives the same exact answer; only the work differs).
fn solve_from(
    data: &Dataset,
    norm: Norm,
    ints: &IntRows,
    zf: &[Vec<f64>],
    proposal: &LpProposal,
) -> Result<Outcome> {
    let rows = rows_of(ints);
    if let LpProposal::Infeasible(a) = proposal {
        if let Some(alpha) = restricted_witness(&rows, norm, data.dim(), a)? {
            return witness(data, alpha);
        }
    }
    let shape = Shape {
        norm,
        n: rows.len(),
        d: data.dim(),
    };
    let lp = shape.lp(&rows);
    let order = shape.order(proposal, zf);
    let mut starts = Vec::new();
    if let LpProposal::Primal(w) = proposal {
        if w.len() == shape.d {
            starts.push(shape.warm(w, zf));
        }
    }
    starts.push(shape.cold());
    let mut chosen = None;
    for (cands, at_upper) in starts {
        let Ok(factor) = Factor::crash(&lp, &cands) else {
            continue;
        };
        let start = Start { factor, at_upper };
        if simplex::feasible(&lp, &start) {
            chosen = Some(start);
            break;
        }
    }
    let start = chosen.ok_or_else(|| {
        Error::Numerical("LP oracle: no feasible starting basis (internal defect)".into())
    })?;
    match simplex::solve(&lp, start, &order)? {
        End::Unbounded(ray) => {
            let alpha = rows
                .iter()
                .zip(&ray)
                .map(|(r, x)| Rational::from(x * &r.c))
                .collect();
            witness(data, alpha)
        }
        End::Optimal(vertex) => certificate(data, ints, &rows, shape, &vertex),
    }
}

/// Looks for a witness among the points the float auxiliary LP uses (`a_n > 0`): the dual
/// LP restricted to those columns, from the trivial basis. An unbounded ray there is a
/// witness for the whole data set (zero elsewhere); `None` when the restriction is bounded.
fn restricted_witness(
    rows: &[IntPoint],
    norm: Norm,
    d: usize,
    a: &[f64],
) -> Result<Option<Vec<Rational>>> {
    let big = a.iter().fold(0.0f64, |m, v| m.max(*v));
    if a.len() != rows.len() || big <= 0.0 || !big.is_finite() {
        return Ok(None);
    }
    let mut keep: Vec<usize> = (0..rows.len()).filter(|&i| a[i] > 1e-9 * big).collect();
    keep.sort_by(|&x, &y| a[y].total_cmp(&a[x]));
    let sub: Vec<IntPoint> = keep.iter().map(|&i| rows[i].clone()).collect();
    let shape = Shape {
        norm,
        n: sub.len(),
        d,
    };
    let lp = shape.lp(&sub);
    let (cands, at_upper) = shape.cold();
    let start = Start {
        factor: Factor::crash(&lp, &cands)?,
        at_upper,
    };
    match simplex::solve(&lp, start, &[])? {
        End::Unbounded(ray) => {
            let mut alpha = vec![Rational::new(); rows.len()];
            for (k, &i) in keep.iter().enumerate() {
                alpha[i] = Rational::from(&ray[k] * &rows[i].c);
            }
            Ok(Some(alpha))
        }
        End::Optimal(_) => Ok(None),
    }
}

/// Column layout of the dual LP in equality form.
///
/// * ℓ1: columns `α'_n` (`n < N`, column `v_n`, cost `c_n`; `α_n = c_n α'_n`) and
///   `g'_j = g_j + 1 ∈ [0, 2]` (column `−e_j`); rows `Σ α'_n v_n − g' = −1`, i.e.
///   `Σ α_n z_n = g ∈ [−1, 1]^d`. Multipliers `y = w`.
/// * ℓ∞: columns `α'_n` (column `(v_n, 0)`), `u_j` (`−e_j + e_d`), `v_j` (`e_j + e_d`),
///   `σ` (`e_d`); rows `Σ α_n z_n − u + v = 0`, `Σ u + Σ v + σ = 1`, all `≥ 0`, i.e.
///   `‖Σ α_n z_n‖₁ ≤ 1`. Multipliers `y = (w, s)` with `s = ‖w‖∞` at the optimum.
#[derive(Clone, Copy, Debug)]
struct Shape {
    norm: Norm,
    n: usize,
    d: usize,
}

impl Shape {
    fn lp(&self, rows: &[IntPoint]) -> Lp {
        let (n, d) = (self.n, self.d);
        let point = |r: &IntPoint| -> Vec<(usize, Integer)> {
            r.v.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_zero())
                .map(|(j, v)| (j, v.clone()))
                .collect()
        };
        let mut cols: Vec<Vec<(usize, Integer)>> = rows.iter().map(point).collect();
        let mut obj: Vec<Integer> = rows.iter().map(|r| r.c.clone()).collect();
        let mut upper: Vec<Option<Integer>> = vec![None; n];
        let one = || Integer::from(1);
        let minus = || Integer::from(-1);
        match self.norm {
            Norm::L1 => {
                for j in 0..d {
                    cols.push(vec![(j, minus())]);
                    obj.push(Integer::new());
                    upper.push(Some(Integer::from(2)));
                }
                Lp {
                    m: d,
                    cols,
                    obj,
                    upper,
                    rhs: vec![minus(); d],
                }
            }
            _ => {
                for j in 0..d {
                    cols.push(vec![(j, minus()), (d, one())]);
                }
                for j in 0..d {
                    cols.push(vec![(j, one()), (d, one())]);
                }
                cols.push(vec![(d, one())]);
                obj.resize(n + 2 * d + 1, Integer::new());
                upper.resize(n + 2 * d + 1, None);
                let mut rhs = vec![Integer::new(); d + 1];
                rhs[d] = one();
                Lp {
                    m: d + 1,
                    cols,
                    obj,
                    upper,
                    rhs,
                }
            }
        }
    }

    fn ncols(&self) -> usize {
        match self.norm {
            Norm::L1 => self.n + self.d,
            _ => self.n + 2 * self.d + 1,
        }
    }

    /// Bland order: the points, most promising first, then the bound columns.
    fn order(&self, proposal: &LpProposal, zf: &[Vec<f64>]) -> Vec<usize> {
        let mut points: Vec<usize> = (0..self.n).collect();
        match proposal {
            LpProposal::Primal(w) => {
                let slack: Vec<f64> = zf.iter().map(|zn| scalar::dot(zn, w, ()) - 1.0).collect();
                points.sort_by(|&a, &b| slack[a].total_cmp(&slack[b]));
            }
            LpProposal::Infeasible(a) if a.len() == self.n => {
                points.sort_by(|&x, &y| a[y].total_cmp(&a[x]));
            }
            _ => {}
        }
        points.extend(self.n..self.ncols());
        points
    }

    /// The basis the float solution suggests: the candidate columns in crash order, and
    /// which nonbasic columns sit at their upper bound.
    fn warm(&self, w: &[f64], zf: &[Vec<f64>]) -> (Vec<usize>, Vec<bool>) {
        let (n, d) = (self.n, self.d);
        let big = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut tight: Vec<(f64, usize)> = zf
            .iter()
            .enumerate()
            .filter_map(|(i, zn)| {
                let slack = scalar::dot(zn, w, ()) - 1.0;
                let scale: f64 = zn.iter().zip(w).map(|(a, b)| (a * b).abs()).sum();
                (slack <= 1e-7 * (1.0 + scale)).then_some((slack, i))
            })
            .collect();
        tight.sort_by(|a, b| a.0.total_cmp(&b.0));
        let tight = tight.into_iter().map(|(_, i)| i);
        let mut at_upper = vec![false; self.ncols()];
        let mut cands = Vec::new();
        match self.norm {
            Norm::L1 => {
                let nonzero = |j: usize| w[j].abs() > 1e-7 * big;
                cands.extend((0..d).filter(|&j| !nonzero(j)).map(|j| n + j));
                cands.extend(tight);
                cands.extend((0..d).filter(|&j| nonzero(j)).map(|j| n + j));
                for j in 0..d {
                    at_upper[n + j] = nonzero(j) && w[j] > 0.0;
                }
            }
            _ => {
                let at_plus = |j: usize| w[j] >= big * (1.0 - 1e-7);
                let at_minus = |j: usize| -w[j] >= big * (1.0 - 1e-7);
                cands.extend((0..d).filter(|&j| at_plus(j)).map(|j| n + j));
                cands.extend((0..d).filter(|&j| at_minus(j)).map(|j| n + d + j));
                cands.extend(tight);
                cands.push(n + 2 * d);
                cands.extend((0..d).map(|j| n + j));
                cands.extend((0..d).map(|j| n + d + j));
            }
        }
        (cands, at_upper)
    }

    /// The trivial feasible basis `α = 0`: ℓ1 all `g'_j` (= 1); ℓ∞ all `u_j` (= 0) and `σ = 1`.
    fn cold(&self) -> (Vec<usize>, Vec<bool>) {
        let (n, d) = (self.n, self.d);
        let cands = match self.norm {
            Norm::L1 => (n..n + d).collect(),
            _ => (n..n + d).chain([n + 2 * d]).collect(),
        };
        (cands, vec![false; self.ncols()])
    }
}

/// A witness from non-negative weights: scaled to coprime integers, then checked.
fn witness(data: &Dataset, alpha: Vec<Rational>) -> Result<Outcome> {
    let mut den = Integer::from(1);
    for a in &alpha {
        den.lcm_mut(a.denom());
    }
    let mut ints: Vec<Integer> = alpha
        .iter()
        .map(|a| a.numer() * Integer::from(&den / a.denom()))
        .collect();
    let mut g = Integer::new();
    for v in &ints {
        g.gcd_mut(v);
    }
    if !g.is_zero() {
        for v in &mut ints {
            v.div_exact_mut(&g);
        }
    }
    let w = Witness {
        alpha: ints.into_iter().map(Rational::from).collect(),
    };
    crate::cert::check_witness(data, &w).map_err(|v| {
        Error::Numerical(format!(
            "LP oracle: the non-separability witness fails the exact check ({v})"
        ))
    })?;
    Ok(Outcome::NotSeparable(w))
}

fn certificate(
    data: &Dataset,
    ints: &IntRows,
    rows: &[IntPoint],
    shape: Shape,
    vertex: &simplex::Vertex,
) -> Result<Outcome> {
    let (n, d) = (shape.n, shape.d);
    let w: Vec<Rational> = vertex.y.iter().take(d).cloned().collect();
    let alpha: Vec<Rational> = rows
        .iter()
        .zip(&vertex.x)
        .map(|(r, x)| Rational::from(x * &r.c))
        .collect();
    // Margins on a common denominator: z_n·w = (v_n·W) / (c_n D), w = W/D.
    let mut den = Integer::from(1);
    for v in &w {
        den.lcm_mut(v.denom());
    }
    let wn: Vec<Integer> = w
        .iter()
        .map(|v| v.numer() * Integer::from(&den / v.denom()))
        .collect();
    let mut support = Vec::new();
    let mut theta: Option<Rational> = None;
    for (i, r) in rows.iter().enumerate() {
        let s = ints.dot(i, &wn);
        let target = Integer::from(&r.c * &den);
        if s == target {
            support.push(i);
        } else {
            let m = Rational::from((s, target));
            if theta.as_ref().map_or(true, |t| m < *t) {
                theta = Some(m);
            }
        }
    }
    let value = match shape.norm {
        Norm::L1 => w
            .iter()
            .fold(Rational::new(), |s, v| s + Rational::from(v.abs_ref())),
        _ => w.iter().fold(Rational::new(), |m, v| {
            let a = Rational::from(v.abs_ref());
            if a > m {
                a
            } else {
                m
            }
        }),
    };
    let cert = Certificate {
        norm: shape.norm,
        w,
        alpha,
        support,
        value,
    };
    crate::cert::check(data, &cert).map_err(|v| {
        Error::Numerical(format!(
            "LP oracle: the {} certificate fails the exact check ({v})",
            shape.norm.name()
        ))
    })?;
    let unique = vertex.nondegenerate || is_unique(rows, shape, &cert)?;
    debug_assert_eq!(cert.alpha.len(), n);
    Ok(Outcome::Separable(Box::new(MaxMargin {
        cert,
        unique,
        degenerate: None,
        spans: None,
        theta,
    })))
}

/// Decides exactly whether the optimal `ŵ` is unique, from a checked certificate.
///
/// `ŵ` is unique iff the cone of directions `δ` that keep optimality to first order is
/// `{0}`. For ℓ1 that cone is `{δ : z_n·δ ≥ 0 (n ∈ S), Σ_{ŵ_j≠0} sign(ŵ_j) δ_j +
/// Σ_{ŵ_j=0} |δ_j| ≤ 0}`; for ℓ∞ it is `{δ : z_n·δ ≥ 0 (n ∈ S), sign(ŵ_j) δ_j ≤ 0 for
/// |ŵ_j| = ‖ŵ‖∞}`. With `g = Σ α_n z_n` from the certificate every inequality that `α`
/// or `g` weights strictly turns into an equality, so the cone is
/// `K = {δ : E δ = 0, M δ ≥ 0}` with
///
/// * ℓ1: `E` = `{z_n : α_n > 0} ∪ {e_j : ŵ_j = 0, |g_j| < 1}`,
///   `M` = `{z_n : n ∈ S, α_n = 0} ∪ {sign(g_j) e_j : ŵ_j = 0, |g_j| = 1}`;
/// * ℓ∞: `E` = `{z_n : α_n > 0} ∪ {e_j : |ŵ_j| = ‖ŵ‖∞, g_j ≠ 0}`,
///   `M` = `{z_n : n ∈ S, α_n = 0} ∪ {−sign(ŵ_j) e_j : |ŵ_j| = ‖ŵ‖∞, g_j = 0}`.
///
/// `K = {0}` iff `rank [E; M] = d` and (Stiemke/Tucker alternative) some `μ > 0`, `ν` have
/// `Mᵀμ + Eᵀν = 0`; the latter is a feasibility LP solved by the same exact simplex.
/// (When the optimal basis is nondegenerate the caller skips all this: complementary
/// slackness then pins `ŵ` to the basis equations.)
fn is_unique(rows: &[IntPoint], shape: Shape, cert: &Certificate) -> Result<bool> {
    let d = shape.d;
    let mut g = vec![Rational::new(); d];
    for (r, a) in rows.iter().zip(&cert.alpha) {
        if *a == 0 {
            continue;
        }
        let f = Rational::from(a / &r.c);
        for (gj, vj) in g.iter_mut().zip(&r.v) {
            *gj += Rational::from(&f * vj);
        }
    }
    let mut e_rows: Vec<Vec<Integer>> = Vec::new();
    let mut e_units: Vec<usize> = Vec::new();
    let mut m_rows: Vec<Vec<Integer>> = Vec::new();
    let mut m_units: Vec<(usize, i32)> = Vec::new();
    let on_margin = {
        let mut s = vec![false; rows.len()];
        for &i in &cert.support {
            s[i] = true;
        }
        s
    };
    for (i, (r, a)) in rows.iter().zip(&cert.alpha).enumerate() {
        if *a > 0 {
            e_rows.push(r.v.clone());
        } else if on_margin[i] {
            m_rows.push(r.v.clone());
        }
    }
    match shape.norm {
        Norm::L1 => {
            for (j, (wj, gj)) in cert.w.iter().zip(&g).enumerate() {
                if *wj != 0 {
                    continue;
                }
                if Rational::from(gj.abs_ref()) < 1 {
                    e_units.push(j);
                } else {
                    m_units.push((j, if *gj > 0 { 1 } else { -1 }));
                }
            }
        }
        _ => {
            for (j, (wj, gj)) in cert.w.iter().zip(&g).enumerate() {
                if Rational::from(wj.abs_ref()) != cert.value {
                    continue;
                }
                if *gj != 0 {
                    e_units.push(j);
                } else {
                    m_units.push((j, if *wj > 0 { -1 } else { 1 }));
                }
            }
        }
    }
    let unit = |j: usize, s: i32| -> Vec<Integer> {
        let mut v = vec![Integer::new(); d];
        v[j] = Integer::from(s);
        v
    };
    // rank E = |units| + rank of the point rows without the unit coordinates.
    let keep: Vec<usize> = (0..d).filter(|j| !e_units.contains(j)).collect();
    let restricted = |rs: &[Vec<Integer>]| -> Vec<Vec<Rational>> {
        rs.iter()
            .map(|r| keep.iter().map(|&j| Rational::from(&r[j])).collect())
            .collect()
    };
    if e_units.len() + linalg::rank(restricted(&e_rows)) == d {
        return Ok(true);
    }
    if m_rows.is_empty() && m_units.is_empty() {
        return Ok(false);
    }
    let mut all_m = m_rows;
    all_m.extend(m_units.iter().map(|&(j, s)| unit(j, s)));
    let mut all_e = e_rows;
    all_e.extend(e_units.iter().map(|&j| unit(j, 1)));
    let mut stacked = restricted(&all_e);
    stacked.extend(restricted(&all_m));
    let full: usize = e_units.len() + linalg::rank(stacked);
    if full < d {
        return Ok(false);
    }
    stiemke(&all_e, &all_m, d)
}

/// Whether some `μ > 0` and `ν` satisfy `Mᵀμ + Eᵀν = 0`: by scaling, `μ = 1 + μ'` with
/// `μ' ≥ 0`, `ν = ν⁺ − ν⁻`, so `Mᵀμ' + Eᵀν⁺ − Eᵀν⁻ = −Mᵀ1`; phase 1 with one artificial
/// per row, feasible iff the artificials can all reach 0.
fn stiemke(e: &[Vec<Integer>], m: &[Vec<Integer>], d: usize) -> Result<bool> {
    let sparse = |v: &[Integer], s: i32| -> Vec<(usize, Integer)> {
        v.iter()
            .enumerate()
            .filter(|(_, x)| !x.is_zero())
            .map(|(j, x)| (j, Integer::from(x * s)))
            .collect()
    };
    let mut rhs = vec![Integer::new(); d];
    for r in m {
        for (b, x) in rhs.iter_mut().zip(r) {
            *b -= x;
        }
    }
    let mut cols: Vec<Vec<(usize, Integer)>> = m.iter().map(|r| sparse(r, 1)).collect();
    cols.extend(e.iter().map(|r| sparse(r, 1)));
    cols.extend(e.iter().map(|r| sparse(r, -1)));
    let first_art = cols.len();
    for (j, b) in rhs.iter().enumerate() {
        cols.push(vec![(
            j,
            Integer::from(if b.is_negative() { -1 } else { 1 }),
        )]);
    }
    let ncols = cols.len();
    let mut obj = vec![Integer::new(); ncols];
    for o in obj.iter_mut().skip(first_art) {
        *o = Integer::from(-1);
    }
    let lp = Lp {
        m: d,
        cols,
        obj,
        upper: vec![None; ncols],
        rhs,
    };
    let arts: Vec<usize> = (first_art..ncols).collect();
    let start = Start {
        factor: Factor::crash(&lp, &arts)?,
        at_upper: vec![false; ncols],
    };
    match simplex::solve(&lp, start, &[])? {
        End::Optimal(v) => Ok(v.x[first_art..].iter().all(|x| *x == 0)),
        End::Unbounded(_) => Err(Error::Numerical(
            "LP oracle: the uniqueness test LP is bounded by 0 but was reported unbounded".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate::SplitMix64;

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    fn set(points: &[[i64; 2]]) -> Dataset {
        let x = points
            .iter()
            .map(|p| p.iter().map(|&v| q(v, 1)).collect())
            .collect();
        Dataset::new(x, vec![1; points.len()]).unwrap()
    }

    fn cert(norm: Norm, w: [i64; 2], alpha: &[i64], support: &[usize], value: i64) -> Certificate {
        Certificate {
            norm,
            w: w.iter().map(|&v| q(v, 1)).collect(),
            alpha: alpha.iter().map(|&v| q(v, 1)).collect(),
            support: support.to_vec(),
            value: q(value, 1),
        }
    }

    fn decide(data: &Dataset, c: &Certificate) -> bool {
        assert_eq!(crate::cert::check(data, c), Ok(()));
        let shape = Shape {
            norm: c.norm,
            n: data.len(),
            d: data.dim(),
        };
        is_unique(&rows_of(&IntRows::new(data)), shape, c).unwrap()
    }

    /// One hand-made certificate per branch of the cone test.
    #[test]
    fn uniqueness_cone_test_branches() {
        // ℓ1, z1 = (1, 0), z2 = (1, 1), ŵ = (1, 0) (unique: w1 ≥ 1 and ‖w‖₁ ≥ |w1|).
        // α = (1, 0): g = (1, 0); E = {z1, e2} has rank 2 ⇒ unique by rank.
        let d = set(&[[1, 0], [1, 1]]);
        assert!(decide(&d, &cert(Norm::L1, [1, 0], &[1, 0], &[0, 1], 1)));
        // α = (0, 1): g = (1, 1); E = {z2} (rank 1), M = {z1, e2}: rank [E; M] = 2 and
        // μ = (1, 1), ν = −1 give z1 + e2 − z2 = 0 ⇒ unique through the Stiemke LP.
        assert!(decide(&d, &cert(Norm::L1, [1, 0], &[0, 1], &[0, 1], 1)));
        // ℓ1, z1 = (4, 1), z2 = (1, 1), ŵ = (1, 0), α = (0, 1), g = (1, 1): E = {z2},
        // M = {e2}; μ e2 + ν (1, 1) = 0 forces ν = 0, μ = 0 ⇒ not unique (the optimal set is
        // the segment (t, 1 − t), 0 ≤ t ≤ 1).
        let d = set(&[[4, 1], [1, 1]]);
        assert!(!decide(&d, &cert(Norm::L1, [1, 0], &[0, 1], &[1], 1)));
        // ℓ∞, the single point z = (1, 0), ŵ = (1, 0), α = 1, g = (1, 0): E = {z1, e1}
        // (rank 1), M empty ⇒ not unique ((1, t) is optimal for |t| ≤ 1).
        let d = set(&[[1, 0]]);
        assert!(!decide(&d, &cert(Norm::LInf, [1, 0], &[1], &[0], 1)));
    }

    /// The exact answer does not depend on the float proposal: no proposal (cold start),
    /// a wrong primal and a wrong witness support give the same outcome, and the same
    /// optimal value, as the float-guided solve. Labels are random, so both separable and
    /// non-separable sets occur (every witness is checked inside `witness`).
    #[test]
    fn any_proposal_gives_the_same_exact_answer() {
        let mut rng = SplitMix64::new(11);
        let mut kinds = [0usize; 2];
        for _ in 0..40 {
            let d = 1 + rng.range(0, 3) as usize;
            let n = 1 + rng.range(0, 9) as usize;
            let x: Vec<Vec<Rational>> = (0..n)
                .map(|_| (0..d).map(|_| q(rng.range(-4, 4), 1)).collect())
                .collect();
            let y: Vec<i8> = (0..n)
                .map(|_| if rng.range(0, 1) == 0 { 1 } else { -1 })
                .collect();
            let data = Dataset::new(x, y).unwrap();
            let ints = IntRows::new(&data);
            let zf: Vec<Vec<f64>> = (0..n).map(|i| ints.zf_row(i).to_vec()).collect();
            for norm in [Norm::L1, Norm::LInf] {
                let value = |p: &LpProposal| match solve_from(&data, norm, &ints, &zf, p).unwrap() {
                    Outcome::Separable(m) => Some(m.cert.value),
                    Outcome::NotSeparable(_) => None,
                };
                let guided = value(&proposal::propose(&zf, norm));
                kinds[usize::from(guided.is_some())] += 1;
                let mut one = vec![0.0; n];
                one[0] = 1.0;
                assert_eq!(value(&LpProposal::Nothing), guided);
                assert_eq!(value(&LpProposal::Primal(vec![-1.0; d])), guided);
                assert_eq!(value(&LpProposal::Infeasible(vec![1.0; n])), guided);
                assert_eq!(value(&LpProposal::Infeasible(one)), guided);
            }
        }
        // Both outcomes were exercised.
        assert!(kinds[0] > 0 && kinds[1] > 0, "{kinds:?}");
    }
}
