//! The two exponentially-tailed losses, in numerically stable form.
//!
//! | loss | ℓ(u) | −ℓ′(u) | tail of −ℓ′ |
//! |---|---|---|---|
//! | exponential | `e^{−u}` | `e^{−u}` | exactly `e^{−u}` |
//! | logistic | `ln(1 + e^{−u})` | `1/(1 + e^{u})` | `e^{−u} − e^{−2u} + …` |
//!
//! Values are kept as logarithms (`ln ℓ`, `ln L`): risks reach `e^{−5000}` on long runs.
//! The logistic derivative is never formed as `1 − σ(u)` (theory §8.2), which is exactly 0
//! in f64 for `u > 36.7` and stalls GD.
//!
//! The softmax cross-entropy of K-class data (docs/theory/multiclass.md §M2) is a loss of
//! the `K − 1` lifted margins `u_{n,k} = (w_{y_n} − w_k)·x_n` of a sample together:
//! `ℓ_n = ln(1 + Σ_k e^{−u_{n,k}})`, its logistic loss for K = 2. Its margins come in
//! consecutive groups of `K − 1` ([`Loss::group`]); the per-point functions
//! [`Loss::weights_in_place`] and [`Loss::ln_values`] take all margins at once.

use crate::scalar::Scalar;

/// `ln Σ_n e^{a_n}`, re-exported from its home in [`crate::scalar`].
pub use crate::scalar::log_sum_exp;

/// Loss function `ℓ` of the margin `u = z·w` (the risk is `L(w) = Σ_n ℓ(z_n·w)`, a sum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// `ℓ(u) = e^{−u}`.
    Exponential,
    /// `ℓ(u) = ln(1 + e^{−u})`.
    Logistic,
    /// The softmax cross-entropy of `classes ≥ 3` classes on lifted margins, in groups of
    /// `classes − 1` per sample: `ℓ_n = ln(1 + Σ_k e^{−u_{n,k}})`.
    Softmax {
        /// The number of classes K.
        classes: usize,
    },
}

impl Loss {
    /// Parses `exp`/`exponential` or `logistic`/`log`; `softmax` is the logistic loss too
    /// (the softmax cross-entropy of two classes), made K-class by [`Loss::for_classes`].
    pub fn parse(s: &str) -> crate::Result<Self> {
        match s {
            "exp" | "exponential" => Ok(Loss::Exponential),
            "logistic" | "log" | "softmax" => Ok(Loss::Logistic),
            _ => Err(crate::Error::param(
                "loss",
                format!("{s:?} is not a loss; use `exp`, `logistic` or `softmax`"),
            )),
        }
    }

    /// The loss on the lifted margins of `classes`-class data: the logistic loss becomes the
    /// softmax cross-entropy (for `classes ≥ 3`); the exponential loss stays the sum of
    /// `e^{−u}` over all lifted margins.
    pub fn for_classes(self, classes: usize) -> Loss {
        match self {
            Loss::Logistic | Loss::Softmax { .. } if classes >= 3 => Loss::Softmax { classes },
            Loss::Softmax { .. } => Loss::Logistic,
            other => other,
        }
    }

    /// The loss `ibias run` takes without `--loss`: this one on binary data, the softmax
    /// cross-entropy on K-class data (`classes ≥ 3`), the multi-class loss of the theory.
    pub(crate) fn default_for(self, classes: usize) -> Loss {
        if classes >= 3 {
            Loss::Softmax { classes }
        } else {
            self
        }
    }

    /// Short name (`exp`, `logistic`, `softmax`).
    pub fn name(self) -> &'static str {
        match self {
            Loss::Exponential => "exp",
            Loss::Logistic => "logistic",
            Loss::Softmax { .. } => "softmax",
        }
    }

    /// The number of consecutive margins that one loss term couples: `K − 1` for the
    /// softmax, 1 otherwise.
    pub fn group(self) -> usize {
        match self {
            Loss::Softmax { classes } => classes.saturating_sub(1).max(1),
            _ => 1,
        }
    }

    /// Replaces every margin `u_i` by its weight `q_i = −∂L/∂u_i`, in place (`u.len()` a
    /// multiple of [`Loss::group`]). Softmax: with `a = ln Σ_k e^{−u_k}` over the group,
    /// `q_k = e^{−u_k − a}·σ(a)`, `σ(a) = e^a/(1 + e^a)` the logistic weight at margin `−a`
    /// (docs/theory/multiclass.md §M2); one margin (K = 2) gives the logistic weight.
    pub fn weights_in_place<S: Scalar>(self, u: &mut [S], tmp: &mut S) {
        match self {
            Loss::Exponential | Loss::Logistic => {
                for v in u.iter_mut() {
                    self.weight_in_place(v, tmp);
                }
            }
            Loss::Softmax { .. } => {
                for g in u.chunks_mut(self.group()) {
                    for v in g.iter_mut() {
                        v.neg_mut();
                    }
                    let a = log_sum_exp(g);
                    let mut total = a.clone();
                    total.neg_mut();
                    Loss::Logistic.weight_in_place(&mut total, tmp);
                    for v in g.iter_mut() {
                        v.sub_assign(&a);
                        v.exp_mut();
                        v.mul_assign(&total);
                    }
                }
            }
        }
    }

    /// `ln ℓ_i` per margin: the loss's own terms, or for the softmax the share
    /// `ℓ_n·e^{−u_k − a}` of its sample's term `ℓ_n = ln(1 + e^a)` (the shares of a sample
    /// add up to `ℓ_n`, so `ln L = ln Σ_i e^{ln ℓ_i}` either way).
    pub fn ln_values<S: Scalar>(self, u: &[S]) -> Vec<S> {
        match self {
            Loss::Exponential | Loss::Logistic => u.iter().map(|v| self.ln_value(v)).collect(),
            Loss::Softmax { .. } => {
                let mut out = Vec::with_capacity(u.len());
                for g in u.chunks(self.group()) {
                    let neg: Vec<S> = g
                        .iter()
                        .map(|v| {
                            let mut x = v.clone();
                            x.neg_mut();
                            x
                        })
                        .collect();
                    let a = log_sum_exp(&neg);
                    let mut m = a.clone();
                    m.neg_mut();
                    let ln_term = Loss::Logistic.ln_value(&m);
                    for mut x in neg {
                        x.sub_assign(&a);
                        x.add_assign(&ln_term);
                        out.push(x);
                    }
                }
                out
            }
        }
    }

    /// Replaces the margin `u` by the weight `−ℓ′(u)`, in place (no allocation for f64;
    /// one for MPFR's logistic branch is avoided by using `tmp`). The softmax couples the
    /// margins of a sample ([`Loss::weights_in_place`]); a lone margin here is a group of
    /// one, the logistic loss.
    pub fn weight_in_place<S: Scalar>(self, u: &mut S, tmp: &mut S) {
        match self {
            Loss::Exponential => {
                u.neg_mut();
                u.exp_mut();
            }
            Loss::Logistic | Loss::Softmax { .. } => {
                // u >= 0:  e^{-u} / (1 + e^{-u});   u < 0:  1 / (1 + e^{u}).
                tmp.set_f64(0.0);
                if u.partial_cmp_s(tmp) != Some(std::cmp::Ordering::Less) {
                    u.neg_mut();
                    u.exp_mut(); // x = e^{-u}
                    tmp.set_f64(1.0);
                    tmp.add_assign(u); // 1 + x
                    u.div_assign(tmp);
                } else {
                    u.exp_mut(); // e^{u}
                    tmp.set_f64(1.0);
                    u.add_assign(tmp); // 1 + e^u
                    u.recip_mut();
                }
            }
        }
    }

    /// `ln ℓ(u)`, computed without forming `ℓ(u)` where it could underflow (a lone
    /// softmax margin is a group of one, as in [`Loss::weight_in_place`]).
    pub fn ln_value<S: Scalar>(self, u: &S) -> S {
        match self {
            Loss::Exponential => {
                let mut r = u.clone();
                r.neg_mut();
                r
            }
            Loss::Logistic | Loss::Softmax { .. } => {
                let zero = S::zero(u.ctx());
                if u.partial_cmp_s(&zero) != Some(std::cmp::Ordering::Less) {
                    // ℓ = ln1p(x), x = e^{-u};  ln ℓ = −u + ln(ln1p(x)/x)  (→ −u as x → 0)
                    let mut x = u.clone();
                    x.neg_mut();
                    x.exp_mut();
                    let mut r = u.clone();
                    r.neg_mut();
                    if !x.is_zero() {
                        let mut l = x.clone();
                        l.ln_1p_mut();
                        l.div_assign(&x);
                        l.ln_mut();
                        r.add_assign(&l);
                    }
                    r
                } else {
                    // ℓ = −u + ln1p(e^{u})
                    let mut e = u.clone();
                    e.exp_mut();
                    e.ln_1p_mut();
                    let mut r = u.clone();
                    r.neg_mut();
                    r.add_assign(&e);
                    r.ln_mut();
                    r
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Float;

    #[test]
    fn logistic_weight_is_stable_far_out() {
        // u = 800: 1 − σ(u) is 0 in f64, but −ℓ′(u) = e^{−800}/(1+e^{−800}) ≈ e^{−800}.
        let mut u = Float::with_val(128, 800);
        let mut t = Float::new(128);
        Loss::Logistic.weight_in_place(&mut u, &mut t);
        let expect = Float::with_val(128, -800).exp();
        let rel = (Float::with_val(128, &u - &expect) / &expect).abs();
        assert!(rel < 1e-30, "{rel}");
        // ln ℓ(800) = −800 + ln(ln1p(x)/x) ≈ −800 − x/2.
        let l = Loss::Logistic.ln_value(&Float::with_val(128, 800));
        assert!(Float::with_val(128, &l + 800u32).abs() < 1e-300);
    }

    #[test]
    fn logistic_matches_definition_in_the_middle() {
        for &u in &[-30.0f64, -2.0, -0.5, 0.0, 0.5, 3.0, 20.0] {
            let mut w = u;
            let mut t = 0.0;
            Loss::Logistic.weight_in_place(&mut w, &mut t);
            let direct = 1.0 / (1.0 + u.exp());
            assert!((w - direct).abs() <= 1e-15 * direct.max(1e-300), "u={u}");
            let l = Loss::Logistic.ln_value(&u);
            let direct = (-u).exp().ln_1p().ln();
            assert!((l - direct).abs() <= 1e-12 * direct.abs().max(1.0), "u={u}");
        }
    }
}
