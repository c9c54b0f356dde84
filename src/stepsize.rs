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

/// Which norm of the points bounds how far one step moves the margins: the step rule of
/// [`auto_step`] for each optimizer family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Geometry {
    /// GD and its relatives (momentum, Nesterov, SGD): `R = max‖z_n‖₂`.
    L2,
    /// Sign descent: `R = max‖z_n‖₁`.
    L1,
    /// Coordinate descent: `R = max‖z_n‖∞`.
    LInf,
    /// Normalized GD: `R = max‖z_n‖₂`, with `L` replaced by 1 (its step has length `η`).
    Normalized,
}

/// The sufficient condition on the step `η` (theory §8.1), evaluated once for the data and
/// `w(0)`; every step rule of the crate reads it.
enum Condition {
    /// `η·k ≤ 0.85` with `k = R²L(w0)` (`(c/2)e^c < 1` for `c ≤ 0.85`).
    Margin { k: f64 },
    /// `η < bound = c/σ_max(Z)²`: logistic loss `c = 8` (Lemma 1 with β = 1/4, sum loss),
    /// softmax cross-entropy on the lifted points `c = 4` (its Hessian in the margins of a
    /// sample is at most 1/2; docs/theory/multiclass.md §M2).
    Smooth { bound: f64, c: f64 },
}

impl Condition {
    fn new(data: &Dataset, loss: Loss, geometry: Geometry, w0: &[f64]) -> Condition {
        let smooth = match loss {
            Loss::Logistic => Some(8.0),
            Loss::Softmax { .. } => Some(4.0),
            Loss::Exponential => None,
        };
        if let (Some(c), Geometry::L2) = (smooth, geometry) {
            return Condition::Smooth {
                bound: c / sigma_max_sq(data),
                c,
            };
        }
        let z = data.signed_points::<f64>(());
        let r = |f: &dyn Fn(&[f64]) -> f64| z.iter().map(|p| f(p)).fold(0.0, f64::max);
        let r2 = match geometry {
            Geometry::L1 => r(&|p| p.iter().map(|v| v.abs()).sum::<f64>()).powi(2),
            Geometry::LInf => r(&|p| p.iter().fold(0.0, |m, v| m.max(v.abs()))).powi(2),
            Geometry::L2 | Geometry::Normalized => r(&|p| p.iter().map(|v| v * v).sum::<f64>()),
        };
        let l0 = if geometry == Geometry::Normalized {
            1.0
        } else {
            Objective::<f64>::new(data, loss, ()).ln_loss(w0).exp()
        };
        Condition::Margin { k: r2 * l0 }
    }

    /// Whether `η` meets the condition. A NaN (R² underflowing to 0 times L(w0) overflowing
    /// to ∞) never does.
    fn holds(&self, eta: f64) -> bool {
        match *self {
            Condition::Margin { k } => {
                let c = eta * k;
                !c.is_nan() && c <= 0.85
            }
            Condition::Smooth { bound, .. } => !bound.is_nan() && eta < bound,
        }
    }
}

/// `--lr auto`: the largest step `2^−k ≤ 1` (`k ≤ 200`) that meets the sufficient condition of
/// theory §8.1 from `w0`: exponential loss `η R² L(w0) ≤ 0.85` (`R` in the norm of the
/// `geometry`; normalized GD with `L = 1`), logistic loss `η < 8/σ_max(Z)²` (softmax on the
/// lifted points `η < 4/σ_max(Z̃)²`) for the GD family
/// (the others as for the exponential loss, with the logistic `L(w0)`). A power of two, so
/// every precision holds it exactly. For the GD family [`check_step`] accepts it (no warning).
pub fn auto_step(data: &Dataset, loss: Loss, geometry: Geometry, w0: &[Rational]) -> Rational {
    let w0f: Vec<f64> = w0.iter().map(Rational::to_f64).collect();
    let cond = Condition::new(data, loss, geometry, &w0f);
    let mut lr = Rational::from(1);
    let mut k = 0;
    while k < 200 && !cond.holds(lr.to_f64()) {
        lr /= 2;
        k += 1;
    }
    lr
}

/// Checks the sufficient descent conditions of theory §8.1 for step `eta` from `w0`.
/// Returns a human-readable warning when the condition is violated.
///
/// * exponential loss: `η R² L(w0) ≤ c` with `(c/2)e^c < 1` (we use `c = 0.85`),
///   `R = max_n ‖z_n‖`;
/// * logistic loss: `η < 8/σ_max(Z)²` (Lemma 1 with β = 1/4, sum loss).
pub fn check_step(data: &Dataset, loss: Loss, eta: &Rational, w0: &[f64]) -> Option<String> {
    let cond = Condition::new(data, loss, Geometry::L2, w0);
    if cond.holds(eta.to_f64()) {
        return None;
    }
    let eta_text = crate::data::format_rational(eta);
    Some(match cond {
        Condition::Margin { k } => format!(
            "step {eta_text} violates the sufficient descent condition of theory §8.1 \
             (η·R²·L(w0) = {} > 0.85; monotone descent needs η ≤ {}; --lr auto takes the \
             largest power of two that meets it)",
            crate::scalar::format_sig_f64(eta.to_f64() * k, 4),
            crate::scalar::format_sig_f64(0.85 / k, 4)
        ),
        Condition::Smooth { bound, c } => format!(
            "step {eta_text} violates Lemma 1's condition η < {c}/σ_max² = {} (theory §8.1; \
             --lr auto takes the largest power of two that meets it)",
            crate::scalar::format_sig_f64(bound, 4)
        ),
    })
}
