//! The a-priori rounding bound of one double-double GD step on the exponential loss
//! (docs/theory/certify.md, "The a-priori bound for double-double").
//!
//! The step the runner takes (`GradientDescent::new`, `Objective::neg_gradient` over
//! [`Dd`](crate::scalar::Dd)) is: margins `û = Ẑŵ` (compensated dot products), weights
//! `q̂_n = exp(−û_n)`, gradient `ĝ = Ẑᵀq̂` (compensated dot products), and
//! `w_j ← w_j + η̂·ĝ_j` (`mul_add_assign`), with `Ẑ` and `η̂` the data and the step rounded
//! once into double-double. [`StepBound::delta`] bounds `‖w(t+1) − G(w(t))‖₂` from the
//! magnitudes of `ŵ`, `q̂` and `ĝ` alone (read from the state after the step), with the
//! per-operation constants proven in the docs, evaluated in f64 with every operation
//! rounded upward ([`up`]). It also returns the upper bounds `q̄_n ≥ e^{−z_n·ŵ}` of the
//! exact weights that the Lipschitz bound needs. Where a hypothesis of the proof cannot be
//! checked on the step (an unnormalized double-double, a margin error out of range), it
//! returns `None` and the certifier encloses that step in interval arithmetic instead.

use rug::float::Round;
use rug::{Float, Rational};

/// `u = 2^−53`, the unit roundoff of f64.
pub const U: f64 = 1.110_223_024_625_156_5e-16;
/// `u²`.
pub(crate) const U2: f64 = U * U;

/// The proven relative error of `Dd::exp` (and of the batch `exp_lanes`) on the results the
/// objective accepts (`≥ Dd::MIN_POSITIVE`): `|exp(x) − e^x| ≤ EXP_REL·e^x`, `8u²`
/// (docs/theory/certify.md, "The exponential": the proof gives `6.7u²`).
pub const EXP_REL: f64 = 8.0 * U2;

/// The constant `c_n` of the compensated dot product of `n` double-double terms
/// (`Dot2`, `mat_vec`, `mat_t_vec`): `|computed − Σ a_k b_k| ≤ c_n u² Σ|a_k,hi b_k,hi|`,
/// `c_n = n² + 7n + 20` (docs, "The dot products"; for `n ≤ 2^20`).
pub(crate) fn dot_constant(n: usize) -> f64 {
    let n = n as f64;
    n * n + 7.0 * n + 20.0
}

/// The constants of `mul_add_assign`: `|computed − (w + ab)| ≤ u²(AXPY_W·|w_hi| +
/// AXPY_P·|a_hi b_hi|)` (docs, "The multiply-add").
pub(crate) const AXPY_W: f64 = 10.0;
/// See [`AXPY_W`].
pub(crate) const AXPY_P: f64 = 30.0;

/// The successor of `x ≥ 0` (`+∞` and NaN unchanged): if `x` is the round-to-nearest
/// result of an exact value `v ≥ 0`, then `v ≤ up(x)` (the exact value lies within half a
/// unit of `x`, and the successor is a whole unit above it, in the subnormals too).
///
/// Branch-free (so that loops of it vectorize): `+∞` becomes a NaN, and every result of the
/// bound is checked to be finite. A NaN stays a NaN (arithmetic NaNs have a zero low
/// payload, so adding 1 to their bits keeps them NaN).
#[inline(always)]
pub fn up(x: f64) -> f64 {
    // x ≥ 0 here (every operand is a bound ≥ 0); `+ 0.0` turns −0 into +0, whose successor
    // is the smallest subnormal
    f64::from_bits((x + 0.0).to_bits().wrapping_add(1))
}

#[inline(always)]
fn add_up(a: f64, b: f64) -> f64 {
    up(a + b)
}

#[inline(always)]
fn mul_up(a: f64, b: f64) -> f64 {
    up(a * b)
}

/// An upper bound of the magnitude of the double-double `hi + lo`.
#[inline(always)]
fn mag(hi: f64, lo: f64) -> f64 {
    add_up(hi.abs(), lo.abs())
}

/// Whether `hi + lo` is normalized: `|lo| ≤ u|hi|` (what the error bounds of the
/// double-double operations assume of their inputs).
#[inline(always)]
fn normalized(hi: f64, lo: f64) -> bool {
    hi.is_finite() && lo.abs() <= hi.abs() * U
}

/// `x` rounded up to f64 (`x ≥ 0`).
fn f64_up(x: &Rational) -> f64 {
    Float::with_val_round(53, x, Round::Up).0.to_f64()
}

/// The data of the bound that do not change along the run, all upper bounds in f64.
#[derive(Clone, Debug)]
pub struct StepBound {
    n: usize,
    d: usize,
    /// `c_d u² |ẑ_nj| + ε_nj` (margins: dot error and data rounding), column-major (index
    /// `j·N + n`, so that one pass over a column serves every point).
    margin_coef: Vec<f64>,
    /// `c_N u² |ẑ_nj| + ε_nj + ρ₀ (|ẑ_nj| + ε_nj)` (gradient: dot error, data rounding,
    /// and the exponential's error `ρ₀ = EXP_REL (1 + 2u)`).
    grad_coef: Vec<f64>,
    /// `τ (|ẑ_nj| + ε_nj) ≥ τ|z_nj|`, `τ = 2(1 + 2u)` (the margin error's share of the weight).
    z_abs: Vec<f64>,
    /// `‖z_n‖² (1 + ρ₀)`.
    z_norm2: Vec<f64>,
    /// `τ ‖z_n‖²`.
    z_norm2_tau: Vec<f64>,
    /// `max_n ‖z_n‖`.
    z_max: f64,
    /// `|η̂_hi|` (the leading part of the rounded step, as the multiply-add sees it).
    eta_hi: f64,
    /// `η` (exact step) rounded up.
    eta_up: f64,
    /// `|η̂ − η|` rounded up.
    eta_err: f64,
    /// The largest margin error `Δ_n` the proof of the exponential's input admits.
    margin_err_max: f64,
    /// Test-only: divide `δ_t` by `2^20` (an unsound bound, which the tests must catch).
    pub(crate) shrink: bool,
    // buffers
    q_up: Vec<f64>,
    q_delta: Vec<f64>,
    m_err: Vec<f64>,
    w_abs: Vec<f64>,
    g_err: Vec<f64>,
}

/// What one step's bound yields.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// `δ_t ≥ ‖w(t+1) − G(w(t))‖₂`.
    pub(crate) delta: f64,
    /// `η·Σ_n q̄_n ‖z_n‖²` with `q̄_n ≥ e^{−z_n·ŵ}` (the curvature at the computed point,
    /// before the ball's factor `e^{R r}`).
    pub(crate) eta_curvature: f64,
}

impl StepBound {
    /// The bound for data `z` (exact, row-major rows of length `d`) rounded into
    /// double-double as `z_dd` (the `(hi, lo)` parts of the objective's points), and the
    /// exact step `eta` rounded as `eta_dd`. `None` if a value is not finite or the data have
    /// more than `2^19` points or `2^20` coordinates (the range of the proof).
    pub fn new(
        z: &[Vec<Rational>],
        z_dd: &[Vec<(f64, f64)>],
        eta: &Rational,
        eta_dd: (f64, f64),
    ) -> Option<StepBound> {
        let n = z.len();
        let d = z.first().map_or(0, Vec::len);
        // the sums' closing factor (`sum_bound`) and Lemma D hold for up to 2^20 terms
        if 2 * n > 1 << 20 || d > 1 << 20 {
            return None;
        }
        let cd = dot_constant(d) * U2;
        let cn = dot_constant(n) * U2;
        let (mut margin_coef, mut grad_coef, mut z_abs) = (vec![], vec![], vec![]);
        let (mut z_norm2, mut z_norm2_tau, mut z_max) = (vec![], vec![], 0.0f64);
        for (row, row_dd) in z.iter().zip(z_dd) {
            let mut s2 = Rational::new();
            for (v, &(hi, lo)) in row.iter().zip(row_dd) {
                let exact_dd = Rational::from_f64(hi)? + Rational::from_f64(lo)?;
                let eps = f64_up(&Rational::from(&exact_dd - v).abs());
                let a = mag(hi, lo);
                let za = add_up(a, eps);
                margin_coef.push(add_up(mul_up(cd, a), eps));
                grad_coef.push(add_up(add_up(mul_up(cn, a), eps), mul_up(RHO0, za)));
                z_abs.push(mul_up(TAU, za));
                s2 += Rational::from(v * v);
            }
            let n2 = f64_up(&s2);
            z_norm2.push(mul_up(n2, add_up(1.0, RHO0)));
            z_norm2_tau.push(mul_up(TAU, n2));
            z_max = z_max.max(up(n2.sqrt()));
        }
        let eta_exact = Rational::from_f64(eta_dd.0)? + Rational::from_f64(eta_dd.1)?;
        // Δ_n ≥ c_d u² S_n: the exponential's input needs (3d + 7) u S_n ≤ 2^-30 (docs)
        let margin_err_max = cd * (-30f64).exp2() / ((3 * d + 7) as f64 * U) * 0.5;
        // column-major: margin_coef[j·n + k] is that of point k, coordinate j
        let margin_coef = (0..d * n)
            .map(|i| margin_coef[(i % n) * d + i / n])
            .collect();
        Some(StepBound {
            n,
            d,
            margin_coef,
            grad_coef,
            z_abs,
            z_norm2,
            z_norm2_tau,
            z_max,
            eta_hi: eta_dd.0.abs(),
            eta_up: f64_up(&eta.clone().abs()),
            eta_err: f64_up(&Rational::from(&eta_exact - eta).abs()),
            margin_err_max,
            shrink: false,
            q_up: vec![0.0; n],
            q_delta: vec![0.0; n],
            m_err: vec![0.0; n],
            w_abs: vec![0.0; d],
            g_err: vec![0.0; d],
        })
    }

    /// `max_n ‖z_n‖`, rounded up.
    pub(crate) fn z_max(&self) -> f64 {
        self.z_max
    }

    /// The bound of one step from the parts `(hi, lo)` of the computed `w(t)`, of the
    /// weights `q̂` the step computed, of its gradient `ĝ`, and of `w(t+1)`. `None` when a
    /// hypothesis of the proof fails on this step (then the step is enclosed in intervals).
    pub fn delta(
        &mut self,
        w: &[(f64, f64)],
        q: &[(f64, f64)],
        g: &[(f64, f64)],
        w_next: &[(f64, f64)],
    ) -> Option<Bound> {
        let (n, d) = (self.n, self.d);
        if w.len() != d || g.len() != d || w_next.len() != d || q.len() != n {
            return None;
        }
        if !w.iter().chain(g).all(|&(h, l)| normalized(h, l))
            || !w_next.iter().all(|(h, l)| h.is_finite() && l.is_finite())
        {
            return None;
        }
        // weights: the exponential's results, each ≥ Dd::MIN_POSITIVE (else the step fails)
        if !q.iter().all(|&(h, l)| h > 0.0 && normalized(h, l)) {
            return None;
        }
        self.w_abs.clear();
        self.w_abs.extend(w.iter().map(|&(h, l)| mag(h, l)));
        // Δ_n ≥ |û_n − z_n·ŵ| (the margin's dot product and the data's rounding): a sum of
        // products of bounds in round-to-nearest, then closed by `sum_bound`
        //
        // |q̂_n − e^{−z_n·ŵ}| ≤ ρ_n q̂_n with ρ_n = (EXP_REL + 2Δ_n)/(1 − EXP_REL)
        // ≤ ρ₀ + τΔ_n: the weights' bound q̂_n (1 + ρ_n) is carried as q̂_n and q̂_n Δ_n
        self.m_err.iter_mut().for_each(|v| *v = 0.0);
        for (col, a) in self.margin_coef.chunks_exact(n.max(1)).zip(&self.w_abs) {
            for (s, c) in self.m_err.iter_mut().zip(col) {
                *s += c * a;
            }
        }
        let mut in_range = true;
        for (k, &s) in self.m_err.iter().enumerate() {
            let delta_m = sum_bound(s, d);
            // (a NaN fails the comparison: the step is then enclosed in intervals)
            in_range &= delta_m <= self.margin_err_max;
            let qb = mag(q[k].0, q[k].1);
            self.q_up[k] = qb;
            self.q_delta[k] = mul_up(qb, delta_m);
        }
        if !in_range {
            return None;
        }
        // the curvature at ŵ: Σ_n q̄_n ‖z_n‖² ≤ Σ_n q̂_n ‖z_n‖²(1 + ρ₀) + q̂_n Δ_n τ‖z_n‖²
        let mut curv = 0.0;
        for k in 0..n {
            curv += self.q_up[k] * self.z_norm2[k] + self.q_delta[k] * self.z_norm2_tau[k];
        }
        let curv = sum_bound(curv, 2 * n);
        // |ĝ_j − Σ_n z_nj e^{−z_n·ŵ}| ≤ Σ_n (c_N u²|ẑ_nj| + ε_nj) q̂_n + |z_nj| ρ_n q̂_n
        self.g_err.clear();
        self.g_err.resize(d, 0.0);
        for (k, (gc, za)) in self
            .grad_coef
            .chunks_exact(d.max(1))
            .zip(self.z_abs.chunks_exact(d.max(1)))
            .enumerate()
        {
            let (qb, qd) = (self.q_up[k], self.q_delta[k]);
            for ((e, c), a) in self.g_err.iter_mut().zip(gc).zip(za) {
                *e += c * qb + a * qd;
            }
        }
        let mut sum2 = 0.0f64;
        for (j, &(gh, gl)) in g.iter().enumerate() {
            let g_err = sum_bound(self.g_err[j], 2 * n);
            let axpy = mul_up(
                add_up(
                    mul_up(AXPY_W, w[j].0.abs()),
                    mul_up(AXPY_P, mul_up(self.eta_hi, gh.abs())),
                ),
                U2,
            );
            let e = add_up(
                axpy,
                add_up(
                    mul_up(self.eta_err, mag(gh, gl)),
                    mul_up(self.eta_up, g_err),
                ),
            );
            sum2 = add_up(sum2, mul_up(e, e));
        }
        let mut delta = up(sum2.sqrt());
        if self.shrink {
            delta *= (-20f64).exp2();
        }
        let eta_curvature = mul_up(self.eta_up, curv);
        (delta.is_finite() && eta_curvature.is_finite()).then_some(Bound {
            delta,
            eta_curvature,
        })
    }
}

/// `ρ₀ = EXP_REL·(1 + 2u)`, rounded up: `EXP_REL/(1 − EXP_REL) ≤ ρ₀`.
const RHO0: f64 = EXP_REL * (1.0 + 4.0 * U);
/// `τ = 2(1 + 2u) = 2 + 2^−51` (exact): `2/(1 − EXP_REL) ≤ τ`.
const TAU: f64 = 2.0 + 4.0 * U;

/// An upper bound of `Σ_k a_k b_k` (`a_k, b_k ≥ 0` f64 bounds, `k` terms, `k ≤ 2^20`) from
/// `s`, the same sum of products evaluated in round-to-nearest in any order: each rounding
/// of a product loses at most a factor `1 − u` and `2^−1075` (underflow), each rounding of a
/// sum of non-negative values at most a factor `1 − u`, so
/// `Σ a_k b_k ≤ (s + k·2^−1075)/(1 − u)^{2k} ≤ (s + k·2^−1074)(1 + 2^−30)` (docs).
#[inline(always)]
fn sum_bound(s: f64, k: usize) -> f64 {
    // k·2^-1074 is the subnormal with integer significand k (exact)
    mul_up(add_up(s, f64::from_bits(k as u64)), 1.0 + (-30f64).exp2())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `up` is the successor: above the value, by one unit, at 0, in the subnormals and at
    /// the top of the range.
    #[test]
    fn up_is_the_successor() {
        assert_eq!(up(1.0), 1.0 + 2.0 * U);
        assert_eq!(up(0.0), f64::from_bits(1));
        assert_eq!(up(-0.0), f64::from_bits(1));
        assert_eq!(up(f64::MAX), f64::INFINITY);
        assert!(up(f64::INFINITY).is_nan());
        assert!(up(f64::NAN).is_nan());
        assert!(up(0.0 * f64::INFINITY).is_nan());
        let tiny = f64::from_bits(7);
        assert_eq!(up(tiny), f64::from_bits(8));
        // a round-to-nearest result: the exact 1/3 lies below up(fl(1/3))
        let third = 1.0 / 3.0;
        let exact = Rational::from((1, 3));
        assert!(Rational::from_f64(up(third)).expect("finite") > exact);
    }

    #[test]
    fn dot_constants() {
        assert_eq!(dot_constant(2), 38.0);
        assert_eq!(dot_constant(20), 560.0);
    }
}
