//! The crate's error type: every way user input or a request can be wrong.
//!
//! Numerical *events* (underflow, a failed claim, non-separable data) are values elsewhere;
//! this enum is only for input that cannot be processed. Messages say what to fix.

use rug::Rational;
use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can be wrong with the input of a library call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A CSV data set is malformed at a given place.
    #[error("{source_name}:{line}{}: {message}", column.map(|c| format!(":{c}")).unwrap_or_default())]
    Csv {
        /// File name (or `<stdin>` / `<string>`).
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column (field) number, when one field is at fault.
        column: Option<usize>,
        /// What is wrong and what to do.
        message: String,
    },
    /// A data array (`.npy`, `.npz`) cannot be read or used (the message says where).
    #[error("{source_name}: {message}")]
    Array {
        /// File name.
        source_name: String,
        /// What is wrong (and at which row and column) and what to do.
        message: String,
    },
    /// A data set that violates a structural rule (empty, ragged, zero columns, bad label).
    #[error("invalid data set: {0}")]
    Data(String),
    /// A parameter (step size, precision, steps, init, ...) is out of range.
    #[error("invalid {name}: {message}")]
    Parameter {
        /// Which parameter (as named on the command line).
        name: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A number could not be parsed.
    #[error("cannot parse {text:?} as an exact number: {message}")]
    Number {
        /// The offending text.
        text: String,
        /// Why.
        message: String,
    },
    /// The data are not strictly linearly separable (through the origin), with the exact
    /// evidence.
    #[error("data are not linearly separable: {message}")]
    NotSeparable {
        /// What was found, and what to try (`--bias`).
        message: String,
        /// The Gordan witness the oracle found (`cert::Witness::alpha`): weights `α_n ≥ 0`,
        /// not all zero, with `Σ_n α_n y_n x_n = 0` over the points in data order — for
        /// K-class data over the lifted points, `K − 1` per sample in the order of
        /// `ClassData::lift`. `cert::check_witness` verifies it exactly.
        witness: Vec<Rational>,
    },
    /// An internal numerical procedure failed to reach an answer it could certify.
    #[error("numerical failure: {0}")]
    Numerical(String),
}

impl Error {
    /// A not-separable error with its message extended by `more` (a hint), the witness kept;
    /// any other error unchanged.
    #[must_use]
    pub(crate) fn with_hint(self, more: &str) -> Self {
        match self {
            Error::NotSeparable { message, witness } => Error::NotSeparable {
                message: format!("{message}{more}"),
                witness,
            },
            other => other,
        }
    }

    /// Shorthand for a [`Error::Parameter`].
    pub(crate) fn param(name: &'static str, message: impl Into<String>) -> Self {
        Error::Parameter {
            name,
            message: message.into(),
        }
    }
}
