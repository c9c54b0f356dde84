//! Property tests of the theory checks on generated separable data with small rational
//! coordinates (issue: theory checks, item 6). The exact max-margin solution comes from the
//! independent brute-force oracle of `theory_common`.

mod theory_common;

use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::{GradientDescent, Optimizer, State};
use implicit_bias::oracle::MaxMargin;
use implicit_bias::stepsize::check_step;
use implicit_bias::theory::predict::predict;
use implicit_bias::theory::{Predicted, Regime, Status};
use proptest::prelude::*;
use rug::{Float, Rational};
use theory_common::*;

const BITS: u32 = 128;

/// The largest power-of-two step satisfying the sufficient condition of theory §8.1 at w0.
/// For the logistic loss the bound `η < 8/σ_max²(Z)` is evaluated here with the exact 2×2
/// eigenvalue formula (d = 2), independently of `stepsize::sigma_max_sq`.
fn step_for(data: &Dataset, loss: Loss, w0: &[f64]) -> Rational {
    let mut lr = q(1, 1);
    while check_step(data, loss, &lr, w0).is_some() || !logistic_ok(data, loss, &lr) {
        lr /= 2;
    }
    lr
}

fn logistic_ok(data: &Dataset, loss: Loss, lr: &Rational) -> bool {
    if loss != Loss::Logistic || data.dim() != 2 {
        return true;
    }
    let z = data.signed_points::<f64>(());
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for p in &z {
        a += p[0] * p[0];
        b += p[0] * p[1];
        c += p[1] * p[1];
    }
    let s2 = (a + c) / 2.0 + (((a - c) / 2.0).powi(2) + b * b).sqrt();
    lr.to_f64() < 8.0 / s2
}

/// Generic data with fast residual decay (theory §2.7: choose λ⊥, θ − 1 ≳ 0.3 for w̃ tests)
/// whose transient ends well inside the run: the support-vector margins reach their
/// asymptotic values `ln(ηt/α_n)` only once `ηt ≫ α_n`, so `max α_n/η ≤ 2^6` (`T = 2^15`).
fn fast(data: &Dataset, mm: &MaxMargin, eta: &Rational) -> bool {
    let amax = mm.cert.alpha.iter().max().cloned().unwrap_or_default();
    if amax / eta > 64 {
        return false;
    }
    let Ok(p) = predict::<f64>(
        data,
        mm,
        Loss::Exponential,
        eta,
        &vec![q(0, 1); data.dim()],
        (),
    ) else {
        return false;
    };
    let lp = match p.lambda_perp {
        Predicted::Value(v) => v,
        _ => f64::INFINITY,
    };
    let th = p.theta.as_ref().map_or(f64::INFINITY, Rational::to_f64);
    p.regime == Regime::Unique && p.spans && lp >= 0.3 && th - 1.0 >= 0.3
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Theory §8.1: with `η R² L(w_t) ≤ c`, `(c/2)e^c < 1`, the loss decreases at every step
    /// (exp loss; the condition is checked at w0 and L only decreases afterwards). Logistic
    /// with `η < 8/σ_max²` (Lemma 1) likewise.
    #[test]
    fn loss_decreases_monotonically_under_the_step_condition(
        data in separable_quarters(2, 6),
        logistic in any::<bool>(),
    ) {
        let loss = if logistic { Loss::Logistic } else { Loss::Exponential };
        let eta = step_for(&data, loss, &[0.0, 0.0]);
        let obj = Objective::<Float>::new(&data, loss, BITS);
        let gd = GradientDescent::new(&eta, BITS);
        let mut st = State::new(&obj, vec![Float::new(BITS), Float::new(BITS)], 0);
        let mut prev = obj.ln_loss(&st.w);
        for _ in 0..300 {
            gd.step(&obj, &mut st).unwrap();
            let l = obj.ln_loss(&st.w);
            prop_assert!(l < prev, "t={}: ln L rose from {} to {}", st.t, prev, l);
            prev = l;
        }
    }

    /// Theory §8.2: GD moves only inside span(Z), so the component of w(t) orthogonal to the
    /// data is w(0)'s. Data in the plane x3 = x1 + x2 (normal (1, 1, −1)): the diagnostic
    /// drift `‖P_span(Z)⊥(w(t) − w(0))‖` stays within the rounding floor, and the component
    /// along the normal stays at its initial value.
    #[test]
    fn orthogonal_complement_is_invariant(
        data2 in separable_quarters(2, 6),
        w0 in prop::collection::vec(-8i64..=8, 3),
    ) {
        let x: Vec<Vec<Rational>> = data2
            .points()
            .iter()
            .map(|p| vec![p[0].clone(), p[1].clone(), Rational::from(&p[0] + &p[1])])
            .collect();
        let data = Dataset::new(x, data2.labels().to_vec()).unwrap();
        let Some(mm) = brute_force(&data) else { return Ok(()) };
        let w0: Vec<Rational> = w0.iter().map(|&v| q(v, 4)).collect();
        let w0f: Vec<f64> = w0.iter().map(Rational::to_f64).collect();
        let eta = step_for(&data, Loss::Exponential, &w0f);
        let (traj, a) = run_case(&data, &mm, Loss::Exponential, &eta, &w0, 2000, 10, BITS);
        let v = a.assessment.get("invariant").unwrap();
        prop_assert_eq!(v.status, Status::Pass, "{:?}", v.deviation);
        let normal = |w: &[Float]| (Float::with_val(BITS, &w[0] + &w[1]) - &w[2]).to_f64();
        let n0 = normal(&traj.samples[0].w);
        for s in &traj.samples {
            prop_assert!((normal(&s.w) - n0).abs() <= 1e-25 * (1.0 + n0.abs()));
        }
    }

    /// After 2^15 steps on generic data with λ⊥, θ − 1 ≥ 0.3: dual recovery (§2.3),
    /// t·L/C_L (§2.2), the gradient limit (§2.3) and the residual (§2.7) never FAIL on the
    /// true predictions (they PASS, or are weak or n/a with the reason when the run is
    /// short), and the exact identities hold.
    #[test]
    fn dual_recovery_and_loss_constant_hold_after_enough_steps(data in separable_quarters(2, 6)) {
        let Some(mm) = brute_force(&data) else { return Ok(()) };
        let eta = step_for(&data, Loss::Exponential, &[0.0, 0.0]);
        prop_assume!(fast(&data, &mm, &eta));
        let (_, a) = run_case(&data, &mm, Loss::Exponential, &eta, &[q(0, 1), q(0, 1)], 1 << 15, 10, BITS);
        for id in ["dual_recovery", "loss_constant", "gradient_limit", "residual"] {
            let v = a.assessment.get(id).unwrap();
            // never a false FAIL; a short run may be weak or not judged (it says why)
            prop_assert!(
                v.status != Status::Fail,
                "{}: {:?}, |dev| {:?}, tol {:?} ({})", id, v.status,
                v.deviation.as_ref().map(Float::to_f64), v.tolerance.as_ref().map(Float::to_f64), v.basis
            );
        }
        for id in ["tan_identity", "gap_identity", "invariant"] {
            prop_assert_ne!(a.assessment.get(id).unwrap().status, Status::Fail, "{}", id);
        }
    }

    /// Theory §2.9: logistic and exponential loss share w̃: the distance between the two
    /// trajectories' residuals `‖ρ_log(t) − ρ_exp(t)‖` shrinks from `T/16` to `T` (were the
    /// limits different, it would tend to their nonzero difference instead). Each run is
    /// judged against the one prediction (it does not depend on the loss) in
    /// `tests/theory.rs::fig1_exp_and_logistic_pass_every_claim` and G1.
    /// Precondition (in `fast`): the logistic weight is in its exponential tail from
    /// `T/16 = 2^10` on, `e^{−u_n} ≈ α_n/(ηt) ≤ 1/16` (before that, logistic and exp dynamics
    /// differ at first order).
    #[test]
    fn logistic_and_exponential_share_w_tilde(data in separable_quarters(2, 6)) {
        let Some(mm) = brute_force(&data) else { return Ok(()) };
        let eta = step_for(&data, Loss::Logistic, &[0.0, 0.0]);
        let eta_exp = step_for(&data, Loss::Exponential, &[0.0, 0.0]);
        let eta = eta.min(eta_exp);
        prop_assume!(fast(&data, &mm, &eta));
        let w0 = [q(0, 1), q(0, 1)];
        let (_, e) = run_case(&data, &mm, Loss::Exponential, &eta, &w0, 1 << 14, 10, BITS);
        let (_, l) = run_case(&data, &mm, Loss::Logistic, &eta, &w0, 1 << 14, 10, BITS);
        let gap = |t: u64| -> f64 {
            let find = |a: &implicit_bias::theory::Analysis<Float>| {
                a.checkpoints.iter().find(|c| c.t == t).unwrap().rho.clone().unwrap()
            };
            find(&e).iter().zip(&find(&l))
                .map(|(a, b)| Float::with_val(BITS, a - b).to_f64().powi(2)).sum::<f64>().sqrt()
        };
        let (early, late) = (gap(1 << 10), gap(1 << 14));
        prop_assert!(late < early, "‖ρ_log − ρ_exp‖: {} at 2^10, {} at 2^14", early, late);
    }
}
