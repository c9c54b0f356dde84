//! Greedy coordinate descent, the steepest descent for the ℓ1 norm: move only the
//! coordinate `i* = argmax_i |∂_i L|` (the first on ties), `w_{i*} ← w_{i*} − η ∂_{i*} L`
//! (`‖Δw‖₁ = ‖∇L‖∞`, the dual norm).
//!
//! **Predicted limit.** The ℓ1 max-margin direction: `min_n z_n·w/‖w‖₁ → γ₁* =
//! max_{‖w‖₁ ≤ 1} min_n z_n·w`, with direction convergence when the maximizer is unique
//! (Gunasekar, Lee, Soudry, Srebro 2018; the AdaBoost connection; theory §4 [P-abs], details
//! [M]). Default step: `η B² L(w0) ≤ 0.85` with `B = max_n ‖z_n‖∞` (the §8.1 argument in
//! this geometry). Margins grow like `ln t`: nothing underflows in practice.

use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;
use std::cmp::Ordering;

/// ℓ1 steepest (greedy coordinate) descent with step `η`.
#[derive(Clone, Debug)]
pub struct CoordinateDescent<S: Scalar> {
    eta: S,
}

impl<S: Scalar> CoordinateDescent<S> {
    /// Coordinate descent with step `eta` (rounded once into `S`).
    pub fn new(eta: &Rational, ctx: S::Ctx) -> Self {
        CoordinateDescent {
            eta: S::from_rational(eta, ctx),
        }
    }
}

impl<S: Scalar> Optimizer<S> for CoordinateDescent<S> {
    fn name(&self) -> String {
        "coordinate".into()
    }

    /// Memory: [`Memory::Coordinate`] (scratch: best |g|, current |g|).
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        let z = S::zero(obj.ctx());
        st.memory = Memory::Coordinate {
            best: z.clone(),
            cur: z,
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let Memory::Coordinate { best, cur } = &mut st.memory else {
            // another method's memory: start afresh, as `init`
            // does (the step then finds the variant it matches above)
            self.init(obj, st);
            return self.step(obj, st);
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let (w, grad) = (&mut st.w, &st.grad);
        let mut arg = 0;
        best.set_f64(-1.0);
        for (i, g) in grad.iter().enumerate() {
            cur.set(g);
            cur.abs_mut();
            match cur.partial_cmp_s(best) {
                Some(Ordering::Greater) => {
                    best.set(cur);
                    arg = i;
                }
                // overlapping enclosures: which coordinate is steepest is not known
                None if !cur.is_nan() && !best.is_nan() => return Err(Event::Undecided),
                _ => {}
            }
        }
        if let (Some(wi), Some(g)) = (w.get_mut(arg), grad.get(arg)) {
            wi.mul_add_assign(&self.eta, g);
        }
        st.t += 1;
        Ok(())
    }
}
