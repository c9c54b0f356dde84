//! CSV in and out: header `x1,...,xd,y`, `#` comment lines, exact numbers.

use super::number::{format_rational, parse_rational};
use super::Dataset;
use crate::error::{Error, Result};
use rug::Rational;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Longest accepted line, in bytes (a guard against runaway input).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads a data set from a CSV file (see [`parse_csv`] for the format).
///
/// The file is read line by line: a line longer than [`MAX_LINE_BYTES`] is refused after
/// reading at most that many bytes of it, so memory stays bounded on runaway input.
pub fn read_csv(path: &Path) -> Result<Dataset> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_csv_reader(BufReader::new(file), &path.display().to_string()).map_err(|e| match e {
        Error::Io { source, .. } => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    })
}

/// Parses CSV from a buffered reader, line by line (see [`parse_csv`] for the format and
/// [`read_csv`] for the memory bound). Read errors are [`Error::Io`] naming `source_name`.
pub fn parse_csv_reader<R: BufRead>(mut reader: R, source_name: &str) -> Result<Dataset> {
    let mut parser = Parser::new(source_name);
    let mut buf = Vec::new();
    let mut lineno = 0;
    loop {
        buf.clear();
        lineno += 1;
        // The longest accepted line plus its '\n': a longer line stops the read here.
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut buf)
            .map_err(|source| Error::Io {
                path: source_name.into(),
                source,
            })?;
        if read == 0 {
            break;
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        parser.line(lineno, line)?;
    }
    parser.finish()
}

/// Parses CSV text: an optional header `x1,...,xd,y` (any header line whose last field is
/// `y`), then one row per point with d exact numbers and a label `1`/`+1`/`-1`. Blank lines
/// and lines starting with `#` are ignored. Errors name `source_name`, the line and column.
/// Lines longer than [`MAX_LINE_BYTES`] are refused.
pub fn parse_csv(bytes: &[u8], source_name: &str) -> Result<Dataset> {
    let mut parser = Parser::new(source_name);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        parser.line(i + 1, line)?;
    }
    parser.finish()
}

/// The line-by-line CSV state machine shared by [`parse_csv`] and [`parse_csv_reader`].
struct Parser<'a> {
    source_name: &'a str,
    x: Vec<Vec<Rational>>,
    y: Vec<i8>,
    /// (number of fields, line where fixed)
    width: Option<(usize, usize)>,
    seen_header: bool,
}

impl<'a> Parser<'a> {
    fn new(source_name: &'a str) -> Self {
        Parser {
            source_name,
            x: Vec::new(),
            y: Vec::new(),
            width: None,
            seen_header: false,
        }
    }

    fn err(&self, line: usize, column: Option<usize>, message: String) -> Error {
        Error::Csv {
            source_name: self.source_name.to_string(),
            line,
            column,
            message,
        }
    }

    /// One line, without its `\n`.
    fn line(&mut self, lineno: usize, raw: &[u8]) -> Result<()> {
        if raw.len() > MAX_LINE_BYTES {
            return Err(self.err(
                lineno,
                None,
                format!("line longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        let raw = std::str::from_utf8(raw)
            .map_err(|_| self.err(lineno, None, "not valid UTF-8 text".into()))?;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let is_header = fields
            .iter()
            .any(|f| f.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            && fields.last().is_some_and(|f| f.eq_ignore_ascii_case("y"));
        if is_header {
            if self.seen_header || !self.x.is_empty() {
                return Err(self.err(lineno, None, "second header line".into()));
            }
            self.seen_header = true;
            if fields.len() < 2 {
                return Err(self.err(
                    lineno,
                    None,
                    "header has no feature columns (expected x1,...,xd,y)".into(),
                ));
            }
            self.width = Some((fields.len(), lineno));
            return Ok(());
        }
        if fields.len() < 2 {
            return Err(self.err(
                lineno,
                None,
                "a row needs at least one coordinate and a label (x1,...,xd,y)".into(),
            ));
        }
        match self.width {
            Some((w, at)) if w != fields.len() => {
                return Err(self.err(
                    lineno,
                    None,
                    format!("ragged row: {} fields, but line {at} has {w}", fields.len()),
                ))
            }
            None => self.width = Some((fields.len(), lineno)),
            _ => {}
        }
        let d = fields.len() - 1;
        let mut row = Vec::with_capacity(d);
        for (j, f) in fields[..d].iter().enumerate() {
            let v = parse_rational(f).map_err(|e| match e {
                Error::Number { message, .. } => self.err(
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
                return Err(self.err(
                    lineno,
                    Some(d + 1),
                    format!("label {:?} is not +1 or -1", clip(other)),
                ))
            }
        };
        self.x.push(row);
        self.y.push(label);
        Ok(())
    }

    fn finish(self) -> Result<Dataset> {
        if self.x.is_empty() {
            return Err(self.err(
                1,
                None,
                if self.seen_header {
                    "header but no data rows".into()
                } else {
                    "no data rows (expected a header x1,...,xd,y and one row per point)".into()
                },
            ));
        }
        Dataset::new(self.x, self.y)
    }
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
