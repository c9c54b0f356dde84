//! `ibias plot`: figures as SVG (plotters' SVG backend: no system libraries, no fonts; text
//! is SVG `<text>`), drawn from the diagnostics of the project's own runs, oracle and flow
//! (never recomputed here). The same request gives the same bytes; the reproducing command
//! is the figure's `<title>`. One figure is one or more panels ([`Panel`]) of series
//! ([`Series`]), written by one SVG writer ([`svg`]) and one CSV writer ([`series_csv`]).
//!
//! * [`PlotKind::Direction`]: `ln t·(direction error)` against `ln t`, with `C_dir` and the
//!   refined prediction `C_dir·ln t/(ln t + C_norm/‖ŵ‖)` (§2.5);
//! * [`PlotKind::Residual`]: `‖ρ(t) − w̃‖` against `t` on log–log axes (log10), with a line of
//!   the predicted slope `−κ` (§2.7) through the last point;
//! * [`PlotKind::Rotation`]: the data rotated so that `w(t)` points up, one panel per
//!   checkpoint, and the max-margin panel ([`rotation`]);
//! * [`PlotKind::Soudry`]: norm, loss, angle to `ŵ` and margin gap against `t` for several
//!   optimizers from one start ([`soudry`]);
//! * [`PlotKind::Compare`]: final directions on the unit circle against the exact ℓ1, ℓ2, ℓ∞
//!   answers, and a sweep of the adaptive methods over starts and steps ([`compare`]);
//! * [`PlotKind::Flow`]: the log-time flow's `s·(direction error)` with GD overlaid
//!   ([`flow`]).

use crate::experiment::{max_margin, Experiment};
use crate::fast::Dd;
use crate::optim::spec::{Kind, OptimizerSpec};
use crate::scalar::{Precision, Scalar};
use crate::theory::{self, Analysis};
use crate::{Error, Result};
use plotters::prelude::*;
use rug::Float;

pub mod compare;
pub mod flow;
pub mod rotation;
pub mod soudry;

/// Which figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotKind {
    /// `ln t·dir_err` against `ln t`, with `C_dir` and the refined prediction.
    Direction,
    /// `‖ρ(t) − w̃‖` log–log, with the slope `−κ`.
    Residual,
    /// The data rotated by the direction of `w(t)` at each checkpoint, and by `ŵ`.
    Rotation,
    /// The four panels of Soudry et al. (2018) Fig. 1 for several optimizers.
    Soudry,
    /// Final directions against the exact ℓ1, ℓ2, ℓ∞ answers, and the adaptive sweep.
    Compare,
    /// The log-time flow's `s·(direction error)` with GD overlaid.
    Flow,
}

/// Every kind, in the order `--help` lists them.
pub const KINDS: [PlotKind; 6] = [
    PlotKind::Direction,
    PlotKind::Residual,
    PlotKind::Rotation,
    PlotKind::Soudry,
    PlotKind::Compare,
    PlotKind::Flow,
];

impl PlotKind {
    /// Parses a kind's name ([`PlotKind::name`]).
    pub fn parse(s: &str) -> Result<PlotKind> {
        KINDS.into_iter().find(|k| k.name() == s).ok_or_else(|| {
            Error::param(
                "KIND",
                format!("{s:?}: expected {}", KINDS.map(PlotKind::name).join(", ")),
            )
        })
    }
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PlotKind::Direction => "direction",
            PlotKind::Residual => "residual",
            PlotKind::Rotation => "rotation",
            PlotKind::Soudry => "soudry",
            PlotKind::Compare => "compare",
            PlotKind::Flow => "flow",
        }
    }
    /// Whether the figure is of a plain GD run alone (the others run several optimizers
    /// or the flow and take [`PlotOptions`]).
    pub fn gd_only(self) -> bool {
        matches!(
            self,
            PlotKind::Direction | PlotKind::Residual | PlotKind::Rotation | PlotKind::Flow
        )
    }
}

/// The options of the kinds beyond a GD run's.
#[derive(Clone, Debug)]
pub struct PlotOptions {
    /// The optimizers of `soudry` and `compare` (`None`: the kind's default,
    /// [`soudry::DEFAULT_OPTIMIZERS`], [`compare::DEFAULT_OPTIMIZERS`]).
    pub optimizers: Option<Vec<OptimizerSpec>>,
    /// The text they were given as (echoed in the reproducing command).
    pub optimizers_arg: Option<String>,
    /// `flow`: integrate to log-time `s = until`.
    pub until: f64,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            optimizers: None,
            optimizers_arg: None,
            until: 1e5,
        }
    }
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A polyline through the points.
    Line,
    /// A dashed polyline (reference lines: predictions, answers, boundaries).
    Dashed,
    /// Filled dots, no line.
    Points,
    /// A polyline with a dot at each point.
    LinePoints,
}

/// One drawn series: its legend name and points.
#[derive(Clone, Debug)]
pub struct Series {
    /// A short name for the CSV file (`measured`, `refined`, `C_dir`, `slope`, `gd`, ...).
    pub id: String,
    /// Legend text (empty: not in the legend).
    pub name: String,
    /// Points `(x, y)` in the plotted coordinates.
    pub points: Vec<(f64, f64)>,
    /// How it is drawn.
    pub style: Style,
    /// Its colour, an index into the palette (series of one thing share one colour across
    /// panels).
    pub color: usize,
}

impl Series {
    /// A series drawn in `style` with colour `color`.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        points: Vec<(f64, f64)>,
        style: Style,
        color: usize,
    ) -> Series {
        Series {
            id: id.into(),
            name: name.into(),
            points,
            style,
            color,
        }
    }
}

/// One panel: axis labels and series (the measured one first).
#[derive(Clone, Debug)]
pub struct Panel {
    /// A short name for the CSV file (the series of a panel `p` are `p/series`; empty in a
    /// figure of one panel: the series' own ids).
    pub id: String,
    /// Caption above the panel.
    pub caption: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// The series.
    pub series: Vec<Series>,
    /// The x range drawn; `None`: every series' points, padded.
    pub x_range: Option<(f64, f64)>,
    /// The y range drawn; `None`: every series' points, padded.
    pub y_range: Option<(f64, f64)>,
    /// Whether the legend is drawn, and where.
    pub legend: Option<SeriesLabelPosition>,
}

impl Panel {
    /// A panel with the ranges of its points and the legend at the upper right.
    pub fn new(
        id: impl Into<String>,
        caption: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
        series: Vec<Series>,
    ) -> Panel {
        Panel {
            id: id.into(),
            caption: caption.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series,
            x_range: None,
            y_range: None,
            legend: Some(SeriesLabelPosition::UpperRight),
        }
    }
}

/// The data of one figure: a title (multi-panel figures) and panels laid out in rows of
/// `columns`, each `panel_size` pixels.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The title above every panel (`None`: the panel's caption is the title).
    pub title: Option<String>,
    /// The panels, row by row.
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
    /// Width and height of one panel in pixels.
    pub panel_size: (u32, u32),
}

impl Figure {
    /// A figure of one 720 × 480 panel.
    pub fn single(panel: Panel) -> Figure {
        Figure {
            title: None,
            panels: vec![panel],
            columns: 1,
            panel_size: (720, 480),
        }
    }
    /// The series of every panel with their CSV ids ([`Panel::id`]).
    pub fn all_series(&self) -> Vec<(String, &Series)> {
        self.panels
            .iter()
            .flat_map(|p| {
                p.series.iter().map(move |s| {
                    let id = if p.id.is_empty() {
                        s.id.clone()
                    } else {
                        format!("{}/{}", p.id, s.id)
                    };
                    (id, s)
                })
            })
            .collect()
    }
}

/// The plotted series as CSV (`ibias plot --csv`): a header `series,x,y`, then one row per
/// drawn point, the series in drawing order (a multi-panel figure's ids are
/// `panel/series`), numbers in Rust's shortest round-trip form.
///
/// # Errors
/// The CSV writer's (not expected for in-memory output).
pub fn series_csv(fig: &Figure) -> Result<String> {
    let head = ["series", "x", "y"].map(String::from);
    let rows: Vec<Vec<String>> = fig
        .all_series()
        .into_iter()
        .flat_map(|(id, s)| {
            s.points
                .iter()
                .map(move |(x, y)| vec![id.clone(), x.to_string(), y.to_string()])
        })
        .collect();
    crate::report::csv_text(&head, &rows)
}

/// The reproducing command of a plot of `e` written to `out`. The kinds that run several
/// optimizers echo `--lr auto` when no step was given (each optimizer then takes its own
/// default, which one number would not reproduce), and their `--optimizers`; `flow` its
/// `--until`.
pub fn command(kind: PlotKind, e: &Experiment, opts: &PlotOptions, out: &str) -> String {
    let run = e.command();
    let mut rest = run.strip_prefix("ibias run").unwrap_or(&run).to_string();
    if !kind.gd_only() && e.optimizer.lr.is_none() {
        let shown = format!(" --lr {} ", crate::data::format_rational(&e.lr()));
        rest = rest.replacen(&shown, " --lr auto ", 1);
    }
    let mut extra = String::new();
    if let Some(o) = opts.optimizers_arg.as_ref().filter(|_| !kind.gd_only()) {
        extra.push_str(&format!(" --optimizers {o}"));
    }
    if !kind.gd_only() && e.seed != 0 {
        extra.push_str(&format!(" --seed {}", e.seed));
    }
    if kind == PlotKind::Flow {
        extra.push_str(&format!(" --until {}", opts.until));
    }
    format!("ibias plot {}{rest}{extra} --out {out}", kind.name())
}

/// Runs what the figure draws and returns its data. Errors: bad input (among them a kind's
/// own refusals: `rotation` and `compare` take d = 2 only), another optimizer for the GD
/// figures, data whose max-margin solution cannot be verified, predictions that cannot be
/// computed.
pub fn figure(kind: PlotKind, e: &Experiment, opts: &PlotOptions) -> Result<Figure> {
    e.validate()?;
    if e.optimizer.kind != Kind::Gd {
        return Err(Error::param(
            "optimizer",
            "these figures are of plain GD (--optimizer gd)",
        ));
    }
    if kind == PlotKind::Compare {
        return compare::figure(e, opts);
    }
    let mut warnings = Vec::new();
    let mm = max_margin(&e.data, e.bias, &mut warnings)?.ok_or_else(|| {
        Error::Numerical(format!(
            "no verified max-margin solution ({})",
            warnings.join("; ")
        ))
    })?;
    match e.precision {
        Precision::F64 => figure_at::<f64>(kind, e, opts, &mm, ()),
        Precision::Bits(b) => figure_at::<Float>(kind, e, opts, &mm, b),
        Precision::Dd => figure_at::<Dd>(kind, e, opts, &mm, ()),
    }
}

/// The optimizers of a multi-optimizer kind (`--optimizers`, else `default`) with the step
/// each takes ([`crate::compare::with_steps`]: `--lr` for those without their own `lr=`,
/// `--lr auto` each one's default).
/// The refusal of a figure that draws the plane itself (one line, exit 2): `what` says what
/// is drawn, the message adds the data's dimension (and the `--bias` column when counted).
fn require_plane(e: &Experiment, what: &str) -> Result<()> {
    let d = e.data.dim();
    if d == 2 {
        return Ok(());
    }
    let bias = if e.bias {
        " with the --bias column"
    } else {
        ""
    };
    let lift = match &e.classes {
        Some(c) => format!(
            " (K-class data: the lift of {} classes in dimension {}, w = vec(W))",
            c.classes(),
            c.dim()
        ),
        None => String::new(),
    };
    Err(Error::param(
        "data",
        format!("{what}; these have d = {d}{bias}{lift}"),
    ))
}

fn optimizer_specs(
    e: &Experiment,
    opts: &PlotOptions,
    default: &str,
) -> Result<Vec<OptimizerSpec>> {
    let specs = match &opts.optimizers {
        Some(s) => s.clone(),
        None => OptimizerSpec::parse_list(default)?,
    };
    Ok(crate::compare::with_steps(
        &e.data,
        &specs,
        e.loss,
        &e.init,
        e.optimizer.lr.as_ref(),
    ))
}

/// The names of `specs` without their steps (`gd`, `adam:eps=0`), made distinct by a
/// suffix `#k` (the k-th spec, from 1) where two would be the same: the series ids.
fn spec_ids(specs: &[OptimizerSpec]) -> Vec<String> {
    let bare: Vec<String> = specs
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.lr = None;
            s.to_arg()
        })
        .collect();
    bare.iter()
        .enumerate()
        .map(|(k, b)| {
            if bare.iter().filter(|o| *o == b).count() > 1 {
                format!("{b}#{}", k + 1)
            } else {
                b.clone()
            }
        })
        .collect()
}

/// A legend's note on a run that stopped early (empty for a completed one).
fn stopped_note(status: &crate::run::RunStatus, steps: u64) -> String {
    if *status == crate::run::RunStatus::Completed {
        String::new()
    } else {
        format!(", {} at t = {steps}", status.code())
    }
}

fn figure_at<S: Scalar>(
    kind: PlotKind,
    e: &Experiment,
    opts: &PlotOptions,
    mm: &crate::oracle::MaxMargin,
    ctx: S::Ctx,
) -> Result<Figure> {
    match kind {
        PlotKind::Rotation => return rotation::figure::<S>(e, mm, ctx),
        PlotKind::Soudry => return soudry::figure::<S>(e, opts, mm, ctx),
        PlotKind::Flow => return flow::figure::<S>(e, opts, mm, ctx),
        _ => {}
    }
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
    Ok(Figure::single(match kind {
        PlotKind::Residual => residual(&a),
        _ => direction(&a),
    }))
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
fn direction<S: Scalar>(a: &Analysis<S>) -> Panel {
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
    let mut series = vec![Series::new(
        "measured",
        "ln t · ‖w/‖w‖ − ŵ/‖ŵ‖‖ (measured)",
        measured,
        Style::Line,
        0,
    )];
    let mut caption = "direction error × ln t against ln t (§2.5)".to_string();
    if let Some(u) = shift {
        let refined: Vec<(f64, f64)> = pts(&|c| f(c.ln_t_dir_pred.as_ref()))
            .into_iter()
            .filter(|(x, y)| refined_drawn(*x, u) && inside(*y))
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
            series.push(Series::new(
                "refined",
                if u < 0.0 {
                    "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted, where ln t + C_norm/‖ŵ‖ ≥ ln t/2)"
                } else {
                    "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted)"
                },
                refined,
                Style::Line,
                1,
            ));
        }
    }
    if let Some(c) = c_dir {
        let xs: Vec<f64> = series[0].points.iter().map(|p| p.0).collect();
        if let (Some(lo), Some(hi)) = (xs.first(), xs.last()) {
            series.push(Series::new(
                "C_dir",
                format!(
                    "C_dir = {} (the limit)",
                    crate::scalar::format_sig_f64(c, 6)
                ),
                vec![(*lo, c), (*hi, c)],
                Style::Line,
                2,
            ));
        }
    }
    let mut p = Panel::new("", caption, "ln t", "ln t · direction error", series);
    p.y_range = y_range;
    p
}

/// Whether the refined prediction `C·x/(x + u)` is drawn at `x`: where its denominator is at
/// least half of `x` (see [`direction`]).
fn refined_drawn(x: f64, u: f64) -> bool {
    x + u >= x / 2.0
}

/// `[a, b]` widened by 5 % of its length on each side (at least 10^-12).
fn pad(a: f64, b: f64) -> (f64, f64) {
    let m = ((b - a).abs() * 0.05).max(1e-12);
    (a - m, b + m)
}

fn residual<S: Scalar>(a: &Analysis<S>) -> Panel {
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
    let mut series = vec![Series::new(
        "measured",
        "‖ρ(t) − w̃‖ (measured)",
        measured.clone(),
        Style::Line,
        0,
    )];
    if let (Some(k), Some(first), Some(last)) = (
        f(a.prediction.kappa.value(ctx).as_ref()),
        measured.first(),
        measured.last(),
    ) {
        series.push(Series::new(
            "slope",
            format!(
                "slope −κ = −{} (predicted)",
                crate::scalar::format_sig_f64(k, 4)
            ),
            vec![(first.0, last.1 + k * (last.0 - first.0)), *last],
            Style::Line,
            1,
        ));
    }
    Panel::new(
        "",
        "‖ρ(t) − w̃‖ against t, log–log (§2.7)",
        "log10 t",
        "log10 ‖ρ(t) − w̃‖",
        series,
    )
}

/// Escapes text for XML content.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The palette: blue, red, dark grey, green, orange, purple, cyan, brown, pink, olive.
const COLORS: [RGBColor; 10] = [
    RGBColor(0, 90, 181),
    RGBColor(220, 50, 32),
    RGBColor(60, 60, 60),
    RGBColor(0, 150, 80),
    RGBColor(230, 140, 0),
    RGBColor(130, 60, 170),
    RGBColor(0, 160, 190),
    RGBColor(140, 90, 40),
    RGBColor(220, 90, 160),
    RGBColor(120, 130, 0),
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

type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn draw(fig: &Figure, out: &mut String) -> DrawResult {
    let columns = fig.columns.clamp(1, fig.panels.len().max(1));
    let rows = fig.panels.len().div_ceil(columns).max(1);
    let (w, h) = fig.panel_size;
    let title_h = if fig.title.is_some() { 40 } else { 0 };
    let size = (w * columns as u32, h * rows as u32 + title_h);
    {
        let root = SVGBackend::with_string(out, size).into_drawing_area();
        root.fill(&WHITE)?;
        let area = match &fig.title {
            Some(t) => root.titled(t, ("sans-serif", caption_size(t, size.0)))?,
            None => root.clone(),
        };
        for (panel, cell) in fig.panels.iter().zip(area.split_evenly((rows, columns))) {
            draw_panel(panel, &cell)?;
        }
        root.present()?;
    }
    Ok(())
}

/// A tick label: three decimals, and no `-0.000`.
fn tick(v: f64) -> String {
    let s = format!("{v:.3}");
    if s == "-0.000" {
        "0.000".into()
    } else {
        s
    }
}

/// The caption's font size: smaller for a long caption, to fit the width.
fn caption_size(text: &str, width: u32) -> u32 {
    if text.chars().count() as u32 * 12 > width {
        14
    } else {
        18
    }
}

fn draw_panel<DB: DrawingBackend>(
    p: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let all: Vec<(f64, f64)> = p.series.iter().flat_map(|s| s.points.clone()).collect();
    if all.is_empty() && (p.x_range.is_none() || p.y_range.is_none()) {
        return Err("no points to draw (run longer: the quantity needs t ≥ 2)".into());
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in &all {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    let (x0, x1) = p.x_range.unwrap_or_else(|| pad(x0, x1));
    let (y0, y1) = p.y_range.unwrap_or_else(|| pad(y0, y1));
    let width = area.dim_in_pixel().0;
    let mut chart = ChartBuilder::on(area)
        .caption(&p.caption, ("sans-serif", caption_size(&p.caption, width)))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .draw()?;
    for s in &p.series {
        let color = COLORS[s.color % COLORS.len()];
        let pts = s.points.iter().copied();
        let drawn = match s.style {
            Style::Line => chart.draw_series(LineSeries::new(pts, color.stroke_width(2)))?,
            Style::LinePoints => {
                chart.draw_series(LineSeries::new(pts, color.stroke_width(2)).point_size(3))?
            }
            Style::Dashed => {
                chart.draw_series(DashedLineSeries::new(pts, 6, 4, color.stroke_width(1)))?
            }
            Style::Points => chart.draw_series(pts.map(|q| Circle::new(q, 4, color.filled())))?,
        };
        if !s.name.is_empty() {
            // a dot for points, a stroke for lines
            let (r, path) = if s.style == Style::Points {
                (4, vec![])
            } else {
                (0, vec![(0, 0), (20, 0)])
            };
            drawn.label(s.name.as_str()).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Circle::new((10, 0), r, color.filled())
                    + PathElement::new(path.clone(), color.stroke_width(2))
            });
        }
    }
    if let Some(at) = &p.legend {
        chart
            .configure_series_labels()
            .position(at.clone())
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}
