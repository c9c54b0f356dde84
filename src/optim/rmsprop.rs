//! RMSProp: `v ← ρv + (1−ρ) g²`, `w ← w + η g/(√v + ε)` with `g = −∇L`, `v(0) = 0`, ε ≥ 0.
//!
//! **Predicted limit.** With ε > 0: the L2 max-margin direction `ŵ`, eventually — `v` is a
//! moving average, so `v → 0` as the gradients vanish, `1/(√v + ε) → 1/ε`, and RMSProp
//! becomes GD with step `η/ε` (Wang, Meng, Chen, Liu 2021 [P-abs]; mechanism theory §5 [D];
//! safe assertion (ii): after the handover the increments align with the L2 geometry).
//! With ε = 0: no prediction (theory §5 gives none; nothing is asserted).
//!
//! A squared gradient coordinate that underflows (f64) while it still matters (`v` is not a
//! normal number and `ε < 2^−480`) is reported as [`Event::Underflow`] for the point with the
//! largest weight.

use super::moments::{accumulate_square, dominant_point, eps_floor};
use super::{Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// RMSProp with step `η`, decay `ρ ∈ [0, 1)` and `ε ≥ 0`.
#[derive(Clone, Debug)]
pub struct RmsProp<S: Scalar> {
    eta: S,
    rho: S,
    one_minus_rho: S,
    eps: S,
    /// ε dominates any square lost to underflow (see `moments::eps_floor`).
    floor: bool,
}

impl<S: Scalar> RmsProp<S> {
    /// RMSProp with step `eta`, decay `rho` and `eps` (rounded once into `S`).
    pub fn new(eta: &Rational, rho: &Rational, eps: &Rational, ctx: S::Ctx) -> Self {
        RmsProp {
            eta: S::from_rational(eta, ctx),
            rho: S::from_rational(rho, ctx),
            one_minus_rho: S::from_rational(&Rational::from(1 - rho), ctx),
            eps: S::from_rational(eps, ctx),
            floor: eps_floor(eps, false),
        }
    }
}

impl<S: Scalar> Optimizer<S> for RmsProp<S> {
    fn name(&self) -> String {
        "rmsprop".into()
    }

    /// Memory: [`Memory::RmsProp`], the moving average `v` of the squares and one scratch scalar.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        st.memory = Memory::RmsProp {
            mean_sq: vec![S::zero(obj.ctx()); obj.d()],
            tmp: S::zero(obj.ctx()),
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let (v, tmp) = match &mut st.memory {
            Memory::RmsProp { mean_sq, tmp } if mean_sq.len() == obj.d() => (mean_sq, tmp),
            _ => {
                // another method's memory, or another dimension's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let (w, grad, scratch) = (&mut st.w, &st.grad, &st.scratch);
        for ((wi, gi), vi) in w.iter_mut().zip(grad.iter()).zip(v.iter_mut()) {
            if !accumulate_square(
                vi,
                gi,
                Some(&self.rho),
                Some(&self.one_minus_rho),
                self.floor,
                tmp,
            ) {
                return Err(Event::Underflow {
                    point: dominant_point(&scratch.weights),
                });
            }
            if gi.is_zero() {
                continue;
            }
            tmp.set(vi);
            tmp.sqrt_mut();
            tmp.add_assign(&self.eps);
            if tmp.is_zero() {
                return Err(Event::Underflow {
                    point: dominant_point(&scratch.weights),
                });
            }
            tmp.recip_mut();
            tmp.mul_assign(gi);
            wi.mul_add_assign(&self.eta, tmp);
        }
        st.t += 1;
        Ok(())
    }

    fn preconditioner(&self, st: &State<S>) -> Option<Vec<S>> {
        let Memory::RmsProp { mean_sq: v, .. } = &st.memory else {
            return None;
        };
        Some(
            v.iter()
                .map(|a| {
                    let mut p = a.clone();
                    p.sqrt_mut();
                    p.add_assign(&self.eps);
                    p.recip_mut();
                    p
                })
                .collect(),
        )
    }
}
