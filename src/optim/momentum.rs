//! Heavy-ball momentum: `v ← βv − η∇L(w)`, `w ← w + v` (`v(0) = 0`).
//!
//! **Predicted limit.** Direction `ŵ`, the L2 max-margin vector: a theorem for the direction
//! (Wang et al. 2022 [P-abs]; theory §5 table, first row). Finer, this project's derivation
//! (theory §2.9 [D], verified numerically [N]): momentum is asymptotically GD with the
//! effective step `η/(1−β)`, so the residual `ρ(t) = w(t) − ŵ ln t` tends to `w̃(η/(1−β))`,
//! GD's `w̃` at that step, not at `η` (the two differ by `ŵ ln(1/(1−β))`).

use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Heavy-ball momentum with step `η` and momentum `β ∈ [0, 1)`.
#[derive(Clone, Debug)]
pub struct Momentum<S: Scalar> {
    eta: S,
    beta: S,
}

impl<S: Scalar> Momentum<S> {
    /// Momentum with step `eta` and coefficient `beta` (both rounded once into `S`).
    pub fn new(eta: &Rational, beta: &Rational, ctx: S::Ctx) -> Self {
        Momentum {
            eta: S::from_rational(eta, ctx),
            beta: S::from_rational(beta, ctx),
        }
    }
}

impl<S: Scalar> Optimizer<S> for Momentum<S> {
    fn name(&self) -> String {
        "momentum".into()
    }

    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        st.memory = Memory::Momentum {
            velocity: vec![S::zero(obj.ctx()); obj.d()],
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let velocity = match &mut st.memory {
            Memory::Momentum { velocity } if velocity.len() == obj.d() => velocity,
            _ => {
                // another method's memory, or another dimension's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        for ((wi, vi), gi) in st.w.iter_mut().zip(velocity.iter_mut()).zip(st.grad.iter()) {
            vi.mul_assign(&self.beta);
            vi.mul_add_assign(&self.eta, gi);
            wi.add_assign(vi);
        }
        st.t += 1;
        Ok(())
    }
}
