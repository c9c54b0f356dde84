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
    /// A short name for the CSV file (`measured`, `refined`, `C_dir`, `slope`).
    pub id: &'static str,
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
    /// The y range drawn; `None`: every series' points, padded.
    pub y_range: Option<(f64, f64)>,
}

/// The plotted series as CSV (`ibias plot --csv`): a header `series,x,y`, then one row per
/// drawn point, the series in drawing order, numbers in Rust's shortest round-trip form.
///
/// # Errors
/// The CSV writer's (not expected for in-memory output).
pub fn series_csv(fig: &Figure) -> Result<String> {
    let head = ["series", "x", "y"].map(String::from);
    let rows: Vec<Vec<String>> = fig
        .series
        .iter()
        .flat_map(|s| {
            s.points
                .iter()
                .map(|(x, y)| vec![s.id.to_string(), x.to_string(), y.to_string()])
        })
        .collect();
    crate::report::csv_text(&head, &rows)
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

/// The direction figure. The refined prediction `C_dir·ln t/(ln t + C_norm/‖ŵ‖)` has a pole
/// at `ln t = −C_norm/‖ŵ‖` when `C_norm < 0`; it is an expansion in `1/ln t`, meaningful only
/// where the correction is small, so it is drawn only where its denominator is at least half
/// of `ln t` (`ln t ≥ −2C_norm/‖ŵ‖`; there the curve lies between `C_dir` and `2C_dir`). The
/// y range is that of the measured curve and `C_dir`; refined points outside it are not drawn
/// (the refined curve is monotone in `ln t`, so what remains is one piece).
fn direction<S: Scalar>(a: &Analysis<S>) -> Figure {
    let ctx = a.prediction.ctx;
    let pts = |g: &dyn Fn(&theory::Checkpoint<S>) -> Option<f64>| -> Vec<(f64, f64)> {
        a.checkpoints
            .iter()
            .filter_map(|c| Some((f(c.ln_t.as_ref())?, g(c)?)))
            .collect()
    };
    let measured = pts(&|c| f(c.ln_t_dir.as_ref()));
    let c_dir = f(a.prediction.c_dir.value(ctx).as_ref());
    let shift = f(a.prediction.c_norm.value(ctx).as_ref())
        .map(|c| c / a.prediction.norm_w_hat.to_f64())
        .filter(|u| u.is_finite());
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for y in measured.iter().map(|p| p.1).chain(c_dir) {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    let y_range = (lo <= hi).then(|| pad(lo, hi));
    let inside = |y: f64| y_range.map_or(true, |(a, b)| a <= y && y <= b);
    let mut series = vec![Series {
        id: "measured",
        name: "ln t · ‖w/‖w‖ − ŵ/‖ŵ‖‖ (measured)".into(),
        points: measured,
    }];
    let mut caption = "direction error × ln t against ln t (§2.5)".to_string();
    if let Some(u) = shift {
        let refined: Vec<(f64, f64)> = pts(&|c| f(c.ln_t_dir_pred.as_ref()))
            .into_iter()
            .filter(|(x, y)| x + u >= x / 2.0 && inside(*y))
            .collect();
        if u < 0.0 {
            caption = format!(
                "direction error × ln t (§2.5); refined prediction {} ln t = {} (pole {})",
                if refined.is_empty() {
                    "not drawn, meaningful from"
                } else {
                    "from"
                },
                crate::scalar::format_sig_f64(-2.0 * u, 3),
                crate::scalar::format_sig_f64(-u, 3)
            );
        }
        if !refined.is_empty() {
            series.push(Series {
                id: "refined",
                name: if u < 0.0 {
                    "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted, where ln t + C_norm/‖ŵ‖ ≥ ln t/2)"
                        .into()
                } else {
                    "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted)".into()
                },
                points: refined,
            });
        }
    }
    if let Some(c) = c_dir {
        let xs: Vec<f64> = series[0].points.iter().map(|p| p.0).collect();
        if let (Some(lo), Some(hi)) = (xs.first(), xs.last()) {
            series.push(Series {
                id: "C_dir",
                name: format!(
                    "C_dir = {} (the limit)",
                    crate::scalar::format_sig_f64(c, 6)
                ),
                points: vec![(*lo, c), (*hi, c)],
            });
        }
    }
    Figure {
        caption,
        x_label: "ln t".into(),
        y_label: "ln t · direction error".into(),
        series,
        y_range,
    }
}

/// `[a, b]` widened by 5 % of its length on each side (at least 10^-12).
fn pad(a: f64, b: f64) -> (f64, f64) {
    let m = ((b - a).abs() * 0.05).max(1e-12);
    (a - m, b + m)
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
        id: "measured",
        name: "‖ρ(t) − w̃‖ (measured)".into(),
        points: measured.clone(),
    }];
    if let (Some(k), Some(first), Some(last)) = (
        f(a.prediction.kappa.value(ctx).as_ref()),
        measured.first(),
        measured.last(),
    ) {
        series.push(Series {
            id: "slope",
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
        y_range: None,
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
    let (x0, x1) = pad(x0, x1);
    let (y0, y1) = fig.y_range.unwrap_or_else(|| pad(y0, y1));
    {
        let root = SVGBackend::with_string(out, (720, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                &fig.caption,
                // a long caption in a smaller font, to fit the 720-pixel width
                (
                    "sans-serif",
                    if fig.caption.chars().count() > 60 {
                        14
                    } else {
                        18
                    },
                ),
            )
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
