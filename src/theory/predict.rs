//! Predictions for gradient descent with step `η` from `w(0)` (theory §2.1–§2.10), computed
//! from the exact max-margin solution at the run's working precision.
//!
//! | constant | formula | section |
//! |---|---|---|
//! | `α` (GD-selected) | unique KKT vector, or the maximum-entropy one | §2.1 |
//! | `w̃` | `z_nᵀw̃ = ln(η/α_n)` on S, `w̃ ∈ span(Z_S)`, plus `P2 w(0)` | §1.3, §2.1 |
//! | `C_L` | `‖ŵ‖²/η` (exact) | §2.2 |
//! | `C_norm` | `ŵᵀw̃/‖ŵ‖` | §2.4 |
//! | `C_dir` | `‖P⊥w̃‖/‖ŵ‖` | §2.5 |
//! | `C_γ` | `(max_S ln α_n − Σ_S p_n ln α_n)/‖ŵ‖`, `p_n = α_n/‖ŵ‖²` | §2.6 |
//! | `λ⊥` | smallest eigenvalue of `M = Σ_S α_n z_n z_nᵀ` on `span(Z_S) ∩ ŵ⊥` | §2.7 |
//! | `κ` | `min(λ⊥, θ − 1, 1)`, the residual rate exponent | §2.7 |
//! | non-SV share | `η Σ_{ŵᵀz_n=θ} e^{−z_nᵀw̃}/‖ŵ‖²` (loss), `η‖Σ e^{−z_nᵀw̃} z_n‖/‖ŵ‖` (gradient) | §2.8 |
//!
//! Degenerate data (a margin point with `α_n = 0` in every KKT vector, §2.11) have no `w̃`:
//! every constant that needs it is [`Predicted::Unavailable`] with the reason, never a number.

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::linalg;
use crate::loss::Loss;
use crate::objective::Objective;
use crate::oracle::{MaxMargin, Norm};
use crate::scalar::{self, lt, Scalar};
use rug::{Integer, Rational};

/// A predicted constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicted<S> {
    /// An exact rational value.
    Exact(Rational),
    /// A value at the working precision.
    Value(S),
    /// `+∞` (e.g. `θ` when every point is a support vector).
    Infinite,
    /// Not defined for these data, with the reason (and the section saying why).
    Unavailable(&'static str),
}

impl<S: Scalar> Predicted<S> {
    /// The value at working precision, if finite and available.
    pub fn value(&self, ctx: S::Ctx) -> Option<S> {
        match self {
            Predicted::Exact(q) => Some(S::from_rational(q, ctx)),
            Predicted::Value(v) => Some(v.clone()),
            _ => None,
        }
    }
}

/// The correction to a leading rate `t^{−κ}` (theory §2.7), used by the verdicts' two-term
/// rate models.
#[derive(Clone, Debug, PartialEq)]
pub enum SubLeading<S> {
    /// A tie: the solution has a `t^{−κ} ln t` term.
    Resonant,
    /// The next exponent `κ₂ > κ`: a `t^{−κ₂}` term.
    Next(S),
}

/// How the dual vector `α` that GD recovers is determined (theory §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// `α` is unique and positive on the support set (generic data, Soudry Lemma 8).
    Unique,
    /// `α` is not unique (more support vectors than rank): GD selects the maximum-entropy
    /// KKT vector, found by Newton's method on the convex `F(v)` of §2.1.
    MaxEntropy,
    /// A margin point has `α_n = 0` in every KKT vector: no `w̃`, `‖ρ(t)‖ ~ ln ln t` (§2.11).
    Degenerate,
}

impl Regime {
    /// Short description for reports.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Regime::Unique => "unique alpha (generic, §1.3)",
            Regime::MaxEntropy => "alpha not unique: GD selects the maximum-entropy alpha (§2.1)",
            Regime::Degenerate => "degenerate: a margin point has alpha = 0, no w~ (§2.11)",
        }
    }
}

/// One row of the predicted-constants table.
#[derive(Clone, Debug)]
pub struct Constant<'a, S> {
    /// Symbol as printed.
    pub(crate) symbol: &'static str,
    /// The value.
    pub(crate) value: &'a Predicted<S>,
    /// The section of docs/theory/sections.md it comes from.
    pub(crate) section: &'static str,
    /// The defining formula.
    pub(crate) formula: &'static str,
}

/// Everything the theory predicts for one GD run (theory §2).
#[derive(Clone, Debug)]
pub struct Prediction<S: Scalar> {
    /// Working-precision context.
    pub(crate) ctx: S::Ctx,
    /// The loss.
    pub(crate) loss: Loss,
    /// Step size `η` (exact).
    pub(crate) eta: Rational,
    /// Signed points `z_n` at working precision.
    pub(crate) z: Vec<Vec<S>>,
    /// The run's risk on the same rounded points: the diagnostics take the margins and
    /// `ln L` of every checkpoint from it, so the risk is computed in one place.
    pub(crate) objective: Objective<S>,
    /// `R = max_n ‖z_n‖`.
    pub(crate) r_max: S,
    /// `w(0)` at working precision.
    pub(crate) w0: Vec<S>,
    /// `ŵ` (exact).
    pub w_hat: Vec<Rational>,
    /// `ŵ` at working precision.
    pub w_hat_s: Vec<S>,
    /// `‖ŵ‖²` (exact).
    pub(crate) norm_sq: Rational,
    /// `‖ŵ‖`.
    pub norm_w_hat: S,
    /// Support set `S = {n : ŵᵀz_n = 1}` (0-based).
    pub(crate) support: Vec<usize>,
    /// `n ∈ S`.
    pub in_support: Vec<bool>,
    /// Exact margins `ŵᵀz_n`.
    pub(crate) margins: Vec<Rational>,
    /// `θ = min_{n∉S} ŵᵀz_n` (`None`: every point is a support vector, θ = ∞).
    pub theta: Option<Rational>,
    /// Points with `ŵᵀz_n = θ`.
    pub(crate) theta_points: Vec<usize>,
    /// How `α` is determined.
    pub regime: Regime,
    /// The support vectors span the data, `rank(Z_S) = rank(Z)` (§1.3).
    pub spans: bool,
    /// The dual vector GD recovers (length N, 0 off S).
    pub alpha: Vec<S>,
    /// The oracle's certified dual `α` when it is unique (length N, 0 off S), else `None`.
    /// Unlike [`Prediction::alpha`] no conjecture replaces it: it is a fact about the data,
    /// like `ŵ`, and the regime test of the verdicts reads it (theory/verdict.rs).
    pub(crate) alpha_certified: Option<Vec<S>>,
    /// `P1 w̃` from the certified unique `α` (`z_bᵀw̃ = ln(η/α_b)` on a basis of the support
    /// vectors), when `α` is unique; like [`Prediction::alpha_certified`] no conjecture
    /// replaces it. The regime test reads it on [`Prediction::regime_points`].
    pub(crate) w_tilde_certified: Option<Vec<S>>,
    /// The points at the first non-support level `θ` that lie in `span(Z_S)`: there
    /// `z_nᵀ(ρ(t) − w̃)` depends only on `P1 ρ(t)` and the certified `P1 w̃`, and the regime
    /// test asks their weights to be linearized too (theory/verdict.rs).
    pub(crate) regime_points: Vec<usize>,
    /// Margin points with `α_n = 0` (degenerate data, unique `α`).
    pub(crate) zero_alpha: Vec<usize>,
    /// Orthonormal basis of `span(Z_S)` (defines `P1`).
    pub(crate) span_basis: Vec<Vec<S>>,
    /// The linearly independent support vectors `span_basis` is made from, exactly.
    pub(crate) span_rows: Vec<Vec<Rational>>,
    /// Orthonormal basis of `span(Z)`.
    pub(crate) data_basis: Vec<Vec<S>>,
    /// `P1 w̃` (the `span(Z_S)` part), unless degenerate.
    pub w_tilde_span: Option<Vec<S>>,
    /// `w̃` in full (needs the span condition and non-degenerate data).
    pub w_tilde: Option<Vec<S>>,
    /// `C_L = ‖ŵ‖²/η`.
    pub c_l: Predicted<S>,
    /// `C_norm = ŵᵀw̃/‖ŵ‖`.
    pub c_norm: Predicted<S>,
    /// `C_dir = ‖P⊥w̃‖/‖ŵ‖`.
    pub c_dir: Predicted<S>,
    /// Coefficient `a` in `ln t · dir(t) = C_dir + a/ln t + O(1/ln² t)`: `a = −C_dir C_norm/‖ŵ‖`.
    pub c_dir_1: Predicted<S>,
    /// `C_γ`.
    pub c_gamma: Predicted<S>,
    /// A bound on the rounding of `C_γ` when it is computed from the floating maximum-entropy
    /// `α` (zero when `C_γ` is exact; docs/theory/margin.md).
    pub(crate) c_gamma_rounding: S,
    /// The linear forms of the margin gap, one per support vector: `c_n = ŵ/‖ŵ‖² − z_n`,
    /// exact, rounded once, so that `C_γ(ρ) = max_{n∈S} c_nᵀρ/‖ŵ‖` (§2.6) is exactly 0
    /// where a form is exactly 0 (one support vector: `c_n = 0`).
    pub(crate) margin_forms: Vec<Vec<S>>,
    /// The direction never leaves `ŵ`'s line: every support vector is `ŵ/‖ŵ‖²` (so the data
    /// span that line), and `w(0)` lies on it (checked exactly). Then `P⊥ρ(t) = 0` at every
    /// `t`, `C_dir = 0` exactly and the direction claims have nothing to resolve (d = 1).
    pub(crate) on_w_hat_line: bool,
    /// `θ` as a predicted constant (for the table).
    pub theta_c: Predicted<S>,
    /// `λ⊥`.
    pub lambda_perp: Predicted<S>,
    /// `κ = min(λ⊥, θ − 1, 1)`.
    pub kappa: Predicted<S>,
    /// Rate of the non-SV share ratio: `min(κ, θ₂ − θ)`.
    pub(crate) kappa_share: Predicted<S>,
    /// Non-SV loss share constant.
    pub share_loss: Predicted<S>,
    /// Non-SV gradient share constant.
    pub share_grad: Predicted<S>,
    /// All rate exponents of the linearized residual dynamics (§2.7), ascending: the
    /// eigenvalues of `M` on `span(Z_S)`, `θ_k − 1` for every non-SV margin level, `2κ`.
    /// The smallest is `κ`; the next one sets the sub-leading correction.
    pub exponents: Vec<S>,
    /// The same plus `θ_k − θ` (next margin levels), for the non-SV share ratio (§2.8).
    pub(crate) exponents_share: Vec<S>,
    /// The limit of `ηt(−∇L(w(t)))` (§2.3): `ŵ = Σ_S α_n z_n` by the KKT conditions, `None`
    /// until a conjecture (`grad_limit`) replaces it.
    pub(crate) grad_limit: Option<Vec<S>>,
    /// The names of the predictions replaced by the user's conjectures
    /// ([`super::conjecture`]), in the order given.
    pub(crate) user: Vec<&'static str>,
}

const WHY_DEGENERATE: &str = "none: degenerate data have no w~ (§2.11)";
const WHY_NO_SPAN: &str =
    "unknown: the SVs do not span the data, the P2 part of w~ depends on the trajectory (§2.1)";
const WHY_NO_NON_SV: &str = "none: every point is a support vector";
const WHY_SPECTRUM: &str =
    "not representable: an eigenvalue of M on span(Z_S) is not finite at this precision (§2.7)";

fn q_to<S: Scalar>(q: &Rational, ctx: S::Ctx) -> S {
    S::from_rational(q, ctx)
}

/// `2^-e` at working precision (exact).
pub(crate) fn pow2_neg<S: Scalar>(e: u32, ctx: S::Ctx) -> S {
    S::from_rational(
        &Rational::from((Integer::from(1), Integer::from(1) << e)),
        ctx,
    )
}

/// Computes the predictions of theory §2 for GD with step `eta` from `w0` on `data`, whose
/// exact ℓ2 max-margin solution is `mm`.
///
/// # Errors
/// [`Error::Parameter`] if shapes disagree or `mm` is not an ℓ2 solution;
/// [`Error::Numerical`] if the maximum-entropy Newton iteration does not converge.
pub fn predict<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    ctx: S::Ctx,
) -> Result<Prediction<S>> {
    let cert = &mm.cert;
    let (n, d) = (data.len(), data.dim());
    if cert.norm != Norm::L2 {
        return Err(Error::param(
            "norm",
            "the GD predictions need the l2 max-margin solution",
        ));
    }
    if cert.w.len() != d || cert.alpha.len() != n {
        return Err(Error::param(
            "certificate",
            format!(
                "has {} coordinates and {} multipliers, the data have d = {d}, N = {n}",
                cert.w.len(),
                cert.alpha.len()
            ),
        ));
    }
    if w0.len() != d {
        return Err(Error::param(
            "init",
            format!("{} values given but the data have d = {d}", w0.len()),
        ));
    }
    if *eta <= 0 {
        return Err(Error::param("lr", "must be > 0"));
    }
    let zq = data.signed_points_exact();
    let margins: Vec<Rational> = zq.iter().map(|z| linalg::qdot(&cert.w, z)).collect();
    let in_support: Vec<bool> = margins.iter().map(|m| *m == 1).collect();
    let support: Vec<usize> = (0..n).filter(|&i| in_support[i]).collect();
    if support.is_empty() || margins.iter().any(|m| *m < 1) {
        return Err(Error::param(
            "certificate",
            "w is not a max-margin solution (no point on the margin, or a margin below 1)",
        ));
    }
    let off: Vec<&Rational> = (0..n)
        .filter(|&i| !in_support[i])
        .map(|i| &margins[i])
        .collect();
    let theta = off.iter().min().map(|q| (*q).clone());
    let theta2 = theta
        .as_ref()
        .and_then(|th| off.iter().filter(|q| **q > th).min().map(|q| (*q).clone()));
    let theta_points: Vec<usize> = match &theta {
        Some(th) => (0..n).filter(|&i| margins[i] == *th).collect(),
        None => Vec::new(),
    };

    // Ranks and bases (exact).
    let zs_rows: Vec<Vec<Rational>> = support.iter().map(|&i| zq[i].clone()).collect();
    let b_local = linalg::independent_rows(&zs_rows);
    let basis_idx: Vec<usize> = b_local.iter().map(|&k| support[k]).collect();
    let basis_rows: Vec<Vec<Rational>> = basis_idx.iter().map(|&i| zq[i].clone()).collect();
    // span condition: the oracle decides it exactly; otherwise compare ranks here
    let all_basis = match mm.spans {
        Some(true) => basis_idx.clone(),
        _ => linalg::independent_rows(&zq),
    };
    let spans = basis_idx.len() == all_basis.len();

    let degenerate_flag =
        mm.degenerate == Some(true) || (mm.unique && support.iter().any(|&i| cert.alpha[i] == 0));
    let regime = if degenerate_flag {
        Regime::Degenerate
    } else if mm.unique {
        Regime::Unique
    } else {
        Regime::MaxEntropy
    };
    let zero_alpha: Vec<usize> = if regime == Regime::Degenerate && mm.unique {
        support
            .iter()
            .copied()
            .filter(|&i| cert.alpha[i] == 0)
            .collect()
    } else {
        Vec::new()
    };

    let z: Vec<Vec<S>> = zq
        .iter()
        .map(|r| r.iter().map(|v| q_to(v, ctx)).collect())
        .collect();
    let r_max = z
        .iter()
        .map(|r| scalar::norm(r, ctx))
        .fold(S::zero(ctx), |a, b| linalg::max(a, &b));
    let eta_s: S = q_to(eta, ctx);
    let w_hat_s: Vec<S> = cert.w.iter().map(|v| q_to(v, ctx)).collect();
    let norm_sq = linalg::qdot(&cert.w, &cert.w);
    let norm_w_hat: S = q_to::<S>(&norm_sq, ctx).sqrt();

    // Gram block G[n][k] = z_nᵀ z_{b_k}, n ∈ S (exact, rounded once).
    let gram: Vec<Vec<S>> = support
        .iter()
        .map(|&i| {
            basis_rows
                .iter()
                .map(|b| q_to(&linalg::qdot(&zq[i], b), ctx))
                .collect()
        })
        .collect();

    // α and the coefficients c of w̃_S = Σ_k c_k z_{b_k}.
    let (alpha, coef): (Vec<S>, Option<Vec<S>>) = match regime {
        Regime::Degenerate => (cert.alpha.iter().map(|a| q_to(a, ctx)).collect(), None),
        Regime::Unique => {
            // z_{b}ᵀ w̃ = ln(η/α_b) on the basis rows (B = S here), solved by Cholesky.
            let gbb: Vec<Vec<S>> = b_local.iter().map(|&k| gram[k].clone()).collect();
            let rhs: Vec<S> = basis_idx
                .iter()
                .map(|&i| q_to::<S>(&Rational::from(eta / &cert.alpha[i]), ctx).ln())
                .collect();
            let c = linalg::cholesky_solve(&gbb, &rhs, ctx).ok_or_else(|| {
                Error::Numerical("the support-vector Gram matrix is singular".into())
            })?;
            (cert.alpha.iter().map(|a| q_to(a, ctx)).collect(), Some(c))
        }
        Regime::MaxEntropy => {
            let c = max_entropy(&gram, &eta_s, ctx)?;
            let mut alpha = vec![S::zero(ctx); n];
            for (row, &i) in gram.iter().zip(&support) {
                let mut u = scalar::dot(row, &c, ctx);
                u.neg_mut();
                alpha[i] = u.exp().mul(&eta_s);
            }
            (alpha, Some(c))
        }
    };

    let z_basis_s: Vec<Vec<S>> = basis_idx.iter().map(|&i| z[i].clone()).collect();
    let span_basis = linalg::orthonormal_exact::<S>(&basis_rows, ctx);
    let data_basis = linalg::orthonormal_exact::<S>(
        &all_basis.iter().map(|&i| zq[i].clone()).collect::<Vec<_>>(),
        ctx,
    );
    let p1_w0 = linalg::project_exact(&basis_rows, w0)
        .ok_or_else(|| Error::Numerical("support-vector basis is singular".into()))?;
    let p2_w0: Vec<Rational> = w0
        .iter()
        .zip(&p1_w0)
        .map(|(a, b)| Rational::from(a - b))
        .collect();

    let w_tilde_span: Option<Vec<S>> = coef.as_ref().map(|c| {
        let mut v = vec![S::zero(ctx); d];
        for (ck, b) in c.iter().zip(&z_basis_s) {
            v = linalg::axpy(&v, ck, b);
        }
        v
    });
    let w_tilde_certified = if regime == Regime::Unique && mm.unique {
        w_tilde_span.clone()
    } else {
        None
    };
    let regime_points: Vec<usize> = theta_points
        .iter()
        .copied()
        .filter(|&i| linalg::project_exact(&basis_rows, &zq[i]).is_some_and(|p| p == zq[i]))
        .collect();
    let w_tilde: Option<Vec<S>> = match (&w_tilde_span, spans) {
        (Some(ws), true) => Some(
            ws.iter()
                .zip(&p2_w0)
                .map(|(a, b)| a.clone().add(&q_to(b, ctx)))
                .collect(),
        ),
        _ => None,
    };

    // ---- constants
    let c_l = Predicted::Exact(Rational::from(&norm_sq / eta));
    let c_norm = match &w_tilde_span {
        Some(ws) => Predicted::Value(scalar::dot(&w_hat_s, ws, ctx).div(&norm_w_hat)),
        None => Predicted::Unavailable(WHY_DEGENERATE),
    };
    let on_w_hat_line = spans && {
        let u: Vec<Rational> = cert
            .w
            .iter()
            .map(|w| Rational::from(w / &norm_sq))
            .collect();
        let c0 = linalg::qdot(&cert.w, w0) / &norm_sq;
        support.iter().all(|&i| zq[i] == u)
            && w0
                .iter()
                .zip(&cert.w)
                .all(|(a, w)| *a == Rational::from(&c0 * w))
    };
    let c_dir = match (&w_tilde, regime) {
        (_, Regime::Degenerate) => Predicted::Unavailable(WHY_DEGENERATE),
        _ if on_w_hat_line => Predicted::Exact(Rational::new()),
        (Some(wt), _) => {
            let ns: S = q_to(&norm_sq, ctx);
            let mut c = scalar::dot(&w_hat_s, wt, ctx).div(&ns);
            c.neg_mut();
            let perp = linalg::axpy(wt, &c, &w_hat_s);
            Predicted::Value(scalar::norm(&perp, ctx).div(&norm_w_hat))
        }
        (None, _) => Predicted::Unavailable(WHY_NO_SPAN),
    };
    let c_dir_1 = match (&c_dir, &c_norm) {
        (Predicted::Exact(z), _) if z.is_zero() => Predicted::Exact(Rational::new()),
        (Predicted::Value(cd), Predicted::Value(cn)) => {
            let mut a = cd.clone().mul(cn).div(&norm_w_hat);
            a.neg_mut();
            Predicted::Value(a)
        }
        (Predicted::Unavailable(w), _) => Predicted::Unavailable(w),
        _ => Predicted::Unavailable(WHY_DEGENERATE),
    };
    // C_γ is 0 exactly when every α_n on S is the same (the certificate's α is GD's when it
    // is unique, so the test is exact there)
    let equal_alpha = regime == Regime::Unique
        && support
            .windows(2)
            .all(|p| cert.alpha[p[0]] == cert.alpha[p[1]]);
    let mut c_gamma_rounding = S::zero(ctx);
    let c_gamma = if regime == Regime::Degenerate {
        Predicted::Unavailable(WHY_DEGENERATE)
    } else if equal_alpha {
        Predicted::Exact(Rational::new())
    } else {
        // C_γ = (max_S ln α − Σ_S p_n ln α_n)/‖ŵ‖ with p_n = α_n/‖ŵ‖² (Σ_S p_n = 1), summed
        // as Σ_S p_n ln(α_max/α_n)/‖ŵ‖: every term ≥ 0, no cancellation, and exactly 0 when
        // the α_n are equal (copies of one point), where the difference of the two sums
        // left only rounding
        let ns: S = q_to(&norm_sq, ctx);
        let a_max = support
            .iter()
            .fold(S::zero(ctx), |m, &i| linalg::max(m, &alpha[i]));
        let mut sum = S::zero(ctx);
        // Σ_S p_n (ln(α_max/α_n) + 2): each ratio errs by the relative errors of its two α
        // (counted as a unit roundoff each after Newton's last step) and its own rounding,
        // so its ln by about 3u absolute plus u·ln(ratio); the weighted sum adds |S| + 2
        // roundings (Higham's γ_k, taken as 2k·u)
        let mut mass = S::zero(ctx);
        let two = S::from_f64(2.0, ctx);
        for &i in &support {
            let lr = a_max.clone().div(&alpha[i]).ln();
            let p = alpha[i].clone().div(&ns);
            sum.mul_add_assign(&p, &lr);
            mass.mul_add_assign(&p, &lr.add(&two));
        }
        mass.mul_assign(&pow2_neg::<S>(S::accuracy_bits(ctx).saturating_sub(1), ctx));
        mass.mul_f64((2 * (support.len() + 8)) as f64);
        c_gamma_rounding = mass.div(&norm_w_hat);
        Predicted::Value(sum.div(&norm_w_hat))
    };
    let theta_c = match &theta {
        Some(t) => Predicted::Exact(t.clone()),
        None => Predicted::Infinite,
    };
    let perp_spectrum: Vec<S> = if regime == Regime::Degenerate {
        Vec::new()
    } else {
        perp_eigenvalues(&basis_rows, &cert.w, &norm_sq, &support, &z, &alpha, ctx)
    };
    let lambda_perp = if regime == Regime::Degenerate {
        Predicted::Unavailable(WHY_DEGENERATE)
    } else if !perp_spectrum.iter().all(Scalar::is_finite) {
        Predicted::Unavailable(WHY_SPECTRUM)
    } else {
        match perp_spectrum.first() {
            Some(l) => Predicted::Value(l.clone()),
            None => Predicted::Infinite,
        }
    };
    let one = S::from_f64(1.0, ctx);
    let kappa = if regime == Regime::Degenerate {
        Predicted::Unavailable(WHY_DEGENERATE)
    } else if let Predicted::Unavailable(why) = lambda_perp {
        // κ = min(λ⊥, θ − 1, 1) needs λ⊥, and the rate model needs the whole spectrum
        Predicted::Unavailable(why)
    } else {
        let mut k = one.clone();
        if let Predicted::Value(l) = &lambda_perp {
            k = min_s(k, l);
        }
        if let Some(th) = &theta {
            k = min_s(k, &q_to(&Rational::from(th - 1u32), ctx));
        }
        Predicted::Value(k)
    };
    let kappa_share = match (&kappa, &theta, &theta2) {
        (Predicted::Value(k), Some(t1), Some(t2)) => {
            Predicted::Value(min_s(k.clone(), &q_to(&Rational::from(t2 - t1), ctx)))
        }
        (Predicted::Value(k), Some(_), None) => Predicted::Value(k.clone()),
        (Predicted::Value(_), None, _) => Predicted::Unavailable(WHY_NO_NON_SV),
        (other, _, _) => other.clone(),
    };
    // Rate exponents of the linearized residual dynamics (§2.7): the modes t^{−λ} for the
    // eigenvalues λ of M on span(Z_S) (those on U and 1 along ŵ), the forced responses
    // t^{1−θ_k} of every non-SV margin level θ_k, and t^{−2κ} from the quadratic term.
    let mut exponents: Vec<S> = Vec::new();
    let mut exponents_share: Vec<S> = Vec::new();
    if let Predicted::Value(k) = &kappa {
        exponents.extend(perp_spectrum.iter().cloned());
        exponents.push(one.clone());
        let mut levels: Vec<&Rational> = off.clone();
        levels.sort();
        levels.dedup();
        for lv in &levels {
            exponents.push(q_to(&Rational::from(*lv - 1u32), ctx));
        }
        let mut k2 = k.clone();
        k2.mul_f64(2.0);
        exponents.push(k2);
        exponents_share = exponents.clone();
        if let Some(th) = &theta {
            for lv in levels.iter().filter(|l| **l > th) {
                exponents_share.push(q_to(&Rational::from(*lv - th), ctx));
            }
        }
        let sort = |v: &mut Vec<S>| v.sort_by(linalg::total_cmp);
        sort(&mut exponents);
        sort(&mut exponents_share);
    }
    // Non-SV share constants need z_nᵀρ∞ on the θ-points: known when w̃ is, or when those
    // points lie in span(Z_S) (then only P1 w̃ matters).
    let (share_loss, share_grad) = if regime == Regime::Degenerate {
        (
            Predicted::Unavailable(WHY_DEGENERATE),
            Predicted::Unavailable(WHY_DEGENERATE),
        )
    } else if theta.is_none() {
        (
            Predicted::Unavailable(WHY_NO_NON_SV),
            Predicted::Unavailable(WHY_NO_NON_SV),
        )
    } else {
        let in_span =
            |i: usize| linalg::project_exact(&basis_rows, &zq[i]).is_some_and(|p| p == zq[i]);
        let rho_inf: Option<&Vec<S>> = if spans {
            w_tilde.as_ref()
        } else if theta_points.iter().all(|&i| in_span(i)) {
            w_tilde_span.as_ref()
        } else {
            None
        };
        match rho_inf {
            None => (
                Predicted::Unavailable(WHY_NO_SPAN),
                Predicted::Unavailable(WHY_NO_SPAN),
            ),
            Some(rho) => {
                let mut sum = S::zero(ctx);
                let mut vec_sum = vec![S::zero(ctx); d];
                for &i in &theta_points {
                    let mut u = scalar::dot(&z[i], rho, ctx);
                    u.neg_mut();
                    let e = u.exp();
                    sum.add_assign(&e);
                    vec_sum = linalg::axpy(&vec_sum, &e, &z[i]);
                }
                let ns: S = q_to(&norm_sq, ctx);
                (
                    Predicted::Value(sum.mul(&eta_s).div(&ns)),
                    Predicted::Value(scalar::norm(&vec_sum, ctx).mul(&eta_s).div(&norm_w_hat)),
                )
            }
        }
    };

    let margin_forms: Vec<Vec<S>> = support
        .iter()
        .map(|&i| {
            zq[i]
                .iter()
                .zip(&cert.w)
                .map(|(z, w)| q_to(&(Rational::from(w / &norm_sq) - z), ctx))
                .collect()
        })
        .collect();
    Ok(Prediction {
        ctx,
        loss,
        eta: eta.clone(),
        r_max,
        w0: w0.iter().map(|v| q_to(v, ctx)).collect(),
        z,
        objective: Objective::new(data, loss, ctx),
        w_hat: cert.w.clone(),
        w_hat_s,
        norm_sq,
        norm_w_hat,
        support,
        in_support,
        margins,
        theta,
        theta_points,
        regime,
        spans,
        alpha_certified: mm
            .unique
            .then(|| cert.alpha.iter().map(|a| q_to(a, ctx)).collect()),
        alpha,
        w_tilde_certified,
        regime_points,
        zero_alpha,
        span_basis,
        span_rows: basis_rows,
        data_basis,
        w_tilde_span,
        w_tilde,
        c_l,
        c_norm,
        c_dir,
        c_dir_1,
        c_gamma,
        c_gamma_rounding,
        margin_forms,
        on_w_hat_line,
        theta_c,
        lambda_perp,
        kappa,
        kappa_share,
        share_loss,
        share_grad,
        exponents,
        exponents_share,
        grad_limit: None,
        user: Vec::new(),
    })
}

fn min_s<S: Scalar>(a: S, b: &S) -> S {
    if lt(b, &a) {
        b.clone()
    } else {
        a
    }
}

/// Eigenvalues (ascending) of `M = Σ_S α_n z_n z_nᵀ` restricted to `span(Z_S) ∩ ŵ⊥`
/// (theory §2.7); the first is `λ⊥`. The subspace is spanned (exactly) by `z_b − ŵ/‖ŵ‖²`,
/// `b` in a basis of `span(Z_S)` (each is ⊥ ŵ because `ŵᵀz_b = 1`); it is invariant under
/// `M` since `Mŵ = ŵ`.
fn perp_eigenvalues<S: Scalar>(
    basis_rows: &[Vec<Rational>],
    w_hat: &[Rational],
    norm_sq: &Rational,
    support: &[usize],
    z: &[Vec<S>],
    alpha: &[S],
    ctx: S::Ctx,
) -> Vec<S> {
    let y: Vec<Vec<Rational>> = basis_rows
        .iter()
        .map(|b| {
            b.iter()
                .zip(w_hat)
                .map(|(bj, wj)| bj - Rational::from(wj / norm_sq))
                .collect()
        })
        .collect();
    let keep = linalg::independent_rows(&y);
    if keep.is_empty() {
        return Vec::new();
    }
    let ys: Vec<Vec<Rational>> = keep.iter().map(|&k| y[k].clone()).collect();
    let q = linalg::orthonormal_exact::<S>(&ys, ctx);
    // A_ij = Σ_n α_n (z_nᵀq_i)(z_nᵀq_j)
    let proj: Vec<Vec<S>> = support
        .iter()
        .map(|&n| q.iter().map(|qi| scalar::dot(&z[n], qi, ctx)).collect())
        .collect();
    let m = q.len();
    let mut a = vec![vec![S::zero(ctx); m]; m];
    for (row, &n) in proj.iter().zip(support) {
        for i in 0..m {
            let ai = row[i].clone().mul(&alpha[n]);
            for j in 0..m {
                a[i][j].mul_add_assign(&ai, &row[j]);
            }
        }
    }
    linalg::symmetric_eigenvalues(&a, ctx)
}

/// Newton's method on `F(c) = η Σ_{n∈S} e^{−(Gc)_n} + Σ_k c_k`, the function of theory §2.1
/// written in the coordinates `v = Σ_k c_k z_{b_k}` of `span(Z_S)` (`ŵᵀz_b = 1`). Its
/// minimizer gives `w̃_S` and the maximum-entropy `α_n = η e^{−z_nᵀw̃}`. (Also the midpoint
/// of the certified tail's enclosure of `w̃`, `flow::tail`.)
pub(crate) fn max_entropy<S: Scalar>(g: &[Vec<S>], eta: &S, ctx: S::Ctx) -> Result<Vec<S>> {
    let r = g.first().map_or(0, Vec::len);
    let bits = S::accuracy_bits(ctx);
    let one = S::from_f64(1.0, ctx);
    let small = pow2_neg::<S>(bits.saturating_sub(8), ctx);
    let loose = pow2_neg::<S>(bits / 2, ctx);
    let f = |c: &[S]| -> S {
        let mut s = S::zero(ctx);
        for row in g {
            let mut u = scalar::dot(row, c, ctx);
            u.neg_mut();
            s.add_assign(&u.exp().mul(eta));
        }
        for ck in c {
            s.add_assign(ck);
        }
        s
    };
    let mut c = vec![S::zero(ctx); r];
    let mut prev_size: Option<S> = None;
    let mut floor_before = false;
    for _ in 0..500 {
        let mut grad = vec![one.clone(); r];
        let mut h = vec![vec![S::zero(ctx); r]; r];
        for row in g {
            let mut u = scalar::dot(row, &c, ctx);
            u.neg_mut();
            let e = u.exp().mul(eta);
            for k in 0..r {
                let ek = e.clone().mul(&row[k]);
                grad[k].sub_assign(&ek);
                for l in 0..r {
                    h[k][l].mul_add_assign(&ek, &row[l]);
                }
            }
        }
        let neg_grad: Vec<S> = grad
            .iter()
            .map(|x| {
                let mut v = x.clone();
                v.neg_mut();
                v
            })
            .collect();
        let step = linalg::cholesky_solve(&h, &neg_grad, ctx)
            .ok_or_else(|| Error::Numerical("maximum-entropy Newton: singular Hessian".into()))?;
        let dec = scalar::dot(&neg_grad, &step, ctx); // Newton decrement², ≥ 0
        let size = step
            .iter()
            .fold(S::zero(ctx), |a, x| linalg::max(a, &x.clone().abs()));
        // The size the step is judged against: the largest coordinate of the iterate or of
        // the step, relative, never floored at 1 (coefficients are ln(ηG)/G, which is 10⁻¹⁹
        // for points of size 10⁹; an absolute floor stopped Newton after one step there).
        let scale = c
            .iter()
            .chain(&step)
            .fold(S::zero(ctx), |a, x| linalg::max(a, &x.clone().abs()));
        // Converged to the working precision: a step of a few ulps, or (rounding-limited)
        // a small step that no longer shrinks quadratically. Take it and stop.
        let stalled = prev_size.as_ref().is_some_and(|p: &S| {
            let mut half = p.clone();
            half.mul_f64(0.5);
            !lt(&size, &half)
        }) && !lt(&loose.clone().mul(&scale), &size);
        let f0 = f(&c);
        // Or the decrease Newton predicts (dec/2) is below the rounding of F itself: no
        // iterate can be told from the minimum at this precision. (An ill-conditioned Gram
        // matrix leaves steps of 10⁻¹² at 85 bits that no line search can take: 226 points,
        // 216 of them equal, with --bias; before this rule Newton spun 500 times, 4 s.)
        let at_floor = {
            let mut mag = f0.clone();
            for ck in &c {
                mag.sub_assign(ck);
                mag.add_assign(&ck.clone().abs());
            }
            let mut floor = pow2_neg::<S>(bits, ctx).mul(&mag);
            floor.mul_f64((g.len() + r + 4) as f64);
            !lt(&floor, &dec)
        };
        // (twice in a row: the first time, one more step still gains digits on well-posed data
        // such as Fig. 1, where it lands on the exactly symmetric α)
        if !lt(&small.clone().mul(&scale), &size) || stalled || (at_floor && floor_before) {
            return Ok(c.iter().zip(&step).map(|(a, b)| a.clone().add(b)).collect());
        }
        floor_before = at_floor;
        prev_size = Some(size.clone());
        let mut s = one.clone();
        let mut accepted = false;
        for _ in 0..60 {
            let trial: Vec<S> = c
                .iter()
                .zip(&step)
                .map(|(a, b)| {
                    let mut v = a.clone();
                    v.mul_add_assign(&s, b);
                    v
                })
                .collect();
            let ft = f(&trial);
            // Armijo: F(c + sΔ) ≤ F(c) − s·dec/4
            let mut bound = dec.clone().mul(&s);
            bound.mul_f64(0.25);
            let bound = f0.clone().sub(&bound);
            if ft.is_finite() && !lt(&bound, &ft) {
                c = trial;
                accepted = true;
                break;
            }
            s.mul_f64(0.5);
        }
        if !accepted {
            if !lt(&loose.clone().mul(&scale), &size) {
                return Ok(c);
            }
            return Err(Error::Numerical(
                "maximum-entropy Newton: no descent (data degenerate?)".into(),
            ));
        }
    }
    Err(Error::Numerical(
        "maximum-entropy Newton did not converge in 500 steps (data degenerate? theory §2.11)"
            .into(),
    ))
}

impl<S: Scalar> Prediction<S> {
    /// The sub-leading structure of a rate `t^{−κ}` among the exponents `exps` (§2.7):
    /// [`SubLeading::Resonant`] at a tie (two exponents equal to `κ` to the resolution
    /// `κ·2^{−bits/2}`, or `κ = 1`, where the `ŵ` mode (eigenvalue 1 of `M`) is forced by the
    /// `O(t^{−2})` terms: `ln t/t`), else the next exponent above `κ`.
    pub(crate) fn sub_leading(&self, exps: &[S], kappa: &S) -> Option<SubLeading<S>> {
        let mut thr = pow2_neg::<S>(S::bits(self.ctx) / 2, self.ctx);
        thr.mul_assign(&kappa.clone().abs());
        let hi = kappa.clone().add(&thr);
        let lo = kappa.clone().sub(&thr);
        let near = exps.iter().filter(|e| !lt(*e, &lo) && !lt(&hi, *e)).count();
        let one = S::from_f64(1.0, self.ctx);
        let is_one = !lt(kappa, &one.clone().sub(&thr)) && !lt(&one.add(&thr), kappa);
        if near >= 2 || is_one {
            return Some(SubLeading::Resonant);
        }
        exps.iter()
            .find(|e| lt(&hi, e))
            .cloned()
            .map(SubLeading::Next)
    }

    /// The predicted constants with their sections, in report order.
    pub fn constants(&self) -> Vec<Constant<'_, S>> {
        vec![
            Constant {
                symbol: "C_L",
                value: &self.c_l,
                section: "§2.2",
                formula: "t·L(w(t)) → ‖ŵ‖²/η",
            },
            Constant {
                symbol: "C_norm",
                value: &self.c_norm,
                section: "§2.4",
                formula: "‖w(t)‖ − ‖ŵ‖ ln t → ŵᵀw̃/‖ŵ‖",
            },
            Constant {
                symbol: "C_dir",
                value: &self.c_dir,
                section: "§2.5",
                formula: "ln t·‖w/‖w‖ − ŵ/‖ŵ‖‖ → ‖P⊥w̃‖/‖ŵ‖",
            },
            Constant {
                symbol: "a_dir",
                value: &self.c_dir_1,
                section: "§2.5",
                formula: "ln t·dir = C_dir + a_dir/ln t + …, a_dir = −C_dir·C_norm/‖ŵ‖",
            },
            Constant {
                symbol: "C_gamma",
                value: &self.c_gamma,
                section: "§2.6",
                formula: "ln t·(γ* − γ(t)) → (max ln α − Σ p ln α)/‖ŵ‖",
            },
            Constant {
                symbol: "theta",
                value: &self.theta_c,
                section: "§0",
                formula: "min_{n∉S} ŵᵀz_n",
            },
            Constant {
                symbol: "lambda_perp",
                value: &self.lambda_perp,
                section: "§2.7",
                formula: "min eig of Σ α z zᵀ on span(Z_S) ∩ ŵ⊥",
            },
            Constant {
                symbol: "kappa",
                value: &self.kappa,
                section: "§2.7",
                formula: "‖ρ(t) − w̃‖ = O(t^-κ), κ = min(λ⊥, θ−1, 1)",
            },
            Constant {
                symbol: "C_share",
                value: &self.share_loss,
                section: "§2.8",
                formula: "non-SV loss share · t^(θ−1) → η Σ_{θ} e^(−zᵀw̃)/‖ŵ‖²",
            },
            Constant {
                symbol: "C_share_grad",
                value: &self.share_grad,
                section: "§2.8",
                formula: "non-SV gradient share · t^(θ−1) → η‖Σ_{θ} e^(−zᵀw̃) z‖/‖ŵ‖",
            },
        ]
    }

    /// `‖ŵ‖²` at working precision.
    pub(crate) fn norm_sq_s(&self) -> S {
        q_to(&self.norm_sq, self.ctx)
    }
}
