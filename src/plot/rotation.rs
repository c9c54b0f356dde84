//! `ibias plot rotation`: the data of a GD run turned so that the direction of `w(t)` points
//! up, one panel per checkpoint, then the same by the exact `ŵ`.
//!
//! In the frame of a unit vector `u = (u₁, u₂)` a point `x` is drawn at
//! `(x·u⊥, x·u)` with `u⊥ = (u₂, −u₁)`: the rotation `R = [[u₂, −u₁], [u₁, u₂]]` (determinant
//! `u₁² + u₂² = 1`) takes `u` to `(0, 1)`. So a point's height is its score `xᵀu` and the
//! x-axis is the decision boundary `uᵀx = 0`; the data are correctly classified at `t`
//! exactly when every positive point is above the axis and every negative one below. In the
//! frame of `ŵ/‖ŵ‖` the support vectors (`y_n x_nᵀŵ = 1`) sit at heights `±1/‖ŵ‖` (the
//! margin lines drawn there) and every other point farther out; each checkpoint's panel
//! also draws the max-margin boundary `ŵᵀx = 0` in its frame, which turns onto the x-axis as
//! `w(t)/‖w(t)‖ → ŵ/‖ŵ‖` (theory §1.2). Points are the raw `x_n` (not `y_n x_n`), coloured
//! by label. Two-dimensional data only.

use super::{Figure, Panel, Series, Style};
use crate::experiment::Experiment;
use crate::oracle::MaxMargin;
use crate::scalar::Scalar;
use crate::theory::limits::{direction_f64, unit};
use crate::{Error, Result};
use plotters::prelude::SeriesLabelPosition;
use rug::Rational;

/// A panel's size in pixels: taller than wide, so that with the y range
/// `[−r, (2·HEADROOM − 1)·r]` one unit is about as long on both axes (the plotting area is
/// about 216 × 306 pixels) and the legend has the room above the data.
const PANEL: (u32, u32) = (300, 390);
const HEADROOM: f64 = 1.4;

/// At most this many checkpoint panels (the ŵ panel comes on top).
pub(crate) const MAX_PANELS: usize = 15;

/// The rotation figure of `e` (plain GD) with the exact solution `mm`.
///
/// # Errors
/// Data of dimension other than 2 (with `--bias`: the appended column counts), more than
/// `MAX_PANELS` checkpoints, the run's own errors.
pub fn figure<S: Scalar>(e: &Experiment, mm: &MaxMargin, ctx: S::Ctx) -> Result<Figure> {
    super::require_plane(e, "the rotation figure draws two-dimensional data only")?;
    let cps = e.schedule.points(e.steps)?;
    let (_, traj) = e.trajectory::<S>(ctx, &cps)?;
    let frames: Vec<(u64, Vec<f64>)> = traj
        .samples
        .iter()
        .map(|s| (s.t, direction_f64(&s.w, ctx)))
        .filter(|(_, u)| u.iter().all(|c| c.is_finite()) && u.iter().any(|c| *c != 0.0))
        .collect();
    if frames.len() > MAX_PANELS {
        return Err(Error::param(
            "base",
            format!(
                "{} checkpoints: the rotation figure draws at most {MAX_PANELS} (e.g. --base 10 or --at 1,10,100)",
                frames.len()
            ),
        ));
    }
    let w_hat: Vec<f64> = mm.cert.w.iter().map(Rational::to_f64).collect();
    let norm_hat = w_hat.iter().map(|x| x * x).sum::<f64>().sqrt();
    let u_hat = unit(&w_hat);
    let points: Vec<[f64; 2]> = e
        .data
        .points()
        .iter()
        .map(|x| [x[0].to_f64(), x[1].to_f64()])
        .collect();
    let reach = points
        .iter()
        .map(|x| x[0].hypot(x[1]))
        .fold(1.0 / norm_hat, f64::max);
    let r = 1.15 * reach;
    let labels = e.data.labels();
    let mut panels: Vec<Panel> = frames
        .iter()
        .map(|(t, u)| {
            let mut p = frame(
                format!("t={t}"),
                format!("t = {t}"),
                [u[0], u[1]],
                &points,
                labels,
                r,
                "boundary w(t)ᵀx = 0",
            );
            // the max-margin boundary in this frame: the unit vector (ŵ₂, −ŵ₁) turned by R
            let b = rotate([u[0], u[1]], [u_hat[1], -u_hat[0]]);
            p.series.push(Series::new(
                "max_margin_boundary",
                "max-margin boundary ŵᵀx = 0",
                vec![(-r * b.0, -r * b.1), (r * b.0, r * b.1)],
                Style::Dashed,
                3,
            ));
            p.legend = None;
            p
        })
        .collect();
    let mut last = frame(
        "w_hat".into(),
        "max margin: rotated by ŵ".into(),
        [u_hat[0], u_hat[1]],
        &points,
        labels,
        r,
        "max-margin boundary ŵᵀx = 0",
    );
    let m = 1.0 / norm_hat;
    last.series.push(Series::new(
        "margin_plus",
        format!("margins ±1/‖ŵ‖ = ±{}", crate::scalar::format_sig_f64(m, 6)),
        vec![(-r, m), (r, m)],
        Style::Dashed,
        3,
    ));
    last.series.push(Series::new(
        "margin_minus",
        "",
        vec![(-r, -m), (r, -m)],
        Style::Dashed,
        3,
    ));
    // the legends of the first and the last panel, above the data (see `frame`)
    last.legend = Some(SeriesLabelPosition::UpperRight);
    if let Some(first) = panels.first_mut() {
        first.legend = Some(SeriesLabelPosition::UpperRight);
    }
    panels.push(last);
    Ok(Figure {
        title: Some(format!(
            "the data turned so that w(t) points up (x-axis: the decision boundary at t), GD step {}, and by ŵ",
            crate::data::format_rational(&e.lr())
        )),
        columns: 4,
        panel_size: PANEL,
        panels,
    })
}

/// `x` in the frame of the unit vector `u`: `(x·u⊥, x·u)`, `u⊥ = (u₂, −u₁)`.
fn rotate(u: [f64; 2], x: [f64; 2]) -> (f64, f64) {
    (x[0] * u[1] - x[1] * u[0], x[0] * u[0] + x[1] * u[1])
}

/// One panel: the points of each label in the frame of `u`, and the x-axis as `boundary`.
fn frame(
    id: String,
    caption: String,
    u: [f64; 2],
    points: &[[f64; 2]],
    labels: &[i8],
    r: f64,
    boundary: &str,
) -> Panel {
    let side = |label: i8| -> Vec<(f64, f64)> {
        points
            .iter()
            .zip(labels)
            .filter(|(_, y)| **y == label)
            .map(|(x, _)| rotate(u, *x))
            .collect()
    };
    let series = vec![
        Series::new("positive", "y = +1", side(1), Style::Points, 0),
        Series::new("negative", "y = −1", side(-1), Style::Points, 1),
        Series::new(
            "boundary",
            boundary,
            vec![(-r, 0.0), (r, 0.0)],
            Style::Line,
            2,
        ),
    ];
    let mut p = Panel::new(id, caption, "along the boundary", "score xᵀu", series);
    p.x_range = Some((-r, r));
    p.y_range = Some((-r, (2.0 * HEADROOM - 1.0) * r));
    p
}
