//! An exact bounded-variable revised simplex method over integer data.
//!
//! Problem: maximize `cᵀx` subject to `A x = b`, `0 ≤ x_k ≤ u_k` (`u_k` may be `+∞`), with
//! `A`, `b`, `c`, `u` integer. The basis inverse is kept *fraction-free*: `B⁻¹ = W/δ` with
//! `W` an integer matrix (±the adjugate of `B`) and `δ = ±det B > 0`. A pivot replaces the
//! column at position `r` by column `q` with `h = W a_q`:
//!
//! ```text
//! W'_r = W_r,   W'_i = (h_r W_i − h_i W_r) / δ  (exact division, i ≠ r),   δ' = h_r
//! ```
//!
//! (the integer-preserving update of Edmonds and Bareiss), so every entry stays a minor of
//! the constraint matrix: no fractions, no gcds, and bounded growth. Basic values are
//! `x_B = W (b − Σ_{k at upper} u_k a_k) / δ`, simplex multipliers `y = Wᵀ c_B / δ`.
//!
//! Pricing is Bland's rule over a caller-given order of the columns (the caller puts the
//! columns a floating-point solve suggests first), which cannot cycle; ties in the ratio
//! test go to the leaving column earliest in the same order.
//!
//! The one exact simplex of the oracle: the ℓ1 / ℓ∞ LP oracle ([`super::lp`]) solves its
//! dual with it, and the ℓ2 oracle's face enumeration (`face.rs`) its small LPs
//! `max α_j` over the KKT polytope (warm-started from one another through [`solve_warm`]).

use crate::error::{Error, Result};
use rug::{Integer, Rational};
use std::cmp::Ordering;

/// A linear program in the form above. Columns are sparse: `(row, coefficient)` pairs.
#[derive(Clone, Debug)]
pub(crate) struct Lp {
    /// Number of equality rows.
    pub(crate) m: usize,
    /// The columns `a_k`.
    pub(crate) cols: Vec<Vec<(usize, Integer)>>,
    /// Objective coefficients (maximized).
    pub(crate) obj: Vec<Integer>,
    /// Upper bounds (`None` = `+∞`); every lower bound is 0.
    pub(crate) upper: Vec<Option<Integer>>,
    /// Right-hand side `b`.
    pub(crate) rhs: Vec<Integer>,
}

/// Where a solve ends.
#[derive(Clone, Debug)]
pub(crate) enum End {
    /// An optimal basic solution.
    Optimal(Vertex),
    /// The objective is unbounded along `ray` (`A ray = 0`, `ray ≥ 0` on the columns that
    /// move, `cᵀ ray > 0`), one entry per column.
    Unbounded(Vec<Rational>),
}

/// An optimal basic solution with its multipliers.
#[derive(Clone, Debug)]
pub(crate) struct Vertex {
    /// Primal values, one per column.
    pub(crate) x: Vec<Rational>,
    /// Simplex multipliers `y` (one per row): `yᵀ a_k ≥ c_k` at lower bound, `≤` at upper.
    pub(crate) y: Vec<Rational>,
    /// Every basic variable lies strictly between its bounds.
    pub(crate) nondegenerate: bool,
}

/// The basis and its fraction-free inverse.
#[derive(Clone, Debug)]
pub(crate) struct Factor {
    /// Column at each basis position; `None` is a unit column not in the LP (crash only).
    basis: Vec<Option<usize>>,
    /// `B⁻¹ = w / delta`, row-major.
    w: Vec<Vec<Integer>>,
    /// `delta > 0`.
    delta: Integer,
}

impl Factor {
    /// The identity basis of unit columns outside the LP.
    fn unit(m: usize) -> Factor {
        let w = (0..m)
            .map(|i| (0..m).map(|j| Integer::from(u8::from(i == j))).collect())
            .collect();
        Factor {
            basis: vec![None; m],
            w,
            delta: Integer::from(1),
        }
    }

    /// `h = W a` for a sparse column `a`.
    fn apply(&self, col: &[(usize, Integer)]) -> Vec<Integer> {
        self.w
            .iter()
            .map(|row| {
                let mut s = Integer::new();
                for (k, a) in col {
                    s += &row[*k] * a;
                }
                s
            })
            .collect()
    }

    /// Replaces position `r` by column `q`, given `h = W a_q` with `h[r] ≠ 0`.
    fn pivot(&mut self, r: usize, q: usize, h: &[Integer]) {
        let hr = h[r].clone();
        let wr = self.w[r].clone();
        for (i, row) in self.w.iter_mut().enumerate() {
            if i == r {
                continue;
            }
            for (wij, wrj) in row.iter_mut().zip(&wr) {
                *wij *= &hr;
                *wij -= &h[i] * wrj;
                wij.div_exact_mut(&self.delta);
            }
        }
        self.delta = hr;
        if self.delta.is_negative() {
            self.delta = -std::mem::take(&mut self.delta);
            for row in &mut self.w {
                for v in row.iter_mut() {
                    *v = -std::mem::take(v);
                }
            }
        }
        self.basis[r] = Some(q);
    }

    /// Greedy crash: takes `cands` in order and pivots each into a position still held by a
    /// unit column when it is independent of the columns already in. The result is the
    /// first maximal independent subset of `cands`; an error when it does not span.
    pub(crate) fn crash(lp: &Lp, cands: &[usize]) -> Result<Factor> {
        let mut f = Factor::unit(lp.m);
        let mut left = lp.m;
        for &q in cands {
            if left == 0 {
                break;
            }
            if f.basis.contains(&Some(q)) {
                continue;
            }
            let h = f.apply(&lp.cols[q]);
            let r = (0..lp.m).find(|&r| f.basis[r].is_none() && !h[r].is_zero());
            if let Some(r) = r {
                f.pivot(r, q, &h);
                left -= 1;
            }
        }
        if left > 0 {
            return Err(Error::Numerical(
                "exact simplex: the starting columns do not span the constraint space".into(),
            ));
        }
        Ok(f)
    }

    fn col(&self, r: usize) -> usize {
        // Every position is filled after a successful crash.
        self.basis[r].unwrap_or(usize::MAX)
    }
}

/// A starting point: a nonsingular basis and which nonbasic columns sit at their upper bound.
#[derive(Clone, Debug)]
pub(crate) struct Start {
    /// The factored basis (from [`Factor::crash`]).
    pub(crate) factor: Factor,
    /// `at_upper[k]`: nonbasic column `k` is at `u_k` (ignored for basic columns).
    pub(crate) at_upper: Vec<bool>,
}

/// The state of a run.
struct Run<'a> {
    lp: &'a Lp,
    f: Factor,
    at_upper: Vec<bool>,
    is_basic: Vec<bool>,
    rank: Vec<usize>,
}

impl Run<'_> {
    /// `r = b − Σ_{nonbasic at upper} u_k a_k`.
    fn reduced_rhs(&self) -> Vec<Integer> {
        let mut r = self.lp.rhs.clone();
        for (k, col) in self.lp.cols.iter().enumerate() {
            if self.is_basic[k] || !self.at_upper[k] {
                continue;
            }
            if let Some(u) = &self.lp.upper[k] {
                for (i, a) in col {
                    r[*i] -= u * a;
                }
            }
        }
        r
    }

    /// Numerators `X` of the basic values `x_B = X/δ`.
    fn basic_values(&self) -> Vec<Integer> {
        let r = self.reduced_rhs();
        self.f
            .w
            .iter()
            .map(|row| {
                let mut s = Integer::new();
                for (a, b) in row.iter().zip(&r) {
                    s += a * b;
                }
                s
            })
            .collect()
    }

    /// Numerators `Y` of the multipliers `y = Y/δ`.
    fn multipliers(&self) -> Vec<Integer> {
        let m = self.lp.m;
        let mut y = vec![Integer::new(); m];
        for (i, row) in self.f.w.iter().enumerate() {
            let c = &self.lp.obj[self.f.col(i)];
            if c.is_zero() {
                continue;
            }
            for (yj, wij) in y.iter_mut().zip(row) {
                *yj += c * wij;
            }
        }
        y
    }

    /// `δ · d_k = c_k δ − Yᵀ a_k` (same sign as the reduced cost `d_k`).
    fn reduced_cost(&self, k: usize, y: &[Integer]) -> Integer {
        let mut s = Integer::from(&self.lp.obj[k] * &self.f.delta);
        for (i, a) in &self.lp.cols[k] {
            s -= &y[*i] * a;
        }
        s
    }

    fn within_bounds(&self, x: &[Integer]) -> bool {
        x.iter().enumerate().all(|(i, xi)| {
            !xi.is_negative()
                && match &self.lp.upper[self.f.col(i)] {
                    None => true,
                    Some(u) => *xi <= Integer::from(u * &self.f.delta),
                }
        })
    }
}

/// Whether the start is primal feasible (all basic values within their bounds).
pub(crate) fn feasible(lp: &Lp, start: &Start) -> bool {
    let run = Run::new(lp, start.clone(), &(0..lp.cols.len()).collect::<Vec<_>>());
    run.within_bounds(&run.basic_values())
}

impl<'a> Run<'a> {
    fn new(lp: &'a Lp, start: Start, order: &[usize]) -> Run<'a> {
        let n = lp.cols.len();
        let mut is_basic = vec![false; n];
        for q in start.factor.basis.iter().flatten() {
            is_basic[*q] = true;
        }
        let mut rank = vec![usize::MAX; n];
        for (i, &k) in order.iter().enumerate() {
            rank[k] = i;
        }
        // Columns the order omits come last, by index.
        let mut next = order.len();
        for r in rank.iter_mut() {
            if *r == usize::MAX {
                *r = next;
                next += 1;
            }
        }
        Run {
            lp,
            f: start.factor,
            at_upper: start.at_upper,
            is_basic,
            rank,
        }
    }
}

/// Runs the primal simplex from a feasible start. `order` ranks the columns for Bland's
/// rule (columns it omits come after, by index).
pub(crate) fn solve(lp: &Lp, mut start: Start, order: &[usize]) -> Result<End> {
    // Bland's rule terminates; the cap only guards against a defect turning into a hang.
    let cap = 50 * (lp.cols.len() + lp.m) + 1000;
    solve_warm(lp, &mut start, order, cap)?
        .ok_or_else(|| Error::Numerical(format!("exact simplex: no answer after {cap} iterations")))
}

/// [`solve`] with an iteration cap of the caller's (`None` when it is reached) that leaves
/// the final basis in `start`, so that the next solve on the same constraints (another
/// objective) starts from it.
pub(crate) fn solve_warm(
    lp: &Lp,
    start: &mut Start,
    order: &[usize],
    cap: usize,
) -> Result<Option<End>> {
    let placeholder = Start {
        factor: Factor::unit(0),
        at_upper: Vec::new(),
    };
    let mut run = Run::new(lp, std::mem::replace(start, placeholder), order);
    let end = iterate(&mut run, cap);
    *start = Start {
        factor: run.f,
        at_upper: run.at_upper,
    };
    end
}

/// The simplex iterations of [`solve_warm`].
fn iterate(run: &mut Run<'_>, cap: usize) -> Result<Option<End>> {
    let lp = run.lp;
    let n = lp.cols.len();
    let m = lp.m;
    let mut by_rank: Vec<usize> = (0..n).collect();
    by_rank.sort_by_key(|&k| run.rank[k]);
    if !run.within_bounds(&run.basic_values()) {
        return Err(Error::Numerical(
            "exact simplex: the starting basis is not feasible".into(),
        ));
    }
    for _ in 0..cap {
        let y = run.multipliers();
        // Entering column: first eligible in the order.
        let mut entering = None;
        for &k in &by_rank {
            if run.is_basic[k] {
                continue;
            }
            let d = run.reduced_cost(k, &y);
            let up = run.at_upper[k] && lp.upper[k].is_some();
            if (!up && d.is_positive()) || (up && d.is_negative()) {
                entering = Some((k, up));
                break;
            }
        }
        let Some((q, up)) = entering else {
            return Ok(Some(End::Optimal(run.vertex(&y))));
        };
        let h = run.f.apply(&lp.cols[q]);
        let x = run.basic_values();
        // Moving x_q by t (up: decreasing) changes x_B by −t·s·h/δ with s = ±1.
        let s: i32 = if up { -1 } else { 1 };
        // Candidate step lengths t as exact rationals; the leaving choice follows Bland.
        let mut best: Option<(Rational, Leave)> = lp.upper[q]
            .as_ref()
            .map(|u| (Rational::from(u), Leave::Flip));
        for i in 0..m {
            let rate = Integer::from(&h[i] * s);
            let t = if rate.is_positive() {
                Rational::from((x[i].clone(), rate.clone()))
            } else if rate.is_negative() {
                match &lp.upper[run.f.col(i)] {
                    None => continue,
                    Some(u) => {
                        let room = Integer::from(u * &run.f.delta) - &x[i];
                        Rational::from((room, -rate.clone()))
                    }
                }
            } else {
                continue;
            };
            let to_upper = rate.is_negative();
            let better = match &best {
                None => true,
                Some((bt, leave)) => match t.cmp(bt) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal => match leave {
                        Leave::Flip => false,
                        Leave::Basic { pos, .. } => {
                            run.rank[run.f.col(i)] < run.rank[run.f.col(*pos)]
                        }
                    },
                },
            };
            if better {
                best = Some((t, Leave::Basic { pos: i, to_upper }));
            }
        }
        match best {
            None => return Ok(Some(End::Unbounded(run.ray(q, s, &h)))),
            Some((_, Leave::Flip)) => {
                run.at_upper[q] = !up;
            }
            Some((_, Leave::Basic { pos, to_upper })) => {
                let out = run.f.col(pos);
                run.f.pivot(pos, q, &h);
                run.is_basic[out] = false;
                run.is_basic[q] = true;
                run.at_upper[out] = to_upper;
                run.at_upper[q] = false;
            }
        }
    }
    Ok(None)
}

#[derive(Clone, Copy, Debug)]
enum Leave {
    Flip,
    Basic { pos: usize, to_upper: bool },
}

impl Run<'_> {
    fn vertex(&self, y: &[Integer]) -> Vertex {
        let n = self.lp.cols.len();
        let mut x: Vec<Rational> = (0..n)
            .map(|k| match (&self.lp.upper[k], self.at_upper[k]) {
                (Some(u), true) => Rational::from(u),
                _ => Rational::new(),
            })
            .collect();
        let xb = self.basic_values();
        let mut nondegenerate = true;
        for (i, xi) in xb.into_iter().enumerate() {
            let k = self.f.col(i);
            let v = Rational::from((xi, self.f.delta.clone()));
            if v == 0 || self.lp.upper[k].as_ref().is_some_and(|u| v == *u) {
                nondegenerate = false;
            }
            x[k] = v;
        }
        let y = y
            .iter()
            .map(|v| Rational::from((v.clone(), self.f.delta.clone())))
            .collect();
        Vertex {
            x,
            y,
            nondegenerate,
        }
    }

    fn ray(&self, q: usize, s: i32, h: &[Integer]) -> Vec<Rational> {
        let mut r = vec![Rational::new(); self.lp.cols.len()];
        r[q] = Rational::from(s);
        for (i, hi) in h.iter().enumerate() {
            let v = Integer::from(hi * -s);
            r[self.f.col(i)] = Rational::from((v, self.f.delta.clone()));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: i64) -> Integer {
        Integer::from(v)
    }

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    /// max x1 + x2 s.t. x1 + 2 x2 + s1 = 4, 3 x1 + x2 + s2 = 6, x ≥ 0: the vertex where both
    /// rows are tight, x = (8/5, 6/5), value 14/5, multipliers y = (2/5, 1/5)
    /// (yᵀ[1 3; 2 1] = (1, 1) ⇒ y1 + 3 y2 = 1, 2 y1 + y2 = 1).
    #[test]
    fn textbook_lp() {
        let lp = Lp {
            m: 2,
            cols: vec![
                vec![(0, int(1)), (1, int(3))],
                vec![(0, int(2)), (1, int(1))],
                vec![(0, int(1))],
                vec![(1, int(1))],
            ],
            obj: vec![int(1), int(1), int(0), int(0)],
            upper: vec![None; 4],
            rhs: vec![int(4), int(6)],
        };
        let factor = Factor::crash(&lp, &[2, 3]).unwrap();
        let start = Start {
            factor,
            at_upper: vec![false; 4],
        };
        let End::Optimal(v) = solve(&lp, start, &[0, 1, 2, 3]).unwrap() else {
            panic!("bounded LP reported unbounded");
        };
        assert_eq!(v.x, vec![q(8, 5), q(6, 5), q(0, 1), q(0, 1)]);
        assert_eq!(v.y, vec![q(2, 5), q(1, 5)]);
        assert!(v.nondegenerate);
    }

    /// Upper bounds: max x1 + x2 s.t. x1 − x2 + s = 0 (s ≥ 0), 0 ≤ x1, x2 ≤ 1: x1 ≤ x2, so
    /// the optimum is x = (1, 1), value 2.
    /// Unbounded: max x1 − 5 x3 s.t. x1 − x2 + x3 = 1, 0 ≤ x3 ≤ 1: x1 = 1 + x2 − x3 grows
    /// without limit along the ray (x1, x2, x3) = (1, 1, 0).
    #[test]
    fn bounds_and_rays() {
        let lp = Lp {
            m: 1,
            cols: vec![vec![(0, int(1))], vec![(0, int(-1))], vec![(0, int(1))]],
            obj: vec![int(1), int(1), int(0)],
            upper: vec![Some(int(1)), Some(int(1)), None],
            rhs: vec![int(0)],
        };
        let start = Start {
            factor: Factor::crash(&lp, &[2]).unwrap(),
            at_upper: vec![false; 3],
        };
        let End::Optimal(v) = solve(&lp, start, &[]).unwrap() else {
            panic!("bounded LP reported unbounded");
        };
        assert_eq!(v.x, vec![q(1, 1), q(1, 1), q(0, 1)]);
        let lp = Lp {
            m: 1,
            cols: vec![vec![(0, int(1))], vec![(0, int(-1))], vec![(0, int(1))]],
            obj: vec![int(1), int(0), int(-5)],
            upper: vec![None, None, Some(int(1))],
            rhs: vec![int(1)],
        };
        let start = Start {
            factor: Factor::crash(&lp, &[2]).unwrap(),
            at_upper: vec![false; 3],
        };
        let End::Unbounded(r) = solve(&lp, start, &[]).unwrap() else {
            panic!("unbounded LP reported optimal");
        };
        assert_eq!(r, vec![q(1, 1), q(1, 1), q(0, 1)]);
    }
}
