//! `ibias plot soudry`: the four panels of Soudry et al. (2018), Fig. 1, for several
//! optimizers from one start: against `log10 t`, the log10 of
//!
//! * the norm `‖w(t)‖` (GD: `ln t/γ*`-like growth, theory §1.2),
//! * the loss `L(w(t))` (from the runner's `ln L`, so no underflow),
//! * the angle between `w(t)` and `ŵ`, in degrees,
//! * the normalized margin gap `1/‖ŵ‖ − min_n z_nᵀw(t)/‖w(t)‖` (never negative: `1/‖ŵ‖` is
//!   the largest normalized margin).
//!
//! Each optimizer runs from `--init` with the runner of `ibias run` and `ibias compare`
//! ([`crate::run::Runner::run_at`]) at the checkpoints of the dense schedule (powers of 2 and of the
//! base), with the step of `crate::compare::with_steps`: `--lr` for every optimizer
//! without its own `lr=`, or (`--lr auto`) each one's default. A value whose log is not
//! defined (a zero angle or gap, `t = 0`) is left out.

use super::{Figure, Panel, PlotOptions, Series, Style};
use crate::cert::Norm;
use crate::experiment::Experiment;
use crate::objective::Objective;
use crate::optim::build;
use crate::oracle::MaxMargin;
use crate::run::{RunOptions, Runner};
use crate::scalar::Scalar;
use crate::theory::limits::{angle_deg, direction_f64, normalized_margin};
use crate::Result;
use plotters::prelude::SeriesLabelPosition;
use rayon::prelude::*;
use rug::Rational;

/// One optimizer's four curves, in the order of the panels.
type Curves = [Vec<(f64, f64)>; 4];

/// The optimizers drawn without `--optimizers`.
pub(crate) const DEFAULT_OPTIMIZERS: &str = "gd,momentum,adam";

/// The soudry figure of `e`'s data, loss, start, horizon and schedule.
///
/// # Errors
/// Bad `--optimizers`, a schedule that does not fit the horizon.
pub fn figure<S: Scalar>(
    e: &Experiment,
    opts: &PlotOptions,
    mm: &MaxMargin,
    ctx: S::Ctx,
) -> Result<Figure> {
    let specs = super::optimizer_specs(e, opts, DEFAULT_OPTIMIZERS)?;
    let cps = e.schedule.dense(e.steps)?;
    let obj = Objective::<S>::new(&e.data, e.loss, ctx);
    let w0: Vec<S> = e.init.iter().map(|q| S::from_rational(q, ctx)).collect();
    let w_hat: Vec<f64> = mm.cert.w.iter().map(Rational::to_f64).collect();
    let gamma = 1.0 / w_hat.iter().map(|x| x * x).sum::<f64>().sqrt();
    let ln10 = std::f64::consts::LN_10;
    let log = |v: f64| (v > 0.0 && v.is_finite()).then(|| v.log10());
    // per optimizer: its legend text and the four curves
    let ids = super::spec_ids(&specs);
    let curves: Vec<(String, Curves)> = specs
        .par_iter()
        .map(|spec| {
            let opt = build::<S>(spec, ctx);
            let run = RunOptions {
                steps: e.steps,
                base: 10,
                progress: false,
                seed: e.seed,
            };
            let traj = Runner::new(&obj, opt.as_ref(), &run).run_at(w0.clone(), &cps);
            let mut c: Curves = Default::default();
            for s in traj.samples.iter().filter(|s| s.t >= 1) {
                let x = (s.t as f64).log10();
                let norm = crate::scalar::norm(&s.w, ctx).to_f64();
                let values = [
                    log(norm),
                    Some(s.ln_loss.to_f64() / ln10).filter(|v| v.is_finite()),
                    log(angle_deg(&direction_f64(&s.w, ctx), &w_hat)),
                    log(gamma - normalized_margin(&obj, &s.w, Norm::L2)),
                ];
                for (curve, v) in c.iter_mut().zip(values) {
                    if let Some(y) = v {
                        curve.push((x, y));
                    }
                }
            }
            let name = format!(
                "(lr {}{})",
                crate::data::format_rational(&spec.lr()),
                super::stopped_note(&traj.status, traj.steps)
            );
            (name, c)
        })
        .collect();
    let heads = [
        ("norm", "‖w(t)‖", "log10 ‖w(t)‖"),
        ("loss", "L(w(t))", "log10 L"),
        ("angle", "angle between w(t) and ŵ", "log10 angle (degrees)"),
        (
            "margin_gap",
            "margin gap 1/‖ŵ‖ − min z·w/‖w‖",
            "log10 margin gap",
        ),
    ];
    let panels = heads
        .iter()
        .enumerate()
        .map(|(i, (id, caption, y))| {
            let series = curves
                .iter()
                .zip(&ids)
                .enumerate()
                .map(|(k, ((note, c), id))| {
                    Series::new(
                        id.clone(),
                        format!("{id} {note}"),
                        c[i].clone(),
                        Style::Line,
                        k,
                    )
                })
                .collect();
            let mut p = Panel::new(*id, *caption, "log10 t", *y, series);
            p.legend = (i == 1).then_some(SeriesLabelPosition::LowerLeft);
            if p.series.iter().all(|s| s.points.is_empty()) {
                // e.g. the angle and the gap when every iterate is on ŵ's ray: 0 has no log
                p.caption
                    .push_str(": 0 or undefined at every t ≥ 1, no log");
                p.x_range = Some((0.0, (e.steps.max(1) as f64).log10().max(1.0)));
                p.y_range = Some((0.0, 1.0));
            }
            p
        })
        .collect();
    Ok(Figure {
        title: Some(format!(
            "Soudry et al. (2018) Fig. 1: {} from w(0) = ({}), {} loss",
            specs
                .iter()
                .map(|s| s.kind.name())
                .collect::<Vec<_>>()
                .join(", "),
            e.init
                .iter()
                .map(crate::data::format_rational)
                .collect::<Vec<_>>()
                .join(", "),
            e.loss.name()
        )),
        panels,
        columns: 2,
        panel_size: (480, 360),
    })
}
