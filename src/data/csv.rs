//! CSV in and out: header `x1,...,xd,y`, `#` comment lines, exact numbers.

use super::number::{format_rational, parse_rational};
use super::Dataset;
use crate::error::{Error, Result};
use rug::Rational;
use std::path::Path;

/// Longest accepted line, in bytes (a guard against runaway input).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads a data set from a CSV file (see [`parse_csv`] for the format).
pub fn read_csv(path: &Path) -> Result<Dataset> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_csv(&bytes, &path.display().to_string())
}

/// Parses CSV text: an optional header `x1,...,xd,y` (any header line whose last field is
/// `y`), then one row per point with d exact numbers and a label `1`/`+1`/`-1`. Blank lines
/// and lines starting with `#` are ignored. Errors name `source_name`, the line and column.
pub fn parse_csv(bytes: &[u8], source_name: &str) -> Result<Dataset> {
    let err = |line: usize, column: Option<usize>, message: String| Error::Csv {
        source_name: source_name.to_string(),
        line,
        column,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        err(line, None, "not valid UTF-8 text".into())
    })?;
    let mut x: Vec<Vec<Rational>> = Vec::new();
    let mut y: Vec<i8> = Vec::new();
    let mut width: Option<(usize, usize)> = None; // (number of fields, line where fixed)
    let mut seen_header = false;
    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        if raw.len() > MAX_LINE_BYTES {
            return Err(err(
                lineno,
                None,
                format!("line longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let is_header = fields
            .iter()
            .any(|f| f.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            && fields.last().is_some_and(|f| f.eq_ignore_ascii_case("y"));
        if is_header {
            if seen_header || !x.is_empty() {
                return Err(err(lineno, None, "second header line".into()));
            }
            seen_header = true;
            if fields.len() < 2 {
                return Err(err(
                    lineno,
                    None,
                    "header has no feature columns (expected x1,...,xd,y)".into(),
                ));
            }
            width = Some((fields.len(), lineno));
            continue;
        }
        if fields.len() < 2 {
            return Err(err(
                lineno,
                None,
                "a row needs at least one coordinate and a label (x1,...,xd,y)".into(),
            ));
        }
        match width {
            Some((w, at)) if w != fields.len() => {
                return Err(err(
                    lineno,
                    None,
                    format!("ragged row: {} fields, but line {at} has {w}", fields.len()),
                ))
            }
            None => width = Some((fields.len(), lineno)),
            _ => {}
        }
        let d = fields.len() - 1;
        let mut row = Vec::with_capacity(d);
        for (j, f) in fields[..d].iter().enumerate() {
            let v = parse_rational(f).map_err(|e| match e {
                Error::Number { message, .. } => err(
                    lineno,
                    Some(j + 1),
                    format!("cannot read {:?} as x{}: {message}", clip(f), j + 1),
                ),
                other => other,
            })?;
            row.push(v);
        }
        let label = match fields[d] {
            "1" | "+1" | "1.0" => 1,
            "-1" | "-1.0" => -1,
            other => {
                return Err(err(
                    lineno,
                    Some(d + 1),
                    format!("label {:?} is not +1 or -1", clip(other)),
                ))
            }
        };
        x.push(row);
        y.push(label);
    }
    if x.is_empty() {
        return Err(err(
            1,
            None,
            if seen_header {
                "header but no data rows".into()
            } else {
                "no data rows (expected a header x1,...,xd,y and one row per point)".into()
            },
        ));
    }
    Dataset::new(x, y)
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Writes a data set as CSV with header `x1,...,xd,y`; numbers are exact (`p/q`).
pub fn to_csv(data: &Dataset) -> String {
    let mut out = String::new();
    for j in 1..=data.dim() {
        out.push_str(&format!("x{j},"));
    }
    out.push_str("y\n");
    for (row, &l) in data.points().iter().zip(data.labels()) {
        for v in row {
            out.push_str(&format_rational(v));
            out.push(',');
        }
        out.push_str(if l > 0 { "1" } else { "-1" });
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact() {
        let text = "# comment\nx1,x2,y\n0.1,-7/3,1\n\n1e-3,2,-1\n";
        let d = parse_csv(text.as_bytes(), "t").unwrap();
        assert_eq!(d.points()[0][0], Rational::from((1, 10)));
        assert_eq!(d.points()[0][1], Rational::from((-7, 3)));
        let again = parse_csv(to_csv(&d).as_bytes(), "t").unwrap();
        assert_eq!(d, again);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_csv(b"x1,x2,y\n1,2,1\n1,abc,1\n", "f.csv").unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("f.csv:3:2:"), "{s}");
        let e = parse_csv(b"x1,x2,y\n1,2,1\n1,1\n", "f.csv").unwrap_err();
        assert!(e.to_string().starts_with("f.csv:3:"), "{e}");
        let e = parse_csv(b"x1,y\n1,2\n", "f.csv").unwrap_err();
        assert!(e.to_string().contains("label"), "{e}");
        assert!(parse_csv(b"", "f").is_err());
        assert!(parse_csv(b"x1,x2,y\n", "f").is_err());
        assert!(parse_csv(b"y\n", "f").is_err());
    }
}
