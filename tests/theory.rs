//! The theory checks (docs/theory/sections.md §2) asserted on real trajectories at 128 bits.
//!
//! Every expected value is a closed form derived by hand in the comment beside it (theory §9,
//! §1.6, §2.5 two-SV formula), a rigorous bound on the GD recursion, or an independent
//! recomputation from the exact dual vector of the brute-force oracle in
//! `theory_common::brute_force` (which shares no code with `implicit_bias::theory`).
//! Verdict tolerances are derived from the predicted rates (docs/theory/verdicts.md).

mod edge;
use edge::no_internal_error;

mod theory_common;

use implicit_bias::data::generate::Generator;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::GradientDescent;
use implicit_bias::oracle::{MaxMargin, Norm};
use implicit_bias::run::{dense_checkpoints, RunOptions, Runner};
use implicit_bias::stepsize::check_step;
use implicit_bias::theory::predict::predict;
use implicit_bias::theory::{analyze_with, Analysis, Conjecture, Predicted, Regime, Status};
use rayon::prelude::*;
use rug::float::Constant;
use rug::{Float, Rational};
use theory_common::*;

const BITS: u32 = 128;

fn fl(x: f64) -> Float {
    Float::with_val(BITS, x)
}
fn fq(x: &Rational) -> Float {
    Float::with_val(BITS, x)
}
/// `2^-e`.
fn ulp(e: u32) -> Float {
    Float::with_val(BITS, 1) >> e
}
fn val(p: &Predicted<Float>) -> Float {
    p.value(BITS).expect("predicted value")
}
fn close(a: &Float, b: &Float, tol: &Float) -> bool {
    Float::with_val(BITS, a - b).abs() <= *tol
}

/// No verdict fails; the listed ids must be judged (core claims PASS).
fn assert_verdicts(a: &Analysis<Float>, must_apply: &[&str]) {
    for v in &a.assessment.verdicts {
        assert_ne!(
            v.status,
            Status::Fail,
            "{} ({}) failed at t={}: measured {:?}, predicted {:?}, |dev| {:?} > tol {:?} [{}]",
            v.id,
            v.section,
            v.t,
            v.measured.as_ref().map(Float::to_f64),
            v.predicted.as_ref().map(Float::to_f64),
            v.deviation.as_ref().map(Float::to_f64),
            v.tolerance.as_ref().map(Float::to_f64),
            v.basis
        );
    }
    for id in must_apply {
        let v = a
            .assessment
            .get(id)
            .unwrap_or_else(|| panic!("no verdict {id}"));
        // a core claim must PASS; the others must be judged (a coarse resolution is weak)
        if v.core {
            assert_eq!(v.status, Status::Pass, "{id} did not PASS: {}", v.basis);
        } else {
            assert!(
                matches!(v.status, Status::Pass | Status::Weak),
                "{id} was not judged: {}",
                v.basis
            );
        }
    }
}

const CORE: &[&str] = &[
    "tan_identity",
    "gap_identity",
    "invariant",
    "dual_recovery",
    "loss_constant",
    "gradient_limit",
    "residual",
    "direction_constant",
    "norm_constant",
    "margin_constant",
];

fn zeros(d: usize) -> Vec<Rational> {
    vec![q(0, 1); d]
}

// ====================================================================== R1

/// theory §9 R1 with η = 1/2, w(0) = (0, 3/10): w̃ = (ln η, w2(0)) = (−ln 2, 3/10),
/// C_L = ‖ŵ‖²/η = 2, C_dir = ‖P⊥w̃‖/‖ŵ‖ = 3/10, C_norm = ŵᵀw̃/‖ŵ‖ = −ln 2, C_γ = 0 (one SV:
/// max ln α = mean ln α), θ = ∞, λ⊥ = ∞ (span(Z_S) ∩ ŵ⊥ = {0}), so κ = min(∞, ∞, 1) = 1.
#[test]
fn r1_predictions_are_the_closed_forms() {
    let (data, mm) = r1();
    let p = predict::<Float>(
        &data,
        &mm,
        Loss::Exponential,
        &q(1, 2),
        &[q(0, 1), q(3, 10)],
        BITS,
    )
    .unwrap();
    let ln2 = Float::with_val(BITS, Constant::Log2);
    let tol = ulp(120); // a handful of roundings of O(1) values
    let wt = p.w_tilde.as_ref().unwrap();
    assert!(close(&wt[0], &Float::with_val(BITS, -&ln2), &tol));
    assert!(close(&wt[1], &fq(&q(3, 10)), &tol));
    assert_eq!(p.c_l, Predicted::Exact(q(2, 1)));
    assert!(close(&val(&p.c_dir), &fq(&q(3, 10)), &tol));
    assert!(close(&val(&p.c_norm), &Float::with_val(BITS, -&ln2), &tol));
    assert!(close(&val(&p.c_gamma), &fl(0.0), &tol));
    assert_eq!(p.lambda_perp, Predicted::Infinite);
    assert_eq!(p.theta_c, Predicted::Infinite);
    assert!(close(&val(&p.kappa), &fl(1.0), &tol));
    assert_eq!(p.regime, Regime::Unique);
    // a_dir = −C_dir·C_norm/‖ŵ‖ = 0.3 ln 2 (§2.5 expansion)
    assert!(close(
        &val(&p.c_dir_1),
        &Float::with_val(BITS, &ln2 * fq(&q(3, 10))),
        &tol
    ));
}

/// R1 trajectory: with `u_t = e^{w1(t)}`, GD is `u_{t+1} = u_t exp(η/u_t)`, `u_0 = 1`
/// (theory §9). Rigorous bounds: `e^x ≥ 1 + x` gives `u_t ≥ 1 + ηt`; `e^x ≤ 1 + x + x²`
/// (0 ≤ x ≤ 1) and `Σ_{s<t} η²/(1+ηs) ≤ η² + η ln(1+ηt)` give
/// `u_t ≤ 1 + ηt + η² + η ln(1+ηt)`. Dual recovery `ηt e^{−w1}/α` (α = 1) and `tL/C_L`
/// (`L = e^{−w1}`, `C_L = 1/η`) both equal `ηt/u_t`, so both lie in
/// `[ηt/(1 + ηt + η² + η ln(1+ηt)), ηt/(1+ηt)]` — §2.2 and §2.3 with explicit constants.
/// `w2(t) = 3/10` exactly (`z` has no second coordinate), so `tan φ = 0.3/w1` and the
/// direction error and margin gap have closed forms.
#[test]
fn r1_trajectory_obeys_the_closed_forms_and_all_verdicts_pass() {
    let (data, mm) = r1();
    let eta = q(1, 2);
    let w0 = [q(0, 1), q(3, 10)];
    let (traj, a) = run_case(&data, &mm, Loss::Exponential, &eta, &w0, 100_000, 10, BITS);
    let e = 0.5f64;
    for (s, c) in traj.samples.iter().zip(&a.checkpoints) {
        assert_eq!(s.w[1], fq(&q(3, 10)), "w2 is invariant (§8.2)");
        if s.t == 0 {
            continue;
        }
        let t = s.t as f64;
        let lower = e * t / (1.0 + e * t + e * e + e * (1.0 + e * t).ln());
        let upper = e * t / (1.0 + e * t);
        let ratio = c.dual[0].to_f64();
        assert!(
            lower <= ratio && ratio <= upper,
            "t={}: {lower} <= {ratio} <= {upper}",
            s.t
        );
        let tl = c.t_loss_ratio.as_ref().unwrap().to_f64();
        assert!(lower <= tl && tl <= upper, "t·L/C_L at t={}", s.t);
        // direction error 2 sin(φ/2), φ = atan(0.3/w1); margin gap 1 − w1/√(w1² + 0.09)
        let w1 = &s.w[0];
        let phi = Float::with_val(BITS, fq(&q(3, 10)) / w1).atan();
        let dir = Float::with_val(BITS, (phi / 2u32).sin() * 2u32);
        assert!(close(c.dir_err.as_ref().unwrap(), &dir, &ulp(110)));
        let nrm = Float::with_val(BITS, w1 * w1 + fq(&q(9, 100))).sqrt();
        let gap = Float::with_val(BITS, 1u32 - Float::with_val(BITS, w1 / &nrm));
        assert!(close(c.gap.as_ref().unwrap(), &gap, &ulp(110)));
    }
    // §2.7 with κ = 1 and the ŵ-direction log factor: u_t = ηt + (η/2) ln t + C + o(1)
    // (theory §9) gives t·(ρ1 − w̃1) = t ln(u_t/(ηt)) = ln t/2 + C/η + O(ln² t/t), so
    // t‖ρ − w̃‖ − ln t/2 is constant up to O(ln² t/t).
    let k = |t: u64| {
        let c = a.checkpoints.iter().find(|c| c.t == t).unwrap();
        c.rho_err.as_ref().unwrap().to_f64() * t as f64 - (t as f64).ln() / 2.0
    };
    let (t1, t2) = (10_000u64, 100_000u64);
    let drift = (k(t1) - k(t2)).abs();
    let bound = 2.0 * (t1 as f64).ln().powi(2) / t1 as f64;
    assert!(drift <= bound, "t·r − ln t/2: {} vs {}", k(t1), k(t2));
    // one support vector: C_γ(ρ) = 0 for every ρ, nothing to resolve
    let must: Vec<&str> = CORE
        .iter()
        .copied()
        .filter(|id| *id != "margin_constant")
        .collect();
    assert_verdicts(&a, &must);
    assert_eq!(
        a.assessment.get("margin_constant").unwrap().status,
        Status::NotApplicable
    );
    assert_eq!(
        a.assessment.get("sv_domination_loss").unwrap().status,
        Status::NotApplicable,
        "R1 has no non-support vectors"
    );
}

// ====================================================================== R2

/// theory §9 R2: only `α1 + α3 = α2 + α4 = 1/4` is determined; the maximum-entropy KKT vector
/// (§2.1) is `(1/8, 1/8, 1/8, 1/8)` (entropy is maximized by splitting each pair evenly), and
/// it does not depend on which KKT vertex the oracle happens to return. `w̃` solves
/// `z_nᵀw̃ = ln(η/α_n) = ln(8η)` on S, so `w̃ = ln(8η)(1/2, 1/2)`; `C_L = (1/2)/η`;
/// `M = Σ α z zᵀ = [[5/8, 3/8], [3/8, 5/8]]`, eigenvalues 1 (along ŵ) and λ⊥ = 1/4.
#[test]
fn r2_gd_selects_the_maximum_entropy_alpha() {
    let (data, mut mm) = r2();
    for cert_alpha in [
        [q(1, 4), q(1, 4), q(0, 1), q(0, 1)],
        [q(0, 1), q(1, 4), q(1, 4), q(0, 1)],
        [q(1, 16), q(3, 16), q(3, 16), q(1, 16)],
    ] {
        mm.cert.alpha = cert_alpha.to_vec();
        implicit_bias::cert::check(&data, &mm.cert).expect("hand KKT vector is valid");
        for eta in [q(1, 8), q(1, 64), q(3, 1)] {
            let p = predict::<Float>(&data, &mm, Loss::Exponential, &eta, &zeros(2), BITS).unwrap();
            assert_eq!(p.regime, Regime::MaxEntropy);
            for a in &p.alpha {
                assert!(close(a, &fq(&q(1, 8)), &ulp(118)), "alpha {a}");
            }
            let l8 = Float::with_val(BITS, fq(&(eta.clone() * 8u32)).ln());
            for wt in p.w_tilde.as_ref().unwrap() {
                assert!(close(wt, &Float::with_val(BITS, &l8 / 2u32), &ulp(116)));
            }
            assert_eq!(p.c_l, Predicted::Exact(q(1, 2) / &eta));
            assert!(close(&val(&p.lambda_perp), &fq(&q(1, 4)), &ulp(118)));
            assert!(close(&val(&p.kappa), &fq(&q(1, 4)), &ulp(118)));
            assert!(close(&val(&p.c_gamma), &fl(0.0), &ulp(116)));
            assert!(val(&p.c_dir).abs() <= ulp(110));
        }
    }
}

/// R2 from the diagonal (w(0) = 0, η = 1/8): `w(t) = c_t (1,1)` and `v = e^{2c}` obeys
/// `v_{t+1} = v_t exp(8η/v_t) = v_t e^{1/v_t}`, `v_0 = 1` (theory §9). As for R1:
/// `1 + t ≤ v_t ≤ 2 + t + ln t` (`e^x ≤ 1 + x + (e−2)x²`, harmonic sum ≤ 1 + ln t). Dual
/// recovery `ηt e^{−2c}/α = t/v_t`, so every ratio lies in `[t/(2 + t + ln t), t/(1+t)]`.
/// The direction is exactly ŵ's: the direction error is rounding noise.
#[test]
fn r2_from_the_diagonal_is_exactly_solvable() {
    let (data, mm) = r2();
    let (_, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &q(1, 8),
        &zeros(2),
        100_000,
        10,
        BITS,
    );
    for c in a.checkpoints.iter().filter(|c| c.t >= 1) {
        let t = c.t as f64;
        let (lo, hi) = (t / (2.0 + t + t.ln()), t / (1.0 + t));
        for r in &c.dual {
            let r = r.to_f64();
            assert!(lo <= r && r <= hi, "t={}: {lo} <= {r} <= {hi}", c.t);
        }
        assert!(*c.dir_err.as_ref().unwrap() <= c.noise, "t={}", c.t);
    }
    // ρ(t) stays on ŵ: the direction constants are 0 for every such ρ, nothing to resolve
    let flat = ["direction_constant", "margin_constant"];
    let must: Vec<&str> = CORE
        .iter()
        .copied()
        .filter(|id| !flat.contains(id))
        .collect();
    assert_verdicts(&a, &must);
    for id in flat {
        assert_eq!(
            a.assessment.get(id).unwrap().status,
            Status::NotApplicable,
            "{id}"
        );
    }
}

/// R2 off the diagonal, w(0) = (1, −1), η = 1/8: writing `w = c(1,1) + s(1,−1)`, GD gives
/// exactly `s_{t+1} = s_t − 2η e^{−2c_t} sinh s_t` and `c_{t+1} = c_t + 4η e^{−2c_t} cosh s_t`,
/// so `e^{2c} ≈ 8η t cosh s` and `ds/d ln t ≈ −tanh(s)/4`: `sinh(s)·t^{1/4} → const`, the
/// λ⊥ = 1/4 mode of §2.7 (theory §9: "decaying as t^{−1/4}"). The local log-slope of `s`
/// is `−1/4 (1 + O(s²))`: the asinh expansion contributes `s²/24`, the clock
/// `e^{2c} = 8η Σ_τ cosh s_τ` (an average of `cosh s`, not its current value) at most
/// `s²/8`; discrete-time corrections are `O(ln t/t)`. Asserted: `|slope + 1/4| ≤
/// s(t₁)²/6 + 2 ln t₁/t₁` between `t₁ = 2^14` and `t₂ = 2^17`.
#[test]
fn r2_off_diagonal_residual_decays_like_t_to_the_minus_lambda_perp() {
    let (data, mm) = r2();
    let (traj, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &q(1, 8),
        &[q(1, 1), q(-1, 1)],
        1 << 17,
        2,
        BITS,
    );
    let s_at = |t: u64| {
        let w = &traj.samples.iter().find(|s| s.t == t).unwrap().w;
        Float::with_val(BITS, &w[0] - &w[1]).to_f64() / 2.0
    };
    let (t1, t2) = (1u64 << 14, 1u64 << 17);
    let (s1, s2) = (s_at(t1), s_at(t2));
    let slope = (s2 / s1).ln() / ((t2 as f64) / (t1 as f64)).ln();
    let tol = s1 * s1 / 6.0 + 2.0 * (t1 as f64).ln() / t1 as f64;
    assert!(
        (slope + 0.25).abs() <= tol,
        "slope of s: {slope}, predicted −1/4 ± {tol}"
    );
    assert_verdicts(&a, CORE);
    // the rate fit of ‖ρ − w̃‖ reports the same exponent (not asserted: it mixes modes)
    let fit = a.assessment.fit("residual_slope").unwrap();
    assert!(fit.measured.as_ref().unwrap().to_f64() < 0.0);
}

// ====================================================================== Fig. 1

/// theory §1.6 Fig. 1: S = the R2 vectors, α = 1/8 each (as R2; off-margin points have
/// α = 0), `w̃ = ln(8η)(1/2,1/2) ∝ ŵ`, so `z_nᵀw̃ = (ŵᵀz_n) ln(8η)` for every n. §2.8:
/// `C_share = η Σ_{ŵᵀz=θ} e^{−z_nᵀw̃}/‖ŵ‖² = 2η m (8η)^{−θ}` (m points at level θ) and
/// `C_share_grad = η (8η)^{−θ} ‖Σ_{ŵᵀz=θ} z_n‖/‖ŵ‖`; `C_L = 1/(2η)`, `C_dir = C_γ = 0`.
#[test]
fn fig1_predictions_are_the_closed_forms() {
    let (data, mm) = fig1();
    let theta = mm.theta.clone().unwrap();
    let z = data.signed_points_exact();
    let level: Vec<usize> = (0..data.len())
        .filter(|&i| Rational::from(&z[i][0] + &z[i][1]) / 2 == theta)
        .collect();
    let m = level.len() as u32;
    let sum: Vec<Rational> = (0..2)
        .map(|j| level.iter().map(|&i| z[i][j].clone()).sum())
        .collect();
    for eta in [q(1, 64), q(1, 16)] {
        let p = predict::<Float>(&data, &mm, Loss::Exponential, &eta, &zeros(2), BITS).unwrap();
        let e8 = fq(&(eta.clone() * 8u32));
        let pow = Float::with_val(BITS, Float::with_val(BITS, e8.ln_ref()) * -fq(&theta)).exp();
        let want = Float::with_val(BITS, &pow * fq(&eta)) * (2 * m);
        assert!(close(&val(&p.share_loss), &want, &ulp(112)));
        let nz =
            fq(&(Rational::from(&sum[0] * &sum[0]) + Rational::from(&sum[1] * &sum[1]))).sqrt();
        let nw = fq(&q(1, 2)).sqrt();
        let want_g = Float::with_val(BITS, &pow * fq(&eta)) * nz / nw;
        assert!(close(&val(&p.share_grad), &want_g, &ulp(112)));
        assert_eq!(p.c_l, Predicted::Exact(q(1, 2) / &eta));
        assert!(val(&p.c_dir).abs() <= ulp(110));
        assert!(val(&p.c_gamma).abs() <= ulp(110));
        assert_eq!(p.theta, Some(theta.clone()));
        // κ = min(λ⊥ = 1/4, θ − 1 ≥ 1/2, 1) = 1/4
        assert!(close(&val(&p.kappa), &fq(&q(1, 4)), &ulp(118)));
    }
}

/// Fig. 1 under GD with the exponential loss and, as in the paper, the logistic loss, from
/// `w(0) = (2, 2)` with the largest power-of-two step satisfying theory §8.1 there: all
/// verdicts pass, including support-vector domination with the exponent θ − 1 and its
/// constant (§2.8); logistic is checked against the same `w̃` (§2.9); the span condition
/// makes `w̃` independent of this `w(0)` (§1.3).
#[test]
fn fig1_exp_and_logistic_pass_every_claim() {
    let (data, mm) = fig1();
    let w0 = [q(2, 1), q(2, 1)];
    // the two losses are independent runs: in parallel (rayon), each judged alone
    [Loss::Exponential, Loss::Logistic]
        .par_iter()
        .for_each(|&loss| {
            let mut eta = q(1, 1);
            while check_step(&data, loss, &eta, &[2.0, 2.0]).is_some() {
                eta /= 2;
            }
            assert!(eta >= q(1, 32), "step {eta}");
            let (_, a) = run_case(&data, &mm, loss, &eta, &w0, 100_000, 10, BITS);
            let mut must = CORE.to_vec();
            must.extend(["sv_domination_loss", "sv_domination_grad"]);
            if eta <= q(1, 16) {
                // a small step is a short horizon in ηt: C_dir = 0 is resolved to about 0.02,
                // coarser than 10 % of ln t·dir at the first judged checkpoint (0.03): weak,
                // and the run inconclusive, not a PASS
                must.retain(|id| *id != "direction_constant");
                let v = a.assessment.get("direction_constant").unwrap();
                assert!(
                    matches!(v.status, Status::Pass | Status::Weak),
                    "{loss:?}: {}",
                    v.basis
                );
            }
            assert_verdicts(&a, &must);
            // the share slope is close to 1 − θ (reported fit; asserted only loosely here,
            // the constant-level claim is the verdict above)
            let f = a.assessment.fit("share_slope").unwrap();
            let (m, p) = (
                f.measured.as_ref().unwrap().to_f64(),
                f.predicted.as_ref().unwrap().to_f64(),
            );
            assert!((m - p).abs() < 0.1 * p.abs(), "share slope {m} vs {p}");
        });
}

// ====================================================================== generated sets

/// A planted set and its step: the largest power of two satisfying theory §8.1 from 0.
fn planted(n: usize, d: usize, seed: u64) -> (Dataset, MaxMargin, Rational) {
    let data = Generator::Planted {
        n,
        d,
        margin: q(1, 10),
        seed,
    }
    .generate()
    .unwrap();
    let mm = brute_force(&data).expect("separable");
    let mut lr = q(1, 1);
    while check_step(&data, Loss::Exponential, &lr, &vec![0.0; d]).is_some() {
        lr /= 2;
    }
    (data, mm, lr)
}

/// Independent recomputation of the §2 constants from the exact α of the brute-force
/// oracle (unique α, all positive: Soudry Lemma 8).
fn check_against_exact_alpha(data: &Dataset, mm: &MaxMargin, eta: &Rational) {
    let d = data.dim();
    let p = predict::<Float>(data, mm, Loss::Exponential, eta, &zeros(d), BITS).unwrap();
    assert_eq!(p.regime, Regime::Unique);
    let z = data.signed_points_exact();
    let wt = p.w_tilde.as_ref().unwrap();
    // §1.3 eq. 2.7: η exp(−z_nᵀw̃) = α_n on S, i.e. z_nᵀw̃ = ln(η/α_n)
    for &n in &mm.cert.support {
        let zw = z[n]
            .iter()
            .zip(wt)
            .fold(fl(0.0), |s, (a, b)| s + Float::with_val(BITS, fq(a) * b));
        let want = fq(&Rational::from(eta / &mm.cert.alpha[n])).ln();
        assert!(close(&zw, &want, &ulp(100)), "z_n·w̃ at n = {n}");
    }
    // §2.6: C_γ = (max ln α − Σ p ln α)/‖ŵ‖, p = α/‖ŵ‖²
    let ns = fq(&mm.cert.value);
    let lns: Vec<Float> = mm
        .cert
        .support
        .iter()
        .map(|&n| fq(&mm.cert.alpha[n]).ln())
        .collect();
    let mx = lns.iter().fold(lns[0].clone(), |a, b| a.max(b));
    let mean = mm
        .cert
        .support
        .iter()
        .zip(&lns)
        .fold(fl(0.0), |s, (&n, l)| {
            s + Float::with_val(BITS, fq(&mm.cert.alpha[n]) * l)
        });
    let cg = Float::with_val(BITS, mx - mean / &ns) / ns.clone().sqrt();
    assert!(close(&val(&p.c_gamma), &cg, &ulp(100)));
    // §2.4: C_norm = ŵᵀw̃/‖ŵ‖
    let wh: Vec<Float> = mm.cert.w.iter().map(fq).collect();
    let dot = wh
        .iter()
        .zip(wt)
        .fold(fl(0.0), |s, (a, b)| s + Float::with_val(BITS, a * b));
    assert!(close(
        &val(&p.c_norm),
        &(dot / ns.clone().sqrt()),
        &ulp(100)
    ));
    if mm.cert.support.len() == 2 && d == 2 {
        // §2.5 two-SV closed form (P2 w(0) = 0 in 2-D): C_dir = |ln(α1/α2)|/(‖z1−z2‖‖ŵ‖)
        let (i, j) = (mm.cert.support[0], mm.cert.support[1]);
        let diff2: Rational = z[i]
            .iter()
            .zip(&z[j])
            .map(|(a, b)| Rational::from(a - b).square())
            .sum();
        let ratio = fq(&Rational::from(&mm.cert.alpha[i] / &mm.cert.alpha[j]))
            .ln()
            .abs();
        let want = ratio / fq(&diff2).sqrt() / ns.clone().sqrt();
        assert!(close(&val(&p.c_dir), &want, &ulp(100)), "two-SV C_dir");
        // λ⊥ = uᵀMu, u the unit vector ⊥ ŵ (span(Z_S) ∩ ŵ⊥ is the line ŵ⊥ in 2-D)
        let u = [Float::with_val(BITS, -&wh[1]), wh[0].clone()];
        let nu = Float::with_val(BITS, &u[0] * &u[0] + &u[1] * &u[1]);
        let mut lam = fl(0.0);
        for &n in &mm.cert.support {
            let zu = Float::with_val(BITS, fq(&z[n][0]) * &u[0] + fq(&z[n][1]) * &u[1]);
            lam += Float::with_val(BITS, fq(&mm.cert.alpha[n]) * zu.square());
        }
        assert!(close(&val(&p.lambda_perp), &(lam / nu), &ulp(100)), "λ⊥");
    }
}

/// G1 = `ibias gen planted --n 6 --d 2 --seed 18`: two support vectors, λ⊥ ≈ 0.61 = κ,
/// θ ≈ 2.09, C_dir ≈ 0.85 (a strongly tilted w̃), η = 1/16.
#[test]
fn generated_g1_constants_and_verdicts() {
    let (data, mm, lr) = planted(6, 2, 18);
    assert_eq!(lr, q(1, 16));
    assert_eq!(mm.cert.support.len(), 2);
    check_against_exact_alpha(&data, &mm, &lr);
    // the share claims (eight checkpoints in their judged range for six terms, which starts
    // at t = 2049 here) are judged at 10^7 steps: falsification.rs,
    // planted_g1_and_g2_share_goals_at_ten_to_the_seven (at 10^5 they were weak, resolution 0.54)
    for loss in [Loss::Exponential, Loss::Logistic] {
        let (_, a) = run_case(&data, &mm, loss, &lr, &zeros(2), 100_000, 10, BITS);
        assert_verdicts(&a, CORE);
    }
}

/// G2 = `ibias gen planted --n 6 --d 3 --seed 9`: three support vectors in 3-D, λ⊥ ≈ 0.80,
/// θ − 1 ≈ 0.66 = κ, η = 1/16.
#[test]
fn generated_g2_constants_and_verdicts() {
    let (data, mm, lr) = planted(6, 3, 9);
    assert_eq!(lr, q(1, 16));
    assert_eq!(mm.cert.support.len(), 3);
    check_against_exact_alpha(&data, &mm, &lr);
    let (_, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &lr,
        &zeros(3),
        100_000,
        10,
        BITS,
    );
    // the non-SV shares of G2 are still far from their limit at 10^5 steps (their
    // extrapolation is unstable): not judged, with the reason, never a FAIL
    assert_verdicts(&a, CORE);
    for id in ["sv_domination_loss", "sv_domination_grad"] {
        let v = a.assessment.get(id).unwrap();
        assert!(
            v.status != Status::Fail
                && (v.status != Status::NotApplicable || v.basis.contains("run longer")),
            "{id}: {}",
            v.basis
        );
    }
}

/// `ibias gen planted --n 6 --d 3 --seed 10`: two SVs that do not span the data (§1.3's span
/// condition fails). Only `P1 w̃` is predicted; the P1 residual still converges at rate κ,
/// and the claims that need the full `w̃` say why they do not apply.
#[test]
fn generated_without_span_condition_checks_the_p1_part() {
    let (data, mm, lr) = planted(6, 3, 10);
    let p = predict::<Float>(&data, &mm, Loss::Exponential, &lr, &zeros(3), BITS).unwrap();
    assert!(!p.spans);
    assert!(matches!(p.c_dir, Predicted::Unavailable(_)));
    assert!(p.w_tilde.is_none() && p.w_tilde_span.is_some());
    let (_, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &lr,
        &zeros(3),
        100_000,
        10,
        BITS,
    );
    assert_verdicts(
        &a,
        &[
            "invariant",
            "dual_recovery",
            "loss_constant",
            "residual",
            "share_order",
        ],
    );
    for id in ["direction_constant", "norm_constant", "margin_constant"] {
        assert_eq!(
            a.assessment.get(id).unwrap().status,
            Status::NotApplicable,
            "{id}"
        );
    }
}

// ====================================================================== degenerate

/// Degenerate data (§2.11): `z1 = (1, 0)`, `z2 = (1, 1)`, both on the margin of
/// `ŵ = (1, 0)`, but `ŵ = α1 z1 + α2 z2` forces `α = (1, 0)`. No `w̃`: the predictions say
/// so. Flow invariant: `dw2/dw1 = e^{−w2}/(1 + e^{−w2})` integrates to
/// `Φ = e^{w2} + w2 − w1`. For GD, `ΔΦ = e^{w2}(e^{Δ2} − 1 − Δ2) ∈ [0, e^{w2}Δ2² e^{Δ2}/2]`
/// with `Δ2 = η e^{−w1−w2}`; since `e^{w1(t)} ≥ 1 + ηt` and `w2 ≥ 0`,
/// `ΔΦ ≤ e^{η}/(2t²)`, so `0 ≤ Φ(T) − Φ(t₀) ≤ e^{η}/(2(t₀ − 1))`: Φ converges, which pins
/// `e^{w2} ≈ w1 ≈ ln t`, i.e. `ρ2 = w2 ≈ ln ln t`.
#[test]
fn degenerate_data_have_no_w_tilde_and_grow_like_log_log_t() {
    let data = Dataset::new(
        vec![vec![q(1, 1), q(0, 1)], vec![q(1, 1), q(1, 1)]],
        vec![1, 1],
    )
    .unwrap();
    let mm = brute_force(&data).unwrap();
    assert_eq!(mm.degenerate, Some(true));
    let eta = q(1, 4);
    let p = predict::<Float>(&data, &mm, Loss::Exponential, &eta, &zeros(2), BITS).unwrap();
    assert_eq!(p.regime, Regime::Degenerate);
    assert!(p.w_tilde.is_none());
    for c in [&p.c_dir, &p.c_norm, &p.c_gamma, &p.kappa, &p.lambda_perp] {
        assert!(matches!(c, Predicted::Unavailable(_)), "{c:?}");
    }
    assert_eq!(
        p.c_l,
        Predicted::Exact(q(4, 1)),
        "C_L = ‖ŵ‖²/η still holds (§2.2)"
    );
    let (traj, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &eta,
        &zeros(2),
        1 << 17,
        2,
        BITS,
    );
    let phi = |t: u64| {
        let w = &traj.samples.iter().find(|s| s.t == t).unwrap().w;
        (w[1].to_f64()).exp() + w[1].to_f64() - w[0].to_f64()
    };
    let t0 = 1u64 << 10;
    let inc = phi(1 << 17) - phi(t0);
    let bound = 0.25f64.exp() / (2.0 * (t0 - 1) as f64);
    assert!(
        (-1e-12..=bound).contains(&inc),
        "Φ(T) − Φ(t0) = {inc}, bound {bound}"
    );
    // the slow claims are judged by their own history: weak at best, never FAIL, never PASS
    for id in [
        "loss_degenerate",
        "dual_degenerate",
        "dual_zero",
        "residual_growth",
        "direction_degenerate",
        "margin_degenerate",
    ] {
        let v = a
            .assessment
            .get(id)
            .unwrap_or_else(|| panic!("no verdict {id}"));
        assert_eq!(v.status, Status::Weak, "{id}: {}", v.basis);
    }
    assert!(matches!(
        a.assessment.judgement(None),
        implicit_bias::theory::Judgement::Inconclusive(_)
    ));
    let g = a.assessment.fit("residual_loglog").unwrap();
    assert!(g.measured.as_ref().unwrap().to_f64() > 0.0, "‖ρ‖ grows");
}

// ====================================================================== errors, precision

#[test]
fn bad_inputs_are_typed_errors_not_panics() {
    let (data, mut mm) = r1();
    assert!(predict::<f64>(&data, &mm, Loss::Exponential, &q(1, 2), &[q(0, 1)], ()).is_err());
    assert!(predict::<f64>(&data, &mm, Loss::Exponential, &q(0, 1), &zeros(2), ()).is_err());
    mm.cert.norm = Norm::L1;
    assert!(predict::<f64>(&data, &mm, Loss::Exponential, &q(1, 2), &zeros(2), ()).is_err());
    let (data, mut mm) = r1();
    mm.cert.w = vec![q(1, 2), q(0, 1)]; // margin 1/2 < 1: not a max-margin solution
    assert!(predict::<f64>(&data, &mm, Loss::Exponential, &q(1, 2), &zeros(2), ()).is_err());
}

/// The precision guard: the same R2 run at 128 and 192 bits agrees on ‖ρ − w̃‖ to at least
/// the digits 128 bits guarantee after 10^4 steps (report::trusted_digits, minus one).
#[test]
fn two_precisions_agree_on_the_residual() {
    use implicit_bias::report::trusted_digits;
    use implicit_bias::theory::render::agreeing_digits;
    let (data, mm) = r2();
    let w0 = [q(1, 1), q(-1, 1)];
    let (_, a) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &q(1, 8),
        &w0,
        10_000,
        10,
        128,
    );
    let (_, b) = run_case(
        &data,
        &mm,
        Loss::Exponential,
        &q(1, 8),
        &w0,
        10_000,
        10,
        192,
    );
    let (ca, cb) = (a.checkpoints.last().unwrap(), b.checkpoints.last().unwrap());
    let x = ca.rho_err.clone().unwrap();
    let y = Float::with_val(128, cb.rho_err.as_ref().unwrap());
    let want = trusted_digits(128, 10_000) - 1;
    assert!(agreeing_digits(&x, &y, 40) >= want);
}

/// The verdicts can fail: R1 judged against a wrong dual vector (α = 2 instead of 1, so the
/// predicted `w̃1 = ln(η/α)` is off by ln 2: `w̃ = (ln(1/4), 3/10)` instead of
/// `(ln(1/2), 3/10)`, given as conjectures) fails dual recovery (the ratio tends to 1/2) and
/// the residual claim (`ρ − w̃` tends to `(ln 2, 0)`, a plateau), while the claims that do not
/// involve α (`t·L/C_L`, the identities) still pass. (The oracle's certified α, which the
/// regime test reads, stays the true one: a conjecture replaces a prediction, not a fact
/// about the data.)
#[test]
fn a_wrong_prediction_fails() {
    let (data, mm) = r1();
    let eta = q(1, 2);
    let w0 = [q(0, 1), q(3, 10)];
    let steps = 100_000;
    let obj = Objective::<Float>::new(&data, Loss::Exponential, BITS);
    let traj = Runner::new(
        &obj,
        &GradientDescent::new(&eta, BITS),
        &RunOptions {
            steps,
            base: 10,
            ..Default::default()
        },
    )
    .run_at(
        w0.iter().map(|v| Float::with_val(BITS, v)).collect(),
        &dense_checkpoints(steps, 10),
    );
    let conjectures = [
        Conjecture::parse("alpha=2").unwrap(),
        // ln(1/4) to 12 digits, far closer than the ln 2 the claim must resolve.
        Conjecture::parse("w_tilde=-1.386294361120,3/10").unwrap(),
    ];
    let a = analyze_with(
        &data,
        &mm,
        Loss::Exponential,
        &eta,
        &w0,
        &traj,
        BITS,
        &conjectures,
    )
    .unwrap();
    for id in ["dual_recovery", "residual"] {
        assert_eq!(a.assessment.get(id).unwrap().status, Status::Fail, "{id}");
    }
    for id in ["loss_constant", "tan_identity", "invariant"] {
        assert_eq!(a.assessment.get(id).unwrap().status, Status::Pass, "{id}");
    }
    assert!(!a.assessment.none_failed());
}

// ====================================================================== command line

fn ibias(args: &[&str]) -> std::process::Output {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .output()
        .unwrap();
    no_internal_error(o.status.code(), &o.stderr);
    o
}

fn csv_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// `ibias run` on R2 (theory §9): exit 0, the verdict table cites its sections, and the JSON
/// carries the exact `C_L = ‖ŵ‖²/η = (1/2)/(1/8) = 4` and every verdict.
#[test]
fn cli_run_prints_predictions_and_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let f = csv_file(
        &dir,
        "r2.csv",
        "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n",
    );
    let args = [
        "run", "--data", &f, "--lr", "1/8", "--init", "1,-1", "--steps", "1e4",
    ];
    let o = ibias(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    for needle in [
        "# predicted constants",
        "# verdicts",
        "PASS     §2.3",
        "§2.7",
        "C_L ",
    ] {
        assert!(out.contains(needle), "missing {needle:?}");
    }
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let o = ibias(&json_args);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["theory"]["all_hold"], true);
    assert_eq!(v["theory"]["prediction"]["constants"]["C_L"]["value"], "4");
    assert_eq!(v["theory"]["prediction"]["regime"], "max_entropy");
    let ids: Vec<&str> = v["theory"]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    for id in [
        "dual_recovery",
        "loss_constant",
        "residual",
        "direction_constant",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}

/// Data that are not strictly separable through the origin (the same point with both labels)
/// are bad input for the theory checks: exit 2 with the Gordan witness on one line.
#[test]
fn cli_run_on_non_separable_data_exits_2_with_a_witness() {
    let dir = tempfile::tempdir().unwrap();
    let f = csv_file(&dir, "ns.csv", "x1,x2,y\n1,0,1\n1,0,-1\n");
    let o = ibias(&["run", "--data", &f, "--steps", "10"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("Gordan witness"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("ibias: error"))
            .count(),
        1
    );
}
