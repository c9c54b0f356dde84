//! `ibias plot compare`: what `ibias compare` finds, drawn.
//!
//! * Left: the unit circle with each optimizer's final direction `w(T)/‖w(T)‖` (a dot) and
//!   the exact ℓ1, ℓ2 and ℓ∞ max-margin directions (dashed rays; an answer that is not unique
//!   is one of its optimal points, as `ibias compare` prints it). The runs and answers are
//!   [`crate::compare::compare`]'s and [`Answers::from_oracle`]'s.
//! * Right: the sweep. Every adaptive optimizer of `--optimizers` (AdaGrad, RMSprop, Adam,
//!   AdamW; AdaGrad and Adam when the list has none) from each of `SWEEP_STARTS` starts at
//!   its step times 1/4, 1 and 4 (`SWEEP_FACTORS`), T steps each: the angle between its
//!   `w(T)` and the ℓ2 answer against `log10 η`, one curve per optimizer and start, with the
//!   angles of the ℓ1 and ℓ∞ answers to the ℓ2 one as dashed lines. GD's limit does not
//!   depend on the start or the step (theory §1.2); an adaptive method's can (theory §5).
//!
//! Two-dimensional data only (a direction of `d > 2` has no faithful place on a circle).

use super::{Figure, Panel, PlotOptions, Series, Style};
use crate::cert::Norm;
use crate::compare::{compare, CompareOptions};
use crate::experiment::Experiment;
use crate::optim::spec::{Kind, OptimizerSpec};
use crate::theory::limits::{angle_deg, Answers};
use crate::Result;
use plotters::prelude::SeriesLabelPosition;
use rug::Rational;

/// The optimizers drawn without `--optimizers`: one per limit geometry (ℓ2: GD, momentum;
/// ℓ∞: sign descent; ℓ1: coordinate descent) and the two adaptive ones of the sweep.
pub(crate) const DEFAULT_OPTIMIZERS: &str = "gd,momentum,sign,coordinate,adagrad,adam";

/// The sweep's starts besides `--init` (the origin by default): as in
/// tests/adaptive_failure.rs.
pub(crate) const SWEEP_STARTS: [(i32, i32, i32, i32); 2] = [(1, 2, -1, 2), (1, 4, 0, 1)];

/// The sweep's step factors.
pub(crate) const SWEEP_FACTORS: [(i32, i32); 3] = [(1, 4), (1, 1), (4, 1)];

const ANSWER_COLORS: [usize; 3] = [7, 8, 9];

/// The compare figure of `e`'s data, loss, start, horizon and precision.
///
/// # Errors
/// Data of dimension other than 2, non-separable data, bad `--optimizers`, a bad start.
pub fn figure(e: &Experiment, opts: &PlotOptions) -> Result<Figure> {
    super::require_plane(
        e,
        "the compare figure draws directions of two-dimensional data only",
    )?;
    let answers = Answers::from_oracle(&e.data)
        .map_err(|err| err.with_hint(crate::oracle::bias_hint(&e.data, e.bias)))?;
    let specs = match &opts.optimizers {
        Some(s) => s.clone(),
        None => OptimizerSpec::parse_list(DEFAULT_OPTIMIZERS)?,
    };
    let copts = |init: &[Rational]| CompareOptions {
        steps: e.steps,
        precision: e.precision,
        loss: e.loss,
        init: init.to_vec(),
        seed: e.seed,
        lr: e.optimizer.lr.clone(),
    };
    let rows = compare(&e.data, &answers, &specs, &copts(&e.init))?;
    let names = ["ℓ1", "ℓ2", "ℓ∞"];
    let ids = ["l1", "l2", "linf"];
    let norms = [Norm::L1, Norm::L2, Norm::LInf];

    // the circle
    let mut circle = vec![Series::new(
        "unit_circle",
        "",
        (0..=180)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::PI / 90.0;
                (a.cos(), a.sin())
            })
            .collect(),
        Style::Line,
        2,
    )];
    for (k, n) in norms.iter().enumerate() {
        let a = answers.get(*n);
        let u = a.direction();
        circle.push(Series::new(
            ids[k],
            format!(
                "{} answer (exact){}",
                names[k],
                if a.unique { "" } else { ", one of several" }
            ),
            vec![(0.0, 0.0), (u[0], u[1])],
            Style::Dashed,
            ANSWER_COLORS[k],
        ));
    }
    for (k, r) in rows.iter().enumerate() {
        if r.direction.iter().all(|c| c.is_finite()) {
            circle.push(Series::new(
                r.name.clone(),
                format!(
                    "{} (lr {}{})",
                    r.name,
                    r.spec
                        .as_ref()
                        .map(|s| crate::data::format_rational(&s.lr()))
                        .unwrap_or_default(),
                    super::stopped_note(&r.status, r.steps)
                ),
                vec![(r.direction[0], r.direction[1])],
                Style::Points,
                k % 7,
            ));
        }
    }
    let mut left = Panel::new(
        "circle",
        format!("final directions w(T)/‖w(T)‖, T = {}", e.steps),
        "x1",
        "x2",
        circle,
    );
    left.x_range = Some((-1.15, 1.15));
    left.y_range = Some((-1.15, 1.15));
    left.legend = Some(SeriesLabelPosition::LowerLeft);

    // the sweep
    let mut adaptive: Vec<OptimizerSpec> = specs
        .iter()
        .filter(|s| s.kind.is_adaptive())
        .cloned()
        .collect();
    if adaptive.is_empty() {
        adaptive = vec![
            OptimizerSpec::new(Kind::AdaGrad),
            OptimizerSpec::new(Kind::Adam),
        ];
    }
    let base =
        crate::compare::with_steps(&e.data, &adaptive, e.loss, &e.init, e.optimizer.lr.as_ref());
    let q = |p: i32, d: i32| Rational::from((p, d));
    let mut starts = vec![e.init.clone()];
    for (a, b, c, d) in SWEEP_STARTS {
        let s = vec![q(a, b), q(c, d)];
        if !starts.contains(&s) {
            starts.push(s);
        }
    }
    let swept: Vec<OptimizerSpec> = base
        .iter()
        .flat_map(|s| {
            SWEEP_FACTORS.iter().map(move |(a, b)| {
                let mut s = s.clone();
                s.lr = Some(s.lr() * q(*a, *b));
                s
            })
        })
        .collect();
    let l2 = answers.get(Norm::L2).direction();
    let base_ids = super::spec_ids(&base);
    let mut sweep = Vec::new();
    for (j, w0) in starts.iter().enumerate() {
        // one row per spec, in the order of `swept` (compare's contract): method k's three
        // steps are rows 3k..3k + 3
        let rows = compare(&e.data, &answers, &swept, &copts(w0))?;
        for k in 0..base.len() {
            let points: Vec<(f64, f64)> = rows
                [k * SWEEP_FACTORS.len()..(k + 1) * SWEEP_FACTORS.len()]
                .iter()
                .filter_map(|r| {
                    let lr = r.spec.as_ref()?.lr().to_f64().log10();
                    Some((lr, r.angles[1])).filter(|p| p.1.is_finite())
                })
                .collect();
            sweep.push(Series::new(
                format!("{}@start{}", base_ids[k], j + 1),
                format!(
                    "{} from ({})",
                    base_ids[k],
                    w0.iter()
                        .map(crate::data::format_rational)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                points,
                Style::LinePoints,
                (k * starts.len() + j) % 7,
            ));
        }
    }
    let xs: Vec<f64> = sweep
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let (x0, x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if x0 <= x1 {
        for (k, n) in norms.iter().enumerate() {
            let a = angle_deg(&answers.get(*n).direction(), &l2);
            sweep.push(Series::new(
                ids[k],
                format!(
                    "{} answer: {}°",
                    names[k],
                    crate::scalar::format_sig_f64(a, 4)
                ),
                vec![(x0, a), (x1, a)],
                Style::Dashed,
                ANSWER_COLORS[k],
            ));
        }
    }
    let mut right = Panel::new(
        "sweep",
        format!(
            "adaptive methods over starts and steps ×1/4, ×1, ×4, T = {}",
            e.steps
        ),
        "log10 η",
        "angle to the ℓ2 answer (degrees)",
        sweep,
    );
    // room above the curves for the legend
    let ys: Vec<f64> = right
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .collect();
    let (y0, y1) = (
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if y0 <= y1 {
        let (a, b) = super::pad(y0, y1);
        right.y_range = Some((a, b + 0.75 * (b - a)));
    }
    right.legend = Some(SeriesLabelPosition::UpperRight);
    Ok(Figure {
        title: Some(format!(
            "optimizers against the exact ℓ1, ℓ2, ℓ∞ answers ({} loss, {})",
            e.loss.name(),
            e.precision.label()
        )),
        panels: vec![left, right],
        columns: 2,
        panel_size: (560, 560),
    })
}
