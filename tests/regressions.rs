//! Regression tests for the bugs found by fuzzing and the hostile-input catalogue (issue 7).
//! Each test is named `issue_7_<what>` and states the input that used to fail.

use implicit_bias::data::{parse_csv, parse_rational};

/// `parse_rational("1e<2000 junk chars>")` quoted the whole exponent in its message, so one
/// bad field gave an error line of up to ~20 kB. Messages now quote at most 40 characters.
#[test]
fn issue_7_bad_exponent_message_is_clipped() {
    let text = format!("1e{}", "\u{1c}".repeat(1500));
    let e = parse_rational(&text).unwrap_err().to_string();
    assert!(e.len() < 800, "{} bytes: {e:.200}", e.len());
    let csv = format!("x1,y\n{text},1\n");
    let e = parse_csv(csv.as_bytes(), "f.csv").unwrap_err().to_string();
    assert!(e.len() < 800, "{} bytes: {e:.200}", e.len());
}

/// Exponents near `i64::MAX`/`i64::MIN` overflowed the scale arithmetic of
/// `parse_decimal` (a panic under overflow checks, a wrapped and wrong magnitude test
/// without): `11e9223372036854775807`, `1.5e-9223372036854775808`. They are refused as out
/// of range now.
#[test]
fn issue_7_extreme_exponents_are_refused_not_overflowed() {
    for text in [
        "11e9223372036854775807",
        "1.5e-9223372036854775808",
        "1e-9223372036854775808",
        "123456e9223372036854775807",
        "0.000001e-9223372036854775808",
    ] {
        let e = parse_rational(text).unwrap_err().to_string();
        assert!(e.contains("magnitude"), "{text}: {e}");
    }
}

/// A zero mantissa skipped the magnitude guard, so `0e999999999` computed `10^999999999`
/// (hundreds of MB, tens of seconds) before multiplying it by zero. Zero is zero at once.
#[test]
fn issue_7_zero_with_huge_exponent_is_cheap() {
    let start = std::time::Instant::now();
    for text in [
        "0e999999999",
        "-0.000e-999999999",
        "0/1e5",
        "00e9223372036854775807",
    ] {
        assert_eq!(parse_rational(text).unwrap(), 0, "{text}");
    }
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}
