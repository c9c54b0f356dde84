//! `ibias plot`: figures as SVG (plotters' SVG backend: no system libraries, no fonts; text
//! is SVG `<text>`), drawn from the diagnostics of the project's own runs, oracle and flow
//! (never recomputed here). The same request gives the same bytes; the reproducing command
//! is the figure's `<title>`. One figure is one or more panels ([`Panel`]) of series
//! ([`Series`]), written by one SVG writer ([`svg`]) and one CSV writer (`series_csv`).
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
//!
//! Under `--certify` (direction and residual) the run's certifier
//! ([`Experiment::certifier`], the one of `ibias run --certify`) observes the run, and the
//! enclosure of the plotted quantity at each enclosed checkpoint is a band
//! ([`Style::Band`]) under the measured curve.

use crate::certify::{Certifier, Derived, Interval};
use crate::experiment::{max_margin, predicted_reference, Experiment};
use crate::optim::spec::{Kind, OptimizerSpec};
use crate::run::Observer;
use crate::scalar::{Dd, Precision, Scalar};
use crate::theory::{self, Analysis};
use crate::{Error, Result};
use plotters::prelude::*;
use rug::float::Round;
use rug::{Assign, Float};

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
pub(crate) const KINDS: [PlotKind; 6] = [
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
    pub(crate) fn gd_only(self) -> bool {
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
    pub(crate) optimizers: Option<Vec<OptimizerSpec>>,
    /// The text they were given as (echoed in the reproducing command).
    pub(crate) optimizers_arg: Option<String>,
    /// `flow`: integrate to log-time `s = until`.
    pub(crate) until: f64,
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
    /// A filled band between two edges (the points are the lower edge, `Series::upper`
    /// the upper one, at the same x), in the series' colour at low opacity, drawn under
    /// every line: the certified enclosures of `--certify`.
    Band,
}

/// One drawn series: its legend name and points.
#[derive(Clone, Debug)]
pub struct Series {
    /// A short name for the CSV file (`measured`, `refined`, `C_dir`, `slope`, `gd`, ...).
    pub(crate) id: String,
    /// Legend text (empty: not in the legend).
    pub(crate) name: String,
    /// Points `(x, y)` in the plotted coordinates.
    pub(crate) points: Vec<(f64, f64)>,
    /// How it is drawn.
    pub(crate) style: Style,
    /// Its colour, an index into the palette (series of one thing share one colour across
    /// panels).
    pub(crate) color: usize,
    /// The upper edge of a [`Style::Band`] (empty for the other styles).
    pub(crate) upper: Vec<(f64, f64)>,
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
            upper: Vec::new(),
        }
    }

    /// A band between the edges `lower` and `upper` (the same x, in order), colour `color`.
    pub fn band(
        id: impl Into<String>,
        name: impl Into<String>,
        lower: Vec<(f64, f64)>,
        upper: Vec<(f64, f64)>,
        color: usize,
    ) -> Series {
        let mut s = Series::new(id, name, lower, Style::Band, color);
        s.upper = upper;
        s
    }
}

/// One panel: axis labels and series (the measured one first).
#[derive(Clone, Debug)]
pub struct Panel {
    /// A short name for the CSV file (the series of a panel `p` are `p/series`; empty in a
    /// figure of one panel: the series' own ids).
    pub(crate) id: String,
    /// Caption above the panel.
    pub(crate) caption: String,
    /// x-axis label.
    pub(crate) x_label: String,
    /// y-axis label.
    pub(crate) y_label: String,
    /// The series.
    pub(crate) series: Vec<Series>,
    /// The x range drawn; `None`: every series' points, padded.
    pub(crate) x_range: Option<(f64, f64)>,
    /// The y range drawn; `None`: every series' points, padded.
    pub(crate) y_range: Option<(f64, f64)>,
    /// Whether the legend is drawn, and where.
    pub(crate) legend: Option<SeriesLabelPosition>,
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
    pub(crate) title: Option<String>,
    /// The panels, row by row.
    pub(crate) panels: Vec<Panel>,
    /// Panels per row.
    pub(crate) columns: usize,
    /// Width and height of one panel in pixels.
    pub(crate) panel_size: (u32, u32),
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
    pub(crate) fn all_series(&self) -> Vec<(String, &Series)> {
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
/// drawn point, the series in the panel's order (a multi-panel figure's ids are
/// `panel/series`), numbers in Rust's shortest round-trip form. A band ([`Style::Band`])
/// is two series, `ID_lo` (its lower edge) and `ID_hi` (its upper edge).
///
/// # Errors
/// The CSV writer's (not expected for in-memory output).
pub(crate) fn series_csv(fig: &Figure) -> Result<String> {
    let head = ["series", "x", "y"].map(String::from);
    let rows: Vec<Vec<String>> = fig
        .all_series()
        .into_iter()
        .flat_map(|(id, s)| {
            let edges = if s.style == Style::Band {
                vec![
                    (format!("{id}_lo"), &s.points),
                    (format!("{id}_hi"), &s.upper),
                ]
            } else {
                vec![(id, &s.points)]
            };
            edges.into_iter().flat_map(|(id, pts)| {
                pts.iter()
                    .map(move |(x, y)| vec![id.clone(), x.to_string(), y.to_string()])
            })
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
    // under --certify the run's certifier observes the run, as for `ibias run --certify`
    let dense = e.schedule.dense(e.steps)?;
    let mut cert = e.certifier::<S>(ctx, &e.schedule.points(e.steps)?, &dense);
    let (_, traj) = e.trajectory_observed::<S>(
        ctx,
        &dense,
        cert.as_mut().map(|c| c as &mut dyn Observer<S>),
    )?;
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
    if let Some(c) = cert.as_mut() {
        c.set_reference(predicted_reference(mm, &a.prediction, ctx));
    }
    Ok(Figure::single(match kind {
        PlotKind::Residual => residual(&a, cert.as_ref()),
        _ => direction(&a, cert.as_ref()),
    }))
}

fn f<S: Scalar>(x: Option<&S>) -> Option<f64> {
    x.map(Scalar::to_f64).filter(|v| v.is_finite())
}

/// The direction figure. The refined prediction `C_dir·ln t/(ln t + C_norm/‖ŵ‖)` has a pole
/// at `ln t = −C_norm/‖ŵ‖` when `C_norm < 0`; it is an expansion in `1/ln t`, meaningful only
/// where the correction is small, so it is drawn only where its denominator is at least half
/// of `ln t` (`ln t ≥ −2C_norm/‖ŵ‖`; there the curve lies between `C_dir` and `2C_dir`). The
/// y range is that of the measured curve, `C_dir` and the certified band; refined points
/// outside it are not drawn (the refined curve is monotone in `ln t`, so what remains is one
/// piece). With a certifier (`--certify`) the band is `ln t` times the enclosure of the
/// direction error of the exact-arithmetic run, `ln t` enclosed and the product rounded
/// outward.
fn direction<S: Scalar>(a: &Analysis<S>, cert: Option<&Certifier>) -> Panel {
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
    // ln t·(direction error): each end times ln t enclosed, outward
    let band = cert.map(|c| {
        let x = |c: &theory::Checkpoint<S>| f(c.ln_t.as_ref());
        certified_band(a, c, "the enclosure of the direction", &x, &|d, t| {
            let e = d.dir_err.as_ref()?;
            let mut lt = Interval {
                lo: Float::with_val_round(e.lo.prec(), t, Round::Down).0,
                hi: Float::with_val_round(e.lo.prec(), t, Round::Up).0,
            };
            lt.ln_mut();
            Some(e.clone().mul(&lt))
        })
    });
    let band_ends = band
        .iter()
        .flat_map(|b| b.lower.iter().chain(&b.upper).map(|p| p.1))
        .filter(|y| y.is_finite());
    for y in measured.iter().map(|p| p.1).chain(c_dir).chain(band_ends) {
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
    if let Some(b) = band {
        caption.push_str(&b.note);
        let span = y_range.map_or(0.0, |(a, b)| b - a);
        if let Some(s) = b.series(span, "") {
            series.push(s);
        }
    }
    let mut p = Panel::new("", caption, "ln t", "ln t · direction error", series);
    p.y_range = y_range;
    p
}

/// The certified enclosures of one plotted quantity (`--certify`): the band's edges at the
/// checkpoints the certifier enclosed, and the caption's note on where it ends or why there
/// is none.
struct Band {
    lower: Vec<(f64, f64)>,
    upper: Vec<(f64, f64)>,
    /// `hi − lo` of each enclosure, rounded up, before its ends are rounded out to f64 (so
    /// below an ulp of the value where the enclosure is that thin).
    widths: Vec<f64>,
    note: String,
}

impl Band {
    /// The band as a series, its legend stating its widest width (in the plotted units,
    /// `unit` after the number; the enclosures' own width, not that of their f64 ends) and
    /// whether that is thinner than the drawn line: less than 1/200 of the panel's y range
    /// `span` (the line is 2 pixels of a plot about 400 high). `None` without points.
    fn series(self, span: f64, unit: &str) -> Option<Series> {
        if self.lower.is_empty() {
            return None;
        }
        let widest = self
            .widths
            .iter()
            .copied()
            .filter(|w| w.is_finite())
            .fold(0.0f64, f64::max);
        let thin = if widest < span / 200.0 {
            ": thinner than the line"
        } else {
            ""
        };
        Some(Series::band(
            "certified",
            format!(
                "certified enclosure (widest {}{unit}{thin})",
                crate::scalar::format_sig_f64(widest, 2)
            ),
            self.lower,
            self.upper,
            0,
        ))
    }
}

/// The band of `ends` (the enclosure of the plotted quantity from a checkpoint's derived
/// enclosures and its step; `None` where they give none), its ends rounded outward to f64,
/// at every checkpoint `t ≥ 1` the certifier enclosed, at the x `x` of the checkpoint (the
/// measured curve's). `what` names the enclosure in the note when no checkpoint has one.
fn certified_band<S: Scalar>(
    a: &Analysis<S>,
    cert: &Certifier,
    what: &str,
    x: &dyn Fn(&theory::Checkpoint<S>) -> Option<f64>,
    ends: &dyn Fn(&Derived, u64) -> Option<Interval>,
) -> Band {
    let (mut lower, mut upper, mut widths) = (Vec::new(), Vec::new(), Vec::new());
    for c in a.checkpoints.iter().filter(|c| c.t >= 1) {
        let x = match x(c) {
            Some(x) => x,
            None => continue,
        };
        let got = cert
            .enclosure_at(c.t)
            .and_then(|e| cert.derived(e))
            .and_then(|d| ends(&d, c.t));
        if let Some(v) = got {
            let w = Float::with_val_round(v.lo.prec(), &v.hi - &v.lo, Round::Up).0;
            lower.push((x, v.lo.to_f64_round(Round::Down)));
            upper.push((x, v.hi.to_f64_round(Round::Up)));
            widths.push(w.to_f64_round(Round::Up));
        }
    }
    let note = match (cert.stopped(), lower.is_empty()) {
        (Some(s), true) => format!("; not certified: {} (at t = {})", s.why, s.at),
        (None, true) => format!("; not certified: {what} is not bounded at any checkpoint"),
        (Some(s), false) => format!(
            "; certified to t = {}, then not: {} (the band ends there)",
            cert.certified_through(),
            s.why
        ),
        (None, false) => String::new(),
    };
    Band {
        lower,
        upper,
        widths,
        note,
    }
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

/// The residual figure; with a certifier (`--certify`) the band of the log10 of the ends of
/// the enclosure of `‖ρ(t) − w̃‖` (for the prediction's `w̃` as a point, as `ibias run
/// --certify` measures it), rounded outward; a lower end `≤ 0` is `−∞`, drawn at the bottom.
fn residual<S: Scalar>(a: &Analysis<S>, cert: Option<&Certifier>) -> Panel {
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
    let mut caption = "‖ρ(t) − w̃‖ against t, log–log (§2.7)".to_string();
    if let Some(c) = cert {
        // log10 of each end, outward; a lower end 0 is −∞ (drawn at the panel's bottom)
        let log10 = |v: &Float, r: Round| {
            let mut l = v.clone();
            if v.cmp0() == Some(std::cmp::Ordering::Greater) {
                l.log10_round(r);
            } else {
                l.assign(rug::float::Special::NegInfinity);
            }
            l
        };
        let x = |c: &theory::Checkpoint<S>| Some((c.t as f64).log10());
        let what = if c.reference().and_then(|r| r.w_tilde.as_ref()).is_none() {
            "‖ρ(t) − w̃‖ (no w̃ predicted to measure from)"
        } else {
            "the enclosure of ‖ρ(t) − w̃‖"
        };
        let b = certified_band(a, c, what, &x, &|d, _| {
            let e = d.rho_err.as_ref()?;
            Some(Interval {
                lo: log10(&e.lo, Round::Down),
                hi: log10(&e.hi, Round::Up),
            })
        });
        caption.push_str(&b.note);
        // the panel's y range as drawn: every finite point, padded
        let ys: Vec<f64> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(b.lower.iter().chain(&b.upper).map(|p| p.1))
            .filter(|y| y.is_finite())
            .collect();
        let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if lo <= hi { hi - lo } else { 0.0 };
        if let Some(s) = b.series(span, " in log10") {
            series.push(s);
        }
    }
    Panel::new("", caption, "log10 t", "log10 ‖ρ(t) − w̃‖", series)
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
    // a band's ends that are not finite (the log of a lower end 0) are drawn at the edge
    let all: Vec<(f64, f64)> = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().chain(&s.upper).copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
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
    // bands first, under the lines; then the rest in order
    let bands = p.series.iter().filter(|s| s.style == Style::Band);
    for s in bands.chain(p.series.iter().filter(|s| s.style != Style::Band)) {
        let color = COLORS[s.color % COLORS.len()];
        let pts = s.points.iter().copied();
        let drawn = match s.style {
            Style::Band => {
                // the lower edge forward, the upper edge back, clamped to the drawn range
                // (max/min, not f64::clamp: no panic on any range)
                let clamp = |(x, y): (f64, f64)| (x, y.max(y0).min(y1));
                let outline: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .chain(s.upper.iter().rev())
                    .copied()
                    .map(clamp)
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(0.25).filled(),
                )))?
            }
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
            // a dot for points, a stroke for lines, a light box for a band
            let (r, path) = if s.style == Style::Points {
                (4, vec![])
            } else {
                (0, vec![(0, 0), (20, 0)])
            };
            let label = drawn.label(s.name.as_str());
            if s.style == Style::Band {
                label.legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + Rectangle::new([(0, -5), (20, 5)], color.mix(0.25).filled())
                });
            } else {
                label.legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + Circle::new((10, 0), r, color.filled())
                        + PathElement::new(path.clone(), color.stroke_width(2))
                });
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate::Generator;
    use crate::optim::State;
    use rug::Rational;

    /// Forwards every step to the certifier, except that the step to `t = at` is shown to it
    /// as an infinite iterate: a certification that stops there (the run goes on).
    struct StopAt {
        cert: Certifier,
        at: u64,
    }

    impl Observer<f64> for StopAt {
        fn observe(&mut self, before: &[f64], after: &State<f64>) {
            if after.t == self.at {
                let mut st = after.clone();
                st.w = vec![f64::INFINITY; st.w.len()];
                Observer::<f64>::observe(&mut self.cert, before, &st);
            } else {
                Observer::<f64>::observe(&mut self.cert, before, after);
            }
        }
    }

    /// Where the certifier stops (here made to, at t = 300), the ribbon ends (its last point
    /// is the last checkpoint before the stop, t = 256) and the caption says so; the measured
    /// curve goes on to `T`. With no enclosure at all (a start not finite in f64) there is no
    /// band and the caption says "not certified" and why.
    #[test]
    fn the_ribbon_ends_where_certification_stops() {
        let data = Generator::R1.generate().expect("r1");
        let mut e = Experiment::new(data);
        e.steps = 1000;
        e.certify = true;
        e.optimizer.lr = Some(Rational::from((1, 2)));
        let mut warnings = Vec::new();
        let mm = max_margin(&e.data, false, &mut warnings)
            .expect("r1")
            .expect("verified");
        let dense = e.schedule.dense(e.steps).expect("schedule");
        let shown = e.schedule.points(e.steps).expect("schedule");
        {
            let (at, through) = (300, 299);
            let cert = e.certifier::<f64>((), &shown, &dense).expect("certify");
            let mut obs = StopAt { cert, at };
            let (_, traj) = e
                .trajectory_observed::<f64>((), &dense, Some(&mut obs))
                .expect("run");
            let a = theory::analyze_with(&e.data, &mm, e.loss, &e.lr(), &e.init, &traj, (), &[])
                .expect("analysis");
            let mut c = obs.cert;
            c.set_reference(predicted_reference(&mm, &a.prediction, ()));
            let p = direction(&a, Some(&c));
            let measured = &p.series[0].points;
            assert!((measured.last().expect("points").0 - 1000f64.ln()).abs() < 1e-12);
            let band = p.series.iter().find(|s| s.style == Style::Band);
            let band = band.expect("a band before the stop");
            let last = band.points.last().expect("points").0;
            assert!((last - 256f64.ln()).abs() < 1e-12, "{last}");
            assert!(
                p.caption.contains(&format!(
                    "certified to t = {through}, then not: w({at}) is not finite"
                )),
                "{}",
                p.caption
            );
        }
        // nothing enclosed: the start is not finite in f64
        let mut e2 = Experiment::new(Generator::R1.generate().expect("r1"));
        e2.steps = 100;
        e2.certify = true;
        e2.init = vec![
            Rational::from(rug::Integer::from(rug::Integer::u_pow_u(10, 400))),
            Rational::new(),
        ];
        let c = e2
            .certifier::<f64>((), &[0, 100], &[0, 100])
            .expect("certify");
        let a = theory::analyze_with(
            &e.data,
            &mm,
            e.loss,
            &e.lr(),
            &e.init,
            &e.trajectory::<f64>((), &dense).expect("run").1,
            (),
            &[],
        )
        .expect("analysis");
        let p = direction(&a, Some(&c));
        assert!(p.series.iter().all(|s| s.style != Style::Band));
        assert!(
            p.caption.contains(
                "not certified: the start w(0) is not finite in this precision (at t = 0)"
            ),
            "{}",
            p.caption
        );
    }
}
