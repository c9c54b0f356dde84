//! `ibias plot flow`: the log-time gradient flow ([`crate::flow`], theory §2.12) integrated
//! to `s = --until`, drawn as `s·‖w/‖w‖ − ŵ/‖ŵ‖‖` against `log10 s`, with its prediction
//! `C_dir·s/(s + C_norm/‖ŵ‖)` (where `s + C_norm/‖ŵ‖ ≥ s/2`, as in the direction figure),
//! its limit `C_dir`, and the GD run of the other options overlaid.
//!
//! GD with step `η` follows the flow at flow time `τ = ηt` (theory §2.12), that is at
//! log-time `s = ln(1 + ηt)`; each GD checkpoint `t ≥ 1` is drawn there, with the same
//! quantity `s·(direction error)` of its own iterate (computed by the flow's diagnostics,
//! `diagnose_flow`, at `ρ = w_GD(t) − ŵ s`). The flow's checkpoints are ten per decade of
//! `s` from `10^−2` to `--until` and `--until` itself.

use super::{Figure, Panel, PlotOptions, Series, Style};
use crate::experiment::Experiment;
use crate::oracle::MaxMargin;
use crate::scalar::Scalar;
use crate::theory::flow::diagnose_flow;
use crate::theory::{self, Prediction};
use crate::Result;
use rug::Rational;

/// The flow's checkpoints: `10^(k/10)` for `k = −20, −19, …` below `until`, then `until`.
pub fn grid(until: f64) -> Vec<f64> {
    let mut out: Vec<f64> = (-20..)
        .map(|k| 10f64.powf(f64::from(k) / 10.0))
        .take_while(|s| *s < until)
        .collect();
    out.push(until);
    out
}

/// The flow figure of `e` (its data, loss, start and conjectures; its GD run overlaid).
///
/// # Errors
/// Predictions that cannot be computed, a failed
/// integration, the GD run's errors.
pub fn figure<S: Scalar>(
    e: &Experiment,
    opts: &PlotOptions,
    mm: &MaxMargin,
    ctx: S::Ctx,
) -> Result<Figure> {
    let one = Rational::from(1);
    let mut pred: Prediction<S> = theory::predict::<S>(&e.data, mm, e.loss, &one, &e.init, ctx)?;
    for c in &e.conjectures {
        pred.conjecture(c)?;
    }
    let run = crate::flow::integrate_on(&pred, &grid(opts.until))?;
    let at = |s: &S, v: Option<&S>| -> Option<(f64, f64)> {
        let (x, y) = (s.to_f64(), v?.to_f64());
        (x > 0.0 && y.is_finite()).then(|| (x.log10(), y))
    };
    let flow: Vec<(f64, f64)> = run
        .points
        .iter()
        .filter_map(|p| at(&p.s, p.s_dir.as_ref()))
        .collect();
    // GD at s = ln(1 + ηt)
    let eta = e.lr();
    let (_, traj) = e.trajectory::<S>(ctx, &e.schedule.dense(e.steps)?)?;
    let gd: Vec<(f64, f64)> = traj
        .samples
        .iter()
        .filter(|smp| smp.t >= 1)
        .filter_map(|smp| {
            let tau = eta.clone() * Rational::from(smp.t) + 1u32;
            let s = S::from_rational(&tau, ctx).ln();
            let rho: Vec<S> = smp
                .w
                .iter()
                .zip(&pred.w_hat_s)
                .map(|(w, h)| w.clone().sub(&h.clone().mul(&s)))
                .collect();
            let p = diagnose_flow(&pred, &s, &rho);
            at(&s, p.s_dir.as_ref())
        })
        .collect();
    let mut series = vec![
        Series::new(
            "flow",
            "s · ‖w/‖w‖ − ŵ/‖ŵ‖‖, the flow",
            flow.clone(),
            Style::Line,
            0,
        ),
        Series::new(
            "gd",
            format!(
                "GD, step {}, at s = ln(1 + ηt), t ≤ {}",
                crate::data::format_rational(&eta),
                traj.steps
            ),
            gd,
            Style::LinePoints,
            1,
        ),
    ];
    let shift = pred
        .c_norm
        .value(ctx)
        .map(|c| c.to_f64() / pred.norm_w_hat.to_f64())
        .filter(|u| u.is_finite());
    if let Some(u) = shift {
        let refined: Vec<(f64, f64)> = run
            .points
            .iter()
            .filter(|p| super::refined_drawn(p.s.to_f64(), u))
            .filter_map(|p| at(&p.s, p.s_dir_pred.as_ref()))
            .collect();
        if !refined.is_empty() {
            series.push(Series::new(
                "refined",
                "C_dir · s/(s + C_norm/‖ŵ‖) (predicted)",
                refined,
                Style::Dashed,
                3,
            ));
        }
    }
    if let (Some(c), Some(first), Some(last)) = (
        pred.c_dir
            .value(ctx)
            .map(|c| c.to_f64())
            .filter(|c| c.is_finite()),
        flow.first(),
        flow.last(),
    ) {
        series.push(Series::new(
            "C_dir",
            format!(
                "C_dir = {} (the limit)",
                crate::scalar::format_sig_f64(c, 6)
            ),
            vec![(first.0, c), (last.0, c)],
            Style::Line,
            2,
        ));
    }
    let mut p = Panel::new(
        "",
        format!(
            "the log-time flow to s = {} with GD overlaid: s × direction error (§2.12)",
            opts.until
        ),
        "log10 s",
        "s · direction error",
        series,
    );
    p.legend = Some(plotters::prelude::SeriesLabelPosition::LowerRight);
    Ok(Figure::single(p))
}
