//! The witness of a limit claim: the limit `q∞` of a measured quantity `q(t)` extrapolated
//! from the trajectory alone, with an error bar from the extrapolation's own consistency
//! (docs/theory/verdicts.md §2). The prediction never enters: a verdict compares the
//! predicted limit with this estimate, so a wrong prediction cannot widen its own tolerance.
//!
//! **Model.** Every component of `q(t)` is modelled as `q∞ + A f₁(t) + B f₂(t)`, with the
//! rate functions of the claim (theory §2.7: `t^{−κ}` and, as second term, `t^{−κ} ln t` at a
//! resonance or `t^{−κ₂}` for the next exponent `κ₂` of the linearized dynamics). The three
//! unknowns are solved exactly from three checkpoints.
//!
//! **Windows.** The judged range `[t₀, T]`, `t₀ = max(√T, start of the asymptotic regime)`,
//! is cut into three equal steps of `ln t`, giving four checkpoints `t₀ < t₁ < t₂ < T`
//! (the nearest sampled ones). The estimate is the solve on the late window `(t₁, t₂, T)`;
//! the same solve on the early window `(t₀, t₁, t₂)` is its consistency check.
//!
//! **Error bar.** `2·|late − early|` (per component), plus the rounding of the samples
//! amplified by the solve (`Σ_i |c_i|·noise(t_i)` with `q∞ = Σ_i c_i q(t_i)`). If the error
//! of the estimate falls by at least a factor 3/2 from the early window to the late one (its
//! terms decay like a power of `t` and the windows are a factor `(T/t₀)^{1/3}` apart), the
//! late estimate is within `2·|late − early|` of the true limit.

use super::linalg::{self, lt};
use super::predict::SubLeading;
use crate::scalar::Scalar;

/// One sample of a measured quantity.
#[derive(Clone, Debug)]
pub struct Sample<S: Scalar> {
    /// Step.
    pub t: u64,
    /// `ln t`.
    pub ln_t: S,
    /// The quantity's components.
    pub q: Vec<S>,
    /// Rounding floor at this step (docs/theory/precision.md).
    pub noise: S,
}

/// The rate at which a quantity approaches its limit.
#[derive(Clone, Debug)]
pub struct PolyRate<S: Scalar> {
    /// Leading exponent `κ`: `q(t) − q∞ = O(t^{−κ})`.
    pub kappa: S,
    /// The sub-leading term.
    pub next: Option<SubLeading<S>>,
}

impl<S: Scalar> PolyRate<S> {
    /// The two basis functions of `ln t` of the model.
    fn basis(&self, l: &S) -> (S, S) {
        let f1 = power(&self.kappa, l);
        let f2 = match &self.next {
            Some(SubLeading::Next(k2)) => power(k2, l),
            // a resonance, or nothing known: the log-corrected term
            _ => f1.clone().mul(l),
        };
        (f1, f2)
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        let k = self.kappa.to_decimal(4);
        match &self.next {
            Some(SubLeading::Next(k2)) => format!("q∞ + A t^-{k} + B t^-{}", k2.to_decimal(4)),
            _ => format!("q∞ + A t^-{k} + B t^-{k} ln t"),
        }
    }
}

/// `t^{−k}` from `ln t`.
pub fn power<S: Scalar>(k: &S, l: &S) -> S {
    let mut e = k.clone().mul(l);
    e.neg_mut();
    e.exp()
}

/// An extrapolated limit.
#[derive(Clone, Debug)]
pub struct Limit<S: Scalar> {
    /// The estimate of `q∞`, per component (late window).
    pub value: Vec<S>,
    /// Its error bar, per component.
    pub bar: Vec<S>,
    /// The four checkpoints used, `t₀ < t₁ < t₂ < T`.
    pub points: [u64; 4],
    /// `q(t₀)`, the quantity at the first judged checkpoint.
    pub first: Vec<S>,
}

/// The weights `c` with `q∞ = Σ c_i q(t_i)` of the model through three samples; `None` if
/// the 3×3 system is singular or not finite.
fn weights<S: Scalar>(rate: &PolyRate<S>, ls: [&S; 3]) -> Option<[S; 3]> {
    let ctx = ls[0].ctx();
    let one = S::from_f64(1.0, ctx);
    let rows: Vec<[S; 3]> = ls
        .iter()
        .map(|l| {
            let (a, b) = rate.basis(l);
            [one.clone(), a, b]
        })
        .collect();
    // first row of the inverse of [[1, f1(t_i), f2(t_i)]]ᵀ-rows: the cofactors of column 0
    let m = |i: usize, j: usize| &rows[i][j];
    let minor = |r1: usize, r2: usize| {
        m(r1, 1)
            .clone()
            .mul(m(r2, 2))
            .sub(&m(r1, 2).clone().mul(m(r2, 1)))
    };
    let c0 = minor(1, 2);
    let mut c1 = minor(0, 2);
    c1.neg_mut();
    let c2 = minor(0, 1);
    let det = c0.clone().add(&c1).add(&c2); // expansion along the column of ones
    if det.is_zero() || !det.is_finite() {
        return None;
    }
    let w = [c0.div(&det), c1.div(&det), c2.div(&det)];
    w.iter().all(S::is_finite).then_some(w)
}

fn apply<S: Scalar>(w: &[S; 3], qs: [&[S]; 3], ctx: S::Ctx) -> Vec<S> {
    (0..qs[0].len())
        .map(|j| {
            let mut acc = S::zero(ctx);
            for (wi, q) in w.iter().zip(qs) {
                acc.mul_add_assign(wi, &q[j]);
            }
            acc
        })
        .collect()
}

/// The sample whose `ln t` is nearest to `target` among `pts`.
fn nearest<'a, S: Scalar>(pts: &[&'a Sample<S>], target: &S) -> Option<&'a Sample<S>> {
    let mut best: Option<(&Sample<S>, S)> = None;
    for p in pts {
        let d = p.ln_t.clone().sub(target).abs();
        if best.as_ref().is_none_or(|(_, bd)| lt(&d, bd)) {
            best = Some((p, d));
        }
    }
    best.map(|(p, _)| p)
}

/// Extrapolates the limit of the samples (which end at the judged horizon `T`) from the
/// checkpoints with `t ≥ max(√T, t_start)`. `Err` with the reason (and what to change) when
/// there are not four distinct checkpoints there or the solve is singular.
pub fn extrapolate<S: Scalar>(
    samples: &[Sample<S>],
    rate: &PolyRate<S>,
    t_start: u64,
) -> Result<Limit<S>, String> {
    let last = samples.last().ok_or("no checkpoints")?;
    let t_end = last.t;
    let ctx = last.ln_t.ctx();
    let judged: Vec<&Sample<S>> = samples
        .iter()
        .filter(|p| p.t >= t_start && u128::from(p.t) * u128::from(p.t) >= u128::from(t_end))
        .filter(|p| p.q.iter().all(S::is_finite) && p.ln_t.is_finite())
        .collect();
    let first = judged.first().ok_or_else(|| {
        format!(
            "the asymptotic regime (§2.7) starts at t = {t_start}, after T = {t_end}: run longer"
        )
    })?;
    let (l0, l3) = (first.ln_t.clone(), last.ln_t.clone());
    let mut h = l3.clone().sub(&l0);
    h.mul_f64(1.0 / 3.0);
    let mut chosen: Vec<&Sample<S>> = vec![first];
    for k in 1..3 {
        let mut target = h.clone();
        target.mul_f64(k as f64);
        let target = l0.clone().add(&target);
        if let Some(p) = nearest(&judged, &target) {
            chosen.push(p);
        }
    }
    chosen.push(last);
    let pts: Vec<u64> = chosen.iter().map(|p| p.t).collect();
    if pts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!(
            "needs four distinct checkpoints in [max(√T, {t_start}), T = {t_end}] (the judged range of the asymptotic regime, §2.7): run longer"
        ));
    }
    let late = weights(rate, [&chosen[1].ln_t, &chosen[2].ln_t, &chosen[3].ln_t])
        .ok_or("the extrapolation system is singular")?;
    let early = weights(rate, [&chosen[0].ln_t, &chosen[1].ln_t, &chosen[2].ln_t])
        .ok_or("the extrapolation system is singular")?;
    let value = apply(&late, [&chosen[1].q, &chosen[2].q, &chosen[3].q], ctx);
    let before = apply(&early, [&chosen[0].q, &chosen[1].q, &chosen[2].q], ctx);
    let mut rounding = S::zero(ctx);
    for (w, p) in late.iter().zip(&chosen[1..]) {
        rounding.mul_add_assign(&w.clone().abs(), &p.noise);
    }
    let bar: Vec<S> = value
        .iter()
        .zip(&before)
        .map(|(a, b)| {
            let mut d = a.clone().sub(b).abs();
            d.mul_f64(2.0);
            d.add(&rounding)
        })
        .collect();
    if !value.iter().chain(&bar).all(S::is_finite) {
        return Err("the extrapolated limit is not finite".into());
    }
    Ok(Limit {
        value,
        bar,
        points: [pts[0], pts[1], pts[2], pts[3]],
        first: first.q.clone(),
    })
}

/// The Euclidean norm (a helper for callers combining components).
pub fn euclid<S: Scalar>(v: &[S], ctx: S::Ctx) -> S {
    linalg::norm(v, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(q: impl Fn(f64) -> Vec<f64>, t_max: u32) -> Vec<Sample<f64>> {
        (1..=t_max)
            .map(|k| {
                let t = (1u64 << k) as f64;
                Sample {
                    t: 1 << k,
                    ln_t: t.ln(),
                    q: q(t),
                    noise: 1e-15,
                }
            })
            .collect()
    }

    #[test]
    fn the_limit_of_an_exact_model_is_recovered_within_rounding() {
        // q(t) = 3 + 2 t^-0.25 − 5 t^-0.5: the model with κ = 1/4, κ₂ = 1/2 (hand-chosen)
        let rate = PolyRate {
            kappa: 0.25,
            next: Some(SubLeading::Next(0.5)),
        };
        let s = samples(|t| vec![3.0 + 2.0 * t.powf(-0.25) - 5.0 * t.powf(-0.5)], 20);
        let l = extrapolate(&s, &rate, 0).unwrap();
        assert!((l.value[0] - 3.0).abs() < 1e-9, "{}", l.value[0]);
        assert!(l.bar[0] < 1e-9);
    }

    #[test]
    fn an_unmodelled_term_widens_the_bar_to_cover_the_true_limit() {
        // a t^-0.75 term the model does not know: the bar must still contain the limit 1
        let rate = PolyRate {
            kappa: 0.25,
            next: Some(SubLeading::Next(0.5)),
        };
        let s = samples(
            |t| vec![1.0 + t.powf(-0.25) + 0.5 * t.powf(-0.5) + 4.0 * t.powf(-0.75)],
            17,
        );
        let l = extrapolate(&s, &rate, 0).unwrap();
        let err = (l.value[0] - 1.0).abs();
        assert!(err > 1e-6, "the test needs a visible model error ({err})");
        assert!(err <= l.bar[0], "error {err} outside bar {}", l.bar[0]);
    }

    #[test]
    fn a_run_too_short_for_four_checkpoints_is_not_judged() {
        let rate = PolyRate {
            kappa: 1.0,
            next: None,
        };
        let s = samples(|t| vec![1.0 / t], 3);
        assert!(extrapolate(&s, &rate, 0).is_err());
    }
}
