//! CSV and TSV in, CSV out: an optional header, `#` comment lines, exact numbers.

use super::number::format_rational;
use super::table::{Cell, Columns, Form, Table};
use super::Dataset;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Longest accepted line, in bytes (a guard against runaway input).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads a data set from a CSV file with the default columns (see [`parse_csv`]).
pub fn read_csv(path: &Path) -> Result<Dataset> {
    Ok(read_text_table(path, Delimiter::Sniff)?
        .select(&Columns::default())?
        .data)
}

/// The field separator of a text table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// `,`
    Comma,
    /// a tab (TSV)
    Tab,
    /// A tab if the first line that is not blank or a comment has a tab and no comma, else
    /// a comma.
    Sniff,
}

/// Reads a CSV or TSV file into a [`Table`], line by line: a line longer than
/// [`MAX_LINE_BYTES`] is refused after reading at most that many bytes of it, so memory
/// stays bounded on runaway input.
pub(crate) fn read_text_table(path: &Path, delimiter: Delimiter) -> Result<Table> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_table_reader(BufReader::new(file), &path.display().to_string(), delimiter).map_err(|e| {
        match e {
            Error::Io { source, .. } => Error::Io {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        }
    })
}

/// Parses CSV from a buffered reader with the default columns (see [`parse_csv`] for the
/// format and `read_text_table` for the memory bound). Read errors are [`Error::Io`]
/// naming `source_name`.
pub fn parse_csv_reader<R: BufRead>(reader: R, source_name: &str) -> Result<Dataset> {
    Ok(parse_table_reader(reader, source_name, Delimiter::Sniff)?
        .select(&Columns::default())?
        .data)
}

/// Parses a CSV or TSV text from a buffered reader into a [`Table`], line by line.
pub(crate) fn parse_table_reader<R: BufRead>(
    mut reader: R,
    source_name: &str,
    delimiter: Delimiter,
) -> Result<Table> {
    let mut parser = Parser::new(source_name, delimiter);
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

/// Parses CSV text with the default columns. The first line (blank lines and lines
/// starting with `#` are ignored) is a header when none of its fields is a number
/// (`x1,x2,y`, `feature_a,feature_b,label`); the
/// label is the column named `y` or `label`, else the last; the other columns are the
/// features, exact numbers; labels are `1`/`+1`/`-1` (any number equal to ±1). Errors name
/// `source_name`, the line and column. Lines longer than [`MAX_LINE_BYTES`] are refused.
/// Other columns and label values: `Table::select` with a [`Columns`] selection.
pub fn parse_csv(bytes: &[u8], source_name: &str) -> Result<Dataset> {
    Ok(parse_table(bytes, source_name, Delimiter::Sniff)?
        .select(&Columns::default())?
        .data)
}

/// Parses CSV or TSV text into a [`Table`] (the format of [`parse_csv`]).
pub fn parse_table(bytes: &[u8], source_name: &str, delimiter: Delimiter) -> Result<Table> {
    let mut parser = Parser::new(source_name, delimiter);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        parser.line(i + 1, line)?;
    }
    parser.finish()
}

/// The line-by-line state machine shared by [`parse_table`] and [`parse_table_reader`].
struct Parser<'a> {
    source_name: &'a str,
    delimiter: Delimiter,
    rows: Vec<Vec<Cell>>,
    lines: Vec<usize>,
    /// The fields of the first line as written (the header, if it is one).
    first: Vec<String>,
    /// (number of fields, line where fixed)
    width: Option<(usize, usize)>,
}

impl<'a> Parser<'a> {
    fn new(source_name: &'a str, delimiter: Delimiter) -> Self {
        Parser {
            source_name,
            delimiter,
            rows: Vec::new(),
            lines: Vec::new(),
            first: Vec::new(),
            width: None,
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
        if self.delimiter == Delimiter::Sniff {
            self.delimiter = if line.contains('\t') && !line.contains(',') {
                Delimiter::Tab
            } else {
                Delimiter::Comma
            };
        }
        let sep = if self.delimiter == Delimiter::Tab {
            '\t'
        } else {
            ','
        };
        let fields: Vec<&str> = line.split(sep).map(str::trim).collect();
        let cells: Vec<Cell> = fields.iter().map(|f| Cell::from_field(f)).collect();
        if fields.len() < 2 {
            let what = if self.width.is_none() && matches!(cells[0], Cell::Text(_)) {
                "header has no feature columns (expected x1,...,xd,y)"
            } else {
                "a row needs at least one coordinate and a label (x1,...,xd,y)"
            };
            return Err(self.err(lineno, None, what.into()));
        }
        match self.width {
            Some((w, at)) if w != fields.len() => {
                return Err(self.err(
                    lineno,
                    None,
                    format!("ragged row: {} fields, but line {at} has {w}", fields.len()),
                ))
            }
            None => {
                self.width = Some((fields.len(), lineno));
                self.first = fields.iter().map(|f| f.to_string()).collect();
            }
            _ => {}
        }
        self.rows.push(cells);
        self.lines.push(lineno);
        Ok(())
    }

    /// Decides whether the first line is a header and builds the table.
    fn finish(mut self) -> Result<Table> {
        let width = self.width.map_or(0, |(w, _)| w);
        // A header has no number among its fields (a first row with text labels such as
        // `1,2,cat` is data).
        let header = self
            .rows
            .first()
            .is_some_and(|r| r.iter().all(|c| matches!(c, Cell::Text(_))));
        let names = if header {
            let at = self.lines.remove(0);
            let head = self.rows.remove(0);
            if let Some(k) = self.rows.iter().position(|r| *r == head) {
                return Err(self.err(self.lines[k], None, "second header line".into()));
            }
            Some((std::mem::take(&mut self.first), at))
        } else {
            None
        };
        if self.rows.is_empty() {
            return Err(self.err(
                names.as_ref().map_or(1, |(_, at)| *at),
                None,
                if names.is_some() {
                    "header but no data rows".into()
                } else {
                    "no data rows (expected a header x1,...,xd,y and one row per point)".into()
                },
            ));
        }
        Ok(Table::new(
            self.source_name,
            Form::Text,
            names,
            self.rows,
            self.lines,
            width,
        ))
    }
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
    use rug::Rational;

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
