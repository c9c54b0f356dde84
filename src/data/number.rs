//! Exact parsing and printing of rational numbers.
//!
//! Accepted forms: integers (`-3`), decimals (`0.1`, `.5`, `2.`), scientific notation
//! (`1.5e-3`), and fractions `p/q` whose parts are integers or decimals (`-7/3`, `0.5/3`).
//! Every form is converted to a `rug::Rational` *exactly*: `0.1` is 1/10, not the double
//! nearest to it.
//!
//! Limits: at most `MAX_DIGITS` characters; the *value* (for a fraction, the quotient) is
//! 0 or has magnitude in `1e-300 ≤ |v| < 1e301`; and its exact form `p/q` (as
//! [`format_rational`] writes it) fits in `MAX_DIGITS` characters. Together these make
//! every accepted number writable and re-readable to the same value.

use crate::error::{Error, Result};
use rug::{Integer, Rational};

/// Largest decimal exponent magnitude accepted (`1e300` is fine, `1e999` is refused: such
/// values overflow the f64 path and are never meaningful data).
pub(crate) const MAX_DECIMAL_EXPONENT: i64 = 300;
/// Largest number of digits accepted in one number.
pub(crate) const MAX_DIGITS: usize = 2000;

fn num_err(text: &str, message: impl Into<String>) -> Error {
    Error::Number {
        text: clip(text, 40),
        message: message.into(),
    }
}

/// The first `n` characters of `s` (error messages quote input, never all of it).
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Parses one exact number (see the module docs for the accepted forms).
pub fn parse_rational(text: &str) -> Result<Rational> {
    let s = text.trim();
    if s.is_empty() {
        return Err(num_err(text, "empty field"));
    }
    match parse_small(s) {
        Some(v) => Ok(v),
        None => parse_general(text, s),
    }
}

/// [`parse_rational`] of every accepted form; `s` is `text` trimmed and not empty.
fn parse_general(text: &str, s: &str) -> Result<Rational> {
    if s.len() > MAX_DIGITS {
        return Err(num_err(text, format!("more than {MAX_DIGITS} characters")));
    }
    let bare = s.trim_start_matches(['+', '-']).as_bytes();
    let starts =
        |word: &[u8]| bare.len() >= word.len() && bare[..word.len()].eq_ignore_ascii_case(word);
    if starts(b"nan") || starts(b"inf") {
        return Err(num_err(
            text,
            "not a finite number (NaN and infinity are not data)",
        ));
    }
    let value = if let Some((p, q)) = s.split_once('/') {
        // The parts may lie outside the range of values (1e600/1e300 is 1e300); the range
        // applies to the quotient. The parts' own bound only keeps the arithmetic cheap.
        let p = parse_decimal(p, text, MAX_PART_EXPONENT)?;
        let q = parse_decimal(q, text, MAX_PART_EXPONENT)?;
        if q == 0 {
            return Err(num_err(text, "zero denominator"));
        }
        let v = p / q;
        check_range(&v, text)?;
        v
    } else {
        parse_decimal(s, text, MAX_DECIMAL_EXPONENT)?
    };
    check_writable(&value, text)?;
    Ok(value)
}

/// The common short forms without a heap-allocated intermediate: `[±]digits[.digits]` and
/// `[±]digits/[±]digits`, at most 18 digits in each part (so every part is exact in an
/// `i64`, and `10^-18 ≤ |v| ≤ 10^18` or `v = 0`: within the range of [`parse_rational`], and
/// `p/q` in lowest terms has at most 2·19 + 2 characters, so it is writable). `None` for
/// every other text, which the general path then reads (or refuses): the value, when there
/// is one, is the same (unit test `small_forms_equal_the_general_path`).
fn parse_small(s: &str) -> Option<Rational> {
    /// `[±]d…d[.d…d]`: (signed integer of all the digits, number of digits after the point).
    fn part(b: &[u8], point: bool) -> Option<(i64, u32)> {
        let (neg, b) = match b.first()? {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        let (mut v, mut digits, mut frac, mut seen_point) = (0i64, 0u32, 0u32, false);
        for &c in b {
            match c {
                b'0'..=b'9' => {
                    digits += 1;
                    if digits > 18 {
                        return None;
                    }
                    // digits ≤ 18: v < 10^18 < i64::MAX, no overflow.
                    v = v * 10 + i64::from(c - b'0');
                    frac += u32::from(seen_point);
                }
                b'.' if point && !seen_point => seen_point = true,
                _ => return None,
            }
        }
        if digits == 0 {
            return None;
        }
        Some((if neg { -v } else { v }, frac))
    }
    let b = s.as_bytes();
    match b.iter().position(|&c| c == b'/') {
        Some(i) => {
            let (p, _) = part(&b[..i], false)?;
            let (q, _) = part(&b[i + 1..], false)?;
            // q = 0 is an error the general path reports.
            (q != 0).then(|| Rational::from((p, q)))
        }
        None => {
            let (p, frac) = part(b, true)?;
            // frac ≤ 18 digits: 10^frac fits in an i64.
            Some(Rational::from((p, 10i64.pow(frac))))
        }
    }
}

/// Checks a value that did not come from text (an array element converted exactly) against
/// the limits of [`parse_rational`]: its magnitude range, and that its exact form `p/q`
/// fits in [`MAX_DIGITS`] characters. `text` names it in the error.
pub(crate) fn check_value(v: &Rational, text: &str) -> Result<()> {
    check_range(v, text)?;
    check_writable(v, text)
}

/// Decimal exponent bound for each part of a fraction `p/q` (the value itself obeys
/// [`MAX_DECIMAL_EXPONENT`]): wide enough for every `p/q` that [`format_rational`] writes.
const MAX_PART_EXPONENT: i64 = MAX_DIGITS as i64 + 2 * MAX_DECIMAL_EXPONENT;

fn range_error(text: &str) -> Error {
    num_err(
        text,
        format!("magnitude outside 1e-{MAX_DECIMAL_EXPONENT}..1e{MAX_DECIMAL_EXPONENT}"),
    )
}

/// `v = 0` or `10^-300 <= |v| < 10^301`: the same range the decimal forms are held to.
fn check_range(v: &Rational, text: &str) -> Result<()> {
    static BOUNDS: std::sync::OnceLock<(Rational, Rational)> = std::sync::OnceLock::new();
    let (lo, hi) = BOUNDS.get_or_init(|| {
        let p = |k: i64| Rational::from(Integer::from(Integer::u_pow_u(10, k as u32)));
        (
            Rational::from((1, 1)) / p(MAX_DECIMAL_EXPONENT),
            p(MAX_DECIMAL_EXPONENT + 1),
        )
    });
    let a = Rational::from(v.abs_ref());
    if *v != 0 && (a < *lo || a >= *hi) {
        return Err(range_error(text));
    }
    Ok(())
}

/// Every accepted number can be written back exactly ([`format_rational`]) in at most
/// [`MAX_DIGITS`] characters, so a data set that was read can always be re-read.
fn check_writable(v: &Rational, text: &str) -> Result<()> {
    // Cheap bound first: a b-bit integer has at most ⌊b·log10 2⌋ + 1 decimal digits.
    let bits = u64::from(v.numer().significant_bits()) + u64::from(v.denom().significant_bits());
    if (bits as f64) * std::f64::consts::LOG10_2 + 4.0 <= MAX_DIGITS as f64 {
        return Ok(());
    }
    if format_rational(v).len() > MAX_DIGITS {
        return Err(num_err(
            text,
            format!(
                "its exact value p/q needs more than {MAX_DIGITS} characters (use fewer digits)"
            ),
        ));
    }
    Ok(())
}

fn parse_decimal(s: &str, whole: &str, max_exponent: i64) -> Result<Rational> {
    let s = s.trim();
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = &body[i + 1..];
            let e: i64 = e
                .parse()
                .map_err(|_| num_err(whole, format!("bad exponent {:?}", clip(e, 20))))?;
            (&body[..i], e)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(num_err(
            whole,
            "expected a decimal like 0.1 or a fraction like -7/3",
        ));
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(num_err(
            whole,
            "expected a decimal like 0.1 or a fraction like -7/3",
        ));
    }
    let digits = format!("{int_part}{frac_part}");
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let mut n = Integer::from_str_radix(&digits, 10)
        .map_err(|_| num_err(whole, "expected a decimal like 0.1 or a fraction like -7/3"))?;
    if n == 0 {
        // Zero is zero whatever the exponent (and 10^exp is never computed).
        return Ok(Rational::new());
    }
    // Saturating: exponents near i64::MIN/MAX must fail the guard below, not overflow.
    let scale = exp.saturating_sub(frac_part.len() as i64);
    // Magnitude guard: the value's decimal exponent, ignoring leading zeros. After it,
    // |scale| <= max_exponent + MAX_DIGITS, so the casts below are exact.
    let sig = digits.trim_start_matches('0').len() as i64;
    let magnitude = sig.saturating_add(scale).saturating_sub(1);
    if !(-max_exponent..=max_exponent).contains(&magnitude) {
        return Err(range_error(whole));
    }
    if neg {
        n = -n;
    }
    let pow10 = |k: u32| Integer::from(Integer::u_pow_u(10, k));
    let r = if scale >= 0 {
        Rational::from(n * pow10(scale as u32))
    } else {
        Rational::from((n, pow10((-scale) as u32)))
    };
    Ok(r)
}

/// Prints a rational exactly: `p` for integers, `p/q` otherwise (the CSV and JSON form).
pub fn format_rational(q: &Rational) -> String {
    if *q.denom() == 1 {
        q.numer().to_string()
    } else {
        format!("{}/{}", q.numer(), q.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(p: i64, q: i64) -> Rational {
        Rational::from((p, q))
    }

    #[test]
    fn decimals_and_fractions_are_exact() {
        assert_eq!(parse_rational("0.1").unwrap(), r(1, 10));
        assert_eq!(parse_rational("-7/3").unwrap(), r(-7, 3));
        assert_eq!(parse_rational(" 1.5e-3 ").unwrap(), r(3, 2000));
        assert_eq!(parse_rational(".5").unwrap(), r(1, 2));
        assert_eq!(parse_rational("2.").unwrap(), r(2, 1));
        assert_eq!(parse_rational("+4/-8").unwrap(), r(-1, 2));
        assert_eq!(parse_rational("0.5/3").unwrap(), r(1, 6));
        assert_eq!(parse_rational("12E2").unwrap(), r(1200, 1));
    }

    #[test]
    fn small_forms_equal_the_general_path() {
        let cases = [
            "0",
            "-0",
            "+0",
            "7",
            "-7",
            "+7",
            "0.5",
            "-0.125",
            ".5",
            "5.",
            "-.5",
            "+.25",
            "1/3",
            "-2/4",
            "2/-4",
            "-2/-4",
            "+3/+9",
            "0/5",
            "007",
            "0.000",
            "123456789012345678",
            "1234567890123456789",
            "0.123456789012345678",
            "1/123456789012345678",
            "999999999999999999/2",
            "1/0",
            "1.5/2",
            "1e3",
            "1/2/3",
            "",
            ".",
            "-",
            "1..2",
            "1-2",
            "--1",
            "/2",
            "2/",
            "1 /2",
            "0x10",
            "٣",
            "nan",
            "-Inf",
        ];
        let mut small = 0;
        for s in cases {
            let general = (!s.is_empty()).then(|| parse_general(s, s).ok()).flatten();
            if let Some(v) = parse_small(s) {
                assert_eq!(Some(v), general, "{s:?}");
                small += 1;
            }
            assert_eq!(parse_rational(s).ok(), general, "{s:?}");
        }
        assert!(small >= 20, "{small}");
    }

    #[test]
    fn junk_is_refused() {
        for bad in [
            "", "abc", "nan", "-inf", "Infinity", "1/0", "1e999", "1e-999", "1..2", "--1", "1e",
            "0x10", "1,5",
        ] {
            assert!(parse_rational(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn format_round_trips() {
        for q in [r(0, 1), r(-7, 3), r(1, 10), r(123456789, 1)] {
            assert_eq!(parse_rational(&format_rational(&q)).unwrap(), q);
        }
    }
}
