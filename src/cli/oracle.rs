//! `ibias oracle`: the exact max-margin solution with its independently checked certificate.

use super::args::OracleArgs;
use super::common::{data_echo, load_any, note};
use super::{emit, CliResult, Failure};
use crate::cert::{self, Norm};
use crate::data::{format_rational, ClassData, Loaded};
use crate::experiment::pair_items;
use crate::oracle::classes::{row_sum, ClassOutcome};
use crate::oracle::{self, MaxMargin, Outcome, Witness};
use crate::scalar::{format_sig_float, format_sig_rational};
use crate::Error;
use rug::{Float, Rational};
use serde_json::{json, Value};

/// Significant digits of the decimal `margin` for ℓ2 with `--exact` (computed at 256 bits).
const MARGIN_DIGITS: usize = 30;

/// Significant digits of the report's decimals (without `--exact`).
const DECIMAL_DIGITS: usize = 12;

/// Lists longer than this are shortened to their first [`HEAD`] and last [`TAIL`] entries
/// unless `--wide` is given.
const LONG_LIST: usize = 8;
const HEAD: usize = 6;
const TAIL: usize = 2;

/// How the human report writes numbers and lists (`--exact`, `--wide`), and whether a list
/// was shortened (the report then says how to see all of it).
struct Style {
    exact: bool,
    wide: bool,
    shortened: std::cell::Cell<bool>,
}

impl Style {
    fn new(a: &OracleArgs) -> Style {
        Style {
            exact: a.exact,
            wide: a.wide,
            shortened: std::cell::Cell::new(false),
        }
    }
    /// An exact value: the rational with `--exact`, else its decimal, correctly rounded.
    fn num(&self, q: &Rational) -> String {
        if self.exact {
            format_rational(q)
        } else {
            format_sig_rational(q, DECIMAL_DIGITS)
        }
    }
    /// `1/√value` for ℓ2, with as many digits as the other numbers.
    fn l2_margin(&self, value: &Rational) -> String {
        l2_margin(
            value,
            if self.exact {
                MARGIN_DIGITS
            } else {
                DECIMAL_DIGITS
            },
        )
    }
    /// Entries joined by `, `, shortened to the first and last ones when long.
    fn list(&self, items: Vec<String>) -> String {
        let n = items.len();
        if self.wide || n <= LONG_LIST {
            return items.join(", ");
        }
        self.shortened.set(true);
        format!(
            "{}, ..., {}  [{n} entries]",
            items[..HEAD].join(", "),
            items[n - TAIL..].join(", ")
        )
    }
    fn vector(&self, v: &[Rational]) -> String {
        format!("({})", self.list(v.iter().map(|q| self.num(q)).collect()))
    }
    /// The non-zero entries of `v` as `point: value` (points 1-based).
    fn entries(&self, v: &[Rational]) -> String {
        self.list(
            v.iter()
                .enumerate()
                .filter(|(_, a)| **a != 0)
                .map(|(i, a)| format!("{}: {}", i + 1, self.num(a)))
                .collect(),
        )
    }
    /// The report's comment lines on how its numbers are written and how to get the rest.
    fn notes(&self, command: &str) -> String {
        let mut out = String::new();
        if !self.exact {
            out.push_str(&format!(
                "# numbers: decimals correctly rounded to {DECIMAL_DIGITS} significant digits \
                 (shorter ones are exact); the exact rationals: {command} --exact, or --json\n"
            ));
        }
        if self.shortened.get() {
            out.push_str(&format!(
                "# lists of more than {LONG_LIST} entries show the first {HEAD} and the last \
                 {TAIL}; all of them: {command} --wide\n"
            ));
        }
        out
    }
}

pub fn oracle_cmd(a: &OracleArgs) -> CliResult {
    let norm = Norm::parse(&a.norm)?;
    let selected = match load_any(&a.input)? {
        Loaded::Binary(s) => s,
        Loaded::Classes(c) => return classes_cmd(a, norm, c),
    };
    note(selected.note.as_deref());
    let mut data = selected.data;
    if a.bias {
        data = data.with_bias();
    }
    let command = format!(
        "ibias oracle {} --norm {}{}",
        data_echo(&a.input),
        norm.name(),
        if a.bias { " --bias" } else { "" }
    );
    let header = json!({
        "source": a.input.data.display().to_string(),
        "n": data.len(),
        "d": data.dim(),
    });
    match oracle::solve(&data, norm)? {
        Outcome::Separable(m) => {
            // The oracle checks its own certificate; the report says "verified" only after
            // this second, explicit run of the independent checker.
            cert::check(&data, &m.cert).map_err(|v| Failure {
                code: 1,
                message: format!(
                    "the {} certificate failed the exact check: {v}",
                    norm.name()
                ),
            })?;
            if a.json {
                let mut doc = separable_json(&m, norm);
                doc["command"] = json!(command);
                doc["data"] = header;
                doc["bias"] = json!(a.bias);
                emit(&format!("{}\n", pretty(&doc)))?;
            } else {
                emit(&separable_text(&m, norm, &command, &header, &Style::new(a)))?;
            }
            Ok(0)
        }
        Outcome::NotSeparable(w) => {
            cert::check_witness(&data, &w).map_err(|v| Failure {
                code: 1,
                message: format!("the non-separability witness failed the exact check: {v}"),
            })?;
            if a.json {
                let doc = json!({
                    "command": command,
                    "data": header,
                    "bias": a.bias,
                    "norm": norm.name(),
                    "separable": false,
                    "witness": strings(&w.alpha),
                    "certificate": "verified",
                });
                emit(&format!("{}\n", pretty(&doc)))?;
            } else {
                emit(&witness_text(&w, norm, &command, &header, &Style::new(a)))?;
            }
            Err(Error::NotSeparable {
                message: format!(
                    "a non-negative combination of the signed points y_n x_n is zero (Gordan \
                     witness on stdout){}",
                    oracle::bias_hint(&data, a.bias)
                ),
                witness: w.alpha,
            }
            .into())
        }
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn strings(v: &[Rational]) -> Vec<String> {
    v.iter().map(format_rational).collect()
}

/// `1/√value` for ℓ2, as a decimal string of `digits` significant digits.
fn l2_margin(value: &Rational, digits: usize) -> String {
    let mut f = Float::with_val(256, value);
    f.sqrt_mut();
    f.recip_mut();
    format_sig_float(&f, digits)
}

fn separable_json(m: &MaxMargin, norm: Norm) -> Value {
    let c = &m.cert;
    let mut doc = json!({
        "norm": norm.name(),
        "separable": true,
        "w": strings(&c.w),
        "value": format_rational(&c.value),
        "alpha": strings(&c.alpha),
        "support": c.support.iter().map(|i| i + 1).collect::<Vec<_>>(),
        "unique": m.unique,
        "degenerate": m.degenerate,
        "spans": m.spans,
        "theta": m.theta.as_ref().map(format_rational),
        "certificate": "verified",
    });
    match norm {
        Norm::L2 => {
            let margin_sq = Rational::from(c.value.recip_ref());
            doc["margin_sq"] = json!(format_rational(&margin_sq));
            doc["margin"] = json!(l2_margin(&c.value, MARGIN_DIGITS));
        }
        Norm::L1 | Norm::LInf => {
            doc["margin"] = json!(format_rational(&Rational::from(c.value.recip_ref())));
        }
    }
    doc
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn head(command: &str, header: &Value) -> String {
    format!(
        "# {command}\n# data: {} (N = {}, d = {})\n",
        header["source"].as_str().unwrap_or(""),
        header["n"],
        header["d"]
    )
}

fn separable_text(m: &MaxMargin, norm: Norm, command: &str, header: &Value, st: &Style) -> String {
    let c = &m.cert;
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<13}{v}\n"));
    line("norm:", norm.name().into());
    line("separable:", "yes".into());
    line("w:", st.vector(&c.w));
    match norm {
        Norm::L2 => {
            line("value:", format!("{}  (|w|^2)", st.num(&c.value)));
            line(
                "margin:",
                format!(
                    "{}  (1/|w|; margin^2 = {})",
                    st.l2_margin(&c.value),
                    st.num(&Rational::from(c.value.recip_ref()))
                ),
            );
        }
        Norm::L1 | Norm::LInf => {
            let which = if norm == Norm::L1 { "|w|_1" } else { "|w|_inf" };
            line("value:", format!("{}  ({which})", st.num(&c.value)));
            line(
                "margin:",
                format!(
                    "{}  (1/{which})",
                    st.num(&Rational::from(c.value.recip_ref()))
                ),
            );
        }
    }
    line(
        "alpha:",
        format!("{}  (non-zero entries, point: value)", st.entries(&c.alpha)),
    );
    line(
        "support:",
        st.list(c.support.iter().map(|i| (i + 1).to_string()).collect()),
    );
    line("unique:", yes_no(m.unique).into());
    let opt = |b: Option<bool>| b.map_or("n/a".to_string(), |b| yes_no(b).to_string());
    line("degenerate:", opt(m.degenerate));
    line("spans:", opt(m.spans));
    line(
        "theta:",
        m.theta.as_ref().map_or_else(
            || "none (every point is on the margin)".into(),
            |q| st.num(q),
        ),
    );
    line("certificate:", "verified".into());
    format!("{}{}{out}", head(command, header), st.notes(command))
}

fn witness_text(w: &Witness, norm: Norm, command: &str, header: &Value, st: &Style) -> String {
    let mut out = String::new();
    out.push_str(&format!("{:<13}{}\n", "norm:", norm.name()));
    out.push_str(&format!("{:<13}no\n", "separable:"));
    out.push_str(&format!(
        "{:<13}{}  (alpha >= 0, sum alpha_n y_n x_n = 0; non-zero entries, point: value)\n",
        "witness:",
        st.entries(&w.alpha)
    ));
    out.push_str(&format!("{:<13}verified\n", "certificate:"));
    format!("{}{}{out}", head(command, header), st.notes(command))
}

/// `ibias oracle` on K-class data: the exact K-class SVM through the lifted ℓ2 problem
/// (docs/theory/multiclass.md §M1), or the Gordan witness on the lifted points.
fn classes_cmd(a: &OracleArgs, norm: Norm, data: ClassData) -> CliResult {
    let data = if a.bias { data.with_bias() } else { data };
    let command = format!(
        "ibias oracle {} --norm {}{}",
        data_echo(&a.input),
        norm.name(),
        if a.bias { " --bias" } else { "" }
    );
    // what the answer is, and what its value measures (docs/theory/multiclass.md §M1, §M5)
    let (problem, measure) = match norm {
        Norm::L2 => ("l2 (K-class SVM through the origin)", "|W|_F^2"),
        Norm::L1 => (
            "l1 (K-class max margin under |vec W|_1, through the origin)",
            "|vec W|_1",
        ),
        Norm::LInf => (
            "linf (K-class max margin under |vec W|_inf, through the origin)",
            "|vec W|_inf",
        ),
    };
    let lp = norm != Norm::L2;
    let header = json!({
        "source": a.input.data.display().to_string(),
        "n": data.len(),
        "d": data.dim(),
        "k": data.classes(),
        "classes": data.names(),
    });
    let name = |k: usize| data.names()[k].clone();
    let st = Style::new(a);
    match crate::oracle::classes::solve_norm(&data, norm)? {
        ClassOutcome::Separable(m) => {
            let c = &m.lifted.cert;
            let sum = row_sum(&m.w);
            if a.json {
                let doc = json!({
                    "command": command,
                    "data": header,
                    "bias": a.bias,
                    "norm": norm.name(),
                    "separable": true,
                    "w_rows": m.w.iter().map(|r| strings(r)).collect::<Vec<_>>(),
                    "value": format_rational(&c.value),
                    "row_sum": strings(&sum),
                    "support": m.support.iter().map(|(n, k)| json!([n + 1, name(*k)])).collect::<Vec<_>>(),
                    "alpha": m.alpha.iter().map(|((n, k), v)| json!([n + 1, name(*k), format_rational(v)])).collect::<Vec<_>>(),
                    "w_unique": !lp || m.lifted.unique,
                    "unique": m.lifted.unique,
                    "degenerate": m.lifted.degenerate,
                    "spans": m.lifted.spans,
                    "theta": m.lifted.theta.as_ref().map(format_rational),
                    "certificate": "verified",
                });
                emit(&format!("{}\n", pretty(&doc)))?;
            } else {
                let mut top = format!(
                    "# {command}\n# data: {} (N = {}, d = {}, K = {} classes {}; lifted: {} points in dimension {})\n",
                    a.input.data.display(),
                    data.len(),
                    data.dim(),
                    data.classes(),
                    data.names().join(", "),
                    data.len() * (data.classes() - 1),
                    data.dim() * data.classes()
                );
                let mut out = String::new();
                let mut line = |k: &str, v: String| out.push_str(&format!("{k:<13}{v}\n"));
                line("norm:", problem.into());
                line("separable:", "yes".into());
                for (k, r) in m.w.iter().enumerate() {
                    line(&format!("w_{}:", name(k)), st.vector(r));
                }
                line("value:", format!("{}  ({measure})", st.num(&c.value)));
                if lp {
                    line(
                        "margin:",
                        format!(
                            "{}  (1/{measure})",
                            st.num(&Rational::from(c.value.recip_ref()))
                        ),
                    );
                }
                line("row sum:", format!("{}  (sum_k w_k)", st.vector(&sum)));
                line(
                    "alpha:",
                    format!(
                        "{}  (non-zero entries, (point, class): value)",
                        st.list(pair_items(&m.alpha, &data, &|q| st.num(q)))
                    ),
                );
                line(
                    "support:",
                    st.list(
                        m.support
                            .iter()
                            .map(|(n, k)| format!("({}, {})", n + 1, name(*k)))
                            .collect(),
                    ),
                );
                if lp {
                    line("W unique:", yes_no(m.lifted.unique).into());
                } else {
                    line("W unique:", "yes (strictly convex objective)".into());
                    line(
                        "unique:",
                        format!("{}  (the dual alpha)", yes_no(m.lifted.unique)),
                    );
                }
                let opt = |b: Option<bool>| b.map_or("n/a".to_string(), |b| yes_no(b).to_string());
                line("degenerate:", opt(m.lifted.degenerate));
                line(
                    "theta:",
                    m.lifted.theta.as_ref().map_or_else(
                        || "none (every pair is on the margin)".into(),
                        |q| st.num(q),
                    ),
                );
                line("certificate:", "verified (on the lifted points)".into());
                top.push_str(&st.notes(&command));
                top.push_str(&out);
                emit(&top)?;
            }
            Ok(0)
        }
        ClassOutcome::NotSeparable(beta) => {
            if a.json {
                let doc = json!({
                    "command": command,
                    "data": header,
                    "bias": a.bias,
                    "norm": norm.name(),
                    "separable": false,
                    "witness": beta.iter().map(|((n, k), v)| json!([n + 1, name(*k), format_rational(v)])).collect::<Vec<_>>(),
                    "certificate": "verified",
                });
                emit(&format!("{}\n", pretty(&doc)))?;
            } else {
                let witness = st.list(pair_items(&beta, &data, &|q| st.num(q)));
                emit(&format!(
                    "# {command}\n# data: {} (N = {}, d = {}, K = {} classes {})\n{}{:<13}{problem}\n{:<13}no\n{:<13}{}  (beta >= 0, sum beta_(n,k) (e_(y_n) - e_k) (x) x_n = 0; (point, class): value)\n{:<13}verified (on the lifted points)\n",
                    a.input.data.display(),
                    data.len(),
                    data.dim(),
                    data.classes(),
                    data.names().join(", "),
                    st.notes(&command),
                    "norm:",
                    "separable:",
                    "witness:",
                    witness,
                    "certificate:"
                ))?;
            }
            Err(Error::NotSeparable {
                message: "no W has (w_y - w_k).x_n >= 1 for every point n and class k != y_n \
                          (Gordan witness on the lifted points on stdout)"
                    .into(),
                witness: data.lifted_weights(&beta),
            }
            .into())
        }
    }
}
