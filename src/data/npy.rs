//! NumPy arrays in: `.npy` (one 2-D matrix, the label in a column) and `.npz` (arrays `X`
//! and `y`, as `np.savez(path, X=X, y=y)` writes them), read with the `npyz` crate (and
//! `zip` for the archive), converted exactly into a [`Table`].
//!
//! Elements may be floats (`f4`, `f8`: every finite float is a binary fraction and becomes
//! that rational exactly), integers, booleans (0/1) or strings (labels such as `cat`).
//! NaN and infinities are refused, as are values outside the range of
//! [`parse_rational`](super::parse_rational) (e.g. subnormal floats below 1e-300).

use super::generate::MAX_COORDINATES;
use super::number::check_value;
use super::table::{Cell, Form, Table};
use crate::error::{Error, Result};
use npyz::{DType, Deserialize, NpyFile, Order, TypeChar};
use rug::Rational;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// Most elements accepted in one file (the bound of the generators, `N·d ≤ 10^7`): the
/// shape is checked before any element is read.
pub(crate) const MAX_ELEMENTS: usize = MAX_COORDINATES;

fn err(source: &str, message: impl Into<String>) -> Error {
    Error::Array {
        source_name: source.to_string(),
        message: message.into(),
    }
}

fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Reads a `.npy` file: a 2-D matrix, one row per point (the label column is chosen by the
/// [`Columns`](super::Columns) selection; by default the last).
pub(crate) fn read_npy(path: &Path) -> Result<Table> {
    parse_npy(open(path)?, &path.display().to_string())
}

/// Parses `.npy` bytes from a reader (see [`read_npy`]).
pub(crate) fn parse_npy<R: Read>(reader: R, source: &str) -> Result<Table> {
    let array = Array::read(reader, source, "")?;
    let Some((n, m)) = matrix_shape(&array.shape, 2) else {
        return Err(err(
            source,
            format!(
                "an array of shape {}: need a 2-D matrix with at least one row and two columns \
                 (features and the label)",
                show_shape(&array.shape)
            ),
        ));
    };
    Ok(table(source, array.into_rows(n, m), m))
}

/// Reads a `.npz` archive: arrays `X` (N×d) and `y` (N, or N×1), the label appended as
/// column d+1; or, if it holds a single array, that array as a `.npy` matrix.
pub(crate) fn read_npz(path: &Path) -> Result<Table> {
    parse_npz(open(path)?, &path.display().to_string())
}

/// Parses a `.npz` archive from a seekable reader (see [`read_npz`]).
pub(crate) fn parse_npz<R: Read + Seek>(reader: R, source: &str) -> Result<Table> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| err(source, format!("not a readable .npz (zip) archive: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(npyz::npz::array_name_from_file_name)
        .map(str::to_string)
        .collect();
    let mut entry = |name: &str| entry(&mut zip, source, name);
    let has = |k: &str| names.iter().any(|n| n == k);
    if !(has("X") && has("y")) {
        if let [only] = names.as_slice() {
            let array = entry(only)?;
            if let Some((n, m)) = matrix_shape(&array.shape, 2) {
                return Ok(table(source, array.into_rows(n, m), m));
            }
            return Err(err(
                source,
                format!(
                    "its one array {only:?} has shape {}: need a 2-D matrix (label in the last \
                     column), or arrays X and y",
                    show_shape(&array.shape)
                ),
            ));
        }
        return Err(err(
            source,
            format!(
                "expected arrays named X (N×d features) and y (N labels), as \
                 np.savez(path, X=X, y=y) writes them; found {}",
                if names.is_empty() {
                    "no arrays".to_string()
                } else {
                    names
                        .iter()
                        .take(5)
                        .map(|n| format!("{:?}", super::table::clip(n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ));
    }
    let (x, y) = (entry("X")?, entry("y")?);
    matrix_and_column(source, ("X", x), ("y", y), false)
}

/// Reads a trajectory archive: arrays `t` (T step counts, or T×1) and `w` (T×d iterates), as
/// `np.savez(path, t=t, w=w)` writes them; the table has `t` as its first column and `w(t)`
/// after it (the layout of a trajectory CSV `t,w1,...,wd`).
pub(crate) fn read_trajectory_npz(path: &Path) -> Result<Table> {
    parse_trajectory_npz(open(path)?, &path.display().to_string())
}

/// Parses a trajectory archive from a seekable reader (see [`read_trajectory_npz`]).
pub(crate) fn parse_trajectory_npz<R: Read + Seek>(reader: R, source: &str) -> Result<Table> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| err(source, format!("not a readable .npz (zip) archive: {e}")))?;
    let has = |k: &str| {
        zip.file_names()
            .any(|f| npyz::npz::array_name_from_file_name(f) == Some(k))
    };
    if !(has("t") && has("w")) {
        return Err(err(
            source,
            "expected arrays named t (T step counts) and w (T×d iterates), as \
             np.savez(path, t=t, w=w) writes them",
        ));
    }
    let mut entry = |name: &str| entry(&mut zip, source, name);
    let (w, t) = (entry("w")?, entry("t")?);
    matrix_and_column(source, ("w", w), ("t", t), true)
}

/// Reads the array `name` of an archive.
fn entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, source: &str, name: &str) -> Result<Array> {
    let file = zip
        .by_name(&npyz::npz::file_name_from_array_name(name))
        .map_err(|e| err(source, format!("array {name:?}: {e}")))?;
    Array::read(file, source, &format!("array {name:?}"))
}

/// The table of a matrix (N×m) and a column of N values, the column appended after the
/// matrix's columns, or put first (`first`).
fn matrix_and_column(
    source: &str,
    (mname, m): (&str, Array),
    (cname, c): (&str, Array),
    first: bool,
) -> Result<Table> {
    let Some((n, d)) = matrix_shape(&m.shape, 1) else {
        return Err(err(
            source,
            format!(
                "{mname} has shape {}: need a 2-D matrix (N rows × d columns, N, d ≥ 1)",
                show_shape(&m.shape)
            ),
        ));
    };
    let rows_ok = match c.shape.as_slice() {
        [k] | [k, 1] => *k == n,
        _ => false,
    };
    if !rows_ok {
        return Err(err(
            source,
            format!(
                "{cname} has shape {} but {mname} has {n} rows: need {cname} of shape ({n},)",
                show_shape(&c.shape)
            ),
        ));
    }
    let mut rows = m.into_rows(n, d);
    for (row, value) in rows.iter_mut().zip(c.cells) {
        if first {
            row.insert(0, value);
        } else {
            row.push(value);
        }
    }
    Ok(table(source, rows, d + 1))
}

fn table(source: &str, rows: Vec<Vec<Cell>>, width: usize) -> Table {
    let places = (1..=rows.len()).collect();
    Table::new(source, Form::Array, None, rows, places, width)
}

/// `(rows, columns)` of a 2-D shape with at least one row and `min_columns` columns.
fn matrix_shape(shape: &[usize], min_columns: usize) -> Option<(usize, usize)> {
    match shape {
        [n, m] if *n >= 1 && *m >= min_columns => Some((*n, *m)),
        _ => None,
    }
}

fn show_shape(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One array read into cells, in storage order.
struct Array {
    shape: Vec<usize>,
    order: Order,
    cells: Vec<Cell>,
}

impl Array {
    /// Reads an array (header and elements); `array` names it in errors (empty for the one
    /// array of a `.npy` file).
    fn read<R: Read>(reader: R, source: &str, array: &str) -> Result<Array> {
        let what = if array.is_empty() { "the array" } else { array };
        let of = if array.is_empty() {
            String::new()
        } else {
            format!(" of {array}")
        };
        let npy = NpyFile::new(reader)
            .map_err(|e| err(source, format!("{what} is not a valid .npy array: {e}")))?;
        let shape: Vec<usize> = npy
            .shape()
            .iter()
            .map(|&k| usize::try_from(k).unwrap_or(usize::MAX))
            .collect();
        let total = shape.iter().fold(1usize, |a, &k| a.saturating_mul(k));
        if total > MAX_ELEMENTS {
            return Err(err(
                source,
                format!(
                    "{what} has shape {}: more than {MAX_ELEMENTS} values (memory)",
                    show_shape(&shape)
                ),
            ));
        }
        let order = npy.order();
        let columns = shape.get(1).copied().unwrap_or(1).max(1);
        let rows = shape.first().copied().unwrap_or(1).max(1);
        // The (row, column) of element k, for messages.
        let place = |k: usize| match order {
            Order::C => (k / columns + 1, k % columns + 1),
            Order::Fortran => (k % rows + 1, k / rows + 1),
        };
        let bad = |k: usize, v: String, why: String| {
            let (r, c) = place(k);
            err(source, format!("row {r}, column {c}{of}: {v} {why}"))
        };
        let float = |k: usize, v: f64| -> Result<Cell> {
            let q = Rational::from_f64(v).ok_or_else(|| {
                bad(
                    k,
                    format!("{v}"),
                    "is not a finite number (NaN and infinity are not data)".into(),
                )
            })?;
            check_value(&q, &format!("{v:e}")).map_err(|e| match e {
                Error::Number { message, .. } => bad(k, format!("{v:e}"), message),
                other => other,
            })?;
            Ok(Cell::Num(q))
        };
        let int = |v: i128| Ok(Cell::Num(Rational::from(v)));
        let DType::Plain(ts) = npy.dtype() else {
            return Err(err(
                source,
                format!("{what} has a structured dtype: need a plain numeric array"),
            ));
        };
        let size = ts.size_field();
        let cells = match (ts.type_char(), size) {
            (TypeChar::Float, 8) => elements(npy, source, what, float)?,
            (TypeChar::Float, 4) => {
                elements(npy, source, what, |k, v: f32| float(k, f64::from(v)))?
            }
            (TypeChar::Int, 1) => elements(npy, source, what, |_, v: i8| int(v.into()))?,
            (TypeChar::Int, 2) => elements(npy, source, what, |_, v: i16| int(v.into()))?,
            (TypeChar::Int, 4) => elements(npy, source, what, |_, v: i32| int(v.into()))?,
            (TypeChar::Int, 8) => elements(npy, source, what, |_, v: i64| int(v.into()))?,
            (TypeChar::Uint, 1) => elements(npy, source, what, |_, v: u8| int(v.into()))?,
            (TypeChar::Uint, 2) => elements(npy, source, what, |_, v: u16| int(v.into()))?,
            (TypeChar::Uint, 4) => elements(npy, source, what, |_, v: u32| int(v.into()))?,
            (TypeChar::Uint, 8) => elements(npy, source, what, |_, v: u64| int(v.into()))?,
            (TypeChar::Bool, _) => elements(npy, source, what, |_, v: bool| int(v.into()))?,
            (TypeChar::ByteStr | TypeChar::UnicodeStr, _) => {
                elements(npy, source, what, |_, v: String| {
                    Ok(Cell::from_field(v.trim()))
                })?
            }
            _ => {
                return Err(err(
                    source,
                    format!("{what} has dtype {ts}: need floats, integers, booleans or strings"),
                ))
            }
        };
        Ok(Array {
            shape,
            order,
            cells,
        })
    }

    /// The elements as `n` rows of `m` cells (`n·m` is the number of elements).
    fn into_rows(self, n: usize, m: usize) -> Vec<Vec<Cell>> {
        match self.order {
            Order::C => {
                let mut it = self.cells.into_iter();
                (0..n).map(|_| it.by_ref().take(m).collect()).collect()
            }
            Order::Fortran => {
                let mut rows: Vec<Vec<Cell>> = (0..n).map(|_| Vec::with_capacity(m)).collect();
                for (k, c) in self.cells.into_iter().enumerate() {
                    rows[k % n].push(c);
                }
                rows
            }
        }
    }
}

/// Reads every element as `T` and converts it; `k` is the element's storage index.
fn elements<T: Deserialize, R: Read>(
    npy: NpyFile<R>,
    source: &str,
    what: &str,
    mut convert: impl FnMut(usize, T) -> Result<Cell>,
) -> Result<Vec<Cell>> {
    let data = npy
        .data::<T>()
        .map_err(|e| err(source, format!("{what}: {e}")))?;
    let mut out = Vec::new();
    for (k, v) in data.enumerate() {
        let v = v.map_err(|e| err(source, format!("{what} is truncated or unreadable: {e}")))?;
        out.push(convert(k, v)?);
    }
    Ok(out)
}
