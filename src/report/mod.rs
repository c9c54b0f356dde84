//! The per-checkpoint convergence table of a run, and its renderings (text, JSON).
//!
//! This is the one place where trajectory numbers become text. Every float is printed with
//! the number of significant digits the working precision guarantees at that step
//! ([`trusted_digits`]), never more.

pub mod json;

use crate::objective::Objective;
use crate::run::Trajectory;
use crate::scalar::{dot, norm, Scalar};
use serde_json::Value;

/// Significant decimal digits that a `bits`-bit computation still guarantees after `t`
/// steps: rounding errors add up at most linearly in `t` (a random walk in practice, theory
/// §8.2), so `bits − log2(t+1)` bits remain, minus 4 bits of slack for the constant.
pub fn trusted_digits(bits: u32, t: u64) -> usize {
    let lost = (t as f64 + 1.0).log2().ceil(); // not `t + 1`: no overflow at u64::MAX
    let good = f64::from(bits) - lost - 4.0;
    ((good * std::f64::consts::LOG10_2).floor() as i64).max(1) as usize
}

/// One row of the table (all values at the working precision).
#[derive(Clone, Debug)]
pub struct Row<S: Scalar> {
    /// Step.
    pub(crate) t: u64,
    /// The iterate `w(t)`.
    pub(crate) w: Vec<S>,
    /// `‖w(t)‖`.
    pub(crate) norm: S,
    /// `‖w(t)‖ / ln t` (from t = 2 on).
    pub(crate) norm_over_ln_t: Option<S>,
    /// `ln L(w(t))`.
    pub(crate) ln_loss: S,
    /// `t · L(w(t))` (from t = 1 on).
    pub(crate) t_loss: Option<S>,
    /// `w(t)/‖w(t)‖` (absent when `w = 0`).
    pub(crate) direction: Option<Vec<S>>,
    /// `min_n z_n·w(t) / ‖w(t)‖` (absent when `w = 0`).
    pub(crate) min_margin: Option<S>,
    /// Significant digits guaranteed at this row.
    pub(crate) digits: usize,
}

/// Builds the rows of a trajectory.
pub fn rows<S: Scalar>(obj: &Objective<S>, traj: &Trajectory<S>) -> Vec<Row<S>> {
    let ctx = obj.ctx();
    traj.samples
        .iter()
        .map(|s| {
            let nrm = norm(&s.w, ctx);
            let ln_t = (s.t >= 2).then(|| S::from_f64(s.t as f64, ctx).ln());
            let norm_over_ln_t = ln_t.as_ref().map(|l| nrm.clone().div(l));
            let t_loss = (s.t >= 1).then(|| {
                let mut v = S::from_f64(s.t as f64, ctx).ln();
                v.add_assign(&s.ln_loss);
                v.exp()
            });
            let (direction, min_margin) = if nrm.is_zero() {
                (None, None)
            } else {
                let dir: Vec<S> = s.w.iter().map(|x| x.clone().div(&nrm)).collect();
                let m = obj.min_margin(&s.w).div(&nrm);
                (Some(dir), Some(m))
            };
            Row {
                t: s.t,
                w: s.w.clone(),
                norm: nrm,
                norm_over_ln_t,
                ln_loss: s.ln_loss.clone(),
                t_loss,
                direction,
                min_margin,
                digits: trusted_digits(S::accuracy_bits(ctx), s.t),
            }
        })
        .collect()
}

/// Cosine of the angle between two vectors.
pub fn cosine<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> S {
    dot(a, b, ctx).div(&norm(a, ctx)).div(&norm(b, ctx))
}

fn cell<S: Scalar>(v: &Option<S>, digits: usize) -> String {
    v.as_ref()
        .map(|x| x.to_decimal(digits))
        .unwrap_or_else(|| "-".into())
}

/// Renders rows as an aligned text table; at most `max_digits` significant digits.
pub fn render_table<S: Scalar>(rows: &[Row<S>], max_digits: usize) -> String {
    let head = [
        "t",
        "|w|",
        "|w|/ln t",
        "ln L",
        "t*L",
        "direction w/|w|",
        "min margin",
    ];
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        let dg = r.digits.min(max_digits);
        let dir = r
            .direction
            .as_ref()
            .map(|d| {
                let shown: Vec<String> =
                    d.iter().take(4).map(|x| x.to_decimal(dg.min(6))).collect();
                let more = if d.len() > 4 { ", ..." } else { "" };
                format!("({}{more})", shown.join(", "))
            })
            .unwrap_or_else(|| "-".into());
        cells.push(vec![
            r.t.to_string(),
            r.norm.to_decimal(dg),
            cell(&r.norm_over_ln_t, dg),
            r.ln_loss.to_decimal(dg),
            cell(&r.t_loss, dg),
            dir,
            cell(&r.min_margin, dg),
        ]);
    }
    align(&cells)
}

/// Aligns a grid of cells into columns (right-aligned, two spaces apart).
pub(crate) fn align(cells: &[Vec<String>]) -> String {
    align_cols(cells, true)
}

/// One cell of a CSV table from a JSON value: empty for null, a string as it is, any other
/// value as JSON writes it (`ibias run --csv`, `ibias flow --csv`).
pub(crate) fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV table: the header row, then the rows (`ibias run --csv`, `ibias flow --csv`).
///
/// # Errors
/// The CSV writer's (not expected for in-memory output).
pub(crate) fn csv_text(head: &[String], rows: &[Vec<String>]) -> crate::Result<String> {
    let bad = |e: csv::Error| crate::Error::Numerical(format!("cannot write the CSV table: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(head).map_err(bad)?;
    for row in rows {
        out.write_record(row).map_err(bad)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| crate::Error::Numerical(format!("cannot write the CSV table: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Aligns a grid of cells into left-aligned columns (text-heavy tables).
pub(crate) fn align_left(cells: &[Vec<String>]) -> String {
    align_cols(cells, false)
}

fn align_cols(cells: &[Vec<String>], right: bool) -> String {
    let ncol = cells.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0; ncol];
    for row in cells {
        for (j, c) in row.iter().enumerate() {
            width[j] = width[j].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in cells {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, c)| {
                if right {
                    format!("{:>w$}", c, w = width[j])
                } else {
                    format!("{:<w$}", c, w = width[j])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// JSON value of a scalar: a decimal string with the trusted digits.
pub fn num<S: Scalar>(x: &S, digits: usize) -> Value {
    Value::String(x.to_decimal(digits))
}

/// The exact value of a scalar, `"p/q"` (a binary fraction: the denominator is a power of
/// two), which `--init` reads back without loss; `null` when it is not finite or its magnitude
/// is outside f64's range (2^−1074 … 2^1024): MPFR's range reaches 2^(10^9), whose exact
/// string has 3·10^8 digits (one step of a huge step size on data of size 10^9 wrote 1.2 GB of
/// JSON in five minutes; tests/regressions.rs).
pub fn exact<S: Scalar>(x: &S) -> Value {
    exact_text(x).map_or(Value::Null, Value::String)
}

/// [`exact`] as a string (`None` for null).
pub(crate) fn exact_text<S: Scalar>(x: &S) -> Option<String> {
    let f = x.to_f64();
    if !f.is_finite() || (f == 0.0 && !x.is_zero()) {
        return None;
    }
    x.to_rational().map(|q| crate::data::format_rational(&q))
}

/// JSON array of row objects ([`json::RunCheckpoint`], field names documented in
/// docs/cli.md). Every row carries `w(t)` in decimals with its guaranteed digits; the last one
/// also exactly (`w_exact`).
pub fn rows_json<S: Scalar>(rows: &[Row<S>]) -> Value {
    let last = rows.len().saturating_sub(1);
    let all: Vec<json::RunCheckpoint> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let dg = r.digits.min(40);
            let dec = |x: &S| x.to_decimal(dg);
            json::RunCheckpoint {
                t: r.t,
                digits: dg,
                w: r.w.iter().map(dec).collect(),
                w_exact: (i == last).then(|| r.w.iter().map(exact_text).collect()),
                norm: dec(&r.norm),
                norm_over_ln_t: r.norm_over_ln_t.as_ref().map(dec),
                ln_loss: dec(&r.ln_loss),
                t_loss: r.t_loss.as_ref().map(dec),
                direction: r.direction.as_ref().map(|d| d.iter().map(dec).collect()),
                min_margin: r.min_margin.as_ref().map(dec),
            }
        })
        .collect();
    json::to_value(&all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_digits_shrink_with_t_and_grow_with_bits() {
        assert_eq!(trusted_digits(53, 0), 14);
        assert!(trusted_digits(53, 1_000_000) < trusted_digits(53, 10));
        assert!(trusted_digits(128, 1_000_000) > 25);
        assert_eq!(trusted_digits(2, 10), 1);
    }
}
