//! Sign descent, the steepest descent for the ℓ∞ norm:
//! `Δw = ‖∇L‖₁ · sign(−∇L)`, `w ← w + η Δw` (unnormalized: `‖Δw‖∞ = ‖∇L‖₁`, the dual
//! norm; a coordinate with zero gradient does not move).
//!
//! **Predicted limit.** The ℓ∞ max-margin direction: `min_n z_n·w/‖w‖∞ → γ∞* =
//! max_{‖w‖∞ ≤ 1} min_n z_n·w`, and the direction converges when that maximizer is unique
//! (Gunasekar, Lee, Soudry, Srebro 2018, steepest descent w.r.t. a norm; theory §4 [P-abs],
//! details [M]). The step condition used by default, `η B² L(w0) ≤ 0.85` with
//! `B = max_n ‖z_n‖₁`, is this project's transcription of theory §8.1 to this geometry
//! (every margin moves by at most `η B² L` per step). Margins grow like `ln t`, as for GD, so
//! nothing underflows in practice.

use super::moments::sign;
use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// ℓ∞ steepest descent with step `η`.
#[derive(Clone, Debug)]
pub struct SignDescent<S: Scalar> {
    eta: S,
}

impl<S: Scalar> SignDescent<S> {
    /// Sign descent with step `eta` (rounded once into `S`).
    pub fn new(eta: &Rational, ctx: S::Ctx) -> Self {
        SignDescent {
            eta: S::from_rational(eta, ctx),
        }
    }
}

impl<S: Scalar> Optimizer<S> for SignDescent<S> {
    fn name(&self) -> String {
        "sign".into()
    }

    /// Memory: [`Memory::Sign`] (scratch: `η‖∇L‖₁`, `|g_i|`, zero).
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        let z = S::zero(obj.ctx());
        st.memory = Memory::Sign {
            l1: z.clone(),
            abs: z.clone(),
            zero: z,
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let Memory::Sign { l1, abs: tmp, zero } = &mut st.memory else {
            // another method's memory: start afresh, as `init`
            // does (the step then finds the variant it matches above)
            self.init(obj, st);
            return self.step(obj, st);
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let (w, grad) = (&mut st.w, &st.grad);
        l1.set_f64(0.0);
        for g in grad.iter() {
            tmp.set(g);
            tmp.abs_mut();
            l1.add_assign(tmp);
        }
        // η ‖g‖₁
        l1.mul_assign(&self.eta);
        zero.set_f64(0.0);
        for (wi, g) in w.iter_mut().zip(grad.iter()) {
            match sign(g, zero)? {
                1 => wi.add_assign(l1),
                -1 => wi.sub_assign(l1),
                _ => {}
            }
        }
        st.t += 1;
        Ok(())
    }
}
