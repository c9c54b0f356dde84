//! Nesterov's accelerated gradient in the momentum form of Sutskever et al. (2013):
//! `v ← βv − η∇L(w + βv)`, `w ← w + v` (`v(0) = 0`).
//!
//! **Predicted limit.** Direction `ŵ`. Not a theorem this project can cite: theory §5 lists
//! Nesterov as [M] (recalled, unconfirmed), so it is *observed only* and tests never assert
//! it strictly. The argument of theory §2.9 for heavy ball (the gradient varies slowly, so the
//! look-ahead changes nothing to first order) suggests the same effective step `η/(1−β)`.
//! Exact invariant (theory §8.2): every update lies in `span{z_n}`, so the component of `w`
//! orthogonal to the data never changes.

use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Nesterov momentum with step `η` and coefficient `β ∈ [0, 1)`.
#[derive(Clone, Debug)]
pub struct Nesterov<S: Scalar> {
    eta: S,
    beta: S,
}

impl<S: Scalar> Nesterov<S> {
    /// Nesterov momentum with step `eta` and coefficient `beta` (rounded once into `S`).
    pub fn new(eta: &Rational, beta: &Rational, ctx: S::Ctx) -> Self {
        Nesterov {
            eta: S::from_rational(eta, ctx),
            beta: S::from_rational(beta, ctx),
        }
    }
}

impl<S: Scalar> Optimizer<S> for Nesterov<S> {
    fn name(&self) -> String {
        "nesterov".into()
    }

    /// Memory: [`Memory::Nesterov`], the velocity `v` and the look-ahead point `y`.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        st.memory = Memory::Nesterov {
            velocity: vec![S::zero(obj.ctx()); obj.d()],
            lookahead: vec![S::zero(obj.ctx()); obj.d()],
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let State {
            w,
            grad,
            memory,
            scratch,
            ..
        } = st;
        let (v, y) = match memory {
            Memory::Nesterov {
                velocity,
                lookahead,
            } if velocity.len() == obj.d() && lookahead.len() == obj.d() => (velocity, lookahead),
            _ => {
                // another method's memory, or another dimension's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        for ((yi, wi), vi) in y.iter_mut().zip(w.iter()).zip(v.iter()) {
            yi.set(wi);
            yi.mul_add_assign(&self.beta, vi);
        }
        obj.neg_gradient(y, grad, scratch)?;
        for ((wi, vi), gi) in w.iter_mut().zip(v.iter_mut()).zip(grad.iter()) {
            vi.mul_assign(&self.beta);
            vi.mul_add_assign(&self.eta, gi);
            wi.add_assign(vi);
        }
        st.t += 1;
        Ok(())
    }
}
