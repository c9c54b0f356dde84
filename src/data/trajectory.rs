//! A trajectory logged by another program (`ibias audit --trajectory`): rows `t, w1, ..., wd`
//! in a CSV/TSV file or a `.npy` matrix, or arrays `t` and `w` in a `.npz` archive, read
//! exactly (a decimal is its exact rational, a float its exact binary fraction), and the
//! number format the values were written in ([`LogFormat`]), which bounds their rounding.

use super::number::{format_rational, parse_rational};
use super::table::{Cell, Table};
use super::{npy, read_table};
use crate::error::{Error, Result};
use rug::{Float, Integer, Rational};
use std::path::Path;

/// A logged trajectory: strictly increasing steps `t` and the iterates `w(t)`, exact.
#[derive(Clone, Debug)]
pub struct Logged {
    /// The file name, for messages and reports.
    pub source: String,
    /// The logged steps, strictly increasing.
    pub t: Vec<u64>,
    /// The iterates, one per step, each of the data's dimension.
    pub w: Vec<Vec<Rational>>,
}

/// Reads a logged trajectory of dimension `dim` (the data's `d`, bias column included):
/// by extension, `.npz` (arrays `t` and `w`), `.npy` (a matrix whose first column is `t`),
/// `.tsv`, anything else CSV (a header line such as `t,w1,w2` is optional; a header naming
/// `t` and `w1` ... `wd` selects those columns among others, as in the CSV `ibias run --csv`
/// writes). Refused, with the place: a row that is not `1 + dim` numbers, a `t` that is not a whole number
/// `≥ 0`, a `t` that does not increase, no rows.
pub(crate) fn read_trajectory(path: &Path, dim: usize) -> Result<Logged> {
    let is_npz = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("npz"));
    let table = if is_npz {
        npy::read_trajectory_npz(path)?
    } else {
        read_table(path)?
    };
    logged(&table, &path.display().to_string(), dim)
}

/// The trajectory of a table whose first column is `t` and whose other `dim` columns are
/// `w(t)` (see `read_trajectory`).
pub fn logged(table: &Table, source: &str, dim: usize) -> Result<Logged> {
    if table.is_empty() {
        return Err(Error::Data(format!(
            "{source}: no rows (expected t,w1,...,w{dim}, one row per logged step)"
        )));
    }
    // a header naming t, w1, ..., wd selects those columns (the CSV of `ibias run --csv` has
    // more); without one, the table is exactly t and the d coordinates
    let named: Option<Vec<usize>> = table.names().and_then(|names| {
        std::iter::once("t".to_string())
            .chain((1..=dim).map(|k| format!("w{k}")))
            .map(|want| names.iter().position(|n| n.trim() == want))
            .collect()
    });
    let cols: Vec<usize> = match named {
        Some(c) => c,
        None if table.width() == dim + 1 => (0..=dim).collect(),
        None => {
            return Err(table.row_error(
                0,
                None,
                format!(
                    "{} columns, but the data have d = {dim}: need t and {dim} iterate \
                     coordinates (t,w1,...,w{dim}), or a header naming them",
                    table.width()
                ),
            ))
        }
    };
    let mut t = Vec::with_capacity(table.len());
    let mut w = Vec::with_capacity(table.len());
    for i in 0..table.len() {
        let row = table.row(i);
        let mut nums = Vec::with_capacity(cols.len());
        for &j in &cols {
            match &row[j] {
                Cell::Num(q) => nums.push(q.clone()),
                Cell::Text(s) => {
                    let text: String = s.chars().take(20).collect();
                    return Err(table.row_error(i, Some(j), format!("{text:?} is not a number")));
                }
            }
        }
        let step = nums.remove(0);
        let ok = *step.denom() == 1 && step >= 0;
        let Some(step) = step.numer().to_u64().filter(|_| ok) else {
            return Err(table.row_error(
                i,
                Some(0),
                format!(
                    "t = {} is not a whole number of steps (0, 1, 2, ...)",
                    format_rational(&step)
                ),
            ));
        };
        if let Some(&before) = t.last() {
            if step <= before {
                return Err(table.row_error(
                    i,
                    Some(0),
                    format!("t = {step} does not increase (the row before has t = {before})"),
                ));
            }
        }
        t.push(step);
        w.push(nums);
    }
    Ok(Logged {
        source: source.to_string(),
        t,
        w,
    })
}

/// The number format a log's values were written in, which bounds their rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// IEEE binary32 (24 significand bits): every value is a float32, or the decimal a
    /// float32 prints as on the value's own digit grid.
    Float32,
    /// IEEE binary64 (53 bits), likewise.
    Float64,
    /// Decimals of at most this many significant digits (not floats).
    Decimal(u32),
    /// Exact values (fractions, or decimals longer than any float's).
    Exact,
}

impl LogFormat {
    /// Parses `f32`, `f64`, `exact` or `decimal:K`.
    pub fn parse(s: &str) -> Result<LogFormat> {
        match s.trim() {
            "f32" | "float32" => Ok(LogFormat::Float32),
            "f64" | "float64" => Ok(LogFormat::Float64),
            "exact" => Ok(LogFormat::Exact),
            other => other
                .strip_prefix("decimal:")
                .and_then(|k| k.parse::<u32>().ok())
                .filter(|k| (1..=1000).contains(k))
                .map(LogFormat::Decimal)
                .ok_or_else(|| {
                    Error::param(
                        "log-format",
                        format!("{other:?}: expected f32, f64, decimal:K (K digits) or exact"),
                    )
                }),
        }
    }

    /// The argument that selects this format.
    pub fn to_arg(self) -> String {
        match self {
            LogFormat::Float32 => "f32".into(),
            LogFormat::Float64 => "f64".into(),
            LogFormat::Decimal(k) => format!("decimal:{k}"),
            LogFormat::Exact => "exact".into(),
        }
    }

    /// Significand bits of a binary float format.
    pub(crate) fn float_bits(self) -> Option<u32> {
        match self {
            LogFormat::Float32 => Some(24),
            LogFormat::Float64 => Some(53),
            _ => None,
        }
    }

    /// The relative rounding of one logged value: `2^−24`, `2^−53`, `5·10^−K` (half a unit
    /// in the last of K digits, relative to a leading digit ≥ 1), or 0 (exact).
    pub(crate) fn unit_roundoff(self, bits: u32) -> Float {
        match self {
            LogFormat::Float32 => Float::with_val(bits, Float::i_exp(1, -24)),
            LogFormat::Float64 => Float::with_val(bits, Float::i_exp(1, -53)),
            LogFormat::Decimal(k) => {
                Float::with_val(bits, 5) / Float::with_val(bits, Float::u_pow_u(10, k))
            }
            LogFormat::Exact => Float::new(bits),
        }
    }

    /// What it is, in words.
    pub(crate) fn describe(self) -> String {
        match self {
            LogFormat::Float32 => "float32 (every value a float32 or its decimal)".into(),
            LogFormat::Float64 => "float64 (every value a double or its decimal)".into(),
            LogFormat::Decimal(k) => format!("decimals of at most {k} significant digits"),
            LogFormat::Exact => "exact (fractions or long decimals)".into(),
        }
    }

    /// The format of a set of values: the narrowest float format that reproduces every value
    /// (as a float, or as that float rounded to the value's own decimal digits), else
    /// decimals of the largest digit count among them, else exact.
    pub(crate) fn detect<'a>(values: impl Iterator<Item = &'a Rational> + Clone) -> LogFormat {
        if values.clone().all(|q| is_float(q, 24)) {
            return LogFormat::Float32;
        }
        if values.clone().all(|q| is_float(q, 53)) {
            return LogFormat::Float64;
        }
        let mut most = 0;
        for q in values {
            match decimal(q) {
                Some((m, _)) => most = most.max(m.abs().to_string().len() as u32),
                None => return LogFormat::Exact,
            }
        }
        let digits = most;
        if digits > 40 {
            LogFormat::Exact
        } else {
            LogFormat::Decimal(digits.max(1))
        }
    }
}

impl LogFormat {
    /// The format of one logged row: for decimals, a row whose values carry fewer
    /// significant digits than `K` (a producer that prints fewer digits as its guaranteed
    /// ones shrink, as `ibias run --csv` does) was rounded on that coarser grid, so its
    /// digits count, not the log's most; other formats are the log's.
    pub(crate) fn of_row(self, w: &[Rational]) -> LogFormat {
        let LogFormat::Decimal(k) = self else {
            return self;
        };
        let mut most = 0;
        for q in w {
            match decimal(q) {
                Some((m, _)) => most = most.max(m.abs().to_string().len() as u32),
                None => return self,
            }
        }
        LogFormat::Decimal(k.min(most.max(1)))
    }
}

/// `q = m·10^−s` with `m` not divisible by 10 (`None` unless `q` is a finite decimal).
fn decimal(q: &Rational) -> Option<(Integer, i64)> {
    if *q == 0 {
        return Some((Integer::new(), 0));
    }
    let mut den = q.denom().clone();
    let twos = den.find_one(0).unwrap_or(0);
    den >>= twos;
    let mut fives = 0u32;
    while den.is_divisible_u(5) {
        den /= 5;
        fives += 1;
    }
    if den != 1 {
        return None;
    }
    let mut s = i64::from(twos.max(fives));
    let mut m = (q.clone() * Rational::from(Integer::u_pow_u(10, s as u32)))
        .into_numer_denom()
        .0;
    while m.is_divisible_u(10) {
        m /= 10;
        s -= 1;
    }
    Some((m, s))
}

/// Whether `q` is a float of `bits` significand bits in the exponent range of that IEEE
/// format (normal numbers), or a decimal that float prints as: the float rounded to `q`'s
/// own digit grid (`printf`-style `%.Kg`, a tie rounded either way), or the shortest decimal
/// that reads back as the float (Python's `repr`, Ryu, Rust's `{}`), which can lie farther
/// than half a grid unit from it where the float is a power of two (the gap below is half
/// the gap above). A float32 may also be printed as the double it widens to
/// (`repr(float(x))`), so for 24 bits the shortest double decimal counts too.
fn is_float(q: &Rational, bits: u32) -> bool {
    if *q == 0 {
        return true;
    }
    let f = Float::with_val(bits, q);
    let max_exp = if bits <= 24 { 128 } else { 1024 };
    match f.get_exp() {
        Some(e) if e > 2 - max_exp && e <= max_exp => {}
        _ => return false,
    }
    let Some(fq) = f.to_rational() else {
        return false;
    };
    if fq == *q {
        return true;
    }
    let Some((m, s)) = decimal(q) else {
        return false;
    };
    let scale = if s >= 0 {
        Rational::from(Integer::u_pow_u(10, s as u32))
    } else {
        Rational::from((1, Integer::u_pow_u(10, (-s) as u32)))
    };
    // |fq − q| ≤ half a unit of q's last digit: q is fq rounded to q's digits
    let off = (fq * scale - m).abs();
    if off <= Rational::from((1, 2)) {
        return true;
    }
    // Rust's `{}` of an f32/f64 is its shortest round-trip decimal; the float is exact
    // in f32 (24 bits) or f64 (53 bits) by construction of `f`
    let shortest = |text: String| parse_rational(&text).is_ok_and(|v| v == *q);
    if bits <= 24 {
        let x = f.to_f32();
        shortest(format!("{x}")) || shortest(format!("{}", f64::from(x)))
    } else {
        shortest(format!("{}", f.to_f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Rational {
        parse_rational(s).unwrap()
    }

    #[test]
    fn formats_are_recognized_from_the_values() {
        // 0.1f32 = 13421773/2^27; its shortest decimal is 0.1
        let f32_exact = Rational::from_f32(0.1).unwrap();
        let vals = [f32_exact, q("0.1"), q("3"), q("1.0000001")];
        assert_eq!(LogFormat::detect(vals.iter()), LogFormat::Float32);
        // 0.1 as a double printed with 17 digits is not a float32 decimal
        let vals = [q("0.10000000000000001"), q("0.5")];
        assert_eq!(LogFormat::detect(vals.iter()), LogFormat::Float64);
        let vals = [Rational::from_f64(0.1).unwrap()];
        assert_eq!(LogFormat::detect(vals.iter()), LogFormat::Float64);
        // 1/3 is not a decimal; 0.123456789012345678901 (21 digits) is no float's decimal
        assert_eq!(LogFormat::detect([q("1/3")].iter()), LogFormat::Exact);
        assert!(matches!(
            LogFormat::detect([q("0.123456789012345678901")].iter()),
            LogFormat::Decimal(21)
        ));
    }

    #[test]
    fn every_decimal_repr_prints_for_a_float_is_recognized() {
        // the float32 2.66175079345703125 (= 11164192·2^-22)
        // widened to a double prints as 2.6617507934570312 (Python repr, Ryu: ties to even);
        // the value lies exactly halfway between that and ...313
        let x = Rational::from((11_164_192, 4_194_304));
        assert_eq!(x, q("2.66175079345703125"));
        let tie = q("2.6617507934570312");
        assert!(is_float(&tie, 24) && is_float(&tie, 53));
        assert!(is_float(&q("2.6617507934570313"), 24));
        assert_eq!(LogFormat::detect([tie, x].iter()), LogFormat::Float32);
        // 2^87 = 154742504910672534362390528 as a float32 prints as 1.5474251e+26 (repr of
        // numpy.float32, Ryu), 5.09·10^18 above the value: more than half a unit (10^19) of
        // its last digit, since the gap below a power of two is half the gap above and
        // 1.5474250e+26 lies outside the lower half-gap
        let p87 = Rational::from(Integer::from(1) << 87);
        let r = q("1.5474251e26");
        assert!(Rational::from(&r - &p87).abs() > Rational::from(Integer::u_pow_u(10, 19)) / 2);
        assert!(is_float(&r, 24));
        assert_eq!(LogFormat::detect([r, p87].iter()), LogFormat::Float32);
        // a decimal with more digits than the float32 carries is no float32's print
        assert!(!is_float(&q("2.6617507934570314"), 24));
    }
}
