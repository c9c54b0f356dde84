//! Rate fits and verdicts: each claim of theory §2 evaluated on a trajectory with a
//! tolerance derived from its predicted rate and from the precision (docs/theory/verdicts.md).
//!
//! **Rate envelopes** ([`envelope`]). A claim `e(t) = O(t^{−κ})` is checked at the last
//! checkpoint `T` from the checkpoints of the second half of the run in log-time, after the
//! start of the linearized regime of §2.7: one-term (`e(t)(t/T)^κ`) and two-term
//! (`t^{−κ} ln t, t^{−κ}` and `t^{−κ}, t^{−κ₂}`, the exponents of the linearized dynamics)
//! extrapolations, each allowed one factor `ln T/ln t` (the log factors §2.7 admits), plus the
//! rounding floor of the trajectory (docs/theory/precision.md). No other constant enters.
//!
//! **Identities** (§2.5 tan-identity, §2.6 margin-gap identity, the `P2` invariant) are exact
//! algebra: their tolerance is the rounding bound alone.

use super::diagnostics::Checkpoint;
use super::linalg::{self, lt};
use super::predict::{Predicted, Prediction, Regime, SubLeading};
use crate::scalar::Scalar;

/// Outcome of one claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The claim holds within its derived tolerance.
    Pass,
    /// The claim fails.
    Fail,
    /// The claim does not apply to these data or this run (the reason is in `basis`).
    NotApplicable,
}

impl Status {
    /// `PASS`, `FAIL`, `n/a`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "n/a",
        }
    }
}

/// One evaluated claim.
#[derive(Clone, Debug)]
pub struct Verdict<S: Scalar> {
    /// Stable identifier (JSON, tests).
    pub id: &'static str,
    /// What is claimed.
    pub claim: &'static str,
    /// The section of shared/theory.md it checks.
    pub section: &'static str,
    /// Checkpoint at which it was evaluated.
    pub t: u64,
    /// Measured value.
    pub measured: Option<S>,
    /// Predicted value (the limit or the refined prediction at `t`).
    pub predicted: Option<S>,
    /// The deviation that is bounded (`|measured − predicted|`, relative where said).
    pub deviation: Option<S>,
    /// The derived tolerance for the deviation.
    pub tolerance: Option<S>,
    /// Pass, fail or not applicable.
    pub status: Status,
    /// How the tolerance was derived, or why the claim does not apply.
    pub basis: String,
}

/// A rate fit reported beside the verdicts (issue: rate fits).
#[derive(Clone, Debug)]
pub struct Fit<S: Scalar> {
    /// Stable identifier.
    pub id: &'static str,
    /// What is fitted.
    pub what: &'static str,
    /// Section.
    pub section: &'static str,
    /// Measured (fitted) value.
    pub measured: Option<S>,
    /// Predicted value.
    pub predicted: Option<S>,
}

/// The verdicts and fits of one run.
#[derive(Clone, Debug)]
pub struct Assessment<S: Scalar> {
    /// One line per claim.
    pub verdicts: Vec<Verdict<S>>,
    /// Rate fits.
    pub fits: Vec<Fit<S>>,
}

impl<S: Scalar> Assessment<S> {
    /// No checked claim failed.
    pub fn all_hold(&self) -> bool {
        self.verdicts.iter().all(|v| v.status != Status::Fail)
    }
    /// The verdict with this id.
    pub fn get(&self, id: &str) -> Option<&Verdict<S>> {
        self.verdicts.iter().find(|v| v.id == id)
    }
    /// The fit with this id.
    pub fn fit(&self, id: &str) -> Option<&Fit<S>> {
        self.fits.iter().find(|v| v.id == id)
    }
}

/// The rate a claim is checked against.
#[derive(Clone, Debug)]
pub enum Rate<S: Scalar> {
    /// `e(t) = O(t^{−κ})` with its sub-leading structure (§2.7).
    Poly {
        /// Leading exponent.
        kappa: S,
        /// Resonance, or the next exponent of the linearized dynamics.
        next: Option<SubLeading<S>>,
    },
    /// `e(t) = O(g(t))` for a slowly varying `g` of `ln t` (degenerate data, §2.11).
    Slow {
        /// `g` as a function of `ln t` (`None` where not positive).
        g: fn(&S) -> Option<S>,
        /// Its name for reports.
        name: &'static str,
    },
}

impl<S: Scalar> Rate<S> {
    fn g(&self, l: &S) -> Option<S> {
        match self {
            Rate::Poly { kappa, .. } => Some(power(kappa, l)),
            Rate::Slow { g, .. } => g(l),
        }
    }
    fn name(&self) -> String {
        match self {
            Rate::Poly {
                next: Some(SubLeading::Next(_)),
                ..
            } => "t^-κ with two-term fits (t^-κ ln t, t^-κ), (t^-κ, t^-κ₂)".into(),
            Rate::Poly { .. } => "t^-κ with two-term fits (t^-κ ln t, t^-κ)".into(),
            Rate::Slow { name, .. } => (*name).to_string(),
        }
    }
}

/// `t^{−k}` from `ln t`.
fn power<S: Scalar>(k: &S, l: &S) -> S {
    let mut e = k.clone().mul(l);
    e.neg_mut();
    e.exp()
}

/// The result of a rate-envelope check.
#[derive(Clone, Debug)]
pub struct Envelope<S: Scalar> {
    /// First and last checkpoint of the fit window.
    pub window: (u64, u64),
    /// `e(T)`.
    pub value: S,
    /// The bound on `e(T)` (see [`envelope`]).
    pub bound: S,
    /// Least-squares log-log slope of `e` over the window and `T` (if all `e > 0`).
    pub slope: Option<S>,
}

/// One sample of a bounded deviation: its signed components (a scalar claim has one; a
/// vector claim one per coordinate; dual recovery one per support vector).
#[derive(Clone, Debug)]
pub struct DevSample<S: Scalar> {
    /// Step.
    pub t: u64,
    /// Signed components.
    pub comps: Vec<S>,
    /// Rounding floor at this step.
    pub noise: S,
    /// `ln t`.
    pub ln_t: S,
}

/// How the components of a deviation combine into its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// Euclidean norm (vectors; `|x|` for scalars).
    Euclid,
    /// Largest absolute value (dual recovery over the support vectors).
    Max,
}

impl Combine {
    fn size<S: Scalar>(self, v: &[S], ctx: S::Ctx) -> S {
        match self {
            Combine::Euclid => linalg::norm(v, ctx),
            Combine::Max => v
                .iter()
                .fold(S::zero(ctx), |a, x| linalg::max(a, &x.clone().abs())),
        }
    }
}

/// `ln t·z_nᵀ(w/‖w‖ − p/‖p‖)` for every point: the normalized margins of `w(t)` against those
/// of the predicted vector `p = ŵ ln t + w̃`. `min` is 1-Lipschitz in the max-norm, so their
/// largest magnitude bounds `ln t·|γ(t) − γ(p)|`; unlike that difference of two minima (which
/// has a kink whenever `P⊥ρ(t)` crosses zero on its way to `P⊥w̃`), each is smooth in `t`.
fn margin_diffs<S: Scalar>(c: &Checkpoint<S>, z: &[Vec<S>]) -> Option<Vec<S>> {
    let l = c.ln_t.as_ref()?;
    let d = c.refined_dir_diff.as_ref()?;
    let ctx = l.ctx();
    Some(z.iter().map(|zn| linalg::dot(zn, d, ctx).mul(l)).collect())
}

/// Rate-envelope check of `e(t) = O(g(t))` at the last sample `T`, `e(t)` the size of the
/// signed components of each sample. The fit window `W` is the samples with
/// `max(√T, t_start) ≤ t < T` (at least two of them for a polynomial rate, else the claim
/// is not judged: "not yet asymptotic"). Each model is allowed one factor `ln T/ln t_W` (the log
/// factors §2.7 admits), and the largest bound is used:
///
/// * one term: `e(T) ≤ max_{t∈W} e(t)·g(T)/g(t) · ln T/ln t`;
/// * two terms (polynomial rates, `|W| ≥ 2`), per signed component `j`:
///   `e_j(t) = A_j f₁(t) + B_j f₂(t)` fitted exactly at two window points `t₁ < t₂` (the
///   last, and the first or the middle one) and extrapolated to `T` with its signs (so zero
///   crossings and an approach to the limit from below are modelled), the components
///   combined like the deviation, times `ln T/ln t₂`; the pairs are `(t^{−κ} ln t, t^{−κ})`
///   (resonance: a tie, or the `ln t/t` mode along `ŵ`) and, when §2.7 gives a next exponent
///   `κ₂ > κ`, `(t^{−κ}, t^{−κ₂})`.
///
/// `noise(T)` is added to the bound.
pub fn envelope<S: Scalar>(
    pts: &[DevSample<S>],
    combine: Combine,
    rate: &Rate<S>,
    t_start: u64,
) -> Result<Envelope<S>, String> {
    let last = pts.last().ok_or("no checkpoints")?;
    let (t_end, l_end) = (last.t, last.ln_t.clone());
    let ctx = l_end.ctx();
    let size = |p: &DevSample<S>| combine.size(&p.comps, ctx);
    let e_end = size(last);
    let in_range = |p: &&DevSample<S>| {
        p.t < t_end
            && u128::from(p.t) * u128::from(p.t) >= u128::from(t_end)
            && rate.g(&p.ln_t).is_some_and(|g| !g.is_zero())
    };
    let window: Vec<&DevSample<S>> = pts
        .iter()
        .filter(in_range)
        .filter(|p| p.t >= t_start)
        .collect();
    // a polynomial rate is judged with the two-term models, which need two window points
    let need = if matches!(rate, Rate::Poly { .. }) {
        2
    } else {
        1
    };
    if window.len() < need {
        return Err(
            if pts.iter().filter(in_range).count() >= need || t_start >= t_end {
                format!(
                "not yet asymptotic: ‖ηt(−∇L) − ŵ‖ ≤ ‖ŵ‖/2 (§2.7 linearization) only from t = {t_start} on, no fit window before T = {t_end}; run longer"
            )
            } else {
                format!("needs {need} checkpoint(s) t with √T ≤ t < T = {t_end} (run longer)")
            },
        );
    }
    let g_end = rate.g(&l_end).ok_or("rate function undefined at T")?;
    // one term
    let mut bound: Option<S> = None;
    for p in &window {
        let Some(gl) = rate.g(&p.ln_t) else { continue };
        let b = size(p)
            .div(&gl)
            .mul(&g_end)
            .mul(&l_end.clone().div(&p.ln_t));
        bound = Some(match bound {
            None => b,
            Some(x) => linalg::max(x, &b),
        });
    }
    let mut bound = bound.ok_or("empty window")?;
    // two terms, fitted exactly at two window points, per component, extrapolated with
    // their signs: the resonant pair always (a tie or the ŵ mode may be present), the pair
    // with the next exponent when there is one; fitted at (first, last) and (middle, last)
    if let (Rate::Poly { kappa, next }, true) = (rate, window.len() >= 2) {
        let mut models: Vec<(BasisFn<'_, S>, BasisFn<'_, S>)> = vec![(
            Box::new(|l: &S| power(kappa, l).mul(l)),
            Box::new(|l: &S| power(kappa, l)),
        )];
        if let Some(SubLeading::Next(k2)) = next {
            models.push((
                Box::new(|l: &S| power(kappa, l)),
                Box::new(move |l: &S| power(k2, l)),
            ));
        }
        let p2 = window[window.len() - 1];
        let mut firsts = vec![window[0]];
        if window.len() >= 3 {
            firsts.push(window[window.len() / 2]);
        }
        for (f1, f2) in &models {
            for p1 in &firsts {
                let comps: Option<Vec<S>> = p1
                    .comps
                    .iter()
                    .zip(&p2.comps)
                    .map(|(e1, e2)| {
                        two_term(
                            (e1, &p1.ln_t),
                            (e2, &p2.ln_t),
                            &l_end,
                            f1.as_ref(),
                            f2.as_ref(),
                        )
                    })
                    .collect();
                if let Some(c) = comps {
                    let two = combine.size(&c, ctx).mul(&l_end.clone().div(&p2.ln_t));
                    if two.is_finite() {
                        bound = linalg::max(bound, &two);
                    }
                }
            }
        }
    }
    let bound = bound.add(&last.noise);
    // log-log slope (least squares) over window ∪ {T}
    let mut xs: Vec<S> = window.iter().map(|p| p.ln_t.clone()).collect();
    let mut ys: Vec<S> = window.iter().map(|p| size(p)).collect();
    xs.push(l_end);
    ys.push(e_end.clone());
    let slope = loglog_slope(&xs, &ys);
    Ok(Envelope {
        window: (window[0].t, window[window.len() - 1].t),
        value: e_end,
        bound,
        slope,
    })
}

/// A basis function of a two-term model, of `ln t`.
type BasisFn<'a, S> = Box<dyn Fn(&S) -> S + 'a>;

/// `e(t) = A f1(t) + B f2(t)` through the samples `(e₁, ln t₁)`, `(e₂, ln t₂)`,
/// extrapolated to `T`: `A f1(T) + B f2(T)` (signed). `None` if the 2×2 system is singular.
fn two_term<S: Scalar>(
    p1: (&S, &S),
    p2: (&S, &S),
    l_end: &S,
    f1: &dyn Fn(&S) -> S,
    f2: &dyn Fn(&S) -> S,
) -> Option<S> {
    let (a11, a12) = (f1(p1.1), f2(p1.1));
    let (a21, a22) = (f1(p2.1), f2(p2.1));
    let det = a11.clone().mul(&a22).sub(&a12.clone().mul(&a21));
    if det.is_zero() || !det.is_finite() {
        return None;
    }
    let a =
        p1.0.clone()
            .mul(&a22)
            .sub(&p2.0.clone().mul(&a12))
            .div(&det);
    let b = a11.mul(p2.0).sub(&a21.mul(p1.0)).div(&det);
    let e = a.mul(&f1(l_end)).add(&b.mul(&f2(l_end)));
    e.is_finite().then_some(e)
}

/// Least-squares slope of `ln y` against `x` (`x = ln t` gives the log-log slope); `None`
/// unless at least two points and all `y > 0`.
pub fn loglog_slope<S: Scalar>(xs: &[S], ys: &[S]) -> Option<S> {
    if xs.len() < 2 || ys.iter().any(|y| y.is_zero() || !y.is_finite()) {
        return None;
    }
    let ctx = xs[0].ctx();
    let ly: Vec<S> = ys.iter().map(|y| y.clone().abs().ln()).collect();
    let nf = S::from_f64(xs.len() as f64, ctx);
    let mx = xs.iter().fold(S::zero(ctx), |a, x| a.add(x)).div(&nf);
    let my = ly.iter().fold(S::zero(ctx), |a, y| a.add(y)).div(&nf);
    let mut sxy = S::zero(ctx);
    let mut sxx = S::zero(ctx);
    for (x, y) in xs.iter().zip(&ly) {
        let dx = x.clone().sub(&mx);
        sxy.mul_add_assign(&dx, &y.clone().sub(&my));
        sxx.mul_add_assign(&dx, &dx);
    }
    (!sxx.is_zero()).then(|| sxy.div(&sxx))
}

/// The signed components of a deviation at a checkpoint.
type DevFn<'a, S> = dyn Fn(&Checkpoint<S>) -> Option<Vec<S>> + 'a;

struct Ctx<'a, S: Scalar> {
    pred: &'a Prediction<S>,
    cps: Vec<&'a Checkpoint<S>>,
    last: &'a Checkpoint<S>,
    /// Start of the asymptotic regime (§2.7 linearization valid from here on).
    t_start: u64,
}

impl<S: Scalar> Ctx<'_, S> {
    /// The same context with a later regime start.
    fn starting(&self, t: u64) -> Ctx<'_, S> {
        Ctx {
            pred: self.pred,
            cps: self.cps.clone(),
            last: self.last,
            t_start: self.t_start.max(t),
        }
    }
}

impl<'a, S: Scalar> Ctx<'a, S> {
    fn series(&self, f: &DevFn<'_, S>) -> Option<Vec<DevSample<S>>> {
        let mut out = Vec::new();
        for c in &self.cps {
            if let (Some(comps), Some(ln_t)) = (f(c), c.ln_t.clone()) {
                out.push(DevSample {
                    t: c.t,
                    comps,
                    noise: c.noise.clone(),
                    ln_t,
                });
            }
        }
        // the series must include the last checkpoint
        (out.last().map(|p| p.t) == Some(self.last.t)).then_some(out)
    }
}

fn loglog_over_log<S: Scalar>(l: &S) -> Option<S> {
    // ln ln t / ln t, positive for t > e
    let one = S::from_f64(1.0, l.ctx());
    if !lt(&one, l) {
        return None;
    }
    Some(l.clone().ln().div(l))
}

fn loglog<S: Scalar>(l: &S) -> Option<S> {
    let one = S::from_f64(1.0, l.ctx());
    lt(&one, l).then(|| l.clone().ln())
}

fn na<S: Scalar>(
    id: &'static str,
    claim: &'static str,
    section: &'static str,
    t: u64,
    why: impl Into<String>,
) -> Verdict<S> {
    Verdict {
        id,
        claim,
        section,
        t,
        measured: None,
        predicted: None,
        deviation: None,
        tolerance: None,
        status: Status::NotApplicable,
        basis: why.into(),
    }
}

fn describe_rate(rate: &str, env_window: (u64, u64)) -> String {
    format!(
        "rate envelope {rate} × ln T/ln t, fitted on t in [{}, {}], + noise",
        env_window.0, env_window.1
    )
}

/// A rate-envelope verdict.
#[allow(clippy::too_many_arguments)]
fn rate_verdict<S: Scalar>(
    cx: &Ctx<'_, S>,
    id: &'static str,
    claim: &'static str,
    section: &'static str,
    measured: &dyn Fn(&Checkpoint<S>) -> Option<S>,
    predicted: &dyn Fn(&Checkpoint<S>) -> Option<S>,
    deviation: &DevFn<'_, S>,
    combine: Combine,
    rate: &Rate<S>,
) -> Verdict<S> {
    let t = cx.last.t;
    let Some(series) = cx.series(deviation) else {
        return na(id, claim, section, t, "undefined at the last checkpoint");
    };
    match envelope(&series, combine, rate, cx.t_start) {
        Err(why) => na(id, claim, section, t, why),
        Ok(env) => Verdict {
            id,
            claim,
            section,
            t,
            measured: measured(cx.last),
            predicted: predicted(cx.last),
            status: if lt(&env.bound, &env.value) || !env.value.is_finite() {
                Status::Fail
            } else {
                Status::Pass
            },
            deviation: Some(env.value),
            tolerance: Some(env.bound),
            basis: describe_rate(&rate.name(), env.window),
        },
    }
}

/// `(computed directly, from the identity, rounding tolerance)` at a checkpoint.
type IdentityPair<S> = dyn Fn(&Checkpoint<S>) -> Option<(S, S, S)>;

/// An identity verdict: `|a − b| ≤ tol` at every checkpoint where both are defined; reports
/// the checkpoint with the largest `|a − b|/tol`.
fn identity_verdict<S: Scalar>(
    cx: &Ctx<'_, S>,
    id: &'static str,
    claim: &'static str,
    section: &'static str,
    pair: &IdentityPair<S>,
) -> Verdict<S> {
    // Checked at every checkpoint where it applies; reported at the first failure, else at
    // the last such checkpoint (a stable place for reports and snapshots).
    let mut shown: Option<(u64, S, S, S, S, bool)> = None; // t, a, b, dev, tol, ok
    for c in &cx.cps {
        if let Some((a, b, tol)) = pair(c) {
            let dev = a.clone().sub(&b).abs();
            let ok = dev.is_finite() && !lt(&tol, &dev);
            shown = Some((c.t, a, b, dev, tol, ok));
            if !ok {
                break;
            }
        }
    }
    let Some((t, a, b, dev, tol, ok)) = shown else {
        return na(
            id,
            claim,
            section,
            cx.last.t,
            "no checkpoint where it applies",
        );
    };
    Verdict {
        id,
        claim,
        section,
        t,
        measured: Some(a),
        predicted: Some(b),
        deviation: Some(dev),
        tolerance: Some(tol),
        status: if ok { Status::Pass } else { Status::Fail },
        basis: "exact identity, every checkpoint: rounding bound at working precision".into(),
    }
}

/// First checkpoint from which `‖ηt(−∇L(w(t))) − ŵ‖ ≤ ‖ŵ‖/2` holds at every later
/// checkpoint. `ηt(−∇L) − ŵ = Σ_S α_n(e^{−z_nᵀr} − 1)z_n + (non-SV and logistic-tail
/// terms)` is the right-hand side of the linearized dynamics of §2.7 (`≈ −Mr`); when it is
/// at most half its limit the linear dynamics (and its rate) govern. It involves only the
/// trajectory and the certified `ŵ` — never the predicted `α` or `w̃` — so a wrong prediction
/// is judged (and fails) instead of being declared "not asymptotic".
fn regime_start<S: Scalar>(cps: &[&Checkpoint<S>]) -> u64 {
    first_from(cps, |c| c.grad_dev.as_ref())
}

/// First checkpoint from which the quantity is at most 1/2 at every later checkpoint.
fn first_from<S: Scalar>(cps: &[&Checkpoint<S>], f: impl Fn(&Checkpoint<S>) -> Option<&S>) -> u64 {
    let half = cps.first().map(|c| S::from_f64(0.5, c.norm_w.ctx()));
    let Some(half) = half else { return 0 };
    let mut start = 0;
    for c in cps {
        match f(c) {
            Some(x) if !lt(&half, x) && x.is_finite() => {}
            Some(_) => start = c.t.saturating_add(1),
            None => {}
        }
    }
    start
}

/// Evaluates every claim of theory §2 that applies to this run.
pub fn assess<S: Scalar>(pred: &Prediction<S>, checkpoints: &[Checkpoint<S>]) -> Assessment<S> {
    let ctx = pred.ctx;
    let one = S::from_f64(1.0, ctx);
    let Some(last) = checkpoints.last() else {
        return Assessment {
            verdicts: Vec::new(),
            fits: Vec::new(),
        };
    };
    let cps: Vec<&Checkpoint<S>> = checkpoints.iter().filter(|c| c.t >= 2).collect();
    let t_start = regime_start(&cps);
    let cx = Ctx {
        pred,
        cps,
        last,
        t_start,
    };
    let t_last = last.t;
    let mut v: Vec<Verdict<S>> = Vec::new();
    let mut fits: Vec<Fit<S>> = Vec::new();

    // ---- exact identities and invariants (every regime)
    v.push(identity_verdict(
        &cx,
        "tan_identity",
        "tan φ(t) = ‖P⊥ρ‖/(‖ŵ‖ ln t + ŵᵀρ/‖ŵ‖) with the measured ρ(t)",
        "§2.5",
        &|c| {
            Some((
                c.tan_direct.clone()?,
                c.tan_identity.clone()?,
                c.tan_tol.clone(),
            ))
        },
    ));
    v.push(identity_verdict(
        &cx,
        "gap_identity",
        "γ*−γ(t) = (1 − (L+m)/√((L+u)²+q²))/‖ŵ‖ with the measured ρ(t)",
        "§2.6",
        &|c| {
            if !c.min_on_support {
                return None;
            }
            Some((c.gap.clone()?, c.gap_identity.clone()?, c.gap_tol.clone()))
        },
    ));
    {
        let (claim, section) = if pred.spans {
            ("P2 w(t) = P2 w(0) (span condition)", "§1.3")
        } else {
            ("P_span(Z)⊥ w(t) = P_span(Z)⊥ w(0)", "§8.2")
        };
        let mut shown: Option<(u64, S, S, bool)> = None;
        for c in checkpoints {
            let ok = c.drift.is_finite() && !lt(&c.noise, &c.drift);
            shown = Some((c.t, c.drift.clone(), c.noise.clone(), ok));
            if !ok {
                break;
            }
        }
        if let Some((t, drift, noise, ok)) = shown {
            v.push(Verdict {
                id: "invariant",
                claim,
                section,
                t,
                measured: Some(drift.clone()),
                predicted: Some(S::zero(ctx)),
                status: if ok { Status::Pass } else { Status::Fail },
                deviation: Some(drift),
                tolerance: Some(noise),
                basis: "exact invariant, every checkpoint: rounding floor of the trajectory".into(),
            });
        }
    }

    if pred.regime == Regime::Degenerate {
        degenerate(&cx, &mut v, &mut fits);
        return Assessment { verdicts: v, fits };
    }

    let kappa = match &pred.kappa {
        Predicted::Value(k) => k.clone(),
        _ => one.clone(),
    };
    let g = Rate::Poly {
        next: pred.sub_leading(&pred.exponents, &kappa),
        kappa: kappa.clone(),
    };

    v.push(rate_verdict(
        &cx,
        "dual_recovery",
        "KKT via dual recovery: ηt(−ℓ′(z_nᵀw(t)))/α_n → 1 on S",
        "§2.3",
        &|c| {
            // the worst ratio
            let mut best: Option<S> = None;
            for (i, r) in c.dual.iter().enumerate() {
                if pred.in_support[i] && !pred.alpha[i].is_zero() {
                    let dev = r.clone().sub(&one).abs();
                    if best
                        .as_ref()
                        .map_or(true, |b| lt(&b.clone().sub(&one).abs(), &dev))
                    {
                        best = Some(r.clone());
                    }
                }
            }
            best
        },
        &|_| Some(one.clone()),
        &|c| {
            c.dual_dev.as_ref()?;
            Some(
                (0..c.dual.len())
                    .filter(|&i| pred.in_support[i] && !pred.alpha[i].is_zero())
                    .map(|i| c.dual[i].clone().sub(&one))
                    .collect(),
            )
        },
        Combine::Max,
        &g,
    ));
    v.push(rate_verdict(
        &cx,
        "loss_constant",
        "t·L(w(t))/C_L → 1, C_L = ‖ŵ‖²/η",
        "§2.2",
        &|c| c.t_loss_ratio.clone(),
        &|_| Some(one.clone()),
        &|c| c.t_loss_ratio.clone().map(|x| vec![x.sub(&one)]),
        Combine::Euclid,
        &g,
    ));
    v.push(rate_verdict(
        &cx,
        "gradient_limit",
        "ηt(−∇L(w(t))) → ŵ (relative error)",
        "§2.3",
        &|c| c.grad_dev.clone(),
        &|_| Some(S::zero(ctx)),
        &|c| c.grad_diff.clone(),
        Combine::Euclid,
        &g,
    ));
    let rho_claim = if pred.spans {
        "ρ(t) = w(t) − ŵ ln t → w̃ at rate t^-κ, κ = min(λ⊥, θ−1, 1)"
    } else {
        "P1 ρ(t) → P1 w̃ at rate t^-κ (SVs do not span: P2 part not predicted)"
    };
    v.push(rate_verdict(
        &cx,
        "residual",
        rho_claim,
        "§2.7",
        &|c| c.rho_err.clone(),
        &|_| Some(S::zero(ctx)),
        &|c| c.rho_diff.clone(),
        Combine::Euclid,
        &g,
    ));

    // ---- non-support-vector share (§2.8)
    match (
        &pred.theta,
        &pred.share_loss,
        &pred.share_grad,
        &pred.kappa_share,
    ) {
        (None, ..) => {
            v.push(na(
                "sv_domination_loss",
                "non-SV loss share · t^(θ−1) → C_share",
                "§2.8",
                t_last,
                "every point is a support vector",
            ));
        }
        (Some(_), Predicted::Value(cs), Predicted::Value(cg), Predicted::Value(ks)) => {
            // the θ-points' weights must be linearized too: |z_nᵀ(ρ − w̃)| ≤ 1/2 on them
            let cx = cx.starting(first_from(&cx.cps, |c| c.theta_residual.as_ref()));
            let gs = Rate::Poly {
                next: pred.sub_leading(&pred.exponents_share, ks),
                kappa: ks.clone(),
            };
            let cs2 = cs.clone();
            let cg2 = cg.clone();
            v.push(rate_verdict(
                &cx,
                "sv_domination_loss",
                "non-SV loss share · t^(θ−1) → C_share (relative)",
                "§2.8",
                &|c| c.share_loss_scaled.clone(),
                &|_| Some(cs.clone()),
                &|c| {
                    c.share_loss_scaled
                        .clone()
                        .map(|x| vec![x.div(&cs2).sub(&one)])
                },
                Combine::Euclid,
                &gs,
            ));
            v.push(rate_verdict(
                &cx,
                "sv_domination_grad",
                "non-SV gradient share · t^(θ−1) → C_share_grad (relative)",
                "§2.8",
                &|c| c.share_grad_scaled.clone(),
                &|_| Some(cg.clone()),
                &|c| {
                    c.share_grad_scaled
                        .clone()
                        .map(|x| vec![x.div(&cg2).sub(&one)])
                },
                Combine::Euclid,
                &gs,
            ));
        }
        (Some(th), ..) => {
            // constant not predicted: the exponent only, share = O(t^{1−θ} ln t)
            let e: S = S::from_rational(&rug::Rational::from(th - 1u32), ctx);
            let gs = Rate::Poly {
                kappa: e,
                next: None,
            };
            v.push(rate_verdict(
                &cx,
                "sv_domination_loss",
                "non-SV loss share = O(t^(1−θ)) (constant not predicted)",
                "§2.8",
                &|c| c.share_loss.clone(),
                &|_| None,
                &|c| c.share_loss.clone().map(|x| vec![x]),
                Combine::Euclid,
                &gs,
            ));
        }
    }

    // ---- direction and margin (§2.5, §2.6)
    if pred.w_tilde.is_some() {
        v.push(rate_verdict(
            &cx,
            "direction_refined",
            "ln t·‖w(t)/‖w(t)‖ − p/‖p‖‖ → 0, p = ŵ ln t + w̃ the predicted vector",
            "§2.5",
            &|c| {
                let d = c.refined_dir_diff.as_ref()?;
                Some(c.ln_t.clone()?.mul(&linalg::norm(d, d.first()?.ctx())))
            },
            &|c| Some(S::zero(c.norm_w.ctx())),
            &|c| {
                let l = c.ln_t.as_ref()?;
                Some(
                    c.refined_dir_diff
                        .as_ref()?
                        .iter()
                        .map(|x| x.clone().mul(l))
                        .collect(),
                )
            },
            Combine::Euclid,
            &g,
        ));
        // The C_dir limit through the tan-identity bound (no fitted constant).
        let t = last.t;
        let claim = "ln t·dir(t) = C_dir·ln t/(ln t + C_norm/‖ŵ‖) + O(1/ln² t + ‖r‖)";
        match (&last.ln_t_dir, &last.ln_t_dir_pred, &last.dir_bound) {
            (Some(m), Some(p), Some(b)) => {
                let dev = m.clone().sub(p).abs();
                let tol = b.clone().add(&last.noise);
                v.push(Verdict {
                    id: "direction_constant",
                    claim,
                    section: "§2.5",
                    t,
                    measured: Some(m.clone()),
                    predicted: Some(p.clone()),
                    status: if lt(&tol, &dev) {
                        Status::Fail
                    } else {
                        Status::Pass
                    },
                    deviation: Some(dev),
                    tolerance: Some(tol),
                    basis: "tan-identity bound L[(3/8)x³ + ‖r(t)‖(1+x̃)/b] + noise".into(),
                });
            }
            _ => v.push(na("direction_constant", claim, "§2.5", t, "undefined at T")),
        }
        v.push(rate_verdict(
            &cx,
            "margin_refined",
            "ln t·max_n |z_nᵀ(w(t)/‖w(t)‖ − p/‖p‖)| → 0 (bounds ln t·|γ(t) − γ(p)|), p = ŵ ln t + w̃",
            "§2.6",
            &|c| {
                let d = margin_diffs(c, &pred.z)?;
                Some(Combine::Max.size(&d, d.first()?.ctx()))
            },
            &|c| Some(S::zero(c.norm_w.ctx())),
            &|c| margin_diffs(c, &pred.z),
            Combine::Max,
            &g,
        ));
    } else {
        for (id, claim, sec) in [
            (
                "direction_refined",
                "ln t·dir(t) matches ŵ ln t + w̃",
                "§2.5",
            ),
            (
                "margin_refined",
                "ln t·(γ*−γ(t)) matches ŵ ln t + w̃",
                "§2.6",
            ),
        ] {
            v.push(na(
                id,
                claim,
                sec,
                t_last,
                "w̃ not predicted (the SVs do not span the data, §2.1)",
            ));
        }
    }

    // ---- rate fits (reported, not asserted)
    if let Some(series) = cx.series(&|c| c.rho_diff.clone()) {
        if let Ok(env) = envelope(&series, Combine::Euclid, &g, cx.t_start) {
            let mut k = kappa.clone();
            k.neg_mut();
            fits.push(Fit {
                id: "residual_slope",
                what: "log-log slope of ‖ρ(t) − w̃‖ (predicted −κ)",
                section: "§2.7",
                measured: env.slope,
                predicted: Some(k),
            });
        }
    }
    if let (Some(m), Some(l), Some(cd)) = (&last.ln_t_dir, &last.ln_t, pred.c_dir.value(ctx)) {
        fits.push(Fit {
            id: "direction_1_over_ln_t",
            what: "(ln t·dir − C_dir)·ln t (predicted a_dir = −C_dir·C_norm/‖ŵ‖)",
            section: "§2.5",
            measured: Some(m.clone().sub(&cd).mul(l)),
            predicted: pred.c_dir_1.value(ctx),
        });
    }
    if let Some(th) = &pred.theta {
        if let Some(series) = cx.series(&|c| c.share_loss.clone().map(|x| vec![x])) {
            if let Ok(env) = envelope(&series, Combine::Euclid, &g, cx.t_start) {
                fits.push(Fit {
                    id: "share_slope",
                    what: "log-log slope of the non-SV loss share (predicted 1 − θ)",
                    section: "§2.8",
                    measured: env.slope,
                    predicted: Some(S::from_rational(&rug::Rational::from(1u32 - th), ctx)),
                });
            }
        }
    }
    Assessment { verdicts: v, fits }
}

/// Claims for degenerate data (§2.11): slow `1/ln t` limits, `ln ln t` residual growth.
fn degenerate<S: Scalar>(cx: &Ctx<'_, S>, v: &mut Vec<Verdict<S>>, fits: &mut Vec<Fit<S>>) {
    let ctx = cx.pred.ctx;
    let one = S::from_f64(1.0, ctx);
    let g = &Rate::Slow {
        g: loglog_over_log::<S>,
        name: "ln ln t/ln t",
    };
    v.push(rate_verdict(
        cx,
        "loss_constant",
        "t·L(w(t))/C_L → 1, slowly (degenerate)",
        "§2.11",
        &|c| c.t_loss_ratio.clone(),
        &|_| Some(one.clone()),
        &|c| c.t_loss_ratio.clone().map(|x| vec![x.sub(&one)]),
        Combine::Euclid,
        g,
    ));
    v.push(rate_verdict(
        cx,
        "dual_recovery",
        "ηt(−ℓ′)/α_n → 1 on the α > 0 support vectors, slowly",
        "§2.11",
        &|c| c.dual_dev.clone().map(|d| d.add(&one)),
        &|_| Some(one.clone()),
        &|c| c.dual_dev.clone().map(|x| vec![x]),
        Combine::Euclid,
        g,
    ));
    if cx.pred.zero_alpha.is_empty() {
        v.push(na(
            "dual_zero",
            "ηt(−ℓ′) → 0 like 1/ln t on zero-α margin points",
            "§2.11",
            cx.last.t,
            "zero-α margin points not identified (α not unique)",
        ));
    } else {
        v.push(rate_verdict(
            cx,
            "dual_zero",
            "ηt(−ℓ′) → 0 like 1/ln t on zero-α margin points",
            "§2.11",
            &|c| c.dual_zero.clone(),
            &|_| Some(S::zero(ctx)),
            &|c| c.dual_zero.clone().map(|x| vec![x]),
            Combine::Euclid,
            g,
        ));
    }
    v.push(rate_verdict(
        cx,
        "residual_growth",
        "‖ρ(t)‖ = O(ln ln t) (no finite w̃)",
        "§2.11",
        &|c| c.rho_norm.clone(),
        &|_| None,
        &|c| c.rho_norm.clone().map(|x| vec![x]),
        Combine::Euclid,
        &Rate::Slow {
            g: loglog::<S>,
            name: "ln ln t",
        },
    ));
    v.push(rate_verdict(
        cx,
        "direction_degenerate",
        "direction error = O(ln ln t/ln t)",
        "§2.11",
        &|c| c.dir_err.clone(),
        &|_| Some(S::zero(ctx)),
        &|c| c.dir_err.clone().map(|x| vec![x]),
        Combine::Euclid,
        g,
    ));
    v.push(rate_verdict(
        cx,
        "margin_degenerate",
        "margin gap = O(1/ln t) (all data, JMLR)",
        "§1.4",
        &|c| c.gap.clone(),
        &|_| Some(S::zero(ctx)),
        &|c| c.gap.clone().map(|x| vec![x]),
        Combine::Euclid,
        g,
    ));
    // ‖ρ‖ against ln ln t: slope of ‖ρ‖ in ln ln t over the second half of the run
    let pts: Vec<(S, S)> = cx
        .cps
        .iter()
        .filter(|c| u128::from(c.t) * u128::from(c.t) >= u128::from(cx.last.t))
        .filter_map(|c| Some((loglog(c.ln_t.as_ref()?)?, c.rho_norm.clone()?)))
        .collect();
    if pts.len() >= 2 {
        let (a, b) = (&pts[0], &pts[pts.len() - 1]);
        let dx = b.0.clone().sub(&a.0);
        if !dx.is_zero() {
            fits.push(Fit {
                id: "residual_loglog",
                what: "Δ‖ρ‖/Δ ln ln t over the second half (positive: ln ln t growth)",
                section: "§2.11",
                measured: Some(b.1.clone().sub(&a.1).div(&dx)),
                predicted: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples of a scalar deviation `e(t)` at t = 2^k, k = 1..=20.
    fn series(e: impl Fn(f64) -> f64) -> Vec<DevSample<f64>> {
        (1..=20)
            .map(|k| {
                let t = (1u64 << k) as f64;
                DevSample {
                    t: 1 << k,
                    comps: vec![e(t)],
                    noise: 1e-300,
                    ln_t: t.ln(),
                }
            })
            .collect()
    }

    fn judge(e: impl Fn(f64) -> f64, rate: &Rate<f64>) -> bool {
        let env = envelope(&series(e), Combine::Euclid, rate, 0).unwrap();
        env.value <= env.bound
    }

    #[test]
    fn envelopes_accept_the_predicted_shapes_and_reject_slower_decay() {
        let k = 0.5;
        let poly = Rate::Poly {
            kappa: k,
            next: Some(SubLeading::Next(0.8)),
        };
        // pure rate, and an approach to the limit from below at the sub-leading rate
        assert!(judge(|t| 3.0 * t.powf(-k), &poly));
        assert!(judge(|t| t.powf(-k) * (2.0 - 5.0 * t.powf(-0.3)), &poly));
        // resonance with a zero crossing of the signed component: (A ln t + B)/t
        let res = Rate::Poly {
            kappa: 1.0,
            next: Some(SubLeading::Resonant),
        };
        assert!(judge(|t| (2.0 * t.ln() - 15.0) / t, &res));
        // a plateau (e.g. a wrong w̃), and decay at half the predicted rate, fail
        assert!(!judge(|_| 0.05, &poly));
        assert!(!judge(|t| t.powf(-k / 2.0), &poly));
        assert!(!judge(|t| 1.0 / t.ln(), &res));
    }

    #[test]
    fn a_short_window_is_not_judged() {
        let s: Vec<DevSample<f64>> = series(|t| 1.0 / t).into_iter().take(3).collect();
        let r = envelope(
            &s,
            Combine::Euclid,
            &Rate::Poly {
                kappa: 1.0,
                next: None,
            },
            0,
        );
        assert!(r.is_err());
    }
}
