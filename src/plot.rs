//! `ibias plot`: figures of a GD run as SVG (plotters' SVG backend: no system libraries, no
//! fonts; text is SVG `<text>`), drawn from the run's diagnostics ([`theory::Checkpoint`])
//! and predictions, never recomputed here. The same request gives the same bytes; the
//! reproducing command is the figure's `<title>`.
//!
//! * [`PlotKind::Direction`]: `ln t·(direction error)` against `ln t`, with `C_dir` and the
//!   refined prediction `C_dir·ln t/(ln t + C_norm/‖ŵ‖)` (§2.5);
//! * [`PlotKind::Residual`]: `‖ρ(t) − w̃‖` against `t` on log–log axes (log10), with a line of
//!   the predicted slope `−κ` (§2.7) through the last point.

use crate::experiment::{max_margin, Experiment};
use crate::fast::Dd;
use crate::optim::spec::Kind;
use crate::scalar::{Precision, Scalar};
use crate::theory::{self, Analysis};
use crate::{Error, Result};
use plotters::prelude::*;
use rug::Float;

/// Which figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotKind {
    /// `ln t·dir_err` against `ln t`, with `C_dir` and the refined prediction.
    Direction,
    /// `‖ρ(t) − w̃‖` log–log, with the slope `−κ`.
    Residual,
}

impl PlotKind {
    /// Parses `direction` or `residual`.
    pub fn parse(s: &str) -> Result<PlotKind> {
        match s {
            "direction" => Ok(PlotKind::Direction),
            "residual" => Ok(PlotKind::Residual),
            other => Err(Error::param(
                "KIND",
                format!("{other:?}: expected direction or residual"),
            )),
        }
    }
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Direction => "direction",
            PlotKind::Residual => "residual",
        }
    }
}

/// One drawn series: its legend name and points.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Points `(x, y)` in the plotted coordinates.
    pub points: Vec<(f64, f64)>,
}

/// The data of one figure: axis labels and series (the measured one first).
#[derive(Clone, Debug)]
pub struct Figure {
    /// Caption above the plot.
    pub caption: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
}

/// The reproducing command of a plot of `e` written to `out`.
pub fn command(kind: PlotKind, e: &Experiment, out: &str) -> String {
    let run = e.command();
    let rest = run.strip_prefix("ibias run").unwrap_or(&run);
    format!("ibias plot {}{rest} --out {out}", kind.name())
}

/// Runs `e` (plain GD) and returns the figure's data. Errors: bad input, another optimizer,
/// data whose max-margin solution cannot be verified, predictions that cannot be computed.
pub fn figure(kind: PlotKind, e: &Experiment) -> Result<Figure> {
    e.validate()?;
    if e.optimizer.kind != Kind::Gd {
        return Err(Error::param(
            "optimizer",
            "these figures are of plain GD (--optimizer gd)",
        ));
    }
    let mut warnings = Vec::new();
    let mm = max_margin(&e.data, e.bias, &mut warnings)?.ok_or_else(|| {
        Error::Numerical(format!(
            "no verified max-margin solution ({})",
            warnings.join("; ")
        ))
    })?;
    match e.precision {
        Precision::F64 => figure_at::<f64>(kind, e, &mm, ()),
        Precision::Bits(b) => figure_at::<Float>(kind, e, &mm, b),
        Precision::Dd => figure_at::<Dd>(kind, e, &mm, ()),
    }
}

fn figure_at<S: Scalar>(
    kind: PlotKind,
    e: &Experiment,
    mm: &crate::oracle::MaxMargin,
    ctx: S::Ctx,
) -> Result<Figure> {
    let (_, traj) = e.trajectory::<S>(ctx, &e.schedule.dense(e.steps)?)?;
    let a = theory::analyze_with(
        &e.data,
        mm,
        e.loss,
        &e.lr(),
        &e.init,
        &traj,
        ctx,
        &e.conjectures,
    )?;
    Ok(match kind {
        PlotKind::Direction => direction(&a),
        PlotKind::Residual => residual(&a),
    })
}

fn f<S: Scalar>(x: Option<&S>) -> Option<f64> {
    x.map(Scalar::to_f64).filter(|v| v.is_finite())
}

fn direction<S: Scalar>(a: &Analysis<S>) -> Figure {
    let ctx = a.prediction.ctx;
    let pts = |g: &dyn Fn(&theory::Checkpoint<S>) -> Option<f64>| -> Vec<(f64, f64)> {
        a.checkpoints
            .iter()
            .filter_map(|c| Some((f(c.ln_t.as_ref())?, g(c)?)))
            .collect()
    };
    let mut series = vec![Series {
        name: "ln t · ‖w/‖w‖ − ŵ/‖ŵ‖‖ (measured)".into(),
        points: pts(&|c| f(c.ln_t_dir.as_ref())),
    }];
    let refined = pts(&|c| f(c.ln_t_dir_pred.as_ref()));
    if !refined.is_empty() {
        series.push(Series {
            name: "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted)".into(),
            points: refined,
        });
    }
    if let Some(c) = f(a.prediction.c_dir.value(ctx).as_ref()) {
        let xs: Vec<f64> = series[0].points.iter().map(|p| p.0).collect();
        if let (Some(lo), Some(hi)) = (xs.first(), xs.last()) {
            series.push(Series {
                name: format!("C_dir = {}", crate::scalar::format_sig_f64(c, 6)),
                points: vec![(*lo, c), (*hi, c)],
            });
        }
    }
    Figure {
        caption: "direction error × ln t against ln t (§2.5)".into(),
        x_label: "ln t".into(),
        y_label: "ln t · direction error".into(),
        series,
    }
}

fn residual<S: Scalar>(a: &Analysis<S>) -> Figure {
    let ctx = a.prediction.ctx;
    let measured: Vec<(f64, f64)> = a
        .checkpoints
        .iter()
        .filter(|c| c.t >= 1)
        .filter_map(|c| {
            let r = f(c.rho_err.as_ref()).filter(|r| *r > 0.0)?;
            Some(((c.t as f64).log10(), r.log10()))
        })
        .collect();
    let mut series = vec![Series {
        name: "‖ρ(t) − w̃‖ (measured)".into(),
        points: measured.clone(),
    }];
    if let (Some(k), Some(first), Some(last)) = (
        f(a.prediction.kappa.value(ctx).as_ref()),
        measured.first(),
        measured.last(),
    ) {
        series.push(Series {
            name: format!(
                "slope −κ = −{} (predicted)",
                crate::scalar::format_sig_f64(k, 4)
            ),
            points: vec![(first.0, last.1 + k * (last.0 - first.0)), *last],
        });
    }
    Figure {
        caption: "‖ρ(t) − w̃‖ against t, log–log (§2.7)".into(),
        x_label: "log10 t".into(),
        y_label: "log10 ‖ρ(t) − w̃‖".into(),
        series,
    }
}

/// Escapes text for XML content.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const COLORS: [RGBColor; 4] = [
    RGBColor(0, 90, 181),
    RGBColor(220, 50, 32),
    RGBColor(60, 60, 60),
    RGBColor(0, 150, 80),
];

/// Draws a figure as SVG, with `command` as its `<title>`.
pub fn svg(fig: &Figure, command: &str) -> Result<String> {
    let mut out = String::new();
    let drawn = draw(fig, &mut out).map_err(|e| Error::Numerical(format!("cannot draw: {e}")));
    drawn?;
    // the reproducing command as the figure's title, right after the opening <svg ...>
    let meta = format!("\n<title>{}</title>\n", xml_escape(command));
    if let Some(start) = out.find("<svg") {
        if let Some(end) = out[start..].find('>') {
            out.insert_str(start + end + 1, &meta);
        }
    }
    Ok(out)
}

fn draw(fig: &Figure, out: &mut String) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let all: Vec<(f64, f64)> = fig.series.iter().flat_map(|s| s.points.clone()).collect();
    if all.is_empty() {
        return Err("no points to draw (run longer: the quantity needs t ≥ 2)".into());
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in &all {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    let pad = |a: f64, b: f64| {
        let m = ((b - a).abs() * 0.05).max(1e-12);
        (a - m, b + m)
    };
    let (x0, x1) = pad(x0, x1);
    let (y0, y1) = pad(y0, y1);
    {
        let root = SVGBackend::with_string(out, (720, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&fig.caption, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(fig.x_label.as_str())
            .y_desc(fig.y_label.as_str())
            .x_label_formatter(&|v| format!("{v:.3}"))
            .y_label_formatter(&|v| format!("{v:.3}"))
            .draw()?;
        for (k, s) in fig.series.iter().enumerate() {
            let color = COLORS[k % COLORS.len()];
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(2),
                ))?
                .label(s.name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(())
}
