//! Exact ℓ1 / ℓ∞ max-margin oracle via linear programming (to be written).

use super::{Norm, Outcome};
use crate::data::Dataset;
use crate::error::{Error, Result};

/// Solves `min ‖w‖ s.t. z_n·w ≥ 1` for `norm` ∈ {ℓ1, ℓ∞} exactly, or returns a witness.
pub fn solve(_data: &Dataset, _norm: Norm) -> Result<Outcome> {
    Err(Error::Numerical(
        "the LP oracle is not implemented yet".into(),
    ))
}
