//! The exact data set: rational coordinates, labels ±1.
//!
//! A [`Dataset`] is well-formed by construction (non-empty, rectangular, at least one column,
//! labels ±1). Whether it is *separable* is a question for the oracle, not the constructor.

pub mod classes;
mod csv;
pub mod generate;
pub mod npy;
pub mod number;
mod table;
pub mod trajectory;

pub use classes::ClassData;
pub use csv::{
    parse_csv, parse_csv_reader, parse_table, read_csv, to_csv, Delimiter, MAX_LINE_BYTES,
};
pub(crate) use csv::{parse_table_reader, read_text_table};
pub use number::{format_rational, parse_rational};
pub use table::{Cell, Columns, Form, Loaded, Selected, Table};

use crate::error::{Error, Result};
use crate::scalar::Scalar;
use rug::Rational;
use std::path::Path;

/// Reads a data file into a [`Table`], by its extension: `.npy`, `.npz`, `.tsv` (tab
/// separated), anything else CSV (or TSV, if its first line has tabs and no comma).
pub(crate) fn read_table(path: &Path) -> Result<Table> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("npy") => npy::read_npy(path),
        Some("npz") => npy::read_npz(path),
        Some("tsv") => read_text_table(path, Delimiter::Tab),
        _ => read_text_table(path, Delimiter::Sniff),
    }
}

/// Reads a data file (`read_table`) and applies the column selection (`Table::select`).
pub fn load(path: &Path, columns: &Columns) -> Result<Selected> {
    read_table(path)?.select(columns)
}

/// Reads a data file ([`read_table`]) and applies the column selection with K-class data
/// allowed ([`Table::select_any`]).
pub(crate) fn load_any(path: &Path, columns: &Columns) -> Result<Loaded> {
    read_table(path)?.select_any(columns)
}

/// A labelled data set with exact rational coordinates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    x: Vec<Vec<Rational>>,
    y: Vec<i8>,
}

impl Dataset {
    /// Builds a data set, checking that it is non-empty, rectangular, has at least one
    /// column, and that every label is +1 or −1.
    pub fn new(x: Vec<Vec<Rational>>, y: Vec<i8>) -> Result<Self> {
        if x.is_empty() {
            return Err(Error::Data("no points (need at least one row)".into()));
        }
        if x.len() != y.len() {
            return Err(Error::Data(format!(
                "{} points but {} labels",
                x.len(),
                y.len()
            )));
        }
        let d = x[0].len();
        if d == 0 {
            return Err(Error::Data(
                "zero feature columns (need x1,...,xd with d >= 1)".into(),
            ));
        }
        for (n, row) in x.iter().enumerate() {
            if row.len() != d {
                return Err(Error::Data(format!(
                    "point {} has {} coordinates, expected {d}",
                    n + 1,
                    row.len()
                )));
            }
        }
        for (n, &l) in y.iter().enumerate() {
            if l != 1 && l != -1 {
                return Err(Error::Data(format!(
                    "point {} has label {l}, expected +1 or -1",
                    n + 1
                )));
            }
        }
        Ok(Dataset { x, y })
    }

    /// Number of points N.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Always false: a data set has at least one point.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Dimension d.
    pub fn dim(&self) -> usize {
        self.x[0].len()
    }

    /// The points `x_n`.
    pub fn points(&self) -> &[Vec<Rational>] {
        &self.x
    }

    /// The labels `y_n ∈ {−1, +1}`.
    pub fn labels(&self) -> &[i8] {
        &self.y
    }

    /// The signed points `z_n = y_n x_n`, exactly (theory §0, label absorption).
    pub fn signed_points_exact(&self) -> Vec<Vec<Rational>> {
        self.x
            .iter()
            .zip(&self.y)
            .map(|(row, &l)| {
                row.iter()
                    .map(|v| if l < 0 { Rational::from(-v) } else { v.clone() })
                    .collect()
            })
            .collect()
    }

    /// The signed points `z_n = y_n x_n` rounded once into the scalar type `S`.
    pub fn signed_points<S: Scalar>(&self, ctx: S::Ctx) -> Vec<Vec<S>> {
        self.signed_points_exact()
            .iter()
            .map(|row| row.iter().map(|q| S::from_rational(q, ctx)).collect())
            .collect()
    }

    /// The data set with a constant-1 feature appended (what GD with a bias term learns on:
    /// the regularized-bias SVM, theory §1.5).
    pub fn with_bias(&self) -> Dataset {
        Dataset {
            x: with_bias_column(&self.x),
            y: self.y.clone(),
        }
    }

    /// A copy with every coordinate multiplied by `c` (used by scaling tests).
    pub fn scaled(&self, c: &Rational) -> Dataset {
        let x = self
            .x
            .iter()
            .map(|row| row.iter().map(|v| Rational::from(v * c)).collect())
            .collect();
        Dataset {
            x,
            y: self.y.clone(),
        }
    }
}

/// The rows with a constant-1 feature appended (`--bias`, binary and K-class data alike).
pub(crate) fn with_bias_column(x: &[Vec<Rational>]) -> Vec<Vec<Rational>> {
    x.iter()
        .map(|row| {
            let mut r = row.clone();
            r.push(Rational::from(1));
            r
        })
        .collect()
}
