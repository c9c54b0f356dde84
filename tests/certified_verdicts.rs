//! `--certify` beyond the trajectory (docs/theory/certify.md, "The direction and the
//! residual", "Verdicts on enclosures"): the enclosures of the direction, its error and angle
//! to ŵ, ρ(t), ‖ρ(t) − w̃‖, the margin gap, the dual recovery and its deviation, the
//! gradient deviation, t·L/C_L, the non-SV shares, ln t times the direction error and the gap,
//! and the angle to the refined prediction against GD in MPFR at three
//! times the bits; certified PASS of
//! true predictions and certified FAIL of wrong ones where the radius is tiny; a verdict whose
//! tolerance is narrower than the enclosures' effect comes out not certified (undecided),
//! and every certified status is the status a run at three times the bits gives.

use implicit_bias::certify::Interval;
use implicit_bias::data::generate::Generator;
use implicit_bias::data::{parse_rational, Dataset};
use implicit_bias::experiment::{Experiment, Findings};
use implicit_bias::loss::Loss;
use implicit_bias::objective::norm;
use implicit_bias::objective::Objective;
use implicit_bias::optim::GradientDescent;
use implicit_bias::run::{RunOptions, Runner};
use implicit_bias::scalar::Precision;
use implicit_bias::theory::Conjecture;
use rug::{Float, Rational};
use serde_json::Value;

fn q(n: i64, d: i64) -> Rational {
    Rational::from((n, d))
}

fn fig1() -> Dataset {
    Generator::Fig1 { seed: 1 }.generate().expect("fig1")
}

fn experiment(data: Dataset, loss: Loss, precision: Precision, steps: u64) -> Experiment {
    Experiment {
        loss,
        precision,
        steps,
        certify: true,
        ..Experiment::new(data)
    }
}

fn exact(x: &Float) -> Rational {
    x.to_rational().expect("finite witness")
}

/// `v ∈ [lo − slack, hi + slack]`, and `|v − mid| ≤ rad + slack` for the printed JSON strings.
fn inside(iv: &Interval, js: &Value, v: &Float, slack: &Rational) -> bool {
    let v = exact(v);
    let (lo, hi) = iv.to_rationals().expect("finite enclosure");
    let mid = parse_rational(js["mid"].as_str().expect("mid")).expect("mid parses");
    let rad = parse_rational(js["rad"].as_str().expect("rad")).expect("rad parses");
    Rational::from(&lo - slack) <= v
        && v <= Rational::from(&hi + slack)
        && Rational::from(&v - &mid).abs() <= rad + slack
}

/// The direction, its error and angle to ŵ, ρ(t) and ‖ρ(t) − w̃‖ of GD at `bits` bits (the
/// witness: its own error is far below the radius) lie in every enclosure at every shown
/// checkpoint. The witness recomputes each quantity from its own iterate: the direction as
/// x/‖x‖, the angle as acos of the cosine (not through the direction error), ρ as x − ŵ ln t.
fn against_witness(e: &Experiment, out: &Findings, bits: u32) -> Result<usize, String> {
    let cert = out.certified.as_ref().expect("a certified run");
    let reference = cert.reference().expect("the reference is set for GD");
    let w_hat = &reference.w_hat;
    let w_tilde = reference.w_tilde.clone().expect("w~ on these data");
    let in_s: Vec<bool> = (0..e.data.len())
        .map(|n| reference.support.contains(&n))
        .collect();
    let theta = reference.theta.clone().expect("a point off the margin");
    let ts: Vec<u64> = cert.records().iter().map(|r| r.t).collect();
    let obj = Objective::<Float>::new(&e.data, e.loss, bits);
    let gd = GradientDescent::<Float>::new(&e.lr(), bits);
    let w0: Vec<Float> = e.init.iter().map(|v| Float::with_val(bits, v)).collect();
    let opts = RunOptions {
        steps: e.steps,
        ..Default::default()
    };
    let traj = Runner::new(&obj, &gd, &opts).run_at(w0, &ts);
    assert_eq!(traj.samples.len(), ts.len());
    let doc = out.json();
    let cps = doc["certify"]["checkpoints"]
        .as_array()
        .expect("checkpoints");
    let slack = Rational::from(1) / Rational::from(rug::Integer::from(1) << (bits - 40));
    let wh: Vec<Float> = w_hat.iter().map(|v| Float::with_val(bits, v)).collect();
    let nh = norm(&wh, bits);
    let mut checked = 0;
    let mut gaps = 0;
    let (mut shares, mut refined, mut wrong_outside) = (0, 0, 0);
    for ((rec, s), js) in cert.records().iter().zip(&traj.samples).zip(cps) {
        assert_eq!(rec.t, s.t);
        let t = rec.t;
        let d = cert.derived(rec).expect("derived enclosures");
        let nx = norm(&s.w, bits);
        let (mut dir_w, mut gap_w) = (None, None);
        if let (Some(dir), Some(err), Some(ang)) = (&d.direction, &d.dir_err, &d.angle) {
            let mut cos = Float::with_val(bits, 0);
            let mut e2 = Float::with_val(bits, 0);
            for (j, (xj, hj)) in s.w.iter().zip(&wh).enumerate() {
                let u = Float::with_val(bits, xj / &nx);
                if !inside(&dir[j], &js["direction"][j], &u, &slack) {
                    return Err(format!("t={t}: direction_{j} = {u} outside {:?}", dir[j]));
                }
                let h = Float::with_val(bits, hj / &nh);
                cos += Float::with_val(bits, &u * &h);
                e2 += Float::with_val(bits, &u - &h).square();
            }
            let de = e2.sqrt();
            if !inside(err, &js["dir_err"], &de, &slack) {
                return Err(format!("t={t}: dir err = {de} outside {err:?}"));
            }
            dir_w = Some(de.clone());
            let a = cos.acos();
            // acos near 1 loses half the bits: the slack is the square root's
            let wide = Rational::from(1) / Rational::from(rug::Integer::from(1) << (bits / 2 - 20));
            if !inside(ang, &js["angle"], &a, &wide) {
                return Err(format!("t={t}: angle = {a} outside {ang:?}"));
            }
            checked += 1;
        }
        if t >= 1 {
            let lt = Float::with_val(bits, t).ln();
            let rho: Vec<Float> =
                s.w.iter()
                    .zip(&wh)
                    .map(|(x, h)| Float::with_val(bits, x - Float::with_val(bits, h * &lt)))
                    .collect();
            let enc = d.rho.as_ref().expect("rho enclosed");
            for (j, r) in rho.iter().enumerate() {
                if !inside(&enc[j], &js["rho"][j], r, &slack) {
                    return Err(format!("t={t}: rho_{j} = {r} outside {:?}", enc[j]));
                }
            }
            let diff: Vec<Float> = rho
                .iter()
                .zip(&w_tilde)
                .map(|(r, w)| Float::with_val(bits, r - w))
                .collect();
            let re = norm(&diff, bits);
            let enc = d.rho_err.as_ref().expect("|rho - w~| enclosed");
            if !inside(enc, &js["rho_err"], &re, &slack) {
                return Err(format!("t={t}: |rho - w~| = {re} outside {enc:?}"));
            }
            // the dual recovery η t (−ℓ′(z_nᵀx)), −ℓ′(u) = e^{−u} or 1/(1 + e^u), and
            // the margin gap 1/‖ŵ‖ − min_n z_nᵀx/‖x‖, from the witness's own margins
            let eta = Float::with_val(bits, &e.lr());
            let enc = d.dual.as_ref().expect("dual recovery enclosed");
            let mut min_m: Option<Float> = None;
            // the non-SV shares: the losses ℓ(u) = e^{−u} or ln(1 + e^{−u}) and the gradient
            // sums Σ (−ℓ′) z_n, over all points and over the points off the support
            let zero = || Float::with_val(bits, 0);
            let (mut l_all, mut l_non) = (zero(), zero());
            let mut l_wrong = zero(); // the loss share of S minus its first point
            let (mut g_all, mut g_non) = (vec![zero(); s.w.len()], vec![zero(); s.w.len()]);
            let first_sv = in_s.iter().position(|&b| b);
            let mut duals: Vec<Float> = Vec::new();
            for (n, (x, y)) in e.data.points().iter().zip(e.data.labels()).enumerate() {
                let mut u = Float::with_val(bits, 0);
                for (xj, wj) in x.iter().zip(&s.w) {
                    u += Float::with_val(bits, wj * Float::with_val(bits, xj)) * i32::from(*y);
                }
                let weight = match e.loss {
                    Loss::Exponential => Float::with_val(bits, -&u).exp(),
                    _ => Float::with_val(bits, 1) / (Float::with_val(bits, u.exp_ref()) + 1u32),
                };
                let loss = match e.loss {
                    Loss::Exponential => Float::with_val(bits, -&u).exp(),
                    _ => Float::with_val(bits, -&u).exp().ln_1p(),
                };
                l_all += &loss;
                if !in_s[n] || Some(n) == first_sv {
                    l_wrong += &loss;
                }
                for (j, xj) in x.iter().enumerate() {
                    let g =
                        Float::with_val(bits, &weight * Float::with_val(bits, xj)) * i32::from(*y);
                    if !in_s[n] {
                        g_non[j] += &g;
                    }
                    g_all[j] += g;
                }
                if !in_s[n] {
                    l_non += loss;
                }
                let dual = Float::with_val(bits, &eta * t) * &weight;
                duals.push(dual.clone());
                let rel = &slack * exact(&dual).abs().max(Rational::from(1));
                if !inside(&enc[n], &js["dual"][n], &dual, &rel) {
                    return Err(format!("t={t}: dual_{n} = {dual} outside {:?}", enc[n]));
                }
                let m = Float::with_val(bits, &u / &nx);
                if min_m.as_ref().map_or(true, |v| m < *v) {
                    min_m = Some(m);
                }
            }
            // wherever the minimum margin is enclosed, so is the gap
            if rec.min_margin.is_some() {
                let g = d
                    .gap
                    .as_ref()
                    .expect("the gap enclosed with the minimum margin");
                let m = min_m.expect("at least one point");
                let gap = Float::with_val(bits, nh.clone().recip() - m);
                if !inside(g, &js["gap"], &gap, &slack) {
                    return Err(format!("t={t}: gap = {gap} outside {g:?}"));
                }
                gap_w = Some(gap);
                gaps += 1;
            }
            // the shares and their scaling t^{θ−1}, wherever the losses are finite
            let tp = Float::with_val(
                bits,
                Float::with_val(bits, Rational::from(&theta - 1u32)) * &lt,
            )
            .exp();
            let share_l = Float::with_val(bits, &l_non / &l_all);
            let share_g = Float::with_val(bits, norm(&g_non, bits) / norm(&g_all, bits));
            let rel = |v: &Float| &slack * exact(v).abs().max(Rational::from(1));
            for (name, v, enc) in [
                ("share_loss", share_l.clone(), &d.share_loss),
                ("share_grad", share_g.clone(), &d.share_grad),
                (
                    "share_loss_scaled",
                    Float::with_val(bits, &share_l * &tp),
                    &d.share_loss_scaled,
                ),
                (
                    "share_grad_scaled",
                    Float::with_val(bits, &share_g * &tp),
                    &d.share_grad_scaled,
                ),
            ] {
                let enc = enc.as_ref().ok_or(format!("t={t}: {name} not enclosed"))?;
                if !inside(enc, &js[name], &v, &rel(&v)) {
                    return Err(format!("t={t}: {name} = {v} outside {enc:?}"));
                }
            }
            shares += 1;
            // t·L/C_L, max |dual/α − 1| on S (α ≠ 0), ‖ηt(−∇L) − ŵ‖/‖ŵ‖, ln t·dir, ln t·gap,
            // against the reference's predicted C_L and α (points)
            let c_l = reference.c_l.clone().expect("C_L predicted");
            let alpha = reference.alpha.clone().expect("alpha predicted");
            let t_ratio = Float::with_val(bits, &l_all * t) / Float::with_val(bits, &c_l);
            let dual_dev = (0..duals.len())
                .filter(|&n| in_s[n] && alpha[n] != 0)
                .map(|n| {
                    (Float::with_val(bits, &duals[n] / Float::with_val(bits, &alpha[n])) - 1u32)
                        .abs()
                })
                .reduce(|a, b| if b > a { b } else { a })
                .expect("a support vector with alpha > 0");
            let gd: Vec<Float> = g_all
                .iter()
                .zip(&wh)
                .map(|(g, h)| Float::with_val(bits, Float::with_val(bits, &eta * t) * g) - h)
                .collect();
            let grad_dev = Float::with_val(bits, norm(&gd, bits) / &nh);
            let mut more = vec![
                ("t_loss_ratio", t_ratio, &d.t_loss_ratio),
                ("dual_dev", dual_dev, &d.dual_dev),
                ("grad_dev", grad_dev, &d.grad_dev),
            ];
            if t >= 2 {
                if let Some(de) = &dir_w {
                    more.push(("ln_t_dir", Float::with_val(bits, de * &lt), &d.ln_t_dir));
                }
                if let Some(g) = &gap_w {
                    more.push(("ln_t_gap", Float::with_val(bits, g * &lt), &d.ln_t_gap));
                }
            }
            for (name, v, enc) in more {
                let enc = enc.as_ref().ok_or(format!("t={t}: {name} not enclosed"))?;
                if !inside(enc, &js[name], &v, &rel(&v)) {
                    return Err(format!("t={t}: {name} = {v} outside {enc:?}"));
                }
            }
            // the enclosure discriminates: the share of the wrong support (S without its
            // first point) lies outside it
            let wrong = exact(&Float::with_val(bits, &l_wrong / &l_all));
            let (lo, hi) = d
                .share_loss
                .as_ref()
                .and_then(|v| v.to_rationals())
                .expect("finite");
            if t >= 100 && (wrong < lo || wrong > hi) {
                wrong_outside += 1;
            }
            // the angle to the refined prediction p = ŵ ln t + w̃, as acos of the cosine
            if let Some(ra) = &d.refined_angle {
                let p: Vec<Float> = wh
                    .iter()
                    .zip(&w_tilde)
                    .map(|(h, q)| Float::with_val(bits, h * &lt) + Float::with_val(bits, q))
                    .collect();
                let np = norm(&p, bits);
                let mut cos = zero();
                for (xj, pj) in s.w.iter().zip(&p) {
                    cos += Float::with_val(bits, xj * pj);
                }
                let a = Float::with_val(bits, cos / Float::with_val(bits, &nx * &np)).acos();
                let wide =
                    Rational::from(1) / Rational::from(rug::Integer::from(1) << (bits / 2 - 20));
                if !inside(ra, &js["refined_angle"], &a, &wide) {
                    return Err(format!("t={t}: refined angle = {a} outside {ra:?}"));
                }
                refined += 1;
            }
        }
    }
    assert!(gaps >= 3, "only {gaps} checkpoints with the gap enclosed");
    assert!(
        shares >= 3,
        "only {shares} checkpoints with the shares enclosed"
    );
    assert!(
        refined >= 3,
        "only {refined} checkpoints with the refined angle enclosed"
    );
    assert!(
        wrong_outside >= 2,
        "the wrong support's share was inside the enclosure"
    );
    Ok(checked)
}

#[test]
fn direction_and_residual_enclosures_contain_the_witness() {
    let planted = Generator::Planted {
        n: 20,
        d: 2,
        margin: q(1, 10),
        seed: 1,
    }
    .generate()
    .expect("planted");
    let cases: Vec<(Dataset, Loss, Precision, Vec<Rational>, u32)> = vec![
        (fig1(), Loss::Exponential, Precision::Bits(53), vec![], 160),
        (
            fig1(),
            Loss::Logistic,
            Precision::F64,
            vec![q(1, 10), q(-1, 3)],
            160,
        ),
        (fig1(), Loss::Exponential, Precision::Dd, vec![], 320),
        (
            planted,
            Loss::Exponential,
            Precision::Bits(24),
            vec![q(1, 3), q(1, 7)],
            96,
        ),
    ];
    for (data, loss, p, init, wb) in cases {
        let mut e = experiment(data, loss, p, 3000);
        if !init.is_empty() {
            e.init = init;
        }
        let out = e.run().expect("runs");
        let n = against_witness(&e, &out, wb).unwrap_or_else(|m| panic!("{p:?}: {m}"));
        assert!(n >= 3, "{p:?}: only {n} checkpoints with a direction");
        // the test can fail: an unsound radius (rounding bound zero) at 24 bits is caught
        if p == Precision::Bits(24) {
            e.certify_zero_delta = true;
            let out = e.run().expect("runs");
            assert!(
                against_witness(&e, &out, wb).is_err(),
                "delta = 0 not caught"
            );
        }
    }
}

/// One verdict of a JSON document.
#[derive(Debug)]
struct V {
    id: String,
    status: String,
    certified: Option<bool>,
    reason: Option<String>,
    deviation: Option<f64>,
    tolerance: Option<f64>,
}

fn verdicts(out: &Findings) -> Vec<V> {
    let doc = out.json();
    let num = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
    doc["theory"]["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .map(|v| {
            let c = &v["certification"];
            V {
                id: v["id"].as_str().expect("id").to_string(),
                status: v["status"].as_str().expect("status").to_string(),
                certified: c["certified"].as_bool(),
                reason: c["reason"].as_str().map(String::from),
                deviation: num(&v["deviation"]),
                tolerance: num(&v["tolerance"]),
            }
        })
        .collect()
}

fn find<'a>(vs: &'a [V], id: &str) -> &'a V {
    vs.iter().find(|v| v.id == id).expect("verdict present")
}

/// Fig. 1, exponential loss, double-double, 10^5 steps: the radius is about 10^-27 of ‖w‖,
/// the true predictions are certified PASS (the core claims among them), and two wrong
/// conjectures — C_L = 300 (the theorem: ‖ŵ‖²/η = 256) and w̃ = (−2, −2) (the theorem:
/// −ln 8 ≈ −2.079 per coordinate, `ibias run` on these data) — are certified FAIL, exit 1.
#[test]
fn true_predictions_are_certified_pass_and_wrong_ones_certified_fail() {
    let e = experiment(fig1(), Loss::Exponential, Precision::Dd, 100_000);
    let out = e.run().expect("runs");
    assert_eq!(out.exit_code(), 0, "{}", out.text());
    let vs = verdicts(&out);
    for id in [
        "dual_recovery",
        "loss_constant",
        "residual",
        "direction_constant",
        "gradient_limit",
        "norm_constant",
    ] {
        let v = find(&vs, id);
        assert_eq!(
            (v.status.as_str(), v.certified),
            ("PASS", Some(true)),
            "{id}: {v:?}"
        );
    }
    // an identity and the n/a claims are not certified, with a reason
    let v = find(&vs, "tan_identity");
    assert_eq!(v.certified, Some(false));
    assert!(
        v.reason.as_deref().is_some_and(|r| r.contains("identity")),
        "{v:?}"
    );
    let text = out.text();
    assert!(text.contains("certified PASS"), "{text}");

    let wrong = Experiment {
        conjectures: vec![
            Conjecture::parse("C_L=300").expect("conjecture"),
            Conjecture::parse("w_tilde=-2,-2").expect("conjecture"),
        ],
        ..e
    };
    let out = wrong.run().expect("runs");
    assert_eq!(out.exit_code(), 1);
    let vs = verdicts(&out);
    for id in ["loss_constant", "residual"] {
        let v = find(&vs, id);
        assert_eq!(
            (v.status.as_str(), v.certified),
            ("FAIL", Some(true)),
            "{id}: {v:?}"
        );
    }
    assert!(out.text().contains("certified FAIL"));
}

/// At 36 bits the radius after 10^5 steps is about 10^-6, and the moves it allows in the
/// extrapolated limits are comparable to their tolerances: some verdict that PASSes on the
/// computed trajectory is not certified (undecided over the enclosures), and is printed as
/// `PASS (not certified)`, never as certified. Every certified decision agrees with the
/// deviation of the same run at 108 bits (an independent computation of the exact
/// trajectory's deviation; its own radius is about 10^-27): a certified PASS or weak has
/// that deviation within the 36-bit tolerance, a certified FAIL beyond it. (The PASS/weak
/// line itself is not compared: the tolerance carries the rounding floor of the precision
/// that computes it, docs/theory/precision.md.)
#[test]
fn a_tolerance_narrower_than_the_enclosures_is_undecided() {
    let low = experiment(fig1(), Loss::Exponential, Precision::Bits(36), 100_000);
    let out = low.run().expect("runs");
    let vs = verdicts(&out);
    let undecided = vs.iter().filter(|v| {
        v.status == "PASS"
            && v.certified == Some(false)
            && v.reason.as_deref().is_some_and(|r| r.contains("undecided"))
    });
    assert!(undecided.count() >= 1, "{vs:?}");
    assert!(out.text().contains("PASS (not certified)"));
    let high = Experiment {
        precision: Precision::Bits(108),
        ..low
    };
    let reference = verdicts(&high.run().expect("runs"));
    let mut certified = 0;
    for v in vs.iter().filter(|v| v.certified == Some(true)) {
        let r = find(&reference, &v.id);
        let (tol, dev) = (v.tolerance.expect("tol"), r.deviation.expect("dev"));
        match v.status.as_str() {
            "PASS" | "weak" => assert!(dev <= tol, "{}: |dev| {dev} at 108 bits > tol {tol}", v.id),
            "FAIL" => assert!(dev > tol, "{}: |dev| {dev} at 108 bits <= tol {tol}", v.id),
            s => panic!("{}: certified {s}", v.id),
        }
        certified += 1;
    }
    assert!(certified >= 3, "{vs:?}");
}

/// Degenerate data (docs/theory/degenerate.md: `z1 = (1, 0)`, `z2 = (1, 1)`, `α = (1, 0)`),
/// step 1/4, 2^17 steps, checkpoints at powers of 2: the six history verdicts (weak at best)
/// are certified weak in double-double, the status a run at three times the bits (320, not
/// certified) gives them too; at 20 bits, where the radius is no longer small against the
/// margin of the decision, a certified status is still never contradicted and the
/// 16-bit loss of digits leaves some undecided.
#[test]
fn degenerate_history_verdicts_are_certified_and_agree_with_three_times_the_bits() {
    let data = Dataset::new(
        vec![
            vec![Rational::from(1), Rational::from(0)],
            vec![Rational::from(1), Rational::from(1)],
        ],
        vec![1, 1],
    )
    .expect("data");
    let run = |p: Precision, certify: bool| {
        let mut e = experiment(data.clone(), Loss::Exponential, p, 1 << 17);
        e.optimizer.lr = Some(q(1, 4));
        e.schedule = implicit_bias::run::Schedule::Base(Rational::from(2));
        e.certify = certify;
        verdicts(&e.run().expect("runs"))
    };
    let dd = run(Precision::Dd, true);
    let wide = run(Precision::Bits(320), false);
    // the history verdicts: weak at best, and weak at 320 bits on these data
    let ids: Vec<&str> = wide
        .iter()
        .filter(|v| v.status == "weak")
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(ids.len(), 6, "{wide:?}");
    for &id in &ids {
        let (v, w) = (find(&dd, id), find(&wide, id));
        assert_eq!(
            (v.status.as_str(), v.certified),
            ("weak", Some(true)),
            "{id}: {v:?}"
        );
        assert_eq!(v.status, w.status, "{id}: {v:?} against {w:?}");
    }
    let low = run(Precision::Bits(20), true);
    let mut undecided = 0;
    for &id in &ids {
        let (v, w) = (find(&low, id), find(&wide, id));
        if v.certified == Some(true) {
            assert_eq!(v.status, w.status, "{id}: certified {v:?} against {w:?}");
        } else if v.reason.as_deref().is_some_and(|r| r.contains("undecided")) {
            undecided += 1;
        }
    }
    assert!(undecided >= 1, "nothing undecided at 20 bits: {low:?}");
}

/// The non-SV share verdicts on z = (1, 0), (0, 2), (2, 2) (ŵ = (1, 1/2), support {1, 2}, θ = 3 for the
/// third point), double-double, 10^5 steps: their regime start over the θ-point and their
/// samples (the scaled shares' enclosures) are bounded, so the true constants are certified
/// PASS and the conjecture C_share = 210 (the prediction: 204.8) certified FAIL, the statuses of
/// a 320-bit run; at 24 bits the radius makes them undecided.
#[test]
fn the_share_verdicts_are_certified_and_agree_with_three_times_the_bits() {
    let data = Dataset::new(
        vec![
            vec![Rational::from(1), Rational::from(0)],
            vec![Rational::from(0), Rational::from(2)],
            vec![Rational::from(2), Rational::from(2)],
        ],
        vec![1, 1, 1],
    )
    .expect("data");
    let run = |p: Precision, certify: bool, conj: &[&str]| {
        let mut e = experiment(data.clone(), Loss::Exponential, p, 100_000);
        e.certify = certify;
        e.conjectures = conj
            .iter()
            .map(|c| Conjecture::parse(c).expect("conjecture"))
            .collect();
        verdicts(&e.run().expect("runs"))
    };
    let ids = ["sv_domination_loss", "sv_domination_grad"];
    for conj in [&[][..], &["C_share=210"][..]] {
        let dd = run(Precision::Dd, true, conj);
        let wide = run(Precision::Bits(320), false, conj);
        for id in ids {
            let (v, w) = (find(&dd, id), find(&wide, id));
            assert_eq!(v.certified, Some(true), "{conj:?} {id}: {v:?}");
            assert_eq!(v.status, w.status, "{conj:?} {id}: {v:?} against {w:?}");
        }
        let expect = if conj.is_empty() { "PASS" } else { "FAIL" };
        assert_eq!(find(&dd, "sv_domination_loss").status, expect, "{conj:?}");
        assert_eq!(find(&dd, "sv_domination_grad").status, "PASS", "{conj:?}");
    }
    let low = run(Precision::Bits(24), true, &[]);
    for id in ids {
        let v = find(&low, id);
        assert_eq!(v.certified, Some(false), "{id}: {v:?}");
        assert!(
            v.reason.as_deref().is_some_and(|r| r.contains("undecided")),
            "{id}: {v:?}"
        );
    }
}

/// `share_order` (the share's constant not predicted: these SVs do not span the data) on
/// the hand-made set of tests/regressions.rs (one support vector, θ = 1.027; its residual
/// `‖P1(ρ − w̃)‖` enclosed and holding a 320-bit run's value), double-double,
/// 10^5 steps: its envelope, two-term models included, and its "still rising" gate are
/// bounded over the enclosures, so its weak status is certified, the status of a 320-bit run;
/// at 20 bits the radius leaves its regime start undecided.
#[test]
fn the_share_order_is_certified_weak_and_agrees_with_three_times_the_bits() {
    let data = Dataset::new(
        vec![
            vec![Rational::from(1), q(1, 3)],
            vec![Rational::from(2), Rational::from(1)],
            vec![Rational::from(-1), q(-1, 7)],
        ],
        vec![1, 1, -1],
    )
    .expect("data");
    let found = |p: Precision, certify: bool| {
        let mut e = experiment(data.clone(), Loss::Exponential, p, 100_000);
        e.certify = certify;
        e.run().expect("runs")
    };
    let run = |p: Precision, certify: bool| verdicts(&found(p, certify));
    let (dd_run, wide_run) = (
        found(Precision::Dd, true),
        found(Precision::Bits(320), false),
    );
    let (dd, wide) = (verdicts(&dd_run), verdicts(&wide_run));
    // without the span condition ‖P1(ρ(t) − w̃)‖ is enclosed too: the 320-bit run's value at
    // every shown checkpoint from t = 1 on lies within mid ± rad
    let (doc, wdoc) = (dd_run.json(), wide_run.json());
    let diags = wdoc["theory"]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    let mut inside = 0;
    for c in doc["certify"]["checkpoints"]
        .as_array()
        .expect("checkpoints")
    {
        let Some(enc) = c["rho_err"].as_object() else {
            continue;
        };
        let wit = diags
            .iter()
            .find(|x| x["t"] == c["t"])
            .and_then(|x| x["rho_err"].as_str())
            .map(|s| parse_rational(s).expect("a number"))
            .expect("the witness's rho_err");
        let mid = parse_rational(enc["mid"].as_str().expect("mid")).expect("mid");
        let rad = parse_rational(enc["rad"].as_str().expect("rad")).expect("rad");
        // the witness is printed to its trusted digits (about 90): far below rad
        assert!(
            Rational::from(&wit - &mid).abs() <= rad,
            "t = {}: {wit} outside {mid} ± {rad}",
            c["t"]
        );
        inside += 1;
    }
    assert!(
        inside >= 4,
        "only {inside} checkpoints with the P1 residual enclosed"
    );
    let (v, w) = (find(&dd, "share_order"), find(&wide, "share_order"));
    assert_eq!(
        (v.status.as_str(), v.certified),
        ("weak", Some(true)),
        "{v:?}"
    );
    assert_eq!(v.status, w.status, "{v:?} against {w:?}");
    let low = run(Precision::Bits(20), true);
    let v = find(&low, "share_order");
    assert_eq!(v.certified, Some(false), "{v:?}");
    assert!(
        v.reason.as_deref().is_some_and(|r| r.contains("undecided")),
        "{v:?}"
    );
}
