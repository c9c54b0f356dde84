//! Full-batch gradient descent `w(t+1) = w(t) − η ∇L(w(t))`.
//!
//! Predicted limit (theorem, Soudry et al. 2018, Thm. 3; theory §1.2): the direction of
//! `w(t)` converges to the L2 max-margin vector `ŵ`, with `w(t) = ŵ ln t + ρ(t)`.

use super::{Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Gradient descent with a constant step `η` (exact rational, rounded once into `S`).
#[derive(Clone, Debug)]
pub struct GradientDescent<S: Scalar> {
    eta: S,
}

impl<S: Scalar> GradientDescent<S> {
    /// GD with step `eta`.
    pub fn new(eta: &Rational, ctx: S::Ctx) -> Self {
        GradientDescent {
            eta: S::from_rational(eta, ctx),
        }
    }
}

impl<S: Scalar> Optimizer<S> for GradientDescent<S> {
    fn name(&self) -> String {
        "gd".into()
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        for (w, g) in st.w.iter_mut().zip(&st.grad) {
            w.mul_add_assign(&self.eta, g);
        }
        st.t += 1;
        Ok(())
    }
}
