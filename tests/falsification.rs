//! The falsification suite (docs/theory/verdicts.md, "Falsification"): on every reference set
//! the true predictions PASS, and every claim FAILs when its prediction is replaced (through
//! the `--conjecture` path, `Prediction::conjecture`) by a value off by twice the reported
//! resolution, and by the fixed amounts a user would call wrong: 4 % in `C_L`, 5 % in any
//! `α_n`, 20 % in `C_share`, 0.05 in `C_dir`, 0.1 in `w̃` in any direction.
//!
//! A resolution `r` means: every predicted value farther than `r` from the judged one is
//! rejected (`|dev| ≤ tol`, `r = |dev| + tol`, and `|dev'| ≥ 2r − |dev| > tol` by the triangle
//! inequality). So the perturbed-by-2r FAILs hold by construction *if* the suite's numbers are
//! what the verdict reports; these tests check that the whole path (conjecture, diagnostics,
//! witness, verdict) behaves so, and that the resolutions are fine enough for the fixed
//! amounts, which are the real test of discrimination.
//!
//! Trajectories run in double-double (106 bits) for speed; the 128-bit snapshots of the same
//! runs are in `snapshots/`.

mod theory_common;

use implicit_bias::data::generate::Generator;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::GradientDescent;
use implicit_bias::oracle::{self, MaxMargin, Norm, Outcome};
use implicit_bias::run::{dense_checkpoints, run_at, RunOptions, RunStatus, Trajectory};
use implicit_bias::scalar::{Dd, Scalar};
use implicit_bias::theory::verdict::claim;
use implicit_bias::theory::{analyze_with, Analysis, Conjecture, Judgement, Status};
use rug::Rational;
use theory_common::q;

struct Case {
    name: &'static str,
    data: Dataset,
    mm: MaxMargin,
    eta: Rational,
    w0: Vec<Rational>,
    traj: Trajectory<Dd>,
}

fn case(name: &'static str, data: Dataset, eta: Rational, w0: Vec<Rational>, steps: u64) -> Case {
    let mm = match oracle::solve(&data, Norm::L2) {
        Ok(Outcome::Separable(mm)) => *mm,
        other => panic!("{name}: fixture must be separable with an oracle answer: {other:?}"),
    };
    implicit_bias::cert::check(&data, &mm.cert).expect("oracle certificate verifies");
    let obj = Objective::<Dd>::new(&data, Loss::Exponential, ());
    let gd = GradientDescent::new(&eta, ());
    let w0s: Vec<Dd> = w0.iter().map(|v| Dd::from_rational(v, ())).collect();
    let traj = run_at(
        &obj,
        &gd,
        w0s,
        &dense_checkpoints(steps, 10),
        &RunOptions {
            steps,
            base: 10,
            ..Default::default()
        },
    );
    assert_eq!(traj.status, RunStatus::Completed, "{name}");
    Case {
        name,
        data,
        mm,
        eta,
        w0,
        traj,
    }
}

impl Case {
    fn judge(&self, conj: &[Conjecture]) -> Analysis<Dd> {
        analyze_with(
            &self.data,
            &self.mm,
            Loss::Exponential,
            &self.eta,
            &self.w0,
            &self.traj,
            (),
            conj,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    /// The status of claim `id` with the conjectures.
    fn status(&self, id: &str, conj: &[Conjecture]) -> Status {
        let a = self.judge(conj);
        let v = a.assessment.get(id).unwrap_or_else(|| panic!("{id}"));
        v.status
    }

    fn assert_fails(&self, id: &str, conj: Vec<Conjecture>, what: &str) {
        let s = self.status(id, &conj);
        assert_eq!(
            s,
            Status::Fail,
            "{}: {id} should FAIL for {what} ({})",
            self.name,
            conj.iter()
                .map(Conjecture::to_arg)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn rat(x: &Dd) -> Rational {
    x.to_rational().expect("finite")
}

fn conj(name: &'static str, value: Vec<Rational>) -> Conjecture {
    Conjecture { name, value }
}

fn scaled(x: &Dd, factor: f64) -> Rational {
    rat(x) * Rational::from_f64(factor).expect("finite")
}

/// The true predictions: nothing fails, every core claim that applies PASSes, the run
/// establishes its claims; then each judged claim with a prediction FAILs off by twice its
/// resolution; then (`goals`: the five reference sets of the issue) the fixed amounts.
fn falsify(c: &Case, goals: bool) {
    let a = c.judge(&[]);
    let p = &a.prediction;
    eprintln!("{}: ", c.name);
    for v in &a.assessment.verdicts {
        eprintln!(
            "  {:<20} {:<5} resolution {:>10}  scale {:>10}",
            v.id,
            v.status.label(),
            v.resolution
                .as_ref()
                .map_or("-".into(), |r| r.to_decimal(3)),
            v.scale.as_ref().map_or("-".into(), |r| r.to_decimal(3)),
        );
        assert_ne!(
            v.status,
            Status::Fail,
            "{}: {} failed: {}",
            c.name,
            v.id,
            v.basis
        );
        if v.core {
            assert_eq!(
                v.status,
                Status::Pass,
                "{}: core {} {}",
                c.name,
                v.id,
                v.basis
            );
        }
    }
    assert_eq!(a.assessment.judgement(None), Judgement::Holds, "{}", c.name);

    // ---- twice the resolution, per claim
    let two = |r: &Dd| rat(r) * 2u32;
    for v in &a.assessment.verdicts {
        let (Some(name), Some(res)) = (claim(v.id).prediction, v.resolution.as_ref()) else {
            continue;
        };
        if v.status == Status::NotApplicable {
            continue;
        }
        let relative = matches!(
            v.id,
            "loss_constant" | "sv_domination_loss" | "sv_domination_grad"
        );
        match v.id {
            "dual_recovery" => {
                // one support vector at a time, up and down, relative to its estimate
                let lim: Vec<Dd> = match (&v.limit, &v.measured) {
                    (Some(l), _) => l.clone(),
                    (None, Some(m)) => vec![*m],
                    _ => panic!("judged"),
                };
                let on_s: Vec<usize> = (0..p.alpha.len())
                    .filter(|&i| p.in_support[i] && !p.alpha[i].is_zero())
                    .collect();
                for (k, &i) in on_s.iter().enumerate() {
                    for sign in [1i32, -1] {
                        let mut alpha: Vec<Rational> = p.alpha.iter().map(rat).collect();
                        alpha[i] += two(res) * rat(&lim[k]) * sign;
                        c.assert_fails(v.id, vec![conj(name, alpha)], "alpha ± 2·resolution");
                    }
                }
            }
            "residual" if p.spans => {
                let wt: Vec<Rational> =
                    p.w_tilde.as_ref().expect("spans").iter().map(rat).collect();
                for j in 0..wt.len() {
                    for sign in [1i32, -1] {
                        let mut w = wt.clone();
                        w[j] += two(res) * sign;
                        c.assert_fails(v.id, vec![conj(name, w)], "w~ ± 2·resolution");
                    }
                }
            }
            "residual" => {}
            "gradient_limit" => {
                // the quantity is normalized by ‖ŵ‖: move the limit ŵ of ηt(−∇L) by
                // 2·resolution·‖ŵ‖ along each axis
                let step = two(res) * rat(&p.norm_w_hat);
                for j in 0..p.w_hat.len() {
                    for sign in [1i32, -1] {
                        let mut g = p.w_hat.clone();
                        g[j] += step.clone() * sign;
                        c.assert_fails(v.id, vec![conj(name, g)], "grad_limit ± 2·resolution");
                    }
                }
            }
            _ => {
                let pv = v.predicted.as_ref().expect("scalar claim");
                let step = if relative {
                    two(res) * rat(v.measured.as_ref().expect("estimate")).abs()
                } else {
                    two(res)
                };
                for sign in [1i32, -1] {
                    let value = rat(pv) + step.clone() * sign;
                    c.assert_fails(v.id, vec![conj(name, vec![value])], "± 2·resolution");
                }
            }
        }
    }

    if !goals {
        return;
    }
    // ---- the fixed amounts
    let ctx = ();
    let c_l = p.c_l.value(ctx).expect("C_L");
    for f in [1.04, 0.96] {
        c.assert_fails(
            "loss_constant",
            vec![conj("C_L", vec![scaled(&c_l, f)])],
            "C_L ± 4 %",
        );
    }
    for (i, _) in p
        .alpha
        .iter()
        .enumerate()
        .filter(|(i, a)| p.in_support[*i] && !a.is_zero())
    {
        for f in [1.05, 0.95] {
            let mut alpha: Vec<Rational> = p.alpha.iter().map(rat).collect();
            alpha[i] = scaled(&p.alpha[i], f);
            c.assert_fails("dual_recovery", vec![conj("alpha", alpha)], "alpha_n ± 5 %");
        }
    }
    for (id, name, value) in [
        ("sv_domination_loss", "C_share", &p.share_loss),
        ("sv_domination_grad", "C_share_grad", &p.share_grad),
    ] {
        let judged = a
            .assessment
            .get(id)
            .is_some_and(|v| v.status == Status::Pass);
        if !judged {
            // the shares converge slowly where θ₂ − θ is small: G1's are weak up to 10^6
            // (resolution 0.15-0.22), PASS at 10^7 (0.04-0.05); G2's extrapolation is unstable
            // up to 10^6 (n/a). The 2·resolution check above still ran on a weak one.
            eprintln!("  {id}: not a PASS at this horizon, the 20 % check does not apply");
            continue;
        }
        if let Some(x) = value.value(ctx) {
            for f in [1.2, 0.8] {
                c.assert_fails(id, vec![conj(name, vec![scaled(&x, f)])], "C_share ± 20 %");
            }
        }
    }
    if let Some(cd) = p.c_dir.value(ctx) {
        for d in [q(1, 20), q(-1, 20)] {
            let value = rat(&cd) + d;
            if value >= 0 {
                c.assert_fails(
                    "direction_constant",
                    vec![conj("C_dir", vec![value])],
                    "C_dir ± 0.05",
                );
            }
        }
    }
    if let (true, Some(wt)) = (p.spans, &p.w_tilde) {
        // 0.1 in eight directions of the first two coordinates
        let wt: Vec<Rational> = wt.iter().map(rat).collect();
        for (a, b) in [
            (10, 0),
            (0, 10),
            (-10, 0),
            (0, -10),
            (7, 7),
            (-7, 7),
            (7, -7),
            (-7, -7),
        ] {
            let mut w = wt.clone();
            w[0] += q(a, 100);
            w[1] += q(b, 100);
            c.assert_fails("residual", vec![conj("w_tilde", w)], "w~ shifted by 0.1");
        }
    }
}

#[test]
fn r1() {
    let c = case(
        "R1",
        Generator::R1.generate().unwrap(),
        q(1, 2),
        vec![q(0, 1), q(3, 10)],
        1_000_000,
    );
    falsify(&c, true);
}

#[test]
fn r2_from_one_minus_one() {
    let c = case(
        "R2",
        Generator::R2.generate().unwrap(),
        q(1, 8),
        vec![q(1, 1), q(-1, 1)],
        100_000,
    );
    falsify(&c, true);
}

#[test]
fn fig1() {
    let data = Generator::Fig1 { seed: 1 }.generate().unwrap();
    let c = case("Fig. 1", data, q(1, 4), vec![q(2, 1), q(2, 1)], 100_000);
    falsify(&c, true);
}

fn planted(n: usize, d: usize, seed: u64) -> Dataset {
    Generator::Planted {
        n,
        d,
        margin: q(1, 10),
        seed,
    }
    .generate()
    .unwrap()
}

#[test]
fn planted_g1() {
    // 10^6 steps: the non-SV shares (rate t^-0.38) are still weak here (the 20 % check needs
    // 10^7, 8 s in double-double: docs/theory/verdicts.md); the other claims resolve finely
    let c = case(
        "G1",
        planted(6, 2, 18),
        q(1, 16),
        vec![q(0, 1); 2],
        1_000_000,
    );
    falsify(&c, true);
}

#[test]
fn planted_g2() {
    // 10^6 steps, as for G1: the non-SV shares converge slowly
    let c = case(
        "G2",
        planted(6, 3, 9),
        q(1, 16),
        vec![q(0, 1); 3],
        1_000_000,
    );
    falsify(&c, true);
}

/// The 20 % goal for the non-SV shares on G1 and G2, at the horizon where their slow rates
/// (t^−0.38 on G1, t^−0.15 sub-leading on G2) let them resolve: 10^7 steps, about 5 s each in
/// double-double (`make long`). Both share claims must PASS there, so the ± 20 % conjectures
/// are judged, and FAIL.
#[test]
#[ignore]
fn planted_g1_and_g2_share_goals_at_ten_to_the_seven() {
    for (name, n, d, seed) in [("G1", 6, 2, 18), ("G2", 6, 3, 9)] {
        let c = case(
            name,
            planted(n, d, seed),
            q(1, 16),
            vec![q(0, 1); d],
            10_000_000,
        );
        let a = c.judge(&[]);
        for id in ["sv_domination_loss", "sv_domination_grad"] {
            let v = a.assessment.get(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(v.status, Status::Pass, "{name}: {id}: {}", v.basis);
        }
        falsify(&c, true);
    }
}

#[test]
fn with_a_bias_column() {
    let data = planted(6, 2, 18).with_bias();
    let c = case("G1 + bias", data, q(1, 16), vec![q(0, 1); 3], 100_000);
    falsify(&c, false);
}

/// Three support vectors on the margin of `ŵ = (1, 0)` in the plane: `z = (1, 1), (1, −1),
/// (1, 2)`, plus `(3, 0)` off it (`θ = 3`). The KKT vectors are `α = ((1 − 3s)/2, (1 + s)/2,
/// s)`, `0 ≤ s ≤ 1/3` (hand solution of `Σ α_n z_n = ŵ`): not unique, and no symmetry picks
/// one, so GD's choice is the maximum-entropy vector of theory §2.1.
#[test]
fn max_entropy_alpha_without_symmetry() {
    let x = vec![
        vec![q(1, 1), q(1, 1)],
        vec![q(1, 1), q(-1, 1)],
        vec![q(1, 1), q(2, 1)],
        vec![q(3, 1), q(0, 1)],
    ];
    let data = Dataset::new(x, vec![1, 1, 1, 1]).unwrap();
    let c = case("max-entropy", data, q(1, 8), vec![q(0, 1); 2], 100_000);
    let a = c.judge(&[]);
    assert_eq!(
        a.prediction.regime,
        implicit_bias::theory::Regime::MaxEntropy
    );
    // the recovered α is a KKT vector strictly inside the segment
    let s = a.prediction.alpha[2].to_f64();
    assert!(s > 1e-3 && s < 1.0 / 3.0 - 1e-3, "alpha_3 = {s}");
    falsify(&c, false);
}
