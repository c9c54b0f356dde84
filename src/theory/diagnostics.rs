//! Per-checkpoint diagnostics of a trajectory against the exact oracle and the predictions
//! (theory §2): everything a verdict or a report row needs, at the working precision.

use super::predict::{pow2_neg, Prediction};
use crate::linalg;
use crate::run::Trajectory;
use crate::scalar::{self, log_sum_exp, lt, Scalar};

/// Diagnostics at one checkpoint. `None` where a quantity is undefined (e.g. `ln t` at
/// `t < 2`, `w̃` for degenerate data).
#[derive(Clone, Debug)]
pub struct Checkpoint<S: Scalar> {
    /// Step.
    pub t: u64,
    /// `ln t` (from `t = 2` on).
    pub(crate) ln_t: Option<S>,
    /// `‖w(t)‖`.
    pub norm_w: S,
    /// Direction error `‖w/‖w‖ − ŵ/‖ŵ‖‖` (§1.4, §2.5).
    pub dir_err: Option<S>,
    /// Angle between `w(t)` and `ŵ`, radians.
    pub(crate) angle: Option<S>,
    /// Margin gap `γ* − min_n z_nᵀw/‖w‖`, `γ* = 1/‖ŵ‖` (§1.4, §2.6).
    pub gap: Option<S>,
    /// `t·L(w(t))/C_L` (§2.2).
    pub t_loss_ratio: Option<S>,
    /// `t·L(w(t))` (§2.2), from `t = 1` on.
    pub(crate) t_loss: Option<S>,
    /// `ρ(t) = w(t) − ŵ ln t` (§0), from `t = 1` on.
    pub rho: Option<Vec<S>>,
    /// `‖ρ(t)‖`.
    pub(crate) rho_norm: Option<S>,
    /// The quantity whose limit is `w̃`: `ρ(t)` under the span condition, else `P1 ρ(t)`.
    pub(crate) rho_limit: Option<Vec<S>>,
    /// `‖ρ(t) − w̃‖` (§1.3, §2.7); without the span condition `‖P1 ρ(t) − P1 w̃‖`.
    pub rho_err: Option<S>,
    /// The vector whose norm is `rho_err`.
    pub rho_diff: Option<Vec<S>>,
    /// `max |z_nᵀ(ρ(t) − w̃)|` over the non-SV points at the level `θ` (whose weights make the
    /// non-SV share, §2.8); `None` where `z_nᵀw̃` is not predicted.
    pub(crate) theta_residual: Option<S>,
    /// `max |z_nᵀ(ρ(t) − w̃)|` over [`Prediction::regime_points`] with the certified `P1 w̃`
    /// (`None` without a certified unique `α`): the θ-points' gate of the regime test
    /// (theory/verdict.rs), and `theta_residual` where those are all the θ-points.
    pub(crate) theta_certified: Option<S>,
    /// Angle between `w(t)` and the predicted vector `ŵ ln t + w̃` (§2.5).
    pub refined_angle: Option<S>,
    /// Dual recovery, per point (§2.3): `ηt(−ℓ′(z_nᵀw))/α_n` for `n ∈ S` with `α_n > 0`,
    /// `ηt(−ℓ′(z_nᵀw))` for every other point.
    pub dual: Vec<S>,
    /// `ηt(−ℓ′(z_nᵀw(t)))` for every point (§2.3): its limit on S is `α_n`.
    pub(crate) eta_t_weights: Vec<S>,
    /// `max |ratio − 1|` over support vectors with `α_n > 0`.
    pub(crate) dual_dev: Option<S>,
    /// Largest `ηt(−ℓ′)` over zero-`α` margin points (degenerate data, §2.11).
    pub(crate) dual_zero: Option<S>,
    /// `‖ηt(−∇L) − ŵ‖/‖ŵ‖` (§2.3).
    pub(crate) grad_dev: Option<S>,
    /// The vector `(ηt(−∇L) − ŵ)/‖ŵ‖`.
    pub(crate) grad_diff: Option<Vec<S>>,
    /// Non-SV share of the loss `Σ_{n∉S} ℓ_n / L` (§2.8).
    pub(crate) share_loss: Option<S>,
    /// Non-SV share of the gradient `‖Σ_{n∉S}(−ℓ′_n)z_n‖/‖Σ_n(−ℓ′_n)z_n‖` (§2.8).
    pub(crate) share_grad: Option<S>,
    /// `share_loss · t^{θ−1}`.
    pub(crate) share_loss_scaled: Option<S>,
    /// `share_grad · t^{θ−1}`.
    pub(crate) share_grad_scaled: Option<S>,
    /// `tan φ` computed directly from `w`: `‖P⊥w‖/(ŵᵀw/‖ŵ‖)`.
    pub(crate) tan_direct: Option<S>,
    /// `tan φ` from the identity of §2.5 with the measured `ρ`:
    /// `‖P⊥ρ‖/(‖ŵ‖ ln t + ŵᵀρ/‖ŵ‖)`.
    pub(crate) tan_identity: Option<S>,
    /// `γ* − γ(t)` from the identity of §2.6 with the measured `ρ`:
    /// `(1 − (L+m)/√((L+u)² + q²))/‖ŵ‖`.
    pub(crate) gap_identity: Option<S>,
    /// The minimum margin is attained on the support set (the §2.6 identity applies).
    pub(crate) min_on_support: bool,
    /// `ln t · dir_err`.
    pub ln_t_dir: Option<S>,
    /// `C_dir · ln t/(ln t + C_norm/‖ŵ‖)` (§2.5, §10.4).
    pub(crate) ln_t_dir_pred: Option<S>,
    /// `ln t · gap`.
    pub(crate) ln_t_gap: Option<S>,
    /// Drift of the invariant part: `‖P2(w(t) − w(0))‖` under the span condition, else
    /// `‖P_{span(Z)⊥}(w(t) − w(0))‖` (§1.3, §8.2).
    pub(crate) drift: S,
    /// Rounding floor for trajectory quantities at this checkpoint (docs/theory/precision.md).
    pub noise: S,
    /// Rounding tolerance of the §2.5 tan-identity at this `w`:
    /// `u·4(d+4)·[(‖w‖ + ‖ŵ‖ ln t)(1 + tan φ)/|b| + tan φ]`, `u = 2^−bits`,
    /// `b = ŵᵀw/‖ŵ‖` (docs/theory/precision.md); `None` where the rounding of the cancelling
    /// denominator exceeds a quarter of it (the identity is unresolved at this precision).
    pub(crate) tan_tol: Option<S>,
    /// Rounding tolerance of the §2.6 margin-gap identity at this `w`:
    /// `u·4(d+4)·[(1 + R)(‖w‖ + ‖ŵ‖ ln t)/‖w‖ + 1/‖ŵ‖]`; `None` where its leading term
    /// exceeds 1/4 (unresolved at this precision).
    pub(crate) gap_tol: Option<S>,
    /// Under `--certify`: how far the exact-arithmetic iterate's quantities lie from these
    /// (set by [`super::analyze_certified`]; `None` otherwise).
    pub(crate) moves: Option<SampleMoves<S>>,
}

/// Bounds, at one checkpoint of a certified run, of how far each quantity a verdict reads
/// can lie from its value at the computed iterate `w(t)` when evaluated at the
/// exact-arithmetic iterate `x(t)`, `‖x(t) − w(t)‖ ≤ r(t)` (docs/theory/certify.md,
/// "Verdicts on enclosures").
#[derive(Clone, Debug)]
pub struct SampleMoves<S: Scalar> {
    /// `r(t)`: also the move of `ρ(t)` and of `P1ρ(t)` (`ρ(x) − ρ(w) = x − w`).
    pub(crate) w: S,
    /// `|t·L(x) − t·L(w)|` (the width of the enclosure of `t·L` over the ball).
    pub(crate) t_loss: Option<S>,
    /// Per point, `|ηt(−ℓ′(z_nᵀx)) − ηt(−ℓ′(z_nᵀw))|` (`ηt` times the width of the weight's
    /// enclosure over the ball).
    pub(crate) eta_t_weights: Option<Vec<S>>,
    /// `ηt·M·r/‖ŵ‖ ≥ ‖ηt∇L(x) − ηt∇L(w)‖/‖ŵ‖`, `M` the curvature bound on the ball: the
    /// move of `grad_diff` and of `grad_dev`.
    pub(crate) grad: Option<S>,
    /// `|share_loss(x) − share_loss(w)|` (the width of its enclosure over the ball).
    pub(crate) share_loss: Option<S>,
    /// `|share_loss_scaled(x) − share_loss_scaled(w)|` (likewise).
    pub(crate) share_loss_scaled: Option<S>,
    /// `|share_grad_scaled(x) − share_grad_scaled(w)|` (likewise).
    pub(crate) share_grad_scaled: Option<S>,
}

/// Bits a `bits`-bit trajectory still guarantees after `t` steps: `bits − ⌈log2(t+1)⌉ − 4`
/// (the rule of [`crate::report::trusted_digits`], in bits).
pub(crate) fn trusted_bits(bits: u32, t: u64) -> u32 {
    let lost = 64 - (t.saturating_add(1)).leading_zeros(); // ⌈log2(t+1)⌉ (±1)
    bits.saturating_sub(lost + 4).max(1)
}

/// Diagnostics of every sample of a trajectory.
pub(crate) fn diagnose_all<S: Scalar>(
    pred: &Prediction<S>,
    traj: &Trajectory<S>,
) -> Vec<Checkpoint<S>> {
    traj.samples
        .iter()
        .map(|s| diagnose(pred, s.t, &s.w))
        .collect()
}

/// Diagnostics of one iterate `w = w(t)`.
pub(crate) fn diagnose<S: Scalar>(pred: &Prediction<S>, t: u64, w: &[S]) -> Checkpoint<S> {
    let ctx = pred.ctx;
    let bits = S::accuracy_bits(ctx);
    let one = S::from_f64(1.0, ctx);
    let n = pred.z.len();
    let d = w.len();
    let norm_w = scalar::norm(w, ctx);
    let nw = &pred.norm_w_hat;
    let ns = pred.norm_sq_s();
    let wh = &pred.w_hat_s;
    let t_s = S::from_f64(t as f64, ctx);
    let ln_t = (t >= 2).then(|| t_s.clone().ln());
    let ln_t0 = if t >= 1 {
        t_s.clone().ln()
    } else {
        S::zero(ctx)
    };
    let eta = S::from_rational(&pred.eta, ctx);

    // margins, weights −ℓ′, ln ℓ
    let mut u: Vec<S> = vec![S::zero(ctx); n];
    pred.objective.margins(w, &mut u);
    // (a softmax couples the K − 1 lifted margins of a sample: crate::loss)
    let mut tmp = S::zero(ctx);
    let mut weights: Vec<S> = u.clone();
    pred.loss.weights_in_place(&mut weights, &mut tmp);
    let ln_l: Vec<S> = pred.loss.ln_values(&u);
    let ln_loss = pred.objective.ln_loss_at(&u);

    let dir_err = linalg::direction_error(w, wh, ctx);
    let angle = linalg::angle(w, wh, ctx);
    let gamma_star = one.clone().div(nw);
    let min_idx = (0..n).fold(0, |b, i| if lt(&u[i], &u[b]) { i } else { b });
    let gap = (!norm_w.is_zero()).then(|| gamma_star.clone().sub(&u[min_idx].clone().div(&norm_w)));
    let min_on_support = pred.in_support[min_idx];

    let c_l = pred.c_l.value(ctx).unwrap_or_else(|| one.clone());
    let t_loss = (t >= 1).then(|| {
        let mut v = ln_t0.clone();
        v.add_assign(&ln_loss);
        v.exp()
    });
    let t_loss_ratio = t_loss.clone().map(|v| v.div(&c_l));

    // ρ and its comparisons
    let rho: Option<Vec<S>> = (t >= 1).then(|| {
        let mut c = ln_t0.clone();
        c.neg_mut();
        linalg::axpy(w, &c, wh)
    });
    let rho_norm = rho.as_ref().map(|r| scalar::norm(r, ctx));
    let rho_diff: Option<Vec<S>> = match (&rho, &pred.w_tilde, &pred.w_tilde_span) {
        (Some(r), Some(wt), _) => Some(linalg::sub(r, wt)),
        (Some(r), None, Some(ws)) => {
            let p1 = linalg::project(&pred.span_basis, r, ctx);
            Some(linalg::sub(&p1, ws))
        }
        _ => None,
    };
    let rho_err = rho_diff.as_ref().map(|v| scalar::norm(v, ctx));
    let rho_limit = rho.as_ref().map(|r| {
        if pred.spans {
            r.clone()
        } else {
            linalg::project(&pred.span_basis, r, ctx)
        }
    });
    // max_n |z_nᵀ(ρ − lim)| over `points`; a term that is not finite is the result (it is
    // never dropped by the maximum), `None` without points
    let max_abs = |points: &[usize], r: &[S], lim: &[S]| -> Option<S> {
        let diff = linalg::sub(r, lim);
        points
            .iter()
            .map(|&i| scalar::dot(&pred.z[i], &diff, ctx).abs())
            .reduce(|a, b| {
                if !a.is_finite() {
                    a
                } else if !b.is_finite() {
                    b
                } else {
                    linalg::max(a, &b)
                }
            })
    };
    let theta_certified = match (&rho, &pred.w_tilde_certified) {
        (Some(r), Some(wt)) => max_abs(&pred.regime_points, r, wt),
        _ => None,
    };
    let theta_residual = match (&rho, pred.share_loss.value(ctx)) {
        // the certified P1 w̃ where it decides z_nᵀ(ρ − w̃) on every θ-point (they lie in
        // span(Z_S)), so that a conjectured w̃ moves no judged range (the start of the share
        // claims reads this); else the predicted one
        (Some(_), Some(_))
            if theta_certified.is_some() && pred.regime_points.len() == pred.theta_points.len() =>
        {
            theta_certified.clone()
        }
        (Some(r), Some(_)) => pred
            .w_tilde
            .as_ref()
            .or(pred.w_tilde_span.as_ref())
            .and_then(|lim| max_abs(&pred.theta_points, r, lim)),
        _ => None,
    };
    let predicted_vec: Option<Vec<S>> = match (&ln_t, &pred.w_tilde) {
        (Some(l), Some(wt)) => Some(linalg::axpy(wt, l, wh)),
        _ => None,
    };
    let refined_angle = predicted_vec
        .as_ref()
        .and_then(|p| linalg::angle(w, p, ctx));

    // dual recovery
    let eta_t = eta.clone().mul(&t_s);
    let zero_alpha = |i: usize| pred.alpha[i].is_zero();
    let eta_t_weights: Vec<S> = weights.iter().map(|w| eta_t.clone().mul(w)).collect();
    let dual: Vec<S> = (0..n)
        .map(|i| {
            let v = eta_t_weights[i].clone();
            if pred.in_support[i] && !zero_alpha(i) {
                v.div(&pred.alpha[i])
            } else {
                v
            }
        })
        .collect();
    let fold_max =
        |it: &mut dyn Iterator<Item = S>| -> Option<S> { it.reduce(|a, b| linalg::max(a, &b)) };
    let dual_dev = if t >= 1 {
        fold_max(
            &mut (0..n)
                .filter(|&i| pred.in_support[i] && !zero_alpha(i))
                .map(|i| dual[i].clone().sub(&one).abs()),
        )
    } else {
        None
    };
    let dual_zero = fold_max(
        &mut (0..n)
            .filter(|&i| pred.in_support[i] && zero_alpha(i))
            .map(|i| dual[i].clone()),
    );
    let mut g_all = vec![S::zero(ctx); d];
    let mut g_non = vec![S::zero(ctx); d];
    for ((wt, z), &sv) in weights.iter().zip(&pred.z).zip(&pred.in_support) {
        g_all = linalg::axpy(&g_all, wt, z);
        if !sv {
            g_non = linalg::axpy(&g_non, wt, z);
        }
    }
    let grad_diff: Option<Vec<S>> = (t >= 1).then(|| {
        let v: Vec<S> = g_all.iter().map(|g| g.clone().mul(&eta_t)).collect();
        linalg::sub(&v, wh).into_iter().map(|x| x.div(nw)).collect()
    });
    let grad_dev = grad_diff.as_ref().map(|v| scalar::norm(v, ctx));

    // non-SV shares (§2.8)
    let non_sv: Vec<S> = (0..n)
        .filter(|&i| !pred.in_support[i])
        .map(|i| ln_l[i].clone())
        .collect();
    let share_loss = (!non_sv.is_empty()).then(|| log_sum_exp(&non_sv).sub(&ln_loss).exp());
    let share_grad =
        (!non_sv.is_empty()).then(|| scalar::norm(&g_non, ctx).div(&scalar::norm(&g_all, ctx)));
    let t_pow = match (&pred.theta, &ln_t) {
        (Some(th), Some(l)) => {
            let e: S = S::from_rational(&rug::Rational::from(th - 1u32), ctx);
            Some(e.mul(l).exp())
        }
        _ => None,
    };
    let share_loss_scaled = match (&share_loss, &t_pow) {
        (Some(s), Some(p)) => Some(s.clone().mul(p)),
        _ => None,
    };
    let share_grad_scaled = match (&share_grad, &t_pow) {
        (Some(s), Some(p)) => Some(s.clone().mul(p)),
        _ => None,
    };

    // exact identities (§2.5, §2.6)
    let perp = |v: &[S]| -> Vec<S> {
        let mut c = scalar::dot(v, wh, ctx).div(&ns);
        c.neg_mut();
        linalg::axpy(v, &c, wh)
    };
    let tan_direct = (!norm_w.is_zero()).then(|| {
        let along = scalar::dot(w, wh, ctx).div(nw);
        scalar::norm(&perp(w), ctx).div(&along)
    });
    // tan of the angle to ŵ from ρ: ‖P⊥ρ‖ / b, b = ‖ŵ‖ ln t + ŵᵀρ/‖ŵ‖
    let tan_identity = match (&rho, &ln_t) {
        (Some(r), Some(l)) => {
            let mut b = nw.clone().mul(l);
            b.add_assign(&scalar::dot(wh, r, ctx).div(nw));
            Some(scalar::norm(&perp(r), ctx).div(&b))
        }
        _ => None,
    };
    let gap_identity = match (&rho, &ln_t) {
        (Some(r), Some(l)) => {
            let m = linalg::min_on(&pred.z, &pred.support, r, ctx);
            let uu = scalar::dot(wh, r, ctx).div(&ns);
            let q = scalar::norm(&perp(r), ctx).div(nw);
            let mut den = l.clone().add(&uu);
            den = den.clone().mul(&den);
            den.mul_add_assign(&q, &q);
            den.sqrt_mut();
            let ratio = l.clone().add(&m).div(&den);
            Some(one.clone().sub(&ratio).div(nw))
        }
        _ => None,
    };
    let ln_t_dir = match (&ln_t, &dir_err) {
        (Some(l), Some(e)) => Some(l.clone().mul(e)),
        _ => None,
    };
    let ln_t_dir_pred = match (&ln_t, pred.c_dir.value(ctx), pred.c_norm.value(ctx)) {
        (Some(l), Some(cd), Some(cn)) => {
            let den = l.clone().add(&cn.div(nw));
            Some(cd.mul(l).div(&den))
        }
        _ => None,
    };
    let ln_t_gap = match (&ln_t, &gap) {
        (Some(l), Some(g)) => Some(l.clone().mul(g)),
        _ => None,
    };

    // invariant drift
    let dw = linalg::sub(w, &pred.w0);
    let basis = if pred.spans {
        &pred.span_basis
    } else {
        &pred.data_basis
    };
    let drift = scalar::norm(&linalg::sub(&dw, &linalg::project(basis, &dw, ctx)), ctx);

    // rounding floors
    let eps_t = pow2_neg::<S>(trusted_bits(bits, t), ctx);
    let mut noise = eps_t;
    noise.mul_f64(2.0);
    noise.mul_assign(&one.clone().add(&pred.r_max));
    noise.mul_assign(&one.clone().add(&norm_w));
    noise.mul_assign(&one.clone().add(&ln_t0.clone().abs()));
    let unit = {
        let mut u = pow2_neg::<S>(bits, ctx);
        u.mul_f64(4.0 * (d as f64 + 4.0));
        u
    };
    let mut scale = norm_w.clone();
    scale.mul_add_assign(nw, &ln_t0.clone().abs());
    // The first-order bounds below hold while the relative rounding error of the cancelling
    // denominator (`u·4(d+4)·scale/|b|`, `b = ŵᵀw/‖ŵ‖` for the tan-identity, `‖w‖` for the
    // gap) is at most 1/4. Past that the computed identity can be anything — its denominator
    // may round to 0 — and the checkpoint is unresolved at this precision (`None`).
    let quarter = S::from_f64(0.25, ctx);
    let resolved = |rel: &S| rel.is_finite() && !lt(&quarter, rel);
    let tan_tol = match &tan_direct {
        Some(x) => {
            let b = scalar::dot(w, wh, ctx).div(nw).abs();
            let rel = unit.clone().mul(&scale).div(&b);
            resolved(&rel).then(|| {
                let x1 = one.clone().add(&x.clone().abs());
                unit.clone()
                    .mul(&scale.clone().mul(&x1).div(&b).add(&x.clone().abs()))
            })
        }
        None => None,
    };
    let gap_tol = if norm_w.is_zero() {
        None
    } else {
        let a = one.clone().add(&pred.r_max).mul(&scale).div(&norm_w);
        let rel = unit.clone().mul(&a);
        resolved(&rel).then(|| unit.mul(&a.add(&one.clone().div(nw))))
    };

    Checkpoint {
        t,
        ln_t,
        norm_w,
        dir_err,
        angle,
        gap,
        t_loss_ratio,
        t_loss,
        rho,
        rho_norm,
        rho_limit,
        rho_err,
        rho_diff,
        theta_residual,
        theta_certified,
        refined_angle,
        dual,
        eta_t_weights,
        dual_dev,
        dual_zero,
        grad_dev,
        grad_diff,
        share_loss,
        share_grad,
        share_loss_scaled,
        share_grad_scaled,
        tan_direct,
        tan_identity,
        gap_identity,
        min_on_support,
        ln_t_dir,
        ln_t_dir_pred,
        ln_t_gap,
        drift,
        noise,
        tan_tol,
        gap_tol,
        moves: None,
    }
}
