//! Step-size conditions of theory §8.1 (checked to warn, never to refuse).

use crate::data::generate::SplitMix64;
use crate::data::Dataset;
use crate::loss::Loss;
use crate::objective::Objective;
use rug::Rational;

/// Largest eigenvalue of `ZᵀZ` (i.e. `σ_max(Z)²`), by power iteration in f64.
///
/// The iteration starts from a fixed pseudo-random vector (SplitMix64, so the result is the
/// same on every machine). A structured start such as `(1, …, 1)` is orthogonal to the top
/// eigenvector of structured data (all points on the line through `(1, −1)`), and then the
/// iteration never sees it. Returns `+∞` when `ZᵀZ` overflows f64.
pub fn sigma_max_sq(data: &Dataset) -> f64 {
    let z: Vec<Vec<f64>> = data.signed_points::<f64>(());
    let d = data.dim();
    let mut rng = SplitMix64::new(0x5eed_5eed);
    // uniform in [-1, 1): the top 53 bits of a 64-bit draw
    let mut v: Vec<f64> = (0..d)
        .map(|_| (rng.next_u64() >> 11) as f64 * 2f64.powi(-52) - 1.0)
        .collect();
    let n0 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.iter_mut().for_each(|x| *x /= n0);
    let mut lambda = 0.0;
    for _ in 0..500 {
        let mut out = vec![0.0; d];
        for row in &z {
            let s: f64 = row.iter().zip(&v).map(|(a, b)| a * b).sum();
            for (o, a) in out.iter_mut().zip(row) {
                *o += s * a;
            }
        }
        let nrm = out.iter().map(|x| x * x).sum::<f64>().sqrt();
        if !nrm.is_finite() {
            return f64::INFINITY;
        }
        if nrm == 0.0 {
            return 0.0;
        }
        let new_lambda = nrm;
        v = out.into_iter().map(|x| x / nrm).collect();
        if (new_lambda - lambda).abs() <= 1e-14 * new_lambda {
            return new_lambda;
        }
        lambda = new_lambda;
    }
    lambda
}

/// Checks the sufficient descent conditions of theory §8.1 for step `eta` from `w0`.
/// Returns a human-readable warning when the condition is violated.
///
/// * exponential loss: `η R² L(w0) ≤ c` with `(c/2)e^c < 1` (we use `c = 0.85`),
///   `R = max_n ‖z_n‖`;
/// * logistic loss: `η < 8/σ_max(Z)²` (Lemma 1 with β = 1/4, sum loss).
pub fn check_step(data: &Dataset, loss: Loss, eta: &Rational, w0: &[f64]) -> Option<String> {
    let eta_f = eta.to_f64();
    match loss {
        Loss::Exponential => {
            let obj = Objective::<f64>::new(data, loss, ());
            let l0 = obj.ln_loss(w0).exp();
            let r2 = data
                .signed_points::<f64>(())
                .iter()
                .map(|z| z.iter().map(|v| v * v).sum::<f64>())
                .fold(0.0, f64::max);
            let c = eta_f * r2 * l0;
            // A NaN product (R² underflowing to 0 times L(w0) overflowing to ∞) must not
            // pass as a safe step.
            if c.is_nan() || c > 0.85 {
                Some(format!(
                    "step {} violates the sufficient descent condition of theory §8.1 \
                     (η·R²·L(w0) = {} > 0.85; monotone descent needs η ≤ {})",
                    crate::data::format_rational(eta),
                    crate::scalar::format_sig_f64(c, 4),
                    crate::scalar::format_sig_f64(0.85 / (r2 * l0), 4)
                ))
            } else {
                None
            }
        }
        Loss::Logistic => {
            let s2 = sigma_max_sq(data);
            let bound = 8.0 / s2;
            if bound.is_nan() || eta_f >= bound {
                Some(format!(
                    "step {} violates Lemma 1's condition η < 8/σ_max² = {} (theory §8.1)",
                    crate::data::format_rational(eta),
                    crate::scalar::format_sig_f64(bound, 4)
                ))
            } else {
                None
            }
        }
    }
}
