//! A parsed table and the one layer that turns it into a [`Dataset`]: which column is the
//! label, which are the features, and how label values map to ±1.
//!
//! Every file format (CSV, TSV, `.npy`, `.npz`) is read into a [`Table`] first; the column
//! selection ([`Columns`]) is applied here, the same way for all of them.

use super::classes::ClassData;
use super::number::{format_rational, parse_rational};
use super::Dataset;
use crate::error::{Error, Result};
use rug::Rational;
use std::collections::BTreeSet;

/// One cell: an exact number, or text that is not one (a label such as `cat`, a name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    /// A number (CSV text parsed exactly, or an array element converted exactly).
    Num(Rational),
    /// Text that does not parse as a number, kept as written.
    Text(String),
}

impl Cell {
    /// Reads a text field: a number if it parses as one, else the text.
    pub(crate) fn from_field(field: &str) -> Cell {
        match parse_rational(field) {
            Ok(q) => Cell::Num(q),
            Err(_) => Cell::Text(field.to_string()),
        }
    }

    /// The cell as written back (numbers exactly, `p/q`), at most 10 characters (labels
    /// are short; messages stay short whatever the input).
    fn show(&self) -> String {
        match self {
            Cell::Num(q) => clip_n(&format_rational(q), 10),
            Cell::Text(s) => clip_n(s, 10),
        }
    }

    fn sign(&self) -> Option<i8> {
        match self {
            Cell::Num(q) if *q == 1 => Some(1),
            Cell::Num(q) if *q == -1 => Some(-1),
            _ => None,
        }
    }
}

/// Where a table came from: text has lines, an array has rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// CSV or TSV: places are 1-based line numbers, columns 1-based fields.
    Text,
    /// `.npy` / `.npz`: places are 1-based row numbers.
    Array,
}

/// A rectangular table of cells, with optional column names.
#[derive(Clone, Debug)]
pub struct Table {
    source: String,
    form: Form,
    names: Option<Vec<String>>,
    /// The line of the header (text with a header), else the place of the first row.
    head_place: usize,
    rows: Vec<Vec<Cell>>,
    places: Vec<usize>,
    width: usize,
}

impl Table {
    /// A table of `width` columns. `places[i]` locates `rows[i]` in the source (a line for
    /// text, a 1-based row number for arrays); every row has `width` cells.
    pub fn new(
        source: &str,
        form: Form,
        names: Option<(Vec<String>, usize)>,
        rows: Vec<Vec<Cell>>,
        places: Vec<usize>,
        width: usize,
    ) -> Table {
        let (names, head_place) = match names {
            Some((n, at)) => (Some(n), at),
            None => (None, places.first().copied().unwrap_or(1)),
        };
        Table {
            source: source.to_string(),
            form,
            names,
            head_place,
            rows,
            places,
            width,
        }
    }

    /// An error at `place` (a line or row), in column `column` (0-based) when one is at fault.
    fn err_at(&self, place: usize, column: Option<usize>, message: String) -> Error {
        match self.form {
            Form::Text => Error::Csv {
                source_name: self.source.clone(),
                line: place,
                column: column.map(|c| c + 1),
                message,
            },
            Form::Array => Error::Array {
                source_name: self.source.clone(),
                message: match column {
                    Some(c) => format!("row {place}, column {}: {message}", c + 1),
                    None => format!("row {place}: {message}"),
                },
            },
        }
    }

    /// An error about the columns themselves (at the header line, for text).
    fn err_head(&self, column: Option<usize>, message: String) -> Error {
        match self.form {
            Form::Text => self.err_at(self.head_place, column, message),
            Form::Array => Error::Array {
                source_name: self.source.clone(),
                message,
            },
        }
    }

    /// The name of column `j` (0-based) in messages.
    fn column_name(&self, j: usize) -> String {
        match &self.names {
            Some(n) => format!("{:?}", clip_n(&n[j], 16)),
            None => format!("{}", j + 1),
        }
    }

    /// Resolves a column reference: a header name, else a 1-based column number.
    fn resolve(&self, what: &str, reference: &str) -> Result<usize> {
        if let Some(names) = &self.names {
            let hits: Vec<usize> = (0..names.len())
                .filter(|&j| names[j] == reference)
                .collect();
            match hits.as_slice() {
                [j] => return Ok(*j),
                [a, b, ..] => {
                    return Err(self.err_head(
                        None,
                        format!(
                            "{what}: column name {:?} is ambiguous (columns {} and {})",
                            clip(reference),
                            a + 1,
                            b + 1
                        ),
                    ))
                }
                [] => {}
            }
        }
        if let Ok(k) = reference.parse::<usize>() {
            if (1..=self.width).contains(&k) {
                return Ok(k - 1);
            }
        }
        let known = match &self.names {
            Some(n) => format!(
                "the columns are {}",
                clip(
                    &n.iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ),
            None => format!(
                "the file has no header, so columns are numbered 1 to {}",
                self.width
            ),
        };
        Err(self.err_head(
            None,
            format!("{what}: no column {:?} ({known})", clip(reference)),
        ))
    }

    /// The default label column: one named `y` or `label` (any case), else the last.
    fn default_label(&self) -> Result<usize> {
        let Some(names) = &self.names else {
            return Ok(self.width - 1);
        };
        let hits: Vec<usize> = (0..names.len())
            .filter(|&j| {
                ["y", "label"]
                    .iter()
                    .any(|k| names[j].eq_ignore_ascii_case(k))
            })
            .collect();
        match hits.as_slice() {
            [] => Ok(self.width - 1),
            [j] => Ok(*j),
            [a, b, ..] => Err(self.err_head(
                None,
                format!(
                    "columns {} and {} could both be the label: choose one with --label",
                    self.column_name(*a),
                    self.column_name(*b)
                ),
            )),
        }
    }

    /// Applies the column selection and the label mapping: the data set, and a note that
    /// says how labels were mapped (when `--labels` was given). A label column with three or
    /// more values is refused here; [`Table::select_any`] reads it as K-class data.
    pub(crate) fn select(mut self, cols: &Columns) -> Result<Selected> {
        let (label, features) = self.columns(cols)?;
        let y = self.labels(label, cols.labels.as_ref())?;
        let x = self.points(&features)?;
        let note = cols.labels.as_ref().map(|(neg, pos)| {
            let minus = y.iter().filter(|&&l| l < 0).count();
            let points = |k: usize| format!("{k} point{}", if k == 1 { "" } else { "s" });
            format!(
                "--labels {neg},{pos}: label {neg:?} is y = -1 ({}), label {pos:?} is y = +1 ({})",
                points(minus),
                points(y.len() - minus)
            )
        });
        Ok(Selected {
            data: Dataset::new(x, y)?,
            note,
        })
    }

    /// Like `Table::select`, but a label column with K ≥ 3 distinct values (and no
    /// `--labels`) gives K-class data: the classes are the distinct values in the order of
    /// [`Cell`] (numbers in numeric order, then text in byte-lexicographic order).
    pub fn select_any(mut self, cols: &Columns) -> Result<Loaded> {
        if cols.labels.is_none() && !self.rows.is_empty() {
            let (label, features) = self.columns(cols)?;
            let values: BTreeSet<&Cell> = self.rows.iter().map(|r| &r[label]).collect();
            if values.len() >= 3 {
                // the lift has N(K−1) points of dimension K·d: refuse what cannot be held
                let (n, k, d) = (self.rows.len(), values.len(), features.len());
                let entries = (n as u128) * (k as u128 - 1) * (k as u128) * (d as u128);
                if entries > MAX_LIFTED_ENTRIES {
                    return Err(self.err_head(
                        Some(label),
                        format!(
                            "the label column {} has {k} distinct values: as K-class data its \
                             lift would have N(K-1) = {} points in dimension K*d = {} (more \
                             than {MAX_LIFTED_ENTRIES} numbers); is it the label? choose the \
                             label column with --label",
                            self.column_name(label),
                            (n as u128) * (k as u128 - 1),
                            (k as u128) * (d as u128)
                        ),
                    ));
                }
                let order: Vec<&Cell> = values.into_iter().collect();
                let y: Vec<usize> = self
                    .rows
                    .iter()
                    .map(|r| {
                        // every label value is in `order`, which was built from these cells
                        order.binary_search(&&r[label]).unwrap_or(0)
                    })
                    .collect();
                let names = order
                    .iter()
                    .map(|c| match c {
                        Cell::Num(q) => format_rational(q),
                        Cell::Text(t) => t.clone(),
                    })
                    .collect();
                let x = self.points(&features)?;
                return Ok(Loaded::Classes(ClassData::new(x, y, names)?));
            }
        }
        self.select(cols).map(Loaded::Binary)
    }

    /// The label column and the feature columns of a selection (refusing a table without
    /// data rows).
    fn columns(&self, cols: &Columns) -> Result<(usize, Vec<usize>)> {
        if self.rows.is_empty() {
            return Err(self.err_head(
                None,
                if self.names.is_some() {
                    "header but no data rows".into()
                } else {
                    "no data rows (expected a header x1,...,xd,y and one row per point)".into()
                },
            ));
        }
        let label = match &cols.label {
            Some(l) => self.resolve("--label", l)?,
            None => self.default_label()?,
        };
        let features = self.features(cols, label)?;
        Ok((label, features))
    }

    /// The points: the cells of the feature columns, exactly (a cell that is not a number is
    /// an error at its place). The numbers are moved out of the table (the feature columns
    /// are distinct, [`Table::features`]), so the table is spent.
    fn points(&mut self, features: &[usize]) -> Result<Vec<Vec<Rational>>> {
        let mut x = Vec::with_capacity(self.rows.len());
        for (i, &place) in self.places.iter().enumerate() {
            let mut point = Vec::with_capacity(features.len());
            for (k, &j) in features.iter().enumerate() {
                let text = match &mut self.rows[i][j] {
                    Cell::Num(q) => {
                        point.push(std::mem::take(q));
                        None
                    }
                    Cell::Text(t) => Some(std::mem::take(t)),
                };
                match text {
                    None => {}
                    Some(t) => {
                        let why = match parse_rational(&t) {
                            Err(Error::Number { message, .. }) => message,
                            _ => "not a number".into(),
                        };
                        let name = match &self.names {
                            Some(n) => clip_n(&n[j], 16),
                            None => format!("x{}", k + 1),
                        };
                        return Err(self.err_at(
                            place,
                            Some(j),
                            format!("cannot read {:?} as {name}: {why}", clip(&t)),
                        ));
                    }
                }
            }
            x.push(point);
        }
        Ok(x)
    }

    /// The feature columns: `--features`, or every column but the label.
    fn features(&self, cols: &Columns, label: usize) -> Result<Vec<usize>> {
        let Some(list) = &cols.features else {
            if let Some(names) = &self.names {
                let first = names[0].as_str();
                if label != 0 && (first.is_empty() || first == "Unnamed: 0") {
                    return Err(self.err_head(
                        Some(0),
                        format!(
                            "the first column is named {first:?}: a pandas index column (written \
                             by DataFrame.to_csv), not a feature; write the file with \
                             index=False, or choose the feature columns with --features"
                        ),
                    ));
                }
            }
            return Ok((0..self.width).filter(|&j| j != label).collect());
        };
        let mut out = Vec::with_capacity(list.len());
        for f in list {
            let j = self.resolve("--features", f)?;
            if j == label {
                return Err(self.err_head(
                    None,
                    format!(
                        "--features: column {} is the label column",
                        self.column_name(j)
                    ),
                ));
            }
            if out.contains(&j) {
                return Err(self.err_head(
                    None,
                    format!("--features: column {} is named twice", self.column_name(j)),
                ));
            }
            out.push(j);
        }
        Ok(out)
    }

    /// The labels ±1 of column `j`: values ±1 as they are, or two values mapped by
    /// `--labels NEG,POS`.
    fn labels(&self, j: usize, map: Option<&(String, String)>) -> Result<Vec<i8>> {
        let cells = || self.rows.iter().map(move |r| &r[j]).zip(&self.places);
        if let Some((neg, pos)) = map {
            let (n, p) = (Cell::from_field(neg), Cell::from_field(pos));
            return cells()
                .map(|(c, &place)| {
                    if *c == n {
                        Ok(-1)
                    } else if *c == p {
                        Ok(1)
                    } else {
                        Err(self.err_at(
                            place,
                            Some(j),
                            format!(
                                "label {:?} is neither {neg:?} (-1) nor {pos:?} (+1) of \
                                 --labels {neg},{pos}",
                                c.show()
                            ),
                        ))
                    }
                })
                .collect();
        }
        let Some((first_bad, &bad_place)) = cells().find(|(c, _)| c.sign().is_none()) else {
            return Ok(cells().filter_map(|(c, _)| c.sign()).collect());
        };
        // Not ±1: find the distinct values (up to three) to say what to do.
        let mut seen: BTreeSet<&Cell> = BTreeSet::new();
        for (c, &place) in cells() {
            if seen.insert(c) && seen.len() == 3 {
                let others: Vec<String> = seen
                    .iter()
                    .filter(|v| **v != c)
                    .map(|v| format!("{:?}", v.show()))
                    .collect();
                return Err(self.err_at(
                    place,
                    Some(j),
                    format!(
                        "label {:?} is a third value of the label column {} (after {}): \
                         a binary data set has two label values (K-class data are read by \
                         `ibias oracle`, `run`, `compare` and `flow`; choose the label column with --label)",
                        c.show(),
                        self.column_name(j),
                        others.join(" and ")
                    ),
                ));
            }
        }
        let values: Vec<String> = seen.iter().map(|v| v.show()).collect();
        let hint = match values.as_slice() {
            [a, b] => format!(
                "the label column {} has two values: say which is -1 and which +1 with \
                 --labels {a},{b} (NEG,POS)",
                self.column_name(j)
            ),
            _ => format!(
                "the label column {} has only this value: choose the label column with \
                 --label",
                self.column_name(j)
            ),
        };
        Err(self.err_at(
            bad_place,
            Some(j),
            format!("label {:?} is not +1 or -1; {hint}", first_bad.show()),
        ))
    }

    /// The column names (a text file with a header), else `None`.
    pub fn names(&self) -> Option<&[String]> {
        self.names.as_deref()
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The cells of row `i` (0-based among the data rows).
    pub fn row(&self, i: usize) -> &[Cell] {
        &self.rows[i]
    }

    /// An error about data row `i` (0-based), in column `column` (0-based) when one is at
    /// fault: `file:line:column: message` for text, `file: row r, column c: message` for
    /// arrays.
    pub(crate) fn row_error(&self, i: usize, column: Option<usize>, message: String) -> Error {
        let place = self.places.get(i).copied().unwrap_or(self.head_place);
        self.err_at(place, column, message)
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Which columns make the data set, and how labels map to ±1 (`--label`, `--features`,
/// `--labels`). The default: the label is a column named `y` or `label`, else the last;
/// the features are all other columns; labels must be ±1.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// The label column: a name or a 1-based column number.
    pub(crate) label: Option<String>,
    /// The feature columns, in order: names or 1-based column numbers.
    pub(crate) features: Option<Vec<String>>,
    /// The label values that mean −1 and +1.
    pub(crate) labels: Option<(String, String)>,
}

impl Columns {
    /// Parses the flags: `--label COL`, `--features A,B,...`, `--labels NEG,POS`.
    pub fn parse(
        label: Option<&str>,
        features: Option<&str>,
        labels: Option<&str>,
    ) -> Result<Columns> {
        let label = label
            .map(|l| {
                let l = l.trim();
                if l.is_empty() {
                    Err(Error::param("label", "empty column name"))
                } else {
                    Ok(l.to_string())
                }
            })
            .transpose()?;
        let features = features
            .map(|f| {
                f.split(',')
                    .map(|c| {
                        let c = c.trim();
                        if c.is_empty() {
                            Err(Error::param(
                                "features",
                                format!("{:?}: an empty column name", clip(f)),
                            ))
                        } else {
                            Ok(c.to_string())
                        }
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let labels = labels
            .map(|s| {
                let bad = |why: &str| {
                    Error::param(
                        "labels",
                        format!("{:?}: {why} (expected NEG,POS, e.g. --labels 0,1)", clip(s)),
                    )
                };
                let parts: Vec<&str> = s.split(',').map(str::trim).collect();
                match parts.as_slice() {
                    [n, p] if !n.is_empty() && !p.is_empty() => {
                        if Cell::from_field(n) == Cell::from_field(p) {
                            Err(bad("the two values are the same"))
                        } else {
                            Ok((n.to_string(), p.to_string()))
                        }
                    }
                    _ => Err(bad("need exactly two values")),
                }
            })
            .transpose()?;
        Ok(Columns {
            label,
            features,
            labels,
        })
    }

    /// The flags that reproduce this selection (empty for the default), each with a leading
    /// space, for a command echo.
    pub(crate) fn to_args(&self) -> String {
        let mut s = String::new();
        if let Some(l) = &self.label {
            s.push_str(&format!(" --label {l}"));
        }
        if let Some(f) = &self.features {
            s.push_str(&format!(" --features {}", f.join(",")));
        }
        if let Some((n, p)) = &self.labels {
            s.push_str(&format!(" --labels {n},{p}"));
        }
        s
    }
}

/// A data set read through a [`Columns`] selection.
#[derive(Clone, Debug)]
pub struct Selected {
    /// The data.
    pub(crate) data: Dataset,
    /// How labels were mapped to ±1, when `--labels` was given (for a note on stderr).
    pub(crate) note: Option<String>,
}

/// The largest lift of K-class data accepted, in numbers: `N(K−1)·K·d ≤ 10^7` (a label
/// column of many distinct values is more likely a feature chosen by mistake).
pub(crate) const MAX_LIFTED_ENTRIES: u128 = 10_000_000;

/// A data set read through a [`Columns`] selection: binary, or K-class (K ≥ 3 label values).
#[derive(Clone, Debug)]
pub enum Loaded {
    /// Two label values (±1, or mapped by `--labels`).
    Binary(Selected),
    /// Three or more label values: K-class data.
    Classes(ClassData),
}

/// The first 40 characters of `s` (messages quote input, never all of it).
pub(crate) fn clip(s: &str) -> String {
    clip_n(s, 40)
}

/// The first `n` characters of `s`.
fn clip_n(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
