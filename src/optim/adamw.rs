//! AdamW: Adam with decoupled weight decay, `w ← (1 − η_t λ) w` before each Adam step
//! (Loshchilov & Hutter 2019). One implementation: this is [`Adam`] with a weight decay.
//!
//! **Predicted limit.** Not a direction: with a non-increasing rate and `Σ η_t = ∞`, *if* the
//! iterates converge, the limit is a KKT point of `min L(w) s.t. ‖w‖∞ ≤ 1/λ` (Xie & Li 2024
//! [P-abs]; theory §5 table). The check is therefore `‖w(t)‖∞ ≤ 1/λ` (plus slack), reported
//! as observed; it is not an implicit-bias direction claim.

use super::{Adam, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Adam with decoupled weight decay `λ > 0`.
#[derive(Clone, Debug)]
pub struct AdamW<S: Scalar>(Adam<S>);

impl<S: Scalar> AdamW<S> {
    /// AdamW: the parameters of [`Adam::new`] plus the weight decay `lambda`.
    pub fn new(
        eta: &Rational,
        beta1: &Rational,
        beta2: &Rational,
        eps: &Rational,
        lr_decay: &Rational,
        lambda: &Rational,
        ctx: S::Ctx,
    ) -> Self {
        AdamW(Adam::new(eta, beta1, beta2, eps, lr_decay, ctx).with_weight_decay(lambda, ctx))
    }
}

impl<S: Scalar> Optimizer<S> for AdamW<S> {
    fn name(&self) -> String {
        "adamw".into()
    }
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        self.0.init(obj, st);
    }
    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        self.0.step(obj, st)
    }
    fn preconditioner(&self, st: &State<S>) -> Option<Vec<S>> {
        self.0.preconditioner(st)
    }
}
