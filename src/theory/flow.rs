//! Gradient flow in log-time (theory §2.12; derivations in docs/theory/flow.md).
//!
//! With `s = ln(1 + τ)` (τ the flow time) and `w = ŵ s + ρ`, the flow `dw/dτ = −∇L(w)` of
//! the summed loss becomes
//!
//! `dρ/ds = Σ_n q_n z_n − ŵ`, `q_n = e^s·(−ℓ′(z_nᵀw))`,
//!
//! with `q_n = e^{a_n}`, `a_n = s(1 − ŵᵀz_n) − z_nᵀρ`, for the exponential loss and
//! `q_n = e^{a_n}/(1 + e^{a_n − s})` for the logistic loss (the softmax of a sample:
//! `q_k = e^{a_k}/(1 + Σ_j e^{a_j − s})`, docs/theory/multiclass.md §M6). Each `a_n` is formed as one
//! exponent (the drift `1 − ŵᵀz_n` is exact, rounded once), so no overflowing factor ever
//! meets an underflowing one. Its fixed point is `w̃_flow` (`e^{−z_nᵀw̃} = α_n` on S), which
//! is the GD prediction of [`super::predict()`] with `η = 1` (`w̃_GD(η) = w̃_flow + ŵ ln η`).
//!
//! This module holds the system ([`LogTime`], for [`crate::ode`]), the quantities at a
//! checkpoint ([`FlowPoint`]) and the flow's claims ([`assess_flow`]), rows of the same
//! claims table as GD's ([`super::CLAIMS`]).

use super::predict::{Predicted, Prediction, Regime};
use super::verdict::{claim, Assessment, Status, Verdict};
use crate::linalg;
use crate::loss::Loss;
use crate::ode::System;
use crate::scalar::{self, lt, Scalar};

/// The log-time flow as an [`ode::System`](crate::ode::System).
#[derive(Clone, Debug)]
pub struct LogTime<S: Scalar> {
    loss: Loss,
    /// Consecutive lifted points that share one loss term (the softmax: the `K − 1` margins
    /// of a sample; 1 otherwise).
    group: usize,
    z: Vec<Vec<S>>,
    drift: Vec<S>,
    w_hat: Vec<S>,
    cut: S,
    /// `−J = Σ_n c_n q_n z_n z_nᵀ` at the start of the step.
    neg_j: Vec<Vec<S>>,
    /// The Cholesky factor of `I − hJ` for the last `h` (the `n_j` substeps of one row of
    /// the tableau share it).
    factor: Option<(S, Vec<Vec<S>>)>,
    a: Vec<S>,
}

impl<S: Scalar> LogTime<S> {
    /// The system of a prediction's data (its `z`, exact margins and `ŵ`).
    pub fn new(pred: &Prediction<S>) -> LogTime<S> {
        let ctx = pred.ctx;
        let n = pred.z.len();
        let d = pred.w_hat_s.len();
        let drift = pred
            .margins
            .iter()
            .map(|m| S::from_rational(&(rug::Rational::from(1) - m), ctx))
            .collect();
        LogTime {
            loss: pred.loss,
            group: pred.loss.group(),
            z: pred.z.clone(),
            drift,
            w_hat: pred.w_hat_s.clone(),
            cut: cut::<S>(pred),
            neg_j: vec![vec![S::zero(ctx); d]; d],
            factor: None,
            a: vec![S::zero(ctx); n],
        }
    }

    fn exponents(&mut self, s: &S, rho: &[S]) {
        let ctx = s.ctx();
        for ((a, z), dr) in self.a.iter_mut().zip(&self.z).zip(&self.drift) {
            let mut e = scalar::dot(z, rho, ctx);
            e.neg_mut();
            e.mul_add_assign(s, dr);
            *a = e;
        }
    }
}

impl<S: Scalar> LogTime<S> {
    /// The softmax weights of one sample's margins (the logistic loss: a group of one) from their exponents `a` (docs/theory/
    /// multiclass.md §M6): `q_k = e^{a_k}/(1 + Σ_j e^{a_j − s})` and `p_k = q_k e^{−s}`, each
    /// `None` below the cut (as in the exponential loss's terms; the cut terms also leave the denominator, which
    /// they change by less than one rounding). `None` for the whole group when every term is
    /// cut. `p` only `with_p` (the Jacobian's; zero otherwise).
    fn group_weights(&self, s: &S, a: &[S], with_p: bool) -> Option<Vec<Option<(S, S)>>> {
        let ctx = s.ctx();
        let mut neg_cut = self.cut.clone();
        neg_cut.neg_mut();
        let kept: Vec<usize> = (0..a.len()).filter(|&j| !lt(&a[j], &neg_cut)).collect();
        if kept.is_empty() {
            return None;
        }
        // x_j = a_j − s, l = ln Σ_j e^{x_j} over the kept terms
        let x: Vec<S> = kept.iter().map(|&j| a[j].clone().sub(s)).collect();
        let l = scalar::log_sum_exp(&x);
        let one = S::from_f64(1.0, ctx);
        let mut out: Vec<Option<(S, S)>> = vec![None; a.len()];
        // below the cut, e^{x} changes the denominator 1 + e^{l} by less than one rounding
        // and p = q·e^{−s} is left out of the Jacobian's rank-one part (where double-double
        // would meet products below its range)
        let zero = S::zero(ctx);
        let small = lt(&l, &neg_cut);
        for (&j, xj) in kept.iter().zip(&x) {
            let (q, p) = if small {
                (a[j].clone().exp(), zero.clone())
            } else if lt(&l, &zero) {
                // p = e^{x}/(1 + e^{l}), q = e^{a}/(1 + e^{l})
                let den = l.clone().exp().add(&one);
                let p = if !with_p || lt(xj, &neg_cut) {
                    zero.clone()
                } else {
                    xj.clone().exp().div(&den)
                };
                (a[j].clone().exp().div(&den), p)
            } else {
                // l ≥ 0: p = e^{x − l}/(e^{−l} + 1) without overflow, q = p·e^s
                let mut nl = l.clone();
                nl.neg_mut();
                let p = xj.clone().sub(&l).exp().div(&nl.exp().add(&one));
                (p.clone().mul(&s.clone().exp()), p)
            };
            out[j] = Some((q, p));
        }
        Some(out)
    }
}

/// Terms with `a_n < −cut` are left out: each changes every component of the right-hand side
/// by less than `e^{−cut}·R ≤ 2^{−bits}·‖ŵ‖/(N·e^{20})`, below one rounding of `ŵ`'s
/// components taken together (docs/theory/flow.md). Without it, double-double would turn
/// products below `2^−969` into NaN.
fn cut<S: Scalar>(pred: &Prediction<S>) -> S {
    let ctx = pred.ctx;
    let bits = f64::from(S::accuracy_bits(ctx));
    let r = pred.r_max.to_f64().max(1e-300);
    let nw = pred.norm_w_hat.to_f64().max(1e-300);
    let n = pred.z.len() as f64;
    S::from_f64(
        bits * std::f64::consts::LN_2 + 20.0 + (n * r / nw).ln().max(0.0),
        ctx,
    )
}

impl<S: Scalar> System<S> for LogTime<S> {
    fn rhs(&mut self, s: &S, y: &[S], out: &mut [S]) -> bool {
        self.exponents(s, y);
        for (o, w) in out.iter_mut().zip(&self.w_hat) {
            o.set(w);
            o.neg_mut();
        }
        if self.loss == Loss::Exponential {
            // q_n = e^{a_n}, the exponentials evaluated together (Scalar::exp_each: the same
            // accuracy as one by one); terms below the cut left out
            let mut neg_cut = self.cut.clone();
            neg_cut.neg_mut();
            let mut q: Vec<S> = Vec::with_capacity(self.a.len());
            let mut idx: Vec<usize> = Vec::with_capacity(self.a.len());
            for (i, a) in self.a.iter().enumerate() {
                if !lt(a, &neg_cut) {
                    q.push(a.clone());
                    idx.push(i);
                }
            }
            S::exp_each(&mut q);
            for (qn, &i) in q.iter().zip(&idx) {
                for (o, zj) in out.iter_mut().zip(&self.z[i]) {
                    o.mul_add_assign(qn, zj);
                }
            }
        } else {
            // softmax groups; the logistic loss is the group of one (crate::loss)
            let m = self.group;
            for (a, z) in self.a.chunks(m).zip(self.z.chunks(m)) {
                let Some(ws) = self.group_weights(s, a, false) else {
                    continue;
                };
                for (w, zk) in ws.iter().zip(z) {
                    if let Some((q, _)) = w {
                        for (o, zj) in out.iter_mut().zip(zk) {
                            o.mul_add_assign(q, zj);
                        }
                    }
                }
            }
        }
        out.iter().all(Scalar::is_finite)
    }

    fn jacobian(&mut self, s: &S, y: &[S]) -> bool {
        let ctx = s.ctx();
        self.exponents(s, y);
        let d = self.w_hat.len();
        let mut m = vec![vec![S::zero(ctx); d]; d];
        let mut neg_cut = self.cut.clone();
        neg_cut.neg_mut();
        if self.loss == Loss::Exponential {
            // −J = Σ_n e^{a_n} z_n z_nᵀ
            for (a, z) in self.a.iter().zip(&self.z) {
                if lt(a, &neg_cut) {
                    continue;
                }
                let q = a.clone().exp();
                for i in 0..d {
                    let qi = q.clone().mul(&z[i]);
                    for j in 0..d {
                        m[i][j].mul_add_assign(&qi, &z[j]);
                    }
                }
            }
        } else {
            // −J = Σ_samples [Σ_k q_k z_k z_kᵀ − (Σ_k p_k z_k)(Σ_k q_k z_k)ᵀ], the softmax
            // Hessian e^s·Zᵀ(diag(p) − ppᵀ)Z of a sample (positive semidefinite: Σ p < 1)
            let g = self.group;
            for (a, z) in self.a.chunks(g).zip(self.z.chunks(g)) {
                let Some(ws) = self.group_weights(s, a, true) else {
                    continue;
                };
                let mut vq = vec![S::zero(ctx); d];
                let mut vp = vec![S::zero(ctx); d];
                for (w, zk) in ws.iter().zip(z) {
                    if let Some((q, p)) = w {
                        for i in 0..d {
                            let qi = q.clone().mul(&zk[i]);
                            for j in 0..d {
                                m[i][j].mul_add_assign(&qi, &zk[j]);
                            }
                            vq[i].mul_add_assign(q, &zk[i]);
                            vp[i].mul_add_assign(p, &zk[i]);
                        }
                    }
                }
                for i in 0..d {
                    for j in 0..d {
                        let mut t = vp[i].clone().mul(&vq[j]);
                        t.neg_mut();
                        m[i][j].add_assign(&t);
                    }
                }
            }
        }
        let ok = m.iter().flatten().all(Scalar::is_finite);
        self.neg_j = m;
        self.factor = None;
        ok
    }

    fn solve(&mut self, h: &S, b: &mut [S]) -> bool {
        // I − hJ = I + h·(−J): symmetric positive definite
        let ctx = h.ctx();
        let fresh = match &self.factor {
            Some((h0, _)) => h0.partial_cmp_s(h) != Some(std::cmp::Ordering::Equal),
            None => true,
        };
        if fresh {
            let a: Vec<Vec<S>> = self
                .neg_j
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    row.iter()
                        .enumerate()
                        .map(|(j, x)| {
                            let mut v = x.clone().mul(h);
                            if i == j {
                                v.add_assign(&S::from_f64(1.0, ctx));
                            }
                            v
                        })
                        .collect()
                })
                .collect();
            self.factor = linalg::cholesky_factor(&a, ctx).map(|l| (h.clone(), l));
        }
        match &self.factor {
            Some((_, l)) => linalg::cholesky_apply(l, b),
            None => false,
        }
    }
}

/// `ln(e^s·ℓ(u))` for `u = s − a` (the loss term scaled by `e^s = 1 + τ`), without overflow.
fn log_loss_term<S: Scalar>(loss: Loss, s: &S, a: &S) -> S {
    match loss {
        Loss::Exponential => a.clone(),
        Loss::Logistic | Loss::Softmax { .. } => {
            let ctx = s.ctx();
            // ℓ(u) = ln(1 + e^{−u}); e^{−u} = e^{a−s}
            let x = a.clone().sub(s);
            if lt(&x, &S::zero(ctx)) {
                // ln(e^s ln(1 + y)) = a + ln(ln(1 + y)/y), y = e^x (→ a as y → 0, where
                // e^x may underflow)
                let y = x.exp();
                if y.is_zero() {
                    return a.clone();
                }
                let mut l = y.clone();
                l.ln_1p_mut();
                a.clone().add(&l.div(&y).ln())
            } else {
                // ln(1 + e^x) = x + ln(1 + e^{−x})
                let mut nx = x.clone();
                nx.neg_mut();
                let mut l = nx.exp();
                l.ln_1p_mut();
                s.clone().add(&x.add(&l).ln())
            }
        }
    }
}

/// [`log_loss_term`] of every lifted point from its exponent `a`. A softmax sample's term
/// `e^s·ℓ_n = e^s ln(1 + Σ_j e^{a_j − s})` is the logistic term of `a = ln Σ_j e^{a_j}`, and is
/// shared among its pairs in proportion to `e^{a_k}` (as [`Loss::ln_values`] shares it on GD's
/// side), so the support pairs' share is defined as for the binary losses.
fn log_loss_terms<S: Scalar>(loss: Loss, s: &S, a: Vec<S>) -> Vec<S> {
    let g = loss.group();
    if g == 1 {
        return a.iter().map(|x| log_loss_term(loss, s, x)).collect();
    }
    let mut out = Vec::with_capacity(a.len());
    for grp in a.chunks(g) {
        let l = scalar::log_sum_exp(grp);
        let term = log_loss_term(Loss::Logistic, s, &l);
        for x in grp {
            out.push(x.clone().sub(&l).add(&term));
        }
    }
    out
}

/// `ln Σ_i e^{v_i}` over the given values (`None` for an empty set).
fn log_sum_exp<S: Scalar>(v: &[S]) -> Option<S> {
    (!v.is_empty()).then(|| scalar::log_sum_exp(v))
}

/// The quantities of one checkpoint `s` (docs/cli.md, `ibias flow`).
#[derive(Clone, Debug)]
pub struct FlowPoint<S: Scalar> {
    /// Log-time `s = ln(1 + τ)`.
    pub s: S,
    /// `log10 τ` (f64; `τ = e^s − 1`).
    pub(crate) log10_tau: f64,
    /// `ρ(s) = w − ŵ s`.
    pub rho: Vec<S>,
    /// `w(s)`.
    pub w: Vec<S>,
    /// `‖ρ − w̃‖` (`‖P1(ρ − w̃)‖` without the span condition; `None` without `w̃`).
    pub rho_err: Option<S>,
    /// `P2 ρ`, the part off `span(Z_S)` (measured).
    pub(crate) p2: Vec<S>,
    /// `ŵᵀρ/‖ŵ‖²`.
    pub(crate) u: S,
    /// `‖P⊥ρ‖/‖ŵ‖`.
    pub(crate) q: S,
    /// `min_{n∈S} z_nᵀρ`.
    pub(crate) m: S,
    /// `s·‖w/‖w‖ − ŵ/‖ŵ‖‖`.
    pub s_dir: Option<S>,
    /// `C_dir·s/(s + C_norm/‖ŵ‖)`.
    pub(crate) s_dir_pred: Option<S>,
    /// `s·(γ* − γ(s))`.
    pub(crate) s_gap: Option<S>,
    /// `C_γ·s/(s + u∞) + C_dir²·s/(2‖ŵ‖(s + u∞)²)`.
    pub(crate) s_gap_pred: Option<S>,
    /// The minimum margin of `w` is attained on S (the margin identity applies).
    pub(crate) min_on_support: bool,
    /// `e^s·L(w) = (1 + τ)·L`, → `‖ŵ‖²`.
    pub(crate) tau_loss: S,
    /// Non-SV loss share scaled by `e^{(θ−1)s}` (`None`: every point is a support vector).
    pub(crate) share_scaled: Option<S>,
    /// `ln` of the non-SV loss share (`None`: no non-SV point).
    pub(crate) ln_share: Option<S>,
}

/// The quantities at `(s, ρ)`.
pub(crate) fn diagnose_flow<S: Scalar>(pred: &Prediction<S>, s: &S, rho: &[S]) -> FlowPoint<S> {
    let ctx = pred.ctx;
    let nw = pred.norm_w_hat.clone();
    let nw2 = pred.norm_sq_s();
    let w: Vec<S> = linalg::axpy(rho, s, &pred.w_hat_s);
    let u = scalar::dot(&pred.w_hat_s, rho, ctx).div(&nw2);
    let perp = linalg::axpy(rho, &u.clone().mul(&S::from_f64(-1.0, ctx)), &pred.w_hat_s);
    let q = scalar::norm(&perp, ctx).div(&nw);
    let m = linalg::min_on(&pred.z, &pred.support, rho, ctx);
    let p1 = linalg::project(&pred.span_basis, rho, ctx);
    let p2 = linalg::sub(rho, &p1);
    let rho_err = match (&pred.w_tilde, &pred.w_tilde_span) {
        (Some(wt), _) if pred.spans => Some(scalar::norm(&linalg::sub(rho, wt), ctx)),
        (_, Some(ws)) => Some(scalar::norm(&linalg::sub(&p1, ws), ctx)),
        _ => None,
    };
    let s_dir = linalg::direction_error(&w, &pred.w_hat_s, ctx).map(|e| e.mul(s));
    let c_norm = pred.c_norm.value(ctx);
    let u_inf = c_norm.map(|c| c.div(&nw));
    // the predicted forms are for s > 0 (at s = 0 they may read 0/0)
    let positive = lt(&S::zero(ctx), s);
    let s_dir_pred = match (pred.c_dir.value(ctx), &u_inf) {
        (Some(c), Some(ui)) if positive => Some(c.mul(s).div(&s.clone().add(ui))),
        _ => None,
    };
    let norm_w = scalar::norm(&w, ctx);
    let margins: Vec<S> = pred.z.iter().map(|z| scalar::dot(z, &w, ctx)).collect();
    let min_all = margins
        .iter()
        .cloned()
        .reduce(|a, b| if lt(&b, &a) { b } else { a });
    let min_sv = pred
        .support
        .iter()
        .map(|&i| margins[i].clone())
        .reduce(|a, b| if lt(&b, &a) { b } else { a });
    let min_on_support = match (&min_all, &min_sv) {
        (Some(a), Some(b)) => !lt(a, b),
        _ => false,
    };
    let s_gap = min_all
        .filter(|_| !norm_w.is_zero())
        .map(|mn| S::from_f64(1.0, ctx).div(&nw).sub(&mn.div(&norm_w)).mul(s));
    let s_gap_pred = match (pred.c_gamma.value(ctx), pred.c_dir.value(ctx), &u_inf) {
        (Some(cg), Some(cd), Some(ui)) if positive => {
            let su = s.clone().add(ui);
            let first = cg.mul(s).div(&su);
            let mut second = cd
                .clone()
                .mul(&cd)
                .mul(s)
                .div(&su.clone().mul(&su))
                .div(&nw);
            second.mul_f64(0.5);
            Some(first.add(&second))
        }
        _ => None,
    };
    // loss terms, in log form
    let mut lt_n = Vec::with_capacity(pred.z.len());
    for (z, mq) in pred.z.iter().zip(&pred.margins) {
        let drift = S::from_rational(&(rug::Rational::from(1) - mq), ctx);
        let mut a = scalar::dot(z, rho, ctx);
        a.neg_mut();
        a.mul_add_assign(s, &drift);
        lt_n.push(a);
    }
    lt_n = log_loss_terms(pred.loss, s, lt_n);
    let ln_total = log_sum_exp(&lt_n).unwrap_or_else(|| S::zero(ctx));
    let tau_loss = ln_total.clone().exp();
    let off: Vec<usize> = (0..pred.z.len()).filter(|&i| !pred.in_support[i]).collect();
    let ln_off = log_sum_exp(&off.iter().map(|&i| lt_n[i].clone()).collect::<Vec<_>>());
    let ln_share = ln_off.map(|l| l.sub(&ln_total));
    let share_scaled = match (&ln_share, &pred.theta) {
        (Some(l), Some(th)) => {
            let th1 = S::from_rational(&(th.clone() - 1u32), ctx);
            Some(l.clone().add(&th1.mul(s)).exp())
        }
        _ => None,
    };
    let log10_tau = {
        // τ = e^s − 1; for s > 40 the −1 is below f64's resolution
        let sf = s.to_f64();
        if sf > 40.0 {
            sf / std::f64::consts::LN_10
        } else {
            sf.exp_m1().log10()
        }
    };
    FlowPoint {
        s: s.clone(),
        log10_tau,
        rho: rho.to_vec(),
        w,
        rho_err,
        p2,
        u,
        q,
        m,
        s_dir,
        s_dir_pred,
        s_gap,
        s_gap_pred,
        min_on_support,
        tau_loss,
        share_scaled,
        ln_share,
    }
}

/// The integration's own error budget: the flow is non-expansive (its Jacobian
/// `−Σ c_n q_n z_n z_nᵀ` is negative semidefinite, so `‖ρ₁(s) − ρ₂(s)‖` never grows), hence
/// the global error is at most the sum of the local errors (docs/theory/flow.md).
#[derive(Clone, Debug)]
pub struct Budget<S: Scalar> {
    /// Bound on `‖ρ_computed(s) − ρ_exact(s)‖` at the last checkpoint, from the error
    /// control (estimated, not certified).
    pub integration: S,
}

/// `2^{−bits}` at working precision.
fn ulp<S: Scalar>(ctx: S::Ctx) -> S {
    super::predict::pow2_neg(S::accuracy_bits(ctx), ctx)
}

/// A flow verdict for claim `id` at log-time `s`.
fn at<S: Scalar>(id: &'static str, s: &S) -> Verdict<S> {
    let mut v = Verdict::from_claim(claim(id), 0);
    v.s = Some(s.clone());
    v
}

fn na<S: Scalar>(id: &'static str, s: &S, why: impl Into<String>, applies: bool) -> Verdict<S> {
    let mut v = at(id, s);
    v.basis = why.into();
    v.core = claim(id).core && applies;
    v
}

/// Judges the flow claims on the checkpoints (in increasing `s`, at least two):
/// `flow_residual`, `flow_direction`, `flow_margin`, `flow_sv_share`, `flow_loss_constant`
/// (docs/theory/flow.md derives each tolerance), and the measured rate of `ρ → lim ρ`.
pub fn assess_flow<S: Scalar>(
    pred: &Prediction<S>,
    pts: &[FlowPoint<S>],
    budget: &Budget<S>,
) -> Assessment<S> {
    let ctx = pred.ctx;
    let mut verdicts = Vec::new();
    let (Some(last), true) = (pts.last(), pts.len() >= 2) else {
        return Assessment {
            verdicts,
            fits: Vec::new(),
        };
    };
    let prev = &pts[pts.len() - 2];
    let d = pred.w_hat_s.len();
    let nw = pred.norm_w_hat.clone();
    let r = pred.r_max.clone();
    let u = ulp::<S>(ctx);
    let dims = S::from_f64((16 + 4 * d) as f64, ctx);
    // the witness: lim ρ ≈ ρ(S), with bar 2‖ρ(S) − ρ(S_prev)‖ + integration + rounding
    let step = scalar::norm(&linalg::sub(&last.rho, &prev.rho), ctx);
    let rho_size = scalar::norm(&last.rho, ctx).add(&S::from_f64(1.0, ctx));
    let round_rho = u.clone().mul(&dims).mul(&rho_size);
    // the tail ‖ρ(S) − lim ρ‖: twice the last increment (a contraction by at least half per
    // interval), and at least the last mean speed over κ, the slowest rate of the linearized
    // flow computed from the data (§2.7, `exponents[0]`, which no conjecture replaces): for
    // r' = −M r with M symmetric, M ⪰ κ on the modes present, ‖r‖ ≤ ‖r'‖/κ, and the speed
    // at S is at most the mean speed over the last interval while it decays. Without the
    // second term a flow with a slow mode (κ = 0.0065 on planted 100×10 data) FAILed a true
    // w̃ at S = 15, where ρ still had 3.5 to travel after a fast transient.
    let mut two_steps = step.clone();
    two_steps.mul_f64(2.0);
    let len_last = last.s.clone().sub(&prev.s);
    let slow = match pred.exponents.first() {
        Some(k) if lt(&S::zero(ctx), k) && lt(&S::zero(ctx), &len_last) => {
            step.clone().div(&len_last).div(k)
        }
        _ => S::zero(ctx),
    };
    let bar = linalg::max(two_steps, &slow)
        .add(&budget.integration)
        .add(&round_rho);
    let bar_note = format!(
        "lim ρ estimated by ρ(S), S = {}, bar max(2‖ρ(S) − ρ(S_prev)‖, speed/κ) + integration + rounding = {}",
        last.s.to_decimal(6),
        bar.to_decimal(3)
    );
    let degenerate = pred.regime == Regime::Degenerate;
    // the bar stands for the tail Σ_{later intervals} ‖Δρ‖ only once ρ contracts: the last
    // increment at most half the one before, or already within the integration and rounding
    // budget. Before that (the transient, short --until) ρ(S) is no estimate of lim ρ: n/a
    let floor_rho = budget.integration.clone().add(&round_rho);
    // The two increments are compared over intervals of which the last is at least as long as
    // the one before: a shorter last interval moves ρ less whether or not it contracts
    // (`--until 7` on the 1-2-5 grid: 5 → 7 after 2 → 5 passed the test, and a true w̃
    // FAILed on planted 100×10 data).
    let contracting = pts.len() >= 3 && {
        let before_pt = &pts[pts.len() - 3];
        let before = scalar::norm(&linalg::sub(&prev.rho, &before_pt.rho), ctx);
        let mut half = before;
        half.mul_f64(0.5);
        let len_before = prev.s.clone().sub(&before_pt.s);
        (!lt(&half, &step) && !lt(&len_last, &len_before)) || !lt(&floor_rho, &step)
    };

    // ρ → w̃
    verdicts.push(match (&pred.w_tilde, &pred.w_tilde_span, &last.rho_err) {
        _ if !contracting && !degenerate => na(
            "flow_residual",
            &last.s,
            format!(
                "ρ does not contract yet at S = {} (its last increment, {}, is more than half the one before, or its last interval is shorter than the one before): ρ(S) is no estimate of lim ρ; integrate further (--until)",
                last.s.to_decimal(6),
                step.to_decimal(3)
            ),
            true,
        ),
        (_, _, None) | (None, None, _) => na(
            "flow_residual",
            &last.s,
            if degenerate {
                "no w̃: degenerate data (§2.11); see flow_conserved and flow_degenerate_growth where they apply".to_string()
            } else {
                "w̃ not available for these data".to_string()
            },
            true,
        ),
        (wt, ws, Some(dev)) => {
            let full = pred.spans && wt.is_some();
            let expected = if full { wt.clone() } else { ws.clone() };
            let mut v = at("flow_residual", &last.s);
            v.user = pred.is_user("w_tilde");
            v.measured = Some(dev.clone());
            v.predicted = Some(S::zero(ctx));
            let limit = if full {
                last.rho.clone()
            } else {
                linalg::project(&pred.span_basis, &last.rho, ctx)
            };
            let scale = expected
                .as_ref()
                .map(|e| scalar::norm(e, ctx))
                .filter(|n| !n.is_zero())
                .unwrap_or_else(|| S::from_f64(1.0, ctx));
            v.limit = Some(limit);
            v.expected = expected;
            v.basis = if full {
                format!("‖ρ(S) − w̃‖; {bar_note}")
            } else {
                format!(
                    "‖P1(ρ(S) − w̃)‖ (the SVs do not span: P2 ρ(S) = ({}) measured, not predicted); {bar_note}",
                    last.p2
                        .iter()
                        .map(|x| x.to_decimal(8))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            v.judge(dev.clone(), bar.clone(), scale, Status::Pass)
        }
    });

    // s·dir → C_dir s/(s + C_norm/‖ŵ‖)
    let four = S::from_f64(4.0, ctx);
    let lip_dir = four.clone().div(&nw);
    verdicts.push(if pred.on_w_hat_line {
        na(
            "flow_direction",
            &last.s,
            "C_dir = 0 exactly: the trajectory stays on ŵ's line (nothing to resolve)",
            false,
        )
    } else {
        let x_of = |p: &FlowPoint<S>, rho_q: &S, rho_u: &S| {
            rho_q.clone().div(&p.s.clone().add(rho_u))
        };
        let none_why = if pts.iter().all(|p| p.s_dir_pred.is_none()) {
            format!(
                "no checkpoint has the refined prediction C_dir·s/(s + C_norm/‖ŵ‖): C_norm {}",
                unavailable_why(&pred.c_norm, degenerate)
            )
        } else {
            NO_REGIME.to_string()
        };
        let judged: Vec<(&FlowPoint<S>, S, S)> = pts
            .iter()
            .filter(|p| in_regime(p, last, &bar, &nw))
            .filter_map(|p| {
                let (m, pr) = (p.s_dir.clone()?, p.s_dir_pred.clone()?);
                let x = x_of(p, &p.q, &p.u);
                let x_lim = x_of(p, &last.q, &last.u);
                let mut rem = x.clone().mul(&x).mul(&x).mul(&p.s);
                rem.mul_f64(0.375);
                let moved = x.mul(&p.s).sub(&x_lim.mul(&p.s)).abs();
                let round = u.clone().mul(&dims).mul(&p.s);
                let tol = rem
                    .add(&moved)
                    .add(&lip_dir.clone().mul(&bar))
                    .add(&round);
                Some((p, m.sub(&pr).abs(), tol))
            })
            .collect();
        series_verdict(
            "flow_direction",
            pred.is_user("C_dir") || pred.is_user("C_norm"),
            &judged,
            |p| (p.s_dir.clone(), p.s_dir_pred.clone()),
            pred.c_dir.value(ctx),
            last,
            "s·dir judged at every checkpoint with s ≥ 2(|u| + q) at ρ(s) and at the ball of lim ρ: tolerance (3/8)s·x³ (x = tan φ) + |s·x(ρ(s)) − s·x(lim ρ)| + (4/‖ŵ‖)·bar + rounding",
            &bar_note,
            unavailable_why(&pred.c_dir, degenerate),
            &none_why,
        )
    });

    // s·gap → C_γ s/(s + u∞) + C_dir² s/(2‖ŵ‖(s + u∞)²)
    let ten = S::from_f64(10.0, ctx);
    let lip_gap = ten
        .div(&nw)
        .add(&r.clone().mul(&S::from_f64(2.0, ctx)))
        .div(&nw);
    {
        let main = |p: &FlowPoint<S>, q: &S, uu: &S, m: &S| {
            let su = p.s.clone().add(uu);
            let delta = uu.clone().sub(m).div(&su);
            let x = q.clone().div(&su);
            let mut x2 = x.clone().mul(&x);
            x2.mul_f64(0.5);
            (delta.add(&x2).mul(&p.s).div(&nw), x)
        };
        let none_why = if pts.iter().all(|p| p.s_gap_pred.is_none()) {
            let (cd, cn) = (pred.c_dir.value(ctx), pred.c_norm.value(ctx));
            let (name, why) = if cd.is_none() {
                ("C_dir", unavailable_why(&pred.c_dir, degenerate))
            } else if cn.is_none() {
                ("C_norm", unavailable_why(&pred.c_norm, degenerate))
            } else {
                ("C_γ", unavailable_why(&pred.c_gamma, degenerate))
            };
            format!(
                "no checkpoint has the refined prediction C_γ·s/(s + u∞) + C_dir²·s/(2‖ŵ‖(s + u∞)²): {name} {why}"
            )
        } else if pts.iter().any(|p| in_regime(p, last, &bar, &nw)) {
            "no checkpoint in the regime (s ≥ 2(|u| + q) at ρ(s) and at the ball of lim ρ) has its minimum margin on S (integrate further: --until)"
                .to_string()
        } else {
            NO_REGIME.to_string()
        };
        let judged: Vec<(&FlowPoint<S>, S, S)> = pts
            .iter()
            .filter(|p| in_regime(p, last, &bar, &nw) && p.min_on_support)
            .filter_map(|p| {
                let (mv, pr) = (p.s_gap.clone()?, p.s_gap_pred.clone()?);
                let (here, x) = main(p, &p.q, &p.u, &p.m);
                let (lim, _) = main(p, &last.q, &last.u, &last.m);
                let su = p.s.clone().add(&p.u);
                let delta = p.u.clone().sub(&p.m).div(&su).abs();
                let x2 = x.clone().mul(&x);
                let mut r4 = x2.clone().mul(&x2);
                r4.mul_f64(0.375);
                let mut r2 = delta.mul(&x2);
                r2.mul_f64(0.5);
                let rem = r4.add(&r2).mul(&p.s).div(&nw);
                let round = u
                    .clone()
                    .mul(&dims)
                    .mul(&p.s)
                    .mul(&r.clone().add(&S::from_f64(1.0, ctx)));
                let tol = rem
                    .add(&here.sub(&lim).abs())
                    .add(&lip_gap.clone().mul(&bar))
                    .add(&round);
                Some((p, mv.sub(&pr).abs(), tol))
            })
            .collect();
        verdicts.push(series_verdict(
            "flow_margin",
            pred.is_user("C_gamma") || pred.is_user("C_dir") || pred.is_user("C_norm"),
            &judged,
            |p| (p.s_gap.clone(), p.s_gap_pred.clone()),
            pred.c_gamma.value(ctx),
            last,
            "s·gap judged at every checkpoint with s ≥ 2(|u| + q) at ρ(s) and at the ball of lim ρ whose minimum margin is on S: tolerance (s/‖ŵ‖)(3x⁴/8 + |δ|x²/2) + |main(ρ(s)) − main(lim ρ)| + (10/‖ŵ‖ + 2R)/‖ŵ‖·bar + rounding",
            &bar_note,
            unavailable_why(&pred.c_gamma, degenerate),
            &none_why,
        ));
    }

    // the non-SV share and the loss constant: relative, at the last checkpoint
    let sv_lim = |rho: &[S], set: &[usize]| {
        log_sum_exp(
            &set.iter()
                .map(|&i| {
                    let mut a = scalar::dot(&pred.z[i], rho, ctx);
                    a.neg_mut();
                    a
                })
                .collect::<Vec<_>>(),
        )
    };
    let two_r_bar = r.clone().mul(&bar).mul(&S::from_f64(2.0, ctx));
    let n_round = u
        .clone()
        .mul(&S::from_f64((16 * pred.z.len() + 16) as f64, ctx))
        .mul(&last.s.clone().mul(&r).add(&rho_size));
    verdicts.push(match (&last.share_scaled, pred.share_loss.value(ctx)) {
        (None, _) => na(
            "flow_sv_share",
            &last.s,
            "every point is a support vector",
            false,
        ),
        (_, None) => na(
            "flow_sv_share",
            &last.s,
            unavailable_why(&pred.share_loss, degenerate),
            !degenerate,
        ),
        (Some(meas), Some(pr)) => {
            let lim = match (
                sv_lim(&last.rho, &pred.theta_points),
                sv_lim(&last.rho, &pred.support),
            ) {
                (Some(a), Some(b)) => a.sub(&b).exp(),
                _ => S::zero(ctx),
            };
            relative_verdict(
                "flow_sv_share",
                pred.is_user("C_share"),
                &last.s,
                meas.clone(),
                pr,
                lim,
                two_r_bar.clone().add(&n_round),
                &bar_note,
            )
        }
    });
    verdicts.push(match pred.c_l.value(ctx) {
        None => na(
            "flow_loss_constant",
            &last.s,
            unavailable_why(&pred.c_l, degenerate),
            true,
        ),
        Some(pr) => {
            let lim = sv_lim(&last.rho, &pred.support)
                .map(S::exp)
                .unwrap_or_else(|| S::zero(ctx));
            relative_verdict(
                "flow_loss_constant",
                pred.is_user("C_L"),
                &last.s,
                last.tau_loss.clone(),
                pr,
                lim,
                r.clone().mul(&bar).add(&n_round),
                &bar_note,
            )
        }
    });
    // the rate of ρ → lim ρ (§2.7): the slope κ_m of ln‖ρ(s) − ρ(S)‖ against s over the
    // last three checkpoints where that distance is above 10³ times the bar of lim ρ, against
    // κ. The witness's bar: twice the change of the slope from the window one checkpoint
    // earlier (the next exponent's correction e^{−(κ₂−κ)s} shrinks from one window to the
    // next), plus what the distances' own errors (≤ bar, so ≤ 10⁻³ relative) do to a slope
    // over the window: 2·max(bar/y)/(s_last − s_first). Degenerate or non-spanning data have
    // no κ (n/a).
    let floor = bar.clone().mul(&S::from_f64(1e3, ctx));
    let above: Vec<(S, S)> = pts[..pts.len() - 1]
        .iter()
        .map(|p| {
            (
                p.s.clone(),
                scalar::norm(&linalg::sub(&p.rho, &last.rho), ctx),
            )
        })
        .filter(|(_, y)| lt(&floor, y))
        .collect();
    verdicts.push(rate_verdict(pred, &above, &bar, &last.s, ctx));
    // degenerate data of one support vector with α > 0 and one zero-α margin point: the
    // conserved quantity and the ln s growth it implies (§2.11)
    if let Some(pair) = DegeneratePair::of(pred) {
        verdicts.extend(pair.verdicts(&pts[0], last, &budget.integration, &u, &dims));
    }
    let fits: Vec<super::verdict::Fit<S>> = Vec::new();
    Assessment { verdicts, fits }
}

/// Degenerate data of two points (docs/theory/flow.md, "Degenerate data"): `z₁` with
/// `α₁ > 0` and `z₂` on the margin with `α₂ = 0`. Then `ŵ = α₁z₁`, so `v = z₂ − z₁ ⊥ ŵ`, and
/// with `a = z₁ᵀw`, `b = vᵀw` the exponential-loss flow reads `da/dτ = K e^{−a}(1 + e^{−b})`,
/// `db/dτ = V e^{−a−b}` (`K = ‖z₁‖²`, `V = ‖v‖²`, `z₁ᵀz₂ = K`): `(e^b + 1) db = c da`,
/// `c = V/K`, so `Φ(w) = e^b + b − c·a` is constant along it.
#[derive(Clone, Debug)]
pub struct DegeneratePair<S: Scalar> {
    z1: Vec<S>,
    v: Vec<S>,
    c: S,
}

impl<S: Scalar> DegeneratePair<S> {
    /// The pair, for exponential-loss degenerate data of exactly two points, one a support
    /// vector with `α > 0`, the other on the margin with `α = 0`; else `None`.
    pub fn of(pred: &Prediction<S>) -> Option<Self> {
        let two = pred.z.len() == 2 && pred.in_support.iter().all(|&b| b);
        if pred.regime != Regime::Degenerate || pred.loss != Loss::Exponential || !two {
            return None;
        }
        let [j] = pred.zero_alpha[..] else {
            return None;
        };
        let i = 1 - j; // two points: the other one
        if pred.alpha[i].is_zero() {
            return None;
        }
        let ctx = pred.ctx;
        let z1 = pred.z[i].clone();
        let v = linalg::sub(&pred.z[j], &z1);
        let c = scalar::dot(&v, &v, ctx).div(&scalar::dot(&z1, &z1, ctx));
        Some(DegeneratePair { z1, v, c })
    }

    /// `c = ‖v‖²/‖z₁‖²`.
    pub fn c(&self) -> &S {
        &self.c
    }

    /// The same pair with the factor `c` replaced (tests: a wrong conservation law FAILs).
    pub fn with_c(mut self, c: S) -> Self {
        self.c = c;
        self
    }

    /// `(Φ(w), a, b, |e^b| + |b| + c|a|)`: the value, its parts and the size that bounds its
    /// evaluation's rounding.
    fn phi(&self, w: &[S]) -> (S, S, S, S) {
        let ctx = self.c.ctx();
        let a = scalar::dot(&self.z1, w, ctx);
        let b = scalar::dot(&self.v, w, ctx);
        let eb = b.clone().exp();
        let ca = self.c.clone().mul(&a);
        let size = eb.clone().add(&b.clone().abs()).add(&ca.clone().abs());
        (eb.add(&b).sub(&ca), a, b, size)
    }

    /// `flow_conserved` and `flow_degenerate_growth` at the last checkpoint, from the first
    /// (`s = 0`); `integration` bounds `‖w_computed(S) − w_exact(S)‖`, `u` is the unit
    /// roundoff and `dims` the rounding factor of a dot product (as for the other claims).
    ///
    /// * `flow_conserved`: `|Φ(w(S)) − Φ(w(0))|` against `G·E + R`, with
    ///   `G = (e^{b + ‖v‖E} + 1)‖v‖ + c‖z₁‖ ≥ ‖∇Φ‖` on the ball of radius `E` around `w(S)`
    ///   and `R` the rounding of both evaluations.
    /// * `flow_degenerate_growth`: `b(S)` against `ln(c·S)`. From `e^b = Φ + c·a − b`:
    ///   `b − ln(cS) = ln(a/S) + ln(1 + x)`, `x = (Φ − b)/(c·a)`; with `Φ` within the
    ///   conservation tolerance `δ` of `Φ(w(0))`, `|x| ≤ |Φ(w(0)) − b|/(c·a) + δ/(c·a)` and the
    ///   tolerance is `|a − S|/min(a, S) + |x|/(1 − |x|)` (for `|x| < 1`) plus rounding.
    pub fn verdicts(
        &self,
        first: &FlowPoint<S>,
        last: &FlowPoint<S>,
        integration: &S,
        u: &S,
        dims: &S,
    ) -> Vec<Verdict<S>> {
        let ctx = self.c.ctx();
        let one = S::from_f64(1.0, ctx);
        let (phi0, _, _, size0) = self.phi(&first.w);
        let (phi_s, a, b, size_s) = self.phi(&last.w);
        let nv = scalar::norm(&self.v, ctx);
        let nz = scalar::norm(&self.z1, ctx);
        // G on the ball: e^{b + ‖v‖E} bounds e^{vᵀx} for ‖x − w‖ ≤ E
        let g = b
            .clone()
            .add(&nv.clone().mul(integration))
            .exp()
            .add(&one)
            .mul(&nv)
            .add(&self.c.clone().mul(&nz));
        let mut round = size0.add(&size_s).add(&S::from_f64(2.0, ctx));
        round = round.mul(u).mul(dims);
        let delta = g.mul(integration).add(&round);
        let dev = phi_s.clone().sub(&phi0).abs();
        let mut cons = at("flow_conserved", &last.s);
        cons.measured = Some(phi_s);
        cons.predicted = Some(phi0.clone());
        cons.basis = format!(
            "Φ = e^(vᵀw) + vᵀw − c·z₁ᵀw, c = ‖v‖²/‖z₁‖² = {}; tolerance ‖∇Φ‖ on the integration error's ball times that error + rounding",
            self.c.to_decimal(6)
        );
        let scale = linalg::max(phi0.clone().abs(), &one);
        let cons = cons.judge(dev, delta.clone(), scale, Status::Pass);

        let sl = last.s.clone();
        let mut grow = at("flow_degenerate_growth", &sl);
        let ca = self.c.clone().mul(&a);
        let pred_b = self.c.clone().mul(&sl).ln();
        grow.measured = Some(b.clone());
        grow.predicted = Some(pred_b.clone());
        let small = if lt(&a, &sl) { a.clone() } else { sl.clone() };
        let x = phi0.sub(&b).abs().add(&delta).div(&ca);
        let grow = if lt(&S::zero(ctx), &small) && lt(&x, &one) {
            let tol = a
                .clone()
                .sub(&sl)
                .abs()
                .div(&small)
                .add(&x.clone().div(&one.clone().sub(&x)))
                .add(
                    &pred_b
                        .clone()
                        .abs()
                        .add(&b.clone().abs())
                        .add(&one)
                        .mul(u)
                        .mul(dims),
                );
            grow.basis = format!(
                "b = vᵀw against ln(c·s); tolerance |a − s|/min(a, s) + |x|/(1 − |x|), x = (Φ(w(0)) − b ± δ)/(c·a), a = z₁ᵀw = {}, from the conservation of Φ",
                a.to_decimal(6)
            );
            let dev = b.sub(&pred_b).abs();
            let scale = linalg::max(pred_b.abs(), &one);
            grow.judge(dev, tol, scale, Status::Pass)
        } else {
            grow.basis = format!(
                "not yet growing: needs z₁ᵀw > 0 and |Φ(w(0)) − b| + δ < c·z₁ᵀw at S = {} (integrate further: --until)",
                sl.to_decimal(6)
            );
            grow
        };
        vec![cons, grow]
    }
}

/// The `flow_rate` verdict from the distances `(s, ‖ρ(s) − ρ(S)‖)` above the floor
/// (increasing `s`), see [`assess_flow`].
fn rate_verdict<S: Scalar>(
    pred: &Prediction<S>,
    above: &[(S, S)],
    bar: &S,
    s_last: &S,
    ctx: S::Ctx,
) -> Verdict<S> {
    let id = "flow_rate";
    let Some(kappa) = pred.kappa.value(ctx) else {
        return na(
            id,
            s_last,
            unavailable_why(&pred.kappa, pred.regime == Regime::Degenerate),
            true,
        );
    };
    // one exponent must lead alone: with another within 1/50 of κ (a tie or near-tie of
    // the linearized flow), or κ at 1 (the ŵ mode, and for the logistic loss its e^{−s}
    // correction forcing), the distance can decay like s·e^{−κs}, whose log-slope drifts
    // like 1/s: not a rate the window test can bound
    let near = S::from_f64(super::extrapolate::MERGE_DISTANCE, ctx);
    let close = pred
        .exponents
        .iter()
        .filter(|e: &&S| !lt(&near, &(*e).clone().sub(&kappa).abs()))
        .count();
    let one = S::from_f64(1.0, ctx);
    if close >= 2 || !lt(&kappa, &one.sub(&near)) {
        return na(
            id,
            s_last,
            format!(
                "κ = {} does not lead alone (another exponent of the linearized flow within 1/50, or κ at 1): the decay may be s·e^(−κs), not judged",
                kappa.to_decimal(4)
            ),
            false,
        );
    }
    if above.len() < 4 {
        return na(
            id,
            s_last,
            format!(
                "needs four checkpoints where ‖ρ(s) − ρ(S)‖ is above 10³ times the bar of lim ρ, has {} (checkpoints closer in s: --per-decade)",
                above.len()
            ),
            true,
        );
    }
    let slope = |w: &[(S, S)]| -> Option<S> {
        let (xs, ys): (Vec<S>, Vec<S>) = w.iter().cloned().unzip();
        super::verdict::loglog_slope(&xs, &ys).map(|mut k| {
            k.neg_mut();
            k
        })
    };
    let n = above.len();
    let (Some(late), Some(early)) = (slope(&above[n - 3..]), slope(&above[n - 4..n - 1])) else {
        return na(id, s_last, "the rate fit is singular", true);
    };
    let (s_first, s_end) = (&above[n - 3].0, &above[n - 1].0);
    let mut worst = S::zero(ctx);
    for (_, y) in &above[n - 3..] {
        let r = bar.clone().div(y);
        if lt(&worst, &r) {
            worst = r;
        }
    }
    let mut noise = worst.div(&s_end.clone().sub(s_first));
    noise.mul_f64(2.0);
    let mut tol = late.clone().sub(&early).abs();
    tol.mul_f64(2.0);
    let tol = tol.add(&noise);
    let mut v = at(id, s_end);
    v.user = pred.is_user("kappa");
    v.basis = format!(
        "slope of ln‖ρ(s) − ρ(S)‖ over s = {} … {}; tolerance 2·|that − the slope one checkpoint earlier ({})| + the distances' error over the window",
        s_first.to_decimal(4),
        s_end.to_decimal(4),
        early.to_decimal(6)
    );
    // the claim is ‖ρ − lim ρ‖ = O(e^{−κs}): a faster decay (the κ mode not excited from this
    // start, e.g. R2 from the origin: rate 1 for κ = 1/4) is no violation, but says nothing
    // about κ either
    let faster = late.clone().sub(&kappa).sub(&tol);
    if lt(&S::zero(ctx), &faster) {
        v.basis = format!(
            "decays faster than e^(−κs) (measured {}, κ = {}, tolerance {}): the κ mode is not excited from this start; O(e^(−κs)) holds, the rate is not κ; {}",
            late.to_decimal(6),
            kappa.to_decimal(6),
            tol.to_decimal(3),
            v.basis
        );
        return v;
    }
    let dev = late.clone().sub(&kappa).abs();
    v.measured = Some(late);
    v.predicted = Some(kappa.clone());
    v.judge(dev, tol, kappa, Status::Pass)
}

/// Why a series claim has no judged checkpoint when the predictions exist: none is in the
/// regime of [`in_regime`].
const NO_REGIME: &str = "no checkpoint with s ≥ 2(|u| + q) at ρ(s) and s ≥ 2(|u| + q + 2·bar/‖ŵ‖) at ρ(S) (integrate further: --until)";

/// The Lipschitz bounds of docs/theory/flow.md hold at `p.s`: `s ≥ 1`, `s ≥ 2(|u| + q)` at
/// `ρ(s)`, and on the whole ball of radius `bar` around `ρ(S)` (where `lim ρ` is, and on the
/// segment from `ρ(S)` to it the mean-value bound is taken): `s ≥ 2(|u_S| + q_S +
/// 2·bar/‖ŵ‖)`, since `u` and `q` move by at most `‖dρ‖/‖ŵ‖`. Without the second condition a
/// short horizon judged `s = 2` on planted 100×10 data with `u_S ≈ −1.7` (the refined
/// prediction's pole is at `s = −C_norm/‖ŵ‖ = 1.69`) and FAILed a true `C_dir`.
fn in_regime<S: Scalar>(p: &FlowPoint<S>, last: &FlowPoint<S>, bar: &S, nw: &S) -> bool {
    let ctx = p.s.ctx();
    let mut b = p.u.clone().abs().add(&p.q);
    b.mul_f64(2.0);
    let mut ball = bar.clone().div(nw);
    ball.mul_f64(2.0);
    let mut b_lim = last.u.clone().abs().add(&last.q).add(&ball);
    b_lim.mul_f64(2.0);
    !lt(&p.s, &b) && !lt(&p.s, &b_lim) && b_lim.is_finite() && !lt(&p.s, &S::from_f64(1.0, ctx))
}

fn unavailable_why<S: Scalar>(p: &Predicted<S>, degenerate: bool) -> String {
    match p {
        Predicted::Unavailable(why) => (*why).to_string(),
        _ if degenerate => "no w̃: degenerate data (§2.11)".into(),
        _ => "not predicted for these data".into(),
    }
}

/// A claim judged at every checkpoint of `judged` (`(point, |dev|, tolerance)`): reported at
/// the first failure, else at the last one; n/a with `unavailable` without the constant, and
/// with `none_why` when no checkpoint was judged.
#[allow(clippy::too_many_arguments)]
fn series_verdict<S: Scalar>(
    id: &'static str,
    user: bool,
    judged: &[(&FlowPoint<S>, S, S)],
    values: impl Fn(&FlowPoint<S>) -> (Option<S>, Option<S>),
    constant: Option<S>,
    last: &FlowPoint<S>,
    how: &str,
    bar_note: &str,
    unavailable: String,
    none_why: &str,
) -> Verdict<S> {
    let Some(constant) = constant else {
        return na(id, &last.s, unavailable, true);
    };
    let shown = judged
        .iter()
        .find(|(_, dev, tol)| !dev.is_finite() || lt(tol, dev))
        .or_else(|| judged.last());
    let Some((p, dev, tol)) = shown else {
        return na(id, &last.s, none_why, true);
    };
    let mut v = at(id, &p.s);
    v.user = user;
    let (m, pr) = values(p);
    v.measured = m;
    v.predicted = pr;
    v.basis = format!("{how}; {} checkpoint(s); {bar_note}", judged.len());
    // the constant's size, or for a (near) zero constant the value at the first judged
    // checkpoint (as for GD's claims)
    let first = judged
        .first()
        .and_then(|(p, _, _)| values(p).0)
        .map(S::abs)
        .unwrap_or_else(|| S::zero(p.s.ctx()));
    let scale = linalg::max(constant.abs(), &first);
    v.judge(dev.clone(), tol.clone(), scale, Status::Pass)
}

/// A relative limit claim at the last checkpoint: `|meas − pred|/|meas|` against the computed
/// finite-s remainder `|meas − lim(ρ(S))|/|meas|` plus `extra` (Lipschitz·bar + rounding).
#[allow(clippy::too_many_arguments)]
fn relative_verdict<S: Scalar>(
    id: &'static str,
    user: bool,
    s: &S,
    meas: S,
    pred: S,
    lim: S,
    extra: S,
    bar_note: &str,
) -> Verdict<S> {
    let ctx = s.ctx();
    let mut v = at(id, s);
    v.user = user;
    if meas.is_zero() {
        v.basis = "the measured value is 0 at this precision".into();
        v.status = Status::NotApplicable;
        return v;
    }
    let dev = meas.clone().sub(&pred).div(&meas).abs();
    let rem = meas.clone().sub(&lim).div(&meas).abs();
    v.measured = Some(meas);
    v.predicted = Some(pred);
    v.basis = format!(
        "relative; tolerance |value − its s → ∞ form at ρ(S)|/value = {} + Lipschitz·bar + rounding; {bar_note}",
        rem.to_decimal(3)
    );
    v.judge(dev, rem.add(&extra), S::from_f64(1.0, ctx), Status::Pass)
}
