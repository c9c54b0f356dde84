//! The adaptive-method failure, as a test (theory §4, §5; the seed post's last claim):
//! on data whose ℓ1, ℓ2 and ℓ∞ answers all differ, AdaGrad and Adam started from several
//! points and with several step sizes end in directions that
//!   (a) are farther from the L2 max-margin direction `ŵ` than GD's from the same start, by
//!       more than the runs' own convergence diagnostics allow for, and
//!   (b) differ from each other by more than their run-to-run tolerance,
//! while GD from the same starts agrees with `ŵ`. Then the same configurations in f64 show
//! the underflow stall of Adam as a recorded status.
//!
//! Data: THREE (`tests/data/three_answers.csv`), signed points `z1 = (2, 1)`, `z2 = (3, 6)`,
//! `z3 = (6, −2)`. Hand derivation (see tests/optimizers.rs for the full argument): ℓ2
//! `ŵ = (2/5, 1/5)` (26.565°), ℓ∞ `(1/3, 1/3)` (45°), ℓ1 `(1/2, 0)` (0°). The answers used
//! here come from the exact oracle and must equal these.
//!
//! **What "ends in a direction" means.** At any feasible horizon the iterate is still
//! `O(1/ln t)` from its limit (theory §2.5), so each run is judged by quantities that
//! converge fast:
//! * GD: the secant `s = w(T) − w(T/10)`; its angle to `ŵ` is `O(‖ρ(T/10) − w̃‖)` (theory §2.3,
//!   §2.7), and the change of the secant from the previous decade is its own diagnostic.
//! * AdaGrad: the limit is the weighted SVM `argmin Σ w_i²/h_i s.t. z_n·w ≥ 1` at `h_∞`
//!   (theory §5, safe assertion (iii)). It is computed exactly (ℓ2 oracle on the rescaled
//!   points, `h` rounded to a rational) at the measured `h(T)` and `h(T/10)`; their difference
//!   (the drift) bounds how far `h(T)` still is from `h_∞` (the tail of `Σ g²` is ~1/t, so
//!   `h_∞ − h(T)` is about a ninth of the last decade's change).
//! * Adam (ε = 0, constant rate): theory §5 makes **no prediction** and nothing here claims
//!   a limit theorem. The diagnostic is the mechanism theory §5 derives [D]: at the "β2
//!   throttle" `v` stops forgetting, its coordinate ratio freezes and Adam runs as a
//!   frozen-preconditioner method; the same weighted SVM at the measured `1/√v̂` is the
//!   direction such a method heads for. The test asserts what these runs do at T = 10^5
//!   together with that diagnostic (frozen ratio, secant heading there), nothing more.
//!
//! Run-to-run tolerance: every configuration is run twice, at 64-bit MPFR and in f64 (at
//! 96-bit MPFR in the ignored 10^6-step variant); the two predicted directions must agree far
//! below the differences asserted in (b).

use implicit_bias::cert::Norm;
use implicit_bias::compare::run_legs;
use implicit_bias::data::{read_csv, Dataset};
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::{build, OptimizerSpec};
use implicit_bias::run::RunStatus;
use implicit_bias::scalar::Scalar;
use implicit_bias::theory::limits::{angle_deg, unit, weighted_svm, Answers};
use rayon::prelude::*;
use rug::{Float, Rational};

const BITS: u32 = 64;

fn three() -> Dataset {
    read_csv(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/three_answers.csv"
    )))
    .unwrap()
}

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

/// The three starting points.
fn starts() -> Vec<[Rational; 2]> {
    vec![[q(0, 1), q(0, 1)], [q(1, 2), q(-1, 2)], [q(1, 4), q(0, 1)]]
}

fn f64v(v: &[Rational]) -> Vec<f64> {
    v.iter().map(Rational::to_f64).collect()
}

/// What one run shows at T.
#[derive(Debug)]
struct Outcome {
    label: String,
    /// Secants over [T/10, T] and [T/100, T/10] (unit vectors).
    secant: Vec<f64>,
    secant0: Vec<f64>,
    /// Adaptive: the weighted SVM at the measured preconditioner at T and at T/10.
    predicted: Option<Vec<f64>>,
    predicted_prev: Option<Vec<f64>>,
}

/// Polar angle of a 2-D vector, in degrees.
fn deg(v: &[f64]) -> f64 {
    v[1].atan2(v[0]).to_degrees()
}

fn diff<S: Scalar>(a: &[S], b: &[S]) -> Vec<f64> {
    unit(
        &a.iter()
            .zip(b)
            .map(|(x, y)| x.clone().sub(y).to_f64())
            .collect::<Vec<_>>(),
    )
}

fn go<S: Scalar>(data: &Dataset, spec: &str, w0: &[Rational; 2], t: u64, ctx: S::Ctx) -> Outcome {
    let s = OptimizerSpec::parse(spec).unwrap();
    let obj = Objective::<S>::new(data, Loss::Exponential, ctx);
    let opt = build::<S>(&s, ctx);
    let w: Vec<S> = w0.iter().map(|v| S::from_rational(v, ctx)).collect();
    let legs = run_legs(&obj, opt.as_ref(), w, t, 0);
    assert_eq!(legs.status, RunStatus::Completed, "{spec} from {w0:?}");
    let svm = |h: Option<Vec<S>>| {
        h.map(|h| {
            let (w, _) = weighted_svm(data, &h).unwrap();
            unit(&f64v(&w))
        })
    };
    Outcome {
        label: format!("{spec} from ({}, {})", w0[0], w0[1]),
        secant: diff(&legs.state.w, &legs.w_prev),
        secant0: diff(&legs.w_prev, &legs.w_prev2),
        predicted: svm(opt.preconditioner(&legs.state)),
        predicted_prev: svm(legs.precond_prev.clone()),
    }
}

#[test]
fn adagrad_and_adam_do_not_find_the_l2_answer_and_depend_on_start_and_step() {
    // T = 10^5; the second run of each configuration in f64 (nothing underflows by then).
    failure(100_000, None);
}

/// The same at T = 10^6 (about three minutes on two cores). The second run of each
/// configuration is at 96-bit MPFR: in f64, Adam's runs meet the underflow before 10^6.
#[test]
#[ignore]
fn adagrad_and_adam_failure_at_ten_to_the_six() {
    failure(1_000_000, Some(96));
}

fn failure(t: u64, second_bits: Option<u32>) {
    let data = three();
    let answers = Answers::from_oracle(&data).unwrap();
    // The oracle agrees with the hand derivation.
    assert_eq!(answers.get(Norm::L2).w, vec![q(2, 5), q(1, 5)]);
    assert_eq!(answers.get(Norm::LInf).w, vec![q(1, 3), q(1, 3)]);
    assert_eq!(answers.get(Norm::L1).w, vec![q(1, 2), q(0, 1)]);
    let what = answers.get(Norm::L2).direction();
    let others = [
        answers.get(Norm::L1).direction(),
        answers.get(Norm::LInf).direction(),
    ];
    let half_gap = others
        .iter()
        .map(|o| angle_deg(o, &what))
        .fold(180.0, f64::min)
        / 2.0; // = 18.43°/2: half the angle to the nearest other answer (linf)

    // GD: step 1/512 satisfies theory §8.1 at all three starts (R² = 45, L(w0) ≤ 5.11:
    // η R² L(w0) ≤ 0.45 ≤ 0.85).
    let gd_specs = ["gd:lr=1/512"];
    let ada_specs = ["adagrad:lr=1/20:eps=0", "adagrad:lr=1:eps=0"];
    // Adam at rates 1/10 and 1/2: there its preconditioner ratio is frozen to ~10^−4 by
    // T = 10^5 (at 1/100 it still moves by a few per cent per decade at this horizon).
    let adam_specs = ["adam:lr=1/10:eps=0", "adam:lr=1/2:eps=0"];
    let mut jobs: Vec<(String, [Rational; 2])> = vec![];
    for w0 in starts() {
        for s in gd_specs.iter().chain(&ada_specs).chain(&adam_specs) {
            jobs.push((s.to_string(), w0.clone()));
        }
    }
    // Each configuration at 64-bit MPFR and again in f64 or at a second MPFR precision
    // (run-to-run tolerance).
    let runs: Vec<(Outcome, Outcome)> = jobs
        .par_iter()
        .map(|(s, w0)| {
            let second = match second_bits {
                None => go::<f64>(&data, s, w0, t, ()),
                Some(b) => go::<Float>(&data, s, w0, t, b),
            };
            (go::<Float>(&data, s, w0, t, BITS), second)
        })
        .collect();
    let find = |spec: &str, w0: &[Rational; 2]| {
        let label = format!("{spec} from ({}, {})", w0[0], w0[1]);
        &runs.iter().find(|(m, _)| m.label == label).unwrap().0
    };

    // GD agrees with ŵ: its secant is inside the secant rule, and it turned by less than a
    // degree over the last decade.
    let mut gd_err = vec![];
    for w0 in starts() {
        let g = find(gd_specs[0], &w0);
        let e = angle_deg(&g.secant, &what);
        let turn = angle_deg(&g.secant, &g.secant0);
        assert!(
            e < half_gap && e < 1.0,
            "{}: secant {e} deg from l2",
            g.label
        );
        assert!(
            turn < 2.0,
            "{}: still turning {turn} deg per decade",
            g.label
        );
        println!(
            "{:44} secant {:7.3} deg, {e:.3} deg from l2 (turned {turn:.3})",
            g.label,
            deg(&g.secant)
        );
        gd_err.push(e + turn);
    }

    let mut adaptive: Vec<(&Outcome, f64)> = vec![];
    for (i, w0) in starts().iter().enumerate() {
        for s in ada_specs.iter().chain(&adam_specs) {
            let r = find(s, w0);
            let p = r.predicted.as_ref().unwrap();
            let drift = angle_deg(p, r.predicted_prev.as_ref().unwrap());
            // The prediction is settled: it moved less than 0.1° over the last decade.
            assert!(drift < 0.1, "{}: prediction drifted {drift} deg", r.label);
            // The run heads there: its secant is nearer the prediction than ŵ.
            assert!(
                angle_deg(&r.secant, p) < angle_deg(&r.secant, &what),
                "{}: secant not heading for its prediction",
                r.label
            );
            // (a) Farther from ŵ than GD from the same start, beyond both runs' diagnostics
            // (GD's secant error plus its last turn; the prediction's drift), by at least 1°.
            let far = angle_deg(p, &what);
            assert!(
                far - drift > gd_err[i] + 1.0,
                "{}: {far} deg from l2 vs GD's {}",
                r.label,
                gd_err[i]
            );
            println!(
                "{:44} secant {:7.3} deg, predicted {:7.3} deg ({far:.3} from l2, drift {drift:.1e})",
                r.label,
                deg(&r.secant),
                deg(p)
            );
            adaptive.push((r, drift));
        }
    }

    // Run-to-run tolerance: f64 and 64-bit MPFR runs of each configuration predict the same
    // direction to far better than the differences below.
    let mut tol: f64 = 0.0;
    for (m, f) in &runs {
        if let (Some(a), Some(b)) = (&m.predicted, &f.predicted) {
            tol = tol.max(angle_deg(a, b));
        }
    }
    assert!(
        tol < 1e-3,
        "the two precisions' predictions differ by {tol} deg"
    );
    println!("run-to-run (second precision vs 64-bit MPFR) tolerance: {tol:.1e} deg");

    // (b) Within each method, different starts or step sizes give different directions: every
    // pair differs by more than the sum of their drifts plus the precision tolerance.
    for method in ["adagrad", "adam"] {
        let rs: Vec<&(&Outcome, f64)> = adaptive
            .iter()
            .filter(|(r, _)| r.label.starts_with(&format!("{method}:")))
            .collect();
        assert_eq!(rs.len(), 6);
        for (i, (a, da)) in rs.iter().enumerate() {
            for (b, db) in &rs[i + 1..] {
                let d = angle_deg(a.predicted.as_ref().unwrap(), b.predicted.as_ref().unwrap());
                assert!(
                    d > da + db + 2.0 * tol,
                    "{} and {} end only {d} deg apart",
                    a.label,
                    b.label
                );
            }
        }
    }
}

#[test]
fn f64_adam_records_the_underflow_stall() {
    // Theory §8.2: in f64, (1−β2)g² leaves the range once |g| ≲ 10^−153; with ε = 0 Adam
    // would then divide by a vanishing √v̂. The margins of constant-rate Adam grow at most at
    // the β2-throttle rate ½ ln(1/β2) = 5·10^−4 per step (theory §5), so the loss reaches
    // that range only after ~7·10^5 steps: run 2·10^6 steps from each start and require a
    // recorded underflow, never a silent continuation or a NaN. Then confirm the event is
    // genuine: at the last good iterate, recomputed at 128 bits, either some (1−β2)g_i² or
    // the reported point's weight e^{−z_n·w} (a point far off the margin goes first: its
    // margin is larger than z1's by a fixed factor) is below what f64 can hold. And the same run at 64-bit MPFR (first start) passes
    // that step without an event.
    let data = three();
    let s = OptimizerSpec::parse("adam:lr=1/100:eps=0").unwrap();
    let ats: Vec<u64> = starts()
        .par_iter()
        .map(|w0| {
            let obj = Objective::<f64>::new(&data, Loss::Exponential, ());
            let opt = build::<f64>(&s, ());
            let legs = run_legs(&obj, opt.as_ref(), f64v(w0), 2_000_000, 0);
            let (at, point) = match legs.status {
                RunStatus::Underflow { at, point } => (at, point),
                other => panic!("from {w0:?}: expected an underflow, got {other:?}"),
            };
            assert!((100_000..2_000_000).contains(&at), "{at}");
            let objm = Objective::<Float>::new(&data, Loss::Exponential, 128);
            let w: Vec<Float> = legs
                .state
                .w
                .iter()
                .map(|x| Float::with_val(128, *x))
                .collect();
            let mut g = vec![Float::new(128); 2];
            let mut scratch = objm.scratch();
            objm.neg_gradient(&w, &mut g, &mut scratch).unwrap();
            // Either the reported point's weight e^{−u} or some (1−β2)g_i² is below half the
            // smallest f64 subnormal (both round to 0 there).
            let tiny = Float::with_val(128, Float::i_exp(1, -1075));
            let one_minus_beta2 = Float::with_val(128, &q(1, 1000));
            let square = g
                .iter()
                .any(|gi| Float::with_val(128, gi * gi) * &one_minus_beta2 < tiny);
            let weight = scratch.weights[point] < tiny;
            assert!(
                square || weight,
                "from {w0:?}: the event at t = {at} (point {point}) is not a real underflow"
            );
            at
        })
        .collect();
    let obj = Objective::<Float>::new(&data, Loss::Exponential, BITS);
    let opt = build::<Float>(&s, BITS);
    let more = run_legs(
        &obj,
        opt.as_ref(),
        vec![Float::new(BITS); 2],
        ats[0] + 1000,
        0,
    );
    assert_eq!(more.status, RunStatus::Completed);
}
