//! Citable convergence tables (insta snapshots in `snapshots/theory_*.snap`): for Fig. 1, R1,
//! R2 and two generated sets, the exact oracle certificate, the predicted constants, the
//! diagnostics at t = 10^k, the rate fits and the verdicts.
//!
//! Precision guard: every run is made at 128 and at 160 bits and only the leading digits on
//! which both agree are printed (`~` marks values where not one digit agrees: rounding noise
//! of quantities whose true value is 0). MPFR is correctly rounded and the operation order is
//! fixed, so the same command prints the same bytes on every machine.
//!
//! Reproduce: `cargo test --test snapshots_theory` (review changes with `cargo insta review`).

mod theory_common;

use implicit_bias::data::format_rational;
use implicit_bias::data::generate::Generator;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::oracle::{self, MaxMargin, Norm, Outcome};
use implicit_bias::run::checkpoints;
use implicit_bias::stepsize::check_step;
use implicit_bias::theory::render::{
    render_diagnostics, render_fits, render_predictions, render_verdicts, Guard,
};
use rug::Rational;
use theory_common::*;

const BASE: u64 = 10;

/// The exact oracle's answer, verified by the independent checker; `None` while the ℓ2 oracle
/// is not built (the snapshot then cannot show its certificate, and the test says so).
fn oracle_l2(data: &Dataset) -> Option<MaxMargin> {
    match oracle::solve(data, Norm::L2) {
        Ok(Outcome::Separable(mm)) => {
            implicit_bias::cert::check(data, &mm.cert).expect("oracle certificate verifies");
            Some(*mm)
        }
        Ok(Outcome::NotSeparable(_)) => panic!("fixture is separable"),
        Err(e) => {
            eprintln!("snapshot skipped: {e}");
            None
        }
    }
}

fn certificate_text(mm: &MaxMargin) -> String {
    let c = &mm.cert;
    let list = |v: &[Rational]| v.iter().map(format_rational).collect::<Vec<_>>().join(", ");
    format!(
        "# certificate (exact, verified by cert::check): w^ = ({}), |w^|^2 = {}, alpha = ({}), \
         support = {{{}}}, unique = {}, degenerate = {:?}, spans = {:?}, theta = {}\n",
        list(&c.w),
        format_rational(&c.value),
        list(&c.alpha),
        c.support
            .iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(", "),
        mm.unique,
        mm.degenerate,
        mm.spans,
        mm.theta
            .as_ref()
            .map_or_else(|| "inf".to_string(), format_rational)
    )
}

#[allow(clippy::too_many_arguments)]
fn snapshot(
    name: &str,
    data: &Dataset,
    loss: Loss,
    eta: Rational,
    w0: &[Rational],
    steps: u64,
    cli: &str,
) {
    let Some(mm) = oracle_l2(data) else { return };
    let (_, a) = run_case(data, &mm, loss, &eta, w0, steps, BASE, 128);
    let (_, b) = run_case(data, &mm, loss, &eta, w0, steps, BASE, 160);
    let g = Guard::Twin(&b);
    let mut out = String::new();
    out.push_str(&format!(
        "# {name}: GD, loss {}, step {}, w(0) = ({}), {steps} steps; digits agree at 128 and 160 bits\n",
        loss.name(),
        format_rational(&eta),
        w0.iter().map(format_rational).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(&certificate_text(&mm));
    out.push_str("\n## predicted constants (docs/theory/sections.md §2)\n");
    out.push_str(&render_predictions(&a, g));
    out.push_str("\n## diagnostics at t = 10^k\n");
    out.push_str(&render_diagnostics(&a, g, &checkpoints(steps, BASE)));
    out.push_str("\n## rate fits\n");
    out.push_str(&render_fits(&a, g));
    out.push_str("\n## verdicts\n");
    out.push_str(&render_verdicts(&a, g));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(format!(
        "reproduce: cargo test --test snapshots_theory -- {name}  (same run: {cli})"
    ));
    settings.bind(|| insta::assert_snapshot!(format!("theory_{name}"), out));
    assert!(a.assessment.none_failed(), "{name}: a claim failed");
}

#[test]
fn r1() {
    snapshot(
        "r1",
        &Generator::R1.generate().unwrap(),
        Loss::Exponential,
        q(1, 2),
        &[q(0, 1), q(3, 10)],
        1_000_000,
        "ibias gen r1 > r1.csv; ibias run --data r1.csv --lr 1/2 --init 0,3/10 --steps 1e6",
    );
}

#[test]
fn r2() {
    snapshot(
        "r2",
        &Generator::R2.generate().unwrap(),
        Loss::Exponential,
        q(1, 8),
        &[q(1, 1), q(-1, 1)],
        100_000,
        "ibias gen r2 > r2.csv; ibias run --data r2.csv --lr 1/8 --init 1,-1 --steps 1e5",
    );
}

#[test]
fn fig1() {
    let data = Generator::Fig1 { seed: 1 }.generate().unwrap();
    assert!(check_step(&data, Loss::Exponential, &q(1, 4), &[2.0, 2.0]).is_none());
    snapshot(
        "fig1",
        &data,
        Loss::Exponential,
        q(1, 4),
        &[q(2, 1), q(2, 1)],
        100_000,
        "ibias gen fig1 --seed 1 > fig1.csv; ibias run --data fig1.csv --lr 1/4 --init 2,2 --steps 1e5",
    );
}

#[test]
fn planted_g1() {
    let data = Generator::Planted {
        n: 6,
        d: 2,
        margin: q(1, 10),
        seed: 18,
    }
    .generate()
    .unwrap();
    snapshot(
        "planted_g1",
        &data,
        Loss::Exponential,
        q(1, 16),
        &[q(0, 1), q(0, 1)],
        100_000,
        "ibias gen planted --n 6 --d 2 --seed 18 > g1.csv; ibias run --data g1.csv --lr 1/16 --steps 1e5",
    );
}

#[test]
fn planted_g2() {
    let data = Generator::Planted {
        n: 6,
        d: 3,
        margin: q(1, 10),
        seed: 9,
    }
    .generate()
    .unwrap();
    snapshot(
        "planted_g2",
        &data,
        Loss::Exponential,
        q(1, 16),
        &[q(0, 1), q(0, 1), q(0, 1)],
        100_000,
        "ibias gen planted --n 6 --d 3 --seed 9 > g2.csv; ibias run --data g2.csv --lr 1/16 --steps 1e5",
    );
}
