//! Adam with bias correction (Kingma & Ba 2015), `g = −∇L`, `m(0) = v(0) = 0`:
//!
//! ```text
//! m ← β1 m + (1−β1) g,    v ← β2 v + (1−β2) g²,
//! m̂ = m/(1−β1^{t+1}),    v̂ = v/(1−β2^{t+1}),
//! w ← w + η_t m̂/(√v̂ + ε),  η_t = η (t+1)^{−a}   (a = 0: constant learning rate).
//! ```
//!
//! **Predicted limit** (theory §5; only the *safe assertions* are ever checked):
//! * ε = 0 and a decaying rate (`a ∈ (0, 1]`): the ℓ∞ max margin, `min_n z_n·w/‖w‖∞ → γ∞*`
//!   (Zhang, Zou, Cao 2024 [P-abs + S]; exact β conditions [M]); the direction converges to
//!   the ℓ∞ max-margin direction when that is unique. Safe assertion (i).
//! * ε > 0: eventually the L2 geometry — `v → 0`, `1/(√v̂ + ε) → 1/ε`, and Adam becomes GD
//!   with step `η/ε` (Wang et al. 2022, deterministic Adam [P-abs]; mechanism [D]). Safe
//!   assertion (ii): after the handover the increments align with `−∇L`.
//! * ε = 0 and a constant rate: **no prediction**. Observed in this project's runs only
//!   (theory §5 [N]): the "β2 throttle" freezes the preconditioner and the direction stalls
//!   at a place that depends on `w(0)` and the hyper-parameters; it is *not* the ℓ∞ answer
//!   in general, and nothing claims it is.
//!
//! f64 underflow: `g²` underflows once `|g| < 1.5e−154` (loss around `1e−154`, reached after
//! about 10⁴–10⁶ steps on small data, theory §8.2); with ε = 0 Adam then divides by a
//! vanishing `√v̂`. The step reports that as [`Event::Underflow`] (for the point with the
//! largest weight) instead of continuing, whenever the lost square matters (`v` is not a
//! normal number and `ε < 2^−480`). On data with points far off the margin, a loss weight
//! `e^{−z_n·w}` often leaves the range first; that is reported too. MPFR's exponent range
//! meets neither.

use super::moments::{accumulate_square, dominant_point, eps_floor};
use super::{AdamScalars, Memory, Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Adam (and, with a weight decay, AdamW: see [`AdamW`](super::AdamW)).
#[derive(Clone, Debug)]
pub struct Adam<S: Scalar> {
    eta: S,
    beta1: S,
    beta2: S,
    one_minus_beta1: S,
    one_minus_beta2: S,
    eps: S,
    /// ε dominates any square lost to underflow (see `moments::eps_floor`).
    floor: bool,
    /// The schedule `η (t+1)^{−a}`.
    decay: Decay<S>,
    /// Decoupled weight decay `λ` (AdamW).
    weight_decay: Option<S>,
}

impl<S: Scalar> Adam<S> {
    /// Adam with step `eta`, moments `beta1`, `beta2` in `[0, 1)`, `eps ≥ 0` and the
    /// learning-rate decay exponent `lr_decay = a ≥ 0` (`η_t = η (t+1)^{−a}`; 0 = constant).
    pub fn new(
        eta: &Rational,
        beta1: &Rational,
        beta2: &Rational,
        eps: &Rational,
        lr_decay: &Rational,
        ctx: S::Ctx,
    ) -> Self {
        Adam {
            eta: S::from_rational(eta, ctx),
            beta1: S::from_rational(beta1, ctx),
            beta2: S::from_rational(beta2, ctx),
            one_minus_beta1: S::from_rational(&Rational::from(1 - beta1), ctx),
            one_minus_beta2: S::from_rational(&Rational::from(1 - beta2), ctx),
            eps: S::from_rational(eps, ctx),
            floor: eps_floor(eps, false),
            decay: if *lr_decay == 0 {
                Decay::Constant
            } else if *lr_decay == Rational::from((1, 2)) {
                Decay::InvSqrt
            } else if *lr_decay == 1 {
                Decay::Inv
            } else {
                Decay::Power(S::from_rational(&Rational::from(-lr_decay), ctx))
            },
            weight_decay: None,
        }
    }

    /// The same optimizer with a decoupled weight decay `λ`: before each Adam step,
    /// `w ← (1 − η_t λ) w` (AdamW, Loshchilov & Hutter 2019).
    pub(crate) fn with_weight_decay(mut self, lambda: &Rational, ctx: S::Ctx) -> Self {
        self.weight_decay = (*lambda != 0).then(|| S::from_rational(lambda, ctx));
        self
    }
}

/// The learning-rate schedule `η_t = η (t+1)^{−a}` (the common exponents without `exp`/`ln`).
#[derive(Clone, Debug)]
enum Decay<S: Scalar> {
    /// `a = 0`.
    Constant,
    /// `a = 1/2`: `η/√(t+1)`.
    InvSqrt,
    /// `a = 1`: `η/(t+1)`.
    Inv,
    /// Any other `a`, holding `−a`: `η·exp(−a ln(t+1))`.
    Power(S),
}

impl<S: Scalar> Optimizer<S> for Adam<S> {
    fn name(&self) -> String {
        if self.weight_decay.is_some() {
            "adamw".into()
        } else {
            "adam".into()
        }
    }

    /// Memory: [`Memory::Adam`], with `β1^t = β2^t = 1` at `t = 0`.
    fn init(&self, obj: &Objective<S>, st: &mut State<S>) {
        let z = S::zero(obj.ctx());
        let mut one = z.clone();
        one.set_f64(1.0);
        st.memory = Memory::Adam {
            m: vec![z.clone(); obj.d()],
            v: vec![z.clone(); obj.d()],
            scalars: AdamScalars {
                beta1_t: one.clone(),
                beta2_t: one,
                lr: z.clone(),
                c1: z.clone(),
                c2: z.clone(),
                tmp1: z.clone(),
                tmp2: z,
            },
        };
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let (m, v, scalars) = match &mut st.memory {
            Memory::Adam { m, v, scalars } if m.len() == obj.d() && v.len() == obj.d() => {
                (m, v, scalars)
            }
            _ => {
                // another method's memory, or another dimension's: start afresh, as `init`
                // does (the step then finds the variant it matches above)
                self.init(obj, st);
                return self.step(obj, st);
            }
        };
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let step_number = st.t + 1;
        let (w, grad, scratch) = (&mut st.w, &st.grad, &st.scratch);
        let AdamScalars {
            beta1_t: p1,
            beta2_t: p2,
            lr,
            c1,
            c2,
            tmp1: t1,
            tmp2: t2,
        } = scalars;
        p1.mul_assign(&self.beta1);
        p2.mul_assign(&self.beta2);
        c1.set_f64(1.0);
        c1.sub_assign(p1);
        c2.set_f64(1.0);
        c2.sub_assign(p2);
        lr.set(&self.eta);
        match &self.decay {
            Decay::Constant => {}
            Decay::InvSqrt => {
                t1.set_f64(step_number as f64);
                t1.sqrt_mut();
                lr.div_assign(t1);
            }
            Decay::Inv => {
                t1.set_f64(step_number as f64);
                lr.div_assign(t1);
            }
            Decay::Power(na) => {
                t1.set_f64(step_number as f64);
                t1.ln_mut();
                t1.mul_assign(na);
                t1.exp_mut();
                lr.mul_assign(t1);
            }
        }
        if let Some(lambda) = &self.weight_decay {
            // w ← (1 − η_t λ) w
            t1.set(lr);
            t1.mul_assign(lambda);
            t1.neg_mut();
            t2.set_f64(1.0);
            t2.add_assign(t1);
            for wi in w.iter_mut() {
                wi.mul_assign(t2);
            }
        }
        for (((wi, gi), mi), vi) in w
            .iter_mut()
            .zip(grad.iter())
            .zip(m.iter_mut())
            .zip(v.iter_mut())
        {
            mi.mul_assign(&self.beta1);
            mi.mul_add_assign(&self.one_minus_beta1, gi);
            if !accumulate_square(
                vi,
                gi,
                Some(&self.beta2),
                Some(&self.one_minus_beta2),
                self.floor,
                t1,
            ) {
                return Err(Event::Underflow {
                    point: dominant_point(&scratch.weights),
                });
            }
            if mi.is_zero() {
                continue;
            }
            // den = √(v/c2) + ε
            t1.set(vi);
            t1.div_assign(c2);
            t1.sqrt_mut();
            t1.add_assign(&self.eps);
            if t1.is_zero() {
                return Err(Event::Underflow {
                    point: dominant_point(&scratch.weights),
                });
            }
            // w += η_t (m/c1)/den
            t2.set(mi);
            t2.div_assign(c1);
            t2.div_assign(t1);
            wi.mul_add_assign(lr, t2);
        }
        st.t += 1;
        Ok(())
    }

    fn preconditioner(&self, st: &State<S>) -> Option<Vec<S>> {
        let Memory::Adam { m, v, scalars } = &st.memory else {
            return None;
        };
        if st.t == 0 || m.len() != st.w.len() || v.len() != st.w.len() {
            return None;
        }
        let c2 = &scalars.c2;
        Some(
            v.iter()
                .map(|vi| {
                    let mut p = vi.clone();
                    p.div_assign(c2);
                    p.sqrt_mut();
                    p.add_assign(&self.eps);
                    p.recip_mut();
                    p
                })
                .collect(),
        )
    }
}
