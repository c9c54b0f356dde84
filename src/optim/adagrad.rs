//! Diagonal AdaGrad: `G ← G + g²`, `w ← w + η h ⊙ g` with `g = −∇L` and the preconditioner
//! `h = (G + ε)^{−1/2}` (ε ≥ 0 inside the root, the form of theory §4; a coordinate whose
//! gradient has always been 0 does not move).
//!
//! **Predicted limit.** Since the gradients decay like `1/t`, `Σ g²` converges, `h_t → h_∞`,
//! and AdaGrad becomes GD in the coordinates `v = w/√h_∞`: its direction converges to the
//! **weighted SVM** `argmin Σ_i w_i²/h_{∞,i} s.t. z_n·w ≥ 1`, i.e. `√h_∞ ⊙ v̂′` with `v̂′` the
//! L2 max-margin vector of the rescaled points `z′_{n,i} = z_{n,i} √h_{∞,i}`. `h_∞` depends on
//! `w(0)`, `η` and `ε`, so the limit does. Status: the dependence on the initialization is
//! stated by Gunasekar et al. 2018 [P, TL;DR] and Wang et al. 2021 [P-abs]; the weighted-SVM
//! form is Qian & Qian 2019 [M], consistent with this project's numerics — theory §5 safe
//! assertion (iii): test `h_t → h_∞`, the predicted limit and its dependence on `(η, w0)`,
//! never iterate equality (the iterate approaches it only like `1/ln t`).
//! Exact special case (theory §5 [D]): one point and ε = 0 ⇒ `w(t) − w(0) ∥ sign(z)`.
//!
//! A squared gradient coordinate that underflows (f64, `|g_i| < 1.5e−154`) while it still
//! matters (the accumulator is not a normal number and `ε < 2^−1022`) is reported as
//! [`Event::Underflow`] for the point with the largest weight.

use super::moments::{accumulate_square, dominant_point, eps_floor};
use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Diagonal AdaGrad with step `η` and `ε ≥ 0`.
#[derive(Clone, Debug)]
pub struct AdaGrad<S: Scalar> {
    eta: S,
    eps: S,
    /// ε dominates any square lost to underflow (see `moments::eps_floor`).
    floor: bool,
}

impl<S: Scalar> AdaGrad<S> {
    /// AdaGrad with step `eta` and `eps ≥ 0` (rounded once into `S`).
    pub fn new(eta: &Rational, eps: &Rational, ctx: S::Ctx) -> Self {
        AdaGrad {
            eta: S::from_rational(eta, ctx),
            eps: S::from_rational(eps, ctx),
            floor: eps_floor(eps, true),
        }
    }
}

impl<S: Scalar> Optimizer<S> for AdaGrad<S> {
    fn name(&self) -> String {
        "adagrad".into()
    }

    /// Memory: [`Memory::AdaGrad`], the accumulated squares `G` and one scratch scalar.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        st.memory = Memory::AdaGrad {
            sum_sq: vec![S::zero(obj.ctx()); obj.d()],
            tmp: S::zero(obj.ctx()),
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let (acc, tmp) = match &mut st.memory {
            Memory::AdaGrad { sum_sq, tmp } if sum_sq.len() == obj.d() => (sum_sq, tmp),
            _ => {
                // another method's memory, or another dimension's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let (w, grad, scratch) = (&mut st.w, &st.grad, &st.scratch);
        for ((wi, gi), ai) in w.iter_mut().zip(grad.iter()).zip(acc.iter_mut()) {
            if gi.is_zero() {
                continue;
            }
            if !accumulate_square(ai, gi, None, None, self.floor, tmp) {
                return Err(Event::Underflow {
                    point: dominant_point(&scratch.weights),
                });
            }
            tmp.set(ai);
            tmp.add_assign(&self.eps);
            tmp.sqrt_mut();
            tmp.recip_mut();
            tmp.mul_assign(gi);
            wi.mul_add_assign(&self.eta, tmp);
        }
        st.t += 1;
        Ok(())
    }

    fn preconditioner(&self, st: &State<S>) -> Option<Vec<S>> {
        let Memory::AdaGrad { sum_sq: acc, .. } = &st.memory else {
            return None;
        };
        Some(
            acc.iter()
                .map(|a| {
                    let mut h = a.clone();
                    h.add_assign(&self.eps);
                    h.sqrt_mut();
                    h.recip_mut();
                    h
                })
                .collect(),
        )
    }
}
