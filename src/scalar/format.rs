//! Decimal renderings with a given number of significant digits, in one layout for every
//! scalar: f64 (exact formatting), MPFR floats and exact rationals (correctly rounded).

use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;

/// Formats an f64 with `digits` significant digits: fixed notation for moderate magnitudes,
/// scientific otherwise. Deterministic (Rust's float formatting is exact and platform-free).
pub(crate) fn format_sig_f64(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = digits.max(1);
    let e = x.abs().log10().floor() as i32;
    // fixed notation only where it shows no digit beyond the `digits` significant ones
    // (87814.6 at 4 digits is 8.781e4, not 87815 or 87810)
    if (-4..15).contains(&e) && e < digits as i32 {
        let decimals = (digits as i32 - 1 - e).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{:.*e}", digits - 1, x)
    }
}

/// Formats an MPFR float with `digits` significant digits, correctly rounded (MPFR's own
/// decimal conversion), in the same layout as `format_sig_f64`.
pub fn format_sig_float(x: &Float, digits: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x.is_sign_negative() {
            "-inf".into()
        } else {
            "inf".into()
        };
    }
    if x.is_zero() {
        return "0".into();
    }
    let digits = digits.max(1);
    let (neg, mant, exp) = x.to_sign_string_exp_round(10, Some(digits), Round::Nearest);
    // value = 0.mant × 10^exp
    let exp = exp.unwrap_or(0);
    let mant = mant.trim_end_matches('0');
    let mant = if mant.is_empty() { "0" } else { mant };
    let sign = if neg { "-" } else { "" };
    let e = exp - 1; // decimal exponent of the leading digit
                     // fixed notation only where it shows no digit beyond the `digits` significant ones: an
                     // integer part longer than that would pad with zeros that read as digits (87814.6 at 4
                     // digits printed as 87810, which a reader, and the pipeline fuzz target, took for ±0.5)
    if (-4..15).contains(&e) && e < digits as i32 {
        // fixed notation with exactly `digits` significant digits (pad with zeros)
        let mut m: String = mant.to_string();
        while m.len() < digits {
            m.push('0');
        }
        let s = if e >= 0 {
            let int_len = (e + 1) as usize;
            if m.len() <= int_len {
                let mut s = m.clone();
                while s.len() < int_len {
                    s.push('0');
                }
                s
            } else {
                format!("{}.{}", &m[..int_len], &m[int_len..])
            }
        } else {
            format!("0.{}{}", "0".repeat((-e - 1) as usize), m)
        };
        format!("{sign}{s}")
    } else {
        let mut m: String = mant.to_string();
        while m.len() < digits {
            m.push('0');
        }
        let frac = &m[1..];
        if frac.is_empty() {
            format!("{sign}{}e{e}", &m[..1])
        } else {
            format!("{sign}{}.{}e{e}", &m[..1], frac)
        }
    }
}

/// Formats an exact rational with `digits` significant digits, correctly rounded to nearest,
/// in the layout of [`format_sig_float`]; a value whose decimal expansion ends within those
/// digits is printed exactly, without trailing zeros (`1/2` → `0.5`, `3` → `3`).
///
/// The rational is first rounded to a binary float and MPFR rounds that to decimal; the
/// decimal is then checked against the exact value (within half a unit of its last digit)
/// and the binary precision doubled in the rare case where a decimal rounding boundary lies
/// between the two, so every digit printed is the exact value's.
pub fn format_sig_rational(q: &Rational, digits: usize) -> String {
    if *q == 0 {
        return "0".into();
    }
    let digits = digits.max(1);
    let mut prec = 64 + 4 * digits as u32;
    loop {
        let (f, ord) = Float::with_val_round(prec, q, Round::Nearest);
        let (neg, mant, exp) = f.to_sign_string_exp_round(10, Some(digits), Round::Nearest);
        // the decimal printed: ±0.mant × 10^exp, in units of 10^(exp − len(mant))
        let exp = i64::from(exp.unwrap_or(0));
        let scale = |k: i64| -> Rational {
            let p = rug::Integer::from(rug::Integer::u_pow_u(10, k.unsigned_abs() as u32));
            if k >= 0 {
                Rational::from(p)
            } else {
                Rational::from((rug::Integer::from(1), p))
            }
        };
        let m = mant.parse::<rug::Integer>().unwrap_or_default();
        let mut value = Rational::from(m) * scale(exp - mant.len() as i64);
        if neg {
            value = -value;
        }
        let err = Rational::from(q - &value).abs() * 2u32;
        if ord == Ordering::Equal || err <= scale(exp - digits as i64) {
            let s = format_sig_float(&f, digits);
            return if value == *q { trim_zeros(&s) } else { s };
        }
        prec *= 2;
    }
}

/// `0.500` → `0.5`, `2.000e20` → `2e20`, `120` → `120`: drops the zeros a fraction ends with.
fn trim_zeros(s: &str) -> String {
    let (mant, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    if !mant.contains('.') {
        return s.to_string();
    }
    format!("{}{exp}", mant.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-derived decimals: exact ones without trailing zeros, others rounded to nearest
    /// (2/3 = 0.666…, 1/7 = 0.142857142857142857…, -10^17/3 = -3.33…e16).
    #[test]
    fn rationals_are_rounded_correctly_and_exact_ones_trimmed() {
        let q = |p: i64, d: i64| Rational::from((p, d));
        assert_eq!(format_sig_rational(&q(1, 2), 12), "0.5");
        assert_eq!(format_sig_rational(&q(3, 1), 12), "3");
        assert_eq!(format_sig_rational(&q(-5, 4), 12), "-1.25");
        assert_eq!(format_sig_rational(&q(2, 3), 12), "0.666666666667");
        assert_eq!(format_sig_rational(&q(1, 7), 12), "0.142857142857");
        assert_eq!(format_sig_rational(&q(1, 7), 5), "0.14286");
        assert_eq!(
            format_sig_rational(&q(-100_000_000_000_000_000, 3), 4),
            "-3.333e16"
        );
        assert_eq!(format_sig_rational(&q(1, 1 << 20), 12), "9.53674316406e-7");
        assert_eq!(format_sig_rational(&Rational::new(), 12), "0");
        // an integer part longer than the digits goes scientific (no zeros read as digits)
        assert_eq!(format_sig_rational(&q(12345, 1), 3), "1.23e4");
        assert_eq!(format_sig_rational(&q(87810, 1), 4), "8.781e4");
        assert_eq!(format_sig_rational(&q(8781, 1), 4), "8781");
        assert_eq!(format_sig_f64(87814.62109, 4), "8.781e4");
        assert_eq!(format_sig_f64(8781.4, 4), "8781");
        assert_eq!(
            format_sig_float(&Float::with_val(53, 87814.62109), 4),
            "8.781e4"
        );
        // a tie of the binary value on the way: 0.125 + 2^-200 must round up at 2 digits
        let near = Rational::from((1, 8)) + Rational::from((1, rug::Integer::from(1) << 200));
        assert_eq!(format_sig_rational(&near, 2), "0.13");
        let below = Rational::from((1, 8)) - Rational::from((1, rug::Integer::from(1) << 200));
        assert_eq!(format_sig_rational(&below, 2), "0.12");
    }

    #[test]
    fn formats_agree_between_f64_and_mpfr() {
        for &(x, d) in &[
            (1.0f64, 5usize),
            (0.125, 3),
            (-123.456, 6),
            (6.02e23, 4),
            (1.5e-7, 3),
            (0.00123, 2),
        ] {
            let f = Float::with_val(200, x);
            assert_eq!(format_sig_f64(x, d), format_sig_float(&f, d), "x={x} d={d}");
        }
    }
}
