//! Normalized gradient descent: `w ← w − (η / L(w)) ∇L(w) = w + η Σ_n q_n z_n`, with
//! `q_n = −ℓ′(z_n·w) / L(w)` (for the exponential loss `q = softmax(−Zw)`; it is GD on
//! `ln L`).
//!
//! The weights are computed from logarithms, `q_n = exp(ln(−ℓ′(u_n)) − ln L)` with
//! `ln L` by log-sum-exp, so the step never forms `e^{−u}` itself: margins grow linearly in
//! `t`, and `e^{−u}` would underflow f64 after about `745‖ŵ‖²/η` steps (theory §2.10). What
//! can still underflow is a *relative* weight `q_n` of a point far behind the others; when
//! one is exactly 0 the step reports [`Event::Underflow`] for that point (the precision no
//! longer carries it) instead of continuing silently. MPFR's exponent range never meets it.
//!
//! **Predicted limit.** Direction `ŵ` at the rate `O(1/t)` (Ji & Telgarsky 2021 [P-abs]),
//! with this project's constants (theory §2.10 [D][N]): `w(t) ≈ (ηt/‖ŵ‖²) ŵ + v*`, and
//! `t·(γ* − γ(t)) → C_γ ‖ŵ‖²/η`, `t·φ(t) → C_dir ‖ŵ‖²/η` with `C_γ`, `C_dir` of §2.5–§2.6.
//! Exact invariant (theory §8.2): updates lie in `span{z_n}`.

use super::{Memory, Optimizer, State};
use crate::loss::Loss;
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;
use std::cmp::Ordering;

/// Normalized GD with step `η` (the step on `ln L`).
#[derive(Clone, Debug)]
pub struct NormalizedGd<S: Scalar> {
    eta: S,
}

impl<S: Scalar> NormalizedGd<S> {
    /// Normalized GD with step `eta` (rounded once into `S`).
    pub fn new(eta: &Rational, ctx: S::Ctx) -> Self {
        NormalizedGd {
            eta: S::from_rational(eta, ctx),
        }
    }
}

/// `x ← ln(−ℓ′(x))`, in place, for any magnitude of `x` (`tmp` is scratch).
fn ln_neg_derivative<S: Scalar>(loss: Loss, x: &mut S, tmp: &mut S) {
    match loss {
        // −ℓ′(u) = e^{−u}
        Loss::Exponential => x.neg_mut(),
        // −ℓ′(u) = 1/(1 + e^{u}); ln = −softplus(u) = −(max(u, 0) + ln1p(e^{−|u|})).
        Loss::Logistic | Loss::Softmax { .. } => {
            tmp.set(x);
            tmp.abs_mut();
            tmp.neg_mut();
            tmp.exp_mut();
            tmp.ln_1p_mut();
            if x.partial_cmp_s(&S::zero(x.ctx())) == Some(Ordering::Less) {
                x.set(tmp);
            } else {
                x.add_assign(tmp);
            }
            x.neg_mut();
        }
    }
}

impl<S: Scalar> Optimizer<S> for NormalizedGd<S> {
    fn name(&self) -> String {
        "normalized".into()
    }

    /// Memory: [`Memory::Normalized`], `ln(−ℓ′(u_n))` (then `q_n`), `ln ℓ(u_n)` and two
    /// scratch scalars.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        let z = S::zero(obj.ctx());
        st.memory = Memory::Normalized {
            ln_weights: vec![z.clone(); obj.n()],
            ln_losses: vec![z.clone(); obj.n()],
            max: z.clone(),
            ln_risk: z,
        };
    }

    /// Leaves the normalized negative gradient `−∇L/L = Σ q_n z_n` in `st.grad`.
    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let loss = obj.loss();
        let State {
            w,
            grad,
            memory,
            scratch,
            ..
        } = st;
        let (a, b, m, s) = match memory {
            Memory::Normalized {
                ln_weights,
                ln_losses,
                max,
                ln_risk,
            } if ln_weights.len() == obj.n() && ln_losses.len() == obj.n() => {
                (ln_weights, ln_losses, max, ln_risk)
            }
            _ => {
                // another method's memory, or another data set's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        obj.margins(w, a);
        if a.iter().any(|an| !an.is_finite()) {
            return Err(Event::NonFinite);
        }
        match loss {
            Loss::Exponential => {
                for (an, bn) in a.iter_mut().zip(b.iter_mut()) {
                    an.neg_mut();
                    bn.set(an);
                }
            }
            Loss::Logistic => {
                for (an, bn) in a.iter_mut().zip(b.iter_mut()) {
                    *bn = loss.ln_value(an);
                    ln_neg_derivative(loss, an, &mut scratch.tmp);
                }
            }
            Loss::Softmax { .. } => {
                // ln q_k = (−u_k − c) + ln σ(c), c = ln Σ_group e^{−u} (crate::loss)
                for (bn, v) in b.iter_mut().zip(loss.ln_values(a)) {
                    *bn = v;
                }
                for g in a.chunks_mut(loss.group()) {
                    for an in g.iter_mut() {
                        an.neg_mut();
                    }
                    let c = crate::scalar::log_sum_exp(g);
                    let mut ln_sigma = c.clone();
                    ln_sigma.neg_mut();
                    ln_neg_derivative(Loss::Logistic, &mut ln_sigma, &mut scratch.tmp);
                    for an in g.iter_mut() {
                        an.sub_assign(&c);
                        an.add_assign(&ln_sigma);
                    }
                }
            }
        }
        // ln L = m + ln Σ e^{b_n − m}, m = max b.
        m.set(&b[0]);
        for bn in b.iter().skip(1) {
            if bn.partial_cmp_s(m) == Some(Ordering::Greater) {
                m.set(bn);
            }
        }
        s.set_f64(0.0);
        for bn in b.iter() {
            scratch.tmp.set(bn);
            scratch.tmp.sub_assign(m);
            scratch.tmp.exp_mut();
            s.add_assign(&scratch.tmp);
        }
        s.ln_mut();
        s.add_assign(m);
        if !s.is_finite() {
            return Err(Event::NonFinite);
        }
        for g in grad.iter_mut() {
            g.set_f64(0.0);
        }
        for (k, an) in a.iter_mut().enumerate() {
            an.sub_assign(s);
            an.exp_mut(); // q_k
            if an.is_zero() {
                return Err(Event::Underflow { point: k });
            }
            if !an.is_finite() {
                return Err(Event::NonFinite);
            }
            for (g, zj) in grad.iter_mut().zip(obj.z(k)) {
                g.mul_add_assign(an, zj);
            }
        }
        for (wi, g) in w.iter_mut().zip(grad.iter()) {
            wi.mul_add_assign(&self.eta, g);
        }
        st.t += 1;
        Ok(())
    }
}
