//! Tests of the GD engine against independent witnesses: finite differences, closed-form
//! recursions (theory §9 R1), exact invariants (theory §8.2) and other precisions.

use implicit_bias::data::{generate::Generator, Dataset};
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::GradientDescent;
use implicit_bias::run::{RunOptions, Runner};
use proptest::prelude::*;
use rayon::prelude::*;
use rug::{Float, Rational};

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

fn data(rows: &[(&[i64], i8)], den: i64) -> Dataset {
    Dataset::new(
        rows.iter()
            .map(|(x, _)| x.iter().map(|&v| q(v, den)).collect())
            .collect(),
        rows.iter().map(|(_, y)| *y).collect(),
    )
    .unwrap()
}

fn opts(steps: u64) -> RunOptions {
    RunOptions {
        steps,
        ..Default::default()
    }
}

/// Relative error |a − b| / max(|b|, tiny), as f64.
fn rel(a: &Float, b: &Float) -> f64 {
    let diff = Float::with_val(a.prec().max(b.prec()), a - b).abs();
    let den = Float::with_val(b.prec(), b.abs_ref());
    if den.is_zero() {
        diff.to_f64()
    } else {
        (diff / den).to_f64()
    }
}

const P: u32 = 256;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// −∇L against central finite differences of L at 256 bits.
    ///
    /// Witness: for smooth L, (L(w + h e_j) − L(w − h e_j)) / 2h = ∂_j L + O(h² L'''),
    /// with h = 2^−70 the truncation is ~2^−140·|L'''| and cancellation costs ~2^−256/h =
    /// 2^−186 relative to L; both far below the asserted 2^−100 (relative to ‖∇L‖ + L).
    #[test]
    fn gradient_matches_central_differences(
        pts in prop::collection::vec((prop::collection::vec(-8i64..=8, 3), any::<bool>()), 1..6),
        w in prop::collection::vec(-6i64..=6, 3),
        logistic in any::<bool>(),
    ) {
        let d = Dataset::new(
            pts.iter().map(|(x, _)| x.iter().map(|&v| q(v, 4)).collect()).collect(),
            pts.iter().map(|(_, b)| if *b { 1 } else { -1 }).collect(),
        ).unwrap();
        let loss = if logistic { Loss::Logistic } else { Loss::Exponential };
        let obj = Objective::<Float>::new(&d, loss, P);
        let w: Vec<Float> = w.iter().map(|&v| Float::with_val(P, v) / 3u32).collect();
        let mut g = vec![Float::new(P); 3];
        let mut scratch = obj.scratch();
        obj.neg_gradient(&w, &mut g, &mut scratch).unwrap();
        let h = Float::with_val(P, Float::i_exp(1, -70));
        let lval = obj.ln_loss(&w).exp();
        for j in 0..3 {
            let mut wp = w.clone();
            wp[j] += &h;
            let mut wm = w.clone();
            wm[j] -= &h;
            let fd = (obj.ln_loss(&wp).exp() - obj.ln_loss(&wm).exp()) / (Float::with_val(P, &h * 2u32));
            // −∇L = −fd
            let err = Float::with_val(P, &g[j] + &fd).abs();
            let scale = Float::with_val(P, g[j].abs_ref()) + &lval;
            prop_assert!(err < scale * Float::with_val(P, Float::i_exp(1, -100)),
                "coord {j}: grad {} fd {}", g[j], fd);
        }
    }
}

/// Theory §9 R1 (Soudry App. B): x = (1, 0), y = +1, exp loss. GD on the first coordinate is
/// w1(t+1) = w1(t) + η e^{−w1(t)}, i.e. u_t = e^{w1(t)} obeys u_{t+1} = u_t·exp(η/u_t);
/// the second coordinate never moves (z_2 = 0, so its gradient is exactly 0).
/// The recursion is computed here independently at 512 bits.
#[test]
fn r1_follows_its_closed_recursion_and_w2_is_frozen() {
    let data = Generator::R1.generate().unwrap();
    let eta = q(1, 2);
    let obj = Objective::<Float>::new(&data, Loss::Exponential, P);
    let gd = GradientDescent::<Float>::new(&eta, P);
    let w20 = Float::with_val(P, &q(3, 10));
    let traj = Runner::new(&obj, &gd, &opts(20_000)).run(vec![Float::new(P), w20.clone()]);
    // Independent recursion in u = e^{w1} at 512 bits.
    let hp = 512;
    let eta_hp = Float::with_val(hp, &eta);
    let mut u = Float::with_val(hp, 1); // e^0
    let mut t = 0u64;
    for s in &traj.samples {
        while t < s.t {
            let f = Float::with_val(hp, &eta_hp / &u).exp();
            u *= f;
            t += 1;
        }
        let expect = Float::with_val(hp, u.ln_ref());
        // 256-bit engine: error grows at most linearly in t (2^−256 per step, times a
        // bounded amplification: the map w ↦ w + ηe^{−w} has derivative 1 − ηe^{−w} ∈ (0, 1]).
        let bound = (s.t as f64 + 1.0) * 8.0 * 2f64.powi(-250);
        let r = rel(&Float::with_val(hp, &s.w[0]), &expect);
        assert!(r <= bound.max(1e-70), "t={} rel={r:e}", s.t);
        assert_eq!(s.w[1], w20, "w2 moved at t={}", s.t);
    }
}

/// Theory §8.2: for GD, the component of w orthogonal to span{z_n} never changes.
/// Coordinate-aligned complement: exact equality (the update adds g·0 to it).
/// Rotated complement (data in the plane x1 = x2 ... not containing (1,−1,0)): up to rounding,
/// at most one rounding per step per coordinate: |Δ| ≤ 4 t u ‖w‖.
#[test]
fn orthogonal_complement_is_invariant() {
    // All z_n have third coordinate 0: w3 must stay exactly 7/5.
    let d1 = data(&[(&[1, 2, 0], 1), (&[-3, -1, 0], -1), (&[2, 1, 0], 1)], 1);
    let obj = Objective::<Float>::new(&d1, Loss::Logistic, 128);
    let gd = GradientDescent::<Float>::new(&q(1, 8), 128);
    let w0: Vec<Float> = [q(1, 3), q(-2, 1), q(7, 5)]
        .iter()
        .map(|v| Float::with_val(128, v))
        .collect();
    let traj = Runner::new(&obj, &gd, &opts(5000)).run(w0.clone());
    for s in &traj.samples {
        assert_eq!(s.w[2], w0[2], "t={}", s.t);
    }
    // All z_n in span{(1,1,0), (0,0,1)}: the complement direction is (1,−1,0), so w1 − w2 is
    // invariant up to rounding.
    let d2 = data(&[(&[1, 1, 2], 1), (&[-2, -2, 1], -1), (&[3, 3, -1], 1)], 2);
    for bits in [53u32, 128] {
        let obj = Objective::<Float>::new(&d2, Loss::Exponential, bits);
        let gd = GradientDescent::<Float>::new(&q(1, 16), bits);
        let w0: Vec<Float> = [q(1, 2), q(-1, 4), q(0, 1)]
            .iter()
            .map(|v| Float::with_val(bits, v))
            .collect();
        let traj = Runner::new(&obj, &gd, &opts(3000)).run(w0);
        for s in &traj.samples {
            let diff = Float::with_val(bits, &s.w[0] - &s.w[1]).to_f64() - 0.75;
            let nrm = s.w.iter().map(|x| x.to_f64().powi(2)).sum::<f64>().sqrt();
            let bound = 4.0 * (s.t as f64 + 1.0) * 2f64.powi(-(bits as i32)) * nrm.max(1.0);
            assert!(
                diff.abs() <= bound,
                "bits={bits} t={} diff={diff:e} bound={bound:e}",
                s.t
            );
        }
    }
}

/// The same run at p and 2p bits agrees to about p bits at every checkpoint: the relative
/// difference is at most 2^−(p − log2(t+1) − 4) (linear accumulation of one rounding per
/// operation, the bound `report::trusted_digits` uses).
#[test]
fn precision_p_and_2p_agree_to_about_p_bits() {
    let data = Generator::Fig1 { seed: 3 }.generate().unwrap();
    // the four (loss, precision) cases are independent: in parallel (rayon), each judged alone
    let cases: Vec<(Loss, u32)> = [Loss::Exponential, Loss::Logistic]
        .iter()
        .flat_map(|&l| [64u32, 128].map(|p| (l, p)))
        .collect();
    cases.par_iter().for_each(|&(loss, p)| {
        let go = |bits: u32| {
            let obj = Objective::<Float>::new(&data, loss, bits);
            let gd = GradientDescent::<Float>::new(&q(1, 64), bits);
            Runner::new(&obj, &gd, &opts(20_000)).run(vec![Float::new(bits), Float::new(bits)])
        };
        let a = go(p);
        let b = go(2 * p);
        assert_eq!(a.samples.len(), b.samples.len());
        for (sa, sb) in a.samples.iter().zip(&b.samples).skip(1) {
            let lost = ((sa.t + 1) as f64).log2().ceil() + 4.0;
            let bound = 2f64.powf(-(f64::from(p) - lost));
            for j in 0..2 {
                let r = rel(&sa.w[j], &sb.w[j]);
                assert!(
                    r <= bound,
                    "{loss:?} p={p} t={} j={j} rel={r:e} bound={bound:e}",
                    sa.t
                );
            }
        }
    });
}

/// f64 and 53-bit MPFR run the same generic code; they differ only in how `exp` rounds
/// (libm is faithful, MPFR correctly rounded), so after 10^3 steps they agree to a few ulps.
/// Bound: one ulp per exp per step, amplified at most linearly: |Δw| ≤ 2·t·u·‖w‖ (u = 2^−53),
/// and in practice far less (random walk); we report the measured ulps.
#[test]
fn f64_and_mpfr53_agree_to_a_few_ulps() {
    let data = Generator::Fig1 { seed: 1 }.generate().unwrap();
    let eta = q(1, 64);
    let o64 = Objective::<f64>::new(&data, Loss::Exponential, ());
    let a =
        Runner::new(&o64, &GradientDescent::<f64>::new(&eta, ()), &opts(1000)).run(vec![0.0, 0.0]);
    let o53 = Objective::<Float>::new(&data, Loss::Exponential, 53);
    let b = Runner::new(&o53, &GradientDescent::<Float>::new(&eta, 53), &opts(1000))
        .run(vec![Float::new(53), Float::new(53)]);
    let mut worst = 0.0f64;
    for (sa, sb) in a.samples.iter().zip(&b.samples) {
        let nrm = sa.w.iter().map(|x| x * x).sum::<f64>().sqrt();
        for j in 0..2 {
            let d = (sa.w[j] - sb.w[j].to_f64()).abs();
            let ulps = d / (nrm.max(1.0) * f64::EPSILON / 2.0);
            worst = worst.max(ulps);
            assert!(ulps <= 2.0 * (sa.t as f64 + 1.0), "t={} ulps={ulps}", sa.t);
        }
    }
    eprintln!("f64 vs MPFR-53 after 1000 steps: worst difference {worst:.1} ulps of |w|");
    assert!(worst < 64.0, "worst {worst} ulps");
}

/// f64 underflow is a recorded status, not a panic: with a huge step the margins jump past
/// 745 and e^{−u} is 0 in f64, while MPFR's exponent range carries on.
#[test]
fn f64_underflow_is_a_status_and_mpfr_continues() {
    let data = Generator::R1.generate().unwrap();
    let eta = Rational::from(1000);
    let w0 = q(800, 1);
    let obj = Objective::<f64>::new(&data, Loss::Exponential, ());
    let t = Runner::new(&obj, &GradientDescent::<f64>::new(&eta, ()), &opts(10))
        .run(vec![w0.to_f64(), 0.0]);
    assert!(matches!(
        t.status,
        implicit_bias::run::RunStatus::Underflow { at: 0, point: 0 }
    ));
    let obj = Objective::<Float>::new(&data, Loss::Exponential, 128);
    let t = Runner::new(&obj, &GradientDescent::<Float>::new(&eta, 128), &opts(10))
        .run(vec![Float::with_val(128, &w0), Float::new(128)]);
    assert_eq!(t.status, implicit_bias::run::RunStatus::Completed);
    // ln L(w(10)) = −w1(10) and w1 grows by η e^{−w1} ≈ 1000·e^{−800} per step: still ≈ −800.
    let l = t.samples.last().unwrap().ln_loss.to_f64();
    assert!((l + 800.0).abs() < 1e-12, "ln L = {l}");
}
