//! Full-batch gradient descent `w(t+1) = w(t) − η ∇L(w(t))`.
//!
//! Predicted limit (theorem, Soudry et al. 2018, Thm. 3; theory §1.2): the direction of
//! `w(t)` converges to the L2 max-margin vector `ŵ`, with `w(t) = ŵ ln t + ρ(t)`.
//!
//! ## Incremental exponentials
//! [`GradientDescent::incremental`] computes the same iteration, but for the exponential
//! loss it keeps the weights `q_n = e^{−z_n·w}` in the state and updates them by
//! `q_n ← q_n·e^{−δ_n}`, `δ_n = z_n·(w(t+1) − w(t))`, with the rigorously truncated series of
//! [`ExpSeries`](super::ExpSeries) instead of a full exponential. The difference
//! `w(t+1) − w(t)` is taken from the rounded iterates (exact when they are within a factor
//! 2, Sterbenz), so the weights follow the iterate actually stored. Every `resync` steps,
//! whenever `max_n |δ_n|` could exceed 1/8, and whenever a weight is zero or not finite, the
//! weights are recomputed exactly from `w` by [`Objective::weights`], which also reports
//! underflow and non-finite values exactly as the plain step does. Other losses take the
//! plain step.

use super::ExpSeries;
use super::{Memory, Optimizer, State};
use crate::loss::Loss;
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Default number of steps between exact recomputations of the incremental weights.
pub(crate) const DEFAULT_RESYNC: u64 = 64;

/// Gradient descent with a constant step `η` (exact rational, rounded once into `S`).
#[derive(Clone, Debug)]
pub struct GradientDescent<S: Scalar> {
    eta: S,
    incremental: Option<Incremental<S>>,
}

#[derive(Clone, Debug)]
struct Incremental<S: Scalar> {
    series: ExpSeries<S>,
    resync: u64,
}

impl<S: Scalar> GradientDescent<S> {
    /// GD with step `eta`.
    pub fn new(eta: &Rational, ctx: S::Ctx) -> Self {
        GradientDescent {
            eta: S::from_rational(eta, ctx),
            incremental: None,
        }
    }

    /// GD with step `eta` whose exponential-loss weights are updated incrementally (see the
    /// module documentation), resynchronised every `DEFAULT_RESYNC` steps.
    pub fn incremental(eta: &Rational, ctx: S::Ctx) -> Self {
        GradientDescent {
            eta: S::from_rational(eta, ctx),
            incremental: Some(Incremental {
                series: ExpSeries::new(ctx),
                resync: DEFAULT_RESYNC,
            }),
        }
    }

    /// Sets the resynchronisation period of an incremental GD (at least 1; 1 recomputes
    /// every step). No effect on plain GD.
    pub fn with_resync(mut self, every: u64) -> Self {
        if let Some(inc) = &mut self.incremental {
            inc.resync = every.max(1);
        }
        self
    }

    fn plain_step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        for (w, g) in st.w.iter_mut().zip(&st.grad) {
            w.mul_add_assign(&self.eta, g);
        }
        st.t += 1;
        Ok(())
    }

    fn incremental_step(
        &self,
        inc: &Incremental<S>,
        obj: &Objective<S>,
        st: &mut State<S>,
    ) -> Result<(), Event> {
        let State {
            t,
            w,
            grad,
            memory,
            scratch,
            ..
        } = st;
        let (q, dw, acc, t2) = match memory {
            Memory::Incremental {
                weights,
                neg_step,
                acc,
                tmp,
                ..
            } if weights.len() == obj.n() && neg_step.len() == obj.d() => {
                (weights, neg_step, acc, tmp)
            }
            _ => {
                // another method's memory, or another data set's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                st.memory = Self::incremental_memory(obj);
                return self.incremental_step(inc, obj, st);
            }
        };
        // 1. The weights: the cached ones, unless a resynchronisation is due or one of them
        //    is unusable (zero, non-finite, or invalidated by a large step).
        let fresh = *t % inc.resync == 0 || q.iter().any(|v| !v.is_finite() || v.is_zero());
        if fresh {
            obj.weights(w, scratch)?;
            for (a, b) in q.iter_mut().zip(&scratch.weights) {
                a.set(b);
            }
        }
        obj.neg_gradient_from_weights(q, grad);
        // 2. The step, keeping −Δw = w(t) − w(t+1) (exact under Sterbenz's condition).
        let mut dw2 = 0.0f64;
        for ((wj, gj), dj) in w.iter_mut().zip(grad.iter()).zip(dw.iter_mut()) {
            dj.set(wj);
            wj.mul_add_assign(&self.eta, gj);
            dj.sub_assign(wj);
            dw2 += dj.to_f64().powi(2);
        }
        *t += 1;
        // 3. The weights at w(t+1): q_n ← q_n·e^{x_n}, x_n = z_n·(−Δw), |x_n| ≤ R‖Δw‖
        //    (x_n in the scratch weights, free at this point).
        let slack = 1.0 + 1.0 / (1u64 << 40) as f64;
        let bound = obj.z_norm_bound() * dw2.sqrt() * slack;
        match inc.series.plan(bound) {
            Some(plan) => {
                let xs = &mut scratch.weights;
                S::mat_vec(xs, obj.z_all(), dw);
                for (qn, xn) in q.iter_mut().zip(xs.iter()) {
                    inc.series.mul_exp(plan, qn, xn, acc, t2);
                }
            }
            None => {
                // A large step: recompute at the next step.
                if let Some(q0) = q.first_mut() {
                    q0.set_f64(0.0);
                }
            }
        }
        Ok(())
    }

    /// The memory of an incremental run before its first step: all-zero weights (n), which
    /// force an exact computation at the first step, −Δw (d) and the scratch scalars.
    fn incremental_memory(obj: &Objective<S>) -> Memory<S> {
        let z = S::zero(obj.ctx());
        Memory::Incremental {
            weights: vec![z.clone(); obj.n()],
            neg_step: vec![z.clone(); obj.d()],
            spare: z.clone(),
            acc: z.clone(),
            tmp: z,
        }
    }
}

impl<S: Scalar> Optimizer<S> for GradientDescent<S> {
    fn name(&self) -> String {
        "gd".into()
    }

    /// Memory: [`Memory::Incremental`] for an incremental run on the exponential loss, else
    /// none.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        if self.incremental.is_some() && obj.loss() == Loss::Exponential {
            st.memory = Self::incremental_memory(obj);
        }
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        match &self.incremental {
            Some(inc) if obj.loss() == Loss::Exponential => self.incremental_step(inc, obj, st),
            _ => self.plain_step(obj, st),
        }
    }
}
