//! Exact ℓ2 max-margin oracle (to be written).

use super::Outcome;
use crate::data::Dataset;
use crate::error::{Error, Result};

/// Solves `min ‖w‖² s.t. z_n·w ≥ 1` exactly, or returns a Gordan witness.
pub fn solve(_data: &Dataset) -> Result<Outcome> {
    Err(Error::Numerical(
        "the l2 oracle is not implemented yet".into(),
    ))
}
