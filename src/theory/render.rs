//! Text and JSON renderings of an [`Analysis`]: the predicted constants, the diagnostics
//! table, the verdict table and the rate fits.
//!
//! Digits: a value is printed with the significant digits the precision guarantees at its
//! checkpoint ([`crate::report::trusted_digits`]), capped for readability; with a *twin*
//! analysis of the same run at another precision (the precision guard), only the leading
//! digits on which both agree are printed, and a value on which not even the first digit
//! agrees (rounding noise, e.g. a predicted 0) is shown as `~` and its order of magnitude.

use super::predict::{Predicted, Prediction};
use super::verdict::Judgement;
use super::{Analysis, Checkpoint};
use crate::data::format_rational;
use crate::report::json::{
    to_value, AnalysisJson, CertificationJson, ConstantJson, CountsJson, DiagnosticsRow, FitRow,
    JudgementJson, PredictedJson, PredictionJson, VerdictRow,
};
use crate::report::{align, align_left, trusted_digits};
use crate::scalar::Scalar;
use serde_json::Value;

/// Most significant digits printed in tables.
pub(crate) const TABLE_DIGITS: usize = 8;
/// Significant digits of deviations and tolerances (orders of magnitude matter there).
pub(crate) const TOL_DIGITS: usize = 3;

/// The longest decimal rendering (≤ `cap` digits) on which `a` and `b` agree; `None` if not
/// even one digit agrees.
pub fn agreeing<S: Scalar, T: Scalar>(a: &S, b: &T, cap: usize) -> Option<String> {
    (1..=cap.max(1)).rev().find_map(|k| {
        let s = a.to_decimal(k);
        (s == b.to_decimal(k)).then_some(s)
    })
}

/// Number of leading significant digits on which `a` and `b` agree (0..=cap).
pub fn agreeing_digits<S: Scalar, T: Scalar>(a: &S, b: &T, cap: usize) -> usize {
    (1..=cap)
        .rev()
        .find(|&k| a.to_decimal(k) == b.to_decimal(k))
        .unwrap_or(0)
}

/// How many digits to print.
pub enum Guard<'a, S: Scalar> {
    /// The digits the working precision guarantees.
    Trusted,
    /// The digits this run and its twin at another precision agree on.
    Twin(&'a Analysis<S>),
}

impl<S: Scalar> Clone for Guard<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Scalar> Copy for Guard<'_, S> {}

fn cell<S: Scalar, T: Scalar>(x: Option<&S>, twin: Option<Option<&T>>, digits: usize) -> String {
    match (x, twin) {
        (None, _) => "-".into(),
        (Some(a), None) => a.to_decimal(digits),
        (Some(a), Some(Some(b))) => {
            agreeing(a, b, digits).unwrap_or_else(|| format!("~{}", a.to_decimal(1)))
        }
        (Some(a), Some(None)) => format!("~{}", a.to_decimal(1)),
    }
}

fn predicted_text<S: Scalar, T: Scalar>(
    p: &Predicted<S>,
    twin: Option<&Predicted<T>>,
    digits: usize,
    ctx: S::Ctx,
) -> String {
    match p {
        Predicted::Exact(q) => {
            let dec = S::from_rational(q, ctx).to_decimal(digits);
            if *q.denom() == 1 {
                format_rational(q)
            } else {
                format!("{} (= {dec})", format_rational(q))
            }
        }
        Predicted::Value(v) => {
            let tw = twin.map(|t| match t {
                Predicted::Value(w) => Some(w),
                _ => None,
            });
            cell(Some(v), tw, digits)
        }
        Predicted::Infinite => "inf".into(),
        Predicted::Unavailable(why) => why.to_string(),
    }
}

/// The predicted constants, one per line, each with its section.
pub fn render_predictions<S: Scalar>(a: &Analysis<S>, guard: Guard<'_, S>) -> String {
    let twin = match guard {
        Guard::Twin(t) => Some(&t.prediction),
        Guard::Trusted => None,
    };
    predictions_text(&a.prediction, twin)
}

/// The predicted constants, printing only the digits on which they agree with `reference`,
/// the same predictions at a higher precision (a cheap precision guard: no second run).
pub(crate) fn render_predictions_against<S: Scalar>(
    a: &Analysis<S>,
    reference: &Prediction<rug::Float>,
) -> String {
    predictions_text(&a.prediction, Some(reference))
}

fn predictions_text<S: Scalar, T: Scalar>(
    p: &Prediction<S>,
    twin: Option<&Prediction<T>>,
) -> String {
    let digits = trusted_digits(S::accuracy_bits(p.ctx), 0).min(TABLE_DIGITS);
    let mut out = String::new();
    let sup: Vec<String> = p.support.iter().map(|i| (i + 1).to_string()).collect();
    out.push_str(&format!(
        "# oracle: w^ = ({}), |w^|^2 = {}, support S = {{{}}}, {}{}\n",
        p.w_hat
            .iter()
            .map(format_rational)
            .collect::<Vec<_>>()
            .join(", "),
        format_rational(&p.norm_sq),
        sup.join(", "),
        p.regime.describe(),
        if p.spans {
            ", SVs span the data"
        } else {
            ", SVs do NOT span the data"
        }
    ));
    let vec_text = |v: &[S], tw: Option<&Vec<T>>| -> String {
        let cells: Vec<String> = v
            .iter()
            .enumerate()
            .map(|(i, x)| cell(Some(x), tw.map(|t| t.get(i)), digits))
            .collect();
        format!("({})", cells.join(", "))
    };
    let alpha_s: Vec<S> = p.support.iter().map(|&i| p.alpha[i].clone()).collect();
    let alpha_tw: Option<Vec<T>> =
        twin.map(|t| t.support.iter().map(|&i| t.alpha[i].clone()).collect());
    out.push_str(&format!(
        "# alpha on S (GD-selected, §2.1) = {}\n",
        vec_text(&alpha_s, alpha_tw.as_ref())
    ));
    match &p.w_tilde {
        Some(wt) => out.push_str(&format!(
            "# w~ (§1.3, §2.1) = {}\n",
            vec_text(wt, twin.and_then(|t| t.w_tilde.as_ref()))
        )),
        None => match &p.w_tilde_span {
            Some(ws) => out.push_str(&format!(
                "# w~: P1 part = {} (P2 part depends on the trajectory, §2.1)\n",
                vec_text(ws, twin.and_then(|t| t.w_tilde_span.as_ref()))
            )),
            None => out.push_str("# w~: none (degenerate data, §2.11)\n"),
        },
    }
    let mut cells = vec![vec![
        "constant".to_string(),
        "predicted".into(),
        "section".into(),
        "meaning".into(),
    ]];
    let tw_consts = twin.map(|t| t.constants());
    for (i, c) in p.constants().iter().enumerate() {
        let tv = tw_consts.as_ref().and_then(|t| t.get(i)).map(|c| c.value);
        cells.push(vec![
            c.symbol.to_string(),
            predicted_text(c.value, tv, digits, p.ctx),
            c.section.to_string(),
            c.formula.to_string(),
        ]);
    }
    out.push_str(&align_left(&cells));
    out
}

type Column<S> = (&'static str, fn(&Checkpoint<S>) -> Option<S>, bool);

fn columns<S: Scalar>() -> Vec<Column<S>> {
    // (header, value, is a small deviation printed with TOL_DIGITS)
    vec![
        ("dir err", |c| c.dir_err.clone(), false),
        ("gap", |c| c.gap.clone(), false),
        ("tL/C_L", |c| c.t_loss_ratio.clone(), false),
        ("|rho-w~|", |c| c.rho_err.clone(), true),
        ("angle to w^ln t+w~", |c| c.refined_angle.clone(), true),
        ("max|dual-1|", |c| c.dual_dev.clone(), true),
        ("nonSV share", |c| c.share_loss.clone(), true),
        ("share*t^(th-1)", |c| c.share_loss_scaled.clone(), false),
        ("ln t*dir", |c| c.ln_t_dir.clone(), false),
        ("ln t*gap", |c| c.ln_t_gap.clone(), false),
    ]
}

/// Whether checkpoint `t` is a printed row: one of the schedule's checkpoints `shown`
/// (increasing; [`crate::run::Schedule::points`]) or the last step (the analysis itself may
/// use a denser grid, [`crate::run::Schedule::dense`]).
pub fn shown(t: u64, shown: &[u64], last: u64) -> bool {
    t == last || shown.binary_search(&t).is_ok()
}

/// The per-checkpoint diagnostics table (theory §2), rows `t ≥ 1` among the checkpoints
/// `rows` (and the last).
pub fn render_diagnostics<S: Scalar>(a: &Analysis<S>, guard: Guard<'_, S>, rows: &[u64]) -> String {
    let last = a.checkpoints.last().map_or(0, |c| c.t);
    let bits = S::accuracy_bits(a.prediction.ctx);
    let cols = columns::<S>();
    let mut cells = vec![{
        let mut h = vec!["t".to_string()];
        h.extend(cols.iter().map(|c| c.0.to_string()));
        h
    }];
    for (i, c) in a.checkpoints.iter().enumerate() {
        if c.t < 1 || !shown(c.t, rows, last) {
            continue;
        }
        let twin_c = match guard {
            Guard::Twin(t) => t.checkpoints.get(i),
            Guard::Trusted => None,
        };
        let dg = trusted_digits(bits, c.t).min(TABLE_DIGITS);
        let mut row = vec![c.t.to_string()];
        for (_, f, small) in &cols {
            let v = f(c);
            let tv = twin_c.map(f);
            let digits = if *small {
                dg.min(TOL_DIGITS)
            } else {
                dg.min(6)
            };
            row.push(cell(v.as_ref(), tv.as_ref().map(|o| o.as_ref()), digits));
        }
        cells.push(row);
    }
    align(&cells)
}

/// The verdict table: one claim per line with its section, the witness's estimate, the
/// prediction (`(user)`: a conjecture), the bounded deviation, its tolerance and the
/// resolution; then how each tolerance was derived (or why a claim was not judged), and for
/// vector claims the estimated and predicted limits.
pub fn render_verdicts<S: Scalar>(a: &Analysis<S>, guard: Guard<'_, S>) -> String {
    let bits = S::accuracy_bits(a.prediction.ctx);
    let mut cells = vec![vec![
        "verdict".to_string(),
        "section".into(),
        "t".into(),
        "measured".into(),
        "predicted".into(),
        "|dev|".into(),
        "tolerance".into(),
        "resolution".into(),
        "claim".into(),
    ]];
    let mut notes = String::new();
    for v in &a.assessment.verdicts {
        let tw = match guard {
            Guard::Twin(t) => t.assessment.get(v.id),
            Guard::Trusted => None,
        };
        let dg = trusted_digits(bits, v.t).min(TABLE_DIGITS);
        let pair =
            |f: fn(&super::Verdict<S>) -> Option<&S>, digits: usize| cell(f(v), tw.map(f), digits);
        let mut predicted = pair(|x| x.predicted.as_ref(), dg);
        if v.user {
            predicted.push_str(" (user)");
        }
        cells.push(vec![
            v.label(),
            v.section.to_string(),
            v.t.to_string(),
            pair(|x| x.measured.as_ref(), dg),
            predicted,
            pair(|x| x.deviation.as_ref(), TOL_DIGITS),
            pair(|x| x.tolerance.as_ref(), TOL_DIGITS),
            pair(|x| x.resolution.as_ref(), TOL_DIGITS),
            v.claim.to_string(),
        ]);
        notes.push_str(&format!("#   {}: {}\n", v.id, v.basis));
        if let Some(why) = v
            .certified
            .as_ref()
            .and_then(|c| c.reason.as_ref())
            .filter(|_| v.status != super::Status::NotApplicable)
        {
            notes.push_str(&format!("#     not certified: {why}\n"));
        }
        if let (Some(l), Some(e)) = (&v.limit, &v.expected) {
            let vec = |x: &[S]| {
                x.iter()
                    .map(|c| c.to_decimal(dg))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            notes.push_str(&format!(
                "#     estimated limit ({}), predicted{} ({})\n",
                vec(l),
                if v.user { " (user)" } else { "" },
                vec(e)
            ));
        }
    }
    let mut out = align_left(&cells);
    out.push_str("# how each tolerance is derived (resolution = |dev| + tolerance: any prediction farther than that is rejected; weak = resolution above 10 % of the scale):\n");
    out.push_str(&notes);
    out
}

/// The closing lines of `ibias run`: the counts and what the run established.
pub(crate) fn render_summary<S: Scalar>(a: &Analysis<S>, judgement: &Judgement) -> String {
    let c = a.assessment.counts();
    let mut out = format!(
        "# verdicts: {} PASS, {} weak, {} FAIL, {} n/a\n",
        c.pass, c.weak, c.fail, c.not_judged
    );
    out.push_str(&judgement_line(judgement));
    out
}

/// The last line of `ibias run` and `ibias compare`: what the run established.
pub(crate) fn judgement_line(judgement: &Judgement) -> String {
    match judgement {
        Judgement::Holds => "# all checked claims hold\n".to_string(),
        Judgement::Fails(n) => format!("# {n} checked claim(s) FAILED\n"),
        Judgement::Inconclusive(why) => format!("# inconclusive: {why}\n"),
    }
}

/// The JSON fields of a judgement, shared by `run` and `compare`: `judgement` (`holds`,
/// `fails`, `inconclusive`), `all_hold` (the judgement, not the absence of a FAIL: n/a is not
/// a pass) and `inconclusive` (the reason, or null).
pub(crate) fn judgement_row(judgement: &Judgement) -> JudgementJson {
    JudgementJson {
        judgement: match judgement {
            Judgement::Holds => "holds",
            Judgement::Fails(_) => "fails",
            Judgement::Inconclusive(_) => "inconclusive",
        }
        .into(),
        all_hold: matches!(judgement, Judgement::Holds),
        inconclusive: match judgement {
            Judgement::Inconclusive(why) => Some(why.clone()),
            _ => None,
        },
    }
}

/// The rate fits (reported, not asserted).
pub fn render_fits<S: Scalar>(a: &Analysis<S>, guard: Guard<'_, S>) -> String {
    let mut cells = vec![vec![
        "fit".to_string(),
        "section".into(),
        "measured".into(),
        "predicted".into(),
        "what".into(),
    ]];
    for f in &a.assessment.fits {
        let tw = match guard {
            Guard::Twin(t) => t.assessment.fit(f.id),
            Guard::Trusted => None,
        };
        cells.push(vec![
            f.id.to_string(),
            f.section.to_string(),
            cell(f.measured.as_ref(), tw.map(|t| t.measured.as_ref()), 4),
            cell(f.predicted.as_ref(), tw.map(|t| t.predicted.as_ref()), 4),
            f.what.to_string(),
        ]);
    }
    align_left(&cells)
}

/// Everything, as printed by `ibias run` after the convergence table (diagnostics rows at
/// the checkpoints `rows`). With `reference` (the predictions at a higher precision) and the
/// [`Guard::Trusted`] guard, the constants show only the digits both agree on.
pub fn render_all<S: Scalar>(
    a: &Analysis<S>,
    guard: Guard<'_, S>,
    rows: &[u64],
    reference: Option<&Prediction<rug::Float>>,
) -> String {
    let mut out = String::new();
    out.push_str("\n# predicted constants (docs/theory/sections.md §2)\n");
    match (guard, reference) {
        (Guard::Trusted, Some(r)) => out.push_str(&render_predictions_against(a, r)),
        _ => out.push_str(&render_predictions(a, guard)),
    }
    out.push_str("\n# diagnostics against the oracle and the predictions\n");
    out.push_str(&render_diagnostics(a, guard, rows));
    out.push_str("\n# rate fits (reported, not asserted)\n");
    out.push_str(&render_fits(a, guard));
    out.push_str("\n# verdicts\n");
    out.push_str(&render_verdicts(a, guard));
    out
}

fn jnum<S: Scalar>(x: Option<&S>, digits: usize) -> Option<String> {
    x.map(|v| v.to_decimal(digits))
}

fn jpred<S: Scalar>(p: &Predicted<S>, digits: usize) -> PredictedJson {
    match p {
        Predicted::Exact(q) => PredictedJson::Value(format_rational(q)),
        Predicted::Value(v) => PredictedJson::Value(v.to_decimal(digits)),
        Predicted::Infinite => PredictedJson::Value("inf".into()),
        Predicted::Unavailable(why) => PredictedJson::Unavailable {
            unavailable: why.to_string(),
        },
    }
}

/// The JSON of an analysis ([`AnalysisJson`]): `prediction`, `diagnostics`, `verdicts`,
/// `fits`, `counts`, `judgement`, `all_hold`, `inconclusive`, `user_predictions`
/// (docs/cli.md).
pub(crate) fn analysis_rows<S: Scalar>(a: &Analysis<S>, judgement: &Judgement) -> AnalysisJson {
    let p = &a.prediction;
    let bits = S::accuracy_bits(p.ctx);
    let d0 = trusted_digits(bits, 0).min(40);
    let decimals = |v: &[S], dg: usize| v.iter().map(|x| x.to_decimal(dg)).collect::<Vec<_>>();
    let constants = p
        .constants()
        .iter()
        .map(|c| {
            let row = ConstantJson {
                value: jpred(c.value, d0),
                section: c.section.to_string(),
            };
            (c.symbol.to_string(), row)
        })
        .collect();
    let prediction = PredictionJson {
        regime: match p.regime {
            super::Regime::Unique => "unique",
            super::Regime::MaxEntropy => "max_entropy",
            super::Regime::Degenerate => "degenerate",
        }
        .into(),
        spans: p.spans,
        support: p.support.iter().map(|i| i + 1).collect(),
        alpha: decimals(&p.alpha, d0),
        w_tilde: p.w_tilde.as_ref().map(|v| decimals(v, d0)),
        constants,
    };
    let diagnostics = a
        .checkpoints
        .iter()
        .map(|c| {
            let dg = trusted_digits(bits, c.t).min(40);
            DiagnosticsRow {
                t: c.t,
                dir_err: jnum(c.dir_err.as_ref(), dg),
                angle: jnum(c.angle.as_ref(), dg),
                gap: jnum(c.gap.as_ref(), dg),
                t_loss_ratio: jnum(c.t_loss_ratio.as_ref(), dg),
                rho_err: jnum(c.rho_err.as_ref(), dg),
                refined_angle: jnum(c.refined_angle.as_ref(), dg),
                dual_dev: jnum(c.dual_dev.as_ref(), dg),
                grad_dev: jnum(c.grad_dev.as_ref(), dg),
                share_loss: jnum(c.share_loss.as_ref(), dg),
                share_grad: jnum(c.share_grad.as_ref(), dg),
                share_loss_scaled: jnum(c.share_loss_scaled.as_ref(), dg),
                ln_t_dir: jnum(c.ln_t_dir.as_ref(), dg),
                ln_t_gap: jnum(c.ln_t_gap.as_ref(), dg),
            }
        })
        .collect();
    let verdicts = a
        .assessment
        .verdicts
        .iter()
        .map(|v| {
            let dg = trusted_digits(bits, v.t).min(40);
            VerdictRow {
                id: v.id.to_string(),
                status: v.status.label().to_string(),
                section: v.section.to_string(),
                claim: v.claim.to_string(),
                t: v.t,
                measured: jnum(v.measured.as_ref(), dg),
                predicted: jnum(v.predicted.as_ref(), dg),
                deviation: jnum(v.deviation.as_ref(), TOL_DIGITS),
                tolerance: jnum(v.tolerance.as_ref(), TOL_DIGITS),
                resolution: jnum(v.resolution.as_ref(), TOL_DIGITS),
                scale: jnum(v.scale.as_ref(), TOL_DIGITS),
                core: v.core,
                user: v.user,
                witness: super::verdict::claim(v.id).witness.code().to_string(),
                limit: v.limit.as_ref().map(|l| decimals(l, dg)),
                expected: v.expected.as_ref().map(|l| decimals(l, dg)),
                basis: v.basis.clone(),
                certification: v.certified.as_ref().map(|c| CertificationJson {
                    certified: c.certified,
                    reason: c.reason.clone(),
                }),
            }
        })
        .collect();
    let fits = a
        .assessment
        .fits
        .iter()
        .map(|f| FitRow {
            id: f.id.to_string(),
            section: f.section.to_string(),
            measured: jnum(f.measured.as_ref(), 6),
            predicted: jnum(f.predicted.as_ref(), 6),
        })
        .collect();
    let counts = a.assessment.counts();
    AnalysisJson {
        prediction,
        diagnostics,
        verdicts,
        fits,
        counts: CountsJson {
            pass: counts.pass,
            weak: counts.weak,
            fail: counts.fail,
            not_judged: counts.not_judged,
        },
        user_predictions: p.user.iter().map(|u| u.to_string()).collect(),
        judgement: judgement_row(judgement),
    }
}

/// JSON of an analysis and what the run established ([`analysis_rows`] as a value).
pub(crate) fn analysis_json<S: Scalar>(a: &Analysis<S>, judgement: &Judgement) -> Value {
    to_value(&analysis_rows(a, judgement))
}
