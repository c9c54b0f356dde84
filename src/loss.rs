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

use crate::scalar::Scalar;

/// Loss function `ℓ` of the margin `u = z·w` (the risk is `L(w) = Σ_n ℓ(z_n·w)`, a sum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// `ℓ(u) = e^{−u}`.
    Exponential,
    /// `ℓ(u) = ln(1 + e^{−u})`.
    Logistic,
}

impl Loss {
    /// Parses `exp`/`exponential` or `logistic`/`log`.
    pub fn parse(s: &str) -> crate::Result<Self> {
        match s {
            "exp" | "exponential" => Ok(Loss::Exponential),
            "logistic" | "log" => Ok(Loss::Logistic),
            _ => Err(crate::Error::param(
                "loss",
                format!("{s:?} is not a loss; use `exp` or `logistic`"),
            )),
        }
    }

    /// Short name (`exp`, `logistic`).
    pub fn name(self) -> &'static str {
        match self {
            Loss::Exponential => "exp",
            Loss::Logistic => "logistic",
        }
    }

    /// Replaces the margin `u` by the weight `−ℓ′(u)`, in place (no allocation for f64;
    /// one for MPFR's logistic branch is avoided by using `tmp`).
    pub fn weight_in_place<S: Scalar>(self, u: &mut S, tmp: &mut S) {
        match self {
            Loss::Exponential => {
                u.neg_mut();
                u.exp_mut();
            }
            Loss::Logistic => {
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

    /// `ln ℓ(u)`, computed without forming `ℓ(u)` where it could underflow.
    pub fn ln_value<S: Scalar>(self, u: &S) -> S {
        match self {
            Loss::Exponential => {
                let mut r = u.clone();
                r.neg_mut();
                r
            }
            Loss::Logistic => {
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

/// `ln Σ_n e^{a_n}` (log-sum-exp with a max shift). `a` must be non-empty.
pub fn log_sum_exp<S: Scalar>(a: &[S]) -> S {
    let mut m = a[0].clone();
    for v in &a[1..] {
        if v.partial_cmp_s(&m) == Some(std::cmp::Ordering::Greater) {
            m.set(v);
        }
    }
    if !m.is_finite() {
        return m;
    }
    let mut s = S::zero(m.ctx());
    let mut t = S::zero(m.ctx());
    for v in a {
        t.set(v);
        t.sub_assign(&m);
        t.exp_mut();
        s.add_assign(&t);
    }
    s.ln_mut();
    s.add_assign(&m);
    s
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
