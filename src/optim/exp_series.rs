//! `q ← q·e^{−δ}` for a small `|δ|`, by a truncated Taylor series whose truncation error is
//! bounded rigorously, in any [`Scalar`].
//!
//! Gradient descent on the exponential loss needs `e^{−u_n}` for every margin `u_n = z_n·w`
//! at every step, and the exponentials dominate the cost of a high-precision step. Between
//! two steps the margins move by `δ_n = z_n·(w(t+1) − w(t))`, and `|δ_n| ≤ ‖z_n‖·‖Δw‖` is
//! tiny on long runs (`‖Δw‖ ≈ ‖ŵ‖/t`), so `e^{−u_n(t+1)} = e^{−u_n(t)}·e^{−δ_n}` with a few
//! terms of the series of `e^{−δ}` replaces a full exponential.
//!
//! ## The bounds (with `p` the precision of `S`)
//! * **Truncation.** For `|δ| ≤ 1/8`, `|e^{−δ} − Σ_{k≤m} (−δ)^k/k!| ≤ |δ|^{m+1}/(m+1)!·e^{1/8}`
//!   (Lagrange remainder). The degree `m` is the least one for which this is `≤ 2^{−(p+3)}`
//!   for every `|δ|` up to the bound `D` given to [`ExpSeries::plan`].
//! * **Evaluation.** Horner's scheme `a_k = 1/k! + (−δ)·a_{k+1}` runs in `S` for the levels
//!   `k < j` and in f64 for the levels `k ≥ j`, where `j` is the least level for which the
//!   f64 part cannot matter: with `|x_f − x| ≤ 2^{−53}|x|` and at most 64 levels, the f64 value
//!   of `a_j` has relative error below `2^{−45}` (a generous `γ_{3·64+1}`), which enters the
//!   result multiplied by `|δ|^j/j!·(1 + 1/8)`; `j` is chosen so that this is `≤ 2^{−(p+3)}`.
//! * The remaining error is the rounding of the `j` levels in `S` (each level's error is
//!   damped by `|δ|` in the next, so about one rounding of the last level) and of the
//!   product `q·e^{−δ}`: a few units of `2^{−p}` per update. Callers resynchronise with an
//!   exact exponential periodically, so these errors cannot accumulate without bound.

use crate::scalar::Scalar;

/// Largest `|δ|` handled by the series (above it, callers compute `e^{−u}` in full).
pub(crate) const MAX_DELTA: f64 = 0.125;
/// Largest series degree.
const MAX_DEGREE: usize = 64;

/// Degree and split of one evaluation, valid for every `|δ| ≤ D` (see [`ExpSeries::plan`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Truncation degree `m`.
    pub(crate) degree: usize,
    /// Number of Horner levels evaluated in `S` (the rest in f64).
    pub(crate) levels: usize,
}

/// Precomputed coefficients and thresholds for a precision (see the module documentation).
#[derive(Clone, Debug)]
pub struct ExpSeries<S: Scalar> {
    bits: u32,
    /// `1/k!` in `S`, `k = 0..=MAX_DEGREE`.
    coeffs: Vec<S>,
    /// `1/k!` in f64.
    coeffs_f64: Vec<f64>,
    /// `tau[m]`: largest `D` for which degree `m` truncates below `2^{−(p+3)}` (`tau[0]` = 0).
    tau: Vec<f64>,
    /// `sigma[j]`: largest `D` for which the levels `≥ j` may run in f64 (`sigma[0]` = 0).
    sigma: Vec<f64>,
}

/// `log2(k!)`.
fn log2_factorial(k: usize) -> f64 {
    (2..=k).map(|i| (i as f64).log2()).sum()
}

impl<S: Scalar> ExpSeries<S> {
    /// Coefficients and thresholds for the precision of `ctx`.
    pub fn new(ctx: S::Ctx) -> Self {
        let p = f64::from(S::bits(ctx));
        let mut coeffs = Vec::with_capacity(MAX_DEGREE + 1);
        let mut coeffs_f64 = Vec::with_capacity(MAX_DEGREE + 1);
        let mut fact = rug::Integer::from(1);
        for k in 0..=MAX_DEGREE {
            if k > 0 {
                fact *= k as u32;
            }
            let q = rug::Rational::from((rug::Integer::from(1), fact.clone()));
            coeffs.push(S::from_rational(&q, ctx));
            coeffs_f64.push(q.to_f64());
        }
        // A relative safety margin on thresholds computed in f64 (log2, powers).
        let safe = 1.0 - 1.0 / f64::from(1u32 << 20);
        let log2_e8 = 0.125 * std::f64::consts::LOG2_E; // log2(e^{1/8})
        let mut tau = vec![0.0; MAX_DEGREE + 1];
        let mut sigma = vec![0.0; MAX_DEGREE + 1];
        for (m, (tau_m, sigma_m)) in tau.iter_mut().zip(sigma.iter_mut()).enumerate().skip(1) {
            // tau: |δ|^{m+1}/(m+1)!·e^{1/8} ≤ 2^{−(p+3)}
            let l = (-(p + 3.0) + log2_factorial(m + 1) - log2_e8) / (m as f64 + 1.0);
            *tau_m = (l.exp2() * safe).min(MAX_DELTA);
            // sigma (level j = m): |δ|^j/j!·(9/8)·2^{−45} ≤ 2^{−(p+3)}
            let l = (-(p + 3.0) + 45.0 + log2_factorial(m) - (9.0f64 / 8.0).log2()) / m as f64;
            *sigma_m = (l.exp2() * safe).min(MAX_DELTA);
        }
        ExpSeries {
            bits: S::bits(ctx),
            coeffs,
            coeffs_f64,
            tau,
            sigma,
        }
    }

    /// Precision this series was built for.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The plan valid for every `|δ| ≤ bound`, or `None` when `bound > 1/8`, is NaN, or would
    /// need more than 64 terms (then the caller computes the exponential in full).
    pub fn plan(&self, bound: f64) -> Option<Plan> {
        if bound.is_nan() || bound > MAX_DELTA {
            return None;
        }
        let degree = (1..=MAX_DEGREE).find(|&m| bound <= self.tau[m])?;
        let j = (1..=MAX_DEGREE)
            .find(|&j| bound <= self.sigma[j])
            .unwrap_or(MAX_DEGREE);
        Some(Plan {
            degree,
            levels: j.min(degree),
        })
    }

    /// `q ← q·e^{x}` with `x = −δ` (so `|x| ≤` the bound of `plan`), using two scratch
    /// scalars `acc` and `t` of the same precision. Allocates nothing.
    #[inline]
    pub fn mul_exp(&self, plan: Plan, q: &mut S, x: &S, acc: &mut S, t: &mut S) {
        let Plan { degree, levels } = plan;
        if levels < degree {
            // f64 part: a_levels = Σ_{k=levels}^{degree} x^{k−levels}/k!.
            let xf = x.to_f64();
            let mut a = self.coeffs_f64[degree];
            for k in (levels..degree).rev() {
                a = self.coeffs_f64[k] + xf * a;
            }
            acc.set_f64(a);
        } else {
            acc.set(&self.coeffs[degree]);
        }
        for k in (0..levels).rev() {
            t.set(&self.coeffs[k]);
            t.mul_add_assign(x, acc);
            std::mem::swap(acc, t);
        }
        q.mul_assign(acc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::ops::Pow;
    use rug::Float;

    #[test]
    fn plans_grow_with_the_bound_and_precision() {
        let s = ExpSeries::<Float>::new(128);
        let small = s.plan(1e-9).unwrap();
        let large = s.plan(1e-3).unwrap();
        assert!(small.degree < large.degree);
        assert!(s.plan(0.2).is_none());
        assert!(s.plan(f64::NAN).is_none());
        let hi = ExpSeries::<Float>::new(512);
        assert!(hi.plan(1e-3).unwrap().degree > large.degree);
    }

    #[test]
    fn truncation_threshold_matches_the_remainder_formula() {
        // Degree m is accepted for D = tau[m]: D^{m+1}/(m+1)!·e^{1/8} ≤ 2^{−(p+3)}, checked
        // here in 400-bit arithmetic, and rejected for 2·tau[m] where the bound exceeds it.
        let s = ExpSeries::<Float>::new(106);
        for m in 1..20 {
            let d = Float::with_val(400, s.tau[m]);
            if s.tau[m] >= MAX_DELTA {
                continue;
            }
            let mut fact = Float::with_val(400, 1);
            for i in 2..=(m + 1) {
                fact *= i as u32;
            }
            let e8 = Float::with_val(400, 0.125).exp();
            let bound = |d: &Float| Float::with_val(400, d.pow(m as u32 + 1)) / &fact * &e8;
            let limit = Float::with_val(400, Float::i_exp(1, -(106 + 3)));
            assert!(bound(&d) <= limit, "m={m}");
            let d2 = Float::with_val(400, &d * 2u32);
            assert!(bound(&d2) > limit, "m={m} threshold not tight");
        }
    }
}
